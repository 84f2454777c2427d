/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's flow logic without DPDK (dataplane/flow.c, compiled into
 * this test): canonical flow keys, the TCP handshake/teardown state
 * machine of a tracked connection, and the sequence bookkeeping of a held
 * stream — where a segment falls (in order, ACK, retransmission, duplicate
 * of held bytes, out of order, out of the window; across the 2^32 wrap),
 * what an in-order segment adds, how far held segments may leave in
 * enforce and monitor mode, the FIN, and when an in-order segment may be
 * coalesced into the held tail.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mg_flow.h"

static struct mg_pkt seg(const char *src, const char *dst, uint16_t sp, uint16_t dp, uint8_t flags,
                         uint32_t seq, uint32_t ack, uint16_t plen)
{
	struct mg_pkt pk;
	memset(&pk, 0, sizeof(pk));
	pk.ip_ver = 4;
	pk.ip_proto = 6;
	memcpy(pk.src, src, 4);
	memcpy(pk.dst, dst, 4);
	pk.sport = sp;
	pk.dport = dp;
	pk.tcp_flags = flags;
	pk.seq = seq;
	pk.ack = ack;
	pk.payload_len = plen;
	return pk;
}

static const char C[4] = {10, 0, 0, 10}, S[4] = {10, 0, 0, 20};
#define CISN 1000u
#define SISN 0xfffffff0u /* the server's stream wraps after 15 bytes */

/* A flow as conntrack opens it on the client's SYN. */
static void flow_open(struct mg_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->state = MG_FS_SYN_SENT;
	f->d[MG_DIR_C2S].isn = CISN;
	f->d[MG_DIR_C2S].isn_known = true;
}

static enum mg_tcp_step step(struct mg_flow *f, unsigned dir, uint8_t flags, uint32_t seq,
                             uint32_t ack, uint16_t plen, bool *est)
{
	struct mg_pkt pk = dir == MG_DIR_C2S ? seg(C, S, 40000, 102, flags, seq, ack, plen)
	                                     : seg(S, C, 102, 40000, flags, seq, ack, plen);
	return mg_flow_tcp_step(f, dir, &pk, est);
}

/* ---- keys ------------------------------------------------------------------ */

Test(dp_flow, key_is_the_same_both_ways)
{
	struct mg_pkt a = seg(C, S, 40000, 102, MG_TCP_SYN, 1, 0, 0);
	struct mg_pkt b = seg(S, C, 102, 40000, MG_TCP_ACK, 1, 0, 0);
	struct mg_flow_key ka, kb;
	bool a_is_a, b_is_a;
	mg_flows_key(&ka, &a, &a_is_a);
	mg_flows_key(&kb, &b, &b_is_a);
	cr_assert_eq(memcmp(&ka, &kb, sizeof(ka)), 0);
	cr_assert_neq(a_is_a, b_is_a);
	cr_assert(a_is_a); /* 10.0.0.10 < 10.0.0.20 */
	cr_assert_eq(ka.pa, 40000);
	cr_assert_eq(ka.proto, 6);
	/* same addresses: the lower port is a */
	struct mg_pkt l = seg(C, C, 5000, 102, 0, 0, 0, 0);
	mg_flows_key(&ka, &l, &a_is_a);
	cr_assert_not(a_is_a);
	cr_assert_eq(ka.pa, 102);
}

/* The canonical order is memcmp's on the address bytes (network order),
 * for IPv4 and IPv6, wherever the first difference is. */
