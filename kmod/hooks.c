// SPDX-License-Identifier: GPL-2.0
/*
 * crs: the hook table. Every hook is a kprobe at a function's entry;
 * a denial redirects the probed function to a landing function of ours
 * that returns the errno (see crs_hook_deny()).
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/workqueue.h>

#include "crs.h"
#include "hooks.h"

struct crs_hook {
	const char *symbol;
	kprobe_pre_handler_t handler;
	bool required;
	bool lazy;		/* armed only while a container is bound */
	struct kprobe kp;
	bool installed;		/* registered */
	bool armed;		/* registered and enabled */
};

static struct crs_hook crs_hook_table[] = {
	{ "security_file_open",		crs_hook_file_open,	true },
	{ "security_path_truncate",	crs_hook_path_truncate,	true },
	{ "security_path_unlink",	crs_hook_dir_entry,	true },
	{ "security_path_rmdir",	crs_hook_dir_entry,	true },
	{ "security_path_mknod",	crs_hook_dir_entry,	true },
	{ "security_path_mkdir",	crs_hook_dir_entry,	true },
	{ "security_path_symlink",	crs_hook_dir_entry,	true },
	{ "security_path_link",		crs_hook_path_link,	true },
	{ "security_path_rename",	crs_hook_path_rename,	true },
	{ "security_bprm_check",	crs_hook_bprm_check,	true },
	{ "__mmdrop",			crs_hook_mmdrop,	true },
	/* every system call of every task: only while a container is bound */
	{ "x64_sys_call",		crs_hook_x64_sys_call,	true, true },
	{ "ia32_sys_call",		crs_hook_ia32_sys_call,	false, true },
	{ "x32_sys_call",		crs_hook_x32_sys_call,	false, true },
	{ "security_socket_bind",	crs_hook_socket_bind,	true },
	{ "security_socket_listen",	crs_hook_socket_listen,	true },
	{ "security_inet_csk_clone",	crs_hook_inet_csk_clone, true },
	{ "security_sk_free",		crs_hook_sk_free,	true },
};

/*
 * Landing functions: the probed function's call is redirected here with
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
 * crs_hook_deny_errno() - make the probed function return -@err
 * @regs: the pre-handler's registers
 * @err: a positive errno, 1..MAX_ERRNO
 *
 * Only for probed functions whose second argument the caller does not
 * need back (x64_sys_call(regs, nr), ia32_sys_call(regs, nr)): the errno
 * is passed to the landing function in that argument's register.
 *
 * Context: a kprobe pre-handler at function entry.
 * Return: 1, the value the pre-handler must return.
 */
int crs_hook_deny_errno(struct pt_regs *regs, unsigned int err)
{
	regs->si = err;
	instruction_pointer_set(regs, (unsigned long)crs_ret_arg2);
	return 1;
}
NOKPROBE_SYMBOL(crs_hook_deny_errno);

/**
 * crs_hook_deny() - make the probed function return @err without running
 * @regs: the pre-handler's registers
 * @err: -EACCES or -EPERM (anything else is taken as -EACCES)
 *
 * Context: a kprobe pre-handler at function entry.
 * Return: 1, the value the pre-handler must return.
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

/**
 * crs_hooks_installed() - number of hooks installed and armed
 * Return: the count. Context: any.
 */
unsigned int crs_hooks_installed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++)
		n += crs_hook_table[i].armed;
	return n;
}

static int crs_hook_register(struct crs_hook *h)
{
	int ret;

	memset(&h->kp, 0, sizeof(h->kp));
	h->kp.symbol_name = h->symbol;
	h->kp.pre_handler = h->handler;
	/* lazy hooks are registered disarmed: no text is patched yet */
	if (h->lazy)
		h->kp.flags = KPROBE_FLAG_DISABLED;
	ret = register_kprobe(&h->kp);
	h->installed = !ret;
	h->armed = !ret && !h->lazy;
	return ret;
}

static void crs_hook_unregister(struct crs_hook *h)
{
	if (h->installed)
		unregister_kprobe(&h->kp);
	h->installed = false;
	h->armed = false;
}

/*
 * The syscall dispatch hooks fire on every system call on the machine:
 * they are registered disarmed at load, armed with the first bound
 * container (before it becomes visible) and disarmed a few seconds after
 * the last one is gone, so short-lived containers do not patch the
 * kernel's text on every start.
 */
static unsigned int crs_lazy_users;
static void crs_lazy_off(struct work_struct *w);
static DECLARE_DELAYED_WORK(crs_lazy_off_work, crs_lazy_off);

static void crs_lazy_disarm(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++) {
		struct crs_hook *h = &crs_hook_table[i];

		if (h->lazy && h->armed && !disable_kprobe(&h->kp))
			h->armed = false;
	}
}

static void crs_lazy_off(struct work_struct *w)
{
	mutex_lock(&crs_lock);
	if (!crs_lazy_users)
		crs_lazy_disarm();
	mutex_unlock(&crs_lock);
}

/**
 * crs_hooks_lazy_get() - a container is being bound: have every hook
 * armed before it becomes visible
 *
 * Context: process context, crs_lock held.
 * Return: 0 or the errno of enable_kprobe().
 */
int crs_hooks_lazy_get(void)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&crs_lock);
	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++) {
		struct crs_hook *h = &crs_hook_table[i];

		if (!h->lazy || !h->installed || h->armed)
			continue;
		ret = enable_kprobe(&h->kp);
		if (ret) {
			pr_err("cannot arm hook %s (%d)\n", h->symbol, ret);
			if (!crs_lazy_users)
				crs_lazy_disarm();
			return ret;
		}
		h->armed = true;
	}
	crs_lazy_users++;
	return 0;
}

/**
 * crs_hooks_lazy_put() - a container was unbound
 *
 * Context: process context, crs_lock held.
 */
void crs_hooks_lazy_put(void)
{
	lockdep_assert_held(&crs_lock);
	if (!WARN_ON_ONCE(!crs_lazy_users) && !--crs_lazy_users)
		mod_delayed_work(system_wq, &crs_lazy_off_work, 5 * HZ);
}

/**
 * crs_hooks_exit() - remove every installed hook
 *
 * Waits until no handler runs any more. Context: process context.
 */
void crs_hooks_exit(void)
{
	int i;

	cancel_delayed_work_sync(&crs_lazy_off_work);
	for (i = ARRAY_SIZE(crs_hook_table) - 1; i >= 0; i--)
		crs_hook_unregister(&crs_hook_table[i]);
}

/**
 * crs_hooks_init() - install every hook of the table (the lazy ones
 * disarmed)
 *
 * A missing optional symbol is logged and skipped; a missing required one
 * removes what was installed and fails the load.
 *
 * Context: process context, module init.
 * Return: 0 or the negative errno of register_kprobe().
 */
int crs_hooks_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(crs_hook_table); i++) {
		struct crs_hook *h = &crs_hook_table[i];

		ret = crs_hook_register(h);
		if (!ret)
			continue;
		if (!h->required) {
			pr_info("optional hook %s not installed (%d)\n",
				h->symbol, ret);
			continue;
		}
		pr_err("cannot hook %s (%d): kprobes with ftrace needed\n",
		       h->symbol, ret);
		crs_hooks_exit();
		return ret;
	}
	return 0;
}
