// SPDX-License-Identifier: GPL-2.0
/*
 * Policies and containers through crsnl: push, list, show, replace,
 * delete, apply, detach, nested pid namespaces, large policies, and
 * concurrent replacement.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <netlink/attr.h>

#include "crs_harness.h"
#include "crs_test.h"

static const char *top(void)
{
	const char *t = getenv("CRS_TOP");

	return t ? t : "../../../..";
}

/*
 * In the container's init, before it is announced: fork a child that
 * unshares a nested pid namespace and forks a grandchild, and wait for
 * that grandchild to exist. All of them pause.
 */
static int nest_setup(void *arg)
{
	int *p = arg;
	pid_t g;
	char x;

	g = fork();
	if (g == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		if (fork() == 0) {
			if (write(p[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	/* "x" from the grandchild, or EOF if the child died first */
	return g < 0 || read(p[0], &x, 1) != 1 ? -1 : 0;
}

static int pause_init(void *arg)
{
	for (;;)
		pause();
	return 0;
}

/*
 * The lowest pid whose parent is @pid, or 0. From /proc/N/stat, not
 * /proc/PID/task/PID/children: that needs CONFIG_PROC_CHILDREN, which
 * Debian's kernels have and the checking kernel's defconfig does not.
 */
static pid_t first_child(pid_t pid)
{
	char path[64], buf[512], *p;
	struct dirent *e;
	pid_t c = 0, n;
	int ppid;
	DIR *d;
	FILE *f;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		n = (pid_t)atoi(e->d_name);
		if (n <= 0 || (c && n >= c))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", n);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		/* "pid (comm) state ppid ...": comm may hold spaces and ')' */
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == pid)
			c = n;
	}
	closedir(d);
	return c;
}

/*
 * Start a "container": pid 1 of a new pid namespace, whose child unshares
 * a nested pid namespace and forks a grandchild. All pause. Returns the
 * init's pid; *nested gets the grandchild's (both as we see them).
 */
static pid_t start_container(pid_t *nested)
{
	int p[2];
	pid_t init, outer, g;
	int i;

	if (pipe(p))
		return -1;
	init = crs_spawn_container(NULL, nest_setup, pause_init, p, &outer);
	close(p[0]);
	close(p[1]);
	/* the forks inside may not have happened yet on a slow kernel */
	for (i = 0, g = 0, *nested = 0; init > 0 && i < 3000 && *nested <= 0; i++) {
		g = g > 0 ? g : first_child(init);
		*nested = g > 0 ? first_child(g) : 0;
		if (*nested <= 0)
			usleep(10000);
	}
	return *nested > 0 ? init : -1;
}

/* Kill the container; return once its init is reaped (its namespace dead). */
static void stop_container(pid_t init)
{
	int i;

	kill(init, SIGKILL);
	for (i = 0; i < 500 && kill(init, 0) == 0; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		usleep(10000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* The container ID column of `crsnl container list --pid PID`, or "". */
static void container_id(pid_t pid, char *id, size_t len)
{
	char out[4096];

	id[0] = '\0';
	if (crs_sh(out, sizeof(out),
		   "%s container list --pid %d | awk 'NR==2 {print $1}'",
		   crs_crsnl(), pid))
		return;
	out[strcspn(out, "\n")] = '\0';
	out[len - 1] = '\0';
	memcpy(id, out, strlen(out) + 1);
}

TEST(every_example_policy_pushes_and_round_trips)
{
	char out[4096];

	ASSERT_EQ(0, crs_sh(out, sizeof(out),
		"cd %s/policies && for f in *.json; do n=$(basename $f .json); "
		"%s policy push $f || exit 1; "
		"%s policy show $n > /tmp/$n.1.json || exit 2; "
		"%s policy check --print $f > /tmp/$n.0.json || exit 8; "
		"cmp /tmp/$n.0.json /tmp/$n.1.json || exit 9; "
		"%s policy push /tmp/$n.1.json || exit 3; "
		"%s policy show $n > /tmp/$n.2.json || exit 4; "
		"cmp /tmp/$n.1.json /tmp/$n.2.json || exit 5; "
		"%s policy list | grep -q \"^$n \" || exit 6; "
		"%s policy delete $n || exit 7; done 2>&1",
		top(), crs_crsnl(), crs_crsnl(), crs_crsnl(), crs_crsnl(),
		crs_crsnl(), crs_crsnl(), crs_crsnl())) TH_LOG("%s", out);
}

TEST(push_list_show_replace_delete)
{
	char out[8192];
	FILE *f = fopen("/tmp/p1.json", "w");

	ASSERT_NE(NULL, f);
	fprintf(f, "{\"name\": \"p1\", \"description\": \"first\", \"policyMode\": \"PERMISSIVE\","
		" \"rules\": [{\"name\": \"r\", \"ruleType\": \"READ\", \"program\": \"*\","
		" \"file\": \"/etc/shadow\", \"action\": \"DENY\"}]}\n");
	fclose(f);
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/p1.json", crs_crsnl()));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy list", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "p1")) TH_LOG("%s", out);
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy show p1", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "\"first\""));
	EXPECT_NE(NULL, strstr(out, "PERMISSIVE"));
	EXPECT_NE(NULL, strstr(out, "/etc/shadow"));
	/* replace */
	ASSERT_EQ(0, crs_sh(NULL, 0, "sed -i 's/first/second/; s/PERMISSIVE/ACTIVE/' /tmp/p1.json && %s policy push /tmp/p1.json", crs_crsnl()));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy show p1", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "\"second\""));
	EXPECT_NE(NULL, strstr(out, "ACTIVE"));
	EXPECT_EQ(NULL, strstr(out, "PERMISSIVE"));
	/* delete */
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy delete p1", crs_crsnl()));
	EXPECT_NE(0, crs_sh(out, sizeof(out), "%s policy show p1 2>&1", crs_crsnl()));
	EXPECT_NE(0, crs_sh(NULL, 0, "%s policy delete p1 2>/dev/null", crs_crsnl()));
}

