// SPDX-License-Identifier: GPL-2.0
/*
 * SYSCALL enforcement: rules by number and name, argument constraints,
 * allow-lists, compat entry paths (int 0x80, 32-bit binaries), programs,
 * policy modes. Runs as root inside the test VM with crs.ko loaded.
 *
 * Policies are pushed over raw netlink with exact x86_64 and i386 numbers,
 * so these tests prove the kernel side alone; the tests that go through
 * crsnl's JSON (names, seccomp import) say so in their names.
 *
 * A "container" is a child in a new pid namespace: it waits on a pipe,
 * the test applies the policy to it, and then it runs the body.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/io_uring.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_test.h"

#define BUSYBOX "/bin/busybox"
#define AF_ALG_NR 38

/* i386 numbers of the calls the tests constrain */
#define NR32_MKDIR 39
#define NR32_GETPID 20
#define NR32_SOCKET 359
#define NR32_CLONE 120
#define NR32_EXECVE 11
#define NR32_MKDIRAT 296

/* crs_push_policy() of SYSCALL rules written without their type */
static int push_policy(const struct crs_tpolicy *tp)
{
	struct crs_trule *rules = calloc(tp->nrules + 1, sizeof(*rules));
	struct crs_tpolicy p = *tp;
	int i, ret;

	if (!rules)
		return -ENOMEM;
	for (i = 0; i < tp->nrules; i++) {
		rules[i] = tp->rules[i];
		rules[i].type = CRS_RULE_SYSCALL;
	}
	p.rules = rules;
	ret = crs_push_policy(&p);
	free(rules);
	return ret;
}

/* A hit counter (CRS_RULE_A_HITS_*) of the first rule of @name, or -1. */
static int64_t rule_hits(const char *name, int attr)
{
	static char buf[1 << 16];
	struct nlattr *tb[CRS_A_MAX + 1], *pt[CRS_POLICY_A_MAX + 1];
	struct nlattr *rt[CRS_RULE_A_MAX + 1], *rule;
	struct crs_conn c;
	struct nl_msg *msg;
	struct nlattr *pol;
	int64_t v = -1;
	int rem;

	if (crs_conn_open(&c))
		return -1;
	msg = crs_conn_msg(&c, CRS_CMD_GET_POLICY, NLM_F_DUMP);
	pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, pol);
	nla_put_u32(msg, CRS_A_FLAGS, CRS_GET_F_STATS);
	if (crs_conn_call(&c, msg, buf, sizeof(buf)) ||
	    genlmsg_parse((struct nlmsghdr *)buf, 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_POLICY] ||
	    nla_parse_nested(pt, CRS_POLICY_A_MAX, tb[CRS_A_POLICY], NULL) ||
	    !pt[CRS_POLICY_A_RULES])
		goto out;
	nla_for_each_nested(rule, pt[CRS_POLICY_A_RULES], rem) {
		if (!nla_parse_nested(rt, CRS_RULE_A_MAX, rule, NULL) &&
		    rt[attr])
			v = (int64_t)nla_get_u64(rt[attr]);
		break;
	}
out:
	crs_conn_close(&c);
	return v;
}

typedef int (*body_fn)(void *arg);

struct contained {
	body_fn body;
	void *arg;
	int go[2];	/* 'g' once the policy is applied */
};

static int contained_setup(void *arg)
{
	return close(((struct contained *)arg)->go[1]);
}

static int contained_init(void *arg)
{
	struct contained *c = arg;
	char b = 0;

	if (read(c->go[0], &b, 1) != 1 || b != 'g')
		return 122;
	return c->body(c->arg);
}

/*
 * Run @body in a new pid namespace under policy @name (NULL: none). The
 * body starts only after the policy is applied. Returns its exit status,
 * 128 + signal if killed, or -1 if the setup failed.
 */
