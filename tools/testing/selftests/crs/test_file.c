// SPDX-License-Identifier: GPL-2.0
/*
 * READ, WRITE and Execution enforcement (issue 4), in a real container:
 * a child that unshare(CLONE_NEWPID)s and forks, so its child is pid 1 of
 * a new pid namespace. Policies are pushed and applied with crsnl.
 *
 * The container's init runs functions of this file on request (it is a
 * fork, so function pointers are valid there) and writes what each call
 * returned into shared memory; the test asserts on that from outside.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_test.h"

#define D "/tmp/crsf"
#define SECRET_DATA "TOPSECRET\n"
#define PUBLIC_DATA "public\n"

/* ---------------------------------------------------------------- */
/* Results shared between the container and the test. */

struct res {
	char name[64];
	int ret;		/* 0 ok, -1 failed */
	int err;		/* errno when failed */
	char data[32];		/* what was read, if anything */
};

struct shared {
	int n;
	struct res r[160];
	volatile int stop;
	long counts[4][4];	/* concurrency: per thread, per outcome */
	long bad[4];		/* concurrency: invariant violations */
};

static struct shared *sh;
static char self_exe[PATH_MAX];

static struct res *rec(const char *name, int ret, int err, const char *data)
{
	struct res *r = &sh->r[sh->n < 159 ? sh->n++ : 159];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->ret = ret < 0 ? -1 : 0;
	r->err = ret < 0 ? err : 0;
	snprintf(r->data, sizeof(r->data), "%s", data ? data : "");
	return r;
}

/* What @name recorded; a call the body never recorded: ret -2, err -1. */
static const struct res *get(const char *name)
{
	static struct res missing = { "(missing)", -2, -1, "" };
	int i;

	for (i = 0; i < sh->n; i++)
		if (!strcmp(sh->r[i].name, name))
			return &sh->r[i];
	fprintf(stderr, "# %s: not recorded\n", name);
	return &missing;
}

/* Every call of @names (ended by NULL) failed with @err, or with 0 succeeded. */
static void expect_all(struct __test_metadata *_metadata, int err,
		       const char *const *names)
{
	const struct res *r;

	for (; *names; names++) {
		r = get(*names);
		EXPECT_EQ(err, r->err) TH_LOG("%s: ret %d", *names, r->ret);
		if (!err)
			EXPECT_EQ(0, r->ret) TH_LOG("%s: errno %d", *names, r->err);
	}
}

/* Record an open: read what it gives, close it. */
static void rec_fd(const char *name, int fd)
{
	char buf[32] = "";
	int err = errno;

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	rec(name, fd, err, buf);
}

/* Record an open that returned the descriptor or -errno. */
static void rec_fd_ret(const char *name, int ret)
{
	errno = ret < 0 ? -ret : 0;
	rec_fd(name, ret < 0 ? -1 : ret);
}

static void rec_ret(const char *name, int ret)
{
	rec(name, ret, errno, NULL);
}

/* ---------------------------------------------------------------- */
/* Container: pid 1 of a new pid namespace, running calls on request. */

/* crs_ctr (lib/crs_test.h); its bodies record what they saw in rec(). */

/* ---------------------------------------------------------------- */
/* Policies. */

static int push(const char *name, const char *mode, const char *deffile,
		const char *defexec, const char *rules)
{
	char path[128];

	snprintf(path, sizeof(path), "/tmp/crsf-%s.json", name);
	return crs_push_json(path, "{\"name\": \"%s\", \"policyMode\": \"%s\",\n"
		" \"defaultNetworkAction\": \"ALLOW\", \"defaultFileAction\": \"%s\",\n"
		" \"defaultExecuteAction\": \"%s\", \"defaultSyscallAction\": \"ALLOW\",\n"
		" \"rules\": [%s]}\n", name, mode, deffile, defexec, rules);
}

static int apply(const char *name, pid_t pid, const char *extra)
{
	char out[4096];
	int rc;

	rc = crs_sh(out, sizeof(out), "%s policy apply %s --pid %d %s 2>&1",
		    crs_crsnl(), name, pid, extra ? extra : "");
	if (rc)
		fprintf(stderr, "# apply %s: %s", name, out);
	return rc;
}

/*
 * Push policy @name (ACTIVE, defaultFileAction @deffile,
 * defaultExecuteAction @defexec) of @rules, start a container, bind it to
 * the policy and run @body(@arg) in it: 0, or -1 if a step failed (the
 * step said why on stderr).
 */
static int run_with(struct crs_ctr *c, const char *name, const char *deffile,
		    const char *defexec, const char *rules, crs_body_fn body,
		    void *arg)
{
	if (push(name, "ACTIVE", deffile, defexec, rules) ||
	    crs_ctr_start(c, NULL))
		return -1;
	if (apply(name, c->pid, NULL) || crs_ctr_run(c, body, arg))
		return -1;
	return 0;
}

/* run_with() a policy whose default actions are ALLOW. */
static int run_under(struct crs_ctr *c, const char *name, const char *rules,
		     crs_body_fn body, void *arg)
{
	return run_with(c, name, "ALLOW", "ALLOW", rules, body, arg);
}

static void put_file(const char *path, const char *data)
{
	crs_write_file(path, "%s", data);
}

static char *slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

/* A fresh test tree: secret, public, symlinks, a hard link, subdirs. */
static void tree(void)
{
	crs_sh(NULL, 0, "rm -rf " D " && mkdir -p " D "/a/b " D "/www/sub " D
	       "/wwwx " D "/ro/olddir " D "/free " D "/bin");
	put_file(D "/secret", SECRET_DATA);
	put_file(D "/public", PUBLIC_DATA);
	put_file(D "/www/index.html", PUBLIC_DATA);
	put_file(D "/www/sub/deep.txt", PUBLIC_DATA);
	put_file(D "/wwwx/file", PUBLIC_DATA);
	put_file(D "/ro/old", PUBLIC_DATA);
	put_file(D "/protected", SECRET_DATA);
	put_file(D "/other", PUBLIC_DATA);
	symlink(D "/secret", D "/link-secret");
	symlink(D "/public", D "/link-public");
	symlink("a/b", D "/linkdir");
	link(D "/secret", D "/hard");
	if (!sh) {
		sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	memset(sh, 0, sizeof(*sh));
	if (!self_exe[0] && !realpath("/proc/self/exe", self_exe))
		self_exe[0] = '\0';
}

/* ---------------------------------------------------------------- */
/* io_uring OPENAT and int 0x80 open, without liburing or -m32. */

/* @personality: run it under a registered personality (crs_uring_one()) */
static int uring_openat_as(int dfd, const char *path, int flags,
			   int personality)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = dfd;
	sqe.addr = (unsigned long)path;
	sqe.open_flags = flags;
	sqe.personality = personality;
	return crs_uring_one(&sqe);
}

static int uring_openat(int dfd, const char *path, int flags)
{
	return uring_openat_as(dfd, path, flags, 0);
}

/*
 * System call @nr with @path and @arg through the i386 entry (int $0x80)
 * from this 64-bit process, the path copied below 4 GiB: the result, or
 * -errno.
 */
static long int80_path(long nr, const char *path, long arg)
{
	static char *low;
	long ret;

	if (!low) {
		low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (low == MAP_FAILED) {
			low = NULL;
			return -ENOMEM;
		}
	}
	snprintf(low, 4096, "%s", path);
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"((long)low), "c"(arg), "d"(0L)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* open(2) through the i386 entry (nr 5) */
static int int80_open(const char *path, int flags)
{
	return (int)int80_path(5, path, flags);
}

/* Each test gets a fresh tree; its container is detached and ended even
 * when an assertion stops the test. */
FIXTURE(file) {
	struct crs_ctr c;
};

FIXTURE_SETUP(file)
{
	memset(&self->c, 0, sizeof(self->c));
	tree();
}

FIXTURE_TEARDOWN(file)
{
	if (self->c.pid > 0)
		crs_ctr_stop(&self->c);
}

/* ---------------------------------------------------------------- */
/* Bodies: run inside the container. */

/* Every way of naming @f (a file directly in D); results prefixed @t. */
static void open_all_ways(const char *t, const char *f)
{
	char name[64], path[PATH_MAX];
	struct open_how how;
	int fd, dfd, pfd;

	snprintf(name, sizeof(name), "%s:direct", t);
	snprintf(path, sizeof(path), D "/%s", f);
	rec_fd(name, open(path, O_RDONLY));

	snprintf(name, sizeof(name), "%s:symlink", t);
	snprintf(path, sizeof(path), D "/link-%s", f);
	rec_fd(name, open(path, O_RDONLY));

	/* linkdir -> a/b: linkdir/../.. is D, though lexically it is /tmp */
	snprintf(name, sizeof(name), "%s:dotdot", t);
	snprintf(path, sizeof(path), D "/linkdir/../../%s", f);
	rec_fd(name, open(path, O_RDONLY));

	snprintf(name, sizeof(name), "%s:relative", t);
	if (chdir(D "/a") == 0) {
		snprintf(path, sizeof(path), "../%s", f);
		rec_fd(name, open(path, O_RDONLY));
		if (chdir("/")) {
			/* nothing */
		}
	} else {
		rec_ret(name, -1);
	}

	snprintf(name, sizeof(name), "%s:openat", t);
	dfd = open(D, O_RDONLY | O_DIRECTORY);
	rec_fd(name, openat(dfd, f, O_RDONLY));

	snprintf(name, sizeof(name), "%s:openat2", t);
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	rec_fd(name, syscall(SYS_openat2, dfd, f, &how, sizeof(how)));

	snprintf(name, sizeof(name), "%s:procfd", t);
	snprintf(path, sizeof(path), D "/%s", f);
	pfd = open(path, O_PATH);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
	rec_fd(name, pfd < 0 ? -1 : open(path, O_RDONLY));
	if (pfd >= 0)
		close(pfd);

	snprintf(name, sizeof(name), "%s:procroot", t);
	snprintf(path, sizeof(path), "/proc/self/root" D "/%s", f);
	rec_fd(name, open(path, O_RDONLY));

	snprintf(name, sizeof(name), "%s:io_uring", t);
	fd = uring_openat(dfd, f, O_RDONLY);
	if (fd == -ENOSYS) {
		rec(name, -1, ENOSYS, NULL);
	} else {
		errno = fd < 0 ? -fd : 0;
		rec_fd(name, fd < 0 ? -1 : fd);
	}

	snprintf(name, sizeof(name), "%s:int80", t);
	snprintf(path, sizeof(path), D "/%s", f);
	fd = int80_open(path, O_RDONLY);
	errno = fd < 0 ? -fd : 0;
	rec_fd(name, fd < 0 ? -1 : fd);
	close(dfd);
}

static int body_read_ways(void *arg)
{
	open_all_ways("secret", "secret");
	open_all_ways("public", "public");
	rec_fd("hard", open(D "/hard", O_RDONLY));
	rec_ret("link-new", link(D "/secret", D "/free/newhard"));
	rec_ret("rename-away", rename(D "/secret", D "/free/moved"));
	rec_ret("link-public", link(D "/public", D "/free/pubhard"));
	return 0;
}

TEST_F(file, read_rule_denies_every_way_of_naming_the_file)
{
	static const char *const ways[] = {
		"direct", "symlink", "dotdot", "relative", "openat",
		"openat2", "procfd", "procroot", "io_uring", "int80",
	};
	struct crs_cinfo before, after;
	char buf[64];
	unsigned int i;

	ASSERT_EQ(0, push("f-read", "ACTIVE", "ALLOW", "ALLOW",
			  "{\"name\": \"no-secret\", \"ruleType\": \"READ\", \"program\": \"*\","
			  " \"file\": \"" D "/secret\", \"action\": \"DENY\"}"));
	ASSERT_EQ(0, crs_ctr_start(&self->c, NULL));
	ASSERT_EQ(0, apply("f-read", self->c.pid, NULL));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &before));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_read_ways, NULL));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &after));

	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		const struct res *s, *p;
		char n[64];

		snprintf(n, sizeof(n), "secret:%s", ways[i]);
		s = get(n);
		snprintf(n, sizeof(n), "public:%s", ways[i]);
		p = get(n);
		ASSERT_NE(NULL, s);
		ASSERT_NE(NULL, p);
		if (!strcmp(ways[i], "io_uring") && p->err == ENOSYS)
			continue;	/* io_uring disabled: reported by the log */
		EXPECT_EQ(-1, s->ret) TH_LOG("%s opened: %s", s->name, s->data);
		EXPECT_EQ(EACCES, s->err) TH_LOG("%s: errno %d", s->name, s->err);
		EXPECT_STREQ("", s->data);
		EXPECT_EQ(0, p->ret) TH_LOG("%s: errno %d", p->name, p->err);
		EXPECT_STREQ(PUBLIC_DATA, p->data) TH_LOG("%s", p->name);
	}
	/* hard links are path-based: an existing link is another path */
	EXPECT_EQ(0, get("hard")->ret) TH_LOG("errno %d", get("hard")->err);
	EXPECT_STREQ(SECRET_DATA, get("hard")->data);
	/* ... but no new name can be given to the protected file */
	EXPECT_EQ(EACCES, get("link-new")->err);
	EXPECT_EQ(-1, access(D "/free/newhard", F_OK));
	EXPECT_EQ(EACCES, get("rename-away")->err);
	EXPECT_EQ(0, access(D "/secret", F_OK));
	EXPECT_EQ(0, get("link-public")->ret) TH_LOG("errno %d", get("link-public")->err);

	/* 10 ways + link + rename denied */
	EXPECT_GE(after.denied - before.denied, 12ULL);
	EXPECT_GT(after.allowed, before.allowed);

	/* a host process reading the same file: allowed and not counted */
	EXPECT_STREQ(SECRET_DATA, slurp(D "/secret", buf, sizeof(buf)));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &before));
	EXPECT_STREQ(SECRET_DATA, slurp(D "/secret", buf, sizeof(buf)));
	EXPECT_STREQ(SECRET_DATA, slurp(D "/link-secret", buf, sizeof(buf)));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &after));
	EXPECT_EQ(before.denied, after.denied);
	EXPECT_EQ(before.allowed, after.allowed);
	crs_ctr_stop(&self->c);
}

