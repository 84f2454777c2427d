/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outstanding confirmed requests per direction (see mg_pending.h): a small
 * fixed array searched linearly (at most MG_PENDING_MAX entries, usually
 * the handful a client keeps in flight), and the keyed object hash that
 * records which object a request named without copying its name.
 *
 * The hash is SipHash-2-4 under a key drawn once per process, so that a
 * client cannot choose two names that collide in another module's pairing
 * (e.g. a select of one control object answered, an operate of another).
 */
#include "mg_pending.h"

#include <string.h>
#include <sys/random.h>

static uint64_t mg_pending_key[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};

__attribute__((constructor)) static void mg_pending_key_init(void)
{
	uint64_t k[2];

	if (getrandom(k, sizeof(k), GRND_NONBLOCK) == (ssize_t)sizeof(k)) {
		mg_pending_key[0] = k[0];
		mg_pending_key[1] = k[1];
	}
}

void mg_pending_init(struct mg_pending *p)
{
	p->n = 0;
}

struct mg_pending_req *mg_pending_find(struct mg_pending *p, uint32_t invoke_id)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->r[i].invoke_id == invoke_id)
			return &p->r[i];
	return NULL;
}

enum mg_pending_add_res mg_pending_add(struct mg_pending *p, const struct mg_mms_pdu *req,
                                       struct mg_pending_req **r)
{
	struct mg_pending_req *e;

	*r = NULL;
	if (mg_pending_find(p, req->invoke_id))
		return MG_PENDING_DUP;
	if (p->n >= MG_PENDING_MAX)
		return MG_PENDING_FULL;
	e = &p->r[p->n++];
	memset(e, 0, sizeof(*e));
	e->invoke_id = req->invoke_id;
	e->service = req->service;
	e->iec_class = req->iec_class;
	e->nobj = req->nobj > 255 ? 255 : (uint8_t)req->nobj;
	if (req->nobj) {
		e->first_kind = req->obj[0].kind;
		e->first_scope = req->obj[0].scope;
		e->obj_hash = mg_pending_obj_hash(&req->obj[0]);
	}
	*r = e;
	return MG_PENDING_OK;
}

bool mg_pending_take(struct mg_pending *p, uint32_t invoke_id, struct mg_pending_req *out)
{
	struct mg_pending_req *e = mg_pending_find(p, invoke_id);

	if (!e)
		return false;
	if (out)
		*out = *e;
	*e = p->r[--p->n];
	return true;
}

/* ---- SipHash-2-4 over a few discontiguous pieces ---------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip {
	uint64_t v0, v1, v2, v3;
	uint64_t m;  /* bytes of the current word */
	unsigned nm; /* how many */
	uint64_t total;
};

static void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static void sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

static void sip_bytes(struct sip *s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s->m |= (uint64_t)p[i] << (8 * s->nm);
		s->total++;
		if (++s->nm == 8) {
			sip_word(s, s->m);
			s->m = 0;
			s->nm = 0;
		}
	}
}

uint64_t mg_pending_obj_hash(const struct mg_mms_obj *o)
{
	struct sip s = {
	    .v0 = 0x736f6d6570736575ull ^ mg_pending_key[0],
	    .v1 = 0x646f72616e646f6dull ^ mg_pending_key[1],
	    .v2 = 0x6c7967656e657261ull ^ mg_pending_key[0],
	    .v3 = 0x7465646279746573ull ^ mg_pending_key[1],
	};
	uint8_t hdr[6] = {o->scope,
	                  o->kind,
	                  (uint8_t)(o->domain_len >> 8),
	                  (uint8_t)o->domain_len,
	                  (uint8_t)(o->item_len >> 8),
	                  (uint8_t)o->item_len};
	uint64_t h;

	sip_bytes(&s, hdr, sizeof(hdr));
	if (o->domain)
		sip_bytes(&s, o->domain, o->domain_len);
	if (o->item)
		sip_bytes(&s, o->item, o->item_len);
	sip_word(&s, s.m | (s.total & 0xff) << 56);
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	h = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
	return h ? h : 1;
}
