/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_pkt_parse on crafted frames: VLAN stacks, priority tags, IPv4 options
 * and fragments, IPv6 extension header chains, TCP/UDP, Ethernet padding,
 * every malformed-length case, and each valid frame truncated at every
 * length (in an exact-size heap copy so ASan sees any over-read), where
 * the two-step decode (mg_pkt_parse_l2 then _l3) must agree with it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mg_pkt.h"

/* ---- a tiny frame builder ------------------------------------------------ */

struct fb {
	uint8_t b[2048];
	size_t n;
};

static void put(struct fb *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct fb *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static void put16(struct fb *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void eth(struct fb *f)
{
	static const uint8_t macs[12] = {0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10};
	f->n = 0;
	put(f, macs, 12);
}

static void tag(struct fb *f, uint16_t tpid, uint16_t vid, uint8_t prio)
{
	put16(f, tpid);
	put16(f, (uint16_t)(prio << 13 | vid));
}

/* IPv4 header with optlen bytes of options (multiple of 4); returns the
 * offset of the total length field to patch. */
static size_t ipv4(struct fb *f, uint8_t proto, size_t optlen, uint16_t frag)
{
	put16(f, MG_ETH_IPV4);
	size_t start = f->n;
	put8(f, (uint8_t)(0x40 | (5 + optlen / 4)));
	put8(f, 0);
	put16(f, 0); /* total length, patched */
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0x0a000001); /* 10.0.0.1 */
	put32(f, 0x0a000002); /* 10.0.0.2 */
	for (size_t i = 0; i < optlen; i++)
		put8(f, 1); /* NOP */
	return start;
}

static void ipv4_done(struct fb *f, size_t start)
{
	uint16_t tot = (uint16_t)(f->n - start);
	f->b[start + 2] = (uint8_t)(tot >> 8);
	f->b[start + 3] = (uint8_t)tot;
}

static size_t ipv6(struct fb *f, uint8_t nh)
{
	put16(f, MG_ETH_IPV6);
	size_t start = f->n;
	put32(f, 0x60000000);
	put16(f, 0); /* payload length, patched */
	put8(f, nh);
	put8(f, 64);
	for (int i = 0; i < 15; i++)
		put8(f, 0x20);
	put8(f, 1);
	for (int i = 0; i < 15; i++)
		put8(f, 0x20);
	put8(f, 2);
	return start;
}

static void ipv6_done(struct fb *f, size_t start)
{
	uint16_t pl = (uint16_t)(f->n - start - 40);
	f->b[start + 4] = (uint8_t)(pl >> 8);
	f->b[start + 5] = (uint8_t)pl;
}

/* Generic 8*(len+1)-byte extension header. */
static void ext(struct fb *f, uint8_t nh, uint8_t len8)
{
	put8(f, nh);
	put8(f, len8);
	for (int i = 0; i < 6 + 8 * len8; i++)
		put8(f, 0);
}

static void tcp(struct fb *f, uint16_t sp, uint16_t dp, uint32_t seq, uint8_t flags,
		size_t optlen, const char *payload)
{
	put16(f, sp);
	put16(f, dp);
	put32(f, seq);
	put32(f, 0xabcdef01);
	put8(f, (uint8_t)((5 + optlen / 4) << 4));
	put8(f, flags);
	put16(f, 8192);
	put16(f, 0);
	put16(f, 0);
	for (size_t i = 0; i < optlen; i++)
		put8(f, 1);
	put(f, payload, strlen(payload));
}

static void udp(struct fb *f, uint16_t sp, uint16_t dp, const char *payload)
{
	put16(f, sp);
	put16(f, dp);
	put16(f, (uint16_t)(8 + strlen(payload)));
	put16(f, 0);
	put(f, payload, strlen(payload));
}

static enum mg_pkt_status parse_exact(const uint8_t *p, size_t n, struct mg_pkt *out)
{
	/* Exact-size heap copy: any read past n is an ASan error. */
	uint8_t *c = malloc(n ? n : 1);
	cr_assert_not_null(c);
	memcpy(c, p, n);
	enum mg_pkt_status s = mg_pkt_parse(c, n, out);
	/* The dataplane's two steps (L2 first, L3/L4 later) decode the same. */
	struct mg_pkt two;
	memset(&two, 0, sizeof(two));
	enum mg_pkt_status s2 = mg_pkt_parse_l2(c, n, &two);
	if (s2 == MG_PKT_OK)
		s2 = mg_pkt_parse_l3(c, n, &two);
	cr_assert_eq(s2, s, "two-step status %d, one-step %d at length %zu", s2, s, n);
	cr_assert_eq(memcmp(&two, out, sizeof(two)), 0, "two-step decode differs at length %zu", n);
	free(c);
	return s;
}

static void assert_every_truncation_fails(const struct fb *f)
{
	struct mg_pkt pk;
	for (size_t n = 0; n < f->n; n++) {
		enum mg_pkt_status s = parse_exact(f->b, n, &pk);
		cr_assert_neq(s, MG_PKT_OK, "truncated at %zu of %zu parsed OK", n, f->n);
	}
	cr_assert_eq(parse_exact(f->b, f->n, &pk), MG_PKT_OK);
}

/* ---- Ethernet / VLAN ----------------------------------------------------- */

Test(pkt, ipv4_tcp_untagged)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv4(&f, 6, 0, 0);
	tcp(&f, 40000, 102, 0xfffffff0u, MG_TCP_ACK | MG_TCP_PSH, 0, "hello");
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ethertype, MG_ETH_IPV4);
	cr_assert_eq(pk.ntags, 0);
	cr_assert_eq(pk.vid, 0xFFFF);
	cr_assert_eq(pk.inner_vid, 0xFFFF);
	cr_assert_eq(pk.l3_off, 14);
	cr_assert_eq(pk.ip_ver, 4);
	cr_assert_eq(pk.ip_proto, 6);
	cr_assert_not(pk.frag);
	cr_assert_eq(pk.src[0], 10);
	cr_assert_eq(pk.dst[3], 2);
	cr_assert_eq(pk.l4_off, 34);
	cr_assert_eq(pk.sport, 40000);
	cr_assert_eq(pk.dport, 102);
	cr_assert_eq(pk.seq, 0xfffffff0u);
	cr_assert_eq(pk.ack, 0xabcdef01u);
	cr_assert_eq(pk.tcp_flags, MG_TCP_ACK | MG_TCP_PSH);
	cr_assert_eq(pk.win, 8192);
	cr_assert_eq(pk.payload_off, 54);
	cr_assert_eq(pk.payload_len, 5);
	cr_assert_eq(memcmp(f.b + pk.payload_off, "hello", 5), 0);
	assert_every_truncation_fails(&f);
}

