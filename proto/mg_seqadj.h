/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP sequence translation for a flow whose byte streams the gate edited:
 * after a refusal the server never saw the denied request's bytes (dropped
 * from client → server) and the client got an answer the server never sent
 * (injected into server → client). Every later segment's sequence and
 * acknowledgement numbers, SACK blocks, FIN and RST must be shifted so that
 * each end sees a consistent stream: netfilter's nf_conntrack_seqadj is the
 * model, generalised from its single correction point to a short ordered
 * list of edits per direction (several refusals may be in flight before the
 * acknowledgements that would let an older one be forgotten).
 *
 * Spaces. Each direction has a sender space (the sequence numbers its
 * sender uses) and a receiver space (what the receiver sees after the
 * edits). The gate's own bookkeeping (stream reassembly, engine offsets,
 * the hold queue, the gate's RSTs) stays in sender space; translation
 * happens on the way out: a segment of direction d gets
 *     seq  := fwd(d, seq)          (sender → receiver space of d)
 *     ack  := back(!d, ack)        (the other direction, receiver → sender)
 *     SACK := back(!d, each edge)
 * and its checksum is updated incrementally (RFC 1624).
 *
 * Edits (per direction, in sender order):
 *   drop   [pos, pos+len) never reaches the receiver; acks of the point
 *          where they were map back to pos+len (the sender sees them acked
 *          as soon as everything before is);
 *   insert len bytes before sender byte pos; they are kept here until the
 *          receiver acknowledges them and retransmitted on duplicate ACKs,
 *          a SACK hole or a timeout (the sender never will: it never sent
 *          them). Inserted bytes go toward the client only, at a TPKT
 *          boundary of the server's stream (the caller's job to choose pos).
 *
 * Limits: MG_SEQADJ_MAX_EDITS per direction, MG_SEQADJ_INJ_BYTES of
 * injected data unacknowledged at once; when an edit does not fit (the peer
 * is not acknowledging), the caller falls back to a reset. Sequence
 * comparisons are modular (RFC 1982 style, within 2^31), so wrap-around is
 * transparent. DPDK-free, no allocation: the state is one fixed-size struct
 * the dataplane takes from a pool only for flows under translation.
 */
#ifndef MG_SEQADJ_H
#define MG_SEQADJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_pkt.h" /* MG_TCP_* flag bits */
#include "mg_seq.h" /* mg_seq_lt / mg_seq_le */

#define MG_SEQADJ_MAX_EDITS  8
#define MG_SEQADJ_INJ_BYTES  1024
#define MG_SEQADJ_MAX_INJ    4
#define MG_SEQADJ_RTO_MIN_NS 200000000ull /* first retransmission of injected bytes */
#define MG_SEQADJ_RTO_MAX_NS 8000000000ull
#define MG_SEQADJ_MAX_TRIES  6 /* then the caller resets the flow */

struct mg_seqadj_edit {
	uint32_t pos; /* sender seq of the first dropped byte / the byte the insert precedes */
	uint32_t len;
	int32_t off; /* receiver = sender + off, just before this edit */
	bool insert;
};

struct mg_seqadj_dir {
	int32_t base; /* offset before the first kept edit (older edits folded in) */
	uint8_t n;
	struct mg_seqadj_edit e[MG_SEQADJ_MAX_EDITS];
	bool snd_seen;
	uint32_t snd_max; /* sender space: highest seq+len (+FIN) the sender sent */
	bool ack_seen;
	uint32_t rcv_ack;      /* receiver space: highest ack the receiver sent for this stream */
	uint32_t last_ack_dup; /* last ack value (receiver space) and its repeats */
	uint8_t dupacks;
	bool ts_seen;
	uint32_t ts_val; /* latest TSval this direction's sender used */
	uint16_t win;    /* latest raw window field of this direction's sender */
};

/* Injected bytes not yet acknowledged, in receiver (client) space order. */
struct mg_seqadj_inj {
	uint32_t seq; /* receiver space */
	uint16_t len;
	uint16_t data;    /* offset in the pool */
	uint64_t last_tx; /* caller's clock, ns */
	uint64_t rto;
	uint8_t tries;
	bool resend;          /* marked for retransmission */
	uint32_t request_end; /* sender space (client): end of the refused request */
	bool placed;          /* false: queued, waiting for a TPKT boundary (mg_seqadj_place) */
};

