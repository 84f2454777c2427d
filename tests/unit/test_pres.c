/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8823 presentation parser tests: CP/CPA from real initiate frames
 * (iec61850_read.pcap frame 8, Sample_File_MMS_and_GOOSE.pcap frame 111;
 * session header stripped), a CP rewritten to use context ids 5 and 7,
 * data-phase user data, ARU/ARP/CPR and the malformed and unsupported
 * encodings. Every vector is parsed at every truncated length from an
 * exact-size heap copy (ASan sees over-reads).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mg_pres.h"
#include "mg_session.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* AARQ + MMS initiate-request, 83 bytes (ACSE is opaque here). */
#define AARQ_READ                                                                                  \
	0x60, 0x51, 0x80, 0x02, 0x07, 0x80, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,  \
		0xa2, 0x06, 0x06, 0x04, 0x2b, 0xce, 0x0f, 0x02, 0xa3, 0x03, 0x02, 0x01, 0x17,      \
		0xbe, 0x35, 0x28, 0x33, 0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03, 0xa0, 0x2a,      \
		0xa8, 0x28, 0x80, 0x02, 0x75, 0x30, 0x81, 0x02, 0x03, 0xe8, 0x82, 0x02, 0x03,      \
		0xe8, 0x83, 0x01, 0x05, 0xa4, 0x17, 0x80, 0x01, 0x01, 0x81, 0x03, 0x05, 0xfb,      \
		0x00, 0x82, 0x0d, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,      \
		0xff, 0xff, 0x00
#define AARQ_READ_LEN 83

/* CP-type from iec61850_read.pcap frame 8. */
static const uint8_t cp_read[] = {
	/* CP-type SET, len 153 */ 0x31, 0x81, 0x99,
	/*  [0] mode-selector */ 0xa0, 0x03, /* mode-value normal */ 0x80, 0x01, 0x01,
	/*  [2] normal-mode-parameters, len 145 */ 0xa2, 0x81, 0x91,
	/*   [1] calling-presentation-selector */ 0x81, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [2] called-presentation-selector */ 0x82, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [4] presentation-context-definition-list, len 35 */ 0xa4, 0x23,
	/*    context */ 0x30, 0x0f,
	/*     id 1 */ 0x02, 0x01, 0x01,
	/*     abstract 2.2.1.0.1 (ACSE) */ 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
	/*     transfer syntaxes { 2.1.1 BER } */ 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
	/*    context */ 0x30, 0x10,
	/*     id 3 */ 0x02, 0x01, 0x03,
	/*     abstract 1.0.9506.2.1 (MMS) */ 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01,
	/*     transfer syntaxes { 2.1.1 BER } */ 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
	/*   [8] presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded-data [APPLICATION 1], len 90 */ 0x61, 0x5a,
	/*    PDV-list */ 0x30, 0x58,
	/*     presentation-context-identifier 1 */ 0x02, 0x01, 0x01,
	/*     single-ASN1-type [0], len 83 */ 0xa0, 0x53,
	/*      AARQ */ AARQ_READ,
};

/* The same CP with context ids 5 (ACSE) and 7 (MMS), as some vendors use. */
static const uint8_t cp_ids_5_7[] = {
	/* CP-type SET, len 153 */ 0x31, 0x81, 0x99,
	/*  [0] mode-selector */ 0xa0, 0x03, 0x80, 0x01, 0x01,
	/*  [2] normal-mode-parameters */ 0xa2, 0x81, 0x91,
	/*   [1] calling selector */ 0x81, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [2] called selector */ 0x82, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [4] definition list */ 0xa4, 0x23,
	/*    context */ 0x30, 0x0f,
	/*     id 5 */ 0x02, 0x01, 0x05,
	/*     ACSE */ 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
	/*     BER */ 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
	/*    context */ 0x30, 0x10,
	/*     id 7 */ 0x02, 0x01, 0x07,
	/*     MMS */ 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01,
	/*     BER */ 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
	/*   [8] presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded-data */ 0x61, 0x5a,
	/*    PDV-list */ 0x30, 0x58,
	/*     context id 5 */ 0x02, 0x01, 0x05,
	/*     single-ASN1-type */ 0xa0, 0x53,
	/*      AARQ */ AARQ_READ,
};

