/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal interface of the mmsgate dataplane (the DPDK daemon): the
 * configuration, the per-lcore worker context, the flow entry, the counters
 * and the functions each file of dataplane/ exports to the others. One file,
 * one job: main.c (EAL, options, start-up), ports.c (port set-up, tx
 * set-up), worker.c (the run-to-completion loop), dispatch.c (software
 * dispatch), l2.c (Ethernet/VLAN classification, the frame path's entry),
 * conntrack.c (flow table), tcp_hold.c (held in-order TCP streams fed to
 * the MMS engine), enforce.c (engine events → policy outcome → counters,
 * events, the held stream's allowed offset), action.c (the only place a
 * verdict becomes an action: forward, drop, reset, monitor mode),
 * counters.c, events.c, policy_swap.c (the RCU-protected active policy),
 * conf.c (the configuration file), log.c, metrics.c (Prometheus), capture.c
 * (denied-traffic pcaps).
 * The control server uses the mg_dp_* functions declared at the end.
 *
 * The frame path: handlers (l2.c → conntrack.c → tcp_hold.c) decide and
 * return a struct mg_out (mg_out.h); they never transmit or free a frame.
 * One function, mg_dp_act() (action.c), carries every outcome out; the
 * one shortcut is a frame the L2 policy passes, which l2.c hands straight
 * to the transmit primitive (mg_tx.h): there is nothing else to carry out.
 * Nothing in this header calls into a file of the dataplane.
 */
#ifndef MG_DP_H
#define MG_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mg_capture.h"
#include "mg_engine.h"
#include "mg_flow.h"
#include "mg_goose.h"
#include "mg_seqadj.h"
#include "mg_tcpnorm.h"
#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_pkt.h"
#include "mg_policy.h"
#include "mg_policy_ctl.h"
#include "mg_status.h"
#include "mg_out.h"

#define MG_DP_VERSION "0.1.0"
#define MG_DP_MAX_WORKERS 16
#define MG_DP_BURST 32
#define MG_DP_TCP_MMS_PORT 102
#define MG_DP_DEFAULT_SOCKET "/run/mmsgate/mmsgate.sock"

/* Port roles. A frame received on one side leaves on the other. */
enum mg_side { MG_SIDE_INSIDE = 0, MG_SIDE_OUTSIDE = 1 };
#define MG_SIDE_OTHER(s) ((s) ^ 1)

/* ---- configuration (main.c) ----------------------------------------- */

struct mg_dp_cfg {
	const char *policy_path;
	uint16_t port[2];          /* indexed by enum mg_side */
	const char *ctl_socket;
	unsigned workers;
	const char *events_path;
	bool events_syslog;
	unsigned stats_interval;   /* seconds, 0 = off */
	uint32_t max_flows;        /* per worker */
	const char *json_stats;
	unsigned exit_on_idle_ms;  /* 0 = run until signalled */
	bool ts_order;             /* merge the two rx ports by mbuf timestamp */
	uint32_t bench_inject;     /* frames injected per port at start (benchmarks) */
	bool dispatch;             /* software dispatch: worker 0 is the rx/tx core */
	uint32_t hold_max_segs;    /* per direction, in-order held segments */
	uint32_t ooo_max_segs;     /* per direction, out-of-order segments */
	uint32_t reasm_bufs;       /* engine reassembly buffers per worker */
	uint32_t record_bufs;      /* normaliser records (unacknowledged bytes) per worker */
	uint32_t nb_mbufs;
	uint32_t syn_timeout_s, tcp_timeout_s, close_timeout_s, udp_timeout_s;
	bool quiet;
	/* The appliance (issue 16): /metrics, denied-traffic captures. */
	const char *metrics_listen;  /* ADDR:PORT or PORT, NULL = off */
	const char *capture_dir;     /* NULL = off */
	uint32_t capture_file_mb, capture_files, capture_rate;
};
extern struct mg_dp_cfg mg_dp_cfg;
extern volatile bool mg_dp_quit;

/* ---- counters (counters.c) ------------------------------------------ */

enum mg_l2_class {
	MG_L2C_GOOSE = 0, MG_L2C_GSE, MG_L2C_SV, MG_L2C_ARP, MG_L2C_PTP, MG_L2C_LLDP,
	MG_L2C_IPV4, MG_L2C_IPV6, MG_L2C_OTHER, MG_L2C__COUNT
};
const char *mg_dp_l2_class_str(unsigned c);

/* Dataplane drop reasons (the parsers' reasons are counted apart, by enum
 * mg_reason). The strings are what stats/telemetry/JSON show. */
#define MG_DP_DROPS(X)                                                        \
	X(L2_POLICY, "l2_policy_drop")                                        \
	X(L2_UNKNOWN_STREAM, "l2_unknown_stream")                             \
	X(GOOSE_REPLAY, "goose_replay")                                       \
	X(PKT_TRUNCATED, "frame_truncated")                                   \
	X(PKT_BAD_L3, "ip_header_bad")                                        \
	X(PKT_BAD_L4, "l4_header_bad")                                        \
	X(PKT_TOO_MANY_TAGS, "vlan_too_many_tags")                            \
	X(PKT_EXT_HDRS, "ipv6_ext_headers_over_bound")                        \
	X(MULTI_SEG, "multi_segment_mbuf")                                    \
	X(IP_FRAGMENT, "ip_fragment")                                         \
	X(CONN_DENIED, "conn_denied")                                         \
	X(NO_FLOW, "tcp_no_flow")                                             \
	X(FLOW_TABLE_FULL, "flow_table_full")                                 \
	X(FLOW_CLOSED, "flow_reset_by_gate")                                  \
	X(TCP_BAD_STATE, "tcp_bad_state")                                     \
	X(TCP_SYN_DATA, "tcp_syn_with_data")                                  \
	X(TCP_DATA_BEFORE_EST, "tcp_data_before_handshake")                   \
	X(TCP_OUT_OF_WINDOW, "tcp_out_of_window")                             \
	X(TCP_DUP_HELD, "tcp_duplicate_of_held")                              \
	X(TCP_OOO_BOUND, "tcp_out_of_order_over_bound")                       \
	X(TCP_HOLD_BOUND, "tcp_hold_over_bound")                              \
	X(MMS_DENIED, "mms_denied")                                           \
	X(MMS_ANOMALY, "mms_anomaly")                                         \
	X(HELD_AT_CLOSE, "held_at_close")                                     \
	X(TX_FULL, "tx_queue_full")                                           \
	X(NO_MBUF, "no_mbuf")                                                 \
	X(TCP_NORMALISE, "tcp_normalised")                                    \
	X(MMS_REFUSED, "mms_refused")                                         \
	X(TCP_ACK_OF_INJECTED, "tcp_ack_of_injected")                         \
	X(TCP_CUSTODY_TIMEOUT, "tcp_custody_timeout")

enum mg_dp_drop {
#define MG_DP_DROP_ENUM(sym, str) MG_DPD_##sym,
	MG_DP_DROPS(MG_DP_DROP_ENUM)
#undef MG_DP_DROP_ENUM
	MG_DPD__COUNT
};
const char *mg_dp_drop_str(unsigned d);

#define MG_DP_RULE_HITS 256 /* per-rule MMS hit counters (ctl policy show) */

/* Per-lcore counters: written by one worker, summed by readers without
 * locks (aligned 64-bit loads are atomic on the targets we build for). */
struct mg_dp_ctr {
	uint64_t rx[2], tx[2], drop[2]; /* per side: rx = received, tx = sent,
					   drop = dropped frames received there */
	uint64_t l2[MG_L2C__COUNT];
	uint64_t svc[MG_SVC__COUNT];    /* MMS PDUs per service */
	uint64_t iec[MG_IEC__COUNT];    /* MMS PDUs per IEC 61850 class */
	uint64_t verdict[3];            /* enum mg_action: deny, allow, alert */
	uint64_t monitor_would_deny;
	uint64_t reason[MG_R__COUNT];   /* parser / engine / anomaly reasons */
	uint64_t dpdrop[MG_DPD__COUNT];
	uint64_t mms_pdus;
	uint64_t flows_opened, flows_closed, flows_evicted, flows_expired;
	uint64_t flows_active;
	uint64_t rst_sent;
	/* Refusals carried out without a reset (issue 13, dataplane/translate.c):
	 * answers sent in the server's place, unconfirmed PDUs cut out, bytes
	 * the translator cut / injected, injected segments sent again, flows
	 * under translation (gauge). */
	uint64_t refusals_sent, pdus_removed;
	uint64_t seqadj_bytes_dropped, seqadj_bytes_injected, seqadj_retransmits;
	uint64_t seqadj_flows;
	uint64_t tcp_retrans_fwd;
	uint64_t tcp_coalesced;         /* segments appended to a held one */
	uint64_t tcp_gate_sacks;        /* ACKs with SACK blocks for held bytes sent
					   back to their sender (action.c) */
	/* Custody of held bytes (struct mg_cust, action.c): directions taken
	 * into custody, cumulative ACKs the gate sent in a receiver's place,
	 * kept segments it sent again, directions in custody now (gauge). */
	uint64_t tcp_custody_takes, tcp_custody_acks, tcp_custody_resends, tcp_custody_now;
	uint64_t held_segs;             /* currently held (gauge) */
	uint64_t events, events_lost;
	uint64_t policy_peer_refresh;
	/* Control sequences (policy/ctlstate.c, per association, summed here
	 * as they change): positive selects armed, selects that timed out
	 * unused, control models learnt from the wire, objects that found no
	 * free slot in their association's table. */
	uint64_t ctl_armed, ctl_expired, ctl_learned, ctl_full;
	/* rte_rdtsc around loop iterations that received frames (rx burst →
	 * classify → tx flush): the worker's own cost per frame, without the
	 * idle polling that CPU-time measurements include. */
	uint64_t busy_cycles, busy_frames;
	/* MMS verdicts per deciding rule (index rule_index + 1, 0 = the
	 * default action, last slot = rules beyond it): `mmsgatectl policy
	 * show` hit counters (dataplane/ctl_ops.c). */
	uint64_t mms_rule_hits[MG_DP_RULE_HITS];
} __rte_cache_aligned;

#define MG_DP_CTR_WORDS (sizeof(struct mg_dp_ctr) / sizeof(uint64_t))

/* Sum of every worker's counters. */
void mg_dp_counters_sum(struct mg_dp_ctr *out);
void mg_dp_counters_print(FILE *f, const struct mg_dp_ctr *c);
void mg_dp_counters_print_json(FILE *f, const struct mg_dp_ctr *c);
int mg_dp_telemetry_register(void);

/* ---- flows (conntrack.c) -------------------------------------------- */

/* struct mg_flow_key, enum mg_flow_state, struct mg_hold_dir and struct
 * mg_flow: mg_flow.h (DPDK-free, with the flow logic of flow.c). */

#define MG_FLOW_NONE UINT32_MAX

struct mg_flows {
	struct rte_hash *h;
	struct mg_flow *tab;
	uint32_t max, n;
	uint32_t lru_head, lru_tail; /* embryonic flows, oldest first */
	uint32_t sweep;              /* expiry cursor */
};

/* ---- the active policy (policy_swap.c) ------------------------------ */

struct mg_dp_policy {
	struct mg_policy *p;
	uint64_t gen;
	uint64_t loaded_unix;
	char path[512];
};

/* ---- worker context (worker.c) -------------------------------------- */

#define MG_DP_CUST_MAX 256 /* flows in custody per worker */

struct mg_lcore {
	unsigned wid;         /* worker index */
	unsigned lcore_id;
	uint16_t q;           /* rx/tx queue id on both ports */
	struct mg_dp_ctr *ctr;
	struct rte_mempool *pool;
	struct rte_mempool *reasm;
	struct mg_engine eng;
	struct rte_mempool *tnrec;   /* normaliser records */
	struct mg_tcpn_cfg tncfg;
	struct mg_policy_scratch *scratch;
	struct mg_flows flows;
	struct rte_eth_dev_tx_buffer *tx[2];
	uint64_t now;         /* TSC at the start of the current burst */
	uint64_t ts_clock;    /* --ts-order: rx timestamp of the frame in hand, the
	                         clock of select timeouts when replaying captures */
	uint64_t last_rx;
	const struct mg_dp_policy *pol;
	bool monitor;         /* effective mode for this burst */
	uint16_t ndrop;
	struct rte_mbuf *dropq[2 * MG_DP_BURST]; /* freed in bulk */
	uint32_t iter;
	/* L2 verdict cache (EtherType, VID) → verdict, valid for l2c_gen. */
	uint64_t l2c_gen;
	uint32_t l2c_key[64];
	uint8_t l2c_val[64];
	/* Stream cache (EtherType, VID, APPID, dst MAC) → verdict for VLANs the
	 * policy opens only to declared streams (l2 appid/dst), same l2c_gen. */
	struct {
		uint64_t a, b;
	} l2s_key[256];
	uint8_t l2s_val[256];
	/* GOOSE stream sanity (anomaly goose_replay, off unless the policy
	 * names it): direct-mapped per-worker (stNum, sqNum) state per stream
	 * (dst MAC, VID, simulation, src MAC, APPID); a collision replaces the
	 * entry, so the state is bounded and a lost entry only forgets. */
	bool goose_check;
	struct mg_dp_goose {
		uint64_t a, b;
		struct mg_goose_seq seq;
	} goose[1024];
	/* Software dispatch (dispatch.c): frames in from the rx core, frames
	 * out to it (one ring per side; the rx core owns the only tx queue). */
	struct rte_ring *in_ring;
	struct rte_ring *out_ring[2];
	uint16_t nout[2];
	struct rte_mbuf *outq[2][MG_DP_BURST];
	/* Translated flows (dataplane/translate.c): a small pool, taken only
	 * when a refusal edits a flow's streams. */
	struct mg_sa_slot *sa_slots;
	uint32_t sa_n, sa_used;
	uint64_t sa_tick;     /* TSC of the next retransmission scan */
	uint64_t ts_tick;     /* --ts-order: capture time (ns) of the next one */
	/* Flows with a direction in custody (f->cust, action.c): the scan of
	 * their timers shares sa_tick. Full: no more custody (SACKs only). */
	uint32_t cust_n;
	uint32_t cust_flow[MG_DP_CUST_MAX];
	volatile bool running;
} __rte_cache_aligned;

extern struct mg_lcore mg_dp_lcores[MG_DP_MAX_WORKERS];
extern unsigned mg_dp_nworkers;
extern uint64_t mg_dp_hz;
extern uint64_t mg_dp_start_ns;  /* wall clock at start-up */
extern uint64_t mg_dp_start_tsc;
extern int mg_dp_mbuf_priv_off;

/* Per-mbuf private data of held segments (struct mg_mb_priv, mg_flow.h),
 * a registered dynfield. */
static inline struct mg_mb_priv *mg_mb_priv(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, mg_dp_mbuf_priv_off, struct mg_mb_priv *);
}

