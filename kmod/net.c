// SPDX-License-Identifier: GPL-2.0
/*
 * crs: NETWORK_OUTBOUND and NETWORK_INBOUND enforcement on netfilter.
 *
 * Hooks. NF_INET_LOCAL_OUT and NF_INET_LOCAL_IN for IPv4 and IPv6
 * (NFPROTO_INET), registered in a network namespace while at least one
 * bound container captured it, and removed with the last one. Conntrack is
 * enabled in that namespace too (nf_ct_netns_get): it tells a locally
 * initiated flow from a remote one, so replies are never judged as flows
 * of their own. A flow is judged at one hook only: flows we initiate at
 * LOCAL_OUT against NETWORK_OUTBOUND rules, flows the remote initiates at
 * LOCAL_IN against NETWORK_INBOUND rules; packets in a flow's reply
 * direction pass.
 *
 * Attribution (who sent or receives) is described in docs/semantics.md,
 * "Network semantics"; in short: a packet sent in process context belongs
 * to current; a TCP flow belongs to the program that sent its SYN or owns
 * the listener that accepted it; an inbound datagram belongs to the owner
 * of the receiving socket. Socket owners are recorded when a governed task
 * binds, listens or sends a SYN, copied to accepted sockets, and forgotten
 * when the socket is freed (ftrace hooks, see hooks.c).
 *
 * Compiled rules (p->net): per direction the active rules are grouped by
 * (prefix length, masked address) in one hash table. A lookup masks the
 * remote address once per distinct prefix length the policy uses (at most
 * 129), so its cost grows with the number of distinct prefix lengths, not
 * with the number of rules. IPv4 is held as ::ffff:a.b.c.d.
 *
 * TCP verdicts are cached per socket together with the compiled table's
 * epoch and the mode: an established flow is judged again after the
 * policy or mode changed, and only a denial is then counted and reported.
 *
 * The symbols of nf_conntrack, nf_socket_ipv4/6 and nf_reject_ipv4/6 are
 * taken with symbol_request() on the first attach, so crs.ko loads without
 * them and pulls them in only when a container is bound.
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
#include "hooks.h"
#include "program.h"

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

/* A network namespace we hook; one per namespace, under crs_lock. */
struct crs_net_ns {
	struct list_head node;		/* crs_net_namespaces */
	struct rcu_head rcu;
	struct net *net;		/* no reference: containers hold one */
	unsigned int users;
	struct list_head containers;	/* crs_net_att, RCU */
	struct nf_hook_ops ops[2];
	struct net *idle_ref;		/* held while users == 0 */
};

/*
 * The socket-owner records charged to one container: each record holds
 * a reference, so the count outlives the container's unbinding until
 * its last socket is freed.
 */
struct crs_net_quota {
	refcount_t ref;
	atomic_t used;			/* records charged */
	struct rcu_head rcu;
};

/* c->net_priv: a container's place in its namespace's list. */
struct crs_net_att {
	struct list_head node;
	struct rcu_head rcu;
	struct crs_container *c;
	struct crs_net_ns *ns;
	struct crs_net_quota *quota;
};

/* The owner of a socket. */
struct crs_net_sock {
	struct rhash_head node;
	struct rcu_head rcu;
	const struct sock *sk;		/* key; no reference */
	u64 cid;			/* container id */
	struct crs_net_quota *quota;	/* charged to; referenced */
	unsigned long cache;		/* epoch << 4 | mode << 1 | deny; 0 none */
	u8 dir;				/* CRS_NET_OUT: connected, else IN */
	char program[];			/* "" if unknown */
};

static const struct rhashtable_params crs_net_sock_params = {
	.key_len = sizeof(const struct sock *),
	.key_offset = offsetof(struct crs_net_sock, sk),
	.head_offset = offsetof(struct crs_net_sock, node),
	.automatic_shrinking = true,
};

static struct rhashtable crs_net_socks;
static atomic_t crs_net_nsocks = ATOMIC_INIT(0);
static LIST_HEAD(crs_net_namespaces);
static atomic64_t crs_net_epoch = ATOMIC64_INIT(0);
/* Namespaces hooked; the hook handlers return at once while 0. */
static atomic_t crs_net_hooked = ATOMIC_INIT(0);

static unsigned int max_sockets = 1 << 20;
module_param(max_sockets, uint, 0644);
MODULE_PARM_DESC(max_sockets, "Most sockets whose owner is recorded (default 1048576)");

