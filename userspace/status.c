// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl status: module version and counters, as text, JSON, or in the
 * Prometheus text exposition format (for node_exporter's textfile
 * collector): the module's counters, and per container its verdict and
 * event counters, labelled with what the OCI hook recorded of it.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cmdutil.h"
#include "config.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

static const char *const counter_names[CRS_STATUS_A_MAX + 1] = {
	[CRS_STATUS_A_POLICIES] = "policies",
	[CRS_STATUS_A_CONTAINERS] = "containers",
	[CRS_STATUS_A_RULES] = "rules",
	[CRS_STATUS_A_ALLOWED] = "allowed",
	[CRS_STATUS_A_DENIED] = "denied",
	[CRS_STATUS_A_MONITORED] = "monitored",
	[CRS_STATUS_A_EVENTS_SENT] = "events_sent",
	[CRS_STATUS_A_EVENTS_LOST] = "events_lost",
	[CRS_STATUS_A_MEM_POLICY] = "mem_policy_bytes",
	[CRS_STATUS_A_MEM_LEARN] = "mem_learn_bytes",
	[CRS_STATUS_A_MEM_EVENTS] = "mem_events_bytes",
	[CRS_STATUS_A_PROGRAMS] = "programs",
	[CRS_STATUS_A_HOOKS] = "hooks",
	[CRS_STATUS_A_UNNAMED] = "unnamed_paths",
	[CRS_STATUS_A_EVENTS_UNHEARD] = "events_unheard",
};

enum status_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS };

/* One bound container, as CRS_CMD_GET_CONTAINER dumped it. */
struct ct_row {
	uint64_t id, allowed, denied, monitored, lost, unheard, learned;
	int mode;
	char policy[CRS_NAME_MAX];
};

struct status_out {
	enum status_format fmt;
	struct json_object *doc;
	char version[64];
	bool has[CRS_STATUS_A_MAX + 1];
	uint64_t v[CRS_STATUS_A_MAX + 1];
	struct ct_row *ct;
	size_t n_ct, cap_ct;
	bool ct_oom;
};

static int on_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CRS_A_MAX + 1], *st[CRS_STATUS_A_MAX + 1];
	struct status_out *so = arg;
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL))
		return NL_SKIP;
	if (tb[CRS_A_VERSION])
		snprintf(so->version, sizeof(so->version), "%s",
			 nla_get_string(tb[CRS_A_VERSION]));
	if (!tb[CRS_A_STATUS] ||
	    nla_parse_nested(st, CRS_STATUS_A_MAX, tb[CRS_A_STATUS], NULL))
		return NL_OK;
	for (i = 1; i <= CRS_STATUS_A_MAX; i++) {
		if (!st[i] || !counter_names[i])
			continue;
		if (nla_len(st[i]) == 8)
			so->v[i] = nla_get_u64(st[i]);
		else if (nla_len(st[i]) == 4)
			so->v[i] = nla_get_u32(st[i]);
		else
			continue;
		so->has[i] = true;
	}
	return NL_OK;
}

static uint64_t ct_u64(struct nlattr **ct, int a)
{
	return ct[a] && nla_len(ct[a]) == 8 ? nla_get_u64(ct[a]) : 0;
}

