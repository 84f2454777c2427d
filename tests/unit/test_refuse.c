/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IED-style refusals (proto/refuse.c): the plan read from the request's
 * bytes, the exact MMS encodings, the OSI wrapping on the association's
 * presentation context, COTP fragmentation, the engine decoding the answer
 * and clearing the refused invokeID — and tshark, the oracle for what goes
 * on the wire: a capture of an association where every request is answered
 * by the builder must decode with the right service, invokeID and error.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg_engine.h"
#include "mg_gen.h"
#include "mg_refuse.h"
#include "mg_test_util.h"

static struct mg_refuse_req plan(const uint8_t *m, size_t n)
{
	struct mg_refuse_req r;
	enum mg_reason why = MG_R_NONE;
	cr_assert_eq(mg_refuse_plan(m, n, &r, &why), MG_OK, "plan: %s", mg_reason_str(why));
	return r;
}

static void expect_mms(const struct mg_refuse_req *r, const char *hex)
{
	uint8_t want[256], got[256];
	size_t wn = mg_test_hex(hex, want, sizeof(want));
	size_t gn = mg_refuse_build_mms(r, got, sizeof(got));
	char hx[800] = "";
	for (size_t i = 0; i < gn && i < 250; i++)
		snprintf(hx + 3 * i, 4, "%02x ", got[i]);
	cr_assert_eq(gn, wn, "length %zu, want %zu: %s", gn, wn, hx);
	cr_assert_arr_eq(got, want, wn, "got %s", hx);
}

Test(refuse, read_items_in_order)
{
	static const char *const names[] = {"LD0/MMXU1$MX$TotW", "LD0/XCBR1$ST$Pos", "x"};
	uint8_t m[512];
	size_t n = mg_gen_mms_read(m, sizeof(m), 7, names, 3);
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.kind, MG_REFUSE_REPLY);
	cr_assert_eq(r.reply, MG_REFUSE_READ_DENIED);
	cr_assert_eq(r.service, MG_SVC_READ);
	cr_assert_eq(r.invoke_id, 7);
	cr_assert_eq(r.nitems, 3);
	cr_assert_null(r.spec);
	expect_mms(&r, "a1 10"          /* confirmed-ResponsePDU */
	               "  02 01 07"     /* invokeID 7 */
	               "  a4 0b"        /* read */
	               "    a1 09"      /* listOfAccessResult */
	               "      80 01 03" /* failure: object-access-denied */
	               "      80 01 03"
	               "      80 01 03");
}

Test(refuse, write_and_controls)
{
	static const char *const names[] = {"LD0/GGIO1$SP$x", "LD0/GGIO1$SP$y"};
	static const struct mg_gen_data vals[] = {{.kind = MG_GEN_D_BOOL, .i = 1},
	                                          {.kind = MG_GEN_D_INT, .i = 5}};
	uint8_t m[512];
	size_t n = mg_gen_mms_write(m, sizeof(m), 0x2a, names, vals, 2);
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.reply, MG_REFUSE_WRITE_DENIED);
	cr_assert_eq(r.nitems, 2);
	cr_assert_not(r.control);
	expect_mms(&r, "a1 0b 02 01 2a a5 06 80 01 03 80 01 03");

	static const char *const ctls[] = {"CTRL/CSWI1$CO$Pos$Oper", "CTRL/CSWI1$CO$Pos$SBOw",
	                                   "CTRL/CSWI1$CO$Pos$Cancel"};
	for (int i = 0; i < 3; i++) {
		n = mg_gen_mms_write_oper(m, sizeof(m), 300 + (uint32_t)i, ctls[i], true, 1, i < 2);
		r = plan(m, n);
		cr_assert_eq(r.reply, MG_REFUSE_WRITE_DENIED, "%s", ctls[i]);
		cr_assert_eq(r.nitems, 1);
		cr_assert(r.control, "%s is a control", ctls[i]);
		cr_assert_eq(r.invoke_id, 300 + (uint32_t)i);
	}
	expect_mms(&r, "a1 09 02 02 01 2e a5 03 80 01 03"); /* invokeID 302 */
}

