/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP per-direction in-order reassembly (mg_stream.h). The out-of-order
 * store is a ring of MG_STREAM_WINDOW bytes addressed by stream offset
 * (offset & (W-1)) plus one presence bit per byte: the window always starts
 * at the expected sequence number, so every byte that can still be useful
 * has exactly one slot, overlap handling is a per-byte compare, and the
 * metadata is fixed-size whatever the segmentation (no segment list to
 * bound or to exhaust with tiny segments).
 */
#include <stdlib.h>
#include <string.h>

#include "mg_stream.h"

#define W MG_STREAM_WINDOW
#define WMASK (MG_STREAM_WINDOW - 1u)

_Static_assert((MG_STREAM_WINDOW & (MG_STREAM_WINDOW - 1)) == 0, "window must be a power of 2");

void mg_stream_init(struct mg_stream_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->last_reason = MG_R_NONE;
}

void mg_stream_free(struct mg_stream_dir *d)
{
	free(d->ring);
	free(d->map);
	d->ring = NULL;
	d->map = NULL;
	d->stored = 0;
}

bool mg_stream_syn(struct mg_stream_dir *d, uint32_t seq)
{
	if (!d->synced) {
		d->synced = true;
		d->syn_seen = true;
		d->isn = seq;
		d->next = seq + 1;
		return true;
	}
	if (d->syn_seen)
		return d->isn == seq;
	/* Synced by data first (SYN captured late / reordered): keep the
	 * data's numbering. */
	d->syn_seen = true;
	d->isn = seq;
	return true;
}

void mg_stream_sync(struct mg_stream_dir *d, uint32_t next)
{
	if (d->synced)
		return;
	d->synced = true;
	d->next = next;
}

static inline bool bit_get(const struct mg_stream_dir *d, uint32_t idx)
{
	return (d->map[idx >> 6] >> (idx & 63)) & 1;
}

static inline void bit_set(struct mg_stream_dir *d, uint32_t idx)
{
	d->map[idx >> 6] |= (uint64_t)1 << (idx & 63);
}

static inline void bit_clr(struct mg_stream_dir *d, uint32_t idx)
{
	d->map[idx >> 6] &= ~((uint64_t)1 << (idx & 63));
}

static bool store_alloc(struct mg_stream_dir *d)
{
	if (d->ring)
		return true;
	d->ring = malloc(W);
	d->map = calloc(W / 64, sizeof(uint64_t));
	if (!d->ring || !d->map) {
		mg_stream_free(d);
		return false;
	}
	return true;
}

/* Relative offset (from next) of the first stored byte; W if none. */
static uint32_t first_stored(const struct mg_stream_dir *d)
{
	if (!d->stored)
		return W;
	uint32_t rel = 0;
	while (rel < W) {
		uint32_t idx = (uint32_t)(d->base + rel) & WMASK;
		if ((idx & 63) == 0 && d->map[idx >> 6] == 0 && rel + 64 <= W) {
			rel += 64;
			continue;
		}
		if (bit_get(d, idx))
			return rel;
		rel++;
	}
	return W;
}

static void advance(struct mg_stream_dir *d, uint64_t n)
{
	d->base += n;
	d->next += (uint32_t)n;
}

static void gap(struct mg_stream_dir *d, uint64_t lost, mg_stream_cb cb, void *ud)
{
	if (!lost)
		return;
	d->broken = true;
	d->st.gaps++;
	d->st.bytes_lost += lost;
	advance(d, lost);
	cb(ud, NULL, (size_t)lost);
}

/* Deliver the stored bytes contiguous with next. */
static void flush(struct mg_stream_dir *d, mg_stream_cb cb, void *ud)
{
	while (d->stored) {
		uint32_t idx = (uint32_t)d->base & WMASK;
		uint32_t n = 0;
		/* One chunk stops at the end of the ring; the loop wraps. */
		while (idx + n < W && bit_get(d, idx + n)) {
			bit_clr(d, idx + n);
			n++;
		}
		if (!n)
			return;
		d->stored -= n;
		advance(d, n);
		d->st.bytes_delivered += n;
		cb(ud, d->ring + idx, n);
	}
}

