// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the hook table. Every hook is a call from the entry of one kernel
 * function, through ftrace (the fentry call the kernel is compiled with,
 * the mechanism livepatch uses); a denial redirects the hooked function
 * to a landing function of ours that returns the errno (see
 * crs_hook_deny()).
 *
 * One ftrace_ops carries the whole table, registered at load and removed
 * at unload; crs_hook_entry() finds the hook by the address ftrace calls
 * it for (resolved once at load). The hooks are not armed and disarmed
 * with containers: every arming patches kernel text (x64_sys_call's
 * call site, with int3 breakpoints, while every CPU is running through
 * it), and churning containers doing that made the test VM's CPUs hang
 * on the breakpoint (a soft lockup under qemu TCG, in test_fuzz). With
 * no container bound a hooked call costs the ftrace call and one static
 * branch.
 *
 * Why not kprobes (crs used them until the benchmark said otherwise): a
 * kprobe at a function's entry is this same ftrace call plus the kprobe
 * layer, a full register save, a probe-table lookup and per-CPU kprobe
 * state. In the test VM, an empty handler on x64_sys_call made getppid()
 * cost about 280 ns more as a kprobe and about 90 ns more as an
 * ftrace_ops like these (docs/performance.md).
 *
 * The ops are registered without FTRACE_OPS_FL_SAVE_REGS: x86_64's
 * ftrace_caller saves the argument registers, the stack pointer and the
 * return address, and restores them after the handler, taking a changed
 * instruction pointer along (FTRACE_OPS_FL_IPMODIFY claims that right;
 * ftrace refuses a second ops that wants it on the same function, e.g.
 * a live patch). Without FTRACE_OPS_FL_RECURSION ftrace calls
 * crs_hook_entry() straight from the ops' trampoline; crs_hook_entry()
 * takes the recursion lock itself, which also disables preemption, and
 * runs the handler under rcu_read_lock() and the scratch lock
 * (crs_scratch_lock()). On PREEMPT_RT, where the handlers' spinlocks
 * sleep, it enables preemption again for the handler; a handler that
 * sleeps on such a lock counts as quiescent for RCU tasks, so removal
 * first sets crs_hooks_stopping and waits for a normal grace period:
 * after it no handler is running, and new calls return at once.
 * Removing the ops then waits (RCU tasks) until no task is left in its
 * trampoline or in our code, so module unload is safe.
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "compat.h"
#include "crs.h"
#include "hooks.h"
#include "program.h"

typedef int (*crs_hook_fn)(struct pt_regs *regs);

struct crs_hook {
	const char *symbol;
	crs_hook_fn handler;
	bool required;
	unsigned long addr;	/* where ftrace calls us from; 0: not found */
};

/* Hot hooks first: crs_hook_entry() searches the table in this order. */
/* [0] must stay x64_sys_call: crs_hook_entry() calls its handler directly */
static struct crs_hook crs_hook_table[] = {
	/* every system call of every task */
	{ "x64_sys_call",		crs_hook_x64_sys_call,	true },
	/* a 32-bit ABI the kernel offers must be hooked, or we refuse */
	{ "ia32_sys_call",		crs_hook_ia32_sys_call,
	  IS_ENABLED(CONFIG_IA32_EMULATION) },
	{ "x32_sys_call",		crs_hook_x32_sys_call,
	  IS_ENABLED(CONFIG_X86_X32_ABI) },
	/* io_uring runs system calls' work without the dispatcher */
	{ "io_issue_sqe",		crs_hook_io_issue_sqe,
	  IS_ENABLED(CONFIG_IO_URING) },
	{ "security_file_open",		crs_hook_file_open,	true },
	{ "security_sk_free",		crs_hook_sk_free,	true },
	{ "__mmdrop",			crs_hook_mmdrop,	true },
	{ "security_bprm_check",	crs_hook_bprm_check,	true },
	{ "security_mmap_file",		crs_hook_mmap_file,	true },
	{ "security_file_mprotect",	crs_hook_file_mprotect,	true },
	{ "security_path_truncate",	crs_hook_path_truncate,	true },
#ifdef CRS_HOOK_FILE_TRUNCATE
	{ "security_file_truncate",	crs_hook_file_truncate,	true },
#endif
	{ "security_path_unlink",	crs_hook_dir_entry,	true },
	{ "security_path_rmdir",	crs_hook_dir_entry,	true },
	{ "security_path_mknod",	crs_hook_dir_entry,	true },
	{ "security_path_mkdir",	crs_hook_dir_entry,	true },
	{ "security_path_symlink",	crs_hook_dir_entry,	true },
	{ "security_path_link",		crs_hook_path_link,	true },
	{ "security_path_rename",	crs_hook_path_rename,	true },
	/* the runtime entering a container's root (struct crs_root) */
	{ "security_path_chroot",	crs_hook_path_chroot,	true },
	{ "security_sb_pivotroot",	crs_hook_sb_pivotroot,	true },
	{ "security_socket_bind",	crs_hook_socket_bind,	true },
	{ "security_socket_listen",	crs_hook_socket_listen,	true },
	{ "security_inet_csk_clone",	crs_hook_inet_csk_clone, true },
	{ "security_socket_create",	crs_hook_socket_create,	true },
	{ "replace_mm_exe_file",	crs_hook_replace_mm_exe_file, true },
};

