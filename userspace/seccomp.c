// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl policy import-seccomp: convert a Docker/OCI seccomp profile into a
 * crs policy of SYSCALL rules.
 *
 * The container is assumed to be x86_64 with Docker's default capability
 * set; entries whose includes/excludes (arches, caps, minKernel) do not
 * select such a container are left out. A crs rule names a syscall for
 * both x86_64 and i386, so the profile's x86 and x32 sub-architectures
 * follow x86_64. What crs cannot express exactly is said on stderr, one
 * "note:" line each; what it cannot express at all (actions TRACE,
 * NOTIFY, unknown actions or operators, two conditions on one argument)
 * is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "policy.h"
#include "seccomp.h"
#include "syscalls.h"

/* moby's DefaultCapabilities() (oci/caps/defaults.go). */
static const char *const docker_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
	"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

/* Names the profile may use for x86_64. */
static const char *const our_arches[] = {
	"amd64", "x86_64", "SCMP_ARCH_X86_64",
};

static bool in_list(const char *s, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

/*
 * How many strings of the array @o[@key] are in @v[0..n); the array's
 * length in *len (0 without @key).
 */
static size_t array_in_list(struct json_object *o, const char *key,
			    const char *const *v, size_t n, size_t *len)
{
	struct json_object *a;
	size_t i, found = 0;

	*len = 0;
	if (!json_object_object_get_ex(o, key, &a))
		return 0;
	*len = json_object_array_length(a);
	for (i = 0; i < *len; i++)
		found += in_list(json_object_get_string(json_object_array_get_idx(a, i)),
				 v, n);
	return found;
}

struct imp {
	const char *label;
	char *err;
	size_t errlen;
	FILE *notes;
	struct json_object *rules;
	struct json_object *seen;	/* rule name -> count */
	char *skipped;			/* names unknown on x86_64 and i386 */
	size_t skipped_len;
	unsigned int n_skipped;
};

static int __attribute__((format(printf, 2, 3)))
ifail(struct imp *im, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(im->err, im->errlen, "%s: ", im->label);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < im->errlen)
		vsnprintf(im->err + n, im->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void __attribute__((format(printf, 2, 3)))
note(struct imp *im, const char *fmt, ...)
{
	va_list ap;

	if (!im->notes)
		return;
	fprintf(im->notes, "crsnl: policy import-seccomp: note: ");
	va_start(ap, fmt);
	vfprintf(im->notes, fmt, ap);
	va_end(ap);
	fputc('\n', im->notes);
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Every key of object @o is one of @known (NULL-terminated), else the
 * error names it: the fields of moby's, containers-common's and the
 * security-profiles-operator's profiles, nothing else.
 */
static int known_keys(struct imp *im, const char *where,
		      struct json_object *o, const char *const *known)
{
	size_t i;

	if (!json_object_is_type(o, json_type_object))
		return ifail(im, "%s: expected an object, got %s", where,
			     json_type_to_name(json_object_get_type(o)));
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; known[i]; i++)
			if (!strcmp(key, known[i]))
				break;
		if (!known[i])
			return ifail(im, "%s: unknown field \"%s\"", where, key);
	}
	return 0;
}

static const char *const entry_keys[] = {
	"names", "name", "action", "errnoRet", "errno", "args", "comment",
	"includes", "excludes", NULL
};
static const char *const filter_keys[] = {
	"arches", "caps", "minKernel", NULL
};
static const char *const arg_keys[] = {
	"index", "value", "valueTwo", "op", NULL
};

/* 1: the entry selects an x86_64 container with Docker's default caps. */
static int selected(struct imp *im, struct json_object *e, size_t idx)
{
	struct json_object *inc, *exc, *v;
	char where[64];
	size_t n;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	if (known_keys(im, where, e, entry_keys))
		return -1;
	snprintf(where, sizeof(where), "syscalls[%zu].includes", idx);
	if (json_object_object_get_ex(e, "includes", &inc) &&
	    known_keys(im, where, inc, filter_keys))
		return -1;
	snprintf(where, sizeof(where), "syscalls[%zu].excludes", idx);
	if (json_object_object_get_ex(e, "excludes", &exc) &&
	    known_keys(im, where, exc, filter_keys))
		return -1;
	if (json_object_object_get_ex(e, "includes", &inc)) {
		/* one of our arches, if any is named; every cap ours */
		if (!array_in_list(inc, "arches", our_arches,
				   ARRAY_SIZE(our_arches), &n) && n)
			return 0;
		if (array_in_list(inc, "caps", docker_caps,
				  ARRAY_SIZE(docker_caps), &n) < n)
			return 0;
		if (json_object_object_get_ex(inc, "minKernel", &v)) {
			unsigned int maj = 0, min = 0;

			if (sscanf(json_object_get_string(v), "%u.%u", &maj, &min) < 1) {
				ifail(im, "syscalls[%zu]: includes.minKernel %s: not a kernel version",
				      idx, json_object_to_json_string(v));
				return -1;
			}
			if (maj > 6 || (maj == 6 && min > 1))
				return 0;
		}
	}
	if (json_object_object_get_ex(e, "excludes", &exc)) {
		if (array_in_list(exc, "arches", our_arches,
				  ARRAY_SIZE(our_arches), &n) ||
		    array_in_list(exc, "caps", docker_caps,
				  ARRAY_SIZE(docker_caps), &n))
			return 0;
		if (json_object_object_get_ex(exc, "minKernel", &v)) {
			unsigned int maj = 0, min = 0;

			if (sscanf(json_object_get_string(v), "%u.%u", &maj, &min) >= 1 &&
			    (maj < 6 || (maj == 6 && min <= 1)))
				return 0;
		}
	}
	return 1;
}

/*
 * Map a seccomp action to ALLOW/DENY. Return the crs action, or -1 after
 * setting the error (the action cannot be expressed).
 */
static int map_action(struct imp *im, const char *where, const char *act,
		      struct json_object *errno_ret, int dflt_errno,
		      int *errno_out)
{
	int e = dflt_errno;

	*errno_out = 0;
	if (!act)
		return ifail(im, "%s: action: missing", where);
	if (!strcmp(act, "SCMP_ACT_ALLOW"))
		return CRS_ACTION_ALLOW;
	if (!strcmp(act, "SCMP_ACT_LOG")) {
		note(im, "%s: SCMP_ACT_LOG imported as ALLOW; crs logs by the container's log mode (crsnl container set --log-mode POLICY_ALL)",
		     where);
		return CRS_ACTION_ALLOW;
	}
	if (!strcmp(act, "SCMP_ACT_ERRNO")) {
		if (errno_ret)
			e = json_object_get_int(errno_ret);
		if (e < 1 || e > 4095)
			return ifail(im, "%s: errnoRet %d: not an errno (1..4095)",
				     where, e);
		if (e != EPERM)
			*errno_out = e;
		return CRS_ACTION_DENY;
	}
	if (!strcmp(act, "SCMP_ACT_KILL") || !strcmp(act, "SCMP_ACT_KILL_THREAD") ||
	    !strcmp(act, "SCMP_ACT_KILL_PROCESS") || !strcmp(act, "SCMP_ACT_TRAP")) {
		note(im, "%s: %s imported as DENY: the call fails with EPERM, the process is not signalled",
		     where, act);
		return CRS_ACTION_DENY;
	}
	return ifail(im, "%s: action \"%s\": not supported (crs rules can only ALLOW or DENY with EPERM)",
		     where, act);
}

static const struct {
	const char *name;
	const char *pfx;
} cmp_ops[] = {
	{ "SCMP_CMP_EQ", "" }, { "SCMP_CMP_NE", "!=" }, { "SCMP_CMP_LT", "<" },
	{ "SCMP_CMP_LE", "<=" }, { "SCMP_CMP_GT", ">" }, { "SCMP_CMP_GE", ">=" },
	{ "SCMP_CMP_MASKED_EQ", "&" },
};

static int convert_args(struct imp *im, const char *where,
			struct json_object *args, char out[CRS_NR_ARGS][64])
{
	size_t i, n = json_object_array_length(args), k;

	for (i = 0; i < CRS_NR_ARGS; i++)
		out[i][0] = '\0';
	for (i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(args, i), *v;
		const char *op = jstr(a, "op");
		uint64_t value = 0, two = 0;
		int64_t index = -1;
		char w[96];

		snprintf(w, sizeof(w), "%s: args[%zu]", where, i);
		if (known_keys(im, w, a, arg_keys))
			return -1;

		if (json_object_object_get_ex(a, "index", &v))
			index = json_object_get_int64(v);
		if (index < 0 || index >= CRS_NR_ARGS)
			return ifail(im, "%s: args[%zu]: index %" PRId64 ": out of range (0-5)",
				     where, i, index);
		if (json_object_object_get_ex(a, "value", &v))
			value = json_object_get_uint64(v);
		if (json_object_object_get_ex(a, "valueTwo", &v))
			two = json_object_get_uint64(v);
		for (k = 0; k < ARRAY_SIZE(cmp_ops); k++)
			if (op && !strcmp(op, cmp_ops[k].name))
				break;
		if (k == ARRAY_SIZE(cmp_ops))
			return ifail(im, "%s: args[%zu]: operator \"%s\": not supported (crs has SCMP_CMP_EQ, NE, LT, LE, GT, GE, MASKED_EQ)",
				     where, i, op ? op : "");
		if (out[index][0])
			return ifail(im, "%s: args[%zu]: a second condition on argument %" PRId64 ": not supported (one constraint per argument)",
				     where, i, index);
		if (!strcmp(cmp_ops[k].name, "SCMP_CMP_MASKED_EQ"))
			snprintf(out[index], 64, "&0x%" PRIx64 "==0x%" PRIx64,
				 value, two);
		else
			snprintf(out[index], 64, "%s%" PRIu64, cmp_ops[k].pfx,
				 value);
	}
	return 0;
}

static void add_rule(struct imp *im, const char *sys, int action, int err,
		     char args[CRS_NR_ARGS][64])
{
	struct json_object *r = json_object_new_object(), *cnt;
	char name[CRS_NAME_MAX];
	unsigned int i, k = 1;

	snprintf(name, sizeof(name), "%s-%s",
		 action == CRS_ACTION_ALLOW ? "allow" : "deny", sys);
	if (json_object_object_get_ex(im->seen, name, &cnt)) {
		k = (unsigned int)json_object_get_int(cnt) + 1;
		json_object_set_int(cnt, (int)k);
	} else {
		json_object_object_add(im->seen, name, json_object_new_int(1));
	}
	if (k > 1)
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 "-%u", k);
	json_object_object_add(r, "name", json_object_new_string(name));
	json_object_object_add(r, "ruleType", json_object_new_string("SYSCALL"));
	json_object_object_add(r, "syscall", json_object_new_string(sys));
	for (i = 0; i < CRS_NR_ARGS; i++) {
		char k2[8];

		if (!args[i][0])
			continue;
		snprintf(k2, sizeof(k2), "arg%u", i + 1);
		json_object_object_add(r, k2, json_object_new_string(args[i]));
	}
	json_object_object_add(r, "action",
			       json_object_new_string(crs_action_name((unsigned int)action)));
	if (err) {
		const char *en = crs_errno_name((unsigned int)err);

		json_object_object_add(r, "errno", en ? json_object_new_string(en) :
				       json_object_new_int(err));
	}
	json_object_array_add(im->rules, r);
}

