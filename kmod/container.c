// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the table of bound containers and the lookup the hooks make in
 * it. A container is a pid namespace bound to a policy slot (we hold a
 * reference to the namespace and to the network namespace captured at
 * apply time). A task belongs to the nearest bound namespace among its
 * own pid namespace and that one's ancestors, so creating a nested pid
 * namespace does not escape the policy. Binding, unbinding and noticing
 * a container's end: container_bind.c.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "crs.h"
#include "container.h"
#include "policy.h"
#include "root.h"

/*
 * Deferred: the last unbind switches the hooks' fast path off at most once
 * a second, so churning containers do not patch kernel text on every
 * detach (text patching under a packet flood has stalled a CPU here).
 */
DEFINE_STATIC_KEY_DEFERRED_FALSE(crs_active, HZ);
LIST_HEAD(crs_containers);
u64 crs_containers_gen;
static u32 crs_ncontainers;

static struct rhashtable crs_container_table;

static const struct rhashtable_params crs_container_params = {
	.key_len = sizeof(struct pid_namespace *),
	.key_offset = offsetof(struct crs_container, pidns),
	.head_offset = offsetof(struct crs_container, node),
	.automatic_shrinking = true,
};

/*
 * Pid namespace levels (0: the host's) holding a bound container, one bit
 * each, and how many each holds (crs_lock): crs_container_of() looks up
 * only those levels, so a task on the host costs no hash lookup while
 * only containers are bound.
 */
u64 crs_bound_levels;
static unsigned int crs_level_count[MAX_PID_NS_LEVEL + 1];

/*
 * A per-CPU memo of the last lookup made from task context: current's
 * pid namespace and the container bound to exactly that namespace. It is
 * valid while crs_lookup_gen, bumped after every insertion into and
 * removal from the table, has not moved: the container then still holds
 * its reference on @ns, so @ns cannot have been freed and reused. Tasks
 * in a namespace nested below a bound one are not memoized (they walk).
 * Softirq never reads or writes it, so a task's use cannot be torn by an
 * interrupt on its CPU.
 */
struct crs_lookup_memo {
	const struct pid_namespace *ns;
	struct crs_container *c;
	unsigned long gen;
};

static DEFINE_PER_CPU(struct crs_lookup_memo, crs_lookup_memo);
static unsigned long crs_lookup_gen;

/* After a table change: every memo made before it is stale. */
static void crs_lookup_changed(void)
{
	/* the table change first; pairs with crs_container_of_current() */
	smp_store_release(&crs_lookup_gen, crs_lookup_gen + 1);
}

static void crs_level_add(const struct pid_namespace *ns, int delta)
{
	unsigned int level = ns->level;

	lockdep_assert_held(&crs_lock);
	if (WARN_ON_ONCE(level > MAX_PID_NS_LEVEL))
		return;
	crs_level_count[level] += delta;
	if (crs_level_count[level])
		WRITE_ONCE(crs_bound_levels, crs_bound_levels | BIT_ULL(level));
	else
		WRITE_ONCE(crs_bound_levels, crs_bound_levels & ~BIT_ULL(level));
}

/* The nearest bound container from @ns up; RCU read-side section. */
static struct crs_container *crs_container_of_ns(const struct pid_namespace *ns)
{
	u64 levels = READ_ONCE(crs_bound_levels);
	struct crs_container *c;

	for (; ns; ns = ns->parent) {
		if (!(levels & BIT_ULL(ns->level)))
			continue;
		c = rhashtable_lookup(&crs_container_table, &ns,
				      crs_container_params);
		if (c && !READ_ONCE(c->dead))
			return c;
	}
	return NULL;
}

/**
 * crs_container_of() - the container @task belongs to
 * @task: a task
 *
 * Walks from the task's pid namespace up to the nearest bound one,
 * looking up only the levels where some container is bound.
 *
 * Context: RCU read-side critical section; any context.
 * Return: the container, or NULL.
 */
