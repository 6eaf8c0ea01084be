// SPDX-License-Identifier: GPL-2.0
/*
 * crsnl: the strict JSON reader every input file goes through (policies,
 * bindings.json, seccomp profiles): json-c in strict mode, then a lint
 * pass over the text for what json-c takes silently.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/*
 * What json-c accepts without a word: a key given twice in one object
 * (the last one wins) and an integer beyond 64 bits (saturated). Both
 * would make the policy differ from what its reader sees, so a second
 * pass over the (already syntax-checked) text refuses them, naming the
 * place as "rules[3]" / "rules[3].file".
 */
#define LINT_DEPTH 32
#define LINT_KEYS 64

struct lint_level {
	bool object;
	long index;			/* arrays: the current element */
	const char *keys[LINT_KEYS];	/* objects: keys seen (into the text) */
	size_t klen[LINT_KEYS];
	unsigned int nkeys;
	const char *key;		/* objects: key of the current value */
	size_t key_len;
};

static void lint_where(struct lint_level *lv, int depth, char *buf,
		       size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i <= depth && o < len; i++) {
		if (lv[i].object && lv[i].key && i < depth)
			o += snprintf(buf + o, len - o, "%s%.*s", o ? "." : "",
				      (int)lv[i].key_len, lv[i].key);
		else if (!lv[i].object && i < depth)
			o += snprintf(buf + o, len - o, "[%ld]", lv[i].index);
	}
}

/*
 * Fill @err with "LABEL: WHERE<sep>MSG", WHERE the place at @depth
 * ("rules[3].file"; left out with @sep at the top level). Returns -1.
 */
static int lint_fail(struct lint_level *lv, int depth, const char *sep,
		     char *err, size_t errlen, const char *label,
		     const char *fmt, ...)
{
	char where[256], msg[4096];
	va_list ap;

	lint_where(lv, depth, where, sizeof(where));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s%s%s", label, where, *where ? sep : "",
		 msg);
	return -1;
}

/* Length of the JSON string starting at the quote s[0]. */
static size_t lint_string(const char *s)
{
	size_t i = 1;

	while (s[i] && s[i] != '"')
		i += s[i] == '\\' && s[i + 1] ? 2 : 1;
	return s[i] ? i + 1 : i;
}

static int json_lint(const char *label, const char *t, char *err,
		     size_t errlen)
{
	struct lint_level *lv = calloc(LINT_DEPTH, sizeof(*lv));
	int depth = -1, ret = 0;
	bool want_key = false;
	size_t i = 0, n;

	if (!lv) {
		snprintf(err, errlen, "%s: out of memory", label);
		return -1;
	}
	while (t[i] && !ret) {
		char c = t[i];

		if (c == '{' || c == '[') {
			if (++depth >= LINT_DEPTH) {
				snprintf(err, errlen, "%s: nested too deeply",
					 label);
				ret = -1;
				break;
			}
			memset(&lv[depth], 0, sizeof(lv[depth]));
			lv[depth].object = c == '{';
			want_key = c == '{';
			i++;
		} else if (c == '}' || c == ']') {
			depth--;
			want_key = false;
			i++;
		} else if (c == ',') {
			if (depth >= 0 && lv[depth].object)
				want_key = true;
			else if (depth >= 0)
				lv[depth].index++;
			i++;
		} else if (c == '"') {
			n = lint_string(t + i);
			if (want_key && depth >= 0) {
				struct lint_level *l = &lv[depth];
				unsigned int k;

				/*
				 * "polic\u0079" is "policy" to json-c: compared
				 * as text it would pass as another field
				 */
				if (memchr(t + i + 1, '\\', n - 2)) {
					ret = lint_fail(lv, depth, ": ", err, errlen, label,
							"field name \"%.*s\" has an escape: write it plainly",
							(int)(n - 2), t + i + 1);
					break;
				}
				if (l->nkeys == LINT_KEYS) {
					ret = lint_fail(lv, depth, ": ", err, errlen, label,
							"more than %d fields", LINT_KEYS);
					break;
				}
				for (k = 0; k < l->nkeys; k++) {
					if (l->klen[k] == n - 2 &&
					    !memcmp(l->keys[k], t + i + 1, n - 2))
						break;
				}
				if (k < l->nkeys) {
					ret = lint_fail(lv, depth, ": ", err, errlen, label,
							"duplicate field \"%.*s\"",
							(int)(n - 2), t + i + 1);
					break;
				}
				l->keys[l->nkeys] = t + i + 1;
				l->klen[l->nkeys++] = n - 2;
				l->key = t + i + 1;
				l->key_len = n - 2;
				want_key = false;
			}
			i += n;
		} else if (c == '-' || isdigit((unsigned char)c)) {
			size_t j = i + (c == '-');
			bool integer = true;

			while (isdigit((unsigned char)t[j]))
				j++;
			if (t[j] == '.' || t[j] == 'e' || t[j] == 'E')
				integer = false;
			if (integer) {
				char num[32];

				errno = 0;
				if (j - i < sizeof(num)) {
					memcpy(num, t + i, j - i);
					num[j - i] = '\0';
					if (c == '-')
						(void)strtoll(num, NULL, 10);
					else
						(void)strtoull(num, NULL, 10);
				} else {
					errno = ERANGE;
				}
				if (errno == ERANGE) {
					ret = lint_fail(lv, depth + 1, " ", err, errlen,
							label, "%.*s: number out of range",
							(int)(j - i > 40 ? 40 : j - i), t + i);
					break;
				}
			}
			while (t[j] && !strchr(",]} \t\r\n", t[j]))
				j++;
			i = j;
		} else {
			i++;
		}
	}
	free(lv);
	return ret;
}

struct json_object *crs_json_parse_strict(const char *label,
					  const char *json, char *err,
					  size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t len = strlen(json);

	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", label);
		return NULL;
	}
	/* strict: no trailing commas, comments or bad UTF-8 (trailing
	 * text is reported below, with its line) */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS |
				    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) < len) {
		size_t off = json_tokener_get_parse_end(tok), i;
		unsigned int line = 1;

		if (root && jerr == json_tokener_success) {
			/* Trailing text: only whitespace may follow. */
			for (i = off; i < len && isspace((unsigned char)json[i]); i++)
				;
			if (i == len)
				goto parsed;
			off = i;
		}
		for (i = 0; i < off && i < len; i++)
			line += json[i] == '\n';
		snprintf(err, errlen, "%s: line %u: invalid JSON: %s", label,
			 line, !root && jerr == json_tokener_continue ?
			 "unexpected end of file" :
			 jerr == json_tokener_success ? "trailing text" :
			 json_tokener_error_desc(jerr));
		json_object_put(root);
		json_tokener_free(tok);
		return NULL;
	}
parsed:
	json_tokener_free(tok);
	if (json_lint(label, json, err, errlen)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}
