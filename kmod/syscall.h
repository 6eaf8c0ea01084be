/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the system call dispatch hooks (syscall.c), which judge SYSCALL
 * rules (syscall_rules.h). Handlers: see hook_deny.h.
 */
#ifndef _CRS_SYSCALL_H
#define _CRS_SYSCALL_H

struct pt_regs;

/* x64_sys_call(regs, nr), ia32_sys_call(regs, nr), x32_sys_call */
int crs_hook_x64_sys_call(struct pt_regs *regs);
int crs_hook_ia32_sys_call(struct pt_regs *regs);
int crs_hook_x32_sys_call(struct pt_regs *regs);
/* io_issue_sqe(req, issue_flags), an io_uring operation */
int crs_hook_io_issue_sqe(struct pt_regs *regs);
#endif /* _CRS_SYSCALL_H */
