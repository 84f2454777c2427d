/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACSE parser tests, plus the whole upper stack (session → presentation →
 * ACSE) on complete TSDUs. Real vectors: the initiate exchange of
 * iec61850_read.pcap (frame 8) and Sample_File_MMS_and_GOOSE.pcap (frame
 * 111, FN/DN frames 139/140), the AARQ of a real ABB IED (ABB1.pcap, with AP
 * titles and a direct-reference); the rest is hand-built: authentication,
 * rejection, release, abort, octet-aligned and the malformed cases. Every
 * vector is also parsed at every truncated length from an exact-size heap
 * copy.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mg_acse.h"
#include "mg_pres.h"
#include "mg_session.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Complete TSDU: CN + CP + AARQ + initiate-request (iec61850_read.pcap). */
static const uint8_t tsdu_cn[] = {
	/* SPDU CN, LI 178 */ 0x0d, 0xb2,
	/*  PGI 5 { PI 19, PI 22 } */ 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02,
	/*  PI 20 */ 0x14, 0x02, 0x00, 0x02, /* PI 51 */ 0x33, 0x02, 0x00, 0x01,
	/*  PI 52 */ 0x34, 0x02, 0x00, 0x01,
	/*  PGI 193, len 156 */ 0xc1, 0x9c,
	/* CP-type */ 0x31, 0x81, 0x99, /* mode normal */ 0xa0, 0x03, 0x80, 0x01, 0x01,
	/*  normal-mode-parameters */ 0xa2, 0x81, 0x91,
	/*   selectors */ 0x81, 0x04, 0x00, 0x00, 0x00, 0x01, 0x82, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   contexts { 1 ACSE BER, 3 MMS BER } */ 0xa4, 0x23,
	0x30, 0x0f, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01, 0x30, 0x04, 0x06, 0x02,
	0x51, 0x01, 0x30, 0x10, 0x02, 0x01, 0x03, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01, 0x30,
	0x04, 0x06, 0x02, 0x51, 0x01,
	/*   presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded { PDV ctx 1, single-ASN1-type } */
	0x61, 0x5a, 0x30, 0x58, 0x02, 0x01, 0x01, 0xa0, 0x53,
	/* AARQ [APPLICATION 0], len 81 (offset 97) */ 0x60, 0x51,
	/*  [0] protocol-version version1 */ 0x80, 0x02, 0x07, 0x80,
	/*  [1] aSO-context-name 1.0.9506.2.3 */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02,
	0x03,
	/*  [2] called-AP-title 1.1.999.1 */ 0xa2, 0x06, 0x06, 0x04, 0x2b, 0xce, 0x0f, 0x02,
	/*  [3] called-AE-qualifier 23 */ 0xa3, 0x03, 0x02, 0x01, 0x17,
	/*  [30] user-information */ 0xbe, 0x35,
	/*   EXTERNAL */ 0x28, 0x33,
	/*    direct-reference 2.1.1 */ 0x06, 0x02, 0x51, 0x01,
	/*    indirect-reference 3 */ 0x02, 0x01, 0x03,
	/*    single-ASN1-type */ 0xa0, 0x2a,
	/*     MMS initiate-RequestPDU (offset 138) */
	0xa8, 0x28, 0x80, 0x02, 0x75, 0x30, 0x81, 0x02, 0x03, 0xe8, 0x82, 0x02, 0x03, 0xe8, 0x83,
	0x01, 0x05, 0xa4, 0x17, 0x80, 0x01, 0x01, 0x81, 0x03, 0x05, 0xfb, 0x00, 0x82, 0x0d, 0x03,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
};
#define AARQ_OFF 97
#define AARQ_INIT_OFF 138

