// SPDX-License-Identifier: GPL-2.0
/*
 * crs: a container's root, and the names of files as the container sees
 * them (judged paths, program names), whatever root, mount namespace or
 * descriptor a task of it came through.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>

#include "crs.h"
#include "root.h"

/*
 * The container's root. Rule paths are paths in the container's own root
 * file system, so every judged path (crs_container_d_path()) is computed
 * against the root the container was bound with, not against the calling
 * task's: chroot, pivot_root, a bind mount in a new mount namespace (of a
 * user namespace the container made) cannot change which rule matches.
 *
 * The root is the root of the process named at bind. An OCI hook binds
 * before the runtime has pivoted into the container's root file system;
 * it passes the bundle's root.path (as an fd: @rootfs of
 * crs_container_bind()), the container's names are resolved there, and
 * the root itself is taken at the runtime's pivot_root or chroot in the
 * container, or at its first exec if it does neither: all before the
 * container's own code runs.
 */
struct crs_root {
	spinlock_t lock;	/* serializes the capture */
	struct path root;	/* valid once set */
	struct path rootfs;	/* until set: where names resolve */
	struct dentry *before;	/* until set: the binder's root directory */
	char *rootfs_name;	/* until set: d_path() of rootfs at the bind */
	int rootfs_len;
	bool set;		/* root valid; set once (release/acquire) */
};

/* Is @r's root set? Pairs with the release in crs_container_root_capture() */
static bool crs_root_ready(const struct crs_root *r)
{
	/* root is read after set: it is written before set */
	return r && smp_load_acquire(&r->set);
}

/* @task's root, referenced; -ESRCH when it has none (exiting). */
static int crs_task_root(struct task_struct *task, struct path *root)
{
	int ret = -ESRCH;

	task_lock(task);
	if (task->fs) {
		get_fs_root(task->fs, root);
		ret = 0;
	}
	task_unlock(task);
	return ret;
}

/**
 * crs_root_new() - the root of a container whose process is @task
 * @task: the process named at bind
 * @rootfs: the OCI bundle's root file system, or NULL
 *
 * With @rootfs and @task still in the binder's own root directory
 * (through its own mount namespace's copy of the mount, as a runtime's
 * init is before it pivots), the root is pending until
 * crs_container_root_capture(); otherwise it is @task's root.
 *
 * Context: process context, may sleep. Return: the root, or ERR_PTR
 * -ENOMEM, or -ESRCH when @task has no root (exiting).
 */
struct crs_root *crs_root_new(struct task_struct *task,
			      const struct path *rootfs)
{
	struct crs_root *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	struct path troot, mine;
	bool pending = false;

	if (!r)
		return ERR_PTR(-ENOMEM);
	if (crs_task_root(task, &troot)) {
		kfree(r);
		return ERR_PTR(-ESRCH);
	}
	spin_lock_init(&r->lock);
	/* the same directory: a runtime's new mount namespace copies mounts */
	if (rootfs && !crs_task_root(current, &mine)) {
		pending = troot.dentry == mine.dentry;
		if (pending)
			r->before = dget(mine.dentry);
		path_put(&mine);
	}
	if (pending) {
		char *buf = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT), *name;

		path_put(&troot);
		r->rootfs = *rootfs;
		path_get(&r->rootfs);
		/* the runtime's own steps before the pivot: see below */
		name = buf ? d_path(rootfs, buf, PATH_MAX) : ERR_PTR(-ENOMEM);
		if (!IS_ERR(name) && strlen(name) > 1) {
			r->rootfs_len = strlen(name);
			r->rootfs_name = kstrdup(name, GFP_KERNEL_ACCOUNT);
		}
		kfree(buf);
	} else {
		r->root = troot;
		r->set = true;
	}
	return r;
}

/**
 * crs_root_free() - put what crs_root_new() took and free @r
 * @r: a root, or NULL
 *
 * Context: process context (path_put() may sleep).
 */
void crs_root_free(struct crs_root *r)
{
	if (!r)
		return;
	if (r->set)
		path_put(&r->root);
	if (r->rootfs.mnt)
		path_put(&r->rootfs);
	dput(r->before);
	kfree(r->rootfs_name);
	kfree(r);
}

/**
 * crs_container_root_capture() - take @c's pending root
 * @c: the container of current
 * @root: the root to take (a chroot's or pivot_root's new root), or NULL
 *	for current's own root
 *
 * Only a container bound with the OCI bundle's root file system, before
 * the runtime pivoted, has a pending root; the first call after the bind
 * sets it (the runtime's pivot_root, chroot, or the first exec outside
 * the binder's root directory) and asks for the container's names to be
 * resolved again there. Later calls do nothing.
 *
 * Context: inside crs_ctx_get(); does not sleep.
 */
