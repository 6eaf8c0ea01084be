// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: policy <-> netlink attributes, exactly as include/uapi/linux/crs.h
 * describes CRS_CMD_SET_POLICY and CRS_CMD_GET_POLICY.
 *
 * Choices where crs.h leaves freedom:
 * - CRS_A_FLAGS is always sent (0 for a one-message policy).
 * - Header attributes (DESCRIPTION if any, MODE, all four DEFAULT_*,
 *   IGNORED_SYSCALLS(_I386) when non-empty) only in the first message of
 *   a series; following messages carry only NAME and RULES.
 * - RULE_OFFSET / RULE_COUNT are not sent (get only).
 * - A rule carries NAME, TYPE, ACTION always; PROGRAM only when not "*";
 *   INACTIVE only when set; PORT_LO and PORT_HI both when a port is given;
 *   PROTOCOL only when given (ANY is sent as 0); SYSCALL_NR and
 *   SYSCALL_NR_I386 for each arch the syscall exists on, and
 *   SYSCALL_NAME as written. ARGS holds one ARG per constrained
 *   argument (INDEX, OP, VALUE; MASK only for MASKED_EQ).
 * - A message is closed before it would exceed CRS_MSG_BUDGET bytes.
 * - Every nest carries NLA_F_NESTED (genl's strict validation wants it).
 * - CRS_CMD_GET_POLICY is always requested as a dump (with
 *   CRS_A_POLICY {NAME} as the filter for one policy); a reply part with
 *   RULE_OFFSET > 0 continues the policy of the previous part.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "policy.h"
#include "syscalls.h"

static int put_rule(struct nl_msg *m, const struct crs_rule *r)
{
	struct nlattr *rule, *args, *arg;
	uint8_t t64, t32;
	unsigned int i;

	rule = nla_nest_start(m, CRS_RULES_A_RULE | NLA_F_NESTED);
	if (!rule)
		return -1;
	if (nla_put_string(m, CRS_RULE_A_NAME, r->name) ||
	    nla_put_u8(m, CRS_RULE_A_TYPE, r->type) ||
	    nla_put_u8(m, CRS_RULE_A_ACTION, r->action))
		goto cancel;
	if (r->program && strcmp(r->program, "*") &&
	    nla_put_string(m, CRS_RULE_A_PROGRAM, r->program))
		goto cancel;
	if (r->inactive && nla_put_flag(m, CRS_RULE_A_INACTIVE))
		goto cancel;
	if (r->file && nla_put_string(m, CRS_RULE_A_FILE, r->file))
		goto cancel;
	if (r->has_addr &&
	    (nla_put_u8(m, CRS_RULE_A_FAMILY, r->family) ||
	     nla_put(m, CRS_RULE_A_ADDR, r->family == AF_INET ? 4 : 16,
		     r->addr) ||
	     nla_put_u8(m, CRS_RULE_A_PREFIX, r->prefix)))
		goto cancel;
	if (r->has_port &&
	    (nla_put_u16(m, CRS_RULE_A_PORT_LO, r->port_lo) ||
	     nla_put_u16(m, CRS_RULE_A_PORT_HI, r->port_hi)))
		goto cancel;
	if (r->has_proto && nla_put_u8(m, CRS_RULE_A_PROTOCOL, r->proto))
		goto cancel;
	if (r->type == CRS_RULE_SYSCALL) {
		if (r->nr_x86_64 >= 0 &&
		    nla_put_u32(m, CRS_RULE_A_SYSCALL_NR, (uint32_t)r->nr_x86_64))
			goto cancel;
		if (r->nr_i386 >= 0 &&
		    nla_put_u32(m, CRS_RULE_A_SYSCALL_NR_I386,
				(uint32_t)r->nr_i386))
			goto cancel;
		if (r->syscall &&
		    nla_put_string(m, CRS_RULE_A_SYSCALL_NAME, r->syscall))
			goto cancel;
		if (r->err && nla_put_u16(m, CRS_RULE_A_ERRNO, r->err))
			goto cancel;
	}
	args = NULL;
	for (i = 0; i < CRS_NR_ARGS; i++) {
		const struct crs_arg_rule *a = &r->args[i];

		if (!a->set)
			continue;
		if (!args) {
			args = nla_nest_start(m, CRS_RULE_A_ARGS | NLA_F_NESTED);
			if (!args)
				goto cancel;
		}
		/* the width the kernel reads: upper bits cannot dodge a rule */
		t64 = crs_syscall_arg_type(CRS_ARCH_X86_64, r->nr_x86_64, i);
		t32 = crs_syscall_arg_type(CRS_ARCH_I386, r->nr_i386, i);
		arg = nla_nest_start(m, CRS_ARGS_A_ARG | NLA_F_NESTED);
		if (!arg || nla_put_u8(m, CRS_ARG_A_INDEX, (uint8_t)i) ||
		    nla_put_u8(m, CRS_ARG_A_OP, a->op) ||
		    nla_put_u64(m, CRS_ARG_A_VALUE, a->value) ||
		    (a->op == CRS_ARG_MASKED_EQ &&
		     nla_put_u64(m, CRS_ARG_A_MASK, a->mask)) ||
		    (t64 && nla_put_u8(m, CRS_ARG_A_TYPE, t64)) ||
		    (t32 && nla_put_u8(m, CRS_ARG_A_TYPE32, t32)))
			goto cancel;
		nla_nest_end(m, arg);
	}
	if (args)
		nla_nest_end(m, args);
	nla_nest_end(m, rule);
	return 0;
cancel:
	nla_nest_cancel(m, rule);
	return -1;
}

static int put_header(struct nl_msg *m, const struct crs_policy *p)
{
	if (p->description &&
	    nla_put_string(m, CRS_POLICY_A_DESCRIPTION, p->description))
		return -1;
	if (nla_put_u8(m, CRS_POLICY_A_MODE, p->mode) ||
	    nla_put_u8(m, CRS_POLICY_A_DEFAULT_FILE, p->def_file) ||
	    nla_put_u8(m, CRS_POLICY_A_DEFAULT_NETWORK, p->def_network) ||
	    nla_put_u8(m, CRS_POLICY_A_DEFAULT_EXECUTE, p->def_execute) ||
	    nla_put_u8(m, CRS_POLICY_A_DEFAULT_SYSCALL, p->def_syscall) ||
	    (p->def_syscall_errno &&
	     nla_put_u16(m, CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO,
			 p->def_syscall_errno)))
		return -1;
	if (p->n_ignored &&
	    nla_put(m, CRS_POLICY_A_IGNORED_SYSCALLS,
		    (int)(p->n_ignored * sizeof(uint32_t)), p->ignored))
		return -1;
	if (p->n_ignored_i386 &&
	    nla_put(m, CRS_POLICY_A_IGNORED_SYSCALLS_I386,
		    (int)(p->n_ignored_i386 * sizeof(uint32_t)),
		    p->ignored_i386))
		return -1;
	return 0;
}

/**
 * crs_policy_encode() - build the CRS_CMD_SET_POLICY message series for @p
 * @emit: called with each message in order (owns it); a non-zero return
 * stops the series and is returned.
 * Return: 0, the first non-zero emit() return, or -ENOMEM / -E2BIG.
 */
int crs_policy_encode(const struct crs_policy *p, int family,
		      crs_emit_fn emit, void *arg)
{
	size_t idx = 0, here;
	bool first = true;
	struct nl_msg *m;
	int ret;

	do {
		struct nlattr *flags, *pol, *rules = NULL;
		uint32_t f;

		m = nlmsg_alloc_size(CRS_MSG_BUDGET + 16384);

		if (!m)
			return -ENOMEM;
		if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 CRS_CMD_SET_POLICY, CRS_GENL_VERSION))
			goto nomem;
		flags = nla_reserve(m, CRS_A_FLAGS, sizeof(uint32_t));
		pol = nla_nest_start(m, CRS_A_POLICY | NLA_F_NESTED);
		if (!flags || !pol ||
		    nla_put_string(m, CRS_POLICY_A_NAME, p->name) ||
		    (first && put_header(m, p)))
			goto nomem;
		for (here = 0; idx < p->n_rules; idx++, here++) {
			uint32_t mark;

			if (!rules) {
				rules = nla_nest_start(m, CRS_POLICY_A_RULES | NLA_F_NESTED);
				if (!rules)
					goto nomem;
			}
			mark = nlmsg_hdr(m)->nlmsg_len;
			if (put_rule(m, &p->rules[idx]) ||
			    nlmsg_hdr(m)->nlmsg_len > CRS_MSG_BUDGET) {
				nlmsg_hdr(m)->nlmsg_len = mark;
				if (!here) {
					nlmsg_free(m);
					return -E2BIG;
				}
				break;
			}
		}
		if (rules)
			nla_nest_end(m, rules);
		nla_nest_end(m, pol);
		f = (first ? 0 : CRS_SET_F_APPEND) |
		    (idx < p->n_rules ? CRS_SET_F_MORE : 0);
		memcpy(nla_data(flags), &f, sizeof(f));
		ret = emit(m, arg);
		if (ret)
			return ret;
		first = false;
	} while (idx < p->n_rules);
	return 0;
