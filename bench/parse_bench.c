/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parser microbenchmark, one core: the whole chain TPKT → COTP → session →
 * presentation → ACSE → MMS (+ IEC 61850 classification) through
 * mg_engine_feed, on a realistic PDU mix built by the generator:
 * 60 % read request/response, 20 % informationReport, 10 % write (Oper and
 * settings) request/response, 10 % browse (getNameList / GVAA) request/
 * response. The streams are fed in 1460-byte chunks (what TCP segments
 * look like), after an association set-up so the presentation contexts
 * are known. Prints ns per PDU and MB/s of TPKT stream; also mg_mms_parse
 * alone on the same PDUs. Usage: parse_bench [SECONDS] (default 2 each).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mg_engine.h"
#include "mg_gen.h"
#include "mg_mms.h"

#define NPDU 20000
#define STREAM_CAP (16u << 20)
#define CHUNK 1460

static uint8_t *stream[2];
static size_t slen[2];
static uint8_t assoc[4][1024];
static size_t alen[4];
static uint8_t *pdus;        /* the bare MMS PDUs, back to back */
static uint32_t pdu_off[NPDU + 1];
static unsigned npdu, nmms_expected;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add(struct mg_gen_conn *c, int dir, const uint8_t *pdu, size_t n)
{
	if (npdu >= NPDU || !n)
		return;
	memcpy(pdus + pdu_off[npdu], pdu, n);
	pdu_off[npdu + 1] = pdu_off[npdu] + (uint32_t)n;
	npdu++;
	slen[dir] += mg_gen_conn_wrap_mms(c, stream[dir] + slen[dir], STREAM_CAP - slen[dir], pdu, n);
	nmms_expected++;
}

static void build(void)
{
	static uint8_t pdu[16384], tsdu[8192];
	struct mg_gen_sink none = {NULL, NULL};
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, 0x0A000001, 40000, 0x0A000002, 102, none);
	stream[0] = malloc(STREAM_CAP);
	stream[1] = malloc(STREAM_CAP);
	pdus = malloc(STREAM_CAP);
	if (!stream[0] || !stream[1] || !pdus)
		exit(1);

	/* association, fed in protocol order before the data phase: COTP
	 * CR, CC, CN+CP+AARQ+initiate, AC+CPA+AARE+initiate */
	alen[0] = mg_gen_cotp_cr(assoc[0], sizeof(assoc[0]), 1);
	alen[1] = mg_gen_cotp_cc(assoc[1], sizeof(assoc[1]), 1, 2);
	size_t n = mg_gen_mms_initiate_req(pdu, sizeof(pdu), 65000);
	n = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	alen[2] = mg_gen_cotp_dt(assoc[2], sizeof(assoc[2]), tsdu, n, 0);
	n = mg_gen_mms_initiate_resp(pdu, sizeof(pdu), 65000);
	n = mg_gen_osi_connect_resp(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	alen[3] = mg_gen_cotp_dt(assoc[3], sizeof(assoc[3]), tsdu, n, 0);
	nmms_expected = 2;

	static const char *const objs[] = {
		"IED1CTRL/XCBR1$ST$Pos", "IED1MEAS/MMXU1$MX$TotW", "IED1MEAS/MMXU1$MX$PhV$phsA",
		"IED1CTRL/CSWI1$ST$Pos$stVal", "IED1LD0/LLN0$ST$Health", "IED1LD0/LPHD1$ST$PhyHealth"};
	static const struct mg_gen_data mag[3] = {
		{.kind = MG_GEN_D_FLOAT, .f = 230.1f},
		{.kind = MG_GEN_D_BITS, .nbits = 13},
		{.kind = MG_GEN_D_UTC}};
	static const struct mg_gen_data vals[4] = {
		{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag},
		{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag},
		{.kind = MG_GEN_D_BOOL, .i = 1},
		{.kind = MG_GEN_D_INT, .i = 42}};
	static const struct mg_gen_data rpt[6] = {
		{.kind = MG_GEN_D_VSTRING, .s = "IED1LD0/LLN0$BR$brcbMeas01"},
		{.kind = MG_GEN_D_BITS, .bits = 0x7A000000u, .nbits = 10},
		{.kind = MG_GEN_D_UINT, .i = 17},
		{.kind = MG_GEN_D_VSTRING, .s = "IED1LD0/LLN0$DS_Meas"},
		{.kind = MG_GEN_D_BITS, .bits = 0xF0000000u, .nbits = 4},
		{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag}};
	static const char *const ids[] = {"LLN0", "LPHD1", "XCBR1", "CSWI1", "MMXU1", "PTOC1"};
	static const struct mg_gen_data setv = {.kind = MG_GEN_D_FLOAT, .f = 1.5f};
	uint32_t inv = 1;
	unsigned i = 0;
	while (npdu + 2 <= NPDU) {
		unsigned k = i++ % 20; /* 20 PDUs per round: 12 read, 4 report, 2 write, 2 browse */
		if (k < 12) {
			int no = 1 + (int)(inv % 4);
			if (k % 2 == 0) {
				add(&c, 0, pdu, mg_gen_mms_read(pdu, sizeof(pdu), inv, objs + inv % 2, no));
			} else {
				add(&c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), inv, vals, no));
				inv++;
			}
		} else if (k < 16) {
			add(&c, 1, pdu, mg_gen_mms_info_report(pdu, sizeof(pdu), "RPT", rpt, 6));
		} else if (k == 16) {
			if (inv % 2)
				add(&c, 0, pdu, mg_gen_mms_write_oper(pdu, sizeof(pdu), inv,
								  "IED1CTRL/CSWI1$CO$Pos$Oper", true,
								  (uint8_t)inv, true));
			else
				add(&c, 0, pdu, mg_gen_mms_write(pdu, sizeof(pdu), inv,
								 objs + 5, &setv, 1));
		} else if (k == 17) {
			add(&c, 1, pdu, mg_gen_mms_write_resp(pdu, sizeof(pdu), inv, 1, 0));
			inv++;
		} else if (k == 18) {
			if (inv % 2)
				add(&c, 0, pdu, mg_gen_mms_get_name_list(pdu, sizeof(pdu), inv, 0,
									 "IED1LD0", NULL));
			else
				add(&c, 0, pdu, mg_gen_mms_gvaa(pdu, sizeof(pdu), inv, objs[0]));
		} else {
			if (inv % 2)
				add(&c, 1, pdu, mg_gen_mms_get_name_list_resp(pdu, sizeof(pdu), inv,
									      ids, 6, false));
			else
				add(&c, 1, pdu, mg_gen_mms_gvaa_resp(pdu, sizeof(pdu), inv));
			inv++;
		}
	}
}

