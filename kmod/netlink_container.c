// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the control plane's container commands (APPLY, DETACH,
 * SET_CONTAINER, GET_CONTAINER, DEL_LEARNED): their attribute policy,
 * the parse of CRS_A_CONTAINER, and the put of a container. netlink.c
 * registers them with the family (netlink.h).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "container_bind.h"
#include "file_bind.h"
#include "genl_msg.h"
#include "hooks.h"
#include "learn.h"
#include "netlink_container.h"
#include "policy.h"
#include "policy_nl.h"
#include "syscall_rules.h"

/* the "crs" family, for replies (crs_nl_container_init()) */
static const struct genl_family *crs_nl_family;

/**
 * crs_nl_container_init() - the family the container commands reply in
 * @fam: the "crs" family, before it is registered
 *
 * Context: module init.
 */
void crs_nl_container_init(const struct genl_family *fam)
{
	crs_nl_family = fam;
}

static const struct nla_policy crs_container_policy[CRS_CONTAINER_A_MAX + 1] = {
	[CRS_CONTAINER_A_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[CRS_CONTAINER_A_POLICY]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX - 1 },
	[CRS_CONTAINER_A_POLICY_MODE]	= NLA_POLICY_MAX(NLA_U8, __CRS_MODE_MAX - 1),
	[CRS_CONTAINER_A_LOG_MODE]	= NLA_POLICY_MAX(NLA_U8, __CRS_LOG_MAX - 1),
	[CRS_CONTAINER_A_LEARNING]	= NLA_POLICY_MAX(NLA_U8, 1),
	[CRS_CONTAINER_A_ROOT_FD]	= { .type = NLA_U32 },
	[CRS_CONTAINER_A_LEARN_SET]	= { .type = NLA_NUL_STRING,
					    .len = CRS_LEARN_SET_MAX - 1 },
};

/*
 * The directory CRS_CONTAINER_A_ROOT_FD names (an fd of the caller: the
 * command runs in its context), referenced into @root; 0 with @root
 * zeroed when absent.
 */
static int crs_container_rootfs(struct nlattr **tb, struct path *root,
				struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[CRS_CONTAINER_A_ROOT_FD];
	struct file *f;

	memset(root, 0, sizeof(*root));
	if (!a)
		return 0;
	f = fget_raw(nla_get_u32(a));	/* O_PATH will do */
	if (!f) {
		NL_SET_ERR_MSG_ATTR(extack, a, "root fd is not an open file descriptor");
		return -EBADF;
	}
	if (!d_is_dir(f->f_path.dentry)) {
		fput(f);
		NL_SET_ERR_MSG_ATTR(extack, a, "root fd is not a directory");
		return -ENOTDIR;
	}
	*root = f->f_path;
	path_get(root);
	fput(f);
	return 0;
}

/*
 * CRS_A_CONTAINER into @tb; it must hold @need: CRS_CONTAINER_A_PID or
 * CRS_CONTAINER_A_LEARN_SET.
 */
static int crs_parse_container_need(struct genl_info *info, struct nlattr **tb,
				    int need)
{
	struct nlattr *ct = info->attrs[CRS_A_CONTAINER];
	int ret;

	ret = crs_nl_parse_nested(tb, CRS_CONTAINER_A_MAX, ct,
				  crs_container_policy,
				  "missing container attribute", info->extack);
	if (ret)
		return ret;
	if (tb[need])
		return 0;
	if (need == CRS_CONTAINER_A_PID)
		NL_SET_ERR_MSG_ATTR(info->extack, ct, "missing pid");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, ct, "missing learning set name");
	return -EINVAL;
}

static int crs_parse_container(struct genl_info *info, struct nlattr **tb)
{
	return crs_parse_container_need(info, tb, CRS_CONTAINER_A_PID);
}

/*
 * The bound container of the request's pid (CRS_CONTAINER_A_PID of
 * @tb), or ERR_PTR(-ESRCH or -ENOENT). Under crs_lock. No reap first: a
 * process found by its pid keeps its container bound.
 */
static struct crs_container *crs_nl_container_of(struct genl_info *info,
						 struct nlattr **tb)
{
	return crs_container_find_pid(nla_get_u32(tb[CRS_CONTAINER_A_PID]),
				      info->extack);
}

