/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crsnl: the policy model. A policy is parsed from JSON (the Qualys CRS
 * field names, see README "Policy JSON"), validated completely, encoded
 * to CRS_CMD_SET_POLICY messages, decoded from CRS_CMD_GET_POLICY replies
 * and printed back as JSON that parses to an equal policy.
 */
#ifndef CRSNL_POLICY_H
#define CRSNL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <linux/crs.h>

#include "names.h"

#define CRS_NR_ARGS 6

struct crs_arg_rule {
	bool set;
	uint8_t op;		/* enum crs_arg_op */
	uint64_t value;
	uint64_t mask;		/* CRS_ARG_MASKED_EQ only */
};

struct crs_rule {
	char *name;
	uint8_t type;		/* enum crs_rule_type */
	uint8_t action;		/* enum crs_action */
	char *program;		/* NULL: "*" */
	bool inactive;
	char *file;
	bool has_addr;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order */
	uint8_t prefix;
	bool has_port;
	uint16_t port_lo, port_hi;
	bool has_proto;
	uint8_t proto;		/* CRS_PROTO_* */
	char *syscall;		/* as written */
	int nr_x86_64;		/* -1: none on that arch */
	int nr_i386;
	struct crs_arg_rule args[CRS_NR_ARGS];
	uint16_t err;		/* errno of a denied SYSCALL; 0: EPERM */
	bool has_stats;
	uint64_t allowed, denied, monitored;
};

struct crs_policy {
	char *name;
	char *description;	/* NULL: none */
	uint8_t mode;		/* enum crs_policy_mode */
	uint8_t def_network, def_file, def_execute, def_syscall;
	uint16_t def_syscall_errno;	/* 0: EPERM */
	uint32_t *ignored;	/* x86_64 numbers, sorted */
	size_t n_ignored;
	uint32_t *ignored_i386;	/* i386 numbers, sorted */
	size_t n_ignored_i386;
	struct crs_rule *rules;
	size_t n_rules, cap_rules;
	/* Only from the kernel (CRS_CMD_GET_POLICY). */
	bool has_info;
	uint32_t rule_count, containers;
	uint64_t generation;
};

/*
 * Parse and validate. On error return -1 and put one line (without
 * newline) in err: "LABEL: [rules[I] "NAME": ]FIELD ["VALUE"]: problem".
 */
int crs_policy_parse_file(const char *path, struct crs_policy *p,
			  char *err, size_t errlen);
/*
 * Parse @json strictly (no comments, trailing commas or text, bad UTF-8,
 * duplicate keys): the root, or NULL with "LABEL: line N: ..." in @err.
 * (json_lint.c)
 */
struct json_object *crs_json_parse_strict(const char *label,
					  const char *json, char *err,
					  size_t errlen);
int crs_policy_parse_string(const char *label, const char *json,
			    struct crs_policy *p, char *err, size_t errlen);
int crs_policy_from_json(const char *label, struct json_object *root,
			 struct crs_policy *p, char *err, size_t errlen);
void crs_policy_free(struct crs_policy *p);

/* JSON that crs_policy_parse_*() accepts; stats adds per-rule "stats".
 * (policy_json.c, as crs_policy_equal()) */
struct json_object *crs_policy_to_json(const struct crs_policy *p, bool stats);
/* Print as pretty JSON with a final newline. */
char *crs_policy_to_string(const struct crs_policy *p, bool stats);

/* 1 when a and b describe the same policy; else 0 and why says where. */
int crs_policy_equal(const struct crs_policy *a, const struct crs_policy *b,
		     char *why, size_t whylen);

struct crs_rule *crs_policy_add_rule(struct crs_policy *p);
void crs_rule_free(struct crs_rule *r);

/* Arg constraint text ("38", "!=5", "&0x7e020000==0") <-> struct. */
int crs_arg_parse(const char *s, struct crs_arg_rule *a);
void crs_arg_format(const struct crs_arg_rule *a, char *buf, size_t len);

/* Resolve "open", "2" to both arches; -1 if unknown. */
int crs_syscall_resolve(const char *s, int *nr_x86_64, int *nr_i386);

/* Netlink encoding (policy_nl.c). */
struct nl_msg;
struct nlattr;
#define CRS_MSG_BUDGET 60000	/* bytes per SET_POLICY message */
/* Called once per message in order; takes ownership of msg. */
typedef int (*crs_emit_fn)(struct nl_msg *msg, void *arg);
int crs_policy_encode(const struct crs_policy *p, int family,
		      crs_emit_fn emit, void *arg);

/* A list of policies reassembled from reply messages. */
struct crs_policy_list {
	struct crs_policy *v;
	size_t n, cap;
};
/*
 * Add the CRS_A_POLICY attribute of one message: a new policy, or more
 * rules of the last one with the same name when append is set or
 * CRS_POLICY_A_RULE_OFFSET is non-zero. Return 0 or -1 with err set.
 */
int crs_policy_decode(struct crs_policy_list *l, struct nlattr *attr,
		      bool append, char *err, size_t errlen);
void crs_policy_list_free(struct crs_policy_list *l);

#endif
