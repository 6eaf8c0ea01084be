// SPDX-License-Identifier: GPL-2.0
/*
 * crs: SYSCALL enforcement at the syscall dispatch.
 *
 * The kernel dispatches a system call through x64_sys_call(regs, nr)
 * (x86_64), ia32_sys_call(regs, nr) (int 0x80, sysenter and syscall from
 * 32-bit code, after the number was range checked) or x32_sys_call(regs,
 * nr) (x32, nr already stripped of __X32_SYSCALL_BIT). An ftrace hook on
 * each (hooks.c) sees the user registers and the number before the
 * syscall runs, after seccomp and ptrace had their say; a denial makes the
 * dispatcher return the deciding rule's errno (EPERM when it has none, or
 * the policy's defaultSyscallErrno for the default action) as the
 * syscall's result, so a denied call has no effect at all.
 *
 * Compiled table (per policy, immutable, freed with the policy): for each
 * architecture a bitmap of the numbers some usable SYSCALL rule names,
 * and for each such number its rules, DENY rules first. A number not in
 * the bitmap costs one test_bit() and gets defaultSyscallAction; argument
 * constraints are checked only for the rules of the number called. A
 * policy without SYSCALL rules and with defaultSyscallAction ALLOW gets no
 * table at all (p->sys == NULL): its containers pay the container lookup
 * and one pointer test.
 *
 * execve and execveat are Execution rules too: a SYSCALL rule on them with
 * a `file` is decided by file.c on the resolved executable at bprm_check,
 * and unnamed execs keep defaultExecuteAction there. Here only their rules
 * without `file` count, and defaultSyscallAction never applies to them.
 *
 * x32: Debian builds the x32 ABI but leaves it off unless booted with
 * syscall.x32=y. When it is on, an x32 call from a container whose policy
 * can deny a syscall (a DENY rule or a DENY default) is refused with EPERM
 * as if denied by default: x32 numbers and argument layouts are not what
 * the rules were written for, and silently allowing them would be a way
 * around every SYSCALL rule.
 */
#include <linux/bitmap.h>
#include <linux/io_uring.h>
#include <linux/io_uring_types.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <asm/unistd.h>

#include "crs.h"
#include "container.h"
#include "file_rules.h"
#include "hook_deny.h"
#include "learn.h"
#include "program.h"
#include "syscall.h"
#include "syscall_rules.h"
#include "verdict.h"

static const u8 crs_sys_uapi_arch[__CRS_SYS_ARCH_MAX] = {
	[CRS_SYS_X86_64] = CRS_ARCH_X86_64,
	[CRS_SYS_I386] = CRS_ARCH_I386,
};

/*
 * The argument values the syscall will see. i386 arguments are 32 bits:
 * the compat entry uses only the low half of each register, even when a
 * 64-bit process set the high half before int 0x80.
 */
static __always_inline u64 crs_sys_arg(const struct pt_regs *u, int arch,
				       unsigned int i)
{
	if (arch == CRS_SYS_X86_64) {
		switch (i) {
		case 0: return u->di;
		case 1: return u->si;
		case 2: return u->dx;
		case 3: return u->r10;
		case 4: return u->r8;
		default: return u->r9;
		}
	}
	switch (i) {
	case 0: return (u32)u->bx;
	case 1: return (u32)u->cx;
	case 2: return (u32)u->dx;
	case 3: return (u32)u->si;
	case 4: return (u32)u->di;
	default: return (u32)u->bp;
	}
}

/* @v as the syscall's C parameter type sees it (enum crs_arg_type). */
static __always_inline u64 crs_sys_arg_cast(u64 v, u8 type)
{
	switch (type) {
	case CRS_ARG_T_32:
		return (u32)v;
	case CRS_ARG_T_16:
		return (u16)v;
	default:
		return v;
	}
}

