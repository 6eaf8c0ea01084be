// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for crsnl's policy model: parsing, validation messages,
 * netlink encoding/decoding and the JSON round trip. No kernel needed.
 * Run from userspace/unit (run.sh does).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "kselftest_harness.h"
#include "policy.h"
#include "seccomp.h"
#include "syscalls.h"

struct msgs {
	struct nl_msg **v;
	size_t n, cap;
};

static int collect(struct nl_msg *m, void *arg)
{
	struct msgs *ms = arg;

	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 8;
		ms->v = realloc(ms->v, ms->cap * sizeof(*ms->v));
	}
	ms->v[ms->n++] = m;
	return 0;
}

static void msgs_free(struct msgs *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		nlmsg_free(ms->v[i]);
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}

/*
 * Check the series the way the kernel would take it, and decode it the
 * way a CRS_CMD_GET_POLICY reply is decoded. Return 0 or a message.
 */
static const char *check_and_decode(struct msgs *ms, struct crs_policy_list *l,
				    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < ms->n; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(ms->v[i]);
		struct nlattr *tb[CRS_A_MAX + 1];
		uint32_t flags, want;

		if (nlh->nlmsg_len >= 65536)
			return "message of 64 KiB or more";
		if (genlmsg_parse(nlh, 0, tb, CRS_A_MAX, NULL))
			return "genlmsg_parse failed";
		if (genlmsg_hdr(nlh)->cmd != CRS_CMD_SET_POLICY)
			return "not CRS_CMD_SET_POLICY";
		if (!tb[CRS_A_FLAGS] || !tb[CRS_A_POLICY])
			return "CRS_A_FLAGS or CRS_A_POLICY missing";
		flags = nla_get_u32(tb[CRS_A_FLAGS]);
		want = (i ? CRS_SET_F_APPEND : 0) |
		       (i + 1 < ms->n ? CRS_SET_F_MORE : 0);
		if (flags != want)
			return "wrong CRS_SET_F_* flags in the series";
		/* the kernel's strict validation wants NLA_F_NESTED on nests */
		if (!(tb[CRS_A_POLICY]->nla_type & NLA_F_NESTED))
			return "CRS_A_POLICY without NLA_F_NESTED";
		if (nla_len(tb[CRS_A_POLICY]) > 65535 - NLA_HDRLEN)
			return "CRS_A_POLICY longer than a 16-bit attribute";
		if (crs_policy_decode(l, tb[CRS_A_POLICY],
				      flags & CRS_SET_F_APPEND, err, errlen))
			return err;
	}
	if (l->n != 1)
		return "not exactly one policy decoded";
	return NULL;
}

/*
 * encode -> decode -> print -> parse of @p (named @label in failures):
 * the decoded and the parsed policies must equal @p. The messages stay
 * in @ms, the decoded policy in @l.
 */
static void encode_decode_show(struct __test_metadata *_metadata,
			       const char *label, struct crs_policy *p,
			       struct msgs *ms, struct crs_policy_list *l)
{
	struct crs_policy q;
	char err[1024], why[256];
	const char *bad;
	char *text;

	ASSERT_EQ(0, crs_policy_encode(p, 42, collect, ms));
	bad = check_and_decode(ms, l, err, sizeof(err));
	ASSERT_EQ(NULL, bad) TH_LOG("%s: %s", label, bad);
	EXPECT_EQ(1, crs_policy_equal(p, &l->v[0], why, sizeof(why)))
		TH_LOG("%s: decoded differs: %s", label, why);
	text = crs_policy_to_string(&l->v[0], false);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, crs_policy_parse_string("shown", text, &q, err,
					     sizeof(err)))
		TH_LOG("%s: show output does not parse: %s\n%s", label, err, text);
	EXPECT_EQ(1, crs_policy_equal(p, &q, why, sizeof(why)))
		TH_LOG("%s: shown policy differs: %s\n%s", label, why, text);
	free(text);
	crs_policy_free(&q);
}

/* parse -> encode -> decode -> print -> parse; all three must be equal. */
static void round_trip(struct __test_metadata *_metadata, const char *path)
{
	struct crs_policy p;
	struct crs_policy_list l = { 0 };
	struct msgs ms = { 0 };
	char err[1024];

	ASSERT_EQ(0, crs_policy_parse_file(path, &p, err, sizeof(err)))
		TH_LOG("%s", err);
	encode_decode_show(_metadata, path, &p, &ms, &l);
	crs_policy_list_free(&l);
	msgs_free(&ms);
	crs_policy_free(&p);
}

