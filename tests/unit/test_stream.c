/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_stream: a byte stream cut into random segments, reordered within the
 * window, duplicated and re-segmented, must come out exactly once and in
 * order; sequence wraparound; overlap conflicts keep the original; the
 * out-of-order bound declares a gap and reassembly continues after it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mg_stream.h"

struct sink {
	uint8_t *buf;
	size_t len, cap;
	size_t calls;
	size_t gaps;
	size_t lost;
};

static void sink_cb(void *ud, const uint8_t *p, size_t len)
{
	struct sink *s = ud;
	s->calls++;
	if (!p) {
		s->gaps++;
		s->lost += len;
		/* Lost bytes become zero filler so positions stay comparable. */
		cr_assert_leq(s->len + len, s->cap);
		memset(s->buf + s->len, 0, len);
		s->len += len;
		return;
	}
	cr_assert_leq(s->len + len, s->cap, "delivered past the end of the stream");
	memcpy(s->buf + s->len, p, len);
	s->len += len;
}

static void sink_init(struct sink *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(cap);
	s->cap = cap;
	cr_assert_not_null(s->buf);
}

/* xorshift so every run is reproducible. */
static uint64_t rng_state;
static uint32_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)(x >> 11);
}

struct seg {
	uint32_t off, len;
};

static void feed_exact(struct mg_stream_dir *d, uint32_t isn, const uint8_t *data,
		       const struct seg *sg, struct sink *s)
{
	/* Exact-size heap copy per segment so ASan catches over-reads. */
	uint8_t *c = malloc(sg->len ? sg->len : 1);
	memcpy(c, data + sg->off, sg->len);
	mg_stream_feed(d, isn + 1 + sg->off, c, sg->len, sink_cb, s);
	free(c);
}

Test(stream, in_order_zero_copy)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	cr_assert(mg_stream_syn(&d, 1000));
	cr_assert_eq(mg_stream_feed(&d, 1001, (const uint8_t *)"hello ", 6, sink_cb, &s), MG_OK);
	cr_assert_eq(mg_stream_feed(&d, 1007, (const uint8_t *)"world", 5, sink_cb, &s), MG_OK);
	cr_assert_eq(s.len, 11);
	cr_assert_eq(memcmp(s.buf, "hello world", 11), 0);
	cr_assert_null(d.ring, "no store needed for in-order data");
	cr_assert_eq(mg_stream_offset(&d), 11);
	cr_assert_eq(d.st.bytes_delivered, 11);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, syn_rules)
{
	struct mg_stream_dir d;
	mg_stream_init(&d);
	cr_assert(mg_stream_syn(&d, 5));
	cr_assert(mg_stream_syn(&d, 5), "retransmitted SYN is fine");
	cr_assert_not(mg_stream_syn(&d, 6), "a different ISN is a new connection");
	mg_stream_free(&d);
}

