/* SPDX-License-Identifier: BSD-3-Clause */
/* BER TLV reader: tags, lengths and their bounds (X.690). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mg_ber.h"

Test(ber, short_form)
{
	const uint8_t p[] = { /* [CONTEXT 0] constructed */ 0xa0, /* len */ 0x03,
			      /* INTEGER 1 */ 0x02, 0x01, 0x01 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(p, sizeof(p), &t, &why), MG_OK);
	cr_assert_eq(t.cls, MG_BER_CONTEXT);
	cr_assert(t.constructed);
	cr_assert_eq(t.tag, 0);
	cr_assert_eq(t.len, 3);
	cr_assert_eq(t.hdr_len, 2);
	cr_assert(mg_ber_is(&t, MG_BER_CONTEXT, true, 0));
}

Test(ber, long_form_lengths)
{
	uint8_t p[300] = { 0x04, 0x82, 0x01, 0x00 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(p, 4 + 256, &t, &why), MG_OK);
	cr_assert_eq(t.len, 256);
	cr_assert_eq(t.hdr_len, 4);
	/* One byte short of the declared length: past the parent. */
	cr_assert_eq(mg_ber_tlv(p, 4 + 255, &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_LEN_OVERFLOW);
}

Test(ber, length_of_more_than_four_octets)
{
	const uint8_t p[] = { 0x04, 0x85, 0, 0, 0, 0, 1, 0xaa };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(p, sizeof(p), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_LEN_TOO_LONG);
}

Test(ber, indefinite_length_refused)
{
	const uint8_t p[] = { 0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(p, sizeof(p), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_LEN_INDEFINITE);
}

Test(ber, high_tag_numbers)
{
	/* [CONTEXT 79] = 0xbf 0x4f; [CONTEXT 200] = 0xbf 0x81 0x48 */
	const uint8_t a[] = { 0xbf, 0x4f, 0x00 };
	const uint8_t b[] = { 0x9f, 0x81, 0x48, 0x00 };
	const uint8_t toolong[] = { 0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(a, sizeof(a), &t, &why), MG_OK);
	cr_assert_eq(t.tag, 79);
	cr_assert_eq(mg_ber_tlv(b, sizeof(b), &t, &why), MG_OK);
	cr_assert_eq(t.tag, 200);
	cr_assert_not(t.constructed);
	cr_assert_eq(mg_ber_tlv(toolong, sizeof(toolong), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_TAG_TOO_LONG);
}

Test(ber, non_minimal_tags_refused)
{
	/* [CONTEXT 4] in the high-tag-number form (short form applies), the
	 * smallest high tag 31 (fine), and a leading zero septet before 79 */
	const uint8_t shortable[] = { 0xbf, 0x04, 0x00 };
	const uint8_t t30[] = { 0x9f, 0x1e, 0x00 };
	const uint8_t t31[] = { 0x9f, 0x1f, 0x00 };
	const uint8_t lead0[] = { 0xbf, 0x80, 0x4f, 0x00 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	cr_assert_eq(mg_ber_tlv(shortable, sizeof(shortable), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_TAG_NONMINIMAL);
	cr_assert_eq(mg_ber_tlv(t30, sizeof(t30), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_TAG_NONMINIMAL);
	cr_assert_eq(mg_ber_tlv(t31, sizeof(t31), &t, &why), MG_OK);
	cr_assert_eq(t.tag, 31);
	cr_assert_eq(mg_ber_tlv(lead0, sizeof(lead0), &t, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_BER_TAG_NONMINIMAL);
	cr_assert_str_eq(mg_reason_str(MG_R_BER_TAG_NONMINIMAL), "ber_tag_not_minimal");
}

Test(ber, iterator_walks_siblings)
{
	const uint8_t p[] = { 0x80, 0x01, 0x07, 0x81, 0x00, 0x82, 0x02, 0xab, 0xcd };
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_reason why;
	int n = 0;

	mg_ber_iter_init(&it, p, sizeof(p));
	while (mg_ber_next(&it, &t, &why) == MG_OK)
		cr_assert_eq(t.tag, (uint32_t)n++);
	cr_assert_eq(n, 3);
	cr_assert_eq(it.len, 0);
}

Test(ber, integers)
{
	const uint8_t five[] = { 0x00, 0xff, 0xff, 0xff, 0xff };
	const uint8_t neg[] = { 0xff };
	const uint8_t six[] = { 0, 0, 0, 0, 0, 1 };
	uint32_t u;
	int32_t s;

	cr_assert(mg_ber_uint32(five, 5, &u));
	cr_assert_eq(u, 0xffffffffu);
	cr_assert_not(mg_ber_uint32(neg, 1, &u));
	cr_assert_not(mg_ber_uint32(six, 6, &u));
	cr_assert_not(mg_ber_uint32(five, 0, &u));
	cr_assert(mg_ber_int32(neg, 1, &s));
	cr_assert_eq(s, -1);
}

Test(ber, oids)
{
	/* 1.0.9506.2.1 (MMS abstract syntax) and 2.2.1.0.1 (ACSE) */
	const uint8_t mms[] = { 0x28, 0xca, 0x22, 0x02, 0x01 };
	const uint8_t acse[] = { 0x52, 0x01, 0x00, 0x01 };
	const uint8_t bad[] = { 0x28, 0xca };
	char buf[64];

	cr_assert(mg_ber_oid_eq(mms, sizeof(mms), "1.0.9506.2.1"));
	cr_assert(mg_ber_oid_eq(acse, sizeof(acse), "2.2.1.0.1"));
	cr_assert_not(mg_ber_oid_eq(acse, sizeof(acse), "1.0.9506.2.1"));
	cr_assert_not(mg_ber_oid_str(bad, sizeof(bad), buf, sizeof(buf)));
	cr_assert_not(mg_ber_oid_str(mms, sizeof(mms), buf, 4));
}

Test(ber, every_truncation_is_malformed)
{
	const uint8_t p[] = { 0xbf, 0x81, 0x48, 0x82, 0x00, 0x03, 0x01, 0x02, 0x03 };
	struct mg_ber_tlv t;
	enum mg_reason why;

	for (size_t k = 0; k < sizeof(p); k++) {
		uint8_t *c = malloc(k ? k : 1);

		memcpy(c, p, k);
		cr_assert_eq(mg_ber_tlv(c, k, &t, &why), MG_MALFORMED, "k=%zu", k);
		free(c);
	}
	cr_assert_eq(mg_ber_tlv(p, sizeof(p), &t, &why), MG_OK);
	cr_assert_eq(t.tag, 200);
	cr_assert_eq(t.len, 3);
}
