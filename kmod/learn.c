// SPDX-License-Identifier: GPL-2.0
/*
 * crs: behavioral learning.
 *
 * While a container learns, every access an enforcement point evaluates
 * (crs_verdict(), or syscall.c directly for calls it lets pass without a
 * verdict) is reduced to a tuple and kept once in the container's set:
 *
 *   READ, WRITE         program, file
 *   SYSCALL             program, syscall nr, arch
 *   SYSCALL (Execution) program, syscall nr (execve/execveat), arch, and
 *                       FILE = the resolved executable; the program is the
 *                       caller (bprm_check runs before the new image)
 *   NETWORK_OUTBOUND    program, family, remote address, remote port, proto
 *   NETWORK_INBOUND     program, family, local port, proto; the remote
 *                       address and port (the client's) are not kept
 *
 * The program is current's executable, or "" when unknown (inbound
 * packets arrive in softirq, where current is nobody in particular).
 * Syscalls the policy ignores (ignoredSyscalls) are not learned.
 *
 * Hot path. crs_learn_record() runs in hook handlers (see hook_deny.h) and
 * netfilter (softirq): a tuple already known costs one hash and a
 * lockless walk of one bucket (RCU; entries are never removed while the
 * container lives). A new tuple is allocated GFP_ATOMIC outside the lock,
 * then inserted under the set's spinlock after a second look. The set is
 * bounded per container by the module parameters learn_max (tuples) and
 * learn_mem_kb (bytes); at the bound a new tuple is counted as overflow
 * (CRS_CONTAINER_A_LEARN_OVERFLOW) and the set never grows. A failed
 * allocation is counted the same way.
 *
 * The set is allocated at the first sighting and freed with the
 * container (crs_learn_free(), process context, after a grace period).
 * Turning learning off keeps it; it can be exported until the container
 * goes away.
 *
 * Dump. CRS_CMD_GET_LEARNED walks the set in insertion order; the cursor
 * is an index, which stays valid because the set only grows.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "event.h"
#include "genl_msg.h"
#include "learn.h"
#include "program.h"

static unsigned int learn_max = 8192;
module_param(learn_max, uint, 0644);
MODULE_PARM_DESC(learn_max, "Most tuples a container's learning set holds (default 8192)");

static unsigned int learn_mem_kb = 4096;
module_param(learn_mem_kb, uint, 0644);
MODULE_PARM_DESC(learn_mem_kb, "Most KiB a container's learning set holds (default 4096)");

#define CRS_LEARN_BITS 9	/* 512 buckets: one page of heads */

/* The fixed part of a tuple; hashed and compared as bytes. */
struct crs_learn_fixed {
	struct in6_addr addr;
	s32 nr;
	u16 port;
	u16 program_len;	/* with the NUL */
	u16 path_len;		/* with the NUL; 0: no file */
	u8 type;
	u8 family;
	u8 protocol;
	u8 arch;
} __packed;

struct crs_learn_entry {
	struct hlist_node hnode;		/* bucket, RCU */
	struct crs_learn_entry *next;		/* insertion order */
	u32 hash;
	u32 size;				/* bytes allocated */
	struct crs_learn_fixed f;
	char data[];				/* program NUL [path NUL] */
};

struct crs_learn_set {
	spinlock_t lock;		/* inserts */
	u32 count;
	u64 overflow;
	size_t mem;
	struct crs_learn_entry *first;
	struct crs_learn_entry **tail;
	struct hlist_head *buckets;	/* 1 << CRS_LEARN_BITS */
	refcount_t ref;			/* containers, and crs_learn_sets */
	/* named sets only (crs_learn_attach()), under crs_lock */
	struct list_head named;
	u64 id;
	char *name;			/* NULL: a container's own set */
};

/* Named sets: one per image binding that learns; freed at unload. */
#define CRS_LEARN_SETS_MAX 256
static LIST_HEAD(crs_learn_sets);
static unsigned int crs_learn_nsets;
static u64 crs_learn_next_id = 1;

