/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate-attacks DIR: writes one capture per transport-level evasion of
 * issue 11, plus legitimate look-alikes that must pass, and DIR/expect.txt
 * ("NAME KIND CLIENT_PORT REASON…": KIND refuse = at least one of the reasons must
 * refuse something and the operate must never reach the IED; KIND legit =
 * nothing refused, the reads answered).
 *
 * Every attack capture is the same story: a read-only host (10.10.3.20,
 * tests/scripts/attack.policy) associates with the IED 10.20.0.5, reads
 * once, then tries to get an operate of IED1CTRL/CSWI1$CO$Pos$Oper past
 * the gate by one trick: an innocuous read of the same length the IED would
 * discard (bad checksum, no ACK, ACK of unsent data, TTL, IP options,
 * outside the window) followed by the operate at the same sequence
 * numbers; a conflicting retransmission; urgent data; data on RST or SYN;
 * a partial TSDU released by a control TPDU; an operate inside a COTP ED;
 * an operate in IP fragments. Built with the generator's frames (correct
 * checksums), then patched here and re-checksummed. The same host over IPv6
 * (fd00:10::20 to fd00:20::5): decoys with an extension header (hop-by-hop
 * or destination options with a "discard" option, a type 0 routing header),
 * an atomic fragment (RFC 6946) or hop limit 1, and the operate in two IPv6
 * fragments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_gen.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define OPER            "IED1CTRL/CSWI1$CO$Pos$Oper"

static uint8_t pdu[16384];

/* ---- frame patching ---------------------------------------------------------- */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v);
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Untagged IPv4 frames only (what this generator builds). */
#define L3 14
static size_t ihl(const uint8_t *f)
{
	return (size_t)(f[L3] & 0x0f) * 4;
}
static uint8_t *tcp_of(uint8_t *f)
{
	return f + L3 + ihl(f);
}

/* Recompute the IPv4 header and TCP checksums of a whole (unfragmented) frame. */
static void refix(uint8_t *f)
{
	uint8_t *ip = f + L3, *t = tcp_of(f);
	size_t tot = rd16(ip + 2), tl = tot - ihl(f);
	uint32_t s = 6 + (uint32_t)tl;

	wr16(ip + 10, 0);
	wr16(ip + 10, csum(ip, ihl(f), 0));
	for (int i = 0; i < 8; i += 2)
		s += rd16(ip + 12 + i);
	wr16(t + 16, 0);
	wr16(t + 16, csum(t, tl, s));
}

/* ---- output --------------------------------------------------------------------- */

static struct mg_gen_pcap pc;
static FILE *expect;
static struct mg_gen_sink sink;

static void put(const uint8_t *f, size_t n)
{
	mg_gen_pcap_write(&pc, f, n);
}

/* One TCP frame from dir at its current seq (advancing it), not emitted. */
static size_t frame(uint8_t *buf, struct mg_gen_conn *c, int dir, uint8_t flags, const uint8_t *p,
                    size_t n)
{
	return mg_gen_tcp_frame(buf, 2048, c, dir, flags, p, n);
}

/* ---- the story -------------------------------------------------------------------- */

static void conn(struct mg_gen_conn *c, uint16_t port)
{
	mg_gen_conn_init4(c, IP4(10, 10, 3, 20), port, IP4(10, 20, 0, 5), 102, sink);
}

static size_t operate_stream(struct mg_gen_conn *c, uint8_t *out, size_t cap)
{
	size_t n = mg_gen_mms_write_oper(pdu, sizeof(pdu), c->next_invoke, OPER, true, 1, true);
	return mg_gen_conn_wrap_mms(c, out, cap, pdu, n);
}

/* A read request stream of exactly len bytes (the name is padded). */
static size_t read_stream_len(struct mg_gen_conn *c, uint8_t *out, size_t cap, size_t len)
{
	char name[200];
	for (size_t k = 1; k < 150; k++) {
		char pad[160];
		memset(pad, 'q', k);
		pad[k] = '\0';
		snprintf(name, sizeof(name), "IED1CTRL/XCBR1$ST$Pos%s", pad);
		const char *names[1] = {name};
		size_t n = mg_gen_mms_read(pdu, sizeof(pdu), c->next_invoke, names, 1);
		size_t s = mg_gen_conn_wrap_mms(c, out, cap, pdu, n);
		if (s == len)
			return s;
	}
	fprintf(stderr, "mmsgate-attacks: no read of %zu bytes\n", len);
	exit(1);
}

