// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress and unload under load (issue 11, items 2 and 3).
 *
 * Two containers (pid 1 of fresh pid namespaces) run worker threads that
 * open a file policy may deny (X) and one no policy denies (Y), call
 * getppid (a SYSCALL rule may deny it) and connect to a listener on
 * 127.0.0.1 (a NETWORK_OUTBOUND rule may deny it). Threads on the host do
 * the same and must never be denied. Meanwhile a controller applies,
 * detaches, re-binds, switches modes and learning, replaces the content
 * of a policy in place (deny <-> allow), force-deletes and re-pushes it;
 * a noise thread pushes and deletes unrelated policies; a reader dumps
 * status, policies and containers; a listener reads audit events; an
 * unloader tries rmmod.
 *
 * Checkable verdicts: the controller writes a timeline in shared memory,
 * one entry per command: when it was sent (t0), when it was acknowledged
 * (t1), and which operations each container is denied after it. State i
 * may be in force from t0[i] to t1[i + 1]. Every operation a worker did
 * between ts and te must match some state possible in [ts, te]: a denial
 * needs a state that denies it, success a state that allows it. A
 * detached container, PERMISSIVE or INACTIVE mode, and the allow policy
 * all allow. Every control command must give the errno the model
 * predicts.
 *
 * rmmod under load: while any container is bound (the model says so and
 * the controller is held still), delete_module() must fail with
 * EWOULDBLOCK (the module is in use: each bound container holds a
 * reference); it never waits and never crashes. Afterwards: everything
 * is detached, the module unloads, and a reload answers status.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_raw.h"

#define DIR_ "/tmp/crs-stress"
#define FILE_X DIR_ "/x"
#define FILE_Y DIR_ "/y"
#define PORT 47811

enum { OP_X, OP_Y, OP_SYS, OP_NET, __OP_MAX };
static const char *const op_names[] = { "open X", "open Y", "getppid", "connect" };
/* which bit of a state's deny mask an op depends on; Y never denied */
static const int op_bit[] = { 1, 0, 2, 4 };

enum { R_ALLOWED, R_DENIED, R_OTHER, R_TIMEOUT };

#define TLMAX 200000

struct tl_entry {
	uint64_t t0, t1;
	uint8_t mask[2];	/* per container: bits of op_bit[] denied */
};

struct shm {
	volatile int stop;	/* host workers and side threads */
	volatile int stop_ctr;	/* container workers (then their inits exit) */
	volatile int go;
	int ntl;		/* entries published; __atomic */
	long cnt[3][__OP_MAX][4];	/* container 0, 1, host */
	long viol[3][__OP_MAX];
	long checked;
	int vlock;
	char first[8][200];
	int nfirst;
	struct tl_entry tl[TLMAX];
};

static struct shm *sh;

static void violation(int who, int op, int res, int err, uint64_t ts, uint64_t te)
{
	__atomic_fetch_add(&sh->viol[who][op], 1, __ATOMIC_RELAXED);
	while (__atomic_exchange_n(&sh->vlock, 1, __ATOMIC_ACQUIRE))
		;
	if (sh->nfirst < 8)
		snprintf(sh->first[sh->nfirst++], sizeof(sh->first[0]),
			 "%s: %s %s (errno %d) in [%" PRIu64 ", %" PRIu64 "] ns",
			 who == 2 ? "host" : who ? "container 1" : "container 0",
			 op_names[op], res == R_DENIED ? "denied" :
			 res == R_ALLOWED ? "allowed" : "failed", err, ts, te);
	__atomic_store_n(&sh->vlock, 0, __ATOMIC_RELEASE);
}

/* Was outcome @denied of @op possible for container @c during [ts, te]? */
static int consistent(int c, int op, int denied, uint64_t ts, uint64_t te)
{
	int n = __atomic_load_n(&sh->ntl, __ATOMIC_ACQUIRE), i;

	for (i = n - 1; i >= 0; i--) {
		const struct tl_entry *e = &sh->tl[i];
		uint64_t end = i + 1 < n ? __atomic_load_n(&sh->tl[i + 1].t1, __ATOMIC_ACQUIRE) : 0;
		uint64_t t0 = __atomic_load_n(&e->t0, __ATOMIC_ACQUIRE);

		if (end && end < ts)
			break;		/* this and every earlier state ended before */
		if (t0 > te)
			continue;	/* began after */
		if (!!(e->mask[c] & op_bit[op]) == denied)
			return 1;
	}
	return 0;
}

static int do_op(int op, int *err)
{
	int fd, ret;

	switch (op) {
	case OP_X:
	case OP_Y:
		fd = open(op == OP_X ? FILE_X : FILE_Y, O_RDONLY);
		*err = errno;
		if (fd >= 0) {
			close(fd);
			return R_ALLOWED;
		}
		return *err == EACCES ? R_DENIED : R_OTHER;
	case OP_SYS:
		ret = syscall(SYS_getppid);
		*err = errno;
		if (ret >= 0)
			return R_ALLOWED;
		return *err == EPERM ? R_DENIED : R_OTHER;
	default: {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct linger lg = { 1, 0 };
		struct timeval tv = { 3, 0 };

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			*err = errno;
			return R_OTHER;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		ret = connect(fd, (struct sockaddr *)&a, sizeof(a));
		*err = errno;
		close(fd);
		if (!ret)
			return R_ALLOWED;
		/*
		 * A handshake that did not finish within SO_SNDTIMEO
		 * (EINPROGRESS) proves nothing either way: a SYN that passed
		 * and whose flow a new policy then denies is dropped on
		 * re-check, and under emulation the listener may also fall
		 * behind. Counted apart and bounded below.
		 */
		if (*err == EINPROGRESS)
			return R_TIMEOUT;
		return *err == ECONNREFUSED || *err == EPERM ? R_DENIED : R_OTHER;
	}
	}
}

