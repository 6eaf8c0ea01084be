// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the crs selftests. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "crs_test.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int crs_conn_open(struct crs_conn *c)
{
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -ENOMEM;
	if (genl_connect(c->sk)) {
		nl_socket_free(c->sk);
		c->sk = NULL;
		return -EIO;
	}
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	c->family = genl_ctrl_resolve(c->sk, CRS_GENL_NAME);
	if (c->family < 0) {
		nl_socket_free(c->sk);
		c->sk = NULL;
		return -ENOENT;
	}
	return 0;
}

void crs_conn_close(struct crs_conn *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
}

struct nl_msg *crs_conn_msg(struct crs_conn *c, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 17);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
				flags, cmd, CRS_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Read replies until the ACK/error for our request; raw recv, no libnl cb. */
static int wait_reply(struct crs_conn *c, void *reply, size_t rlen)
{
	static char buf[1 << 18];
	int fd = nl_socket_get_fd(c->sk);

	c->extack[0] = '\0';
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0)
			return -errno;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* a dump's error and extack come in DONE */
				int err = 0, alen;
				struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
				alen = (int)nlh->nlmsg_len -
				       (int)NLMSG_LENGTH(sizeof(int));
				if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    alen > 0 &&
				    !nla_parse(tb, NLMSGERR_ATTR_MAX,
					       (struct nlattr *)((char *)NLMSG_DATA(nlh) +
								 sizeof(int)),
					       alen, NULL) &&
				    tb[NLMSGERR_ATTR_MSG])
					snprintf(c->extack, sizeof(c->extack),
						 "%s",
						 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
				return err;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);
				size_t hl = sizeof(*e);
				struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
				int alen;

				if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
					return e->error;
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					hl += e->msg.nlmsg_len - NLMSG_HDRLEN;
				alen = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)hl;
				if (alen > 0 &&
				    !nla_parse(tb, NLMSGERR_ATTR_MAX,
					       (struct nlattr *)((char *)e + hl),
					       alen, NULL) &&
				    tb[NLMSGERR_ATTR_MSG])
					snprintf(c->extack, sizeof(c->extack),
						 "%s",
						 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
				return e->error;
			}
			if (reply) {
				size_t l = nlh->nlmsg_len < rlen ?
					   nlh->nlmsg_len : rlen;
				memcpy(reply, nlh, l);
			}
		}
	}
}

int crs_conn_call(struct crs_conn *c, struct nl_msg *msg, void *reply,
		  size_t len)
{
	int ret;

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	return wait_reply(c, reply, len);
}

/* A @cmd message with CRS_A_CONTAINER {PID @pid}, *@nest left open. */
static struct nl_msg *ctr_msg(struct crs_conn *c, int cmd, pid_t pid,
			      struct nlattr **nest)
{
	struct nl_msg *msg = crs_conn_msg(c, cmd, 0);

	*nest = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
	nla_put_u32(msg, CRS_CONTAINER_A_PID, pid);
	return msg;
}

int crs_container_get(pid_t pid, struct nlattr **ct, void *buf, size_t len)
{
	struct nlattr *tb[CRS_A_MAX + 1], *nest;
	struct crs_conn c;
	struct nl_msg *msg;
	int ret;

	memset(buf, 0, len);
	ret = crs_conn_open(&c);
	if (ret)
		return ret;
	msg = ctr_msg(&c, CRS_CMD_GET_CONTAINER, pid, &nest);
	nla_nest_end(msg, nest);
	ret = crs_conn_call(&c, msg, buf, len);
	crs_conn_close(&c);
	if (ret)
		return ret;
	if (genlmsg_parse((struct nlmsghdr *)buf, 0, tb, CRS_A_MAX, NULL) ||
	    !tb[CRS_A_CONTAINER] ||
	    nla_parse_nested(ct, CRS_CONTAINER_A_MAX, tb[CRS_A_CONTAINER], NULL))
		return -EINVAL;
	return 0;
}

