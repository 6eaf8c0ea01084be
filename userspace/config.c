// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: the declarative configuration directory (config.h).
 *
 * bindings.json:
 *
 *   {"bindings": [{"image": "docker.io/library/nginx:*", "policy": "web",
 *                  "policyMode": "ACTIVE", "logMode": "POLICY_DENY",
 *                  "learning": false, "annotationPolicies": ["web-strict"]}],
 *    "default": {"policy": "baseline"},
 *    "annotations": "tighten"}
 *
 * Patterns are fnmatch(3) globs without flags ('*' also matches '/') on
 * the normalized reference "REGISTRY/PATH[:TAG][@DIGEST]". A pattern that
 * no normalized reference can match ("nginx:*", "library/nginx:*") is an
 * error, not a binding that silently never applies.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "config.h"

#define BINDINGS_FILE	"bindings.json"

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "crsnl: out of memory\n");
		exit(1);
	}
	return d;
}

/* Image references */

static bool ref_char(int ch)
{
	return isalnum(ch) || strchr("._-/:@+", ch);
}

int crs_image_normalize(const char *ref, char *out, size_t outlen,
			char *err, size_t errlen)
{
	char name[CRS_IMAGE_REF_MAX], *tag = NULL, *slash, *path;
	const char *digest, *domain, *p;
	size_t len = strlen(ref), n;
	bool lib = false;

	if (!len || len >= CRS_IMAGE_REF_MAX) {
		snprintf(err, errlen, "empty or longer than %d bytes",
			 CRS_IMAGE_REF_MAX - 1);
		return -1;
	}
	for (p = ref; *p; p++) {
		if (!ref_char((unsigned char)*p)) {
			snprintf(err, errlen, "character 0x%02x is not allowed in an image reference",
				 (unsigned char)*p);
			return -1;
		}
	}
	digest = strchr(ref, '@');
	n = digest ? (size_t)(digest - ref) : len;
	memcpy(name, ref, n);
	name[n] = 0;
	if (digest) {
		const char *colon = strchr(digest + 1, ':');

		if (!colon || colon == digest + 1 || strlen(colon + 1) < 32 ||
		    strspn(colon + 1, "0123456789abcdef") != strlen(colon + 1)) {
			snprintf(err, errlen, "digest \"%s\" is not ALGORITHM:HEX (lower case)",
				 digest + 1);
			return -1;
		}
	}
	slash = strrchr(name, '/');
	tag = strchr(slash ? slash : name, ':');
	if (tag) {
		*tag++ = 0;
		if (!*tag) {
			snprintf(err, errlen, "empty tag");
			return -1;
		}
	}
	slash = strchr(name, '/');
	/* as Docker's ParseNormalizedNamed: a dot, a port, localhost or upper case */
	for (p = name; slash && p < slash && !isupper((unsigned char)*p); p++)
		;
	if (slash && (memchr(name, '.', slash - name) ||
		      memchr(name, ':', slash - name) || p < slash ||
		      !strncmp(name, "localhost/", 10))) {
		*slash = 0;
		domain = name;
		path = slash + 1;
	} else {
		domain = "docker.io";
		path = name;
	}
	if (domain == name) {
		/* host names are case-blind; "quay.io.", "quay.io:443" are quay.io */
		size_t dl = strlen(name);
		char *q;

		for (q = name; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (dl > 4 && !strcmp(name + dl - 4, ":443"))
			name[dl -= 4] = 0;
		if (dl > 1 && name[dl - 1] == '.')
			name[--dl] = 0;
	}
	if (!strcmp(domain, "index.docker.io"))
		domain = "docker.io";
	if (!strcmp(domain, "docker.io") && !strchr(path, '/'))
		lib = true;
	if (!*path || *path == '/' || path[strlen(path) - 1] == '/' ||
	    strstr(path, "//")) {
		snprintf(err, errlen, "empty path component");
		return -1;
	}
	for (p = path; *p; p++) {
		if (isupper((unsigned char)*p) || *p == ':' || *p == '@') {
			snprintf(err, errlen, "repository \"%s\" must be lower case", path);
			return -1;
		}
	}
	n = (size_t)snprintf(out, outlen, "%s/%s%s%s%s%s", domain,
			     lib ? "library/" : "", path,
			     tag || !digest ? ":" : "",
			     tag ? tag : digest ? "" : "latest",
			     digest ? digest : "");
	if (n >= outlen) {
		snprintf(err, errlen, "longer than %zu bytes normalized", outlen - 1);
		return -1;
	}
	return 0;
}

int crs_image_pattern_check(const char *pattern, char *why, size_t whylen)
{
	char norm[CRS_IMAGE_REF_MAX], err[256], first[CRS_IMAGE_REF_MAX];
	const char *p, *last, *glob = strpbrk(pattern, "*?[");
	size_t n;

	if (!*pattern || strlen(pattern) >= CRS_IMAGE_REF_MAX) {
		snprintf(why, whylen, "empty or longer than %d bytes",
			 CRS_IMAGE_REF_MAX - 1);
		return -1;
	}
	for (p = pattern; *p; p++) {
		if (!ref_char((unsigned char)*p) && !strchr("*?[]!", *p)) {
			snprintf(why, whylen, "character 0x%02x never appears in an image reference",
				 (unsigned char)*p);
			return -1;
		}
		if (*p == '[' && !strchr(p, ']')) {
			snprintf(why, whylen, "'[' without ']'");
			return -1;
		}
	}
	if (!glob) {
		if (crs_image_normalize(pattern, norm, sizeof(norm), err,
					sizeof(err))) {
			snprintf(why, whylen, "not an image reference: %s", err);
			return -1;
		}
		if (strcmp(norm, pattern)) {
			snprintf(why, whylen, "never matches: patterns match normalized references (write \"%s\")",
				 norm);
			return -1;
		}
		return 0;
	}
	/* The registry: a literal first component must look like one. */
	n = strcspn(pattern, "/");
	if (!pattern[n] && pattern[0] != '*') {
		snprintf(why, whylen, "never matches: a normalized reference starts with a registry (write \"docker.io/library/%s\")",
			 pattern);
		return -1;
	}
	if (pattern[n] && n < sizeof(first)) {
		memcpy(first, pattern, n);
		first[n] = 0;
		if (!strpbrk(first, "*?[")) {
			for (p = first; *p; p++) {
				if (isupper((unsigned char)*p)) {
					snprintf(why, whylen, "never matches: registries are normalized to lower case");
					return -1;
				}
			}
			if (!strcmp(first, "index.docker.io")) {
				snprintf(why, whylen, "never matches: index.docker.io is normalized to docker.io");
				return -1;
			}
		}
		if (!strpbrk(first, "*?[") && !strchr(first, '.') &&
		    !strchr(first, ':') && strcmp(first, "localhost")) {
			snprintf(why, whylen, "never matches: \"%s\" is not a registry (write \"docker.io/%s\")",
				 first, pattern);
			return -1;
		}
		for (p = pattern + n + 1; *p && *p != ':' && *p != '@'; p++) {
			if (isupper((unsigned char)*p)) {
				snprintf(why, whylen, "never matches: repository names are lower case");
				return -1;
			}
		}
		if (!strcmp(first, "docker.io")) {
			p = pattern + n + 1;
			n = strcspn(p, "/*?[:@");
			if (p[n] != '/' && p[n] != '*' && p[n] != '?' &&
			    p[n] != '[') {
				snprintf(why, whylen, "never matches: Docker Hub images are normalized to docker.io/library/NAME (write \"docker.io/library/%s\")",
					 p);
				return -1;
			}
		}
	}
	/* The last component needs a tag or digest, or a glob that can be one. */
	last = strrchr(pattern, '/');
	last = last ? last + 1 : pattern;
	if (!strpbrk(last, ":@*?[")) {
		snprintf(why, whylen, "never matches: a normalized reference ends in :TAG or @DIGEST (write \"%s:*\")",
			 pattern);
		return -1;
	}
	return 0;
}

/* bindings.json */

static int strictness(int mode)
{
	return mode == CRS_MODE_ACTIVE ? 2 : mode == CRS_MODE_PERMISSIVE ? 1 : 0;
}

/* What a log mode logs, as bits: allowed, monitored, denied, behavior. */
static unsigned int log_bits(int mode)
{
	static const unsigned int bits[__CRS_LOG_MAX] = {
		[CRS_LOG_NONE] = 0,
		[CRS_LOG_POLICY_MONITOR] = 2,
		[CRS_LOG_POLICY_DENY] = 4,
		[CRS_LOG_POLICY_MONITOR_DENY] = 6,
		[CRS_LOG_POLICY_ALLOW] = 1,
		[CRS_LOG_POLICY_ALL] = 7,
		[CRS_LOG_BEHAVIOR] = 8,
		[CRS_LOG_ALL] = 15,
	};

	return mode >= 0 && mode < __CRS_LOG_MAX ? bits[mode] : 0;
}

struct bctx {
	const char *file;
	FILE *errf;
	int bad;
};

static void bad(struct bctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct bctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->errf, "%s: %s: ", c->file, field);
	va_start(ap, fmt);
	vfprintf(c->errf, fmt, ap);
	va_end(ap);
	fputc('\n', c->errf);
	c->bad++;
}