static int use_net = 1;
static int check_net = 1;	/* connect verdicts are checked (see the probe) */

struct wk { int who; unsigned int seed; };

static void *worker(void *arg)
{
	struct wk *w = arg;

	while (!sh->go)
		usleep(1000);
	while (!(w->who < 2 ? sh->stop_ctr : sh->stop)) {
		int op = rand_r(&w->seed) % (use_net ? __OP_MAX : OP_NET), err = 0, res;
		uint64_t ts = now_ns(), te;

		res = do_op(op, &err);
		te = now_ns();
		__atomic_fetch_add(&sh->cnt[w->who][op][res], 1, __ATOMIC_RELAXED);
		if (res == R_TIMEOUT)
			;	/* bounded at the end */
		else if (res == R_OTHER ||
		    (w->who == 2 && res != R_ALLOWED) ||
		    (w->who < 2 && (op != OP_NET || check_net) &&
		     !consistent(w->who, op, res == R_DENIED, ts, te)))
			violation(w->who, op, res, err, ts, te);
		__atomic_fetch_add(&sh->checked, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

#define NWORKERS 2

static void run_workers(int who)
{
	pthread_t t[NWORKERS];
	struct wk w[NWORKERS];
	int i;

	for (i = 0; i < NWORKERS; i++) {
		w[i].who = who;
		w[i].seed = who * 100 + i + 1;
		pthread_create(&t[i], NULL, worker, &w[i]);
	}
	for (i = 0; i < NWORKERS; i++)
		pthread_join(t[i], NULL);
}

struct ctr { pid_t outer, pid; };

/* A container: pid 1 of a new pid namespace, running workers. */
static int ctr_init(void *arg)
{
	run_workers(*(int *)arg);
	return 0;
}

static int ctr_start(struct ctr *c, int who)
{
	c->pid = crs_spawn_container(NULL, NULL, ctr_init, &who, &c->outer);
	return c->pid > 0 ? 0 : -1;
}

static void ctr_wait(struct ctr *c)
{
	if (c->outer > 0)
		waitpid(c->outer, NULL, 0);
	c->outer = c->pid = 0;
}

/* ---------------------------------------------------------------- */
/* Policies. deny: bits of op_bit[] the policy denies (0 or all). */

static int push(struct rnl *r, const char *name, int deny)
{
	struct mb m = {};
	uint32_t lo = htonl(INADDR_LOOPBACK);

	mb_init(&m, CRS_CMD_SET_POLICY, NLM_F_REQUEST | NLM_F_ACK);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, name);
	mb_u8(&m, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	mb_nest(&m, CRS_POLICY_A_RULES | NLA_F_NESTED);

	mb_rule(&m, "x", CRS_RULE_READ,
		deny ? CRS_ACTION_DENY : CRS_ACTION_ALLOW);
	mb_str(&m, CRS_RULE_A_FILE, FILE_X);
	mb_end(&m);

	mb_rule(&m, "y", CRS_RULE_READ, CRS_ACTION_ALLOW);
	mb_str(&m, CRS_RULE_A_FILE, FILE_Y);
	mb_end(&m);

	if (deny) {
		mb_rule(&m, "getppid", CRS_RULE_SYSCALL, CRS_ACTION_DENY);
		mb_u32(&m, CRS_RULE_A_SYSCALL_NR, SYS_getppid);
		mb_end(&m);

		mb_rule(&m, "connect", CRS_RULE_NETWORK_OUTBOUND,
			CRS_ACTION_DENY);
		mb_u8(&m, CRS_RULE_A_FAMILY, AF_INET);
		mb_put(&m, CRS_RULE_A_ADDR, &lo, 4);
		mb_u8(&m, CRS_RULE_A_PREFIX, 32);
		mb_u16(&m, CRS_RULE_A_PORT_LO, PORT);
		mb_u8(&m, CRS_RULE_A_PROTOCOL, CRS_PROTO_TCP);
		mb_end(&m);
	}
	return rnl_call_free(r, &m, NULL, NULL);
}

/* ---------------------------------------------------------------- */
/* The model the controller keeps. */

enum { P_NONE, P_DENY, P_ALLOW, P_FLIP };
static const char *const pnames[] = { "", "st-deny", "st-allow", "st-flip" };
#define DENY_ALL (1 | 2 | 4)

struct model {
	int bound[2], pol[2], ovr[2];
	int flip_deny;
};

static int mask_of(const struct model *md, int c)
{
	int content;

	if (!md->bound[c])
		return 0;
	content = md->pol[c] == P_DENY || (md->pol[c] == P_FLIP && md->flip_deny);
	if (md->ovr[c] >= 0 && md->ovr[c] != CRS_MODE_ACTIVE)
		return 0;
	return content ? DENY_ALL : 0;
}

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Publish the state the next command will bring; returns its entry. */
static struct tl_entry *tl_begin(const struct model *next)
{
	int n = sh->ntl;
	struct tl_entry *e = &sh->tl[n < TLMAX ? n : TLMAX - 1];

	if (n >= TLMAX)
		return e;	/* full: stop changing (checked by caller) */
	e->t1 = 0;
	e->mask[0] = mask_of(next, 0);
	e->mask[1] = mask_of(next, 1);
	__atomic_store_n(&e->t0, now_ns(), __ATOMIC_RELEASE);
	__atomic_store_n(&sh->ntl, n + 1, __ATOMIC_RELEASE);
	return e;
}

static void tl_end(struct tl_entry *e, const struct model *now_md)
{
	/* a failed command changed nothing: say so (only more lenient) */
	e->mask[0] = mask_of(now_md, 0);
	e->mask[1] = mask_of(now_md, 1);
	__atomic_store_n(&e->t1, now_ns(), __ATOMIC_RELEASE);
}

struct ctl {
	struct rnl r;
	struct model md;
	struct ctr *ctr;
	long ops, errors;
	char first_err[200];
	unsigned int seed;
};

static void ctl_err(struct ctl *k, const char *what, int want, int got)
{
	k->errors++;
	if (!k->first_err[0])
		snprintf(k->first_err, sizeof(k->first_err),
			 "%s: want %d got %d (%s)", what, want, got, k->r.extack);
}

/* One random control command, applied to the model and checked. */
static void ctl_step(struct ctl *k)
{
	struct model next = k->md;
	struct tl_entry *e;
	int c = rand_r(&k->seed) % 2, op = rand_r(&k->seed) % 100, want = 0, got;
	int pid = k->ctr[c].pid;
	const char *what;

	pthread_mutex_lock(&ctl_lock);
	if (op < 30) {			/* apply, maybe with a mode */
		int p = 1 + rand_r(&k->seed) % 3;
		int mode = rand_r(&k->seed) % 4 == 0 ? (int)(rand_r(&k->seed) % 3) : -1;

		what = "apply";
		if (!next.bound[c])
			next.ovr[c] = -1;
		next.bound[c] = 1;
		next.pol[c] = p;
		if (mode >= 0)
			next.ovr[c] = mode;
		e = tl_begin(&next);
		got = rnl_apply(&k->r, pid, pnames[p], mode);
	} else if (op < 45) {		/* detach */
		what = "detach";
		want = next.bound[c] ? 0 : -ENOENT;
		next.bound[c] = 0;
		next.pol[c] = P_NONE;
		next.ovr[c] = -1;
		e = tl_begin(&next);
		got = rnl_detach(&k->r, pid);
	} else if (op < 60) {		/* mode override */
		int mode = rand_r(&k->seed) % 3;

		what = "set mode";
		if (!next.bound[c]) {
			next.bound[c] = 1;
			next.pol[c] = P_NONE;
		}
		next.ovr[c] = mode;
		e = tl_begin(&next);
		got = rnl_set_container(&k->r, pid, mode, -1, -1);
	} else if (op < 68) {		/* learning on or off */
		what = "set learning";
		if (!next.bound[c]) {
			next.bound[c] = 1;
			next.pol[c] = P_NONE;
			next.ovr[c] = -1;
		}
		e = tl_begin(&next);
		got = rnl_set_container(&k->r, pid, -1, -1, rand_r(&k->seed) % 2);
	} else if (op < 88) {		/* replace st-flip's content in place */
		what = "replace st-flip";
		next.flip_deny = !next.flip_deny;
		e = tl_begin(&next);
		got = push(&k->r, "st-flip", next.flip_deny);
	} else if (op < 93) {		/* replace st-deny with itself */
		what = "replace st-deny";
		e = tl_begin(&next);
		got = push(&k->r, "st-deny", 1);
	} else if (op < 97) {		/* force-delete st-flip, then push it again */
		int i;

		what = "force-delete st-flip";
		for (i = 0; i < 2; i++)
			if (next.bound[i] && next.pol[i] == P_FLIP) {
				next.bound[i] = 0;
				next.pol[i] = P_NONE;
				next.ovr[i] = -1;
			}
		e = tl_begin(&next);
		got = rnl_del_policy(&k->r, "st-flip", 1);
		if (got == want) {
			k->md = next;
			tl_end(e, &k->md);
			what = "re-push st-flip";
			next.flip_deny = rand_r(&k->seed) % 2;
			e = tl_begin(&next);
			got = push(&k->r, "st-flip", next.flip_deny);
		}
	} else {			/* delete st-allow without force */
		what = "delete st-allow";
		want = (next.bound[0] && next.pol[0] == P_ALLOW) ||
		       (next.bound[1] && next.pol[1] == P_ALLOW) ? -EBUSY : 0;
		e = tl_begin(&next);
		got = rnl_del_policy(&k->r, "st-allow", 0);
		if (!got) {
			tl_end(e, &next);
			what = "re-push st-allow";
			e = tl_begin(&next);
			got = push(&k->r, "st-allow", 0);
		}
	}
	if (got == want)
		k->md = next;
	else
		ctl_err(k, what, want, got);
	tl_end(e, &k->md);
	k->ops++;
	pthread_mutex_unlock(&ctl_lock);
}

/* ---------------------------------------------------------------- */
/* Side threads. */

struct side {
	long ops, errors, eagain, unloaded, other;
	char first_err[200];
	struct ctl *k;
	int id;
};

static void *noise(void *arg)
{
	struct side *s = arg;
	struct rnl r;
	int i = 0;

	if (rnl_open(&r, 10000))
		return NULL;
	while (!sh->stop) {
		char name[32];
		int ret;

		snprintf(name, sizeof(name), "st-noise%d", i % 4);
		ret = push(&r, name, i & 1);
		if (!ret && i % 3 == 0)
			ret = rnl_del_policy(&r, name, 0);
		if (ret && !s->first_err[0])
			snprintf(s->first_err, sizeof(s->first_err), "noise: %d %s", ret, r.extack);
		s->errors += !!ret;
		s->ops++;
		i++;
	}
	rnl_close(&r);
	return NULL;
}

static void *reader(void *arg)
{
	struct side *s = arg;
	char names[4096];
	struct rnl r;
	struct mb m = {};

	if (rnl_open(&r, 10000))
		return NULL;
	while (!sh->stop) {
		struct rnl_status st;
		int ret = rnl_status(&r, &st);

		if (!ret)
			ret = rnl_policy_names(&r, names, sizeof(names)) < 0;
		if (!ret) {
			mb_init(&m, CRS_CMD_GET_CONTAINER, NLM_F_REQUEST | NLM_F_DUMP);
			ret = rnl_call(&r, &m, NULL, NULL);
		}
		if (ret && !s->first_err[0])
			snprintf(s->first_err, sizeof(s->first_err), "reader: %d %s", ret, r.extack);
		s->errors += !!ret;
		s->ops++;
	}
	mb_free(&m);
	rnl_close(&r);
	return NULL;
}

static void *acceptor(void *arg)
{
	int lfd = *(int *)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		close(fd);
	}
	return NULL;
}

/* Try to unload while the model says a container is bound. */
static void *unloader(void *arg)
{
	struct side *s = arg;

	while (!sh->stop) {
		usleep(300000);
		pthread_mutex_lock(&ctl_lock);
		if (!sh->stop && (s->k->md.bound[0] || s->k->md.bound[1])) {
			int ret = syscall(SYS_delete_module, "crs", O_NONBLOCK);

			s->ops++;
			if (!ret)
				s->unloaded++;	/* catastrophic: the rest will fail */
			else if (errno == EWOULDBLOCK)
				s->eagain++;
			else
				s->other++;
		}
		pthread_mutex_unlock(&ctl_lock);
	}
	return NULL;
}

/* Audit events: every DENIED names one of our containers, policies, rules. */
struct listen {
	struct nl_sock *sk;
	long denied, denied_net, other, lost, bad;
	uint64_t ids[2];
	char first_bad[200];
};

static int ev_cb(struct nl_msg *msg, void *arg)
{
	struct listen *l = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct nlattr *e = rnl_top(nlh, CRS_A_EVENT);
	const struct nlattr *o, *p, *ru;
	uint64_t id;

	if (!e)
		return NL_SKIP;
	l->lost += rnl_uint(rnl_in(e, CRS_EVENT_A_LOST), 0);
	o = rnl_in(e, CRS_EVENT_A_OUTCOME);
	if (!o)
		return NL_SKIP;		/* a loss record */
	if (rnl_uint(o, 9) != CRS_OUTCOME_DENIED) {
		l->other++;
		return NL_SKIP;
	}
	id = rnl_uint(rnl_in(e, CRS_EVENT_A_CONTAINER), 0);
	p = rnl_in(e, CRS_EVENT_A_POLICY);
	ru = rnl_in(e, CRS_EVENT_A_RULE);
	if ((id != l->ids[0] && id != l->ids[1]) || !p || !ru ||
	    (strcmp(rnl_data(p), "st-deny") && strcmp(rnl_data(p), "st-flip")) ||
	    (strcmp(rnl_data(ru), "x") && strcmp(rnl_data(ru), "getppid") &&
	     strcmp(rnl_data(ru), "connect"))) {
		if (!l->bad++)
			snprintf(l->first_bad, sizeof(l->first_bad),
				 "container %" PRIu64 " policy %s rule %s", id,
				 p ? (const char *)rnl_data(p) : "-",
				 ru ? (const char *)rnl_data(ru) : "-");
	}
	if (ru && !strcmp(rnl_data(ru), "connect"))
		l->denied_net++;
	else
		l->denied++;
	return NL_OK;
}

static int listen_open(struct listen *l)
{
	int grp, one = 1;

	l->sk = nl_socket_alloc();
	if (!l->sk || genl_connect(l->sk))
		return -1;
	nl_socket_disable_seq_check(l->sk);
	nl_socket_modify_cb(l->sk, NL_CB_VALID, NL_CB_CUSTOM, ev_cb, l);
	grp = genl_ctrl_resolve_grp(l->sk, CRS_GENL_NAME, CRS_MCGRP_AUDIT);
	if (grp < 0)
		return -1;
	nl_socket_set_buffer_size(l->sk, 4 << 20, 0);
	setsockopt(nl_socket_get_fd(l->sk), SOL_NETLINK, NETLINK_BROADCAST_ERROR,
		   &one, sizeof(one));
	if (nl_socket_add_membership(l->sk, grp))
		return -1;
	nl_socket_set_nonblocking(l->sk);
	return 0;
}

static void *listener(void *arg)
{
	struct listen *l = arg;
	uint64_t quiet = 0;

	for (;;) {
		int n = nl_recvmsgs_default(l->sk);

		if (n < 0 && n != -NLE_AGAIN && n != -NLE_NOMEM && !l->bad++)
			snprintf(l->first_bad, sizeof(l->first_bad), "recv: %s", nl_geterror(n));
		if (n == -NLE_AGAIN) {
			if (sh->stop == 2) {
				if (!quiet)
					quiet = now_ns();
				if (now_ns() - quiet > 1500000000ull)
					break;
			}
			usleep(2000);
		} else {
			quiet = 0;
		}
	}
	return NULL;
}

static uint64_t ns_id(pid_t pid)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/ns/pid", pid);
	return stat(p, &st) ? 0 : st.st_ino;
}

/* ---------------------------------------------------------------- */


struct lsn { int fd; pthread_t t; };

static int lsn_start(struct lsn *l)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;

	l->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) || listen(l->fd, 4096))
		return -1;
	return pthread_create(&l->t, NULL, acceptor, &l->fd);
}

