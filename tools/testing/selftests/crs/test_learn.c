// SPDX-License-Identifier: GPL-2.0
/*
 * Behavioral learning (issue 8): a scripted workload is learned, exported
 * with crsnl, pushed and applied in ACTIVE mode, and run again.
 *
 * Topology (documentation addresses): the container runs in network
 * namespace crs_lc (lc0 203.0.113.1/24), joined by a veth to crs_lp
 * (lp0 203.0.113.2/24) where a TCP server greets on ports 7001 and 7003.
 * IPv6 is off on both, so nothing but the workload's own traffic flows.
 *
 * A container is a child in a new pid namespace (its init is a fork of
 * the test) that joined crs_lc. The init runs commands sent over a pipe
 * and writes the results into shared memory, so a learning run and an
 * enforcing run execute exactly the same code:
 *
 *   W  the workload: read r1 (twice) and r2, write w1, connect out to
 *      203.0.113.2:7001, accept one connection on :7002, exec busybox true
 *   N  what the workload never did: read r3, connect to :7003, getpriority
 *   X  read "nested" from a grandchild in a nested pid namespace
 *   B  read BOUND_FILES distinct files
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_test.h"

#define D "/tmp/crsl"
#define CT_ADDR "203.0.113.1"
#define PEER_ADDR "203.0.113.2"
#define PORT_OUT 7001
#define PORT_IN 7002
#define PORT_NEW 7003
#define BUSYBOX "/bin/busybox"
#define BOUND_MAX 32
#define BOUND_FILES 200

struct results {
	int read_r1, read_r1_again, read_r2, write_w1;	/* 0 or errno */
	int read_star, read_bslash;	/* files named "*" and "b\\s" */
	int connect_out, accept_in, exec_helper;
	char greeting[16];
	int read_r3, connect_new, new_syscall;		/* N */
	int thread;		/* T: pthread_create's result */
	int nested;					/* X */
	int bound_errors;				/* B */
};

/* crsnl learn export's base set (userspace/learn.c, docs/events.md). */
static bool is_base_syscall(const char *n)
{
	static const char *const base[] = {
		"sched_yield", "futex", "nanosleep", "clock_nanosleep",
		"clock_gettime", "gettimeofday", "getpid", "gettid",
		"rt_sigprocmask", "sigaltstack", "restart_syscall",
		"rt_sigreturn", "mmap", "munmap", "mprotect", "madvise", "brk",
		"mremap", "clone", "rseq", "set_robust_list",
	};
	size_t i;

	for (i = 0; n && i < sizeof(base) / sizeof(base[0]); i++)
		if (!strcmp(n, base[i]))
			return true;
	return false;
}

static struct results *res;
static char self_exe[PATH_MAX], busybox_real[PATH_MAX];
static pid_t server_pid;
static bool topo_ok;
static pid_t topo_pid;

/* ------------------------------------------------------------------ */
/* Inside the container. */

static int read_file(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return errno;
	}
	close(fd);
	return 0;
}

static int tcp_connect(const char *addr, int port, char *greet, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), e = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		e = errno;
	} else if (greet) {
		n = read(fd, greet, len - 1);
		greet[n > 0 ? n : 0] = '\0';
	}
	close(fd);
	return e;
}

static int accept_one(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pollfd pfd;
	int one = 1, fd, c, e = 0;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		e = errno;
		close(fd);
		return e;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 20000) != 1) {
		close(fd);
		return ETIMEDOUT;
	}
	c = accept(fd, NULL, NULL);
	if (c < 0)
		e = errno;
	else if (write(c, "in\n", 3) != 3)
		e = errno;
	if (c >= 0)
		close(c);
	close(fd);
	return e;
}