/* Complete TSDU: AC + CPA + AARE + initiate-response (Sample_File). */
static const uint8_t tsdu_ac[] = {
	/* SPDU AC, LI 137 */ 0x0e, 0x89,
	/*  PGI 5 */ 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02,
	/*  PI 20 */ 0x14, 0x02, 0x00, 0x02,
	/*  PGI 193, len 123 */ 0xc1, 0x7b,
	/* CPA-PPDU */ 0x31, 0x79, /* mode normal */ 0xa0, 0x03, 0x80, 0x01, 0x01,
	/*  normal-mode-parameters */ 0xa2, 0x72,
	/*   responding selector */ 0x83, 0x04, 0x00, 0x00, 0x00, 0x01,
	/*   results { accept, accept } */ 0xa5, 0x12,
	0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01,
	0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01,
	/*   presentation-requirements */ 0x88, 0x02, 0x06, 0x00,
	/*   fully-encoded { PDV ctx 1, single-ASN1-type } */
	0x61, 0x52, 0x30, 0x50, 0x02, 0x01, 0x01, 0xa0, 0x4b,
	/* AARE [APPLICATION 1], len 73 (offset 64) */ 0x61, 0x49,
	/*  [0] protocol-version */ 0x80, 0x02, 0x07, 0x80,
	/*  [1] aSO-context-name */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
	/*  [2] result { accepted } */ 0xa2, 0x03, 0x02, 0x01, 0x00,
	/*  [3] result-source-diagnostic { service-user null } */
	0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00,
	/*  [30] user-information */ 0xbe, 0x2e,
	/*   EXTERNAL { indirect-reference 3, single-ASN1-type } */
	0x28, 0x2c, 0x02, 0x01, 0x03, 0xa0, 0x27,
	/*    MMS initiate-ResponsePDU (offset 100) */
	0xa9, 0x25, 0x80, 0x02, 0x7d, 0x00, 0x81, 0x01, 0x0a, 0x82, 0x01, 0x08, 0x83, 0x01, 0x05,
	0xa4, 0x16, 0x80, 0x01, 0x01, 0x81, 0x03, 0x05, 0xe1, 0x00, 0x82, 0x0c, 0x03, 0xee, 0x08,
	0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0xed, 0x18,
};
#define AARE_OFF 64
#define AARE_INIT_OFF 100

/* Data phase read request (iec61850_read.pcap frame 12). */
static const uint8_t tsdu_dt[] = {
	/* GT */ 0x01, 0x00, /* DT */ 0x01, 0x00,
	/* fully-encoded { PDV ctx 3, single-ASN1-type } */
	0x61, 0x1d, 0x30, 0x1b, 0x02, 0x01, 0x03, 0xa0, 0x16,
	/* MMS confirmed-RequestPDU read (offset 13) */
	0xa0, 0x14, 0x02, 0x01, 0x00, 0xa4, 0x0f, 0x80, 0x01, 0x00, 0xa1, 0x0a, 0xa0, 0x08, 0x30,
	0x06, 0xa0, 0x04, 0x80, 0x02, 0x6d, 0x75,
};

/* FN + RLRQ, DN + RLRE (Sample_File frames 139, 140). */
static const uint8_t tsdu_fn[] = {
	/* FN, LI 16 */ 0x09, 0x10, /* PGI 193 */ 0xc1, 0x0e,
	/* fully-encoded { ctx 1 } */ 0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05,
	/* RLRQ { reason 1 } */ 0x62, 0x03, 0x80, 0x01, 0x01,
};
static const uint8_t tsdu_dn[] = {
	/* DN, LI 16 */ 0x0a, 0x10, /* PGI 193 */ 0xc1, 0x0e,
	/* fully-encoded { ctx 1 } */ 0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05,
	/* RLRE { reason 1 } */ 0x63, 0x03, 0x80, 0x01, 0x01,
};

/* AB + ARU + ABRT. */
static const uint8_t tsdu_ab[] = {
	/* AB, LI 21 */ 0x19, 0x15, /* PI 17 */ 0x11, 0x01, 0x03, /* PGI 193 */ 0xc1, 0x10,
	/* ARU [0] */ 0xa0, 0x0e,
	/*  fully-encoded { ctx 1 } */ 0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05,
	/*   ABRT { source service-user } */ 0x64, 0x03, 0x80, 0x01, 0x00,
};

