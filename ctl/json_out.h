/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tiny JSON writer for mmsgatectl output (replay records, --json tables):
 * a string escaper that turns arbitrary bytes (object names straight off
 * the wire) into valid JSON, and a writer that tracks commas across nested
 * objects and arrays so callers only say what to write. Writes to a FILE;
 * no allocation. One record per line is the caller's business (mg_json_nl).
 */
#ifndef MG_JSON_OUT_H
#define MG_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MG_JSON_MAX_DEPTH 16

struct mg_json {
	FILE *f;
	int depth;                        /* open objects/arrays */
	bool need_comma[MG_JSON_MAX_DEPTH]; /* a value was written at this level */
	bool after_key;                   /* a key was written, its value is next */
};

/* Escape n bytes as a JSON string (quotes included). Control bytes and
 * bytes >= 0x80 that are not valid UTF-8 are written as \u00XX (read as
 * Latin-1), so the output is always valid JSON whatever the input. */
void mg_json_write_strn(FILE *f, const void *s, size_t n);
void mg_json_write_str(FILE *f, const char *s);

void mg_json_init(struct mg_json *j, FILE *f);
void mg_json_obj_begin(struct mg_json *j);
void mg_json_obj_end(struct mg_json *j);
void mg_json_arr_begin(struct mg_json *j);
void mg_json_arr_end(struct mg_json *j);
/* Write a key inside an object; the next value call is its value. */
void mg_json_key(struct mg_json *j, const char *k);

/* Values (inside arrays, or after mg_json_key). */
void mg_json_str(struct mg_json *j, const char *s);
void mg_json_strn(struct mg_json *j, const void *s, size_t n);
void mg_json_u64(struct mg_json *j, uint64_t v);
void mg_json_i64(struct mg_json *j, int64_t v);
void mg_json_bool(struct mg_json *j, bool v);
void mg_json_null(struct mg_json *j);
/* Pre-formatted JSON (a number with a fixed format, …), written as is. */
void mg_json_raw(struct mg_json *j, const char *text);

/* key + value shorthands. */
void mg_json_kv_str(struct mg_json *j, const char *k, const char *v);
void mg_json_kv_u64(struct mg_json *j, const char *k, uint64_t v);
void mg_json_kv_i64(struct mg_json *j, const char *k, int64_t v);
void mg_json_kv_bool(struct mg_json *j, const char *k, bool v);

/* End the current line (JSON-lines) and reset the writer. */
void mg_json_nl(struct mg_json *j);

#endif