static int run_helper(void)
{
	pid_t p = fork();
	int st;

	if (p < 0)
		return errno;
	if (p == 0) {
		execl(BUSYBOX, "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p)
		return errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : EACCES;
}

/*
 * What the container runs on request (crs_ctr_run()): each records what
 * it saw in *res and returns 0.
 */
static int ct_workload(void *arg)
{
	int fd;

	res->read_r1 = read_file(D "/r1");
	res->read_r1_again = read_file(D "/r1");
	res->read_r2 = read_file(D "/r2");
	res->read_star = read_file(D "/*");
	res->read_bslash = read_file(D "/b\\s");
	fd = open(D "/w1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		res->write_w1 = errno;
	} else {
		res->write_w1 = write(fd, "w\n", 2) == 2 ? 0 : errno;
		close(fd);
	}
	res->connect_out = tcp_connect(PEER_ADDR, PORT_OUT, res->greeting,
				       sizeof(res->greeting));
	res->accept_in = accept_one(PORT_IN);
	res->exec_helper = run_helper();
	return 0;
}

static int ct_new(void *arg)
{
	res->read_r3 = read_file(D "/r3");
	res->connect_new = tcp_connect(PEER_ADDR, PORT_NEW, NULL, 0);
	res->new_syscall = syscall(SYS_getpriority, PRIO_PROCESS, 0) == -1 ?
			   errno : 0;
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

/*
 * A thread, which the learned run never started: glibc tries clone3
 * first and falls back to clone only when clone3 fails with ENOSYS.
 */
static int ct_thread(void *arg)
{
	pthread_t t;

	res->thread = pthread_create(&t, NULL, thread_fn, NULL);
	if (!res->thread)
		pthread_join(t, NULL);
	return 0;
}

static int ct_nested(void *arg)
{
	pid_t p = fork(), q;
	int st = 1;

	if (p == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(2);
		q = fork();
		if (q == 0)
			_exit(read_file(D "/nested") ? 3 : 0);
		waitpid(q, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 4);
	}
	waitpid(p, &st, 0);
	res->nested = WIFEXITED(st) ? WEXITSTATUS(st) : 5;
	return 0;
}

static int ct_bound(void *arg)
{
	char path[64];
	int i;

	res->bound_errors = 0;
	for (i = 0; i < BOUND_FILES; i++) {
		snprintf(path, sizeof(path), D "/many/f%03d", i);
		if (read_file(path))
			res->bound_errors++;
	}
	return 0;
}


/* ------------------------------------------------------------------ */
/* The test side. */

/* In the init: join the container's network namespace. */
static int ct_setup(void)
{
	int fd = open("/run/netns/crs_lc", O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	return close(fd);
}

/* Connect from crs_lp to the container's PORT_IN until it answers. */
static pid_t inbound_client(void)
{
	pid_t p = fork();

	if (p == 0) {
		int fd = open("/run/netns/crs_lp", O_RDONLY), i;
		char buf[8];

		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		for (i = 0; i < 200; i++) {
			if (!tcp_connect(CT_ADDR, PORT_IN, buf, sizeof(buf)) &&
			    !strcmp(buf, "in\n"))
				_exit(0);
			usleep(50000);
		}
		_exit(1);
	}
	return p;
}

/* The workload with its inbound client; 0 when the command ran. */
static int workload(struct crs_ctr *c)
{
	pid_t cl = inbound_client();
	int ret = crs_ctr_run(c, ct_workload, NULL), st = 1;

	waitpid(cl, &st, 0);
	return ret;
}

static void put_file(const char *path, const char *data)
{
	crs_write_file(path, "%s", data);
}

static struct json_object *load_json(const char *path)
{
	return json_object_from_file(path);
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) :
						    NULL;
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Does @rules hold a rule of @type/@program/@key=@val with @action? */
static int count_rules(struct json_object *rules, const char *type,
		       const char *program, const char *key, const char *val,
		       const char *action)
{
	size_t i, n = json_object_array_length(rules);
	int cnt = 0;

	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);

		if (streq(jstr(r, "ruleType"), type) &&
		    (!program || streq(jstr(r, "program"), program)) &&
		    (!key || streq(jstr(r, key), val)) &&
		    streq(jstr(r, "action"), action))
			cnt++;
	}
	return cnt;
}

/* Servers in crs_lp: greet "hi PORT" on PORT_OUT and PORT_NEW. */
static void server(void)
{
	int ports[2] = { PORT_OUT, PORT_NEW }, fds[2], i, one = 1;
	struct pollfd pfd[2];
	int fd = open("/run/netns/crs_lp", O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		_exit(1);
	for (i = 0; i < 2; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons(ports[i]) };

		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fds[i], (struct sockaddr *)&sa, sizeof(sa)) ||
		    listen(fds[i], 16))
			_exit(1);
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	for (;;) {
		if (poll(pfd, 2, -1) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			char msg[16];
			int c;

			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept(fds[i], NULL, NULL);
			if (c < 0)
				continue;
			snprintf(msg, sizeof(msg), "hi %d", ports[i]);
			if (write(c, msg, strlen(msg)) < 0)
				perror("write");
			close(c);
		}
	}
}

static const char *const topo_cmds[] = {
	"ip netns add crs_lc", "ip netns add crs_lp",
	"ip link add lc0 netns crs_lc type veth peer name lp0 netns crs_lp",
	"ip netns exec crs_lc sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
	"ip netns exec crs_lp sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
	"ip netns exec crs_lc sysctl -qw net.ipv6.conf.default.disable_ipv6=1",
	"ip netns exec crs_lp sysctl -qw net.ipv6.conf.default.disable_ipv6=1",
	"ip -n crs_lc link set lo up", "ip -n crs_lp link set lo up",
	"ip -n crs_lc addr add " CT_ADDR "/24 dev lc0",
	"ip -n crs_lp addr add " PEER_ADDR "/24 dev lp0",
	"ip -n crs_lc link set lc0 up", "ip -n crs_lp link set lp0 up",
	NULL
};

__attribute__((constructor)) static void setup(void)
{
	char greet[16] = "";
	int i;

	topo_pid = getpid();
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || !realpath("/proc/self/exe", self_exe) ||
	    !realpath(BUSYBOX, busybox_real))
		return;
	crs_sh(NULL, 0, "rm -rf " D "; mkdir -p " D "/many");
	put_file(D "/r1", "one\n");
	put_file(D "/r2", "two\n");
	put_file(D "/r3", "three\n");
	/* glob_match() metacharacters in names: learned, they stay literal */
	put_file(D "/*", "star\n");
	put_file(D "/b\\s", "backslash\n");
	put_file(D "/nested", "nested\n");
	for (i = 0; i < BOUND_FILES; i++) {
		char p[64];

		snprintf(p, sizeof(p), D "/many/f%03d", i);
		put_file(p, "x\n");
	}
	crs_sh(NULL, 0, "ip netns del crs_lc 2>/dev/null; ip netns del crs_lp 2>/dev/null");
	for (i = 0; topo_cmds[i]; i++)
		if (crs_sh(NULL, 0, "/usr/sbin/%s >&2", topo_cmds[i])) {
			fprintf(stderr, "# topology: '%s' failed\n", topo_cmds[i]);
			return;
		}
	server_pid = fork();
	if (server_pid == 0)
		server();
	/* reachable from the container's namespace? */
	for (i = 0; i < 100; i++) {
		pid_t p = fork();
		int st;

		if (p == 0) {
			int fd = open("/run/netns/crs_lc", O_RDONLY);

			if (fd < 0 || setns(fd, CLONE_NEWNET))
				_exit(1);
			_exit(tcp_connect(PEER_ADDR, PORT_OUT, greet,
					  sizeof(greet)) ? 1 : 0);
		}
		waitpid(p, &st, 0);
		if (WIFEXITED(st) && !WEXITSTATUS(st)) {
			topo_ok = true;
			break;
		}
		usleep(100000);
	}
	if (!topo_ok)
		fprintf(stderr, "# topology: server in crs_lp not reachable\n");
}

