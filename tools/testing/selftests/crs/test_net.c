// SPDX-License-Identifier: GPL-2.0
/*
 * NETWORK_OUTBOUND and NETWORK_INBOUND enforcement. Runs as root inside
 * the test VM (no network device) with crs.ko loaded.
 *
 * Topology, built once before the tests (documentation addresses only):
 *
 *   crs_c  "container"  c0 198.51.100.1/30  2001:db8:c::1/64 --+
 *   crs_o  "other"      o0 198.51.100.5/30  2001:db8:d::1/64 --+-- crs_p
 *   init   "host"       h0 198.51.100.9/30  2001:db8:e::1/64 --+
 *
 *   crs_p (peer) holds the servers on lo: 192.0.2.10, .11, .20, .53,
 *   2001:db8::10, ::11; TCP greeting+echo servers on ports 80 443 999
 *   1000 1500 2000 2001 2500 5432, UDP echo on 53. Every namespace routes
 *   192.0.2.0/24 and 2001:db8::/64 to crs_p.
 *
 * A container is a process in a new pid namespace (init: pause()) in a
 * network namespace; actions run in it with nsenter -t INIT -n -p.
 * Policies are pushed and applied with crsnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "crs_harness.h"
#include "crs_test.h"

#define POLICY "nettest"
#define POLICY2 "nettest2"
#define PROG_A "/tmp/crs_net_a"
#define PROG_B "/tmp/crs_net_b"

static char helper[PATH_MAX];
static bool topo_ok;
static pid_t servers[16];
static int nservers;
static pid_t topo_pid;

struct res {
	int err;		/* errno of connect/sendto, -1 if no output */
	long ms;
	int reply;		/* ping */
	char read[64];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct res parse_res(const char *out)
{
	struct res r = { .err = -1 };
	const char *p;

	if ((p = strstr(out, "errno=")))
		r.err = atoi(p + 6);
	if ((p = strstr(out, "ms=")))
		r.ms = atol(p + 3);
	if ((p = strstr(out, "reply=")))
		r.reply = atoi(p + 6);
	if ((p = strstr(out, "read="))) {
		snprintf(r.read, sizeof(r.read), "%s", p + 5);
		r.read[strcspn(r.read, "\n")] = '\0';
	}
	return r;
}

/* Run helper_net (or @prog) with @args inside container @pid. */
static struct res in_ct(pid_t pid, const char *prog, const char *args)
{
	char out[512] = "";

	crs_sh(out, sizeof(out), "nsenter -t %d -n -p -- %s %s 2>&1", pid,
	       prog ? prog : helper, args);
	return parse_res(out);
}

/* Run helper_net with @args in network namespace @ns (NULL: the host). */
static struct res in_ns(const char *ns, const char *args)
{
	char out[512] = "";

	if (ns)
		crs_sh(out, sizeof(out), "ip netns exec %s %s %s 2>&1", ns,
		       helper, args);
	else
		crs_sh(out, sizeof(out), "%s %s 2>&1", helper, args);
	return parse_res(out);
}

static bool served(const struct res *r, int port)
{
	char want[32];

	snprintf(want, sizeof(want), "hello %d", port);
	return r->err == 0 && !strcmp(r->read, want);
}

/*
 * Write and push policy @name: @def is defaultNetworkAction, @mode the
 * policyMode, @rules a comma-separated list of rule objects.
 */
static int push(const char *name, const char *mode, const char *def,
		const char *rules)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/%s.json", name);
	return crs_push_json(path, "{\"name\": \"%s\", \"policyMode\": \"%s\",\n"
		" \"defaultNetworkAction\": \"%s\", \"defaultFileAction\": \"ALLOW\",\n"
		" \"defaultExecuteAction\": \"ALLOW\", \"defaultSyscallAction\": \"ALLOW\",\n"
		" \"rules\": [%s]}\n", name, mode, def, rules);
}

static int apply(const char *name, pid_t pid, const char *extra)
{
	return crs_sh(NULL, 0, "%s policy apply %s --pid %d %s >&2", crs_crsnl(),
		      name, pid, extra ? extra : "");
}

static int detach(pid_t pid)
{
	return crs_sh(NULL, 0, "%s policy detach --pid %d 2>/dev/null",
		      crs_crsnl(), pid);
}

/*
 * Start a container: a child in a new pid namespace, joined to network
 * namespace @ns (NULL: stay in the host's). Returns its init's pid as we
 * see it; *@mid is the process to reap.
 */
static int ct_setup(void *arg)
{
	const char *ns = arg;
	char path[128];
	int fd;

	if (!ns)
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	return close(fd);
}

static int ct_init(void *arg)
{
	for (;;)
		pause();
	return 0;
}

static pid_t ct_start(const char *ns, pid_t *mid)
{
	return crs_spawn_container(NULL, ct_setup, ct_init, (void *)ns, mid);
}

static void ct_stop(pid_t init, pid_t mid)
{
	if (init > 0) {
		detach(init);
		kill(init, SIGKILL);
	}
	if (mid > 0)
		waitpid(mid, NULL, 0);
}

/* Background command; returns its pid (for kill). */
static pid_t bg(const char *fmt, const char *a, int port, const char *b)
{
	char out[64] = "", cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, a, port, b);
	crs_sh(out, sizeof(out), "setsid %s >/dev/null 2>&1 </dev/null & echo $!", cmd);
	return atoi(out);
}

