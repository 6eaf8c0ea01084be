// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl policy: push, list, show, delete, apply, detach, import-seccomp.
 */
#include <errno.h>
#include <inttypes.h>
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
		"       crsnl policy check [--print] FILE...\n"
		"       crsnl policy list\n"
		"       crsnl policy show NAME [--stats]\n"
		"       crsnl policy delete NAME [--force]\n"
		"       crsnl policy apply NAME --pid PID [--host] [--policy-mode M]\n"
		"                          [--log-mode L] [--learning on|off]\n"
		"       crsnl policy detach --pid PID\n"
		"       crsnl policy import-seccomp PROFILE.json --name NAME [-o OUT.json]\n"
		"\n"
		"Manage runtime policies in the kernel. 'crsnl policy SUBCOMMAND --help'\n"
		"shows each subcommand with examples.\n");
}

static int oom(void)
{
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
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

static int cmd_push(int argc, char **argv)
{
	struct crs_policy *pols;
	struct crs_ipc ipc;
	char err[1024], what[4200];
	int i, n = argc - 1, bad = 0, ret = 0;

	if (crsnl_wants_help(argc, argv) || argc < 2) {
		fprintf(argc < 2 ? stderr : stdout,
			"Usage: crsnl policy push FILE...\n\n"
			"Validate every FILE (policy JSON, see README \"Policy JSON\"), then\n"
			"create or replace each policy in the kernel, atomically per policy.\n"
			"Nothing is pushed if any file is invalid; each problem is one line\n"
			"naming the file, the rule and the field.\n\n"
			"Examples:\n"
			"  crsnl policy push policies/web-server.json\n"
			"  crsnl policy push policies/*.json\n");
		return argc < 2;
	}
	pols = calloc((size_t)n, sizeof(*pols));
	if (!pols)
		return oom();
	for (i = 0; i < n; i++) {
		if (crs_policy_parse_file(argv[i + 1], &pols[i], err,
					  sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
		}
	}
	if (bad) {
		/* each problem was one line; nothing went to the kernel */
		ret = 1;
		goto out;
	}
	crs_ipc_open_or_die(&ipc);
	for (i = 0; i < n; i++) {
		struct push_state ps = { .ipc = &ipc };
		int r = crs_policy_encode(&pols[i], ipc.family, push_emit, &ps);

		if (r) {
			snprintf(what, sizeof(what), "policy push %s", argv[i + 1]);
			crs_ipc_perror(&ipc, what, r);
			ret = 1;
			break;
		}
		printf("%s: pushed policy \"%s\" (%zu rules)\n", argv[i + 1],
		       pols[i].name, pols[i].n_rules);
	}
	crs_ipc_close(&ipc);
out:
	for (i = 0; i < n; i++)
		crs_policy_free(&pols[i]);
	free(pols);
	return ret;
}

static int cmd_check(int argc, char **argv)
{
	struct crs_policy p;
	char err[1024];
	bool print = false;
	int i, bad = 0, files = 0;

	if (crsnl_wants_help(argc, argv) || argc < 2) {
		fprintf(argc < 2 ? stderr : stdout,
			"Usage: crsnl policy check [--print] FILE...\n\n"
			"Validate each FILE exactly as 'policy push' does, without the kernel.\n"
			"--print writes each policy back in the normalized form 'policy show'\n"
			"prints.\n\n"
			"Examples:\n"
			"  crsnl policy check policies/*.json\n"
			"  crsnl policy check --print policies/web-server.json\n");
		return argc < 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--print")) {
			print = true;
			continue;
		}
		files++;
		if (crs_policy_parse_file(argv[i], &p, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
			continue;
		}
		if (print) {
			char *out = crs_policy_to_string(&p, false);

			if (out)
				fputs(out, stdout);
			free(out);
		} else {
			printf("%s: policy \"%s\" is valid (%zu rules)\n", argv[i],
			       p.name, p.n_rules);
		}
		crs_policy_free(&p);
	}
	if (!files) {
		fprintf(stderr, "crsnl: policy check: missing FILE (see --help)\n");
		return 1;
	}
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
		struct nl_msg *msg = crs_ipc_msg(ipc, CRS_CMD_GET_POLICY,
						 NLM_F_DUMP);
		struct nlattr *pol;

		if (!msg)
			return oom();
		if (flags && nla_put_u32(msg, CRS_A_FLAGS, flags))
			goto nomem;
		if (name) {
			pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
			if (!pol || nla_put_string(msg, CRS_POLICY_A_NAME, name))
				goto nomem;
			nla_nest_end(msg, pol);
		}
		memset(c, 0, sizeof(*c));
		ret = crs_ipc_call(ipc, msg, on_policy, c);
		if (ret != -EAGAIN)
			break;
		crs_policy_list_free(&c->l);
		continue;
nomem:
		nlmsg_free(msg);
		return oom();
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

static int cmd_list(int argc, char **argv)
{
	struct crs_ipc ipc;
	struct collect c;
	size_t i;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl policy list\n\n"
		       "List the policies stored in the kernel: name, policy mode,\n"
		       "number of rules and number of containers bound to each.\n\n"
		       "Example:\n  crsnl policy list\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "crsnl: policy list: unexpected argument \"%s\"\n",
			argv[1]);
		return 1;
	}
	crs_ipc_open_or_die(&ipc);
	if (get_policies(&ipc, "policy list", NULL, 0, &c)) {
		crs_policy_list_free(&c.l);
		crs_ipc_close(&ipc);
		return 1;
	}
	printf("%-32s %-10s %8s %10s\n", "NAME", "MODE", "RULES", "CONTAINERS");
	for (i = 0; i < c.l.n; i++) {
		struct crs_policy *p = &c.l.v[i];

		printf("%-32s %-10s %8zu %10u\n", p->name, crs_mode_name(p->mode),
		       p->n_rules, p->containers);
	}
	crs_policy_list_free(&c.l);
	crs_ipc_close(&ipc);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	const char *name = NULL;
	struct crs_ipc ipc;
	struct collect c;
	bool stats = false;
	char *out;
	int i;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl policy show NAME [--stats]\n\n"
		       "Print policy NAME as stored in the kernel, as policy JSON that\n"
		       "'crsnl policy push' accepts and that describes the same policy.\n"
		       "--stats adds per-rule counters (\"stats\": {\"allowed\", \"denied\",\n"
		       "\"monitored\"}); that output is for reading, push refuses it.\n\n"
		       "Examples:\n"
		       "  crsnl policy show web-server > web-server.json\n"
		       "  crsnl policy show web-server --stats\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stats")) {
			stats = true;
		} else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "crsnl: policy show: unexpected argument \"%s\"\n",
				argv[i]);
			return 1;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		fprintf(stderr, "crsnl: policy show: missing policy NAME (see --help)\n");
		return 1;
	}
	crs_ipc_open_or_die(&ipc);
	if (get_policies(&ipc, "policy show", name,
			 stats ? CRS_GET_F_STATS : 0, &c)) {
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
	fputs(out, stdout);
	free(out);
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	const char *name = NULL;
	struct crs_ipc ipc;
	struct nl_msg *msg;
	struct nlattr *pol;
	uint32_t flags = 0;
	int i, ret;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl policy delete NAME [--force]\n\n"
		       "Delete policy NAME. While containers use it the kernel refuses\n"
		       "(EBUSY) unless --force, which detaches those containers first.\n\n"
		       "Examples:\n"
		       "  crsnl policy delete batch-job\n"
		       "  crsnl policy delete web-server --force\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force")) {
			flags |= CRS_DEL_F_FORCE;
		} else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "crsnl: policy delete: unexpected argument \"%s\"\n",
				argv[i]);
			return 1;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		fprintf(stderr, "crsnl: policy delete: missing policy NAME (see --help)\n");
		return 1;
	}
	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_DEL_POLICY, 0);
	if (!msg)
		return oom();
	pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
	if (!pol || nla_put_string(msg, CRS_POLICY_A_NAME, name) ||
	    (nla_nest_end(msg, pol), nla_put_u32(msg, CRS_A_FLAGS, flags))) {
		nlmsg_free(msg);
		return oom();
	}
	ret = crs_ipc_call(&ipc, msg, NULL, NULL);
	if (ret)
		crs_ipc_perror(&ipc, "policy delete", ret);
	crs_ipc_close(&ipc);
	return ret ? 1 : 0;
}

