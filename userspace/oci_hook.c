// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl oci-hook: an OCI runtime hook (createRuntime or prestart) that
 * binds a container to a crs policy chosen by the image it runs (the
 * bindings in /etc/crs/bindings.json) and, where the bindings allow, by
 * its own crs.* annotations, before the container's process runs its
 * first instruction.
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
 * The image. containers/storage (podman, CRI-O) records it: the
 * container's entry in STORAGE/DRIVER-containers/containers.json names
 * the image id, whose entry in DRIVER-images/images.json has the names
 * and the digest. The storage is found above the bundle (podman's bundle
 * is STORAGE/DRIVER-containers/ID/userdata), else under --storage-root
 * (default /var/lib/containers/storage). These files are written by the
 * engine, not by whoever starts the container, so they are preferred.
 * Only when the container is not there (containerd, plain runc) the
 * annotations io.kubernetes.cri.image-name (containerd's CRI plugin) and
 * io.kubernetes.cri-o.ImageName are used: whoever writes a plain runc
 * bundle chooses its annotations, and so its binding.
 *
 * Annotations: crs.policy (policy name), crs.policy-mode, crs.log-mode,
 * crs.learning; what they may change is bindings.json "annotations". No
 * binding and no crs.* annotation: exit 0, nothing done. Learning without
 * a policy: the container is learned (the same call as 'crsnl learn
 * start'). The bind holds the runtime's own last steps in the container
 * too (runc init after createRuntime, runc exec): see docs/deployment.md,
 * "What the policy also covers". Any problem (bad JSON, no pid, an unknown crs.*
 * key or value, a bindings file with an error, no such policy, the
 * module not loaded) is one line on stderr and exit status 1, which
 * makes the runtime abort the start: a container crs should govern never
 * runs unprotected.
 *
 * A binding with "learning": true learns every container of its images
 * into one set named after the binding's pattern ("default" for the
 * default binding), which outlives the containers: 'crsnl learn export
 * --image PATTERN'.
 *
 * Each container is recorded in RUN_DIR/containers/ID.json (default
 * /run/crs) so that 'crsnl sync' can re-apply changed bindings to it; run
 * as a poststop hook (state "status": "stopped") it removes the record.
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
#include "config.h"
#include "crsnl.h"
#include "ipc.h"
#include "policy.h"

#define STATE_MAX (1 << 20)	/* annotations can be large; 1 MiB is plenty */
#define STORAGE_ROOT "/var/lib/containers/storage"
#define MAX_REFS 32

static void oci_hook_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsnl oci-hook [--config-dir DIR] [--run-dir DIR]\n"
		"                      [--storage-root DIR] < STATE.json\n\n"
		"OCI runtime hook (createRuntime or prestart): read the container's\n"
		"OCI state on stdin and bind the container (its pid namespace) to the\n"
		"policy that DIR/bindings.json (default " CRS_CONFIG_DIR ") binds its image to,\n"
		"or that its annotations name where the bindings allow: crs.policy,\n"
		"crs.policy-mode (ACTIVE, PERMISSIVE, INACTIVE), crs.log-mode (NONE ...\n"
		"ALL), crs.learning (on, off). Without a bindings file the annotations\n"
		"alone decide, and a container without crs.* annotations is left alone.\n"
		"Any error exits 1, so the runtime does not start the container.\n"
		"The image comes from containers/storage (podman, CRI-O; STORAGE above\n"
		"the bundle or --storage-root, default " STORAGE_ROOT ") or the\n"
		"annotation io.kubernetes.cri.image-name (containerd).\n"
		"--run-dir (default " CRS_RUN_DIR ") keeps a record per container for\n"
		"'crsnl sync'.\n\n"
		"runc config.json:\n"
		"  \"annotations\": {\"crs.policy\": \"web-server\"},\n"
		"  \"hooks\": {\"createRuntime\": [{\"path\": \"/usr/sbin/crsnl\",\n"
		"                                \"args\": [\"crsnl\", \"oci-hook\"]}]}\n"
		"podman, CRI-O: install oci-hooks.d/crs.json in\n"
		"/usr/share/containers/oci/hooks.d/, then for example\n"
		"  podman run docker.io/library/nginx:latest   (bound by image)\n"
		"  podman run --annotation crs.policy-mode=ACTIVE IMAGE\n");
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


struct refs {
	char *v[MAX_REFS];
	size_t n;
};

