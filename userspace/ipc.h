/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: the small ipc layer over libnl-genl-3. */
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

#endif
