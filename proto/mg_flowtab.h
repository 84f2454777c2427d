/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small bounded hash table of connections keyed by the 5-tuple, for the
 * offline tools (replay, generators, tests) — not for the fast path (the
 * dataplane has its own per-lcore conntrack). Both directions of a
 * connection find the same entry: the key is stored in a canonical order
 * (lower address/port first) and lookups report which way the packet went.
 * It owns the entries and the key; what a tool keeps per connection hangs
 * off `user` and is the tool's to free (mg_flowtab_foreach before
 * mg_flowtab_free). Capacity is fixed at init: when full, lookups that
 * would create return NULL and the caller counts it.
 */
#ifndef MG_FLOWTAB_H
#define MG_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mg_flow_key {
	uint8_t ver;          /* 4 or 6 */
	uint8_t proto;        /* IP protocol */
	uint16_t port[2];     /* host order; side 0 <= side 1 (canonical) */
	uint8_t addr[2][16];  /* IPv4 in [0..3], rest zero */
};

struct mg_flow {
	struct mg_flow_key key;
	uint32_t next;        /* hash chain (index + 1, 0 = end) */
	bool used;
	uint64_t id;          /* creation order, 1-based */
	void *user;           /* the tool's per-connection state */
};

struct mg_flowtab {
	uint32_t cap;         /* max entries */
	uint32_t n;           /* entries in use */
	uint32_t nbuckets;    /* power of two */
	uint32_t *bucket;     /* index + 1 of the chain head, 0 = empty */
	uint32_t free_head;   /* index + 1 of the first free entry */
	uint64_t next_id;
	struct mg_flow *v;
};

/* 0, or -ENOMEM. cap is the maximum number of live connections. */
int mg_flowtab_init(struct mg_flowtab *t, uint32_t cap);
void mg_flowtab_free(struct mg_flowtab *t);

/*
 * Find the connection of a packet src:sport → dst:dport (addresses of
 * ver 4 (4 bytes) or 6 (16 bytes)). With create, insert it when absent
 * (*created set). *reversed: the packet travels side 1 → side 0 of the
 * canonical key. NULL when absent (or the table is full on create).
 */
struct mg_flow *mg_flowtab_lookup(struct mg_flowtab *t, uint8_t ver, uint8_t proto,
				  const uint8_t *src, uint16_t sport, const uint8_t *dst,
				  uint16_t dport, bool create, bool *reversed, bool *created);

/* Remove an entry (its user pointer is the caller's to free first). */
void mg_flowtab_remove(struct mg_flowtab *t, struct mg_flow *f);

/* Call fn on every live entry, in creation order is not guaranteed. */
void mg_flowtab_foreach(struct mg_flowtab *t, void (*fn)(void *ud, struct mg_flow *f),
			void *ud);

#endif
