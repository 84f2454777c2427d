/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow logic of the dataplane that needs no DPDK (mg_flow.h): the
 * canonical flow key, the TCP handshake/teardown state machine of a
 * tracked connection, and the sequence bookkeeping of a held stream
 * (where a segment falls, how far the held segments may go, what an
 * in-order segment adds, whether it may be coalesced into the held tail).
 * Plain structs in, plain answers out: the
 * mbufs, the flow table and the actions stay in conntrack.c, tcp_hold.c
 * and action.c, and this file is unit tested on its own
 * (tests/unit/test_dp_flow.c).
 */
#include <string.h>

#include "mg_flow.h"

const char *mg_flow_state_str(uint8_t s)
{
	static const char *const n[] = {"free",        "syn-sent", "syn-received",
	                                "established", "closing",  "closed"};
	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* memcmp's order on n (4 or 16) address bytes, as big-endian words: no
 * library call on every frame of the IP path. */
static inline int addr_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i += 4) {
		uint32_t x, y;
		memcpy(&x, a + i, 4);
		memcpy(&y, b + i, 4);
		if (x != y)
			return __builtin_bswap32(x) < __builtin_bswap32(y) ? -1 : 1;
	}
	return 0;
}

void mg_flows_key(struct mg_flow_key *k, const struct mg_pkt *pk, bool *src_is_a)
{
	bool v6 = pk->ip_ver == 6;
	int c = v6 ? addr_cmp(pk->src, pk->dst, 16) : addr_cmp(pk->src, pk->dst, 4);

	if (c == 0)
		c = (int)pk->sport - (int)pk->dport;
	memset(k, 0, sizeof(*k));
	k->ver = pk->ip_ver;
	k->proto = pk->ip_proto;
	const uint8_t *a = c <= 0 ? pk->src : pk->dst, *b = c <= 0 ? pk->dst : pk->src;
	if (v6) {
		memcpy(k->a, a, 16);
		memcpy(k->b, b, 16);
	} else {
		memcpy(k->a, a, 4);
		memcpy(k->b, b, 4);
	}
	k->pa = c <= 0 ? pk->sport : pk->dport;
	k->pb = c <= 0 ? pk->dport : pk->sport;
	*src_is_a = c <= 0;
}

enum mg_tcp_step mg_flow_tcp_step(struct mg_flow *f, unsigned dir, const struct mg_pkt *pk,
                                  bool *established)
{
	uint8_t fl = pk->tcp_flags;

	*established = false;
	if (f->state == MG_FS_CLOSED) {
		/* Stragglers after a reset; an end's own RST may still pass,
		 * unless the gate reset the association itself. */
		if (f->denied || !(fl & MG_TCP_RST))
			return MG_TS_CLOSED;
		return MG_TS_FORWARD;
	}
	if (fl & MG_TCP_RST) {
		f->state = MG_FS_CLOSED;
		return MG_TS_RESET;
	}
	if (fl & MG_TCP_SYN) {
		if (dir == MG_DIR_C2S && !(fl & MG_TCP_ACK) && pk->seq == f->d[MG_DIR_C2S].isn &&
		    f->state <= MG_FS_SYN_RCVD)
			return MG_TS_FORWARD; /* retransmitted SYN */
		if (dir == MG_DIR_S2C && (fl & MG_TCP_ACK) &&
		    (f->state == MG_FS_SYN_SENT || f->state == MG_FS_SYN_RCVD) &&
		    pk->ack == f->d[MG_DIR_C2S].isn + 1 && pk->payload_len == 0) {
			f->d[MG_DIR_S2C].isn = pk->seq;
			f->d[MG_DIR_S2C].isn_known = true;
			f->state = MG_FS_SYN_RCVD;
			return MG_TS_FORWARD;
		}
		return MG_TS_BAD_STATE;
	}
	if (f->state == MG_FS_SYN_SENT)
		return MG_TS_BAD_STATE;
	if (f->state == MG_FS_SYN_RCVD) {
		if (dir != MG_DIR_C2S || !(fl & MG_TCP_ACK) || pk->ack != f->d[MG_DIR_S2C].isn + 1)
			return MG_TS_NOT_ESTABLISHED;
		f->state = MG_FS_ESTABLISHED;
		*established = true;
	}
	if (fl & MG_TCP_FIN)
		f->state = MG_FS_CLOSING;
	return MG_TS_PASS;
}

enum mg_seg_kind mg_hold_classify(const struct mg_hold_dir *d, const struct mg_pkt *pk,
                                  int64_t *off_out)
{
	bool fin = (pk->tcp_flags & MG_TCP_FIN) != 0;
	uint16_t plen = pk->payload_len;

	if (!d->isn_known)
		return MG_SEG_NO_ISN;
	/* Stream offset of seq, taken as the one nearest next_off (mod 2^32). */
	uint32_t rel = pk->seq - (d->isn + 1);
	int64_t off = (int64_t)d->next_off + (int64_t)(int32_t)(rel - (uint32_t)d->next_off);
	int64_t end = off + plen + (fin ? 1 : 0);

	*off_out = off;
	if (plen == 0 && !fin)
		return MG_SEG_ACK;
	if (off < 0 || end <= (int64_t)d->next_off)
		return end <= (int64_t)d->rel_off ? MG_SEG_RETRANS : MG_SEG_DUP_HELD;
	if (off > (int64_t)d->next_off)
		return (uint64_t)off - d->next_off > MG_HOLD_MAX_WINDOW ? MG_SEG_OUT_OF_WINDOW
		                                                        : MG_SEG_OOO;
	return MG_SEG_IN_ORDER;
}

