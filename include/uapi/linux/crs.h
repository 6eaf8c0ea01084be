/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * crs - container runtime security enforcer: generic netlink protocol.
 *
 * Family name CRS_GENL_NAME ("crs"), version CRS_GENL_VERSION. The family
 * is registered in the initial network namespace only (it is invisible from
 * any other network namespace), and every command requires CAP_NET_ADMIN
 * in the initial user namespace (GENL_ADMIN_PERM); without it a command
 * fails with -EPERM. Every error carries an extack message.
 *
 * Integers are host byte order unless stated. Strings are NUL-terminated.
 * Validation is strict: nested attributes must carry NLA_F_NESTED, unknown
 * attributes are rejected, out-of-range integers get -ERANGE.
 * Lengths in bytes, times in nanoseconds.
 *
 * Commands
 * --------
 *
 * CRS_CMD_GET_STATUS: no request attributes (any attribute is -EINVAL).
 *   Reply: CRS_A_VERSION, CRS_A_STATUS (nested crs_status_attr).
 *
 * CRS_CMD_SET_POLICY: create or replace a policy, atomically.
 *   Request: CRS_A_POLICY (nested crs_policy_attr), CRS_A_FLAGS (u32,
 *   CRS_SET_F_*). A policy too large for one message (attribute lengths
 *   are 16 bits) is sent as a series on one socket: the first message has
 *   CRS_SET_F_MORE and the policy header with the first rules; following
 *   messages have CRS_SET_F_APPEND (and CRS_SET_F_MORE while more follow)
 *   and carry CRS_POLICY_A_NAME and more CRS_POLICY_A_RULES; the message
 *   without CRS_SET_F_MORE commits the whole series. Nothing is visible
 *   until the commit; a series is dropped when its socket closes. A
 *   reader sees either the old or the new policy, never a mix.
 *   Errors: -EINVAL (bad attribute, extack names it), -E2BIG (over the
 *   rule limit), -ENOENT (APPEND without a started series), -ENOMEM,
 *   -EOPNOTSUPP (unknown flag bits), -ENOSPC (too many policies: module
 *   parameter max_policies), -EBUSY (too many series in progress, or
 *   the system call hooks, see below, cannot be armed), -ENODEV (the
 *   module is being removed).
 *
 *   System call hooks: the hooks on the system call dispatchers (every
 *   system call of the host) are armed only while a bound container
 *   needs them: its policy has SYSCALL rules or a DENY
 *   defaultSyscallAction, or it is learning. SET_POLICY, APPLY and
 *   SET_CONTAINER arm them before the change they make takes effect;
 *   they are disarmed once no container has needed them for
 *   syscall_hooks_idle_secs (module parameter, seconds, default 10).
 *   CRS_STATUS_A_HOOKS counts them only while armed.
 *
 * CRS_CMD_GET_POLICY: dump only (NLM_F_DUMP). With CRS_A_POLICY
 *   {CRS_POLICY_A_NAME}: that policy (-ENOENT if unknown); without it:
 *   every policy. Each reply message carries
 *   CRS_A_POLICY with the header and at most a message's worth of
 *   CRS_POLICY_A_RULES; a policy spans several messages, the first with
 *   CRS_POLICY_A_RULE_OFFSET 0. CRS_A_FLAGS CRS_GET_F_STATS adds
 *   per-rule counters. Dumps are consistent (NLM_F_DUMP_INTR on change).
 *
 * CRS_CMD_DEL_POLICY: CRS_A_POLICY {CRS_POLICY_A_NAME}, CRS_A_FLAGS
 *   (CRS_DEL_F_FORCE). -EBUSY while a container uses it and no FORCE
 *   (FORCE detaches those containers). -ENOENT if unknown.
 *
 * CRS_CMD_APPLY: CRS_A_CONTAINER {CRS_CONTAINER_A_PID, CRS_CONTAINER_A_POLICY,
 *   optional modes, optional CRS_CONTAINER_A_ROOT_FD}, CRS_A_FLAGS
 *   (CRS_APPLY_F_HOST to allow binding the initial pid namespace). Binds
 *   the pid namespace of PID (as seen from the caller's pid namespace) and
 *   captures its network namespace and its root (every judged path is
 *   relative to that root, whatever root a task later has). If
 *   that namespace is already bound, its policy is replaced. Each bound
 *   container holds a reference on the module: rmmod is refused at once
 *   ("in use"; delete_module(2) fails with EWOULDBLOCK) until every
 *   container is detached or has exited.
 *   Modes the request does not carry are kept, unless CRS_APPLY_F_RESET,
 *   which returns them to a new container's: no policy mode override,
 *   log mode CRS_LOG_POLICY_MONITOR_DENY, learning off.
 *   Errors, each but -ENOMEM with an extack message: -EINVAL (a missing
 *   or bad attribute), -EOPNOTSUPP (unknown flag bits), -ESRCH (no such pid, or
 *   the process is exiting), -ENOENT (no such policy), -EPERM (the
 *   initial pid namespace without CRS_APPLY_F_HOST), -EBADF and -ENOTDIR
 *   (CRS_CONTAINER_A_ROOT_FD is not an open directory), -ENOSPC (too
 *   many containers: module parameter max_containers; or too many
 *   learning sets), -EBUSY (the system call hooks cannot be armed, or
 *   the container already learns into another set), -ENODEV (the module
 *   is being removed), -ENOMEM.
 *
 * CRS_CMD_DETACH: CRS_A_CONTAINER {CRS_CONTAINER_A_PID}: unbinds the
 *   container PID resolves to. -ESRCH no such pid, -ENOENT when it is in
 *   no bound container, -EINVAL a missing or bad attribute.
 *
 * CRS_CMD_GET_CONTAINER: with CRS_A_CONTAINER {CRS_CONTAINER_A_PID}: the
 *   container PID resolves to (nearest bound ancestor pid namespace),
 *   -ESRCH no such pid, -ENOENT if it is in no bound container; as a
 *   dump: every bound container.
 *   Reply: CRS_A_CONTAINER (nested crs_container_attr).
 *
 * CRS_CMD_SET_CONTAINER: CRS_A_CONTAINER {CRS_CONTAINER_A_PID and any of
 *   POLICY_MODE, LOG_MODE, LEARNING}. A container with no policy is
 *   created when PID's pid namespace is not bound yet (learning with no
 *   policy applied), subject to the same CRS_APPLY_F_HOST rule;
 *   CRS_APPLY_F_RESET as for CRS_CMD_APPLY. Errors as for CRS_CMD_APPLY
 *   but -ENOENT: CRS_CONTAINER_A_POLICY is -EINVAL here (only APPLY
 *   changes a container's policy).
 *
 * CRS_CMD_GET_LEARNED: dump; CRS_A_CONTAINER {CRS_CONTAINER_A_PID, or
 *   CRS_CONTAINER_A_LEARN_SET: a named set; -ENOENT if there is none}.
 *   One CRS_A_LEARNED (nested crs_learned_attr) per recorded tuple.
 *
 * CRS_CMD_DEL_LEARNED: CRS_A_CONTAINER {CRS_CONTAINER_A_LEARN_SET}:
 *   forget a named learning set (containers still learning into it keep
 *   it until they go). -ENOENT if there is none.
 *
 * CRS_CMD_EVENT: sent by the kernel on CRS_MCGRP_AUDIT (policy verdicts)
 *   and CRS_MCGRP_LEARN (BEHAVIOR events). Attributes: CRS_A_EVENT
 *   (nested crs_event_attr).
 *
 * Verdicts
 * --------
 *
 * Each judged operation is one object of one rule type: a file opened,
 * created, linked, renamed, unlinked or truncated (CRS_RULE_READ,
 * CRS_RULE_WRITE; a rename or link is judged on both names), a
 * flow or datagram (CRS_RULE_NETWORK_OUTBOUND by remote address and port,
 * CRS_RULE_NETWORK_INBOUND by local port), a system call
 * (CRS_RULE_SYSCALL), or an Execution: an exec, or a file mapped so it
 * can run code, judged by the SYSCALL rules on execve/execveat that
 * carry CRS_RULE_A_FILE (the resolved executable, a glob). Paths are
 * the object's path from the container's root (CRS_CMD_APPLY).
 *
 * Of the policy's rules of that type whose program and object match,
 * any DENY rule decides over every ALLOW rule; a rule with
 * CRS_RULE_A_INACTIVE never matches. With no matching rule the
 * policy's default action decides: CRS_POLICY_A_DEFAULT_FILE (READ,
 * WRITE), _NETWORK (both directions), _EXECUTE (Executions), _SYSCALL
 * (other system calls); each is CRS_ACTION_ALLOW when absent. A rule
 * without CRS_RULE_A_PROGRAM applies to every program; with one, to a
 * task whose executable has that path in the container's root or is
 * the file that path resolves to there.
 *
 * Policy mode: CRS_MODE_ACTIVE enforces; CRS_MODE_PERMISSIVE allows
 * and reports CRS_OUTCOME_MONITOR where ACTIVE would deny;
 * CRS_MODE_INACTIVE evaluates nothing (learning, when on, still
 * records). What a denial returns: -EACCES for file operations,
 * Executions and packet sockets; -EPERM for a system call, or the DENY
 * rule's CRS_RULE_A_ERRNO, or for a default denial
 * CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO; -ECONNREFUSED for an outbound TCP
 * connect, -EPERM for another outbound send; inbound, a TCP SYN is
 * answered with a reset and other packets are dropped.
 *
 * Events
 * ------
 *
 * The container's log mode (enum crs_log_mode) selects the outcomes
 * that become events, exactly as named: POLICY_MONITOR MONITOR,
 * POLICY_DENY DENIED, POLICY_ALLOW ALLOWED (of an ALLOW rule only,
 * never of a default allow), POLICY_ALL those three, BEHAVIOR the
 * learning's first sighting of each tuple (on CRS_MCGRP_LEARN), ALL
 * everything. A system call no rule names that the default allows is
 * no verdict; ignored syscalls (CRS_POLICY_A_IGNORED_SYSCALLS) never
 * make events. Every event has TIME_REAL, TIME_MONO, CONTAINER,
 * RULE_TYPE, OUTCOME, POLICY and RULE; PID, TGID, UID and PROGRAM when
 * a task made it (not an inbound packet in softirq); PATH for READ,
 * WRITE and Executions; SYSCALL_NR and ARCH for SYSCALL; FAMILY, ADDR,
 * PORT, PROTOCOL and DIRECTION for the network types. LOST and
 * LOST_TOTAL ride on the next event after a loss; a loss record has
 * CONTAINER (or none) and UNHEARD only, with the times.
 */