TEST(every_example_policy_parses)
{
	struct crs_policy p;
	char err[1024];
	glob_t g;
	size_t i;

	ASSERT_EQ(0, glob("../../policies/*.json", 0, NULL, &g));
	ASSERT_GE(g.gl_pathc, 3);
	for (i = 0; i < g.gl_pathc; i++) {
		EXPECT_EQ(0, crs_policy_parse_file(g.gl_pathv[i], &p, err,
						   sizeof(err)))
			TH_LOG("%s", err);
		EXPECT_GT(p.n_rules, 5) TH_LOG("%s", g.gl_pathv[i]);
		crs_policy_free(&p);
	}
	globfree(&g);
}

TEST(examples_have_the_required_rules)
{
	static const struct { const char *file, *rule; } want[] = {
		{ "web-server.json", "no-shadow" },
		{ "web-server.json", "no-ptrace" },
		{ "web-server.json", "https-in" },
		{ "database.json", "clients" },
		{ "database.json", "dns" },
		{ "batch-job.json", "output" },
	};
	struct crs_policy p;
	char err[1024], path[256];
	size_t i, j;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "../../policies/%s", want[i].file);
		ASSERT_EQ(0, crs_policy_parse_file(path, &p, err, sizeof(err)))
			TH_LOG("%s", err);
		for (j = 0; j < p.n_rules; j++)
			if (!strcmp(p.rules[j].name, want[i].rule))
				break;
		EXPECT_LT(j, p.n_rules) TH_LOG("%s lacks %s", path, want[i].rule);
		if (!strcmp(want[i].file, "batch-job.json"))
			EXPECT_TRUE(p.def_file == CRS_ACTION_DENY &&
				    p.def_network == CRS_ACTION_DENY &&
				    p.def_execute == CRS_ACTION_DENY &&
				    p.def_syscall == CRS_ACTION_DENY);
		crs_policy_free(&p);
	}
}

TEST(database_clients_rule_is_10_slash_8_port_5432)
{
	struct crs_policy p;
	char err[1024];
	size_t j;

	ASSERT_EQ(0, crs_policy_parse_file("../../policies/database.json", &p,
					   err, sizeof(err)));
	for (j = 0; j < p.n_rules && strcmp(p.rules[j].name, "clients"); j++)
		;
	ASSERT_LT(j, p.n_rules);
	EXPECT_EQ(CRS_RULE_NETWORK_INBOUND, p.rules[j].type);
	EXPECT_EQ(AF_INET, p.rules[j].family);
	EXPECT_EQ(10, p.rules[j].addr[0]);
	EXPECT_EQ(8, p.rules[j].prefix);
	EXPECT_EQ(5432, p.rules[j].port_lo);
	EXPECT_EQ(5432, p.rules[j].port_hi);
	EXPECT_EQ(CRS_PROTO_TCP, p.rules[j].proto);
	crs_policy_free(&p);
}

