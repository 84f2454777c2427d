/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP sequence translation (proto/seqadj.c): a refused request dropped from
 * the client's stream and the answer injected into the server's, seen from
 * both ends — seq/ack on each side, SACK blocks, FIN and RST after the
 * edits, sequence wrap-around, timestamps for gate-made segments,
 * retransmitted requests, lost injected segments (duplicate ACKs, SACK
 * hole, timeout, give-up), pipelined PDUs sharing a segment, edit pruning
 * and the RFC 1624 checksum update checked against a full recomputation.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mg_seqadj.h"

enum { C2S = 0, S2C = 1 };

/* A TCP header with optional timestamps and SACK blocks, and a checksum
 * that is valid over a fixed pseudo header + header + payload. */
struct seg {
	uint8_t th[60];
	size_t thlen;
	uint8_t pay[256];
	uint32_t paylen;
};

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t full_csum(const struct seg *g)
{
	static const uint8_t ph[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 0};
	uint8_t p[12];
	memcpy(p, ph, 12);
	uint16_t tl = (uint16_t)(g->thlen + g->paylen);
	p[10] = (uint8_t)(tl >> 8);
	p[11] = (uint8_t)tl;
	uint8_t th[60];
	memcpy(th, g->th, g->thlen);
	th[16] = th[17] = 0;
	uint32_t s = sum16(p, 12, 0);
	s = sum16(th, g->thlen, s);
	s = sum16(g->pay, g->paylen, s);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct seg mk(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t paylen, int ts,
                     const uint32_t *sack, int nsack)
{
	struct seg g;
	memset(&g, 0, sizeof(g));
	g.th[0] = 0x9c, g.th[1] = 0x41, g.th[2] = 0, g.th[3] = 102;
	put32(g.th + 4, seq);
	put32(g.th + 8, ack);
	g.th[13] = flags;
	g.th[14] = 0x20; /* window 8192 */
	size_t o = 20;
	if (ts) { /* NOP NOP TS */
		g.th[o++] = 1, g.th[o++] = 1, g.th[o++] = 8, g.th[o++] = 10;
		put32(g.th + o, (uint32_t)ts);
		put32(g.th + o + 4, 77);
		o += 8;
	}
	if (nsack) { /* NOP NOP SACK */
		g.th[o++] = 1, g.th[o++] = 1, g.th[o++] = 5, g.th[o++] = (uint8_t)(2 + 8 * nsack);
		for (int i = 0; i < 2 * nsack; i++, o += 4)
			put32(g.th + o, sack[i]);
	}
	g.thlen = o;
	g.th[12] = (uint8_t)((o / 4) << 4);
	g.paylen = paylen;
	for (uint32_t i = 0; i < paylen; i++)
		g.pay[i] = (uint8_t)(seq + i);
	uint16_t c = full_csum(&g);
	g.th[16] = (uint8_t)(c >> 8), g.th[17] = (uint8_t)c;
	return g;
}

/* Translate and check the incremental checksum against a full one. */
static struct mg_seqadj_plan xlate(struct mg_seqadj *sa, uint8_t dir, struct seg *g, uint64_t now)
{
	struct mg_seqadj_plan p;
	mg_seqadj_segment(sa, dir, g->th, g->thlen, g->paylen, now, &p);
	if (!p.rewrite) {
		uint16_t c = (uint16_t)(g->th[16] << 8 | g->th[17]);
		cr_assert_eq(c, full_csum(g), "incremental checksum %04x, full %04x", c,
		             full_csum(g));
	}
	return p;
}

#define SEQ(g) get32((g).th + 4)
#define ACK(g) get32((g).th + 8)

/* Client ISN 1000, server ISN 5000 (data from 1001 / 5001). The client sends
 * an allowed read [1001,1101), a denied operate [1101,1151) and another read
 * [1151,1201); the gate answers the operate with 20 bytes injected at the
 * server's stream position 5001 (nothing sent by the server yet). */
static void refuse_setup(struct mg_seqadj *sa, uint32_t cisn, uint32_t sisn)
{
	static const uint8_t answer[20] = "0123456789abcdefghi";
	mg_seqadj_init(sa);
	cr_assert_eq(mg_seqadj_drop(sa, C2S, cisn + 101, 50), 0);
	uint32_t at = 0;
	cr_assert_eq(mg_seqadj_insert(sa, S2C, sisn + 1, answer, 20, cisn + 151, 0, &at), 0);
	cr_assert_eq(at, sisn + 1);
}

Test(seqadj, drop_on_client_side)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	struct seg g = mk(5001, 1050, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(ACK(g), 1050, "acks before the drop are untouched");
	g = mk(1001, 5001, MG_TCP_ACK | MG_TCP_PSH, 100, 0, NULL, 0);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(SEQ(g), 1001, "bytes before the drop keep their numbers");
	cr_assert_eq(p.kept, 100);
	cr_assert_not(p.rewrite);
	cr_assert_eq(p.verdict, MG_SEQADJ_FORWARD);
	g = mk(1151, 5001, MG_TCP_ACK | MG_TCP_PSH, 50, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(SEQ(g), 1101, "after the drop: 50 earlier");
	/* the server acknowledges in its space; the client sees its dropped
	 * bytes acknowledged as soon as everything before them is */
	g = mk(5001, 1101, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(ACK(g), 1151);
	g = mk(5001, 1151, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(ACK(g), 1201);
	cr_assert_eq(sa.bytes_dropped, 50);
	cr_assert_eq(sa.d[C2S].n, 0, "acknowledged past: the edit is folded into a constant");
	cr_assert_eq(sa.d[C2S].base, -50);
}

Test(seqadj, inject_on_server_side)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	/* server's first data after the injection */
	struct seg g = mk(5001, 1151, MG_TCP_ACK | MG_TCP_PSH, 100, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), 5021, "server bytes follow the 20 injected ones");
	/* client acknowledgements back in server space */
	g = mk(1201, 5011, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(ACK(g), 5001, "an ack inside the injected bytes is the insertion point");
	cr_assert_eq(sa.ninj, 1);
	cr_assert_eq(sa.inj[0].len, 10, "half of the answer acknowledged");
	cr_assert_eq(mg_seqadj_back(&sa, S2C, 5021), 5001);
	cr_assert_eq(mg_seqadj_fwd(&sa, S2C, 5000), 5000);
	g = mk(1201, 5121, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(ACK(g), 5101);
	cr_assert_eq(sa.ninj, 0, "acknowledged injected bytes are released");
	cr_assert_eq(sa.bytes_injected, 20);
}

Test(seqadj, wraparound)
{
	struct mg_seqadj sa;
	uint32_t cisn = 0xFFFFFFF0u, sisn = 0xFFFFFFFAu;
	refuse_setup(&sa, cisn, sisn); /* the drop and the insert straddle 2^32 */
	struct seg g = mk(cisn + 151, sisn + 1, MG_TCP_ACK, 50, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(SEQ(g), cisn + 101);
	g = mk(sisn + 1, cisn + 151, MG_TCP_ACK, 100, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), sisn + 21);
	cr_assert_eq(ACK(g), cisn + 201);
	g = mk(cisn + 201, sisn + 121, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(ACK(g), sisn + 101);
	/* a drop right across the wrap */
	struct mg_seqadj sb;
	mg_seqadj_init(&sb);
	cr_assert_eq(mg_seqadj_drop(&sb, C2S, 0xFFFFFFF8u, 16), 0);
	cr_assert_eq(mg_seqadj_fwd(&sb, C2S, 0xFFFFFFF0u), 0xFFFFFFF0u);
	cr_assert_eq(mg_seqadj_fwd(&sb, C2S, 0xFFFFFFFCu), 0xFFFFFFF8u);
	cr_assert_eq(mg_seqadj_fwd(&sb, C2S, 8), 0xFFFFFFF8u);
	cr_assert_eq(mg_seqadj_fwd(&sb, C2S, 20), 4);
	cr_assert_eq(mg_seqadj_back(&sb, C2S, 0xFFFFFFF8u), 8);
}

Test(seqadj, sack_blocks_and_hole_over_injected_bytes)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	struct seg g = mk(5001, 1151, MG_TCP_ACK, 100, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	/* the injected segment was lost: the client has the server's 100
	 * bytes (client space 5021..5121) but not the answer */
	uint32_t sack[2] = {5021, 5121};
	g = mk(1201, 5001, MG_TCP_ACK, 0, 0, sack, 1);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 1000);
	cr_assert_eq(ACK(g), 5001);
	cr_assert_eq(get32(g.th + 24), 5001, "left edge in server space");
	cr_assert_eq(get32(g.th + 28), 5101, "right edge in server space");
	cr_assert(p.inj_resend, "a SACK above the answer is a hole in it");
	uint32_t rseq;
	const uint8_t *data;
	uint16_t len;
	bool give_up;
	cr_assert(mg_seqadj_next_tx(&sa, 1000, &rseq, &data, &len, &give_up));
	cr_assert_eq(rseq, 5001);
	cr_assert_eq(len, 20);
	cr_assert_eq(memcmp(data, "0123456789abcdefghi", 20), 0);
	cr_assert_not(mg_seqadj_next_tx(&sa, 1000, &rseq, &data, &len, &give_up));
	/* a SACK block on the client's own stream is translated the other way */
	uint32_t s2[2] = {1151, 1201};
	g = mk(5001, 1101, MG_TCP_ACK, 0, 0, s2, 1);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(get32(g.th + 24), 1201);
	cr_assert_eq(get32(g.th + 28), 1251);
}

Test(seqadj, timestamps_for_gate_segments)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	struct seg g = mk(1001, 5001, MG_TCP_ACK, 100, 111, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	g = mk(5001, 1101, MG_TCP_ACK, 0, 900, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	g = mk(5001, 1101, MG_TCP_ACK, 0, 905, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	g = mk(5001, 1101, MG_TCP_ACK, 0, 903, NULL, 0); /* reordered, older */
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(get32(g.th + 24), 903, "the gate leaves timestamps alone");
	struct mg_seqadj_hdr h;
	mg_seqadj_gate_hdr(&sa, S2C, &h);
	cr_assert(h.ts_ok);
	cr_assert_eq(h.ts_val, 905, "the server's latest TSval, or PAWS drops the answer");
	cr_assert_eq(h.ts_ecr, 111);
	cr_assert_eq(h.ack, 1151, "covers the refused request");
	cr_assert_eq(h.win, 0x2000);
	struct mg_seqadj sb;
	refuse_setup(&sb, 1000, 5000);
	mg_seqadj_gate_hdr(&sb, S2C, &h);
	cr_assert_not(h.ts_ok, "no timestamps seen: none sent");
}

Test(seqadj, retransmitted_request_is_answered_again)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	/* first transmission of the three PDUs in one segment (pipelined) */
	struct seg g = mk(1001, 5001, MG_TCP_ACK | MG_TCP_PSH, 200, 0, NULL, 0);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 0);
	cr_assert_not(p.rerequest, "the first transmission is the refusal itself");
	/* the client did not see the acknowledgement: it sends the operate again */
	g = mk(1101, 5001, MG_TCP_ACK | MG_TCP_PSH, 50, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 50);
	cr_assert(p.rerequest);
	cr_assert(p.inj_resend, "its answer is still unacknowledged: send it again");
	cr_assert_eq(p.kept, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_DROP, "never forwarded to the server");
	uint32_t rseq;
	const uint8_t *data;
	uint16_t len;
	bool give_up;
	cr_assert(mg_seqadj_next_tx(&sa, 50, &rseq, &data, &len, &give_up));
	cr_assert_eq(rseq, 5001);
	cr_assert_eq(sa.rerequests, 1);
	/* a retransmission that also carries new data keeps the new data */
	g = mk(1101, 5001, MG_TCP_ACK | MG_TCP_PSH, 150, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 60);
	cr_assert_eq(p.nkeep, 1);
	cr_assert_eq(p.keep[0].off, 50);
	cr_assert_eq(p.keep[0].len, 100);
	cr_assert_eq(SEQ(g), 1101);
}

Test(seqadj, lost_injected_segment)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	uint32_t rseq;
	const uint8_t *data;
	uint16_t len;
	bool give_up;
	struct mg_seqadj_plan p;
	/* duplicate ACKs at the insertion point: the third one triggers */
	for (int i = 0; i < 3; i++) {
		struct seg g = mk(1201, 5001, MG_TCP_ACK, 0, 0, NULL, 0);
		p = xlate(&sa, C2S, &g, 10);
		cr_assert_eq(p.inj_resend, i == 2, "ack %d", i);
	}
	cr_assert(mg_seqadj_next_tx(&sa, 10, &rseq, &data, &len, &give_up));
	/* then the timer: 200 ms, doubling */
	cr_assert_not(
	    mg_seqadj_next_tx(&sa, 10 + MG_SEQADJ_RTO_MIN_NS - 1, &rseq, &data, &len, &give_up));
	uint64_t t = 10 + MG_SEQADJ_RTO_MIN_NS;
	cr_assert(mg_seqadj_next_tx(&sa, t, &rseq, &data, &len, &give_up));
	cr_assert_not(
	    mg_seqadj_next_tx(&sa, t + MG_SEQADJ_RTO_MIN_NS, &rseq, &data, &len, &give_up),
	    "the RTO doubled");
	cr_assert(
	    mg_seqadj_next_tx(&sa, t + 2 * MG_SEQADJ_RTO_MIN_NS, &rseq, &data, &len, &give_up));
	/* a partial acknowledgement trims what is retransmitted */
	struct seg g = mk(1201, 5011, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	uint64_t now = 1ull << 40;
	cr_assert(mg_seqadj_next_tx(&sa, now, &rseq, &data, &len, &give_up));
	cr_assert_eq(rseq, 5011);
	cr_assert_eq(len, 10);
	cr_assert_eq(data[0], 'a');
	/* never acknowledged: give up after MG_SEQADJ_MAX_TRIES sends */
	for (int i = 0; i < 10 && !give_up; i++) {
		now += 1ull << 36;
		mg_seqadj_next_tx(&sa, now, &rseq, &data, &len, &give_up);
	}
	cr_assert(give_up);
	cr_assert_geq(sa.retransmits, 4);
}

Test(seqadj, fin_and_rst_after_translation)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	/* client FIN after its 200 bytes (50 dropped) */
	struct seg g = mk(1201, 5021, MG_TCP_ACK | MG_TCP_FIN, 0, 0, NULL, 0);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_FORWARD);
	cr_assert_eq(SEQ(g), 1151);
	cr_assert_eq(ACK(g), 5001);
	/* server acknowledges the FIN and sends its own */
	g = mk(5001, 1152, MG_TCP_ACK | MG_TCP_FIN, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), 5021, "the server's FIN follows the injected bytes");
	cr_assert_eq(ACK(g), 1202, "the client's FIN acknowledged in its space");
	g = mk(1202, 5022, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(ACK(g), 5002);
	/* an RST from the server, and the gate's own RST toward the client */
	g = mk(5002, 0, MG_TCP_RST, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), 5022);
	cr_assert_eq(ACK(g), 0, "no ACK flag: the field is left alone");
	cr_assert_eq(mg_seqadj_fwd(&sa, S2C, 5002), 5022,
	             "the gate's RST uses its released point, translated");
}

Test(seqadj, pipelined_segment_rewritten)
{
	struct mg_seqadj sa;
	mg_seqadj_init(&sa);
	/* two denied PDUs among three allowed ones in one 250-byte segment */
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1051, 30), 0);
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1151, 40), 0);
	struct seg g = mk(1001, 5001, MG_TCP_ACK | MG_TCP_PSH, 250, 0, NULL, 0);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 0);
	cr_assert(p.rewrite);
	cr_assert_eq(p.nkeep, 3);
	cr_assert_eq(p.keep[0].off, 0);
	cr_assert_eq(p.keep[0].len, 50);
	cr_assert_eq(p.keep[1].off, 80);
	cr_assert_eq(p.keep[1].len, 70);
	cr_assert_eq(p.keep[2].off, 190);
	cr_assert_eq(p.keep[2].len, 60);
	cr_assert_eq(p.kept, 180);
	cr_assert_eq(SEQ(g), 1001);
	/* adjacent drops merge; the next segment follows the kept bytes */
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1251, 10), 0);
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1261, 10), 0);
	cr_assert_eq(sa.d[C2S].n, 3);
	g = mk(1271, 5001, MG_TCP_ACK, 10, 0, NULL, 0);
	xlate(&sa, C2S, &g, 0);
	cr_assert_eq(SEQ(g), 1271 - 90);
	/* a segment with nothing left and no new acknowledgement is dropped */
	g = mk(1251, 5001, MG_TCP_ACK, 20, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_DROP);
}

