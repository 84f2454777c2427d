/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACSE (ISO 8650-1 / X.227) APDUs: AARQ, AARE, RLRQ, RLRE, ABRT. Each is an
 * [APPLICATION n] IMPLICIT SEQUENCE of context-tagged fields; the walk checks
 * every field against the set the APDU admits (each at most once), reads the
 * AARE result, the release reason or abort source, and digs the MMS PDU out
 * of user-information: [30] IMPLICIT SEQUENCE OF EXTERNAL, exactly one
 * EXTERNAL, encoding single-ASN1-type [0] or octet-aligned [1]. A second
 * EXTERNAL would carry a PDU the engine never sees, so it is refused.
 * Authentication fields are walked and skipped (has_auth records them).
 * Flat loops over mg_ber_next, no recursion.
 */
#include "mg_acse.h"

#include "mg_ber.h"

#define BER_INTEGER 2
#define BER_OID 6
#define BER_OBJECT_DESCRIPTOR 7
#define BER_EXTERNAL 8

#define ACSE_TAG_USER_INFO 30

#define BIT(n) (1u << (n))

#define FAIL(r)                                                                                    \
	do {                                                                                       \
		*why = (r);                                                                        \
		return MG_MALFORMED;                                                               \
	} while (0)

/* Fields each APDU admits, by context tag (X.227 incl. the higher-level
 * association extensions Wireshark's acse.asn lists). */
#define ACSE_AARQ_TAGS (0x1ffffu | BIT(29) | BIT(30)) /* [0]..[16], [29], [30] */
#define ACSE_AARE_TAGS (0x7fffu | BIT(29) | BIT(30))  /* [0]..[14], [29], [30] */
#define ACSE_RLRX_TAGS (BIT(0) | BIT(13) | BIT(14) | BIT(30))
#define ACSE_ABRT_TAGS (BIT(0) | BIT(1) | BIT(13) | BIT(14) | BIT(30))

/* Fields that are IMPLICIT primitives (everything else admitted is
 * constructed: EXPLICIT tags, IMPLICIT SEQUENCEs, [30]). */
#define ACSE_AARQ_PRIM (BIT(0) | BIT(10) | BIT(11) | BIT(29))
#define ACSE_AARE_PRIM (BIT(0) | BIT(8) | BIT(9) | BIT(29))
#define ACSE_RLRX_PRIM (BIT(0) | BIT(14))
#define ACSE_ABRT_PRIM (BIT(0) | BIT(1) | BIT(14))

/* AARQ sender-acse-requirements [10], mechanism-name [11],
 * calling-authentication-value [12]. */
#define ACSE_AARQ_AUTH (BIT(10) | BIT(11) | BIT(12))

/*
 * EXTERNAL ::= [UNIVERSAL 8] IMPLICIT SEQUENCE { direct-reference OID
 * OPTIONAL, indirect-reference INTEGER OPTIONAL, data-value-descriptor
 * ObjectDescriptor OPTIONAL, encoding CHOICE { single-ASN1-type [0] ANY,
 * octet-aligned [1] IMPLICIT OCTET STRING, arbitrary [2] IMPLICIT BIT
 * STRING } }
 */
