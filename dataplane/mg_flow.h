/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tracked flow of the dataplane, and the logic on it that needs no DPDK
 * (flow.c): the canonical key, the TCP handshake/teardown state machine,
 * the sequence bookkeeping of a held stream, the coalescing decision, and
 * the private data a held segment's mbuf carries. The mbufs a held stream keeps
 * are opaque pointers here; the flow table (conntrack.c), the lists of
 * held segments (tcp_hold.c) and the actions (action.c) use DPDK. Kept
 * apart so that the state machine and the sequence arithmetic are unit
 * tested without DPDK (tests/unit/test_dp_flow.c).
 */
#ifndef MG_FLOW_H
#define MG_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mg_engine.h"
#include "mg_iec61850.h"
#include "mg_pkt.h"
#include "mg_policy.h"
#include "mg_policy_ctl.h"
#include "mg_tcpnorm.h"

struct rte_mbuf;

struct mg_flow_key {
	uint8_t a[16], b[16]; /* canonical order: (a,pa) < (b,pb) */
	uint16_t pa, pb;
	uint8_t ver, proto;
	uint8_t pad[2];
};

enum mg_flow_state {
	MG_FS_FREE = 0,
	MG_FS_SYN_SENT,    /* SYN seen */
	MG_FS_SYN_RCVD,    /* SYN-ACK seen */
	MG_FS_ESTABLISHED, /* handshake completed (UDP: first datagram) */
	MG_FS_CLOSING,     /* FIN seen */
	MG_FS_CLOSED,      /* RST seen or reset by the gate */
};
const char *mg_flow_state_str(uint8_t s);

/*
 * Custody of a direction's bytes (issue 11). The gate holds a unit's
 * segments until the unit has a verdict, so their receiver cannot
 * acknowledge them. Two cases then stall a real sender: its retransmission
 * timer fires while the gate holds its first unacknowledged segment (it
 * resends only that one, which the gate already has, and never the hole
 * behind it), and a unit larger than the receiver's window (the sender
 * stops at the window's edge, the unit never completes). In those cases the
 * gate takes custody: it acknowledges the bytes it has in order to their
 * sender cumulatively, announces a window of its own (at most its record's
 * budget past the receiver's ACK), and from then on delivers them itself —
 * released segments are kept until the receiver's ACK covers them, sent
 * within the receiver's window, sent again on three duplicate ACKs or
 * when the timer fires; the receiver's ACKs towards the sender are raised
 * to the gate's. Nothing leaves before its unit's verdict all the same.
 * Offsets as in struct mg_hold_dir; ack == 0 and !on: no custody.
 */
struct mg_cust {
	uint64_t ack;    /* the gate acknowledged bytes below it to the sender */
	uint64_t right;  /* the right window edge the gate announced to the sender */
	uint64_t racked; /* the receiver's cumulative ACK */
	uint64_t sent;   /* kept bytes below it were transmitted at least once */
	uint64_t t_rto;  /* ns: the timer (0: not armed) */
	uint32_t rto_ms; /* the timeout, backed off */
	uint8_t tries;   /* timeouts in a row without a segment from the receiver */
	uint8_t dupacks;
	bool on;
};
#define MG_CUST_RTO_MIN_MS 200u
#define MG_CUST_RTO_MAX_MS 6400u
#define MG_CUST_TRIES      12u /* then the association is reset (tcp_custody_timeout) */

/* One TCP direction's held stream (tcp_hold.c). Offsets are stream offsets
 * from ISN+1; the seq of offset o is isn + 1 + o (mod 2^32). */
struct mg_hold_dir {
	struct rte_mbuf *head, *tail; /* in-order segments waiting for a verdict */
	struct rte_mbuf *ooo;         /* out-of-order segments, sorted by offset */
	uint32_t nhold, nooo;
	uint32_t isn;
	bool isn_known;
	bool fin;          /* FIN seen in order */
	uint64_t next_off; /* next stream offset expected (fed to the engine) */
	uint64_t ok_off;   /* bytes below it have an allow verdict */
	uint64_t rel_off;  /* bytes below it were forwarded */
	uint64_t fin_off;  /* offset of the FIN (valid when fin) */
	uint64_t unit_off; /* end of the last unit with an event: the next one starts here */
	/* Custody: released segments the receiver has not acknowledged yet,
	 * in order (the gate acknowledged them to their sender). */
	struct rte_mbuf *kept, *kept_tail;
	uint32_t nkept;
	struct mg_cust c;
};