static void skip_name(struct imp *im, const char *n)
{
	size_t len = strlen(n) + 3;
	char *s = realloc(im->skipped, im->skipped_len + len);

	if (!s)
		return;
	im->skipped = s;
	snprintf(s + im->skipped_len, len, "%s%s", im->n_skipped ? ", " : "", n);
	im->skipped_len += strlen(s + im->skipped_len);
	im->n_skipped++;
}

int crs_seccomp_import(const char *label, struct json_object *prof,
		       const char *name, FILE *notes, struct crs_policy *out,
		       char *err, size_t errlen)
{
	struct imp im = { .label = label, .err = err, .errlen = errlen,
			  .notes = notes };
	struct json_object *pol = NULL, *v, *calls;
	const char *dact;
	char where[64], desc[512];
	int dflt, ret = -1, act_errno, dflt_errno_out;
	size_t i, j, n;

	if (!json_object_is_type(prof, json_type_object))
		return ifail(&im, "expected a JSON object (a seccomp profile)");
	json_object_object_foreach(prof, key, val) {
		(void)val;
		if (!strcmp(key, "defaultAction") || !strcmp(key, "defaultErrnoRet") ||
		    !strcmp(key, "defaultErrno") ||
		    !strcmp(key, "archMap") || !strcmp(key, "architectures") ||
		    !strcmp(key, "syscalls") || !strcmp(key, "comment"))
			continue;
		if (!strcmp(key, "flags") || !strcmp(key, "listenerPath") ||
		    !strcmp(key, "listenerMetadata")) {
			note(&im, "%s: ignored (no crs equivalent)", key);
			continue;
		}
		if (!strcmp(key, "baseProfileName")) {
			note(&im, "baseProfileName: the base profile is not imported (import it on its own and merge the rules)");
			continue;
		}
		return ifail(&im, "unknown field \"%s\"", key);
	}
	/* containers-common names it too: "defaultErrno": "ENOSYS" */
	if (json_object_object_get_ex(prof, "defaultErrno", &v) &&
	    !json_object_object_get_ex(prof, "defaultErrnoRet", NULL)) {
		int e = json_object_is_type(v, json_type_string) ?
			crs_errno_parse(json_object_get_string(v)) : -1;

		if (e < 0)
			return ifail(&im, "defaultErrno %s: not an errno name",
				     json_object_to_json_string(v));
		json_object_object_add(prof, "defaultErrnoRet",
				       json_object_new_int(e));
	}
	dact = jstr(prof, "defaultAction");
	dflt = map_action(&im, "defaultAction", dact,
			  json_object_object_get_ex(prof, "defaultErrnoRet", &v) ? v : NULL,
			  EPERM, &dflt_errno_out);
	if (dflt < 0)
		return -1;
	/* The profile must cover x86_64 if it names architectures at all. */
	if (json_object_object_get_ex(prof, "archMap", &v) &&
	    json_object_array_length(v)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			const char *a = jstr(json_object_array_get_idx(v, i),
					     "architecture");

			if (a && !strcmp(a, "SCMP_ARCH_X86_64"))
				break;
		}
		if (i == n)
			return ifail(&im, "archMap: no SCMP_ARCH_X86_64 entry (crs enforces x86_64 and its i386 compat calls only)");
	} else if (json_object_object_get_ex(prof, "architectures", &v) &&
		   json_object_array_length(v)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (!strcmp(json_object_get_string(json_object_array_get_idx(v, i)),
				    "SCMP_ARCH_X86_64"))
				break;
		if (i == n)
			return ifail(&im, "architectures: no SCMP_ARCH_X86_64 (crs enforces x86_64 and its i386 compat calls only)");
	}
	note(&im, "each rule covers the syscall's x86_64 and i386 numbers; x32 calls are not imported");

	im.rules = json_object_new_array();
	im.seen = json_object_new_object();
	if (!json_object_object_get_ex(prof, "syscalls", &calls))
		calls = NULL;
	n = calls ? json_object_array_length(calls) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(calls, i), *names,
				   *args, *eret;
		char cargs[CRS_NR_ARGS][64];
		int act, sel;
		size_t nn;

		snprintf(where, sizeof(where), "syscalls[%zu]", i);
		if (!json_object_is_type(e, json_type_object)) {
			ifail(&im, "%s: expected an object", where);
			goto out;
		}
		sel = selected(&im, e, i);
		if (sel < 0)
			goto out;
		if (!sel)
			continue;
		/* containers-common also names it: "errno": "EPERM" */
		if (jstr(e, "errno") &&
		    !json_object_object_get_ex(e, "errnoRet", NULL)) {
			int en = crs_errno_parse(jstr(e, "errno"));

			if (en < 0) {
				ifail(&im, "%s: errno \"%s\": not an errno name",
				      where, jstr(e, "errno"));
				goto out;
			}
			json_object_object_add(e, "errnoRet",
					       json_object_new_int(en));
		}
		/* without errnoRet, SCMP_ACT_ERRNO is EPERM (as runc does) */
		act = map_action(&im, where, jstr(e, "action"),
				 json_object_object_get_ex(e, "errnoRet", &eret) ?
				 eret : NULL, EPERM, &act_errno);
		if (act < 0)
			goto out;
		memset(cargs, 0, sizeof(cargs));
		if (json_object_object_get_ex(e, "args", &args) && args &&
		    json_object_array_length(args) &&
		    convert_args(&im, where, args, cargs))
			goto out;
		if (act == dflt && !cargs[0][0] && !cargs[1][0] && !cargs[2][0] &&
		    !cargs[3][0] && !cargs[4][0] && !cargs[5][0] &&
		    act == CRS_ACTION_ALLOW)
			continue;	/* same as the default: nothing to say */
		if (!json_object_object_get_ex(e, "names", &names)) {
			names = NULL;
			if (jstr(e, "name")) {
				names = json_object_new_array();
				json_object_array_add(names,
					json_object_new_string(jstr(e, "name")));
				json_object_object_add(e, "names", names);
			}
		}
		nn = names ? json_object_array_length(names) : 0;
		for (j = 0; j < nn; j++) {
			const char *sys = json_object_get_string(json_object_array_get_idx(names, j));
			int a64, a32;

			if (crs_syscall_resolve(sys, &a64, &a32)) {
				skip_name(&im, sys);
				continue;
			}
			add_rule(&im, sys, act, act_errno, cargs);
		}
	}
	if (im.n_skipped)
		note(&im, "%u names are not in the Linux 6.1 x86_64 or i386 syscall tables, left out: %s",
		     im.n_skipped, im.skipped);

	pol = json_object_new_object();
	json_object_object_add(pol, "name", json_object_new_string(name));
	snprintf(desc, sizeof(desc), "Imported from seccomp profile %s (defaultAction %s)",
		 label, dact);
	json_object_object_add(pol, "description", json_object_new_string(desc));
	json_object_object_add(pol, "policyMode", json_object_new_string("ACTIVE"));
	json_object_object_add(pol, "defaultSyscallAction",
			       json_object_new_string(crs_action_name((unsigned int)dflt)));
	if (dflt_errno_out)
		json_object_object_add(pol, "defaultSyscallErrno",
				       json_object_new_int(dflt_errno_out));
	json_object_object_add(pol, "rules", json_object_get(im.rules));
	ret = crs_policy_from_json(name, pol, out, err, errlen);
