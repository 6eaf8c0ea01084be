/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the robustness tests (test_fuzz, test_stress,
 * test_lifecycle): messages are built byte by byte, so they can be wrong
 * on purpose, and every receive has a timeout, so a hang is a failure
 * rather than a stuck test. Header-only: each test is one program.
 */
#ifndef CRS_RAW_H
#define CRS_RAW_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/crs.h>

#include "crs_test.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* rnl_recv() result when nothing came within the timeout: a hang. */
#define RNL_HANG	(-100000)
/* rnl_recv() result when a reply was malformed. */
#define RNL_BADREPLY	(-100001)

struct rnl {
	int fd;
	uint32_t seq;
	uint32_t portid;
	char extack[256];
	int ndata;		/* data messages in the last reply */
};

/* A message under construction. */
struct mb {
	uint8_t *buf;
	size_t len, cap;
	size_t st[80];
	int depth;
};

static int rnl_family_id;

static inline int rnl_family(void)
{
	struct crs_conn c;

	if (rnl_family_id > 0)
		return rnl_family_id;
	if (crs_conn_open(&c))
		return -1;
	rnl_family_id = c.family;
	crs_conn_close(&c);
	return rnl_family_id;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline int rnl_open(struct rnl *r, int timeout_ms)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	socklen_t sl = sizeof(sa);
	int one = 1, rcv = 1 << 20;

	memset(r, 0, sizeof(*r));
	r->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (r->fd < 0)
		return -errno;
	if (bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(r->fd, (struct sockaddr *)&sa, &sl)) {
		close(r->fd);
		r->fd = -1;
		return -errno;
	}
	r->portid = sa.nl_pid;
	setsockopt(r->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	r->seq = (uint32_t)now_ns();
	return 0;
}

static inline void rnl_close(struct rnl *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* ---- message building ---- */

static inline void mb_grow(struct mb *m, size_t more)
{
	if (m->len + more + 8 <= m->cap)
		return;
	m->cap = (m->len + more + 8) * 2;
	m->buf = realloc(m->buf, m->cap);
	if (!m->buf)
		abort();
}

/* Start a message: nlmsghdr (type = family, filled at send) and genlmsghdr. */
static inline void mb_init(struct mb *m, int cmd, uint16_t nlflags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (!m->buf) {
		m->cap = 4096;
		m->buf = malloc(m->cap);
		if (!m->buf)
			abort();
	}
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->depth = 0;
	memset(m->buf, 0, m->len);
	nlh = (struct nlmsghdr *)m->buf;
	nlh->nlmsg_type = rnl_family();
	nlh->nlmsg_flags = nlflags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = CRS_GENL_VERSION;
}

static inline void mb_free(struct mb *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* Raw bytes, 4-aligned with zero padding. */
static inline void mb_bytes(struct mb *m, const void *data, size_t len)
{
	mb_grow(m, len + 4);
	if (len)
		memcpy(m->buf + m->len, data, len);
	memset(m->buf + m->len + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(len);
}

/* An attribute; nla_len wraps at 16 bits on purpose when @len is huge. */
static inline void mb_put(struct mb *m, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			    .nla_type = type };

	mb_grow(m, NLA_HDRLEN + len + 4);
	memcpy(m->buf + m->len, &a, sizeof(a));
	m->len += NLA_HDRLEN;
	mb_bytes(m, data, len);
}

static inline void mb_u8(struct mb *m, uint16_t t, uint8_t v) { mb_put(m, t, &v, 1); }
static inline void mb_u16(struct mb *m, uint16_t t, uint16_t v) { mb_put(m, t, &v, 2); }
static inline void mb_u32(struct mb *m, uint16_t t, uint32_t v) { mb_put(m, t, &v, 4); }
static inline void mb_u64(struct mb *m, uint16_t t, uint64_t v) { mb_put(m, t, &v, 8); }
static inline void mb_str(struct mb *m, uint16_t t, const char *s)
{
	mb_put(m, t, s, strlen(s) + 1);
}

/* Open a nest; @type gets NLA_F_NESTED unless the caller fuzzes it away. */
static inline void mb_nest(struct mb *m, uint16_t type)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN, .nla_type = type };

	mb_grow(m, NLA_HDRLEN);
	if (m->depth < (int)(sizeof(m->st) / sizeof(m->st[0])))
		m->st[m->depth] = m->len;
	m->depth++;
	memcpy(m->buf + m->len, &a, sizeof(a));
	m->len += NLA_HDRLEN;
}

static inline void mb_end(struct mb *m)
{
	struct nlattr *a;

	if (m->depth <= 0)
		return;
	m->depth--;
	if (m->depth >= (int)(sizeof(m->st) / sizeof(m->st[0])))
		return;
	a = (struct nlattr *)(m->buf + m->st[m->depth]);
	a->nla_len = (uint16_t)(m->len - m->st[m->depth]);
}

static inline void mb_end_all(struct mb *m)
{
	while (m->depth > 0)
		mb_end(m);
}

/* Open a CRS_RULES_A_RULE nest with its name, type and action: mb_end() it. */
static inline void mb_rule(struct mb *m, const char *name, uint8_t type,
			   uint8_t action)
{
	mb_nest(m, CRS_RULES_A_RULE | NLA_F_NESTED);
	mb_str(m, CRS_RULE_A_NAME, name);
	mb_u8(m, CRS_RULE_A_TYPE, type);
	mb_u8(m, CRS_RULE_A_ACTION, action);
}

/* A @cmd request for container @pid: its CRS_A_CONTAINER nest is open. */
static inline void mb_container(struct mb *m, int cmd, int pid)
{
	mb_init(m, cmd, NLM_F_REQUEST | NLM_F_ACK);
	mb_nest(m, CRS_A_CONTAINER | NLA_F_NESTED);
	mb_u32(m, CRS_CONTAINER_A_PID, pid);
}

/* ---- send and receive ---- */

static inline int rnl_send(struct rnl *r, struct mb *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;

	mb_end_all(m);
	nlh->nlmsg_len = m->len;
	nlh->nlmsg_seq = ++r->seq;
	nlh->nlmsg_pid = 0;
	if (sendto(r->fd, m->buf, m->len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Called for each data message of a reply; nonzero stops with that value. */
typedef int (*rnl_cb)(const struct nlmsghdr *nlh, void *arg);

/* Is [a, a + len) a well-formed attribute stream? */
static inline int rnl_attrs_ok(const uint8_t *a, int len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *na = (const struct nlattr *)a;

		if (na->nla_len < NLA_HDRLEN || (int)na->nla_len > len)
			return 0;
		if ((int)NLA_ALIGN(na->nla_len) >= len)
			return 1;
		len -= NLA_ALIGN(na->nla_len);
		a += NLA_ALIGN(na->nla_len);
	}
	return len == 0;
}

static inline void rnl_extack(struct rnl *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const uint8_t *a;
	int alen;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* the echoed request (or its header) is padded to NLMSG_ALIGN */
	a = (const uint8_t *)e + NLMSG_ALIGN(sizeof(e->error) +
		((nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(e->msg) : e->msg.nlmsg_len));
	alen = (int)nlh->nlmsg_len - (int)(a - (const uint8_t *)nlh);
	while (alen >= NLA_HDRLEN) {
		const struct nlattr *na = (const struct nlattr *)a;

		if (na->nla_len < NLA_HDRLEN || (int)na->nla_len > alen)
			break;
		if ((na->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			int l = na->nla_len - NLA_HDRLEN;

			if (l > (int)sizeof(r->extack) - 1)
				l = sizeof(r->extack) - 1;
			memcpy(r->extack, a + NLA_HDRLEN, l);
			r->extack[l] = '\0';
		}
		alen -= NLA_ALIGN(na->nla_len);
		a += NLA_ALIGN(na->nla_len);
	}
}

/*
 * Read until the ACK/error (or NLMSG_DONE of a dump) of request r->seq.
 * Every data message is checked to be a well-formed crs message. Returns
 * 0 or the kernel's -errno, RNL_HANG on timeout, RNL_BADREPLY.
 */
static inline int rnl_recv(struct rnl *r, rnl_cb cb, void *arg)
{
	static __thread uint8_t *buf;
	const size_t blen = 1 << 18;

	if (!buf)
		buf = malloc(blen);
	r->extack[0] = '\0';
	r->ndata = 0;
	for (;;) {
		ssize_t n = recv(r->fd, buf, blen, 0);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return RNL_HANG;
			return -errno;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != r->seq)
				continue;	/* a late part of an older dump */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ||
				    e->error > 0 || e->error < -4095)
					return RNL_BADREPLY;
				rnl_extack(r, nlh);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				if (err > 0 || err < -4095)
					return RNL_BADREPLY;
				if (err)
					rnl_extack(r, nlh);
				return err;
			}
			if (nlh->nlmsg_type != rnl_family() ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				return RNL_BADREPLY;
			{
				const struct genlmsghdr *g = NLMSG_DATA(nlh);

				if (g->cmd < 1 || g->cmd > CRS_CMD_MAX ||
				    !rnl_attrs_ok((const uint8_t *)g + GENL_HDRLEN,
						  nlh->nlmsg_len - NLMSG_HDRLEN -
						  GENL_HDRLEN))
					return RNL_BADREPLY;
			}
			r->ndata++;
			if (cb) {
				int ret = cb(nlh, arg);

				if (ret)
					return ret;
			}
		}
	}
}

static inline int rnl_call(struct rnl *r, struct mb *m, rnl_cb cb, void *arg)
{
	int ret = rnl_send(r, m);

	return ret ? ret : rnl_recv(r, cb, arg);
}

/* rnl_call(), then mb_free(@m): 0, or its error. */
static inline int rnl_call_free(struct rnl *r, struct mb *m, rnl_cb cb,
				void *arg)
{
	int ret = rnl_call(r, m, cb, arg);

	mb_free(m);
	return ret;
}

/* ---- attribute access ---- */

/* The attribute of @type in [a, a + len), or NULL. */
static inline const struct nlattr *rnl_find(const void *a, int len, int type)
{
	const uint8_t *p = a;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *na = (const struct nlattr *)p;

		if (na->nla_len < NLA_HDRLEN || (int)na->nla_len > len)
			return NULL;
		if ((na->nla_type & NLA_TYPE_MASK) == type)
			return na;
		len -= NLA_ALIGN(na->nla_len);
		p += NLA_ALIGN(na->nla_len);
	}
	return NULL;
}

static inline const void *rnl_data(const struct nlattr *a) { return (const uint8_t *)a + NLA_HDRLEN; }
static inline int rnl_len(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }

/* Top-level attribute @type of a genl message. */
static inline const struct nlattr *rnl_top(const struct nlmsghdr *nlh, int type)
{
	return rnl_find((const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, type);
}

static inline const struct nlattr *rnl_in(const struct nlattr *nest, int type)
{
	return nest ? rnl_find(rnl_data(nest), rnl_len(nest), type) : NULL;
}

/* An integer attribute of 1, 2, 4 or 8 bytes; @def when absent. */
static inline uint64_t rnl_uint(const struct nlattr *a, uint64_t def)
{
	uint64_t v = 0;

	if (!a)
		return def;
	switch (rnl_len(a)) {
	case 1: return *(const uint8_t *)rnl_data(a);
	case 2: return *(const uint16_t *)rnl_data(a);
	case 4: return *(const uint32_t *)rnl_data(a);
	case 8: memcpy(&v, rnl_data(a), 8); return v;
	}
	return def;
}

/* Attributes 1..@max of nest @n: @has[i] whether there, @v[i] its number. */
static inline void rnl_numbers(const struct nlattr *n, int max, uint64_t *v,
			       int *has)
{
	int i;

	for (i = 1; i <= max; i++) {
		const struct nlattr *a = rnl_in(n, i);

		has[i] = !!a;
		v[i] = rnl_uint(a, 0);
	}
}

/* ---- the commands the tests use ---- */

struct rnl_status {
	int ok;
	uint64_t v[CRS_STATUS_A_MAX + 1];
	int has[CRS_STATUS_A_MAX + 1];
};

static inline int rnl_status_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rnl_status *st = arg;
	const struct nlattr *s = rnl_top(nlh, CRS_A_STATUS);

	if (!s)
		return 0;
	st->ok = 1;
	rnl_numbers(s, CRS_STATUS_A_MAX, st->v, st->has);
	return 0;
}

static inline int rnl_status(struct rnl *r, struct rnl_status *st)
{
	struct mb m = {};
	int ret;

	memset(st, 0, sizeof(*st));
	mb_init(&m, CRS_CMD_GET_STATUS, NLM_F_REQUEST | NLM_F_ACK);
	ret = rnl_call_free(r, &m, rnl_status_cb, st);
	if (!ret && !st->ok)
		ret = RNL_BADREPLY;
	return ret;
}

/* A fresh connection for one status query. */
static inline int rnl_status1(struct rnl_status *st)
{
	struct rnl r;
	int ret = rnl_open(&r, 10000);

	if (ret)
		return ret;
	ret = rnl_status(&r, st);
	rnl_close(&r);
	return ret;
}

/* APPLY @pid to @policy; @mode < 0: no override. */
static inline int rnl_apply(struct rnl *r, int pid, const char *policy,
			    int mode)
{
	struct mb m = {};

	mb_container(&m, CRS_CMD_APPLY, pid);
	mb_str(&m, CRS_CONTAINER_A_POLICY, policy);
	if (mode >= 0)
		mb_u8(&m, CRS_CONTAINER_A_POLICY_MODE, mode);
	mb_end(&m);
	return rnl_call_free(r, &m, NULL, NULL);
}

static inline int rnl_detach(struct rnl *r, int pid)
{
	struct mb m = {};

	mb_container(&m, CRS_CMD_DETACH, pid);
	mb_end(&m);
	return rnl_call_free(r, &m, NULL, NULL);
}

/* SET_CONTAINER: @mode, @log, @learning < 0 leave that one alone. */
static inline int rnl_set_container(struct rnl *r, int pid, int mode, int log,
				    int learning)
{
	struct mb m = {};

	mb_container(&m, CRS_CMD_SET_CONTAINER, pid);
	if (mode >= 0)
		mb_u8(&m, CRS_CONTAINER_A_POLICY_MODE, mode);
	if (log >= 0)
		mb_u8(&m, CRS_CONTAINER_A_LOG_MODE, log);
	if (learning >= 0)
		mb_u8(&m, CRS_CONTAINER_A_LEARNING, learning);
	mb_end(&m);
	return rnl_call_free(r, &m, NULL, NULL);
}

static inline int rnl_del_policy(struct rnl *r, const char *name, int force)
{
	struct mb m = {};

	mb_init(&m, CRS_CMD_DEL_POLICY, NLM_F_REQUEST | NLM_F_ACK);
	if (force)
		mb_u32(&m, CRS_A_FLAGS, CRS_DEL_F_FORCE);
	mb_nest(&m, CRS_A_POLICY | NLA_F_NESTED);
	mb_str(&m, CRS_POLICY_A_NAME, name);
	mb_end(&m);
	return rnl_call_free(r, &m, NULL, NULL);
}

/* Container attributes of GET_CONTAINER (doit) for @pid. */
struct rnl_ctr {
	int found;
	uint64_t v[CRS_CONTAINER_A_MAX + 1];
	int has[CRS_CONTAINER_A_MAX + 1];
	char policy[CRS_NAME_MAX];
};

static inline int rnl_ctr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rnl_ctr *c = arg;
	const struct nlattr *n = rnl_top(nlh, CRS_A_CONTAINER), *p;

	if (!n)
		return 0;
	c->found = 1;
	rnl_numbers(n, CRS_CONTAINER_A_MAX, c->v, c->has);
	c->v[CRS_CONTAINER_A_POLICY] = 0;	/* a string, in c->policy */
	p = rnl_in(n, CRS_CONTAINER_A_POLICY);
	if (p)
		snprintf(c->policy, sizeof(c->policy), "%.*s", rnl_len(p),
			 (const char *)rnl_data(p));
	return 0;
}

