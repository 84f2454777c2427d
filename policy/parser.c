/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy parser: one statement per line (see policy/DESIGN.md for the
 * grammar). A recursive-descent parser over the token stream that writes
 * straight into a struct mg_policy what the author wrote: sets with their
 * elements, L2 statements, ip rules, mms rules, defaults. Names are looked
 * up here (services, classes, EtherTypes) so an error points at the word;
 * cross-statement checks (undefined sets, shadowing) are check.c's job.
 * After an error the rest of the statement is skipped and parsing goes on,
 * so one run reports every broken line.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

struct ps {
	struct mg_policy *p;
	struct mg_pol_lexer lx;
	struct mg_pol_token tok;
	struct mg_diags *d;
	int depth;
	const char *file;
	bool failed;
	struct mg_pol_loc stmt; /* where the current statement starts */
};

static const char *const stmt_keywords[] = {"mode", "fragments", "include", "set", "l2",
                                            "ip",   "mms",       "anomaly", "control", NULL};
static const char *const mms_clause_keywords[] = {
	"from",    "to",      "service", "class",  "object", "log",     "name",  "services",
	"classes", "objects", "ctlval",  "check",  "test",   "origin",  "require", "value",
	NULL};

static void next(struct ps *ps)
{
	mg_pol_lex(&ps->lx, &ps->tok);
}

static const char *tok_text(const struct mg_pol_token *t)
{
	if (t->type == MG_TOK_WORD || t->type == MG_TOK_STRING || t->type == MG_TOK_SETREF ||
	    t->type == MG_TOK_ERROR)
		return t->text;
	switch (t->type) {
	case MG_TOK_LBRACE: return "{";
	case MG_TOK_RBRACE: return "}";
	case MG_TOK_COMMA: return ",";
	case MG_TOK_EQUAL: return "=";
	case MG_TOK_NL: return "\\n";
	default: return "";
	}
}

static void __attribute__((format(printf, 3, 4)))
err(struct ps *ps, const struct mg_pol_token *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A lexical error was already reported by the lexer. */
	if (t->type != MG_TOK_ERROR)
		mg_pol_diag(ps->d, MG_DIAG_ERROR, t->loc, tok_text(t), "%s", msg);
	ps->failed = true;
}

static void __attribute__((format(printf, 3, 4)))
warn(struct ps *ps, const struct mg_pol_token *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mg_pol_diag(ps->d, MG_DIAG_WARNING, t->loc, tok_text(t), "%s", msg);
}

/* "expected X, found 'y'" */
static void expected(struct ps *ps, const char *what)
{
	const struct mg_pol_token *t = &ps->tok;
	if (t->type == MG_TOK_NL || t->type == MG_TOK_EOF)
		err(ps, t, "expected %s at %s", what, mg_pol_tok_str(t->type));
	else
		err(ps, t, "expected %s, found '%s'", what, tok_text(t));
}

/* "expected 'a' or 'b', found 'x'; did you mean 'a'?" */
static void expected_one_of(struct ps *ps, const char *what, const char *const *choices)
{
	const struct mg_pol_token *t = &ps->tok;
	const char *s = t->type == MG_TOK_WORD ? mg_pol_suggest_keyword(t->text, choices) : NULL;
	if (s)
		err(ps, t, "expected %s, found '%s'; did you mean '%s'?", what, t->text, s);
	else
		expected(ps, what);
}

static bool is_word(const struct ps *ps, const char *w)
{
	return ps->tok.type == MG_TOK_WORD && !strcmp(ps->tok.text, w);
}

static bool at_end(const struct ps *ps)
{
	return ps->tok.type == MG_TOK_NL || ps->tok.type == MG_TOK_EOF;
}

/* Skip to the end of the current statement (newlines inside braces are
 * already swallowed by the lexer). */