static unsigned int max_container_sockets = 1 << 16;
module_param(max_container_sockets, uint, 0644);
MODULE_PARM_DESC(max_container_sockets,
		 "Most sockets whose owner is recorded per container; beyond it the container's bind and listen fail with ENOBUFS and its connections are refused (default 65536)");

/* Taken with symbol_request() on first use, kept until unload. */
static struct {
	bool have;
	typeof(&nf_ct_netns_get) ct_get;
	typeof(&nf_ct_netns_put) ct_put;
	typeof(&nf_sk_lookup_slow_v4) lookup4;
	typeof(&nf_sk_lookup_slow_v6) lookup6;
	typeof(&nf_send_reset) reset4;
	typeof(&nf_send_reset6) reset6;
} crs_nf;

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

/* A packet, as the rules see it. */
struct crs_pkt {
	struct in6_addr addr;	/* remote, IPv4 mapped */
	u16 port;		/* remote (out) or local (in) port, 0 none */
	u8 proto;		/* IP protocol; ICMPv6 reported as ICMP */
	u8 family;
	bool syn;		/* TCP SYN without ACK: a new connection */
	bool infra;		/* ICMPv6 neighbour discovery or MLD */
};

/* Protocols whose packets carry ports (crs_net_parse() reads them). */
static bool crs_net_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

/*
 * Connection protocols other than TCP whose kernel timers send on a
 * socket's behalf (SCTP INIT and DATA retransmits, DCCP's REQUEST): the
 * socket's owner is recorded on its first packet sent by a task.
 */