static void crs_put_rule(struct nl_msg *msg, const struct crs_trule *r)
{
	struct nlattr *rule, *args, *arg;
	struct in_addr a;
	int j;

	rule = nla_nest_start(msg, CRS_RULES_A_RULE | NLA_F_NESTED);
	nla_put_string(msg, CRS_RULE_A_NAME, r->name);
	nla_put_u8(msg, CRS_RULE_A_TYPE, r->type);
	nla_put_u8(msg, CRS_RULE_A_ACTION, r->action);
	if (r->type == CRS_RULE_SYSCALL && r->nr64 >= 0)
		nla_put_u32(msg, CRS_RULE_A_SYSCALL_NR, r->nr64);
	if (r->type == CRS_RULE_SYSCALL && r->nr32 >= 0)
		nla_put_u32(msg, CRS_RULE_A_SYSCALL_NR_I386, r->nr32);
	if (r->program)
		nla_put_string(msg, CRS_RULE_A_PROGRAM, r->program);
	if (r->file)
		nla_put_string(msg, CRS_RULE_A_FILE, r->file);
	if (r->inactive)
		nla_put_flag(msg, CRS_RULE_A_INACTIVE);
	if (r->addr4) {
		inet_pton(AF_INET, r->addr4, &a);
		nla_put_u8(msg, CRS_RULE_A_FAMILY, AF_INET);
		nla_put(msg, CRS_RULE_A_ADDR, 4, &a);
		nla_put_u8(msg, CRS_RULE_A_PREFIX, 32);
	}
	if (r->port) {
		nla_put_u16(msg, CRS_RULE_A_PORT_LO, r->port);
		nla_put_u16(msg, CRS_RULE_A_PORT_HI, r->port);
	}
	if (r->protocol)
		nla_put_u8(msg, CRS_RULE_A_PROTOCOL, r->protocol);
	if (r->nargs) {
		args = nla_nest_start(msg, CRS_RULE_A_ARGS | NLA_F_NESTED);
		for (j = 0; j < r->nargs; j++) {
			arg = nla_nest_start(msg, CRS_ARGS_A_ARG | NLA_F_NESTED);
			nla_put_u8(msg, CRS_ARG_A_INDEX, r->args[j].index);
			nla_put_u8(msg, CRS_ARG_A_OP, r->args[j].op);
			nla_put_u64(msg, CRS_ARG_A_VALUE, r->args[j].value);
			if (r->args[j].op == CRS_ARG_MASKED_EQ)
				nla_put_u64(msg, CRS_ARG_A_MASK, r->args[j].mask);
			nla_nest_end(msg, arg);
		}
		nla_nest_end(msg, args);
	}
	nla_nest_end(msg, rule);
}

int crs_push_policy(const struct crs_tpolicy *tp)
{
	struct nlattr *pol, *rules;
	struct crs_conn c;
	struct nl_msg *msg;
	int i, ret;

	ret = crs_conn_open(&c);
	if (ret)
		return ret;
	msg = crs_conn_msg(&c, CRS_CMD_SET_POLICY, 0);
	pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(msg, CRS_POLICY_A_NAME, tp->name);
	nla_put_u8(msg, CRS_POLICY_A_MODE, tp->mode);
	nla_put_u8(msg, CRS_POLICY_A_DEFAULT_FILE, tp->def_file);
	nla_put_u8(msg, CRS_POLICY_A_DEFAULT_NETWORK, tp->def_net);
	nla_put_u8(msg, CRS_POLICY_A_DEFAULT_SYSCALL, tp->def_syscall);
	if (tp->nignored64)
		nla_put(msg, CRS_POLICY_A_IGNORED_SYSCALLS,
			tp->nignored64 * 4, tp->ignored64);
	rules = nla_nest_start(msg, CRS_POLICY_A_RULES | NLA_F_NESTED);
	for (i = 0; i < tp->nrules; i++)
		crs_put_rule(msg, &tp->rules[i]);
	nla_nest_end(msg, rules);
	nla_nest_end(msg, pol);
	ret = crs_conn_call(&c, msg, NULL, 0);
	if (ret)
		fprintf(stderr, "# push %s: %d %s\n", tp->name, ret, c.extack);
	crs_conn_close(&c);
	return ret;
}

