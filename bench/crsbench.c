// SPDX-License-Identifier: GPL-2.0
/*
 * crsbench: the benchmark driver of `make bench`, run as root inside the
 * test VM (bench/guest.sh). It measures four loops
 *
 *   getppid       one system call
 *   open          open(O_RDONLY) + close of a file in /tmp
 *   connect       TCP connect to a listener on 127.0.0.1, accept, close
 *                 (the client closes with SO_LINGER 0: no TIME_WAIT)
 *   exec          fork + execve("/bin/true") + waitpid
 *
 * under these arms, interleaved in every round:
 *
 *   base          no module loaded
 *   seccomp-N-M   getppid in a child holding a libseccomp filter of the
 *                 same N syscall rules crs gets (module unloaded)
 *   nft-N-K       connect with N nftables rules on the output hook,
 *                 linear rules or one set of N elements (module unloaded)
 *   idle          crs.ko loaded, no container bound
 *   host          crs.ko loaded, a container bound, the caller on the host
 *   hostread      the same while the container's policy has no SYSCALL
 *                 rule (10,000 READ rules): the system call hooks are
 *                 disarmed (module parameter syscall_hooks_idle_secs=1)
 *   read-10000-nomatch  the worker governed by that policy
 *   unnamed-10-nomatch  the worker under 10 rules of each type, none
 *                 matching, once the "match" policies are deleted: no
 *                 stored policy names the loop's calls
 *   crs-N-M       the caller governed: a worker in its own pid namespace
 *                 bound to a policy of N rules of each type, none of the
 *                 loop's type matching its call (M = nomatch) or N-1 of
 *                 them plus one that matches (M = match); see
 *                 policy_write()
 *
 * A round is [base, seccomp, nft] -> insmod -> [idle] -> push the
 * policies -> [host, crs] -> detach -> rmmod, because rmmod is refused
 * while a container is bound. Each loop runs a fixed number of
 * iterations, calibrated once at the start so that one arm takes about
 * --arm-ms; a result is nanoseconds per iteration, of the fastest of
 * BATCHES batches of those iterations (see run_loop()).
 *
 * After the rounds: policy push times are recorded in every round, and
 * an event throughput run (--events) generates SYSCALL denials (getppid,
 * the cheapest call to deny, so the generator is not the limit) at paced
 * rates with `crsnl events` listening, counting what it printed and the
 * losses it was told about.
 *
 * Output, tab separated, one record a line on stdout (bench/report.py):
 *   R round loop arm iterations ns_per_iteration probe_ns
 *                                                    (ns < 0: not possible;
 *                                                    probe: see probe())
 *   P round kind rules match seconds                (policy push; kind
 *                                                    mixed or read)
 *   E target_rate duration generated achieved_rate received lost_reported
 *     status_lost drain_seconds  (drain: how long the listener went on
 *                                 receiving after the generator stopped)
 *   I key value                                     (calibration, notes)
 *   F spec line                                     (--profile: perf report)
 *   G spec line                                     (--profile: call chains)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define DIR_TMP "/tmp/crsbench"
#define TARGET DIR_TMP "/target"
#define LPORT 7777

enum { L_GETPPID, L_OPEN, L_CONNECT, L_EXEC, NLOOPS };
static const char *const loop_name[NLOOPS] = {
	"getppid", "open", "connect", "exec"
};

static const int counts[] = { 1, 10, 100, 1000, 10000 };
static const int read_counts[] = { 10, 1000, 10000 };	/* push time only */
#define NCOUNTS ((int)(sizeof(counts) / sizeof(counts[0])))

/* where crs.ko and crsnl are (a snapshot taken by bench/run.sh) */
static char top[4096] = ".";
static int rounds = 5;
static int arm_ms = 1000;
static int do_events = 1;
static int event_secs = 2;
static long iters[NLOOPS];
static int listen_fd = -1;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "crsbench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run a shell command quietly; its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "crsbench: \"%s\" exited %d\n", cmd,
			WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* ---- the loops ---- */

static void loop_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void loop_open(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(TARGET, O_RDONLY);

		if (fd < 0)
			die("open %s: %s", TARGET, strerror(errno));
		close(fd);
	}
}

static void listener_open(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(LPORT) };
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listen_fd, 128))
		die("listen on 127.0.0.1:%d: %s", LPORT, strerror(errno));
}

