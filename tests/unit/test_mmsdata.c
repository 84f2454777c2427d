/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS Data and IEC 61850-8-1 control structure decoding (proto/mmsdata.c):
 * every Data type from hand-annotated bytes, the preorder iterator and its
 * depth bound, Oper/SBOw/Cancel in every ctlVal form with and without
 * operTm, the Check bit order, every truncation of a control structure,
 * and the same write PDUs through the engine split at every byte.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mg_engine.h"
#include "mg_gen.h"
#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_mmsdata.h"
#include "mg_test_util.h"

static struct mg_md_val dec(const char *hex)
{
	uint8_t b[64];
	size_t n = mg_test_hex(hex, b, sizeof(b));
	static uint8_t keep[64];
	struct mg_md_val v;
	enum mg_reason why;

	memcpy(keep, b, n);
	cr_assert_eq(mg_md_decode(keep, n, &v, &why), MG_OK, "%s: %s", hex, mg_reason_str(why));
	return v;
}

static void dec_bad(const char *hex)
{
	uint8_t b[64];
	size_t n = mg_test_hex(hex, b, sizeof(b));
	struct mg_md_val v;
	enum mg_reason why = MG_R_NONE;

	cr_assert_eq(mg_md_decode(b, n, &v, &why), MG_MALFORMED, "%s", hex);
	cr_assert_neq(why, MG_R_NONE);
}

Test(mmsdata, scalar_types)
{
	struct mg_md_val v;

	v = dec("83 01 ff"); /* boolean true (any non-zero) */
	cr_assert(v.type == MG_MD_BOOL && v.ok && v.v.b);
	v = dec("83 01 00");
	cr_assert(!v.v.b);
	v = dec("85 01 80"); /* integer -128 */
	cr_assert(v.type == MG_MD_INT && v.ok && v.v.i == -128);
	v = dec("85 08 7f ff ff ff ff ff ff ff");
	cr_assert(v.ok && v.v.i == INT64_MAX);
	v = dec("85 09 00 ff ff ff ff ff ff ff ff"); /* too wide: raw only */
	cr_assert(v.type == MG_MD_INT && !v.ok && v.raw_len == 9);
	v = dec("86 05 00 ff ff ff ff"); /* unsigned 2^32-1 with the leading 00 */
	cr_assert(v.type == MG_MD_UINT && v.ok && v.v.u == 0xffffffffu);
	v = dec("86 09 00 ff ff ff ff ff ff ff ff");
	cr_assert(v.ok && v.v.u == UINT64_MAX);
	v = dec("86 01 ff"); /* a negative "unsigned" is not a value */
	cr_assert(!v.ok);
	v = dec("87 05 08 42 f6 e6 66"); /* float32 123.45 (exponent width 8) */
	cr_assert(v.type == MG_MD_FLOAT && v.ok && fabs(v.v.f - 123.45) < 1e-4);
	v = dec("87 09 0b 40 5e dc cc cc cc cc cd"); /* float64 123.45 (width 11) */
	cr_assert(v.ok && v.v.f == 123.45);
	v = dec("87 04 08 42 f6 e6"); /* wrong length for its width: raw */
	cr_assert(v.type == MG_MD_FLOAT && !v.ok);
	v = dec("84 02 06 40"); /* bit-string, 2 bits "01" */
	cr_assert(v.type == MG_MD_BITS && v.v.bits.nbits == 2 && v.v.bits.unused == 6);
	v = dec("84 01 00"); /* empty bit-string */
	cr_assert(v.ok && v.v.bits.nbits == 0);
	v = dec("89 03 01 02 03");
	cr_assert(v.type == MG_MD_OCTETS && v.raw_len == 3 && v.raw[2] == 3);
	v = dec("8a 02 4f 4b");
	cr_assert(v.type == MG_MD_VSTRING && !memcmp(v.raw, "OK", 2));
	v = dec("90 03 c3 a9 21"); /* mms-string (UTF-8) */
	cr_assert(v.type == MG_MD_MMSSTRING && v.raw_len == 3);
	v = dec("91 08 69 24 f1 80 80 00 00 0a"); /* utc-time, .5 s, quality 0x0a */
	cr_assert(v.type == MG_MD_UTCTIME && v.ok && v.v.utc.sec == 0x6924f180u &&
		  v.v.utc.frac == 0x800000 && v.v.utc.q == 0x0a);
	v = dec("91 07 69 24 f1 80 80 00 00");
	cr_assert(!v.ok);
	v = dec("8c 04 00 00 03 e8"); /* binary-time, 1000 ms after midnight */
	cr_assert(v.type == MG_MD_BTIME && v.ok && v.v.bt.ms == 1000 && !v.v.bt.has_days);
	v = dec("8c 06 00 00 03 e8 00 02");
	cr_assert(v.ok && v.v.bt.has_days && v.v.bt.days == 2);
	v = dec("a2 06 83 01 01 85 01 05"); /* structure of two */
	cr_assert(v.type == MG_MD_STRUCT && v.count == 2);
	v = dec("a1 00");
	cr_assert(v.type == MG_MD_ARRAY && v.count == 0);
}

