// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl oci-hook: an OCI runtime hook (createRuntime or prestart) that
 * binds a container to a crs policy named by its annotations, before the
 * container's process runs its first instruction.
 *
 * The runtime (runc, crun, podman, CRI-O) writes the OCI state on stdin:
 *
 *   {"ociVersion": "1.0.2", "id": "web", "status": "creating",
 *    "pid": 4242, "bundle": "/run/web",
 *    "annotations": {"crs.policy": "web-server", "crs.log-mode": "ALL"}}
 *
 * pid is the container's init as seen from the runtime's pid namespace,
 * which is where createRuntime and prestart hooks run; crs binds that
 * process's pid namespace (the same call as 'crsnl policy apply').
 *
 * Annotations: crs.policy (policy name), crs.policy-mode, crs.log-mode,
 * crs.learning. No crs.* annotation (or crs.learning off alone): exit 0,
 * nothing done. crs.learning on without crs.policy: the container is
 * learned with no policy (the same call as 'crsnl learn start'). The
 * bind holds the runtime's own last steps in the container too (runc
 * init after createRuntime, runc exec): see README "Running containers
 * with crs". Any problem (bad
 * JSON, no pid, an unknown crs.* key or value, no such policy, the
 * module not loaded) is one line on stderr and exit status 1, which makes
 * the runtime abort the start: a container asking for crs never runs
 * unprotected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cmdutil.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

#define STATE_MAX (1 << 20)	/* annotations can be large; 1 MiB is plenty */

#define ANN_POLICY	"crs.policy"
#define ANN_MODE	"crs.policy-mode"
#define ANN_LOG		"crs.log-mode"
#define ANN_LEARNING	"crs.learning"

static void oci_hook_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl oci-hook < STATE.json\n\n"
		"OCI runtime hook (createRuntime or prestart): read the container's\n"
		"OCI state on stdin and bind the container (its pid namespace) to the\n"
		"policy named by the annotation crs.policy, with the optional\n"
		"annotations crs.policy-mode (ACTIVE, PERMISSIVE, INACTIVE),\n"
		"crs.log-mode (NONE ... ALL) and crs.learning (on, off). crs.learning\n"
		"on alone learns the container with no policy. Without crs.*\n"
		"annotations it does nothing. Any error exits 1, so the runtime does\n"
		"not start the container.\n\n"
		"runc config.json:\n"
		"  \"annotations\": {\"crs.policy\": \"web-server\"},\n"
		"  \"hooks\": {\"createRuntime\": [{\"path\": \"/usr/local/sbin/crsnl\",\n"
		"                                \"args\": [\"crsnl\", \"oci-hook\"]}]}\n"
		"podman, CRI-O: install oci-hooks.d/crs.json in\n"
		"/usr/share/containers/oci/hooks.d/, then for example\n"
		"  podman run --annotation crs.policy=web-server IMAGE\n");
}

/* Read all of stdin into a NUL-terminated buffer; NULL after printing why. */
static char *read_state(void)
{
	char err[512], *buf;
	size_t len;

	if (crsnl_read_file("-", STATE_MAX, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "crsnl: oci-hook: OCI state on %s\n", err);
		return NULL;
	}
	return buf;
}

/* String value of annotation KEY, NULL if absent; *bad set if not a string. */
static const char *annotation(struct json_object *ann, const char *key,
			      const char *id, int *bad)
{
	struct json_object *v;

	if (!ann || !json_object_object_get_ex(ann, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\" is not a string\n",
			id, key);
		*bad = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

/* Fill req from the annotations. 0: act; 1: nothing to do; -1: error printed. */
static int parse_annotations(struct json_object *ann, const char *id,
			     struct crsnl_container_req *req)
{
	const char *policy, *mode, *log, *learning;
	int bad = 0, any = 0, m;

	if (ann) {
		json_object_object_foreach(ann, key, val) {
			(void)val;
			if (strncmp(key, "crs.", 4))
				continue;
			any = 1;
			if (strcmp(key, ANN_POLICY) && strcmp(key, ANN_MODE) &&
			    strcmp(key, ANN_LOG) && strcmp(key, ANN_LEARNING)) {
				fprintf(stderr, "crsnl: oci-hook: container \"%s\": unknown annotation \"%s\" (expected %s, %s, %s or %s)\n",
					id, key, ANN_POLICY, ANN_MODE, ANN_LOG,
					ANN_LEARNING);
				return -1;
			}
		}
	}
	if (!any)
		return 1;
	policy = annotation(ann, ANN_POLICY, id, &bad);
	mode = annotation(ann, ANN_MODE, id, &bad);
	log = annotation(ann, ANN_LOG, id, &bad);
	learning = annotation(ann, ANN_LEARNING, id, &bad);
	if (bad)
		return -1;
	if (policy && !*policy) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\" is empty\n",
			id, ANN_POLICY);
		return -1;
	}
	req->name = policy;
	if (mode) {
		m = crs_mode_parse(mode);
		if (m < 0) {
			fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\": \"%s\": expected ACTIVE, PERMISSIVE or INACTIVE\n",
				id, ANN_MODE, mode);
			return -1;
		}
		req->policy_mode = m;
	}
	if (log) {
		m = crs_log_mode_parse(log);
		if (m < 0) {
			fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\": \"%s\": expected NONE, POLICY_MONITOR, POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL, BEHAVIOR or ALL\n",
				id, ANN_LOG, log);
			return -1;
		}
		req->log_mode = m;
	}
	if (learning) {
		m = crsnl_parse_onoff(learning);
		if (m < 0) {
			fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\": \"%s\": expected on or off\n",
				id, ANN_LEARNING, learning);
			return -1;
		}
		req->learning = m;
	}
	if (policy || req->learning == 1) {
		if (!policy && req->policy_mode >= 0) {
			fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\" needs \"%s\"\n",
				id, ANN_MODE, ANN_POLICY);
			return -1;
		}
		return 0;
	}
	/* crs.learning off alone asks for nothing; a mode alone is a mistake. */
	if (req->policy_mode >= 0 || req->log_mode >= 0) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": annotation \"%s\" needs \"%s\" (or \"%s\": on)\n",
			id, mode ? ANN_MODE : ANN_LOG, ANN_POLICY, ANN_LEARNING);
		return -1;
	}
	return 1;
}

