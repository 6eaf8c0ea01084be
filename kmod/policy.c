// SPDX-License-Identifier: GPL-2.0
/*
 * crs: policies. A policy is parsed from netlink attributes (validated
 * again here, userspace is never trusted), compiled by the file, network
 * and syscall subsystems, and published into its name's slot with
 * rcu_assign_pointer(): a reader sees the old or the new policy whole.
 *
 * Policies too large for one message arrive as a series of messages on
 * one netlink socket (CRS_SET_F_MORE / CRS_SET_F_APPEND) and are staged
 * here until the last one; a series dies with its socket.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "crs.h"
#include "file.h"

static unsigned int max_rules = 65536;
module_param(max_rules, uint, 0644);
MODULE_PARM_DESC(max_rules, "Most rules in one policy (default 65536)");

static unsigned int max_policies = 1024;
module_param(max_policies, uint, 0644);
MODULE_PARM_DESC(max_policies, "Most policies stored (default 1024)");

#define CRS_MAX_STAGES 16

DEFINE_MUTEX(crs_lock);
LIST_HEAD(crs_policies);
u64 crs_policies_gen;
static u32 crs_npolicies;

/* A policy being received over several messages. */
struct crs_stage {
	struct list_head node;
	u32 portid;
	struct crs_policy *p;		/* header; rules grow in p->rules */
	u32 cap;			/* allocated rules */
};

static LIST_HEAD(crs_stages);
static u32 crs_nstages;

static const struct nla_policy crs_arg_policy[CRS_ARG_A_MAX + 1] = {
	[CRS_ARG_A_INDEX]	= NLA_POLICY_MAX(NLA_U8, CRS_MAX_ARGS - 1),
	[CRS_ARG_A_OP]		= NLA_POLICY_MAX(NLA_U8, __CRS_ARG_MAX - 1),
	[CRS_ARG_A_VALUE]	= { .type = NLA_U64 },
	[CRS_ARG_A_MASK]	= { .type = NLA_U64 },
	[CRS_ARG_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, __CRS_ARG_T_MAX - 1),
	[CRS_ARG_A_TYPE32]	= NLA_POLICY_MAX(NLA_U8, __CRS_ARG_T_MAX - 1),
};

static const struct nla_policy crs_args_policy[CRS_ARGS_A_MAX + 1] = {
	[CRS_ARGS_A_ARG]	= NLA_POLICY_NESTED(crs_arg_policy),
};

static const struct nla_policy crs_rule_policy[CRS_RULE_A_MAX + 1] = {
	[CRS_RULE_A_NAME]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX - 1 },
	[CRS_RULE_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, __CRS_RULE_MAX - 1),
	[CRS_RULE_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, __CRS_ACTION_MAX - 1),
	[CRS_RULE_A_PROGRAM]	= { .type = NLA_NUL_STRING, .len = CRS_PATH_MAX - 1 },
	[CRS_RULE_A_INACTIVE]	= { .type = NLA_FLAG },
	[CRS_RULE_A_FILE]	= { .type = NLA_NUL_STRING, .len = CRS_PATH_MAX - 1 },
	[CRS_RULE_A_FAMILY]	= { .type = NLA_U8 },
	[CRS_RULE_A_ADDR]	= { .type = NLA_BINARY, .len = 16 },
	[CRS_RULE_A_PREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[CRS_RULE_A_PORT_LO]	= { .type = NLA_U16 },
	[CRS_RULE_A_PORT_HI]	= { .type = NLA_U16 },
	[CRS_RULE_A_PROTOCOL]	= { .type = NLA_U8 },
	[CRS_RULE_A_SYSCALL_NR]	= NLA_POLICY_MAX(NLA_U32, CRS_NR_SYSCALLS - 1),
	[CRS_RULE_A_SYSCALL_NR_I386] = NLA_POLICY_MAX(NLA_U32, CRS_NR_SYSCALLS - 1),
	[CRS_RULE_A_SYSCALL_NAME] = { .type = NLA_NUL_STRING, .len = 63 },
	[CRS_RULE_A_ARGS]	= NLA_POLICY_NESTED(crs_args_policy),
	[CRS_RULE_A_HITS_ALLOWED] = { .type = NLA_REJECT },
	[CRS_RULE_A_HITS_DENIED] = { .type = NLA_REJECT },
	[CRS_RULE_A_HITS_MONITOR] = { .type = NLA_REJECT },
	[CRS_RULE_A_ERRNO]	= NLA_POLICY_RANGE(NLA_U16, 1, MAX_ERRNO),
};

