/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Aligned text tables for mmsgatectl's human output: collect rows of
 * printf-formatted cells, then print with every column as wide as its
 * widest cell. A column whose cells are all numbers is right-aligned, so
 * counters line up by digit. No limits other than memory.
 */
#ifndef MG_TABLE_H
#define MG_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct mg_table;

/* ncols headers (printed in upper case). NULL on OOM. */
struct mg_table *mg_table_new(unsigned ncols, const char *const *headers);
/* Start a new row; the next ncols mg_table_cell calls fill it. */
void mg_table_row(struct mg_table *t);
void mg_table_cell(struct mg_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
unsigned mg_table_rows(const struct mg_table *t);
/* Print with an optional indent; columns separated by two spaces. */
void mg_table_print(const struct mg_table *t, FILE *f, unsigned indent);
void mg_table_free(struct mg_table *t);

/* ---- formatting helpers shared by the subcommands ---------------------- */
/* "3d04h", "1h02m03s", "4m05s", "12.3s" */
const char *mg_fmt_duration(char *buf, size_t len, double secs);
/* Rates in a short form: "950", "12.5k", "3.20M" (still right-aligned). */
const char *mg_fmt_rate(char *buf, size_t len, double per_sec);

#endif