/* AARQ of a real ABB IED (ABB1.pcap): AP titles, AE qualifiers and
 * invocation ids on both sides. */
static const uint8_t aarq_abb[] = {
	/* AARQ, len 109 */ 0x60, 0x6d,
	/*  [1] aSO-context-name */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
	/*  [2] called-AP-title 1.1.1.999.1 */ 0xa2, 0x07, 0x06, 0x05, 0x29, 0x01, 0x87, 0x67,
	0x01,
	/*  [3] called-AE-qualifier 12 */ 0xa3, 0x03, 0x02, 0x01, 0x0c,
	/*  [4] called-AP-invocation-id */ 0xa4, 0x03, 0x02, 0x01, 0x00,
	/*  [5] called-AE-invocation-id */ 0xa5, 0x03, 0x02, 0x01, 0x00,
	/*  [6] calling-AP-title 1.1.1.999 */ 0xa6, 0x06, 0x06, 0x04, 0x29, 0x01, 0x87, 0x67,
	/*  [7] calling-AE-qualifier 12 */ 0xa7, 0x03, 0x02, 0x01, 0x0c,
	/*  [8] calling-AP-invocation-id */ 0xa8, 0x03, 0x02, 0x01, 0x00,
	/*  [9] calling-AE-invocation-id */ 0xa9, 0x03, 0x02, 0x01, 0x00,
	/*  [30] user-information */ 0xbe, 0x33,
	/*   EXTERNAL { 2.1.1, 3, single-ASN1-type } */
	0x28, 0x31, 0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03, 0xa0, 0x28,
	/*    MMS initiate-RequestPDU (40 bytes) */
	0xa8, 0x26, 0x80, 0x03, 0x00, 0xfd, 0xe8, 0x81, 0x01, 0x0a, 0x82, 0x01, 0x0a, 0x83, 0x01,
	0x05, 0xa4, 0x16, 0x80, 0x01, 0x01, 0x81, 0x03, 0x05, 0xf1, 0x00, 0x82, 0x0c, 0x03, 0xee,
	0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xed, 0x18,
};

/* AARQ with password authentication (IEC 62351-4 style). */
static const uint8_t aarq_auth[] = {
	/* AARQ, len 47 */ 0x60, 0x2f,
	/*  [1] aSO-context-name */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
	/*  [10] sender-acse-requirements { authentication } */ 0x8a, 0x02, 0x07, 0x80,
	/*  [11] mechanism-name 2.2.3.1 (password) */ 0x8b, 0x03, 0x52, 0x03, 0x01,
	/*  [12] calling-authentication-value { charstring "secret12" } */
	0xac, 0x0a, 0x80, 0x08, 's', 'e', 'c', 'r', 'e', 't', '1', '2',
	/*  [30] user-information */ 0xbe, 0x0f,
	/*   EXTERNAL { indirect-reference 3, single-ASN1-type } */
	0x28, 0x0d, 0x02, 0x01, 0x03, 0xa0, 0x08,
	/*    initiate-RequestPDU (short) */ 0xa8, 0x06, 0x80, 0x01, 0x01, 0x81, 0x01, 0x01,
};

/* AARQ whose MMS PDU is octet-aligned. */
static const uint8_t aarq_octet[] = {
	/* AARQ, len 23 */ 0x60, 0x17,
	/*  [1] aSO-context-name */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
	/*  [30] */ 0xbe, 0x0c,
	/*   EXTERNAL { indirect-reference 3, octet-aligned [1] } */
	0x28, 0x0a, 0x02, 0x01, 0x03, 0x81, 0x05,
	/*    initiate-RequestPDU */ 0xa8, 0x03, 0x80, 0x01, 0x01,
};

