/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BER writer for the test-traffic generator: definite minimal lengths,
 * high tag numbers, INTEGER/OID/ObjectName/FileName helpers. Lengths are
 * fixed up when an element is closed, so builders can be written top-down
 * in the order of the ASN.1 text, which keeps them easy to check against
 * Wireshark's mms.asn.
 */
#include <stdlib.h>
#include <string.h>

#include "mg_gen.h"

void mg_gen_w_init(struct mg_gen_w *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->p = buf;
	w->cap = cap;
}

size_t mg_gen_w_done(struct mg_gen_w *w)
{
	if (w->err || w->depth != 0)
		return 0;
	return w->len;
}

void mg_gen_w_raw(struct mg_gen_w *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (n > w->cap - w->len) {
		w->err = true;
		return;
	}
	if (n)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void put8(struct mg_gen_w *w, uint8_t b)
{
	mg_gen_w_raw(w, &b, 1);
}

static void put_tag(struct mg_gen_w *w, uint32_t tag)
{
	uint8_t cls = (uint8_t)(tag >> 24);
	uint32_t num = tag & 0xFFFFFFu;
	if (num < 31) {
		put8(w, cls | (uint8_t)num);
		return;
	}
	put8(w, cls | 0x1F);
	uint8_t tmp[5];
	int n = 0;
	do {
		tmp[n++] = num & 0x7F;
		num >>= 7;
	} while (num);
	while (n-- > 0)
		put8(w, tmp[n] | (n ? 0x80 : 0));
}

static void put_len(struct mg_gen_w *w, size_t n)
{
	if (n < 128) {
		put8(w, (uint8_t)n);
		return;
	}
	uint8_t tmp[4];
	int k = 0;
	while (n) {
		tmp[k++] = n & 0xFF;
		n >>= 8;
	}
	put8(w, 0x80 | (uint8_t)k);
	while (k-- > 0)
		put8(w, tmp[k]);
}

void mg_gen_w_begin(struct mg_gen_w *w, uint32_t tag)
{
	put_tag(w, tag);
	if (w->err)
		return;
	if (w->depth >= MG_GEN_BER_DEPTH) {
		w->err = true;
		return;
	}
	w->open[w->depth++] = w->len;
	put8(w, 0); /* placeholder, widened in end() */
}

void mg_gen_w_end(struct mg_gen_w *w)
{
	if (w->err)
		return;
	if (w->depth <= 0) {
		w->err = true;
		return;
	}
	size_t at = w->open[--w->depth];
	size_t content = w->len - at - 1;
	if (content < 128) {
		w->p[at] = (uint8_t)content;
		return;
	}
	size_t extra = content < 0x100 ? 1 : content < 0x10000 ? 2 : content < 0x1000000 ? 3 : 4;
	if (extra > w->cap - w->len) {
		w->err = true;
		return;
	}
	memmove(w->p + at + 1 + extra, w->p + at + 1, content);
	w->p[at] = 0x80 | (uint8_t)extra;
	for (size_t i = 0; i < extra; i++)
		w->p[at + 1 + i] = (uint8_t)(content >> (8 * (extra - 1 - i)));
	w->len += extra;
}

void mg_gen_w_prim(struct mg_gen_w *w, uint32_t tag, const void *p, size_t n)
{
	put_tag(w, tag);
	put_len(w, n);
	mg_gen_w_raw(w, p, n);
}

void mg_gen_w_str(struct mg_gen_w *w, uint32_t tag, const char *s)
{
	mg_gen_w_prim(w, tag, s, strlen(s));
}

void mg_gen_w_int(struct mg_gen_w *w, uint32_t tag, int64_t v)
{
	uint8_t tmp[8];
	int n = 8;
	for (int i = 0; i < 8; i++)
		tmp[i] = (uint8_t)((uint64_t)v >> (8 * (7 - i)));
	int s = 0;
	/* Drop redundant leading sign octets. */
	while (s < 7 && ((tmp[s] == 0x00 && !(tmp[s + 1] & 0x80)) ||
			 (tmp[s] == 0xFF && (tmp[s + 1] & 0x80))))
		s++;
	mg_gen_w_prim(w, tag, tmp + s, (size_t)(n - s));
}

void mg_gen_w_uint(struct mg_gen_w *w, uint32_t tag, uint32_t v)
{
	mg_gen_w_int(w, tag, (int64_t)v);
}

void mg_gen_w_null(struct mg_gen_w *w, uint32_t tag)
{
	mg_gen_w_prim(w, tag, NULL, 0);
}

void mg_gen_w_bool(struct mg_gen_w *w, uint32_t tag, bool v)
{
	uint8_t b = v ? 0xFF : 0x00;
	mg_gen_w_prim(w, tag, &b, 1);
}

void mg_gen_w_oid(struct mg_gen_w *w, uint32_t tag, const char *dotted)
{
	uint32_t arc[32];
	int n = 0;
	const char *s = dotted;
	while (*s && n < 32) {
		char *e;
		arc[n++] = (uint32_t)strtoul(s, &e, 10);
		if (e == s || (*e != '.' && *e != '\0')) {
			w->err = true;
			return;
		}
		s = *e == '.' ? e + 1 : e;
	}
	if (n < 2) {
		w->err = true;
		return;
	}
	uint8_t out[160];
	size_t k = 0;
	uint32_t first = arc[0] * 40 + arc[1];
	for (int i = 1; i < n; i++) {
		uint32_t v = i == 1 ? first : arc[i];
		uint8_t tmp[5];
		int m = 0;
		do {
			tmp[m++] = v & 0x7F;
			v >>= 7;
		} while (v);
		while (m-- > 0)
			out[k++] = tmp[m] | (m ? 0x80 : 0);
	}
	mg_gen_w_prim(w, tag, out, k);
}

void mg_gen_w_objname(struct mg_gen_w *w, const char *name)
{
	const char *slash = strchr(name, '/');
	if (name[0] == '@') {
		mg_gen_w_str(w, MG_GEN_CTX(2), name + 1); /* aa-specific */
	} else if (!slash) {
		mg_gen_w_str(w, MG_GEN_CTX(0), name); /* vmd-specific */
	} else {
		mg_gen_w_begin(w, MG_GEN_CTXC(1)); /* domain-specific */
		mg_gen_w_prim(w, MG_GEN_VISIBLE, name, (size_t)(slash - name));
		mg_gen_w_str(w, MG_GEN_VISIBLE, slash + 1);
		mg_gen_w_end(w);
	}
}

void mg_gen_w_filename(struct mg_gen_w *w, uint32_t tag, const char *name, bool split)
{
	mg_gen_w_begin(w, tag);
	if (!split) {
		mg_gen_w_str(w, MG_GEN_GRAPHIC, name);
	} else {
		const char *s = name;
		for (;;) {
			const char *e = strchr(s, '/');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			mg_gen_w_prim(w, MG_GEN_GRAPHIC, s, n);
			if (!e)
				break;
			s = e + 1;
		}
	}
	mg_gen_w_end(w);
}