/* WRITE: every kind of change, each with a control on a free path. */
static int fd_before = -1;

static int body_open_early(void *arg)
{
	fd_before = open(D "/protected", O_RDWR);
	return 0;
}

static int body_write(void *arg)
{
	char p[PATH_MAX];
	int i;

	rec_fd("wronly", open(D "/protected", O_WRONLY));
	rec_fd("rdwr", open(D "/protected", O_RDWR));
	rec_fd("rdonly-trunc", open(D "/protected", O_RDONLY | O_TRUNC));
	rec_fd("rdonly", open(D "/protected", O_RDONLY));
	rec_fd("append", open(D "/protected", O_WRONLY | O_APPEND));
	rec_ret("truncate", truncate(D "/protected", 0));
	rec_ret("ftruncate", ftruncate(fd_before, 0));
	rec_ret("unlink", unlink(D "/protected"));
	rec_ret("rename-src", rename(D "/protected", D "/free/p2"));
	rec_ret("rename-onto", rename(D "/other", D "/protected"));
	rec_ret("link-src", link(D "/protected", D "/free/plink"));
	rec_ret("link-into", link(D "/other", D "/ro/otherlink"));
	rec_fd("creat", open(D "/ro/new", O_CREAT | O_WRONLY, 0644));
	rec_fd("creat-rdonly", open(D "/ro/new2", O_CREAT | O_RDONLY, 0644));
	rec_ret("mkdir", mkdir(D "/ro/newdir", 0755));
	rec_ret("rmdir", rmdir(D "/ro/olddir"));
	rec_ret("symlink", symlink(D "/public", D "/ro/sym"));
	rec_ret("mknod", mknod(D "/ro/fifo", S_IFIFO | 0600, 0));
	rec_ret("unlink-ro", unlink(D "/ro/old"));
	rec_ret("rename-into", rename(D "/other", D "/ro/moved"));
	/* controls on a path no rule covers */
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), D "/free/f%d", i);
		put_file(p, "x");
	}
	rec_fd("ok-creat", open(D "/free/new", O_CREAT | O_WRONLY, 0644));
	rec_fd("ok-trunc", open(D "/free/f0", O_RDONLY | O_TRUNC));
	rec_ret("ok-truncate", truncate(D "/free/f1", 0));
	rec_ret("ok-mkdir", mkdir(D "/free/d", 0755));
	rec_ret("ok-rmdir", rmdir(D "/free/d"));
	rec_ret("ok-symlink", symlink(D "/public", D "/free/sym"));
	rec_ret("ok-mknod", mknod(D "/free/fifo", S_IFIFO | 0600, 0));
	rec_ret("ok-link", link(D "/free/f2", D "/free/f2link"));
	rec_ret("ok-rename", rename(D "/free/f2link", D "/free/f2moved"));
	rec_ret("ok-unlink", unlink(D "/free/f2moved"));
	return 0;
}

TEST_F(file, write_rule_denies_every_kind_of_change)
{
	static const char *const denied[] = {
		"wronly", "rdwr", "rdonly-trunc", "append", "truncate",
		"ftruncate", "unlink", "rename-src", "rename-onto", "link-src",
		"link-into", "creat", "creat-rdonly", "mkdir", "rmdir",
		"symlink", "mknod", "unlink-ro", "rename-into",
	};
	static const char *const allowed[] = {
		"rdonly", "ok-creat", "ok-trunc", "ok-truncate", "ok-mkdir",
		"ok-rmdir", "ok-symlink", "ok-mknod", "ok-link", "ok-rename",
		"ok-unlink",
	};
	struct stat st;
	char buf[64];
	unsigned int i;

	ASSERT_EQ(0, push("f-write", "ACTIVE", "ALLOW", "ALLOW",
			  "{\"name\": \"protected\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			  " \"file\": \"" D "/protected\", \"action\": \"DENY\"},"
			  "{\"name\": \"ro-tree\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			  " \"file\": \"" D "/ro/*\", \"action\": \"DENY\"}"));
	ASSERT_EQ(0, crs_ctr_start(&self->c, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_open_early, NULL));
	ASSERT_EQ(0, apply("f-write", self->c.pid, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_write, NULL));
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		const struct res *r = get(denied[i]);

		ASSERT_NE(NULL, r) TH_LOG("%s", denied[i]);
		EXPECT_EQ(-1, r->ret) TH_LOG("%s succeeded", denied[i]);
		EXPECT_EQ(EACCES, r->err) TH_LOG("%s: errno %d", denied[i], r->err);
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		const struct res *r = get(allowed[i]);

		ASSERT_NE(NULL, r) TH_LOG("%s", allowed[i]);
		EXPECT_EQ(0, r->ret) TH_LOG("%s: errno %d", allowed[i], r->err);
	}
	EXPECT_STREQ(SECRET_DATA, get("rdonly")->data);
	/* nothing changed */
	EXPECT_STREQ(SECRET_DATA, slurp(D "/protected", buf, sizeof(buf)));
	EXPECT_STREQ(PUBLIC_DATA, slurp(D "/other", buf, sizeof(buf)));
	EXPECT_STREQ(PUBLIC_DATA, slurp(D "/ro/old", buf, sizeof(buf)));
	EXPECT_EQ(0, stat(D "/ro/olddir", &st));
	EXPECT_EQ(-1, access(D "/ro/new", F_OK));
	EXPECT_EQ(-1, access(D "/ro/new2", F_OK));
	EXPECT_EQ(-1, access(D "/ro/newdir", F_OK));
	EXPECT_EQ(-1, access(D "/ro/sym", F_OK));
	EXPECT_EQ(-1, access(D "/ro/fifo", F_OK));
	EXPECT_EQ(-1, access(D "/ro/otherlink", F_OK));
	EXPECT_EQ(-1, access(D "/ro/moved", F_OK));
	EXPECT_EQ(-1, access(D "/free/p2", F_OK));
	EXPECT_EQ(-1, access(D "/free/plink", F_OK));
	/* the controls did change things */
	EXPECT_EQ(0, stat(D "/free/f0", &st));
	EXPECT_EQ(0, st.st_size);
	EXPECT_EQ(0, access(D "/free/new", F_OK));
	crs_ctr_stop(&self->c);
}

/* Program-specific rules: by resolved executable, never comm. */
static int body_program(void *arg)
{
	char cmd[256], out[64];

	rec_fd("self", open(D "/secret", O_RDONLY));
	prctl(PR_SET_NAME, "cat", 0, 0, 0);
	rec_fd("self-renamed", open(D "/secret", O_RDONLY));
	prctl(PR_SET_NAME, "test_file", 0, 0, 0);
	snprintf(cmd, sizeof(cmd), "/usr/bin/cat " D "/secret 2>/dev/null");
	rec("cat-rc", -crs_sh(out, sizeof(out), "%s", cmd), 0, out);
	rec_fd("self-public", open(D "/public", O_RDONLY));
	return 0;
}

TEST_F(file, program_rule_by_resolved_executable_not_comm)
{
	char rules[8192];

	ASSERT_NE(0, self_exe[0]);
	snprintf(rules, sizeof(rules),
		 "{\"name\": \"not-for-me\", \"ruleType\": \"READ\", \"program\": \"%s\","
		 " \"file\": \"" D "/secret\", \"action\": \"DENY\"}", self_exe);
	ASSERT_EQ(0, run_under(&self->c, "f-prog", rules, body_program, NULL));
	EXPECT_EQ(EACCES, get("self")->err);
	EXPECT_EQ(EACCES, get("self-renamed")->err);
	EXPECT_EQ(0, get("cat-rc")->ret) TH_LOG("cat exit %d", get("cat-rc")->err);
	EXPECT_STREQ(SECRET_DATA, get("cat-rc")->data);
	EXPECT_EQ(0, get("self-public")->ret);
	crs_ctr_stop(&self->c);
}

static int body_set_exe(void *arg)
{
	int fd = open("/bin/busybox", O_RDONLY);

	rec_ret("set-exe", prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, fd, 0, 0));
	close(fd);
	return 0;
}

/*
 * prctl(PR_SET_MM_EXE_FILE) would give the process another program
 * identity without an exec: refused in a governed container (the
 * kernel itself would say EBUSY here, the old executable still mapped).
 */
TEST_F(file, program_identity_cannot_be_replaced_by_prctl)
{
	ASSERT_EQ(0, run_under(&self->c, "f-exe", "", body_set_exe, NULL));
	EXPECT_EQ(EPERM, get("set-exe")->err);
	crs_ctr_stop(&self->c);
}

static int body_warm(void *arg)
{
	/* a first governed call queues the per-container resolution */
	close(open(D "/public", O_RDONLY));
	usleep(300 * 1000);
	return 0;
}

TEST_F(file, program_rule_through_symlink_matches_resolved_binary)
{
	char rules[8192];

	ASSERT_EQ(0, symlink(self_exe, D "/bin/alias"));
	snprintf(rules, sizeof(rules),
		 "{\"name\": \"via-alias\", \"ruleType\": \"READ\", \"program\": \"" D "/bin/alias\","
		 " \"file\": \"" D "/secret\", \"action\": \"DENY\"}");
	ASSERT_EQ(0, run_under(&self->c, "f-progsym", rules, body_warm, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_program, NULL));
	expect_all(_metadata, EACCES, (const char *const []){
		"self", "self-renamed", NULL });
	EXPECT_EQ(0, get("cat-rc")->ret);
	EXPECT_STREQ(SECRET_DATA, get("cat-rc")->data);
	crs_ctr_stop(&self->c);
}

/* Glob rules and default actions. */
static int body_glob(void *arg)
{
	rec_fd("www-index", open(D "/www/index.html", O_RDONLY));
	rec_fd("www-deep", open(D "/www/sub/deep.txt", O_RDONLY));
	rec_fd("wwwx", open(D "/wwwx/file", O_RDONLY));
	rec_fd("public", open(D "/public", O_RDONLY));
	rec_fd("secret", open(D "/secret", O_RDONLY));
	rec_fd("hostname", open("/etc/hostname", O_RDONLY));
	return 0;
}

