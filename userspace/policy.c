// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: policy JSON parsing, validation and printing. Every problem is
 * reported as one line naming the file, the rule and the field, and the
 * first problem stops the parse: nothing half-checked reaches the kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cmdutil.h"
#include "policy.h"
#include "syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a whole unsigned decimal or 0x hex number. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		return -1;
	/* strtoull(, 0) takes a leading 0 as octal: only 0 itself. */
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return -1;
	return 0;
}

int crs_arg_parse(const char *s, struct crs_arg_rule *a)
{
	static const struct { const char *pfx; uint8_t op; } ops[] = {
		{ "!=", CRS_ARG_NE }, { "<=", CRS_ARG_LE }, { ">=", CRS_ARG_GE },
		{ "==", CRS_ARG_EQ }, { "<", CRS_ARG_LT }, { ">", CRS_ARG_GT },
	};
	size_t i;

	memset(a, 0, sizeof(*a));
	a->set = true;
	if (s[0] == '&') {
		const char *eq = strstr(s, "==");
		char mask[32];
		size_t n;

		if (!eq)
			return -1;
		n = (size_t)(eq - s - 1);
		if (n == 0 || n >= sizeof(mask))
			return -1;
		memcpy(mask, s + 1, n);
		mask[n] = '\0';
		a->op = CRS_ARG_MASKED_EQ;
		if (parse_u64(mask, &a->mask) || parse_u64(eq + 2, &a->value))
			return -1;
		return 0;
	}
	a->op = CRS_ARG_EQ;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].pfx);

		if (!strncmp(s, ops[i].pfx, n)) {
			a->op = ops[i].op;
			s += n;
			break;
		}
	}
	return parse_u64(s, &a->value);
}

void crs_arg_format(const struct crs_arg_rule *a, char *buf, size_t len)
{
	static const char *const pfx[] = {
		[CRS_ARG_EQ] = "", [CRS_ARG_NE] = "!=", [CRS_ARG_LT] = "<",
		[CRS_ARG_LE] = "<=", [CRS_ARG_GT] = ">", [CRS_ARG_GE] = ">=",
	};

	if (a->op == CRS_ARG_MASKED_EQ)
		snprintf(buf, len, "&0x%" PRIx64 "==%s%" PRIx64, a->mask,
			 a->value ? "0x" : "", a->value);
	else if (a->op < CRS_ARG_MASKED_EQ)
		snprintf(buf, len, "%s%" PRIu64, pfx[a->op], a->value);
	else
		snprintf(buf, len, "?op%u?%" PRIu64, a->op, a->value);
}

int crs_syscall_resolve(const char *s, int *nr64, int *nr32)
{
	uint64_t v;
	const char *name;

	if (!parse_u64(s, &v)) {
		if (v > 0x7fffffff)
			return -1;
		name = crs_syscall_name_x86_64((int)v);
		if (!name)
			return -1;
		*nr64 = (int)v;
		*nr32 = crs_syscall_nr_i386(name);
		return 0;
	}
	*nr64 = crs_syscall_nr_x86_64(s);
	*nr32 = crs_syscall_nr_i386(s);
	return *nr64 < 0 && *nr32 < 0 ? -1 : 0;
}

/* Parsing context: where we are, for the one-line error. */
struct pctx {
	const char *label;
	char *err;
	size_t errlen;
	long ri;		/* rule index, -1 at top level */
	const char *rname;	/* rule name when known */
};

