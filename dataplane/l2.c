/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame path's entry, and layer 2: the first (and for GOOSE/GSE/SV the
 * only) decision on a frame. A frame's headers are decoded once, into its
 * struct mg_frame, in two steps of the same decoder (mg_pkt_parse_l2 then
 * mg_pkt_parse_l3): the Ethernet/VLAN header always, the IP/TCP/UDP headers
 * only when the L2 policy sends the frame to the IP path (or when software
 * dispatch needs the flow hash, dispatch.c, which then hands the decoded
 * frame to its worker). Frames the policy passes at L2 go to the other
 * port as they are: no flow lookup, no copy, no rewrite, and (the L2 pass
 * early-out of mg_dp_frame) not even a struct mg_frame or an outcome: they
 * go straight to the transmit primitive (mg_tx.h). IP frames go on to the
 * L3/L4 path in conntrack.c. Whatever the handlers decide about any other
 * frame, one call to mg_dp_act() (action.c) carries it out.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "mg_dp.h"
#include "mg_tx.h"

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

/* The L2 cache's value: the policy's verdict (enum mg_l2_verdict, or
 * L2V_PASS_CHECK) in the low nibble, the frame's counter class (enum
 * mg_l2_class) above it, so a hit costs one load for both. */
#define L2V_PASS_CHECK 5 /* MG_L2_PASS for a GOOSE frame while goose_replay is checked */
#define L2V_VERDICT(x) ((uint8_t)((x)&15))
#define L2V_CLASS(x) ((unsigned)(x) >> 4)

void mg_dp_l2_begin(struct mg_lcore *lc)
{
	if (unlikely(lc->l2c_gen != lc->pol->gen)) {
		memset(lc->l2c_key, 0xff, sizeof(lc->l2c_key));
		memset(lc->l2s_key, 0xff, sizeof(lc->l2s_key));
		lc->l2c_gen = lc->pol->gen;
		lc->goose_check = mg_policy_anomaly_set(lc->pol->p, MG_R_GOOSE_REPLAY);
	}
}

static __rte_noinline void l2_fill(struct mg_lcore *lc, unsigned slot, uint32_t key)
{
	uint16_t et = (uint16_t)(key >> 16), vid = (uint16_t)key;
	uint8_t v = (uint8_t)mg_policy_l2(lc->pol->p, et, vid);

	if (v == MG_L2_PASS && et == MG_ETH_GOOSE && lc->goose_check)
		v = L2V_PASS_CHECK;
	lc->l2c_key[slot] = key;
	lc->l2c_val[slot] = (uint8_t)(v | l2_class(et) << 4);
}

/* The cache slot of (EtherType, VID): a multiplicative hash, 6 bits. */
static inline unsigned l2_slot(uint32_t key)
{
	return (key * 0x9E3779B1u) >> 26;
}

/* The L2 policy's answer for (EtherType, VID), as an L2V value. A frame's
 * (EtherType, VID) has a handful of values on a substation LAN: the
 * answer is cached per worker, per policy generation (mg_dp_l2_begin). */
static inline uint8_t l2_lookup(struct mg_lcore *lc, uint16_t et, uint16_t vid)
{
	uint32_t key = (uint32_t)et << 16 | vid;
	unsigned slot = l2_slot(key);

	if (unlikely(lc->l2c_key[slot] != key))
		l2_fill(lc, slot, key);
	return lc->l2c_val[slot];
}

/* An IP frame (L2 verdict MG_L2_IP), its Ethernet/VLAN decode in fr->pk:
 * the rest of its headers, then the L3/L4 path (conntrack.c). */
static inline struct mg_out ip_path(struct mg_lcore *lc, struct mg_frame *fr)
{
	mg_dp_frame_decode_l3(fr);
	if (unlikely(fr->l3_st != MG_PKT_OK || fr->pk.ip_ver == 0))
		return MG_OUT_DROPPED(fr->l3_st < RTE_DIM(pkt_drop) ? pkt_drop[fr->l3_st]
								 : MG_DPD_MULTI_SEG);
	return mg_dp_ip_handle(lc, fr);
}

/* The decision after the L2 verdict v (MG_L2_STREAM resolved here): GOOSE
 * replay check, L2 deny, or (IP frames) the L3/L4 path. l2: the frame's
 * Ethernet/VLAN decode (fr->pk, or a copy that joins fr->pk here). */
