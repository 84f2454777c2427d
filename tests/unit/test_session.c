/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8327-1 session parser tests. Vectors are the session bytes of real
 * TSDUs (from the public iec61850_read.pcap and Sample_File_MMS_and_GOOSE.pcap
 * captures; the COTP DT header 02 f0 80 is stripped) plus small hand-built
 * SPDUs for the length forms and the malformed cases. Every vector is also
 * parsed at every truncated length, from an exact-size heap copy so that
 * ASan sees any over-read.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mg_session.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* CN from iec61850_read.pcap frame 8 (libiec61850-style client). */
static const uint8_t cn_read[] = {
	/* SPDU CN */ 0x0d, /* LI 178 */ 0xb2,
	/* PGI 5 Connect/Accept Item, len 6 */ 0x05, 0x06,
	/*   PI 19 Protocol Options */ 0x13, 0x01, 0x00,
	/*   PI 22 Version Number = 2 */ 0x16, 0x01, 0x02,
	/* PI 20 Session Requirement = duplex */ 0x14, 0x02, 0x00, 0x02,
	/* PI 51 Calling Session Selector */ 0x33, 0x02, 0x00, 0x01,
	/* PI 52 Called Session Selector */ 0x34, 0x02, 0x00, 0x01,
	/* PGI 193 User Data, len 156 */ 0xc1, 0x9c,
	/* CP-type PPDU (opaque to the session layer) */
	0x31, 0x81, 0x99, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x81, 0x91, 0x81, 0x04, 0x00, 0x00,
	0x00, 0x01, 0x82, 0x04, 0x00, 0x00, 0x00, 0x01, 0xa4, 0x23, 0x30, 0x0f, 0x02, 0x01, 0x01,
	0x06, 0x04, 0x52, 0x01, 0x00, 0x01, 0x30, 0x04, 0x06, 0x02, 0x51, 0x01, 0x30, 0x10, 0x02,
	0x01, 0x03, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01, 0x30, 0x04, 0x06, 0x02, 0x51, 0x01,
	0x88, 0x02, 0x06, 0x00, 0x61, 0x5a, 0x30, 0x58, 0x02, 0x01, 0x01, 0xa0, 0x53, 0x60, 0x51,
	0x80, 0x02, 0x07, 0x80, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03, 0xa2, 0x06,
	0x06, 0x04, 0x2b, 0xce, 0x0f, 0x02, 0xa3, 0x03, 0x02, 0x01, 0x17, 0xbe, 0x35, 0x28, 0x33,
	0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03, 0xa0, 0x2a, 0xa8, 0x28, 0x80, 0x02, 0x75, 0x30,
	0x81, 0x02, 0x03, 0xe8, 0x82, 0x02, 0x03, 0xe8, 0x83, 0x01, 0x05, 0xa4, 0x17, 0x80, 0x01,
	0x01, 0x81, 0x03, 0x05, 0xfb, 0x00, 0x82, 0x0d, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
};

/* AC from Sample_File_MMS_and_GOOSE.pcap frame 111 (server side). */
static const uint8_t ac_sample[] = {
	/* SPDU AC */ 0x0e, /* LI 137 */ 0x89,
	/* PGI 5 Connect/Accept Item, len 6 */ 0x05, 0x06,
	/*   PI 19 Protocol Options */ 0x13, 0x01, 0x00,
	/*   PI 22 Version Number = 2 */ 0x16, 0x01, 0x02,
	/* PI 20 Session Requirement = duplex */ 0x14, 0x02, 0x00, 0x02,
	/* PGI 193 User Data, len 123 */ 0xc1, 0x7b,
	/* CPA-PPDU */
	0x31, 0x79, 0xa0, 0x03, 0x80, 0x01, 0x01, 0xa2, 0x72, 0x83, 0x04, 0x00, 0x00, 0x00, 0x01,
	0xa5, 0x12, 0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01, 0x30, 0x07, 0x80, 0x01,
	0x00, 0x81, 0x02, 0x51, 0x01, 0x88, 0x02, 0x06, 0x00, 0x61, 0x52, 0x30, 0x50, 0x02, 0x01,
	0x01, 0xa0, 0x4b, 0x61, 0x49, 0x80, 0x02, 0x07, 0x80, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca,
	0x22, 0x02, 0x03, 0xa2, 0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00,
	0xbe, 0x2e, 0x28, 0x2c, 0x02, 0x01, 0x03, 0xa0, 0x27, 0xa9, 0x25, 0x80, 0x02, 0x7d, 0x00,
	0x81, 0x01, 0x0a, 0x82, 0x01, 0x08, 0x83, 0x01, 0x05, 0xa4, 0x16, 0x80, 0x01, 0x01, 0x81,
	0x03, 0x05, 0xe1, 0x00, 0x82, 0x0c, 0x03, 0xee, 0x08, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x01, 0xed, 0x18,
};