Test(mmsdata, malformed_scalars)
{
	dec_bad("83 02 00 01"); /* BOOLEAN of two octets */
	dec_bad("83 00");
	dec_bad("85 00");       /* empty INTEGER */
	dec_bad("86 00");
	dec_bad("84 00");       /* bit-string without the unused-bits octet */
	dec_bad("84 02 08 00"); /* unused bits > 7 */
	dec_bad("84 01 03");    /* unused bits without any octet */
	dec_bad("88 00");       /* [8] is not a Data choice */
	dec_bad("a3 00");       /* constructed boolean */
	dec_bad("82 00");       /* primitive structure */
	dec_bad("45 01 00");    /* application class */
	dec_bad("83 01 00 00"); /* trailing */
	dec_bad("a2 03 83 01"); /* child past parent */
}

Test(mmsdata, iterator_preorder_and_depth)
{
	/* { 1, { true, 2.0f }, "x" } then integer 7 */
	uint8_t b[64];
	size_t n = mg_test_hex("a2 12 85 01 01 a2 0a 83 01 01 87 05 08 40 00 00 00 8a 01 78"
			       "85 01 07",
			       b, sizeof(b));
	struct mg_md_iter it;
	struct mg_md_val v;
	enum mg_reason why;
	static const uint8_t want[][2] = {
		{MG_MD_STRUCT, 0}, {MG_MD_INT, 1}, {MG_MD_STRUCT, 1}, {MG_MD_BOOL, 2},
		{MG_MD_FLOAT, 2},  {MG_MD_END, 1}, {MG_MD_VSTRING, 1}, {MG_MD_END, 0},
		{MG_MD_INT, 0},
	};

	mg_md_iter_init(&it, b, n);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(mg_md_next(&it, &v, &why), MG_OK, "item %zu", i);
		cr_assert_eq(v.type, want[i][0], "item %zu type %u", i, v.type);
		cr_assert_eq(v.depth, want[i][1], "item %zu depth %u", i, v.depth);
	}
	cr_assert_eq(mg_md_next(&it, &v, &why), MG_NEED_MORE);

	/* 15 nested structures fit, 16 do not: an explicit bound, no recursion. */
	for (int depth = 15; depth <= 17; depth++) {
		uint8_t d[64];
		size_t k = 0;

		for (int i = 0; i < depth; i++) {
			d[k++] = 0xa2;
			d[k++] = (uint8_t)(2 * (depth - i - 1) + 3);
		}
		d[k++] = 0x83;
		d[k++] = 1;
		d[k++] = 1;
		mg_md_iter_init(&it, d, k);
		enum mg_status st;
		int items = 0;

		while ((st = mg_md_next(&it, &v, &why)) == MG_OK)
			items++;
		if (depth < MG_MMSDATA_MAX_DEPTH) {
			cr_assert_eq(st, MG_NEED_MORE, "depth %d", depth);
			cr_assert_eq(items, 2 * depth + 1);
		} else {
			cr_assert_eq(st, MG_MALFORMED, "depth %d", depth);
			cr_assert_eq(why, MG_R_BER_NESTING);
		}
	}
}

