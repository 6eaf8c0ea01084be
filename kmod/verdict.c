// SPDX-License-Identifier: GPL-2.0
/*
 * crs: turning a decision into an outcome. Every enforcement point ends
 * in crs_verdict(): it applies the effective policy mode, counts, feeds
 * learning and the audit event queue, and logs denials.
 */
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/string_helpers.h>

#include "crs.h"
#include "event.h"
#include "learn.h"
#include "program.h"
#include "verdict.h"

bool crs_log_denials = true;
module_param_named(log_denials, crs_log_denials, bool, 0644);
MODULE_PARM_DESC(log_denials, "Log each denial to the kernel log, rate limited (default Y)");

static const char *const crs_type_names[] = {
	[CRS_RULE_READ] = "READ",
	[CRS_RULE_WRITE] = "WRITE",
	[CRS_RULE_NETWORK_OUTBOUND] = "NETWORK_OUTBOUND",
	[CRS_RULE_NETWORK_INBOUND] = "NETWORK_INBOUND",
	[CRS_RULE_SYSCALL] = "SYSCALL",
};

/* Does log mode @mode select an event of @outcome (decided by @rule)? */
static bool crs_log_selects(u8 mode, u8 outcome, const struct crs_rule *rule)
{
	bool policy_all = mode == CRS_LOG_POLICY_ALL || mode == CRS_LOG_ALL;

	switch (outcome) {
	case CRS_OUTCOME_DENIED:
		return policy_all || mode == CRS_LOG_POLICY_DENY ||
		       mode == CRS_LOG_POLICY_MONITOR_DENY;
	case CRS_OUTCOME_MONITOR:
		return policy_all || mode == CRS_LOG_POLICY_MONITOR ||
		       mode == CRS_LOG_POLICY_MONITOR_DENY;
	case CRS_OUTCOME_ALLOWED:
		/* explicit ALLOW rules only: a default allow is not news */
		return rule && (policy_all || mode == CRS_LOG_POLICY_ALLOW);
	}
	return false;
}

static const char *const crs_arch_names[] = {
	[CRS_ARCH_X86_64] = "x86_64",
	[CRS_ARCH_I386] = "i386",
	[CRS_ARCH_X32] = "x32",
};

/*
 * Denial lines are rate limited (10 per 5 s, as pr_info_ratelimited())
 * by one state for every kind. Once a burst is used up, denials until
 * the interval ends return after a jiffies test and an atomic count,
 * without the rate limit's lock (its irqsave spinlock was the largest
 * single cost of a denied system call in the benchmark's profile); the
 * count of lines not printed, ours and the rate limit's own, is logged
 * with the next line (RATELIMIT_MSG_ON_RELEASE: no second message).
 */
static struct ratelimit_state crs_log_rs =
	RATELIMIT_STATE_INIT_FLAGS(crs_log_rs, DEFAULT_RATELIMIT_INTERVAL,
				   DEFAULT_RATELIMIT_BURST,
				   RATELIMIT_MSG_ON_RELEASE);
static unsigned long crs_log_quiet_until;	/* jiffies */
static atomic_long_t crs_log_skipped = ATOMIC_LONG_INIT(0);

static bool crs_log_may(void)
{
	long skipped;

	if (time_before(jiffies, READ_ONCE(crs_log_quiet_until))) {
		atomic_long_inc(&crs_log_skipped);
		return false;
	}
	if (!__ratelimit(&crs_log_rs)) {
		/*
		 * Quiet only when the burst is used up, not when another
		 * CPU merely held the rate limit's lock (trylock).
		 */
		if (READ_ONCE(crs_log_rs.printed) >= crs_log_rs.burst)
			WRITE_ONCE(crs_log_quiet_until,
				   READ_ONCE(crs_log_rs.begin) +
				   crs_log_rs.interval);
		atomic_long_inc(&crs_log_skipped);
		return false;
	}
	skipped = atomic_long_xchg(&crs_log_skipped, 0);
	if (skipped)
		pr_info("%ld denials not logged (rate limit)\n", skipped);
	return true;
}

/*
 * @s escaped into @dst (@size bytes, NUL-terminated): names come from
 * the container (file names, program paths), so every byte that is not
 * printable ASCII, and the '"' and '\\' that delimit and escape, become
 * C escapes (\n, \", \\, \xHH): no file name can end a log line or
 * forge a field. A name too long for @dst ends in "...".
 */
