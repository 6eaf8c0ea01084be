// SPDX-License-Identifier: GPL-2.0
/*
 * crs: containers. A container is a pid namespace bound to a policy slot;
 * we hold a reference to the namespace and to the network namespace
 * captured at apply time. A task belongs to the nearest bound namespace
 * among its own pid namespace and that one's ancestors, so creating a
 * nested pid namespace does not escape the policy.
 *
 * Each bound container holds a reference to this module: rmmod is refused
 * at once while any container is bound (delete_module(2) fails with
 * EWOULDBLOCK, "in use"; detach first). A container is unbound once its
 * pid namespace is empty (every process gone and reaped, not before: a
 * killed task may still finish a call): its init's exit, seen at the
 * kernel's zap_pid_ns_processes() (hooked), sets the reaper going, and
 * every control-plane command also reaps first.
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
#include "file.h"
#include "hooks.h"
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

static unsigned int max_containers = 4096;
module_param(max_containers, uint, 0644);
MODULE_PARM_DESC(max_containers, "Most bound containers (default 4096)");

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

static void crs_reap_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(crs_reap_work, crs_reap_fn);

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

static void crs_container_free_work(struct work_struct *w)
{
	struct crs_container *c = container_of(to_rcu_work(w),
					       struct crs_container, free_work);
	struct crs_container_stats sum;

	/* no hook runs for @c any more, and the event worker skips it */
	crs_container_stats_sum(c, &sum);
	if (sum.events_unheard > c->unheard_reported)
		atomic64_add(sum.events_unheard - c->unheard_reported,
			     &crs_containers_unheard_gone);

	crs_learn_free(c);
	crs_file_unbind(c);
	crs_root_free(c->root);
	put_pid_ns(c->pidns);
	put_net(c->net);
	free_percpu(c->stats);
	kfree(c);
	module_put(THIS_MODULE);
}

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
 * crs_container_unbind() - unbind and free (after a grace period) @c
 * @c: a bound container
 *
 * Context: crs_lock held.
 */
void crs_container_unbind(struct crs_container *c)
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
	crs_net_detach(c);
	crs_container_set_policy(c, NULL, CRS_MODE_KEEP);
	static_branch_slow_dec_deferred(&crs_active);
	INIT_RCU_WORK(&c->free_work, crs_container_free_work);
	queue_rcu_work(crs_wq, &c->free_work);
}

/**
 * crs_container_find_ns() - the container bound to exactly @ns
 * @ns: a pid namespace the caller holds a reference to
 *
 * Context: crs_lock held. Return: the container, or NULL.
 */
struct crs_container *crs_container_find_ns(struct pid_namespace *ns)
{
	struct crs_container *c;

	lockdep_assert_held(&crs_lock);
	c = rhashtable_lookup_fast(&crs_container_table, &ns,
				   crs_container_params);
	return c && !c->dead ? c : NULL;
}

/* No process can enter @ns any more: its init is exiting or gone. */
static bool crs_pidns_dying(struct pid_namespace *ns)
{
	return ns != &init_pid_ns &&
	       !(READ_ONCE(ns->pid_allocated) & PIDNS_ADDING);
}

/*
 * Every process of @ns is gone and reaped (its last pid freed). Until
 * then a killed task may still finish a call it was in (a write, an
 * exec past its point of no return, an io-wq worker's request), so the
 * container stays bound while its namespace is only dying.
 */
static bool crs_pidns_empty(struct pid_namespace *ns)
{
	return ns != &init_pid_ns && !READ_ONCE(ns->pid_allocated);
}

/* A reference to @task's network namespace, or NULL if it is exiting. */
static struct net *crs_task_net(struct task_struct *task)
{
	struct net *net = NULL;

	task_lock(task);
	if (task->nsproxy)
		net = get_net(task->nsproxy->net_ns);
	task_unlock(task);
	return net;
}

