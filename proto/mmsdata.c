/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS Data decoding (the Data CHOICE of ISO 9506-2, tags as in Wireshark's
 * mms.asn) and the IEC 61850-8-1 control structures. Owns the value view
 * the policy's value clauses and the replay JSON read; see mg_mmsdata.h.
 *
 * Why it is apart from mms.c: mms.c validates a PDU's structure on every
 * PDU; the values of a write are needed only when a rule asks about them,
 * so they are decoded lazily, here, from the view mms.c keeps.
 * Depth: an explicit stack of MG_MMSDATA_MAX_DEPTH cursors; nothing
 * recurses on the depth the sender chooses.
 */
#include "mg_mmsdata.h"

#include <string.h>

#include "mg_ber.h"

const char *mg_md_type_str(uint8_t t)
{
	switch (t) {
	case MG_MD_ARRAY: return "array";
	case MG_MD_STRUCT: return "structure";
	case MG_MD_BOOL: return "boolean";
	case MG_MD_BITS: return "bit-string";
	case MG_MD_INT: return "integer";
	case MG_MD_UINT: return "unsigned";
	case MG_MD_FLOAT: return "floating-point";
	case MG_MD_OCTETS: return "octet-string";
	case MG_MD_VSTRING: return "visible-string";
	case MG_MD_GTIME: return "generalized-time";
	case MG_MD_BTIME: return "binary-time";
	case MG_MD_BCD: return "bcd";
	case MG_MD_BOOLARRAY: return "boolean-array";
	case MG_MD_OBJID: return "object-identifier";
	case MG_MD_MMSSTRING: return "mms-string";
	case MG_MD_UTCTIME: return "utc-time";
	case MG_MD_END: return "end";
	default: return "unknown";
	}
}

static enum mg_status bad(enum mg_reason *why, enum mg_reason r)
{
	*why = r;
	return MG_MALFORMED;
}

/* Two's complement INTEGER content of 1..8 octets. */
static bool int64_of(const uint8_t *p, size_t n, int64_t *out)
{
	if (n == 0 || n > 8)
		return false;
	uint64_t v = (p[0] & 0x80) ? ~(uint64_t)0 : 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	*out = (int64_t)v;
	return true;
}

/* Unsigned as BER INTEGER: up to 8 value octets, 9 with a leading 0x00;
 * a negative encoding is not an unsigned value. */
static bool uint64_of(const uint8_t *p, size_t n, uint64_t *out)
{
	if (n == 0 || (p[0] & 0x80))
		return false;
	if (n == 9) {
		if (p[0] != 0)
			return false;
		p++;
		n--;
	}
	if (n > 8)
		return false;
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	*out = v;
	return true;
}

/* MMS FloatingPoint: one exponent-width octet, then IEEE 754 big-endian
 * (8 → single, 11 → double). Other widths are legal MMS but are not what
 * IEC 61850 sends: kept raw. */
