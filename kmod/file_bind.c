// SPDX-License-Identifier: GPL-2.0
/*
 * crs: resolution of READ, WRITE and Execution rules per container.
 *
 * A rule's program, and the file of an exact Execution rule, are
 * resolved to the inode they name (through symlinks) in the container's
 * root, once per container and compiled policy (crs_file_bind(), or
 * lazily from a work item the first governed call queues); a rule path
 * through a symlink gets the real path it reaches (struct crs_alias).
 */
#include <linux/binfmts.h>
#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/glob.h>
#include <linux/jhash.h>
#include <linux/kprobes.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mman.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <asm/syscall.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "file_bind.h"
#include "file_rules.h"
#include "root.h"

/* ---------------------------------------------------------------------- */
/* Resolution of rule programs and exact Execution files per container. */

static void crs_bound_free(struct crs_file_bound *b)
{
	u32 i;

	for (i = 0; i < b->nalias; i++) {
		kfree(b->alias[i].canon);
		kfree(b->alias[i].lit);
	}
	kvfree(b->alias);
	kvfree(b->prog);
	kvfree(b->exec);
	kfree(b);
}

static void crs_bound_free_rcu(struct rcu_head *head)
{
	crs_bound_free(container_of(head, struct crs_file_bound, rcu));
}

static void crs_resolve_one(const struct path *root, const char *name,
			    struct crs_ino *out)
{
	struct path path;

	if (vfs_path_lookup(root->dentry, root->mnt, name, LOOKUP_FOLLOW, &path))
		return;
	out->dev = d_inode(path.dentry)->i_sb->s_dev;
	out->ino = d_inode(path.dentry)->i_ino;
	path_put(&path);
}

/*
 * A resolution is done in three steps, so that no lookup of a
 * container-controlled path (a FUSE or NFS mount that never answers)
 * runs under crs_lock: crs_bind_prepare() copies the names out under the
 * lock, crs_bind_lookup() resolves them without it, crs_bind_commit()
 * publishes the result under the lock if the container still has the
 * same compiled policy (else the result is dropped).
 */
enum crs_bind_kind {
	CRS_BIND_PROGRAM,		/* a rule's program: its inode */
	CRS_BIND_EXEC,			/* an exact Execution file: its inode */
	CRS_BIND_ALIAS,			/* a rule file's literal part: its path */
};

struct crs_bind_name {
	char *name;
	u32 idx;			/* rule index */
	u8 kind;			/* enum crs_bind_kind */
};

struct crs_bind_req {
	struct pid_namespace *ns;	/* finds the container again */
	struct path root;
	u64 id;				/* crs_file_table.id */
	int gen;			/* crs_container.resolve_gen */
	u32 nrules;
	u32 nexec;
	u32 nalias;
	u32 nnames;
	struct crs_bind_name names[];
};

static void crs_bind_req_free(struct crs_bind_req *req)
{
	u32 i;

	for (i = 0; i < req->nnames; i++)
		kfree(req->names[i].name);
	if (req->root.mnt)
		path_put(&req->root);
	if (req->ns)
		put_pid_ns(req->ns);
	kvfree(req);
}

/* The policy of @c, if it has names to resolve. */
static struct crs_policy *crs_bind_policy(struct crs_container *c)
{
	struct crs_policy_slot *slot;
	struct crs_policy *p;

	slot = rcu_dereference_protected(c->slot, lockdep_is_held(&crs_lock));
	p = slot ? rcu_dereference_protected(slot->policy,
					     lockdep_is_held(&crs_lock)) : NULL;
	return p && p->file && p->file->need_resolve ? p : NULL;
}

/*
 * What @c's policy needs resolved, with the names copied, in @c's root
 * (crs_container_lookup_root()); NULL when nothing is to be done or on
 * failure (the hooks then queue a lazy resolution).
 */
/*
 * The literal directory part of rule file @file, without a trailing '/'
 * (all of an exact path): what a symlink could redirect. Its length, 0
 * when there is none to resolve ("/", "*", relative).
 */
static u32 crs_alias_len(const char *file)
{
	bool is_glob;
	u32 len;

	if (!file || file[0] != '/')
		return 0;
	len = crs_glob_prefix(file, &is_glob);
	while (len > 1 && file[len - 1] == '/')
		len--;
	return len > 1 ? len : 0;
}