Test(stream, midstream_first_data_sets_next)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_feed(&d, 777777, (const uint8_t *)"abc", 3, sink_cb, &s);
	mg_stream_feed(&d, 777780, (const uint8_t *)"def", 3, sink_cb, &s);
	/* An older segment: already "delivered" territory, trimmed. */
	mg_stream_feed(&d, 777770, (const uint8_t *)"0123456", 7, sink_cb, &s);
	cr_assert_eq(s.len, 6);
	cr_assert_eq(memcmp(s.buf, "abcdef", 6), 0);
	cr_assert_eq(d.st.bytes_retrans, 7);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, trim_partial_overlap_with_delivered)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_syn(&d, 0);
	mg_stream_feed(&d, 1, (const uint8_t *)"abcd", 4, sink_cb, &s);
	mg_stream_feed(&d, 3, (const uint8_t *)"cdefg", 5, sink_cb, &s);
	cr_assert_eq(s.len, 7);
	cr_assert_eq(memcmp(s.buf, "abcdefg", 7), 0);
	cr_assert_eq(d.st.bytes_retrans, 2);
	cr_assert_eq(d.st.segs_retrans, 1);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, out_of_order_then_fill)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_syn(&d, 99);
	cr_assert_eq(mg_stream_feed(&d, 106, (const uint8_t *)"world", 5, sink_cb, &s), MG_OK);
	cr_assert_eq(s.len, 0);
	cr_assert_eq(d.stored, 5);
	cr_assert_eq(mg_stream_feed(&d, 100, (const uint8_t *)"hello ", 6, sink_cb, &s), MG_OK);
	cr_assert_eq(s.len, 11);
	cr_assert_eq(memcmp(s.buf, "hello world", 11), 0);
	cr_assert_eq(d.stored, 0);
	cr_assert_eq(d.st.bytes_ooo, 5);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, identical_overlap_is_retransmission)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_syn(&d, 0);
	mg_stream_feed(&d, 5, (const uint8_t *)"efgh", 4, sink_cb, &s);
	cr_assert_eq(mg_stream_feed(&d, 4, (const uint8_t *)"defghi", 6, sink_cb, &s), MG_OK);
	cr_assert_eq(d.st.bytes_retrans, 4);
	cr_assert_eq(d.st.overlap_conflicts, 0);
	mg_stream_feed(&d, 1, (const uint8_t *)"abc", 3, sink_cb, &s);
	cr_assert_eq(s.len, 9);
	cr_assert_eq(memcmp(s.buf, "abcdefghi", 9), 0);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, conflicting_overlap_keeps_original)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_syn(&d, 0);
	mg_stream_feed(&d, 5, (const uint8_t *)"efgh", 4, sink_cb, &s);
	enum mg_status st = mg_stream_feed(&d, 5, (const uint8_t *)"eXgY", 4, sink_cb, &s);
	cr_assert_eq(st, MG_MALFORMED);
	cr_assert_eq(d.last_reason, MG_R_STREAM_OVERLAP_CONFLICT);
	cr_assert_eq(d.st.bytes_conflict, 2);
	cr_assert_eq(d.st.overlap_conflicts, 1);
	/* The in-order segment overlapping stored bytes: stored ones win too. */
	st = mg_stream_feed(&d, 1, (const uint8_t *)"abcdZZ", 6, sink_cb, &s);
	cr_assert_eq(st, MG_MALFORMED);
	cr_assert_eq(s.len, 8);
	cr_assert_eq(memcmp(s.buf, "abcdefgh", 8), 0);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, wraparound)
{
	const size_t n = 3000;
	uint8_t data[3000];
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	uint32_t isns[] = {0xFFFFFFFFu, 0xFFFFFF00u, 0xFFFFFFFFu - 1500, 0x7FFFFFF0u};
	for (size_t k = 0; k < sizeof(isns) / sizeof(isns[0]); k++) {
		struct mg_stream_dir d;
		struct sink s;
		sink_init(&s, n);
		mg_stream_init(&d);
		mg_stream_syn(&d, isns[k]);
		/* Reverse order, 100-byte segments: everything waits for the first. */
		for (int i = (int)(n / 100) - 1; i >= 0; i--) {
			struct seg sg = {(uint32_t)i * 100, 100};
			feed_exact(&d, isns[k], data, &sg, &s);
		}
		cr_assert_eq(s.len, n, "isn %08x", isns[k]);
		cr_assert_eq(memcmp(s.buf, data, n), 0);
		cr_assert_eq(d.next, isns[k] + 1 + (uint32_t)n);
		cr_assert_eq(d.st.gaps, 0);
		mg_stream_free(&d);
		free(s.buf);
	}
}

/* The property test: random segmentation, local reordering (bounded so the
 * out-of-order data stays below the window), duplicates and re-segmented
 * retransmissions, random ISN: the output is exactly the input. */
