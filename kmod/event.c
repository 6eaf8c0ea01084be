// SPDX-License-Identifier: GPL-2.0
/*
 * crs: audit events.
 *
 * crs_event_emit() runs in the hooked path (an ftrace hook handler, see
 * hook_deny.h, or netfilter in softirq). It copies the event into
 * a preallocated byte ring under a spinlock and kicks a work item: it
 * never sleeps and never allocates. The work item, in process context,
 * turns each record into a CRS_CMD_EVENT message and multicasts it on
 * "audit" (BEHAVIOR events: on "learn").
 *
 * Losses. An event is lost when the ring is full, when its message cannot
 * be allocated, or when the multicast reports a failed delivery (-ENOBUFS:
 * a listener's receive buffer is full; netlink tells the sender only about
 * listeners that set NETLINK_BROADCAST_ERROR, which crsnl does). Each loss
 * is counted globally and per container, and carried to listeners in
 * CRS_EVENT_A_LOST of the next event delivered on that group. When no
 * event follows, a loss record (CRS_A_EVENT holding only the two times and
 * LOST) is sent once the queue is empty, and retried until it gets
 * through. So, for a listener alone on its group, events received plus
 * losses reported equal the events emitted, exactly. With several
 * listeners, a delivery any one of them missed is reported to all; each
 * report carries the group's loss total since load, so a listener can
 * tell a report resent for another one from a new loss.
 *
 * No listener, no event, but a count: while nobody listens on "audit",
 * emit only counts the event as unheard, per container and globally
 * (nothing is queued or sent), and a work item of its own, polling while
 * such counts are unreported (after 1 s, backing off to 16 s; at once
 * when a listener calls crs_event_listener_joined()), sends each
 * container's count in a loss record of its own (CRS_EVENT_A_UNHEARD)
 * once a listener has subscribed. Containers unbound before that are
 * reported together, in one record without a container. A record a full
 * listener missed (-ENOBUFS) is not sent again: its count goes into the
 * next gap, to all. BEHAVIOR events ("learn") are not counted: learning
 * records what they carry in its learning set anyway.
 */
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "crs.h"
#include "container.h"
#include "event.h"
#include "event_nl.h"
#include "program.h"

static unsigned int event_queue_kb = 1024;
module_param(event_queue_kb, uint, 0444);
MODULE_PARM_DESC(event_queue_kb,
		 "Size of the audit event queue in KiB, rounded up to a power of two, 64..65536 (default 1024)");

/* Indices in netlink.c's crs_genl_mcgrps[]. */
enum {
	CRS_EVENT_GRP_AUDIT,
	CRS_EVENT_GRP_LEARN,
	__CRS_EVENT_GRP_MAX
};

/* The ring: free-running offsets, size a power of two. */
static DEFINE_SPINLOCK(crs_ring_lock);
static u8 *crs_ring;
static size_t crs_ring_size;
static u64 crs_ring_head, crs_ring_tail;
static u64 crs_ring_dropped[__CRS_EVENT_GRP_MAX];
static bool crs_event_running;
/* the family whose multicast groups carry the events (crs_event_init()) */
static const struct genl_family *crs_event_fam;

/* Worker state; the work item never runs concurrently with itself. */
static u8 *crs_event_buf;
static u64 crs_event_pending[__CRS_EVENT_GRP_MAX];	/* lost, unreported */
/*
 * Losses on each group since load, sent beside every announcement
 * (CRS_EVENT_A_LOST_TOTAL): a listener that had total T and gets T' lost
 * T' - T in between, so an announcement repeated to a listener that had
 * it already (resent for another one whose buffer was full) counts once.
 */
static u64 crs_event_lost_total[__CRS_EVENT_GRP_MAX];

static void crs_event_work_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(crs_event_work, crs_event_work_fn);

#define CRS_EVENT_RETRY_MS 20
#define CRS_EVENT_UNHEARD_POLL_MS 1000

/*
 * Unheard events: reported by a work item of their own, so that looking
 * for a listener never holds back crs_event_work. Of
 * crs_stats.events_unheard, crs_unheard_reported have been announced
 * (under crs_lock).
 */
