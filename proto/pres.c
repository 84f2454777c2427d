/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8823 presentation layer, normal mode, BER. Decodes the PPDU a session
 * SPDU carries: CP-type and CPA-PPDU (both SETs, told apart by the session
 * SPDU), CPR-PPDU, ARU/ARP and the fully-encoded user data of the data phase
 * ([APPLICATION 1] SEQUENCE OF PDV-list). CP's definition list fills the
 * association's context table (which id is ACSE, which is MMS, whatever ids
 * the initiator chose); CPA's result list, in the same order, confirms them.
 * Only one PDV per PPDU is accepted: a second value would travel next to the
 * one the engine inspects. Every walk is a flat loop over mg_ber_next with a
 * fixed depth; nothing recurses.
 */
#include "mg_pres.h"

#include <string.h>

#include "mg_ber.h"
#include "mg_session.h"

/* Upper bound on CP's definition list: IEC 61850 proposes 2 contexts. */
#define PRES_MAX_CONTEXTS 16

/* Mode-selector mode-value */
#define PRES_MODE_NORMAL 1

/* Universal tags used here */
#define BER_INTEGER 2
#define BER_OID 6
#define BER_SEQUENCE 16
#define BER_SET 17

#define FAIL(r)                                                                                    \
	do {                                                                                       \
		*why = (r);                                                                        \
		return MG_MALFORMED;                                                               \
	} while (0)

void mg_pres_ctx_init(struct mg_pres_ctx *c)
{
	c->acse_id = -1;
	c->mms_id = -1;
	c->proposed = false;
	c->accepted = false;
	c->n_proposed = 0;
	c->acse_idx = -1;
	c->mms_idx = -1;
}

/* BER errors inside the PPDU keep the BER reason (more precise); anything
 * that is not NEED_MORE from mg_ber_next is malformed. */
static enum mg_status pres_next(struct mg_ber_iter *it, struct mg_ber_tlv *t, bool *end,
				enum mg_reason *why)
{
	enum mg_status st = mg_ber_next(it, t, why);