/* Copy @name[0..@len) into the next entry of @req; false if out of memory */
static bool crs_bind_add(struct crs_bind_req *req, const char *name, u32 len,
			 u32 idx, enum crs_bind_kind kind)
{
	struct crs_bind_name *bn = &req->names[req->nnames];

	bn->name = kstrndup(name, len, GFP_KERNEL_ACCOUNT);
	if (!bn->name)
		return false;
	bn->idx = idx;
	bn->kind = kind;
	req->nnames++;
	req->nexec += kind == CRS_BIND_EXEC;
	req->nalias += kind == CRS_BIND_ALIAS;
	return true;
}

static struct crs_bind_req *crs_bind_prepare(struct crs_container *c)
{
	struct crs_policy *p = crs_bind_policy(c);
	struct crs_file_bound *old = crs_bound(c);
	const char *last_alias = NULL;
	struct crs_bind_req *req;
	u32 i, n, len, last_len = 0;
	bool is_glob;

	lockdep_assert_held(&crs_lock);
	if (!p || (old && old->id == p->file->id && crs_bound_fresh(old, c)))
		return NULL;
	/* at most a program, an exact Execution file and an alias per rule */
	n = 3 * p->nrules;
	req = kvzalloc(struct_size(req, names, n), GFP_KERNEL_ACCOUNT);
	if (!req)
		return NULL;
	req->ns = get_pid_ns(c->pidns);
	req->id = p->file->id;
	req->gen = atomic_read(&c->resolve_gen);
	req->nrules = p->nrules;
	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];
		int kind = crs_rule_kind(r);

		if (r->inactive)
			continue;
		if (!crs_prog_is_any(r->program) &&
		    !crs_bind_add(req, r->program, strlen(r->program), i,
				  CRS_BIND_PROGRAM))
			goto err;
		if (kind < 0)
			continue;
		if (kind == CRS_FK_EXEC && r->file) {
			crs_glob_prefix(r->file, &is_glob);
			if (!is_glob && !crs_bind_add(req, r->file, strlen(r->file),
						      i, CRS_BIND_EXEC))
				goto err;
		}
		len = crs_alias_len(r->file);
		/* rules of one directory usually come together */
		if (!len || (last_alias && len == last_len &&
			     !memcmp(last_alias, r->file, len)))
			continue;
		if (!crs_bind_add(req, r->file, len, i, CRS_BIND_ALIAS))
			goto err;
		last_alias = r->file;
		last_len = len;
	}
	if (crs_container_lookup_root(c, &req->root))
		goto err;
	return req;
err:
	crs_bind_req_free(req);
	return NULL;
}

/*
 * If rule file part @name leads through a symlink in @root, record in
 * @b the real path it reaches (@buf: PATH_MAX scratch). A name that does
 * not exist (yet) is tried once more without its last component: the
 * directory a rule's file will be created in.
 */
static void crs_resolve_alias(const struct path *root, const char *name,
			      struct crs_file_bound *b, char *buf)
{
	size_t nl = strlen(name), cl, tail = 0;
	struct crs_alias *a;
	struct path path;
	char *canon;

	if (vfs_path_lookup(root->dentry, root->mnt, name, LOOKUP_FOLLOW, &path)) {
		const char *slash = strrchr(name, '/');

		if (!slash || slash == name || slash - name >= PATH_MAX)
			return;
		tail = nl - (slash - name);
		memcpy(buf, name, nl - tail);
		buf[nl - tail] = '\0';
		if (vfs_path_lookup(root->dentry, root->mnt, buf, LOOKUP_FOLLOW,
				    &path))
			return;
	}
	canon = crs_d_path_from(root, &path, buf, PATH_MAX);
	path_put(&path);
	if (IS_ERR(canon))
		return;
	cl = strlen(canon);
	if (cl == nl - tail && !memcmp(canon, name, cl))
		return;
	a = &b->alias[b->nalias];
	a->canon = kstrdup(canon, GFP_KERNEL_ACCOUNT);
	a->lit = kstrndup(name, nl - tail, GFP_KERNEL_ACCOUNT);
	if (!a->canon || !a->lit) {
		kfree(a->canon);
		kfree(a->lit);
		return;
	}
	/* "/" is kept as "": every path is under it */
	a->canon_len = cl == 1 ? 0 : cl;
	a->lit_len = nl - tail;
	b->nalias++;
}