Test(seqadj, edits_pruned_once_acknowledged)
{
	struct mg_seqadj sa;
	mg_seqadj_init(&sa);
	for (int i = 0; i < MG_SEQADJ_MAX_EDITS; i++)
		cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1001 + 100 * (uint32_t)i, 10), 0);
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 5001, 10), -ENOSPC, "full of unacknowledged edits");
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 500, 10), -EINVAL, "edits come in stream order");
	/* the server acknowledges past the first four (server space) */
	struct seg g = mk(9001, 1360, MG_TCP_ACK, 0, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(ACK(g), 1400);
	cr_assert_eq(sa.d[C2S].n, MG_SEQADJ_MAX_EDITS - 4);
	cr_assert_eq(sa.d[C2S].base, -40);
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 5001, 10), 0);
	cr_assert_eq(mg_seqadj_fwd(&sa, C2S, 5011), 5011 - 90);
	cr_assert(mg_seqadj_active(&sa));
	struct mg_seqadj sb;
	mg_seqadj_init(&sb);
	cr_assert_not(mg_seqadj_active(&sb));
	/* injected bytes are bounded */
	static uint8_t big[MG_SEQADJ_INJ_BYTES];
	uint32_t at;
	cr_assert_eq(mg_seqadj_insert(&sb, S2C, 1, big, MG_SEQADJ_INJ_BYTES, 0, 0, &at), 0);
	cr_assert_eq(mg_seqadj_insert(&sb, S2C, 1, big, 1, 0, 0, &at), -ENOSPC);
	cr_assert_eq(mg_seqadj_insert(&sb, C2S, 1, big, 1, 0, 0, &at), -EINVAL,
	             "answers go to the client only");
}

