// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the policy's wire format, both ways: the attribute policies and
 * the parse of SET_POLICY's CRS_A_POLICY into a policy and its rules,
 * and the put of a stored policy into GET_POLICY's dump; and the
 * CRS_A_FLAGS every command that takes flags checks alike. It mirrors
 * userspace/policy_nl.c. The attribute policies reject what they can
 * (types, lengths, ranges, reply-only attributes); the parse checks
 * the rest (which attributes a rule type may carry, paths, addresses).
 * Nothing here takes a lock or knows where a policy is stored.
 */
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "crs.h"
#include "genl_msg.h"
#include "policy_nl.h"

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

static const struct nla_policy crs_name_policy[CRS_POLICY_A_MAX + 1] = {
	[CRS_POLICY_A_NAME] = { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX - 1 },
};

/**
 * crs_policy_nl_name() - the policy name of CRS_A_POLICY {CRS_POLICY_A_NAME}
 * @attr: CRS_A_POLICY, or NULL when the request had none
 * @name: CRS_NAME_MAX bytes for the name
 * @extack: the error's message
 *
 * Context: any. Return: 0, or -EINVAL (no attribute, no name, or any
 * other attribute in the nest).
 */
int crs_policy_nl_name(const struct nlattr *attr, char *name,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	int ret;

	ret = crs_nl_parse_nested(tb, CRS_POLICY_A_MAX, attr, crs_name_policy,
				  "missing policy attribute", extack);
	if (ret)
		return ret;
	if (!tb[CRS_POLICY_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "missing policy name");
		return -EINVAL;
	}
	nla_strscpy(name, tb[CRS_POLICY_A_NAME], CRS_NAME_MAX);
	return 0;
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

/* *@s: a copy of string attribute @a, untouched if @a is absent */
static int crs_nla_strdup(char **s, const struct nlattr *a)
{
	if (!a)
		return 0;
	*s = nla_strdup(a, GFP_KERNEL_ACCOUNT);
	return *s ? 0 : -ENOMEM;
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

/**
 * crs_rule_nl_parse() - one CRS_RULES_A_RULE nest into a rule
 * @r: a zeroed rule; on failure it may hold allocations the caller frees
 * @attr: the nest
 * @extack: the error's message and attribute
 *
 * Checks what the attribute policy cannot: the attributes each rule type
 * may carry, absolute paths, address, prefix and port ranges, a file
 * only on execve/execveat rules, errno only on DENY.
 *
 * Context: process context, may sleep (GFP_KERNEL_ACCOUNT).
 * Return: 0, -EINVAL (extack names the attribute) or -ENOMEM.
 */
int crs_rule_nl_parse(struct crs_rule *r, const struct nlattr *attr,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, CRS_RULE_A_MAX, attr, crs_rule_policy,
			       extack);
	if (ret)
		return ret;
	/* NLA_NUL_STRING: at least the NUL, so the first byte is there */
	if (!tb[CRS_RULE_A_NAME] || !*(char *)nla_data(tb[CRS_RULE_A_NAME])) {
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
	ret = crs_nla_strdup(&r->name, tb[CRS_RULE_A_NAME]);
	if (ret)
		return ret;
	if (tb[CRS_RULE_A_PROGRAM]) {
		const char *prog = nla_data(tb[CRS_RULE_A_PROGRAM]);

		if (strcmp(prog, "*")) {
			if (!crs_abs_path_ok(prog)) {
				NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_PROGRAM],
						    "program must be an absolute path or *");
				return -EINVAL;
			}
			ret = crs_nla_strdup(&r->program,
					     tb[CRS_RULE_A_PROGRAM]);
			if (ret)
				return ret;
		}
	}
	if (tb[CRS_RULE_A_FILE]) {
		if (!crs_abs_path_ok(nla_data(tb[CRS_RULE_A_FILE]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CRS_RULE_A_FILE],
					    "file must be an absolute path");
			return -EINVAL;
		}
		ret = crs_nla_strdup(&r->file, tb[CRS_RULE_A_FILE]);
		if (ret)
			return ret;
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
		ret = crs_nla_strdup(&r->syscall_name,
				     tb[CRS_RULE_A_SYSCALL_NAME]);
		if (ret)
			return ret;
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

/**
 * crs_policy_nl_parse() - CRS_A_POLICY of SET_POLICY into its attributes
 * @tb: CRS_POLICY_A_MAX + 1 entries
 * @attr: CRS_A_POLICY, or NULL when the request had none
 * @extack: the error's message and attribute
 *
 * Context: any. Return: 0, or -EINVAL (no attribute, an attribute the
 * policy table rejects, or an empty name).
 */
int crs_policy_nl_parse(struct nlattr **tb, const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	int ret;

	ret = crs_nl_parse_nested(tb, CRS_POLICY_A_MAX, attr, crs_policy_policy,
				  "missing policy attribute", extack);
	if (ret)
		return ret;
	if (!tb[CRS_POLICY_A_NAME] || !*(char *)nla_data(tb[CRS_POLICY_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "policy needs a non-empty name");
		return -EINVAL;
	}
	return 0;
}

/* a policy's default action attribute, by enum crs_default */
static const int crs_default_attr[__CRS_DEF_MAX] = {
	[CRS_DEF_FILE] = CRS_POLICY_A_DEFAULT_FILE,
	[CRS_DEF_NETWORK] = CRS_POLICY_A_DEFAULT_NETWORK,
	[CRS_DEF_EXECUTE] = CRS_POLICY_A_DEFAULT_EXECUTE,
	[CRS_DEF_SYSCALL] = CRS_POLICY_A_DEFAULT_SYSCALL,
};

/* a rule's hit counter attribute, by enum crs_outcome */
static const int crs_hits_attr[CRS_VERDICT_OUTCOMES] = {
	[CRS_OUTCOME_ALLOWED] = CRS_RULE_A_HITS_ALLOWED,
	[CRS_OUTCOME_DENIED] = CRS_RULE_A_HITS_DENIED,
	[CRS_OUTCOME_MONITOR] = CRS_RULE_A_HITS_MONITOR,
};

/**
 * crs_policy_nl_header() - a policy's header (everything but the rules)
 * @p: a zeroed policy; on failure it may hold allocations the caller frees
 * @tb: the attributes crs_policy_nl_parse() returned
 * @extack: the error's message and attribute
 *
 * Context: process context, may sleep (GFP_KERNEL_ACCOUNT).
 * Return: 0, -EINVAL or -ENOMEM.
 */
int crs_policy_nl_header(struct crs_policy *p, struct nlattr **tb,
			 struct netlink_ext_ack *extack)
{
	int i, ret;

	nla_strscpy(p->name, tb[CRS_POLICY_A_NAME], sizeof(p->name));
	p->mode = CRS_MODE_ACTIVE;
	if (tb[CRS_POLICY_A_MODE])
		p->mode = nla_get_u8(tb[CRS_POLICY_A_MODE]);
	for (i = 0; i < __CRS_DEF_MAX; i++)
		if (tb[crs_default_attr[i]])
			p->def[i] = nla_get_u8(tb[crs_default_attr[i]]);
	if (tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO])
		p->def_errno = nla_get_u16(tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO]);
	ret = crs_nla_strdup(&p->description, tb[CRS_POLICY_A_DESCRIPTION]);
	if (ret)
		return ret;
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS] &&
	    crs_ignored_parse(p->ignored64, tb[CRS_POLICY_A_IGNORED_SYSCALLS],
			      extack))
		return -EINVAL;
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386] &&
	    crs_ignored_parse(p->ignored32,
			      tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386], extack))
		return -EINVAL;
	return 0;
}

