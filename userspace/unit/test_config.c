// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the configuration directory (config.c): image
 * reference normalization, which patterns can match, first-match
 * bindings and what a container's annotations may change. No kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "config.h"

static const char *norm(const char *ref)
{
	static char out[CRS_IMAGE_REF_MAX];
	char err[256];

	if (crs_image_normalize(ref, out, sizeof(out), err, sizeof(err)))
		return "ERROR";
	return out;
}

TEST(normalize_follows_docker)
{
	EXPECT_STREQ("docker.io/library/nginx:latest", norm("nginx"));
	EXPECT_STREQ("docker.io/library/nginx:1.25", norm("nginx:1.25"));
	EXPECT_STREQ("docker.io/library/nginx:latest", norm("docker.io/nginx"));
	EXPECT_STREQ("docker.io/library/nginx:latest", norm("index.docker.io/library/nginx"));
	EXPECT_STREQ("docker.io/user/app:latest", norm("user/app"));
	EXPECT_STREQ("localhost/crs-test:latest", norm("localhost/crs-test"));
	EXPECT_STREQ("localhost:5000/a/b:v1", norm("localhost:5000/a/b:v1"));
	EXPECT_STREQ("quay.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     norm("quay.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	EXPECT_STREQ("quay.io/a/b:t@sha256:0123456789abcdef0123456789abcdef",
		     norm("quay.io/a/b:t@sha256:0123456789abcdef0123456789abcdef"));
	EXPECT_STREQ("quay.io/team/app:1", norm("QUAY.IO/team/app:1"));
	EXPECT_STREQ("quay.io/team/app:1", norm("quay.io:443/team/app:1"));
	EXPECT_STREQ("quay.io/team/app:1", norm("quay.io./team/app:1"));
	EXPECT_STREQ("myreg/foo:latest", norm("MyReg/foo"));
	EXPECT_STREQ("ERROR", norm("quay.io/a/b@sha256:0123456789ABCDEF0123456789abcdef0123"));
	EXPECT_STREQ("ERROR", norm("quay.io/a/b@sha256:zz23456789abcdef0123456789abcdef0123"));
	EXPECT_STREQ("ERROR", norm("Nginx"));
	EXPECT_STREQ("ERROR", norm("nginx:"));
	EXPECT_STREQ("ERROR", norm("a b"));
	EXPECT_STREQ("ERROR", norm(""));
	EXPECT_STREQ("ERROR", norm("quay.io/a@sha256"));
	EXPECT_STREQ("ERROR", norm("quay.io//a"));
}

TEST(patterns_that_cannot_match_are_refused)
{
	static const char *const good[] = {
		"docker.io/library/nginx:*", "registry.example.com/team/*@sha256:*",
		"*", "docker.io/*", "localhost/crs-test:latest", "quay.io/org/app:v[0-9]*",
		"localhost:5000/x:*", "*/nginx:*",
	};
	static const char *const bad[] = {
		"nginx:*", "library/nginx:*", "docker.io/nginx:*", "nginx",
		"docker.io/library/nginx", "quay.io/a/b", "quay.io/Org/app:*",
		"quay.io/a/b:[x", "quay.io/a b:*", "", "Quay.io/team/*",
		"index.docker.io/library/nginx:*",
	};
	char why[512];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		EXPECT_EQ(0, crs_image_pattern_check(good[i], why, sizeof(why)))
			TH_LOG("%s: %s", good[i], why);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-1, crs_image_pattern_check(bad[i], why, sizeof(why)))
			TH_LOG("pattern %zu accepted", i);
}

static void load(struct __test_metadata *_metadata, struct crs_config *cfg,
		 const char *json)
{
	char dir[] = "/tmp/crs-unit-cfgXXXXXX", path[64];
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bindings.json", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(json, f);
	fclose(f);
	memset(cfg, 0, sizeof(*cfg));
	ASSERT_EQ(0, crs_config_load_bindings(dir, cfg, stderr));
	unlink(path);
	rmdir(dir);
}

TEST(first_matching_binding_wins_then_default)
{
	struct crs_config cfg;
	const struct crs_binding *b;
	const char *web[] = { "docker.io/library/nginx:1.25" };
	const char *two[] = { "quay.io/x/y:1", "docker.io/library/nginx:latest" };
	const char *other[] = { "quay.io/x/y:1" };
	int idx;

	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"docker.io/library/nginx:1.*\", \"policy\": \"a\"},"
	     " {\"image\": \"docker.io/library/nginx:*\", \"policy\": \"b\"}],"
	     " \"default\": {\"policy\": \"base\"}}");
	b = crs_config_match(&cfg, web, 1, &idx);
	ASSERT_NE(NULL, b);
	EXPECT_STREQ("a", b->policy);
	EXPECT_EQ(0, idx);
	b = crs_config_match(&cfg, two, 2, &idx);
	EXPECT_STREQ("b", b->policy);
	EXPECT_EQ(1, idx);
	b = crs_config_match(&cfg, other, 1, &idx);
	EXPECT_STREQ("base", b->policy);
	EXPECT_EQ(-1, idx);
	b = crs_config_match(&cfg, NULL, 0, &idx);
	EXPECT_STREQ("base", b->policy);
	crs_config_free(&cfg);
}