/*
 * AC from iec61850_read.pcap frame 10: the capture's generator wrote PGI 193
 * with length 0, put the CPA after it and gave an LI one byte longer than
 * the TSDU (Wireshark also flags it malformed). Must be refused, not read as
 * "rest of SPDU is user data". With the LI fixed up it still fails, on the
 * empty PGI 193.
 */
static const uint8_t ac_read_broken[] = {
	/* SPDU AC */ 0x0e, /* LI 137 */ 0x89,
	/* PGI 5, len 6 */ 0x05, 0x06, 0x13, 0x01, 0x00, /* PI 6?? */ 0x06, 0x01, 0x02,
	/* PI 20 */ 0x14, 0x02, 0x00, 0x02,
	/* PGI 193 User Data, len 0 (!) */ 0xc1, 0x00,
	/* CPA bytes outside any parameter */
	0x31, 0x78, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa2, 0x71, 0x83, 0x04, 0x00, 0x00, 0x00, 0x01,
	0xa5, 0x12, 0x30, 0x07, 0x80, 0x01, 0x00, 0x81, 0x02, 0x52, 0x01, 0x30, 0x07, 0x80, 0x01,
	0x00, 0x81, 0x02, 0x51, 0x01, 0x88, 0x02, 0x06, 0x00, 0x61, 0x51, 0x30, 0x4f, 0x02, 0x01,
	0x01, 0xa0, 0x4a, 0x61, 0x48, 0x80, 0x02, 0x07, 0x80, 0xa1, 0x07, 0x06, 0x05, 0x28, 0xca,
	0x22, 0x02, 0x03, 0xa2, 0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00,
	0xa4, 0x06, 0x06, 0x04, 0x2b, 0xce, 0x0f, 0x02, 0xa5, 0x03, 0x02, 0x01, 0x17, 0xbe, 0x20,
	0x28, 0x1e, 0x02, 0x01, 0x03, 0xa0, 0x19, 0xa9, 0x17, 0x80, 0x01, 0x00, 0x81, 0x01, 0x00,
	0x82, 0x01, 0x00, 0x83, 0x01, 0x00, 0xa4, 0x09, 0x80, 0x01, 0x00, 0x81, 0x01, 0x00, 0x82,
	0x01, 0x00,
};

/* Data phase, iec61850_read.pcap frame 12 (read request). */
static const uint8_t dt_read[] = {
	/* SPDU GIVE-TOKENS, LI 0 */ 0x01, 0x00,
	/* SPDU DATA TRANSFER, LI 0 */ 0x01, 0x00,
	/* user data: fully-encoded PPDU */
	0x61, 0x1d, 0x30, 0x1b, 0x02, 0x01, 0x03, 0xa0, 0x16, 0xa0, 0x14, 0x02, 0x01, 0x00, 0xa4,
	0x0f, 0x80, 0x01, 0x00, 0xa1, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0xa0, 0x04, 0x80, 0x02, 0x6d,
	0x75,
};

/* Data phase with a DATA TRANSFER parameter (Enclosure Item, PI 25). */
static const uint8_t dt_enclosure[] = {
	/* SPDU GIVE-TOKENS, LI 0 */ 0x01, 0x00,
	/* SPDU DATA TRANSFER, LI 3 */ 0x01, 0x03,
	/*   PI 25 Enclosure Item = 3 (begin+end) */ 0x19, 0x01, 0x03,
	/* user data */ 0x61, 0x03, 0x30, 0x01, 0x00,
};