static int on_container(struct nl_msg *msg, void *arg)
{
	struct nlattr *ct[CRS_CONTAINER_A_MAX + 1];
	struct status_out *so = arg;
	struct ct_row *r;

	if (crs_reply_nest(msg, CRS_A_CONTAINER, ct, CRS_CONTAINER_A_MAX))
		return NL_SKIP;
	if (so->n_ct == so->cap_ct) {
		size_t cap = so->cap_ct ? 2 * so->cap_ct : 64;
		struct ct_row *v = realloc(so->ct, cap * sizeof(*v));

		if (!v) {
			so->ct_oom = true;
			return NL_STOP;
		}
		so->ct = v;
		so->cap_ct = cap;
	}
	r = &so->ct[so->n_ct++];
	memset(r, 0, sizeof(*r));
	r->id = ct_u64(ct, CRS_CONTAINER_A_ID);
	r->allowed = ct_u64(ct, CRS_CONTAINER_A_ALLOWED);
	r->denied = ct_u64(ct, CRS_CONTAINER_A_DENIED);
	r->monitored = ct_u64(ct, CRS_CONTAINER_A_MONITORED);
	r->lost = ct_u64(ct, CRS_CONTAINER_A_EVENTS_LOST);
	r->unheard = ct_u64(ct, CRS_CONTAINER_A_EVENTS_UNHEARD);
	if (ct[CRS_CONTAINER_A_LEARNED] && nla_len(ct[CRS_CONTAINER_A_LEARNED]) == 4)
		r->learned = nla_get_u32(ct[CRS_CONTAINER_A_LEARNED]);
	r->mode = ct[CRS_CONTAINER_A_EFFECTIVE_MODE] ?
		  nla_get_u8(ct[CRS_CONTAINER_A_EFFECTIVE_MODE]) : -1;
	if (ct[CRS_CONTAINER_A_POLICY])
		snprintf(r->policy, sizeof(r->policy), "%s",
			 nla_get_string(ct[CRS_CONTAINER_A_POLICY]));
	return NL_OK;
}

/* Length of the valid UTF-8 sequence at @s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong 3- and 4-byte forms, surrogates, above U+10FFFF */
	if ((n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
			(s[0] == 0xed && s[1] >= 0xa0))) ||
	    (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) ||
			(s[0] == 0xf4 && s[1] >= 0x90))))
		return 0;
	return n;
}

/*
 * A label value: \ " and newline escaped, as the exposition format says;
 * bytes that are not UTF-8 (a name cut short, or a container's) become
 * U+FFFD, which the format's parsers require.
 */
static void prom_label(const char *name, const char *v, bool comma)
{
	const unsigned char *p = (const unsigned char *)v;
	int n;

	printf("%s%s=\"", comma ? "," : "", name);
	while (*p) {
		n = utf8_len(p);
		if (!n) {
			fputs("\xef\xbf\xbd", stdout);
			p++;
		} else if (*p == '\\' || *p == '"') {
			printf("\\%c", *p++);
		} else if (*p == '\n') {
			fputs("\\n", stdout);
			p++;
		} else {
			fwrite(p, 1, (size_t)n, stdout);
			p += n;
		}
	}
	putchar('"');
}

static void prom_head(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Module-wide metrics of one value: CRS_STATUS_A_* attribute @a. */
struct prom_global {
	const char *name, *help;
	int a;
};

static const struct prom_global prom_gauges[] = {
	{ "crs_policies", "Policies stored in the kernel.",
	  CRS_STATUS_A_POLICIES },
	{ "crs_containers", "Containers bound.", CRS_STATUS_A_CONTAINERS },
	{ "crs_rules", "Rules in all stored policies.", CRS_STATUS_A_RULES },
	{ "crs_programs", "Cached program identities.", CRS_STATUS_A_PROGRAMS },
	{ "crs_hooks", "Hooks installed.", CRS_STATUS_A_HOOKS },
};

static const struct prom_global prom_counters[] = {
	{ "crs_events_sent_total",
	  "Audit and behavior events delivered to netlink.",
	  CRS_STATUS_A_EVENTS_SENT },
	{ "crs_events_lost_total",
	  "Events dropped: queue full or a listener's socket buffer full.",
	  CRS_STATUS_A_EVENTS_LOST },
	{ "crs_events_unheard_total",
	  "Audit events produced while no listener was attached.",
	  CRS_STATUS_A_EVENTS_UNHEARD },
	{ "crs_unnamed_paths_total",
	  "File accesses whose path the kernel could not name, judged as denied.",
	  CRS_STATUS_A_UNNAMED },
};

/* Print the metrics @g[0..n) of @type that the kernel reported. */
static void prom_globals(const struct status_out *so,
			 const struct prom_global *g, size_t n,
			 const char *type)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!so->has[g[i].a])
			continue;
		prom_head(g[i].name, type, g[i].help);
		printf("%s %" PRIu64 "\n", g[i].name, so->v[g[i].a]);
	}
}