__attribute__((destructor)) static void teardown(void)
{
	if (getpid() != topo_pid)
		return;
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
	crs_sh(NULL, 0, "ip netns del crs_lc 2>/dev/null; ip netns del crs_lp 2>/dev/null");
}

static int crsnl(const char *fmt, const char *a, int pid, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, a, pid, b);
	return crs_sh(NULL, 0, "%s %s >&2", crs_crsnl(), cmd);
}

/* Learn the workload in a fresh container @c; the container stays. */
static int learn_run(struct crs_ctr *c, const char *extra)
{
	memset(res, 0, sizeof(*res));
	if (crs_ctr_start(c, ct_setup))
		return -1;
	if (crsnl("learn start %s--pid %d%s", "", c->pid, extra ? extra : ""))
		return -1;
	return workload(c);
}

static bool workload_ok(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, res->read_r1);
	EXPECT_EQ(0, res->read_r1_again);
	EXPECT_EQ(0, res->read_r2);
	EXPECT_EQ(0, res->write_w1);
	EXPECT_EQ(0, res->read_star);
	EXPECT_EQ(0, res->read_bslash);
	EXPECT_EQ(0, res->connect_out);
	EXPECT_STREQ("hi 7001", res->greeting);
	EXPECT_EQ(0, res->accept_in);
	EXPECT_EQ(0, res->exec_helper);
	return !res->read_r1 && !res->read_r1_again && !res->read_r2 &&
	       !res->read_star && !res->read_bslash && !res->write_w1 &&
	       !res->connect_out && !res->accept_in &&
	       !res->exec_helper;
}

