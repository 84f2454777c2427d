/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy outcome of one engine event on an inspected (TCP/102)
 * association: the MMS verdict combined with the anomaly action, under the
 * effective mode. This is the one decision the dataplane (enforce.c) and
 * `mmsgatectl replay` share: both call mg_policy_outcome_event() and only
 * differ in what they do with the answer (the dataplane acts, replay
 * prints). DPDK-free, no allocation.
 */
#ifndef MG_POLICY_OUTCOME_H
#define MG_POLICY_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include "mg_engine.h"
#include "mg_policy.h"
#include "mg_refuse.h"

/* What decided the action of an outcome. */
enum mg_outcome_src {
	MG_OSRC_NONE = 0,  /* a unit without MMS (COTP, session/ACSE only): allowed, no verdict */
	MG_OSRC_RULE,      /* an MMS rule matched */
	MG_OSRC_DEFAULT,   /* the policy's default MMS action */
	MG_OSRC_ANOMALY,   /* an MMS PDU whose anomaly action is more severe than its verdict */
	MG_OSRC_MALFORMED, /* a malformed or non-MMS unit: the anomaly action of its reason */
};
const char *mg_outcome_src_str(uint8_t s); /* "no-mms", "rule", "default", "anomaly", "malformed" */

struct mg_policy_outcome {
	uint8_t action;      /* enum mg_action: the unit's final action */
	uint8_t src;         /* enum mg_outcome_src */
	bool have_verdict;   /* v holds the MMS verdict (MMS PDUs only) */
	bool deny;           /* action is deny and the mode is enforce: the unit must not pass */
	bool would_deny;     /* action is deny in monitor mode: it passes, recorded as such */
	bool record;         /* worth an event: a deny, an anomaly, an alert or a logging rule */
	int32_t reason;      /* enum mg_reason: the anomaly / malformed reason, MG_R_NONE if none */
	struct mg_verdict v; /* valid when have_verdict */
	/* How a deny (or a would-be deny) is carried out, enum mg_refuse_kind:
	 * MG_REFUSE_REPLY (answer in the server's place, refuse holds the
	 * plan), MG_REFUSE_REMOVE (cut the PDU out, send nothing) or
	 * MG_REFUSE_RESET. Reply/remove only for a well-formed PDU denied by a
	 * rule or the default in reply-error mode and not flagged with an
	 * anomaly the policy denies; anomalies, malformed and non-MMS units
	 * always reset (policy/DESIGN.md "Deny modes"). */
	uint8_t carry;
	struct mg_refuse_req refuse;
};

/*
 * The outcome of engine event ev on an association whose client/server set
 * memberships are peer, under mode (the effective one: the policy's, or an
 * operator override). MMS PDUs get mg_policy_mms_verdict(), worsened by the
 * anomaly action when the engine flagged one; malformed and non-MMS units
 * get the anomaly action of their reason (an unnamed one counts as a
 * poisoned direction); other units are allowed without a verdict.
 */
void mg_policy_outcome_event(const struct mg_policy *p, struct mg_policy_scratch *s,
                             const struct mg_policy_peer *peer, const struct mg_ev *ev,
                             enum mg_mode mode, struct mg_policy_outcome *out);

/* The same with the association's control state (mg_policy_ctl.h): the
 * verdict sees the live selects (`require select`), and a unit that passes
 * (not out->deny) updates them. ctl NULL = mg_policy_outcome_event().
 * now_ns: a monotonic clock (the select timeout). */
struct mg_ctl_state;
void mg_policy_outcome_event_ctl(const struct mg_policy *p, struct mg_policy_scratch *s,
                                 const struct mg_policy_peer *peer, struct mg_ctl_state *ctl,
                                 uint64_t now_ns, const struct mg_ev *ev, enum mg_mode mode,
                                 struct mg_policy_outcome *out);

#endif
