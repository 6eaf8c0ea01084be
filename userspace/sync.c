// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl sync: make the kernel match the configuration directory.
 *
 * 1. Read and validate everything: DIR/policies/ *.json, DIR/bindings.json,
 *    every policy a binding names. Any problem: one line each, exit 1,
 *    nothing sent to the kernel.
 * 2. Plan, against what the kernel holds:
 *    - push a policy that is new or differs from the kernel's copy;
 *    - re-apply the binding of each running container the OCI hook
 *      recorded (RUN_DIR/containers/ID.json) whose binding changed;
 *    - delete a policy sync pushed before (RUN_DIR/policies.json) that
 *      left the directory, once no container uses it.
 * 3. Print the plan (--dry-run stops here) and carry it out in that
 *    order, so a re-applied container never names a policy the kernel
 *    does not have yet.
 *
 * A second run with nothing changed does nothing and says so.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cmdutil.h"
#include "config.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

/* Write @o to @path through a temporary file and rename(2). 0 or -1. */
static int write_json(const char *path, struct json_object *o)
{
	char tmp[4200];
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%s\n", s) > 0;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int mkdir_p(const char *dir)
{
	char p[4096], *s;

	snprintf(p, sizeof(p), "%s", dir);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

/* Field 22 of /proc/PID/stat: when the process started; 0 if gone. */
static unsigned long long start_of(uint32_t pid)
{
	char p[64], buf[1024], *s;
	unsigned long long t = 0;
	FILE *f;
	int i;

	snprintf(p, sizeof(p), "/proc/%u/stat", pid);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	s = strrchr(buf, ')');		/* the name may hold spaces */
	for (i = 2; s && i < 22; i++)
		s = strchr(s + 1, ' ');
	if (s)
		t = strtoull(s + 1, NULL, 10);
	return t;
}

static unsigned long long pidns_of(uint32_t pid)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%u/ns/pid", pid);
	return stat(p, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* A container id usable as a file name. */
static bool id_ok(const char *id)
{
	const char *p;

	if (!*id || *id == '.' || strlen(id) > 200)
		return false;
	for (p = id; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("_.-+", *p)))
			return false;
	return true;
}

static struct json_object *decision_json(const struct crs_decision *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "policy", d->policy[0] ?
			       json_object_new_string(d->policy) : NULL);
	if (d->policy_mode >= 0)
		json_object_object_add(o, "policyMode",
				       json_object_new_string(crs_mode_name(d->policy_mode)));
	if (d->log_mode >= 0)
		json_object_object_add(o, "logMode",
				       json_object_new_string(crs_log_mode_name(d->log_mode)));
	if (d->learning >= 0)
		json_object_object_add(o, "learning",
				       json_object_new_boolean(d->learning));
	return o;
}

static void decision_from_json(struct json_object *o, struct crs_decision *d)
{
	struct json_object *v;

	memset(d, 0, sizeof(*d));
	d->policy_mode = d->log_mode = d->learning = -1;
	if (json_object_object_get_ex(o, "policy", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(d->policy, sizeof(d->policy), "%s",
			 json_object_get_string(v));
	if (json_object_object_get_ex(o, "policyMode", &v) &&
	    json_object_is_type(v, json_type_string))
		d->policy_mode = crs_mode_parse(json_object_get_string(v));
	if (json_object_object_get_ex(o, "logMode", &v) &&
	    json_object_is_type(v, json_type_string))
		d->log_mode = crs_log_mode_parse(json_object_get_string(v));
	if (json_object_object_get_ex(o, "learning", &v) &&
	    json_object_is_type(v, json_type_boolean))
		d->learning = json_object_get_boolean(v);
}

/* Kubernetes names as containerd's CRI plugin and CRI-O annotate them. */
static const char *const k8s_keys[][2] = {
	{ "io.kubernetes.cri.sandbox-name", "pod" },
	{ "io.kubernetes.pod.name", "pod" },
	{ "io.kubernetes.cri.sandbox-namespace", "namespace" },
	{ "io.kubernetes.pod.namespace", "namespace" },
	{ "io.kubernetes.cri.container-name", "container" },
	{ "io.kubernetes.container.name", "container" },
};

void crs_record_save(const char *run_dir, const char *id, uint32_t pid,
		     const char *const *refs, size_t n_refs,
		     struct json_object *ann, const struct crs_decision *d)
{
	struct json_object *o, *a, *arr, *k8s;
	char dir[4096], path[4400];
	size_t i;

	if (!id_ok(id)) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": bound, but the id is no file name: 'crsnl sync' will not re-apply its binding\n",
			id);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/containers", run_dir);
	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "pid", json_object_new_int64(pid));
	json_object_object_add(o, "pidns", json_object_new_uint64(pidns_of(pid)));
	json_object_object_add(o, "start", json_object_new_uint64(start_of(pid)));
	arr = json_object_new_array();
	for (i = 0; i < n_refs; i++)
		json_object_array_add(arr, json_object_new_string(refs[i]));
	json_object_object_add(o, "images", arr);
	a = json_object_new_object();
	if (ann) {
		json_object_object_foreach(ann, key, val) {
			if (!strncmp(key, "crs.", 4))
				json_object_object_add(a, key, json_object_get(val));
		}
	}
	json_object_object_add(o, "annotations", a);
	json_object_object_add(o, "applied", decision_json(d));
	k8s = json_object_new_object();
	for (i = 0; ann && i < sizeof(k8s_keys) / sizeof(k8s_keys[0]); i++) {
		struct json_object *v;

		if (json_object_object_get_ex(ann, k8s_keys[i][0], &v) &&
		    json_object_is_type(v, json_type_string) &&
		    !json_object_object_get_ex(k8s, k8s_keys[i][1], NULL))
			json_object_object_add(k8s, k8s_keys[i][1],
					       json_object_get(v));
	}
	json_object_object_add(o, "kubernetes", k8s);
	if (mkdir_p(dir) || write_json(path, o))
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": bound, but %s: %s: 'crsnl sync' will not re-apply its binding\n",
			id, path, strerror(errno));
	json_object_put(o);
}

