/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: subcommand entry points. */
#ifndef CRSNL_H
#define CRSNL_H

struct crsnl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int status_main(int argc, char **argv);

/* True if argv has -h or --help. */
int crsnl_wants_help(int argc, char **argv);

#endif