static int crs_put_rule(struct sk_buff *skb, const struct crs_rule *r,
			bool stats)
{
	struct nlattr *nest = nla_nest_start(skb, CRS_RULES_A_RULE);
	int i;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CRS_RULE_A_NAME, r->name) ||
	    nla_put_u8(skb, CRS_RULE_A_TYPE, r->type) ||
	    nla_put_u8(skb, CRS_RULE_A_ACTION, r->action) ||
	    (r->program && nla_put_string(skb, CRS_RULE_A_PROGRAM, r->program)) ||
	    (r->inactive && nla_put_flag(skb, CRS_RULE_A_INACTIVE)) ||
	    (r->file && nla_put_string(skb, CRS_RULE_A_FILE, r->file)))
		goto err;
	if (r->type == CRS_RULE_NETWORK_OUTBOUND ||
	    r->type == CRS_RULE_NETWORK_INBOUND) {
		if (r->has_addr) {
			if (nla_put_u8(skb, CRS_RULE_A_FAMILY, r->family))
				goto err;
			if (r->family == AF_INET) {
				if (nla_put_in_addr(skb, CRS_RULE_A_ADDR,
						    r->addr.s6_addr32[3]) ||
				    nla_put_u8(skb, CRS_RULE_A_PREFIX,
					       r->prefix - 96))
					goto err;
			} else if (nla_put_in6_addr(skb, CRS_RULE_A_ADDR, &r->addr) ||
				   nla_put_u8(skb, CRS_RULE_A_PREFIX, r->prefix)) {
				goto err;
			}
		}
		if (nla_put_u16(skb, CRS_RULE_A_PORT_LO, r->port_lo) ||
		    nla_put_u16(skb, CRS_RULE_A_PORT_HI, r->port_hi) ||
		    nla_put_u8(skb, CRS_RULE_A_PROTOCOL, r->protocol))
			goto err;
	}
	if (r->type == CRS_RULE_SYSCALL) {
		struct nlattr *args;

		if ((r->nr64 >= 0 && nla_put_u32(skb, CRS_RULE_A_SYSCALL_NR, r->nr64)) ||
		    (r->nr32 >= 0 &&
		     nla_put_u32(skb, CRS_RULE_A_SYSCALL_NR_I386, r->nr32)) ||
		    (r->syscall_name &&
		     nla_put_string(skb, CRS_RULE_A_SYSCALL_NAME, r->syscall_name)) ||
		    (r->err && nla_put_u16(skb, CRS_RULE_A_ERRNO, r->err)))
			goto err;
		if (r->nargs) {
			args = nla_nest_start(skb, CRS_RULE_A_ARGS);
			if (!args)
				goto err;
			for (i = 0; i < r->nargs; i++) {
				struct nlattr *a = nla_nest_start(skb, CRS_ARGS_A_ARG);

				if (!a ||
				    nla_put_u8(skb, CRS_ARG_A_INDEX, r->args[i].index) ||
				    nla_put_u8(skb, CRS_ARG_A_OP, r->args[i].op) ||
				    nla_put_u64_64bit(skb, CRS_ARG_A_VALUE,
						      r->args[i].value, CRS_ARG_A_PAD) ||
				    (r->args[i].op == CRS_ARG_MASKED_EQ &&
				     nla_put_u64_64bit(skb, CRS_ARG_A_MASK,
						       r->args[i].mask, CRS_ARG_A_PAD)) ||
				    (r->args[i].type[CRS_ARCH_X86_64] &&
				     nla_put_u8(skb, CRS_ARG_A_TYPE,
						r->args[i].type[CRS_ARCH_X86_64])) ||
				    (r->args[i].type[CRS_ARCH_I386] &&
				     nla_put_u8(skb, CRS_ARG_A_TYPE32,
						r->args[i].type[CRS_ARCH_I386])))
					goto err;
				nla_nest_end(skb, a);
			}
			nla_nest_end(skb, args);
		}
	}
	for (i = 0; stats && i < CRS_VERDICT_OUTCOMES; i++)
		if (nla_put_u64_64bit(skb, crs_hits_attr[i],
				      atomic64_read(&r->hits->verdicts[i]),
				      CRS_RULE_A_PAD))
			goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int crs_put_ignored(struct sk_buff *skb, int type,
			   const unsigned long *bitmap)
{
	unsigned int bit, n = bitmap_weight(bitmap, CRS_NR_SYSCALLS);
	struct nlattr *a;
	u32 *nr;

	if (!n)
		return 0;
	a = nla_reserve(skb, type, n * sizeof(u32));
	if (!a)
		return -EMSGSIZE;
	nr = nla_data(a);
	for_each_set_bit(bit, bitmap, CRS_NR_SYSCALLS)
		*nr++ = bit;
	return 0;
}

