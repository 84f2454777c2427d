/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up for the two bridge ports: one rx and one tx queue per worker
 * on each port, symmetric RSS (a key of repeated 0x6d5a makes the Toeplitz
 * hash of (a,b) equal to that of (b,a), so a flow's two directions land on
 * the same queue, hence the same worker) when there is more than one
 * worker, promiscuous mode (a bump in the wire has no MAC of its own), and
 * per-worker tx buffers flushed at the end of every loop iteration.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "mg_dp.h"

#define RX_DESC 1024
#define TX_DESC 1024

static uint8_t sym_rss_key[40];

static int port_init(uint16_t port, unsigned nq, struct rte_mempool *pool, char *err,
		     size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nrx = RX_DESC, ntx = TX_DESC;
	int rc;

	if (!rte_eth_dev_is_valid_port(port)) {
		snprintf(err, errlen,
			 "port %u does not exist (%u ports available; give --vdev or a PCI device)",
			 port, rte_eth_dev_count_avail());
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: cannot get device info: %s", port, strerror(-rc));
		return rc;
	}
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		snprintf(err, errlen,
			 "port %u (%s) has %u rx / %u tx queues, %u workers need %u each; use "
			 "--workers %u",
			 port, info.driver_name, info.max_rx_queues, info.max_tx_queues, nq, nq,
			 RTE_MIN(info.max_rx_queues, info.max_tx_queues));
		return -EINVAL;
	}
	memset(&conf, 0, sizeof(conf));
	if (nq > 1) {
		if ((info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP)) == 0) {
			snprintf(err, errlen,
				 "port %u (%s) has no RSS: a flow's two directions could land on "
				 "different workers; use --workers 1",
				 port, info.driver_name);
			return -EINVAL;
		}
		for (size_t i = 0; i < sizeof(sym_rss_key); i += 2) {
			sym_rss_key[i] = 0x6d;
			sym_rss_key[i + 1] = 0x5a;
		}
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = sym_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(sym_rss_key);
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(port, (uint16_t)nq, (uint16_t)nq, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: configure failed: %s", port, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: descriptors: %s", port, strerror(-rc));
		return rc;
	}
	int socket = rte_eth_dev_socket_id(port);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (unsigned q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(port, (uint16_t)q, nrx, (unsigned)socket, NULL, pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port, (uint16_t)q, ntx, (unsigned)socket, NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port %u: queue %u set-up failed: %s", port, q,
				 strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: start failed: %s", port, strerror(-rc));
		return rc;
	}
	/* Virtual devices may not implement it; they see every frame anyway. */
	rte_eth_promiscuous_enable(port);
	return 0;
}

int mg_dp_ports_init(unsigned nq, char *err, size_t errlen)
{
	if (mg_dp_cfg.port[0] == mg_dp_cfg.port[1]) {
		snprintf(err, errlen, "--inside and --outside must be different ports (both %u)",
			 mg_dp_cfg.port[0]);
		return -EINVAL;
	}
	for (unsigned s = 0; s < 2; s++) {
		int rc = port_init(mg_dp_cfg.port[s], nq, mg_dp_lcores[0].pool, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct mg_lcore *lc = userdata;

	/* Frames already counted as tx: move them to the drop counters. */
	lc->ctr->dpdrop[MG_DPD_TX_FULL] += unsent;
	for (uint16_t i = 0; i < unsent; i++)
		rte_pktmbuf_free(pkts[i]);
}

int mg_dp_txbuf_init(struct mg_lcore *lc, char *err, size_t errlen)
{
	for (unsigned s = 0; s < 2; s++) {
		lc->tx[s] = rte_zmalloc_socket("mgtxbuf", RTE_ETH_TX_BUFFER_SIZE(MG_DP_BURST), 0,
					       (int)rte_lcore_to_socket_id(lc->lcore_id));
		if (lc->tx[s] == NULL) {
			snprintf(err, errlen, "cannot allocate tx buffers");
			return -ENOMEM;
		}
		rte_eth_tx_buffer_init(lc->tx[s], MG_DP_BURST);
		rte_eth_tx_buffer_set_err_callback(lc->tx[s], tx_unsent, lc);
	}
	return 0;
}

void mg_dp_ports_stop(void)
{
	for (unsigned s = 0; s < 2; s++) {
		uint16_t p = mg_dp_cfg.port[s];
		if (!rte_eth_dev_is_valid_port(p))
			continue;
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
}

/* Benchmark aid (--bench-inject N): put N copies of a 64-byte GOOSE frame
 * (VLAN 100) on each port's tx at start-up. On loopback devices such as
 * net_ring they come back as rx and circulate through the bridge forever,
 * like testpmd's --tx-first. */
int mg_dp_ports_inject(unsigned n, char *err, size_t errlen)
{
	static const uint8_t goose[18] = {0x01, 0x0c, 0xcd, 0x01, 0x00, 0x01, 0x02, 0x00,
					  0x50, 0x20, 0x00, 0x05, 0x81, 0x00, 0x80, 0x64,
					  0x88, 0xb8};
	struct mg_lcore *lc = &mg_dp_lcores[0];

	for (unsigned s = 0; s < 2; s++) {
		for (unsigned i = 0; i < n; i++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
			uint8_t *b = m ? (uint8_t *)rte_pktmbuf_append(m, 60) : NULL;
			if (b == NULL) {
				snprintf(err, errlen, "--bench-inject: out of mbufs");
				return -ENOMEM;
			}
			memset(b, 0, 60);
			memcpy(b, goose, sizeof(goose));
			if (rte_eth_tx_burst(mg_dp_cfg.port[s], 0, &m, 1) != 1) {
				rte_pktmbuf_free(m);
				break;
			}
		}
	}
	return 0;
}