static size_t w_ctl(uint8_t *b, size_t cap, const struct mg_gen_ctl *c)
{
	struct mg_gen_w w;

	mg_gen_w_init(&w, b, cap);
	mg_gen_w_ctl(&w, c);
	return mg_gen_w_done(&w);
}

static const struct mg_gen_data apc_sub_f[] = {{.kind = MG_GEN_D_FLOAT, .f = 42.5f}};
static const struct mg_gen_data apc_sub_if[] = {{.kind = MG_GEN_D_INT, .i = -7},
						{.kind = MG_GEN_D_FLOAT, .f = 1.25f}};

/* The control structures every test below walks: one per ctlVal form. */
static const struct mg_gen_ctl cases[] = {
	{.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 3, .or_ident = "SCADA1",
	 .ctl_num = 5, .with_check = true, .interlock = true},
	{.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 0}, .has_oper_tm = true, .oper_tm = 1764028900,
	 .or_cat = 2, .or_ident = "HMI", .ctl_num = 255, .test = true, .with_check = true,
	 .synchrocheck = true},
	{.ctl_val = {.kind = MG_GEN_D_INT, .i = -3}, .or_cat = 7, .or_ident = "", .ctl_num = 0,
	 .with_check = true, .synchrocheck = true, .interlock = true},
	{.ctl_val = {.kind = MG_GEN_D_STRUCT, .n = 1, .sub = apc_sub_f}, .or_cat = 3,
	 .or_ident = "x", .ctl_num = 9, .with_check = true},
	{.ctl_val = {.kind = MG_GEN_D_STRUCT, .n = 2, .sub = apc_sub_if}, .or_cat = 1,
	 .or_ident = "y", .ctl_num = 10, .with_check = true},
	{.ctl_val = {.kind = MG_GEN_D_BITS, .bits = 0x80000000u, .nbits = 2}, /* higher */
	 .or_cat = 3, .or_ident = "z", .ctl_num = 11, .with_check = true},
	{.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 3, .or_ident = "SCADA1",
	 .ctl_num = 6, .with_check = false}, /* Cancel */
	{.ctl_val = {.kind = MG_GEN_D_UINT, .i = 200}, .has_oper_tm = true, .or_cat = 4,
	 .or_ident = "a", .ctl_num = 12, .with_check = false},
	{.ctl_val = {.kind = MG_GEN_D_DOUBLE, .d = -0.5}, .or_cat = 3, .or_ident = "b",
	 .ctl_num = 13, .with_check = true},
};

static void check_case(const struct mg_gen_ctl *g, const struct mg_ctl_value *c, int i)
{
	cr_assert_eq(c->ctl_num, g->ctl_num, "case %d", i);
	cr_assert_eq(c->or_cat, g->or_cat, "case %d", i);
	cr_assert_eq(c->or_ident_len, strlen(g->or_ident), "case %d", i);
	cr_assert(!memcmp(c->or_ident, g->or_ident, c->or_ident_len), "case %d", i);
	cr_assert_eq(c->test, g->test, "case %d", i);
	cr_assert_eq(c->has_check, g->with_check, "case %d", i);
	cr_assert_eq(c->synchrocheck, g->synchrocheck, "case %d", i);
	cr_assert_eq(c->interlock, g->interlock, "case %d", i);
	cr_assert_eq(c->has_oper_tm, g->has_oper_tm, "case %d", i);
	if (g->has_oper_tm)
		cr_assert_eq(c->oper_tm.sec, g->oper_tm, "case %d", i);
	cr_assert_eq(c->t.sec, 1764028800u, "case %d", i);
	cr_assert(c->ctlval_ok, "case %d", i);
	switch (g->ctl_val.kind) {
	case MG_GEN_D_BOOL:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_BOOL);
		cr_assert_eq(c->b, g->ctl_val.i != 0, "case %d", i);
		break;
	case MG_GEN_D_INT:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_INT);
		cr_assert_eq(c->i, g->ctl_val.i);
		break;
	case MG_GEN_D_UINT:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_UINT);
		cr_assert_eq(c->i, g->ctl_val.i);
		break;
	case MG_GEN_D_DOUBLE:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_FLOAT);
		cr_assert_eq(c->f, g->ctl_val.d);
		break;
	case MG_GEN_D_BITS:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_STEP);
		cr_assert_eq(c->step, MG_STEP_HIGHER);
		break;
	case MG_GEN_D_STRUCT:
		cr_assert_eq(c->ctlval_kind, MG_CTLVAL_ANALOGUE);
		cr_assert(c->has_f);
		cr_assert_eq(c->f, g->ctl_val.sub[g->ctl_val.n - 1].f);
		cr_assert_eq(c->has_i, g->ctl_val.n == 2);
		if (c->has_i)
			cr_assert_eq(c->i, g->ctl_val.sub[0].i);
		break;
	default:
		cr_assert_fail("case %d", i);
	}
}

