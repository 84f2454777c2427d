/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the MMS Data decoder (proto/mmsdata.c). The input is
 * one listOfData content, copied into an exact-size heap buffer so ASan
 * catches any read past it. Every value is walked by the preorder
 * iterator (whose depth must stay within its bound and whose END markers
 * must balance), every element is decoded alone and as a control structure
 * of both shapes, and every view handed out is touched end to end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg_mmsdata.h"

static volatile uint32_t sink;

static void touch(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink += p[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	struct mg_md_iter it;
	struct mg_md_val v;
	enum mg_reason why = MG_R_NONE;
	enum mg_status s;
	int open = 0;

	mg_md_iter_init(&it, p, size);
	while ((s = mg_md_next(&it, &v, &why)) == MG_OK) {
		if (v.depth >= MG_MMSDATA_MAX_DEPTH)
			abort();
		if (v.type == MG_MD_END) {
			if (--open < 0)
				abort();
		} else {
			touch(v.raw, v.raw_len);
			if (v.type == MG_MD_ARRAY || v.type == MG_MD_STRUCT)
				open++;
		}
	}
	if (s == MG_NEED_MORE && open != 0)
		abort(); /* every constructed value is closed at the end */
	if (s == MG_MALFORMED && (why == MG_R_NONE || why >= MG_R__COUNT))
		abort();
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e;
		size_t el;

		if (mg_md_elem(p, size, i, &e, &el, &why) != MG_OK)
			break;
		if (e < p || e + el > p + size)
			abort();
		if (mg_md_decode(e, el, &v, &why) == MG_OK)
			touch(v.raw, v.raw_len);
		for (int wc = 0; wc < 2; wc++) {
			struct mg_ctl_value c;

			if (mg_ctl_decode(e, el, wc, &c, &why) == MG_OK) {
				touch(c.or_ident, c.or_ident_len);
				touch(c.ctlval.raw, c.ctlval.raw_len);
				if (c.has_check != (wc != 0))
					abort();
			}
		}
	}
	/* the JSON rendering: bounded output, always a string */
	static char jb[8192], small[64];
	for (int k = -1; k <= 1; k++) {
		size_t n = mg_md_json(p, size, k, jb, sizeof(jb));
		if (n >= sizeof(jb) || strlen(jb) != n)
			abort();
		n = mg_md_json(p, size, k, small, sizeof(small));
		if (n >= sizeof(small) || strlen(small) != n)
			abort();
	}
	free(p);
	return 0;
}
