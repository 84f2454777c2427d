/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-association Select-before-Operate state (mg_policy_ctl.h): what a
 * select armed, what an operate consumed, what a ctlModel read taught.
 * Lives in policy/ because the select timeout and the declared control
 * models are the policy's; the verdict (verdict.c) only reads it.
 * Responses are decoded here just far enough to tell success from failure
 * (first AccessResult of a read, first result of a write), and only when
 * they answer a request this module is waiting for: other reads and every
 * report stay untouched.
 */
#include <string.h>

#include "mg_ber.h"
#include "mg_iec61850.h"
#include "mg_mmsdata.h"
#include "mg_pending.h"
#include "mg_policy_ctl.h"
#include "pol_internal.h"

void mg_ctl_state_init(struct mg_ctl_state *c)
{
	memset(c, 0, sizeof(*c));
}

/* Split an item into '$' components; returns the count (at most max). */
static unsigned comps(const uint8_t *s, size_t n, const uint8_t **cp, uint16_t *cl, unsigned max)
{
	unsigned k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '$') {
			if (k == max)
				return max + 1;
			cp[k] = s + start;
			cl[k] = (uint16_t)(i - start);
			k++;
			start = i + 1;
		}
	}
	return k;
}

static bool comp_is(const uint8_t *p, uint16_t n, const char *w)
{
	return n == strlen(w) && !memcmp(p, w, n);
}

#define MAX_COMPS 12

/* "LN$DO[$SDO…]" (FC and leaf removed) into buf; 0 if not a 61850 item. */
static size_t do_name(const struct mg_mms_obj *o, char *buf, size_t cap, const uint8_t **fc,
                      uint16_t *fcl, const uint8_t **leaf, uint16_t *leafl)
{
	const uint8_t *cp[MAX_COMPS + 1];
	uint16_t cl[MAX_COMPS + 1];
	if (!o->item || o->kind != MG_OBJK_VARIABLE)
		return 0;
	unsigned k = comps(o->item, o->item_len, cp, cl, MAX_COMPS);
	if (k < 4 || k > MAX_COMPS)
		return 0;
	size_t n = 0;
	for (unsigned i = 0; i + 1 < k; i++) {
		if (i == 1)
			continue; /* the functional constraint */
		if (n + cl[i] + 1 >= cap)
			return 0;
		if (n)
			buf[n++] = '$';
		memcpy(buf + n, cp[i], cl[i]);
		n += cl[i];
	}
	*fc = cp[1];
	*fcl = cl[1];
	*leaf = cp[k - 1];
	*leafl = cl[k - 1];
	return n;
}

uint64_t mg_ctl_key(const struct mg_mms_obj *o)
{
	char buf[256];
	const uint8_t *fc, *leaf;
	uint16_t fcl, leafl;
	size_t n = do_name(o, buf, sizeof(buf), &fc, &fcl, &leaf, &leafl);
	if (!n)
		return 0;
	struct mg_mms_obj k = *o;
	k.item = (const uint8_t *)buf;
	k.item_len = (uint16_t)n;
	k.alt_access = 0;
	return mg_pending_obj_hash(&k);
}

const struct mg_ctl_slot *mg_ctl_find(const struct mg_ctl_state *c, uint64_t key)
{
	for (unsigned i = 0; key && c && i < MG_CTL_SLOTS; i++)
		if (c->s[i].key == key)
			return &c->s[i];
	return NULL;
}

static struct mg_ctl_slot *slot_find(struct mg_ctl_state *c, uint64_t key)
{
	return (struct mg_ctl_slot *)mg_ctl_find(c, key);
}

/* The slot for key, taking a free one (or one holding nothing live) if
 * needed; NULL (counted) when all are busy. */
static struct mg_ctl_slot *slot_get(struct mg_ctl_state *c, uint64_t key, uint64_t now)
{
	struct mg_ctl_slot *s = slot_find(c, key), *spare = NULL;
	if (s)
		return s;
	for (unsigned i = 0; i < MG_CTL_SLOTS; i++) {
		struct mg_ctl_slot *x = &c->s[i];
		if (x->key == 0) {
			spare = x;
			break;
		}
		bool idle =
		    !x->model_pending &&
		    (x->sel == MG_SEL_NONE || (x->sel != MG_SEL_PENDING && now >= x->expires_ns));
		/* an idle slot that only remembers a learned model goes last */
		if (idle && (!spare || (spare->model && !x->model)))
			spare = x;
	}
	if (!spare) {
		c->full++;
		return NULL;
	}
	memset(spare, 0, sizeof(*spare));
	spare->key = key;
	return spare;
}

