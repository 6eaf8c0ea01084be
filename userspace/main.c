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
	{ "status", status_main, NULL, "show the module version and counters" },
	{ "policy", NULL, &policy_group, "push, list, show, delete, apply and detach policies" },
	{ "container", NULL, &container_group, "list containers, resolve a pid, set per-container modes" },
	{ "events", events_main, NULL, "print audit events as JSON lines or text" },
	{ "oci-hook", oci_hook_main, NULL, "OCI runtime hook: apply the policy a container's annotations name" },
	{ "sync", sync_main, NULL, "make the kernel match /etc/crs: policies and image bindings" },
	{ "learn", NULL, &learn_group, "learn a container's behaviour and export it as a policy" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: crsnl COMMAND [ARGS...]\n\n"
		"Control the crs container runtime security enforcer.\n\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
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
	static const struct crsnl_group crsnl = {
		NULL, commands, ARRAY_SIZE(commands), usage
	};

	return crsnl_dispatch(&crsnl, argc, argv);
}
