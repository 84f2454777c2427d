/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The only place a verdict is made (the parsers only describe traffic).
 * Connection verdicts: both endpoints → set masks (one binary search each),
 * then the lowered ip rules in order, first match wins. MMS verdicts: the
 * rules in order, first match wins, evaluated once per object of a request;
 * the most severe result over the objects decides (deny > alert > allow).
 * Object patterns are answered by a per-worker, direct-mapped cache keyed by
 * (policy generation, name) holding the bitmap of object rules the name
 * matches; only a miss runs Hyperscan. Nothing here allocates, except the
 * one-time scratch preparation if a worker forgot to prepare it.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mg_ber.h"
#include "mg_policy_ctl.h"
#include "pol_internal.h"

/* ---- connections -------------------------------------------------------- */

static bool mask_hit(const struct mg_setmask *peer, const struct mg_setmask *rule)
{
	uint64_t x = 0;
	for (size_t i = 0; i < MG_POLICY_MAX_SETS / 64; i++)
		x |= peer->w[i] & rule->w[i];
	return x != 0;
}

enum mg_conn_verdict mg_policy_conn(const struct mg_policy *p, const struct mg_addr *client,
                                    const struct mg_addr *server, uint8_t ip_proto, uint16_t sport,
                                    uint16_t dport, struct mg_policy_peer *peer,
                                    uint32_t *rule_line)
{
	(void)sport;
	struct mg_policy_peer local;
	if (!peer)
		peer = &local;
	mg_pol_prefix_lookup(p, client, &peer->client_sets);
	mg_pol_prefix_lookup(p, server, &peer->server_sets);
	for (size_t i = 0; i < p->n_x_conn; i++) {
		const struct mg_pol_conn_rule *r = &p->x_conn[i];
		if (r->ip_proto && r->ip_proto != ip_proto)
			continue;
		if (dport < r->dport_lo || dport > r->dport_hi)
			continue;
		if (!r->client_any && !mask_hit(&peer->client_sets, &r->client))
			continue;
		if (!r->server_any && !mask_hit(&peer->server_sets, &r->server))
			continue;
		if (rule_line)
			*rule_line = r->line;
		return (enum mg_conn_verdict)r->verdict;
	}
	if (rule_line)
		*rule_line = 0;
	if (p->ip_default == MG_ACT_ALLOW)
		return ip_proto == 6 && dport == 102 ? MG_CONN_INSPECT : MG_CONN_ALLOW;
	return MG_CONN_DENY;
}

/* ---- scratch ------------------------------------------------------------- */

#define CACHE_SLOTS 1024 /* power of two */
#define CACHE_KEY   128  /* longer names are scanned every time */
#define PREP_GENS   8

struct cache_ent {
	uint64_t gen;
	uint32_t hash;
	uint16_t len;
	char key[CACHE_KEY];
};

struct scratch_state {
	hs_scratch_t *hs;
	size_t words; /* bitmap width of each cache entry */
	uint64_t gens[PREP_GENS];
	unsigned next_gen;
	struct cache_ent *ent;
	uint64_t *bits; /* CACHE_SLOTS + 1 rows (the last: uncached names) */
};

struct mg_policy_scratch {
	_Atomic(struct scratch_state *) cur;
	/* Buffers replaced by prepare are kept for two more prepares: a worker
	 * still using one has passed a quiescent point by then (the same grace
	 * period that frees the old policy). */
	struct scratch_state *retired[2];
};

static void state_free(struct scratch_state *st)
{
	if (!st)
		return;
	if (st->hs)
		hs_free_scratch(st->hs);
	free(st->ent);
	free(st->bits);
	free(st);
}

struct mg_policy_scratch *mg_policy_scratch_new(void)
{
	return calloc(1, sizeof(struct mg_policy_scratch));
}

void mg_policy_scratch_free(struct mg_policy_scratch *s)
{
	if (!s)
		return;
	state_free(atomic_load(&s->cur));
	state_free(s->retired[0]);
	state_free(s->retired[1]);
	free(s);
}

