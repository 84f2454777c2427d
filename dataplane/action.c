/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The action point: the only place in the dataplane where a decision
 * becomes an action on frames. Frame handlers (l2.c, conntrack.c,
 * tcp_hold.c) return a struct mg_out (mg_out.h) and never transmit or free
 * a frame; mg_dp_act() carries the outcome out here, with the transmit
 * primitive of mg_tx.h (which the L2 pass early-out in l2.c uses directly:
 * a frame the L2 policy passes has nothing else to carry out):
 *
 *   FORWARD  the frame leaves on the other side;
 *   HOLD     the frame stays on its flow's held stream, and the segments
 *            of that stream whose bytes all have a verdict leave in order;
 *   DROP     freed in bulk at the end of the iteration, counted under its
 *            named reason;
 *   DENY     as DROP in enforce mode; in monitor mode forwarded and
 *            counted under the same reason plus monitor_would_deny;
 *   RESET    the association's allowed segments leave, the rest is dropped,
 *            RST|ACK segments with the exact sequence numbers each end
 *            expects next go to both ends, the flow is closed.
 *
 * A flow whose streams a refusal edited (f->sa, translate.c) is the one
 * exception to "byte for byte": each of its frames leaves through the
 * sequence translator (tx_flow: refused bytes cut, seq/ack/SACK shifted),
 * the answers the gate sends in the server's place are built and sent here
 * (mg_dp_sa_flush), and the gate's RSTs carry translated numbers. Flows
 * without a refusal take the inlined fast path (f->sa == 0).
 *
 * Monitor mode is a property of this file: DENY forwards, and a held
 * stream releases every byte fed to the engine instead of only the bytes
 * with an allow verdict (enforce.c never asks for a RESET in monitor mode:
 * the policy outcome then says "would deny").
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "mg_dp.h"
#include "mg_tx.h"

static inline void drop_frame(struct mg_lcore *lc, unsigned rx_side, struct rte_mbuf *m,
                              enum mg_dp_drop why)
{
	lc->ctr->drop[rx_side]++;
	lc->ctr->dpdrop[why]++;
	/* --capture-denied: refused connections, denied PDUs and anomalies. */
	if (unlikely(mg_capture_on) && (why == MG_DPD_CONN_DENIED || why == MG_DPD_MMS_DENIED ||
	                                why == MG_DPD_MMS_ANOMALY))
		mg_capture_frame_slow(lc, m, MG_CAP_DENIED);
	if (unlikely(lc->ndrop == RTE_DIM(lc->dropq))) {
		rte_pktmbuf_free_bulk(lc->dropq, lc->ndrop);
		lc->ndrop = 0;
	}
	lc->dropq[lc->ndrop++] = m;
}

static void drop_chain(struct mg_lcore *lc, struct rte_mbuf *m, unsigned rx_side,
                       enum mg_dp_drop why)
{
	while (m != NULL) {
		struct rte_mbuf *n = mg_mb_priv(m)->next;
		drop_frame(lc, rx_side, m, why);
		m = n;
	}
}

static bool fin_after_answers(struct mg_lcore *lc, struct mg_flow *f, struct rte_mbuf *m);

/* A frame of f's direction dir leaves: through the sequence translator
 * when f's streams were edited (translate.c), which may cut refused bytes
 * out of it or find nothing left to send. */
static inline void tx_flow(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m,
		    uint32_t paylen)
{
	unsigned out = mg_flow_tx_side(f, dir);

	if (f->sa != 0) {
		if (dir == MG_DIR_S2C && fin_after_answers(lc, f, m))
			return;
		struct mg_seqadj_plan plan;
		uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
		size_t len = rte_pktmbuf_data_len(m);
		size_t n = mg_seqadj_frame(mg_dp_sa(lc, f), (uint8_t)dir, b, len, mg_dp_now_ns(lc),
					   &plan);
		if (n == 0) {
			drop_frame(lc, MG_SIDE_OTHER(out), m,
			     paylen ? MG_DPD_MMS_REFUSED : MG_DPD_TCP_ACK_OF_INJECTED);
			return;
		}
		if (n < len) {
			rte_pktmbuf_trim(m, (uint16_t)(len - n));
		} else if (n > len && rte_pktmbuf_append(m, (uint16_t)(n - len)) == NULL) {
			drop_frame(lc, MG_SIDE_OTHER(out), m, MG_DPD_NO_MBUF);
			return;
		}
	}
	mg_dp_tx(lc, out, m);
}