static const struct nla_policy crs_rules_policy[CRS_RULES_A_MAX + 1] = {
	[CRS_RULES_A_RULE]	= NLA_POLICY_NESTED(crs_rule_policy),
};

static const struct nla_policy crs_policy_policy[CRS_POLICY_A_MAX + 1] = {
	[CRS_POLICY_A_NAME]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX - 1 },
	[CRS_POLICY_A_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = CRS_DESC_MAX - 1 },
	[CRS_POLICY_A_MODE]	= NLA_POLICY_MAX(NLA_U8, __CRS_MODE_MAX - 1),
	[CRS_POLICY_A_DEFAULT_FILE] = NLA_POLICY_MAX(NLA_U8, __CRS_ACTION_MAX - 1),
	[CRS_POLICY_A_DEFAULT_NETWORK] = NLA_POLICY_MAX(NLA_U8, __CRS_ACTION_MAX - 1),
	[CRS_POLICY_A_DEFAULT_EXECUTE] = NLA_POLICY_MAX(NLA_U8, __CRS_ACTION_MAX - 1),
	[CRS_POLICY_A_DEFAULT_SYSCALL] = NLA_POLICY_MAX(NLA_U8, __CRS_ACTION_MAX - 1),
	[CRS_POLICY_A_IGNORED_SYSCALLS] = { .type = NLA_BINARY, .len = CRS_NR_SYSCALLS * 4 },
	[CRS_POLICY_A_IGNORED_SYSCALLS_I386] = { .type = NLA_BINARY, .len = CRS_NR_SYSCALLS * 4 },
	[CRS_POLICY_A_RULES]	= NLA_POLICY_NESTED(crs_rules_policy),
	[CRS_POLICY_A_RULE_OFFSET] = { .type = NLA_REJECT },
	[CRS_POLICY_A_RULE_COUNT] = { .type = NLA_REJECT },
	[CRS_POLICY_A_CONTAINERS] = { .type = NLA_REJECT },
	[CRS_POLICY_A_GENERATION] = { .type = NLA_REJECT },
	[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO] = NLA_POLICY_RANGE(NLA_U16, 1, MAX_ERRNO),
};

static bool crs_abs_path_ok(const char *s)
{
	return s[0] == '/';
}

static void crs_rule_clear(struct crs_rule *r)
{
	kfree(r->name);
	kfree(r->program);
	kfree(r->file);
	kfree(r->syscall_name);
	memset(r, 0, sizeof(*r));
}

