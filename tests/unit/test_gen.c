/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the test-traffic generator (tests/gen): the BER writer's
 * encodings byte for byte, frame checksums, and round trips of the MMS
 * builders through the project's own decoders (mg_mms_parse, mg_pkt_parse,
 * mg_engine_feed). The tshark side of the same promise is the
 * differential test; this one runs without tshark and pins the encodings.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mg_engine.h"
#include "mg_gen.h"
#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_pkt.h"
#include "mg_test_util.h"

static uint8_t buf[70000];
static uint8_t want[256];

static void expect_hex(const uint8_t *got, size_t n, const char *hex)
{
	size_t k = mg_test_hex(hex, want, sizeof(want));
	cr_assert_eq(n, k, "length %zu, want %zu", n, k);
	cr_assert(memcmp(got, want, k) == 0, "bytes differ from %s", hex);
}

Test(gen_ber, integers_minimal)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, sizeof(buf));
	mg_gen_w_int(&w, MG_GEN_INTEGER, 0);
	mg_gen_w_int(&w, MG_GEN_INTEGER, 127);
	mg_gen_w_int(&w, MG_GEN_INTEGER, 128);
	mg_gen_w_int(&w, MG_GEN_INTEGER, -1);
	mg_gen_w_int(&w, MG_GEN_INTEGER, -129);
	mg_gen_w_uint(&w, MG_GEN_INTEGER, 0xFFFFFFFFu);
	size_t n = mg_gen_w_done(&w);
	expect_hex(buf, n, "020100 02017f 02020080 0201ff 0202ff7f 020500ffffffff");
}

Test(gen_ber, high_tags_and_long_lengths)
{
	static uint8_t content[300];
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, sizeof(buf));
	mg_gen_w_begin(&w, MG_GEN_CTXC(72)); /* fileOpen: two-byte tag */
	mg_gen_w_raw(&w, content, 200);      /* one-byte long form */
	mg_gen_w_end(&w);
	size_t n = mg_gen_w_done(&w);
	cr_assert_eq(n, 3 + 1 + 200);
	expect_hex(buf, 4, "bf4881c8");

	mg_gen_w_init(&w, buf, sizeof(buf));
	mg_gen_w_begin(&w, MG_GEN_SEQ);
	mg_gen_w_begin(&w, MG_GEN_SEQ);
	mg_gen_w_raw(&w, content, 300); /* nested widening: both lengths grow */
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	n = mg_gen_w_done(&w);
	cr_assert_eq(n, 4 + 4 + 300);
	expect_hex(buf, 8, "30820130 3082012c");
}

Test(gen_ber, oid_and_overflow)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, sizeof(buf));
	mg_gen_w_oid(&w, MG_GEN_OID, "1.0.9506.2.1");
	mg_gen_w_oid(&w, MG_GEN_OID, "2.2.1.0.1");
	size_t n = mg_gen_w_done(&w);
	expect_hex(buf, n, "06 05 28ca220201 06 04 52010001");

	uint8_t small[4];
	mg_gen_w_init(&w, small, sizeof(small));
	mg_gen_w_str(&w, MG_GEN_VISIBLE, "too long");
	cr_assert_eq(mg_gen_w_done(&w), 0);
	mg_gen_w_init(&w, small, sizeof(small));
	mg_gen_w_begin(&w, MG_GEN_SEQ); /* unclosed */
	cr_assert_eq(mg_gen_w_done(&w), 0);
}

Test(gen_mms, read_request_annotated)
{
	const char *names[] = {"LD0/XCBR1$ST$Pos"};
	size_t n = mg_gen_mms_read(buf, sizeof(buf), 5, names, 1);
	expect_hex(buf, n,
		   "a0 22"                   /* confirmed-RequestPDU */
		   " 02 01 05"               /* invokeID 5 */
		   " a4 1d"                  /* read */
		   " a1 1b"                  /* variableAccessSpecification */
		   " a0 19"                  /* listOfVariable */
		   " 30 17"                  /* SEQUENCE */
		   " a0 15"                  /* variableSpecification: name */
		   " a1 13"                  /* domain-specific */
		   " 1a 03 4c4430"           /* domainId "LD0" */
		   " 1a 0c 584342523124535424506f73"); /* itemId "XCBR1$ST$Pos" */
}

static struct mg_mms_pdu pdu;

static void parse_ok(size_t n)
{
	enum mg_reason why = MG_R_NONE;
	cr_assert_gt(n, 0);
	enum mg_status st = mg_mms_parse(buf, n, &pdu, &why);
	cr_assert_eq(st, MG_OK, "mg_mms_parse: %s", mg_reason_str(why));
}

static void obj_is(int i, const char *dom, const char *item)
{
	const struct mg_mms_obj *o = &pdu.obj[i];
	if (dom) {
		cr_assert_eq(o->domain_len, strlen(dom));
		cr_assert(memcmp(o->domain, dom, o->domain_len) == 0);
	}
	if (item) {
		cr_assert_eq(o->item_len, strlen(item), "item %d length %u", i, o->item_len);
		cr_assert(memcmp(o->item, item, o->item_len) == 0);
	}
}