Test(mmsdata, control_structures)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[128];
		size_t n = w_ctl(b, sizeof(b), &cases[i]);
		struct mg_ctl_value c;
		enum mg_reason why;

		cr_assert_gt(n, 0);
		cr_assert_eq(mg_ctl_decode(b, n, cases[i].with_check, &c, &why), MG_OK,
			     "case %zu: %s", i, mg_reason_str(why));
		check_case(&cases[i], &c, (int)i);
		/* The other shape (Check expected / not expected) never fits. */
		cr_assert_eq(mg_ctl_decode(b, n, !cases[i].with_check, &c, &why), MG_MALFORMED,
			     "case %zu", i);
	}
}

Test(mmsdata, check_bit_order)
{
	/* Oper with Check = 84 02 06 80: first bit (MSB after the unused-bits
	 * octet) is synchrocheck, the second interlock-check. */
	uint8_t b[64];
	size_t n = mg_test_hex("a2 20"
			       "83 01 01"                   /* ctlVal */
			       "a2 07 85 01 03 89 02 41 42" /* origin { 3, "AB" } */
			       "86 01 07"                   /* ctlNum 7 */
			       "91 08 69 24 f1 80 00 00 00 0a" /* T */
			       "83 01 00"                   /* Test */
			       "84 02 06 80",               /* Check: synchrocheck */
			       b, sizeof(b));
	struct mg_ctl_value c;
	enum mg_reason why;

	cr_assert_eq(mg_ctl_decode(b, n, true, &c, &why), MG_OK, "%s", mg_reason_str(why));
	cr_assert(c.synchrocheck && !c.interlock && c.ctl_num == 7 && c.or_cat == 3);
	b[n - 1] = 0x40;
	cr_assert_eq(mg_ctl_decode(b, n, true, &c, &why), MG_OK);
	cr_assert(!c.synchrocheck && c.interlock);
	b[n - 1] = 0xc0;
	cr_assert_eq(mg_ctl_decode(b, n, true, &c, &why), MG_OK);
	cr_assert(c.synchrocheck && c.interlock);
	/* a Check of one bit is not a Check */
	b[n - 2] = 7;
	cr_assert_eq(mg_ctl_decode(b, n, true, &c, &why), MG_MALFORMED);
}

Test(mmsdata, control_wrong_shapes)
{
	static const char *const bad[] = {
		/* origin and ctlNum swapped */
		"a2 20 83 01 01 86 01 07 a2 07 85 01 03 89 02 41 42"
		"91 08 69 24 f1 80 00 00 00 0a 83 01 00 84 02 06 00",
		/* orIdent as visible-string */
		"a2 20 83 01 01 a2 07 85 01 03 8a 02 41 42 86 01 07"
		"91 08 69 24 f1 80 00 00 00 0a 83 01 00 84 02 06 00",
		/* T of 7 octets */
		"a2 1f 83 01 01 a2 07 85 01 03 89 02 41 42 86 01 07"
		"91 07 69 24 f1 80 00 00 00 83 01 00 84 02 06 00",
		/* an array, not a structure */
		"a1 20 83 01 01 a2 07 85 01 03 89 02 41 42 86 01 07"
		"91 08 69 24 f1 80 00 00 00 0a 83 01 00 84 02 06 00",
		/* too few elements */
		"a2 03 83 01 01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t b[64];
		size_t n = mg_test_hex(bad[i], b, sizeof(b));
		struct mg_ctl_value c;
		enum mg_reason why;

		cr_assert_eq(mg_ctl_decode(b, n, true, &c, &why), MG_MALFORMED, "case %zu", i);
		cr_assert_eq(why, MG_R_MMS_STRUCTURE, "case %zu: %s", i, mg_reason_str(why));
	}
}

