/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: behavioral learning (learn.c): what the hooks record, and what
 * the control plane needs besides.
 */
#ifndef _CRS_LEARN_H
#define _CRS_LEARN_H

#include <linux/types.h>

#include "crs.h"

struct crs_container;
struct netlink_callback;
struct sk_buff;

/* Tuples recorded and sightings not recorded (set full). Context: any. */
void crs_learn_stats(struct crs_container *c, u32 *count, u64 *overflow);
/* Bytes held by every container's learning set. Context: any. */
u64 crs_learn_mem(void);
/* Named learning sets (image bindings); crs_lock held. See learn.c. */
struct netlink_ext_ack;
struct crs_learn_set;
struct crs_learn_set *crs_learn_named(const char *name,
				      struct netlink_ext_ack *extack);
int crs_learn_attach(struct crs_container *c, struct crs_learn_set *s,
		     struct netlink_ext_ack *extack);
int crs_learn_delete(const char *name, struct netlink_ext_ack *extack);
/* Free the named sets at unload. */
void crs_learn_exit(void);

/* CRS_CMD_GET_LEARNED as a dump: .start and .dumpit of its genl_ops. */
int crs_learn_nl_start(struct netlink_callback *cb);
int crs_learn_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* the hooks' side: record a sighting; free a container's set */
void crs_learn_record(struct crs_ctx *ctx, const struct crs_object *obj);
void crs_learn_free(struct crs_container *c);

#endif /* _CRS_LEARN_H */
