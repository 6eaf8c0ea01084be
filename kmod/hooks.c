// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the hook table. Every hook is a call from the entry of one kernel
 * function, through ftrace (the fentry call the kernel is compiled with,
 * the mechanism livepatch uses); a denial redirects the hooked function
 * to a landing function of ours that returns the errno (hook_deny.c).
 *
 * Three ftrace_ops carry the table; crs_hook_entry() finds the hook by
 * the address ftrace calls it for (resolved once at load). The hooks
 * that judge the current task (all but four) return at once, before
 * anything else, for a task in no bound container
 * (crs_hook_entry_governed()); of those,
 *
 * - the system call dispatchers (x64_sys_call, ia32_sys_call,
 *   x32_sys_call, io_issue_sqe: every system call of every task on the
 *   host) are armed only while a bound container needs them, i.e. its
 *   policy has SYSCALL rules or a DENY defaultSyscallAction (p->sys) or
 *   it is learning. A command that makes a container need them arms
 *   them, under crs_lock, before the change is published
 *   (crs_hooks_syscall_arm()); a check every syscall_hooks_idle_secs
 *   seconds disarms them once no container has needed them for a whole
 *   period. So a host with no such container pays nothing on its system
 *   calls, and container churn does not patch kernel text at its own
 *   rate (each arming patches the call sites with int3 breakpoints while
 *   every CPU runs through them; under multi-threaded qemu TCG that
 *   once hung a CPU on the breakpoint, see tools/testing/vm/run.sh).
 *   They are armed once at load too, so a kernel where they cannot be
 *   is refused then.
 * - every other one (LSM entry points) is registered at load and
 *   removed at unload.
 *
 * The four that follow objects whichever task ends them (a socket's
 * free, an mm's drop, a socket accepted in softirq, a pid namespace's
 * end: CRS_HOOK_ANY) are registered at load and run in full; each
 * returns after one read while crs holds no socket, program record or
 * container.
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
 * sleeps on such a lock counts as quiescent for RCU tasks, so removing
 * an ops (at unload, or the system call ops once idle) first sets its
 * stopping flag and waits for a normal grace period: after it no
 * handler of it is running, and new calls return at once. Removing the
 * ops then waits (RCU tasks) until no task is left in its trampoline or
 * in our code, so module unload is safe.
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "container_bind.h"
#include "file.h"
#include "hooks.h"
#include "net_sock.h"
#include "program.h"
#include "syscall.h"
#include "syscall_rules.h"

typedef int (*crs_hook_fn)(struct pt_regs *regs);

/* The ftrace_ops a hook is in (see the top of this file). */
enum crs_hook_class {
	CRS_HOOK_GOVERNED,	/* judges current: nothing to do outside */
	CRS_HOOK_SYSCALL,	/* the same, and armed only while needed */
	CRS_HOOK_ANY,		/* object lifetimes: runs for every task */
};

struct crs_hook {
	const char *symbol;
	crs_hook_fn handler;
	bool required;
	u8 class;		/* enum crs_hook_class: which ftrace_ops */
	unsigned long addr;	/* where ftrace calls us from; 0: not found */
};

/* Hot hooks first: crs_hook_entry() searches the table in this order. */
/* [0] must stay x64_sys_call: crs_hook_entry() calls its handler directly */
static struct crs_hook crs_hook_table[] = {
	/* every system call of every task */
	{ "x64_sys_call",		crs_hook_x64_sys_call,	true,
	  CRS_HOOK_SYSCALL },
	/* a 32-bit ABI the kernel offers must be hooked, or we refuse */
	{ "ia32_sys_call",		crs_hook_ia32_sys_call,
	  IS_ENABLED(CONFIG_IA32_EMULATION), CRS_HOOK_SYSCALL },
	{ "x32_sys_call",		crs_hook_x32_sys_call,
	  IS_ENABLED(CONFIG_X86_X32_ABI), CRS_HOOK_SYSCALL },
	/* io_uring runs system calls' work without the dispatcher */
	{ "io_issue_sqe",		crs_hook_io_issue_sqe,
	  IS_ENABLED(CONFIG_IO_URING), CRS_HOOK_SYSCALL },
	{ "security_file_open",		crs_hook_file_open,	true },
	/* a socket's or an mm's end, whichever task or context it is in */
	{ "security_sk_free",		crs_hook_sk_free,	true, CRS_HOOK_ANY },
	{ "__mmdrop",			crs_hook_mmdrop,	true, CRS_HOOK_ANY },
	/* a pid namespace's init exits: its container is unbound */
	{ "zap_pid_ns_processes",	crs_hook_zap_pid_ns,
	  IS_ENABLED(CONFIG_PID_NS), CRS_HOOK_ANY },
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
	/* in softirq: current is not the socket's owner */
	{ "security_inet_csk_clone",	crs_hook_inet_csk_clone, true,
	  CRS_HOOK_ANY },
	{ "security_socket_create",	crs_hook_socket_create,	true },
	{ "replace_mm_exe_file",	crs_hook_replace_mm_exe_file, true },
};