static struct crs_hook_ops {
	struct ftrace_ops ops;
	bool filtered;		/* ftrace_set_filter_ips() done */
	bool armed;		/* registered: the handlers run */
	unsigned int nhooks;
} crs_hook_ops;

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
 * Context: a hook handler (see hooks.h).
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
 * Context: a hook handler (see hooks.h).
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

/* set at removal: see the top of this file */
static bool crs_hooks_stopping;

/*
 * The callback of the ops. @ip is the hooked function's ftrace call
 * site; @fregs holds its argument registers (see the top of this file).
 */
static void notrace crs_hook_entry(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *ops,
				   struct ftrace_regs *fregs)
{
	struct pt_regs *regs = crs_fregs_pt_regs(fregs);
	unsigned int i;
	int bit, set;

	/*
	 * Fails only when this task is already inside crs_hook_entry() in
	 * the same context, i.e. a hooked function called from a handler:
	 * none of the hooked functions is, so nothing is let through here.
	 * The recursion state is per task: it stays valid when the
	 * handler is preempted (PREEMPT_RT).
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	/* the hottest by far: nothing to do for a task in no container */
	if (likely(ip == crs_hook_table[0].addr) && !crs_ctx_maybe())
		goto out_unlock;
	/* none is called in hardirq or NMI: the scratch sets are not theirs */
	if (unlikely(in_hardirq() || in_nmi()))
		goto out_unlock;
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		preempt_enable_notrace();
		/*
		 * Called where nothing may sleep (a raw spinlock held, or
		 * interrupts off): none of the hooked functions is called
		 * so on PREEMPT_RT; if one ever is, it is not judged.
		 */
		if (unlikely(!preemptible())) {
			pr_info_once("hook %ps called where it cannot sleep on PREEMPT_RT: not judged\n",
				     (void *)ip);
			goto out_rt;
		}
	}
	rcu_read_lock();
	if (unlikely(READ_ONCE(crs_hooks_stopping)))
		goto out_rcu;
	set = crs_scratch_lock();
	/* called directly: no retpoline */
	if (likely(ip == crs_hook_table[0].addr)) {
		crs_hook_x64_sys_call(regs);
		goto out;
	}
	for (i = 1; i < ARRAY_SIZE(crs_hook_table); i++) {
		if (crs_hook_table[i].addr == ip) {
			crs_hook_table[i].handler(regs);
			break;
		}
	}
out:
	crs_scratch_unlock(set);
out_rcu:
	rcu_read_unlock();
out_rt:
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_disable_notrace();
out_unlock:
	ftrace_test_recursion_unlock(bit);
}
NOKPROBE_SYMBOL(crs_hook_entry);

/**
 * crs_hooks_installed() - number of hooks armed
 * Return: the count. Context: any.
 */
unsigned int crs_hooks_installed(void)
{
	return READ_ONCE(crs_hook_ops.armed) ? crs_hook_ops.nhooks : 0;
}

static int crs_hook_ops_arm(struct crs_hook_ops *o)
{
	int ret;

	if (o->armed || !o->nhooks)
		return 0;
	ret = register_ftrace_function(&o->ops);
	if (!ret)
		WRITE_ONCE(o->armed, true);
	return ret;
}

/*
 * Waits (RCU tasks) until no task is in the ops' trampoline. If ftrace
 * refuses (it is dead after an ftrace_bug()), its trampoline can still
 * call crs_hook_entry(), so the module text must never be freed: this
 * does not return then, and the module (and the rmmod or failed insmod
 * that called it) stays until reboot. It retries, in case it ever can.
 */
static void crs_hook_ops_disarm(struct crs_hook_ops *o)
{
	int ret;

	while (o->armed) {
		ret = unregister_ftrace_function(&o->ops);
		if (!ret) {
			WRITE_ONCE(o->armed, false);
			break;
		}
		pr_err_once("cannot remove the ftrace hooks (%d): crs stays in memory until reboot\n",
			    ret);
		/* idle: neither load nor a hung task report */
		schedule_timeout_idle(10 * HZ);
	}
}