	*end = (st == MG_NEED_MORE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* One complete TLV spanning exactly [p, p+len): the content of a
 * single-ASN1-type or octet-aligned value must be one APDU, nothing after. */
static bool pres_one_tlv(const uint8_t *p, size_t len)
{
	struct mg_ber_tlv t;
	enum mg_reason r;

	return mg_ber_tlv(p, len, &t, &r) == MG_OK && t.hdr_len + t.len == len;
}

/* Content octets of the two abstract syntaxes we track, in the only
 * encoding X.690 allows (no 0x80 padding): comparing bytes avoids formatting
 * the OID as text on every CP. */
static const uint8_t pres_oid_acse[] = { 0x52, 0x01, 0x00, 0x01 };      /* 2.2.1.0.1 */
static const uint8_t pres_oid_mms[] = { 0x28, 0xca, 0x22, 0x02, 0x01 }; /* 1.0.9506.2.1 */

static bool pres_oid_is(const struct mg_ber_tlv *t, const uint8_t *enc, size_t n)
{
	return t->len == n && memcmp(t->val, enc, n) == 0;
}

static bool pres_ctx_id(const struct mg_ber_tlv *t, int32_t *id)
{
	/* Presentation-context-identifier ::= INTEGER (1..127, ..., 128..MAX) */
	return mg_ber_int32(t->val, t->len, id) && *id >= 1;
}

/*
 * Fully-encoded-data content: SEQUENCE OF PDV-list, exactly one PDV-list
 * { transfer-syntax-name OID OPTIONAL, presentation-context-identifier
 * INTEGER, presentation-data-values CHOICE { [0] ANY, [1] IMPLICIT OCTET
 * STRING, [2] IMPLICIT BIT STRING } }.
 */
static enum mg_status pres_fully_encoded(const uint8_t *p, size_t len, struct mg_pres_ppdu *out,
					 enum mg_reason *why)
{
	struct mg_ber_iter outer, in;
	struct mg_ber_tlv pdv, t;
	enum mg_status st;
	bool end;

	mg_ber_iter_init(&outer, p, len);
	st = pres_next(&outer, &pdv, &end, why);
	if (st != MG_OK)
		return st;
	if (end)
		FAIL(MG_R_PRES_NO_USER_DATA);
	if (!mg_ber_is(&pdv, MG_BER_UNIVERSAL, true, BER_SEQUENCE))
		FAIL(MG_R_PRES_STRUCTURE);
	if (outer.len != 0)
		FAIL(MG_R_PRES_MULTI_PDV);

	mg_ber_iter_init(&in, pdv.val, pdv.len);
	st = pres_next(&in, &t, &end, why);
	if (st != MG_OK)
		return st;
	if (!end && mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_OID)) {
		st = pres_next(&in, &t, &end, why); /* transfer syntax: skipped */
		if (st != MG_OK)
			return st;
	}
	if (end || !mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_INTEGER) ||
	    !pres_ctx_id(&t, &out->ctx_id))
		FAIL(MG_R_PRES_STRUCTURE);
	st = pres_next(&in, &t, &end, why);
	if (st != MG_OK)
		return st;
	if (end)
		FAIL(MG_R_PRES_NO_USER_DATA);
	if (t.cls != MG_BER_CONTEXT)
		FAIL(MG_R_PRES_STRUCTURE);
	if (t.tag == 0 && t.constructed) {
		/* single-ASN1-type: explicit tag around one APDU */
	} else if (t.tag == 1 && !t.constructed) {
		/* octet-aligned: the APDU encoding as an OCTET STRING */
	} else if (t.tag == 1 || t.tag == 2) {
		/* constructed OCTET STRING or arbitrary BIT STRING: not
		 * something we can inspect as one APDU */
		FAIL(MG_R_PRES_ENCODING);
	} else {
		FAIL(MG_R_PRES_STRUCTURE);
	}
	if (t.len == 0 || !pres_one_tlv(t.val, t.len))
		FAIL(MG_R_PRES_STRUCTURE);
	if (in.len != 0)
		FAIL(MG_R_PRES_STRUCTURE);
	out->user = t.val;
	out->user_len = t.len;
	return MG_OK;
}

/* User-data CHOICE: [APPLICATION 0] simply-encoded (unsupported) or
 * [APPLICATION 1] fully-encoded. */
static enum mg_status pres_user_data(const struct mg_ber_tlv *t, struct mg_pres_ppdu *out,
				     enum mg_reason *why)
{
	if (mg_ber_is(t, MG_BER_APPLICATION, true, 1))
		return pres_fully_encoded(t->val, t->len, out, why);
	if (t->cls == MG_BER_APPLICATION && t->tag == 0)
		FAIL(MG_R_PRES_ENCODING);
	FAIL(MG_R_PRES_STRUCTURE);
}

static bool pres_is_user_data(const struct mg_ber_tlv *t)
{
	return t->cls == MG_BER_APPLICATION && (t->tag == 0 || t->tag == 1);
}

/* Mode-selector ::= SET { [0] IMPLICIT INTEGER }: only normal mode. */
static enum mg_status pres_mode(const struct mg_ber_tlv *ms, enum mg_reason *why)
{
	struct mg_ber_tlv t;
	enum mg_status st = mg_ber_tlv(ms->val, ms->len, &t, why);
	int32_t mode;

	if (st != MG_OK)
		return st;
	if (!mg_ber_is(&t, MG_BER_CONTEXT, false, 0) || t.hdr_len + t.len != ms->len ||
	    !mg_ber_int32(t.val, t.len, &mode))
		FAIL(MG_R_PRES_STRUCTURE);
	if (mode != PRES_MODE_NORMAL)
		FAIL(MG_R_PRES_ENCODING); /* X.410-1984 mode: not used by MMS */
	return MG_OK;
}