/* ---- functions between the files -------------------------------------- */

/* ports.c */
int mg_dp_ports_init(unsigned nq, char *err, size_t errlen);
int mg_dp_txbuf_init(struct mg_lcore *lc, char *err, size_t errlen);
void mg_dp_ports_stop(void);
int mg_dp_ports_inject(unsigned n, char *err, size_t errlen);

/* ---- the action point (action.c) ------------------------------------ */

/* Outcomes (struct mg_out) and the frame in hand (struct mg_frame):
 * mg_out.h. The transmit primitive both the action point and the L2 pass
 * early-out use (mg_dp_tx): mg_tx.h. */

/* Software dispatch hands a decoded frame to its worker in the mbuf's
 * private area (the pool's priv_size, main.c). */
#define MG_DP_MBUF_PRIV_SIZE RTE_ALIGN(sizeof(struct mg_frame), RTE_MBUF_PRIV_ALIGN)

/* Carry out o for fr (and fr->drops): the only place a handler's decision
 * becomes forward, drop, reset, monitor mode included. */
void mg_dp_act(struct mg_lcore *lc, struct mg_frame *fr, struct mg_out o);
/* Drop every held segment of f (both directions) with reason why: the
 * flow is closing or being deleted. */
void mg_dp_act_drop_held(struct mg_lcore *lc, struct mg_flow *f, enum mg_dp_drop why);
/* End of an iteration: free the dropped frames, send the buffered ones. */
void mg_dp_act_flush(struct mg_lcore *lc);
void mg_dp_act_flush_drops(struct mg_lcore *lc);

