/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame decoding (mg_pkt.h): Ethernet II → up to two VLAN tags → IPv4/IPv6
 * (with a bounded walk over IPv6 extension headers) → TCP/UDP header. One
 * linear pass over read-only bytes, no allocation, every length checked
 * against both the captured frame and the IP total length, so Ethernet
 * padding never counts as payload and a lying length field is an error,
 * not an over-read. Used on mbuf data by the dataplane and on pcap records
 * by the tools.
 */
#include <stddef.h>
#include <string.h>

#include "mg_pkt.h"

#define VID_NONE 0xFFFFu
/* Extension headers walked before giving up (RFC 8200 chains are short;
 * long chains are a known evasion of middleboxes). */
#define MAX_V6_EXT 8

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_NONE_ 59
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_MH_ 135

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *mg_pkt_status_str(enum mg_pkt_status s)
{
	switch (s) {
	case MG_PKT_OK: return "ok";
	case MG_PKT_TRUNCATED: return "truncated";
	case MG_PKT_BAD_L3: return "bad_l3";
	case MG_PKT_BAD_L4: return "bad_l4";
	case MG_PKT_TOO_MANY_TAGS: return "too_many_vlan_tags";
	case MG_PKT_EXT_HDRS: return "ipv6_ext_headers_over_bound";
	}
	return "invalid";
}

/* TCP / UDP header at off, IP payload ending at end (end <= frame length). */
static enum mg_pkt_status parse_l4(const uint8_t *p, size_t off, size_t end, struct mg_pkt *out)
{
	out->l4_off = (uint16_t)off;
	out->payload_off = (uint16_t)off;
	out->payload_len = (uint16_t)(end - off);
	if (out->frag && !out->frag_first)
		return MG_PKT_OK; /* no L4 header in this fragment */

	if (out->ip_proto == IPPROTO_TCP_) {
		if (end - off < 20)
			return out->frag ? MG_PKT_TRUNCATED : MG_PKT_BAD_L4;
		size_t hl = (size_t)(p[off + 12] >> 4) * 4;
		if (hl < 20)
			return MG_PKT_BAD_L4;
		if (hl > end - off)
			return out->frag ? MG_PKT_TRUNCATED : MG_PKT_BAD_L4;
		out->sport = rd16(p + off);
		out->dport = rd16(p + off + 2);
		out->seq = rd32(p + off + 4);
		out->ack = rd32(p + off + 8);
		out->tcp_flags = p[off + 13];
		out->win = rd16(p + off + 14);
		out->payload_off = (uint16_t)(off + hl);
		out->payload_len = (uint16_t)(end - off - hl);
	} else if (out->ip_proto == IPPROTO_UDP_) {
		if (end - off < 8)
			return out->frag ? MG_PKT_TRUNCATED : MG_PKT_BAD_L4;
		out->sport = rd16(p + off);
		out->dport = rd16(p + off + 2);
		size_t ulen = rd16(p + off + 4);
		size_t avail = end - off;
		/* The UDP length may be smaller than the IP payload (trailing
		 * bytes are not UDP data); never larger, unless fragmented. */
		if (!out->frag && (ulen < 8 || ulen > avail))
			return MG_PKT_BAD_L4;
		if (ulen >= 8 && ulen < avail)
			avail = ulen;
		out->payload_off = (uint16_t)(off + 8);
		out->payload_len = (uint16_t)(avail - 8);
	} else if (out->ip_proto == IPPROTO_ICMP_ || out->ip_proto == IPPROTO_ICMPV6_) {
		/* type, code, checksum: the policy judges by type */
		if (end - off < 4)
			return out->frag ? MG_PKT_TRUNCATED : MG_PKT_BAD_L4;
		out->has_icmp = true;
		out->icmp_type = p[off];
		out->icmp_code = p[off + 1];
	}
	return MG_PKT_OK;
}

int mg_pkt_icmp_request_of(uint8_t ip_proto, uint8_t type)
{
	if (ip_proto == IPPROTO_ICMP_) {
		switch (type) {
		case 0: return 8;
		case 14: return 13;
		case 16: return 15;
		case 18: return 17;
		default: return -1;
		}
	}
	if (ip_proto == IPPROTO_ICMPV6_ && type == 129)
		return 128;
	return -1;
}

