// SPDX-License-Identifier: GPL-2.0
/* crsnl container: list bound containers, resolve a pid, set modes. */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

static void container_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl container list [--pid PID] [--json]\n"
		"       crsnl container set --pid PID [--policy-mode M] [--log-mode L]\n"
		"                           [--learning on|off] [--host]\n\n"
		"'crsnl container SUBCOMMAND --help' shows examples.\n");
}

static void u64_col(struct nlattr **tb, int a, const char *fmt)
{
	if (tb[a] && nla_len(tb[a]) >= 8) {
		uint64_t v;

		memcpy(&v, nla_data(tb[a]), 8);
		printf(fmt, v);
	} else {
		printf(fmt, (uint64_t)0);
	}
}

/* A u32 column printed with @fmt ("%8u "); absent, "-" with @none ("%8s "). */
static void u32_col(struct nlattr **tb, int a, const char *fmt,
		    const char *none)
{
	if (tb[a] && nla_len(tb[a]) >= 4)
		printf(fmt, nla_get_u32(tb[a]));
	else
		printf(none, "-");
}

static const char *u8_name(struct nlattr **tb, int a,
			   const char *(*name)(unsigned int))
{
	if (!tb[a] || nla_len(tb[a]) < 1)
		return "-";
	return name(nla_get_u8(tb[a]));
}

static void header(void)
{
	printf("%-12s %-12s %8s %-24s %-10s %-10s %-19s %-8s %10s %10s %10s %8s %8s\n",
	       "ID", "NETNS", "PID", "POLICY", "MODE", "EFFECTIVE", "LOG",
	       "LEARNING", "ALLOWED", "DENIED", "MONITORED", "LOST", "LEARNED");
}

struct list_state {
	int count;
	struct json_object *arr;	/* --json: the containers so far */
};

static void json_u64(struct json_object *o, const char *key,
		     struct nlattr **tb, int a)
{
	uint64_t v;

	if (!tb[a] || nla_len(tb[a]) < 8)
		return;
	memcpy(&v, nla_data(tb[a]), 8);
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void json_u32(struct json_object *o, const char *key,
		     struct nlattr **tb, int a)
{
	if (tb[a] && nla_len(tb[a]) >= 4)
		json_object_object_add(o, key,
				       json_object_new_int64(nla_get_u32(tb[a])));
}

static void json_name(struct json_object *o, const char *key,
		      struct nlattr **tb, int a,
		      const char *(*name)(unsigned int))
{
	if (tb[a] && nla_len(tb[a]) >= 1)
		json_object_object_add(o, key,
				       json_object_new_string(name(nla_get_u8(tb[a]))));
}

static struct json_object *container_json(struct nlattr **ct)
{
	struct json_object *o = json_object_new_object();
	const char *pol = "";

