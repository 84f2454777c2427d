/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP/IP normalisation (see mg_tcpnorm.h for what it guarantees). One call
 * per segment: first every check, on nothing but the segment and the state
 * (so a refused segment changes nothing), then the record of its bytes
 * (compare, then store), then the state update. The checks follow what a
 * conforming receiver (RFC 9293, RFC 7323, RFC 5961; Linux as the concrete
 * model) discards, plus what we refuse because receivers disagree about it
 * (urgent data, IP options, payload on SYN/RST). Where the gate's view of
 * the receiver can lag (its ACKs in flight), the record is the backstop:
 * any byte inspected once and later sent again with another value is a
 * conflict, whether or not the receiver kept the first copy.
 */
#include "mg_tcpnorm.h"

#include <stdlib.h>
#include <string.h>

#define IPPROTO_TCP_ 6

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* ---- checksums ----------------------------------------------------------- */

/* Ones-complement sum of p[0..len) in network order, added to acc. Sums
 * 32-bit big-endian words into 64 bits (no carry handling per word). */
uint32_t mg_tcpn_sum(const uint8_t *p, size_t len, uint32_t acc)
{
	uint64_t s = acc;

	while (len >= 4) {
		s += rd32(p);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		s += rd16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t mg_tcpn_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

bool mg_tcpn_ip4_csum_ok(const uint8_t *ip, size_t ihl)
{
	return mg_tcpn_fold(mg_tcpn_sum(ip, ihl, 0)) == 0xffff;
}

bool mg_tcpn_tcp_csum_ok(const uint8_t *frame, const struct mg_pkt *pk)
{
	size_t l4len = (size_t)(pk->payload_off - pk->l4_off) + pk->payload_len;
	uint32_t acc;
	uint8_t tail[4];

	if (pk->ip_ver == 6) {
		acc = mg_tcpn_sum(pk->src, 16, 0);
		acc = mg_tcpn_sum(pk->dst, 16, acc);
	} else {
		acc = mg_tcpn_sum(pk->src, 4, 0);
		acc = mg_tcpn_sum(pk->dst, 4, acc);
	}
	/* Upper-layer length (32 bits for IPv6; 16 for IPv4, same sum) and
	 * protocol number. */
	tail[0] = (uint8_t)(l4len >> 24);
	tail[1] = (uint8_t)(l4len >> 16);
	tail[2] = (uint8_t)(l4len >> 8);
	tail[3] = (uint8_t)l4len;
	acc = mg_tcpn_sum(tail, 4, acc);
	acc = mg_tcpn_sum((const uint8_t[]){0, IPPROTO_TCP_}, 2, acc);
	acc = mg_tcpn_sum(frame + pk->l4_off, l4len, acc);
	return mg_tcpn_fold(acc) == 0xffff;
}

/* ---- options ---------------------------------------------------------------- */

enum mg_status mg_tcpn_opts_parse(const uint8_t *p, size_t len, struct mg_tcpn_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i];

		if (kind == 0) /* end of option list */
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (len - i < 2)
			return MG_MALFORMED;
		uint8_t ol = p[i + 1];

		if (ol < 2 || ol > len - i)
			return MG_MALFORMED;
		const uint8_t *v = p + i + 2;

		switch (kind) {
		case 2:
			if (ol != 4)
				return MG_MALFORMED;
			o->has_mss = true;
			o->mss = rd16(v);
			break;
		case 3:
			if (ol != 3)
				return MG_MALFORMED;
			o->has_ws = true;
			o->wscale = v[0] > 14 ? 14 : v[0]; /* RFC 7323 §2.3 */
			break;
		case 4:
			if (ol != 2)
				return MG_MALFORMED;
			o->sack_ok = true;
			break;
		case 5:
			if (ol < 10 || (ol - 2) % 8 != 0)
				return MG_MALFORMED;
			break;
		case 8:
			if (ol != 10)
				return MG_MALFORMED;
			o->has_ts = true;
			o->tsval = rd32(v);
			o->tsecr = rd32(v + 4);
			break;
		default: break;
		}
		i += ol;
	}
	return MG_OK;
}

/* ---- the record ------------------------------------------------------------- */

static inline uint32_t rec_size(const struct mg_tcpn_cfg *cfg)
{
	return cfg->rec_size ? cfg->rec_size : MG_TCPN_DEFAULT_REC;
}

