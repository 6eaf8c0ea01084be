/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: hook handlers, one per hooked kernel function. Each subsystem
 * defines its handlers; hooks.c holds the table that installs them.
 *
 * A handler runs at the function's entry, called through ftrace (see
 * hooks.c), under rcu_read_lock() and the scratch lock: it must not
 * sleep, allocate only GFP_ATOMIC and lock only spinlocks (which on
 * PREEMPT_RT sleep: there the handler runs preemptible). @regs holds the
 * function's arguments (regs_get_kernel_argument(); only the argument
 * registers, sp and ip are valid). To deny, it calls
 * crs_hook_deny(regs, -EACCES) and returns its result (1); the hooked
 * function then "returns" that errno without running, the way the
 * kernel's own error injection does. To allow, return 0.
 */
#ifndef _CRS_HOOKS_H
#define _CRS_HOOKS_H

#include <linux/kprobes.h>
#include <linux/ptrace.h>

int crs_hook_deny(struct pt_regs *regs, long err);
int crs_hook_deny_errno(struct pt_regs *regs, unsigned int err);

/* file.c: security_file_open(struct file *) */
int crs_hook_file_open(struct pt_regs *regs);
/* file.c: security_path_truncate(const struct path *) */
int crs_hook_path_truncate(struct pt_regs *regs);
int crs_hook_file_truncate(struct pt_regs *regs);
/*
 * file.c: security_path_unlink(dir, dentry), _rmdir(dir, dentry),
 * _mknod(dir, dentry, mode, dev), _mkdir(dir, dentry, mode),
 * _symlink(dir, dentry, old_name): a WRITE of dir/name
 */
int crs_hook_dir_entry(struct pt_regs *regs);
/* file.c: security_path_link(old_dentry, new_dir, new_dentry) */
int crs_hook_path_link(struct pt_regs *regs);
/* file.c: security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags) */
int crs_hook_path_rename(struct pt_regs *regs);
/* file.c: security_bprm_check(struct linux_binprm *) */
int crs_hook_bprm_check(struct pt_regs *regs);
int crs_hook_path_chroot(struct pt_regs *regs);
int crs_hook_sb_pivotroot(struct pt_regs *regs);
/* file.c: security_mmap_file(file, prot, flags), security_file_mprotect(
 * vma, reqprot, prot): code mapped without an exec
 */
int crs_hook_mmap_file(struct pt_regs *regs);
int crs_hook_file_mprotect(struct pt_regs *regs);
/* container.c: zap_pid_ns_processes(struct pid_namespace *): its end */
int crs_hook_zap_pid_ns(struct pt_regs *regs);
/* program.c: __mmdrop(struct mm_struct *): forget the cached identity */
int crs_hook_mmdrop(struct pt_regs *regs);
/* program.c: replace_mm_exe_file(mm, file): refused when governed */
int crs_hook_replace_mm_exe_file(struct pt_regs *regs);
/* syscall.c: x64_sys_call(regs, nr), ia32_sys_call(regs, nr), x32_sys_call */
int crs_hook_x64_sys_call(struct pt_regs *regs);
int crs_hook_ia32_sys_call(struct pt_regs *regs);
int crs_hook_x32_sys_call(struct pt_regs *regs);
/* syscall.c: io_issue_sqe(req, issue_flags), an io_uring operation */
int crs_hook_io_issue_sqe(struct pt_regs *regs);
/* net.c: socket owners: security_socket_bind(sock, addr, len),
 * security_socket_listen(sock, backlog), security_inet_csk_clone(newsk,
 * req) (an accepted socket), security_sk_free(sk)
 */
int crs_hook_socket_bind(struct pt_regs *regs);
int crs_hook_socket_listen(struct pt_regs *regs);
int crs_hook_inet_csk_clone(struct pt_regs *regs);
int crs_hook_sk_free(struct pt_regs *regs);
/* net.c: security_socket_create(family, type, protocol, kern) */
int crs_hook_socket_create(struct pt_regs *regs);

#endif /* _CRS_HOOKS_H */