TEST(enum_values_are_case_insensitive_and_values_parse)
{
	struct crs_policy p;
	char err[1024];
	struct crs_rule *r;

	ASSERT_EQ(0, crs_policy_parse_file("good/all-features.json", &p, err,
					   sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(CRS_MODE_PERMISSIVE, p.mode);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_network);
	EXPECT_EQ(CRS_ACTION_ALLOW, p.def_file);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_syscall);
	EXPECT_EQ(ENOSYS, p.def_syscall_errno);
	/* read(0/3), write(1/4), socketcall(-/102), execve(59/11) */
	ASSERT_EQ(3, p.n_ignored);
	EXPECT_EQ(0, p.ignored[0]);
	EXPECT_EQ(1, p.ignored[1]);
	EXPECT_EQ(59, p.ignored[2]);
	ASSERT_EQ(4, p.n_ignored_i386);
	EXPECT_EQ(3, p.ignored_i386[0]);
	EXPECT_EQ(4, p.ignored_i386[1]);
	EXPECT_EQ(11, p.ignored_i386[2]);
	EXPECT_EQ(102, p.ignored_i386[3]);
	r = &p.rules[0];
	EXPECT_EQ(CRS_RULE_READ, r->type);
	EXPECT_EQ(CRS_ACTION_ALLOW, r->action);
	EXPECT_TRUE(p.rules[1].inactive);
	r = &p.rules[12];	/* by-number 101 = ptrace */
	EXPECT_EQ(101, r->nr_x86_64);
	EXPECT_EQ(26, r->nr_i386);
	r = &p.rules[19];	/* args-ops */
	EXPECT_EQ(CRS_ARG_NE, r->args[0].op);
	EXPECT_EQ(CRS_ARG_LE, r->args[2].op);
	EXPECT_EQ(16, r->args[2].value);
	EXPECT_EQ(CRS_ARG_GE, r->args[4].op);
	EXPECT_EQ(UINT64_MAX, r->args[4].value);
	EXPECT_EQ(CRS_ARG_EQ, r->args[5].op);
	r = &p.rules[20];	/* args-masked */
	EXPECT_EQ(CRS_ARG_MASKED_EQ, r->args[0].op);
	EXPECT_EQ(0x7e020000, r->args[0].mask);
	EXPECT_EQ(0, r->args[0].value);
	crs_policy_free(&p);
}

TEST(syscall_names_resolve_for_both_arches)
{
	int a, b;

	ASSERT_EQ(0, crs_syscall_resolve("open", &a, &b));
	EXPECT_EQ(2, a);
	EXPECT_EQ(5, b);
	ASSERT_EQ(0, crs_syscall_resolve("59", &a, &b));
	EXPECT_EQ(59, a);
	EXPECT_EQ(11, b);
	ASSERT_EQ(0, crs_syscall_resolve("socketcall", &a, &b));
	EXPECT_EQ(-1, a);
	EXPECT_EQ(102, b);
	ASSERT_EQ(0, crs_syscall_resolve("io_uring_setup", &a, &b));
	EXPECT_EQ(425, a);
	EXPECT_EQ(425, b);
	EXPECT_EQ(-1, crs_syscall_resolve("bogus", &a, &b));
	/* x32-only numbers are not x86_64 syscalls */
	EXPECT_EQ(-1, crs_syscall_resolve("512", &a, &b));
	EXPECT_STREQ("execve", crs_syscall_name_x86_64(59));
}

/* Widths as the 6.1 entry points read them (SYSCALL_DEFINE types). */
TEST(arg_widths_follow_the_kernel)
{
	const int X = CRS_ARCH_X86_64, I = CRS_ARCH_I386;

	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(X, 41, 0));	/* socket: int family */
	EXPECT_EQ(CRS_ARG_T_16, crs_syscall_arg_type(X, 83, 1));	/* mkdir: umode_t */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 83, 0));	/* mkdir: pathname */
	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(X, 16, 1));	/* ioctl: unsigned int cmd */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 16, 2));	/* ioctl: unsigned long arg */
	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(X, 56, 0));	/* clone: lower_32_bits(flags) */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 56, 1));	/* clone: newsp */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 272, 0));	/* unshare: unsigned long */
	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(X, 158, 0));	/* arch_prctl: int option */
	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(X, 445, 1));	/* landlock_add_rule: enum */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 9, 4));	/* mmap: unsigned long fd */
	EXPECT_EQ(CRS_ARG_T_16, crs_syscall_arg_type(I, 23, 0));	/* i386 setuid: old_uid_t */
	EXPECT_EQ(CRS_ARG_T_32, crs_syscall_arg_type(I, 213, 0));	/* i386 setuid32: uid_t */
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, -1, 0));
	EXPECT_EQ(CRS_ARG_T_REG, crs_syscall_arg_type(X, 41, 6));
}

TEST(arg_constraints_format_and_parse_back)
{
	static const char *const in[] = {
		"38", "!=5", "<5", "<=5", ">5", ">=5", "&0x7e020000==0",
		"0x10", "&0xff==0x11", "==7", "18446744073709551615",
	};
	struct crs_arg_rule a, b;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ASSERT_EQ(0, crs_arg_parse(in[i], &a)) TH_LOG("%s", in[i]);
		crs_arg_format(&a, buf, sizeof(buf));
		ASSERT_EQ(0, crs_arg_parse(buf, &b)) TH_LOG("%s -> %s", in[i], buf);
		EXPECT_TRUE(a.op == b.op && a.value == b.value && a.mask == b.mask)
			TH_LOG("%s -> %s", in[i], buf);
	}
	EXPECT_EQ(-1, crs_arg_parse("18446744073709551616", &a));
	EXPECT_EQ(-1, crs_arg_parse("5x", &a));
	EXPECT_EQ(-1, crs_arg_parse("", &a));
	EXPECT_EQ(-1, crs_arg_parse("017", &a));
}