Test(dp_flow, key_order_is_memcmp_order)
{
	static const uint8_t v4[][4] = {{9, 255, 255, 255}, {10, 0, 0, 1}, {10, 0, 1, 0},
					{10, 1, 0, 0},      {128, 0, 0, 0}, {255, 0, 0, 0}};
	uint8_t v6[5][16];
	memset(v6, 0, sizeof(v6));
	v6[1][15] = 1;   /* differs in the last byte */
	v6[2][8] = 0x80; /* in the second half */
	v6[3][3] = 1;    /* in the first word */
	v6[4][0] = 0xfe;
	for (int ver = 4; ver <= 6; ver += 2) {
		unsigned n = ver == 4 ? 6 : 5;
		for (unsigned i = 0; i < n; i++)
			for (unsigned j = 0; j < n; j++) {
				struct mg_pkt pk;
				memset(&pk, 0, sizeof(pk));
				pk.ip_ver = (uint8_t)ver;
				pk.ip_proto = 17;
				size_t alen = ver == 4 ? 4 : 16;
				memcpy(pk.src, ver == 4 ? v4[i] : v6[i], alen);
				memcpy(pk.dst, ver == 4 ? v4[j] : v6[j], alen);
				pk.sport = 1000;
				pk.dport = 2000;
				struct mg_flow_key k;
				bool src_is_a;
				mg_flows_key(&k, &pk, &src_is_a);
				int c = memcmp(pk.src, pk.dst, alen);
				cr_assert_eq(src_is_a, c < 0 || (c == 0 && pk.sport <= pk.dport),
					     "v%d %u/%u", ver, i, j);
				cr_assert_eq(memcmp(k.a, src_is_a ? pk.src : pk.dst, alen), 0);
				cr_assert_eq(memcmp(k.b, src_is_a ? pk.dst : pk.src, alen), 0);
				cr_assert_eq(k.pa, src_is_a ? 1000 : 2000);
			}
	}
}

/* ---- the TCP state machine ------------------------------------------------- */

Test(dp_flow, handshake_data_fin)
{
	struct mg_flow f;
	bool est;
	flow_open(&f);
	/* retransmitted SYN */
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_SYN, CISN, 0, 0, &est), MG_TS_FORWARD);
	/* data before the SYN-ACK */
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_ACK, CISN + 1, 0, 5, &est), MG_TS_BAD_STATE);
	/* a SYN-ACK acknowledging the wrong ISN */
	cr_assert_eq(step(&f, MG_DIR_S2C, MG_TCP_SYN | MG_TCP_ACK, SISN, CISN + 2, 0, &est),
	             MG_TS_BAD_STATE);
	cr_assert_eq(f.state, MG_FS_SYN_SENT);
	cr_assert_eq(step(&f, MG_DIR_S2C, MG_TCP_SYN | MG_TCP_ACK, SISN, CISN + 1, 0, &est),
	             MG_TS_FORWARD);
	cr_assert_eq(f.state, MG_FS_SYN_RCVD);
	cr_assert(f.d[MG_DIR_S2C].isn_known);
	cr_assert_eq(f.d[MG_DIR_S2C].isn, SISN);
	cr_assert_not(est);
	/* the server talks before the handshake completed */
	cr_assert_eq(step(&f, MG_DIR_S2C, MG_TCP_ACK, SISN + 1, CISN + 1, 3, &est),
	             MG_TS_NOT_ESTABLISHED);
	/* the final ACK must acknowledge the server's SYN */
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_ACK, CISN + 1, SISN + 2, 0, &est),
	             MG_TS_NOT_ESTABLISHED);
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_ACK, CISN + 1, SISN + 1, 0, &est), MG_TS_PASS);
	cr_assert(est);
	cr_assert_eq(f.state, MG_FS_ESTABLISHED);
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_ACK | MG_TCP_PSH, CISN + 1, SISN + 1, 10, &est),
	             MG_TS_PASS);
	cr_assert_not(est);
	/* a SYN on an established connection */
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_SYN, CISN + 99, 0, 0, &est), MG_TS_BAD_STATE);
	cr_assert_eq(step(&f, MG_DIR_S2C, MG_TCP_ACK | MG_TCP_FIN, SISN + 1, CISN + 11, 0, &est),
	             MG_TS_PASS);
	cr_assert_eq(f.state, MG_FS_CLOSING);
}