Test(seqadj, checksum_rfc1624)
{
	/* arbitrary field changes: the incremental update equals a recompute */
	struct seg g = mk(0x12345678, 0x9abcdef0, MG_TCP_ACK, 37, 42, NULL, 0);
	for (uint32_t k = 0; k < 2000; k++) {
		uint8_t old[60];
		memcpy(old, g.th, g.thlen);
		uint32_t v = k * 2654435761u;
		put32(g.th + 4 + 4 * (k % 2), v);
		mg_csum_replace(g.th + 16, old, g.th, g.thlen);
		cr_assert_eq((uint16_t)(g.th[16] << 8 | g.th[17]), full_csum(&g), "step %u", k);
	}
}

Test(seqadj, ack_of_injected_bytes_alone_is_absorbed)
{
	struct mg_seqadj sa;
	refuse_setup(&sa, 1000, 5000);
	struct seg g = mk(1201, 5001, MG_TCP_ACK, 0, 0, NULL, 0);
	struct mg_seqadj_plan p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_FORWARD);
	/* the client acknowledges the 20 injected bytes: nothing new for the
	 * server, which would count a duplicate ACK */
	g = mk(1201, 5021, MG_TCP_ACK, 0, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_DROP);
	cr_assert_eq(sa.ninj, 0, "and the answer is released");
	/* a real duplicate ACK (the client misses server data) still passes */
	g = mk(1201, 5021, MG_TCP_ACK, 0, 0, NULL, 0);
	p = xlate(&sa, C2S, &g, 0);
	cr_assert_eq(p.verdict, MG_SEQADJ_FORWARD);
	cr_assert_eq(ACK(g), 5001);
}

