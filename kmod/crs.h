/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: declarations shared by the module's subsystems.
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

/* Global verdict and event counters, summed for CRS_CMD_GET_STATUS. */
struct crs_stats {
	struct percpu_counter allowed;
	struct percpu_counter denied;
	struct percpu_counter monitored;
	struct percpu_counter events_sent;
	struct percpu_counter events_lost;
	struct percpu_counter unnamed;	/* paths d_path() could not name */
	struct percpu_counter events_unheard;	/* produced with no listener */
};

extern struct crs_stats crs_stats;

/* Per-container verdict counters (per cpu). */
struct crs_hits {
	u64 allowed;
	u64 denied;
	u64 monitored;
};

/*
 * Per-rule verdict counters: shared atomics, so a rule costs the same
 * whatever the number of possible CPUs (per-CPU counters cost 24 bytes
 * times num_possible_cpus() per rule: 245 MB for 40,000 rules on a
 * 256-CPU host). Only a verdict that a rule decides touches them;
 * default verdicts do not.
 */
struct crs_rule_hits {
	atomic64_t allowed;
	atomic64_t denied;
	atomic64_t monitored;
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
	u64 allowed;
	u64 denied;
	u64 monitored;
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
	bool ns_dying;			/* its init exits (crs_hook_zap_pid_ns()) */
	struct crs_container_stats __percpu *stats;
	u64 unheard_reported;		/* of stats->events_unheard; crs_lock */
	void *learn;			/* learning set, owned by learn.c */
	void *net_priv;			/* owned by net.c */
	void *file_priv;		/* owned by file.c (resolved programs) */
	struct crs_root *root;		/* where its paths start (container.c) */
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
/* Enabled while at least one container is bound: hooks bail out early. */
extern struct static_key_false_deferred crs_active;

/* Deferred frees run here; drained at module exit. */
extern struct workqueue_struct *crs_wq;

/* policy.c (all under crs_lock unless stated) */
int crs_policy_init(void);
void crs_policy_exit(void);
struct crs_policy_slot *crs_policy_slot_find(const char *name);
int crs_policy_set(struct sk_buff *skb, struct genl_info *info);
int crs_policy_del(const char *name, bool force,
		   struct netlink_ext_ack *extack);
void crs_policy_release_portid(u32 portid);
extern struct list_head crs_policies;
extern u64 crs_policies_gen;
u32 crs_policy_count(u32 *nrules, u64 *mem);

/* container.c */
extern struct list_head crs_containers;
extern atomic64_t crs_containers_unheard_gone;
extern u64 crs_containers_gen;
int crs_container_init(void);
void crs_container_exit(void);
struct crs_container *crs_container_of(struct task_struct *task);
void crs_ctx_fill(struct crs_ctx *ctx, struct crs_container *c);
bool __crs_ctx_get(struct crs_ctx *ctx);
/* container.c: bit N set while a container is bound at pid ns level N */
extern u64 crs_bound_levels;

/*
 * May current be in a bound container? Inline, without RCU: a static
 * branch while nothing is bound anywhere, then whether any container is
 * bound at current's pid namespace level or above (current's struct pid
 * and its level are stable for current). A task on the host answers
 * "no" here while only containers are bound.
 */
static __always_inline bool crs_ctx_maybe(void)
{
	struct pid *pid;

	if (!static_branch_unlikely(&crs_active.key))
		return false;
	/* NULL once an exiting task was released (__change_pid()) */
	pid = task_pid(current);
	return pid && (READ_ONCE(crs_bound_levels) &
		       GENMASK_ULL(pid->level, 0));
}

/* true: the RCU read lock is held; written so sparse can follow it */
#define crs_ctx_get(ctx) __cond_lock(RCU, crs_ctx_maybe() && __crs_ctx_get(ctx))
void crs_container_reap(void);
bool crs_containers_need_syscalls(void);
bool crs_containers_learning(void);

/* Whether containers bound to @p need the system call dispatch hooks. */
static inline bool crs_policy_needs_syscalls(const struct crs_policy *p)
{
	return p && p->sys;
}
struct crs_container *crs_container_bind(pid_t pid, bool host,
					 const struct path *rootfs,
					 struct netlink_ext_ack *extack);
struct crs_container *crs_container_find_pid(pid_t pid,
					     struct netlink_ext_ack *extack);
void crs_container_unbind(struct crs_container *c);
struct crs_container *crs_container_find_ns(struct pid_namespace *ns);
#define CRS_MODE_KEEP (-2)
void crs_container_set_policy(struct crs_container *c,
			      struct crs_policy_slot *slot, int mode);
u32 crs_container_count(void);
void crs_container_stats_sum(struct crs_container *c,
			     struct crs_container_stats *sum);

/**
 * crs_ctx_put() - end the RCU section begun by a successful crs_ctx_get()
 * @ctx: the context
 */
static inline void crs_ctx_put(struct crs_ctx *ctx)
	__releases(RCU)
{
	rcu_read_unlock();
}

/* verdict.c */
extern bool crs_log_denials;
bool crs_verdict(struct crs_ctx *ctx, const struct crs_rule *rule, u8 action,
		 const struct crs_object *obj);
bool crs_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			 const char *program);