static void refs_add(struct refs *r, const char *ref)
{
	char norm[CRS_IMAGE_REF_MAX], err[256];
	size_t i;

	if (r->n == MAX_REFS ||
	    crs_image_normalize(ref, norm, sizeof(norm), err, sizeof(err)))
		return;
	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i], norm))
			return;
	r->v[r->n] = strdup(norm);
	if (r->v[r->n])
		r->n++;
}

static void refs_free(struct refs *r)
{
	while (r->n)
		free(r->v[--r->n]);
}

/* The JSON array in PATH; NULL if it cannot be read or is not an array. */
static struct json_object *read_array(const char *path)
{
	struct json_object *o;
	char err[512], *buf;
	size_t len;

	if (crsnl_read_file(path, CRSNL_FILE_MAX, &buf, &len, err, sizeof(err)))
		return NULL;
	o = json_tokener_parse(buf);
	free(buf);
	if (o && !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* The element of @arr whose "id" is @id. */
static struct json_object *find_id(struct json_object *arr, const char *id)
{
	struct json_object *e, *v;
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_object) &&
		    json_object_object_get_ex(e, "id", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    !strcmp(json_object_get_string(v), id))
			return e;
	}
	return NULL;
}

/* REF with its tag replaced by @DIGEST, so "...@sha256:*" patterns match */
static void refs_add_digest(struct refs *r, const char *ref, const char *digest)
{
	char byd[CRS_IMAGE_REF_MAX + 128], *at;

	if (!digest || strchr(ref, '@'))
		return;
	snprintf(byd, sizeof(byd), "%s", ref);
	at = strrchr(byd, '/');
	at = strchr(at ? at : byd, ':');
	if (at)
		*at = 0;
	snprintf(byd + strlen(byd), sizeof(byd) - strlen(byd), "@%s", digest);
	refs_add(r, byd);
}

/* The image @image_id in DIR/images.json: its names and digest. */
static int storage_image(const char *dir, const char *image_id,
			 const char *own_name, struct refs *r)
{
	struct json_object *imgs, *img, *v, *names;
	const char *digest = NULL;
	char path[4200];
	size_t i;

	snprintf(path, sizeof(path), "%s/images.json", dir);
	imgs = read_array(path);
	img = find_id(imgs, image_id);
	if (!img) {
		json_object_put(imgs);
		return 0;
	}
	if (json_object_object_get_ex(img, "digest", &v) &&
	    json_object_is_type(v, json_type_string))
		digest = json_object_get_string(v);
	if (own_name) {
		/* the name the container was created from, not every tag */
		refs_add(r, own_name);
		refs_add_digest(r, own_name, digest);
	} else if (json_object_object_get_ex(img, "names", &names) &&
		   json_object_is_type(names, json_type_array)) {
		for (i = 0; i < json_object_array_length(names); i++) {
			v = json_object_array_get_idx(names, i);
			if (!json_object_is_type(v, json_type_string))
				continue;
			refs_add(r, json_object_get_string(v));
			refs_add_digest(r, json_object_get_string(v), digest);
		}
	}
	json_object_put(imgs);
	return 1;
}

/*
 * Look the container up in containers/storage's DIR (named
 * DRIVER-containers): containers.json, or volatile-containers.json (podman
 * run --rm, transient stores). Its image: the name it was created from
 * (the entry's metadata "image-name"), with the image's digest from
 * DRIVER-images/images.json next to DIR or under @graph.
 * 1: found (refs filled), 0: not there.
 */
static int storage_lookup(const char *dir, const char *id, const char *graph,
			  struct refs *r)
{
	static const char *const files[] = {
		"containers.json", "volatile-containers.json",
	};
	struct json_object *cts = NULL, *c = NULL, *v, *md = NULL;
	const char *image_id, *own = NULL, *drv;
	char path[4200];
	size_t len = strlen(dir), i;
	int found = 0;

