// SPDX-License-Identifier: GPL-2.0
/* crsnl status: module version and counters. */
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <json-c/json.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"

static const char *const counter_names[CRS_STATUS_A_MAX + 1] = {
	[CRS_STATUS_A_POLICIES] = "policies",
	[CRS_STATUS_A_CONTAINERS] = "containers",
	[CRS_STATUS_A_RULES] = "rules",
	[CRS_STATUS_A_ALLOWED] = "allowed",
	[CRS_STATUS_A_DENIED] = "denied",
	[CRS_STATUS_A_MONITORED] = "monitored",
	[CRS_STATUS_A_EVENTS_SENT] = "events_sent",
	[CRS_STATUS_A_EVENTS_LOST] = "events_lost",
	[CRS_STATUS_A_MEM_POLICY] = "mem_policy_bytes",
	[CRS_STATUS_A_MEM_LEARN] = "mem_learn_bytes",
	[CRS_STATUS_A_MEM_EVENTS] = "mem_events_bytes",
	[CRS_STATUS_A_PROGRAMS] = "programs",
	[CRS_STATUS_A_HOOKS] = "hooks",
	[CRS_STATUS_A_UNNAMED] = "unnamed_paths",
};

struct status_out {
	bool json;
	struct json_object *doc;
};

static int print_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *st[CRS_STATUS_A_MAX + 1];
	struct status_out *so = arg;
	uint64_t v;
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL))
		return NL_SKIP;
	if (tb[CRS_A_VERSION]) {
		if (so->json)
			json_object_object_add(so->doc, "version",
					       json_object_new_string(nla_get_string(tb[CRS_A_VERSION])));
		else
			printf("version: %s\n", nla_get_string(tb[CRS_A_VERSION]));
	}
	if (!tb[CRS_A_STATUS] ||
	    nla_parse_nested(st, CRS_STATUS_A_MAX, tb[CRS_A_STATUS], NULL))
		return NL_OK;
	for (i = 1; i <= CRS_STATUS_A_MAX; i++) {
		if (!st[i] || !counter_names[i])
			continue;
		if (nla_len(st[i]) == 8)
			v = nla_get_u64(st[i]);
		else if (nla_len(st[i]) == 4)
			v = nla_get_u32(st[i]);
		else
			continue;
		if (so->json)
			json_object_object_add(so->doc, counter_names[i],
					       json_object_new_uint64(v));
		else
			printf("%s: %" PRIu64 "\n", counter_names[i], v);
	}
	return NL_OK;
}

int status_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_out so = { 0 };
	struct crs_ipc ipc;
	struct nl_msg *msg;
	int c, ret;

	optind = 0;
	while ((c = crsnl_getopt("status", argc, argv, ":h", lo)) != -1) {
		if (c == 'j') {
			so.json = true;
			continue;
		}
		if (c == 'h') {
			printf("Usage: crsnl status [--json]\n\n"
			       "Print the module version, object counts, verdict and event\n"
			       "counters, and memory use by category. --json prints them as one\n"
			       "JSON object (\"version\" and one number per counter).\n\n"
			       "Examples:\n  crsnl status\n  crsnl status --json\n");
			return 0;
		}
		return CRSNL_EXIT_USAGE;
	}
	if (optind < argc)
		return crsnl_usage_error("status", "unexpected argument \"%s\"",
					 argv[optind]);
	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_STATUS, 0);
	if (!msg) {
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	if (so.json)
		so.doc = json_object_new_object();
	ret = crs_ipc_call(&ipc, msg, print_status, &so);
	crs_ipc_close(&ipc);
	if (ret) {
		crs_ipc_perror(&ipc, "status", ret);
		json_object_put(so.doc);
		return 1;
	}
	if (so.json) {
		puts(json_object_to_json_string_ext(so.doc, JSON_C_TO_STRING_PLAIN));
		json_object_put(so.doc);
	}
	return crsnl_output_done("status");
}
