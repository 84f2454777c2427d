/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker: one per lcore, run to completion (the shape of DPDK's
 * l3fwd). Each iteration: load the active policy pointer once, receive a
 * burst from each port's queue of this worker, handle every frame to the
 * end (mg_dp_frame: L2 → IP → conntrack → held stream → verdict → the
 * action point), flush the tx buffers,
 * expire a few flows, report an RCU quiescent state. No locks, no
 * syscalls, no allocation on this path (reassembly buffers come from a
 * per-worker mempool, RST frames from the mbuf pool).
 *
 * --ts-order (for replaying captures on net_pcap): the two ports' frames
 * are merged by their rx timestamp (the pcap record time), so a request in
 * the outside capture is handled before the response in the inside one;
 * that time is also the clock of select timeouts and of the translator's
 * and custody's timers, which run every 10 ms of it: a capture's pauses
 * count, whatever the replay's speed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>

#include "mg_dp.h"

struct mg_vl_table *mg_dp_varlists;

static int ts_off = -1;
static uint64_t ts_flag;

static void *reasm_get(void *ud)
{
	void *b;

	return rte_mempool_get(ud, &b) == 0 ? b : NULL;
}

static void reasm_put(void *ud, void *b)
{
	rte_mempool_put(ud, b);
}

/* Normaliser records start with a zero bitmap (and go back with one). */
static void tnrec_zero(struct rte_mempool *mp, void *arg, void *obj, unsigned idx)
{
	(void)arg;
	(void)idx;
	memset(obj, 0, mp->elt_size);
}