static void skip_stmt(struct ps *ps)
{
	while (!at_end(ps))
		next(ps);
	ps->lx.brace_depth = 0;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!*s)
		return false;
	errno = 0;
	char *end;
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	if (base == 16 && !s[2])
		return false;
	for (const char *q = s + (base == 16 ? 2 : 0); *q; q++)
		if (base == 10 ? (*q < '0' || *q > '9')
		               : !((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') ||
		                   (*q >= 'A' && *q <= 'F')))
			return false;
	unsigned long v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* "N" or "N-M" */
static bool parse_range(const char *s, unsigned long max, unsigned long *lo, unsigned long *hi)
{
	const char *dash = strchr(s, '-');
	if (!dash)
		return parse_uint(s, max, lo) && (*hi = *lo, true);
	char a[32];
	size_t n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = 0;
	return parse_uint(a, max, lo) && parse_uint(dash + 1, max, hi) && *lo <= *hi;
}

/* ---- sets ---------------------------------------------------------------- */

static bool valid_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int new_set(struct ps *ps, const char *name, bool anon, struct mg_pol_loc loc,
                   const struct mg_pol_token *t)
{
	struct mg_policy *p = ps->p;
	if (p->n_sets >= MG_POLICY_MAX_SETS) {
		err(ps, t, "too many sets (at most %d, inline sets included)", MG_POLICY_MAX_SETS);
		return -1;
	}
	struct mg_pol_set *v = mg_pol_grow(p->sets, &p->cap_sets, p->n_sets + 1, sizeof(*v));
	if (!v) {
		err(ps, t, "out of memory");
		return -1;
	}
	p->sets = v;
	struct mg_pol_set *s = &p->sets[p->n_sets];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->anon = anon;
	s->loc = loc;
	if (!s->name) {
		err(ps, t, "out of memory");
		return -1;
	}
	return (int)p->n_sets++;
}

/* A reference @name: the set, or an undefined placeholder check.c reports. */
static int set_ref(struct ps *ps, const struct mg_pol_token *t)
{
	int i = mg_pol_set_find(ps->p, t->text);
	if (i < 0)
		i = new_set(ps, t->text, false, t->loc, t);
	if (i >= 0)
		ps->p->sets[i].used = true;
	return i;
}

static bool add_elem(struct ps *ps, int set, const struct mg_pol_elem *e,
                     const struct mg_pol_token *t)
{
	struct mg_pol_set *s = &ps->p->sets[set];
	struct mg_pol_elem *v = mg_pol_grow(s->elem, &s->cap_elem, s->n_elem + 1, sizeof(*v));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	s->elem = v;
	s->elem[s->n_elem++] = *e;
	return true;
}

static bool parse_elem(struct ps *ps, int set)
{
	struct mg_pol_elem e;
	memset(&e, 0, sizeof(e));
	e.loc = ps->tok.loc;
	if (ps->tok.type == MG_TOK_SETREF) {
		int r = set_ref(ps, &ps->tok);
		if (r < 0)
			return false;
		if (r == set) {
			err(ps, &ps->tok, "set '%s' refers to itself", ps->tok.text);
			return false;
		}
		e.is_ref = true;
		e.ref = (uint16_t)r;
	} else if (ps->tok.type == MG_TOK_WORD) {
		bool host_bits;
		if (!mg_pol_parse_prefix(ps->tok.text, &e.addr, &e.plen, &host_bits)) {
			if (valid_name(ps->tok.text))
				err(ps, &ps->tok,
				    "invalid address '%s' (a set is referenced as '@%s')",
				    ps->tok.text, ps->tok.text);
			else
				err(ps, &ps->tok, "invalid address or prefix '%s'", ps->tok.text);
			return false;
		}
		if (host_bits) {
			char buf[64];
			mg_pol_format_prefix(&e.addr, e.plen, buf, sizeof(buf));
			warn(ps, &ps->tok, "prefix '%s' has host bits set; using %s", ps->tok.text,
			     buf);
		}
	} else {
		expected(ps, "an address, a prefix or a @set");
		return false;
	}
	if (!add_elem(ps, set, &e, &ps->tok))
		return false;
	next(ps);
	return true;
}

/* { elem [,] elem … } with the current token on '{'. */
static bool parse_set_body(struct ps *ps, int set)
{
	if (ps->tok.type != MG_TOK_LBRACE) {
		expected(ps, "'{'");
		return false;
	}
	next(ps);
	while (ps->tok.type != MG_TOK_RBRACE) {
		if (ps->tok.type == MG_TOK_EOF) {
			err(ps, &ps->tok, "missing '}' at end of file");
			return false;
		}
		if (ps->tok.type == MG_TOK_COMMA) {
			next(ps);
			continue;
		}
		if (!parse_elem(ps, set))
			return false;
	}
	next(ps);
	return true;
}

static void stmt_set(struct ps *ps)
{
	struct mg_pol_token name = ps->tok;
	if (name.type != MG_TOK_WORD) {
		expected(ps, "a set name");
		return;
	}
	if (!valid_name(name.text) || !strcmp(name.text, "any")) {
		err(ps, &name, "invalid set name '%s' (letters, digits, '_' and '-')", name.text);
		return;
	}
	if (strlen(name.text) > MG_POL_NAME_MAX) {
		err(ps, &name, "set name longer than %d characters", MG_POL_NAME_MAX);
		return;
	}
	int i = mg_pol_set_find(ps->p, name.text);
	if (i >= 0 && ps->p->sets[i].defined) {
		err(ps, &name, "set '%s' is already defined at line %u", name.text,
		    ps->p->sets[i].loc.line);
		return;
	}
	if (i < 0)
		i = new_set(ps, name.text, false, name.loc, &name);
	if (i < 0)
		return;
	ps->p->sets[i].defined = true;
	ps->p->sets[i].loc = name.loc;
	next(ps);
	if (ps->tok.type == MG_TOK_EQUAL)
		next(ps);
	parse_set_body(ps, i);
}

/* Inline sets count against MG_POLICY_MAX_SETS: an inline set equal to an
 * earlier one (same elements, same order) reuses it, so many rules naming
 * the same host do not exhaust the limit. */
static uint16_t dedup_anon(struct mg_policy *p, uint16_t i)
{
	if (i + 1u != p->n_sets)
		return i;
	struct mg_pol_set *s = &p->sets[i];
	for (uint16_t j = 0; j < i; j++) {
		const struct mg_pol_set *o = &p->sets[j];
		if (!o->anon || o->n_elem != s->n_elem)
			continue;
		bool same = true;
		for (size_t e = 0; e < s->n_elem && same; e++) {
			const struct mg_pol_elem *a = &s->elem[e], *b = &o->elem[e];
			same = a->is_ref == b->is_ref &&
			       (a->is_ref ? a->ref == b->ref
			                  : a->plen == b->plen &&
			                        !memcmp(&a->addr, &b->addr, sizeof(a->addr)));
		}
		if (!same)
			continue;
		free(s->name);
		free(s->elem);
		p->n_sets--;
		return j;
	}
	return i;
}

/* from/to operand: any | @set | { … } | address */
static bool parse_addr_spec(struct ps *ps, uint16_t *out)
{
	struct mg_pol_token t = ps->tok;
	if (is_word(ps, "any")) {
		*out = MG_POL_SET_ANY;
		next(ps);
		return true;
	}
	if (t.type == MG_TOK_SETREF) {
		int i = set_ref(ps, &t);
		if (i < 0)
			return false;
		*out = (uint16_t)i;
		next(ps);
		return true;
	}
	if (t.type == MG_TOK_LBRACE || t.type == MG_TOK_WORD) {
		char name[48];
		snprintf(name, sizeof(name), "{%u:%u}", t.loc.line, t.loc.col);
		int i = new_set(ps, name, true, t.loc, &t);
		if (i < 0)
			return false;
		ps->p->sets[i].defined = true;
		ps->p->sets[i].used = true;
		*out = (uint16_t)i;
		bool ok = t.type == MG_TOK_LBRACE ? parse_set_body(ps, i) : parse_elem(ps, i);
		if (ok)
			*out = dedup_anon(ps->p, (uint16_t)i);
		return ok;
	}
	expected(ps, "'any', a @set, an address or '{'");
	return false;
}

/* ---- lists --------------------------------------------------------------- */

typedef bool (*item_fn)(struct ps *ps, const struct mg_pol_token *t, void *ctx);

/* item [, item …] or { item [,] item … }; items are words (or strings when
 * allowed). Leaves the current token after the list. */
static bool parse_list(struct ps *ps, const char *what, bool strings, item_fn fn, void *ctx)
{
	bool braces = ps->tok.type == MG_TOK_LBRACE;
	if (braces)
		next(ps);
	bool any = false;
	for (;;) {
		if (braces && ps->tok.type == MG_TOK_RBRACE) {
			next(ps);
			break;
		}
		if (braces && ps->tok.type == MG_TOK_COMMA) {
			next(ps);
			continue;
		}
		if (ps->tok.type == MG_TOK_WORD || (strings && ps->tok.type == MG_TOK_STRING)) {
			struct mg_pol_token t = ps->tok;
			if (!fn(ps, &t, ctx))
				return false;
			any = true;
			next(ps);
			if (!braces) {
				if (ps->tok.type != MG_TOK_COMMA)
					break;
				next(ps);
			}
			continue;
		}
		if (ps->tok.type == MG_TOK_EOF && braces) {
			err(ps, &ps->tok, "missing '}' at end of file");
			return false;
		}
		expected(ps, what);
		return false;
	}
	if (!any) {
		expected(ps, what);
		return false;
	}
	return true;
}

/* ---- simple statements ---------------------------------------------------- */

static void stmt_mode(struct ps *ps)
{
	if (is_word(ps, "enforce") || is_word(ps, "monitor")) {
		if (ps->p->mode_set)
			warn(ps, &ps->tok, "mode set more than once; the last one counts");
		ps->p->mode = is_word(ps, "enforce") ? MG_MODE_ENFORCE : MG_MODE_MONITOR;
		ps->p->mode_set = true;
		next(ps);
		return;
	}
	static const char *const c[] = {"enforce", "monitor", NULL};
	expected_one_of(ps, "'enforce' or 'monitor'", c);
}

static void stmt_fragments(struct ps *ps)
{
	if (is_word(ps, "allow") || is_word(ps, "drop")) {
		ps->p->allow_fragments = is_word(ps, "allow");
		next(ps);
		return;
	}
	expected(ps, "'allow' or 'drop'");
}

static void stmt_anomaly(struct ps *ps)
{
	struct mg_pol_token name = ps->tok;
	if (name.type != MG_TOK_WORD) {
		expected(ps, "an anomaly name or 'all'");
		return;
	}
	int r = -2;
	if (strcmp(name.text, "all")) {
		r = mg_pol_anomaly_lookup(name.text);
		if (r < 0) {
			const char *cand[MG_R__COUNT];
			size_t n = 0;
			for (int i = 1; i < MG_R__COUNT; i++)
				cand[n++] = mg_reason_str((enum mg_reason)i);
			char buf[96];
			size_t l = strlen(name.text);
			if (l >= sizeof(buf))
				l = sizeof(buf) - 1;
			for (size_t i = 0; i < l; i++)
				buf[i] = name.text[i] == '-' ? '_' : name.text[i];
			buf[l] = 0;
			const char *s = mg_pol_suggest(buf, cand, n);
			if (s)
				err(ps, &name, "unknown anomaly '%s'; did you mean '%s'?",
				    name.text, s);
			else
				err(ps, &name, "unknown anomaly '%s'", name.text);
			return;
		}
	}
	next(ps);
	int a = ps->tok.type == MG_TOK_WORD ? mg_pol_action_lookup(ps->tok.text) : -1;
	if (a < 0) {
		expected(ps, "'allow', 'deny' or 'alert'");
		return;
	}
	next(ps);
	if (r == -2) {
		for (int i = 1; i < MG_R__COUNT; i++) {
			ps->p->anomaly[i] = (uint8_t)a;
			ps->p->anomaly_set[i] = true;
		}
	} else {
		ps->p->anomaly[r] = (uint8_t)a;
		ps->p->anomaly_set[r] = true;
	}
}

/* ---- l2 ------------------------------------------------------------------- */

struct l2_ctx {
	uint16_t et[32];
	size_t n_et;
	struct mg_pol_l2_stmt st;
	size_t cap_range, cap_appid, cap_mac;
};

static bool l2_et_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct l2_ctx *c = vctx;
	int et = mg_pol_ethertype_lookup(t->text);
	if (et < 0) {
		unsigned long v;
		if (parse_uint(t->text, 0xFFFF, &v) && v >= 0x0600) {
			et = (int)v;
		} else {
			const char *s = mg_pol_suggest_ethertype(t->text);
			if (s)
				err(ps, t, "unknown EtherType '%s'; did you mean '%s'?", t->text,
				    s);
			else
				err(ps, t,
				    "unknown EtherType '%s' (a name such as goose, sv, arp, or a "
				    "number >= 0x0600)",
				    t->text);
			return true;
		}
	}
	if (c->n_et >= sizeof(c->et) / sizeof(c->et[0])) {
		err(ps, t, "too many EtherTypes in one statement");
		return false;
	}
	c->et[c->n_et++] = (uint16_t)et;
	return true;
}