/* hooks.c: install every hook; the deny landing functions */
int crs_hooks_init(void);
void crs_hooks_exit(void);
unsigned int crs_hooks_installed(void);
int crs_hooks_syscall_arm(void);

/* program.c: program identity of current, cached per exec */
int crs_program_init(void);
void crs_program_exit(void);
const char *crs_program_current(struct crs_ctx *ctx);
unsigned int crs_program_count(void);

/* file.c */
int crs_file_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_file_free(struct crs_policy *p);

/* net.c */
int crs_net_init(void);
void crs_net_exit(void);
int crs_net_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_net_free(struct crs_policy *p);
int crs_net_attach(struct crs_container *c);
void crs_net_detach(struct crs_container *c);

/* syscall.c */
int crs_syscall_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_syscall_free(struct crs_policy *p);
void crs_syscall_note(const struct crs_policy *p);
void crs_syscall_note_all(void);
void crs_syscall_refresh(void);
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

extern unsigned long crs_sys_any[__CRS_SYS_ARCH_MAX][BITS_TO_LONGS(CRS_NR_SYSCALLS)];
extern bool crs_sys_all;

/**
 * crs_syscall_unjudged() - is system call @nr of @arch judged by no
 * stored policy and no learning container?
 * @arch: CRS_SYS_X86_64 or CRS_SYS_I386
 * @nr: the call's number
 *
 * Then every container's table would allow it: the hooks let it run
 * before anything else (crs_hook_entry_syscall() for x64_sys_call()).
 * Inline: it runs in an ftrace callback before its recursion guard.
 *
 * Context: any; reads two words, takes no lock.
 * Return: true when no policy and no learning container judges it.
 */
static __always_inline bool crs_syscall_unjudged(int arch, unsigned int nr)
{
	return nr < CRS_NR_SYSCALLS && !READ_ONCE(crs_sys_all) &&
	       !test_bit(nr, crs_sys_any[arch]);
}

/* event.c */
int crs_event_init(const struct genl_family *fam);
void crs_event_exit(void);
void crs_event_listener_joined(void);
void crs_event_emit(struct crs_ctx *ctx, const struct crs_rule *rule,
		    u8 outcome, const struct crs_object *obj);
u64 crs_event_mem(void);

/* learn.c */
void crs_learn_record(struct crs_ctx *ctx, const struct crs_object *obj);
void crs_learn_free(struct crs_container *c);

/* netlink.c */
int crs_netlink_init(void);
void crs_netlink_exit(void);
const struct genl_family *crs_netlink_family(void);

#endif /* _CRS_H */