static struct task_struct *crs_task_of(pid_t nr, struct netlink_ext_ack *extack)
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
 * crs_container_bind() - the container of @pid's own pid namespace,
 * created (unbound from any policy) if it does not exist yet
 * @pid: process id as the caller sees it
 * @host: allow the initial pid namespace
 * @rootfs: the container's root file system when the runtime has not
 *	pivoted into it yet (an OCI bundle's root.path), or NULL
 * @extack: error report
 *
 * A new container's root is @pid's root, or, with @rootfs while @pid is
 * still in the caller's root, taken when the runtime pivots (struct
 * crs_root). An existing container keeps its root.
 *
 * Context: crs_lock held; process context.
 * Return: the container, or ERR_PTR(-ESRCH, -EPERM, -ENOSPC, -ENOMEM).
 */
struct crs_container *crs_container_bind(pid_t pid, bool host,
					 const struct path *rootfs,
					 struct netlink_ext_ack *extack)
{
	struct crs_root *root = NULL;
	struct task_struct *task;
	struct pid_namespace *ns;
	struct crs_container *c;
	struct net *net = NULL;
	int ret;

	lockdep_assert_held(&crs_lock);
	task = crs_task_of(pid, extack);
	if (IS_ERR(task))
		return ERR_CAST(task);
	/* the namespace reference while the task still pins it */
	ns = task_active_pid_ns(task);
	if (ns)
		get_pid_ns(ns);
	if (ns == &init_pid_ns && !host) {
		put_task_struct(task);
		put_pid_ns(ns);
		NL_SET_ERR_MSG(extack, "process is in the initial pid namespace (the host); pass the host flag to bind it");
		return ERR_PTR(-EPERM);
	}
	if (ns)
		net = crs_task_net(task);
	if (!ns || !net || crs_pidns_dying(ns)) {
		put_task_struct(task);
		NL_SET_ERR_MSG(extack, "process is exiting");
		ret = -ESRCH;
		goto err_ns_ref;
	}
	c = rhashtable_lookup_fast(&crs_container_table, &ns,
				   crs_container_params);
	if (c) {
		put_task_struct(task);
		put_net(net);
		put_pid_ns(ns);
		return c;
	}
	root = crs_root_new(task, rootfs);
	put_task_struct(task);
	if (IS_ERR(root)) {
		ret = PTR_ERR(root);
		root = NULL;
		if (ret == -ESRCH)
			NL_SET_ERR_MSG(extack, "process is exiting");
		goto err_ns_ref;
	}
	if (crs_ncontainers >= max_containers) {
		NL_SET_ERR_MSG(extack, "too many containers (module parameter max_containers)");
		ret = -ENOSPC;
		goto err_ns_ref;
	}
	/* fails while the module is being unloaded */
	if (!try_module_get(THIS_MODULE)) {
		NL_SET_ERR_MSG(extack, "crs is being unloaded");
		ret = -ENODEV;
		goto err_ns_ref;
	}
	ret = -ENOMEM;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		goto err_net;
	c->stats = alloc_percpu_gfp(struct crs_container_stats,
				    GFP_KERNEL_ACCOUNT);
	if (!c->stats)
		goto err_free;
	c->pidns = ns;
	c->root = root;
	root = NULL;
	c->net = net;
	c->id = ns->ns.inum;
	c->netns_id = net->ns.inum;
	c->pid = pid;
	c->mode_override = -1;
	seqcount_init(&c->seq);
	c->log_mode = CRS_LOG_POLICY_MONITOR_DENY;
	ret = crs_net_attach(c);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot hook the container's network namespace");
		goto err_ns;
	}
	/* the level first: a lookup must not skip it once c is found */
	crs_level_add(ns, 1);
	ret = rhashtable_insert_fast(&crs_container_table, &c->node,
				     crs_container_params);
	if (ret) {
		crs_level_add(ns, -1);
		crs_net_detach(c);
		/* netfilter hooks may have found c through the namespace */
		synchronize_rcu();
		goto err_ns;
	}
	crs_lookup_changed();
	list_add_tail(&c->list, &crs_containers);
	WRITE_ONCE(crs_ncontainers, crs_ncontainers + 1);
	crs_containers_gen++;
	static_branch_inc(&crs_active.key);
	/* the slow look while containers are bound (crs_reap_fn()) */
	schedule_delayed_work(&crs_reap_work, HZ);
	return c;