Test(stream, random_segmentation_reorder_duplication)
{
	const size_t n = 200000;
	uint8_t *data = malloc(n);
	cr_assert_not_null(data);
	rng_state = 0x9E3779B97F4A7C15ull;
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)rnd();
	struct seg *sg = malloc(sizeof(*sg) * (n + 1) * 2);

	for (int run = 0; run < 60; run++) {
		uint32_t isn = run % 3 == 0 ? 0xFFFFFFFFu - (rnd() % 100000) : rnd();
		size_t maxseg = run % 4 == 0 ? 8 : 1460;
		/* Cut. */
		size_t ns = 0;
		for (size_t off = 0; off < n;) {
			uint32_t l = 1 + rnd() % maxseg;
			if (off + l > n)
				l = (uint32_t)(n - off);
			sg[ns++] = (struct seg){(uint32_t)off, l};
			off += l;
		}
		/* Duplicate some (exact, or overlapping re-cuts of neighbours). */
		size_t nd = ns;
		for (size_t i = 0; i + 1 < ns && nd < (n + 1) * 2; i++) {
			uint32_t r = rnd() % 16;
			if (r == 0)
				sg[nd++] = sg[i];
			else if (r == 1) {
				uint32_t a = sg[i].off + sg[i].len / 2;
				uint32_t b = sg[i + 1].off + sg[i + 1].len / 2 + 1;
				if (b > n)
					b = (uint32_t)n;
				if (b > a)
					sg[nd++] = (struct seg){a, b - a};
			}
		}
		/* Place duplicates right after their original, then shuffle
		 * locally: swap each element with one up to K positions ahead,
		 * bounding the reordering distance in bytes. */
		for (size_t i = ns; i < nd; i++) {
			size_t j = rnd() % nd;
			struct seg t = sg[i];
			sg[i] = sg[j];
			sg[j] = t;
		}
		/* Undo global disorder: sort by offset, then local shuffle. */
		for (size_t i = 1; i < nd; i++) {
			struct seg t = sg[i];
			size_t j = i;
			while (j > 0 && sg[j - 1].off > t.off) {
				sg[j] = sg[j - 1];
				j--;
			}
			sg[j] = t;
		}
		/* Fisher-Yates inside disjoint blocks of K segments: no segment
		 * moves more than K-1 places (≤ ~30 KiB of disorder). */
		size_t K = maxseg > 100 ? 20 : 200;
		for (size_t b = 0; b < nd; b += K) {
			size_t m = nd - b < K ? nd - b : K;
			for (size_t i = m; i > 1; i--) {
				size_t j = rnd() % i;
				struct seg t = sg[b + i - 1];
				sg[b + i - 1] = sg[b + j];
				sg[b + j] = t;
			}
		}

		struct mg_stream_dir d;
		struct sink s;
		sink_init(&s, n);
		mg_stream_init(&d);
		mg_stream_syn(&d, isn);
		for (size_t i = 0; i < nd; i++)
			feed_exact(&d, isn, data, &sg[i], &s);
		cr_assert_eq(d.st.gaps, 0, "run %d: unexpected gap", run);
		cr_assert_eq(d.st.overlap_conflicts, 0, "run %d", run);
		cr_assert_eq(s.len, n, "run %d: %zu of %zu bytes", run, s.len, n);
		cr_assert_eq(memcmp(s.buf, data, n), 0, "run %d: stream differs", run);
		cr_assert_eq(d.stored, 0);
		if (nd > ns)
			cr_assert_gt(d.st.bytes_retrans, 0);
		mg_stream_free(&d);
		free(s.buf);
	}
	free(sg);
	free(data);
}

