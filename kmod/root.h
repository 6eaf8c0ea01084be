/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a container's root and the names its files have there (root.c).
 */
#ifndef _CRS_ROOT_H
#define _CRS_ROOT_H

#include <linux/types.h>

struct crs_container;
struct crs_root;
struct path;
struct task_struct;

struct crs_root *crs_root_new(struct task_struct *task,
			      const struct path *rootfs);
void crs_root_free(struct crs_root *r);
void crs_root_init(void);
void crs_root_exit(void);

char *crs_container_d_path(struct crs_container *c, const struct path *path,
			   char *buf, int buflen);
char *crs_container_name(struct crs_container *c, const struct path *path,
			 char *buf, int buflen, bool exe);
char *crs_d_path_from(const struct path *root, const struct path *path,
		      char *buf, int buflen);
int crs_container_lookup_root(struct crs_container *c, struct path *root);
void crs_container_root_capture(struct crs_container *c,
				const struct path *root);

#endif /* _CRS_ROOT_H */
