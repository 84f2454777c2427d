/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame path's entry, and layer 2: the first (and for GOOSE/GSE/SV the
 * only) decision on a frame. A frame's headers are decoded once, into its
 * struct mg_frame, in two steps of the same decoder (mg_pkt_parse_l2 then
 * mg_pkt_parse_l3): the Ethernet/VLAN header always, the IP/TCP/UDP headers
 * only when the L2 policy sends the frame to the IP path (or when software
 * dispatch needs the flow hash, dispatch.c, which then hands the decoded
 * frame to its worker). Frames the policy passes at L2 go to the other
 * port as they are: no flow lookup, no copy, no rewrite. IP frames go on
 * to the L3/L4 path in conntrack.c. Whatever the handlers decide, one call
 * to mg_dp_act() (action.c) carries it out.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "mg_dp.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline unsigned l2_class(uint16_t et)
{
	switch (et) {
	case MG_ETH_GOOSE: return MG_L2C_GOOSE;
	case MG_ETH_GSE: return MG_L2C_GSE;
	case MG_ETH_SV: return MG_L2C_SV;
	case MG_ETH_ARP: return MG_L2C_ARP;
	case MG_ETH_PTP: return MG_L2C_PTP;
	case MG_ETH_LLDP: return MG_L2C_LLDP;
	case MG_ETH_IPV4: return MG_L2C_IPV4;
	case MG_ETH_IPV6: return MG_L2C_IPV6;
	}
	return MG_L2C_OTHER;
}

static const enum mg_dp_drop pkt_drop[] = {
	[MG_PKT_OK] = MG_DPD_PKT_TRUNCATED,
	[MG_PKT_TRUNCATED] = MG_DPD_PKT_TRUNCATED,
	[MG_PKT_BAD_L3] = MG_DPD_PKT_BAD_L3,
	[MG_PKT_BAD_L4] = MG_DPD_PKT_BAD_L4,
	[MG_PKT_TOO_MANY_TAGS] = MG_DPD_PKT_TOO_MANY_TAGS,
	[MG_PKT_EXT_HDRS] = MG_DPD_PKT_EXT_HDRS,
};

/* A VLAN open only to declared streams: (EtherType, VID, APPID, dst MAC)
 * through a per-worker direct-mapped cache; a miss asks the policy (binary
 * search). pay: offset of the payload (GOOSE/GSE/SV: the APPID). */
static uint8_t l2_stream(struct mg_lcore *lc, const uint8_t *p, uint32_t len, unsigned pay,
                         uint16_t et, uint16_t vid)
{
	uint32_t appid = MG_APPID_NONE;
	if (mg_policy_has_appid(et) && len >= pay + 2)
		appid = rd16(p + pay);
	uint64_t mac = 0;
	memcpy(&mac, p, 6);
	uint64_t a = mac << 16 | vid, b = (uint64_t)et << 32 | appid;
	unsigned slot = (unsigned)(((a ^ (a >> 29) ^ b) * 0x9E3779B97F4A7C15ull) >> 56);
	if (unlikely(lc->l2s_key[slot].a != a || lc->l2s_key[slot].b != b)) {
		lc->l2s_key[slot].a = a;
		lc->l2s_key[slot].b = b;
		lc->l2s_val[slot] = (uint8_t)mg_policy_l2_stream(lc->pol->p, et, vid, appid, p);
	}
	return lc->l2s_val[slot];
}

/* anomaly goose_replay: a GOOSE frame the L2 policy passes, checked against
 * its stream's last (stNum, sqNum). Frames that do not parse are left to
 * the subscribers (this is a replay check, not a GOOSE validator). */
static struct mg_out goose_check(struct mg_lcore *lc, const uint8_t *p, uint32_t len,
                                 unsigned pay, uint16_t vid)
{
	struct mg_goose g;
	enum mg_reason why;
	if (len <= pay || mg_goose_parse(p + pay, len - pay, &g, &why) != MG_OK)
		return MG_OUT_FWD;
	uint64_t dst = 0, src = 0;
	memcpy(&dst, p, 6);
	memcpy(&src, p + 6, 6);
	uint64_t a = dst << 16 | vid | (uint64_t)g.simulation << 12, b = src << 16 | g.appid;
	unsigned slot = (unsigned)(((a ^ (a >> 31) ^ b * 0x9E3779B97F4A7C15ull) >> 40) &
	                           (RTE_DIM(lc->goose) - 1));
	struct mg_dp_goose *e = &lc->goose[slot];
	if (e->a != a || e->b != b) {
		e->a = a;
		e->b = b;
		e->seq.valid = false;
	}
	if (likely(mg_goose_seq_check(&e->seq, g.st_num, g.sq_num) == MG_GOOSE_OK))
		return MG_OUT_FWD;
	lc->ctr->reason[MG_R_GOOSE_REPLAY]++;
	if (mg_policy_anomaly_action(lc->pol->p, MG_R_GOOSE_REPLAY) == MG_ACT_DENY)
		return MG_OUT_DENIED(MG_DPD_GOOSE_REPLAY);
	return MG_OUT_FWD; /* alert/allow: counted */
}

/* Not an mg_pkt_status: the outer tag could not be put back. */
#define L2_ST_VLAN_INSERT 0xfe

/* The Ethernet/VLAN decode into l2 (ethertype, ntags, vid, inner_vid,
 * l3_off; on the inline path a local the compiler keeps in registers).
 * Returns an mg_pkt_status or L2_ST_VLAN_INSERT. */
