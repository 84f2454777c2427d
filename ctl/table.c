/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Aligned text tables (table.h). Cells are strdup'd into a growing array,
 * row-major; widths are measured in bytes except for UTF-8 continuation
 * bytes, which is exact for the ASCII (and mostly for the UTF-8) text we
 * show.
 */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct mg_table {
	unsigned ncols;
	char **cells; /* row-major, ncols per row; header row first */
	size_t n, cap;
};

static void push(struct mg_table *t, char *s)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		char **v = realloc(t->cells, nc * sizeof(*v));
		if (!v) {
			free(s);
			return;
		}
		t->cells = v;
		t->cap = nc;
	}
	t->cells[t->n++] = s ? s : strdup("");
}

struct mg_table *mg_table_new(unsigned ncols, const char *const *headers)
{
	struct mg_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ncols = ncols;
	/* Headers print in upper case whatever the caller passes (JSON
	 * keys become column titles). */
	for (unsigned i = 0; i < ncols; i++) {
		char *h = strdup(headers[i]);
		for (char *p = h; p && *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		push(t, h);
	}
	return t;
}

void mg_table_row(struct mg_table *t)
{
	/* Pad an unfinished row so the grid stays rectangular. */
	while (t->n % t->ncols)
		push(t, strdup(""));
}

void mg_table_cell(struct mg_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	push(t, s);
}

unsigned mg_table_rows(const struct mg_table *t)
{
	return (unsigned)(t->n / t->ncols) - 1 + (t->n % t->ncols ? 1 : 0);
}

static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static bool numeric(const char *s)
{
	if (!*s)
		return true; /* empty cells do not spoil a numeric column */
	if (*s == '-')
		s++;
	bool digit = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == 'k' || *s == 'M' || *s == 'G' || *s == '%')
			return digit && s[1] == '\0';
		else if (*s != '.')
			return false;
	}
	return digit;
}

void mg_table_print(const struct mg_table *t, FILE *f, unsigned indent)
{
	size_t nrows = (t->n + t->ncols - 1) / t->ncols;
	size_t *w = calloc(t->ncols, sizeof(*w));
	bool *right = calloc(t->ncols, sizeof(*right));
	if (!w || !right)
		goto out;
	for (unsigned c = 0; c < t->ncols; c++) {
		right[c] = nrows > 1;
		for (size_t r = 0; r < nrows; r++) {
			size_t i = r * t->ncols + c;
			const char *s = i < t->n ? t->cells[i] : "";
			if (width(s) > w[c])
				w[c] = width(s);
			if (r > 0 && !numeric(s))
				right[c] = false;
		}
	}
	for (size_t r = 0; r < nrows; r++) {
		fprintf(f, "%*s", (int)indent, "");
		for (unsigned c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;
			const char *s = i < t->n ? t->cells[i] : "";
			size_t pad = w[c] - width(s);
			bool last = c + 1 == t->ncols;
			if (right[c])
				fprintf(f, "%*s%s", (int)pad, "", s);
			else
				fprintf(f, "%s%*s", s, last ? 0 : (int)pad, "");
			if (!last)
				fputs("  ", f);
		}
		fputc('\n', f);
	}
out:
	free(w);
	free(right);
}

void mg_table_free(struct mg_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

const char *mg_fmt_duration(char *buf, size_t len, double secs)
{
	if (secs < 0)
		secs = 0;
	uint64_t s = (uint64_t)secs;
	if (secs < 60)
		snprintf(buf, len, "%.1fs", secs);
	else if (s < 3600)
		snprintf(buf, len, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%uh%02um%02us", (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
			 (unsigned)(s % 60));
	else
		snprintf(buf, len, "%ud%02uh", (unsigned)(s / 86400), (unsigned)(s / 3600 % 24));
	return buf;
}

const char *mg_fmt_rate(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}