/* l2.c: the frame path's entry: decodes the frame, decides (L2 policy, or
 * the IP path in conntrack.c) and has mg_dp_act() carry the outcome out. */
void mg_dp_frame(struct mg_lcore *lc, unsigned side, struct rte_mbuf *m);
/* Start of a worker iteration (lc->pol just loaded): the L2 caches follow
 * the policy generation. */
void mg_dp_l2_begin(struct mg_lcore *lc);
/* The two decode steps (fr->m and fr->side set; l3 is a no-op when done),
 * and the rest of mg_dp_frame for a frame already decoded (dispatch.c). */
void mg_dp_frame_decode_l2(struct mg_frame *fr);
void mg_dp_frame_decode_l3(struct mg_frame *fr);
void mg_dp_frame_decoded(struct mg_lcore *lc, struct mg_frame *fr);

/* dispatch.c */
int mg_dp_dispatch_init(char *err, size_t errlen);
void mg_dp_dispatch_fini(void);
/* Rx core: hand a received burst to the workers by symmetric flow hash;
 * frames for worker 0 (and every non-IP frame) are handled in place. */
void mg_dp_dispatch_burst(struct mg_lcore *lc, unsigned side, struct rte_mbuf **pkts,
			  uint16_t n);
/* Rx core: transmit what the other workers produced. */
void mg_dp_dispatch_tx(struct mg_lcore *lc);
/* Dispatched worker: handle frames from the rx core. */
void mg_dp_dispatch_rx(struct mg_lcore *lc);