static bool crs_net_timer_sends(u8 proto)
{
	return proto == IPPROTO_SCTP || proto == IPPROTO_DCCP;
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

/*
 * Decide @pk for direction @dir. Sets *@rulep to the deciding rule (NULL
 * for the default) and returns the enum crs_action.
 */
static u8 crs_net_decide(struct crs_ctx *ctx, int dir, const struct crs_pkt *pk,
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

/* ------------------------------------------------------------------ */
/* Socket owners */

static struct crs_net_sock *crs_net_sock_find(const struct sock *sk)
{
	if (!atomic_read(&crs_net_nsocks))
		return NULL;
	return rhashtable_lookup(&crs_net_socks, &sk, crs_net_sock_params);
}

/* The owner's program, NULL when unknown. */
static const char *crs_net_owner(const struct crs_net_sock *s)
{
	return s->program[0] ? s->program : NULL;
}

static void crs_net_quota_put(struct crs_net_quota *q)
{
	if (q && refcount_dec_and_test(&q->ref))
		kfree_rcu(q, rcu);
}

/* A record no longer in the table: its container may make another. */
static void crs_net_sock_uncharge(struct crs_net_sock *s)
{
	atomic_dec(&s->quota->used);
}

static void crs_net_sock_free_rcu(struct rcu_head *h)
{
	struct crs_net_sock *s = container_of(h, struct crs_net_sock, rcu);

	crs_net_quota_put(s->quota);
	kfree(s);
}

/* A record never published, or at unload: uncharge and free now. */
static void crs_net_sock_free(struct crs_net_sock *s)
{
	crs_net_sock_uncharge(s);
	crs_net_quota_put(s->quota);
	kfree(s);
}

/* What @c's records are charged to; NULL once it is unbound. */
static struct crs_net_quota *crs_net_quota_of(struct crs_container *c)
{
	struct crs_net_att *a = READ_ONCE(c->net_priv);

	return a ? a->quota : NULL;
}

/*
 * Record (or replace) the owner of @sk, charged to @q. Any context, RCU
 * read lock held. Returns the record, or NULL: then *@full (if not NULL)
 * says whether it was for want of room (out of memory, max_sockets, @q's
 * max_container_sockets: the callers fail closed) or because @q's
 * container is being unbound (@q NULL or released: judged as before).
 */
static struct crs_net_sock *crs_net_sock_set(const struct sock *sk,
					     struct crs_net_quota *q, u64 cid,
					     const char *program, u8 dir,
					     unsigned long cache, bool *full)
{
	struct crs_net_sock *s, *old;
	size_t len;

	if (full)
		*full = false;
	if (!program)
		program = "";
	old = crs_net_sock_find(sk);
	if (old && old->cid == cid && old->dir == dir &&
	    !strcmp(old->program, program))
		return old;
	if (!q)
		return NULL;
	if (!old && (atomic_read(&crs_net_nsocks) >= READ_ONCE(max_sockets) ||
		     atomic_read(&q->used) >= READ_ONCE(max_container_sockets)))
		goto no_room;
	len = strlen(program) + 1;
	s = kmalloc(sizeof(*s) + len, GFP_ATOMIC | __GFP_NOWARN);
	if (!s)
		goto no_room;
	/* zero: the container was unbound meanwhile */
	if (!refcount_inc_not_zero(&q->ref)) {
		kfree(s);
		return NULL;
	}
	atomic_inc(&q->used);
	s->quota = q;
	s->sk = sk;
	s->cid = cid;
	s->dir = dir;
	s->cache = cache;
	memcpy(s->program, program, len);
	if (old) {
		if (rhashtable_replace_fast(&crs_net_socks, &old->node,
					    &s->node, crs_net_sock_params)) {
			crs_net_sock_free(s);
			return old;
		}
		crs_net_sock_uncharge(old);
		call_rcu(&old->rcu, crs_net_sock_free_rcu);
		return s;
	}
	if (rhashtable_lookup_insert_fast(&crs_net_socks, &s->node,
					  crs_net_sock_params)) {
		crs_net_sock_free(s);
		return crs_net_sock_find(sk);
	}
	atomic_inc(&crs_net_nsocks);
	return s;
no_room:
	if (full)
		*full = true;
	return NULL;
}

static void crs_net_sock_forget(const struct sock *sk)
{
	struct crs_net_sock *s;

	rcu_read_lock();
	s = crs_net_sock_find(sk);
	if (s && !rhashtable_remove_fast(&crs_net_socks, &s->node,
					 crs_net_sock_params)) {
		atomic_dec(&crs_net_nsocks);
		crs_net_sock_uncharge(s);
		call_rcu(&s->rcu, crs_net_sock_free_rcu);
	}
	rcu_read_unlock();
}

static unsigned long crs_net_cache_key(const struct crs_ctx *ctx)
{
	u64 epoch = ctx->p && ctx->p->net ?
		    ((struct crs_net_table *)ctx->p->net)->epoch : 0;

	return (unsigned long)(epoch << 4 | (u64)ctx->mode << 1);
}

/*
 * Record current as the owner of @sock in direction @dir (bind, listen).
 * False when it could not be recorded (the container's
 * max_container_sockets, max_sockets, memory): the call then fails with
 * ENOBUFS, as a socket whose owner is unknown would be judged as nobody's
 * in a network namespace several containers share.
 */
static bool crs_net_sock_own(struct socket *sock, u8 dir)
{
	struct crs_ctx ctx;
	struct sock *sk;
	bool full = false;

	if (!atomic_read(&crs_net_hooked) || !sock)
		return true;
	sk = READ_ONCE(sock->sk);
	if (!sk || (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return true;
	if (!crs_ctx_get(&ctx))
		return true;
	if (net_eq(sock_net(sk), ctx.c->net))
		crs_net_sock_set(sk, crs_net_quota_of(ctx.c), ctx.c->id,
				 crs_program_current(&ctx), dir, 0, &full);
	crs_ctx_put(&ctx);
	return !full;
}

int crs_hook_socket_bind(struct pt_regs *regs)
{
	if (!crs_net_sock_own((struct socket *)regs->di, CRS_NET_IN))
		return crs_hook_deny_errno(regs, ENOBUFS);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_socket_bind);

int crs_hook_socket_listen(struct pt_regs *regs)
{
	if (!crs_net_sock_own((struct socket *)regs->di, CRS_NET_IN))
		return crs_hook_deny_errno(regs, ENOBUFS);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_socket_listen);

/*
 * An accepted socket inherits its listener's owner. Its verdict cache
 * starts empty: the first packet after the handshake judges it quietly.
 */
int crs_hook_inet_csk_clone(struct pt_regs *regs)
{
	const struct sock *newsk = (const struct sock *)regs->di;
	const struct request_sock *req = (const struct request_sock *)regs->si;
	struct crs_net_sock *l;

	if (!atomic_read(&crs_net_nsocks) || !req)
		return 0;
	rcu_read_lock();
	l = crs_net_sock_find(req->rsk_listener);
	if (l)
		crs_net_sock_set(newsk, l->quota, l->cid, l->program,
				 CRS_NET_IN, 0, NULL);
	rcu_read_unlock();
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_inet_csk_clone);

/*
 * A packet socket of current (crs_hook_socket_create()): the policy's
 * packet socket rules decide, a DENY first; with none matching, the
 * table's packet_default.
 */
static bool crs_net_packet_judge(struct crs_ctx *ctx)
{
	struct crs_object obj = {
		.type = CRS_RULE_NETWORK_OUTBOUND,
		.family = AF_PACKET,
		.protocol = CRS_PROTO_PACKET,
		.syscall_nr = -1,
	};
	const struct crs_rule *allow = NULL;
	const struct crs_net_table *t;
	u32 i;

	obj.program = crs_program_current(ctx);
	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE)
		return crs_verdict(ctx, NULL, CRS_ACTION_ALLOW, &obj);
	t = ctx->p->net;
	if (!t)
		return crs_verdict(ctx, NULL, ctx->p->def[CRS_DEF_NETWORK], &obj);
	for (i = 0; i < t->npacket; i++) {
		const struct crs_rule *r = t->packet[i];

		if (!crs_program_matches(ctx, r, obj.program))
			continue;
		if (r->action == CRS_ACTION_DENY)
			return crs_verdict(ctx, r, CRS_ACTION_DENY, &obj);
		if (!allow)
			allow = r;
	}
	if (allow)
		return crs_verdict(ctx, allow, CRS_ACTION_ALLOW, &obj);
	return crs_verdict(ctx, NULL, t->packet_default, &obj);
}

/**
 * crs_hook_socket_create() - security_socket_create(family, type, protocol,
 * kern): judge a governed task's packet socket
 * @regs: the hooked call's registers
 *
 * A packet socket (AF_PACKET, or SOCK_PACKET of AF_INET) sends and
 * receives below the netfilter hooks crs judges IP on, so opening one is
 * a NETWORK_OUTBOUND use of protocol CRS_PROTO_PACKET (see
 * crs_net_packet_judge()). Sockets the kernel makes for itself pass.
 *
 * Context: process context, inside crs_hook_entry().
 * Return: 0, or the -EACCES the hooked call then returns.
 */
int crs_hook_socket_create(struct pt_regs *regs)
{
	int family = regs_get_kernel_argument(regs, 0);
	int type = regs_get_kernel_argument(regs, 1);
	int kern = regs_get_kernel_argument(regs, 3);
	struct crs_ctx ctx;
	bool deny;

	if (kern || (family != AF_PACKET &&
		     !(family == AF_INET && type == SOCK_PACKET)))
		return 0;
	if (!crs_ctx_get(&ctx))
		return 0;
	deny = crs_net_packet_judge(&ctx);
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_socket_create);

int crs_hook_sk_free(struct pt_regs *regs)
{
	if (atomic_read(&crs_net_nsocks))
		crs_net_sock_forget((const struct sock *)regs->di);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_sk_free);

/* ------------------------------------------------------------------ */
/* The hooks */

/* The live container @cid of @ns, or NULL. RCU read lock held. */
static struct crs_container *crs_net_container(struct crs_net_ns *ns, u64 cid)
{
	struct crs_net_att *a;

	list_for_each_entry_rcu(a, &ns->containers, node)
		if (a->c->id == cid && !READ_ONCE(a->c->dead))
			return a->c;
	return NULL;
}

/*
 * The container a packet with no task and no socket owner belongs to: the
 * only container of a namespace other than the initial one. In a shared
 * namespace (the host's), such packets belong to no container.
 */
static struct crs_container *crs_net_sole(struct crs_net_ns *ns)
{
	struct crs_container *found = NULL;
	struct crs_net_att *a;

	if (net_eq(ns->net, &init_net))
		return NULL;
	list_for_each_entry_rcu(a, &ns->containers, node) {
		if (READ_ONCE(a->c->dead))
			continue;
		if (found)
			return NULL;
		found = a->c;
	}
	return found;
}

static bool crs_net_parse(struct sk_buff *skb, u8 pf, int dir,
			  struct crs_pkt *pk)
{
	int off = skb_network_offset(skb);
	bool frag = false;
	u8 proto;

	memset(pk, 0, sizeof(*pk));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
		if (!iph)
			return false;
		ipv6_addr_set_v4mapped(dir == CRS_NET_OUT ? iph->daddr :
				       iph->saddr, &pk->addr);
		pk->family = AF_INET;
		proto = iph->protocol;
		frag = ntohs(iph->frag_off) & IP_OFFSET;
		off += iph->ihl * 4;
	} else {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		__be16 frag_off = 0;

		ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		pk->addr = dir == CRS_NET_OUT ? ip6h->daddr : ip6h->saddr;
		pk->family = AF_INET6;
		proto = ip6h->nexthdr;
		off = ipv6_skip_exthdr(skb, off + sizeof(_ip6h), &proto,
				       &frag_off);
		if (off < 0)
			return false;
		frag = ntohs(frag_off) & ~0x7;
	}
	pk->proto = proto == IPPROTO_ICMPV6 ? CRS_PROTO_ICMP : proto;
	if (frag)
		return true;
	if (proto == IPPROTO_TCP) {
		const struct tcphdr *th;
		struct tcphdr _th;

		th = skb_header_pointer(skb, off, sizeof(_th), &_th);
		if (th) {
			pk->port = ntohs(th->dest);
			pk->syn = th->syn && !th->ack;
		}
	} else if (proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
		   proto == IPPROTO_SCTP || proto == IPPROTO_DCCP) {
		/* SCTP's and DCCP's headers too begin with source, dest */
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
		if (uh)
			pk->port = ntohs(uh->dest);
	} else if (proto == IPPROTO_ICMPV6) {
		const u8 *type;
		u8 _type;

		type = skb_header_pointer(skb, off, sizeof(_type), &_type);
		if (type)
			pk->infra = (*type >= ICMPV6_MGM_QUERY &&
				     *type <= NDISC_REDIRECT) ||
				    *type == ICMPV6_MLD2_REPORT;
	}
	return true;
}

/*
 * Judge @pk for container @c. @rec, if any, caches TCP verdicts; @quiet
 * (an established flow) counts and reports only a denial.
 * Return: true to drop.
 */
static bool crs_net_judge(struct crs_ctx *ctx, int dir, const struct crs_pkt *pk,
			  const char *program, struct crs_net_sock *rec,
			  bool quiet)
{
	const struct crs_rule *rule = NULL;
	struct crs_object obj = {
		.type = dir == CRS_NET_OUT ? CRS_RULE_NETWORK_OUTBOUND :
					     CRS_RULE_NETWORK_INBOUND,
		/* the socket owner's, current's in process context */
		.program = program,
		.family = pk->family,
		.addr = pk->addr,
		.port = pk->port,
		.protocol = pk->proto,
		.direction = dir == CRS_NET_IN,
		.syscall_nr = -1,
	};
	unsigned long key = crs_net_cache_key(ctx);
	bool deny;
	u8 action;

	if (rec && quiet) {
		unsigned long cache = READ_ONCE(rec->cache);

		if (cache && (cache & ~1UL) == key)
			return cache & 1;
	}
	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE) {
		if (!quiet)
			crs_verdict(ctx, NULL, CRS_ACTION_ALLOW, &obj);
		deny = false;
	} else {
		action = crs_net_decide(ctx, dir, pk, program, &rule);
		if (quiet && action == CRS_ACTION_ALLOW)
			deny = false;
		else
			deny = crs_verdict(ctx, rule, action, &obj);
	}
	if (rec)
		WRITE_ONCE(rec->cache, key | deny);
	return deny;
}

static struct sock *crs_net_lookup(struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	if (state->pf == NFPROTO_IPV4)
		return crs_nf.lookup4(state->net, skb, state->in);
	return crs_nf.lookup6(state->net, skb, state->in);
}

static unsigned int crs_net_out(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct crs_net_ns *ns = priv;
	struct crs_net_sock *rec = NULL;
	struct crs_container *c = NULL;
	const char *program = NULL;
	struct crs_ctx ctx;
	struct crs_pkt pk;
	struct sock *sk;
	bool deny = false;
	bool full = false;
	bool quiet;
	int set;

	if (!crs_net_parse(skb, state->pf, CRS_NET_OUT, &pk) || pk.infra)
		return NF_ACCEPT;
	sk = skb_to_full_sk(skb);
	if (sk && !sk_fullsock(sk))
		sk = NULL;

	/*
	 * A task's own packet arrives here preemptible: the program
	 * identity and the path buffers are per CPU and used until the
	 * verdict is made, under the scratch lock as in a hook handler.
	 */
	set = crs_scratch_lock();
	rcu_read_lock();
	if (in_task() && crs_ctx_get(&ctx)) {
		/* current sends: it is the container and program */
		crs_ctx_put(&ctx);
		if (net_eq(ctx.c->net, state->net)) {
			c = ctx.c;
			program = crs_program_current(&ctx);
		}
		if (c && pk.proto == IPPROTO_TCP && sk) {
			rec = crs_net_sock_find(sk);
			if (pk.syn || !rec) {
				rec = crs_net_sock_set(sk, crs_net_quota_of(c),
						       c->id, program,
						       CRS_NET_OUT, 0, &full);
				/* an owner that cannot be recorded: fail closed */
				if (!rec && full) {
					deny = true;
					goto accept;
				}
			} else if (rec->dir != CRS_NET_OUT) {
				goto accept;
			} else {
				program = crs_net_owner(rec);
			}
		} else if (c && sk && crs_net_timer_sends(pk.proto)) {
			/* its timers resend: they are judged as its owner */
			rec = crs_net_sock_find(sk);
			if (!rec)
				rec = crs_net_sock_set(sk, crs_net_quota_of(c),
						       c->id, program,
						       CRS_NET_OUT, 0, NULL);
		} else if (!c) {
			goto accept;	/* an ungoverned task's packet */
		}
	} else {
		/* softirq or an ungoverned task: the socket's owner */
		rec = sk ? crs_net_sock_find(sk) : NULL;
		if (!rec || (rec->dir != CRS_NET_OUT &&
			     !crs_net_timer_sends(pk.proto)))
			goto accept;
		c = crs_net_container(ns, rec->cid);
		program = crs_net_owner(rec);
	}
	if (!c)
		goto accept;
	crs_ctx_fill(&ctx, c);
	/*
	 * A TCP flow is new on a SYN sent by a task; else it runs. What an
	 * SCTP or DCCP timer resends repeats its owner's verdict.
	 */
	quiet = (pk.proto == IPPROTO_TCP && (!pk.syn || !in_task())) ||
		(crs_net_timer_sends(pk.proto) && !in_task());
	deny = crs_net_judge(&ctx, CRS_NET_OUT, &pk, program, rec, quiet);
accept:
	rcu_read_unlock();
	crs_scratch_unlock(set);
	if (!deny)
		return NF_ACCEPT;
	/* tcp_connect() hands ECONNREFUSED to connect(); others see EPERM */
	return pk.proto == IPPROTO_TCP && pk.syn ? NF_DROP_ERR(-ECONNREFUSED) :
						   NF_DROP_ERR(-EPERM);
}

static unsigned int crs_net_in(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct crs_net_ns *ns = priv;
	struct crs_net_sock *rec = NULL;
	struct crs_container *c = NULL;
	const char *program = NULL;
	struct sock *sk = NULL;
	struct crs_ctx ctx;
	struct crs_pkt pk;
	bool deny = false;
	bool quiet = false;
	int set;

	if (!crs_net_parse(skb, state->pf, CRS_NET_IN, &pk) || pk.infra)
		return NF_ACCEPT;
	if (pk.proto == IPPROTO_TCP || pk.proto == IPPROTO_UDP ||
	    pk.proto == IPPROTO_UDPLITE) {
		sk = crs_net_lookup(skb, state);
		if (!sk)
			return NF_ACCEPT;	/* no receiver: the stack answers */
	}

	/* a verdict in task context may resolve current's program */
	set = crs_scratch_lock();
	rcu_read_lock();
	if (sk) {
		struct sock *full = sk_to_full_sk(sk);

		if (pk.proto == IPPROTO_TCP && !pk.syn &&
		    (!sk_fullsock(sk) || full->sk_state == TCP_LISTEN))
			goto accept;	/* handshake or time-wait: judged at SYN */
		rec = sk_fullsock(full) ? crs_net_sock_find(full) : NULL;
		if (rec) {
			if (pk.proto == IPPROTO_TCP && rec->dir == CRS_NET_OUT)
				goto accept;	/* a reply of our connection */
			c = crs_net_container(ns, rec->cid);
			program = crs_net_owner(rec);
		} else {
			c = crs_net_sole(ns);
			if (c && pk.proto == IPPROTO_TCP && !pk.syn)
				rec = crs_net_sock_set(full, crs_net_quota_of(c),
						       c->id, NULL,
						       CRS_NET_IN, 0, NULL);
		}
		quiet = pk.proto == IPPROTO_TCP && !pk.syn;
		/* a listener's cache is no flow's */
		if (pk.syn)
			rec = NULL;
	} else {
		c = crs_net_sole(ns);
	}
	if (!c)
		goto accept;
	crs_ctx_fill(&ctx, c);
	deny = crs_net_judge(&ctx, CRS_NET_IN, &pk, program, rec, quiet);
accept:
	rcu_read_unlock();
	crs_scratch_unlock(set);
	if (sk)
		sock_gen_put(sk);
	if (!deny)
		return NF_ACCEPT;
	/* refuse a connection with a reset; drop anything else */
	if (pk.proto == IPPROTO_TCP && pk.syn) {
		if (state->pf == NFPROTO_IPV4)
			crs_nf.reset4(state->net, NULL, skb, state->hook);
		else
			crs_nf.reset6(state->net, NULL, skb, state->hook);
	}
	return NF_DROP;
}

/*
 * Both hooks judge only the direction in which a flow was initiated; a
 * reply passes. ICMP errors related to a flow pass with it.
 */
static unsigned int crs_net_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct && ctinfo != IP_CT_UNTRACKED) {
		if (CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY)
			return NF_ACCEPT;
		if (ctinfo == IP_CT_RELATED)
			return NF_ACCEPT;
	}
	if (state->hook == NF_INET_LOCAL_OUT)
		return crs_net_out(priv, skb, state);
	return crs_net_in(priv, skb, state);
}