static bool state_has(const struct scratch_state *st, uint64_t gen)
{
	if (!st)
		return false;
	for (unsigned i = 0; i < PREP_GENS; i++)
		if (st->gens[i] == gen)
			return true;
	return false;
}

int mg_policy_scratch_prepare(struct mg_policy_scratch *s, const struct mg_policy *p)
{
	if (!s || !p)
		return -22;
	struct scratch_state *old = atomic_load(&s->cur);
	if (state_has(old, p->generation))
		return 0;
	struct scratch_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -12;
	if (old && old->hs && hs_clone_scratch(old->hs, &st->hs) != HS_SUCCESS)
		goto fail;
	if (p->hs && hs_alloc_scratch(p->hs, &st->hs) != HS_SUCCESS)
		goto fail;
	st->words = p->objwords;
	if (old && old->words > st->words)
		st->words = old->words;
	if (old) {
		memcpy(st->gens, old->gens, sizeof(st->gens));
		st->next_gen = old->next_gen;
	}
	st->gens[st->next_gen++ % PREP_GENS] = p->generation;
	st->ent = calloc(CACHE_SLOTS, sizeof(*st->ent));
	st->bits = calloc((CACHE_SLOTS + 1) * (st->words ? st->words : 1), sizeof(uint64_t));
	if (!st->ent || !st->bits)
		goto fail;
	atomic_store(&s->cur, st);
	state_free(s->retired[1]);
	s->retired[1] = s->retired[0];
	s->retired[0] = old;
	return 0;
fail:
	state_free(st);
	return -12;
}

/* ---- MMS ---------------------------------------------------------------- */

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* Object-rule bitmap for a name; NULL if unknown (treat conservatively). */
static const uint64_t *obj_bits(const struct mg_policy *p, struct scratch_state *st,
                                const char *name, size_t len)
{
	if (!st || st->words < p->objwords)
		return NULL;
	if (len > CACHE_KEY) {
		uint64_t *row = st->bits + (size_t)CACHE_SLOTS * st->words;
		return mg_pol_objmatch_scan(p, st->hs, name, len, row) ? NULL : row;
	}
	uint32_t h = name_hash(name, len);
	size_t slot = h & (CACHE_SLOTS - 1);
	struct cache_ent *e = &st->ent[slot];
	uint64_t *row = st->bits + slot * st->words;
	if (e->gen == p->generation && e->hash == h && e->len == len && !memcmp(e->key, name, len))
		return row;
	e->gen = 0;
	if (mg_pol_objmatch_scan(p, st->hs, name, len, row))
		return NULL;
	memcpy(e->key, name, len);
	e->len = (uint16_t)len;
	e->hash = h;
	e->gen = p->generation;
	return row;
}

/* The criteria of rule r that do not depend on the object name. */
static inline bool base_match(const struct mg_pol_mrule *r, const struct mg_policy_peer *peer,
                              uint16_t svc, uint8_t cls)
{
	if (r->from != MG_POL_SET_ANY && !mg_setmask_test(&peer->client_sets, r->from))
		return false;
	if (r->to != MG_POL_SET_ANY && !mg_setmask_test(&peer->server_sets, r->to))
		return false;
	if (!r->svc_any && (svc >= MG_SVC__COUNT || !((r->svc[svc / 64] >> (svc % 64)) & 1)))
		return false;
	if (!r->class_any && !((r->classes >> cls) & 1))
		return false;
	return true;
}

/* ---- value clauses ---------------------------------------------------------- */

/* What the value clauses of the rules look at, decoded at most once per
 * object and only when a rule with such a clause is reached. */