static void lsn_stop(struct lsn *l)
{
	shutdown(l->fd, SHUT_RDWR);
	close(l->fd);
	pthread_join(l->t, NULL);
}

/*
 * In a container bound to a policy denying 127.0.0.1:PORT (and file X):
 * 1 if connect() is refused, 0 if it connects; -1 on setup errors.
 * *file_denied says whether open(X) was denied in the same container.
 */
struct probe {
	int go[2], res[2];
};

static int probe_setup(void *arg)
{
	struct probe *p = arg;

	return close(p->go[1]) || close(p->res[0]);
}

static int probe_init(void *arg)
{
	struct probe *p = arg;
	int err, out[2];
	char b;

	if (read(p->go[0], &b, 1) != 1)
		return 1;
	out[0] = do_op(OP_NET, &err) == R_DENIED;
	out[1] = do_op(OP_X, &err) == R_DENIED;
	return write(p->res[1], out, sizeof(out)) != sizeof(out);
}

static int probe_connect_denied(int *file_denied)
{
	struct rnl r;
	struct probe p;
	int res[2] = { -1, -1 };
	pid_t outer, pid;

	if (rnl_open(&r, 10000) || push(&r, "st-probe", 1) ||
	    pipe(p.go) || pipe(p.res))
		return -1;
	pid = crs_spawn_container(NULL, probe_setup, probe_init, &p, &outer);
	close(p.go[0]);
	close(p.res[1]);
	if (pid <= 0 ||
	    rnl_apply(&r, pid, "st-probe", -1) ||
	    write(p.go[1], "g", 1) != 1 ||
	    read(p.res[0], res, sizeof(res)) != sizeof(res))
		res[0] = -1;
	close(p.go[1]);		/* the init sees EOF if it never got "g" */
	if (outer > 0)
		waitpid(outer, NULL, 0);
	close(p.res[0]);
	rnl_del_policy(&r, "st-probe", 1);
	rnl_close(&r);
	*file_denied = res[1];
	return res[0];
}