	json_u64(o, "id", ct, CRS_CONTAINER_A_ID);
	json_u64(o, "netns", ct, CRS_CONTAINER_A_NETNS);
	json_u32(o, "pid", ct, CRS_CONTAINER_A_PID);
	json_u32(o, "level", ct, CRS_CONTAINER_A_LEVEL);
	if (ct[CRS_CONTAINER_A_POLICY])
		pol = nla_get_string(ct[CRS_CONTAINER_A_POLICY]);
	json_object_object_add(o, "policy",
			       *pol ? json_object_new_string(pol) : NULL);
	json_name(o, "policy_mode", ct, CRS_CONTAINER_A_POLICY_MODE, crs_mode_name);
	json_name(o, "effective_mode", ct, CRS_CONTAINER_A_EFFECTIVE_MODE,
		  crs_mode_name);
	json_name(o, "log_mode", ct, CRS_CONTAINER_A_LOG_MODE, crs_log_mode_name);
	if (ct[CRS_CONTAINER_A_LEARNING])
		json_object_object_add(o, "learning",
				       json_object_new_boolean(nla_get_u8(ct[CRS_CONTAINER_A_LEARNING])));
	json_u64(o, "allowed", ct, CRS_CONTAINER_A_ALLOWED);
	json_u64(o, "denied", ct, CRS_CONTAINER_A_DENIED);
	json_u64(o, "monitored", ct, CRS_CONTAINER_A_MONITORED);
	json_u64(o, "events_lost", ct, CRS_CONTAINER_A_EVENTS_LOST);
	json_u64(o, "events_unheard", ct, CRS_CONTAINER_A_EVENTS_UNHEARD);
	json_u32(o, "learned", ct, CRS_CONTAINER_A_LEARNED);
	json_u64(o, "learn_overflow", ct, CRS_CONTAINER_A_LEARN_OVERFLOW);
	return o;
}

static int print_container(struct nl_msg *msg, void *arg)
{
	struct nlattr *ct[CRS_CONTAINER_A_MAX + 1];
	struct list_state *ls = arg;
	const char *pol = "";

	if (crs_reply_nest(msg, CRS_A_CONTAINER, ct, CRS_CONTAINER_A_MAX))
		return NL_SKIP;
	if (ls->arr) {
		ls->count++;
		json_object_array_add(ls->arr, container_json(ct));
		return NL_OK;
	}
	if (!ls->count++)
		header();
	u64_col(ct, CRS_CONTAINER_A_ID, "%-12" PRIu64 " ");
	u64_col(ct, CRS_CONTAINER_A_NETNS, "%-12" PRIu64 " ");
	u32_col(ct, CRS_CONTAINER_A_PID, "%8u ", "%8s ");
	if (ct[CRS_CONTAINER_A_POLICY])
		pol = nla_get_string(ct[CRS_CONTAINER_A_POLICY]);
	printf("%-24s ", *pol ? pol : "-");
	printf("%-10s ", u8_name(ct, CRS_CONTAINER_A_POLICY_MODE, crs_mode_name));
	printf("%-10s ", u8_name(ct, CRS_CONTAINER_A_EFFECTIVE_MODE, crs_mode_name));
	printf("%-19s ", u8_name(ct, CRS_CONTAINER_A_LOG_MODE, crs_log_mode_name));
	printf("%-8s ", !ct[CRS_CONTAINER_A_LEARNING] ? "-" :
	       nla_get_u8(ct[CRS_CONTAINER_A_LEARNING]) ? "on" : "off");
	u64_col(ct, CRS_CONTAINER_A_ALLOWED, "%10" PRIu64 " ");
	u64_col(ct, CRS_CONTAINER_A_DENIED, "%10" PRIu64 " ");
	u64_col(ct, CRS_CONTAINER_A_MONITORED, "%10" PRIu64 " ");
	u64_col(ct, CRS_CONTAINER_A_EVENTS_LOST, "%8" PRIu64 " ");
	u32_col(ct, CRS_CONTAINER_A_LEARNED, "%8u\n", "%8s\n");
	return NL_OK;
}

static void list_help(FILE *f)
{
	fprintf(f, "Usage: crsnl container list [--pid PID] [--json]\n\n"
		"List bound containers: pid namespace id, network namespace id, a\n"
		"pid, policy, policy mode override, effective mode, log mode,\n"
		"learning, verdict counters, lost events and learned tuples.\n"
		"With --pid, show only the container PID resolves to (the nearest\n"
		"bound ancestor pid namespace); if none, say so and exit 1.\n"
		"--json prints one JSON array of container objects (\"id\", \"netns\",\n"
		"\"pid\", \"level\", \"policy\", \"policy_mode\", \"effective_mode\",\n"
		"\"log_mode\", \"learning\", \"allowed\", \"denied\", \"monitored\",\n"
		"\"events_lost\", \"events_unheard\", \"learned\", \"learn_overflow\").\n\n"
		"Examples:\n"
		"  crsnl container list\n"
		"  crsnl container list --pid 4242 --json\n");
}

static int cmd_list(int argc, char **argv)
{
	const char *what = "container list";
	struct list_state ls = { 0 };
	struct crs_ipc ipc;
	struct nl_msg *msg;
	uint32_t pid = 0;
	bool json = false;
	const struct crsnl_opt opts[] = {
		{ "pid", 'p', CRSNL_OPT_PID, &pid, NULL },
		{ "json", 0, CRSNL_OPT_FLAG, &json, NULL },
		{ NULL }
	};
	int ret, tries;

	ret = crsnl_opts(what, argc, argv, opts, list_help, 0);
	if (ret >= 0)
		return ret;
	crs_ipc_open_or_die(&ipc);
	for (tries = 0; tries < 5; tries++) {
		msg = crs_req_pid(&ipc, CRS_CMD_GET_CONTAINER,
				  pid ? 0 : NLM_F_DUMP, pid);
		if (!msg)
			goto nomem;
		json_object_put(ls.arr);
		ls.arr = json ? json_object_new_array() : NULL;
		ls.count = 0;
		ret = crs_ipc_call(&ipc, msg, print_container, &ls);
		if (ret != -EAGAIN)
			break;
		if (!json)
			printf("(the container list changed while listing; again:)\n");
	}
	crs_ipc_close(&ipc);
	if (pid && ret == -ENOENT) {
		if (json)
			puts("[]");
		else
			printf("pid %u: in no container\n", pid);
		json_object_put(ls.arr);
		return 1;
	}
	if (ret) {
		crs_ipc_perror(&ipc, what, ret);
		json_object_put(ls.arr);
		return 1;
	}
	if (json)
		puts(json_object_to_json_string_ext(ls.arr, JSON_C_TO_STRING_PLAIN));
	else if (!ls.count && !pid)
		printf("no containers\n");
	json_object_put(ls.arr);
	return crsnl_output_done(what);
nomem:
	crs_ipc_close(&ipc);
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}

static void set_help(FILE *f)
{
	fprintf(f, "Usage: crsnl container set --pid PID [--policy-mode M] [--log-mode L]\n"
		"                           [--learning on|off] [--host]\n\n"
		"Change the per-container configuration of the container PID is in.\n"
		"If PID's pid namespace is not bound yet, a container with no policy\n"
		"is created (e.g. to learn before writing a policy); the host's\n"
		"initial pid namespace needs --host.\n"
		"  --policy-mode  ACTIVE | PERMISSIVE | INACTIVE (overrides the policy)\n"
		"  --log-mode     NONE | POLICY_MONITOR | POLICY_DENY | POLICY_MONITOR_DENY |\n"
		"                 POLICY_ALLOW | POLICY_ALL | BEHAVIOR | ALL\n"
		"  --learning     on | off\n\n"
		"Examples:\n"
		"  crsnl container set --pid 4242 --policy-mode PERMISSIVE --log-mode POLICY_ALL\n"
		"  crsnl container set --pid 4242 --learning on --log-mode BEHAVIOR\n");
}

static int cmd_set(int argc, char **argv)
{
	return crsnl_container_cmd("container set", argc, argv, CRSNL_O_ALL,
				   set_help, CRS_CMD_SET_CONTAINER, -1);
}

static const struct crsnl_cmd container_cmds[] = {
	{ "list", cmd_list, NULL, NULL },
	{ "set", cmd_set, NULL, NULL },
};

const struct crsnl_group container_group = {
	"container", container_cmds, ARRAY_SIZE(container_cmds), container_usage
};
