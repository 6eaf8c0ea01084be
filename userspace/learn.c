// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl learn: behavioral learning. start/stop switch a container's
 * learning on and off (container set --learning), show lists what the
 * kernel recorded, and export turns it into a policy that "policy push"
 * accepts: policyMode ACTIVE, every default DENY, one ALLOW rule per
 * learned tuple, or merged into an existing policy.
 *
 * Decisions (docs/events.md, "Behavioral learning"):
 * - A tuple whose program is unknown (inbound packets, judged in softirq;
 *   an executable outside the container's root, such as runc's init)
 *   becomes a rule for program "*".
 * - Syscall rules name the syscall, so an x86_64 and an i386 tuple of the
 *   same call become one rule (which covers both arches).
 * - The bare execve/execveat syscall tuple becomes no rule: the dispatch
 *   lets exec through and the Execution tuple (with the resolved file)
 *   decides; a rule without a file would allow every executable.
 * - Outbound keeps the remote address (exact) and port; the local,
 *   ephemeral port is never part of a tuple. Inbound keeps the local port
 *   and protocol, never the client's address or port. An inbound TCP tuple
 *   always is a listener's port (only a SYN is judged); an inbound UDP
 *   tuple whose local port is in the ephemeral range
 *   (net.ipv4.ip_local_port_range) is a client socket's and is dropped
 *   with a warning.
 * - --collapse N: N or more READ (or WRITE) rules of one program in one
 *   directory become one rule for the glob DIR + "/" + "*" (glob_match:
 *   the star also crosses "/").
 * - --image: the set of every container of an image binding. A path
 *   component of 64 hex digits (a container id: the runtime's own
 *   /run/runc/ID/exec.fifo) becomes "*", as each container has its own.
 * - --merge: the existing policy keeps its name, description, mode,
 *   defaults, ignoredSyscalls and every rule; learned rules are added
 *   unless an equal rule (same content and action) is already there. A
 *   DENY rule still beats the learned ALLOW for the same object.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"
#include "syscalls.h"

struct tuple {
	uint8_t type;
	char *program;		/* "" unknown */
	char *file;		/* NULL none */
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto;
	int nr;			/* -1 none */
	uint8_t arch;
};

struct tuples {
	struct tuple *v;
	size_t n, cap;
	int bad;
};

static void learn_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl learn start --pid PID [--log-mode L] [--host]\n"
		"       crsnl learn stop --pid PID\n"
		"       crsnl learn show --pid PID|--image PATTERN [--json]\n"
		"       crsnl learn export --pid PID|--image PATTERN [-o FILE] [--name NAME]\n"
		"                          [--merge EXISTING.json] [--collapse N]\n"
		"       crsnl learn delete --image PATTERN\n\n"
		"'crsnl learn SUBCOMMAND --help' shows examples.\n");
}

static const char *arch_name(unsigned int a)
{
	static const char *const n[] = { "x86_64", "i386", "x32" };

	return a < 3 ? n[a] : "?";
}

static const char *syscall_name(int nr, unsigned int arch)
{
	if (arch == CRS_ARCH_X86_64)
		return crs_syscall_name_x86_64(nr);
	if (arch == CRS_ARCH_I386)
		return crs_syscall_name_i386(nr);
	return NULL;
}

/*
 * /proc/<pid>/... names one process: the next run has another pid (and
 * /proc/self resolves to it), so in a learned path under /proc each
 * all-digit component becomes the glob "*" (a learned /proc/6/fd then
 * matches every process's fd directory).
 */
static char *proc_generic(const char *path)
{
	const char *p = path;
	char *out, *o;

	if (strncmp(path, "/proc/", 6))
		return strdup(path);
	out = malloc(strlen(path) + 1);
	if (!out)
		return NULL;
	o = out;
	while (*p) {
		const char *c = p + 1, *e = c;

		while (*e && *e != '/')
			e++;
		*o++ = '/';
		if (e > c && strspn(c, "0123456789") >= (size_t)(e - c)) {
			*o++ = '*';
		} else {
			memcpy(o, c, (size_t)(e - c));
			o += e - c;
		}
		p = e;
	}
	*o = '\0';
	return out;
}