static bool policy_name_ok(const char *s)
{
	return *s && strlen(s) < CRS_NAME_MAX;
}

/* One element of "bindings" (is_default: the "default" object). */
static void parse_binding(struct bctx *c, struct json_object *o,
			  const char *at, bool is_default,
			  struct crs_binding *b)
{
	static const char *const keys[] = {
		"image", "policy", "policyMode", "logMode", "learning",
		"annotationPolicies",
	};
	struct json_object *v;
	char field[128], why[512];
	bool has_policy = false;
	size_t i, k;

	b->policy_mode = b->log_mode = b->learning = -1;
	if (!json_object_is_type(o, json_type_object)) {
		bad(c, at, "expected an object");
		return;
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(key, keys[k]) && (k || !is_default))
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			snprintf(field, sizeof(field), "%s.%s", at, key);
			bad(c, field, "unknown key (expected %s\"policy\", \"policyMode\", \"logMode\", \"learning\" or \"annotationPolicies\")",
			    is_default ? "" : "\"image\", ");
		}
	}
	if (!is_default) {
		snprintf(field, sizeof(field), "%s.image", at);
		if (!json_object_object_get_ex(o, "image", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			bad(c, field, "missing or not a string");
		} else if (crs_image_pattern_check(json_object_get_string(v),
						   why, sizeof(why))) {
			bad(c, field, "\"%s\": %s", json_object_get_string(v), why);
		} else {
			b->image = xstrdup(json_object_get_string(v));
		}
	}
	snprintf(field, sizeof(field), "%s.policy", at);
	if (json_object_object_get_ex(o, "policy", &v)) {
		has_policy = true;
		if (v && !json_object_is_type(v, json_type_string))
			bad(c, field, "expected a policy name or null");
		else if (v && !policy_name_ok(json_object_get_string(v)))
			bad(c, field, "\"%s\": expected 1-127 bytes",
			    json_object_get_string(v));
		else if (v)
			b->policy = xstrdup(json_object_get_string(v));
	}
	snprintf(field, sizeof(field), "%s.policyMode", at);
	if (json_object_object_get_ex(o, "policyMode", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    (b->policy_mode = crs_mode_parse(json_object_get_string(v))) < 0)
			bad(c, field, "expected \"ACTIVE\", \"PERMISSIVE\" or \"INACTIVE\"");
		else if (!b->policy)
			bad(c, field, "set without a policy");
	}
	snprintf(field, sizeof(field), "%s.logMode", at);
	if (json_object_object_get_ex(o, "logMode", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	     (b->log_mode = crs_log_mode_parse(json_object_get_string(v))) < 0))
		bad(c, field, "expected NONE, POLICY_MONITOR, POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL, BEHAVIOR or ALL");
	snprintf(field, sizeof(field), "%s.learning", at);
	if (json_object_object_get_ex(o, "learning", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			bad(c, field, "expected true or false");
		else
			b->learning = json_object_get_boolean(v);
	}
	if (!has_policy && b->learning != 1) {
		snprintf(field, sizeof(field), "%s.policy", at);
		bad(c, field, "missing (a policy name; null for none; or \"learning\": true alone)");
	}
	if (has_policy && !b->policy && b->learning != 1 && b->log_mode >= 0) {
		snprintf(field, sizeof(field), "%s.logMode", at);
		bad(c, field, "set with \"policy\": null (nothing is logged for a container crs does not govern)");
	}
	snprintf(field, sizeof(field), "%s.annotationPolicies", at);
	if (json_object_object_get_ex(o, "annotationPolicies", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			bad(c, field, "expected an array of policy names");
			return;
		}
		b->n_ann_policies = json_object_array_length(v);
		b->ann_policies = calloc(b->n_ann_policies + 1,
					 sizeof(*b->ann_policies));
		if (!b->ann_policies) {
			bad(c, field, "out of memory");
			b->n_ann_policies = 0;
			return;
		}
		for (i = 0; i < b->n_ann_policies; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (!json_object_is_type(e, json_type_string) ||
			    !policy_name_ok(json_object_get_string(e))) {
				snprintf(field, sizeof(field),
					 "%s.annotationPolicies[%zu]", at, i);
				bad(c, field, "expected a policy name");
				continue;
			}
			b->ann_policies[i] = xstrdup(json_object_get_string(e));
		}
	}
}

int crs_config_load_bindings(const char *dir, struct crs_config *cfg,
			     FILE *errf)
{
	char path[4096], err[1024], *buf = NULL;
	struct json_object *root, *v;
	struct bctx c = { .file = path, .errf = errf };
	size_t len, i;

	if (!cfg->dir)
		cfg->dir = xstrdup(dir);
	cfg->annotations = CRS_ANN_TIGHTEN;
	snprintf(path, sizeof(path), "%s/%s", dir, BINDINGS_FILE);
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if (crsnl_read_file(path, CRSNL_FILE_MAX, &buf, &len, err, sizeof(err))) {
		fprintf(errf, "%s\n", err);
		return 1;
	}
	if (strlen(buf) != len) {
		fprintf(errf, "%s: contains a NUL byte\n", path);
		free(buf);
		return 1;
	}
	root = crs_json_parse_strict(path, buf, err, sizeof(err));
	free(buf);
	if (!root) {
		fprintf(errf, "%s\n", err);
		return 1;
	}
	cfg->has_bindings = true;
	if (!json_object_is_type(root, json_type_object)) {
		fprintf(errf, "%s: expected a JSON object {\"bindings\": [...], \"default\": {...}, \"annotations\": \"tighten\"}\n",
			path);
		json_object_put(root);
		return 1;
	}
	json_object_object_foreach(root, key, val) {
		(void)val;
		if (strcmp(key, "bindings") && strcmp(key, "default") &&
		    strcmp(key, "annotations"))
			bad(&c, key, "unknown key (expected \"bindings\", \"default\" or \"annotations\")");
	}
	if (json_object_object_get_ex(root, "annotations", &v)) {
		const char *s = json_object_get_string(v);

		if (!json_object_is_type(v, json_type_string))
			bad(&c, "annotations", "expected \"deny\", \"tighten\" or \"any\"");
		else if (!strcmp(s, "deny"))
			cfg->annotations = CRS_ANN_DENY;
		else if (!strcmp(s, "tighten"))
			cfg->annotations = CRS_ANN_TIGHTEN;
		else if (!strcmp(s, "any"))
			cfg->annotations = CRS_ANN_ANY;
		else
			bad(&c, "annotations", "\"%s\": expected \"deny\", \"tighten\" or \"any\"", s);
	}
	if (json_object_object_get_ex(root, "default", &v) && v) {
		cfg->has_default = true;
		parse_binding(&c, v, "default", true, &cfg->def);
	}
	if (json_object_object_get_ex(root, "bindings", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			bad(&c, "bindings", "expected an array");
		} else {
			cfg->n_bindings = json_object_array_length(v);
			cfg->bindings = calloc(cfg->n_bindings + 1,
					       sizeof(*cfg->bindings));
			if (!cfg->bindings) {
				cfg->n_bindings = 0;
				bad(&c, "bindings", "out of memory");
			}
			for (i = 0; i < cfg->n_bindings; i++) {
				char at[64];

				snprintf(at, sizeof(at), "bindings[%zu]", i);
				parse_binding(&c, json_object_array_get_idx(v, i),
					      at, false, &cfg->bindings[i]);
			}
		}
	}
	json_object_put(root);
	return c.bad;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int crs_config_load_policies(const char *dir, struct crs_config *cfg,
			     FILE *errf)
{
	char path[4096], err[1024], **names = NULL;
	size_t n = 0, cap = 0, i, j;
	struct dirent *de;
	int problems = 0;
	DIR *d;

	if (!cfg->dir)
		cfg->dir = xstrdup(dir);
	snprintf(path, sizeof(path), "%s/policies", dir);
	d = opendir(path);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		fprintf(errf, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".json"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				fprintf(stderr, "crsnl: out of memory\n");
				exit(1);
			}
		}
		snprintf(path, sizeof(path), "%s/policies/%s", dir, de->d_name);
		names[n++] = xstrdup(path);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	cfg->policies = calloc(n + 1, sizeof(*cfg->policies));
	if (!cfg->policies) {
		fprintf(stderr, "crsnl: out of memory\n");
		exit(1);
	}
	cfg->policy_files = names;
	for (i = 0; i < n; i++) {
		if (crs_policy_parse_file(names[i], &cfg->policies[cfg->n_policies],
					  err, sizeof(err))) {
			fprintf(errf, "%s\n", err);
			problems++;
			crs_policy_free(&cfg->policies[cfg->n_policies]);
			continue;
		}
		for (j = 0; j < cfg->n_policies; j++) {
			if (!strcmp(cfg->policies[j].name,
				    cfg->policies[cfg->n_policies].name))
				break;
		}
		if (j < cfg->n_policies) {
			fprintf(errf, "%s: policy \"%s\" is also defined in %s\n",
				names[i], cfg->policies[j].name,
				cfg->policy_files[j]);
			problems++;
			crs_policy_free(&cfg->policies[cfg->n_policies]);
			continue;
		}
		/* keep policy_files[k] the file of policies[k] */
		if (cfg->n_policies != i) {
			char *t = names[cfg->n_policies];

			names[cfg->n_policies] = names[i];
			names[i] = t;
		}
		cfg->n_policies++;
	}
	/* names past n_policies are files that failed; free them with the rest */
	for (i = cfg->n_policies; i < n; i++) {
		free(names[i]);
		names[i] = NULL;
	}
	return problems;
}

static bool has_policy(const struct crs_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_policies; i++)
		if (!strcmp(cfg->policies[i].name, name))
			return true;
	return false;
}