static unsigned long long nev_mms, nev_bad;

static void on_ev(void *ud, const struct mg_ev *ev)
{
	(void)ud;
	if (ev->kind == MG_EV_MMS)
		nev_mms++;
	else if (ev->kind == MG_EV_MALFORMED || ev->kind == MG_EV_NOT_MMS) {
		if (!nev_bad++)
			fprintf(stderr, "parse_bench: dir %u unit ending at %llu: %s\n", ev->dir,
				(unsigned long long)ev->end_off, mg_reason_str(ev->reason));
	}
}

static void run_streams(struct mg_engine *e)
{
	static struct mg_engine_conn c;
	mg_engine_conn_init(&c);
	for (int i = 0; i < 4; i++)
		mg_engine_feed(e, &c, (uint8_t)(i & 1), assoc[i], alen[i], on_ev, NULL);
	/* Requests and responses alternate per chunk, as on the wire. */
	size_t off[2] = {0, 0};
	while (off[0] < slen[0] || off[1] < slen[1]) {
		for (int d = 0; d < 2; d++) {
			if (off[d] >= slen[d])
				continue;
			size_t n = slen[d] - off[d] < CHUNK ? slen[d] - off[d] : CHUNK;
			mg_engine_feed(e, &c, (uint8_t)d, stream[d] + off[d], n, on_ev, NULL);
			off[d] += n;
		}
	}
	mg_engine_conn_release(e, &c);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	if (secs <= 0)
		secs = 2.0;
	build();
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE};
	static struct mg_engine e;
	mg_engine_init(&e, &cfg);

	/* Sanity pass: every PDU must decode. */
	run_streams(&e);
	if (nev_mms != nmms_expected || nev_bad) {
		fprintf(stderr, "parse_bench: decoded %llu MMS PDUs of %u, %llu malformed\n",
			nev_mms, nmms_expected, nev_bad);
		return 1;
	}

	unsigned long long rounds = 0;
	double t0 = now(), t;
	do {
		run_streams(&e);
		rounds++;
		t = now();
	} while (t - t0 < secs);
	double el = t - t0;
	double bytes = (double)(slen[0] + slen[1] + alen[0] + alen[1] + alen[2] + alen[3]) *
		       (double)rounds;
	double npd = (double)nmms_expected * (double)rounds;
	printf("engine chain (tpkt..mms+class), %u PDUs/round, %.1f kB/round, %llu rounds:\n",
	       nmms_expected, (double)(slen[0] + slen[1]) / 1024.0, rounds);
	printf("  %.1f ns/PDU  %.1f MB/s  %.2f M PDU/s  (avg %.0f B/PDU on the wire)\n",
	       el * 1e9 / npd, bytes / el / 1e6, npd / el / 1e6,
	       (double)(slen[0] + slen[1]) / nmms_expected);

	static struct mg_mms_pdu out;
	rounds = 0;
	unsigned long long ok = 0;
	t0 = now();
	do {
		for (unsigned i = 0; i < npdu; i++) {
			enum mg_reason why;
			ok += mg_mms_parse(pdus + pdu_off[i], pdu_off[i + 1] - pdu_off[i], &out,
					   &why) == MG_OK;
		}
		rounds++;
		t = now();
	} while (t - t0 < secs);
	el = t - t0;
	npd = (double)npdu * (double)rounds;
	if (ok != (unsigned long long)npd) {
		fprintf(stderr, "parse_bench: mg_mms_parse refused %.0f PDUs\n", npd - (double)ok);
		return 1;
	}
	printf("mg_mms_parse alone, %u PDUs/round, %llu rounds:\n", npdu, rounds);
	printf("  %.1f ns/PDU  %.1f MB/s of MMS PDU\n", el * 1e9 / npd,
	       (double)pdu_off[npdu] * (double)rounds / el / 1e6);
	return 0;
}