TEST(apply_nested_namespace_resolves_to_same_container)
{
	char id_init[64], id_nested[64], id_host[64], out[4096];
	pid_t nested = 0, init;

	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s/policies/web-server.json",
			    crs_crsnl(), top()));
	init = start_container(&nested);
	ASSERT_GT(init, 0);
	ASSERT_GT(nested, 0);
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy apply web-server --pid %d 2>&1",
			    crs_crsnl(), init)) TH_LOG("%s", out);
	container_id(init, id_init, sizeof(id_init));
	container_id(nested, id_nested, sizeof(id_nested));
	container_id(getpid(), id_host, sizeof(id_host));
	EXPECT_NE(0, id_init[0]);
	EXPECT_STREQ(id_init, id_nested);
	EXPECT_EQ(0, id_host[0]) TH_LOG("host resolved to %s", id_host);
	EXPECT_EQ(1, crs_sh(out, sizeof(out), "%s container list --pid %d",
			    crs_crsnl(), getpid()));
	EXPECT_NE(NULL, strstr(out, "in no container")) TH_LOG("%s", out);
	/* the namespace inode is the container id */
	{
		char link[128], want[128];
		ssize_t n;

		snprintf(out, sizeof(out), "/proc/%d/ns/pid", init);
		n = readlink(out, link, sizeof(link) - 1);
		ASSERT_GT(n, 0);
		link[n] = '\0';
		snprintf(want, sizeof(want), "pid:[%s]", id_init);
		EXPECT_STREQ(want, link);
	}
	/* delete is refused while applied, unless forced */
	EXPECT_NE(0, crs_sh(out, sizeof(out), "%s policy delete web-server 2>&1", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "applied")) TH_LOG("%s", out);
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy detach --pid %d", crs_crsnl(), nested));
	container_id(init, id_init, sizeof(id_init));
	EXPECT_EQ(0, id_init[0]);
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy apply web-server --pid %d", crs_crsnl(), init));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete web-server --force", crs_crsnl()));
	container_id(init, id_init, sizeof(id_init));
	EXPECT_EQ(0, id_init[0]);
	stop_container(init);
}

