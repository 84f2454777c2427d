/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IED-style refusals of denied MMS requests (see mg_refuse.h for what is
 * answered how). The plan re-reads the request's own bytes rather than the
 * decoded struct mg_mms_pdu because the answer must be exact where the
 * decoder summarises: the item count of a read or write (the decoder keeps
 * at most MG_MMS_MAX_OBJS names) and the variableAccessSpecification to echo.
 *
 * The builder writes backwards from the end of the caller's buffer, so every
 * length is known when its header is written (no second pass, no recursion,
 * no allocation), then lays the TPKT/COTP framing out forwards in place.
 */
#include <string.h>

#include "mg_ber.h"
#include "mg_mms.h"
#include "mg_refuse.h"

const char *mg_refuse_kind_str(uint8_t kind)
{
	switch (kind) {
	case MG_REFUSE_REPLY: return "reply";
	case MG_REFUSE_REMOVE: return "remove";
	default: return "reset";
	}
}

/* ---- plan -------------------------------------------------------------- */

static enum mg_status bad(enum mg_reason *why, enum mg_reason r)
{
	if (why)
		*why = r;
	return MG_MALFORMED;
}

static bool is_ctx(const struct mg_ber_tlv *t, bool cons, uint32_t tag)
{
	return mg_ber_is(t, MG_BER_CONTEXT, cons, tag);
}

/* Count the TLVs of a constructed value; false if one is malformed. */
static bool count_children(const struct mg_ber_tlv *t, uint32_t *n)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv c;
	enum mg_reason why;
	enum mg_status s;

	*n = 0;
	mg_ber_iter_init(&it, t->val, t->len);
	while ((s = mg_ber_next(&it, &c, &why)) == MG_OK)
		(*n)++;
	return s == MG_NEED_MORE;
}

static bool ends_with(const uint8_t *p, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !memcmp(p + len - n, suffix, n);
}

/* Does one listOfVariable entry (SEQUENCE { variableSpecification, … })
 * name an IEC 61850 control attribute? ObjectName is vmd-specific [0],
 * domain-specific [1] { domainId, itemId } or aa-specific [2]. */
static bool names_control(const struct mg_ber_tlv *entry)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv spec, name, part;
	enum mg_reason why;
	const uint8_t *item = NULL;
	size_t item_len = 0;

	mg_ber_iter_init(&it, entry->val, entry->len);
	if (mg_ber_next(&it, &spec, &why) != MG_OK || !is_ctx(&spec, true, 0))
		return false; /* not a name (address, description…) */
	mg_ber_iter_init(&it, spec.val, spec.len);
	if (mg_ber_next(&it, &name, &why) != MG_OK)
		return false;
	if (is_ctx(&name, false, 0) || is_ctx(&name, false, 2)) {
		item = name.val;
		item_len = name.len;
	} else if (is_ctx(&name, true, 1)) {
		mg_ber_iter_init(&it, name.val, name.len);
		if (mg_ber_next(&it, &part, &why) != MG_OK ||
		    mg_ber_next(&it, &part, &why) != MG_OK)
			return false;
		item = part.val;
		item_len = part.len;
	}
	return item && (ends_with(item, item_len, "$Oper") || ends_with(item, item_len, "$SBOw") ||
	                ends_with(item, item_len, "$Cancel"));
}

static bool is_file_service(uint16_t svc)
{
	return svc == MG_SVC_OBTAIN_FILE ||
	       (svc >= MG_SVC_FILE_OPEN && svc <= MG_SVC_FILE_DIRECTORY);
}

static void service_error(struct mg_refuse_req *r)
{
	r->reply = MG_REFUSE_SERVICE_ERROR;
	if (is_file_service(r->service)) {
		r->err_class = MG_REFUSE_ECLASS_FILE;
		r->err_code = MG_REFUSE_FILE_ACCESS_DENIED;
	} else {
		r->err_class = MG_REFUSE_ECLASS_ACCESS;
		r->err_code = MG_REFUSE_ACCESS_DENIED;
	}
}

/* Read-Request ::= SEQUENCE { specificationWithResult [0] IMPLICIT BOOLEAN
 * DEFAULT FALSE, variableAccessSpecification [1] VariableAccessSpecification } */