/* ------------------------------------------------------------------ */
/* Attach and detach */

static void crs_nf_put(void)
{
	if (!crs_nf.have)
		return;
	symbol_put(nf_ct_netns_get);
	symbol_put(nf_ct_netns_put);
	symbol_put(nf_sk_lookup_slow_v4);
	symbol_put(nf_sk_lookup_slow_v6);
	symbol_put(nf_send_reset);
	symbol_put(nf_send_reset6);
	memset(&crs_nf, 0, sizeof(crs_nf));
}

/* Take the netfilter modules' symbols we use. Process context. */
static int crs_nf_get(void)
{
	if (crs_nf.have)
		return 0;
	crs_nf.ct_get = symbol_request(nf_ct_netns_get);
	crs_nf.ct_put = symbol_request(nf_ct_netns_put);
	crs_nf.lookup4 = symbol_request(nf_sk_lookup_slow_v4);
	crs_nf.lookup6 = symbol_request(nf_sk_lookup_slow_v6);
	crs_nf.reset4 = symbol_request(nf_send_reset);
	crs_nf.reset6 = symbol_request(nf_send_reset6);
	crs_nf.have = true;
	if (crs_nf.ct_get && crs_nf.ct_put && crs_nf.lookup4 &&
	    crs_nf.lookup6 && crs_nf.reset4 && crs_nf.reset6)
		return 0;
	pr_err("network enforcement needs nf_conntrack, nf_socket_ipv4/6 and nf_reject_ipv4/6\n");
	if (crs_nf.ct_get)
		symbol_put(nf_ct_netns_get);
	if (crs_nf.ct_put)
		symbol_put(nf_ct_netns_put);
	if (crs_nf.lookup4)
		symbol_put(nf_sk_lookup_slow_v4);
	if (crs_nf.lookup6)
		symbol_put(nf_sk_lookup_slow_v6);
	if (crs_nf.reset4)
		symbol_put(nf_send_reset);
	if (crs_nf.reset6)
		symbol_put(nf_send_reset6);
	memset(&crs_nf, 0, sizeof(crs_nf));
	return -ENOENT;
}

