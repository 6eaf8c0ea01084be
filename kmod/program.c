// SPDX-License-Identifier: GPL-2.0
/*
 * crs: program identity of the current task, computed once per exec.
 *
 * A program is the path of current->mm->exe_file as seen from the
 * container's root (crs_container_d_path(): not the task's, so a copy of
 * an allowed binary run in a chroot has its own name), plus the inode it
 * is. It is computed at the first
 * governed call after an exec and cached per mm: every exec installs a
 * new mm, so the cache needs no exec hook, and the entry is dropped when
 * the mm is freed (__mmdrop). The cached exe_file pointer is compared on
 * each lookup, so a PR_SET_MM_EXE_FILE (or a missed __mmdrop and a reused
 * mm address) recomputes instead of returning a stale identity.
 *
 * Only governed tasks get here (callers hold a crs_ctx), so host tasks
 * never allocate. The cache is bounded by program_cache_max; beyond it the
 * identity is computed into a per-cpu scratch entry on every call.
 */
#include <linux/dcache.h>
#include <linux/kprobes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/hash.h>
#include <linux/limits.h>
#include <linux/local_lock.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "crs.h"
#include "compat.h"
#include "program.h"
#include "root.h"

static unsigned int program_cache_max = 8192;
module_param(program_cache_max, uint, 0644);
MODULE_PARM_DESC(program_cache_max,
		 "most program identities cached (one per live mm of governed tasks)");

#define CRS_PROG_BITS 10

static struct hlist_head crs_prog_hash[1 << CRS_PROG_BITS];
static DEFINE_SPINLOCK(crs_prog_lock);
static atomic_t crs_prog_count = ATOMIC_INIT(0);

/*
 * Per cpu, two scratch sets, each a program entry then __CRS_BUF_MAX path
 * buffers: set 0 for a task with bottom halves enabled, set 1 for a
 * softirq or a section with them disabled (the netfilter hooks). A
 * softirq that interrupts a task using set 0 (or, on PREEMPT_RT, a BH
 * section that preempts one) uses set 1, so it never overwrites the
 * task's buffers and never waits for the task's lock. Each set is under
 * its own local_lock: preemption disabled, or on PREEMPT_RT a per-CPU
 * sleeping lock with migration disabled.
 */
#define CRS_SCRATCH_SIZE (sizeof(struct crs_program) + PATH_MAX)
struct crs_scratch {
	local_lock_t lock;
	char *buf;
};
/* [0]: tasks with bottom halves enabled; [1]: softirq and BH disabled */
static DEFINE_PER_CPU(struct crs_scratch, crs_scratch[2]) = {
	{ .lock = INIT_LOCAL_LOCK(lock) },
	{ .lock = INIT_LOCAL_LOCK(lock) },
};

static struct hlist_head *crs_prog_bucket(const struct mm_struct *mm)
{
	return &crs_prog_hash[hash_ptr(mm, CRS_PROG_BITS)];
}

/* the set for this context; constant while a set is held */
static int crs_scratch_set(void)
{
	return softirq_count() ? 1 : 0;
}

/**
 * crs_scratch_lock() - take this CPU's scratch set for this context
 *
 * Taken around every hook handler and netfilter verdict, before
 * crs_ctx_get(); crs_path_buf() and the program identity use the set.
 * Code that holds a set must not change its bottom-half state while
 * it uses the buffers (none does: only crs_resolve_later() takes a BH
 * lock, and uses no buffer).
 *
 * Context: task or softirq, not hardirq; preemptible on PREEMPT_RT
 * (the lock may sleep there). Return: the set taken, for
 * crs_scratch_unlock().
 */
int crs_scratch_lock(void)
{
	int set = crs_scratch_set();

	local_lock(&crs_scratch[set].lock);
	return set;
}
NOKPROBE_SYMBOL(crs_scratch_lock);

