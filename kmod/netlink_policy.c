// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the policy commands. SET_POLICY parses a policy from netlink
 * attributes (policy_nl.c: userspace is never trusted), has the file,
 * network and system call rules compiled, and publishes it (policy.c);
 * DEL_POLICY deletes one.
 *
 * Policies too large for one message arrive as a series of messages on
 * one netlink socket (CRS_SET_F_MORE / CRS_SET_F_APPEND) and are staged
 * here until the last one; a series dies with its socket.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crs.h"
#include "container.h"
#include "container_bind.h"
#include "file_bind.h"
#include "file_rules.h"
#include "hooks.h"
#include "net_rules.h"
#include "netlink_policy.h"
#include "policy.h"
#include "policy_nl.h"
#include "syscall_rules.h"

static unsigned int max_rules = 65536;
module_param(max_rules, uint, 0644);
MODULE_PARM_DESC(max_rules, "Most rules in one policy (default 65536)");

#define CRS_MAX_STAGES 16

/* A policy being received over several messages. */
struct crs_stage {
	struct list_head node;
	u32 portid;
	struct crs_policy *p;		/* header; rules grow in p->rules */
	u32 cap;			/* allocated rules */
};

static LIST_HEAD(crs_stages);
static u32 crs_nstages;

/* A new policy from the header attributes @tb (everything but the rules). */
static struct crs_policy *crs_policy_header(struct nlattr **tb,
					    struct netlink_ext_ack *extack)
{
	struct crs_policy *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = crs_policy_nl_header(p, tb, extack);
	if (ret) {
		crs_policy_free_now(p);
		return ERR_PTR(ret);
	}
	return p;
}

/* Append the rules of @attr (CRS_POLICY_A_RULES) to staged policy @st. */
static int crs_stage_rules(struct crs_stage *st, const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	struct crs_policy *p = st->p;
	const struct nlattr *a;
	int rem, ret;

	nla_for_each_nested(a, attr, rem) {
		struct crs_rule *r;

		if (nla_type(a) != CRS_RULES_A_RULE) {
			NL_SET_ERR_MSG_ATTR(extack, a, "unexpected attribute in rules");
			return -EINVAL;
		}
		if (p->nrules >= max_rules) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many rules (module parameter max_rules)");
			return -E2BIG;
		}
		if (p->nrules == st->cap) {
			u32 cap = st->cap ? st->cap * 2 : 64;
			struct crs_rule *n;

			n = kvcalloc(cap, sizeof(*n), GFP_KERNEL_ACCOUNT);
			if (!n)
				return -ENOMEM;
			if (p->rules)
				memcpy(n, p->rules, p->nrules * sizeof(*n));
			kvfree(p->rules);
			p->rules = n;
			st->cap = cap;
		}
		r = &p->rules[p->nrules];
		memset(r, 0, sizeof(*r));
		ret = crs_rule_nl_parse(r, a, extack);
		if (ret) {
			crs_rule_clear(r);
			return ret;
		}
		p->nrules++;
		p->mem += sizeof(*r) + strlen(r->name) +
			  (r->file ? strlen(r->file) : 0) +
			  (r->program ? strlen(r->program) : 0);
	}
	return 0;
}

static void crs_stage_free(struct crs_stage *st)
{
	list_del(&st->node);
	crs_nstages--;
	crs_policy_free_now(st->p);
	kfree(st);
}

static struct crs_stage *crs_stage_find(u32 portid, const char *name)
{
	struct crs_stage *st;

	list_for_each_entry(st, &crs_stages, node)
		if (st->portid == portid && !strcmp(st->p->name, name))
			return st;
	return NULL;
}

/* Rule names must be unique within a policy. */
static int crs_check_names(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	u32 i, j;

	/* small policies: quadratic; large ones: a throwaway hash */
	if (p->nrules <= 256) {
		for (i = 0; i < p->nrules; i++)
			for (j = i + 1; j < p->nrules; j++)
				if (!strcmp(p->rules[i].name, p->rules[j].name))
					goto dup;
		return 0;
	}
	{
		u32 nb = roundup_pow_of_two(p->nrules);
		u32 *head = kvmalloc_array(nb, sizeof(u32), GFP_KERNEL);
		u32 *next = kvmalloc_array(p->nrules, sizeof(u32), GFP_KERNEL);
		int ret = 0;

		if (!head || !next) {
			kvfree(head);
			kvfree(next);
			return -ENOMEM;
		}
		memset(head, 0xff, nb * sizeof(u32));
		for (i = 0; i < p->nrules && !ret; i++) {
			u32 b = full_name_hash(NULL, p->rules[i].name,
					       strlen(p->rules[i].name)) & (nb - 1);

			for (j = head[b]; j != U32_MAX; j = next[j])
				if (!strcmp(p->rules[i].name, p->rules[j].name)) {
					ret = -EEXIST;
					break;
				}
			next[i] = head[b];
			head[b] = i;
		}
		kvfree(head);
		kvfree(next);
		if (!ret)
			return 0;
	}
dup:
	NL_SET_ERR_MSG(extack, "duplicate rule name in policy");
	return -EINVAL;
}

/**
 * crs_policy_release_portid() - drop policy series staged by a socket
 * @portid: the netlink port that closed
 *
 * Context: process context (netlink notifier); takes crs_lock.
 */
void crs_policy_release_portid(u32 portid)
{
	struct crs_stage *st, *tmp;

	mutex_lock(&crs_lock);
	list_for_each_entry_safe(st, tmp, &crs_stages, node)
		if (st->portid == portid)
			crs_stage_free(st);
	mutex_unlock(&crs_lock);
}