/* The segments of f's direction dir that may leave now. */
static void release(struct mg_lcore *lc, struct mg_flow *f, unsigned dir)
{
	struct mg_hold_dir *d = &f->d[dir];
	uint64_t limit = mg_hold_limit(d, lc->monitor);
	struct rte_mbuf *m;

	while ((m = mg_hold_pop(lc, d, limit)) != NULL)
		tx_flow(lc, f, dir, m, mg_mb_priv(m)->plen);
}

/* Build one RST|ACK from the header of a segment of this association.
 * reverse: towards the segment's sender (addresses and ports swapped). */
static struct rte_mbuf *build_rst(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
                                  bool reverse, uint32_t seq, uint32_t ack)
{
	unsigned l2 = pk->l3_off;
	unsigned l3 = pk->ip_ver == 6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	unsigned tot = l2 + l3 + sizeof(struct rte_tcp_hdr);
	unsigned frame = RTE_MAX(tot, 60u);
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
	uint8_t *b;

	if (m == NULL) {
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return NULL;
	}
	b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)frame);
	if (b == NULL) {
		rte_pktmbuf_free(m);
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return NULL;
	}
	memset(b, 0, frame);
	memcpy(b, hdr, l2);
	if (reverse) {
		memcpy(b, hdr + 6, 6);
		memcpy(b + 6, hdr, 6);
	}
	const uint8_t *src = reverse ? pk->dst : pk->src;
	const uint8_t *dst = reverse ? pk->src : pk->dst;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(b + l2 + l3);

	th->src_port = rte_cpu_to_be_16(reverse ? pk->dport : pk->sport);
	th->dst_port = rte_cpu_to_be_16(reverse ? pk->sport : pk->dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (sizeof(struct rte_tcp_hdr) / 4) << 4;
	th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = 0;
	th->tcp_urp = 0;
	th->cksum = 0;
	if (pk->ip_ver == 6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l2);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(sizeof(struct rte_tcp_hdr));
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src, 16);
		memcpy(ip->dst_addr, dst, 16);
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(l3 + sizeof(struct rte_tcp_hdr));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	return m;
}

/*
 * Held bytes, acknowledged selectively to their sender. The gate keeps a
 * unit's segments until the unit has a verdict, so their receiver cannot
 * acknowledge them; a sender that has sent its window, or lost a segment
 * before the gate, would then wait for ACKs that never come, and its
 * timeout retransmits only its first unacknowledged segment — which the
 * gate holds (a duplicate, dropped), never the hole behind it: the
 * association stalls. So, where SACK was negotiated, the gate tells the
 * sender what it holds, as its receiver would: a pure ACK with the
 * receiver's own cumulative ACK, window and timestamps, and SACK blocks
 * (RFC 2018) for the held ranges — the out-of-order runs, and the
 * in-order held bytes after the first held segment (SACKing the segment
 * at the sender's snd_una reads as reneging, RFC 2018 §8: Linux then
 * retransmits from its head), that one too when the sender resends it
 * and no hole is held behind it (nothing else tells it that it arrived). SACK never promises delivery: the sender
 * keeps every byte until the receiver's cumulative ACK covers it, so the
 * gate takes on no retransmission duty; the sender fills the holes and
 * sends past its window's worth of held bytes (SACKed bytes leave its
 * pipe). Sent after a held data segment of an unfinished unit, an
 * out-of-order one, or a duplicate of held bytes; not on translated flows
 * (refusals, translate.c: their numbers live in two spaces).
 */
