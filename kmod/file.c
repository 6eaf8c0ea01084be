// SPDX-License-Identifier: GPL-2.0
/*
 * crs: READ, WRITE and Execution enforcement: the paths and the hooks.
 *
 * Every decision is made on what the kernel resolved: the struct path of
 * the opened file (or the parent directory plus the name for a directory
 * entry being created, removed or renamed), turned into a string from
 * the container's root (crs_container_d_path()), not the calling task's:
 * a container sees its own paths, and a chroot or a new mount namespace
 * inside it cannot rename them; symlinks, "..", dirfds, /proc/self/fd/N,
 * /proc/self/root, openat2, io_uring and 32-bit calls all arrive here as
 * the same path. The rules are compiled and matched in file_rules.c,
 * their programs and exact files resolved in file_bind.c.
 *
 * Hard links are judged by path: a link made before the policy is its
 * own path. Giving a file a new name (link, rename) needs the source to
 * pass both READ and WRITE, so a protected file cannot be moved or linked
 * out from under its rule from inside the container.
 */
#include <linux/binfmts.h>
#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/glob.h>
#include <linux/jhash.h>
#include <linux/kprobes.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mman.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <asm/syscall.h>

#include "crs.h"
#include "compat.h"
#include "container.h"
#include "file.h"
#include "file_bind.h"
#include "file_rules.h"
#include "hook_deny.h"
#include "program.h"
#include "root.h"
#include "verdict.h"

/* ---------------------------------------------------------------------- */
/* Paths. */

/*
 * @path as the container names it (crs_container_d_path(): from the
 * container's root, whatever root the task has), into @buf; NULL if it
 * cannot be named (too long, or out of the container's root: a mount of
 * another mount namespace). An unlinked file (reopened through
 * /proc/PID/fd, say) is named by the name it had: d_path()'s
 * " (deleted)" suffix is cut, so deleting a protected file does not take
 * it out of its rule.
 */
static const char *crs_path(struct crs_ctx *ctx, const struct path *path,
			    char *buf)
{
	static const char deleted[] = " (deleted)";
	size_t len;
	char *s;

	if (!buf || !current->fs)
		return NULL;
	s = crs_container_d_path(ctx->c, path, buf, PATH_MAX);
	if (IS_ERR(s))
		return NULL;
	if (d_unlinked(path->dentry)) {
		len = strlen(s);
		if (len > sizeof(deleted) - 1 &&
		    !strcmp(s + len - (sizeof(deleted) - 1), deleted))
			s[len - (sizeof(deleted) - 1)] = '\0';
	}
	return s;
}

/* The path of @name in directory @dir, into @buf; NULL if too long. */
static const char *crs_path_at(struct crs_ctx *ctx, const struct path *dir,
			       const struct dentry *dentry, char *buf)
{
	const char *d = crs_path(ctx, dir, buf);
	size_t dl, nl = dentry->d_name.len;

	if (!d)
		return NULL;
	dl = strlen(d);
	if (dl == 1 && d[0] == '/')
		dl = 0;
	if (dl + 1 + nl + 1 > PATH_MAX)
		return NULL;
	memmove(buf, d, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, dentry->d_name.name, nl);
	buf[dl + 1 + nl] = '\0';
	return buf;
}

/* Is there anything to do for this container (a policy, or learning)? */
static inline bool crs_governed(struct crs_ctx *ctx)
{
	/* INACTIVE or no policy: only learning wants to see the access */
	return (ctx->p && ctx->mode != CRS_MODE_INACTIVE) ||
	       READ_ONCE(ctx->c->learning);
}

/*
 * The number an Execution is reported under: the exec call that made it,
 * or (code mapped by mmap, mprotect or uselib, with no exec) execve, as
 * the Execution rules that decide it are written.
 */
static int crs_exec_nr(u8 arch)
{
	int nr = syscall_get_nr(current, task_pt_regs(current));

	if (arch == CRS_ARCH_I386)
		return crs_nr_is_exec(CRS_SYS_I386, nr) ? nr : __NR_ia32_execve;
	return crs_nr_is_exec(CRS_SYS_X86_64, nr) ? nr : __NR_execve;
}

/*
 * Decide one access of @kind to @path (NULL: the kernel cannot name it,
 * reported as "?"): the rules match (crs_file_match()), the verdict is
 * counted, logged, sent and learned (crs_verdict()). Resolutions of the
 * rules' names that have gone stale are queued first (file_bind.c).
 */