/* Wait until a socket in @file (/proc/net/tcp6...) is in @state on @port. */
static bool wait_sock(pid_t pid, const char *file, const char *state, int port)
{
	long end = now_ms() + 15000;

	do {
		if (!crs_sh(NULL, 0, "nsenter -t %d -n grep -q ':%04X [0:]* %s' %s",
			    pid, port, state, file))
			return true;
		usleep(100000);
	} while (now_ms() < end);
	return false;
}

/* Wait until something listens on TCP @port in container @pid's netns. */
static bool wait_listen(pid_t pid, int port)
{
	/* state 0A is LISTEN; servers bind :: so tcp6 holds them */
	return wait_sock(pid, "/proc/net/tcp6", "0A", port);
}

static long read_count(const char *file)
{
	char buf[32] = "";
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	return atol(buf);
}

/* Wait until @file's count exceeds @than (up to @ms); the count. */
static long wait_count(const char *file, long than, long ms)
{
	long end = now_ms() + ms, c;

	do {
		c = read_count(file);
		if (c > than)
			return c;
		usleep(50000);
	} while (now_ms() < end);
	return c;
}

/* Per-rule counter @field ("allowed", "denied", "monitored") of @rule. */
static long long rule_stat(const char *policy, const char *rule,
			   const char *field)
{
	static char out[1 << 16];
	struct json_object *o, *rules, *r, *v;
	long long ret = -1;
	size_t i;

	if (crs_sh(out, sizeof(out), "%s policy show %s --stats", crs_crsnl(),
		   policy))
		return -1;
	o = json_tokener_parse(out);
	if (!o || !json_object_object_get_ex(o, "rules", &rules))
		goto out;
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		if (json_object_object_get_ex(r, "name", &v) &&
		    !strcmp(json_object_get_string(v), rule) &&
		    json_object_object_get_ex(r, "stats", &v) &&
		    json_object_object_get_ex(v, field, &v))
			ret = json_object_get_int64(v);
	}
out:
	json_object_put(o);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Topology, once per run */

static const char *const topo_cmds[] = {
	"modprobe veth",
	"ip netns add crs_c", "ip netns add crs_o", "ip netns add crs_p",
	"ip -n crs_p link set lo up", "ip -n crs_c link set lo up",
	"ip -n crs_o link set lo up", "ip link set lo up",
	"ip link add c0 netns crs_c type veth peer name pc netns crs_p",
	"ip link add o0 netns crs_o type veth peer name po netns crs_p",
	"ip link add h0 type veth peer name ph netns crs_p",
	"ip -n crs_c addr add 198.51.100.1/30 dev c0",
	"ip -n crs_p addr add 198.51.100.2/30 dev pc",
	"ip -n crs_o addr add 198.51.100.5/30 dev o0",
	"ip -n crs_p addr add 198.51.100.6/30 dev po",
	"ip addr add 198.51.100.9/30 dev h0",
	"ip -n crs_p addr add 198.51.100.10/30 dev ph",
	"ip -n crs_c addr add 2001:db8:c::1/64 dev c0 nodad",
	"ip -n crs_p addr add 2001:db8:c::2/64 dev pc nodad",
	"ip -n crs_o addr add 2001:db8:d::1/64 dev o0 nodad",
	"ip -n crs_p addr add 2001:db8:d::2/64 dev po nodad",
	"ip addr add 2001:db8:e::1/64 dev h0 nodad",
	"ip -n crs_p addr add 2001:db8:e::2/64 dev ph nodad",
	"ip -n crs_p addr add 192.0.2.10/32 dev lo",
	"ip -n crs_p addr add 192.0.2.11/32 dev lo",
	"ip -n crs_p addr add 192.0.2.20/32 dev lo",
	"ip -n crs_p addr add 192.0.2.53/32 dev lo",
	"ip -n crs_p addr add 2001:db8::10/128 dev lo",
	"ip -n crs_p addr add 2001:db8::11/128 dev lo",
	"ip -n crs_c link set c0 up", "ip -n crs_o link set o0 up",
	"ip link set h0 up",
	"ip -n crs_p link set pc up", "ip -n crs_p link set po up",
	"ip -n crs_p link set ph up",
	"ip -n crs_c route add 192.0.2.0/24 via 198.51.100.2",
	"ip -n crs_o route add 192.0.2.0/24 via 198.51.100.6",
	"ip route add 192.0.2.0/24 via 198.51.100.10",
	"ip -n crs_c -6 route add 2001:db8::/64 via 2001:db8:c::2",
	"ip -n crs_o -6 route add 2001:db8::/64 via 2001:db8:d::2",
	"ip -6 route add 2001:db8::/64 via 2001:db8:e::2",
	NULL
};

static const int tcp_ports[] = { 80, 443, 999, 1000, 1500, 2000, 2001, 2500,
				 5432 };