Test(pkt, ethernet_padding_not_payload)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv4(&f, 6, 0, 0);
	tcp(&f, 102, 50000, 1, MG_TCP_ACK, 0, "");
	ipv4_done(&f, ip);
	/* 54-byte frame padded to the 60-byte minimum. */
	for (int i = 0; i < 6; i++)
		put8(&f, 0xee);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.payload_len, 0);
	cr_assert_eq(pk.sport, 102);
}

Test(pkt, single_vlan_tag)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	tag(&f, MG_ETH_VLAN, 10, 4);
	size_t ip = ipv4(&f, 6, 0, 0);
	tcp(&f, 1, 102, 7, MG_TCP_SYN, 8, "");
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ntags, 1);
	cr_assert_eq(pk.vid, 10);
	cr_assert_eq(pk.inner_vid, 0xFFFF);
	cr_assert_eq(pk.l3_off, 18);
	cr_assert_eq(pk.tcp_flags, MG_TCP_SYN);
	cr_assert_eq(pk.payload_off, 18 + 20 + 28);
	cr_assert_eq(pk.payload_len, 0);
	assert_every_truncation_fails(&f);
}

Test(pkt, priority_tag_vid0)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	tag(&f, MG_ETH_VLAN, 0, 4);
	put16(&f, MG_ETH_GOOSE);
	put32(&f, 0x00010000);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ntags, 1);
	cr_assert_eq(pk.vid, 0);
	cr_assert_eq(pk.ethertype, MG_ETH_GOOSE);
	cr_assert_eq(pk.ip_ver, 0);
}