static void sack_back(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const struct mg_pkt *pk,
                      bool head)
{
	const struct mg_hold_dir *d = &f->d[dir], *o = &f->d[dir ^ 1];
	const struct mg_tcpn *tn = &f->tn;
	const struct mg_tcpn_dir *rcv = &tn->d[dir ^ 1], *snd = &tn->d[dir];
	struct rte_mbuf *tpl = d->ooo != NULL ? d->ooo : d->head;
	uint32_t blk[4][2], base = d->isn + 1;
	unsigned nb = 0, maxb = tn->ts ? 3 : 4;

	if (!tn->sack || !rcv->ack_seen || f->sa != 0 || tpl == NULL || !o->isn_known)
		return;
	/* Out-of-order runs first (the holes are what the sender must learn). */
	for (struct rte_mbuf *m = d->ooo; m != NULL && nb < maxb;) {
		const struct mg_mb_priv *pv = mg_mb_priv(m);
		uint64_t a = mg_mb_start(pv), e = pv->end;
		for (m = pv->next; m != NULL && mg_mb_start(mg_mb_priv(m)) <= e;
		     m = mg_mb_priv(m)->next)
			e = RTE_MAX(e, mg_mb_priv(m)->end);
		blk[nb][0] = base + (uint32_t)a;
		blk[nb][1] = base + (uint32_t)e;
		nb++;
	}
	/* The in-order held bytes, from the first held data segment (head)
	 * or after it. */
	for (struct rte_mbuf *m = d->head; m != NULL; m = mg_mb_priv(m)->next) {
		const struct mg_mb_priv *pv = mg_mb_priv(m);
		if (pv->plen == 0)
			continue;
		uint64_t a = head ? mg_mb_start(pv) : pv->end;
		if (a < d->next_off && nb < maxb) {
			blk[nb][0] = base + (uint32_t)a;
			blk[nb][1] = base + (uint32_t)d->next_off;
			nb++;
		}
		break;
	}
	if (nb == 0)
		return;

	const uint8_t *hdr = rte_pktmbuf_mtod(tpl, const uint8_t *);
	unsigned l2 = pk->l3_off;
	unsigned l3 = pk->ip_ver == 6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	unsigned ol = (tn->ts ? 12u : 0u) + 4u + 8u * nb;
	unsigned tl = sizeof(struct rte_tcp_hdr) + ol;
	unsigned tot = l2 + l3 + tl, frame = RTE_MAX(tot, 60u);
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
	uint8_t *b;

	if (m == NULL || (b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)frame)) == NULL) {
		rte_pktmbuf_free(m);
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return;
	}
	memset(b, 0, frame);
	memcpy(b, hdr + 6, 6); /* back to the sender: MACs swapped, tags kept */
	memcpy(b + 6, hdr, 6);
	memcpy(b + 12, hdr + 12, l2 - 12);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(b + l2 + l3);
	uint8_t *op = (uint8_t *)(th + 1);
	uint32_t win = tn->ws ? rcv->last_win >> rcv->wscale : rcv->last_win;

	th->src_port = rte_cpu_to_be_16(pk->dport);
	th->dst_port = rte_cpu_to_be_16(pk->sport);
	/* The next byte the sender can have had from its peer (reset_flow). */
	th->sent_seq = rte_cpu_to_be_32(o->isn + 1 + (uint32_t)o->rel_off);
	th->recv_ack = rte_cpu_to_be_32(rcv->ack);
	th->data_off = (uint8_t)((tl / 4) << 4);
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(win, 65535u));
	if (tn->ts) {
		const uint32_t tsv = rte_cpu_to_be_32(rcv->ts_recent),
		               tse = rte_cpu_to_be_32(snd->ts_recent);
		op[0] = 1, op[1] = 1, op[2] = 8, op[3] = 10;
		memcpy(op + 4, &tsv, 4);
		memcpy(op + 8, &tse, 4);
		op += 12;
	}
	op[0] = 1, op[1] = 1, op[2] = 5, op[3] = (uint8_t)(2 + 8 * nb);
	op += 4;
	for (unsigned i = 0; i < nb; i++, op += 8) {
		const uint32_t l = rte_cpu_to_be_32(blk[i][0]), r = rte_cpu_to_be_32(blk[i][1]);
		memcpy(op, &l, 4);
		memcpy(op + 4, &r, 4);
	}
	if (pk->ip_ver == 6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l2);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)tl);
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, pk->dst, 16);
		memcpy(ip->dst_addr, pk->src, 16);
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + tl));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, pk->dst, 4);
		memcpy(&ip->dst_addr, pk->src, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	mg_capture_frame(lc, m, MG_CAP_SENT);
	mg_dp_tx(lc, mg_flow_rx_side(f, dir), m);
	lc->ctr->tcp_gate_sacks++;
}

