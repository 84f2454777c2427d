/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Engine tests: the same stream fed whole, at every split point and byte by
 * byte must give identical events (kind, offsets, PDU, service, invokeID,
 * objects); COTP fragmentation, several TPKTs per chunk, non-MMS payloads,
 * bounds, and buffer accounting.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "mg_engine.h"
#include "mg_iec61850.h"
#include "mg_test_util.h"

/* A real IEC 61850 client → server stream (data phase of a read, then a
 * conclude), TPKT framed. */
static const char *read_req =
	"0300002b02f080" /* TPKT 43 + COTP DT EOT */
	"0100" "0100"    /* session GT, DT */
	"611e301c020103a017" /* fully-encoded data, PDV ctx 3, single-ASN1-type */
	"a015020100a410800101a10ba10980074d553124535478"; /* confirmed-req read */
static const char *read_rsp =
	"0300001d02f080010001006110300e020103a009a107020100a402a100";
static const char *conclude_req = "0300001602f0800100010061093007020103a0028b00";

struct evrec {
	uint8_t kind, dir, pdu;
	uint16_t service;
	uint32_t invoke;
	bool has_invoke;
	uint64_t end_off;
	enum mg_reason reason, anomaly;
	uint16_t nobj;
	char obj0[64];
	bool has_req;         /* ev->req: the request a response answered */
	uint16_t req_service;
	uint64_t req_hash;
};

struct evlog {
	struct evrec r[64];
	int n;
};

static void collect(void *ud, const struct mg_ev *ev)
{
	struct evlog *l = ud;

	cr_assert_lt(l->n, 64);
	struct evrec *r = &l->r[l->n++];

	memset(r, 0, sizeof(*r));
	r->kind = ev->kind;
	r->dir = ev->dir;
	r->end_off = ev->end_off;
	r->reason = ev->reason;
	r->anomaly = ev->anomaly;
	if (ev->req) {
		r->has_req = true;
		r->req_service = ev->req->service;
		r->req_hash = ev->req->obj_hash;
	}
	if (ev->mms) {
		r->pdu = ev->mms->type;
		r->service = ev->mms->service;
		r->has_invoke = ev->mms->has_invoke_id;
		r->invoke = ev->mms->invoke_id;
		r->nobj = ev->mms->nobj;
		if (ev->mms->nobj && ev->mms->obj[0].item)
			snprintf(r->obj0, sizeof(r->obj0), "%.*s", ev->mms->obj[0].item_len,
				 (const char *)ev->mms->obj[0].item);
	}
}

static int n_get, n_put;
static void *count_get(void *ud)
{
	n_get++;
	return malloc((size_t)(uintptr_t)ud);
}
static void count_put(void *ud, void *b)
{
	(void)ud;
	n_put++;
	free(b);
}

static void setup_engine(struct mg_engine *e, uint32_t bufsz, bool midstream)
{
	struct mg_engine_cfg cfg = {
		.buf_size = bufsz,
		.buf_get = count_get,
		.buf_put = count_put,
		.buf_ud = (void *)(uintptr_t)bufsz,
		.midstream_pickup = midstream,
	};
	mg_engine_init(e, &cfg);
	n_get = n_put = 0;
}

/* Feed `s` in chunks ending at the cut points; exact-size copies so ASan
 * catches any over-read. */
static void feed_cuts(struct mg_engine *e, struct mg_engine_conn *c, uint8_t dir,
		      const uint8_t *s, size_t n, const size_t *cuts, int ncuts, struct evlog *l)
{
	size_t at = 0;

	for (int i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;
		size_t k = end - at;
		uint8_t *chunk = malloc(k ? k : 1);

		memcpy(chunk, s + at, k);
		mg_engine_feed(e, c, dir, chunk, k, collect, l);
		free(chunk);
		at = end;
	}
}

static void assert_same(const struct evlog *a, const struct evlog *b, const char *what)
{
	cr_assert_eq(a->n, b->n, "%s: %d events vs %d", what, a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		const struct evrec *x = &a->r[i], *y = &b->r[i];

		cr_assert_eq(x->kind, y->kind, "%s ev %d", what, i);
		cr_assert_eq(x->end_off, y->end_off, "%s ev %d", what, i);
		cr_assert_eq(x->pdu, y->pdu, "%s ev %d", what, i);
		cr_assert_eq(x->service, y->service, "%s ev %d", what, i);
		cr_assert_eq(x->invoke, y->invoke, "%s ev %d", what, i);
		cr_assert_eq(x->reason, y->reason, "%s ev %d", what, i);
		cr_assert_eq(x->anomaly, y->anomaly, "%s ev %d", what, i);
		cr_assert_str_eq(x->obj0, y->obj0, "%s ev %d", what, i);
	}
}