/* AARE rejected-permanent, no user information. */
static const uint8_t aare_reject[] = {
	/* AARE, len 25 */ 0x61, 0x19,
	/*  [0] protocol-version */ 0x80, 0x02, 0x07, 0x80,
	/*  [1] aSO-context-name */ 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
	/*  [2] result { rejected-permanent } */ 0xa2, 0x03, 0x02, 0x01, 0x01,
	/*  [3] diagnostic { service-user no-reason-given } */ 0xa3, 0x05, 0xa1, 0x03, 0x02,
	0x01, 0x01,
};

/* RLRQ carrying an MMS conclude-RequestPDU in user-information. */
static const uint8_t rlrq_user[] = {
	/* RLRQ, len 11 */ 0x62, 0x0b,
	/*  [0] reason normal */ 0x80, 0x01, 0x00,
	/*  [30] */ 0xbe, 0x06, /* EXTERNAL */ 0x28, 0x04, 0xa0, 0x02,
	/*   conclude-RequestPDU */ 0x8b, 0x00,
};

/* ABRT with source and diagnostic. */
static const uint8_t abrt_diag[] = {
	/* ABRT, len 6 */ 0x64, 0x06,
	/*  [0] abort-source service-provider */ 0x80, 0x01, 0x01,
	/*  [1] abort-diagnostic protocol-error */ 0x81, 0x01, 0x02,
};

struct vec {
	const char *name;
	const uint8_t *p;
	size_t len;
};

#define VEC(a) { #a, a, sizeof(a) }

static enum mg_status parse_copy(const uint8_t *p, size_t len, struct mg_acse_apdu *out,
				 enum mg_reason *why)
{
	uint8_t *b = malloc(len ? len : 1);

	cr_assert_not_null(b);
	if (len)
		memcpy(b, p, len);
	*why = MG_R_NONE;
	enum mg_status st = mg_acse_parse(b, len, out, why);

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

static struct mg_acse_apdu expect_ok(const uint8_t *p, size_t len, uint8_t kind)
{
	struct mg_acse_apdu a;
	enum mg_reason why;
	enum mg_status st = parse_copy(p, len, &a, &why);

