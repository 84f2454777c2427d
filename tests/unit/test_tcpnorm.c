/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_tcpn: every normalisation check refuses its segment under its own
 * reason and changes nothing; legitimate traffic (handshake, data, ACKs,
 * keepalives at snd_una-1, zero-window probes, identical retransmissions,
 * sequence wrap-around) passes; a retransmission with different bytes is a
 * conflict until the receiver's ACK covers it, never after. Frames are
 * built here with an independent checksum; the generator's frames (whose
 * checksums tshark verifies in the differential test) cross-check it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mg_gen.h"
#include "mg_pkt.h"
#include "mg_tcpnorm.h"

/* ---- a small frame builder -------------------------------------------------- */

struct ep {
	uint8_t ip[16];
	uint16_t port;
	uint32_t seq; /* next sequence number to send */
};

struct tconn {
	struct ep e[2]; /* [0] client, [1] server */
	bool v6;
	uint8_t ttl;
	uint16_t win;
	const uint8_t *ipopt; /* IPv4 options / IPv6 extension header bytes */
	size_t ipopt_len;
	const uint8_t *tcpopt;
	size_t tcpopt_len;
	bool bad_ip_csum, bad_tcp_csum;
	uint16_t urp;
};

static uint16_t ref_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void w32(uint8_t *p, uint32_t v)
{
	w16(p, v >> 16);
	w16(p + 2, v);
}