out:
	json_object_put(pol);
	json_object_put(im.rules);
	json_object_put(im.seen);
	free(im.skipped);
	return ret;
}

static void import_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy import-seccomp PROFILE.json --name NAME [-o OUT.json]\n\n"
		"PROFILE.json \"-\" is stdin; larger than " CRSNL_FILE_MAX_TEXT " is refused unread.\n"
		"-o/--output OUT.json writes the policy there instead of stdout.\n"
		"Convert a Docker/OCI seccomp profile into a crs policy of SYSCALL\n"
		"rules (printed, or written to OUT.json; push it with 'policy push').\n"
		"The container is taken to be x86_64 with Docker's default\n"
		"capabilities: entries that includes/excludes (arches, caps,\n"
		"minKernel) leave out for it are not imported. SCMP_ACT_ALLOW and\n"
		"SCMP_ACT_LOG become ALLOW; SCMP_ACT_ERRNO, KILL* and TRAP become DENY\n"
		"(the call fails with EPERM); SCMP_ACT_TRACE and NOTIFY are refused.\n"
		"Every approximation is a 'note:' line on stderr.\n\n"
		"Examples:\n"
		"  crsnl policy import-seccomp /usr/share/docker/seccomp.json --name docker-default -o docker-default.json\n"
		"  crsnl policy import-seccomp profile.json --name app | crsnl policy push -\n");
}