TEST_F(file, glob_rule_default_allow)
{

	ASSERT_EQ(0, run_under(&self->c, "f-glob",
			       "{\"name\": \"www\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/www/*\", \"action\": \"DENY\"}",
			       body_glob, NULL));
	expect_all(_metadata, EACCES, (const char *const []){
		"www-index", "www-deep", NULL });
	expect_all(_metadata, 0, (const char *const []){
		"wwwx", "public", "secret", NULL });
	crs_ctr_stop(&self->c);
}

/*
 * A directory chain under D "/deep" longer than PATH_MAX, with a file "f"
 * at the bottom; returns an O_PATH descriptor of the bottom directory.
 */
static int deep_tree(void)
{
	char comp[201];
	int dfd, nfd, i;

	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	dfd = open(D, O_PATH | O_DIRECTORY);
	for (i = 0; dfd >= 0 && i < 25; i++) {	/* 25 x 201 bytes */
		if (mkdirat(dfd, i ? comp : "deep", 0755) && errno != EEXIST)
			return -1;
		nfd = openat(dfd, i ? comp : "deep", O_PATH | O_DIRECTORY);
		close(dfd);
		dfd = nfd;
	}
	if (dfd < 0)
		return -1;
	nfd = openat(dfd, "f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (nfd < 0 || write(nfd, SECRET_DATA, strlen(SECRET_DATA)) < 0)
		return -1;
	close(nfd);
	return dfd;
}

static int deep_dfd = -1;

static int body_unnamed(void *arg)
{
	char proc[64];
	int fd;

	/* a file the kernel cannot name: it might be under D "/deep" */
	rec_fd("deep", openat(deep_dfd, "f", O_RDONLY));
	/* a protected file deleted while held (O_PATH is not an open) */
	fd = open(D "/gone", O_PATH);
	rec_ret("gone-opath", fd < 0 ? -1 : 0);
	rec_ret("gone-unlink", unlink(D "/gone"));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rec_fd("gone-reopen", open(proc, O_RDONLY));
	close(fd);
	/* a deleted file no rule names stays allowed */
	fd = open(D "/public", O_RDONLY);
	rec_ret("public-unlink", unlink(D "/public"));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rec_fd("public-reopen", open(proc, O_RDONLY));
	close(fd);
	return 0;
}

/*
 * Neither a path deeper than PATH_MAX nor deleting a file takes it out of
 * a rule: the first is denied when a rule of its kind exists (counted as
 * unnamed_paths), the second judged by the name it had.
 */
TEST_F(file, unnamed_or_deleted_file_does_not_fall_to_the_default)
{
	int64_t unnamed;

	deep_dfd = deep_tree();
	ASSERT_LE(0, deep_dfd);
	put_file(D "/gone", SECRET_DATA);
	ASSERT_EQ(0, push("f-unnamed", "ACTIVE", "ALLOW", "ALLOW",
			  "{\"name\": \"deep\", \"ruleType\": \"READ\", \"program\": \"*\","
			  " \"file\": \"" D "/deep/*\", \"action\": \"DENY\"},"
			  "{\"name\": \"gone\", \"ruleType\": \"READ\", \"program\": \"*\","
			  " \"file\": \"" D "/gone\", \"action\": \"DENY\"}"));
	unnamed = crs_status_value(CRS_STATUS_A_UNNAMED);
	EXPECT_LE(0, unnamed);
	ASSERT_EQ(0, crs_ctr_start(&self->c, NULL));
	ASSERT_EQ(0, apply("f-unnamed", self->c.pid, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_unnamed, NULL));
	EXPECT_EQ(EACCES, get("deep")->err) TH_LOG("read %s", get("deep")->data);
	EXPECT_LT(unnamed, crs_status_value(CRS_STATUS_A_UNNAMED));
	EXPECT_EQ(0, get("gone-opath")->ret);
	EXPECT_EQ(0, get("gone-unlink")->ret);
	EXPECT_EQ(EACCES, get("gone-reopen")->err)
		TH_LOG("read %s", get("gone-reopen")->data);
	EXPECT_EQ(0, get("public-unlink")->ret);
	EXPECT_EQ(0, get("public-reopen")->ret);
	EXPECT_STREQ(PUBLIC_DATA, get("public-reopen")->data);
	crs_ctr_stop(&self->c);
	close(deep_dfd);
	deep_dfd = -1;
}

static int body_rename_ancestor(void *arg)
{
	rec_ret("mv-sec", rename(D "/sec", D "/x"));
	rec_fd("read-moved", open(D "/x/token", O_RDONLY));
	rec_ret("mv-top", rename(D, "/tmp/crsf-moved"));
	rec_ret("mv-www2", rename(D "/www2", D "/w"));
	rec_ret("xchg", syscall(SYS_renameat2, AT_FDCWD, D "/swap", AT_FDCWD,
				D "/sec", 2 /* RENAME_EXCHANGE */));
	rec_ret("xchg-rev", syscall(SYS_renameat2, AT_FDCWD, D "/sec",
				    AT_FDCWD, D "/swap", 2));
	/* no rule under a/: moving it is fine */
	rec_ret("mv-a", rename(D "/a", D "/a2"));
	rec_ret("mv-a-back", rename(D "/a2", D "/a"));
	return 0;
}

/*
 * Renaming or exchanging an ancestor directory of a protected path is
 * denied: it would move the file out of its rule (or another in).
 */
TEST_F(file, renaming_an_ancestor_directory_does_not_escape_a_rule)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/sec " D "/www2 " D "/swap"));
	put_file(D "/sec/token", SECRET_DATA);
	put_file(D "/swap/token", PUBLIC_DATA);
	ASSERT_EQ(0, run_under(&self->c, "f-ancestor",
			       "{\"name\": \"token\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/sec/token\", \"action\": \"DENY\"},"
			       "{\"name\": \"www2\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			       " \"file\": \"" D "/www2/*\", \"action\": \"DENY\"}",
			       body_rename_ancestor, NULL));
	EXPECT_EQ(EACCES, get("mv-sec")->err);
	EXPECT_EQ(ENOENT, get("read-moved")->err)
		TH_LOG("read %s", get("read-moved")->data);
	expect_all(_metadata, EACCES, (const char *const []){
		"mv-top", "mv-www2", "xchg", "xchg-rev", NULL });
	EXPECT_EQ(0, get("mv-a")->ret) TH_LOG("errno %d", get("mv-a")->err);
	EXPECT_EQ(0, get("mv-a-back")->ret);
	crs_ctr_stop(&self->c);
	crs_sh(NULL, 0, "mv /tmp/crsf-moved " D " 2>/dev/null");
}

/* ---------------------------------------------------------------- */
/* A different root: chroot, a new mount namespace, a copied binary. */

/* Run @fn in a child with Docker's default capabilities; its status. */
static int as_docker(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(crs_docker_caps() ? 120 : fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* An exit status: err holds it (0: ret 0) */
static void rec_status(const char *name, int st)
{
	rec(name, st ? -1 : 0, st, NULL);
}

static int enter_jail(void)
{
	return chroot(D "/jail") || chdir("/");
}

static int chroot_reads(void)
{
	if (enter_jail())
		return 121;
	rec_fd("chroot-data", open("/data", O_RDONLY));
	rec_fd("chroot-free", open("/free", O_RDONLY));
	return 0;
}

/*
 * An unprivileged user namespace gives CAP_SYS_ADMIN over a new mount
 * namespace: bind the protected file over a free one and read it there.
 */
static int userns_bind_reads(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		rec("userns", -1, errno, NULL);
		return 0;
	}
	rec("userns", 0, 0, NULL);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(D "/jail/data", D "/jail/free", NULL, MS_BIND, NULL)) {
		rec("bind", -1, errno, NULL);
		return 0;
	}
	rec("bind", 0, 0, NULL);
	rec_fd("userns-bound", open(D "/jail/free", O_RDONLY));
	rec_fd("userns-public", open(D "/public", O_RDONLY));
	return 0;
}

static int body_other_root(void *arg)
{
	rec_status("chroot-rc", as_docker(chroot_reads));
	rec_status("userns-rc", as_docker(userns_bind_reads));
	return 0;
}

static void jail(void)
{
	crs_sh(NULL, 0, "mkdir -p " D "/jail/bin && cp /bin/busybox " D "/jail/bin/busybox");
	put_file(D "/jail/data", SECRET_DATA);
	put_file(D "/jail/free", PUBLIC_DATA);
}

/*
 * The jail, a policy @name denying READ of its data, a container bound
 * to it running @body: 0, or -1 if a step failed.
 */
static int jail_data_denied(struct crs_ctr *c, const char *name, crs_body_fn body)
{
	jail();
	return run_under(c, name,
			 "{\"name\": \"data\", \"ruleType\": \"READ\", \"program\": \"*\","
			 " \"file\": \"" D "/jail/data\", \"action\": \"DENY\"}",
			 body, NULL);
}

/*
 * Rule paths are paths from the container's root: a chroot (CAP_SYS_CHROOT
 * is a default capability) sees /tmp/crsf/jail/data as /data, and a bind
 * mount in a user namespace's mount namespace shows it under a free name;
 * neither changes which rule matches. A file the container's root does
 * not reach (a mount of the new namespace) has no name: denied while a
 * rule of its kind exists, as a file deeper than PATH_MAX is.
 */
TEST_F(file, a_different_root_does_not_change_which_rule_matches)
{
	ASSERT_EQ(0, jail_data_denied(&self->c, "f-root", body_other_root));
	EXPECT_EQ(0, get("chroot-rc")->err);
	EXPECT_EQ(EACCES, get("chroot-data")->err)
		TH_LOG("read %s", get("chroot-data")->data);
	EXPECT_EQ(0, get("chroot-free")->ret);
	EXPECT_STREQ(PUBLIC_DATA, get("chroot-free")->data);
	EXPECT_EQ(0, get("userns-rc")->err);
	/* the VM's kernel allows unprivileged user namespaces: this must run */
	ASSERT_EQ(0, get("userns")->ret) TH_LOG("unshare: %d", get("userns")->err);
	ASSERT_EQ(0, get("bind")->ret) TH_LOG("mount: %d", get("bind")->err);
	EXPECT_EQ(EACCES, get("userns-bound")->err)
		TH_LOG("read %s", get("userns-bound")->data);
	EXPECT_EQ(EACCES, get("userns-public")->err);
	crs_ctr_stop(&self->c);
}

/*
 * A sibling in a new mount namespace of a user namespace binds the
 * protected file over a free one and opens it O_PATH (which no open hook
 * sees); a task that stays in the container's root then reaches that
 * mount from outside the namespace: through /proc/PID/root, and by
 * reopening the sibling's descriptor through /proc/PID/fd.
 */