/*
 * Resolve @req's names; crs_lock not held. NULL on failure or when the
 * caller was killed (a lookup blocked on a file system that does not
 * answer ends with the caller's death).
 */
static struct crs_file_bound *crs_bind_lookup(const struct crs_bind_req *req)
{
	const char *prev = NULL;
	struct crs_file_bound *b;
	struct crs_ino last = {};
	char *buf = NULL;
	u32 i;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	b->id = req->id;
	b->gen = req->gen;
	b->when = jiffies;
	b->nrules = req->nrules;
	b->prog = kvcalloc(max(req->nrules, 1U), sizeof(*b->prog), GFP_KERNEL_ACCOUNT);
	b->exec = kvcalloc(max(req->nexec, 1U), sizeof(*b->exec), GFP_KERNEL_ACCOUNT);
	if (req->nalias) {
		b->alias = kvcalloc(req->nalias, sizeof(*b->alias), GFP_KERNEL_ACCOUNT);
		buf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!b->alias || !buf)
			goto err;
	}
	if (!b->prog || !b->exec)
		goto err;
	for (i = 0; i < req->nnames; i++) {
		const struct crs_bind_name *bn = &req->names[i];

		if (fatal_signal_pending(current))
			goto err;
		if (bn->kind == CRS_BIND_ALIAS) {
			crs_resolve_alias(&req->root, bn->name, b, buf);
		} else if (bn->kind == CRS_BIND_EXEC) {
			crs_resolve_one(&req->root, bn->name, &b->exec[b->nexec]);
			if (b->exec[b->nexec].ino) {
				b->exec[b->nexec].idx = bn->idx;
				b->nexec++;
			}
		} else {
			/* rules of one program usually come together */
			if (!prev || strcmp(prev, bn->name)) {
				memset(&last, 0, sizeof(last));
				crs_resolve_one(&req->root, bn->name, &last);
				prev = bn->name;
			}
			b->prog[bn->idx] = last;
		}
		cond_resched();
	}
	sort(b->exec, b->nexec, sizeof(*b->exec), crs_ino_cmp, NULL);
	kfree(buf);
	return b;
err:
	kfree(buf);
	crs_bound_free(b);
	return NULL;
}

#define CRS_ALIAS_MAX 4096	/* aliases kept per container and policy */

/*
 * Keep in @b what @old (the same policy) had bound: a name the container
 * re-pointed since (a symlink it renamed, a directory it moved) keeps
 * covering the file it covered, so re-resolution never drops a binding;
 * a file it names now (a rotated secret) is added. Program bindings keep
 * the old inode; Execution inodes and aliases are the union (aliases at
 * most CRS_ALIAS_MAX). On allocation failure @b keeps only what it has.
 */
static void crs_bound_merge(struct crs_file_bound *b,
			    const struct crs_file_bound *old)
{
	struct crs_ino *exec;
	struct crs_alias *alias;
	u32 i, j, n;

	for (i = 0; i < b->nrules && i < old->nrules; i++)
		if (old->prog[i].ino)
			b->prog[i] = old->prog[i];
	exec = kvcalloc(b->nexec + old->nexec + 1, sizeof(*exec),
			GFP_KERNEL_ACCOUNT);
	if (exec) {
		memcpy(exec, b->exec, b->nexec * sizeof(*exec));
		memcpy(exec + b->nexec, old->exec, old->nexec * sizeof(*exec));
		n = b->nexec + old->nexec;
		sort(exec, n, sizeof(*exec), crs_ino_cmp, NULL);
		for (i = 0, j = 0; i < n; i++)
			if (!j || crs_ino_cmp(&exec[j - 1], &exec[i]))
				exec[j++] = exec[i];
		kvfree(b->exec);
		b->exec = exec;
		b->nexec = j;
	}
	n = b->nalias + old->nalias;
	if (!old->nalias || n > CRS_ALIAS_MAX)
		return;
	alias = kvcalloc(n, sizeof(*alias), GFP_KERNEL_ACCOUNT);
	if (!alias)
		return;
	memcpy(alias, b->alias, b->nalias * sizeof(*alias));
	n = b->nalias;
	for (i = 0; i < old->nalias; i++) {
		const struct crs_alias *a = &old->alias[i];

		for (j = 0; j < b->nalias; j++)
			if (!strcmp(alias[j].canon, a->canon) &&
			    !strcmp(alias[j].lit, a->lit))
				break;
		if (j < b->nalias)
			continue;
		alias[n] = *a;
		alias[n].canon = kstrdup(a->canon, GFP_KERNEL_ACCOUNT);
		alias[n].lit = kstrdup(a->lit, GFP_KERNEL_ACCOUNT);
		if (!alias[n].canon || !alias[n].lit) {
			kfree(alias[n].canon);
			kfree(alias[n].lit);
			continue;
		}
		n++;
	}
	kvfree(b->alias);
	b->alias = alias;
	b->nalias = n;
}

