/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The named variable list table (see mg_varlist.h for what is learnt and
 * why it is shared): a chained hash table over a fixed array of entries,
 * one writer at a time (spinlock), lock-free readers (seqlock), plus a
 * compact array of the IEDs with open associations, so that an IED's lists
 * are forgotten when its last association closes.
 *
 * Readers may see an entry mid-change; they never act on what they read
 * unless the sequence counter is unchanged and even afterwards, and every
 * index they follow is bounds-checked and every chain walk bounded, so a
 * torn read costs a retry, never a wild access.
 */
#include "mg_varlist.h"

#include <stdlib.h>
#include <string.h>

#include "mg_iec61850.h"

enum { VL_FREE = 0, VL_TENT_DEFINE, VL_TENT_ATTR, VL_LIVE };

/* Member record in an arena: kind, scope, alt, dlen, ilen (2, BE), domain, item. */
#define VL_REC_HDR 6

struct vl_entry {
	uint32_t next; /* chain (bucket) or free list: index + 1, 0 = end */
	uint8_t state;
	uint8_t scope; /* MG_OBJ_VMD / DOMAIN / AA */
	uint8_t nmem;
	uint8_t ver;
	uint8_t addr[16];
	uint64_t assoc; /* aa-specific: the association; 0 otherwise */
	uint64_t owner; /* tentative: the association that asked */
	uint32_t owner_invoke;
	uint32_t hash;
	uint8_t dom_len, name_len;
	uint16_t used;
	char dom[MG_VL_NAME_MAX];
	char name[MG_VL_NAME_MAX];
	uint8_t arena[MG_VL_ARENA];
};

struct vl_ied {
	uint8_t ver;
	uint8_t addr[16];
	uint32_t nassoc;
};

struct mg_vl_table {
	atomic_flag lock;
	_Atomic uint64_t seq;
	uint32_t cap, nbuckets, live;
	uint32_t free_head;
	_Atomic uint32_t *bucket;
	struct vl_entry *e;
	uint32_t nied;
	struct vl_ied *ied;
	_Atomic uint64_t next_assoc;
	struct {
		_Atomic uint64_t learned, forgotten, expanded, unknown, table_full, too_big,
			ied_full, read_retry_out;
	} st;
};

#define CTR(t, f) atomic_fetch_add_explicit(&(t)->st.f, 1, memory_order_relaxed)

struct mg_vl_table *mg_vl_table_new(uint32_t cap)
{
	struct mg_vl_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (cap == 0)
		cap = MG_VL_DEFAULT_CAP;
	t->cap = cap;
	t->nbuckets = 1;
	while (t->nbuckets < cap)
		t->nbuckets <<= 1;
	t->bucket = calloc(t->nbuckets, sizeof(*t->bucket));
	t->e = calloc(cap, sizeof(*t->e));
	t->ied = calloc(MG_VL_MAX_IEDS, sizeof(*t->ied));
	if (!t->bucket || !t->e || !t->ied) {
		mg_vl_table_free(t);
		return NULL;
	}
	atomic_flag_clear(&t->lock);
	for (uint32_t i = 0; i < cap; i++)
		t->e[i].next = i + 2 <= cap ? i + 2 : 0;
	t->free_head = 1;
	atomic_store(&t->next_assoc, 1);
	return t;
}

void mg_vl_table_free(struct mg_vl_table *t)
{
	if (!t)
		return;
	free((void *)t->bucket);
	free(t->e);
	free(t->ied);
	free(t);
}

void mg_vl_stats(const struct mg_vl_table *t, struct mg_vl_stats *o)
{
	struct mg_vl_table *m = (struct mg_vl_table *)t;

	memset(o, 0, sizeof(*o));
	if (!t)
		return;
	o->learned = atomic_load(&m->st.learned);
	o->forgotten = atomic_load(&m->st.forgotten);
	o->expanded = atomic_load(&m->st.expanded);
	o->unknown = atomic_load(&m->st.unknown);
	o->table_full = atomic_load(&m->st.table_full);
	o->too_big = atomic_load(&m->st.too_big);
	o->ied_full = atomic_load(&m->st.ied_full);
	o->read_retry_out = atomic_load(&m->st.read_retry_out);
}

uint32_t mg_vl_count(const struct mg_vl_table *t)
{
	return t ? t->live : 0;
}