/* Wait until the container of @c is gone from the kernel. */
static void ct_gone(struct crs_ctr *c, pid_t init)
{
	struct crs_cinfo ci;
	int i;

	crs_ctr_stop(c);
	for (i = 0; i < 50 && !crs_container_info(init, &ci); i++)
		usleep(100000);
}

/*
 * Replace container @c by a fresh one under the policy of @file (pushed),
 * applied with the crsnl options @extra, and run the workload in it: 0,
 * or nonzero when a step fails.
 */
static int enforce_run(struct crs_ctr *c, const char *file,
		       const char *policy, const char *extra)
{
	ct_gone(c, c->pid);
	if (crs_sh(NULL, 0, "%s policy push %s >&2", crs_crsnl(), file))
		return -1;
	memset(res, 0, sizeof(*res));
	if (crs_ctr_start(c, ct_setup))
		return -1;
	if (crsnl("policy apply %s --pid %d%s", policy, c->pid, extra))
		return -1;
	return workload(c);
}

FIXTURE(learn) {
	struct crs_ctr c;
};

/* learn_max as a test found it, until it is put back (teardown does too) */
static long learn_max_saved = -1;

FIXTURE_SETUP(learn)
{
	ASSERT_TRUE(topo_ok) TH_LOG("topology not up");
	memset(&self->c, 0, sizeof(self->c));
}

FIXTURE_TEARDOWN(learn)
{
	if (self->c.pid > 0)
		crs_ctr_stop(&self->c);
	if (learn_max_saved >= 0)
		crs_param_set("learn_max", learn_max_saved);
	crs_sh(NULL, 0, "%s policy delete learned-wl --force >/dev/null 2>&1; "
	       "%s policy delete base-merge --force >/dev/null 2>&1",
	       crs_crsnl(), crs_crsnl());
}

/*
 * The loop: learn, export, check the exact tuples, push, apply ACTIVE,
 * re-run without a denial, and what was never done is denied.
 */
