/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Complete Ethernet frames for the generator: Ethernet II with an optional
 * 802.1Q tag, IPv4 or IPv6, TCP with correct checksums and sequence /
 * acknowledgement numbers tracked per connection (handshake, data split at
 * any point, pure ACKs, FIN exchange), plus GOOSE (IEC 61850-8-1), SV
 * (IEC 61850-9-2) and ARP frames. Connection helpers chain the OSI wrapping
 * of osi_wrap.c so callers think in MMS PDUs, not in bytes.
 */
#include <string.h>

#include "mg_gen.h"

#define FRAME_MAX 65600

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet header (+ 802.1Q) ; returns bytes written. */
static size_t eth_hdr(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
		      uint8_t prio, uint16_t ethertype)
{
	size_t k = 0;
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	k = 12;
	if (vlan != MG_GEN_NO_VLAN) {
		put16(p + k, 0x8100);
		put16(p + k + 2, (uint16_t)((prio & 7) << 13 | (vlan & 0x0FFF)));
		k += 4;
	}
	put16(p + k, ethertype);
	return k + 2;
}

static void mac_for(uint8_t mac[6], const uint8_t ip[16], bool v6, uint8_t role)
{
	mac[0] = 0x02; /* locally administered */
	mac[1] = 0x00;
	mac[2] = role;
	mac[3] = v6 ? ip[13] : ip[1];
	mac[4] = v6 ? ip[14] : ip[2];
	mac[5] = v6 ? ip[15] : ip[3];
}

static void conn_common(struct mg_gen_conn *c, struct mg_gen_sink sink)
{
	c->vlan = MG_GEN_NO_VLAN;
	c->mss = 1460;
	c->ack_each = true;
	c->ctx.acse = 1;
	c->ctx.mms = 3;
	c->next_invoke = 1;
	c->sink = sink;
	for (int d = 0; d < 2; d++) {
		mac_for(c->ep[d].mac, c->ep[d].ip, c->ipv6, (uint8_t)(0x10 + d));
		/* Deterministic but distinct ISNs per endpoint. */
		c->ep[d].seq = 0x10000000u * (uint32_t)(d + 1) + (uint32_t)c->ep[d].port * 977u;
		c->cotp_ref[d] = (uint16_t)(0x0100 + c->ep[d].port % 251 + 0x1000 * d);
	}
	c->ip_id = (uint16_t)(c->ep[0].port * 31u);
}

void mg_gen_conn_init4(struct mg_gen_conn *c, uint32_t cli_ip, uint16_t cli_port,
		       uint32_t srv_ip, uint16_t srv_port, struct mg_gen_sink sink)
{
	memset(c, 0, sizeof(*c));
	put32(c->ep[0].ip, cli_ip);
	put32(c->ep[1].ip, srv_ip);
	c->ep[0].port = cli_port;
	c->ep[1].port = srv_port;
	conn_common(c, sink);
}

void mg_gen_conn_init6(struct mg_gen_conn *c, const uint8_t cli_ip[16], uint16_t cli_port,
		       const uint8_t srv_ip[16], uint16_t srv_port, struct mg_gen_sink sink)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->ep[0].ip, cli_ip, 16);
	memcpy(c->ep[1].ip, srv_ip, 16);
	c->ep[0].port = cli_port;
	c->ep[1].port = srv_port;
	c->ipv6 = true;
	conn_common(c, sink);
}

