// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzer for the crs family (issue 11, item 1).
 *
 * Tens of thousands of generated messages: every command number
 * (0..CRS_CMD_MAX + 3), schema-guided attributes with boundary and wrong
 * types and lengths, NLA_F_NESTED dropped or added, truncated messages,
 * random bytes, nests deeper than any policy, oversized strings and nests
 * whose 16-bit length wraps, rules with extreme values, dumps with bogus
 * filters. Then out-of-order policy series (APPEND before start, MORE
 * never finished, interleaved names, sockets closed mid-series) checked
 * against a model, and dumps abandoned half-read.
 *
 * Each message must get a well-formed reply or an errno within the
 * receive timeout (a hang fails), the module must keep answering status,
 * and the guest log must stay clean (run.sh checks it).
 *
 * Seeded: the seed is printed; CRS_FUZZ_SEED=N replays a run,
 * CRS_FUZZ_N and CRS_FUZZ_SECS bound it (defaults 20000 messages, 40 s;
 * the time budget counts only after the first 10,000).
 *
 * Safety: the fuzzer must not bind the VM's own processes. APPLY and
 * SET_CONTAINER never carry CRS_APPLY_F_HOST (the bit is cleared in every
 * CRS_A_FLAGS of those commands after generation), so only processes in
 * non-initial pid namespaces can be bound: during this test that is the
 * sacrificial container started here, which loops over opens and
 * syscalls so the fuzzed policies are also evaluated.
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
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "crs_harness.h"
#include "crs_raw.h"

/* ---------------------------------------------------------------- */
/* PRNG: xorshift64*, seeded. */

static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ull;
}

static uint32_t rn(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static int chance(int pct) { return rn(100) < (uint32_t)pct; }

static uint64_t seed_init(void)
{
	const char *e = getenv("CRS_FUZZ_SEED");
	uint64_t s = e ? strtoull(e, NULL, 0) : (now_ns() ^ ((uint64_t)getpid() << 32));

	rs = s ? s : 1;
	return s;
}

static long env_long(const char *name, long def)
{
	const char *e = getenv(name);

	return e ? strtol(e, NULL, 0) : def;
}

/* ---------------------------------------------------------------- */
/* The sacrificial container: pid 1 of a new pid namespace. */

static pid_t victim_outer, victim;

static void victim_loop(void)
{
	char buf[64];

	for (;;) {
		int fd = open("/etc/hostname", O_RDONLY);

		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0)
				buf[0] = 0;
			close(fd);
		}
		fd = open("/tmp/crs-fuzz-w", O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		syscall(SYS_getppid);
		syscall(SYS_getcpu, NULL, NULL, NULL);
		usleep(2000);
	}
}

static int victim_init(void *arg)
{
	victim_loop();
	return 0;
}

static int victim_start(void)
{
	victim = crs_spawn_container(NULL, NULL, victim_init, NULL, &victim_outer);
	return victim > 0 ? 0 : -1;
}

static void victim_stop(void)
{
	if (victim > 0)
		kill(victim, SIGKILL);
	if (victim_outer > 0)
		waitpid(victim_outer, NULL, 0);
	victim = victim_outer = 0;
}

/* ---------------------------------------------------------------- */
/* Value generators. */

static const char *const names[] = { "fz0", "fz1", "fz2", "fz3" };

static char bigbuf[70000];
static int no_big;	/* building a huge policy: keep each rule small */

/* A string of @len bytes of @c (plus NUL), in bigbuf. */
static const char *fill(int len, char c)
{
	if (len > (int)sizeof(bigbuf) - 1)
		len = sizeof(bigbuf) - 1;
	memset(bigbuf, c, len);
	bigbuf[len] = '\0';
	return bigbuf;
}

static void put_name(struct mb *m, uint16_t type)
{
	switch (rn(12)) {
	case 0: mb_str(m, type, ""); break;
	case 1: mb_str(m, type, fill(126, 'n')); break;
	case 2: mb_str(m, type, fill(127, 'n')); break;
	case 3: mb_str(m, type, fill(128 + rn(200), 'n')); break;
	case 4: mb_put(m, type, "fz0", 3); break;		/* no NUL */
	case 5: mb_put(m, type, "fz\0x", 5); break;		/* inner NUL */
	case 6: mb_put(m, type, "", 0); break;
	default: mb_str(m, type, names[rn(4)]); break;
	}
}

static const char *const paths[] = {
	"/", "/*", "/**", "/etc/hostname", "/tmp/crs-fuzz-w", "/tmp/*",
	"/tmp/fz/?", "/a/[b", "/a/[!b]c", "/a\\", "/a/\\*", "/*/*/*/*",
	"/x*y*z*w*v*u*", "*", "relative/path", "/proc/self/fd/0",
	"/usr/bin/*", "/etc/../etc/hostname", "//double//slash", "/[]",
	"/[a-]", "/[-a]", "/tmp/fz/\xff\xfe", "/a/b/c/d/e/f/g/h/i/j/k/l/m",
};

static void put_path(struct mb *m, uint16_t type)
{
	int r = no_big ? 19 : rn(20);

	if (r == 0) {
		fill(4094, 'p');
		bigbuf[0] = '/';
		mb_str(m, type, bigbuf);
	} else if (r == 1) {
		fill(4095 + rn(3), 'p');
		bigbuf[0] = '/';
		mb_str(m, type, bigbuf);
	} else if (r == 2) {
		fill(4094, '*');
		bigbuf[0] = '/';
		mb_str(m, type, bigbuf);
	} else if (r == 3) {
		int i;

		fill(4094, 'a');
		for (i = 0; i < 4094; i += 2)
			bigbuf[i] = '/';
		mb_str(m, type, bigbuf);
	} else if (r == 4) {
		mb_put(m, type, "/no-nul", 7);
	} else {
		mb_str(m, type, paths[rn(sizeof(paths) / sizeof(paths[0]))]);
	}
}

