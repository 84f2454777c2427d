/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object patterns: globs over "domain/item" compiled into ONE Hyperscan
 * block-mode database for the whole policy. Glob syntax: '*' matches any
 * run of characters except '/', '**' any run including '/', '?' one
 * character except '/', '\' quotes the next character; everything else is
 * literal and case-sensitive. '*' does cross '$', so the glob
 * "CTRL/XCBR*$CO$Pos$*" matches "CTRL/XCBR1$CO$Pos$Oper". Patterns are anchored at both ends.
 *
 * Identical globs used by several rules become one Hyperscan expression;
 * a CSR table maps expression id → the object rules (dense indices) using
 * it, so one scan yields the bitmap of object rules a name satisfies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

size_t mg_pol_regex_max = 32;

int mg_pol_glob_parse(const char *glob, struct mg_pol_glob *g, const char **why)
{
	g->ntok = 0;
	if (!glob[0]) {
		*why = "empty pattern";
		return -1;
	}
	if (strlen(glob) > MG_POL_MAX_GLOB) {
		*why = "pattern too long";
		return -1;
	}
	for (const char *q = glob; *q; q++) {
		unsigned char c = (unsigned char)*q;
		uint8_t op = MG_GLOB_LIT;
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in pattern";
			return -1;
		}
		if (c == '*') {
			if (q[1] == '*' && q[2] == '*') {
				*why = "'***' is ambiguous (use '*' or '**')";
				return -1;
			}
			op = q[1] == '*' ? MG_GLOB_DSTAR : MG_GLOB_STAR;
			if (op == MG_GLOB_DSTAR)
				q++;
		} else if (c == '?') {
			op = MG_GLOB_ONE;
		} else if (c == '\\') {
			if (!q[1]) {
				*why = "trailing '\\'";
				return -1;
			}
			c = (unsigned char)*++q;
			if (c < 0x20 || c == 0x7f) {
				*why = "control character in pattern";
				return -1;
			}
		}
		g->op[g->ntok] = op;
		g->ch[g->ntok] = c;
		g->ntok++;
	}
	return 0;
}

/* NFA simulation over the glob program: O(len × tokens), no recursion, no
 * backtracking blow-up. */
bool mg_pol_glob_match(const struct mg_pol_glob *g, const char *s, size_t n)
{
	uint8_t a[MG_POL_MAX_GLOB + 1], b[MG_POL_MAX_GLOB + 1];
	uint8_t *cur = a, *nxt = b;
	size_t nt = g->ntok;
	memset(cur, 0, nt + 1);
	cur[0] = 1;
	for (size_t k = 0; k < nt; k++) /* epsilon: stars may match nothing */
		if (cur[k] && g->op[k] >= MG_GLOB_STAR)
			cur[k + 1] = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool any = false;
		memset(nxt, 0, nt + 1);
		for (size_t k = 0; k < nt; k++) {
			if (!cur[k])
				continue;
			switch (g->op[k]) {
			case MG_GLOB_LIT:
				if (c == g->ch[k])
					nxt[k + 1] = 1, any = true;
				break;
			case MG_GLOB_ONE:
				if (c != '/')
					nxt[k + 1] = 1, any = true;
				break;
			case MG_GLOB_STAR:
				if (c != '/')
					nxt[k] = 1, any = true;
				break;
			default: nxt[k] = 1, any = true; break;
			}
		}
		if (!any)
			return false;
		for (size_t k = 0; k < nt; k++)
			if (nxt[k] && g->op[k] >= MG_GLOB_STAR)
				nxt[k + 1] = 1;
		uint8_t *t = cur;
		cur = nxt;
		nxt = t;
	}
	return cur[nt];
}

int mg_pol_glob_to_regex(const char *glob, char *out, size_t outsz, const char **why)
{
	struct mg_pol_glob g;
	if (mg_pol_glob_parse(glob, &g, why) < 0)
		return -1;
	size_t o = 0;
	for (size_t k = 0; k <= (size_t)g.ntok + 1; k++) {
		char buf[8];
		const char *piece;
		if (k == 0)
			piece = "^";
		else if (k == (size_t)g.ntok + 1)
			piece = "\\z";
		else {
			uint8_t op = g.op[k - 1], c = g.ch[k - 1];
			if (op == MG_GLOB_STAR)
				piece = "[^/]*";
			else if (op == MG_GLOB_DSTAR)
				piece = ".*";
			else if (op == MG_GLOB_ONE)
				piece = "[^/]";
			else {
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') || c == '_')
					snprintf(buf, sizeof(buf), "%c", c);
				else
					snprintf(buf, sizeof(buf), "\\x%02x", c);
				piece = buf;
			}
		}
		size_t l = strlen(piece);
		if (o + l + 1 > outsz) {
			*why = "pattern too long";
			return -1;
		}
		memcpy(out + o, piece, l);
		o += l;
	}
	out[o] = 0;
	return 0;
}