struct mg_flow {
	struct mg_flow_key key;
	uint8_t state;       /* enum mg_flow_state */
	uint8_t kind;        /* enum mg_conn_verdict: ALLOW or INSPECT */
	uint8_t client_is_a; /* the client is key.a/pa */
	uint8_t client_side; /* enum mg_side the client's frames arrive on */
	uint8_t embryonic;   /* on the eviction list */
	uint8_t denied;
	uint8_t cust;  /* bit (1 << dir): that direction is in custody (mg_cust) */
	uint8_t clamp; /* bit (1 << dir): the window announced to that direction's
	                  sender is clamped to the normaliser's record (action.c) */
	uint32_t idx;
	/* Sequence translation slot (dataplane/translate.c): 0 = the flow's
	 * streams were never edited (the fast path), else slot index + 1. */
	uint32_t sa;
	uint32_t lru_prev, lru_next;
	uint64_t gen; /* policy generation of peer */
	uint64_t t_created, t_last;
	uint32_t rule_line;
	uint64_t pdus[2], denies;
	/* MMS PDUs per IEC 61850 class (saturating), for `mmsgatectl flows`
	 * (dataplane/ctl_ops.c); zeroed with the flow. */
	uint16_t pdus_class[MG_IEC__COUNT];
	struct mg_policy_peer peer;
	struct mg_hold_dir d[2]; /* enum mg_dir */
	/* selects of this association (mg_policy_ctl.h); before eng so the
	 * memset that zeroes a new flow up to eng empties it */
	struct mg_ctl_state ctl;
	/* TCP/IP normaliser state (inspected flows; zeroed with the flow). */
	struct mg_tcpn tn;
	struct mg_engine_conn eng;
} __attribute__((aligned(64))); /* a cache line (__rte_cache_aligned) */

const char *mg_flow_state_str(uint8_t s);

/* The canonical key of pk's flow (the same for both directions); *src_is_a
 * says whether pk's source is key.a/pa. */
void mg_flows_key(struct mg_flow_key *k, const struct mg_pkt *pk, bool *src_is_a);

/* What a TCP segment of a tracked connection does to it (after the key,
 * the direction and the side were checked). */
enum mg_tcp_step {
	MG_TS_PASS = 0,        /* data/ACK/FIN of a live connection: forward it, or
	                          hold it when the connection is inspected */
	MG_TS_FORWARD,         /* handshake segment (or an end's RST after a close): forward */
	MG_TS_RESET,           /* an end's RST: the connection is closed now, held bytes
	                          can never be delivered; forward the RST */
	MG_TS_BAD_STATE,       /* not possible in this state (tcp_bad_state) */
	MG_TS_NOT_ESTABLISHED, /* data before the handshake completed */
	MG_TS_CLOSED,          /* after a close (flow_reset_by_gate) */
};
/* Applies the segment pk of direction dir to f's state (and the server's
 * ISN from its SYN-ACK); *established is set when it completed the
 * handshake (the caller takes the flow off the eviction list). */
enum mg_tcp_step mg_flow_tcp_step(struct mg_flow *f, unsigned dir, const struct mg_pkt *pk,
                                  bool *established);

/* Farther ahead than this, a segment is not out of order but out of the window. */
#define MG_HOLD_MAX_WINDOW (1u << 24)

/* Where a segment falls in a held stream. */
enum mg_seg_kind {
	MG_SEG_IN_ORDER = 0,  /* starts at or before next_off and brings new bytes */
	MG_SEG_ACK,           /* no payload, no FIN */
	MG_SEG_RETRANS,       /* every byte already forwarded: forward again */
	MG_SEG_DUP_HELD,      /* every byte already seen, some still held: drop */
	MG_SEG_OOO,           /* after a gap, within the window: wait */
	MG_SEG_OUT_OF_WINDOW, /* too far ahead */
	MG_SEG_NO_ISN,        /* the direction's ISN is unknown */
};
/* *off: the segment's stream offset (modulo 2^32, the one nearest next_off). */
enum mg_seg_kind mg_hold_classify(const struct mg_hold_dir *d, const struct mg_pkt *pk,
                                  int64_t *off);
/* An in-order segment [start, start + plen) (+ FIN) is taken: advances
 * next_off (and records the FIN once). *feed: the engine must see the
 * segment's bytes from the returned skip on (the ones before were seen). */
uint16_t mg_hold_accept(struct mg_hold_dir *d, uint64_t start, uint16_t plen, bool fin, bool *feed);
/* Held segments ending at or below this offset may leave: the allowed
 * bytes (ok_off), or every byte fed to the engine in monitor mode; a FIN
 * leaves with its segment once the bytes before it may. */
uint64_t mg_hold_limit(const struct mg_hold_dir *d, bool monitor);

/* The stream offset of seq (mod 2^32) nearest near. */
static inline uint64_t mg_hold_off(const struct mg_hold_dir *d, uint32_t seq, uint64_t near)
{
	int64_t o = (int64_t)near + (int32_t)(seq - (d->isn + 1) - (uint32_t)near);
	return o < 0 ? 0 : (uint64_t)o;
}