static void legit_read(struct mg_gen_conn *c)
{
	static const char *const names[1] = {"IED1CTRL/XCBR1$ST$Pos"};
	static const struct mg_gen_data v[1] = {{.kind = MG_GEN_D_BOOL, .i = 1}};
	uint32_t id = c->next_invoke++;
	mg_gen_conn_mms(c, 0, pdu, mg_gen_mms_read(pdu, sizeof(pdu), id, names, 1));
	mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, v, 1));
}

/* Client port of the capture being written (one connection each, so one
 * daemon run can take all captures and tell them apart). */
static unsigned cur_port;

static void begin(const char *dir, const char *name, const char *kind, const char *reasons)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	if (mg_gen_pcap_open(&pc, path)) {
		perror(path);
		exit(1);
	}
	sink = mg_gen_pcap_sink(&pc);
	fprintf(expect, "%s %s %u %s\n", name, kind, cur_port, reasons);
}

static void end(void)
{
	if (mg_gen_pcap_close(&pc)) {
		fprintf(stderr, "mmsgate-attacks: write error\n");
		exit(1);
	}
}

enum decoy { D_TCP_CSUM, D_IP_CSUM, D_NO_ACK, D_ACK_UNSENT, D_TTL, D_IP_OPT, D_WINDOW, D_SAME };

/* Decoy read of the operate's length that the IED would discard, then the
 * operate at the same sequence numbers. */
static void decoy_then_operate(enum decoy how)
{
	struct mg_gen_conn c;
	uint8_t op[1024], rd[1024], f[2048], g[2048];
	conn(&c, (uint16_t)(50100 + how));
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	size_t nr = read_stream_len(&c, rd, sizeof(rd), no);
	uint32_t seq0 = c.ep[0].seq;
	size_t n = frame(f, &c, 0, 0x18, rd, nr);
	uint8_t *t = tcp_of(f);
	switch (how) {
	case D_TCP_CSUM:
		refix(f);
		t[16] ^= 0x5a;
		break;
	case D_IP_CSUM:
		refix(f);
		f[L3 + 10] ^= 0x5a;
		break;
	case D_NO_ACK:
		t[13] = 0x08;
		refix(f);
		break;
	case D_ACK_UNSENT:
		wr32(t + 8, c.ep[1].seq + 5000);
		refix(f);
		break;
	case D_TTL:
		f[L3 + 8] = 1;
		refix(f);
		break;
	case D_WINDOW:
		wr32(t + 4, seq0 + 200000);
		refix(f);
		break;
	case D_SAME: break;
	case D_IP_OPT:
		/* Router alert (RFC 2113): 4 bytes of IPv4 options. */
		memmove(f + L3 + 24, f + L3 + 20, n - L3 - 20);
		memcpy(f + L3 + 20, (const uint8_t[]){0x94, 0x04, 0x00, 0x00}, 4);
		f[L3] = 0x46;
		wr16(f + L3 + 2, rd16(f + L3 + 2) + 4);
		n += 4;
		refix(f);
		break;
	}
	put(f, n);
	c.ep[0].seq = seq0;
	n = frame(g, &c, 0, 0x18, op, no);
	put(g, n);
	c.next_invoke++;
	/* The IED (had it seen a read) answers; the client goes on reading. */
	legit_read(&c);
}

static void urgent(void)
{
	struct mg_gen_conn c;
	uint8_t op[1024], f[2048];
	conn(&c, 50002);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	size_t n = frame(f, &c, 0, 0x38, op, no);
	wr16(tcp_of(f) + 18, 1); /* urgent pointer: the first byte */
	refix(f);
	put(f, n);
}

static void rst_data(void)
{
	struct mg_gen_conn c;
	uint8_t op[1024], f[2048];
	conn(&c, 50003);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	put(f, frame(f, &c, 0, 0x14, op, no)); /* RST|ACK carrying the operate */
}

static void syn_data(void)
{
	struct mg_gen_conn c;
	uint8_t op[1024], f[2048];
	conn(&c, 50004);
	size_t no = operate_stream(&c, op, sizeof(op));
	put(f, frame(f, &c, 0, 0x02, op, no)); /* SYN carrying the operate */
}

