/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MMS protocol engine: takes the in-order bytes of each direction of a
 * TCP/102 connection, in chunks of any size, and emits one event per
 * protocol unit (a COTP control TPDU, or a complete TSDU walked through
 * session → presentation → ACSE → MMS). Owns the per-association state:
 * TPKT/COTP reassembly, presentation contexts, MMS initiate parameters and
 * outstanding invokeIDs (for the association anomalies, docs/design.md).
 *
 * Zero-copy where possible: a whole TPKT carrying a whole TSDU (COTP EOT)
 * inside one chunk is parsed in place. Only a TPKT that straddles chunks or
 * a TSDU split over several DT TPDUs is copied into a bounded buffer taken
 * from the engine's buffer provider (a mempool in the dataplane, malloc in
 * tools) and returned as soon as the unit completes.
 *
 * Events carry end_off, the direction's stream offset just past the unit's
 * last byte: the dataplane holds segments until the unit that covers their
 * bytes has a verdict. Bytes feeding an incomplete unit have no event yet.
 */
#ifndef MG_ENGINE_H
#define MG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_acse.h"
#include "mg_cotp.h"
#include "mg_mms.h"
#include "mg_pending.h"
#include "mg_pres.h"
#include "mg_session.h"
#include "mg_varlist.h"
#include "mg_status.h"

enum mg_dir { MG_DIR_C2S = 0, MG_DIR_S2C = 1 };

/* Bound on outstanding confirmed requests tracked per direction. */
#define MG_ENGINE_MAX_OUTSTANDING MG_PENDING_MAX

struct mg_engine_cfg {
	uint32_t buf_size; /* reassembly buffer size = bound on TSDU + one partial TPKT */
	/* Buffer provider: get returns a buffer of buf_size bytes or NULL. */
	void *(*buf_get)(void *ud);
	void (*buf_put)(void *ud, void *buf);
	void *buf_ud;
	/* Picked up mid-association (no CP seen): treat PDVs of any context as
	 * MMS when they decode as MMS (flags request_before_initiate). */
	bool midstream_pickup;
	/* Named variable lists learnt per IED (mg_varlist.h), shared by every
	 * engine of the process; NULL: none learnt, every list access judged
	 * by the worst its service can reach. Connections take part once
	 * bound (mg_engine_conn_bind). */
	struct mg_vl_table *varlists;
};

/* Per-worker engine (config + scratch for one decoded PDU). */
struct mg_engine {
	struct mg_engine_cfg cfg;
	struct mg_mms_pdu pdu; /* scratch: the PDU of the event being delivered */
	struct mg_pending_req answered; /* scratch: the request ev->req points at */
	struct mg_vl_copy vlcopy;       /* scratch: members of an expanded list */
};

enum mg_ev_kind {
	MG_EV_COTP = 1,  /* COTP control TPDU (CR, CC, DR, DC, ER, AK, ED…) */
	MG_EV_UPPER,     /* a TSDU whose session/pres/ACSE unit carries no MMS PDU
	                    (e.g. session FN without data, pres ARP, ACSE ABRT) */
	MG_EV_MMS,       /* an MMS PDU decoded (mms != NULL) */
	MG_EV_MALFORMED, /* bytes up to end_off are malformed; the direction is now
	                    poisoned, unless unit_only (framing intact: one TSDU's
	                    session…MMS content was bad, the next TPKT is decoded) */
	MG_EV_NOT_MMS,   /* another protocol on port 102 (reason says which) */
};

struct mg_ev {
	uint8_t kind;        /* enum mg_ev_kind */
	uint8_t dir;         /* enum mg_dir */
	uint8_t cotp_type;   /* enum mg_cotp_type of the last TPDU */
	uint8_t ses_kind;    /* enum mg_ses_kind, 0 if not reached */
	uint8_t pres_kind;   /* enum mg_pres_kind, 0 if not reached */
	int8_t acse_kind;    /* enum mg_acse_kind, -1 if none */
	int32_t acse_result; /* AARE result, -1 if none */
	enum mg_reason reason;  /* MALFORMED / NOT_MMS: why */
	enum mg_reason anomaly; /* MMS decoded but against association rules
	                           (MG_R_ANOM_*), MG_R_NONE otherwise */
	uint32_t tsdu_len;   /* bytes of the TSDU */
	uint32_t mms_len;    /* bytes of the MMS PDU (0 if none) */
	uint64_t end_off;    /* stream offset just past this unit */
	const struct mg_mms_pdu *mms; /* MG_EV_MMS only; valid during the callback */
	/* Confirmed response / error, cancel response / error: the outstanding
	 * request it answers (mg_pending.h), NULL when none was outstanding.
	 * Valid during the callback. */
	const struct mg_pending_req *req;
	bool unit_only; /* MALFORMED: only this TSDU was bad; the engine resynchronised */
	/* MG_EV_MMS: the PDU's own bytes (what mg_refuse_plan reads) and the
	 * presentation context it travelled on (-1: none, bare MMS); the bytes
	 * are valid during the callback only. */
	const uint8_t *mms_bytes;
	int32_t pres_ctx;
};