/**
 * crs_policy_nl_put() - @p as a CRS_A_POLICY nest, from rule @offset on
 * @skb: the message being built
 * @p: the policy (held by the caller: crs_lock)
 * @users: the containers that use it (CRS_POLICY_A_CONTAINERS)
 * @offset: the first rule to put; on return, the first rule not put
 * @stats: put each rule's hit counters
 *
 * Every message of a policy's dump carries its header, so a reader sees
 * the rule offset and count with each part.
 *
 * Context: any (no allocation).
 * Return: 0 when every rule from @offset on was put, 1 when some were
 * and more follow in the next message, -EMSGSIZE when not even the
 * header and one rule fit (nothing is left in @skb then).
 */
int crs_policy_nl_put(struct sk_buff *skb, const struct crs_policy *p,
		      u32 users, u32 *offset, bool stats)
{
	struct nlattr *nest, *rules;
	u32 i = *offset;
	int d;

	nest = nla_nest_start(skb, CRS_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CRS_POLICY_A_NAME, p->name) ||
	    (p->description &&
	     nla_put_string(skb, CRS_POLICY_A_DESCRIPTION, p->description)) ||
	    nla_put_u8(skb, CRS_POLICY_A_MODE, p->mode) ||
	    (p->def_errno &&
	     nla_put_u16(skb, CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO, p->def_errno)) ||
	    crs_put_ignored(skb, CRS_POLICY_A_IGNORED_SYSCALLS, p->ignored64) ||
	    crs_put_ignored(skb, CRS_POLICY_A_IGNORED_SYSCALLS_I386, p->ignored32) ||
	    nla_put_u32(skb, CRS_POLICY_A_RULE_OFFSET, *offset) ||
	    nla_put_u32(skb, CRS_POLICY_A_RULE_COUNT, p->nrules) ||
	    nla_put_u32(skb, CRS_POLICY_A_CONTAINERS, users) ||
	    nla_put_u64_64bit(skb, CRS_POLICY_A_GENERATION, p->generation,
			      CRS_POLICY_A_PAD))
		goto err;
	for (d = 0; d < __CRS_DEF_MAX; d++)
		if (nla_put_u8(skb, crs_default_attr[d], p->def[d]))
			goto err;
	if (p->nrules) {
		rules = nla_nest_start(skb, CRS_POLICY_A_RULES);
		if (!rules)
			goto err;
		for (; i < p->nrules; i++)
			if (crs_put_rule(skb, &p->rules[i], stats))
				break;
		if (i == *offset)
			goto err;
		nla_nest_end(skb, rules);
	}
	nla_nest_end(skb, nest);
	*offset = i;
	return i < p->nrules;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * crs_nl_get_flags() - CRS_A_FLAGS of a request, checked against @all
 * @info: the request
 * @all: the flags its command knows
 * @flags: out: the flags, 0 when absent
 *
 * Context: a generic netlink handler. Return: 0, or -EOPNOTSUPP (extack
 * names the attribute) for unknown bits.
 */
int crs_nl_get_flags(struct genl_info *info, u32 all, u32 *flags)
{
	*flags = 0;
	if (!info->attrs[CRS_A_FLAGS])
		return 0;
	*flags = nla_get_u32(info->attrs[CRS_A_FLAGS]);
	if (*flags & ~all) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CRS_A_FLAGS],
				    "unknown flags");
		return -EOPNOTSUPP;
	}
	return 0;
}
