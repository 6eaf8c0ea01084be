/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the generic netlink family "crs" (netlink.c): its operations,
 * multicast groups and the status and policy dump commands. The other
 * commands' handlers are netlink_policy.h's and netlink_container.h's;
 * each runs as a generic netlink handler: process context, may sleep;
 * it returns 0 or -errno with an extack message.
 */
#ifndef _CRS_NETLINK_H
#define _CRS_NETLINK_H

struct genl_family;

/* registered last at load, unregistered first at unload */
int crs_netlink_init(void);
void crs_netlink_exit(void);
const struct genl_family *crs_netlink_family(void);

#endif /* _CRS_NETLINK_H */