nomem:
	nlmsg_free(m);
	return -ENOMEM;
}

/* Decoding. Lengths are checked: a short attribute is an error. */

struct dctx {
	char *err;
	size_t errlen;
};

static int bad(struct dctx *d, const char *what)
{
	snprintf(d->err, d->errlen, "kernel reply: bad or missing %s", what);
	return -1;
}

/* Copy attribute @a to @v (@size bytes): 0, or -1 when @a is shorter. */
static int get_fixed(struct nlattr *a, void *v, int size)
{
	if (nla_len(a) < size)
		return -1;
	memcpy(v, nla_data(a), (size_t)size);
	return 0;
}

/* get_fixed() of the size of *@v, a u8, u16, u32 or u64. */
#define GET_ATTR(a, v)	get_fixed(a, v, (int)sizeof(*(v)))

static char *get_str(struct nlattr *a)
{
	int n = nla_len(a);
	const char *s = nla_data(a);

	if (n < 1)
		return strdup("");
	return strndup(s, (size_t)n);
}

static int get_u32s(struct nlattr *a, uint32_t **v, size_t *n)
{
	size_t len = (size_t)nla_len(a);

	if (len % 4)
		return -1;
	*n = len / 4;
	*v = calloc(*n + 1, sizeof(uint32_t));
	if (!*v)
		return -1;
	memcpy(*v, nla_data(a), len);
	return 0;
}

