// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the generic netlink control plane (family "crs").
 *
 * The family lives in the initial network namespace only (netnsok is
 * false) and every operation is GENL_ADMIN_PERM, so a root user inside a
 * container, which lacks CAP_NET_ADMIN in the initial user namespace,
 * can neither read nor change anything.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <linux/sizes.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "container_bind.h"
#include "event.h"
#include "genl_msg.h"
#include "hooks.h"
#include "learn.h"
#include "netlink.h"
#include "netlink_container.h"
#include "netlink_policy.h"
#include "policy.h"
#include "policy_nl.h"
#include "program.h"

#define CRS_REPLY_ONLY \
	{ .type = NLA_REJECT, .reject_message = "reply-only attribute in a request" }

/* Requests: VERSION, STATUS, LEARNED and EVENT are only ever sent by us */
static const struct nla_policy crs_genl_policy[CRS_A_MAX + 1] = {
	[CRS_A_VERSION]		= CRS_REPLY_ONLY,
	[CRS_A_STATUS]		= CRS_REPLY_ONLY,
	[CRS_A_FLAGS]		= { .type = NLA_U32 },
	[CRS_A_POLICY]		= { .type = NLA_NESTED },
	[CRS_A_CONTAINER]	= { .type = NLA_NESTED },
	[CRS_A_LEARNED]		= CRS_REPLY_ONLY,
	[CRS_A_EVENT]		= CRS_REPLY_ONLY,
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
	/* the host-wide counters, each as a u64 attribute of CRS_A_STATUS */
	const struct {
		int attr;
		struct percpu_counter *ctr;
	} ctrs[] = {
		{ CRS_STATUS_A_ALLOWED, &crs_stats.verdicts[CRS_OUTCOME_ALLOWED] },
		{ CRS_STATUS_A_DENIED, &crs_stats.verdicts[CRS_OUTCOME_DENIED] },
		{ CRS_STATUS_A_MONITORED, &crs_stats.verdicts[CRS_OUTCOME_MONITOR] },
		{ CRS_STATUS_A_EVENTS_SENT, &crs_stats.events_sent },
		{ CRS_STATUS_A_EVENTS_LOST, &crs_stats.events_lost },
		{ CRS_STATUS_A_UNNAMED, &crs_stats.unnamed },
		{ CRS_STATUS_A_EVENTS_UNHEARD, &crs_stats.events_unheard },
	};
	struct nlattr *nest;
	u32 npol, nrules, ncont;
	unsigned int i;
	bool failed;
	u64 mem;

	mutex_lock(&crs_lock);
	npol = crs_policy_count(&nrules, &mem);
	ncont = crs_container_count();
	mutex_unlock(&crs_lock);

	if (nla_put_string(skb, CRS_A_VERSION, CRS_VERSION))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CRS_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	failed = nla_put_u32(skb, CRS_STATUS_A_POLICIES, npol) ||
	    nla_put_u32(skb, CRS_STATUS_A_CONTAINERS, ncont) ||
	    nla_put_u32(skb, CRS_STATUS_A_RULES, nrules) ||
	    nla_put_u32(skb, CRS_STATUS_A_PROGRAMS, crs_program_count()) ||
	    nla_put_u32(skb, CRS_STATUS_A_HOOKS, crs_hooks_installed()) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_MEM_POLICY, mem,
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_MEM_LEARN, crs_learn_mem(),
			      CRS_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_STATUS_A_MEM_EVENTS, crs_event_mem(),
			      CRS_STATUS_A_PAD);
	for (i = 0; !failed && i < ARRAY_SIZE(ctrs); i++)
		failed = nla_put_u64_64bit(skb, ctrs[i].attr,
					   percpu_counter_sum(ctrs[i].ctr),
					   CRS_STATUS_A_PAD);
	return crs_nest_end(skb, nest, failed);
}

static int crs_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = crs_no_attrs(info);
	if (ret)
		return ret;
	mutex_lock(&crs_lock);
	crs_container_reap();
	mutex_unlock(&crs_lock);
	/* a listener that just joined asks: its loss records now */
	crs_event_listener_joined();
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

static int crs_nl_set_policy(struct sk_buff *skb, struct genl_info *info)
{
	return crs_policy_set(skb, info);
}

