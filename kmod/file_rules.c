// SPDX-License-Identifier: GPL-2.0
/*
 * crs: READ, WRITE and Execution rules: compiled tables and matching
 * (an access in, the deciding rule out).
 *
 * Compiled tables (crs_file_compile): one set per kind (READ, WRITE,
 * Execution). A rule whose file has no wildcard goes into a hash of exact
 * paths; a glob rule goes into a hash keyed by its literal prefix up to
 * the last '/' before the first wildcard (a rule "/var/www/" followed by
 * "*.php" is keyed "/var/www/"; a bare "*" is keyed ""). A lookup probes
 * the exact hash once and the glob hash once per '/' of the path, and runs
 * glob_match() only on the globs of those buckets, so cost grows with path
 * depth, not with the rule count.
 *
 * Program matching: "*" matches every program; otherwise the rule's
 * program equals the executable's path, or names (through symlinks) the
 * same inode, resolved once per container and policy (file_bind.c). The
 * same holds for the file of an Execution rule without wildcards:
 * "/bin/sh" covers an exec of /bin/busybox when /bin/sh links to it.
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
#include "file_rules.h"
#include "program.h"

/* The state of one decision: the policy, its resolution, the program. */
struct crs_fq {
	struct crs_ctx *ctx;
	struct crs_file_table *t;
	struct crs_file_bound *b;	/* NULL unless resolved for t */
	const struct crs_program *prog;
	bool prog_done;
	const struct crs_rule *deny, *allow;
	u32 deny_idx, allow_idx;
	bool deny_only;			/* an alias pass: ALLOW rules ignored */
};

static atomic64_t crs_file_ids = ATOMIC64_INIT(0);

/**
 * crs_glob_prefix() - the literal prefix of a rule path
 * @s: the rule's file (a path, a glob or both)
 * @is_glob: out: whether @s has a wildcard
 *
 * The length of @s's literal prefix up to and including its last '/'
 * before the first wildcard. A '\\' (glob_match()'s escape) also ends the
 * literal part: the bytes after it are not the path's own.
 *
 * Context: any.
 * Return: that length (strlen(@s) when @s has no wildcard).
 */
u32 crs_glob_prefix(const char *s, bool *is_glob)
{
	size_t lit = strcspn(s, "*?[\\");
	u32 i;

	*is_glob = s[lit] != '\0';
	if (!*is_glob)
		return lit;
	for (i = lit; i > 0; i--)
		if (s[i - 1] == '/')
			return i;
	return 0;
}

static u32 crs_hash(const char *s, u32 len)
{
	return jhash(s, len, 0x6372730a);
}

static struct crs_fkey *crs_fkey_find(struct hlist_head *tab, u32 bits,
				      const char *s, u32 len, u32 hash)
{
	struct crs_fkey *k;

	hlist_for_each_entry(k, &tab[hash & ((1U << bits) - 1)], node)
		if (k->hash == hash && k->len == len && !memcmp(k->key, s, len))
			return k;
	return NULL;
}

/**
 * crs_file_compile() - build the READ, WRITE and Execution tables of @p
 * @p: a policy being committed, rules parsed
 * @extack: error report
 *
 * Context: process context, crs_lock held.
 * Return: 0, -EINVAL (a READ/WRITE rule without a file) or -ENOMEM.
 */
