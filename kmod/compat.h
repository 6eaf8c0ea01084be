/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: kernel interfaces that differ across the kernels we build for
 * (Debian 12's 6.1 and 6.12 lines). Core files use the names defined
 * here and test no kernel version; what a header offers is probed by
 * Kbuild (the CRS_HAVE_* flags) or by the header's own macros.
 */
#ifndef _CRS_COMPAT_H
#define _CRS_COMPAT_H

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

/*
 * vfs_path_lookup() is exported (Module.symvers) but, since a 6.1 stable
 * update, declared only in fs/internal.h.
 */
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt,
		    const char *name, unsigned int flags, struct path *path);

/*
 * crs_fregs_pt_regs() - the pt_regs an ftrace_ops callback's @fregs holds
 *
 * On x86_64 ftrace_caller saves the argument registers, sp and ip into
 * a struct pt_regs and reloads ip from it on return (how a hook
 * redirects the call). 6.1 exposes it as fregs->regs; since 6.11
 * struct ftrace_regs is opaque and the same pt_regs is reached through
 * arch_ftrace_regs(), as the kernel's ftrace_regs_get_argument() and
 * ftrace_regs_set_instruction_pointer() do.
 */
#ifdef arch_ftrace_regs
#define crs_fregs_pt_regs(fregs)	(&arch_ftrace_regs(fregs)->regs)
#else
#define crs_fregs_pt_regs(fregs)	(&(fregs)->regs)
#endif

/*
 * crs_genl_dump_attrs(), crs_genl_dump_family() - a dump's request
 * attributes and family. Since 6.6 genl_dumpit_info carries them in a
 * struct genl_info (genl_info_dump()).
 */
#ifdef CRS_HAVE_GENL_INFO_DUMP
#define crs_genl_dump_attrs(cb)		(genl_info_dump(cb)->attrs)
#define crs_genl_dump_family(cb)	(genl_info_dump(cb)->family)
#else
#define crs_genl_dump_attrs(cb)		(genl_dumpit_info(cb)->attrs)
#define crs_genl_dump_family(cb)	(genl_dumpit_info(cb)->family)
#endif

/*
 * GENL_MCAST_CAP_NET_ADMIN: a multicast group only CAP_NET_ADMIN may
 * join (6.7, and 6.1.70 as a stable fix). Without it any local user
 * could read every audit and learning event, so crs does not build.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "crs needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.1.70 or later) so that only CAP_NET_ADMIN reads events"
#endif

/*
 * CRS_HOOK_FILE_TRUNCATE: since 6.2 ftruncate and O_TRUNC are checked by
 * security_file_truncate(), which crs must then hook as well.
 */
#ifdef CRS_HAVE_SECURITY_FILE_TRUNCATE
#define CRS_HOOK_FILE_TRUNCATE 1
#endif

/**
 * crs_get_file_rcu() - take a reference on the file an RCU pointer holds
 * @fp: the pointer (e.g. &mm->exe_file)
 *
 * Since 6.7 files are SLAB_TYPESAFE_BY_RCU: a file freed and reused
 * under us must not be taken, which get_file_rcu() on the pointer's
 * address checks (it reloads the pointer and retries). On 6.1 a file
 * is freed only after a grace period, and a zero count means dying.
 *
 * Context: rcu_read_lock() held.
 * Return: the file with a reference taken, or NULL (none, or dying).
 */
static inline struct file *crs_get_file_rcu(struct file __rcu **fp)
{
#ifdef CRS_HAVE_GET_FILE_RCU_PP
	return get_file_rcu(fp);
#else
	struct file *f = rcu_dereference(*fp);

	return f && get_file_rcu(f) ? f : NULL;
#endif
}

/**
 * crs_file_is_backing() - is @f a stacking file system's backing file?
 * @f: an open file
 *
 * Since 6.6 overlayfs opens the real file of a layer as a backing file
 * (FMODE_BACKING) for every open of one of its files; the open the task
 * made, of the overlay file, has already been judged.
 *
 * Return: true for a backing file.
 */
static inline bool crs_file_is_backing(const struct file *f)
{
#ifdef FMODE_BACKING
	return f->f_mode & FMODE_BACKING;
#else
	return false;
#endif
}

/**
 * crs_file_user_path() - the path the task reached @f by
 * @f: an open file
 *
 * A backing file's own f_path is the layer's (since 6.8), on a private
 * mount no root reaches; a mapping of an overlay file has the backing
 * file as its vm_file. file_user_path() gives the overlay's path.
 *
 * Return: the path to name @f by.
 */
static inline const struct path *crs_file_user_path(const struct file *f)
{
#ifdef CRS_HAVE_FILE_USER_PATH
	return file_user_path(f);
#else
	return &f->f_path;
#endif
}

#endif /* _CRS_COMPAT_H */