int mg_dp_worker_setup(struct mg_lcore *lc, char *err, size_t errlen)
{
	char name[32];
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);

	lc->ctr = rte_zmalloc_socket("mgctr", sizeof(*lc->ctr), RTE_CACHE_LINE_SIZE, socket);
	if (lc->ctr == NULL) {
		snprintf(err, errlen, "cannot allocate counters");
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "mgreasm%u", lc->wid);
	lc->reasm = rte_mempool_create(name, mg_dp_cfg.reasm_bufs, MG_ENGINE_DEFAULT_BUF_SIZE, 0,
				       0, NULL, NULL, NULL, NULL, socket,
				       RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
	if (lc->reasm == NULL) {
		snprintf(err, errlen,
			 "cannot create %u reassembly buffers of %u bytes: %s (lower --reasm-bufs "
			 "or raise -m)",
			 mg_dp_cfg.reasm_bufs, MG_ENGINE_DEFAULT_BUF_SIZE, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* One named-variable-list table for every worker: two associations
	 * to one IED may sit on different workers (mg_varlist.h). Workers are
	 * set up one after the other by the main lcore. */
	if (mg_dp_varlists == NULL && (mg_dp_varlists = mg_vl_table_new(0)) == NULL) {
		snprintf(err, errlen, "cannot allocate the variable-list table");
		return -ENOMEM;
	}
	struct mg_engine_cfg ec = {
		.varlists = mg_dp_varlists,
		.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
		.buf_get = reasm_get,
		.buf_put = reasm_put,
		.buf_ud = lc->reasm,
		.midstream_pickup = false,
	};
	mg_engine_init(&lc->eng, &ec);
	/* Normaliser records (a copy of the bytes a receiver has not yet
	 * acknowledged), lent only while such bytes exist. The ring size is
	 * replay's, so both refuse the same segments. */
	snprintf(name, sizeof(name), "mgtnrec%u", lc->wid);
	lc->tnrec = rte_mempool_create(name, mg_dp_cfg.record_bufs,
				       (unsigned)mg_tcpn_buf_bytes(MG_TCPN_DEFAULT_REC), 0, 0, NULL,
				       NULL, tnrec_zero, NULL, socket,
				       RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
	if (lc->tnrec == NULL) {
		snprintf(err, errlen,
			 "cannot create %u normaliser records of %zu bytes: %s (lower "
			 "--record-bufs or raise -m)",
			 mg_dp_cfg.record_bufs, mg_tcpn_buf_bytes(MG_TCPN_DEFAULT_REC),
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	lc->tncfg = (struct mg_tcpn_cfg){
		.rec_size = MG_TCPN_DEFAULT_REC,
		.buf_get = reasm_get,
		.buf_put = reasm_put,
		.buf_ud = lc->tnrec,
	};
	lc->scratch = mg_policy_scratch_new();
	if (lc->scratch == NULL) {
		snprintf(err, errlen, "cannot allocate policy scratch");
		return -ENOMEM;
	}
	int rc = mg_policy_scratch_prepare(lc->scratch, mg_dp_policy_current()->p);
	if (rc != 0) {
		snprintf(err, errlen, "cannot prepare policy scratch: %s", strerror(-rc));
		return rc;
	}
	rc = mg_flows_init(lc, err, errlen);
	if (rc != 0)
		return rc;
	if (mg_dp_sa_init(lc, err, errlen) != 0)
		return -ENOMEM;
	return mg_dp_txbuf_init(lc, err, errlen);
}

void mg_dp_worker_teardown(struct mg_lcore *lc)
{
	mg_flows_free(lc);
	mg_dp_sa_fini(lc);
	mg_dp_act_flush_drops(lc);
	for (unsigned s = 0; s < 2; s++) {
		rte_free(lc->tx[s]);
		lc->tx[s] = NULL;
	}
	if (lc->scratch)
		mg_policy_scratch_free(lc->scratch);
	lc->scratch = NULL;
	rte_mempool_free(lc->reasm);
	lc->reasm = NULL;
	rte_mempool_free(lc->tnrec);
	lc->tnrec = NULL;
}

int mg_dp_ts_init(char *err, size_t errlen)
{
	ts_off = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
	if (ts_off < 0 || bit < 0) {
		snprintf(err, errlen,
			 "--ts-order needs rx timestamps (net_pcap provides them); these ports "
			 "do not");
		return -ENOTSUP;
	}
	ts_flag = 1ull << bit;
	return 0;
}

static inline uint64_t mb_ts(const struct rte_mbuf *m)
{
	if (!(m->ol_flags & ts_flag))
		return 0;
	return *RTE_MBUF_DYNFIELD(m, ts_off, const rte_mbuf_timestamp_t *);
}

static inline void begin_iteration(struct mg_lcore *lc)
{
	int ov = __atomic_load_n(&mg_dp_mode_override, __ATOMIC_ACQUIRE);

	lc->pol = mg_dp_policy_current();
	lc->monitor = ov >= 0 ? ov == MG_MODE_MONITOR
			      : mg_policy_mode(lc->pol->p) == MG_MODE_MONITOR;
	lc->now = rte_rdtsc();
	/* A new policy generation empties the L2 caches: once per iteration,
	 * not per frame. */
	mg_dp_l2_begin(lc);
}

static inline void tx_flush(struct mg_lcore *lc)
{
	/* The rx/tx core of software dispatch first takes the other workers'
	 * output; then dropped frames are freed and buffered ones sent. */
	if (lc->out_ring[0] == NULL && mg_dp_cfg.dispatch)
		mg_dp_dispatch_tx(lc);
	mg_dp_act_flush(lc);
}

static inline void end_iteration(struct mg_lcore *lc)
{
	/* Retransmission timers of answers the gate injected (translate.c)
	 * and of bytes in its custody (action.c), every ~10 ms, before the
	 * flush so what they send leaves now. */
	if (unlikely((lc->sa_used | lc->cust_n) != 0) && lc->now >= lc->sa_tick) {
		lc->sa_tick = lc->now + mg_dp_hz / 100;
		mg_dp_sa_tick(lc);
		mg_dp_cust_tick(lc);
	}
	tx_flush(lc);
	if ((++lc->iter & 15) == 0)
		mg_flows_expire(lc, 32);
	lc->pol = NULL;
	mg_dp_policy_quiescent(lc->wid);
}

struct stage {
	struct rte_mbuf *b[MG_DP_BURST];
	uint16_t n, i;
};

static void loop_ts_order(struct mg_lcore *lc)
{
	struct stage st[2];

	memset(st, 0, sizeof(st));
	while (!mg_dp_quit) {
		begin_iteration(lc);
		for (unsigned k = 0; k < 2 * MG_DP_BURST; k++) {
			for (unsigned s = 0; s < 2; s++) {
				if (st[s].i < st[s].n)
					continue;
				st[s].i = 0;
				st[s].n = rte_eth_rx_burst(mg_dp_cfg.port[s], lc->q, st[s].b,
							   MG_DP_BURST);
				if (st[s].n) {
					lc->last_rx = lc->now;
					lc->ctr->rx[s] += st[s].n;
				}
			}
			bool h0 = st[0].i < st[0].n, h1 = st[1].i < st[1].n;
			if (!h0 && !h1)
				break;
			unsigned s = h0 && h1 ? (mb_ts(st[0].b[st[0].i]) <= mb_ts(st[1].b[st[1].i]) ? 0 : 1)
					      : (h0 ? 0 : 1);
			/* net_pcap (DPDK 22.11) gives the record's time in µs;
			 * the clock of timers and select timeouts is in ns. */
			lc->ts_clock = mb_ts(st[s].b[st[s].i]) * 1000u;
			if (mg_dp_cfg.dispatch)
				mg_dp_dispatch_burst(lc, s, &st[s].b[st[s].i++], 1);
			else
				mg_dp_frame(lc, s, st[s].b[st[s].i++]);
			/* The capture's clock drives the timers too (translator,
			 * custody): they fire where the capture's time passes them,
			 * every 10 ms of it, however fast it is replayed. */
			if (unlikely((lc->sa_used | lc->cust_n) != 0) && lc->ts_clock >= lc->ts_tick) {
				lc->ts_tick = lc->ts_clock + 10000000ull;
				mg_dp_sa_tick(lc);
				mg_dp_cust_tick(lc);
			}
		}
		end_iteration(lc);
	}
	for (unsigned s = 0; s < 2; s++)
		while (st[s].i < st[s].n)
			rte_pktmbuf_free(st[s].b[st[s].i++]);
}

static void loop_bursts(struct mg_lcore *lc)
{
	struct rte_mbuf *pkts[MG_DP_BURST];

	while (!mg_dp_quit) {
		unsigned got = 0;

		begin_iteration(lc);
		for (unsigned s = 0; s < 2; s++) {
			uint16_t n = rte_eth_rx_burst(mg_dp_cfg.port[s], lc->q, pkts, MG_DP_BURST);
			if (n == 0)
				continue;
			got += n;
			lc->last_rx = lc->now;
			lc->ctr->rx[s] += n;
			if (mg_dp_cfg.dispatch) {
				mg_dp_dispatch_burst(lc, s, pkts, n);
				continue;
			}
			for (uint16_t i = 0; i < n; i++) {
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
				mg_dp_frame(lc, s, pkts[i]);
			}
		}
		end_iteration(lc);
		if (got) {
			lc->ctr->busy_cycles += rte_rdtsc() - lc->now;
			lc->ctr->busy_frames += got;
		}
	}
}

static void loop_dispatched(struct mg_lcore *lc)
{
	while (!mg_dp_quit) {
		begin_iteration(lc);
		mg_dp_dispatch_rx(lc);
		end_iteration(lc);
	}
}

int mg_dp_worker_main(void *arg)
{
	struct mg_lcore *lc = arg;

	mg_dp_policy_worker_online(lc->wid);
	lc->running = true;
	if (lc->in_ring != NULL)
		loop_dispatched(lc);
	else if (mg_dp_cfg.ts_order)
		loop_ts_order(lc);
	else
		loop_bursts(lc);
	if (mg_dp_cfg.dispatch && lc->wid == 0) {
		/* The rx/tx core sends what the other workers still hand back. */
		for (unsigned w = 1; w < mg_dp_nworkers; w++)
			while (mg_dp_lcores[w].running)
				rte_pause();
	}
	tx_flush(lc);
	mg_dp_policy_worker_offline(lc->wid);
	lc->running = false;
	return 0;
}
