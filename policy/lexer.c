/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy lexer. Line-oriented like nftables: a newline ends a
 * statement unless it is inside { } or escaped with a trailing backslash;
 * '#' starts a comment. Tokens are words (keywords, names, numbers,
 * addresses, ranges such as 100-101), "strings" (globs, file and rule
 * names), @set references and the punctuation { } , =. Every token carries
 * its file:line:col; a lexical error is reported once and yields
 * MG_TOK_ERROR so the parser can skip to the next statement.
 */
#include <ctype.h>
#include <string.h>

#include "pol_internal.h"

void mg_pol_lexer_init(struct mg_pol_lexer *lx, const char *file, const char *src, size_t len,
                       struct mg_diags *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
	lx->d = d;
}

const char *mg_pol_tok_str(enum mg_pol_tok t)
{
	switch (t) {
	case MG_TOK_EOF: return "end of file";
	case MG_TOK_NL: return "end of line";
	case MG_TOK_WORD: return "word";
	case MG_TOK_STRING: return "string";
	case MG_TOK_SETREF: return "set reference";
	case MG_TOK_LBRACE: return "'{'";
	case MG_TOK_RBRACE: return "'}'";
	case MG_TOK_COMMA: return "','";
	case MG_TOK_EQUAL: return "'='";
	default: return "invalid token";
	}
}

static int peekc(const struct mg_pol_lexer *lx, size_t off)
{
	return lx->pos + off < lx->len ? (unsigned char)lx->src[lx->pos + off] : -1;
}

static void advance(struct mg_pol_lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->src[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static bool is_word_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-');
}

static bool is_name_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '-' || c == '.');
}

static void put(struct mg_pol_token *t, int c, bool *overflow)
{
	if (t->len < sizeof(t->text) - 1)
		t->text[t->len++] = (char)c;
	else
		*overflow = true;
	t->text[t->len] = 0;
}

void mg_pol_lex(struct mg_pol_lexer *lx, struct mg_pol_token *t)
{
	memset(t, 0, offsetof(struct mg_pol_token, text) + 1);
	t->len = 0;
	t->text[0] = 0;
	for (;;) {
		int c = peekc(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r') {
			advance(lx);
		} else if (c == '#') {
			while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
				advance(lx);
		} else if (c == '\\' && (peekc(lx, 1) == '\n' ||
		                         (peekc(lx, 1) == '\r' && peekc(lx, 2) == '\n'))) {
			advance(lx);
			if (peekc(lx, 0) == '\r')
				advance(lx);
			advance(lx);
		} else if (c == '\n' && lx->brace_depth > 0) {
			advance(lx);
		} else {
			break;
		}
	}
	t->loc.file = lx->file;
	t->loc.line = lx->line;
	t->loc.col = lx->col;
	int c = peekc(lx, 0);
	bool overflow = false;
	if (c < 0) {
		t->type = MG_TOK_EOF;
		return;
	}
	switch (c) {
	case '\n':
		advance(lx);
		t->type = MG_TOK_NL;
		return;
	case ';': /* nftables habit: ';' also ends a statement */
		advance(lx);
		t->type = MG_TOK_NL;
		return;
	case '{':
		advance(lx);
		lx->brace_depth++;
		t->type = MG_TOK_LBRACE;
		return;
	case '}':
		advance(lx);
		if (lx->brace_depth > 0)
			lx->brace_depth--;
		t->type = MG_TOK_RBRACE;
		return;
	case ',':
		advance(lx);
		t->type = MG_TOK_COMMA;
		return;
	case '=':
		advance(lx);
		t->type = MG_TOK_EQUAL;
		return;
	case '"': {
		advance(lx);
		for (;;) {
			int ch = peekc(lx, 0);
			if (ch < 0 || ch == '\n') {
				mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, "\"",
				            "unterminated string");
				t->type = MG_TOK_ERROR;
				return;
			}
			advance(lx);
			if (ch == '"')
				break;
			if (ch == '\\' && (peekc(lx, 0) == '"' || peekc(lx, 0) == '\\')) {
				ch = peekc(lx, 0);
				advance(lx);
			}
			put(t, ch, &overflow);
		}
		if (overflow) {
			mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, t->text,
			            "string longer than %d characters", MG_POL_MAX_GLOB);
			t->type = MG_TOK_ERROR;
			return;
		}
		t->type = MG_TOK_STRING;
		return;
	}
	case '@': {
		advance(lx);
		while (is_name_char(peekc(lx, 0))) {
			put(t, peekc(lx, 0), &overflow);
			advance(lx);
		}
		if (t->len == 0) {
			mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, "@",
			            "expected a set name after '@'");
			t->type = MG_TOK_ERROR;
			return;
		}
		if (overflow || t->len > MG_POL_NAME_MAX) {
			mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, t->text,
			            "set name longer than %d characters", MG_POL_NAME_MAX);
			t->type = MG_TOK_ERROR;
			return;
		}
		t->type = MG_TOK_SETREF;
		return;
	}
	default: break;
	}
	if (is_word_char(c)) {
		while (is_word_char(peekc(lx, 0))) {
			put(t, peekc(lx, 0), &overflow);
			advance(lx);
		}
		if (overflow) {
			mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, t->text, "word too long");
			t->type = MG_TOK_ERROR;
			return;
		}
		t->type = MG_TOK_WORD;
		return;
	}
	char tok[16];
	if (c >= 0x20 && c < 0x7f)
		snprintf(tok, sizeof(tok), "%c", c);
	else
		snprintf(tok, sizeof(tok), "\\x%02x", (unsigned)c & 0xffu);
	mg_pol_diag(lx->d, MG_DIAG_ERROR, t->loc, tok, "unexpected character '%s'%s", tok,
	            (c == '*' || c == '$' || c == '?') ? " (object patterns must be quoted)" : "");
	advance(lx);
	snprintf(t->text, sizeof(t->text), "%s", tok);
	t->type = MG_TOK_ERROR;
}