static void crs_policy_free_now(struct crs_policy *p)
{
	u32 i;

	if (!p)
		return;
	crs_file_free(p);
	crs_net_free(p);
	crs_syscall_free(p);
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

static int crs_args_parse(struct crs_rule *r, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_ARG_A_MAX + 1];
	const struct nlattr *a;
	int rem, ret;

	nla_for_each_nested(a, attr, rem) {
		struct crs_arg *arg;

		if (nla_type(a) != CRS_ARGS_A_ARG) {
			NL_SET_ERR_MSG_ATTR(extack, a, "unexpected attribute in args");
			return -EINVAL;
		}
		if (r->nargs >= CRS_MAX_ARGS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "more than 6 argument constraints");
			return -EINVAL;
		}
		ret = nla_parse_nested(tb, CRS_ARG_A_MAX, a, crs_arg_policy,
				       extack);
		if (ret)
			return ret;
		if (!tb[CRS_ARG_A_INDEX] || !tb[CRS_ARG_A_OP] ||
		    !tb[CRS_ARG_A_VALUE]) {
			NL_SET_ERR_MSG_ATTR(extack, a, "argument constraint needs index, op and value");
			return -EINVAL;
		}
		arg = &r->args[r->nargs++];
		arg->index = nla_get_u8(tb[CRS_ARG_A_INDEX]);
		arg->op = nla_get_u8(tb[CRS_ARG_A_OP]);
		arg->value = nla_get_u64(tb[CRS_ARG_A_VALUE]);
		arg->mask = tb[CRS_ARG_A_MASK] ? nla_get_u64(tb[CRS_ARG_A_MASK]) : ~0ULL;
		arg->type[CRS_ARCH_X86_64] = tb[CRS_ARG_A_TYPE] ?
			nla_get_u8(tb[CRS_ARG_A_TYPE]) : CRS_ARG_T_REG;
		arg->type[CRS_ARCH_I386] = tb[CRS_ARG_A_TYPE32] ?
			nla_get_u8(tb[CRS_ARG_A_TYPE32]) : CRS_ARG_T_REG;
		if (arg->op == CRS_ARG_MASKED_EQ && !tb[CRS_ARG_A_MASK]) {
			NL_SET_ERR_MSG_ATTR(extack, a, "masked-equal needs a mask");
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_rule_net_parse(struct crs_rule *r, struct nlattr **tb,
			      const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	r->port_lo = 0;
	r->port_hi = 65535;
	if (tb[CRS_RULE_A_ADDR]) {
		int len = nla_len(tb[CRS_RULE_A_ADDR]);
		u8 family = tb[CRS_RULE_A_FAMILY] ?
			    nla_get_u8(tb[CRS_RULE_A_FAMILY]) : 0;
		u8 prefix;

		if (!((family == AF_INET && len == 4) ||
		      (family == AF_INET6 && len == 16))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_ADDR],
					    "address needs family AF_INET with 4 bytes or AF_INET6 with 16");
			return -EINVAL;
		}
		prefix = tb[CRS_RULE_A_PREFIX] ?
			 nla_get_u8(tb[CRS_RULE_A_PREFIX]) : len * 8;
		if (prefix > len * 8) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PREFIX],
					    "prefix length out of range");
			return -EINVAL;
		}
		r->has_addr = true;
		r->family = family;
		if (family == AF_INET) {
			ipv6_addr_set_v4mapped(nla_get_in_addr(tb[CRS_RULE_A_ADDR]),
					       &r->addr);
			r->prefix = prefix + 96;
		} else {
			r->addr = nla_get_in6_addr(tb[CRS_RULE_A_ADDR]);
			r->prefix = prefix;
		}
		{
			/* ipv6_addr_prefix() clears its output first */
			struct in6_addr full = r->addr;

			ipv6_addr_prefix(&r->addr, &full, r->prefix);
		}
	} else if (tb[CRS_RULE_A_FAMILY] || tb[CRS_RULE_A_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "family or prefix without an address");
		return -EINVAL;
	}
	r->has_port = tb[CRS_RULE_A_PORT_LO] || tb[CRS_RULE_A_PORT_HI];
	if (tb[CRS_RULE_A_PORT_LO])
		r->port_lo = nla_get_u16(tb[CRS_RULE_A_PORT_LO]);
	if (tb[CRS_RULE_A_PORT_HI])
		r->port_hi = nla_get_u16(tb[CRS_RULE_A_PORT_HI]);
	else if (tb[CRS_RULE_A_PORT_LO])
		r->port_hi = r->port_lo;
	if (r->port_lo > r->port_hi) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "port range reversed");
		return -EINVAL;
	}
	if (tb[CRS_RULE_A_PROTOCOL]) {
		r->protocol = nla_get_u8(tb[CRS_RULE_A_PROTOCOL]);
		if (r->protocol != CRS_PROTO_ANY && r->protocol != CRS_PROTO_TCP &&
		    r->protocol != CRS_PROTO_UDP && r->protocol != CRS_PROTO_ICMP &&
		    r->protocol != CRS_PROTO_PACKET) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PROTOCOL],
					    "protocol must be 0 (any), 1, 6, 17 or 255 (packet sockets)");
			return -EINVAL;
		}
		if (r->protocol == CRS_PROTO_PACKET &&
		    (r->type != CRS_RULE_NETWORK_OUTBOUND || r->has_addr ||
		     r->has_port)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PROTOCOL],
					    "protocol 255 (packet sockets): NETWORK_OUTBOUND only, without address or port");
			return -EINVAL;
		}
		if (r->protocol == CRS_PROTO_ICMP && r->has_port) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PROTOCOL],
					    "ICMP has no ports");
			return -EINVAL;
		}
	}
	if (!r->has_addr && !tb[CRS_RULE_A_PORT_LO] &&
	    !tb[CRS_RULE_A_PORT_HI] && !tb[CRS_RULE_A_PROTOCOL]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "network rule needs an address, a port or a protocol");
		return -EINVAL;
	}
	return 0;
}