/* The association f was denied in direction dir (why); hdr/pk: the
 * headers of a frame of that direction. */
static void reset_flow(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const uint8_t *hdr,
		       const struct mg_pkt *pk, enum mg_dp_drop why)
{
	struct mg_hold_dir *d = &f->d[dir], *o = &f->d[dir ^ 1];
	unsigned in = mg_flow_rx_side(f, dir);
	unsigned out = MG_SIDE_OTHER(in);

	/* Units before the denied one were allowed: they still go out, in order. */
	release(lc, f, dir);
	release(lc, f, dir ^ 1);

	uint32_t d_seq = d->isn + 1 + (uint32_t)d->rel_off;
	uint32_t o_seq = o->isn + 1 + (uint32_t)o->rel_off;
	/* On a translated flow each receiver expects the next byte in its own
	 * receiver space; acks stay in the receiver's own sender space. */
	uint32_t d_rseq = d_seq, o_rseq = o_seq;
	if (f->sa != 0) {
		d_rseq = mg_seqadj_fwd(mg_dp_sa(lc, f), (uint8_t)dir, d_seq);
		o_rseq = mg_seqadj_fwd(mg_dp_sa(lc, f), (uint8_t)(dir ^ 1), o_seq);
	}
	struct rte_mbuf *r;

	/* The rest is dropped (freed at the end of the iteration) before the
	 * RSTs are built, so a denied-traffic capture shows the denied unit
	 * before the gate's answer to it. */
	drop_chain(lc, mg_hold_take_all(lc, d), in, why);
	drop_chain(lc, mg_hold_take_all(lc, o), out, MG_DPD_HELD_AT_CLOSE);

	/* Towards the receiver of the denied unit: it expects d_seq next. */
	r = build_rst(lc, hdr, pk, false, d_rseq, o_seq);
	if (r != NULL) {
		mg_capture_frame(lc, r, MG_CAP_SENT);
		mg_dp_tx(lc, out, r);
		lc->ctr->rst_sent++;
	}
	/* Towards its sender: it expects o_seq next from its peer. */
	if (o->isn_known) {
		r = build_rst(lc, hdr, pk, true, o_rseq, d_seq);
		if (r != NULL) {
			mg_capture_frame(lc, r, MG_CAP_SENT);
			mg_dp_tx(lc, in, r);
			lc->ctr->rst_sent++;
		}
	}
	f->state = MG_FS_CLOSED;
	f->denied = 1;
	f->t_last = lc->now;
}

/* The association of fr was denied in direction fr->dir (why). */
static void reset(struct mg_lcore *lc, struct mg_frame *fr, enum mg_dp_drop why)
{
	uint8_t hdr[64];

	/* Copy the frame's L2 header first: releasing may hand it to a PMD. */
	memcpy(hdr, rte_pktmbuf_mtod(fr->m, const uint8_t *), RTE_MIN(fr->pk.l3_off, sizeof(hdr)));
	reset_flow(lc, fr->f, fr->dir, hdr, &fr->pk, why);
}

