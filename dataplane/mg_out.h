/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame path's vocabulary: a frame on its way through the handlers
 * (struct mg_frame, its headers decoded once) and what a handler decided
 * about it (struct mg_out). The handlers (l2.c, conntrack.c, tcp_hold.c)
 * return outcomes and the action point (action.c) carries them out; both
 * depend on this header, and it depends on neither: it includes only the
 * protocol library's decoded-headers type, so the arrows run
 * handlers → outcomes ← action point and never back.
 */
#ifndef MG_OUT_H
#define MG_OUT_H

#include <stdint.h>

#include "mg_pkt.h"

struct rte_mbuf;
struct mg_flow;

/* What a frame handler decided about the frame it was given. Handlers
 * never transmit or free a frame: they return one of these and the action
 * point carries it out, monitor mode included. */
enum mg_out_kind {
	MG_OUT_FORWARD = 0, /* leaves on the other side, byte for byte */
	MG_OUT_HOLD,        /* kept on its flow's held stream (tcp_hold.c); the held
	                       segments that now have a verdict leave, in order */
	MG_OUT_DROP,        /* dropped in every mode (malformed, over a bound, a
	                       duplicate of held bytes): why */
	MG_OUT_DENY,        /* refused by the policy or the TCP state: dropped, or in
	                       monitor mode forwarded and counted as a would-be drop */
	MG_OUT_RESET,       /* a unit of the frame's association was denied: what was
	                       allowed leaves, the rest is dropped (why), both ends get
	                       an RST and the flow is closed */
	MG_OUT_MERGED,      /* its bytes were appended to the held segment before it
	                       (tcp_hold.c coalescing) and leave with that one: the
	                       frame is freed, not dropped, and the held segments
	                       that now have a verdict leave, in order */
};

struct mg_out {
	uint8_t kind; /* enum mg_out_kind */
	uint8_t why;  /* the dataplane's drop reason: DROP, DENY, RESET */
};
#define MG_OUT_FWD         ((struct mg_out){.kind = MG_OUT_FORWARD})
#define MG_OUT_HELD        ((struct mg_out){.kind = MG_OUT_HOLD})
#define MG_OUT_DROPPED(w)  ((struct mg_out){.kind = MG_OUT_DROP, .why = (uint8_t)(w)})
#define MG_OUT_DENIED(w)   ((struct mg_out){.kind = MG_OUT_DENY, .why = (uint8_t)(w)})
#define MG_OUT_RESET_BY(w) ((struct mg_out){.kind = MG_OUT_RESET, .why = (uint8_t)(w)})
#define MG_OUT_MERGED_INTO_HELD ((struct mg_out){.kind = MG_OUT_MERGED})

#define MG_FRAME_L3_TODO      0xff /* L3/L4 not decoded (yet) */
#define MG_FRAME_L3_MULTI_SEG 0xfd /* not decoded: a chained mbuf */

/* One frame on its way through the handlers: its headers are decoded once
 * into pk (l2.c) and every later stage reads them there. */
struct mg_frame {
	struct rte_mbuf *m;
	uint8_t side;           /* the port side it arrived on (inside 0, outside 1) */
	uint8_t dir;            /* direction within f (client → server 0) */
	uint8_t l2_st;          /* enum mg_pkt_status of the Ethernet/VLAN decode */
	uint8_t l3_st;          /* of the IP/TCP/UDP decode, or MG_FRAME_L3_* */
	struct mg_flow *f;      /* its flow, once conntrack found or opened one */
	struct rte_mbuf *drops; /* held segments of f given up while handling this
	                           frame (linked through their private data, each
	                           with its own reason) */
	struct mg_pkt pk;       /* the frame's headers, decoded once (l2.c) */
};

#endif