TEST(container_death_releases_it)
{
	char out[4096];
	pid_t nested, init;

	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s/policies/batch-job.json",
			    crs_crsnl(), top()));
	init = start_container(&nested);
	ASSERT_GT(init, 0);
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy apply batch-job --pid %d", crs_crsnl(), init));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s status", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "containers: 1\n")) TH_LOG("%s", out);
	stop_container(init);
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s status", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "containers: 0\n")) TH_LOG("%s", out);
	/* and now the policy deletes without --force */
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete batch-job", crs_crsnl()));
}

TEST(host_namespace_needs_host_flag)
{
	char out[4096];

	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s/policies/batch-job.json",
			    crs_crsnl(), top()));
	EXPECT_EQ(1, crs_sh(out, sizeof(out), "%s policy apply batch-job --pid %d 2>&1",
			    crs_crsnl(), getpid()));
	EXPECT_NE(NULL, strstr(out, "host")) TH_LOG("%s", out);
	EXPECT_EQ(0, crs_sh(out, sizeof(out), "%s status", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "containers: 0\n"));
	/* with --host it binds; set it INACTIVE first so nothing is enforced */
	ASSERT_EQ(0, crs_sh(out, sizeof(out),
			    "%s policy apply batch-job --pid %d --host --policy-mode INACTIVE 2>&1",
			    crs_crsnl(), getpid())) TH_LOG("%s", out);
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy detach --pid %d", crs_crsnl(), getpid()));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete batch-job", crs_crsnl()));
}

/* Policy NAME of @n READ and WRITE rules, ALLOW and DENY, in @path. */
static int write_big_policy(const char *path, const char *name, int n)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -1;
	fprintf(f, "{\"name\": \"%s\", \"rules\": [", name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"name\": \"r%05d\", \"ruleType\": \"%s\", \"program\": \"*\", "
			"\"file\": \"/srv/data/%05d/*\", \"action\": \"%s\"}",
			i ? "," : "", i, i % 2 ? "READ" : "WRITE", i,
			i % 3 ? "ALLOW" : "DENY");
	fprintf(f, "]}\n");
	return fclose(f);
}

TEST(ten_thousand_rules_push_and_show)
{
	char out[4096];

	ASSERT_EQ(0, write_big_policy("/tmp/big.json", "big", 10000));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy push /tmp/big.json 2>&1",
			    crs_crsnl())) TH_LOG("%s", out);
	ASSERT_EQ(0, crs_sh(out, sizeof(out),
			    "%s policy show big > /tmp/big.out && grep -c '\"ruleType\"' /tmp/big.out",
			    crs_crsnl()));
	EXPECT_EQ(10000, atoi(out));
	ASSERT_EQ(0, crs_sh(out, sizeof(out),
			    "grep -o '\"r[0-9]*\"' /tmp/big.out | sort -u | wc -l"));
	EXPECT_EQ(10000, atoi(out));
	ASSERT_EQ(0, crs_sh(out, sizeof(out),
			    "%s policy push /tmp/big.out && %s policy show big | cmp - /tmp/big.out",
			    crs_crsnl(), crs_crsnl())) TH_LOG("%s", out);
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete big", crs_crsnl()));
}

/* The kernel's per-CPU memory in use (/proc/meminfo Percpu), KiB. */
static long percpu_kb(void)
{
	char out[256];

	if (crs_sh(out, sizeof(out), "awk '/^Percpu:/ {print $2}' /proc/meminfo"))
		return -1;
	return atol(out);
}

/*
 * A rule's counters are not per CPU: per-CPU counters cost 24 bytes per
 * rule times the number of possible CPUs (245 MB for 40,000 rules on a
 * 256-CPU host). Measured on the kernel's own per-CPU accounting: with
 * per-CPU counters these 40,000 rules took 24 B x 40,000 x CPUs (more
 * than the populated but free per-CPU pages earlier pushes leave).
 */
