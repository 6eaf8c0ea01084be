// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl events: subscribe to the audit (and learn) multicast groups and
 * print one event a line, as JSON or as text.
 *
 * Losses. The socket asks the kernel to report failed deliveries
 * (NETLINK_BROADCAST_ERROR), so every event the kernel could not queue or
 * deliver to us is counted there and announced in the next event (or in a
 * loss record of its own). Each announcement prints a gap line before the
 * event: {"lost": N} in JSON, "N events lost" in text. An ENOBUFS from
 * recv() only says that our buffer overflowed; the exact number arrives
 * with the next gap line, so ENOBUFS prints nothing and we go on. An
 * announcement resent for another listener (whose buffer was full) has
 * a loss total (CRS_EVENT_A_LOST_TOTAL, per group) we saw already and
 * prints nothing.
 *
 * Unheard events. While no listener is subscribed, the kernel counts the
 * audit events it could not send, per container, and sends each count
 * in a loss record once one subscribes (CRS_EVENT_A_UNHEARD): printed as
 * {"lost": N, "reason": "no listener", "container": ID, ...} with the
 * workload fields, or "N events of container ID lost: no listener".
 *
 * --output FILE appends to FILE; with --max-size it is rotated as
 * logrotate would (FILE -> FILE.1 -> ... -> FILE.N, the oldest removed)
 * when it has reached that size, checked each time output is written.
 *
 * Output is written when the socket has been drained, at least every
 * 100 ms while it is not, and on exit (a burst costs a few writes, not
 * one per line); SIGINT and SIGTERM end the listener cleanly, flushing
 * what was received; a second one kills it.
 *
 * Exit status: 0 after --count events, at --timeout when no --count was
 * given, at end of input, or on SIGINT/SIGTERM; 1 when --timeout expires
 * before --count events were printed, and on errors; 2 on a bad command
 * line.
 */
#define _GNU_SOURCE		/* ppoll() */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/attr.h>

#include "cmdutil.h"
#include "config.h"
#include "crsnl.h"
#include "ipc.h"
#include "syscalls.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EVENTS_RCVBUF (32 << 20)

struct events_opts {
	int json;
	bool learn;
	long long pid;		/* -1: any */
	unsigned long long container;
	int has_container;
	int outcome;		/* -1: any */
	unsigned long long count;	/* 0: unlimited */
	double timeout;		/* <= 0: none */
	int rcvbuf;
	const char *output;	/* -o: append here */
	unsigned long long max_size;	/* rotate --output at this size; 0 never */
	unsigned int max_files;		/* rotated files kept */
	int max_files_set;
	const char *run_dir;	/* the OCI hook's records, for workload fields */
};

static void events_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl events [--format json|text] [--pid PID] [--container ID]\n"
		"                    [--outcome ALLOWED|DENIED|MONITOR|BEHAVIOR]\n"
		"                    [--count N] [--timeout SECONDS] [--learn] [--buffer BYTES]\n"
		"                    [-o OUT [--max-size SIZE] [--max-files N]]\n\n"
		"Print audit events as they happen, one a line (JSON by default).\n"
		"  --pid PID        only events of this process or thread (initial pid namespace)\n"
		"  --container ID   only events of this container (pid namespace inode)\n"
		"  --outcome O      only events with this outcome\n"
		"  --count N        exit 0 after N events\n"
		"  --timeout S      stop after S seconds: exit 1 if --count was not reached\n"
		"  --learn          also subscribe to behavior (learning) events\n"
		"  --buffer BYTES   socket receive buffer (default 32 MiB)\n"
		"  -o, --output OUT append the lines to file OUT (\"-\": stdout)\n"
		"  --max-size SIZE  rotate OUT once it has SIZE bytes (suffix K, M, G):\n"
		"                   OUT becomes OUT.1, OUT.1 becomes OUT.2 ..., the oldest\n"
		"                   beyond --max-files (default 5) is removed\n"
		"  --run-dir DIR    the OCI hook's records (default " CRS_RUN_DIR "): JSON\n"
		"                   events of a container the hook saw also carry\n"
		"                   \"container_id\", \"image\" and, from CRI annotations,\n"
		"                   \"pod\", \"namespace\", \"container_name\"; every JSON\n"
		"                   event carries \"host\", and \"syscall_name\" with \"syscall\"\n"
		"Losses print a gap line, {\"lost\": N} or \"N events lost\", and do\n"
		"not count toward --count. Events produced while no listener was attached\n"
		"come as one line a container once this one subscribes:\n"
		"{\"lost\": N, \"reason\": \"no listener\", \"container\": ID, ...}. Lines are written out when the queue is drained,\n"
		"and at least every 100 ms; SIGINT/SIGTERM stop the listener after writing\n"
		"what it received (a second one kills it).\n\n"
		"Examples:\n"
		"  crsnl events\n"
		"  crsnl events --format text --outcome DENIED\n"
		"  crsnl events --container 4026532139 --count 1 --timeout 10\n"
		"  crsnl events -o /var/log/crs/events.jsonl --max-size 100M --max-files 10\n");
}

