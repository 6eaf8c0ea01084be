// SPDX-License-Identifier: GPL-2.0
/*
 * crs: READ, WRITE and Execution enforcement.
 *
 * Every decision is made on what the kernel resolved: the struct path of
 * the opened file (or the parent directory plus the name for a directory
 * entry being created, removed or renamed), turned into a string from
 * the container's root (crs_container_d_path()), not the calling task's:
 * a container sees its own paths, and a chroot or a new mount namespace
 * inside it cannot rename them; symlinks, "..", dirfds, /proc/self/fd/N,
 * /proc/self/root, openat2, io_uring and 32-bit calls all arrive here as
 * the same path.
 *
 * Compiled tables (crs_file_compile): one set per kind (READ, WRITE,
 * Execution). A rule whose file has no wildcard goes into a hash of exact
 * paths; a glob rule goes into a hash keyed by its literal prefix up to
 * the last '/' before the first wildcard (a rule "/var/www/" followed by
 * "*.php" is keyed "/var/www/"; a bare "*" is keyed ""). A lookup probes
 * the exact hash once and the glob hash once per '/' of the path, and runs
 * glob_match() only on the globs of those buckets, so cost grows with path
 * depth, not with the rule count.
 *
 * Program matching: "*" matches every program; otherwise the rule's
 * program equals the executable's path, or names (through symlinks) the
 * same inode, resolved once per container and policy in the container's
 * root (crs_file_bind(), or lazily from a work item). The same holds for
 * the file of an Execution rule without wildcards: "/bin/sh" covers an
 * exec of /bin/busybox when /bin/sh links to it.
 *
 * Hard links are judged by path: a link made before the policy is its
 * own path. Giving a file a new name (link, rename) needs the source to
 * pass both READ and WRITE, so a protected file cannot be moved or linked
 * out from under its rule from inside the container.
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
#include "file.h"
#include "hooks.h"
#include "program.h"

enum crs_fkind {
	CRS_FK_READ,
	CRS_FK_WRITE,
	CRS_FK_EXEC,
	__CRS_FK_MAX
};

/* A rule in a bucket; chains keep ascending rule order. */
struct crs_fref {
	struct crs_fref *next;
	const struct crs_rule *rule;
	u32 idx;
};

/* A hash bucket entry: an exact path or a glob prefix. */
struct crs_fkey {
	struct hlist_node node;
	u32 hash;
	u32 len;
	const char *key;		/* not NUL-terminated at @len for globs */
	struct crs_fref *refs;
	struct crs_fref **tail;
};

struct crs_fset {
	struct hlist_head *exact;
	struct hlist_head *glob;
	u32 bits;
	u32 nglob;
	u32 nrules;			/* active rules of this kind */
	struct crs_fref *any;		/* Execution rules without a file */
	struct crs_fref **any_tail;
};

struct crs_file_table {
	u64 id;				/* unique per compiled policy */
	bool need_resolve;		/* rules name programs or files */
	unsigned long resolve_after;	/* jiffies: lazy resolution rate limit */
	struct crs_fset set[__CRS_FK_MAX];
	struct crs_fkey *keys;
	struct crs_fref *refs;
	struct hlist_head *heads;
};

/* What crs_file_bind() resolved for one container and compiled policy. */
struct crs_ino {
	unsigned long ino;		/* 0: not resolved */
	dev_t dev;
	u32 idx;			/* rule index (exec[] only) */
};

/*
 * A rule path through a symlink: the file it names is reached, and so
 * judged, under its real path @canon; a path under @canon is matched
 * again with @canon replaced by the rule's @lit (crs_alias_match()).
 */
struct crs_alias {
	char *canon;
	char *lit;
	u32 canon_len;
	u32 lit_len;
};

struct crs_file_bound {
	struct rcu_head rcu;
	u64 id;				/* crs_file_table.id */
	int gen;			/* crs_container.resolve_gen it was made at */
	unsigned long when;		/* jiffies it was made */
	u32 nrules;
	u32 nexec;
	struct crs_ino *prog;		/* [nrules] or NULL */
	struct crs_ino *exec;		/* [nexec], sorted by dev, ino */
	u32 nalias;
	struct crs_alias *alias;	/* [nalias] */
};

#include "compat.h"

static atomic64_t crs_file_ids = ATOMIC64_INIT(0);

static bool crs_is_exec_rule(const struct crs_rule *r)
{
	return r->type == CRS_RULE_SYSCALL &&
	       (r->nr64 == 59 || r->nr64 == 322 ||
		r->nr32 == 11 || r->nr32 == 358);
}

/*
 * Execution rules are execve/execveat SYSCALL rules with a file. Those
 * without one are syscall.c's, decided at the syscall dispatch with their
 * argument constraints; only a plain ALLOW among them (no arguments) is
 * also taken here, as "every executable", so that it can override a
 * defaultExecuteAction of DENY.
 */
