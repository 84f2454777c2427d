/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object patterns: glob semantics ('*' stops at '/', '**' does not, '?',
 * escapes), and the two database forms agreeing — the anchored-regex
 * Hyperscan database and the literal prefilter + glob verification used
 * for large policies — on random globs and names.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

static bool gm(const char *glob, const char *s)
{
	struct mg_pol_glob g;
	const char *why;
	cr_assert_eq(mg_pol_glob_parse(glob, &g, &why), 0, "%s", glob);
	return mg_pol_glob_match(&g, s, strlen(s));
}

Test(policy_objmatch, glob_semantics)
{
	cr_assert(gm("*/XCBR*$CO$Pos$*", "CTRL/XCBR1$CO$Pos$Oper"));
	cr_assert(gm("*/XCBR*$CO$Pos$*", "CTRL/XCBR1$CO$Pos$"));
	cr_assert_not(gm("*/XCBR*$CO$Pos$*", "CTRL/CSWI1$CO$Pos$Oper"));
	cr_assert_not(gm("*/XCBR*$CO$Pos$*", "XCBR1$CO$Pos$Oper")); /* vmd-specific: no '/' */
	cr_assert(gm("PROT*/*", "PROT1/PTOC1$ST$Str$general"));
	cr_assert(gm("PROT*/*", "PROT1/"));
	cr_assert_not(gm("PROT*/*", "CTRL/PROT"));
	cr_assert_not(gm("*", "a/b"));
	cr_assert(gm("**", "a/b/c"));
	cr_assert(gm("**", ""));
	cr_assert(gm("COMTRADE/**.cfg", "COMTRADE/2024/x.cfg"));
	cr_assert_not(gm("COMTRADE/*.cfg", "COMTRADE/2024/x.cfg"));
	cr_assert(gm("LD?/LLN0", "LD0/LLN0"));
	cr_assert_not(gm("LD?/LLN0", "LD/LLN0"));
	cr_assert_not(gm("LD?LLN0", "LD/LLN0"));
	cr_assert(gm("a\\*b", "a*b"));
	cr_assert_not(gm("a\\*b", "axb"));
	cr_assert(gm("*/*$SP$*", "LD0/PTOC1$SP$StrVal$setMag$f"));
	cr_assert_not(gm("*$SP$*", "LD0/PTOC1$SP$StrVal$setMag$f"));
	cr_assert_not(gm("LLN0", "LLN0x"));
	cr_assert_not(gm("LLN0", "xLLN0"));
}

static uint32_t rng = 7;
static uint32_t xr(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void rand_glob(char *out, size_t cap)
{
	static const char *const pieces[] = {"A", "B", "/", "$", "*", "?", "**", "AB", "$B$"};
	size_t n = 0, k = 1 + xr() % 6;
	out[0] = 0;
	for (size_t i = 0; i < k; i++) {
		const char *pc = pieces[xr() % 9];
		/* avoid '***' which is an error */
		if (pc[0] == '*' && n && out[n - 1] == '*')
			pc = "A";
		if (n + strlen(pc) + 1 >= cap)
			break;
		strcpy(out + n, pc);
		n += strlen(pc);
	}
}

static struct mg_policy *compile_globs(char globs[][32], size_t n)
{
	size_t cap = n * 64 + 64, len = 0;
	char *text = malloc(cap);
	for (size_t i = 0; i < n; i++)
		len +=
		    (size_t)snprintf(text + len, cap - len, "mms deny object \"%s\"\n", globs[i]);
	text[len] = 0;
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("t", text, &d);
	if (!p)
		mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	free(text);
	cr_assert_not_null(p);
	return p;
}

Test(policy_objmatch, regex_and_literal_agree)
{
	enum { NG = 60 };
	static char globs[NG][32];
	for (int i = 0; i < NG; i++)
		rand_glob(globs[i], sizeof(globs[i]));
	size_t saved = mg_pol_regex_max;
	mg_pol_regex_max = 100000;
	struct mg_policy *pr = compile_globs(globs, NG);
	mg_pol_regex_max = 0;
	struct mg_policy *pl = compile_globs(globs, NG);
	mg_pol_regex_max = saved;
	cr_assert_not(pr->hs_literal);
	cr_assert(pl->hs_literal);
	hs_scratch_t *sr = NULL, *sl = NULL;
	cr_assert_eq(hs_alloc_scratch(pr->hs, &sr), HS_SUCCESS);
	if (pl->hs)
		cr_assert_eq(hs_alloc_scratch(pl->hs, &sl), HS_SUCCESS);
	uint64_t br[4], bl[4];
	int matches = 0;
	for (int t = 0; t < 20000; t++) {
		char name[24];
		size_t n = xr() % 12;
		for (size_t i = 0; i < n; i++)
			name[i] = "AB/$x"[xr() % 5];
		name[n] = 0;
		cr_assert_eq(mg_pol_objmatch_scan(pr, sr, name, n, br), 0);
		cr_assert_eq(mg_pol_objmatch_scan(pl, sl, name, n, bl), 0);
		cr_assert_eq(memcmp(br, bl, pr->objwords * 8), 0, "name '%s'", name);
		for (int g = 0; g < NG; g++) {
			struct mg_pol_glob gg;
			const char *why;
			mg_pol_glob_parse(globs[g], &gg, &why);
			bool want = mg_pol_glob_match(&gg, name, n);
			/* "*\/rest" also sees names without a domain (no '/') */
			char alias[64];
			struct mg_pol_glob ga;
			if (!want && !memchr(name, '/', n) &&
			    mg_pol_glob_any_scope_item(globs[g], alias) &&
			    mg_pol_glob_parse(alias, &ga, &why) == 0)
				want = mg_pol_glob_match(&ga, name, n);
			cr_assert_eq(want, (bool)((br[g / 64] >> (g % 64)) & 1),
			             "glob '%s' name '%s'", globs[g], name);
			matches += want;
		}
	}
	cr_assert_gt(matches, 1000);
	hs_free_scratch(sr);
	if (sl)
		hs_free_scratch(sl);
	mg_policy_free(pr);
	mg_policy_free(pl);
}