/* FINISH with RLRQ (Sample_File_MMS_and_GOOSE.pcap). */
static const uint8_t fn_sample[] = {
	/* SPDU FN */ 0x09, /* LI 16 */ 0x10,
	/* PGI 193 User Data, len 14 */ 0xc1, 0x0e,
	/* PPDU: fully-encoded, ctx 1, RLRQ reason 1 */
	0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05, 0x62, 0x03, 0x80, 0x01, 0x01,
};

/* DISCONNECT with RLRE (Sample_File_MMS_and_GOOSE.pcap). */
static const uint8_t dn_sample[] = {
	/* SPDU DN */ 0x0a, /* LI 16 */ 0x10,
	/* PGI 193 User Data, len 14 */ 0xc1, 0x0e,
	/* PPDU: fully-encoded, ctx 1, RLRE reason 1 */
	0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05, 0x63, 0x03, 0x80, 0x01, 0x01,
};

/* ABORT with an ARU carrying an ACSE ABRT (libiec61850 layout). */
static const uint8_t ab_aru[] = {
	/* SPDU AB */ 0x19, /* LI 21 */ 0x15,
	/* PI 17 Transport Disconnect = 3 (released, user abort) */ 0x11, 0x01, 0x03,
	/* PGI 193 User Data, len 16 */ 0xc1, 0x10,
	/* ARU [0] */ 0xa0, 0x0e,
	/*   fully-encoded */ 0x61, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x01, 0xa0, 0x05,
	/*     ABRT, source user */ 0x64, 0x03, 0x80, 0x01, 0x00,
};

/* CN with the three-byte length form for LI and for PGI 193. */
static const uint8_t cn_long_li[] = {
	/* SPDU CN */ 0x0d, /* LI = 0xff, 0x000f */ 0xff, 0x00, 0x0f,
	/* PGI 5, len 6 */ 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02,
	/* PGI 193, len = 0xff, 0x0003 */ 0xc1, 0xff, 0x00, 0x03,
	/* user data */ 0x31, 0x01, 0x00,
};

/* REFUSE with the SS-user reason: user data after the reason octet. */
static const uint8_t rf_user[] = {
	/* SPDU RF */ 0x0c, /* LI 5 */ 0x05,
	/* PI 50 Reason Code, len 3: 2 = rejected by SS-user */ 0x32, 0x03, 0x02,
	/* user data */ 0x30, 0x00,
};

/* ABORT ACCEPT, no parameters. */
static const uint8_t aa_empty[] = { /* SPDU AA */ 0x1a, /* LI 0 */ 0x00 };

struct vec {
	const char *name;
	const uint8_t *p;
	size_t len;
};

#define VEC(a) { #a, a, sizeof(a) }

/* Parse from an exact-size heap copy so ASan catches any over-read. */
static enum mg_status parse_copy(const uint8_t *p, size_t len, struct mg_ses_spdu *s,
				 enum mg_reason *why)
{
	uint8_t *b = malloc(len ? len : 1);

	cr_assert_not_null(b);
	if (len)
		memcpy(b, p, len);
	*why = MG_R_NONE;
	enum mg_status st = mg_ses_parse(b, len, s, why);

	if (st == MG_OK && s->user) {
		cr_assert(s->user >= b && s->user + s->user_len <= b + len,
			  "user data outside the input");
		s->user = p + (s->user - b); /* rebase onto the caller's bytes */
	}
	free(b);
	return st;
}

static void expect_ok(const uint8_t *p, size_t len, uint8_t kind, size_t uoff, size_t ulen)
{
	struct mg_ses_spdu s;
	enum mg_reason why;
	enum mg_status st = parse_copy(p, len, &s, &why);

	cr_assert_eq(st, MG_OK, "status %s reason %s", mg_status_str(st), mg_reason_str(why));
	cr_assert_eq(s.kind, kind, "kind %s", mg_ses_kind_str(s.kind));
	if (ulen == 0) {
		cr_assert_null(s.user);
		cr_assert_eq(s.user_len, 0);
	} else {
		cr_assert_eq(s.user, p + uoff, "user offset %td", s.user - p);
		cr_assert_eq(s.user_len, ulen);
	}
}