static struct mg_out after_l2(struct mg_lcore *lc, struct mg_frame *fr, uint8_t st,
			      const struct mg_pkt *l2, uint8_t v)
{
	const uint8_t *p = rte_pktmbuf_mtod(fr->m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(fr->m);

	if (unlikely(v == MG_L2_STREAM)) {
		v = l2_stream(lc, p, len, l2->l3_off, l2->ethertype, l2->vid);
		if (v == MG_L2_PASS && lc->goose_check && l2->ethertype == MG_ETH_GOOSE)
			v = L2V_PASS_CHECK;
	}
	switch (v) {
	case MG_L2_PASS:
		/* GOOSE/GSE/SV/ARP/PTP … as the policy says. */
		return MG_OUT_FWD;
	case L2V_PASS_CHECK:
		return goose_check(lc, p, len, l2->l3_off, l2->vid);
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
	return ip_path(lc, fr);
}

/* The decision for one frame: L2 policy, then (IP frames) the L3/L4 path.
 * st and l2: the frame's Ethernet/VLAN decode. */
static struct mg_out decide(struct mg_lcore *lc, struct mg_frame *fr, uint8_t st,
			    const struct mg_pkt *l2)
{
	if (unlikely(st != MG_PKT_OK))
		return MG_OUT_DROPPED(st < RTE_DIM(pkt_drop) ? pkt_drop[st] : MG_DPD_MULTI_SEG);
	uint8_t c = l2_lookup(lc, l2->ethertype, l2->vid);
	lc->ctr->l2[L2V_CLASS(c)]++;
	return after_l2(lc, fr, st, l2, L2V_VERDICT(c));
}

void mg_dp_frame_decoded(struct mg_lcore *lc, struct mg_frame *fr)
{
	mg_dp_act(lc, fr, decide(lc, fr, fr->l2_st, &fr->pk));
}

static inline void frame_init(struct mg_frame *fr, unsigned side, struct rte_mbuf *m)
{
	fr->m = m;
	fr->side = (uint8_t)side;
	fr->f = NULL;
	fr->drops = NULL;
}

/* A decoded Ethernet/VLAN header in one register (so the fast path keeps
 * its decode in registers and hands over with a tail call): EtherType,
 * outer VID, inner VID, L3 offset; the tag count follows from the offset. */
static inline uint64_t l2_pack(const struct mg_pkt *l2)
{
	return (uint64_t)l2->ethertype | (uint64_t)l2->vid << 16 |
	       (uint64_t)l2->inner_vid << 32 | (uint64_t)l2->l3_off << 48;
}

/* A frame struct for m, its Ethernet/VLAN decode from l2w (l2_pack). */
static inline void frame_from_l2(struct mg_frame *fr, unsigned side, struct rte_mbuf *m,
				 uint64_t l2w)
{
	frame_init(fr, side, m);
	fr->pk.ethertype = (uint16_t)l2w;
	fr->pk.vid = (uint16_t)(l2w >> 16);
	fr->pk.inner_vid = (uint16_t)(l2w >> 32);
	fr->pk.l3_off = (uint16_t)(l2w >> 48);
	fr->pk.ntags = (uint8_t)((unsigned)(fr->pk.l3_off - 14) >> 2);
	fr->l2_st = MG_PKT_OK;
	fr->l3_st = MG_FRAME_L3_TODO;
}

/* An IP frame: no L2 verdict left to look at. */
static __rte_noinline void frame_ip(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m,
				    uint64_t l2w)
{
	struct mg_frame fr;

	frame_from_l2(&fr, side, m, l2w);
	mg_dp_act(lc, &fr, ip_path(lc, &fr));
}

/* Every other frame but a plain L2 pass, once the L2 verdict v is known.
 * l2w: the frame's Ethernet/VLAN decode (l2_pack). */
static __rte_noinline void frame_after_l2(struct mg_lcore *lc, unsigned side,
					  struct rte_mbuf *m, uint64_t l2w, uint8_t v)
{
	struct mg_frame fr;
	uint16_t et = (uint16_t)l2w, vid = (uint16_t)(l2w >> 16), l3_off = (uint16_t)(l2w >> 48);

	if (v == MG_L2_STREAM) {
		/* A VLAN open to declared streams only: a declared stream
		 * passes as cheaply as any other L2 pass. */
		v = l2_stream(lc, rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
			      l3_off, et, vid);
		if (v == MG_L2_PASS) {
			if (likely(!lc->goose_check || et != MG_ETH_GOOSE)) {
				mg_dp_tx(lc, MG_SIDE_OTHER(side), m);
				return;
			}
			v = L2V_PASS_CHECK;
		}
	}
	frame_from_l2(&fr, side, m, l2w);
	mg_dp_act(lc, &fr, after_l2(lc, &fr, MG_PKT_OK, &fr.pk, v));
}

/* A frame whose Ethernet/VLAN header did not decode, or whose outer tag
 * the PMD stripped (put back first). */
static __rte_noinline void frame_slow(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m)
{
	struct mg_frame fr;
	struct mg_pkt l2;

	frame_init(&fr, side, m);
	uint8_t st = decode_l2(&fr, &l2);
	mg_dp_act(lc, &fr, decide(lc, &fr, st, &l2));
}

/*
 * The frame path's entry. The L2 pass early-out first: a frame the L2
 * policy passes as it is (GOOSE/GSE/SV/ARP/PTP on their VLAN: most frames
 * of a substation LAN) goes from its decoded Ethernet/VLAN header straight
 * to the transmit primitive. It never needs the frame struct, an outcome,
 * the action point's checks (drop list, translated flow) or monitor mode:
 * the action point would only have transmitted it. Its observable effects
 * are the same (rx/tx/l2-class counters; pass frames are never captured).
 * Everything else continues out of line.
 */
void mg_dp_frame(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m)
{
	struct mg_pkt l2;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	/* Every other way out is a tail call, so nothing here lives across a
	 * call: no callee-saved registers, no stack frame. */
	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) ||
	    unlikely(mg_pkt_parse_l2(p, rte_pktmbuf_data_len(m), &l2) != MG_PKT_OK)) {
		frame_slow(lc, side, m);
		return;
	}
	uint32_t key = (uint32_t)l2.ethertype << 16 | l2.vid;
	unsigned slot = l2_slot(key);
	if (unlikely(lc->l2c_key[slot] != key)) {
		frame_slow(lc, side, m); /* fills the cache, counts, decides */
		return;
	}
	uint8_t c = lc->l2c_val[slot];
	lc->ctr->l2[L2V_CLASS(c)]++;
	if (likely(L2V_VERDICT(c) == MG_L2_PASS)) {
		mg_dp_tx(lc, MG_SIDE_OTHER(side), m);
		return;
	}
	if (likely(L2V_VERDICT(c) == MG_L2_IP)) {
		frame_ip(lc, side, m, l2_pack(&l2));
		return;
	}
	frame_after_l2(lc, side, m, l2_pack(&l2), L2V_VERDICT(c));
}
