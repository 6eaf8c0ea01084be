// SPDX-License-Identifier: GPL-2.0
/* crsnl status: module version and counters. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
};

static int print_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *st[CRS_STATUS_A_MAX + 1];
	int i;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL))
		return NL_SKIP;
	if (tb[CRS_A_VERSION])
		printf("version: %s\n", nla_get_string(tb[CRS_A_VERSION]));
	if (!tb[CRS_A_STATUS] ||
	    nla_parse_nested(st, CRS_STATUS_A_MAX, tb[CRS_A_STATUS], NULL))
		return NL_OK;
	for (i = 1; i <= CRS_STATUS_A_MAX; i++) {
		if (!st[i] || !counter_names[i])
			continue;
		if (nla_len(st[i]) == 8)
			printf("%s: %" PRIu64 "\n", counter_names[i],
			       nla_get_u64(st[i]));
		else if (nla_len(st[i]) == 4)
			printf("%s: %u\n", counter_names[i],
			       nla_get_u32(st[i]));
	}
	return NL_OK;
}

int status_main(int argc, char **argv)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	int ret;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl status\n\n"
		       "Print the module version, object counts, verdict and event\n"
		       "counters, and memory use by category.\n\n"
		       "Example:\n  crsnl status\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "crsnl status: unexpected argument \"%s\"\n",
			argv[1]);
		return 1;
	}
	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_STATUS, 0);
	if (!msg) {
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	ret = crs_ipc_call(&ipc, msg, print_status, NULL);
	if (ret) {
		crs_ipc_perror(&ipc, "status", ret);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	return 0;
}
