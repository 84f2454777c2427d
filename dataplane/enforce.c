/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Enforcement: the only place where a verdict becomes forward, drop or
 * reset. mg_enforce_event() receives each engine event of an inspected
 * direction, asks the policy (mg_policy_mms_verdict for MMS PDUs,
 * mg_policy_anomaly_action for anomalies and malformed units), counts,
 * emits events, and either advances the direction's ok_off (the held
 * segments covering the unit may leave) or marks the association denied.
 * mg_enforce_reset() then forwards what was already allowed, drops the
 * rest and resets the association towards both ends with RST segments
 * whose sequence numbers are exactly what each end expects next.
 * Monitor mode records the would-be denial and forwards.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "mg_dp.h"
#include "mg_policy_outcome.h"

static void refresh_peer(struct mg_lcore *lc, struct mg_flow *f)
{
	struct mg_addr c, s;
	const struct mg_flow_key *k = &f->key;
	size_t alen = k->ver == 6 ? 16 : 4;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.ver = s.ver = k->ver;
	memcpy(c.a, f->client_is_a ? k->a : k->b, alen);
	memcpy(s.a, f->client_is_a ? k->b : k->a, alen);
	mg_policy_conn(lc->pol->p, &c, &s, IPPROTO_TCP, f->client_is_a ? k->pa : k->pb,
		       f->client_is_a ? k->pb : k->pa, &f->peer, &f->rule_line);
	f->gen = lc->pol->gen;
	lc->ctr->policy_peer_refresh++;
}

static void emit(struct mg_lcore *lc, const struct mg_flow *f, uint8_t type, uint8_t action,
		 const struct mg_mms_pdu *pdu, enum mg_reason why, const struct mg_verdict *v)
{
	struct mg_dp_event ev;

	memset(&ev, 0, offsetof(struct mg_dp_event, text));
	ev.text[0] = '\0';
	ev.type = type;
	ev.action = action;
	mg_dp_event_from_pdu(&ev, f, pdu);
	ev.reason = (int32_t)why;
	if (v != NULL) {
		ev.rule_line = v->rule_line;
		if (v->rule_name)
			snprintf(ev.rule_name, sizeof(ev.rule_name), "%s", v->rule_name);
	}
	ev.gen = lc->pol->gen;
	mg_dp_event_emit(lc, &ev);
}

void mg_enforce_event(void *ud, const struct mg_ev *ev)
{
	struct mg_enforce_ctx *ctx = ud;
	struct mg_lcore *lc = ctx->lc;
	struct mg_flow *f = ctx->f;
	struct mg_hold_dir *d = &f->d[ctx->dir];
	const struct mg_mms_pdu *pdu = NULL;
	struct mg_policy_outcome oc;

	if (ctx->deny)
		return; /* the association is being reset: later units are moot */

	if (ev->kind == MG_EV_MMS && ev->mms != NULL) {
		pdu = ev->mms;
		lc->ctr->mms_pdus++;
		f->pdus[ctx->dir]++;
		if (pdu->service < MG_SVC__COUNT)
			lc->ctr->svc[pdu->service]++;
		if (pdu->iec_class < MG_IEC__COUNT) {
			lc->ctr->iec[pdu->iec_class]++;
			if (f->pdus_class[pdu->iec_class] != UINT16_MAX)
				f->pdus_class[pdu->iec_class]++;
		}
		if (unlikely(f->gen != lc->pol->gen))
			refresh_peer(lc, f);
	}
	mg_policy_outcome_event(lc->pol->p, lc->scratch, &f->peer, ev,
				lc->monitor ? MG_MODE_MONITOR : MG_MODE_ENFORCE, &oc);
	if (oc.have_verdict)
		lc->ctr->mms_rule_hits[RTE_MIN((uint32_t)(oc.v.rule_index + 1),
					       MG_DP_RULE_HITS - 1u)]++;
	enum mg_reason why = (enum mg_reason)oc.reason;
	const struct mg_verdict *v = oc.have_verdict ? &oc.v : NULL;

	if (why != MG_R_NONE && why < MG_R__COUNT)
		lc->ctr->reason[why]++;
	if (pdu != NULL || why != MG_R_NONE)
		lc->ctr->verdict[oc.action]++;

	if (oc.deny) {
		ctx->deny = true;
		ctx->why = why != MG_R_NONE ? MG_DPD_MMS_ANOMALY : MG_DPD_MMS_DENIED;
		f->denies++;
		emit(lc, f, why != MG_R_NONE ? MG_DPEV_ANOMALY : MG_DPEV_DENY, oc.action, pdu, why, v);
		return;
	}
	if (oc.would_deny) {
		lc->ctr->monitor_would_deny++;
		emit(lc, f, MG_DPEV_MONITOR, oc.action, pdu, why, v);
	} else if (why != MG_R_NONE) {
		emit(lc, f, MG_DPEV_ANOMALY, oc.action, pdu, why, v);
	} else if (oc.record) {
		emit(lc, f, oc.action == MG_ACT_ALERT ? MG_DPEV_ALERT : MG_DPEV_MONITOR, oc.action,
		     pdu, why, v);
	}
	if (ev->end_off > d->ok_off)
		d->ok_off = ev->end_off;
}