/*
 * APPLY's and SET_CONTAINER's request: CRS_A_FLAGS and CRS_A_CONTAINER,
 * which names a policy for APPLY (@apply) and none for SET_CONTAINER,
 * and the root it may name into @rootfs (see crs_container_rootfs()).
 */
static int crs_parse_apply(struct genl_info *info, struct nlattr **tb,
			   bool apply, u32 *flags, struct path *rootfs)
{
	int ret = crs_nl_get_flags(info, __CRS_APPLY_F_ALL, flags) ?:
		  crs_parse_container(info, tb);

	if (ret)
		return ret;
	if (apply && !tb[CRS_CONTAINER_A_POLICY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CRS_A_CONTAINER],
				    "missing policy name");
		return -EINVAL;
	}
	if (!apply && tb[CRS_CONTAINER_A_POLICY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CRS_CONTAINER_A_POLICY],
				    "use apply to change the policy");
		return -EINVAL;
	}
	return crs_container_rootfs(tb, rootfs, info->extack);
}

/*
 * The policy mode override in @tb; absent: CRS_MODE_KEEP, or none (-1)
 * with CRS_APPLY_F_RESET.
 */
static int crs_container_mode(struct nlattr **tb, u32 flags)
{
	if (tb[CRS_CONTAINER_A_POLICY_MODE])
		return nla_get_u8(tb[CRS_CONTAINER_A_POLICY_MODE]);
	return flags & CRS_APPLY_F_RESET ? -1 : CRS_MODE_KEEP;
}

/*
 * Apply log mode and learning settings present in @tb; with
 * CRS_APPLY_F_RESET, absent ones return to a new container's.
 */
static void crs_container_modes(struct crs_container *c, struct nlattr **tb,
				u32 flags)
{
	if (tb[CRS_CONTAINER_A_LOG_MODE])
		WRITE_ONCE(c->log_mode, nla_get_u8(tb[CRS_CONTAINER_A_LOG_MODE]));
	else if (flags & CRS_APPLY_F_RESET)
		WRITE_ONCE(c->log_mode, CRS_LOG_POLICY_MONITOR_DENY);
	if (tb[CRS_CONTAINER_A_LEARNING])
		WRITE_ONCE(c->learning, nla_get_u8(tb[CRS_CONTAINER_A_LEARNING]));
	else if (flags & CRS_APPLY_F_RESET)
		WRITE_ONCE(c->learning, 0);
	crs_containers_gen++;
}

/*
 * Arms the system call dispatch hooks if a container will need them
 * once bound to @slot (NULL: its policy stays) with the learning
 * setting in @tb: before the change is published.
 */
static int crs_container_arm_syscalls(struct crs_policy_slot *slot,
				      struct nlattr **tb,
				      struct netlink_ext_ack *extack)
{
	struct crs_policy *p;
	bool need;
	int ret;

	p = slot ? rcu_dereference_protected(slot->policy,
					     lockdep_is_held(&crs_lock)) : NULL;
	need = crs_policy_needs_syscalls(p);
	if (tb[CRS_CONTAINER_A_LEARNING] &&
	    nla_get_u8(tb[CRS_CONTAINER_A_LEARNING])) {
		crs_syscall_note_all();		/* it records every call */
		need = true;
	}
	if (!need)
		return 0;
	ret = crs_hooks_syscall_arm();
	if (ret)
		NL_SET_ERR_MSG(extack, "cannot arm the system call hooks");
	return ret;
}

/* The named learning set @tb asks for (created if need be), or NULL. */
static struct crs_learn_set *crs_container_learn_set(struct nlattr **tb,
						     struct netlink_ext_ack *extack)
{
	if (!tb[CRS_CONTAINER_A_LEARN_SET])
		return NULL;
	return crs_learn_named(nla_data(tb[CRS_CONTAINER_A_LEARN_SET]), extack);
}

/*
 * APPLY (@apply: bind the pid's container, binding it first if needed,
 * to the policy the request names) and SET_CONTAINER (its policy stays;
 * a container is bound without one if needed): then either sets the
 * modes and learning the request carries.
 */
