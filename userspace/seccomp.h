/* SPDX-License-Identifier: GPL-2.0 */
/* crsnl: Docker/OCI seccomp profile import. */
#ifndef CRSNL_SECCOMP_H
#define CRSNL_SECCOMP_H

#include <stdio.h>
#include <json-c/json.h>

#include "policy.h"

/*
 * Convert @prof (a parsed seccomp profile) into policy @name. Notes on
 * what is approximated go to @notes (may be NULL). Return 0, or -1 with
 * one line in @err ("LABEL: syscalls[I]: ...") when the profile uses
 * something crs cannot express.
 */
int crs_seccomp_import(const char *label, struct json_object *prof,
		       const char *name, FILE *notes, struct crs_policy *out,
		       char *err, size_t errlen);

#endif
