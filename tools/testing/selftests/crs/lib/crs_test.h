/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the crs selftests. */
#ifndef CRS_TEST_H
#define CRS_TEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/crs.h>

/* A raw generic netlink connection to the crs family. */
struct crs_conn {
	struct nl_sock *sk;
	int family;
	char extack[256];	/* extack message of the last error */
};

/* 0, or -errno (-ENOENT: family not visible). */
int crs_conn_open(struct crs_conn *c);
void crs_conn_close(struct crs_conn *c);
/* A message with the genl header for @cmd; add attributes, then crs_conn_call. */
struct nl_msg *crs_conn_msg(struct crs_conn *c, int cmd, int flags);
/*
 * Send @msg (consumed), wait for the final ACK/error. Each reply message is
 * copied into @reply (if not NULL, up to @len bytes; the last one wins).
 * Returns 0 or the kernel's -errno.
 */
int crs_conn_call(struct crs_conn *c, struct nl_msg *msg, void *reply,
		  size_t len);
/*
 * CRS_CMD_GET_CONTAINER for the container of @pid: its attributes in @ct
 * (CRS_CONTAINER_A_MAX + 1 entries, pointing into @buf, @len bytes).
 * 0, the kernel's -errno (-ENOENT: no container), or -EINVAL.
 */
int crs_container_get(pid_t pid, struct nlattr **ct, void *buf, size_t len);

/* A container's counters and names, from CRS_CMD_GET_CONTAINER. */
struct crs_cinfo {
	uint64_t id;			/* pid namespace inode */
	uint64_t allowed, denied, monitored;
	uint64_t overflow;		/* learning: sightings not recorded */
	uint32_t learned;		/* learning: tuples recorded */
	char policy[CRS_NAME_MAX];	/* "" when none */
};
/* The container @pid is in: 0, or the errno-style error of the call. */
int crs_container_info(pid_t pid, struct crs_cinfo *ci);
/* Send raw bytes as one netlink message (header filled in), return -errno. */
int crs_conn_raw(struct crs_conn *c, const void *payload, size_t len,
		 int cmd);

/*
 * CRS_CMD_APPLY policy @name to the container of @pid, with @log_mode
 * (-1: the kernel's default) and a policy mode override (-1: none);
 * 0 or -errno, printed with the extack.
 */
/* A rule, and a policy, pushed over raw netlink (crs_push_policy()). */
struct crs_targ {
	int index;			/* 0..5: arg1..arg6 */
	int op;				/* enum crs_arg_op */
	uint64_t value, mask;		/* mask: CRS_ARG_MASKED_EQ only */
};

struct crs_trule {
	const char *name;
	int type, action;		/* enum crs_rule_type, crs_action */
	int nr64, nr32;			/* SYSCALL: numbers, < 0 none */
	const char *program;		/* NULL: "*" */
	const char *file;		/* READ, WRITE, Execution */
	const char *addr4;		/* NETWORK_*: dotted quad, /32 */
	int port;			/* NETWORK_*: one port, 0 any */
	int protocol;			/* CRS_PROTO_*, 0 any */
	int inactive;
	int nargs;			/* SYSCALL argument constraints */
	struct crs_targ args[6];
};

struct crs_tpolicy {
	const char *name;
	int mode;			/* enum crs_policy_mode */
	int def_file, def_net, def_syscall;	/* enum crs_action */
	const struct crs_trule *rules;
	int nrules;
	const uint32_t *ignored64;	/* ignoredSyscalls, x86_64 numbers */
	int nignored64;
};

/* SET_POLICY with @tp: 0, or the negative errno (its extack printed). */
int crs_push_policy(const struct crs_tpolicy *tp);
int crs_apply_policy(const char *name, pid_t pid, int log_mode, int mode);
/* CRS_CMD_DEL_POLICY @name with CRS_DEL_F_FORCE; errors ignored. */
void crs_delete_policy(const char *name);

/* A CRS_STATUS_A_* value (u32 or u64) from CRS_CMD_GET_STATUS, or -1. */
int64_t crs_status_value(int attr);

/*
 * A container: @init(@arg) runs as pid 1 of a new pid namespace, in a child
 * of *@outer, which exits with the init's status (128 + signal if killed).
 * The init first closes every descriptor above stderr except those of
 * @keep (ended by -1; NULL: it keeps them all), then runs @setup(@arg) if
 * not NULL (close descriptors, join a network namespace...): nonzero fails
 * the start.
 *
 * Returns the init's pid in the caller's namespace once the init has made
 * every system call of its set-up, glibc's in fork() included, so that a
 * policy applied from then on judges @init alone (whose first call may
 * come before or after it: a default-DENY policy must allow that call);
 * -1 on failure. Reap *@outer (waitpid) when it is > 0, also after a
 * failure. Both processes die with their parent (PR_SET_PDEATHSIG).
 */