static int parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* A byte count with an optional K, M or G (powers of 1024). */
static int parse_size(const char *s, unsigned long long *v)
{
	unsigned long long mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		if (end[1])
			return -1;
		switch (*end) {
		case 'k': case 'K':
			mul = 1ULL << 10;
			break;
		case 'm': case 'M':
			mul = 1ULL << 20;
			break;
		case 'g': case 'G':
			mul = 1ULL << 30;
			break;
		default:
			return -1;
		}
	}
	if (*v > ~0ULL / mul)
		return -1;
	*v *= mul;
	return 0;
}

/*
 * crsnl_opts() fns of the events options (dst: the struct events_opts):
 * 0, or CRSNL_EXIT_USAGE after printing why.
 */
static int bad_value(const char *what, const struct crsnl_opt *opt,
		     const char *v)
{
	return crsnl_usage_error(what, "--%s: invalid value \"%s\"",
				 opt->name, v);
}

static int format_opt(const char *what, const struct crsnl_opt *opt,
		      const char *v)
{
	struct events_opts *o = opt->dst;

	if (strcmp(v, "json") && strcmp(v, "text"))
		return bad_value(what, opt, v);
	o->json = !strcmp(v, "json");
	return 0;
}

/* --pid (1..INT_MAX), --buffer (4096..INT_MAX), --count (1 or more) */
static int number_opt(const char *what, const struct crsnl_opt *opt,
		      const char *v)
{
	struct events_opts *o = opt->dst;
	bool pid = !strcmp(opt->name, "pid");
	bool buffer = !strcmp(opt->name, "buffer");
	unsigned long long n;

	if (parse_ull(v, &n) || !n || ((pid || buffer) && n > INT_MAX) ||
	    (buffer && n < 4096))
		return bad_value(what, opt, v);
	if (pid)
		o->pid = (long long)n;
	else if (buffer)
		o->rcvbuf = (int)n;
	else
		o->count = n;
	return 0;
}

static int container_opt(const char *what, const struct crsnl_opt *opt,
			 const char *v)
{
	struct events_opts *o = opt->dst;

	if (parse_ull(v, &o->container))
		return bad_value(what, opt, v);
	o->has_container = 1;
	return 0;
}

static int outcome_opt(const char *what, const struct crsnl_opt *opt,
		       const char *v)
{
	struct events_opts *o = opt->dst;

	o->outcome = crs_outcome_parse(v);
	if (o->outcome < 0)
		return bad_value(what, opt, v);
	if (o->outcome == CRS_OUTCOME_BEHAVIOR)
		o->learn = 1;
	return 0;
}

static int timeout_opt(const char *what, const struct crsnl_opt *opt,
		       const char *v)
{
	struct events_opts *o = opt->dst;
	char *end;

	errno = 0;
	o->timeout = strtod(v, &end);
	if (errno || *end || o->timeout <= 0)
		return bad_value(what, opt, v);
	return 0;
}

static int max_size_opt(const char *what, const struct crsnl_opt *opt,
			const char *v)
{
	struct events_opts *o = opt->dst;

	if (parse_size(v, &o->max_size) || o->max_size < 4096)
		return crsnl_usage_error(what,
			"--max-size: \"%s\" is not a size of at least 4096 bytes (e.g. 4096, 512K, 100M, 1G)",
			v);
	return 0;
}

static int max_files_opt(const char *what, const struct crsnl_opt *opt,
			 const char *v)
{
	struct events_opts *o = opt->dst;
	unsigned long long n;

	if (parse_ull(v, &n) || !n || n > 1000)
		return crsnl_usage_error(what,
			"--max-files: \"%s\" is not a number 1..1000", v);
	o->max_files = (unsigned int)n;
	o->max_files_set = 1;
	return 0;
}