Test(stream, out_of_order_bound_declares_gap)
{
	static uint8_t big[MG_STREAM_WINDOW + 4000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i ^ (i >> 8));
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, sizeof(big));
	mg_stream_init(&d);
	mg_stream_syn(&d, 0);
	/* Bytes 0..999 never arrive. Store 1000..1999, then send a segment
	 * ending past next + window. */
	cr_assert_eq(mg_stream_feed(&d, 1 + 1000, big + 1000, 1000, sink_cb, &s), MG_OK);
	uint32_t far = MG_STREAM_WINDOW + 100;
	enum mg_status st = mg_stream_feed(&d, 1 + far, big + far, 1000, sink_cb, &s);
	cr_assert_eq(st, MG_MALFORMED);
	cr_assert_eq(d.last_reason, MG_R_STREAM_OOO_BOUND);
	cr_assert_eq(d.st.ooo_bound, 1);
	cr_assert(d.broken);
	cr_assert_geq(s.gaps, 1);
	/* The first gap covers the 1000 missing bytes, then 1000..1999 flow. */
	cr_assert_eq(memcmp(s.buf + 1000, big + 1000, 1000), 0);
	/* Everything from the far segment is still reachable: fill the hole
	 * between and check the tail arrives in order. */
	size_t before = s.len;
	cr_assert_leq(before, far + 1000);
	uint32_t next_rel = (uint32_t)(d.next - 1);
	if (next_rel < far) {
		mg_stream_feed(&d, 1 + next_rel, big + next_rel, far - next_rel, sink_cb, &s);
	}
	cr_assert_eq(s.len, far + 1000);
	cr_assert_eq(memcmp(s.buf + s.len - 1000, big + far, 1000), 0);
	cr_assert_eq(d.st.bytes_lost, s.lost);
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, far_segment_with_empty_store_skips_to_it)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 1 << 20);
	mg_stream_init(&d);
	mg_stream_syn(&d, 10);
	mg_stream_feed(&d, 11, (const uint8_t *)"ab", 2, sink_cb, &s);
	enum mg_status st =
		mg_stream_feed(&d, 13 + 500000, (const uint8_t *)"zz", 2, sink_cb, &s);
	cr_assert_eq(st, MG_MALFORMED);
	cr_assert_eq(s.gaps, 1);
	cr_assert_eq(s.lost, 500000);
	cr_assert_eq(s.len, 2 + 500000 + 2);
	cr_assert_eq(memcmp(s.buf + s.len - 2, "zz", 2), 0);
	/* Continues in order after the gap. */
	mg_stream_feed(&d, 13 + 500002, (const uint8_t *)"!", 1, sink_cb, &s);
	cr_assert_eq(s.buf[s.len - 1], '!');
	mg_stream_free(&d);
	free(s.buf);
}

Test(stream, tiny_segments_do_not_exhaust_anything)
{
	/* 30000 one-byte segments, every other one first: half the window
	 * in single bytes, all delivered when the holes fill. */
	const size_t n = 30000;
	uint8_t *data = malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 13);
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, n);
	mg_stream_init(&d);
	mg_stream_syn(&d, 0x12345678);
	for (size_t i = 1; i < n; i += 2) {
		struct seg sg = {(uint32_t)i, 1};
		feed_exact(&d, 0x12345678, data, &sg, &s);
	}
	cr_assert_eq(s.len, 0);
	for (size_t i = 0; i < n; i += 2) {
		struct seg sg = {(uint32_t)i, 1};
		feed_exact(&d, 0x12345678, data, &sg, &s);
	}
	cr_assert_eq(s.len, n);
	cr_assert_eq(memcmp(s.buf, data, n), 0);
	mg_stream_free(&d);
	free(s.buf);
	free(data);
}

Test(stream, ack_of_unseen_bytes_declares_gap)
{
	struct mg_stream_dir d;
	struct sink s;
	sink_init(&s, 100);
	mg_stream_init(&d);
	mg_stream_syn(&d, 0);
	mg_stream_feed(&d, 1, (const uint8_t *)"abc", 3, sink_cb, &s);
	/* "def" (4..6) never captured; "ghi" stored out of order. */
	mg_stream_feed(&d, 7, (const uint8_t *)"ghi", 3, sink_cb, &s);
	cr_assert_eq(s.len, 3);
	cr_assert_eq(mg_stream_acked(&d, 4, sink_cb, &s), 0, "ACK of seen bytes: nothing lost");
	cr_assert_eq(mg_stream_acked(&d, 8, sink_cb, &s), 3);
	cr_assert_eq(s.gaps, 1);
	cr_assert_eq(d.last_reason, MG_R_STREAM_GAP);
	cr_assert(d.broken);
	cr_assert_eq(s.len, 9);
	cr_assert_eq(memcmp(s.buf + 6, "ghi", 3), 0);
	cr_assert_eq(d.next, 10);
	/* ACK beyond everything with nothing stored: one gap to the ACK. */
	cr_assert_eq(mg_stream_acked(&d, 15, sink_cb, &s), 5);
	cr_assert_eq(s.gaps, 2);
	cr_assert_eq(d.next, 15);
	/* Old and absurd ACKs are ignored. */
	cr_assert_eq(mg_stream_acked(&d, 3, sink_cb, &s), 0);
	cr_assert_eq(mg_stream_acked(&d, 15 + (1u << 31), sink_cb, &s), 0);
	mg_stream_free(&d);
	free(s.buf);
}

