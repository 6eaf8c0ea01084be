// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl learn export: a learned set (learn.c fetches it) turned into a
 * policy that "policy push" accepts: policyMode ACTIVE, every default
 * DENY, one ALLOW rule per learned tuple, or merged into an existing
 * policy.
 *
 * Decisions (docs/events.md, "Behavioral learning"):
 * - A tuple whose program is unknown (inbound packets, judged in softirq;
 *   an executable outside the container's root, such as runc's init)
 *   becomes a rule for program "*".
 * - Syscall rules name the syscall, so an x86_64 and an i386 tuple of the
 *   same call become one rule (which covers both arches).
 * - The bare execve/execveat syscall tuple becomes no rule: the dispatch
 *   lets exec through and the Execution tuple (with the resolved file)
 *   decides; a rule without a file would allow every executable.
 * - Outbound keeps the remote address (exact) and port; the local,
 *   ephemeral port is never part of a tuple. Inbound keeps the local port
 *   and protocol, never the client's address or port. An inbound TCP tuple
 *   always is a listener's port (only a SYN is judged); an inbound UDP
 *   tuple whose local port is in the ephemeral range
 *   (net.ipv4.ip_local_port_range) is a client socket's and is dropped
 *   with a warning.
 * - --collapse N: N or more READ (or WRITE) rules of one program in one
 *   directory become one rule for the glob DIR + "/" + "*" (glob_match:
 *   the star also crosses "/").
 * - --image: the set of every container of an image binding. A path
 *   component of 64 hex digits (a container id: the runtime's own
 *   /run/runc/ID/exec.fifo) becomes "*", as each container has its own.
 * - --merge: the existing policy keeps its name, description, mode,
 *   defaults, ignoredSyscalls and every rule; learned rules are added
 *   unless an equal rule (same content and action) is already there. A
 *   DENY rule still beats the learned ALLOW for the same object.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "learn.h"
#include "policy.h"
#include "syscalls.h"

/*
 * Calls that touch nothing outside the calling process and that thread
 * runtimes (Go's scheduler, glibc's locks) make or skip from one run to
 * the next: a learned allowlist without them denies at random. The
 * memory calls are among them (Go's heap grows with mmap and its
 * scavenger returns pages with madvise whenever its timers say; runc's
 * init mapped memory in one run of a workload and not in the two learned
 * before it), but never to make memory executable: anonymous memory is
 * no file, so only the syscall rules judge that (a file's mapping is an
 * Execution of the file). And a new thread (runtimes start them when
 * their scheduler decides), but no fork and no new namespace: clone with
 * CLONE_THREAD and none of the CLONE_NEW* flags. Each condition is an
 * argument as a policy writes it ("arg3": "&0x4==0").
 */
static const struct {
	const char *name;
	unsigned int arg;	/* 1..6: the argument @cond is on; 0 none */
	const char *cond;
} base_syscalls[] = {
	{ "sched_yield", 0, NULL }, { "futex", 0, NULL },
	{ "nanosleep", 0, NULL }, { "clock_nanosleep", 0, NULL },
	{ "clock_gettime", 0, NULL }, { "gettimeofday", 0, NULL },
	{ "getpid", 0, NULL }, { "gettid", 0, NULL },
	{ "rt_sigprocmask", 0, NULL }, { "sigaltstack", 0, NULL },
	{ "restart_syscall", 0, NULL }, { "rt_sigreturn", 0, NULL },
	/* a new thread's own registrations: glibc aborts the process when
	 * rseq fails in a thread after it worked in the main one */
	{ "rseq", 0, NULL }, { "set_robust_list", 0, NULL },
	/* prot without PROT_EXEC (4) */
	{ "mmap", 3, "&0x4==0" }, { "mprotect", 3, "&0x4==0" },
	{ "munmap", 0, NULL }, { "madvise", 0, NULL }, { "brk", 0, NULL },
	{ "mremap", 0, NULL },
	/* flags: CLONE_THREAD, and none of NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
	 * NEWUSER, NEWPID, NEWNET */
	{ "clone", 1, "&0x7e030000==0x10000" },
};