static int decode_arg(struct dctx *d, struct nlattr *attr, struct crs_rule *r)
{
	struct nlattr *tb[CRS_ARG_A_MAX + 1];
	struct crs_arg_rule a = { .set = true };
	uint8_t idx;

	if (nla_parse_nested(tb, CRS_ARG_A_MAX, attr, NULL))
		return bad(d, "CRS_ARGS_A_ARG");
	if (!tb[CRS_ARG_A_INDEX] || GET_ATTR(tb[CRS_ARG_A_INDEX], &idx) ||
	    idx >= CRS_NR_ARGS)
		return bad(d, "CRS_ARG_A_INDEX");
	if (!tb[CRS_ARG_A_OP] || GET_ATTR(tb[CRS_ARG_A_OP], &a.op) ||
	    a.op >= __CRS_ARG_MAX)
		return bad(d, "CRS_ARG_A_OP");
	if (!tb[CRS_ARG_A_VALUE] || GET_ATTR(tb[CRS_ARG_A_VALUE], &a.value))
		return bad(d, "CRS_ARG_A_VALUE");
	if (a.op == CRS_ARG_MASKED_EQ &&
	    (!tb[CRS_ARG_A_MASK] || GET_ATTR(tb[CRS_ARG_A_MASK], &a.mask)))
		return bad(d, "CRS_ARG_A_MASK");
	r->args[idx] = a;
	return 0;
}