	if (len < 11 || strcmp(dir + len - 11, "-containers"))
		return 0;
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !c; i++) {
		json_object_put(cts);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		cts = read_array(path);
		c = find_id(cts, id);
	}
	if (!c || !json_object_object_get_ex(c, "image", &v) ||
	    !json_object_is_type(v, json_type_string))
		goto out;
	image_id = json_object_get_string(v);
	found = 1;
	if (json_object_object_get_ex(c, "metadata", &v) &&
	    json_object_is_type(v, json_type_string))
		md = json_tokener_parse(json_object_get_string(v));
	if (md && json_object_object_get_ex(md, "image-name", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    *json_object_get_string(v))
		own = json_object_get_string(v);
	/* the sibling DRIVER-images, else the graph root's */
	snprintf(path, sizeof(path), "%.*s-images", (int)(len - 11), dir);
	if (storage_image(path, image_id, own, r))
		goto out;
	drv = strrchr(dir, '/');
	drv = drv ? drv + 1 : dir;
	snprintf(path, sizeof(path), "%s/%.*s-images", graph,
		 (int)(strlen(drv) - 11), drv);
	if (!storage_image(path, image_id, own, r) && own)
		refs_add(r, own);
out:
	json_object_put(md);
	json_object_put(cts);
	return found;
}

/*
 * Is the bundle in a containers/storage layout, DIR/DRIVER-containers/ID/
 * userdata? Then the engine keeps the container's image there, and not
 * finding it must not fall back to annotations its creator wrote.
 */
static bool storage_bundle(const char *bundle, const char *id)
{
	char tail[600];
	const char *p;
	size_t n;

	snprintf(tail, sizeof(tail), "/%s/userdata", id);
	n = strlen(bundle);
	while (n > 1 && bundle[n - 1] == '/')
		n--;
	if (n <= strlen(tail) || strncmp(bundle + n - strlen(tail), tail, strlen(tail)))
		return false;
	p = bundle + n - strlen(tail);
	return p - bundle >= 11 && !strncmp(p - 11, "-containers", 11);
}

/*
 * The image references of the container; r->n == 0 when none is known
 * (then only the default binding applies). A bundle in containers/
 * storage's layout is never named by annotations, found there or not.
 */
static void image_refs(struct json_object *state, struct json_object *ann,
		       const char *id, const char *storage_root,
		       struct refs *r)
{
	static const char *const cri[] = {
		"io.kubernetes.cri.image-name",
		"io.kubernetes.cri-o.ImageName",
	};
	static const char *const drivers[] = {
		"overlay", "vfs", "btrfs", "zfs", "aufs",
	};
	static const char *const roots[] = { NULL, "/run/containers/storage" };
	char dir[4096], *slash;
	const char *bundle = "";
	struct json_object *v;
	size_t i, j;
	int up;

	if (json_object_object_get_ex(state, "bundle", &v) &&
	    json_object_is_type(v, json_type_string)) {
		bundle = json_object_get_string(v);
		snprintf(dir, sizeof(dir), "%s", bundle);
		for (up = 0; up < 4; up++) {
			slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				break;
			*slash = 0;
			if (storage_lookup(dir, id, storage_root, r))
				return;
		}
	}
	for (j = 0; j < sizeof(roots) / sizeof(roots[0]); j++) {
		for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
			snprintf(dir, sizeof(dir), "%s/%s-containers",
				 roots[j] ? roots[j] : storage_root, drivers[i]);
			if (storage_lookup(dir, id, storage_root, r))
				return;
		}
	}
	if (storage_bundle(bundle, id)) {
		/*
		 * the engine's container without a storage entry (podman
		 * --rootfs): no image, and not the one an annotation claims
		 */
		return;
	}
	for (i = 0; ann && i < sizeof(cri) / sizeof(cri[0]); i++) {
		if (json_object_object_get_ex(ann, cri[i], &v) &&
		    json_object_is_type(v, json_type_string)) {
			refs_add(r, json_object_get_string(v));
			return;
		}
	}
	return;
}

/* "bindings[2] (image "docker.io/library/nginx:*")", "default", "annotations" */
static void binding_label(const struct crs_config *cfg,
			  const struct crs_binding *b, int index, char *buf,
			  size_t len)
{
	if (!b)
		snprintf(buf, len, "annotations");
	else if (index < 0)
		snprintf(buf, len, "%s/bindings.json default", cfg->dir);
	else
		snprintf(buf, len, "%s/bindings.json bindings[%d] (image \"%s\")",
			 cfg->dir, index, b->image);
}