static void expect_bad(const uint8_t *p, size_t len, enum mg_reason reason)
{
	struct mg_ses_spdu s;
	enum mg_reason why;
	enum mg_status st = parse_copy(p, len, &s, &why);

	cr_assert_eq(st, MG_MALFORMED, "status %s", mg_status_str(st));
	cr_assert_eq(why, reason, "reason %s, expected %s", mg_reason_str(why),
		     mg_reason_str(reason));
	cr_assert_null(s.user);
}

Test(session, cn_real)
{
	expect_ok(cn_read, sizeof(cn_read), MG_SES_CN, 24, 156);
	cr_assert_eq(cn_read[24], 0x31);
}

Test(session, ac_real)
{
	expect_ok(ac_sample, sizeof(ac_sample), MG_SES_AC, 16, 123);
}

Test(session, ac_with_empty_user_data_pgi_refused)
{
	uint8_t fixed[sizeof(ac_read_broken)];

	expect_bad(ac_read_broken, sizeof(ac_read_broken), MG_R_SES_TRUNCATED);
	memcpy(fixed, ac_read_broken, sizeof(fixed));
	fixed[1] = sizeof(fixed) - 2; /* LI that matches the TSDU */
	expect_bad(fixed, sizeof(fixed), MG_R_SES_PARAM);
}

Test(session, data_phase_gt_dt)
{
	expect_ok(dt_read, sizeof(dt_read), MG_SES_DT, 4, 31);
	expect_ok(dt_enclosure, sizeof(dt_enclosure), MG_SES_DT, 7, 5);
}

Test(session, finish_disconnect)
{
	expect_ok(fn_sample, sizeof(fn_sample), MG_SES_FN, 4, 14);
	expect_ok(dn_sample, sizeof(dn_sample), MG_SES_DN, 4, 14);
}

Test(session, abort_and_abort_accept)
{
	expect_ok(ab_aru, sizeof(ab_aru), MG_SES_AB, 7, 16);
	expect_ok(aa_empty, sizeof(aa_empty), MG_SES_AA, 0, 0);
}

Test(session, three_byte_lengths)
{
	expect_ok(cn_long_li, sizeof(cn_long_li), MG_SES_CN, 16, 3);
}

Test(session, refuse_reason_user_data)
{
	expect_ok(rf_user, sizeof(rf_user), MG_SES_RF, 5, 2);
}

Test(session, optional_user_data)
{
	/* NOT FINISHED without parameters, DN with only a PI */
	static const uint8_t nf[] = { /* NF */ 0x08, /* LI 0 */ 0x00 };
	static const uint8_t dn[] = { /* DN */ 0x0a, /* LI 3 */ 0x03, /* PI 17 */ 0x11, 0x01, 0x00 };

	expect_ok(nf, sizeof(nf), MG_SES_NF, 0, 0);
	expect_ok(dn, sizeof(dn), MG_SES_DN, 0, 0);
}

Test(session, unknown_spdu)
{
	static const uint8_t prepare[] = { /* SI 7 PREPARE */ 0x07, 0x00 };
	static const uint8_t s7[] = { /* S7comm protocol id */ 0x32, 0x01, 0x00, 0x00 };
	static const uint8_t zero[] = { 0x00, 0x00 };

	expect_bad(prepare, sizeof(prepare), MG_R_SES_SPDU);
	expect_bad(s7, sizeof(s7), MG_R_SES_SPDU);
	expect_bad(zero, sizeof(zero), MG_R_SES_SPDU);
}