FIXTURE(bad) {};
FIXTURE_VARIANT(bad) {
	const char *file;
	const char *msg;
};
FIXTURE_SETUP(bad) {}
FIXTURE_TEARDOWN(bad) {}

#define BAD_CASE(id, f, m) \
	FIXTURE_VARIANT_ADD(bad, id) { .file = f, .msg = m };
#include "bad_cases.h"
#undef BAD_CASE

TEST_F(bad, is_refused_with_its_exact_message)
{
	struct crs_policy p;
	char err[1024];

	ASSERT_EQ(-1, crs_policy_parse_file(variant->file, &p, err, sizeof(err)));
	EXPECT_STREQ(variant->msg, err);
	EXPECT_EQ(NULL, strchr(err, '\n'));
}

FIXTURE(rt) {};
FIXTURE_VARIANT(rt) {
	const char *file;
};
FIXTURE_SETUP(rt) {}
FIXTURE_TEARDOWN(rt) {}
FIXTURE_VARIANT_ADD(rt, web_server) { .file = "../../policies/web-server.json" };
FIXTURE_VARIANT_ADD(rt, database) { .file = "../../policies/database.json" };
FIXTURE_VARIANT_ADD(rt, batch_job) { .file = "../../policies/batch-job.json" };
FIXTURE_VARIANT_ADD(rt, all_features) { .file = "good/all-features.json" };

TEST_F(rt, show_after_push_round_trip_is_equal)
{
	round_trip(_metadata, variant->file);
}

static void big_policy(struct crs_policy *p, size_t n)
{
	char buf[256];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->name = strdup("big");
	p->description = strdup("10,000 rules");
	p->def_file = CRS_ACTION_DENY;
	for (i = 0; i < n; i++) {
		struct crs_rule *r = crs_policy_add_rule(p);

		snprintf(buf, sizeof(buf), "rule-%05zu", i);
		r->name = strdup(buf);
		r->action = i % 7 ? CRS_ACTION_ALLOW : CRS_ACTION_DENY;
		switch (i % 3) {
		case 0:
			r->type = CRS_RULE_READ;
			snprintf(buf, sizeof(buf), "/srv/data/tenant-%05zu/*", i);
			r->file = strdup(buf);
			r->program = strdup("/usr/bin/worker");
			break;
		case 1:
			r->type = CRS_RULE_NETWORK_OUTBOUND;
			r->has_addr = true;
			r->family = AF_INET;
			r->addr[0] = 10;
			r->addr[1] = (uint8_t)(i >> 8);
			r->addr[2] = (uint8_t)i;
			r->prefix = 24;
			r->has_port = true;
			r->port_lo = r->port_hi = (uint16_t)(1000 + i);
			r->has_proto = true;
			r->proto = CRS_PROTO_TCP;
			break;
		default:
			r->type = CRS_RULE_SYSCALL;
			r->syscall = strdup("socket");
			r->nr_x86_64 = 41;
			r->nr_i386 = 359;
			r->args[0].set = true;
			r->args[0].op = CRS_ARG_EQ;
			r->args[0].value = i;
			break;
		}
	}
}

TEST(policy_of_10000_rules_is_split_below_64k_and_complete)
{
	struct crs_policy p;
	struct crs_policy_list l = { 0 };
	struct msgs ms = { 0 };
	size_t i;

	big_policy(&p, 10000);
	encode_decode_show(_metadata, "big", &p, &ms, &l);
	EXPECT_GT(ms.n, 10);
	for (i = 0; i < ms.n; i++)
		EXPECT_LT(nlmsg_hdr(ms.v[i])->nlmsg_len, 64 * 1024);
	ASSERT_EQ(10000, l.v[0].n_rules);
	EXPECT_STREQ("rule-09999", l.v[0].rules[9999].name);
	TH_LOG("10000 rules in %zu messages", ms.n);
	crs_policy_list_free(&l);
	msgs_free(&ms);
	crs_policy_free(&p);
}

