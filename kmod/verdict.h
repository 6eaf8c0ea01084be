/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a verdict (verdict.c): counted, logged, sent as an audit event and
 * learned, once per decision.
 */
#ifndef _CRS_VERDICT_H
#define _CRS_VERDICT_H

#include "crs.h"

extern bool crs_log_denials;
bool crs_verdict(struct crs_ctx *ctx, const struct crs_rule *rule, u8 action,
		 const struct crs_object *obj);

#endif /* _CRS_VERDICT_H */