static int __attribute__((format(printf, 2, 3)))
fail(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	n = (size_t)snprintf(c->err, c->errlen, "%s: ", c->label);
	if (c->ri >= 0 && n < c->errlen) {
		if (c->rname)
			n += (size_t)snprintf(c->err + n, c->errlen - n,
					      "rules[%ld] \"%s\": ", c->ri,
					      c->rname);
		else
			n += (size_t)snprintf(c->err + n, c->errlen - n,
					      "rules[%ld]: ", c->ri);
	}
	if (n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The value as JSON text: strings quoted, numbers bare. */
static const char *jtext(struct json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

static const char *jtype(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_double:
	case json_type_int: return "number";
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	}
	return "?";
}

static int want_string(struct pctx *c, const char *field,
		       struct json_object *v, const char **s)
{
	if (!json_object_is_type(v, json_type_string))
		return fail(c, "%s: expected a string, got %s", field, jtype(v));
	*s = json_object_get_string(v);
	if (strlen(*s) != (size_t)json_object_get_string_len(v))
		return fail(c, "%s %s: contains a NUL character", field,
			    jtext(v));
	return 0;
}

static int check_name(struct pctx *c, struct json_object *v, const char **s)
{
	const char *p;

	if (want_string(c, "name", v, s))
		return -1;
	if (!**s)
		return fail(c, "name \"\": empty");
	if (strlen(*s) > CRS_NAME_MAX - 1)
		return fail(c, "name %s: longer than %d bytes", jtext(v),
			    CRS_NAME_MAX - 1);
	for (p = *s; *p; p++)
		if (iscntrl((unsigned char)*p))
			return fail(c, "name %s: contains a control character",
				    jtext(v));
	return 0;
}

/* @v names one of the @n values that @name names (any case). */
static int check_enum(struct pctx *c, const char *field, struct json_object *v,
		      const char *(*name)(unsigned int), unsigned int n,
		      uint8_t *out)
{
	const char *s;
	char expect[160] = "";
	unsigned int i;

	if (want_string(c, field, v, &s))
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, name(i))) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		strcat(expect, name(i));
		if (i + 2 < n)
			strcat(expect, ", ");
		else if (i + 2 == n)
			strcat(expect, " or ");
	}
	return fail(c, "%s %s: expected %s", field, jtext(v), expect);
}

static int check_path(struct pctx *c, const char *field, struct json_object *v,
		      bool star_ok, char **out)
{
	const char *s;

	if (want_string(c, field, v, &s))
		return -1;
	if (star_ok && !strcmp(s, "*")) {
		*out = NULL;
		return 0;
	}
	if (s[0] != '/')
		return fail(c, "%s %s: not an absolute path%s", field, jtext(v),
			    star_ok ? " or \"*\"" : "");
	if (strlen(s) > CRS_PATH_MAX - 1)
		return fail(c, "%s: longer than %d bytes", field,
			    CRS_PATH_MAX - 1);
	*out = strdup(s);
	return 0;
}

static int check_addr(struct pctx *c, struct json_object *v, struct crs_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN];
	const char *s, *slash;
	unsigned int max, i, plen;
	uint64_t pfx;

	if (want_string(c, "ipAddress", v, &s))
		return -1;
	if (strlen(s) >= sizeof(buf))
		return fail(c, "ipAddress %s: not an IPv4 or IPv6 address",
			    jtext(v));
	strcpy(buf, s);
	slash = strchr(s, '/');
	if (slash)
		buf[slash - s] = '\0';
	if (inet_pton(AF_INET, buf, r->addr) == 1) {
		r->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, r->addr) == 1) {
		r->family = AF_INET6;
		max = 128;
	} else {
		return fail(c, "ipAddress %s: not an IPv4 or IPv6 address",
			    jtext(v));
	}
	pfx = max;
	if (slash) {
		if (parse_u64(slash + 1, &pfx) || (slash[1] == '0' && slash[2]))
			return fail(c, "ipAddress %s: bad prefix length",
				    jtext(v));
		if (pfx > max)
			return fail(c, "ipAddress %s: prefix length out of range",
				    jtext(v));
	}
	r->prefix = (uint8_t)pfx;
	plen = r->family == AF_INET ? 4 : 16;
	for (i = 0; i < plen; i++) {
		unsigned int bits = pfx >= (i + 1) * 8 ? 8 :
				    pfx <= i * 8 ? 0 : (unsigned int)pfx - i * 8;
		uint8_t keep = bits ? (uint8_t)(0xff << (8 - bits)) : 0;

		if (r->addr[i] & ~keep) {
			uint8_t a[16];

			memcpy(a, r->addr, sizeof(a));
			for (; i < plen; i++) {
				bits = pfx >= (i + 1) * 8 ? 8 :
				       pfx <= i * 8 ? 0 : (unsigned int)pfx - i * 8;
				a[i] &= bits ? (uint8_t)(0xff << (8 - bits)) : 0;
			}
			inet_ntop(r->family, a, net, sizeof(net));
			return fail(c, "ipAddress %s: host bits set (the network is %s/%u)",
				    jtext(v), net, (unsigned int)pfx);
		}
	}
	r->has_addr = true;
	return 0;
}

