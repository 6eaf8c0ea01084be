// SPDX-License-Identifier: GPL-2.0
/* crsnl: option helpers shared by the subcommand files. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdutil.h"
#include "crsnl.h"

int crsnl_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

int crsnl_parse_pid(const char *what, const char *s, uint32_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > INT_MAX) {
		fprintf(stderr, "crsnl: %s: --pid \"%s\": not a process id\n",
			what, s);
		return -1;
	}
	*pid = (uint32_t)v;
	return 0;
}

int crsnl_parse_onoff(const char *s)
{
	if (!strcasecmp(s, "on") || !strcmp(s, "1") || !strcasecmp(s, "true"))
		return 1;
	if (!strcasecmp(s, "off") || !strcmp(s, "0") || !strcasecmp(s, "false"))
		return 0;
	return -1;
}

const char *crsnl_optval(const char *what, int argc, char **argv, int *i,
			 const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "crsnl: %s: %s needs a value\n", what, opt);
		exit(1);
	}
	return argv[++*i];
}