/* The longest literal run of a glob (the prefilter key); 0 if none. */
static size_t glob_literal(const struct mg_pol_glob *g, char *out)
{
	size_t best = 0, bstart = 0, run = 0;
	for (size_t k = 0; k <= g->ntok; k++) {
		if (k < g->ntok && g->op[k] == MG_GLOB_LIT) {
			run++;
			continue;
		}
		if (run > best) {
			best = run;
			bstart = k - run;
		}
		run = 0;
	}
	for (size_t i = 0; i < best; i++)
		out[i] = (char)g->ch[bstart + i];
	return best;
}

struct gpair {
	const char *glob;
	uint32_t objrule;
	uint32_t rule; /* index in p->mms, for error locations */
};

static int gpair_cmp(const void *a, const void *b)
{
	const struct gpair *x = a, *y = b;
	int c = strcmp(x->glob, y->glob);
	if (c)
		return c;
	return x->objrule < y->objrule ? -1 : x->objrule > y->objrule;
}

/* Literal prefilter: each glob's longest literal run into one
 * hs_compile_lit_multi database (id = pattern id); globs without a literal
 * are verified on every scan. */
static int build_literal(struct mg_policy *p, const uint32_t *first_rule, struct mg_diags *d)
{
	size_t npat = p->n_patterns;
	p->hs_literal = true;
	p->gtok = calloc(npat, sizeof(*p->gtok));
	p->always = calloc(npat, sizeof(*p->always));
	char **lit = calloc(npat, sizeof(*lit));
	size_t *len = calloc(npat, sizeof(*len));
	unsigned *flags = calloc(npat, sizeof(*flags));
	unsigned *ids = calloc(npat, sizeof(*ids));
	int rc = -1;
	size_t nlit = 0;
	if (!p->gtok || !p->always || !lit || !len || !flags || !ids)
		goto out;
	for (size_t i = 0; i < npat; i++) {
		const char *why;
		if (mg_pol_glob_parse(p->pattern[i], &p->gtok[i], &why) < 0)
			goto out;
		char buf[MG_POL_MAX_GLOB];
		size_t l = glob_literal(&p->gtok[i], buf);
		if (!l) {
			p->always[p->n_always++] = (uint32_t)i;
			continue;
		}
		lit[nlit] = malloc(l);
		if (!lit[nlit])
			goto out;
		memcpy(lit[nlit], buf, l);
		len[nlit] = l;
		flags[nlit] = HS_FLAG_SINGLEMATCH;
		ids[nlit] = (unsigned)i;
		nlit++;
	}
	if (nlit) {
		hs_compile_error_t *ce = NULL;
		if (hs_compile_lit_multi((const char *const *)lit, flags, ids, len, (unsigned)nlit,
		                         HS_MODE_BLOCK, NULL, &p->hs, &ce) != HS_SUCCESS) {
			int e = ce ? ce->expression : -1;
			uint32_t pid = e >= 0 && (size_t)e < nlit ? ids[e] : 0;
			mg_pol_diag(d, MG_DIAG_ERROR, p->mms[first_rule[pid]].loc, p->pattern[pid],
			            "object pattern \"%s\" rejected by Hyperscan: %s",
			            p->pattern[pid],
			            ce && ce->message ? ce->message : "unknown error");
			if (ce)
				hs_free_compile_error(ce);
			p->hs = NULL;
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < nlit; i++)
		free(lit[i]);
	free(lit);
	free(len);
	free(flags);
	free(ids);
	return rc;
}

/* "*\/rest" and "**\/rest": the domain part means "any domain", and the
 * rule must also see VMD- and AA-specific names (no domain: they reach the
 * patterns as the bare item, never containing '/'), or a deny rule written
 * that way is escaped by naming the object without a domain. The rule gets
 * a second pattern, rest with "**" narrowed to "*": on names without '/'
 * both mean the same, and without a literal '/' or "**" the alias can
 * never match a name containing '/', so domain names, files in
 * directories and bare domains are judged exactly as before. Writes the
 * alias into out (room for strlen(glob) + 1) and returns true, or false
 * when the glob has no such form (or rest holds a '/'). */
bool mg_pol_glob_any_scope_item(const char *glob, char *out)
{
	const char *rest = NULL;
	size_t n = 0;
	if (!strncmp(glob, "*/", 2))
		rest = glob + 2;
	else if (!strncmp(glob, "**/", 3))
		rest = glob + 3;
	if (!rest || !rest[0])
		return false;
	for (const char *q = rest; *q; q++) {
		if (*q == '\\' && q[1]) { /* quoted: copy both */
			if (q[1] == '/')
				return false;
			out[n++] = *q++;
			out[n++] = *q;
			continue;
		}
		if (*q == '/')
			return false;
		if (*q == '*' && q[1] == '*') {
			out[n++] = '*';
			q++;
			continue;
		}
		out[n++] = *q;
	}
	out[n] = 0;
	return true;
}

int mg_pol_objmatch_build(struct mg_policy *p, struct mg_diags *d)
{
	size_t npairs = 0, abytes = 0;
	char *abuf = NULL; /* the any-scope aliases, freed once compiled */
	p->n_objrules = 0;
	for (size_t i = 0; i < p->n_mms; i++) {
		struct mg_pol_mrule *r = &p->mms[i];
		if (r->n_glob) {
			r->objrule = (int32_t)p->n_objrules++;
			for (size_t g = 0; g < r->n_glob; g++) {
				npairs++;
				abytes += strlen(r->glob[g]) + 1;
			}
		} else {
			r->objrule = -1;
		}
	}
	p->objwords = (p->n_objrules + 63) / 64;
	/* Rule-order lists so a verdict walks only the rules that can match. */
	p->objrule_rule = calloc(p->n_objrules ? p->n_objrules : 1, sizeof(*p->objrule_rule));
	p->plain_rule = calloc(p->n_mms ? p->n_mms : 1, sizeof(*p->plain_rule));
	if (!p->objrule_rule || !p->plain_rule)
		goto oom;
	p->n_plain = 0;
	for (size_t i = 0; i < p->n_mms; i++) {
		if (p->mms[i].objrule >= 0)
			p->objrule_rule[p->mms[i].objrule] = (uint32_t)i;
		else
			p->plain_rule[p->n_plain++] = (uint32_t)i;
	}
	if (!npairs)
		return 0;
	struct gpair *gp = malloc(2 * npairs * sizeof(*gp));
	abuf = malloc(abytes);
	if (!gp || !abuf) {
		free(gp);
		free(abuf);
		goto oom;
	}
	size_t k = 0, ab = 0;
	for (size_t i = 0; i < p->n_mms; i++)
		for (size_t g = 0; g < p->mms[i].n_glob; g++) {
			const char *glob = p->mms[i].glob[g];
			gp[k++] = (struct gpair){glob, (uint32_t)p->mms[i].objrule, (uint32_t)i};
			if (mg_pol_glob_any_scope_item(glob, abuf + ab)) {
				gp[k++] = (struct gpair){abuf + ab, (uint32_t)p->mms[i].objrule,
				                         (uint32_t)i};
				ab += strlen(abuf + ab) + 1;
			}
		}
	npairs = k;
	qsort(gp, npairs, sizeof(*gp), gpair_cmp);
	size_t npat = 0;
	for (size_t i = 0; i < npairs; i++)
		if (i == 0 || strcmp(gp[i].glob, gp[i - 1].glob))
			npat++;
	p->pattern = calloc(npat, sizeof(*p->pattern));
	p->pat_rule_off = calloc(npat + 1, sizeof(*p->pat_rule_off));
	p->pat_rule = calloc(npairs, sizeof(*p->pat_rule));
	char **re = calloc(npat, sizeof(*re));
	unsigned *flags = calloc(npat, sizeof(*flags));
	unsigned *ids = calloc(npat, sizeof(*ids));
	uint32_t *first_rule = calloc(npat, sizeof(*first_rule));
	if (!p->pattern || !p->pat_rule_off || !p->pat_rule || !re || !flags || !ids || !first_rule)
		goto oom_free;
	size_t pid = (size_t)-1;
	for (size_t i = 0; i < npairs; i++) {
		if (i == 0 || strcmp(gp[i].glob, gp[i - 1].glob)) {
			pid++;
			p->pattern[pid] = strdup(gp[i].glob);
			size_t cap = 4 * MG_POL_MAX_GLOB + 16;
			re[pid] = malloc(cap);
			if (!p->pattern[pid] || !re[pid])
				goto oom_free;
			const char *why;
			if (mg_pol_glob_to_regex(gp[i].glob, re[pid], cap, &why) < 0) {
				/* the parser already checked; keep the compiler honest */
				mg_pol_diag(d, MG_DIAG_ERROR, p->mms[gp[i].rule].loc, gp[i].glob,
				            "bad object pattern \"%s\": %s", gp[i].glob, why);
			}
			flags[pid] = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
			ids[pid] = (unsigned)pid;
			first_rule[pid] = gp[i].rule;
			p->pat_rule_off[pid] = (uint32_t)i;
		}
		p->pat_rule[i] = gp[i].objrule;
	}
	p->n_patterns = npat;
	/* Statistics count the globs the policy spells: an alias that no rule
	 * wrote itself is not one. */
	p->n_pattern_aliases = 0;
	for (size_t i = 0; i < npat; i++) {
		bool written = false;
		for (size_t r = 0; r < p->n_mms && !written; r++)
			for (size_t g = 0; g < p->mms[r].n_glob && !written; g++)
				written = !strcmp(p->mms[r].glob[g], p->pattern[i]);
		p->n_pattern_aliases += !written;
	}
	p->pat_rule_off[npat] = (uint32_t)npairs;
	if (npat > mg_pol_regex_max && !d->nerrors) {
		if (build_literal(p, first_rule, d) < 0)
			p->hs = NULL;
	} else if (!d->nerrors) {
		hs_compile_error_t *ce = NULL;
		if (hs_compile_multi((const char *const *)re, flags, ids, (unsigned)npat,
		                     HS_MODE_BLOCK, NULL, &p->hs, &ce) != HS_SUCCESS) {
			int e = ce ? ce->expression : -1;
			const struct mg_pol_mrule *r =
			    &p->mms[e >= 0 && (size_t)e < npat ? first_rule[e] : 0];
			mg_pol_diag(d, MG_DIAG_ERROR, r->loc,
			            e >= 0 && (size_t)e < npat ? p->pattern[e] : "",
			            "object pattern \"%s\" rejected by Hyperscan: %s",
			            e >= 0 && (size_t)e < npat ? p->pattern[e] : "?",
			            ce && ce->message ? ce->message : "unknown error");
			if (ce)
				hs_free_compile_error(ce);
			p->hs = NULL;
		}
	}
	for (size_t i = 0; i < npat; i++)
		free(re[i]);
	free(re);
	free(flags);
	free(ids);
	free(first_rule);
	free(gp);
	free(abuf);
	return p->hs || (p->hs_literal && !d->nerrors) ? 0 : -1;
oom_free:
	if (re)
		for (size_t i = 0; i < npat; i++)
			free(re[i]);
	free(re);
	free(flags);
	free(ids);
	free(first_rule);
	free(gp);
	free(abuf);
oom:
	mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){p->source, 0, 0}, "",
	            "out of memory building the object patterns");
	return -1;
}