/* ---- flow table ---------------------------------------------------------- */
#include "mg_flowtab.h"

Test(flowtab, both_directions_find_one_entry)
{
	struct mg_flowtab t;
	cr_assert_eq(mg_flowtab_init(&t, 4), 0);
	uint8_t a[16] = {10, 0, 0, 1}, b[16] = {10, 0, 0, 2};
	bool rev, created;
	struct mg_flow *f = mg_flowtab_lookup(&t, 4, 6, a, 40000, b, 102, true, &rev, &created);
	cr_assert_not_null(f);
	cr_assert(created);
	bool rev0 = rev;
	struct mg_flow *g = mg_flowtab_lookup(&t, 4, 6, b, 102, a, 40000, true, &rev, &created);
	cr_assert_eq(f, g);
	cr_assert_not(created);
	cr_assert_neq(rev, rev0, "the reply travels the other way");
	/* A different port, protocol or version is another flow. */
	cr_assert_null(mg_flowtab_lookup(&t, 4, 6, a, 40001, b, 102, false, &rev, NULL));
	cr_assert_null(mg_flowtab_lookup(&t, 4, 17, a, 40000, b, 102, false, &rev, NULL));
	cr_assert_null(mg_flowtab_lookup(&t, 6, 6, a, 40000, b, 102, false, &rev, NULL));
	/* Same address both sides (loopback): ports decide the order. */
	struct mg_flow *h = mg_flowtab_lookup(&t, 4, 6, a, 5000, a, 102, true, &rev, &created);
	cr_assert(created);
	cr_assert(rev);
	cr_assert_eq(mg_flowtab_lookup(&t, 4, 6, a, 102, a, 5000, false, &rev, NULL), h);
	cr_assert_not(rev);
	cr_assert_eq(t.n, 2);
	mg_flowtab_free(&t);
}

Test(flowtab, bounded_and_reusable)
{
	struct mg_flowtab t;
	cr_assert_eq(mg_flowtab_init(&t, 100), 0);
	uint8_t a[16] = {0x20, 0x01, [15] = 1}, b[16] = {0x20, 0x01, [15] = 2};
	struct mg_flow *f[100];
	for (int i = 0; i < 100; i++) {
		f[i] = mg_flowtab_lookup(&t, 6, 6, a, (uint16_t)(1000 + i), b, 102, true, NULL, NULL);
		cr_assert_not_null(f[i]);
		f[i]->user = (void *)(uintptr_t)(i + 1);
	}
	cr_assert_null(mg_flowtab_lookup(&t, 6, 6, a, 2000, b, 102, true, NULL, NULL), "full");
	for (int i = 0; i < 100; i++)
		cr_assert_eq(mg_flowtab_lookup(&t, 6, 6, b, 102, a, (uint16_t)(1000 + i), false,
						 NULL, NULL),
			     f[i]);
	for (int i = 0; i < 100; i += 2)
		mg_flowtab_remove(&t, f[i]);
	cr_assert_eq(t.n, 50);
	for (int i = 0; i < 100; i++) {
		struct mg_flow *g = mg_flowtab_lookup(&t, 6, 6, a, (uint16_t)(1000 + i), b, 102,
						      false, NULL, NULL);
		if (i % 2)
			cr_assert_eq(g, f[i]);
		else
			cr_assert_null(g);
	}
	for (int i = 0; i < 50; i++)
		cr_assert_not_null(mg_flowtab_lookup(&t, 6, 6, a, (uint16_t)(3000 + i), b, 102,
						     true, NULL, NULL));
	cr_assert_eq(t.n, 100);
	mg_flowtab_free(&t);
}