struct crs_container *crs_container_of(struct task_struct *task)
{
	return crs_container_of_ns(ns_of_pid(task_pid(task)));
}

/* crs_container_of(current), memoized per CPU in task context */
static struct crs_container *crs_container_of_current(void)
{
	const struct pid_namespace *ns = ns_of_pid(task_pid(current));
	struct crs_lookup_memo *m;
	struct crs_container *c;
	unsigned long gen;

	if (!in_task())
		return crs_container_of_ns(ns);
	preempt_disable_notrace();
	m = this_cpu_ptr(&crs_lookup_memo);
	/* pairs with crs_lookup_changed(): the lookup sees that change */
	gen = smp_load_acquire(&crs_lookup_gen);
	c = m->c;
	if (m->ns != ns || m->gen != gen || !c || READ_ONCE(c->dead)) {
		c = crs_container_of_ns(ns);
		if (c && c->pidns == ns) {
			m->ns = ns;
			m->c = c;
			m->gen = gen;
		}
	}
	preempt_enable_notrace();
	return c;
}

/**
 * crs_ctx_fill() - the decision context of container @c
 * @ctx: filled: @c, its policy (or NULL) and the effective mode; the
 *	program is resolved later, once (crs_program_get())
 * @c: a container found under the current RCU read-side section
 *
 * Context: RCU read-side critical section; any context.
 */
void crs_ctx_fill(struct crs_ctx *ctx, struct crs_container *c)
{
	struct crs_policy_slot *slot;
	unsigned int seq;
	s8 mode;

	do {
		seq = read_seqcount_begin(&c->seq);
		slot = rcu_dereference(c->slot);
		mode = READ_ONCE(c->mode_override);
	} while (read_seqcount_retry(&c->seq, seq));
	ctx->c = c;
	ctx->prog = NULL;
	ctx->p = slot ? rcu_dereference(slot->policy) : NULL;
	if (mode >= 0)
		ctx->mode = mode;
	else
		ctx->mode = ctx->p ? ctx->p->mode : CRS_MODE_INACTIVE;
}

/**
 * __crs_ctx_get() - find the container and policy current is held to
 * @ctx: filled on success
 *
 * Called through crs_ctx_get(), which has already tested the static
 * branch and that some container is bound at current's level or above.
 * Costs a per-CPU memo check for a task in a bound namespace whose CPU
 * looked it up last, else one hash lookup per level that holds a bound
 * container.
 *
 * Context: any; must not be nested in another crs_ctx_get().
 * Return: true with the RCU read lock held (release with crs_ctx_put()),
 * or false, nothing held, when current is in no bound container.
 */
bool __crs_ctx_get(struct crs_ctx *ctx)
{
	struct crs_container *c;

	rcu_read_lock();
	c = crs_container_of_current();
	if (!c) {
		rcu_read_unlock();
		return false;
	}
	crs_ctx_fill(ctx, c);
	/* still held: for sparse, crs_ctx_get() takes it (__cond_lock) */
	__release(RCU);
	return true;
}

/* Unheard audit events of containers freed before they were reported. */
atomic64_t crs_containers_unheard_gone = ATOMIC64_INIT(0);

/**
 * crs_container_set_policy() - bind @c to a policy slot and mode, at once
 * @c: container
 * @slot: the policy's slot, or NULL
 * @mode: enum crs_policy_mode override, -1 for none, CRS_MODE_KEEP to
 *	leave it
 *
 * A concurrent crs_ctx_get() sees the old slot and mode or the new ones,
 * never one of each (c->seq). With a new slot, the caller resolves its
 * names with crs_file_bind() once it has dropped crs_lock.
 *
 * Context: crs_lock held; process context.
 */
void crs_container_set_policy(struct crs_container *c,
			      struct crs_policy_slot *slot, int mode)
{
	struct crs_policy_slot *old;

