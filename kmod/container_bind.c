// SPDX-License-Identifier: GPL-2.0
/*
 * crs: a container's life: bound (crs_container_bind(): its pid and
 * network namespaces, its root, its network hooks), unbound and freed
 * after a grace period, and its end noticed.
 *
 * Each bound container holds a reference to this module: rmmod is refused
 * at once while any container is bound (delete_module(2) fails with
 * EWOULDBLOCK, "in use"; detach first). A container is unbound once its
 * pid namespace is empty (every process gone and reaped, not before: a
 * killed task may still finish a call): its init's exit, seen at the
 * kernel's zap_pid_ns_processes() (hooked) or, for a bind racing that
 * exit, by the bind itself, sets the reaper going; nothing polls while
 * no bound namespace is dying. The commands whose answer depends on it
 * (bind, status, the container dump, policy delete) also reap first, so
 * they answer on the namespaces' state now, not the reaper's last look.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "crs.h"
#include "container.h"
#include "container_bind.h"
#include "file_bind.h"
#include "learn.h"
#include "net.h"
#include "root.h"

static unsigned int max_containers = 4096;
module_param(max_containers, uint, 0644);
MODULE_PARM_DESC(max_containers, "Most bound containers (default 4096)");

static void crs_reap_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(crs_reap_work, crs_reap_fn);

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
 * crs_container_unbind() - unbind and free (after a grace period) @c
 * @c: a bound container
 *
 * Context: crs_lock held.
 */
void crs_container_unbind(struct crs_container *c)
{
	lockdep_assert_held(&crs_lock);
	crs_container_remove(c);
	crs_net_detach(c);
	crs_container_set_policy(c, NULL, CRS_MODE_KEEP);
	INIT_RCU_WORK(&c->free_work, crs_container_free_work);
	queue_rcu_work(crs_wq, &c->free_work);
}

/* No process can enter @ns any more: its init is exiting or gone. */
static bool crs_pidns_dying(struct pid_namespace *ns)
{
	return ns != &init_pid_ns &&
	       !(READ_ONCE(ns->pid_allocated) & PIDNS_ADDING);
}

/*
 * @ns's init is exiting or gone: its namespace is dying, or will be as
 * soon as that exit reaches zap_pid_ns_processes() (PF_EXITING is set
 * first). Briefly true for a multi-threaded init whose reaper thread
 * exits while another lives on (the kernel then moves child_reaper).
 */
static bool crs_init_exiting(struct pid_namespace *ns)
{
	struct task_struct *init;
	bool exiting = true;

	/*
	 * Under RCU before the PIDNS_ADDING test: while it is set the init's
	 * last thread has not reached zap_pid_ns_processes(), so it is not
	 * released; an earlier reaper thread of a multi-threaded init is
	 * replaced in child_reaper (under tasklist_lock) before its release
	 * frees it after a grace period. Either outlives this section.
	 */
	rcu_read_lock();
	if (!crs_pidns_dying(ns)) {
		init = READ_ONCE(ns->child_reaper);
		exiting = !init || (READ_ONCE(init->flags) & PF_EXITING);
	}
	rcu_read_unlock();
	return exiting;
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
	c = crs_container_find_ns(ns);
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
	if (crs_container_count() >= max_containers) {
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
	ret = crs_container_insert(c);
	if (ret) {
		crs_net_detach(c);
		/* netfilter hooks may have found c through the namespace */
		synchronize_rcu();
		goto err_ns;
	}
	/*
	 * An init whose exit reached crs_hook_zap_pid_ns() before the
	 * insert is exiting now: pairs with the barrier there (either the
	 * hook finds @c or this sees PF_EXITING).
	 */
	smp_mb();
	if (crs_init_exiting(ns))
		mod_delayed_work(system_wq, &crs_reap_work, 0);
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
 * The reaper: queued at once by a namespace's end (crs_hook_zap_pid_ns(),
 * or crs_container_bind() for a bind racing it), it looks again every
 * 100 ms while a bound namespace's init is exiting (its other tasks are
 * being killed and reaped, then the init itself). Otherwise it does not
 * run.
 */
static void crs_reap_fn(struct work_struct *w)
{
	struct crs_container *c;

	mutex_lock(&crs_lock);
	crs_container_reap();
	list_for_each_entry(c, &crs_containers, list) {
		if (crs_init_exiting(c->pidns)) {
			/* not mod_: a queueing by the hook must not wait */
			schedule_delayed_work(&crs_reap_work, HZ / 10);
			break;
		}
	}
	mutex_unlock(&crs_lock);
}

/**
 * crs_hook_zap_pid_ns() - zap_pid_ns_processes(struct pid_namespace *):
 * the last thread of a pid namespace's init exits
 * @regs: the hooked call's registers
 *
 * From here (its disable_pid_allocation() a few instructions on) the
 * namespace takes no new process and its others are killed: with a
 * container bound to it, the reaper is queued, which watches it closely
 * and unbinds it once the namespace is empty.
 *
 * Context: the exiting init's process context, inside crs_hook_entry();
 * does not sleep. Return: 0 (the call runs).
 */
int crs_hook_zap_pid_ns(struct pt_regs *regs)
{
	struct pid_namespace *ns =
		(struct pid_namespace *)regs_get_kernel_argument(regs, 0);
	struct crs_container *c;

	/* pairs with the barrier after the insert in crs_container_bind() */
	smp_mb();
	if (!crs_container_count())
		return 0;
	rcu_read_lock();
	c = crs_container_find_ns(ns);
	if (c)
		mod_delayed_work(system_wq, &crs_reap_work, 0);
	rcu_read_unlock();
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_zap_pid_ns);

/**
 * crs_container_bind_exit() - wait for a queued reaper (the hooks are
 * gone: nothing queues it again)
 *
 * Context: module exit, after the hooks are removed.
 */
void crs_container_bind_exit(void)
{
	cancel_delayed_work_sync(&crs_reap_work);
}
