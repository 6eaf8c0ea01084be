// SPDX-License-Identifier: GPL-2.0
/*
 * crs - container runtime security enforcer: module entry and exit.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/workqueue.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "container_bind.h"
#include "event.h"
#include "file_bind.h"
#include "hooks.h"
#include "learn.h"
#include "net.h"
#include "netlink.h"
#include "netlink_policy.h"
#include "policy.h"
#include "program.h"

/*
 * The module's three globals (declared in crs.h): the lock that
 * serialises every change to policies and containers, the workqueue of
 * deferred frees and workers, and the global counters.
 */
DEFINE_MUTEX(crs_lock);
struct workqueue_struct *crs_wq;
struct crs_stats crs_stats;

/* every counter of crs_stats */
static struct percpu_counter *const crs_stats_counters[] = {
	&crs_stats.verdicts[CRS_OUTCOME_ALLOWED],
	&crs_stats.verdicts[CRS_OUTCOME_DENIED],
	&crs_stats.verdicts[CRS_OUTCOME_MONITOR],
	&crs_stats.events_sent, &crs_stats.events_lost,
	&crs_stats.unnamed, &crs_stats.events_unheard,
};

static int crs_stats_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(crs_stats_counters); i++) {
		ret = percpu_counter_init(crs_stats_counters[i], 0, GFP_KERNEL);
		if (ret) {
			while (--i >= 0)
				percpu_counter_destroy(crs_stats_counters[i]);
			return ret;
		}
	}
	return 0;
}

static void crs_stats_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(crs_stats_counters); i++)
		percpu_counter_destroy(crs_stats_counters[i]);
}

static int __init crs_init(void)
{
	int ret;

	ret = crs_stats_init();
	if (ret)
		return ret;
	ret = -ENOMEM;
	crs_wq = alloc_workqueue("crs", WQ_UNBOUND, 0);
	if (!crs_wq)
		goto err_wq;
	ret = crs_policy_init(crs_policy_tables_free);
	if (ret)
		goto err_policy;
	ret = crs_container_init();
	if (ret)
		goto err_container;
	ret = crs_program_init();
	if (ret)
		goto err_program;
	ret = crs_event_init(crs_netlink_family());
	if (ret)
		goto err_event;
	ret = crs_net_init();
	if (ret)
		goto err_net;
	ret = crs_hooks_init();
	if (ret)
		goto err_hooks;
	ret = crs_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("version %s loaded, %u hooks\n", CRS_VERSION,
		crs_hooks_installed());
	return 0;

err_netlink:
	crs_hooks_exit();
err_hooks:
	crs_net_exit();
err_net:
	crs_event_exit();
err_event:
	crs_file_exit();
	crs_program_exit();
err_program:
	crs_container_bind_exit();
	crs_container_exit();
err_container:
	crs_policy_exit();
err_policy:
	destroy_workqueue(crs_wq);
err_wq:
	crs_stats_exit();
	return ret;
}

static void __exit crs_exit(void)
{
	/*
	 * No container is bound: each holds a module reference, and none
	 * can be bound from here on (try_module_get() fails). Stop the
	 * verdict sources first, then the event worker, then the family.
	 */
	crs_hooks_exit();
	crs_net_exit();
	crs_event_exit();
	crs_netlink_exit();
	crs_file_exit();		/* name resolutions queued by the hooks */
	crs_program_exit();
	crs_container_bind_exit();
	crs_container_exit();
	rcu_barrier();		/* queue_rcu_work callbacks have queued */
	destroy_workqueue(crs_wq);	/* drains deferred frees */
	crs_learn_exit();		/* named sets: their containers are gone */
	crs_policy_stages_exit();
	crs_policy_exit();
	crs_stats_exit();
	pr_info("unloaded\n");
}

module_init(crs_init);
module_exit(crs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crs: container runtime security enforcer");
MODULE_VERSION(CRS_VERSION);