	cr_assert_eq(st, MG_OK, "status %s reason %s", mg_status_str(st), mg_reason_str(why));
	cr_assert_eq(a.kind, kind, "kind %s", mg_acse_kind_str(a.kind));
	return a;
}

static void expect_bad(const uint8_t *p, size_t len, enum mg_reason reason)
{
	struct mg_acse_apdu a;
	enum mg_reason why;
	enum mg_status st = parse_copy(p, len, &a, &why);

	cr_assert_eq(st, MG_MALFORMED, "status %s", mg_status_str(st));
	cr_assert_eq(why, reason, "reason %s, expected %s", mg_reason_str(why),
		     mg_reason_str(reason));
}

Test(acse, aarq_real)
{
	struct mg_acse_apdu a =
		expect_ok(tsdu_cn + AARQ_OFF, sizeof(tsdu_cn) - AARQ_OFF, MG_ACSE_AARQ);

	cr_assert_eq(a.user, tsdu_cn + AARQ_INIT_OFF);
	cr_assert_eq(a.user_len, sizeof(tsdu_cn) - AARQ_INIT_OFF);
	cr_assert_eq(a.user[0], 0xa8); /* initiate-RequestPDU */
	cr_assert_eq(a.user_ctx, 3);
	cr_assert(!a.has_auth);
	cr_assert_eq(a.result, -1);
	cr_assert_eq(a.reason, -1);
}

Test(acse, aarq_real_ied_with_titles)
{
	struct mg_acse_apdu a = expect_ok(aarq_abb, sizeof(aarq_abb), MG_ACSE_AARQ);

	cr_assert_eq(a.user, aarq_abb + sizeof(aarq_abb) - 40);
	cr_assert_eq(a.user_len, 40);
	cr_assert_eq(a.user_ctx, 3);
}

Test(acse, aarq_authentication)
{
	struct mg_acse_apdu a = expect_ok(aarq_auth, sizeof(aarq_auth), MG_ACSE_AARQ);

	cr_assert(a.has_auth);
	cr_assert_eq(a.user_len, 8);
	cr_assert_eq(a.user[0], 0xa8);
}

Test(acse, aarq_octet_aligned)
{
	struct mg_acse_apdu a = expect_ok(aarq_octet, sizeof(aarq_octet), MG_ACSE_AARQ);

	cr_assert_eq(a.user, aarq_octet + sizeof(aarq_octet) - 5);
	cr_assert_eq(a.user_len, 5);
}

Test(acse, aare_accepted)
{
	struct mg_acse_apdu a =
		expect_ok(tsdu_ac + AARE_OFF, sizeof(tsdu_ac) - AARE_OFF, MG_ACSE_AARE);

	cr_assert_eq(a.result, 0);
	cr_assert_eq(a.user, tsdu_ac + AARE_INIT_OFF);
	cr_assert_eq(a.user[0], 0xa9); /* initiate-ResponsePDU */
	cr_assert_eq(a.user_ctx, 3);
}

Test(acse, aare_rejected)
{
	struct mg_acse_apdu a = expect_ok(aare_reject, sizeof(aare_reject), MG_ACSE_AARE);

	cr_assert_eq(a.result, 1);
	cr_assert_null(a.user);
}

Test(acse, release_and_abort)
{
	struct mg_acse_apdu a;

	a = expect_ok(tsdu_fn + 13, sizeof(tsdu_fn) - 13, MG_ACSE_RLRQ);
	cr_assert_eq(a.reason, 1);
	cr_assert_null(a.user);
	a = expect_ok(tsdu_dn + 13, sizeof(tsdu_dn) - 13, MG_ACSE_RLRE);
	cr_assert_eq(a.reason, 1);
	a = expect_ok(tsdu_ab + 18, sizeof(tsdu_ab) - 18, MG_ACSE_ABRT);
	cr_assert_eq(a.reason, 0);
	a = expect_ok(abrt_diag, sizeof(abrt_diag), MG_ACSE_ABRT);
	cr_assert_eq(a.reason, 1);
	a = expect_ok(rlrq_user, sizeof(rlrq_user), MG_ACSE_RLRQ);
	cr_assert_eq(a.reason, 0);
	cr_assert_eq(a.user_len, 2);
	cr_assert_eq(a.user[0], 0x8b);

	static const uint8_t rlrq_empty[] = { 0x62, 0x00 };

	a = expect_ok(rlrq_empty, sizeof(rlrq_empty), MG_ACSE_RLRQ);
	cr_assert_eq(a.reason, -1);
}

Test(acse, unknown_apdu)
{
	static const uint8_t adt[] = { /* A-DT [APPLICATION 5] */ 0x65, 0x00 };
	static const uint8_t mms[] = { /* an MMS PDU, not ACSE */ 0xa0, 0x03, 0x02, 0x01, 0x01 };
	static const uint8_t prim[] = { /* primitive [APPLICATION 0] */ 0x40, 0x00 };
	static const uint8_t seq[] = { 0x30, 0x00 };

	expect_bad(adt, sizeof(adt), MG_R_ACSE_APDU);
	expect_bad(mms, sizeof(mms), MG_R_ACSE_APDU);
	expect_bad(prim, sizeof(prim), MG_R_ACSE_APDU);
	expect_bad(seq, sizeof(seq), MG_R_ACSE_APDU);
}

Test(acse, user_information_rules)
{
	/* arbitrary [2] encoding */
	static const uint8_t arb[] = {
		0x60, 0x15, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x0a, 0x28, 0x08, 0x02, 0x01, 0x03, /* [2] */ 0x82, 0x03, 0x00, 0xff, 0xff,
	};
	/* two EXTERNALs: the second would go uninspected */
	static const uint8_t two[] = {
		0x60, 0x1d, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x12,
		0x28, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x05, 0x00,
		0x28, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x05, 0x00,
	};
	/* AARQ without user-information */
	static const uint8_t none[] = { 0x60, 0x09, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22,
					0x02, 0x03 };
	/* empty user-information */
	static const uint8_t empty[] = { 0x60, 0x0b, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22,
					 0x02, 0x03, 0xbe, 0x00 };
	/* EXTERNAL without encoding */
	static const uint8_t no_enc[] = {
		0x60, 0x10, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x05, 0x28, 0x03, 0x02, 0x01, 0x03,
	};
	/* two values inside single-ASN1-type */
	static const uint8_t two_vals[] = {
		0x60, 0x14, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x09, 0x28, 0x07, 0xa0, 0x05, 0x05, 0x00, 0x05, 0x00, 0x00,
	};
	/* user-information element not an EXTERNAL */
	static const uint8_t not_ext[] = {
		0x60, 0x12, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00,
	};
	/* a field after user-information */
	static const uint8_t after[] = {
		0x60, 0x14, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00, 0x9d, 0x00,
	};
	/* encoding before indirect-reference */
	static const uint8_t order[] = {
		0x60, 0x15, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x0a, 0x28, 0x08, 0xa0, 0x03, 0x05, 0x01, 0x00, 0x02, 0x01, 0x03,
	};

	expect_bad(arb, sizeof(arb), MG_R_ACSE_ENCODING);
	expect_bad(two, sizeof(two), MG_R_ACSE_MULTI_EXTERNAL);
	expect_bad(none, sizeof(none), MG_R_ACSE_NO_USER_INFO);
	expect_bad(empty, sizeof(empty), MG_R_ACSE_NO_USER_INFO);
	expect_bad(no_enc, sizeof(no_enc), MG_R_ACSE_NO_USER_INFO);
	expect_bad(two_vals, sizeof(two_vals), MG_R_ACSE_STRUCTURE);
	expect_bad(not_ext, sizeof(not_ext), MG_R_ACSE_STRUCTURE);
	expect_bad(after, sizeof(after), MG_R_ACSE_STRUCTURE);
	expect_bad(order, sizeof(order), MG_R_ACSE_STRUCTURE);
}

Test(acse, field_rules)
{
	/* no aSO-context-name */
	static const uint8_t no_ctx[] = { 0x60, 0x09, 0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05,
					  0x01, 0x00 };
	/* aSO-context-name twice */
	static const uint8_t dup[] = {
		0x60, 0x1a, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00,
	};
	/* field [20] does not exist */
	static const uint8_t unknown[] = {
		0x60, 0x14, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03, 0xb4, 0x00,
		0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00,
	};
	/* [1] primitive (it is EXPLICIT, so constructed) */
	static const uint8_t prim1[] = {
		0x60, 0x0c, 0x81, 0x01, 0x00, 0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00,
	};
	/* a universal SEQUENCE among the fields */
	static const uint8_t universal[] = {
		0x60, 0x14, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03, 0x30, 0x00,
		0xbe, 0x07, 0x28, 0x05, 0xa0, 0x03, 0x05, 0x01, 0x00,
	};
	/* AARE result 5 */
	static const uint8_t bad_result[] = {
		0x61, 0x12, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xa2, 0x03, 0x02, 0x01, 0x05, 0xa3, 0x00, 0x00, 0x00,
	};
	/* AARE without result */
	static const uint8_t no_result[] = { 0x61, 0x09, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22,
					     0x02, 0x03 };
	/* AARE result not an INTEGER */
	static const uint8_t result_oid[] = {
		0x61, 0x0e, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xa2, 0x03, 0x06, 0x01, 0x00,
	};
	/* AARE accepted, no initiate-response */
	static const uint8_t aare_empty[] = {
		0x61, 0x15, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03,
		0xa2, 0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00,
	};
	/* ABRT without abort-source */
	static const uint8_t abrt_none[] = { 0x64, 0x03, 0x81, 0x01, 0x01 };
	/* RLRQ field [1] not admitted */
	static const uint8_t rlrq_bad[] = { 0x62, 0x03, 0x81, 0x01, 0x00 };
	/* bytes after the APDU */
	static const uint8_t trailing[] = { 0x62, 0x03, 0x80, 0x01, 0x00, 0x00 };
	/* field length past the APDU */
	static const uint8_t past[] = { 0x62, 0x03, 0x80, 0x05, 0x00 };

	expect_bad(no_ctx, sizeof(no_ctx), MG_R_ACSE_STRUCTURE);
	expect_bad(dup, sizeof(dup), MG_R_ACSE_STRUCTURE);
	expect_bad(unknown, sizeof(unknown), MG_R_ACSE_STRUCTURE);
	expect_bad(prim1, sizeof(prim1), MG_R_ACSE_STRUCTURE);
	expect_bad(universal, sizeof(universal), MG_R_ACSE_STRUCTURE);
	expect_bad(bad_result, sizeof(bad_result), MG_R_ACSE_STRUCTURE);
	expect_bad(no_result, sizeof(no_result), MG_R_ACSE_STRUCTURE);
	expect_bad(result_oid, sizeof(result_oid), MG_R_ACSE_STRUCTURE);
	expect_bad(aare_empty, sizeof(aare_empty), MG_R_ACSE_NO_USER_INFO);
	expect_bad(abrt_none, sizeof(abrt_none), MG_R_ACSE_STRUCTURE);
	expect_bad(rlrq_bad, sizeof(rlrq_bad), MG_R_ACSE_STRUCTURE);
	expect_bad(trailing, sizeof(trailing), MG_R_ACSE_STRUCTURE);
	expect_bad(past, sizeof(past), MG_R_BER_LEN_OVERFLOW);
}

static const struct vec apdus[] = {
	{ "aarq_read", tsdu_cn + AARQ_OFF, sizeof(tsdu_cn) - AARQ_OFF },
	{ "aare_sample", tsdu_ac + AARE_OFF, sizeof(tsdu_ac) - AARE_OFF },
	VEC(aarq_abb), VEC(aarq_auth), VEC(aarq_octet), VEC(aare_reject),
	VEC(rlrq_user), VEC(abrt_diag),
};

Test(acse, truncated_everywhere)
{
	for (size_t v = 0; v < N(apdus); v++) {
		struct mg_acse_apdu a;
		enum mg_reason why;

		for (size_t n = 0; n < apdus[v].len; n++) {
			enum mg_status st = parse_copy(apdus[v].p, n, &a, &why);

			cr_assert_eq(st, MG_MALFORMED, "%s cut at %zu", apdus[v].name, n);
			cr_assert_neq(why, MG_R_NONE);
		}
		cr_assert_eq(parse_copy(apdus[v].p, apdus[v].len, &a, &why), MG_OK, "%s: %s",
			     apdus[v].name, mg_reason_str(why));
	}
}

Test(acse, mutations_never_crash)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x28, 0x7f, 0x80, 0x81, 0x84, 0xa0, 0xbe, 0xff };
	uint8_t buf[256];

	for (size_t v = 0; v < N(apdus); v++) {
		cr_assert(apdus[v].len <= sizeof(buf));
		for (size_t i = 0; i < apdus[v].len; i++) {
			for (size_t k = 0; k < N(vals); k++) {
				struct mg_acse_apdu a;
				enum mg_reason why;

				memcpy(buf, apdus[v].p, apdus[v].len);
				buf[i] = vals[k];
				enum mg_status st = parse_copy(buf, apdus[v].len, &a, &why);

				cr_assert(st == MG_OK || st == MG_MALFORMED);
			}
		}
	}
}