#ifndef _UAPI_LINUX_CRS_H
#define _UAPI_LINUX_CRS_H

#include <linux/types.h>

#define CRS_GENL_NAME		"crs"
#define CRS_GENL_VERSION	1
#define CRS_MCGRP_AUDIT		"audit"
#define CRS_MCGRP_LEARN		"learn"

/* Limits shared by both sides. */
#define CRS_NAME_MAX		128	/* policy and rule names, incl. NUL */
#define CRS_LEARN_SET_MAX	512	/* learning set names, incl. NUL */
#define CRS_DESC_MAX		1024	/* policy description, incl. NUL */
#define CRS_PATH_MAX		4096	/* file and program, incl. NUL */

enum crs_cmd {
	CRS_CMD_UNSPEC,
	CRS_CMD_GET_STATUS,
	CRS_CMD_SET_POLICY,
	CRS_CMD_GET_POLICY,
	CRS_CMD_DEL_POLICY,
	CRS_CMD_APPLY,
	CRS_CMD_DETACH,
	CRS_CMD_GET_CONTAINER,
	CRS_CMD_SET_CONTAINER,
	CRS_CMD_GET_LEARNED,
	CRS_CMD_EVENT,
	CRS_CMD_DEL_LEARNED,
	__CRS_CMD_MAX
};
#define CRS_CMD_MAX (__CRS_CMD_MAX - 1)