Test(mmsdata, control_every_truncation)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[128];
		size_t n = w_ctl(b, sizeof(b), &cases[i]);

		for (size_t k = 0; k < n; k++) {
			/* exact-size copy so ASan sees any over-read */
			uint8_t *t = malloc(k ? k : 1);
			struct mg_ctl_value c;
			struct mg_md_iter it;
			struct mg_md_val v;
			enum mg_reason why;

			memcpy(t, b, k);
			cr_assert_eq(mg_ctl_decode(t, k, cases[i].with_check, &c, &why),
				     MG_MALFORMED, "case %zu cut %zu", i, k);
			mg_md_iter_init(&it, t, k);
			while (mg_md_next(&it, &v, &why) == MG_OK)
				;
			free(t);
		}
	}
}

/* ---- through the parser and the engine ----------------------------------- */

struct got {
	int n;
	struct mg_ctl_value c;
	enum mg_status st;
	uint8_t cls;
	uint8_t copy[512]; /* the PDU bytes outlive the callback */
};

static void on_ev(void *ud, const struct mg_ev *ev)
{
	struct got *g = ud;
	enum mg_reason why;

	if (ev->kind != MG_EV_MMS || ev->mms->type != MG_MMS_CONFIRMED_REQUEST)
		return;
	g->n++;
	cr_assert_not_null(ev->mms->write_data);
	const uint8_t *e;
	size_t el;

	cr_assert_eq(mg_md_elem(ev->mms->write_data, ev->mms->write_data_len, 0, &e, &el, &why),
		     MG_OK);
	g->cls = ev->mms->obj[0].iec_class;
	g->st = mg_ctl_decode(e, el, g->cls != MG_IEC_CANCEL, &g->c, &why);
	/* or_ident points into the engine's buffer: copy what we compare */
	memcpy(g->copy, g->c.or_ident, g->c.or_ident_len);
	g->c.or_ident = g->copy;
}

Test(mmsdata, engine_every_split_point)
{
	struct mg_engine e;
	struct mg_engine_cfg cfg = {
		.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
		.buf_get = mg_engine_malloc_get,
		.buf_put = mg_engine_malloc_put,
		.midstream_pickup = true,
	};
	struct mg_gen_conn gc;
	struct mg_gen_sink nosink = {0};

	mg_engine_init(&e, &cfg);
	mg_gen_conn_init4(&gc, 0x0a000001, 40000, 0x0a000002, 102, nosink);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pdu[256], wire[512];
		const char *obj = cases[i].with_check ? "LD0/CSWI1$CO$Pos$Oper"
						      : "LD0/CSWI1$CO$Pos$Cancel";
		size_t m = mg_gen_mms_write_ctl(pdu, sizeof(pdu), 1, obj, &cases[i]);
		size_t n = mg_gen_conn_wrap_mms(&gc, wire, sizeof(wire), pdu, m);

		cr_assert_gt(n, 0);
		/* The parser keeps the view. */
		struct mg_mms_pdu p;
		enum mg_reason why;

		cr_assert_eq(mg_mms_parse(pdu, m, &p, &why), MG_OK);
		cr_assert_not_null(p.write_data);
		for (size_t cut = 0; cut <= n; cut++) {
			struct mg_engine_conn c;
			struct got g = {0};
			uint8_t *a = malloc(cut ? cut : 1), *b = malloc(n - cut ? n - cut : 1);

			memcpy(a, wire, cut);
			memcpy(b, wire + cut, n - cut);
			mg_engine_conn_init(&c);
			mg_engine_feed(&e, &c, MG_DIR_C2S, a, cut, on_ev, &g);
			mg_engine_feed(&e, &c, MG_DIR_C2S, b, n - cut, on_ev, &g);
			cr_assert_eq(g.n, 1, "case %zu cut %zu", i, cut);
			cr_assert_eq(g.st, MG_OK, "case %zu cut %zu", i, cut);
			check_case(&cases[i], &g.c, (int)i);
			mg_engine_conn_release(&e, &c);
			free(a);
			free(b);
		}
	}
}