static int crs_nl_bind(struct genl_info *info, bool apply)
{
	struct crs_learn_set *set = NULL;
	struct nlattr *tb[CRS_CONTAINER_A_MAX + 1];
	struct crs_policy_slot *slot = NULL;
	struct pid_namespace *ns = NULL;
	struct path rootfs;
	struct crs_container *c;
	u32 flags, pid;
	int ret;

	ret = crs_parse_apply(info, tb, apply, &flags, &rootfs);
	if (ret)
		return ret;
	pid = nla_get_u32(tb[CRS_CONTAINER_A_PID]);
	mutex_lock(&crs_lock);
	crs_container_reap();
	if (apply) {
		slot = crs_policy_slot_find(nla_data(tb[CRS_CONTAINER_A_POLICY]));
		if (!slot) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[CRS_CONTAINER_A_POLICY],
					    "no such policy");
			ret = -ENOENT;
			goto out;
		}
	}
	/* NULL slot: the policy stays, only learning can make it need more */
	ret = crs_container_arm_syscalls(slot, tb, info->extack);
	if (ret)
		goto out;
	/* before the bind: a new container is never left half made */
	set = crs_container_learn_set(tb, info->extack);
	if (IS_ERR(set)) {
		ret = PTR_ERR(set);
		goto out;
	}
	c = apply ? ERR_PTR(-ENOENT) : crs_container_find_pid(pid, NULL);
	if (IS_ERR(c))
		c = crs_container_bind(pid, flags & CRS_APPLY_F_HOST,
				       rootfs.mnt ? &rootfs : NULL,
				       info->extack);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
		goto out;
	}
	if (set) {
		ret = crs_learn_attach(c, set, info->extack);
		if (ret)	/* only a container bound before */
			goto out;
	}
	crs_container_modes(c, tb, flags);
	if (apply)
		ns = get_pid_ns(c->pidns);
	else
		slot = rcu_dereference_protected(c->slot,
						 lockdep_is_held(&crs_lock));
	crs_container_set_policy(c, slot, crs_container_mode(tb, flags));
out:
	mutex_unlock(&crs_lock);
	if (rootfs.mnt)
		path_put(&rootfs);
	if (ns) {
		/* lookups in the container's file systems: not under crs_lock */
		crs_file_bind(ns);
		put_pid_ns(ns);
	}
	return ret;
}

/**
 * crs_nl_apply() - CRS_CMD_APPLY: bind a container to a policy
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, may sleep. Return: 0, or the errors the uapi
 * header lists for CRS_CMD_APPLY.
 */
int crs_nl_apply(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_bind(info, true);
}

/**
 * crs_nl_detach() - CRS_CMD_DETACH: unbind the container of a pid
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, may sleep. Return: 0, -EINVAL, -ESRCH, or
 * -ENOENT when the pid is in no bound container.
 */
int crs_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_CONTAINER_A_MAX + 1];
	struct crs_container *c;
	int ret;

	ret = crs_parse_container(info, tb);
	if (ret)
		return ret;
	mutex_lock(&crs_lock);
	c = crs_nl_container_of(info, tb);
	if (IS_ERR(c))
		ret = PTR_ERR(c);
	else
		crs_container_unbind(c);
	mutex_unlock(&crs_lock);
	return ret;
}

/**
 * crs_nl_del_learned() - CRS_CMD_DEL_LEARNED: forget a named learning set
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, may sleep. Return: 0, -EINVAL, or -ENOENT
 * when there is no such set.
 */
int crs_nl_del_learned(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_CONTAINER_A_MAX + 1];
	int ret;

	ret = crs_parse_container_need(info, tb, CRS_CONTAINER_A_LEARN_SET);
	if (ret)
		return ret;
	mutex_lock(&crs_lock);
	ret = crs_learn_delete(nla_data(tb[CRS_CONTAINER_A_LEARN_SET]),
			       info->extack);
	mutex_unlock(&crs_lock);
	return ret;
}

/**
 * crs_nl_set_container() - CRS_CMD_SET_CONTAINER: a container's modes
 * and learning, binding it without a policy when needed
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, may sleep. Return: 0, or the errors the uapi
 * header lists for CRS_CMD_SET_CONTAINER.
 */
int crs_nl_set_container(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_bind(info, false);
}