/* Labeled values of one metric: label value, CRS_STATUS_A_* attribute. */
static const struct {
	const char *label;
	int a;
} prom_verdicts[] = {
	{ "allowed", CRS_STATUS_A_ALLOWED },
	{ "denied", CRS_STATUS_A_DENIED },
	{ "monitored", CRS_STATUS_A_MONITORED },
}, prom_memory[] = {
	{ "policy", CRS_STATUS_A_MEM_POLICY },
	{ "learning", CRS_STATUS_A_MEM_LEARN },
	{ "events", CRS_STATUS_A_MEM_EVENTS },
};

/* The labels that say which workload a container is. */
static void prom_ct_labels(const struct ct_row *r,
			   const struct crs_workload *w)
{
	char id[32];

	snprintf(id, sizeof(id), "%" PRIu64, r->id);
	prom_label("container", id, false);
	prom_label("container_id", w ? w->id : "", true);
	prom_label("image", w ? w->image : "", true);
	prom_label("pod", w ? w->pod : "", true);
	prom_label("namespace", w ? w->pod_namespace : "", true);
	prom_label("container_name", w ? w->name : "", true);
	prom_label("policy", r->policy, true);
}

#define WORKLOADS_MAX 4096

/* Per container metrics of one value (besides the verdicts). */
static const struct {
	const char *name, *type, *help;
	size_t off;		/* of a uint64_t in struct ct_row */
} ct_metrics[] = {
	{ "crs_container_events_lost_total", "counter",
	  "Events of the container dropped (queue or socket buffer full).",
	  offsetof(struct ct_row, lost) },
	{ "crs_container_events_unheard_total", "counter",
	  "Audit events of the container produced while no listener was attached.",
	  offsetof(struct ct_row, unheard) },
	{ "crs_container_learned", "gauge",
	  "Distinct behaviors the container's learning set holds.",
	  offsetof(struct ct_row, learned) },
};

static const struct crs_workload *workload_find(const struct crs_workload *w,
						size_t n, uint64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].pidns == id)
			return &w[i];
	return NULL;
}

static void print_prometheus(const struct status_out *so, const char *run_dir)
{
	static struct crs_workload w[WORKLOADS_MAX];
	size_t nw = crs_records_load(run_dir, w, WORKLOADS_MAX), i, j, k;
	const struct crs_workload *wl;

	prom_head("crs_up", "gauge", "1: the crs module answered.");
	printf("crs_up 1\n");
	prom_head("crs_info", "gauge", "The loaded module's version.");
	printf("crs_info{");
	prom_label("version", so->version, false);
	printf("} 1\n");
	prom_globals(so, prom_gauges, ARRAY_SIZE(prom_gauges), "gauge");
	prom_head("crs_verdicts_total", "counter",
		  "Verdicts in all containers since the module was loaded.");
	for (k = 0; k < ARRAY_SIZE(prom_verdicts); k++)
		if (so->has[prom_verdicts[k].a])
			printf("crs_verdicts_total{verdict=\"%s\"} %" PRIu64 "\n",
			       prom_verdicts[k].label, so->v[prom_verdicts[k].a]);
	prom_globals(so, prom_counters, ARRAY_SIZE(prom_counters), "counter");
	prom_head("crs_memory_bytes", "gauge", "Kernel memory held by crs, by use.");
	for (k = 0; k < ARRAY_SIZE(prom_memory); k++)
		if (so->has[prom_memory[k].a])
			printf("crs_memory_bytes{use=\"%s\"} %" PRIu64 "\n",
			       prom_memory[k].label, so->v[prom_memory[k].a]);

	prom_head("crs_policy_containers", "gauge",
		  "Containers bound to the policy.");
	for (i = 0; i < so->n_ct; i++) {
		size_t n = 0;

		if (!so->ct[i].policy[0])
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(so->ct[j].policy, so->ct[i].policy))
				break;
		if (j < i)
			continue;	/* printed with the first */
		for (j = i; j < so->n_ct; j++)
			n += !strcmp(so->ct[j].policy, so->ct[i].policy);
		printf("crs_policy_containers{");
		prom_label("policy", so->ct[i].policy, false);
		printf("} %zu\n", n);
	}

	prom_head("crs_container_verdicts_total", "counter",
		  "Verdicts in the container; sum by (policy) for a policy's.");
	for (i = 0; i < so->n_ct; i++) {
		const uint64_t v[] = { so->ct[i].allowed, so->ct[i].denied,
				       so->ct[i].monitored };

		wl = workload_find(w, nw, so->ct[i].id);
		for (k = 0; k < 3; k++) {
			printf("crs_container_verdicts_total{");
			prom_ct_labels(&so->ct[i], wl);
			printf(",verdict=\"%s\"} %" PRIu64 "\n",
			       prom_verdicts[k].label, v[k]);
		}
	}
	for (j = 0; j < ARRAY_SIZE(ct_metrics); j++) {
		prom_head(ct_metrics[j].name, ct_metrics[j].type,
			  ct_metrics[j].help);
		for (i = 0; i < so->n_ct; i++) {
			printf("%s{", ct_metrics[j].name);
			prom_ct_labels(&so->ct[i], workload_find(w, nw, so->ct[i].id));
			printf("} %" PRIu64 "\n", *(const uint64_t *)
			       ((const char *)&so->ct[i] + ct_metrics[j].off));
		}
	}
}

