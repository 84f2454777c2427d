/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data of a write request as JSON members, for `mmsgatectl replay`
 * records and the dataplane's events (one formatter, so both say the same):
 * a write naming exactly one IEC 61850 control structure gets
 *   "control":{"ctlVal":…,"operTm":…,"ctlNum":N,"test":bool,
 *              "check":{"synchrocheck":bool,"interlock":bool},
 *              "orCat":N,"orIdent":"hex","T":"ISO 8601"}
 * (no "check" for a Cancel, "operTm" only when present); every other write
 *   "values":[{"type":"integer","value":5},{"type":"structure","value":[…]}]
 * in listOfData order. Values not decoded are {"type":…,"raw":"hex"};
 * constructed values deeper than MG_MD_JSON_DEPTH are written raw.
 * Bounded: the walk is mg_md_next's explicit stack, the output a caller's
 * buffer (nothing is written when it does not fit).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_mmsdata.h"

#define MG_MD_JSON_DEPTH 6

struct out {
	char *b;
	size_t cap, n;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->full)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->b + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->cap - o->n) {
		o->full = true;
		return;
	}
	o->n += (size_t)w;
}

static void hex(struct out *o, const uint8_t *p, size_t n)
{
	put(o, "\"");
	for (size_t i = 0; i < n && !o->full; i++)
		put(o, "%02x", p[i]);
	put(o, "\"");
}

/* A JSON string from wire bytes: printable ASCII kept, the rest \u00XX. */
static void str(struct out *o, const uint8_t *p, size_t n)
{
	put(o, "\"");
	for (size_t i = 0; i < n && !o->full; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			put(o, "%c", c);
		else
			put(o, "\\u%04x", c);
	}
	put(o, "\"");
}

static void num(struct out *o, double f, bool single)
{
	if (isnan(f) || isinf(f))
		put(o, "\"%s\"", isnan(f) ? "nan" : f > 0 ? "inf" : "-inf");
	else
		put(o, single ? "%.9g" : "%.17g", f);
}