__attribute__((constructor)) static void topo_up(void)
{
	char cmd[2 * PATH_MAX + 64];
	struct res r;
	unsigned int i;
	long end;

	if (!realpath("helper_net", helper))
		return;
	topo_pid = getpid();
	for (i = 0; topo_cmds[i]; i++)
		if (crs_sh(NULL, 0, "%s >&2", topo_cmds[i])) {
			fprintf(stderr, "# topology: '%s' failed\n", topo_cmds[i]);
			return;
		}
	for (i = 0; i < sizeof(tcp_ports) / sizeof(tcp_ports[0]); i++)
		servers[nservers++] = bg("ip netns exec crs_p %s serve :: %d%s",
					 helper, tcp_ports[i], "");
	/* one per address: a reply must come from the address asked */
	servers[nservers++] = bg("ip netns exec crs_p %s userve 192.0.2.10 %d%s",
				 helper, 53, "");
	servers[nservers++] = bg("ip netns exec crs_p %s userve 192.0.2.11 %d%s",
				 helper, 53, "");
	servers[nservers++] = bg("ip netns exec crs_p %s userve 192.0.2.53 %d%s",
				 helper, 53, "");
	servers[nservers++] = bg("ip netns exec crs_p %s userve 2001:db8::10 %d%s",
				 helper, 53, "");
	snprintf(cmd, sizeof(cmd), "cp %s " PROG_A " && cp %s " PROG_B,
		 helper, helper);
	if (crs_sh(NULL, 0, "%s", cmd))
		return;
	end = now_ms() + 20000;
	do {
		r = in_ns("crs_c", "connect 192.0.2.10 5432");
		if (served(&r, 5432))
			break;
		usleep(200000);
	} while (now_ms() < end);
	topo_ok = served(&r, 5432);
	if (!topo_ok)
		fprintf(stderr, "# topology: servers not reachable (errno %d)\n",
			r.err);
}

/* Stop the servers and remove the namespaces (the veths go with them). */
__attribute__((destructor)) static void topo_down(void)
{
	int i;

	if (getpid() != topo_pid)
		return;
	for (i = 0; i < nservers; i++)
		if (servers[i] > 0)
			kill(-servers[i], SIGKILL);
	crs_sh(NULL, 0, "ip netns del crs_c; ip netns del crs_o; ip netns del crs_p");
}

/* ------------------------------------------------------------------ */

FIXTURE(net) {
	pid_t init, mid;
};

FIXTURE_SETUP(net)
{
	ASSERT_TRUE(topo_ok) TH_LOG("topology not up");
	crs_sh(NULL, 0, "%s policy delete " POLICY " --force 2>/dev/null", crs_crsnl());
	self->init = ct_start("crs_c", &self->mid);
	ASSERT_GT(self->init, 0);
}

FIXTURE_TEARDOWN(net)
{
	ct_stop(self->init, self->mid);
	crs_sh(NULL, 0, "%s policy delete " POLICY " --force 2>/dev/null", crs_crsnl());
}

/* TCG in a shared machine is slow: generous per-test timeouts */
#define NET_TEST(name) TEST_F_TIMEOUT(net, name, 300)

#define OUT(name, act, extra)						\
	"{\"name\": \"" name "\", \"ruleType\": \"NETWORK_OUTBOUND\", "	\
	extra ", \"action\": \"" act "\"}"
#define IN(name, act, extra)						\
	"{\"name\": \"" name "\", \"ruleType\": \"NETWORK_INBOUND\", "	\
	extra ", \"action\": \"" act "\"}"

/*
 * One probe: helper_net's arguments @cmd and the answer expected: errno
 * @err and, unless NULL, the text read back @read ("hello PORT": a TCP
 * server's greeting, "ping": the UDP echo, "": nothing); a ping's echo
 * replies are checked against @reply.
 */
struct probe {
	const char *cmd;
	int err;
	const char *read;
	int reply;
};

/* Check @r, the answer to probe @p run in @where. */
static void expect_answer(struct __test_metadata *_metadata,
			  const char *where, const struct probe *p,
			  const struct res *r)
{
	EXPECT_EQ(p->err, r->err)
		TH_LOG("%s: %s: read '%s'", where, p->cmd, r->read);
	if (p->read)
		EXPECT_STREQ(p->read, r->read) TH_LOG("%s: %s", where, p->cmd);
	if (!strncmp(p->cmd, "ping ", 5))
		EXPECT_EQ(p->reply, r->reply) TH_LOG("%s: %s", where, p->cmd);
}

/*
 * Run the probes @p (ended by a NULL cmd) in container @pid as @prog
 * (NULL: helper_net) and check their answers.
 */
static void probe_ct(struct __test_metadata *_metadata, pid_t pid,
		     const char *prog, const struct probe *p)
{
	char where[64];
	struct res r;

	snprintf(where, sizeof(where), "container %d", pid);
	for (; p->cmd; p++) {
		r = in_ct(pid, prog, p->cmd);
		expect_answer(_metadata, where, p, &r);
	}
}

/* The same from network namespace @ns (NULL: the host's). */
static void probe_ns(struct __test_metadata *_metadata, const char *ns,
		     const struct probe *p)
{
	struct res r;

	for (; p->cmd; p++) {
		r = in_ns(ns, p->cmd);
		expect_answer(_metadata, ns ? ns : "host", p, &r);
	}
}

/*
 * Push POLICY (policyMode @mode, defaultNetworkAction @def, @rules), apply
 * it to container @pid and run the probes @p there.
 */
static void enforce(struct __test_metadata *_metadata, pid_t pid,
		    const char *mode, const char *def, const struct probe *p,
		    const char *rules)
{
	ASSERT_EQ(0, push(POLICY, mode, def, rules));
	ASSERT_EQ(0, apply(POLICY, pid, NULL));
	probe_ct(_metadata, pid, NULL, p);
}

/*
 * helper_net (or @prog) "@what @port @file" in container @pid, in the
 * background: its pid.
 */
static pid_t bg_ct(pid_t pid, const char *prog, const char *what, int port,
		   const char *file)
{
	char fmt[256];

	snprintf(fmt, sizeof(fmt), "nsenter -t %d -n -p -- %%s %s %%d %%s",
		 pid, what);
	return bg(fmt, prog ? prog : helper, port, file ? file : "");
}