static enum mg_status plan_read(const struct mg_ber_tlv *svc, struct mg_refuse_req *r,
                                enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t, vas;
	bool with_result = false;

	mg_ber_iter_init(&it, svc->val, svc->len);
	if (mg_ber_next(&it, &t, why) != MG_OK)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (is_ctx(&t, false, 0)) {
		with_result = t.len == 1 && t.val[0] != 0;
		if (mg_ber_next(&it, &t, why) != MG_OK)
			return bad(why, MG_R_MMS_STRUCTURE);
	}
	if (!is_ctx(&t, true, 1))
		return bad(why, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, t.val, t.len);
	if (mg_ber_next(&it, &vas, why) != MG_OK)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (is_ctx(&vas, true, 1)) { /* variableListName: a data set */
		service_error(r);
		return MG_OK;
	}
	if (!is_ctx(&vas, true, 0) || !count_children(&vas, &r->nitems) || r->nitems == 0)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (r->nitems > MG_REFUSE_MAX_ITEMS) {
		service_error(r);
		return MG_OK;
	}
	r->reply = MG_REFUSE_READ_DENIED;
	if (with_result) {
		r->spec = vas.val - vas.hdr_len;
		r->spec_len = vas.hdr_len + vas.len;
	}
	return MG_OK;
}

/* Write-Request ::= SEQUENCE { variableAccessSpecification,
 * listOfData [0] IMPLICIT SEQUENCE OF Data } */
static enum mg_status plan_write(const struct mg_ber_tlv *svc, struct mg_refuse_req *r,
                                 enum mg_reason *why)
{
	struct mg_ber_iter it, vit;
	struct mg_ber_tlv vas, data, e;
	uint32_t nvars = 0, ndata = 0;

	mg_ber_iter_init(&it, svc->val, svc->len);
	if (mg_ber_next(&it, &vas, why) != MG_OK || mg_ber_next(&it, &data, why) != MG_OK ||
	    !is_ctx(&data, true, 0) || !count_children(&data, &ndata) || ndata == 0)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (is_ctx(&vas, true, 0)) {
		if (!count_children(&vas, &nvars) || nvars != ndata)
			return bad(why, MG_R_MMS_DATA_COUNT);
		mg_ber_iter_init(&vit, vas.val, vas.len);
		while (mg_ber_next(&vit, &e, why) == MG_OK)
			if (names_control(&e))
				r->control = true;
	} else if (!is_ctx(&vas, true, 1)) {
		return bad(why, MG_R_MMS_STRUCTURE);
	}
	if (ndata > MG_REFUSE_MAX_ITEMS) {
		service_error(r);
		return MG_OK;
	}
	r->nitems = ndata;
	r->reply = MG_REFUSE_WRITE_DENIED;
	return MG_OK;
}

enum mg_status mg_refuse_plan(const uint8_t *mms, size_t len, struct mg_refuse_req *r,
                              enum mg_reason *why)
{
	struct mg_ber_tlv pdu, t;
	struct mg_ber_iter it;

	memset(r, 0, sizeof(*r));
	r->service = MG_SVC_NONE;
	if (mg_ber_tlv(mms, len, &pdu, why) != MG_OK)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (pdu.cls != MG_BER_CONTEXT)
		return bad(why, MG_R_MMS_PDU);
	if ((pdu.tag == MG_MMS_UNCONFIRMED || pdu.tag == MG_MMS_CONFIRMED_REQUEST) &&
	    !pdu.constructed)
		return bad(why, MG_R_MMS_PDU);
	if (pdu.tag == MG_MMS_UNCONFIRMED) {
		r->kind = MG_REFUSE_REMOVE;
		return MG_OK;
	}
	if (pdu.tag != MG_MMS_CONFIRMED_REQUEST) {
		r->kind = MG_REFUSE_RESET;
		return MG_OK;
	}
	mg_ber_iter_init(&it, pdu.val, pdu.len);
	if (mg_ber_next(&it, &t, why) != MG_OK || !mg_ber_is(&t, MG_BER_UNIVERSAL, false, 2) ||
	    !mg_ber_uint32(t.val, t.len, &r->invoke_id))
		return bad(why, MG_R_MMS_INVOKE_ID);
	if (mg_ber_next(&it, &t, why) != MG_OK)
		return bad(why, MG_R_MMS_STRUCTURE);
	if (mg_ber_is(&t, MG_BER_UNIVERSAL, true, 16) && mg_ber_next(&it, &t, why) != MG_OK)
		return bad(why, MG_R_MMS_STRUCTURE); /* listOfModifier, then the service */
	if (t.cls != MG_BER_CONTEXT || t.tag >= MG_SVC_CONFIRMED_MAX)
		return bad(why, MG_R_MMS_SERVICE);
	r->service = (uint16_t)t.tag;
	r->kind = MG_REFUSE_REPLY;
	switch (t.tag) {
	case MG_SVC_READ:
		if (!t.constructed)
			return bad(why, MG_R_MMS_STRUCTURE);
		return plan_read(&t, r, why);
	case MG_SVC_WRITE:
		if (!t.constructed)
			return bad(why, MG_R_MMS_STRUCTURE);
		return plan_write(&t, r, why);
	default: service_error(r); return MG_OK;
	}
}