/* The operate's TSDU in two DTs; between them a control TPDU (CR). */
static void cotp_partial(void)
{
	struct mg_gen_conn c;
	uint8_t s[2048], tsdu[1024];
	conn(&c, 50005);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t n = mg_gen_mms_write_oper(pdu, sizeof(pdu), c.next_invoke, OPER, true, 1, true);
	size_t tl = mg_gen_osi_data(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	size_t k = mg_gen_cotp_dt(s, sizeof(s), tsdu, tl, tl / 2 + 1); /* two DTs */
	size_t first = 7 + tl / 2 + 1;
	uint8_t cr[64];
	size_t ncr = mg_gen_cotp_cr(cr, sizeof(cr), 0x4242);
	mg_gen_conn_send(&c, 0, s, first);
	mg_gen_conn_send(&c, 0, cr, ncr);
	mg_gen_conn_send(&c, 0, s + first, k - first);
}

/* The operate's TSDU carried in a COTP expedited data TPDU. */
static void cotp_ed(void)
{
	struct mg_gen_conn c;
	uint8_t s[2048], tsdu[1024];
	conn(&c, 50006);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t n = mg_gen_mms_write_oper(pdu, sizeof(pdu), c.next_invoke, OPER, true, 1, true);
	size_t tl = mg_gen_osi_data(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	size_t tot = 4 + 5 + tl;
	s[0] = 3;
	s[1] = 0;
	wr16(s + 2, (uint32_t)tot);
	memcpy(s + 4, (const uint8_t[]){0x04, 0x10, 0x00, 0x01, 0x80}, 5); /* ED, EOT */
	memcpy(s + 9, tsdu, tl);
	mg_gen_conn_send(&c, 0, s, tot);
}

/* The operate segment as two IPv4 fragments. */
static void fragments(void)
{
	struct mg_gen_conn c;
	uint8_t op[1024], f[2048], a[2048], b[2048];
	conn(&c, 50007);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	size_t n = frame(f, &c, 0, 0x18, op, no);
	size_t l4 = n - L3 - 20, cut = 24; /* TCP header + 4 bytes, 8-aligned */
	memcpy(a, f, L3 + 20 + cut);
	wr16(a + L3 + 2, (uint32_t)(20 + cut));
	wr16(a + L3 + 6, 0x2000); /* MF */
	wr16(a + L3 + 10, 0);
	wr16(a + L3 + 10, csum(a + L3, 20, 0));
	memcpy(b, f, L3 + 20);
	memcpy(b + L3 + 20, f + L3 + 20 + cut, l4 - cut);
	wr16(b + L3 + 2, (uint32_t)(20 + l4 - cut));
	wr16(b + L3 + 6, (uint32_t)(cut / 8));
	wr16(b + L3 + 10, 0);
	wr16(b + L3 + 10, csum(b + L3, 20, 0));
	put(a, L3 + 20 + cut);
	put(b, L3 + 20 + l4 - cut);
}

/* ---- IPv6 -------------------------------------------------------------------------- */

static void conn6(struct mg_gen_conn *c, uint16_t port)
{
	static const uint8_t cli[16] = {0xfd, 0, 0, 0x10, [15] = 0x20}; /* fd00:10::20 */
	static const uint8_t ied[16] = {0xfd, 0, 0, 0x20, [15] = 0x05}; /* fd00:20::5 */
	mg_gen_conn_init6(c, cli, port, ied, 102, sink);
}

/* Untagged IPv6 frames: header at L3, next header at +6, payload length at +4. */
#define V6_NH   (L3 + 6)
#define V6_PLEN (L3 + 4)

/* Insert extension header ext[0..el) of type `type` right after the IPv6
 * header of f (n bytes); its next-header byte is taken from the IPv6
 * header. The TCP checksum does not change (same pseudo header). */
static size_t v6_insert(uint8_t *f, size_t n, uint8_t type, const uint8_t *ext, size_t el)
{
	memmove(f + L3 + 40 + el, f + L3 + 40, n - L3 - 40);
	memcpy(f + L3 + 40, ext, el);
	f[L3 + 40] = f[V6_NH];
	f[V6_NH] = type;
	wr16(f + V6_PLEN, rd16(f + V6_PLEN) + (uint32_t)el);
	return n + el;
}

enum decoy6 { D6_HBH, D6_DSTOPTS, D6_RTHDR, D6_ATOMIC, D6_HLIM };

/* The IPv6 decoys: a read of the operate's length the IED (or the router
 * before it) would discard — or, for the atomic fragment, accept — then the
 * operate at the same sequence numbers. */
static void decoy6_then_operate(enum decoy6 how)
{
	struct mg_gen_conn c;
	uint8_t op[1024], rd[1024], f[2048], g[2048];
	/* Option 0x5e (experimental, action bits 01): discard the packet. */
	static const uint8_t discard[8] = {0, 0, 0x5e, 4, 0, 0, 0, 0};
	static const uint8_t atomic[8] = {0, 0, 0, 0, 0, 0, 0x62, 0x00}; /* offset 0, M=0 */
	uint8_t rh0[24] = {0, 2, 0, 1}; /* type 0, one segment left: the IED */

	conn6(&c, (uint16_t)(50200 + how));
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	size_t nr = read_stream_len(&c, rd, sizeof(rd), no);
	uint32_t seq0 = c.ep[0].seq;
	size_t n = frame(f, &c, 0, 0x18, rd, nr);
	switch (how) {
	case D6_HBH: n = v6_insert(f, n, 0, discard, 8); break;
	case D6_DSTOPTS: n = v6_insert(f, n, 60, discard, 8); break;
	case D6_RTHDR:
		memcpy(rh0 + 8, f + L3 + 24, 16);
		n = v6_insert(f, n, 43, rh0, 24);
		break;
	case D6_ATOMIC: n = v6_insert(f, n, 44, atomic, 8); break;
	case D6_HLIM: f[L3 + 7] = 1; break;
	}
	put(f, n);
	c.ep[0].seq = seq0;
	n = frame(g, &c, 0, 0x18, op, no);
	put(g, n);
	c.next_invoke++;
	legit_read(&c);
}

/* The operate segment as two IPv6 fragments (RFC 8200 §4.5). */
static void fragments6(void)
{
	struct mg_gen_conn c;
	uint8_t op[1024], f[2048], a[2048], b[2048];
	conn6(&c, 50206);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	size_t no = operate_stream(&c, op, sizeof(op));
	size_t n = frame(f, &c, 0, 0x18, op, no);
	size_t l4 = n - L3 - 40, cut = 24;              /* TCP header + 4 bytes, 8-aligned */
	uint8_t fh[8] = {6, 0, 0, 1, 0, 0, 0x62, 0x06}; /* offset 0, M=1 */

	memcpy(a, f, L3 + 40);
	a[V6_NH] = 44;
	wr16(a + V6_PLEN, (uint32_t)(8 + cut));
	memcpy(a + L3 + 40, fh, 8);
	memcpy(a + L3 + 48, f + L3 + 40, cut);
	memcpy(b, a, L3 + 40);
	wr16(b + V6_PLEN, (uint32_t)(8 + l4 - cut));
	wr16(fh + 2, (uint32_t)cut); /* offset cut (8-byte units, in the top 13 bits), M=0 */
	memcpy(b + L3 + 40, fh, 8);
	memcpy(b + L3 + 48, f + L3 + 40 + cut, l4 - cut);
	put(a, L3 + 48 + cut);
	put(b, L3 + 48 + l4 - cut);
}

/* ---- legitimate look-alikes ------------------------------------------------------ */

static void legit_retrans(void)
{
	struct mg_gen_conn c;
	uint8_t s[1024], f[2048];
	static const char *const names[1] = {"IED1CTRL/XCBR1$ST$Pos"};
	conn(&c, 50011);
	mg_gen_conn_associate(&c);
	size_t n = mg_gen_mms_read(pdu, sizeof(pdu), c.next_invoke, names, 1);
	size_t k = mg_gen_conn_wrap_mms(&c, s, sizeof(s), pdu, n);
	uint32_t seq0 = c.ep[0].seq;
	put(f, frame(f, &c, 0, 0x18, s, k));
	c.ep[0].seq = seq0; /* the same bytes again (RTO) */
	put(f, frame(f, &c, 0, 0x18, s, k));
	c.ep[0].seq = seq0; /* and re-segmented */
	put(f, frame(f, &c, 0, 0x10, s, 10));
	put(f, frame(f, &c, 0, 0x18, s + 10, k - 10));
	mg_gen_conn_ack(&c, 1);
	static const struct mg_gen_data v[1] = {{.kind = MG_GEN_D_BOOL, .i = 1}};
	mg_gen_conn_mms(&c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), c.next_invoke, v, 1));
	c.next_invoke++;
	legit_read(&c);
}