static enum mg_status acse_external(const struct mg_ber_tlv *ext, struct mg_acse_apdu *out,
				    enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t, in;
	enum mg_status st;
	int stage = 0; /* 0 direct-ref, 1 indirect-ref, 2 descriptor, 3 encoding */

	mg_ber_iter_init(&it, ext->val, ext->len);
	for (;;) {
		st = mg_ber_next(&it, &t, why);
		if (st == MG_NEED_MORE)
			break;
		if (st != MG_OK)
			return st;
		if (stage < 1 && mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_OID)) {
			stage = 1;
			continue;
		}
		if (stage < 2 && mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_INTEGER)) {
			int32_t ref;

			if (!mg_ber_int32(t.val, t.len, &ref))
				FAIL(MG_R_ACSE_STRUCTURE);
			out->user_ctx = ref;
			stage = 2;
			continue;
		}
		if (stage < 3 && mg_ber_is(&t, MG_BER_UNIVERSAL, false, BER_OBJECT_DESCRIPTOR)) {
			stage = 3;
			continue;
		}
		if (stage == 4 || t.cls != MG_BER_CONTEXT)
			FAIL(MG_R_ACSE_STRUCTURE);
		if (t.tag == 0 && t.constructed) {
			/* single-ASN1-type: the MMS PDU inside the explicit tag */
		} else if (t.tag == 1 && !t.constructed) {
			/* octet-aligned: the MMS PDU encoding as OCTET STRING */
		} else if (t.tag == 1 || t.tag == 2) {
			FAIL(MG_R_ACSE_ENCODING); /* segmented or arbitrary */
		} else {
			FAIL(MG_R_ACSE_STRUCTURE);
		}
		/* the value must be exactly one PDU */
		if (mg_ber_tlv(t.val, t.len, &in, why) != MG_OK || in.hdr_len + in.len != t.len)
			FAIL(MG_R_ACSE_STRUCTURE);
		out->user = t.val;
		out->user_len = t.len;
		stage = 4;
	}
	if (stage != 4)
		FAIL(MG_R_ACSE_NO_USER_INFO);
	return MG_OK;
}

/* user-information [30] IMPLICIT SEQUENCE SIZE (1..MAX) OF EXTERNAL */
static enum mg_status acse_user_info(const struct mg_ber_tlv *ui, struct mg_acse_apdu *out,
				     enum mg_reason *why)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv ext;
	enum mg_status st;

	mg_ber_iter_init(&it, ui->val, ui->len);
	st = mg_ber_next(&it, &ext, why);
	if (st == MG_NEED_MORE)
		FAIL(MG_R_ACSE_NO_USER_INFO);
	if (st != MG_OK)
		return st;
	if (!mg_ber_is(&ext, MG_BER_UNIVERSAL, true, BER_EXTERNAL))
		FAIL(MG_R_ACSE_STRUCTURE);
	if (it.len != 0)
		FAIL(MG_R_ACSE_MULTI_EXTERNAL);
	return acse_external(&ext, out, why);
}

/* EXPLICIT-tagged INTEGER (AARE result [2]): one INTEGER TLV and nothing
 * else inside. */
static bool acse_explicit_int(const struct mg_ber_tlv *t, int32_t *v)
{
	struct mg_ber_tlv in;
	enum mg_reason r;

	return mg_ber_tlv(t->val, t->len, &in, &r) == MG_OK && in.hdr_len + in.len == t->len &&
	       mg_ber_is(&in, MG_BER_UNIVERSAL, false, BER_INTEGER) &&
	       mg_ber_int32(in.val, in.len, v);
}

static void acse_out_reset(struct mg_acse_apdu *out)
{
	out->kind = 0;
	out->result = -1;
	out->reason = -1;
	out->has_auth = false;
	out->user = NULL;
	out->user_len = 0;
	out->user_ctx = -1;
}

static enum mg_status acse_fields(const struct mg_ber_tlv *apdu, struct mg_acse_apdu *out,
				  enum mg_reason *why)
{
	uint32_t allowed, prim, seen = 0;
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	switch (apdu->tag) {
	case MG_ACSE_AARQ: allowed = ACSE_AARQ_TAGS; prim = ACSE_AARQ_PRIM; break;
	case MG_ACSE_AARE: allowed = ACSE_AARE_TAGS; prim = ACSE_AARE_PRIM; break;
	case MG_ACSE_RLRQ:
	case MG_ACSE_RLRE: allowed = ACSE_RLRX_TAGS; prim = ACSE_RLRX_PRIM; break;
	case MG_ACSE_ABRT: allowed = ACSE_ABRT_TAGS; prim = ACSE_ABRT_PRIM; break;
	default: FAIL(MG_R_ACSE_APDU);
	}