/* AARE accepted + MMS initiate-response, 75 bytes. */
#define AARE_SAMPLE                                                                                \
	0x61, 0x49, 0x80, 0x02, 0x07, 0x80, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,  \
		0xa2, 0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00, 0xbe,      \
		0x2e, 0x28, 0x2c, 0x02, 0x01, 0x03, 0xa0, 0x27, 0xa9, 0x25, 0x80, 0x02, 0x7d,      \
		0x00, 0x81, 0x01, 0x0a, 0x82, 0x01, 0x08, 0x83, 0x01, 0x05, 0xa4, 0x16, 0x80,      \
		0x01, 0x01, 0x81, 0x03, 0x05, 0xe1, 0x00, 0x82, 0x0c, 0x03, 0xee, 0x08, 0x00,      \
		0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0xed, 0x18
#define AARE_SAMPLE_LEN 75

/* CPA-PPDU from Sample_File_MMS_and_GOOSE.pcap frame 111. */
static const uint8_t cpa_sample[] = {
	/* CPA-PPDU SET, len 121 */ 0x31, 0x79,
	/*  [0] mode-selector */ 0xa0, 0x03, /* normal */ 0x80, 0x01, 0x01,
	/*  [2] normal-mode-parameters, len 114 */ 0xa2, 0x72,
	/*   [3] responding-presentation-selector */ 0x83, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [5] presentation-context-definition-result-list */ 0xa5, 0x12,
	/*    result acceptance, transfer syntax BER */
	0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01,
	/*    result acceptance, transfer syntax BER */
	0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01,
	/*   [8] presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded-data */ 0x61, 0x52,
	/*    PDV-list */ 0x30, 0x50,
	/*     context id 1 */ 0x02, 0x01, 0x01,
	/*     single-ASN1-type */ 0xa0, 0x4b,
	/*      AARE */ AARE_SAMPLE,
};

/* The CPA with the second (MMS) context rejected by the user. */
static const uint8_t cpa_reject_mms[] = {
	/* CPA-PPDU SET */ 0x31, 0x79,
	/*  [0] mode-selector */ 0xa0, 0x03, 0x80, 0x01, 0x01,
	/*  [2] normal-mode-parameters */ 0xa2, 0x72,
	/*   [3] responding selector */ 0x83, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   [5] result list */ 0xa5, 0x12,
	/*    acceptance */ 0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01,
	/*    user-rejection (!) */ 0x30, 0x07, 0x80, 0x01, 0x02, 0x81, 0x02, 0x51, 0x01,
	/*   [8] presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded-data */ 0x61, 0x52, 0x30, 0x50, 0x02, 0x01, 0x01, 0xa0, 0x4b,
	/*      AARE */ AARE_SAMPLE,
};

/* Data phase user data, iec61850_read.pcap frame 12 (MMS read request). */
static const uint8_t td_read[] = {
	/* fully-encoded-data */ 0x61, 0x1d,
	/*  PDV-list */ 0x30, 0x1b,
	/*   context id 3 */ 0x02, 0x01, 0x03,
	/*   single-ASN1-type, len 22 */ 0xa0, 0x16,
	/*    MMS confirmed-RequestPDU (read) */
	0xa0, 0x14, 0x02, 0x01, 0x00, 0xa4, 0x0f, 0x80, 0x01, 0x00, 0xa1, 0x0a, 0xa0, 0x08, 0x30,
	0x06, 0xa0, 0x04, 0x80, 0x02, 0x6d, 0x75,
};

/* FINISH user data (Sample_File_MMS_and_GOOSE.pcap): RLRQ in context 1. */
static const uint8_t td_rlrq[] = {
	/* fully-encoded-data */ 0x61, 0x0c,
	/*  PDV-list */ 0x30, 0x0a,
	/*   context id 1 */ 0x02, 0x01, 0x01,
	/*   single-ASN1-type */ 0xa0, 0x05,
	/*    RLRQ reason 1 */ 0x62, 0x03, 0x80, 0x01, 0x01,
};

