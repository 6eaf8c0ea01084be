// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl policy: push, list, show, delete, apply, detach, import-seccomp.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

#define DUMP_RETRIES 5

static void policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl policy push FILE...\n"
		"       crsnl policy check [--print] [-o OUT] [--max-rules N] FILE...\n"
		"       crsnl policy list [--json]\n"
		"       crsnl policy show NAME [--stats] [-o OUT]\n"
		"       crsnl policy delete NAME [--force]\n"
		"       crsnl policy apply NAME --pid PID [--host] [--policy-mode M]\n"
		"                          [--log-mode L] [--learning on|off]\n"
		"       crsnl policy detach --pid PID\n"
		"       crsnl policy import-seccomp PROFILE.json --name NAME [-o OUT.json]\n"
		"\n"
		"Manage runtime policies in the kernel. 'crsnl policy SUBCOMMAND --help'\n"
		"shows each subcommand with examples. FILE \"-\" is stdin, OUT \"-\" stdout.\n");
}

static int oom(void)
{
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}

/* The FILE... of one push or check, each parsed (ok) or refused. */
struct policy_files {
	char **files;
	struct crs_policy *pols;
	bool *ok;
	int n;
};

/*
 * Checks across the files of one push or check: a policy with more rules
 * than the kernel's max_rules and, with @names (policy check), two files
 * defining one policy name. A push takes its files in order, so a name
 * pushed twice is a replace, as two pushes would be. Return the number
 * of problems, each printed as one line.
 */
static int check_set(struct policy_files *pf, unsigned int max_rules,
		     const char *max_from, bool names)
{
	char **files = pf->files;
	struct crs_policy *pols = pf->pols;
	bool *ok = pf->ok;
	int i, j, n = pf->n, bad = 0;
	bool *dup = calloc((size_t)n, sizeof(*dup));

	if (!dup)
		return oom();
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		if (pols[i].n_rules > max_rules) {
			dup[i] = true;
			fprintf(stderr, "%s: policy \"%s\": %zu rules, more than max_rules %u (%s)\n",
				files[i], pols[i].name, pols[i].n_rules,
				max_rules, max_from);
			bad++;
		}
		for (j = 0; names && j < i; j++) {
			if (ok[j] && !strcmp(pols[i].name, pols[j].name)) {
				fprintf(stderr, "%s: policy \"%s\" is also defined in %s\n",
					files[i], pols[i].name, files[j]);
				dup[i] = true;
				bad++;
				break;
			}
		}
	}
	/* a file with a problem is not "valid" */
	for (i = 0; i < n; i++)
		if (dup[i])
			ok[i] = false;
	free(dup);
	return bad;
}

static const char *max_rules_from(int from_module)
{
	return from_module ? "module parameter of the loaded crs" :
	       "the module's default; crs is not loaded";
}

/*
 * Parse every FILE (argv[optind...]) into @pf, then check_set() them;
 * each problem is one line. Returns the number of problems, or -1 when
 * out of memory (printed; nothing to free).
 */