struct scan_ctx {
	const struct mg_policy *p;
	uint64_t *bits;
	const char *name;
	size_t len;
};

static void set_rules(const struct mg_policy *p, unsigned id, uint64_t *bits)
{
	for (uint32_t i = p->pat_rule_off[id]; i < p->pat_rule_off[id + 1]; i++) {
		uint32_t r = p->pat_rule[i];
		bits[r / 64] |= 1ull << (r % 64);
	}
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *vctx)
{
	(void)from;
	(void)to;
	(void)flags;
	struct scan_ctx *c = vctx;
	if (c->p->hs_literal && !mg_pol_glob_match(&c->p->gtok[id], c->name, c->len))
		return 0;
	set_rules(c->p, id, c->bits);
	return 0;
}

int mg_pol_objmatch_scan(const struct mg_policy *p, hs_scratch_t *scratch, const char *name,
                         size_t len, uint64_t *bits)
{
	memset(bits, 0, p->objwords * sizeof(*bits));
	if (p->hs_literal)
		for (size_t i = 0; i < p->n_always; i++)
			if (mg_pol_glob_match(&p->gtok[p->always[i]], name, len))
				set_rules(p, p->always[i], bits);
	if (!p->hs)
		return p->hs_literal ? 0 : (p->n_patterns ? -1 : 0);
	if (!scratch)
		return -1;
	struct scan_ctx c = {p, bits, name, len};
	hs_error_t e = hs_scan(p->hs, name ? name : "", (unsigned)len, 0, scratch, on_match, &c);
	return e == HS_SUCCESS ? 0 : -1;
}
