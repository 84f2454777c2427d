/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Held TCP streams of inspected (TCP/102) associations: bookkeeping only.
 * Per direction: in-order segments are fed to the MMS engine and their
 * mbufs — not copies — are kept on a list (linked through an mbuf
 * dynfield) until every byte they carry belongs to a unit with an allow
 * verdict (ok_off, advanced by enforce.c from the engine's ev->end_off).
 * Out-of-order segments wait, sorted and bounded, without being inspected
 * or forwarded, until the gap is filled. Retransmissions of bytes already
 * forwarded are forwarded again (the receiver discards them); duplicates of
 * bytes still held are dropped (the held copy goes first). Pure ACKs queue
 * behind held data so that frames of a flow never overtake each other.
 *
 * Under pressure (half the held-segment bound in use) a small in-order
 * segment is coalesced into the held data segment before it — its new
 * bytes appended, lengths and checksums redone, never beyond the
 * receiver's MSS — so that a PDU sent in hundreds of tiny segments is held
 * in a few mbufs instead of hitting the bound and stalling. The bytes are
 * the ones inspected; only their framing changes. Should the bound still
 * be hit the association is reset (tcp_hold_over_bound), never left to
 * stall silently.
 *
 * In custody (struct mg_cust, mg_flow.h) released segments stay on a third
 * list, kept, until their receiver acknowledges them (mg_hold_keep,
 * mg_hold_kept_acked); the action point sends them.
 *
 * Nothing here transmits or frees a frame: mg_hold_segment() returns the
 * frame's outcome (HOLD, FORWARD, DROP, DENY, or RESET when the engine's
 * callback saw a denied unit) and the action point (action.c) carries it
 * out, popping what may leave with mg_hold_pop().
 */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "mg_dp.h"

/* m goes at the end of a list of segments (held or kept) linked through
 * their private data. */
static inline void list_append(struct mg_lcore *lc, struct rte_mbuf **head, struct rte_mbuf **tail,
			       uint32_t *n, struct rte_mbuf *m)
{
	mg_mb_priv(m)->next = NULL;
	if (*tail != NULL)
		mg_mb_priv(*tail)->next = m;
	else
		*head = m;
	*tail = m;
	(*n)++;
	lc->ctr->held_segs++;
}

static void hold_append(struct mg_lcore *lc, struct mg_hold_dir *d, struct rte_mbuf *m,
			uint64_t end)
{
	mg_mb_priv(m)->end = end;
	list_append(lc, &d->head, &d->tail, &d->nhold, m);
}

/* Feed the new bytes of an in-order segment (start <= next_off) and hold it. */
static void feed(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *m,
		 uint16_t poff, uint16_t plen, bool fin, uint64_t start,
		 struct mg_enforce_ctx *ctx)
{
	struct mg_hold_dir *d = &f->d[dir];
	uint64_t end = start + plen + (fin ? 1 : 0);
	bool new_bytes;

	mg_mb_priv(m)->poff = poff;
	mg_mb_priv(m)->plen = plen;
	mg_mb_priv(m)->fin = fin;
	hold_append(lc, d, m, end);
	uint16_t skip = mg_hold_accept(d, start, plen, fin, &new_bytes);
	if (new_bytes) {
		const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, poff + skip);
		mg_engine_feed(&lc->eng, &f->eng, (uint8_t)dir, p, plen - skip, mg_enforce_event,
			       ctx);
	}
}

struct rte_mbuf *mg_hold_pop(struct mg_lcore *lc, struct mg_hold_dir *d, uint64_t limit)
{
	struct rte_mbuf *m = d->head;

	if (m == NULL)
		return NULL;
	struct mg_mb_priv *pv = mg_mb_priv(m);
	if (pv->end > limit)
		return NULL;
	d->head = pv->next;
	if (d->head == NULL)
		d->tail = NULL;
	d->nhold--;
	lc->ctr->held_segs--;
	if (pv->end > d->rel_off)
		d->rel_off = pv->end;
	return m;
}

struct rte_mbuf *mg_hold_take_all(struct mg_lcore *lc, struct mg_hold_dir *d)
{
	struct rte_mbuf *chain = d->head;

	if (d->tail != NULL)
		mg_mb_priv(d->tail)->next = d->ooo;
	else
		chain = d->ooo;
	lc->ctr->held_segs -= d->nhold + d->nooo;
	d->head = d->tail = d->ooo = NULL;
	d->nhold = d->nooo = 0;
	/* Segments in custody go too: the receiver will not get them now. */
	if (d->kept != NULL) {
		mg_mb_priv(d->kept_tail)->next = chain;
		chain = d->kept;
		lc->ctr->held_segs -= d->nkept;
		d->kept = d->kept_tail = NULL;
		d->nkept = 0;
	}
	return chain;
}

