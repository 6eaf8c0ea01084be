/* SPDX-License-Identifier: GPL-2.0 */
/* crs: declarations shared by the module's subsystems. */
#ifndef _CRS_H
#define _CRS_H

#include <linux/percpu_counter.h>
#include <uapi/linux/crs.h>

#ifndef CRS_VERSION
#define CRS_VERSION "unknown"
#endif

/* Global verdict and event counters, summed for CRS_CMD_GET_STATUS. */
struct crs_stats {
	struct percpu_counter allowed;
	struct percpu_counter denied;
	struct percpu_counter monitored;
	struct percpu_counter events_sent;
	struct percpu_counter events_lost;
};

extern struct crs_stats crs_stats;

int crs_netlink_init(void);
void crs_netlink_exit(void);

#endif /* _CRS_H */
