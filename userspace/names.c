// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: the names of the uapi's enums, one table each, for policies,
 * events, learning and containers alike: policy modes, actions, rule
 * types, log modes, protocols, arches, event outcomes, and errno names.
 * Names parse in any case; a value without a name prints as "?".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mode_names[] = { "ACTIVE", "PERMISSIVE", "INACTIVE" };
static const char *const action_names[] = { "ALLOW", "DENY" };
static const char *const type_names[] = {
	"READ", "WRITE", "NETWORK_OUTBOUND", "NETWORK_INBOUND", "SYSCALL"
};
static const char *const log_names[] = {
	"NONE", "POLICY_MONITOR", "POLICY_DENY", "POLICY_MONITOR_DENY",
	"POLICY_ALLOW", "POLICY_ALL", "BEHAVIOR", "ALL"
};

static const char *const arch_names[] = {
	[CRS_ARCH_X86_64] = "x86_64",
	[CRS_ARCH_I386] = "i386",
	[CRS_ARCH_X32] = "x32",
};
static const char *const outcome_names[] = {
	[CRS_OUTCOME_ALLOWED] = "ALLOWED",
	[CRS_OUTCOME_DENIED] = "DENIED",
	[CRS_OUTCOME_MONITOR] = "MONITOR",
	[CRS_OUTCOME_BEHAVIOR] = "BEHAVIOR",
};

#define NAME_OF(tbl, v) \
	((size_t)(v) < ARRAY_SIZE(tbl) && (tbl)[v] ? (tbl)[v] : "?")

static int enum_parse(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(s, names[i]))
			return (int)i;
	return -1;
}

const char *crs_mode_name(unsigned int m)
{
	return m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

const char *crs_action_name(unsigned int a)
{
	return a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

const char *crs_rule_type_name(unsigned int t)
{
	return t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

const char *crs_log_mode_name(unsigned int m)
{
	return m < ARRAY_SIZE(log_names) ? log_names[m] : "?";
}

const char *crs_proto_name(unsigned int p)
{
	switch (p) {
	case CRS_PROTO_ANY: return "ANY";
	case CRS_PROTO_ICMP: return "ICMP";
	case CRS_PROTO_TCP: return "TCP";
	case CRS_PROTO_UDP: return "UDP";
	case CRS_PROTO_PACKET: return "PACKET";
	}
	return "?";
}

int crs_mode_parse(const char *s)
{
	return enum_parse(s, mode_names, ARRAY_SIZE(mode_names));
}

int crs_log_mode_parse(const char *s)
{
	return enum_parse(s, log_names, ARRAY_SIZE(log_names));
}

int crs_proto_parse(const char *s)
{
	static const char *const names[] = { "ANY", "ICMP", "TCP", "UDP",
					     "PACKET" };
	static const int vals[] = { CRS_PROTO_ANY, CRS_PROTO_ICMP,
				    CRS_PROTO_TCP, CRS_PROTO_UDP,
				    CRS_PROTO_PACKET };
	int i = enum_parse(s, names, ARRAY_SIZE(names));

	return i < 0 ? -1 : vals[i];
}

const char *crs_arch_name(unsigned int a)
{
	return NAME_OF(arch_names, a);
}

const char *crs_outcome_name(unsigned int o)
{
	return NAME_OF(outcome_names, o);
}

int crs_outcome_parse(const char *s)
{
	return enum_parse(s, outcome_names, ARRAY_SIZE(outcome_names));
}

/*
 * errno names come from the C library's own table (glibc 2.32+:
 * strerrorname_np), so every errno Linux defines has its name. The few
 * aliases glibc does not return as names are accepted on input.
 */
static const struct {
	const char *name;
	unsigned int value;
} errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK }, { "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

#define CRS_ERRNO_MAX 4095

/* "ENOSYS" (any case) or a number 1..4095; -1 if neither. */
int crs_errno_parse(const char *s)
{
	unsigned int i;
	const char *n;
	char *end;
	long v;

	if ((s[0] == 'E' || s[0] == 'e') && s[1]) {
		for (i = 1; i <= CRS_ERRNO_MAX; i++) {
			n = strerrorname_np((int)i);
			if (n && !strcasecmp(s, n))
				return (int)i;
		}
		for (i = 0; i < ARRAY_SIZE(errno_aliases); i++)
			if (!strcasecmp(s, errno_aliases[i].name))
				return (int)errno_aliases[i].value;
		return -1;
	}
	if (*s < '1' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > CRS_ERRNO_MAX ? -1 : (int)v;
}

/* The name of errno @e ("ENOSYS"), or NULL when the C library has none. */
const char *crs_errno_name(unsigned int e)
{
	if (e < 1 || e > CRS_ERRNO_MAX)
		return NULL;
	return strerrorname_np((int)e);
}
