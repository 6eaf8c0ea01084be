/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the stored policies (policy.c): slots by name, replaced whole under
 * crs_lock and read under RCU.
 */
#ifndef _CRS_POLICY_H
#define _CRS_POLICY_H

#include "crs.h"

/* all under crs_lock unless stated */
int crs_policy_init(void (*tables_free)(struct crs_policy *p));
void crs_policy_exit(void);
struct crs_policy_slot *crs_policy_slot_find(const char *name);
int crs_policy_publish(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_policy_remove(struct crs_policy_slot *slot);
void crs_policy_free_now(struct crs_policy *p);
void crs_rule_clear(struct crs_rule *r);
extern struct list_head crs_policies;
extern u64 crs_policies_gen;
u32 crs_policy_count(u32 *nrules, u64 *mem);

/* Whether containers bound to @p need the system call dispatch hooks. */
static inline bool crs_policy_needs_syscalls(const struct crs_policy *p)
{
	return p && p->sys;
}

#endif /* _CRS_POLICY_H */
