/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lexer and parser: tokens with exact line:col, statements accepted, and
 * every mistake reported with its location, several per run, with
 * "did you mean" suggestions.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pol_internal.h"

Test(policy_lexer, tokens_and_locations)
{
	static const char src[] = "set a = { 10.0.0.0/8,\n  fd00::1 } # c\n"
	                          "mms deny object \"*/X$CO\\\"q\" @a\\\n  ; x";
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_pol_lexer lx;
	mg_pol_lexer_init(&lx, "t", src, strlen(src), &d);
	struct {
		enum mg_pol_tok t;
		const char *text;
		uint32_t line, col;
	} want[] = {
	    {MG_TOK_WORD, "set", 1, 1},
	    {MG_TOK_WORD, "a", 1, 5},
	    {MG_TOK_EQUAL, "", 1, 7},
	    {MG_TOK_LBRACE, "", 1, 9},
	    {MG_TOK_WORD, "10.0.0.0/8", 1, 11},
	    {MG_TOK_COMMA, "", 1, 21},
	    {MG_TOK_WORD, "fd00::1", 2, 3},
	    {MG_TOK_RBRACE, "", 2, 11},
	    {MG_TOK_NL, "", 2, 16},
	    {MG_TOK_WORD, "mms", 3, 1},
	    {MG_TOK_WORD, "deny", 3, 5},
	    {MG_TOK_WORD, "object", 3, 10},
	    {MG_TOK_STRING, "*/X$CO\"q", 3, 17},
	    {MG_TOK_SETREF, "a", 3, 29},
	    {MG_TOK_NL, "", 4, 3},
	    {MG_TOK_WORD, "x", 4, 5},
	    {MG_TOK_EOF, "", 4, 6},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct mg_pol_token t;
		mg_pol_lex(&lx, &t);
		cr_assert_eq(t.type, want[i].t, "token %zu: type %d", i, t.type);
		if (want[i].text[0])
			cr_assert_str_eq(t.text, want[i].text);
		cr_assert_eq(t.loc.line, want[i].line, "token %zu line %u", i, t.loc.line);
		cr_assert_eq(t.loc.col, want[i].col, "token %zu col %u", i, t.loc.col);
	}
	cr_assert_eq(d.nerrors, 0);
	mg_diags_free(&d);
}

Test(policy_lexer, errors)
{
	static const char src[] = "a \"open\nb * c\n@\n";
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_pol_lexer lx;
	mg_pol_lexer_init(&lx, "t", src, strlen(src), &d);
	struct mg_pol_token t;
	int errors = 0;
	do {
		mg_pol_lex(&lx, &t);
		errors += t.type == MG_TOK_ERROR;
	} while (t.type != MG_TOK_EOF);
	cr_assert_eq(errors, 3);
	cr_assert_eq(d.nerrors, 3);
	cr_assert_str_eq(d.v[0].msg, "unterminated string");
	cr_assert_eq(d.v[0].line, 1);
	cr_assert_eq(d.v[0].col, 3);
	cr_assert_eq(d.v[1].line, 2);
	cr_assert_eq(d.v[1].col, 3);
	cr_assert_str_eq(d.v[1].token, "*");
	cr_assert_eq(d.v[2].line, 3);
	mg_diags_free(&d);
}

/* Compile text; return the diagnostics as "line:col: sev: msg" lines. */
static char *diag_text(const char *text, bool *ok)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("t.policy", text, &d);
	*ok = p != NULL;
	mg_policy_free(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	mg_diags_print(&d, f);
	fclose(f);
	mg_diags_free(&d);
	return buf;
}

static void expect_diag(const char *text, const char *want)
{
	bool ok;
	char *got = diag_text(text, &ok);
	cr_assert(strstr(got, want), "want \"%s\"\ngot:\n%s", want, got);
	free(got);
}

Test(policy_parser, suggestions)
{
	expect_diag("mms allow service raed\n",
	            "t.policy:1:19: error: unknown service 'raed'; did you mean 'read'?");
	expect_diag("mms allow service getnamelist\n", "did you mean 'getNameList'?");
	expect_diag("mms allow class opreate\n",
	            "t.policy:1:17: error: unknown class 'opreate'; did you mean 'operate'?");
	expect_diag(
	    "mms allow class write, selectwithvalue\n",
	    "1:24: error: unknown class 'selectwithvalue'; did you mean 'select-with-value'?");
	expect_diag("mms allow service operate\n", "'operate' is a class: write 'class operate'");
	expect_diag("l2 pass gose\n",
	            "1:9: error: unknown EtherType 'gose'; did you mean 'goose'?");
	expect_diag("mode monitr\n", "did you mean 'monitor'?");
	expect_diag("nms allow\n", "1:1: error: unknown statement 'nms'; did you mean 'mms'?");
	expect_diag("set scada { 10.0.0.1 }\nip allow mms from @scda to any\n",
	            "2:19: error: undefined set '@scda'; did you mean '@scada'?");
	expect_diag("anomaly request-before-init deny\n",
	            "did you mean 'request_before_initiate'?");
	expect_diag("mms allow frm any\n", "1:11: error: unexpected 'frm'; did you mean 'from'?");
}