TEST_F_TIMEOUT(learn, workload_learned_exported_and_enforced, 240)
{
	struct json_object *pol, *rules;
	struct crs_cinfo ci;
	char out[4096];
	size_t i, n, nsys = 0, base = 0, clone3 = 0;
	int others = 0, exe_read;

	ASSERT_EQ(0, learn_run(&self->c, NULL));
	ASSERT_TRUE(workload_ok(_metadata));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	EXPECT_STREQ("", ci.policy);	/* learning alone: no policy */
	EXPECT_GT(ci.learned, 6);
	EXPECT_EQ(0, ci.overflow);
	EXPECT_GT(crs_status_value(CRS_STATUS_A_MEM_LEARN), 0);
	crs_sh(out, sizeof(out), "%s learn show --pid %d | grep -v SYSCALL",
	       crs_crsnl(), self->c.pid);
	TH_LOG("learned (syscalls left out):\n%s", out);

	ASSERT_EQ(0, crsnl("learn export %s--pid %d%s", "", self->c.pid,
			   " --name learned-wl -o " D "/learned.json"));
	pol = load_json(D "/learned.json");
	ASSERT_NE(NULL, pol);
	EXPECT_STREQ("learned-wl", jstr(pol, "name"));
	EXPECT_STREQ("ACTIVE", jstr(pol, "policyMode"));
	EXPECT_STREQ("DENY", jstr(pol, "defaultFileAction"));
	EXPECT_STREQ("DENY", jstr(pol, "defaultNetworkAction"));
	EXPECT_STREQ("DENY", jstr(pol, "defaultExecuteAction"));
	EXPECT_STREQ("DENY", jstr(pol, "defaultSyscallAction"));
	ASSERT_TRUE(json_object_object_get_ex(pol, "rules", &rules));

	/* exactly these file, network and Execution rules */
	EXPECT_EQ(1, count_rules(rules, "READ", self_exe, "file", D "/r1", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "READ", self_exe, "file", D "/r2", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "WRITE", self_exe, "file", D "/w1", "ALLOW"));
	/* escaped: a file named "*" must not become an allow-all rule */
	EXPECT_EQ(1, count_rules(rules, "READ", self_exe, "file", D "/\\*", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "READ", self_exe, "file", D "/b\\\\s", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "NETWORK_OUTBOUND", self_exe,
				 "ipAddress", PEER_ADDR, "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "NETWORK_OUTBOUND", self_exe,
				 "port", "7001", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "NETWORK_INBOUND", NULL, "port",
				 "7002", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", self_exe, "file",
				 busybox_real, "ALLOW"));
	n = json_object_array_length(rules);
	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);
		const char *type = jstr(r, "ruleType"), *name = jstr(r, "name");

		/* clone3 (flags in memory): ENOSYS, so threads use clone */
		if (streq(type, "SYSCALL") && streq(jstr(r, "syscall"), "clone3")) {
			EXPECT_STREQ("*", jstr(r, "program"));
			EXPECT_STREQ("DENY", jstr(r, "action"));
			EXPECT_STREQ("ENOSYS", jstr(r, "errno"));
			nsys++;
			clone3++;
			continue;
		}
		EXPECT_STREQ("ALLOW", jstr(r, "action"));
		if (streq(type, "SYSCALL") && !jstr(r, "file")) {
			nsys++;
			/* export's base set: program "*" (absent) */
			if (streq(jstr(r, "program"), "*") &&
			    is_base_syscall(jstr(r, "syscall"))) {
				/* a thread, no namespace; no PROT_EXEC */
				if (streq(jstr(r, "syscall"), "clone"))
					EXPECT_STREQ("&0x7e030000==0x10000",
						     jstr(r, "arg1"));
				if (streq(jstr(r, "syscall"), "mmap") ||
				    streq(jstr(r, "syscall"), "mprotect"))
					EXPECT_STREQ("&0x4==0", jstr(r, "arg3"));
				base++;
				continue;
			}
			/* a syscall of the workload or of its helper */
			if (!streq(jstr(r, "program"), self_exe) &&
			    !streq(jstr(r, "program"), busybox_real)) {
				TH_LOG("syscall rule of another program: %s",
				       json_object_to_json_string(r));
				others++;
			}
			continue;
		}
		if (!streq(type, "READ") && !streq(type, "WRITE") &&
		    !streq(type, "NETWORK_OUTBOUND") &&
		    !streq(type, "NETWORK_INBOUND") && !streq(type, "SYSCALL"))
			others++;
		/* names say what they allow */
		if (streq(type, "READ") && streq(jstr(r, "file"), D "/r1"))
			EXPECT_STREQ("read-tmp-crsl-r1", name);
		if (streq(type, "NETWORK_INBOUND"))
			EXPECT_STREQ("accept-tcp-7002", name);
		TH_LOG("rule %s", json_object_to_json_string(r));
	}
	EXPECT_EQ(0, others);
	EXPECT_EQ(21, base);
	EXPECT_EQ(1, clone3);
	/*
	 * 8 file/network/Execution rules, the rest are syscalls; exec's own
	 * open of the binary is Execution, never learned as a READ.
	 */
	exe_read = count_rules(rules, "READ", self_exe, "file", busybox_real,
			       "ALLOW");
	EXPECT_EQ(0, exe_read);
	EXPECT_EQ(8, (int)(n - nsys));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", self_exe, "syscall", "openat", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", self_exe, "syscall", "connect", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", self_exe, "syscall", "listen", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", self_exe, "syscall", "wait4", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "SYSCALL", busybox_real, "syscall", "exit_group", "ALLOW"));
	EXPECT_EQ(0, count_rules(rules, "SYSCALL", NULL, "syscall", "getpriority", "ALLOW"));
	json_object_put(pol);

	/*
	 * push, apply ACTIVE to a new container, run again: no denial;
	 * learning on too: it shows what the enforcement points saw
	 */
	ASSERT_EQ(0, enforce_run(&self->c, D "/learned.json", "learned-wl",
				 " --learning on"));
	workload_ok(_metadata);
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	EXPECT_STREQ("learned-wl", ci.policy);
	EXPECT_EQ(0, ci.denied);
	if (ci.denied) {
		crs_sh(out, sizeof(out), "dmesg | grep 'crs: denied' | tail -n 20; "
		       "%s learn show --pid %d | grep -v SYSCALL; %s policy show learned-wl | grep -B3 -A6 OUTBOUND",
		       crs_crsnl(), self->c.pid, crs_crsnl());
		TH_LOG("denials:\n%s", out);
	}

	/* what the workload never did */
	ASSERT_EQ(0, crs_ctr_run(&self->c, ct_new, NULL));
	EXPECT_EQ(EACCES, res->read_r3);
	EXPECT_EQ(ECONNREFUSED, res->connect_new);
	EXPECT_EQ(EPERM, res->new_syscall);
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	EXPECT_EQ(3, ci.denied);

	/* a new thread: clone3 refused with ENOSYS, glibc's clone allowed */
	ASSERT_EQ(0, crs_ctr_run(&self->c, ct_thread, NULL));
	EXPECT_EQ(0, res->thread) TH_LOG("pthread_create: %s",
					 strerror(res->thread));
}

