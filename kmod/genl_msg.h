/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the framing every generic netlink message of crs shares (a
 * header and one top-level nest holding its attributes). Bottom layer,
 * as compat.h: it uses nothing of crs.
 */
#ifndef _CRS_GENL_MSG_H
#define _CRS_GENL_MSG_H

#include <net/genetlink.h>
#include <net/netlink.h>

/*
 * crs_genl_end() - finish a message begun with genlmsg_put() whose
 * attributes sit in @nest: close both, or drop the whole message when
 * filling it failed (@failed, or @nest is NULL).
 *
 * Context: any. Return: 0, or -EMSGSIZE when the message was dropped.
 */
static inline int crs_genl_end(struct sk_buff *skb, void *hdr,
			       struct nlattr *nest, bool failed)
{
	if (failed || !nest) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * crs_nest_end() - close @nest, or cancel it when filling it failed
 *
 * Context: any. Return: 0, or -EMSGSIZE when @failed (the nest removed).
 */
static inline int crs_nest_end(struct sk_buff *skb, struct nlattr *nest,
			       bool failed)
{
	if (failed) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * crs_nl_parse_nested() - parse a request's nest @attr, which must be
 * present, into @tb (nla_parse_nested() with @policy, strict).
 * @missing: the extack message when @attr is absent; a string literal
 * (the extack keeps the pointer).
 *
 * Context: any. Return: 0, or -EINVAL (absent, or refused by @policy).
 */
static inline int crs_nl_parse_nested(struct nlattr **tb, int max,
				      const struct nlattr *attr,
				      const struct nla_policy *policy,
				      const char *missing,
				      struct netlink_ext_ack *extack)
{
	if (!attr) {
		if (extack) {
			/* as NL_SET_ERR_MSG() does, for a non-literal */
			do_trace_netlink_extack(missing);
			extack->_msg = missing;
		}
		return -EINVAL;
	}
	return nla_parse_nested(tb, max, attr, policy, extack);
}
#endif /* _CRS_GENL_MSG_H */