/* worker.c */
/* Named variable lists learnt per IED, shared by the workers (mg_varlist.h). */
extern struct mg_vl_table *mg_dp_varlists;
int mg_dp_worker_setup(struct mg_lcore *lc, char *err, size_t errlen);
int mg_dp_worker_main(void *arg);
void mg_dp_worker_teardown(struct mg_lcore *lc);
int mg_dp_ts_init(char *err, size_t errlen);

/* conntrack.c */
int mg_flows_init(struct mg_lcore *lc, char *err, size_t errlen);
void mg_flows_free(struct mg_lcore *lc);
struct mg_flow *mg_flows_lookup(struct mg_lcore *lc, const struct mg_flow_key *k);
struct mg_flow *mg_flows_create(struct mg_lcore *lc, const struct mg_flow_key *k);
void mg_flows_delete(struct mg_lcore *lc, struct mg_flow *f);
void mg_flows_expire(struct mg_lcore *lc, unsigned budget);
struct mg_out mg_dp_ip_handle(struct mg_lcore *lc, struct mg_frame *fr);

/* tcp_hold.c: list bookkeeping only; it never transmits or frees. */
/* An inspected association's TCP segment (fr->f, fr->dir): feeds the
 * engine, keeps the frame (HOLD), or says why not. */
struct mg_out mg_hold_segment(struct mg_lcore *lc, struct mg_frame *fr);
/* Unlink and return the first held segment of d if every byte it carries
 * is below limit (mg_hold_limit(), in action.c), else NULL. */