static bool crs_file_decide(struct crs_ctx *ctx, int kind, const char *path,
			    const struct inode *exe)
{
	struct crs_object obj = { .path = path ? path : "?",
				  .syscall_nr = -1 };
	const struct crs_rule *rule;
	u8 action;

	crs_file_resolve_stale(ctx);
	action = crs_file_match(ctx, kind, path, exe, &rule);
	switch (kind) {
	case CRS_FK_READ:
		obj.type = CRS_RULE_READ;
		break;
	case CRS_FK_WRITE:
		obj.type = CRS_RULE_WRITE;
		break;
	default:
		obj.type = CRS_RULE_SYSCALL;
		obj.arch = in_ia32_syscall() ? CRS_ARCH_I386 : CRS_ARCH_X86_64;
		obj.syscall_nr = crs_exec_nr(obj.arch);
		break;
	}
	return crs_verdict(ctx, rule, action, &obj);
}

/*
 * A path that cannot be named (NULL: longer than PATH_MAX) is denied when
 * the policy has a rule of @kind (crs_file_decide()), reported as "?".
 */
static bool crs_decide_path(struct crs_ctx *ctx, int kind, const char *path)
{
	return crs_file_decide(ctx, kind, path, NULL);
}

/* READ and WRITE of a name: the source of a link or rename. */
static bool crs_decide_rw(struct crs_ctx *ctx, const char *path)
{
	return crs_decide_path(ctx, CRS_FK_READ, path) ||
	       crs_decide_path(ctx, CRS_FK_WRITE, path);
}

/*
 * Could rule path @rule name a file under directory @dir (@dl bytes, no
 * trailing '/')? Exact paths and a glob's literal part longer than the
 * directory must lie under it; a glob whose wildcards start within
 * @dir's own name could match there too.
 */
static bool crs_rule_under(const char *rule, const char *dir, size_t dl)
{
	size_t lit = strcspn(rule, "*?[\\");

	if (lit > dl)
		return !strncmp(rule, dir, dl) && rule[dl] == '/';
	return !strncmp(rule, dir, lit);
}

/* A DENY rule that could name a file under (or at) @dir, or NULL. */
static const struct crs_rule *crs_deny_under(const struct crs_policy *p,
					     const char *dir, size_t dl)
{
	u32 i;

	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		if (r->inactive || !r->file || r->action != CRS_ACTION_DENY ||
		    crs_rule_kind(r) < 0)
			continue;
		if (crs_rule_under(r->file, dir, dl) ||
		    (strlen(r->file) == dl && !memcmp(r->file, dir, dl)))
			return r;
	}
	return NULL;
}

/*
 * Renaming @dir (@dl bytes) through a symlinked rule path (struct
 * crs_alias): @dir at or above an alias's real path moves what the rule
 * names; @dir below it is the rule's path with the target put back.
 */
static const struct crs_rule *crs_deny_under_alias(struct crs_ctx *ctx,
						   const char *dir, size_t dl)
{
	struct crs_file_bound *b = crs_bound(ctx->c);
	const struct crs_rule *r;
	char *alt;
	u32 i;

	if (!b || !ctx->p->file || b->id != ctx->p->file->id)
		return NULL;
	for (i = 0; i < b->nalias; i++) {
		const struct crs_alias *a = &b->alias[i];

		if (dl <= a->canon_len && !memcmp(a->canon, dir, dl) &&
		    (dl == a->canon_len || a->canon[dl] == '/' || dl == 1)) {
			r = crs_deny_under(ctx->p, a->lit, a->lit_len);
			if (r)
				return r;
		} else if (dl > a->canon_len && dir[a->canon_len] == '/' &&
			   !memcmp(a->canon, dir, a->canon_len) &&
			   a->lit_len + dl - a->canon_len < PATH_MAX) {
			alt = crs_path_buf(CRS_BUF_ALIAS);
			if (!alt)
				return NULL;
			memcpy(alt, a->lit, a->lit_len);
			memcpy(alt + a->lit_len, dir + a->canon_len,
			       dl - a->canon_len + 1);
			r = crs_deny_under(ctx->p, alt, a->lit_len + dl - a->canon_len);
			if (r)
				return r;
		}
	}
	return NULL;
}