/*
 * Top-level attributes. Requests are parsed strictly: an attribute the
 * command does not take, or one of a nest's type it does not list, is
 * -EINVAL with an extack message. VERSION, STATUS, LEARNED and EVENT are
 * only sent by the kernel (replies, events): in a request each is
 * -EINVAL ("reply-only attribute in a request"). DEL_POLICY and the
 * GET_POLICY filter take CRS_A_POLICY {CRS_POLICY_A_NAME} and nothing else.
 */
enum crs_attr {
	CRS_A_UNSPEC,
	CRS_A_VERSION,		/* string: module version, e.g. "0.1.0" */
	CRS_A_STATUS,		/* nested: enum crs_status_attr */
	CRS_A_FLAGS,		/* u32: command flags (CRS_*_F_*) */
	CRS_A_POLICY,		/* nested: enum crs_policy_attr */
	CRS_A_CONTAINER,	/* nested: enum crs_container_attr */
	CRS_A_LEARNED,		/* nested: enum crs_learned_attr */
	CRS_A_EVENT,		/* nested: enum crs_event_attr */
	__CRS_A_MAX
};
#define CRS_A_MAX (__CRS_A_MAX - 1)

/* CRS_A_FLAGS bits of CRS_CMD_SET_POLICY. */
enum crs_set_flag {
	CRS_SET_F_MORE = 1U << 0,	/* more messages of this series follow */
	CRS_SET_F_APPEND = 1U << 1,	/* continues a series started earlier */
	__CRS_SET_F_ALL = CRS_SET_F_MORE | CRS_SET_F_APPEND
};