static atomic64_t crs_learn_bytes = ATOMIC64_INIT(0);
/* Sightings lost because even the set could not be allocated. */
static atomic64_t crs_learn_nomem = ATOMIC64_INIT(0);

/* Reduce @obj to the fixed part of its tuple; false: nothing to learn. */
static bool crs_learn_key(struct crs_ctx *ctx, const struct crs_object *obj,
			  struct crs_learn_fixed *f)
{
	memset(f, 0, sizeof(*f));
	f->type = obj->type;
	f->nr = -1;
	switch (obj->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		return obj->path && obj->path[0] == '/';
	case CRS_RULE_SYSCALL:
		if (obj->syscall_nr < 0)
			return false;
		f->nr = obj->syscall_nr;
		f->arch = obj->arch;
		if (obj->path)	/* an Execution */
			return obj->path[0] == '/';
		if (ctx->p && obj->syscall_nr < CRS_NR_SYSCALLS &&
		    (obj->arch == CRS_ARCH_X86_64 || obj->arch == CRS_ARCH_I386) &&
		    test_bit(obj->syscall_nr, obj->arch == CRS_ARCH_I386 ?
			     ctx->p->ignored32 : ctx->p->ignored64))
			return false;
		return true;
	case CRS_RULE_NETWORK_OUTBOUND:
		f->addr = obj->addr;
		fallthrough;
	case CRS_RULE_NETWORK_INBOUND:
		f->family = obj->family;
		f->port = obj->port;
		f->protocol = obj->protocol;
		return obj->family == AF_INET || obj->family == AF_INET6;
	}
	return false;
}
NOKPROBE_SYMBOL(crs_learn_key);

static u32 crs_learn_hash(const struct crs_learn_fixed *f, const char *program,
			  const char *path)
{
	u32 h = jhash(f, sizeof(*f), 0);

	h = jhash(program, f->program_len, h);
	if (f->path_len)
		h = jhash(path, f->path_len, h);
	return h;
}
NOKPROBE_SYMBOL(crs_learn_hash);

static struct crs_learn_entry *crs_learn_find(struct crs_learn_set *s, u32 hash,
					      const struct crs_learn_fixed *f,
					      const char *program,
					      const char *path)
{
	struct crs_learn_entry *e;

	hlist_for_each_entry_rcu(e, &s->buckets[hash_32(hash, CRS_LEARN_BITS)],
				 hnode) {
		if (e->hash != hash || memcmp(&e->f, f, sizeof(*f)) ||
		    memcmp(e->data, program, f->program_len) ||
		    (f->path_len &&
		     memcmp(e->data + f->program_len, path, f->path_len)))
			continue;
		return e;
	}
	return NULL;
}
NOKPROBE_SYMBOL(crs_learn_find);

static struct crs_learn_set *crs_learn_set_alloc(gfp_t gfp)
{
	struct crs_learn_set *s = kzalloc(sizeof(*s), gfp | __GFP_NOWARN);

	if (!s)
		return NULL;
	s->buckets = kcalloc(1 << CRS_LEARN_BITS, sizeof(*s->buckets),
			     gfp | __GFP_NOWARN);
	if (!s->buckets) {
		kfree(s);
		return NULL;
	}
	spin_lock_init(&s->lock);
	s->tail = &s->first;
	s->mem = sizeof(*s) + (sizeof(*s->buckets) << CRS_LEARN_BITS);
	refcount_set(&s->ref, 1);
	INIT_LIST_HEAD(&s->named);
	return s;
}
NOKPROBE_SYMBOL(crs_learn_set_alloc);

/* Free a set no recorder can reach (or one never published). */
static void crs_learn_set_free(struct crs_learn_set *s, bool accounted)
{
	struct crs_learn_entry *e, *n;

	for (e = s->first; e; e = n) {
		n = e->next;
		kfree(e);
	}
	if (accounted)
		atomic64_sub(s->mem, &crs_learn_bytes);
	kfree(s->name);
	kfree(s->buckets);
	kfree(s);
}

