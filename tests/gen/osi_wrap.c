/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The OSI upper-layer envelope of MMS as IEC 61850-8-1 profiles it: ACSE
 * AARQ/AARE/RLRQ/RLRE (ISO 8650), presentation CP/CPA and fully-encoded
 * data (ISO 8823) with caller-chosen context ids, session CN/AC/GT+DT/FN/DN
 * (ISO 8327-1), and COTP CR/CC/DR/DT (ISO 8073 class 0) in TPKT (RFC 1006)
 * with optional DT fragmentation of one TSDU.
 */
#include <string.h>

#include "mg_gen.h"

#define OID_ACSE "2.2.1.0.1"
#define OID_MMS_AS "1.0.9506.2.1"    /* MMS abstract syntax */
#define OID_MMS_CTX "1.0.9506.2.3"   /* MMS application context name */
#define OID_BER "2.1.1"
#define OID_AP_TITLE "1.1.1.999.1"
#define OID_AP_TITLE_CALLING "1.1.1.999"

/* Session SPDU: SI, LI (one byte, or 0xFF + two bytes), then body. */
static size_t spdu(uint8_t *buf, size_t cap, uint8_t si, const uint8_t *body, size_t blen)
{
	size_t hl = blen < 255 ? 2 : 4;
	if (blen > 65535 || hl + blen > cap)
		return 0;
	buf[0] = si;
	if (blen < 255) {
		buf[1] = (uint8_t)blen;
	} else {
		buf[1] = 0xFF;
		buf[2] = (uint8_t)(blen >> 8);
		buf[3] = (uint8_t)blen;
	}
	memmove(buf + hl, body, blen);
	return hl + blen;
}

/* Session parameter: PI, LI, value (LI one or three bytes). */
static size_t sparam(uint8_t *buf, size_t cap, uint8_t pi, const uint8_t *v, size_t n)
{
	return spdu(buf, cap, pi, v, n); /* same length form as an SPDU */
}

/* Fully-encoded data with one PDV on context ctx carrying apdu. */
static void w_fully_encoded(struct mg_gen_w *w, uint8_t ctx, const uint8_t *apdu, size_t n)
{
	mg_gen_w_begin(w, MG_GEN_APPC(1));
	mg_gen_w_begin(w, MG_GEN_SEQ); /* PDV-list */
	mg_gen_w_uint(w, MG_GEN_INTEGER, ctx);
	mg_gen_w_begin(w, MG_GEN_CTXC(0)); /* single-ASN1-type */
	mg_gen_w_raw(w, apdu, n);
	mg_gen_w_end(w);
	mg_gen_w_end(w);
	mg_gen_w_end(w);
}

/* ACSE user-information carrying the MMS initiate PDU as EXTERNAL. */
static void w_user_info(struct mg_gen_w *w, uint8_t mms_ctx, const uint8_t *mms, size_t n)
{
	mg_gen_w_begin(w, MG_GEN_CTXC(30));
	mg_gen_w_begin(w, MG_GEN_UNIVC(8)); /* EXTERNAL */
	mg_gen_w_oid(w, MG_GEN_OID, OID_BER); /* direct-reference */
	mg_gen_w_uint(w, MG_GEN_INTEGER, mms_ctx); /* indirect-reference */
	mg_gen_w_begin(w, MG_GEN_CTXC(0)); /* single-ASN1-type */
	mg_gen_w_raw(w, mms, n);
	mg_gen_w_end(w);
	mg_gen_w_end(w);
	mg_gen_w_end(w);
}

/* Session CN/AC body parameters before the user data. */
static const uint8_t ses_params_cn[] = {
	0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02, /* connect/accept item: options, version 2 */
	0x14, 0x02, 0x00, 0x02,                         /* session requirements: duplex */
	0x33, 0x02, 0x00, 0x01,                         /* calling session selector */
	0x34, 0x02, 0x00, 0x01,                         /* called session selector */
};
static const uint8_t ses_params_ac[] = {
	0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02,
	0x14, 0x02, 0x00, 0x02,
	0x34, 0x02, 0x00, 0x01, /* responding session selector */
};

static size_t ses_connect(uint8_t *buf, size_t cap, uint8_t si, const uint8_t *params,
			  size_t plen, const uint8_t *ppdu, size_t n)
{
	uint8_t body[8192];
	if (plen + 4 + n > sizeof(body))
		return 0;
	memcpy(body, params, plen);
	size_t k = sparam(body + plen, sizeof(body) - plen, 0xC1, ppdu, n); /* session user data */
	if (!k)
		return 0;
	return spdu(buf, cap, si, body, plen + k);
}