static int sibling_ns_reads(void)
{
	int ready[2], hold[2], fd = -1;
	char buf[64] = "", p[160];
	pid_t pid, host = 0;
	ssize_t n;

	if (pipe(ready) || pipe(hold))
		return 122;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(D "/jail/data", D "/jail/free", NULL, MS_BIND, NULL))
			_exit(1);
		fd = open(D "/jail/free", O_PATH);
		/* its pid in the host's /proc (the container has none) */
		n = readlink("/proc/self", buf, sizeof(buf) - 1);
		if (fd < 0 || n <= 0)
			_exit(2);
		buf[n] = '\0';
		dprintf(ready[1], "%s %d", buf, fd);
		close(ready[1]);
		n = read(hold[0], buf, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	n = pid > 0 ? read(ready[0], buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "%d %d", &host, &fd) != 2) {
		rec("sibling", -1, EINVAL, buf);
	} else {
		rec("sibling", 0, 0, buf);
		snprintf(p, sizeof(p), "/proc/%d/root" D "/jail/free", host);
		rec_fd("procroot-bound", open(p, O_RDONLY));
		snprintf(p, sizeof(p), "/proc/%d/root" D "/public", host);
		rec_fd("procroot-public", open(p, O_RDONLY));
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", host, fd);
		rec_fd("procfd-bound", open(p, O_RDONLY));
		/* io_uring under a personality: other credentials, as a fs's */
		snprintf(p, sizeof(p), "/proc/%d/root" D "/jail/free", host);
		rec_fd_ret("uring-procroot-bound",
			   uring_openat_as(AT_FDCWD, p, O_RDONLY, 1));
	}
	/* its own root through /proc is still the container's */
	rec_fd("self-public", open("/proc/self/root" D "/public", O_RDONLY));
	rec_fd("plain-free", open(D "/jail/free", O_RDONLY));
	close(hold[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}

static int body_sibling_ns(void *arg)
{
	rec_status("sibling-rc", as_docker(sibling_ns_reads));
	return 0;
}

/*
 * A task that stays in the container's root and reaches a mount of
 * another mount namespace (/proc/PID/root of a sibling there, a
 * descriptor the sibling opened there) gets no name there either: the
 * bound file, and every file of that namespace, is denied while a rule
 * of its kind exists. Files in the container's own root keep their names.
 */
TEST_F(file, another_namespaces_mounts_reached_from_the_containers_root_have_no_name)
{
	ASSERT_EQ(0, jail_data_denied(&self->c, "f-sibns", body_sibling_ns));
	EXPECT_EQ(0, get("sibling-rc")->err);
	ASSERT_EQ(0, get("sibling")->ret) TH_LOG("sibling: '%s'", get("sibling")->data);
	EXPECT_EQ(EACCES, get("procroot-bound")->err)
		TH_LOG("read %s", get("procroot-bound")->data);
	EXPECT_EQ(EACCES, get("procfd-bound")->err)
		TH_LOG("read %s", get("procfd-bound")->data);
	EXPECT_EQ(EACCES, get("uring-procroot-bound")->err)
		TH_LOG("read %s", get("uring-procroot-bound")->data);
	EXPECT_EQ(EACCES, get("procroot-public")->err);
	EXPECT_EQ(0, get("self-public")->ret) TH_LOG("errno %d", get("self-public")->err);
	EXPECT_STREQ(PUBLIC_DATA, get("self-public")->data);
	EXPECT_EQ(0, get("plain-free")->ret);
	EXPECT_STREQ(PUBLIC_DATA, get("plain-free")->data);
	crs_ctr_stop(&self->c);
}

/*
 * The VM's root is an overlay (tmpfs over the host's root, read-only):
 * appending to a file only its lower layer has copies it up, and
 * listing a directory both layers have reads each layer's directory.
 * overlayfs opens those layer files itself, on private mounts no root
 * reaches, under its mounter's credentials.
 */
static int body_overlay(void *arg)
{
	const char *f = arg;
	int fd = open(f, O_WRONLY | O_APPEND), seen = 0;
	struct dirent *e;
	DIR *d;

	rec_ret("append", fd < 0 ? -1 : (int)write(fd, "crs\n", 4) - 4);
	if (fd >= 0)
		close(fd);
	d = opendir("/etc");
	rec_ret("opendir", d ? 0 : -1);
	while (d && (e = readdir(d)))
		seen += !strcmp(e->d_name, strrchr(f, '/') + 1);
	if (d)
		closedir(d);
	rec("listed", seen ? 0 : -1, ENOENT, NULL);
	rec_fd("read", open(f, O_RDONLY));
	return 0;
}

/*
 * overlayfs's own opens of its layers (copy-up, a merged directory's
 * layers; on 6.12 the backing file of every open) are not the task's:
 * they neither lose their names nor get judged apart from the overlay
 * file the task opened, under a policy with READ and WRITE rules.
 */
TEST_F(file, overlayfs_own_opens_of_its_layers_are_not_the_tasks)
{
	const char *f = "/etc/debian_version";
	struct stat st;

	if (stat(f, &st))
		SKIP(return, "%s: no such file on the host", f);
	ASSERT_EQ(0, run_under(&self->c, "f-ovl",
			       "{\"name\": \"r\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/secret\", \"action\": \"DENY\"},"
			       "{\"name\": \"w\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			       " \"file\": \"" D "/public\", \"action\": \"DENY\"}",
			       body_overlay, (void *)f));
	expect_all(_metadata, 0, (const char *const []){
		"append", "opendir", "listed", "read", NULL });
	crs_ctr_stop(&self->c);
}

static char *const bb_catpub[] = { "busybox", "cat", D "/public", NULL };

/* exec busybox (@in_jail: the jail's copy, chrooted); 100 + errno if refused */
static int run_busybox(int in_jail, char *const *argv)
{
	int null = open("/dev/null", O_WRONLY);

	if (null >= 0) {
		dup2(null, 1);
		dup2(null, 2);
	}
	if (in_jail && enter_jail())
		return 121;
	execv("/bin/busybox", argv);
	return 100 + errno;
}

/* busybox cat, exec'd in a new mount namespace of a user namespace */
static int userns_cat(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 120;
	return run_busybox(0, bb_catpub);
}

static int plain_cat(void) { return run_busybox(0, bb_catpub); }

static int body_userns_program(void *arg)
{
	rec_status("plain", as_docker(plain_cat));
	rec_status("userns", as_docker(userns_cat));
	return 0;
}

/*
 * An executable exec'd in a new mount namespace is out of the container's
 * root and has no name there; it is still the same program by inode, so
 * a rule naming it applies (a SYSCALL rule with a program: busybox cat
 * fails, exit 1, when its openat() is denied).
 */
TEST_F(file, a_program_in_another_mount_namespace_is_still_itself)
{
	ASSERT_EQ(0, run_under(&self->c, "f-nsprog",
			       "{\"name\": \"no-open\", \"ruleType\": \"SYSCALL\", \"syscall\": \"openat\","
			       " \"program\": \"/bin/busybox\", \"action\": \"DENY\"}",
			       body_userns_program, NULL));
	EXPECT_EQ(1, get("plain")->err);
	EXPECT_EQ(1, get("userns")->err);
	crs_ctr_stop(&self->c);
}

static char *const bb_cat_jail[] = { "busybox", "cat", D "/jail/data", NULL };
static char *const bb_cat_data[] = { "busybox", "cat", "/data", NULL };
static char *const bb_true[] = { "busybox", "true", NULL };

static int host_cat(void) { return run_busybox(0, bb_cat_jail); }
static int jail_cat(void) { return run_busybox(1, bb_cat_data); }
static int host_true(void) { return run_busybox(0, bb_true); }
static int jail_true(void) { return run_busybox(1, bb_true); }

static int body_copied_program(void *arg)
{
	rec_status("host-cat", as_docker(host_cat));
	rec_status("jail-cat", as_docker(jail_cat));
	return 0;
}

static int body_copied_exec(void *arg)
{
	rec_status("host-true", as_docker(host_true));
	rec_status("jail-true", as_docker(jail_true));
	return 0;
}

/*
 * A copy of an allowed binary run in a chroot has the name the container
 * gives it (/tmp/crsf/jail/bin/busybox), not the one it has inside the
 * chroot (/bin/busybox): neither a program rule nor an Execution rule
 * that names /bin/busybox covers it.
 */
TEST_F(file, a_copied_binary_in_a_chroot_is_not_the_program_it_copies)
{
	jail();
	/* busybox (the real one) may read anything; every other program nothing */
	ASSERT_EQ(0, run_with(&self->c, "f-rootprog", "DENY", "ALLOW",
			      "{\"name\": \"bb\", \"ruleType\": \"READ\", \"program\": \"/bin/busybox\","
			      " \"file\": \"/*\", \"action\": \"ALLOW\"}",
			      body_copied_program, NULL));
	EXPECT_EQ(0, get("host-cat")->err);
	/* busybox cat exits 1 when it cannot open the file */
	EXPECT_EQ(1, get("jail-cat")->err);
	crs_ctr_stop(&self->c);

	/* only /bin/busybox may be executed */
	ASSERT_EQ(0, run_with(&self->c, "f-rootexec", "ALLOW", "DENY",
			      "{\"name\": \"bb\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			      " \"program\": \"*\", \"file\": \"/bin/busybox\", \"action\": \"ALLOW\"}",
			      body_copied_exec, NULL));
	EXPECT_EQ(0, get("host-true")->err);
	EXPECT_EQ(100 + EACCES, get("jail-true")->err);
	crs_ctr_stop(&self->c);
}

/* ---------------------------------------------------------------- */
/* Rule paths through symlinks. */

static int body_symlinked(void *arg)
{
	rec_fd("k8s-token", open(D "/sec2/token", O_RDONLY));
	rec_fd("k8s-real", open(D "/sec2/..2024_a/token", O_RDONLY));
	rec_fd("lnk-conf", open(D "/lnk/conf", O_RDONLY));
	rec_fd("real-conf", open(D "/real/conf", O_RDONLY));
	rec_fd("real-other", open(D "/real/other", O_RDONLY));
	rec_fd("real-create", open(D "/real/new", O_WRONLY | O_CREAT, 0644));
	rec_ret("mv-real", rename(D "/real", D "/real2"));
	rec_ret("mv-data", rename(D "/sec2/..2024_a", D "/sec2/x"));
	/* the symlink a rule goes through: neither moved nor removed */
	rec_ret("mv-lnk", rename(D "/lnk", D "/lnk2"));
	rec_ret("rm-lnk", unlink(D "/lnk"));
	return 0;
}

static int body_rotated(void *arg)
{
	rec_fd("rotated", open(D "/sec2/token", O_RDONLY));
	/* the old target stays covered: bindings are never dropped */
	rec_fd("old-target", open(D "/sec2/..2024_a/token", O_RDONLY));
	return 0;
}

/*
 * A rule whose path goes through a symlink protects the file it names:
 * a Kubernetes secret (token -> ..data/token, ..data -> ..2024_a), a
 * directory link (lnk -> real), a file created later under it, a rename
 * of the real directory or of the link itself; it follows the link when
 * the secret is rotated (..data -> ..2024_b: names are resolved again
 * every 5 s) and keeps covering the old target.
 */
TEST_F(file, symlinked_rule_paths_protect_the_file_they_name)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/sec2/..2024_a " D "/sec2/..2024_b " D "/real"
			    " && ln -s ..2024_a " D "/sec2/..data && ln -s ..data/token " D "/sec2/token"
			    " && ln -s real " D "/lnk"));
	put_file(D "/sec2/..2024_a/token", SECRET_DATA);
	put_file(D "/sec2/..2024_b/token", SECRET_DATA);
	put_file(D "/real/conf", SECRET_DATA);
	put_file(D "/real/other", PUBLIC_DATA);
	ASSERT_EQ(0, run_under(&self->c, "f-symlink",
			       "{\"name\": \"token\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/sec2/token\", \"action\": \"DENY\"},"
			       "{\"name\": \"conf\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/lnk/conf\", \"action\": \"DENY\"},"
			       "{\"name\": \"lnk\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			       " \"file\": \"" D "/lnk/*\", \"action\": \"DENY\"}",
			       body_symlinked, NULL));
	EXPECT_EQ(EACCES, get("k8s-token")->err) TH_LOG("read %s", get("k8s-token")->data);
	expect_all(_metadata, EACCES, (const char *const []){
		"k8s-real", "lnk-conf", "real-conf", "real-create", "mv-real",
		"mv-data", "mv-lnk", "rm-lnk", NULL });
	EXPECT_EQ(0, get("real-other")->ret);
	/* the kubelet rotates the secret, on the host */
	ASSERT_EQ(0, crs_sh(NULL, 0, "ln -s ..2024_b " D "/sec2/..data_tmp && mv -T "
			    D "/sec2/..data_tmp " D "/sec2/..data"));
	usleep(5500 * 1000);
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_warm, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_rotated, NULL));
	EXPECT_EQ(EACCES, get("rotated")->err) TH_LOG("read %s", get("rotated")->data);
	EXPECT_EQ(EACCES, get("old-target")->err);
	crs_ctr_stop(&self->c);
}

static int body_widen(void *arg)
{
	rec_ret("rmdir", rmdir(D "/app/cache"));
	rec_ret("ln", symlink(D "/priv", D "/app/cache"));
	return 0;
}

static int body_widened(void *arg)
{
	rec_fd("via-link", open(D "/app/cache/secret", O_RDONLY));
	rec_fd("cached", open(D "/app/cache2/file", O_RDONLY));
	return 0;
}

/*
 * A symlink the container makes cannot carry an ALLOW rule onto another
 * file: with an ALLOW READ rule on /app/cache/ files and default DENY, replacing
 * /app/cache by a link to a private directory does not make its files
 * readable (the rule is resolved again through the new link, but only
 * DENY rules follow links).
 */