static uint8_t v8(int max)
{
	static const uint8_t b[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 17, 32, 33,
				     58, 127, 128, 129, 255 };
	if (chance(50))
		return rn(max + 2);
	return b[rn(sizeof(b))];
}

static uint16_t v16(void)
{
	static const uint16_t b[] = { 0, 1, 22, 80, 1023, 1024, 32767, 32768,
				      65534, 65535 };
	return chance(30) ? (uint16_t)rnd() : b[rn(sizeof(b) / sizeof(b[0]))];
}

static uint32_t v32(void)
{
	static const uint32_t b[] = { 0, 1, 2, 11, 39, 59, 101, 322, 358, 510,
				      511, 512, 513, 1023, 65535, 65536,
				      0x7fffffff, 0x80000000, 0xffffffff };
	return chance(30) ? (uint32_t)rnd() : b[rn(sizeof(b) / sizeof(b[0]))];
}

static uint64_t v64(void)
{
	static const uint64_t b[] = { 0, 1, 0x7fffffffffffffffull,
				      0x8000000000000000ull, ~0ull, 0xffffffff,
				      0x100000000ull };
	return chance(40) ? rnd() : b[rn(sizeof(b) / sizeof(b[0]))];
}

/* An integer attribute of the right size, or 10% of the time a wrong one. */
static void put_int(struct mb *m, uint16_t type, int size, uint64_t v)
{
	static const int sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16 };

	if (chance(10))
		size = sizes[rn(sizeof(sizes) / sizeof(sizes[0]))];
	mb_put(m, type, &v, size > 8 ? 8 : size);
	if (size > 8) {	/* grow the attribute we just wrote */
		struct nlattr *a = (struct nlattr *)(m->buf + m->len - 8 - NLA_HDRLEN);
		uint8_t z[8] = {};

		a->nla_len += size - 8;
		mb_bytes(m, z, size - 8);
	}
}

/* A type number: usually @t, sometimes a neighbour or nonsense. */
static uint16_t ftype(uint16_t t, int max)
{
	static const uint16_t odd[] = { 0, 0x3fff, 0x7fff, 0xffff, 0x4000 };

	if (!chance(4))
		return t;
	if (chance(50))
		return rn(max + 4);
	return odd[rn(sizeof(odd) / sizeof(odd[0]))];
}

/* NLA_F_NESTED on a nest, mostly; sometimes not. */
static uint16_t nflag(void)
{
	return chance(92) ? NLA_F_NESTED : 0;
}

static void put_garbage(struct mb *m, int max)
{
	uint8_t b[64];
	int i, n = rn(sizeof(b));

	for (i = 0; i < n; i++)
		b[i] = rnd();
	mb_put(m, rn(max + 4) | (chance(20) ? NLA_F_NESTED : 0), b, n);
}

/* ---------------------------------------------------------------- */
/* Schema-guided generation. */

static void gen_args(struct mb *m)
{
	int i, n = rn(9);

	mb_nest(m, ftype(CRS_RULE_A_ARGS, CRS_RULE_A_MAX) | nflag());
	for (i = 0; i < n; i++) {
		mb_nest(m, ftype(CRS_ARGS_A_ARG, CRS_ARGS_A_MAX) | nflag());
		if (chance(90))
			put_int(m, ftype(CRS_ARG_A_INDEX, CRS_ARG_A_MAX), 1,
				chance(80) ? rn(6) : v8(6));
		if (chance(90))
			put_int(m, ftype(CRS_ARG_A_OP, CRS_ARG_A_MAX), 1,
				chance(80) ? rn(__CRS_ARG_MAX) : v8(8));
		if (chance(90))
			put_int(m, ftype(CRS_ARG_A_VALUE, CRS_ARG_A_MAX), 8, v64());
		if (chance(40))
			put_int(m, ftype(CRS_ARG_A_MASK, CRS_ARG_A_MAX), 8, v64());
		if (chance(3))
			put_garbage(m, CRS_ARG_A_MAX);
		mb_end(m);
	}
	mb_end(m);
}

static unsigned int rule_seq;