static void legit_keepalive(void)
{
	struct mg_gen_conn c;
	uint8_t f[2048];
	conn(&c, 50012);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	for (int i = 0; i < 3; i++) {
		/* Linux: no data at snd_una - 1; BSD/Windows: one garbage byte. */
		c.ep[0].seq--;
		put(f, frame(f, &c, 0, 0x10, i == 1 ? (const uint8_t *)"\0" : NULL, i == 1));
		if (i != 1)
			c.ep[0].seq++;
		mg_gen_conn_ack(&c, 1);
	}
	legit_read(&c);
}

static void legit_zero_window(void)
{
	struct mg_gen_conn c;
	uint8_t s[1024], f[2048];
	static const char *const names[1] = {"IED1CTRL/XCBR1$ST$Pos"};
	conn(&c, 50013);
	mg_gen_conn_associate(&c);
	legit_read(&c);
	/* The IED closes its window. */
	size_t n = frame(f, &c, 1, 0x10, NULL, 0);
	wr16(tcp_of(f) + 14, 0);
	refix(f);
	put(f, n);
	n = mg_gen_mms_read(pdu, sizeof(pdu), c.next_invoke, names, 1);
	size_t k = mg_gen_conn_wrap_mms(&c, s, sizeof(s), pdu, n);
	uint32_t seq0 = c.ep[0].seq;
	for (int i = 0; i < 2; i++) { /* window probes: the first byte, twice */
		c.ep[0].seq = seq0;
		put(f, frame(f, &c, 0, 0x10, s, 1));
		n = frame(f, &c, 1, 0x10, NULL, 0); /* still closed */
		wr16(tcp_of(f) + 14, 0);
		refix(f);
		put(f, n);
	}
	c.ep[0].seq = seq0;
	mg_gen_conn_ack(&c, 1); /* the window opens; the probe byte was not taken */
	put(f, frame(f, &c, 0, 0x18, s, k));
	mg_gen_conn_ack(&c, 1);
	static const struct mg_gen_data v[1] = {{.kind = MG_GEN_D_BOOL, .i = 1}};
	mg_gen_conn_mms(&c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), c.next_invoke, v, 1));
	c.next_invoke++;
	legit_read(&c);
}