/* Frame from e[dir] with explicit seq/ack; returns its length. */
static size_t frame_at(uint8_t *buf, const struct tconn *c, int dir, uint8_t flags, uint32_t seq,
                       uint32_t ack, const void *pl, size_t len)
{
	const struct ep *s = &c->e[dir], *d = &c->e[!dir];
	/* IPv6: ipopt[0] is the first extension header's type, then its bytes. */
	size_t ext = c->v6 ? (c->ipopt_len ? c->ipopt_len - 1 : 0) : c->ipopt_len;
	size_t iphl = (c->v6 ? 40 : 20) + ext;
	size_t thl = 20 + c->tcpopt_len;
	uint8_t *ip = buf + 14, *tcp;
	uint32_t sum = 0;

	memset(buf, 0, 14 + iphl + thl + len);
	buf[0] = 2;
	buf[6] = 4;
	w16(buf + 12, c->v6 ? 0x86DD : 0x0800);
	if (!c->v6) {
		ip[0] = (uint8_t)(0x40 | (iphl / 4));
		w16(ip + 2, (uint32_t)(iphl + thl + len));
		w16(ip + 6, 0x4000);
		ip[8] = c->ttl;
		ip[9] = 6;
		memcpy(ip + 12, s->ip, 4);
		memcpy(ip + 16, d->ip, 4);
		if (c->ipopt_len)
			memcpy(ip + 20, c->ipopt, c->ipopt_len);
		w16(ip + 10, ref_csum(ip, iphl, 0) ^ (c->bad_ip_csum ? 0x0101 : 0));
		for (int i = 0; i < 8; i += 2)
			sum += (uint32_t)(ip[12 + i] << 8 | ip[13 + i]);
	} else {
		w32(ip, 0x60000000u);
		w16(ip + 4, (uint32_t)(ext + thl + len));
		ip[6] = c->ipopt_len ? c->ipopt[0] : 6; /* first ext header's type */
		ip[7] = c->ttl;
		memcpy(ip + 8, s->ip, 16);
		memcpy(ip + 24, d->ip, 16);
		if (ext)
			memcpy(ip + 40, c->ipopt + 1, ext);
		for (int i = 0; i < 32; i += 2)
			sum += (uint32_t)(ip[8 + i] << 8 | ip[9 + i]);
	}
	tcp = ip + iphl;
	w16(tcp, s->port);
	w16(tcp + 2, d->port);
	w32(tcp + 4, seq);
	w32(tcp + 8, ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = flags;
	w16(tcp + 14, c->win);
	w16(tcp + 18, c->urp);
	if (c->tcpopt_len)
		memcpy(tcp + 20, c->tcpopt, c->tcpopt_len);
	if (len)
		memcpy(tcp + thl, pl, len);
	sum += 6 + (uint32_t)(thl + len);
	w16(tcp + 16, ref_csum(tcp, thl + len, sum) ^ (c->bad_tcp_csum ? 0x0101 : 0));
	return 14 + iphl + thl + len;
}

static const struct mg_tcpn_cfg cfg0 = {.rec_size = 4096};

/* Parse and normalise one frame. */
static enum mg_reason seg_at(struct mg_tcpn *n, const struct tconn *c, int dir, uint8_t flags,
                             uint32_t seq, uint32_t ack, const void *pl, size_t len)
{
	uint8_t buf[2048];
	struct mg_pkt pk;
	size_t fl = frame_at(buf, c, dir, flags, seq, ack, pl, len);

	/* Exact-size copy so ASan sees over-reads. */
	uint8_t *f = malloc(fl);
	memcpy(f, buf, fl);
	cr_assert_eq(mg_pkt_parse(f, fl, &pk), MG_PKT_OK);
	enum mg_reason r = mg_tcpn_segment(&cfg0, n, (uint8_t)dir, f, &pk, 0, NULL);
	free(f);
	return r;
}

/* Send from e[dir] at its current seq, acking everything of the peer. */
static enum mg_reason sendx(struct mg_tcpn *n, struct tconn *c, int dir, uint8_t flags,
                            const void *pl, size_t len)
{
	enum mg_reason r = seg_at(n, c, dir, flags, c->e[dir].seq, c->e[!dir].seq, pl, len);
	if (r == MG_R_NONE)
		c->e[dir].seq += (uint32_t)len + ((flags & (MG_TCP_SYN | MG_TCP_FIN)) ? 1u : 0u);
	return r;
}

static const uint8_t syn_opts[] = {
    0x02, 0x04, 0x05, 0xb4,                     /* MSS 1460 */
    0x04, 0x02,                                 /* SACK permitted */
    0x08, 0x0a, 0,    0,    0, 100, 0, 0, 0, 0, /* TS val 100 */
    0x01, 0x03, 0x03, 0x07,                     /* NOP, WS 7 */
};

static void conn_init(struct tconn *c, bool v6, uint32_t isn_c, uint32_t isn_s)
{
	memset(c, 0, sizeof(*c));
	c->v6 = v6;
	if (v6) {
		c->e[0].ip[0] = 0xfd;
		c->e[0].ip[15] = 1;
		c->e[1].ip[0] = 0xfd;
		c->e[1].ip[15] = 2;
	} else {
		memcpy(c->e[0].ip, (uint8_t[]){10, 0, 0, 1}, 4);
		memcpy(c->e[1].ip, (uint8_t[]){10, 0, 0, 2}, 4);
	}
	c->e[0].port = 40000;
	c->e[1].port = 102;
	c->e[0].seq = isn_c;
	c->e[1].seq = isn_s;
	c->ttl = 64;
	c->win = 512; /* with WS 7: 64 KiB */
}

/* Handshake with MSS, SACK, timestamps and window scale on both sides;
 * win_update: the server then announces its scaled window in an ACK. */
static void handshake_w(struct mg_tcpn *n, struct tconn *c, bool win_update)
{
	mg_tcpn_init(n);
	c->tcpopt = syn_opts;
	c->tcpopt_len = sizeof(syn_opts);
	cr_assert_eq(seg_at(n, c, 0, MG_TCP_SYN, c->e[0].seq, 0, NULL, 0), MG_R_NONE);
	c->e[0].seq++;
	cr_assert_eq(sendx(n, c, 1, MG_TCP_SYN | MG_TCP_ACK, NULL, 0), MG_R_NONE);
	c->tcpopt = NULL;
	c->tcpopt_len = 0;
	cr_assert_eq(sendx(n, c, 0, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	cr_assert(n->hs && n->ws && n->ts && n->sack);
	cr_assert_eq(n->d[0].mss, 1460);
	cr_assert_eq(n->d[1].wscale, 7);
	if (win_update)
		cr_assert_eq(sendx(n, c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE);
}

static void handshake(struct mg_tcpn *n, struct tconn *c)
{
	handshake_w(n, c, true);
}

/* TS option block (NOP NOP TS) for data segments. */
static uint8_t ts_opt[12];
static void use_ts(struct tconn *c, uint32_t val)
{
	static const uint8_t h[4] = {1, 1, 8, 10};
	memcpy(ts_opt, h, 4);
	w32(ts_opt + 4, val);
	w32(ts_opt + 8, 0);
	c->tcpopt = ts_opt;
	c->tcpopt_len = 12;
}

#define DATA "0123456789abcdefghijklmnopqrstuvwxyz"

/* ---- checksums --------------------------------------------------------------- */

Test(tcpnorm, checksum_known_vector)
{
	/* The classic IPv4 header example: checksum 0xb861. */
	static const uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                               0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint8_t bad[20];
	cr_assert(mg_tcpn_ip4_csum_ok(ip, 20));
	memcpy(bad, ip, 20);
	bad[15] ^= 0x40;
	cr_assert_not(mg_tcpn_ip4_csum_ok(bad, 20));
	/* Odd length sums as if padded with a zero byte. */
	cr_assert_eq(mg_tcpn_fold(mg_tcpn_sum((const uint8_t *)"\x01\x02\x03", 3, 0)), 0x0402);
}

static void gen_sink(void *ud, const uint8_t *f, size_t len)
{
	int *count = ud;
	struct mg_pkt pk;
	cr_assert_eq(mg_pkt_parse(f, len, &pk), MG_PKT_OK);
	if (pk.ip_ver == 4)
		cr_assert(mg_tcpn_ip4_csum_ok(f + pk.l3_off, 20));
	cr_assert(mg_tcpn_tcp_csum_ok(f, &pk), "generator frame %d fails", *count);
	(*count)++;
}

Test(tcpnorm, checksum_matches_generator_v4_v6)
{
	struct mg_gen_conn g;
	int count = 0;
	uint8_t v6a[16] = {0xfd, [15] = 1}, v6b[16] = {0xfd, [15] = 2};
	uint8_t pl[301];

	memset(pl, 0xa5, sizeof(pl));
	mg_gen_conn_init4(&g, 0x0a000001, 40000, 0x0a000002, 102,
	                  (struct mg_gen_sink){.fn = gen_sink, .ud = &count});
	mg_gen_conn_handshake(&g);
	mg_gen_conn_send(&g, 0, pl, sizeof(pl)); /* odd length */
	mg_gen_conn_init6(&g, v6a, 40000, v6b, 102,
	                  (struct mg_gen_sink){.fn = gen_sink, .ud = &count});
	mg_gen_conn_handshake(&g);
	mg_gen_conn_send(&g, 1, pl, 300);
	cr_assert_geq(count, 8);
}

static void bad_csum(bool v6)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, v6, 1000, 5000);
	handshake(&n, &c);
	c.bad_tcp_csum = true;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_PSH, DATA, 10), MG_R_TCPN_TCP_CSUM);
	c.bad_tcp_csum = false;
	if (!v6) {
		c.bad_ip_csum = true;
		cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_PSH, DATA, 10),
		             MG_R_TCPN_IP_CSUM);
		c.bad_ip_csum = false;
	}
	/* Nothing was recorded: the real segment with other bytes passes. */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_PSH, "ABCDEFGHIJ", 10), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, bad_checksums_v4)
{
	bad_csum(false);
}
Test(tcpnorm, bad_checksum_v6)
{
	bad_csum(true);
}

