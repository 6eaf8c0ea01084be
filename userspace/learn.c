// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl learn: behavioral learning. start/stop switch a container's
 * learning on and off (container set --learning), show lists what the
 * kernel recorded, delete forgets a named set, and export
 * (learn_export.c) turns it into a policy.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"
#include "learn.h"
#include "policy.h"
#include "syscalls.h"

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

const char *learn_syscall_name(int nr, unsigned int arch)
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
	struct nlattr *lt[CRS_LEARNED_A_MAX + 1];
	struct tuples *ts = arg;
	struct tuple *t;

	if (crs_reply_nest(msg, CRS_A_LEARNED, lt, CRS_LEARNED_A_MAX) ||
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

void learn_tuples_free(struct tuples *ts)
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
int learn_fetch(const char *what, uint32_t pid, const char *set,
		struct tuples *ts)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	int ret;

	crs_ipc_open_or_die(&ipc);
	msg = set ? crs_req_learn_set(&ipc, CRS_CMD_GET_LEARNED, NLM_F_DUMP, set) :
		    crs_req_pid(&ipc, CRS_CMD_GET_LEARNED, NLM_F_DUMP, pid);
	ret = crs_ipc_run(&ipc, what, msg, on_learned, ts);
	crs_ipc_close(&ipc);
	if (ret)
		return 1;
	if (ts->bad) {
		fprintf(stderr, "crsnl: %s: %d malformed replies from the kernel\n",
			what, ts->bad);
		return 1;
	}
	return 0;
}

