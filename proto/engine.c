/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-connection MMS engine: TPKT framing and COTP TSDU reassembly over
 * chunks of any size, then one pass down session → presentation → ACSE →
 * MMS per completed TSDU, and the association rules (docs/design.md,
 * "Association state").
 *
 * Buffer layout when reassembling: buf[0..tsdu_len) holds the DT user data
 * of the TSDU collected so far; buf[tsdu_len..tsdu_len+part_len) holds the
 * TPKT currently arriving. When that TPKT completes, its DT user data is
 * moved down onto the TSDU, so one bounded buffer serves both jobs.
 */
#include "mg_engine.h"

#include <stdlib.h>
#include <string.h>

#include "mg_iec61850.h"
#include "mg_tpkt.h"

void mg_engine_init(struct mg_engine *e, const struct mg_engine_cfg *cfg)
{
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	/* 0 means the default; any other size is the caller's bound and is
	 * never changed behind its buffer provider's back. */
	if (e->cfg.buf_size == 0)
		e->cfg.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE;
	if (!e->cfg.buf_get) {
		e->cfg.buf_get = mg_engine_malloc_get;
		e->cfg.buf_put = mg_engine_malloc_put;
	}
	/* The malloc provider learns the size through its user data. */
	if (e->cfg.buf_get == mg_engine_malloc_get && !e->cfg.buf_ud)
		e->cfg.buf_ud = (void *)(uintptr_t)e->cfg.buf_size;
}

void mg_engine_conn_init(struct mg_engine_conn *c)
{
	memset(c, 0, sizeof(*c));
	mg_pres_ctx_init(&c->pres);
	c->state = MG_AS_IDLE;
}

static void dir_put_buf(struct mg_engine *e, struct mg_engine_dir *d)
{
	if (d->buf) {
		e->cfg.buf_put(e->cfg.buf_ud, d->buf);
		d->buf = NULL;
	}
}

void mg_engine_conn_bind(struct mg_engine *e, struct mg_engine_conn *c, uint8_t ver,
			 const uint8_t *ied_addr)
{
	mg_vl_unbind(e->cfg.varlists, &c->vl);
	mg_vl_bind(e->cfg.varlists, &c->vl, ver, ied_addr);
}

void mg_engine_conn_release(struct mg_engine *e, struct mg_engine_conn *c)
{
	mg_vl_unbind(e->cfg.varlists, &c->vl);
	for (int i = 0; i < 2; i++) {
		dir_put_buf(e, &c->d[i]);
		c->d[i].tsdu_len = c->d[i].part_len = 0;
		c->d[i].hdr_have = 0;
	}
}

void mg_engine_dir_reset(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir)
{
	struct mg_engine_dir *d = &c->d[dir & 1];
	uint64_t off = d->off;

	dir_put_buf(e, d);
	memset(d, 0, sizeof(*d));
	d->off = off;
}

void *mg_engine_malloc_get(void *ud)
{
	size_t sz = (size_t)(uintptr_t)ud;

	return malloc(sz ? sz : MG_ENGINE_DEFAULT_BUF_SIZE);
}

void mg_engine_malloc_put(void *ud, void *buf)
{
	(void)ud;
	free(buf);
}