static void loop_connect(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(LPORT) };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), afd;

		if (fd < 0)
			die("socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die("connect 127.0.0.1:%d: %s", LPORT, strerror(errno));
		afd = accept(listen_fd, NULL, NULL);
		if (afd < 0)
			die("accept: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		close(afd);
	}
}

static void loop_exec(long n)
{
	static char *const argv[] = { "/bin/true", NULL };
	static char *const envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			die("/bin/true failed (status %#x)", st);
	}
}

static void (*const loop_fn[NLOOPS])(long) = {
	loop_getppid, loop_open, loop_connect, loop_exec
};

/*
 * ns per iteration of @n iterations of loop @l, here: the iterations run
 * in BATCHES batches and the fastest batch counts. The host is shared
 * (other VMs steal the CPU for whole batches at a time); the fastest
 * batch is the one least disturbed, for every arm alike.
 */
#define BATCHES 5
#define PROBE_ITERS 200000

/*
 * The speed probe: a fixed piece of user-space arithmetic run next to
 * each batch. Under TCG on a shared host the emulated CPU's speed drifts
 * by tens of percent from second to second; the probe's time (fastest of
 * the BATCHES) measures that drift and report.py can divide it out.
 */
static double last_probe;

static void probe(void)
{
	volatile unsigned int x = 1;

	for (int i = 0; i < PROBE_ITERS; i++)
		x = x * 1103515245u + 12345u;
}

static double run_loop(int l, long n)
{
	double best = -1, pbest = -1;

	for (int b = 0; b < BATCHES; b++) {
		long k = n / BATCHES + (b < n % BATCHES);
		double t0;

		if (k <= 0)
			continue;
		t0 = now();
		probe();
		t0 = (now() - t0) * 1e9 / PROBE_ITERS;
		if (pbest < 0 || t0 < pbest)
			pbest = t0;
		t0 = now();
		loop_fn[l](k);
		t0 = (now() - t0) * 1e9 / k;
		if (best < 0 || t0 < best)
			best = t0;
	}
	last_probe = pbest;
	return best;
}

static void report(int round, int l, const char *arm, double ns)
{
	printf("R\t%d\t%s\t%s\t%ld\t%.1f\t%.3f\n", round, loop_name[l], arm,
	       iters[l], ns, last_probe);
	fflush(stdout);
}

static void calibrate(void)
{
	for (int l = 0; l < NLOOPS; l++) {
		long n = 4;
		double t;

		run_loop(l, l == L_EXEC ? 3 : 50);	/* warm up */

		for (;;) {
			t = run_loop(l, n) * n / 1e9;
			if (t >= 0.1 || n > (1L << 30))
				break;
			n *= 4;
		}
		iters[l] = (long)(n * (arm_ms / 1000.0) / t);
		/* fork+exec takes ~60 ms under TCG: at least 3 per batch */
		if (iters[l] < 3 * BATCHES)
			iters[l] = 3 * BATCHES;
		printf("I\titers_%s\t%ld\n", loop_name[l], iters[l]);
		printf("I\tcalib_ns_%s\t%.1f\n", loop_name[l], t * 1e9 / n);
	}
	fflush(stdout);
}

/* ---- seccomp arms ---- */

/*
 * The syscalls that carry the non-matching SYSCALL rules: none of them is
 * made by the loops. Rule i is "syscall sys_rules[i % n], arg1 == i, DENY".
 */
static const char *const sys_rules[] = {
	"ptrace", "mount", "umount2", "swapon", "swapoff", "reboot",
	"sethostname", "setdomainname", "init_module", "delete_module",
	"kexec_load", "acct", "pivot_root", "chroot", "settimeofday",
	"adjtimex", "iopl", "ioperm", "quotactl", "syslog", "personality",
	"mknod", "setns", "unshare", "keyctl", "add_key", "request_key",
	"bpf", "perf_event_open", "userfaultfd", "open_by_handle_at",
	"name_to_handle_at", "process_vm_readv", "process_vm_writev",
	"lookup_dcookie", "vhangup", "nfsservctl", "fanotify_init",
	"kcmp", "finit_module",
};
#define NSYS ((int)(sizeof(sys_rules) / sizeof(sys_rules[0])))

/*
 * libseccomp's export grows faster than linearly with the rule count
 * (3,000 rules take seconds natively, far longer under TCG) and one
 * filter holds at most 4,096 instructions, so the filters are built on
 * the host (--export-seccomp) in chunks of SECCOMP_CHUNK rules, each its
 * own filter, and the guest stacks the chunks: all of them run on every
 * call, as one big filter would.
 */