static int parse_files(struct policy_files *pf, int argc, char **argv,
		       unsigned int max_rules, const char *max_from,
		       bool names)
{
	char err[1024];
	int i, bad = 0;

	pf->files = argv + optind;
	pf->n = argc - optind;
	pf->pols = calloc((size_t)pf->n, sizeof(*pf->pols));
	pf->ok = calloc((size_t)pf->n, sizeof(*pf->ok));
	if (!pf->pols || !pf->ok) {
		free(pf->pols);
		free(pf->ok);
		oom();
		return -1;
	}
	for (i = 0; i < pf->n; i++) {
		if (crs_policy_parse_file(pf->files[i], &pf->pols[i], err,
					  sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad++;
		} else {
			pf->ok[i] = true;
		}
	}
	return bad + check_set(pf, max_rules, max_from, names);
}

static void free_files(struct policy_files *pf)
{
	int i;

	for (i = 0; i < pf->n; i++)
		crs_policy_free(&pf->pols[i]);
	free(pf->pols);
	free(pf->ok);
}

/* FILE "-" is stdin. */
static const char *file_name(const char *file)
{
	return strcmp(file, "-") ? file : "stdin";
}

/* push */

struct push_state {
	struct crs_ipc *ipc;
	int err;
};

static int push_emit(struct nl_msg *msg, void *arg)
{
	struct push_state *ps = arg;

	ps->err = crs_ipc_call(ps->ipc, msg, NULL, NULL);
	return ps->err;
}

int crsnl_push_policy(struct crs_ipc *ipc, const struct crs_policy *p,
		      const char *file)
{
	struct push_state ps = { .ipc = ipc };
	char what[4200];
	int r = crs_policy_encode(p, ipc->family, push_emit, &ps);

	if (r) {
		snprintf(what, sizeof(what), "policy push %s", file);
		crs_ipc_perror(ipc, what, r);
		return 1;
	}
	return 0;
}

int crsnl_delete_policy(struct crs_ipc *ipc, const char *name)
{
	struct nl_msg *msg;
	char what[400];
	int ret;

	msg = crs_req_policy(ipc, CRS_CMD_DEL_POLICY, 0, name, 0);
	if (!msg)
		return oom();
	ret = crs_ipc_call(ipc, msg, NULL, NULL);
	if (ret && ret != -EBUSY) {
		snprintf(what, sizeof(what), "policy delete \"%s\"", name);
		crs_ipc_perror(ipc, what, ret);
		return 1;
	}
	return ret;
}

static void push_help(FILE *f)
{
	fprintf(f,
		"Usage: crsnl policy push FILE...\n\n"
		"Validate every FILE (policy JSON, see crs-policy(5); \"-\" is stdin),\n"
		"then create or replace each policy in the kernel, atomically per\n"
		"policy, in the order given (a name given twice is replaced twice).\n"
		"Nothing is pushed if any file is invalid or a policy has more rules\n"
		"than the kernel's max_rules; each problem is one line naming the file, the rule and\n"
		"the field. Files larger than %s are refused unread.\n\n"
		"Examples:\n"
		"  crsnl policy push policies/web-server.json\n"
		"  crsnl policy push policies/*.json\n", CRSNL_FILE_MAX_TEXT);
}

static int cmd_push(int argc, char **argv)
{
	static const struct crsnl_opt opts[] = { { NULL } };
	const char *what = "policy push";
	struct policy_files pf;
	struct crs_ipc ipc;
	int i, ret, from_module;
	unsigned int max_rules;

	ret = crsnl_opts(what, argc, argv, opts, push_help, -1);
	if (ret >= 0)
		return ret;
	if (optind >= argc)
		return crsnl_usage_error(what, "missing FILE");
	max_rules = crsnl_max_rules(&from_module);
	ret = parse_files(&pf, argc, argv, max_rules,
			  max_rules_from(from_module), false);
	if (ret < 0)
		return 1;
	if (ret) {
		/* each problem was one line; nothing went to the kernel */
		ret = 1;
		goto out;
	}
	crs_ipc_open_or_die(&ipc);
	for (i = 0; i < pf.n; i++) {
		if (crsnl_push_policy(&ipc, &pf.pols[i], pf.files[i])) {
			ret = 1;
			break;
		}
		printf("%s: pushed policy \"%s\" (%zu rules)\n",
		       file_name(pf.files[i]), pf.pols[i].name,
		       pf.pols[i].n_rules);
	}
	crs_ipc_close(&ipc);
out:
	free_files(&pf);
	return ret;
}

static void check_help(FILE *f)
{
	fprintf(f,
		"Usage: crsnl policy check [--print] [-o OUT] [--max-rules N] FILE...\n\n"
		"Validate each FILE exactly as 'policy push' does, without the kernel\n"
		"(\"-\" is stdin; files larger than %s are refused unread). Two files\n"
		"defining one policy name, and a policy with more rules than max_rules,\n"
		"are errors. max_rules is the loaded module's parameter, else its\n"
		"default %u; --max-rules N checks against N instead.\n"
		"--print writes each policy back in the normalized form 'policy show'\n"
		"prints; -o/--output OUT writes that to OUT instead of stdout.\n\n"
		"Examples:\n"
		"  crsnl policy check policies/*.json\n"
		"  crsnl policy check --print -o web.json policies/web-server.json\n",
		CRSNL_FILE_MAX_TEXT, CRSNL_MAX_RULES_DEFAULT);
}

/* crsnl_opts() fn of --max-rules N: 0, or CRSNL_EXIT_USAGE after printing. */
static int max_rules_opt(const char *what, const struct crsnl_opt *o,
			 const char *value)
{
	if (crsnl_parse_ulong(value, 1, UINT32_MAX, o->dst))
		return crsnl_usage_error(what, "--max-rules \"%s\": expected a number 1..%u",
					 value, UINT32_MAX);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	const char *what = "policy check", *out = NULL, *max_from;
	unsigned long max_rules = 0;
	struct policy_files pf;
	bool print = false;
	const struct crsnl_opt opts[] = {
		{ "print", 0, CRSNL_OPT_FLAG, &print, NULL },
		{ "output", 'o', CRSNL_OPT_STR, &out, NULL },
		{ "max-rules", 0, CRSNL_OPT_FN, &max_rules, max_rules_opt },
		{ NULL }
	};
	int i, bad, from_module;

	i = crsnl_opts(what, argc, argv, opts, check_help, -1);
	if (i >= 0)
		return i;
	if (optind >= argc)
		return crsnl_usage_error(what, "missing FILE");
	if (out && !print)
		return crsnl_usage_error(what, "--output needs --print");
	if (max_rules) {
		max_from = "--max-rules";
	} else {
		max_rules = crsnl_max_rules(&from_module);
		max_from = max_rules_from(from_module);
	}
	bad = parse_files(&pf, argc, argv, (unsigned int)max_rules, max_from,
			  true);
	if (bad < 0)
		return 1;
	bad = bad ? 1 : 0;
	if (print && crsnl_output_to(what, out))
		bad = 1;
	for (i = 0; i < pf.n && !(print && bad); i++) {
		if (!pf.ok[i])
			continue;
		if (print) {
			char *s = crs_policy_to_string(&pf.pols[i], false);

			if (s)
				fputs(s, stdout);
			free(s);
		} else {
			printf("%s: policy \"%s\" is valid (%zu rules)\n",
			       file_name(pf.files[i]), pf.pols[i].name,
			       pf.pols[i].n_rules);
		}
	}
	free_files(&pf);
	if (crsnl_output_done(what))
		bad = 1;
	return bad;
}

/* list / show: reassemble CRS_CMD_GET_POLICY replies. */

struct collect {
	struct crs_policy_list l;
	char err[256];
	int failed;
};

static int on_policy(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;
	struct nlattr *tb[CRS_A_MAX + 1];

	if (c->failed)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_POLICY])
		return NL_SKIP;
	if (crs_policy_decode(&c->l, tb[CRS_A_POLICY], false, c->err,
			      sizeof(c->err)))
		c->failed = 1;
	return NL_OK;
}