static void copy_str(struct json_object *o, const char *key, char *buf,
		     size_t len)
{
	struct json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
}

size_t crs_records_load(const char *run_dir, struct crs_workload *w,
			size_t max)
{
	char dir[4096], path[4400], err[256], *buf;
	struct json_object *o, *v;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/containers", run_dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while (n < max && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (crsnl_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)))
			continue;
		o = json_tokener_parse(buf);
		free(buf);
		if (!o || !json_object_object_get_ex(o, "pidns", &v)) {
			json_object_put(o);
			continue;
		}
		memset(&w[n], 0, sizeof(w[n]));
		w[n].pidns = json_object_get_uint64(v);
		copy_str(o, "id", w[n].id, sizeof(w[n].id));
		if (json_object_object_get_ex(o, "images", &v) &&
		    json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) &&
		    json_object_is_type(json_object_array_get_idx(v, 0),
					json_type_string))
			snprintf(w[n].image, sizeof(w[n].image), "%s",
				 json_object_get_string(json_object_array_get_idx(v, 0)));
		json_object_object_get_ex(o, "kubernetes", &v);
		copy_str(v, "pod", w[n].pod, sizeof(w[n].pod));
		copy_str(v, "namespace", w[n].pod_namespace, sizeof(w[n].pod_namespace));
		copy_str(v, "container", w[n].name, sizeof(w[n].name));
		json_object_put(o);
		n++;
	}
	closedir(d);
	return n;
}

void crs_record_remove(const char *run_dir, const char *id)
{
	char path[4400];

	if (!id_ok(id))
		return;
	snprintf(path, sizeof(path), "%s/containers/%s.json", run_dir, id);
	if (unlink(path) && errno != ENOENT)
		fprintf(stderr, "crsnl: oci-hook: %s: %s\n", path, strerror(errno));
}