/* --merge: the existing DENY rule survives and still wins. */
TEST_F_TIMEOUT(learn, merge_keeps_deny_rule_and_settings, 240)
{
	struct json_object *pol, *rules;
	struct crs_cinfo ci;
	size_t n;

	put_file(D "/base.json",
		 "{\"name\": \"base-merge\", \"description\": \"hand written\",\n"
		 " \"policyMode\": \"ACTIVE\", \"defaultFileAction\": \"DENY\",\n"
		 " \"defaultNetworkAction\": \"DENY\", \"defaultExecuteAction\": \"DENY\",\n"
		 " \"defaultSyscallAction\": \"DENY\",\n"
		 " \"rules\": [\n"
		 "  {\"name\": \"no-r2\", \"ruleType\": \"READ\", \"program\": \"*\",\n"
		 "   \"file\": \"" D "/r2\", \"action\": \"DENY\"},\n"
		 "  {\"name\": \"mine-r1\", \"ruleType\": \"READ\", \"program\": \"*\",\n"
		 "   \"file\": \"" D "/r1\", \"action\": \"ALLOW\"}]}\n");
	/* learned: r1 by this program, so not equal to mine-r1 ("*") */
	ASSERT_EQ(0, learn_run(&self->c, NULL));
	ASSERT_TRUE(workload_ok(_metadata));
	ASSERT_EQ(0, crsnl("learn export %s--pid %d%s", "", self->c.pid,
			   " --merge " D "/base.json -o " D "/merged.json"));
	/* merging twice adds nothing */
	ASSERT_EQ(0, crsnl("learn export %s--pid %d%s", "", self->c.pid,
			   " --merge " D "/merged.json -o " D "/merged2.json"));
	pol = load_json(D "/merged.json");
	ASSERT_NE(NULL, pol);
	EXPECT_STREQ("base-merge", jstr(pol, "name"));
	EXPECT_STREQ("hand written", jstr(pol, "description"));
	ASSERT_TRUE(json_object_object_get_ex(pol, "rules", &rules));
	EXPECT_EQ(1, count_rules(rules, "READ", "*", "file", D "/r2", "DENY"));
	EXPECT_EQ(1, count_rules(rules, "READ", "*", "file", D "/r1", "ALLOW"));
	EXPECT_EQ(1, count_rules(rules, "READ", self_exe, "file", D "/r2", "ALLOW"));
	EXPECT_STREQ("no-r2", jstr(json_object_array_get_idx(rules, 0), "name"));
	n = json_object_array_length(rules);
	json_object_put(pol);
	pol = load_json(D "/merged2.json");
	ASSERT_NE(NULL, pol);
	ASSERT_TRUE(json_object_object_get_ex(pol, "rules", &rules));
	EXPECT_EQ(n, json_object_array_length(rules));
	json_object_put(pol);

	ASSERT_EQ(0, enforce_run(&self->c, D "/merged.json", "base-merge", ""));
	EXPECT_EQ(0, res->read_r1);
	EXPECT_EQ(EACCES, res->read_r2);	/* the DENY rule wins */
	EXPECT_EQ(0, res->write_w1);
	EXPECT_EQ(0, res->connect_out);
	EXPECT_EQ(0, res->accept_in);
	EXPECT_EQ(0, res->exec_helper);
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	EXPECT_EQ(1, ci.denied);
}

