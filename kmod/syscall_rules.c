// SPDX-License-Identifier: GPL-2.0
/*
 * crs: a policy's SYSCALL rules compiled into the table the dispatch
 * hooks read (syscall.c has the why): for each architecture a bitmap of
 * the numbers some usable rule names and, for each such number, its
 * rules, DENY rules first; and the host-wide bitmaps of what every stored
 * policy judges.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "crs.h"
#include "container.h"
#include "policy.h"
#include "syscall_rules.h"

/*
 * What every stored policy together judges, per architecture: the
 * numbers some usable rule names (crs_sys_any) and whether some policy
 * or learning container judges every number (crs_sys_all: a DENY
 * defaultSyscallAction, or learning). A call outside both is allowed at
 * the hook before the container lookup, as the container's own table
 * would allow it: most calls of a governed task pay only this test.
 * Written under crs_lock: grown before a policy or learning is
 * published (crs_syscall_note(), crs_syscall_note_all()), recomputed
 * exactly after (crs_syscall_refresh()).
 */
unsigned long crs_sys_any[__CRS_SYS_ARCH_MAX][BITS_TO_LONGS(CRS_NR_SYSCALLS)];
bool crs_sys_all;

static s32 crs_rule_nr(const struct crs_rule *r, int arch)
{
	return arch == CRS_SYS_X86_64 ? r->nr64 : r->nr32;
}

/* Whether @r takes part in this table for @arch; its number in @nr. */
static bool crs_sys_usable(const struct crs_rule *r, int arch,
			   unsigned int *nr)
{
	s32 n;

	if (r->type != CRS_RULE_SYSCALL || r->inactive)
		return false;
	n = crs_rule_nr(r, arch);
	if (n < 0 || n >= CRS_NR_SYSCALLS)
		return false;
	/* exec rules with a file are file.c's, on the resolved file */
	if (r->file && crs_nr_is_exec(arch, n))
		return false;
	*nr = n;
	return true;
}

static int crs_sys_arch_build(struct crs_sys_arch *a, struct crs_policy *p,
			      int arch, bool *can_deny)
{
	u32 *pos = NULL, total = 0, i, nr;
	int pass;

	for (i = 0; i < p->nrules; i++) {
		if (!crs_sys_usable(&p->rules[i], arch, &nr))
			continue;
		a->first[nr + 1]++;
		total++;
	}
	if (!total)
		return 0;
	for (nr = 0; nr < CRS_NR_SYSCALLS; nr++) {
		if (a->first[nr + 1])
			__set_bit(nr, a->named);
		a->first[nr + 1] += a->first[nr];
	}
	a->rules = kvmalloc_array(total, sizeof(*a->rules), GFP_KERNEL);
	pos = kmalloc_array(CRS_NR_SYSCALLS, sizeof(*pos), GFP_KERNEL);
	if (!a->rules || !pos) {
		kfree(pos);
		return -ENOMEM;
	}
	memcpy(pos, a->first, CRS_NR_SYSCALLS * sizeof(*pos));
	/* DENY rules first, so the first match of a DENY decides */
	for (pass = 0; pass < 2; pass++) {
		u8 want = pass ? CRS_ACTION_ALLOW : CRS_ACTION_DENY;

		for (i = 0; i < p->nrules; i++) {
			const struct crs_rule *r = &p->rules[i];

			if (r->action != want || !crs_sys_usable(r, arch, &nr))
				continue;
			a->rules[pos[nr]++] = r;
			if (r->action == CRS_ACTION_DENY)
				*can_deny = true;
		}
	}
	kfree(pos);
	return 0;
}

