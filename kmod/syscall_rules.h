/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: a policy's compiled SYSCALL rules (syscall_rules.c), which the
 * dispatch hooks (syscall.c) read.
 */
#ifndef _CRS_SYSCALL_RULES_H
#define _CRS_SYSCALL_RULES_H

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

/* syscall_rules.c: compiled SYSCALL rules; which calls any policy judges */
int crs_syscall_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_syscall_free(struct crs_policy *p);
void crs_syscall_note(const struct crs_policy *p);
void crs_syscall_note_all(void);
void crs_syscall_refresh(void);
extern unsigned long crs_sys_any[__CRS_SYS_ARCH_MAX][BITS_TO_LONGS(CRS_NR_SYSCALLS)];
extern bool crs_sys_all;

/**
 * crs_syscall_unjudged() - is system call @nr of @arch judged by no
 * stored policy and no learning container?
 * @arch: CRS_SYS_X86_64 or CRS_SYS_I386
 * @nr: the call's number
 *
 * Then every container's table would allow it: the hooks let it run
 * before anything else (crs_hook_entry_governed() for x64_sys_call()).
 * Inline: it runs in an ftrace callback before its recursion guard.
 *
 * Context: any; reads two words, takes no lock.
 * Return: true when no policy and no learning container judges it.
 */
static __always_inline bool crs_syscall_unjudged(int arch, unsigned int nr)
{
	return nr < CRS_NR_SYSCALLS && !READ_ONCE(crs_sys_all) &&
	       !test_bit(nr, crs_sys_any[arch]);
}

#endif /* _CRS_SYSCALL_RULES_H */