/*
 * Options shared by apply and container set: fills a CRS_A_CONTAINER
 * request. Return 0, or 1 after printing the problem.
 */
int crsnl_container_opts(const char *what, int argc, char **argv, int first,
			 struct crsnl_container_req *req)
{
	const char *v;
	int i, m;

	for (i = first; i < argc; i++) {
		if ((v = crsnl_optval(what, argc, argv, &i, "--pid"))) {
			if (crsnl_parse_pid(what, v, &req->pid))
				return 1;
		} else if ((v = crsnl_optval(what, argc, argv, &i, "--policy-mode"))) {
			m = crs_mode_parse(v);
			if (m < 0) {
				fprintf(stderr, "crsnl: %s: --policy-mode \"%s\": expected ACTIVE, PERMISSIVE or INACTIVE\n",
					what, v);
				return 1;
			}
			req->policy_mode = m;
		} else if ((v = crsnl_optval(what, argc, argv, &i, "--log-mode"))) {
			m = crs_log_mode_parse(v);
			if (m < 0) {
				fprintf(stderr, "crsnl: %s: --log-mode \"%s\": expected NONE, POLICY_MONITOR, POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL, BEHAVIOR or ALL\n",
					what, v);
				return 1;
			}
			req->log_mode = m;
		} else if ((v = crsnl_optval(what, argc, argv, &i, "--learning"))) {
			m = crsnl_parse_onoff(v);
			if (m < 0) {
				fprintf(stderr, "crsnl: %s: --learning \"%s\": expected on or off\n",
					what, v);
				return 1;
			}
			req->learning = m;
		} else if (!strcmp(argv[i], "--host")) {
			req->host = 1;
		} else if (argv[i][0] != '-' && !req->name && req->want_name) {
			req->name = argv[i];
		} else {
			fprintf(stderr, "crsnl: %s: unexpected argument \"%s\"\n",
				what, argv[i]);
			return 1;
		}
	}
	if (!req->pid) {
		fprintf(stderr, "crsnl: %s: missing --pid PID (see --help)\n", what);
		return 1;
	}
	return 0;
}

