/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A gate simulated without DPDK: an MMS association where the client's
 * operate and one of three pipelined reads are refused. Client frames are
 * generated in the client's own sequence space and translated toward the
 * server with mg_seqadj_frame(); server frames in the server's space and
 * translated toward the client; the refusals are built by mg_refuse_build()
 * and sent by mg_seqadj_frame_build() — the second one queued while the
 * server is in the middle of a PDU and placed at its end, modelled on the
 * client's own frame reversed, as the dataplane would. Two captures result — what the
 * client's NIC sees and what the server's NIC sees — and tshark must find
 * every request answered on the client side, the refused ones absent on the
 * server side, and nothing wrong with TCP on either side (no lost segment,
 * no ACK of unseen data, no retransmission, no bad checksum).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mg_gen.h"
#include "mg_refuse.h"
#include "mg_seqadj.h"

enum { C2S = 0, S2C = 1 };

struct sim {
	struct mg_gen_conn cv, sv; /* client view (client truth), server view (server truth) */
	struct mg_seqadj sa;
	struct mg_gen_pcap cli, srv;
	uint8_t tmpl[128]; /* the last server frame: model for gate frames */
	size_t tmpl_len;
	uint8_t ctmpl[2048]; /* the last client frame (a reversed model) */
	size_t ctmpl_len;
	int dropped_frames;
};

static struct sim S;

static void to_client_side(const uint8_t *f, size_t n)
{
	mg_gen_pcap_write(&S.cli, f, n);
}

/* A frame the client sent: seen as is at the client, translated at the server. */
static void client_sink(void *ud, const uint8_t *f, size_t n)
{
	(void)ud;
	uint8_t b[2048];
	struct mg_seqadj_plan p;
	to_client_side(f, n);
	memcpy(S.ctmpl, f, n);
	S.ctmpl_len = n;
	memcpy(b, f, n);
	size_t m = mg_seqadj_frame(&S.sa, C2S, b, n, 0, &p);
	if (m)
		mg_gen_pcap_write(&S.srv, b, m);
	else
		S.dropped_frames++;
}

static void server_sink(void *ud, const uint8_t *f, size_t n)
{
	(void)ud;
	uint8_t b[2048];
	struct mg_seqadj_plan p;
	mg_gen_pcap_write(&S.srv, f, n);
	if (n <= sizeof(S.tmpl)) {
		memcpy(S.tmpl, f, n);
		S.tmpl_len = n;
	}
	memcpy(b, f, n);
	size_t m = mg_seqadj_frame(&S.sa, S2C, b, n, 0, &p);
	cr_assert_gt(m, 0, "server frames are never dropped here");
	to_client_side(b, m);
}

/* Each side's generator learns what the other has really sent it. */
static void sync_views(void)
{
	S.cv.ep[1].seq = mg_seqadj_fwd(&S.sa, S2C, S.sv.ep[1].seq);
	S.sv.ep[0].seq = mg_seqadj_fwd(&S.sa, C2S, S.cv.ep[0].seq);
}

static void client_sends(const uint8_t *stream, size_t n)
{
	sync_views();
	mg_gen_conn_send(&S.cv, 0, stream, n);
}

static void server_sends(const uint8_t *mms, size_t n)
{
	sync_views();
	mg_gen_conn_mms(&S.sv, 1, mms, n);
}

static void client_ack(void)
{
	sync_views();
	mg_gen_conn_ack(&S.cv, 0);
}

/* The gate's verdict on a request the client is about to send at client
 * seq [pos, pos+len): its bytes never reach the server (the gate held the
 * segments until the verdict, so they are translated after this). */
static void refuse_drop(uint32_t pos, uint32_t len)
{
	cr_assert_eq(mg_seqadj_drop(&S.sa, C2S, pos, len), 0);
}

/* The answer, at the server's current point (a TPKT boundary: the server
 * has no partial PDU in flight), built on the last server frame. */
static void refuse_answer(const uint8_t *mms, size_t n, uint32_t request_end)
{
	struct mg_refuse_req r;
	enum mg_reason why;
	cr_assert_eq(mg_refuse_plan(mms, n, &r, &why), MG_OK);
	uint8_t ans[512];
	size_t an = mg_refuse_build(&r, S.cv.ctx.mms, 0, ans, sizeof(ans));
	cr_assert_gt(an, 0);
	uint32_t at;
	cr_assert_eq(
	    mg_seqadj_insert(&S.sa, S2C, S.sv.ep[1].seq, ans, (uint16_t)an, request_end, 0, &at),
	    0);
	uint8_t fr[1024];
	size_t fl =
	    mg_seqadj_frame_build(&S.sa, S2C, S.tmpl, S.tmpl_len, false, at,
	                          MG_TCP_ACK | MG_TCP_PSH, ans, (uint16_t)an, fr, sizeof(fr));
	cr_assert_gt(fl, 0);
	to_client_side(fr, fl);
}

