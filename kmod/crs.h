/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the object model every part of the module shares (the bottom
 * layer: types, the three module globals main.c sets up, the one exec
 * test). What each part exports is declared in its own header.
 *
 * Object model
 *
 *   struct crs_policy   an immutable compiled policy. Replaced, never
 *                       changed: a new one is built and published with
 *                       rcu_assign_pointer() into its crs_policy_slot.
 *   struct crs_policy_slot  a policy name; containers point at the slot,
 *                       so replacing a policy re-binds every container
 *                       using it at once.
 *   struct crs_container  a bound pid namespace (reference held) and the
 *                       network namespace captured at apply time.
 *
 * Hot path (hooks): rcu_read_lock(); crs_ctx_get(); decide with the
 * compiled tables; crs_verdict(); crs_ctx_put() (i.e. rcu_read_unlock()).
 * All hook handlers run with preemption disabled (ftrace callbacks)
 * or in softirq (netfilter): no sleeping there.
 */
#ifndef _CRS_H
#define _CRS_H

#include <linux/kref.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/percpu_counter.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/jump_label.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/bits.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <uapi/linux/crs.h>
#include <asm/unistd.h>

#ifndef CRS_VERSION
#define CRS_VERSION "unknown"
#endif

struct netlink_ext_ack;
struct nlattr;
struct pid_namespace;
struct net;
struct task_struct;
struct path;
struct crs_root;
struct crs_program;
struct sk_buff;
struct genl_info;
struct genl_family;

/*
 * The outcomes a verdict counts, each counter array indexed by enum
 * crs_outcome: CRS_OUTCOME_ALLOWED, _DENIED and _MONITOR.
 */
#define CRS_VERDICT_OUTCOMES	(CRS_OUTCOME_MONITOR + 1)

/* Global verdict and event counters, summed for CRS_CMD_GET_STATUS. */
struct crs_stats {
	struct percpu_counter verdicts[CRS_VERDICT_OUTCOMES];
	struct percpu_counter events_sent;
	struct percpu_counter events_lost;
	struct percpu_counter unnamed;	/* paths d_path() could not name */
	struct percpu_counter events_unheard;	/* produced with no listener */
};

extern struct crs_stats crs_stats;

/*
 * Per-rule verdict counters: shared atomics, so a rule costs the same
 * whatever the number of possible CPUs (per-CPU counters cost 24 bytes
 * times num_possible_cpus() per rule: 245 MB for 40,000 rules on a
 * 256-CPU host). Only a verdict that a rule decides touches them;
 * default verdicts do not.
 */
struct crs_rule_hits {
	atomic64_t verdicts[CRS_VERDICT_OUTCOMES];
};

/* Scalar syscall argument constraint (arg1..arg6 -> index 0..5). */
struct crs_arg {
	u8 index;
	u8 op;			/* enum crs_arg_op */
	u8 type[2];		/* enum crs_arg_type, by enum crs_arch */
	u64 value;
	u64 mask;
};

#define CRS_MAX_ARGS 6

/* One rule as pushed; which fields count depends on @type. */
struct crs_rule {
	char *name;
	u8 type;		/* enum crs_rule_type */
	u8 action;		/* enum crs_action */
	bool inactive;
	char *program;		/* NULL means "*" */
	/* READ, WRITE and execve/execveat SYSCALL rules */
	char *file;		/* NULL when absent */
	/* NETWORK_* */
	bool has_addr;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 prefix;		/* prefix length in bits of @addr */
	struct in6_addr addr;	/* IPv4 as ::ffff:a.b.c.d; prefix then +96 */
	u16 port_lo, port_hi;	/* 0..65535 when absent */
	bool has_port;		/* ports given: TCP, UDP, SCTP, DCCP only */
	u8 protocol;		/* CRS_PROTO_* */
	/* SYSCALL */
	s32 nr64;		/* x86_64 number, -1 if none */
	s32 nr32;		/* i386 number, -1 if none */
	char *syscall_name;
	u8 nargs;
	u16 err;		/* errno of a denial; 0 means EPERM */
	struct crs_arg args[CRS_MAX_ARGS];
	struct crs_rule_hits *hits;	/* in crs_policy.hits */
};

/* Which default action: index into crs_policy.def[]. */
enum crs_default {
	CRS_DEF_FILE,
	CRS_DEF_NETWORK,
	CRS_DEF_EXECUTE,
	CRS_DEF_SYSCALL,
	__CRS_DEF_MAX
};

#define CRS_NR_SYSCALLS 512	/* bitmap size for both architectures */

/* The system call tables crs judges (syscall.c) */
enum {
	CRS_SYS_X86_64,
	CRS_SYS_I386,
	__CRS_SYS_ARCH_MAX
};

struct crs_file_table;
struct crs_net_table;
struct crs_syscall_table;