/* A SEQUENCE OF OBJECT IDENTIFIER (transfer-syntax-name-list). */
static enum mg_status pres_oid_list(const struct mg_ber_tlv *l, enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	bool end;
	unsigned n = 0;

	mg_ber_iter_init(&it, l->val, l->len);
	for (;;) {
		st = pres_next(&it, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (!mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_OID) || t.len == 0)
			FAIL(MG_R_PRES_STRUCTURE);
		n++;
	}
	if (n == 0)
		FAIL(MG_R_PRES_STRUCTURE);
	return MG_OK;
}

/*
 * Presentation-context-definition-list ::= SEQUENCE OF SEQUENCE {
 *   presentation-context-identifier INTEGER, abstract-syntax-name OID,
 *   transfer-syntax-name-list SEQUENCE OF OID }
 * Fills *c (a scratch copy) with the ids and list positions of ACSE and MMS.
 */
static enum mg_status pres_def_list(const struct mg_ber_tlv *l, struct mg_pres_ctx *c,
				    enum mg_reason *why)
{
	struct mg_ber_iter it, el;
	struct mg_ber_tlv item, t;
	int32_t ids[PRES_MAX_CONTEXTS];
	unsigned n = 0;
	enum mg_status st;
	bool end;

	mg_ber_iter_init(&it, l->val, l->len);
	for (;;) {
		int32_t id;

		st = pres_next(&it, &item, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (!mg_ber_is(&item, MG_BER_UNIVERSAL, true, BER_SEQUENCE))
			FAIL(MG_R_PRES_STRUCTURE);
		if (n == PRES_MAX_CONTEXTS)
			FAIL(MG_R_PRES_CONTEXT);
		mg_ber_iter_init(&el, item.val, item.len);
		/* identifier */
		st = pres_next(&el, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end || !mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_INTEGER) ||
		    !pres_ctx_id(&t, &id))
			FAIL(MG_R_PRES_STRUCTURE);
		for (unsigned k = 0; k < n; k++)
			if (ids[k] == id)
				FAIL(MG_R_PRES_CONTEXT); /* same id twice */
		ids[n] = id;
		/* abstract syntax */
		st = pres_next(&el, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end || !mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_OID) || t.len == 0)
			FAIL(MG_R_PRES_STRUCTURE);
		if (pres_oid_is(&t, pres_oid_acse, sizeof(pres_oid_acse))) {
			if (c->acse_id >= 0)
				FAIL(MG_R_PRES_CONTEXT); /* ambiguous */
			c->acse_id = id;
			c->acse_idx = (int8_t)n;
		} else if (pres_oid_is(&t, pres_oid_mms, sizeof(pres_oid_mms))) {
			if (c->mms_id >= 0)
				FAIL(MG_R_PRES_CONTEXT);
			c->mms_id = id;
			c->mms_idx = (int8_t)n;
		}
		/* transfer syntaxes */
		st = pres_next(&el, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end || !mg_ber_is(&t, MG_BER_UNIVERSAL, true, BER_SEQUENCE))
			FAIL(MG_R_PRES_STRUCTURE);
		st = pres_oid_list(&t, why);
		if (st != MG_OK)
			return st;
		if (el.len != 0)
			FAIL(MG_R_PRES_STRUCTURE);
		n++;
	}
	c->n_proposed = (uint8_t)n;
	return MG_OK;
}

/*
 * Result-list ::= SEQUENCE OF SEQUENCE { [0] IMPLICIT Result, [1] IMPLICIT
 * Transfer-syntax-name OPTIONAL, [2] IMPLICIT INTEGER OPTIONAL }, in the
 * order of CP's definition list. A context not accepted is dropped from the
 * table. When no CP was seen the positions are unknown: only structure is
 * checked.
 */
static enum mg_status pres_result_list(const struct mg_ber_tlv *l, struct mg_pres_ctx *c,
				       enum mg_reason *why)
{
	struct mg_ber_iter it, el;
	struct mg_ber_tlv item, t;
	unsigned n = 0;
	enum mg_status st;
	bool end;