static int check_binding_names(const struct crs_config *cfg,
			       const struct crs_binding *b, const char *at,
			       FILE *errf)
{
	int problems = 0;
	size_t i;

	if (b->policy && !has_policy(cfg, b->policy)) {
		fprintf(errf, "%s/%s: %s.policy: \"%s\": no such policy in %s/policies\n",
			cfg->dir, BINDINGS_FILE, at, b->policy, cfg->dir);
		problems++;
	}
	for (i = 0; i < b->n_ann_policies; i++) {
		if (b->ann_policies[i] && !has_policy(cfg, b->ann_policies[i])) {
			fprintf(errf, "%s/%s: %s.annotationPolicies[%zu]: \"%s\": no such policy in %s/policies\n",
				cfg->dir, BINDINGS_FILE, at, i,
				b->ann_policies[i], cfg->dir);
			problems++;
		}
	}
	return problems;
}

int crs_config_check_names(const struct crs_config *cfg, FILE *errf)
{
	int problems = 0;
	char at[64];
	size_t i;

	for (i = 0; i < cfg->n_bindings; i++) {
		snprintf(at, sizeof(at), "bindings[%zu]", i);
		problems += check_binding_names(cfg, &cfg->bindings[i], at, errf);
	}
	if (cfg->has_default)
		problems += check_binding_names(cfg, &cfg->def, "default", errf);
	return problems;
}