size_t mg_gen_tcp_frame(uint8_t *buf, size_t cap, struct mg_gen_conn *c, int dir,
			uint8_t flags, const uint8_t *payload, size_t len)
{
	struct mg_gen_ep *s = &c->ep[dir], *d = &c->ep[!dir];
	bool syn = flags & 0x02;
	size_t optlen = syn ? (c->sack_ok ? 8 : 4) : 0;
	size_t tcplen = 20 + optlen + len;
	size_t iphl = c->ipv6 ? 40 : 20;
	size_t need = 18 + iphl + tcplen;
	if (need > cap || iphl + tcplen > 65535)
		return 0;
	size_t k = eth_hdr(buf, d->mac, s->mac, c->vlan, c->vlan_prio, c->ipv6 ? 0x86DD : 0x0800);
	uint8_t *ip = buf + k;
	uint8_t *tcp = ip + iphl;
	uint32_t sum = 0;
	if (!c->ipv6) {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + tcplen));
		put16(ip + 4, c->ip_id++);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = 6;
		put16(ip + 10, 0);
		memcpy(ip + 12, s->ip, 4);
		memcpy(ip + 16, d->ip, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		sum = csum_add(sum, ip + 12, 8);
	} else {
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)tcplen);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, s->ip, 16);
		memcpy(ip + 24, d->ip, 16);
		sum = csum_add(sum, ip + 8, 32);
	}
	sum += 6 + (uint32_t)tcplen;
	put16(tcp, s->port);
	put16(tcp + 2, d->port);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, (flags & 0x10) ? d->seq : 0);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, 8192);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	if (syn) {
		static const uint8_t mss[4] = {0x02, 0x04, 0x05, 0xB4}; /* MSS 1460 */
		static const uint8_t sack[4] = {0x01, 0x01, 0x04, 0x02}; /* NOP NOP SACK-perm */
		memcpy(tcp + 20, mss, 4);
		if (c->sack_ok)
			memcpy(tcp + 24, sack, 4);
	}
	if (len)
		memcpy(tcp + 20 + optlen, payload, len);
	sum = csum_add(sum, tcp, tcplen);
	put16(tcp + 16, csum_fold(sum));
	s->seq += (uint32_t)len + (syn ? 1 : 0) + ((flags & 0x01) ? 1 : 0);
	return k + iphl + tcplen;
}

static void emit_tcp(struct mg_gen_conn *c, int dir, uint8_t flags, const uint8_t *p, size_t n)
{
	static uint8_t frame[FRAME_MAX];
	size_t k = mg_gen_tcp_frame(frame, sizeof(frame), c, dir, flags, p, n);
	if (k && c->sink.fn)
		c->sink.fn(c->sink.ud, frame, k);
}

void mg_gen_conn_handshake(struct mg_gen_conn *c)
{
	emit_tcp(c, 0, 0x02, NULL, 0);        /* SYN */
	emit_tcp(c, 1, 0x12, NULL, 0);        /* SYN, ACK */
	emit_tcp(c, 0, 0x10, NULL, 0);        /* ACK */
}

void mg_gen_conn_ack(struct mg_gen_conn *c, int dir)
{
	emit_tcp(c, dir, 0x10, NULL, 0);
}

void mg_gen_conn_send_cuts(struct mg_gen_conn *c, int dir, const uint8_t *p, size_t len,
			   const size_t *cuts, int ncuts)
{
	size_t off = 0;
	for (int i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		if (end > len)
			end = len;
		if (end <= off)
			continue;
		/* A cut segment may still be longer than the MSS: split it too. */
		while (off < end) {
			size_t n = end - off < c->mss ? end - off : c->mss;
			bool last = off + n == len;
			emit_tcp(c, dir, (uint8_t)(0x10 | (last ? 0x08 : 0)), p + off, n);
			off += n;
		}
	}
	if (c->ack_each)
		mg_gen_conn_ack(c, !dir);
}

void mg_gen_conn_send(struct mg_gen_conn *c, int dir, const uint8_t *p, size_t len)
{
	mg_gen_conn_send_cuts(c, dir, p, len, NULL, 0);
}

void mg_gen_conn_close(struct mg_gen_conn *c, int dir)
{
	emit_tcp(c, dir, 0x11, NULL, 0);  /* FIN, ACK */
	emit_tcp(c, !dir, 0x11, NULL, 0); /* FIN, ACK */
	emit_tcp(c, dir, 0x10, NULL, 0);  /* ACK */
}

size_t mg_gen_conn_wrap_mms(struct mg_gen_conn *c, uint8_t *buf, size_t cap, const uint8_t *mms,
			    size_t mlen)
{
	static uint8_t tsdu[FRAME_MAX];
	size_t t = mg_gen_osi_data(tsdu, sizeof(tsdu), &c->ctx, mms, mlen);
	if (!t)
		return 0;
	return mg_gen_cotp_dt(buf, cap, tsdu, t, c->tpdu_max);
}