Test(gen_mms, builders_round_trip)
{
	const char *names[] = {"LD0/XCBR1$ST$Pos", "vmdVar", "@aaVar"};
	parse_ok(mg_gen_mms_read(buf, sizeof(buf), 300, names, 3));
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_REQUEST);
	cr_assert_eq(pdu.service, MG_SVC_READ);
	cr_assert_eq(pdu.invoke_id, 300);
	cr_assert_eq(pdu.nobj, 3);
	obj_is(0, "LD0", "XCBR1$ST$Pos");
	cr_assert_eq(pdu.obj[1].scope, MG_OBJ_VMD);
	obj_is(1, NULL, "vmdVar");
	cr_assert_eq(pdu.obj[2].scope, MG_OBJ_AA);

	parse_ok(mg_gen_mms_write_oper(buf, sizeof(buf), 7, "LD0/CSWI1$CO$Pos$Oper", true, 1,
				       true));
	cr_assert_eq(pdu.service, MG_SVC_WRITE);
	cr_assert_eq(pdu.iec_class, MG_IEC_OPERATE);
	obj_is(0, "LD0", "CSWI1$CO$Pos$Oper");

	parse_ok(mg_gen_mms_write_oper(buf, sizeof(buf), 8, "LD0/CSWI1$CO$Pos$SBOw", true, 1,
				       true));
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT_WITH_VALUE);
	parse_ok(mg_gen_mms_write_oper(buf, sizeof(buf), 9, "LD0/CSWI1$CO$Pos$Cancel", true, 1,
				       false));
	cr_assert_eq(pdu.iec_class, MG_IEC_CANCEL);

	parse_ok(mg_gen_mms_get_name_list(buf, sizeof(buf), 2, 0, "LD0", NULL));
	cr_assert_eq(pdu.service, MG_SVC_GET_NAME_LIST);
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);

	parse_ok(mg_gen_mms_file_open(buf, sizeof(buf), 3, "/COMTRADE/a.cfg"));
	cr_assert_eq(pdu.service, MG_SVC_FILE_OPEN);
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, NULL, "/COMTRADE/a.cfg");

	parse_ok(mg_gen_mms_obtain_file(buf, sizeof(buf), 4, "/a", "/b"));
	cr_assert_eq(pdu.service, MG_SVC_OBTAIN_FILE);
	cr_assert_eq(pdu.iec_class, MG_IEC_SET_FILE);

	const struct mg_gen_data v = {.kind = MG_GEN_D_BOOL, .i = 1};
	parse_ok(mg_gen_mms_info_report(buf, sizeof(buf), "RPT", &v, 1));
	cr_assert_eq(pdu.type, MG_MMS_UNCONFIRMED);
	cr_assert_eq(pdu.service, MG_SVC_INFORMATION_REPORT);

	parse_ok(mg_gen_mms_confirmed_error(buf, sizeof(buf), 11, 7, 2));
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_ERROR);
	cr_assert_eq(pdu.invoke_id, 11);
	parse_ok(mg_gen_mms_reject(buf, sizeof(buf), 12, 1, 1));
	cr_assert_eq(pdu.type, MG_MMS_REJECT);
	parse_ok(mg_gen_mms_cancel_req(buf, sizeof(buf), 13));
	cr_assert_eq(pdu.type, MG_MMS_CANCEL_REQUEST);
	cr_assert_eq(pdu.invoke_id, 13);
	parse_ok(mg_gen_mms_initiate_req(buf, sizeof(buf), 65000));
	cr_assert_eq(pdu.type, MG_MMS_INITIATE_REQUEST);
	cr_assert_eq(pdu.local_detail, 65000);
	parse_ok(mg_gen_mms_conclude_req(buf, sizeof(buf)));
	cr_assert_eq(pdu.type, MG_MMS_CONCLUDE_REQUEST);
}

static uint8_t frames[64][2048];
static size_t flen[64];
static int nframes;

static void keep(void *ud, const uint8_t *f, size_t n)
{
	(void)ud;
	if (nframes < 64 && n <= sizeof(frames[0])) {
		memcpy(frames[nframes], f, n);
		flen[nframes++] = n;
	}
}

static uint16_t fold(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)sum;
}