#define SECCOMP_CHUNK 2000

static char seccomp_dir[4096] = DIR_TMP;

static void seccomp_file(char *buf, size_t len, int n, int match, int k)
{
	snprintf(buf, len, "%s/seccomp-%d-%d.%d.bpf", seccomp_dir, n, match, k);
}

/*
 * Write the BPF of every (N, match) filter into seccomp_dir: rules
 * 0..N-1 (the last one the match when @match), SECCOMP_CHUNK a file.
 */
static void seccomp_export(void)
{
	for (int c = 0; c < NCOUNTS; c++) {
		for (int m = 0; m < 2; m++) {
			int n = counts[c], k = n - (m ? 1 : 0);

			for (int start = 0; start < n; start += SECCOMP_CHUNK) {
				scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
				char path[4200];
				int j, rc = 0, fd;

				if (!ctx)
					die("seccomp_init failed");
				for (j = start; j < n && j < start + SECCOMP_CHUNK && !rc; j++)
					if (j < k)
						rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
							seccomp_syscall_resolve_name(sys_rules[j % NSYS]),
							1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)j));
					else
						rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
								      SCMP_SYS(getppid), 0);
				if (rc)
					die("seccomp_rule_add: %s", strerror(-rc));
				seccomp_file(path, sizeof(path), n, m, start / SECCOMP_CHUNK);
				fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
				if (fd < 0)
					die("%s: %s", path, strerror(errno));
				rc = seccomp_export_bpf(ctx, fd);
				if (rc)
					die("seccomp_export_bpf: %s", strerror(-rc));
				close(fd);
				seccomp_release(ctx);
			}
		}
	}
}