/* @a's value, a u32 or a u64 by its length; 0 when @a is NULL. */
static uint64_t attr_uint(const struct nlattr *a)
{
	if (!a)
		return 0;
	return nla_len(a) == 4 ? nla_get_u32(a) : nla_get_u64(a);
}

int crs_container_info(pid_t pid, struct crs_cinfo *ci)
{
	static char buf[1 << 16];
	struct nlattr *ct[CRS_CONTAINER_A_MAX + 1];
	int ret;

	memset(ci, 0, sizeof(*ci));
	ret = crs_container_get(pid, ct, buf, sizeof(buf));
	if (ret)
		return ret;
	ci->id = attr_uint(ct[CRS_CONTAINER_A_ID]);
	ci->allowed = attr_uint(ct[CRS_CONTAINER_A_ALLOWED]);
	ci->denied = attr_uint(ct[CRS_CONTAINER_A_DENIED]);
	ci->monitored = attr_uint(ct[CRS_CONTAINER_A_MONITORED]);
	ci->overflow = attr_uint(ct[CRS_CONTAINER_A_LEARN_OVERFLOW]);
	ci->learned = attr_uint(ct[CRS_CONTAINER_A_LEARNED]);
	if (ct[CRS_CONTAINER_A_POLICY])
		snprintf(ci->policy, sizeof(ci->policy), "%s",
			 nla_get_string(ct[CRS_CONTAINER_A_POLICY]));
	return 0;
}