TEST(rule_counters_take_no_per_cpu_memory)
{
	long before, after, ncpu = sysconf(_SC_NPROCESSORS_CONF);
	char out[4096];

	ASSERT_EQ(0, write_big_policy("/tmp/percpu.json", "percpu", 40000));
	before = percpu_kb();
	ASSERT_LT(0, before);
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy push /tmp/percpu.json 2>&1",
			    crs_crsnl())) TH_LOG("%s", out);
	after = percpu_kb();
	TH_LOG("Percpu %ld -> %ld KiB for 40,000 rules, %ld CPUs", before, after, ncpu);
	/* per-CPU counters: 24 * 40,000 * ncpu / 1024 KiB; allow a tenth */
	EXPECT_LT(after - before, 24 * 40000 * ncpu / 1024 / 10);
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete percpu", crs_crsnl()));
}

/* Push a small policy over raw netlink (fast enough for 1,000 rounds). */
static int push_small(struct crs_conn *c, int round)
{
	struct nl_msg *m = crs_conn_msg(c, CRS_CMD_SET_POLICY, 0);
	struct nlattr *p, *rules, *r;
	char name[32];
	int i;

	p = nla_nest_start(m, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(m, CRS_POLICY_A_NAME, "churn");
	nla_put_u8(m, CRS_POLICY_A_MODE, round % 2 ? CRS_MODE_ACTIVE : CRS_MODE_PERMISSIVE);
	rules = nla_nest_start(m, CRS_POLICY_A_RULES | NLA_F_NESTED);
	for (i = 0; i < 1 + round % 7; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		r = nla_nest_start(m, CRS_RULES_A_RULE | NLA_F_NESTED);
		nla_put_string(m, CRS_RULE_A_NAME, name);
		nla_put_u8(m, CRS_RULE_A_TYPE, CRS_RULE_READ);
		nla_put_u8(m, CRS_RULE_A_ACTION, CRS_ACTION_DENY);
		nla_put_string(m, CRS_RULE_A_FILE, "/nonexistent/*");
		nla_nest_end(m, r);
	}
	nla_nest_end(m, rules);
	nla_nest_end(m, p);
	return crs_conn_call(c, m, NULL, 0);
}

TEST(replace_1000_times_while_querying)
{
	struct crs_conn c;
	pid_t q;
	int i, st;

	ASSERT_EQ(0, crs_conn_open(&c));
	ASSERT_EQ(0, push_small(&c, 0));
	q = fork();
	ASSERT_GE(q, 0);
	if (q == 0) {
		struct crs_conn qc;
		int n = 0;

		if (crs_conn_open(&qc))
			_exit(2);
		for (;;) {
			struct nl_msg *m = crs_conn_msg(&qc, CRS_CMD_GET_POLICY,
							NLM_F_DUMP);
			struct nlattr *p = nla_nest_start(m, CRS_A_POLICY | NLA_F_NESTED);
			int ret;

			nla_put_string(m, CRS_POLICY_A_NAME, "churn");
			nla_nest_end(m, p);
			ret = crs_conn_call(&qc, m, NULL, 0);
			if (ret) {
				fprintf(stderr, "query %d: %d %s\n", n, ret, qc.extack);
				_exit(3);
			}
			n++;
			if (getppid() == 1)
				_exit(0);
		}
	}
	for (i = 1; i <= 1000; i++) {
		ASSERT_EQ(0, push_small(&c, i)) TH_LOG("round %d: %s", i, c.extack);
	}
	kill(q, SIGTERM);
	ASSERT_EQ(q, waitpid(q, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st)) TH_LOG("querier exited %d", WEXITSTATUS(st));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete churn", crs_crsnl()));
	crs_conn_close(&c);
}

/* Root in a user namespace gets EPERM from every command. */
static int every_command_in_user_ns(void *arg)
{
	struct crs_conn c;
	int cmd;

	if (unshare(CLONE_NEWUSER))
		return 10;
	if (crs_conn_open(&c))
		return 11;
	for (cmd = CRS_CMD_GET_STATUS; cmd <= CRS_CMD_GET_LEARNED; cmd++) {
		int flags = (cmd == CRS_CMD_GET_POLICY ||
			     cmd == CRS_CMD_GET_LEARNED) ? NLM_F_DUMP : 0;
		struct nl_msg *m = crs_conn_msg(&c, cmd, flags);
		int ret = crs_conn_call(&c, m, NULL, 0);

		if (ret != -EPERM && !(cmd == CRS_CMD_GET_LEARNED &&
				       ret == -EOPNOTSUPP)) {
			fprintf(stderr, "cmd %d: %d\n", cmd, ret);
			return 20 + cmd;
		}
	}
	return 0;
}

TEST(every_command_is_eperm_from_user_namespace_root)
{
	ASSERT_EQ(0, crs_in_child(every_command_in_user_ns, NULL));
	/* and crsnl says so in one line */
	{
		char out[4096];

		EXPECT_EQ(1, crs_sh(out, sizeof(out),
				    "unshare --user %s policy list 2>&1", crs_crsnl()));
		EXPECT_NE(NULL, strstr(out, "Operation not permitted")) TH_LOG("%s", out);
	}
}

/* The status "hooks:" count. */
static int hooks_installed(void)
{
	return crs_status_field("hooks: ");
}

/* Whether FUNC is hooked now (ftrace's list of functions with a callback). */
static bool hooked(const char *func)
{
	return crs_sh(NULL, 0, "grep -q '^%s ' /sys/kernel/debug/tracing/enabled_functions",
		      func) == 0;
}

/* Waits until the system call hooks are disarmed; whether they were. */
static bool syscall_hooks_gone(void)
{
	int i;

	/* two idle checks of 1 s each; generous for a slow kernel */
	for (i = 0; i < 3000; i++) {
		if (!hooked("x64_sys_call"))
			return true;
		usleep(10000);
	}
	return false;
}

#define NOSYS_POLICY "/tmp/crs-test-nosys.json"
#define MKDIR_POLICY "/tmp/crs-test-mkdir.json"

/*
 * The system call dispatch hooks (every system call of the host) are
 * armed only while a bound container needs them: a policy with SYSCALL
 * rules or learning. Arming happens before apply, a policy push or
 * learning on returns, so the very next call is judged; disarming waits
 * for syscall_hooks_idle_secs without a container needing them. The
 * other hooks stay for the module's life, and kernel.ftrace_enabled
 * cannot be set to 0 while they are (it would switch every hook off:
 * a bypass for root on the host).
 */
TEST(syscall_hooks_are_armed_only_while_a_container_needs_them)
{
	const char *crsnl = crs_crsnl();
	int others, all;
	pid_t nested, init;
	char out[4096];
	long idle;

	ASSERT_EQ(0, crs_write_file(NOSYS_POLICY, "%s",
		"{\"name\": \"t-nosys\", \"policyMode\": \"ACTIVE\", \"rules\": [\n"
		" {\"name\": \"r\", \"ruleType\": \"READ\", \"program\": \"*\", \"file\": \"/etc/shadow\", \"action\": \"DENY\"}]}\n"));
	ASSERT_EQ(0, crs_write_file(MKDIR_POLICY, "%s",
		"{\"name\": \"t-nosys\", \"policyMode\": \"ACTIVE\", \"rules\": [\n"
		" {\"name\": \"m\", \"ruleType\": \"SYSCALL\", \"program\": \"*\", \"syscall\": \"mkdir\", \"action\": \"DENY\"},\n"
		" {\"name\": \"m2\", \"ruleType\": \"SYSCALL\", \"program\": \"*\", \"syscall\": \"mkdirat\", \"action\": \"DENY\"}]}\n"));
	idle = crs_param_get("syscall_hooks_idle_secs");
	ASSERT_GE(idle, 0);
	ASSERT_EQ(0, crs_param_set("syscall_hooks_idle_secs", 1));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s/policies/batch-job.json", crsnl, top()));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s", crsnl, NOSYS_POLICY));

	/* nothing bound: only the others */
	ASSERT_TRUE(syscall_hooks_gone());
	others = hooks_installed();
	EXPECT_LE(16, others);
	EXPECT_TRUE(hooked("security_file_open"));
	/* root cannot switch every hook off through ftrace's sysctl */
	EXPECT_NE(0, crs_sh(NULL, 0, "sysctl -qw kernel.ftrace_enabled=0 2>/dev/null"));
	EXPECT_EQ(0, crs_sh(NULL, 0, "grep -qx 1 /proc/sys/kernel/ftrace_enabled"));

	init = start_container(&nested);
	ASSERT_GT(init, 0);

	/* a policy without SYSCALL rules does not arm them */
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy apply t-nosys --pid %d", crsnl, init));
	usleep(1500000);
	EXPECT_FALSE(hooked("x64_sys_call"));
	EXPECT_EQ(others, hooks_installed());

	/* replacing it with one that has them arms them before push returns */
	EXPECT_NE(0, crs_sh(out, sizeof(out), "%s policy push %s && nsenter -t %d -p -- mkdir /tmp/crs-test-denied 2>&1",
			    crsnl, MKDIR_POLICY, init));
	EXPECT_NE(NULL, strstr(out, "Operation not permitted")) TH_LOG("%s", out);
	EXPECT_TRUE(hooked("x64_sys_call"));
	all = hooks_installed();
	EXPECT_LT(others, all);
	EXPECT_NE(0, access("/tmp/crs-test-denied", F_OK));
	/* while needed they stay, idle checks or not */
	usleep(2500000);
	EXPECT_TRUE(hooked("x64_sys_call"));

	/* detached: disarmed after the idle period */
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy detach --pid %d", crsnl, init));
	EXPECT_TRUE(syscall_hooks_gone());
	EXPECT_EQ(others, hooks_installed());

	/* apply arms them before it returns: the next call is judged */
	EXPECT_NE(0, crs_sh(out, sizeof(out), "%s policy apply t-nosys --pid %d && nsenter -t %d -p -- mkdir /tmp/crs-test-denied 2>&1",
			    crsnl, init, init));
	EXPECT_NE(NULL, strstr(out, "Operation not permitted")) TH_LOG("%s", out);
	EXPECT_NE(0, access("/tmp/crs-test-denied", F_OK));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy detach --pid %d", crsnl, init));
	EXPECT_TRUE(syscall_hooks_gone());

	/* learning needs them too */
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push %s", crsnl, NOSYS_POLICY));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy apply t-nosys --pid %d", crsnl, init));
	EXPECT_FALSE(hooked("x64_sys_call"));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s container set --pid %d --learning on 2>&1",
			    crsnl, init)) TH_LOG("%s", out);
	EXPECT_TRUE(hooked("x64_sys_call"));
	/* the container's death (no detach) lets them go too */
	stop_container(init);
	EXPECT_TRUE(syscall_hooks_gone());
	EXPECT_EQ(others, hooks_installed());
	EXPECT_TRUE(hooked("security_file_open"));

	rmdir("/tmp/crs-test-denied");
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete t-nosys", crsnl));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete batch-job", crsnl));
	EXPECT_EQ(0, crs_param_set("syscall_hooks_idle_secs", idle));
}