Test(tcpnorm, offload_flags_trusted)
{
	struct mg_tcpn n;
	struct tconn c;
	uint8_t buf[256];
	struct mg_pkt pk;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	c.bad_tcp_csum = true;
	size_t fl = frame_at(buf, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, DATA, 4);
	cr_assert_eq(mg_pkt_parse(buf, fl, &pk), MG_PKT_OK);
	/* The NIC said bad: bad, whatever the bytes. The NIC said good: trusted. */
	cr_assert_eq(mg_tcpn_segment(&cfg0, &n, 0, buf, &pk, MG_TCPN_L4_CSUM_BAD, NULL),
	             MG_R_TCPN_TCP_CSUM);
	cr_assert_eq(mg_tcpn_segment(&cfg0, &n, 0, buf, &pk, MG_TCPN_IP_CSUM_BAD, NULL),
	             MG_R_TCPN_IP_CSUM);
	cr_assert_eq(mg_tcpn_segment(&cfg0, &n, 0, buf, &pk,
	                             MG_TCPN_IP_CSUM_GOOD | MG_TCPN_L4_CSUM_GOOD, NULL),
	             MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

/* ---- IP layer ------------------------------------------------------------------ */

Test(tcpnorm, ip_options_and_ext_headers)
{
	struct mg_tcpn n;
	struct tconn c;
	/* Loose source route (type 131), padded with EOL. */
	static const uint8_t lsrr[8] = {131, 7, 4, 10, 0, 0, 9, 0};
	/* IPv6: destination options header (60), 8 bytes of PadN. */
	static const uint8_t dstopt[9] = {60, 6, 0, 1, 4, 0, 0, 0, 0};

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	c.ipopt = lsrr;
	c.ipopt_len = sizeof(lsrr);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_IP_OPTIONS);
	mg_tcpn_release(&cfg0, &n);

	conn_init(&c, true, 1000, 5000);
	handshake(&n, &c);
	c.ipopt = dstopt;
	c.ipopt_len = sizeof(dstopt);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_IP_OPTIONS);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, ttl_below_handshake)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	c.ttl = 3;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_TTL);
	c.ttl = 64;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, "XXXXX", 5), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

