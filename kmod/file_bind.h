/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a policy's rule programs and exact Execution files resolved in a
 * container's root (file_bind.c).
 */
#ifndef _CRS_FILE_BIND_H
#define _CRS_FILE_BIND_H

#include "file_rules.h"

struct crs_container;
struct crs_ctx;
struct crs_policy_slot;
struct pid_namespace;

/*
 * Resolve the policy's rule programs (and exact Execution files) in the
 * root of a container's init, so a rule naming a symlink matches the
 * binary it resolves to. Call without crs_lock, in process context,
 * after a container got a policy and after that policy was replaced;
 * until then (or if it fails) the first governed call of the container
 * queues the same resolution and rules match by their literal path
 * meanwhile.
 */
void crs_file_bind(struct pid_namespace *ns);
struct pid_namespace **crs_file_bind_targets(struct crs_policy_slot *slot,
					     unsigned int *n);
void crs_file_bind_all(struct pid_namespace **ns, unsigned int n);
/* Free what crs_file_bind() attached to @c, once no reader can see @c. */
void crs_file_unbind(struct crs_container *c);
void crs_file_resolve_stale(struct crs_ctx *ctx);
void crs_file_exit(void);

#endif /* _CRS_FILE_BIND_H */
