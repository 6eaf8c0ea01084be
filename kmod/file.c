// SPDX-License-Identifier: GPL-2.0
/* crs: READ, WRITE and Execution enforcement (to be written: issue 4). */
#include "crs.h"
#include "hooks.h"

int crs_hook_file_open(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_truncate(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_unlink(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_rmdir(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_mknod(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_mkdir(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_symlink(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_link(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_path_rename(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_hook_bprm_check(struct kprobe *p, struct pt_regs *regs) { return 0; }
int crs_file_compile(struct crs_policy *p, struct netlink_ext_ack *extack) { return 0; }
void crs_file_free(struct crs_policy *p) { }