int import_seccomp_main(int argc, char **argv)
{
	const char *what = "policy import-seccomp";
	const char *in = NULL, *name = NULL, *outpath = NULL;
	const struct crsnl_opt opts[] = {
		{ "name", 'n', CRSNL_OPT_STR, &name, NULL },
		{ "output", 'o', CRSNL_OPT_STR, &outpath, NULL },
		{ NULL }
	};
	struct json_object *prof;
	struct crs_policy p;
	char err[1024], *text, *buf;
	size_t len;
	int c;

	c = crsnl_opts(what, argc, argv, opts, import_help, 1);
	if (c >= 0)
		return c;
	if (optind < argc)
		in = argv[optind];
	if (!in || !name)
		return crsnl_usage_error(what, "need PROFILE.json and --name NAME");
	if (crsnl_read_file(in, CRSNL_FILE_MAX, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "crsnl: %s: %s\n", what, err);
		return 1;
	}
	if (!strcmp(in, "-"))
		in = "stdin";
	if (strlen(buf) != len) {
		fprintf(stderr, "crsnl: %s: %s: contains a NUL byte\n", what, in);
		free(buf);
		return 1;
	}
	/* the same strict JSON as policy check: one line naming the place */
	prof = crs_json_parse_strict(in, buf, err, sizeof(err));
	free(buf);
	if (!prof) {
		fprintf(stderr, "crsnl: %s: %s\n", what, err);
		return 1;
	}
	if (crs_seccomp_import(in, prof, name, stderr, &p, err, sizeof(err))) {
		fprintf(stderr, "crsnl: %s: %s\n", what, err);
		json_object_put(prof);
		return 1;
	}
	json_object_put(prof);
	text = crs_policy_to_string(&p, false);
	fprintf(stderr, "crsnl: %s: policy \"%s\": %zu rules, defaultSyscallAction %s\n",
		what, p.name, p.n_rules, crs_action_name(p.def_syscall));
	crs_policy_free(&p);
	if (!text)
		return 1;
	return crsnl_output_text(what, outpath, text);
}