Test(pkt, qinq_88a8_and_stacked_8100)
{
	uint16_t outer[2] = {MG_ETH_QINQ, MG_ETH_VLAN};
	for (int k = 0; k < 2; k++) {
		struct fb f;
		struct mg_pkt pk;
		eth(&f);
		tag(&f, outer[k], 100, 0);
		tag(&f, MG_ETH_VLAN, 200, 0);
		size_t ip = ipv4(&f, 17, 0, 0);
		udp(&f, 123, 123, "ntp");
		ipv4_done(&f, ip);
		cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
		cr_assert_eq(pk.ntags, 2);
		cr_assert_eq(pk.vid, 100);
		cr_assert_eq(pk.inner_vid, 200);
		cr_assert_eq(pk.l3_off, 22);
		cr_assert_eq(pk.ip_proto, 17);
		cr_assert_eq(pk.sport, 123);
		cr_assert_eq(pk.payload_len, 3);
		assert_every_truncation_fails(&f);
	}
}

Test(pkt, three_tags_refused)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	tag(&f, MG_ETH_QINQ, 1, 0);
	tag(&f, MG_ETH_VLAN, 2, 0);
	tag(&f, MG_ETH_VLAN, 3, 0);
	put16(&f, MG_ETH_ARP);
	for (int i = 0; i < 28; i++)
		put8(&f, 0);
	cr_assert_eq(parse_exact(f.b, f.n, &pk), MG_PKT_TOO_MANY_TAGS);
}

Test(pkt, non_ip_ethertypes)
{
	uint16_t ets[] = {MG_ETH_ARP, MG_ETH_GOOSE, MG_ETH_SV, MG_ETH_GSE, MG_ETH_PTP, MG_ETH_LLDP,
			  0x0042 /* 802.3 length */};
	for (size_t i = 0; i < sizeof(ets) / sizeof(ets[0]); i++) {
		struct fb f;
		struct mg_pkt pk;
		eth(&f);
		put16(&f, ets[i]);
		cr_assert_eq(parse_exact(f.b, f.n, &pk), MG_PKT_OK);
		cr_assert_eq(pk.ethertype, ets[i]);
		cr_assert_eq(pk.ip_ver, 0);
		cr_assert_eq(pk.l3_off, 14);
	}
}

Test(pkt, short_frames)
{
	uint8_t z[14] = {0};
	struct mg_pkt pk;
	for (size_t n = 0; n < 14; n++)
		cr_assert_eq(parse_exact(z, n, &pk), MG_PKT_TRUNCATED);
}

/* ---- IPv4 ---------------------------------------------------------------- */

Test(pkt, ipv4_options)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv4(&f, 6, 12, 0);
	tcp(&f, 5000, 102, 100, MG_TCP_ACK, 0, "abc");
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.l4_off, 14 + 32);
	cr_assert_eq(pk.payload_len, 3);
	assert_every_truncation_fails(&f);
}

Test(pkt, ipv4_bad_headers)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv4(&f, 6, 0, 0);
	tcp(&f, 5000, 102, 100, MG_TCP_ACK, 0, "abc");
	ipv4_done(&f, ip);
	struct fb g;

	g = f; /* IHL 4 */
	g.b[ip] = 0x44;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
	g = f; /* version 5 */
	g.b[ip] = 0x55;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
	g = f; /* total length below IHL */
	g.b[ip + 2] = 0;
	g.b[ip + 3] = 19;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
	g = f; /* total length past the frame */
	g.b[ip + 3]++;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_TRUNCATED);
	g = f; /* IHL past the frame */
	g.b[ip] = 0x4f;
	cr_assert_eq(parse_exact(g.b, 14 + 40, &pk), MG_PKT_TRUNCATED);
	g = f; /* total length cuts the TCP header */
	g.b[ip + 3] = 30;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L4);
	g = f; /* TCP data offset 4 */
	g.b[14 + 20 + 12] = 0x40;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L4);
	g = f; /* TCP data offset past the IP payload */
	g.b[14 + 20 + 12] = 0x70;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L4);
	g = f; /* total length shorter than the frame: payload bounded by IP */
	g.b[ip + 3] = 20 + 20 + 1;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.payload_len, 1);
}

