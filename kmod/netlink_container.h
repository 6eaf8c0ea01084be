/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the container commands (netlink_container.c): APPLY, DETACH,
 * SET_CONTAINER, GET_CONTAINER (one, or a dump of all), DEL_LEARNED.
 */
#ifndef _CRS_NETLINK_CONTAINER_H
#define _CRS_NETLINK_CONTAINER_H

struct genl_family;
struct genl_info;
struct netlink_callback;
struct sk_buff;

void crs_nl_container_init(const struct genl_family *fam);
int crs_nl_apply(struct sk_buff *skb, struct genl_info *info);
int crs_nl_detach(struct sk_buff *skb, struct genl_info *info);
int crs_nl_del_learned(struct sk_buff *skb, struct genl_info *info);
int crs_nl_set_container(struct sk_buff *skb, struct genl_info *info);
int crs_nl_get_container(struct sk_buff *skb, struct genl_info *info);
int crs_nl_get_container_dump(struct sk_buff *skb,
			      struct netlink_callback *cb);

#endif /* _CRS_NETLINK_CONTAINER_H */