	mg_ber_iter_init(&it, l->val, l->len);
	for (;;) {
		int32_t result;

		st = pres_next(&it, &item, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (!mg_ber_is(&item, MG_BER_UNIVERSAL, true, BER_SEQUENCE))
			FAIL(MG_R_PRES_STRUCTURE);
		mg_ber_iter_init(&el, item.val, item.len);
		st = pres_next(&el, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end || !mg_ber_is(&t, MG_BER_CONTEXT, false, 0) ||
		    !mg_ber_int32(t.val, t.len, &result))
			FAIL(MG_R_PRES_STRUCTURE);
		for (;;) { /* [1] transfer syntax, [2] provider reason */
			st = pres_next(&el, &t, &end, why);
			if (st != MG_OK)
				return st;
			if (end)
				break;
			if (t.cls != MG_BER_CONTEXT || t.constructed || (t.tag != 1 && t.tag != 2))
				FAIL(MG_R_PRES_STRUCTURE);
		}
		if (c->proposed) {
			if (n >= c->n_proposed)
				FAIL(MG_R_PRES_CONTEXT); /* more results than proposals */
			if (result != 0 && (int)n == c->acse_idx)
				c->acse_id = -1;
			if (result != 0 && (int)n == c->mms_idx)
				c->mms_id = -1;
		}
		n++;
	}
	if (c->proposed && n != c->n_proposed)
		FAIL(MG_R_PRES_CONTEXT);
	return MG_OK;
}

/* Which normal-mode parameters each PPDU admits (context tags). */
#define BIT(n) (1u << (n))
/* CP: version, calling/called selectors, definition list, default context,
 * presentation/user-session requirements, protocol options, initiator's
 * nominated context, extensions. */
#define PRES_CP_TAGS (BIT(0) | BIT(1) | BIT(2) | BIT(4) | BIT(6) | BIT(8) | BIT(9) | BIT(11) | \
		      BIT(12) | BIT(14))
/* CPA: version, responding selector, result list, requirements, protocol
 * options, responder's nominated context. */
#define PRES_CPA_TAGS (BIT(0) | BIT(3) | BIT(5) | BIT(8) | BIT(9) | BIT(11) | BIT(13))
/* CPR: version, responding selector, result list, default context result,
 * provider reason. */
#define PRES_CPR_TAGS (BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(10))

/*
 * Walk a normal-mode-parameters SEQUENCE (CP, CPA) or a CPR SEQUENCE: known
 * context tags are checked against `allowed` and used or skipped, user data
 * is decoded into *out. *c is the scratch table.
 */