static void utc(struct out *o, const struct mg_md_utc *u)
{
	time_t t = (time_t)u->sec;
	struct tm tm;
	unsigned us = (unsigned)(((uint64_t)u->frac * 1000000u) >> 24);

	gmtime_r(&t, &tm);
	put(o, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06uZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

static void scalar(struct out *o, const struct mg_md_val *v)
{
	if (!v->ok) {
		put(o, ",\"raw\":");
		hex(o, v->raw, v->raw_len);
		return;
	}
	put(o, ",\"value\":");
	switch (v->type) {
	case MG_MD_BOOL: put(o, "%s", v->v.b ? "true" : "false"); break;
	case MG_MD_INT: put(o, "%lld", (long long)v->v.i); break;
	case MG_MD_UINT: put(o, "%llu", (unsigned long long)v->v.u); break;
	case MG_MD_FLOAT: num(o, v->v.f, v->raw_len == 5); break;
	case MG_MD_BITS:
	case MG_MD_BOOLARRAY:
		/* the bits, MSB first, without the unused-bits octet */
		hex(o, v->raw + 1, v->raw_len - 1);
		put(o, ",\"bits\":%u", v->v.bits.nbits);
		break;
	case MG_MD_VSTRING:
	case MG_MD_MMSSTRING:
	case MG_MD_GTIME: str(o, v->raw, v->raw_len); break;
	case MG_MD_UTCTIME: utc(o, &v->v.utc); break;
	case MG_MD_BTIME:
		put(o, "%u", v->v.bt.ms);
		if (v->v.bt.has_days)
			put(o, ",\"days\":%u", v->v.bt.days);
		break;
	default: hex(o, v->raw, v->raw_len); break;
	}
}

static void values(struct out *o, const uint8_t *p, size_t len)
{
	struct mg_md_iter it;
	struct mg_md_val v;
	enum mg_reason why;
	enum mg_status st;
	unsigned skip_to = UINT32_MAX;
	bool first[MG_MMSDATA_MAX_DEPTH + 1] = {true};

	put(o, "\"values\":[");
	mg_md_iter_init(&it, p, len);
	while ((st = mg_md_next(&it, &v, &why)) == MG_OK && !o->full) {
		if (skip_to != UINT32_MAX) {
			if (v.type == MG_MD_END && v.depth == skip_to)
				skip_to = UINT32_MAX;
			continue;
		}
		if (v.type == MG_MD_END) {
			put(o, "]}");
			continue;
		}
		put(o, "%s{\"type\":\"%s\"", first[v.depth] ? "" : ",", mg_md_type_str(v.type));
		first[v.depth] = false;
		if (v.type == MG_MD_ARRAY || v.type == MG_MD_STRUCT) {
			if (v.depth + 1 >= MG_MD_JSON_DEPTH) {
				put(o, ",\"raw\":");
				hex(o, v.raw, v.raw_len);
				put(o, "}");
				skip_to = v.depth;
				continue;
			}
			put(o, ",\"value\":[");
			first[v.depth + 1] = true;
			continue;
		}
		scalar(o, &v);
		put(o, "}");
	}
	put(o, "]");
	if (st != MG_NEED_MORE && !o->full)
		put(o, ",\"values_error\":\"%s\"", mg_reason_str(why));
}

static const char *const step_names[4] = {"stop", "lower", "higher", "reserved"};

static void control(struct out *o, const struct mg_ctl_value *c)
{
	put(o, "\"control\":{\"ctlVal\":");
	if (!c->ctlval_ok) {
		put(o, "{\"type\":\"%s\",\"raw\":", mg_md_type_str(c->ctlval.type));
		hex(o, c->ctlval.raw, c->ctlval.raw_len);
		put(o, "}");
	} else {
		switch (c->ctlval_kind) {
		case MG_CTLVAL_BOOL: put(o, "%s", c->b ? "true" : "false"); break;
		case MG_CTLVAL_INT:
		case MG_CTLVAL_UINT: put(o, "%lld", (long long)c->i); break;
		case MG_CTLVAL_FLOAT: num(o, c->f, c->ctlval.raw_len == 5); break;
		case MG_CTLVAL_STEP: put(o, "\"%s\"", step_names[c->step & 3]); break;
		case MG_CTLVAL_ANALOGUE:
			put(o, "{");
			if (c->has_i)
				put(o, "\"i\":%lld%s", (long long)c->i, c->has_f ? "," : "");
			if (c->has_f) {
				put(o, "\"f\":");
				num(o, c->f, true);
			}
			put(o, "}");
			break;
		default: put(o, "null"); break;
		}
	}
	if (c->has_oper_tm) {
		put(o, ",\"operTm\":");
		utc(o, &c->oper_tm);
	}
	put(o, ",\"ctlNum\":%u,\"test\":%s", c->ctl_num, c->test ? "true" : "false");
	if (c->has_check)
		put(o, ",\"check\":{\"synchrocheck\":%s,\"interlock\":%s}",
		    c->synchrocheck ? "true" : "false", c->interlock ? "true" : "false");
	put(o, ",\"orCat\":%d,\"orIdent\":", c->or_cat);
	hex(o, c->or_ident, c->or_ident_len);
	put(o, ",\"T\":");
	utc(o, &c->t);
	put(o, "}");
}

size_t mg_md_json(const uint8_t *data, size_t len, int ctl, char *buf, size_t cap)
{
	struct out o = {.b = buf, .cap = cap};
	enum mg_reason why = MG_R_NONE;

	if (!data || cap == 0)
		return 0;
	buf[0] = '\0';
	if (ctl >= 0) {
		struct mg_ctl_value c;
		const uint8_t *e;
		size_t el;

		if (mg_md_elem(data, len, 0, &e, &el, &why) == MG_OK &&
		    mg_ctl_decode(e, el, ctl == 0, &c, &why) == MG_OK) {
			control(&o, &c);
			goto done;
		}
		/* named like a control, not shaped like one: say so, show the data */
		put(&o, "\"control_error\":\"%s\",", mg_reason_str(why));
	}
	values(&o, data, len);
done:
	if (o.full) {
		buf[0] = '\0';
		return 0;
	}
	return o.n;
}

int mg_md_json_kind(const struct mg_mms_pdu *m)
{
	if (!m || !m->write_data)
		return -2;
	if (m->nobj != 1 || m->obj_truncated)
		return -1;
	switch (m->obj[0].iec_class) {
	case MG_IEC_OPERATE:
	case MG_IEC_SELECT_WITH_VALUE: return 0;
	case MG_IEC_CANCEL: return 1;
	default: return -1;
	}
}