/* Send CMD with CRS_A_CONTAINER built from req; print the error. */
int crsnl_container_call(const char *what, uint8_t cmd,
			 const struct crsnl_container_req *req)
{
	struct crs_ipc ipc;
	struct nl_msg *msg;
	struct nlattr *ct;
	int ret;

	crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, cmd, 0);
	if (!msg)
		return oom();
	ct = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
	if (!ct || nla_put_u32(msg, CRS_CONTAINER_A_PID, req->pid) ||
	    (req->name &&
	     nla_put_string(msg, CRS_CONTAINER_A_POLICY, req->name)) ||
	    (req->policy_mode >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_POLICY_MODE,
			(uint8_t)req->policy_mode)) ||
	    (req->log_mode >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_LOG_MODE, (uint8_t)req->log_mode)) ||
	    (req->learning >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_LEARNING, (uint8_t)req->learning)))
		goto nomem;
	nla_nest_end(msg, ct);
	if (cmd != CRS_CMD_DETACH &&
	    nla_put_u32(msg, CRS_A_FLAGS, req->host ? CRS_APPLY_F_HOST : 0))
		goto nomem;
	ret = crs_ipc_call(&ipc, msg, NULL, NULL);
	if (ret)
		crs_ipc_perror(&ipc, what, ret);
	crs_ipc_close(&ipc);
	return ret ? 1 : 0;
nomem:
	nlmsg_free(msg);
	crs_ipc_close(&ipc);
	return oom();
}

static int cmd_apply(int argc, char **argv)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl policy apply NAME --pid PID [--host] [--policy-mode M]\n"
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
		return 0;
	}
	req.want_name = 1;
	if (crsnl_container_opts("policy apply", argc, argv, 1, &req))
		return 1;
	if (!req.name) {
		fprintf(stderr, "crsnl: policy apply: missing policy NAME (see --help)\n");
		return 1;
	}
	return crsnl_container_call("policy apply", CRS_CMD_APPLY, &req);
}

static int cmd_detach(int argc, char **argv)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;

	if (crsnl_wants_help(argc, argv)) {
		printf("Usage: crsnl policy detach --pid PID\n\n"
		       "Unbind the container that process PID resolves to (the nearest\n"
		       "bound ancestor pid namespace). Fails if PID is in no container.\n\n"
		       "Example:\n  crsnl policy detach --pid 4242\n");
		return 0;
	}
	if (crsnl_container_opts("policy detach", argc, argv, 1, &req))
		return 1;
	if (req.policy_mode >= 0 || req.log_mode >= 0 || req.learning >= 0 ||
	    req.host) {
		fprintf(stderr, "crsnl: policy detach: only --pid PID is accepted\n");
		return 1;
	}
	return crsnl_container_call("policy detach", CRS_CMD_DETACH, &req);
}

static const struct crsnl_cmd policy_cmds[] = {
	{ "push", cmd_push, NULL },
	{ "check", cmd_check, NULL },
	{ "list", cmd_list, NULL },
	{ "show", cmd_show, NULL },
	{ "delete", cmd_delete, NULL },
	{ "apply", cmd_apply, NULL },
	{ "detach", cmd_detach, NULL },
	{ "import-seccomp", import_seccomp_main, NULL },
};

int policy_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		policy_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		policy_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(policy_cmds) / sizeof(policy_cmds[0]); i++)
		if (!strcmp(argv[1], policy_cmds[i].name))
			return policy_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "crsnl: policy: unknown subcommand \"%s\" (see crsnl policy --help)\n",
		argv[1]);
	return 1;
}