int crs_file_compile(struct crs_policy *p, struct netlink_ext_ack *extack)
{
	u32 n[__CRS_FK_MAX] = {}, nheads = 0, nused = 0, i;
	struct crs_file_table *t;
	struct hlist_head *h;
	int kind;

	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];

		kind = crs_rule_kind(r);
		if (kind < 0)
			continue;
		if (kind != CRS_FK_EXEC && !r->file) {
			NL_SET_ERR_MSG(extack, "a READ or WRITE rule needs a file");
			return -EINVAL;
		}
		if (r->inactive)
			continue;
		n[kind]++;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->id = atomic64_inc_return(&crs_file_ids);
	for (kind = 0; kind < __CRS_FK_MAX; kind++) {
		t->set[kind].bits = ilog2(roundup_pow_of_two(max(2 * n[kind], 8U)));
		nheads += 2U << t->set[kind].bits;
		nused += n[kind];
		t->set[kind].any_tail = &t->set[kind].any;
	}
	t->heads = kvcalloc(nheads, sizeof(*t->heads), GFP_KERNEL_ACCOUNT);
	t->keys = kvcalloc(max(nused, 1U), sizeof(*t->keys), GFP_KERNEL_ACCOUNT);
	t->refs = kvcalloc(max(nused, 1U), sizeof(*t->refs), GFP_KERNEL_ACCOUNT);
	if (!t->heads || !t->keys || !t->refs) {
		p->file = t;
		crs_file_free(p);
		return -ENOMEM;
	}
	h = t->heads;
	for (kind = 0; kind < __CRS_FK_MAX; kind++) {
		t->set[kind].exact = h;
		h += 1U << t->set[kind].bits;
		t->set[kind].glob = h;
		h += 1U << t->set[kind].bits;
	}

	nused = 0;
	for (i = 0; i < p->nrules; i++) {
		const struct crs_rule *r = &p->rules[i];
		struct crs_fref *ref;
		struct crs_fkey *k;
		struct crs_fset *s;
		struct hlist_head *tab;
		bool is_glob;
		u32 len, hash;

		kind = crs_rule_kind(r);
		/* any rule's program is resolved (network, syscall too) */
		if (!r->inactive && !crs_prog_is_any(r->program))
			t->need_resolve = true;
		if (kind < 0 || r->inactive)
			continue;
		s = &t->set[kind];
		s->nrules++;
		ref = &t->refs[nused];
		ref->rule = r;
		ref->idx = i;
		/* a program, or a file whose directories may be symlinks */
		if (!crs_prog_is_any(r->program) || (r->file && r->file[0] == '/'))
			t->need_resolve = true;
		if (!r->file || !strcmp(r->file, "*")) {
			if (kind != CRS_FK_EXEC) {
				/* "*" as a READ/WRITE file: a glob with prefix "" */
				goto keyed;
			}
			*s->any_tail = ref;
			s->any_tail = &ref->next;
			nused++;
			continue;
		}
keyed:
		len = crs_glob_prefix(r->file, &is_glob);
		tab = is_glob ? s->glob : s->exact;
		hash = crs_hash(r->file, len);
		k = crs_fkey_find(tab, s->bits, r->file, len, hash);
		if (!k) {
			k = &t->keys[nused];
			k->key = r->file;
			k->len = len;
			k->hash = hash;
			k->tail = &k->refs;
			hlist_add_head(&k->node, &tab[hash & ((1U << s->bits) - 1)]);
			s->nglob += is_glob;
		}
		*k->tail = ref;
		k->tail = &ref->next;
		nused++;
	}
	t->resolve_after = jiffies;
	p->file = t;
	p->mem += sizeof(*t) + nheads * sizeof(*t->heads) +
		  nused * (sizeof(*t->keys) + sizeof(*t->refs));
	return 0;
}

/**
 * crs_file_free() - free what crs_file_compile() built
 * @p: the policy (no reader left)
 *
 * Context: any but hard irq.
 */
void crs_file_free(struct crs_policy *p)
{
	struct crs_file_table *t = p->file;

	if (!t)
		return;
	kvfree(t->heads);
	kvfree(t->keys);
	kvfree(t->refs);
	kfree(t);
	p->file = NULL;
}

/* ---------------------------------------------------------------------- */
/* Matching. */

static const struct crs_program *crs_fq_prog(struct crs_fq *q)
{
	if (!q->prog_done) {
		q->prog = crs_program_get(q->ctx);
		q->prog_done = true;
	}
	return q->prog;
}

static bool crs_prog_matches(struct crs_fq *q, const struct crs_rule *r,
			     u32 idx)
{
	const struct crs_program *prog;

	if (crs_prog_is_any(r->program))
		return true;
	prog = crs_fq_prog(q);
	if (!prog)
		return false;
	if (!strcmp(r->program, prog->path))
		return true;
	return q->b && idx < q->b->nrules && q->b->prog[idx].ino &&
	       q->b->prog[idx].ino == prog->ino &&
	       q->b->prog[idx].dev == prog->dev;
}

