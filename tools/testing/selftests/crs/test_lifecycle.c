// SPDX-License-Identifier: GPL-2.0
/*
 * Container death and memory bounds (issue 11, items 4 and 5).
 *
 * A thousand short-lived bound containers come and go; afterwards the
 * module's object counts (containers, programs), its learning memory and
 * its own reference count are back where they started. Each limit
 * (max_rules, max_policies, max_containers, learn_max, the event queue)
 * gives a clear errno with an extack naming the module parameter, or a
 * counted drop; status reports memory by category.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_raw.h"

#define D "/tmp/crs-lc"
#define SECRET D "/secret"
#define BATCH 25

/* Is @pid a zombie (state Z in /proc/pid/stat)? */
static int zombie_is(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	int z = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		z = p && p[1] == ' ' && p[2] == 'Z';
	}
	fclose(f);
	return z;
}

/* The refcount once deferred frees of earlier tests are done. */
static long refcnt_settled(void)
{
	long v = crs_refcnt(), last = -2;
	int i, same = 0;

	for (i = 0; i < 50 && same < 5; i++) {
		usleep(100000);
		last = v;
		v = crs_refcnt();
		same = v == last ? same + 1 : 0;
	}
	return v;
}

/* A policy "name" with @n READ DENY rules on D/f0.. and SECRET. */
static int push_n(struct rnl *r, const char *name, int n, uint32_t flags)
{
	struct mb m = {};
	int i;

	mb_init(&m, CRS_CMD_SET_POLICY, NLM_F_REQUEST | NLM_F_ACK);
	if (flags)
		mb_u32(&m, CRS_A_FLAGS, flags);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, name);
	mb_nest(&m, CRS_POLICY_A_RULES | NLA_F_NESTED);
	for (i = 0; i < n; i++) {
		char rn[32], f[64];

		snprintf(rn, sizeof(rn), "r%d%s", i, flags & CRS_SET_F_APPEND ? "b" : "");
		snprintf(f, sizeof(f), i ? D "/f%d" : SECRET, i);
		mb_rule(&m, rn, CRS_RULE_READ, CRS_ACTION_DENY);
		mb_str(&m, CRS_RULE_A_FILE, f);
		mb_end(&m);
	}
	return rnl_call_free(r, &m, NULL, NULL);
}

/*
 * A container that waits for a byte on @go, then runs @body and exits
 * with its result. Returns the init's host pid; *outer the intermediate.
 */
struct lc {
	pid_t outer, pid;
	int go;
	/* for the init */
	int (*body)(void *arg);
	void *arg;
	int go_r;
};

static int lc_gofd;	/* in the container: the read end of its go pipe */

static int lc_prepare(void *arg)
{
	return close(((struct lc *)arg)->go);
}

static int lc_init(void *arg)
{
	struct lc *c = arg;
	char b;

	lc_gofd = c->go_r;
	if (read(c->go_r, &b, 1) != 1)
		return 101;
	return c->body(c->arg);
}

static int lc_start(struct lc *c, int (*body)(void *), void *arg)
{
	int gop[2];

	if (pipe(gop))
		return -1;
	c->go = gop[1];
	c->go_r = gop[0];
	c->body = body;
	c->arg = arg;
	c->pid = crs_spawn_container(NULL, lc_prepare, lc_init, c, &c->outer);
	close(gop[0]);
	return c->pid > 0 ? 0 : -1;
}

/* Let it run; its exit status. */
static void lc_go(struct lc *c)
{
	if (write(c->go, "g", 1) != 1)
		kill(c->outer, SIGKILL);
	close(c->go);
}

