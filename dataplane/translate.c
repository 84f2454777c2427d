/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Refusals without a reset (issue 13): the per-lcore pool of sequence
 * translation slots and the bookkeeping of a refusal. A flow whose streams
 * were never edited has no slot (f->sa == 0) and pays nothing but that
 * test on the action point's fast path. When enforce.c denies a well-formed
 * unit whose policy outcome says reply-error or remove, mg_dp_refuse()
 * takes a slot, tells the translator (proto/seqadj.c) that the unit's bytes
 * never reach the receiver, builds the answer a real IED would send
 * (proto/refuse.c) and queues it, clears the request from the engine's
 * outstanding list, and lets the held stream move past the unit: its
 * bytes are cut on the way out by action.c, which also places and sends
 * the queued answer once the server's stream is at a unit boundary.
 *
 * Whatever cannot be carried out (no free slot, the translator's edit list
 * or answer pool full, an answer that cannot be built) falls back to the
 * old drop + reset: never a stall, never a forwarded denied byte.
 */
#include <string.h>

#include <rte_malloc.h>

#include "mg_dp.h"
#include "mg_policy_outcome.h"
#include "mg_refuse.h"

#define MG_SA_SLOTS 256 /* per worker: flows under translation at once */

int mg_dp_sa_init(struct mg_lcore *lc, char *err, size_t errlen)
{
	lc->sa_n = MG_SA_SLOTS;
	lc->sa_used = 0;
	lc->sa_slots =
	    rte_zmalloc_socket("mgsa", sizeof(struct mg_sa_slot) * lc->sa_n, RTE_CACHE_LINE_SIZE,
	                       (int)rte_lcore_to_socket_id(lc->lcore_id));
	if (lc->sa_slots == NULL) {
		snprintf(err, errlen, "worker %u: no memory for %u translation slots", lc->wid,
		         lc->sa_n);
		return -1;
	}
	return 0;
}

void mg_dp_sa_fini(struct mg_lcore *lc)
{
	rte_free(lc->sa_slots);
	lc->sa_slots = NULL;
	lc->sa_n = 0;
}

uint64_t mg_dp_now_ns(const struct mg_lcore *lc)
{
	/* When replaying captures (--ts-order) the frames' rx timestamps are
	 * the clock, so a capture's pauses count as time. */
	if (mg_dp_cfg.ts_order)
		return lc->ts_clock;
	return (uint64_t)((double)(lc->now - mg_dp_start_tsc) * 1e9 / (double)mg_dp_hz);
}

/* A fresh translator knows nothing of the flow; the normaliser, which saw
 * every segment so far, does: the latest timestamps (an injected segment
 * without the server's TSval is dropped by PAWS), windows and acks. */
static void seed(struct mg_seqadj *sa, const struct mg_flow *f)
{
	const struct mg_tcpn *tn = &f->tn;

	for (unsigned d = 0; d < 2; d++) {
		const struct mg_tcpn_dir *t = &tn->d[d], *o = &tn->d[d ^ 1];
		struct mg_seqadj_dir *a = &sa->d[d];

		/* What left the gate (held segments have yet to pass the
		 * translator: they are not retransmissions). */
		if (f->d[d].isn_known) {
			a->snd_seen = true;
			a->snd_max = f->d[d].isn + 1 + (uint32_t)f->d[d].rel_off;
		}
		if (o->ack_seen) {
			a->ack_seen = true;
			a->rcv_ack = o->ack;
			a->last_ack_dup = o->ack;
		}
		if (tn->ts && t->ts_seen) {
			a->ts_seen = true;
			a->ts_val = t->ts_recent;
		}
		uint32_t w = tn->ws ? t->last_win >> t->wscale : t->last_win;
		a->win = (uint16_t)RTE_MIN(w, 0xffffu);
	}
}

static bool sa_take(struct mg_lcore *lc, struct mg_flow *f)
{
	if (f->sa != 0)
		return true;
	/* Bytes in the gate's custody (action.c) are numbered in their
	 * sender's space only: a refusal there is carried out by reset. */
	if (f->cust != 0)
		return false;
	if (lc->sa_slots == NULL || lc->sa_used >= lc->sa_n)
		return false;
	for (uint32_t i = 0; i < lc->sa_n; i++) {
		struct mg_sa_slot *s = &lc->sa_slots[i];
		if (s->used)
			continue;
		s->used = true;
		s->flow = f->idx;
		s->tlen = 0;
		mg_seqadj_init(&s->sa);
		seed(&s->sa, f);
		f->sa = i + 1;
		lc->sa_used++;
		lc->ctr->seqadj_flows++;
		return true;
	}
	return false;
}