/*
 * A container in the host's network namespace (docker --network=host):
 * a NETWORK_OUTBOUND DENY rule for 127.0.0.1:PORT/tcp must refuse its
 * connect(), as a READ rule refuses its open() in the same container.
 */
TEST(host_netns_container_connect_to_denied_loopback_port_is_refused)
{
	struct lsn l;
	int file_denied = -1;

	mkdir(DIR_, 0755);
	ASSERT_EQ(0, crs_sh(NULL, 0, "echo x > " FILE_X " && echo y > " FILE_Y));
	ASSERT_EQ(0, lsn_start(&l));
	EXPECT_EQ(1, probe_connect_denied(&file_denied));
	EXPECT_EQ(1, file_denied);
	lsn_stop(&l);
}

TEST(verdicts_match_some_policy_of_their_time_under_churn_and_rmmod_is_refused)
{
	long secs = getenv("CRS_STRESS_SECS") ? atol(getenv("CRS_STRESS_SECS")) : crs_scaled(20);
	struct rnl_status st0, st1;
	struct side nz = {}, rd = {}, ul = {};
	pthread_t hw[NWORKERS], tn, tr, tu, tl_;
	struct wk hwk[NWORKERS];
	struct ctr ctr[2] = {};
	struct listen ls = {};
	struct ctl k = {};
	struct lsn lsn;
	int i, c, op, have_events, file_denied = 0;
	long denied_seen = 0, denied_fs = 0;
	uint64_t t_end;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	mkdir(DIR_, 0755);
	ASSERT_EQ(0, crs_sh(NULL, 0, "echo x > " FILE_X " && echo y > " FILE_Y));
	ASSERT_EQ(0, lsn_start(&lsn));
	check_net = probe_connect_denied(&file_denied) == 1;
	if (!check_net)
		TH_LOG("connect() is not refused in a host-netns container (see host_netns_container_connect_to_denied_loopback_port_is_refused): connects run, their verdicts are not checked");

	ASSERT_EQ(0, rnl_open(&k.r, 15000));
	ASSERT_EQ(0, rnl_status(&k.r, &st0));
	ASSERT_EQ(0, push(&k.r, "st-deny", 1)) TH_LOG("%s", k.r.extack);
	ASSERT_EQ(0, push(&k.r, "st-allow", 0));
	ASSERT_EQ(0, push(&k.r, "st-flip", 0));
	/* entry 0: nothing bound since forever */
	sh->tl[0].t0 = 0;
	sh->tl[0].t1 = 1;
	sh->ntl = 1;
	for (c = 0; c < 2; c++)
		ASSERT_EQ(0, ctr_start(&ctr[c], c));
	ls.ids[0] = ns_id(ctr[0].pid);
	ls.ids[1] = ns_id(ctr[1].pid);
	have_events = !listen_open(&ls);
	if (have_events)
		pthread_create(&tl_, NULL, listener, &ls);
	else
		TH_LOG("no audit group: events not checked");
	k.ctr = ctr;
	k.seed = 7;
	for (i = 0; i < NWORKERS; i++) {
		hwk[i].who = 2;
		hwk[i].seed = 1000 + i;
		pthread_create(&hw[i], NULL, worker, &hwk[i]);
	}
	ul.k = &k;
	pthread_create(&tn, NULL, noise, &nz);
	pthread_create(&tr, NULL, reader, &rd);
	pthread_create(&tu, NULL, unloader, &ul);
	sh->go = 1;

	t_end = now_ns() + secs * 1000000000ull;
	while (now_ns() < t_end && sh->ntl < TLMAX - 4) {
		ctl_step(&k);
		usleep(rand_r(&k.seed) % 4000);
		if (k.ops == 50) {	/* the rmmod tool says "in use" too */
			char out[512];

			pthread_mutex_lock(&ctl_lock);
			if (k.md.bound[0] || k.md.bound[1])
				EXPECT_NE(0, crs_sh(out, sizeof(out), "rmmod crs 2>&1"));
			pthread_mutex_unlock(&ctl_lock);
		}
	}
	sh->stop = 1;
	for (i = 0; i < NWORKERS; i++)
		pthread_join(hw[i], NULL);
	pthread_join(tn, NULL);
	pthread_join(tr, NULL);
	pthread_join(tu, NULL);
	/* now the containers' workers stop; then their inits exit */
	sh->stop_ctr = 1;
	for (c = 0; c < 2; c++)
		ctr_wait(&ctr[c]);
	sh->stop = 2;
	if (have_events)
		pthread_join(tl_, NULL);

	for (c = 0; c < 3; c++)
		for (op = 0; op < __OP_MAX; op++) {
			long *n = sh->cnt[c][op];

			fprintf(stderr, "# %-11s %-8s allowed %6ld denied %6ld failed %ld timed out %ld violations %ld\n",
				c == 2 ? "host" : c ? "container 1" : "container 0",
				op_names[op], n[R_ALLOWED], n[R_DENIED], n[R_OTHER],
				n[R_TIMEOUT], sh->viol[c][op]);
			/* at most 1% of connects may time out */
			EXPECT_LE(n[R_TIMEOUT] * 100,
				  n[R_ALLOWED] + n[R_DENIED] + n[R_OTHER] + n[R_TIMEOUT]);
			if (c < 2)
				denied_seen += n[R_DENIED];
			if (c < 2 && op != OP_NET)
				denied_fs += n[R_DENIED];
		}
	fprintf(stderr, "# control: %ld commands (%d timeline entries), %ld errors; noise %ld (%ld errors); reader %ld (%ld errors)\n",
		k.ops, sh->ntl, k.errors, nz.ops, nz.errors, rd.ops, rd.errors);
	fprintf(stderr, "# rmmod attempts while bound: %ld, refused %ld, other errors %ld, unloaded %ld\n",
		ul.ops, ul.eagain, ul.other, ul.unloaded);
	for (i = 0; i < sh->nfirst; i++)
		fprintf(stderr, "# violation: %s\n", sh->first[i]);
	if (k.first_err[0])
		fprintf(stderr, "# control error: %s\n", k.first_err);

	EXPECT_EQ(0, ul.unloaded);
	EXPECT_EQ(0, ul.other);
	EXPECT_LT(0, ul.eagain);
	for (c = 0; c < 3; c++)
		for (op = 0; op < __OP_MAX; op++)
			EXPECT_EQ(0, sh->viol[c][op]);
	EXPECT_EQ(0, k.errors);
	EXPECT_EQ(0, nz.errors) TH_LOG("%s", nz.first_err);
	EXPECT_EQ(0, rd.errors) TH_LOG("%s", rd.first_err);
	EXPECT_LT(crs_scaled(20), k.ops);
	EXPECT_LT(0, denied_seen);
	EXPECT_LT(0, sh->cnt[0][OP_X][R_ALLOWED] + sh->cnt[1][OP_X][R_ALLOWED]);

	/* counters: every denial a worker saw was counted */
	ASSERT_EQ(0, rnl_status(&k.r, &st1));
	fprintf(stderr, "# status: denied +%" PRIu64 ", allowed +%" PRIu64 ", monitored +%" PRIu64 ", events sent +%" PRIu64 " lost +%" PRIu64 "\n",
		st1.v[CRS_STATUS_A_DENIED] - st0.v[CRS_STATUS_A_DENIED],
		st1.v[CRS_STATUS_A_ALLOWED] - st0.v[CRS_STATUS_A_ALLOWED],
		st1.v[CRS_STATUS_A_MONITORED] - st0.v[CRS_STATUS_A_MONITORED],
		st1.v[CRS_STATUS_A_EVENTS_SENT] - st0.v[CRS_STATUS_A_EVENTS_SENT],
		st1.v[CRS_STATUS_A_EVENTS_LOST] - st0.v[CRS_STATUS_A_EVENTS_LOST]);
	EXPECT_LE((uint64_t)denied_seen,
		  st1.v[CRS_STATUS_A_DENIED] - st0.v[CRS_STATUS_A_DENIED]);
	if (!use_net || !(sh->cnt[0][OP_NET][R_DENIED] + sh->cnt[1][OP_NET][R_DENIED]))
		EXPECT_EQ((uint64_t)denied_seen,
			  st1.v[CRS_STATUS_A_DENIED] - st0.v[CRS_STATUS_A_DENIED]);
	if (have_events) {
		fprintf(stderr, "# events: denied file/syscall %ld, denied network %ld, other %ld, lost %ld, bad %ld %s\n",
			ls.denied, ls.denied_net, ls.other, ls.lost, ls.bad, ls.first_bad);
		EXPECT_EQ(0, ls.bad);
		/* packets a connect never saw (RST, late ACK) may be denied too */
		EXPECT_GE(denied_fs, ls.denied);
		EXPECT_LE(denied_seen, ls.denied + ls.denied_net + ls.lost);
		nl_socket_free(ls.sk);
	}

	/* clean up: containers died, so they are reaped; policies go */
	ASSERT_EQ(0, rnl_del_policy(&k.r, "st-deny", 1));
	ASSERT_EQ(0, rnl_del_policy(&k.r, "st-allow", 1));
	ASSERT_EQ(0, rnl_del_policy(&k.r, "st-flip", 1));
	for (i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "st-noise%d", i);
		rnl_del_policy(&k.r, name, 1);
	}
	ASSERT_EQ(0, rnl_status(&k.r, &st1));
	EXPECT_EQ(st0.v[CRS_STATUS_A_CONTAINERS], st1.v[CRS_STATUS_A_CONTAINERS]);
	EXPECT_EQ(st0.v[CRS_STATUS_A_POLICIES], st1.v[CRS_STATUS_A_POLICIES]);
	rnl_close(&k.r);
	lsn_stop(&lsn);

	/* and with nothing bound, the module unloads and reloads */
	EXPECT_EQ(0, crs_rmmod(30));
	EXPECT_EQ(0, crs_sh(NULL, 0, "insmod %s", crs_ko()));
	rnl_family_id = 0;
	EXPECT_EQ(0, rnl_status1(&st1));
	munmap(sh, sizeof(*sh));
}