/* Copy p[0..n) to relative offset rel (rel + n <= W), keeping originals. */
static void store(struct mg_stream_dir *d, uint32_t rel, const uint8_t *p, uint32_t n,
		  uint64_t *retrans, uint64_t *conflict)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = (uint32_t)(d->base + rel + i) & WMASK;
		if (bit_get(d, idx)) {
			if (d->ring[idx] == p[i])
				(*retrans)++;
			else
				(*conflict)++;
			continue;
		}
		d->ring[idx] = p[i];
		bit_set(d, idx);
		d->stored++;
		if (rel)
			d->st.bytes_ooo++;
	}
}

enum mg_status mg_stream_feed(struct mg_stream_dir *d, uint32_t seq, const uint8_t *p,
			      size_t len, mg_stream_cb cb, void *ud)
{
	enum mg_status ret = MG_OK;
	uint64_t retrans = 0, conflict = 0;

	if (!len)
		return MG_OK;
	d->st.segs++;
	if (!d->synced) {
		d->synced = true;
		d->next = seq;
	}

	while (len) {
		int32_t srel = (int32_t)(seq - d->next);
		if (srel < 0) {
			/* Starts before next: those bytes were delivered (or
			 * declared lost) already; they are no longer kept. */
			uint64_t skip = (uint64_t)(-(int64_t)srel);
			if (skip >= len) {
				retrans += len;
				break;
			}
			retrans += skip;
			p += skip;
			len -= skip;
			seq += (uint32_t)skip;
		}
		uint32_t rel = seq - d->next;
		if (rel == 0 && d->stored == 0) {
			/* The common case: in order, nothing pending. */
			advance(d, len);
			d->st.bytes_delivered += len;
			cb(ud, p, len);
			break;
		}
		if (rel < W && store_alloc(d)) {
			uint32_t n = (uint32_t)(len < W - rel ? len : W - rel);
			store(d, rel, p, n, &retrans, &conflict);
			if (rel == 0)
				flush(d, cb, ud);
			p += n;
			len -= n;
			seq += n;
			continue;
		}
		/* Past the window (or no memory for it): bytes were lost. Skip
		 * to the first stored byte, or to this segment when nothing
		 * stored precedes it, then go on delivering. */
		if (ret == MG_OK) {
			d->st.ooo_bound++;
			d->last_reason = MG_R_STREAM_OOO_BOUND;
			ret = MG_MALFORMED;
		}
		uint32_t first = first_stored(d);
		if (first < W && first < rel) {
			gap(d, first, cb, ud);
			flush(d, cb, ud);
		} else {
			gap(d, rel, cb, ud);
		}
	}

	if (retrans) {
		d->st.bytes_retrans += retrans;
		d->st.segs_retrans++;
	}
	if (conflict) {
		d->st.bytes_conflict += conflict;
		d->st.overlap_conflicts++;
		if (ret == MG_OK) {
			d->last_reason = MG_R_STREAM_OVERLAP_CONFLICT;
			ret = MG_MALFORMED;
		}
	}
	return ret;
}

uint64_t mg_stream_acked(struct mg_stream_dir *d, uint32_t ack, mg_stream_cb cb, void *ud)
{
	uint64_t lost0 = d->st.bytes_lost;
	if (!d->synced)
		return 0;
	/* An ACK more than 2^30 ahead is not about this stream's bytes. */
	int32_t ahead = (int32_t)(ack - d->next);
	if (ahead <= 0 || ahead > (1 << 30))
		return 0;
	while ((int32_t)(ack - d->next) > 0) {
		uint32_t rel = ack - d->next;
		uint32_t first = first_stored(d);
		if (first == 0) {
			flush(d, cb, ud);
			continue;
		}
		gap(d, first < W && first < rel ? first : rel, cb, ud);
		d->last_reason = MG_R_STREAM_GAP;
		flush(d, cb, ud);
	}
	return d->st.bytes_lost - lost0;
}