void crs_record_update(const char *path, const struct crs_decision *d)
{
	char err[512], *buf;
	struct json_object *o;
	size_t len;

	if (crsnl_read_file(path, CRSNL_FILE_MAX, &buf, &len, err, sizeof(err)))
		return;
	o = json_tokener_parse(buf);
	free(buf);
	if (!o)
		return;
	json_object_object_add(o, "applied", decision_json(d));
	if (write_json(path, o))
		fprintf(stderr, "crsnl: sync: %s: %s\n", path, strerror(errno));
	json_object_put(o);
}

/* sync */

struct ctr {
	char *path;
	char id[256];
	uint32_t pid;
	bool gone;
	bool change;
	struct crs_decision old, now;
	char why[1100];
};

struct plan {
	struct crs_config cfg;
	struct crs_policy_list kernel;
	bool *push;			/* per cfg policy */
	char **push_why;
	char **managed;			/* policies.json */
	size_t n_managed;
	bool *del;			/* per managed: to delete */
	bool *deleted;			/* per managed: deleted */
	struct ctr *ctrs;
	size_t n_ctrs;
};

static const struct crs_policy *kernel_policy(const struct plan *p,
					      const char *name)
{
	size_t i;

	for (i = 0; i < p->kernel.n; i++)
		if (!strcmp(p->kernel.v[i].name, name))
			return &p->kernel.v[i];
	return NULL;
}

static bool cfg_has(const struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->cfg.n_policies; i++)
		if (!strcmp(p->cfg.policies[i].name, name))
			return true;
	return false;
}

static void load_managed(struct plan *p, const char *run_dir)
{
	char path[4200], err[512], *buf;
	struct json_object *o, *arr, *v;
	size_t len, i;

	snprintf(path, sizeof(path), "%s/policies.json", run_dir);
	if (crsnl_read_file(path, CRSNL_FILE_MAX, &buf, &len, err, sizeof(err)))
		return;
	o = json_tokener_parse(buf);
	free(buf);
	if (o && json_object_object_get_ex(o, "policies", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		p->managed = calloc(json_object_array_length(arr) + 1,
				    sizeof(*p->managed));
		for (i = 0; p->managed && i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			if (json_object_is_type(v, json_type_string))
				p->managed[p->n_managed++] =
					strdup(json_object_get_string(v));
		}
	}
	json_object_put(o);
}

static int save_managed(const struct plan *p, const char *run_dir)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char path[4200];
	size_t i;
	int ret;

	for (i = 0; i < p->cfg.n_policies; i++)
		json_object_array_add(arr, json_object_new_string(p->cfg.policies[i].name));
	for (i = 0; i < p->n_managed; i++)
		if (!p->deleted[i] && !cfg_has(p, p->managed[i]) &&
		    kernel_policy(p, p->managed[i]))
			json_object_array_add(arr, json_object_new_string(p->managed[i]));
	json_object_object_add(o, "policies", arr);
	snprintf(path, sizeof(path), "%s/policies.json", run_dir);
	ret = mkdir_p(run_dir) || write_json(path, o);
	json_object_put(o);
	return ret;
}