/* Returns -1 to go on, else the exit status (0 after --help). */
static int events_parse(int argc, char **argv, struct events_opts *o)
{
	const struct crsnl_opt opts[] = {
		{ "format", 0, CRSNL_OPT_FN, o, format_opt },
		{ "pid", 0, CRSNL_OPT_FN, o, number_opt },
		{ "container", 0, CRSNL_OPT_FN, o, container_opt },
		{ "outcome", 0, CRSNL_OPT_FN, o, outcome_opt },
		{ "count", 0, CRSNL_OPT_FN, o, number_opt },
		{ "timeout", 0, CRSNL_OPT_FN, o, timeout_opt },
		{ "learn", 0, CRSNL_OPT_FLAG, &o->learn, NULL },
		{ "buffer", 0, CRSNL_OPT_FN, o, number_opt },
		{ "output", 'o', CRSNL_OPT_STR, &o->output, NULL },
		{ "run-dir", 0, CRSNL_OPT_STR, &o->run_dir, NULL },
		{ "max-size", 0, CRSNL_OPT_FN, o, max_size_opt },
		{ "max-files", 0, CRSNL_OPT_FN, o, max_files_opt },
		{ NULL }
	};
	int ret;

	memset(o, 0, sizeof(*o));
	o->json = 1;
	o->pid = -1;
	o->outcome = -1;
	o->rcvbuf = EVENTS_RCVBUF;
	o->run_dir = CRS_RUN_DIR;
	o->max_files = 5;
	ret = crsnl_opts("events", argc, argv, opts, events_usage, 0);
	if (ret >= 0)
		return ret;
	if (o->max_size && (!o->output || !strcmp(o->output, "-")))
		return crsnl_usage_error("events", "--max-size needs --output FILE");
	if (o->max_files_set && !o->max_size)
		return crsnl_usage_error("events", "--max-files needs --max-size");
	return -1;
}

static const struct nla_policy event_policy[CRS_EVENT_A_MAX + 1] = {
	[CRS_EVENT_A_TIME_REAL] = { .type = NLA_U64 },
	[CRS_EVENT_A_TIME_MONO] = { .type = NLA_U64 },
	[CRS_EVENT_A_CONTAINER] = { .type = NLA_U64 },
	[CRS_EVENT_A_PID] = { .type = NLA_U32 },
	[CRS_EVENT_A_TGID] = { .type = NLA_U32 },
	[CRS_EVENT_A_UID] = { .type = NLA_U32 },
	[CRS_EVENT_A_PROGRAM] = { .type = NLA_STRING },
	[CRS_EVENT_A_RULE_TYPE] = { .type = NLA_U8 },
	[CRS_EVENT_A_SYSCALL_NR] = { .type = NLA_U32 },
	[CRS_EVENT_A_ARCH] = { .type = NLA_U8 },
	[CRS_EVENT_A_PATH] = { .type = NLA_STRING },
	[CRS_EVENT_A_FAMILY] = { .type = NLA_U8 },
	[CRS_EVENT_A_PORT] = { .type = NLA_U16 },
	[CRS_EVENT_A_PROTOCOL] = { .type = NLA_U8 },
	[CRS_EVENT_A_DIRECTION] = { .type = NLA_U8 },
	[CRS_EVENT_A_OUTCOME] = { .type = NLA_U8 },
	[CRS_EVENT_A_POLICY] = { .type = NLA_STRING },
	[CRS_EVENT_A_RULE] = { .type = NLA_STRING },
	[CRS_EVENT_A_LOST] = { .type = NLA_U64 },
	[CRS_EVENT_A_UNHEARD] = { .type = NLA_U64 },
	[CRS_EVENT_A_LOST_TOTAL] = { .type = NLA_U64 },
};

/*
 * Loss totals seen, per multicast group (CRS_EVENT_A_LOST_TOTAL): an
 * announcement resent for another listener whose buffer was full has a
 * total we have seen already and counts nothing.
 */
#define EVENTS_GROUPS 2
static struct {
	uint32_t group;		/* 0: slot unused */
	uint64_t total;
} lost_seen[EVENTS_GROUPS];

/* Of an announcement of @lost (total @total) on @group: what is new to us. */
static uint64_t lost_new(uint32_t group, uint64_t lost, const uint64_t *total)
{
	unsigned int i;
	uint64_t n;

	if (!total || !group)
		return lost;	/* an older module, or a group unknown */
	for (i = 0; i < EVENTS_GROUPS; i++)
		if (!lost_seen[i].group || lost_seen[i].group == group)
			break;
	if (i == EVENTS_GROUPS)
		return lost;
	if (!lost_seen[i].group) {	/* our first on this group */
		lost_seen[i].group = group;
		lost_seen[i].total = *total;
		return lost;
	}
	if (*total <= lost_seen[i].total)
		return 0;	/* a resend we had */
	n = *total - lost_seen[i].total;
	lost_seen[i].total = *total;
	return n;
}