/**
 * crs_file_program_matches() - does @rule's program cover @prog?
 * @ctx: decision context (@rule belongs to ctx->p)
 * @rule: the rule
 * @prog: current's identity from crs_program_get(), or NULL
 *
 * Matches "*", the literal path, or the inode the rule's program resolves
 * to in the container. Context: inside crs_ctx_get()/crs_ctx_put().
 */
bool crs_file_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			      const struct crs_program *prog)
{
	struct crs_fq q = { .ctx = ctx, .prog = prog, .prog_done = true };
	struct crs_file_bound *b;

	if (ctx->p && ctx->p->file) {
		b = crs_bound(ctx->c);
		if (b && b->id == ctx->p->file->id)
			q.b = b;
	}
	return crs_prog_matches(&q, rule, rule - ctx->p->rules);
}

static void crs_fq_consider(struct crs_fq *q, const struct crs_fref *ref)
{
	const struct crs_rule *r = ref->rule;

	if (r->action == CRS_ACTION_DENY) {
		if (q->deny && q->deny_idx <= ref->idx)
			return;
		if (crs_prog_matches(q, r, ref->idx)) {
			q->deny = r;
			q->deny_idx = ref->idx;
		}
	} else {
		if (q->deny_only || (q->allow && q->allow_idx <= ref->idx))
			return;
		if (crs_prog_matches(q, r, ref->idx)) {
			q->allow = r;
			q->allow_idx = ref->idx;
		}
	}
}

static void crs_fset_match(struct crs_fq *q, const struct crs_fset *s,
			   const char *path)
{
	u32 mask = (1U << s->bits) - 1, len = strlen(path), i;
	const struct crs_fref *ref;
	struct crs_fkey *k;

	k = crs_fkey_find(s->exact, s->bits, path, len, crs_hash(path, len));
	if (k)
		for (ref = k->refs; ref; ref = ref->next)
			crs_fq_consider(q, ref);
	for (i = 0; s->nglob && i <= len; i++) {
		u32 hash;

		if (i && path[i - 1] != '/')
			continue;
		hash = crs_hash(path, i);
		hlist_for_each_entry(k, &s->glob[hash & mask], node) {
			if (k->hash != hash || k->len != i ||
			    memcmp(k->key, path, i))
				continue;
			for (ref = k->refs; ref; ref = ref->next)
				if (glob_match(ref->rule->file, path))
					crs_fq_consider(q, ref);
		}
	}
	for (ref = s->any; ref; ref = ref->next)
		crs_fq_consider(q, ref);
}

/*
 * A rule path through a symlink names a file whose path is under the
 * symlink's target: match @path again with that target (an alias's
 * canon) put back as the rule wrote it (its lit). DENY rules only: the
 * container controls its symlinks, and a link it made must not turn an
 * ALLOW rule onto a file (ln -s /etc /app/cache; cat /app/cache/shadow).
 */
static void crs_alias_match(struct crs_fq *q, const struct crs_fset *s,
			    const char *path)
{
	size_t len = strlen(path);
	char *alt;
	u32 i;

	for (i = 0; i < q->b->nalias; i++) {
		const struct crs_alias *a = &q->b->alias[i];

		if (len < a->canon_len || memcmp(path, a->canon, a->canon_len) ||
		    (path[a->canon_len] != '/' && path[a->canon_len] != '\0'))
			continue;
		if (a->lit_len + len - a->canon_len >= PATH_MAX)
			continue;
		alt = crs_path_buf(CRS_BUF_ALIAS);
		if (!alt)
			return;
		memcpy(alt, a->lit, a->lit_len);
		memcpy(alt + a->lit_len, path + a->canon_len,
		       len - a->canon_len + 1);
		q->deny_only = true;
		crs_fset_match(q, s, alt);
		q->deny_only = false;
	}
}