Test(refuse, service_errors)
{
	uint8_t m[512];
	size_t n = mg_gen_mms_read_varlist(m, sizeof(m), 9, "LD0/LLN0$DS1");
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.reply, MG_REFUSE_SERVICE_ERROR,
	             "a data set read cannot be answered per item");
	cr_assert_eq(r.err_class, MG_REFUSE_ECLASS_ACCESS);
	cr_assert_eq(r.err_code, MG_REFUSE_ACCESS_DENIED);
	expect_mms(&r, "a2 0a"                /* confirmed-ErrorPDU */
	               "  80 01 09"           /* invokeID [0] 9 */
	               "  a2 05"              /* serviceError */
	               "    a0 03 87 01 03"); /* errorClass access: object-access-denied */

	n = mg_gen_mms_file_open(m, sizeof(m), 10, "COMTRADE/a.cfg");
	r = plan(m, n);
	cr_assert_eq(r.service, MG_SVC_FILE_OPEN);
	cr_assert_eq(r.err_class, MG_REFUSE_ECLASS_FILE);
	cr_assert_eq(r.err_code, MG_REFUSE_FILE_ACCESS_DENIED);
	n = mg_gen_mms_obtain_file(m, sizeof(m), 11, "a", "b");
	cr_assert_eq(plan(m, n).err_class, MG_REFUSE_ECLASS_FILE);
	n = mg_gen_mms_get_name_list(m, sizeof(m), 12, 0, "LD0", NULL);
	r = plan(m, n);
	cr_assert_eq(r.reply, MG_REFUSE_SERVICE_ERROR);
	cr_assert_eq(r.err_class, MG_REFUSE_ECLASS_ACCESS);
	n = mg_gen_mms_define_nvl(m, sizeof(m), 13, "LD0/LLN0$X", (const char *const[]){"LD0/A$B"},
	                          1);
	cr_assert_eq(plan(m, n).service, MG_SVC_DEFINE_NAMED_VAR_LIST);

	/* Unsigned32 invokeID with the top bit set takes a leading zero. */
	n = mg_gen_mms_identify(m, sizeof(m), 0xFFFFFFFFu);
	r = plan(m, n);
	cr_assert_eq(r.invoke_id, 0xFFFFFFFFu);
	expect_mms(&r, "a2 0e 80 05 00 ff ff ff ff a2 05 a0 03 87 01 03");
}

Test(refuse, not_answerable)
{
	uint8_t m[512];
	static const struct mg_gen_data v = {.kind = MG_GEN_D_BOOL, .i = 1};
	size_t n = mg_gen_mms_info_report(m, sizeof(m), "LD0/LLN0$RP$urcb01", &v, 1);
	cr_assert_eq(plan(m, n).kind, MG_REFUSE_REMOVE);
	n = mg_gen_mms_initiate_req(m, sizeof(m), 65000);
	cr_assert_eq(plan(m, n).kind, MG_REFUSE_RESET);
	n = mg_gen_mms_conclude_req(m, sizeof(m));
	cr_assert_eq(plan(m, n).kind, MG_REFUSE_RESET);
	n = mg_gen_mms_cancel_req(m, sizeof(m), 3);
	cr_assert_eq(plan(m, n).kind, MG_REFUSE_RESET);
	n = mg_gen_mms_read_resp(m, sizeof(m), 3, &v, 1);
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.kind, MG_REFUSE_RESET, "a response is never answered");
	uint8_t out[256];
	cr_assert_eq(mg_refuse_build(&r, 3, 0, out, sizeof(out)), 0);
	cr_assert_str_eq(mg_refuse_kind_str(MG_REFUSE_REMOVE), "remove");
}

