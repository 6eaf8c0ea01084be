// SPDX-License-Identifier: GPL-2.0
/*
 * crs: NETWORK_OUTBOUND and NETWORK_INBOUND rules: compiled tables and
 * matching (a packet in, the deciding rule out).
 *
 * Compiled rules (p->net): per direction the active rules are grouped by
 * (prefix length, masked address) in one hash table. A lookup masks the
 * remote address once per distinct prefix length the policy uses (at most
 * 129), so its cost grows with the number of distinct prefix lengths, not
 * with the number of rules. IPv4 is held as ::ffff:a.b.c.d.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/jhash.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/ndisc.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/request_sock.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_socket.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "crs.h"
#include "file_rules.h"
#include "net_rules.h"

static atomic64_t crs_net_epoch = ATOMIC64_INIT(0);

/* ------------------------------------------------------------------ */
/* Compiled rules */

static void crs_net_mask(struct in6_addr *a, u8 plen)
{
	int i;

	for (i = 0; i < 4; i++) {
		int bits = (int)plen - i * 32;

		if (bits >= 32)
			continue;
		a->s6_addr32[i] &= bits <= 0 ? 0 : htonl(~0U << (32 - bits));
	}
}

static u32 crs_net_hash(const struct in6_addr *a, u8 plen)
{
	return jhash2((const u32 *)a->s6_addr32, 4, plen);
}

struct crs_net_key {
	struct in6_addr addr;
	u8 plen;
	const struct crs_rule *rule;
};

static int crs_net_key_cmp(const void *a, const void *b)
{
	const struct crs_net_key *x = a, *y = b;

	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	return memcmp(&x->addr, &y->addr, sizeof(x->addr));
}

static void crs_net_dir_free(struct crs_net_dir *d)
{
	kvfree(d->buckets);
	kvfree(d->groups);
	kvfree(d->rules);
}

/* An active rule of @type that judges IP packets (not packet sockets). */
static bool crs_net_is_ip_rule(const struct crs_rule *r, u8 type)
{
	return r->type == type && !r->inactive &&
	       r->protocol != CRS_PROTO_PACKET;
}

/*
 * The packet socket rules of @p into @t. With none matching, a packet
 * socket is denied when the policy restricts the network at all (a DENY
 * default or any other network rule): it could reach what those deny.
 */
static int crs_net_packet_build(struct crs_net_table *t,
				const struct crs_policy *p)
{
	bool restricts = p->def[CRS_DEF_NETWORK] == CRS_ACTION_DENY;
	u32 i, n = 0;

	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		if (r->inactive || (r->type != CRS_RULE_NETWORK_OUTBOUND &&
				    r->type != CRS_RULE_NETWORK_INBOUND))
			continue;
		if (r->protocol == CRS_PROTO_PACKET)
			n++;
		else
			restricts = true;
	}
	t->packet_default = restricts ? CRS_ACTION_DENY : CRS_ACTION_ALLOW;
	if (!n)
		return 0;
	t->packet = kcalloc(n, sizeof(*t->packet), GFP_KERNEL_ACCOUNT);
	if (!t->packet)
		return -ENOMEM;
	for (i = 0; i < p->nrules; i++)
		if (!p->rules[i].inactive &&
		    p->rules[i].protocol == CRS_PROTO_PACKET &&
		    p->rules[i].type == CRS_RULE_NETWORK_OUTBOUND)
			t->packet[t->npacket++] = &p->rules[i];
	return 0;
}

static int crs_net_dir_build(struct crs_net_dir *d, struct crs_policy *p,
			     u8 type)
{
	struct crs_net_key *keys;
	u32 i, n = 0;
	int ret = 0;

	for (i = 0; i < p->nrules; i++)
		n += crs_net_is_ip_rule(&p->rules[i], type);
	if (!n)
		return 0;
	keys = kvcalloc(n, sizeof(*keys), GFP_KERNEL_ACCOUNT);
	d->rules = kvcalloc(n, sizeof(*d->rules), GFP_KERNEL_ACCOUNT);
	d->groups = kvcalloc(n, sizeof(*d->groups), GFP_KERNEL_ACCOUNT);
	d->nbuckets = roundup_pow_of_two(max(2 * n, 16U));
	d->buckets = kvmalloc_array(d->nbuckets, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!keys || !d->rules || !d->groups || !d->buckets) {
		ret = -ENOMEM;
		goto out;
	}
	memset(d->buckets, 0xff, d->nbuckets * sizeof(u32));
	n = 0;
	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		if (!crs_net_is_ip_rule(r, type))
			continue;
		keys[n].plen = r->has_addr ? min_t(u8, r->prefix, 128) : 0;
		keys[n].addr = r->addr;
		crs_net_mask(&keys[n].addr, keys[n].plen);
		keys[n].rule = r;
		n++;
	}
	/* group equal keys; rules keep their policy order within a group */
	sort(keys, n, sizeof(*keys), crs_net_key_cmp, NULL);
	for (i = 0; i < n; i++) {
		struct crs_net_group *g;
		u32 h;

		d->rules[i] = keys[i].rule;
		if (i && !crs_net_key_cmp(&keys[i - 1], &keys[i])) {
			d->groups[d->ngroups - 1].count++;
			continue;
		}
		g = &d->groups[d->ngroups];
		g->addr = keys[i].addr;
		g->plen = keys[i].plen;
		g->first = i;
		g->count = 1;
		h = crs_net_hash(&g->addr, g->plen) & (d->nbuckets - 1);
		g->next = d->buckets[h];
		d->buckets[h] = d->ngroups++;
		if (!d->nplens || d->plens[d->nplens - 1] != g->plen)
			d->plens[d->nplens++] = g->plen;
	}