/**
 * crs_scratch_unlock() - release the set crs_scratch_lock() returned
 * @set: its return value
 *
 * Context: as crs_scratch_lock(), the same section.
 */
void crs_scratch_unlock(int set)
{
	local_unlock(&crs_scratch[set].lock);
}
NOKPROBE_SYMBOL(crs_scratch_unlock);

static char *crs_scratch_buf(void)
{
	/* __this_cpu: DEBUG_PREEMPT reports a caller that can migrate */
	return __this_cpu_read(crs_scratch[crs_scratch_set()].buf);
}

/**
 * crs_path_buf() - a scratch buffer of PATH_MAX bytes
 * @which: which of the buffers
 *
 * Context: inside crs_scratch_lock(); valid until crs_scratch_unlock().
 * Return: the buffer, or NULL before crs_program_init().
 */
char *crs_path_buf(enum crs_pathbuf which)
{
	char *b = crs_scratch_buf();

	if (!b)
		return NULL;
	return b + CRS_SCRATCH_SIZE + (size_t)which * PATH_MAX;
}

static struct crs_program *crs_prog_scratch(void)
{
	return (struct crs_program *)crs_scratch_buf();
}

static struct crs_program *crs_prog_lookup(const struct mm_struct *mm)
{
	struct crs_program *e;

	hlist_for_each_entry_rcu(e, crs_prog_bucket(mm), node)
		if (e->mm == mm)
			return e;
	return NULL;
}

/* Insert @n for its mm, replacing a stale entry. Returns the one in use. */
static struct crs_program *crs_prog_insert(struct crs_program *n)
{
	struct crs_program *old;
	unsigned long flags;

	spin_lock_irqsave(&crs_prog_lock, flags);
	old = crs_prog_lookup(n->mm);
	if (old && old->exe == n->exe) {
		spin_unlock_irqrestore(&crs_prog_lock, flags);
		kfree(n);
		return old;
	}
	if (old) {
		hlist_replace_rcu(&old->node, &n->node);
	} else {
		hlist_add_head_rcu(&n->node, crs_prog_bucket(n->mm));
		atomic_inc(&crs_prog_count);
	}
	spin_unlock_irqrestore(&crs_prog_lock, flags);
	if (old)
		kfree_rcu(old, rcu);
	return n;
}

/**
 * crs_program_get() - the program identity of current
 * @ctx: the decision context (current is governed)
 *
 * Resolved once per decision: the verdict, its audit event, learning and
 * the denial's log line all get what the first call found (kept in @ctx
 * unless it is only the per-CPU scratch entry, which the next
 * crs_scratch_lock() section may reuse).
 *
 * Context: inside crs_ctx_get()/crs_ctx_put() and crs_scratch_lock().
 * Return: the identity, valid until crs_ctx_put() (the per-CPU scratch
 * entry, used when the cache is full or the name could not be kept: until
 * crs_scratch_unlock() or the next call); NULL for a task without an
 * executable (kernel threads) or when it cannot be resolved.
 */