Test(refuse, malformed_requests)
{
	uint8_t m[64];
	struct mg_refuse_req r;
	enum mg_reason why = MG_R_NONE;
	/* write with two variables but one data item */
	size_t n = mg_test_hex("a0 1a 02 01 01 a5 15"
	                       "  a0 0e 30 05 a0 03 80 01 61 30 05 a0 03 80 01 62"
	                       "  a0 03 83 01 01",
	                       m, sizeof(m));
	cr_assert_eq(mg_refuse_plan(m, n, &r, &why), MG_MALFORMED);
	cr_assert_eq(why, MG_R_MMS_DATA_COUNT);
	/* read with an empty variable list */
	n = mg_test_hex("a0 09 02 01 01 a4 04 a1 02 a0 00", m, sizeof(m));
	cr_assert_eq(mg_refuse_plan(m, n, &r, &why), MG_MALFORMED);
	/* truncated: every prefix of a good request fails or is unanswerable */
	static const char *const names[] = {"LD0/A$B"};
	uint8_t good[128];
	size_t gn = mg_gen_mms_read(good, sizeof(good), 1, names, 1);
	for (size_t k = 0; k < gn; k++) {
		uint8_t *cut = malloc(k ? k : 1); /* exact size: ASan sees over-reads */
		memcpy(cut, good, k);
		cr_assert_neq(mg_refuse_plan(cut, k, &r, &why), MG_OK, "prefix %zu", k);
		free(cut);
	}
}

Test(refuse, specification_with_result_echoed)
{
	uint8_t m[64];
	/* read, specificationWithResult TRUE, one vmd-specific variable "a" */
	size_t n = mg_test_hex("a0 13 02 01 05 a4 0e 80 01 ff a1 09 a0 07 30 05 a0 03 80 01 61", m,
	                       sizeof(m));
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.reply, MG_REFUSE_READ_DENIED);
	cr_assert_not_null(r.spec);
	cr_assert_eq(r.spec_len, 9);
	expect_mms(&r, "a1 15 02 01 05 a4 10"
	               "  a0 09 a0 07 30 05 a0 03 80 01 61" /* variableAccessSpecification */
	               "  a1 03 80 01 03");
}

/* Engine events of one direction, for decoding what the builder wrote. */
struct evlog {
	int n;
	uint8_t kind[64];
	uint8_t type[64];
	uint32_t invoke[64];
	int32_t pres_ctx[64];
};

static void on_ev(void *ud, const struct mg_ev *ev)
{
	struct evlog *l = ud;
	if (l->n >= 64)
		return;
	l->kind[l->n] = ev->kind;
	l->type[l->n] = ev->mms ? ev->mms->type : 0xFF;
	l->invoke[l->n] = ev->mms ? ev->mms->invoke_id : 0;
	l->pres_ctx[l->n] = ev->pres_ctx;
	l->n++;
}

Test(refuse, osi_wrapping_and_fragments)
{
	static char nm[80][24];
	const char *names[80];
	for (int i = 0; i < 80; i++) {
		snprintf(nm[i], sizeof(nm[i]), "LD0/GGIO1$ST$Ind%d", i);
		names[i] = nm[i];
	}
	uint8_t m[4096];
	size_t n = mg_gen_mms_read(m, sizeof(m), 77, names, 80);
	struct mg_refuse_req r = plan(m, n);
	cr_assert_eq(r.nitems, 80);

	/* One TPKT: exact bytes of the framing, presentation context 5 */
	uint8_t out[4096];
	size_t on = mg_refuse_build(&r, 5, 0, out, sizeof(out));
	cr_assert_gt(on, 0);
	cr_assert_leq(on, mg_refuse_buf_size(&r, 0));
	uint8_t hdr[64];
	size_t hn = mg_test_hex("03 00 01 15"        /* TPKT, 277 bytes */
	                        "02 f0 80"           /* COTP DT, EOT */
	                        "01 00 01 00"        /* session GT, DT */
	                        "61 82 01 06"        /* fully-encoded-data */
	                        "30 82 01 02"        /* PDV-list */
	                        "02 01 05"           /* presentation context 5 */
	                        "a0 81 fc"           /* single-ASN1-type */
	                        "a1 81 f9 02 01 4d"  /* confirmed-ResponsePDU, invokeID 77 */
	                        "a4 81 f3 a1 81 f0", /* read, 80 AccessResults */
	                        hdr, sizeof(hdr));
	char hx[200] = "";
	for (size_t i = 0; i < 32; i++)
		snprintf(hx + 3 * i, 4, "%02x ", out[i]);
	cr_assert_eq(on, 277, "%zu bytes: %s", on, hx);
	cr_assert_arr_eq(out, hdr, hn);

	/* TPDU size 128: three TPKTs, EOT on the last only; the engine
	 * reassembles one confirmed response with invokeID 77 on context 5. */
	size_t fn = mg_refuse_build(&r, 5, 128, out, sizeof(out));
	cr_assert_eq(fn, 277 + 2 * 7);
	cr_assert_leq(fn, mg_refuse_buf_size(&r, 128));
	size_t off = 0;
	int tpkts = 0;
	while (off < fn) {
		size_t tl = (size_t)out[off + 2] << 8 | out[off + 3];
		cr_assert_leq(tl, 128 + 4);
		cr_assert_eq(out[off + 6], off + tl == fn ? 0x80 : 0x00);
		off += tl;
		tpkts++;
	}
	cr_assert_eq(off, fn);
	cr_assert_eq(tpkts, 3);

	struct mg_engine e;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
	                            .buf_get = mg_engine_malloc_get,
	                            .buf_put = mg_engine_malloc_put,
	                            .midstream_pickup = true};
	mg_engine_init(&e, &cfg);
	struct mg_engine_conn c;
	mg_engine_conn_init(&c);
	struct evlog l = {0};
	for (size_t i = 0; i < fn; i += 50) /* in chunks that straddle TPKTs */
		mg_engine_feed(&e, &c, MG_DIR_S2C, out + i, fn - i < 50 ? fn - i : 50, on_ev, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.kind[0], MG_EV_MMS);
	cr_assert_eq(l.type[0], MG_MMS_CONFIRMED_RESPONSE);
	cr_assert_eq(l.invoke[0], 77);
	cr_assert_eq(l.pres_ctx[0], 5);
	mg_engine_conn_release(&e, &c);

	/* too small a buffer: 0, never a partial answer */
	cr_assert_eq(mg_refuse_build(&r, 5, 0, out, 200), 0);
	cr_assert_eq(mg_refuse_build(&r, -1, 0, out, sizeof(out)), 0);
}

