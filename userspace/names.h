/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crsnl: the names of the uapi's enums (names.c). A value without a name
 * prints as "?"; a parse is case-insensitive and returns -1 if unknown.
 */
#ifndef CRSNL_NAMES_H
#define CRSNL_NAMES_H

#include <linux/crs.h>

/* "ACTIVE", "DENY", "NETWORK_OUTBOUND", "TCP", "POLICY_DENY", ... */
const char *crs_mode_name(unsigned int mode);
const char *crs_action_name(unsigned int action);
const char *crs_rule_type_name(unsigned int type);
const char *crs_proto_name(unsigned int proto);
const char *crs_log_mode_name(unsigned int mode);
/* "x86_64", "i386", "x32" (enum crs_arch) */
const char *crs_arch_name(unsigned int arch);
/* "ALLOWED", "DENIED", "MONITOR", "BEHAVIOR" (enum crs_outcome) */
const char *crs_outcome_name(unsigned int outcome);

int crs_mode_parse(const char *s);
int crs_log_mode_parse(const char *s);
int crs_proto_parse(const char *s);	/* the CRS_PROTO_* value */
int crs_outcome_parse(const char *s);

/* errno names: "ENOSYS" <-> 38; parse returns -1 if unknown. */
int crs_errno_parse(const char *s);
const char *crs_errno_name(unsigned int e);

#endif