/* Writes policy NAME with one SYSCALL DENY rule per name in @calls. */
static int write_deny_policy(const char *path, const char *name,
			     const char *const *calls, const char *def)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -1;
	fprintf(f, "{\"name\": \"%s\", \"defaultSyscallAction\": \"%s\", \"rules\": [", name, def);
	for (i = 0; calls[i]; i++)
		fprintf(f, "%s{\"name\": \"d%d\", \"ruleType\": \"SYSCALL\", \"program\": \"*\", "
			"\"syscall\": \"%s\", \"action\": \"DENY\"}", i ? "," : "", i, calls[i]);
	fprintf(f, "]}\n");
	return fclose(f);
}

/*
 * In the container, mkdir of a new directory and rmdir of one the host
 * made: "mkdir=STATUS rmdir=STATUS" (0: it worked).
 */
static void mkdir_rmdir(pid_t init, char *out, size_t len)
{
	crs_sh(NULL, 0, "rm -rf /tmp/crs-pf; mkdir -p /tmp/crs-pf2");
	crs_sh(out, len, "nsenter -t %d -p -- sh -c 'mkdir /tmp/crs-pf 2>/dev/null; m=$?; "
	       "rmdir /tmp/crs-pf2 2>/dev/null; echo mkdir=$m rmdir=$?'", init);
	out[strcspn(out, "\n")] = '\0';
	crs_sh(NULL, 0, "rm -rf /tmp/crs-pf /tmp/crs-pf2");
}