/* ---- the association's bookkeeping ------------------------------------ */

Test(refuse, engine_forgets_refused_invoke_ids)
{
	struct mg_engine e;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
	                            .buf_get = mg_engine_malloc_get,
	                            .buf_put = mg_engine_malloc_put,
	                            .midstream_pickup = true};
	mg_engine_init(&e, &cfg);
	struct mg_engine_conn c;
	mg_engine_conn_init(&c);
	c.state = MG_AS_ASSOCIATED; /* as after initiate */

	struct mg_gen_conn g;
	memset(&g, 0, sizeof(g));
	g.ctx.acse = 1;
	g.ctx.mms = 3;
	uint8_t m[256], s[512];
	static const char *const oper[] = {"CTRL/CSWI1$CO$Pos$Oper"};
	struct evlog l = {0};
	/* 40 refused operates with the same invokeID: without the engine
	 * learning of the refusal the second is duplicate_invoke_id; 40
	 * distinct ones would exceed MG_ENGINE_MAX_OUTSTANDING. */
	for (uint32_t k = 0; k < 40; k++) {
		size_t n =
		    mg_gen_mms_write_oper(m, sizeof(m), k % 2 ? 1 : k, oper[0], true, 1, true);
		size_t sn = mg_gen_conn_wrap_mms(&g, s, sizeof(s), m, n);
		l.n = 0;
		mg_engine_feed(&e, &c, MG_DIR_C2S, s, sn, on_ev, &l);
		cr_assert_eq(l.n, 1);
		cr_assert_eq(l.kind[0], MG_EV_MMS);
		cr_assert_eq(l.pres_ctx[0], 3);
		struct mg_refuse_req r = plan(m, n);
		cr_assert(mg_engine_refused(&c, MG_DIR_C2S, r.invoke_id), "request %u", k);
		cr_assert_eq(c.d[MG_DIR_C2S].pending.n, 0);
	}
	cr_assert_not(mg_engine_refused(&c, MG_DIR_C2S, 1), "nothing left to forget");
	/* and a later request is judged without anomaly */
	static const char *const rd[] = {"LD0/A$B"};
	size_t n = mg_gen_mms_read(m, sizeof(m), 1, rd, 1);
	struct evlog l2 = {0};
	size_t sn = mg_gen_conn_wrap_mms(&g, s, sizeof(s), m, n);
	mg_engine_feed(&e, &c, MG_DIR_C2S, s, sn, on_ev, &l2);
	cr_assert_eq(l2.n, 1);
	cr_assert_eq(c.d[MG_DIR_C2S].pending.n, 1);
	mg_engine_conn_release(&e, &c);
}