static int check_port(struct pctx *c, struct json_object *v, struct crs_rule *r)
{
	uint64_t lo, hi;

	if (json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);

		if (n < 0 || n > 65535)
			return fail(c, "port %s: out of range (0-65535)",
				    jtext(v));
		lo = hi = (uint64_t)n;
	} else if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v), *dash;
		char a[24];

		dash = strchr(s, '-');
		if (dash) {
			if ((size_t)(dash - s) >= sizeof(a))
				goto bad;
			memcpy(a, s, (size_t)(dash - s));
			a[dash - s] = '\0';
			if (parse_u64(a, &lo) || parse_u64(dash + 1, &hi))
				goto bad;
		} else {
			if (parse_u64(s, &lo))
				goto bad;
			hi = lo;
		}
		if (lo > 65535 || hi > 65535)
			return fail(c, "port %s: out of range (0-65535)",
				    jtext(v));
		if (lo > hi)
			return fail(c, "port %s: range is reversed (%" PRIu64
				    " > %" PRIu64 ")", jtext(v), lo, hi);
	} else {
		return fail(c, "port: expected a number or a string, got %s",
			    jtype(v));
	}
	r->has_port = true;
	r->port_lo = (uint16_t)lo;
	r->port_hi = (uint16_t)hi;
	return 0;
bad:
	return fail(c, "port %s: expected a port number or a range \"lo-hi\"",
		    jtext(v));
}

static int check_syscall(struct pctx *c, const char *field,
			 struct json_object *v, int *nr64, int *nr32,
			 char **written)
{
	const char *s;

	if (json_object_is_type(v, json_type_int)) {
		s = json_object_get_string(v);
		if (crs_syscall_resolve(s, nr64, nr32))
			return fail(c, "%s %s: unknown x86_64 syscall number",
				    field, jtext(v));
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (crs_syscall_resolve(s, nr64, nr32))
			return fail(c, "%s %s: unknown %s", field, jtext(v),
				    isdigit((unsigned char)s[0]) ?
				    "x86_64 syscall number" : "syscall");
	} else {
		return fail(c, "%s: expected a syscall name or number, got %s",
			    field, jtype(v));
	}
	if (written)
		*written = strdup(s);
	return 0;
}

/*
 * The kernel reads an int argument as 32 bits (umode_t as 16): a value
 * above that can never be seen, so the constraint would be dead. Judged
 * on the x86_64 syscall (the i386 one when there is none).
 */
static int check_arg_width(struct pctx *c, const char *field,
			   const struct crs_rule *r, unsigned int i)
{
	const struct crs_arg_rule *a = &r->args[i];
	int arch = r->nr_x86_64 >= 0 ? CRS_ARCH_X86_64 : CRS_ARCH_I386;
	int nr = r->nr_x86_64 >= 0 ? r->nr_x86_64 : r->nr_i386;
	uint8_t t = crs_syscall_arg_type(arch, nr, i);
	uint64_t max = t == CRS_ARG_T_32 ? 0xffffffffULL :
		       t == CRS_ARG_T_16 ? 0xffffULL : UINT64_MAX;

	if (a->value <= max)
		return 0;
	return fail(c, "%s 0x%llx: the kernel reads this argument of %s as %d bits, so it never exceeds 0x%llx",
		    field, (unsigned long long)a->value,
		    r->syscall ? r->syscall : "the syscall",
		    t == CRS_ARG_T_32 ? 32 : 16, (unsigned long long)max);
}