static void binding_free(struct crs_binding *b)
{
	size_t i;

	free(b->image);
	free(b->policy);
	for (i = 0; i < b->n_ann_policies; i++)
		free(b->ann_policies[i]);
	free(b->ann_policies);
}

void crs_config_free(struct crs_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_policies; i++) {
		crs_policy_free(&cfg->policies[i]);
		free(cfg->policy_files[i]);
	}
	free(cfg->policies);
	free(cfg->policy_files);
	for (i = 0; i < cfg->n_bindings; i++)
		binding_free(&cfg->bindings[i]);
	free(cfg->bindings);
	binding_free(&cfg->def);
	free(cfg->dir);
	memset(cfg, 0, sizeof(*cfg));
}

const struct crs_binding *crs_config_match(const struct crs_config *cfg,
					   const char *const *refs, size_t n,
					   int *index)
{
	size_t i, j;

	for (i = 0; i < cfg->n_bindings; i++) {
		if (!cfg->bindings[i].image)
			continue;
		for (j = 0; j < n; j++) {
			if (!fnmatch(cfg->bindings[i].image, refs[j], 0)) {
				*index = (int)i;
				return &cfg->bindings[i];
			}
		}
	}
	*index = -1;
	return cfg->has_default ? &cfg->def : NULL;
}

