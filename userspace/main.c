// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: command-line control of the crs container runtime security
 * enforcer. One file per subcommand; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "crsnl.h"

#ifndef CRSNL_VERSION
#define CRSNL_VERSION "unknown"
#endif

static const struct crsnl_cmd commands[] = {
	{ "status", status_main, "show the module version and counters" },
	{ "policy", policy_main, "push, list, show, delete, apply and detach policies" },
	{ "container", container_main, "list containers, resolve a pid, set per-container modes" },
	{ "events", events_main, "print audit events as JSON lines or text" },
	{ "oci-hook", oci_hook_main, "OCI runtime hook: apply the policy a container's annotations name" },
	{ "sync", sync_main, "make the kernel match /etc/crs: policies and image bindings" },
	{ "learn", learn_main, "learn a container's behaviour and export it as a policy" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: crsnl COMMAND [ARGS...]\n\n"
		"Control the crs container runtime security enforcer.\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'crsnl COMMAND --help' shows a command's usage; 'crsnl --version'\n"
		"the version. Exit status: 0 success, 1 failure, 2 usage error.\n"
		"Input files larger than %s are refused; \"-\" is stdin/stdout.\n",
		CRSNL_FILE_MAX_TEXT);
}

int main(int argc, char **argv)
{
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("crsnl %s\n", CRSNL_VERSION);
		return 0;
	}
	return crsnl_dispatch(NULL, commands,
			      sizeof(commands) / sizeof(commands[0]), usage,
			      argc, argv);
}
