/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: small helpers shared by the subcommand files. */
#ifndef CRSNL_CMDUTIL_H
#define CRSNL_CMDUTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

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
/* Parse a decimal number @min..@max into *v: 0, or -1 (*v undefined). */
int crsnl_parse_ulong(const char *s, unsigned long min, unsigned long max,
		      unsigned long *v);
/* Parse on|off (also 1|0, true|false) into 1/0, or -1. */
int crsnl_parse_onoff(const char *s);


/* What an option does with its value (struct crsnl_opt.kind). */
enum crsnl_opt_kind {
	CRSNL_OPT_FLAG,		/* no value: *(bool *)dst = true */
	CRSNL_OPT_STR,		/* *(const char **)dst = the value */
	CRSNL_OPT_PID,		/* *(uint32_t *)dst = the value, crsnl_parse_pid() */
	CRSNL_OPT_FN,		/* fn(what, opt, the value) */
	CRSNL_OPT_FN_FLAG,	/* no value: fn(what, opt, NULL) */
};

/*
 * One option of a command for crsnl_opts(): --NAME, and -LETTER where
 * letter is not 0. An FN option's fn stores the value through opt->dst
 * and returns 0, or the command's exit status after printing why.
 */
struct crsnl_opt {
	const char *name;
	char letter;
	enum crsnl_opt_kind kind;
	void *dst;
	int (*fn)(const char *what, const struct crsnl_opt *opt,
		  const char *value);
};

/*
 * Parse command WHAT's options, @opts ending with a NULL name, with
 * getopt_long(); -h/--help prints @help to stdout. At most @max_args
 * operands (-1: any number) may follow, at argv[optind...]. Returns -1
 * to go on, else the command's exit status: 0 after the help,
 * CRSNL_EXIT_USAGE (or an fn's status) after printing the problem.
 */
int crsnl_opts(const char *what, int argc, char **argv,
	       const struct crsnl_opt *opts, void (*help)(FILE *f),
	       int max_args);

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
/* crsnl_output_to() that opens @file instead (a temporary renamed to PATH). */
int crsnl_output_via(const char *what, const char *path, const char *file);
/* Write @text (freed) to PATH as crsnl_output_to(); 0, or 1 after printing. */
int crsnl_output_text(const char *what, const char *path, char *text);
/* Flush stdout; 0, or 1 after printing the write error. */
int crsnl_output_done(const char *what);

/* The kernel's max_rules: the loaded module's parameter, else the default. */
unsigned int crsnl_max_rules(int *from_module);

#endif
