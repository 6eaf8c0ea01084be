/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crsnl: the declarative configuration in /etc/crs (or --config-dir):
 * policies/NAME.json and bindings.json, which binds image references to
 * policies. Read by 'crsnl sync' and 'crsnl oci-hook'; see
 * docs/configuration.md.
 */
#ifndef CRSNL_CONFIG_H
#define CRSNL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

#define CRS_CONFIG_DIR		"/etc/crs"
#define CRS_RUN_DIR		"/run/crs"
#define CRS_IMAGE_REF_MAX	512

/* bindings.json "annotations": what a container's crs.* annotations may do. */
enum crs_ann_rule {
	CRS_ANN_DENY,		/* nothing: a crs.* annotation fails the start */
	CRS_ANN_TIGHTEN,	/* only make the binding stricter (default) */
	CRS_ANN_ANY,		/* anything, as without a bindings file */
};

/* What a container is bound with; -1 / NULL: not set. */
struct crs_decision {
	char policy[256];	/* "": no policy */
	int policy_mode, log_mode, learning;
};

struct crs_binding {
	char *image;		/* glob on the normalized reference; NULL: default */
	char *policy;		/* NULL: no policy ("policy": null) */
	int policy_mode, log_mode, learning;	/* -1: not set */
	char **ann_policies;	/* "annotationPolicies" */
	size_t n_ann_policies;
};

struct crs_config {
	char *dir;
	/* policies/ (crs_config_load_policies()) */
	struct crs_policy *policies;
	char **policy_files;
	size_t n_policies;
	/* bindings.json */
	bool has_bindings;
	struct crs_binding *bindings;
	size_t n_bindings;
	bool has_default;
	struct crs_binding def;
	enum crs_ann_rule annotations;
};

/*
 * Read DIR/bindings.json (absent: has_bindings false, not an error).
 * Every problem is one line on @errf naming the file and the field;
 * returns the number of problems (0: cfg is usable).
 */
int crs_config_load_bindings(const char *dir, struct crs_config *cfg,
			     FILE *errf);
/*
 * Read every DIR/policies/ *.json (sorted), as 'crsnl policy push' would;
 * two files defining one name is a problem. Returns the number of problems.
 */
int crs_config_load_policies(const char *dir, struct crs_config *cfg,
			     FILE *errf);
/* Policies named by the bindings must be in policies/; number of problems. */
int crs_config_check_names(const struct crs_config *cfg, FILE *errf);
void crs_config_free(struct crs_config *cfg);

/*
 * Normalize an image reference as Docker and containers/image do:
 * "nginx" -> "docker.io/library/nginx:latest", "quay.io/a/b@sha256:..."
 * unchanged. Returns 0, or -1 with why in @err when @ref is not a
 * reference.
 */
int crs_image_normalize(const char *ref, char *out, size_t outlen,
			char *err, size_t errlen);
/* 0 if @pattern can match some normalized reference, else -1 and why. */
int crs_image_pattern_check(const char *pattern, char *why, size_t whylen);

/*
 * The binding for a container whose image has the normalized references
 * @refs (any may match): the first binding whose pattern matches one,
 * else the default, else NULL. *index is its position (-1: default).
 */
const struct crs_binding *crs_config_match(const struct crs_config *cfg,
					   const char *const *refs, size_t n,
					   int *index);

/*
 * Combine the binding @b (NULL: none) and the container's crs.* values
 * @ann (policy "" and -1: not given) under cfg->annotations into @out.
 * Returns 0, or -1 with a one-line reason in @err.
 */
int crs_config_decide(const struct crs_config *cfg,
		      const struct crs_binding *b,
		      const struct crs_decision *ann, bool ann_given,
		      struct crs_decision *out, char *err, size_t errlen);

/*
 * The container's crs.* annotations (@ann may be NULL) into @d; *given
 * when there is any. Returns 0, or -1 after printing "LABEL: annotation
 * ..." on @errf (an unknown crs.* key, a bad value).
 */
int crs_annotations_parse(struct json_object *ann, const char *label,
			  struct crs_decision *d, bool *given, FILE *errf);
/*
 * 0: @d binds (a policy, or learning on); 1: nothing to do; -1 after
 * printing why (a mode without a policy).
 */
int crs_decision_check(const struct crs_decision *d, const char *label,
		       FILE *errf);
/*
 * The OCI hook's record of a bound container, RUN_DIR/containers/ID.json,
 * which 'crsnl sync' reads to re-apply a changed binding. Failures are
 * printed, not fatal: the container is bound either way.
 */
struct json_object;
void crs_record_save(const char *run_dir, const char *id, uint32_t pid,
		     const char *const *refs, size_t n_refs,
		     struct json_object *ann, const struct crs_decision *d);
void crs_record_update(const char *path, const struct crs_decision *d);
/* What an event's container is, from the hook's records. */
struct crs_workload {
	unsigned long long pidns;	/* the event's "container" */
	char id[256];			/* the engine's container id */
	char image[CRS_IMAGE_REF_MAX];	/* normalized, "" unknown */
	char pod[256], pod_namespace[256], name[256];	/* Kubernetes */
};
/* Read up to @max records of RUN_DIR/containers; their number. */
size_t crs_records_load(const char *run_dir, struct crs_workload *w,
			size_t max);
/* The poststop hook's: the container ID is gone. */
void crs_record_remove(const char *run_dir, const char *id);
bool crs_decision_equal(const struct crs_decision *a,
			const struct crs_decision *b);

#endif