Test(dp_flow, rst_closes_and_stragglers)
{
	struct mg_flow f;
	bool est;
	flow_open(&f);
	step(&f, MG_DIR_S2C, MG_TCP_SYN | MG_TCP_ACK, SISN, CISN + 1, 0, &est);
	step(&f, MG_DIR_C2S, MG_TCP_ACK, CISN + 1, SISN + 1, 0, &est);
	cr_assert_eq(step(&f, MG_DIR_S2C, MG_TCP_RST | MG_TCP_ACK, SISN + 1, CISN + 1, 0, &est),
	             MG_TS_RESET);
	cr_assert_eq(f.state, MG_FS_CLOSED);
	/* after an end's RST: data is refused, another RST passes */
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_ACK, CISN + 1, SISN + 1, 4, &est), MG_TS_CLOSED);
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_RST, CISN + 1, 0, 0, &est), MG_TS_FORWARD);
	/* after the gate's own reset nothing passes, RSTs included */
	f.denied = 1;
	cr_assert_eq(step(&f, MG_DIR_C2S, MG_TCP_RST, CISN + 1, 0, 0, &est), MG_TS_CLOSED);
}

/* ---- held stream bookkeeping ----------------------------------------------- */

static enum mg_seg_kind classify(const struct mg_hold_dir *d, uint8_t flags, uint32_t seq,
                                 uint16_t plen, int64_t *off)
{
	struct mg_pkt pk = seg(S, C, 102, 40000, flags, seq, 0, plen);
	return mg_hold_classify(d, &pk, off);
}

Test(dp_flow, classify_across_the_wrap)
{
	struct mg_hold_dir d;
	int64_t off;
	memset(&d, 0, sizeof(d));
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 1, 10, &off), MG_SEG_NO_ISN);
	d.isn = SISN;
	d.isn_known = true;
	/* 20 bytes from offset 0: the sequence numbers wrap at offset 15 */
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 1, 20, &off), MG_SEG_IN_ORDER);
	cr_assert_eq(off, 0);
	bool feed;
	cr_assert_eq(mg_hold_accept(&d, 0, 20, false, &feed), 0);
	cr_assert(feed);
	cr_assert_eq(d.next_off, 20);
	/* the next segment, seq past 2^32 */
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 21, 10, &off), MG_SEG_IN_ORDER);
	cr_assert_eq(off, 20);
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 21, 0, &off), MG_SEG_ACK);
	/* a gap, then far ahead */
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 31, 10, &off), MG_SEG_OOO);
	cr_assert_eq(off, 30);
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 21 + MG_HOLD_MAX_WINDOW + 1, 10, &off),
	             MG_SEG_OUT_OF_WINDOW);
	/* bytes already seen: forwarded ones are retransmitted, held ones are duplicates */
	d.rel_off = 10;
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 1, 10, &off), MG_SEG_RETRANS);
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 1, 20, &off), MG_SEG_DUP_HELD);
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 11, 5, &off), MG_SEG_DUP_HELD);
	/* before the ISN */
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN - 10, 5, &off), MG_SEG_RETRANS);
	cr_assert_lt(off, 0);
	/* overlapping the end of what was seen: in order, the new bytes only */
	cr_assert_eq(classify(&d, MG_TCP_ACK, SISN + 16, 10, &off), MG_SEG_IN_ORDER);
	cr_assert_eq(off, 15);
	cr_assert_eq(mg_hold_accept(&d, 15, 10, false, &feed), 5);
	cr_assert(feed);
	cr_assert_eq(d.next_off, 25);
}

