// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel validates policies itself: every malformed policy sent over
 * raw netlink gets -EINVAL (or the documented errno) with an extack
 * message, and nothing is stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/attr.h>

#include "crs_harness.h"
#include "crs_test.h"

/* Which defect a rule gets. */
enum defect {
	OK,
	NO_NAME, EMPTY_NAME, NO_TYPE, BAD_TYPE, BAD_ACTION, REL_FILE,
	NO_FILE, REL_PROGRAM, PREFIX_33, ADDR_NO_FAMILY, ADDR_BAD_LEN,
	PORT_REVERSED, BAD_PROTO, NET_EMPTY, NET_WITH_FILE, SYSCALL_NONE,
	SYSCALL_OOR, SYSCALL_FILE_NOT_EXEC, ARG_BAD_INDEX, ARG_BAD_OP,
	ARG_MASK_MISSING, FILE_ON_NET, PORT_ON_READ, STATS_IN_SET,
	ERRNO_ON_ALLOW, ERRNO_ON_READ, ERRNO_ZERO, ARG_BAD_TYPE, ARG_BAD_TYPE32,
};

static void put_rule(struct nl_msg *m, const char *name, enum defect d)
{
	struct nlattr *r = nla_nest_start(m, CRS_RULES_A_RULE | NLA_F_NESTED);
	int type = CRS_RULE_READ;

	switch (d) {
	case PREFIX_33: case ADDR_NO_FAMILY: case ADDR_BAD_LEN:
	case PORT_REVERSED: case BAD_PROTO: case NET_EMPTY:
	case NET_WITH_FILE: case FILE_ON_NET:
		type = CRS_RULE_NETWORK_OUTBOUND;
		break;
	case SYSCALL_NONE: case SYSCALL_OOR: case SYSCALL_FILE_NOT_EXEC:
	case ARG_BAD_INDEX: case ARG_BAD_OP: case ARG_MASK_MISSING:
	case ERRNO_ON_ALLOW: case ERRNO_ZERO: case ARG_BAD_TYPE:
	case ARG_BAD_TYPE32:
		type = CRS_RULE_SYSCALL;
		break;
	default:
		break;
	}
	if (d != NO_NAME)
		nla_put_string(m, CRS_RULE_A_NAME, d == EMPTY_NAME ? "" : name);
	if (d != NO_TYPE)
		nla_put_u8(m, CRS_RULE_A_TYPE, d == BAD_TYPE ? 9 : type);
	nla_put_u8(m, CRS_RULE_A_ACTION, d == BAD_ACTION ? 7 :
		   d == ERRNO_ON_ALLOW ? CRS_ACTION_ALLOW : CRS_ACTION_DENY);
	if (d == ERRNO_ON_ALLOW || d == ERRNO_ON_READ)
		nla_put_u16(m, CRS_RULE_A_ERRNO, 38);
	if (d == ERRNO_ZERO)
		nla_put_u16(m, CRS_RULE_A_ERRNO, 0);
	if (d == REL_PROGRAM)
		nla_put_string(m, CRS_RULE_A_PROGRAM, "bin/sh");
	if (type == CRS_RULE_READ && d != NO_FILE)
		nla_put_string(m, CRS_RULE_A_FILE, d == REL_FILE ? "etc/x" : "/etc/x");
	if (type == CRS_RULE_READ && d == PORT_ON_READ)
		nla_put_u16(m, CRS_RULE_A_PORT_LO, 80);
	if (type == CRS_RULE_NETWORK_OUTBOUND) {
		uint32_t a = htonl(0xc0000200);

		if (d == NET_WITH_FILE || d == FILE_ON_NET)
			nla_put_string(m, CRS_RULE_A_FILE, "/etc/x");
		if (d != NET_EMPTY && d != ADDR_NO_FAMILY)
			nla_put_u8(m, CRS_RULE_A_FAMILY, AF_INET);
		if (d != NET_EMPTY)
			nla_put(m, CRS_RULE_A_ADDR, d == ADDR_BAD_LEN ? 3 : 4, &a);
		if (d != NET_EMPTY)
			nla_put_u8(m, CRS_RULE_A_PREFIX, d == PREFIX_33 ? 33 : 24);
		if (d == PORT_REVERSED) {
			nla_put_u16(m, CRS_RULE_A_PORT_LO, 2000);
			nla_put_u16(m, CRS_RULE_A_PORT_HI, 1000);
		}
		if (d == BAD_PROTO)
			nla_put_u8(m, CRS_RULE_A_PROTOCOL, 99);
	}
	if (type == CRS_RULE_SYSCALL) {
		if (d != SYSCALL_NONE)
			nla_put_u32(m, CRS_RULE_A_SYSCALL_NR, d == SYSCALL_OOR ? 100000 : 101);
		if (d == SYSCALL_FILE_NOT_EXEC)
			nla_put_string(m, CRS_RULE_A_FILE, "/bin/x");
		if (d == ARG_BAD_INDEX || d == ARG_BAD_OP || d == ARG_MASK_MISSING ||
		    d == ARG_BAD_TYPE || d == ARG_BAD_TYPE32) {
			struct nlattr *args = nla_nest_start(m, CRS_RULE_A_ARGS | NLA_F_NESTED);
			struct nlattr *a = nla_nest_start(m, CRS_ARGS_A_ARG | NLA_F_NESTED);

			nla_put_u8(m, CRS_ARG_A_INDEX, d == ARG_BAD_INDEX ? 6 : 0);
			nla_put_u8(m, CRS_ARG_A_OP, d == ARG_BAD_OP ? 42 :
				   d == ARG_MASK_MISSING ? CRS_ARG_MASKED_EQ : CRS_ARG_EQ);
			nla_put_u64(m, CRS_ARG_A_VALUE, 1);
			if (d == ARG_BAD_TYPE)
				nla_put_u8(m, CRS_ARG_A_TYPE, __CRS_ARG_T_MAX);
			if (d == ARG_BAD_TYPE32)
				nla_put_u8(m, CRS_ARG_A_TYPE32, 200);
			nla_nest_end(m, a);
			nla_nest_end(m, args);
		}
	}
	if (d == STATS_IN_SET)
		nla_put_u64(m, CRS_RULE_A_HITS_DENIED, 5);
	nla_nest_end(m, r);
}