static int on_learned(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *lt[CRS_LEARNED_A_MAX + 1];
	struct tuples *ts = arg;
	struct tuple *t;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_LEARNED] ||
	    nla_parse_nested(lt, CRS_LEARNED_A_MAX, tb[CRS_A_LEARNED], NULL) ||
	    !lt[CRS_LEARNED_A_TYPE]) {
		ts->bad++;
		return NL_SKIP;
	}
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 64;
		struct tuple *v = realloc(ts->v, cap * sizeof(*v));

		if (!v) {
			ts->bad++;
			return NL_SKIP;
		}
		ts->v = v;
		ts->cap = cap;
	}
	t = &ts->v[ts->n++];
	memset(t, 0, sizeof(*t));
	t->nr = -1;
	t->type = nla_get_u8(lt[CRS_LEARNED_A_TYPE]);
	t->program = strdup(lt[CRS_LEARNED_A_PROGRAM] ?
			    nla_get_string(lt[CRS_LEARNED_A_PROGRAM]) : "");
	/*
	 * An executable outside the container's root (runc's init, run from
	 * the host before it execs the entrypoint) has no path there: the
	 * kernel reports "/" or a non-absolute name. Unknown, so "*".
	 */
	if (t->program && (t->program[0] != '/' || !t->program[1]))
		t->program[0] = '\0';
	if (lt[CRS_LEARNED_A_FILE])
		t->file = proc_generic(nla_get_string(lt[CRS_LEARNED_A_FILE]));
	if (lt[CRS_LEARNED_A_FAMILY])
		t->family = nla_get_u8(lt[CRS_LEARNED_A_FAMILY]);
	if (lt[CRS_LEARNED_A_ADDR]) {
		int len = nla_len(lt[CRS_LEARNED_A_ADDR]);

		memcpy(t->addr, nla_data(lt[CRS_LEARNED_A_ADDR]),
		       len > 16 ? 16 : len);
	}
	if (lt[CRS_LEARNED_A_PORT])
		t->port = nla_get_u16(lt[CRS_LEARNED_A_PORT]);
	if (lt[CRS_LEARNED_A_PROTOCOL])
		t->proto = nla_get_u8(lt[CRS_LEARNED_A_PROTOCOL]);
	if (lt[CRS_LEARNED_A_SYSCALL_NR])
		t->nr = (int)nla_get_u32(lt[CRS_LEARNED_A_SYSCALL_NR]);
	if (lt[CRS_LEARNED_A_ARCH])
		t->arch = nla_get_u8(lt[CRS_LEARNED_A_ARCH]);
	return NL_OK;
}

static void tuples_free(struct tuples *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++) {
		free(ts->v[i].program);
		free(ts->v[i].file);
	}
	free(ts->v);
	memset(ts, 0, sizeof(*ts));
}

/*
 * The learned set of PID's container, or the named set @set (an image
 * binding's pattern); 0, or 1 after printing why.
 */
static int fetch(const char *what, uint32_t pid, const char *set,
		 struct tuples *ts)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	struct nlattr *ct;
	int ret;

	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_LEARNED, NLM_F_DUMP);
	if (!msg)
		goto nomem;
	ct = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
	if (!ct || (set ? nla_put_string(msg, CRS_CONTAINER_A_LEARN_SET, set) :
		    nla_put_u32(msg, CRS_CONTAINER_A_PID, pid))) {
		nlmsg_free(msg);
		goto nomem;
	}
	nla_nest_end(msg, ct);
	ret = crs_ipc_call(&ipc, msg, on_learned, ts);
	if (ret) {
		crs_ipc_perror(&ipc, what, ret);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	if (ts->bad) {
		fprintf(stderr, "crsnl: %s: %d malformed replies from the kernel\n",
			what, ts->bad);
		return 1;
	}
	return 0;
nomem:
	crs_ipc_close(&ipc);
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}

struct cinfo {
	uint64_t id, overflow;
	uint32_t learned;
	int learning;
	int found;
};

static int on_container(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *ct[CRS_CONTAINER_A_MAX + 1];
	struct cinfo *ci = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_CONTAINER] ||
	    nla_parse_nested(ct, CRS_CONTAINER_A_MAX, tb[CRS_A_CONTAINER], NULL))
		return NL_SKIP;
	ci->found = 1;
	if (ct[CRS_CONTAINER_A_ID])
		ci->id = nla_get_u64(ct[CRS_CONTAINER_A_ID]);
	if (ct[CRS_CONTAINER_A_LEARN_OVERFLOW])
		ci->overflow = nla_get_u64(ct[CRS_CONTAINER_A_LEARN_OVERFLOW]);
	if (ct[CRS_CONTAINER_A_LEARNED])
		ci->learned = nla_get_u32(ct[CRS_CONTAINER_A_LEARNED]);
	if (ct[CRS_CONTAINER_A_LEARNING])
		ci->learning = nla_get_u8(ct[CRS_CONTAINER_A_LEARNING]);
	return NL_OK;
}

static int container_info(const char *what, uint32_t pid, struct cinfo *ci)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	struct nlattr *ct;
	int ret;

	memset(ci, 0, sizeof(*ci));
	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_CONTAINER, 0);
	if (!msg)
		goto nomem;
	ct = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
	if (!ct || nla_put_u32(msg, CRS_CONTAINER_A_PID, pid)) {
		nlmsg_free(msg);
		goto nomem;
	}
	nla_nest_end(msg, ct);
	ret = crs_ipc_call(&ipc, msg, on_container, ci);
	if (ret) {
		crs_ipc_perror(&ipc, what, ret);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	return 0;
nomem:
	crs_ipc_close(&ipc);
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}

/* ------------------------------------------------------------------ */
/* start, stop, show */

static void start_help(void)
{
	printf("Usage: crsnl learn start --pid PID [--log-mode L] [--host]\n\n"
	       "Start recording what the container of process PID does: files\n"
	       "read and written, connections in and out, syscalls and executed\n"
	       "programs, each distinct tuple once. A container with no policy is\n"
	       "created if PID's pid namespace is not bound yet (the host's\n"
	       "initial pid namespace needs --host). --log-mode BEHAVIOR (or ALL)\n"
	       "also sends an event on the \"learn\" group for each new tuple.\n"
	       "Same as: crsnl container set --pid PID --learning on\n\n"
	       "Examples:\n"
	       "  crsnl learn start --pid 4242\n"
	       "  crsnl learn start --pid 4242 --log-mode BEHAVIOR\n");
}