/* A read of ~750 bytes in one-byte segments (the IED ACKs every 10): more
 * segments than the daemon holds (512) before it coalesces them. */
static void legit_tiny(void)
{
	struct mg_gen_conn c;
	uint8_t s[2048], f[2048];
	static const char *const base[6] = {
	    "IED1CTRL/XCBR1$ST$Pos$stVal",  "IED1CTRL/XCBR1$ST$Pos$q",
	    "IED1CTRL/XCBR1$ST$Pos$t",      "IED1CTRL/CSWI1$ST$Pos$stVal",
	    "IED1MEAS/MMXU1$MX$TotW$mag$f", "IED1MEAS/MMXU1$MX$Hz$mag$f"};
	const char *names[24];
	for (int i = 0; i < 24; i++)
		names[i] = base[i % 6];
	conn(&c, 50014);
	mg_gen_conn_associate(&c);
	size_t n = mg_gen_mms_read(pdu, sizeof(pdu), c.next_invoke, names, 24);
	size_t k = mg_gen_conn_wrap_mms(&c, s, sizeof(s), pdu, n);
	for (size_t i = 0; i < k; i++) {
		put(f, frame(f, &c, 0, i + 1 == k ? 0x18 : 0x10, s + i, 1));
		if (i % 10 == 9)
			mg_gen_conn_ack(&c, 1);
	}
	mg_gen_conn_ack(&c, 1);
	static const struct mg_gen_data v[4] = {{.kind = MG_GEN_D_BOOL, .i = 1},
	                                        {.kind = MG_GEN_D_BOOL, .i = 1},
	                                        {.kind = MG_GEN_D_BOOL, .i = 1},
	                                        {.kind = MG_GEN_D_BOOL, .i = 1}};
	mg_gen_conn_mms(&c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), c.next_invoke, v, 4));
	c.next_invoke++;
	legit_read(&c);
}

/* A legitimate ~7 KB read in full-MSS segments the IED does not ACK
 * before the end: with --hold-segs 4 the held-segment bound is truly hit
 * (nothing small to coalesce): the daemon must reset the association with
 * a named reason rather than stall (KIND bound: daemon only). */