/* In a child: load the N-rule filter chunks, time getppid; ns or -1. */
static double seccomp_arm(int n, int match)
{
	int p[2];
	double ns = -1;
	pid_t pid;

	if (pipe(p))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		static struct sock_filter insns[BPF_MAXINSNS];
		int k, rc = 0, loaded = 0;

		close(p[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			rc = -1;
		for (k = 0; !rc; k++) {
			struct sock_fprog prog = { .filter = insns };
			char path[4200];
			ssize_t len;
			int fd;

			seccomp_file(path, sizeof(path), n, match, k);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				break;
			len = read(fd, insns, sizeof(insns));
			close(fd);
			if (len <= 0 || len % sizeof(insns[0]))
				rc = -1;
			prog.len = len / sizeof(insns[0]);
			if (!rc && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
					   0, &prog)) {
				fprintf(stderr, "crsbench: seccomp %s: %s\n", path,
					strerror(errno));
				rc = -1;
			}
			loaded++;
		}
		double out[2] = { -1, -1 };

		if (!rc && loaded) {
			out[0] = run_loop(L_GETPPID, iters[L_GETPPID]);
			out[1] = last_probe;
		}
		if (write(p[1], out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	{
		double in[2];

		if (read(p[0], in, sizeof(in)) == sizeof(in)) {
			ns = in[0];
			last_probe = in[1];
		}
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	return ns;
}

/* ---- nftables arms ---- */

static void nft_write(int n, int set)
{
	FILE *f = fopen(DIR_TMP "/nft.conf", "w");
	int i;

	if (!f)
		die("%s/nft.conf: %s", DIR_TMP, strerror(errno));
	fprintf(f, "flush ruleset\ntable ip crsbench {\n");
	if (set) {
		fprintf(f, "\tset deny { type ipv4_addr; elements = { ");
		for (i = 0; i < n; i++)
			fprintf(f, "%s10.%d.%d.%d", i ? ", " : "",
				(i >> 16) & 255, (i >> 8) & 255, i & 255);
		fprintf(f, " } }\n");
	}
	fprintf(f, "\tchain out { type filter hook output priority 0; policy accept;\n");
	if (set)
		fprintf(f, "\t\tip daddr @deny tcp dport 9 drop\n");
	else
		for (i = 0; i < n; i++)
			fprintf(f, "\t\tip daddr 10.%d.%d.%d tcp dport 9 drop\n",
				(i >> 16) & 255, (i >> 8) & 255, i & 255);
	fprintf(f, "\t}\n}\n");
	fclose(f);
}

/* ---- policies ---- */

/*
 * One policy per (N, match) holds N rules of each of the four types
 * (SYSCALL, READ, NETWORK_OUTBOUND, Execution): each loop is governed by
 * N rules of its own type, and one apply serves the four loops (a crsnl
 * call costs about a second under TCG on a busy host). Each type is
 * compiled into its own table, so the others cost a loop only where it
 * really meets them (the exec loop also opens files: READ rules).
 * Push times are measured on these and on READ-only policies.
 */
static void policy_path(char *buf, size_t len, const char *kind, int n,
			int match)
{
	snprintf(buf, len, DIR_TMP "/pol-%s-%d-%d.json", kind, n, match);
}

static void policy_name(char *buf, size_t len, const char *kind, int n,
			int match)
{
	snprintf(buf, len, "b-%s-%d-%d", kind, n, match);
}

static const char rule_prefix[NLOOPS] = { 's', 'f', 'n', 'e' };

/* The non-matching rule i of the type governing loop @l. */
static void rule_nomatch(FILE *f, int l, int i)
{
	fprintf(f, "{\"name\":\"%c%d\",\"program\":\"*\",\"action\":\"DENY\",",
		rule_prefix[l], i);
	switch (l) {
	case L_GETPPID:
		fprintf(f, "\"ruleType\":\"SYSCALL\",\"syscall\":\"%s\",\"arg1\":%d}",
			sys_rules[i % NSYS], i);
		break;
	case L_OPEN:
		if (i % 10 == 9)	/* every tenth a glob */
			fprintf(f, "\"ruleType\":\"READ\",\"file\":\"/srv/crsbench/g%d/*.dat\"}", i);
		else
			fprintf(f, "\"ruleType\":\"READ\",\"file\":\"/srv/crsbench/d%d/f%d\"}",
				i % 100, i);
		break;
	case L_CONNECT:
		fprintf(f, "\"ruleType\":\"NETWORK_OUTBOUND\",\"ipAddress\":\"10.%d.%d.%d\",\"port\":9,\"protocol\":\"TCP\"}",
			(i >> 16) & 255, (i >> 8) & 255, i & 255);
		break;
	case L_EXEC:
		fprintf(f, "\"ruleType\":\"SYSCALL\",\"syscall\":\"execve\",\"file\":\"/srv/crsbench/bin/p%d\"}", i);
		break;
	}
}

/*
 * The rule that matches the loop's call. getppid: DENY (as the seccomp
 * filter's), so the call fails with EPERM in both; the others ALLOW, so
 * the loop still works.
 */
static void rule_match(FILE *f, int l)
{
	fprintf(f, "{\"name\":\"m%c\",\"program\":\"*\",", rule_prefix[l]);
	switch (l) {
	case L_GETPPID:
		fprintf(f, "\"action\":\"DENY\",\"ruleType\":\"SYSCALL\",\"syscall\":\"getppid\"}");
		break;
	case L_OPEN:
		fprintf(f, "\"action\":\"ALLOW\",\"ruleType\":\"READ\",\"file\":\"%s\"}", TARGET);
		break;
	case L_CONNECT:
		fprintf(f, "\"action\":\"ALLOW\",\"ruleType\":\"NETWORK_OUTBOUND\",\"ipAddress\":\"127.0.0.1\",\"port\":%d,\"protocol\":\"TCP\"}", LPORT);
		break;
	case L_EXEC:
		fprintf(f, "\"action\":\"ALLOW\",\"ruleType\":\"SYSCALL\",\"syscall\":\"execve\",\"file\":\"/usr/bin/true\"}");
		break;
	}
}

/* kind "mixed": N rules of each type; "read": N READ rules only. */
static void policy_write(const char *kind, int n, int match)
{
	char path[256], name[64];
	int i, l, k = n - (match ? 1 : 0), first = 1;
	FILE *f;

	policy_path(path, sizeof(path), kind, n, match);
	policy_name(name, sizeof(name), kind, n, match);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "{\"name\":\"%s\",\"policyMode\":\"ACTIVE\",\"rules\":[\n", name);
	for (l = 0; l < NLOOPS; l++) {
		if (strcmp(kind, "mixed") && l != L_OPEN)
			continue;
		for (i = 0; i < k; i++) {
			fprintf(f, "%s", first ? "" : ",\n");
			rule_nomatch(f, l, i);
			first = 0;
		}
		if (match) {
			fprintf(f, "%s", first ? "" : ",\n");
			rule_match(f, l);
			first = 0;
		}
	}
	fprintf(f, "\n]}\n");
	fclose(f);
}

static double push(int round, const char *kind, int n, int match)
{
	char path[256];
	double t0;

	policy_path(path, sizeof(path), kind, n, match);
	t0 = now();
	if (sh("%s/crsnl policy push %s >/dev/null", top, path))
		die("policy push %s failed", path);
	t0 = now() - t0;
	printf("P\t%d\t%s\t%d\t%d\t%.4f\n", round, kind,
	       n * (strcmp(kind, "mixed") ? 1 : NLOOPS), match, t0);
	fflush(stdout);
	return t0;
}

/* ---- the governed worker: pid 1 of its own pid namespace ---- */

struct worker {
	pid_t pid;		/* in our namespace */
	int cmd, res;		/* pipes: commands to it, results from it */
};

/* Command: loop index and iterations; -1: generate events (n = rate). */
struct wcmd {
	int loop;
	long n;
	int secs;
};

static void worker_events(long rate, int secs, int res)
{
	/* paced in 1 ms ticks: rate/1000 opens per tick (fractions carried) */
	double t0 = now(), tend = t0 + secs, owed = 0, last = t0;
	long done = 0;
	double out[2];

	while (now() < tend) {
		double t = now();

		if (rate > 0) {
			owed += (t - last) * rate;
			last = t;
			/* behind schedule: catch up, but never past tend */
			while (owed >= 1 && now() < tend) {
				syscall(SYS_getppid);
				done++;
				owed -= 1;
			}
			{
				struct timespec ts = { 0, 1000000 };

				nanosleep(&ts, NULL);
			}
		} else {
			for (int i = 0; i < 100; i++) {
				syscall(SYS_getppid);
				done++;
			}
		}
	}
	out[0] = done;
	out[1] = now() - t0;
	if (write(res, out, sizeof(out)) != sizeof(out))
		_exit(1);
}

static void worker_main(int cmd, int res)
{
	struct wcmd c;

	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		if (c.loop < 0) {
			worker_events(c.n, c.secs, res);
		} else {
			double out[2];

			out[0] = run_loop(c.loop, c.n);
			out[1] = last_probe;
			if (write(res, out, sizeof(out)) != sizeof(out))
				_exit(1);
		}
	}
	_exit(0);
}

static void worker_start(struct worker *w)
{
	int c[2], r[2];

	if (pipe(c) || pipe(r))
		die("pipe: %s", strerror(errno));
	/* fork into a new pid namespace; the child is its pid 1 */
	w->pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL,
			 NULL);
	if (w->pid < 0)
		die("clone(CLONE_NEWPID): %s", strerror(errno));
	if (w->pid == 0) {
		close(c[1]);
		close(r[0]);
		worker_main(c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	w->cmd = c[1];
	w->res = r[0];
}

static double worker_run(struct worker *w, int l)
{
	struct wcmd c = { .loop = l, .n = iters[l] };
	double in[2];

	if (write(w->cmd, &c, sizeof(c)) != sizeof(c) ||
	    read(w->res, in, sizeof(in)) != sizeof(in))
		die("worker died");
	last_probe = in[1];
	return in[0];
}

static void worker_stop(struct worker *w)
{
	close(w->cmd);
	close(w->res);
	waitpid(w->pid, NULL, 0);
}

static void apply(const char *name, pid_t pid, const char *extra)
{
	if (sh("%s/crsnl policy apply %s --pid %d %s", top, name,
	       (int)pid, extra ? extra : ""))
		die("policy apply %s failed", name);
}

/* ---- one round ---- */

/* the system call hooks go 1 s after no container needs them */
static void insmod(void)
{
	if (sh("insmod %s/crs.ko syscall_hooks_idle_secs=1", top))
		die("insmod failed");
}

/*
 * Waits until the module's system call hooks are disarmed (no container
 * needs them: its policy has no SYSCALL rules); notes it if they stay.
 */
static void syscall_hooks_wait_idle(void)
{
	for (int i = 0; i < 200; i++) {
		if (sh("grep -q '^x64_sys_call ' /sys/kernel/debug/tracing/enabled_functions"))
			return;
		usleep(100000);
	}
	printf("I\tnote\tthe system call hooks stayed armed where no container needs them\n");
}

static void rmmod(void)
{
	for (int i = 0; i < 50; i++) {
		if (system("rmmod crs 2>/dev/null") == 0)
			return;
		usleep(100000);	/* containers are freed after a grace period */
	}
	die("rmmod crs keeps failing");
}

static double phase_t0;

/* Where the time of a round goes: "I phase_NAME seconds". */
static void phase(int r, const char *name)
{
	double t = now();

	printf("I\tphase_%d_%s\t%.1f\n", r, name, t - phase_t0);
	phase_t0 = t;
}

static void round_run(int r)
{
	char arm[64], name[64];
	struct worker w;
	int l, i, m, k;

	phase_t0 = now();

	/* module not loaded */
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "base", run_loop(l, iters[l]));
	for (i = 0; i < NCOUNTS; i++)
		for (m = 0; m < 2; m++) {
			snprintf(arm, sizeof(arm), "seccomp-%d-%s", counts[i],
				 m ? "match" : "nomatch");
			report(r, L_GETPPID, arm, seccomp_arm(counts[i], m));
		}
	phase(r, "base_seccomp");
	for (i = 0; i < NCOUNTS; i++)
		for (k = 0; k < 2; k++) {
			nft_write(counts[i], k);
			snprintf(arm, sizeof(arm), "nft-%d-%s", counts[i],
				 k ? "set" : "linear");
			if (sh("nft -f %s/nft.conf", DIR_TMP)) {
				report(r, L_CONNECT, arm, -1);
				continue;
			}
			report(r, L_CONNECT, arm, run_loop(L_CONNECT, iters[L_CONNECT]));
		}
	sh("nft flush ruleset");
	phase(r, "nft");
	/* a second baseline, after the comparisons */
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "base", run_loop(l, iters[l]));

	insmod();
	/* armed at load, they go once idle: the steady state measured */
	syscall_hooks_wait_idle();
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "idle", run_loop(l, iters[l]));
	for (i = 0; i < NCOUNTS; i++)
		for (m = 0; m < 2; m++)
			push(r, "mixed", counts[i], m);
	for (i = 0; i < (int)(sizeof(read_counts) / sizeof(read_counts[0])); i++)
		push(r, "read", read_counts[i], 0);
	phase(r, "base_insmod_idle_push");

	worker_start(&w);
	for (i = 0; i < NCOUNTS; i++) {
		for (m = 0; m < 2; m++) {
			policy_name(name, sizeof(name), "mixed", counts[i], m);
			apply(name, w.pid, "--log-mode NONE");
			snprintf(arm, sizeof(arm), "crs-%d-%s", counts[i],
				 m ? "match" : "nomatch");
			for (l = 0; l < NLOOPS; l++)
				report(r, l, arm, worker_run(&w, l));
		}
	}
	phase(r, "governed");
	/* the host caller while a container (10,000 rules) is bound */
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "host", run_loop(l, iters[l]));
	phase(r, "host");
	/*
	 * The same with a policy of 10,000 READ rules and no SYSCALL rule:
	 * the system call hooks are disarmed once idle.
	 */
	policy_name(name, sizeof(name), "read", 10000, 0);
	apply(name, w.pid, "--log-mode NONE");
	syscall_hooks_wait_idle();
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "hostread", run_loop(l, iters[l]));
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "read-10000-nomatch", worker_run(&w, l));
	phase(r, "read");
	/*
	 * Governed by 10 rules of each type, none matching, with the
	 * "match" policies deleted: then no stored policy names the loops'
	 * calls (getppid, openat, close), which crs allows before the
	 * container lookup.
	 */
	for (i = 0; i < NCOUNTS; i++) {
		policy_name(name, sizeof(name), "mixed", counts[i], 1);
		sh("%s/crsnl policy delete %s", top, name);
	}
	policy_name(name, sizeof(name), "mixed", 10, 0);
	apply(name, w.pid, "--log-mode NONE");
	for (l = 0; l < NLOOPS; l++)
		report(r, l, "unnamed-10-nomatch", worker_run(&w, l));
	phase(r, "unnamed");
	sh("%s/crsnl policy detach --pid %d", top, (int)w.pid);
	worker_stop(&w);
	rmmod();
	phase(r, "detach_rmmod");
}

