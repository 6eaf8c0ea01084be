/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: an audit event as event.c queues it, and its message format
 * (event_nl.c).
 */
#ifndef _CRS_EVENT_NL_H
#define _CRS_EVENT_NL_H

#include <linux/in6.h>
#include <linux/types.h>

#include "crs.h"

struct genl_family;
struct sk_buff;

/* One queued event; its strings follow, each NUL-terminated. */
struct crs_event_rec {
	u32 len;		/* bytes of the record, 8-aligned */
	u8 group;
	u8 outcome;		/* enum crs_outcome */
	u8 type;		/* enum crs_rule_type */
	u8 arch;
	u8 family;
	u8 protocol;
	u8 direction;
	u8 has_syscall;
	u16 port;
	u16 path_len;		/* string lengths with the NUL; 0: absent */
	u16 program_len;
	u16 policy_len;
	u16 rule_len;
	u32 syscall_nr;
	u32 pid, tgid, uid;
	u64 time_real, time_mono;
	u64 container;
	u64 lost;		/* ring overflows on this group just before */
	struct in6_addr addr;
};

#define CRS_EVENT_REC_MAX ALIGN(sizeof(struct crs_event_rec) + \
				2 * CRS_PATH_MAX + 2 * CRS_NAME_MAX, 8)

int crs_event_nl_put(struct sk_buff *skb, const struct genl_family *fam,
		     const struct crs_event_rec *r, u64 lost, u64 lost_total);
struct sk_buff *crs_event_nl_unheard(const struct genl_family *fam, u64 id,
				     u64 n);

#endif /* _CRS_EVENT_NL_H */