static int crs_put_container(struct sk_buff *skb,
			     const struct genl_family *fam, u32 portid,
			     u32 seq, int flags, struct crs_container *c,
			     struct netlink_callback *cb)
{
	struct crs_policy_slot *slot = rcu_dereference_protected(c->slot,
						lockdep_is_held(&crs_lock));
	struct crs_policy *p = slot ? rcu_dereference_protected(slot->policy,
						lockdep_is_held(&crs_lock)) : NULL;
	struct crs_container_stats sum;
	struct nlattr *nest;
	u64 learn_overflow;
	u32 learned;
	bool failed;
	u8 mode;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, fam, flags,
			  CRS_CMD_GET_CONTAINER);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	crs_container_stats_sum(c, &sum);
	crs_learn_stats(c, &learned, &learn_overflow);
	mode = c->mode_override >= 0 ? c->mode_override :
	       p ? p->mode : CRS_MODE_INACTIVE;
	nest = nla_nest_start(skb, CRS_A_CONTAINER);
	failed = !nest ||
	    nla_put_u32(skb, CRS_CONTAINER_A_PID, c->pid) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_ID, c->id, CRS_CONTAINER_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_NETNS, c->netns_id,
			      CRS_CONTAINER_A_PAD) ||
	    nla_put_string(skb, CRS_CONTAINER_A_POLICY, slot ? slot->name : "") ||
	    (c->mode_override >= 0 &&
	     nla_put_u8(skb, CRS_CONTAINER_A_POLICY_MODE, c->mode_override)) ||
	    nla_put_u8(skb, CRS_CONTAINER_A_LOG_MODE, c->log_mode) ||
	    nla_put_u8(skb, CRS_CONTAINER_A_LEARNING, c->learning) ||
	    nla_put_u8(skb, CRS_CONTAINER_A_EFFECTIVE_MODE, mode) ||
	    nla_put_u32(skb, CRS_CONTAINER_A_LEVEL, c->pidns->level) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_ALLOWED,
			      sum.verdicts[CRS_OUTCOME_ALLOWED],
			      CRS_CONTAINER_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_DENIED,
			      sum.verdicts[CRS_OUTCOME_DENIED],
			      CRS_CONTAINER_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_MONITORED,
			      sum.verdicts[CRS_OUTCOME_MONITOR],
			      CRS_CONTAINER_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_EVENTS_LOST, sum.events_lost,
			      CRS_CONTAINER_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_EVENTS_UNHEARD,
			      sum.events_unheard, CRS_CONTAINER_A_PAD) ||
	    nla_put_u32(skb, CRS_CONTAINER_A_LEARNED, learned) ||
	    nla_put_u64_64bit(skb, CRS_CONTAINER_A_LEARN_OVERFLOW,
			      learn_overflow, CRS_CONTAINER_A_PAD);
	return crs_genl_end(skb, hdr, nest, failed);
}

/**
 * crs_nl_get_container() - CRS_CMD_GET_CONTAINER of one pid
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, may sleep. Return: 0 (the reply sent),
 * -EINVAL, -ESRCH, -ENOENT (no bound container), -ENOMEM, -EMSGSIZE.
 */
int crs_nl_get_container(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_CONTAINER_A_MAX + 1];
	struct crs_container *c;
	struct sk_buff *msg;
	int ret;

	ret = crs_parse_container(info, tb);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&crs_lock);
	c = crs_nl_container_of(info, tb);
	if (IS_ERR(c))
		ret = PTR_ERR(c);
	else
		ret = crs_put_container(msg, crs_nl_family, info->snd_portid,
					info->snd_seq, 0, c, NULL);
	mutex_unlock(&crs_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/**
 * crs_nl_get_container_dump() - CRS_CMD_GET_CONTAINER as a dump: every
 * bound container
 * @skb: the reply being filled
 * @cb: the dump's state (cb->args[0]: containers already sent)
 *
 * Context: process context, may sleep. Return: the bytes put, 0 at the
 * end.
 */
int crs_nl_get_container_dump(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	struct crs_container *c;
	long idx = 0;

	mutex_lock(&crs_lock);
	if (!cb->args[0])
		crs_container_reap();
	cb->seq = crs_containers_gen;
	list_for_each_entry(c, &crs_containers, list) {
		if (idx++ < cb->args[0])
			continue;
		if (crs_put_container(skb, crs_genl_dump_family(cb),
				      NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, c, cb))
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&crs_lock);
	return skb->len;
}