void crs_container_root_capture(struct crs_container *c,
				const struct path *root)
{
	struct crs_root *r = c->root;
	struct fs_struct *fs = current->fs;
	bool done = false;

	if (!r || crs_root_ready(r) || (!root && !fs))
		return;
	spin_lock(&r->lock);
	if (root && !r->set) {
		path_get(root);
		r->root = *root;
		done = true;
	} else if (!r->set) {
		spin_lock(&fs->lock);
		/*
		 * an exec still in the binder's root directory is the
		 * runtime's own (an OCI createContainer hook), not the
		 * container's entry: wait for the pivot
		 */
		if (fs->root.dentry != r->before) {
			r->root = fs->root;
			path_get(&r->root);
			done = true;
		}
		spin_unlock(&fs->lock);
	}
	if (done)	/* readers test set (crs_root_ready()) before root */
		smp_store_release(&r->set, true);
	spin_unlock(&r->lock);
	if (done)
		atomic_inc(&c->resolve_gen);
}

/**
 * crs_container_lookup_root() - where @c's names (rule programs, exact
 * Execution files) resolve: its root, or while that is pending the OCI
 * bundle's root file system
 * @c: a container that cannot go away (crs_lock held, or RCU)
 * @root: out, referenced (path_put() it)
 *
 * Context: any. Return: 0, or -ESRCH when @c has no root.
 */
int crs_container_lookup_root(struct crs_container *c, struct path *root)
{
	struct crs_root *r = c->root;

	if (!r)
		return -ESRCH;
	if (crs_root_ready(r))
		*root = r->root;
	else if (r->rootfs.mnt)
		*root = r->rootfs;
	else
		return -ESRCH;
	path_get(root);
	return 0;
}

/* Is current's root @root? */
static bool crs_root_is_current(struct fs_struct *fs, const struct path *root)
{
	unsigned int seq;
	bool same;

	do {
		seq = read_seqcount_begin(&fs->seq);
		same = path_equal(&fs->root, root);
	} while (read_seqcount_retry(&fs->seq, seq));
	return same;
}

/* The host's root (init's): where a file handed in from outside is named */
static struct path crs_host_root;

/**
 * crs_root_init() - take the host's root (init's)
 *
 * Context: module init.
 */
void crs_root_init(void)
{
	/* init_task's fs_struct (init_fs) is never freed */
	get_fs_root(init_task.fs, &crs_host_root);
}

/**
 * crs_root_exit() - put the host's root
 *
 * Context: module exit, after the last container was freed.
 */
void crs_root_exit(void)
{
	path_put(&crs_host_root);
}

/*
 * Is @path reached from @root (the container's), or else from the host's
 * root? The second is a file a runtime handed in from outside the
 * container (runc's exec.fifo, reopened through /proc/self/fd after its
 * pivot_root), named by its host path as before. A mount of a mount
 * namespace the container made (unshare -Urm) or a detached one is
 * reached by neither, whichever way the task got to it: its own root
 * there, /proc/PID/root of a task there, a descriptor passed from there.
 */
static bool crs_path_reached(const struct path *path, const struct path *root)
{
	/* the container's own root mount: no mount_lock (path_is_under()) */
	if (path->mnt == root->mnt && is_subdir(path->dentry, root->dentry))
		return true;
	return path_is_under(path, root) || path_is_under(path, &crs_host_root);
}

/*
 * Is a file system acting for current with credentials of its own, of
 * the one that mounted the container's root? overlayfs copying a file
 * up, or reading a layer's directory, opens the layers' files on private
 * mounts that no root reaches, under its mounter's credentials; the
 * task's own access was judged at the overlay. Those credentials hold
 * CAP_SYS_ADMIN over @root's file system (its user namespace or an
 * ancestor: the host's for podman, the rootless user's for rootless
 * podman). Other borrowed credentials are not taken for them: a core
 * dump's (a copy of the task's own), an io_uring request's registered
 * personality (the task's, or another of its tasks'), and those of a
 * mount the container made in a user namespace of its own.
 */
static bool crs_fs_acting(const struct path *root)
{
	const struct cred *cred = current_cred();
	struct user_namespace *ns = root->mnt->mnt_sb->s_user_ns;

	if (cred == rcu_access_pointer(current->real_cred) ||
	    !cap_raised(cred->cap_effective, CAP_SYS_ADMIN))
		return false;
	for (; ns; ns = ns->parent)
		if (ns == cred->user_ns)
			return true;
	return false;
}

/*
 * A pseudo file (pipe, socket, anonymous inode, memfd) or a file of a
 * kernel-internal mount (SysV shm): d_path() names it, no root reaches it.
 */
static bool crs_path_pseudo(const struct path *path)
{
	return (path->dentry->d_op && path->dentry->d_op->d_dname) ||
	       (path->mnt->mnt_flags & MNT_INTERNAL);
}