static int run_contained(const char *name, body_fn body, void *arg)
{
	struct contained c = { .body = body, .arg = arg };
	int *go = c.go, st;
	pid_t outer, inner;
	char b;

	if (pipe(go))
		return -1;
	inner = crs_spawn_container(NULL, contained_setup, contained_init, &c,
				    &outer);
	close(go[0]);
	if (inner > 0 && name && crs_apply_policy(name, inner, -1, -1))
		inner = -1;
	b = inner > 0 ? 'g' : 'x';
	if (write(go[1], &b, 1) != 1)
		inner = -1;
	close(go[1]);
	if (outer <= 0 || waitpid(outer, &st, 0) != outer)
		return -1;
	if (inner < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Push @tp, run @body(@arg) contained under it, delete it: the body's
 * exit status (run_contained()), or -1 if the push failed.
 */
static int run_under(const struct crs_tpolicy *tp, body_fn body, void *arg)
{
	int ret = push_policy(tp);

	if (ret) {
		fprintf(stderr, "# push %s: %d\n", tp->name, ret);
		return -1;
	}
	ret = run_contained(tp->name, body, arg);
	crs_delete_policy(tp->name);
	return ret;
}

/* run_under() an ACTIVE policy @name of @nrules @rules, default ALLOW. */
static int run_under_rules(const char *name, const struct crs_trule *rules,
			   int nrules, body_fn body, void *arg)
{
	struct crs_tpolicy tp = {
		.name = name, .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = rules,
		.nrules = nrules,
	};

	return run_under(&tp, body, arg);
}

/* Whether a call that returned @ret failed with errno @err. */
static bool refused(long ret, int err)
{
	return ret == -1 && errno == err;
}

static bool exists(const char *path)
{
	struct stat s;

	return stat(path, &s) == 0;
}

static const struct crs_trule deny_mkdir_rule[] = {
	{ .name = "no-mkdir", .action = CRS_ACTION_DENY, .nr64 = __NR_mkdir,
	  .nr32 = NR32_MKDIR },
};

static int body_mkdir_denied(void *arg)
{
	const char *dir = arg;

	CHECK(refused(syscall(SYS_mkdir, dir, 0755), EPERM));
	CHECK(!exists(dir));
	CHECK(getpid() == 1);
	return 0;
}

static const struct crs_trule deny_exit_rules[] = {
	/* the init's wait for "go" may come after the policy */
	{ .name = "read", .action = CRS_ACTION_ALLOW, .nr64 = __NR_read,
	  .nr32 = 3 },
	{ .name = "no-exit", .action = CRS_ACTION_DENY, .nr64 = __NR_exit,
	  .nr32 = 1 },
	{ .name = "no-exit-group", .action = CRS_ACTION_DENY,
	  .nr64 = __NR_exit_group, .nr32 = 252 },
};

static int body_exit(void *arg)
{
	syscall(SYS_exit_group, 7);
	return 1;	/* not reached: exit cannot be denied */
}

/* A denied exit would leave the process spinning in _exit() forever. */
TEST(exit_and_exit_group_are_never_denied)
{
	struct crs_tpolicy tp = {
		.name = "sys-no-exit", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_DENY, .rules = deny_exit_rules,
		.nrules = ARRAY_SIZE(deny_exit_rules),
	};

	EXPECT_EQ(7, run_under(&tp, body_exit, NULL));
}

TEST(deny_by_number_mkdir_is_eperm_without_effect_host_unaffected)
{
	struct crs_tpolicy tp = {
		.name = "sys-deny-mkdir", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = deny_mkdir_rule,
		.nrules = 1,
	};
	int64_t denied = crs_status_value(CRS_STATUS_A_DENIED);

	rmdir("/tmp/crs_sys_c");
	rmdir("/tmp/crs_sys_h");
	ASSERT_EQ(0, push_policy(&tp));
	EXPECT_EQ(0, run_contained(tp.name, body_mkdir_denied,
				   "/tmp/crs_sys_c"));
	EXPECT_FALSE(exists("/tmp/crs_sys_c"));
	EXPECT_EQ(denied + 1, crs_status_value(CRS_STATUS_A_DENIED));
	/* the host, while the policy exists, is not governed */
	EXPECT_EQ(0, mkdir("/tmp/crs_sys_h", 0755));
	EXPECT_TRUE(exists("/tmp/crs_sys_h"));
	rmdir("/tmp/crs_sys_h");
	crs_delete_policy(tp.name);
}

static int body_mkdir_allowed(void *arg)
{
	const char *dir = arg;

	CHECK(syscall(SYS_mkdir, dir, 0755) == 0);
	CHECK(exists(dir));
	CHECK(rmdir(dir) == 0);
	return 0;
}

TEST(no_policy_and_deny_free_policy_leave_calls_alone)
{
	static const struct crs_trule allow_only[] = {
		{ .name = "ok-mkdir", .action = CRS_ACTION_ALLOW,
		  .nr64 = __NR_mkdir, .nr32 = NR32_MKDIR },
	};
	struct crs_tpolicy allow = {
		.name = "sys-allow-only", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = allow_only,
		.nrules = 1,
	};
	int64_t mon = crs_status_value(CRS_STATUS_A_MONITORED);
	int64_t den = crs_status_value(CRS_STATUS_A_DENIED);

	/* no SYSCALL rules, default ALLOW: the fast case */
	EXPECT_EQ(0, run_under_rules("sys-none", NULL, 0, body_mkdir_allowed,
				     "/tmp/crs_sys_n"));
	/* an explicit ALLOW rule is a verdict: its rule counts it once */
	ASSERT_EQ(0, push_policy(&allow));
	EXPECT_EQ(0, rule_hits(allow.name, CRS_RULE_A_HITS_ALLOWED));
	EXPECT_EQ(0, run_contained(allow.name, body_mkdir_allowed,
				   "/tmp/crs_sys_a"));
	EXPECT_EQ(1, rule_hits(allow.name, CRS_RULE_A_HITS_ALLOWED));
	EXPECT_EQ(mon, crs_status_value(CRS_STATUS_A_MONITORED));
	EXPECT_EQ(den, crs_status_value(CRS_STATUS_A_DENIED));
	crs_delete_policy(allow.name);
}

TEST(deny_beats_allow_and_inactive_rule_never_matches)
{
	static const struct crs_trule rules[] = {
		{ .name = "ok-mkdir", .action = CRS_ACTION_ALLOW,
		  .nr64 = __NR_mkdir, .nr32 = NR32_MKDIR },
		{ .name = "no-mkdir", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_mkdir, .nr32 = NR32_MKDIR },
		{ .name = "ok-mkdir-2", .action = CRS_ACTION_ALLOW,
		  .nr64 = __NR_mkdir, .nr32 = NR32_MKDIR },
	};
	static const struct crs_trule inactive[] = {
		{ .name = "no-mkdir", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_mkdir, .nr32 = NR32_MKDIR, .inactive = true },
	};

	EXPECT_EQ(0, run_under_rules("sys-deny-beats", rules, 3,
				     body_mkdir_denied, "/tmp/crs_sys_db"));
	EXPECT_EQ(0, run_under_rules("sys-inactive-rule", inactive, 1,
				     body_mkdir_allowed, "/tmp/crs_sys_ir"));
}

/* x86_64 calls a static busybox shell makes (ls, cat, echo, pipes). */
static const int shell_minimum[] = {
	__NR_read, __NR_write, __NR_readv, __NR_writev, __NR_pread64,
	__NR_open, __NR_openat, __NR_close, __NR_fstat, __NR_stat, __NR_lstat,
	__NR_newfstatat, __NR_statx, __NR_lseek, __NR_mmap, __NR_munmap,
	__NR_mprotect, __NR_brk, __NR_rt_sigaction, __NR_rt_sigprocmask,
	__NR_rt_sigreturn, __NR_ioctl, __NR_access, __NR_faccessat,
	__NR_pipe, __NR_pipe2, __NR_dup, __NR_dup2, __NR_dup3, __NR_getpid,
	__NR_getppid, __NR_getuid, __NR_geteuid, __NR_getgid, __NR_getegid,
	__NR_getpgrp, __NR_setpgid, __NR_clone, __NR_fork, __NR_vfork,
	__NR_exit, __NR_exit_group, __NR_wait4, __NR_uname, __NR_fcntl,
	__NR_getdents64, __NR_getcwd, __NR_chdir, __NR_readlink,
	__NR_arch_prctl, __NR_set_tid_address, __NR_set_robust_list,
	__NR_rseq, __NR_prlimit64, __NR_getrandom, __NR_prctl, __NR_sendfile,
	__NR_futex, __NR_sigaltstack, __NR_poll, __NR_kill, __NR_umask,
	__NR_sysinfo, __NR_getrlimit, __NR_times, __NR_clock_gettime,
	__NR_nanosleep, __NR_gettid, __NR_tgkill,
};

static int body_shell(void *arg)
{
	execl(BUSYBOX, "sh", "-c", (const char *)arg, (char *)NULL);
	return 99;
}

TEST(allowlist_default_deny_runs_busybox_shell_and_denies_the_rest)
{
	struct crs_trule rules[ARRAY_SIZE(shell_minimum)];
	char names[ARRAY_SIZE(shell_minimum)][16];
	struct crs_tpolicy tp = {
		.name = "sys-allowlist", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_DENY, .rules = rules,
		.nrules = ARRAY_SIZE(shell_minimum),
	};
	unsigned int i;
	char out[256];
	FILE *f;

	memset(rules, 0, sizeof(rules));
	for (i = 0; i < ARRAY_SIZE(shell_minimum); i++) {
		snprintf(names[i], sizeof(names[i]), "allow-%d",
			 shell_minimum[i]);
		rules[i].name = names[i];
		rules[i].action = CRS_ACTION_ALLOW;
		rules[i].nr64 = shell_minimum[i];
		rules[i].nr32 = -1;
	}
	rmdir("/tmp/crs_sys_al");
	unlink("/tmp/crs_sys_al.out");
	EXPECT_EQ(0, run_under(&tp, body_shell,
		"echo hello >/tmp/crs_sys_al.out && ls / | cat >/dev/null && "
		"cat /proc/version >/dev/null && "
		"if mkdir /tmp/crs_sys_al 2>>/tmp/crs_sys_al.out; then exit 7; fi; "
		"test ! -e /tmp/crs_sys_al || exit 8; "
		"if " BUSYBOX " hostname crs-denied 2>/dev/null; then exit 9; fi; "
		"exit 0"));
	EXPECT_FALSE(exists("/tmp/crs_sys_al"));
	f = fopen("/tmp/crs_sys_al.out", "r");
	ASSERT_NE(NULL, f);
	memset(out, 0, sizeof(out));
	EXPECT_LT(0, (int)fread(out, 1, sizeof(out) - 1, f));
	fclose(f);
	EXPECT_EQ(0, strncmp(out, "hello\n", 6)) TH_LOG("output: %s", out);
	EXPECT_NE(NULL, strstr(out, "Operation not permitted"))
		TH_LOG("output: %s", out);
}

static const struct crs_trule deny_af_alg[] = {
	{ .name = "no-alg", .action = CRS_ACTION_DENY, .nr64 = __NR_socket,
	  .nr32 = NR32_SOCKET, .nargs = 1,
	  .args = { { 0, CRS_ARG_EQ, AF_ALG_NR, 0 } } },
};

static int body_socket(void *arg)
{
	int fd;

	CHECK(refused(syscall(SYS_socket, AF_ALG_NR, SOCK_SEQPACKET, 0),
		      EPERM));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	return 0;
}

TEST(socket_af_alg_denied_af_inet_allowed)
{
	EXPECT_EQ(0, run_under_rules("sys-no-alg", deny_af_alg, 1, body_socket,
				     NULL));
}

static const struct crs_trule deny_mkdirat_and_alg[] = {
	{ .name = "no-mkdirat", .action = CRS_ACTION_DENY,
	  .nr64 = __NR_mkdirat, .nr32 = NR32_MKDIRAT },
	{ .name = "no-alg", .action = CRS_ACTION_DENY, .nr64 = __NR_socket,
	  .nr32 = NR32_SOCKET, .nargs = 1,
	  .args = { { 0, CRS_ARG_EQ, AF_ALG_NR, 0 } } },
};

static int body_uring(void *arg)
{
	struct io_uring_sqe sqe;
	int r;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_NOP;
	CHECK(crs_uring_one(&sqe) == 0);
	/* mkdirat's rule denies IORING_OP_MKDIRAT */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_MKDIRAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)"/tmp/crs_sys_uring";
	sqe.len = 0755;
	CHECK(crs_uring_one(&sqe) == -EPERM);
	CHECK(!exists("/tmp/crs_sys_uring"));
	/* socket's rule conditions on an argument: the op is denied */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SOCKET;
	sqe.fd = AF_ALG_NR;
	sqe.off = SOCK_SEQPACKET;
	CHECK(crs_uring_one(&sqe) == -EPERM);
	/* an operation no rule names runs */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)"/proc/self/stat";
	r = crs_uring_one(&sqe);
	CHECK(r >= 0);
	close(r);
	return 0;
}