/* The dataplane's way when the server may be mid-PDU: queue the answer,
 * place it once the server's stream is at a TPKT boundary, send what
 * mg_seqadj_next_tx() hands out, modelled on the client's own frame. */
static void refuse_queue(const uint8_t *mms, size_t n, uint32_t request_end)
{
	struct mg_refuse_req r;
	enum mg_reason why;
	cr_assert_eq(mg_refuse_plan(mms, n, &r, &why), MG_OK);
	uint8_t ans[512];
	size_t an = mg_refuse_build(&r, S.cv.ctx.mms, 0, ans, sizeof(ans));
	cr_assert_eq(mg_seqadj_queue(&S.sa, ans, (uint16_t)an, request_end), 0);
	cr_assert(mg_seqadj_queued(&S.sa));
}

static void place_and_send(void)
{
	uint32_t rseq;
	const uint8_t *data;
	uint16_t len;
	bool give_up;
	uint8_t fr[1024];
	cr_assert_eq(mg_seqadj_place(&S.sa, S.sv.ep[1].seq, 0), 0);
	cr_assert_not(mg_seqadj_queued(&S.sa));
	cr_assert(mg_seqadj_next_tx(&S.sa, 0, &rseq, &data, &len, &give_up));
	size_t fl = mg_seqadj_frame_build(&S.sa, S2C, S.ctmpl, S.ctmpl_len, true, rseq,
	                                  MG_TCP_ACK | MG_TCP_PSH, data, len, fr, sizeof(fr));
	cr_assert_gt(fl, 0);
	to_client_side(fr, fl);
	cr_assert_not(mg_seqadj_next_tx(&S.sa, 0, &rseq, &data, &len, &give_up));
}

static void fin(int dir)
{
	uint8_t b[256];
	sync_views();
	size_t n = mg_gen_tcp_frame(b, sizeof(b), dir ? &S.sv : &S.cv, dir, MG_TCP_FIN | MG_TCP_ACK,
	                            NULL, 0);
	(dir ? server_sink : client_sink)(NULL, b, n);
}

static size_t wrap(const uint8_t *mms, size_t n, uint8_t *out, size_t cap)
{
	return mg_gen_conn_wrap_mms(&S.cv, out, cap, mms, n);
}

static char *tshark(const char *pcap, const char *filter, const char *fields)
{
	static char out[8192];
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "tshark -n -r %s -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y '%s' -T "
	         "fields -E separator='|' "
	         "-E occurrence=a -E aggregator=, %s 2>/dev/null",
	         pcap, filter, fields);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	pclose(f);
	return out;
}

