/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame decoding from Ethernet to the TCP/UDP header: Ethernet II, 802.1Q,
 * QinQ (0x88A8 and stacked 0x8100), priority tags, IPv4 (options), IPv6
 * (extension headers, bounded), fragments. Shared by the DPDK dataplane
 * (on mbuf data) and the offline tools (on pcap records). Never writes.
 */
#ifndef MG_PKT_H
#define MG_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_ETH_IPV4 0x0800
#define MG_ETH_ARP 0x0806
#define MG_ETH_VLAN 0x8100
#define MG_ETH_QINQ 0x88A8
#define MG_ETH_IPV6 0x86DD
#define MG_ETH_GOOSE 0x88B8
#define MG_ETH_GSE 0x88B9
#define MG_ETH_SV 0x88BA
#define MG_ETH_PTP 0x88F7
#define MG_ETH_LLDP 0x88CC

#define MG_TCP_FIN 0x01
#define MG_TCP_SYN 0x02
#define MG_TCP_RST 0x04
#define MG_TCP_PSH 0x08
#define MG_TCP_ACK 0x10

enum mg_pkt_status {
	MG_PKT_OK = 0,
	MG_PKT_TRUNCATED,   /* shorter than its headers say */
	MG_PKT_BAD_L3,      /* bad IP version / header length / total length */
	MG_PKT_BAD_L4,      /* bad TCP data offset etc. */
	MG_PKT_TOO_MANY_TAGS,
	MG_PKT_EXT_HDRS,    /* IPv6 extension header chain over bound */
};

const char *mg_pkt_status_str(enum mg_pkt_status s);

struct mg_pkt {
	uint16_t ethertype;   /* innermost EtherType */
	uint8_t ntags;        /* VLAN tags seen (0..2) */
	uint16_t vid;         /* outermost VID; MG_VID_UNTAGGED (0xFFFF) if untagged */
	uint16_t inner_vid;   /* second tag's VID, 0xFFFF if none */
	uint16_t l3_off;      /* offset of the IP header (IP frames) */
	uint8_t ip_ver;       /* 4, 6 or 0 */
	uint8_t ip_proto;     /* L4 protocol (after IPv6 extension headers) */
	bool frag;            /* IP fragment (any) */
	bool frag_first;      /* fragment with offset 0 (has the L4 header) */
	uint8_t src[16], dst[16]; /* IPv4 in [0..3] */
	uint16_t l4_off;
	uint16_t sport, dport;
	uint32_t seq, ack;    /* TCP, host order */
	uint8_t tcp_flags;
	uint16_t win;
	uint16_t payload_off; /* L4 payload */
	uint16_t payload_len; /* bounded by the IP total length, not the frame */
	/* ICMP (proto 1) / ICMPv6 (58), first fragments: the message type and
	 * code, decoded here once (the policy matches `icmp echo`, `icmp nd`
	 * on the type). has_icmp false when the header is absent. */
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
};

/* The request an ICMP / ICMPv6 reply answers (echo reply 0 → echo request
 * 8, timestamp 14 → 13, information 16 → 15, address mask 18 → 17; v6 echo
 * reply 129 → 128), or -1 when type is not a reply. */
int mg_pkt_icmp_request_of(uint8_t ip_proto, uint8_t type);

/* Decode p[0..len). L4 fields are only valid when ip_proto is TCP/UDP (or
 * ICMP/ICMPv6 for has_icmp…) and the frame is not a non-first fragment. */
enum mg_pkt_status mg_pkt_parse(const uint8_t *p, size_t len, struct mg_pkt *out);

/* The same in two steps, for callers that decide on the L2 header alone
 * first (the dataplane: GOOSE/SV never need more): mg_pkt_parse_l2 fills
 * ethertype, ntags, vid, inner_vid and l3_off (nothing else);
 * mg_pkt_parse_l3 then decodes from l3_off and fills every other field.
 * mg_pkt_parse_l2 + mg_pkt_parse_l3 == mg_pkt_parse. */
enum mg_pkt_status mg_pkt_parse_l3(const uint8_t *p, size_t len, struct mg_pkt *out);

/* Inline: the dataplane decodes every frame's L2 header, GOOSE and SV
 * included, and a call would cost as much as the decode. */
static inline enum mg_pkt_status mg_pkt_parse_l2(const uint8_t *p, size_t len,
						 struct mg_pkt *out)
{
	out->ntags = 0;
	out->vid = 0xFFFF;
	out->inner_vid = 0xFFFF;
	out->ethertype = 0;
	out->l3_off = 0;
	if (len < 14)
		return MG_PKT_TRUNCATED;
	/* Unrolled: untagged, one tag, two tags (a third is refused). */
	uint16_t et = (uint16_t)(p[12] << 8 | p[13]);
	if (et != MG_ETH_VLAN && et != MG_ETH_QINQ) {
		out->ethertype = et;
		out->l3_off = 14;
		return MG_PKT_OK;
	}
	if (len < 18)
		return MG_PKT_TRUNCATED;
	out->vid = (uint16_t)((p[14] << 8 | p[15]) & 0x0fff);
	out->ntags = 1;
	et = (uint16_t)(p[16] << 8 | p[17]);
	if (et != MG_ETH_VLAN && et != MG_ETH_QINQ) {
		out->ethertype = et;
		out->l3_off = 18;
		return MG_PKT_OK;
	}
	if (len < 22)
		return MG_PKT_TRUNCATED;
	out->inner_vid = (uint16_t)((p[18] << 8 | p[19]) & 0x0fff);
	out->ntags = 2;
	et = (uint16_t)(p[20] << 8 | p[21]);
	if (et == MG_ETH_VLAN || et == MG_ETH_QINQ)
		return MG_PKT_TOO_MANY_TAGS;
	out->ethertype = et;
	out->l3_off = 22;
	return MG_PKT_OK;
}

#endif
