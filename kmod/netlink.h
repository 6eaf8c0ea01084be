/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the generic netlink control plane's handlers, in netlink.c (the
 * family, status and policy commands) and netlink_container.c (the
 * container commands). Each runs as a generic netlink handler: process
 * context, may sleep; it returns 0 or -errno with an extack message.
 */
#ifndef _CRS_NETLINK_H
#define _CRS_NETLINK_H

#include <linux/types.h>

struct genl_info;
struct netlink_callback;
struct sk_buff;

int crs_nl_get_flags(struct genl_info *info, u32 all, u32 *flags);

/* netlink_container.c */
int crs_nl_apply(struct sk_buff *skb, struct genl_info *info);
int crs_nl_detach(struct sk_buff *skb, struct genl_info *info);
int crs_nl_del_learned(struct sk_buff *skb, struct genl_info *info);
int crs_nl_set_container(struct sk_buff *skb, struct genl_info *info);
int crs_nl_get_container(struct sk_buff *skb, struct genl_info *info);
int crs_nl_get_container_dump(struct sk_buff *skb,
			      struct netlink_callback *cb);

#endif /* _CRS_NETLINK_H */