/*
 * Calls that no stored policy names are allowed at the hook before the
 * container lookup; what a policy names must reach its table the moment
 * it is pushed or replaced, stop doing so when no policy names it, and
 * a default-DENY policy or learning must see every call.
 */
TEST(calls_no_policy_names_are_allowed_early_and_exactly)
{
	static const char *const mk[] = { "mkdir", "mkdirat", NULL };
	static const char *const rm[] = { "rmdir", NULL };
	static const char *const none[] = { NULL };
	const char *crsnl = crs_crsnl();
	pid_t nested, init;
	char out[4096];

	init = start_container(&nested);
	ASSERT_GT(init, 0);
	ASSERT_EQ(0, write_deny_policy("/tmp/pf-a.json", "pf-a", mk, "ALLOW"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/pf-a.json", crsnl));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy apply pf-a --pid %d", crsnl, init));
	mkdir_rmdir(init, out, sizeof(out));
	EXPECT_STREQ("mkdir=1 rmdir=0", out);
	/* replaced: rmdir is judged at once, mkdir no longer denied */
	ASSERT_EQ(0, write_deny_policy("/tmp/pf-a.json", "pf-a", rm, "ALLOW"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/pf-a.json", crsnl));
	mkdir_rmdir(init, out, sizeof(out));
	EXPECT_STREQ("mkdir=0 rmdir=1", out);
	/* another stored policy naming mkdir changes nothing here */
	ASSERT_EQ(0, write_deny_policy("/tmp/pf-b.json", "pf-b", mk, "ALLOW"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/pf-b.json", crsnl));
	mkdir_rmdir(init, out, sizeof(out));
	EXPECT_STREQ("mkdir=0 rmdir=1", out);
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete pf-b", crsnl));
	mkdir_rmdir(init, out, sizeof(out));
	EXPECT_STREQ("mkdir=0 rmdir=1", out);
	/* default DENY: every call is judged, named or not (true dies) */
	ASSERT_EQ(0, write_deny_policy("/tmp/pf-a.json", "pf-a", none, "DENY"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/pf-a.json", crsnl));
	EXPECT_NE(0, crs_sh(NULL, 0, "nsenter -t %d -p -- /bin/true", init));
	/* back to no SYSCALL rule and learning: calls no policy names are learned */
	ASSERT_EQ(0, write_deny_policy("/tmp/pf-a.json", "pf-a", none, "ALLOW"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s policy push /tmp/pf-a.json", crsnl));
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s container set --pid %d --learning on", crsnl, init));
	mkdir_rmdir(init, out, sizeof(out));
	EXPECT_STREQ("mkdir=0 rmdir=0", out);
	EXPECT_EQ(0, crs_sh(out, sizeof(out), "%s learn show --pid %d 2>&1 | grep -w rmdir",
			    crsnl, init)) TH_LOG("%s", out);
	stop_container(init);
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete pf-a --force", crsnl));
}

TEST_HARNESS_MAIN
