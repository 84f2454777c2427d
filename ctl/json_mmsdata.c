/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data of a write request as JSON, for replay records: a write naming
 * exactly one IEC 61850 control structure (…$Oper, …$SBOw, …$Cancel) gets a
 * "control" object {ctlVal, ctlNum, test, check{synchrocheck, interlock},
 * orCat, orIdent (hex), T (ISO 8601), operTm when present}; every other
 * write a "values" array of {type, value} in listOfData order, structures
 * and arrays nested. Values that were not decoded (a 9-octet integer, a
 * float of another exponent width, nesting deeper than the JSON writer
 * allows) are written as {type, raw: hex}. Decoding is mg_mmsdata.h's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json_data.h"
#include "mg_iec61850.h"
#include "mg_mmsdata.h"

/* Data nesting written as JSON; deeper constructed values go out raw (the
 * record object and the values array take two writer levels, each Data
 * level two more). */
#define DATA_JSON_DEPTH 6

static void hex(struct mg_json *j, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	char buf[2 * 256 + 1];

	if (n > 256)
		n = 256; /* a display value; the full bytes stay on the wire */
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = d[p[i] >> 4];
		buf[2 * i + 1] = d[p[i] & 15];
	}
	mg_json_strn(j, buf, 2 * n);
}

static void num(struct mg_json *j, double f, bool single)
{
	char buf[40];

	if (isnan(f) || isinf(f)) {
		mg_json_str(j, isnan(f) ? "nan" : f > 0 ? "inf" : "-inf");
		return;
	}
	snprintf(buf, sizeof(buf), single ? "%.9g" : "%.17g", f);
	mg_json_raw(j, buf);
}

static void utc(struct mg_json *j, const struct mg_md_utc *u)
{
	char buf[48];
	time_t t = (time_t)u->sec;
	struct tm tm;
	unsigned us = (unsigned)(((uint64_t)u->frac * 1000000u) >> 24);

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
	mg_json_str(j, buf);
}

/* The value of one primitive Data (after "value" key), or raw. */
static void scalar(struct mg_json *j, const struct mg_md_val *v)
{
	if (!v->ok) {
		mg_json_key(j, "raw");
		hex(j, v->raw, v->raw_len);
		return;
	}
	mg_json_key(j, "value");
	switch (v->type) {
	case MG_MD_BOOL: mg_json_bool(j, v->v.b); break;
	case MG_MD_INT: mg_json_i64(j, v->v.i); break;
	case MG_MD_UINT: mg_json_u64(j, v->v.u); break;
	case MG_MD_FLOAT: num(j, v->v.f, v->raw_len == 5); break;
	case MG_MD_BITS:
	case MG_MD_BOOLARRAY:
		/* the bits, MSB first, without the unused-bits octet */
		hex(j, v->raw + 1, v->raw_len - 1);
		mg_json_kv_u64(j, "bits", v->v.bits.nbits);
		break;
	case MG_MD_VSTRING:
	case MG_MD_MMSSTRING:
	case MG_MD_GTIME: mg_json_strn(j, v->raw, v->raw_len); break;
	case MG_MD_UTCTIME: utc(j, &v->v.utc); break;
	case MG_MD_BTIME:
		mg_json_u64(j, v->v.bt.ms);
		if (v->v.bt.has_days)
			mg_json_kv_u64(j, "days", v->v.bt.days);
		break;
	default: hex(j, v->raw, v->raw_len); break;
	}
}