/* ---- build ------------------------------------------------------------- */

/* Backward writer: content first, then its header in front of it. */
struct bw {
	uint8_t *p;
	size_t pos; /* first byte written so far */
	bool err;
};

static void bw_bytes(struct bw *w, const void *b, size_t n)
{
	if (w->err || n > w->pos) {
		w->err = true;
		return;
	}
	w->pos -= n;
	memcpy(w->p + w->pos, b, n);
}

static void bw_byte(struct bw *w, uint8_t b)
{
	bw_bytes(w, &b, 1);
}

/* Tag (single identifier octet: every tag written here is < 31) and the
 * definite length of the n content bytes already written after it. */
static void bw_hdr(struct bw *w, uint8_t id, size_t n)
{
	uint8_t l[5];
	size_t k = 0;

	if (n < 0x80) {
		l[k++] = (uint8_t)n;
	} else {
		uint8_t t[4];
		size_t m = 0;
		for (size_t v = n; v; v >>= 8)
			t[m++] = (uint8_t)v;
		l[k++] = (uint8_t)(0x80 | m);
		while (m)
			l[k++] = t[--m];
	}
	bw_bytes(w, l, k);
	bw_byte(w, id);
}

/* Unsigned value as a minimal INTEGER (leading 0x00 when the top bit is set). */
static void bw_uint(struct bw *w, uint8_t id, uint32_t v)
{
	size_t start = w->pos;
	do {
		bw_byte(w, (uint8_t)v);
		v >>= 8;
	} while (v);
	if (!w->err && (w->p[w->pos] & 0x80))
		bw_byte(w, 0);
	bw_hdr(w, id, start - w->pos);
}

/* Writes the MMS PDU so it ends at w->pos. */
static void bw_mms(struct bw *w, const struct mg_refuse_req *r)
{
	size_t end = w->pos, mark;
	static const uint8_t denied[3] = {0x80, 0x01, MG_REFUSE_DAE_ACCESS_DENIED};

	switch (r->reply) {
	case MG_REFUSE_READ_DENIED:
		/* listOfAccessResult [1]: failure [0] IMPLICIT DataAccessError */
		mark = w->pos;
		for (uint32_t i = 0; i < r->nitems && !w->err; i++)
			bw_bytes(w, denied, sizeof(denied));
		bw_hdr(w, 0xA1, mark - w->pos);
		if (r->spec) { /* variableAccessSpecification [0], echoed */
			mark = w->pos;
			bw_bytes(w, r->spec, r->spec_len);
			bw_hdr(w, 0xA0, mark - w->pos);
		}
		bw_hdr(w, 0xA4, end - w->pos); /* read [4] */
		break;
	case MG_REFUSE_WRITE_DENIED:
		for (uint32_t i = 0; i < r->nitems && !w->err; i++)
			bw_bytes(w, denied, sizeof(denied));
		bw_hdr(w, 0xA5, end - w->pos); /* write [5] IMPLICIT SEQUENCE OF */
		break;
	case MG_REFUSE_SERVICE_ERROR:
		/* serviceError [2] { errorClass [0] { [class] IMPLICIT INTEGER } } */
		mark = w->pos;
		bw_uint(w, (uint8_t)(0x80 | (r->err_class & 0x1F)), (uint32_t)r->err_code);
		bw_hdr(w, 0xA0, mark - w->pos);
		bw_hdr(w, 0xA2, end - w->pos);
		bw_uint(w, 0x80, r->invoke_id); /* invokeID [0] IMPLICIT Unsigned32 */
		bw_hdr(w, 0xA2, end - w->pos);  /* confirmed-ErrorPDU [2] */
		return;
	default: w->err = true; return;
	}
	bw_uint(w, 0x02, r->invoke_id); /* invokeID Unsigned32 */
	bw_hdr(w, 0xA1, end - w->pos);  /* confirmed-ResponsePDU [1] */
}