struct rte_mbuf *mg_hold_pop(struct mg_lcore *lc, struct mg_hold_dir *d, uint64_t limit);
/* Unlink and return every held and out-of-order segment of d (a chain
 * through mg_mb_priv next). */
struct rte_mbuf *mg_hold_take_all(struct mg_lcore *lc, struct mg_hold_dir *d);
/* Custody (struct mg_cust, mg_flow.h): keep a released segment until the
 * receiver acknowledges it; unlink and return (a chain) the kept segments
 * every byte of which ack covers. */
void mg_hold_keep(struct mg_lcore *lc, struct mg_hold_dir *d, struct rte_mbuf *m);
struct rte_mbuf *mg_hold_kept_acked(struct mg_lcore *lc, struct mg_hold_dir *d, uint64_t ack);
static inline unsigned mg_flow_tx_side(const struct mg_flow *f, unsigned dir)
{
	/* client → server frames leave on the side opposite the client */
	return dir == MG_DIR_C2S ? MG_SIDE_OTHER(f->client_side) : f->client_side;
}
static inline unsigned mg_flow_rx_side(const struct mg_flow *f, unsigned dir)
{
	return dir == MG_DIR_C2S ? f->client_side : MG_SIDE_OTHER(f->client_side);
}

/* enforce.c: the engine's callback on an inspected direction. */
struct mg_enforce_ctx {
	struct mg_lcore *lc;
	struct mg_flow *f;
	const struct mg_frame *fr; /* the frame being handled (model of gate frames) */
	unsigned dir;
	bool deny;            /* a unit was denied: stop feeding, reset */
	enum mg_dp_drop why;
};
void mg_enforce_event(void *ud, const struct mg_ev *ev);