/*
 * A @cmd message (netlink @nlflags) with CRS_A_FLAGS @flags (0: none) and
 * CRS_A_POLICY {NAME @name}, the nest left open: end_policy() closes it.
 */
static struct nl_msg *policy_msg(struct crs_conn *c, int cmd, int nlflags,
				 const char *name, uint32_t flags)
{
	struct nl_msg *m = crs_conn_msg(c, cmd, nlflags);

	if (flags)
		nla_put_u32(m, CRS_A_FLAGS, flags);
	nla_nest_start(m, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(m, CRS_POLICY_A_NAME, name);
	return m;
}

static void end_policy(struct nl_msg *m)
{
	struct nlattr *p = (struct nlattr *)((char *)nlmsg_hdr(m) +
					     NLMSG_HDRLEN + GENL_HDRLEN);

	/* first attribute after flags is CRS_A_POLICY: close it */
	while (nla_type(p) != CRS_A_POLICY)
		p = (struct nlattr *)((char *)p + NLA_ALIGN(p->nla_len));
	nla_nest_end(m, p);
}

/*
 * SET_POLICY @name with @flags and the rules @r0 and @r1 (NULL: none, and
 * no rules nest without @r0), @r1 with defect @d: the kernel's answer.
 */
static int send_policy(struct crs_conn *c, const char *name, uint32_t flags,
		       const char *r0, const char *r1, enum defect d)
{
	struct nl_msg *m = policy_msg(c, CRS_CMD_SET_POLICY, 0, name, flags);
	struct nlattr *rules;

	if (r0) {
		rules = nla_nest_start(m, CRS_POLICY_A_RULES | NLA_F_NESTED);
		put_rule(m, r0, OK);
		if (r1)
			put_rule(m, r1, d);
		nla_nest_end(m, rules);
	}
	end_policy(m);
	return crs_conn_call(c, m, NULL, 0);
}

static int push_one(struct crs_conn *c, const char *name, enum defect d)
{
	return send_policy(c, name, 0, "r0", "r1", d);
}

/* How many policies the kernel holds (status). */
static int policy_count(void)
{
	return crs_status_field("policies: ");
}

FIXTURE(nl) {
	struct crs_conn c;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, crs_conn_open(&self->c));
}

FIXTURE_TEARDOWN(nl)
{
	crs_conn_close(&self->c);
}

FIXTURE_VARIANT(nl) {
	enum defect d;
	int err;
};