/*
 * An io_uring operation reaches the kernel's mkdirat, socket, connect...
 * without the system call dispatcher: it gets its system call's verdict.
 */
TEST(io_uring_operation_gets_the_verdict_of_its_syscall)
{
	int64_t denied = crs_status_value(CRS_STATUS_A_DENIED);

	rmdir("/tmp/crs_sys_uring");
	EXPECT_EQ(0, run_under_rules("sys-uring", deny_mkdirat_and_alg, 2,
				     body_uring, NULL));
	EXPECT_FALSE(exists("/tmp/crs_sys_uring"));
	EXPECT_LE(denied + 2, crs_status_value(CRS_STATUS_A_DENIED));
	rmdir("/tmp/crs_sys_uring");
}

/* A raw clone(2) that forks; the child exits 0 at once. */
static long raw_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
	int st;

	if (pid == 0)
		_exit(0);
	if (pid > 0 && (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)))
		return -2;
	return pid;
}

#define NS_FLAGS 0x7e020000UL	/* every CLONE_NEW* that takes a namespace */

static int body_clone(void *arg)
{
	CHECK(refused(raw_clone(CLONE_NEWUSER), EPERM));
	CHECK(refused(raw_clone(CLONE_NEWNS | CLONE_NEWUTS), EPERM));
	CHECK(refused(raw_clone(CLONE_NEWNET), EPERM));
	CHECK(raw_clone(0) > 0);
	CHECK(raw_clone(CLONE_FILES) > 0);
	return 0;
}