static int crs_rule_kind(const struct crs_rule *r)
{
	if (r->type == CRS_RULE_READ)
		return CRS_FK_READ;
	if (r->type == CRS_RULE_WRITE)
		return CRS_FK_WRITE;
	if (!crs_is_exec_rule(r))
		return -1;
	if (r->file || (r->action == CRS_ACTION_ALLOW && !r->nargs))
		return CRS_FK_EXEC;
	return -1;
}

static bool crs_prog_is_any(const char *prog)
{
	return !prog || !strcmp(prog, "*");
}

/*
 * Length of the literal prefix of glob @s up to and including its last '/'.
 * A '\\' (glob_match()'s escape) also ends the literal part: the bytes
 * after it are not the path's own.
 */
static u32 crs_glob_prefix(const char *s, bool *is_glob)
{
	size_t lit = strcspn(s, "*?[\\");
	u32 i;

	*is_glob = s[lit] != '\0';
	if (!*is_glob)
		return lit;
	for (i = lit; i > 0; i--)
		if (s[i - 1] == '/')
			return i;
	return 0;
}

static u32 crs_hash(const char *s, u32 len)
{
	return jhash(s, len, 0x6372730a);
}

static struct crs_fkey *crs_fkey_find(struct hlist_head *tab, u32 bits,
				      const char *s, u32 len, u32 hash)
{
	struct crs_fkey *k;

	hlist_for_each_entry(k, &tab[hash & ((1U << bits) - 1)], node)
		if (k->hash == hash && k->len == len && !memcmp(k->key, s, len))
			return k;
	return NULL;
}

/**
 * crs_file_compile() - build the READ, WRITE and Execution tables of @p
 * @p: a policy being committed, rules parsed
 * @extack: error report
 *
 * Context: process context, crs_lock held.
 * Return: 0, -EINVAL (a READ/WRITE rule without a file) or -ENOMEM.
 */
int crs_file_compile(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	u32 n[__CRS_FK_MAX] = {}, nheads = 0, nused = 0, i;
	struct crs_file_table *t;
	struct hlist_head *h;
	int kind;

	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		kind = crs_rule_kind(r);
		if (kind < 0)
			continue;
		if (kind != CRS_FK_EXEC && !r->file) {
			NL_SET_ERR_MSG(extack, "a READ or WRITE rule needs a file");
			return -EINVAL;
		}
		if (r->inactive)
			continue;
		n[kind]++;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->id = atomic64_inc_return(&crs_file_ids);
	for (kind = 0; kind < __CRS_FK_MAX; kind++) {
		t->set[kind].bits = ilog2(roundup_pow_of_two(max(2 * n[kind], 8U)));
		nheads += 2U << t->set[kind].bits;
		nused += n[kind];
		t->set[kind].any_tail = &t->set[kind].any;
	}
	t->heads = kvcalloc(nheads, sizeof(*t->heads), GFP_KERNEL_ACCOUNT);
	t->keys = kvcalloc(max(nused, 1U), sizeof(*t->keys), GFP_KERNEL_ACCOUNT);
	t->refs = kvcalloc(max(nused, 1U), sizeof(*t->refs), GFP_KERNEL_ACCOUNT);
	if (!t->heads || !t->keys || !t->refs) {
		p->file = t;
		crs_file_free(p);
		return -ENOMEM;
	}
	h = t->heads;
	for (kind = 0; kind < __CRS_FK_MAX; kind++) {
		t->set[kind].exact = h;
		h += 1U << t->set[kind].bits;
		t->set[kind].glob = h;
		h += 1U << t->set[kind].bits;
	}

	nused = 0;
	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];
		struct crs_fref *ref;
		struct crs_fkey *k;
		struct crs_fset *s;
		struct hlist_head *tab;
		bool is_glob;
		u32 len, hash;

		kind = crs_rule_kind(r);
		/* any rule's program is resolved (network, syscall too) */
		if (!r->inactive && !crs_prog_is_any(r->program))
			t->need_resolve = true;
		if (kind < 0 || r->inactive)
			continue;
		s = &t->set[kind];
		s->nrules++;
		ref = &t->refs[nused];
		ref->rule = r;
		ref->idx = i;
		/* a program, or a file whose directories may be symlinks */
		if (!crs_prog_is_any(r->program) || (r->file && r->file[0] == '/'))
			t->need_resolve = true;
		if (!r->file || !strcmp(r->file, "*")) {
			if (kind != CRS_FK_EXEC) {
				/* "*" as a READ/WRITE file: a glob with prefix "" */
				goto keyed;
			}
			*s->any_tail = ref;
			s->any_tail = &ref->next;
			nused++;
			continue;
		}