/* More distinct files than learn_max: the set stops, overflow counts. */
TEST_F_TIMEOUT(learn, bound_stops_growing_and_reports_overflow, 180)
{
	char out[256];
	struct crs_cinfo ci, ci2;
	int64_t mem;

	learn_max_saved = crs_param_get("learn_max");
	ASSERT_GE(learn_max_saved, 0);
	ASSERT_EQ(0, crs_param_set("learn_max", BOUND_MAX));
	memset(res, 0, sizeof(*res));
	ASSERT_EQ(0, crs_ctr_start(&self->c, ct_setup));
	ASSERT_EQ(0, crsnl("learn start %s--pid %d%s", "", self->c.pid, ""));
	ASSERT_EQ(0, crs_ctr_run(&self->c, ct_bound, NULL));
	EXPECT_EQ(0, res->bound_errors);
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	EXPECT_EQ(BOUND_MAX, ci.learned);
	EXPECT_GT(ci.overflow, 0);
	ASSERT_EQ(0, crs_ctr_run(&self->c, ct_bound, NULL));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci2));
	EXPECT_EQ(BOUND_MAX, ci2.learned);
	EXPECT_GT(ci2.overflow, ci.overflow);
	mem = crs_status_value(CRS_STATUS_A_MEM_LEARN);
	EXPECT_GT(mem, 0);
	EXPECT_LT(mem, 256 * 1024);
	/* export still works and says the set was full */
	EXPECT_EQ(0, crs_sh(out, sizeof(out),
			    "%s learn export --pid %d -o /dev/null 2>&1 | grep -c 'set was full'",
			    crs_crsnl(), self->c.pid));
	EXPECT_EQ(0, crs_param_set("learn_max", learn_max_saved));
	learn_max_saved = -1;
	/* the kernel is fine */
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s status >/dev/null", crs_crsnl()));
	crs_ctr_stop(&self->c);
}