/*
 * Renaming directory @dir moves every file under it: a DENY rule (READ,
 * WRITE or Execution, of any program) whose path could name a file under
 * @dir denies the rename, as renaming that file itself would be denied.
 * Otherwise "mv /run/secrets /run/x; cat /run/x/token" would take the
 * file out of its rule. @dir NULL (unnamed) was decided by the caller.
 */
static bool crs_decide_subtree(struct crs_ctx *ctx, const char *dir)
{
	struct crs_object obj = { .type = CRS_RULE_WRITE, .path = dir,
				  .syscall_nr = -1 };
	const struct crs_rule *r;
	size_t dl;

	if (!dir || !ctx->p || ctx->mode == CRS_MODE_INACTIVE)
		return false;
	dl = strlen(dir);
	r = crs_deny_under(ctx->p, dir, dl);
	if (!r)
		r = crs_deny_under_alias(ctx, dir, dl);
	return r ? crs_verdict(ctx, r, CRS_ACTION_DENY, &obj) : false;
}

/* ---------------------------------------------------------------------- */
/* Hooks. */

#define CRS_ARG(regs, n) regs_get_kernel_argument(regs, n)

/*
 * security_file_open(struct file *): READ for FMODE_READ, WRITE for
 * FMODE_WRITE or O_TRUNC (do_open truncates after this hook, so a denial
 * here leaves the file untouched). The kernel's own opens for exec
 * (FMODE_EXEC: the binary, its ELF interpreter) are Execution, decided in
 * bprm_check, not READ.
 */
int crs_hook_file_open(struct pt_regs *regs)
{
	struct file *f = (struct file *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	const char *path;
	bool deny = false, rd, wr;

	if (!crs_ctx_get(&ctx))
		return 0;
	/* overlayfs's own open of a layer: the task's open was judged */
	if (!crs_governed(&ctx) || crs_file_is_backing(f))
		goto out;
	/* on 6.1 an exec open has __FMODE_EXEC in f_flags, not f_mode */
	rd = (f->f_mode & FMODE_READ) && !(f->f_mode & FMODE_EXEC) &&
	     !(f->f_flags & __FMODE_EXEC);
	wr = (f->f_mode & FMODE_WRITE) || (f->f_flags & O_TRUNC);
	if (!rd && !wr)
		goto out;
	path = crs_path(&ctx, &f->f_path, crs_path_buf(CRS_BUF_A));
	if (rd)
		deny = crs_decide_path(&ctx, CRS_FK_READ, path);
	if (!deny && wr)
		deny = crs_decide_path(&ctx, CRS_FK_WRITE, path);
out:
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_file_open);

/* A truncate of @p: a WRITE. */
static int crs_truncate(struct pt_regs *regs, const struct path *p)
{
	struct crs_ctx ctx;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_path(&ctx, CRS_FK_WRITE,
				       crs_path(&ctx, p, crs_path_buf(CRS_BUF_A)));
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_truncate);

/* security_path_truncate(const struct path *): truncate, ftruncate, O_TRUNC */
int crs_hook_path_truncate(struct pt_regs *regs)
{
	return crs_truncate(regs, (const struct path *)CRS_ARG(regs, 0));
}
NOKPROBE_SYMBOL(crs_hook_path_truncate);

/*
 * security_file_truncate(struct file *): since 6.2 ftruncate and O_TRUNC
 * call it instead of security_path_truncate (truncate(2) still calls
 * that one). Hooked where the kernel has it (kmod/compat.h).
 */
int crs_hook_file_truncate(struct pt_regs *regs)
{
	const struct file *f = (const struct file *)CRS_ARG(regs, 0);

	return crs_truncate(regs, &f->f_path);
}
NOKPROBE_SYMBOL(crs_hook_file_truncate);

/*
 * The hooks whose object is (dir, dentry), one WRITE of dir/name:
 * security_path_unlink(dir, dentry), _rmdir(dir, dentry), _mknod(dir,
 * dentry, mode, dev) (mknod and O_CREAT of a new file), _mkdir(dir,
 * dentry, mode) and _symlink(dir, dentry, old_name) (the new name only).
 */
int crs_hook_dir_entry(struct pt_regs *regs)
{
	const struct path *dir = (const struct path *)CRS_ARG(regs, 0);
	const struct dentry *d = (const struct dentry *)CRS_ARG(regs, 1);
	struct crs_ctx ctx;
	bool deny = false;
	const char *path;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		path = crs_path_at(&ctx, dir, d, crs_path_buf(CRS_BUF_A));
		deny = crs_decide_path(&ctx, CRS_FK_WRITE, path);
		/* removing a directory or symlink a DENY rule goes through */
		if (!deny && d_really_is_positive(d) &&
		    (d_is_dir(d) || d_is_symlink(d)))
			deny = crs_decide_subtree(&ctx, path);
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_dir_entry);

/*
 * security_path_link(old_dentry, new_dir, new_dentry): WRITE of the new
 * name, and READ and WRITE of the file linked (a new name must not let a
 * protected file escape its rule).
 */
int crs_hook_path_link(struct pt_regs *regs)
{
	struct dentry *old = (struct dentry *)CRS_ARG(regs, 0);
	const struct path *dir = (const struct path *)CRS_ARG(regs, 1);
	const struct dentry *new = (const struct dentry *)CRS_ARG(regs, 2);
	struct path src = { .mnt = dir->mnt, .dentry = old };
	struct crs_ctx ctx;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		deny = crs_decide_path(&ctx, CRS_FK_WRITE,
				       crs_path_at(&ctx, dir, new, crs_path_buf(CRS_BUF_A)));
		if (!deny)
			deny = crs_decide_rw(&ctx, crs_path(&ctx, &src, crs_path_buf(CRS_BUF_B)));
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_path_link);

/*
 * security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags):
 * the source needs READ and WRITE (it moves), the target WRITE (it is
 * replaced); with RENAME_EXCHANGE both move. A directory's rename is
 * also denied when a DENY rule could name a file under either name
 * (crs_decide_subtree()).
 */
int crs_hook_path_rename(struct pt_regs *regs)
{
	const struct path *odir = (const struct path *)CRS_ARG(regs, 0);
	const struct dentry *od = (const struct dentry *)CRS_ARG(regs, 1);
	const struct path *ndir = (const struct path *)CRS_ARG(regs, 2);
	const struct dentry *nd = (const struct dentry *)CRS_ARG(regs, 3);
	unsigned int flags = CRS_ARG(regs, 4);
	struct crs_ctx ctx;
	const char *src, *dst;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx)) {
		src = crs_path_at(&ctx, odir, od, crs_path_buf(CRS_BUF_A));
		deny = crs_decide_rw(&ctx, src);
		dst = crs_path_at(&ctx, ndir, nd, crs_path_buf(CRS_BUF_B));
		if (!deny && (flags & RENAME_EXCHANGE))
			deny = crs_decide_rw(&ctx, dst);
		else if (!deny)
			deny = crs_decide_path(&ctx, CRS_FK_WRITE, dst);
		/*
		 * a directory moves its files, one moved in replaces them;
		 * a symlink moved or replaced re-points every rule path
		 * through it
		 */
		if (!deny && (d_is_dir(od) || d_is_dir(nd) ||
			      d_is_symlink(od) || d_is_symlink(nd)))
			deny = crs_decide_subtree(&ctx, src) ||
			       crs_decide_subtree(&ctx, dst);
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_path_rename);