TEST(clone_with_namespace_flags_denied_by_masked_equal)
{
	/* the Docker way: clone allowed when (flags & NS_FLAGS) == 0 */
	static const struct crs_trule rules[] = {
		{ .name = "clone-no-ns", .action = CRS_ACTION_ALLOW,
		  .nr64 = __NR_clone, .nr32 = NR32_CLONE, .nargs = 1,
		  .args = { { 0, CRS_ARG_MASKED_EQ, 0, NS_FLAGS } } },
		{ .name = "deny-userns", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_clone, .nr32 = NR32_CLONE, .nargs = 1,
		  .args = { { 0, CRS_ARG_MASKED_EQ, CLONE_NEWUSER,
			      CLONE_NEWUSER } } },
	};
	/* everything else allowed one by one: default DENY for clone(3) */
	struct crs_trule all[2 + 450];
	char names[450][16];
	struct crs_tpolicy tp = {
		.name = "sys-clone", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_DENY, .rules = all, .nrules = 0,
	};
	int nr, n = 2;

	memcpy(all, rules, sizeof(rules));
	for (nr = 0; nr < 450; nr++) {
		if (nr == __NR_clone || nr == __NR_clone3)
			continue;
		snprintf(names[n - 2], sizeof(names[0]), "any-%d", nr);
		memset(&all[n], 0, sizeof(all[n]));
		all[n].name = names[n - 2];
		all[n].action = CRS_ACTION_ALLOW;
		all[n].nr64 = nr;
		all[n].nr32 = -1;
		n++;
	}
	tp.nrules = n;
	EXPECT_EQ(0, run_under(&tp, body_clone, NULL));
}

/* int 0x80 from 64-bit code: the i386 table, 32-bit argument values. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile ("int $0x80"
		      : "=a" (ret)
		      : "a" (nr), "b" (a), "c" (b), "d" (c)
		      : "memory", "r8", "r9", "r10", "r11", "r12", "r13",
			"r14", "r15");
	return ret;
}

static int body_int80(void *arg)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long fd;

	CHECK(low != MAP_FAILED);
	strcpy(low, "/tmp/crs_sys_80");
	CHECK(int80(NR32_GETPID, 0, 0, 0) == 1);
	CHECK(int80(NR32_MKDIR, (long)low, 0755, 0) == -EPERM);
	CHECK(!exists(low));
	CHECK(int80(NR32_SOCKET, AF_ALG_NR, SOCK_SEQPACKET, 0) == -EPERM);
	/* the kernel reads 32 bits: high garbage must not slip past */
	CHECK(int80(NR32_SOCKET, (1L << 32) | AF_ALG_NR, SOCK_SEQPACKET, 0) ==
	      -EPERM);
	fd = int80(NR32_SOCKET, AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	close((int)fd);
	return 0;
}