static inline uint64_t *rec_map(const struct mg_tcpn_cfg *cfg, const struct mg_tcpn_dir *d)
{
	return (uint64_t *)(void *)(d->rec + rec_size(cfg));
}

static void rec_put(const struct mg_tcpn_cfg *cfg, struct mg_tcpn_dir *d)
{
	if (d->rec) {
		/* Back with a zero bitmap (the next user relies on it). */
		if (d->rec_have != 0)
			memset(d->rec + rec_size(cfg), 0, rec_size(cfg) / 8);
		if (cfg->buf_put)
			cfg->buf_put(cfg->buf_ud, d->rec);
		else
			free(d->rec);
		d->rec = NULL;
	}
	d->rec_have = 0;
}

/* Forget bytes before seq (the peer acknowledged them). */
static void rec_ack(const struct mg_tcpn_cfg *cfg, struct mg_tcpn_dir *d, uint32_t seq)
{
	uint32_t sz = rec_size(cfg), n;

	if (!d->rec_init || !mg_seq_lt(d->rec_base, seq))
		return;
	n = seq - d->rec_base;
	if (d->rec != NULL && d->rec_have != 0) {
		if (n >= sz) {
			rec_put(cfg, d);
		} else {
			uint64_t *map = rec_map(cfg, d);
			uint32_t i = d->rec_base & (sz - 1);

			/* Clear n bits from i, a word at a time (the ring is a
			 * multiple of 64 bytes, so words never straddle its end). */
			while (n > 0 && d->rec_have) {
				uint32_t bit = i & 63, take = 64 - bit;
				if (take > n)
					take = n;
				uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << bit;
				uint64_t *w = &map[i >> 6];
				d->rec_have -= (uint32_t)__builtin_popcountll(*w & mask);
				*w &= ~mask;
				n -= take;
				i = (i + take) & (sz - 1);
			}
		}
	}
	d->rec_base = seq;
	if (d->rec_have == 0)
		rec_put(cfg, d);
}

/* Set bits [i, i + n) of map (no wrap); returns how many were clear. */
static uint32_t map_set(uint64_t *map, uint32_t i, uint32_t n)
{
	uint32_t added = 0;

	while (n > 0) {
		uint32_t bit = i & 63, take = 64 - bit;
		if (take > n)
			take = n;
		uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << bit;
		uint64_t *w = &map[i >> 6];
		added += (uint32_t)__builtin_popcountll(mask & ~*w);
		*w |= mask;
		i += take;
		n -= take;
	}
	return added;
}

/* Compare p[0..n) with ring[i..i+n) where the map has bits (no wrap);
 * true on a difference. *had: some byte was present. */
static bool map_cmp(const uint64_t *map, const uint8_t *ring, uint32_t i, const uint8_t *p,
                    uint32_t n, bool *had)
{
	while (n > 0) {
		uint32_t bit = i & 63, take = 64 - bit;
		if (take > n)
			take = n;
		uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << bit;
		uint64_t w = map[i >> 6] & mask;
		if (w == mask) {
			*had = true;
			if (memcmp(ring + i, p, take) != 0)
				return true;
		} else {
			while (w) {
				unsigned b = (unsigned)__builtin_ctzll(w);
				*had = true;
				if (ring[(i & ~63u) + b] != p[(i & ~63u) + b - i])
					return true;
				w &= w - 1;
			}
		}
		i += take;
		p += take;
		n -= take;
	}
	return false;
}

/* Compare p[0..len) at seq with what is recorded and store the new bytes.
 * Bytes before rec_base were acknowledged: never compared. */
