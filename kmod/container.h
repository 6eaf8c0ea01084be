/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: bound containers: the table and the hooks' lookup (container.c).
 * Binding, unbinding and a container's end: container_bind.h.
 */
#ifndef _CRS_CONTAINER_H
#define _CRS_CONTAINER_H

#include <linux/jump_label_ratelimit.h>
#include <linux/pid.h>
#include <linux/sched.h>

#include "crs.h"

/* Enabled while at least one container is bound: hooks bail out early. */
extern struct static_key_false_deferred crs_active;
extern struct list_head crs_containers;
extern atomic64_t crs_containers_unheard_gone;
extern u64 crs_containers_gen;
int crs_container_init(void);
void crs_container_exit(void);
struct crs_container *crs_container_of(struct task_struct *task);
void crs_ctx_fill(struct crs_ctx *ctx, struct crs_container *c);
bool __crs_ctx_get(struct crs_ctx *ctx);
/* bit N set while a container is bound at pid ns level N */
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

struct netlink_ext_ack;
struct path;

/* the lookup; all under crs_lock unless stated */
bool crs_containers_need_syscalls(void);
bool crs_containers_learning(void);
struct crs_container *crs_container_find_ns(const struct pid_namespace *ns);
struct task_struct *crs_task_of(pid_t nr, struct netlink_ext_ack *extack);
struct crs_container *crs_container_find_pid(pid_t pid,
					     struct netlink_ext_ack *extack);
u32 crs_container_count(void);
void crs_container_stats_sum(struct crs_container *c,
			     struct crs_container_stats *sum);

/* the table, for container_bind.c */
int crs_container_insert(struct crs_container *c);
void crs_container_remove(struct crs_container *c);

/* its policy slot and policy mode (CRS_MODE_KEEP: the mode stays) */
#define CRS_MODE_KEEP (-2)
void crs_container_set_policy(struct crs_container *c,
			      struct crs_policy_slot *slot, int mode);

/**
 * crs_ctx_put() - end the RCU section begun by a successful crs_ctx_get()
 * @ctx: the context
 */
static inline void crs_ctx_put(struct crs_ctx *ctx)
	__releases(RCU)
{
	rcu_read_unlock();
}

#endif /* _CRS_CONTAINER_H */