TEST(int80_from_64bit_gets_the_same_verdict)
{
	struct crs_trule rules[2] = { deny_mkdir_rule[0], deny_af_alg[0] };

	EXPECT_EQ(0, run_under_rules("sys-int80", rules, 2, body_int80, NULL));
	EXPECT_FALSE(exists("/tmp/crs_sys_80"));
}

#define NR32_SOCKETCALL 102
#define NR32_IPC 117
#define NR32_SHMGET 395
#define SYS_SOCKET_CALL 1	/* net/socket.c's SYS_SOCKET */
#define IPC_SHMGET_CALL 23	/* ipc/syscall.c's SHMGET */

/* int $0x80 with four arguments (ebx, ecx, edx, esi) */
static long int80_4(long nr, long a, long b, long c, long d)
{
	long ret;

	asm volatile ("int $0x80"
		      : "=a" (ret)
		      : "a" (nr), "b" (a), "c" (b), "d" (c), "S" (d)
		      : "memory", "r8", "r9", "r10", "r11", "r12", "r13",
			"r14", "r15");
	return ret;
}

static int body_multiplexed(void *arg)
{
	unsigned int *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
				  -1, 0);
	long r;

	CHECK(args != MAP_FAILED);
	/* socketcall(SYS_SOCKET, {AF_ALG, SOCK_SEQPACKET, 0}) */
	args[0] = AF_ALG_NR;
	args[1] = SOCK_SEQPACKET;
	args[2] = 0;
	CHECK(int80(NR32_SOCKETCALL, SYS_SOCKET_CALL, (long)args, 0) == -EPERM);
	/*
	 * Its arguments are user memory it could change after a check:
	 * socket's argument-conditioned DENY rule denies it for every family.
	 */
	args[0] = AF_INET;
	args[1] = SOCK_DGRAM;
	CHECK(int80(NR32_SOCKETCALL, SYS_SOCKET_CALL, (long)args, 0) == -EPERM);
	/* ipc(SHMGET, IPC_PRIVATE, 4096, 0600) as shmget */
	CHECK(int80_4(NR32_IPC, IPC_SHMGET_CALL, 0, 4096, 0600) == -EPERM);
	CHECK(int80(NR32_SHMGET, 0, 4096, 0600) == -EPERM);
	/* the 64-bit calls are judged as before */
	CHECK(refused(syscall(SYS_shmget, 0, 4096, 0600), EPERM));
	r = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(r >= 0);
	close((int)r);
	return 0;
}

/*
 * i386 socketcall and ipc (int $0x80 from any 64-bit process) are judged
 * as the calls they carry, not only as themselves.
 */
TEST(socketcall_and_ipc_get_the_verdict_of_the_call_they_carry)
{
	struct crs_trule rules[2] = {
		deny_af_alg[0],
		{ .name = "no-shmget", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_shmget, .nr32 = NR32_SHMGET },
	};

	EXPECT_EQ(0, run_under_rules("sys-mux", rules, 2, body_multiplexed,
				     NULL));
}

/* The 32-bit helper: prebuilt if the Makefile made an ELF32, else built. */
static const char *helper_i386(void)
{
	static char path[4096];
	const char *top = getenv("CRS_TOP");
	unsigned char hdr[5] = { 0 };
	int fd = open("./helper_i386", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, hdr, 5) == 5 && hdr[4] == 1 /* ELFCLASS32 */) {
			close(fd);
			return "./helper_i386";
		}
		close(fd);
	}
	snprintf(path, sizeof(path), "/tmp/crs_helper_i386");
	if (access(path, X_OK) == 0)
		return path;
	if (!top || crs_sh(NULL, 0, "gcc -m32 -static -O2 -o %s "
			   "%s/tools/testing/selftests/crs/helper_i386.c "
			   ">/dev/null 2>&1", path, top))
		return NULL;
	return path;
}

static int body_i386(void *arg)
{
	const char *h = arg;
	char cmd[512];

	/* each call from a fresh 32-bit process; exit status is the errno */
	snprintf(cmd, sizeof(cmd),
		 "%s getpid || exit 11; "
		 "%s mkdir /tmp/crs_sys_32; r=$?; [ $r = 1 ] || exit 12; "
		 "[ ! -e /tmp/crs_sys_32 ] || exit 13; "
		 "%s socket 38; [ $? = 1 ] || exit 14; "
		 "%s socket 2 || exit 15; exit 0", h, h, h, h);
	execl(BUSYBOX, "sh", "-c", cmd, (char *)NULL);
	return 99;
}

/* Tests that may take minutes under TCG (a compiler, dynamic programs). */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, i386_binary_gets_the_same_verdict, 600)
{
	struct crs_trule rules[2] = { deny_mkdir_rule[0], deny_af_alg[0] };
	const char *h = helper_i386();

	if (!h)
		SKIP(return, "no 32-bit helper: gcc -m32 -static failed (gcc-multilib?)");
	/* the helper works at all (ia32 emulation on) */
	TH_LOG("32-bit helper: %s", h);
	ASSERT_EQ(0, crs_sh(NULL, 0, "%s getpid", h));
	EXPECT_EQ(0, run_under_rules("sys-i386", rules, 2, body_i386,
				     (void *)h));
	EXPECT_FALSE(exists("/tmp/crs_sys_32"));
}