/* Get one policy (name) or all (NULL). Return 0 or 1 after printing why. */
static int get_policies(struct crs_ipc *ipc, const char *what,
			const char *name, uint32_t flags, struct collect *c)
{
	int tries, ret = 0;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (tries = 0; tries < DUMP_RETRIES; tries++) {
		/*
		 * Always a dump: one policy can span several messages, and
		 * the kernel takes CRS_A_POLICY {NAME} as the dump's filter.
		 */
		struct nl_msg *msg = crs_req_policy(ipc, CRS_CMD_GET_POLICY,
						    NLM_F_DUMP, name, flags);

		if (!msg)
			return oom();
		memset(c, 0, sizeof(*c));
		ret = crs_ipc_call(ipc, msg, on_policy, c);
		if (ret != -EAGAIN)
			break;
		crs_policy_list_free(&c->l);
	}
	if (ret) {
		crs_ipc_perror(ipc, what, ret);
		return 1;
	}
	if (c->failed) {
		fprintf(stderr, "crsnl: %s: %s\n", what, c->err);
		return 1;
	}
	for (i = 0; i < c->l.n; i++) {
		struct crs_policy *p = &c->l.v[i];

		if (p->has_info && p->rule_count != p->n_rules) {
			fprintf(stderr, "crsnl: %s: policy \"%s\": %zu of %u rules received\n",
				what, p->name, p->n_rules, p->rule_count);
			return 1;
		}
	}
	return 0;
}

int crsnl_get_policies(struct crs_ipc *ipc, const char *what,
		       struct crs_policy_list *l)
{
	struct collect c;