TEST(small_policy_is_one_message_without_series_flags)
{
	struct crs_policy p;
	struct msgs ms = { 0 };
	struct nlattr *tb[CRS_A_MAX + 1];

	big_policy(&p, 3);
	ASSERT_EQ(0, crs_policy_encode(&p, 42, collect, &ms));
	ASSERT_EQ(1, ms.n);
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(ms.v[0]), 0, tb, CRS_A_MAX, NULL));
	EXPECT_EQ(0, nla_get_u32(tb[CRS_A_FLAGS]));
	EXPECT_EQ(42, nlmsg_hdr(ms.v[0])->nlmsg_type);
	msgs_free(&ms);
	crs_policy_free(&p);
}

TEST(show_stats_output_is_refused_by_push)
{
	struct crs_policy p, q;
	char err[1024];
	char *text;

	ASSERT_EQ(0, crs_policy_parse_file("../../policies/web-server.json", &p,
					   err, sizeof(err)));
	p.rules[0].has_stats = true;
	p.rules[0].denied = 3;
	text = crs_policy_to_string(&p, true);
	ASSERT_NE(NULL, strstr(text, "\"stats\""));
	EXPECT_EQ(-1, crs_policy_parse_string("s.json", text, &q, err, sizeof(err)));
	EXPECT_STREQ("s.json: rules[0] \"nginx-config\": unknown field \"stats\" (output of \"policy show --stats\" only; remove it to push)",
		     err);
	free(text);
	text = crs_policy_to_string(&p, false);
	EXPECT_EQ(NULL, strstr(text, "\"stats\""));
	free(text);
	crs_policy_free(&p);
}

static struct crs_rule *find_syscall_rule(struct crs_policy *p, const char *sys,
					  int action, size_t *from)
{
	for (; *from < p->n_rules; (*from)++) {
		struct crs_rule *r = &p->rules[*from];

		if (r->syscall && !strcmp(r->syscall, sys) && r->action == action) {
			(*from)++;
			return r;
		}
	}
	return NULL;
}

static int import_file(const char *path, struct crs_policy *p, char *err,
		       size_t errlen)
{
	struct json_object *prof = json_object_from_file(path);
	int ret;

	if (!prof) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -2;
	}
	ret = crs_seccomp_import(path, prof, "imported", NULL, p, err, errlen);
	json_object_put(prof);
	return ret;
}

/* A CRS_CMD_GET_POLICY reply part, the way the kernel builds one. */
static struct nl_msg *reply_part(uint32_t offset, uint32_t first, uint32_t n,
				 bool header)
{
	struct nl_msg *m = nlmsg_alloc_size(8192);
	struct nlattr *pol, *rules, *rule;
	char name[32];
	uint32_t i;

	genlmsg_put(m, 0, 0, 42, 0, NLM_F_MULTI, CRS_CMD_GET_POLICY,
		    CRS_GENL_VERSION);
	pol = nla_nest_start(m, CRS_A_POLICY | NLA_F_NESTED);
	nla_put_string(m, CRS_POLICY_A_NAME, "p");
	nla_put_u32(m, CRS_POLICY_A_RULE_OFFSET, offset);
	if (header) {
		nla_put_u8(m, CRS_POLICY_A_MODE, CRS_MODE_PERMISSIVE);
		nla_put_u8(m, CRS_POLICY_A_DEFAULT_FILE, CRS_ACTION_DENY);
		nla_put_u8(m, CRS_POLICY_A_DEFAULT_NETWORK, CRS_ACTION_ALLOW);
		nla_put_u8(m, CRS_POLICY_A_DEFAULT_EXECUTE, CRS_ACTION_ALLOW);
		nla_put_u8(m, CRS_POLICY_A_DEFAULT_SYSCALL, CRS_ACTION_ALLOW);
		nla_put_u32(m, CRS_POLICY_A_RULE_COUNT, 3);
		nla_put_u32(m, CRS_POLICY_A_CONTAINERS, 2);
		nla_put_u64(m, CRS_POLICY_A_GENERATION, 7);
	}
	rules = nla_nest_start(m, CRS_POLICY_A_RULES | NLA_F_NESTED);
	for (i = first; i < first + n; i++) {
		rule = nla_nest_start(m, CRS_RULES_A_RULE | NLA_F_NESTED);
		snprintf(name, sizeof(name), "r%u", i);
		nla_put_string(m, CRS_RULE_A_NAME, name);
		nla_put_u8(m, CRS_RULE_A_TYPE, CRS_RULE_NETWORK_OUTBOUND);
		nla_put_u8(m, CRS_RULE_A_ACTION, CRS_ACTION_DENY);
		nla_put_string(m, CRS_RULE_A_PROGRAM, "*");
		nla_put_u8(m, CRS_RULE_A_FAMILY, AF_INET);
		nla_put(m, CRS_RULE_A_ADDR, 4, "\x0a\x00\x00\x00");
		nla_put_u8(m, CRS_RULE_A_PREFIX, 8);
		/* defaults echoed explicitly */
		nla_put_u16(m, CRS_RULE_A_PORT_LO, 0);
		nla_put_u16(m, CRS_RULE_A_PORT_HI, 65535);
		nla_put_u8(m, CRS_RULE_A_PROTOCOL, CRS_PROTO_ANY);
		nla_put_u64(m, CRS_RULE_A_HITS_ALLOWED, 0);
		nla_put_u64(m, CRS_RULE_A_HITS_DENIED, 10 + i);
		nla_put_u64(m, CRS_RULE_A_HITS_MONITOR, 0);
		nla_nest_end(m, rule);
	}
	nla_nest_end(m, rules);
	nla_nest_end(m, pol);
	return m;
}

