/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policy compiler and lookup benchmark (standalone; issue 3): for 10,
 * 1,000 and 10,000 prefixes and 10, 100 and 1,000 object patterns, the
 * compile time, the cost of a connection verdict (two prefix lookups + the
 * ip rules) and of an MMS verdict on one object — cache hit (SCADA polls
 * the same names) and cache miss (every name new: one Hyperscan scan).
 * Prints a table (best of 3 runs; the machine may be shared); no
 * thresholds. One glob per object rule, all distinct. `policy_bench l2`
 * runs only the L2 part (bitmap and declared-stream lookups). Build: see bench/CMakeLists.txt or
 *   cc -O2 -Ipolicy -Iproto bench/policy_bench.c -lmgpolicy -lmgproto -lhs
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "mg_gen.h"
#include "mg_goose.h"
#include "mg_iec61850.h"
#include "mg_policy.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint32_t rng = 2463534242u;
static uint32_t xr(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

struct buf {
	char *s;
	size_t n, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if ((size_t)k < b->cap - b->n) {
			b->n += (size_t)k;
			return;
		}
		b->cap = b->cap * 2 + 4096;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

/* A policy with nprefix prefixes over 16 sets and npat object rules. */
static char *make_policy(int nprefix, int npat)
{
	struct buf b = {0};
	b.cap = 1 << 16;
	b.s = malloc(b.cap);
	b.s[0] = 0;
	for (int s = 0; s < 16; s++) {
		bprintf(&b, "set s%d {", s);
		for (int i = s; i < nprefix; i += 16) {
			uint32_t a = 0x0A000000u | (xr() & 0x00FFFFFFu);
			int len = (i % 3) ? 32 : 24;
			if (len == 24)
				a &= 0xFFFFFF00u;
			if (i % 7 == 0)
				bprintf(&b, " fd00:%x:%x::/64,", xr() & 0xffff, xr() & 0xffff);
			else
				bprintf(&b, " %u.%u.%u.%u/%d,", a >> 24, (a >> 16) & 255,
				        (a >> 8) & 255, a & 255, len);
		}
		bprintf(&b, " 192.168.%d.0/24 }\n", s);
	}
	bprintf(&b, "set clients { @s0, @s1, @s2, @s3, @s4, @s5, @s6, @s7 }\n"
	            "set ieds { @s8, @s9, @s10, @s11, @s12, @s13, @s14, @s15 }\n"
	            "ip allow mms from @clients to @ieds\n");
	for (int i = 0; i < npat; i++) {
		if (i % 2)
			bprintf(&b, "mms deny from @s%d object \"LD%d/*GGIO%d$*\"\n", i % 8, i, i);
		else
			bprintf(&b, "mms alert from @s%d object \"*/XCBR%d$CO$*\"\n", i % 8, i);
	}
	bprintf(&b, "mms allow from @clients class read, browse, report, association\n"
	            "mms default deny\n");
	return b.s;
}

static void mkobj(struct mg_mms_pdu *pdu, const char *dom, const char *item)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->type = MG_MMS_CONFIRMED_REQUEST;
	pdu->service = MG_SVC_READ;
	pdu->nobj = 1;
	pdu->obj[0].scope = MG_OBJ_DOMAIN;
	pdu->obj[0].domain = (const uint8_t *)dom;
	pdu->obj[0].domain_len = (uint16_t)strlen(dom);
	pdu->obj[0].item = (const uint8_t *)item;
	pdu->obj[0].item_len = (uint16_t)strlen(item);
	mg_iec_classify(pdu);
}

/* L2: the VID-bitmap lookup alone (plain `l2 pass goose vlan …`), and with
 * declared streams (l2 … appid … dst …) the stream lookup the dataplane
 * makes on a cache miss: declared stream (binary search + MAC check) and
 * undeclared APPID. ns per frame, best of 3. */
static void l2_bench(void)
{
	static const int nstreams[] = {24, 1000};
	enum { N = 4000000 };
	printf("\n%-8s %14s %14s %14s\n", "streams", "l2 bitmap ns", "+stream hit ns",
	       "+stream miss ns");
	for (size_t k = 0; k < sizeof(nstreams) / sizeof(nstreams[0]); k++) {
		struct buf b = {0};
		int n = nstreams[k];
		bprintf(&b, "l2 pass goose vlan 100\n");
		for (int i = 0; i < n; i++)
			bprintf(&b, "l2 pass goose vlan %d appid 0x%04x dst 01:0c:cd:01:%02x:%02x\n",
			        200 + i % 8, 0x3000 + i, (i >> 8) & 255, i & 255);
		struct mg_diags d;
		mg_diags_init(&d);
		struct mg_policy *p = mg_policy_compile_string("l2", b.s, &d);
		mg_diags_free(&d);
		free(b.s);
		if (!p)
			return;
		double best[3] = {1e18, 1e18, 1e18};
		uint64_t sink = 0;
		for (int rep = 0; rep < 3; rep++) {
			double t0 = now_ns();
			for (int i = 0; i < N; i++)
				sink += mg_policy_l2(p, 0x88B8, 100);
			double t1 = now_ns();
			for (int i = 0; i < N; i++) {
				int s = i % n;
				uint8_t mac[6] = {1, 0x0c, 0xcd, 1, (uint8_t)(s >> 8), (uint8_t)s};
				uint16_t vid = (uint16_t)(200 + s % 8);
				if (mg_policy_l2(p, 0x88B8, vid) == MG_L2_STREAM)
					sink += mg_policy_l2_stream(p, 0x88B8, vid, 0x3000u + (unsigned)s, mac);
			}
			double t2 = now_ns();
			for (int i = 0; i < N; i++) {
				uint8_t mac[6] = {1, 0x0c, 0xcd, 1, 0, 1};
				uint16_t vid = (uint16_t)(200 + i % 8);
				if (mg_policy_l2(p, 0x88B8, vid) == MG_L2_STREAM)
					sink += mg_policy_l2_stream(p, 0x88B8, vid, 0x2000u + (unsigned)(i & 0xfff), mac);
			}
			double t3 = now_ns();
			double v[3] = {(t1 - t0) / N, (t2 - t1) / N, (t3 - t2) / N};
			for (int j = 0; j < 3; j++)
				if (v[j] < best[j])
					best[j] = v[j];
		}
		printf("%-8d %14.1f %14.1f %14.1f\n", n, best[0], best[1], best[2]);
		if (sink == 12345)
			printf(" ");
		mg_policy_free(p);
	}
	printf("(the dataplane caches (EtherType, VID) and (EtherType, VID, APPID, MAC) per worker: "
	       "these are its miss costs)\n");

	/* anomaly goose_replay: header parse + sequence check per GOOSE frame */
	uint8_t f[512];
	static const uint8_t src[6] = {2, 0, 0, 0, 0, 1};
	size_t fl = mg_gen_goose_frame(f, sizeof(f), src, 10, 0x3001, "IED1PROT/LLN0$GO$gcbTrip",
	                               "IED1PROT/LLN0$DS_Trip", 7, 0, true);
	struct mg_goose_seq sq = {0};
	double best = 1e18;
	uint64_t sink = 0;
	for (int rep = 0; rep < 3; rep++) {
		double t0 = now_ns();
		for (uint32_t i = 0; i < N; i++) {
			struct mg_goose g;
			enum mg_reason why;
			if (mg_goose_parse(f + 18, fl - 18, &g, &why) == MG_OK)
				sink += mg_goose_seq_check(&sq, g.st_num, g.sq_num + i);
		}
		double t = (now_ns() - t0) / N;
		if (t < best)
			best = t;
	}
	printf("goose_replay check (parse stNum/sqNum + sequence): %.1f ns/frame%s\n", best,
	       sink == 12345 ? " " : "");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "l2")) { /* only the L2 part */
		l2_bench();
		return 0;
	}
	static const int prefixes[] = {10, 1000, 10000};
	static const int patterns[] = {10, 100, 1000};
	printf("%-9s %-9s %11s %11s %13s %13s %13s\n", "prefixes", "patterns", "compile ms",
	       "conn ns", "mms hit ns", "mms hit cyc", "mms miss ns");
	printf("(patterns: object rules, one distinct glob each; regex database up to 32, literal "
	       "prefilter above)\n");
	for (size_t a = 0; a < 3; a++) {
		for (size_t b = 0; b < 3; b++) {
			char *text = make_policy(prefixes[a], patterns[b]);
			/* best of 3: the machine may be shared */
			struct mg_policy *p = NULL;
			double tc = 1e18;
			for (int rep = 0; rep < 3; rep++) {
				struct mg_diags d;
				mg_diags_init(&d);
				double t0 = now_ns();
				struct mg_policy *q = mg_policy_compile_string("bench", text, &d);
				double t1 = now_ns();
				if (!q) {
					mg_diags_print(&d, stderr);
					return 1;
				}
				mg_diags_free(&d);
				if (t1 - t0 < tc)
					tc = t1 - t0;
				mg_policy_free(p);
				p = q;
			}
			/* connection verdicts over random addresses in 10/8 */
			enum { NC = 200000 };
			struct mg_addr *ca = malloc(NC * sizeof(*ca));
			for (int i = 0; i < NC; i++) {
				uint32_t x = 0x0A000000u | (xr() & 0x00FFFFFFu);
				ca[i] = (struct mg_addr){
				    .ver = 4,
				    .a = {x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255}};
			}
			struct mg_policy_peer peer;
			uint32_t line;
			unsigned sink = 0;
			double tconn = 1e18;
			for (int rep = 0; rep < 3; rep++) {
				double c0 = now_ns();
				for (int i = 0; i + 1 < NC; i++)
					sink += mg_policy_conn(p, &ca[i], &ca[i + 1], 6, 40000, 102,
					                       &peer, &line);
				double c1 = now_ns();
				if (c1 - c0 < tconn)
					tconn = c1 - c0;
			}
			/* MMS verdicts: 64 names polled over and over (hits) */
			struct mg_policy_scratch *s = mg_policy_scratch_new();
			mg_policy_scratch_prepare(s, p);
			struct mg_addr cl = {.ver = 4, .a = {192, 168, 1, 5}},
			               sv = {.ver = 4, .a = {192, 168, 9, 5}};
			mg_policy_conn(p, &cl, &sv, 6, 40000, 102, &peer, &line);
			char items[64][48];
			struct mg_mms_pdu pdu[64];
			for (int i = 0; i < 64; i++) {
				snprintf(items[i], sizeof(items[i]), "MMXU%d$MX$TotW$mag$f", i);
				mkobj(&pdu[i], "MEAS", items[i]);
			}
			struct mg_verdict v;
			enum { NH = 1000000 };
			for (int i = 0; i < 64; i++)
				mg_policy_mms_verdict(p, s, &peer, true, &pdu[i], &v);
			double thit = 1e18, khit = 1e18;
			for (int rep = 0; rep < 3; rep++) {
				double h0 = now_ns();
				uint64_t k0 = __rdtsc();
				for (int i = 0; i < NH; i++) {
					mg_policy_mms_verdict(p, s, &peer, true, &pdu[i & 63], &v);
					sink += v.action;
				}
				uint64_t k1 = __rdtsc();
				double h1 = now_ns();
				if (h1 - h0 < thit) {
					thit = h1 - h0;
					khit = (double)(k1 - k0);
				}
			}
			/* misses: every name new */
			enum { NM = 50000 };
			static char mitems[NM][40];
			for (int i = 0; i < NM; i++)
				snprintf(mitems[i], sizeof(mitems[i]), "GGIO%d$ST$Ind%d$stVal",
				         i % 1500, i);
			struct mg_mms_pdu mp;
			double m0 = now_ns();
			for (int i = 0; i < NM; i++) {
				mkobj(&mp, "LD7", mitems[i]);
				mg_policy_mms_verdict(p, s, &peer, true, &mp, &v);
				sink += v.action;
			}
			double m1 = now_ns();
			printf("%-9d %-9d %11.2f %11.1f %13.1f %13.0f %13.1f\n", prefixes[a],
			       patterns[b], tc / 1e6, tconn / (NC - 1), thit / NH, khit / NH,
			       (m1 - m0) / NM);
			if (sink == 12345)
				printf(" ");
			mg_policy_scratch_free(s);
			mg_policy_free(p);
			free(ca);
			free(text);
		}
	}
	printf("(mms miss includes building the PDU and classifying it; conn = 2 prefix "
	       "lookups + rules)\n");
	l2_bench();
	return 0;
}
