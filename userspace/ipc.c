// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: ipc facade. Subcommands build a message with crs_ipc_msg(), send
 * it with crs_ipc_call() and get one callback per reply message; errors
 * come back as a negative errno with the kernel's extack text in ipc->err.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "ipc.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct call_state {
	struct crs_ipc *ipc;
	crs_reply_fn fn;
	void *arg;
	int err;
	int done;
	int intr;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	if (st->fn)
		return st->fn(msg, st->arg);
	return NL_OK;
}

static void extack_msg(struct crs_ipc *ipc, struct nlattr *attrs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(ipc->err, sizeof(ipc->err), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * NLMSG_DONE ends a dump; its payload is an int, negative when the dump
 * failed part way, optionally followed by extack attributes.
 */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	st->done = 1;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			st->err = err;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				extack_msg(st->ipc, (struct nlattr *)
					   ((char *)nlmsg_data(nlh) + sizeof(int)),
					   (int)(nlh->nlmsg_len - NLMSG_HDRLEN -
						 sizeof(int)));
		}
	}
	return NL_STOP;
}

/* A dump that changed under us: read it to the end, then report -EAGAIN. */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->intr = 1;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->done = 1;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct call_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	size_t hlen = sizeof(*e);
	int alen;

	(void)nla;
	st->err = e->error;
	st->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	alen = (int)nlh->nlmsg_len - (int)NLMSG_HDRLEN - (int)hlen;
	if (alen <= 0)
		return NL_STOP;
	extack_msg(st->ipc, (struct nlattr *)((char *)e + hlen), alen);
	return NL_STOP;
}

/**
 * crs_ipc_open() - connect to the crs generic netlink family
 * Return: 0, -ENOENT when the module is not loaded, or another -errno.
 */
