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
 * Custody (struct mg_cust, mg_flow.h) is the other: where a sender would
 * stall on held bytes the gate acknowledges them itself (cust_ack), keeps
 * the released segments until their receiver acknowledges them, sends
 * them as its window allows and again when they go missing (cust_push,
 * cust_peer, mg_dp_cust_tick), and raises the receiver's ACKs towards the
 * sender to its own (cust_rewrite). The segments it writes in an end's
 * name come from gate_frames.c.
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
	if (unlikely(mg_capture_on) &&
	    (why == MG_DPD_CONN_DENIED || why == MG_DPD_MMS_DENIED || why == MG_DPD_MMS_ANOMALY))
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
static void cust_rewrite(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m,
                         unsigned l4);

static inline void tx_flow(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m,
                           uint32_t paylen, unsigned l4)
{
	unsigned out = mg_flow_tx_side(f, dir);

	/* Towards the sender of a direction in the gate's custody, or whose
	 * receiver announces more than the gate keeps. */
	if (unlikely((f->cust | f->clamp) & (1u << (dir ^ 1))))
		cust_rewrite(lc, f, dir, m, l4);
	if (f->sa != 0) {
		if (dir == MG_DIR_S2C && fin_after_answers(lc, f, m))
			return;
		struct mg_seqadj_plan plan;
		uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
		size_t len = rte_pktmbuf_data_len(m);
		size_t n =
		    mg_seqadj_frame(mg_dp_sa(lc, f), (uint8_t)dir, b, len, mg_dp_now_ns(lc), &plan);
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

static void cust_push(struct mg_lcore *lc, struct mg_flow *f, unsigned dir);

/* The segments of f's direction dir that may leave now. In custody the
 * data segments are kept until their receiver acknowledges them and leave
 * as far as its window takes (cust_push). */
static void release(struct mg_lcore *lc, struct mg_flow *f, unsigned dir)
{
	struct mg_hold_dir *d = &f->d[dir];
	uint64_t limit = mg_hold_limit(d, lc->monitor);
	struct rte_mbuf *m;

	if (unlikely(f->cust & (1u << dir))) { /* on the flow's first line, not d->c's */
		while ((m = mg_hold_pop(lc, d, limit)) != NULL) {
			if (mg_mb_priv(m)->plen == 0 && !mg_mb_priv(m)->fin)
				tx_flow(lc, f, dir, m, 0, mg_mb_priv(m)->l4off);
			else
				mg_hold_keep(lc, d, m);
		}
		cust_push(lc, f, dir);
		return;
	}
	while ((m = mg_hold_pop(lc, d, limit)) != NULL)
		tx_flow(lc, f, dir, m, mg_mb_priv(m)->plen, mg_mb_priv(m)->l4off);
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
 * and no hole is held behind it (nothing else tells it that it arrived).
 * SACK never promises delivery: the sender keeps every byte until the
 * receiver's cumulative ACK covers it, so the gate takes on no
 * retransmission duty; the sender fills the holes and sends past its
 * window's worth of held bytes (SACKed bytes leave its pipe). Sent after a
 * held data segment of an unfinished unit, an out-of-order one, or a
 * duplicate of held bytes. On a translated flow (refusals, translate.c)
 * too: the ACK, the SACK blocks and the held offsets are all in the
 * sender's own space; only the segment's own sequence number is
 * translated, into the space the sender receives (ack_sender).
 */
static void ack_sender(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const uint8_t *hdr,
                       const struct mg_pkt *pk, struct mg_gate_ack_spec *a)
{
	const struct mg_tcpn *tn = &f->tn;
	const struct mg_hold_dir *o = &f->d[dir ^ 1];

	/* The next byte the sender can have had from its peer (reset_flow),
	 * in the sender's receive space on a translated flow (answers the
	 * gate injected counted, refused bytes not): the ACK and the SACK
	 * blocks are in the sender's own space already. */
	a->seq = o->isn + 1 + (uint32_t)o->rel_off;
	if (f->sa != 0)
		a->seq = mg_seqadj_fwd(mg_dp_sa(lc, f), (uint8_t)(dir ^ 1), a->seq);
	a->ts = tn->ts;
	a->tsval = tn->d[dir ^ 1].ts_recent;
	a->tsecr = tn->d[dir].ts_recent;
	struct rte_mbuf *m = mg_gate_ack(lc, hdr, pk, a);
	if (m == NULL)
		return;
	mg_capture_frame(lc, m, MG_CAP_SENT);
	mg_dp_tx(lc, mg_flow_rx_side(f, dir), m);
}

/* How far past the receiver's ACK the gate lets a sender go: its
 * normaliser's record, which keeps and checks those bytes (a segment past
 * it is refused, tcp_unacked_over_bound). Receivers announcing more are
 * clamped to it on the way to the sender (cust_rewrite), custody or not. */
static inline uint64_t cust_budget(const struct mg_lcore *lc)
{
	return lc->tncfg.rec_size ? lc->tncfg.rec_size : MG_TCPN_DEFAULT_REC;
}

/* The window field for a right edge right seen from ack (bytes; scaled
 * as the receiver announced). */
static uint16_t win_field(const struct mg_flow *f, unsigned rdir, uint64_t bytes)
{
	uint64_t w = f->tn.ws ? bytes >> f->tn.d[rdir].wscale : bytes;
	return (uint16_t)RTE_MIN(w, 65535u);
}

/* SACK blocks for what d holds out of order: the runs, merged. */
static unsigned ooo_blocks(const struct mg_hold_dir *d, uint32_t blk[][2], unsigned maxb)
{
	uint32_t base = d->isn + 1;
	unsigned nb = 0;

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
	return nb;
}

static void sack_back(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const struct mg_pkt *pk,
                      bool head)
{
	const struct mg_hold_dir *d = &f->d[dir], *o = &f->d[dir ^ 1];
	const struct mg_tcpn *tn = &f->tn;
	const struct mg_tcpn_dir *rcv = &tn->d[dir ^ 1];
	struct rte_mbuf *tpl = d->ooo != NULL ? d->ooo : d->head;
	struct mg_gate_ack_spec a = {0};
	unsigned maxb = tn->ts ? 3 : 4;

	if (!tn->sack || !rcv->ack_seen || tpl == NULL || !o->isn_known)
		return;
	/* Out-of-order runs first (the holes are what the sender must learn). */
	a.nblk = ooo_blocks(d, a.blk, maxb);
	/* The in-order held bytes, from the first held data segment (head)
	 * or after it. */
	for (struct rte_mbuf *m = d->head; m != NULL; m = mg_mb_priv(m)->next) {
		const struct mg_mb_priv *pv = mg_mb_priv(m);
		if (pv->plen == 0)
			continue;
		uint64_t s = head ? mg_mb_start(pv) : pv->end;
		if (s < d->next_off && a.nblk < maxb) {
			a.blk[a.nblk][0] = d->isn + 1 + (uint32_t)s;
			a.blk[a.nblk][1] = d->isn + 1 + (uint32_t)d->next_off;
			a.nblk++;
		}
		break;
	}
	if (a.nblk == 0)
		return;
	a.ack = rcv->ack;
	a.win = win_field(f, dir ^ 1, RTE_MIN(rcv->last_win, cust_budget(lc)));
	ack_sender(lc, f, dir, rte_pktmbuf_mtod(tpl, const uint8_t *), pk, &a);
	lc->ctr->tcp_gate_sacks++;
}

/* ---- custody (struct mg_cust, mg_flow.h) ---------------------------- */

/* The receiver's own right edge now (its latest ACK and window), as an
 * offset of d's stream. */
static uint64_t cust_rright(const struct mg_flow *f, unsigned dir)
{
	const struct mg_hold_dir *d = &f->d[dir];
	const struct mg_tcpn_dir *rcv = &f->tn.d[dir ^ 1];

	return mg_hold_off(d, rcv->ack, d->next_off) + rcv->last_win;
}

static void cust_unlist(struct mg_lcore *lc, struct mg_flow *f)
{
	for (uint32_t i = 0; i < lc->cust_n; i++)
		if (lc->cust_flow[i] == f->idx) {
			lc->cust_flow[i] = lc->cust_flow[--lc->cust_n];
			return;
		}
}

static void cust_end(struct mg_lcore *lc, struct mg_flow *f, unsigned dir)
{
	if (!(f->cust & (1u << dir)))
		return;
	memset(&f->d[dir].c, 0, sizeof(f->d[dir].c));
	f->cust &= (uint8_t) ~(1u << dir);
	lc->ctr->tcp_custody_now--;
	if (f->cust == 0)
		cust_unlist(lc, f);
}

/* Whether direction dir goes into (or stays in) custody now; takes it
 * (before its segments are released, so that they are kept). Only when
 * every byte the gate forwarded the receiver has acknowledged: custody
 * covers bytes the gate can deliver, kept or held, nothing in between. */
static bool cust_want(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, bool resend)
{
	struct mg_hold_dir *d = &f->d[dir];
	const struct mg_tcpn_dir *rcv = &f->tn.d[dir ^ 1];

	if (f->cust & (1u << dir))
		return true;
	/* The common case first: room for another full segment in the
	 * receiver's window. */
	if (!mg_cust_wanted(d, cust_rright(f, dir), rcv->mss, resend))
		return false;
	if (f->sa != 0 || !f->tn.hs || !rcv->ack_seen || !d->isn_known || !f->d[dir ^ 1].isn_known)
		return false;
	if (mg_hold_off(d, rcv->ack, d->next_off) < d->rel_off)
		return false;
	if (f->cust == 0) {
		if (lc->cust_n == MG_DP_CUST_MAX)
			return false; /* SACKs only, as before */
		lc->cust_flow[lc->cust_n++] = f->idx;
	}
	f->cust |= (uint8_t)(1u << dir);
	mg_cust_start(&d->c, mg_hold_off(d, rcv->ack, d->next_off));
	lc->ctr->tcp_custody_takes++;
	lc->ctr->tcp_custody_now++;
	return true;
}

/* The cumulative ACK of custody: every byte of dir the gate has in order,
 * the window it can take (its record's budget past the receiver's ACK,
 * never less than it announced), SACK blocks for out-of-order runs. The
 * normaliser learns the edge, as if the receiver had announced it. */
static void cust_ack(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const uint8_t *hdr,
                     const struct mg_pkt *pk)
{
	struct mg_hold_dir *d = &f->d[dir];
	struct mg_tcpn_dir *rcv = &f->tn.d[dir ^ 1];
	struct mg_gate_ack_spec a = {0};
	uint32_t base = d->isn + 1;
	uint64_t right = mg_cust_take(&d->c, d->next_off, cust_budget(lc));

	if (mg_seq_lt(rcv->right, base + (uint32_t)right))
		rcv->right = base + (uint32_t)right;
	if (f->tn.sack)
		a.nblk = ooo_blocks(d, a.blk, f->tn.ts ? 3 : 4);
	a.ack = base + (uint32_t)d->c.ack;
	a.win = win_field(f, dir ^ 1, right - d->c.ack);
	ack_sender(lc, f, dir, hdr, pk, &a);
	lc->ctr->tcp_custody_acks++;
}

/*
 * What leaves for kept segment m: m itself (one more reference: it stays
 * kept), or a copy. The receiver keeps the newest timestamp of segments at
 * or before its ACK (RFC 7323 §4.3), and a resend of old bytes by the
 * sender may have brought it one newer than m's: m would then be discarded
 * as stale (PAWS), again and again. It leaves with that newest timestamp,
 * and with the ACK and window of the other direction as the gate shows them
 * now (cust_rewrite) — in place while no port holds m, else in a copy.
 */
static struct rte_mbuf *cust_frame(struct mg_lcore *lc, struct mg_flow *f, unsigned dir,
                                   struct rte_mbuf *m)
{
	const struct mg_mb_priv *pv = mg_mb_priv(m);
	const struct mg_tcpn_dir *snd = &f->tn.d[dir];
	uint8_t *th = rte_pktmbuf_mtod_offset(m, uint8_t *, pv->l4off);
	unsigned hl = (unsigned)(th[12] >> 4) * 4, i = 20, at = 0;

	while (f->tn.ts && snd->ts_seen && pv->l4off != 255 && i < hl && th[i] != 0) {
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || th[i + 1] < 2)
			break;
		if (th[i] == 8 && th[i + 1] == 10 && i + 10 <= hl) {
			at = i + 2;
			break;
		}
		i += th[i + 1];
	}
	uint32_t v;
	if (at != 0)
		memcpy(&v, th + at, 4);
	if (at != 0 && (int32_t)(snd->ts_recent - rte_be_to_cpu_32(v)) <= 0)
		at = 0;
	/* Its ACK and window speak for the other direction, which may be in
	 * custody or clamped itself (cust_rewrite, as in tx_flow). */
	bool other = pv->l4off != 255 && ((f->cust | f->clamp) & (1u << (dir ^ 1)));
	if (at == 0 && !other) {
		rte_mbuf_refcnt_update(m, 1);
		return m;
	}
	struct rte_mbuf *c = m;
	if (rte_mbuf_refcnt_read(m) == 1) {
		rte_mbuf_refcnt_update(m, 1);
	} else {
		c = rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);
		if (c == NULL) {
			lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
			return NULL; /* the timer sends it again */
		}
		th = rte_pktmbuf_mtod_offset(c, uint8_t *, pv->l4off);
	}
	if (other)
		cust_rewrite(lc, f, dir, c, pv->l4off);
	if (at == 0)
		return c;
	v = rte_cpu_to_be_32(snd->ts_recent);
	memcpy(th + at, &v, 4);
	uint8_t *ip = rte_pktmbuf_mtod_offset(c, uint8_t *, pv->l3off);
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)th;
	t->cksum = 0;
	t->cksum = (ip[0] >> 4) == 6 ? rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)ip, t)
	                             : rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)ip, t);
	return c;
}