/*
 * Test builds only (Kbuild: make module CRS_TEST_MISSING_HOOK=symbol):
 * look that function up under a name no kernel has, to show the load
 * refusal of a kernel that lacks it (test_refusal.sh).
 */
#ifdef CRS_TEST_MISSING_HOOK
static const char *crs_hook_lookup_name(const char *symbol)
{
	return strcmp(symbol, CRS_TEST_MISSING_HOOK) ? symbol :
	       "crs_test_missing_function";
}
#else
static const char *crs_hook_lookup_name(const char *symbol)
{
	return symbol;
}
#endif

/*
 * The address of each hook's function, as kprobes resolve it (the
 * ftrace call site on x86_64; kallsyms_lookup_name() is not exported):
 * a disarmed kprobe is registered on each, read and removed again.
 */
static int crs_hooks_resolve(void)
{
	struct kprobe *kps, *reg[ARRAY_SIZE(crs_hook_table)];
	unsigned int i, n = 0;
	int ret;

	kps = kcalloc(ARRAY_SIZE(crs_hook_table), sizeof(*kps), GFP_KERNEL);
	if (!kps)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++) {
		struct crs_hook *h = &crs_hook_table[i];

		h->addr = 0;
		kps[i].symbol_name = crs_hook_lookup_name(h->symbol);
		kps[i].flags = KPROBE_FLAG_DISABLED;
		ret = register_kprobe(&kps[i]);
		if (!ret) {
			reg[n++] = &kps[i];
			/* only an ftrace call site is the ip ftrace gives us */
			if (kps[i].flags & KPROBE_FLAG_FTRACE) {
				h->addr = (unsigned long)kps[i].addr;
				continue;
			}
			ret = -EINVAL;
		}
		if (!h->required) {
			pr_info("optional hook %s not installed (%d)\n",
				h->symbol, ret);
			continue;
		}
		pr_err("cannot load: this kernel has no function %s that ftrace can hook (%d)\n",
		       h->symbol, ret);
		break;
	}
	if (n)
		unregister_kprobes(reg, n);
	kfree(kps);
	return i == ARRAY_SIZE(crs_hook_table) ? 0 : ret;
}

static int crs_hook_ops_setup(struct crs_hook_ops *o)
{
	unsigned long addrs[ARRAY_SIZE(crs_hook_table)];
	unsigned int i, n = 0;
	int ret;

	memset(&o->ops, 0, sizeof(o->ops));
	o->ops.func = crs_hook_entry;
	/*
	 * PERMANENT: while we are registered, sysctl kernel.ftrace_enabled
	 * cannot be switched off (it would switch every hook off).
	 */
	o->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++)
		if (crs_hook_table[i].addr)
			addrs[n++] = crs_hook_table[i].addr;
	o->nhooks = n;
	if (!n)
		return 0;
	ret = ftrace_set_filter_ips(&o->ops, addrs, n, 0, 1);
	if (ret) {
		pr_err("cannot set the ftrace filter of the hooks (%d)\n", ret);
		return ret;
	}
	o->filtered = true;
	return 0;
}

/**
 * crs_hooks_exit() - remove every hook
 *
 * Waits until no task is in a hook's trampoline, handler or landing
 * function any more; never returns if ftrace cannot remove them (see
 * crs_hook_ops_disarm()). Context: process context.
 */
void crs_hooks_exit(void)
{
	struct crs_hook_ops *o = &crs_hook_ops;

	/* no handler runs after this grace period (top of this file) */
	if (o->armed) {
		WRITE_ONCE(crs_hooks_stopping, true);
		synchronize_rcu();
	}
	crs_hook_ops_disarm(o);
	if (o->filtered)
		ftrace_free_filter(&o->ops);
	o->filtered = false;
}

/**
 * crs_hooks_init() - install every hook of the table
 *
 * A missing optional function is logged and skipped; a missing required
 * one fails the load.
 *
 * Context: process context, module init.
 * Return: 0; -ENOENT or -EINVAL when a required function cannot be
 * hooked (register_kprobe()'s errno: not found, or not traceable);
 * -EBUSY when another ftrace user already modifies a hooked function's
 * instruction pointer; -ENOMEM.
 */
int crs_hooks_init(void)
{
	int ret;

	ret = crs_hooks_resolve();
	if (!ret)
		ret = crs_hook_ops_setup(&crs_hook_ops);
	if (!ret)
		ret = crs_hook_ops_arm(&crs_hook_ops);
	if (ret)
		crs_hooks_exit();
	return ret;
}