static void stop_help(void)
{
	printf("Usage: crsnl learn stop --pid PID\n\n"
	       "Stop recording. What was recorded stays until the container goes\n"
	       "away; export it with crsnl learn export.\n"
	       "Same as: crsnl container set --pid PID --learning off\n\n"
	       "Example:\n  crsnl learn stop --pid 4242\n");
}

static int cmd_onoff(int argc, char **argv, int on)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;
	const char *what = on ? "learn start" : "learn stop";
	int r;

	r = crsnl_container_opts(what, argc, argv,
				 on ? CRSNL_O_LOG_MODE | CRSNL_O_HOST : 0,
				 on ? start_help : stop_help, &req);
	if (r)
		return r == 3 ? 0 : r;
	req.learning = on;
	return crsnl_container_call(what, CRS_CMD_SET_CONTAINER, &req);
}

static struct json_object *tuple_json(const struct tuple *t)
{
	struct json_object *o = json_object_new_object();
	char a[INET6_ADDRSTRLEN] = "";
	const char *sc;

	json_object_object_add(o, "type", json_object_new_string(
		t->type == CRS_RULE_SYSCALL && t->file ? "EXECUTE" :
		crs_rule_type_name(t->type)));
	json_object_object_add(o, "program",
			       json_object_new_string(*t->program ? t->program : "*"));
	if (t->file)
		json_object_object_add(o, "file", json_object_new_string(t->file));
	if (t->type == CRS_RULE_NETWORK_OUTBOUND ||
	    t->type == CRS_RULE_NETWORK_INBOUND) {
		json_object_object_add(o, "family", json_object_new_string(
			t->family == AF_INET ? "ipv4" :
			t->family == AF_PACKET ? "packet" : "ipv6"));
		if (t->type == CRS_RULE_NETWORK_OUTBOUND &&
		    t->family != AF_PACKET) {
			inet_ntop(t->family, t->addr, a, sizeof(a));
			json_object_object_add(o, "address", json_object_new_string(a));
		}
		json_object_object_add(o, "protocol",
				       json_object_new_string(crs_proto_name(t->proto)));
		json_object_object_add(o, "port", json_object_new_int(t->port));
	}
	if (t->type == CRS_RULE_SYSCALL) {
		sc = syscall_name(t->nr, t->arch);
		json_object_object_add(o, "syscall", sc ? json_object_new_string(sc) : NULL);
		json_object_object_add(o, "nr", json_object_new_int(t->nr));
		json_object_object_add(o, "arch", json_object_new_string(arch_name(t->arch)));
	}
	return o;
}

static void tuple_text(const struct tuple *t, char *buf, size_t len)
{
	static char pe[4 * 4096 + 1], fe[4 * 4096 + 1];
	char a[INET6_ADDRSTRLEN] = "";
	const char *prog = *t->program ?
		crsnl_text_escape(t->program, pe, sizeof(pe)) : "*";
	const char *file = t->file ?
		crsnl_text_escape(t->file, fe, sizeof(fe)) : NULL;
	const char *sc;

	switch (t->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		snprintf(buf, len, "%-16s %s %s", crs_rule_type_name(t->type),
			 prog, file ? file : "?");
		return;
	case CRS_RULE_SYSCALL:
		sc = syscall_name(t->nr, t->arch);
		if (file)
			snprintf(buf, len, "%-16s %s %s(%s) %s", "EXECUTE", prog,
				 sc ? sc : "?", arch_name(t->arch), file);
		else if (sc)
			snprintf(buf, len, "%-16s %s %s(%s)", "SYSCALL", prog,
				 sc, arch_name(t->arch));
		else
			snprintf(buf, len, "%-16s %s %d(%s)", "SYSCALL", prog,
				 t->nr, arch_name(t->arch));
		return;
	case CRS_RULE_NETWORK_OUTBOUND:
		if (t->family == AF_PACKET) {
			snprintf(buf, len, "%-16s %s PACKET socket",
				 crs_rule_type_name(t->type), prog);
			return;
		}
		inet_ntop(t->family, t->addr, a, sizeof(a));
		snprintf(buf, len, "%-16s %s %s %s port %u",
			 crs_rule_type_name(t->type), prog, crs_proto_name(t->proto),
			 a, t->port);
		return;
	case CRS_RULE_NETWORK_INBOUND:
		snprintf(buf, len, "%-16s %s %s %s port %u",
			 crs_rule_type_name(t->type), prog, crs_proto_name(t->proto),
			 t->family == AF_INET ? "ipv4" : "ipv6", t->port);
		return;
	}
	snprintf(buf, len, "type %u ?", t->type);
}