Test(pkt, ipv4_fragments)
{
	struct fb f;
	struct mg_pkt pk;
	/* First fragment (MF, offset 0): L4 header present. */
	eth(&f);
	size_t ip = ipv4(&f, 6, 0, 0x2000);
	tcp(&f, 5000, 102, 100, MG_TCP_ACK, 0, "abcdefgh");
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert(pk.frag);
	cr_assert(pk.frag_first);
	cr_assert_eq(pk.dport, 102);
	cr_assert_eq(pk.payload_len, 8);

	/* Later fragment: no L4 header parsed, ports stay 0. */
	eth(&f);
	ip = ipv4(&f, 6, 0, 0x0003);
	put(&f, "0123456789abcdefghijklmn", 24);
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert(pk.frag);
	cr_assert_not(pk.frag_first);
	cr_assert_eq(pk.dport, 0);
	cr_assert_eq(pk.ip_proto, 6);
	cr_assert_eq(pk.payload_off, 34);
	cr_assert_eq(pk.payload_len, 24);

	/* A tiny first fragment that cuts the TCP header. */
	eth(&f);
	ip = ipv4(&f, 6, 0, 0x2000);
	put(&f, "01234567", 8);
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_TRUNCATED);
}

Test(pkt, udp_and_other_protocols)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv4(&f, 17, 0, 0);
	udp(&f, 319, 320, "ptp-event");
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ip_proto, 17);
	cr_assert_eq(pk.dport, 320);
	cr_assert_eq(pk.payload_off, 42);
	cr_assert_eq(pk.payload_len, 9);
	assert_every_truncation_fails(&f);

	struct fb g = f; /* UDP length above the IP payload */
	g.b[34 + 5] += 1;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L4);

	eth(&f); /* ICMP: no ports, payload is the ICMP message */
	ip = ipv4(&f, 1, 0, 0);
	put32(&f, 0x08000000);
	put32(&f, 0x00010001);
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ip_proto, 1);
	cr_assert_eq(pk.sport, 0);
	cr_assert_eq(pk.payload_len, 8);
	/* the ICMP type decoded once, for the policy's icmp echo / nd */
	cr_assert(pk.has_icmp);
	cr_assert_eq(pk.icmp_type, 8);
	cr_assert_eq(pk.icmp_code, 0);
	cr_assert_eq(mg_pkt_icmp_request_of(1, 0), 8);
	cr_assert_eq(mg_pkt_icmp_request_of(1, 8), -1);
	cr_assert_eq(mg_pkt_icmp_request_of(58, 129), 128);
	cr_assert_eq(mg_pkt_icmp_request_of(58, 135), -1);
	eth(&f); /* an ICMP header cut short is a bad L4 header */
	ip = ipv4(&f, 1, 0, 0);
	put16(&f, 0x0800);
	ipv4_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_BAD_L4);
}

/* ---- IPv6 ---------------------------------------------------------------- */

Test(pkt, icmpv6_neighbour_solicitation_type)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv6(&f, 58);
	put32(&f, 0x87000000); /* type 135 neighbour solicitation, code 0 */
	put32(&f, 0);
	for (int i = 0; i < 16; i++)
		put8(&f, 0xfe);
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ip_proto, 58);
	cr_assert(pk.has_icmp);
	cr_assert_eq(pk.icmp_type, 135);
}

