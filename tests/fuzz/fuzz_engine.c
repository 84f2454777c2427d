/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the whole chain TPKT → COTP → session → presentation →
 * ACSE → MMS through mg_engine_feed, as the dataplane drives it.
 *
 * Input: byte 0 = flags (bit 0 mid-stream pickup, bit 1 direction S2C,
 * bit 2 small reassembly buffer, bit 3 both directions), bytes 1-2 = split
 * seed, the rest = the direction's byte stream (see below for bit 3). The stream is fed in two chunks cut at a point
 * derived from the seed, each chunk in an exact-size heap copy (ASan sees
 * over-reads), then fed again byte by byte into a fresh connection: both
 * runs must produce the same events up to the first malformed one (the
 * engine promises results that do not depend on how TCP cut the stream).
 * A mismatch aborts. MG_FUZZ_DEBUG=1 prints the events.
 *
 * Built with -DMG_FUZZ_ENGINE_CAMPAIGN (scripts/fuzz-campaign.sh) the
 * byte-by-byte run is left out: each input is fed once, split at its
 * seed, which makes the target ~50-100x faster for long campaigns
 * (≥10⁸ executions) that hunt crashes, hangs and UB rather than
 * split-dependence; CI keeps the full equivalence check.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_engine.h"

struct evsum {
	uint32_t n;
	uint64_t h;
	uint64_t last_off;
	bool poisoned; /* a MALFORMED / NOT_MMS event was seen */
};

static void mix(struct evsum *s, uint64_t v)
{
	s->h = (s->h ^ v) * 0x100000001B3ull;
}

static int debug = -1;

static void on_ev(void *ud, const struct mg_ev *ev)
{
	if (debug)
		fprintf(stderr, "  ev kind %u off %llu reason %s mms %d svc %d\n", ev->kind,
			(unsigned long long)ev->end_off, mg_reason_str(ev->reason),
			ev->mms ? ev->mms->type : -1, ev->mms ? ev->mms->service : -1);
	struct evsum *s = ud;
	/* A poisoned direction answers every later feed with one more event
	 * (by contract), so only the events up to the first one compare. */
	if (s->poisoned)
		return;
	/* A malformed unit inside intact framing does not poison: the
	 * engine resynchronises, and what follows must compare too. */
	if ((ev->kind == MG_EV_MALFORMED && !ev->unit_only) || ev->kind == MG_EV_NOT_MMS)
		s->poisoned = true;
	if (ev->end_off < s->last_off)
		abort(); /* events must come in stream order */
	s->last_off = ev->end_off;
	s->n++;
	mix(s, ev->kind);
	mix(s, ev->dir);
	mix(s, ev->cotp_type);
	mix(s, ev->ses_kind);
	mix(s, ev->pres_kind);
	mix(s, (uint64_t)(int64_t)ev->acse_kind);
	mix(s, ev->reason);
	mix(s, ev->anomaly);
	/* A malformed unit swallows whatever bytes the feed carried, so its
	 * end_off legitimately depends on the chunking. */
	if (!s->poisoned)
		mix(s, ev->end_off);
	if (ev->kind == MG_EV_MMS) {
		if (!ev->mms)
			abort();
		mix(s, ev->mms->type);
		mix(s, ev->mms->service);
		mix(s, ev->mms->invoke_id);
		mix(s, ev->mms->nobj);
		for (uint16_t i = 0; i < ev->mms->nobj && i < MG_MMS_MAX_OBJS; i++) {
			const struct mg_mms_obj *o = &ev->mms->obj[i];
			mix(s, o->scope);
			mix(s, o->domain_len);
			mix(s, o->item_len);
			for (uint16_t k = 0; o->item && k < o->item_len; k++)
				mix(s, o->item[k]);
			for (uint16_t k = 0; o->domain && k < o->domain_len; k++)
				mix(s, o->domain[k]);
		}
	}
}

static void feed(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir, const uint8_t *p,
		 size_t n, struct evsum *s)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		abort();
	if (n)
		memcpy(copy, p, n);
	mg_engine_feed(e, c, dir, copy, n, on_ev, s);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (debug < 0)
		debug = getenv("MG_FUZZ_DEBUG") != NULL;
	if (size < 3)
		return 0;
	uint8_t flags = data[0];
	size_t seed = (size_t)data[1] | (size_t)data[2] << 8;
	const uint8_t *p = data + 3;
	size_t n = size - 3;
	const uint8_t dir = (flags & 2) ? MG_DIR_S2C : MG_DIR_C2S;

	/* 1024 is the smallest buffer mg_engine_init accepts; the malloc
	 * provider learns the size from the engine (buf_ud left NULL). */
	struct mg_engine_cfg cfg = {
		.buf_size = (flags & 4) ? 1024 : MG_ENGINE_DEFAULT_BUF_SIZE,
		.buf_get = mg_engine_malloc_get,
		.buf_put = mg_engine_malloc_put,
		.midstream_pickup = flags & 1,
	};
	static struct mg_engine e;
	mg_engine_init(&e, &cfg);

	/* Two-direction mode (flag bit 3): two more bytes give the length of
	 * the client's stream, the rest is the server's; the client's is fed
	 * first so the server's data sees the contexts negotiated in CP/CPA. */
	size_t len[2] = {n, 0};
	const uint8_t *sp[2] = {p, p + n};
	uint8_t sd[2] = {dir, MG_DIR_S2C};
	int ndirs = 1;
	if ((flags & 8) && n >= 2) {
		ndirs = 2;
		size_t l = (size_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
		if (l > n)
			l = n;
		len[0] = l;
		len[1] = n - l;
		sp[0] = p;
		sp[1] = p + l;
		sd[0] = MG_DIR_C2S;
	}
	static struct mg_engine_conn c1, c2;
	struct evsum s1 = {0, 0xcbf29ce484222325ull, 0, false}, s2 = s1;
	size_t cut = 0;
	mg_engine_conn_init(&c1);
	mg_engine_conn_init(&c2);
	for (int k = 0; k < ndirs; k++) {
		/* Poisoning is per direction: restart the comparison window. */
		s1.poisoned = s2.poisoned = false;
		s1.last_off = s2.last_off = 0;
		cut = len[k] ? seed % (len[k] + 1) : 0;
		feed(&e, &c1, sd[k], sp[k], cut, &s1);
		feed(&e, &c1, sd[k], sp[k] + cut, len[k] - cut, &s1);
#ifndef MG_FUZZ_ENGINE_CAMPAIGN
		for (size_t i = 0; i < len[k]; i++)
			feed(&e, &c2, sd[k], sp[k] + i, 1, &s2);
#endif
	}
	mg_engine_conn_release(&e, &c1);
	mg_engine_conn_release(&e, &c2);

#ifdef MG_FUZZ_ENGINE_CAMPAIGN
	(void)s2;
	return 0;
#endif
	if (s1.n != s2.n || s1.h != s2.h) {
		fprintf(stderr, "fuzz_engine: split at %zu gives %u events, byte by byte %u\n", cut,
			s1.n, s2.n);
		abort();
	}
	return 0;
}