/**
 * crs_syscall_compile() - build the SYSCALL table of a policy
 * @p: the policy, rules parsed, not yet published
 * @extack: for error messages
 *
 * Leaves p->sys NULL when the policy has no usable SYSCALL rule and
 * defaultSyscallAction is ALLOW: the hook's fast case.
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int crs_syscall_compile(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	struct crs_syscall_table *t;
	bool any = false;
	unsigned int nr;
	u32 i;
	int a, ret;

	p->sys = NULL;
	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		if (r->type != CRS_RULE_SYSCALL)
			continue;
		/* numbers, argument indexes and operators: policy_nl.c's */
		for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
			any |= crs_sys_usable(r, a, &nr);
	}
	if (!any && p->def[CRS_DEF_SYSCALL] == CRS_ACTION_ALLOW)
		return 0;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->def = p->def[CRS_DEF_SYSCALL];
	t->can_deny = t->def == CRS_ACTION_DENY;
	for (a = 0; a < __CRS_SYS_ARCH_MAX; a++) {
		ret = crs_sys_arch_build(&t->arch[a], p, a, &t->can_deny);
		if (ret)
			goto err;
		p->mem += t->arch[a].first[CRS_NR_SYSCALLS] *
			  sizeof(*t->arch[a].rules);
	}
	p->mem += sizeof(*t);
	p->sys = t;
	return 0;
err:
	for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
		kvfree(t->arch[a].rules);
	kfree(t);
	NL_SET_ERR_MSG(extack, "crs: out of memory compiling syscall rules");
	return ret;
}

/* Sets, atomically, the bits of @src in @dst (readers test them any time). */
static void crs_sys_or(unsigned long *dst, const unsigned long *src)
{
	unsigned int i;

	for (i = 0; i < BITS_TO_LONGS(CRS_NR_SYSCALLS); i++)
		if (src[i] & ~READ_ONCE(dst[i]))
			WRITE_ONCE(dst[i], dst[i] | src[i]);
}

/**
 * crs_syscall_note() - let the calls @p judges reach its table
 * @p: a compiled policy about to be published
 *
 * Context: crs_lock held, before @p is published.
 */
void crs_syscall_note(const struct crs_policy *p)
{
	const struct crs_syscall_table *t = p->sys;
	int a;

	lockdep_assert_held(&crs_lock);
	if (!t)
		return;
	if (t->def != CRS_ACTION_ALLOW)
		crs_syscall_note_all();
	for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
		crs_sys_or(crs_sys_any[a], t->arch[a].named);
	smp_mb();	/* the bits before the policy that needs them */
}

/**
 * crs_syscall_note_all() - let every call reach the container lookup
 *
 * Before learning is switched on: it records every call.
 *
 * Context: crs_lock held.
 */
void crs_syscall_note_all(void)
{
	lockdep_assert_held(&crs_lock);
	WRITE_ONCE(crs_sys_all, true);
	smp_mb();	/* the flag before the learning setting that needs it */
}

/**
 * crs_syscall_refresh() - recompute what the stored policies judge
 *
 * After a policy was replaced or deleted, or learning switched off: the
 * numbers no stored policy names any more are allowed at the hook again.
 *
 * Context: crs_lock held.
 */
void crs_syscall_refresh(void)
{
	unsigned long any[__CRS_SYS_ARCH_MAX][BITS_TO_LONGS(CRS_NR_SYSCALLS)] = {};
	const struct crs_syscall_table *t;
	struct crs_policy_slot *slot;
	bool all = crs_containers_learning();
	unsigned int a, i;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(slot, &crs_policies, node) {
		t = rcu_dereference_protected(slot->policy,
					      lockdep_is_held(&crs_lock))->sys;
		if (!t)
			continue;
		all |= t->def != CRS_ACTION_ALLOW;
		for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
			bitmap_or(any[a], any[a], t->arch[a].named,
				  CRS_NR_SYSCALLS);
	}
	WRITE_ONCE(crs_sys_all, all);
	for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
		for (i = 0; i < BITS_TO_LONGS(CRS_NR_SYSCALLS); i++)
			WRITE_ONCE(crs_sys_any[a][i], any[a][i]);
}

/**
 * crs_syscall_free() - free what crs_syscall_compile() built
 * @p: the policy; no reader may see it any more
 *
 * Context: any context that may call kvfree().
 */
void crs_syscall_free(struct crs_policy *p)
{
	struct crs_syscall_table *t = p->sys;
	int a;

	if (!t)
		return;
	for (a = 0; a < __CRS_SYS_ARCH_MAX; a++)
		kvfree(t->arch[a].rules);
	kfree(t);
	p->sys = NULL;
}