static enum mg_status pres_normal(const uint8_t *p, size_t len, uint32_t allowed,
				  struct mg_pres_ctx *c, struct mg_pres_ppdu *out,
				  enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	uint32_t seen = 0;
	bool user = false, end;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	for (;;) {
		st = pres_next(&it, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (user)
			FAIL(MG_R_PRES_STRUCTURE); /* user data comes last */
		if (pres_is_user_data(&t)) {
			st = pres_user_data(&t, out, why);
			if (st != MG_OK)
				return st;
			user = true;
			continue;
		}
		if (t.cls != MG_BER_CONTEXT || t.tag >= 32 || !(allowed & BIT(t.tag)) ||
		    (seen & BIT(t.tag)))
			FAIL(MG_R_PRES_STRUCTURE);
		seen |= BIT(t.tag);
		if (t.tag == 4) {
			if (!t.constructed)
				FAIL(MG_R_PRES_STRUCTURE);
			st = pres_def_list(&t, c, why);
			if (st != MG_OK)
				return st;
		} else if (t.tag == 5) {
			if (!t.constructed)
				FAIL(MG_R_PRES_STRUCTURE);
			st = pres_result_list(&t, c, why);
			if (st != MG_OK)
				return st;
		}
	}
	return MG_OK;
}

/* CP-type / CPA-PPDU ::= SET { [0] Mode-selector, [1] X.410 parameters
 * OPTIONAL, [2] normal-mode-parameters OPTIONAL } */
static enum mg_status pres_connect(const struct mg_ber_tlv *set, bool cp, struct mg_pres_ctx *c,
				   struct mg_pres_ppdu *out, enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	bool mode = false, normal = false, end;
	enum mg_status st;

	mg_ber_iter_init(&it, set->val, set->len);
	for (;;) {
		st = pres_next(&it, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (mg_ber_is(&t, MG_BER_CONTEXT, true, 0) && !mode) {
			st = pres_mode(&t, why);
			if (st != MG_OK)
				return st;
			mode = true;
		} else if (mg_ber_is(&t, MG_BER_CONTEXT, true, 2) && !normal) {
			st = pres_normal(t.val, t.len, cp ? PRES_CP_TAGS : PRES_CPA_TAGS, c, out,
					 why);
			if (st != MG_OK)
				return st;
			normal = true;
		} else {
			/* [1] X.410 parameters make no sense in normal mode;
			 * anything else is not CP/CPA. */
			FAIL(MG_R_PRES_STRUCTURE);
		}
	}
	if (!mode)
		FAIL(MG_R_PRES_STRUCTURE);
	if (out->user == NULL)
		FAIL(MG_R_PRES_NO_USER_DATA);
	return MG_OK;
}

/* ARU-PPDU normal mode: [0] IMPLICIT SEQUENCE { [0] context-identifier-list
 * OPTIONAL, user-data OPTIONAL } */
static enum mg_status pres_aru(const struct mg_ber_tlv *aru, struct mg_pres_ppdu *out,
			       enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	bool list = false, user = false, end;
	enum mg_status st;

	mg_ber_iter_init(&it, aru->val, aru->len);
	for (;;) {
		st = pres_next(&it, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (user)
			FAIL(MG_R_PRES_STRUCTURE);
		if (pres_is_user_data(&t)) {
			st = pres_user_data(&t, out, why);
			if (st != MG_OK)
				return st;
			user = true;
		} else if (mg_ber_is(&t, MG_BER_CONTEXT, true, 0) && !list) {
			list = true; /* SEQUENCE OF { id, transfer syntax }: skipped */
		} else {
			FAIL(MG_R_PRES_STRUCTURE);
		}
	}
	return MG_OK;
}

/* ARP-PPDU ::= SEQUENCE { [0] IMPLICIT Abort-reason OPTIONAL, [1] IMPLICIT
 * Event-identifier OPTIONAL } */
static enum mg_status pres_arp(const struct mg_ber_tlv *arp, enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	uint32_t seen = 0;
	bool end;
	enum mg_status st;

	mg_ber_iter_init(&it, arp->val, arp->len);
	for (;;) {
		st = pres_next(&it, &t, &end, why);
		if (st != MG_OK)
			return st;
		if (end)
			break;
		if (t.cls != MG_BER_CONTEXT || t.constructed || t.tag > 1 || (seen & BIT(t.tag)))
			FAIL(MG_R_PRES_STRUCTURE);
		seen |= BIT(t.tag);
	}
	return MG_OK;
}

/* Map the PDV's context id to its abstract syntax. Once a CP defined the
 * table, an id outside it is refused; mid-stream (no CP) it is reported as
 * unknown and the engine decides. */
static enum mg_status pres_abstract(const struct mg_pres_ctx *c, struct mg_pres_ppdu *out,
				    enum mg_reason *why)
{
	if (out->user == NULL)
		return MG_OK;
	if (out->ctx_id == c->acse_id)
		out->abstract = MG_PRES_AS_ACSE;
	else if (out->ctx_id == c->mms_id)
		out->abstract = MG_PRES_AS_MMS;
	else if (c->proposed)
		FAIL(MG_R_PRES_CONTEXT);
	else
		out->abstract = MG_PRES_AS_UNKNOWN;
	return MG_OK;
}

static void pres_out_reset(struct mg_pres_ppdu *out)
{
	out->kind = 0;
	out->ctx_id = -1;
	out->abstract = MG_PRES_AS_UNKNOWN;
	out->user = NULL;
	out->user_len = 0;
}

static enum mg_status pres_dispatch(const struct mg_ber_tlv *t, uint8_t ses_kind,
				    struct mg_pres_ctx *ctx, struct mg_pres_ppdu *out,
				    enum mg_reason *why)
{
	struct mg_pres_ctx c;
	enum mg_status st;

	switch (ses_kind) {
	case MG_SES_CN: /* → CP-type */
		if (!mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SET))
			FAIL(MG_R_PRES_PPDU);
		/* A new CP starts a new table; commit only if all of it parses. */
		mg_pres_ctx_init(&c);
		c.proposed = true;
		out->kind = MG_PRES_CP;
		st = pres_connect(t, true, &c, out, why);
		if (st != MG_OK)
			return st;
		st = pres_abstract(&c, out, why);
		if (st != MG_OK)
			return st;
		*ctx = c;
		return MG_OK;
	case MG_SES_AC: /* → CPA-PPDU */
		if (!mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SET))
			FAIL(MG_R_PRES_PPDU);
		c = *ctx;
		out->kind = MG_PRES_CPA;
		st = pres_connect(t, false, &c, out, why);
		if (st != MG_OK)
			return st;
		c.accepted = true;
		st = pres_abstract(&c, out, why);
		if (st != MG_OK)
			return st;
		*ctx = c;
		return MG_OK;
	case MG_SES_RF: /* → CPR-PPDU */
		out->kind = MG_PRES_CPR;
		if (mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SET))
			return MG_OK; /* X.410 RTORJ: nothing to inspect */
		if (!mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SEQUENCE))
			FAIL(MG_R_PRES_PPDU);
		c = *ctx;
		st = pres_normal(t->val, t->len, PRES_CPR_TAGS, &c, out, why);
		if (st != MG_OK)
			return st;
		return pres_abstract(ctx, out, why);
	case MG_SES_DT:
	case MG_SES_FN:
	case MG_SES_DN:
	case MG_SES_NF:
		if (!pres_is_user_data(t))
			FAIL(MG_R_PRES_PPDU);
		out->kind = MG_PRES_TD;
		st = pres_user_data(t, out, why);
		if (st != MG_OK)
			return st;
		return pres_abstract(ctx, out, why);
	case MG_SES_AB: /* → ARU or ARP */
		if (mg_ber_is(t, MG_BER_CONTEXT, true, 0)) {
			out->kind = MG_PRES_ARU;
			st = pres_aru(t, out, why);
			if (st != MG_OK)
				return st;
			return pres_abstract(ctx, out, why);
		}
		if (mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SET)) {
			out->kind = MG_PRES_ARU; /* X.410 RTAB: nothing to inspect */
			return MG_OK;
		}
		if (mg_ber_is(t, MG_BER_UNIVERSAL, true, BER_SEQUENCE)) {
			out->kind = MG_PRES_ARP;
			return pres_arp(t, why);
		}
		FAIL(MG_R_PRES_PPDU);
	default:
		FAIL(MG_R_PRES_PPDU); /* AA or anything else carries no PPDU */
	}
}

enum mg_status mg_pres_parse(const uint8_t *p, size_t len, uint8_t ses_kind,
			     struct mg_pres_ctx *ctx, struct mg_pres_ppdu *out,
			     enum mg_reason *why)
{
	struct mg_ber_tlv t;
	enum mg_status st;

	pres_out_reset(out);
	st = mg_ber_tlv(p, len, &t, why);
	if (st != MG_OK)
		return st;
	if (t.hdr_len + t.len != len)
		FAIL(MG_R_PRES_STRUCTURE); /* bytes after the PPDU */
	st = pres_dispatch(&t, ses_kind, ctx, out, why);
	if (st != MG_OK) {
		uint8_t kind = out->kind;

		pres_out_reset(out);
		out->kind = kind; /* keep what was recognised, for events */
	}
	return st;
}

const char *mg_pres_kind_str(uint8_t kind)
{
	switch (kind) {
	case MG_PRES_CP: return "CP";
	case MG_PRES_CPA: return "CPA";
	case MG_PRES_CPR: return "CPR";
	case MG_PRES_TD: return "TD";
	case MG_PRES_ARU: return "ARU";
	case MG_PRES_ARP: return "ARP";
	}
	return "?";
}