/* Attributes that only some rule types may carry. */
static const u8 crs_net_only[] = {
	CRS_RULE_A_FAMILY, CRS_RULE_A_ADDR, CRS_RULE_A_PREFIX,
	CRS_RULE_A_PORT_LO, CRS_RULE_A_PORT_HI, CRS_RULE_A_PROTOCOL,
};

static const u8 crs_syscall_only[] = {
	CRS_RULE_A_SYSCALL_NR, CRS_RULE_A_SYSCALL_NR_I386,
	CRS_RULE_A_SYSCALL_NAME, CRS_RULE_A_ARGS, CRS_RULE_A_ERRNO,
};

static int crs_reject_attrs(struct nlattr **tb, const u8 *types, int n,
			    struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i < n; i++) {
		if (tb[types[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[types[i]],
					    "attribute not valid for this rule type");
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_rule_parse(struct crs_rule *r, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, CRS_RULE_A_MAX, attr, crs_rule_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[CRS_RULE_A_NAME] || !nla_len(tb[CRS_RULE_A_NAME]) ||
	    !nla_data(tb[CRS_RULE_A_NAME]) ||
	    !*(char *)nla_data(tb[CRS_RULE_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "rule needs a non-empty name");
		return -EINVAL;
	}
	if (!tb[CRS_RULE_A_TYPE] || !tb[CRS_RULE_A_ACTION]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "rule needs a type and an action");
		return -EINVAL;
	}
	r->nr64 = -1;
	r->nr32 = -1;
	r->type = nla_get_u8(tb[CRS_RULE_A_TYPE]);
	r->action = nla_get_u8(tb[CRS_RULE_A_ACTION]);
	r->inactive = nla_get_flag(tb[CRS_RULE_A_INACTIVE]);
	r->name = nla_strdup(tb[CRS_RULE_A_NAME], GFP_KERNEL_ACCOUNT);
	if (!r->name)
		return -ENOMEM;
	if (tb[CRS_RULE_A_PROGRAM]) {
		const char *prog = nla_data(tb[CRS_RULE_A_PROGRAM]);

		if (strcmp(prog, "*")) {
			if (!crs_abs_path_ok(prog)) {
				NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PROGRAM],
						    "program must be an absolute path or *");
				return -EINVAL;
			}
			r->program = nla_strdup(tb[CRS_RULE_A_PROGRAM],
						GFP_KERNEL_ACCOUNT);
			if (!r->program)
				return -ENOMEM;
		}
	}
	if (tb[CRS_RULE_A_FILE]) {
		if (!crs_abs_path_ok(nla_data(tb[CRS_RULE_A_FILE]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_FILE],
					    "file must be an absolute path");
			return -EINVAL;
		}
		r->file = nla_strdup(tb[CRS_RULE_A_FILE], GFP_KERNEL_ACCOUNT);
		if (!r->file)
			return -ENOMEM;
	}

	switch (r->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		if (!r->file) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "file rule needs a file");
			return -EINVAL;
		}
		ret = crs_reject_attrs(tb, crs_net_only, ARRAY_SIZE(crs_net_only),
				       extack);
		if (!ret)
			ret = crs_reject_attrs(tb, crs_syscall_only,
					       ARRAY_SIZE(crs_syscall_only), extack);
		return ret;
	case CRS_RULE_NETWORK_OUTBOUND:
	case CRS_RULE_NETWORK_INBOUND:
		if (r->file) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_FILE],
					    "attribute not valid for this rule type");
			return -EINVAL;
		}
		ret = crs_reject_attrs(tb, crs_syscall_only,
				       ARRAY_SIZE(crs_syscall_only), extack);
		if (ret)
			return ret;
		return crs_rule_net_parse(r, tb, attr, extack);
	case CRS_RULE_SYSCALL:
		ret = crs_reject_attrs(tb, crs_net_only, ARRAY_SIZE(crs_net_only),
				       extack);
		if (ret)
			return ret;
		if (tb[CRS_RULE_A_SYSCALL_NR])
			r->nr64 = nla_get_u32(tb[CRS_RULE_A_SYSCALL_NR]);
		if (tb[CRS_RULE_A_SYSCALL_NR_I386])
			r->nr32 = nla_get_u32(tb[CRS_RULE_A_SYSCALL_NR_I386]);
		if (r->nr64 < 0 && r->nr32 < 0) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "syscall rule needs a syscall number");
			return -EINVAL;
		}
		if (r->file && !crs_rule_is_exec(r)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_FILE],
					    "file is only valid on execve/execveat rules");
			return -EINVAL;
		}
		if (tb[CRS_RULE_A_ERRNO]) {
			if (r->action != CRS_ACTION_DENY) {
				NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_ERRNO],
						    "errno is only valid on DENY rules");
				return -EINVAL;
			}
			r->err = nla_get_u16(tb[CRS_RULE_A_ERRNO]);
		}
		if (tb[CRS_RULE_A_SYSCALL_NAME]) {
			r->syscall_name = nla_strdup(tb[CRS_RULE_A_SYSCALL_NAME],
						     GFP_KERNEL_ACCOUNT);
			if (!r->syscall_name)
				return -ENOMEM;
		}
		if (tb[CRS_RULE_A_ARGS])
			return crs_args_parse(r, tb[CRS_RULE_A_ARGS], extack);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown rule type");
	return -EINVAL;
}