void mg_dp_sa_free(struct mg_lcore *lc, struct mg_flow *f)
{
	if (f->sa == 0)
		return;
	lc->sa_slots[f->sa - 1].used = false;
	f->sa = 0;
	lc->sa_used--;
	lc->ctr->seqadj_flows--;
}

bool mg_dp_refuse(struct mg_lcore *lc, struct mg_enforce_ctx *ctx, const struct mg_ev *ev,
                  const struct mg_policy_outcome *oc)
{
	struct mg_flow *f = ctx->f;
	unsigned dir = ctx->dir;
	struct mg_hold_dir *d = &f->d[dir];
	const struct mg_frame *fr = ctx->fr;
	uint8_t ans[MG_SEQADJ_INJ_BYTES];
	size_t alen = 0;

	if (oc->carry != MG_REFUSE_REPLY && oc->carry != MG_REFUSE_REMOVE)
		return false;
	/* An answer goes to the client, in the server's place. */
	if (oc->carry == MG_REFUSE_REPLY && dir != MG_DIR_C2S)
		return false;
	if (ev->end_off <= d->unit_off || ev->end_off - d->unit_off > UINT32_MAX / 2 ||
	    !f->d[MG_DIR_S2C].isn_known || f->d[MG_DIR_S2C].fin || fr == NULL)
		return false;
	if (oc->carry == MG_REFUSE_REPLY) {
		if (fr->dir != MG_DIR_C2S ||
		    fr->pk.payload_off > sizeof(((struct mg_sa_slot *)0)->tmpl))
			return false; /* no model for the answer's headers */
		alen = mg_refuse_build(&oc->refuse, ev->pres_ctx, 0, ans, sizeof(ans));
		if (alen == 0 || alen > UINT16_MAX)
			return false;
	}
	bool fresh = f->sa == 0;
	if (!sa_take(lc, f))
		return false;
	struct mg_sa_slot *s = &lc->sa_slots[f->sa - 1];
	uint32_t pos = d->isn + 1 + (uint32_t)d->unit_off;
	uint32_t len = (uint32_t)(ev->end_off - d->unit_off);

	if (alen != 0 && mg_seqadj_queue(&s->sa, ans, (uint16_t)alen, pos + len) != 0)
		goto fail;
	if (mg_seqadj_drop(&s->sa, (uint8_t)dir, pos, len) != 0)
		goto fail; /* a queued answer dies with the reset flow */
	if (alen != 0 && fr->dir == MG_DIR_C2S) {
		/* The model of the frames the gate sends: this client frame's
		 * headers (reversed when built). */
		size_t hl = RTE_MIN((size_t)fr->pk.payload_off, sizeof(s->tmpl));
		memcpy(s->tmpl, rte_pktmbuf_mtod(fr->m, const uint8_t *), hl);
		s->tlen = (uint16_t)hl;
		s->tpk = fr->pk;
		/* Headers only: the copy's IP length says so, or it would not
		 * decode as a frame of its own. */
		size_t l3 = fr->pk.l3_off;
		if (fr->pk.ip_ver == 4 && hl >= l3 + 4) {
			uint16_t tot = (uint16_t)(hl - l3);
			s->tmpl[l3 + 2] = (uint8_t)(tot >> 8);
			s->tmpl[l3 + 3] = (uint8_t)tot;
		} else if (fr->pk.ip_ver == 6 && hl >= l3 + 40) {
			uint16_t pl = (uint16_t)(hl - l3 - 40);
			s->tmpl[l3 + 4] = (uint8_t)(pl >> 8);
			s->tmpl[l3 + 5] = (uint8_t)pl;
		}
		s->tpk.payload_len = 0;
	}
	if (oc->carry == MG_REFUSE_REPLY) {
		mg_engine_refused(&f->eng, (uint8_t)dir, oc->refuse.invoke_id);
		lc->ctr->refusals_sent++;
	} else {
		lc->ctr->pdus_removed++;
	}
	lc->ctr->seqadj_bytes_dropped += len;
	return true;
fail:
	if (fresh)
		mg_dp_sa_free(lc, f);
	return false;
}