out:
	kvfree(keys);
	return ret;
}

/**
 * crs_net_compile() - build the network rule tables of @p
 * @p: a policy being committed, rules parsed
 * @extack: error report
 *
 * Context: process context, crs_lock held.
 * Return: 0 or -ENOMEM.
 */
int crs_net_compile(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	struct crs_net_table *t;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		goto nomem;
	t->epoch = atomic64_inc_return(&crs_net_epoch);
	ret = crs_net_dir_build(&t->dir[CRS_NET_OUT], p,
				CRS_RULE_NETWORK_OUTBOUND);
	if (!ret)
		ret = crs_net_dir_build(&t->dir[CRS_NET_IN], p,
					CRS_RULE_NETWORK_INBOUND);
	if (!ret)
		ret = crs_net_packet_build(t, p);
	if (ret) {
		crs_net_dir_free(&t->dir[CRS_NET_OUT]);
		crs_net_dir_free(&t->dir[CRS_NET_IN]);
		kfree(t->packet);
		kfree(t);
		goto nomem;
	}
	p->net = t;
	p->mem += sizeof(*t) + t->npacket * sizeof(*t->packet);
	for (ret = 0; ret < __CRS_NET_DIR; ret++)
		p->mem += t->dir[ret].ngroups * (sizeof(struct crs_net_group) +
						 sizeof(void *) + 2 * sizeof(u32));
	return 0;
nomem:
	NL_SET_ERR_MSG(extack, "out of memory compiling network rules");
	return -ENOMEM;
}

/**
 * crs_net_free() - free what crs_net_compile() built
 * @p: the policy, no longer visible to readers
 *
 * Context: process context.
 */
void crs_net_free(struct crs_policy *p)
{
	struct crs_net_table *t = p->net;

	if (!t)
		return;
	crs_net_dir_free(&t->dir[CRS_NET_OUT]);
	crs_net_dir_free(&t->dir[CRS_NET_IN]);
	kfree(t->packet);
	kfree(t);
	p->net = NULL;
}

/* Protocols whose packets carry ports (crs_net_parse() reads them). */
static bool crs_net_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static bool crs_net_rule_matches(struct crs_ctx *ctx, const struct crs_rule *r,
				 const struct crs_pkt *pk, const char *program)
{
	if (r->protocol != CRS_PROTO_ANY && r->protocol != pk->proto)
		return false;
	/* a port range (even one with 0) never matches a portless packet */
	if (r->has_port && !crs_net_proto_has_ports(pk->proto))
		return false;
	if (pk->port < r->port_lo || pk->port > r->port_hi)
		return false;
	return crs_program_matches(ctx, r, program);
}

/**
 * crs_net_decide() - decide a packet against the container's network rules
 * @ctx: the deciding container context
 * @dir: CRS_NET_OUT or CRS_NET_IN
 * @pk: the packet as the rules see it
 * @program: the sending or receiving program, or NULL when unknown
 * @rulep: out: the deciding rule, NULL for the default action
 *
 * DENY rules beat ALLOW rules; no matching rule: defaultNetworkAction.
 *
 * Context: any (softirq included), RCU read lock held; does not sleep.
 * Return: the enum crs_action.
 */
u8 crs_net_decide(struct crs_ctx *ctx, int dir, const struct crs_pkt *pk,
		  const char *program, const struct crs_rule **rulep)
{
	const struct crs_net_table *t = ctx->p->net;
	const struct crs_rule *allow = NULL;
	const struct crs_net_dir *d;
	unsigned int i;

	*rulep = NULL;
	if (!t)
		return ctx->p->def[CRS_DEF_NETWORK];
	d = &t->dir[dir];
	for (i = 0; i < d->nplens; i++) {
		struct in6_addr a = pk->addr;
		u32 gi;

		crs_net_mask(&a, d->plens[i]);
		gi = d->buckets[crs_net_hash(&a, d->plens[i]) & (d->nbuckets - 1)];
		for (; gi != U32_MAX; gi = d->groups[gi].next) {
			const struct crs_net_group *g = &d->groups[gi];
			u32 k;

			if (g->plen != d->plens[i] || !ipv6_addr_equal(&g->addr, &a))
				continue;
			for (k = g->first; k < g->first + g->count; k++) {
				const struct crs_rule *r = d->rules[k];

				if (!crs_net_rule_matches(ctx, r, pk, program))
					continue;
				if (r->action == CRS_ACTION_DENY) {
					*rulep = r;
					return CRS_ACTION_DENY;
				}
				if (!allow)
					allow = r;
			}
		}
	}
	if (allow) {
		*rulep = allow;
		return CRS_ACTION_ALLOW;
	}
	return ctx->p->def[CRS_DEF_NETWORK];
}