/*
 * Code loaded without an exec is an Execution of its file too: ld.so run
 * on a file (/lib64/ld-linux-x86-64.so.2 /tmp/evil maps it), uselib(),
 * a PROT_EXEC mmap of a file, and mprotect adding PROT_EXEC to a file
 * mapping; so are an exec'd binary's own segments, its ELF interpreter
 * and the shared libraries ld.so maps.
 */
static bool crs_decide_mapped(struct crs_ctx *ctx, struct file *f)
{
	const struct path *user = crs_file_user_path(f);
	struct mm_struct *mm = current->mm;
	struct file *exe;
	bool own;

	/*
	 * the program's own binary: judged when it was exec'd (an overlay
	 * file's mapping holds the layer's file: compare what the task
	 * opened, the overlay's inode, as the exec did)
	 */
	rcu_read_lock();
	exe = mm ? rcu_dereference(mm->exe_file) : NULL;
	own = exe && (file_inode(exe) == file_inode(f) ||
		      file_inode(exe) == d_inode(user->dentry));
	rcu_read_unlock();
	if (own)
		return false;
	return crs_file_decide(ctx, CRS_FK_EXEC,
			       crs_path(ctx, user, crs_path_buf(CRS_BUF_A)),
			       d_inode(user->dentry));
}