static bool send_answers(struct mg_lcore *lc, struct mg_flow *f, struct mg_sa_slot *s,
			 uint64_t now);

void mg_dp_sa_flush(struct mg_lcore *lc, struct mg_flow *f)
{
	if (f->sa == 0 || f->state == MG_FS_CLOSED)
		return;
	struct mg_sa_slot *s = &lc->sa_slots[f->sa - 1];
	struct mg_seqadj *sa = &s->sa;
	struct mg_hold_dir *o = &f->d[MG_DIR_S2C];
	uint64_t now = mg_dp_now_ns(lc);

	/* Queued answers go in where the server's stream is at a unit
	 * boundary and everything it sent before has left. */
	if (mg_seqadj_queued(sa) && o->isn_known && !o->fin && o->head == NULL &&
	    mg_engine_pending(&f->eng, MG_DIR_S2C) == 0) {
		uint64_t before = sa->bytes_injected;
		if (mg_seqadj_place(sa, o->isn + 1 + (uint32_t)o->next_off, now) != 0) {
			reset_flow(lc, f, MG_DIR_C2S, s->tmpl, &s->tpk, MG_DPD_MMS_REFUSED);
			return;
		}
		lc->ctr->seqadj_bytes_injected += sa->bytes_injected - before;
	}
	if (send_answers(lc, f, s, now))
		reset_flow(lc, f, MG_DIR_C2S, s->tmpl, &s->tpk, MG_DPD_MMS_REFUSED);
}

/* Send the injected answers that are due toward the client (first
 * transmissions and retransmissions). True when one went unacknowledged
 * too often: the caller resets the flow. */
static bool send_answers(struct mg_lcore *lc, struct mg_flow *f, struct mg_sa_slot *s,
			 uint64_t now)
{
	struct mg_seqadj *sa = &s->sa;
	uint32_t rseq;
	const uint8_t *data;
	uint16_t len;
	bool give_up;

	while (mg_seqadj_next_tx(sa, now, &rseq, &data, &len, &give_up)) {
		for (unsigned k = 0; k < sa->ninj; k++)
			if (sa->inj[k].seq == rseq && sa->inj[k].tries > 1)
				lc->ctr->seqadj_retransmits++;
		struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
		if (m == NULL) {
			lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
			break; /* the timer sends it again */
		}
		uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, rte_pktmbuf_tailroom(m));
		size_t n = b == NULL ? 0
				     : mg_seqadj_frame_build(sa, MG_DIR_S2C, s->tmpl, s->tlen, true,
							     rseq, MG_TCP_PSH | MG_TCP_ACK, data,
							     len, b, rte_pktmbuf_data_len(m));
		if (n == 0) {
			rte_pktmbuf_free(m);
			lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
			break;
		}
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - n));
		mg_capture_frame(lc, m, MG_CAP_SENT);
		mg_dp_tx(lc, f->client_side, m);
	}
	return give_up;
}

/*
 * The server's FIN while answers wait to be placed (they go in at a unit
 * boundary of its stream, and no byte may follow a FIN). When the FIN
 * comes at a boundary, its segment leaves without it, the answers go in
 * where the FIN was, and the gate sends the FIN after them; the server's
 * own retransmission of the FIN maps there too (mg_seqadj_fwd). A server
 * closing in the middle of a unit leaves no place for them: reset, as for
 * every refusal that cannot be carried out. True when m was taken care of.
 */