/* ---- end to end: generated captures through `mmsgatectl replay` -------- */
#if __has_include("mg_gen.h")
#include <stdio.h>
#include <unistd.h>

#include "mg_gen.h"
#include "mg_pkt.h"

#define E2E_MAX_FRAMES 4096
#define E2E_NREQ 20
/* initiate req/resp + N read req/resp + conclude req/resp */
#define E2E_PDUS (2 + 2 * E2E_NREQ + 2)

struct frames {
	size_t n;
	size_t len[E2E_MAX_FRAMES];
	uint8_t *p[E2E_MAX_FRAMES];
};

static void frames_sink(void *ud, const uint8_t *f, size_t len)
{
	struct frames *x = ud;
	cr_assert_lt(x->n, E2E_MAX_FRAMES);
	x->p[x->n] = malloc(len);
	memcpy(x->p[x->n], f, len);
	x->len[x->n++] = len;
}

static void frames_free(struct frames *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->p[i]);
	free(x);
}

static struct frames *gen_session(bool v6, uint16_t vlan, uint16_t mss)
{
	struct frames *x = calloc(1, sizeof(*x));
	struct mg_gen_conn c;
	struct mg_gen_sink sink = {frames_sink, x};
	if (v6) {
		uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
		uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
		mg_gen_conn_init6(&c, a, 40000, b, 102, sink);
	} else {
		mg_gen_conn_init4(&c, 0x0a000001, 40000, 0x0a000002, 102, sink);
	}
	c.mss = mss;
	c.vlan = vlan;
	mg_gen_conn_associate(&c);
	uint8_t pdu[512];
	static const char *const obj[] = {"LD0/XCBR1$ST$Pos$stVal"};
	static const struct mg_gen_data val = {.kind = MG_GEN_D_FLOAT, .f = 1.5f};
	for (uint32_t i = 0; i < E2E_NREQ; i++) {
		size_t m = mg_gen_mms_read(pdu, sizeof(pdu), 100 + i, obj, 1);
		mg_gen_conn_mms(&c, 0, pdu, m);
		m = mg_gen_mms_read_resp(pdu, sizeof(pdu), 100 + i, &val, 1);
		mg_gen_conn_mms(&c, 1, pdu, m);
	}
	mg_gen_conn_release(&c);
	return x;
}

/* Direction of a frame: 0 client→server, 1 server→client; -1 no payload. */
static int frame_dir(const struct frames *x, size_t i)
{
	struct mg_pkt pk;
	if (mg_pkt_parse(x->p[i], x->len[i], &pk) != MG_PKT_OK || !pk.payload_len)
		return -1;
	return pk.dport == 102 ? 0 : 1;
}

static void write_pcap(const struct frames *x, const size_t *order, size_t n, const char *path)
{
	struct mg_gen_pcap pc;
	cr_assert_eq(mg_gen_pcap_open(&pc, path), 0, "cannot write %s", path);
	for (size_t i = 0; i < n; i++)
		mg_gen_pcap_write(&pc, x->p[order[i]], x->len[order[i]]);
	cr_assert_eq(mg_gen_pcap_close(&pc), 0);
}

struct replay_res {
	int mms, malformed, nreq;
	uint32_t req_ids[256];
	char first_src[128];
	char summary[2048];
};

static const char *ctl_path(void)
{
	static const char p[] = MG_BINARY_DIR "/ctl/mmsgatectl";
	if (access(p, X_OK) != 0)
		cr_skip_test("%s not built", p);
	return p;
}