static bool l2_add_range(struct ps *ps, struct l2_ctx *c, uint16_t lo, uint16_t hi,
                         const struct mg_pol_token *t)
{
	void *v =
	    mg_pol_grow(c->st.range, &c->cap_range, c->st.n_range + 1, sizeof(c->st.range[0]));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	c->st.range = v;
	c->st.range[c->st.n_range].lo = lo;
	c->st.range[c->st.n_range].hi = hi;
	c->st.n_range++;
	return true;
}

static bool l2_vlan_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct l2_ctx *c = vctx;
	if (!strcmp(t->text, "untagged"))
		return l2_add_range(ps, c, MG_VID_UNTAGGED, MG_VID_UNTAGGED, t);
	if (!strcmp(t->text, "priority-tagged"))
		return l2_add_range(ps, c, 0, 0, t);
	if (!strcmp(t->text, "any")) {
		c->st.any_vlan = true;
		return true;
	}
	unsigned long lo, hi;
	if (!parse_range(t->text, 4095, &lo, &hi)) {
		err(ps, t,
		    "invalid VLAN '%s' (an id 0-4095, a range such as 100-101, 'untagged', "
		    "'priority-tagged' or 'any')",
		    t->text);
		return false;
	}
	return l2_add_range(ps, c, (uint16_t)lo, (uint16_t)hi, t);
}

static bool l2_appid_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct l2_ctx *c = vctx;
	unsigned long lo, hi;
	if (!parse_range(t->text, 0xFFFF, &lo, &hi)) {
		err(ps, t, "invalid APPID '%s' (a number 0-0xffff or a range such as 0x3000-0x30ff)",
		    t->text);
		return false;
	}
	void *v = mg_pol_grow(c->st.appid, &c->cap_appid, c->st.n_appid + 1, sizeof(c->st.appid[0]));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	c->st.appid = v;
	c->st.appid[c->st.n_appid].lo = (uint16_t)lo;
	c->st.appid[c->st.n_appid].hi = (uint16_t)hi;
	c->st.n_appid++;
	return true;
}

/* "01:0c:cd:01:00:01": six colon-separated two-digit hex octets. */
static bool parse_mac(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n != 17)
		return false;
	for (size_t i = 0; i < 6; i++) {
		const char *q = s + 3 * i;
		if (!isxdigit((unsigned char)q[0]) || !isxdigit((unsigned char)q[1]) ||
		    (i < 5 && q[2] != ':'))
			return false;
		char h[3] = {q[0], q[1], 0};
		v = v << 8 | strtoul(h, NULL, 16);
	}
	*out = v;
	return true;
}

static bool l2_mac_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct l2_ctx *c = vctx;
	const char *dash = strchr(t->text, '-');
	uint64_t lo, hi;
	bool ok = dash ? parse_mac(t->text, (size_t)(dash - t->text), &lo) &&
	                     parse_mac(dash + 1, strlen(dash + 1), &hi) && lo <= hi
	               : parse_mac(t->text, t->len, &lo) && (hi = lo, true);
	if (!ok) {
		err(ps, t,
		    "invalid MAC address '%s' (six hex octets such as 01:0c:cd:01:00:01, or a "
		    "range lo-hi)",
		    t->text);
		return false;
	}
	void *v = mg_pol_grow(c->st.mac, &c->cap_mac, c->st.n_mac + 1, sizeof(c->st.mac[0]));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	c->st.mac = v;
	c->st.mac[c->st.n_mac].lo = lo;
	c->st.mac[c->st.n_mac].hi = hi;
	c->st.n_mac++;
	return true;
}