static int cmd_show(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "image", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *what = "learn show", *image = NULL;
	struct json_object *doc, *arr;
	struct tuples ts = { 0 };
	struct cinfo ci;
	uint32_t pid = 0;
	char line[2 * PATH_MAX];
	bool json = false;
	size_t i;
	int c;

	optind = 0;
	while ((c = crsnl_getopt(what, argc, argv, ":p:h", lo)) != -1) {
		switch (c) {
		case 'p':
			if (crsnl_parse_pid(what, optarg, &pid))
				return CRSNL_EXIT_USAGE;
			break;
		case 'i':
			image = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: crsnl learn show --pid PID [--json]\n"
			       "       crsnl learn show --image PATTERN [--json]\n\n"
			       "Print the tuples the container of process PID has learned, or every\n"
			       "container of the image binding PATTERN (bindings.json \"learning\":\n"
			       "true; \"default\" for the default binding), one a\n"
			       "line: TYPE PROGRAM OBJECT (program \"*\" when unknown). --json\n"
			       "prints one JSON object: {\"container\", \"learning\", \"not_recorded\",\n"
			       "\"tuples\": [{\"type\", \"program\", \"file\", \"family\", \"address\",\n"
			       "\"protocol\", \"port\", \"syscall\", \"nr\", \"arch\"}]} (fields by type).\n\n"
			       "Examples:\n  crsnl learn show --pid 4242\n  crsnl learn show --pid 4242 --json\n");
			return 0;
		default:
			return CRSNL_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return crsnl_usage_error(what, "unexpected argument \"%s\"", argv[optind]);
	if (!pid == !image)
		return crsnl_usage_error(what, "give --pid PID or --image PATTERN");
	memset(&ci, 0, sizeof(ci));
	if ((pid && container_info(what, pid, &ci)) || fetch(what, pid, image, &ts))
		return 1;
	if (json) {
		doc = json_object_new_object();
		arr = json_object_new_array();
		if (image)
			json_object_object_add(doc, "image", json_object_new_string(image));
		else
			json_object_object_add(doc, "container", json_object_new_uint64(ci.id));
		json_object_object_add(doc, "learning", json_object_new_boolean(ci.learning));
		json_object_object_add(doc, "not_recorded",
				       json_object_new_uint64(ci.overflow));
		for (i = 0; i < ts.n; i++)
			json_object_array_add(arr, tuple_json(&ts.v[i]));
		json_object_object_add(doc, "tuples", arr);
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
		json_object_put(doc);
		tuples_free(&ts);
		return crsnl_output_done(what);
	}
	for (i = 0; i < ts.n; i++) {
		tuple_text(&ts.v[i], line, sizeof(line));
		printf("%s\n", line);
	}
	if (image)
		printf("# image %s: %zu tuples\n", image, ts.n);
	else
		printf("# container %" PRIu64 ": %zu tuples, learning %s, %" PRIu64
		       " not recorded (set full)\n", ci.id, ts.n,
		       ci.learning ? "on" : "off", ci.overflow);
	tuples_free(&ts);
	return crsnl_output_done(what);
}

/* ------------------------------------------------------------------ */
/* export */

/*
 * Calls that touch nothing outside the calling process and that thread
 * runtimes (Go's scheduler, glibc's locks) make or skip from one run to
 * the next: a learned allowlist without them denies at random.
 */
static const char *const base_syscalls[] = {
	"sched_yield", "futex", "nanosleep", "clock_nanosleep",
	"clock_gettime", "gettimeofday", "getpid", "gettid",
	"rt_sigprocmask", "sigaltstack", "restart_syscall",
};

/* Append an ALLOW rule for program "*" for each base syscall. */
static int add_base_syscalls(struct crs_policy *p)
{
	size_t i;

	for (i = 0; i < sizeof(base_syscalls) / sizeof(base_syscalls[0]); i++) {
		struct crs_rule *r = crs_policy_add_rule(p);

		if (!r)
			return -1;
		r->type = CRS_RULE_SYSCALL;
		r->action = CRS_ACTION_ALLOW;
		r->syscall = strdup(base_syscalls[i]);
		if (!r->syscall ||
		    crs_syscall_resolve(r->syscall, &r->nr_x86_64, &r->nr_i386))
			return -1;
	}
	return 0;
}

/* A rule's content (everything but its name) as a string, for dedup. */
static char *rule_key(const struct crs_rule *r)
{
	char a[INET6_ADDRSTRLEN] = "", args[256] = "", *k = NULL;
	size_t i, n = 0;

	if (r->has_addr)
		inet_ntop(r->family, r->addr, a, sizeof(a));
	for (i = 0; i < CRS_NR_ARGS; i++)
		if (r->args[i].set && n < sizeof(args))
			n += (size_t)snprintf(args + n, sizeof(args) - n,
					      "%zu:%u:%" PRIu64 ":%" PRIu64 ";",
					      i, r->args[i].op, r->args[i].value,
					      r->args[i].mask);
	if (asprintf(&k, "%u|%u|%d|%s|%s|%s/%u|%d:%u-%u|%d:%u|%d|%d|%s",
		     r->type, r->action, r->inactive,
		     r->program ? r->program : "*", r->file ? r->file : "",
		     a, r->has_addr ? r->prefix : 0,
		     r->has_port, r->has_port ? r->port_lo : 0,
		     r->has_port ? r->port_hi : 65535,
		     r->has_proto, r->has_proto ? r->proto : 0,
		     r->nr_x86_64, r->nr_i386, args) < 0)
		return NULL;
	return k;
}

/* An open-addressing set of strings (owned). */
struct strset {
	char **v;
	size_t cap, n;
};

static unsigned long shash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int strset_grow(struct strset *s)
{
	struct strset n = { .cap = s->cap ? s->cap * 2 : 256 };
	size_t i, j;

	n.v = calloc(n.cap, sizeof(char *));
	if (!n.v)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (!s->v[i])
			continue;
		for (j = shash(s->v[i]) & (n.cap - 1); n.v[j]; j = (j + 1) & (n.cap - 1))
			;
		n.v[j] = s->v[i];
		n.n++;
	}
	free(s->v);
	*s = n;
	return 0;
}

