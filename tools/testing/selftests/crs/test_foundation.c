// SPDX-License-Identifier: GPL-2.0
/*
 * Foundation: module load/unload, status, permissions, netlink hygiene.
 * Runs as root inside the test VM with crs.ko loaded.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <netlink/attr.h>

#include "crs_harness.h"
#include "crs_test.h"

static int status_errno(struct crs_conn *c)
{
	struct nl_msg *msg = crs_conn_msg(c, CRS_CMD_GET_STATUS, 0);

	return crs_conn_call(c, msg, NULL, 0);
}

/* Loading patches kernel text: slow under emulation, so a long timeout. */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, load_status_unload_ten_times, 300)
{
	char out[4096];
	int i;

	for (i = 0; i < crs_scaled(10); i++) {
		ASSERT_EQ(0, crs_rmmod(30)) TH_LOG("rmmod %d", i);
		ASSERT_NE(0, crs_sh(NULL, 0, "%s status 2>/dev/null", crs_crsnl()));
		ASSERT_EQ(0, crs_sh(NULL, 0, "insmod %s", crs_ko())) TH_LOG("insmod %d", i);
		ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s status", crs_crsnl()));
		ASSERT_NE(NULL, strstr(out, "version: "));
	}
}

TEST(crsnl_status_prints_module_version)
{
	char out[4096], ver[64], line[128];
	FILE *f = fopen("/sys/module/crs/version", "r");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(ver, sizeof(ver), f));
	fclose(f);
	ver[strcspn(ver, "\n")] = '\0';
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s status", crs_crsnl()));
	snprintf(line, sizeof(line), "version: %s\n", ver);
	ASSERT_NE(NULL, strstr(out, line)) TH_LOG("output: %s", out);
	ASSERT_NE(NULL, strstr(out, "denied: ")) TH_LOG("output: %s", out);
}

TEST(crsnl_without_module_says_so_and_fails)
{
	char out[4096];

	ASSERT_EQ(0, crs_rmmod(30));
	EXPECT_EQ(1, crs_sh(out, sizeof(out), "%s status 2>&1", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "not loaded")) TH_LOG("output: %s", out);
	EXPECT_EQ(NULL, strchr(strchr(out, '\n') + 1, '\n'));
	ASSERT_EQ(0, crs_sh(NULL, 0, "insmod %s", crs_ko()));
}

TEST(crsnl_help)
{
	char out[4096];

	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s --help", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "status"));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s status --help", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "Usage: crsnl status"));
	EXPECT_EQ(2, crs_sh(NULL, 0, "%s no-such-command 2>/dev/null", crs_crsnl()));
}

/* In a child: 0 if a status request gets EPERM, 20 or 21 if not. */
static int status_is_eperm(void)
{
	struct crs_conn c;

	if (crs_conn_open(&c))
		return 20;
	return status_errno(&c) == -EPERM ? 0 : 21;
}

/* In a child: drop CAP_NET_ADMIN, keep uid 0; status must be EPERM. */
static int status_without_net_admin(void *arg)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0))
		return 10;
	if (crs_sh(NULL, 0, "true"))
		return 11;
	if (syscall(SYS_capget, &h, d))
		return 12;
	d[CAP_NET_ADMIN / 32].effective &= ~(1U << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].permitted &= ~(1U << (CAP_NET_ADMIN % 32));
	if (syscall(SYS_capset, &h, d))
		return 13;
	return status_is_eperm();
}

TEST(status_without_cap_net_admin_is_eperm)
{
	ASSERT_EQ(0, crs_in_child(status_without_net_admin, NULL));
}

/* Root in a new user namespace (same network namespace): EPERM. */
static int status_in_user_ns(void *arg)
{
	if (unshare(CLONE_NEWUSER))
		return 10;
	return status_is_eperm();
}

TEST(status_from_user_namespace_root_is_eperm)
{
	ASSERT_EQ(0, crs_in_child(status_in_user_ns, NULL));
}

/* The family is not visible from another network namespace. */
static int open_in_other_netns(void *arg)
{
	struct crs_conn c;

	if (unshare(CLONE_NEWNET))
		return 10;
	return crs_conn_open(&c) == -ENOENT ? 0 : 11;
}

TEST(family_invisible_in_other_netns)
{
	ASSERT_EQ(0, crs_in_child(open_in_other_netns, NULL));
}

TEST(status_with_unknown_attribute_is_einval)
{
	struct crs_conn c;
	struct nl_msg *msg;

	ASSERT_EQ(0, crs_conn_open(&c));
	msg = crs_conn_msg(&c, CRS_CMD_GET_STATUS, 0);
	ASSERT_EQ(0, nla_put_u32(msg, CRS_A_MAX + 5, 1));
	EXPECT_EQ(-EINVAL, crs_conn_call(&c, msg, NULL, 0));
	EXPECT_NE(0, c.extack[0]);
	TH_LOG("extack: %s", c.extack);
	/* a known attribute that status does not take */
	msg = crs_conn_msg(&c, CRS_CMD_GET_STATUS, 0);
	ASSERT_EQ(0, nla_put_u32(msg, CRS_A_FLAGS, 1));
	EXPECT_EQ(-EINVAL, crs_conn_call(&c, msg, NULL, 0));
	EXPECT_NE(NULL, strstr(c.extack, "no attributes")) TH_LOG("%s", c.extack);
	/* a known attribute of the wrong size */
	{
		char raw[8] = { 5, 0, CRS_A_FLAGS, 0, 1, 0, 0, 0 };

		EXPECT_EQ(-EINVAL, crs_conn_raw(&c, raw, sizeof(raw),
						CRS_CMD_GET_STATUS));
		EXPECT_NE(0, c.extack[0]);
	}
	/* a truncated attribute header claiming more than the message */
	{
		char raw[8] = { 200, 0, CRS_A_VERSION, 0, 'x', 0, 0, 0 };

		EXPECT_EQ(-EINVAL, crs_conn_raw(&c, raw, sizeof(raw),
						CRS_CMD_GET_STATUS));
	}
	/* an unknown command */
	msg = crs_conn_msg(&c, 200, 0);
	EXPECT_EQ(-EOPNOTSUPP, crs_conn_call(&c, msg, NULL, 0));
	/* the module keeps answering */
	EXPECT_EQ(0, status_errno(&c));
	crs_conn_close(&c);
}

/* Runner self-test: fails on purpose when CRS_SELFTEST_FAIL=1. */
TEST(runner_selftest_deliberate_failure)
{
	const char *f = getenv("CRS_SELFTEST_FAIL");

	if (!f || strcmp(f, "1"))
		SKIP(return, "CRS_SELFTEST_FAIL is not 1");
	ASSERT_EQ(0, 1) TH_LOG("deliberate failure for the runner self-test");
}

TEST_HARNESS_MAIN