TEST_F(file, a_symlink_the_container_makes_does_not_widen_an_allow_rule)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/app/cache " D "/app/cache2 " D "/priv"));
	put_file(D "/priv/secret", SECRET_DATA);
	put_file(D "/app/cache2/file", PUBLIC_DATA);
	ASSERT_EQ(0, run_with(&self->c, "f-widen", "DENY", "ALLOW",
			      "{\"name\": \"cache\", \"ruleType\": \"READ\", \"program\": \"*\","
			      " \"file\": \"" D "/app/cache/*\", \"action\": \"ALLOW\"},"
			      "{\"name\": \"cache2\", \"ruleType\": \"READ\", \"program\": \"*\","
			      " \"file\": \"" D "/app/cache2/*\", \"action\": \"ALLOW\"},"
			      "{\"name\": \"app\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			      " \"file\": \"" D "/app/*\", \"action\": \"ALLOW\"}",
			      body_widen, NULL));
	EXPECT_EQ(0, get("rmdir")->ret) TH_LOG("errno %d", get("rmdir")->err);
	EXPECT_EQ(0, get("ln")->ret) TH_LOG("errno %d", get("ln")->err);
	usleep(5500 * 1000);
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_warm, NULL));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_widened, NULL));
	EXPECT_EQ(EACCES, get("via-link")->err) TH_LOG("read %s", get("via-link")->data);
	EXPECT_EQ(0, get("cached")->ret);
	crs_ctr_stop(&self->c);
}

TEST_F(file, allowlist_default_deny_with_allow_rules)
{

	ASSERT_EQ(0, run_with(&self->c, "f-allow", "DENY", "ALLOW",
			      "{\"name\": \"pub\", \"ruleType\": \"READ\", \"program\": \"*\","
			      " \"file\": \"" D "/pub*\", \"action\": \"ALLOW\"},"
			      "{\"name\": \"www\", \"ruleType\": \"READ\", \"program\": \"*\","
			      " \"file\": \"" D "/www/*\", \"action\": \"ALLOW\"},"
			      "{\"name\": \"deep-no\", \"ruleType\": \"READ\", \"program\": \"*\","
			      " \"file\": \"" D "/www/sub/*\", \"action\": \"DENY\"}",
			      body_glob, NULL));
	EXPECT_EQ(0, get("public")->ret) TH_LOG("errno %d", get("public")->err);
	EXPECT_EQ(0, get("www-index")->ret);
	EXPECT_EQ(EACCES, get("www-deep")->err);	/* DENY beats ALLOW */
	EXPECT_EQ(EACCES, get("wwwx")->err);		/* default */
	EXPECT_EQ(EACCES, get("secret")->err);
	EXPECT_EQ(EACCES, get("hostname")->err);
	crs_ctr_stop(&self->c);
}

/* Policy modes and counters. */
static int body_secret(void *arg)
{
	rec_fd("secret", open(D "/secret", O_RDONLY));
	return 0;
}

/* How much a container's verdict counters grew. */
struct growth {
	int64_t allowed, denied, monitored;
};

/*
 * Set container @c's policy mode to @mode (NULL: leave it), then read
 * secret in it (recorded afresh): how its counters grew in *@g. 0, or
 * -1 if a step failed.
 */
static int read_secret_counted(struct crs_ctr *c, const char *mode,
			       struct growth *g)
{
	struct crs_cinfo a, b;

	if (mode && crs_sh(NULL, 0, "%s container set --pid %d --policy-mode %s >&2",
			   crs_crsnl(), c->pid, mode))
		return -1;
	sh->n = 0;
	if (crs_container_info(c->pid, &a) ||
	    crs_ctr_run(c, body_secret, NULL) ||
	    crs_container_info(c->pid, &b))
		return -1;
	g->allowed = b.allowed - a.allowed;
	g->denied = b.denied - a.denied;
	g->monitored = b.monitored - a.monitored;
	return 0;
}

TEST_F(file, permissive_allows_and_counts_monitored_inactive_counts_nothing)
{
	struct growth g;
	char out[4096];

	ASSERT_EQ(0, push("f-mode", "PERMISSIVE", "ALLOW", "ALLOW",
			  "{\"name\": \"no-secret\", \"ruleType\": \"READ\", \"program\": \"*\","
			  " \"file\": \"" D "/secret\", \"action\": \"DENY\"}"));
	ASSERT_EQ(0, crs_ctr_start(&self->c, NULL));
	ASSERT_EQ(0, apply("f-mode", self->c.pid, NULL));

	ASSERT_EQ(0, read_secret_counted(&self->c, NULL, &g));
	EXPECT_EQ(0, get("secret")->ret);
	EXPECT_STREQ(SECRET_DATA, get("secret")->data);
	EXPECT_EQ(1, g.monitored);
	EXPECT_EQ(0, g.denied);

	/* per-container override: INACTIVE evaluates and counts nothing */
	ASSERT_EQ(0, read_secret_counted(&self->c, "INACTIVE", &g));
	EXPECT_EQ(0, get("secret")->ret);
	EXPECT_EQ(0, g.monitored);
	EXPECT_EQ(0, g.denied);
	EXPECT_EQ(0, g.allowed);

	/* ACTIVE: denied and counted */
	ASSERT_EQ(0, read_secret_counted(&self->c, "ACTIVE", &g));
	EXPECT_EQ(EACCES, get("secret")->err);
	EXPECT_EQ(1, g.denied);
	EXPECT_EQ(0, g.monitored);
	/* the rule's own counter */
	/* the rule's own counters: one monitored (PERMISSIVE), one denied */
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy show f-mode --stats 2>&1",
			    crs_crsnl())) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"monitored\": 1")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"denied\": 1")) TH_LOG("%s", out);
	crs_ctr_stop(&self->c);
}

/* Execution rules. */
static int try_exec(const char *path, int use_fd)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		char *envp[] = { "PATH=/usr/bin:/bin", NULL };
		int fd;

		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (use_fd) {
			fd = open(path, O_PATH);
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		} else {
			execve(path, argv, envp);
		}
		_exit(100 + errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

static void rec_exec(const char *name, const char *path, int use_fd)
{
	int e = try_exec(path, use_fd);

	rec(name, e ? -1 : 0, e, NULL);
}

static int body_exec(void *arg)
{
	rec_exec("denied", D "/bin/denied", 0);
	rec_exec("denied-fd", D "/bin/denied", 1);
	rec_exec("true", "/usr/bin/true", 0);
	rec_exec("true-fd", "/usr/bin/true", 1);
	rec_exec("script-interp", D "/bin/script-denied-interp", 0);
	rec_exec("script-ok", D "/bin/script-ok", 0);
	rec_exec("script-itself", D "/bin/script-denied", 0);
	rec_exec("applet", D "/bin/ls", 0);		/* -> /bin/busybox */
	rec_exec("busybox", "/bin/busybox", 0);
	rec_exec("dash", "/usr/bin/dash", 0);		/* rule names sh-alias */
	rec_exec("bash", "/usr/bin/bash", 0);
	return 0;
}

#define LDSO "/lib64/ld-linux-x86-64.so.2"

/* Exit status of "ld.so @path" (ld.so maps @path itself, no exec). */
static int run_by_ldso(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(LDSO, LDSO, path, (char *)NULL);
		_exit(126);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int body_mapped(void *arg)
{
	void *p;
	int fd;

	rec_ret("ldso-evil", run_by_ldso(D "/bin/evil") ? -1 : 0);
	rec_ret("ldso-true", run_by_ldso("/usr/bin/true") ? -1 : 0);
	fd = open(D "/bin/evil", O_RDONLY);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	rec_ret("mmap-exec", p == MAP_FAILED ? -1 : 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	rec_ret("mmap-read", p == MAP_FAILED ? -1 : 0);
	rec_ret("mprotect-exec", mprotect(p, 4096, PROT_READ | PROT_EXEC));
	close(fd);
	rec_ret("exec-true", try_exec("/usr/bin/true", 0) ? -1 : 0);
	return 0;
}

/*
 * Code loaded without execve is an Execution of its file: ld.so running
 * a file, a PROT_EXEC mmap, mprotect adding PROT_EXEC.
 */
TEST_F(file, code_mapped_without_exec_is_judged_as_execution)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "cp /usr/bin/true " D "/bin/evil"));
	ASSERT_EQ(0, run_under(&self->c, "f-mapped",
			       "{\"name\": \"no-evil\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/evil\", \"action\": \"DENY\"}",
			       body_mapped, NULL));
	EXPECT_EQ(-1, get("ldso-evil")->ret);
	expect_all(_metadata, EACCES, (const char *const []){
		"mmap-exec", "mprotect-exec", NULL });
	expect_all(_metadata, 0, (const char *const []){
		"ldso-true", "mmap-read", "exec-true", NULL });
	crs_ctr_stop(&self->c);
}

/*
 * A library uselib(2) accepts (binfmt_elf's load_elf_library(): ET_EXEC,
 * one PT_LOAD, mapped at @addr with PROT_EXEC): one page, its headers.
 */
static int write_uselib_lib(const char *path, unsigned long addr)
{
	static char page[4096];
	Elf64_Ehdr eh = {
		.e_type = ET_EXEC, .e_machine = EM_X86_64,
		.e_version = EV_CURRENT, .e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1,
	};
	Elf64_Phdr ph = {
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = addr,
		.p_filesz = sizeof(page), .p_memsz = sizeof(page),
		.p_align = sizeof(page),
	};
	int fd, ok;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(page, &eh, sizeof(eh));
	memcpy(page + sizeof(eh), &ph, sizeof(ph));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ok = fd >= 0 && write(fd, page, sizeof(page)) == sizeof(page);
	close(fd);
	return ok ? 0 : -1;
}

/* below 4 GiB, where a 64-bit process's heap and libraries are not */
#define USELIB_EVIL 0x70000000UL
#define USELIB_OK 0x70100000UL

/* uselib(2) is i386's only (nr 86; x86_64's 134 is not implemented) */
static void rec_uselib(const char *name, const char *path)
{
	long ret = int80_path(86, path, 0);

	errno = ret < 0 ? -ret : 0;
	rec_ret(name, ret < 0 ? -1 : 0);
}

static int body_uselib(void *arg)
{
	(void)arg;
	rec_uselib("uselib-evil", D "/bin/evil.lib");
	rec_uselib("uselib-ok", D "/bin/ok.lib");
	return 0;
}

/*
 * uselib(2), reachable with int $0x80 from any 64-bit process where the
 * kernel has CONFIG_USELIB (Debian's 6.1 and 6.12), maps a library's code
 * with no exec: an Execution of that file, denied by an execve rule
 * naming it; another library still loads.
 */
TEST_F(file, uselib_is_judged_as_execution)
{
	ASSERT_EQ(0, write_uselib_lib(D "/bin/evil.lib", USELIB_EVIL));
	ASSERT_EQ(0, write_uselib_lib(D "/bin/ok.lib", USELIB_OK));
	ASSERT_EQ(0, run_under(&self->c, "f-uselib",
			       "{\"name\": \"no-evil-lib\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/evil.lib\", \"action\": \"DENY\"}",
			       body_uselib, NULL));
	if (get("uselib-ok")->err == ENOSYS)
		SKIP(crs_ctr_stop(&self->c); return, "no uselib(2) in this kernel");
	expect_all(_metadata, EACCES, (const char *const []){
		"uselib-evil", NULL });
	expect_all(_metadata, 0, (const char *const []){ "uselib-ok", NULL });
	crs_ctr_stop(&self->c);
}

/* ---------------------------------------------------------------- */
/* Attacks on the other namespace's mounts, from the container's root. */

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Map uid and gid 0 to the caller's own in a new user namespace. */
static int map_root(void)
{
	int fd, ok = 1;

	fd = open("/proc/self/setgroups", O_WRONLY);
	ok &= fd >= 0 && write(fd, "deny", 4) == 4;
	close(fd);
	fd = open("/proc/self/uid_map", O_WRONLY);
	ok &= fd >= 0 && write(fd, "0 0 1", 5) == 5;
	close(fd);
	fd = open("/proc/self/gid_map", O_WRONLY);
	ok &= fd >= 0 && write(fd, "0 0 1", 5) == 5;
	close(fd);
	return ok ? 0 : -1;
}