/* translate.c: flows whose streams a refusal edited (issue 13). */
#define MG_SA_TMPL 192
struct mg_sa_slot {
	struct mg_seqadj sa;
	uint32_t flow;        /* index in lc->flows.tab */
	bool used;
	uint16_t tlen;        /* bytes of tmpl: a client → server frame's headers */
	uint8_t tmpl[MG_SA_TMPL];
	struct mg_pkt tpk;    /* tmpl decoded (the model of the gate's RSTs) */
};
int mg_dp_sa_init(struct mg_lcore *lc, char *err, size_t errlen);
void mg_dp_sa_fini(struct mg_lcore *lc);
static inline struct mg_seqadj *mg_dp_sa(struct mg_lcore *lc, const struct mg_flow *f)
{
	return &lc->sa_slots[f->sa - 1].sa;
}
/* Give f's slot back (the flow is closed, expired or evicted). */
void mg_dp_sa_free(struct mg_lcore *lc, struct mg_flow *f);
/* The monotonic clock of the translator and select timeouts, ns. */
uint64_t mg_dp_now_ns(const struct mg_lcore *lc);
/* enforce.c: carry out a reply-error / remove deny of ev without a reset.
 * false: not possible (no slot, translator full, answer too large): the
 * caller resets as before. */
struct mg_policy_outcome;
bool mg_dp_refuse(struct mg_lcore *lc, struct mg_enforce_ctx *ctx, const struct mg_ev *ev,
		  const struct mg_policy_outcome *oc);
/* gate_frames.c: segments the gate writes in an end's place (new mbufs;
 * NULL when the pool is empty, counted). hdr: the first pk->l3_off bytes
 * of a frame of the association, pk its decoded headers; reverse: towards
 * pk's sender. */
struct rte_mbuf *mg_gate_rst(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
			     bool reverse, uint32_t seq, uint32_t ack);
/* A pure ACK towards pk's sender. */
struct mg_gate_ack_spec {
	uint32_t seq, ack;
	uint16_t win;        /* as on the wire (scaled) */
	bool ts;             /* with a timestamps option */
	uint32_t tsval, tsecr;
	unsigned nblk;       /* SACK blocks (at most 3 with timestamps, 4 without) */
	uint32_t blk[4][2];
};
struct rte_mbuf *mg_gate_ack(struct mg_lcore *lc, const uint8_t *hdr, const struct mg_pkt *pk,
			     const struct mg_gate_ack_spec *a);
/* action.c: place queued answers when the server's stream is at a unit
 * boundary and send what the translator hands out (first transmissions,
 * retransmissions); resets the flow when an answer went unacknowledged. */
void mg_dp_sa_flush(struct mg_lcore *lc, struct mg_flow *f);
/* action.c, called by worker.c every few ms: retransmission timers of the
 * translated flows. */
void mg_dp_sa_tick(struct mg_lcore *lc);
/* action.c, with mg_dp_sa_tick: the timers of the flows in custody. */
void mg_dp_cust_tick(struct mg_lcore *lc);