Test(session, malformed_lengths)
{
	/* LI says 5 bytes, 3 present */
	static const uint8_t li_past[] = { 0x0d, 0x05, 0xc1, 0x01, 0x00 };
	/* PGI 193 length 5 past the SPDU's LI 3 */
	static const uint8_t pgi_past[] = { 0x0d, 0x03, 0xc1, 0x05, 0x00, 0xaa, 0xbb, 0xcc };
	/* PI 19 length 5 inside PGI 5 of length 3 */
	static const uint8_t pi_past_pgi[] = {
		/* CN LI 9 */ 0x0d, 0x09, /* PGI 5 len 3 */ 0x05, 0x03,
		/* PI 19 len 5 (!) */ 0x13, 0x05, 0x00, /* PGI 193 */ 0xc1, 0x02, 0x30, 0x00,
	};
	/* three-byte form cut after 0xff */
	static const uint8_t li_cut[] = { 0x0d, 0xff, 0x00 };
	/* parameter header cut: code without length */
	static const uint8_t pi_cut[] = { 0x0d, 0x01, 0xc1 };
	/* three-byte parameter length cut */
	static const uint8_t pi_li_cut[] = { 0x0d, 0x03, 0xc1, 0xff, 0x00 };

	expect_bad(li_past, sizeof(li_past), MG_R_SES_TRUNCATED);
	expect_bad(pgi_past, sizeof(pgi_past), MG_R_SES_PARAM);
	expect_bad(pi_past_pgi, sizeof(pi_past_pgi), MG_R_SES_PARAM);
	expect_bad(li_cut, sizeof(li_cut), MG_R_SES_TRUNCATED);
	expect_bad(pi_cut, sizeof(pi_cut), MG_R_SES_PARAM);
	expect_bad(pi_li_cut, sizeof(pi_li_cut), MG_R_SES_PARAM);
}

Test(session, pgi_past_parent_inside_li)
{
	/* LI covers everything, but PGI 193's length runs past the LI */
	static const uint8_t v[] = { 0x0d, 0x04, 0x05, 0x00, 0xc1, 0x05, 0xaa, 0xbb };
	static const uint8_t w[] = { 0x0d, 0x04, 0x05, 0x00, 0xc1, 0x05 };

	expect_bad(v, sizeof(v), MG_R_SES_PARAM);
	expect_bad(w, sizeof(w), MG_R_SES_PARAM);
}

Test(session, user_data_rules)
{
	/* two user-data PGIs: one could hide the other */
	static const uint8_t two[] = { 0x0d, 0x06, 0xc1, 0x01, 0x30, 0xc1, 0x01, 0x31 };
	/* CN without user data */
	static const uint8_t none[] = { 0x0d, 0x03, 0x14, 0x01, 0x02 };
	/* bytes after a connection-phase SPDU */
	static const uint8_t trail[] = { 0x0d, 0x03, 0xc1, 0x01, 0x30, 0x99 };
	/* RF: PI 50 user data and PGI 193 both present */
	static const uint8_t rf_two[] = { 0x0c, 0x07, 0x32, 0x02, 0x02, 0x30, 0xc1, 0x01, 0x31 };

	expect_bad(two, sizeof(two), MG_R_SES_PARAM);
	expect_bad(none, sizeof(none), MG_R_SES_NO_USER_DATA);
	expect_bad(trail, sizeof(trail), MG_R_SES_TRAILING);
	expect_bad(rf_two, sizeof(rf_two), MG_R_SES_PARAM);
}

Test(session, data_phase_errors)
{
	/* GIVE-TOKENS then user data, no DATA TRANSFER */
	static const uint8_t gt_only[] = { 0x01, 0x00, 0x61, 0x03, 0x30, 0x01, 0x00 };
	/* GT + DT and nothing after */
	static const uint8_t no_data[] = { 0x01, 0x00, 0x01, 0x00 };
	/* DT LI past the TSDU */
	static const uint8_t dt_li[] = { 0x01, 0x00, 0x01, 0x05, 0x19, 0x01 };
	/* DT parameter length past DT's LI */
	static const uint8_t dt_pi[] = { 0x01, 0x00, 0x01, 0x02, 0x19, 0x05, 0x61, 0x00 };
	/* GT with a bad parameter */
	static const uint8_t gt_pi[] = { 0x01, 0x02, 0x10, 0x07, 0x01, 0x00, 0x61, 0x00 };

	expect_bad(gt_only, sizeof(gt_only), MG_R_SES_GT_WITHOUT_DT);
	expect_bad(no_data, sizeof(no_data), MG_R_SES_NO_USER_DATA);
	expect_bad(dt_li, sizeof(dt_li), MG_R_SES_TRUNCATED);
	expect_bad(dt_pi, sizeof(dt_pi), MG_R_SES_PARAM);
	expect_bad(gt_pi, sizeof(gt_pi), MG_R_SES_PARAM);
}