/* CRS_A_FLAGS bits of CRS_CMD_GET_POLICY. */
enum crs_get_flag {
	CRS_GET_F_STATS = 1U << 0,	/* include per-rule counters */
	__CRS_GET_F_ALL = CRS_GET_F_STATS
};

/* CRS_A_FLAGS bits of CRS_CMD_DEL_POLICY. */
enum crs_del_flag {
	CRS_DEL_F_FORCE = 1U << 0,	/* detach containers that use it */
	__CRS_DEL_F_ALL = CRS_DEL_F_FORCE
};

/* CRS_A_FLAGS bits of CRS_CMD_APPLY and CRS_CMD_SET_CONTAINER. */
enum crs_apply_flag {
	CRS_APPLY_F_HOST = 1U << 0,	/* allow the initial pid namespace */
	CRS_APPLY_F_RESET = 1U << 1,	/* modes not in the request: defaults */
	__CRS_APPLY_F_ALL = CRS_APPLY_F_HOST | CRS_APPLY_F_RESET
};

/* Attributes nested in CRS_A_STATUS; all counters u64 unless stated. */
enum crs_status_attr {
	CRS_STATUS_A_UNSPEC,
	CRS_STATUS_A_POLICIES,		/* u32: policies stored */
	CRS_STATUS_A_CONTAINERS,	/* u32: containers bound */
	CRS_STATUS_A_RULES,		/* u32: rules in all stored policies */
	CRS_STATUS_A_ALLOWED,		/* u64: verdicts ALLOWED, all containers */
	CRS_STATUS_A_DENIED,		/* u64: verdicts DENIED */
	CRS_STATUS_A_MONITORED,		/* u64: verdicts MONITOR */
	CRS_STATUS_A_EVENTS_SENT,	/* u64: events delivered to netlink */
	CRS_STATUS_A_EVENTS_LOST,	/* u64: events dropped (queue or socket) */
	CRS_STATUS_A_MEM_POLICY,	/* u64: bytes held by compiled policies */
	CRS_STATUS_A_MEM_LEARN,		/* u64: bytes held by learning sets */
	CRS_STATUS_A_MEM_EVENTS,	/* u64: bytes held by queued events */
	CRS_STATUS_A_PROGRAMS,		/* u32: cached program identities */
	CRS_STATUS_A_HOOKS,		/* u32: hooks installed */
	CRS_STATUS_A_PAD,
	/*
	 * file accesses whose path the kernel could not name (longer than
	 * PATH_MAX, or d_path() failed) in a container whose policy has a
	 * rule of that kind: each judged as if a DENY rule matched
	 */
	CRS_STATUS_A_UNNAMED,		/* u64: such accesses, all containers */
	/*
	 * audit events produced while no listener was subscribed to the
	 * "audit" group: not sent; each container's count is announced in a
	 * loss record (CRS_EVENT_A_UNHEARD) once a listener subscribes
	 */
	CRS_STATUS_A_EVENTS_UNHEARD,	/* u64: such events, all containers */
	__CRS_STATUS_A_MAX
};
#define CRS_STATUS_A_MAX (__CRS_STATUS_A_MAX - 1)