/* events.c */
enum mg_dp_ev_type { MG_DPEV_DENY = 0, MG_DPEV_ALERT, MG_DPEV_ANOMALY, MG_DPEV_POLICY, MG_DPEV_MONITOR };
struct mg_dp_event {
	uint64_t ts_ns;
	uint8_t type;        /* enum mg_dp_ev_type */
	uint8_t action;      /* enum mg_action */
	uint8_t ver;         /* 4/6, 0 = no flow */
	uint8_t pdu_type;
	uint16_t cport, sport;
	uint16_t svc;
	uint8_t iec;
	uint8_t nobj;
	uint8_t carry;       /* enum mg_refuse_kind of a deny carried out without reset, 0 */
	int32_t reason;      /* enum mg_reason, 0 none */
	uint32_t rule_line;
	uint32_t invoke_id;
	uint64_t gen;
	uint8_t caddr[16], saddr[16];
	/* A write's listOfData, copied to data[] when it fits, printed as the
	 * replay record's "control" / "values" (mg_md_json): data_k is
	 * mg_md_json_kind + 2 (0 = none; before text, so zeroed with the
	 * header by every producer). */
	uint8_t data_k;
	uint8_t data_len;
	char rule_name[48];
	char text[336];      /* objects "dom/item" joined by '\n'; policy path */
	uint8_t data[200];
};
int mg_dp_events_init(const char *path, bool use_syslog, char *err, size_t errlen);
void mg_dp_events_stop(void);
/* Workers: never blocks; counts a loss when the ring is full. */
void mg_dp_event_emit(struct mg_lcore *lc, struct mg_dp_event *ev);
void mg_dp_event_from_pdu(struct mg_dp_event *ev, const struct mg_flow *f,
			  const struct mg_mms_pdu *pdu);
/* The anomaly event of a transport refusal on an inspected association (a
 * normalisation drop, a fragment, a reset of the gate's own), why named. */
void mg_dp_event_anomaly(struct mg_lcore *lc, const struct mg_flow *f, enum mg_reason why);
/* Control thread: the most recent events as JSON lines (newest last). */
size_t mg_dp_events_recent(char *buf, size_t buflen, unsigned max);

/* policy_swap.c */
/* Install the start-up policy (already compiled and checked by main.c). */
void mg_dp_policy_install(struct mg_policy *p, const char *path);
int mg_dp_policy_rcu_init(unsigned nworkers, char *err, size_t errlen);
void mg_dp_policy_worker_online(unsigned wid);
void mg_dp_policy_worker_offline(unsigned wid);
void mg_dp_policy_quiescent(unsigned wid);
void mg_dp_policy_fini(void);
/* Main lcore (systemd watchdog): every online worker passed a quiescent
 * point since the previous call? Never blocks. */
bool mg_dp_workers_progressed(void);
static inline const struct mg_dp_policy *mg_dp_policy_current(void)
{
	extern struct mg_dp_policy *mg_dp_active;
	return __atomic_load_n(&mg_dp_active, __ATOMIC_ACQUIRE);
}
/* -1: follow the policy's mode; MG_MODE_ENFORCE / MG_MODE_MONITOR: override. */
extern int mg_dp_mode_override;

/* ---- the control-plane API (for the control server, issue 5) --------- */

/* Compile and check path; on error nothing changes, err gets the first
 * diagnostic ("file:line:col: error: …") and -EINVAL is returned. On
 * success the new policy is swapped in atomically, the old one freed after
 * every worker passed a quiescent point; returns 0. */
int mg_dp_policy_swap(const char *path, char *err, size_t errlen);
uint64_t mg_dp_policy_generation(void);
/* Set the mode override: "enforce", "monitor" or "policy". 0 or -EINVAL. */
int mg_dp_mode_set(const char *mode);
const char *mg_dp_mode_str(void);
/* The control server (ctl_ops.c): started after the workers when
 * --ctl-socket is given. */
/* metrics.c: Prometheus text (mmsgatectl metrics, /metrics). */
void mg_dp_metrics_write(FILE *f);
char *mg_dp_metrics_text(size_t *len); /* malloc'd; NULL on failure */
unsigned mg_dp_metrics_series_max(void);
int mg_dp_metrics_start(const char *listen, char *err, size_t errlen);
void mg_dp_metrics_stop(void);

int mg_dp_ctl_start(const char *path, char *err, size_t errlen);
void mg_dp_ctl_stop(void);

#endif