struct dctx {
	const struct mg_policy *p;
	const struct mg_mms_pdu *pdu;
	const struct mg_ctl_state *ctl;
	uint64_t now;
	int ndata; /* listOfData elements: -2 not counted yet, -1 broken */
	int obj;   /* object under evaluation, -1 PDU level */
	int8_t st; /* control decode of obj: 0 not yet, 1 ok, -1 undecodable */
	struct mg_ctl_value cv;
	const uint8_t *e; /* obj's Data element */
	size_t el;
};

static bool is_control_class(uint8_t c)
{
	return c == MG_IEC_OPERATE || c == MG_IEC_SELECT_WITH_VALUE || c == MG_IEC_CANCEL;
}

/* obj's Data element; false when the write's data cannot be paired with
 * its objects (a named variable list, a truncated or odd list). */
static bool elem_of(struct dctx *dc)
{
	const struct mg_mms_pdu *m = dc->pdu;
	enum mg_reason why;
	if (dc->e)
		return true;
	if (!m->write_data || dc->obj < 0 || m->obj_truncated)
		return false;
	if (dc->ndata == -2) {
		struct mg_ber_iter it;
		struct mg_ber_tlv t;
		enum mg_status st;
		int n = 0;
		mg_ber_iter_init(&it, m->write_data, m->write_data_len);
		while ((st = mg_ber_next(&it, &t, &why)) == MG_OK)
			n++;
		dc->ndata = st == MG_NEED_MORE ? n : -1;
	}
	if (dc->ndata != (int)m->nobj)
		return false;
	return mg_md_elem(m->write_data, m->write_data_len, (unsigned)dc->obj, &dc->e, &dc->el,
	                  &why) == MG_OK;
}

static bool ctl_of(struct dctx *dc)
{
	enum mg_reason why;
	if (dc->st == 0) {
		uint8_t cls = dc->pdu->obj[dc->obj].iec_class;
		dc->st = elem_of(dc) && mg_ctl_decode(dc->e, dc->el, cls != MG_IEC_CANCEL, &dc->cv,
		                                      &why) == MG_OK
		             ? 1
		             : -1;
	}
	return dc->st == 1;
}

static bool in_ranges(const struct mg_pol_range *r, unsigned n, double v)
{
	for (unsigned i = 0; i < n; i++)
		if (v >= r[i].lo && v <= r[i].hi)
			return true;
	return false;
}

static bool ctlval_match(const struct mg_pol_data *d, const struct mg_ctl_value *cv)
{
	switch (cv->ctlval_kind) {
	case MG_CTLVAL_BOOL: return (d->ctl_bool >> (cv->b ? 1 : 0)) & 1;
	case MG_CTLVAL_STEP: return (d->ctl_step >> (cv->step & 3)) & 1;
	default: return in_ranges(d->ctl_rng, d->n_ctl_rng, cv->f);
	}
}

static bool check_match(uint8_t want, const struct mg_ctl_value *cv)
{
	return ((want & MG_POLC_INTERLOCK) && cv->interlock) ||
	       ((want & MG_POLC_NO_INTERLOCK) && !cv->interlock) ||
	       ((want & MG_POLC_SYNCHRO) && cv->synchrocheck) ||
	       ((want & MG_POLC_NO_SYNCHRO) && !cv->synchrocheck);
}

/* value clause on a non-control write: 1 every numeric leaf in range,
 * 0 one outside, -1 undecodable or nothing numeric. */
static int values_in(struct dctx *dc, const struct mg_pol_data *d)
{
	struct mg_md_iter it;
	struct mg_md_val v;
	enum mg_reason why;
	enum mg_status st;
	int any = 0, all_in = 1;
	if (!elem_of(dc))
		return -1;
	mg_md_iter_init(&it, dc->e, dc->el);
	while ((st = mg_md_next(&it, &v, &why)) == MG_OK) {
		double x;
		if (v.type != MG_MD_INT && v.type != MG_MD_UINT && v.type != MG_MD_FLOAT)
			continue;
		if (!mg_md_number(&v, &x) || x != x)
			return -1;
		any = 1;
		if (!in_ranges(d->val_rng, d->n_val_rng, x))
			all_in = 0;
	}
	if (st != MG_NEED_MORE || !any)
		return -1;
	return all_in;
}

