// SPDX-License-Identifier: GPL-2.0
/*
 * crs: how a hook handler denies. The hooked function's call is
 * redirected, through the instruction pointer its ftrace call site
 * restores (hooks.c), to a landing function here that returns the errno
 * without running the function.
 */
#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "hook_deny.h"

/*
 * Landing functions: the hooked function's call is redirected here with
 * its arguments untouched, and its caller receives our return value.
 * They must be real C functions (objtool checks return thunks) and must
 * not be traced or probed themselves.
 */
static noinline notrace long crs_ret_eacces(void)
{
	return -EACCES;
}
NOKPROBE_SYMBOL(crs_ret_eacces);

static noinline notrace long crs_ret_eperm(void)
{
	return -EPERM;
}
NOKPROBE_SYMBOL(crs_ret_eperm);

/* Returns its second argument, negated: see crs_hook_deny_errno(). */
static noinline notrace long crs_ret_arg2(unsigned long arg1, unsigned long err)
{
	return -(long)err;
}
NOKPROBE_SYMBOL(crs_ret_arg2);

/**
 * crs_hook_deny_errno() - make the hooked function return -@err
 * @regs: the hook handler's registers
 * @err: a positive errno, 1..MAX_ERRNO
 *
 * Only for hooked functions whose second argument the caller does not
 * need back (x64_sys_call(regs, nr), ia32_sys_call(regs, nr)): the errno
 * is passed to the landing function in that argument's register.
 *
 * Context: a hook handler (see hook_deny.h).
 * Return: 1, the value the hook handler must return.
 */
int crs_hook_deny_errno(struct pt_regs *regs, unsigned int err)
{
	regs->si = err;
	instruction_pointer_set(regs, (unsigned long)crs_ret_arg2);
	return 1;
}
NOKPROBE_SYMBOL(crs_hook_deny_errno);

/**
 * crs_hook_deny() - make the hooked function return @err without running
 * @regs: the hook handler's registers
 * @err: -EACCES or -EPERM (anything else is taken as -EACCES)
 *
 * Context: a hook handler (see hook_deny.h).
 * Return: 1, the value the hook handler must return.
 */
int crs_hook_deny(struct pt_regs *regs, long err)
{
	switch (err) {
	case -EPERM:
		instruction_pointer_set(regs, (unsigned long)crs_ret_eperm);
		break;
	default:
		instruction_pointer_set(regs, (unsigned long)crs_ret_eacces);
		break;
	}
	return 1;
}
NOKPROBE_SYMBOL(crs_hook_deny);
