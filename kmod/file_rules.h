/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: READ, WRITE and Execution rules, compiled (file_rules.c) and
 * resolved in a container's root (file_bind.c): the types both share
 * with the hooks (file.c), and the matcher.
 */
#ifndef _CRS_FILE_RULES_H
#define _CRS_FILE_RULES_H

#include <linux/list.h>
#include <linux/types.h>

#include "crs.h"

struct crs_ctx;
struct crs_rule;
struct crs_program;
struct crs_container;
struct crs_policy_slot;
struct pid_namespace;

bool crs_file_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			      const struct crs_program *prog);

/* ---------------------------------------------------------------------- */
/* Shared by file.c (paths, hooks), file_rules.c and file_bind.c only. */

enum crs_fkind {
	CRS_FK_READ,
	CRS_FK_WRITE,
	CRS_FK_EXEC,
	__CRS_FK_MAX
};

/* A rule in a bucket; chains keep ascending rule order. */
struct crs_fref {
	struct crs_fref *next;
	const struct crs_rule *rule;
	u32 idx;
};

/* A hash bucket entry: an exact path or a glob prefix. */
struct crs_fkey {
	struct hlist_node node;
	u32 hash;
	u32 len;
	const char *key;		/* not NUL-terminated at @len for globs */
	struct crs_fref *refs;
	struct crs_fref **tail;
};

struct crs_fset {
	struct hlist_head *exact;
	struct hlist_head *glob;
	u32 bits;
	u32 nglob;
	u32 nrules;			/* active rules of this kind */
	struct crs_fref *any;		/* Execution rules without a file */
	struct crs_fref **any_tail;
};

struct crs_file_table {
	u64 id;				/* unique per compiled policy */
	bool need_resolve;		/* rules name programs or files */
	unsigned long resolve_after;	/* jiffies: lazy resolution rate limit */
	struct crs_fset set[__CRS_FK_MAX];
	struct crs_fkey *keys;
	struct crs_fref *refs;
	struct hlist_head *heads;
};

/* What crs_file_bind() resolved for one container and compiled policy. */
struct crs_ino {
	unsigned long ino;		/* 0: not resolved */
	dev_t dev;
	u32 idx;			/* rule index (exec[] only) */
};

/*
 * A rule path through a symlink: the file it names is reached, and so
 * judged, under its real path @canon; a path under @canon is matched
 * again with @canon replaced by the rule's @lit (crs_alias_match()).
 */
struct crs_alias {
	char *canon;
	char *lit;
	u32 canon_len;
	u32 lit_len;
};

struct crs_file_bound {
	struct rcu_head rcu;
	u64 id;				/* crs_file_table.id */
	int gen;			/* crs_container.resolve_gen it was made at */
	unsigned long when;		/* jiffies it was made */
	u32 nrules;
	u32 nexec;
	struct crs_ino *prog;		/* [nrules] or NULL */
	struct crs_ino *exec;		/* [nexec], sorted by dev, ino */
	u32 nalias;
	struct crs_alias *alias;	/* [nalias] */
};

/*
 * Execution rules are execve/execveat SYSCALL rules with a file. Those
 * without one are syscall.c's, decided at the syscall dispatch with their
 * argument constraints; only a plain ALLOW among them (no arguments) is
 * also taken here, as "every executable", so that it can override a
 * defaultExecuteAction of DENY.
 */
static inline int crs_rule_kind(const struct crs_rule *r)
{
	if (r->type == CRS_RULE_READ)
		return CRS_FK_READ;
	if (r->type == CRS_RULE_WRITE)
		return CRS_FK_WRITE;
	if (!crs_rule_is_exec(r))
		return -1;
	if (r->file || (r->action == CRS_ACTION_ALLOW && !r->nargs))
		return CRS_FK_EXEC;
	return -1;
}

static inline bool crs_prog_is_any(const char *prog)
{
	return !prog || !strcmp(prog, "*");
}

static inline struct crs_file_bound *crs_bound(struct crs_container *c)
{
	/* pairs with the release in crs_bind_commit(): b is fully built */
	return smp_load_acquire((struct crs_file_bound **)&c->file_priv);
}

/*
 * Names are resolved again once the container's root is taken (its
 * resolve_gen moved) and at most every CRS_RESOLVE_AGE while the
 * container makes decisions, so a rule that names a file replaced since
 * (a new /bin/sh, a rotated secret) follows it. The container cannot use
 * this to drop a binding: renaming or removing a symlink or directory a
 * DENY rule's path goes through is denied (crs_decide_subtree()).
 */
#define CRS_RESOLVE_AGE (5 * HZ)

static inline bool crs_bound_fresh(const struct crs_file_bound *b,
				   struct crs_container *c)
{
	return b->gen == atomic_read(&c->resolve_gen) &&
	       time_before(jiffies, b->when + CRS_RESOLVE_AGE);
}

static inline int crs_ino_cmp(const void *a, const void *b)
{
	const struct crs_ino *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* file_rules.c: a policy's READ, WRITE and Execution rules compiled */
int crs_file_compile(struct crs_policy *p, struct netlink_ext_ack *extack);
void crs_file_free(struct crs_policy *p);
u32 crs_glob_prefix(const char *s, bool *is_glob);
/* whether @rule's program covers @program (current's, or a socket owner's) */
bool crs_program_matches(struct crs_ctx *ctx, const struct crs_rule *rule,
			 const char *program);
u8 crs_file_match(struct crs_ctx *ctx, int kind, const char *path,
		  const struct inode *exe, const struct crs_rule **rule);

#endif /* _CRS_FILE_RULES_H */