static void print_plain(struct status_out *so)
{
	int i;

	if (so->fmt == FMT_JSON) {
		so->doc = json_object_new_object();
		if (so->version[0])
			json_object_object_add(so->doc, "version",
					       json_object_new_string(so->version));
	} else if (so->version[0]) {
		printf("version: %s\n", so->version);
	}
	for (i = 1; i <= CRS_STATUS_A_MAX; i++) {
		if (!so->has[i])
			continue;
		if (so->fmt == FMT_JSON)
			json_object_object_add(so->doc, counter_names[i],
					       json_object_new_uint64(so->v[i]));
		else
			printf("%s: %" PRIu64 "\n", counter_names[i], so->v[i]);
	}
	if (so->fmt == FMT_JSON) {
		puts(json_object_to_json_string_ext(so->doc, JSON_C_TO_STRING_PLAIN));
		json_object_put(so->doc);
	}
}

static void status_help(FILE *f)
{
	fprintf(f, "Usage: crsnl status [--format text|json|prometheus] [--json]\n"
		"                    [--run-dir DIR] [-o OUT]\n\n"
		"Print the module version, object counts, verdict and event\n"
		"counters, and memory use by category.\n"
		"  --format json     one JSON object (\"version\" and one number per\n"
		"                    counter); --json is the same\n"
		"  --format prometheus\n"
		"                    the Prometheus text format, for node_exporter's\n"
		"                    textfile collector: the counters above (crs_*), and per\n"
		"                    bound container crs_container_verdicts_total{verdict},\n"
		"                    crs_container_events_lost_total,\n"
		"                    crs_container_events_unheard_total and\n"
		"                    crs_container_learned, labelled container (pid\n"
		"                    namespace inode), container_id, image, pod, namespace,\n"
		"                    container_name (from the OCI hook's records, \"\" when\n"
		"                    unknown) and policy; crs_policy_containers{policy}\n"
		"  --run-dir DIR     the OCI hook's records (default " CRS_RUN_DIR ")\n"
		"  -o, --output OUT  write to OUT, replaced at once (a temporary file\n"
		"                    renamed), as the textfile collector wants\n\n"
		"Examples:\n  crsnl status\n  crsnl status --json\n"
		"  crsnl status --format prometheus -o /var/lib/prometheus/node-exporter/crs.prom\n");
}