static size_t stream_of(uint8_t *buf, size_t cap, const char *const *parts, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += mg_test_hex(parts[i], buf + len, cap - len);
	return len;
}

Test(engine, data_phase_whole_stream)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t s[256];
	const char *parts[] = { read_req, conclude_req };
	size_t n = stream_of(s, sizeof(s), parts, 2);

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, MG_DIR_C2S, s, n, collect, &l), MG_OK);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.r[0].kind, MG_EV_MMS);
	cr_assert_eq(l.r[0].pdu, MG_MMS_CONFIRMED_REQUEST);
	cr_assert_eq(l.r[0].service, MG_SVC_READ);
	cr_assert_eq(l.r[0].invoke, 0);
	cr_assert_eq(l.r[0].end_off, 43);
	cr_assert_eq(l.r[0].nobj, 1);
	cr_assert_str_eq(l.r[0].obj0, "MU1$STx");
	/* No initiate was seen: the request is flagged, not dropped here. */
	cr_assert_eq(l.r[0].anomaly, MG_R_ANOM_REQ_BEFORE_INIT);
	cr_assert_eq(l.r[1].pdu, MG_MMS_CONCLUDE_REQUEST);
	cr_assert_eq(l.r[1].end_off, n);
	cr_assert_eq(n_get, 0, "whole TPKTs need no buffer");
	mg_engine_conn_release(&e, &c);
}

Test(engine, every_split_point_and_byte_by_byte)
{
	uint8_t s[256];
	const char *parts[] = { read_req, conclude_req, read_req };
	size_t n = stream_of(s, sizeof(s), parts, 3);
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog ref = { 0 };

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	feed_cuts(&e, &c, 0, s, n, NULL, 0, &ref);
	cr_assert_eq(ref.n, 3);
	/* Same invokeID twice with no response: the second is a duplicate. */
	cr_assert_eq(ref.r[2].anomaly, MG_R_ANOM_REQ_BEFORE_INIT);

	for (size_t cut = 1; cut < n; cut++) {
		struct evlog l = { 0 };
		char what[32];

		mg_engine_conn_init(&c);
		feed_cuts(&e, &c, 0, s, n, &cut, 1, &l);
		snprintf(what, sizeof(what), "cut %zu", cut);
		assert_same(&ref, &l, what);
		mg_engine_conn_release(&e, &c);
	}
	size_t cuts[256];

	for (size_t i = 0; i < n - 1; i++)
		cuts[i] = i + 1;
	struct evlog l = { 0 };

	mg_engine_conn_init(&c);
	feed_cuts(&e, &c, 0, s, n, cuts, (int)n - 1, &l);
	assert_same(&ref, &l, "byte by byte");
	mg_engine_conn_release(&e, &c);
	cr_assert_eq(n_get, n_put, "every buffer returned");
}

Test(engine, response_matches_outstanding_request)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t a[128], b[128];
	size_t na = mg_test_hex(read_req, a, sizeof(a));
	size_t nb = mg_test_hex(read_rsp, b, sizeof(b));

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	/* Pretend the association is up so only invokeID tracking is tested. */
	c.state = MG_AS_ASSOCIATED;
	mg_engine_feed(&e, &c, MG_DIR_C2S, a, na, collect, &l);
	mg_engine_feed(&e, &c, MG_DIR_S2C, b, nb, collect, &l);
	mg_engine_feed(&e, &c, MG_DIR_S2C, b, nb, collect, &l);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.r[0].anomaly, MG_R_NONE);
	cr_assert_eq(l.r[1].pdu, MG_MMS_CONFIRMED_RESPONSE);
	cr_assert_eq(l.r[1].dir, MG_DIR_S2C);
	cr_assert_eq(l.r[1].anomaly, MG_R_NONE);
	cr_assert_eq(l.r[2].anomaly, MG_R_ANOM_UNSOLICITED_RESP);
	/* The response carries what its request named (mg_pending.h). */
	cr_assert(l.r[1].has_req);
	cr_assert_eq(l.r[1].req_service, MG_SVC_READ);
	struct mg_mms_obj o = { .scope = MG_OBJ_VMD, .kind = MG_OBJK_VARLIST,
				.item = (const uint8_t *)"MU1$STx", .item_len = 7 };
	cr_assert_eq(l.r[1].req_hash, mg_pending_obj_hash(&o), "obj0 %s n %u", l.r[0].obj0, l.r[0].nobj);
	cr_assert_not(l.r[0].has_req);
	cr_assert_not(l.r[2].has_req);
	/* Same invokeID again while outstanding. */
	mg_engine_feed(&e, &c, MG_DIR_C2S, a, na, collect, &l);
	mg_engine_feed(&e, &c, MG_DIR_C2S, a, na, collect, &l);
	cr_assert_eq(l.r[4].anomaly, MG_R_ANOM_DUP_INVOKE_ID);
}

