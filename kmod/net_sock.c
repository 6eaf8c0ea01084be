// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the owners of sockets, for network verdicts (net.c).
 *
 * Socket owners are recorded when a governed task binds, listens or sends
 * a SYN, copied to accepted sockets, and forgotten when the socket is
 * freed (ftrace hooks, see hooks.c). The records are charged to their
 * container (max_container_sockets) and capped host-wide (max_sockets).
 *
 * TCP verdicts are cached per socket together with the compiled table's
 * epoch and the mode: an established flow is judged again after the
 * policy or mode changed, and only a denial is then counted and reported.
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
#include "file_rules.h"
#include "hook_deny.h"
#include "net_rules.h"
#include "net_sock.h"
#include "program.h"
#include "verdict.h"

/* Namespaces hooked (net.c counts them); the handlers return at once while 0. */
atomic_t crs_net_hooked = ATOMIC_INIT(0);

struct rhashtable crs_net_socks;
atomic_t crs_net_nsocks = ATOMIC_INIT(0);

static unsigned int max_sockets = 1 << 20;
module_param(max_sockets, uint, 0644);
MODULE_PARM_DESC(max_sockets, "Most sockets whose owner is recorded (default 1048576)");

static unsigned int max_container_sockets = 1 << 16;
module_param(max_container_sockets, uint, 0644);
MODULE_PARM_DESC(max_container_sockets,
		 "Most sockets whose owner is recorded per container; beyond it the container's bind and listen fail with ENOBUFS and its connections are refused (default 65536)");

/* ------------------------------------------------------------------ */
/* Socket owners */

/**
 * crs_net_quota_put() - drop a reference on a container's socket quota
 * @q: the quota, or NULL
 *
 * Context: any; frees @q after an RCU grace period with its last
 * reference.
 */
void crs_net_quota_put(struct crs_net_quota *q)
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

/**
 * crs_net_quota_of() - what @c's socket-owner records are charged to
 * @c: a container (RCU read lock held)
 *
 * Context: any, RCU read lock held.
 * Return: the quota, no reference taken; NULL once @c is unbound.
 */
struct crs_net_quota *crs_net_quota_of(struct crs_container *c)
{
	struct crs_net_att *a = READ_ONCE(c->net_priv);

	return a ? a->quota : NULL;
}

/**
 * crs_net_sock_set() - record (or replace) the owner of a socket
 * @sk: the socket (no reference kept: the record goes with sk_free())
 * @q: the quota to charge (crs_net_quota_of())
 * @cid: the owner's container id
 * @program: the owner's program, or NULL when unknown
 * @dir: CRS_NET_OUT for a connected socket, else CRS_NET_IN
 * @cache: its cached TCP verdict (struct crs_net_sock.cache), 0 for none
 * @full: out, may be NULL: why NULL was returned
 *
 * Context: any, RCU read lock held; allocates with GFP_ATOMIC.
 * Return: the record, or NULL: then *@full says whether it was for want
 * of room (out of memory, max_sockets, @q's max_container_sockets: the
 * callers fail closed) or because @q's container is being unbound (@q
 * NULL or released: judged as before).
 */
struct crs_net_sock *crs_net_sock_set(const struct sock *sk,
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

/**
 * crs_net_cache_key() - the key a socket's cached TCP verdict is valid for
 * @ctx: the deciding container context
 *
 * Context: any.
 * Return: the compiled table's epoch, the mode and the deny bit's slot
 * (struct crs_net_sock.cache without the verdict).
 */
unsigned long crs_net_cache_key(const struct crs_ctx *ctx)
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

/**
 * crs_net_sock_init() - set up the socket-owner table
 * Context: module init. Return: 0 or -ENOMEM.
 */
int crs_net_sock_init(void)
{
	return rhashtable_init(&crs_net_socks, &crs_net_sock_params);
}

static void crs_net_sock_destroy(void *ptr, void *arg)
{
	crs_net_sock_free(ptr);
}

/**
 * crs_net_sock_exit() - free every socket-owner record and the table
 * Context: module exit, the hooks removed and an RCU barrier passed.
 */
void crs_net_sock_exit(void)
{
	rhashtable_free_and_destroy(&crs_net_socks, crs_net_sock_destroy, NULL);
}
