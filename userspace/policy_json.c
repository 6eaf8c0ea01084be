// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: a policy model back to JSON (what crs_policy_parse_*() accepts,
 * the export of learning and "policy show"), and the comparison of two
 * models that "sync" and "policy push" use to say what changed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"
#include "syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* An errno as its name ("ENOSYS"), or its number when it has none. */
static void add_errno(struct json_object *o, const char *k, unsigned int e)
{
	const char *en = crs_errno_name(e);

	if (en)
		add_str(o, k, en);
	else
		json_object_object_add(o, k, json_object_new_int((int)e));
}

static bool u32_has(const uint32_t *v, size_t n, uint32_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static const char *rule_syscall_text(const struct crs_rule *r, char *buf,
				     size_t len)
{
	const char *n;

	if (r->syscall)
		return r->syscall;
	n = r->nr_x86_64 >= 0 ? crs_syscall_name_x86_64(r->nr_x86_64) :
	    crs_syscall_name_i386(r->nr_i386);
	if (n)
		return n;
	snprintf(buf, len, "%d", r->nr_x86_64);
	return buf;
}

static struct json_object *rule_to_json(const struct crs_rule *r, bool stats)
{
	struct json_object *o = json_object_new_object();
	char buf[INET6_ADDRSTRLEN + 8], a[64];
	unsigned int i;

	add_str(o, "name", r->name ? r->name : "");
	add_str(o, "ruleType", crs_rule_type_name(r->type));
	add_str(o, "program", r->program ? r->program : "*");
	if (r->type == CRS_RULE_SYSCALL)
		add_str(o, "syscall", rule_syscall_text(r, a, sizeof(a)));
	if (r->file)
		add_str(o, "file", r->file);
	if (r->has_addr) {
		inet_ntop(r->family, r->addr, buf, sizeof(buf));
		if (r->prefix != (r->family == AF_INET ? 32 : 128))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "/%u", r->prefix);
		add_str(o, "ipAddress", buf);
	}
	if (r->has_port) {
		if (r->port_lo == r->port_hi)
			snprintf(buf, sizeof(buf), "%u", r->port_lo);
		else
			snprintf(buf, sizeof(buf), "%u-%u", r->port_lo,
				 r->port_hi);
		add_str(o, "port", buf);
	}
	if (r->has_proto)
		add_str(o, "protocol", crs_proto_name(r->proto));
	for (i = 0; i < CRS_NR_ARGS; i++) {
		char k[8];

		if (!r->args[i].set)
			continue;
		snprintf(k, sizeof(k), "arg%u", i + 1);
		crs_arg_format(&r->args[i], a, sizeof(a));
		add_str(o, k, a);
	}
	add_str(o, "action", crs_action_name(r->action));
	if (r->err)
		add_errno(o, "errno", r->err);
	if (r->inactive)
		json_object_object_add(o, "inactive", json_object_new_boolean(1));
	if (stats && r->has_stats) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "allowed",
				       json_object_new_uint64(r->allowed));
		json_object_object_add(s, "denied",
				       json_object_new_uint64(r->denied));
		json_object_object_add(s, "monitored",
				       json_object_new_uint64(r->monitored));
		json_object_object_add(o, "stats", s);
	}
	return o;
}

struct json_object *crs_policy_to_json(const struct crs_policy *p, bool stats)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	add_str(o, "name", p->name ? p->name : "");
	if (p->description)
		add_str(o, "description", p->description);
	add_str(o, "policyMode", crs_mode_name(p->mode));
	add_str(o, "defaultNetworkAction", crs_action_name(p->def_network));
	add_str(o, "defaultFileAction", crs_action_name(p->def_file));
	add_str(o, "defaultExecuteAction", crs_action_name(p->def_execute));
	add_str(o, "defaultSyscallAction", crs_action_name(p->def_syscall));
	if (p->def_syscall_errno)
		add_errno(o, "defaultSyscallErrno", p->def_syscall_errno);
	if (p->n_ignored || p->n_ignored_i386) {
		uint32_t *covered = calloc(p->n_ignored + 1, sizeof(uint32_t));
		size_t nc = 0;

		a = json_object_new_array();
		for (i = 0; i < p->n_ignored; i++) {
			const char *n = crs_syscall_name_x86_64((int)p->ignored[i]);
			int n32;

			if (!n) {
				json_object_array_add(a, json_object_new_int64(p->ignored[i]));
				continue;
			}
			json_object_array_add(a, json_object_new_string(n));
			n32 = crs_syscall_nr_i386(n);
			if (n32 >= 0 && covered)
				covered[nc++] = (uint32_t)n32;
		}
		for (i = 0; i < p->n_ignored_i386; i++) {
			const char *n = crs_syscall_name_i386((int)p->ignored_i386[i]);

			if (n && !u32_has(covered, nc, p->ignored_i386[i]))
				json_object_array_add(a, json_object_new_string(n));
		}
		free(covered);
		json_object_object_add(o, "ignoredSyscalls", a);
	}
	a = json_object_new_array();
	for (i = 0; i < p->n_rules; i++)
		json_object_array_add(a, rule_to_json(&p->rules[i], stats));
	json_object_object_add(o, "rules", a);
	return o;
}