static bool ann_policy_allowed(const struct crs_binding *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n_ann_policies; i++)
		if (b->ann_policies[i] && !strcmp(b->ann_policies[i], name))
			return true;
	return false;
}

int crs_config_decide(const struct crs_config *cfg,
		      const struct crs_binding *b,
		      const struct crs_decision *ann, bool ann_given,
		      struct crs_decision *out, char *err, size_t errlen)
{
	int ref;

	memset(out, 0, sizeof(*out));
	out->policy_mode = out->log_mode = out->learning = -1;
	if (b) {
		if (b->policy)
			snprintf(out->policy, sizeof(out->policy), "%s", b->policy);
		out->policy_mode = b->policy_mode;
		out->log_mode = b->log_mode;
		out->learning = b->learning;
	}
	if (!ann_given)
		return 0;
	if (cfg->has_bindings && cfg->annotations == CRS_ANN_DENY) {
		snprintf(err, errlen, "crs.* annotations are not allowed (%s/%s: \"annotations\": \"deny\")",
			 cfg->dir, BINDINGS_FILE);
		return -1;
	}
	if (!cfg->has_bindings || cfg->annotations == CRS_ANN_ANY || !b ||
	    !b->policy) {
		/* nothing to loosen: no binding, or a binding with no policy */
		if (b && !b->policy && b->learning == 1 && ann->learning == 0) {
			snprintf(err, errlen, "annotation crs.learning off: the binding turns learning on (bindings.json \"annotations\": \"tighten\")");
			return -1;
		}
		goto take;
	}
	/* tighten, over a binding with a policy */
	if (ann->policy[0] && strcmp(ann->policy, b->policy) &&
	    !ann_policy_allowed(b, ann->policy)) {
		snprintf(err, errlen, "annotation crs.policy \"%s\": the binding's policy is \"%s\" and its \"annotationPolicies\" do not list \"%s\"",
			 ann->policy, b->policy, ann->policy);
		return -1;
	}
	if (ann->policy_mode >= 0) {
		ref = b->policy_mode >= 0 ? b->policy_mode : CRS_MODE_ACTIVE;
		if (strictness(ann->policy_mode) < strictness(ref)) {
			snprintf(err, errlen, "annotation crs.policy-mode %s is looser than the binding's %s%s",
				 crs_mode_name(ann->policy_mode), crs_mode_name(ref),
				 b->policy_mode >= 0 ? "" :
				 " (the binding sets no policyMode, so only ACTIVE may be asked for)");
			return -1;
		}
	}
	if (ann->log_mode >= 0) {
		ref = b->log_mode >= 0 ? b->log_mode : CRS_LOG_POLICY_MONITOR_DENY;
		if (log_bits(ref) & ~log_bits(ann->log_mode)) {
			snprintf(err, errlen, "annotation crs.log-mode %s logs less than the binding's %s",
				 crs_log_mode_name(ann->log_mode),
				 crs_log_mode_name(ref));
			return -1;
		}
	}
	if (ann->learning == 0 && b->learning == 1) {
		snprintf(err, errlen, "annotation crs.learning off: the binding turns learning on");
		return -1;
	}
take:
	if (ann->policy[0])
		snprintf(out->policy, sizeof(out->policy), "%s", ann->policy);
	if (ann->policy_mode >= 0)
		out->policy_mode = ann->policy_mode;
	if (ann->log_mode >= 0)
		out->log_mode = ann->log_mode;
	if (ann->learning >= 0)
		out->learning = ann->learning;
	return 0;
}