	if (get_policies(ipc, what, NULL, 0, &c)) {
		crs_policy_list_free(&c.l);
		return 1;
	}
	*l = c.l;
	return 0;
}

static void list_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy list [--json]\n\n"
		"List the policies stored in the kernel: name, policy mode,\n"
		"number of rules and number of containers bound to each.\n"
		"--json prints one JSON array of {\"name\", \"mode\", \"rules\",\n"
		"\"containers\", \"generation\"} objects.\n\n"
		"Examples:\n  crsnl policy list\n  crsnl policy list --json\n");
}

static int cmd_list(int argc, char **argv)
{
	const char *what = "policy list";
	struct json_object *arr = NULL, *o;
	struct crs_ipc ipc;
	struct collect c;
	bool json = false;
	const struct crsnl_opt opts[] = {
		{ "json", 0, CRSNL_OPT_FLAG, &json, NULL },
		{ NULL }
	};
	int opt;
	size_t i;

	opt = crsnl_opts(what, argc, argv, opts, list_help, 0);
	if (opt >= 0)
		return opt;
	crs_ipc_open_or_die(&ipc);
	if (get_policies(&ipc, what, NULL, 0, &c)) {
		crs_policy_list_free(&c.l);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	if (json)
		arr = json_object_new_array();
	else
		printf("%-32s %-10s %8s %10s\n", "NAME", "MODE", "RULES", "CONTAINERS");
	for (i = 0; i < c.l.n; i++) {
		struct crs_policy *p = &c.l.v[i];

		if (!json) {
			printf("%-32s %-10s %8zu %10u\n", p->name,
			       crs_mode_name(p->mode), p->n_rules, p->containers);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "mode",
				       json_object_new_string(crs_mode_name(p->mode)));
		json_object_object_add(o, "rules", json_object_new_int64((int64_t)p->n_rules));
		json_object_object_add(o, "containers", json_object_new_int64(p->containers));
		json_object_object_add(o, "generation",
				       json_object_new_uint64(p->generation));
		json_object_array_add(arr, o);
	}
	if (json) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	}
	crs_policy_list_free(&c.l);
	return crsnl_output_done(what);
}

static void show_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy show NAME [--stats] [-o OUT]\n\n"
		"Print policy NAME as stored in the kernel, as policy JSON that\n"
		"'crsnl policy push' accepts and that describes the same policy.\n"
		"--stats adds per-rule counters (\"stats\": {\"allowed\", \"denied\",\n"
		"\"monitored\"}); that output is for reading, push refuses it.\n"
		"-o/--output OUT writes to OUT instead of stdout.\n\n"
		"Examples:\n"
		"  crsnl policy show web-server -o web-server.json\n"
		"  crsnl policy show web-server --stats\n");
}

/*
 * The options of a command taking one policy NAME: its name, or NULL
 * with *ret the exit status after printing the help or the problem.
 */
static const char *name_opts(const char *what, int argc, char **argv,
			     const struct crsnl_opt *opts,
			     void (*help)(FILE *f), int *ret)
{
	*ret = crsnl_opts(what, argc, argv, opts, help, 1);
	if (*ret >= 0)
		return NULL;
	if (optind >= argc) {
		*ret = crsnl_usage_error(what, "missing policy NAME");
		return NULL;
	}
	return argv[optind];
}

static int cmd_show(int argc, char **argv)
{
	const char *what = "policy show", *name, *outpath = NULL;
	struct crs_ipc ipc;
	struct collect c;
	bool stats = false;
	const struct crsnl_opt opts[] = {
		{ "stats", 0, CRSNL_OPT_FLAG, &stats, NULL },
		{ "output", 'o', CRSNL_OPT_STR, &outpath, NULL },
		{ NULL }
	};
	char *out;
	int ret;

	name = name_opts(what, argc, argv, opts, show_help, &ret);
	if (!name)
		return ret;
	crs_ipc_open_or_die(&ipc);
	if (get_policies(&ipc, what, name, stats ? CRS_GET_F_STATS : 0, &c)) {
		crs_policy_list_free(&c.l);
		crs_ipc_close(&ipc);
		return 1;
	}
	crs_ipc_close(&ipc);
	if (c.l.n != 1 || strcmp(c.l.v[0].name, name)) {
		fprintf(stderr, "crsnl: policy show: the kernel answered with %zu policies for \"%s\"\n",
			c.l.n, name);
		crs_policy_list_free(&c.l);
		return 1;
	}
	out = crs_policy_to_string(&c.l.v[0], stats);
	crs_policy_list_free(&c.l);
	if (!out)
		return oom();
	return crsnl_output_text(what, outpath, out);
}