static int decode_rule(struct dctx *d, struct nlattr *attr, struct crs_rule *r)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1], *pos;
	uint32_t v32;
	int rem;

	if (nla_parse_nested(tb, CRS_RULE_A_MAX, attr, NULL))
		return bad(d, "CRS_RULES_A_RULE");
	if (!tb[CRS_RULE_A_NAME])
		return bad(d, "CRS_RULE_A_NAME");
	r->name = get_str(tb[CRS_RULE_A_NAME]);
	if (!tb[CRS_RULE_A_TYPE] || GET_ATTR(tb[CRS_RULE_A_TYPE], &r->type) ||
	    r->type >= __CRS_RULE_MAX)
		return bad(d, "CRS_RULE_A_TYPE");
	if (!tb[CRS_RULE_A_ACTION] || GET_ATTR(tb[CRS_RULE_A_ACTION], &r->action) ||
	    r->action >= __CRS_ACTION_MAX)
		return bad(d, "CRS_RULE_A_ACTION");
	if (tb[CRS_RULE_A_PROGRAM]) {
		r->program = get_str(tb[CRS_RULE_A_PROGRAM]);
		if (!strcmp(r->program, "*")) {
			free(r->program);
			r->program = NULL;
		}
	}
	r->inactive = tb[CRS_RULE_A_INACTIVE] != NULL;
	if (tb[CRS_RULE_A_FILE])
		r->file = get_str(tb[CRS_RULE_A_FILE]);
	if (tb[CRS_RULE_A_ADDR]) {
		int len = nla_len(tb[CRS_RULE_A_ADDR]);

		if (len != 4 && len != 16)
			return bad(d, "CRS_RULE_A_ADDR");
		r->family = len == 4 ? AF_INET : AF_INET6;
		if (tb[CRS_RULE_A_FAMILY] &&
		    (GET_ATTR(tb[CRS_RULE_A_FAMILY], &r->family) ||
		     r->family != (len == 4 ? AF_INET : AF_INET6)))
			return bad(d, "CRS_RULE_A_FAMILY");
		memcpy(r->addr, nla_data(tb[CRS_RULE_A_ADDR]), (size_t)len);
		r->prefix = (uint8_t)(len * 8);
		if (tb[CRS_RULE_A_PREFIX] &&
		    (GET_ATTR(tb[CRS_RULE_A_PREFIX], &r->prefix) ||
		     r->prefix > len * 8))
			return bad(d, "CRS_RULE_A_PREFIX");
		r->has_addr = true;
	}
	if (tb[CRS_RULE_A_PORT_LO] || tb[CRS_RULE_A_PORT_HI]) {
		r->port_lo = 0;
		r->port_hi = 65535;
		if (tb[CRS_RULE_A_PORT_LO] &&
		    GET_ATTR(tb[CRS_RULE_A_PORT_LO], &r->port_lo))
			return bad(d, "CRS_RULE_A_PORT_LO");
		if (tb[CRS_RULE_A_PORT_HI] &&
		    GET_ATTR(tb[CRS_RULE_A_PORT_HI], &r->port_hi))
			return bad(d, "CRS_RULE_A_PORT_HI");
		r->has_port = true;
	}
	if (tb[CRS_RULE_A_PROTOCOL]) {
		if (GET_ATTR(tb[CRS_RULE_A_PROTOCOL], &r->proto))
			return bad(d, "CRS_RULE_A_PROTOCOL");
		r->has_proto = true;
	}
	/* A kernel that echoes its defaults: drop them where redundant. */
	if (r->has_port && r->port_lo == 0 && r->port_hi == 65535 &&
	    (r->has_addr || r->has_proto))
		r->has_port = false;
	if (r->has_proto && r->proto == CRS_PROTO_ANY &&
	    (r->has_addr || r->has_port))
		r->has_proto = false;
	if (tb[CRS_RULE_A_SYSCALL_NR]) {
		if (GET_ATTR(tb[CRS_RULE_A_SYSCALL_NR], &v32) || v32 > 0x7fffffff)
			return bad(d, "CRS_RULE_A_SYSCALL_NR");
		r->nr_x86_64 = (int)v32;
	}
	if (tb[CRS_RULE_A_SYSCALL_NR_I386]) {
		if (GET_ATTR(tb[CRS_RULE_A_SYSCALL_NR_I386], &v32) ||
		    v32 > 0x7fffffff)
			return bad(d, "CRS_RULE_A_SYSCALL_NR_I386");
		r->nr_i386 = (int)v32;
	}
	if (tb[CRS_RULE_A_SYSCALL_NAME])
		r->syscall = get_str(tb[CRS_RULE_A_SYSCALL_NAME]);
	if (tb[CRS_RULE_A_ERRNO] &&
	    GET_ATTR(tb[CRS_RULE_A_ERRNO], &r->err))
		return bad(d, "CRS_RULE_A_ERRNO");
	if (tb[CRS_RULE_A_ARGS])
		nla_for_each_nested(pos, tb[CRS_RULE_A_ARGS], rem)
			if (nla_type(pos) == CRS_ARGS_A_ARG &&
			    decode_arg(d, pos, r))
				return -1;
	if (tb[CRS_RULE_A_HITS_ALLOWED] || tb[CRS_RULE_A_HITS_DENIED] ||
	    tb[CRS_RULE_A_HITS_MONITOR]) {
		r->has_stats = true;
		if (tb[CRS_RULE_A_HITS_ALLOWED])
			GET_ATTR(tb[CRS_RULE_A_HITS_ALLOWED], &r->allowed);
		if (tb[CRS_RULE_A_HITS_DENIED])
			GET_ATTR(tb[CRS_RULE_A_HITS_DENIED], &r->denied);
		if (tb[CRS_RULE_A_HITS_MONITOR])
			GET_ATTR(tb[CRS_RULE_A_HITS_MONITOR], &r->monitored);
	}
	return 0;
}

static int decode_header(struct dctx *d, struct nlattr **tb,
			 struct crs_policy *p)
{
	static const int dattr[] = {
		CRS_POLICY_A_DEFAULT_FILE, CRS_POLICY_A_DEFAULT_NETWORK,
		CRS_POLICY_A_DEFAULT_EXECUTE, CRS_POLICY_A_DEFAULT_SYSCALL,
	};
	uint8_t *dv[] = { &p->def_file, &p->def_network, &p->def_execute,
			  &p->def_syscall };
	unsigned int i;