/* Build one RST|ACK from the header of a segment of this association.
 * reverse: towards the segment's sender (addresses and ports swapped). */
static struct rte_mbuf *build_rst(struct mg_lcore *lc, const uint8_t *hdr,
				  const struct mg_pkt *pk, bool reverse, uint32_t seq,
				  uint32_t ack)
{
	unsigned l2 = pk->l3_off;
	unsigned l3 = pk->ip_ver == 6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	unsigned tot = l2 + l3 + sizeof(struct rte_tcp_hdr);
	unsigned frame = RTE_MAX(tot, 60u);
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
	uint8_t *b;

	if (m == NULL) {
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return NULL;
	}
	b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)frame);
	if (b == NULL) {
		rte_pktmbuf_free(m);
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return NULL;
	}
	memset(b, 0, frame);
	memcpy(b, hdr, l2);
	if (reverse) {
		memcpy(b, hdr + 6, 6);
		memcpy(b + 6, hdr, 6);
	}
	const uint8_t *src = reverse ? pk->dst : pk->src;
	const uint8_t *dst = reverse ? pk->src : pk->dst;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(b + l2 + l3);

	th->src_port = rte_cpu_to_be_16(reverse ? pk->dport : pk->sport);
	th->dst_port = rte_cpu_to_be_16(reverse ? pk->sport : pk->dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (sizeof(struct rte_tcp_hdr) / 4) << 4;
	th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = 0;
	th->tcp_urp = 0;
	th->cksum = 0;
	if (pk->ip_ver == 6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l2);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(sizeof(struct rte_tcp_hdr));
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src, 16);
		memcpy(ip->dst_addr, dst, 16);
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(l3 + sizeof(struct rte_tcp_hdr));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	return m;
}

void mg_enforce_reset(struct mg_lcore *lc, struct mg_flow *f, unsigned dir, struct rte_mbuf *tmpl,
		      const struct mg_pkt *pk, enum mg_dp_drop why)
{
	struct mg_hold_dir *d = &f->d[dir], *o = &f->d[dir ^ 1];
	uint8_t hdr[64];
	unsigned in = dir == MG_DIR_C2S ? f->client_side : MG_SIDE_OTHER(f->client_side);
	unsigned out = MG_SIDE_OTHER(in);

	/* Copy the template's L2 header first: releasing may hand it to a PMD. */
	memcpy(hdr, rte_pktmbuf_mtod(tmpl, const uint8_t *), RTE_MIN(pk->l3_off, sizeof(hdr)));

	/* Units before the denied one were allowed: they still go out, in order. */
	mg_hold_release(lc, f, dir);
	mg_hold_release(lc, f, dir ^ 1);

	uint32_t d_seq = d->isn + 1 + (uint32_t)d->rel_off;
	uint32_t o_seq = o->isn + 1 + (uint32_t)o->rel_off;
	struct rte_mbuf *r;

	/* Towards the receiver of the denied unit: it expects d_seq next. */
	r = build_rst(lc, hdr, pk, false, d_seq, o_seq);
	if (r != NULL) {
		mg_dp_tx(lc, out, r);
		lc->ctr->rst_sent++;
	}
	/* Towards its sender: it expects o_seq next from its peer. */
	if (o->isn_known) {
		r = build_rst(lc, hdr, pk, true, o_seq, d_seq);
		if (r != NULL) {
			mg_dp_tx(lc, in, r);
			lc->ctr->rst_sent++;
		}
	}
	mg_hold_free_dir(lc, f, dir, why);
	mg_hold_free_dir(lc, f, dir ^ 1, MG_DPD_HELD_AT_CLOSE);
	f->state = MG_FS_CLOSED;
	f->denied = 1;
	f->t_last = lc->now;
}