static bool fin_after_answers(struct mg_lcore *lc, struct mg_flow *f, struct rte_mbuf *m)
{
	struct mg_sa_slot *s = &lc->sa_slots[f->sa - 1];
	struct mg_seqadj *sa = &s->sa;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	struct mg_pkt pk;

	if (!mg_seqadj_queued(sa) || mg_pkt_parse(b, len, &pk) != MG_PKT_OK || pk.ip_proto != 6 ||
	    pk.frag || !(pk.tcp_flags & MG_TCP_FIN) || (pk.tcp_flags & MG_TCP_RST))
		return false;
	unsigned out = f->client_side;
	if (mg_engine_pending(&f->eng, MG_DIR_S2C) != 0) {
		drop_frame(lc, MG_SIDE_OTHER(f->client_side), m, MG_DPD_MMS_REFUSED);
		reset_flow(lc, f, MG_DIR_C2S, s->tmpl, &s->tpk, MG_DPD_MMS_REFUSED);
		return true;
	}
	uint8_t *th = b + pk.l4_off;
	uint32_t fin_seq = (uint32_t)(th[4] << 24 | th[5] << 16 | th[6] << 8 | th[7]) +
			   pk.payload_len;
	uint8_t old[2] = {th[12], th[13]};
	uint64_t now = mg_dp_now_ns(lc);
	struct mg_seqadj_plan plan;

	th[13] = (uint8_t)(th[13] & ~MG_TCP_FIN);
	mg_csum_replace(th + 16, old, th + 12, 2);
	/* The translator learns from the segment (acks, window, timestamps)
	 * either way; without payload the gate's FIN below replaces it. */
	size_t n = mg_seqadj_frame(sa, MG_DIR_S2C, b, len, now, &plan);
	if (n == 0 || pk.payload_len == 0 ||
	    (n > len && rte_pktmbuf_append(m, (uint16_t)(n - len)) == NULL)) {
		rte_pktmbuf_free(m);
	} else {
		if (n < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - n));
		mg_dp_tx(lc, out, m);
	}
	uint64_t before = sa->bytes_injected;
	if (mg_seqadj_place(sa, fin_seq, now) != 0) {
		reset_flow(lc, f, MG_DIR_C2S, s->tmpl, &s->tpk, MG_DPD_MMS_REFUSED);
		return true;
	}
	lc->ctr->seqadj_bytes_injected += sa->bytes_injected - before;
	if (send_answers(lc, f, s, now)) {
		reset_flow(lc, f, MG_DIR_C2S, s->tmpl, &s->tpk, MG_DPD_MMS_REFUSED);
		return true;
	}
	struct rte_mbuf *fin = rte_pktmbuf_alloc(lc->pool);
	uint8_t *fb = fin == NULL ? NULL
				  : (uint8_t *)rte_pktmbuf_append(fin, rte_pktmbuf_tailroom(fin));
	size_t fl = fb == NULL ? 0
			       : mg_seqadj_frame_build(sa, MG_DIR_S2C, s->tmpl, s->tlen, true,
						       mg_seqadj_fwd(sa, MG_DIR_S2C, fin_seq),
						       MG_TCP_FIN | MG_TCP_ACK, NULL, 0, fb,
						       rte_pktmbuf_data_len(fin));
	if (fl == 0) {
		/* the server retransmits its FIN, which then maps past the answers */
		rte_pktmbuf_free(fin);
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return true;
	}
	rte_pktmbuf_trim(fin, (uint16_t)(rte_pktmbuf_data_len(fin) - fl));
	mg_capture_frame(lc, fin, MG_CAP_SENT);
	mg_dp_tx(lc, out, fin);
	return true;
}

/* The retransmission timers of every translated flow of this worker. */
void mg_dp_sa_tick(struct mg_lcore *lc)
{
	if (lc->sa_used == 0)
		return;
	for (uint32_t i = 0; i < lc->sa_n; i++) {
		struct mg_sa_slot *s = &lc->sa_slots[i];
		if (!s->used)
			continue;
		struct mg_flow *f = &lc->flows.tab[s->flow];
		if (f->sa != i + 1 || f->state == MG_FS_FREE) {
			s->used = false; /* stale: cannot happen, but never leak */
			lc->sa_used--;
			lc->ctr->seqadj_flows--;
			continue;
		}
		mg_dp_sa_flush(lc, f);
	}
}