static const char *proto_name(unsigned int p, char *buf, size_t len)
{
	switch (p) {
	case CRS_PROTO_TCP:
		return "TCP";
	case CRS_PROTO_UDP:
		return "UDP";
	case CRS_PROTO_ICMP:
	case 58:
		return "ICMP";
	case CRS_PROTO_PACKET:
		return "PACKET";
	}
	snprintf(buf, len, "%u", p);
	return buf;
}

static void format_time(uint64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	char t[32];

	gmtime_r(&s, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09" PRIu64 "Z", t, ns % (uint64_t)1000000000);
}

static void print_lost(const struct events_opts *o, uint64_t lost)
{
	if (o->json)
		printf("{\"lost\":%" PRIu64 "}\n", lost);
	else
		printf("%" PRIu64 " events lost\n", lost);
}

static uint64_t get_u64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static uint32_t get_u32(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u32(tb[a]) : 0;
}

static uint8_t get_u8(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u8(tb[a]) : 0;
}

static const char *get_str(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_string(tb[a]) : "";
}

/* Does the event pass the filters? */
static int event_wanted(const struct events_opts *o, struct nlattr **tb)
{
	if (o->pid >= 0 && get_u32(tb, CRS_EVENT_A_PID) != o->pid &&
	    get_u32(tb, CRS_EVENT_A_TGID) != o->pid)
		return 0;
	if (o->has_container &&
	    get_u64(tb, CRS_EVENT_A_CONTAINER) != o->container)
		return 0;
	if (o->outcome >= 0 && get_u8(tb, CRS_EVENT_A_OUTCOME) != o->outcome)
		return 0;
	return 1;
}

/* The address as text, or "" if absent or malformed. */
static void format_addr(struct nlattr **tb, char *buf, size_t len)
{
	struct nlattr *a = tb[CRS_EVENT_A_ADDR];

	buf[0] = '\0';
	if (!a)
		return;
	if (nla_len(a) == 4)
		inet_ntop(AF_INET, nla_data(a), buf, len);
	else if (nla_len(a) == 16)
		inet_ntop(AF_INET6, nla_data(a), buf, len);
}

/*
 * Workloads: the hook's records, read again at most once a second when
 * an event names a container not among them.
 */
#define WORKLOADS_MAX 4096
static struct crs_workload workloads[WORKLOADS_MAX];
static size_t n_workloads;
static double workloads_read;
static const char *events_run_dir = CRS_RUN_DIR;

static double now_s(void);

static const struct crs_workload *workload_of(uint64_t container)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n_workloads; i++)
			if (workloads[i].pidns == container)
				return &workloads[i];
		if (pass || now_s() - workloads_read < 1.0)
			break;
		workloads_read = now_s();
		n_workloads = crs_records_load(events_run_dir, workloads,
					       WORKLOADS_MAX);
	}
	return NULL;
}

static void add_str(struct json_object *j, const char *key, const char *v)
{
	if (v && *v)
		json_object_object_add(j, key, json_object_new_string(v));
}

static void add_workload(struct json_object *j, uint64_t container)
{
	const struct crs_workload *w = workload_of(container);

	if (w) {
		add_str(j, "container_id", w->id);
		add_str(j, "image", w->image);
		add_str(j, "pod", w->pod);
		add_str(j, "namespace", w->pod_namespace);
		add_str(j, "container_name", w->name);
	}
}

static const char *host_name(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "?");
	return host;
}