Test(pkt, ipv6_tcp)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv6(&f, 6);
	tcp(&f, 40001, 102, 42, MG_TCP_ACK, 0, "mms!");
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ip_ver, 6);
	cr_assert_eq(pk.ip_proto, 6);
	cr_assert_eq(pk.src[0], 0x20);
	cr_assert_eq(pk.src[15], 1);
	cr_assert_eq(pk.dst[15], 2);
	cr_assert_eq(pk.l4_off, 54);
	cr_assert_eq(pk.payload_len, 4);
	assert_every_truncation_fails(&f);
}

Test(pkt, ipv6_extension_chain)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	tag(&f, MG_ETH_VLAN, 5, 0);
	size_t ip = ipv6(&f, 0);
	ext(&f, 60, 0);  /* hop-by-hop → dest opts */
	ext(&f, 43, 1);  /* dest opts (16 bytes) → routing */
	ext(&f, 6, 0);   /* routing → TCP */
	tcp(&f, 40001, 102, 42, MG_TCP_ACK, 0, "x");
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert_eq(pk.ip_proto, 6);
	cr_assert_eq(pk.l4_off, 18 + 40 + 8 + 16 + 8);
	cr_assert_eq(pk.dport, 102);
	cr_assert_eq(pk.payload_len, 1);
	cr_assert_not(pk.frag);
	assert_every_truncation_fails(&f);
}

Test(pkt, ipv6_fragment_header)
{
	struct fb f;
	struct mg_pkt pk;
	/* First fragment: offset 0, M=1, TCP header follows. */
	eth(&f);
	size_t ip = ipv6(&f, 44);
	put8(&f, 6);
	put8(&f, 0);
	put16(&f, 0x0001);
	put32(&f, 0xdeadbeef);
	tcp(&f, 1, 102, 9, MG_TCP_ACK, 0, "ab");
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert(pk.frag);
	cr_assert(pk.frag_first);
	cr_assert_eq(pk.dport, 102);
	cr_assert_eq(pk.payload_len, 2);

	/* Later fragment (offset 8 units): upper protocol known, no ports. */
	eth(&f);
	ip = ipv6(&f, 44);
	put8(&f, 6);
	put8(&f, 0);
	put16(&f, 8 << 3);
	put32(&f, 0xdeadbeef);
	put(&f, "fragment-data", 13);
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_OK);
	cr_assert(pk.frag);
	cr_assert_not(pk.frag_first);
	cr_assert_eq(pk.ip_proto, 6);
	cr_assert_eq(pk.dport, 0);
	cr_assert_eq(pk.payload_len, 13);
}

Test(pkt, ipv6_too_many_ext_headers)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv6(&f, 60);
	for (int i = 0; i < 20; i++)
		ext(&f, 60, 0);
	ext(&f, 6, 0);
	tcp(&f, 1, 102, 9, MG_TCP_ACK, 0, "");
	ipv6_done(&f, ip);
	cr_assert_eq(mg_pkt_parse(f.b, f.n, &pk), MG_PKT_EXT_HDRS);
}

Test(pkt, ipv6_bad_lengths)
{
	struct fb f;
	struct mg_pkt pk;
	eth(&f);
	size_t ip = ipv6(&f, 0);
	ext(&f, 6, 0);
	tcp(&f, 1, 102, 9, MG_TCP_ACK, 0, "");
	ipv6_done(&f, ip);
	struct fb g = f; /* ext header length past the payload */
	g.b[ip + 40 + 1] = 9;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
	g = f; /* payload length past the frame */
	g.b[ip + 5]++;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_TRUNCATED);
	g = f; /* version 4 in an IPv6 EtherType */
	g.b[ip] = 0x40;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
	g = f; /* payload length 0 with a next header: nothing fits */
	g.b[ip + 4] = g.b[ip + 5] = 0;
	cr_assert_eq(mg_pkt_parse(g.b, g.n, &pk), MG_PKT_BAD_L3);
}

Test(pkt, status_names)
{
	cr_assert_str_eq(mg_pkt_status_str(MG_PKT_OK), "ok");
	cr_assert_str_eq(mg_pkt_status_str(MG_PKT_TRUNCATED), "truncated");
	cr_assert_str_eq(mg_pkt_status_str((enum mg_pkt_status)99), "invalid");
}
