/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software dispatch, for N workers on ports without RSS or with a single
 * queue (most virtual devices). Worker 0 is the rx/tx core: it receives on
 * queue 0 of both ports, decodes each frame's headers (l2.c, once: the
 * decoded struct mg_frame travels with the mbuf in its private area),
 * hashes an IP frame's addresses and ports symmetrically (XOR, so both
 * directions of a flow give the same value) and hands the frame to that
 * worker through a single-producer / single-consumer ring; non-IP frames (GOOSE/SV/ARP…) and worker 0's share
 * are handled in place, so the L2 fast path never crosses a ring. Workers
 * hand the frames they forward back through one ring per output side, and
 * the rx core transmits them on the only tx queue. Per flow, order is
 * kept: one flow, one worker, FIFO rings.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_ring.h>

#include "mg_dp.h"

#define RING_SIZE 4096

/* Worker index for a decoded frame; 0 for anything that is not IP. The
 * same for both directions of a flow: XOR of addresses and of ports. */
static inline unsigned pick(const struct mg_frame *fr, unsigned n)
{
	const struct mg_pkt *pk = &fr->pk;
	uint32_t h = 0, a, b;

	if (fr->l3_st != MG_PKT_OK || pk->ip_ver == 0)
		return 0;
	for (unsigned i = 0; i < (pk->ip_ver == 6 ? 16u : 4u); i += 4) {
		memcpy(&a, pk->src + i, 4);
		memcpy(&b, pk->dst + i, 4);
		h ^= a ^ b;
	}
	/* Fragments: addresses only (a non-first fragment has no ports). */
	if (!pk->frag && (pk->ip_proto == 6 || pk->ip_proto == 17))
		h ^= (uint32_t)(pk->sport ^ pk->dport);
	h = rte_hash_crc_4byte(h ^ pk->ip_proto, 0x6d5a6d5a);
	return h % n;
}

int mg_dp_dispatch_init(char *err, size_t errlen)
{
	char name[32];

	for (unsigned w = 1; w < mg_dp_nworkers; w++) {
		struct mg_lcore *lc = &mg_dp_lcores[w];
		int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
		snprintf(name, sizeof(name), "mgdin%u", w);
		lc->in_ring = rte_ring_create(name, RING_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		for (unsigned s = 0; s < 2 && lc->in_ring; s++) {
			snprintf(name, sizeof(name), "mgdout%u_%u", w, s);
			lc->out_ring[s] = rte_ring_create(name, RING_SIZE, socket,
							  RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (lc->out_ring[s] == NULL)
				break;
		}
		if (lc->in_ring == NULL || lc->out_ring[0] == NULL || lc->out_ring[1] == NULL) {
			snprintf(err, errlen, "cannot create dispatch rings: %s",
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

static void ring_drain_free(struct rte_ring *r)
{
	void *m;

	while (r && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

void mg_dp_dispatch_fini(void)
{
	for (unsigned w = 1; w < mg_dp_nworkers; w++) {
		struct mg_lcore *lc = &mg_dp_lcores[w];
		ring_drain_free(lc->in_ring);
		rte_ring_free(lc->in_ring);
		lc->in_ring = NULL;
		for (unsigned s = 0; s < 2; s++) {
			ring_drain_free(lc->out_ring[s]);
			rte_ring_free(lc->out_ring[s]);
			lc->out_ring[s] = NULL;
		}
	}
}

void mg_dp_dispatch_burst(struct mg_lcore *lc, unsigned side, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *stage[MG_DP_MAX_WORKERS][MG_DP_BURST];
	uint16_t ns[MG_DP_MAX_WORKERS] = {0};

	for (uint16_t i = 0; i < n; i++) {
		struct mg_frame fr = {.m = pkts[i], .side = (uint8_t)side};
		mg_dp_frame_decode_l2(&fr);
		if (fr.l2_st == MG_PKT_OK &&
		    (fr.pk.ethertype == MG_ETH_IPV4 || fr.pk.ethertype == MG_ETH_IPV6))
			mg_dp_frame_decode_l3(&fr);
		unsigned w = pick(&fr, mg_dp_nworkers);
		if (w == 0) {
			mg_dp_frame_decoded(lc, &fr);
			continue;
		}
		/* The worker continues from the decoded headers, not the bytes. */
		memcpy(rte_mbuf_to_priv(fr.m), &fr, sizeof(fr));
		stage[w][ns[w]++] = fr.m;
	}
	for (unsigned w = 1; w < mg_dp_nworkers; w++) {
		if (ns[w] == 0)
			continue;
		unsigned k = rte_ring_sp_enqueue_burst(mg_dp_lcores[w].in_ring, (void **)stage[w],
						       ns[w], NULL);
		for (unsigned i = k; i < ns[w]; i++) {
			struct mg_frame fr = {.m = stage[w][i], .side = (uint8_t)side};
			mg_dp_act(lc, &fr, MG_OUT_DROPPED(MG_DPD_TX_FULL));
		}
	}
}

void mg_dp_dispatch_tx(struct mg_lcore *lc)
{
	struct rte_mbuf *b[MG_DP_BURST];

	for (unsigned w = 1; w < mg_dp_nworkers; w++)
		for (unsigned s = 0; s < 2; s++) {
			unsigned k = rte_ring_sc_dequeue_burst(mg_dp_lcores[w].out_ring[s], (void **)b,
							       MG_DP_BURST, NULL);
			for (unsigned i = 0; i < k; i++)
				rte_eth_tx_buffer(mg_dp_cfg.port[s], lc->q, lc->tx[s], b[i]);
		}
}

void mg_dp_dispatch_rx(struct mg_lcore *lc)
{
	struct rte_mbuf *pkts[MG_DP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(lc->in_ring, (void **)pkts, MG_DP_BURST, NULL);

	if (n)
		lc->last_rx = lc->now;
	for (unsigned i = 0; i < n; i++) {
		struct mg_frame fr;
		memcpy(&fr, rte_mbuf_to_priv(pkts[i]), sizeof(fr));
		mg_dp_frame_decoded(lc, &fr);
	}
}
