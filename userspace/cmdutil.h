/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: small helpers shared by the subcommand files. */
#ifndef CRSNL_CMDUTIL_H
#define CRSNL_CMDUTIL_H

#include <stdint.h>

/* Parse a pid (1..INT_MAX) or print "crsnl: WHAT: --pid "S": ..." and return -1. */
int crsnl_parse_pid(const char *what, const char *s, uint32_t *pid);
/* Parse on|off (also 1|0, true|false) into 1/0, or -1. */
int crsnl_parse_onoff(const char *s);
/* Value of option argv[*i] ("--opt V" or "--opt=V"), advancing *i; NULL if absent. */
const char *crsnl_optval(const char *what, int argc, char **argv, int *i,
			 const char *opt);

#endif