int crs_ipc_open(struct crs_ipc *ipc)
{
	int one = 1, ret;

	memset(ipc, 0, sizeof(*ipc));
	ipc->sk = nl_socket_alloc();
	if (!ipc->sk)
		return -ENOMEM;
	ret = genl_connect(ipc->sk);
	if (ret) {
		ret = -nl_syserr2nlerr(ret);
		goto err;
	}
	/* Replies of a large policy come close to 64 KiB: never truncate. */
	nl_socket_enable_msg_peek(ipc->sk);
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	ipc->family = genl_ctrl_resolve(ipc->sk, CRS_GENL_NAME);
	if (ipc->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	return 0;
err:
	nl_socket_free(ipc->sk);
	ipc->sk = NULL;
	return ret;
}

void crs_ipc_close(struct crs_ipc *ipc)
{
	if (ipc->sk)
		nl_socket_free(ipc->sk);
	ipc->sk = NULL;
}

/* Open, or print the one-line reason and exit 1. */
int crs_ipc_open_or_die(struct crs_ipc *ipc)
{
	int ret = crs_ipc_open(ipc);

	if (ret == -ENOENT) {
		fprintf(stderr, "crsnl: the crs kernel module is not loaded (no generic netlink family \"%s\")\n",
			CRS_GENL_NAME);
		exit(1);
	}
	if (ret) {
		fprintf(stderr, "crsnl: cannot open generic netlink: %s\n",
			strerror(-ret));
		exit(1);
	}
	return 0;
}

struct nl_msg *crs_ipc_msg(struct crs_ipc *ipc, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536 + 4096);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc->family, 0,
			 flags, cmd, CRS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * crs_ipc_call() - send @msg (consumed) and receive until ACK, DONE or error
 *
 * Every reply message, including each part of a multi-part (NLM_F_MULTI)
 * reply or dump, goes to @fn. A dump ends at NLMSG_DONE (no ACK follows
 * a dump), anything else at the ACK.
 * Return: 0 or a negative errno from the kernel; ipc->err holds the
 * extack message if any. -EAGAIN: the dump was interrupted by a change
 * (NLM_F_DUMP_INTR) and should be retried from the start.
 */
int crs_ipc_call(struct crs_ipc *ipc, struct nl_msg *msg, crs_reply_fn fn,
		 void *arg)
{
	struct call_state st = { .ipc = ipc, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	ipc->err[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(ipc->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);
	while (!st.done) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ret < 0 && !st.done) {
			st.err = ret == -NLE_PERM ? -EPERM : -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	if (!st.err && st.intr)
		return -EAGAIN;
	return st.err;
}

/* Print "crsnl: WHAT: strerror (extack)" on stderr. */
void crs_ipc_perror(struct crs_ipc *ipc, const char *what, int err)
{
	if (ipc->err[0])
		fprintf(stderr, "crsnl: %s: %s (%s)\n", what, strerror(-err),
			ipc->err);
	else
		fprintf(stderr, "crsnl: %s: %s\n", what, strerror(-err));
}

int crs_ipc_run(struct crs_ipc *ipc, const char *what, struct nl_msg *msg,
		crs_reply_fn fn, void *arg)
{
	int ret;

	if (!msg) {
		fprintf(stderr, "crsnl: out of memory\n");
		return 1;
	}
	ret = crs_ipc_call(ipc, msg, fn, arg);
	if (ret)
		crs_ipc_perror(ipc, what, ret);
	return ret ? 1 : 0;
}

int crs_reply_nest(struct nl_msg *msg, int attr, struct nlattr **nt, int max)
{
	struct nlattr *tb[CRS_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CRS_A_MAX, NULL) ||
	    !tb[attr] || nla_parse_nested(nt, max, tb[attr], NULL))
		return -1;
	return 0;
}

/* A message of @cmd with CRS_A_CONTAINER opened (*@ct); NULL: no memory. */
static struct nl_msg *container_msg(struct crs_ipc *ipc, uint8_t cmd,
				    int nlflags, struct nlattr **ct)
{
	struct nl_msg *msg = crs_ipc_msg(ipc, cmd, nlflags);

	if (!msg)
		return NULL;
	*ct = nla_nest_start(msg, CRS_A_CONTAINER | NLA_F_NESTED);
	if (!*ct) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* End @nest; or, when @failed, free @msg: the result (NULL on failure). */
static struct nl_msg *req_end(struct nl_msg *msg, struct nlattr *nest,
			      int failed)
{
	if (failed) {
		nlmsg_free(msg);
		return NULL;
	}
	if (nest)
		nla_nest_end(msg, nest);
	return msg;
}

struct nl_msg *crs_req_policy(struct crs_ipc *ipc, uint8_t cmd, int nlflags,
			      const char *name, uint32_t flags)
{
	struct nl_msg *msg = crs_ipc_msg(ipc, cmd, nlflags);
	struct nlattr *pol = NULL;

	if (!msg)
		return NULL;
	if (flags && nla_put_u32(msg, CRS_A_FLAGS, flags))
		return req_end(msg, NULL, 1);
	if (!name)
		return msg;
	pol = nla_nest_start(msg, CRS_A_POLICY | NLA_F_NESTED);
	return req_end(msg, pol, !pol ||
		       nla_put_string(msg, CRS_POLICY_A_NAME, name));
}

struct nl_msg *crs_req_pid(struct crs_ipc *ipc, uint8_t cmd, int nlflags,
			   uint32_t pid)
{
	struct nl_msg *msg;
	struct nlattr *ct;

	if (!pid)
		return crs_ipc_msg(ipc, cmd, nlflags);
	msg = container_msg(ipc, cmd, nlflags, &ct);
	if (!msg)
		return NULL;
	return req_end(msg, ct, nla_put_u32(msg, CRS_CONTAINER_A_PID, pid));
}

struct nl_msg *crs_req_learn_set(struct crs_ipc *ipc, uint8_t cmd,
				 int nlflags, const char *set)
{
	struct nlattr *ct;
	struct nl_msg *msg = container_msg(ipc, cmd, nlflags, &ct);

	if (!msg)
		return NULL;
	return req_end(msg, ct,
		       nla_put_string(msg, CRS_CONTAINER_A_LEARN_SET, set));
}

struct nl_msg *crs_req_container(struct crs_ipc *ipc, uint8_t cmd,
				 const struct crsnl_container_req *req)
{
	struct nlattr *ct;
	struct nl_msg *msg = container_msg(ipc, cmd, 0, &ct);

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, CRS_CONTAINER_A_PID, req->pid) ||
	    (req->name &&
	     nla_put_string(msg, CRS_CONTAINER_A_POLICY, req->name)) ||
	    (req->policy_mode >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_POLICY_MODE,
			(uint8_t)req->policy_mode)) ||
	    (req->log_mode >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_LOG_MODE, (uint8_t)req->log_mode)) ||
	    (req->learning >= 0 &&
	     nla_put_u8(msg, CRS_CONTAINER_A_LEARNING, (uint8_t)req->learning)) ||
	    (req->root_fd >= 0 &&
	     nla_put_u32(msg, CRS_CONTAINER_A_ROOT_FD, (uint32_t)req->root_fd)) ||
	    (req->learn_set &&
	     nla_put_string(msg, CRS_CONTAINER_A_LEARN_SET, req->learn_set)))
		return req_end(msg, NULL, 1);
	nla_nest_end(msg, ct);
	if (cmd != CRS_CMD_DETACH &&
	    nla_put_u32(msg, CRS_A_FLAGS,
			(req->host ? CRS_APPLY_F_HOST : 0) |
			(req->reset ? CRS_APPLY_F_RESET : 0)))
		return req_end(msg, NULL, 1);
	return msg;
}