keyed:
		len = crs_glob_prefix(r->file, &is_glob);
		tab = is_glob ? s->glob : s->exact;
		hash = crs_hash(r->file, len);
		k = crs_fkey_find(tab, s->bits, r->file, len, hash);
		if (!k) {
			k = &t->keys[nused];
			k->key = r->file;
			k->len = len;
			k->hash = hash;
			k->tail = &k->refs;
			hlist_add_head(&k->node, &tab[hash & ((1U << s->bits) - 1)]);
			s->nglob += is_glob;
		}
		*k->tail = ref;
		k->tail = &ref->next;
		nused++;
	}
	t->resolve_after = jiffies;
	p->file = t;
	p->mem += sizeof(*t) + nheads * sizeof(*t->heads) +
		  nused * (sizeof(*t->keys) + sizeof(*t->refs));
	return 0;
}

/**
 * crs_file_free() - free what crs_file_compile() built
 * @p: the policy (no reader left)
 *
 * Context: any but hard irq.
 */
void crs_file_free(struct crs_policy *p)
{
	struct crs_file_table *t = p->file;

	if (!t)
		return;
	kvfree(t->heads);
	kvfree(t->keys);
	kvfree(t->refs);
	kfree(t);
	p->file = NULL;
}

/* ---------------------------------------------------------------------- */
/* Resolution of rule programs and exact Execution files per container. */

static struct crs_file_bound *crs_bound(struct crs_container *c)
{
	/* pairs with the release in crs_bind_commit(): b is fully built */
	return smp_load_acquire((struct crs_file_bound **)&c->file_priv);
}

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