/* ---- writer side -------------------------------------------------------- */

static void wlock(struct mg_vl_table *t)
{
	while (atomic_flag_test_and_set_explicit(&t->lock, memory_order_acquire))
		__builtin_ia32_pause();
	/* odd: a change is in progress */
	atomic_fetch_add_explicit(&t->seq, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static void wunlock(struct mg_vl_table *t)
{
	atomic_fetch_add_explicit(&t->seq, 1, memory_order_release);
	atomic_flag_clear_explicit(&t->lock, memory_order_release);
}

static uint32_t key_hash(uint8_t ver, const uint8_t *addr, uint8_t scope, uint64_t assoc,
			 const uint8_t *dom, size_t dl, const uint8_t *name, size_t nl)
{
	uint32_t h = 2166136261u;
	uint8_t hdr[3] = {ver, scope, (uint8_t)dl};

#define MIX(p, n)                                                                                  \
	for (size_t i_ = 0; i_ < (n); i_++)                                                        \
		h = (h ^ ((const uint8_t *)(p))[i_]) * 16777619u;
	MIX(hdr, 3);
	MIX(addr, 16);
	MIX(&assoc, sizeof(assoc));
	MIX(dom, dl);
	MIX(name, nl);
#undef MIX
	return h ^ (h >> 15);
}

static bool key_eq(const struct vl_entry *e, uint8_t ver, const uint8_t *addr, uint8_t scope,
		   uint64_t assoc, const uint8_t *dom, size_t dl, const uint8_t *name, size_t nl)
{
	return e->ver == ver && e->scope == scope && e->assoc == assoc && e->dom_len == dl &&
	       e->name_len == nl && memcmp(e->addr, addr, 16) == 0 &&
	       memcmp(e->dom, dom, dl) == 0 && memcmp(e->name, name, nl) == 0;
}

/* Unlink entry i (0-based) from its bucket chain and free it. */
static void entry_free(struct mg_vl_table *t, uint32_t i)
{
	struct vl_entry *e = &t->e[i];
	_Atomic uint32_t *link = &t->bucket[e->hash & (t->nbuckets - 1)];
	uint32_t cur = atomic_load_explicit(link, memory_order_relaxed);
	struct vl_entry *prev = NULL;

	while (cur && cur != i + 1) {
		prev = &t->e[cur - 1];
		cur = prev->next;
	}
	if (cur) {
		if (prev)
			prev->next = e->next;
		else
			atomic_store_explicit(link, e->next, memory_order_relaxed);
	}
	if (e->state == VL_LIVE) {
		t->live--;
		CTR(t, forgotten);
	}
	e->state = VL_FREE;
	e->next = t->free_head;
	t->free_head = i + 1;
}

static uint32_t entry_alloc(struct mg_vl_table *t)
{
	uint32_t i = t->free_head;

	if (!i)
		return 0;
	t->free_head = t->e[i - 1].next;
	return i;
}

/* Insert entry i+1 (filled) at the head of its chain. */
static void entry_link(struct mg_vl_table *t, uint32_t idx1)
{
	struct vl_entry *e = &t->e[idx1 - 1];
	_Atomic uint32_t *link = &t->bucket[e->hash & (t->nbuckets - 1)];

	e->next = atomic_load_explicit(link, memory_order_relaxed);
	atomic_store_explicit(link, idx1, memory_order_relaxed);
}

/* Forget every list (any state) matching the key. */
static void remove_key(struct mg_vl_table *t, uint8_t ver, const uint8_t *addr, uint8_t scope,
		       uint64_t assoc, const uint8_t *dom, size_t dl, const uint8_t *name, size_t nl)
{
	uint32_t h = key_hash(ver, addr, scope, assoc, dom, dl, name, nl);
	uint32_t cur = atomic_load_explicit(&t->bucket[h & (t->nbuckets - 1)], memory_order_relaxed);

	while (cur) {
		struct vl_entry *e = &t->e[cur - 1];
		uint32_t nx = e->next;

		if (e->hash == h && key_eq(e, ver, addr, scope, assoc, dom, dl, name, nl))
			entry_free(t, cur - 1);
		cur = nx;
	}
}

/* Forget LIVE lists with the key except entry keep (1-based). */
static void remove_live_except(struct mg_vl_table *t, const struct vl_entry *k, uint32_t keep)
{
	uint32_t cur = atomic_load_explicit(&t->bucket[k->hash & (t->nbuckets - 1)],
					    memory_order_relaxed);

	while (cur) {
		struct vl_entry *e = &t->e[cur - 1];
		uint32_t nx = e->next;

		if (cur != keep && e->state == VL_LIVE && e->hash == k->hash &&
		    key_eq(e, k->ver, k->addr, k->scope, k->assoc, (const uint8_t *)k->dom,
			   k->dom_len, (const uint8_t *)k->name, k->name_len))
			entry_free(t, cur - 1);
		cur = nx;
	}
}

static bool same_ied(const struct vl_entry *e, const struct mg_vl_conn *vc)
{
	return e->ver == vc->ver && memcmp(e->addr, vc->addr, 16) == 0;
}

void mg_vl_bind(struct mg_vl_table *t, struct mg_vl_conn *vc, uint8_t ver, const uint8_t *addr)
{
	memset(vc, 0, sizeof(*vc));
	if (!t)
		return;
	vc->ver = ver;
	memcpy(vc->addr, addr, ver == 6 ? 16 : 4);
	wlock(t);
	uint32_t i;

	for (i = 0; i < t->nied; i++)
		if (t->ied[i].ver == ver && memcmp(t->ied[i].addr, vc->addr, 16) == 0)
			break;
	if (i == t->nied) {
		if (t->nied == MG_VL_MAX_IEDS) {
			wunlock(t);
			CTR(t, ied_full);
			return;
		}
		t->ied[i].ver = ver;
		memcpy(t->ied[i].addr, vc->addr, 16);
		t->ied[i].nassoc = 0;
		t->nied++;
	}
	t->ied[i].nassoc++;
	vc->assoc = atomic_fetch_add(&t->next_assoc, 1);
	wunlock(t);
}

void mg_vl_unbind(struct mg_vl_table *t, struct mg_vl_conn *vc)
{
	if (!t || !vc->assoc)
		return;
	wlock(t);
	uint32_t i;
	bool last = false;

	for (i = 0; i < t->nied; i++)
		if (t->ied[i].ver == vc->ver && memcmp(t->ied[i].addr, vc->addr, 16) == 0)
			break;
	if (i < t->nied && --t->ied[i].nassoc == 0) {
		last = true;
		t->ied[i] = t->ied[--t->nied];
	}
	for (uint32_t k = 0; k < t->cap; k++) {
		struct vl_entry *e = &t->e[k];

		if (e->state == VL_FREE || !same_ied(e, vc))
			continue;
		if (last || e->assoc == vc->assoc ||
		    (e->state != VL_LIVE && e->owner == vc->assoc))
			entry_free(t, k);
	}
	wunlock(t);
	vc->assoc = 0;
}

/* ---- reader side -------------------------------------------------------- */

/* Copy the members of a LIVE list into *out; false when unknown. */
static bool lookup(struct mg_vl_table *t, const struct mg_vl_conn *vc, const struct mg_mms_obj *o,
		   struct mg_vl_copy *out)
{
	uint8_t scope = o->scope;
	uint64_t assoc = scope == MG_OBJ_AA ? vc->assoc : 0;
	size_t dl = scope == MG_OBJ_DOMAIN ? o->domain_len : 0;
	const uint8_t *dom = scope == MG_OBJ_DOMAIN ? o->domain : (const uint8_t *)"";

	if (dl > MG_VL_NAME_MAX || o->item_len > MG_VL_NAME_MAX || !o->item)
		return false;
	uint32_t h = key_hash(vc->ver, vc->addr, scope, assoc, dom, dl, o->item, o->item_len);

	for (unsigned tries = 0; tries < MG_VL_READ_TRIES; tries++) {
		uint64_t s1 = atomic_load_explicit(&t->seq, memory_order_acquire);
		bool found = false;

		if (s1 & 1) {
			__builtin_ia32_pause();
			continue;
		}
		uint32_t cur = atomic_load_explicit(&t->bucket[h & (t->nbuckets - 1)],
						    memory_order_relaxed);
		for (uint32_t steps = 0; cur && cur <= t->cap && steps < t->cap; steps++) {
			const struct vl_entry *e = &t->e[cur - 1];

			if (e->state == VL_LIVE && e->hash == h &&
			    key_eq(e, vc->ver, vc->addr, scope, assoc, dom, dl, o->item,
				   o->item_len)) {
				uint16_t used = e->used;

				if (used > MG_VL_ARENA)
					break; /* torn: the retry decides */
				out->nmem = e->nmem;
				out->used = used;
				memcpy(out->arena, e->arena, used);
				found = true;
				break;
			}
			cur = e->next;
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&t->seq, memory_order_relaxed) == s1)
			return found;
	}
	CTR(t, read_retry_out);
	return false;
}

/* ---- learning ----------------------------------------------------------- */

/* Serialise members obj[from..n) into e's arena; false when they do not fit. */
static bool fill_members(struct vl_entry *e, const struct mg_mms_pdu *pdu, unsigned from)
{
	unsigned n = pdu->nobj;

	e->nmem = 0;
	e->used = 0;
	if (pdu->obj_truncated || n - from > MG_VL_MAX_MEMBERS)
		return false;
	for (unsigned i = from; i < n; i++) {
		const struct mg_mms_obj *m = &pdu->obj[i];
		size_t dl = m->domain ? m->domain_len : 0, il = m->item ? m->item_len : 0;

		if (dl > 255 || (size_t)e->used + VL_REC_HDR + dl + il > MG_VL_ARENA)
			return false;
		uint8_t *r = e->arena + e->used;

		r[0] = m->kind;
		r[1] = m->scope;
		r[2] = m->alt_access;
		r[3] = (uint8_t)dl;
		r[4] = (uint8_t)(il >> 8);
		r[5] = (uint8_t)il;
		if (dl)
			memcpy(r + VL_REC_HDR, m->domain, dl);
		if (il)
			memcpy(r + VL_REC_HDR + dl, m->item, il);
		e->used = (uint16_t)(e->used + VL_REC_HDR + dl + il);
		e->nmem++;
	}
	return true;
}

/* Key fields of a list named by o, for the association vc. */
static bool key_of(const struct mg_vl_conn *vc, const struct mg_mms_obj *o, struct vl_entry *k)
{
	if (o->kind != MG_OBJK_VARLIST || !o->item || o->item_len > MG_VL_NAME_MAX ||
	    (o->scope != MG_OBJ_VMD && o->scope != MG_OBJ_DOMAIN && o->scope != MG_OBJ_AA))
		return false;
	if (o->scope == MG_OBJ_DOMAIN && (!o->domain || o->domain_len > MG_VL_NAME_MAX))
		return false;
	k->ver = vc->ver;
	memcpy(k->addr, vc->addr, 16);
	k->scope = o->scope;
	k->assoc = o->scope == MG_OBJ_AA ? vc->assoc : 0;
	k->dom_len = o->scope == MG_OBJ_DOMAIN ? (uint8_t)o->domain_len : 0;
	if (k->dom_len)
		memcpy(k->dom, o->domain, k->dom_len);
	k->name_len = (uint8_t)o->item_len;
	memcpy(k->name, o->item, o->item_len);
	k->hash = key_hash(k->ver, k->addr, k->scope, k->assoc, (const uint8_t *)k->dom,
			   k->dom_len, (const uint8_t *)k->name, k->name_len);
	return true;
}

/* Forget every list of the IED (any scope: a wide delete, or a list name
 * we could not key). */
static void remove_ied(struct mg_vl_table *t, const struct mg_vl_conn *vc)
{
	for (uint32_t k = 0; k < t->cap; k++)
		if (t->e[k].state != VL_FREE && same_ied(&t->e[k], vc))
			entry_free(t, k);
}

/* A define or attributes request: a tentative entry owned by (assoc,
 * invokeID), found again through the pending request's cookie. */
static void tentative(struct mg_vl_table *t, const struct mg_vl_conn *vc,
		      const struct mg_mms_pdu *pdu, struct mg_pending *pend, bool define)
{
	struct vl_entry k;
	struct mg_pending_req *r = pdu->has_invoke_id ? mg_pending_find(pend, pdu->invoke_id) : NULL;

	if (!key_of(vc, &pdu->obj[0], &k)) {
		/* A name too long to key is never found by a lookup either. */
		if (define)
			CTR(t, too_big);
		return;
	}
	wlock(t);
	if (define) /* redefinition: whatever we knew under this name is void */
		remove_key(t, k.ver, k.addr, k.scope, k.assoc, (const uint8_t *)k.dom, k.dom_len,
			   (const uint8_t *)k.name, k.name_len);
	if (!r) { /* not recorded (pending table full): cannot pair the answer */
		wunlock(t);
		return;
	}
	uint32_t idx = entry_alloc(t);

	if (!idx) {
		wunlock(t);
		CTR(t, table_full);
		return;
	}
	struct vl_entry *e = &t->e[idx - 1];

	memcpy(e->addr, k.addr, 16);
	e->ver = k.ver;
	e->scope = k.scope;
	e->assoc = k.assoc;
	e->dom_len = k.dom_len;
	memcpy(e->dom, k.dom, k.dom_len);
	e->name_len = k.name_len;
	memcpy(e->name, k.name, k.name_len);
	e->hash = k.hash;
	e->owner = vc->assoc;
	e->owner_invoke = pdu->invoke_id;
	e->state = define ? VL_TENT_DEFINE : VL_TENT_ATTR;
	e->nmem = 0;
	e->used = 0;
	if (define && !fill_members(e, pdu, 1)) {
		e->state = VL_FREE;
		e->next = t->free_head;
		t->free_head = idx;
		wunlock(t);
		CTR(t, too_big);
		return;
	}
	entry_link(t, idx);
	r->cookie = idx;
	wunlock(t);
}

/* The IED answered a define / attributes request. */
static void answer(struct mg_vl_table *t, const struct mg_vl_conn *vc, const struct mg_mms_pdu *pdu,
		   const struct mg_pending_req *req)
{
	uint32_t idx = req->cookie;

	if (!idx || idx > t->cap)
		return;
	wlock(t);
	struct vl_entry *e = &t->e[idx - 1];
	bool mine = e->state != VL_FREE && e->state != VL_LIVE && e->owner == vc->assoc &&
		    e->owner_invoke == req->invoke_id;

	if (!mine) {
		wunlock(t);
		return;
	}
	bool ok = pdu->type == MG_MMS_CONFIRMED_RESPONSE && pdu->service == req->service;

	if (ok && e->state == VL_TENT_ATTR && !fill_members(e, pdu, 0)) {
		ok = false;
		CTR(t, too_big);
	}
	if (!ok) {
		entry_free(t, idx - 1);
		wunlock(t);
		return;
	}
	remove_live_except(t, e, idx);
	e->state = VL_LIVE;
	t->live++;
	wunlock(t);
	CTR(t, learned);
}

/* The IED answered a deleteNamedVariableList with success: forget what it
 * deleted. Only the answer counts: a delete the policy refused never
 * reached the IED, and one the IED refused deleted nothing, so neither may
 * make the gate forget a list other clients rely on. The request's name is
 * known through the keyed hash mg_pending kept of its first object; a
 * request naming several lists, a domain or a name we cannot key forgets
 * all of the IED's lists (unknown is the conservative side). */
static void deleted(struct mg_vl_table *t, const struct mg_vl_conn *vc,
		    const struct mg_pending_req *req)
{
	bool one = req->nobj == 1 && req->first_kind == MG_OBJK_VARLIST &&
		   (req->first_scope == MG_OBJ_VMD || req->first_scope == MG_OBJ_DOMAIN ||
		    req->first_scope == MG_OBJ_AA);

	wlock(t);
	if (!one) {
		remove_ied(t, vc);
		wunlock(t);
		return;
	}
	for (uint32_t k = 0; k < t->cap; k++) {
		const struct vl_entry *e = &t->e[k];

		if (e->state != VL_LIVE || !same_ied(e, vc) || e->scope != req->first_scope ||
		    (e->scope == MG_OBJ_AA && e->assoc != vc->assoc))
			continue;
		struct mg_mms_obj o = {
			.kind = MG_OBJK_VARLIST,
			.scope = e->scope,
			.domain = e->dom_len ? (const uint8_t *)e->dom : NULL,
			.domain_len = e->dom_len,
			.item = (const uint8_t *)e->name,
			.item_len = e->name_len,
		};
		if (mg_pending_obj_hash(&o) == req->obj_hash)
			entry_free(t, k);
	}
	wunlock(t);
}

/* ---- expansion ---------------------------------------------------------- */

static void expand(struct mg_vl_table *t, const struct mg_vl_conn *vc, struct mg_mms_pdu *pdu,
		   struct mg_vl_copy *copy)
{
	struct mg_mms_obj *lo = &pdu->obj[0];

	if (!lookup(t, vc, lo, copy)) {
		CTR(t, unknown);
		return;
	}
	uint8_t max = MG_IEC_NONE;
	uint16_t off = 0;

	for (unsigned i = 0; i < copy->nmem; i++) {
		if (off + VL_REC_HDR > copy->used)
			break;
		const uint8_t *r = copy->arena + off;
		size_t dl = r[3], il = (size_t)r[4] << 8 | r[5];

		if (off + VL_REC_HDR + dl + il > copy->used)
			break;
		struct mg_mms_obj m = {
			.kind = r[0],
			.scope = r[1],
			.alt_access = r[2],
			.domain_len = (uint16_t)dl,
			.item_len = (uint16_t)il,
			.domain = dl || r[1] == MG_OBJ_DOMAIN ? r + VL_REC_HDR : NULL,
			.item = il || r[0] == MG_OBJK_FILE ? r + VL_REC_HDR + dl : NULL,
		};
		off = (uint16_t)(off + VL_REC_HDR + dl + il);
		m.iec_class = mg_iec_obj_class(pdu, &m);
		if (m.iec_class > max)
			max = m.iec_class;
		if (pdu->nobj < MG_MMS_MAX_OBJS) {
			pdu->obj[pdu->nobj++] = m;
		} else {
			pdu->obj_truncated = true;
			if (m.iec_class > pdu->iec_class_dropped)
				pdu->iec_class_dropped = m.iec_class;
		}
	}
	/* An empty list reaches nothing beyond the service itself. */
	lo->iec_class = max != MG_IEC_NONE ? max : mg_iec_svc_class(pdu);
	uint8_t pc = MG_IEC_NONE;

	for (unsigned i = 0; i < pdu->nobj; i++)
		if (pdu->obj[i].iec_class > pc)
			pc = pdu->obj[i].iec_class;
	if (pdu->obj_truncated && pdu->iec_class_dropped > pc)
		pc = pdu->iec_class_dropped;
	pdu->iec_class = pc;
	CTR(t, expanded);
}

void mg_vl_observe(struct mg_vl_table *t, const struct mg_vl_conn *vc, uint8_t dir,
		   struct mg_mms_pdu *pdu, const struct mg_pending_req *answered,
		   struct mg_pending *pend, struct mg_vl_copy *copy)
{
	if (!t || !vc->assoc)
		return;
	if (pdu->type == MG_MMS_CONFIRMED_REQUEST && dir == 0 /* client → IED */) {
		switch (pdu->service) {
		case MG_SVC_READ:
		case MG_SVC_WRITE:
			if (pdu->nobj == 1 && pdu->obj[0].kind == MG_OBJK_VARLIST)
				expand(t, vc, pdu, copy);
			break;
		case MG_SVC_DEFINE_NAMED_VAR_LIST:
			if (pdu->nobj >= 1)
				tentative(t, vc, pdu, pend, true);
			break;
		case MG_SVC_GET_NAMED_VAR_LIST_ATTR:
			if (pdu->nobj == 1)
				tentative(t, vc, pdu, pend, false);
			break;
		default:
			break;
		}
		return;
	}
	if (dir == 1 && answered && answered->service == MG_SVC_DELETE_NAMED_VAR_LIST) {
		if (pdu->type == MG_MMS_CONFIRMED_RESPONSE &&
		    pdu->service == MG_SVC_DELETE_NAMED_VAR_LIST)
			deleted(t, vc, answered);
		return;
	}
	if (dir == 1 && answered &&
	    (answered->service == MG_SVC_DEFINE_NAMED_VAR_LIST ||
	     answered->service == MG_SVC_GET_NAMED_VAR_LIST_ATTR) &&
	    (pdu->type == MG_MMS_CONFIRMED_RESPONSE || pdu->type == MG_MMS_CONFIRMED_ERROR ||
	     pdu->type == MG_MMS_CANCEL_RESPONSE || pdu->type == MG_MMS_CANCEL_ERROR))
		answer(t, vc, pdu, answered);
}