int oci_hook_main(int argc, char **argv)
{
	struct crsnl_container_req req = CRSNL_CONTAINER_REQ_INIT;
	struct json_object *state = NULL, *v, *ann = NULL;
	const char *config_dir = CRS_CONFIG_DIR, *run_dir = CRS_RUN_DIR;
	const char *storage_root = STORAGE_ROOT;
	struct crs_decision annd, d;
	const struct crs_binding *b = NULL;
	struct crs_config cfg = { 0 };
	struct refs refs = { .n = 0 };
	enum json_tokener_error jerr;
	char label[600], blabel[1200], what[2400], err[1024];
	const char *id = "?";
	bool given;
	int64_t pid;
	int ret = 1, r, index = -1;
	char *buf = NULL;
	const struct crsnl_opt opts[] = {
		{ "config-dir", 0, CRSNL_OPT_STR, &config_dir, NULL },
		{ "run-dir", 0, CRSNL_OPT_STR, &run_dir, NULL },
		{ "storage-root", 0, CRSNL_OPT_STR, &storage_root, NULL },
		{ NULL }
	};

	r = crsnl_opts("oci-hook", argc, argv, opts, oci_hook_usage, -1);
	if (r >= 0)
		return r;
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
	snprintf(label, sizeof(label), "crsnl: oci-hook: container \"%s\"", id);
	if (json_object_object_get_ex(state, "status", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), "stopped")) {
		/* poststop: the container is gone, so is its record */
		crs_record_remove(run_dir, id);
		ret = 0;
		goto out;
	}
	if (json_object_object_get_ex(state, "annotations", &ann) &&
	    !json_object_is_type(ann, json_type_object)) {
		fprintf(stderr, "%s: \"annotations\" is not an object\n", label);
		goto out;
	}
	if (crs_annotations_parse(ann, label, &annd, &given, stderr))
		goto out;
	if (crs_config_load_bindings(config_dir, &cfg, stderr)) {
		fprintf(stderr, "%s: %s/bindings.json has errors: not started\n",
			label, config_dir);
		goto out;
	}
	/* the image, also without bindings: sync may bind it later */
	image_refs(state, ann, id, storage_root, &refs);
	if (cfg.has_bindings)
		b = crs_config_match(&cfg, (const char *const *)refs.v, refs.n,
				     &index);
	binding_label(&cfg, b, index, blabel, sizeof(blabel));
	if (crs_config_decide(&cfg, b, &annd, given, &d, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", label, err);
		goto out;
	}
	r = crs_decision_check(&d, label, stderr);
	if (r < 0)
		goto out;
	if (!json_object_object_get_ex(state, "pid", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		if (r > 0) {	/* nothing to do, nothing to record */
			ret = 0;
			goto out;
		}
		fprintf(stderr, "%s: the OCI state has no \"pid\" (run the hook as createRuntime or prestart)\n",
			label);
		goto out;
	}
	pid = json_object_get_int64(v);
	if (pid < 1 || pid > INT32_MAX) {
		fprintf(stderr, "%s: \"pid\" %lld is not a process id\n",
			label, (long long)pid);
		goto out;
	}
	req.pid = (uint32_t)pid;
	if (r > 0) {
		/* not governed; recorded so that sync can bind it later */
		crs_record_save(run_dir, id, req.pid,
				(const char *const *)refs.v, refs.n, ann, &d);
		ret = 0;
		goto out;
	}
	req.root_fd = open_rootfs(state, id);
	if (req.root_fd < 0)
		goto out;
	req.name = d.policy[0] ? d.policy : NULL;
	req.policy_mode = d.policy_mode;
	req.log_mode = d.log_mode;
	req.learning = d.learning;
	/* a binding that learns: one set per binding, kept after exit */
	if (b && b->learning == 1 && d.learning == 1)
		req.learn_set = b->image ? b->image : "default";
	if (req.name) {
		snprintf(what, sizeof(what),
			 "oci-hook: container \"%s\": apply policy \"%s\"%s%s", id,
			 req.name, b ? " from " : "", b ? blabel : "");
		ret = crsnl_container_call(what, CRS_CMD_APPLY, &req);
	} else {
		snprintf(what, sizeof(what),
			 "oci-hook: container \"%s\": learning on%s%s", id,
			 b ? " from " : "", b ? blabel : "");
		ret = crsnl_container_call(what, CRS_CMD_SET_CONTAINER, &req);
	}
	if (!ret)
		crs_record_save(run_dir, id, req.pid,
				(const char *const *)refs.v, refs.n, ann, &d);
out:
	if (req.root_fd >= 0)
		close(req.root_fd);
	refs_free(&refs);
	crs_config_free(&cfg);
	json_object_put(state);
	free(buf);
	return ret;
}