const struct crs_program *crs_program_get(struct crs_ctx *ctx)
{
	struct mm_struct *mm = current->mm;
	struct crs_program *e, *n;
	struct file *exe;
	bool cache = true;
	const char *s;
	char *buf;
	size_t len;

	if (ctx->prog)
		return ctx->prog;
	if (!mm || !current->fs)
		return NULL;
	exe = rcu_dereference(mm->exe_file);
	e = crs_prog_lookup(mm);
	if (e && e->exe == exe) {
		ctx->prog = e;
		return e;
	}
	if (!exe)
		return NULL;
	exe = crs_get_file_rcu(&mm->exe_file);
	if (!exe)
		return NULL;
	buf = crs_path_buf(CRS_BUF_PROGRAM);
	e = NULL;
	if (!buf)
		goto out;
	/* from the container's root: a copy run in a chroot is not spoofed */
	s = crs_container_name(ctx->c, &exe->f_path, buf, PATH_MAX, true);
	/*
	 * No name from the container's root (an executable of another
	 * mount namespace, or a path too long): "?", which no rule's
	 * program equals, but the inode still matches a rule's program
	 * resolved to it. Not cached when only this context could not
	 * name it (-EAGAIN: bottom halves disabled).
	 */
	if (IS_ERR(s)) {
		cache = PTR_ERR(s) != -EAGAIN;
		s = "?";
	}
	len = strlen(s);
	n = NULL;
	if (cache && atomic_read(&crs_prog_count) < READ_ONCE(program_cache_max))
		n = kmalloc(sizeof(*n) + len + 1, GFP_ATOMIC | __GFP_NOWARN);
	if (!n)
		n = crs_prog_scratch();
	n->mm = mm;
	n->exe = exe;
	n->dev = file_inode(exe)->i_sb->s_dev;
	n->ino = file_inode(exe)->i_ino;
	memmove(n->path, s, len + 1);
	e = n;
	if (n != crs_prog_scratch()) {
		e = crs_prog_insert(n);
		ctx->prog = e;
	}
out:
	fput(exe);
	return e;
}

/**
 * crs_program_current() - the program (executable path) of current
 * @ctx: the decision context
 *
 * Context: as crs_program_get(). Return: the path, or NULL.
 */
const char *crs_program_current(struct crs_ctx *ctx)
{
	const struct crs_program *e = crs_program_get(ctx);

	return e ? e->path : NULL;
}

/* __mmdrop(struct mm_struct *mm): forget the mm's identity. */
int crs_hook_mmdrop(struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs_get_kernel_argument(regs, 0);
	struct crs_program *e;
	unsigned long flags;

	if (!atomic_read(&crs_prog_count))
		return 0;
	spin_lock_irqsave(&crs_prog_lock, flags);
	e = crs_prog_lookup(mm);
	if (e) {
		hlist_del_rcu(&e->node);
		atomic_dec(&crs_prog_count);
	}
	spin_unlock_irqrestore(&crs_prog_lock, flags);
	if (e)
		kfree_rcu(e, rcu);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_mmdrop);

/**
 * crs_program_count() - cached program identities
 * Return: the count. Context: any.
 */
unsigned int crs_program_count(void)
{
	return atomic_read(&crs_prog_count);
}

/**
 * crs_program_init() - allocate the per-cpu buffers
 *
 * Context: process context, before the hooks are installed.
 * Return: 0 or -ENOMEM.
 */
int crs_program_init(void)
{
	size_t size = CRS_SCRATCH_SIZE + __CRS_BUF_MAX * PATH_MAX;
	int cpu, i;
	char *b;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < ARRAY_SIZE(crs_scratch); i++) {
			b = kvmalloc_node(size, GFP_KERNEL, cpu_to_node(cpu));
			if (!b) {
				crs_program_exit();
				return -ENOMEM;
			}
			per_cpu(crs_scratch[i].buf, cpu) = b;
		}
	}
	return 0;
}

/**
 * crs_program_exit() - free the cache and the buffers
 *
 * Context: process context, after the hooks are removed.
 */
void crs_program_exit(void)
{
	struct crs_program *e;
	struct hlist_node *t;
	int cpu, i;

	synchronize_rcu();
	for (i = 0; i < ARRAY_SIZE(crs_prog_hash); i++) {
		hlist_for_each_entry_safe(e, t, &crs_prog_hash[i], node) {
			hlist_del(&e->node);
			kfree(e);
		}
	}
	atomic_set(&crs_prog_count, 0);
	for_each_possible_cpu(cpu) {
		for (i = 0; i < ARRAY_SIZE(crs_scratch); i++) {
			kvfree(per_cpu(crs_scratch[i].buf, cpu));
			per_cpu(crs_scratch[i].buf, cpu) = NULL;
		}
	}
}