static int decode_reply(struct crs_policy_list *l, struct nl_msg *m,
			char *err, size_t errlen)
{
	struct nlattr *tb[CRS_A_MAX + 1];
	int ret = -1;

	if (!genlmsg_parse(nlmsg_hdr(m), 0, tb, CRS_A_MAX, NULL) &&
	    tb[CRS_A_POLICY])
		ret = crs_policy_decode(l, tb[CRS_A_POLICY], false, err, errlen);
	nlmsg_free(m);
	return ret;
}

TEST(get_policy_reply_in_parts_reassembles_and_shows)
{
	struct crs_policy_list l = { 0 };
	struct crs_policy q;
	char err[256], *text;

	ASSERT_EQ(0, decode_reply(&l, reply_part(0, 0, 2, true), err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, decode_reply(&l, reply_part(2, 2, 1, false), err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(1, l.n);
	EXPECT_EQ(3, l.v[0].n_rules);
	EXPECT_EQ(3, l.v[0].rule_count);
	EXPECT_EQ(2, l.v[0].containers);
	EXPECT_EQ(7, l.v[0].generation);
	EXPECT_EQ(CRS_MODE_PERMISSIVE, l.v[0].mode);
	EXPECT_EQ(12, l.v[0].rules[2].denied);
	/* echoed defaults are not printed back */
	EXPECT_FALSE(l.v[0].rules[0].has_port);
	EXPECT_FALSE(l.v[0].rules[0].has_proto);
	text = crs_policy_to_string(&l.v[0], true);
	ASSERT_NE(NULL, strstr(text, "\"denied\": 12"));
	free(text);
	text = crs_policy_to_string(&l.v[0], false);
	ASSERT_EQ(0, crs_policy_parse_string("shown", text, &q, err, sizeof(err)))
		TH_LOG("%s\n%s", err, text);
	EXPECT_EQ(NULL, strstr(text, "port"));
	EXPECT_EQ(3, q.n_rules);
	free(text);
	crs_policy_free(&q);
	crs_policy_list_free(&l);
}

TEST(get_policy_reply_with_a_gap_is_an_error)
{
	struct crs_policy_list l = { 0 };
	char err[256];

	ASSERT_EQ(0, decode_reply(&l, reply_part(0, 0, 2, true), err, sizeof(err)));
	ASSERT_EQ(-1, decode_reply(&l, reply_part(3, 3, 1, false), err, sizeof(err)));
	EXPECT_STREQ("kernel reply: policy \"p\": rules at offset 3 do not follow the 2 received",
		     err);
	crs_policy_list_free(&l);
}

/*
 * seccomp/podman-default.json: containers-common's seccomp.json (Debian
 * 12's golang-github-containers-common, seccomp/SOURCES.md): calls it
 * does not name fail with ENOSYS (defaultErrno, defaultErrnoRet 38).
 */
TEST(podman_default_seccomp_profile_imports_with_enosys_default)
{
	static const char *const needed[] = {
		"read", "write", "openat", "execve", "exit_group", "wait4",
		"getdents64", "newfstatat", "mmap", "rt_sigaction",
	};
	struct crs_policy p;
	struct crs_rule *r;
	char err[1024];
	size_t i, at;

	ASSERT_EQ(0, import_file("seccomp/podman-default.json",
				 &p, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_syscall);
	EXPECT_EQ(ENOSYS, p.def_syscall_errno);
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		at = 0;
		EXPECT_NE(NULL, find_syscall_rule(&p, needed[i],
						  CRS_ACTION_ALLOW, &at))
			TH_LOG("%s is not allowed", needed[i]);
	}
	/* named ERRNO entries keep their own errnoRet (EPERM) */
	at = 0;
	r = find_syscall_rule(&p, "kexec_file_load", CRS_ACTION_DENY, &at);
	ASSERT_NE(NULL, r);
	EXPECT_TRUE(r->err == 0 || r->err == EPERM);
	at = 0;
	EXPECT_EQ(NULL, find_syscall_rule(&p, "add_key", CRS_ACTION_ALLOW, &at));
	crs_policy_free(&p);
}

/* Fields no known profile format has are refused, naming the field. */
TEST(seccomp_import_refuses_unknown_fields)
{
	struct crs_policy p;
	char err[1024];

	ASSERT_EQ(-1, import_file("seccomp/unknown-entry-field.json", &p, err,
				  sizeof(err)));
	EXPECT_STREQ("seccomp/unknown-entry-field.json: syscalls[1]: unknown field \"nmaes\"", err);
	ASSERT_EQ(-1, import_file("seccomp/unknown-arg-field.json", &p, err,
				  sizeof(err)));
	EXPECT_STREQ("seccomp/unknown-arg-field.json: syscalls[0]: args[0]: unknown field \"valu2\"", err);
}

/* seccomp/docker-default.json: moby's profiles/seccomp/default.json, as given in ../shared/data. */
TEST(docker_default_seccomp_profile_imports)
{
	static const char *const forbidden[] = {
		"keyctl", "add_key", "request_key", "io_uring_setup",
		"unshare", "mount", "kexec_load", "bpf", "setns", "reboot",
	};
	static const char *const needed[] = {
		"read", "write", "openat", "execve", "exit_group", "wait4",
		"getdents64", "newfstatat", "mmap", "rt_sigaction", "socketcall",
	};
	struct crs_policy p;
	struct crs_rule *r;
	char err[1024], why[256];
	size_t i, at;
	char *text;
	struct crs_policy q;

	ASSERT_EQ(0, import_file("seccomp/docker-default.json",
				 &p, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_syscall);
	EXPECT_GT(p.n_rules, 300);
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		at = 0;
		EXPECT_EQ(NULL, find_syscall_rule(&p, forbidden[i],
						  CRS_ACTION_ALLOW, &at))
			TH_LOG("%s is allowed", forbidden[i]);
	}
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		at = 0;
		r = find_syscall_rule(&p, needed[i], CRS_ACTION_ALLOW, &at);
		EXPECT_NE(NULL, r) TH_LOG("%s is not allowed", needed[i]);
		if (r)
			EXPECT_FALSE(r->args[0].set);
	}
	/* socket: allowed for families < 38, == 39, > 40 (AF_ALG and AF_VSOCK not) */
	at = 0;
	r = find_syscall_rule(&p, "socket", CRS_ACTION_ALLOW, &at);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CRS_ARG_LT, r->args[0].op);
	EXPECT_EQ(38, r->args[0].value);
	r = find_syscall_rule(&p, "socket", CRS_ACTION_ALLOW, &at);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CRS_ARG_EQ, r->args[0].op);
	EXPECT_EQ(39, r->args[0].value);
	r = find_syscall_rule(&p, "socket", CRS_ACTION_ALLOW, &at);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CRS_ARG_GT, r->args[0].op);
	EXPECT_EQ(40, r->args[0].value);
	EXPECT_EQ(NULL, find_syscall_rule(&p, "socket", CRS_ACTION_ALLOW, &at));
	/* clone: without CAP_SYS_ADMIN only without namespace flags, arg1 (not s390's arg2) */
	at = 0;
	r = find_syscall_rule(&p, "clone", CRS_ACTION_ALLOW, &at);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CRS_ARG_MASKED_EQ, r->args[0].op);
	EXPECT_EQ(0x7e020000, r->args[0].mask);
	EXPECT_EQ(0, r->args[0].value);
	EXPECT_FALSE(r->args[1].set);
	EXPECT_EQ(NULL, find_syscall_rule(&p, "clone", CRS_ACTION_ALLOW, &at));
	at = 0;
	EXPECT_NE(NULL, find_syscall_rule(&p, "clone3", CRS_ACTION_DENY, &at));
	/* CAP_SYS_CHROOT is a default capability, CAP_SYS_PTRACE-only calls are not */
	at = 0;
	EXPECT_NE(NULL, find_syscall_rule(&p, "chroot", CRS_ACTION_ALLOW, &at));
	at = 0;
	EXPECT_EQ(NULL, find_syscall_rule(&p, "kcmp", CRS_ACTION_ALLOW, &at));
	/* arm-only names are left out */
	at = 0;
	EXPECT_EQ(NULL, find_syscall_rule(&p, "arm_fadvise64_64", CRS_ACTION_ALLOW, &at));
	/* and the result is a policy push accepts, printed and parsed back */
	text = crs_policy_to_string(&p, false);
	ASSERT_EQ(0, crs_policy_parse_string("imported.json", text, &q, err,
					     sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1, crs_policy_equal(&p, &q, why, sizeof(why))) TH_LOG("%s", why);
	free(text);
	crs_policy_free(&q);
	crs_policy_free(&p);
}

