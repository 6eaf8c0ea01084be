/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the file hooks (file.c): READ, WRITE and Execution judged at the
 * kernel's LSM entry points, and program identity kept from changing
 * without an exec. Handlers: see hook_deny.h.
 */
#ifndef _CRS_FILE_H
#define _CRS_FILE_H

struct pt_regs;

/* security_file_open(struct file *) */
int crs_hook_file_open(struct pt_regs *regs);
/* security_path_truncate(const struct path *) */
int crs_hook_path_truncate(struct pt_regs *regs);
int crs_hook_file_truncate(struct pt_regs *regs);
/*
 * security_path_unlink(dir, dentry), _rmdir(dir, dentry),
 * _mknod(dir, dentry, mode, dev), _mkdir(dir, dentry, mode),
 * _symlink(dir, dentry, old_name): a WRITE of dir/name
 */
int crs_hook_dir_entry(struct pt_regs *regs);
/* security_path_link(old_dentry, new_dir, new_dentry) */
int crs_hook_path_link(struct pt_regs *regs);
/* security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags) */
int crs_hook_path_rename(struct pt_regs *regs);
/* security_bprm_check(struct linux_binprm *) */
int crs_hook_bprm_check(struct pt_regs *regs);
int crs_hook_path_chroot(struct pt_regs *regs);
int crs_hook_sb_pivotroot(struct pt_regs *regs);
/* security_mmap_file(file, prot, flags), security_file_mprotect(
 * vma, reqprot, prot): code mapped without an exec
 */
int crs_hook_mmap_file(struct pt_regs *regs);
int crs_hook_file_mprotect(struct pt_regs *regs);
/* replace_mm_exe_file(mm, file): refused when governed */
int crs_hook_replace_mm_exe_file(struct pt_regs *regs);
#endif /* _CRS_FILE_H */