int crs_conn_raw(struct crs_conn *c, const void *payload, size_t len, int cmd)
{
	struct nl_msg *msg = crs_conn_msg(c, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (len && nlmsg_append(msg, (void *)payload, len, 0) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return crs_conn_call(c, msg, NULL, 0);
}

int crs_apply_policy(const char *name, pid_t pid, int log_mode, int mode)
{
	struct crs_conn c;
	struct nl_msg *msg;
	struct nlattr *ct;
	int ret;

	ret = crs_conn_open(&c);
	if (ret)
		return ret;
	msg = ctr_msg(&c, CRS_CMD_APPLY, pid, &ct);
	nla_put_string(msg, CRS_CONTAINER_A_POLICY, name);
	if (log_mode >= 0)
		nla_put_u8(msg, CRS_CONTAINER_A_LOG_MODE, log_mode);
	if (mode >= 0)
		nla_put_u8(msg, CRS_CONTAINER_A_POLICY_MODE, mode);
	nla_nest_end(msg, ct);
	ret = crs_conn_call(&c, msg, NULL, 0);
	if (ret)
		fprintf(stderr, "# apply %s to %d: %d %s\n", name, pid, ret,
			c.extack);
	crs_conn_close(&c);
	return ret;
}

void crs_delete_policy(const char *name)
{
	struct crs_conn c;
	struct nl_msg *msg;
	struct nlattr *pol;

	if (crs_conn_open(&c))
		return;
	msg = crs_conn_msg(&c, CRS_CMD_DEL_POLICY, 0);
	pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, pol);
	nla_put_u32(msg, CRS_A_FLAGS, CRS_DEL_F_FORCE);
	crs_conn_call(&c, msg, NULL, 0);
	crs_conn_close(&c);
}

int64_t crs_status_value(int attr)
{
	static char buf[8192];
	struct nlattr *tb[CRS_A_MAX + 1], *st[CRS_STATUS_A_MAX + 1];
	struct crs_conn c;
	struct nl_msg *msg;
	int64_t v = -1;

	if (crs_conn_open(&c))
		return -1;
	msg = crs_conn_msg(&c, CRS_CMD_GET_STATUS, 0);
	if (msg && !crs_conn_call(&c, msg, buf, sizeof(buf)) &&
	    !genlmsg_parse((struct nlmsghdr *)buf, 0, tb, CRS_A_MAX, NULL) &&
	    tb[CRS_A_STATUS] &&
	    !nla_parse_nested(st, CRS_STATUS_A_MAX, tb[CRS_A_STATUS], NULL) &&
	    st[attr])
		v = attr_uint(st[attr]);
	crs_conn_close(&c);
	return v;
}

int crs_sh(char *out, size_t len, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && len) {
		n = fread(out, 1, len - 1, p);
		out[n] = '\0';
	} else {
		char sink[4096];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int vwrite_file(const char *path, const char *fmt, va_list ap)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	vfprintf(f, fmt, ap);
	return fclose(f) ? -1 : 0;
}

int crs_write_file(const char *path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vwrite_file(path, fmt, ap);
	va_end(ap);
	return ret;
}

int crs_push_json(const char *path, const char *fmt, ...)
{
	char out[4096];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vwrite_file(path, fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	ret = crs_sh(out, sizeof(out), "%s policy push %s 2>&1", crs_crsnl(),
		     path);
	if (ret)
		fprintf(stderr, "# push %s: %s", path, out);
	return ret;
}

long crs_status_field(const char *key)
{
	char out[4096], *p;

	if (crs_sh(out, sizeof(out), "%s status", crs_crsnl()))
		return -1;
	p = strstr(out, key);
	return p ? atol(p + strlen(key)) : -1;
}

int crs_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

long crs_read_long(const char *path)
{
	long v = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long crs_param_get(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/crs/parameters/%s", name);
	return crs_read_long(path);
}

int crs_param_set(const char *name, unsigned long v)
{
	char path[128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/sys/module/crs/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%lu\n", v) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

const char *crs_crsnl(void)
{
	const char *p = getenv("CRSNL");

	return p ? p : "crsnl";
}

const char *crs_ko(void)
{
	const char *p = getenv("CRS_KO");

	return p ? p : "crs.ko";
}

int crs_docker_caps(void)
{
	static const int keep[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
		CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
	};
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int i, cap;
	int bset[64] = { 0 };

	memset(d, 0, sizeof(d));
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		bset[keep[i]] = 1;
		d[keep[i] / 32].effective |= 1U << (keep[i] % 32);
		d[keep[i] / 32].permitted |= 1U << (keep[i] % 32);
	}
	for (cap = 0; cap < 64; cap++)
		if (!bset[cap] && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) &&
		    errno != EINVAL)
			return -1;
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

long crs_scaled(long n)
{
	const char *e = getenv("CRS_TEST_SCALE");
	long pct = e ? strtol(e, NULL, 10) : 100;
	long r;

	if (pct <= 0 || pct == 100)
		return n;
	r = n * pct / 100;
	return r > 0 ? r : 1;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor above stderr but @sync and those of @keep. */
static void close_all_but(const int *keep, int sync)
{
	int fds[64], n = 0, i, from = 3;

	fds[n++] = sync;
	while (*keep >= 0 && n < 64)
		fds[n++] = *keep++;
	qsort(fds, n, sizeof(fds[0]), cmp_int);
	for (i = 0; i < n; i++) {
		if (fds[i] > from)
			close_range(from, fds[i] - 1, 0);
		if (fds[i] >= from)
			from = fds[i] + 1;
	}
	close_range(from, ~0U, 0);
}

pid_t crs_spawn_container(const int *keep, int (*setup)(void *),
			  int (*init)(void *), void *arg, pid_t *outer)
{
	int pidp[2], syncp[2] = { -1, -1 }, st;
	pid_t in = -1;
	char b;

	*outer = -1;
	if (pipe(pidp))
		return -1;
	if (pipe(syncp) == 0)
		*outer = fork();
	if (*outer == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWPID))
			_exit(120);
		in = fork();
		if (in < 0)
			_exit(121);
		if (in == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(pidp[0]);
			close(pidp[1]);
			close(syncp[0]);
			if (keep)
				close_all_but(keep, syncp[1]);
			if (getpid() != 1 || (setup && setup(arg)))
				_exit(122);
			/* the init's last system call before @init */
			if (write(syncp[1], "r", 1) != 1)
				_exit(123);
			_exit(init(arg));
		}
		close(syncp[1]);
		if (read(syncp[0], &b, 1) == 1 &&
		    write(pidp[1], &in, sizeof(in)) != sizeof(in))
			kill(in, SIGKILL);
		/* hold none of the caller's descriptors open */
		close_range(3, ~0U, 0);
		if (waitpid(in, &st, 0) != in)
			_exit(124);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	close(pidp[1]);
	if (syncp[0] >= 0) {
		/* the outer sees EOF if the init fails before its write */
		close(syncp[0]);
		close(syncp[1]);
	}
	if (*outer < 0 ||
	    read(pidp[0], &in, sizeof(in)) != sizeof(in))
		in = -1;
	close(pidp[0]);
	return in;
}

struct crs_ctr_req {
	crs_body_fn fn;
	void *arg;
};

static int crs_ctr_setup(void *arg)
{
	struct crs_ctr *c = arg;

	if (close(c->to) || close(c->from))
		return -1;
	return c->setup ? c->setup() : 0;
}

static int crs_ctr_loop(void *arg)
{
	struct crs_ctr *c = arg;
	struct crs_ctr_req q;
	int ret;

	while (read(c->to_r, &q, sizeof(q)) == sizeof(q) && q.fn) {
		ret = q.fn(q.arg);
		if (write(c->from_w, &ret, sizeof(ret)) != sizeof(ret))
			break;
	}
	return 0;
}

int crs_ctr_start(struct crs_ctr *c, int (*setup)(void))
{
	int to[2], from[2];

	memset(c, 0, sizeof(*c));
	c->setup = setup;
	if (pipe(to))
		return -1;
	if (pipe(from)) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	c->to = to[1];
	c->from = from[0];
	c->to_r = to[0];
	c->from_w = from[1];
	c->pid = crs_spawn_container(NULL, crs_ctr_setup, crs_ctr_loop, c,
				     &c->outer);
	close(to[0]);
	close(from[1]);
	return c->pid > 0 ? 0 : -1;
}

int crs_ctr_run(struct crs_ctr *c, crs_body_fn fn, void *arg)
{
	struct crs_ctr_req q = { fn, arg };
	int ret;

	if (write(c->to, &q, sizeof(q)) != sizeof(q))
		return -1;
	return read(c->from, &ret, sizeof(ret)) == sizeof(ret) ? ret : -1;
}

void crs_ctr_stop(struct crs_ctr *c)
{
	struct crs_ctr_req q = { NULL, NULL };
	int st;

	if (c->pid > 0) {
		crs_sh(NULL, 0, "%s policy detach --pid %d >/dev/null 2>&1",
		       crs_crsnl(), c->pid);
		if (write(c->to, &q, sizeof(q)) != sizeof(q))
			kill(c->pid, SIGKILL);
	}
	close(c->to);
	close(c->from);
	if (c->outer > 0)
		waitpid(c->outer, &st, 0);
	c->pid = 0;
	c->outer = 0;
}

long crs_refcnt(void)
{
	return crs_read_long("/sys/module/crs/refcnt");
}

int crs_rmmod(int secs)
{
	int i;

	for (i = 0; i < secs * 20; i++) {
		long v = crs_refcnt();

		if (v < 0)
			return -ENOENT;
		if (v == 0)
			break;
		usleep(50000);
	}
	return syscall(SYS_delete_module, "crs", O_NONBLOCK) ? -errno : 0;
}

int crs_uring_one(const struct io_uring_sqe *sqe)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail;
	void *sq, *cq;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return -errno;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(*cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		close(fd);
		return -ENOMEM;
	}
	sq_tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	sq_array = (unsigned int *)((char *)sq + p.sq_off.array);
	cq_head = (unsigned int *)((char *)cq + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	sqes[0] = *sqe;
	if (sqe->personality) {
		/* the caller's credentials now, then credentials that differ */
		ret = syscall(__NR_io_uring_register, fd,
			      IORING_REGISTER_PERSONALITY, NULL, 0);
		if (ret < 0 || prctl(PR_CAPBSET_DROP, CAP_MKNOD, 0, 0, 0)) {
			ret = -errno;
			close(fd);
			return ret;
		}
		sqes[0].personality = ret;
	}
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		      NULL, 0);
	if (ret < 0) {
		ret = -errno;
	} else if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		ret = -EIO;
	} else {
		cqe = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes) +
		      (*cq_head & *(unsigned int *)((char *)cq + p.cq_off.ring_mask));
		ret = cqe->res;
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	}
	close(fd);
	return ret;
}