pid_t crs_spawn_container(const int *keep, int (*setup)(void *),
			  int (*init)(void *), void *arg, pid_t *outer);

/*
 * A container that runs calls on request: its init (pid 1 of a new pid
 * namespace, crs_spawn_container()) waits for each crs_ctr_run() and runs
 * it. @fn and @arg are passed as they are: @arg must point at memory the
 * init shares (a string literal, a global set before crs_ctr_start(), a
 * MAP_SHARED mapping), never at the caller's stack.
 */
struct crs_ctr {
	pid_t outer;		/* the child the init runs in */
	pid_t pid;		/* the init, in the caller's pid namespace */
	int to, from;		/* requests out, results back */
	int to_r, from_w;	/* the init's ends */
	int (*setup)(void);
};

typedef int (*crs_body_fn)(void *arg);

/*
 * Start it; @setup (or NULL) runs first in the init (join a network
 * namespace...), nonzero failing the start. 0, or -1.
 */
int crs_ctr_start(struct crs_ctr *c, int (*setup)(void));
/* Run @fn(@arg) in its init: @fn's result, or -1 if the init is gone. */
int crs_ctr_run(struct crs_ctr *c, crs_body_fn fn, void *arg);
/* Detach its policy, end it and reap it. */
void crs_ctr_stop(struct crs_ctr *c);


struct io_uring_sqe;
/*
 * One io_uring operation @sqe on a ring of its own (no liburing): the
 * completion's result, or -errno of the ring's set-up. A non-zero
 * sqe->personality asks for the operation to run under a registered
 * personality: the caller's credentials, registered, before the caller
 * drops CAP_MKNOD from its bounding set (so they differ from its own).
 */
int crs_uring_one(const struct io_uring_sqe *sqe);

/* /sys/module/crs/refcnt, or -1 when it cannot be read (not loaded). */
long crs_refcnt(void);
/*
 * Unload crs once nothing holds it: a container's reference is dropped
 * after an RCU grace period and a work item, so it waits up to @secs for
 * /sys/module/crs/refcnt to reach 0. 0, or -errno of delete_module.
 */
int crs_rmmod(int secs);

/* Run a shell command, capture stdout into @out (NUL-terminated); exit code. */
int crs_sh(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Module parameter @name (/sys/module/crs/parameters/NAME): its value,
 * -1 if it cannot be read; or write @v (0 or -errno). A test that
 * changes one puts the value it read back (suite.sh fails a test file
 * that leaves a parameter changed).
 */
long crs_param_get(const char *name);
/* The number a file (sysfs, /proc) starts with; -1 if it has none. */
long crs_read_long(const char *path);
int crs_param_set(const char *name, unsigned long v);

/* Write printf-formatted text to file @path: 0, or -1. */
int crs_write_file(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Write a JSON policy (printf-formatted) to @path and push it with crsnl:
 * 0, crsnl's exit code (its output printed), or -1 if @path cannot be
 * written.
 */
int crs_push_json(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The number that follows @key ("policies: ", "hooks: ") in the output
 * of crsnl status, or -1.
 */
long crs_status_field(const char *key);

/*
 * In a body run in a container (crs_ctr_run(), crs_spawn_container()):
 * when @cond is false, print it with errno and return 1.
 */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# container: line %d: %s (errno %d %s)\n", \
			__LINE__, #cond, errno, strerror(errno));	\
		return 1;						\
	}								\
} while (0)

/*
 * Run @fn(@arg) in a forked child: its return value (the child's exit
 * status), 128 + signal if it was killed, or -1 if fork() failed.
 */
int crs_in_child(int (*fn)(void *), void *arg);

/* Path of the crsnl binary and of crs.ko (from env CRSNL, CRS_KO). */
const char *crs_crsnl(void);
const char *crs_ko(void);

/*
 * Keep only Docker's (and runc's) default capabilities in current's
 * effective, permitted and bounding sets, as a container's root has
 * them: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID
 * SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE. 0 or -1.
 */
int crs_docker_caps(void);

/*
 * @n scaled by CRS_TEST_SCALE (percent, default 100), at least 1: the
 * iteration counts and durations of the long tests, cut down on the
 * checking kernel (tools/testing/debug/check-debug.sh) where every
 * system call is 10-15 times slower.
 */
long crs_scaled(long n);

#endif