/* A first SYN with hop limit 1 (it expires on the router before the IED),
 * its resend with 64: data with hop limit 1 must still be refused. */
Test(tcpnorm, ttl_low_first_syn_v6)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, true, 1000, 5000);
	mg_tcpn_init(&n);
	c.tcpopt = syn_opts;
	c.tcpopt_len = sizeof(syn_opts);
	c.ttl = 1;
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_SYN, c.e[0].seq, 0, NULL, 0), MG_R_NONE);
	c.ttl = 64;
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_SYN, c.e[0].seq, 0, NULL, 0), MG_R_NONE);
	c.e[0].seq++;
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_SYN | MG_TCP_ACK, NULL, 0), MG_R_NONE);
	c.tcpopt = NULL;
	c.tcpopt_len = 0;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	c.ttl = 1;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_TTL);
	c.ttl = 64;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, "XXXXX", 5), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

/* ---- TCP header ----------------------------------------------------------------- */

Test(tcpnorm, flags_urgent_syn_rst_data)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_URG, DATA, 5), MG_R_TCPN_URGENT);
	c.urp = 1;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_URG | MG_TCP_PSH, DATA, 5),
	             MG_R_TCPN_URGENT);
	c.urp = 0;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_RST, DATA, 5), MG_R_TCPN_RST_DATA);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_SYN, DATA, 5), MG_R_TCPN_SYN_DATA);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_SYN | MG_TCP_FIN, NULL, 0), MG_R_TCPN_BAD_FLAGS);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_SYN | MG_TCP_RST, NULL, 0), MG_R_TCPN_BAD_FLAGS);
	cr_assert_eq(sendx(&n, &c, 0, 0, DATA, 5), MG_R_TCPN_BAD_FLAGS);
	/* After the handshake a segment must carry ACK. */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_PSH, DATA, 5), MG_R_TCPN_NO_ACK);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_FIN, NULL, 0), MG_R_TCPN_NO_ACK);
	/* None of them left a trace: other bytes at the same place pass. */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_PSH, "VWXYZ", 5), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, syn_with_data_refused_before_handshake)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	mg_tcpn_init(&n);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_SYN, 1000, 0, DATA, 4), MG_R_TCPN_SYN_DATA);
	cr_assert_not(n.d[0].syn);
}

Test(tcpnorm, malformed_options)
{
	struct mg_tcpn n;
	struct tconn c;
	static const uint8_t o1[4] = {0x02, 0x05, 0x05, 0xb4}; /* MSS past the header */
	static const uint8_t o2[4] = {0x08, 0x01, 0x00, 0x00}; /* length < 2 */
	static const uint8_t o3[4] = {0x03, 0x02, 0x00, 0x00}; /* WS length 2 */
	static const uint8_t ok[4] = {0x01, 0x01, 0x00, 0x00}; /* NOP NOP EOL */

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	c.tcpopt_len = 4;
	c.tcpopt = o1;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_BAD_OPTIONS);
	c.tcpopt = o2;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_BAD_OPTIONS);
	c.tcpopt = o3;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_BAD_OPTIONS);
	c.tcpopt = ok;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

/* ---- state --------------------------------------------------------------------- */