static int body_program(void *arg)
{
	/* the rule names busybox: busybox's mkdir fails, ours works */
	CHECK(syscall(SYS_mkdir, "/tmp/crs_sys_pt", 0755) == 0);
	CHECK(rmdir("/tmp/crs_sys_pt") == 0);
	execl(BUSYBOX, "sh", "-c",
	      "if " BUSYBOX " mkdir /tmp/crs_sys_pb 2>/dev/null; then exit 5; fi;"
	      "test ! -e /tmp/crs_sys_pb || exit 6; exit 0", (char *)NULL);
	return 99;
}

TEST(per_program_rule_applies_to_that_program_only)
{
	char prog[4096];
	struct crs_trule rule = deny_mkdir_rule[0];

	ASSERT_NE(NULL, realpath(BUSYBOX, prog));
	rule.program = prog;
	EXPECT_EQ(0, run_under_rules("sys-program", &rule, 1, body_program,
				     NULL));
	EXPECT_FALSE(exists("/tmp/crs_sys_pb"));
}

/* The host-wide verdict counters the counted tests measure. */
enum { MON, DEN, ALW, NCOUNTS };

static const uint32_t ignored_mkdir_getpid[] = { __NR_mkdir, __NR_getpid };

/*
 * Policies whose verdicts are not all counted: run a body under each and
 * check how much each counter grew.
 */
FIXTURE(counted) {
	int unused;
};

FIXTURE_SETUP(counted)
{
}

FIXTURE_TEARDOWN(counted)
{
}

FIXTURE_VARIANT(counted) {
	struct crs_tpolicy tp;
	body_fn body;
	const char *dir;
	int64_t want[NCOUNTS];	/* growth of MON, DEN, ALW; -1: any */
};

FIXTURE_VARIANT_ADD(counted, permissive_allows_and_counts_a_monitor_verdict) {
	.tp = { .name = "sys-permissive", .mode = CRS_MODE_PERMISSIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = deny_mkdir_rule,
		.nrules = 1 },
	.body = body_mkdir_allowed, .dir = "/tmp/crs_sys_pm",
	.want = { [MON] = 1, [DEN] = 0, [ALW] = -1 },
};

FIXTURE_VARIANT_ADD(counted, inactive_evaluates_nothing) {
	.tp = { .name = "sys-inactive", .mode = CRS_MODE_INACTIVE,
		.def_syscall = CRS_ACTION_DENY, .rules = deny_mkdir_rule,
		.nrules = 1 },
	.body = body_mkdir_allowed, .dir = "/tmp/crs_sys_in",
};

/* an ignored call is enforced but not counted */
FIXTURE_VARIANT_ADD(counted, ignored_syscall_is_enforced_but_not_counted) {
	.tp = { .name = "sys-ignored", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = deny_mkdir_rule,
		.nrules = 1, .ignored64 = ignored_mkdir_getpid,
		.nignored64 = 2 },
	.body = body_mkdir_denied, .dir = "/tmp/crs_sys_ig",
	.want = { [MON] = -1, [DEN] = 0, [ALW] = -1 },
};

TEST_F(counted, verdicts_counted)
{
	static const int attr[NCOUNTS] = {
		[MON] = CRS_STATUS_A_MONITORED, [DEN] = CRS_STATUS_A_DENIED,
		[ALW] = CRS_STATUS_A_ALLOWED,
	};
	int64_t before[NCOUNTS];
	int i;

	for (i = 0; i < NCOUNTS; i++)
		before[i] = crs_status_value(attr[i]);
	EXPECT_EQ(0, run_under(&variant->tp, variant->body,
			       (void *)variant->dir));
	for (i = 0; i < NCOUNTS; i++)
		if (variant->want[i] >= 0)
			EXPECT_EQ(variant->want[i],
				  crs_status_value(attr[i]) - before[i])
				TH_LOG("counter %d", i);
}

static int body_exec(void *arg)
{
	errno = 0;
	execl(BUSYBOX, "true", (char *)NULL);
	return errno == EPERM ? 3 : 4;
}

TEST(execve_rule_with_file_is_left_to_execution_rules)
{
	/* with a file: an Execution rule, decided at bprm_check by file */
	static const struct crs_trule with_file[] = {
		{ .name = "no-exec-other", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_execve, .nr32 = NR32_EXECVE,
		  .file = "/nonexistent/prog" },
	};
	/* without: a plain SYSCALL rule on execve */
	static const struct crs_trule no_file[] = {
		{ .name = "no-exec", .action = CRS_ACTION_DENY,
		  .nr64 = __NR_execve, .nr32 = NR32_EXECVE },
	};

	EXPECT_EQ(0, run_under_rules("sys-exec-file", with_file, 1, body_exec,
				     NULL));
	EXPECT_EQ(3, run_under_rules("sys-exec-nofile", no_file, 1, body_exec,
				     NULL));
}

#define X32_GETPID (0x40000000 | 39)