void mg_hold_keep(struct mg_lcore *lc, struct mg_hold_dir *d, struct rte_mbuf *m)
{
	list_append(lc, &d->kept, &d->kept_tail, &d->nkept, m);
}

struct rte_mbuf *mg_hold_kept_acked(struct mg_lcore *lc, struct mg_hold_dir *d, uint64_t ack)
{
	struct rte_mbuf *chain = d->kept, *last = NULL;

	for (struct rte_mbuf *m = d->kept; m != NULL && mg_mb_priv(m)->end <= ack;
	     m = mg_mb_priv(m)->next) {
		last = m;
		d->nkept--;
		lc->ctr->held_segs--;
	}
	if (last == NULL)
		return NULL;
	d->kept = mg_mb_priv(last)->next;
	if (d->kept == NULL)
		d->kept_tail = NULL;
	mg_mb_priv(last)->next = NULL;
	return chain;
}

/* A held segment given up while handling fr: the action point drops it. */
static void give_up(struct mg_frame *fr, struct rte_mbuf *m, enum mg_dp_drop why)
{
	struct mg_mb_priv *pv = mg_mb_priv(m);

	pv->why = (uint8_t)why;
	pv->next = fr->drops;
	fr->drops = m;
}

static void ooo_insert(struct mg_lcore *lc, struct mg_hold_dir *d, struct rte_mbuf *m,
		       uint64_t start)
{
	struct rte_mbuf **pp = &d->ooo;
	struct mg_mb_priv *pv = mg_mb_priv(m);

	while (*pp != NULL && mg_mb_start(mg_mb_priv(*pp)) <= start)
		pp = &mg_mb_priv(*pp)->next;
	pv->next = *pp;
	*pp = m;
	d->nooo++;
	lc->ctr->held_segs++;
}

/*
 * Append the new bytes of the in-order segment fr (stream offset off) to
 * the held tail of d when the merged segment stays within the receiver's
 * MSS and the tail mbuf has room. Returns the number of bytes appended (0:
 * not possible; nothing changed). The tail takes the newer ACK and window.
 */
static uint16_t coalesce(struct mg_flow *f, unsigned dir, struct mg_frame *fr, uint64_t off)
{
	struct mg_hold_dir *d = &f->d[dir];
	struct rte_mbuf *t = d->tail, *m = fr->m;
	const struct mg_pkt *pk = &fr->pk;

	if (t == NULL)
		return 0;
	struct mg_mb_priv *tv = mg_mb_priv(t);
	/* What the tail's buffer can take past its IP end (the decision itself
	 * is mg_hold_coalesce_len, flow.c, unit tested without DPDK). */
	uint16_t ip_end = (uint16_t)(tv->poff + tv->plen);
	uint32_t room = t->nb_segs == 1 && rte_mbuf_refcnt_read(t) == 1 && ip_end <= t->data_len
				? (uint32_t)rte_pktmbuf_tailroom(t) + (t->data_len - ip_end)
				: 0;
	uint16_t n = mg_hold_coalesce_len(d, tv, off, pk->payload_len, pk->tcp_flags,
					  f->tn.d[dir ^ 1].mss, room);
	if (n == 0)
		return 0;
	uint64_t skip = d->next_off - off;
	/* The held frame's own header offsets, recorded when it was held. */
	uint16_t l3 = tv->l3off, l4 = tv->l4off;
	uint8_t *b = rte_pktmbuf_mtod(t, uint8_t *);
	bool v6 = (b[l3] >> 4) == 6;
	rte_pktmbuf_trim(t, (uint16_t)(t->data_len - ip_end)); /* Ethernet padding */
	uint8_t *dst = (uint8_t *)rte_pktmbuf_append(t, n);
	if (dst == NULL)
		return 0;
	b = rte_pktmbuf_mtod(t, uint8_t *);
	memcpy(dst, rte_pktmbuf_mtod_offset(m, const uint8_t *, pk->payload_off + skip), n);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(b + l4);
	const struct rte_tcp_hdr *nh = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
							       pk->l4_off);
	th->recv_ack = nh->recv_ack;
	th->rx_win = nh->rx_win;
	th->tcp_flags |= nh->tcp_flags & RTE_TCP_PSH_FLAG;
	th->cksum = 0;
	if (v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l3);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip->payload_len) + n));
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l3);
		ip->total_length =
		    rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip->total_length) + n));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	tv->plen = (uint16_t)(tv->plen + n);
	tv->end += n;
	return n;
}

struct mg_out mg_hold_segment(struct mg_lcore *lc, struct mg_frame *fr)
{
	struct mg_flow *f = fr->f;
	unsigned dir = fr->dir;
	struct rte_mbuf *m = fr->m;
	const struct mg_pkt *pk = &fr->pk;
	struct mg_hold_dir *d = &f->d[dir];
	bool fin = (pk->tcp_flags & MG_TCP_FIN) != 0;
	uint16_t plen = pk->payload_len;