/* Compile @p and publish it under its name. Consumes @p. */
static int crs_policy_commit(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	struct crs_policy_slot *slot;
	u32 i;
	int ret;

	lockdep_assert_held(&crs_lock);
	ret = crs_check_names(p, extack);
	if (ret)
		goto err;
	p->hits = kvcalloc(p->nrules, sizeof(*p->hits), GFP_KERNEL_ACCOUNT);
	if (!p->hits && p->nrules) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < p->nrules; i++)
		p->rules[i].hits = &p->hits[i];
	ret = crs_file_compile(p, extack);
	if (!ret)
		ret = crs_net_compile(p, extack);
	if (!ret)
		ret = crs_syscall_compile(p, extack);
	if (ret)
		goto err;
	p->mem += sizeof(*p) + p->nrules * sizeof(*p->hits);
	crs_syscall_note(p);

	/* containers bound to it run on it once published */
	slot = crs_policy_slot_find(p->name);
	if (slot && slot->users && crs_policy_needs_syscalls(p)) {
		ret = crs_hooks_syscall_arm();
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot arm the system call hooks");
			goto err;
		}
	}
	ret = crs_policy_publish(p, extack);
	if (!ret && slot)
		crs_syscall_refresh();
	return ret;
err:
	crs_policy_free_now(p);
	return ret;
}

/**
 * crs_policy_set() - CRS_CMD_SET_POLICY: create, replace or stage a policy
 * @skb: the request
 * @info: its attributes and extack
 *
 * Context: process context, genl; takes crs_lock.
 * Return: 0 or -EINVAL, -E2BIG, -ENOENT, -ENOSPC, -ENOMEM, -EOPNOTSUPP;
 * -EBUSY (too many series in progress, or the system call hooks cannot
 * be armed), -ENODEV (the module is being removed).
 */
int crs_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct pid_namespace **bind = NULL;
	unsigned int nbind = 0;
	struct crs_stage *st;
	struct crs_policy *p;
	char name[CRS_NAME_MAX];
	u32 flags;
	int ret;

	ret = crs_nl_get_flags(info, __CRS_SET_F_ALL, &flags) ?:
	      crs_policy_nl_parse(tb, info->attrs[CRS_A_POLICY], extack);
	if (ret)
		return ret;
	nla_strscpy(name, tb[CRS_POLICY_A_NAME], sizeof(name));

	mutex_lock(&crs_lock);
	st = crs_stage_find(info->snd_portid, name);
	if (flags & CRS_SET_F_APPEND) {
		if (!st) {
			NL_SET_ERR_MSG(extack, "no policy series started on this socket with this name");
			ret = -ENOENT;
			goto out;
		}
	} else {
		if (st)
			crs_stage_free(st);
		/* a one-shot push is staged only while this call runs */
		if ((flags & CRS_SET_F_MORE) && crs_nstages >= CRS_MAX_STAGES) {
			NL_SET_ERR_MSG(extack, "too many policy series in progress");
			ret = -EBUSY;
			goto out;
		}
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st) {
			ret = -ENOMEM;
			goto out;
		}
		p = crs_policy_header(tb, extack);
		if (IS_ERR(p)) {
			kfree(st);
			ret = PTR_ERR(p);
			goto out;
		}
		st->p = p;
		st->portid = info->snd_portid;
		list_add(&st->node, &crs_stages);
		crs_nstages++;
	}
	if (tb[CRS_POLICY_A_RULES]) {
		ret = crs_stage_rules(st, tb[CRS_POLICY_A_RULES], extack);
		if (ret) {
			crs_stage_free(st);
			goto out;
		}
	}
	if (flags & CRS_SET_F_MORE)
		goto out;
	p = st->p;
	st->p = NULL;
	crs_stage_free(st);
	ret = crs_policy_commit(p, extack);
	/* resolve the new rules' programs in each container's root */
	if (!ret)
		bind = crs_file_bind_targets(crs_policy_slot_find(name), &nbind);
out:
	mutex_unlock(&crs_lock);
	crs_file_bind_all(bind, nbind);
	return ret;
}

/**
 * crs_policy_del() - delete a policy by name
 * @name: policy name
 * @force: detach the containers that use it
 * @extack: error report
 *
 * Context: crs_lock held.
 * Return: 0, -ENOENT, or -EBUSY when in use and !@force.
 */
int crs_policy_del(const char *name, bool force, struct netlink_ext_ack *extack)
{
	struct crs_policy_slot *slot;
	struct crs_container *c, *tmp;

	lockdep_assert_held(&crs_lock);
	slot = crs_policy_slot_find(name);
	if (!slot) {
		NL_SET_ERR_MSG(extack, "no such policy");
		return -ENOENT;
	}
	if (slot->users && !force) {
		NL_SET_ERR_MSG(extack, "policy is applied to containers (detach them or force)");
		return -EBUSY;
	}
	list_for_each_entry_safe(c, tmp, &crs_containers, list)
		if (rcu_access_pointer(c->slot) == slot)
			crs_container_unbind(c);
	crs_policy_remove(slot);
	crs_syscall_refresh();
	return 0;
}

/**
 * crs_policy_tables_free() - free what the rule subsystems compiled into
 * @p (given to crs_policy_init())
 * @p: a policy no reader can see
 *
 * Context: process context.
 */
void crs_policy_tables_free(struct crs_policy *p)
{
	crs_file_free(p);
	crs_net_free(p);
	crs_syscall_free(p);
}

/**
 * crs_policy_stages_exit() - free every staged policy series
 *
 * Context: module exit, after the netlink family is unregistered.
 */
void crs_policy_stages_exit(void)
{
	struct crs_stage *st, *tmp;

	mutex_lock(&crs_lock);
	list_for_each_entry_safe(st, tmp, &crs_stages, node)
		crs_stage_free(st);
	mutex_unlock(&crs_lock);
}