/* Send kept segment m (again): the receiver has not acknowledged it. Past
 * the receiver's window (the timer probing a closed one) it does not count
 * as sent: cust_push sends it once the window opens. */
static void cust_tx(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m)
{
	struct mg_cust *c = &f->d[dir].c;
	const struct mg_mb_priv *pv = mg_mb_priv(m);
	struct rte_mbuf *out = cust_frame(lc, f, dir, m);

	if (out != NULL)
		mg_dp_tx(lc, mg_flow_tx_side(f, dir), out);
	if (pv->end > c->sent && pv->end - pv->fin <= cust_rright(f, dir))
		c->sent = pv->end;
	if (c->t_rto == 0)
		c->t_rto = mg_dp_now_ns(lc) + (uint64_t)c->rto_ms * 1000000u;
}

/* Kept segments never sent go out as far as the receiver's window takes. */
static void cust_push(struct mg_lcore *lc, struct mg_flow *f, unsigned dir)
{
	struct mg_hold_dir *d = &f->d[dir];
	uint64_t rright = cust_rright(f, dir);

	for (struct rte_mbuf *m = d->kept; m != NULL; m = mg_mb_priv(m)->next) {
		const struct mg_mb_priv *pv = mg_mb_priv(m);
		if (pv->end <= d->c.sent)
			continue;
		if (pv->end - pv->fin > rright)
			break;
		cust_tx(lc, f, dir, m);
	}
}