/* Custody decisions (here and flow.c), no DPDK: the action point
 * (action.c) acts. Whether the gate takes custody of d's bytes now: its
 * sender resent bytes the gate holds (resend), or held bytes of an
 * unfinished unit reach the receiver's right edge rright (the sender
 * cannot send a segment of mss more). Already in custody: always. Inline:
 * asked after every held data segment, and mostly no. */
static inline bool mg_cust_wanted(const struct mg_hold_dir *d, uint64_t rright, uint16_t mss,
                                  bool resend)
{
	if (d->c.on)
		return true;
	if (resend)
		/* Only held bytes block the sender: nothing held, nothing to take. */
		return d->head != NULL || d->ooo != NULL;
	return d->head != NULL && d->next_off + (mss ? mss : 536u) > rright;
}
/* Custody starts with the receiver's ACK at racked (every byte forwarded
 * before acknowledged by it). */
void mg_cust_start(struct mg_cust *c, uint64_t racked);
/* Acknowledge every byte below next to the sender: the right edge
 * announced is budget past the receiver's ACK (the normaliser's record:
 * what the gate can check and keep), or the gate's earlier one if higher
 * (a window never shrinks). Returns the edge. */
uint64_t mg_cust_take(struct mg_cust *c, uint64_t next, uint64_t budget);
/* The right edge the sender is shown on a segment of the receiver, whose
 * ACK is now racked: what the gate can take, budget past it — whatever
 * the receiver's own window (smaller: the gate keeps the rest; larger:
 * clamped to what the gate keeps), never below the gate's earlier edge.
 * Becomes the gate's edge. */
uint64_t mg_cust_edge(struct mg_cust *c, uint64_t racked, uint64_t budget);
enum mg_cust_do {
	MG_CUST_NOTHING = 0,
	MG_CUST_RESEND, /* send the first kept segment again */
	MG_CUST_GIVE_UP /* the receiver stays silent: reset */
};
/* A segment from the receiver: its cumulative ACK ack; dup: a pure
 * duplicate ACK (no data, same ACK and window). RESEND on the third
 * duplicate while kept bytes are in flight. */
enum mg_cust_do mg_cust_peer(struct mg_cust *c, uint64_t ack, bool dup, uint64_t now_ns);
/* The timer, while segments are kept (kept): RESEND when due (the timeout
 * then doubles, up to MG_CUST_RTO_MAX_MS), GIVE_UP after MG_CUST_TRIES in a
 * row without a segment from the receiver. */
enum mg_cust_do mg_cust_timer(struct mg_cust *c, bool kept, uint64_t now_ns);
/* Custody can end: nothing kept and the receiver acknowledged every byte
 * the gate did. The sender may still see the gate's wider window: a
 * segment past the receiver's own edge takes custody again
 * (mg_cust_wanted) rather than be sent where the receiver drops it. */
bool mg_cust_done(const struct mg_cust *c, bool kept);

/* What a held segment's mbuf carries beside the frame (tcp_hold.c keeps it
 * in a registered dynfield, mg_mb_priv() in mg_dp.h): the hold lists are
 * linked through next. */
struct mg_mb_priv {
	struct rte_mbuf *next;
	uint64_t end;        /* stream offset past the segment (includes FIN) */
	uint16_t poff, plen; /* payload offset and length in the frame */
	uint8_t fin;
	uint8_t why;         /* the dataplane's drop reason, on a handler's drop list */
	/* IP and TCP header offsets (coalescing rewrites the headers; small:
	 * inspected flows carry neither IP options nor extension headers;
	 * 255: too far, never coalesced) */
	uint8_t l3off, l4off;
};
static inline uint64_t mg_mb_start(const struct mg_mb_priv *pv)
{
	return pv->end - pv->plen - pv->fin;
}

/* Coalescing under pressure (tcp_hold.c): how many new bytes of the
 * in-order segment at stream offset off (plen payload bytes, TCP flags
 * flags) may be appended to t, the held tail of d; 0 when it may not. Only
 * a plain ACK (PSH allowed) segment is appended, onto a data segment
 * without FIN that ends where the stream does, while the merged payload
 * stays within mss (the receiver's; 536 when it announced none) and fits
 * in room (what the tail's buffer can take past its IP end: tailroom plus
 * Ethernet padding; 0 when the buffer cannot grow at all). */
uint16_t mg_hold_coalesce_len(const struct mg_hold_dir *d, const struct mg_mb_priv *t,
                              uint64_t off, uint16_t plen, uint8_t flags, uint16_t mss,
                              uint32_t room);

#endif