/* An init that waits for EOF on fds[0]; the write end fds[1] is ours. */
static int wait_setup(void *arg)
{
	return close(((int *)arg)[1]);
}

static int wait_init(void *arg)
{
	char b;

	return read(((int *)arg)[0], &b, 1) < 0;
}

/* Bound: refused. Dead but not yet reaped: refused, then unloads. */
TEST(rmmod_refused_while_bound_and_works_once_the_container_is_gone)
{
	struct rnl r;
	struct ctr c = {};
	struct rnl_status st;
	int p[2], ret;

	ASSERT_EQ(0, rnl_open(&r, 10000));
	ASSERT_EQ(0, push(&r, "st-unload", 1));
	ASSERT_EQ(0, pipe(p));
	c.pid = crs_spawn_container(NULL, wait_setup, wait_init, p, &c.outer);
	close(p[0]);
	ASSERT_LT(0, c.pid);
	ASSERT_EQ(0, rnl_apply(&r, c.pid, "st-unload", -1)) TH_LOG("%s", r.extack);

	EXPECT_EQ(-1, syscall(SYS_delete_module, "crs", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_NE(0, crs_sh(NULL, 0, "rmmod crs 2>/dev/null"));
	EXPECT_EQ(0, rnl_status(&r, &st));
	EXPECT_LE(1, st.v[CRS_STATUS_A_CONTAINERS]);
	/* the policy cannot go while bound, except by force */
	EXPECT_EQ(-EBUSY, rnl_del_policy(&r, "st-unload", 0));
	rnl_close(&r);

	/* the container exits: within the reaper's period, unload works */
	close(p[1]);
	waitpid(c.outer, NULL, 0);
	ret = crs_rmmod(30);
	EXPECT_EQ(0, ret) TH_LOG("still in use 30 s after the container exited");
	EXPECT_EQ(0, crs_sh(NULL, 0, "insmod %s", crs_ko()));
	rnl_family_id = 0;
	EXPECT_EQ(0, rnl_status1(&st));
	EXPECT_EQ(0, st.v[CRS_STATUS_A_POLICIES]);
	EXPECT_EQ(0, st.v[CRS_STATUS_A_CONTAINERS]);
}

/* ---------------------------------------------------------------- */
/*
 * A lookup that never ends: a FUSE mount whose server (this test) never
 * answers, not even FUSE_INIT, so every lookup under it waits. A policy
 * whose program lies under it is applied to a container: that apply waits
 * in the lookup, and meanwhile every other command must still complete.
 */
#define FZ "/tmp/crs-fuse"

/* Spawn @cmd through sh (descriptors marked close-on-exec stay here). */
static pid_t run_async(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Its exit status once it ends within @secs; -1 (still running) else. */
static int wait_secs(pid_t pid, int secs)
{
	int i, st;

	for (i = 0; i < secs * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(100000);
	}
	return -1;
}

/* Requests waiting on the FUSE connection mounted at @mnt, or -1. */
static long fuse_waiting(const char *mnt)
{
	char line[1024], path[128], mp[256], dev[32];
	unsigned int major, minor;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return -1;
	minor = ~0U;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %31s %*s %255s", dev, mp) == 2 &&
		    !strcmp(mp, mnt) && sscanf(dev, "%u:%u", &major, &minor) == 2)
			break;
	fclose(f);
	if (minor == ~0U)
		return -1;
	snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/waiting", minor);
	return crs_read_long(path);
}

static int write_policy(const char *path, const char *name, const char *program)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\"name\": \"%s\", \"policyMode\": \"ACTIVE\",\n"
		" \"defaultNetworkAction\": \"ALLOW\", \"defaultFileAction\": \"ALLOW\",\n"
		" \"defaultExecuteAction\": \"ALLOW\", \"defaultSyscallAction\": \"ALLOW\",\n"
		" \"rules\": [{\"name\": \"r\", \"ruleType\": \"READ\", \"program\": \"%s\",\n"
		" \"file\": \"" FZ "/secret\", \"action\": \"DENY\"}]}\n", name, program);
	return fclose(f);
}

