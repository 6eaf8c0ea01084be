// SPDX-License-Identifier: GPL-2.0
/* crsnl container: list bound containers, resolve a pid, set modes. */
#include <errno.h>
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
		"Usage: crsnl container list [--pid PID]\n"
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

static int print_container(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *ct[CRS_CONTAINER_A_MAX + 1];
	int *count = arg;
	const char *pol = "";

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_CONTAINER] ||
	    nla_parse_nested(ct, CRS_CONTAINER_A_MAX, tb[CRS_A_CONTAINER], NULL))
		return NL_SKIP;
	if (!(*count)++)
		header();
	u64_col(ct, CRS_CONTAINER_A_ID, "%-12" PRIu64 " ");
	u64_col(ct, CRS_CONTAINER_A_NETNS, "%-12" PRIu64 " ");
	if (ct[CRS_CONTAINER_A_PID] && nla_len(ct[CRS_CONTAINER_A_PID]) >= 4)
		printf("%8u ", nla_get_u32(ct[CRS_CONTAINER_A_PID]));
	else
		printf("%8s ", "-");
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
	if (ct[CRS_CONTAINER_A_LEARNED] && nla_len(ct[CRS_CONTAINER_A_LEARNED]) >= 4)
		printf("%8u\n", nla_get_u32(ct[CRS_CONTAINER_A_LEARNED]));
	else
		printf("%8s\n", "-");
	return NL_OK;
}

static int cmd_list(int argc, char **argv)
{
	const char *what = "container list", *v;
	struct crs_ipc ipc;
	struct nl_msg *msg;
	uint32_t pid = 0;
	int i, ret, count = 0, tries;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl container list [--pid PID]\n\n"
		       "List bound containers: pid namespace id, network namespace id, a\n"
		       "pid, policy, policy mode override, effective mode, log mode,\n"
		       "learning, verdict counters, lost events and learned tuples.\n"
		       "With --pid, show only the container PID resolves to (the nearest\n"
		       "bound ancestor pid namespace); if none, say so and exit 1.\n\n"
		       "Examples:\n"
		       "  crsnl container list\n"
		       "  crsnl container list --pid 4242\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if ((v = crsnl_optval(what, argc, argv, &i, "--pid"))) {
			if (crsnl_parse_pid(what, v, &pid))
				return 1;
		} else {
			fprintf(stderr, "crsnl: %s: unexpected argument \"%s\"\n",
				what, argv[i]);
			return 1;
		}
	}
	crs_ipc_open_or_die(&ipc);
	for (tries = 0; tries < 5; tries++) {
		struct nlattr *ct;

		msg = crs_ipc_msg(&ipc, CRS_CMD_GET_CONTAINER, pid ? 0 : NLM_F_DUMP);
		if (!msg)
			goto nomem;
		if (pid) {
			ct = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
			if (!ct || nla_put_u32(msg, CRS_CONTAINER_A_PID, pid)) {
				nlmsg_free(msg);
				goto nomem;
			}
			nla_nest_end(msg, ct);
		}
		count = 0;
		ret = crs_ipc_call(&ipc, msg, print_container, &count);
		if (ret != -EAGAIN)
			break;
		printf("(the container list changed while listing; again:)\n");
	}
	if (pid && ret == -ENOENT) {
		printf("pid %u: in no container\n", pid);
		crs_ipc_close(&ipc);
		return 1;
	}
	if (ret) {
		crs_ipc_perror(&ipc, what, ret);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	if (!count && !pid)
		printf("no containers\n");
	return 0;
nomem:
	crs_ipc_close(&ipc);
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}

static int cmd_set(int argc, char **argv)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl container set --pid PID [--policy-mode M] [--log-mode L]\n"
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
		return 0;
	}
	if (crsnl_container_opts("container set", argc, argv, 1, &req))
		return 1;
	if (req.policy_mode < 0 && req.log_mode < 0 && req.learning < 0) {
		fprintf(stderr, "crsnl: container set: nothing to set (give --policy-mode, --log-mode or --learning)\n");
		return 1;
	}
	return crsnl_container_call("container set", CRS_CMD_SET_CONTAINER, &req);
}

int container_main(int argc, char **argv)
{
	if (argc < 2) {
		container_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		container_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return cmd_set(argc - 1, argv + 1);
	fprintf(stderr, "crsnl: container: unknown subcommand \"%s\" (see crsnl container --help)\n",
		argv[1]);
	return 1;
}