	lockdep_assert_held(&crs_lock);
	old = rcu_dereference_protected(c->slot, lockdep_is_held(&crs_lock));
	if (old == slot && (mode == CRS_MODE_KEEP || mode == c->mode_override))
		return;
	if (old != slot) {
		if (old)
			old->users--;
		if (slot)
			slot->users++;
	}
	/*
	 * Readers run in task and softirq context and spin while a write
	 * is open: keep both off this CPU (on PREEMPT_RT bottom halves
	 * disabled are still preemptible, hence preemption too).
	 */
	local_bh_disable();
	preempt_disable();
	write_seqcount_begin(&c->seq);
	rcu_assign_pointer(c->slot, slot);
	if (mode != CRS_MODE_KEEP)
		WRITE_ONCE(c->mode_override, mode);
	write_seqcount_end(&c->seq);
	preempt_enable();
	local_bh_enable();
	crs_containers_gen++;
}

/**
 * crs_containers_need_syscalls() - does a bound container need the system
 * call dispatch hooks?
 *
 * Yes for one that is learning or whose policy has a SYSCALL table
 * (SYSCALL rules or a DENY defaultSyscallAction: p->sys).
 *
 * Context: crs_lock held. Return: true or false.
 */
bool crs_containers_need_syscalls(void)
{
	struct crs_policy_slot *slot;
	struct crs_policy *p;
	struct crs_container *c;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(c, &crs_containers, list) {
		if (READ_ONCE(c->learning))
			return true;
		slot = rcu_dereference_protected(c->slot,
						 lockdep_is_held(&crs_lock));
		p = slot ? rcu_dereference_protected(slot->policy,
						     lockdep_is_held(&crs_lock)) : NULL;
		if (crs_policy_needs_syscalls(p))
			return true;
	}
	return false;
}

/**
 * crs_containers_learning() - is a bound container learning?
 *
 * Context: crs_lock held. Return: true or false.
 */
bool crs_containers_learning(void)
{
	struct crs_container *c;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(c, &crs_containers, list)
		if (READ_ONCE(c->learning))
			return true;
	return false;
}

/**
 * crs_container_find_ns() - the container bound to exactly @ns
 * @ns: a pid namespace the caller holds a reference to, or one whose
 *	container holds it (under RCU)
 *
 * Context: crs_lock held, or an RCU read-side section (the container is
 * then valid until it ends). Return: the container, or NULL.
 */
struct crs_container *crs_container_find_ns(const struct pid_namespace *ns)
{
	struct crs_container *c;

	c = rhashtable_lookup_fast(&crs_container_table, &ns,
				   crs_container_params);
	return c && !READ_ONCE(c->dead) ? c : NULL;
}

/**
 * crs_task_of() - the task of a pid as the caller sees it, referenced
 * @nr: the pid, in the calling task's pid namespace
 * @extack: error report
 *
 * Context: process context.
 * Return: the task (put_task_struct() it), or ERR_PTR(-EINVAL) for a pid
 * that is not positive, ERR_PTR(-ESRCH) when there is no such process.
 */
struct task_struct *crs_task_of(pid_t nr, struct netlink_ext_ack *extack)
{
	struct task_struct *task;

	if (nr <= 0) {
		NL_SET_ERR_MSG(extack, "pid must be positive");
		return ERR_PTR(-EINVAL);
	}
	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task) {
		NL_SET_ERR_MSG(extack, "no such process");
		return ERR_PTR(-ESRCH);
	}
	return task;
}

/**
 * crs_container_find_pid() - the container a pid (caller's namespace) is in
 * @pid: process id as the caller sees it
 * @extack: error report
 *
 * Context: crs_lock held.
 * Return: the container, or ERR_PTR(-ESRCH / -ENOENT / -EINVAL).
 */