TEST(allow_default_profile_becomes_deny_rules)
{
	struct crs_policy p;
	char err[1024];
	size_t at = 0;
	struct crs_rule *r;

	ASSERT_EQ(0, import_file("seccomp/allow-default.json", &p, err,
				 sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(CRS_ACTION_ALLOW, p.def_syscall);
	EXPECT_NE(NULL, find_syscall_rule(&p, "keyctl", CRS_ACTION_DENY, &at));
	at = 0;
	EXPECT_NE(NULL, find_syscall_rule(&p, "kexec_load", CRS_ACTION_DENY, &at));
	at = 0;
	r = find_syscall_rule(&p, "socket", CRS_ACTION_DENY, &at);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(38, r->args[0].value);
	/* redundant ALLOW rules and CAP_SYS_ADMIN-only entries are left out */
	at = 0;
	EXPECT_EQ(NULL, find_syscall_rule(&p, "getpid", CRS_ACTION_ALLOW, &at));
	at = 0;
	EXPECT_EQ(NULL, find_syscall_rule(&p, "mount", CRS_ACTION_ALLOW, &at));
	EXPECT_EQ(4, p.n_rules);
	crs_policy_free(&p);
}

TEST(seccomp_unsupported_action_is_refused_by_name)
{
	struct crs_policy p;
	char err[1024];

	ASSERT_EQ(-1, import_file("seccomp/notify.json", &p, err, sizeof(err)));
	EXPECT_STREQ("seccomp/notify.json: syscalls[1]: action \"SCMP_ACT_NOTIFY\": not supported (crs rules can only ALLOW or DENY with EPERM)",
		     err);
}

TEST(seccomp_unsupported_operator_is_refused_by_name)
{
	struct crs_policy p;
	char err[1024];

	ASSERT_EQ(-1, import_file("seccomp/bad-op.json", &p, err, sizeof(err)));
	EXPECT_STREQ("seccomp/bad-op.json: syscalls[0]: args[0]: operator \"SCMP_CMP_FOO\": not supported (crs has SCMP_CMP_EQ, NE, LT, LE, GT, GE, MASKED_EQ)",
		     err);
}

TEST(seccomp_profile_without_x86_64_is_refused)
{
	struct crs_policy p;
	char err[1024];

	ASSERT_EQ(-1, import_file("seccomp/arm-only.json", &p, err, sizeof(err)));
	EXPECT_STREQ("seccomp/arm-only.json: archMap: no SCMP_ARCH_X86_64 entry (crs enforces x86_64 and its i386 compat calls only)",
		     err);
}

TEST_HARNESS_MAIN