static int check_arg(struct pctx *c, const char *field, struct json_object *v,
		     struct crs_arg_rule *a)
{
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return fail(c, "%s %s: negative (arguments are unsigned)",
				    field, jtext(v));
		memset(a, 0, sizeof(*a));
		a->set = true;
		a->op = CRS_ARG_EQ;
		a->value = json_object_get_uint64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return fail(c, "%s: expected a number or a string, got %s",
			    field, jtype(v));
	if (crs_arg_parse(json_object_get_string(v), a))
		return fail(c, "%s %s: bad constraint (expected N, !=N, <N, <=N, >N, >=N or &MASK==N; N decimal or 0x hex)",
			    field, jtext(v));
	return 0;
}

enum {
	F_NAME, F_TYPE, F_PROGRAM, F_ACTION, F_INACTIVE, F_FILE, F_ADDR,
	F_PORT, F_PROTO, F_SYSCALL, F_ARG1, F_ARG6 = F_ARG1 + 5, F_ERRNO,
	F_COUNT
};

static const char *const rule_fields[F_COUNT] = {
	[F_NAME] = "name", [F_TYPE] = "ruleType", [F_PROGRAM] = "program",
	[F_ACTION] = "action", [F_INACTIVE] = "inactive", [F_FILE] = "file",
	[F_ADDR] = "ipAddress", [F_PORT] = "port", [F_PROTO] = "protocol",
	[F_SYSCALL] = "syscall", [F_ARG1] = "arg1", [F_ARG1 + 1] = "arg2",
	[F_ARG1 + 2] = "arg3", [F_ARG1 + 3] = "arg4", [F_ARG1 + 4] = "arg5",
	[F_ARG6] = "arg6", [F_ERRNO] = "errno",
};

#define FB(f) (1u << (f))
#define F_COMMON (FB(F_NAME) | FB(F_TYPE) | FB(F_PROGRAM) | FB(F_ACTION) | \
		  FB(F_INACTIVE))
#define F_ARGS (((1u << 6) - 1) << F_ARG1)

static const unsigned int type_fields[] = {
	[CRS_RULE_READ] = F_COMMON | FB(F_FILE),
	[CRS_RULE_WRITE] = F_COMMON | FB(F_FILE),
	[CRS_RULE_NETWORK_OUTBOUND] = F_COMMON | FB(F_ADDR) | FB(F_PORT) | FB(F_PROTO),
	[CRS_RULE_NETWORK_INBOUND] = F_COMMON | FB(F_ADDR) | FB(F_PORT) | FB(F_PROTO),
	[CRS_RULE_SYSCALL] = F_COMMON | FB(F_SYSCALL) | F_ARGS | FB(F_FILE) |
			     FB(F_ERRNO),
};

/* An errno given as a name ("ENOSYS") or a number 1..4095, or -1. */
static int errno_value(struct json_object *v)
{
	char txt[32];

	if (json_object_is_type(v, json_type_int)) {
		snprintf(txt, sizeof(txt), "%lld",
			 (long long)json_object_get_int64(v));
		return crs_errno_parse(txt);
	}
	if (json_object_is_type(v, json_type_string))
		return crs_errno_parse(json_object_get_string(v));
	return -1;
}

static bool is_exec_syscall(const struct crs_rule *r)
{
	const char *n = r->nr_x86_64 >= 0 ?
			crs_syscall_name_x86_64(r->nr_x86_64) :
			crs_syscall_name_i386(r->nr_i386);

	return n && (!strcmp(n, "execve") || !strcmp(n, "execveat"));
}