uint8_t mg_ctl_policy_model(const struct mg_policy *p, const struct mg_mms_obj *o,
                            uint32_t *timeout_ms)
{
	char dn[256], name[400];
	const uint8_t *fc, *leaf;
	uint16_t fcl, leafl;
	*timeout_ms = MG_CTL_DEFAULT_TIMEOUT_MS;
	if (!p || !p->n_ctlm)
		return MG_CTLM_UNKNOWN;
	size_t n = do_name(o, dn, sizeof(dn), &fc, &fcl, &leaf, &leafl);
	if (!n)
		return MG_CTLM_UNKNOWN;
	/* "domain/LN$CO$DO…$Oper": LN first, then $CO, then the rest */
	const char *dollar = memchr(dn, '$', n);
	size_t ln = (size_t)(dollar - dn), at = 0;
	if (o->domain && (o->scope == MG_OBJ_DOMAIN)) {
		memcpy(name, o->domain, o->domain_len);
		at = o->domain_len;
		name[at++] = '/';
	}
	memcpy(name + at, dn, ln);
	at += ln;
	memcpy(name + at, "$CO", 3);
	at += 3;
	memcpy(name + at, dollar, n - ln);
	at += n - ln;
	memcpy(name + at, "$Oper", 5);
	at += 5;
	bool dom = o->domain && o->scope == MG_OBJ_DOMAIN;
	for (size_t i = 0; i < p->n_ctlm; i++)
		if (dom ? mg_pol_glob_match(&p->ctlm[i].g, name, at)
		        : p->ctlm[i].has_g2 && mg_pol_glob_match(&p->ctlm[i].g2, name, at)) {
			*timeout_ms = p->ctlm[i].timeout_ms;
			return p->ctlm[i].model;
		}
	return MG_CTLM_UNKNOWN;
}

static uint8_t model_of(const struct mg_ctl_state *c, const struct mg_policy *p,
                        const struct mg_mms_obj *o, uint64_t key, uint32_t *timeout_ms)
{
	uint8_t m = mg_ctl_policy_model(p, o, timeout_ms);
	if (m == MG_CTLM_UNKNOWN) {
		const struct mg_ctl_slot *s = mg_ctl_find(c, key);
		if (s)
			m = s->model;
	}
	return m;
}

bool mg_ctl_select_ok(const struct mg_ctl_state *c, const struct mg_policy *p,
                      const struct mg_mms_obj *o, bool have_num, uint32_t ctl_num, uint64_t now_ns)
{
	uint32_t to;
	uint64_t key = mg_ctl_key(o);
	switch (model_of(c, p, o, key, &to)) {
	case MG_CTLM_SBO:
	case MG_CTLM_SBO_ENH: break;
	case MG_CTLM_STATUS_ONLY: return false; /* nothing may be operated */
	default: return true;                   /* direct, or not known: never guessed */
	}
	const struct mg_ctl_slot *s = mg_ctl_find(c, key);
	if (!s || s->sel != MG_SEL_ARMED || now_ns >= s->expires_ns)
		return false;
	return !s->has_ctl_num || (have_num && s->ctl_num == ctl_num);
}

/* ---- responses ------------------------------------------------------------ */

/* The first result of a read or write response: *ok for success, and for a
 * read the Data in *v (v->type 0 when not decoded). false when the PDU is
 * not a read/write response of that shape. */
static bool first_result(const uint8_t *p, size_t len, struct mg_md_val *v, bool *ok)
{
	struct mg_ber_tlv t, inv, svc, e;
	struct mg_ber_iter it, in;
	enum mg_reason why;
	memset(v, 0, sizeof(*v));
	*ok = false;
	if (!p || mg_ber_tlv(p, len, &t, &why) != MG_OK || !mg_ber_is(&t, MG_BER_CONTEXT, true, 1))
		return false;
	mg_ber_iter_init(&it, t.val, t.len);
	if (mg_ber_next(&it, &inv, &why) != MG_OK || mg_ber_next(&it, &svc, &why) != MG_OK)
		return false;
	if (mg_ber_is(&svc, MG_BER_CONTEXT, true, 4)) { /* read */
		mg_ber_iter_init(&in, svc.val, svc.len);
		while (mg_ber_next(&in, &e, &why) == MG_OK) {
			if (!mg_ber_is(&e, MG_BER_CONTEXT, true, 1))
				continue; /* [0] variableAccessSpecification */
			struct mg_ber_iter r;
			struct mg_ber_tlv a;
			mg_ber_iter_init(&r, e.val, e.len);
			if (mg_ber_next(&r, &a, &why) != MG_OK)
				return false;
			if (mg_ber_is(&a, MG_BER_CONTEXT, false, 0))
				return true; /* failure */
			if (mg_md_decode(a.val - a.hdr_len, a.hdr_len + a.len, v, &why) != MG_OK)
				return true;
			*ok = true;
			return true;
		}
		return false;
	}
	if (mg_ber_is(&svc, MG_BER_CONTEXT, true, 5)) { /* write */
		mg_ber_iter_init(&in, svc.val, svc.len);
		if (mg_ber_next(&in, &e, &why) != MG_OK)
			return false;
		*ok = mg_ber_is(&e, MG_BER_CONTEXT, false, 1);
		return true;
	}
	return false;
}