size_t mg_gen_osi_connect_req(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
			      const uint8_t *mms, size_t mlen)
{
	uint8_t aarq[4096], ppdu[4096];
	struct mg_gen_w w;
	mg_gen_w_init(&w, aarq, sizeof(aarq));
	mg_gen_w_begin(&w, MG_GEN_APPC(0)); /* AARQ-apdu */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* application-context-name */
	mg_gen_w_oid(&w, MG_GEN_OID, OID_MMS_CTX);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* called-AP-title */
	mg_gen_w_oid(&w, MG_GEN_OID, OID_AP_TITLE);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(3)); /* called-AE-qualifier */
	mg_gen_w_int(&w, MG_GEN_INTEGER, 12);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(6)); /* calling-AP-title */
	mg_gen_w_oid(&w, MG_GEN_OID, OID_AP_TITLE_CALLING);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(7)); /* calling-AE-qualifier */
	mg_gen_w_int(&w, MG_GEN_INTEGER, 12);
	mg_gen_w_end(&w);
	w_user_info(&w, ctx->mms, mms, mlen);
	mg_gen_w_end(&w);
	size_t alen = mg_gen_w_done(&w);
	if (!alen)
		return 0;

	mg_gen_w_init(&w, ppdu, sizeof(ppdu));
	mg_gen_w_begin(&w, MG_GEN_SET); /* CP-type */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* mode-selector */
	mg_gen_w_int(&w, MG_GEN_CTX(0), 1);  /* normal-mode */
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* normal-mode-parameters */
	static const uint8_t psel[4] = {0, 0, 0, 1};
	mg_gen_w_prim(&w, MG_GEN_CTX(1), psel, 4); /* calling-presentation-selector */
	mg_gen_w_prim(&w, MG_GEN_CTX(2), psel, 4); /* called-presentation-selector */
	mg_gen_w_begin(&w, MG_GEN_CTXC(4)); /* presentation-context-definition-list */
	for (int i = 0; i < 2; i++) {
		mg_gen_w_begin(&w, MG_GEN_SEQ);
		mg_gen_w_uint(&w, MG_GEN_INTEGER, i == 0 ? ctx->acse : ctx->mms);
		mg_gen_w_oid(&w, MG_GEN_OID, i == 0 ? OID_ACSE : OID_MMS_AS);
		mg_gen_w_begin(&w, MG_GEN_SEQ); /* transfer-syntax-name-list */
		mg_gen_w_oid(&w, MG_GEN_OID, OID_BER);
		mg_gen_w_end(&w);
		mg_gen_w_end(&w);
	}
	mg_gen_w_end(&w);
	w_fully_encoded(&w, ctx->acse, aarq, alen); /* user-data */
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	size_t plen = mg_gen_w_done(&w);
	if (!plen)
		return 0;
	return ses_connect(buf, cap, 0x0D, ses_params_cn, sizeof(ses_params_cn), ppdu, plen);
}

size_t mg_gen_osi_connect_resp(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
			       const uint8_t *mms, size_t mlen)
{
	uint8_t aare[4096], ppdu[4096];
	struct mg_gen_w w;
	mg_gen_w_init(&w, aare, sizeof(aare));
	mg_gen_w_begin(&w, MG_GEN_APPC(1)); /* AARE-apdu */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* application-context-name */
	mg_gen_w_oid(&w, MG_GEN_OID, OID_MMS_CTX);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* result: accepted */
	mg_gen_w_int(&w, MG_GEN_INTEGER, 0);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(3)); /* result-source-diagnostic */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* acse-service-user */
	mg_gen_w_int(&w, MG_GEN_INTEGER, 0); /* null */
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(4)); /* responding-AP-title */
	mg_gen_w_oid(&w, MG_GEN_OID, OID_AP_TITLE);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5)); /* responding-AE-qualifier */
	mg_gen_w_int(&w, MG_GEN_INTEGER, 12);
	mg_gen_w_end(&w);
	w_user_info(&w, ctx->mms, mms, mlen);
	mg_gen_w_end(&w);
	size_t alen = mg_gen_w_done(&w);
	if (!alen)
		return 0;

	mg_gen_w_init(&w, ppdu, sizeof(ppdu));
	mg_gen_w_begin(&w, MG_GEN_SET); /* CPA-PPDU */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));
	mg_gen_w_int(&w, MG_GEN_CTX(0), 1);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* normal-mode-parameters */
	static const uint8_t psel[4] = {0, 0, 0, 1};
	mg_gen_w_prim(&w, MG_GEN_CTX(3), psel, 4); /* responding-presentation-selector */
	mg_gen_w_begin(&w, MG_GEN_CTXC(5)); /* presentation-context-definition-result-list */
	for (int i = 0; i < 2; i++) {
		mg_gen_w_begin(&w, MG_GEN_SEQ);
		mg_gen_w_int(&w, MG_GEN_CTX(0), 0); /* result: acceptance */
		mg_gen_w_oid(&w, MG_GEN_CTX(1), OID_BER); /* transfer-syntax-name */
		mg_gen_w_end(&w);
	}
	mg_gen_w_end(&w);
	w_fully_encoded(&w, ctx->acse, aare, alen);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	size_t plen = mg_gen_w_done(&w);
	if (!plen)
		return 0;
	return ses_connect(buf, cap, 0x0E, ses_params_ac, sizeof(ses_params_ac), ppdu, plen);
}