static u64 crs_unheard_reported;
static void crs_unheard_work_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(crs_unheard_work, crs_unheard_work_fn);

/* Look for a listener to report unheard events to, in a second. */
static void crs_unheard_poll(void)
{
	if (READ_ONCE(crs_event_running) &&
	    !delayed_work_pending(&crs_unheard_work))
		queue_delayed_work(crs_wq, &crs_unheard_work,
				   msecs_to_jiffies(CRS_EVENT_UNHEARD_POLL_MS));
}
NOKPROBE_SYMBOL(crs_unheard_poll);

static void crs_ring_write(u64 off, const void *src, size_t n)
{
	size_t pos = off & (crs_ring_size - 1);
	size_t first = min(n, crs_ring_size - pos);

	memcpy(crs_ring + pos, src, first);
	memcpy(crs_ring, (const u8 *)src + first, n - first);
}
NOKPROBE_SYMBOL(crs_ring_write);

static void crs_ring_read(u64 off, void *dst, size_t n)
{
	size_t pos = off & (crs_ring_size - 1);
	size_t first = min(n, crs_ring_size - pos);

	memcpy(dst, crs_ring + pos, first);
	memcpy((u8 *)dst + first, crs_ring, n - first);
}

static u16 crs_strsize(const char *s, size_t max)
{
	return s ? strnlen(s, max - 1) + 1 : 0;
}
NOKPROBE_SYMBOL(crs_strsize);

/* Copy @s as @size bytes (NUL-terminated even if truncated). */
static u64 crs_ring_put_str(u64 off, const char *s, u16 size)
{
	static const char nul;

	if (!size)
		return off;
	crs_ring_write(off, s, size - 1);
	crs_ring_write(off + size - 1, &nul, 1);
	return off + size;
}
NOKPROBE_SYMBOL(crs_ring_put_str);

static void crs_count_lost(struct crs_container *c)
{
	if (c)
		this_cpu_inc(c->stats->events_lost);
	percpu_counter_inc(&crs_stats.events_lost);
}
NOKPROBE_SYMBOL(crs_count_lost);

/*
 * An audit event of @c nobody listened for: counted (the container's
 * count first, crs_event_report_unheard() reads them the other way
 * round) and reported by the worker once someone listens.
 */
static void crs_count_unheard(struct crs_container *c)
{
	this_cpu_inc(c->stats->events_unheard);
	percpu_counter_inc(&crs_stats.events_unheard);
	crs_unheard_poll();
}
NOKPROBE_SYMBOL(crs_count_unheard);

/**
 * crs_event_emit() - queue an audit (or behavior) event
 * @ctx: the decision context
 * @rule: the deciding rule, or NULL for the default action
 * @outcome: enum crs_outcome; CRS_OUTCOME_BEHAVIOR goes to "learn"
 * @obj: what was accessed
 *
 * The pid, tgid and uid are current's when called from a task; outside
 * one (softirq: inbound packets) they are 0. The program is @obj's when
 * the caller knows it (the socket's owner), else current's in a task.
 *
 * Context: any (hook handler, softirq), inside crs_ctx_get(); does not
 * sleep or allocate.
 */