static bool leaf_is(const struct mg_mms_obj *o, const char *w, const char *fc_want)
{
	char dn[256];
	const uint8_t *fc, *leaf;
	uint16_t fcl, leafl;
	if (!do_name(o, dn, sizeof(dn), &fc, &fcl, &leaf, &leafl))
		return false;
	return comp_is(leaf, leafl, w) && (!fc_want || comp_is(fc, fcl, fc_want));
}

/* Cheap test before any splitting or hashing: does the item end in
 * "$<leaf>"? (Polling reads and reports must not pay for control.) */
static bool ends_with(const struct mg_mms_obj *o, const char *leaf)
{
	size_t n = strlen(leaf);
	return o->item && o->item_len > n && o->item[o->item_len - n - 1] == '$' &&
	       !memcmp(o->item + o->item_len - n, leaf, n);
}

static bool any_slot(const struct mg_ctl_state *c)
{
	for (unsigned i = 0; i < MG_CTL_SLOTS; i++)
		if (c->s[i].key)
			return true;
	return false;
}

static void on_request(struct mg_ctl_state *c, const struct mg_policy *p,
                       const struct mg_mms_pdu *m, uint64_t now)
{
	const struct mg_mms_obj *o = &m->obj[0];
	struct mg_ctl_slot *s;
	uint32_t to;
	if (m->service == MG_SVC_READ
	        ? !ends_with(o, "SBO") && !ends_with(o, "ctlModel")
	        : m->service != MG_SVC_WRITE ||
	              (o->iec_class != MG_IEC_SELECT_WITH_VALUE && o->iec_class != MG_IEC_OPERATE &&
	               o->iec_class != MG_IEC_CANCEL))
		return;
	uint64_t key = mg_ctl_key(o);
	if (!key)
		return;
	if (m->service == MG_SVC_READ) {
		if (leaf_is(o, "SBO", "CO")) {
			if ((s = slot_get(c, key, now))) {
				s->sel = MG_SEL_PENDING;
				s->sel_invoke = m->invoke_id;
				s->has_ctl_num = false;
				(void)model_of(c, p, o, key, &s->timeout_ms);
			}
		} else if (leaf_is(o, "ctlModel", "CF")) {
			if ((s = slot_get(c, key, now))) {
				s->model_pending = true;
				s->model_invoke = m->invoke_id;
			}
		}
		return;
	}
	if (m->service != MG_SVC_WRITE)
		return;
	switch (o->iec_class) {
	case MG_IEC_SELECT_WITH_VALUE: {
		if (!leaf_is(o, "SBOw", "CO") || !(s = slot_get(c, key, now)))
			return;
		struct mg_ctl_value cv;
		const uint8_t *e;
		size_t el;
		enum mg_reason why;
		s->sel = MG_SEL_PENDING;
		s->sel_invoke = m->invoke_id;
		s->has_ctl_num = false;
		(void)model_of(c, p, o, key, &s->timeout_ms);
		if (m->write_data &&
		    mg_md_elem(m->write_data, m->write_data_len, 0, &e, &el, &why) == MG_OK &&
		    mg_ctl_decode(e, el, true, &cv, &why) == MG_OK) {
			s->has_ctl_num = true;
			s->ctl_num = cv.ctl_num;
		}
		return;
	}
	case MG_IEC_OPERATE:
		s = slot_find(c, key);
		if (!s || s->sel != MG_SEL_ARMED || now >= s->expires_ns)
			return;
		uint8_t model = model_of(c, p, o, key, &to);
		s->sel = MG_SEL_OPERATING;
		s->sel_invoke = m->invoke_id;
		s->enhanced = model == MG_CTLM_SBO_ENH;
		s->expires_ns = now + (uint64_t)to * 1000000u;
		return;
	case MG_IEC_CANCEL:
		if ((s = slot_find(c, key)))
			s->sel = MG_SEL_NONE;
		return;
	default: return;
	}
}