struct crs_container *crs_container_find_pid(pid_t pid,
					     struct netlink_ext_ack *extack)
{
	struct task_struct *task = crs_task_of(pid, extack);
	struct crs_container *c;

	lockdep_assert_held(&crs_lock);
	if (IS_ERR(task))
		return ERR_CAST(task);
	rcu_read_lock();
	c = crs_container_of(task);
	rcu_read_unlock();
	put_task_struct(task);
	if (!c) {
		NL_SET_ERR_MSG(extack, "process is in no bound container");
		return ERR_PTR(-ENOENT);
	}
	return c;
}

/**
 * crs_container_insert() - enter a new container into the table
 * @c: a container made by crs_container_bind(), its pid namespace
 *	bound to none yet
 *
 * From here the hooks find it.
 *
 * Context: crs_lock held; process context.
 * Return: 0, or -ENOMEM (the table cannot grow).
 */
int crs_container_insert(struct crs_container *c)
{
	int ret;

	lockdep_assert_held(&crs_lock);
	/* the level first: a lookup must not skip it once c is found */
	crs_level_add(c->pidns, 1);
	ret = rhashtable_insert_fast(&crs_container_table, &c->node,
				     crs_container_params);
	if (ret) {
		crs_level_add(c->pidns, -1);
		return ret;
	}
	crs_lookup_changed();
	list_add_tail(&c->list, &crs_containers);
	WRITE_ONCE(crs_ncontainers, crs_ncontainers + 1);
	crs_containers_gen++;
	static_branch_inc(&crs_active.key);
	return 0;
}

/**
 * crs_container_remove() - take @c out of the table
 * @c: a bound container
 *
 * Hooks already inside an RCU read-side section may still use @c; the
 * caller unbinds its policy and frees it after a grace period.
 *
 * Context: crs_lock held; process context.
 */
void crs_container_remove(struct crs_container *c)
{
	lockdep_assert_held(&crs_lock);
	WRITE_ONCE(c->dead, true);
	rhashtable_remove_fast(&crs_container_table, &c->node,
			       crs_container_params);
	crs_lookup_changed();
	crs_level_add(c->pidns, -1);
	list_del(&c->list);
	WRITE_ONCE(crs_ncontainers, crs_ncontainers - 1);
	crs_containers_gen++;
	static_branch_slow_dec_deferred(&crs_active);
}

/**
 * crs_container_count() - number of bound containers
 * Context: any (exact under crs_lock).
 * Return: the count.
 */
u32 crs_container_count(void)
{
	return READ_ONCE(crs_ncontainers);
}

/**
 * crs_container_stats_sum() - add up a container's per-cpu counters
 * @c: container
 * @sum: out
 *
 * Context: any; counters may move while they are read.
 */
void crs_container_stats_sum(struct crs_container *c,
			     struct crs_container_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct crs_container_stats *s = per_cpu_ptr(c->stats, cpu);

		for (i = 0; i < CRS_VERDICT_OUTCOMES; i++)
			sum->verdicts[i] += READ_ONCE(s->verdicts[i]);
		sum->events_lost += READ_ONCE(s->events_lost);
		sum->events_unheard += READ_ONCE(s->events_unheard);
	}
}

/**
 * crs_container_init() - set up the container table; take the host's
 * root (init's), where files handed in from outside a container are named
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int crs_container_init(void)
{
	int ret = rhashtable_init(&crs_container_table, &crs_container_params);

	if (ret)
		return ret;
	crs_root_init();
	return 0;
}

/**
 * crs_container_exit() - free the table; put the host's root
 *
 * No container can be bound here: each holds a module reference.
 * Context: module exit, after crs_container_bind_exit().
 */
void crs_container_exit(void)
{
	static_key_deferred_flush(&crs_active);
	mutex_lock(&crs_lock);
	WARN_ON(!list_empty(&crs_containers));
	mutex_unlock(&crs_lock);
	rhashtable_destroy(&crs_container_table);
	crs_root_exit();
}