/* out-of-range integers get the netlink core's -ERANGE */
#define BAD(n, e) FIXTURE_VARIANT_ADD(nl, n) { .d = n, .err = e }
BAD(NO_NAME, -EINVAL);
BAD(EMPTY_NAME, -EINVAL);
BAD(NO_TYPE, -EINVAL);
BAD(BAD_TYPE, -ERANGE);
BAD(BAD_ACTION, -ERANGE);
BAD(REL_FILE, -EINVAL);
BAD(NO_FILE, -EINVAL);
BAD(REL_PROGRAM, -EINVAL);
BAD(PREFIX_33, -EINVAL);
BAD(ADDR_NO_FAMILY, -EINVAL);
BAD(ADDR_BAD_LEN, -EINVAL);
BAD(PORT_REVERSED, -EINVAL);
BAD(BAD_PROTO, -EINVAL);
BAD(NET_EMPTY, -EINVAL);
BAD(NET_WITH_FILE, -EINVAL);
BAD(SYSCALL_NONE, -EINVAL);
BAD(SYSCALL_OOR, -ERANGE);
BAD(SYSCALL_FILE_NOT_EXEC, -EINVAL);
BAD(ARG_BAD_INDEX, -ERANGE);
BAD(ARG_BAD_OP, -ERANGE);
BAD(ARG_MASK_MISSING, -EINVAL);
BAD(PORT_ON_READ, -EINVAL);
BAD(STATS_IN_SET, -EINVAL);
BAD(ERRNO_ON_ALLOW, -EINVAL);
BAD(ERRNO_ON_READ, -EINVAL);
BAD(ERRNO_ZERO, -ERANGE);
BAD(ARG_BAD_TYPE, -ERANGE);
BAD(ARG_BAD_TYPE32, -ERANGE);

TEST_F(nl, malformed_rule_is_einval_with_extack_and_stores_nothing)
{
	int before = policy_count();

	ASSERT_GE(before, 0);
	EXPECT_EQ(variant->err, push_one(&self->c, "nl-bad", variant->d));
	EXPECT_NE(0, self->c.extack[0]);
	TH_LOG("extack: %s", self->c.extack);
	EXPECT_EQ(before, policy_count());
	/* and a good one still goes through, then is deleted */
	EXPECT_EQ(0, push_one(&self->c, "nl-good", OK));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete nl-good", crs_crsnl()));
}

TEST(duplicate_rule_names_are_einval)
{
	struct crs_conn c;

	ASSERT_EQ(0, crs_conn_open(&c));
	EXPECT_EQ(-EINVAL, send_policy(&c, "dup", 0, "same", "same", OK));
	EXPECT_NE(NULL, strstr(c.extack, "duplicate")) TH_LOG("%s", c.extack);
	crs_conn_close(&c);
}

TEST(empty_policy_name_is_einval)
{
	struct crs_conn c;

	ASSERT_EQ(0, crs_conn_open(&c));
	EXPECT_EQ(-EINVAL, send_policy(&c, "", 0, NULL, NULL, OK));
	EXPECT_NE(0, c.extack[0]);
	crs_conn_close(&c);
}

TEST(unknown_flags_are_eopnotsupp)
{
	struct crs_conn c;

	ASSERT_EQ(0, crs_conn_open(&c));
	EXPECT_EQ(-EOPNOTSUPP, send_policy(&c, "flags", 1U << 20, NULL, NULL,
					   OK));
	crs_conn_close(&c);
}

TEST(append_without_series_is_enoent)
{
	struct crs_conn c;

	ASSERT_EQ(0, crs_conn_open(&c));
	EXPECT_EQ(-ENOENT, send_policy(&c, "orphan", CRS_SET_F_APPEND, NULL,
				       NULL, OK));
	crs_conn_close(&c);
}

/* A series left open by a socket that closes is dropped, nothing stored. */
TEST(series_dies_with_its_socket)
{
	struct crs_conn c;
	int before = policy_count();

	ASSERT_EQ(0, crs_conn_open(&c));
	ASSERT_EQ(0, send_policy(&c, "half", CRS_SET_F_MORE, "a", NULL, OK));
	EXPECT_EQ(before, policy_count());
	crs_conn_close(&c);
	ASSERT_EQ(0, crs_conn_open(&c));
	EXPECT_EQ(-ENOENT, send_policy(&c, "half", CRS_SET_F_APPEND, NULL,
				       NULL, OK));
	EXPECT_EQ(before, policy_count());
	crs_conn_close(&c);
}