static inline int rnl_get_container(struct rnl *r, int pid, struct rnl_ctr *c)
{
	struct mb m = {};

	memset(c, 0, sizeof(*c));
	mb_container(&m, CRS_CMD_GET_CONTAINER, pid);
	mb_end(&m);
	return rnl_call_free(r, &m, rnl_ctr_cb, c);
}

/* Names of every stored policy (GET_POLICY dump), NUL-separated in @out. */
struct rnl_names {
	char *out;
	size_t len, used;
	int n;
};

static inline int rnl_names_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rnl_names *nm = arg;
	const struct nlattr *p = rnl_top(nlh, CRS_A_POLICY);
	const struct nlattr *name = rnl_in(p, CRS_POLICY_A_NAME);
	const struct nlattr *off = rnl_in(p, CRS_POLICY_A_RULE_OFFSET);
	size_t l;

	if (!name || rnl_uint(off, 0) != 0)
		return 0;
	l = strnlen(rnl_data(name), rnl_len(name));
	if (nm->used + l + 1 >= nm->len)
		return 0;
	memcpy(nm->out + nm->used, rnl_data(name), l);
	nm->out[nm->used + l] = '\0';
	nm->used += l + 1;
	nm->n++;
	return 0;
}

static inline int rnl_policy_names(struct rnl *r, char *out, size_t len)
{
	struct rnl_names nm = { out, len, 0, 0 };
	struct mb m = {};
	int ret;

	mb_init(&m, CRS_CMD_GET_POLICY, NLM_F_REQUEST | NLM_F_DUMP);
	ret = rnl_call_free(r, &m, rnl_names_cb, &nm);
	return ret ? ret : nm.n;
}

#endif