void mg_gen_conn_mms(struct mg_gen_conn *c, int dir, const uint8_t *mms, size_t mlen)
{
	static uint8_t stream[FRAME_MAX * 2];
	size_t n = mg_gen_conn_wrap_mms(c, stream, sizeof(stream), mms, mlen);
	if (n)
		mg_gen_conn_send(c, dir, stream, n);
}

static void send_tsdu(struct mg_gen_conn *c, int dir, const uint8_t *tsdu, size_t n)
{
	static uint8_t stream[FRAME_MAX * 2];
	size_t k = mg_gen_cotp_dt(stream, sizeof(stream), tsdu, n, c->tpdu_max);
	if (k)
		mg_gen_conn_send(c, dir, stream, k);
}

void mg_gen_conn_associate(struct mg_gen_conn *c)
{
	uint8_t mms[512], tsdu[8192], tp[64];
	size_t n;
	mg_gen_conn_handshake(c);
	n = mg_gen_cotp_cr(tp, sizeof(tp), c->cotp_ref[0]);
	mg_gen_conn_send(c, 0, tp, n);
	n = mg_gen_cotp_cc(tp, sizeof(tp), c->cotp_ref[0], c->cotp_ref[1]);
	mg_gen_conn_send(c, 1, tp, n);
	n = mg_gen_mms_initiate_req(mms, sizeof(mms), 65000);
	n = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &c->ctx, mms, n);
	send_tsdu(c, 0, tsdu, n);
	n = mg_gen_mms_initiate_resp(mms, sizeof(mms), 65000);
	n = mg_gen_osi_connect_resp(tsdu, sizeof(tsdu), &c->ctx, mms, n);
	send_tsdu(c, 1, tsdu, n);
}

void mg_gen_conn_release(struct mg_gen_conn *c)
{
	uint8_t mms[16], tsdu[128];
	size_t n = mg_gen_mms_conclude_req(mms, sizeof(mms));
	mg_gen_conn_mms(c, 0, mms, n);
	n = mg_gen_mms_conclude_resp(mms, sizeof(mms));
	mg_gen_conn_mms(c, 1, mms, n);
	n = mg_gen_osi_release_req(tsdu, sizeof(tsdu), &c->ctx);
	send_tsdu(c, 0, tsdu, n);
	n = mg_gen_osi_release_resp(tsdu, sizeof(tsdu), &c->ctx);
	send_tsdu(c, 1, tsdu, n);
	mg_gen_conn_close(c, 0);
}

/* ------------------------------------------------------- GOOSE, SV, ARP */

static size_t l2_pdu(uint8_t *buf, size_t cap, const uint8_t dst[6], const uint8_t src[6],
		     uint16_t vlan, uint16_t ethertype, uint16_t appid, const uint8_t *apdu,
		     size_t n)
{
	if (18 + 8 + n > cap || n > 65000)
		return 0;
	size_t k = eth_hdr(buf, dst, src, vlan, 4, ethertype);
	uint8_t *p = buf + k;
	put16(p, appid);
	put16(p + 2, (uint16_t)(8 + n)); /* length from APPID */
	put16(p + 4, 0);                 /* reserved 1 */
	put16(p + 6, 0);                 /* reserved 2 */
	memcpy(p + 8, apdu, n);
	k += 8 + n;
	while (k < 60) /* pad to the Ethernet minimum (FCS excluded) */
		buf[k++] = 0;
	return k;
}

