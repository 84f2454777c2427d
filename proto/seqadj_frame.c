/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-frame side of TCP sequence translation (mg_seqadj.h): applies a
 * flow's translation to an Ethernet/IP/TCP frame in place — cutting dropped
 * payload when a segment carries it, fixing lengths and checksums — and
 * builds the segments the gate originates (injected answers, ACKs, RSTs)
 * from a frame of the same direction. Kept apart from seqadj.c so the
 * translation logic stays free of frame layout; both are DPDK-free so the
 * dataplane only copies bytes into and out of mbufs.
 */
#include <string.h>

#include "mg_pkt.h"
#include "mg_seqadj.h"

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

/* TCP checksum over the pseudo header and seg[0..n) (checksum field 0). */
static void tcp_csum(uint8_t ver, const uint8_t *src, const uint8_t *dst, uint8_t *seg, size_t n)
{
	size_t al = ver == 6 ? 16 : 4;
	uint32_t s = sum16(src, al, 0);
	s = sum16(dst, al, s);
	s += 6; /* protocol */
	s += (uint32_t)n;
	seg[16] = seg[17] = 0;
	s = sum16(seg, n, s);
	uint16_t c = fold(s);
	seg[16] = (uint8_t)(c >> 8);
	seg[17] = (uint8_t)c;
}

static void ip_set_len(uint8_t *frame, const struct mg_pkt *pk, size_t l4_total)
{
	uint8_t *ip = frame + pk->l3_off;
	if (pk->ip_ver == 4) {
		size_t tot = (size_t)(pk->l4_off - pk->l3_off) + l4_total;
		ip[2] = (uint8_t)(tot >> 8);
		ip[3] = (uint8_t)tot;
		ip[10] = ip[11] = 0;
		uint16_t c = fold(sum16(ip, (size_t)(ip[0] & 0x0F) * 4, 0));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	} else {
		size_t pl = (size_t)(pk->l4_off - pk->l3_off - 40) + l4_total;
		ip[4] = (uint8_t)(pl >> 8);
		ip[5] = (uint8_t)pl;
	}
}

size_t mg_seqadj_frame(struct mg_seqadj *sa, uint8_t dir, uint8_t *frame, size_t len, uint64_t now,
                       struct mg_seqadj_plan *plan)
{
	struct mg_pkt pk;

	memset(plan, 0, sizeof(*plan));
	if (mg_pkt_parse(frame, len, &pk) != MG_PKT_OK || pk.ip_proto != 6 || pk.frag) {
		plan->verdict = MG_SEQADJ_FORWARD;
		return len;
	}
	uint8_t *th = frame + pk.l4_off;
	size_t thlen = (size_t)(pk.payload_off - pk.l4_off);
	mg_seqadj_segment(sa, dir, th, thlen, pk.payload_len, now, plan);
	if (plan->verdict == MG_SEQADJ_DROP)
		return 0;
	if (!plan->rewrite)
		return len;
	/* Cut: move the kept ranges together (forward moves only). */
	uint8_t *pay = frame + pk.payload_off;
	size_t w = 0;
	for (unsigned i = 0; i < plan->nkeep; i++) {
		memmove(pay + w, pay + plan->keep[i].off, plan->keep[i].len);
		w += plan->keep[i].len;
	}
	ip_set_len(frame, &pk, thlen + w);
	tcp_csum(pk.ip_ver, pk.src, pk.dst, th, thlen + w);
	size_t n = (size_t)pk.payload_off + w;
	if (n < 60) {
		memset(frame + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

size_t mg_seqadj_frame_build(const struct mg_seqadj *sa, uint8_t dir, const uint8_t *tmpl,
                             size_t tlen, bool tmpl_reversed, uint32_t seq, uint8_t flags,
                             const uint8_t *data, uint16_t dlen, uint8_t *out, size_t cap)
{
	struct mg_pkt pk;
	struct mg_seqadj_hdr h;

	if (mg_pkt_parse(tmpl, tlen, &pk) != MG_PKT_OK || pk.ip_proto != 6 || pk.frag)
		return 0;
	if (tmpl_reversed) { /* a frame of the other direction: swap the ends */
		uint8_t a[16];
		memcpy(a, pk.src, 16);
		memcpy(pk.src, pk.dst, 16);
		memcpy(pk.dst, a, 16);
		uint16_t p = pk.sport;
		pk.sport = pk.dport;
		pk.dport = p;
	}
	mg_seqadj_gate_hdr(sa, dir, &h);
	size_t l3 = pk.ip_ver == 6 ? 40 : 20;
	size_t thl = h.ts_ok ? 32 : 20;
	size_t n = pk.l3_off + l3 + thl + dlen;
	size_t fl = n < 60 ? 60 : n;
	if (fl > cap)
		return 0;
	memset(out, 0, fl);
	memcpy(out, tmpl, pk.l3_off);
	if (tmpl_reversed) {
		memcpy(out, tmpl + 6, 6);
		memcpy(out + 6, tmpl, 6);
	}
	/* the L2 header carries the innermost EtherType last: keep it as is */
	uint8_t *ip = out + pk.l3_off;
	if (pk.ip_ver == 6) {
		ip[0] = 0x60;
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, pk.src, 16);
		memcpy(ip + 24, pk.dst, 16);
	} else {
		ip[0] = 0x45;
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, pk.src, 4);
		memcpy(ip + 16, pk.dst, 4);
	}
	uint8_t *th = ip + l3;
	th[0] = (uint8_t)(pk.sport >> 8);
	th[1] = (uint8_t)pk.sport;
	th[2] = (uint8_t)(pk.dport >> 8);
	th[3] = (uint8_t)pk.dport;
	put32(th + 4, seq);
	put32(th + 8, (flags & MG_TCP_ACK) ? h.ack : 0);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	th[14] = (uint8_t)(h.win >> 8);
	th[15] = (uint8_t)h.win;
	if (h.ts_ok) {
		th[20] = 1;
		th[21] = 1;
		th[22] = 8;
		th[23] = 10;
		put32(th + 24, h.ts_val);
		put32(th + 28, h.ts_ecr);
	}
	if (dlen)
		memcpy(th + thl, data, dlen);
	/* lengths and checksums as for a translated frame */
	struct mg_pkt op = pk;
	op.l4_off = (uint16_t)(pk.l3_off + l3);
	ip_set_len(out, &op, thl + dlen);
	tcp_csum(pk.ip_ver, pk.src, pk.dst, th, thl + dlen);
	return fl;
}