/* PDV with transfer-syntax-name and octet-aligned encoding. */
static const uint8_t td_octet[] = {
	/* fully-encoded-data */ 0x61, 0x10,
	/*  PDV-list */ 0x30, 0x0e,
	/*   transfer-syntax-name 2.1.1 */ 0x06, 0x02, 0x51, 0x01,
	/*   context id 3 */ 0x02, 0x01, 0x03,
	/*   octet-aligned [1] */ 0x81, 0x05,
	/*    MMS confirmed-RequestPDU, invokeID 7 */ 0xa0, 0x03, 0x02, 0x01, 0x07,
};

/* ARU (normal mode) carrying an ACSE ABRT. */
static const uint8_t aru_abrt[] = {
	/* ARU-PPDU [0] */ 0xa0, 0x0e,
	/*  fully-encoded-data */ 0x61, 0x0c,
	/*   PDV-list */ 0x30, 0x0a,
	/*    context id 1 */ 0x02, 0x01, 0x01,
	/*    single-ASN1-type */ 0xa0, 0x05,
	/*     ABRT source user */ 0x64, 0x03, 0x80, 0x01, 0x00,
};

/* ARU with a presentation-context-identifier-list and no user data. */
static const uint8_t aru_list[] = {
	/* ARU-PPDU [0] */ 0xa0, 0x0c,
	/*  [0] context-identifier-list */ 0xa0, 0x0a,
	/*   { id 1, BER } */ 0x30, 0x08, 0x02, 0x01, 0x01, 0x06, 0x03, 0x51, 0x01, 0x01,
};

/* ARP: provider abort, reason unrecognized-ppdu, event cp-PPDU. */
static const uint8_t arp[] = {
	/* ARP-PPDU SEQUENCE */ 0x30, 0x06,
	/*  [0] provider-reason 1 */ 0x80, 0x01, 0x01,
	/*  [1] event-identifier 0 */ 0x81, 0x01, 0x00,
};

/* CPR normal mode, provider reason, no user data. */
static const uint8_t cpr[] = {
	/* CPR-PPDU SEQUENCE */ 0x30, 0x07,
	/*  [0] protocol-version */ 0x80, 0x02, 0x07, 0x80,
	/*  [10] provider-reason 1 (temporary congestion) */ 0x8a, 0x01, 0x01,
};

struct vec {
	const char *name;
	const uint8_t *p;
	size_t len;
	uint8_t ses;
};

#define VEC(a, s) { #a, a, sizeof(a), s }

static enum mg_status parse_copy(const uint8_t *p, size_t len, uint8_t ses,
				 struct mg_pres_ctx *ctx, struct mg_pres_ppdu *out,
				 enum mg_reason *why)
{
	uint8_t *b = malloc(len ? len : 1);

	cr_assert_not_null(b);
	if (len)
		memcpy(b, p, len);
	*why = MG_R_NONE;
	enum mg_status st = mg_pres_parse(b, len, ses, ctx, out, why);

	if (st == MG_OK && out->user) {
		cr_assert(out->user >= b && out->user + out->user_len <= b + len,
			  "user data outside the input");
		out->user = p + (out->user - b);
	}
	if (st != MG_OK)
		cr_assert_null(out->user);
	free(b);
	return st;
}

static void expect_ok(const uint8_t *p, size_t len, uint8_t ses, struct mg_pres_ctx *ctx,
		      uint8_t kind, int32_t id, uint8_t abstract, size_t ulen)
{
	struct mg_pres_ppdu out;
	enum mg_reason why;
	enum mg_status st = parse_copy(p, len, ses, ctx, &out, &why);

	cr_assert_eq(st, MG_OK, "status %s reason %s", mg_status_str(st), mg_reason_str(why));
	cr_assert_eq(out.kind, kind, "kind %s", mg_pres_kind_str(out.kind));
	cr_assert_eq(out.ctx_id, id, "ctx id %d", out.ctx_id);
	cr_assert_eq(out.abstract, abstract, "abstract %u", out.abstract);
	if (ulen == 0) {
		cr_assert_null(out.user);
	} else {
		/* the user data always ends the vectors */
		cr_assert_eq(out.user, p + len - ulen, "user at %td", out.user - p);
		cr_assert_eq(out.user_len, ulen);
	}
}