/* One rule: mostly valid with extreme values, sometimes anything goes. */
static void gen_rule(struct mb *m, int sane)
{
	int type = chance(90) ? (int)rn(__CRS_RULE_MAX) : v8(6);
	char name[32];

	mb_nest(m, (sane ? CRS_RULES_A_RULE : ftype(CRS_RULES_A_RULE, CRS_RULES_A_MAX)) |
		(sane ? NLA_F_NESTED : nflag()));
	snprintf(name, sizeof(name), "r%u", rule_seq++);
	if (sane || chance(90)) {
		if (!sane && chance(10))
			put_name(m, CRS_RULE_A_NAME);
		else
			mb_str(m, CRS_RULE_A_NAME, name);
	}
	if (sane || chance(95))
		put_int(m, sane ? CRS_RULE_A_TYPE : ftype(CRS_RULE_A_TYPE, CRS_RULE_A_MAX),
			1, type);
	if (sane || chance(95))
		mb_u8(m, CRS_RULE_A_ACTION, sane ? rn(2) : v8(2));
	if (chance(30))
		put_path(m, CRS_RULE_A_PROGRAM);
	else if (chance(20))
		mb_str(m, CRS_RULE_A_PROGRAM, "*");
	if (chance(15))
		mb_put(m, CRS_RULE_A_INACTIVE, NULL, 0);
	switch (type) {
	case CRS_RULE_READ:
	case CRS_RULE_WRITE:
		put_path(m, CRS_RULE_A_FILE);
		break;
	case CRS_RULE_NETWORK_OUTBOUND:
	case CRS_RULE_NETWORK_INBOUND: {
		uint8_t a[17];
		int v6 = chance(40), i;

		for (i = 0; i < 17; i++)
			a[i] = chance(50) ? 0 : rnd();
		if (chance(80)) {
			mb_u8(m, CRS_RULE_A_FAMILY, chance(95) ? (v6 ? AF_INET6 : AF_INET) : v8(12));
			mb_put(m, CRS_RULE_A_ADDR, a, chance(90) ? (v6 ? 16 : 4) : rn(18));
			if (chance(70))
				mb_u8(m, CRS_RULE_A_PREFIX, chance(80) ? rn(v6 ? 129 : 33) : v8(130));
		}
		if (chance(60))
			mb_u16(m, CRS_RULE_A_PORT_LO, v16());
		if (chance(60))
			mb_u16(m, CRS_RULE_A_PORT_HI, v16());
		if (chance(50))
			mb_u8(m, CRS_RULE_A_PROTOCOL, chance(80) ? "\0\x01\x06\x11"[rn(4)] : v8(20));
		break;
	}
	default: {	/* SYSCALL and nonsense types */
		int ex = chance(25);

		if (chance(90))
			put_int(m, CRS_RULE_A_SYSCALL_NR, 4,
				ex ? (chance(50) ? 59 : 322) : (chance(70) ? rn(512) : v32()));
		if (chance(40))
			put_int(m, CRS_RULE_A_SYSCALL_NR_I386, 4,
				ex ? (chance(50) ? 11 : 358) : (chance(70) ? rn(512) : v32()));
		if (chance(30))
			mb_str(m, CRS_RULE_A_SYSCALL_NAME, chance(80) ? "getcpu" : fill(60 + rn(10), 's'));
		if (ex && chance(70))
			put_path(m, CRS_RULE_A_FILE);
		if (chance(40))
			gen_args(m);
		break;
	}
	}
	if (!sane && chance(5))
		put_int(m, CRS_RULE_A_HITS_ALLOWED + rn(3), 8, v64());
	if (!sane && chance(5))
		put_garbage(m, CRS_RULE_A_MAX);
	mb_end(m);
}

static void gen_rules(struct mb *m, int n, int sane)
{
	int i;

	mb_nest(m, (sane ? CRS_POLICY_A_RULES : ftype(CRS_POLICY_A_RULES, CRS_POLICY_A_MAX)) |
		(sane ? NLA_F_NESTED : nflag()));
	for (i = 0; i < n; i++)
		gen_rule(m, sane);
	if (!sane && chance(3))
		put_garbage(m, CRS_RULES_A_MAX);
	mb_end(m);
}

static void put_ignored(struct mb *m, uint16_t type)
{
	uint32_t nr[600];
	int i, n = chance(80) ? rn(40) : rn(600);
	int len = n * 4;

	for (i = 0; i < n; i++)
		nr[i] = chance(90) ? rn(512) : v32();
	if (chance(10))
		len = rn(len + 4);
	mb_put(m, type, nr, len);
}

static void gen_policy(struct mb *m, int nrules)
{
	int i;

	mb_nest(m, ftype(CRS_A_POLICY, CRS_A_MAX) | nflag());
	if (chance(95))
		put_name(m, ftype(CRS_POLICY_A_NAME, CRS_POLICY_A_MAX));
	if (chance(30)) {
		int r = rn(4);

		mb_str(m, CRS_POLICY_A_DESCRIPTION,
		       r == 0 ? fill(1022, 'd') : r == 1 ? fill(1023 + rn(3), 'd') : "fuzzed");
	}
	if (chance(60))
		put_int(m, ftype(CRS_POLICY_A_MODE, CRS_POLICY_A_MAX), 1,
			chance(90) ? rn(__CRS_MODE_MAX) : v8(4));
	for (i = CRS_POLICY_A_DEFAULT_FILE; i <= CRS_POLICY_A_DEFAULT_SYSCALL; i++)
		if (chance(50))
			put_int(m, ftype(i, CRS_POLICY_A_MAX), 1, chance(90) ? rn(2) : v8(2));
	if (chance(20))
		put_ignored(m, CRS_POLICY_A_IGNORED_SYSCALLS);
	if (chance(10))
		put_ignored(m, CRS_POLICY_A_IGNORED_SYSCALLS_I386);
	if (chance(85))
		gen_rules(m, nrules, 0);
	if (chance(4))
		put_int(m, CRS_POLICY_A_RULE_OFFSET + rn(4), 8, v64());
	if (chance(3))
		put_garbage(m, CRS_POLICY_A_MAX);
	mb_end(m);
}

static void put_pid(struct mb *m)
{
	uint32_t pid;

	switch (rn(8)) {
	case 0: pid = 0; break;
	case 1: pid = 1; break;
	case 2: pid = getpid(); break;
	case 3: pid = v32(); break;
	case 4: pid = 2 + rn(400); break;
	default: pid = victim; break;
	}
	put_int(m, ftype(CRS_CONTAINER_A_PID, CRS_CONTAINER_A_MAX), 4, pid);
}