static void crs_learn_set_put(struct crs_learn_set *s)
{
	if (refcount_dec_and_test(&s->ref))
		crs_learn_set_free(s, true);
}

static struct crs_learn_set *crs_learn_set_get(struct crs_container *c)
{
	/* pairs with the cmpxchg_release() that publishes the set */
	struct crs_learn_set *s = smp_load_acquire(&c->learn), *old;

	if (s)
		return s;
	s = crs_learn_set_alloc(GFP_ATOMIC);
	if (!s)
		return NULL;
	old = cmpxchg_release(&c->learn, NULL, s);
	if (old) {
		crs_learn_set_free(s, false);
		return old;
	}
	atomic64_add(s->mem, &crs_learn_bytes);
	return s;
}
NOKPROBE_SYMBOL(crs_learn_set_get);

/**
 * crs_learn_record() - record the tuple of @obj in the container's set
 * @ctx: the decision context (ctx->c is learning)
 * @obj: what was accessed
 *
 * The first sighting of a tuple emits a BEHAVIOR event on the "learn"
 * group when the container's log mode is BEHAVIOR or ALL.
 *
 * Context: any (hook handler, softirq), inside crs_ctx_get(); does not
 * sleep; allocates GFP_ATOMIC, bounded by learn_max and learn_mem_kb.
 */
void crs_learn_record(struct crs_ctx *ctx, const struct crs_object *obj)
{
	struct crs_container *c = ctx->c;
	const char *program = NULL, *path = NULL;
	struct crs_learn_fixed f;
	struct crs_learn_entry *e;
	struct crs_learn_set *s;
	unsigned long flags;
	size_t plen, flen, size;
	u8 mode;
	u32 hash;

	if (!crs_learn_key(ctx, obj, &f))
		return;
	if (in_task())
		program = crs_program_current(ctx);
	if (!program)
		program = "";
	plen = strnlen(program, CRS_PATH_MAX - 1);
	f.program_len = plen + 1;
	if ((obj->type == CRS_RULE_READ || obj->type == CRS_RULE_WRITE ||
	     obj->type == CRS_RULE_SYSCALL) && obj->path) {
		path = obj->path;
		flen = strnlen(path, CRS_PATH_MAX - 1);
		f.path_len = flen + 1;
	} else {
		flen = 0;
	}
	/* names cut at CRS_PATH_MAX - 1 are never equal to an uncut one */
	if (program[plen] || (path && path[flen]))
		return;
	hash = crs_learn_hash(&f, program, path);

	s = crs_learn_set_get(c);
	if (!s) {
		atomic64_inc(&crs_learn_nomem);
		return;
	}
	if (crs_learn_find(s, hash, &f, program, path))
		return;

	size = sizeof(*e) + f.program_len + f.path_len;
	if (READ_ONCE(s->count) >= READ_ONCE(learn_max) ||
	    READ_ONCE(s->mem) + size > (size_t)READ_ONCE(learn_mem_kb) * 1024)
		e = NULL;
	else
		e = kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (e) {
		e->hash = hash;
		e->size = size;
		e->next = NULL;
		e->f = f;
		memcpy(e->data, program, f.program_len);
		if (path)
			memcpy(e->data + f.program_len, path, f.path_len);
	}

	spin_lock_irqsave(&s->lock, flags);
	if (crs_learn_find(s, hash, &f, program, path)) {
		/* recorded meanwhile, on another cpu */
		spin_unlock_irqrestore(&s->lock, flags);
		kfree(e);
		return;
	}
	if (!e || s->count >= READ_ONCE(learn_max) ||
	    s->mem + size > (size_t)READ_ONCE(learn_mem_kb) * 1024) {
		s->overflow++;
		spin_unlock_irqrestore(&s->lock, flags);
		kfree(e);
		return;
	}
	hlist_add_head_rcu(&e->hnode,
			   &s->buckets[hash_32(hash, CRS_LEARN_BITS)]);
	/* publish in order: a dump reads *tail without the lock */
	smp_store_release(s->tail, e);
	s->tail = &e->next;
	WRITE_ONCE(s->count, s->count + 1);
	WRITE_ONCE(s->mem, s->mem + size);
	spin_unlock_irqrestore(&s->lock, flags);
	atomic64_add(size, &crs_learn_bytes);

	mode = READ_ONCE(c->log_mode);
	if (mode == CRS_LOG_BEHAVIOR || mode == CRS_LOG_ALL)
		crs_event_emit(ctx, NULL, CRS_OUTCOME_BEHAVIOR, obj);
}
NOKPROBE_SYMBOL(crs_learn_record);