static inline uint8_t decode_l2(struct mg_frame *fr, struct mg_pkt *l2)
{
	struct rte_mbuf *m = fr->m;

	/* Some PMDs (net_af_packet: the kernel untags) hand the outer tag in
	 * metadata; put it back so the frame leaves exactly as it came. */
	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		if (rte_vlan_insert(&m) != 0)
			return L2_ST_VLAN_INSERT;
		fr->m = m;
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN);
	}
	return (uint8_t)mg_pkt_parse_l2(rte_pktmbuf_mtod(m, const uint8_t *),
					rte_pktmbuf_data_len(m), l2);
}

void mg_dp_frame_decode_l2(struct mg_frame *fr)
{
	fr->l2_st = decode_l2(fr, &fr->pk);
	fr->l3_st = MG_FRAME_L3_TODO;
}

void mg_dp_frame_decode_l3(struct mg_frame *fr)
{
	struct rte_mbuf *m = fr->m;

	if (fr->l3_st != MG_FRAME_L3_TODO)
		return;
	/* Headers in one segment only: a chained mbuf is dropped (multi_segment_mbuf). */
	if (unlikely(m->nb_segs > 1)) {
		fr->l3_st = MG_FRAME_L3_MULTI_SEG;
		return;
	}
	fr->l3_st = (uint8_t)mg_pkt_parse_l3(rte_pktmbuf_mtod(m, const uint8_t *),
					     rte_pktmbuf_data_len(m), &fr->pk);
}

/* The decision for one frame: L2 policy, then (IP frames) the L3/L4 path.
 * st and l2: the frame's Ethernet/VLAN decode (l2 is fr->pk for a frame
 * software dispatch decoded, a local on the inline path). */
static inline struct mg_out decide(struct mg_lcore *lc, struct mg_frame *fr, uint8_t st,
				   const struct mg_pkt *l2)
{
	const uint8_t *p = rte_pktmbuf_mtod(fr->m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(fr->m);

	if (unlikely(st != MG_PKT_OK))
		return MG_OUT_DROPPED(st < RTE_DIM(pkt_drop) ? pkt_drop[st] : MG_DPD_MULTI_SEG);
	uint16_t et = l2->ethertype, vid = l2->vid;

	lc->ctr->l2[l2_class(et)]++;

	/* A frame's (EtherType, VID) has a handful of values on a substation
	 * LAN: cache the policy's answer per worker, per policy generation. */
	uint32_t key = (uint32_t)et << 16 | vid;
	unsigned slot = (key ^ (key >> 7) ^ (key >> 16)) & (RTE_DIM(lc->l2c_key) - 1);
	if (unlikely(lc->l2c_gen != lc->pol->gen)) {
		memset(lc->l2c_key, 0xff, sizeof(lc->l2c_key));
		memset(lc->l2s_key, 0xff, sizeof(lc->l2s_key));
		lc->l2c_gen = lc->pol->gen;
		lc->goose_check = mg_policy_anomaly_set(lc->pol->p, MG_R_GOOSE_REPLAY);
	}
	if (unlikely(lc->l2c_key[slot] != key)) {
		lc->l2c_key[slot] = key;
		lc->l2c_val[slot] = (uint8_t)mg_policy_l2(lc->pol->p, et, vid);
	}
	uint8_t v = lc->l2c_val[slot];
	if (unlikely(v == MG_L2_STREAM))
		v = l2_stream(lc, p, len, l2->l3_off, et, vid);
	switch (v) {
	case MG_L2_PASS:
		/* The cheapest path: GOOSE/GSE/SV/ARP/PTP … as the policy says. */
		if (unlikely(lc->goose_check) && et == MG_ETH_GOOSE)
			return goose_check(lc, p, len, l2->l3_off, vid);
		return MG_OUT_FWD;
	case MG_L2_IP:
		break;
	case MG_L2_UNKNOWN_STREAM:
		return MG_OUT_DENIED(MG_DPD_L2_UNKNOWN_STREAM);
	case MG_L2_DROP:
	default:
		return MG_OUT_DENIED(MG_DPD_L2_POLICY);
	}

	if (l2 != &fr->pk) {
		/* The IP path: the L2 decode joins the frame's headers. */
		fr->pk.ethertype = l2->ethertype;
		fr->pk.ntags = l2->ntags;
		fr->pk.vid = l2->vid;
		fr->pk.inner_vid = l2->inner_vid;
		fr->pk.l3_off = l2->l3_off;
		fr->l2_st = st;
		fr->l3_st = MG_FRAME_L3_TODO;
	}
	mg_dp_frame_decode_l3(fr);
	if (unlikely(fr->l3_st != MG_PKT_OK || fr->pk.ip_ver == 0))
		return MG_OUT_DROPPED(fr->l3_st < RTE_DIM(pkt_drop) ? pkt_drop[fr->l3_st]
								 : MG_DPD_MULTI_SEG);
	return mg_dp_ip_handle(lc, fr);
}

void mg_dp_frame_decoded(struct mg_lcore *lc, struct mg_frame *fr)
{
	mg_dp_act(lc, fr, decide(lc, fr, fr->l2_st, &fr->pk));
}

void mg_dp_frame(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m)
{
	struct mg_frame fr;

	fr.m = m;
	fr.side = (uint8_t)side;
	fr.f = NULL;
	fr.drops = NULL;
	struct mg_pkt l2;
	uint8_t st = decode_l2(&fr, &l2);
	mg_dp_act(lc, &fr, decide(lc, &fr, st, &l2));
}