static void expect_bad(const uint8_t *p, size_t len, uint8_t ses, struct mg_pres_ctx *ctx,
		       enum mg_reason reason)
{
	struct mg_pres_ppdu out;
	enum mg_reason why;
	struct mg_pres_ctx before = *ctx;
	enum mg_status st = parse_copy(p, len, ses, ctx, &out, &why);

	cr_assert_eq(st, MG_MALFORMED, "status %s", mg_status_str(st));
	cr_assert_eq(why, reason, "reason %s, expected %s", mg_reason_str(why),
		     mg_reason_str(reason));
	cr_assert(memcmp(&before, ctx, sizeof(before)) == 0, "table changed by a failed parse");
}

static struct mg_pres_ctx fresh(void)
{
	struct mg_pres_ctx c;

	memset(&c, 0, sizeof(c));
	mg_pres_ctx_init(&c);
	return c;
}

static struct mg_pres_ctx after_cp(const uint8_t *cp, size_t len)
{
	struct mg_pres_ctx c = fresh();
	struct mg_pres_ppdu out;
	enum mg_reason why;

	cr_assert_eq(parse_copy(cp, len, MG_SES_CN, &c, &out, &why), MG_OK);
	return c;
}

Test(pres, ctx_init)
{
	struct mg_pres_ctx c = fresh();

	cr_assert_eq(c.acse_id, -1);
	cr_assert_eq(c.mms_id, -1);
	cr_assert(!c.proposed && !c.accepted);
}

Test(pres, cp_real_contexts)
{
	struct mg_pres_ctx c = fresh();

	expect_ok(cp_read, sizeof(cp_read), MG_SES_CN, &c, MG_PRES_CP, 1, MG_PRES_AS_ACSE,
		  AARQ_READ_LEN);
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, 3);
	cr_assert(c.proposed);
	cr_assert(!c.accepted);
	cr_assert_eq(c.n_proposed, 2);
}

Test(pres, cp_vendor_ids_5_7)
{
	struct mg_pres_ctx c = fresh();

	expect_ok(cp_ids_5_7, sizeof(cp_ids_5_7), MG_SES_CN, &c, MG_PRES_CP, 5, MG_PRES_AS_ACSE,
		  AARQ_READ_LEN);
	cr_assert_eq(c.acse_id, 5);
	cr_assert_eq(c.mms_id, 7);

	/* data in context 7 is MMS; context 3 is not defined here */
	static const uint8_t td7[] = { 0x61, 0x0a, 0x30, 0x08, /* ctx 7 */ 0x02, 0x01, 0x07,
				       0xa0, 0x03, 0x05, 0x01, 0x00 };

	expect_ok(td7, sizeof(td7), MG_SES_DT, &c, MG_PRES_TD, 7, MG_PRES_AS_MMS, 3);
	expect_bad(td_read, sizeof(td_read), MG_SES_DT, &c, MG_R_PRES_CONTEXT);
}

Test(pres, cp_replaces_table)
{
	struct mg_pres_ctx c = after_cp(cp_ids_5_7, sizeof(cp_ids_5_7));

	expect_ok(cp_read, sizeof(cp_read), MG_SES_CN, &c, MG_PRES_CP, 1, MG_PRES_AS_ACSE,
		  AARQ_READ_LEN);
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, 3);
}

Test(pres, cpa_accepts)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));

	expect_ok(cpa_sample, sizeof(cpa_sample), MG_SES_AC, &c, MG_PRES_CPA, 1, MG_PRES_AS_ACSE,
		  AARE_SAMPLE_LEN);
	cr_assert(c.accepted);
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, 3);
	expect_ok(td_read, sizeof(td_read), MG_SES_DT, &c, MG_PRES_TD, 3, MG_PRES_AS_MMS, 22);
}

Test(pres, cpa_rejects_mms_context)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));

	expect_ok(cpa_reject_mms, sizeof(cpa_reject_mms), MG_SES_AC, &c, MG_PRES_CPA, 1,
		  MG_PRES_AS_ACSE, AARE_SAMPLE_LEN);
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, -1);
	/* MMS data in the withdrawn context is refused */
	expect_bad(td_read, sizeof(td_read), MG_SES_DT, &c, MG_R_PRES_CONTEXT);
}