Test(tcpnorm, ack_of_unsent_data)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq + 1, DATA, 5),
	             MG_R_TCPN_ACK_UNSENT);
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, DATA, 20), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, DATA, 5), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq + 5, c.e[1].seq + 1, DATA, 5),
	             MG_R_TCPN_ACK_UNSENT);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, paws_stale_timestamp)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	use_ts(&c, 1000);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_NONE);
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE); /* server acks */
	use_ts(&c, 900);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_PAWS);
	use_ts(&c, 999); /* within the 1-tick tolerance */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_NONE);
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	/* TSval wraps around 2^32 and stays monotonic. */
	static const uint32_t up[3] = {0x7fffffffu, 0xfffffff0u, 5};
	for (int i = 0; i < 3; i++) {
		use_ts(&c, up[i]);
		cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_NONE);
		cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	}
	use_ts(&c, 0xfffffff0u);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, DATA, 5), MG_R_TCPN_PAWS);
	/* A RST is never subject to PAWS. */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_RST | MG_TCP_ACK, NULL, 0), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, data_outside_window_and_over_mss)
{
	struct mg_tcpn n;
	struct tconn c;
	static uint8_t big[1500];

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	/* Server window: 512 << 7 = 65536 from its last ACK. */
	uint32_t edge = c.e[0].seq + 65536;
	/* Within the window (but past the 4 KiB record), then one byte over. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, edge - 10, c.e[1].seq, DATA, 10),
	             MG_R_TCPN_REC_BOUND);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, edge - 10, c.e[1].seq, DATA, 11),
	             MG_R_TCPN_WINDOW);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, edge, c.e[1].seq, DATA, 1), MG_R_TCPN_WINDOW);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, edge + 100000, c.e[1].seq, DATA, 5),
	             MG_R_TCPN_WINDOW);
	/* The server's MSS is 1460. */
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, big, 1461), MG_R_TCPN_OVER_MSS);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, big, 1460), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, zero_window_probe_passes)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	c.win = 0; /* the server's receive window is closed from the start */
	handshake_w(&n, &c, false);
	c.win = 512;
	/* BSD-style probe: one new byte at the closed edge, sent again later. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, "q", 1), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, "q", 1), MG_R_NONE);
	/* Two bytes are no probe; a different probe byte is a conflict. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, "qq", 2),
	             MG_R_TCPN_WINDOW);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, "z", 1),
	             MG_R_TCPN_CONFLICT);
	/* Linux-style probe: no data at snd_una - 1. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, c.e[0].seq - 1, c.e[1].seq, NULL, 0), MG_R_NONE);
	/* The window opens: the probed byte and what follows go on. */
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, "q0123", 5), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, rst_outside_window)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_RST, c.e[0].seq + 70000, 0, NULL, 0),
	             MG_R_TCPN_RST_WINDOW);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_RST, c.e[0].seq - 1, 0, NULL, 0),
	             MG_R_TCPN_RST_WINDOW);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_RST, c.e[0].seq + 100, 0, NULL, 0), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

/* ---- retransmissions ------------------------------------------------------------- */

static void retrans_case(uint32_t isn_c)
{
	struct mg_tcpn n;
	struct tconn c;
	struct mg_tcpn_stats st = {0};

	conn_init(&c, false, isn_c, 5000);
	handshake(&n, &c);
	uint32_t s0 = c.e[0].seq;
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK | MG_TCP_PSH, DATA, 20), MG_R_NONE);
	/* Same bytes again (whole, or re-segmented across the old boundary): ok. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0, c.e[1].seq, DATA, 20), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 15, c.e[1].seq, DATA "123456", 5 + 0),
	             MG_R_TCPN_CONFLICT); /* "01234" at offset 15 ≠ "fghij" */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 15, c.e[1].seq, "fghijKLMNO", 10),
	             MG_R_NONE);
	c.e[0].seq = s0 + 25;
	/* One byte changed in the middle: conflict, also when mostly equal. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0, c.e[1].seq, "0123456789abXdefghij", 20),
	             MG_R_TCPN_CONFLICT);
	/* The receiver acknowledges 10 bytes: those are no longer compared
	 * (keepalive byte at snd_una - 1 with any value). */
	cr_assert_eq(seg_at(&n, &c, 1, MG_TCP_ACK, c.e[1].seq, s0 + 10, NULL, 0), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 9, c.e[1].seq, "\0", 1), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0, c.e[1].seq, "XXXXXXXXXXabcdefghij", 20),
	             MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0, c.e[1].seq, "XXXXXXXXXXabcdeXghij", 20),
	             MG_R_TCPN_CONFLICT);
	/* Everything acknowledged: the record is returned. */
	cr_assert_eq(seg_at(&n, &c, 1, MG_TCP_ACK, c.e[1].seq, s0 + 25, NULL, 0), MG_R_NONE);
	cr_assert_null(n.d[0].rec);
	cr_assert_eq(n.d[0].rec_have, 0);
	cr_assert_geq(st.retrans_same, 0);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, conflicting_retransmission)
{
	retrans_case(1000);
}