static void *dup_array(const void *a, size_t n, size_t elem)
{
	if (!n)
		return NULL;
	void *v = malloc(n * elem);
	if (v)
		memcpy(v, a, n * elem);
	return v;
}

static void stmt_l2(struct ps *ps)
{
	struct mg_policy *p = ps->p;
	if (is_word(ps, "default")) {
		next(ps);
		if (is_word(ps, "drop") || is_word(ps, "pass")) {
			p->l2_default = is_word(ps, "pass") ? MG_L2_PASS : MG_L2_DROP;
			next(ps);
			return;
		}
		expected(ps, "'drop' or 'pass'");
		return;
	}
	if (!is_word(ps, "pass")) {
		expected(ps, "'pass' or 'default'");
		return;
	}
	uint32_t line = ps->stmt.line;
	next(ps);
	struct l2_ctx c;
	memset(&c, 0, sizeof(c));
	if (!parse_list(ps, "an EtherType", false, l2_et_item, &c))
		goto out;
	bool seen_vlan = false, seen_appid = false, seen_dst = false;
	struct mg_pol_token appid_tok = {0}, dst_tok = {0};
	for (;;) {
		if (is_word(ps, "vlan") || is_word(ps, "vlans")) {
			if (seen_vlan) {
				err(ps, &ps->tok, "'vlan' given twice");
				goto out;
			}
			seen_vlan = true;
			next(ps);
			if (!parse_list(ps, "a VLAN id, range, 'untagged' or 'priority-tagged'",
			                false, l2_vlan_item, &c))
				goto out;
		} else if (is_word(ps, "appid")) {
			if (seen_appid) {
				err(ps, &ps->tok, "'appid' given twice");
				goto out;
			}
			seen_appid = true;
			appid_tok = ps->tok;
			next(ps);
			if (!parse_list(ps, "an APPID or APPID range", false, l2_appid_item, &c))
				goto out;
		} else if (is_word(ps, "dst")) {
			if (seen_dst) {
				err(ps, &ps->tok, "'dst' given twice");
				goto out;
			}
			seen_dst = true;
			dst_tok = ps->tok;
			next(ps);
			if (!parse_list(ps, "a MAC address or range", false, l2_mac_item, &c))
				goto out;
		} else {
			break;
		}
	}
	if (!seen_vlan)
		c.st.any_vlan = true;
	for (size_t i = 0; i < c.n_et && !ps->failed; i++) {
		bool ip = c.et[i] == 0x0800 || c.et[i] == 0x86DD;
		if (seen_appid && !mg_policy_has_appid(c.et[i]))
			err(ps, &appid_tok,
			    "'appid' applies only to goose, gse and sv (EtherType 0x%04x has no "
			    "APPID)",
			    c.et[i]);
		else if (seen_dst && ip)
			err(ps, &dst_tok,
			    "'dst' does not apply to ipv4/ipv6 (they go to the L3/L4 rules)");
	}
	if (ps->failed)
		goto out;
	if (c.st.any_vlan) {
		c.st.n_range = 0;
	}
	for (size_t i = 0; i < c.n_et; i++) {
		struct mg_pol_l2_stmt *v = mg_pol_grow(p->l2, &p->cap_l2, p->n_l2 + 1, sizeof(*v));
		if (!v) {
			err(ps, &ps->tok, "out of memory");
			goto out;
		}
		p->l2 = v;
		struct mg_pol_l2_stmt *s = &p->l2[p->n_l2];
		*s = c.st;
		s->ethertype = c.et[i];
		s->line = line;
		s->verdict = (c.et[i] == 0x0800 || c.et[i] == 0x86DD) ? MG_L2_IP : MG_L2_PASS;
		s->range = NULL;
		if (c.st.n_range) {
			s->range = malloc(c.st.n_range * sizeof(s->range[0]));
			if (!s->range) {
				err(ps, &ps->tok, "out of memory");
				goto out;
			}
			memcpy(s->range, c.st.range, c.st.n_range * sizeof(s->range[0]));
		}
		s->appid = dup_array(c.st.appid, c.st.n_appid, sizeof(c.st.appid[0]));
		s->mac = dup_array(c.st.mac, c.st.n_mac, sizeof(c.st.mac[0]));
		if ((c.st.n_appid && !s->appid) || (c.st.n_mac && !s->mac)) {
			free(s->appid);
			free(s->mac);
			free(s->range);
			err(ps, &ps->tok, "out of memory");
			goto out;
		}
		p->n_l2++;
	}
out:
	free(c.st.range);
	free(c.st.appid);
	free(c.st.mac);
}

/* ---- ip ------------------------------------------------------------------- */

struct port_ctx {
	struct {
		uint16_t lo, hi;
	} r[64];
	size_t n;
};

static bool port_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct port_ctx *c = vctx;
	unsigned long lo, hi;
	if (!parse_range(t->text, 65535, &lo, &hi)) {
		err(ps, t, "invalid port '%s' (a number 0-65535 or a range such as 319-320)",
		    t->text);
		return false;
	}
	if (c->n >= 64) {
		err(ps, t, "too many port ranges in one rule");
		return false;
	}
	c->r[c->n].lo = (uint16_t)lo;
	c->r[c->n].hi = (uint16_t)hi;
	c->n++;
	return true;
}

static bool is_port_word(const struct ps *ps)
{
	return ps->tok.type == MG_TOK_WORD && ps->tok.text[0] >= '0' && ps->tok.text[0] <= '9';
}