static struct crs_net_ns *crs_net_ns_find(struct net *net)
{
	struct crs_net_ns *ns;

	list_for_each_entry(ns, &crs_net_namespaces, node)
		if (net_eq(ns->net, net))
			return ns;
	return NULL;
}

static struct crs_net_ns *crs_net_ns_get(struct net *net)
{
	struct crs_net_ns *ns = crs_net_ns_find(net);
	int i, ret;

	if (ns) {
		if (!ns->users++ && ns->idle_ref) {
			put_net(ns->idle_ref);	/* busy again */
			ns->idle_ref = NULL;
		}
		return ns;
	}
	ret = crs_nf_get();
	if (ret)
		return ERR_PTR(ret);
	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	ns->net = net;
	ns->users = 1;
	INIT_LIST_HEAD(&ns->containers);
	for (i = 0; i < 2; i++) {
		ns->ops[i].hook = crs_net_hook;
		ns->ops[i].priv = ns;
		ns->ops[i].pf = NFPROTO_INET;
		ns->ops[i].priority = NF_IP_PRI_SECURITY;
	}
	ns->ops[0].hooknum = NF_INET_LOCAL_OUT;
	ns->ops[1].hooknum = NF_INET_LOCAL_IN;
	ret = crs_nf.ct_get(net, NFPROTO_INET);
	if (ret)
		goto err_free;
	ret = nf_register_net_hooks(net, ns->ops, ARRAY_SIZE(ns->ops));
	if (ret)
		goto err_ct;
	list_add(&ns->node, &crs_net_namespaces);
	atomic_inc(&crs_net_hooked);
	return ns;

err_ct:
	crs_nf.ct_put(net, NFPROTO_INET);
err_free:
	kfree(ns);
	return ERR_PTR(ret);
}

