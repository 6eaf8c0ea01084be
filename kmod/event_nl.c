// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the audit event's wire format: a queued record (event.c) put
 * into a CRS_CMD_EVENT message, and the two loss records (losses on a
 * group; events of a container nobody heard). What each event type
 * carries is documented with CRS_EVENT_A_* in the uapi header. Nothing
 * here takes a lock, sends or counts.
 */
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"
#include "event_nl.h"
#include "genl_msg.h"

/* Announce @lost losses (if any) of @lost_total since load. */
static int crs_event_nl_put_lost(struct sk_buff *skb, u64 lost,
				 u64 lost_total)
{
	if (!lost)
		return 0;
	if (nla_put_u64_64bit(skb, CRS_EVENT_A_LOST, lost, CRS_EVENT_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_LOST_TOTAL, lost_total,
			      CRS_EVENT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Both times, now: every event and loss record starts with them. */
static int crs_event_nl_put_times(struct sk_buff *skb, u64 real, u64 mono)
{
	if (nla_put_u64_64bit(skb, CRS_EVENT_A_TIME_REAL, real,
			      CRS_EVENT_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_TIME_MONO, mono,
			      CRS_EVENT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int crs_event_nl_fill(struct sk_buff *skb,
			     const struct crs_event_rec *r, u64 lost,
			     u64 lost_total)
{
	const char *s = (const char *)(r + 1);
	const char *path = s;
	const char *program = path + r->path_len;
	const char *policy = program + r->program_len;
	const char *rule = policy + r->policy_len;

	if (crs_event_nl_put_times(skb, r->time_real, r->time_mono) ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_CONTAINER, r->container,
			      CRS_EVENT_A_PAD) ||
	    nla_put_u32(skb, CRS_EVENT_A_PID, r->pid) ||
	    nla_put_u32(skb, CRS_EVENT_A_TGID, r->tgid) ||
	    nla_put_u32(skb, CRS_EVENT_A_UID, r->uid) ||
	    nla_put_string(skb, CRS_EVENT_A_PROGRAM, program) ||
	    nla_put_u8(skb, CRS_EVENT_A_RULE_TYPE, r->type) ||
	    nla_put_u8(skb, CRS_EVENT_A_OUTCOME, r->outcome) ||
	    nla_put_string(skb, CRS_EVENT_A_POLICY, policy) ||
	    nla_put_string(skb, CRS_EVENT_A_RULE, rule))
		return -EMSGSIZE;
	if (r->has_syscall &&
	    (nla_put_u32(skb, CRS_EVENT_A_SYSCALL_NR, r->syscall_nr) ||
	     nla_put_u8(skb, CRS_EVENT_A_ARCH, r->arch)))
		return -EMSGSIZE;
	if (r->path_len && nla_put_string(skb, CRS_EVENT_A_PATH, path))
		return -EMSGSIZE;
	if (r->family) {
		bool v4 = r->family == AF_INET;

		if (nla_put_u8(skb, CRS_EVENT_A_FAMILY, r->family) ||
		    nla_put(skb, CRS_EVENT_A_ADDR, v4 ? 4 : 16,
			    v4 ? (const void *)&r->addr.s6_addr32[3] :
				 (const void *)&r->addr) ||
		    nla_put_u16(skb, CRS_EVENT_A_PORT, r->port) ||
		    nla_put_u8(skb, CRS_EVENT_A_PROTOCOL, r->protocol) ||
		    nla_put_u8(skb, CRS_EVENT_A_DIRECTION, r->direction))
			return -EMSGSIZE;
	}
	return crs_event_nl_put_lost(skb, lost, lost_total);
}

/**
 * crs_event_nl_put() - append one CRS_CMD_EVENT message to @skb
 * @skb: the message buffer (a batch of events of one group)
 * @fam: the crs generic netlink family
 * @r: the queued event, or NULL for a loss record (the two times and
 *	the losses only)
 * @lost: events of @r's group lost just before it (0: none), announced
 *	as CRS_EVENT_A_LOST
 * @lost_total: the group's losses since load (CRS_EVENT_A_LOST_TOTAL)
 *
 * On failure nothing is left in @skb.
 *
 * Context: any; does not sleep or allocate.
 * Return: 0, or -EMSGSIZE when @skb has no room.
 */
int crs_event_nl_put(struct sk_buff *skb, const struct genl_family *fam,
		     const struct crs_event_rec *r, u64 lost, u64 lost_total)
{
	struct nlattr *nest;
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, 0, 0, fam, 0, CRS_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CRS_A_EVENT);
	if (!nest)
		ret = -EMSGSIZE;
	else if (r)
		ret = crs_event_nl_fill(skb, r, lost, lost_total);
	else
		ret = crs_event_nl_put_times(skb, ktime_get_real_ns(),
					     ktime_get_ns()) ?:
		      crs_event_nl_put_lost(skb, lost, lost_total);
	return crs_genl_end(skb, hdr, nest, ret);
}

/**
 * crs_event_nl_unheard() - a loss record of events nobody heard
 * @fam: the crs generic netlink family
 * @id: the container whose events they were (CRS_EVENT_A_CONTAINER);
 *	0 for containers unbound since, reported together
 * @n: how many (CRS_EVENT_A_UNHEARD)
 *
 * Context: process context; allocates (GFP_KERNEL).
 * Return: the message, or ERR_PTR(-ENOMEM) or ERR_PTR(-EMSGSIZE).
 */
struct sk_buff *crs_event_nl_unheard(const struct genl_family *fam, u64 id,
				     u64 n)
{
	struct sk_buff *skb = genlmsg_new(128, GFP_KERNEL);
	struct nlattr *nest;
	void *hdr;

	if (!skb)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(skb, 0, 0, fam, 0, CRS_CMD_EVENT);
	nest = hdr ? nla_nest_start(skb, CRS_A_EVENT) : NULL;
	if (!nest ||
	    crs_event_nl_put_times(skb, ktime_get_real_ns(), ktime_get_ns()) ||
	    (id && nla_put_u64_64bit(skb, CRS_EVENT_A_CONTAINER, id,
				     CRS_EVENT_A_PAD)) ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_UNHEARD, n, CRS_EVENT_A_PAD)) {
		nlmsg_free(skb);
		return ERR_PTR(-EMSGSIZE);
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return skb;
}