void crs_event_emit(struct crs_ctx *ctx, const struct crs_rule *rule,
		    u8 outcome, const struct crs_object *obj)
{
	u8 group = outcome == CRS_OUTCOME_BEHAVIOR ? CRS_EVENT_GRP_LEARN :
						     CRS_EVENT_GRP_AUDIT;
	const char *program = NULL, *policy, *rname;
	struct crs_event_rec r;
	unsigned long flags;
	u64 off;

	if (!READ_ONCE(crs_event_running))
		return;
	if (genl_has_listeners(crs_event_fam, &init_net, group) <= 0) {
		if (group == CRS_EVENT_GRP_AUDIT)
			crs_count_unheard(ctx->c);
		return;
	}

	memset(&r, 0, sizeof(r));
	r.time_real = ktime_get_real_ns();
	r.time_mono = ktime_get_ns();
	r.group = group;
	r.outcome = outcome;
	r.type = obj->type;
	r.container = ctx->c->id;
	if (obj->program)
		program = obj->program;
	if (in_task()) {
		if (!program)
			program = crs_program_current(ctx);
		r.pid = task_pid_nr(current);
		r.tgid = task_tgid_nr(current);
		r.uid = from_kuid_munged(&init_user_ns, current_uid());
	}
	if (obj->syscall_nr >= 0) {
		r.has_syscall = 1;
		r.syscall_nr = obj->syscall_nr;
		r.arch = obj->arch;
	}
	if (obj->family) {
		r.family = obj->family;
		r.addr = obj->addr;
		r.port = obj->port;
		r.protocol = obj->protocol;
		r.direction = obj->direction;
	}
	policy = ctx->p ? ctx->p->name : "";
	rname = rule ? rule->name : "default";
	r.path_len = crs_strsize(obj->path, CRS_PATH_MAX);
	r.program_len = crs_strsize(program ? program : "", CRS_PATH_MAX);
	r.policy_len = crs_strsize(policy, CRS_NAME_MAX);
	r.rule_len = crs_strsize(rname, CRS_NAME_MAX);
	r.len = ALIGN(sizeof(r) + r.path_len + r.program_len + r.policy_len +
		      r.rule_len, 8);

	spin_lock_irqsave(&crs_ring_lock, flags);
	if (crs_ring_size - (crs_ring_head - crs_ring_tail) < r.len) {
		crs_ring_dropped[group]++;
		spin_unlock_irqrestore(&crs_ring_lock, flags);
		crs_count_lost(ctx->c);
		return;
	}
	r.lost = crs_ring_dropped[group];
	crs_ring_dropped[group] = 0;
	off = crs_ring_head;
	crs_ring_write(off, &r, sizeof(r));
	off += sizeof(r);
	off = crs_ring_put_str(off, obj->path, r.path_len);
	off = crs_ring_put_str(off, program ? program : "", r.program_len);
	off = crs_ring_put_str(off, policy, r.policy_len);
	crs_ring_put_str(off, rname, r.rule_len);
	crs_ring_head += r.len;
	spin_unlock_irqrestore(&crs_ring_lock, flags);

	queue_delayed_work(crs_wq, &crs_event_work, 0);
}
NOKPROBE_SYMBOL(crs_event_emit);

/* Take the oldest record into crs_event_buf; false if the ring is empty. */
static bool crs_ring_pop(void)
{
	struct crs_event_rec *r = (struct crs_event_rec *)crs_event_buf;
	bool got = false;

	spin_lock_irq(&crs_ring_lock);
	if (crs_ring_head != crs_ring_tail) {
		crs_ring_read(crs_ring_tail, r, sizeof(*r));
		crs_ring_read(crs_ring_tail + sizeof(*r), r + 1,
			      r->len - sizeof(*r));
		crs_ring_tail += r->len;
		got = true;
	}
	spin_unlock_irq(&crs_ring_lock);
	return got;
}

/* Ring overflows on @group not yet attached to a record. */
static u64 crs_ring_take_dropped(u8 group)
{
	u64 n;

	spin_lock_irq(&crs_ring_lock);
	n = crs_ring_dropped[group];
	crs_ring_dropped[group] = 0;
	spin_unlock_irq(&crs_ring_lock);
	return n;
}

/*
 * Count @n events of container @id (if it is still bound) lost, or with
 * @unheard sent when no listener was left, which the worker reports.
 */
static void crs_container_lost(u64 id, u64 n, bool unheard)
{
	struct crs_container *c;

	if (!n)
		return;
	if (unheard)
		percpu_counter_add(&crs_stats.events_unheard, n);
	mutex_lock(&crs_lock);
	list_for_each_entry(c, &crs_containers, list) {
		if (c->id == id && !c->dead) {
			if (unheard)
				this_cpu_add(c->stats->events_unheard, n);
			else
				this_cpu_add(c->stats->events_lost, n);
			goto out;
		}
	}
	if (unheard)	/* unbound since: reported with the others gone */
		atomic64_add(n, &crs_containers_unheard_gone);
out:
	mutex_unlock(&crs_lock);
	if (unheard)
		crs_unheard_poll();
}