/* Policy mode. */
enum crs_policy_mode {
	CRS_MODE_ACTIVE,	/* evaluate and enforce */
	CRS_MODE_PERMISSIVE,	/* evaluate, report would-be denials, block none */
	CRS_MODE_INACTIVE,	/* evaluate nothing */
	__CRS_MODE_MAX
};

/* Rule action and default action. */
enum crs_action {
	CRS_ACTION_ALLOW,
	CRS_ACTION_DENY,
	__CRS_ACTION_MAX
};

/* Rule type. */
enum crs_rule_type {
	CRS_RULE_READ,
	CRS_RULE_WRITE,
	CRS_RULE_NETWORK_OUTBOUND,
	CRS_RULE_NETWORK_INBOUND,
	CRS_RULE_SYSCALL,
	__CRS_RULE_MAX
};

/* Log mode: which outcomes produce events. */
enum crs_log_mode {
	CRS_LOG_NONE,
	CRS_LOG_POLICY_MONITOR,
	CRS_LOG_POLICY_DENY,
	CRS_LOG_POLICY_MONITOR_DENY,
	CRS_LOG_POLICY_ALLOW,
	CRS_LOG_POLICY_ALL,
	CRS_LOG_BEHAVIOR,
	CRS_LOG_ALL,
	__CRS_LOG_MAX
};

/* Outcome of a verdict, as reported in events and counters. */
enum crs_outcome {
	CRS_OUTCOME_ALLOWED,
	CRS_OUTCOME_DENIED,
	CRS_OUTCOME_MONITOR,
	CRS_OUTCOME_BEHAVIOR,
	__CRS_OUTCOME_MAX
};

/* Syscall argument comparison (seccomp's SCMP_CMP_* set). */
enum crs_arg_op {
	CRS_ARG_EQ,		/* arg == value */
	CRS_ARG_NE,		/* arg != value */
	CRS_ARG_LT,		/* arg <  value (unsigned) */
	CRS_ARG_LE,		/* arg <= value (unsigned) */
	CRS_ARG_GT,		/* arg >  value (unsigned) */
	CRS_ARG_GE,		/* arg >= value (unsigned) */
	CRS_ARG_MASKED_EQ,	/* (arg & mask) == value */
	__CRS_ARG_MAX
};

/*
 * How the kernel reads a syscall argument: the entry point casts the
 * register to the parameter's C type, so an int argument is the low 32
 * bits whatever the upper ones hold. The argument is cast to the same
 * width, then compared as unsigned (an int -1 is 0xffffffff).
 */
enum crs_arg_type {
	CRS_ARG_T_REG,		/* the whole register (long, pointer): as is */
	CRS_ARG_T_32,		/* int, unsigned int: the low 32 bits */
	CRS_ARG_T_16,		/* unsigned short (umode_t, 16-bit uid): low 16 bits */
	__CRS_ARG_T_MAX
};

/* Syscall architecture (values of AUDIT_ARCH_* are not used on purpose). */
enum crs_arch {
	CRS_ARCH_X86_64,
	CRS_ARCH_I386,
	CRS_ARCH_X32,
	__CRS_ARCH_MAX
};

/* Network protocol of a rule: IP protocol numbers; 0 is any. */
#define CRS_PROTO_ANY	0
#define CRS_PROTO_ICMP	1	/* ICMP for IPv4, ICMPv6 (58) for IPv6 */
#define CRS_PROTO_TCP	6
#define CRS_PROTO_UDP	17
/*
 * Not an IP protocol: packet sockets (AF_PACKET, and SOCK_PACKET of
 * AF_INET), which send and receive below the IP hooks. NETWORK_OUTBOUND
 * only, without address or port: such a rule decides whether the
 * program may open one. With no matching rule, a policy that has other
 * network rules or a DENY defaultNetworkAction denies it.
 */
#define CRS_PROTO_PACKET	255