static int lc_wait(struct lc *c)
{
	int st = 0;

	waitpid(c->outer, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

static int lc_finish(struct lc *c)
{
	lc_go(c);
	return lc_wait(c);
}

/* 0 if SECRET is denied (the container is bound), 1 otherwise. */
static int open_secret(void *arg)
{
	int fd = open(SECRET, O_RDONLY);

	(void)arg;
	if (fd >= 0)
		return 1;
	return errno == EACCES ? 0 : 2;
}

/* Open @n distinct files (learning sees each), then SECRET. */
static int open_many(void *arg)
{
	int i, n = *(int *)arg;

	for (i = 0; i < n; i++) {
		char f[64];
		int fd;

		snprintf(f, sizeof(f), D "/l%d", i);
		fd = open(f, O_RDONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
	}
	return open_secret(NULL);
}

/* open_many, then wait for the test to close the go pipe */
static int open_many_and_wait(void *arg)
{
	int ret = open_many(arg);
	char b;

	while (read(lc_gofd, &b, 1) > 0)
		;
	return ret;
}

static int sleep_forever(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

FIXTURE(lc) {
	struct rnl r;
	struct rnl_status st0;
	long ref0;
};

FIXTURE_SETUP(lc)
{
	signal(SIGPIPE, SIG_IGN);
	mkdir(D, 0755);
	ASSERT_EQ(0, crs_sh(NULL, 0, "echo s > " SECRET));
	ASSERT_EQ(0, rnl_open(&self->r, 15000));
	ASSERT_EQ(0, rnl_status(&self->r, &self->st0));
	self->ref0 = refcnt_settled();
	ASSERT_EQ(0, push_n(&self->r, "lc", 1, 0)) TH_LOG("%s", self->r.extack);
}

FIXTURE_TEARDOWN(lc)
{
	rnl_del_policy(&self->r, "lc", 1);
	rnl_close(&self->r);
}

/* Poll status until @field is back at @want (dead containers are reaped). */
static int settle(struct rnl *r, int field, uint64_t want, struct rnl_status *st)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (!rnl_status(r, st) && st->v[field] == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

TEST_F_TIMEOUT(lc, thousand_short_lived_bound_containers_return_counts_to_baseline, 400)
{
	int i, n = getenv("CRS_LC_N") ? atoi(getenv("CRS_LC_N")) : crs_scaled(1000);
	int bad = 0, applied = 0, learning = 0, files = 3;
	struct rnl_status st;
	uint64_t t0 = now_ns();

	/* batches of BATCH: start them, bind them, let them run and die */
	for (i = 0; i < n; i += BATCH) {
		struct lc c[BATCH];
		int ret[BATCH], j, m = n - i < BATCH ? n - i : BATCH;

		for (j = 0; j < m; j++)
			ASSERT_EQ(0, lc_start(&c[j], (i + j) % 4 == 3 ? open_many : open_secret,
					      &files));
		for (j = 0; j < m; j++) {
			ret[j] = rnl_apply(&self->r, c[j].pid, "lc", -1);
			applied += !ret[j];
			if (!ret[j] && (i + j) % 4 == 3)
				learning += !rnl_set_container(&self->r, c[j].pid, -1, -1, 1);
			if (ret[j] && !bad)
				TH_LOG("container %d: apply %d (%s)", i + j, ret[j], self->r.extack);
		}
		for (j = 0; j < m; j++)
			lc_go(&c[j]);
		for (j = 0; j < m; j++) {
			int rc = lc_wait(&c[j]);

			if (ret[j] || rc) {
				if (!bad++)
					TH_LOG("container %d: exit %d", i + j, rc);
			}
		}
	}
	TH_LOG("%d containers in %.1f s, %d bound, %d learning, %d bad",
	       n, (now_ns() - t0) / 1e9, applied, learning, bad);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(n, applied);
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_CONTAINERS,
			    self->st0.v[CRS_STATUS_A_CONTAINERS], &st));
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_CONTAINERS], st.v[CRS_STATUS_A_CONTAINERS]);
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_PROGRAMS,
			    self->st0.v[CRS_STATUS_A_PROGRAMS], &st));
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_PROGRAMS], st.v[CRS_STATUS_A_PROGRAMS]);
	EXPECT_TRUE(st.has[CRS_STATUS_A_MEM_LEARN]);
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_MEM_LEARN,
			    self->st0.v[CRS_STATUS_A_MEM_LEARN], &st));
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_MEM_LEARN], st.v[CRS_STATUS_A_MEM_LEARN]);
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_POLICIES] + 1, st.v[CRS_STATUS_A_POLICIES]);
	/* and every container's module reference was dropped */
	for (i = 0; i < 50 && crs_refcnt() != self->ref0; i++)
		usleep(100000);
	EXPECT_EQ(self->ref0, crs_refcnt());
}