/* A series of three messages commits once, atomically. */
TEST(series_commits_on_last_message)
{
	struct crs_conn c;
	char out[8192];
	int before = policy_count();

	ASSERT_EQ(0, crs_conn_open(&c));
	ASSERT_EQ(0, send_policy(&c, "three", CRS_SET_F_MORE, "a", NULL, OK));
	ASSERT_EQ(0, send_policy(&c, "three",
				 CRS_SET_F_MORE | CRS_SET_F_APPEND, "b", NULL,
				 OK));
	EXPECT_EQ(before, policy_count());
	ASSERT_EQ(0, send_policy(&c, "three", CRS_SET_F_APPEND, "c", NULL, OK));
	EXPECT_EQ(before + 1, policy_count());
	ASSERT_EQ(0, crs_sh(out, sizeof(out), "%s policy show three", crs_crsnl()));
	EXPECT_NE(NULL, strstr(out, "\"a\""));
	EXPECT_NE(NULL, strstr(out, "\"b\""));
	EXPECT_NE(NULL, strstr(out, "\"c\""));
	EXPECT_EQ(0, crs_sh(NULL, 0, "%s policy delete three", crs_crsnl()));
	crs_conn_close(&c);
}

/* A dump's .start error reaches userspace with its extack message. */
TEST(get_unknown_policy_is_enoent_with_extack)
{
	struct crs_conn c;
	struct nl_msg *m;

	ASSERT_EQ(0, crs_conn_open(&c));
	m = policy_msg(&c, CRS_CMD_GET_POLICY, NLM_F_DUMP, "no-such-policy", 0);
	end_policy(m);
	EXPECT_EQ(-ENOENT, crs_conn_call(&c, m, NULL, 0));
	EXPECT_STREQ("no such policy", c.extack);
	m = crs_conn_msg(&c, CRS_CMD_GET_LEARNED, NLM_F_DUMP);
	EXPECT_EQ(-EINVAL, crs_conn_call(&c, m, NULL, 0));
	EXPECT_STREQ("missing container attribute", c.extack);
	crs_conn_close(&c);
}

/*
 * VERSION, STATUS, LEARNED and EVENT are attributes of replies and
 * events: in a request each is -EINVAL with an extack message, even on a
 * command that would otherwise succeed (they were ignored before).
 */
TEST(reply_only_attributes_are_refused_in_requests)
{
	static const int reply_only[] = {
		CRS_A_VERSION, CRS_A_STATUS, CRS_A_LEARNED, CRS_A_EVENT,
	};
	struct crs_conn c;
	struct nl_msg *m;
	unsigned int i;

	ASSERT_EQ(0, crs_conn_open(&c));
	for (i = 0; i < sizeof(reply_only) / sizeof(reply_only[0]); i++) {
		m = crs_conn_msg(&c, CRS_CMD_GET_POLICY, NLM_F_DUMP);
		if (reply_only[i] == CRS_A_VERSION) {
			nla_put_string(m, CRS_A_VERSION, "0.1.0");
		} else {
			/*
			 * A nest's bytes (one u32 attribute), put raw: libnl's
			 * nla_nest_start() sets NLA_F_NESTED, which the
			 * policy refuses first for a type that is no nest.
			 */
			struct { struct nlattr h; uint32_t v; } in = {
				{ sizeof(in), 1 }, 1
			};

			nla_put(m, reply_only[i], sizeof(in), &in);
		}
		EXPECT_EQ(-EINVAL, crs_conn_call(&c, m, NULL, 0))
			TH_LOG("attribute %d", reply_only[i]);
		EXPECT_STREQ("reply-only attribute in a request", c.extack);
	}
	crs_conn_close(&c);
}

/*
 * DEL_POLICY and a GET filter take CRS_A_POLICY {NAME} and nothing else:
 * a rule or a description beside the name is -EINVAL with an extack
 * message, and the policy is still there (the nest was parsed leniently,
 * and the extra attributes ignored, before).
 */