static void delete_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy delete NAME [--force]\n\n"
		"Delete policy NAME. While containers use it the kernel refuses\n"
		"(EBUSY) unless --force, which detaches those containers first.\n\n"
		"Examples:\n"
		"  crsnl policy delete batch-job\n"
		"  crsnl policy delete web-server --force\n");
}

static int cmd_delete(int argc, char **argv)
{
	const char *what = "policy delete", *name;
	struct crs_ipc ipc;
	struct nl_msg *msg;
	bool force = false;
	const struct crsnl_opt opts[] = {
		{ "force", 0, CRSNL_OPT_FLAG, &force, NULL },
		{ NULL }
	};
	int ret;

	name = name_opts(what, argc, argv, opts, delete_help, &ret);
	if (!name)
		return ret;
	crs_ipc_open_or_die(&ipc);
	msg = crs_req_policy(&ipc, CRS_CMD_DEL_POLICY, 0, name,
			     force ? CRS_DEL_F_FORCE : 0);
	ret = crs_ipc_run(&ipc, what, msg, NULL, NULL);
	crs_ipc_close(&ipc);
	return ret;
}

/* The per-container settings container_opts() takes. */
static const struct {
	const char *name;
	unsigned int bit;		/* CRSNL_O_* */
	size_t off;			/* its int in struct crsnl_container_req */
	int (*parse)(const char *s);	/* the value, or -1; NULL: a flag */
	const char *expect;
} container_settings[] = {
	{ "policy-mode", CRSNL_O_POLICY_MODE,
	  offsetof(struct crsnl_container_req, policy_mode), crs_mode_parse,
	  "ACTIVE, PERMISSIVE or INACTIVE" },
	{ "log-mode", CRSNL_O_LOG_MODE,
	  offsetof(struct crsnl_container_req, log_mode), crs_log_mode_parse,
	  "NONE, POLICY_MONITOR, POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL, BEHAVIOR or ALL" },
	{ "learning", CRSNL_O_LEARNING,
	  offsetof(struct crsnl_container_req, learning), crsnl_parse_onoff,
	  "on or off" },
	{ "host", CRSNL_O_HOST,
	  offsetof(struct crsnl_container_req, host), NULL, NULL },
};
#define N_SETTINGS (sizeof(container_settings) / sizeof(container_settings[0]))

/* crsnl_opts() fn of a setting: 0, or CRSNL_EXIT_USAGE after printing. */
static int container_setting(const char *what, const struct crsnl_opt *o,
			     const char *value)
{
	size_t i;
	int m = 1;

	for (i = 0; strcmp(container_settings[i].name, o->name); i++)
		;
	if (value) {
		m = container_settings[i].parse(value);
		if (m < 0)
			return crsnl_usage_error(what, "--%s \"%s\": expected %s",
						 o->name, value,
						 container_settings[i].expect);
	}
	*(int *)o->dst = m;
	return 0;
}

/* crsnl_opts() fn of a setting the command does not take. */
static int setting_not_here(const char *what, const struct crsnl_opt *o,
			    const char *value)
{
	(void)value;
	return crsnl_usage_error(what, "option \"--%s\" does not apply here",
				 o->name);
}

/*
 * Options shared by apply, detach, container set, learn start/stop:
 * fills a CRS_A_CONTAINER request; @allowed says which settings the
 * command takes (CRSNL_O_*). Returns -1 to go on, 0 after printing the
 * help, or CRSNL_EXIT_USAGE after printing the problem.
 */
static int container_opts(const char *what, int argc, char **argv,
			  unsigned int allowed, void (*help)(FILE *f),
			  struct crsnl_container_req *req)
{
	struct crsnl_opt opts[N_SETTINGS + 2] = {
		{ "pid", 'p', CRSNL_OPT_PID, &req->pid, NULL },
	};
	size_t i;
	int r;