static void gen_container(struct mb *m)
{
	mb_nest(m, ftype(CRS_A_CONTAINER, CRS_A_MAX) | nflag());
	if (chance(92))
		put_pid(m);
	if (chance(50))
		put_name(m, ftype(CRS_CONTAINER_A_POLICY, CRS_CONTAINER_A_MAX));
	if (chance(30))
		put_int(m, CRS_CONTAINER_A_POLICY_MODE, 1, v8(3));
	if (chance(30))
		put_int(m, CRS_CONTAINER_A_LOG_MODE, 1, v8(8));
	if (chance(30))
		put_int(m, CRS_CONTAINER_A_LEARNING, 1, v8(2));
	if (chance(10))
		put_int(m, CRS_CONTAINER_A_ID + rn(2), 8, v64());
	if (chance(8))
		put_int(m, CRS_CONTAINER_A_EFFECTIVE_MODE + rn(8), 8, v64());
	if (chance(3))
		put_garbage(m, CRS_CONTAINER_A_MAX);
	mb_end(m);
}

/* A nest of some other kind filled with random scalar attributes. */
static void gen_junk_nest(struct mb *m, uint16_t type, int max)
{
	int i, n = rn(6);

	mb_nest(m, type | nflag());
	for (i = 0; i < n; i++)
		put_int(m, rn(max + 3), 1 << rn(4), v64());
	mb_end(m);
}

/* Nests inside nests, deeper than any crs attribute tree. */
static void gen_deep(struct mb *m)
{
	int i, d = 8 + rn(60);
	static const uint16_t chain[] = { CRS_A_POLICY, CRS_POLICY_A_RULES,
					  CRS_RULES_A_RULE, CRS_RULE_A_ARGS,
					  CRS_ARGS_A_ARG };

	if (d > 70)
		d = 70;
	for (i = 0; i < d; i++) {
		uint16_t t = i < 5 ? chain[i] : (chance(50) ? CRS_ARGS_A_ARG : rn(8));

		if (i == 1 && chance(80))
			mb_str(m, CRS_POLICY_A_NAME, "fz-deep");
		mb_nest(m, t | nflag());
	}
	mb_end_all(m);
}

