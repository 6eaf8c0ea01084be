// SPDX-License-Identifier: GPL-2.0
/* crsnl: option, input and output helpers shared by the subcommand files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdutil.h"
#include "crsnl.h"

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

int crsnl_parse_ulong(const char *s, unsigned long min, unsigned long max,
		      unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *v < min || *v > max)
		return -1;
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

int crsnl_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "crsnl: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	return CRSNL_EXIT_USAGE;
}

/*
 * getopt_long() with crsnl's messages: returns the option, -1 at the end,
 * or '?' after printing "crsnl: WHAT: unknown option..." or "... needs a
 * value". Start a parse with optind = 0. @so must begin with ':'.
 */
static int crsnl_getopt(const char *what, int argc, char **argv,
			const char *so, const struct option *lo)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, so, lo, NULL);
	/*
	 * "-o=FILE" means what "--output=FILE" does, not a file named
	 * "=FILE": getopt hands a short option's attached value over as is.
	 */
	if (c > 0 && c < 256 && optarg && optarg[0] == '=' &&
	    optarg == argv[optind - 1] + 2 && argv[optind - 1][0] == '-' &&
	    argv[optind - 1][1] == c)
		optarg++;
	if (c == ':') {
		crsnl_usage_error(what, "option \"%s\" needs a value",
				  argv[optind - 1]);
		return '?';
	}
	if (c == '?') {
		if (optopt && optopt < 256 && !strchr(argv[optind - 1], '='))
			crsnl_usage_error(what, "unknown option \"-%c\"", optopt);
		else
			crsnl_usage_error(what, "unknown option \"%s\"",
					  argv[optind - 1]);
	}
	return c;
}

int crsnl_opts(const char *what, int argc, char **argv,
	       const struct crsnl_opt *opts, void (*help)(FILE *f),
	       int max_args)
{
	struct option lo[24];
	char so[2 * ARRAY_SIZE(lo) + 2] = ":", *s = so + 1;
	const struct crsnl_opt *o;
	int c, i, n;

	for (n = 0; opts[n].name; n++) {
		o = &opts[n];
		if (n + 2 >= (int)ARRAY_SIZE(lo))
			abort();	/* lo[] is too small: a crsnl bug */
		lo[n].name = o->name;
		lo[n].has_arg = o->kind == CRSNL_OPT_FLAG ||
				o->kind == CRSNL_OPT_FN_FLAG ?
				no_argument : required_argument;
		lo[n].flag = NULL;
		lo[n].val = o->letter ? o->letter : 256 + n;
		if (o->letter) {
			*s++ = o->letter;
			if (lo[n].has_arg)
				*s++ = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	*s++ = 'h';
	*s = '\0';

	optind = 0;
	while ((c = crsnl_getopt(what, argc, argv, so, lo)) != -1) {
		if (c == 'h') {
			help(stdout);
			return 0;
		}
		for (i = 0; i < n && lo[i].val != c; i++)
			;
		if (i == n)
			return CRSNL_EXIT_USAGE;	/* '?': printed */
		o = &opts[i];
		switch (o->kind) {
		case CRSNL_OPT_FLAG:
			*(bool *)o->dst = true;
			break;
		case CRSNL_OPT_STR:
			*(const char **)o->dst = optarg;
			break;
		case CRSNL_OPT_PID:
			if (crsnl_parse_pid(what, optarg, o->dst))
				return CRSNL_EXIT_USAGE;
			break;
		case CRSNL_OPT_FN:
		case CRSNL_OPT_FN_FLAG:
			c = o->fn(what, o, optarg);
			if (c)
				return c;
			break;
		}
	}
	if (max_args >= 0 && argc - optind > max_args)
		return crsnl_usage_error(what, "unexpected argument \"%s\"",
					 argv[optind + max_args]);
	return -1;
}

int crsnl_read_file(const char *path, size_t max, char **bufp, size_t *lenp,
		    char *err, size_t errlen)
{
	int stdin_ = !strcmp(path, "-");
	const char *name = stdin_ ? "stdin" : path;
	size_t len = 0, cap;
	struct stat st;
	char *buf, *nb;
	ssize_t n;
	int fd;

	*bufp = NULL;
	fd = stdin_ ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", name, strerror(EISDIR));
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		snprintf(err, errlen, "%s: %lld bytes, larger than the limit of %zu bytes (%s)",
			 name, (long long)st.st_size, max, CRSNL_FILE_MAX_TEXT);
		goto fail;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap + 1);
	if (!buf)
		goto nomem;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				snprintf(err, errlen, "%s: larger than the limit of %zu bytes (%s)",
					 name, max, CRSNL_FILE_MAX_TEXT);
				free(buf);
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				goto nomem;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			free(buf);
			goto fail;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		snprintf(err, errlen, "%s: larger than the limit of %zu bytes (%s)",
			 name, max, CRSNL_FILE_MAX_TEXT);
		free(buf);
		goto fail;
	}
	buf[len] = '\0';
	if (!stdin_)
		close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", name);
fail:
	if (!stdin_)
		close(fd);
	return -1;
}

int crsnl_output_via(const char *what, const char *path, const char *file)
{
	if (!path || !strcmp(path, "-"))
		return 0;
	if (!freopen(file, "w", stdout)) {
		fprintf(stderr, "crsnl: %s: --output %s: %s\n", what, path,
			strerror(errno));
		return 1;
	}
	return 0;
}

int crsnl_output_to(const char *what, const char *path)
{
	return crsnl_output_via(what, path, path);
}

int crsnl_output_text(const char *what, const char *path, char *text)
{
	if (crsnl_output_to(what, path)) {
		free(text);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return crsnl_output_done(what);
}

int crsnl_output_done(const char *what)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "crsnl: %s: writing the output: %s\n", what,
			strerror(errno));
		return 1;
	}
	return 0;
}

unsigned int crsnl_max_rules(int *from_module)
{
	FILE *f = fopen("/sys/module/crs/parameters/max_rules", "r");
	unsigned int v;

	*from_module = 0;
	if (!f)
		return CRSNL_MAX_RULES_DEFAULT;
	if (fscanf(f, "%u", &v) == 1)
		*from_module = 1;
	fclose(f);
	return *from_module ? v : CRSNL_MAX_RULES_DEFAULT;
}

const char *crsnl_text_escape(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 5 <= len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else if (c <= ' ' || c >= 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

int crsnl_dispatch(const struct crsnl_group *g, int argc, char **argv)
{
	const struct crsnl_cmd *c;
	size_t i;

	if (argc < 2) {
		g->usage(stderr);
		return CRSNL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		g->usage(stdout);
		return 0;
	}
	for (i = 0; i < g->n; i++) {
		c = &g->cmds[i];
		if (strcmp(argv[1], c->name))
			continue;
		if (c->group)
			return crsnl_dispatch(c->group, argc - 1, argv + 1);
		return c->fn(argc - 1, argv + 1);
	}
	if (g->name)
		fprintf(stderr, "crsnl: %s: unknown subcommand \"%s\" (see crsnl %s --help)\n",
			g->name, argv[1], g->name);
	else
		fprintf(stderr, "crsnl: unknown command \"%s\" (see crsnl --help)\n",
			argv[1]);
	return CRSNL_EXIT_USAGE;
}