static void run_replay(const char *pcap, struct replay_res *r)
{
	char cmd[2048], errf[1024];
	memset(r, 0, sizeof(*r));
	snprintf(errf, sizeof(errf), "%s.err", pcap);
	snprintf(cmd, sizeof(cmd), "'%s' replay --json '%s' 2>'%s'", ctl_path(), pcap, errf);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, p) > 0) {
		if (strstr(line, "\"pdu\":\"malformed\"") || strstr(line, "\"pdu\":\"not-mms\"")) {
			r->malformed++;
			continue;
		}
		r->mms++;
		const char *s = strstr(line, "\"src\":\"");
		if (s && !r->first_src[0])
			sscanf(s + 7, "%127[^\"]", r->first_src);
		const char *iv = strstr(line, "\"invoke_id\":");
		if (strstr(line, "\"pdu\":\"confirmed-request\"") && iv && r->nreq < 256)
			r->req_ids[r->nreq++] = (uint32_t)strtoul(iv + 12, NULL, 10);
	}
	free(line);
	cr_assert_eq(pclose(p), 0, "replay failed on %s", pcap);
	FILE *e = fopen(errf, "r");
	cr_assert_not_null(e);
	size_t n = fread(r->summary, 1, sizeof(r->summary) - 1, e);
	r->summary[n] = 0;
	fclose(e);
	unlink(errf);
}

static size_t *identity(size_t n)
{
	size_t *o = malloc(n * sizeof(*o) * 2);
	for (size_t i = 0; i < n; i++)
		o[i] = i;
	return o;
}

static void assert_all_requests(const struct replay_res *r)
{
	cr_assert_eq(r->mms, E2E_PDUS, "%d PDUs; %s", r->mms, r->summary);
	cr_assert_eq(r->malformed, 0, "%s", r->summary);
	cr_assert_eq(r->nreq, E2E_NREQ);
	for (int i = 0; i < r->nreq; i++)
		cr_assert_eq(r->req_ids[i], 100u + (uint32_t)i, "request %d out of order", i);
	cr_assert(strstr(r->summary, " 0 stream gaps"), "%s", r->summary);
}

Test(replay_e2e, in_order_small_segments)
{
	const char *ctl = ctl_path();
	(void)ctl;
	struct frames *x = gen_session(false, MG_GEN_NO_VLAN, 24);
	size_t *o = identity(x->n);
	const char *path = MG_BINARY_DIR "/replay_e2e_inorder.pcap";
	write_pcap(x, o, x->n, path);
	struct replay_res r;
	run_replay(path, &r);
	assert_all_requests(&r);
	cr_assert_str_eq(r.first_src, "10.0.0.1:40000");
	unlink(path);
	free(o);
	frames_free(x);
}

Test(replay_e2e, reordered_and_duplicated_segments)
{
	const char *ctl = ctl_path();
	(void)ctl;
	struct frames *x = gen_session(false, MG_GEN_NO_VLAN, 16);
	size_t *o = identity(x->n);
	size_t n = 0;
	rng_state = 0x1234567887654321ull;
	/* Shuffle each run of consecutive data frames of one direction (the
	 * network reorders one path, never a reply before its request), and
	 * repeat every fourth data frame at the end of its run. */
	for (size_t i = 0; i < x->n;) {
		int d = frame_dir(x, i);
		size_t j = i + 1;
		while (d >= 0 && j < x->n && frame_dir(x, j) == d)
			j++;
		size_t start = n;
		for (size_t k = i; k < j; k++)
			o[n++] = k;
		for (size_t k = j - i; k > 1; k--) {
			size_t m = rnd() % k;
			size_t t = o[start + k - 1];
			o[start + k - 1] = o[start + m];
			o[start + m] = t;
		}
		for (size_t k = i; d >= 0 && k < j; k++)
			if (k % 4 == 0)
				o[n++] = k;
		i = j;
	}
	const char *path = MG_BINARY_DIR "/replay_e2e_reorder.pcap";
	write_pcap(x, o, n, path);
	struct replay_res r;
	run_replay(path, &r);
	assert_all_requests(&r);
	cr_assert_not(strstr(r.summary, " 0 retransmitted bytes"), "%s", r.summary);
	unlink(path);
	free(o);
	frames_free(x);
}

