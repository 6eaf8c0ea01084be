/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a container's life (container_bind.c): bound, unbound, and its
 * end noticed.
 */
#ifndef _CRS_CONTAINER_BIND_H
#define _CRS_CONTAINER_BIND_H

#include <linux/types.h>

struct crs_container;
struct netlink_ext_ack;
struct path;
struct pt_regs;

/* under crs_lock */
struct crs_container *crs_container_bind(pid_t pid, bool host,
					 const struct path *rootfs,
					 struct netlink_ext_ack *extack);
void crs_container_unbind(struct crs_container *c);
void crs_container_reap(void);

void crs_container_bind_exit(void);

/* the hook on zap_pid_ns_processes(struct pid_namespace *): its end */
int crs_hook_zap_pid_ns(struct pt_regs *regs);

#endif /* _CRS_CONTAINER_BIND_H */
