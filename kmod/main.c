// SPDX-License-Identifier: GPL-2.0
/*
 * crs - container runtime security enforcer: module entry and exit.
 */
#include <linux/module.h>
#include <linux/init.h>

#include "crs.h"

struct crs_stats crs_stats;

static int crs_stats_init(void)
{
	struct percpu_counter *c[] = {
		&crs_stats.allowed, &crs_stats.denied, &crs_stats.monitored,
		&crs_stats.events_sent, &crs_stats.events_lost,
	};
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		ret = percpu_counter_init(c[i], 0, GFP_KERNEL);
		if (ret) {
			while (--i >= 0)
				percpu_counter_destroy(c[i]);
			return ret;
		}
	}
	return 0;
}

static void crs_stats_exit(void)
{
	percpu_counter_destroy(&crs_stats.allowed);
	percpu_counter_destroy(&crs_stats.denied);
	percpu_counter_destroy(&crs_stats.monitored);
	percpu_counter_destroy(&crs_stats.events_sent);
	percpu_counter_destroy(&crs_stats.events_lost);
}

static int __init crs_init(void)
{
	int ret;

	ret = crs_stats_init();
	if (ret)
		return ret;
	ret = crs_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("version %s loaded\n", CRS_VERSION);
	return 0;

err_netlink:
	crs_stats_exit();
	return ret;
}

static void __exit crs_exit(void)
{
	crs_netlink_exit();
	crs_stats_exit();
	pr_info("unloaded\n");
}

module_init(crs_init);
module_exit(crs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crs: container runtime security enforcer");
MODULE_VERSION(CRS_VERSION);