Test(tcpnorm, conflicting_retransmission_across_wraparound)
{
	retrans_case(0xfffffff0u); /* data seq wraps 2^32 inside the segment */
}

Test(tcpnorm, out_of_order_copies_compared)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 0xffffff00u, 5000);
	handshake(&n, &c);
	uint32_t s0 = c.e[0].seq;
	/* A segment ahead of a hole, then a second copy of it that differs. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 250, c.e[1].seq, DATA, 10), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 245, c.e[1].seq, "xxxxx01234", 10),
	             MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, s0 + 255, c.e[1].seq, "5678Z", 5),
	             MG_R_TCPN_CONFLICT);
	mg_tcpn_release(&cfg0, &n);
}

Test(tcpnorm, record_bound_and_buffer_failure)
{
	struct mg_tcpn n;
	struct tconn c;
	static uint8_t big[1400];

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	/* 4 KiB of unacknowledged bytes fill the record; the next is refused
	 * and passes once the receiver acknowledges. */
	for (int i = 0; i < 2; i++)
		cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, big, 1400), MG_R_NONE);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, big, 1400), MG_R_TCPN_REC_BOUND);
	cr_assert_eq(sendx(&n, &c, 1, MG_TCP_ACK, NULL, 0), MG_R_NONE);
	cr_assert_eq(sendx(&n, &c, 0, MG_TCP_ACK, big, 1400), MG_R_NONE);
	mg_tcpn_release(&cfg0, &n);
}

static void *no_buf(void *ud)
{
	(void)ud;
	return NULL;
}

Test(tcpnorm, no_record_buffer)
{
	struct mg_tcpn n;
	struct tconn c;
	struct mg_tcpn_cfg cf = {.rec_size = 4096, .buf_get = no_buf};
	uint8_t buf[256];
	struct mg_pkt pk;

	conn_init(&c, false, 1000, 5000);
	handshake(&n, &c);
	size_t fl = frame_at(buf, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, DATA, 4);
	cr_assert_eq(mg_pkt_parse(buf, fl, &pk), MG_PKT_OK);
	cr_assert_eq(mg_tcpn_segment(&cf, &n, 0, buf, &pk, 0, NULL), MG_R_TCPN_NO_BUFFER);
	/* Pure ACKs need no buffer. */
	fl = frame_at(buf, &c, 0, MG_TCP_ACK, c.e[0].seq, c.e[1].seq, NULL, 0);
	cr_assert_eq(mg_pkt_parse(buf, fl, &pk), MG_PKT_OK);
	cr_assert_eq(mg_tcpn_segment(&cf, &n, 0, buf, &pk, 0, NULL), MG_R_NONE);
}

Test(tcpnorm, midstream_pickup_stateless_only)
{
	struct mg_tcpn n;
	struct tconn c;

	conn_init(&c, false, 1000, 5000);
	mg_tcpn_init(&n);
	/* No handshake: no window or ACK checks, but the record works. */
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, 777777, 123, DATA, 10), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, 777777, 123, "0123456789", 10), MG_R_NONE);
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, 777777, 123, "01234X6789", 10),
	             MG_R_TCPN_CONFLICT);
	c.bad_tcp_csum = true;
	cr_assert_eq(seg_at(&n, &c, 0, MG_TCP_ACK, 777787, 123, DATA, 10), MG_R_TCPN_TCP_CSUM);
	mg_tcpn_release(&cfg0, &n);
}