/* A loss record of events nobody listened for (CRS_EVENT_A_UNHEARD). */
static void print_unheard(const struct events_opts *o, struct nlattr **tb)
{
	uint64_t n = get_u64(tb, CRS_EVENT_A_UNHEARD);
	struct json_object *j;
	char t[64];

	format_time(get_u64(tb, CRS_EVENT_A_TIME_REAL), t, sizeof(t));
	if (!o->json) {
		if (tb[CRS_EVENT_A_CONTAINER])
			printf("%s %" PRIu64 " events of container %" PRIu64
			       " lost: no listener\n", t, n,
			       get_u64(tb, CRS_EVENT_A_CONTAINER));
		else
			printf("%s %" PRIu64 " events of containers since gone lost: no listener\n",
			       t, n);
		return;
	}
	j = json_object_new_object();
	json_object_object_add(j, "lost", json_object_new_uint64(n));
	json_object_object_add(j, "reason",
			       json_object_new_string("no listener"));
	json_object_object_add(j, "time", json_object_new_string(t));
	json_object_object_add(j, "host", json_object_new_string(host_name()));
	if (tb[CRS_EVENT_A_CONTAINER]) {
		json_object_object_add(j, "container", json_object_new_uint64(
			get_u64(tb, CRS_EVENT_A_CONTAINER)));
		add_workload(j, get_u64(tb, CRS_EVENT_A_CONTAINER));
	}
	printf("%s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static void print_json(struct nlattr **tb)
{
	struct json_object *j = json_object_new_object();
	char t[64], addr[INET6_ADDRSTRLEN], pb[8];
	uint8_t fam;

	format_time(get_u64(tb, CRS_EVENT_A_TIME_REAL), t, sizeof(t));
	json_object_object_add(j, "time", json_object_new_string(t));
	json_object_object_add(j, "time_mono", json_object_new_int64(
		(int64_t)get_u64(tb, CRS_EVENT_A_TIME_MONO)));
	json_object_object_add(j, "host", json_object_new_string(host_name()));
	json_object_object_add(j, "container", json_object_new_uint64(
		get_u64(tb, CRS_EVENT_A_CONTAINER)));
	add_workload(j, get_u64(tb, CRS_EVENT_A_CONTAINER));
	json_object_object_add(j, "pid", json_object_new_int64(
		get_u32(tb, CRS_EVENT_A_PID)));
	json_object_object_add(j, "tgid", json_object_new_int64(
		get_u32(tb, CRS_EVENT_A_TGID)));
	json_object_object_add(j, "uid", json_object_new_int64(
		get_u32(tb, CRS_EVENT_A_UID)));
	json_object_object_add(j, "program", json_object_new_string(
		get_str(tb, CRS_EVENT_A_PROGRAM)));
	json_object_object_add(j, "type", json_object_new_string(
		crs_rule_type_name(get_u8(tb, CRS_EVENT_A_RULE_TYPE))));
	if (tb[CRS_EVENT_A_SYSCALL_NR]) {
		json_object_object_add(j, "syscall", json_object_new_int64(
			get_u32(tb, CRS_EVENT_A_SYSCALL_NR)));
		add_str(j, "syscall_name",
			get_u8(tb, CRS_EVENT_A_ARCH) == CRS_ARCH_I386 ?
			crs_syscall_name_i386((int)get_u32(tb, CRS_EVENT_A_SYSCALL_NR)) :
			get_u8(tb, CRS_EVENT_A_ARCH) == CRS_ARCH_X86_64 ?
			crs_syscall_name_x86_64((int)get_u32(tb, CRS_EVENT_A_SYSCALL_NR)) :
			NULL);
		json_object_object_add(j, "arch", json_object_new_string(
			crs_arch_name(get_u8(tb, CRS_EVENT_A_ARCH))));
	}
	if (tb[CRS_EVENT_A_PATH])
		json_object_object_add(j, "path", json_object_new_string(
			get_str(tb, CRS_EVENT_A_PATH)));
	fam = get_u8(tb, CRS_EVENT_A_FAMILY);
	if (fam) {
		format_addr(tb, addr, sizeof(addr));
		json_object_object_add(j, "family", json_object_new_string(
			fam == AF_INET ? "ipv4" : fam == AF_INET6 ? "ipv6" :
			fam == AF_PACKET ? "packet" : "?"));
		json_object_object_add(j, "address",
				       json_object_new_string(addr));
		json_object_object_add(j, "port", json_object_new_int(
			tb[CRS_EVENT_A_PORT] ?
			nla_get_u16(tb[CRS_EVENT_A_PORT]) : 0));
		json_object_object_add(j, "protocol", json_object_new_string(
			proto_name(get_u8(tb, CRS_EVENT_A_PROTOCOL), pb,
				   sizeof(pb))));
		json_object_object_add(j, "direction", json_object_new_string(
			get_u8(tb, CRS_EVENT_A_DIRECTION) ? "inbound" :
							    "outbound"));
	}
	json_object_object_add(j, "outcome", json_object_new_string(
		crs_outcome_name(get_u8(tb, CRS_EVENT_A_OUTCOME))));
	json_object_object_add(j, "policy", json_object_new_string(
		get_str(tb, CRS_EVENT_A_POLICY)));
	json_object_object_add(j, "rule", json_object_new_string(
		get_str(tb, CRS_EVENT_A_RULE)));
	printf("%s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static void print_text(struct nlattr **tb)
{
	static char esc[4 * 4096 + 1];
	char t[64], addr[INET6_ADDRSTRLEN], pb[8];
	uint8_t type = get_u8(tb, CRS_EVENT_A_RULE_TYPE);

	format_time(get_u64(tb, CRS_EVENT_A_TIME_REAL), t, sizeof(t));
	printf("%s %s %s", t,
	       crs_outcome_name(get_u8(tb, CRS_EVENT_A_OUTCOME)),
	       crs_rule_type_name(type));
	if (tb[CRS_EVENT_A_PATH])
		printf(" %s", crsnl_text_escape(get_str(tb, CRS_EVENT_A_PATH),
						esc, sizeof(esc)));
	if (get_u8(tb, CRS_EVENT_A_FAMILY) == AF_PACKET) {
		printf(" packet socket");
	} else if (tb[CRS_EVENT_A_FAMILY]) {
		format_addr(tb, addr, sizeof(addr));
		printf(get_u8(tb, CRS_EVENT_A_FAMILY) == AF_INET6 ?
		       " %s [%s]:%u %s" : " %s %s:%u %s",
		       proto_name(get_u8(tb, CRS_EVENT_A_PROTOCOL), pb,
				  sizeof(pb)), addr,
		       tb[CRS_EVENT_A_PORT] ? nla_get_u16(tb[CRS_EVENT_A_PORT]) : 0,
		       get_u8(tb, CRS_EVENT_A_DIRECTION) ? "inbound" :
							   "outbound");
	}
	if (tb[CRS_EVENT_A_SYSCALL_NR])
		printf(" syscall %u/%s", get_u32(tb, CRS_EVENT_A_SYSCALL_NR),
		       crs_arch_name(get_u8(tb, CRS_EVENT_A_ARCH)));
	printf(" program=%s pid=%u tgid=%u uid=%u container=%" PRIu64
	       " policy=%s rule=%s\n",
	       *get_str(tb, CRS_EVENT_A_PROGRAM) ?
			crsnl_text_escape(get_str(tb, CRS_EVENT_A_PROGRAM),
					  esc, sizeof(esc)) : "?",
	       get_u32(tb, CRS_EVENT_A_PID), get_u32(tb, CRS_EVENT_A_TGID),
	       get_u32(tb, CRS_EVENT_A_UID),
	       get_u64(tb, CRS_EVENT_A_CONTAINER),
	       get_str(tb, CRS_EVENT_A_POLICY), get_str(tb, CRS_EVENT_A_RULE));
}

/*
 * One CRS_CMD_EVENT message, of multicast @group (0: unknown); returns 1
 * if it printed an event.
 */
static int handle_msg(const struct events_opts *o, struct nlmsghdr *nlh,
		      uint32_t group)
{
	struct nlattr *tb[CRS_A_MAX + 1], *ev[CRS_EVENT_A_MAX + 1];
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    g->cmd != CRS_CMD_EVENT)
		return 0;
	if (nla_parse(tb, CRS_A_MAX,
		      (struct nlattr *)((char *)g + GENL_HDRLEN),
		      (int)(nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)), NULL) ||
	    !tb[CRS_A_EVENT] ||
	    nla_parse_nested(ev, CRS_EVENT_A_MAX, tb[CRS_A_EVENT],
			     (struct nla_policy *)event_policy))
		return 0;
	if (ev[CRS_EVENT_A_UNHEARD]) {
		/* of a container, not of a pid: not shown with --pid */
		if (o->pid < 0 &&
		    (!o->has_container || (ev[CRS_EVENT_A_CONTAINER] &&
		     get_u64(ev, CRS_EVENT_A_CONTAINER) == o->container)))
			print_unheard(o, ev);
		return 0;
	}
	if (ev[CRS_EVENT_A_LOST] && nla_get_u64(ev[CRS_EVENT_A_LOST])) {
		uint64_t total = get_u64(ev, CRS_EVENT_A_LOST_TOTAL);
		uint64_t n = lost_new(group, nla_get_u64(ev[CRS_EVENT_A_LOST]),
				      ev[CRS_EVENT_A_LOST_TOTAL] ? &total : NULL);

		if (n)
			print_lost(o, n);
	}
	if (!ev[CRS_EVENT_A_OUTCOME] || !event_wanted(o, ev))
		return 0;	/* a loss record, or filtered out */
	if (o->json)
		print_json(ev);
	else
		print_text(ev);
	return 1;
}

/* SIGINT, SIGTERM: leave the loop, flush what was printed, exit 0 */
static volatile sig_atomic_t events_stop;

static void events_on_signal(int sig __attribute__((unused)))
{
	events_stop = 1;
}

/*
 * Write out what was printed; rotate --output once it has --max-size
 * bytes. -1 (printed) when it cannot go on writing.
 */
static int events_write_out(struct events_opts *o)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	struct stat st;
	unsigned int i;

	fflush(stdout);
	if (!o->max_size || fstat(fileno(stdout), &st) ||
	    (unsigned long long)st.st_size < o->max_size)
		return 0;
	for (i = o->max_files; i > 0; i--) {
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%u", o->output, i - 1);
		else
			snprintf(from, sizeof(from), "%s", o->output);
		snprintf(to, sizeof(to), "%s.%u", o->output, i);
		if (rename(from, to) && errno != ENOENT) {
			fprintf(stderr, "crsnl events: rotating %s to %s: %s; not rotating any more\n",
				from, to, strerror(errno));
			o->max_size = 0;
			return 0;
		}
	}
	if (!freopen(o->output, "a", stdout)) {
		fprintf(stderr, "crsnl events: --output %s: %s\n", o->output,
			strerror(errno));
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int resolve_group(struct crs_ipc *ipc, const char *group, int *id)
{
	int grp = genl_ctrl_resolve_grp(ipc->sk, CRS_GENL_NAME, group);

	if (grp < 0) {
		fprintf(stderr, "crsnl events: the crs family has no multicast group \"%s\"\n",
			group);
		return -1;
	}
	*id = grp;
	return 0;
}

/*
 * Join the groups resolved before: a multicast arriving during a libnl
 * request on this socket would be taken for its answer. NETLINK_PKTINFO
 * after both, as libnl's own recv() fails on control data it did not ask
 * for.
 */
static int subscribe(struct crs_ipc *ipc, int audit, int learn)
{
	int one = 1;

	if (nl_socket_add_membership(ipc->sk, audit) ||
	    (learn >= 0 && nl_socket_add_membership(ipc->sk, learn))) {
		fprintf(stderr, "crsnl events: cannot join the multicast groups\n");
		return -1;
	}
	/* the group of each datagram: loss totals are counted per group */
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_PKTINFO,
		   &one, sizeof(one));
	return 0;
}

/*
 * Subscribed: ask for the status, which has the kernel send the loss
 * records of events nobody heard at once instead of at its next poll.
 */
static void announce_listener(void)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;

	if (crs_ipc_open(&ipc))
		return;
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_STATUS, 0);
	if (msg)
		crs_ipc_call(&ipc, msg, NULL, NULL);
	crs_ipc_close(&ipc);
}