size_t mg_gen_goose_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint16_t vlan,
			  uint16_t appid, const char *gocb_ref, const char *dataset,
			  uint32_t st_num, uint32_t sq_num, bool value)
{
	static const uint8_t dst[6] = {0x01, 0x0C, 0xCD, 0x01, 0x00, 0x01};
	uint8_t apdu[1024];
	struct mg_gen_w w;
	mg_gen_w_init(&w, apdu, sizeof(apdu));
	mg_gen_w_begin(&w, MG_GEN_APPC(1)); /* goosePdu */
	mg_gen_w_str(&w, MG_GEN_CTX(0), gocb_ref);
	mg_gen_w_uint(&w, MG_GEN_CTX(1), 2000); /* timeAllowedtoLive */
	mg_gen_w_str(&w, MG_GEN_CTX(2), dataset);
	mg_gen_w_str(&w, MG_GEN_CTX(3), gocb_ref); /* goID */
	const uint8_t t[8] = {0x69, 0x24, 0xF2, 0x80, 0, 0, 0, 0x0A};
	mg_gen_w_prim(&w, MG_GEN_CTX(4), t, 8);
	mg_gen_w_uint(&w, MG_GEN_CTX(5), st_num);
	mg_gen_w_uint(&w, MG_GEN_CTX(6), sq_num);
	mg_gen_w_bool(&w, MG_GEN_CTX(7), false); /* simulation */
	mg_gen_w_uint(&w, MG_GEN_CTX(8), 1);     /* confRev */
	mg_gen_w_bool(&w, MG_GEN_CTX(9), false); /* ndsCom */
	mg_gen_w_uint(&w, MG_GEN_CTX(10), 2);    /* numDatSetEntries */
	mg_gen_w_begin(&w, MG_GEN_CTXC(11));     /* allData */
	uint8_t b = value ? 1 : 0;
	mg_gen_w_prim(&w, MG_GEN_CTX(3), &b, 1);
	const uint8_t q[3] = {0x03, 0x00, 0x00}; /* quality, 13 bits */
	mg_gen_w_prim(&w, MG_GEN_CTX(4), q, 3);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	size_t n = mg_gen_w_done(&w);
	if (!n)
		return 0;
	return l2_pdu(buf, cap, dst, src_mac, vlan, 0x88B8, appid, apdu, n);
}

size_t mg_gen_sv_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint16_t vlan,
		       uint16_t appid, const char *sv_id, uint16_t smp_cnt)
{
	static const uint8_t dst[6] = {0x01, 0x0C, 0xCD, 0x04, 0x00, 0x01};
	uint8_t apdu[512];
	struct mg_gen_w w;
	mg_gen_w_init(&w, apdu, sizeof(apdu));
	mg_gen_w_begin(&w, MG_GEN_APPC(0)); /* savPdu */
	mg_gen_w_uint(&w, MG_GEN_CTX(0), 1); /* noASDU */
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* seqASDU */
	mg_gen_w_begin(&w, MG_GEN_SEQ);     /* ASDU */
	mg_gen_w_str(&w, MG_GEN_CTX(0), sv_id);
	const uint8_t cnt[2] = {(uint8_t)(smp_cnt >> 8), (uint8_t)smp_cnt};
	mg_gen_w_prim(&w, MG_GEN_CTX(2), cnt, 2);
	const uint8_t rev[4] = {0, 0, 0, 1};
	mg_gen_w_prim(&w, MG_GEN_CTX(3), rev, 4);
	const uint8_t sync = 2; /* global */
	mg_gen_w_prim(&w, MG_GEN_CTX(5), &sync, 1);
	uint8_t seq[64]; /* 4 currents + 4 voltages, value + quality each */
	for (int i = 0; i < 8; i++) {
		int32_t v = (int32_t)((i + 1) * 1000 + smp_cnt % 80);
		put32(seq + 8 * i, (uint32_t)v);
		put32(seq + 8 * i + 4, 0);
	}
	mg_gen_w_prim(&w, MG_GEN_CTX(7), seq, sizeof(seq));
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	size_t n = mg_gen_w_done(&w);
	if (!n)
		return 0;
	return l2_pdu(buf, cap, dst, src_mac, vlan, 0x88BA, appid, apdu, n);
}

size_t mg_gen_arp_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint32_t src_ip,
			uint32_t target_ip, bool reply, const uint8_t target_mac[6])
{
	static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
	static const uint8_t zero[6] = {0};
	if (cap < 60)
		return 0;
	size_t k = eth_hdr(buf, reply ? target_mac : bcast, src_mac, MG_GEN_NO_VLAN, 0, 0x0806);
	uint8_t *p = buf + k;
	put16(p, 1);          /* Ethernet */
	put16(p + 2, 0x0800); /* IPv4 */
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, reply ? 2 : 1);
	memcpy(p + 8, src_mac, 6);
	put32(p + 14, src_ip);
	memcpy(p + 18, reply ? target_mac : zero, 6);
	put32(p + 24, target_ip);
	k += 28;
	while (k < 60)
		buf[k++] = 0;
	return k;
}
