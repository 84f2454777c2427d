/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's shared state: the configuration with its defaults (set
 * by main.c from options and the configuration file before the workers
 * start, read-only after), the worker contexts, and the clocks and mbuf
 * field offsets fixed at start-up. Defined here, at the bottom, rather
 * than in main.c, so that the files that read them do not depend on the
 * file that starts them all: main.c calls every other file, none calls
 * back into main.c.
 */
#include "mg_dp.h"

struct mg_dp_cfg mg_dp_cfg = {
	.port = {0, 1},
	.max_flows = 16384,
	.hold_max_segs = 512,
	/* A Linux receiver's window reaches ~180 KB: with the gate's SACKs
	 * (action.c) a sender keeps sending past a hole before the gate, up
	 * to ~125 full-size segments out of order (tests/scripts/netns_tcp.sh
	 * hit 32). */
	.ooo_max_segs = 128,
	.reasm_bufs = 256,
	.record_bufs = 256,
	.syn_timeout_s = 10,
	.tcp_timeout_s = 600,
	.close_timeout_s = 5,
	.udp_timeout_s = 60,
};
volatile bool mg_dp_quit;
struct mg_lcore mg_dp_lcores[MG_DP_MAX_WORKERS];
unsigned mg_dp_nworkers;
uint64_t mg_dp_hz;
uint64_t mg_dp_start_ns, mg_dp_start_tsc;
int mg_dp_mbuf_priv_off = -1;
