/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: READ, WRITE and Execution enforcement (file.c).
 */
#ifndef _CRS_FILE_H
#define _CRS_FILE_H

#include <linux/types.h>

struct crs_ctx;
struct crs_rule;
struct crs_program;
struct crs_container;
struct crs_policy_slot;
struct pid_namespace;

bool crs_file_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			      const struct crs_program *prog);
void crs_file_exit(void);

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

#endif /* _CRS_FILE_H */