static int crs_nl_del_policy(struct sk_buff *skb, struct genl_info *info)
{
	char name[CRS_NAME_MAX];
	u32 flags;
	int ret;

	ret = crs_nl_get_flags(info, __CRS_DEL_F_ALL, &flags);
	if (ret)
		return ret;
	ret = crs_policy_nl_name(info->attrs[CRS_A_POLICY], name, info->extack);
	if (ret)
		return ret;
	mutex_lock(&crs_lock);
	crs_container_reap();
	ret = crs_policy_del(name, flags & CRS_DEL_F_FORCE, info->extack);
	mutex_unlock(&crs_lock);
	return ret;
}

/* cb->args: 0 slot index, 1 rule offset, 2 flags, 3 name filter (char *) */
static int crs_nl_get_policy_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = crs_genl_dump_attrs(cb);
	char *name;
	int ret;

	/*
	 * The first part of a dump is built before userspace has read
	 * anything, into one page by default: too small for a policy
	 * header and one rule at their largest (two CRS_PATH_MAX strings,
	 * a CRS_DESC_MAX description, both ignored-syscall lists).
	 */
	cb->min_dump_alloc = SZ_16K;
	if (attrs[CRS_A_FLAGS]) {
		cb->args[2] = nla_get_u32(attrs[CRS_A_FLAGS]);
		if (cb->args[2] & ~__CRS_GET_F_ALL) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CRS_A_FLAGS],
					    "unknown flags");
			return -EOPNOTSUPP;
		}
	}
	if (!attrs[CRS_A_POLICY])
		return 0;
	name = kzalloc(CRS_NAME_MAX, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	ret = crs_policy_nl_name(attrs[CRS_A_POLICY], name, cb->extack);
	if (!ret) {
		mutex_lock(&crs_lock);
		if (!crs_policy_slot_find(name)) {
			NL_SET_ERR_MSG(cb->extack, "no such policy");
			ret = -ENOENT;
		}
		mutex_unlock(&crs_lock);
	}
	if (ret) {
		kfree(name);
		return ret;
	}
	cb->args[3] = (long)name;
	return 0;
}

static int crs_nl_get_policy_done(struct netlink_callback *cb)
{
	kfree((char *)cb->args[3]);
	return 0;
}

/* One message of @slot's policy, from rule *@offset on. */
static int crs_put_policy(struct sk_buff *skb, struct netlink_callback *cb,
			  struct crs_policy_slot *slot, u32 *offset, bool stats)
{
	struct crs_policy *p = rcu_dereference_protected(slot->policy,
						lockdep_is_held(&crs_lock));
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &crs_genl_family, NLM_F_MULTI, CRS_CMD_GET_POLICY);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	ret = crs_policy_nl_put(skb, p, slot->users, offset, stats);
	if (ret < 0) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return ret ? -EMSGSIZE : 0;
}

static int crs_nl_get_policy_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	const char *filter = (const char *)cb->args[3];
	bool stats = cb->args[2] & CRS_GET_F_STATS;
	struct crs_policy_slot *slot;
	long idx = 0;
	int ret = 0;

	mutex_lock(&crs_lock);
	cb->seq = crs_policies_gen;
	list_for_each_entry(slot, &crs_policies, node) {
		u32 offset;

		if (idx++ < cb->args[0])
			continue;
		if (filter && strcmp(filter, slot->name)) {
			cb->args[0] = idx;
			continue;
		}
		offset = cb->args[1];
		ret = crs_put_policy(skb, cb, slot, &offset, stats);
		cb->args[1] = offset;
		if (ret)
			break;
		cb->args[0] = idx;
		cb->args[1] = 0;
	}
	mutex_unlock(&crs_lock);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

/*
 * Linux 6.1 calls a dump's .start without an extack, so an error found
 * there would reach userspace without its message. The wrappers below
 * run .start against a local extack, keep the error and message in
 * cb->args[4..5] and report both from the first .dumpit, whose extack
 * travels in NLMSG_DONE.
 */
#define CRS_DUMP_MSG	4
#define CRS_DUMP_ERR	5

static int crs_dump_start(struct netlink_callback *cb,
			  int (*start)(struct netlink_callback *cb))
{
	struct netlink_ext_ack *saved = cb->extack;
	struct netlink_ext_ack ext = {};
	int ret;

	cb->extack = &ext;
	ret = start(cb);
	cb->extack = saved;
	if (ret) {
		cb->args[CRS_DUMP_ERR] = ret;
		cb->args[CRS_DUMP_MSG] = (long)ext._msg;
	}
	return 0;
}