static void crs_net_ns_release(struct crs_net_ns *ns)
{
	struct net *net = ns->idle_ref;

	nf_unregister_net_hooks(ns->net, ns->ops, ARRAY_SIZE(ns->ops));
	crs_nf.ct_put(ns->net, NFPROTO_INET);
	list_del(&ns->node);
	atomic_dec(&crs_net_hooked);
	kfree_rcu(ns, rcu);
	if (net)
		put_net(net);
}

/*
 * A namespace whose last container went away keeps its hooks for a few
 * seconds (holding the namespace): registering netfilter hooks switches
 * the kernel's static keys, i.e. patches kernel text, and containers that
 * come and go must not do that on every start and exit.
 */
static void crs_net_idle(struct work_struct *w)
{
	struct crs_net_ns *ns, *tmp;

	mutex_lock(&crs_lock);
	list_for_each_entry_safe(ns, tmp, &crs_net_namespaces, node)
		if (!ns->users)
			crs_net_ns_release(ns);
	mutex_unlock(&crs_lock);
}

static DECLARE_DELAYED_WORK(crs_net_idle_work, crs_net_idle);

static void crs_net_ns_put(struct crs_net_ns *ns)
{
	if (--ns->users)
		return;
	/* a container still holds the namespace: safe to take it */
	ns->idle_ref = get_net(ns->net);
	mod_delayed_work(system_wq, &crs_net_idle_work, 5 * HZ);
}