/* Attributes nested in CRS_A_POLICY. */
enum crs_policy_attr {
	CRS_POLICY_A_UNSPEC,
	CRS_POLICY_A_NAME,		/* string, 1..CRS_NAME_MAX-1 bytes */
	CRS_POLICY_A_DESCRIPTION,	/* string, < CRS_DESC_MAX */
	CRS_POLICY_A_MODE,		/* u8: enum crs_policy_mode */
	CRS_POLICY_A_DEFAULT_FILE,	/* u8: enum crs_action */
	CRS_POLICY_A_DEFAULT_NETWORK,	/* u8: enum crs_action */
	CRS_POLICY_A_DEFAULT_EXECUTE,	/* u8: enum crs_action */
	CRS_POLICY_A_DEFAULT_SYSCALL,	/* u8: enum crs_action */
	CRS_POLICY_A_IGNORED_SYSCALLS,	/* binary: u32 x86_64 numbers */
	CRS_POLICY_A_IGNORED_SYSCALLS_I386, /* binary: u32 i386 numbers */
	CRS_POLICY_A_RULES,		/* nested: CRS_RULES_A_RULE, repeated */
	CRS_POLICY_A_RULE_OFFSET,	/* u32: index of the first rule here (get) */
	CRS_POLICY_A_RULE_COUNT,	/* u32: rules in the whole policy (get) */
	CRS_POLICY_A_CONTAINERS,	/* u32: containers bound to it (get) */
	CRS_POLICY_A_GENERATION,	/* u64: replacement count (get) */
	CRS_POLICY_A_PAD,
	/*
	 * the errno of a system call denied by defaultSyscallAction DENY
	 * (no rule named it), 1..4095; absent: EPERM
	 */
	CRS_POLICY_A_DEFAULT_SYSCALL_ERRNO, /* u16: errno */
	__CRS_POLICY_A_MAX
};
#define CRS_POLICY_A_MAX (__CRS_POLICY_A_MAX - 1)

/* Attributes nested in CRS_POLICY_A_RULES. */
enum crs_rules_attr {
	CRS_RULES_A_UNSPEC,
	CRS_RULES_A_RULE,		/* nested: enum crs_rule_attr */
	__CRS_RULES_A_MAX
};
#define CRS_RULES_A_MAX (__CRS_RULES_A_MAX - 1)

/*
 * Attributes nested in CRS_RULES_A_RULE. Which are required depends on
 * the type: READ/WRITE need FILE; NETWORK_* need at least one of
 * ADDR, PORT_*, PROTOCOL; SYSCALL needs SYSCALL_NR or SYSCALL_NR_I386.
 */
enum crs_rule_attr {
	CRS_RULE_A_UNSPEC,
	CRS_RULE_A_NAME,	/* string, 1..CRS_NAME_MAX-1, unique in policy */
	CRS_RULE_A_TYPE,	/* u8: enum crs_rule_type */
	CRS_RULE_A_ACTION,	/* u8: enum crs_action */
	CRS_RULE_A_PROGRAM,	/* string: absolute path or "*" (absent: "*") */
	CRS_RULE_A_INACTIVE,	/* flag: rule is kept but never matches */
	CRS_RULE_A_FILE,	/* string: absolute path, glob_match() syntax */
	CRS_RULE_A_FAMILY,	/* u8: AF_INET or AF_INET6 (with ADDR) */
	CRS_RULE_A_ADDR,	/* binary: 4 or 16 bytes, network byte order */
	CRS_RULE_A_PREFIX,	/* u8: prefix length, <= 32 or <= 128 */
	CRS_RULE_A_PORT_LO,	/* u16: first port (absent: 0) */
	CRS_RULE_A_PORT_HI,	/* u16: last port, >= PORT_LO (absent: 65535) */
	CRS_RULE_A_PROTOCOL,	/* u8: CRS_PROTO_* (absent: any) */
	CRS_RULE_A_SYSCALL_NR,	/* u32: x86_64 syscall number */
	CRS_RULE_A_SYSCALL_NR_I386, /* u32: i386 syscall number */
	CRS_RULE_A_SYSCALL_NAME, /* string, < 64 bytes: as written in the policy */
	CRS_RULE_A_ARGS,	/* nested: CRS_ARGS_A_ARG, repeated, <= 6 */
	CRS_RULE_A_HITS_ALLOWED, /* u64 (get with stats) */
	CRS_RULE_A_HITS_DENIED,	/* u64 (get with stats) */
	CRS_RULE_A_HITS_MONITOR, /* u64 (get with stats) */
	CRS_RULE_A_PAD,
	/* u16: errno a denied call gets, 1..4095; SYSCALL DENY rules only (absent: EPERM) */
	CRS_RULE_A_ERRNO,
	__CRS_RULE_A_MAX
};
#define CRS_RULE_A_MAX (__CRS_RULE_A_MAX - 1)