/* ---- tshark ------------------------------------------------------------ */

static void pcap_sink(void *ud, const uint8_t *f, size_t n)
{
	mg_gen_pcap_write(ud, f, n);
}

Test(refuse, tshark_decodes_the_refusals)
{
	if (access("/usr/bin/tshark", X_OK) != 0)
		cr_skip_test("tshark not installed");
	char path[512];
	snprintf(path, sizeof(path), "%s/refuse_tshark_%d.pcap", MG_BINARY_DIR, (int)getpid());
	struct mg_gen_pcap pc;
	cr_assert_eq(mg_gen_pcap_open(&pc, path), 0);
	struct mg_gen_conn g;
	mg_gen_conn_init4(&g, 0x0a000001, 40001, 0x0a010203, 102,
	                  (struct mg_gen_sink){pcap_sink, &pc});
	g.ctx.mms = 5; /* not the usual 3: the answer must follow the association */
	mg_gen_conn_associate(&g);

	uint8_t out[2048];
	size_t n;
	static const char *const rd[] = {"LD0/MMXU1$MX$TotW", "LD0/XCBR1$ST$Pos"};
	static const char *const oper = "CTRL/CSWI1$CO$Pos$Oper";
	struct {
		size_t n;
		uint8_t m[512];
	} req[6];
	int k = 0;
	req[k].n = mg_gen_mms_read(req[k].m, sizeof(req[k].m), 101, rd, 2), k++;
	req[k].n = mg_gen_mms_write_oper(req[k].m, sizeof(req[k].m), 102, oper, true, 7, true), k++;
	req[k].n = mg_gen_mms_read_varlist(req[k].m, sizeof(req[k].m), 103, "LD0/LLN0$DS1"), k++;
	req[k].n = mg_gen_mms_file_open(req[k].m, sizeof(req[k].m), 104, "COMTRADE/x.cfg"), k++;
	req[k].n = mg_gen_mms_get_name_list(req[k].m, sizeof(req[k].m), 105, 0, "LD0", NULL), k++;
	req[k].n = mg_gen_mms_identify(req[k].m, sizeof(req[k].m), 2000000000u), k++;
	for (int i = 0; i < k; i++) {
		mg_gen_conn_mms(&g, 0, req[i].m, req[i].n);
		struct mg_refuse_req r = plan(req[i].m, req[i].n);
		n = mg_refuse_build(&r, g.ctx.mms, i == 0 ? 64 : 0, out, sizeof(out));
		cr_assert_gt(n, 0);
		mg_gen_conn_send(&g, 1, out, n);
	}
	mg_gen_conn_release(&g);
	cr_assert_eq(mg_gen_pcap_close(&pc), 0);

	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "tshark -n -r %s -Y 'mms.confirmed_ResponsePDU_element || "
	         "mms.confirmed_ErrorPDU_element || _ws.malformed || _ws.expert.severity >= "
	         "\"warning\"' -T fields -E separator='|' -E occurrence=a -E aggregator=, "
	         "-e mms.invokeID -e mms.confirmedServiceResponse -e mms.failure "
	         "-e mms.errorClass -e mms.access -e mms.file -e _ws.malformed 2>/dev/null",
	         path);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	char got[4096] = "";
	size_t gl = fread(got, 1, sizeof(got) - 1, f);
	got[gl] = 0;
	pclose(f);
	/* invokeID | service (4 read, 5 write) | DataAccessError per item |
	 * errorClass (7 access, 11 file) | access code | file code | malformed */
	const char *want = "101|4|3,3||||\n"
	                   "102|5|3||||\n"
	                   "103|||7|3||\n"
	                   "104|||11||6|\n"
	                   "105|||7|3||\n"
	                   "2000000000|||7|3||\n";
	cr_assert_str_eq(got, want, "tshark said:\n%s", got);
	unlink(path);
}
