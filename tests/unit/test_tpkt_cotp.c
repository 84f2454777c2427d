/* SPDX-License-Identifier: BSD-3-Clause */
/* TPKT header and COTP TPDU vectors (RFC 1006, ISO 8073 class 0). */
#include <criterion/criterion.h>

#include "mg_cotp.h"
#include "mg_test_util.h"
#include "mg_tpkt.h"

Test(tpkt, valid_header)
{
	const uint8_t p[] = { /* version */ 0x03, /* reserved */ 0x00, /* length */ 0x00, 0x13 };
	uint16_t l = 0;
	enum mg_reason why = MG_R_NONE;

	cr_assert_eq(mg_tpkt_header(p, sizeof(p), &l, &why), MG_OK);
	cr_assert_eq(l, 19);
}

Test(tpkt, need_more_below_four_bytes)
{
	const uint8_t p[] = { 0x03, 0x00, 0x00, 0x13 };
	uint16_t l;
	enum mg_reason why;

	for (size_t n = 0; n < 4; n++)
		cr_assert_eq(mg_tpkt_header(p, n, &l, &why), MG_NEED_MORE, "n=%zu", n);
}

Test(tpkt, bad_version_refused_at_first_byte)
{
	const uint8_t p[] = { 0x32 };
	uint16_t l;
	enum mg_reason why = MG_R_NONE;

	cr_assert_eq(mg_tpkt_header(p, 1, &l, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_TPKT_VERSION);
}

Test(tpkt, length_below_seven)
{
	for (unsigned len = 0; len < 7; len++) {
		const uint8_t p[] = { 0x03, 0x00, 0x00, (uint8_t)len };
		uint16_t l;
		enum mg_reason why = MG_R_NONE;

		cr_assert_eq(mg_tpkt_header(p, 4, &l, &why), MG_MALFORMED);
		cr_assert_eq(why, MG_R_TPKT_LEN_SHORT);
	}
	const uint8_t max[] = { 0x03, 0x00, 0xff, 0xff };
	uint16_t l;
	enum mg_reason why;

	cr_assert_eq(mg_tpkt_header(max, 4, &l, &why), MG_OK);
	cr_assert_eq(l, 65535);
}

Test(cotp, connection_request)
{
	/* From a real IEC 61850 client (TPKT stripped). */
	uint8_t p[64];
	size_t n = mg_test_hex("0e" /* LI 14 */ "e0" /* CR, CDT 0 */ "0000" /* dst-ref */
			       "0006" /* src-ref */ "00" /* class 0 */
			       "c1020002" /* calling TSAP */ "c2020001" /* called TSAP */,
			       p, sizeof(p));
	struct mg_cotp_tpdu t;
	enum mg_reason why;

	cr_assert_eq(mg_cotp_parse(p, n, &t, &why), MG_OK);
	cr_assert_eq(t.type, MG_COTP_CR);
	cr_assert_eq(t.src_ref, 6);
	cr_assert_eq(t.cls, 0);
	cr_assert_eq(t.user_len, 0);
	cr_assert_str_eq(mg_cotp_type_str(t.type), "CR");
}

Test(cotp, connection_confirm_tpdu_size)
{
	uint8_t p[64];
	size_t n = mg_test_hex("11" "d0" "1801" "0004" "00" "c1020002" "c2020200"
			       "c0010a" /* TPDU size 2^10 */, p, sizeof(p));
	struct mg_cotp_tpdu t;
	enum mg_reason why;

	cr_assert_eq(mg_cotp_parse(p, n, &t, &why), MG_OK);
	cr_assert_eq(t.type, MG_COTP_CC);
	cr_assert_eq(t.dst_ref, 0x1801);
	cr_assert_eq(t.tpdu_size, 1024);
}

Test(cotp, bad_tpdu_size_parameter)
{
	uint8_t p[] = { 0x09, 0xd0, 0, 1, 0, 2, 0, 0xc0, 0x01, 0x05 /* 2^5 < 128 */ };
	struct mg_cotp_tpdu t;
	enum mg_reason why = MG_R_NONE;

	cr_assert_eq(mg_cotp_parse(p, sizeof(p), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_COTP_PARAM);
	/* A parameter whose length runs past LI. */
	uint8_t q[] = { 0x08, 0xd0, 0, 1, 0, 2, 0, 0xc1, 0x05 };

	cr_assert_eq(mg_cotp_parse(q, sizeof(q), &t, &why), MG_MALFORMED);
}

Test(cotp, data_eot_and_fragment)
{
	const uint8_t last[] = { 0x02, 0xf0, 0x80, 0x01, 0x00 };
	const uint8_t more[] = { 0x02, 0xf0, 0x00, 0xaa };
	struct mg_cotp_tpdu t;
	enum mg_reason why;

	cr_assert_eq(mg_cotp_parse(last, sizeof(last), &t, &why), MG_OK);
	cr_assert(t.eot);
	cr_assert_eq(t.user_len, 2);
	cr_assert_eq(t.user[0], 0x01);
	cr_assert_eq(mg_cotp_parse(more, sizeof(more), &t, &why), MG_OK);
	cr_assert_not(t.eot);
	cr_assert_eq(t.user_len, 1);
}

Test(cotp, disconnect_request_and_error)
{
	const uint8_t dr[] = { 0x06, 0x80, 0x00, 0x06, 0x00, 0x04, 0x80 };
	const uint8_t er[] = { 0x04, 0x70, 0x00, 0x06, 0x02 };
	struct mg_cotp_tpdu t;
	enum mg_reason why;

	cr_assert_eq(mg_cotp_parse(dr, sizeof(dr), &t, &why), MG_OK);
	cr_assert_eq(t.type, MG_COTP_DR);
	cr_assert_eq(t.reason, 0x80);
	cr_assert_eq(mg_cotp_parse(er, sizeof(er), &t, &why), MG_OK);
	cr_assert_eq(t.type, MG_COTP_ER);
	cr_assert_eq(t.reason, 2);
}

Test(cotp, length_indicator_checks)
{
	struct mg_cotp_tpdu t;
	enum mg_reason why = MG_R_NONE;
	const uint8_t past[] = { 0x05, 0xf0, 0x80 };      /* LI past the TPDU */
	const uint8_t reserved[] = { 0xff, 0xf0, 0x80 }; /* LI 255 reserved */
	const uint8_t short_cr[] = { 0x02, 0xe0, 0x00 };  /* CR needs LI >= 6 */
	const uint8_t unknown[] = { 0x02, 0x30, 0x00 };   /* no TPDU 0x30 */

	cr_assert_eq(mg_cotp_parse(past, sizeof(past), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_COTP_LI);
	cr_assert_eq(mg_cotp_parse(reserved, sizeof(reserved), &t, &why), MG_MALFORMED);
	cr_assert_eq(mg_cotp_parse(short_cr, sizeof(short_cr), &t, &why), MG_MALFORMED);
	cr_assert_eq(mg_cotp_parse(unknown, sizeof(unknown), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_COTP_TYPE);
}

Test(cotp, every_truncation_is_safe)
{
	uint8_t p[64];
	size_t n = mg_test_hex("11d0180100040" "0c1020002c2020200c0010a", p, sizeof(p));
	struct mg_cotp_tpdu t;
	enum mg_reason why;

	for (size_t k = 0; k < n; k++) {
		/* Exact-size copy so ASan sees any over-read. */
		uint8_t *c = malloc(k ? k : 1);

		memcpy(c, p, k);
		cr_assert_eq(mg_cotp_parse(c, k, &t, &why), MG_MALFORMED, "k=%zu", k);
		free(c);
	}
}
