/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: small helpers shared by the subcommand files. */
#ifndef CRSNL_CMDUTIL_H
#define CRSNL_CMDUTIL_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses of every command. */
#define CRSNL_EXIT_OK		0	/* success */
#define CRSNL_EXIT_FAIL		1	/* the command failed */
#define CRSNL_EXIT_USAGE	2	/* bad command line */

/*
 * Largest input file (policy, seccomp profile, merged policy, OCI state):
 * a larger regular file is refused before it is read (fstat first), a
 * pipe as soon as more than this arrives.
 */
#define CRSNL_FILE_MAX		(64u << 20)
#define CRSNL_FILE_MAX_TEXT	"64 MiB"

/*
 * @s for one-line text output, in @buf (@len bytes, NUL-terminated):
 * '\\', space, control and non-ASCII bytes become \xHH (\\ for '\\'), so a
 * name from a container can neither end the line nor forge a field.
 * Truncated to fit. Returns @buf.
 */
const char *crsnl_text_escape(const char *s, char *buf, size_t len);

/* The kernel's max_rules when the module is not loaded (its default). */
#define CRSNL_MAX_RULES_DEFAULT	65536u

/* Parse a pid (1..INT_MAX) or print "crsnl: WHAT: --pid "S": ..." and return -1. */
int crsnl_parse_pid(const char *what, const char *s, uint32_t *pid);
/* Parse on|off (also 1|0, true|false) into 1/0, or -1. */
int crsnl_parse_onoff(const char *s);

/*
 * getopt_long() with crsnl's messages: returns the option, -1 at the end,
 * or '?' after printing "crsnl: WHAT: unknown option..." or "... needs a
 * value". Start a command's parse with optind = 0. @so must begin with ':'.
 */
int crsnl_getopt(const char *what, int argc, char **argv, const char *so,
		 const struct option *lo);
/* Print "crsnl: WHAT: MSG (see --help)" and return CRSNL_EXIT_USAGE. */
int crsnl_usage_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read all of PATH ("-": stdin) into a NUL-terminated *buf (free it).
 * Larger than @max: refused, a regular file before reading. On error
 * fills err with "PATH: reason" and returns -1.
 */
int crsnl_read_file(const char *path, size_t max, char **buf, size_t *len,
		    char *err, size_t errlen);

/* -o/--output PATH: send stdout there ("-": keep stdout). 0 or 1 (printed). */
int crsnl_output_to(const char *what, const char *path);
/* Flush stdout; 0, or 1 after printing the write error. */
int crsnl_output_done(const char *what);

/* The kernel's max_rules: the loaded module's parameter, else the default. */
unsigned int crsnl_max_rules(int *from_module);

#endif