static int send_fds(int sock, const char *msg, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { (void *)msg, strlen(msg) + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(sock, &mh, 0) < 0 ? -1 : 0;
}

/* Up to @n descriptors into @fds (-1 for those not received); the text. */
static int recv_fds(int sock, char *msg, size_t len, int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { msg, len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t r;
	int i;

	for (i = 0; i < n; i++)
		fds[i] = -1;
	r = recvmsg(sock, &mh, 0);
	msg[r > 0 ? r : 0] = '\0';
	if (r <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		int got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		memcpy(fds, CMSG_DATA(cm), sizeof(int) * (got < n ? got : n));
	}
	return 0;
}

/*
 * A sibling in a new user and mount namespace: binds the jail (the
 * protected files' directory) over D/jfree, moves its cwd there, opens
 * the protected file O_PATH and clones the jail as a detached mount
 * (open_tree), and sends its host pid and both descriptors over @sock;
 * then waits for @hold to close. @how: 0 as that, 1 without a new
 * namespace (a sibling in the container's own mount namespace).
 */
static void ns_sibling(int sock, int hold, int how)
{
	int fds[2];
	char buf[64], msg[96];
	ssize_t n;

	/* the maps are written before the new mount namespace (its /proc
	 * files have no name: denied where WRITE rules exist) */
	if (how == 0 &&
	    (unshare(CLONE_NEWUSER) || map_root() || unshare(CLONE_NEWNS) ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	     mount(D "/jail", D "/jfree", NULL, MS_BIND, NULL)))
		_exit(1);
	if (chdir(how == 0 ? D "/jfree" : D "/jail"))
		_exit(2);
	fds[0] = open("data", O_PATH);
	fds[1] = how == 0 ? syscall(SYS_open_tree, AT_FDCWD, D "/jail",
				    OPEN_TREE_CLONE | O_CLOEXEC) : open(".", O_PATH);
	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (fds[0] < 0 || fds[1] < 0 || n <= 0)
		_exit(3);
	buf[n] = '\0';
	snprintf(msg, sizeof(msg), "%s %d", buf, fds[0]);
	if (send_fds(sock, msg, fds, 2))
		_exit(4);
	n = read(hold, buf, 1);
	_exit(0);
}

/* The sibling started: its pid here, its host pid, the descriptors. */
struct sib {
	pid_t pid;
	int host;
	int remote;		/* its O_PATH descriptor's number there */
	int fds[2];
	int hold;
};

static int sib_start(struct sib *s, int how)
{
	int sp[2], hold[2];
	char msg[64];

	memset(s, 0, sizeof(*s));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || pipe(hold))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		close(sp[0]);
		close(hold[1]);
		ns_sibling(sp[1], hold[0], how);
	}
	close(sp[1]);
	close(hold[0]);
	s->hold = hold[1];
	if (s->pid < 0 || recv_fds(sp[0], msg, sizeof(msg), s->fds, 2) ||
	    sscanf(msg, "%d %d", &s->host, &s->remote) != 2) {
		close(sp[0]);
		rec("sibling", -1, EINVAL, msg);
		return -1;
	}
	close(sp[0]);
	rec("sibling", 0, 0, msg);
	return 0;
}

static void sib_stop(struct sib *s)
{
	close(s->hold);
	if (s->fds[0] >= 0)
		close(s->fds[0]);
	if (s->fds[1] >= 0)
		close(s->fds[1]);
	if (s->pid > 0)
		waitpid(s->pid, NULL, 0);
}

/* READ and WRITE through the other namespace, every way: see the test. */
static int sibling_ns_rw(void)
{
	char p[200];
	struct open_how how;
	struct sib s, same;
	int fd, pidfd;

	if (sib_start(&s, 0))
		return 0;
	/* a detached mount (open_tree) passed over SCM_RIGHTS */
	rec_fd("tree-openat", openat(s.fds[1], "data", O_RDONLY));
	snprintf(p, sizeof(p), "/proc/self/fd/%d/data", s.fds[1]);
	rec_fd("tree-procfd", open(p, O_RDONLY));
	/* the sibling's O_PATH descriptor, passed, reopened */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", s.fds[0]);
	rec_fd("scm-procfd", open(p, O_RDONLY));
	/* pidfd_getfd() of its descriptor */
	pidfd = syscall(SYS_pidfd_open, s.pid, 0);
	fd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, s.remote, 0);
	rec("pidfd-getfd", fd, errno, NULL);
	if (fd >= 0) {
		int path_fd = fd;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", path_fd);
		rec_fd("pidfd-procfd", open(p, O_RDONLY));
		close(path_fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	/* its cwd, inside its bind mount */
	snprintf(p, sizeof(p), "/proc/%d/cwd/data", s.host);
	rec_fd("proccwd", open(p, O_RDONLY));
	/* openat2 with RESOLVE_ flags from its root */
	snprintf(p, sizeof(p), "/proc/%d/root", s.host);
	fd = open(p, O_PATH | O_DIRECTORY);
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	rec_fd("openat2-beneath", syscall(SYS_openat2, fd, D "/jfree/data" + 1,
					  &how, sizeof(how)));
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS;
	rec_fd("openat2-inroot", syscall(SYS_openat2, fd, D "/jfree/data",
					 &how, sizeof(how)));
	/* io_uring without a personality */
	rec_fd_ret("uring-openat", uring_openat(fd, D "/jfree/data" + 1, O_RDONLY));
	close(fd);
	/* WRITE: open for writing, truncate, through its root */
	snprintf(p, sizeof(p), "/proc/%d/root" D "/jfree/wdata", s.host);
	fd = open(p, O_WRONLY);
	rec("write-open", fd, errno, NULL);
	if (fd >= 0) {
		rec_ret("write-write", write(fd, "PWNED\n", 6) == 6 ? 0 : -1);
		close(fd);
	}
	rec_ret("truncate", truncate(p, 0));
	fd = open(p, O_WRONLY | O_APPEND);
	rec("append-open", fd, errno, NULL);
	if (fd >= 0)
		close(fd);
	/* rename and link of the protected file, inside that mount */
	{
		char q[200];

		snprintf(p, sizeof(p), "/proc/%d/root" D "/jfree/data", s.host);
		snprintf(q, sizeof(q), "/proc/%d/root" D "/jfree/moved", s.host);
		rec_ret("rename", rename(p, q));
		snprintf(q, sizeof(q), "/proc/%d/root" D "/jfree/linked", s.host);
		rec_ret("link", link(p, q));
		snprintf(p, sizeof(p), "/proc/%d/root" D "/jfree/wdata", s.host);
		snprintf(q, sizeof(q), "/proc/%d/root" D "/jfree/wmoved", s.host);
		rec_ret("rename-w", rename(p, q));
		snprintf(q, sizeof(q), "/proc/%d/root" D "/jfree/wnew", s.host);
		fd = open(q, O_WRONLY | O_CREAT | O_EXCL, 0644);
		rec("create", fd, errno, NULL);
		if (fd >= 0)
			close(fd);
	}
	/* after all this, the files under their own names */
	rec_fd("after-free", open(D "/jail/free", O_RDONLY));
	sib_stop(&s);

	/* controls: a sibling in the container's own mount namespace */
	if (sib_start(&same, 1) == 0) {
		snprintf(p, sizeof(p), "/proc/%d/root" D "/public", same.host);
		rec_fd("same-procroot-public", open(p, O_RDONLY));
		snprintf(p, sizeof(p), "/proc/%d/root" D "/jail/data", same.host);
		rec_fd("same-procroot-data", open(p, O_RDONLY));
		snprintf(p, sizeof(p), "/proc/%d/cwd/free", same.host);
		rec_fd("same-proccwd-free", open(p, O_RDONLY));
		snprintf(p, sizeof(p), "/proc/self/fd/%d", same.fds[0]);
		rec_fd("same-scm-data", open(p, O_RDONLY));
		sib_stop(&same);
	}
	rec_fd("self-public", open("/proc/self/root" D "/public", O_RDONLY));
	rec_fd("dev-null", open("/dev/null", O_RDONLY));
	rec_fd("proc-status", open("/proc/self/status", O_RDONLY));
	fd = open("/dev/null", O_WRONLY);
	rec("dev-null-w", fd, errno, NULL);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int body_sibling_rw(void *arg)
{
	rec_status("rw-rc", as_docker(sibling_ns_rw));
	return 0;
}

/*
 * Every other way to reach the sibling's mounts from the container's
 * root (a detached mount passed over a socket, pidfd_getfd(), the
 * sibling's cwd, openat2, io_uring) gets no name for READ, and the WRITE
 * side (open for writing, truncate, rename, link, create) is denied too;
 * a sibling in the container's own mount namespace is reached normally.
 */
TEST_F(file, attack_other_namespaces_mounts_every_way)
{
	char buf[64];

	jail();
	put_file(D "/jail/wdata", PUBLIC_DATA);
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/jfree"));
	ASSERT_EQ(0, run_under(&self->c, "f-atk-rw",
			       "{\"name\": \"data\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/jail/data\", \"action\": \"DENY\"},"
			       "{\"name\": \"wdata\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			       " \"file\": \"" D "/jail/wdata\", \"action\": \"DENY\"}",
			       body_sibling_rw, NULL));
	EXPECT_EQ(0, get("rw-rc")->err);
	ASSERT_EQ(0, get("sibling")->ret) TH_LOG("sibling: '%s'", get("sibling")->data);
	EXPECT_EQ(EACCES, get("tree-openat")->err) TH_LOG("read %s", get("tree-openat")->data);
	EXPECT_EQ(EACCES, get("tree-procfd")->err) TH_LOG("read %s", get("tree-procfd")->data);
	EXPECT_EQ(EACCES, get("scm-procfd")->err) TH_LOG("read %s", get("scm-procfd")->data);
	EXPECT_EQ(0, get("pidfd-getfd")->ret) TH_LOG("errno %d", get("pidfd-getfd")->err);
	EXPECT_EQ(EACCES, get("pidfd-procfd")->err) TH_LOG("read %s", get("pidfd-procfd")->data);
	EXPECT_EQ(EACCES, get("proccwd")->err) TH_LOG("read %s", get("proccwd")->data);
	EXPECT_EQ(EACCES, get("openat2-beneath")->err)
		TH_LOG("read %s", get("openat2-beneath")->data);
	EXPECT_EQ(EACCES, get("openat2-inroot")->err)
		TH_LOG("read %s", get("openat2-inroot")->data);
	EXPECT_EQ(EACCES, get("uring-openat")->err) TH_LOG("read %s", get("uring-openat")->data);
	EXPECT_EQ(EACCES, get("write-open")->err);
	EXPECT_EQ(-2, get("write-write")->ret);
	expect_all(_metadata, EACCES, (const char *const []){
		"truncate", "append-open", "rename", "link", "rename-w",
		"create", NULL });
	EXPECT_STREQ(SECRET_DATA, slurp(D "/jail/data", buf, sizeof(buf)));
	EXPECT_STREQ(PUBLIC_DATA, slurp(D "/jail/wdata", buf, sizeof(buf)));
	EXPECT_EQ(0, get("after-free")->ret);
	/* controls */
	EXPECT_EQ(0, get("same-procroot-public")->ret)
		TH_LOG("errno %d", get("same-procroot-public")->err);
	EXPECT_STREQ(PUBLIC_DATA, get("same-procroot-public")->data);
	EXPECT_EQ(EACCES, get("same-procroot-data")->err);
	EXPECT_EQ(0, get("same-proccwd-free")->ret)
		TH_LOG("errno %d", get("same-proccwd-free")->err);
	EXPECT_EQ(EACCES, get("same-scm-data")->err);
	expect_all(_metadata, 0, (const char *const []){
		"self-public", "dev-null", "dev-null-w", "proc-status", NULL });
	crs_ctr_stop(&self->c);
}

/* Execution through the other namespace: exec, PROT_EXEC mmap, mprotect */
static int sibling_ns_exec(void)
{
	char p[200];
	struct sib s;
	void *m;
	int fd, e;

	if (sib_start(&s, 0))
		return 0;
	snprintf(p, sizeof(p), "/proc/%d/root" D "/jfree/bin/evil", s.host);
	e = try_exec(p, 0);
	rec("ns-exec", e ? -1 : 0, e, NULL);
	e = try_exec(p, 1);
	rec("ns-execveat", e ? -1 : 0, e, NULL);
	fd = open(p, O_RDONLY);
	rec("ns-open", fd, errno, NULL);
	m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	rec_ret("ns-mmap-exec", m == MAP_FAILED ? -1 : 0);
	m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	rec_ret("ns-mmap-read", m == MAP_FAILED ? -1 : 0);
	rec_ret("ns-mprotect-exec", m == MAP_FAILED ? -1 :
		mprotect(m, 4096, PROT_READ | PROT_EXEC));
	if (fd >= 0)
		close(fd);
	/* the detached mount's copy, exec'd by descriptor */
	fd = openat(s.fds[1], "bin/evil", O_RDONLY);
	rec("tree-open", fd, errno, NULL);
	if (fd >= 0) {
		m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		rec_ret("tree-mmap-exec", m == MAP_FAILED ? -1 : 0);
		close(fd);
	}
	sib_stop(&s);
	/* controls: the free binary through the container's own root */
	e = try_exec(D "/jail/bin/ok", 0);
	rec("own-exec-ok", e ? -1 : 0, e, NULL);
	e = try_exec(D "/jail/bin/evil", 0);
	rec("own-exec-evil", e ? -1 : 0, e, NULL);
	return 0;
}

static int body_sibling_exec(void *arg)
{
	rec_status("x-rc", as_docker(sibling_ns_exec));
	return 0;
}

/*
 * An Execution rule by glob (no inode matching: the name alone decides):
 * a binary reached through the sibling's namespace has no name, so it
 * is denied however it is run or mapped.
 */
TEST_F(file, attack_other_namespaces_binary_is_not_executed)
{
	jail();
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/jfree " D "/jail/bin && cp /usr/bin/true "
			    D "/jail/bin/evil && cp /usr/bin/true " D "/jail/bin/ok"));
	ASSERT_EQ(0, run_under(&self->c, "f-atk-x",
			       "{\"name\": \"evil\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/jail/bin/evi*\", \"action\": \"DENY\"}",
			       body_sibling_exec, NULL));
	EXPECT_EQ(0, get("x-rc")->err);
	ASSERT_EQ(0, get("sibling")->ret) TH_LOG("sibling: '%s'", get("sibling")->data);
	expect_all(_metadata, EACCES, (const char *const []){
		"ns-exec", "ns-execveat", NULL });
	EXPECT_EQ(0, get("ns-open")->ret) TH_LOG("errno %d", get("ns-open")->err);
	expect_all(_metadata, EACCES, (const char *const []){
		"ns-mmap-exec", "ns-mprotect-exec", "tree-mmap-exec", NULL });
	EXPECT_EQ(EACCES, get("own-exec-evil")->err);
	expect_all(_metadata, 0, (const char *const []){
		"ns-mmap-read", "own-exec-ok", NULL });
	crs_ctr_stop(&self->c);
}