/**
 * crs_net_attach() - enforce network rules in @c's network namespace
 * @c: a container being bound; c->net set and referenced
 *
 * Context: process context, crs_lock held.
 * Return: 0, -ENOENT (netfilter modules missing) or -ENOMEM.
 */
int crs_net_attach(struct crs_container *c)
{
	struct crs_net_att *a;
	struct crs_net_ns *ns;

	lockdep_assert_held(&crs_lock);
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->quota = kzalloc(sizeof(*a->quota), GFP_KERNEL_ACCOUNT);
	if (!a->quota) {
		kfree(a);
		return -ENOMEM;
	}
	refcount_set(&a->quota->ref, 1);
	ns = crs_net_ns_get(c->net);
	if (IS_ERR(ns)) {
		kfree(a->quota);
		kfree(a);
		return PTR_ERR(ns);
	}
	a->c = c;
	a->ns = ns;
	list_add_tail_rcu(&a->node, &ns->containers);
	c->net_priv = a;
	return 0;
}

/**
 * crs_net_detach() - stop enforcing network rules for @c
 * @c: a container being unbound (or whose bind failed after attach)
 *
 * The container is freed after a grace period, after this returns.
 *
 * Context: process context, crs_lock held.
 */
void crs_net_detach(struct crs_container *c)
{
	struct crs_net_att *a = c->net_priv;

	lockdep_assert_held(&crs_lock);
	if (!a)
		return;
	list_del_rcu(&a->node);
	crs_net_ns_put(a->ns);
	WRITE_ONCE(c->net_priv, NULL);
	/* hooks that found a still use a->quota under RCU: put it after */
	crs_net_quota_put(a->quota);
	kfree_rcu(a, rcu);
}

int crs_net_init(void)
{
	return rhashtable_init(&crs_net_socks, &crs_net_sock_params);
}

static void crs_net_sock_destroy(void *ptr, void *arg)
{
	crs_net_sock_free(ptr);
}

/* Context: module exit, every container detached, the hooks removed. */
void crs_net_exit(void)
{
	cancel_delayed_work_sync(&crs_net_idle_work);
	crs_net_idle(NULL);
	WARN_ON(!list_empty(&crs_net_namespaces));
	synchronize_net();
	rcu_barrier();		/* crs_net_sock_free_rcu, kfree_rcu */
	rhashtable_free_and_destroy(&crs_net_socks, crs_net_sock_destroy, NULL);
	crs_nf_put();
}