/* Publish @b if @req's container still has the policy it was made for. */
static void crs_bind_commit(const struct crs_bind_req *req,
			    struct crs_file_bound *b)
{
	struct crs_container *c = crs_container_find_ns(req->ns);
	struct crs_policy *p = c ? crs_bind_policy(c) : NULL;
	struct crs_file_bound *old;

	lockdep_assert_held(&crs_lock);
	old = c ? crs_bound(c) : NULL;
	if (!p || p->file->id != req->id ||
	    (old && old->id == req->id && crs_bound_fresh(old, c))) {
		crs_bound_free(b);
		return;
	}
	if (old && old->id == req->id)
		crs_bound_merge(b, old);
	/* publish b only once built; readers use crs_bound() */
	smp_store_release((struct crs_file_bound **)&c->file_priv, b);
	/* hooks may still read old's arrays under RCU */
	if (old)
		call_rcu(&old->rcu, crs_bound_free_rcu);
}

/* Resolve and commit @req; crs_lock not held. */
static void crs_bind_run(struct crs_bind_req *req)
{
	struct crs_file_bound *b = crs_bind_lookup(req);

	if (b) {
		mutex_lock(&crs_lock);
		crs_bind_commit(req, b);
		mutex_unlock(&crs_lock);
	}
	crs_bind_req_free(req);
}

/**
 * crs_file_bind() - resolve the policy names of the container of @ns
 * @ns: a pid namespace the caller holds a reference to
 *
 * Resolves the rule programs and exact Execution files of the policy of
 * the container bound to @ns in the container's root (or the OCI
 * bundle's root file system until the runtime pivots), without crs_lock:
 * a lookup that blocks (a FUSE or NFS mount that does not answer) stalls
 * only the caller, which a fatal signal ends. The result is dropped if
 * the container got another policy or was unbound meanwhile.
 *
 * Context: process context, crs_lock not held; sleeps.
 */
void crs_file_bind(struct pid_namespace *ns)
{
	struct crs_container *c;
	struct crs_bind_req *req = NULL;

	mutex_lock(&crs_lock);
	c = crs_container_find_ns(ns);
	if (c)
		req = crs_bind_prepare(c);
	mutex_unlock(&crs_lock);
	if (req)
		crs_bind_run(req);
}

/**
 * crs_file_bind_targets() - the containers of @slot, for crs_file_bind()
 * @slot: a policy slot just replaced
 * @n: out: how many
 *
 * Context: crs_lock held. Return: an array of @n referenced pid
 * namespaces (release with crs_file_bind_all()), or NULL when there are
 * none or on allocation failure (the hooks then resolve lazily).
 */
struct pid_namespace **crs_file_bind_targets(struct crs_policy_slot *slot,
					     unsigned int *n)
{
	struct pid_namespace **ns;
	struct crs_container *c;
	unsigned int i = 0;

	lockdep_assert_held(&crs_lock);
	*n = 0;
	list_for_each_entry(c, &crs_containers, list)
		if (rcu_access_pointer(c->slot) == slot)
			(*n)++;
	if (!*n)
		return NULL;
	ns = kmalloc_array(*n, sizeof(*ns), GFP_KERNEL);
	if (!ns) {
		*n = 0;
		return NULL;
	}
	list_for_each_entry(c, &crs_containers, list)
		if (rcu_access_pointer(c->slot) == slot && i < *n)
			ns[i++] = get_pid_ns(c->pidns);
	*n = i;
	return ns;
}

/**
 * crs_file_bind_all() - crs_file_bind() each of @ns, then free @ns
 * @ns: from crs_file_bind_targets(), or NULL
 * @n: its length
 *
 * Context: process context, crs_lock not held; sleeps.
 */
void crs_file_bind_all(struct pid_namespace **ns, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		crs_file_bind(ns[i]);
		put_pid_ns(ns[i]);
	}
	kfree(ns);
}

