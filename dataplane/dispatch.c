/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software dispatch, for N workers on ports without RSS or with a single
 * queue (most virtual devices). Worker 0 is the rx/tx core: it receives on
 * queue 0 of both ports, hashes each IP frame's addresses and ports
 * symmetrically (XOR, so both directions of a flow give the same value)
 * and hands the frame to that worker through a single-producer /
 * single-consumer ring; non-IP frames (GOOSE/SV/ARP…) and worker 0's share
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

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Worker index for a frame; 0 for anything that is not IP. */
static inline unsigned pick(const struct rte_mbuf *m, unsigned n)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off = 12, h, l4 = 0;
	uint16_t et;
	uint8_t proto;

	if (len < 14)
		return 0;
	et = rd16(p + off);
	while ((et == MG_ETH_VLAN || et == MG_ETH_QINQ) && off + 6 <= len) {
		off += 4;
		et = rd16(p + off);
	}
	off += 2;
	if (et == MG_ETH_IPV4 && len >= off + 20) {
		h = rd32(p + off + 12) ^ rd32(p + off + 16);
		proto = p[off + 9];
		/* Fragments: addresses only (a non-first fragment has no ports). */
		if ((rd16(p + off + 6) & 0x3fff) == 0)
			l4 = off + (uint32_t)(p[off] & 0x0f) * 4;
	} else if (et == MG_ETH_IPV6 && len >= off + 40) {
		h = 0;
		for (unsigned i = 0; i < 16; i += 4)
			h ^= rd32(p + off + 8 + i) ^ rd32(p + off + 24 + i);
		proto = p[off + 6];
		l4 = off + 40; /* extension headers: the ports are not where we look; fine */
	} else {
		return 0;
	}
	if (l4 && (proto == 6 || proto == 17) && len >= l4 + 4)
		h ^= rd16(p + l4) ^ rd16(p + l4 + 2);
	h = rte_hash_crc_4byte(h ^ proto, 0x6d5a6d5a);
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
		unsigned w = pick(pkts[i], mg_dp_nworkers);
		if (w == 0)
			mg_dp_frame(lc, side, pkts[i]);
		else
			stage[w][ns[w]++] = pkts[i];
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
		unsigned side = pkts[i]->port == mg_dp_cfg.port[MG_SIDE_INSIDE] ? MG_SIDE_INSIDE
										: MG_SIDE_OUTSIDE;
		mg_dp_frame(lc, side, pkts[i]);
	}
}