Test(seqadj, queued_answer_waits_for_a_boundary)
{
	struct mg_seqadj sa;
	mg_seqadj_init(&sa);
	cr_assert_eq(mg_seqadj_drop(&sa, C2S, 1101, 50), 0);
	cr_assert_eq(mg_seqadj_queue(&sa, (const uint8_t *)"0123456789", 10, 1151), 0);
	cr_assert(mg_seqadj_queued(&sa));
	uint32_t rseq, at;
	const uint8_t *data;
	uint16_t len;
	bool give_up;
	cr_assert_not(mg_seqadj_next_tx(&sa, 1ull << 40, &rseq, &data, &len, &give_up),
	              "nothing is sent before it is placed");
	/* the server's PDU in flight is translated as if nothing were queued */
	struct seg g = mk(5001, 1101, MG_TCP_ACK, 40, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), 5001);
	cr_assert_eq(mg_seqadj_insert(&sa, S2C, 5041, (const uint8_t *)"x", 1, 0, 0, &at), -EINVAL,
	             "queued answers go first");
	cr_assert_eq(mg_seqadj_place(&sa, 5041, 7), 0);
	cr_assert_not(mg_seqadj_queued(&sa));
	cr_assert(mg_seqadj_next_tx(&sa, 7, &rseq, &data, &len, &give_up),
	          "first transmission due");
	cr_assert_eq(rseq, 5041);
	cr_assert_eq(len, 10);
	cr_assert_eq(sa.bytes_injected, 10);
	g = mk(5041, 1101, MG_TCP_ACK, 40, 0, NULL, 0);
	xlate(&sa, S2C, &g, 0);
	cr_assert_eq(SEQ(g), 5051);
}