uint16_t mg_hold_accept(struct mg_hold_dir *d, uint64_t start, uint16_t plen, bool fin, bool *feed)
{
	uint64_t skip = d->next_off - start;

	*feed = plen > skip && !d->fin;
	if (*feed)
		d->next_off = start + plen;
	if (fin && !d->fin) {
		d->fin = true;
		d->fin_off = start + plen;
		d->next_off = d->fin_off + 1;
	}
	return *feed ? (uint16_t)skip : plen;
}

uint64_t mg_hold_limit(const struct mg_hold_dir *d, bool monitor)
{
	uint64_t limit = monitor ? d->next_off : d->ok_off;

	/* The FIN is one offset past the data: it leaves with its segment
	 * once every byte before it may leave. */
	if (d->fin && limit >= d->fin_off && limit < d->fin_off + 1)
		limit = d->fin_off + 1;
	return limit;
}

uint16_t mg_hold_coalesce_len(const struct mg_hold_dir *d, const struct mg_mb_priv *t,
                              uint64_t off, uint16_t plen, uint8_t flags, uint16_t mss,
                              uint32_t room)
{
	if (t == NULL || d->fin || (flags & ~(MG_TCP_ACK | MG_TCP_PSH)) != 0 ||
	    !(flags & MG_TCP_ACK))
		return 0;
	/* The tail must be data, without FIN, ending where the stream does:
	 * the segment's new bytes then follow its last byte. */
	uint64_t skip = d->next_off - off;
	if (t->plen == 0 || t->fin || t->end != d->next_off || skip >= plen)
		return 0;
	uint16_t n = (uint16_t)(plen - skip);
	if ((uint32_t)t->plen + n > (mss ? mss : 536u) || room < n)
		return 0;
	/* The headers the merge rewrites must be where they were recorded. */
	if (t->l4off <= t->l3off || t->l4off == 255 || t->l4off >= t->poff)
		return 0;
	return n;
}

void mg_cust_start(struct mg_cust *c, uint64_t racked)
{
	memset(c, 0, sizeof(*c));
	c->on = true;
	c->ack = racked;
	c->right = racked;
	c->racked = racked;
	c->sent = racked;
	c->rto_ms = MG_CUST_RTO_MIN_MS;
}

uint64_t mg_cust_take(struct mg_cust *c, uint64_t next, uint64_t budget)
{
	if (next > c->ack)
		c->ack = next;
	uint64_t r = c->racked + budget;
	if (c->right > r)
		r = c->right;
	/* Never announce less than what is acknowledged (a zero window). */
	if (r < c->ack)
		r = c->ack;
	c->right = r;
	return r;
}

uint64_t mg_cust_edge(struct mg_cust *c, uint64_t racked, uint64_t budget)
{
	uint64_t r = (racked > c->racked ? racked : c->racked) + budget;

	if (r < c->right)
		r = c->right;
	c->right = r;
	return r;
}

enum mg_cust_do mg_cust_peer(struct mg_cust *c, uint64_t ack, bool dup, uint64_t now_ns)
{
	/* The receiver is alive: timeouts count again from zero. */
	c->tries = 0;
	if (ack > c->racked) {
		c->racked = ack;
		if (c->sent < ack)
			c->sent = ack;
		c->dupacks = 0;
		c->rto_ms = MG_CUST_RTO_MIN_MS;
		c->t_rto = now_ns + (uint64_t)c->rto_ms * 1000000u;
		return MG_CUST_NOTHING;
	}
	if (dup && c->sent > c->racked && ++c->dupacks == 3)
		return MG_CUST_RESEND;
	return MG_CUST_NOTHING;
}

enum mg_cust_do mg_cust_timer(struct mg_cust *c, bool kept, uint64_t now_ns)
{
	if (!kept) {
		c->t_rto = 0;
		return MG_CUST_NOTHING;
	}
	if (c->t_rto == 0) {
		c->t_rto = now_ns + (uint64_t)c->rto_ms * 1000000u;
		return MG_CUST_NOTHING;
	}
	if (now_ns < c->t_rto)
		return MG_CUST_NOTHING;
	if (++c->tries > MG_CUST_TRIES)
		return MG_CUST_GIVE_UP;
	c->rto_ms = c->rto_ms * 2 > MG_CUST_RTO_MAX_MS ? MG_CUST_RTO_MAX_MS : c->rto_ms * 2;
	c->t_rto = now_ns + (uint64_t)c->rto_ms * 1000000u;
	return MG_CUST_RESEND;
}

bool mg_cust_done(const struct mg_cust *c, bool kept)
{
	return !kept && c->racked >= c->ack;
}