/* ---- the upper stack on whole TSDUs ----------------------------------- */

/* Session → presentation → (ACSE when the PDV is ACSE). Returns the first
 * failing status, or MG_OK with *mms the PDU the engine would hand to the
 * MMS decoder. */
static enum mg_status upper(const uint8_t *p, size_t len, struct mg_pres_ctx *ctx,
			    const uint8_t **mms, size_t *mms_len, enum mg_reason *why)
{
	struct mg_ses_spdu s;
	struct mg_pres_ppdu pp;
	struct mg_acse_apdu a;
	enum mg_status st;

	*mms = NULL;
	*mms_len = 0;
	*why = MG_R_NONE;
	st = mg_ses_parse(p, len, &s, why);
	if (st != MG_OK || s.user == NULL)
		return st;
	st = mg_pres_parse(s.user, s.user_len, s.kind, ctx, &pp, why);
	if (st != MG_OK || pp.user == NULL)
		return st;
	if (pp.abstract == MG_PRES_AS_MMS) {
		*mms = pp.user;
		*mms_len = pp.user_len;
		return MG_OK;
	}
	if (pp.abstract != MG_PRES_AS_ACSE)
		return MG_NOT_MMS; /* not expected in these tests */
	st = mg_acse_parse(pp.user, pp.user_len, &a, why);
	if (st == MG_OK) {
		*mms = a.user;
		*mms_len = a.user_len;
	}
	return st;
}