/*
 * recv() of one datagram, with the multicast group it came from in
 * *@group (0 for a unicast or when unknown; NETLINK_PKTINFO is on).
 */
static ssize_t recv_group(int fd, char *buf, size_t size, uint32_t *group)
{
	char cbuf[CMSG_SPACE(sizeof(struct nl_pktinfo))];
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*group = 0;
	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n <= 0)
		return n;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_NETLINK &&
		    c->cmsg_type == NETLINK_PKTINFO)
			memcpy(group, CMSG_DATA(c), sizeof(*group));
	return n;
}

/* Print every message already queued on the socket. */
static void drain(const struct events_opts *o, struct crs_ipc *ipc, char *buf,
		  size_t size)
{
	int fd = nl_socket_get_fd(ipc->sk);
	struct nlmsghdr *nlh;
	uint32_t group;
	ssize_t n;
	int len;

	for (;;) {
		n = recv_group(fd, buf, size, &group);
		if (n < 0 && (errno == ENOBUFS || errno == EINTR))
			continue;
		if (n <= 0)
			return;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len))
			if (nlh->nlmsg_type == ipc->family)
				handle_msg(o, nlh, group);
	}
}

int events_main(int argc, char **argv)
{
	static char buf[1 << 17];
	struct events_opts o;
	struct crs_ipc ipc;
	unsigned long long printed = 0;
	int ret;
	double deadline = 0, last_flush;
	bool drained = false, out_failed = false;
	sigset_t stopsigs;
	int fd, one = 1, grp_audit = -1, grp_learn = -1;

	ret = events_parse(argc, argv, &o);
	if (ret >= 0)
		return ret;
	events_run_dir = o.run_dir;
	crs_ipc_open_or_die(&ipc);
	fd = nl_socket_get_fd(ipc.sk);
	/* past rmem_max needs CAP_NET_ADMIN, which every command needs anyway */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &o.rcvbuf,
		       sizeof(o.rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
			   sizeof(o.rcvbuf));
	/* let the kernel count the events our full buffer made it drop */
	setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	if (resolve_group(&ipc, CRS_MCGRP_AUDIT, &grp_audit) ||
	    (o.learn && resolve_group(&ipc, CRS_MCGRP_LEARN, &grp_learn)) ||
	    subscribe(&ipc, grp_audit, grp_learn)) {
		crs_ipc_close(&ipc);
		return 1;
	}
	if (o.output && strcmp(o.output, "-") &&
	    !freopen(o.output, "a", stdout)) {
		fprintf(stderr, "crsnl: events: --output %s: %s\n", o.output,
			strerror(errno));
		crs_ipc_close(&ipc);
		return 1;
	}
	{
		/*
		 * SA_RESTART: an interrupted write() of our output resumes
		 * instead of tearing a line. SA_RESETHAND: a second signal
		 * kills, e.g. a listener stuck writing to a full pipe. The
		 * signals are blocked except inside ppoll(), so one cannot
		 * slip in between the events_stop test and the wait. Set
		 * before the line below: a script that signals as soon as it
		 * reads it must not kill us unflushed.
		 */
		struct sigaction sa = { .sa_handler = events_on_signal,
					.sa_flags = SA_RESTART | SA_RESETHAND };

		sigemptyset(&stopsigs);
		sigaddset(&stopsigs, SIGINT);
		sigaddset(&stopsigs, SIGTERM);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	announce_listener();
	/* like tcpdump: scripts may wait for this line before acting */
	fprintf(stderr, "crsnl events: listening on %s%s\n", CRS_MCGRP_AUDIT,
		o.learn ? " and " CRS_MCGRP_LEARN : "");
	if (o.timeout > 0)
		deadline = now_s() + o.timeout;
	last_flush = now_s();

	while (!events_stop && (!o.count || printed < o.count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		struct nlmsghdr *nlh;
		uint32_t group = 0;
		sigset_t orig;
		int len, r;
		ssize_t n;

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		/*
		 * Lines are written whenever the socket is drained, and at
		 * least every 100 ms while it is not (a flood of events
		 * filtered out must not hold back the ones printed): a burst
		 * costs a few writes, not one per line.
		 */
		if (!drained) {
			n = recv_group(fd, buf, sizeof(buf), &group);
			if (n < 0 && errno == EAGAIN) {
				if (events_write_out(&o)) {
					out_failed = true;
					break;
				}
				last_flush = now_s();
				drained = true;
				continue;
			}
		} else {
			sigprocmask(SIG_BLOCK, &stopsigs, &orig);
			r = events_stop ? 0 : ppoll(&pfd, 1, tsp, &orig);
			sigprocmask(SIG_SETMASK, &orig, NULL);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				perror("crsnl events: poll");
				break;
			}
			if (r > 0 && (pfd.revents & (POLLIN | POLLERR)))
				drained = false;
			continue;
		}
		if (now_s() - last_flush > 0.1) {
			if (events_write_out(&o)) {
				out_failed = true;
				break;
			}
			last_flush = now_s();
		}
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;	/* the count comes as a gap line */
			fprintf(stderr, "crsnl events: recv: %s\n",
				strerror(errno));
			crs_ipc_close(&ipc);
			return 1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != ipc.family)
				continue;
			printed += handle_msg(&o, nlh, group);
			if (o.count && printed >= o.count)
				break;
		}
	}
	if (events_stop && !out_failed) {
		/*
		 * Stopped: leave the groups (what comes next is the next
		 * listener's, as unheard), then print what was already
		 * delivered to us instead of dropping it with the socket.
		 */
		nl_socket_drop_membership(ipc.sk, grp_audit);
		if (grp_learn >= 0)
			nl_socket_drop_membership(ipc.sk, grp_learn);
		drain(&o, &ipc, buf, sizeof(buf));
	}
	crs_ipc_close(&ipc);
	if (out_failed || crsnl_output_done("events"))
		return 1;
	if (o.count && printed < o.count)
		return 1;
	return 0;
}