Test(dp_flow, fin_and_release_limits)
{
	struct mg_hold_dir d;
	bool feed;
	memset(&d, 0, sizeof(d));
	d.isn = CISN;
	d.isn_known = true;
	mg_hold_accept(&d, 0, 10, false, &feed);
	/* nothing allowed yet: enforce holds, monitor releases what was fed */
	cr_assert_eq(mg_hold_limit(&d, false), 0);
	cr_assert_eq(mg_hold_limit(&d, true), 10);
	/* a bare FIN is a segment too (not an ACK) */
	int64_t off;
	cr_assert_eq(classify(&d, MG_TCP_ACK | MG_TCP_FIN, CISN + 11, 0, &off), MG_SEG_IN_ORDER);
	/* 5 bytes carrying a FIN */
	cr_assert_eq(classify(&d, MG_TCP_ACK | MG_TCP_FIN, CISN + 11, 5, &off), MG_SEG_IN_ORDER);
	cr_assert_eq(mg_hold_accept(&d, 10, 5, true, &feed), 0);
	cr_assert(feed);
	cr_assert(d.fin);
	cr_assert_eq(d.fin_off, 15);
	cr_assert_eq(d.next_off, 16);
	/* the FIN again, alone, while the segment is held: a duplicate */
	cr_assert_eq(classify(&d, MG_TCP_ACK | MG_TCP_FIN, CISN + 16, 0, &off), MG_SEG_DUP_HELD);
	/* a retransmitted FIN segment feeds nothing and keeps the FIN where it was */
	cr_assert_eq(mg_hold_accept(&d, 10, 5, true, &feed), 5);
	cr_assert_not(feed);
	cr_assert_eq(d.fin_off, 15);
	cr_assert_eq(d.next_off, 16);
	/* allowed up to 10: the FIN segment waits */
	d.ok_off = 10;
	cr_assert_eq(mg_hold_limit(&d, false), 10);
	/* allowed up to the FIN: the FIN leaves with its segment */
	d.ok_off = 15;
	cr_assert_eq(mg_hold_limit(&d, false), 16);
	cr_assert_eq(mg_hold_limit(&d, true), 16);
}

/* Coalescing under pressure: which in-order segments may be appended to
 * the held tail, and how many of their bytes (mg_hold_coalesce_len). */
Test(dp_flow, coalesce_decision)
{
	struct mg_hold_dir d;
	memset(&d, 0, sizeof(d));
	d.isn = CISN;
	d.isn_known = true;
	d.next_off = 100;
	/* the tail: 40 payload bytes ending at 100, IP at 14, TCP at 34, payload at 54 */
	struct mg_mb_priv t = {.end = 100, .plen = 40, .poff = 54, .l3off = 14, .l4off = 34};
	const uint8_t A = MG_TCP_ACK, P = MG_TCP_PSH;

	/* the plain case: 20 new bytes right after the tail */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 1460, 1000), 20);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A | P, 1460, 1000), 20);
	/* overlapping what was fed: only the new bytes */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 90, 30, A, 1460, 1000), 20);
	/* nothing new (its bytes were all fed): not coalesced */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 80, 20, A, 1460, 1000), 0);
	/* flags other than ACK/PSH, or no ACK */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A | MG_TCP_FIN, 1460, 1000), 0);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A | MG_TCP_URG, 1460, 1000), 0);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, P, 1460, 1000), 0);
	/* the merged payload within the receiver's MSS; 536 when it gave none */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 60, 1000), 20);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 21, A, 60, 1000), 0);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 496, A, 0, 1000), 496);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 497, A, 0, 1000), 0);
	/* room in the tail's buffer */
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 1460, 20), 20);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 1460, 19), 0);
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 1460, 0), 0);
	/* no tail; the stream's FIN seen */
	cr_assert_eq(mg_hold_coalesce_len(&d, NULL, 100, 20, A, 1460, 1000), 0);
	d.fin = true;
	cr_assert_eq(mg_hold_coalesce_len(&d, &t, 100, 20, A, 1460, 1000), 0);
	d.fin = false;
	/* the tail must be data without FIN, ending where the stream does */
	struct mg_mb_priv u = t;
	u.plen = 0; /* a held pure ACK */
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
	u = t;
	u.fin = 1;
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
	u = t;
	u.end = 90;
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
	/* its recorded header offsets must make sense */
	u = t;
	u.l4off = 255; /* too far to record */
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
	u = t;
	u.l4off = 14;
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
	u = t;
	u.l4off = 54;
	cr_assert_eq(mg_hold_coalesce_len(&d, &u, 100, 20, A, 1460, 1000), 0);
}

