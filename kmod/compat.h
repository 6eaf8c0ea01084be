/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: kernel interfaces that differ across the kernels we build for.
 * One place for them, rather than scattered declarations.
 */
#ifndef _CRS_COMPAT_H
#define _CRS_COMPAT_H

#include <linux/namei.h>

/*
 * vfs_path_lookup() is exported (Module.symvers) but, since a 6.1 stable
 * update, declared only in fs/internal.h.
 */
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt,
		    const char *name, unsigned int flags, struct path *path);

#endif /* _CRS_COMPAT_H */