static void stmt_ip(struct ps *ps)
{
	struct mg_policy *p = ps->p;
	if (is_word(ps, "default")) {
		next(ps);
		if (is_word(ps, "allow") || is_word(ps, "deny")) {
			p->ip_default = is_word(ps, "allow") ? MG_ACT_ALLOW : MG_ACT_DENY;
			if (p->ip_default == MG_ACT_ALLOW)
				warn(ps, &ps->tok,
				     "'ip default allow' lets every IP service through (MMS on "
				     "TCP/102 is still inspected)");
			next(ps);
			return;
		}
		expected(ps, "'allow' or 'deny'");
		return;
	}
	struct mg_pol_irule r;
	memset(&r, 0, sizeof(r));
	r.loc = ps->stmt;
	r.line = ps->stmt.line;
	if (is_word(ps, "allow"))
		r.action = MG_ACT_ALLOW;
	else if (is_word(ps, "deny"))
		r.action = MG_ACT_DENY;
	else {
		expected(ps, "'allow', 'deny' or 'default'");
		return;
	}
	next(ps);
	struct port_ctx pc;
	memset(&pc, 0, sizeof(pc));
	struct mg_pol_token svc = ps->tok;
	if (svc.type != MG_TOK_WORD) {
		expected(ps, "a service (mms, tls, ntp, ptp, tcp, udp, icmp or any)");
		return;
	}
	next(ps);
	if (!strcmp(svc.text, "mms")) {
		r.svc = MG_IPSVC_MMS;
	} else if (!strcmp(svc.text, "tls")) {
		r.svc = MG_IPSVC_TLS;
	} else if (!strcmp(svc.text, "ntp") || !strcmp(svc.text, "sntp")) {
		r.svc = MG_IPSVC_NTP;
	} else if (!strcmp(svc.text, "ptp")) {
		r.svc = MG_IPSVC_PTP;
	} else if (!strcmp(svc.text, "any")) {
		r.svc = MG_IPSVC_ANY;
	} else if (!strcmp(svc.text, "tcp") || !strcmp(svc.text, "udp")) {
		r.svc = !strcmp(svc.text, "tcp") ? MG_IPSVC_TCP : MG_IPSVC_UDP;
		if (is_word(ps, "port"))
			next(ps);
		if (is_port_word(ps) && !parse_list(ps, "a port", false, port_item, &pc))
			return;
	} else if (!strcmp(svc.text, "icmp")) {
		r.svc = MG_IPSVC_ICMP;
		if (is_word(ps, "nd")) { /* ICMPv6 types 133-137: IPv6 needs them */
			r.nd = true;
			next(ps);
		} else if (is_word(ps, "echo")) {
			r.echo = true;
			next(ps);
		}
	} else {
		static const char *const svcs[] = {"mms", "tls", "ntp",  "sntp", "ptp",
		                                   "tcp", "udp", "icmp", "any",  NULL};
		const char *s = mg_pol_suggest_keyword(svc.text, svcs);
		if (s)
			err(ps, &svc, "unknown IP service '%s'; did you mean '%s'?", svc.text, s);
		else
			err(ps, &svc,
			    "unknown IP service '%s' (mms, tls, ntp, ptp, tcp, udp, icmp, any)",
			    svc.text);
		return;
	}
	r.from = r.to = MG_POL_SET_ANY;
	bool seen_from = false, seen_to = false;
	while (!at_end(ps)) {
		struct mg_pol_token kw = ps->tok;
		if (is_word(ps, "from") || is_word(ps, "to")) {
			bool from = is_word(ps, "from");
			if (from ? seen_from : seen_to) {
				err(ps, &kw, "'%s' given twice", kw.text);
				return;
			}
			next(ps);
			if (!parse_addr_spec(ps, from ? &r.from : &r.to))
				return;
			if (from)
				seen_from = true;
			else
				seen_to = true;
			continue;
		}
		if (kw.type == MG_TOK_WORD) {
			static const char *const kws[] = {"from", "to", NULL};
			const char *s = mg_pol_suggest_keyword(kw.text, kws);
			if (s) {
				err(ps, &kw, "unexpected '%s'; did you mean '%s'?", kw.text, s);
				return;
			}
		}
		expected(ps, "'from', 'to' or end of line");
		return;
	}
	if (pc.n == 0) {
		/* the ports a named service stands for (used by check.c) */
		static const uint16_t ports[][2] = {
		    [MG_IPSVC_ANY] = {0, 65535},    [MG_IPSVC_MMS] = {102, 102},
		    [MG_IPSVC_TLS] = {3782, 3782},  [MG_IPSVC_TCP] = {0, 65535},
		    [MG_IPSVC_UDP] = {0, 65535},    [MG_IPSVC_ICMP] = {0, 65535},
		    [MG_IPSVC_ICMPV6] = {0, 65535}, [MG_IPSVC_NTP] = {123, 123},
		    [MG_IPSVC_PTP] = {319, 320},
		};
		pc.n = 1;
		pc.r[0].lo = ports[r.svc][0];
		pc.r[0].hi = ports[r.svc][1];
	}
	for (size_t i = 0; i < pc.n; i++) {
		struct mg_pol_irule *v = mg_pol_grow(p->ip, &p->cap_ip, p->n_ip + 1, sizeof(*v));
		if (!v) {
			err(ps, &svc, "out of memory");
			return;
		}
		p->ip = v;
		r.dport_lo = pc.r[i].lo;
		r.dport_hi = pc.r[i].hi;
		p->ip[p->n_ip++] = r;
	}
}

/* ---- mms ------------------------------------------------------------------ */

static bool svc_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_mrule *r = vctx;
	if (!strcmp(t->text, "any")) {
		r->svc_any = true;
		return true;
	}
	uint16_t s = mg_mms_svc_lookup(t->text);
	if (s == MG_SVC_NONE || s >= MG_SVC__COUNT) {
		if (mg_iec_class_lookup(t->text) < MG_IEC__COUNT) {
			err(ps, t, "unknown service '%s'; '%s' is a class: write 'class %s'",
			    t->text, t->text, t->text);
			return true;
		}
		const char *sug = mg_pol_suggest_service(t->text);
		if (sug)
			err(ps, t, "unknown service '%s'; did you mean '%s'?", t->text, sug);
		else
			err(ps, t, "unknown service '%s'", t->text);
		return true; /* keep checking the list; ps->failed drops the rule */
	}
	r->svc[s / 64] |= 1ull << (s % 64);
	return true;
}

static bool class_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_mrule *r = vctx;
	if (!strcmp(t->text, "any")) {
		r->class_any = true;
		return true;
	}
	uint8_t c = mg_iec_class_lookup(t->text);
	if (c == 0 || c >= MG_IEC__COUNT) {
		uint16_t s = mg_mms_svc_lookup(t->text);
		if (s != MG_SVC_NONE && s < MG_SVC__COUNT) {
			err(ps, t, "unknown class '%s'; '%s' is a service: write 'service %s'",
			    t->text, t->text, t->text);
			return true;
		}
		const char *sug = mg_pol_suggest_class(t->text);
		if (sug)
			err(ps, t, "unknown class '%s'; did you mean '%s'?", t->text, sug);
		else
			err(ps, t, "unknown class '%s'", t->text);
		return true;
	}
	r->classes |= 1u << c;
	return true;
}

/* Glob syntax check; the translation is objmatch.c's. */
static bool glob_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_mrule *r = vctx;
	char re[4 * MG_POL_MAX_GLOB + 16];
	const char *why = NULL;
	if (mg_pol_glob_to_regex(t->text, re, sizeof(re), &why) < 0) {
		err(ps, t, "bad object pattern \"%s\": %s", t->text, why);
		return false;
	}
	for (size_t i = 0; i < r->n_glob; i++)
		if (!strcmp(r->glob[i], t->text)) {
			warn(ps, t, "object pattern \"%s\" listed twice", t->text);
			return true;
		}
	char **v = realloc(r->glob, (r->n_glob + 1) * sizeof(*v));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	r->glob = v;
	r->glob[r->n_glob] = strdup(t->text);
	if (!r->glob[r->n_glob]) {
		err(ps, t, "out of memory");
		return false;
	}
	r->n_glob++;
	return true;
}