static void on_answer(struct mg_ctl_state *c, const struct mg_ev *ev, uint64_t now)
{
	uint32_t id = ev->req->invoke_id;
	bool is_error = ev->mms->type != MG_MMS_CONFIRMED_RESPONSE;
	for (unsigned i = 0; i < MG_CTL_SLOTS; i++) {
		struct mg_ctl_slot *s = &c->s[i];
		if (!s->key)
			continue;
		bool sel =
		    (s->sel == MG_SEL_PENDING || s->sel == MG_SEL_OPERATING) && s->sel_invoke == id;
		bool mdl = s->model_pending && s->model_invoke == id;
		if (!sel && !mdl)
			continue;
		struct mg_md_val v;
		bool ok = false;
		if (!is_error)
			(void)first_result(ev->mms_bytes, ev->mms_len, &v, &ok);
		if (sel && s->sel == MG_SEL_PENDING) {
			/* SBO read: the object reference, non-empty; SBOw: success */
			bool armed = ok && (ev->req->service == MG_SVC_WRITE ||
			                    (v.type == MG_MD_VSTRING && v.raw_len > 0));
			if (armed) {
				s->sel = MG_SEL_ARMED;
				s->expires_ns = now + (uint64_t)s->timeout_ms * 1000000u;
				c->armed++;
			} else {
				s->sel = MG_SEL_NONE;
			}
		} else if (sel) { /* OPERATING */
			if (!s->enhanced || !ok)
				s->sel = MG_SEL_NONE;
		}
		if (mdl) {
			s->model_pending = false;
			if (ok && (v.type == MG_MD_INT || v.type == MG_MD_UINT) && v.ok) {
				int64_t x = v.type == MG_MD_INT ? v.v.i : (int64_t)v.v.u;
				if (x >= 0 && x <= 4) {
					s->model = x == 0 ? MG_CTLM_STATUS_ONLY : (uint8_t)x;
					c->learned++;
				}
			}
		}
	}
}

void mg_ctl_expire(struct mg_ctl_state *c, uint64_t now_ns)
{
	for (unsigned i = 0; i < MG_CTL_SLOTS; i++) {
		struct mg_ctl_slot *s = &c->s[i];
		if (s->key && (s->sel == MG_SEL_ARMED || s->sel == MG_SEL_OPERATING) &&
		    now_ns >= s->expires_ns) {
			if (s->sel == MG_SEL_ARMED)
				c->expired++; /* counted once: the slot is free now */
			s->sel = MG_SEL_NONE;
		}
	}
}

void mg_ctl_track(struct mg_ctl_state *c, const struct mg_policy *p, const struct mg_ev *ev,
                  uint64_t now_ns)
{
	if (!c || ev->kind != MG_EV_MMS || !ev->mms)
		return;
	const struct mg_mms_pdu *m = ev->mms;
	switch (m->type) {
	case MG_MMS_CONFIRMED_REQUEST:
		if (ev->dir == MG_DIR_C2S && m->has_invoke_id && m->nobj == 1 && !m->obj_truncated)
			on_request(c, p, m, now_ns);
		break;
	case MG_MMS_CONFIRMED_RESPONSE:
	case MG_MMS_CONFIRMED_ERROR:
		if (ev->dir == MG_DIR_S2C && ev->req && any_slot(c))
			on_answer(c, ev, now_ns);
		break;
	case MG_MMS_UNCONFIRMED:
		/* CommandTermination: a report naming …$CO$<DO>$Oper */
		if (ev->dir != MG_DIR_S2C || m->service != MG_SVC_INFORMATION_REPORT ||
		    !any_slot(c))
			break;
		for (uint16_t i = 0; i < m->nobj && i < MG_MMS_MAX_OBJS; i++) {
			struct mg_ctl_slot *s;
			if (ends_with(&m->obj[i], "Oper") && leaf_is(&m->obj[i], "Oper", "CO") &&
			    (s = slot_find(c, mg_ctl_key(&m->obj[i]))))
				s->sel = MG_SEL_NONE;
		}
		break;
	default: break;
	}
}
