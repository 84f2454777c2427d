/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-association control state (IEC 61850-7-2 Select-before-Operate as
 * mapped by 8-1): which control objects this association has selected,
 * with which ctlNum, until when; and the control model of objects learned
 * from a read of "…$CF$<DO>$ctlModel" seen on this association.
 *
 * A positive select arms the object for this association: a read response
 * to "…$CO$<DO>$SBO" carrying a non-empty visible-string, or a success
 * write response to "…$SBOw". It stays armed until the operate's response
 * (normal security), the CommandTermination report (an informationReport
 * naming "…$CO$<DO>$Oper", enhanced security), a Cancel, or the select
 * timeout (the `control … timeout` of the policy, default 30 s). Responses
 * are paired with their requests through the engine's pending table
 * (struct mg_ev .req, mg_pending.h): only what passed the gate is tracked.
 *
 * Fixed size, no pointers, no allocation: MG_CTL_SLOTS objects per
 * association (so per worker: flows × MG_CTL_SLOTS); an object that finds no
 * slot is not armed (an operate that needs its select is then refused, fail
 * closed) and counted in `full`. Objects are keyed by a keyed 64-bit hash
 * (mg_pending_obj_hash) of "domain/LN$DO" with the functional constraint and
 * the last component removed, so …$CO$Pos$SBOw, …$CO$Pos$Oper and
 * …$CF$Pos$ctlModel meet on one key.
 *
 * The verdict reads this state (mg_policy_mms_verdict_ctl, clause
 * `require select`); mg_policy_outcome_event_ctl updates it after the
 * verdict, for units that pass only. DPDK-free.
 */
#ifndef MG_POLICY_CTL_H
#define MG_POLICY_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "mg_engine.h"
#include "mg_mms.h"

#define MG_CTL_SLOTS              8
#define MG_CTL_DEFAULT_TIMEOUT_MS 30000u

enum mg_ctl_sel {
	MG_SEL_NONE = 0,
	MG_SEL_PENDING,   /* select request passed, response not seen */
	MG_SEL_ARMED,     /* positive select: operate allowed until expires */
	MG_SEL_OPERATING, /* operate passed; enhanced: waiting for CommandTermination */
};

struct mg_ctl_slot {
	uint64_t key;        /* 0 = free */
	uint64_t expires_ns; /* ARMED / OPERATING deadline */
	uint32_t sel_invoke; /* PENDING / OPERATING: the request's invokeID */
	uint32_t ctl_num;    /* ctlNum of the SBOw (when has_ctl_num) */
	uint32_t model_invoke;
	uint32_t timeout_ms; /* select timeout (the policy's, at select time) */
	uint8_t sel;         /* enum mg_ctl_sel */
	bool has_ctl_num;    /* selected with value (SBOw): the operate must repeat it */
	bool enhanced;       /* the operate waits for CommandTermination */
	bool model_pending;  /* a ctlModel read is outstanding (model_invoke) */
	uint8_t model;       /* learned enum mg_pol_ctlmodel, 0 unknown */
};

struct mg_ctl_state {
	struct mg_ctl_slot s[MG_CTL_SLOTS];
	uint32_t full;    /* objects that found no free slot */
	uint32_t armed;   /* positive selects seen */
	uint32_t expired; /* selects that timed out unused */
	uint32_t learned; /* control models learned from the wire */
};

void mg_ctl_state_init(struct mg_ctl_state *c);

/* Key of the control object an item names (domain may be NULL); 0 when the
 * item is not "LN$FC$DO…$leaf". */
uint64_t mg_ctl_key(const struct mg_mms_obj *o);

/* The slot for key, NULL when none. */
const struct mg_ctl_slot *mg_ctl_find(const struct mg_ctl_state *c, uint64_t key);

/* Free the selects whose time ran out (counted in c->expired). Called for
 * every MMS unit before it is judged, denied ones included, so a select
 * that lapsed is counted when the next unit comes, whatever its fate (the
 * decision itself checks the deadline too). */
void mg_ctl_expire(struct mg_ctl_state *c, uint64_t now_ns);

struct mg_policy;
/* Update the state with one engine event that passed the gate (called by
 * mg_policy_outcome_event_ctl; tests may call it directly). now_ns: a
 * monotonic clock in nanoseconds. */
void mg_ctl_track(struct mg_ctl_state *c, const struct mg_policy *p, const struct mg_ev *ev,
                  uint64_t now_ns);

/* The control model the policy declares for object o (a `control`
 * statement whose glob matches "domain/LN$CO$DO$Oper"), 0 if none; the
 * select timeout in *timeout_ms. */
uint8_t mg_ctl_policy_model(const struct mg_policy *p, const struct mg_mms_obj *o,
                            uint32_t *timeout_ms);

/* `require select` for an operate of object o carrying ctlNum (have_num
 * false: undecodable): true when the object needs no select (direct
 * models, or a model neither declared nor learned: never guessed, see
 * DESIGN.md), or when this association holds a live select of it whose
 * ctlNum (if it was an SBOw) matches. c may be NULL (no state: an SBO
 * object is then never selected). */
bool mg_ctl_select_ok(const struct mg_ctl_state *c, const struct mg_policy *p,
                      const struct mg_mms_obj *o, bool have_num, uint32_t ctl_num, uint64_t now_ns);

#endif