/* The value clauses of r against the object under evaluation. Clauses that
 * do not apply (a control clause on a non-control object, a value clause
 * on a read) do not match; what applies but cannot be decoded is judged as
 * the most restrictive rule would: a deny rule matches, others do not. */
static bool data_match(const struct mg_pol_mrule *r, struct dctx *dc)
{
	const struct mg_pol_data *d = &r->d;
	const bool restrictive = r->action == MG_ACT_DENY;
	if (dc->obj < 0)
		return false;
	const struct mg_mms_obj *o = &dc->pdu->obj[dc->obj];
	const bool ctl = is_control_class(o->iec_class) && dc->pdu->service == MG_SVC_WRITE;
	if (d->clauses & (MG_POLD_CTLVAL | MG_POLD_CHECK | MG_POLD_TEST | MG_POLD_ORIGIN)) {
		if (!ctl)
			return false;
		if (!ctl_of(dc))
			return restrictive;
		const struct mg_ctl_value *cv = &dc->cv;
		if ((d->clauses & MG_POLD_CTLVAL) &&
		    (!cv->ctlval_ok ? !restrictive : !ctlval_match(d, cv)))
			return false;
		if ((d->clauses & MG_POLD_CHECK) && (!cv->has_check || !check_match(d->check, cv)))
			return false;
		if ((d->clauses & MG_POLD_TEST) && cv->test != d->test)
			return false;
		if ((d->clauses & MG_POLD_ORIGIN) &&
		    (cv->or_cat < 0 || cv->or_cat > 15 || !((d->origin >> cv->or_cat) & 1)))
			return false;
	}
	if ((d->clauses & MG_POLD_SELECT) && o->iec_class == MG_IEC_OPERATE) {
		bool have = ctl_of(dc);
		if (!mg_ctl_select_ok(dc->ctl, dc->p, o, have, have ? dc->cv.ctl_num : 0, dc->now))
			return false;
	}
	if (d->clauses & MG_POLD_VALUE) {
		int in;
		if (dc->pdu->service != MG_SVC_WRITE)
			return false;
		if (ctl) /* a control's value is its ctlVal */
			in = ctl_of(dc) && dc->cv.ctlval_ok
			         ? in_ranges(d->val_rng, d->n_val_rng, dc->cv.f)
			         : -1;
		else
			in = values_in(dc, d);
		if (in < 0)
			return restrictive;
		if ((in == 1) == d->value_not)
			return false;
	}
	return true;
}

/* Exact evaluation: the rules without objects, merged in rule order with
 * the object rules whose patterns the name matched (bits; NULL = no
 * object). Cost grows with the rules that can match, not with the number
 * of patterns in the policy. */
static int eval_known(const struct mg_policy *p, const struct mg_policy_peer *peer, uint16_t svc,
                      uint8_t cls, const uint64_t *bits, uint8_t *action, struct dctx *dc)
{
	size_t ip = 0, w = 0;
	uint64_t cur = bits && p->objwords ? bits[0] : 0;
	for (;;) {
		while (bits && !cur && ++w < p->objwords)
			cur = bits[w];
		uint32_t next_obj = UINT32_MAX;
		if (cur)
			next_obj = p->objrule_rule[w * 64 + (size_t)__builtin_ctzll(cur)];
		uint32_t next_plain = ip < p->n_plain ? p->plain_rule[ip] : UINT32_MAX;
		uint32_t i;
		if (next_plain < next_obj) {
			i = next_plain;
			ip++;
		} else if (next_obj != UINT32_MAX) {
			i = next_obj;
			cur &= cur - 1;
		} else {
			break;
		}
		const struct mg_pol_mrule *r = &p->mms[i];
		if (base_match(r, peer, svc, cls) && (!r->d.clauses || data_match(r, dc))) {
			*action = r->action;
			return (int)i;
		}
	}
	*action = p->mms_default;
	return -1;
}