TEST(name_only_nests_refuse_other_attributes)
{
	struct crs_conn c;
	struct nl_msg *m;
	int before;

	ASSERT_EQ(0, crs_conn_open(&c));
	ASSERT_EQ(0, push_one(&c, "nl-name-only", OK));
	before = policy_count();
	m = policy_msg(&c, CRS_CMD_DEL_POLICY, 0, "nl-name-only", 0);
	nla_put_string(m, CRS_POLICY_A_DESCRIPTION, "delete me");
	end_policy(m);
	EXPECT_EQ(-EINVAL, crs_conn_call(&c, m, NULL, 0));
	EXPECT_NE('\0', c.extack[0]);
	EXPECT_EQ(before, policy_count());
	m = policy_msg(&c, CRS_CMD_GET_POLICY, NLM_F_DUMP, "nl-name-only", 0);
	nla_put_u8(m, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	end_policy(m);
	EXPECT_EQ(-EINVAL, crs_conn_call(&c, m, NULL, 0));
	m = policy_msg(&c, CRS_CMD_DEL_POLICY, 0, "nl-name-only", 0);
	end_policy(m);
	EXPECT_EQ(0, crs_conn_call(&c, m, NULL, 0));
	crs_conn_close(&c);
}

/*
 * CRS_CONTAINER_A_ROOT_FD names a directory by a descriptor of the
 * caller: not an open descriptor is -EBADF, a file -ENOTDIR, each with
 * its extack message, and nothing is bound.
 */
TEST(apply_root_fd_must_be_an_open_directory)
{
	static const struct { int fd; int err; const char *msg; } cases[] = {
		{ 9999, -EBADF, "root fd is not an open file descriptor" },
		{ -1, -ENOTDIR, "root fd is not a directory" },
	};
	struct crs_conn c;
	struct nl_msg *m;
	struct nlattr *ct;
	unsigned int i;
	int file = open("/proc/self/stat", O_RDONLY);

	ASSERT_LE(0, file);
	ASSERT_EQ(0, crs_conn_open(&c));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = crs_conn_msg(&c, CRS_CMD_APPLY, 0);
		ct = nla_nest_start(m, CRS_A_CONTAINER | NLA_F_NESTED);
		nla_put_u32(m, CRS_CONTAINER_A_PID, 1);
		nla_put_string(m, CRS_CONTAINER_A_POLICY, "any");
		nla_put_u32(m, CRS_CONTAINER_A_ROOT_FD,
			    cases[i].fd < 0 ? file : cases[i].fd);
		nla_nest_end(m, ct);
		EXPECT_EQ(cases[i].err, crs_conn_call(&c, m, NULL, 0));
		EXPECT_STREQ(cases[i].msg, c.extack);
	}
	EXPECT_EQ(0, crs_status_value(CRS_STATUS_A_CONTAINERS));
	close(file);
	crs_conn_close(&c);
}

TEST(learning_set_names_are_checked)
{
	static const char none[] = "docker.io/library/none:*";
	static const struct {
		int cmd, nlflags;
		bool pid, learning;	/* put our pid, LEARNING 1 */
		const char *set;	/* NULL: a name too long */
		int err;
		const char *msg;	/* NULL: not checked */
	} cases[] = {
		/* a set that was never created */
		{ CRS_CMD_GET_LEARNED, NLM_F_DUMP, false, false, none,
		  -ENOENT, "no such learning set" },
		/* a name longer than CRS_LEARN_SET_MAX - 1 */
		{ CRS_CMD_SET_CONTAINER, 0, true, true, NULL, -EINVAL, NULL },
		/* an empty name */
		{ CRS_CMD_SET_CONTAINER, 0, true, false, "", -EINVAL,
		  "empty learning set name" },
		/* deleting a set that does not exist */
		{ CRS_CMD_DEL_LEARNED, 0, false, false, none, -ENOENT,
		  "no such learning set" },
	};
	char longname[CRS_LEARN_SET_MAX + 8];
	struct crs_conn c;
	struct nl_msg *m;
	struct nlattr *ct;
	unsigned int i;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ASSERT_EQ(0, crs_conn_open(&c));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = crs_conn_msg(&c, cases[i].cmd, cases[i].nlflags);
		ct = nla_nest_start(m, CRS_A_CONTAINER | NLA_F_NESTED);
		if (cases[i].pid)
			nla_put_u32(m, CRS_CONTAINER_A_PID, getpid());
		if (cases[i].learning)
			nla_put_u8(m, CRS_CONTAINER_A_LEARNING, 1);
		nla_put_string(m, CRS_CONTAINER_A_LEARN_SET,
			       cases[i].set ? cases[i].set : longname);
		nla_nest_end(m, ct);
		EXPECT_EQ(cases[i].err, crs_conn_call(&c, m, NULL, 0))
			TH_LOG("case %u", i);
		if (cases[i].msg)
			EXPECT_STREQ(cases[i].msg, c.extack);
	}
	/* no container was made by any of these */
	EXPECT_EQ(0, crs_status_value(CRS_STATUS_A_CONTAINERS));
	crs_conn_close(&c);
}

TEST_HARNESS_MAIN