static void stack_ok(const uint8_t *p, size_t len, struct mg_pres_ctx *ctx, size_t mms_off)
{
	const uint8_t *mms;
	size_t mms_len;
	enum mg_reason why;
	enum mg_status st = upper(p, len, ctx, &mms, &mms_len, &why);

	cr_assert_eq(st, MG_OK, "%s", mg_reason_str(why));
	if (mms_off == 0) {
		cr_assert_null(mms);
	} else {
		cr_assert_eq(mms, p + mms_off, "mms at %td", mms - p);
		cr_assert_eq(mms_len, len - mms_off);
	}
}

Test(stack, association_lifecycle)
{
	struct mg_pres_ctx ctx;

	mg_pres_ctx_init(&ctx);
	stack_ok(tsdu_cn, sizeof(tsdu_cn), &ctx, AARQ_INIT_OFF);
	stack_ok(tsdu_ac, sizeof(tsdu_ac), &ctx, AARE_INIT_OFF);
	cr_assert(ctx.proposed && ctx.accepted);
	stack_ok(tsdu_dt, sizeof(tsdu_dt), &ctx, 13);
	stack_ok(tsdu_fn, sizeof(tsdu_fn), &ctx, 0);
	stack_ok(tsdu_dn, sizeof(tsdu_dn), &ctx, 0);
	stack_ok(tsdu_ab, sizeof(tsdu_ab), &ctx, 0);
}

