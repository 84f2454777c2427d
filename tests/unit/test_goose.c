/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GOOSE header fields (proto/goose.c) on frames from the test generator
 * (tests/gen, which tshark decodes in the differential tests), and the
 * stNum/sqNum sequence check behind the goose_replay anomaly: new states,
 * retransmissions, forward jumps, restarts and wrap-around pass; repeats
 * and steps back do not.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mg_gen.h"
#include "mg_goose.h"
#include "mg_policy.h"

static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 1};

static void parse_at(uint32_t st, uint32_t sq, struct mg_goose *g)
{
	uint8_t f[512];
	size_t n = mg_gen_goose_frame(f, sizeof(f), src, 10, 0x3001, "IED1PROT/LLN0$GO$gcb",
	                              "IED1PROT/LLN0$ds", st, sq, true);
	cr_assert_gt(n, 18);
	enum mg_reason why;
	cr_assert_eq(mg_goose_parse(f + 18, n - 18, g, &why), MG_OK, "%s", mg_reason_str(why));
}

Test(goose, parse_fields)
{
	struct mg_goose g;
	parse_at(7, 3, &g);
	cr_expect_eq(g.appid, 0x3001);
	cr_expect_eq(g.st_num, 7);
	cr_expect_eq(g.sq_num, 3);
	cr_expect_not(g.simulation);
	parse_at(0xFFFFFFFFu, 0x80000000u, &g);
	cr_expect_eq(g.st_num, 0xFFFFFFFFu);
	cr_expect_eq(g.sq_num, 0x80000000u);
}

Test(goose, parse_rejects_truncated_and_foreign)
{
	uint8_t f[512];
	size_t n = mg_gen_goose_frame(f, sizeof(f), src, 10, 1, "a/b", "a/c", 1, 0, false);
	struct mg_goose g;
	enum mg_reason why;
	for (size_t cut = 0; cut < n - 18; cut++) {
		/* every prefix: the APDU length then exceeds the buffer */
		cr_expect_eq(mg_goose_parse(f + 18, cut, &g, &why), MG_MALFORMED, "cut %zu", cut);
		cr_expect_neq(why, MG_R_NONE);
	}
	f[18 + 8] = 0x60; /* savPdu tag where goosePdu belongs */
	cr_expect_eq(mg_goose_parse(f + 18, n - 18, &g, &why), MG_MALFORMED);
}

Test(goose, sequence)
{
	struct mg_goose_seq s = {0};
	cr_expect_eq(mg_goose_seq_check(&s, 5, 0), MG_GOOSE_OK); /* first seen */
	cr_expect_eq(mg_goose_seq_check(&s, 5, 1), MG_GOOSE_OK); /* retransmission */
	cr_expect_eq(mg_goose_seq_check(&s, 5, 1), MG_GOOSE_REPLAY);
	cr_expect_eq(mg_goose_seq_check(&s, 5, 0), MG_GOOSE_BACKWARD);
	cr_expect_eq(mg_goose_seq_check(&s, 4, 9), MG_GOOSE_BACKWARD);
	cr_expect_eq(mg_goose_seq_check(&s, 6, 0), MG_GOOSE_OK); /* new state */
	cr_expect_eq(mg_goose_seq_check(&s, 9, 0), MG_GOOSE_OK); /* frames lost: a jump */
	cr_expect_eq(mg_goose_seq_check(&s, 6, 0), MG_GOOSE_BACKWARD);
	cr_expect_eq(mg_goose_seq_check(&s, 1, 0), MG_GOOSE_OK); /* publisher restart */
	cr_expect_eq(mg_goose_seq_check(&s, 1, 1), MG_GOOSE_OK);
	/* sqNum wrap-around (to 1 after the maximum) and stNum wrap-around */
	s = (struct mg_goose_seq){true, 9, 0xFFFFFFFEu};
	cr_expect_eq(mg_goose_seq_check(&s, 9, 0xFFFFFFFFu), MG_GOOSE_OK);
	cr_expect_eq(mg_goose_seq_check(&s, 9, 1), MG_GOOSE_OK);
	cr_expect_eq(mg_goose_seq_check(&s, 9, 0xFFFFFFFFu), MG_GOOSE_BACKWARD);
	s = (struct mg_goose_seq){true, 0xFFFFFFFFu, 3};
	cr_expect_eq(mg_goose_seq_check(&s, 1, 0), MG_GOOSE_OK);
	cr_expect_eq(mg_goose_seq_check(&s, 2, 0), MG_GOOSE_OK);
	cr_expect_eq(mg_goose_seq_check(&s, 0xFFFFFFFFu, 4), MG_GOOSE_BACKWARD);
}

Test(goose, policy_switch)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("g", "l2 pass goose\n", &d);
	cr_assert_not_null(p);
	cr_expect_not(mg_policy_anomaly_set(p, MG_R_GOOSE_REPLAY)); /* off by default */
	mg_policy_free(p);
	p = mg_policy_compile_string("g", "l2 pass goose\nanomaly goose_replay alert\n", &d);
	cr_assert_not_null(p);
	cr_expect(mg_policy_anomaly_set(p, MG_R_GOOSE_REPLAY));
	cr_expect_eq(mg_policy_anomaly_action(p, MG_R_GOOSE_REPLAY), MG_ACT_ALERT);
	mg_policy_free(p);
	mg_diags_free(&d);
}