/*
 * A container whose init has exited (zombie: its pid is still there, its
 * pid namespace is dead) while its parent has not reaped it yet.
 * Returns the init's pid; *@outer holds it unreaped until killed.
 * (The init exits before we read its pid: the pipe is read only here.)
 */
static pid_t zombie_container(pid_t *outer)
{
	int p[2];
	pid_t pid = -1;

	if (pipe(p))
		return -1;
	*outer = fork();
	if (*outer == 0) {
		pid_t init;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		init = fork();
		if (init == 0)
			_exit(0);
		/* wait for it to be a zombie, hand its pid over, stay */
		while (!zombie_is(init))
			usleep(10000);
		if (write(p[1], &init, sizeof(init)) != sizeof(init))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);	/* a child that fails: EOF */
	if (*outer < 0 || read(p[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = -1;
	close(p[0]);
	return pid;
}

/* Applying to a container whose init exited binds nothing: ESRCH. */
TEST_F(lc, apply_to_a_container_whose_init_exited_is_esrch)
{
	struct rnl_status st;
	pid_t outer, pid;
	int ret;

	pid = zombie_container(&outer);
	ASSERT_LT(0, pid);
	ret = rnl_apply(&self->r, pid, "lc", -1);
	EXPECT_EQ(-ESRCH, ret) TH_LOG("apply %d (%s)", ret, self->r.extack);
	ASSERT_EQ(0, rnl_status(&self->r, &st));
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_CONTAINERS], st.v[CRS_STATUS_A_CONTAINERS]);
	kill(outer, SIGKILL);
	waitpid(outer, NULL, 0);
}

/*
 * A bound container stays bound until its namespace is empty: its init
 * exited but is not reaped yet (a zombie holds its pid) is not the end.
 * Until every task is gone a killed one may still finish a call, so the
 * container is unbound only then (it was unbound as soon as its init
 * began to exit); and it is unbound once the zombie is reaped.
 */
TEST_F(lc, container_stays_bound_until_its_namespace_is_empty)
{
	struct rnl_status st;
	pid_t outer, init = -1;
	int go[2], back[2];
	char b = 0;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	outer = fork();
	ASSERT_LE(0, outer);
	if (outer == 0) {
		pid_t pid;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		pid = fork();
		if (pid == 0) {
			/* init: wait for the word, then exit unreaped */
			if (read(go[0], &b, 1) != 1)
				_exit(1);
			_exit(0);
		}
		if (write(back[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		while (!zombie_is(pid))
			usleep(10000);
		if (write(back[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		/* reap it when told */
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	close(back[1]);
	ASSERT_EQ(sizeof(init), read(back[0], &init, sizeof(init)));
	ASSERT_EQ(0, rnl_apply(&self->r, init, "lc", -1)) TH_LOG("%s", self->r.extack);
	ASSERT_EQ(1, write(go[1], &b, 1));
	/* the init is a zombie now: status reaps first, and keeps it */
	ASSERT_EQ(sizeof(init), read(back[0], &init, sizeof(init)));
	ASSERT_EQ(0, rnl_status(&self->r, &st));
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_CONTAINERS] + 1,
		  st.v[CRS_STATUS_A_CONTAINERS]);
	/* reaped: the namespace is empty, the container goes */
	ASSERT_EQ(1, write(go[1], &b, 1));
	waitpid(outer, NULL, 0);
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_CONTAINERS,
			    self->st0.v[CRS_STATUS_A_CONTAINERS], &st));
	close(go[0]);
	close(go[1]);
	close(back[0]);
}

/* Init of a container that exits at once, its pid not reaped yet or just. */
static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Containers exit while they are applied: apply answers 0 or ESRCH, never
 * anything else, and nothing stays bound (the namespace is referenced
 * while the task pins it; KASAN sees a use after free otherwise).
 */
TEST_F_TIMEOUT(lc, containers_exiting_during_apply_bind_nothing_stale, 400)
{
	int i, n = crs_scaled(200), bad = 0, ok = 0, gone = 0;
	struct rnl_status st;

	for (i = 0; i < n; i++) {
		struct lc c;
		int ret;

		ASSERT_EQ(0, lc_start(&c, exit_at_once, NULL));
		lc_go(&c);
		/* race the exit: the first applies land before, then during */
		ret = rnl_apply(&self->r, c.pid, "lc", -1);
		if (!ret)
			ok++;
		else if (ret == -ESRCH)
			gone++;
		else if (!bad++)
			TH_LOG("container %d: apply %d (%s)", i, ret, self->r.extack);
		lc_wait(&c);
	}
	TH_LOG("%d containers: %d applied, %d gone", n, ok, gone);
	EXPECT_EQ(0, bad);
	/*
	 * Unbound with no command asking (every command reaps first): an
	 * apply that raced its init's exit past the zap_pid_ns_processes()
	 * hook queues the reaper itself; nothing polls while none is dying.
	 */
	for (i = 0; i < 100 && crs_refcnt() != self->ref0; i++)
		usleep(100000);
	EXPECT_EQ(self->ref0, crs_refcnt());
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_CONTAINERS,
			    self->st0.v[CRS_STATUS_A_CONTAINERS], &st));
}

/*
 * A container that dies is reaped without any command: its init's exit
 * (the kernel's zap_pid_ns_processes(), hooked) queues the reaper.
 */
TEST_F(lc, dead_container_is_reaped_without_a_command)
{
	struct lc c;
	long bound;
	int i;

	ASSERT_EQ(0, lc_start(&c, open_secret, NULL));
	ASSERT_EQ(0, rnl_apply(&self->r, c.pid, "lc", -1));
	bound = crs_refcnt();
	EXPECT_LE(self->ref0 + 1, bound);
	EXPECT_EQ(0, lc_finish(&c));
	/* no command from here: only the exit's own notice can unbind it */
	for (i = 0; i < 300 && crs_refcnt() >= bound; i++)
		usleep(100000);
	EXPECT_GT(bound, crs_refcnt()) TH_LOG("reference held 30 s after the container died");
}

TEST_F(lc, max_rules_exceeded_is_e2big_with_extack)
{
	long old = crs_param_get("max_rules");

	ASSERT_LT(0, old);
	ASSERT_EQ(0, crs_param_set("max_rules", 10));
	EXPECT_EQ(0, push_n(&self->r, "lc-rules", 10, 0)) TH_LOG("%s", self->r.extack);
	EXPECT_EQ(-E2BIG, push_n(&self->r, "lc-rules", 11, 0));
	EXPECT_NE(NULL, strstr(self->r.extack, "max_rules")) TH_LOG("%s", self->r.extack);
	/* across a series too; the stored policy is untouched */
	EXPECT_EQ(0, push_n(&self->r, "lc-rules", 6, CRS_SET_F_MORE));
	EXPECT_EQ(-E2BIG, push_n(&self->r, "lc-rules", 5, CRS_SET_F_APPEND));
	EXPECT_NE(NULL, strstr(self->r.extack, "max_rules"));
	EXPECT_EQ(-ENOENT, push_n(&self->r, "lc-rules", 1, CRS_SET_F_APPEND));
	EXPECT_EQ(0, crs_param_set("max_rules", old));
	EXPECT_EQ(0, rnl_del_policy(&self->r, "lc-rules", 0));
}

TEST_F(lc, max_policies_exceeded_is_enospc_with_extack)
{
	long old = crs_param_get("max_policies");
	uint64_t have = self->st0.v[CRS_STATUS_A_POLICIES] + 1;	/* + "lc" */

	ASSERT_LT(0, old);
	ASSERT_EQ(0, crs_param_set("max_policies", have + 2));
	EXPECT_EQ(0, push_n(&self->r, "lc-p1", 1, 0));
	EXPECT_EQ(0, push_n(&self->r, "lc-p2", 1, 0));
	EXPECT_EQ(-ENOSPC, push_n(&self->r, "lc-p3", 1, 0));
	EXPECT_NE(NULL, strstr(self->r.extack, "max_policies")) TH_LOG("%s", self->r.extack);
	/* replacing one at the limit is fine */
	EXPECT_EQ(0, push_n(&self->r, "lc-p2", 2, 0));
	EXPECT_EQ(0, crs_param_set("max_policies", old));
	EXPECT_EQ(0, push_n(&self->r, "lc-p3", 1, 0));
	EXPECT_EQ(0, rnl_del_policy(&self->r, "lc-p1", 0));
	EXPECT_EQ(0, rnl_del_policy(&self->r, "lc-p2", 0));
	EXPECT_EQ(0, rnl_del_policy(&self->r, "lc-p3", 0));
}

TEST_F(lc, max_containers_exceeded_is_enospc_with_extack)
{
	long old = crs_param_get("max_containers");
	struct lc a, b;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, lc_start(&a, sleep_forever, NULL));
	ASSERT_EQ(0, lc_start(&b, sleep_forever, NULL));
	ASSERT_EQ(0, crs_param_set("max_containers",
				   self->st0.v[CRS_STATUS_A_CONTAINERS] + 1));
	EXPECT_EQ(0, rnl_apply(&self->r, a.pid, "lc", -1));
	EXPECT_EQ(-ENOSPC, rnl_apply(&self->r, b.pid, "lc", -1));
	EXPECT_NE(NULL, strstr(self->r.extack, "max_containers")) TH_LOG("%s", self->r.extack);
	EXPECT_EQ(-ENOSPC, rnl_set_container(&self->r, b.pid, -1, -1, 1));
	/* re-applying a bound one is no new container */
	EXPECT_EQ(0, rnl_apply(&self->r, a.pid, "lc", CRS_MODE_PERMISSIVE));
	EXPECT_EQ(0, crs_param_set("max_containers", old));
	EXPECT_EQ(0, rnl_apply(&self->r, b.pid, "lc", -1));
	EXPECT_EQ(0, rnl_detach(&self->r, a.pid));
	EXPECT_EQ(0, rnl_detach(&self->r, b.pid));
	kill(a.pid, SIGKILL);
	kill(b.pid, SIGKILL);
	lc_finish(&a);
	lc_finish(&b);
}

TEST_F(lc, learning_set_at_learn_max_counts_overflow)
{
	long old = crs_param_get("learn_max");
	struct rnl_ctr ct;
	struct rnl_status st;
	int files = 20, i;
	struct lc c;

	if (old < 0)
		SKIP(return, "no learn_max parameter");
	ASSERT_EQ(0, crs_param_set("learn_max", 5));
	ASSERT_EQ(0, lc_start(&c, open_many_and_wait, &files));
	ASSERT_EQ(0, rnl_apply(&self->r, c.pid, "lc", -1));
	ASSERT_EQ(0, rnl_set_container(&self->r, c.pid, -1, -1, 1));
	/* run the body; the container stays until go is closed */
	ASSERT_EQ(1, write(c.go, "g", 1));
	for (i = 0; i < 1500; i++) {	/* up to 30 s */
		ASSERT_EQ(0, rnl_get_container(&self->r, c.pid, &ct));
		if (ct.v[CRS_CONTAINER_A_LEARN_OVERFLOW] >= 15)
			break;
		usleep(20000);
	}
	ASSERT_TRUE(ct.has[CRS_CONTAINER_A_LEARNED]);
	ASSERT_TRUE(ct.has[CRS_CONTAINER_A_LEARN_OVERFLOW]);
	EXPECT_EQ(5, ct.v[CRS_CONTAINER_A_LEARNED]);
	EXPECT_LE(15, ct.v[CRS_CONTAINER_A_LEARN_OVERFLOW]);
	ASSERT_EQ(0, rnl_status(&self->r, &st));
	EXPECT_LT(self->st0.v[CRS_STATUS_A_MEM_LEARN], st.v[CRS_STATUS_A_MEM_LEARN]);
	EXPECT_EQ(0, crs_param_set("learn_max", old));
	close(c.go);
	waitpid(c.outer, NULL, 0);
	EXPECT_EQ(0, settle(&self->r, CRS_STATUS_A_MEM_LEARN,
			    self->st0.v[CRS_STATUS_A_MEM_LEARN], &st));
}

/* A listener that never reads: deliveries fail, and each is counted. */
TEST_F(lc, event_queue_or_socket_overflow_is_a_counted_drop)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rnl_status st;
	int grp, one = 1, files = 0, i, denials = 0;

	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, genl_connect(sk));
	grp = genl_ctrl_resolve_grp(sk, CRS_GENL_NAME, CRS_MCGRP_AUDIT);
	if (grp < 0)
		SKIP(return, "no audit group");
	nl_socket_set_buffer_size(sk, 1, 0);	/* the kernel's minimum */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_BROADCAST_ERROR,
		   &one, sizeof(one));
	ASSERT_EQ(0, nl_socket_add_membership(sk, grp));
	for (i = 0; i < 20; i++) {
		struct lc c;

		/* each container: one denial (SECRET) */
		ASSERT_EQ(0, lc_start(&c, open_many, &files));
		ASSERT_EQ(0, rnl_apply(&self->r, c.pid, "lc", -1));
		denials += lc_finish(&c) == 0;
	}
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, rnl_status(&self->r, &st));
		if (st.v[CRS_STATUS_A_EVENTS_LOST] > self->st0.v[CRS_STATUS_A_EVENTS_LOST])
			break;
		usleep(100000);
	}
	TH_LOG("denials %d, events sent +%" PRIu64 ", lost +%" PRIu64, denials,
	       st.v[CRS_STATUS_A_EVENTS_SENT] - self->st0.v[CRS_STATUS_A_EVENTS_SENT],
	       st.v[CRS_STATUS_A_EVENTS_LOST] - self->st0.v[CRS_STATUS_A_EVENTS_LOST]);
	EXPECT_EQ(20, denials);
	EXPECT_LT(self->st0.v[CRS_STATUS_A_EVENTS_LOST], st.v[CRS_STATUS_A_EVENTS_LOST]);
	nl_socket_free(sk);
}

