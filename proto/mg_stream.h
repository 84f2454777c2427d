/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP stream reassembly for one direction of a connection, for the offline
 * tools (replay, tests, generators); DPDK-free. It owns the direction's
 * expected sequence number and a bounded out-of-order store, and turns
 * segments arriving in any order into the in-order byte stream, delivered
 * through a callback.
 *
 * - The expected sequence number is set by the SYN (ISN + 1) or, for a
 *   capture that starts mid-connection, by the first data segment seen.
 * - In-order data with nothing stored is delivered in place (no copy).
 * - Out-of-order bytes are copied into a window of MG_STREAM_WINDOW bytes
 *   starting at the expected sequence number (a ring plus a presence
 *   bitmap, allocated on first need) and delivered when the gap fills.
 * - Overlaps are handled conservatively: bytes already delivered are
 *   trimmed (counted as retransmitted; they are no longer kept, so cannot
 *   be compared), bytes already stored are compared: identical → counted
 *   as retransmitted, different → counted as a conflict and the original
 *   is kept (first copy wins, like most end hosts).
 * - A segment reaching past the window (MG_R_STREAM_OOO_BOUND) means data
 *   was lost: the missing bytes are declared a gap (callback with p ==
 *   NULL), the direction is marked broken and reassembly continues after
 *   the gap, so later bytes are still delivered in order.
 * All sequence comparisons are modulo 2^32 (wraparound safe).
 */
#ifndef MG_STREAM_H
#define MG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

/* Out-of-order window per direction (bytes past the expected seq). */
#define MG_STREAM_WINDOW 65536u

/*
 * Called with the next in-order bytes (p != NULL), or with p == NULL and
 * len = number of bytes lost for a gap (the next call continues after it).
 */
typedef void (*mg_stream_cb)(void *ud, const uint8_t *p, size_t len);

struct mg_stream_stats {
	uint64_t segs;            /* segments fed with data */
	uint64_t bytes_delivered; /* in-order bytes handed to the callback */
	uint64_t bytes_ooo;       /* bytes stored out of order (delivered later) */
	uint64_t bytes_retrans;   /* bytes seen again (trimmed or identical) */
	uint64_t bytes_conflict;  /* overlapping bytes that differed (dropped) */
	uint64_t bytes_lost;      /* bytes declared lost in gaps */
	uint32_t segs_retrans;    /* segments that carried retransmitted bytes */
	uint32_t overlap_conflicts; /* segments that carried conflicting bytes */
	uint32_t ooo_bound;       /* times a segment reached past the window */
	uint32_t gaps;            /* gaps declared */
};

struct mg_stream_dir {
	bool synced;       /* next is known */
	bool syn_seen;     /* next came from a SYN */
	bool broken;       /* a gap was declared: bytes were lost */
	uint32_t isn;      /* SYN sequence number (when syn_seen) */
	uint32_t next;     /* next expected sequence number */
	uint64_t base;     /* stream offset of next (bytes delivered + lost) */
	uint32_t stored;   /* out-of-order bytes held in the window */
	uint8_t *ring;     /* MG_STREAM_WINDOW bytes, NULL until needed */
	uint64_t *map;     /* presence bitmap over the ring */
	enum mg_reason last_reason; /* last STREAM_* condition, MG_R_NONE if none */
	struct mg_stream_stats st;
};

void mg_stream_init(struct mg_stream_dir *d);
/* Free the out-of-order store (the direction may be re-initialised). */
void mg_stream_free(struct mg_stream_dir *d);

/* A SYN with sequence number seq was sent in this direction. A repeated
 * SYN with the same ISN is ignored; returns false when the SYN carries a
 * different ISN on a synced direction (caller decides: new connection). */
bool mg_stream_syn(struct mg_stream_dir *d, uint32_t seq);

/* Set the expected sequence number of a direction not yet synced (e.g.
 * from the peer's ACK when a capture starts mid-connection, so a TCP
 * keep-alive's garbage byte at next-1 is not taken for stream data).
 * No effect once synced. */
void mg_stream_sync(struct mg_stream_dir *d, uint32_t next);

/*
 * Feed one segment's payload (SYN/FIN flags excluded from seq accounting by
 * the caller: pass the sequence number of the first payload byte, i.e.
 * seq + 1 for a SYN that carries data). Delivers through cb every byte that
 * became in-order, in order. Returns MG_OK, or MG_MALFORMED with
 * d->last_reason set (MG_R_STREAM_OOO_BOUND / MG_R_STREAM_OVERLAP_CONFLICT)
 * when this segment hit a bound or conflicted; delivery still happened.
 */
enum mg_status mg_stream_feed(struct mg_stream_dir *d, uint32_t seq, const uint8_t *p,
			      size_t len, mg_stream_cb cb, void *ud);

/*
 * The peer acknowledged everything before ack: bytes of this direction
 * before ack that were never fed were lost by the capture, not by the
 * network (Wireshark's "ACKed unseen segment"). Declares them a gap and
 * delivers the stored bytes that follow, so reassembly does not wait for a
 * retransmission that will never come. Pass the peer's ACK only when its
 * ACK flag is set; a FIN's sequence slot is the caller's to discount.
 * Returns the number of bytes declared lost.
 */
uint64_t mg_stream_acked(struct mg_stream_dir *d, uint32_t ack, mg_stream_cb cb, void *ud);

/* Stream offset of the next byte to be delivered. */
static inline uint64_t mg_stream_offset(const struct mg_stream_dir *d)
{
	return d->base;
}

#endif