	if (tb[CRS_POLICY_A_DESCRIPTION]) {
		p->description = get_str(tb[CRS_POLICY_A_DESCRIPTION]);
		if (!*p->description) {
			free(p->description);
			p->description = NULL;
		}
	}
	if (tb[CRS_POLICY_A_MODE] &&
	    (GET_ATTR(tb[CRS_POLICY_A_MODE], &p->mode) || p->mode >= __CRS_MODE_MAX))
		return bad(d, "CRS_POLICY_A_MODE");
	for (i = 0; i < 4; i++)
		if (tb[dattr[i]] && (GET_ATTR(tb[dattr[i]], dv[i]) ||
				     *dv[i] >= __CRS_ACTION_MAX))
			return bad(d, "CRS_POLICY_A_DEFAULT_*");
	if (tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO] &&
	    GET_ATTR(tb[CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO],
		    &p->def_syscall_errno))
		return bad(d, "CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO");
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS] &&
	    get_u32s(tb[CRS_POLICY_A_IGNORED_SYSCALLS], &p->ignored,
		     &p->n_ignored))
		return bad(d, "CRS_POLICY_A_IGNORED_SYSCALLS");
	if (tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386] &&
	    get_u32s(tb[CRS_POLICY_A_IGNORED_SYSCALLS_I386], &p->ignored_i386,
		     &p->n_ignored_i386))
		return bad(d, "CRS_POLICY_A_IGNORED_SYSCALLS_I386");
	if (tb[CRS_POLICY_A_RULE_COUNT]) {
		p->has_info = true;
		GET_ATTR(tb[CRS_POLICY_A_RULE_COUNT], &p->rule_count);
	}
	if (tb[CRS_POLICY_A_CONTAINERS]) {
		p->has_info = true;
		GET_ATTR(tb[CRS_POLICY_A_CONTAINERS], &p->containers);
	}
	if (tb[CRS_POLICY_A_GENERATION]) {
		p->has_info = true;
		GET_ATTR(tb[CRS_POLICY_A_GENERATION], &p->generation);
	}
	return 0;
}

int crs_policy_decode(struct crs_policy_list *l, struct nlattr *attr,
		      bool append, char *err, size_t errlen)
{
	struct dctx d = { .err = err, .errlen = errlen };
	struct nlattr *tb[CRS_POLICY_A_MAX + 1], *pos, *rpos;
	struct crs_policy *p = NULL;
	uint32_t offset = 0;
	char *name;
	int rem, rrem;

	if (nla_parse_nested(tb, CRS_POLICY_A_MAX, attr, NULL))
		return bad(&d, "CRS_A_POLICY");
	if (!tb[CRS_POLICY_A_NAME])
		return bad(&d, "CRS_POLICY_A_NAME");
	if (tb[CRS_POLICY_A_RULE_OFFSET] &&
	    GET_ATTR(tb[CRS_POLICY_A_RULE_OFFSET], &offset))
		return bad(&d, "CRS_POLICY_A_RULE_OFFSET");
	name = get_str(tb[CRS_POLICY_A_NAME]);
	if (append || offset) {
		if (l->n && !strcmp(l->v[l->n - 1].name, name))
			p = &l->v[l->n - 1];
		if (!p || (tb[CRS_POLICY_A_RULE_OFFSET] && offset != p->n_rules)) {
			snprintf(err, errlen, "kernel reply: policy \"%s\": rules at offset %u do not follow the %zu received",
				 name, offset, p ? p->n_rules : 0);
			free(name);
			return -1;
		}
		free(name);
	} else {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			struct crs_policy *v = realloc(l->v, cap * sizeof(*v));

			if (!v) {
				free(name);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			l->v = v;
			l->cap = cap;
		}
		p = &l->v[l->n++];
		memset(p, 0, sizeof(*p));
		p->name = name;
		p->mode = CRS_MODE_ACTIVE;
		if (decode_header(&d, tb, p))
			return -1;
	}
	nla_for_each_nested(pos, attr, rem) {
		if (nla_type(pos) != CRS_POLICY_A_RULES)
			continue;
		nla_for_each_nested(rpos, pos, rrem) {
			struct crs_rule *r;

			if (nla_type(rpos) != CRS_RULES_A_RULE)
				continue;
			r = crs_policy_add_rule(p);
			if (!r) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			if (decode_rule(&d, rpos, r))
				return -1;
		}
	}
	return 0;
}

void crs_policy_list_free(struct crs_policy_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		crs_policy_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