Test(gen_frames, checksums_and_sequence_numbers)
{
	struct mg_gen_sink s = {keep, NULL};
	struct mg_gen_conn c;
	nframes = 0;
	mg_gen_conn_init4(&c, 0x0A000001, 40000, 0x0A000002, 102, s);
	c.vlan = 100;
	mg_gen_conn_handshake(&c);
	static const uint8_t data[3000] = {1};
	mg_gen_conn_send(&c, 0, data, sizeof(data)); /* 3 segments + 1 ACK */
	cr_assert_eq(nframes, 3 + 3 + 1);
	uint32_t expect_seq = 0;
	for (int i = 0; i < nframes; i++) {
		struct mg_pkt pk;
		cr_assert_eq(mg_pkt_parse(frames[i], flen[i], &pk), MG_PKT_OK);
		cr_assert_eq(pk.vid, 100);
		const uint8_t *ip = frames[i] + pk.l3_off;
		cr_assert_eq(fold(ip, 20, 0), 0xFFFF, "IPv4 header checksum, frame %d", i);
		size_t tl = (size_t)(ip[2] << 8 | ip[3]) - 20;
		uint32_t ph = 6 + (uint32_t)tl;
		ph += fold(ip + 12, 8, 0);
		cr_assert_eq(fold(ip + 20, tl, ph), 0xFFFF, "TCP checksum, frame %d", i);
		if (i == 2)
			expect_seq = pk.seq;
		if (i >= 3 && i < 6) {
			cr_assert_eq(pk.dport, 102);
			cr_assert_eq(pk.seq, expect_seq);
			expect_seq += pk.payload_len;
		}
	}
	struct mg_pkt last;
	mg_pkt_parse(frames[6], flen[6], &last);
	cr_assert_eq(last.ack, expect_seq, "the receiver acknowledges every byte");
}

struct evcount {
	int mms, bad;
};

static void count_ev(void *ud, const struct mg_ev *ev)
{
	struct evcount *k = ud;
	if (ev->kind == MG_EV_MMS)
		k->mms++;
	else if (ev->kind == MG_EV_MALFORMED || ev->kind == MG_EV_NOT_MMS)
		k->bad++;
}

/* The OSI wrapping with non-default context ids and COTP fragmentation
 * decodes through the engine, fed one byte at a time. */
Test(gen_osi, association_through_engine)
{
	static uint8_t tsdu[8192], st[4][8192], pdubuf[512];
	size_t sl[4];
	struct mg_gen_ctx ctx = {5, 7};
	sl[0] = mg_gen_cotp_cr(st[0], sizeof(st[0]), 1);
	sl[1] = mg_gen_cotp_cc(st[1], sizeof(st[1]), 1, 2);
	size_t n = mg_gen_mms_initiate_req(pdubuf, sizeof(pdubuf), 32000);
	n = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &ctx, pdubuf, n);
	sl[2] = mg_gen_cotp_dt(st[2], sizeof(st[2]), tsdu, n, 0);
	n = mg_gen_mms_initiate_resp(pdubuf, sizeof(pdubuf), 32000);
	n = mg_gen_osi_connect_resp(tsdu, sizeof(tsdu), &ctx, pdubuf, n);
	sl[3] = mg_gen_cotp_dt(st[3], sizeof(st[3]), tsdu, n, 0);

	struct mg_engine e;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE};
	mg_engine_init(&e, &cfg);
	struct mg_engine_conn c;
	mg_engine_conn_init(&c);
	struct evcount k = {0, 0};
	for (int i = 0; i < 4; i++)
		for (size_t j = 0; j < sl[i]; j++)
			mg_engine_feed(&e, &c, (uint8_t)(i & 1), st[i] + j, 1, count_ev, &k);
	cr_assert_eq(k.mms, 2, "initiate request + response");
	cr_assert_eq(k.bad, 0);

	/* A read in 16-byte DT fragments, then the release. */
	const char *names[] = {"LD0/MMXU1$MX$TotW", "LD0/XCBR1$ST$Pos"};
	n = mg_gen_mms_read(pdubuf, sizeof(pdubuf), 1, names, 2);
	n = mg_gen_osi_data(tsdu, sizeof(tsdu), &ctx, pdubuf, n);
	size_t m = mg_gen_cotp_dt(st[0], sizeof(st[0]), tsdu, n, 16);
	cr_assert_gt(m, n + 7 * 3, "several TPDUs");
	mg_engine_feed(&e, &c, MG_DIR_C2S, st[0], m, count_ev, &k);
	cr_assert_eq(k.mms, 3);
	n = mg_gen_osi_release_req(tsdu, sizeof(tsdu), &ctx);
	m = mg_gen_cotp_dt(st[0], sizeof(st[0]), tsdu, n, 0);
	mg_engine_feed(&e, &c, MG_DIR_C2S, st[0], m, count_ev, &k);
	cr_assert_eq(k.bad, 0);
	mg_engine_conn_release(&e, &c);
}

Test(gen_scenarios, all_write)
{
	for (int i = 0; i < mg_gen_nscenarios; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/test_gen_%s.pcap", MG_BINARY_DIR,
			 mg_gen_scenarios[i].name);
		cr_assert_eq(mg_gen_scenario_write(&mg_gen_scenarios[i], path), 0, "%s", path);
		FILE *f = fopen(path, "rb");
		cr_assert_not_null(f);
		fseek(f, 0, SEEK_END);
		cr_assert_gt(ftell(f), 24 + 16 * 5, "%s has frames", path);
		fclose(f);
		remove(path);
	}
}