/**
 * crs_learn_free() - free @c's learning set
 * @c: a container no reader can see any more
 *
 * Context: process context (the container's deferred free).
 */
void crs_learn_free(struct crs_container *c)
{
	struct crs_learn_set *s = c->learn;

	if (!s)
		return;
	c->learn = NULL;
	crs_learn_set_put(s);
}

static struct crs_learn_set *crs_learn_find_named(const char *name, u64 id)
{
	struct crs_learn_set *s;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(s, &crs_learn_sets, named)
		if (name ? !strcmp(s->name, name) : s->id == id)
			return s;
	return NULL;
}

/**
 * crs_learn_named() - the named learning set @name, created if need be
 * @name: the set's name (an image binding's pattern), not empty
 * @extack: for the error message
 *
 * The set is kept, with what it learned, after every container that
 * learned into it has gone, until crs_learn_delete() or crs_learn_exit().
 * Called before the container is bound, so that binding it cannot fail
 * for the set's sake.
 *
 * Context: crs_lock held; process context (allocates GFP_KERNEL).
 * Return: the set (the list holds it while crs_lock is held), or
 * ERR_PTR: -EINVAL empty name, -ENOSPC at CRS_LEARN_SETS_MAX sets,
 * -ENOMEM.
 */
struct crs_learn_set *crs_learn_named(const char *name,
				      struct netlink_ext_ack *extack)
{
	struct crs_learn_set *s;

	lockdep_assert_held(&crs_lock);
	if (!*name) {
		NL_SET_ERR_MSG(extack, "empty learning set name");
		return ERR_PTR(-EINVAL);
	}
	s = crs_learn_find_named(name, 0);
	if (s)
		return s;
	if (crs_learn_nsets >= CRS_LEARN_SETS_MAX) {
		NL_SET_ERR_MSG(extack, "too many learning sets (delete one: crsnl learn delete)");
		return ERR_PTR(-ENOSPC);
	}
	s = crs_learn_set_alloc(GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->name = kstrdup(name, GFP_KERNEL);
	if (!s->name) {
		crs_learn_set_free(s, false);
		return ERR_PTR(-ENOMEM);
	}
	s->id = crs_learn_next_id++;
	atomic64_add(s->mem, &crs_learn_bytes);
	list_add_tail(&s->named, &crs_learn_sets);
	crs_learn_nsets++;
	return s;
}

/**
 * crs_learn_attach() - make @c learn into the named set @s
 * @c: container
 * @s: from crs_learn_named(), crs_lock held since
 * @extack: for the error message
 *
 * A container bound just now (learning off, no set) always succeeds.
 *
 * Context: crs_lock held. Return: 0; -EBUSY when @c already learns into
 * another set or has learned on its own.
 */
int crs_learn_attach(struct crs_container *c, struct crs_learn_set *s,
		     struct netlink_ext_ack *extack)
{
	struct crs_learn_set *cur;

