/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: what a hook handler may do, and how it denies (hook_deny.c).
 * Each subsystem declares its handlers, one per hooked kernel function,
 * in its own header; hooks.c holds the table that installs them.
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
#ifndef _CRS_HOOK_DENY_H
#define _CRS_HOOK_DENY_H

#include <linux/kprobes.h>
#include <linux/ptrace.h>

int crs_hook_deny(struct pt_regs *regs, long err);
int crs_hook_deny_errno(struct pt_regs *regs, unsigned int err);

#endif /* _CRS_HOOK_DENY_H */