enum crs_args_attr {
	CRS_ARGS_A_UNSPEC,
	CRS_ARGS_A_ARG,		/* nested: enum crs_arg_attr */
	__CRS_ARGS_A_MAX
};
#define CRS_ARGS_A_MAX (__CRS_ARGS_A_MAX - 1)

/* A scalar syscall argument constraint. */
enum crs_arg_attr {
	CRS_ARG_A_UNSPEC,
	CRS_ARG_A_INDEX,	/* u8: 0..5 (arg1..arg6) */
	CRS_ARG_A_OP,		/* u8: enum crs_arg_op */
	CRS_ARG_A_VALUE,	/* u64 */
	CRS_ARG_A_MASK,		/* u64: for CRS_ARG_MASKED_EQ */
	CRS_ARG_A_PAD,
	/* u8: enum crs_arg_type of the x86_64 syscall's argument (absent: REG) */
	CRS_ARG_A_TYPE,
	/* u8: enum crs_arg_type of the i386 syscall's argument (absent: REG) */
	CRS_ARG_A_TYPE32,
	__CRS_ARG_A_MAX
};
#define CRS_ARG_A_MAX (__CRS_ARG_A_MAX - 1)

/* Attributes nested in CRS_A_CONTAINER. */
enum crs_container_attr {
	CRS_CONTAINER_A_UNSPEC,
	CRS_CONTAINER_A_PID,		/* u32: a pid in the caller's pid ns */
	CRS_CONTAINER_A_ID,		/* u64: pid namespace inode number */
	CRS_CONTAINER_A_NETNS,		/* u64: network namespace inode number */
	CRS_CONTAINER_A_POLICY,		/* string: bound policy name ("" none) */
	CRS_CONTAINER_A_POLICY_MODE,	/* u8: enum crs_policy_mode (override) */
	CRS_CONTAINER_A_LOG_MODE,	/* u8: enum crs_log_mode */
	CRS_CONTAINER_A_LEARNING,	/* u8: 0 off, 1 on */
	CRS_CONTAINER_A_EFFECTIVE_MODE,	/* u8: mode in force (get) */
	CRS_CONTAINER_A_ALLOWED,	/* u64 (get) */
	CRS_CONTAINER_A_DENIED,		/* u64 (get) */
	CRS_CONTAINER_A_MONITORED,	/* u64 (get) */
	CRS_CONTAINER_A_EVENTS_LOST,	/* u64 (get) */
	CRS_CONTAINER_A_LEARNED,	/* u32: learned tuples (get) */
	CRS_CONTAINER_A_LEARN_OVERFLOW,	/* u64: tuples not recorded (get) */
	CRS_CONTAINER_A_LEVEL,		/* u32: pid namespace level (get) */
	CRS_CONTAINER_A_PAD,
	/*
	 * u32: apply and set only: a file descriptor of the caller, open on
	 * a directory (O_PATH will do): the container's root file system
	 * (an OCI bundle's root.path) when it is bound before the runtime
	 * has pivoted into it. Rule programs and exact Execution files are
	 * resolved there; the container's root, which every judged path is
	 * relative to, is then taken at the runtime's pivot_root or chroot
	 * (or the container's first exec). Ignored when the process is
	 * already in another root than the caller's, or the container is
	 * bound already. -EBADF not an open fd, -ENOTDIR not a directory.
	 */
	CRS_CONTAINER_A_ROOT_FD,	/* u32: fd of the root fs (apply, set) */
	/*
	 * string, 1..CRS_LEARN_SET_MAX-1 bytes: apply and set: the container
	 * learns into the named learning set, shared by every container
	 * given the same name (an image binding's pattern), created at its
	 * first use and kept after its containers exit, until the module is
	 * unloaded. At most 256 sets (-ENOSPC). -EBUSY when the container
	 * already learns into another set, or has learned on its own.
	 * get-learned: dump that set instead of a container's.
	 */
	CRS_CONTAINER_A_LEARN_SET,	/* string: learning set (apply, set, get-learned) */
	/* audit events produced while no listener was subscribed (get) */
	CRS_CONTAINER_A_EVENTS_UNHEARD,	/* u64 (get) */
	__CRS_CONTAINER_A_MAX
};
#define CRS_CONTAINER_A_MAX (__CRS_CONTAINER_A_MAX - 1)