static void hold_bound(void)
{
	struct mg_gen_conn c;
	static uint8_t s[16384];
	static const char *names[160];
	for (int i = 0; i < 160; i++)
		names[i] = "IED1MEAS/MMXU1$MX$TotW$mag$f";
	conn(&c, 50015);
	mg_gen_conn_associate(&c);
	c.ack_each = false;
	size_t n = mg_gen_mms_read(pdu, sizeof(pdu), c.next_invoke, names, 160);
	size_t k = mg_gen_conn_wrap_mms(&c, s, sizeof(s), pdu, n);
	mg_gen_conn_send(&c, 0, s, k);
}

/* The captures that are one builder each: port, name, expectation, builder. */
struct capture {
	uint16_t port;
	const char *name, *kind, *reasons;
	void (*build)(void);
};

static void run_captures(const char *dir, const struct capture *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cur_port = c[i].port;
		begin(dir, c[i].name, c[i].kind, c[i].reasons);
		c[i].build();
		end();
	}
}

/* After the IPv4 decoys: transport refusals, COTP, fragments. */
static const struct capture singles4[] = {
    {50002, "urgent", "refuse", "tcp_urgent_data", urgent},
    {50003, "rst-data", "refuse", "tcp_data_on_rst", rst_data},
    {50004, "syn-data", "refuse", "tcp_data_on_syn tcp_syn_with_data", syn_data},
    {50005, "cotp-partial", "refuse", "cotp_tpdu_inside_tsdu", cotp_partial},
    {50006, "cotp-ed", "refuse", "cotp_tpdu_not_class_0", cotp_ed},
    {50007, "fragments", "refuse", "tcp_fragment ip_fragment", fragments},
};

/* After the IPv6 decoys: IPv6 fragments, legitimate traffic, the bound. */
static const struct capture singles6[] = {
    {50206, "v6-fragments", "refuse", "tcp_fragment ip_fragment", fragments6},
    {50011, "legit-retrans", "legit", "-", legit_retrans},
    {50012, "legit-keepalive", "legit", "-", legit_keepalive},
    {50013, "legit-zero-window", "legit", "-", legit_zero_window},
    {50014, "legit-tiny-segments", "legit", "-", legit_tiny},
    {50015, "hold-bound", "bound", "tcp_hold_over_bound", hold_bound},
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mmsgate-attacks DIR\n");
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/expect.txt", argv[1]);
	expect = fopen(path, "w");
	if (!expect) {
		perror(path);
		return 1;
	}
	static const struct {
		const char *name;
		enum decoy how;
		const char *reasons;
	} decoys[] = {
	    {"tcp-checksum", D_TCP_CSUM, "tcp_bad_checksum"},
	    {"ip-checksum", D_IP_CSUM, "ip_bad_checksum"},
	    {"no-ack", D_NO_ACK, "tcp_no_ack"},
	    {"ack-unsent", D_ACK_UNSENT, "tcp_ack_of_unsent_data"},
	    {"ttl", D_TTL, "ip_ttl_below_handshake"},
	    {"ip-options", D_IP_OPT, "ip_options_on_mms"},
	    {"window", D_WINDOW, "tcp_data_outside_window"},
	    {"conflict", D_SAME, "tcp_conflicting_retransmission"},
	};
	for (size_t i = 0; i < sizeof(decoys) / sizeof(decoys[0]); i++) {
		cur_port = 50100 + decoys[i].how;
		begin(argv[1], decoys[i].name, "refuse", decoys[i].reasons);
		decoy_then_operate(decoys[i].how);
		end();
	}
	run_captures(argv[1], singles4, sizeof(singles4) / sizeof(singles4[0]));
	static const struct {
		const char *name;
		enum decoy6 how;
		const char *reasons;
	} decoys6[] = {
	    {"v6-hop-by-hop", D6_HBH, "ip_options_on_mms"},
	    {"v6-dest-options", D6_DSTOPTS, "ip_options_on_mms"},
	    {"v6-routing-header", D6_RTHDR, "ip_options_on_mms"},
	    {"v6-atomic-fragment", D6_ATOMIC, "tcp_fragment ip_fragment"},
	    {"v6-hop-limit", D6_HLIM, "ip_ttl_below_handshake"},
	};
	for (size_t i = 0; i < sizeof(decoys6) / sizeof(decoys6[0]); i++) {
		cur_port = 50200 + decoys6[i].how;
		begin(argv[1], decoys6[i].name, "refuse", decoys6[i].reasons);
		decoy6_then_operate(decoys6[i].how);
		end();
	}
	run_captures(argv[1], singles6, sizeof(singles6) / sizeof(singles6[0]));
	return fclose(expect) ? 1 : 0;
}
