/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounded 5-tuple connection table for the tools (mg_flowtab.h): a fixed
 * array of entries with a free list, chained buckets (twice as many as
 * entries), FNV-1a over the canonical key. Fixed memory after init.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mg_flowtab.h"

int mg_flowtab_init(struct mg_flowtab *t, uint32_t cap)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap > (1u << 28))
		return -EINVAL;
	uint32_t nb = 1;
	while (nb < cap * 2)
		nb <<= 1;
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->v = calloc(cap, sizeof(*t->v));
	if (!t->bucket || !t->v) {
		mg_flowtab_free(t);
		return -ENOMEM;
	}
	t->cap = cap;
	t->nbuckets = nb;
	for (uint32_t i = 0; i < cap; i++)
		t->v[i].next = i + 2 <= cap ? i + 2 : 0;
	t->free_head = 1;
	t->next_id = 1;
	return 0;
}

void mg_flowtab_free(struct mg_flowtab *t)
{
	free(t->bucket);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static uint32_t key_hash(const struct mg_flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

/* Canonical order: (addr, port) of side 0 compares lower or equal. */
static void key_make(struct mg_flow_key *k, uint8_t ver, uint8_t proto, const uint8_t *src,
		     uint16_t sport, const uint8_t *dst, uint16_t dport, bool *reversed)
{
	size_t alen = ver == 6 ? 16 : 4;
	memset(k, 0, sizeof(*k));
	k->ver = ver;
	k->proto = proto;
	int c = memcmp(src, dst, alen);
	bool rev = c > 0 || (c == 0 && sport > dport);
	const uint8_t *a0 = rev ? dst : src, *a1 = rev ? src : dst;
	memcpy(k->addr[0], a0, alen);
	memcpy(k->addr[1], a1, alen);
	k->port[0] = rev ? dport : sport;
	k->port[1] = rev ? sport : dport;
	*reversed = rev;
}

struct mg_flow *mg_flowtab_lookup(struct mg_flowtab *t, uint8_t ver, uint8_t proto,
				  const uint8_t *src, uint16_t sport, const uint8_t *dst,
				  uint16_t dport, bool create, bool *reversed, bool *created)
{
	struct mg_flow_key k;
	bool rev;
	if (created)
		*created = false;
	if (!t->cap)
		return NULL;
	key_make(&k, ver, proto, src, sport, dst, dport, &rev);
	if (reversed)
		*reversed = rev;
	uint32_t b = key_hash(&k) & (t->nbuckets - 1);
	for (uint32_t i = t->bucket[b]; i; i = t->v[i - 1].next) {
		struct mg_flow *f = &t->v[i - 1];
		if (memcmp(&f->key, &k, sizeof(k)) == 0)
			return f;
	}
	if (!create || !t->free_head)
		return NULL;
	uint32_t i = t->free_head;
	struct mg_flow *f = &t->v[i - 1];
	t->free_head = f->next;
	memset(f, 0, sizeof(*f));
	f->key = k;
	f->used = true;
	f->id = t->next_id++;
	f->next = t->bucket[b];
	t->bucket[b] = i;
	t->n++;
	if (created)
		*created = true;
	return f;
}

void mg_flowtab_remove(struct mg_flowtab *t, struct mg_flow *f)
{
	if (!f || !f->used)
		return;
	uint32_t idx = (uint32_t)(f - t->v) + 1;
	uint32_t b = key_hash(&f->key) & (t->nbuckets - 1);
	for (uint32_t *pp = &t->bucket[b]; *pp; pp = &t->v[*pp - 1].next) {
		if (*pp == idx) {
			*pp = f->next;
			break;
		}
	}
	memset(f, 0, sizeof(*f));
	f->next = t->free_head;
	t->free_head = idx;
	t->n--;
}

void mg_flowtab_foreach(struct mg_flowtab *t, void (*fn)(void *ud, struct mg_flow *f), void *ud)
{
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->v[i].used)
			fn(ud, &t->v[i]);
}