/* ---- event throughput ---- */

/* The module's events_lost (return) and events_sent (*sent); -1 unknown. */
static long status_lost(long *sent)
{
	char cmd[4200], line[256];
	long lost = -1;
	FILE *f;

	*sent = -1;
	snprintf(cmd, sizeof(cmd), "%s/crsnl status", top);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "events_lost: %ld", &lost);
		sscanf(line, "events_sent: %ld", sent);
	}
	pclose(f);
	return lost;
}

static void events_at(struct worker *w, long rate, int secs)
{
	char out[128], err[128], line[512];
	struct wcmd c = { .loop = -1, .n = rate, .secs = secs };
	long lost0, lost1, sent0, sent1, received = 0, reported = 0;
	double res[2], td;
	off_t last = -1;
	int i, still = 0;
	pid_t pid;
	FILE *f;

	snprintf(out, sizeof(out), DIR_TMP "/events-%ld-%d.json", rate, secs);
	snprintf(err, sizeof(err), DIR_TMP "/events-%ld-%d.err", rate, secs);
	lost0 = status_lost(&sent0);
	pid = fork();
	if (pid == 0) {
		char exe[4200];

		snprintf(exe, sizeof(exe), "%s/crsnl", top);
		if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
			_exit(1);
		execl(exe, exe, "events", "--format", "json", (char *)NULL);
		_exit(127);
	}
	/* wait until it has joined the group */
	for (i = 0; i < 100; i++) {
		f = fopen(err, "r");
		if (f && fgets(line, sizeof(line), f) && strstr(line, "listening")) {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(50000);
	}
	if (write(w->cmd, &c, sizeof(c)) != sizeof(c) ||
	    read(w->res, res, sizeof(res)) != sizeof(res))
		die("worker died");
	/*
	 * The queue drains after the generator stops: wait until the module
	 * has sent or counted lost every event generated, then until the
	 * listener's output has not grown for a second (crsnl events writes
	 * at least every 100 ms), then stop it.
	 */
	td = now();
	while (now() - td < 60) {
		lost1 = status_lost(&sent1);
		if (lost1 < 0 || sent1 < 0 ||
		    lost1 - lost0 + sent1 - sent0 >= (long)res[0])
			break;
		usleep(100000);
	}
	while (now() - td < 60) {
		struct stat st;

		usleep(250000);
		if (stat(out, &st))
			break;
		if (st.st_size == last) {
			if (++still >= 4)
				break;
		} else {
			still = 0;
			last = st.st_size;
		}
	}
	td = now() - td - 1.0;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	lost1 = status_lost(&sent1);
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line) - 1, f)) {
		long n;
		char *p = strstr(line, "\"lost\":");

		if (p && sscanf(p + 7, "%ld", &n) == 1 && !strstr(line, "\"outcome\""))
			reported += n;
		else if (strstr(line, "\"outcome\""))
			received++;
		/* long lines: skip the rest */
		while (!strchr(line, '\n') && fgets(line, sizeof(line) - 1, f))
			;
	}
	if (f)
		fclose(f);
	printf("E\t%ld\t%.3f\t%ld\t%.0f\t%ld\t%ld\t%ld\t%.2f\n", rate, res[1],
	       (long)res[0], res[0] / res[1], received, reported,
	       lost1 >= 0 && lost0 >= 0 ? lost1 - lost0 : -1, td);
	fflush(stdout);
}