	mg_mb_priv(m)->l3off = (uint8_t)RTE_MIN(pk->l3_off, 255);
	mg_mb_priv(m)->l4off = (uint8_t)RTE_MIN(pk->l4_off, 255); /* 255: never coalesced */
	int64_t off;

	switch (mg_hold_classify(d, pk, &off)) {
	case MG_SEG_IN_ORDER: break;
	case MG_SEG_ACK:
		/* ACK / window update: only behind held data, never before it. */
		if (d->head == NULL || d->nhold >= mg_dp_cfg.hold_max_segs)
			return MG_OUT_FWD;
		struct mg_mb_priv *apv = mg_mb_priv(m);
		apv->plen = 0;
		apv->fin = 0;
		hold_append(lc, d, m, d->next_off);
		return MG_OUT_HELD;
	case MG_SEG_RETRANS: lc->ctr->tcp_retrans_fwd++; return MG_OUT_FWD;
	case MG_SEG_DUP_HELD: return MG_OUT_DROPPED(MG_DPD_TCP_DUP_HELD);
	case MG_SEG_OUT_OF_WINDOW: return MG_OUT_DENIED(MG_DPD_TCP_OUT_OF_WINDOW);
	case MG_SEG_OOO:
		if (d->nooo >= mg_dp_cfg.ooo_max_segs)
			return MG_OUT_DROPPED(MG_DPD_TCP_OOO_BOUND);
		/* Remember where the payload is: the frame is re-read later. */
		struct mg_mb_priv *pv = mg_mb_priv(m);
		pv->end = (uint64_t)off + plen + (fin ? 1 : 0);
		pv->poff = pk->payload_off;
		pv->plen = plen;
		pv->fin = fin;
		ooo_insert(lc, d, m, (uint64_t)off);
		return MG_OUT_HELD;
	case MG_SEG_NO_ISN:
	default: return MG_OUT_DENIED(MG_DPD_TCP_BAD_STATE);
	}
	struct mg_enforce_ctx ctx = {.lc = lc, .f = f, .fr = fr, .dir = dir};
	if (d->nhold >= mg_dp_cfg.hold_max_segs / 2 && !fin) {
		struct mg_mb_priv *tv = d->tail ? mg_mb_priv(d->tail) : NULL;
		uint16_t n = coalesce(f, dir, fr, (uint64_t)off);
		if (n != 0) {
			/* Inspect the appended bytes where they now lie. */
			const uint8_t *p = rte_pktmbuf_mtod_offset(
			    d->tail, const uint8_t *, tv->poff + tv->plen - n);
			mg_engine_feed(&lc->eng, &f->eng, (uint8_t)dir, p, n, mg_enforce_event, &ctx);
			d->next_off += n;
			lc->ctr->tcp_coalesced++;
			if (unlikely(ctx.deny)) {
				/* The frame itself goes with the reset (held, never sent). */
				struct mg_mb_priv *pv = mg_mb_priv(m);
				pv->plen = 0;
				pv->fin = 0;
				hold_append(lc, d, m, UINT64_MAX);
				return MG_OUT_RESET_BY(ctx.why);
			}
			return MG_OUT_MERGED_INTO_HELD;
		}
	}
	if (d->nhold >= mg_dp_cfg.hold_max_segs) {
		/* The bound is truly hit (nothing left to coalesce into): reset
		 * with a named reason rather than stall the association. */
		struct mg_mb_priv *pv = mg_mb_priv(m);
		pv->poff = pk->payload_off;
		pv->plen = plen;
		pv->fin = fin;
		hold_append(lc, d, m, UINT64_MAX);
		return MG_OUT_RESET_BY(MG_DPD_TCP_HOLD_BOUND);
	}

	feed(lc, f, dir, m, pk->payload_off, plen, fin, (uint64_t)off, &ctx);
	while (!ctx.deny && d->ooo != NULL && mg_mb_start(mg_mb_priv(d->ooo)) <= d->next_off) {
		struct rte_mbuf *n = d->ooo;
		struct mg_mb_priv *pv = mg_mb_priv(n);
		d->ooo = pv->next;
		d->nooo--;
		lc->ctr->held_segs--;
		if (pv->end <= d->next_off || d->nhold >= mg_dp_cfg.hold_max_segs) {
			give_up(fr, n,
				pv->end <= d->next_off ? MG_DPD_TCP_DUP_HELD : MG_DPD_TCP_HOLD_BOUND);
			continue;
		}
		feed(lc, f, dir, n, pv->poff, pv->plen, pv->fin != 0, mg_mb_start(pv), &ctx);
	}
	if (unlikely(ctx.deny))
		return MG_OUT_RESET_BY(ctx.why);
	return MG_OUT_HELD;
}