Test(dp_flow, offset_of_a_sequence_number_across_the_wrap)
{
	struct mg_hold_dir d = {.isn = 0xfffffff0u, .isn_known = true};

	cr_assert_eq(mg_hold_off(&d, 0xfffffff1u, 0), 0);
	cr_assert_eq(mg_hold_off(&d, 0x00000010u, 0), 31);
	/* nearest to near: one lap later, not 2^32 earlier */
	cr_assert_eq(mg_hold_off(&d, 0xfffffff1u + 5, (1ull << 32) + 3), (1ull << 32) + 5);
	/* before the stream's start: 0, never a huge offset */
	cr_assert_eq(mg_hold_off(&d, 0xffffffe0u, 0), 0);
}

Test(dp_flow, custody_is_taken_when_held_bytes_block_the_sender)
{
	struct mg_hold_dir d = {.isn_known = true, .next_off = 10000};
	struct mg_mb_priv held; /* any non-NULL held list */

	/* nothing held: nothing to take, resend or not */
	cr_assert_not(mg_cust_wanted(&d, 10500, 1448, true));
	d.head = (struct rte_mbuf *)&held;
	/* the sender resent bytes the gate holds: its timer fired */
	cr_assert(mg_cust_wanted(&d, 60000, 1448, true));
	/* room for another full segment in the receiver's window: SACK is enough */
	cr_assert_not(mg_cust_wanted(&d, 11448, 1448, false));
	/* not a full segment more: the sender is stuck at the edge */
	cr_assert(mg_cust_wanted(&d, 11447, 1448, false));
	/* no MSS announced: 536 */
	cr_assert(mg_cust_wanted(&d, 10535, 0, false));
	cr_assert_not(mg_cust_wanted(&d, 10536, 0, false));
	/* only out-of-order bytes held: the window check needs in-order ones */
	d.head = NULL;
	d.ooo = (struct rte_mbuf *)&held;
	cr_assert_not(mg_cust_wanted(&d, 10001, 1448, false));
	cr_assert(mg_cust_wanted(&d, 10001, 1448, true));
	/* in custody: always */
	d.ooo = NULL;
	d.c.on = true;
	cr_assert(mg_cust_wanted(&d, 99999, 1448, false));
}

Test(dp_flow, custody_window_never_shrinks_and_stays_in_budget)
{
	struct mg_cust c;

	mg_cust_start(&c, 1000);
	cr_assert(c.on);
	cr_assert_eq(c.ack, 1000);
	cr_assert_eq(c.racked, 1000);
	cr_assert_eq(c.rto_ms, MG_CUST_RTO_MIN_MS);
	/* the budget past the receiver's ACK */
	cr_assert_eq(mg_cust_take(&c, 15000, 65536), 1000 + 65536);
	cr_assert_eq(c.ack, 15000);
	/* the ACK never goes back */
	mg_cust_take(&c, 12000, 65536);
	cr_assert_eq(c.ack, 15000);
	/* the receiver's segments show what the gate can take: the budget
	 * past the receiver's ACK, whatever the receiver's own window */
	cr_assert_eq(mg_cust_edge(&c, 1000, 65536), 1000 + 65536);
	/* its ACK moves on: the edge with it, even before the gate learnt it
	 * (a receiver opening its window after a pause: the sender, shown a
	 * zero window, must see it open) */
	cr_assert_eq(mg_cust_edge(&c, 9000, 65536), 9000 + 65536);
	cr_assert_eq(mg_cust_take(&c, 16000, 65536), 9000 + 65536);
	mg_cust_peer(&c, 9000, false, 0);
	cr_assert_eq(mg_cust_take(&c, 16000, 65536), 9000 + 65536);
	/* an older ACK, or a budget smaller than what was shown, never
	 * shrinks the edge */
	cr_assert_eq(mg_cust_edge(&c, 2000, 65536), 9000 + 65536);
	cr_assert_eq(mg_cust_edge(&c, 9000, 10), 9000 + 65536);
	cr_assert_eq(mg_cust_take(&c, 16000, 10), 9000 + 65536);
	/* an edge never below the ACK (a budget of 0 would make it so) */
	struct mg_cust z;
	mg_cust_start(&z, 0);
	cr_assert_eq(mg_cust_take(&z, 5000, 0), 5000);
}