struct mg_seqadj {
	struct mg_seqadj_dir d[2]; /* by sender direction (enum mg_dir: 0 c2s, 1 s2c) */
	uint8_t ninj;
	struct mg_seqadj_inj inj[MG_SEQADJ_MAX_INJ];
	uint16_t pool_used;
	uint8_t pool[MG_SEQADJ_INJ_BYTES];
	/* statistics for counters */
	uint64_t bytes_dropped, bytes_injected, retransmits, rerequests;
};

void mg_seqadj_init(struct mg_seqadj *sa);

/* Translate one sequence number of direction dir's stream. */
uint32_t mg_seqadj_fwd(const struct mg_seqadj *sa, uint8_t dir, uint32_t seq);
uint32_t mg_seqadj_back(const struct mg_seqadj *sa, uint8_t dir, uint32_t rseq);

/* Bytes [pos, pos+len) of dir's stream (sender space) never reach the
 * receiver. Adjacent drops merge. 0, or -ENOSPC when the edit list is full
 * of unacknowledged edits (the caller resets instead). */
int mg_seqadj_drop(struct mg_seqadj *sa, uint8_t dir, uint32_t pos, uint32_t len);

/*
 * Insert data[0..len) toward the receiver of dir before sender byte pos
 * (the answer to the client request that ended at request_end, client
 * sender space; used to answer its retransmissions). The bytes are kept
 * for retransmission; *rseq is where they start in receiver space (the
 * seq of the segment the caller sends now, at time now). 0, -ENOSPC (edit
 * list or pool full: reset instead) or -EINVAL.
 */
int mg_seqadj_insert(struct mg_seqadj *sa, uint8_t dir, uint32_t pos, const uint8_t *data,
                     uint16_t len, uint32_t request_end, uint64_t now, uint32_t *rseq);

/*
 * An answer that cannot go in yet: the server is in the middle of a PDU
 * (its stream is not at a TPKT boundary) or has segments the gate still
 * holds. mg_seqadj_queue() keeps it (same limits as insert); once the
 * server's stream reaches a boundary the caller calls mg_seqadj_place()
 * with that sender position, which inserts every queued answer there, in
 * order, and makes them due for mg_seqadj_next_tx() (their first
 * transmission). mg_seqadj_queued() says whether any wait.
 */
int mg_seqadj_queue(struct mg_seqadj *sa, const uint8_t *data, uint16_t len, uint32_t request_end);
int mg_seqadj_place(struct mg_seqadj *sa, uint32_t pos, uint64_t now);
bool mg_seqadj_queued(const struct mg_seqadj *sa);

/* What the caller does with a segment after mg_seqadj_segment(). */
enum mg_seqadj_verdict {
	MG_SEQADJ_FORWARD = 0, /* send the (translated) segment; see keep[] */
	MG_SEQADJ_DROP = 1,    /* nothing left to send: all payload dropped and
	                          no flag or new acknowledgement to carry, or a
	                          pure ACK of injected bytes only (absorbed: the
	                          sender would see a duplicate ACK) */
};

#define MG_SEQADJ_MAX_KEEP (MG_SEQADJ_MAX_EDITS + 1)

struct mg_seqadj_plan {
	uint8_t verdict; /* enum mg_seqadj_verdict */
	/* Payload ranges to keep (offsets into the original payload), in
	 * order. nkeep == 1 && keep[0] covers the whole payload: unchanged
	 * payload, the header was translated in place with an incremental
	 * checksum. Otherwise the caller rewrites the payload (concatenate the
	 * ranges), fixes the IP length and recomputes the TCP checksum. */
	uint8_t nkeep;
	struct {
		uint32_t off, len;
	} keep[MG_SEQADJ_MAX_KEEP];
	uint32_t kept;   /* payload bytes kept */
	bool rewrite;    /* payload must be rewritten (kept != paylen) */
	bool rerequest;  /* the segment retransmits a refused request: its
	                    answer is (re)sent, see mg_seqadj_next_tx() */
	bool inj_resend; /* an injected answer should be retransmitted now */
};