/*
 * overlayfs mounted by the attacker in its user namespace, lower layer
 * the protected file's directory, upper layer a directory of the
 * container's own file system: a chmod (no hook) or an open for writing
 * (only WRITE is judged) would copy the protected file up, read by
 * overlayfs under the mounter's credentials (crs_fs_acting()), named
 * from its private layer mount ("/data"), and the copy would be read
 * under a free name from the container's root. Denied today only
 * because the mount itself fails: ovl_check_d_type_supported() opens
 * the workdir as the task, in its namespace, with no name (READ rules).
 */
static int overlay_copy_up(void)
{
	static const char opts[] = "lowerdir=" D "/jail,upperdir=" D "/ovl/up,workdir=" D "/ovl/wk";
	char o2[300];
	pid_t pid;
	int st = -1;

	pid = fork();
	if (pid == 0) {
		int fd;

		if (unshare(CLONE_NEWUSER) || map_root() || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(1);
		if (mount("overlay", D "/ovl/mnt", "overlay", 0, opts)) {
			snprintf(o2, sizeof(o2), "%s,userxattr", opts);
			if (mount("overlay", D "/ovl/mnt", "overlay", 0, o2))
				_exit(2);
		}
		/* the task's own read of the overlay file: no name, denied */
		fd = open(D "/ovl/mnt/data", O_RDONLY);
		if (fd >= 0)
			_exit(3);
		if (chmod(D "/ovl/mnt/data", 0644)) {
			fd = open(D "/ovl/mnt/data", O_WRONLY | O_APPEND);
			if (fd < 0)
				_exit(4);
			close(fd);
		}
		_exit(0);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid)
		rec_status("ovl-sibling", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	rec_fd("ovl-upper-copy", open(D "/ovl/up/data", O_RDONLY));
	return 0;
}

static int body_overlay_copy_up(void *arg)
{
	rec_status("ovl-rc", as_docker(overlay_copy_up));
	return 0;
}

TEST_F(file, attack_overlay_copy_up_in_a_user_namespace_copies_nothing_out)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/ovl/up " D "/ovl/wk " D "/ovl/mnt"));
	ASSERT_EQ(0, jail_data_denied(&self->c, "f-atk-ovl", body_overlay_copy_up));
	EXPECT_EQ(0, get("ovl-rc")->err);
	/* 2: the overlay is not mounted (its workdir's d_type check, an
	 * open by the task in its namespace, has no name: denied) */
	TH_LOG("overlay sibling exit %d", get("ovl-sibling")->err);
	EXPECT_NE(0, strcmp(SECRET_DATA, get("ovl-upper-copy")->data))
		TH_LOG("BYPASS: read %s from " D "/ovl/up/data", get("ovl-upper-copy")->data);
	crs_ctr_stop(&self->c);
}

/*
 * A core dump is written under the kernel's override credentials
 * (do_coredump()'s override_creds(), a copy of the task's own): dumped in
 * the sibling's namespace with its cwd in a bind of a WRITE-protected
 * directory, it has no name there and is denied, not named by the free
 * name it is bound over (D/jfree/core: the core file was written into
 * the protected D/jail while any borrowed credentials counted as a file
 * system's). @how: 0 in the sibling namespace, 1 in the container's root
 * (the control: denied as D/jail/core).
 */
static int core_dump_in(int how)
{
	struct rlimit rl;
	pid_t pid;
	int st;

	/* the maps are written before the new mount namespace (its /proc
	 * files have no name: denied where WRITE rules exist) */
	if (how == 0 &&
	    (unshare(CLONE_NEWUSER) || map_root() || unshare(CLONE_NEWNS) ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	     mount(D "/jail", D "/jfree", NULL, MS_BIND, NULL)))
		return 1;
	if (chdir(how == 0 ? D "/jfree" : D "/jail") || getrlimit(RLIMIT_CORE, &rl))
		return 2;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_CORE, &rl) || !rl.rlim_cur)
		return 3;
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 4;
	return WIFSIGNALED(st) && WCOREDUMP(st) ? 10 : 11;
}

static int core_dump_ns(void) { return core_dump_in(0); }
static int core_dump_root(void) { return core_dump_in(1); }

static int body_core(void *arg)
{
	rec_status("core-root", as_docker(core_dump_root));
	rec_status("core-ns", as_docker(core_dump_ns));
	return 0;
}

TEST_F(file, attack_core_dump_through_another_namespace_is_not_written)
{
	char pat[64] = "";
	int n;

	if (!slurp("/proc/sys/kernel/core_pattern", pat, sizeof(pat)) || pat[0] == '|' ||
	    strchr(pat, '/'))
		SKIP(return, "core_pattern '%s': not a file in the cwd", pat);
	jail();
	ASSERT_EQ(0, crs_sh(NULL, 0, "mkdir -p " D "/jfree && rm -f " D "/jail/core*"));
	ASSERT_EQ(0, run_under(&self->c, "f-atk-core",
			       "{\"name\": \"jail\", \"ruleType\": \"WRITE\", \"program\": \"*\","
			       " \"file\": \"" D "/jail/*\", \"action\": \"DENY\"}",
			       body_core, NULL));
	/* 10: dumped (somewhere), 11: not dumped */
	TH_LOG("core-root %d core-ns %d", get("core-root")->err, get("core-ns")->err);
	n = crs_sh(NULL, 0, "ls " D "/jail/ | grep -q '^core'");
	EXPECT_NE(0, n) TH_LOG("BYPASS: a core file was written in the WRITE-protected " D "/jail");
	crs_ctr_stop(&self->c);
}

/*
 * A task that has set up an io_uring still lists a merged directory and
 * copies a lower file up on an overlay root file system (Docker's) under
 * a READ rule: overlayfs's own opens of its layers for it (on 6.1 the
 * real file behind every open; copy-up; a merged directory's layers)
 * are its mounter's, not the task's. (They were denied, READ "?", while
 * a task with an io_uring was never taken for a file system acting.)
 */
static int body_uring_overlay(void *arg)
{
	const char *f = arg;
	struct io_uring_sqe sqe;
	DIR *d;
	int fd;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_NOP;
	rec_fd("uo-before", open(f, O_RDONLY));
	rec("uo-nop", crs_uring_one(&sqe), 0, NULL);
	rec_fd("uo-read", open(f, O_RDONLY));
	rec_fd_ret("uo-uring-read", uring_openat(AT_FDCWD, f, O_RDONLY));
	d = opendir("/etc");
	rec_ret("uo-opendir", d && readdir(d) ? 0 : -1);
	if (d)
		closedir(d);
	fd = open(f, O_WRONLY | O_APPEND);
	rec("uo-append", fd, errno, NULL);
	if (fd >= 0)
		close(fd);
	rec_fd("uo-public", open(D "/public", O_RDONLY));
	return 0;
}

TEST_F(file, an_io_uring_task_lists_and_copies_up_on_the_overlay_root)
{
	const char *f = "/etc/issue.net";
	struct stat st;

	if (stat(f, &st))
		SKIP(return, "%s: no such file on the host", f);
	ASSERT_EQ(0, run_under(&self->c, "f-uovl",
			       "{\"name\": \"r\", \"ruleType\": \"READ\", \"program\": \"*\","
			       " \"file\": \"" D "/secret\", \"action\": \"DENY\"}",
			       body_uring_overlay, (void *)f));
	expect_all(_metadata, 0, (const char *const []){
		"uo-before", "uo-nop", "uo-read", "uo-uring-read", "uo-opendir",
		"uo-append", "uo-public", NULL });
	crs_ctr_stop(&self->c);
}

/*
 * On 6.1 a mapping of an overlay file holds the layer's real file
 * (vm_file); mprotect adding PROT_EXEC to it must still name it (an
 * Execution rule elsewhere). (Passes: 6.1 opens the real file with the
 * overlay's path, open_with_fake_path().)
 */
static int body_ovl_mprotect(void *arg)
{
	const char *f = arg;
	int fd = open(f, O_RDONLY);
	void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	rec_ret("om-mmap", m == MAP_FAILED ? -1 : 0);
	rec_ret("om-mprotect", m == MAP_FAILED ? -1 : mprotect(m, 4096, PROT_READ | PROT_EXEC));
	if (fd >= 0)
		close(fd);
	m = MAP_FAILED;
	fd = open(f, O_RDONLY);
	if (fd >= 0)
		m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	rec_ret("om-mmap-exec", m == MAP_FAILED ? -1 : 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

TEST_F(file, mprotect_exec_of_an_overlay_root_file_is_judged_by_its_overlay_path)
{
	const char *f = "/usr/bin/true";

	ASSERT_EQ(0, run_under(&self->c, "f-ovlmp",
			       "{\"name\": \"no-evil\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/evil\", \"action\": \"DENY\"}",
			       body_ovl_mprotect, (void *)f));
	expect_all(_metadata, 0, (const char *const []){
		"om-mmap", "om-mmap-exec", "om-mprotect", NULL });
	crs_ctr_stop(&self->c);
}

TEST_F(file, execution_rules_match_the_resolved_executable)
{
	struct crs_cinfo a, b;

	if (access("/bin/busybox", X_OK))
		SKIP(return, "/bin/busybox is not installed");
	ASSERT_EQ(0, crs_sh(NULL, 0, "cp /usr/bin/true " D "/bin/denied && "
			    "printf '#!" D "/bin/denied\\n' > " D "/bin/script-denied-interp && "
			    "printf '#!/usr/bin/true\\n' > " D "/bin/script-ok && "
			    "cp " D "/bin/script-ok " D "/bin/script-denied && "
			    "chmod +x " D "/bin/script-* && "
			    "ln -s /bin/busybox " D "/bin/ls && "
			    "ln -s /usr/bin/dash " D "/bin/sh-alias"));
	ASSERT_EQ(0, run_under(&self->c, "f-exec",
			       "{\"name\": \"no-denied\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/denied\", \"action\": \"DENY\"},"
			       "{\"name\": \"no-script\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execveat\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/script-denied\", \"action\": \"DENY\"},"
			       "{\"name\": \"no-busybox\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"/bin/busybox\", \"action\": \"DENY\"},"
			       "{\"name\": \"no-sh\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/sh-alias\", \"action\": \"DENY\"}",
			       body_warm, NULL));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &a));
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_exec, NULL));
	ASSERT_EQ(0, crs_container_info(self->c.pid, &b));
	expect_all(_metadata, EACCES, (const char *const []){
		"denied", "denied-fd", "script-interp", NULL });
	expect_all(_metadata, 0, (const char *const []){
		"true", "true-fd", "script-ok", NULL });
	expect_all(_metadata, EACCES, (const char *const []){
		"script-itself", "applet", "busybox", "dash", NULL });
	EXPECT_EQ(0, get("bash")->ret) TH_LOG("errno %d", get("bash")->err);
	EXPECT_GE(b.denied - a.denied, 7ULL);
	crs_ctr_stop(&self->c);
}