/* A segment of the receiver of custody direction dir passed: what its ACK
 * covers leaves custody; three duplicates send the first kept segment
 * again; its window may let more out; custody ends when nothing is left. */
static void cust_peer(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, const struct mg_pkt *pk)
{
	struct mg_hold_dir *d = &f->d[dir];
	uint64_t ack = mg_hold_off(d, f->tn.d[dir ^ 1].ack, d->next_off);
	bool dup = pk->payload_len == 0 &&
	           !(pk->tcp_flags & (MG_TCP_SYN | MG_TCP_FIN | MG_TCP_RST)) && ack == d->c.racked;

	for (struct rte_mbuf *m = mg_hold_kept_acked(lc, d, ack), *n; m != NULL; m = n) {
		n = mg_mb_priv(m)->next;
		rte_pktmbuf_free(m);
	}
	if (mg_cust_peer(&d->c, ack, dup, mg_dp_now_ns(lc)) == MG_CUST_RESEND && d->kept != NULL) {
		cust_tx(lc, f, dir, d->kept);
		lc->ctr->tcp_custody_resends++;
	}
	cust_push(lc, f, dir);
	if (mg_cust_done(&d->c, d->kept != NULL))
		cust_end(lc, f, dir);
}

/* A frame of the receiver of a custody direction, on its way to the
 * sender: its ACK is raised to the gate's (the sender already counts those
 * bytes delivered) and its window keeps the edge the gate announced, no
 * further than the gate's budget past the receiver's ACK (mg_cust_edge).
 * Without custody, only the clamp: a window over the budget is cut to it,
 * so that the sender never sends what the record would refuse. The clamp
 * applies from the first window over the budget on (conntrack.c), so the
 * sender never saw a larger one: nothing shrinks. */
