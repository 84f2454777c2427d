/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit primitive of the worker: put one frame on a side's way out (the
 * port's tx buffer, or, on a dispatched worker, the ring back to the rx/tx
 * core) and count it. Whole and inline here, calling into no file of the
 * dataplane, so that both the action point (action.c) and the L2 pass
 * early-out (l2.c) use it without either depending on the other.
 */
#ifndef MG_TX_H
#define MG_TX_H

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mg_dp.h"

/* Dispatched worker: hand what it produced to the rx/tx core; what the
 * ring cannot take is dropped (tx_queue_full). */
static inline void mg_dp_out_flush(struct mg_lcore *lc, unsigned side)
{
	uint16_t n = lc->nout[side];

	if (n == 0)
		return;
	unsigned k =
	    rte_ring_sp_enqueue_burst(lc->out_ring[side], (void **)lc->outq[side], n, NULL);
	for (unsigned i = k; i < n; i++) {
		lc->ctr->tx[side]--;
		lc->ctr->dpdrop[MG_DPD_TX_FULL]++;
		rte_pktmbuf_free(lc->outq[side][i]);
	}
	lc->nout[side] = 0;
}

/* A side's tx buffer is full: send it. Out of line (once per burst), so
 * that mg_dp_tx inlined into a caller loads neither port nor queue and
 * keeps nothing alive across a call. */
static __rte_unused __rte_noinline void mg_dp_tx_buffer_full(struct mg_lcore *lc, unsigned side)
{
	rte_eth_tx_buffer_flush(mg_dp_cfg.port[side], lc->q, lc->tx[side]);
}

/* rte_eth_tx_buffer(), with the flush out of line. */
static inline void mg_dp_tx(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m)
{
	lc->ctr->tx[side]++;
	if (unlikely(lc->out_ring[side] != NULL)) {
		lc->outq[side][lc->nout[side]++] = m;
		if (lc->nout[side] == MG_DP_BURST)
			mg_dp_out_flush(lc, side);
		return;
	}
	struct rte_eth_dev_tx_buffer *b = lc->tx[side];
	b->pkts[b->length++] = m;
	if (unlikely(b->length >= b->size))
		mg_dp_tx_buffer_full(lc, side);
}

#endif