char *crs_policy_to_string(const struct crs_policy *p, bool stats)
{
	struct json_object *o = crs_policy_to_json(p, stats);
	const char *s = json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = NULL;

	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	json_object_put(o);
	return out;
}

/* Comparison. */

static bool str_eq(const char *a, const char *b, const char *dflt)
{
	if (!a)
		a = dflt;
	if (!b)
		b = dflt;
	return !strcmp(a, b);
}

static int rule_equal(const struct crs_rule *a, const struct crs_rule *b,
		      const char **field)
{
	unsigned int i, alen;

#define DIFF(f) do { *field = f; return 0; } while (0)
	if (!str_eq(a->name, b->name, ""))
		DIFF("name");
	if (a->type != b->type)
		DIFF("ruleType");
	if (a->action != b->action)
		DIFF("action");
	if (!str_eq(a->program, b->program, "*"))
		DIFF("program");
	if (a->inactive != b->inactive)
		DIFF("inactive");
	if (!str_eq(a->file, b->file, ""))
		DIFF("file");
	if (a->has_addr != b->has_addr)
		DIFF("ipAddress");
	if (a->has_addr) {
		alen = a->family == AF_INET ? 4 : 16;
		if (a->family != b->family || a->prefix != b->prefix ||
		    memcmp(a->addr, b->addr, alen))
			DIFF("ipAddress");
	}
	if ((a->has_port ? a->port_lo : 0) != (b->has_port ? b->port_lo : 0) ||
	    (a->has_port ? a->port_hi : 65535) !=
	    (b->has_port ? b->port_hi : 65535))
		DIFF("port");
	if ((a->has_proto ? a->proto : 0) != (b->has_proto ? b->proto : 0))
		DIFF("protocol");
	if (a->nr_x86_64 != b->nr_x86_64 || a->nr_i386 != b->nr_i386)
		DIFF("syscall");
	if (a->err != b->err)
		DIFF("errno");
	for (i = 0; i < CRS_NR_ARGS; i++) {
		const struct crs_arg_rule *x = &a->args[i], *y = &b->args[i];

		if (x->set != y->set || (x->set &&
		    (x->op != y->op || x->value != y->value ||
		     (x->op == CRS_ARG_MASKED_EQ && x->mask != y->mask))))
			DIFF("arg");
	}
#undef DIFF
	return 1;
}

int crs_policy_equal(const struct crs_policy *a, const struct crs_policy *b,
		     char *why, size_t whylen)
{
	const char *field = NULL;
	size_t i;

#define DIFF(...) do { snprintf(why, whylen, __VA_ARGS__); return 0; } while (0)
	if (!str_eq(a->name, b->name, ""))
		DIFF("name");
	if (!str_eq(a->description, b->description, ""))
		DIFF("description");
	if (a->mode != b->mode)
		DIFF("policyMode");
	if (a->def_network != b->def_network || a->def_file != b->def_file ||
	    a->def_execute != b->def_execute || a->def_syscall != b->def_syscall)
		DIFF("default actions");
	if (a->def_syscall_errno != b->def_syscall_errno)
		DIFF("defaultSyscallErrno");
	if (a->n_ignored != b->n_ignored || a->n_ignored_i386 != b->n_ignored_i386 ||
	    (a->n_ignored && memcmp(a->ignored, b->ignored,
				    a->n_ignored * sizeof(uint32_t))) ||
	    (a->n_ignored_i386 && memcmp(a->ignored_i386, b->ignored_i386,
					 a->n_ignored_i386 * sizeof(uint32_t))))
		DIFF("ignoredSyscalls");
	if (a->n_rules != b->n_rules)
		DIFF("rule count %zu != %zu", a->n_rules, b->n_rules);
	for (i = 0; i < a->n_rules; i++)
		if (!rule_equal(&a->rules[i], &b->rules[i], &field))
			DIFF("rules[%zu] \"%s\": %s", i,
			     a->rules[i].name ? a->rules[i].name : "", field);
#undef DIFF
	return 1;
}