static void cust_rewrite(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m,
                         unsigned l4)
{
	struct mg_hold_dir *cd = &f->d[dir ^ 1];
	uint8_t *th = rte_pktmbuf_mtod_offset(m, uint8_t *, l4);

	if (!(th[13] & MG_TCP_ACK) || (th[13] & MG_TCP_SYN))
		return;
	uint8_t old[8];
	memcpy(old, th + 8, 8);
	uint32_t ack = rte_be_to_cpu_32(*(const unaligned_uint32_t *)(th + 8));
	uint64_t aoff = mg_hold_off(cd, ack, cd->next_off);
	unsigned ws = f->tn.ws ? f->tn.d[dir].wscale : 0;
	uint64_t right =
	    aoff + ((uint64_t)rte_be_to_cpu_16(*(const unaligned_uint16_t *)(th + 14)) << ws);

	if (!(f->cust & (1u << (dir ^ 1)))) {
		if (right - aoff <= cust_budget(lc))
			return;
		right = aoff + cust_budget(lc);
	} else {
		if (aoff < cd->c.ack) {
			aoff = cd->c.ack;
			ack = cd->isn + 1 + (uint32_t)aoff;
		}
		right = mg_cust_edge(&cd->c, mg_hold_off(cd, f->tn.d[dir].ack, cd->next_off),
		                     cust_budget(lc));
		/* The normaliser learns the edge, as if the receiver had announced it. */
		uint32_t edge = cd->isn + 1 + (uint32_t)right;
		if (mg_seq_lt(f->tn.d[dir].right, edge))
			f->tn.d[dir].right = edge;
	}
	uint64_t w = right > aoff ? (right - aoff) >> ws : 0;
	*(unaligned_uint32_t *)(th + 8) = rte_cpu_to_be_32(ack);
	*(unaligned_uint16_t *)(th + 14) = rte_cpu_to_be_16((uint16_t)RTE_MIN(w, 65535u));
	mg_csum_replace(th + 16, old, th + 8, 8);
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

	/* In custody the receiver has what it acknowledged, not what left. */
	uint32_t d_seq = d->c.on ? f->tn.d[dir ^ 1].ack : d->isn + 1 + (uint32_t)d->rel_off;
	uint32_t o_seq = o->c.on ? f->tn.d[dir].ack : o->isn + 1 + (uint32_t)o->rel_off;
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
	cust_end(lc, f, dir);
	cust_end(lc, f, dir ^ 1);

	/* Towards the receiver of the denied unit: it expects d_seq next. */
	r = mg_gate_rst(lc, hdr, pk, false, d_rseq, o_seq);
	if (r != NULL) {
		mg_capture_frame(lc, r, MG_CAP_SENT);
		mg_dp_tx(lc, out, r);
		lc->ctr->rst_sent++;
	}
	/* Towards its sender: it expects o_seq next from its peer. */
	if (o->isn_known) {
		r = mg_gate_rst(lc, hdr, pk, true, o_rseq, d_seq);
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
static bool send_answers(struct mg_lcore *lc, struct mg_flow *f, struct mg_sa_slot *s, uint64_t now)
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
	uint32_t fin_seq =
	    (uint32_t)(th[4] << 24 | th[5] << 16 | th[6] << 8 | th[7]) + pk.payload_len;
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
	uint8_t *fb =
	    fin == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(fin, rte_pktmbuf_tailroom(fin));
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
	bool flow_tx = f != NULL && (f->sa | f->cust | f->clamp) != 0;
	unsigned dir = fr->dir;
	/* The frame's L2 header, copied where the gate answers its sender
	 * after the frame itself may have left. */
	uint8_t hdr[64];
	bool data = fr->pk.payload_len != 0 || (fr->pk.tcp_flags & MG_TCP_FIN);
	bool inspected = f != NULL && f->kind == MG_CONN_INSPECT && fr->pk.l3_off <= sizeof(hdr);

	switch (o.kind) {
	case MG_OUT_FORWARD: {
		/* A resend of bytes in custody: the gate's ACK was lost. */
		bool again = inspected && data && (f->cust & (1u << dir));
		if (again)
			memcpy(hdr, rte_pktmbuf_mtod(fr->m, const uint8_t *), fr->pk.l3_off);
		if (flow_tx)
			tx_flow(lc, f, dir, fr->m, fr->pk.payload_len, fr->pk.l4_off);
		else
			mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
		if (again)
			cust_ack(lc, f, dir, hdr, &fr->pk);
		break;
	}
	case MG_OUT_HOLD:
	case MG_OUT_MERGED: {
		/* Custody is taken before the release, so that what leaves is
		 * kept; its ACK after, covering what is left held. */
		bool cust = inspected && data && cust_want(lc, f, dir, false);
		if (cust)
			memcpy(hdr, rte_pktmbuf_mtod(fr->m, const uint8_t *), fr->pk.l3_off);
		if (o.kind == MG_OUT_MERGED)
			rte_pktmbuf_free(fr->m); /* not a drop: its bytes are in the held segment */
		release(lc, f, dir);
		if (cust)
			cust_ack(lc, f, dir, hdr, &fr->pk);
		/* Bytes still held behind a data segment: tell their sender. */
		else if (o.kind == MG_OUT_HOLD && fr->pk.payload_len != 0 && f->tn.sack &&
		         (f->d[dir].ooo != NULL || f->d[dir].head != NULL))
			sack_back(lc, f, dir, &fr->pk, false);
		break;
	}
	case MG_OUT_DENY:
		if (lc->monitor) {
			lc->ctr->dpdrop[o.why]++;
			lc->ctr->monitor_would_deny++;
			if (flow_tx)
				tx_flow(lc, f, dir, fr->m, fr->pk.payload_len, fr->pk.l4_off);
			else
				mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
			return;
		}
		drop_frame(lc, fr->side, fr->m, o.why);
		return;
	case MG_OUT_RESET:
		/* The gate's own bound, not a policy decision: no other event
		 * names it (enforce.c does for denied units). */
		if (o.why == MG_DPD_TCP_HOLD_BOUND) {
			lc->ctr->reason[MG_R_TCP_HOLD_BOUND]++;
			mg_dp_event_anomaly(lc, f, MG_R_TCP_HOLD_BOUND);
		}
		reset(lc, fr, o.why);
		return;
	case MG_OUT_DROP:
	default:
		/* A sender resending bytes the gate holds is waiting for an ACK:
		 * its timer fired, and it resends only its first unacknowledged
		 * segment until that one is acknowledged — the gate takes
		 * custody and acknowledges what it has. Where custody is not
		 * possible, SACK: with a hole before the gate the blocks name it
		 * (the held head stays out: a SACKed head reads as reneging);
		 * without one, the head too. */
		if (o.why == MG_DPD_TCP_DUP_HELD && f != NULL) {
			if (inspected && cust_want(lc, f, dir, true))
				cust_ack(lc, f, dir, rte_pktmbuf_mtod(fr->m, const uint8_t *),
				         &fr->pk);
			else
				sack_back(lc, f, dir, &fr->pk, f->d[dir].ooo == NULL);
		}
		drop_frame(lc, fr->side, fr->m, o.why);
		return;
	}
	/* The receiver of a direction in custody spoke: its ACK and window. */
	if (f != NULL && (f->cust & (1u << (dir ^ 1))))
		cust_peer(lc, f, dir ^ 1, &fr->pk);
	/* A translated flow: answers waiting for the server's unit boundary,
	 * retransmissions its client's acks asked for. */
	if (sa)
		mg_dp_sa_flush(lc, f);
}

/* The timers of the flows in custody (with the translator's, ~10 ms). */
void mg_dp_cust_tick(struct mg_lcore *lc)
{
	uint64_t now = mg_dp_now_ns(lc);

	for (uint32_t i = 0; i < lc->cust_n;) {
		uint32_t idx = lc->cust_flow[i];
		struct mg_flow *f = &lc->flows.tab[idx];
		for (unsigned dir = 0; dir < 2; dir++) {
			struct mg_hold_dir *d = &f->d[dir];
			if (!(f->cust & (1u << dir)))
				continue;
			switch (mg_cust_timer(&d->c, d->kept != NULL, now)) {
			case MG_CUST_RESEND:
				cust_tx(lc, f, dir, d->kept);
				lc->ctr->tcp_custody_resends++;
				break;
			case MG_CUST_GIVE_UP: {
				/* The receiver stays silent: what the sender
				 * counts delivered never will be. Reset, named. */
				lc->ctr->reason[MG_R_TCP_CUSTODY_TIMEOUT]++;
				mg_dp_event_anomaly(lc, f, MG_R_TCP_CUSTODY_TIMEOUT);
				struct mg_pkt pk;
				const uint8_t *b = rte_pktmbuf_mtod(d->kept, const uint8_t *);
				uint8_t h[64];
				if (mg_pkt_parse(b, rte_pktmbuf_data_len(d->kept), &pk) ==
				        MG_PKT_OK &&
				    pk.l3_off <= sizeof(h)) {
					memcpy(h, b, pk.l3_off);
					reset_flow(lc, f, dir, h, &pk, MG_DPD_TCP_CUSTODY_TIMEOUT);
				} else {
					mg_dp_act_drop_held(lc, f, MG_DPD_TCP_CUSTODY_TIMEOUT);
				}
				break;
			}
			case MG_CUST_NOTHING:
			default: break;
			}
		}
		/* Still listed at i: next one; else the last one moved here. */
		if (i < lc->cust_n && lc->cust_flow[i] == idx)
			i++;
	}
}

void mg_dp_act(struct mg_lcore *lc, struct mg_frame *fr, struct mg_out o)
{
	/* The common case in a small function of its own: forwarded, nothing
	 * given up, no translator. */
	if (likely(o.kind == MG_OUT_FORWARD && fr->drops == NULL &&
	           (fr->f == NULL || (fr->f->sa | fr->f->cust | fr->f->clamp) == 0))) {
		mg_dp_tx(lc, MG_SIDE_OTHER(fr->side), fr->m);
		return;
	}
	act_slow(lc, fr, o);
}

void mg_dp_act_drop_held(struct mg_lcore *lc, struct mg_flow *f, enum mg_dp_drop why)
{
	for (unsigned dir = 0; dir < 2; dir++) {
		drop_chain(lc, mg_hold_take_all(lc, &f->d[dir]), mg_flow_rx_side(f, dir), why);
		cust_end(lc, f, dir);
	}
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