static int crs_ignored_parse(unsigned long *bitmap, const struct nlattr *a,
			     struct netlink_ext_ack *extack)
{
	const u32 *nr = nla_data(a);
	int i, n = nla_len(a);

	if (n % 4) {
		NL_SET_ERR_MSG_ATTR(extack, a, "ignored syscalls: not an array of u32");
		return -EINVAL;
	}
	for (i = 0; i < n / 4; i++) {
		if (nr[i] >= CRS_NR_SYSCALLS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "ignored syscall number out of range");
			return -EINVAL;
		}
		__set_bit(nr[i], bitmap);
	}
	return 0;
}

/* Parse the policy header (everything but the rules) into a new policy. */
static struct crs_policy *crs_policy_header(struct nlattr **tb,
					    struct netlink_ext_ack *extack)
{
	struct crs_policy *p;
	int ret = -EINVAL;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	nla_strscpy(p->name, tb[CRS_POLICY_A_NAME], sizeof(p->name));
	p->mode = CRS_MODE_ACTIVE;
	if (tb[CRS_POLICY_A_MODE])
		p->mode = nla_get_u8(tb[CRS_POLICY_A_MODE]);
	if (tb[CRS_POLICY_A_DEFAULT_FILE])
		p->def[CRS_DEF_FILE] = nla_get_u8(tb[CRS_POLICY_A_DEFAULT_FILE]);
	if (tb[CRS_POLICY_A_DEFAULT_NETWORK])
		p->def[CRS_DEF_NETWORK] = nla_get_u8(tb[CRS_POLICY_A_DEFAULT_NETWORK]);
	if (tb[CRS_POLICY_A_DEFAULT_EXECUTE])
		p->def[CRS_DEF_EXECUTE] = nla_get_u8(tb[CRS_POLICY_A_DEFAULT_EXECUTE]);
	if (tb[CRS_POLICY_A_DEFAULT_SYSCALL])
		p->def[CRS_DEF_SYSCALL] = nla_get_u8(tb[CRS_POLICY_A_DEFAULT_SYSCALL]);
	if (tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO])
		p->def_errno = nla_get_u16(tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO]);
	if (tb[CRS_POLICY_A_DESCRIPTION]) {
		p->description = nla_strdup(tb[CRS_POLICY_A_DESCRIPTION],
					    GFP_KERNEL_ACCOUNT);
		if (!p->description) {
			ret = -ENOMEM;
			goto err;
		}
	}
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS] &&
	    crs_ignored_parse(p->ignored64, tb[CRS_POLICY_A_IGNORED_SYSCALLS],
			      extack))
		goto err;
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386] &&
	    crs_ignored_parse(p->ignored32,
			      tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386], extack))
		goto err;
	return p;