/* Flush -o OUT's temporary file @tmp and rename it OUT: 0, or 1 (printed). */
static int status_output_done(const char *what, const char *out,
			      const char *tmp)
{
	bool file = out && strcmp(out, "-");

	if (crsnl_output_done(what)) {
		if (file)
			unlink(tmp);
		return 1;
	}
	if (file && rename(tmp, out)) {
		fprintf(stderr, "crsnl: %s: %s: %s\n", what, out, strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

/*
 * crsnl_opts() fn of --format F and --json (no value: json); 0, or
 * CRSNL_EXIT_USAGE after printing.
 */
static int format_opt(const char *what, const struct crsnl_opt *o,
		      const char *value)
{
	enum status_format *fmt = o->dst;

	if (!value || !strcmp(value, "json"))
		*fmt = FMT_JSON;
	else if (!strcmp(value, "text"))
		*fmt = FMT_TEXT;
	else if (!strcmp(value, "prometheus"))
		*fmt = FMT_PROMETHEUS;
	else
		return crsnl_usage_error(what,
			"--format: \"%s\" is not text, json or prometheus",
			value);
	return 0;
}

int status_main(int argc, char **argv)
{
	const char *what = "status", *run_dir = CRS_RUN_DIR, *out = NULL;
	struct status_out so = { 0 };
	const struct crsnl_opt opts[] = {
		{ "json", 0, CRSNL_OPT_FN_FLAG, &so.fmt, format_opt },
		{ "format", 0, CRSNL_OPT_FN, &so.fmt, format_opt },
		{ "run-dir", 0, CRSNL_OPT_STR, &run_dir, NULL },
		{ "output", 'o', CRSNL_OPT_STR, &out, NULL },
		{ NULL }
	};
	char tmp[4096];
	struct crs_ipc ipc;
	struct nl_msg *msg;
	int ret, tries;

	ret = crsnl_opts(what, argc, argv, opts, status_help, 0);
	if (ret >= 0)
		return ret;
	if (out && strcmp(out, "-") &&
	    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out,
		     (long)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "crsnl: %s: --output: path too long\n", what);
		return 1;
	}
	if (so.fmt == FMT_PROMETHEUS && crs_ipc_open(&ipc)) {
		/* say so in the file too, so that a stale one cannot say up */
		fprintf(stderr, "crsnl: the crs kernel module is not loaded (no generic netlink family \"%s\")\n",
			CRS_GENL_NAME);
		if (crsnl_output_via(what, out, tmp))
			return 1;
		prom_head("crs_up", "gauge", "1: the crs module answered.");
		printf("crs_up 0\n");
		status_output_done(what, out, tmp);
		return 1;
	}
	if (so.fmt != FMT_PROMETHEUS)
		crs_ipc_open_or_die(&ipc);
	msg = crs_ipc_msg(&ipc, CRS_CMD_GET_STATUS, 0);
	if (!msg)
		goto nomem;
	ret = crs_ipc_call(&ipc, msg, on_status, &so);
	for (tries = 0; !ret && so.fmt == FMT_PROMETHEUS && tries < 5; tries++) {
		msg = crs_ipc_msg(&ipc, CRS_CMD_GET_CONTAINER, NLM_F_DUMP);
		if (!msg)
			goto nomem;
		so.n_ct = 0;
		ret = crs_ipc_call(&ipc, msg, on_container, &so);
		if (ret != -EAGAIN)
			break;	/* -EAGAIN: the list changed while dumping */
	}
	crs_ipc_close(&ipc);
	if (ret) {
		crs_ipc_perror(&ipc, what, ret);
		free(so.ct);
		return 1;
	}
	if (so.ct_oom) {
		free(so.ct);
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	if (crsnl_output_via(what, out, tmp)) {
		free(so.ct);
		return 1;
	}
	if (so.fmt == FMT_PROMETHEUS)
		print_prometheus(&so, run_dir);
	else
		print_plain(&so);
	free(so.ct);
	return status_output_done(what, out, tmp);
nomem:
	crs_ipc_close(&ipc);
	fprintf(stderr, "crsnl: out of memory\n");
	return 1;
}