/* security_mmap_file(struct file *file, unsigned long prot, flags) */
int crs_hook_mmap_file(struct pt_regs *regs)
{
	struct file *f = (struct file *)CRS_ARG(regs, 0);
	unsigned long prot = CRS_ARG(regs, 1);
	struct crs_ctx ctx;
	bool deny = false;

	if (!f || !(prot & PROT_EXEC) || !crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_mapped(&ctx, f);
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_mmap_file);

/* security_file_mprotect(vma, reqprot, prot): PROT_EXEC added to a file */
int crs_hook_file_mprotect(struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)CRS_ARG(regs, 0);
	unsigned long prot = CRS_ARG(regs, 2);
	struct crs_ctx ctx;
	bool deny = false;

	if (!(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC) ||
	    !vma->vm_file || !crs_ctx_get(&ctx))
		return 0;
	if (crs_governed(&ctx))
		deny = crs_decide_mapped(&ctx, vma->vm_file);
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_file_mprotect);

/*
 * security_bprm_check(struct linux_binprm *): Execution. It runs once per
 * binary handler round: for a script, first with the script, then with
 * its interpreter; both must be allowed. bprm->file is what the kernel
 * opened (a busybox applet symlink arrives as /bin/busybox; execveat with
 * an fd as that fd's file). The program deciding is still the caller's:
 * the exec has not replaced current's mm yet.
 */
int crs_hook_bprm_check(struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)CRS_ARG(regs, 0);
	struct crs_ctx ctx;
	const char *path;
	bool deny = false;

	if (!crs_ctx_get(&ctx))
		return 0;
	/* a root still pending (struct crs_root) is taken at the first exec */
	crs_container_root_capture(ctx.c, NULL);
	if (crs_governed(&ctx) && bprm->file) {
		path = crs_path(&ctx, &bprm->file->f_path, crs_path_buf(CRS_BUF_A));
		deny = crs_file_decide(&ctx, CRS_FK_EXEC, path,
				       file_inode(bprm->file));
	}
	crs_ctx_put(&ctx);
	return deny ? crs_hook_deny(regs, -EACCES) : 0;
}
NOKPROBE_SYMBOL(crs_hook_bprm_check);

/*
 * security_path_chroot(const struct path *) and security_sb_pivotroot(
 * const struct path *old_path, const struct path *new_path): the runtime
 * entering the root file system of a container bound before it did (OCI
 * hook): its root is taken here (crs_container_root_capture()). For every
 * other container, and every later call, nothing: a chroot or pivot_root
 * does not change the root paths are judged from (crs_container_d_path()).
 */
/* Take a pending container root from the hooked call's argument @n. */
static int crs_hook_capture_root(struct pt_regs *regs, unsigned int n)
{
	const struct path *root = (const struct path *)CRS_ARG(regs, n);
	struct crs_ctx ctx;

	if (!crs_ctx_get(&ctx))
		return 0;
	crs_container_root_capture(ctx.c, root);
	crs_ctx_put(&ctx);
	return 0;
}
NOKPROBE_SYMBOL(crs_hook_capture_root);

int crs_hook_path_chroot(struct pt_regs *regs)
{
	return crs_hook_capture_root(regs, 0);
}
NOKPROBE_SYMBOL(crs_hook_path_chroot);

/* the new root is the second argument */
int crs_hook_sb_pivotroot(struct pt_regs *regs)
{
	return crs_hook_capture_root(regs, 1);
}
NOKPROBE_SYMBOL(crs_hook_sb_pivotroot);

/**
 * crs_hook_replace_mm_exe_file() - replace_mm_exe_file(mm, new_exe_file):
 * a governed task cannot change its program identity
 * @regs: the hooked call's registers
 *
 * prctl(PR_SET_MM, PR_SET_MM_EXE_FILE) and PR_SET_MM_MAP's exe_fd (for
 * checkpoint/restore; possible with the capabilities of a user namespace
 * the container makes) would make mm->exe_file, which program rules
 * match, another file without an exec. Refused with EPERM in every
 * governed container, whatever its policy.
 *
 * Context: process context, inside crs_hook_entry().
 * Return: 0, or -EPERM for the hooked call.
 */
int crs_hook_replace_mm_exe_file(struct pt_regs *regs)
{
	struct crs_ctx ctx;

	if (!crs_ctx_get(&ctx))
		return 0;
	crs_ctx_put(&ctx);
	return crs_hook_deny(regs, -EPERM);
}
NOKPROBE_SYMBOL(crs_hook_replace_mm_exe_file);