static void events_run(void)
{
	static const long rates[] = { 1000, 10000, 20000, 50000, 100000, 0 };
	struct worker w;
	FILE *f;

	insmod();
	f = fopen(DIR_TMP "/pol-events.json", "w");
	if (!f)
		die("pol-events.json: %s", strerror(errno));
	fprintf(f, "{\"name\":\"b-events\",\"policyMode\":\"ACTIVE\",\"rules\":[{\"name\":\"denied\",\"ruleType\":\"SYSCALL\",\"program\":\"*\",\"syscall\":\"getppid\",\"action\":\"DENY\"}]}\n");
	fclose(f);
	if (sh("%s/crsnl policy push %s/pol-events.json", top, DIR_TMP))
		die("push b-events failed");
	worker_start(&w);
	apply("b-events", w.pid, "--log-mode POLICY_DENY");
	for (unsigned int i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		events_at(&w, rates[i], event_secs);
	/* a longer burst, to find where the queues overflow */
	events_at(&w, 0, 4 * event_secs);
	sh("%s/crsnl policy detach --pid %d", top, (int)w.pid);
	worker_stop(&w);
	rmmod();
}

/* perf record -a -g for @secs seconds (it starts slowly under TCG). */
static void perf_record(int secs)
{
	sh("perf record -q -a -g -F 999 -o %s/perf.data -- sleep %d", DIR_TMP,
	   secs);
}

/*
 * Print "TAG<tab>SPEC<tab>LINE" for each line of perf report @opts of the
 * last recording, comments and blank lines left out, then piped through
 * @tail (" | head -n 150", or "").
 */
static void perf_report(char tag, const char *spec, const char *opts,
			const char *tail)
{
	char cmd[512], line[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "perf report -i " DIR_TMP "/perf.data "
		 "--stdio --no-children %s 2>&1 | grep -v '^#' | grep -v '^$'%s",
		 opts, tail);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		printf("%c\t%s\t%s\n", tag, spec, line);
	}
	if (f)
		pclose(f);
}