static int body_x32(void *arg)
{
	CHECK(refused(syscall(X32_GETPID), EPERM));
	/* a call no rule names, in the 64-bit ABI, still runs */
	CHECK(syscall(SYS_getpid) == 1);
	return 0;
}

/*
 * The VM boots with syscall.x32=y (tools/testing/vm/run.sh), so the x32
 * ABI is on and its calls reach crs's x32 hook: from a container whose
 * policy can deny system calls every x32 call is refused with EPERM
 * (x32 numbers and argument layouts are not what SYSCALL rules name);
 * host tasks are not judged.
 */
TEST(x32_call_is_refused_in_a_container_that_can_deny_syscalls)
{
	struct crs_tpolicy tp = {
		.name = "sys-x32", .mode = CRS_MODE_ACTIVE,
		.def_syscall = CRS_ACTION_ALLOW, .rules = deny_mkdir_rule,
		.nrules = 1,
	};
	long pid;

	errno = 0;
	pid = syscall(X32_GETPID);
	if (pid == -1 && errno == ENOSYS)
		SKIP(return, "the x32 ABI is off in this kernel (boot with syscall.x32=y)");
	ASSERT_EQ(getpid(), pid);
	ASSERT_EQ(0, push_policy(&tp));
	EXPECT_EQ(0, run_contained(tp.name, body_x32, NULL));
	/* the host, while the container was governed, was not judged */
	EXPECT_EQ(getpid(), syscall(X32_GETPID));
	crs_delete_policy(tp.name);
}

/* Push JSON through crsnl (names resolved per architecture there). */
static int crsnl_push(const char *name, const char *json)
{
	char path[256];

	snprintf(path, sizeof(path), "/tmp/crs_sys_%s.json", name);
	return crs_push_json(path, "%s", json);
}

static int body_named(void *arg)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	CHECK(low != MAP_FAILED);
	CHECK(refused(syscall(SYS_mkdir, "/tmp/crs_sys_nm", 0755), EPERM));
	CHECK(refused(syscall(SYS_rmdir, "/tmp"), EPERM));
	/* the name resolved to the i386 number as well */
	strcpy(low, "/tmp/crs_sys_nm");
	CHECK(int80(NR32_MKDIR, (long)low, 0755, 0) == -EPERM);
	CHECK(!exists("/tmp/crs_sys_nm"));
	/* arg1 "38" from JSON */
	CHECK(refused(syscall(SYS_socket, AF_ALG_NR, SOCK_SEQPACKET, 0),
		      EPERM));
	return 0;
}

TEST(crsnl_json_deny_by_name_and_by_number)
{
	static const char json[] =
		"{ \"name\": \"sys-json\", \"policyMode\": \"ACTIVE\",\n"
		"  \"rules\": [\n"
		"  { \"name\": \"by-name\", \"ruleType\": \"SYSCALL\","
		" \"program\": \"*\", \"syscall\": \"mkdir\", \"action\": \"DENY\" },\n"
		"  { \"name\": \"by-number\", \"ruleType\": \"SYSCALL\","
		" \"program\": \"*\", \"syscall\": 84, \"action\": \"DENY\" },\n"
		"  { \"name\": \"no-alg\", \"ruleType\": \"SYSCALL\","
		" \"program\": \"*\", \"syscall\": \"socket\", \"arg1\": \"38\","
		" \"action\": \"DENY\" }\n"
		"  ] }\n";

	ASSERT_EQ(0, crsnl_push("sys-json", json));
	EXPECT_EQ(0, run_contained("sys-json", body_named, NULL));
	crs_delete_policy("sys-json");
}

/*
 * The kernel reads an int argument as the low 32 bits of its register and
 * a umode_t as the low 16: bits above cannot make a call slip past a rule
 * on that argument.
 */