static bool reply_ok(const struct mg_refuse_req *r)
{
	return r && r->kind == MG_REFUSE_REPLY &&
	       (r->reply == MG_REFUSE_SERVICE_ERROR ||
	        ((r->reply == MG_REFUSE_READ_DENIED || r->reply == MG_REFUSE_WRITE_DENIED) &&
	         r->nitems > 0 && r->nitems <= MG_REFUSE_MAX_ITEMS));
}

size_t mg_refuse_build_mms(const struct mg_refuse_req *r, uint8_t *buf, size_t cap)
{
	if (!reply_ok(r))
		return 0;
	struct bw w = {buf, cap, false};
	bw_mms(&w, r);
	if (w.err)
		return 0;
	size_t n = cap - w.pos;
	memmove(buf, buf + w.pos, n);
	return n;
}

/* Largest TSDU bytes per TPKT: TPKT length is 16 bits, 4 + 3 header. */
#define MG_REFUSE_TPKT_DATA_MAX (65535u - 7u)

static size_t data_per_tpdu(uint32_t tpdu_max)
{
	if (tpdu_max == 0 || tpdu_max - 3 > MG_REFUSE_TPKT_DATA_MAX)
		return MG_REFUSE_TPKT_DATA_MAX;
	return tpdu_max > 3 ? tpdu_max - 3 : 0;
}

size_t mg_refuse_buf_size(const struct mg_refuse_req *r, uint32_t tpdu_max)
{
	size_t per = data_per_tpdu(tpdu_max);
	if (!reply_ok(r) || per == 0)
		return 0;
	/* MMS: 3 bytes per item + spec + headers; session/presentation ≤ 40. */
	size_t tsdu = 3 * (size_t)r->nitems + r->spec_len + 64 + 40;
	return tsdu + 7 * ((tsdu + per - 1) / per);
}

size_t mg_refuse_build(const struct mg_refuse_req *r, int32_t pres_ctx, uint32_t tpdu_max,
                       uint8_t *buf, size_t cap)
{
	size_t per = data_per_tpdu(tpdu_max);
	if (!reply_ok(r) || per == 0 || pres_ctx < 0)
		return 0;
	struct bw w = {buf, cap, false};
	size_t end = w.pos;

	/* User-data ::= fully-encoded-data [APPLICATION 1] IMPLICIT SEQUENCE OF
	 * PDV-list { presentation-context-identifier, single-ASN1-type [0] } */
	bw_mms(&w, r);
	bw_hdr(&w, 0xA0, end - w.pos);
	bw_uint(&w, 0x02, (uint32_t)pres_ctx);
	bw_hdr(&w, 0x30, end - w.pos);
	bw_hdr(&w, 0x61, end - w.pos);
	/* Session: GIVE TOKENS (SI 1, LI 0) + DATA TRANSFER (SI 1, LI 0). */
	static const uint8_t ses[4] = {0x01, 0x00, 0x01, 0x00};
	bw_bytes(&w, ses, sizeof(ses));
	if (w.err)
		return 0;
	size_t tsdu = end - w.pos;
	size_t n = (tsdu + per - 1) / per;
	/* Framing goes in front, forwards: header i lands before TSDU byte
	 * i*per, which has not been moved yet as long as 7*n <= w.pos. */
	if (7 * n > w.pos)
		return 0;
	size_t in = w.pos, out = 0;
	for (size_t i = 0; i < n; i++) {
		size_t chunk = tsdu - i * per < per ? tsdu - i * per : per;
		size_t tl = chunk + 7;
		uint8_t hdr[7] = {0x03,
		                  0x00,
		                  (uint8_t)(tl >> 8),
		                  (uint8_t)tl,
		                  0x02,
		                  0xF0,
		                  (uint8_t)(i + 1 == n ? 0x80 : 0x00)};
		memcpy(buf + out, hdr, sizeof(hdr));
		memmove(buf + out + 7, buf + in, chunk);
		out += tl;
		in += chunk;
	}
	return out;
}