static void free_mrule(struct mg_pol_mrule *r)
{
	for (size_t i = 0; i < r->n_glob; i++)
		free(r->glob[i]);
	free(r->glob);
	free(r->name);
}

static void __attribute__((format(printf, 3, 4)))
note(struct ps *ps, const struct mg_pol_token *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mg_pol_diag(ps->d, MG_DIAG_NOTE, t->loc, tok_text(t), "%s", msg);
}

/* action [reset|reply-error|drop]; a bare deny is reply-error (the
 * association survives a refused request), `drop` is the old spelling of
 * reset and gets a note saying so. */
static bool parse_mms_action(struct ps *ps, struct mg_pol_mrule *r)
{
	int a = ps->tok.type == MG_TOK_WORD ? mg_pol_action_lookup(ps->tok.text) : -1;
	if (a < 0) {
		static const char *const c[] = {"allow", "deny", "alert", "default", NULL};
		expected_one_of(ps, "'allow', 'deny', 'alert' or 'default'", c);
		return false;
	}
	r->action = (uint8_t)a;
	next(ps);
	r->deny_mode = MG_DENY_REPLY_ERROR;
	if (is_word(ps, "drop") || is_word(ps, "reset") || is_word(ps, "reply-error")) {
		if (a != MG_ACT_DENY) {
			err(ps, &ps->tok, "'%s' only applies to deny", ps->tok.text);
			return false;
		}
		if (is_word(ps, "drop"))
			note(ps, &ps->tok,
			     "'deny drop' means 'deny reset': drop the PDU and reset the "
			     "association (a bare 'deny' answers with an error instead)");
		r->deny_mode = is_word(ps, "reply-error") ? MG_DENY_REPLY_ERROR : MG_DENY_RESET;
		r->deny_mode_explicit = true;
		next(ps);
	}
	return true;
}

/* ---- value clauses (control structures, written values) ------------------ */

/* "N" or "LO..HI" (decimal, sign and fraction allowed) */
static bool parse_num_range(const char *s, struct mg_pol_range *r)
{
	char a[64];
	const char *dots = strstr(s, "..");
	size_t n = dots ? (size_t)(dots - s) : strlen(s);
	char *end;
	if (n == 0 || n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = 0;
	errno = 0;
	r->lo = strtod(a, &end);
	if (errno || *end || r->lo != r->lo)
		return false;
	if (!dots) {
		r->hi = r->lo;
		return true;
	}
	r->hi = strtod(dots + 2, &end);
	if (errno || *end || dots[2] == 0 || r->hi != r->hi)
		return false;
	return r->lo <= r->hi;
}

static bool add_range(struct ps *ps, const struct mg_pol_token *t, struct mg_pol_range *v,
                      uint8_t *n)
{
	struct mg_pol_range r;
	if (!parse_num_range(t->text, &r)) {
		err(ps, t, "expected a number or a range LO..HI, found '%s'", t->text);
		return false;
	}
	if (*n >= MG_POL_MAX_RANGES) {
		err(ps, t, "at most %d ranges in one list", MG_POL_MAX_RANGES);
		return false;
	}
	v[(*n)++] = r;
	return true;
}

static bool ctlval_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_data *d = vctx;
	static const char *const words[] = {"on", "off", "true", "false", "stop", "lower", "higher",
	                                    NULL};
	if (!strcmp(t->text, "on") || !strcmp(t->text, "true"))
		d->ctl_bool |= 2;
	else if (!strcmp(t->text, "off") || !strcmp(t->text, "false"))
		d->ctl_bool |= 1;
	else if (!strcmp(t->text, "stop"))
		d->ctl_step |= 1u << MG_STEP_STOP;
	else if (!strcmp(t->text, "lower"))
		d->ctl_step |= 1u << MG_STEP_LOWER;
	else if (!strcmp(t->text, "higher"))
		d->ctl_step |= 1u << MG_STEP_HIGHER;
	else if ((t->text[0] >= '0' && t->text[0] <= '9') || t->text[0] == '-' ||
	         t->text[0] == '.')
		return add_range(ps, t, d->ctl_rng, &d->n_ctl_rng);
	else {
		const char *sug = mg_pol_suggest_keyword(t->text, words);
		if (sug)
			err(ps, t, "unknown control value '%s'; did you mean '%s'?", t->text, sug);
		else
			err(ps, t,
			    "unknown control value '%s' (on, off, stop, lower, higher, a number "
			    "or LO..HI)",
			    t->text);
		return false;
	}
	return true;
}

static bool check_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_data *d = vctx;
	static const char *const words[] = {"interlock", "synchrocheck", "no-interlock",
	                                    "no-synchrocheck", NULL};
	static const uint8_t bits[] = {MG_POLC_INTERLOCK, MG_POLC_SYNCHRO, MG_POLC_NO_INTERLOCK,
	                               MG_POLC_NO_SYNCHRO};
	for (size_t i = 0; words[i]; i++)
		if (!strcmp(t->text, words[i])) {
			d->check |= bits[i];
			return true;
		}
	const char *sug = mg_pol_suggest_keyword(t->text, words);
	if (sug)
		err(ps, t, "unknown check '%s'; did you mean '%s'?", t->text, sug);
	else
		err(ps, t, "unknown check '%s' (interlock, synchrocheck, no-interlock, "
		           "no-synchrocheck)", t->text);
	return false;
}

/* orCat names (IEC 61850-7-3 originator category) */
static const char *const orcat_names[] = {"not-supported",     "bay-control",
                                          "station-control",   "remote-control",
                                          "automatic-bay",     "automatic-station",
                                          "automatic-remote",  "maintenance",
                                          "process",           NULL};

const char *mg_pol_orcat_name(unsigned c)
{
	return c < 9 ? orcat_names[c] : NULL;
}

static bool origin_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_data *d = vctx;
	unsigned long v;
	for (unsigned i = 0; orcat_names[i]; i++)
		if (!strcmp(t->text, orcat_names[i])) {
			d->origin |= (uint16_t)(1u << i);
			return true;
		}
	if (parse_uint(t->text, 15, &v)) {
		d->origin |= (uint16_t)(1u << v);
		return true;
	}
	const char *sug = mg_pol_suggest_keyword(t->text, orcat_names);
	if (sug)
		err(ps, t, "unknown origin category '%s'; did you mean '%s'?", t->text, sug);
	else
		err(ps, t, "unknown origin category '%s' (a name such as remote-control, or 0-15)",
		    t->text);
	return false;
}

static bool value_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_pol_data *d = vctx;
	return add_range(ps, t, d->val_rng, &d->n_val_rng);
}