static int body_high_bits(void *arg)
{
	int fd;

	CHECK(refused(syscall(SYS_socket, 0x100000000L | AF_ALG_NR, SOCK_SEQPACKET,
			      0), EPERM));
	CHECK(refused(syscall(SYS_socket, 0xffffffff00000000L | AF_ALG_NR,
			      SOCK_SEQPACKET, 0), EPERM));
	CHECK(refused(syscall(SYS_mkdir, "/tmp/crs_sys_hb", 0x10000L | 0700),
		      EPERM));
	CHECK(!exists("/tmp/crs_sys_hb"));
	/* other values still pass */
	fd = syscall(SYS_socket, 0x100000000L | AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	CHECK(syscall(SYS_mkdir, "/tmp/crs_sys_hb", 0755) == 0);
	CHECK(rmdir("/tmp/crs_sys_hb") == 0);
	return 0;
}

TEST(int_argument_upper_bits_do_not_dodge_a_rule)
{
	static const char json[] =
		"{ \"name\": \"sys-bits\", \"policyMode\": \"ACTIVE\",\n"
		"  \"rules\": [\n"
		"  { \"name\": \"no-alg\", \"ruleType\": \"SYSCALL\","
		" \"program\": \"*\", \"syscall\": \"socket\", \"arg1\": \"38\","
		" \"action\": \"DENY\" },\n"
		"  { \"name\": \"no-private-dir\", \"ruleType\": \"SYSCALL\","
		" \"program\": \"*\", \"syscall\": \"mkdir\", \"arg2\": \"0x1c0\","
		" \"action\": \"DENY\" }\n"
		"  ] }\n";

	rmdir("/tmp/crs_sys_hb");
	ASSERT_EQ(0, crsnl_push("sys-bits", json));
	EXPECT_EQ(0, run_contained("sys-bits", body_high_bits, NULL));
	crs_delete_policy("sys-bits");
}

static const char *const docker_ok[][6] = {
	{ "sh", "-c", "exit 0" },
	{ "ls", "/" },
	{ "cat", "/etc/hostname" },
	{ "ps", "ax" },
	{ "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:18080/index.html" },
};

/* Run the first @n programs of docker_ok; 0 when each exited 0. */
static int run_programs(unsigned int n)
{
	unsigned int i;
	int st;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			execvp(docker_ok[i][0], (char **)docker_ok[i]);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			fprintf(stderr, "# container: %s: status 0x%x\n",
				docker_ok[i][0], st);
			return 1;
		}
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int body_docker(void *arg)
{
	pthread_t thread;
	int fd;

	if (run_programs(ARRAY_SIZE(docker_ok)))
		return 1;
	CHECK(refused(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0),
		      EPERM));
	CHECK(refused(syscall(SYS_add_key, "user", "crs", "x", 1, -3), EPERM));
	CHECK(refused(syscall(SYS_io_uring_setup, 4, NULL), EPERM));
	CHECK(refused(syscall(SYS_socket, AF_ALG_NR, SOCK_SEQPACKET, 0),
		      EPERM));
	CHECK(refused(raw_clone(CLONE_NEWUSER), EPERM));
	CHECK(refused(raw_clone(CLONE_NEWNS), EPERM));
	CHECK(refused(syscall(SYS_unshare, CLONE_NEWNS), EPERM));
	/* clone3 fails with the profile's ENOSYS, so threads fall back */
	CHECK(refused(syscall(SYS_clone3, NULL, 0), ENOSYS));
	CHECK(pthread_create(&thread, NULL, thread_fn, NULL) == 0);
	CHECK(pthread_join(thread, NULL) == 0);
	/* and what the profile allows still works */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	CHECK(raw_clone(0) > 0);
	return 0;
}

/*
 * crsnl policy import-seccomp of userspace/unit/seccomp/@engine-default.json
 * as policy @name (written to /tmp/crs_@name.json), then pushed: 0, crsnl's
 * exit code (its output printed), or -1 without CRS_TOP.
 */
static int import_seccomp(const char *engine, const char *name)
{
	const char *top = getenv("CRS_TOP");
	char out[8192];
	int ret;

	if (!top)
		return -1;
	ret = crs_sh(out, sizeof(out),
		     "%s policy import-seccomp %s/userspace/unit/seccomp/%s-default.json "
		     "--name %s -o /tmp/crs_%s.json 2>&1 && "
		     "%s policy push /tmp/crs_%s.json 2>&1",
		     crs_crsnl(), top, engine, name, name, crs_crsnl(), name);
	if (ret)
		fprintf(stderr, "# %s", out);
	return ret;
}

TEST_F_TIMEOUT(slow, docker_default_profile_import_runs_programs_denies_the_rest, 600)
{
	pid_t srv;
	int i, fd;

	/* a byte-identical copy of ../shared/data/docker-default-seccomp.json */
	ASSERT_EQ(0, import_seccomp("docker", "sys-docker"));
	/* a web server outside the container, for wget */
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p /tmp/crs_www && "
			    "echo hi > /tmp/crs_www/index.html"));
	srv = fork();
	ASSERT_GE(srv, 0);
	if (srv == 0) {
		execl(BUSYBOX, "httpd", "-f", "-p", "127.0.0.1:18080", "-h",
		      "/tmp/crs_www", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		if (!crs_sh(NULL, 0, BUSYBOX " wget -q -O /dev/null "
			    "http://127.0.0.1:18080/index.html 2>/dev/null"))
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, run_contained("sys-docker", body_docker, NULL));
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	fd = open("/tmp/crs_sys-docker.json", O_RDONLY);
	EXPECT_LE(0, fd);
	close(fd);
	crs_delete_policy("sys-docker");
}

static int body_podman(void *arg)
{
	if (run_programs(4))	/* sh, ls, cat, ps */
		return 1;
	/* calls the profile does not name: its defaultErrnoRet, ENOSYS */
	CHECK(refused(syscall(SYS_add_key, "user", "crs", "x", 1, -3), ENOSYS));
	CHECK(refused(syscall(SYS_io_uring_setup, 4, NULL), ENOSYS));
	/* a call it denies by name: its errnoRet, EPERM */
	CHECK(refused(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0), EPERM));
	return 0;
}

/*
 * Podman's default profile (containers-common's seccomp.json: defaultErrno
 * ENOSYS) imports, runs a shell, ls, cat and ps, and an unnamed call fails
 * with ENOSYS as under Podman.
 */
TEST_F_TIMEOUT(slow, podman_default_profile_import_runs_programs, 600)
{
	ASSERT_EQ(0, import_seccomp("podman", "sys-podman"));
	EXPECT_EQ(0, run_contained("sys-podman", body_podman, NULL));
	crs_delete_policy("sys-podman");
}

TEST_HARNESS_MAIN