/* crs.* annotations */

#define ANN_POLICY	"crs.policy"
#define ANN_MODE	"crs.policy-mode"
#define ANN_LOG		"crs.log-mode"
#define ANN_LEARNING	"crs.learning"

/* String value of annotation KEY, NULL if absent or (after printing) bad. */
static const char *ann_string(struct json_object *ann, const char *key,
			      const char *label, FILE *errf, int *badp)
{
	struct json_object *v;

	if (!ann || !json_object_object_get_ex(ann, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		fprintf(errf, "%s: annotation \"%s\" is not a string\n", label, key);
		*badp = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

int crs_annotations_parse(struct json_object *ann, const char *label,
			  struct crs_decision *d, bool *given, FILE *errf)
{
	const char *policy, *mode, *log, *learning;
	int badp = 0;

	memset(d, 0, sizeof(*d));
	d->policy_mode = d->log_mode = d->learning = -1;
	*given = false;
	if (!ann)
		return 0;
	json_object_object_foreach(ann, key, val) {
		(void)val;
		if (strncmp(key, "crs.", 4))
			continue;
		*given = true;
		if (strcmp(key, ANN_POLICY) && strcmp(key, ANN_MODE) &&
		    strcmp(key, ANN_LOG) && strcmp(key, ANN_LEARNING)) {
			fprintf(errf, "%s: unknown annotation \"%s\" (expected %s, %s, %s or %s)\n",
				label, key, ANN_POLICY, ANN_MODE, ANN_LOG,
				ANN_LEARNING);
			return -1;
		}
	}
	policy = ann_string(ann, ANN_POLICY, label, errf, &badp);
	mode = ann_string(ann, ANN_MODE, label, errf, &badp);
	log = ann_string(ann, ANN_LOG, label, errf, &badp);
	learning = ann_string(ann, ANN_LEARNING, label, errf, &badp);
	if (badp)
		return -1;
	if (policy && !policy_name_ok(policy)) {
		fprintf(errf, "%s: annotation \"%s\" is empty or longer than 127 bytes\n",
			label, ANN_POLICY);
		return -1;
	}
	if (policy)
		snprintf(d->policy, sizeof(d->policy), "%s", policy);
	if (mode && (d->policy_mode = crs_mode_parse(mode)) < 0) {
		fprintf(errf, "%s: annotation \"%s\": \"%s\": expected ACTIVE, PERMISSIVE or INACTIVE\n",
			label, ANN_MODE, mode);
		return -1;
	}
	if (log && (d->log_mode = crs_log_mode_parse(log)) < 0) {
		fprintf(errf, "%s: annotation \"%s\": \"%s\": expected NONE, POLICY_MONITOR, POLICY_DENY, POLICY_MONITOR_DENY, POLICY_ALLOW, POLICY_ALL, BEHAVIOR or ALL\n",
			label, ANN_LOG, log);
		return -1;
	}
	if (learning && (d->learning = crsnl_parse_onoff(learning)) < 0) {
		fprintf(errf, "%s: annotation \"%s\": \"%s\": expected on or off\n",
			label, ANN_LEARNING, learning);
		return -1;
	}
	return 0;
}

int crs_decision_check(const struct crs_decision *d, const char *label,
		       FILE *errf)
{
	if (d->policy[0] || d->learning == 1)
		return 0;
	if (d->policy_mode >= 0 || d->log_mode >= 0) {
		fprintf(errf, "%s: annotation \"%s\" needs \"%s\" (or \"%s\": on)\n",
			label, d->policy_mode >= 0 ? ANN_MODE : ANN_LOG,
			ANN_POLICY, ANN_LEARNING);
		return -1;
	}
	return 1;
}

bool crs_decision_equal(const struct crs_decision *a,
			const struct crs_decision *b)
{
	return !strcmp(a->policy, b->policy) &&
	       a->policy_mode == b->policy_mode &&
	       a->log_mode == b->log_mode && a->learning == b->learning;
}