/* Attributes nested in CRS_A_LEARNED. */
enum crs_learned_attr {
	CRS_LEARNED_A_UNSPEC,
	CRS_LEARNED_A_TYPE,	/* u8: enum crs_rule_type */
	CRS_LEARNED_A_PROGRAM,	/* string */
	CRS_LEARNED_A_FILE,	/* string: file, or executed program */
	CRS_LEARNED_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	CRS_LEARNED_A_ADDR,	/* binary: 4 or 16 bytes, network order */
	CRS_LEARNED_A_PORT,	/* u16 */
	CRS_LEARNED_A_PROTOCOL,	/* u8 */
	CRS_LEARNED_A_SYSCALL_NR, /* u32 */
	CRS_LEARNED_A_ARCH,	/* u8: enum crs_arch */
	__CRS_LEARNED_A_MAX
};
#define CRS_LEARNED_A_MAX (__CRS_LEARNED_A_MAX - 1)

/* Attributes nested in CRS_A_EVENT. */
enum crs_event_attr {
	CRS_EVENT_A_UNSPEC,
	CRS_EVENT_A_TIME_REAL,	/* u64: ns since the epoch, CLOCK_REALTIME */
	CRS_EVENT_A_TIME_MONO,	/* u64: ns, CLOCK_MONOTONIC */
	CRS_EVENT_A_CONTAINER,	/* u64: pid namespace inode number */
	CRS_EVENT_A_PID,	/* u32: pid, initial pid namespace */
	CRS_EVENT_A_TGID,	/* u32: tgid, initial pid namespace */
	CRS_EVENT_A_UID,	/* u32: uid, initial user namespace */
	CRS_EVENT_A_PROGRAM,	/* string */
	CRS_EVENT_A_RULE_TYPE,	/* u8: enum crs_rule_type */
	CRS_EVENT_A_SYSCALL_NR,	/* u32 */
	CRS_EVENT_A_ARCH,	/* u8: enum crs_arch */
	CRS_EVENT_A_PATH,	/* string: file object */
	CRS_EVENT_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	CRS_EVENT_A_ADDR,	/* binary: remote address, network order */
	CRS_EVENT_A_PORT,	/* u16: remote port (outbound), local (inbound) */
	CRS_EVENT_A_PROTOCOL,	/* u8 */
	CRS_EVENT_A_DIRECTION,	/* u8: 0 outbound, 1 inbound */
	CRS_EVENT_A_OUTCOME,	/* u8: enum crs_outcome */
	CRS_EVENT_A_POLICY,	/* string: policy name ("" none) */
	CRS_EVENT_A_RULE,	/* string: deciding rule, or "default" */
	CRS_EVENT_A_LOST,	/* u64: events lost just before this one */
	CRS_EVENT_A_PAD,
	/*
	 * u64: in a loss record only: audit events of CRS_EVENT_A_CONTAINER
	 * (absent: of containers since unbound) produced while no listener
	 * was subscribed to "audit", since the last such record. Sent, one
	 * record a container, at once after a listener sends
	 * CRS_CMD_GET_STATUS, else at a poll every 1 to 16 s; TIME_REAL and
	 * TIME_MONO are then the time of the report.
	 */
	CRS_EVENT_A_UNHEARD,	/* u64: events nobody heard (loss record) */
	/*
	 * u64, beside every CRS_EVENT_A_LOST: the losses announced on this
	 * multicast group since the module was loaded, these included. An
	 * announcement some listener missed (its buffer full) is sent again,
	 * and the listeners that had it get it twice: a listener that last
	 * saw total T and now sees T' lost T' - T in between (none when
	 * T' <= T), whatever CRS_EVENT_A_LOST says. The group of a datagram
	 * is in its NETLINK_PKTINFO.
	 */
	CRS_EVENT_A_LOST_TOTAL,	/* u64: losses on this group since load */
	__CRS_EVENT_A_MAX
};
#define CRS_EVENT_A_MAX (__CRS_EVENT_A_MAX - 1)

#endif /* _UAPI_LINUX_CRS_H */
