/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the policy commands (netlink_policy.c): SET_POLICY, its staged
 * series, DEL_POLICY; and the free of what the rule subsystems compiled
 * into a policy, which main.c hands to policy.c.
 */
#ifndef _CRS_NETLINK_POLICY_H
#define _CRS_NETLINK_POLICY_H

#include <linux/types.h>

struct crs_policy;
struct genl_info;
struct netlink_ext_ack;
struct sk_buff;

int crs_policy_set(struct sk_buff *skb, struct genl_info *info);
int crs_policy_del(const char *name, bool force,
		   struct netlink_ext_ack *extack);
void crs_policy_release_portid(u32 portid);
void crs_policy_tables_free(struct crs_policy *p);
void crs_policy_stages_exit(void);

#endif /* _CRS_NETLINK_POLICY_H */