/*
 * Translate one segment of direction dir whose TCP header is th[0..thlen)
 * (options included) with paylen bytes of payload: seq, ack, SACK blocks;
 * checksum updated incrementally for the header change. Also learns from it:
 * the sender's TSval and window, the receiver's acknowledgements of the
 * other direction (which free acknowledged injected bytes, count duplicate
 * ACKs and see SACK holes over injected bytes). th must be writable.
 */
void mg_seqadj_segment(struct mg_seqadj *sa, uint8_t dir, uint8_t *th, size_t thlen,
                       uint32_t paylen, uint64_t now, struct mg_seqadj_plan *plan);

/*
 * The next injected range to (re)transmit toward the client at time now:
 * one marked by a duplicate ACK / SACK hole / retransmitted request, or one
 * whose retransmission timer expired. Returns true and fills the receiver
 * space seq and the bytes (valid until the next insert or segment); the
 * timer restarts with a doubled RTO. *give_up is set when an injection
 * went unacknowledged MG_SEQADJ_MAX_TRIES times (reset the flow).
 */
bool mg_seqadj_next_tx(struct mg_seqadj *sa, uint64_t now, uint32_t *rseq, const uint8_t **data,
                       uint16_t *len, bool *give_up);

/* Numbers for a segment the gate originates toward the receiver of dir
 * (an injected answer, a pure ACK, the gate's RST): the acknowledgement of
 * the other stream as that receiver expects it, the TSval of dir's sender
 * and TSecr of the receiver (ts_ok false when the flow uses no
 * timestamps), and the sender's last window. */
struct mg_seqadj_hdr {
	uint32_t ack;
	bool ts_ok;
	uint32_t ts_val, ts_ecr;
	uint16_t win;
};
void mg_seqadj_gate_hdr(const struct mg_seqadj *sa, uint8_t dir, struct mg_seqadj_hdr *h);

/* Flows that still need translation: false once every edit is folded into
 * a constant offset of zero in both directions and nothing is in flight. */
bool mg_seqadj_active(const struct mg_seqadj *sa);

/* ---- whole frames (seqadj_frame.c): what the dataplane calls ---------- */

/*
 * Translate one frame of direction dir in place: Ethernet (VLAN tags),
 * IPv4 or IPv6, TCP, as mg_pkt_parse decodes it. When the plan keeps all
 * the payload only the TCP header changes (incremental checksum); when it
 * cuts, the kept ranges are moved together, the frame shortened (padded to
 * 60 bytes), the IP length and the IPv4 header and TCP checksums
 * recomputed. Returns the frame's new length, 0 when the frame is to be
 * dropped (plan->verdict DROP). Frames that are not TCP come back as len.
 */
size_t mg_seqadj_frame(struct mg_seqadj *sa, uint8_t dir, uint8_t *frame, size_t len, uint64_t now,
                       struct mg_seqadj_plan *plan);

/*
 * Build a segment the gate originates in direction dir (an injected answer
 * toward the client, a pure ACK, the gate's RST), modelled on tmpl, a frame
 * of the same direction (its L2 header, addresses and ports; with
 * tmpl_reversed a frame of the other direction, MACs, addresses and ports
 * swapped — the denied request itself will do): seq as given
 * (receiver space), ack, window and timestamps from mg_seqadj_gate_hdr(),
 * the flags and payload given. IPv4 (DF, TTL 64) or IPv6 as tmpl. Returns
 * the frame length, 0 if tmpl is not TCP or cap is too small.
 */
size_t mg_seqadj_frame_build(const struct mg_seqadj *sa, uint8_t dir, const uint8_t *tmpl,
                             size_t tlen, bool tmpl_reversed, uint32_t seq, uint8_t flags,
                             const uint8_t *data, uint16_t dlen, uint8_t *out, size_t cap);

/* RFC 1624 incremental checksum update of *csum (network order bytes at
 * csum[0..1]) for the 16-bit words of old[0..n) replaced by new[0..n);
 * n even, the ranges aligned on the checksummed data's word boundaries. */
void mg_csum_replace(uint8_t csum[2], const uint8_t *oldb, const uint8_t *newb, size_t n);

#endif