	for (i = 0; i < N_SETTINGS; i++)
		opts[i + 1] = (struct crsnl_opt){
			container_settings[i].name, 0,
			container_settings[i].parse ? CRSNL_OPT_FN :
						      CRSNL_OPT_FN_FLAG,
			(char *)req + container_settings[i].off,
			allowed & container_settings[i].bit ?
				container_setting : setting_not_here,
		};
	r = crsnl_opts(what, argc, argv, opts, help, req->want_name ? 1 : 0);
	if (r >= 0)
		return r;
	if (req->want_name && optind < argc)
		req->name = argv[optind];
	if (req->want_name && !req->name)
		return crsnl_usage_error(what, "missing policy NAME");
	if (!req->pid)
		return crsnl_usage_error(what, "missing --pid PID");
	return -1;
}

int crsnl_container_cmd(const char *what, int argc, char **argv,
			unsigned int allowed, void (*help)(FILE *f),
			uint8_t cmd, int learning)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;
	int r;

	req.want_name = cmd == CRS_CMD_APPLY;
	r = container_opts(what, argc, argv, allowed, help, &req);
	if (r >= 0)
		return r;
	if (learning >= 0)
		req.learning = learning;
	if (cmd == CRS_CMD_SET_CONTAINER && req.policy_mode < 0 &&
	    req.log_mode < 0 && req.learning < 0)
		return crsnl_usage_error(what,
					 "nothing to set (give --policy-mode, --log-mode or --learning)");
	return crsnl_container_call(what, cmd, &req);
}

/* Send CMD with CRS_A_CONTAINER built from req; print the error. */
int crsnl_container_call(const char *what, uint8_t cmd,
			 const struct crsnl_container_req *req)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	int ret;

	crs_ipc_open_or_die(&ipc);
	msg = crs_req_container(&ipc, cmd, req);
	ret = crs_ipc_run(&ipc, what, msg, NULL, NULL);
	crs_ipc_close(&ipc);
	return ret;
}

static void apply_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy apply NAME --pid PID [--host] [--policy-mode M]\n"
		"                          [--log-mode L] [--learning on|off]\n\n"
		"Bind policy NAME to the container of process PID (its pid\n"
		"namespace, as seen from the caller's). The host's initial pid\n"
		"namespace is refused unless --host. --policy-mode (ACTIVE,\n"
		"PERMISSIVE, INACTIVE), --log-mode (NONE, POLICY_MONITOR,\n"
		"POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL,\n"
		"BEHAVIOR, ALL) and --learning override the policy per container.\n\n"
		"Examples:\n"
		"  crsnl policy apply web-server --pid $(docker inspect -f '{{.State.Pid}}' web)\n"
		"  crsnl policy apply batch-job --pid 4242 --policy-mode PERMISSIVE --log-mode POLICY_ALL\n");
}

static int cmd_apply(int argc, char **argv)
{
	return crsnl_container_cmd("policy apply", argc, argv, CRSNL_O_ALL,
				   apply_help, CRS_CMD_APPLY, -1);
}

static void detach_help(FILE *f)
{
	fprintf(f, "Usage: crsnl policy detach --pid PID\n\n"
		"Unbind the container that process PID resolves to (the nearest\n"
		"bound ancestor pid namespace). Fails if PID is in no container.\n\n"
		"Example:\n  crsnl policy detach --pid 4242\n");
}

static int cmd_detach(int argc, char **argv)
{
	return crsnl_container_cmd("policy detach", argc, argv, 0, detach_help,
				   CRS_CMD_DETACH, -1);
}

static const struct crsnl_cmd policy_cmds[] = {
	{ "push", cmd_push, NULL, NULL },
	{ "check", cmd_check, NULL, NULL },
	{ "list", cmd_list, NULL, NULL },
	{ "show", cmd_show, NULL, NULL },
	{ "delete", cmd_delete, NULL, NULL },
	{ "apply", cmd_apply, NULL, NULL },
	{ "detach", cmd_detach, NULL, NULL },
	{ "import-seccomp", import_seccomp_main, NULL, NULL },
};

const struct crsnl_group policy_group = {
	"policy", policy_cmds, ARRAY_SIZE(policy_cmds), policy_usage
};