Test(policy_parser, several_errors_one_run)
{
	bool ok;
	char *got = diag_text("mode x\n"
	                      "set a { 10.0.0.1, 300.1.1.1 }\n"
	                      "l2 pass goose vlan 4096\n"
	                      "mms allow object \"a***\"\n"
	                      "ip allow tcp 70000\n"
	                      "mms allow from @nope\n",
	                      &ok);
	cr_assert_not(ok);
	cr_assert(strstr(got, "t.policy:1:6: error:"), "%s", got);
	cr_assert(strstr(got, "t.policy:2:19: error: invalid address or prefix '300.1.1.1'"), "%s",
	          got);
	cr_assert(strstr(got, "t.policy:3:20: error: invalid VLAN '4096'"), "%s", got);
	cr_assert(strstr(got, "t.policy:4:18: error: bad object pattern"), "%s", got);
	cr_assert(strstr(got, "t.policy:5:14: error: invalid port '70000'"), "%s", got);
	cr_assert(strstr(got, "t.policy:6:16: error: undefined set '@nope'"), "%s", got);
	free(got);
}

Test(policy_parser, warnings_do_not_fail)
{
	bool ok;
	char *got = diag_text("set unused { 10.0.0.0/8 }\n"
	                      "set e { }\n"
	                      "set h { 10.1.2.3/16 }\n"
	                      "mms allow from @e\n"
	                      "mms allow from @h class read\n"
	                      "mms allow from @h class read\n"
	                      "mms deny from @h class read, write object \"LD/*\"\n",
	                      &ok);
	cr_assert(ok, "%s", got);
	cr_assert(strstr(got, "1:5: warning: set 'unused' is never used"), "%s", got);
	cr_assert(strstr(got, "2:5: warning: set 'e' is empty"), "%s", got);
	cr_assert(
	    strstr(got, "3:9: warning: prefix '10.1.2.3/16' has host bits set; using 10.1.0.0/16"),
	    "%s", got);
	cr_assert(strstr(got, "6:1: warning: rule is unreachable: shadowed by the rule at line 5"),
	          "%s", got);
	cr_assert_null(strstr(got, "7:1: warning"), "%s", got);
	free(got);
}

Test(policy_parser, set_cycles_and_redefinition)
{
	expect_diag("set a { @b }\nset b { @a }\n", "includes itself");
	expect_diag("set a { 10.0.0.1 }\nset a { 10.0.0.2 }\n",
	            "2:5: error: set 'a' is already defined at line 1");
	expect_diag("set a { @a }\n", "set 'a' refers to itself");
}

Test(policy_parser, include)
{
	char dir[] = "/tmp/mgpolXXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[256], inc[256];
	snprintf(inc, sizeof(inc), "%s/sets.inc", dir);
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	FILE *f = fopen(inc, "w");
	fprintf(f, "# shared sets\nset ieds { 10.20.0.0/24 }\nset bad { 10.0.0.256 }\n");
	fclose(f);
	f = fopen(path, "w");
	fprintf(f,
	        "include \"sets.inc\"\nip allow mms from any to @ieds\ninclude \"missing.inc\"\n");
	fclose(f);
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(path, &d);
	cr_assert_null(p);
	cr_assert_eq(d.nerrors, 2);
	cr_assert_str_eq(d.v[0].file, inc);
	cr_assert_eq(d.v[0].line, 3);
	cr_assert_eq(d.v[0].col, 11);
	cr_assert_str_eq(d.v[1].file, path);
	cr_assert_eq(d.v[1].line, 3);
	mg_diags_free(&d);
	/* fix the include: compiles, and a self-include is caught */
	f = fopen(inc, "w");
	fprintf(f, "set ieds { 10.20.0.0/24 }\n");
	fclose(f);
	f = fopen(path, "w");
	fprintf(f, "include \"sets.inc\"\nip allow mms from any to @ieds\n");
	fclose(f);
	mg_diags_init(&d);
	p = mg_policy_compile_file(path, &d);
	cr_assert_not_null(p);
	mg_policy_free(p);
	mg_diags_free(&d);
	f = fopen(path, "w");
	fprintf(f, "include \"main.policy\"\n");
	fclose(f);
	mg_diags_init(&d);
	p = mg_policy_compile_file(path, &d);
	cr_assert_null(p);
	cr_assert(strstr(d.v[0].msg, "include nested"), "%s", d.v[0].msg);
	mg_diags_free(&d);
	unlink(inc);
	unlink(path);
	rmdir(dir);
}

Test(policy_parser, glob_translation)
{
	char re[1100];
	const char *why;
	cr_assert_eq(mg_pol_glob_to_regex("*/XCBR*$CO$Pos$*", re, sizeof(re), &why), 0);
	cr_assert_str_eq(re, "^[^/]*\\x2fXCBR[^/]*\\x24CO\\x24Pos\\x24[^/]*\\z");
	cr_assert_eq(mg_pol_glob_to_regex("a**b?", re, sizeof(re), &why), 0);
	cr_assert_str_eq(re, "^a.*b[^/]\\z");
	cr_assert_eq(mg_pol_glob_to_regex("\\*x", re, sizeof(re), &why), 0);
	cr_assert_str_eq(re, "^\\x2ax\\z");
	cr_assert_lt(mg_pol_glob_to_regex("", re, sizeof(re), &why), 0);
	cr_assert_lt(mg_pol_glob_to_regex("x\\", re, sizeof(re), &why), 0);
	cr_assert_lt(mg_pol_glob_to_regex("a\tb", re, sizeof(re), &why), 0);
}
