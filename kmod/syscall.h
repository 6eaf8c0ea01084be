/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a policy's compiled SYSCALL rules (syscall_rules.c), which the
 * dispatch hooks (syscall.c) read.
 */
#ifndef _CRS_SYSCALL_H
#define _CRS_SYSCALL_H

#include <linux/bitmap.h>
#include <asm/unistd.h>

#include "crs.h"

/* The rules of one architecture, bucketed by syscall number. */
struct crs_sys_arch {
	DECLARE_BITMAP(named, CRS_NR_SYSCALLS);
	/* rules of nr: rules[first[nr]] .. rules[first[nr + 1] - 1] */
	u32 first[CRS_NR_SYSCALLS + 1];
	const struct crs_rule **rules;
};

struct crs_syscall_table {
	struct crs_sys_arch arch[__CRS_SYS_ARCH_MAX];
	u8 def;				/* defaultSyscallAction */
	bool can_deny;			/* a DENY rule or a DENY default */
};

/*
 * Calls no rule can deny: a process whose exit fails cannot end (glibc's
 * _exit() retries forever) and one whose sigreturn fails cannot leave a
 * signal handler. Rules naming them are accepted and never match.
 */
static inline bool crs_sys_always_allowed(int arch, unsigned int nr)
{
	if (arch == CRS_SYS_X86_64)
		return nr == __NR_exit || nr == __NR_exit_group ||
		       nr == __NR_rt_sigreturn;
	return nr == __NR_ia32_exit || nr == __NR_ia32_exit_group ||
	       nr == __NR_ia32_rt_sigreturn || nr == __NR_ia32_sigreturn;
}

#endif /* _CRS_SYSCALL_H */
