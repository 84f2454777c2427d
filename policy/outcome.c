/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_policy_outcome_event() (mg_policy_outcome.h): from one engine event to
 * the action the policy wants, the only place where the MMS verdict and the
 * anomaly action are combined and where the mode turns a deny into "deny"
 * or "would deny". Kept apart from verdict.c (which judges a PDU) so that
 * the dataplane and replay cannot drift: replay used to re-implement this.
 */
#include <string.h>

#include "mg_policy_ctl.h"
#include "mg_policy_outcome.h"
#include "mg_status.h"

const char *mg_outcome_src_str(uint8_t s)
{
	switch (s) {
	case MG_OSRC_NONE: return "no-mms";
	case MG_OSRC_RULE: return "rule";
	case MG_OSRC_DEFAULT: return "default";
	case MG_OSRC_ANOMALY: return "anomaly";
	case MG_OSRC_MALFORMED: return "malformed";
	}
	return "?";
}

void mg_policy_outcome_event(const struct mg_policy *p, struct mg_policy_scratch *s,
                             const struct mg_policy_peer *peer, const struct mg_ev *ev,
                             enum mg_mode mode, struct mg_policy_outcome *out)
{
	mg_policy_outcome_event_ctl(p, s, peer, NULL, 0, ev, mode, out);
}

void mg_policy_outcome_event_ctl(const struct mg_policy *p, struct mg_policy_scratch *s,
                                 const struct mg_policy_peer *peer, struct mg_ctl_state *ctl,
                                 uint64_t now_ns, const struct mg_ev *ev, enum mg_mode mode,
                                 struct mg_policy_outcome *out)
{
	out->action = MG_ACT_ALLOW;
	out->src = MG_OSRC_NONE;
	out->have_verdict = false;
	out->reason = MG_R_NONE;

	switch (ev->kind) {
	case MG_EV_COTP:
	case MG_EV_UPPER: break;
	case MG_EV_MMS:
		if (ev->mms == NULL)
			break;
		if (ctl)
			mg_ctl_expire(ctl, now_ns);
		mg_policy_mms_verdict_ctl(p, s, peer, ev->dir == MG_DIR_C2S, ev->mms, ctl, now_ns,
		                          &out->v);
		out->have_verdict = true;
		out->action = out->v.action;
		out->src = out->v.rule_index >= 0 ? MG_OSRC_RULE : MG_OSRC_DEFAULT;
		if (ev->anomaly != MG_R_NONE) {
			enum mg_action a = mg_policy_anomaly_action(p, ev->anomaly);
			out->reason = ev->anomaly;
			if (mg_action_severity(a) > mg_action_severity(out->action)) {
				out->action = (uint8_t)a;
				out->src = MG_OSRC_ANOMALY;
			}
		}
		break;
	case MG_EV_MALFORMED:
	case MG_EV_NOT_MMS:
	default:
		out->reason = ev->reason != MG_R_NONE ? ev->reason : MG_R_ENG_POISONED;
		out->action = (uint8_t)mg_policy_anomaly_action(p, out->reason);
		out->src = MG_OSRC_MALFORMED;
		break;
	}
	out->carry = MG_REFUSE_RESET;
	if (out->action == MG_ACT_DENY && out->have_verdict &&
	    (out->src == MG_OSRC_RULE || out->src == MG_OSRC_DEFAULT) &&
	    out->v.deny_mode == MG_DENY_REPLY_ERROR && ev->mms_bytes != NULL && ev->pres_ctx >= 0 &&
	    (out->reason == MG_R_NONE || mg_policy_anomaly_action(p, out->reason) != MG_ACT_DENY)) {
		enum mg_reason why;
		if (mg_refuse_plan(ev->mms_bytes, ev->mms_len, &out->refuse, &why) == MG_OK)
			out->carry = out->refuse.kind;
	}
	out->deny = out->action == MG_ACT_DENY && mode != MG_MODE_MONITOR;
	out->would_deny = out->action == MG_ACT_DENY && mode == MG_MODE_MONITOR;
	out->record = out->action != MG_ACT_ALLOW || out->reason != MG_R_NONE ||
	              (out->have_verdict && out->v.log);
	/* Only what passes changes the control state: a refused select arms
	 * nothing, a refused operate consumes nothing. */
	if (ctl && !out->deny)
		mg_ctl_track(ctl, p, ev, now_ns);
}