/* One value clause after its keyword; false on error (reported). */
static bool parse_data_clause(struct ps *ps, const struct mg_pol_token *kw, struct mg_pol_mrule *r)
{
	struct mg_pol_data *d = &r->d;
	if (!strcmp(kw->text, "ctlval")) {
		d->clauses |= MG_POLD_CTLVAL;
		return parse_list(ps, "a control value", false, ctlval_item, d);
	}
	if (!strcmp(kw->text, "check")) {
		d->clauses |= MG_POLD_CHECK;
		return parse_list(ps, "'interlock', 'synchrocheck', 'no-interlock' or "
		                      "'no-synchrocheck'", false, check_item, d);
	}
	if (!strcmp(kw->text, "test")) {
		d->clauses |= MG_POLD_TEST;
		if (is_word(ps, "true") || is_word(ps, "false")) {
			d->test = is_word(ps, "true");
			next(ps);
			return true;
		}
		expected(ps, "'true' or 'false'");
		return false;
	}
	if (!strcmp(kw->text, "origin")) {
		d->clauses |= MG_POLD_ORIGIN;
		return parse_list(ps, "an origin category", false, origin_item, d);
	}
	if (!strcmp(kw->text, "require")) {
		if (!is_word(ps, "select")) {
			expected(ps, "'select'");
			return false;
		}
		if (r->action == MG_ACT_DENY) {
			err(ps, kw, "'require select' only applies to allow and alert rules");
			return false;
		}
		d->clauses |= MG_POLD_SELECT;
		next(ps);
		return true;
	}
	/* value [not] RANGE {, RANGE} */
	d->clauses |= MG_POLD_VALUE;
	if (is_word(ps, "not")) {
		d->value_not = true;
		next(ps);
	}
	return parse_list(ps, "a number or a range LO..HI", false, value_item, d);
}

static void stmt_mms(struct ps *ps)
{
	struct mg_policy *p = ps->p;
	struct mg_pol_mrule r;
	memset(&r, 0, sizeof(r));
	r.loc = ps->stmt;
	r.line = ps->stmt.line;
	r.from = r.to = MG_POL_SET_ANY;
	r.svc_any = r.class_any = false;
	r.objrule = -1;
	if (is_word(ps, "default")) {
		next(ps);
		if (!parse_mms_action(ps, &r))
			return;
		p->mms_default = r.action;
		p->mms_default_deny_mode = r.deny_mode;
		if (is_word(ps, "log")) {
			p->mms_default_log = true;
			next(ps);
		}
		return;
	}
	if (!parse_mms_action(ps, &r))
		return;
	unsigned seen = 0;
	bool has_svc = false, has_class = false;
	while (!at_end(ps)) {
		struct mg_pol_token kw = ps->tok;
		unsigned bit;
		if (kw.type != MG_TOK_WORD)
			goto bad;
		if (!strcmp(kw.text, "from"))
			bit = 1;
		else if (!strcmp(kw.text, "to"))
			bit = 2;
		else if (!strcmp(kw.text, "service") || !strcmp(kw.text, "services"))
			bit = 4;
		else if (!strcmp(kw.text, "class") || !strcmp(kw.text, "classes"))
			bit = 8;
		else if (!strcmp(kw.text, "object") || !strcmp(kw.text, "objects"))
			bit = 16;
		else if (!strcmp(kw.text, "log"))
			bit = 32;
		else if (!strcmp(kw.text, "name"))
			bit = 64;
		else if (!strcmp(kw.text, "ctlval"))
			bit = 128;
		else if (!strcmp(kw.text, "check"))
			bit = 256;
		else if (!strcmp(kw.text, "test"))
			bit = 512;
		else if (!strcmp(kw.text, "origin"))
			bit = 1024;
		else if (!strcmp(kw.text, "require"))
			bit = 2048;
		else if (!strcmp(kw.text, "value"))
			bit = 4096;
		else
			goto bad;
		if (seen & bit) {
			err(ps, &kw, "'%s' given twice in one rule", kw.text);
			goto fail;
		}
		seen |= bit;
		next(ps);
		switch (bit) {
		case 1:
			if (!parse_addr_spec(ps, &r.from))
				goto fail;
			break;
		case 2:
			if (!parse_addr_spec(ps, &r.to))
				goto fail;
			break;
		case 4:
			if (!parse_list(ps, "a service name", false, svc_item, &r))
				goto fail;
			has_svc = true;
			break;
		case 8:
			if (!parse_list(ps, "a class name", false, class_item, &r))
				goto fail;
			has_class = true;
			break;
		case 16:
			if (!parse_list(ps, "a quoted object pattern", true, glob_item, &r))
				goto fail;
			break;
		case 32: r.log = true; break;
		case 64:
			if (ps->tok.type != MG_TOK_STRING && ps->tok.type != MG_TOK_WORD) {
				expected(ps, "a rule name");
				goto fail;
			}
			if (ps->tok.len == 0 || ps->tok.len > MG_POL_NAME_MAX) {
				err(ps, &ps->tok, "rule name must be 1-%d characters",
				    MG_POL_NAME_MAX);
				goto fail;
			}
			for (size_t i = 0; i < p->n_mms; i++)
				if (p->mms[i].name && !strcmp(p->mms[i].name, ps->tok.text))
					warn(ps, &ps->tok, "rule name '%s' also used at line %u",
					     ps->tok.text, p->mms[i].line);
			r.name = strdup(ps->tok.text);
			next(ps);
			break;
		default:
			if (!parse_data_clause(ps, &kw, &r))
				goto fail;
			break;
		}
		continue;
	bad:
		if (kw.type == MG_TOK_WORD) {
			const char *s = mg_pol_suggest_keyword(kw.text, mms_clause_keywords);
			if (s && strcmp(s, kw.text)) {
				err(ps, &kw, "unexpected '%s'; did you mean '%s'?", kw.text, s);
				goto fail;
			}
		}
		expected(ps, "'from', 'to', 'service', 'class', 'object', 'ctlval', 'check', "
		             "'test', 'origin', 'require', 'value', 'log' or 'name'");
		goto fail;
	}
	if (ps->failed)
		goto fail;
	if (!has_svc)
		r.svc_any = true;
	if (!has_class)
		r.class_any = true;
	struct mg_pol_mrule *v = mg_pol_grow(p->mms, &p->cap_mms, p->n_mms + 1, sizeof(*v));
	if (!v) {
		err(ps, &ps->tok, "out of memory");
		goto fail;
	}
	p->mms = v;
	p->mms[p->n_mms++] = r;
	return;
fail:
	free_mrule(&r);
}

/* ---- control ---------------------------------------------------------------- */