static bool float_of(const uint8_t *p, size_t n, double *out)
{
	if (n == 5 && p[0] == 8) {
		uint32_t w =
		    (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
		float f;

		memcpy(&f, &w, sizeof(f));
		*out = f;
		return true;
	}
	if (n == 9 && p[0] == 11) {
		uint64_t w = 0;
		double d;

		for (size_t i = 1; i < 9; i++)
			w = (w << 8) | p[i];
		memcpy(&d, &w, sizeof(d));
		*out = d;
		return true;
	}
	return false;
}

/* Fill *v from one TLV already split by mg_ber_tlv. */
static enum mg_status value_of(const struct mg_ber_tlv *t, struct mg_md_val *v, enum mg_reason *why)
{
	memset(v, 0, sizeof(*v));
	if (t->cls != MG_BER_CONTEXT)
		return bad(why, MG_R_BER_UNEXPECTED_TAG);
	v->type = (uint8_t)t->tag;
	v->raw = t->val;
	v->raw_len = (uint32_t)t->len;
	switch (t->tag) {
	case MG_MD_ARRAY:
	case MG_MD_STRUCT:
		if (!t->constructed)
			return bad(why, MG_R_MMS_STRUCTURE);
		v->ok = true;
		return MG_OK;
	case MG_MD_BOOL:
	case MG_MD_BITS:
	case MG_MD_INT:
	case MG_MD_UINT:
	case MG_MD_FLOAT:
	case MG_MD_OCTETS:
	case MG_MD_VSTRING:
	case MG_MD_GTIME:
	case MG_MD_BTIME:
	case MG_MD_BCD:
	case MG_MD_BOOLARRAY:
	case MG_MD_OBJID:
	case MG_MD_MMSSTRING:
	case MG_MD_UTCTIME: break;
	default: return bad(why, MG_R_BER_UNEXPECTED_TAG);
	}
	if (t->constructed)
		return bad(why, MG_R_MMS_STRUCTURE);
	const uint8_t *p = t->val;
	size_t n = t->len;

	switch (t->tag) {
	case MG_MD_BOOL:
		/* BER BOOLEAN is exactly one octet. */
		if (n != 1)
			return bad(why, MG_R_MMS_STRUCTURE);
		v->v.b = p[0] != 0;
		v->ok = true;
		break;
	case MG_MD_BITS:
	case MG_MD_BOOLARRAY:
		if (n == 0 || p[0] > 7 || (n == 1 && p[0] != 0))
			return bad(why, MG_R_MMS_STRUCTURE);
		v->v.bits.unused = p[0];
		v->v.bits.nbits = (uint32_t)((n - 1) * 8 - p[0]);
		v->ok = true;
		break;
	case MG_MD_INT:
		if (n == 0)
			return bad(why, MG_R_BER_BAD_INTEGER);
		v->ok = int64_of(p, n, &v->v.i);
		break;
	case MG_MD_UINT:
		if (n == 0)
			return bad(why, MG_R_BER_BAD_INTEGER);
		v->ok = uint64_of(p, n, &v->v.u);
		break;
	case MG_MD_FLOAT: v->ok = float_of(p, n, &v->v.f); break;
	case MG_MD_UTCTIME:
		if (n == 8) {
			v->v.utc.sec = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			               (uint32_t)p[2] << 8 | p[3];
			v->v.utc.frac = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
			v->v.utc.q = p[7];
			v->ok = true;
		}
		break;
	case MG_MD_BTIME:
		if (n == 4 || n == 6) {
			v->v.bt.ms = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			             (uint32_t)p[2] << 8 | p[3];
			if (n == 6) {
				v->v.bt.days = (uint16_t)(p[4] << 8 | p[5]);
				v->v.bt.has_days = true;
			}
			v->ok = true;
		}
		break;
	default: /* strings, bcd, objId, generalized-time: raw view */ v->ok = true; break;
	}
	return MG_OK;
}

void mg_md_iter_init(struct mg_md_iter *it, const uint8_t *p, size_t len)
{
	it->depth = 0;
	it->st[0].p = p;
	it->st[0].len = len;
}

enum mg_status mg_md_next(struct mg_md_iter *it, struct mg_md_val *v, enum mg_reason *why)
{
	struct mg_ber_tlv t;
	enum mg_status s;

	if (it->st[it->depth].len == 0) {
		if (it->depth == 0)
			return MG_NEED_MORE;
		it->depth--;
		memset(v, 0, sizeof(*v));
		v->type = MG_MD_END;
		v->depth = (uint8_t)it->depth;
		v->ok = true;
		return MG_OK;
	}
	s = mg_ber_tlv(it->st[it->depth].p, it->st[it->depth].len, &t, why);
	if (s != MG_OK)
		return s == MG_NEED_MORE ? bad(why, MG_R_BER_TRUNCATED) : s;
	if ((s = value_of(&t, v, why)) != MG_OK)
		return s;
	v->depth = (uint8_t)it->depth;
	it->st[it->depth].p += t.hdr_len + t.len;
	it->st[it->depth].len -= t.hdr_len + t.len;
	if (v->type == MG_MD_ARRAY || v->type == MG_MD_STRUCT) {
		struct mg_ber_iter ci;
		struct mg_ber_tlv c;
		uint32_t k = 0;

		if (it->depth + 1 >= MG_MMSDATA_MAX_DEPTH)
			return bad(why, MG_R_BER_NESTING);
		/* Count the elements now so a consumer knows the shape before
		 * it walks them (Oper is positional). */
		mg_ber_iter_init(&ci, t.val, t.len);
		while ((s = mg_ber_next(&ci, &c, why)) == MG_OK)
			k++;
		if (s != MG_NEED_MORE)
			return s;
		v->count = k;
		it->depth++;
		it->st[it->depth].p = t.val;
		it->st[it->depth].len = t.len;
	}
	return MG_OK;
}

enum mg_status mg_md_decode(const uint8_t *p, size_t len, struct mg_md_val *v, enum mg_reason *why)
{
	struct mg_ber_tlv t;
	enum mg_status s = mg_ber_tlv(p, len, &t, why);

	if (s != MG_OK)
		return s == MG_NEED_MORE ? bad(why, MG_R_BER_TRUNCATED) : s;
	if (t.hdr_len + t.len != len)
		return bad(why, MG_R_MMS_TRAILING);
	if ((s = value_of(&t, v, why)) != MG_OK)
		return s;
	if (v->type == MG_MD_ARRAY || v->type == MG_MD_STRUCT) {
		struct mg_ber_iter ci;
		struct mg_ber_tlv c;

		mg_ber_iter_init(&ci, t.val, t.len);
		while ((s = mg_ber_next(&ci, &c, why)) == MG_OK)
			v->count++;
		if (s != MG_NEED_MORE)
			return s;
	}
	return MG_OK;
}

enum mg_status mg_md_elem(const uint8_t *p, size_t len, unsigned idx, const uint8_t **ep,
                          size_t *elen, enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status s;
	unsigned k = 0;

	mg_ber_iter_init(&it, p, len);
	while ((s = mg_ber_next(&it, &t, why)) == MG_OK) {
		if (k++ == idx) {
			*ep = t.val - t.hdr_len;
			*elen = t.hdr_len + t.len;
			return MG_OK;
		}
	}
	return s;
}

bool mg_md_number(const struct mg_md_val *v, double *out)
{
	if (!v->ok)
		return false;
	switch (v->type) {
	case MG_MD_INT: *out = (double)v->v.i; return true;
	case MG_MD_UINT: *out = (double)v->v.u; return true;
	case MG_MD_FLOAT: *out = v->v.f; return true;
	case MG_MD_BOOL: *out = v->v.b ? 1 : 0; return true;
	default: return false;
	}
}

/* ---- control structures ------------------------------------------------- */

/* The elements of one structure, each split into a TLV; at most max. */
static enum mg_status split(const uint8_t *p, size_t len, struct mg_ber_tlv *e, unsigned max,
                            unsigned *n, enum mg_reason *why)
{
	struct mg_ber_iter it;
	enum mg_status s;

	*n = 0;
	mg_ber_iter_init(&it, p, len);
	for (;;) {
		struct mg_ber_tlv t;

		s = mg_ber_next(&it, &t, why);
		if (s == MG_NEED_MORE)
			return MG_OK;
		if (s != MG_OK)
			return s;
		if (*n >= max)
			return bad(why, MG_R_MMS_STRUCTURE);
		e[(*n)++] = t;
	}
}

static enum mg_status field(const struct mg_ber_tlv *t, uint8_t type, struct mg_md_val *v,
                            enum mg_reason *why)
{
	enum mg_status s = value_of(t, v, why);

	if (s != MG_OK)
		return s;
	if (v->type != type || !v->ok)
		return bad(why, MG_R_MMS_STRUCTURE);
	return MG_OK;
}

/* ctlVal by CDC shape (see enum mg_ctlval_kind). */
static enum mg_status ctlval(const struct mg_ber_tlv *t, struct mg_ctl_value *c,
                             enum mg_reason *why)
{
	struct mg_md_val *v = &c->ctlval;
	enum mg_status s = value_of(t, v, why);

	if (s != MG_OK)
		return s;
	c->ctlval_ok = v->ok;
	switch (v->type) {
	case MG_MD_BOOL:
		c->ctlval_kind = MG_CTLVAL_BOOL;
		c->b = v->v.b;
		c->i = v->v.b;
		c->f = v->v.b;
		break;
	case MG_MD_INT:
		c->ctlval_kind = MG_CTLVAL_INT;
		c->i = v->v.i;
		c->f = (double)v->v.i;
		break;
	case MG_MD_UINT:
		c->ctlval_kind = MG_CTLVAL_UINT;
		c->ctlval_ok = v->ok && v->v.u <= INT64_MAX;
		c->i = (int64_t)v->v.u;
		c->f = (double)v->v.u;
		break;
	case MG_MD_FLOAT:
		c->ctlval_kind = MG_CTLVAL_FLOAT;
		c->f = v->v.f;
		break;
	case MG_MD_BITS:
		/* StepControl / coded enum in 2 bits: the first bit is the
		 * MSB of the value (8-1 coded enums). */
		c->ctlval_kind = MG_CTLVAL_STEP;
		c->ctlval_ok = v->ok && v->v.bits.nbits == 2;
		if (c->ctlval_ok) {
			c->step = (uint8_t)(t->val[1] >> 6);
			c->i = c->step;
			c->f = c->step;
		}
		break;
	case MG_MD_STRUCT: { /* AnalogueValue { i INT32 OPT, f FLOAT32 OPT } */
		struct mg_ber_tlv e[2];
		unsigned n;
		struct mg_md_val x;

		c->ctlval_kind = MG_CTLVAL_ANALOGUE;
		c->ctlval_ok = false;
		if (split(t->val, t->len, e, 2, &n, why) != MG_OK || n == 0)
			break; /* kept as undecodable, not malformed */
		for (unsigned k = 0; k < n; k++) {
			if (value_of(&e[k], &x, why) != MG_OK || !x.ok)
				return MG_OK;
			if (x.type == MG_MD_INT && !c->has_i) {
				c->has_i = true;
				c->i = x.v.i;
			} else if (x.type == MG_MD_FLOAT && !c->has_f) {
				c->has_f = true;
				c->f = x.v.f;
			} else {
				return MG_OK;
			}
		}
		if (!c->has_f)
			c->f = (double)c->i;
		c->ctlval_ok = true;
		break;
	}
	default:
		c->ctlval_kind = MG_CTLVAL_OTHER;
		c->ctlval_ok = false;
		break;
	}
	return MG_OK;
}

enum mg_status mg_ctl_decode(const uint8_t *p, size_t len, bool with_check,
                             struct mg_ctl_value *out, enum mg_reason *why)
{
	struct mg_ber_tlv top, e[8], o[3];
	struct mg_md_val v;
	unsigned n, no, k = 0;
	enum mg_status s;

	memset(out, 0, sizeof(*out));
	out->or_cat = -1;
	if ((s = mg_ber_tlv(p, len, &top, why)) != MG_OK)
		return s == MG_NEED_MORE ? bad(why, MG_R_BER_TRUNCATED) : s;
	if (top.hdr_len + top.len != len)
		return bad(why, MG_R_MMS_TRAILING);
	if (!mg_ber_is(&top, MG_BER_CONTEXT, true, MG_MD_STRUCT))
		return bad(why, MG_R_MMS_STRUCTURE);
	if ((s = split(top.val, top.len, e, 8, &n, why)) != MG_OK)
		return s;
	/* ctlVal, [operTm], origin, ctlNum, T, Test[, Check] */
	unsigned base = with_check ? 6 : 5;

	if (n < base || n > base + 1)
		return bad(why, MG_R_MMS_STRUCTURE);
	if ((s = ctlval(&e[k++], out, why)) != MG_OK)
		return s;
	if (n == base + 1) {
		if ((s = field(&e[k++], MG_MD_UTCTIME, &v, why)) != MG_OK)
			return s;
		out->has_oper_tm = true;
		out->oper_tm = v.v.utc;
	}
	/* origin { orCat, orIdent } */
	if ((s = field(&e[k], MG_MD_STRUCT, &v, why)) != MG_OK)
		return s;
	if ((s = split(e[k].val, e[k].len, o, 3, &no, why)) != MG_OK)
		return s;
	if (no != 2)
		return bad(why, MG_R_MMS_STRUCTURE);
	if ((s = field(&o[0], MG_MD_INT, &v, why)) != MG_OK)
		return s;
	if (v.v.i < INT32_MIN || v.v.i > INT32_MAX)
		return bad(why, MG_R_BER_BAD_INTEGER);
	out->or_cat = (int32_t)v.v.i;
	if ((s = field(&o[1], MG_MD_OCTETS, &v, why)) != MG_OK)
		return s;
	out->or_ident = v.raw;
	out->or_ident_len = v.raw_len;
	k++;
	/* ctlNum: INT8U, sent as unsigned (some stacks: integer) */
	if ((s = value_of(&e[k], &v, why)) != MG_OK)
		return s;
	if (v.type == MG_MD_UINT && v.ok && v.v.u <= UINT32_MAX)
		out->ctl_num = (uint32_t)v.v.u;
	else if (v.type == MG_MD_INT && v.ok && v.v.i >= 0 && v.v.i <= UINT32_MAX)
		out->ctl_num = (uint32_t)v.v.i;
	else
		return bad(why, MG_R_MMS_STRUCTURE);
	k++;
	if ((s = field(&e[k++], MG_MD_UTCTIME, &v, why)) != MG_OK)
		return s;
	out->t = v.v.utc;
	if ((s = field(&e[k++], MG_MD_BOOL, &v, why)) != MG_OK)
		return s;
	out->test = v.v.b;
	if (with_check) {
		if ((s = field(&e[k++], MG_MD_BITS, &v, why)) != MG_OK)
			return s;
		if (v.v.bits.nbits < 2)
			return bad(why, MG_R_MMS_STRUCTURE);
		out->has_check = true;
		out->synchrocheck = (v.raw[1] & 0x80) != 0;
		out->interlock = (v.raw[1] & 0x40) != 0;
	}
	return MG_OK;
}