/* Re-frame the read request's TSDU as three DT TPDUs (EOT 0, 0, 1). */
static size_t fragmented_read(uint8_t *out, size_t cap)
{
	uint8_t req[128];
	size_t n = mg_test_hex(read_req, req, sizeof(req));
	const uint8_t *tsdu = req + 7;
	size_t tl = n - 7, cuts[] = { 0, 5, 17, tl }, len = 0;

	for (int i = 0; i < 3; i++) {
		size_t k = cuts[i + 1] - cuts[i];
		uint16_t tot = (uint16_t)(7 + k);

		cr_assert_leq(len + tot, cap);
		out[len++] = 3;
		out[len++] = 0;
		out[len++] = (uint8_t)(tot >> 8);
		out[len++] = (uint8_t)tot;
		out[len++] = 2;
		out[len++] = 0xf0;
		out[len++] = i == 2 ? 0x80 : 0x00;
		memcpy(out + len, tsdu + cuts[i], k);
		len += k;
	}
	return len;
}

Test(engine, cotp_fragmented_tsdu)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog ref = { 0 };
	uint8_t s[256];
	size_t n = fragmented_read(s, sizeof(s));

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	feed_cuts(&e, &c, 0, s, n, NULL, 0, &ref);
	cr_assert_eq(ref.n, 1, "one event for the whole TSDU");
	cr_assert_eq(ref.r[0].kind, MG_EV_MMS);
	cr_assert_eq(ref.r[0].service, MG_SVC_READ);
	cr_assert_eq(ref.r[0].end_off, n);
	cr_assert_str_eq(ref.r[0].obj0, "MU1$STx");
	cr_assert_eq(mg_engine_pending(&c, 0), 0);
	for (size_t cut = 1; cut < n; cut++) {
		struct evlog l = { 0 };

		mg_engine_conn_init(&c);
		feed_cuts(&e, &c, 0, s, n, &cut, 1, &l);
		assert_same(&ref, &l, "fragmented");
		mg_engine_conn_release(&e, &c);
	}
	cr_assert_eq(n_get, n_put);
}

Test(engine, tsdu_over_bound_is_malformed)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t s[256];
	size_t n = fragmented_read(s, sizeof(s));

	setup_engine(&e, 20, true); /* smaller than the TSDU */
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, 0, s, n, collect, &l), MG_MALFORMED);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.r[0].kind, MG_EV_MALFORMED);
	cr_assert_eq(l.r[0].reason, MG_R_COTP_TSDU_TOO_BIG);
	/* Poisoned: later bytes are refused at once. */
	cr_assert_eq(mg_engine_feed(&e, &c, 0, s, 7, collect, &l), MG_MALFORMED);
	cr_assert_eq(l.r[1].reason, MG_R_ENG_POISONED);
	cr_assert_eq(l.r[1].end_off, n + 7);
	mg_engine_conn_release(&e, &c);
	cr_assert_eq(n_get, n_put);
}

Test(engine, s7comm_is_not_mms)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	/* TPKT, COTP DT EOT, S7comm header (protocol id 0x32, job). */
	uint8_t s[64];
	size_t n = mg_test_hex("0300001902f08032010000000000080000f0000001000101e0", s, sizeof(s));

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, 0, s, n, collect, &l), MG_MALFORMED);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.r[0].kind, MG_EV_NOT_MMS);
	cr_assert_eq(l.r[0].reason, MG_R_NOT_MMS_S7COMM);
}