typedef void (*mg_engine_cb)(void *ud, const struct mg_ev *ev);

enum mg_assoc_state {
	MG_AS_IDLE = 0,     /* nothing seen */
	MG_AS_COTP_CR,      /* COTP CR sent */
	MG_AS_COTP_OPEN,    /* COTP CC seen */
	MG_AS_CONNECTING,   /* session CN / AARQ / initiate-request sent */
	MG_AS_ASSOCIATED,   /* initiate-response seen */
	MG_AS_RELEASING,    /* conclude-request / RLRQ / FN seen */
	MG_AS_CLOSED,       /* released, aborted or disconnected */
};

const char *mg_assoc_state_str(uint8_t s);

struct mg_engine_dir {
	uint64_t off;          /* stream bytes consumed so far */
	uint8_t *buf;          /* reassembly buffer, NULL when not needed */
	uint32_t tsdu_len;     /* bytes of a TSDU under DT reassembly in buf */
	uint32_t part_len;     /* bytes of a partial TPKT after the TSDU in buf */
	uint8_t hdr[4];        /* TPKT header bytes while fewer than 4 are known */
	uint8_t hdr_have;
	bool poisoned;         /* a malformed unit was seen: everything after is refused */
	/* Confirmed requests sent in this direction, unanswered (mg_pending.h). */
	struct mg_pending pending;
};

/* Per-connection state; fixed size, no pointers but the two buffers. */
struct mg_engine_conn {
	struct mg_engine_dir d[2];
	struct mg_pres_ctx pres;
	uint8_t state;          /* enum mg_assoc_state */
	bool cotp_connected;    /* CC seen */
	uint32_t max_pdu;       /* negotiated localDetail (0: none yet) */
	uint16_t max_serv[2];   /* negotiated outstanding-request bounds per direction */
	uint8_t nesting_level;
	struct mg_vl_conn vl;   /* named-variable-list binding (IED, association) */
};

void mg_engine_init(struct mg_engine *e, const struct mg_engine_cfg *cfg);
void mg_engine_conn_init(struct mg_engine_conn *c);
/* Return the connection's buffers to the provider and end its association
 * in the variable-list table (aa-specific lists and, with the IED's last
 * association, the IED's lists are forgotten). */
void mg_engine_conn_release(struct mg_engine *e, struct mg_engine_conn *c);
/* Tell the variable-list table which IED (the server: ver 4 or 6, address
 * of 4 or 16 bytes) this connection talks to; no-op without a table. */
void mg_engine_conn_bind(struct mg_engine *e, struct mg_engine_conn *c, uint8_t ver,
			 const uint8_t *ied_addr);

/*
 * Feed the next in-order bytes of one direction. Calls cb for each unit
 * completed by these bytes, in stream order. Returns MG_OK (all bytes
 * consumed; some may wait in the reassembly buffer) or MG_MALFORMED (an
 * MG_EV_MALFORMED / MG_EV_NOT_MMS event was delivered and the direction is
 * poisoned; later feeds return MG_MALFORMED at once with one event).
 */
enum mg_status mg_engine_feed(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir,
			      const uint8_t *p, size_t len, mg_engine_cb cb, void *ud);

/* Forget one direction's framing after bytes were lost (a TCP gap): the
 * partial unit is dropped, the poison cleared and outstanding requests
 * forgotten; the next chunk must start at a TPKT header. The stream offset
 * keeps counting, the association state is kept. */
void mg_engine_dir_reset(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir);

/*
 * The gate answered (refused) the confirmed request invoke_id that travelled
 * in direction dir, in the peer's place: forget it as outstanding, so the
 * next request with the same invokeID is not a duplicate and refusals do
 * not pile up to too_many_outstanding_requests; the real response never
 * comes (the peer never saw the request). Returns false when invoke_id was
 * not outstanding.
 */
bool mg_engine_refused(struct mg_engine_conn *c, uint8_t dir, uint32_t invoke_id);

/* Bytes of this direction consumed but not yet covered by an event
 * (held in a partial unit). */
static inline uint64_t mg_engine_pending(const struct mg_engine_conn *c, uint8_t dir)
{
	return (uint64_t)c->d[dir].tsdu_len + c->d[dir].part_len + c->d[dir].hdr_have;
}

/* A malloc-backed buffer provider for tools and tests. */
void *mg_engine_malloc_get(void *ud);
void mg_engine_malloc_put(void *ud, void *buf);
#define MG_ENGINE_DEFAULT_BUF_SIZE (65536u + 1024u)

#endif