/*
 * The worker sends consecutive records of one group together: up to
 * CRS_EVENT_BATCH messages in one skb of NLMSG_GOODSIZE (one multicast,
 * one datagram of at most a page for each listener to receive, so a
 * listener reading with the usual 8 KiB buffer gets whole datagrams; a
 * record too large for that goes alone, as before batching). A failed
 * delivery loses the whole batch.
 */
#define CRS_EVENT_BATCH 32

struct crs_event_batch {
	struct sk_buff *skb;
	u8 group;
	unsigned int n;
	u64 lost;			/* losses announced in the batch */
	u64 container[CRS_EVENT_BATCH];
};

/* Append the record @r (or with @r NULL a loss record of @g) to @skb. */
static int crs_event_put(struct sk_buff *skb, const struct crs_event_rec *r,
			 u8 g, u64 lost)
{
	return crs_event_nl_put(skb, crs_event_fam, r, lost,
				crs_event_lost_total[g]);
}

/* Send what @b holds; account deliveries and losses. */
static void crs_event_flush(struct crs_event_batch *b)
{
	u64 id = 0, n = 0;
	unsigned int i;
	bool unheard;
	int ret;

	if (!b->skb)
		return;
	ret = genlmsg_multicast(crs_event_fam, b->skb, 0, b->group,
				GFP_KERNEL);
	b->skb = NULL;
	if (!ret) {
		percpu_counter_add(&crs_stats.events_sent, b->n);
	} else if (ret != -ESRCH || b->group == CRS_EVENT_GRP_AUDIT) {
		/*
		 * -ESRCH: the last listener left: audit events are then
		 * unheard (reported to the next one), the rest dropped.
		 * Else lost: announced in the next event or loss record.
		 */
		unheard = ret == -ESRCH;
		if (!unheard) {
			crs_event_pending[b->group] += b->lost + b->n;
			crs_event_lost_total[b->group] += b->n;
			percpu_counter_add(&crs_stats.events_lost, b->n);
		}
		for (i = 0; i < b->n; i++) {
			if (n && id != b->container[i]) {
				crs_container_lost(id, n, unheard);
				n = 0;
			}
			id = b->container[i];
			n++;
		}
		crs_container_lost(id, n, unheard);
	}
	b->n = 0;
	b->lost = 0;
}

/* Queue the record @r into @b, sending @b first if it must. */
static void crs_event_add(struct crs_event_batch *b,
			  const struct crs_event_rec *r)
{
	u8 g = r->group;
	u64 lost;

	if (b->skb && (b->group != g || b->n == CRS_EVENT_BATCH ||
		       skb_tailroom(b->skb) < r->len + 512))
		crs_event_flush(b);
	/* after the flush: a failed batch adds to what this one announces */
	crs_event_lost_total[g] += r->lost;
	lost = crs_event_pending[g] + r->lost;
	if (!b->skb) {
		if (genl_has_listeners(crs_event_fam, &init_net, g) <= 0) {
			/* the listener left after emit saw it */
			crs_event_pending[g] = 0;
			if (g == CRS_EVENT_GRP_AUDIT)
				crs_container_lost(r->container, 1, true);
			return;
		}
		b->skb = genlmsg_new(max_t(size_t, NLMSG_DEFAULT_SIZE,
					   r->len + 512), GFP_KERNEL);
		if (!b->skb)
			goto drop;
		b->group = g;
	}
	/* fails only if the tailroom check above were wrong */
	if (crs_event_put(b->skb, r, g, lost))
		goto drop;
	crs_event_pending[g] = 0;
	b->lost += lost;
	b->container[b->n++] = r->container;
	return;
drop:
	crs_event_pending[g] = lost + 1;
	crs_event_lost_total[g]++;
	percpu_counter_inc(&crs_stats.events_lost);
	crs_container_lost(r->container, 1, false);
}