static enum mg_reason rec_bytes(const struct mg_tcpn_cfg *cfg, struct mg_tcpn_dir *d, uint32_t seq,
                                const uint8_t *p, size_t len, struct mg_tcpn_stats *st)
{
	uint32_t sz = rec_size(cfg);

	if (!d->rec_init) {
		d->rec_base = seq;
		d->rec_init = 1;
	}
	if (mg_seq_lt(seq, d->rec_base)) {
		uint32_t skip = d->rec_base - seq;
		if (skip >= len) {
			if (st)
				st->acked_bytes += len;
			return MG_R_NONE;
		}
		if (st)
			st->acked_bytes += skip;
		p += skip;
		len -= skip;
		seq = d->rec_base;
	}
	uint32_t off = seq - d->rec_base;
	if ((uint64_t)off + len > sz)
		return MG_R_TCPN_REC_BOUND;

	/* At most two linear pieces of the ring (the range may wrap). */
	uint32_t at = seq & (sz - 1);
	uint32_t n1 = (uint32_t)len < sz - at ? (uint32_t)len : sz - at;
	bool had = false;
	if (d->rec != NULL && d->rec_have != 0) {
		if (map_cmp(rec_map(cfg, d), d->rec, at, p, n1, &had) ||
		    map_cmp(rec_map(cfg, d), d->rec, 0, p + n1, (uint32_t)len - n1, &had))
			return MG_R_TCPN_CONFLICT;
	}
	if (had && st)
		st->retrans_same++;
	if (d->rec == NULL) {
		/* Buffers come with a zero bitmap and go back with one. */
		d->rec =
		    cfg->buf_get ? cfg->buf_get(cfg->buf_ud) : calloc(1, mg_tcpn_buf_bytes(sz));
		if (d->rec == NULL)
			return MG_R_TCPN_NO_BUFFER;
		d->rec_have = 0;
	}
	/* Bytes already present are equal (compared above): copy all. */
	uint64_t *map = rec_map(cfg, d);
	memcpy(d->rec + at, p, n1);
	memcpy(d->rec, p + n1, len - n1);
	d->rec_have += map_set(map, at, n1) + map_set(map, 0, (uint32_t)len - n1);
	return MG_R_NONE;
}

/* ---- the segment ------------------------------------------------------------ */

void mg_tcpn_init(struct mg_tcpn *n)
{
	memset(n, 0, sizeof(*n));
}

void mg_tcpn_release(const struct mg_tcpn_cfg *cfg, struct mg_tcpn *n)
{
	rec_put(cfg, &n->d[0]);
	rec_put(cfg, &n->d[1]);
}

static uint8_t ip_ttl(const uint8_t *frame, const struct mg_pkt *pk)
{
	return pk->ip_ver == 6 ? frame[pk->l3_off + 7] : frame[pk->l3_off + 8];
}

enum mg_reason mg_tcpn_segment(const struct mg_tcpn_cfg *cfg, struct mg_tcpn *n, uint8_t dir,
                               const uint8_t *frame, const struct mg_pkt *pk, unsigned csum,
                               struct mg_tcpn_stats *st)
{
	struct mg_tcpn_dir *a = &n->d[dir & 1], *b = &n->d[(dir & 1) ^ 1];
	uint8_t fl = pk->tcp_flags;
	bool syn = fl & MG_TCP_SYN, rst = fl & MG_TCP_RST, ack = fl & MG_TCP_ACK;
	uint32_t len = pk->payload_len;
	uint32_t seq = pk->seq;
	uint32_t data_seq = seq + (syn ? 1u : 0u);
	size_t l3hl = (size_t)(pk->l4_off - pk->l3_off);
	uint8_t ttl = ip_ttl(frame, pk);
	struct mg_tcpn_opts o;
	enum mg_reason why;

	/* IP: header checksum, options / extension headers (source routing,
	 * router alert, … : receivers differ, and MMS never needs them). */
	if (pk->ip_ver == 4) {
		if (csum & MG_TCPN_IP_CSUM_BAD)
			return MG_R_TCPN_IP_CSUM;
		if (!(csum & MG_TCPN_IP_CSUM_GOOD) && !cfg->host_capture &&
		    !mg_tcpn_ip4_csum_ok(frame + pk->l3_off, l3hl))
			return MG_R_TCPN_IP_CSUM;
		if (l3hl != 20)
			return MG_R_TCPN_IP_OPTIONS;
	} else if (l3hl != 40) {
		return MG_R_TCPN_IP_OPTIONS;
	}
	if (csum & MG_TCPN_L4_CSUM_BAD)
		return MG_R_TCPN_TCP_CSUM;
	if (!(csum & MG_TCPN_L4_CSUM_GOOD) && !cfg->host_capture && !mg_tcpn_tcp_csum_ok(frame, pk))
		return MG_R_TCPN_TCP_CSUM;
	/* A TTL below the one the handshake came with may expire on a router
	 * between gate and receiver: inspected here, never delivered there. */
	if (a->sent && ttl < a->ttl)
		return MG_R_TCPN_TTL;