Test(seqadj_frame, refused_requests_keep_tcp_consistent_on_both_sides)
{
	if (access("/usr/bin/tshark", X_OK) != 0)
		cr_skip_test("tshark not installed");
	char pc[512], ps[512];
	snprintf(pc, sizeof(pc), "%s/seqadj_cli_%d.pcap", MG_BINARY_DIR, (int)getpid());
	snprintf(ps, sizeof(ps), "%s/seqadj_srv_%d.pcap", MG_BINARY_DIR, (int)getpid());
	memset(&S, 0, sizeof(S));
	mg_seqadj_init(&S.sa);
	cr_assert_eq(mg_gen_pcap_open(&S.cli, pc), 0);
	cr_assert_eq(mg_gen_pcap_open(&S.srv, ps), 0);

	/* the association, before any edit: both views are one conversation */
	struct mg_gen_conn both;
	mg_gen_conn_init4(&both, 0x0a000001, 40001, 0x0a010203, 102,
	                  (struct mg_gen_sink){client_sink, NULL});
	both.ack_each = true;
	/* frames of the association go to both captures untranslated */
	mg_gen_conn_associate(&both);
	S.cv = both;
	S.sv = both;
	S.cv.ack_each = S.sv.ack_each = false;
	S.cv.sink = (struct mg_gen_sink){client_sink, NULL};
	S.sv.sink = (struct mg_gen_sink){server_sink, NULL};

	uint8_t m[512], st[2048];
	size_t n, sn;
	static const char *const rd[] = {"LD0/MMXU1$MX$TotW$mag$f"};
	static const char *const rd2[] = {"PROT/PTOC1$SP$StrVal$setMag$f"};
	static const struct mg_gen_data v = {.kind = MG_GEN_D_FLOAT, .f = 1.5f};

	/* 1: an allowed read */
	n = mg_gen_mms_read(m, sizeof(m), 1, rd, 1);
	sn = wrap(m, n, st, sizeof(st));
	client_sends(st, sn);
	n = mg_gen_mms_read_resp(m, sizeof(m), 1, &v, 1);
	server_sends(m, n);
	client_ack();

	/* 2: a refused operate */
	n = mg_gen_mms_write_oper(m, sizeof(m), 2, "CTRL/CSWI1$CO$Pos$Oper", true, 1, true);
	sn = wrap(m, n, st, sizeof(st));
	uint32_t pos = S.cv.ep[0].seq;
	refuse_drop(pos, (uint32_t)sn);
	client_sends(st, sn);
	refuse_answer(m, n, pos + (uint32_t)sn);
	client_ack();

	/* 3..5: three pipelined reads in one segment, the middle one refused */
	n = mg_gen_mms_read(m, sizeof(m), 3, rd, 1);
	sn = wrap(m, n, st, sizeof(st));
	size_t off4 = sn;
	uint8_t r4[512];
	size_t r4n = mg_gen_mms_read(r4, sizeof(r4), 4, rd2, 1);
	sn += wrap(r4, r4n, st + sn, sizeof(st) - sn);
	size_t end4 = sn;
	n = mg_gen_mms_read(m, sizeof(m), 5, rd, 1);
	sn += wrap(m, n, st + sn, sizeof(st) - sn);
	pos = S.cv.ep[0].seq;
	refuse_drop(pos + (uint32_t)off4, (uint32_t)(end4 - off4));
	client_sends(st, sn);
	/* the server is answering 3 in two segments: the answer to 4 waits
	 * for the end of that PDU */
	refuse_queue(r4, r4n, pos + (uint32_t)end4);
	n = mg_gen_mms_read_resp(m, sizeof(m), 3, &v, 1);
	sync_views();
	sn = mg_gen_conn_wrap_mms(&S.sv, st, sizeof(st), m, n);
	size_t cut = sn / 2;
	mg_gen_conn_send_cuts(&S.sv, 1, st, sn, &cut, 1);
	place_and_send();
	n = mg_gen_mms_read_resp(m, sizeof(m), 5, &v, 1);
	server_sends(m, n);
	client_ack();

	/* the association closes cleanly: conclude, FIN both ways */
	n = mg_gen_mms_conclude_req(m, sizeof(m));
	sn = wrap(m, n, st, sizeof(st));
	client_sends(st, sn);
	n = mg_gen_mms_conclude_resp(m, sizeof(m));
	server_sends(m, n);
	client_ack();
	fin(0);
	fin(1);
	sync_views();
	mg_gen_conn_ack(&S.cv, 0);

	mg_gen_pcap_close(&S.cli);
	mg_gen_pcap_close(&S.srv);
	cr_assert_eq(S.dropped_frames, 2,
	             "the operate's segment and the ACK of its answer alone "
	             "never reach the server");

	/* client side: every request answered, in the order the gate sent them */
	const char *resp = "mms.confirmed_ResponsePDU_element || mms.confirmed_ErrorPDU_element";
	char *got = tshark(pc, resp, "-e mms.invokeID -e mms.failure");
	cr_assert_str_eq(got, "1|\n2|3\n3|\n4|3\n5|\n", "client side:\n%s", got);
	got = tshark(pc, "mms.conclude_ResponsePDU_element", "-e frame.number");
	cr_assert_neq(got[0], 0, "conclude answered");
	/* server side: only the allowed requests (3 and 5 share the rewritten segment) */
	got = tshark(ps, "mms.confirmed_RequestPDU_element", "-e mms.invokeID");
	cr_assert_str_eq(got, "1\n3,5\n", "server side:\n%s", got);
	/* and TCP is whole on both sides */
	const char *bad =
	    "tcp.analysis.flags || _ws.malformed || _ws.expert.severity >= \"warning\" "
	    "|| tcp.checksum.status == \"Bad\" || ip.checksum.status == \"Bad\"";
	for (int side = 0; side < 2; side++) {
		got = tshark(side ? ps : pc, bad, "-e frame.number -e _ws.expert.message");
		cr_assert_str_eq(got, "", "%s side:\n%s", side ? "server" : "client", got);
	}
	unlink(pc);
	unlink(ps);
}