size_t mg_gen_osi_data(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
		       const uint8_t *mms, size_t mlen)
{
	static const uint8_t gtdt[4] = {0x01, 0x00, 0x01, 0x00}; /* GT, DT (no parameters) */
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_raw(&w, gtdt, sizeof(gtdt));
	w_fully_encoded(&w, ctx->mms, mms, mlen);
	return mg_gen_w_done(&w);
}

static size_t osi_release(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx, uint8_t si,
			  uint32_t apdu_tag)
{
	uint8_t apdu[16], ppdu[64];
	struct mg_gen_w w;
	mg_gen_w_init(&w, apdu, sizeof(apdu));
	mg_gen_w_begin(&w, apdu_tag);
	mg_gen_w_int(&w, MG_GEN_CTX(0), 0); /* reason: normal */
	mg_gen_w_end(&w);
	size_t alen = mg_gen_w_done(&w);
	mg_gen_w_init(&w, ppdu, sizeof(ppdu));
	w_fully_encoded(&w, ctx->acse, apdu, alen);
	size_t plen = mg_gen_w_done(&w);
	if (!alen || !plen)
		return 0;
	uint8_t body[80];
	size_t k = sparam(body, sizeof(body), 0xC1, ppdu, plen);
	if (!k)
		return 0;
	return spdu(buf, cap, si, body, k);
}

size_t mg_gen_osi_release_req(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx)
{
	return osi_release(buf, cap, ctx, 0x09 /* FN */, MG_GEN_APPC(2) /* RLRQ */);
}

size_t mg_gen_osi_release_resp(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx)
{
	return osi_release(buf, cap, ctx, 0x0A /* DN */, MG_GEN_APPC(3) /* RLRE */);
}

/* ------------------------------------------------------------ COTP/TPKT */

static size_t tpkt(uint8_t *buf, size_t cap, const uint8_t *cotp, size_t n, const uint8_t *data,
		   size_t dlen)
{
	size_t total = 4 + n + dlen;
	if (total > cap || total > 65535)
		return 0;
	buf[0] = 3;
	buf[1] = 0;
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	memcpy(buf + 4, cotp, n);
	if (dlen)
		memmove(buf + 4 + n, data, dlen);
	return total;
}

static size_t cotp_conn(uint8_t *buf, size_t cap, uint8_t code, uint16_t dst, uint16_t src)
{
	const uint8_t c[18] = {
		17, code, (uint8_t)(dst >> 8), (uint8_t)dst, (uint8_t)(src >> 8), (uint8_t)src,
		0x00,             /* class 0, no options */
		0xC0, 0x01, 0x0A, /* TPDU size 1024 */
		0xC1, 0x02, 0x00, 0x01, /* calling TSAP */
		0xC2, 0x02, 0x00, 0x01, /* called TSAP */
	};
	return tpkt(buf, cap, c, sizeof(c), NULL, 0);
}

size_t mg_gen_cotp_cr(uint8_t *buf, size_t cap, uint16_t src_ref)
{
	return cotp_conn(buf, cap, 0xE0, 0, src_ref);
}

size_t mg_gen_cotp_cc(uint8_t *buf, size_t cap, uint16_t dst_ref, uint16_t src_ref)
{
	return cotp_conn(buf, cap, 0xD0, dst_ref, src_ref);
}

size_t mg_gen_cotp_dr(uint8_t *buf, size_t cap, uint16_t dst_ref, uint16_t src_ref)
{
	const uint8_t c[7] = {6, 0x80, (uint8_t)(dst_ref >> 8), (uint8_t)dst_ref,
			      (uint8_t)(src_ref >> 8), (uint8_t)src_ref, 0x00 /* normal */};
	return tpkt(buf, cap, c, sizeof(c), NULL, 0);
}

size_t mg_gen_cotp_dt(uint8_t *buf, size_t cap, const uint8_t *tsdu, size_t len,
		      size_t max_data)
{
	if (!max_data || max_data > 65535 - 7)
		max_data = 65535 - 7;
	size_t out = 0, off = 0;
	do {
		size_t n = len - off < max_data ? len - off : max_data;
		bool eot = off + n == len;
		uint8_t c[3] = {2, 0xF0, eot ? 0x80 : 0x00};
		size_t k = tpkt(buf + out, cap - out, c, 3, tsdu + off, n);
		if (!k)
			return 0;
		out += k;
		off += n;
	} while (off < len);
	return out;
}