/* Everything but a plain forward (mg_dp_act). */
static __rte_noinline void act_slow(struct mg_lcore *lc, struct mg_frame *fr, struct mg_out o)
{
	/* Segments given up while the frame was handled go first: they came
	 * before it (the frame may be what made them moot). */
	if (fr->drops != NULL) {
		struct rte_mbuf *m = fr->drops;
		fr->drops = NULL;
		while (m != NULL) {
			struct rte_mbuf *n = mg_mb_priv(m)->next;
			drop_frame(lc, fr->side, m, mg_mb_priv(m)->why);
			m = n;
		}
	}
	struct mg_flow *f = fr->f;
	bool sa = f != NULL && f->sa != 0;

	switch (o.kind) {
	case MG_OUT_FORWARD:
		if (sa)
			tx_flow(lc, f, fr->dir, fr->m, fr->pk.payload_len);
		else
			mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
		break;
	case MG_OUT_HOLD:
		release(lc, f, fr->dir);
		/* Bytes still held behind a data segment: tell their sender. */
		if (fr->pk.payload_len != 0 && f->tn.sack &&
		    (f->d[fr->dir].ooo != NULL || f->d[fr->dir].head != NULL))
			sack_back(lc, f, fr->dir, &fr->pk, false);
		break;
	case MG_OUT_DENY:
		if (lc->monitor) {
			lc->ctr->dpdrop[o.why]++;
			lc->ctr->monitor_would_deny++;
			if (sa)
				tx_flow(lc, f, fr->dir, fr->m, fr->pk.payload_len);
			else
				mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
			return;
		}
		drop_frame(lc, fr->side, fr->m, o.why);
		return;
	case MG_OUT_RESET: reset(lc, fr, o.why); return;
	case MG_OUT_MERGED:
		/* Not a drop: its bytes are in the held segment before it. */
		rte_pktmbuf_free(fr->m);
		release(lc, f, fr->dir);
		break;
	case MG_OUT_DROP:
	default:
		/* A sender resending bytes the gate holds is waiting for an ACK.
		 * With a hole before the gate the SACK blocks name it (the held
		 * head stays out: a SACKed head reads as reneging); without one,
		 * the head too (nothing else tells the sender it arrived). */
		if (o.why == MG_DPD_TCP_DUP_HELD && f != NULL)
			sack_back(lc, f, fr->dir, &fr->pk, f->d[fr->dir].ooo == NULL);
		drop_frame(lc, fr->side, fr->m, o.why);
		return;
	}
	/* A translated flow: answers waiting for the server's unit boundary,
	 * retransmissions its client's acks asked for. */
	if (sa)
		mg_dp_sa_flush(lc, f);
}

void mg_dp_act(struct mg_lcore *lc, struct mg_frame *fr, struct mg_out o)
{
	/* The common case in a small function of its own: forwarded, nothing
	 * given up, no translator. */
	if (likely(o.kind == MG_OUT_FORWARD && fr->drops == NULL &&
		   (fr->f == NULL || fr->f->sa == 0))) {
		mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
		return;
	}
	act_slow(lc, fr, o);
}

void mg_dp_act_drop_held(struct mg_lcore *lc, struct mg_flow *f, enum mg_dp_drop why)
{
	for (unsigned dir = 0; dir < 2; dir++)
		drop_chain(lc, mg_hold_take_all(lc, &f->d[dir]), mg_flow_rx_side(f, dir), why);
}

void mg_dp_act_flush_drops(struct mg_lcore *lc)
{
	if (lc->ndrop) {
		rte_pktmbuf_free_bulk(lc->dropq, lc->ndrop);
		lc->ndrop = 0;
	}
}

void mg_dp_act_flush(struct mg_lcore *lc)
{
	mg_dp_act_flush_drops(lc);
	if (lc->out_ring[0] != NULL) {
		mg_dp_out_flush(lc, 0);
		mg_dp_out_flush(lc, 1);
		return;
	}
	rte_eth_tx_buffer_flush(mg_dp_cfg.port[0], lc->q, lc->tx[0]);
	rte_eth_tx_buffer_flush(mg_dp_cfg.port[1], lc->q, lc->tx[1]);
}