err_ns:
	free_percpu(c->stats);
err_free:
	if (c)
		crs_root_free(c->root);
	kfree(c);
err_net:
	module_put(THIS_MODULE);
err_ns_ref:
	crs_root_free(root);
	if (net)
		put_net(net);
	if (ns)
		put_pid_ns(ns);
	return ERR_PTR(ret);
}

/**
 * crs_container_count() - number of bound containers
 * Context: crs_lock held.
 * Return: the count.
 */
u32 crs_container_count(void)
{
	return crs_ncontainers;
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
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct crs_container_stats *s = per_cpu_ptr(c->stats, cpu);

		sum->allowed += READ_ONCE(s->allowed);
		sum->denied += READ_ONCE(s->denied);
		sum->monitored += READ_ONCE(s->monitored);
		sum->events_lost += READ_ONCE(s->events_lost);
		sum->events_unheard += READ_ONCE(s->events_unheard);
	}
}

/**
 * crs_container_reap() - unbind containers whose pid namespace is empty
 * (every process of it gone and reaped)
 *
 * Context: crs_lock held.
 */
void crs_container_reap(void)
{
	struct crs_container *c, *tmp;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry_safe(c, tmp, &crs_containers, list)
		if (crs_pidns_empty(c->pidns))
			crs_container_unbind(c);
}

/*
 * The reaper: queued at once by a namespace's end (crs_hook_zap_pid_ns()),
 * it looks again every 100 ms while a bound namespace is dying (its tasks
 * are being killed) and every second while any container is bound (a
 * death the hook could not see: a bind racing its init's exit). With
 * nothing bound it does not run.
 */
static void crs_reap_fn(struct work_struct *w)
{
	unsigned long delay = 0;
	struct crs_container *c;

	mutex_lock(&crs_lock);
	crs_container_reap();
	list_for_each_entry(c, &crs_containers, list) {
		delay = HZ;
		if (READ_ONCE(c->ns_dying) || crs_pidns_dying(c->pidns)) {
			delay = HZ / 10;
			break;
		}
	}
	/* not mod_: a queueing by the hook meanwhile must not be delayed */
	if (delay)
		schedule_delayed_work(&crs_reap_work, delay);
	mutex_unlock(&crs_lock);
}

/**
 * crs_hook_zap_pid_ns() - zap_pid_ns_processes(struct pid_namespace *):
 * the last thread of a pid namespace's init exits
 * @regs: the hooked call's registers
 *
 * From here the namespace takes no new process and its others are
 * killed: a container bound to it is marked and the reaper queued, which
 * watches it closely and unbinds it once the namespace is empty.
 *
 * Context: the exiting init's process context, inside crs_hook_entry();
 * does not sleep. Return: 0 (the call runs).
 */
int crs_hook_zap_pid_ns(struct pt_regs *regs)
{
	struct pid_namespace *ns =
		(struct pid_namespace *)regs_get_kernel_argument(regs, 0);
	struct crs_container *c;

	if (!READ_ONCE(crs_ncontainers))
		return 0;
	rcu_read_lock();
	c = rhashtable_lookup(&crs_container_table, &ns, crs_container_params);
	if (c) {
		WRITE_ONCE(c->ns_dying, true);
		mod_delayed_work(system_wq, &crs_reap_work, 0);
	}
	rcu_read_unlock();
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_zap_pid_ns);

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
 * crs_container_exit() - wait for a queued reaper (the hooks are gone:
 * nothing queues it again); free the table; put the host's root
 *
 * No container can be bound here: each holds a module reference.
 * Context: module exit.
 */
void crs_container_exit(void)
{
	static_key_deferred_flush(&crs_active);
	cancel_delayed_work_sync(&crs_reap_work);
	mutex_lock(&crs_lock);
	WARN_ON(!list_empty(&crs_containers));
	mutex_unlock(&crs_lock);
	rhashtable_destroy(&crs_container_table);
	crs_root_exit();
}