static enum mg_pkt_status parse_ipv4(const uint8_t *p, size_t len, size_t off, struct mg_pkt *out)
{
	if (len - off < 20)
		return MG_PKT_TRUNCATED;
	const uint8_t *ip = p + off;
	if ((ip[0] >> 4) != 4)
		return MG_PKT_BAD_L3;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20)
		return MG_PKT_BAD_L3;
	if (ihl > len - off)
		return MG_PKT_TRUNCATED;
	size_t tot = rd16(ip + 2);
	if (tot < ihl)
		return MG_PKT_BAD_L3;
	if (tot > len - off)
		return MG_PKT_TRUNCATED;
	out->ip_ver = 4;
	out->ip_proto = ip[9];
	memcpy(out->src, ip + 12, 4);
	memcpy(out->dst, ip + 16, 4);
	uint16_t fo = rd16(ip + 6);
	uint16_t frag_off = fo & 0x1fff;
	bool mf = fo & 0x2000;
	out->frag = mf || frag_off != 0;
	out->frag_first = out->frag && frag_off == 0;
	return parse_l4(p, off + ihl, off + tot, out);
}

static enum mg_pkt_status parse_ipv6(const uint8_t *p, size_t len, size_t off, struct mg_pkt *out)
{
	if (len - off < 40)
		return MG_PKT_TRUNCATED;
	const uint8_t *ip = p + off;
	if ((ip[0] >> 4) != 6)
		return MG_PKT_BAD_L3;
	size_t end = off + 40 + rd16(ip + 4);
	if (end > len)
		return MG_PKT_TRUNCATED;
	out->ip_ver = 6;
	memcpy(out->src, ip + 8, 16);
	memcpy(out->dst, ip + 24, 16);

	uint8_t nh = ip[6];
	size_t cur = off + 40;
	for (unsigned n = 0;; n++) {
		size_t hl;
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_MH_:
			if (end - cur < 8)
				return MG_PKT_BAD_L3;
			hl = ((size_t)p[cur + 1] + 1) * 8;
			break;
		case IPPROTO_AH_:
			if (end - cur < 8)
				return MG_PKT_BAD_L3;
			hl = ((size_t)p[cur + 1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT_: {
			if (end - cur < 8)
				return MG_PKT_BAD_L3;
			uint16_t fo = rd16(p + cur + 2);
			out->frag = true;
			/* An atomic fragment (offset 0, M=0) still counts as a
			 * fragment: the policy decides about those. */
			out->frag_first = (fo >> 3) == 0;
			hl = 8;
			break;
		}
		default:
			out->ip_proto = nh;
			return parse_l4(p, cur, end, out);
		}
		if (n >= MAX_V6_EXT)
			return MG_PKT_EXT_HDRS;
		if (hl > end - cur)
			return MG_PKT_BAD_L3;
		nh = p[cur];
		cur += hl;
		if (out->frag && !out->frag_first) {
			/* The rest is fragment data; its next header is the
			 * upper protocol of the reassembled packet. */
			out->ip_proto = nh;
			out->l4_off = out->payload_off = (uint16_t)cur;
			out->payload_len = (uint16_t)(end - cur);
			return MG_PKT_OK;
		}
	}
}

enum mg_pkt_status mg_pkt_parse_l3(const uint8_t *p, size_t len, struct mg_pkt *out)
{
	memset(&out->ip_ver, 0, sizeof(*out) - offsetof(struct mg_pkt, ip_ver));
	/* Offsets are 16-bit: a longer "frame" is not Ethernet we forward. */
	if (len > 0xffff)
		len = 0xffff;
	if (out->ethertype == MG_ETH_IPV4)
		return parse_ipv4(p, len, out->l3_off, out);
	if (out->ethertype == MG_ETH_IPV6)
		return parse_ipv6(p, len, out->l3_off, out);
	return MG_PKT_OK;
}

enum mg_pkt_status mg_pkt_parse(const uint8_t *p, size_t len, struct mg_pkt *out)
{
	memset(out, 0, sizeof(*out));
	enum mg_pkt_status st = mg_pkt_parse_l2(p, len, out);
	if (st != MG_PKT_OK)
		return st;
	return mg_pkt_parse_l3(p, len, out);
}
