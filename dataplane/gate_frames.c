/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP segments the gate writes in an end's place: RST|ACKs that close
 * a denied association, and pure ACKs to a sender (SACK blocks for held
 * bytes, cumulative ACKs of bytes in the gate's custody). Builders only:
 * each returns a new mbuf from the worker's pool (NULL, counted as
 * no_mbuf, when there is none) and the action point (action.c) decides
 * whether and where it leaves. The L2 header comes from a frame of the
 * association (hdr: its first pk->l3_off bytes), so VLAN tags are kept.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "mg_dp.h"

/* An empty TCP segment of tl header bytes (options included, zeroed) on
 * pk's association; reverse: towards pk's sender. Returns the TCP header
 * through *th; the checksums are done by finish(). */
static struct rte_mbuf *segment(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
                                bool reverse, unsigned tl, struct rte_tcp_hdr **th)
{
	unsigned l2 = pk->l3_off;
	unsigned l3 = pk->ip_ver == 6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	unsigned frame = RTE_MAX(l2 + l3 + tl, 60u);
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
	uint8_t *b;

	if (m == NULL || (b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)frame)) == NULL) {
		rte_pktmbuf_free(m);
		lc->ctr->dpdrop[MG_DPD_NO_MBUF]++;
		return NULL;
	}
	memset(b, 0, frame);
	memcpy(b, hdr, l2);
	if (reverse) { /* MACs swapped, tags kept */
		memcpy(b, hdr + 6, 6);
		memcpy(b + 6, hdr, 6);
	}
	const uint8_t *src = reverse ? pk->dst : pk->src;
	const uint8_t *dst = reverse ? pk->src : pk->dst;
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(b + l2 + l3);

	t->src_port = rte_cpu_to_be_16(reverse ? pk->dport : pk->sport);
	t->dst_port = rte_cpu_to_be_16(reverse ? pk->sport : pk->dport);
	t->data_off = (uint8_t)((tl / 4) << 4);
	if (pk->ip_ver == 6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l2);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)tl);
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src, 16);
		memcpy(ip->dst_addr, dst, 16);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + tl));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
	}
	*th = t;
	return m;
}

static void finish(struct rte_mbuf *m, const struct mg_pkt *pk, struct rte_tcp_hdr *th)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, pk->l3_off);

	th->cksum = 0;
	if (pk->ip_ver == 6) {
		th->cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)ip, th);
	} else {
		struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)ip;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
		th->cksum = rte_ipv4_udptcp_cksum(ip4, th);
	}
}

struct rte_mbuf *mg_gate_rst(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
                             bool reverse, uint32_t seq, uint32_t ack)
{
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = segment(lc, hdr, pk, reverse, sizeof(*th), &th);

	if (m == NULL)
		return NULL;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	finish(m, pk, th);
	return m;
}

struct rte_mbuf *mg_gate_ack(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
                             const struct mg_gate_ack_spec *a)
{
	unsigned nb = RTE_MIN(a->nblk, a->ts ? 3u : 4u);
	unsigned ol = (a->ts ? 12u : 0u) + (nb ? 4u + 8u * nb : 0u);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = segment(lc, hdr, pk, true, sizeof(*th) + ol, &th);

	if (m == NULL)
		return NULL;
	uint8_t *op = (uint8_t *)(th + 1);

	th->sent_seq = rte_cpu_to_be_32(a->seq);
	th->recv_ack = rte_cpu_to_be_32(a->ack);
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16(a->win);
	if (a->ts) {
		const uint32_t tsv = rte_cpu_to_be_32(a->tsval), tse = rte_cpu_to_be_32(a->tsecr);
		op[0] = 1, op[1] = 1, op[2] = 8, op[3] = 10;
		memcpy(op + 4, &tsv, 4);
		memcpy(op + 8, &tse, 4);
		op += 12;
	}
	if (nb) {
		op[0] = 1, op[1] = 1, op[2] = 5, op[3] = (uint8_t)(2 + 8 * nb);
		op += 4;
		for (unsigned i = 0; i < nb; i++, op += 8) {
			const uint32_t l = rte_cpu_to_be_32(a->blk[i][0]),
			               r = rte_cpu_to_be_32(a->blk[i][1]);
			memcpy(op, &l, 4);
			memcpy(op + 4, &r, 4);
		}
	}
	finish(m, pk, th);
	return m;
}