/* Multicast one record: @n events of container @id (0: unbound) unheard. */
static int crs_event_send_unheard(u64 id, u64 n)
{
	struct sk_buff *skb = crs_event_nl_unheard(crs_event_fam, id, n);

	if (IS_ERR(skb))
		return PTR_ERR(skb);
	return genlmsg_multicast(crs_event_fam, skb, 0, CRS_EVENT_GRP_AUDIT,
				 GFP_KERNEL);
}

/*
 * Unheard events whose loss record some listener's full socket missed
 * (-ENOBUFS): crs_event_work announces them to all in a gap, as it does
 * any delivery a listener missed.
 */
static atomic64_t crs_unheard_missed = ATOMIC64_INIT(0);

/*
 * Send a loss record of unheard events: false when nobody got it (no
 * listener left, no memory). -ENOBUFS means some listener's buffer was
 * full: the others got it, and sending it again would repeat it to them,
 * so the full one learns of them from the next gap instead.
 */
static bool crs_event_unheard_sent(u64 id, u64 n)
{
	int ret = crs_event_send_unheard(id, n);

	if (ret == -ENOBUFS) {
		atomic64_add(n, &crs_unheard_missed);
		if (READ_ONCE(crs_event_running))
			mod_delayed_work(crs_wq, &crs_event_work, 0);
		return true;
	}
	return !ret;
}

/*
 * Report the audit events nobody heard, one loss record a container, if
 * someone listens now. Returns 0 when all are reported, -ESRCH while
 * nobody listens, -EAGAIN when some remain.
 */
static int crs_event_report_unheard(void)
{
	struct crs_container_stats sum;
	struct crs_container *c;
	bool left = false;
	u64 total, gone;
	int ret = 0;

	mutex_lock(&crs_lock);
	total = percpu_counter_sum(&crs_stats.events_unheard);
	if (total <= crs_unheard_reported)
		goto out;
	if (genl_has_listeners(crs_event_fam, &init_net,
			       CRS_EVENT_GRP_AUDIT) <= 0) {
		ret = -ESRCH;
		goto out;
	}
	list_for_each_entry(c, &crs_containers, list) {
		crs_container_stats_sum(c, &sum);
		if (sum.events_unheard == c->unheard_reported)
			continue;
		if (!crs_event_unheard_sent(c->id, sum.events_unheard -
					    c->unheard_reported)) {
			left = true;
			continue;
		}
		crs_unheard_reported += sum.events_unheard - c->unheard_reported;
		c->unheard_reported = sum.events_unheard;
	}
	gone = atomic64_read(&crs_containers_unheard_gone);
	if (gone) {
		if (crs_event_unheard_sent(0, gone)) {
			atomic64_sub(gone, &crs_containers_unheard_gone);
			crs_unheard_reported += gone;
		} else {
			left = true;
		}
	}
	/* a container unbound but not yet freed: its count comes soon */
	if (left || crs_unheard_reported < total)
		ret = -EAGAIN;
out:
	mutex_unlock(&crs_lock);
	return ret;
}

/*
 * While nobody listens, look again after 2, 4 ... up to 16 seconds (a
 * listener that calls crs_event_listener_joined() need not wait).
 */
static void crs_unheard_work_fn(struct work_struct *w)
{
	static unsigned int wait_ms = CRS_EVENT_UNHEARD_POLL_MS;
	int ret = crs_event_report_unheard();

	if (ret == -ESRCH)
		wait_ms = min(2 * wait_ms, 16U * CRS_EVENT_UNHEARD_POLL_MS);
	else
		wait_ms = CRS_EVENT_UNHEARD_POLL_MS;
	if (ret && READ_ONCE(crs_event_running))
		queue_delayed_work(crs_wq, &crs_unheard_work,
				   msecs_to_jiffies(wait_ms));
}

/**
 * crs_event_listener_joined() - report unheard events now, not at the poll
 *
 * A listener that has just subscribed sends CRS_CMD_GET_STATUS (crsnl
 * events does) to get the loss records of the events nobody heard at
 * once; others get them at the next poll (within 16 s).
 *
 * Context: process context.
 */