err:
	crs_policy_free_now(p);
	return ERR_PTR(ret);
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
		ret = crs_rule_parse(r, a, extack);
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

/* Compile and publish @p under its name. Consumes @p. */
static int crs_policy_commit(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	struct crs_policy_slot *slot;
	struct crs_policy *old;
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

	slot = crs_policy_slot_find(p->name);
	if (!slot) {
		if (crs_npolicies >= max_policies) {
			NL_SET_ERR_MSG(extack, "too many policies (module parameter max_policies)");
			ret = -ENOSPC;
			goto err;
		}
		slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
		if (!slot) {
			ret = -ENOMEM;
			goto err;
		}
		strscpy(slot->name, p->name, sizeof(slot->name));
		RCU_INIT_POINTER(slot->policy, p);
		list_add_tail(&slot->node, &crs_policies);
		crs_npolicies++;
	} else {
		/* containers bound to it run on it from here on */
		if (slot->users && crs_policy_needs_syscalls(p)) {
			ret = crs_hooks_syscall_arm();
			if (ret) {
				NL_SET_ERR_MSG(extack, "cannot arm the system call hooks");
				goto err;
			}
		}
		old = rcu_dereference_protected(slot->policy,
						lockdep_is_held(&crs_lock));
		p->generation = old->generation + 1;
		rcu_assign_pointer(slot->policy, p);
		crs_policy_free_rcu(old);
		crs_syscall_refresh();
	}
	crs_policies_gen++;
	return 0;
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
	u32 flags = 0;
	int ret;

	if (info->attrs[CRS_A_FLAGS])
		flags = nla_get_u32(info->attrs[CRS_A_FLAGS]);
	if (flags & ~__CRS_SET_F_ALL) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[CRS_A_FLAGS], "unknown flags");
		return -EOPNOTSUPP;
	}
	if (!info->attrs[CRS_A_POLICY]) {
		NL_SET_ERR_MSG(extack, "missing policy attribute");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, CRS_POLICY_A_MAX, info->attrs[CRS_A_POLICY],
			       crs_policy_policy, extack);
	if (ret)
		return ret;
	if (!tb[CRS_POLICY_A_NAME] || nla_len(tb[CRS_POLICY_A_NAME]) < 2 ||
	    !*(char *)nla_data(tb[CRS_POLICY_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[CRS_A_POLICY],
				    "policy needs a non-empty name");
		return -EINVAL;
	}
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
	list_del(&slot->node);
	crs_npolicies--;
	crs_policies_gen++;
	crs_syscall_refresh();
	crs_policy_free_rcu(rcu_dereference_protected(slot->policy,
						      lockdep_is_held(&crs_lock)));
	kfree_rcu(slot, rcu);
	return 0;
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
 * crs_policy_init() - nothing to set up but the lists; kept for symmetry
 * Return: 0.
 */
int crs_policy_init(void)
{
	return 0;
}

/**
 * crs_policy_exit() - free every policy and staged series
 *
 * Context: module exit, after every container is gone and hooks removed.
 */
void crs_policy_exit(void)
{
	struct crs_policy_slot *s, *tmp;
	struct crs_stage *st, *stmp;

	mutex_lock(&crs_lock);
	list_for_each_entry_safe(st, stmp, &crs_stages, node)
		crs_stage_free(st);
	list_for_each_entry_safe(s, tmp, &crs_policies, node) {
		list_del(&s->node);
		crs_policy_free_now(rcu_dereference_protected(s->policy, 1));
		kfree(s);
	}
	crs_npolicies = 0;
	mutex_unlock(&crs_lock);
}