/* A TCP server (helper_net or @prog) on @port in container @pid: listening? */
static bool serve_ct(pid_t pid, const char *prog, int port)
{
	bg_ct(pid, prog, "serve ::", port, NULL);
	return wait_listen(pid, port);
}

/*
 * Two streams through container @pid: out to 192.0.2.10:80, counted in
 * @out, and in from crs_p to a server on 8080, counted in @in (*@in_pid:
 * that client). True once each has counted more than 5 echoes.
 */
static bool streams_up(pid_t pid, const char *out, const char *in,
		       pid_t *in_pid)
{
	*in_pid = 0;
	bg_ct(pid, NULL, "stream 192.0.2.10", 80, out);
	if (!serve_ct(pid, NULL, 8080))
		return false;
	*in_pid = bg("ip netns exec crs_p %s stream 198.51.100.1 %d %s",
		     helper, 8080, in);
	return wait_count(out, 5, 30000) > 5 && wait_count(in, 5, 30000) > 5;
}

/* Whether the count in @file grows by more than @by within 30 s. */
static bool grows(const char *file, long by)
{
	long c = read_count(file);

	return wait_count(file, c + by, 30000) > c + by;
}

NET_TEST(outbound_tcp_exact_address_denied_other_address_served)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.11 80", .read = "hello 80" },
		{ NULL }
	};
	/* the same address from outside the container is served */
	static const struct probe outside[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-10", "DENY", "\"ipAddress\": \"192.0.2.10\", \"protocol\": \"TCP\""));
	EXPECT_EQ(1, rule_stat(POLICY, "no-10", "denied"));
	EXPECT_EQ(0, rule_stat(POLICY, "no-10", "allowed"));
	probe_ns(_metadata, "crs_c", outside);
}

NET_TEST(outbound_tcp_cidr_allowlist_and_deny_beats_allow)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ .cmd = "connect 192.0.2.11 443", .read = "hello 443" },
		{ .cmd = "connect 192.0.2.11 80", .err = ECONNREFUSED },	/* DENY wins */
		{ .cmd = "connect 192.0.2.20 80", .err = ECONNREFUSED },	/* default */
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "DENY", want,
		OUT("net8", "ALLOW", "\"ipAddress\": \"192.0.2.8/30\"") ","
		OUT("no-11", "DENY", "\"ipAddress\": \"192.0.2.11/32\", \"port\": \"80\""));
}

NET_TEST(outbound_tcp_port_denied_other_port_served)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ .cmd = "connect 2001:db8::10 80", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.10 443", .read = "hello 443" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-80", "DENY", "\"port\": \"80\", \"protocol\": \"TCP\""));
}

NET_TEST(outbound_tcp_port_range_bounds_inclusive)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.10 1000", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.10 1500", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.10 2000", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.10 999", .read = "hello 999" },
		{ .cmd = "connect 192.0.2.10 2001", .read = "hello 2001" },
		{ .cmd = "connect 192.0.2.10 2500", .read = "hello 2500" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-range", "DENY", "\"ipAddress\": \"192.0.2.0/24\", \"port\": \"1000-2000\""));
}

NET_TEST(outbound_udp_sendto_denied_address_is_eperm)
{
	static const struct probe want[] = {
		{ .cmd = "udp 192.0.2.10 53", .err = EPERM, .read = "" },
		{ .cmd = "udp 192.0.2.11 53", .read = "ping" },
		/* the rule names UDP: TCP to the same address is served */
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-udp-10", "DENY", "\"ipAddress\": \"192.0.2.10\", \"protocol\": \"UDP\""));
}

NET_TEST(outbound_icmp_echo_denied)
{
	static const struct probe want[] = {
		{ .cmd = "ping 192.0.2.10", .err = EPERM, .reply = 0 },
		{ .cmd = "ping 192.0.2.11", .reply = 1 },
		{ .cmd = "ping 2001:db8::10", .err = EPERM, .reply = 0 },
		{ .cmd = "ping 2001:db8::11", .reply = 1 },
		/* ICMP rules leave TCP alone */
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-ping-10", "DENY", "\"ipAddress\": \"192.0.2.10\", \"protocol\": \"ICMP\"") ","
		OUT("no-ping6-10", "DENY", "\"ipAddress\": \"2001:db8::10\", \"protocol\": \"ICMP\""));
}

/*
 * A packet socket (CAP_NET_RAW, which Docker and runc grant) sends below
 * the IP hooks: a datagram built by hand reaches a denied address. With
 * network rules in the policy, opening one is denied unless a PACKET
 * rule allows it; a policy without network rules leaves it alone.
 */
NET_TEST(packet_socket_cannot_reach_a_denied_address)
{
	static const char attack[] = "packet c0 198.51.100.1 192.0.2.10 53";
	/* the attack works where nothing restricts the network */
	const struct probe open_net[] = {
		{ .cmd = attack, .read = "ping" },
		{ NULL }
	};
	const struct probe udp_denied[] = {
		{ .cmd = attack, .err = EACCES, .read = "" },
		{ .cmd = "udp 192.0.2.10 53", .err = EPERM },
		{ NULL }
	};
	const struct probe refused[] = {
		{ .cmd = attack, .err = EACCES },
		{ NULL }
	};
	const struct probe allowed[] = {
		{ .cmd = attack },
		{ NULL }
	};

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW", ""));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	probe_ct(_metadata, self->init, NULL, open_net);

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-udp-10", "DENY", "\"ipAddress\": \"192.0.2.10\", \"protocol\": \"UDP\"")));
	probe_ct(_metadata, self->init, NULL, udp_denied);

	/* a default-deny policy too, and a PACKET rule lets one program */
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "DENY",
			  OUT("raw-a", "ALLOW", "\"program\": \"" PROG_A "\", \"protocol\": \"PACKET\"")));
	probe_ct(_metadata, self->init, PROG_B, refused);
	probe_ct(_metadata, self->init, PROG_A, allowed);
	EXPECT_EQ(1, rule_stat(POLICY, "raw-a", "allowed"));
	/* a PACKET rule takes no address */
	EXPECT_NE(0, push(POLICY2, "ACTIVE", "ALLOW",
			  OUT("bad", "ALLOW", "\"ipAddress\": \"192.0.2.10\", \"protocol\": \"PACKET\"")));
}