/* Read the hook's records and decide each container's binding anew. */
static void plan_containers(struct plan *p, const char *run_dir)
{
	char dir[4096], err[1024], *buf, label[400];
	struct json_object *o, *v, *arr, *ann;
	const char *refs[32];
	struct dirent *de;
	size_t len, n, i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/containers", run_dir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct crs_decision annd;
		const struct crs_binding *b;
		struct ctr *c;
		bool given;
		int index;
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".json"))
			continue;
		p->ctrs = realloc(p->ctrs, (p->n_ctrs + 1) * sizeof(*p->ctrs));
		if (!p->ctrs) {
			fprintf(stderr, "crsnl: out of memory\n");
			exit(1);
		}
		c = &p->ctrs[p->n_ctrs++];
		memset(c, 0, sizeof(*c));
		if (asprintf(&c->path, "%s/%s", dir, de->d_name) < 0) {
			fprintf(stderr, "crsnl: out of memory\n");
			exit(1);
		}
		o = NULL;
		if (!crsnl_read_file(c->path, CRSNL_FILE_MAX, &buf, &len, err,
				     sizeof(err))) {
			o = json_tokener_parse(buf);
			free(buf);
		}
		if (!o || !json_object_object_get_ex(o, "id", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			c->gone = true;
			snprintf(c->id, sizeof(c->id), "%.*s", (int)(l - 5),
				 de->d_name);
			json_object_put(o);
			continue;
		}
		snprintf(c->id, sizeof(c->id), "%s", json_object_get_string(v));
		c->pid = json_object_object_get_ex(o, "pid", &v) ?
			 (uint32_t)json_object_get_int64(v) : 0;
		/* the same process: pid, pid namespace and start time */
		if (!c->pid || !json_object_object_get_ex(o, "pidns", &v) ||
		    pidns_of(c->pid) != json_object_get_uint64(v) ||
		    !json_object_object_get_ex(o, "start", &v) ||
		    start_of(c->pid) != json_object_get_uint64(v)) {
			c->gone = true;
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "applied", &v);
		decision_from_json(v, &c->old);
		n = 0;
		if (json_object_object_get_ex(o, "images", &arr) &&
		    json_object_is_type(arr, json_type_array)) {
			for (i = 0; i < json_object_array_length(arr) && n < 32; i++) {
				v = json_object_array_get_idx(arr, i);
				if (json_object_is_type(v, json_type_string))
					refs[n++] = json_object_get_string(v);
			}
		}
		b = p->cfg.has_bindings ?
		    crs_config_match(&p->cfg, refs, n, &index) : NULL;
		snprintf(label, sizeof(label), "container \"%s\"", c->id);
		ann = NULL;
		json_object_object_get_ex(o, "annotations", &ann);
		snprintf(err, sizeof(err), "a crs.* annotation is malformed");
		if (crs_annotations_parse(ann, label, &annd, &given, stderr) ||
		    crs_config_decide(&p->cfg, b, &annd, given, &c->now, err,
				      sizeof(err))) {
			/* the annotations are no longer allowed: the binding alone */
			snprintf(c->why, sizeof(c->why), " (annotations ignored: %s)",
				 err);
			crs_config_decide(&p->cfg, b, &annd, false, &c->now,
					  err, sizeof(err));
			if (!c->now.policy[0] && c->now.learning != 1) {
				/* never loosen to nothing for that: keep it */
				c->now = c->old;
				fprintf(stderr, "crsnl: sync: container %s: no binding applies and its annotations are no longer allowed (%s): left as it is\n",
					c->id, err);
			}
		}
		c->change = !crs_decision_equal(&c->old, &c->now);
		json_object_put(o);
	}
	closedir(d);
}

static void print_decision(const char *verb, const struct ctr *c)
{
	const struct crs_decision *d = &c->now;

	if (!d->policy[0] && d->learning != 1) {
		printf("%s container %s: detach (no binding applies)%s\n", verb,
		       c->id, c->why);
		return;
	}
	printf("%s container %s: %s%s%s", verb, c->id,
	       d->policy[0] ? "policy " : "learning only", d->policy,
	       d->policy_mode >= 0 ? " mode " : "");
	if (d->policy_mode >= 0)
		fputs(crs_mode_name(d->policy_mode), stdout);
	if (d->log_mode >= 0)
		printf(" log mode %s", crs_log_mode_name(d->log_mode));
	if (d->learning >= 0)
		printf(" learning %s", d->learning ? "on" : "off");
	printf("%s\n", c->why);
}

static int apply_ctr(const struct ctr *c)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;
	char what[512];

	snprintf(what, sizeof(what), "sync: container \"%s\"", c->id);
	req.pid = c->pid;
	req.policy_mode = c->now.policy_mode;
	req.log_mode = c->now.log_mode;
	req.learning = c->now.learning;
	req.reset = 1;
	if (c->now.policy[0]) {
		req.name = c->now.policy;
		return crsnl_container_call(what, CRS_CMD_APPLY, &req);
	}
	if (c->old.policy[0]) {
		struct crsnl_container_req det = CRSNL_CONTAINER_REQ_INIT;

		det.pid = c->pid;
		if (crsnl_container_call(what, CRS_CMD_DETACH, &det))
			return 1;
	}
	if (c->now.learning == 1)
		return crsnl_container_call(what, CRS_CMD_SET_CONTAINER, &req);
	if (c->old.learning == 1) {
		req.learning = 0;
		return crsnl_container_call(what, CRS_CMD_SET_CONTAINER, &req);
	}
	return 0;
}