/* Append a rule for program "*": @action on syscall @name; NULL on error. */
static struct crs_rule *add_syscall_rule(struct crs_policy *p,
					 const char *name, int action)
{
	struct crs_rule *r = crs_policy_add_rule(p);

	if (!r)
		return NULL;
	r->type = CRS_RULE_SYSCALL;
	r->action = action;
	r->syscall = strdup(name);
	if (!r->syscall ||
	    crs_syscall_resolve(r->syscall, &r->nr_x86_64, &r->nr_i386))
		return NULL;
	return r;
}

/* Append an ALLOW rule for program "*" for each base syscall. */
static int add_base_syscalls(struct crs_policy *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(base_syscalls); i++) {
		struct crs_rule *r = add_syscall_rule(p, base_syscalls[i].name,
						      CRS_ACTION_ALLOW);
		unsigned int a = base_syscalls[i].arg;

		if (!r)
			return -1;
		if (a && crs_arg_parse(base_syscalls[i].cond, &r->args[a - 1]))
			return -1;
	}
	return 0;
}

/*
 * clone3 passes its flags in memory, where no rule may read them, so no
 * rule can allow only a thread. Where the policy denies unnamed
 * syscalls and no rule names clone3, it is refused with ENOSYS (as
 * Docker's and Podman's seccomp profiles do): glibc (2.34 on) and Go's
 * cgo threads then fall back to clone, whose flags the base rule judges
 * (a thread: allowed). Any rule that names clone3 (learned or merged)
 * leaves it to that rule: a DENY rule here would beat its ALLOW.
 */
static int add_clone3_fallback(struct crs_policy *p)
{
	struct crs_rule *r;
	size_t i;

	if (p->def_syscall != CRS_ACTION_DENY)
		return 0;
	for (i = 0; i < p->n_rules; i++)
		if (p->rules[i].type == CRS_RULE_SYSCALL && p->rules[i].syscall &&
		    !strcmp(p->rules[i].syscall, "clone3"))
			return 0;
	r = add_syscall_rule(p, "clone3", CRS_ACTION_DENY);
	if (!r)
		return -1;
	r->err = ENOSYS;
	return 0;
}

/* A rule's content (everything but its name) as a string, for dedup. */
static char *rule_key(const struct crs_rule *r)
{
	char a[INET6_ADDRSTRLEN] = "", args[256] = "", *k = NULL;
	size_t i, n = 0;

	if (r->has_addr)
		inet_ntop(r->family, r->addr, a, sizeof(a));
	for (i = 0; i < CRS_NR_ARGS; i++)
		if (r->args[i].set && n < sizeof(args))
			n += (size_t)snprintf(args + n, sizeof(args) - n,
					      "%zu:%u:%" PRIu64 ":%" PRIu64 ";",
					      i, r->args[i].op, r->args[i].value,
					      r->args[i].mask);
	if (asprintf(&k, "%u|%u|%d|%s|%s|%s/%u|%d:%u-%u|%d:%u|%d|%d|%s",
		     r->type, r->action, r->inactive,
		     r->program ? r->program : "*", r->file ? r->file : "",
		     a, r->has_addr ? r->prefix : 0,
		     r->has_port, r->has_port ? r->port_lo : 0,
		     r->has_port ? r->port_hi : 65535,
		     r->has_proto, r->has_proto ? r->proto : 0,
		     r->nr_x86_64, r->nr_i386, args) < 0)
		return NULL;
	return k;
}

/* An open-addressing set of strings (owned). */
struct strset {
	char **v;
	size_t cap, n;
};

static unsigned long shash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int strset_grow(struct strset *s)
{
	struct strset n = { .cap = s->cap ? s->cap * 2 : 256 };
	size_t i, j;

	n.v = calloc(n.cap, sizeof(char *));
	if (!n.v)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (!s->v[i])
			continue;
		for (j = shash(s->v[i]) & (n.cap - 1); n.v[j]; j = (j + 1) & (n.cap - 1))
			;
		n.v[j] = s->v[i];
		n.n++;
	}
	free(s->v);
	*s = n;
	return 0;
}