/*
 * A rule with ports matches only protocols with ports: an allow-list
 * entry "port 0-65535" is not an allow for ICMP (or any portless
 * protocol).
 */
NET_TEST(port_range_with_zero_does_not_match_icmp)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ .cmd = "ping 192.0.2.10", .err = EPERM, .reply = 0 },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "DENY", want,
		OUT("all-ports", "ALLOW", "\"ipAddress\": \"192.0.2.10\", \"port\": \"0-65535\""));
}

/* Server in the container on 8080 and 8081, clients from crs_p. */
NET_TEST(inbound_denied_port_refused_allowed_port_served)
{
	static const struct probe want[] = {
		{ .cmd = "connect 2001:db8:c::1 8080", .err = ECONNREFUSED },
		{ .cmd = "connect 198.51.100.1 8081", .read = "hello 8081" },
		{ .cmd = "connect 2001:db8:c::1 8081", .read = "hello 8081" },
		{ NULL }
	};
	struct res r;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  IN("no-8080", "DENY", "\"ipAddress\": \"0.0.0.0/0\", \"port\": \"8080\"") ","
			  IN("no-8080-v6", "DENY", "\"ipAddress\": \"::/0\", \"port\": \"8080\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	ASSERT_TRUE(serve_ct(self->init, NULL, 8080));
	ASSERT_TRUE(serve_ct(self->init, NULL, 8081));
	r = in_ns("crs_p", "connect 198.51.100.1 8080");
	EXPECT_EQ(ECONNREFUSED, r.err) TH_LOG("read '%s'", r.read);
	EXPECT_LT(r.ms, 1000);
	probe_ns(_metadata, "crs_p", want);
}

/* UDP datagrams and ICMP echo into the container: dropped when denied. */
NET_TEST(inbound_udp_and_icmp_dropped_when_denied)
{
	static const struct probe want[] = {
		{ .cmd = "udp 198.51.100.1 5353", .read = "" },
		{ .cmd = "udp 198.51.100.1 5354", .read = "ping" },
		{ .cmd = "udp 2001:db8:c::1 5353", .read = "" },
		{ .cmd = "udp 2001:db8:c::1 5354", .read = "ping" },
		/* echo requests have no socket: the namespace's only container */
		{ .cmd = "ping 198.51.100.1", .reply = 1 },
		{ .cmd = "ping 198.51.100.1 192.0.2.11", .reply = 0 },
		{ NULL }
	};

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  IN("no-udp-5353", "DENY", "\"port\": \"5353\", \"protocol\": \"UDP\"") ","
			  IN("no-ping-from-11", "DENY", "\"ipAddress\": \"192.0.2.11\", \"protocol\": \"ICMP\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	bg_ct(self->init, NULL, "userve ::", 5353, NULL);
	bg_ct(self->init, NULL, "userve ::", 5354, NULL);
	/* state 07 is an unconnected UDP socket */
	ASSERT_TRUE(wait_sock(self->init, "/proc/net/udp6", "07", 5353));
	ASSERT_TRUE(wait_sock(self->init, "/proc/net/udp6", "07", 5354));
	probe_ns(_metadata, "crs_p", want);
	EXPECT_EQ(2, rule_stat(POLICY, "no-udp-5353", "denied"));
	EXPECT_EQ(1, rule_stat(POLICY, "no-ping-from-11", "denied"));
}

NET_TEST(inbound_allowed_only_from_cidr)
{
	static const struct probe want[] = {
		{ .cmd = "connect 198.51.100.1 8080 192.0.2.10", .read = "hello 8080" },
		{ .cmd = "connect 198.51.100.1 8080 192.0.2.11", .read = "hello 8080" },
		{ .cmd = "connect 198.51.100.1 8080 192.0.2.20", .err = ECONNREFUSED },
		{ .cmd = "connect 198.51.100.1 8080", .err = ECONNREFUSED },	/* from .2 */
		{ NULL }
	};

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "DENY",
			  IN("from-net8", "ALLOW", "\"ipAddress\": \"192.0.2.8/30\", \"port\": \"8080\", \"protocol\": \"TCP\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	ASSERT_TRUE(serve_ct(self->init, NULL, 8080));
	probe_ns(_metadata, "crs_p", want);
}

NET_TEST(program_a_may_connect_program_b_may_not)
{
	static const struct probe a_out[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ NULL }
	};
	static const struct probe b_out[] = {
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ NULL }
	};
	/* inbound: the program that owns the listening socket decides */
	static const struct probe in[] = {
		{ .cmd = "connect 198.51.100.1 8080", .read = "hello 8080" },	/* A's */
		{ .cmd = "connect 198.51.100.1 8081", .err = ECONNREFUSED },	/* B's */
		{ NULL }
	};

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "DENY",
			  OUT("a-out", "ALLOW", "\"program\": \"" PROG_A "\", \"ipAddress\": \"192.0.2.10\", \"port\": \"80\"") ","
			  IN("a-in", "ALLOW", "\"program\": \"" PROG_A "\", \"port\": \"8080\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	probe_ct(_metadata, self->init, PROG_A, a_out);
	probe_ct(_metadata, self->init, PROG_B, b_out);
	ASSERT_TRUE(serve_ct(self->init, PROG_A, 8080));
	ASSERT_TRUE(serve_ct(self->init, PROG_B, 8081));
	probe_ns(_metadata, "crs_p", in);
}

/*
 * A task's own UDP packet is judged in its context, preemptible: with
 * the program cache off, every packet names its program in the per-CPU
 * scratch. Each verdict must be its own program's (DEBUG_PREEMPT reports
 * a preemptible use of the scratch).
 */
NET_TEST(program_scoped_udp_verdicts_with_the_program_cache_off)
{
	int i, n = crs_scaled(10), a_ok = 0, b_denied = 0;
	long old = crs_param_get("program_cache_max");
	struct res r;

	ASSERT_GE(old, 0);
	ASSERT_EQ(0, crs_param_set("program_cache_max", 0));
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "DENY",
			  OUT("a-udp", "ALLOW", "\"program\": \"" PROG_A "\", \"ipAddress\": \"192.0.2.10\","
			      " \"port\": \"53\", \"protocol\": \"UDP\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	for (i = 0; i < n; i++) {
		r = in_ct(self->init, PROG_A, "udp 192.0.2.10 53");
		a_ok += r.err == 0 && !strcmp(r.read, "ping");
		r = in_ct(self->init, PROG_B, "udp 192.0.2.10 53");
		b_denied += r.err == EPERM;
	}
	EXPECT_EQ(0, crs_param_set("program_cache_max", old));
	EXPECT_EQ(n, a_ok);
	EXPECT_EQ(n, b_denied);
}

NET_TEST(ipv6_outbound_address_and_prefix)
{
	static const struct probe want[] = {
		{ .cmd = "connect 2001:db8::10 80", .err = ECONNREFUSED },
		{ .cmd = "udp 2001:db8::10 53", .err = EPERM },
		{ .cmd = "connect 2001:db8::11 80", .read = "hello 80" },
		{ .cmd = "connect 2001:db8::11 443", .err = ECONNREFUSED },
		/* IPv6 rules do not touch IPv4 */
		{ .cmd = "connect 192.0.2.10 443", .read = "hello 443" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-v6-10", "DENY", "\"ipAddress\": \"2001:db8::10\"") ","
		OUT("no-v6-443", "DENY", "\"ipAddress\": \"2001:db8::/64\", \"port\": \"443\""));
}

NET_TEST(ipv4_mapped_ipv6_cannot_reach_denied_ipv4)
{
	static const struct probe want[] = {
		{ .cmd = "connect ::ffff:192.0.2.10 80", .err = ECONNREFUSED },
		{ .cmd = "udp ::ffff:192.0.2.10 53", .err = EPERM },
		{ .cmd = "connect ::ffff:192.0.2.11 80", .read = "hello 80" },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "ALLOW", want,
		OUT("no-10", "DENY", "\"ipAddress\": \"192.0.2.10\""));
}

NET_TEST(default_deny_with_dns_and_backend_allowlist)
{
	static const struct probe want[] = {
		/* the answers come back although inbound is default DENY too */
		{ .cmd = "udp 192.0.2.53 53", .read = "ping" },
		{ .cmd = "connect 192.0.2.10 5432", .read = "hello 5432" },
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.53 443", .err = ECONNREFUSED },
		{ .cmd = "udp 192.0.2.10 53", .err = EPERM },
		{ .cmd = "ping 192.0.2.10", .err = EPERM, .reply = 0 },
		{ .cmd = "connect 2001:db8::10 5432", .err = ECONNREFUSED },
		{ NULL }
	};

	enforce(_metadata, self->init, "ACTIVE", "DENY", want,
		OUT("dns", "ALLOW", "\"ipAddress\": \"192.0.2.53\", \"port\": \"53\", \"protocol\": \"UDP\"") ","
		OUT("backend", "ALLOW", "\"ipAddress\": \"192.0.2.10\", \"port\": \"5432\", \"protocol\": \"TCP\""));
}

NET_TEST(denied_connect_returns_within_one_second)
{
	static const char *const cmds[] = {
		"connect 192.0.2.10 80", "connect 2001:db8::10 80",
	};
	struct crs_cinfo before, after;
	struct res r;
	unsigned int i;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "DENY", ""));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	ASSERT_EQ(0, crs_container_info(self->init, &before));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		r = in_ct(self->init, NULL, cmds[i]);
		EXPECT_EQ(ECONNREFUSED, r.err) TH_LOG("%s", cmds[i]);
		EXPECT_LT(r.ms, 1000) TH_LOG("%s took %ld ms", cmds[i], r.ms);
	}
	ASSERT_EQ(0, crs_container_info(self->init, &after));
	EXPECT_EQ(before.denied + 2, after.denied);
}

