/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: subcommand entry points. */
#ifndef CRSNL_H
#define CRSNL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc.h"

struct crsnl_group;

/* A command: run by @fn, or a @group of subcommands ("policy push"). */
struct crsnl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct crsnl_group *group;
	const char *summary;	/* for crsnl --help */
};

/* The subcommands of a command and its usage. */
struct crsnl_group {
	const char *name;	/* "policy"; NULL for crsnl itself */
	const struct crsnl_cmd *cmds;
	size_t n;
	void (*usage)(FILE *f);
};

/*
 * Run the subcommand argv[1] of @g with argv + 1; usage to stdout for
 * -h, --help or help (0), to stderr without a subcommand, and an
 * "unknown subcommand" line for any other word (CRSNL_EXIT_USAGE).
 */
int crsnl_dispatch(const struct crsnl_group *g, int argc, char **argv);

extern const struct crsnl_group policy_group, container_group, learn_group;
int status_main(int argc, char **argv);
int events_main(int argc, char **argv);
int import_seccomp_main(int argc, char **argv);
int oci_hook_main(int argc, char **argv);

#define CRSNL_O_POLICY_MODE	1u
#define CRSNL_O_LOG_MODE	2u
#define CRSNL_O_LEARNING	4u
#define CRSNL_O_HOST		8u
#define CRSNL_O_ALL		15u
/*
 * Run a command that sends one CRS_A_CONTAINER request @cmd built from
 * --pid PID (and NAME for CRS_CMD_APPLY) and the settings in @allowed
 * (CRSNL_O_*); @learning >= 0 turns learning on (1) or off (0). Returns
 * the command's exit status.
 */
int crsnl_container_cmd(const char *what, int argc, char **argv,
			unsigned int allowed, void (*help)(FILE *f),
			uint8_t cmd, int learning);
int crsnl_container_call(const char *what, uint8_t cmd,
			 const struct crsnl_container_req *req);
int sync_main(int argc, char **argv);

/* The policies in the kernel (CRS_CMD_GET_POLICY dump). */
struct crs_ipc;
struct crs_policy_list;
int crsnl_get_policies(struct crs_ipc *ipc, const char *what,
		       struct crs_policy_list *l);
/* Push one policy; 0, or 1 after printing the kernel's error. */
struct crs_policy;
int crsnl_push_policy(struct crs_ipc *ipc, const struct crs_policy *p,
		      const char *file);
/* Delete an unused policy: 0, -EBUSY (in use; nothing printed), or 1 (printed). */
int crsnl_delete_policy(struct crs_ipc *ipc, const char *name);


#endif
