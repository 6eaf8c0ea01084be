/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: the hooks' installer (hooks.c): every hook handler of the table
 * registered at load and removed at unload, the system call dispatch
 * hooks armed while a bound container needs them. What a handler may do:
 * hook_deny.h.
 */
#ifndef _CRS_HOOKS_H
#define _CRS_HOOKS_H

int crs_hooks_init(void);
void crs_hooks_exit(void);
unsigned int crs_hooks_installed(void);
int crs_hooks_syscall_arm(void);

#endif /* _CRS_HOOKS_H */