/* Clear CRS_APPLY_F_HOST in every top-level CRS_A_FLAGS (see the header). */
static void sanitize(struct mb *m)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	uint8_t *p = m->buf + NLMSG_HDRLEN + GENL_HDRLEN;
	int len = (int)m->len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (g->cmd != CRS_CMD_APPLY && g->cmd != CRS_CMD_SET_CONTAINER)
		return;
	while (len >= NLA_HDRLEN) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CRS_A_FLAGS &&
		    a->nla_len >= NLA_HDRLEN + 1)
			p[NLA_HDRLEN] &= ~CRS_APPLY_F_HOST;
		if ((int)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

enum shape { S_SCHEMA, S_RAW, S_TRUNC, S_DEEP, S_HUGE, __S_MAX };
static const char *const shape_names[] = { "schema", "raw", "truncated",
					   "deep", "huge" };

/* Build message number @i; returns its shape. */
static int gen_msg(struct mb *m)
{
	int cmd, shape, dump, r = rn(100);
	uint16_t fl = NLM_F_REQUEST | NLM_F_ACK;

	shape = r < 72 ? S_SCHEMA : r < 84 ? S_RAW : r < 95 ? S_TRUNC :
		r < 98 ? S_DEEP : S_HUGE;
	if (chance(45))
		cmd = CRS_CMD_SET_POLICY;
	else
		cmd = rn(CRS_CMD_MAX + 4);
	dump = cmd == CRS_CMD_GET_POLICY || cmd == CRS_CMD_GET_LEARNED ?
	       chance(90) : cmd == CRS_CMD_GET_CONTAINER ? chance(50) : chance(5);
	if (dump)
		fl = NLM_F_REQUEST | NLM_F_DUMP | (chance(20) ? NLM_F_ACK : 0);
	mb_init(m, cmd, fl);
	if (chance(2))
		((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->version = rn(256);
	if (chance(1))
		((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->reserved = rnd();

	if (shape == S_RAW) {
		uint8_t b[600];
		int i, n = rn(sizeof(b));

		if (chance(50)) {	/* a plausible first attribute, then noise */
			mb_nest(m, CRS_A_POLICY | NLA_F_NESTED);
			mb_str(m, CRS_POLICY_A_NAME, "fz0");
			mb_end(m);
		}
		for (i = 0; i < n; i++)
			b[i] = rnd();
		mb_bytes(m, b, n & ~3);
		sanitize(m);
		return shape;
	}
	if (shape == S_DEEP) {
		gen_deep(m);
		return shape;
	}
	if (chance(50) || cmd == CRS_CMD_SET_POLICY || cmd == CRS_CMD_DEL_POLICY)
		if (chance(70))
			put_int(m, ftype(CRS_A_FLAGS, CRS_A_MAX), 4,
				chance(70) ? rn(4) : v32());
	switch (cmd) {
	case CRS_CMD_SET_POLICY:
		if (shape == S_HUGE) {
			no_big = 1;
			gen_policy(m, 500 + rn(1500));
			no_big = 0;
		}
		else
			gen_policy(m, chance(70) ? rn(6) : rn(200));
		break;
	case CRS_CMD_GET_POLICY:
	case CRS_CMD_DEL_POLICY:
		if (chance(80)) {
			mb_nest(m, ftype(CRS_A_POLICY, CRS_A_MAX) | nflag());
			if (chance(90))
				put_name(m, ftype(CRS_POLICY_A_NAME, CRS_POLICY_A_MAX));
			if (chance(10))
				put_int(m, rn(CRS_POLICY_A_MAX + 2), 4, v32());
			mb_end(m);
		} else if (chance(50)) {
			gen_policy(m, rn(3));
		}
		break;
	case CRS_CMD_APPLY:
	case CRS_CMD_DETACH:
	case CRS_CMD_GET_CONTAINER:
	case CRS_CMD_SET_CONTAINER:
	case CRS_CMD_GET_LEARNED:
		if (chance(90))
			gen_container(m);
		break;
	default:
		break;
	}
	if (chance(10)) {	/* attributes that belong elsewhere */
		switch (rn(6)) {
		case 0: mb_str(m, CRS_A_VERSION, chance(50) ? "0.1.0" : fill(rn(300), 'v')); break;
		case 1: gen_junk_nest(m, CRS_A_STATUS, CRS_STATUS_A_MAX); break;
		case 2: gen_junk_nest(m, CRS_A_LEARNED, CRS_LEARNED_A_MAX); break;
		case 3: gen_junk_nest(m, CRS_A_EVENT, CRS_EVENT_A_MAX); break;
		case 4: gen_container(m); break;
		default: put_garbage(m, CRS_A_MAX); break;
		}
	}
	if (shape == S_HUGE && chance(50)) {	/* oversized strings: lengths wrap */
		mb_nest(m, CRS_A_POLICY | NLA_F_NESTED);
		mb_put(m, CRS_POLICY_A_DESCRIPTION, fill(65530 + rn(20), 'h'),
		       65530 + rn(20));
		mb_end(m);
	}
	mb_end_all(m);
	if (shape == S_TRUNC) {
		size_t min = NLMSG_HDRLEN + GENL_HDRLEN;

		if (m->len > min)
			m->len = min + rn(m->len - min);
	}
	sanitize(m);
	return shape;
}

static void hexdump(const struct mb *m)
{
	size_t i, n = m->len < 512 ? m->len : 512;
	char line[128];
	int l = 0;

	for (i = 0; i < n; i++) {
		l += snprintf(line + l, sizeof(line) - l, "%02x", m->buf[i]);
		if (i % 32 == 31 || i == n - 1) {
			fprintf(stderr, "#   %s\n", line);
			l = 0;
		}
	}
}

/* ---------------------------------------------------------------- */

FIXTURE(fz) {
	char baseline[8192];
	int nbase;
	struct rnl_status st0;
};

FIXTURE_SETUP(fz)
{
	struct rnl r;

	ASSERT_LT(0, rnl_family()) TH_LOG("crs family not registered");
	ASSERT_EQ(0, rnl_open(&r, 10000));
	self->nbase = rnl_policy_names(&r, self->baseline, sizeof(self->baseline));
	ASSERT_LE(0, self->nbase);
	ASSERT_EQ(0, rnl_status(&r, &self->st0));
	rnl_close(&r);
	ASSERT_EQ(0, victim_start());
}

static int in_baseline(const char *b, int n, const char *name)
{
	while (n-- > 0) {
		if (!strcmp(b, name))
			return 1;
		b += strlen(b) + 1;
	}
	return 0;
}

/* Delete every policy the fuzzer made; detach what it bound. */
FIXTURE_TEARDOWN(fz)
{
	static char now[1 << 16];
	struct rnl_status st;
	struct rnl r;
	const char *p;
	int n, i;

	victim_stop();
	if (rnl_open(&r, 10000))
		return;
	n = rnl_policy_names(&r, now, sizeof(now));
	for (p = now, i = 0; i < n; i++, p += strlen(p) + 1)
		if (!in_baseline(self->baseline, self->nbase, p))
			EXPECT_EQ(0, rnl_del_policy(&r, p, 1)) TH_LOG("delete %s", p);
	/* dead containers are reaped before each command */
	for (i = 0; i < 50; i++) {
		if (!rnl_status(&r, &st) &&
		    st.v[CRS_STATUS_A_CONTAINERS] == self->st0.v[CRS_STATUS_A_CONTAINERS])
			break;
		usleep(100000);
	}
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_CONTAINERS], st.v[CRS_STATUS_A_CONTAINERS]);
	EXPECT_EQ(self->st0.v[CRS_STATUS_A_POLICIES], st.v[CRS_STATUS_A_POLICIES]);
	rnl_close(&r);
}

/* Counts by command and errno, for the log. */
static long tally[CRS_CMD_MAX + 4][8];
static long noext[CRS_CMD_MAX + 4][8];	/* errors without an extack message */
static char noext_first[CRS_CMD_MAX + 4][8][200];	/* hex of the first one */

static void hex_into(char *out, size_t len, const struct mb *m)
{
	size_t i, o = 0;

	for (i = NLMSG_HDRLEN; i < m->len && o + 3 < len; i++)
		o += snprintf(out + o, len - o, "%02x", m->buf[i]);
}

static int tally_slot(int ret)
{
	switch (ret) {
	case 0: return 0;
	case -EINVAL: return 1;
	case -ERANGE: return 2;
	case -EOPNOTSUPP: return 3;
	case -ENOENT: return 4;
	case -EPERM: return 5;
	case -EMSGSIZE: return 6;
	default: return 7;
	}
}

TEST_F_TIMEOUT(fz, generated_messages_get_a_reply_or_errno_and_module_keeps_answering, 300)
{
	long nmax = env_long("CRS_FUZZ_N", 20000);
	long secs = env_long("CRS_FUZZ_SECS", 40);
	uint64_t seed = seed_init(), t0 = now_ns();
	long i, shapes[__S_MAX] = {}, noextack = 0, errs = 0;
	struct rnl r[2];
	struct mb m = {};
	int c, k;

	fprintf(stderr, "# seed %" PRIu64 " (replay: CRS_FUZZ_SEED=%" PRIu64 ")\n",
		seed, seed);
	ASSERT_EQ(0, rnl_open(&r[0], 10000));
	ASSERT_EQ(0, rnl_open(&r[1], 10000));
	for (i = 0; i < nmax; i++) {
		int s, ret;

		/* at least 10,000 whatever the machine's speed, then the budget */
		if (i >= crs_scaled(10000) && now_ns() - t0 > (uint64_t)secs * 1000000000ull)
			break;
		k = rn(2);
		s = gen_msg(&m);
		shapes[s]++;
		ret = rnl_call(&r[k], &m, NULL, NULL);
		if (ret == -EMSGSIZE || ret == -ENOBUFS) {
			/* too big to send: not the module's business */
			if (ret == -ENOBUFS || m.len > 200000)
				continue;
		}
		if (ret == RNL_HANG || ret == RNL_BADREPLY || ret < -4095) {
			fprintf(stderr, "# message %ld (%s, %zu bytes): %s\n", i,
				shape_names[s], m.len,
				ret == RNL_HANG ? "no reply (hang)" : "malformed reply");
			hexdump(&m);
			ASSERT_TRUE(0);
		}
		c = ((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->cmd;
		if (c <= CRS_CMD_MAX + 3)
			tally[c][tally_slot(ret)]++;
		if (ret) {
			errs++;
			if (!r[k].extack[0] && ret != -EOPNOTSUPP) {
				noextack++;
				if (c <= CRS_CMD_MAX + 3 &&
				    !noext[c][tally_slot(ret)]++)
					hex_into(noext_first[c][tally_slot(ret)],
						 sizeof(noext_first[0][0]), &m);
			}
		}
		/* now and then: the module still answers, a socket dies mid-series */
		if (i % 200 == 199) {
			struct rnl_status st;

			ret = rnl_status(&r[k], &st);
			if (ret) {
				fprintf(stderr, "# status after message %ld: %d\n", i, ret);
				hexdump(&m);
			}
			ASSERT_EQ(0, ret);
		}
		if (chance(1)) {
			rnl_close(&r[k]);
			ASSERT_EQ(0, rnl_open(&r[k], 10000));
		}
	}
	fprintf(stderr, "# %ld messages in %.1f s: schema %ld raw %ld truncated %ld deep %ld huge %ld; %ld errors, %ld without extack (EOPNOTSUPP aside)\n",
		i, (now_ns() - t0) / 1e9, shapes[S_SCHEMA], shapes[S_RAW],
		shapes[S_TRUNC], shapes[S_DEEP], shapes[S_HUGE], errs, noextack);
	for (c = 0; c <= CRS_CMD_MAX + 3; c++)
		fprintf(stderr, "#   cmd %2d: ok %ld EINVAL %ld ERANGE %ld EOPNOTSUPP %ld ENOENT %ld EPERM %ld EMSGSIZE %ld other %ld\n",
			c, tally[c][0], tally[c][1], tally[c][2], tally[c][3],
			tally[c][4], tally[c][5], tally[c][6], tally[c][7]);
	for (c = 0; c <= CRS_CMD_MAX + 3; c++)
		if (noext[c][1] + noext[c][2] + noext[c][4] + noext[c][5] + noext[c][6] + noext[c][7])
			fprintf(stderr, "#   cmd %2d without extack: EINVAL %ld ERANGE %ld ENOENT %ld EPERM %ld EMSGSIZE %ld other %ld\n",
				c, noext[c][1], noext[c][2], noext[c][4], noext[c][5],
				noext[c][6], noext[c][7]);
	for (c = 0; c <= CRS_CMD_MAX + 3; c++)
		for (k = 1; k < 8; k++)
			if (noext_first[c][k][0])
				fprintf(stderr, "#   cmd %2d errno slot %d first without extack (genl header on): %s\n",
					c, k, noext_first[c][k]);
	rnl_close(&r[0]);
	rnl_close(&r[1]);
	mb_free(&m);
}

/* ---------------------------------------------------------------- */
/* Policy series against a model. */

#define NS 3	/* sockets */
#define NN 3	/* names */

static const char *const snames[NN] = { "fz-s0", "fz-s1", "fz-s2" };

struct model {
	int staged[NS][NN];
	int nrules[NS][NN];	/* rules staged so far */
	int committed[NN];	/* rules of the last commit, -1 none */
};

static int nstaged(const struct model *md)
{
	int s, n, t = 0;

	for (s = 0; s < NS; s++)
		for (n = 0; n < NN; n++)
			t += md->staged[s][n];
	return t;
}

static void series_msg(struct mb *m, int name, uint32_t flags, int nrules,
		       int bad)
{
	int i;

	mb_init(m, CRS_CMD_SET_POLICY, NLM_F_REQUEST | NLM_F_ACK);
	if (flags || chance(50))
		mb_u32(m, CRS_A_FLAGS, flags);
	mb_nest(m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(m, CRS_POLICY_A_NAME, snames[name]);
	if (nrules || bad) {
		mb_nest(m, CRS_POLICY_A_RULES | NLA_F_NESTED);
		for (i = 0; i < nrules; i++) {
			char rn_[32], f[64];

			snprintf(rn_, sizeof(rn_), "s%u", rule_seq++);
			snprintf(f, sizeof(f), "/tmp/fz/%u", rule_seq);
			mb_rule(m, rn_, CRS_RULE_READ, CRS_ACTION_DENY);
			mb_str(m, CRS_RULE_A_FILE, f);
			mb_end(m);
		}
		if (bad) {	/* a rule without a file */
			mb_rule(m, "bad", CRS_RULE_READ, CRS_ACTION_DENY);
			mb_end(m);
		}
		mb_end(m);
	}
	mb_end(m);
}

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *p = rnl_top(nlh, CRS_A_POLICY);

	if (p && rnl_uint(rnl_in(p, CRS_POLICY_A_RULE_OFFSET), 1) == 0)
		*(int *)arg = rnl_uint(rnl_in(p, CRS_POLICY_A_RULE_COUNT), 0);
	return 0;
}

/* Rules of the stored policy @name, -1 if it does not exist. */
static int stored_rules(struct rnl *r, const char *name)
{
	struct mb m = {};
	int n = -1, ret;

	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, name);
	mb_end(&m);
	ret = rnl_call_free(r, &m, count_cb, &n);
	return ret == -ENOENT ? -1 : ret ? -1000 + ret : n;
}

TEST_F_TIMEOUT(fz, out_of_order_policy_series_follow_the_model, 300)
{
	uint64_t seed = seed_init() + 1;
	struct model md;
	struct rnl r[NS];
	struct mb m = {};
	int i, s, n, ops = env_long("CRS_FUZZ_SERIES", 3000);

	fprintf(stderr, "# seed %" PRIu64 "\n", seed);
	memset(&md, 0, sizeof(md));
	for (n = 0; n < NN; n++)
		md.committed[n] = -1;
	for (s = 0; s < NS; s++)
		ASSERT_EQ(0, rnl_open(&r[s], 10000));
	for (i = 0; i < ops; i++) {
		int op = rn(100), want, ret, k = rn(40), bad = 0;
		uint32_t fl;

		s = rn(NS);
		n = rn(NN);
		if (op < 35) {		/* start (with MORE), or a one-shot commit */
			int more = chance(70);

			fl = more ? CRS_SET_F_MORE : 0;
			/*
			 * a start replaces this socket's series of that name;
			 * only a series (MORE) counts against the limit of 16
			 */
			want = more && !md.staged[s][n] && nstaged(&md) >= 16 ? -EBUSY : 0;
			series_msg(&m, n, fl, k, 0);
			ret = rnl_call(&r[s], &m, NULL, NULL);
			ASSERT_EQ(want, ret) TH_LOG("op %d start s%d %s more %d: %s",
						    i, s, snames[n], more, r[s].extack);
			if (want == -EBUSY) {
				md.staged[s][n] = 0;
				continue;
			}
			if (more) {
				md.staged[s][n] = 1;
				md.nrules[s][n] = k;
			} else {
				md.staged[s][n] = 0;
				md.committed[n] = k;
			}
		} else if (op < 80) {	/* append, maybe the last one */
			int more = chance(60);

			bad = chance(5);
			fl = CRS_SET_F_APPEND | (more ? CRS_SET_F_MORE : 0);
			want = !md.staged[s][n] ? -ENOENT : bad ? -EINVAL : 0;
			series_msg(&m, n, fl, k, bad);
			ret = rnl_call(&r[s], &m, NULL, NULL);
			ASSERT_EQ(want, ret) TH_LOG("op %d append s%d %s more %d bad %d: %s",
						    i, s, snames[n], more, bad, r[s].extack);
			if (want)
				md.staged[s][n] = 0;	/* a bad part drops the series */
			else if (more)
				md.nrules[s][n] += k;
			else {
				md.committed[n] = md.nrules[s][n] + k;
				md.staged[s][n] = 0;
			}
		} else if (op < 88) {	/* the socket closes mid-series */
			rnl_close(&r[s]);
			ASSERT_EQ(0, rnl_open(&r[s], 10000));
			for (n = 0; n < NN; n++)
				md.staged[s][n] = 0;
		} else if (op < 93) {	/* delete */
			want = md.committed[n] >= 0 ? 0 : -ENOENT;
			ASSERT_EQ(want, rnl_del_policy(&r[s], snames[n], 0));
			md.committed[n] = -1;
		} else {		/* what is stored is what the model says */
			ASSERT_EQ(md.committed[n], stored_rules(&r[s], snames[n]))
				TH_LOG("op %d: %s", i, snames[n]);
		}
	}
	for (n = 0; n < NN; n++)
		EXPECT_EQ(md.committed[n], stored_rules(&r[0], snames[n]));
	/* closing drops every series: an APPEND then finds nothing */
	for (s = 0; s < NS; s++) {
		rnl_close(&r[s]);
		ASSERT_EQ(0, rnl_open(&r[s], 10000));
		series_msg(&m, 0, CRS_SET_F_APPEND, 1, 0);
		EXPECT_EQ(-ENOENT, rnl_call(&r[s], &m, NULL, NULL));
		rnl_close(&r[s]);
	}
	mb_free(&m);
}

/*
 * Regression (found by this fuzzer: one-shot pushes got -EBUSY): sixteen
 * series started and never finished refuse a seventeenth series, but not
 * a one-shot push, and they die with their socket.
 */
TEST_F(fz, unfinished_series_blocks_nobody_and_dies_with_its_socket)
{
	struct rnl a, b;
	struct mb m = {};
	int i;

	ASSERT_EQ(0, rnl_open(&a, 10000));
	ASSERT_EQ(0, rnl_open(&b, 10000));
	for (i = 0; i < 16; i++) {
		char nm[32];

		mb_init(&m, CRS_CMD_SET_POLICY, NLM_F_REQUEST | NLM_F_ACK);
		mb_u32(&m, CRS_A_FLAGS, CRS_SET_F_MORE);
		mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
		snprintf(nm, sizeof(nm), "fz-open%d", i);
		mb_str(&m, CRS_POLICY_A_NAME, nm);
		mb_end(&m);
		ASSERT_EQ(0, rnl_call(&a, &m, NULL, NULL));
	}
	/* the 17th series anywhere is refused, one-shot pushes still work */
	series_msg(&m, 0, CRS_SET_F_MORE, 1, 0);
	EXPECT_EQ(-EBUSY, rnl_call(&b, &m, NULL, NULL));
	EXPECT_NE(0, b.extack[0]);
	series_msg(&m, 0, 0, 3, 0);
	EXPECT_EQ(0, rnl_call(&b, &m, NULL, NULL)) TH_LOG("%s", b.extack);
	EXPECT_EQ(3, stored_rules(&b, snames[0]));
	EXPECT_EQ(-1, stored_rules(&b, "fz-open0"));
	rnl_close(&a);
	/* its series are gone: a new one can start */
	series_msg(&m, 1, CRS_SET_F_MORE, 1, 0);
	EXPECT_EQ(0, rnl_call(&b, &m, NULL, NULL));
	series_msg(&m, 1, CRS_SET_F_APPEND, 1, 0);
	EXPECT_EQ(0, rnl_call(&b, &m, NULL, NULL));
	EXPECT_EQ(2, stored_rules(&b, snames[1]));
	rnl_close(&b);
	mb_free(&m);
}

/* ---------------------------------------------------------------- */
/* Dumps. */

/* Push a policy of @n rules, with @pathlen-byte file and program paths. */
static int push_big(struct rnl *r, const char *name, int n, int pathlen)
{
	struct mb m = {};
	int i, ret;
	char *path = malloc(pathlen + 1);

	memset(path, 'q', pathlen);
	path[0] = '/';
	path[pathlen] = '\0';
	mb_init(&m, CRS_CMD_SET_POLICY, NLM_F_REQUEST | NLM_F_ACK);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, name);
	mb_str(&m, CRS_POLICY_A_DESCRIPTION, fill(1023, 'd'));
	mb_nest(&m, CRS_POLICY_A_RULES | NLA_F_NESTED);
	for (i = 0; i < n; i++) {
		char rn_[CRS_NAME_MAX];

		snprintf(rn_, sizeof(rn_), "%0120d", i);
		mb_rule(&m, rn_, CRS_RULE_WRITE, CRS_ACTION_DENY);
		mb_str(&m, CRS_RULE_A_PROGRAM, path);
		path[pathlen - 1] = '0' + i % 10;
		mb_str(&m, CRS_RULE_A_FILE, path);
		mb_end(&m);
	}
	ret = rnl_call_free(r, &m, NULL, NULL);
	free(path);
	return ret;
}

TEST_F(fz, dumps_abandoned_half_read_and_bogus_filters)
{
	struct rnl r, d;
	struct mb m = {};
	int i, ret;
	char buf[4096];

	ASSERT_EQ(0, rnl_open(&r, 10000));
	ASSERT_EQ(0, push_big(&r, "fz-big", 60, 300)) TH_LOG("%s", r.extack);
	for (i = 0; i < 60; i++) {
		ASSERT_EQ(0, rnl_open(&d, 10000));
		mb_init(&m, i % 3 == 2 ? CRS_CMD_GET_CONTAINER : CRS_CMD_GET_POLICY,
			NLM_F_REQUEST | NLM_F_DUMP);
		if (i % 3 == 1) {
			mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
			mb_str(&m, CRS_POLICY_A_NAME, "fz-big");
			mb_end(&m);
			mb_u32(&m, CRS_A_FLAGS, CRS_GET_F_STATS);
		}
		ASSERT_EQ(0, rnl_send(&d, &m));
		if (i % 2)	/* read one part, or none */
			ret = recv(d.fd, buf, sizeof(buf), MSG_TRUNC);
		(void)ret;
		rnl_close(&d);
	}
	/* bogus filters */
	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, "fz-no-such-policy");
	mb_end(&m);
	EXPECT_EQ(-ENOENT, rnl_call(&r, &m, NULL, NULL));
	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_end(&m);
	EXPECT_EQ(-EINVAL, rnl_call(&r, &m, NULL, NULL));
	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	mb_u32(&m, CRS_A_FLAGS, 0x80);
	EXPECT_EQ(-EOPNOTSUPP, rnl_call(&r, &m, NULL, NULL));
	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	mb_nest(&m, CRS_A_POLICY);	/* NLA_F_NESTED missing */
	mb_str(&m, CRS_POLICY_A_NAME, "fz-big");
	mb_end(&m);
	EXPECT_EQ(-EINVAL, rnl_call(&r, &m, NULL, NULL));
	mb_init(&m, CRS_CMD_GET_CONTAINER, NLM_F_REQUEST | NLM_F_DUMP);
	mb_nest(&m, CRS_A_CONTAINER | NLA_F_NESTED);
	mb_u32(&m, CRS_CONTAINER_A_PID, 0xffffffff);
	mb_end(&m);
	ret = rnl_call(&r, &m, NULL, NULL);
	EXPECT_TRUE(ret == 0 || (ret < 0 && ret > -4096)) TH_LOG("%d", ret);
	EXPECT_EQ(60, stored_rules(&r, "fz-big"));
	EXPECT_EQ(0, rnl_del_policy(&r, "fz-big", 0));
	rnl_close(&r);
	mb_free(&m);
}

/*
 * Regression (found by this fuzzer: GET_POLICY ended with -EMSGSIZE): a
 * rule near the size limits (4095-byte program and file,
 * 127-byte name, 1023-byte description) must dump on a fresh socket,
 * whose first dump buffer is one page.
 */
TEST_F(fz, policy_with_longest_strings_dumps_on_a_fresh_socket)
{
	struct rnl r, d;

	ASSERT_EQ(0, rnl_open(&r, 10000));
	ASSERT_EQ(0, push_big(&r, "fz-long", 3, CRS_PATH_MAX - 1)) TH_LOG("%s", r.extack);
	ASSERT_EQ(0, rnl_open(&d, 10000));
	EXPECT_EQ(3, stored_rules(&d, "fz-long")) TH_LOG("%s", d.extack);
	rnl_close(&d);
	EXPECT_EQ(0, rnl_del_policy(&r, "fz-long", 0));
	rnl_close(&r);
}

TEST_HARNESS_MAIN