/* Conservative evaluation of an object whose name is not known (truncated
 * list, overlong name, no scratch): the most severe action any rule could
 * give it, walking until a rule that matches whatever the name is. */
static int eval_unknown(const struct mg_policy *p, const struct mg_policy_peer *peer, uint16_t svc,
                        uint8_t *action)
{
	unsigned worst = 0;
	int worst_rule = -2;
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		if (r->from != MG_POL_SET_ANY && !mg_setmask_test(&peer->client_sets, r->from))
			continue;
		if (r->to != MG_POL_SET_ANY && !mg_setmask_test(&peer->server_sets, r->to))
			continue;
		if (!r->svc_any &&
		    (svc >= MG_SVC__COUNT || !((r->svc[svc / 64] >> (svc % 64)) & 1)))
			continue;
		bool maybe = !r->class_any || r->objrule >= 0 || r->d.clauses;
		if (!maybe) {
			if (worst_rule == -2 || mg_action_severity(r->action) >= worst) {
				*action = r->action;
				return (int)i;
			}
			*action = (uint8_t)(worst == 2 ? MG_ACT_DENY : MG_ACT_ALERT);
			return worst_rule;
		}
		if (worst_rule == -2 || mg_action_severity(r->action) > worst) {
			worst = mg_action_severity(r->action);
			worst_rule = (int)i;
		}
	}
	if (worst_rule == -2 || mg_action_severity(p->mms_default) >= worst) {
		*action = p->mms_default;
		return -1;
	}
	*action = (uint8_t)(worst == 2 ? MG_ACT_DENY : MG_ACT_ALERT);
	return worst_rule;
}

/* "domain/item" as the patterns see it (see objmatch.c / DESIGN.md). */
static size_t obj_name(const struct mg_mms_obj *o, char *buf, size_t cap, bool *overlong)
{
	size_t n = 0;
	*overlong = false;
	if ((o->scope == MG_OBJ_DOMAIN || o->scope == MG_OBJ_DOMAIN_NAME) && o->domain) {
		if ((size_t)o->domain_len + 1 > cap) {
			*overlong = true;
			return 0;
		}
		memcpy(buf, o->domain, o->domain_len);
		n = o->domain_len;
		buf[n++] = '/';
	}
	if (o->scope != MG_OBJ_DOMAIN_NAME && o->item) {
		if (n + (size_t)o->item_len > cap) {
			*overlong = true;
			return 0;
		}
		memcpy(buf + n, o->item, o->item_len);
		n += o->item_len;
	}
	return n;
}

static uint16_t pdu_service(const struct mg_mms_pdu *pdu)
{
	if (pdu->service != MG_SVC_NONE)
		return pdu->service;
	switch (pdu->type) {
	case MG_MMS_INITIATE_REQUEST: return MG_SVC_INITIATE;
	case MG_MMS_CONCLUDE_REQUEST: return MG_SVC_CONCLUDE;
	case MG_MMS_CANCEL_REQUEST: return MG_SVC_CANCEL;
	default: return MG_SVC_NONE;
	}
}

static void take(struct mg_verdict *v, const struct mg_policy *p, uint8_t action, int rule,
                 int16_t obj, bool *first)
{
	if (!*first && mg_action_severity(action) <= mg_action_severity(v->action))
		return;
	*first = false;
	v->action = action;
	v->rule_index = rule;
	v->obj_index = obj;
	if (rule >= 0) {
		const struct mg_pol_mrule *r = &p->mms[rule];
		v->deny_mode = r->deny_mode;
		v->log = r->log || action == MG_ACT_ALERT;
		v->rule_line = r->line;
		v->rule_name = r->name;
	} else {
		v->deny_mode = p->mms_default_deny_mode;
		v->log = p->mms_default_log || action == MG_ACT_ALERT;
		v->rule_line = 0;
		v->rule_name = NULL;
	}
}

