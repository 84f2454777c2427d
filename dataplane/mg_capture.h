/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Captures of denied traffic (--capture-denied DIR): workers hand copies of
 * the frames the policy dropped, and of what the gate itself sent in answer
 * (TCP resets, refusals), to a writer thread through an rte_ring; the
 * writer appends them to rotating pcap files with libpcap's dump API.
 * A worker never blocks: a full ring or an exhausted copy pool is counted
 * (ring_full), as is the per-worker rate limit. Files hold operational
 * commands, hence mode 0640, a size bound per file and a count bound.
 */
#ifndef MG_CAPTURE_H
#define MG_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct mg_lcore;

enum mg_cap_kind {
	MG_CAP_DENIED = 0, /* a frame the gate dropped by policy */
	MG_CAP_SENT = 1,   /* a frame the gate built and sent (RST, refusal) */
};

extern bool mg_capture_on;

/* Main thread, after the workers are set up (nworkers) and before they run. */
int mg_capture_start(const char *dir, uint32_t file_mb, uint32_t files, uint32_t rate,
                     unsigned nworkers, char *err, size_t errlen);
/* Main thread, after the workers stopped: drains the ring, closes the file. */
void mg_capture_stop(void);
void mg_capture_stats(uint64_t *written, uint64_t *ring_full, uint64_t *rate_limited,
                      uint64_t *errors);

/* Workers: copy m for the capture (m is not consumed); captures must be on
 * (the caller tests mg_capture_on, so a frame path pays one load). */
void mg_capture_frame_slow(struct mg_lcore *lc, const struct rte_mbuf *m, unsigned kind);
/* Workers: copy m for the capture if captures are on. An ordinary function
 * (its callers send frames the gate built: RSTs, answers), so this header
 * calls into no file of the dataplane. */
void mg_capture_frame(struct mg_lcore *lc, const struct rte_mbuf *m, unsigned kind);

#endif