FIXTURE(fz) {
	int unused;
};

FIXTURE_SETUP(fz)
{
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(fz)
{
	umount2(FZ "/mnt", MNT_DETACH);
}

TEST_F_TIMEOUT(fz, commands_complete_while_an_apply_waits_on_a_fuse_mount_that_never_answers, 600)
{
	static const char *const what[] = {
		"status", "push another policy", "container list",
		"apply another container", "detach another container",
	};
	char cmd[5][512], out[256];
	int p1[2], p2[2], keep1[2] = { -1, -1 }, keep2[2] = { -1, -1 }, fd, i, rc[5];
	struct ctr c1 = {}, c2 = {};
	pid_t blocked, pid[5];
	long waiting = -1;

	ASSERT_EQ(0, crs_sh(out, sizeof(out), "modprobe fuse 2>&1; grep -qw fuse /proc/filesystems"))
		TH_LOG("no FUSE: %s", out);
	crs_sh(NULL, 0, "grep -q fusectl /proc/mounts || mount -t fusectl none /sys/fs/fuse/connections");
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " FZ "/mnt && echo s > " FZ "/secret"));
	ASSERT_EQ(0, write_policy(FZ "/fuse.json", "st-fuse", FZ "/mnt/prog"));
	ASSERT_EQ(0, write_policy(FZ "/other.json", "st-other", "/bin/cat"));
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy push " FZ "/fuse.json " FZ "/other.json 2>&1",
			    crs_crsnl())) TH_LOG("%s", out);
	/*
	 * The containers first, each keeping only the read end of its pipe:
	 * neither may hold the /dev/fuse descriptor or the other's pipe.
	 */
	ASSERT_EQ(0, pipe(p1));
	ASSERT_EQ(0, pipe(p2));
	keep1[0] = p1[0];
	keep2[0] = p2[0];
	c1.pid = crs_spawn_container(keep1, NULL, wait_init, p1, &c1.outer);
	c2.pid = crs_spawn_container(keep2, NULL, wait_init, p2, &c2.outer);
	close(p1[0]);
	close(p2[0]);
	ASSERT_LT(0, c1.pid);
	ASSERT_LT(0, c2.pid);

	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(out, sizeof(out), "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
	ASSERT_EQ(0, mount("crs-silent", FZ "/mnt", "fuse", MS_NOSUID | MS_NODEV, out))
		TH_LOG("mount: %s", strerror(errno));

	snprintf(out, sizeof(out), "%s policy apply st-fuse --pid %d", crs_crsnl(), c1.pid);
	blocked = run_async(out);
	ASSERT_LT(0, blocked);
	/* the apply's lookup is waiting for the server */
	for (i = 0; i < 600 && waiting < 1; i++) {
		usleep(100000);
		waiting = fuse_waiting(FZ "/mnt");
	}
	EXPECT_LE(1, waiting) TH_LOG("no request waits on the FUSE connection");
	TH_LOG("apply waits on the FUSE mount (%ld requests waiting)", waiting);

	snprintf(cmd[0], sizeof(cmd[0]), "%s status", crs_crsnl());
	snprintf(cmd[1], sizeof(cmd[1]), "%s policy push " FZ "/other.json", crs_crsnl());
	snprintf(cmd[2], sizeof(cmd[2]), "%s container list", crs_crsnl());
	snprintf(cmd[3], sizeof(cmd[3]), "%s policy apply st-other --pid %d", crs_crsnl(), c2.pid);
	snprintf(cmd[4], sizeof(cmd[4]), "%s policy detach --pid %d", crs_crsnl(), c2.pid);
	for (i = 0; i < 5; i++) {
		pid[i] = run_async(cmd[i]);
		rc[i] = wait_secs(pid[i], 60);
		TH_LOG("%s: %d", what[i], rc[i]);
		EXPECT_EQ(0, rc[i]) TH_LOG("%s: %s", what[i],
					    rc[i] < 0 ? "still waiting after 60 s" : "failed");
	}
	/* still waiting: nothing answered it */
	EXPECT_EQ(-1, wait_secs(blocked, 0));

	/* the server goes away: the connection aborts, everything ends */
	close(fd);
	EXPECT_EQ(0, wait_secs(blocked, 120)) TH_LOG("apply did not end after the abort");
	for (i = 0; i < 5; i++)
		if (rc[i] < 0)
			wait_secs(pid[i], 120);
	umount2(FZ "/mnt", MNT_DETACH);
	EXPECT_EQ(0, crs_sh(out, sizeof(out), "%s status >/dev/null 2>&1", crs_crsnl()));

	crs_sh(NULL, 0, "%s policy detach --pid %d >/dev/null 2>&1", crs_crsnl(), c1.pid);
	close(p1[1]);
	close(p2[1]);
	waitpid(c1.outer, NULL, 0);
	waitpid(c2.outer, NULL, 0);
	crs_sh(NULL, 0, "%s policy delete st-fuse >/dev/null 2>&1; %s policy delete st-other >/dev/null 2>&1",
	       crs_crsnl(), crs_crsnl());
}

TEST_HARNESS_MAIN