Test(engine, garbage_is_refused_early)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	const uint8_t http[] = "GET / HTTP/1.1\r\n";

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, 0, http, 1, collect, &l), MG_MALFORMED);
	cr_assert_eq(l.r[0].reason, MG_R_TPKT_VERSION);
	cr_assert_eq(l.r[0].end_off, 1);
	/* A TPKT length below 7 split over two chunks. */
	const uint8_t bad[] = { 3, 0, 0, 5 };
	struct evlog m = { 0 };

	mg_engine_conn_init(&c);
	mg_engine_feed(&e, &c, 0, bad, 2, collect, &m);
	cr_assert_eq(m.n, 0);
	mg_engine_feed(&e, &c, 0, bad + 2, 2, collect, &m);
	cr_assert_eq(m.n, 1);
	cr_assert_eq(m.r[0].reason, MG_R_TPKT_LEN_SHORT);
}

Test(engine, cotp_connect_events_and_state)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t cr[64], cc[64];
	size_t ncr = mg_test_hex("030000130ee00000000600c1020002c2020001", cr, sizeof(cr));
	size_t ncc = mg_test_hex("0300001611d01801000400c1020002c2020200c0010a", cc, sizeof(cc));

	setup_engine(&e, 4096, false);
	mg_engine_conn_init(&c);
	mg_engine_feed(&e, &c, MG_DIR_C2S, cr, ncr, collect, &l);
	cr_assert_eq(c.state, MG_AS_COTP_CR);
	mg_engine_feed(&e, &c, MG_DIR_S2C, cc, ncc, collect, &l);
	cr_assert_eq(c.state, MG_AS_COTP_OPEN);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.r[0].kind, MG_EV_COTP);
	cr_assert_eq(l.r[1].kind, MG_EV_COTP);
	cr_assert_eq(l.r[1].dir, MG_DIR_S2C);
	cr_assert_eq(l.r[1].end_off, ncc);
}

Test(engine, data_before_connect_without_pickup)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t s[128];
	size_t n = mg_test_hex(read_req, s, sizeof(s));

	setup_engine(&e, 4096, false);
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, 0, s, n, collect, &l), MG_MALFORMED);
	cr_assert_eq(l.r[0].reason, MG_R_COTP_DATA_BEFORE_CC);
}

Test(engine, bare_mms_on_cotp_is_flagged)
{
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t s[32];
	/* TPKT, COTP DT EOT, then conclude-request with no session/pres/ACSE. */
	size_t n = mg_test_hex("0300000902f080" "8b00", s, sizeof(s));

	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	cr_assert_eq(mg_engine_feed(&e, &c, 0, s, n, collect, &l), MG_OK);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.r[0].kind, MG_EV_MMS);
	cr_assert_eq(l.r[0].pdu, MG_MMS_CONCLUDE_REQUEST);
	cr_assert_eq(l.r[0].anomaly, MG_R_ANOM_BARE_MMS);
}

/* A DT without EOT, then a control TPDU: the partial TSDU gets no event
 * that would cover its bytes (nothing may be released before its unit has
 * a verdict); the direction is refused from there. */
Test(engine, control_tpdu_inside_tsdu_is_refused)
{
	static const char *const after[] = {
		"0300001611d01801000400c1020002c2020200c0010a", /* CC */
		"0300000b06800000000000",                       /* DR, li 6 */
		"030000090470000001",                           /* ER */
		"030000130ee00000000600c1020002c2020001",       /* CR */
	};
	for (unsigned k = 0; k < sizeof(after) / sizeof(after[0]); k++) {
		struct mg_engine e;
		struct mg_engine_conn c;
		struct evlog l = {0};
		uint8_t s[256], t[64];
		size_t n = fragmented_read(s, sizeof(s));
		/* the first DT (no EOT) of the fragmented read: 7 + 5 bytes */
		size_t first = 12;
		size_t nt = mg_test_hex(after[k], t, sizeof(t));

		setup_engine(&e, 4096, true);
		mg_engine_conn_init(&c);
		cr_assert_eq(mg_engine_feed(&e, &c, 0, s, first, collect, &l), MG_OK);
		cr_assert_eq(l.n, 0);
		cr_assert_eq(mg_engine_feed(&e, &c, 0, t, nt, collect, &l), MG_MALFORMED,
			     "case %u", k);
		cr_assert_eq(l.n, 1);
		cr_assert_eq(l.r[0].kind, MG_EV_MALFORMED);
		cr_assert_eq(l.r[0].reason, MG_R_COTP_TPDU_IN_TSDU, "case %u", k);
		/* the rest of the TSDU no longer completes anything */
		cr_assert_eq(mg_engine_feed(&e, &c, 0, s + first, n - first, collect, &l),
			     MG_MALFORMED);
		cr_assert_eq(l.r[1].reason, MG_R_ENG_POISONED);
		mg_engine_conn_release(&e, &c);
		cr_assert_eq(n_get, n_put);
	}
}