struct crs_hook_ops {
	struct ftrace_ops ops;
	u8 class;		/* enum crs_hook_class: the table's hooks it has */
	bool filtered;		/* ftrace_set_filter_ips() done */
	bool armed;		/* registered: the handlers run */
	bool stopping;		/* being removed: handlers return at once */
	unsigned int nhooks;
};

static struct crs_hook_ops crs_governed_ops = { .class = CRS_HOOK_GOVERNED };
static struct crs_hook_ops crs_syscall_ops = { .class = CRS_HOOK_SYSCALL };
static struct crs_hook_ops crs_any_ops = { .class = CRS_HOOK_ANY };
/* in the order they are armed at load; removed in the reverse order */
static struct crs_hook_ops *const crs_all_ops[] = {
	&crs_any_ops, &crs_governed_ops, &crs_syscall_ops,
};

static unsigned int syscall_hooks_idle_secs = 10;
module_param(syscall_hooks_idle_secs, uint, 0644);
MODULE_PARM_DESC(syscall_hooks_idle_secs,
		 "seconds without a container that needs the system call dispatch hooks before they are disarmed (default 10, 1 to 3600)");

/*
 * The callback of the ops. @ip is the hooked function's ftrace call
 * site; @fregs holds its argument registers (see the top of this file).
 */
static void notrace crs_hook_entry(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *ops,
				   struct ftrace_regs *fregs)
{
	struct crs_hook_ops *o = container_of(ops, struct crs_hook_ops, ops);
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
	if (unlikely(READ_ONCE(o->stopping)))
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

/*
 * The callback of the CRS_HOOK_GOVERNED and CRS_HOOK_SYSCALL ops: their
 * handlers judge the current task only, so a task in no bound container
 * (every task of the host) returns here, for a static branch, or a load
 * and a test while containers are bound. crs_ctx_maybe() calls nothing
 * that can be traced: no recursion protection is needed before it.
 * Then a system call through x64_sys_call() (its number is its second
 * argument) that no stored policy and no learning container judges
 * (crs_syscall_unjudged()), the most common case by far, returns before
 * the entry's recursion guard, RCU section and scratch lock. The i386
 * entry may carry another call (socketcall or ipc): it goes on.
 */
static void notrace crs_hook_entry_governed(unsigned long ip,
					    unsigned long parent_ip,
					    struct ftrace_ops *ops,
					    struct ftrace_regs *fregs)
{
	if (likely(!crs_ctx_maybe()))
		return;
	if (ip == crs_hook_table[0].addr &&
	    crs_syscall_unjudged(CRS_SYS_X86_64,
				 (unsigned int)crs_fregs_pt_regs(fregs)->si))
		return;
	crs_hook_entry(ip, parent_ip, ops, fregs);
}
NOKPROBE_SYMBOL(crs_hook_entry_governed);

/**
 * crs_hooks_installed() - number of hooks armed
 * Return: the count, the system call dispatch hooks included only while
 * they are armed. Context: any.
 */
unsigned int crs_hooks_installed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(crs_all_ops); i++)
		if (READ_ONCE(crs_all_ops[i]->armed))
			n += crs_all_ops[i]->nhooks;
	return n;
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
	o->ops.func = o->class == CRS_HOOK_ANY ? crs_hook_entry :
						 crs_hook_entry_governed;
	/*
	 * PERMANENT: while we are registered, sysctl kernel.ftrace_enabled
	 * cannot be switched off (it would switch every hook off).
	 */
	o->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++)
		if (crs_hook_table[i].addr &&
		    crs_hook_table[i].class == o->class)
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

/*
 * Stops the handlers of @o, then removes it: see the top of this file.
 * Context: process context.
 */
static void crs_hook_ops_stop(struct crs_hook_ops *o)
{
	if (o->armed) {
		WRITE_ONCE(o->stopping, true);
		synchronize_rcu();
	}
	crs_hook_ops_disarm(o);
}

static bool crs_hooks_dead;	/* crs_hooks_exit() began; under crs_lock */
static bool crs_syscall_wanted;	/* needed at the last check or since */
static void crs_syscall_idle(struct work_struct *work);
static DECLARE_DELAYED_WORK(crs_syscall_idle_work, crs_syscall_idle);