	lockdep_assert_held(&crs_lock);
	/* pairs with the cmpxchg_release() that publishes a set */
	cur = smp_load_acquire(&c->learn);
	if (cur == s)
		return 0;
	if (!cur) {
		refcount_inc(&s->ref);
		cur = cmpxchg_release(&c->learn, NULL, s);
		if (!cur)
			return 0;
		/* a recorder gave the container its own set meanwhile */
		refcount_dec(&s->ref);
	}
	NL_SET_ERR_MSG(extack, "the container already learns into another set");
	return -EBUSY;
}

/**
 * crs_learn_delete() - forget the named set @name
 * @name: its name
 * @extack: for the error message
 *
 * Containers still learning into it keep it until they go; the name is
 * free at once (the next container given it starts a new set).
 *
 * Context: crs_lock held. Return: 0, -ENOENT if there is no such set.
 */
int crs_learn_delete(const char *name, struct netlink_ext_ack *extack)
{
	struct crs_learn_set *s;

	lockdep_assert_held(&crs_lock);
	s = crs_learn_find_named(name, 0);
	if (!s) {
		NL_SET_ERR_MSG(extack, "no such learning set");
		return -ENOENT;
	}
	list_del_init(&s->named);
	crs_learn_nsets--;
	crs_learn_set_put(s);
	return 0;
}

/**
 * crs_learn_exit() - free the named learning sets
 *
 * Context: module unload, after every container was freed.
 */
void crs_learn_exit(void)
{
	struct crs_learn_set *s, *n;

	list_for_each_entry_safe(s, n, &crs_learn_sets, named) {
		list_del(&s->named);
		crs_learn_set_put(s);
	}
	crs_learn_nsets = 0;
}

/**
 * crs_learn_stats() - size of @c's learning set
 * @c: container
 * @count: tuples recorded
 * @overflow: sightings of new tuples not recorded (bound reached)
 *
 * Context: any; the values may move while they are read.
 */
void crs_learn_stats(struct crs_container *c, u32 *count, u64 *overflow)
{
	/* pairs with the cmpxchg_release() that publishes the set */
	struct crs_learn_set *s = smp_load_acquire(&c->learn);

	*count = s ? READ_ONCE(s->count) : 0;
	*overflow = s ? READ_ONCE(s->overflow) : 0;
}

/**
 * crs_learn_mem() - bytes held by all learning sets
 *
 * Context: any. Return: the sum of every set's accounted size.
 */
u64 crs_learn_mem(void)
{
	return atomic64_read(&crs_learn_bytes);
}

/* ------------------------------------------------------------------ */
/* CRS_CMD_GET_LEARNED */

static const struct nla_policy crs_learn_ct_policy[CRS_CONTAINER_A_MAX + 1] = {
	[CRS_CONTAINER_A_PID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[CRS_CONTAINER_A_LEARN_SET] = { .type = NLA_NUL_STRING,
					.len = CRS_LEARN_SET_MAX - 1 },
};

/*
 * cb->args: 0 container id (or named set id), 1 index of the next
 * tuple, 2 set when the dump is of a named set
 */
int crs_learn_nl_start(struct netlink_callback *cb)
{
	struct nlattr *tb[CRS_CONTAINER_A_MAX + 1];
	struct nlattr *attr = crs_genl_dump_attrs(cb)[CRS_A_CONTAINER];
	struct crs_container *c;
	int ret;

	ret = crs_nl_parse_nested(tb, CRS_CONTAINER_A_MAX, attr,
				  crs_learn_ct_policy,
				  "missing container attribute", cb->extack);
	if (ret)
		return ret;
	if (tb[CRS_CONTAINER_A_LEARN_SET]) {
		struct crs_learn_set *s;

		mutex_lock(&crs_lock);
		s = crs_learn_find_named(nla_data(tb[CRS_CONTAINER_A_LEARN_SET]), 0);
		if (s) {
			cb->args[0] = s->id;
			cb->args[1] = 0;
			cb->args[2] = 1;
		}
		mutex_unlock(&crs_lock);
		if (!s) {
			NL_SET_ERR_MSG_ATTR(cb->extack, tb[CRS_CONTAINER_A_LEARN_SET],
					    "no such learning set");
			return -ENOENT;
		}
		return 0;
	}
	if (!tb[CRS_CONTAINER_A_PID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attr, "missing pid");
		return -EINVAL;
	}
	/*
	 * No reap first: a process found by its pid keeps its namespace,
	 * and so its container, from being empty.
	 */
	mutex_lock(&crs_lock);
	c = crs_container_find_pid(nla_get_u32(tb[CRS_CONTAINER_A_PID]),
				   cb->extack);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
	} else {
		cb->args[0] = c->id;
		cb->args[1] = 0;
	}
	mutex_unlock(&crs_lock);
	return ret;
}

/* @e's attributes; Return: nonzero when @skb has no room */
static int crs_learn_fill(struct sk_buff *skb, const struct crs_learn_entry *e)
{
	const struct crs_learn_fixed *f = &e->f;

	return nla_put_u8(skb, CRS_LEARNED_A_TYPE, f->type) ||
	       nla_put_string(skb, CRS_LEARNED_A_PROGRAM, e->data) ||
	       (f->path_len &&
		nla_put_string(skb, CRS_LEARNED_A_FILE,
			       e->data + f->program_len)) ||
	       (f->nr >= 0 &&
		(nla_put_u32(skb, CRS_LEARNED_A_SYSCALL_NR, f->nr) ||
		 nla_put_u8(skb, CRS_LEARNED_A_ARCH, f->arch))) ||
	       (f->family &&
		(nla_put_u8(skb, CRS_LEARNED_A_FAMILY, f->family) ||
		 nla_put_u16(skb, CRS_LEARNED_A_PORT, f->port) ||
		 nla_put_u8(skb, CRS_LEARNED_A_PROTOCOL, f->protocol))) ||
	       (f->type == CRS_RULE_NETWORK_OUTBOUND &&
		nla_put(skb, CRS_LEARNED_A_ADDR, f->family == AF_INET ? 4 : 16,
			f->family == AF_INET ?
			(const void *)&f->addr.s6_addr32[3] :
			(const void *)&f->addr));
}

static int crs_learn_put(struct sk_buff *skb, struct netlink_callback *cb,
			 const struct genl_family *fam,
			 const struct crs_learn_entry *e)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  fam, NLM_F_MULTI, CRS_CMD_GET_LEARNED);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CRS_A_LEARNED);
	return crs_genl_end(skb, hdr, nest, !nest || crs_learn_fill(skb, e));
}

