/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: program identity of the current task, and per-cpu path buffers.
 */
#ifndef _CRS_PROGRAM_H
#define _CRS_PROGRAM_H

#include <linux/types.h>

#include "crs.h"

struct crs_ctx;
struct mm_struct;
struct file;

/*
 * The identity of an executable: its path from the container's root
 * (crs_container_d_path()), and the inode it resolved to (so a
 * rule naming a symlink, /bin/sh -> /bin/busybox, matches the binary).
 */
struct crs_program {
	struct hlist_node node;
	struct rcu_head rcu;
	struct mm_struct *mm;	/* key; no reference (dropped in __mmdrop) */
	struct file *exe;	/* mm->exe_file seen; no reference, compared */
	dev_t dev;
	unsigned long ino;
	char path[];
};

const struct crs_program *crs_program_get(struct crs_ctx *ctx);

/*
 * Per-cpu scratch path buffers of PATH_MAX bytes, for hook handlers and
 * netfilter verdicts, inside crs_scratch_lock() (program.c).
 */
enum crs_pathbuf {
	CRS_BUF_PROGRAM,
	CRS_BUF_A,
	CRS_BUF_B,
	CRS_BUF_LOG,	/* crs_log_denial()'s escaped names */
	CRS_BUF_ALIAS,	/* a path with a symlinked rule prefix put back */
	__CRS_BUF_MAX
};

char *crs_path_buf(enum crs_pathbuf which);
int crs_scratch_lock(void);
void crs_scratch_unlock(int set);

/* program identity of current, cached per exec */
int crs_program_init(void);
void crs_program_exit(void);
const char *crs_program_current(struct crs_ctx *ctx);
unsigned int crs_program_count(void);

/* the hook on __mmdrop(struct mm_struct *): forget the cached identity */
struct pt_regs;
int crs_hook_mmdrop(struct pt_regs *regs);

#endif /* _CRS_PROGRAM_H */