/* A compiled, immutable policy. Freed after an RCU grace period. */
struct crs_policy {
	struct rcu_work free_work;	/* freed in process context after GP */
	char name[CRS_NAME_MAX];
	char *description;
	u8 mode;			/* enum crs_policy_mode */
	u8 def[__CRS_DEF_MAX];		/* enum crs_action */
	u16 def_errno;			/* default syscall denial; 0: EPERM */
	DECLARE_BITMAP(ignored64, CRS_NR_SYSCALLS);
	DECLARE_BITMAP(ignored32, CRS_NR_SYSCALLS);
	u32 nrules;
	struct crs_rule *rules;
	struct crs_rule_hits *hits;	/* rules[i].hits == &hits[i] */
	u64 generation;
	size_t mem;			/* bytes, approximate */
	/* compiled by file.c, net.c, syscall.c */
	struct crs_file_table *file;
	struct crs_net_table *net;
	struct crs_syscall_table *sys;
};

/* A policy name; containers point here. Freed with RCU. */
struct crs_policy_slot {
	struct list_head node;		/* crs_policies, under crs_lock */
	struct rcu_head rcu;
	struct crs_policy __rcu *policy;
	u32 users;			/* containers bound, under crs_lock */
	char name[CRS_NAME_MAX];
};

/* Per-container counters. */
struct crs_container_stats {
	u64 verdicts[CRS_VERDICT_OUTCOMES];
	u64 events_lost;
	u64 events_unheard;	/* audit events produced with no listener */
};

/* A bound container: a pid namespace we hold a reference to. */
struct crs_container {
	struct rhash_head node;		/* crs_containers, keyed by pidns */
	struct list_head list;		/* all containers, under crs_lock */
	struct rcu_work free_work;	/* freed in process context after GP */
	struct pid_namespace *pidns;	/* key; reference held */
	struct net *net;		/* captured at apply; reference held */
	u64 id;				/* pidns inode number */
	u64 netns_id;			/* netns inode number */
	pid_t pid;			/* the pid it was applied with (init ns) */
	/* slot and mode_override change together (crs_ctx_fill()) */
	seqcount_t seq;
	struct crs_policy_slot __rcu *slot;	/* NULL: no policy */
	s8 mode_override;		/* -1 or enum crs_policy_mode */
	u8 log_mode;			/* enum crs_log_mode */
	bool learning;
	bool dead;			/* unbound; being freed */
	struct crs_container_stats __percpu *stats;
	u64 unheard_reported;		/* of stats->events_unheard; crs_lock */
	void *learn;			/* learning set, owned by learn.c */
	void *net_priv;			/* owned by net.c */
	void *file_priv;		/* owned by file.c (resolved programs) */
	struct crs_root *root;		/* where its paths start (root.c) */
	atomic_t resolve_gen;		/* bumped when names must be resolved again */
};

/*
 * The decision context of one hooked call: valid between crs_ctx_get()
 * and crs_ctx_put(), inside one RCU read-side section.
 */
struct crs_ctx {
	struct crs_container *c;
	struct crs_policy *p;		/* NULL if no policy bound */
	u8 mode;			/* effective enum crs_policy_mode */
	/* current's program, once crs_program_get() resolved it */
	const struct crs_program *prog;
};

/* What a verdict was about; for events and learning. */
struct crs_object {
	u8 type;			/* enum crs_rule_type */
	/* the program, when not current's (e.g. a socket's owner); or NULL */
	const char *program;
	const char *path;		/* file, or executed program */
	u8 family;			/* AF_INET / AF_INET6, 0 if none */
	struct in6_addr addr;		/* remote address */
	u16 port;			/* remote port (out) / local (in) */
	u8 protocol;
	u8 direction;			/* 0 outbound, 1 inbound */
	s32 syscall_nr;			/* -1 if none */
	u8 arch;			/* enum crs_arch */
};

/* Serialises every change to policies and containers. */
extern struct mutex crs_lock;

/* Deferred frees run here; drained at module exit. */
extern struct workqueue_struct *crs_wq;

/* the one test of "is this an exec", for numbers and for rules */
/**
 * crs_nr_is_exec() - is system call @nr of @arch an exec?
 * @arch: CRS_SYS_X86_64 or CRS_SYS_I386
 * @nr: the call's number (negative: none)
 *
 * Return: true for execve and execveat.
 */
static inline bool crs_nr_is_exec(int arch, int nr)
{
	if (arch == CRS_SYS_X86_64)
		return nr == __NR_execve || nr == __NR_execveat;
	return nr == __NR_ia32_execve || nr == __NR_ia32_execveat;
}

/**
 * crs_rule_is_exec() - does SYSCALL rule @r name an exec (an Execution
 * rule when it has a file)?
 * @r: a rule
 *
 * Return: true for a SYSCALL rule on execve or execveat.
 */
static inline bool crs_rule_is_exec(const struct crs_rule *r)
{
	return r->type == CRS_RULE_SYSCALL &&
	       (crs_nr_is_exec(CRS_SYS_X86_64, r->nr64) ||
		crs_nr_is_exec(CRS_SYS_I386, r->nr32));
}

#endif /* _CRS_H */