const char *mg_assoc_state_str(uint8_t s)
{
	static const char *const n[] = {
		[MG_AS_IDLE] = "idle",
		[MG_AS_COTP_CR] = "cotp-connecting",
		[MG_AS_COTP_OPEN] = "cotp-open",
		[MG_AS_CONNECTING] = "associating",
		[MG_AS_ASSOCIATED] = "associated",
		[MG_AS_RELEASING] = "releasing",
		[MG_AS_CLOSED] = "closed",
	};
	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* ---- event helpers ---------------------------------------------------- */

struct feed_ctx {
	struct mg_engine *e;
	struct mg_engine_conn *c;
	uint8_t dir;
	mg_engine_cb cb;
	void *ud;
};

static void ev_init(struct mg_ev *ev, const struct feed_ctx *f, uint8_t kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->dir = f->dir;
	ev->acse_kind = -1;
	ev->acse_result = -1;
	ev->reason = MG_R_NONE;
	ev->anomaly = MG_R_NONE;
	ev->end_off = f->c->d[f->dir].off;
	ev->pres_ctx = -1;
}

/* Poison the direction and report once; the caller stops feeding. */
static enum mg_status fail(const struct feed_ctx *f, struct mg_ev *ev, uint8_t kind,
			   enum mg_reason why)
{
	struct mg_engine_dir *d = &f->c->d[f->dir];

	ev->kind = kind;
	ev->reason = why;
	ev->end_off = d->off;
	ev->mms = NULL;
	d->poisoned = true;
	d->tsdu_len = d->part_len = 0;
	d->hdr_have = 0;
	dir_put_buf(f->e, d);
	f->cb(f->ud, ev);
	return MG_MALFORMED;
}

/* A complete TSDU (framing intact: TPKT length and COTP EOT agree) whose
 * session, presentation, ACSE or MMS content is malformed: reported, and
 * the engine goes on with the next TPKT instead of going blind for the
 * rest of the direction. Whoever allows the unit (monitor mode, an anomaly
 * set to alert, replay) keeps inspecting what follows; enforce denies it
 * and resets the association as before. */
static enum mg_status fail_unit(const struct feed_ctx *f, struct mg_ev *ev, enum mg_reason why)
{
	ev->kind = MG_EV_MALFORMED;
	ev->reason = why;
	ev->end_off = f->c->d[f->dir].off;
	ev->mms = NULL;
	ev->req = NULL;
	ev->unit_only = true;
	f->cb(f->ud, ev);
	return MG_OK;
}

/* Broken framing: the rest of the chunk is consumed and refused with it. */
static enum mg_status fail_chunk(const struct feed_ctx *f, size_t rest, enum mg_reason why)
{
	struct mg_ev ev;

	f->c->d[f->dir].off += rest;
	ev_init(&ev, f, MG_EV_MALFORMED);
	return fail(f, &ev, MG_EV_MALFORMED, why);
}

/* ---- association rules ------------------------------------------------ */

bool mg_engine_refused(struct mg_engine_conn *c, uint8_t dir, uint32_t invoke_id)
{
	struct mg_pending_req gone;

	return mg_pending_take(&c->d[dir & 1].pending, invoke_id, &gone);
}

/* Update the association from one decoded PDU; return the anomaly, if any. */
static enum mg_reason assoc_update(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir,
				   const struct mg_mms_pdu *m, uint32_t mms_len,
				   const struct mg_pending_req **answered)
{
	struct mg_engine_dir *mine = &c->d[dir], *peer = &c->d[dir ^ 1];
	enum mg_reason anom = MG_R_NONE;
	struct mg_pending_req *r;
	bool found;

	*answered = NULL;
	if (c->max_pdu && mms_len > c->max_pdu)
		anom = MG_R_ANOM_PDU_TOO_BIG;

	switch (m->type) {
	case MG_MMS_CONFIRMED_REQUEST:
		if (c->state != MG_AS_ASSOCIATED && anom == MG_R_NONE)
			anom = MG_R_ANOM_REQ_BEFORE_INIT;
		if (!m->has_invoke_id)
			break;
		switch (mg_pending_add(&mine->pending, m, &r)) {
		case MG_PENDING_DUP:
			if (anom == MG_R_NONE)
				anom = MG_R_ANOM_DUP_INVOKE_ID;
			break;
		case MG_PENDING_FULL:
			if (anom == MG_R_NONE)
				anom = MG_R_ANOM_TOO_MANY_OUTSTANDING;
			break;
		default:
			break;
		}
		break;
	case MG_MMS_CONFIRMED_RESPONSE:
	case MG_MMS_CONFIRMED_ERROR:
		found = m->has_invoke_id &&
			mg_pending_take(&peer->pending, m->invoke_id, &e->answered);
		if (found)
			*answered = &e->answered;
		else if (anom == MG_R_NONE)
			anom = MG_R_ANOM_UNSOLICITED_RESP;
		break;
	case MG_MMS_CANCEL_RESPONSE:
	case MG_MMS_CANCEL_ERROR:
		/* The cancelled request gets no response of its own. */
		if (m->has_invoke_id && mg_pending_take(&peer->pending, m->invoke_id, &e->answered))
			*answered = &e->answered;
		break;
	case MG_MMS_INITIATE_REQUEST:
		c->state = MG_AS_CONNECTING;
		break;
	case MG_MMS_INITIATE_RESPONSE:
		c->state = MG_AS_ASSOCIATED;
		c->max_pdu = m->local_detail;
		c->max_serv[MG_DIR_C2S] = m->max_serv_calling;
		c->max_serv[MG_DIR_S2C] = m->max_serv_called;
		c->nesting_level = m->nesting_level;
		break;
	case MG_MMS_INITIATE_ERROR:
	case MG_MMS_CONCLUDE_RESPONSE:
		c->state = MG_AS_CLOSED;
		break;
	case MG_MMS_CONCLUDE_REQUEST:
		c->state = MG_AS_RELEASING;
		break;
	case MG_MMS_CONCLUDE_ERROR:
		c->state = MG_AS_ASSOCIATED;
		break;
	default:
		break;
	}
	return anom;
}

/* ---- one TSDU down the upper layers ----------------------------------- */

static bool looks_like_acse(const uint8_t *p, size_t len)
{
	/* ACSE APDUs are [APPLICATION 0..4] constructed (0x60..0x64); MMS PDUs
	 * are context-specific (0xA0..0xAD). */
	return len > 0 && p[0] >= 0x60 && p[0] <= 0x64;
}

static enum mg_status tsdu(const struct feed_ctx *f, const uint8_t *p, size_t len)
{
	struct mg_engine_conn *c = f->c;
	struct mg_ev ev;
	struct mg_ses_spdu s;
	struct mg_pres_ppdu pp;
	struct mg_acse_apdu a;
	enum mg_reason why = MG_R_NONE;
	const uint8_t *mms = NULL;
	size_t mms_len = 0;

	ev_init(&ev, f, MG_EV_UPPER);
	ev.cotp_type = MG_COTP_DT;
	ev.tsdu_len = (uint32_t)len;

	if (len == 0)
		return fail_unit(f, &ev, MG_R_SES_TRUNCATED);
	switch (p[0]) {
	case MG_SES_DT: case MG_SES_CN: case MG_SES_AC: case MG_SES_RF: case MG_SES_FN:
	case MG_SES_DN: case MG_SES_NF: case MG_SES_AB: case MG_SES_AA:
		break;
	case 0x32: /* S7comm protocol id */
		return fail(f, &ev, MG_EV_NOT_MMS, MG_R_NOT_MMS_S7COMM);
	default:
		/* MMS straight on COTP, without session and presentation: not
		 * ISO 9506 over the OSI stack, but attack tools send it and
		 * Wireshark decodes it. Report the PDU and flag it, so the
		 * policy's anomaly action (deny by default) decides. */
		if ((p[0] & 0xC0) == 0x80 && (p[0] & 0x1F) <= MG_MMS_CONCLUDE_ERROR &&
		    mg_mms_parse(p, len, &f->e->pdu, &why) == MG_OK) {
			ev.kind = MG_EV_MMS;
			ev.mms = &f->e->pdu;
			ev.mms_len = (uint32_t)len;
			ev.mms_bytes = p;
			/* Track state as usual; the flag outranks other anomalies. */
			(void)assoc_update(f->e, c, f->dir, &f->e->pdu, (uint32_t)len, &ev.req);
			mg_vl_observe(f->e->cfg.varlists, &c->vl, f->dir, &f->e->pdu, ev.req,
				      &c->d[f->dir].pending, &f->e->vlcopy);
			ev.anomaly = MG_R_ANOM_BARE_MMS;
			f->cb(f->ud, &ev);
			return MG_OK;
		}
		return fail(f, &ev, MG_EV_NOT_MMS, MG_R_NOT_MMS_UNKNOWN);
	}
	if (mg_ses_parse(p, len, &s, &why) != MG_OK)
		return fail_unit(f, &ev, why);
	ev.ses_kind = s.kind;
	switch (s.kind) {
	case MG_SES_CN:
		c->state = MG_AS_CONNECTING;
		break;
	case MG_SES_FN:
		c->state = MG_AS_RELEASING;
		break;
	case MG_SES_DN:
	case MG_SES_AB:
	case MG_SES_AA:
	case MG_SES_RF:
		c->state = MG_AS_CLOSED;
		break;
	default:
		break;
	}
	if (!s.user || s.user_len == 0) {
		if (s.kind == MG_SES_DT)
			return fail_unit(f, &ev, MG_R_SES_NO_USER_DATA);
		f->cb(f->ud, &ev);
		return MG_OK;
	}
	if (mg_pres_parse(s.user, s.user_len, s.kind, &c->pres, &pp, &why) != MG_OK)
		return fail_unit(f, &ev, why);
	ev.pres_kind = pp.kind;
	if (!pp.user || pp.user_len == 0) {
		f->cb(f->ud, &ev);
		return MG_OK;
	}

	bool acse;

	switch (pp.kind) {
	case MG_PRES_CP:
	case MG_PRES_CPA:
	case MG_PRES_CPR:
	case MG_PRES_ARU:
		acse = true;
		break;
	default:
		if (pp.abstract == MG_PRES_AS_ACSE) {
			acse = true;
		} else if (pp.abstract == MG_PRES_AS_MMS) {
			acse = false;
		} else if (!c->pres.proposed && f->e->cfg.midstream_pickup) {
			/* No CP seen: the capture or the flow started mid-association. */
			acse = looks_like_acse(pp.user, pp.user_len);
		} else {
			return fail_unit(f, &ev, MG_R_PRES_CONTEXT);
		}
		break;
	}
	if (acse) {
		if (mg_acse_parse(pp.user, pp.user_len, &a, &why) != MG_OK)
			return fail_unit(f, &ev, why);
		ev.acse_kind = (int8_t)a.kind;
		ev.acse_result = a.result;
		if (a.kind == MG_ACSE_ABRT || (a.kind == MG_ACSE_AARE && a.result > 0) ||
		    a.kind == MG_ACSE_RLRE)
			c->state = MG_AS_CLOSED;
		else if (a.kind == MG_ACSE_RLRQ)
			c->state = MG_AS_RELEASING;
		mms = a.user;
		mms_len = a.user_len;
	} else {
		mms = pp.user;
		mms_len = pp.user_len;
	}
	if (!mms || mms_len == 0) {
		f->cb(f->ud, &ev);
		return MG_OK;
	}

	struct mg_mms_pdu *m = &f->e->pdu;

	if (mg_mms_parse(mms, mms_len, m, &why) != MG_OK)
		return fail_unit(f, &ev, why);
	ev.kind = MG_EV_MMS;
	ev.mms = m;
	ev.mms_len = (uint32_t)mms_len;
	ev.mms_bytes = mms;
	ev.pres_ctx = pp.ctx_id;
	ev.anomaly = assoc_update(f->e, c, f->dir, m, (uint32_t)mms_len, &ev.req);
	/* Lists: learn from define / delete / attributes, judge a list access
	 * by its members (mg_varlist.h). */
	mg_vl_observe(f->e->cfg.varlists, &c->vl, f->dir, m, ev.req, &c->d[f->dir].pending,
		      &f->e->vlcopy);
	f->cb(f->ud, &ev);
	return MG_OK;
}

/* ---- one TPKT --------------------------------------------------------- */

/* q points at a whole TPKT of tl bytes; in_buf says q lies in d->buf at
 * d->tsdu_len (so DT user data can be moved down in place). */
static enum mg_status tpkt_unit(const struct feed_ctx *f, const uint8_t *q, size_t tl, bool in_buf)
{
	struct mg_engine_conn *c = f->c;
	struct mg_engine_dir *d = &c->d[f->dir];
	struct mg_cotp_tpdu t;
	struct mg_ev ev;
	enum mg_reason why = MG_R_NONE;

	ev_init(&ev, f, MG_EV_COTP);
	if (mg_cotp_parse(q + 4, tl - 4, &t, &why) != MG_OK)
		return fail(f, &ev, MG_EV_MALFORMED, why);
	ev.cotp_type = t.type;

	if (t.type != MG_COTP_DT) {
		/* A control TPDU between the DTs of one TSDU: the partial TSDU
		 * has no verdict and must not be released with it. */
		if (d->tsdu_len != 0)
			return fail(f, &ev, MG_EV_MALFORMED, MG_R_COTP_TPDU_IN_TSDU);
		/* RFC 1006 carries class 0 only: expedited data, acknowledgements
		 * and rejects do not exist there, and class 0 CR/CC/DR carry no
		 * user data. Bytes a receiver might take from them were never
		 * inspected: an anomaly (deny by default). */
		if (t.type == MG_COTP_ED || t.type == MG_COTP_EA || t.type == MG_COTP_AK ||
		    t.type == MG_COTP_RJ || t.user_len != 0)
			return fail(f, &ev, MG_EV_MALFORMED, MG_R_COTP_NOT_CLASS0);
		switch (t.type) {
		case MG_COTP_CR:
			c->state = MG_AS_COTP_CR;
			break;
		case MG_COTP_CC:
			c->cotp_connected = true;
			c->state = MG_AS_COTP_OPEN;
			break;
		case MG_COTP_DR:
		case MG_COTP_DC:
			c->state = MG_AS_CLOSED;
			break;
		default:
			break;
		}
		if (in_buf)
			d->part_len = 0;
		f->cb(f->ud, &ev);
		return MG_OK;
	}
	if (!c->cotp_connected && !f->e->cfg.midstream_pickup)
		return fail(f, &ev, MG_EV_MALFORMED, MG_R_COTP_DATA_BEFORE_CC);

	if (t.eot && d->tsdu_len == 0) {
		/* Whole TSDU in one TPDU: parse where it lies. */
		enum mg_status st = tsdu(f, t.user, t.user_len);

		if (in_buf)
			d->part_len = 0;
		return st;
	}
	/* Part of a multi-TPDU TSDU: append to buf[0..tsdu_len). */
	if ((size_t)d->tsdu_len + t.user_len > f->e->cfg.buf_size)
		return fail(f, &ev, MG_EV_MALFORMED, MG_R_COTP_TSDU_TOO_BIG);
	if (!d->buf) {
		d->buf = f->e->cfg.buf_get(f->e->cfg.buf_ud);
		if (!d->buf)
			return fail(f, &ev, MG_EV_MALFORMED, MG_R_ENG_NO_BUFFER);
	}
	memmove(d->buf + d->tsdu_len, t.user, t.user_len);
	d->tsdu_len += (uint32_t)t.user_len;
	if (in_buf)
		d->part_len = 0;
	if (!t.eot)
		return MG_OK;
	uint32_t n = d->tsdu_len;

	d->tsdu_len = 0;
	return tsdu(f, d->buf, n);
}

static void maybe_release(struct mg_engine *e, struct mg_engine_dir *d)
{
	/* Buffers are only lent while a unit is incomplete, so that 100k idle
	 * associations cost no reassembly memory. */
	if (d->buf && d->tsdu_len == 0 && d->part_len == 0)
		dir_put_buf(e, d);
}

enum mg_status mg_engine_feed(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir,
			      const uint8_t *p, size_t len, mg_engine_cb cb, void *ud)
{
	struct feed_ctx f = { .e = e, .c = c, .dir = dir & 1, .cb = cb, .ud = ud };
	struct mg_engine_dir *d = &c->d[f.dir];
	enum mg_reason why = MG_R_NONE;
	enum mg_status st;
	uint16_t tl;
	struct mg_ev ev;

	if (d->poisoned) {
		if (len == 0)
			return MG_MALFORMED;
		d->off += len;
		ev_init(&ev, &f, MG_EV_MALFORMED);
		ev.reason = MG_R_ENG_POISONED;
		cb(ud, &ev);
		return MG_MALFORMED;
	}
	while (len > 0) {
		if (d->part_len == 0 && d->hdr_have == 0) {
			st = mg_tpkt_header(p, len, &tl, &why);
			if (st == MG_MALFORMED) {
				return fail_chunk(&f, len, why);
			}
			if (st == MG_OK && len >= tl) {
				/* Fast path: the whole TPKT is in this chunk. */
				d->off += tl;
				st = tpkt_unit(&f, p, tl, false);
				if (st != MG_OK)
					return st;
				p += tl;
				len -= tl;
				continue;
			}
			if (st == MG_NEED_MORE) {
				/* Fewer than 4 bytes: keep them without a buffer. */
				memcpy(d->hdr, p, len);
				d->hdr_have = (uint8_t)len;
				d->off += len;
				break;
			}
			/* Header known, body incomplete: start a partial TPKT. */
			memcpy(d->hdr, p, 4);
			d->hdr_have = 4;
			p += 4;
			len -= 4;
			d->off += 4;
		}
		if (d->hdr_have < 4) {
			size_t take = 4u - d->hdr_have;

			if (take > len)
				take = len;
			memcpy(d->hdr + d->hdr_have, p, take);
			d->hdr_have = (uint8_t)(d->hdr_have + take);
			p += take;
			len -= take;
			d->off += take;
			st = mg_tpkt_header(d->hdr, d->hdr_have, &tl, &why);
			if (st == MG_MALFORMED) {
				return fail_chunk(&f, len, why);
			}
			if (d->hdr_have < 4)
				break;
		}
		if (d->part_len == 0) {
			/* Move the 4 header bytes into the buffer behind the TSDU. */
			tl = (uint16_t)((d->hdr[2] << 8) | d->hdr[3]);
			if ((size_t)d->tsdu_len + tl > e->cfg.buf_size) {
				return fail_chunk(&f, len, MG_R_ENG_REASM_BOUND);
			}
			if (!d->buf) {
				d->buf = e->cfg.buf_get(e->cfg.buf_ud);
				if (!d->buf) {
					return fail_chunk(&f, len, MG_R_ENG_NO_BUFFER);
				}
			}
			memcpy(d->buf + d->tsdu_len, d->hdr, 4);
			d->part_len = 4;
		}
		uint8_t *part = d->buf + d->tsdu_len;

		tl = (uint16_t)((part[2] << 8) | part[3]);
		size_t take = tl - d->part_len;

		if (take > len)
			take = len;
		memcpy(part + d->part_len, p, take);
		d->part_len += (uint32_t)take;
		p += take;
		len -= take;
		d->off += take;
		if (d->part_len < tl)
			break;
		d->hdr_have = 0;
		st = tpkt_unit(&f, part, tl, true);
		if (st != MG_OK)
			return st;
		maybe_release(e, d);
	}
	maybe_release(e, d);
	return MG_OK;
}