/* The values of a listOfData, nested, with the iterator's explicit stack. */
static void values(struct mg_json *j, const uint8_t *p, size_t len)
{
	struct mg_md_iter it;
	struct mg_md_val v;
	enum mg_reason why;
	enum mg_status st;
	unsigned skip_to = UINT32_MAX; /* skipping the inside of a raw value */

	mg_json_key(j, "values");
	mg_json_arr_begin(j);
	mg_md_iter_init(&it, p, len);
	while ((st = mg_md_next(&it, &v, &why)) == MG_OK) {
		if (skip_to != UINT32_MAX) {
			if (v.type == MG_MD_END && v.depth == skip_to)
				skip_to = UINT32_MAX;
			continue;
		}
		if (v.type == MG_MD_END) {
			mg_json_arr_end(j); /* "value" */
			mg_json_obj_end(j);
			continue;
		}
		mg_json_obj_begin(j);
		mg_json_kv_str(j, "type", mg_md_type_str(v.type));
		if (v.type == MG_MD_ARRAY || v.type == MG_MD_STRUCT) {
			if (v.depth + 1 >= DATA_JSON_DEPTH) {
				mg_json_key(j, "raw");
				hex(j, v.raw, v.raw_len);
				mg_json_obj_end(j);
				skip_to = v.depth;
				continue;
			}
			mg_json_key(j, "value");
			mg_json_arr_begin(j);
			continue;
		}
		scalar(j, &v);
		mg_json_obj_end(j);
	}
	mg_json_arr_end(j);
	if (st != MG_NEED_MORE)
		mg_json_kv_str(j, "values_error", mg_reason_str(why));
}

static const char *const step_names[4] = {"stop", "lower", "higher", "reserved"};

static void ctlval(struct mg_json *j, const struct mg_ctl_value *c)
{
	mg_json_key(j, "ctlVal");
	if (!c->ctlval_ok) {
		mg_json_obj_begin(j);
		mg_json_kv_str(j, "type", mg_md_type_str(c->ctlval.type));
		mg_json_key(j, "raw");
		hex(j, c->ctlval.raw, c->ctlval.raw_len);
		mg_json_obj_end(j);
		return;
	}
	switch (c->ctlval_kind) {
	case MG_CTLVAL_BOOL: mg_json_bool(j, c->b); break;
	case MG_CTLVAL_INT:
	case MG_CTLVAL_UINT: mg_json_i64(j, c->i); break;
	case MG_CTLVAL_FLOAT: num(j, c->f, c->ctlval.raw_len == 5); break;
	case MG_CTLVAL_STEP: mg_json_str(j, step_names[c->step & 3]); break;
	case MG_CTLVAL_ANALOGUE:
		mg_json_obj_begin(j);
		if (c->has_i)
			mg_json_kv_i64(j, "i", c->i);
		if (c->has_f) {
			mg_json_key(j, "f");
			num(j, c->f, true);
		}
		mg_json_obj_end(j);
		break;
	default: mg_json_null(j); break;
	}
}

/* Which of pdu's objects is a control structure write, -1 if none. */
static bool is_control(const struct mg_mms_obj *o)
{
	return o->iec_class == MG_IEC_OPERATE || o->iec_class == MG_IEC_SELECT_WITH_VALUE ||
	       o->iec_class == MG_IEC_CANCEL;
}

void mg_json_write_data(struct mg_json *j, const struct mg_mms_pdu *m)
{
	if (!m || !m->write_data)
		return;
	if (m->nobj == 1 && is_control(&m->obj[0])) {
		struct mg_ctl_value c;
		enum mg_reason why;
		const uint8_t *e;
		size_t el;

		if (mg_md_elem(m->write_data, m->write_data_len, 0, &e, &el, &why) == MG_OK &&
		    mg_ctl_decode(e, el, m->obj[0].iec_class != MG_IEC_CANCEL, &c, &why) == MG_OK) {
			mg_json_key(j, "control");
			mg_json_obj_begin(j);
			ctlval(j, &c);
			if (c.has_oper_tm) {
				mg_json_key(j, "operTm");
				utc(j, &c.oper_tm);
			}
			mg_json_kv_u64(j, "ctlNum", c.ctl_num);
			mg_json_kv_bool(j, "test", c.test);
			if (c.has_check) {
				mg_json_key(j, "check");
				mg_json_obj_begin(j);
				mg_json_kv_bool(j, "synchrocheck", c.synchrocheck);
				mg_json_kv_bool(j, "interlock", c.interlock);
				mg_json_obj_end(j);
			}
			mg_json_kv_i64(j, "orCat", c.or_cat);
			mg_json_key(j, "orIdent");
			hex(j, c.or_ident, c.or_ident_len);
			mg_json_key(j, "T");
			utc(j, &c.t);
			mg_json_obj_end(j);
			return;
		}
		/* Named like a control but not shaped like one: say so, and
		 * show what was written. */
		mg_json_kv_str(j, "control_error", mg_reason_str(why));
	}
	values(j, m->write_data, m->write_data_len);
}