	mg_ber_iter_init(&it, apdu->val, apdu->len);
	for (;;) {
		st = mg_ber_next(&it, &t, why);
		if (st == MG_NEED_MORE)
			break;
		if (st != MG_OK)
			return st;
		if (t.cls != MG_BER_CONTEXT || t.tag >= 32 || !(allowed & BIT(t.tag)) ||
		    (seen & BIT(t.tag)) || t.constructed == ((prim & BIT(t.tag)) != 0))
			FAIL(MG_R_ACSE_STRUCTURE);
		seen |= BIT(t.tag);
		if (t.tag == ACSE_TAG_USER_INFO) {
			if (it.len != 0)
				FAIL(MG_R_ACSE_STRUCTURE); /* user-information is last */
			st = acse_user_info(&t, out, why);
			if (st != MG_OK)
				return st;
			continue;
		}
		switch (apdu->tag) {
		case MG_ACSE_AARE:
			if (t.tag == 2) {
				int32_t r;

				if (!acse_explicit_int(&t, &r) || r < 0 || r > 2)
					FAIL(MG_R_ACSE_STRUCTURE);
				out->result = r;
			}
			break;
		case MG_ACSE_RLRQ:
		case MG_ACSE_RLRE:
		case MG_ACSE_ABRT:
			if (t.tag == 0) {
				int32_t r;

				if (!mg_ber_int32(t.val, t.len, &r))
					FAIL(MG_R_ACSE_STRUCTURE);
				out->reason = r;
			}
			break;
		default:
			break;
		}
	}
	if (apdu->tag == MG_ACSE_AARQ) {
		out->has_auth = (seen & ACSE_AARQ_AUTH) != 0;
		if (!(seen & BIT(1)))
			FAIL(MG_R_ACSE_STRUCTURE); /* application-context-name */
		if (out->user == NULL)
			FAIL(MG_R_ACSE_NO_USER_INFO); /* no initiate-request */
	} else if (apdu->tag == MG_ACSE_AARE) {
		if (!(seen & BIT(1)) || out->result < 0)
			FAIL(MG_R_ACSE_STRUCTURE);
		if (out->result == 0 && out->user == NULL)
			FAIL(MG_R_ACSE_NO_USER_INFO); /* accepted without initiate-response */
	} else if (apdu->tag == MG_ACSE_ABRT && out->reason < 0) {
		FAIL(MG_R_ACSE_STRUCTURE); /* abort-source is mandatory */
	}
	return MG_OK;
}

enum mg_status mg_acse_parse(const uint8_t *p, size_t len, struct mg_acse_apdu *out,
			     enum mg_reason *why)
{
	struct mg_ber_tlv t;
	enum mg_status st;

	acse_out_reset(out);
	st = mg_ber_tlv(p, len, &t, why);
	if (st != MG_OK)
		return st;
	if (t.cls != MG_BER_APPLICATION || !t.constructed || t.tag > MG_ACSE_ABRT)
		FAIL(MG_R_ACSE_APDU);
	if (t.hdr_len + t.len != len)
		FAIL(MG_R_ACSE_STRUCTURE);
	out->kind = (uint8_t)t.tag;
	st = acse_fields(&t, out, why);
	if (st != MG_OK) {
		uint8_t kind = out->kind;

		acse_out_reset(out);
		out->kind = kind;
	}
	return st;
}

const char *mg_acse_kind_str(uint8_t kind)
{
	switch (kind) {
	case MG_ACSE_AARQ: return "AARQ";
	case MG_ACSE_AARE: return "AARE";
	case MG_ACSE_RLRQ: return "RLRQ";
	case MG_ACSE_RLRE: return "RLRE";
	case MG_ACSE_ABRT: return "ABRT";
	}
	return "?";
}