Test(mmsdata, reads_and_reports_keep_no_view)
{
	uint8_t pdu[256];
	const char *names[] = {"LD0/MMXU1$MX$TotW"};
	struct mg_gen_data d = {.kind = MG_GEN_D_FLOAT, .f = 1.0f};
	struct mg_mms_pdu p;
	enum mg_reason why;
	size_t m;

	m = mg_gen_mms_read(pdu, sizeof(pdu), 1, names, 1);
	cr_assert_eq(mg_mms_parse(pdu, m, &p, &why), MG_OK);
	cr_assert_null(p.write_data);
	m = mg_gen_mms_read_resp(pdu, sizeof(pdu), 1, &d, 1);
	cr_assert_eq(mg_mms_parse(pdu, m, &p, &why), MG_OK);
	cr_assert_null(p.write_data);
	m = mg_gen_mms_info_report(pdu, sizeof(pdu), "LD0/LLN0$RP$urcb01", &d, 1);
	cr_assert_eq(mg_mms_parse(pdu, m, &p, &why), MG_OK);
	cr_assert_null(p.write_data);
	m = mg_gen_mms_write(pdu, sizeof(pdu), 2, names, &d, 1);
	cr_assert_eq(mg_mms_parse(pdu, m, &p, &why), MG_OK);
	cr_assert_not_null(p.write_data);
	struct mg_md_val v;

	cr_assert_eq(mg_md_decode(p.write_data, p.write_data_len, &v, &why), MG_OK);
	cr_assert(v.type == MG_MD_FLOAT && v.v.f == 1.0);
}

Test(mmsdata, json_rendering)
{
	uint8_t b[64];
	char out[512], tiny[16];
	size_t n;

	/* values: nested, every scalar shape */
	n = mg_test_hex("a2 0b 85 01 ff 8a 02 22 41 84 02 06 40 83 01 01", b, sizeof(b));
	cr_assert_gt(mg_md_json(b, n, -1, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "\"values\":[{\"type\":\"structure\",\"value\":["
			      "{\"type\":\"integer\",\"value\":-1},"
			      "{\"type\":\"visible-string\",\"value\":\"\\\"A\"},"
			      "{\"type\":\"bit-string\",\"value\":\"40\",\"bits\":2}]},"
			      "{\"type\":\"boolean\",\"value\":true}]");
	/* not decoded: raw */
	n = mg_test_hex("85 09 00 ff ff ff ff ff ff ff ff", b, sizeof(b));
	cr_assert_gt(mg_md_json(b, n, -1, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "\"values\":[{\"type\":\"integer\",\"raw\":\"00ffffffffffffffff\"}]");
	/* does not fit: nothing */
	cr_assert_eq(mg_md_json(b, n, -1, tiny, sizeof(tiny)), 0);
	cr_assert_str_eq(tiny, "");
	/* deeper than the JSON depth: the inner value raw */
	size_t k = 0;
	for (int i = 0; i < 8; i++) {
		b[k++] = 0xa2;
		b[k++] = (uint8_t)(2 * (8 - i - 1) + 3);
	}
	b[k++] = 0x83;
	b[k++] = 1;
	b[k++] = 0;
	cr_assert_gt(mg_md_json(b, k, -1, out, sizeof(out)), 0);
	cr_assert(strstr(out, "\"raw\":\"a2") != NULL, "%s", out);
	/* a control name whose data is not a control */
	n = mg_test_hex("83 01 01", b, sizeof(b));
	cr_assert_gt(mg_md_json(b, n, 0, out, sizeof(out)), 0);
	cr_assert(!strncmp(out, "\"control_error\":", 16), "%s", out);
}