/* A nested pid namespace learns into the container it is in. */
TEST_F_TIMEOUT(learn, nested_pidns_attributed_to_bound_container, 120)
{
	char out[8192];
	struct crs_cinfo ci;
	int64_t before;

	memset(res, 0, sizeof(*res));
	ASSERT_EQ(0, crs_ctr_start(&self->c, ct_setup));
	ASSERT_EQ(0, crsnl("learn start %s--pid %d%s", "", self->c.pid, ""));
	before = crs_status_value(CRS_STATUS_A_CONTAINERS);
	ASSERT_EQ(0, crs_ctr_run(&self->c, ct_nested, NULL));
	EXPECT_EQ(0, res->nested);
	EXPECT_EQ(before, crs_status_value(CRS_STATUS_A_CONTAINERS));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s learn show --pid %d",
			    crs_crsnl(), self->c.pid));
	EXPECT_NE(NULL, strstr(out, D "/nested"));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s learn show --pid %d | grep -q '^READ .* %s "
			    D "/nested$'", crs_crsnl(), self->c.pid, self_exe));
}

/* One BEHAVIOR event per new tuple on the "learn" group, none twice. */
TEST_F_TIMEOUT(learn, behavior_event_once_per_tuple, 180)
{
	struct nlattr *tb[CRS_A_MAX + 1], *ev[CRS_EVENT_A_MAX + 1];
	static char buf[1 << 16];
	struct timeval tv = { .tv_sec = 2 };
	struct nl_sock *sk;
	struct crs_cinfo ci;
	int grp, fd, events = 0, r1 = 0, behavior = 1;
	long deadline;

	sk = nl_socket_alloc();
	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, genl_connect(sk));
	grp = genl_ctrl_resolve_grp(sk, CRS_GENL_NAME, CRS_MCGRP_LEARN);
	ASSERT_GE(grp, 0);
	ASSERT_EQ(0, nl_socket_add_membership(sk, grp));
	fd = nl_socket_get_fd(sk);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	ASSERT_EQ(0, learn_run(&self->c, " --log-mode BEHAVIOR"));
	ASSERT_TRUE(workload_ok(_metadata));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &ci));
	deadline = time(NULL) + 20;
	while (events < (int)ci.learned && time(NULL) < deadline) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		int l;

		if (len <= 0)
			continue;
		l = (int)len;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, l);
		     nlh = NLMSG_NEXT(nlh, l)) {
			if (genlmsg_parse(nlh, 0, tb, CRS_A_MAX, NULL) ||
			    !tb[CRS_A_EVENT] ||
			    nla_parse_nested(ev, CRS_EVENT_A_MAX, tb[CRS_A_EVENT], NULL) ||
			    !ev[CRS_EVENT_A_OUTCOME])
				continue;
			if (nla_get_u8(ev[CRS_EVENT_A_OUTCOME]) != CRS_OUTCOME_BEHAVIOR)
				behavior = 0;
			if (!ev[CRS_EVENT_A_CONTAINER] ||
			    nla_get_u64(ev[CRS_EVENT_A_CONTAINER]) != ci.id)
				continue;
			events++;
			if (ev[CRS_EVENT_A_PATH] &&
			    !strcmp(nla_get_string(ev[CRS_EVENT_A_PATH]), D "/r1") &&
			    nla_get_u8(ev[CRS_EVENT_A_RULE_TYPE]) == CRS_RULE_READ)
				r1++;
		}
	}
	nl_socket_free(sk);
	EXPECT_EQ(1, behavior);
	EXPECT_EQ((int)ci.learned, events);
	EXPECT_EQ(1, r1);	/* read twice, one tuple, one event */
}

TEST_HARNESS_MAIN