/**
 * crs_d_path_from() - d_path() of @path from @root instead of current's
 * @root: the root to name from
 * @path: a path the kernel resolved
 * @buf: buffer
 * @buflen: its size
 *
 * When @root is current's root, d_path(); otherwise d_path() runs with an
 * fs_struct holding @root lent to current (task_lock() keeps other tasks,
 * which read task->fs under it, from seeing it; d_path() only reads the
 * root from it). Either way a file that neither @root nor the host's root
 * reaches (a mount of another mount namespace, even one reached through
 * /proc/PID/root or a passed descriptor; a detached mount) has no name,
 * unless a file system opens it for the task (see crs_fs_acting()): then
 * it keeps d_path()'s name, from its private mount's root.
 * Pseudo files (pipes, sockets, anonymous inodes) and files of
 * kernel-internal mounts (memfd, SysV shm) keep their d_path() names.
 *
 * Context: task context, no spinlock held but RCU (and, on !PREEMPT_RT,
 * disabled preemption) allowed; takes mount_lock (path_is_under()) for a
 * file out of @root's mount; does not sleep.
 * Return: a pointer into @buf, or ERR_PTR: -ENAMETOOLONG, -EXDEV (not
 * reached, see above), -EAGAIN (@root is not current's and this is not
 * task context, or bottom halves or interrupts are disabled: then it
 * does not try), -ENOENT (current has no fs_struct: exiting).
 */
char *crs_d_path_from(const struct path *root, const struct path *path,
		      char *buf, int buflen)
{
	struct fs_struct fs, *mine = current->fs;
	char *s;

	if (crs_path_pseudo(path))
		return d_path(path, buf, buflen);
	if (!mine)
		return ERR_PTR(-ENOENT);
	if (crs_root_is_current(mine, root)) {
		s = d_path(path, buf, buflen);
		goto reached;
	}
	/* task_lock() is not taken with bottom halves or interrupts off */
	if (!in_task() || softirq_count() || irqs_disabled())
		return ERR_PTR(-EAGAIN);
	memset(&fs, 0, sizeof(fs));
	spin_lock_init(&fs.lock);
	seqcount_spinlock_init(&fs.seq, &fs.lock);
	fs.users = 1;
	fs.root = *root;
	task_lock(current);
	current->fs = &fs;
	s = d_path(path, buf, buflen);
	current->fs = mine;
	task_unlock(current);
reached:
	if (!IS_ERR(s) && !crs_path_reached(path, root) && !crs_fs_acting(root))
		return ERR_PTR(-EXDEV);
	return s;
}

/**
 * crs_container_d_path() - @path as container @c names it
 * @c: current's container
 * @path: a path the kernel resolved
 * @buf: buffer
 * @buflen: its size
 *
 * The path from @c's root (see struct crs_root), whatever root current
 * has (chroot, pivot_root, a new mount namespace): crs_d_path_from() the
 * container's root. While the root is pending (only the runtime
 * runs: its init before the pivot, createContainer hooks), current's
 * d_path(), with a file in the bundle's root file system named as the
 * container will name it: the runtime's open of ".../rootfs" is "/",
 * the same for every container of an image, so learning sees one name.
 *
 * Context: process context, inside crs_ctx_get(); does not sleep.
 * Return: as crs_d_path_from().
 */
char *crs_container_d_path(struct crs_container *c, const struct path *path,
			   char *buf, int buflen)
{
	return crs_container_name(c, path, buf, buflen, false);
}

/**
 * crs_container_name() - crs_container_d_path(), or a program's name
 * @c: current's container
 * @path: a path the kernel resolved
 * @buf: buffer
 * @buflen: its size
 * @exe: @path is a program's executable
 *
 * For @exe, while the root is pending, an executable outside the bundle's
 * root file system that the host's root does not reach either (the
 * runtime's own binary: a file of the runtime's new mount namespace, or
 * runc's detached bind mount of itself) has no name, as it has none once
 * the root is taken (crs_d_path_from()): a program's name
 * must not depend on which side of the runtime's pivot_root it was first
 * asked for (it is cached per mm; learning and enforcement would name
 * the runtime's threads differently). Pseudo files (a memfd copy of the
 * runtime) keep their names in both.
 *
 * Context: process context, inside crs_ctx_get(); does not sleep.
 * Return: as crs_d_path_from().
 */
char *crs_container_name(struct crs_container *c, const struct path *path,
			 char *buf, int buflen, bool exe)
{
	struct fs_struct *mine = current->fs;
	struct crs_root *r = c->root;

	char *s;

	if (!mine)
		return ERR_PTR(-ENOENT);
	if (crs_root_ready(r))
		return crs_d_path_from(&r->root, path, buf, buflen);
	s = d_path(path, buf, buflen);
	if (IS_ERR(s) || !r || !r->rootfs_name)
		return s;
	if (strncmp(s, r->rootfs_name, r->rootfs_len)) {
		if (exe && !crs_path_pseudo(path) &&
		    !path_is_under(path, &crs_host_root))
			return ERR_PTR(-EXDEV);
		return s;
	}
	s += r->rootfs_len;
	if (*s == '/')
		return s;
	if (*s)
		return s - r->rootfs_len;	/* ".../rootfs2": not under it */
	*--s = '/';
	return s;
}