void crs_event_listener_joined(void)
{
	if (READ_ONCE(crs_event_running))
		mod_delayed_work(crs_wq, &crs_unheard_work, 0);
}

static void crs_event_work_fn(struct work_struct *w)
{
	struct crs_event_rec *r = (struct crs_event_rec *)crs_event_buf;
	struct crs_event_batch b = { };
	bool retry = false;
	u64 lost, more;
	u8 g;

	more = atomic64_xchg(&crs_unheard_missed, 0);
	crs_event_pending[CRS_EVENT_GRP_AUDIT] += more;
	crs_event_lost_total[CRS_EVENT_GRP_AUDIT] += more;
	while (crs_ring_pop()) {
		crs_event_add(&b, r);
		cond_resched();
	}
	crs_event_flush(&b);

	/* Losses no later event will carry: report them on their own. */
	for (g = 0; g < __CRS_EVENT_GRP_MAX; g++) {
		more = crs_ring_take_dropped(g);
		crs_event_lost_total[g] += more;
		lost = crs_event_pending[g] + more;
		crs_event_pending[g] = 0;
		if (!lost)
			continue;
		if (genl_has_listeners(crs_event_fam, &init_net, g) <= 0)
			continue;
		b.skb = genlmsg_new(128, GFP_KERNEL);
		if (!b.skb || crs_event_put(b.skb, NULL, g, lost)) {
			nlmsg_free(b.skb);
			b.skb = NULL;
			crs_event_pending[g] = lost;
			retry = true;
			continue;
		}
		b.group = g;
		b.lost = lost;
		b.n = 0;
		/* a failed loss record leaves crs_event_pending[g] = lost */
		crs_event_flush(&b);
		if (crs_event_pending[g])
			retry = true;
	}
	if (retry && READ_ONCE(crs_event_running))
		queue_delayed_work(crs_wq, &crs_event_work,
				   msecs_to_jiffies(CRS_EVENT_RETRY_MS));
}

/**
 * crs_event_mem() - bytes the event queue holds
 *
 * The ring is allocated once, at load (module parameter event_queue_kb).
 *
 * Context: any. Return: its size plus the worker's record buffer.
 */
u64 crs_event_mem(void)
{
	return crs_ring ? crs_ring_size + CRS_EVENT_REC_MAX : 0;
}

/**
 * crs_event_init() - allocate the queue
 * @fam: the generic netlink family whose groups carry the events (its
 *	groups: 0 "audit", 1 "learn"); registered later, before any
 *	container can be bound
 *
 * Context: process context, module init, before the hooks.
 * Return: 0 or -ENOMEM.
 */
int crs_event_init(const struct genl_family *fam)
{
	unsigned int kb = clamp(event_queue_kb, 64U, 65536U);

	crs_ring_size = roundup_pow_of_two((size_t)kb * 1024);
	crs_ring = kvzalloc(crs_ring_size, GFP_KERNEL);
	crs_event_buf = kmalloc(CRS_EVENT_REC_MAX, GFP_KERNEL);
	if (!crs_ring || !crs_event_buf) {
		kvfree(crs_ring);
		kfree(crs_event_buf);
		crs_ring = NULL;
		crs_event_buf = NULL;
		return -ENOMEM;
	}
	crs_event_fam = fam;
	WRITE_ONCE(crs_event_running, true);
	return 0;
}

/**
 * crs_event_exit() - send what is queued, stop the worker, free the queue
 *
 * Context: process context, module exit, after the hooks are removed.
 */
void crs_event_exit(void)
{
	WRITE_ONCE(crs_event_running, false);
	flush_delayed_work(&crs_event_work);
	cancel_delayed_work_sync(&crs_event_work);
	cancel_delayed_work_sync(&crs_unheard_work);
	kvfree(crs_ring);
	kfree(crs_event_buf);
	crs_ring = NULL;
	crs_event_buf = NULL;
}