static int crs_dump_failed(struct netlink_callback *cb)
{
	if (!cb->args[CRS_DUMP_ERR])
		return 0;
	if (cb->extack && cb->args[CRS_DUMP_MSG])
		cb->extack->_msg = (const char *)cb->args[CRS_DUMP_MSG];
	return cb->args[CRS_DUMP_ERR];
}

static int crs_nl_policy_start(struct netlink_callback *cb)
{
	return crs_dump_start(cb, crs_nl_get_policy_start);
}

static int crs_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return crs_dump_failed(cb) ?: crs_nl_get_policy_dump(skb, cb);
}

static int crs_nl_learned_start(struct netlink_callback *cb)
{
	return crs_dump_start(cb, crs_learn_nl_start);
}

static int crs_nl_learned_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return crs_dump_failed(cb) ?: crs_learn_nl_dump(skb, cb);
}

static const struct genl_ops crs_genl_ops[] = {
	{
		.cmd = CRS_CMD_GET_STATUS,
		.doit = crs_nl_get_status,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_SET_POLICY,
		.doit = crs_nl_set_policy,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_GET_POLICY,
		.start = crs_nl_policy_start,
		.dumpit = crs_nl_policy_dump,
		.done = crs_nl_get_policy_done,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_DEL_POLICY,
		.doit = crs_nl_del_policy,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_APPLY,
		.doit = crs_nl_apply,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_DETACH,
		.doit = crs_nl_detach,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_GET_CONTAINER,
		.doit = crs_nl_get_container,
		.dumpit = crs_nl_get_container_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_SET_CONTAINER,
		.doit = crs_nl_set_container,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_GET_LEARNED,
		.start = crs_nl_learned_start,
		.dumpit = crs_nl_learned_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CRS_CMD_DEL_LEARNED,
		.doit = crs_nl_del_learned,
		.flags = GENL_ADMIN_PERM,
	},
};

/*
 * Audit and learning events name files, addresses and programs of every
 * governed container: joining takes CAP_NET_ADMIN, as every command does
 * (the family is in the initial network namespace only, so in its user
 * namespace).
 */
static const struct genl_multicast_group crs_genl_mcgrps[] = {
	{ .name = CRS_MCGRP_AUDIT, .flags = GENL_MCAST_CAP_NET_ADMIN },
	{ .name = CRS_MCGRP_LEARN, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * No MODULE_ALIAS_GENL_FAMILY: with it, any local user resolving the
 * family name ("crs") through the generic netlink controller would make
 * the kernel load crs.ko (request_module() without a capability check),
 * and loading it hooks every system call of the host. crs is loaded on
 * purpose (modprobe, the crs.service unit, the DKMS package).
 */
static struct genl_family crs_genl_family __ro_after_init = {
	.name = CRS_GENL_NAME,
	.version = CRS_GENL_VERSION,
	.maxattr = CRS_A_MAX,
	.policy = crs_genl_policy,
	.netnsok = false,
	/*
	 * Every handler takes crs_lock itself; without genl_mutex a command
	 * that waits on a container's file system (crs_file_bind()) stalls
	 * neither other crs commands nor other generic netlink families.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = crs_genl_ops,
	.n_ops = ARRAY_SIZE(crs_genl_ops),
	.mcgrps = crs_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(crs_genl_mcgrps),
};

/**
 * crs_netlink_family() - the "crs" family, which main.c hands to event.c
 * for its multicasts
 *
 * Context: any. Return: the family (its groups: 0 "audit", 1 "learn").
 */
const struct genl_family *crs_netlink_family(void)
{
	return &crs_genl_family;
}

/* A closing socket drops the policy series it had started. */
static int crs_netlink_notify(struct notifier_block *nb, unsigned long state,
			      void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    net_eq(n->net, &init_net))
		crs_policy_release_portid(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block crs_netlink_notifier = {
	.notifier_call = crs_netlink_notify,
};

/**
 * crs_netlink_init() - register the "crs" generic netlink family
 *
 * Context: process context, module init.
 * Return: 0, or a negative errno from genl_register_family().
 */
int __init crs_netlink_init(void)
{
	int ret;

	crs_nl_container_init(&crs_genl_family);
	ret = netlink_register_notifier(&crs_netlink_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&crs_genl_family);
	if (ret)
		netlink_unregister_notifier(&crs_netlink_notifier);
	return ret;
}

/**
 * crs_netlink_exit() - unregister the family; waits for running commands
 *
 * Context: process context, module exit.
 */
void crs_netlink_exit(void)
{
	genl_unregister_family(&crs_genl_family);
	netlink_unregister_notifier(&crs_netlink_notifier);
}