static int strset_has(const struct strset *s, const char *k)
{
	size_t j;

	if (!s->cap)
		return 0;
	for (j = shash(k) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (!strcmp(s->v[j], k))
			return 1;
	return 0;
}

/* Add @k (taken); 1 if added, 0 if it was there (freed), -1 on ENOMEM. */
static int strset_add(struct strset *s, char *k)
{
	size_t j;

	if (!k)
		return -1;
	if (strset_has(s, k)) {
		free(k);
		return 0;
	}
	if ((s->n + 1) * 2 > s->cap && strset_grow(s)) {
		free(k);
		return -1;
	}
	for (j = shash(k) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		;
	s->v[j] = k;
	s->n++;
	return 1;
}

static void strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* "/etc/ssl/certs" -> "etc-ssl-certs" ("*" -> "any"): part of a rule name. */
static void slug(const char *s, char *out, size_t len)
{
	size_t o = 0;

	while (*s == '/')
		s++;
	for (; *s && o + 4 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '/') {
			if (o && out[o - 1] != '-')
				out[o++] = '-';
		} else if (ch == '*') {
			memcpy(out + o, "any", 3);
			o += 3;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
			   ch == '-' || ch == ':' || ch == '+') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '_';
		}
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	if (!o)
		snprintf(out, len, "root");
}

/* What the rule allows, as a name stem: "read-etc-hostname". */
static void rule_stem(const struct crs_rule *r, char *out, size_t len)
{
	char s[80], a[INET6_ADDRSTRLEN] = "";
	const char *proto = r->has_proto ? crs_proto_name(r->proto) : "any";
	char lproto[8];
	size_t i;

	for (i = 0; i + 1 < sizeof(lproto) && proto[i]; i++)
		lproto[i] = (char)(proto[i] | 0x20);
	lproto[i] = '\0';
	switch (r->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		slug(r->file, s, sizeof(s));
		snprintf(out, len, "%s-%s", r->type == CRS_RULE_READ ?
			 "read" : "write", s);
		return;
	case CRS_RULE_SYSCALL:
		if (r->file) {
			slug(r->file, s, sizeof(s));
			snprintf(out, len, "exec-%s", s);
		} else {
			snprintf(out, len, "%ssyscall-%s",
				 r->action == CRS_ACTION_DENY ? "deny-" : "",
				 r->syscall);
		}
		return;
	case CRS_RULE_NETWORK_OUTBOUND:
		if (r->has_proto && r->proto == CRS_PROTO_PACKET) {
			snprintf(out, len, "packet-socket");
			return;
		}
		inet_ntop(r->family, r->addr, a, sizeof(a));
		if (r->has_port)
			snprintf(out, len, "connect-%s-%s-%u", lproto, a, r->port_lo);
		else
			snprintf(out, len, "connect-%s-%s", lproto, a);
		return;
	case CRS_RULE_NETWORK_INBOUND:
		if (r->has_port)
			snprintf(out, len, "accept-%s-%u", lproto, r->port_lo);
		else
			snprintf(out, len, "accept-%s", lproto);
		return;
	}
	snprintf(out, len, "rule");
}

/* Give @r a unique name (not in @names); adds it to @names. */
static int name_rule(struct crs_rule *r, struct strset *names)
{
	char stem[100], name[CRS_NAME_MAX + 64], by[24];
	const char *base;
	int i;

	rule_stem(r, stem, sizeof(stem));
	snprintf(name, sizeof(name), "%s", stem);
	if (strset_has(names, name) && r->program) {
		base = strrchr(r->program, '/');
		slug(base ? base + 1 : r->program, by, sizeof(by));
		snprintf(name, sizeof(name), "%s-by-%s", stem, by);
	}
	for (i = 2; strset_has(names, name); i++)
		snprintf(name, sizeof(name), "%.*s-%d", CRS_NAME_MAX - 12, stem, i);
	name[CRS_NAME_MAX - 1] = '\0';
	free(r->name);
	r->name = strdup(name);
	return r->name && strset_add(names, strdup(name)) >= 0 ? 0 : -1;
}

static void ephemeral_range(unsigned int *lo, unsigned int *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	*lo = 32768;
	*hi = 60999;
	if (!f)
		return;
	if (fscanf(f, "%u %u", lo, hi) != 2) {
		*lo = 32768;
		*hi = 60999;
	}
	fclose(f);
}

/*
 * A learned path as a rule path: glob_match()'s metacharacters ('*', '?',
 * '[' and '\\') in a file's name are escaped with '\\', so a file named
 * "*" allows itself, not every file beside it. The "*" proc_generic()
 * put for a pid under /proc (where no file can be named "*") stays a
 * glob. NULL when out of memory.
 */
static char *glob_escape(const char *s)
{
	bool proc = !strncmp(s, "/proc/", 6);
	char *o = malloc(2 * strlen(s) + 1), *p = o;
	const char *c;

	if (!o)
		return NULL;
	for (c = s; *c; c++) {
		bool pid = proc && *c == '*' && c[-1] == '/' &&
			   (c[1] == '/' || !c[1]);

		if (strchr("*?[\\", *c) && !pid)
			*p++ = '\\';
		*p++ = *c;
	}
	*p = '\0';
	return o;
}

/*
 * In an image's set each container has its own id: a path component of
 * 64 hex digits (a container id, as in the runtime's own
 * /run/runc/ID/exec.fifo) becomes "*". Returns @file, changed in place.
 */
static char *generalize_ids(char *file)
{
	char *c = file, *e;

	while ((c = strchr(c, '/'))) {
		c++;
		e = strchrnul(c, '/');
		if (e - c == 64 && strspn(c, "0123456789abcdef") >= 64) {
			c[0] = '*';
			memmove(c + 1, e, strlen(e) + 1);
		}
	}
	return file;
}

/*
 * Fill @r (ALLOW) from @t; 0 ok, 1 no rule for this tuple (why says
 * why, or "" when that is expected and not worth a warning).
 */
static int tuple_rule(const struct tuple *t, struct crs_rule *r,
		      char *why, size_t whylen)
{
	unsigned int elo, ehi;
	const char *sc;

	why[0] = '\0';
	r->action = CRS_ACTION_ALLOW;
	r->type = t->type;
	r->program = *t->program ? strdup(t->program) : NULL;
	switch (t->type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		if (!t->file || t->file[0] != '/')
			goto bad;
		r->file = glob_escape(t->file);
		return 0;
	case CRS_RULE_SYSCALL:
		sc = learn_syscall_name(t->nr, t->arch);
		if (!sc) {
			snprintf(why, whylen, "syscall %d (%s) has no name crsnl knows",
				 t->nr, crs_arch_name(t->arch));
			return 1;
		}
		if (!t->file && (!strcmp(sc, "execve") || !strcmp(sc, "execveat")))
			return 1;	/* decided by the Execution tuples */
		if (crs_syscall_resolve(sc, &r->nr_x86_64, &r->nr_i386))
			goto bad;
		r->syscall = strdup(sc);
		if (t->file)
			r->file = glob_escape(t->file);
		return 0;
	case CRS_RULE_NETWORK_OUTBOUND:
		if (t->family == AF_PACKET) {	/* opened a packet socket */
			r->has_proto = true;
			r->proto = CRS_PROTO_PACKET;
			return 0;
		}
		if (t->family != AF_INET && t->family != AF_INET6)
			goto bad;
		r->has_addr = true;
		r->family = t->family;
		memcpy(r->addr, t->addr, 16);
		r->prefix = t->family == AF_INET ? 32 : 128;
		break;
	case CRS_RULE_NETWORK_INBOUND:
		ephemeral_range(&elo, &ehi);
		if (t->proto == CRS_PROTO_UDP && t->port >= elo && t->port <= ehi) {
			snprintf(why, whylen, "inbound UDP to local port %u: in the ephemeral range %u-%u (a client socket's port), not a rule",
				 t->port, elo, ehi);
			return 1;
		}
		break;
	default:
		goto bad;
	}
	if (t->proto == CRS_PROTO_TCP || t->proto == CRS_PROTO_UDP) {
		r->has_proto = true;
		r->proto = t->proto;
		r->has_port = true;
		r->port_lo = r->port_hi = t->port;
	} else if (t->proto == CRS_PROTO_ICMP) {
		r->has_proto = true;
		r->proto = t->proto;
	} else if (t->type == CRS_RULE_NETWORK_INBOUND) {
		snprintf(why, whylen, "inbound IP protocol %u cannot be expressed", t->proto);
		return 1;
	}
	return 0;
bad:
	snprintf(why, whylen, "malformed tuple of type %u", t->type);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * --collapse N: N or more learned READ (WRITE) rules of one program in
 * one directory become one DIR + "/" + "*" glob. Rules [first, n) are
 * the learned ones.
 */
static int collapse(struct crs_policy *p, size_t first, unsigned int n)
{
	size_t i, j, m = 0, cnt;
	char **keys, *dir, *k;
	struct strset big = { 0 }, done = { 0 };

	keys = calloc(p->n_rules - first + 1, sizeof(char *));
	if (!keys)
		return -1;
	for (i = first; i < p->n_rules; i++) {
		struct crs_rule *r = &p->rules[i];

		if ((r->type != CRS_RULE_READ && r->type != CRS_RULE_WRITE) ||
		    !r->file || !strrchr(r->file, '/'))
			continue;
		dir = strndup(r->file, (size_t)(strrchr(r->file, '/') - r->file));
		if (asprintf(&keys[m], "%u|%s|%s", r->type,
			     r->program ? r->program : "*", dir) < 0)
			keys[m] = NULL;
		free(dir);
		if (keys[m])
			m++;
	}
	qsort(keys, m, sizeof(char *), cmp_str);
	for (i = 0; i < m; i = j) {
		for (j = i; j < m && !strcmp(keys[i], keys[j]); j++)
			;
		cnt = j - i;
		if (cnt >= n && strset_add(&big, strdup(keys[i])) < 0)
			goto err;
	}
	/* rewrite: the first rule of a big group becomes the glob, the rest go */
	for (i = j = first; i < p->n_rules; i++) {
		struct crs_rule *r = &p->rules[i];
		int keep = 1;

		if ((r->type == CRS_RULE_READ || r->type == CRS_RULE_WRITE) &&
		    r->file && strrchr(r->file, '/')) {
			size_t dl = (size_t)(strrchr(r->file, '/') - r->file);

			dir = strndup(r->file, dl);
			if (asprintf(&k, "%u|%s|%s", r->type,
				     r->program ? r->program : "*", dir) < 0)
				k = NULL;
			free(dir);
			if (!k)
				goto err;
			if (strset_has(&big, k)) {
				if (strset_has(&done, k)) {
					keep = 0;
					free(k);
				} else {
					char *g;

					strset_add(&done, k);
					if (asprintf(&g, "%.*s/*", (int)dl, r->file) < 0)
						goto err;
					free(r->file);
					r->file = g;
				}
			} else {
				free(k);
			}
		}
		if (keep)
			p->rules[j++] = *r;
		else
			crs_rule_free(r);
	}
	p->n_rules = j;
	for (i = 0; i < m; i++)
		free(keys[i]);
	free(keys);
	strset_free(&big);
	strset_free(&done);
	return 0;
err:
	for (i = 0; i < m; i++)
		free(keys[i]);
	free(keys);
	strset_free(&big);
	strset_free(&done);
	return -1;
}

static void export_help(FILE *f)
{
	fprintf(f, "Usage: crsnl learn export --pid PID [-o FILE] [--name NAME]\n"
		"                          [--merge EXISTING.json] [--collapse N] [--no-base]\n"
		"       crsnl learn export --image PATTERN [...]\n\n"
		"Write what the container of process PID has learned, or every container\n"
		"started from an image whose binding learns (bindings.json \"learning\":\n"
		"true; PATTERN is the binding's \"image\", \"default\" for the default;\n"
		"there a path component of 64 hex digits, a container id, becomes \"*\"),\n"
		"as a policy that\n"
		"crsnl policy push accepts: policyMode ACTIVE, every default DENY, one\n"
		"ALLOW rule per learned tuple, named after what it allows\n"
		"(read-etc-hostname, connect-tcp-10.0.0.5-5432, syscall-openat, ...).\n"
		"  -o, --output FILE  write to FILE instead of stdout (\"-\": stdout)\n"
		"  --name NAME   the policy's name (default learned-ID, or the merged\n"
		"                policy's own name)\n"
		"  --merge FILE  add the learned ALLOW rules to the policy in FILE,\n"
		"                keeping its settings and every rule it has (its DENY\n"
		"                rules still win); equal rules are not added twice\n"
		"  --collapse N  N or more files of one program in one directory\n"
		"                become one rule for DIR/* (which also matches below)\n"
		"  --no-base     do not add the base syscalls (sched_yield, futex,\n"
		"                nanosleep, mmap, madvise, ...: calls that touch\n"
		"                nothing outside the process, which thread runtimes\n"
		"                make or skip from one run to the next), nor refuse\n"
		"                clone3 with ENOSYS where no rule names it (so\n"
		"                threads fall back to clone, which the base allows\n"
		"                for a thread)\n\n"
		"Examples:\n"
		"  crsnl learn export --pid 4242 -o web.json --name web\n"
		"  crsnl learn export --pid 4242 --merge base.json --collapse 5 -o web.json\n"
		"  crsnl learn export --image 'docker.io/library/nginx:*' --name web -o web.json\n");
}

/* crsnl_opts() fn of --name NAME: 0, or CRSNL_EXIT_USAGE after printing. */
static int name_opt(const char *what, const struct crsnl_opt *o,
		    const char *value)
{
	if (!*value || strlen(value) >= CRS_NAME_MAX)
		return crsnl_usage_error(what, "--name \"%.40s%s\": must be 1..%d bytes",
					 value, strlen(value) > 40 ? "..." : "",
					 CRS_NAME_MAX - 1);
	*(const char **)o->dst = value;
	return 0;
}

/* crsnl_opts() fn of --collapse N: 0, or CRSNL_EXIT_USAGE after printing. */
static int collapse_opt(const char *what, const struct crsnl_opt *o,
			const char *value)
{
	if (crsnl_parse_ulong(value, 2, 1000000, o->dst))
		return crsnl_usage_error(what, "--collapse \"%s\": expected a number of files, 2 or more",
					 value);
	return 0;
}

/* crsnl learn export ARGS (argv[0] is "export"). */
int learn_export_main(int argc, char **argv)
{
	const char *what = "learn export", *out = NULL, *name = NULL;
	const char *merge = NULL, *image = NULL;
	struct strset keys = { 0 }, names = { 0 };
	struct tuples ts = { 0 };
	struct crs_policy p, check;
	unsigned long collapse_n = 0;
	bool no_base = false;
	size_t i, first, added = 0, skipped = 0, dup = 0;
	char err[512], why[256], *json;
	struct cinfo ci;
	uint32_t pid = 0;
	const struct crsnl_opt opts[] = {
		{ "pid", 'p', CRSNL_OPT_PID, &pid, NULL },
		{ "image", 0, CRSNL_OPT_STR, &image, NULL },
		{ "output", 'o', CRSNL_OPT_STR, &out, NULL },
		{ "name", 0, CRSNL_OPT_FN, &name, name_opt },
		{ "merge", 0, CRSNL_OPT_STR, &merge, NULL },
		{ "no-base", 0, CRSNL_OPT_FLAG, &no_base, NULL },
		{ "collapse", 0, CRSNL_OPT_FN, &collapse_n, collapse_opt },
		{ NULL }
	};
	int a, ret;

	ret = crsnl_opts(what, argc, argv, opts, export_help, 0);
	if (ret >= 0)
		return ret;
	ret = 1;
	if (!pid == !image)
		return crsnl_usage_error(what, "give --pid PID or --image PATTERN");
	memset(&p, 0, sizeof(p));
	if (merge) {
		if (crs_policy_parse_file(merge, &p, err, sizeof(err))) {
			fprintf(stderr, "crsnl: %s: --merge %s\n", what, err);
			return 1;
		}
	}
	memset(&ci, 0, sizeof(ci));
	if ((pid && learn_container_info(what, pid, &ci)) || learn_fetch(what, pid, image, &ts))
		goto out;
	if (!merge && image) {
		p.mode = CRS_MODE_ACTIVE;
		p.def_network = p.def_file = p.def_execute = p.def_syscall =
			CRS_ACTION_DENY;
		if (asprintf(&p.name, "learned-image") < 0 ||
		    asprintf(&p.description,
			     "learned from the containers of image %s by crsnl learn export",
			     image) < 0)
			goto nomem;
	} else if (!merge) {
		p.mode = CRS_MODE_ACTIVE;
		p.def_network = p.def_file = p.def_execute = p.def_syscall =
			CRS_ACTION_DENY;
		if (asprintf(&p.name, "learned-%" PRIu64, ci.id) < 0 ||
		    asprintf(&p.description,
			     "learned from container %" PRIu64 " by crsnl learn export",
			     ci.id) < 0)
			goto nomem;
	}
	if (name) {
		free(p.name);
		p.name = strdup(name);
	}
	if (ci.overflow)
		fprintf(stderr, "crsnl: %s: warning: the learning set was full: %" PRIu64
			" sightings of new tuples were not recorded, the policy is incomplete (module parameter learn_max)\n",
			what, ci.overflow);
	for (i = 0; i < p.n_rules; i++)
		if (strset_add(&keys, rule_key(&p.rules[i])) < 0 ||
		    strset_add(&names, strdup(p.rules[i].name)) < 0)
			goto nomem;
	first = p.n_rules;
	for (i = 0; i < ts.n; i++) {
		struct crs_rule *r = crs_policy_add_rule(&p);

		if (!r)
			goto nomem;
		if (tuple_rule(&ts.v[i], r, why, sizeof(why))) {
			if (why[0])
				fprintf(stderr, "crsnl: %s: warning: %s\n", what, why);
			crs_rule_free(r);
			p.n_rules--;
			skipped++;
		} else if (image && r->file) {
			generalize_ids(r->file);
		}
	}
	if (collapse_n && collapse(&p, first, (unsigned int)collapse_n))
		goto nomem;
	if (!no_base && (add_clone3_fallback(&p) || add_base_syscalls(&p)))
		goto nomem;
	/* drop duplicates, then name what is left */
	for (i = a = first; i < p.n_rules; i++) {
		int r = strset_add(&keys, rule_key(&p.rules[i]));

		if (r < 0)
			goto nomem;
		if (!r) {
			crs_rule_free(&p.rules[i]);
			dup++;
			continue;
		}
		p.rules[a++] = p.rules[i];
	}
	p.n_rules = (size_t)a;
	for (i = first; i < p.n_rules; i++) {
		if (name_rule(&p.rules[i], &names))
			goto nomem;
		added++;
	}
	json = crs_policy_to_string(&p, false);
	if (!json)
		goto nomem;
	/* what we write must be what policy push accepts */
	if (crs_policy_parse_string("export", json, &check, err, sizeof(err))) {
		fprintf(stderr, "crsnl: %s: internal error, the exported policy does not parse: %s\n",
			what, err);
		free(json);
		goto out;
	}
	crs_policy_free(&check);
	if (crsnl_output_text(what, out, json))
		goto out;
	fprintf(stderr, "crsnl: %s: %zu tuples, %zu rules added%s%s (%zu already there, %zu without a rule)\n",
		what, ts.n, added, merge ? " to " : "", merge ? merge : "",
		dup, skipped);
	ret = 0;
out:
	strset_free(&keys);
	strset_free(&names);
	learn_tuples_free(&ts);
	crs_policy_free(&p);
	return ret;
nomem:
	fprintf(stderr, "crsnl: out of memory\n");
	goto out;
}