static bool ctlm_glob_item(struct ps *ps, const struct mg_pol_token *t, void *vctx)
{
	struct mg_policy *p = ps->p;
	struct mg_pol_ctlm *m = vctx;
	const char *why = NULL;
	if (t->type != MG_TOK_STRING) {
		expected(ps, "a quoted object pattern");
		return false;
	}
	struct mg_pol_ctlm *v = mg_pol_grow(p->ctlm, &p->cap_ctlm, p->n_ctlm + 1, sizeof(*v));
	if (!v) {
		err(ps, t, "out of memory");
		return false;
	}
	p->ctlm = v;
	struct mg_pol_ctlm *e = &p->ctlm[p->n_ctlm];
	memset(e, 0, sizeof(*e));
	if (mg_pol_glob_parse(t->text, &e->g, &why) < 0) {
		err(ps, t, "bad object pattern \"%s\": %s", t->text, why);
		return false;
	}
	e->glob = strdup(t->text);
	if (!e->glob) {
		err(ps, t, "out of memory");
		return false;
	}
	/* like object patterns: a leading any-domain part also covers the
	 * VMD- and AA-specific spelling of the same name */
	size_t skip = !strncmp(t->text, "**/", 3) ? 3 : !strncmp(t->text, "*/", 2) ? 2 : 0;
	if (skip && t->text[skip] && mg_pol_glob_parse(t->text + skip, &e->g2, &why) == 0)
		e->has_g2 = true;
	e->line = m->line;
	p->n_ctlm++;
	return true;
}

/* control "GLOB" {, "GLOB"} model MODEL [timeout SECONDS] */
static void stmt_control(struct ps *ps)
{
	struct mg_policy *p = ps->p;
	struct mg_pol_ctlm m = {.line = ps->stmt.line};
	size_t first = p->n_ctlm;
	static const char *const models[] = {"status-only", "direct", "sbo", "direct-enhanced",
	                                     "sbo-enhanced", NULL};
	static const uint8_t model_of[] = {MG_CTLM_STATUS_ONLY, MG_CTLM_DIRECT, MG_CTLM_SBO,
	                                   MG_CTLM_DIRECT_ENH, MG_CTLM_SBO_ENH};
	if (!parse_list(ps, "a quoted object pattern", true, ctlm_glob_item, &m))
		goto fail;
	if (!is_word(ps, "model")) {
		expected(ps, "'model'");
		goto fail;
	}
	next(ps);
	size_t k = 0;
	while (models[k] && !is_word(ps, models[k]))
		k++;
	if (!models[k]) {
		expected_one_of(ps, "'direct', 'sbo', 'direct-enhanced', 'sbo-enhanced' or "
		                    "'status-only'", models);
		goto fail;
	}
	next(ps);
	uint32_t timeout_ms = 30000;
	if (is_word(ps, "timeout")) {
		unsigned long v;
		next(ps);
		if (ps->tok.type != MG_TOK_WORD || !parse_uint(ps->tok.text, 86400, &v) || v == 0) {
			expected(ps, "a select timeout in seconds (1-86400)");
			goto fail;
		}
		timeout_ms = (uint32_t)v * 1000u;
		next(ps);
	}
	if (!at_end(ps)) {
		expected(ps, "'timeout' or end of line");
		goto fail;
	}
	for (size_t i = first; i < p->n_ctlm; i++) {
		p->ctlm[i].model = model_of[k];
		p->ctlm[i].timeout_ms = timeout_ms;
	}
	return;
fail:
	while (p->n_ctlm > first)
		free(p->ctlm[--p->n_ctlm].glob);
}

/* ---- include -------------------------------------------------------------- */

static void stmt_include(struct ps *ps)
{
	struct mg_pol_token t = ps->tok;
	if (t.type != MG_TOK_STRING) {
		expected(ps, "a quoted file name");
		return;
	}
	next(ps);
	if (!at_end(ps)) {
		expected(ps, "end of line");
		return;
	}
	if (ps->depth + 1 >= MG_POL_MAX_INCLUDE_DEPTH) {
		err(ps, &t, "include nested more than %d deep (include loop?)",
		    MG_POL_MAX_INCLUDE_DEPTH);
		return;
	}
	if (t.len == 0) {
		err(ps, &t, "empty file name");
		return;
	}
	char path[4096];
	const char *slash = strrchr(ps->file, '/');
	if (t.text[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", t.text);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - ps->file), ps->file, t.text);
	size_t len = 0;
	const char *why = NULL;
	char *text = mg_pol_read_file(path, &len, &why);
	if (!text) {
		err(ps, &t, "cannot read '%s': %s", path, why);
		return;
	}
	const char *fname = mg_pol_intern_file(ps->p, path);
	if (!fname) {
		free(text);
		err(ps, &t, "out of memory");
		return;
	}
	mg_pol_parse(ps->p, fname, text, len, ps->depth + 1, ps->d);
	free(text);
}

/* ---- statements ----------------------------------------------------------- */

void mg_pol_parse(struct mg_policy *p, const char *file, const char *text, size_t len, int depth,
                  struct mg_diags *d)
{
	struct ps ps;
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.d = d;
	ps.depth = depth;
	ps.file = file;
	mg_pol_lexer_init(&ps.lx, file, text, len, d);
	next(&ps);
	while (ps.tok.type != MG_TOK_EOF) {
		if (ps.tok.type == MG_TOK_NL) {
			next(&ps);
			continue;
		}
		ps.failed = false;
		struct mg_pol_token kw = ps.tok;
		ps.stmt = kw.loc;
		if (kw.type != MG_TOK_WORD) {
			if (kw.type == MG_TOK_ERROR)
				ps.failed = true;
			else
				err(&ps, &kw, "expected a statement, found '%s'", tok_text(&kw));
			skip_stmt(&ps);
			continue;
		}
		next(&ps);
		if (!strcmp(kw.text, "mode"))
			stmt_mode(&ps);
		else if (!strcmp(kw.text, "fragments"))
			stmt_fragments(&ps);
		else if (!strcmp(kw.text, "include"))
			stmt_include(&ps);
		else if (!strcmp(kw.text, "set"))
			stmt_set(&ps);
		else if (!strcmp(kw.text, "l2"))
			stmt_l2(&ps);
		else if (!strcmp(kw.text, "ip"))
			stmt_ip(&ps);
		else if (!strcmp(kw.text, "mms"))
			stmt_mms(&ps);
		else if (!strcmp(kw.text, "anomaly"))
			stmt_anomaly(&ps);
		else if (!strcmp(kw.text, "control"))
			stmt_control(&ps);
		else {
			const char *s = mg_pol_suggest_keyword(kw.text, stmt_keywords);
			if (s)
				err(&ps, &kw, "unknown statement '%s'; did you mean '%s'?", kw.text,
				    s);
			else
				err(&ps, &kw,
				    "unknown statement '%s' (mode, fragments, include, set, l2, "
				    "ip, mms, anomaly)",
				    kw.text);
		}
		if (!ps.failed && !at_end(&ps)) {
			if (ps.tok.type == MG_TOK_ERROR)
				ps.failed = true;
			else
				err(&ps, &ps.tok, "unexpected '%s' at end of statement",
				    tok_text(&ps.tok));
		}
		skip_stmt(&ps);
	}
}