static void sync_help(FILE *f)
{
	fprintf(f,
		"Usage: crsnl sync [--config-dir DIR] [--run-dir DIR] [--dry-run]\n\n"
		"Make the kernel match DIR (default " CRS_CONFIG_DIR "): DIR/policies/*.json\n"
		"are the policies, DIR/bindings.json binds image references to them\n"
		"(see crsnl oci-hook --help). Every file is validated first: any\n"
		"problem is one line naming the file and the field, and nothing\n"
		"changes. Then sync pushes new and changed policies, re-applies\n"
		"changed bindings to running containers (those the OCI hook recorded\n"
		"in RUN_DIR, default " CRS_RUN_DIR "), deletes the policies it pushed\n"
		"that left DIR once no container uses them, and prints each step.\n"
		"A second run changes nothing. --dry-run prints the plan only.\n\n"
		"Examples:\n"
		"  crsnl sync\n"
		"  crsnl sync --dry-run\n"
		"  crsnl sync --config-dir ./crs-config\n");
}

int sync_main(int argc, char **argv)
{
	const char *what = "sync", *dir = CRS_CONFIG_DIR, *run_dir = CRS_RUN_DIR;
	struct plan p = { 0 };
	char why[512], w[600];
	unsigned int max_rules;
	int problems = 0, from_module, ret, steps = 0;
	struct crs_ipc ipc;
	bool dry = false;
	const struct crsnl_opt opts[] = {
		{ "config-dir", 0, CRSNL_OPT_STR, &dir, NULL },
		{ "run-dir", 0, CRSNL_OPT_STR, &run_dir, NULL },
		{ "dry-run", 'n', CRSNL_OPT_FLAG, &dry, NULL },
		{ NULL }
	};
	size_t i, alive;

	ret = crsnl_opts(what, argc, argv, opts, sync_help, 0);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (access(dir, F_OK)) {
		fprintf(stderr, "crsnl: sync: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	problems += crs_config_load_policies(dir, &p.cfg, stderr);
	problems += crs_config_load_bindings(dir, &p.cfg, stderr);
	problems += crs_config_check_names(&p.cfg, stderr);
	max_rules = crsnl_max_rules(&from_module);
	for (i = 0; i < p.cfg.n_policies; i++) {
		if (p.cfg.policies[i].n_rules > max_rules) {
			fprintf(stderr, "%s: policy \"%s\": %zu rules, more than max_rules %u\n",
				p.cfg.policy_files[i], p.cfg.policies[i].name,
				p.cfg.policies[i].n_rules, max_rules);
			problems++;
		}
	}
	if (problems) {
		fprintf(stderr, "crsnl: sync: %d problem%s in %s: nothing changed\n",
			problems, problems == 1 ? "" : "s", dir);
		crs_config_free(&p.cfg);
		return 1;
	}
	crs_ipc_open_or_die(&ipc);
	if (crsnl_get_policies(&ipc, what, &p.kernel)) {
		crs_ipc_close(&ipc);
		crs_config_free(&p.cfg);
		return 1;
	}
	crs_ipc_close(&ipc);

	/* plan */
	p.push = calloc(p.cfg.n_policies + 1, sizeof(*p.push));
	p.push_why = calloc(p.cfg.n_policies + 1, sizeof(*p.push_why));
	load_managed(&p, run_dir);
	p.del = calloc(p.n_managed + 1, sizeof(*p.del));
	p.deleted = calloc(p.n_managed + 1, sizeof(*p.deleted));
	if (!p.push || !p.push_why || !p.del || !p.deleted) {
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	for (i = 0; i < p.cfg.n_policies; i++) {
		const struct crs_policy *k = kernel_policy(&p, p.cfg.policies[i].name);

		if (!k) {
			p.push[i] = true;
			p.push_why[i] = strdup("new");
		} else if (!crs_policy_equal(&p.cfg.policies[i], k, why,
					     sizeof(why))) {
			p.push[i] = true;
			snprintf(w, sizeof(w), "changed: %s", why);
			p.push_why[i] = strdup(w);
		}
	}
	plan_containers(&p, run_dir);
	for (i = 0; i < p.n_managed; i++) {
		const struct crs_policy *k = kernel_policy(&p, p.managed[i]);

		p.del[i] = k && !cfg_has(&p, p.managed[i]);
	}

	/* carry it out: pushes, containers, deletes */
	if (!dry)
		crs_ipc_open_or_die(&ipc);
	for (i = 0; i < p.cfg.n_policies; i++) {
		struct crs_policy *pol = &p.cfg.policies[i];

		if (!p.push[i])
			continue;
		steps++;
		if (dry) {
			printf("would push policy \"%s\" (%s, %s)\n", pol->name,
			       p.push_why[i], p.cfg.policy_files[i]);
			continue;
		}
		if (crsnl_push_policy(&ipc, pol, p.cfg.policy_files[i])) {
			ret = 1;
			goto done;
		}
		printf("pushed policy \"%s\" (%s, %s, %zu rules)\n", pol->name,
		       p.push_why[i], p.cfg.policy_files[i], pol->n_rules);
	}
	for (i = 0; i < p.n_ctrs; i++) {
		struct ctr *ct = &p.ctrs[i];

		if (ct->gone) {
			if (!dry)
				unlink(ct->path);
			continue;
		}
		if (!ct->change)
			continue;
		steps++;
		if (dry) {
			print_decision("would re-apply", ct);
			continue;
		}
		if (apply_ctr(ct)) {
			ret = 1;
			continue;
		}
		print_decision("re-applied", ct);
		crs_record_update(ct->path, &ct->now);
	}
	for (i = 0; i < p.n_managed; i++) {
		const struct crs_policy *k = kernel_policy(&p, p.managed[i]);
		int r;

		if (!p.del[i])
			continue;
		steps++;
		if (dry) {
			printf("would delete policy \"%s\" (no longer in %s/policies%s)\n",
			       p.managed[i], dir,
			       k->containers ? "; kept while containers use it" : "");
			continue;
		}
		r = crsnl_delete_policy(&ipc, p.managed[i]);
		if (r == -EBUSY) {
			printf("kept policy \"%s\": no longer in %s/policies, but containers use it\n",
			       p.managed[i], dir);
			p.del[i] = false;
			steps--;
		} else if (r) {
			ret = 1;
		} else {
			p.deleted[i] = true;
			printf("deleted policy \"%s\" (no longer in %s/policies)\n",
			       p.managed[i], dir);
		}
	}
done:
	if (!dry) {
		crs_ipc_close(&ipc);
		if (save_managed(&p, run_dir)) {
			fprintf(stderr, "crsnl: sync: %s/policies.json: %s\n",
				run_dir, strerror(errno));
			ret = 1;
		}
	}
	for (i = 0, alive = 0; i < p.n_ctrs; i++)
		alive += !p.ctrs[i].gone;
	if (!steps)
		printf("nothing to change: %zu polic%s, %zu binding%s%s, %zu container%s in sync with %s\n",
		       p.cfg.n_policies, p.cfg.n_policies == 1 ? "y" : "ies",
		       p.cfg.n_bindings, p.cfg.n_bindings == 1 ? "" : "s",
		       p.cfg.has_default ? " and a default" : "",
		       alive, alive == 1 ? "" : "s", dir);
	for (i = 0; i < p.cfg.n_policies; i++)
		free(p.push_why[i]);
	free(p.push_why);
	free(p.push);
	for (i = 0; i < p.n_managed; i++)
		free(p.managed[i]);
	free(p.managed);
	free(p.del);
	free(p.deleted);
	for (i = 0; i < p.n_ctrs; i++)
		free(p.ctrs[i].path);
	free(p.ctrs);
	crs_policy_list_free(&p.kernel);
	crs_config_free(&p.cfg);
	return ret;
}