Test(pres, cpa_result_count_must_match)
{
	/* CP proposing the 2 contexts of cp_ids_5_7, CPA with one result */
	struct mg_pres_ctx c = after_cp(cp_ids_5_7, sizeof(cp_ids_5_7));
	static const uint8_t cpa_one[] = {
		0x31, 0x1a, /* mode */ 0xa0, 0x03, 0x80, 0x01, 0x01,
		/* normal */ 0xa2, 0x13,
		/*  [5] one result */ 0xa5, 0x05, 0x30, 0x03, 0x80, 0x01, 0x00,
		/*  fully-encoded */ 0x61, 0x0a, 0x30, 0x08, 0x02, 0x01, 0x05,
		/*   AARE stub */ 0xa0, 0x03, 0x61, 0x01, 0x00,
	};

	expect_bad(cpa_one, sizeof(cpa_one), MG_SES_AC, &c, MG_R_PRES_CONTEXT);
}

Test(pres, midstream_without_cp)
{
	struct mg_pres_ctx c = fresh();

	/* no table: the PDV comes back with an unknown abstract syntax */
	expect_ok(td_read, sizeof(td_read), MG_SES_DT, &c, MG_PRES_TD, 3, MG_PRES_AS_UNKNOWN, 22);
	/* CPA without CP: structure checked, table stays unknown */
	expect_ok(cpa_sample, sizeof(cpa_sample), MG_SES_AC, &c, MG_PRES_CPA, 1,
		  MG_PRES_AS_UNKNOWN, AARE_SAMPLE_LEN);
	cr_assert_eq(c.acse_id, -1);
	cr_assert_eq(c.mms_id, -1);
}

Test(pres, release_and_octet_aligned)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));

	expect_ok(td_rlrq, sizeof(td_rlrq), MG_SES_FN, &c, MG_PRES_TD, 1, MG_PRES_AS_ACSE, 5);
	expect_ok(td_rlrq, sizeof(td_rlrq), MG_SES_DN, &c, MG_PRES_TD, 1, MG_PRES_AS_ACSE, 5);
	expect_ok(td_octet, sizeof(td_octet), MG_SES_DT, &c, MG_PRES_TD, 3, MG_PRES_AS_MMS, 5);
}

Test(pres, abort_forms)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));
	static const uint8_t aru_x410[] = { /* RTABapdu SET */ 0x31, 0x03, 0x80, 0x01, 0x00 };

	expect_ok(aru_abrt, sizeof(aru_abrt), MG_SES_AB, &c, MG_PRES_ARU, 1, MG_PRES_AS_ACSE, 5);
	expect_ok(aru_list, sizeof(aru_list), MG_SES_AB, &c, MG_PRES_ARU, -1, MG_PRES_AS_UNKNOWN,
		  0);
	expect_ok(arp, sizeof(arp), MG_SES_AB, &c, MG_PRES_ARP, -1, MG_PRES_AS_UNKNOWN, 0);
	expect_ok(aru_x410, sizeof(aru_x410), MG_SES_AB, &c, MG_PRES_ARU, -1, MG_PRES_AS_UNKNOWN,
		  0);
}

Test(pres, refuse)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));

	expect_ok(cpr, sizeof(cpr), MG_SES_RF, &c, MG_PRES_CPR, -1, MG_PRES_AS_UNKNOWN, 0);
}

Test(pres, unsupported_encodings)
{
	struct mg_pres_ctx c = fresh();
	/* arbitrary [2] BIT STRING */
	static const uint8_t arb[] = { 0x61, 0x0a, 0x30, 0x08, 0x02, 0x01, 0x03,
				       /* [2] */ 0x82, 0x03, 0x00, 0xa0, 0x00 };
	/* constructed octet-aligned */
	static const uint8_t seg[] = { 0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x03,
				       /* [1] constructed */ 0xa1, 0x05, 0x04, 0x03, 0xa0, 0x01, 0x00 };
	/* simply-encoded-data [APPLICATION 0] */
	static const uint8_t simple[] = { 0x40, 0x03, 0xa0, 0x01, 0x00 };
	/* CP in X.410-1984 mode */
	static const uint8_t x410[] = {
		0x31, 0x13, /* mode 0 */ 0xa0, 0x03, 0x80, 0x01, 0x00,
		/* normal */ 0xa2, 0x0c, 0x61, 0x0a, 0x30, 0x08, 0x02, 0x01, 0x01,
		0xa0, 0x03, 0x60, 0x01, 0x00,
	};

	expect_bad(arb, sizeof(arb), MG_SES_DT, &c, MG_R_PRES_ENCODING);
	expect_bad(seg, sizeof(seg), MG_SES_DT, &c, MG_R_PRES_ENCODING);
	expect_bad(simple, sizeof(simple), MG_SES_DT, &c, MG_R_PRES_ENCODING);
	expect_bad(x410, sizeof(x410), MG_SES_CN, &c, MG_R_PRES_ENCODING);
}

