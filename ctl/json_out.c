/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON writer helpers (json_out.h). Strings are validated as UTF-8 byte by
 * byte: valid sequences pass through, anything else becomes \u00XX, so a
 * hostile object name can never break a JSON line.
 */
#include <inttypes.h>

#include "json_out.h"

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	size_t len;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong, surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void mg_json_write_strn(FILE *f, const void *sv, size_t n)
{
	const uint8_t *s = sv;
	putc('"', f);
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		switch (c) {
		case '"': fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			putc(c, f);
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);
			if (l) {
				fwrite(s + i, 1, l, f);
				i += l;
			} else {
				fprintf(f, "\\u%04x", c);
				i++;
			}
		}
	}
	putc('"', f);
}

void mg_json_write_str(FILE *f, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	mg_json_write_strn(f, s, n);
}

void mg_json_init(struct mg_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* Separator before a value or key at the current level. */
static void sep(struct mg_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		putc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void json_open(struct mg_json *j, char c)
{
	sep(j);
	putc(c, j->f);
	if (j->depth + 1 < MG_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct mg_json *j, char c)
{
	putc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void mg_json_obj_begin(struct mg_json *j)
{
	json_open(j, '{');
}

void mg_json_obj_end(struct mg_json *j)
{
	json_close(j, '}');
}

void mg_json_arr_begin(struct mg_json *j)
{
	json_open(j, '[');
}

void mg_json_arr_end(struct mg_json *j)
{
	json_close(j, ']');
}

void mg_json_key(struct mg_json *j, const char *k)
{
	sep(j);
	mg_json_write_str(j->f, k);
	putc(':', j->f);
	j->after_key = true;
}

void mg_json_str(struct mg_json *j, const char *s)
{
	sep(j);
	mg_json_write_str(j->f, s);
}

void mg_json_strn(struct mg_json *j, const void *s, size_t n)
{
	sep(j);
	mg_json_write_strn(j->f, s, n);
}

void mg_json_u64(struct mg_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void mg_json_i64(struct mg_json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void mg_json_bool(struct mg_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void mg_json_null(struct mg_json *j)
{
	sep(j);
	fputs("null", j->f);
}

void mg_json_raw(struct mg_json *j, const char *text)
{
	sep(j);
	fputs(text, j->f);
}

void mg_json_kv_str(struct mg_json *j, const char *k, const char *v)
{
	mg_json_key(j, k);
	if (v)
		mg_json_str(j, v);
	else
		mg_json_null(j);
}

void mg_json_kv_u64(struct mg_json *j, const char *k, uint64_t v)
{
	mg_json_key(j, k);
	mg_json_u64(j, v);
}

void mg_json_kv_i64(struct mg_json *j, const char *k, int64_t v)
{
	mg_json_key(j, k);
	mg_json_i64(j, v);
}

void mg_json_kv_bool(struct mg_json *j, const char *k, bool v)
{
	mg_json_key(j, k);
	mg_json_bool(j, v);
}

void mg_json_nl(struct mg_json *j)
{
	putc('\n', j->f);
	mg_json_init(j, j->f);
}