static const char *crs_log_escape(char *dst, size_t size, const char *s)
{
	int n = string_escape_str(s, dst, size - 4,
				  ESCAPE_SPACE | ESCAPE_SPECIAL |
				  ESCAPE_NULL | ESCAPE_HEX | ESCAPE_NAP |
				  ESCAPE_APPEND, "\"\\");

	if ((size_t)n > size - 4)
		strscpy(dst + size - 4, "...", 4);
	else
		dst[n] = '\0';
	return dst;
}

/*
 * One line per denial: what, who (pid and program when a task made the
 * call; the socket owner's program for inbound packets), and why.
 * Context: inside crs_scratch_lock() (the names are escaped into its
 * CRS_BUF_LOG).
 */
static void crs_log_denial(struct crs_ctx *ctx, const struct crs_rule *rule,
			   const struct crs_object *obj)
{
	const char *type = obj->type < ARRAY_SIZE(crs_type_names) ?
			   crs_type_names[obj->type] : "?";
	const char *rname = rule ? rule->name : "default";
	const char *prog = obj->program, *path = obj->path;
	char *buf = crs_path_buf(CRS_BUF_LOG);
	pid_t pid = 0;

	if (!crs_log_may())
		return;
	if (in_task()) {
		pid = task_tgid_nr(current);
		if (!prog)
			prog = crs_program_current(ctx);
	}
	if (!prog || !buf)
		prog = "?";
	else
		prog = crs_log_escape(buf, PATH_MAX / 4, prog);
	if (path && buf)
		path = crs_log_escape(buf + PATH_MAX / 4, PATH_MAX * 3 / 4,
				      path);
	else if (path)
		path = "?";

	if (path)
		pr_info("denied %s \"%s\" pid=%d program=\"%s\" container=%llu policy=%s rule=%s\n",
			type, path, pid, prog, ctx->c->id,
			ctx->p->name, rname);
	else if (obj->family == AF_PACKET)
		pr_info("denied %s packet socket pid=%d program=\"%s\" container=%llu policy=%s rule=%s\n",
			type, pid, prog, ctx->c->id, ctx->p->name, rname);
	else if (obj->family == AF_INET)
		pr_info("denied %s %pI4 port %u proto %u pid=%d program=\"%s\" container=%llu policy=%s rule=%s\n",
			type, &obj->addr.s6_addr32[3], obj->port,
			obj->protocol, pid, prog, ctx->c->id,
			ctx->p->name, rname);
	else if (obj->family)
		pr_info("denied %s %pI6c port %u proto %u pid=%d program=\"%s\" container=%llu policy=%s rule=%s\n",
			type, &obj->addr, obj->port, obj->protocol,
			pid, prog, ctx->c->id, ctx->p->name, rname);
	else
		pr_info("denied %s nr %d arch %s pid=%d program=\"%s\" container=%llu policy=%s rule=%s\n",
			type, obj->syscall_nr,
			obj->arch < ARRAY_SIZE(crs_arch_names) ?
			crs_arch_names[obj->arch] : "?",
			pid, prog, ctx->c->id, ctx->p->name, rname);
}

/**
 * crs_verdict() - settle a decision: mode, counters, learning, events
 * @ctx: the decision context from crs_ctx_get()
 * @rule: the rule that decided, or NULL when the default action did
 * @action: the decided enum crs_action
 * @obj: what was accessed
 *
 * A caller that evaluated nothing (no policy bound, or mode INACTIVE) may
 * still call this with @rule NULL and CRS_ACTION_ALLOW so learning sees
 * the access; nothing is then counted.
 *
 * Context: any (hook handler, softirq); does not sleep or allocate.
 * Return: true if the caller must deny the access.
 */
bool crs_verdict(struct crs_ctx *ctx, const struct crs_rule *rule, u8 action,
		 const struct crs_object *obj)
{
	struct crs_container *c = ctx->c;
	u8 outcome;

	if (READ_ONCE(c->learning))
		crs_learn_record(ctx, obj);
	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE)
		return false;

	if (action == CRS_ACTION_DENY)
		outcome = ctx->mode == CRS_MODE_ACTIVE ? CRS_OUTCOME_DENIED :
							 CRS_OUTCOME_MONITOR;
	else
		outcome = CRS_OUTCOME_ALLOWED;

	this_cpu_inc(c->stats->verdicts[outcome]);
	if (rule)
		atomic64_inc(&rule->hits->verdicts[outcome]);
	percpu_counter_inc(&crs_stats.verdicts[outcome]);

	if (crs_log_selects(READ_ONCE(c->log_mode), outcome, rule))
		crs_event_emit(ctx, rule, outcome, obj);
	if (outcome == CRS_OUTCOME_DENIED && READ_ONCE(crs_log_denials))
		crs_log_denial(ctx, rule, obj);
	return outcome == CRS_OUTCOME_DENIED;
}