/**
 * crs_file_unbind() - free what crs_file_bind() attached to @c
 * @c: a container no reader can see any more
 *
 * Context: any but hard irq.
 */
void crs_file_unbind(struct crs_container *c)
{
	struct crs_file_bound *b = c->file_priv;

	c->file_priv = NULL;
	if (b)
		crs_bound_free(b);
}

/*
 * Lazy resolution: a hook that finds its container unresolved for the
 * policy in force (or resolved too long ago, or before its root was
 * taken) queues the calling task here; the work resolves in the root of
 * that task's container, never in the task's own root (a chroot must not
 * steer it). Rate limited per compiled policy.
 */
struct crs_resolve_req {
	struct list_head node;
	struct task_struct *task;
};

static LIST_HEAD(crs_resolve_list);
static DEFINE_SPINLOCK(crs_resolve_lock);
static void crs_resolve_fn(struct work_struct *w);
static DECLARE_WORK(crs_resolve_work, crs_resolve_fn);

static void crs_resolve_fn(struct work_struct *w)
{
	struct crs_resolve_req *req;
	struct crs_bind_req *bind;
	struct crs_container *c;

	for (;;) {
		spin_lock_bh(&crs_resolve_lock);
		req = list_first_entry_or_null(&crs_resolve_list,
					       struct crs_resolve_req, node);
		if (req)
			list_del(&req->node);
		spin_unlock_bh(&crs_resolve_lock);
		if (!req)
			return;
		bind = NULL;
		mutex_lock(&crs_lock);
		/* c cannot go away while crs_lock is held */
		rcu_read_lock();
		c = crs_container_of(req->task);
		rcu_read_unlock();
		if (c)
			bind = crs_bind_prepare(c);
		mutex_unlock(&crs_lock);
		if (bind)
			crs_bind_run(bind);
		put_task_struct(req->task);
		kfree(req);
	}
}

/**
 * crs_resolve_later() - queue the resolution of @t's names for current's
 * container
 * @t: the compiled file rules of current's policy
 *
 * For a container whose names are not resolved for @t yet (or stale):
 * a work item resolves them in the container's root. Rate-limited per
 * table to ten a second; nothing is queued for an exiting task or when
 * the request cannot be allocated (rules match by their literal path
 * meanwhile).
 *
 * Context: process context, inside crs_ctx_get(); does not sleep.
 */
static void crs_resolve_later(struct crs_file_table *t)
{
	struct crs_resolve_req *req;
	unsigned long now = jiffies;

	if (time_before(now, READ_ONCE(t->resolve_after)) ||
	    (current->flags & PF_EXITING))
		return;
	WRITE_ONCE(t->resolve_after, now + HZ / 10);
	req = kmalloc(sizeof(*req), GFP_ATOMIC | __GFP_NOWARN);
	if (!req)
		return;
	req->task = current;
	get_task_struct(current);
	spin_lock_bh(&crs_resolve_lock);
	list_add_tail(&req->node, &crs_resolve_list);
	spin_unlock_bh(&crs_resolve_lock);
	queue_work(system_unbound_wq, &crs_resolve_work);
}

/**
 * crs_file_resolve_stale() - queue the resolution of the names of
 * current's policy when what its container has is missing or stale
 * @ctx: the current task's container context (crs_ctx_get())
 *
 * Until it is done, rules match by their literal path.
 *
 * Context: process context, inside crs_ctx_get(); does not sleep.
 */
void crs_file_resolve_stale(struct crs_ctx *ctx)
{
	struct crs_file_table *t;
	struct crs_file_bound *b;

	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE || !ctx->p->file)
		return;
	t = ctx->p->file;
	if (!t->need_resolve)
		return;
	b = crs_bound(ctx->c);
	if (!b || b->id != t->id || !crs_bound_fresh(b, ctx->c))
		crs_resolve_later(t);
}

/**
 * crs_file_exit() - wait for and drop pending lazy resolutions
 *
 * Context: process context, after the hooks are removed.
 */
void crs_file_exit(void)
{
	struct crs_resolve_req *req, *tmp;

	cancel_work_sync(&crs_resolve_work);
	list_for_each_entry_safe(req, tmp, &crs_resolve_list, node) {
		list_del(&req->node);
		put_task_struct(req->task);
		kfree(req);
	}
}