	if (mg_tcpn_opts_parse(frame + pk->l4_off + 20, (size_t)(pk->payload_off - pk->l4_off) - 20,
	                       &o) != MG_OK)
		return MG_R_TCPN_BAD_OPTIONS;
	if ((fl & (MG_TCP_SYN | MG_TCP_FIN)) == (MG_TCP_SYN | MG_TCP_FIN) ||
	    (fl & (MG_TCP_SYN | MG_TCP_RST)) == (MG_TCP_SYN | MG_TCP_RST) || (fl & 0x3f) == 0)
		return MG_R_TCPN_BAD_FLAGS;
	/* Urgent data is taken out of the stream by some stacks and not by
	 * others (RFC 6093): refused, MMS never uses it. */
	if (fl & MG_TCP_URG)
		return MG_R_TCPN_URGENT;
	if (syn && len)
		return MG_R_TCPN_SYN_DATA;
	if (rst && len)
		return MG_R_TCPN_RST_DATA;

	if (n->hs && !syn) {
		if (!ack && !rst)
			return MG_R_TCPN_NO_ACK;
		/* ACK of data the peer never sent: the receiver drops the
		 * segment, data included (RFC 5961 §5.2). */
		if (ack && b->sent && mg_seq_lt(b->snd_max, pk->ack))
			return MG_R_TCPN_ACK_UNSENT;
		if (rst) {
			/* Outside the window a receiver ignores a RST; the gate
			 * must not close what the receiver keeps open. */
			if (b->ack_seen && (mg_seq_lt(seq, b->ack) || mg_seq_lt(b->right, seq)))
				return MG_R_TCPN_RST_WINDOW;
		} else if (len || (fl & MG_TCP_FIN)) {
			/* PAWS (RFC 7323 §5): a stale TSval is discarded. */
			if (n->ts && o.has_ts && a->ts_seen &&
			    (int32_t)(a->ts_recent - o.tsval) > 1)
				return MG_R_TCPN_PAWS;
			if (len && b->mss && len > b->mss && !cfg->host_capture)
				return MG_R_TCPN_OVER_MSS;
			/* Beyond the right edge the receiver announced; a
			 * one-byte probe of a zero window passes (the record
			 * keeps it, so its resend cannot differ). */
			if (len && b->ack_seen && mg_seq_lt(b->right, seq + len) &&
			    !(len == 1 && b->last_win == 0 && seq == b->right))
				return MG_R_TCPN_WINDOW;
		}
	}

	/* Every check passed: record the bytes (may still refuse). */
	if (len) {
		why = rec_bytes(cfg, a, data_seq, frame + pk->payload_off, len, st);
		if (why != MG_R_NONE)
			return why;
	}

	/* State. */
	if (!a->sent) {
		a->sent = 1;
		a->ttl = ttl;
		a->snd_max = seq;
	}
	if (syn) {
		/* The bar is the highest TTL of the SYNs: a first SYN that
		 * expired before the receiver (low TTL), then a resend that got
		 * there, must not let data with that low TTL through. */
		if (ttl > a->ttl)
			a->ttl = ttl;
		a->syn = 1;
		a->isn = seq;
		a->mss = o.has_mss ? o.mss : 0;
		a->opt_ws = o.has_ws;
		a->wscale = o.has_ws ? o.wscale : 0;
		a->opt_sack = o.sack_ok;
		a->opt_ts = o.has_ts;
		a->snd_max = seq + 1;
		if (!a->rec_init) {
			a->rec_base = seq + 1;
			a->rec_init = 1;
		}
		if (a->syn && b->syn) {
			n->hs = true;
			n->ws = a->opt_ws && b->opt_ws;
			n->ts = a->opt_ts && b->opt_ts;
			n->sack = a->opt_sack && b->opt_sack;
		}
	}
	uint32_t end = data_seq + len + ((fl & MG_TCP_FIN) ? 1u : 0u);
	if (!rst && mg_seq_lt(a->snd_max, end))
		a->snd_max = end;
	if (ack && !rst) {
		uint32_t win = (uint32_t)pk->win << (syn || !n->ws ? 0 : a->wscale);
		if (!a->ack_seen || mg_seq_lt(a->ack, pk->ack))
			a->ack = pk->ack;
		if (!a->ack_seen || mg_seq_lt(a->right, pk->ack + win))
			a->right = pk->ack + win;
		a->last_win = win;
		a->ack_seen = 1;
		rec_ack(cfg, b, pk->ack);
	}
	if (o.has_ts && !rst &&
	    (!a->ts_seen || ((int32_t)(o.tsval - a->ts_recent) >= 0 &&
	                     (!b->ack_seen || mg_seq_le(seq, b->ack))))) {
		a->ts_recent = o.tsval;
		a->ts_seen = 1;
	}
	return MG_R_NONE;
}
