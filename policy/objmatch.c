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

int mg_pol_glob_to_regex(const char *glob, char *out, size_t outsz, const char **why)
{
	size_t o = 0;
#define EMIT(s)                                                                                    \
	do {                                                                                       \
		size_t l_ = strlen(s);                                                             \
		if (o + l_ + 1 > outsz) {                                                          \
			*why = "pattern too long";                                                 \
			return -1;                                                                 \
		}                                                                                  \
		memcpy(out + o, s, l_);                                                            \
		o += l_;                                                                           \
	} while (0)
	if (!glob[0]) {
		*why = "empty pattern";
		return -1;
	}
	if (strlen(glob) > MG_POL_MAX_GLOB) {
		*why = "pattern too long";
		return -1;
	}
	EMIT("^");
	for (const char *g = glob; *g; g++) {
		unsigned char c = (unsigned char)*g;
		char buf[8];
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in pattern";
			return -1;
		}
		if (c == '*') {
			if (g[1] == '*' && g[2] == '*') {
				*why = "'***' is ambiguous (use '*' or '**')";
				return -1;
			}
			if (g[1] == '*') {
				EMIT(".*");
				g++;
			} else {
				EMIT("[^/]*");
			}
			continue;
		}
		if (c == '?') {
			EMIT("[^/]");
			continue;
		}
		if (c == '\\') {
			if (!g[1]) {
				*why = "trailing '\\'";
				return -1;
			}
			g++;
			c = (unsigned char)*g;
			if (c < 0x20 || c == 0x7f) {
				*why = "control character in pattern";
				return -1;
			}
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_')
			snprintf(buf, sizeof(buf), "%c", c);
		else
			snprintf(buf, sizeof(buf), "\\x%02x", c);
		EMIT(buf);
	}
	EMIT("\\z");
	out[o] = 0;
	return 0;
#undef EMIT
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

int mg_pol_objmatch_build(struct mg_policy *p, struct mg_diags *d)
{
	size_t npairs = 0;
	p->n_objrules = 0;
	for (size_t i = 0; i < p->n_mms; i++) {
		struct mg_pol_mrule *r = &p->mms[i];
		if (r->n_glob) {
			r->objrule = (int32_t)p->n_objrules++;
			npairs += r->n_glob;
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
	struct gpair *gp = malloc(npairs * sizeof(*gp));
	if (!gp)
		goto oom;
	size_t k = 0;
	for (size_t i = 0; i < p->n_mms; i++)
		for (size_t g = 0; g < p->mms[i].n_glob; g++)
			gp[k++] = (struct gpair){p->mms[i].glob[g], (uint32_t)p->mms[i].objrule,
						 (uint32_t)i};
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
	if (!p->pattern || !p->pat_rule_off || !p->pat_rule || !re || !flags || !ids ||
	    !first_rule)
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
	p->pat_rule_off[npat] = (uint32_t)npairs;
	if (!d->nerrors) {
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
	return p->hs ? 0 : -1;
oom_free:
	if (re)
		for (size_t i = 0; i < npat; i++)
			free(re[i]);
	free(re);
	free(flags);
	free(ids);
	free(first_rule);
	free(gp);
oom:
	mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){p->source, 0, 0}, "",
		    "out of memory building the object patterns");
	return -1;
}

struct scan_ctx {
	const struct mg_policy *p;
	uint64_t *bits;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *vctx)
{
	(void)from;
	(void)to;
	(void)flags;
	struct scan_ctx *c = vctx;
	for (uint32_t i = c->p->pat_rule_off[id]; i < c->p->pat_rule_off[id + 1]; i++) {
		uint32_t r = c->p->pat_rule[i];
		c->bits[r / 64] |= 1ull << (r % 64);
	}
	return 0;
}

int mg_pol_objmatch_scan(const struct mg_policy *p, hs_scratch_t *scratch, const char *name,
			 size_t len, uint64_t *bits)
{
	memset(bits, 0, p->objwords * sizeof(*bits));
	if (!p->hs)
		return 0;
	if (!scratch)
		return -1;
	struct scan_ctx c = {p, bits};
	hs_error_t e = hs_scan(p->hs, name, (unsigned)len, 0, scratch, on_match, &c);
	return e == HS_SUCCESS ? 0 : -1;
}