void mg_policy_mms_verdict(const struct mg_policy *p, struct mg_policy_scratch *s,
                           const struct mg_policy_peer *peer, bool from_client,
                           const struct mg_mms_pdu *pdu, struct mg_verdict *v)
{
	mg_policy_mms_verdict_ctl(p, s, peer, from_client, pdu, NULL, 0, v);
}

void mg_policy_mms_verdict_ctl(const struct mg_policy *p, struct mg_policy_scratch *s,
                               const struct mg_policy_peer *peer, bool from_client,
                               const struct mg_mms_pdu *pdu, const struct mg_ctl_state *ctl,
                               uint64_t now_ns, struct mg_verdict *v)
{
	(void)from_client;
	memset(v, 0, sizeof(*v));
	if (!p || !pdu) { /* fail closed */
		v->action = MG_ACT_DENY;
		v->rule_index = -1;
		v->obj_index = -1;
		return;
	}
	struct mg_policy_peer nopeer;
	if (!peer) {
		memset(&nopeer, 0, sizeof(nopeer));
		peer = &nopeer;
	}
	v->action = MG_ACT_ALLOW;
	v->monitor = p->mode == MG_MODE_MONITOR;
	v->rule_index = -1;
	v->obj_index = -1;
	switch (pdu->type) {
	case MG_MMS_CONFIRMED_REQUEST:
	case MG_MMS_UNCONFIRMED:
	case MG_MMS_CANCEL_REQUEST:
	case MG_MMS_INITIATE_REQUEST:
	case MG_MMS_CONCLUDE_REQUEST: break;
	default: return; /* responses, errors, rejects: the engine judges pairing */
	}
	struct scratch_state *st = NULL;
	if (p->n_objrules && s) {
		st = atomic_load_explicit(&s->cur, memory_order_acquire);
		if (!state_has(st, p->generation)) {
			mg_policy_scratch_prepare(s, p); /* one-time, allocates */
			st = atomic_load_explicit(&s->cur, memory_order_acquire);
			if (!state_has(st, p->generation))
				st = NULL;
		}
	}
	uint16_t svc = pdu_service(pdu);
	bool first = true;
	uint8_t a;
	int rule;
	struct dctx dc = {.p = p, .pdu = pdu, .ctl = ctl, .now = now_ns, .ndata = -2, .obj = -1};
	uint16_t nobj = pdu->nobj > MG_MMS_MAX_OBJS ? MG_MMS_MAX_OBJS : pdu->nobj;
	if (nobj == 0 && !pdu->obj_truncated) {
		rule = eval_known(p, peer, svc, pdu->iec_class, NULL, &a, &dc);
		take(v, p, a, rule, -1, &first);
		return;
	}
	char name[320];
	for (uint16_t i = 0; i < nobj; i++) {
		const struct mg_mms_obj *o = &pdu->obj[i];
		bool overlong;
		size_t n = obj_name(o, name, sizeof(name), &overlong);
		uint8_t cls = o->iec_class ? o->iec_class : pdu->iec_class;
		const uint64_t *bits = NULL;
		static const uint64_t none[1] = {0};
		if (p->n_objrules == 0)
			bits = none;
		else if (!overlong)
			bits = obj_bits(p, st, name, n);
		dc.obj = i;
		dc.st = 0;
		dc.e = NULL;
		if (bits)
			rule = eval_known(p, peer, svc, cls, p->n_objrules ? bits : NULL, &a, &dc);
		else
			rule = eval_unknown(p, peer, svc, &a);
		take(v, p, a, rule, (int16_t)i, &first);
		if (v->action == MG_ACT_DENY)
			return;
	}
	if (pdu->obj_truncated) {
		rule = eval_unknown(p, peer, svc, &a);
		take(v, p, a, rule, -1, &first);
	}
}