static int crs_ino_cmp(const void *a, const void *b)
{
	const struct crs_ino *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
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

/*
 * Names are resolved again once the container's root is taken (its
 * resolve_gen moved) and at most every CRS_RESOLVE_AGE while the
 * container makes decisions, so a rule that names a file replaced since
 * (a new /bin/sh, a rotated secret) follows it. The container cannot use
 * this to drop a binding: renaming or removing a symlink or directory a
 * DENY rule's path goes through is denied (crs_decide_subtree()).
 */
#define CRS_RESOLVE_AGE (5 * HZ)

static bool crs_bound_fresh(const struct crs_file_bound *b,
			    struct crs_container *c)
{
	return b->gen == atomic_read(&c->resolve_gen) &&
	       time_before(jiffies, b->when + CRS_RESOLVE_AGE);
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

/* ---------------------------------------------------------------------- */
/* Matching. */

/* The state of one decision: the policy, its resolution, the program. */
struct crs_fq {
	struct crs_ctx *ctx;
	struct crs_file_table *t;
	struct crs_file_bound *b;	/* NULL unless resolved for t */
	const struct crs_program *prog;
	bool prog_done;
	const struct crs_rule *deny, *allow;
	u32 deny_idx, allow_idx;
	bool deny_only;			/* an alias pass: ALLOW rules ignored */
};

static const struct crs_program *crs_fq_prog(struct crs_fq *q)
{
	if (!q->prog_done) {
		q->prog = crs_program_get(q->ctx);
		q->prog_done = true;
	}
	return q->prog;
}

static bool crs_prog_matches(struct crs_fq *q, const struct crs_rule *r,
			     u32 idx)
{
	const struct crs_program *prog;

	if (crs_prog_is_any(r->program))
		return true;
	prog = crs_fq_prog(q);
	if (!prog)
		return false;
	if (!strcmp(r->program, prog->path))
		return true;
	return q->b && idx < q->b->nrules && q->b->prog[idx].ino &&
	       q->b->prog[idx].ino == prog->ino &&
	       q->b->prog[idx].dev == prog->dev;
}

/**
 * crs_file_program_matches() - does @rule's program cover @prog?
 * @ctx: decision context (@rule belongs to ctx->p)
 * @rule: the rule
 * @prog: current's identity from crs_program_get(), or NULL
 *
 * Matches "*", the literal path, or the inode the rule's program resolves
 * to in the container. Context: inside crs_ctx_get()/crs_ctx_put().
 */
bool crs_file_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			      const struct crs_program *prog)
{
	struct crs_fq q = { .ctx = ctx, .prog = prog, .prog_done = true };
	struct crs_file_bound *b;

	if (ctx->p && ctx->p->file) {
		b = crs_bound(ctx->c);
		if (b && b->id == ctx->p->file->id)
			q.b = b;
	}
	return crs_prog_matches(&q, rule, rule - ctx->p->rules);
}

static void crs_fq_consider(struct crs_fq *q, const struct crs_fref *ref)
{
	const struct crs_rule *r = ref->rule;

	if (r->action == CRS_ACTION_DENY) {
		if (q->deny && q->deny_idx <= ref->idx)
			return;
		if (crs_prog_matches(q, r, ref->idx)) {
			q->deny = r;
			q->deny_idx = ref->idx;
		}
	} else {
		if (q->deny_only || (q->allow && q->allow_idx <= ref->idx))
			return;
		if (crs_prog_matches(q, r, ref->idx)) {
			q->allow = r;
			q->allow_idx = ref->idx;
		}
	}
}

static void crs_fset_match(struct crs_fq *q, const struct crs_fset *s,
			   const char *path)
{
	u32 mask = (1U << s->bits) - 1, len = strlen(path), i;
	const struct crs_fref *ref;
	struct crs_fkey *k;

	k = crs_fkey_find(s->exact, s->bits, path, len, crs_hash(path, len));
	if (k)
		for (ref = k->refs; ref; ref = ref->next)
			crs_fq_consider(q, ref);
	for (i = 0; s->nglob && i <= len; i++) {
		u32 hash;

		if (i && path[i - 1] != '/')
			continue;
		hash = crs_hash(path, i);
		hlist_for_each_entry(k, &s->glob[hash & mask], node) {
			if (k->hash != hash || k->len != i ||
			    memcmp(k->key, path, i))
				continue;
			for (ref = k->refs; ref; ref = ref->next)
				if (glob_match(ref->rule->file, path))
					crs_fq_consider(q, ref);
		}
	}
	for (ref = s->any; ref; ref = ref->next)
		crs_fq_consider(q, ref);
}

/*
 * A rule path through a symlink names a file whose path is under the
 * symlink's target: match @path again with that target (an alias's
 * canon) put back as the rule wrote it (its lit). DENY rules only: the
 * container controls its symlinks, and a link it made must not turn an
 * ALLOW rule onto a file (ln -s /etc /app/cache; cat /app/cache/shadow).
 */
static void crs_alias_match(struct crs_fq *q, const struct crs_fset *s,
			    const char *path)
{
	size_t len = strlen(path);
	char *alt;
	u32 i;

	for (i = 0; i < q->b->nalias; i++) {
		const struct crs_alias *a = &q->b->alias[i];

		if (len < a->canon_len || memcmp(path, a->canon, a->canon_len) ||
		    (path[a->canon_len] != '/' && path[a->canon_len] != '\0'))
			continue;
		if (a->lit_len + len - a->canon_len >= PATH_MAX)
			continue;
		alt = crs_path_buf(CRS_BUF_ALIAS);
		if (!alt)
			return;
		memcpy(alt, a->lit, a->lit_len);
		memcpy(alt + a->lit_len, path + a->canon_len,
		       len - a->canon_len + 1);
		q->deny_only = true;
		crs_fset_match(q, s, alt);
		q->deny_only = false;
	}
}

static void crs_exec_match_inode(struct crs_fq *q, const struct inode *inode)
{
	struct crs_ino key = { .ino = inode->i_ino, .dev = inode->i_sb->s_dev };
	u32 lo = 0, hi;

	if (!q->b)
		return;
	hi = q->b->nexec;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (crs_ino_cmp(&q->b->exec[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < q->b->nexec && q->b->exec[lo].dev == key.dev &&
	     q->b->exec[lo].ino == key.ino; lo++) {
		u32 idx = q->b->exec[lo].idx;
		struct crs_fref ref = { .rule = &q->ctx->p->rules[idx], .idx = idx };

		crs_fq_consider(q, &ref);
	}
}

/* Start a decision: fills @q; false when nothing is to be evaluated. */
static bool crs_fq_init(struct crs_fq *q, struct crs_ctx *ctx)
{
	struct crs_file_bound *b;

	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE || !ctx->p->file)
		return false;
	q->t = ctx->p->file;
	b = crs_bound(ctx->c);
	if (b && b->id == q->t->id)
		q->b = b;
	if (q->t->need_resolve && (!q->b || !crs_bound_fresh(q->b, ctx->c)))
		crs_resolve_later(q->t);
	return true;
}

/* Decide one access of @kind to @path; true if it must be denied. */
/*
 * The number an Execution is reported under: the exec call that made it,
 * or (code mapped by mmap, mprotect or uselib, with no exec) execve, as
 * the Execution rules that decide it are written.
 */
static int crs_exec_nr(u8 arch)
{
	int nr = syscall_get_nr(current, task_pt_regs(current));

	if (arch == CRS_ARCH_I386)
		return nr == 11 || nr == 358 ? nr : 11;
	return nr == __NR_execve || nr == __NR_execveat ? nr : __NR_execve;
}

static bool crs_file_decide(struct crs_ctx *ctx, int kind, const char *path,
			    const struct inode *exe)
{
	struct crs_object obj = { .type = CRS_RULE_READ, .path = path,
				  .syscall_nr = -1 };
	struct crs_fq q;
	u8 def;

	switch (kind) {
	case CRS_FK_READ:
		obj.type = CRS_RULE_READ;
		def = ctx->p ? ctx->p->def[CRS_DEF_FILE] : CRS_ACTION_ALLOW;
		break;
	case CRS_FK_WRITE:
		obj.type = CRS_RULE_WRITE;
		def = ctx->p ? ctx->p->def[CRS_DEF_FILE] : CRS_ACTION_ALLOW;
		break;
	default:
		obj.type = CRS_RULE_SYSCALL;
		obj.arch = in_ia32_syscall() ? CRS_ARCH_I386 : CRS_ARCH_X86_64;
		obj.syscall_nr = crs_exec_nr(obj.arch);
		def = ctx->p ? ctx->p->def[CRS_DEF_EXECUTE] : CRS_ACTION_ALLOW;
		break;
	}
	if (!crs_fq_init(&q, ctx))
		return crs_verdict(ctx, NULL, CRS_ACTION_ALLOW, &obj);
	if (!path) {
		/*
		 * A name the kernel cannot give (deeper than PATH_MAX, or
		 * d_path() failed): any rule of this kind might have matched
		 * it, so it is denied as if one had; with no such rule only
		 * the default action could decide.
		 */
		obj.path = "?";
		if (!q.t->set[kind].nrules)
			return crs_verdict(ctx, NULL, def, &obj);
		percpu_counter_inc(&crs_stats.unnamed);
		return crs_verdict(ctx, NULL, CRS_ACTION_DENY, &obj);
	}
	crs_fset_match(&q, &q.t->set[kind], path);
	if (q.b && q.b->nalias)
		crs_alias_match(&q, &q.t->set[kind], path);
	if (kind == CRS_FK_EXEC && exe)
		crs_exec_match_inode(&q, exe);
	if (q.deny)
		return crs_verdict(ctx, q.deny, CRS_ACTION_DENY, &obj);
	if (q.allow)
		return crs_verdict(ctx, q.allow, CRS_ACTION_ALLOW, &obj);
	return crs_verdict(ctx, NULL, def, &obj);
}

/* Is there anything to do for this container (a policy, or learning)? */
static bool crs_governed(struct crs_ctx *ctx)
{
	/* INACTIVE or no policy: only learning wants to see the access */
	return (ctx->p && ctx->mode != CRS_MODE_INACTIVE) ||
	       READ_ONCE(ctx->c->learning);
}

/* ---------------------------------------------------------------------- */
/* Paths. */

/*
 * @path as the container names it (crs_container_d_path(): from the
 * container's root, whatever root the task has), into @buf; NULL if it
 * cannot be named (too long, or out of the container's root: a mount of
 * another mount namespace). An unlinked file (reopened through
 * /proc/PID/fd, say) is named by the name it had: d_path()'s
 * " (deleted)" suffix is cut, so deleting a protected file does not take
 * it out of its rule.
 */
static const char *crs_path(struct crs_ctx *ctx, const struct path *path,
			    char *buf)
{
	static const char deleted[] = " (deleted)";
	size_t len;
	char *s;

	if (!buf || !current->fs)
		return NULL;
	s = crs_container_d_path(ctx->c, path, buf, PATH_MAX);
	if (IS_ERR(s))
		return NULL;
	if (d_unlinked(path->dentry)) {
		len = strlen(s);
		if (len > sizeof(deleted) - 1 &&
		    !strcmp(s + len - (sizeof(deleted) - 1), deleted))
			s[len - (sizeof(deleted) - 1)] = '\0';
	}
	return s;
}

/* The path of @name in directory @dir, into @buf; NULL if too long. */
static const char *crs_path_at(struct crs_ctx *ctx, const struct path *dir,
			       const struct dentry *dentry, char *buf)
{
	const char *d = crs_path(ctx, dir, buf);
	size_t dl, nl = dentry->d_name.len;

	if (!d)
		return NULL;
	dl = strlen(d);
	if (dl == 1 && d[0] == '/')
		dl = 0;
	if (dl + 1 + nl + 1 > PATH_MAX)
		return NULL;
	memmove(buf, d, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, dentry->d_name.name, nl);
	buf[dl + 1 + nl] = '\0';
	return buf;
}

/*
 * A path that cannot be named (NULL: longer than PATH_MAX) is denied when
 * the policy has a rule of @kind (crs_file_decide()), reported as "?".
 */
static bool crs_decide_path(struct crs_ctx *ctx, int kind, const char *path)
{
	return crs_file_decide(ctx, kind, path, NULL);
}

/* READ and WRITE of a name: the source of a link or rename. */
static bool crs_decide_rw(struct crs_ctx *ctx, const char *path)
{
	return crs_decide_path(ctx, CRS_FK_READ, path) ||
	       crs_decide_path(ctx, CRS_FK_WRITE, path);
}

/*
 * Could rule path @rule name a file under directory @dir (@dl bytes, no
 * trailing '/')? Exact paths and a glob's literal part longer than the
 * directory must lie under it; a glob whose wildcards start within
 * @dir's own name could match there too.
 */
static bool crs_rule_under(const char *rule, const char *dir, size_t dl)
{
	size_t lit = strcspn(rule, "*?[\\");

	if (lit > dl)
		return !strncmp(rule, dir, dl) && rule[dl] == '/';
	return !strncmp(rule, dir, lit);
}

/* A DENY rule that could name a file under (or at) @dir, or NULL. */
static const struct crs_rule *crs_deny_under(const struct crs_policy *p,
					     const char *dir, size_t dl)
{
	u32 i;

	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		if (r->inactive || !r->file || r->action != CRS_ACTION_DENY ||
		    crs_rule_kind(r) < 0)
			continue;
		if (crs_rule_under(r->file, dir, dl) ||
		    (strlen(r->file) == dl && !memcmp(r->file, dir, dl)))
			return r;
	}
	return NULL;
}

/*
 * Renaming @dir (@dl bytes) through a symlinked rule path (struct
 * crs_alias): @dir at or above an alias's real path moves what the rule
 * names; @dir below it is the rule's path with the target put back.
 */
static const struct crs_rule *crs_deny_under_alias(struct crs_ctx *ctx,
						   const char *dir, size_t dl)
{
	struct crs_file_bound *b = crs_bound(ctx->c);
	const struct crs_rule *r;
	char *alt;
	u32 i;

	if (!b || !ctx->p->file || b->id != ctx->p->file->id)
		return NULL;
	for (i = 0; i < b->nalias; i++) {
		const struct crs_alias *a = &b->alias[i];

		if (dl <= a->canon_len && !memcmp(a->canon, dir, dl) &&
		    (dl == a->canon_len || a->canon[dl] == '/' || dl == 1)) {
			r = crs_deny_under(ctx->p, a->lit, a->lit_len);
			if (r)
				return r;
		} else if (dl > a->canon_len && dir[a->canon_len] == '/' &&
			   !memcmp(a->canon, dir, a->canon_len) &&
			   a->lit_len + dl - a->canon_len < PATH_MAX) {
			alt = crs_path_buf(CRS_BUF_ALIAS);
			if (!alt)
				return NULL;
			memcpy(alt, a->lit, a->lit_len);
			memcpy(alt + a->lit_len, dir + a->canon_len,
			       dl - a->canon_len + 1);
			r = crs_deny_under(ctx->p, alt, a->lit_len + dl - a->canon_len);
			if (r)
				return r;
		}
	}
	return NULL;
}

/*
 * Renaming directory @dir moves every file under it: a DENY rule (READ,
 * WRITE or Execution, of any program) whose path could name a file under
 * @dir denies the rename, as renaming that file itself would be denied.
 * Otherwise "mv /run/secrets /run/x; cat /run/x/token" would take the
 * file out of its rule. @dir NULL (unnamed) was decided by the caller.
 */
static bool crs_decide_subtree(struct crs_ctx *ctx, const char *dir)
{
	struct crs_object obj = { .type = CRS_RULE_WRITE, .path = dir,
				  .syscall_nr = -1 };
	const struct crs_rule *r;
	size_t dl;

	if (!dir || !ctx->p || ctx->mode == CRS_MODE_INACTIVE)
		return false;
	dl = strlen(dir);
	r = crs_deny_under(ctx->p, dir, dl);
	if (!r)
		r = crs_deny_under_alias(ctx, dir, dl);
	return r ? crs_verdict(ctx, r, CRS_ACTION_DENY, &obj) : false;
}

/* ---------------------------------------------------------------------- */
/* Hooks. */

#define CRS_ARG(regs, n) regs_get_kernel_argument(regs, n)

/*
 * security_file_open(struct file *): READ for FMODE_READ, WRITE for
 * FMODE_WRITE or O_TRUNC (do_open truncates after this hook, so a denial
 * here leaves the file untouched). The kernel's own opens for exec
 * (FMODE_EXEC: the binary, its ELF interpreter) are Execution, decided in
 * bprm_check, not READ.
 */
int crs_hook_file_open(struct pt_regs *regs)
{
	struct file *f = (struct file *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	const char *path;
	bool deny = false, rd, wr;

	if (!crs_ctx_get(&ctx))
		return 0;
	/* overlayfs's own open of a layer: the task's open was judged */
	if (!crs_governed(&ctx) || crs_file_is_backing(f))
		goto out;
	/* on 6.1 an exec open has __FMODE_EXEC in f_flags, not f_mode */
	rd = (f->f_mode & FMODE_READ) && !(f->f_mode & FMODE_EXEC) &&
	     !(f->f_flags & __FMODE_EXEC);
	wr = (f->f_mode & FMODE_WRITE) || (f->f_flags & O_TRUNC);
	if (!rd && !wr)
		goto out;
	path = crs_path(&ctx, &f->f_path, crs_path_buf(CRS_BUF_A));
	if (rd)
		deny = crs_decide_path(&ctx, CRS_FK_READ, path);
	if (!deny && wr)
		deny = crs_decide_path(&ctx, CRS_FK_WRITE, path);
out:
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_file_open);

/* security_path_truncate(const struct path *): truncate, ftruncate, O_TRUNC */
int crs_hook_path_truncate(struct pt_regs *regs)
{
	const struct path *p = (const struct path *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_path(&ctx, CRS_FK_WRITE,
				       crs_path(&ctx, p, crs_path_buf(CRS_BUF_A)));
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_path_truncate);

/*
 * security_file_truncate(struct file *): since 6.2 ftruncate and O_TRUNC
 * call it instead of security_path_truncate (truncate(2) still calls
 * that one). Hooked where the kernel has it (kmod/compat.h).
 */
int crs_hook_file_truncate(struct pt_regs *regs)
{
	const struct file *f = (const struct file *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_path(&ctx, CRS_FK_WRITE,
				       crs_path(&ctx, &f->f_path, crs_path_buf(CRS_BUF_A)));
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_file_truncate);

/*
 * The hooks whose object is (dir, dentry), one WRITE of dir/name:
 * security_path_unlink(dir, dentry), _rmdir(dir, dentry), _mknod(dir,
 * dentry, mode, dev) (mknod and O_CREAT of a new file), _mkdir(dir,
 * dentry, mode) and _symlink(dir, dentry, old_name) (the new name only).
 */
int crs_hook_dir_entry(struct pt_regs *regs)
{
	const struct path *dir = (const struct path *)CRS_ARG(regs, 0);
	const struct dentry *d = (const struct dentry *)CRS_ARG(regs, 1);
	struct crs_ctx ctx;
	bool deny = false;
	const char *path;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		path = crs_path_at(&ctx, dir, d, crs_path_buf(CRS_BUF_A));
		deny = crs_decide_path(&ctx, CRS_FK_WRITE, path);
		/* removing a directory or symlink a DENY rule goes through */
		if (!deny && d_really_is_positive(d) &&
		    (d_is_dir(d) || d_is_symlink(d)))
			deny = crs_decide_subtree(&ctx, path);
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_dir_entry);

/*
 * security_path_link(old_dentry, new_dir, new_dentry): WRITE of the new
 * name, and READ and WRITE of the file linked (a new name must not let a
 * protected file escape its rule).
 */
int crs_hook_path_link(struct pt_regs *regs)
{
	struct dentry *old = (struct dentry *)CRS_ARG(regs, 0);
	const struct path *dir = (const struct path *)CRS_ARG(regs, 1);
	const struct dentry *new = (const struct dentry *)CRS_ARG(regs, 2);
	struct path src = { .mnt = dir->mnt, .dentry = old };
	struct crs_ctx ctx;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		deny = crs_decide_path(&ctx, CRS_FK_WRITE,
				       crs_path_at(&ctx, dir, new, crs_path_buf(CRS_BUF_A)));
		if (!deny)
			deny = crs_decide_rw(&ctx, crs_path(&ctx, &src, crs_path_buf(CRS_BUF_B)));
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_path_link);

/*
 * security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags):
 * the source needs READ and WRITE (it moves), the target WRITE (it is
 * replaced); with RENAME_EXCHANGE both move. A directory's rename is
 * also denied when a DENY rule could name a file under either name
 * (crs_decide_subtree()).
 */
int crs_hook_path_rename(struct pt_regs *regs)
{
	const struct path *odir = (const struct path *)CRS_ARG(regs, 0);
	const struct dentry *od = (const struct dentry *)CRS_ARG(regs, 1);
	const struct path *ndir = (const struct path *)CRS_ARG(regs, 2);
	const struct dentry *nd = (const struct dentry *)CRS_ARG(regs, 3);
	unsigned int flags = CRS_ARG(regs, 4);
	struct crs_ctx ctx;
	const char *src, *dst;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		src = crs_path_at(&ctx, odir, od, crs_path_buf(CRS_BUF_A));
		deny = crs_decide_rw(&ctx, src);
		dst = crs_path_at(&ctx, ndir, nd, crs_path_buf(CRS_BUF_B));
		if (!deny && (flags & RENAME_EXCHANGE))
			deny = crs_decide_rw(&ctx, dst);
		else if (!deny)
			deny = crs_decide_path(&ctx, CRS_FK_WRITE, dst);
		/*
		 * a directory moves its files, one moved in replaces them;
		 * a symlink moved or replaced re-points every rule path
		 * through it
		 */
		if (!deny && (d_is_dir(od) || d_is_dir(nd) ||
			      d_is_symlink(od) || d_is_symlink(nd)))
			deny = crs_decide_subtree(&ctx, src) ||
			       crs_decide_subtree(&ctx, dst);
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_path_rename);

/*
 * Code loaded without an exec is an Execution of its file too: ld.so run
 * on a file (/lib64/ld-linux-x86-64.so.2 /tmp/evil maps it), uselib(),
 * a PROT_EXEC mmap of a file, and mprotect adding PROT_EXEC to a file
 * mapping; so are an exec'd binary's own segments, its ELF interpreter
 * and the shared libraries ld.so maps.
 */
static bool crs_decide_mapped(struct crs_ctx *ctx, struct file *f)
{
	const struct path *user = crs_file_user_path(f);
	struct mm_struct *mm = current->mm;
	struct file *exe;
	bool own;

	/*
	 * the program's own binary: judged when it was exec'd (an overlay
	 * file's mapping holds the layer's file: compare what the task
	 * opened, the overlay's inode, as the exec did)
	 */
	rcu_read_lock();
	exe = mm ? rcu_dereference(mm->exe_file) : NULL;
	own = exe && (file_inode(exe) == file_inode(f) ||
		      file_inode(exe) == d_inode(user->dentry));
	rcu_read_unlock();
	if (own)
		return false;
	return crs_file_decide(ctx, CRS_FK_EXEC,
			       crs_path(ctx, user, crs_path_buf(CRS_BUF_A)),
			       d_inode(user->dentry));
}

/* security_mmap_file(struct file *file, unsigned long prot, flags) */
int crs_hook_mmap_file(struct pt_regs *regs)
{
	struct file *f = (struct file *)CRS_ARG(regs, 0);
	unsigned long prot = CRS_ARG(regs, 1);
	struct crs_ctx ctx;
	bool deny = false;

	if (!f || !(prot & PROT_EXEC) || !crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_mapped(&ctx, f);
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_mmap_file);

/* security_file_mprotect(vma, reqprot, prot): PROT_EXEC added to a file */
int crs_hook_file_mprotect(struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)CRS_ARG(regs, 0);
	unsigned long prot = CRS_ARG(regs, 2);
	struct crs_ctx ctx;
	bool deny = false;

	if (!(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC) ||
	    !vma->vm_file || !crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_mapped(&ctx, vma->vm_file);
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_file_mprotect);

/*
 * security_bprm_check(struct linux_binprm *): Execution. It runs once per
 * binary handler round: for a script, first with the script, then with
 * its interpreter; both must be allowed. bprm->file is what the kernel
 * opened (a busybox applet symlink arrives as /bin/busybox; execveat with
 * an fd as that fd's file). The program deciding is still the caller's:
 * the exec has not replaced current's mm yet.
 */
int crs_hook_bprm_check(struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	const char *path;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	/* a root still pending (struct crs_root) is taken at the first exec */
	crs_container_root_capture(ctx.c, NULL);
	if (crs_governed(&ctx) && bprm->file) {
		path = crs_path(&ctx, &bprm->file->f_path, crs_path_buf(CRS_BUF_A));
		deny = crs_file_decide(&ctx, CRS_FK_EXEC, path,
				       file_inode(bprm->file));
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_bprm_check);

/*
 * security_path_chroot(const struct path *) and security_sb_pivotroot(
 * const struct path *old_path, const struct path *new_path): the runtime
 * entering the root file system of a container bound before it did (OCI
 * hook): its root is taken here (crs_container_root_capture()). For every
 * other container, and every later call, nothing: a chroot or pivot_root
 * does not change the root paths are judged from (crs_container_d_path()).
 */
/* Take a pending container root from the hooked call's argument @n. */
static int crs_hook_capture_root(struct pt_regs *regs, unsigned int n)
{
	const struct path *root = (const struct path *)CRS_ARG(regs, n);
	struct crs_ctx ctx;

	if (!crs_ctx_get(&ctx))
		return 0;
	crs_container_root_capture(ctx.c, root);
	crs_ctx_put(&ctx);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_capture_root);

int crs_hook_path_chroot(struct pt_regs *regs)
{
	return crs_hook_capture_root(regs, 0);
}
NOKPROBE_SYMBOL(crs_hook_path_chroot);

/* the new root is the second argument */
int crs_hook_sb_pivotroot(struct pt_regs *regs)
{
	return crs_hook_capture_root(regs, 1);
}
NOKPROBE_SYMBOL(crs_hook_sb_pivotroot);