Test(session, empty_input)
{
	expect_bad((const uint8_t *)"", 0, MG_R_SES_TRUNCATED);
	expect_bad((const uint8_t *)"\x0d", 1, MG_R_SES_TRUNCATED);
}

static const struct vec conn_vecs[] = {
	VEC(cn_read), VEC(ac_sample), VEC(fn_sample), VEC(dn_sample),
	VEC(ab_aru),  VEC(cn_long_li), VEC(rf_user), VEC(aa_empty),
};

/* Connection-phase SPDUs carry their own length: every proper prefix is
 * malformed. */
Test(session, truncated_connection_spdus)
{
	for (size_t v = 0; v < N(conn_vecs); v++) {
		for (size_t n = 0; n < conn_vecs[v].len; n++) {
			struct mg_ses_spdu s;
			enum mg_reason why;
			enum mg_status st = parse_copy(conn_vecs[v].p, n, &s, &why);

			cr_assert_eq(st, MG_MALFORMED, "%s cut at %zu: %s", conn_vecs[v].name, n,
				     mg_status_str(st));
			cr_assert_neq(why, MG_R_NONE);
			cr_assert_null(s.user);
		}
	}
}

/* Data phase: the user data runs to the end of the TSDU, so a cut inside
 * it is the presentation layer's to catch; a cut in the SPDU headers is
 * ours. */
Test(session, truncated_data_phase)
{
	const struct vec dvecs[] = { VEC(dt_read), VEC(dt_enclosure) };
	const size_t hdr[] = { 4, 7 };

	for (size_t v = 0; v < N(dvecs); v++) {
		for (size_t n = 0; n < dvecs[v].len; n++) {
			struct mg_ses_spdu s;
			enum mg_reason why;
			enum mg_status st = parse_copy(dvecs[v].p, n, &s, &why);

			if (n <= hdr[v]) {
				cr_assert_eq(st, MG_MALFORMED, "%s cut at %zu", dvecs[v].name, n);
			} else {
				cr_assert_eq(st, MG_OK);
				cr_assert_eq(s.user, dvecs[v].p + hdr[v]);
				cr_assert_eq(s.user_len, n - hdr[v]);
			}
		}
	}
}

/* Every single-byte mutation of every vector: never crash, and an OK
 * result always points inside the input (checked in parse_copy). */
Test(session, mutations_never_crash)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xc1, 0xfe, 0xff };
	const struct vec all[] = {
		VEC(cn_read), VEC(ac_sample), VEC(ac_read_broken), VEC(dt_read), VEC(dt_enclosure),
		VEC(fn_sample), VEC(dn_sample), VEC(ab_aru), VEC(cn_long_li), VEC(rf_user),
	};
	uint8_t buf[256];

	for (size_t v = 0; v < N(all); v++) {
		cr_assert(all[v].len <= sizeof(buf));
		for (size_t i = 0; i < all[v].len; i++) {
			for (size_t k = 0; k < N(vals); k++) {
				struct mg_ses_spdu s;
				enum mg_reason why;

				memcpy(buf, all[v].p, all[v].len);
				buf[i] = vals[k];
				enum mg_status st = parse_copy(buf, all[v].len, &s, &why);

				cr_assert(st == MG_OK || st == MG_MALFORMED);
				if (st == MG_MALFORMED)
					cr_assert_neq(why, MG_R_NONE);
			}
		}
	}
}

Test(session, kind_names)
{
	cr_assert_str_eq(mg_ses_kind_str(MG_SES_CN), "CN");
	cr_assert_str_eq(mg_ses_kind_str(MG_SES_DT), "DT");
	cr_assert_str_eq(mg_ses_kind_str(MG_SES_AA), "AA");
	cr_assert_str_eq(mg_ses_kind_str(99), "?");
}