NET_TEST(permissive_and_inactive_modes_block_nothing)
{
	static const struct probe served80[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ NULL }
	};
	static const struct probe refused80[] = {
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ NULL }
	};
	static const char rule[] =
		OUT("no-10", "DENY", "\"ipAddress\": \"192.0.2.10\"");
	struct crs_cinfo before, after;

	ASSERT_EQ(0, push(POLICY, "PERMISSIVE", "ALLOW", rule));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	ASSERT_EQ(0, crs_container_info(self->init, &before));
	probe_ct(_metadata, self->init, NULL, served80);
	ASSERT_EQ(0, crs_container_info(self->init, &after));
	EXPECT_EQ(before.denied, after.denied);
	EXPECT_EQ(before.monitored + 1, after.monitored);
	EXPECT_EQ(1, rule_stat(POLICY, "no-10", "monitored"));
	ASSERT_EQ(0, push(POLICY, "INACTIVE", "ALLOW", rule));
	probe_ct(_metadata, self->init, NULL, served80);
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW", rule));
	probe_ct(_metadata, self->init, NULL, refused80);
}

/*
 * Established flows are judged again after a policy change: a replacement
 * that still allows the flow leaves it running, one that denies it stops
 * it (its packets are dropped), and allowing it again lets TCP recover.
 */
