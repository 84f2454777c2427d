/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From engine events to the held stream's allowed offset. mg_enforce_event()
 * is the MMS engine's callback on an inspected direction: it counts the
 * PDU, refreshes the flow's set memberships after a policy swap, asks the
 * policy for the unit's outcome (mg_policy_outcome_event, the same call
 * `mmsgatectl replay` makes), records events, and then either advances the
 * direction's ok_off (the held segments covering the unit may leave) or
 * marks the association denied, which tcp_hold.c turns into a RESET
 * outcome for the action point (action.c), or, for a reply-error / remove
 * deny, has translate.c refuse the unit alone and moves on past it.
 * Nothing here touches a frame.
 */
#include <string.h>

#include <netinet/in.h>

#include "mg_dp.h"
#include "mg_policy_ctl.h"
#include "mg_policy_outcome.h"

static void refresh_peer(struct mg_lcore *lc, struct mg_flow *f)
{
	struct mg_addr c, s;
	const struct mg_flow_key *k = &f->key;
	size_t alen = k->ver == 6 ? 16 : 4;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.ver = s.ver = k->ver;
	memcpy(c.a, f->client_is_a ? k->a : k->b, alen);
	memcpy(s.a, f->client_is_a ? k->b : k->a, alen);
	mg_policy_conn(lc->pol->p, &c, &s, IPPROTO_TCP, f->client_is_a ? k->pa : k->pb,
		       f->client_is_a ? k->pb : k->pa, &f->peer, &f->rule_line);
	f->gen = lc->pol->gen;
	lc->ctr->policy_peer_refresh++;
}

static void emit(struct mg_lcore *lc, const struct mg_flow *f, uint8_t type, uint8_t action,
		 const struct mg_mms_pdu *pdu, enum mg_reason why, const struct mg_verdict *v,
		 uint8_t carry)
{
	struct mg_dp_event ev;

	memset(&ev, 0, offsetof(struct mg_dp_event, text));
	ev.text[0] = '\0';
	ev.type = type;
	ev.action = action;
	ev.carry = carry;
	mg_dp_event_from_pdu(&ev, f, pdu);
	ev.reason = (int32_t)why;
	if (v != NULL) {
		ev.rule_line = v->rule_line;
		if (v->rule_name)
			snprintf(ev.rule_name, sizeof(ev.rule_name), "%s", v->rule_name);
	}
	ev.gen = lc->pol->gen;
	mg_dp_event_emit(lc, &ev);
}

void mg_enforce_event(void *ud, const struct mg_ev *ev)
{
	struct mg_enforce_ctx *ctx = ud;
	struct mg_lcore *lc = ctx->lc;
	struct mg_flow *f = ctx->f;
	struct mg_hold_dir *d = &f->d[ctx->dir];
	const struct mg_mms_pdu *pdu = NULL;
	struct mg_policy_outcome oc;

	if (ctx->deny)
		return; /* the association is being reset: later units are moot */

	if (ev->kind == MG_EV_MMS && ev->mms != NULL) {
		pdu = ev->mms;
		lc->ctr->mms_pdus++;
		f->pdus[ctx->dir]++;
		if (pdu->service < MG_SVC__COUNT)
			lc->ctr->svc[pdu->service]++;
		if (pdu->iec_class < MG_IEC__COUNT) {
			lc->ctr->iec[pdu->iec_class]++;
			if (f->pdus_class[pdu->iec_class] != UINT16_MAX)
				f->pdus_class[pdu->iec_class]++;
		}
		if (unlikely(f->gen != lc->pol->gen))
			refresh_peer(lc, f);
	}
	/* Select timeouts run on the TSC taken at the start of the burst; when
	 * replaying captures (--ts-order) on the frames' rx timestamps, so a
	 * capture's pauses count as time. */
	uint64_t now_ns = mg_dp_now_ns(lc);

	const uint32_t armed0 = f->ctl.armed, expired0 = f->ctl.expired,
		       learned0 = f->ctl.learned, full0 = f->ctl.full;

	mg_policy_outcome_event_ctl(lc->pol->p, lc->scratch, &f->peer, &f->ctl, now_ns, ev,
				    lc->monitor ? MG_MODE_MONITOR : MG_MODE_ENFORCE, &oc);
	/* the association's own tallies only grow: add what this unit added */
	lc->ctr->ctl_armed += f->ctl.armed - armed0;
	lc->ctr->ctl_expired += f->ctl.expired - expired0;
	lc->ctr->ctl_learned += f->ctl.learned - learned0;
	lc->ctr->ctl_full += f->ctl.full - full0;
	if (oc.have_verdict)
		lc->ctr->mms_rule_hits[RTE_MIN((uint32_t)(oc.v.rule_index + 1),
					       MG_DP_RULE_HITS - 1u)]++;
	enum mg_reason why = (enum mg_reason)oc.reason;
	const struct mg_verdict *v = oc.have_verdict ? &oc.v : NULL;

	if (why != MG_R_NONE && why < MG_R__COUNT)
		lc->ctr->reason[why]++;
	if (pdu != NULL || why != MG_R_NONE)
		lc->ctr->verdict[oc.action]++;

	if (oc.deny && why == MG_R_NONE && mg_dp_refuse(lc, ctx, ev, &oc)) {
		/* Refused without a reset (translate.c): the unit's bytes are
		 * cut on the way out, the answer (if any) is queued. */
		f->denies++;
		emit(lc, f, MG_DPEV_DENY, oc.action, pdu, why, v, oc.carry);
		d->unit_off = ev->end_off;
		if (ev->end_off > d->ok_off)
			d->ok_off = ev->end_off;
		return;
	}
	if (oc.deny) {
		ctx->deny = true;
		ctx->why = why != MG_R_NONE ? MG_DPD_MMS_ANOMALY : MG_DPD_MMS_DENIED;
		f->denies++;
		emit(lc, f, why != MG_R_NONE ? MG_DPEV_ANOMALY : MG_DPEV_DENY, oc.action, pdu, why, v,
		     0);
		return;
	}
	if (oc.would_deny) {
		lc->ctr->monitor_would_deny++;
		emit(lc, f, MG_DPEV_MONITOR, oc.action, pdu, why, v, 0);
	} else if (why != MG_R_NONE) {
		emit(lc, f, MG_DPEV_ANOMALY, oc.action, pdu, why, v, 0);
	} else if (oc.record) {
		emit(lc, f, oc.action == MG_ACT_ALERT ? MG_DPEV_ALERT : MG_DPEV_MONITOR, oc.action,
		     pdu, why, v, 0);
	}
	d->unit_off = ev->end_off;
	if (ev->end_off > d->ok_off)
		d->ok_off = ev->end_off;
}