Test(dp_flow, custody_resends_on_three_duplicates_and_on_timeouts)
{
	struct mg_cust c;
	const uint64_t ms = 1000000;

	mg_cust_start(&c, 1000);
	c.ack = 9000;
	c.sent = 9000; /* in flight */
	/* progress re-arms the timer at the minimum and clears duplicates */
	cr_assert_eq(mg_cust_peer(&c, 3000, false, 10 * ms), MG_CUST_NOTHING);
	cr_assert_eq(c.racked, 3000);
	cr_assert_eq(c.t_rto, 10 * ms + MG_CUST_RTO_MIN_MS * ms);
	cr_assert_eq(mg_cust_peer(&c, 3000, true, 11 * ms), MG_CUST_NOTHING);
	cr_assert_eq(mg_cust_peer(&c, 3000, true, 12 * ms), MG_CUST_NOTHING);
	cr_assert_eq(mg_cust_peer(&c, 3000, true, 13 * ms), MG_CUST_RESEND);
	cr_assert_eq(mg_cust_peer(&c, 3000, true, 14 * ms), MG_CUST_NOTHING); /* once */
	/* a window update is not a duplicate */
	cr_assert_eq(mg_cust_peer(&c, 3000, false, 15 * ms), MG_CUST_NOTHING);
	/* duplicates with nothing in flight (a zero window) resend nothing */
	struct mg_cust z;
	mg_cust_start(&z, 1000);
	for (int k = 0; k < 5; k++)
		cr_assert_eq(mg_cust_peer(&z, 1000, true, 0), MG_CUST_NOTHING);

	/* the timer: armed on the first look, then due, backed off */
	struct mg_cust t;
	mg_cust_start(&t, 0);
	cr_assert_eq(mg_cust_timer(&t, false, 0), MG_CUST_NOTHING);
	cr_assert_eq(mg_cust_timer(&t, true, 100 * ms), MG_CUST_NOTHING);
	cr_assert_eq(t.t_rto, 300 * ms);
	cr_assert_eq(mg_cust_timer(&t, true, 299 * ms), MG_CUST_NOTHING);
	cr_assert_eq(mg_cust_timer(&t, true, 300 * ms), MG_CUST_RESEND);
	cr_assert_eq(t.rto_ms, 2 * MG_CUST_RTO_MIN_MS);
	uint64_t now = 300 * ms;
	unsigned resends = 1;
	for (;;) {
		now = t.t_rto;
		enum mg_cust_do d = mg_cust_timer(&t, true, now);
		if (d == MG_CUST_GIVE_UP)
			break;
		cr_assert_eq(d, MG_CUST_RESEND);
		cr_assert_leq(t.rto_ms, MG_CUST_RTO_MAX_MS);
		resends++;
	}
	cr_assert_eq(resends, MG_CUST_TRIES);
	/* a segment from the receiver: it is alive, the count starts over */
	mg_cust_peer(&t, 0, false, now);
	cr_assert_eq(t.tries, 0);
	/* nothing kept: the timer is off */
	cr_assert_eq(mg_cust_timer(&t, false, now + 1000 * ms), MG_CUST_NOTHING);
	cr_assert_eq(t.t_rto, 0);
}

Test(dp_flow, custody_ends_when_the_receiver_has_everything)
{
	struct mg_cust c;

	mg_cust_start(&c, 0);
	c.ack = 5000;
	cr_assert_not(mg_cust_done(&c, false));
	mg_cust_peer(&c, 5000, false, 0);
	cr_assert_not(mg_cust_done(&c, true)); /* still kept */
	cr_assert(mg_cust_done(&c, false));
}
