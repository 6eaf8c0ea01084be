// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the generic netlink control plane (family "crs").
 *
 * The family lives in the initial network namespace only (netnsok is
 * false) and every operation is GENL_ADMIN_PERM, so a root user inside a
 * container, which lacks CAP_NET_ADMIN in the initial user namespace,
 * can neither read nor change anything.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"

static const struct nla_policy crs_genl_policy[CRS_A_MAX + 1] = {
	[CRS_A_VERSION]		= { .type = NLA_NUL_STRING },
	[CRS_A_STATUS]		= { .type = NLA_NESTED },
	[CRS_A_FLAGS]		= { .type = NLA_U32 },
	[CRS_A_POLICY]		= { .type = NLA_NESTED },
	[CRS_A_CONTAINER]	= { .type = NLA_NESTED },
	[CRS_A_LEARNED]		= { .type = NLA_NESTED },
	[CRS_A_EVENT]		= { .type = NLA_NESTED },
};

static struct genl_family crs_genl_family;

/* Reject every attribute: for commands that take none. */
static int crs_no_attrs(struct genl_info *info)
{
	int i;

	for (i = 1; i <= CRS_A_MAX; i++) {
		if (info->attrs[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[i],
					    "this command takes no attributes");
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_put_status(struct sk_buff *skb)
{
	struct nlattr *nest;

	if (nla_put_string(skb, CRS_A_VERSION, CRS_VERSION))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CRS_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, CRS_STATUS_A_ALLOWED,
			      percpu_counter_sum(&crs_stats.allowed),
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_DENIED,
			      percpu_counter_sum(&crs_stats.denied),
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_MONITORED,
			      percpu_counter_sum(&crs_stats.monitored),
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_EVENTS_SENT,
			      percpu_counter_sum(&crs_stats.events_sent),
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_EVENTS_LOST,
			      percpu_counter_sum(&crs_stats.events_lost),
			      CRS_STATUS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int crs_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = crs_no_attrs(info);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &crs_genl_family, 0,
				CRS_CMD_GET_STATUS);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	ret = crs_put_status(msg);
	if (ret)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_small_ops crs_genl_ops[] = {
	{
		.cmd = CRS_CMD_GET_STATUS,
		.doit = crs_nl_get_status,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group crs_genl_mcgrps[] = {
	{ .name = CRS_MCGRP_AUDIT },
	{ .name = CRS_MCGRP_LEARN },
};

static struct genl_family crs_genl_family __ro_after_init = {
	.name = CRS_GENL_NAME,
	.version = CRS_GENL_VERSION,
	.maxattr = CRS_A_MAX,
	.policy = crs_genl_policy,
	.netnsok = false,
	.parallel_ops = false,
	.module = THIS_MODULE,
	.small_ops = crs_genl_ops,
	.n_small_ops = ARRAY_SIZE(crs_genl_ops),
	.mcgrps = crs_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(crs_genl_mcgrps),
};

/**
 * crs_netlink_init() - register the "crs" generic netlink family
 *
 * Context: process context, module init.
 * Return: 0, or a negative errno from genl_register_family().
 */
int __init crs_netlink_init(void)
{
	return genl_register_family(&crs_genl_family);
}

/**
 * crs_netlink_exit() - unregister the family; waits for running commands
 *
 * Context: process context, module exit.
 */
void crs_netlink_exit(void)
{
	genl_unregister_family(&crs_genl_family);
}