static int parse_rule(struct pctx *c, struct json_object *o, struct crs_rule *r)
{
	struct json_object *f[F_COUNT] = { NULL }, *v;
	const char *name;
	unsigned int i;

	r->nr_x86_64 = r->nr_i386 = -1;
	if (!json_object_is_type(o, json_type_object))
		return fail(c, "expected an object, got %s", jtype(o));
	json_object_object_foreach(o, key, val) {
		for (i = 0; i < F_COUNT; i++)
			if (!strcmp(key, rule_fields[i]))
				break;
		if (i == F_COUNT) {
			if (json_object_object_get_ex(o, "name", &v) &&
			    json_object_is_type(v, json_type_string))
				c->rname = json_object_get_string(v);
			if (!strcmp(key, "stats"))
				return fail(c, "unknown field \"stats\" (output of \"policy show --stats\" only; remove it to push)");
			return fail(c, "unknown field \"%s\"", key);
		}
		f[i] = val;
	}
	if (!f[F_NAME])
		return fail(c, "name: missing");
	if (check_name(c, f[F_NAME], &name))
		return -1;
	c->rname = name;
	r->name = strdup(name);
	if (!f[F_TYPE])
		return fail(c, "ruleType: missing");
	if (check_enum(c, "ruleType", f[F_TYPE], crs_rule_type_name,
		       __CRS_RULE_MAX, &r->type))
		return -1;
	for (i = 0; i < F_COUNT; i++)
		if (f[i] && !(type_fields[r->type] & FB(i)))
			return fail(c, "%s: not valid for a %s rule",
				    rule_fields[i], crs_rule_type_name(r->type));
	if (!f[F_ACTION])
		return fail(c, "action: missing");
	if (check_enum(c, "action", f[F_ACTION], crs_action_name,
		       __CRS_ACTION_MAX, &r->action))
		return -1;
	if (f[F_PROGRAM] && check_path(c, "program", f[F_PROGRAM], true,
				       &r->program))
		return -1;
	if (f[F_INACTIVE]) {
		if (!json_object_is_type(f[F_INACTIVE], json_type_boolean))
			return fail(c, "inactive: expected true or false, got %s",
				    jtype(f[F_INACTIVE]));
		r->inactive = json_object_get_boolean(f[F_INACTIVE]);
	}
	switch (r->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		if (!f[F_FILE])
			return fail(c, "file: missing (required for %s rules)",
				    crs_rule_type_name(r->type));
		return check_path(c, "file", f[F_FILE], false, &r->file);
	case CRS_RULE_NETWORK_OUTBOUND:
	case CRS_RULE_NETWORK_INBOUND:
		if (!f[F_ADDR] && !f[F_PORT] && !f[F_PROTO])
			return fail(c, "ipAddress, port, protocol: missing (%s rules need at least one)",
				    crs_rule_type_name(r->type));
		if (f[F_ADDR] && check_addr(c, f[F_ADDR], r))
			return -1;
		if (f[F_PORT] && check_port(c, f[F_PORT], r))
			return -1;
		if (f[F_PROTO]) {
			const char *s;
			int p;

			if (want_string(c, "protocol", f[F_PROTO], &s))
				return -1;
			p = crs_proto_parse(s);
			if (p < 0)
				return fail(c, "protocol %s: expected TCP, UDP, ICMP, PACKET or ANY",
					    jtext(f[F_PROTO]));
			r->has_proto = true;
			r->proto = (uint8_t)p;
			if (p == CRS_PROTO_ICMP && r->has_port)
				return fail(c, "port: not valid with protocol ICMP");
			if (p == CRS_PROTO_PACKET &&
			    r->type != CRS_RULE_NETWORK_OUTBOUND)
				return fail(c, "protocol \"PACKET\": NETWORK_OUTBOUND rules only (opening a packet socket)");
			if (p == CRS_PROTO_PACKET && (f[F_ADDR] || f[F_PORT]))
				return fail(c, "protocol \"PACKET\": a packet socket has no ipAddress or port");
		}
		return 0;
	case CRS_RULE_SYSCALL:
		if (!f[F_SYSCALL])
			return fail(c, "syscall: missing (required for SYSCALL rules)");
		if (check_syscall(c, "syscall", f[F_SYSCALL], &r->nr_x86_64,
				  &r->nr_i386, &r->syscall))
			return -1;
		for (i = 0; i < CRS_NR_ARGS; i++)
			if (f[F_ARG1 + i] &&
			    (check_arg(c, rule_fields[F_ARG1 + i], f[F_ARG1 + i],
				       &r->args[i]) ||
			     check_arg_width(c, rule_fields[F_ARG1 + i], r, i)))
				return -1;
		if (f[F_ERRNO]) {
			int e = errno_value(f[F_ERRNO]);

			if (e < 0)
				return fail(c, "errno %s: expected a name such as \"ENOSYS\" or a number 1..4095",
					    jtext(f[F_ERRNO]));
			if (r->action != CRS_ACTION_DENY)
				return fail(c, "errno: only valid on DENY rules");
			r->err = (uint16_t)e;
		}
		if (f[F_FILE]) {
			if (!is_exec_syscall(r))
				return fail(c, "file: only valid on execve/execveat SYSCALL rules");
			return check_path(c, "file", f[F_FILE], false, &r->file);
		}
		return 0;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates. */
static size_t sort_uniq(uint32_t *v, size_t n)
{
	size_t i, o = 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		if (!o || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

static int parse_ignored(struct pctx *c, struct json_object *a,
			 struct crs_policy *p)
{
	size_t i, n;

	if (!json_object_is_type(a, json_type_array))
		return fail(c, "ignoredSyscalls: expected an array, got %s",
			    jtype(a));
	n = json_object_array_length(a);
	p->ignored = calloc(n + 1, sizeof(uint32_t));
	p->ignored_i386 = calloc(n + 1, sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		char field[40];
		int nr64, nr32;

		snprintf(field, sizeof(field), "ignoredSyscalls[%zu]", i);
		if (check_syscall(c, field, json_object_array_get_idx(a, i),
				  &nr64, &nr32, NULL))
			return -1;
		if (nr64 >= 0)
			p->ignored[p->n_ignored++] = (uint32_t)nr64;
		if (nr32 >= 0)
			p->ignored_i386[p->n_ignored_i386++] = (uint32_t)nr32;
	}
	p->n_ignored = sort_uniq(p->ignored, p->n_ignored);
	p->n_ignored_i386 = sort_uniq(p->ignored_i386, p->n_ignored_i386);
	return 0;
}

struct crs_rule *crs_policy_add_rule(struct crs_policy *p)
{
	struct crs_rule *r;

	if (p->n_rules == p->cap_rules) {
		size_t cap = p->cap_rules ? p->cap_rules * 2 : 16;

		r = realloc(p->rules, cap * sizeof(*r));
		if (!r)
			return NULL;
		p->rules = r;
		p->cap_rules = cap;
	}
	r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof(*r));
	r->nr_x86_64 = r->nr_i386 = -1;
	return r;
}

static const char *const top_fields[] = {
	"name", "description", "policyMode", "defaultNetworkAction",
	"defaultFileAction", "defaultExecuteAction", "defaultSyscallAction",
	"defaultSyscallErrno", "ignoredSyscalls", "rules",
};

/* Simple string-keyed hash to find duplicate rule names in O(n). */
struct name_slot {
	const char *name;
	size_t idx;
};

static unsigned long str_hash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int check_duplicates(struct pctx *c, struct crs_policy *p)
{
	size_t cap = 16, i, j;
	struct name_slot *t;

	while (cap < p->n_rules * 2)
		cap *= 2;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return fail(c, "out of memory");
	for (i = 0; i < p->n_rules; i++) {
		for (j = str_hash(p->rules[i].name) & (cap - 1); t[j].name;
		     j = (j + 1) & (cap - 1)) {
			if (!strcmp(t[j].name, p->rules[i].name)) {
				c->ri = (long)i;
				c->rname = p->rules[i].name;
				fail(c, "name: duplicate of rules[%zu]", t[j].idx);
				free(t);
				return -1;
			}
		}
		t[j].name = p->rules[i].name;
		t[j].idx = i;
	}
	free(t);
	return 0;
}

int crs_policy_from_json(const char *label, struct json_object *root,
			 struct crs_policy *p, char *err, size_t errlen)
{
	struct pctx c = { .label = label, .err = err, .errlen = errlen, .ri = -1 };
	struct json_object *v;
	const char *s;
	size_t i, n;

	memset(p, 0, sizeof(*p));
	if (!json_object_is_type(root, json_type_object)) {
		fail(&c, "expected a JSON object at the top level, got %s",
		     jtype(root));
		goto err;
	}
	json_object_object_foreach(root, key, val) {
		(void)val;
		for (i = 0; i < ARRAY_SIZE(top_fields); i++)
			if (!strcmp(key, top_fields[i]))
				break;
		if (i == ARRAY_SIZE(top_fields)) {
			fail(&c, "unknown field \"%s\"", key);
			goto err;
		}
	}
	if (!json_object_object_get_ex(root, "name", &v)) {
		fail(&c, "name: missing");
		goto err;
	}
	if (check_name(&c, v, &s))
		goto err;
	p->name = strdup(s);
	if (json_object_object_get_ex(root, "description", &v)) {
		if (want_string(&c, "description", v, &s))
			goto err;
		if (strlen(s) > CRS_DESC_MAX - 1) {
			fail(&c, "description: longer than %d bytes",
			     CRS_DESC_MAX - 1);
			goto err;
		}
		p->description = strdup(s);
	}
	p->mode = CRS_MODE_ACTIVE;
	if (json_object_object_get_ex(root, "policyMode", &v) &&
	    check_enum(&c, "policyMode", v, crs_mode_name, __CRS_MODE_MAX,
		       &p->mode))
		goto err;
	{
		static const char *const dn[] = {
			"defaultNetworkAction", "defaultFileAction",
			"defaultExecuteAction", "defaultSyscallAction",
		};
		uint8_t *dv[] = { &p->def_network, &p->def_file,
				  &p->def_execute, &p->def_syscall };

		for (i = 0; i < ARRAY_SIZE(dn); i++) {
			*dv[i] = CRS_ACTION_ALLOW;
			if (json_object_object_get_ex(root, dn[i], &v) &&
			    check_enum(&c, dn[i], v, crs_action_name,
				       __CRS_ACTION_MAX, dv[i]))
				goto err;
		}
	}
	if (json_object_object_get_ex(root, "defaultSyscallErrno", &v)) {
		int e = errno_value(v);

		if (e < 0) {
			fail(&c, "defaultSyscallErrno %s: expected a name such as \"ENOSYS\" or a number 1..4095",
			     jtext(v));
			goto err;
		}
		if (p->def_syscall != CRS_ACTION_DENY) {
			fail(&c, "defaultSyscallErrno: only valid with defaultSyscallAction DENY");
			goto err;
		}
		p->def_syscall_errno = (uint16_t)e;
	}
	if (json_object_object_get_ex(root, "ignoredSyscalls", &v) &&
	    parse_ignored(&c, v, p))
		goto err;
	if (json_object_object_get_ex(root, "rules", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			fail(&c, "rules: expected an array, got %s", jtype(v));
			goto err;
		}
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			struct crs_rule *r = crs_policy_add_rule(p);

			if (!r) {
				fail(&c, "out of memory");
				goto err;
			}
			c.ri = (long)i;
			c.rname = NULL;
			if (parse_rule(&c, json_object_array_get_idx(v, i), r))
				goto err;
		}
		c.ri = -1;
		if (check_duplicates(&c, p))
			goto err;
	}
	return 0;
err:
	crs_policy_free(p);
	return -1;
}

int crs_policy_parse_string(const char *label, const char *json,
			    struct crs_policy *p, char *err, size_t errlen)
{
	struct json_object *root;
	int ret;

	memset(p, 0, sizeof(*p));
	root = crs_json_parse_strict(label, json, err, errlen);
	if (!root)
		return -1;
	ret = crs_policy_from_json(label, root, p, err, errlen);
	json_object_put(root);
	return ret;
}

int crs_policy_parse_file(const char *path, struct crs_policy *p,
			  char *err, size_t errlen)
{
	const char *label = strcmp(path, "-") ? path : "stdin";
	size_t len;
	char *buf;
	int ret;

	memset(p, 0, sizeof(*p));
	if (crsnl_read_file(path, CRSNL_FILE_MAX, &buf, &len, err, errlen))
		return -1;
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", label);
		free(buf);
		return -1;
	}
	ret = crs_policy_parse_string(label, buf, p, err, errlen);
	free(buf);
	return ret;
}

void crs_rule_free(struct crs_rule *r)
{
	free(r->name);
	free(r->program);
	free(r->file);
	free(r->syscall);
}

void crs_policy_free(struct crs_policy *p)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		crs_rule_free(&p->rules[i]);
	free(p->rules);
	free(p->name);
	free(p->description);
	free(p->ignored);
	free(p->ignored_i386);
	memset(p, 0, sizeof(*p));
}