static void crs_exec_match_inode(struct crs_fq *q, const struct inode *inode)
{
	struct crs_ino key = { .ino = inode->i_ino, .dev = inode->i_sb->s_dev };
	u32 lo = 0, hi;

	if (!q->b)
		return;
	hi = q->b->nexec;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (crs_ino_cmp(&q->b->exec[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < q->b->nexec && q->b->exec[lo].dev == key.dev &&
	     q->b->exec[lo].ino == key.ino; lo++) {
		u32 idx = q->b->exec[lo].idx;
		struct crs_fref ref = { .rule = &q->ctx->p->rules[idx], .idx = idx };

		crs_fq_consider(q, &ref);
	}
}

/* Start a decision: fills @q; false when nothing is to be evaluated. */
static bool crs_fq_init(struct crs_fq *q, struct crs_ctx *ctx)
{
	struct crs_file_bound *b;

	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	if (!ctx->p || ctx->mode == CRS_MODE_INACTIVE || !ctx->p->file)
		return false;
	q->t = ctx->p->file;
	b = crs_bound(ctx->c);
	if (b && b->id == q->t->id)
		q->b = b;
	return true;
}

/**
 * crs_file_match() - the rule that decides one access of @kind to @path
 * @ctx: the current task's container context (crs_ctx_get())
 * @kind: CRS_FK_READ, CRS_FK_WRITE or CRS_FK_EXEC
 * @path: the path from the container's root, or NULL when the kernel
 *	cannot name it (denied while a rule of @kind exists, and counted)
 * @exe: for CRS_FK_EXEC, the executable's inode (exact Execution rules
 *	match it), else NULL
 * @rule: out: the deciding rule, or NULL when a default decides
 *
 * DENY beats ALLOW; with no rule matching, the policy's default action
 * for @kind (defaultFileAction, defaultExecuteAction) decides; with no
 * policy in force (none, INACTIVE, or no file rules and defaults) the
 * access is allowed.
 *
 * Context: process context, inside crs_ctx_get(); does not sleep.
 * Return: the action, enum crs_action.
 */
u8 crs_file_match(struct crs_ctx *ctx, int kind, const char *path,
		  const struct inode *exe, const struct crs_rule **rule)
{
	struct crs_fq q;
	u8 def = CRS_ACTION_ALLOW;

	*rule = NULL;
	if (ctx->p)
		def = ctx->p->def[kind == CRS_FK_EXEC ? CRS_DEF_EXECUTE :
							CRS_DEF_FILE];
	if (!crs_fq_init(&q, ctx))
		return CRS_ACTION_ALLOW;
	if (!path) {
		/*
		 * A name the kernel cannot give (deeper than PATH_MAX, or
		 * d_path() failed): any rule of this kind might have matched
		 * it, so it is denied as if one had; with no such rule only
		 * the default action could decide.
		 */
		if (!q.t->set[kind].nrules)
			return def;
		percpu_counter_inc(&crs_stats.unnamed);
		return CRS_ACTION_DENY;
	}
	crs_fset_match(&q, &q.t->set[kind], path);
	if (q.b && q.b->nalias)
		crs_alias_match(&q, &q.t->set[kind], path);
	if (kind == CRS_FK_EXEC && exe)
		crs_exec_match_inode(&q, exe);
	if (q.deny) {
		*rule = q.deny;
		return CRS_ACTION_DENY;
	}
	if (q.allow) {
		*rule = q.allow;
		return CRS_ACTION_ALLOW;
	}
	return def;
}

/**
 * crs_program_matches() - does @rule's program cover @program?
 * @ctx: decision context
 * @rule: the rule
 * @program: the program path: current's (from crs_program_current()), or
 *	another task's (a socket owner's, for packets); NULL if unknown
 *
 * For current's program the match is by path and, when the rule names a
 * symlink in the container's root, by the (device, inode) it resolves
 * to; for any other program by path.
 *
 * Context: any, inside crs_ctx_get().
 * Return: true for "*" rules, or when the program matches.
 */
bool crs_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			 const char *program)
{
	const struct crs_program *cur;

	if (!rule->program)
		return true;
	if (!program)
		return false;
	if (in_task()) {
		cur = crs_program_get(ctx);
		if (cur && cur->path == program)
			return crs_file_program_matches(ctx, rule, cur);
	}
	return !strcmp(rule->program, program);
}
