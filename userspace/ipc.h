/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: the ipc layer over libnl-genl-3: requests by what they name. */
#ifndef CRSNL_IPC_H
#define CRSNL_IPC_H

#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/crs.h>

struct crs_ipc {
	struct nl_sock *sk;
	int family;
	char err[256];	/* extack message of the last error, or "" */
};

/* Reply handler: return NL_OK or NL_SKIP; may set *arg state. */
typedef int (*crs_reply_fn)(struct nl_msg *msg, void *arg);

int crs_ipc_open(struct crs_ipc *ipc);
void crs_ipc_close(struct crs_ipc *ipc);
struct nl_msg *crs_ipc_msg(struct crs_ipc *ipc, uint8_t cmd, int flags);
int crs_ipc_call(struct crs_ipc *ipc, struct nl_msg *msg, crs_reply_fn fn,
		 void *arg);
int crs_ipc_open_or_die(struct crs_ipc *ipc);
void crs_ipc_perror(struct crs_ipc *ipc, const char *what, int err);
/*
 * crs_ipc_call() for command @what: @msg NULL (a request not built) is
 * "out of memory", an error is printed by crs_ipc_perror(). Returns 0,
 * or 1 after printing.
 */
int crs_ipc_run(struct crs_ipc *ipc, const char *what, struct nl_msg *msg,
		crs_reply_fn fn, void *arg);

/*
 * The nest @attr (CRS_A_CONTAINER, CRS_A_LEARNED) of reply @msg parsed
 * into @nt[0..@max]: 0, or -1 when it is missing or does not parse.
 */
int crs_reply_nest(struct nl_msg *msg, int attr, struct nlattr **nt, int max);

/* A CRS_A_CONTAINER request (apply, detach, container set). */
struct crsnl_container_req {
	uint32_t pid;
	const char *name;	/* policy (apply) */
	int want_name;
	int policy_mode, log_mode, learning;	/* -1: leave alone */
	int host;
	int reset;	/* CRS_APPLY_F_RESET: modes not given return to defaults */
	int root_fd;	/* the OCI bundle's root file system; -1: none */
	const char *learn_set;	/* learn into this named set (an image's) */
};
#define CRSNL_CONTAINER_REQ_INIT \
	{ .policy_mode = -1, .log_mode = -1, .learning = -1, .root_fd = -1 }

/*
 * Requests by what they name: each builds the whole message of @cmd
 * (NLM_F_DUMP in @nlflags for a dump) for crs_ipc_call(); NULL when out
 * of memory. Commands build no attribute themselves.
 */
/* CRS_A_POLICY {CRS_POLICY_A_NAME} when @name; CRS_A_FLAGS when @flags */
struct nl_msg *crs_req_policy(struct crs_ipc *ipc, uint8_t cmd, int nlflags,
			      const char *name, uint32_t flags);
/* CRS_A_CONTAINER {CRS_CONTAINER_A_PID} when @pid (else none: a dump) */
struct nl_msg *crs_req_pid(struct crs_ipc *ipc, uint8_t cmd, int nlflags,
			   uint32_t pid);
/* CRS_A_CONTAINER {CRS_CONTAINER_A_LEARN_SET} */
struct nl_msg *crs_req_learn_set(struct crs_ipc *ipc, uint8_t cmd,
				 int nlflags, const char *set);
/* APPLY, DETACH or SET_CONTAINER: CRS_A_CONTAINER from @req, CRS_A_FLAGS */
struct nl_msg *crs_req_container(struct crs_ipc *ipc, uint8_t cmd,
				 const struct crsnl_container_req *req);

#endif