static int strset_has(const struct strset *s, const char *k)
{
	size_t j;

	if (!s->cap)
		return 0;
	for (j = shash(k) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (!strcmp(s->v[j], k))
			return 1;
	return 0;
}

/* Add @k (taken); 1 if added, 0 if it was there (freed), -1 on ENOMEM. */
static int strset_add(struct strset *s, char *k)
{
	size_t j;

	if (!k)
		return -1;
	if (strset_has(s, k)) {
		free(k);
		return 0;
	}
	if ((s->n + 1) * 2 > s->cap && strset_grow(s)) {
		free(k);
		return -1;
	}
	for (j = shash(k) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		;
	s->v[j] = k;
	s->n++;
	return 1;
}

static void strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* "/etc/ssl/certs" -> "etc-ssl-certs" ("*" -> "any"): part of a rule name. */
static void slug(const char *s, char *out, size_t len)
{
	size_t o = 0;

	while (*s == '/')
		s++;
	for (; *s && o + 4 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '/') {
			if (o && out[o - 1] != '-')
				out[o++] = '-';
		} else if (ch == '*') {
			memcpy(out + o, "any", 3);
			o += 3;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
			   ch == '-' || ch == ':' || ch == '+') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '_';
		}
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	if (!o)
		snprintf(out, len, "root");
}

/* What the rule allows, as a name stem: "read-etc-hostname". */
static void rule_stem(const struct crs_rule *r, char *out, size_t len)
{
	char s[80], a[INET6_ADDRSTRLEN] = "";
	const char *proto = r->has_proto ? crs_proto_name(r->proto) : "any";
	char lproto[8];
	size_t i;

	for (i = 0; i + 1 < sizeof(lproto) && proto[i]; i++)
		lproto[i] = (char)(proto[i] | 0x20);
	lproto[i] = '\0';
	switch (r->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		slug(r->file, s, sizeof(s));
		snprintf(out, len, "%s-%s", r->type == CRS_RULE_READ ?
			 "read" : "write", s);
		return;
	case CRS_RULE_SYSCALL:
		if (r->file) {
			slug(r->file, s, sizeof(s));
			snprintf(out, len, "exec-%s", s);
		} else {
			snprintf(out, len, "syscall-%s", r->syscall);
		}
		return;
	case CRS_RULE_NETWORK_OUTBOUND:
		if (r->has_proto && r->proto == CRS_PROTO_PACKET) {
			snprintf(out, len, "packet-socket");
			return;
		}
		inet_ntop(r->family, r->addr, a, sizeof(a));
		if (r->has_port)
			snprintf(out, len, "connect-%s-%s-%u", lproto, a, r->port_lo);
		else
			snprintf(out, len, "connect-%s-%s", lproto, a);
		return;
	case CRS_RULE_NETWORK_INBOUND:
		if (r->has_port)
			snprintf(out, len, "accept-%s-%u", lproto, r->port_lo);
		else
			snprintf(out, len, "accept-%s", lproto);
		return;
	}
	snprintf(out, len, "rule");
}

/* Give @r a unique name (not in @names); adds it to @names. */
static int name_rule(struct crs_rule *r, struct strset *names)
{
	char stem[100], name[CRS_NAME_MAX + 64], by[24];
	const char *base;
	int i;

	rule_stem(r, stem, sizeof(stem));
	snprintf(name, sizeof(name), "%s", stem);
	if (strset_has(names, name) && r->program) {
		base = strrchr(r->program, '/');
		slug(base ? base + 1 : r->program, by, sizeof(by));
		snprintf(name, sizeof(name), "%s-by-%s", stem, by);
	}
	for (i = 2; strset_has(names, name); i++)
		snprintf(name, sizeof(name), "%.*s-%d", CRS_NAME_MAX - 12, stem, i);
	name[CRS_NAME_MAX - 1] = '\0';
	free(r->name);
	r->name = strdup(name);
	return r->name && strset_add(names, strdup(name)) >= 0 ? 0 : -1;
}

static void ephemeral_range(unsigned int *lo, unsigned int *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	*lo = 32768;
	*hi = 60999;
	if (!f)
		return;
	if (fscanf(f, "%u %u", lo, hi) != 2) {
		*lo = 32768;
		*hi = 60999;
	}
	fclose(f);
}

/*
 * A learned path as a rule path: glob_match()'s metacharacters ('*', '?',
 * '[' and '\\') in a file's name are escaped with '\\', so a file named
 * "*" allows itself, not every file beside it. The "*" proc_generic()
 * put for a pid under /proc (where no file can be named "*") stays a
 * glob. NULL when out of memory.
 */
static char *glob_escape(const char *s)
{
	bool proc = !strncmp(s, "/proc/", 6);
	char *o = malloc(2 * strlen(s) + 1), *p = o;
	const char *c;

	if (!o)
		return NULL;
	for (c = s; *c; c++) {
		bool pid = proc && *c == '*' && c[-1] == '/' &&
			   (c[1] == '/' || !c[1]);

		if (strchr("*?[\\", *c) && !pid)
			*p++ = '\\';
		*p++ = *c;
	}
	*p = '\0';
	return o;
}

/*
 * In an image's set each container has its own id: a path component of
 * 64 hex digits (a container id, as in the runtime's own
 * /run/runc/ID/exec.fifo) becomes "*". Returns @file, changed in place.
 */
static char *generalize_ids(char *file)
{
	char *c = file, *e;

	while ((c = strchr(c, '/'))) {
		c++;
		e = strchrnul(c, '/');
		if (e - c == 64 && strspn(c, "0123456789abcdef") >= 64) {
			c[0] = '*';
			memmove(c + 1, e, strlen(e) + 1);
		}
	}
	return file;
}

/*
 * Fill @r (ALLOW) from @t; 0 ok, 1 no rule for this tuple (why says
 * why, or "" when that is expected and not worth a warning).
 */
static int tuple_rule(const struct tuple *t, struct crs_rule *r,
		      char *why, size_t whylen)
{
	unsigned int elo, ehi;
	const char *sc;

	why[0] = '\0';
	r->action = CRS_ACTION_ALLOW;
	r->type = t->type;
	r->program = *t->program ? strdup(t->program) : NULL;
	switch (t->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		if (!t->file || t->file[0] != '/')
			goto bad;
		r->file = glob_escape(t->file);
		return 0;
	case CRS_RULE_SYSCALL:
		sc = syscall_name(t->nr, t->arch);
		if (!sc) {
			snprintf(why, whylen, "syscall %d (%s) has no name crsnl knows",
				 t->nr, arch_name(t->arch));
			return 1;
		}
		if (!t->file && (!strcmp(sc, "execve") || !strcmp(sc, "execveat")))
			return 1;	/* decided by the Execution tuples */
		if (crs_syscall_resolve(sc, &r->nr_x86_64, &r->nr_i386))
			goto bad;
		r->syscall = strdup(sc);
		if (t->file)
			r->file = glob_escape(t->file);
		return 0;
	case CRS_RULE_NETWORK_OUTBOUND:
		if (t->family == AF_PACKET) {	/* opened a packet socket */
			r->has_proto = true;
			r->proto = CRS_PROTO_PACKET;
			return 0;
		}
		if (t->family != AF_INET && t->family != AF_INET6)
			goto bad;
		r->has_addr = true;
		r->family = t->family;
		memcpy(r->addr, t->addr, 16);
		r->prefix = t->family == AF_INET ? 32 : 128;
		break;
	case CRS_RULE_NETWORK_INBOUND:
		ephemeral_range(&elo, &ehi);
		if (t->proto == CRS_PROTO_UDP && t->port >= elo && t->port <= ehi) {
			snprintf(why, whylen, "inbound UDP to local port %u: in the ephemeral range %u-%u (a client socket's port), not a rule",
				 t->port, elo, ehi);
			return 1;
		}
		break;
	default:
		goto bad;
	}
	if (t->proto == CRS_PROTO_TCP || t->proto == CRS_PROTO_UDP) {
		r->has_proto = true;
		r->proto = t->proto;
		r->has_port = true;
		r->port_lo = r->port_hi = t->port;
	} else if (t->proto == CRS_PROTO_ICMP) {
		r->has_proto = true;
		r->proto = t->proto;
	} else if (t->type == CRS_RULE_NETWORK_INBOUND) {
		snprintf(why, whylen, "inbound IP protocol %u cannot be expressed", t->proto);
		return 1;
	}
	return 0;
bad:
	snprintf(why, whylen, "malformed tuple of type %u", t->type);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * --collapse N: N or more learned READ (WRITE) rules of one program in
 * one directory become one DIR + "/" + "*" glob. Rules [first, n) are
 * the learned ones.
 */
static int collapse(struct crs_policy *p, size_t first, unsigned int n)
{
	size_t i, j, m = 0, cnt;
	char **keys, *dir, *k;
	struct strset big = { 0 }, done = { 0 };

	keys = calloc(p->n_rules - first + 1, sizeof(char *));
	if (!keys)
		return -1;
	for (i = first; i < p->n_rules; i++) {
		struct crs_rule *r = &p->rules[i];

		if ((r->type != CRS_RULE_READ && r->type != CRS_RULE_WRITE) ||
		    !r->file || !strrchr(r->file, '/'))
			continue;
		dir = strndup(r->file, (size_t)(strrchr(r->file, '/') - r->file));
		if (asprintf(&keys[m], "%u|%s|%s", r->type,
			     r->program ? r->program : "*", dir) < 0)
			keys[m] = NULL;
		free(dir);
		if (keys[m])
			m++;
	}
	qsort(keys, m, sizeof(char *), cmp_str);
	for (i = 0; i < m; i = j) {
		for (j = i; j < m && !strcmp(keys[i], keys[j]); j++)
			;
		cnt = j - i;
		if (cnt >= n && strset_add(&big, strdup(keys[i])) < 0)
			goto err;
	}
	/* rewrite: the first rule of a big group becomes the glob, the rest go */
	for (i = j = first; i < p->n_rules; i++) {
		struct crs_rule *r = &p->rules[i];
		int keep = 1;

		if ((r->type == CRS_RULE_READ || r->type == CRS_RULE_WRITE) &&
		    r->file && strrchr(r->file, '/')) {
			size_t dl = (size_t)(strrchr(r->file, '/') - r->file);

			dir = strndup(r->file, dl);
			if (asprintf(&k, "%u|%s|%s", r->type,
				     r->program ? r->program : "*", dir) < 0)
				k = NULL;
			free(dir);
			if (!k)
				goto err;
			if (strset_has(&big, k)) {
				if (strset_has(&done, k)) {
					keep = 0;
					free(k);
				} else {
					char *g;

					strset_add(&done, k);
					if (asprintf(&g, "%.*s/*", (int)dl, r->file) < 0)
						goto err;
					free(r->file);
					r->file = g;
				}
			} else {
				free(k);
			}
		}
		if (keep)
			p->rules[j++] = *r;
		else
			crs_rule_free(r);
	}
	p->n_rules = j;
	for (i = 0; i < m; i++)
		free(keys[i]);
	free(keys);
	strset_free(&big);
	strset_free(&done);
	return 0;
err:
	for (i = 0; i < m; i++)
		free(keys[i]);
	free(keys);
	strset_free(&big);
	strset_free(&done);
	return -1;
}

static int cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "image", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "merge", required_argument, NULL, 'm' },
		{ "no-base", no_argument, NULL, 'B' },
		{ "collapse", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *what = "learn export", *out = NULL, *name = NULL;
	const char *merge = NULL, *image = NULL;
	struct strset keys = { 0 }, names = { 0 };
	struct tuples ts = { 0 };
	struct crs_policy p, check;
	unsigned long collapse_n = 0;
	bool base = true;
	size_t i, first, added = 0, skipped = 0, dup = 0;
	char err[512], why[256], *json, *end;
	struct cinfo ci;
	uint32_t pid = 0;
	int a, c, ret = 1;

	optind = 0;
	while ((c = crsnl_getopt(what, argc, argv, ":p:o:h", lo)) != -1) {
		switch (c) {
		case 'p':
			if (crsnl_parse_pid(what, optarg, &pid))
				return CRSNL_EXIT_USAGE;
			break;
		case 'i':
			image = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'n':
			if (!*optarg || strlen(optarg) >= CRS_NAME_MAX)
				return crsnl_usage_error(what, "--name \"%.40s%s\": must be 1..%d bytes",
							 optarg, strlen(optarg) > 40 ? "..." : "",
							 CRS_NAME_MAX - 1);
			name = optarg;
			break;
		case 'm':
			merge = optarg;
			break;
		case 'B':
			base = false;
			break;
		case 'C':
			errno = 0;
			collapse_n = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || collapse_n < 2 ||
			    collapse_n > 1000000)
				return crsnl_usage_error(what, "--collapse \"%s\": expected a number of files, 2 or more",
							 optarg);
			break;
		case 'h':
			printf("Usage: crsnl learn export --pid PID [-o FILE] [--name NAME]\n"
		       "                          [--merge EXISTING.json] [--collapse N] [--no-base]\n"
		       "       crsnl learn export --image PATTERN [...]\n\n"
		       "Write what the container of process PID has learned, or every container\n"
		       "started from an image whose binding learns (bindings.json \"learning\":\n"
		       "true; PATTERN is the binding's \"image\", \"default\" for the default;\n"
		       "there a path component of 64 hex digits, a container id, becomes \"*\"),\n"
		       "as a policy that\n"
		       "crsnl policy push accepts: policyMode ACTIVE, every default DENY, one\n"
		       "ALLOW rule per learned tuple, named after what it allows\n"
		       "(read-etc-hostname, connect-tcp-10.0.0.5-5432, syscall-openat, ...).\n"
		       "  -o, --output FILE  write to FILE instead of stdout (\"-\": stdout)\n"
		       "  --name NAME   the policy's name (default learned-ID, or the merged\n"
		       "                policy's own name)\n"
		       "  --merge FILE  add the learned ALLOW rules to the policy in FILE,\n"
		       "                keeping its settings and every rule it has (its DENY\n"
		       "                rules still win); equal rules are not added twice\n"
		       "  --collapse N  N or more files of one program in one directory\n"
		       "                become one rule for DIR/* (which also matches below)\n"
		       "  --no-base     do not add the base syscalls (sched_yield, futex,\n"
		       "                nanosleep, clock_gettime, ...: calls that touch\n"
		       "                nothing outside the process, which thread runtimes\n"
		       "                make or skip from one run to the next)\n\n"
		       "Examples:\n"
		       "  crsnl learn export --pid 4242 -o web.json --name web\n"
		       "  crsnl learn export --pid 4242 --merge base.json --collapse 5 -o web.json\n"
		       "  crsnl learn export --image 'docker.io/library/nginx:*' --name web -o web.json\n");
			return 0;
		default:
			return CRSNL_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return crsnl_usage_error(what, "unexpected argument \"%s\"", argv[optind]);
	if (!pid == !image)
		return crsnl_usage_error(what, "give --pid PID or --image PATTERN");
	memset(&p, 0, sizeof(p));
	if (merge) {
		if (crs_policy_parse_file(merge, &p, err, sizeof(err))) {
			fprintf(stderr, "crsnl: %s: --merge %s\n", what, err);
			return 1;
		}
	}
	memset(&ci, 0, sizeof(ci));
	if ((pid && container_info(what, pid, &ci)) || fetch(what, pid, image, &ts))
		goto out;
	if (!merge && image) {
		p.mode = CRS_MODE_ACTIVE;
		p.def_network = p.def_file = p.def_execute = p.def_syscall =
			CRS_ACTION_DENY;
		if (asprintf(&p.name, "learned-image") < 0 ||
		    asprintf(&p.description,
			     "learned from the containers of image %s by crsnl learn export",
			     image) < 0)
			goto nomem;
	} else if (!merge) {
		p.mode = CRS_MODE_ACTIVE;
		p.def_network = p.def_file = p.def_execute = p.def_syscall =
			CRS_ACTION_DENY;
		if (asprintf(&p.name, "learned-%" PRIu64, ci.id) < 0 ||
		    asprintf(&p.description,
			     "learned from container %" PRIu64 " by crsnl learn export",
			     ci.id) < 0)
			goto nomem;
	}
	if (name) {
		free(p.name);
		p.name = strdup(name);
	}
	if (ci.overflow)
		fprintf(stderr, "crsnl: %s: warning: the learning set was full: %" PRIu64
			" sightings of new tuples were not recorded, the policy is incomplete (module parameter learn_max)\n",
			what, ci.overflow);
	for (i = 0; i < p.n_rules; i++)
		if (strset_add(&keys, rule_key(&p.rules[i])) < 0 ||
		    strset_add(&names, strdup(p.rules[i].name)) < 0)
			goto nomem;
	first = p.n_rules;
	for (i = 0; i < ts.n; i++) {
		struct crs_rule *r = crs_policy_add_rule(&p);

		if (!r)
			goto nomem;
		if (tuple_rule(&ts.v[i], r, why, sizeof(why))) {
			if (why[0])
				fprintf(stderr, "crsnl: %s: warning: %s\n", what, why);
			crs_rule_free(r);
			p.n_rules--;
			skipped++;
		} else if (image && r->file) {
			generalize_ids(r->file);
		}
	}
	if (collapse_n && collapse(&p, first, (unsigned int)collapse_n))
		goto nomem;
	if (base && add_base_syscalls(&p))
		goto nomem;
	/* drop duplicates, then name what is left */
	for (i = a = first; i < p.n_rules; i++) {
		int r = strset_add(&keys, rule_key(&p.rules[i]));

		if (r < 0)
			goto nomem;
		if (!r) {
			crs_rule_free(&p.rules[i]);
			dup++;
			continue;
		}
		p.rules[a++] = p.rules[i];
	}
	p.n_rules = (size_t)a;
	for (i = first; i < p.n_rules; i++) {
		if (name_rule(&p.rules[i], &names))
			goto nomem;
		added++;
	}
	json = crs_policy_to_string(&p, false);
	if (!json)
		goto nomem;
	/* what we write must be what policy push accepts */
	if (crs_policy_parse_string("export", json, &check, err, sizeof(err))) {
		fprintf(stderr, "crsnl: %s: internal error, the exported policy does not parse: %s\n",
			what, err);
		free(json);
		goto out;
	}
	crs_policy_free(&check);
	if (crsnl_output_to(what, out)) {
		free(json);
		goto out;
	}
	fputs(json, stdout);
	free(json);
	if (crsnl_output_done(what))
		goto out;
	fprintf(stderr, "crsnl: %s: %zu tuples, %zu rules added%s%s (%zu already there, %zu without a rule)\n",
		what, ts.n, added, merge ? " to " : "", merge ? merge : "",
		dup, skipped);
	ret = 0;
out:
	strset_free(&keys);
	strset_free(&names);
	tuples_free(&ts);
	crs_policy_free(&p);
	return ret;
nomem:
	fprintf(stderr, "crsnl: out of memory\n");
	goto out;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *what = "learn delete", *image = NULL;
	struct crs_ipc ipc;
	struct nl_msg *msg;
	struct nlattr *ct;
	int c, ret;

	optind = 0;
	while ((c = crsnl_getopt(what, argc, argv, ":h", lo)) != -1) {
		switch (c) {
		case 'i':
			image = optarg;
			break;
		case 'h':
			printf("Usage: crsnl learn delete --image PATTERN\n\n"
			       "Forget what the containers of the image binding PATTERN learned\n"
			       "(bindings.json \"learning\": true; \"default\" for the default\n"
			       "binding). Containers still running keep learning into the old set\n"
			       "until they exit; the next container starts a new one. At most 256\n"
			       "sets exist at once.\n\n"
			       "Example:\n  crsnl learn delete --image 'docker.io/library/nginx:*'\n");
			return 0;
		default:
			return CRSNL_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return crsnl_usage_error(what, "unexpected argument \"%s\"", argv[optind]);
	if (!image)
		return crsnl_usage_error(what, "missing --image PATTERN");
	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_DEL_LEARNED, 0);
	ct = msg ? nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED) : NULL;
	if (!ct || nla_put_string(msg, CRS_CONTAINER_A_LEARN_SET, image)) {
		nlmsg_free(msg);
		crs_ipc_close(&ipc);
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	nla_nest_end(msg, ct);
	ret = crs_ipc_call(&ipc, msg, NULL, NULL);
	if (ret)
		crs_ipc_perror(&ipc, what, ret);
	crs_ipc_close(&ipc);
	return ret ? 1 : 0;
}

int learn_main(int argc, char **argv)
{
	if (argc < 2) {
		learn_usage(stderr);
		return CRSNL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		learn_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "start"))
		return cmd_onoff(argc - 1, argv + 1, 1);
	if (!strcmp(argv[1], "stop"))
		return cmd_onoff(argc - 1, argv + 1, 0);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return cmd_delete(argc - 1, argv + 1);
	fprintf(stderr, "crsnl: learn: unknown subcommand \"%s\" (see crsnl learn --help)\n",
		argv[1]);
	return CRSNL_EXIT_USAGE;
}
