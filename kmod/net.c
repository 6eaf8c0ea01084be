// SPDX-License-Identifier: GPL-2.0
/*
 * crs: NETWORK_OUTBOUND and NETWORK_INBOUND enforcement on netfilter: the
 * hooks, and their attachment to network namespaces. Rules are compiled
 * and matched in net_rules.c, socket owners recorded in net_sock.c.
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
 * of the receiving socket.
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
#include "container.h"
#include "net.h"
#include "net_rules.h"
#include "net_sock.h"
#include "program.h"
#include "verdict.h"

static LIST_HEAD(crs_net_namespaces);

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
	return crs_net_sock_init();
}

/* Context: module exit, every container detached, the hooks removed. */
void crs_net_exit(void)
{
	cancel_delayed_work_sync(&crs_net_idle_work);
	crs_net_idle(NULL);
	WARN_ON(!list_empty(&crs_net_namespaces));
	synchronize_net();
	rcu_barrier();		/* crs_net_sock_free_rcu, kfree_rcu */
	crs_net_sock_exit();
	crs_nf_put();
}

