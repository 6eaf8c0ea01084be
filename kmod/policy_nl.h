/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the policy's wire format (policy_nl.c): SET_POLICY's CRS_A_POLICY
 * parsed into a policy and its rules, a stored policy put into
 * GET_POLICY's dump, and the name-only CRS_A_POLICY of DEL_POLICY,
 * GET_POLICY and APPLY.
 */
#ifndef _CRS_POLICY_NL_H
#define _CRS_POLICY_NL_H

#include <linux/types.h>

struct crs_policy;
struct crs_rule;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

int crs_policy_nl_parse(struct nlattr **tb, const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int crs_policy_nl_header(struct crs_policy *p, struct nlattr **tb,
			 struct netlink_ext_ack *extack);
int crs_rule_nl_parse(struct crs_rule *r, const struct nlattr *attr,
		      struct netlink_ext_ack *extack);
int crs_policy_nl_name(const struct nlattr *attr, char *name,
		       struct netlink_ext_ack *extack);
struct genl_info;
int crs_nl_get_flags(struct genl_info *info, u32 all, u32 *flags);
int crs_policy_nl_put(struct sk_buff *skb, const struct crs_policy *p,
		      u32 users, u32 *offset, bool stats);

#endif /* _CRS_POLICY_NL_H */