/*
 * Profile one arm: perf record -a -g while loop @spec = "LOOP:RULES:MATCH"
 * (e.g. "open:10000:0") runs for about @secs seconds, governed by the
 * mixed policy of RULES rules; RULES 0: the module loaded, no container
 * bound, the loop run here. perf's report comes out as "F" lines.
 */
static void profile_run(const char *spec, int secs)
{
	char loop[32], name[64];
	int l, n, m, i;
	struct worker w;
	pid_t pid;

	if (sscanf(spec, "%31[a-z]:%d:%d", loop, &n, &m) != 3)
		die("--profile %s: want LOOP:RULES:MATCH", spec);
	for (l = 0; l < NLOOPS && strcmp(loop, loop_name[l]); l++)
		;
	if (l == NLOOPS)
		die("--profile %s: unknown loop", spec);
	for (i = 0; i < NCOUNTS && counts[i] != n; i++)
		;
	if (i == NCOUNTS && n)
		die("--profile %s: rule count not one of the benchmark's", spec);
	unlink(DIR_TMP "/perf.data");
	insmod();
	/* the loop runs until killed, while perf records */
	iters[l] = 1L << 40;
	if (!n) {
		pid = fork();
		if (pid == 0) {
			run_loop(l, iters[l]);
			_exit(0);
		}
		perf_record(secs);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	} else {
		struct wcmd c = { .loop = l, .n = iters[l] };

		push(0, "mixed", n, m);
		policy_name(name, sizeof(name), "mixed", n, m);
		worker_start(&w);
		apply(name, w.pid, "--log-mode NONE");
		if (write(w.cmd, &c, sizeof(c)) != sizeof(c))
			die("worker died");
		perf_record(secs);
		sh("%s/crsnl policy detach --pid %d", top, (int)w.pid);
		kill(w.pid, SIGKILL);
		worker_stop(&w);
	}
	rmmod();
	perf_report('F', spec, "--percent-limit 0.7 --sort sym -g none", "");
	/* who calls the symbols above 5 %: "G" lines */
	perf_report('G', spec, "--percent-limit 5 --sort sym "
		    "-g caller,2,callee,function,percent", " | head -n 150");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bin", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "arm-ms", required_argument, NULL, 'a' },
		{ "no-events", no_argument, NULL, 'n' },
		{ "event-secs", required_argument, NULL, 'e' },
		{ "seccomp-dir", required_argument, NULL, 's' },
		{ "export-seccomp", no_argument, NULL, 'x' },
		{ "profile", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int c, r, i, m, export = 0, nprofile = 0;
	const char *profile[8];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': snprintf(top, sizeof(top), "%s", optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'a': arm_ms = atoi(optarg); break;
		case 'n': do_events = 0; break;
		case 'e': event_secs = atoi(optarg); break;
		case 's': snprintf(seccomp_dir, sizeof(seccomp_dir), "%s", optarg); break;
		case 'x': export = 1; break;
		case 'p':
			if (nprofile < 8)
				profile[nprofile++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: crsbench [--bin DIR] [--rounds N] [--arm-ms MS] [--no-events] [--event-secs S]\n"
				"                [--seccomp-dir DIR] [--export-seccomp] [--profile LOOP:RULES:MATCH]...\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (export) {
		seccomp_export();
		return 0;
	}
	mkdir(DIR_TMP, 0755);
	close(open(TARGET, O_WRONLY | O_CREAT, 0644));
	if (system("rmmod crs 2>/dev/null") == 0)
		fprintf(stderr, "crsbench: unloaded a crs.ko already loaded\n");
	listener_open();
	for (i = 0; i < NCOUNTS; i++)
		for (m = 0; m < 2; m++)
			policy_write("mixed", counts[i], m);
	for (i = 0; i < (int)(sizeof(read_counts) / sizeof(read_counts[0])); i++)
		policy_write("read", read_counts[i], 0);
	calibrate();
	for (r = 1; r <= rounds; r++) {
		double t0 = now();

		round_run(r);
		printf("I\tround_%d_seconds\t%.1f\n", r, now() - t0);
	}
	if (do_events)
		events_run();
	for (i = 0; i < nprofile; i++)
		profile_run(profile[i], 5);
	return 0;
}