NET_TEST(policy_replaced_while_tcp_stream_runs)
{
	long c1, c2;
	pid_t in_pid;
	struct res r;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-20", "DENY", "\"ipAddress\": \"192.0.2.20\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	/* and an inbound one: server in the container, client in crs_p */
	ASSERT_TRUE(streams_up(self->init, "/tmp/crs_stream_out",
			       "/tmp/crs_stream_in", &in_pid));

	/* a replacement that still allows: both keep running */
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-20", "DENY", "\"ipAddress\": \"192.0.2.20\"") ","
			  IN("no-9999", "DENY", "\"port\": \"9999\"")));
	EXPECT_TRUE(grows("/tmp/crs_stream_out", 5));
	EXPECT_TRUE(grows("/tmp/crs_stream_in", 5));

	/* one that denies both flows: they stop */
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-10", "DENY", "\"ipAddress\": \"192.0.2.10\"") ","
			  IN("no-8080", "DENY", "\"port\": \"8080\"")));
	/*
	 * The streams run in lockstep (send a byte, read its echo, count):
	 * an echo read before the push may still be counted after it, no
	 * more. The counts then stay put, however slow the guest.
	 */
	c1 = read_count("/tmp/crs_stream_out");
	c2 = read_count("/tmp/crs_stream_in");
	usleep(2000000);
	EXPECT_GE(c1 + 1, read_count("/tmp/crs_stream_out"));
	EXPECT_GE(c2 + 1, read_count("/tmp/crs_stream_in"));
	r = in_ct(self->init, NULL, "connect 192.0.2.10 80");
	EXPECT_EQ(ECONNREFUSED, r.err);

	/* allowed again: TCP retransmits (backing off) and both resume */
	c1 = read_count("/tmp/crs_stream_out");
	c2 = read_count("/tmp/crs_stream_in");
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW", ""));
	EXPECT_GT(wait_count("/tmp/crs_stream_out", c1 + 3, 60000), c1 + 3);
	EXPECT_GT(wait_count("/tmp/crs_stream_in", c2 + 3, 60000), c2 + 3);
	kill(in_pid, SIGKILL);
}

NET_TEST(module_unload_with_connections_open_is_clean)
{
	static const struct probe want[] = {
		{ .cmd = "connect 192.0.2.20 80", .read = "hello 80" },
		{ NULL }
	};
	pid_t in_pid;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-20", "DENY", "\"ipAddress\": \"192.0.2.20\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	ASSERT_TRUE(streams_up(self->init, "/tmp/crs_unload_out",
			       "/tmp/crs_unload_in", &in_pid));

	/* bound containers hold the module; detach, then unload */
	EXPECT_NE(0, crs_sh(NULL, 0, "rmmod crs 2>/dev/null"));
	ASSERT_EQ(0, detach(self->init));
	ASSERT_EQ(0, crs_rmmod(30));
	EXPECT_TRUE(grows("/tmp/crs_unload_out", 5));
	EXPECT_TRUE(grows("/tmp/crs_unload_in", 5));
	probe_ct(_metadata, self->init, NULL, want);
	ASSERT_EQ(0, crs_sh(NULL, 0, "insmod %s", crs_ko()));
	EXPECT_TRUE(grows("/tmp/crs_unload_out", 5));
	kill(in_pid, SIGKILL);
}

