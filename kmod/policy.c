// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the stored policies. A policy is compiled once (netlink_policy.c)
 * and published into its name's slot with rcu_assign_pointer(): a reader
 * sees the old or the new policy whole; the old one is freed after a
 * grace period. Containers point at slots, so replacing a policy re-binds
 * every container using it at once.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "crs.h"
#include "policy.h"

static unsigned int max_policies = 1024;
module_param(max_policies, uint, 0644);
MODULE_PARM_DESC(max_policies, "Most policies stored (default 1024)");

LIST_HEAD(crs_policies);
u64 crs_policies_gen;
static u32 crs_npolicies;
/* frees what the rule subsystems compiled into a policy (crs_policy_init()) */
static void (*crs_tables_free)(struct crs_policy *p);

/**
 * crs_rule_clear() - free what rule @r holds and zero it
 * @r: a rule
 *
 * Context: process context.
 */
void crs_rule_clear(struct crs_rule *r)
{
	kfree(r->name);
	kfree(r->program);
	kfree(r->file);
	kfree(r->syscall_name);
	memset(r, 0, sizeof(*r));
}

/**
 * crs_policy_free_now() - free @p and what was compiled into it
 * @p: a policy no reader can see (never published, or after a grace
 *	period), or NULL
 *
 * Context: process context.
 */
void crs_policy_free_now(struct crs_policy *p)
{
	u32 i;

	if (!p)
		return;
	crs_tables_free(p);
	for (i = 0; i < p->nrules; i++)
		crs_rule_clear(&p->rules[i]);
	kvfree(p->rules);
	kvfree(p->hits);
	kfree(p->description);
	kfree(p);
}

static void crs_policy_free_work(struct work_struct *w)
{
	struct crs_policy *p = container_of(to_rcu_work(w), struct crs_policy,
					    free_work);

	crs_policy_free_now(p);
}

/* Free @p after a grace period, in process context. */
static void crs_policy_free_rcu(struct crs_policy *p)
{
	INIT_RCU_WORK(&p->free_work, crs_policy_free_work);
	queue_rcu_work(crs_wq, &p->free_work);
}

/**
 * crs_policy_slot_find() - look a policy name up
 * @name: the policy name
 *
 * Context: crs_lock held.
 * Return: the slot, or NULL.
 */
struct crs_policy_slot *crs_policy_slot_find(const char *name)
{
	struct crs_policy_slot *s;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(s, &crs_policies, node)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/**
 * crs_policy_publish() - store @p under its name, replacing the policy of
 * that name if there is one
 * @p: a compiled policy; consumed (published, or freed on error)
 * @extack: error report
 *
 * Containers bound to the name run on @p from here on.
 *
 * Context: crs_lock held; process context.
 * Return: 0, -ENOSPC (max_policies) or -ENOMEM.
 */
int crs_policy_publish(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	struct crs_policy_slot *slot;
	struct crs_policy *old;

	lockdep_assert_held(&crs_lock);
	slot = crs_policy_slot_find(p->name);
	if (!slot) {
		if (crs_npolicies >= max_policies) {
			NL_SET_ERR_MSG(extack, "too many policies (module parameter max_policies)");
			crs_policy_free_now(p);
			return -ENOSPC;
		}
		slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
		if (!slot) {
			crs_policy_free_now(p);
			return -ENOMEM;
		}
		strscpy(slot->name, p->name, sizeof(slot->name));
		RCU_INIT_POINTER(slot->policy, p);
		list_add_tail(&slot->node, &crs_policies);
		crs_npolicies++;
	} else {
		old = rcu_dereference_protected(slot->policy,
						lockdep_is_held(&crs_lock));
		p->generation = old->generation + 1;
		rcu_assign_pointer(slot->policy, p);
		crs_policy_free_rcu(old);
	}
	crs_policies_gen++;
	return 0;
}

/**
 * crs_policy_remove() - delete the policy of @slot
 * @slot: a stored policy's slot no container is bound to any more
 *
 * The slot and its policy are freed after a grace period.
 *
 * Context: crs_lock held; process context.
 */
void crs_policy_remove(struct crs_policy_slot *slot)
{
	lockdep_assert_held(&crs_lock);
	list_del(&slot->node);
	crs_npolicies--;
	crs_policies_gen++;
	crs_policy_free_rcu(rcu_dereference_protected(slot->policy,
						      lockdep_is_held(&crs_lock)));
	kfree_rcu(slot, rcu);
}

/**
 * crs_policy_count() - number of stored policies, their rules and memory
 * @nrules: out: rules in all policies
 * @mem: out: approximate bytes
 *
 * Context: crs_lock held.
 * Return: number of policies.
 */
u32 crs_policy_count(u32 *nrules, u64 *mem)
{
	struct crs_policy_slot *s;
	u32 n = 0;

	*nrules = 0;
	*mem = 0;
	list_for_each_entry(s, &crs_policies, node) {
		struct crs_policy *p = rcu_dereference_protected(s->policy,
						lockdep_is_held(&crs_lock));

		n++;
		*nrules += p->nrules;
		*mem += p->mem;
	}
	return n;
}

/**
 * crs_policy_init() - set the function that frees a policy's compiled
 * tables
 * @tables_free: called for every policy freed, with the tables the rule
 *	subsystems compiled into it (file, network, system call)
 *
 * Context: module init. Return: 0.
 */
int crs_policy_init(void (*tables_free)(struct crs_policy *p))
{
	crs_tables_free = tables_free;
	return 0;
}

/**
 * crs_policy_exit() - free every policy
 *
 * Context: module exit, after every container is gone and the hooks and
 * the netlink family are removed.
 */
void crs_policy_exit(void)
{
	struct crs_policy_slot *s, *tmp;

	mutex_lock(&crs_lock);
	list_for_each_entry_safe(s, tmp, &crs_policies, node) {
		list_del(&s->node);
		crs_policy_free_now(rcu_dereference_protected(s->policy, 1));
		kfree(s);
	}
	crs_npolicies = 0;
	mutex_unlock(&crs_lock);
}