/* Every proper prefix of every TSDU is refused by some layer. */
Test(stack, truncated_tsdus)
{
	const struct vec tsdus[] = {
		VEC(tsdu_cn), VEC(tsdu_ac), VEC(tsdu_dt), VEC(tsdu_fn), VEC(tsdu_dn), VEC(tsdu_ab),
	};
	struct mg_pres_ctx base;

	mg_pres_ctx_init(&base);
	{
		const uint8_t *m;
		size_t ml;
		enum mg_reason why;

		cr_assert_eq(upper(tsdu_cn, sizeof(tsdu_cn), &base, &m, &ml, &why), MG_OK);
	}
	for (size_t v = 0; v < N(tsdus); v++) {
		for (size_t n = 0; n < tsdus[v].len; n++) {
			struct mg_pres_ctx ctx = base;
			uint8_t *b = malloc(n ? n : 1);
			const uint8_t *m;
			size_t ml;
			enum mg_reason why;

			cr_assert_not_null(b);
			memcpy(b, tsdus[v].p, n);
			enum mg_status st = upper(b, n, &ctx, &m, &ml, &why);

			free(b);
			cr_assert_eq(st, MG_MALFORMED, "%s cut at %zu: %s", tsdus[v].name, n,
				     mg_status_str(st));
			cr_assert_neq(why, MG_R_NONE);
		}
	}
}

Test(acse, kind_names)
{
	cr_assert_str_eq(mg_acse_kind_str(MG_ACSE_AARQ), "AARQ");
	cr_assert_str_eq(mg_acse_kind_str(MG_ACSE_ABRT), "ABRT");
	cr_assert_str_eq(mg_acse_kind_str(9), "?");
}