TEST_F(lc, status_reports_memory_by_category)
{
	struct rnl_status st, st2;
	int i;

	ASSERT_EQ(0, rnl_status(&self->r, &st));
	EXPECT_TRUE(st.has[CRS_STATUS_A_MEM_POLICY]);
	EXPECT_TRUE(st.has[CRS_STATUS_A_MEM_LEARN]);
	EXPECT_TRUE(st.has[CRS_STATUS_A_MEM_EVENTS]);
	EXPECT_LT(0, st.v[CRS_STATUS_A_MEM_POLICY]);
	ASSERT_EQ(0, push_n(&self->r, "lc-mem", 1000, 0));
	ASSERT_EQ(0, rnl_status(&self->r, &st2));
	TH_LOG("policy bytes %" PRIu64 " -> %" PRIu64 " for 1000 rules; events %" PRIu64 "; learn %" PRIu64,
	       st.v[CRS_STATUS_A_MEM_POLICY], st2.v[CRS_STATUS_A_MEM_POLICY],
	       st2.v[CRS_STATUS_A_MEM_EVENTS], st2.v[CRS_STATUS_A_MEM_LEARN]);
	EXPECT_LE(st.v[CRS_STATUS_A_MEM_POLICY] + 1000 * 64, st2.v[CRS_STATUS_A_MEM_POLICY]);
	ASSERT_EQ(0, rnl_del_policy(&self->r, "lc-mem", 0));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, rnl_status(&self->r, &st2));
		if (st2.v[CRS_STATUS_A_MEM_POLICY] == st.v[CRS_STATUS_A_MEM_POLICY])
			break;
		usleep(100000);
	}
	EXPECT_EQ(st.v[CRS_STATUS_A_MEM_POLICY], st2.v[CRS_STATUS_A_MEM_POLICY]);
}

TEST_HARNESS_MAIN