#define CONFIG_MAX (16 << 20)	/* config.json; far larger than any real one */

/*
 * Open the container's root file system, the bundle's config.json
 * root.path (relative to the bundle unless absolute), O_PATH: the kernel
 * resolves the policy's names there, as the runtime has not pivoted into
 * it yet when createRuntime runs. The fd, or -1 after printing why.
 */
static int open_rootfs(struct json_object *state, const char *id)
{
	struct json_object *cfg = NULL, *v, *root;
	char err[512], path[4096], *buf = NULL;
	const char *bundle, *rp;
	size_t len;
	int fd = -1;

	if (!json_object_object_get_ex(state, "bundle", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !*(bundle = json_object_get_string(v))) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": the OCI state has no \"bundle\"\n",
			id);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (crsnl_read_file(path, CONFIG_MAX, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": bundle config %s\n",
			id, err);
		return -1;
	}
	cfg = json_tokener_parse(buf);
	if (!cfg || !json_object_object_get_ex(cfg, "root", &root) ||
	    !json_object_object_get_ex(root, "path", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !*(rp = json_object_get_string(v))) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": %s: no \"root\": {\"path\"}\n",
			id, path);
		goto out;
	}
	if (rp[0] == '/')
		snprintf(path, sizeof(path), "%s", rp);
	else
		snprintf(path, sizeof(path), "%s/%s", bundle, rp);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": root file system %s: %s\n",
			id, path, strerror(errno));
out:
	json_object_put(cfg);
	free(buf);
	return fd;
}

int oci_hook_main(int argc, char **argv)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;
	struct json_object *state = NULL, *v, *ann = NULL;
	enum json_tokener_error jerr;
	const char *id = "?";
	char what[512];
	char *buf;
	int64_t pid;
	int ret = 1, r;

	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	while ((c = crsnl_getopt("oci-hook", argc, argv, ":h", lo)) != -1) {
		if (c == 'h') {
			oci_hook_usage(stdout);
			return 0;
		}
		return CRSNL_EXIT_USAGE;
	}
	if (optind < argc)
		return crsnl_usage_error("oci-hook", "unexpected argument \"%s\" (the OCI state comes on stdin)",
					 argv[optind]);
	buf = read_state();
	if (!buf)
		return 1;
	state = json_tokener_parse_verbose(buf, &jerr);
	if (!state || !json_object_is_type(state, json_type_object)) {
		fprintf(stderr, "crsnl: oci-hook: stdin is not an OCI state JSON object%s%s\n",
			state ? "" : ": ",
			state ? "" : json_tokener_error_desc(jerr));
		goto out;
	}
	if (json_object_object_get_ex(state, "id", &v) &&
	    json_object_is_type(v, json_type_string))
		id = json_object_get_string(v);
	if (json_object_object_get_ex(state, "annotations", &ann) &&
	    !json_object_is_type(ann, json_type_object)) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": \"annotations\" is not an object\n",
			id);
		goto out;
	}
	r = parse_annotations(ann, id, &req);
	if (r) {
		ret = r > 0 ? 0 : 1;
		goto out;
	}
	if (!json_object_object_get_ex(state, "pid", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": the OCI state has no \"pid\" (run the hook as createRuntime or prestart)\n",
			id);
		goto out;
	}
	pid = json_object_get_int64(v);
	if (pid < 1 || pid > INT32_MAX) {
		fprintf(stderr, "crsnl: oci-hook: container \"%s\": \"pid\" %lld is not a process id\n",
			id, (long long)pid);
		goto out;
	}
	req.pid = (uint32_t)pid;
	req.root_fd = open_rootfs(state, id);
	if (req.root_fd < 0)
		goto out;
	if (req.name) {
		snprintf(what, sizeof(what),
			 "oci-hook: container \"%s\": apply policy \"%s\"", id,
			 req.name);
		ret = crsnl_container_call(what, CRS_CMD_APPLY, &req);
	} else {
		snprintf(what, sizeof(what),
			 "oci-hook: container \"%s\": learning on", id);
		ret = crsnl_container_call(what, CRS_CMD_SET_CONTAINER, &req);
	}
out:
	if (req.root_fd >= 0)
		close(req.root_fd);
	json_object_put(state);
	free(buf);
	return ret;
}