static int decide(struct crs_config *cfg, const char *policy, int mode,
		  int log, int learning, struct crs_decision *out)
{
	struct crs_decision ann = { .policy_mode = mode, .log_mode = log,
				    .learning = learning };
	const char *refs[] = { "docker.io/library/nginx:1" };
	const struct crs_binding *b;
	char err[512];
	int idx;

	snprintf(ann.policy, sizeof(ann.policy), "%s", policy);
	b = crs_config_match(cfg, refs, 1, &idx);
	return crs_config_decide(cfg, b, &ann, true, out, err, sizeof(err));
}

TEST(tighten_only_makes_the_binding_stricter)
{
	struct crs_config cfg;
	struct crs_decision d;

	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"docker.io/library/nginx:*\", \"policy\": \"web\","
	     " \"policyMode\": \"PERMISSIVE\", \"logMode\": \"POLICY_DENY\", \"learning\": true,"
	     " \"annotationPolicies\": [\"web-strict\"]}]}");
	EXPECT_EQ(0, decide(&cfg, "", CRS_MODE_ACTIVE, -1, -1, &d));
	EXPECT_EQ(CRS_MODE_ACTIVE, d.policy_mode);
	EXPECT_STREQ("web", d.policy);
	EXPECT_EQ(0, decide(&cfg, "", CRS_MODE_PERMISSIVE, -1, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "", CRS_MODE_INACTIVE, -1, -1, &d));
	EXPECT_EQ(0, decide(&cfg, "web-strict", -1, -1, -1, &d));
	EXPECT_STREQ("web-strict", d.policy);
	EXPECT_EQ(CRS_MODE_PERMISSIVE, d.policy_mode);
	EXPECT_EQ(-1, decide(&cfg, "other", -1, -1, -1, &d));
	EXPECT_EQ(0, decide(&cfg, "", -1, CRS_LOG_POLICY_MONITOR_DENY, -1, &d));
	EXPECT_EQ(0, decide(&cfg, "", -1, CRS_LOG_ALL, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "", -1, CRS_LOG_NONE, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "", -1, CRS_LOG_POLICY_ALLOW, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "", -1, -1, 0, &d));
	crs_config_free(&cfg);

	/* no policyMode in the binding: only ACTIVE may be asked for */
	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"docker.io/library/nginx:*\", \"policy\": \"web\"}]}");
	EXPECT_EQ(0, decide(&cfg, "", CRS_MODE_ACTIVE, -1, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "", CRS_MODE_PERMISSIVE, -1, -1, &d));
	EXPECT_EQ(-1, decide(&cfg, "web", CRS_MODE_INACTIVE, -1, -1, &d));
	EXPECT_EQ(0, decide(&cfg, "", -1, -1, 1, &d));
	crs_config_free(&cfg);
}

TEST(deny_and_any)
{
	struct crs_config cfg;
	struct crs_decision d;

	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"docker.io/library/nginx:*\", \"policy\": \"web\"}],"
	     " \"annotations\": \"deny\"}");
	EXPECT_EQ(-1, decide(&cfg, "", CRS_MODE_ACTIVE, -1, -1, &d));
	crs_config_free(&cfg);
	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"docker.io/library/nginx:*\", \"policy\": \"web\"}],"
	     " \"annotations\": \"any\"}");
	EXPECT_EQ(0, decide(&cfg, "other", CRS_MODE_INACTIVE, CRS_LOG_NONE, 0, &d));
	EXPECT_STREQ("other", d.policy);
	EXPECT_EQ(CRS_MODE_INACTIVE, d.policy_mode);
	crs_config_free(&cfg);
}

TEST(no_binding_lets_annotations_choose)
{
	struct crs_config cfg;
	struct crs_decision d;

	load(_metadata, &cfg,
	     "{\"bindings\": [{\"image\": \"quay.io/a/b:*\", \"policy\": \"web\"}]}");
	EXPECT_EQ(0, decide(&cfg, "mine", CRS_MODE_PERMISSIVE, -1, -1, &d));
	EXPECT_STREQ("mine", d.policy);
	crs_config_free(&cfg);
}

TEST_HARNESS_MAIN