/* ED (with user data that would reach the receiver uninspected), EA, AK,
 * RJ, and user data on a class 0 CR or DR: never forwarded as harmless
 * control units. */
Test(engine, tpdu_types_class0_does_not_use)
{
	static const char *const bad[] = {
		"0300000f0410000080" "deadbeef6161",  /* ED, EOT, 6 bytes of data */
		"030000090420000080",                 /* EA */
		"030000090460000005",                 /* AK */
		"030000090450000005",                 /* RJ */
		"030000180ee00000000600c1020002c2020001" "4142434445", /* CR + user data */
		"0300000d06800000000000" "4142",      /* DR + user data */
	};
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct mg_engine e;
		struct mg_engine_conn c;
		struct evlog l = {0};
		uint8_t t[64];
		size_t nt = mg_test_hex(bad[k], t, sizeof(t));

		cr_assert_eq((size_t)(t[2] << 8 | t[3]), nt, "case %u: TPKT length", k);
		setup_engine(&e, 4096, true);
		mg_engine_conn_init(&c);
		c.cotp_connected = true;
		c.state = MG_AS_ASSOCIATED;
		cr_assert_eq(mg_engine_feed(&e, &c, 0, t, nt, collect, &l), MG_MALFORMED,
			     "case %u", k);
		cr_assert_eq(l.n, 1);
		cr_assert_eq(l.r[0].reason, MG_R_COTP_NOT_CLASS0, "case %u", k);
		cr_assert_eq(l.r[0].end_off, nt);
	}
}

/* An unknown MMS service inside a well-framed TPKT: reported as malformed
 * for that unit only, and the next TPKT is decoded (monitor mode, alert
 * and replay keep inspecting). Broken framing still poisons. */
Test(engine, resync_after_malformed_unit)
{
	static const char *bad_svc =
		"0300002c02f080" "0100" "0100" "611f301d020103a018"
		"a016020100bf5a10800101a10ba10980074d553124535478"; /* service tag 90 */
	struct mg_engine e;
	struct mg_engine_conn c;
	struct evlog l = { 0 };
	uint8_t s[256];
	size_t n = mg_test_hex(bad_svc, s, sizeof(s));

	n += mg_test_hex(read_req, s + n, sizeof(s) - n);
	setup_engine(&e, 4096, true);
	mg_engine_conn_init(&c);
	c.state = MG_AS_ASSOCIATED;
	cr_assert_eq(mg_engine_feed(&e, &c, MG_DIR_C2S, s, n, collect, &l), MG_OK);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.r[0].kind, MG_EV_MALFORMED);
	cr_assert_eq(l.r[0].reason, MG_R_MMS_SERVICE);
	cr_assert_eq(l.r[0].end_off, 0x2c);
	cr_assert_eq(l.r[1].kind, MG_EV_MMS);
	cr_assert_eq(l.r[1].service, MG_SVC_READ);
	cr_assert_not(c.d[MG_DIR_C2S].poisoned);
	/* broken framing (TPKT version 4) poisons the direction */
	static const uint8_t bad_tpkt[] = { 4, 0, 0, 8, 2, 0xf0, 0x80, 0 };

	cr_assert_eq(mg_engine_feed(&e, &c, MG_DIR_C2S, bad_tpkt, sizeof(bad_tpkt), collect, &l),
		     MG_MALFORMED);
	cr_assert(c.d[MG_DIR_C2S].poisoned);
	mg_engine_conn_release(&e, &c);
}