static __always_inline bool crs_sys_args_match(const struct crs_rule *r,
					       const struct pt_regs *u,
					       int arch)
{
	unsigned int i;

	/*
	 * No registers (an io_uring operation): the arguments cannot be
	 * read without racing the submitter, so a rule that conditions
	 * on them matches when it denies and not when it allows.
	 */
	if (!u)
		return !r->nargs || r->action == CRS_ACTION_DENY;

	for (i = 0; i < r->nargs; i++) {
		const struct crs_arg *c = &r->args[i];
		u64 v = crs_sys_arg_cast(crs_sys_arg(u, arch, c->index),
					 c->type[crs_sys_uapi_arch[arch]]);
		bool ok;

		switch (c->op) {
		case CRS_ARG_EQ:
			ok = v == c->value;
			break;
		case CRS_ARG_NE:
			ok = v != c->value;
			break;
		case CRS_ARG_LT:
			ok = v < c->value;
			break;
		case CRS_ARG_LE:
			ok = v <= c->value;
			break;
		case CRS_ARG_GT:
			ok = v > c->value;
			break;
		case CRS_ARG_GE:
			ok = v >= c->value;
			break;
		case CRS_ARG_MASKED_EQ:
			ok = (v & c->mask) == c->value;
			break;
		default:
			ok = false;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Decide one call: the first matching DENY rule, else the first matching
 * ALLOW rule, else *@rule = NULL and the default. Returns the action.
 */
static u8 crs_sys_decide(struct crs_ctx *ctx, const struct crs_syscall_table *t,
			 int arch, unsigned int nr, const struct pt_regs *u,
			 const struct crs_rule **rule)
{
	const struct crs_sys_arch *a = &t->arch[arch];
	const char *prog = NULL;
	bool have_prog = false;
	u32 i;

	*rule = NULL;
	if (crs_sys_always_allowed(arch, nr))
		return CRS_ACTION_ALLOW;
	if (!test_bit(nr, a->named))
		return crs_nr_is_exec(arch, nr) ? CRS_ACTION_ALLOW : t->def;
	for (i = a->first[nr]; i < a->first[nr + 1]; i++) {
		const struct crs_rule *r = a->rules[i];

		if (!crs_sys_args_match(r, u, arch))
			continue;
		if (r->program) {
			if (!have_prog) {
				prog = crs_program_current(ctx);
				have_prog = true;
			}
			if (!crs_program_matches(ctx, r, prog))
				continue;
		}
		*rule = r;
		return r->action;
	}
	return crs_nr_is_exec(arch, nr) ? CRS_ACTION_ALLOW : t->def;
}

static bool crs_sys_ignored(const struct crs_policy *p, int arch,
			    unsigned int nr)
{
	return test_bit(nr, arch == CRS_SYS_X86_64 ? p->ignored64 :
						     p->ignored32);
}

/*
 * Returns 0 when the call may run, else the positive errno it must fail
 * with: the deciding rule's errno, or EPERM.
 */
static unsigned int crs_sys_check(int arch, const struct pt_regs *u,
				  unsigned int nr)
{
	const struct crs_syscall_table *t;
	const struct crs_rule *rule = NULL;
	struct crs_object obj;
	unsigned int err = EPERM;
	struct crs_ctx ctx;
	bool deny = false, learning;
	u8 action = CRS_ACTION_ALLOW;

	/* judged by no stored policy: what every table would answer */
	if (crs_syscall_unjudged(arch, nr))
		return 0;
	if (!crs_ctx_get(&ctx))
		return 0;
	t = ctx.p ? ctx.p->sys : NULL;
	learning = READ_ONCE(ctx.c->learning);
	if ((!t && !learning) || nr >= CRS_NR_SYSCALLS)
		goto out;
	if (t && ctx.mode != CRS_MODE_INACTIVE) {
		action = crs_sys_decide(&ctx, t, arch, nr, u, &rule);
		/*
		 * Allowed by default: not a policy verdict worth a counter
		 * or an event on every call. The common case: done here.
		 */
		if (!rule && action == CRS_ACTION_ALLOW && !learning)
			goto out;
	}

	memset(&obj, 0, sizeof(obj));
	obj.type = CRS_RULE_SYSCALL;
	obj.syscall_nr = nr;
	obj.arch = crs_sys_uapi_arch[arch];

	if (!t || ctx.mode == CRS_MODE_INACTIVE) {
		/* nothing to evaluate; learning alone wants to see it */
		if (learning && !(ctx.p && crs_sys_ignored(ctx.p, arch, nr)))
			crs_learn_record(&ctx, &obj);
		goto out;
	}
	if (crs_sys_ignored(ctx.p, arch, nr)) {
		/* enforced, never reported nor learned */
		deny = action == CRS_ACTION_DENY &&
		       ctx.mode == CRS_MODE_ACTIVE;
		goto out_rule;
	}
	if (!rule && action == CRS_ACTION_ALLOW) {
		/* allowed by default; learning still records it */
		crs_learn_record(&ctx, &obj);
		goto out;
	}
	deny = crs_verdict(&ctx, rule, action, &obj);
out_rule:
	if (deny && rule && rule->err)
		err = rule->err;
	else if (deny && !rule && ctx.p->def_errno)
		err = ctx.p->def_errno;
out:
	crs_ctx_put(&ctx);
	return deny ? err : 0;
}

/*
 * io_uring opcodes are ABI (numbers never change); those 6.1's header
 * does not name yet, for one table on both kernel lines.
 */
#define CRS_IORING_OP_READ_MULTISHOT	49
#define CRS_IORING_OP_WAITID		50
#define CRS_IORING_OP_FUTEX_WAIT	51
#define CRS_IORING_OP_FUTEX_WAKE	52
#define CRS_IORING_OP_FUTEX_WAITV	53
#define CRS_IORING_OP_FTRUNCATE		55
#define CRS_IORING_OP_BIND		56
#define CRS_IORING_OP_LISTEN		57

/*
 * The x86_64 system call an io_uring operation does the work of, or -1
 * for the ring's own bookkeeping (NOP, POLL, TIMEOUT, CANCEL, buffers,
 * MSG_RING, FILES_UPDATE, FIXED_FD_INSTALL).
 */
static int crs_uring_syscall(u8 op)
{
	switch (op) {
	case IORING_OP_READV:		return __NR_readv;
	case IORING_OP_WRITEV:		return __NR_writev;
	case IORING_OP_FSYNC:		return __NR_fsync;
	case IORING_OP_READ_FIXED:	return __NR_read;
	case IORING_OP_WRITE_FIXED:	return __NR_write;
	case IORING_OP_SYNC_FILE_RANGE:	return __NR_sync_file_range;
	case IORING_OP_SENDMSG:		return __NR_sendmsg;
	case IORING_OP_RECVMSG:		return __NR_recvmsg;
	case IORING_OP_ACCEPT:		return __NR_accept4;
	case IORING_OP_CONNECT:		return __NR_connect;
	case IORING_OP_FALLOCATE:	return __NR_fallocate;
	case IORING_OP_OPENAT:		return __NR_openat;
	case IORING_OP_CLOSE:		return __NR_close;
	case IORING_OP_STATX:		return __NR_statx;
	case IORING_OP_READ:		return __NR_read;
	case IORING_OP_WRITE:		return __NR_write;
	case IORING_OP_FADVISE:		return __NR_fadvise64;
	case IORING_OP_MADVISE:		return __NR_madvise;
	case IORING_OP_SEND:		return __NR_sendto;
	case IORING_OP_RECV:		return __NR_recvfrom;
	case IORING_OP_OPENAT2:		return __NR_openat2;
	case IORING_OP_EPOLL_CTL:	return __NR_epoll_ctl;
	case IORING_OP_SPLICE:		return __NR_splice;
	case IORING_OP_TEE:		return __NR_tee;
	case IORING_OP_SHUTDOWN:	return __NR_shutdown;
	case IORING_OP_RENAMEAT:	return __NR_renameat2;
	case IORING_OP_UNLINKAT:	return __NR_unlinkat;
	case IORING_OP_MKDIRAT:		return __NR_mkdirat;
	case IORING_OP_SYMLINKAT:	return __NR_symlinkat;
	case IORING_OP_LINKAT:		return __NR_linkat;
	case IORING_OP_FSETXATTR:	return __NR_fsetxattr;
	case IORING_OP_SETXATTR:	return __NR_setxattr;
	case IORING_OP_FGETXATTR:	return __NR_fgetxattr;
	case IORING_OP_GETXATTR:	return __NR_getxattr;
	case IORING_OP_SOCKET:		return __NR_socket;
	case IORING_OP_URING_CMD:	return __NR_ioctl;
	case IORING_OP_SEND_ZC:		return __NR_sendto;
	case IORING_OP_SENDMSG_ZC:	return __NR_sendmsg;
	case CRS_IORING_OP_READ_MULTISHOT: return __NR_read;
	case CRS_IORING_OP_WAITID:	return __NR_waitid;
	case CRS_IORING_OP_FUTEX_WAIT:
	case CRS_IORING_OP_FUTEX_WAKE:	return __NR_futex;
	case CRS_IORING_OP_FUTEX_WAITV:	return __NR_futex_waitv;
	case CRS_IORING_OP_FTRUNCATE:	return __NR_ftruncate;
	case CRS_IORING_OP_BIND:	return __NR_bind;
	case CRS_IORING_OP_LISTEN:	return __NR_listen;
	}
	return -1;
}

/**
 * crs_hook_io_issue_sqe() - io_issue_sqe(req, issue_flags): an io_uring
 * operation is judged as the system call it does the work of
 * @regs: the hooked call's registers
 *
 * An io_uring operation reaches the same kernel functions as its system
 * call without passing the dispatcher, so a SYSCALL rule on mkdirat,
 * socket, connect... applies to it too (crs_uring_syscall(): the x86_64
 * number). Its arguments are not read (they are the submitter's to
 * change): a rule with argument conditions denies it if it is a DENY
 * rule and does not allow it otherwise. Runs in the submitting task, an
 * io-wq worker or the SQPOLL thread, all of the submitter's container.
 *
 * Context: process context, inside crs_hook_entry().
 * Return: 0, or the operation's result: -EPERM or the rule's errno.
 */
int crs_hook_io_issue_sqe(struct pt_regs *regs)
{
	const struct io_kiocb *req = (const struct io_kiocb *)regs->di;
	unsigned int err;
	int nr;

	nr = crs_uring_syscall(READ_ONCE(req->opcode));
	if (nr < 0)
		return 0;
	err = crs_sys_check(CRS_SYS_X86_64, NULL, nr);
	return err ? crs_hook_deny(regs, -(long)err) : 0;
}
NOKPROBE_SYMBOL(crs_hook_io_issue_sqe);

/* x64_sys_call(const struct pt_regs *regs, unsigned int nr) */
int crs_hook_x64_sys_call(struct pt_regs *regs)
{
	unsigned int err = crs_sys_check(CRS_SYS_X86_64,
					 (const struct pt_regs *)regs->di,
					 (unsigned int)regs->si);

	return err ? crs_hook_deny_errno(regs, err) : 0;
}
NOKPROBE_SYMBOL(crs_hook_x64_sys_call);

#define CRS_NR32_SOCKETCALL	102
#define CRS_NR32_IPC		117

/*
 * The i386 system call that socketcall(@call, args) or ipc(@call, ...)
 * carries, by the call number in its first register (net/socket.c's
 * SYS_*, ipc/syscall.c's SEMOP...), or -1. The i386 table has a number
 * of its own for each of them (since Linux 4.3 and 5.1): semop and
 * semtimedop map to semtimedop_time64, accept and send/recv to accept4,
 * sendto, recvfrom.
 */
static int crs_ia32_carried(unsigned int nr, unsigned long call)
{
	static const s16 sock[] = {
		[1] = 359, [2] = 361, [3] = 362, [4] = 363, [5] = 364,
		[6] = 367, [7] = 368, [8] = 360, [9] = 369, [10] = 371,
		[11] = 369, [12] = 371, [13] = 373, [14] = 366, [15] = 365,
		[16] = 370, [17] = 372, [18] = 364, [19] = 337, [20] = 345,
	};
	static const s16 ipc[] = {
		[1] = 420, [2] = 393, [3] = 394, [4] = 420, [11] = 400,
		[12] = 401, [13] = 399, [14] = 402, [21] = 397, [22] = 398,
		[23] = 395, [24] = 396,
	};

	if (nr == CRS_NR32_SOCKETCALL)
		return call < ARRAY_SIZE(sock) && sock[call] ? sock[call] : -1;
	call &= 0xffff;		/* the high half is the ABI version */
	return call < ARRAY_SIZE(ipc) && ipc[call] ? ipc[call] : -1;
}

/*
 * ia32_sys_call(const struct pt_regs *regs, unsigned int nr). socketcall
 * and ipc (reachable with int $0x80 from any process) are judged twice:
 * as themselves, then as the call they carry (crs_ia32_carried()), whose
 * arguments sit in user memory the caller may change after a check, so
 * they are not read: an argument-conditioned DENY rule matches it, an
 * ALLOW rule does not (crs_sys_args_match()).
 */
int crs_hook_ia32_sys_call(struct pt_regs *regs)
{
	const struct pt_regs *u = (const struct pt_regs *)regs->di;
	unsigned int nr = (unsigned int)regs->si, err;
	int carried;

	err = crs_sys_check(CRS_SYS_I386, u, nr);
	if (!err && (nr == CRS_NR32_SOCKETCALL || nr == CRS_NR32_IPC)) {
		carried = crs_ia32_carried(nr, crs_sys_arg(u, CRS_SYS_I386, 0));
		if (carried >= 0)
			err = crs_sys_check(CRS_SYS_I386, NULL, carried);
	}
	return err ? crs_hook_deny_errno(regs, err) : 0;
}
NOKPROBE_SYMBOL(crs_hook_ia32_sys_call);

/* x32_sys_call(const struct pt_regs *regs, unsigned int nr): refused */
int crs_hook_x32_sys_call(struct pt_regs *regs)
{
	const struct crs_syscall_table *t;
	struct crs_object obj;
	struct crs_ctx ctx;
	bool deny = false;

	/* x32 exit, exit_group, rt_sigreturn: never denied */
	if (regs->si == 60 || regs->si == 231 || regs->si == 513)
		return 0;
	if (!crs_ctx_get(&ctx))
		return 0;
	t = ctx.p ? ctx.p->sys : NULL;
	if (t && t->can_deny && ctx.mode != CRS_MODE_INACTIVE) {
		memset(&obj, 0, sizeof(obj));
		obj.type = CRS_RULE_SYSCALL;
		obj.syscall_nr = (u32)regs->si;
		obj.arch = CRS_ARCH_X32;
		deny = crs_verdict(&ctx, NULL, CRS_ACTION_DENY, &obj);
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EPERM) : 0;
}
NOKPROBE_SYMBOL(crs_hook_x32_sys_call);