Test(replay_e2e, dropped_segment_is_a_gap_then_resync)
{
	const char *ctl = ctl_path();
	(void)ctl;
	struct frames *x = gen_session(false, MG_GEN_NO_VLAN, 24);
	size_t *o = malloc(x->n * sizeof(*o));
	size_t n = 0;
	/* Drop one client data frame in the middle of the read loop. */
	size_t drop = x->n / 2;
	while (frame_dir(x, drop) != 0)
		drop++;
	for (size_t i = 0; i < x->n; i++)
		if (i != drop)
			o[n++] = i;
	const char *path = MG_BINARY_DIR "/replay_e2e_drop.pcap";
	write_pcap(x, o, n, path);
	struct replay_res r;
	run_replay(path, &r);
	cr_assert(strstr(r.summary, " 1 stream gaps"), "%s", r.summary);
	/* The request that lost a segment is gone; everything after it is
	 * decoded again (resynchronised on the next TPKT). */
	cr_assert_eq(r.mms, E2E_PDUS - 1, "%d PDUs; %s", r.mms, r.summary);
	cr_assert_eq(r.nreq, E2E_NREQ - 1);
	cr_assert_eq(r.req_ids[r.nreq - 1], 100u + E2E_NREQ - 1);
	unlink(path);
	free(o);
	frames_free(x);
}

Test(replay_e2e, ipv6_vlan)
{
	const char *ctl = ctl_path();
	(void)ctl;
	struct frames *x = gen_session(true, 42, 1460);
	size_t *o = identity(x->n);
	const char *path = MG_BINARY_DIR "/replay_e2e_v6.pcap";
	write_pcap(x, o, x->n, path);
	struct replay_res r;
	run_replay(path, &r);
	assert_all_requests(&r);
	cr_assert_str_eq(r.first_src, "[2001:db8::1]:40000");
	unlink(path);
	free(o);
	frames_free(x);
}
#endif

/* ---- ctl/json_out.c (mmsgatectl's JSON writer, not in a library: the
 * source is compiled into this test directly) ---------------------------- */
#include "../../ctl/json_out.c"

static char *json_of(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	fn(f);
	fclose(f);
	return buf;
}

static void w_escapes(FILE *f)
{
	/* quote, backslash, control, DEL, valid UTF-8 (é, €), invalid bytes
	 * (lone continuation, truncated sequence, overlong, surrogate) */
	static const uint8_t s[] = {'a', '"', '\\', '\n', 0x01, 0x7f, 0xc3, 0xa9, 0xe2, 0x82, 0xac,
				    0x80, 0xe2, 0x82, 'z', 0xc0, 0xaf, 0xed, 0xa0, 0x80};
	mg_json_write_strn(f, s, sizeof(s));
}

static void w_nested(FILE *f)
{
	struct mg_json j;
	mg_json_init(&j, f);
	mg_json_obj_begin(&j);
	mg_json_kv_u64(&j, "frame", 7);
	mg_json_key(&j, "objects");
	mg_json_arr_begin(&j);
	mg_json_str(&j, "LD0/XCBR1$ST$Pos");
	mg_json_strn(&j, "x", 1);
	mg_json_arr_end(&j);
	mg_json_key(&j, "time");
	mg_json_raw(&j, "1.500000000");
	mg_json_kv_bool(&j, "b", true);
	mg_json_kv_i64(&j, "i", -3);
	mg_json_kv_str(&j, "n", NULL);
	mg_json_key(&j, "empty");
	mg_json_arr_begin(&j);
	mg_json_arr_end(&j);
	mg_json_obj_end(&j);
	mg_json_nl(&j);
	mg_json_obj_begin(&j);
	mg_json_obj_end(&j);
	mg_json_nl(&j);
}

Test(json_out, escapes_make_valid_json)
{
	char *s = json_of(w_escapes);
	cr_assert_str_eq(s, "\"a\\\"\\\\\\n\\u0001\\u007f\xc3\xa9\xe2\x82\xac\\u0080\\u00e2\\u0082z"
			    "\\u00c0\\u00af\\u00ed\\u00a0\\u0080\"");
	free(s);
}

Test(json_out, commas_across_nesting)
{
	char *s = json_of(w_nested);
	cr_assert_str_eq(s, "{\"frame\":7,\"objects\":[\"LD0/XCBR1$ST$Pos\",\"x\"],"
			    "\"time\":1.500000000,\"b\":true,\"i\":-3,\"n\":null,\"empty\":[]}\n{}\n");
	free(s);
}
