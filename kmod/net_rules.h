/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a policy's NETWORK_INBOUND and NETWORK_OUTBOUND rules compiled
 * (net_rules.c), and the packet they are matched against.
 */
#ifndef _CRS_NET_RULES_H
#define _CRS_NET_RULES_H

#include <linux/in6.h>
#include <linux/types.h>

#include "crs.h"

enum { CRS_NET_OUT, CRS_NET_IN, __CRS_NET_DIR };

/* Rules of one (prefix length, masked address) group. */
struct crs_net_group {
	struct in6_addr addr;
	u8 plen;
	u32 next;		/* next group in the bucket, or U32_MAX */
	u32 first, count;	/* into crs_net_dir.rules */
};

struct crs_net_dir {
	u32 ngroups;
	u32 nbuckets;		/* power of two */
	u8 nplens;
	u8 plens[129];		/* distinct prefix lengths, longest first */
	u32 *buckets;		/* group index, or U32_MAX */
	struct crs_net_group *groups;
	const struct crs_rule **rules;
};

struct crs_net_table {
	u64 epoch;		/* unique per compiled policy */
	struct crs_net_dir dir[__CRS_NET_DIR];
	/* packet sockets: their rules, and the verdict when none matches */
	const struct crs_rule **packet;
	u32 npacket;
	u8 packet_default;
};

/* A packet, as the rules see it. */
struct crs_pkt {
	struct in6_addr addr;	/* remote, IPv4 mapped */
	u16 port;		/* remote (out) or local (in) port, 0 none */
	u8 proto;		/* IP protocol; ICMPv6 reported as ICMP */
	u8 family;
	bool syn;		/* TCP SYN without ACK: a new connection */
	bool infra;		/* ICMPv6 neighbour discovery or MLD */
};

int crs_net_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_net_free(struct crs_policy *p);
u8 crs_net_decide(struct crs_ctx *ctx, int dir, const struct crs_pkt *pk,
		  const char *program, const struct crs_rule **rulep);

#endif /* _CRS_NET_RULES_H */