static int body_exec_allowlist(void *arg)
{
	rec_exec("true", "/usr/bin/true", 0);
	rec_exec("env-denied", "/usr/bin/env", 0);
	return 0;
}

TEST_F(file, default_execute_deny_with_allow_rule)
{

	/*
	 * The dynamic loader and libraries it maps are Executions too:
	 * a default-deny policy allows them.
	 */
	ASSERT_EQ(0, run_with(&self->c, "f-execdef", "ALLOW", "DENY",
			      "{\"name\": \"true\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			      " \"program\": \"*\", \"file\": \"/usr/bin/true\", \"action\": \"ALLOW\"},"
			      "{\"name\": \"libs\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			      " \"program\": \"*\", \"file\": \"/usr/lib/x86_64-linux-gnu/*\", \"action\": \"ALLOW\"}",
			      body_exec_allowlist, NULL));
	EXPECT_EQ(0, get("true")->ret) TH_LOG("errno %d", get("true")->err);
	EXPECT_EQ(EACCES, get("env-denied")->err);
	crs_ctr_stop(&self->c);
}

static int body_exec_not_read(void *arg)
{
	int fd;

	rec_exec("exec", D "/bin/unreadable", 0);
	fd = open(D "/bin/unreadable", O_RDONLY);
	rec("read", fd, errno, NULL);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* exec's own open of the binary is Execution, not a READ of it */
TEST_F(file, exec_of_a_read_denied_binary_is_not_a_read)
{
	ASSERT_EQ(0, crs_sh(NULL, 0, "cp /usr/bin/true " D "/bin/unreadable"));
	ASSERT_EQ(0, run_under(&self->c, "f-execread",
			       "{\"name\": \"no-read\", \"ruleType\": \"READ\","
			       " \"program\": \"*\", \"file\": \"" D "/bin/unreadable\", \"action\": \"DENY\"}",
			       body_exec_not_read, NULL));
	EXPECT_EQ(0, get("exec")->ret) TH_LOG("errno %d", get("exec")->err);
	EXPECT_EQ(EACCES, get("read")->err);
	crs_ctr_stop(&self->c);
}

/*
 * Concurrency: policy A (default DENY, ALLOW the a/ tree) and B (default
 * ALLOW, DENY secret) replace each other 500 times while 4 threads open.
 * Under either policy dir/x opens and secret is denied; a mix of one's
 * rules with the other's default would break one of the two.
 */
/* Open @path and close it: 0, or the errno of the open. */
static int open_errno(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Count outcome @e (an errno, 0: success) of thread @i: a success in
 * sh->counts[@i][@ok], EACCES in sh->counts[@i][@denied], anything else,
 * or an outcome whose column is < 0, in sh->bad[@i].
 */
static void count_outcome(long i, int e, int ok, int denied)
{
	if (!e && ok >= 0)
		sh->counts[i][ok]++;
	else if (e == EACCES && denied >= 0)
		sh->counts[i][denied]++;
	else
		sh->bad[i]++;
}

static void *conc_thread(void *arg)
{
	long i = (long)arg;

	while (!sh->stop) {
		count_outcome(i, open_errno(D "/a/x"), 0, -1);
		count_outcome(i, open_errno(D "/secret"), -1, 1);
		count_outcome(i, open_errno(D "/public"), 3, 2);
	}
	return NULL;
}

/* What each of the 4 threads of body_churn() runs (set before the start). */
static void *(*churn_thread)(void *);

static int body_churn(void *arg)
{
	pthread_t t[4];
	long i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn_thread, (void *)i);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static void *churn_runner(void *arg)
{
	crs_ctr_run(arg, body_churn, NULL);
	return NULL;
}

/*
 * Policy churn: policy @name as A (defaultFileAction @def[0], @rules[0])
 * and as B (@def[1], @rules[1]) written, @c started under it running
 * @thread in 4 threads (its argument: the thread's index) until
 * sh->stop; once @going of them have counted in sh->counts[][@col], one
 * crsnl process pushes A, B, A, ... (@n times each). crsnl's exit code
 * (its last lines in @out), or -1 if the set-up failed.
 */
static int churn(struct crs_ctr *c, const char *name, void *(*thread)(void *),
		 const char *const def[2], const char *const rules[2],
		 int col, int going, int n, char *out, size_t len)
{
	char json[128], path[2][128];
	pthread_t runner;
	int i, j, k, rc;

	snprintf(json, sizeof(json), "/tmp/crsf-%s.json", name);
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "/tmp/crsf-%s-%c.json",
			 name, 'a' + i);
		if (push(name, "ACTIVE", def[i], "ALLOW", rules[i]) ||
		    rename(json, path[i]))
			return -1;
	}
	churn_thread = thread;
	if (crs_ctr_start(c, NULL) || apply(name, c->pid, NULL) ||
	    pthread_create(&runner, NULL, churn_runner, c))
		return -1;
	for (i = 0; i < 3000; i++) {
		for (j = k = 0; j < 4; j++)
			k += __atomic_load_n(&sh->counts[j][col],
					     __ATOMIC_RELAXED) > 0;
		if (k >= going)
			break;
		usleep(10000);
	}
	rc = crs_sh(out, len,
		    "for i in $(seq %d); do echo %s %s; done > /tmp/crsf-%s.list"
		    " && xargs -a /tmp/crsf-%s.list %s policy push"
		    " > /tmp/crsf-%s.out 2>&1; rc=$?; tail -n 3 /tmp/crsf-%s.out; exit $rc",
		    n, path[0], path[1], name, name, crs_crsnl(), name, name);
	sh->stop = 1;
	pthread_join(runner, NULL);
	return rc;
}

TEST_F(file, policy_replaced_500_times_while_4_threads_open)
{
	static const char *const def[2] = { "DENY", "ALLOW" };
	static const char *const rules[2] = {
		"{\"name\": \"dir\", \"ruleType\": \"READ\", \"program\": \"*\","
		" \"file\": \"" D "/a/*\", \"action\": \"ALLOW\"}",
		"{\"name\": \"secret\", \"ruleType\": \"READ\", \"program\": \"*\","
		" \"file\": \"" D "/secret\", \"action\": \"DENY\"}",
	};
	char out[4096];
	long i, ok = 0, denied = 0, pub = 0, pub_ok = 0;

	put_file(D "/a/x", PUBLIC_DATA);
	/*
	 * the pushes begin once every thread is opening; one crsnl
	 * process pushes A, B, A, ... 500 times
	 */
	EXPECT_EQ(0, churn(&self->c, "f-conc", conc_thread, def, rules, 0, 4,
			   250, out, sizeof(out)))
		TH_LOG("push: %s", out);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, sh->bad[i]) TH_LOG("thread %ld", i);
		ok += sh->counts[i][0];
		denied += sh->counts[i][1];
		pub += sh->counts[i][2];
		pub_ok += sh->counts[i][3];
	}
	TH_LOG("opens: a/x %ld allowed; secret %ld denied; public %ld denied (A), %ld allowed (B)",
	       ok, denied, pub, pub_ok);
	EXPECT_GT(ok, 0);
	EXPECT_GT(denied, 0);
	/* both policies were in force at some point */
	EXPECT_GT(pub, 0);
	EXPECT_GT(pub_ok, 0);
	crs_ctr_stop(&self->c);
}

/*
 * The same churn with what needs resolving per container: a READ rule of
 * a program named through a symlink, and exact Execution rules (one
 * through a symlink to the binary). Each push re-resolves them and
 * replaces the container's resolved arrays while 2 threads open and 2
 * exec; the arrays replaced must outlive their readers (KASAN sees a use
 * after free otherwise). Execution of the denied binary is denied by its
 * literal path under either policy, whatever the resolution's progress;
 * the program rule holds once the last push is resolved.
 */
static void *conc_prog_thread(void *arg)
{
	long i = (long)arg;

	while (!sh->stop) {
		if (i < 2) {
			count_outcome(i, open_errno(D "/secret"), 0, 1);
			continue;
		}
		count_outcome(i, try_exec(i == 2 ? D "/bin/denied" :
					  D "/bin/alias-denied", 1), -1, 1);
		count_outcome(i, try_exec("/usr/bin/true", 0), 0, -1);
	}
	return NULL;
}

static int body_secret_once(void *arg)
{
	rec_fd("secret-after", open(D "/secret", O_RDONLY));
	return 0;
}

TEST_F(file, program_and_exec_rules_re_resolved_while_threads_open_and_exec)
{
	static const char *const def[2] = { "ALLOW", "ALLOW" };
	int n = crs_scaled(100), i;
	char rules[2][4096], out[4096];

	ASSERT_EQ(0, symlink(self_exe, D "/bin/alias"));
	ASSERT_EQ(0, crs_sh(NULL, 0, "cp /usr/bin/true " D "/bin/denied && "
			    "ln -s " D "/bin/denied " D "/bin/alias-denied"));
	for (i = 0; i < 2; i++)
		snprintf(rules[i], sizeof(rules[i]),
			 "{\"name\": \"prog-%d\", \"ruleType\": \"READ\", \"program\": \"" D "/bin/alias\","
			 " \"file\": \"" D "/secret\", \"action\": \"DENY\"},"
			 "{\"name\": \"exec-%d\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execve\","
			 " \"program\": \"" D "/bin/alias\", \"file\": \"" D "/bin/denied\", \"action\": \"DENY\"},"
			 "{\"name\": \"execat-%d\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execveat\","
			 " \"program\": \"*\", \"file\": \"" D "/bin/alias-denied\", \"action\": \"DENY\"},"
			 "{\"name\": \"execat2-%d\", \"ruleType\": \"SYSCALL\", \"syscall\": \"execveat\","
			 " \"program\": \"*\", \"file\": \"" D "/bin/denied\", \"action\": \"DENY\"}",
			 i, i, i, i);
	EXPECT_EQ(0, churn(&self->c, "f-cprog", conc_prog_thread, def,
			   (const char *const []){ rules[0], rules[1] }, 1, 3,
			   n, out, sizeof(out)))
		TH_LOG("push: %s", out);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, sh->bad[i]) TH_LOG("thread %ld", (long)i);
	TH_LOG("%d pushes; secret %ld/%ld denied/opened; exec %ld denied, %ld ran",
	       2 * n, sh->counts[0][1] + sh->counts[1][1], sh->counts[0][0] + sh->counts[1][0],
	       sh->counts[2][1] + sh->counts[3][1], sh->counts[2][0] + sh->counts[3][0]);
	EXPECT_GT(sh->counts[2][1] + sh->counts[3][1], 0);
	/* the last push is resolved: the program rule holds by inode */
	ASSERT_EQ(0, crs_ctr_run(&self->c, body_secret_once, NULL));
	EXPECT_EQ(EACCES, get("secret-after")->err);
	crs_ctr_stop(&self->c);
}

TEST_HARNESS_MAIN