int crs_learn_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_family *fam = crs_genl_dump_family(cb);
	struct crs_container *c, *found = NULL;
	struct crs_learn_entry *e;
	struct crs_learn_set *s;
	unsigned long idx = 0;
	int ret = 0;

	mutex_lock(&crs_lock);
	if (cb->args[2]) {
		/* a named set lives until unload */
		s = crs_learn_find_named(NULL, cb->args[0]);
		if (!s)
			goto out;
		goto walk;
	}
	list_for_each_entry(c, &crs_containers, list) {
		if (c->id == cb->args[0] && !c->dead) {
			found = c;
			break;
		}
	}
	if (!found) {
		/* it went away between two parts of the dump */
		ret = cb->args[1] ? -ESRCH : 0;
		goto out;
	}
	/* pairs with the cmpxchg_release() that publishes the set */
	s = smp_load_acquire(&found->learn);
	if (!s)
		goto out;
walk:
	/* pairs with the smp_store_release() that publishes an entry */
	e = smp_load_acquire(&s->first);
	for (; e; idx++) {
		if (idx >= cb->args[1]) {
			if (crs_learn_put(skb, cb, fam, e))
				break;
			cb->args[1] = idx + 1;
		}
		/* pairs with the smp_store_release() that publishes an entry */
		e = smp_load_acquire(&e->next);
	}
out:
	mutex_unlock(&crs_lock);
	return ret ? ret : skb->len;
}
