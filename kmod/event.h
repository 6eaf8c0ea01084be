/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: audit events (event.c): queued from the hooks, sent by a worker.
 */
#ifndef _CRS_EVENT_H
#define _CRS_EVENT_H

#include "crs.h"

int crs_event_init(const struct genl_family *fam);
void crs_event_exit(void);
void crs_event_listener_joined(void);
void crs_event_emit(struct crs_ctx *ctx, const struct crs_rule *rule,
		    u8 outcome, const struct crs_object *obj);
u64 crs_event_mem(void);

#endif /* _CRS_EVENT_H */