static int on_container(struct nl_msg *msg, void *arg)
{
	struct nlattr *ct[CRS_CONTAINER_A_MAX + 1];
	struct cinfo *ci = arg;

	if (crs_reply_nest(msg, CRS_A_CONTAINER, ct, CRS_CONTAINER_A_MAX))
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

int learn_container_info(const char *what, uint32_t pid, struct cinfo *ci)
{
	struct crs_ipc ipc;
	int ret;

	memset(ci, 0, sizeof(*ci));
	crs_ipc_open_or_die(&ipc);
	ret = crs_ipc_run(&ipc, what,
			  crs_req_pid(&ipc, CRS_CMD_GET_CONTAINER, 0, pid),
			  on_container, ci);
	crs_ipc_close(&ipc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* start, stop, show */

static void start_help(FILE *f)
{
	fprintf(f, "Usage: crsnl learn start --pid PID [--log-mode L] [--host]\n\n"
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

static void stop_help(FILE *f)
{
	fprintf(f, "Usage: crsnl learn stop --pid PID\n\n"
		"Stop recording. What was recorded stays until the container goes\n"
		"away; export it with crsnl learn export.\n"
		"Same as: crsnl container set --pid PID --learning off\n\n"
		"Example:\n  crsnl learn stop --pid 4242\n");
}

static int cmd_start(int argc, char **argv)
{
	return crsnl_container_cmd("learn start", argc, argv,
				   CRSNL_O_LOG_MODE | CRSNL_O_HOST, start_help,
				   CRS_CMD_SET_CONTAINER, 1);
}

static int cmd_stop(int argc, char **argv)
{
	return crsnl_container_cmd("learn stop", argc, argv, 0, stop_help,
				   CRS_CMD_SET_CONTAINER, 0);
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
		sc = learn_syscall_name(t->nr, t->arch);
		json_object_object_add(o, "syscall", sc ? json_object_new_string(sc) : NULL);
		json_object_object_add(o, "nr", json_object_new_int(t->nr));
		json_object_object_add(o, "arch", json_object_new_string(crs_arch_name(t->arch)));
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
		sc = learn_syscall_name(t->nr, t->arch);
		if (file)
			snprintf(buf, len, "%-16s %s %s(%s) %s", "EXECUTE", prog,
				 sc ? sc : "?", crs_arch_name(t->arch), file);
		else if (sc)
			snprintf(buf, len, "%-16s %s %s(%s)", "SYSCALL", prog,
				 sc, crs_arch_name(t->arch));
		else
			snprintf(buf, len, "%-16s %s %d(%s)", "SYSCALL", prog,
				 t->nr, crs_arch_name(t->arch));
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

static void show_help(FILE *f)
{
	fprintf(f, "Usage: crsnl learn show --pid PID [--json]\n"
		"       crsnl learn show --image PATTERN [--json]\n\n"
		"Print the tuples the container of process PID has learned, or every\n"
		"container of the image binding PATTERN (bindings.json \"learning\":\n"
		"true; \"default\" for the default binding), one a\n"
		"line: TYPE PROGRAM OBJECT (program \"*\" when unknown). --json\n"
		"prints one JSON object: {\"container\", \"learning\", \"not_recorded\",\n"
		"\"tuples\": [{\"type\", \"program\", \"file\", \"family\", \"address\",\n"
		"\"protocol\", \"port\", \"syscall\", \"nr\", \"arch\"}]} (fields by type).\n\n"
		"Examples:\n  crsnl learn show --pid 4242\n  crsnl learn show --pid 4242 --json\n");
}

static int cmd_show(int argc, char **argv)
{
	const char *what = "learn show", *image = NULL;
	struct json_object *doc, *arr;
	struct tuples ts = { 0 };
	struct cinfo ci;
	uint32_t pid = 0;
	char line[2 * PATH_MAX];
	bool json = false;
	const struct crsnl_opt opts[] = {
		{ "pid", 'p', CRSNL_OPT_PID, &pid, NULL },
		{ "image", 0, CRSNL_OPT_STR, &image, NULL },
		{ "json", 0, CRSNL_OPT_FLAG, &json, NULL },
		{ NULL }
	};
	size_t i;
	int c;

	c = crsnl_opts(what, argc, argv, opts, show_help, 0);
	if (c >= 0)
		return c;
	if (!pid == !image)
		return crsnl_usage_error(what, "give --pid PID or --image PATTERN");
	memset(&ci, 0, sizeof(ci));
	if ((pid && learn_container_info(what, pid, &ci)) || learn_fetch(what, pid, image, &ts))
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
		learn_tuples_free(&ts);
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
	learn_tuples_free(&ts);
	return crsnl_output_done(what);
}

static void delete_help(FILE *f)
{
	fprintf(f, "Usage: crsnl learn delete --image PATTERN\n\n"
		"Forget what the containers of the image binding PATTERN learned\n"
		"(bindings.json \"learning\": true; \"default\" for the default\n"
		"binding). Containers still running keep learning into the old set\n"
		"until they exit; the next container starts a new one. At most 256\n"
		"sets exist at once.\n\n"
		"Example:\n  crsnl learn delete --image 'docker.io/library/nginx:*'\n");
}

static int cmd_delete(int argc, char **argv)
{
	const char *what = "learn delete", *image = NULL;
	const struct crsnl_opt opts[] = {
		{ "image", 0, CRSNL_OPT_STR, &image, NULL },
		{ NULL }
	};
	struct crs_ipc ipc;
	int ret;

	ret = crsnl_opts(what, argc, argv, opts, delete_help, 0);
	if (ret >= 0)
		return ret;
	if (!image)
		return crsnl_usage_error(what, "missing --image PATTERN");
	crs_ipc_open_or_die(&ipc);
	ret = crs_ipc_run(&ipc, what,
			  crs_req_learn_set(&ipc, CRS_CMD_DEL_LEARNED, 0, image),
			  NULL, NULL);
	crs_ipc_close(&ipc);
	return ret;
}

static const struct crsnl_cmd learn_cmds[] = {
	{ "start", cmd_start, NULL, NULL },
	{ "stop", cmd_stop, NULL, NULL },
	{ "show", cmd_show, NULL, NULL },
	{ "export", learn_export_main, NULL, NULL },
	{ "delete", cmd_delete, NULL, NULL },
};

const struct crsnl_group learn_group = {
	"learn", learn_cmds, ARRAY_SIZE(learn_cmds), learn_usage
};