static void crs_syscall_idle_schedule(void)
{
	schedule_delayed_work(&crs_syscall_idle_work,
			      clamp(READ_ONCE(syscall_hooks_idle_secs), 1U, 3600U) * HZ);
}

/*
 * Every syscall_hooks_idle_secs while the syscall hooks are armed:
 * disarms them when no container needed them at the last check nor
 * since, so a container needs them for a whole period before they go.
 */
static void crs_syscall_idle(struct work_struct *work)
{
	struct crs_hook_ops *o = &crs_syscall_ops;
	bool need;

	mutex_lock(&crs_lock);
	if (!o->armed || crs_hooks_dead)
		goto out;
	crs_syscall_refresh();		/* learning may have stopped */
	need = crs_containers_need_syscalls();
	if (need || crs_syscall_wanted) {
		crs_syscall_wanted = need;
		crs_syscall_idle_schedule();
		goto out;
	}
	/*
	 * One attempt: if ftrace refuses (it is dead after an
	 * ftrace_bug()), the hooks stay armed and judging, and crs_lock is
	 * not held forever as crs_hook_ops_disarm() would at unload.
	 */
	WRITE_ONCE(o->stopping, true);
	synchronize_rcu();
	if (unregister_ftrace_function(&o->ops)) {
		pr_err_once("cannot disarm the system call hooks: they stay armed\n");
		WRITE_ONCE(o->stopping, false);
		crs_syscall_idle_schedule();
	} else {
		WRITE_ONCE(o->armed, false);
	}
out:
	mutex_unlock(&crs_lock);
}

/**
 * crs_hooks_syscall_arm() - arm the system call dispatch hooks
 *
 * Called before a change that makes a container need them is published
 * (a policy with p->sys bound or replaced, learning switched on); they
 * stay armed for at least syscall_hooks_idle_secs after.
 *
 * Context: process context, crs_lock held; may sleep (patches kernel
 * text and waits for it).
 * Return: 0; -ENODEV while the module is being removed; -EBUSY when
 * another ftrace user now modifies a dispatcher's instruction pointer
 * (a live patch); -ENOMEM.
 */
int crs_hooks_syscall_arm(void)
{
	struct crs_hook_ops *o = &crs_syscall_ops;
	int ret;

	lockdep_assert_held(&crs_lock);
	if (crs_hooks_dead)
		return -ENODEV;
	crs_syscall_wanted = true;
	if (o->armed || !o->nhooks)
		return 0;
	WRITE_ONCE(o->stopping, false);
	ret = crs_hook_ops_arm(o);
	if (ret)
		pr_err("cannot arm the system call hooks (%d)\n", ret);
	else
		crs_syscall_idle_schedule();
	return ret;
}

/**
 * crs_hooks_exit() - remove every hook
 *
 * Waits until no task is in a hook's trampoline, handler or landing
 * function any more; never returns if ftrace cannot remove them (see
 * crs_hook_ops_disarm()). Context: process context, crs_lock not held.
 */
void crs_hooks_exit(void)
{
	struct crs_hook_ops *o;
	unsigned int i;

	mutex_lock(&crs_lock);
	crs_hooks_dead = true;	/* no arming from here on */
	mutex_unlock(&crs_lock);
	cancel_delayed_work_sync(&crs_syscall_idle_work);
	for (i = ARRAY_SIZE(crs_all_ops); i-- > 0;) {
		o = crs_all_ops[i];
		crs_hook_ops_stop(o);
		if (o->filtered)
			ftrace_free_filter(&o->ops);
		o->filtered = false;
	}
}

/**
 * crs_hooks_init() - install every hook of the table
 *
 * A missing optional function is logged and skipped; a missing required
 * one fails the load. The system call hooks are armed too, and disarmed
 * by the idle check when no container needs them.
 *
 * Context: process context, module init.
 * Return: 0; -ENOENT or -EINVAL when a required function cannot be
 * hooked (register_kprobe()'s errno: not found, or not traceable);
 * -EBUSY when another ftrace user already modifies a hooked function's
 * instruction pointer; -ENOMEM.
 */
int crs_hooks_init(void)
{
	unsigned int i;
	int ret;

	crs_hooks_dead = false;
	ret = crs_hooks_resolve();
	for (i = 0; !ret && i < ARRAY_SIZE(crs_all_ops); i++)
		ret = crs_hook_ops_setup(crs_all_ops[i]);
	if (!ret)
		ret = crs_hook_ops_arm(&crs_any_ops);
	if (!ret)
		ret = crs_hook_ops_arm(&crs_governed_ops);
	if (!ret) {
		mutex_lock(&crs_lock);
		ret = crs_hooks_syscall_arm();
		mutex_unlock(&crs_lock);
	}
	if (ret)
		crs_hooks_exit();
	return ret;
}
