/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the owners of sockets (net_sock.c), and the types net.c (the
 * netfilter hooks and the namespaces they are attached to) shares with
 * it; the rules both match are net_rules.h's.
 */
#ifndef _CRS_NET_SOCK_H
#define _CRS_NET_SOCK_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <linux/types.h>

#include "crs.h"
#include "net_rules.h"

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

/* net_sock.c: the socket-owner table */
static const struct rhashtable_params crs_net_sock_params = {
	.key_len = sizeof(const struct sock *),
	.key_offset = offsetof(struct crs_net_sock, sk),
	.head_offset = offsetof(struct crs_net_sock, node),
	.automatic_shrinking = true,
};
extern struct rhashtable crs_net_socks;
extern atomic_t crs_net_nsocks;
/* net.c: namespaces hooked; the hook handlers return at once while 0 */
extern atomic_t crs_net_hooked;

static inline struct crs_net_sock *crs_net_sock_find(const struct sock *sk)
{
	if (!atomic_read(&crs_net_nsocks))
		return NULL;
	return rhashtable_lookup(&crs_net_socks, &sk, crs_net_sock_params);
}

/* The owner's program, NULL when unknown. */
static inline const char *crs_net_owner(const struct crs_net_sock *s)
{
	return s->program[0] ? s->program : NULL;
}

/*
 * Connection protocols other than TCP whose kernel timers send on a
 * socket's behalf (SCTP INIT and DATA retransmits, DCCP's REQUEST): the
 * socket's owner is recorded on its first packet sent by a task.
 */
static inline bool crs_net_timer_sends(u8 proto)
{
	return proto == IPPROTO_SCTP || proto == IPPROTO_DCCP;
}

void crs_net_quota_put(struct crs_net_quota *q);
struct crs_net_quota *crs_net_quota_of(struct crs_container *c);
struct crs_net_sock *crs_net_sock_set(const struct sock *sk,
				      struct crs_net_quota *q, u64 cid,
				      const char *program, u8 dir,
				      unsigned long cache, bool *full);
unsigned long crs_net_cache_key(const struct crs_ctx *ctx);
int crs_net_sock_init(void);
void crs_net_sock_exit(void);

/* net_sock.c: socket owners: security_socket_bind(sock, addr, len),
 * security_socket_listen(sock, backlog), security_inet_csk_clone(newsk,
 * req) (an accepted socket), security_sk_free(sk)
 */
int crs_hook_socket_bind(struct pt_regs *regs);
int crs_hook_socket_listen(struct pt_regs *regs);
int crs_hook_inet_csk_clone(struct pt_regs *regs);
int crs_hook_sk_free(struct pt_regs *regs);
/* net_sock.c: security_socket_create(family, type, protocol, kern) */
int crs_hook_socket_create(struct pt_regs *regs);


#endif /* _CRS_NET_SOCK_H */