Test(pres, pdv_structure)
{
	struct mg_pres_ctx c = fresh();
	/* two PDVs: the second would go uninspected */
	static const uint8_t two[] = {
		0x61, 0x12, /* PDV */ 0x30, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x05, 0x00,
		/* PDV */ 0x30, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x05, 0x00,
	};
	/* two values inside single-ASN1-type */
	static const uint8_t two_vals[] = { 0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x03,
					    0xa0, 0x04, 0x05, 0x00, 0x05, 0x00 };
	/* a TLV after presentation-data-values */
	static const uint8_t after[] = { 0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x03,
					 0xa0, 0x02, 0x05, 0x00, 0x05, 0x00 };
	/* no context identifier */
	static const uint8_t no_id[] = { 0x61, 0x06, 0x30, 0x04, 0xa0, 0x02, 0x05, 0x00 };
	/* context identifier 0 */
	static const uint8_t id0[] = { 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x00,
				       0xa0, 0x02, 0x05, 0x00 };
	/* negative context identifier */
	static const uint8_t idneg[] = { 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0xff,
					 0xa0, 0x02, 0x05, 0x00 };
	/* id but no value */
	static const uint8_t no_val[] = { 0x61, 0x05, 0x30, 0x03, 0x02, 0x01, 0x03 };
	/* empty fully-encoded-data */
	static const uint8_t empty[] = { 0x61, 0x00 };
	/* empty single-ASN1-type */
	static const uint8_t empty_val[] = { 0x61, 0x07, 0x30, 0x05, 0x02, 0x01, 0x03, 0xa0, 0x00 };
	/* PDV-list not a SEQUENCE */
	static const uint8_t not_seq[] = { 0x61, 0x09, 0x31, 0x07, 0x02, 0x01, 0x03,
					   0xa0, 0x02, 0x05, 0x00 };
	/* a byte after the PPDU */
	static const uint8_t trailing[] = { 0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x03,
					    0xa0, 0x02, 0x05, 0x00, 0x00 };
	/* PDV length past its parent */
	static const uint8_t past[] = { 0x61, 0x09, 0x30, 0x08, 0x02, 0x01, 0x03,
					0xa0, 0x02, 0x05, 0x00 };

	expect_bad(two, sizeof(two), MG_SES_DT, &c, MG_R_PRES_MULTI_PDV);
	expect_bad(two_vals, sizeof(two_vals), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(after, sizeof(after), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(no_id, sizeof(no_id), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(id0, sizeof(id0), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(idneg, sizeof(idneg), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(no_val, sizeof(no_val), MG_SES_DT, &c, MG_R_PRES_NO_USER_DATA);
	expect_bad(empty, sizeof(empty), MG_SES_DT, &c, MG_R_PRES_NO_USER_DATA);
	expect_bad(empty_val, sizeof(empty_val), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(not_seq, sizeof(not_seq), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(trailing, sizeof(trailing), MG_SES_DT, &c, MG_R_PRES_STRUCTURE);
	expect_bad(past, sizeof(past), MG_SES_DT, &c, MG_R_BER_LEN_OVERFLOW);
}

Test(pres, cp_context_list_errors)
{
	struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));
	/* same id twice */
	static const uint8_t dup_id[] = {
		0x31, 0x39, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x32,
		/* [4] */ 0xa4, 0x23,
		0x30, 0x0f, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x30, 0x10, /* id 1 again */ 0x02, 0x01, 0x01, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02,
		0x01, 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x01, 0xa0, 0x04, 0x60, 0x02, 0x05, 0x00,
	};
	/* two MMS contexts */
	static const uint8_t two_mms[] = {
		0x31, 0x3a, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x33,
		/* [4] */ 0xa4, 0x24,
		0x30, 0x10, 0x02, 0x01, 0x01, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x30, 0x10, 0x02, 0x01, 0x03, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x01, 0xa0, 0x04, 0x60, 0x02, 0x05, 0x00,
	};
	/* an empty OID in a transfer-syntax list */
	static const uint8_t empty_ts[] = {
		0x31, 0x29, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x22,
		/* [4] */ 0xa4, 0x13,
		0x30, 0x11, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
		0x30, 0x06, 0x06, 0x02, 0x51, 0x01, 0x06, 0x00,
		0x61, 0x0b, 0x30, 0x09, /* id 9 */ 0x02, 0x01, 0x09, 0xa0, 0x04, 0x60, 0x02, 0x05,
		0x00,
	};
	/* no mode selector */
	static const uint8_t no_mode[] = {
		0x31, 0x0f, 0xa2, 0x0d, 0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x01,
		0xa0, 0x04, 0x60, 0x02, 0x05, 0x00,
	};
	/* no user data */
	static const uint8_t no_user[] = {
		0x31, 0x0c, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x05, 0x88, 0x03, 0x06, 0x00, 0x00,
	};
	/* context list entry length past the list */
	static const uint8_t past[] = {
		0x31, 0x1f, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x18,
		/* [4] len 9 */ 0xa4, 0x09,
		/* entry len 15 (!) */ 0x30, 0x0f, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01,
		0x61, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x01, 0xa0, 0x04, 0x60, 0x02, 0x05, 0x00,
	};
	/* unknown normal-mode parameter [20] */
	static const uint8_t unknown_param[] = {
		0x31, 0x14, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x0d,
		0x94, 0x00,
		0x61, 0x09, 0x30, 0x07, 0x02, 0x01, 0x01, 0xa0, 0x02, 0x05, 0x00,
	};

	expect_bad(dup_id, sizeof(dup_id), MG_SES_CN, &c, MG_R_PRES_CONTEXT);
	expect_bad(two_mms, sizeof(two_mms), MG_SES_CN, &c, MG_R_PRES_CONTEXT);
	expect_bad(no_mode, sizeof(no_mode), MG_SES_CN, &c, MG_R_PRES_STRUCTURE);
	expect_bad(no_user, sizeof(no_user), MG_SES_CN, &c, MG_R_PRES_NO_USER_DATA);
	expect_bad(past, sizeof(past), MG_SES_CN, &c, MG_R_BER_LEN_OVERFLOW);
	expect_bad(unknown_param, sizeof(unknown_param), MG_SES_CN, &c, MG_R_PRES_STRUCTURE);
	/* an empty transfer-syntax OID inside the list */
	expect_bad(empty_ts, sizeof(empty_ts), MG_SES_CN, &c, MG_R_PRES_STRUCTURE);
	/* table untouched by every failure above */
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, 3);
}

Test(pres, cp_pdv_outside_table)
{
	struct mg_pres_ctx c = fresh();
	static const uint8_t undefined[] = {
		0x31, 0x27, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x20,
		/* [4] */ 0xa4, 0x11,
		0x30, 0x0f, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x61, 0x0b, 0x30, 0x09, /* id 9 */ 0x02, 0x01, 0x09, 0xa0, 0x04, 0x60, 0x02, 0x05,
		0x00,
	};

	expect_bad(undefined, sizeof(undefined), MG_SES_CN, &c, MG_R_PRES_CONTEXT);
	cr_assert(!c.proposed);
}

Test(pres, non_canonical_oid_not_mms)
{
	struct mg_pres_ctx c = fresh();
	/* MMS abstract syntax with a 0x80 pad octet (X.690 forbids it): not
	 * recognised, so the context is neither ACSE nor MMS */
	static const uint8_t padded[] = {
		0x31, 0x39, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x32,
		/* [4] */ 0xa4, 0x24,
		0x30, 0x0f, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x30, 0x11, 0x02, 0x01, 0x03,
		/* 1.0.9506.2.1, padded */ 0x06, 0x06, 0x28, 0x80, 0xca, 0x22, 0x02, 0x01,
		0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
		0x61, 0x0a, 0x30, 0x08, 0x02, 0x01, 0x01, 0xa0, 0x03, 0x60, 0x01, 0x00,
	};

	expect_ok(padded, sizeof(padded), MG_SES_CN, &c, MG_PRES_CP, 1, MG_PRES_AS_ACSE, 3);
	cr_assert_eq(c.acse_id, 1);
	cr_assert_eq(c.mms_id, -1);
	expect_bad(td_read, sizeof(td_read), MG_SES_DT, &c, MG_R_PRES_CONTEXT);
}

Test(pres, wrong_ppdu_for_spdu)
{
	struct mg_pres_ctx c = fresh();

	expect_bad(cp_read, sizeof(cp_read), MG_SES_DT, &c, MG_R_PRES_PPDU);
	expect_bad(td_read, sizeof(td_read), MG_SES_CN, &c, MG_R_PRES_PPDU);
	expect_bad(td_read, sizeof(td_read), MG_SES_AC, &c, MG_R_PRES_PPDU);
	expect_bad(td_read, sizeof(td_read), MG_SES_AA, &c, MG_R_PRES_PPDU);
	expect_bad(td_read, sizeof(td_read), MG_SES_AB, &c, MG_R_PRES_PPDU);
	expect_bad(arp, sizeof(arp), MG_SES_CN, &c, MG_R_PRES_PPDU);
}

static const struct vec all[] = {
	VEC(cp_read, MG_SES_CN),     VEC(cp_ids_5_7, MG_SES_CN), VEC(cpa_sample, MG_SES_AC),
	VEC(cpa_reject_mms, MG_SES_AC), VEC(td_read, MG_SES_DT), VEC(td_rlrq, MG_SES_FN),
	VEC(td_octet, MG_SES_DT),    VEC(aru_abrt, MG_SES_AB),   VEC(aru_list, MG_SES_AB),
	VEC(arp, MG_SES_AB),         VEC(cpr, MG_SES_RF),
};

/* Every vector parses whole, and at every shorter length is malformed and
 * leaves the table as it was. */
Test(pres, truncated_everywhere)
{
	for (size_t v = 0; v < N(all); v++) {
		struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));
		struct mg_pres_ctx before = c;
		struct mg_pres_ppdu out;
		enum mg_reason why;

		for (size_t n = 0; n < all[v].len; n++) {
			enum mg_status st = parse_copy(all[v].p, n, all[v].ses, &c, &out, &why);

			cr_assert_eq(st, MG_MALFORMED, "%s cut at %zu: %s", all[v].name, n,
				     mg_status_str(st));
			cr_assert_neq(why, MG_R_NONE);
			cr_assert(memcmp(&before, &c, sizeof(c)) == 0);
		}
		cr_assert_eq(parse_copy(all[v].p, all[v].len, all[v].ses, &c, &out, &why), MG_OK,
			     "%s whole: %s", all[v].name, mg_reason_str(why));
	}
}

Test(pres, mutations_never_crash)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0x84, 0xa0, 0xff };
	uint8_t buf[256];

	for (size_t v = 0; v < N(all); v++) {
		cr_assert(all[v].len <= sizeof(buf));
		for (size_t i = 0; i < all[v].len; i++) {
			for (size_t k = 0; k < N(vals); k++) {
				struct mg_pres_ctx c = after_cp(cp_read, sizeof(cp_read));
				struct mg_pres_ppdu out;
				enum mg_reason why;

				memcpy(buf, all[v].p, all[v].len);
				buf[i] = vals[k];
				enum mg_status st =
					parse_copy(buf, all[v].len, all[v].ses, &c, &out, &why);

				cr_assert(st == MG_OK || st == MG_MALFORMED);
				if (st == MG_MALFORMED)
					cr_assert_neq(why, MG_R_NONE);
			}
		}
	}
}

Test(pres, kind_names)
{
	cr_assert_str_eq(mg_pres_kind_str(MG_PRES_CP), "CP");
	cr_assert_str_eq(mg_pres_kind_str(MG_PRES_CPA), "CPA");
	cr_assert_str_eq(mg_pres_kind_str(MG_PRES_TD), "TD");
	cr_assert_str_eq(mg_pres_kind_str(0), "?");
}