NET_TEST(host_and_other_containers_unaffected)
{
	static const struct probe deny10[] = {
		{ .cmd = "connect 192.0.2.10 80", .err = ECONNREFUSED },
		{ .cmd = "connect 192.0.2.11 80", .read = "hello 80" },
		{ NULL }
	};
	static const struct probe deny11[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ .cmd = "connect 192.0.2.11 80", .err = ECONNREFUSED },
		{ NULL }
	};
	static const struct probe no_container[] = {
		{ .cmd = "connect 192.0.2.10 80", .read = "hello 80" },
		{ .cmd = "connect 192.0.2.11 80", .read = "hello 80" },
		{ NULL }
	};
	pid_t o_init, o_mid, h_init, h_mid, h2_init, h2_mid;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-10", "DENY", "\"ipAddress\": \"192.0.2.10\"")));
	ASSERT_EQ(0, push(POLICY2, "ACTIVE", "ALLOW",
			  OUT("no-11", "DENY", "\"ipAddress\": \"192.0.2.11\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	o_init = ct_start("crs_o", &o_mid);
	h_init = ct_start(NULL, &h_mid);	/* shares the host's netns */
	h2_init = ct_start(NULL, &h2_mid);
	ASSERT_GT(o_init, 0);
	ASSERT_GT(h_init, 0);
	ASSERT_GT(h2_init, 0);
	ASSERT_EQ(0, apply(POLICY2, o_init, NULL));
	ASSERT_EQ(0, apply(POLICY, h_init, NULL));
	ASSERT_EQ(0, apply(POLICY2, h2_init, NULL));

	probe_ct(_metadata, self->init, NULL, deny10);
	probe_ct(_metadata, o_init, NULL, deny11);
	probe_ns(_metadata, "crs_o", no_container);
	/* the host's netns: host, container h (POLICY), container h2 */
	probe_ns(_metadata, NULL, no_container);
	probe_ct(_metadata, h_init, NULL, deny10);
	probe_ct(_metadata, h2_init, NULL, deny11);

	ct_stop(o_init, o_mid);
	ct_stop(h_init, h_mid);
	ct_stop(h2_init, h2_mid);
	crs_delete_policy(POLICY2);
}

/*
 * Socket-owner records are charged per container: a container that binds
 * sockets without end gets ENOBUFS at its own max_container_sockets, and
 * another container in the same network namespace still has its listener
 * recorded and judged (with one host-wide cap, the first took every
 * record and the second's inbound connections went unjudged).
 */
NET_TEST(socket_owner_records_are_charged_per_container)
{
	char out[128];
	long gmax, cmax;
	pid_t a_init, a_mid, hog;
	struct res r;
	int bound = -1, err = -1;

	gmax = crs_param_get("max_sockets");
	cmax = crs_param_get("max_container_sockets");
	ASSERT_GE(gmax, 0);
	ASSERT_GE(cmax, 0);
	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  IN("no-8080", "DENY", "\"ipAddress\": \"0.0.0.0/0\", \"port\": \"8080\"")));
	ASSERT_EQ(0, push(POLICY2, "ACTIVE", "ALLOW", ""));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	a_init = ct_start("crs_c", &a_mid);
	ASSERT_GT(a_init, 0);
	ASSERT_EQ(0, apply(POLICY2, a_init, NULL));
	/* from here on no ASSERT: the caps are put back at the end */
	EXPECT_EQ(0, crs_param_set("max_sockets", 64));
	EXPECT_EQ(0, crs_param_set("max_container_sockets", 32));
	unlink("/tmp/crs_hog");
	hog = bg_ct(a_init, NULL, "hog", 200, "/tmp/crs_hog");
	for (int i = 0; i < 300 && access("/tmp/crs_hog", F_OK); i++)
		usleep(100 * 1000);
	crs_sh(out, sizeof(out), "cat /tmp/crs_hog");
	sscanf(out, "bound %d errno %d", &bound, &err);
	EXPECT_TRUE(serve_ct(self->init, NULL, 8080));
	r = in_ns("crs_p", "connect 198.51.100.1 8080");
	EXPECT_EQ(ECONNREFUSED, r.err) TH_LOG("read '%s' (hog: %s)", r.read, out);
	EXPECT_EQ(32, bound) TH_LOG("hog: %s", out);
	EXPECT_EQ(ENOBUFS, err);
	kill(hog, SIGKILL);
	ct_stop(a_init, a_mid);
	EXPECT_EQ(0, crs_param_set("max_sockets", gmax));
	EXPECT_EQ(0, crs_param_set("max_container_sockets", cmax));
	crs_delete_policy(POLICY2);
}

/*
 * SCTP resends its INIT from a timer (softirq), not from the task: a
 * denied first INIT must not be followed by a resend that gets through.
 * The peer must never accept the association, and a port rule applies
 * to SCTP's ports.
 */
NET_TEST(sctp_timer_resends_are_judged_as_their_owner)
{
	char out[64] = "";
	pid_t srv;
	struct res r;

	ASSERT_EQ(0, push(POLICY, "ACTIVE", "ALLOW",
			  OUT("no-sctp-9", "DENY", "\"ipAddress\": \"192.0.2.10\", \"port\": \"9\"")));
	ASSERT_EQ(0, apply(POLICY, self->init, NULL));
	unlink("/tmp/crs_sctp");
	srv = bg("ip netns exec crs_p %s sserve 192.0.2.10 %d %s", helper, 9, "/tmp/crs_sctp");
	for (int i = 0; i < 100 && access("/tmp/crs_sctp", F_OK); i++)
		usleep(100 * 1000);
	crs_sh(out, sizeof(out), "cat /tmp/crs_sctp");
	if (!strncmp(out, "noproto", 7)) {
		kill(srv, SIGKILL);
		SKIP(return, "no SCTP in this kernel: %s", out);
	}
	ASSERT_EQ(0, atoi(out)) TH_LOG("server: %s", out);
	/* resend the INIT every ~100 ms instead of every 3 s */
	ASSERT_EQ(0, crs_sh(NULL, 0, "ip netns exec crs_c sysctl -qw net.sctp.rto_initial=100 "
			    "net.sctp.rto_min=50 net.sctp.max_init_retransmits=20"));
	r = in_ct(self->init, NULL, "sconnect 192.0.2.10 9 2");
	EXPECT_NE(0, r.err);
	crs_sh(out, sizeof(out), "cat /tmp/crs_sctp");
	EXPECT_EQ(0, atoi(out)) TH_LOG("associations accepted: %s", out);
	/* a port the rule does not name comes up */
	kill(srv, SIGKILL);
	srv = bg("ip netns exec crs_p %s sserve 192.0.2.10 %d %s", helper, 10, "/tmp/crs_sctp");
	usleep(500 * 1000);
	r = in_ct(self->init, NULL, "sconnect 192.0.2.10 10 1");
	EXPECT_EQ(0, r.err);
	kill(srv, SIGKILL);
}

TEST_HARNESS_MAIN
