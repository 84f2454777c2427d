/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake ops table for the control server (dataplane/ctl_server.h) so the
 * protocol, the server and mmsgatectl are tested without DPDK: counters
 * that grow on every stats call, a flow list of configurable size, an
 * event history with sequence numbers, a policy "load" that rejects files
 * containing the word "error" with file:line:col diagnostics.
 */
#ifndef MG_TEST_FAKE_OPS_H
#define MG_TEST_FAKE_OPS_H

#include "ctl_server.h"

struct fake_state {
	uint64_t generation;
	char mode[16];
	char policy_path[512];
	unsigned nflows;      /* flows the flows op reports */
	unsigned flow_pad;    /* bytes of padding per flow (big responses) */
	uint64_t stats_calls;
	uint64_t nevents;     /* events 1..nevents exist */
};

extern const struct mg_ctl_ops fake_ops;
void fake_state_init(struct fake_state *st);

#endif
