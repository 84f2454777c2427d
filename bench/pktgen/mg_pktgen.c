/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg-pktgen: a pktgen-like DPDK traffic generator for mmsgate's benchmarks.
 * It owns two ports wired to the device under test (mmsgate or testpmd):
 * port A faces the DUT's inside port (IEDs), port B its outside port (SCADA).
 * Every frame it sends carries a 14-byte stamp at its very end, after the
 * IP/GOOSE/SV payload (Ethernet padding, ignored by every parser and by
 * tshark): stream ids and the TSC at send time, so what comes back is
 * counted per class and per stream and its latency measured (both processes
 * run on one host, so they share the TSC).
 *
 * Two kinds of traffic, mixed per profile:
 *  - open loop: template frames (ARP, GOOSE bursts, SV streams, PTP, SYN
 *    floods) sent as fast as the DUT takes them (or at --rate);
 *  - closed loop: MMS associations ("chains"): the full TCP/COTP/ACSE/MMS
 *    conversation built by tests/gen, played from both ends. Frames of one
 *    end go out back to back (pipelining); when the talking end changes,
 *    the chain waits until its last frame came out of the DUT, so the DUT
 *    always sees a request before its response, as on a real wire. The
 *    steady part of a conversation loops forever: sequence and ack numbers
 *    are advanced by the loop's byte count (checksums patched
 *    incrementally), so the DUT sees one long valid TCP stream per
 *    association, never a retransmission. Chain i uses the template's
 *    client moved to address base+1+(i mod 16384), port from i and an
 *    epoch; a chain whose frame never comes back (denied, reset) restarts
 *    with a new epoch, i.e. a new connection.
 * Phases: link wait, warm-up, throughput window (max rate), drain, then an
 * optional latency window at a fixed low rate. The result is one JSON line
 * on stdout; --write-pcap dumps a profile's frames for tshark instead.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "mg_gen.h"

#define BURST 32
#define STAGE_CAP 1024
#define STAMP_LEN 14
#define STAMP_MAGIC 0xA5
#define MAX_FRAME 1514
#define OPEN_CHAIN 0xFFFFFFu
#define TSC48 ((1ull << 48) - 1)
#define HBUCKETS (64 * 32)

enum cls { C_OTHER, C_PROT, C_MMS, C_ATTACK, C__N };
static const char *const cls_name[C__N] = {"other", "goose_sv", "mms", "attack"};

enum side { S_IN = 0, S_OUT = 1 };

struct tmpl {
	uint8_t *d;
	uint16_t len;  /* without the stamp */
	uint8_t side;  /* port the frame leaves the generator on */
	uint8_t cls;
	int8_t tcpdir; /* -1 not TCP, 0 client → server, 1 server → client */
	uint8_t gate;  /* wait for this frame to come back before the next */
	uint16_t l3, l4;
};

struct kind {
	const char *name;
	struct tmpl *f;
	uint32_t n, cap, setup;
	uint32_t delta[2]; /* sequence space one steady loop uses per direction */
	uint32_t base_ip;  /* client network (host order) */
	bool oneshot;      /* restart with a new connection after the last frame */
};

struct chain {
	uint16_t kind;
	uint8_t waiting;
	uint8_t epoch;
	uint32_t pos, loop, wait_tag;
	uint64_t deadline;
};

/* ------------------------------------------------------------ options */

static struct {
	const char *profile;
	unsigned size, assoc;
	const char *pcap, *write_pcap;
	double warm, time, lat_time, link_wait, timeout_ms;
	double rate, lat_rate;
	uint16_t port[2];
} opt = {
	.profile = "substation", .size = 64, .warm = 1.0, .time = 2.0, .lat_time = 1.0,
	.link_wait = 15, .timeout_ms = 50, .lat_rate = 20000, .port = {0, 1},
};

/* ------------------------------------------------------------ profile */

static struct kind kinds[16];
static unsigned nkinds;
static struct tmpl *olp;  /* open-loop templates */
static unsigned nolp, olpcap;
static uint32_t *olcycle; /* open-loop send order (indices into olp) */
static unsigned nolcycle, olcap;
static struct chain *chains;
static uint32_t nchains;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (q == NULL) {
		fprintf(stderr, "mg-pktgen: out of memory\n");
		exit(1);
	}
	return q;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Fill l3/l4/tcpdir from the frame bytes (IPv4/IPv6 over optional VLANs). */
static void tmpl_classify(struct tmpl *t, const uint8_t cli_mac[6])
{
	const uint8_t *p = t->d;
	unsigned off = 12;
	uint16_t et = rd16(p + off);

	t->tcpdir = -1;
	while (et == 0x8100 || et == 0x88A8) {
		off += 4;
		et = rd16(p + off);
	}
	off += 2;
	if (et == 0x0800 && p[off + 9] == 6) {
		t->l3 = (uint16_t)off;
		t->l4 = (uint16_t)(off + (p[off] & 0x0f) * 4);
	} else if (et == 0x86DD && p[off + 6] == 6) {
		t->l3 = (uint16_t)off;
		t->l4 = (uint16_t)(off + 40);
	} else {
		return;
	}
	if (cli_mac != NULL)
		t->tcpdir = memcmp(p + 6, cli_mac, 6) == 0 ? 0 : 1;
}

/* final_len: the frame length wanted on the wire (FCS excluded, stamp
 * included); 0 = the content plus the stamp. */
static struct tmpl tmpl_make(const uint8_t *frame, size_t len, unsigned final_len, uint8_t side,
			     uint8_t cls)
{
	struct tmpl t;
	size_t n = len;

	memset(&t, 0, sizeof(t));
	if (final_len > n + STAMP_LEN)
		n = final_len - STAMP_LEN;
	t.d = calloc(1, n);
	if (t.d == NULL)
		exit(1);
	memcpy(t.d, frame, len);
	t.len = (uint16_t)n;
	t.side = side;
	t.cls = cls;
	t.tcpdir = -1;
	return t;
}

/* Open-loop template, repeated 'weight' times in the send cycle. */
static void ol_add(const uint8_t *frame, size_t len, unsigned pad_to, uint8_t side, uint8_t cls,
		   unsigned weight)
{
	if (len == 0)
		return;
	if (nolp == olpcap) {
		olpcap = olpcap ? olpcap * 2 : 64;
		olp = xrealloc(olp, olpcap * sizeof(*olp));
	}
	olp[nolp] = tmpl_make(frame, len, pad_to, side, cls);
	tmpl_classify(&olp[nolp], NULL);
	for (unsigned i = 0; i < weight; i++) {
		if (nolcycle == olcap) {
			olcap = olcap ? olcap * 2 : 256;
			olcycle = xrealloc(olcycle, olcap * sizeof(*olcycle));
		}
		olcycle[nolcycle++] = nolp;
	}
	nolp++;
}

/* Interleave the cycle deterministically so weights spread out (bursts are
 * added as consecutive entries after the shuffle by ol_burst). */
static void ol_shuffle(void)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;

	for (unsigned i = nolcycle; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned j = (unsigned)(x % i);
		uint32_t t = olcycle[i - 1];
		olcycle[i - 1] = olcycle[j];
		olcycle[j] = t;
	}
}

/* Collector for tests/gen's conversations: frames go to the kind being built. */
struct collect {
	struct kind *k;
	struct mg_gen_conn *c;
	uint8_t cls;
};

static void collect_fn(void *ud, const uint8_t *frame, size_t len)
{
	struct collect *col = ud;
	struct kind *k = col->k;
	int dir = memcmp(frame + 6, col->c->ep[0].mac, 6) == 0 ? 0 : 1;

	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->f = xrealloc(k->f, k->cap * sizeof(*k->f));
	}
	k->f[k->n] = tmpl_make(frame, len, 0, dir == 0 ? S_OUT : S_IN, col->cls);
	tmpl_classify(&k->f[k->n], col->c->ep[0].mac);
	k->n++;
}

static uint8_t pdu[70000];

static const struct mg_gen_data pos_st[3] = {
	{.kind = MG_GEN_D_BITS, .bits = 0x80000000u, .nbits = 2},
	{.kind = MG_GEN_D_BITS, .bits = 0, .nbits = 13},
	{.kind = MG_GEN_D_UTC, .utc = 1764000000},
};
static const struct mg_gen_data mag_sub[1] = {{.kind = MG_GEN_D_FLOAT, .f = 231.5f}};
static const struct mg_gen_data mag_st[3] = {
	{.kind = MG_GEN_D_STRUCT, .n = 1, .sub = mag_sub},
	{.kind = MG_GEN_D_BITS, .bits = 0, .nbits = 13},
	{.kind = MG_GEN_D_UTC, .utc = 1764000000},
};
static const struct mg_gen_data read_vals[8] = {
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = pos_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = pos_st},
	{.kind = MG_GEN_D_BOOL, .i = 1},
};
static const struct mg_gen_data rpt_vals[6] = {
	{.kind = MG_GEN_D_VSTRING, .s = "urcbMeas01"},
	{.kind = MG_GEN_D_BITS, .bits = 0x7A000000u, .nbits = 10},
	{.kind = MG_GEN_D_UINT, .i = 17},
	{.kind = MG_GEN_D_VSTRING, .s = "IED1MEAS/LLN0$DS_Meas"},
	{.kind = MG_GEN_D_BITS, .bits = 0xC0000000u, .nbits = 2},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
};
static const char *const meas_names[8] = {
	"IED1MEAS/MMXU1$MX$TotW$mag$f", "IED1MEAS/MMXU1$MX$TotVAr$mag$f",
	"IED1CTRL/XCBR1$ST$Pos",         "IED1MEAS/MMXU1$MX$Hz$mag$f",
	"IED1MEAS/MMXU1$MX$PhV$phsA$cVal$mag$f", "IED1MEAS/MMXU1$MX$PhV$phsB$cVal$mag$f",
	"IED1CTRL/CSWI1$ST$Pos",         "IED1PROT/PTRC1$ST$Tr$general",
};

static void c_req(struct mg_gen_conn *c, size_t n)
{
	mg_gen_conn_mms(c, 0, pdu, n);
}

static void c_resp(struct mg_gen_conn *c, size_t n)
{
	mg_gen_conn_mms(c, 1, pdu, n);
}

static void do_read(struct mg_gen_conn *c, int n)
{
	uint32_t id = c->next_invoke++;
	c_req(c, mg_gen_mms_read(pdu, sizeof(pdu), id, meas_names, n));
	c_resp(c, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, n));
}

enum kind_id {
	K_POLL,      /* SCADA: reads of 1/4/8 objects, a report */
	K_CONTROL,   /* SCADA: select-before-operate, operate, report */
	K_ENG,       /* engineering: setting writes, directory, reads */
	K_PIPE,      /* pipelined reads, 4 in flight, no per-segment ACK */
	K_BIG,       /* large reads (about 6 KB responses over several segments) */
	K_SPLIT,     /* PDUs cut into small segments and COTP fragments */
	K_DENY,      /* allowlisted historian writing: denied, reset */
	K_MALFORMED, /* garbage after a valid association: anomaly, reset */
};

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

static void build_kind(enum kind_id id)
{
	struct kind *k = &kinds[nkinds++];
	struct mg_gen_conn c;
	struct collect col = {.k = k, .c = &c, .cls = C_MMS};
	struct mg_gen_sink sink = {collect_fn, &col};
	uint32_t cli = ip4(10, 10, 0, 1), srv = ip4(10, 20, 0, 1 + (unsigned)id);
	uint32_t s0[2];

	memset(k, 0, sizeof(*k));
	if (id == K_ENG)
		cli = ip4(10, 11, 0, 1);
	if (id == K_DENY || id == K_MALFORMED)
		cli = ip4(10, 12, 0, 1);
	k->base_ip = cli & 0xFFFF0000u;
	mg_gen_conn_init4(&c, cli, 10000, srv, 102, sink);
	if (id == K_PIPE)
		c.ack_each = false;
	if (id == K_BIG || id == K_POLL || id == K_CONTROL || id == K_ENG)
		c.mss = 1400;
	mg_gen_conn_associate(&c);
	k->setup = k->n;
	s0[0] = c.ep[0].seq;
	s0[1] = c.ep[1].seq;
	switch (id) {
	case K_POLL:
		k->name = "poll";
		do_read(&c, 1);
		do_read(&c, 4);
		do_read(&c, 8);
		c_resp(&c, mg_gen_mms_info_report(pdu, sizeof(pdu), "RPT", rpt_vals, 6));
		do_read(&c, 2);
		break;
	case K_CONTROL: {
		k->name = "control";
		const char *sbo = "IED1CTRL/CSWI1$CO$Pos$SBOw", *oper = "IED1CTRL/CSWI1$CO$Pos$Oper";
		uint32_t i1 = c.next_invoke++;
		c_req(&c, mg_gen_mms_write_oper(pdu, sizeof(pdu), i1, sbo, true, 1, true));
		c_resp(&c, mg_gen_mms_write_resp(pdu, sizeof(pdu), i1, 1, 0));
		uint32_t i2 = c.next_invoke++;
		c_req(&c, mg_gen_mms_write_oper(pdu, sizeof(pdu), i2, oper, true, 1, true));
		c_resp(&c, mg_gen_mms_write_resp(pdu, sizeof(pdu), i2, 1, 0));
		c_resp(&c, mg_gen_mms_info_report(pdu, sizeof(pdu), "RPT", rpt_vals, 6));
		do_read(&c, 1);
		break;
	}
	case K_ENG: {
		k->name = "engineering";
		static const struct mg_gen_data setv = {.kind = MG_GEN_D_FLOAT, .f = 1.25f};
		const char *sp = "IED1PROT/PTOC1$SP$StrVal$setMag$f";
		uint32_t i1 = c.next_invoke++;
		c_req(&c, mg_gen_mms_write(pdu, sizeof(pdu), i1, &sp, &setv, 1));
		c_resp(&c, mg_gen_mms_write_resp(pdu, sizeof(pdu), i1, 1, 0));
		static const char *const files[] = {"COMTRADE/fault1.cfg", "COMTRADE/fault1.dat",
						    "SETTINGS/ied1.cid"};
		uint32_t i2 = c.next_invoke++;
		c_req(&c, mg_gen_mms_file_directory(pdu, sizeof(pdu), i2, "COMTRADE/"));
		c_resp(&c, mg_gen_mms_file_directory_resp(pdu, sizeof(pdu), i2, files, 3));
		do_read(&c, 4);
		break;
	}
	case K_PIPE: {
		k->name = "pipelined";
		uint32_t first = c.next_invoke;
		for (int i = 0; i < 4; i++)
			c_req(&c, mg_gen_mms_read(pdu, sizeof(pdu), c.next_invoke++, meas_names + i, 2));
		for (int i = 0; i < 4; i++)
			c_resp(&c, mg_gen_mms_read_resp(pdu, sizeof(pdu), first + (uint32_t)i,
							read_vals + i, 2));
		mg_gen_conn_ack(&c, 0);
		break;
	}
	case K_BIG: {
		k->name = "large-read";
		/* a small request (a data set by name), a large response */
		static struct mg_gen_data many[160];
		for (int i = 0; i < 160; i++)
			many[i] = read_vals[i % 7];
		uint32_t i1 = c.next_invoke++;
		c_req(&c, mg_gen_mms_read_varlist(pdu, sizeof(pdu), i1, "IED1MEAS/LLN0$DS_Meas"));
		c_resp(&c, mg_gen_mms_read_resp(pdu, sizeof(pdu), i1, many, 160));
		do_read(&c, 1);
		break;
	}
	case K_SPLIT:
		k->name = "split";
		c.mss = 40;
		c.tpdu_max = 64;
		do_read(&c, 4);
		do_read(&c, 2);
		break;
	case K_DENY: {
		k->name = "denied-write";
		static const struct mg_gen_data v = {.kind = MG_GEN_D_BOOL, .i = 0};
		const char *nm = "IED1PROT/PTOC1$SP$StrVal$setMag$f";
		c.ack_each = false;
		col.cls = C_ATTACK;
		c_req(&c, mg_gen_mms_write(pdu, sizeof(pdu), c.next_invoke++, &nm, &v, 1));
		k->oneshot = true;
		break;
	}
	case K_MALFORMED: {
		k->name = "malformed";
		static const uint8_t junk[] = {0x01, 0x00, 0x01, 0x00, 0x61, 0x84, 0xff, 0xff,
					       0xff, 0xff, 0x30, 0x80, 0xa0, 0x03, 0x02, 0x01};
		uint8_t stream[128];
		size_t n = mg_gen_cotp_dt(stream, sizeof(stream), junk, sizeof(junk), 0);
		c.ack_each = false;
		col.cls = C_ATTACK;
		mg_gen_conn_send(&c, 0, stream, n);
		k->oneshot = true;
		break;
	}
	}
	k->delta[0] = c.ep[0].seq - s0[0];
	k->delta[1] = c.ep[1].seq - s0[1];
	if (k->setup == k->n)
		k->oneshot = true;
	/* Gates: the next frame comes from the other end (the loop wraps to
	 * the start of the steady part). */
	for (uint32_t j = 0; j < k->n; j++) {
		uint32_t nx = j + 1 < k->n ? j + 1 : k->setup;
		if (j + 1 == k->n && k->oneshot)
			k->f[j].gate = 0;
		else
			k->f[j].gate = k->f[nx].side != k->f[j].side;
	}
}

static void add_arp(unsigned nsenders, unsigned weight)
{
	uint8_t f[64];
	for (unsigned i = 0; i < nsenders; i++) {
		uint8_t mac[6] = {0x02, 0x00, 0x30, 0x00, (uint8_t)(i >> 8), (uint8_t)i};
		size_t n = mg_gen_arp_frame(f, sizeof(f), mac, ip4(10, 20, 0, 100 + i % 100),
					    ip4(10, 20, 0, 1), false, NULL);
		/* 42 bytes of ARP; the stamp sits in the padding: 60-byte frames */
		ol_add(f, n ? 42 : 0, 60, i % 2 ? S_OUT : S_IN, C_OTHER, weight);
	}
}

static void add_goose_sized(unsigned size, unsigned weight)
{
	uint8_t f[2048];
	uint8_t mac[6] = {0x02, 0x00, 0x40, 0x00, 0x00, 0x01};
	for (unsigned i = 0; i < 4; i++) {
		mac[5] = (uint8_t)(1 + i);
		size_t n = mg_gen_goose_frame(f, sizeof(f), mac, 100, (uint16_t)(0x0001 + i),
					      "IED1PROT/LLN0$GO$gcbTrip", "IED1PROT/LLN0$DS_Trip",
					      1, 0, false);
		ol_add(f, n, size - 4, i % 2 ? S_OUT : S_IN, C_PROT, weight);
	}
}

static void add_ptp(unsigned weight)
{
	/* PTPv2 Sync, two-step, L2 transport (IEEE 1588 annex F). */
	uint8_t f[60];
	memset(f, 0, sizeof(f));
	static const uint8_t dst[6] = {0x01, 0x1B, 0x19, 0x00, 0x00, 0x00};
	static const uint8_t src[6] = {0x02, 0x00, 0x50, 0x00, 0x00, 0x01};
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr16(f + 12, 0x88F7);
	uint8_t *p = f + 14;
	p[0] = 0x00;  /* Sync */
	p[1] = 0x02;  /* version 2 */
	wr16(p + 2, 44);
	p[6] = 0x02;  /* two-step */
	memcpy(p + 20, src, 3);
	p[23] = 0xFF;
	p[24] = 0xFE;
	memcpy(p + 25, src + 3, 3);
	wr16(p + 28, 1);
	p[32] = 0x00; /* control: Sync */
	p[33] = 0x00;
	ol_add(f, 14 + 44, 0, S_IN, C_OTHER, weight);
}

static void build_profile(void)
{
	const char *p = opt.profile;
	uint8_t f[2048];
	unsigned na = opt.assoc;
	/* Chain kind per association: a list of kind indices repeated. */
	int mixk[16];
	unsigned nmix = 0;

	if (strcmp(p, "64") == 0) {
		add_arp(64, 1);
	} else if (strcmp(p, "size") == 0) {
		if (opt.size <= 64)
			add_arp(64, 1);
		else
			add_goose_sized(opt.size, 1);
	} else if (strcmp(p, "imix") == 0) {
		/* 7:4:1 of 64, 594 and 1518 bytes (4 templates each) */
		add_arp(4, 7);
		add_goose_sized(594, 4);
		add_goose_sized(1518, 1);
		ol_shuffle();
	} else if (strcmp(p, "substation") == 0) {
		/* 16 SV streams (VLAN 101), 8 GOOSE publishers sending bursts of 4
		 * (stNum change, sqNum 0..3) on VLAN 100, some ARP and PTP. */
		for (unsigned s = 0; s < 16; s++) {
			uint8_t mac[6] = {0x02, 0x00, 0x41, 0x00, 0x00, (uint8_t)(1 + s)};
			char id[32];
			snprintf(id, sizeof(id), "IED%uMU01", 1 + s);
			for (unsigned k = 0; k < 4; k++) {
				size_t n = mg_gen_sv_frame(f, sizeof(f), mac, 101,
							   (uint16_t)(0x4000 + s), id,
							   (uint16_t)(k * 1000));
				ol_add(f, n, 0, S_IN, C_PROT, 5);
			}
		}
		add_arp(4, 2);
		add_ptp(4);
		ol_shuffle();
		for (unsigned g = 0; g < 8; g++) {
			uint8_t mac[6] = {0x02, 0x00, 0x40, 0x00, 0x00, (uint8_t)(1 + g)};
			char ref[48];
			snprintf(ref, sizeof(ref), "IED%uPROT/LLN0$GO$gcbTrip", 1 + g);
			for (unsigned sq = 0; sq < 4; sq++) {
				size_t n = mg_gen_goose_frame(f, sizeof(f), mac, 100,
							      (uint16_t)(1 + g), ref,
							      "IED1PROT/LLN0$DS_Trip", 7, sq,
							      true);
				ol_add(f, n, 0, g % 2 ? S_OUT : S_IN, C_PROT, 1);
			}
		}
		build_kind(K_POLL);
		build_kind(K_CONTROL);
		build_kind(K_ENG);
		int m[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2};
		memcpy(mixk, m, sizeof(m));
		nmix = 11;
		if (na == 0)
			na = 64;
	} else if (strcmp(p, "mms") == 0) {
		build_kind(K_PIPE);
		build_kind(K_BIG);
		build_kind(K_SPLIT);
		build_kind(K_POLL);
		int m[] = {0, 0, 1, 2, 3, 3};
		memcpy(mixk, m, sizeof(m));
		nmix = 6;
		if (na == 0)
			na = 256;
	} else if (strcmp(p, "attack") == 0) {
		/* SYN flood to the IEDs from addresses outside the allowlist, and
		 * TCP/UDP to other ports of allowlisted hosts. */
		struct mg_gen_conn c;
		struct mg_gen_sink nos = {NULL, NULL};
		for (unsigned i = 0; i < 64; i++) {
			mg_gen_conn_init4(&c, ip4(172, 16, i / 8, 1 + i), (uint16_t)(40000 + i),
					  ip4(10, 20, 0, 1 + i % 4), i % 4 == 3 ? 502 : 102, nos);
			size_t n = mg_gen_tcp_frame(f, sizeof(f), &c, 0, 0x02, NULL, 0);
			ol_add(f, n, 0, S_OUT, C_ATTACK, 1);
		}
		build_kind(K_POLL);
		build_kind(K_DENY);
		build_kind(K_MALFORMED);
		int m[] = {0, 0, 1, 2};
		memcpy(mixk, m, sizeof(m));
		nmix = 4;
		if (na == 0)
			na = 64;
	} else if (strcmp(p, "replay") == 0) {
		char eb[PCAP_ERRBUF_SIZE];
		pcap_t *pc = opt.pcap ? pcap_open_offline(opt.pcap, eb) : NULL;
		if (pc == NULL) {
			fprintf(stderr, "mg-pktgen: replay needs --pcap FILE (%s)\n",
				opt.pcap ? eb : "none given");
			exit(2);
		}
		if (pcap_datalink(pc) != DLT_EN10MB) {
			fprintf(stderr, "mg-pktgen: %s is not Ethernet\n", opt.pcap);
			exit(2);
		}
		struct pcap_pkthdr *h;
		const u_char *d;
		while (pcap_next_ex(pc, &h, &d) == 1) {
			if (h->caplen < 14 || h->caplen > MAX_FRAME)
				continue;
			struct tmpl t = tmpl_make(d, h->caplen, 0, S_OUT, C_OTHER);
			tmpl_classify(&t, NULL);
			uint8_t side = S_OUT, cls = C_OTHER;
			if (t.l4 && t.l4 + 4u <= t.len) {
				/* the server (port 102) end sits inside */
				if (rd16(t.d + t.l4) == 102)
					side = S_IN;
				cls = (rd16(t.d + t.l4) == 102 || rd16(t.d + t.l4 + 2) == 102) ? C_MMS
												  : C_OTHER;
			} else {
				uint16_t et = rd16(t.d + 12);
				if (et == 0x8100)
					et = rd16(t.d + 16);
				if (et == 0x88B8 || et == 0x88BA) {
					cls = C_PROT;
					side = S_IN;
				}
			}
			free(t.d);
			ol_add(d, h->caplen, 0, side, cls, 1);
		}
		pcap_close(pc);
		if (nolp == 0) {
			fprintf(stderr, "mg-pktgen: no usable frames in %s\n", opt.pcap);
			exit(2);
		}
	} else {
		fprintf(stderr, "mg-pktgen: unknown profile %s\n", p);
		exit(2);
	}
	if (nmix) {
		nchains = na;
		chains = calloc(nchains, sizeof(*chains));
		if (chains == NULL)
			exit(1);
		for (uint32_t i = 0; i < nchains; i++)
			chains[i].kind = (uint16_t)mixk[i % nmix];
	}
}

static void write_pcap(const char *path)
{
	struct mg_gen_pcap pc;
	if (mg_gen_pcap_open(&pc, path) != 0) {
		fprintf(stderr, "mg-pktgen: cannot write %s\n", path);
		exit(1);
	}
	for (unsigned i = 0; i < nolp; i++)
		mg_gen_pcap_write(&pc, olp[i].d, olp[i].len);
	for (unsigned k = 0; k < nkinds; k++)
		for (uint32_t j = 0; j < kinds[k].n; j++)
			mg_gen_pcap_write(&pc, kinds[k].f[j].d, kinds[k].f[j].len);
	mg_gen_pcap_close(&pc);
}

/* --------------------------------------------------------- run state */

static struct rte_mempool *pool;
static uint64_t hz;
static volatile bool quit;

struct stage {
	struct rte_mbuf *m[STAGE_CAP];
	unsigned n;
};
static struct stage stg[2];

/* Counting window: frames stamped in [w0, w1) are counted. */
static uint64_t w0 = UINT64_MAX, w1 = UINT64_MAX;
static struct {
	uint64_t tx[C__N], txb[C__N], rx[C__N], rxb[C__N];
	uint64_t hist[C__N][HBUCKETS];
	uint64_t tx_full, rx_unstamped, timeouts, restarts, loops;
} ct;
static uint64_t *ol_rx, *ol_tx; /* per open-loop stream */

static uint32_t *ready;
static uint32_t rq_head, rq_tail, rq_cap;

static void rq_push(uint32_t c)
{
	ready[rq_tail] = c;
	rq_tail = rq_tail + 1 == rq_cap ? 0 : rq_tail + 1;
}

static bool rq_pop(uint32_t *c)
{
	if (rq_head == rq_tail)
		return false;
	*c = ready[rq_head];
	rq_head = rq_head + 1 == rq_cap ? 0 : rq_head + 1;
	return true;
}

static unsigned hbucket(uint64_t ns)
{
	if (ns < 32)
		return (unsigned)ns;
	unsigned lg = 63u - (unsigned)__builtin_clzll(ns); /* >= 5 */
	unsigned sub = (unsigned)(ns >> (lg - 5)) & 31u;
	unsigned b = (lg - 4) * 32 + sub;
	return b < HBUCKETS ? b : HBUCKETS - 1;
}

static double hbucket_ns(unsigned b)
{
	if (b < 32)
		return b;
	unsigned lg = b / 32 + 4, sub = b % 32;
	return (double)((32ull + sub) << (lg - 5)) + (double)(1ull << (lg - 5)) / 2;
}

static double hist_pct(const uint64_t *h, double pct)
{
	uint64_t tot = 0, acc = 0;
	for (unsigned b = 0; b < HBUCKETS; b++)
		tot += h[b];
	if (tot == 0)
		return -1;
	uint64_t want = (uint64_t)ceil(pct / 100.0 * (double)tot);
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < HBUCKETS; b++) {
		acc += h[b];
		if (acc >= want)
			return hbucket_ns(b);
	}
	return -1;
}

/* Incremental Internet checksum update (RFC 1624) for n bytes (even). */
static void ck_adj(uint8_t *ck, const uint8_t *old, const uint8_t *new, unsigned n)
{
	uint32_t s = (uint16_t)~rd16(ck);
	for (unsigned i = 0; i < n; i += 2) {
		s += (uint16_t)~rd16(old + i);
		s += rd16(new + i);
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	wr16(ck, (uint16_t)~s);
}

static void patch32(uint8_t *fld, uint32_t v, uint8_t *ck1, uint8_t *ck2)
{
	uint8_t nv[4];
	wr32(nv, v);
	if (ck1)
		ck_adj(ck1, fld, nv, 4);
	if (ck2)
		ck_adj(ck2, fld, nv, 4);
	memcpy(fld, nv, 4);
}

static void patch16(uint8_t *fld, uint16_t v, uint8_t *ck)
{
	uint8_t nv[2];
	wr16(nv, v);
	ck_adj(ck, fld, nv, 2);
	memcpy(fld, nv, 2);
}

/* Stamp: magic, class << 4 | epoch (4 bits), chain (24 bits), tag (24
 * bits: loop low 8, frame index 16), TSC low 48 bits; little-endian. */
static inline void stamp(uint8_t *end, uint8_t cls, uint8_t epoch, uint32_t chain, uint32_t tag,
			 uint64_t tsc)
{
	uint8_t *s = end - STAMP_LEN;
	s[0] = STAMP_MAGIC;
	s[1] = (uint8_t)(cls << 4 | (epoch & 15));
	memcpy(s + 2, &chain, 3);
	memcpy(s + 5, &tag, 3);
	memcpy(s + 8, &tsc, 6);
}

/* Copy a template into a new mbuf with room for the stamp; NULL if none. */
static inline struct rte_mbuf *mk(const struct tmpl *t, uint8_t **data, uint16_t *flen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	uint16_t len = t->len + STAMP_LEN;
	if (len < 60)
		len = 60;
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	rte_memcpy(d, t->d, t->len);
	if (len > t->len + STAMP_LEN)
		memset(d + t->len, 0, len - t->len - STAMP_LEN);
	*data = d;
	*flen = len;
	return m;
}

/* Frames are counted as sent when staged: stage depth is bounded and the
 * stamp time is the staging time, so queueing in the generator shows up
 * as latency rather than as a counting error. */
static inline void count_tx(uint8_t cls, uint32_t len, uint64_t now)
{
	if (now >= w0 && now < w1) {
		ct.tx[cls]++;
		ct.txb[cls] += len;
	}
}

static inline void stage_put(unsigned side, struct rte_mbuf *m)
{
	stg[side].m[stg[side].n++] = m;
}

/* Emit one chain's frames until a gate, the end of a oneshot, or max. */
static unsigned chain_run(uint32_t ci, unsigned max, uint64_t now)
{
	struct chain *ch = &chains[ci];
	const struct kind *k = &kinds[ch->kind];
	unsigned sent = 0;

	while (sent < max) {
		if (stg[0].n >= STAGE_CAP - 1 || stg[1].n >= STAGE_CAP - 1)
			break;
		const struct tmpl *t = &k->f[ch->pos];
		uint8_t *d;
		uint16_t flen;
		struct rte_mbuf *m = mk(t, &d, &flen);
		if (m == NULL)
			break;
		if (t->tcpdir >= 0) {
			uint8_t *ipck = d + t->l3 + 10, *tck = d + t->l4 + 16;
			uint32_t cip = k->base_ip + 1 + (ci & 0x3fff);
			uint16_t cport = (uint16_t)(10000 + ((ci >> 14) << 12 | (ch->epoch & 0xfff)));
			if (t->tcpdir == 0) {
				patch32(d + t->l3 + 12, cip, ipck, tck);
				patch16(d + t->l4, cport, tck);
			} else {
				patch32(d + t->l3 + 16, cip, ipck, tck);
				patch16(d + t->l4 + 2, cport, tck);
			}
			if (ch->loop && ch->pos >= k->setup) {
				int dir = t->tcpdir;
				uint8_t *sq = d + t->l4 + 4, *ak = d + t->l4 + 8;
				patch32(sq, rd32(sq) + ch->loop * k->delta[dir], NULL, tck);
				patch32(ak, rd32(ak) + ch->loop * k->delta[!dir], NULL, tck);
			}
		}
		uint32_t tag = (ch->loop & 0xff) << 16 | (ch->pos & 0xffff);
		stamp(d + flen, t->cls, ch->epoch, ci, tag, now);
		stage_put(t->side, m);
		count_tx(t->cls, flen, now);
		sent++;
		bool gate = t->gate;
		if (ch->pos + 1 == k->n) {
			if (k->oneshot) {
				ch->epoch++;
				ch->pos = 0;
				ch->loop = 0;
				ct.restarts++;
			} else {
				ch->pos = k->setup;
				ch->loop++;
				ct.loops++;
			}
		} else {
			ch->pos++;
		}
		if (gate) {
			ch->waiting = 1;
			ch->wait_tag = tag;
			ch->deadline = now + (uint64_t)(opt.timeout_ms * 1e-3 * (double)hz);
			return sent;
		}
	}
	rq_push(ci);
	return sent;
}

static void rx_one(struct rte_mbuf *m, uint64_t now)
{
	uint8_t sb[STAMP_LEN];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *s = len >= STAMP_LEN ? rte_pktmbuf_read(m, len - STAMP_LEN, STAMP_LEN, sb)
					    : NULL;
	if (s == NULL || s[0] != STAMP_MAGIC || (s[1] >> 4) >= C__N) {
		ct.rx_unstamped++;
		return;
	}
	uint8_t cls = s[1] >> 4;
	uint32_t chain = 0, tag = 0;
	uint64_t t48 = 0;
	memcpy(&chain, s + 2, 3);
	memcpy(&tag, s + 5, 3);
	memcpy(&t48, s + 8, 6);
	uint64_t age = ((now & TSC48) - t48) & TSC48;
	uint64_t tsc = now - age;
	if (tsc >= w0 && tsc < w1) {
		ct.rx[cls]++;
		ct.rxb[cls] += len;
		uint64_t ns = age * 1000000000ull / hz;
		ct.hist[cls][hbucket(ns)]++;
		if (chain == OPEN_CHAIN && tag < nolp)
			ol_rx[tag]++;
	}
	if (chain != OPEN_CHAIN && chain < nchains) {
		struct chain *ch = &chains[chain];
		if (ch->waiting && (ch->epoch & 15) == (s[1] & 15) && ch->wait_tag == tag) {
			ch->waiting = 0;
			rq_push(chain);
		}
	}
}

static void flush_tx(uint64_t now)
{
	for (unsigned s = 0; s < 2; s++) {
		if (stg[s].n == 0)
			continue;
		uint16_t k = rte_eth_tx_burst(opt.port[s], 0, stg[s].m,
					      (uint16_t)RTE_MIN(stg[s].n, 256u));
		if (k < stg[s].n)
			ct.tx_full++;
		if (k) {
			memmove(stg[s].m, stg[s].m + k, (stg[s].n - k) * sizeof(stg[s].m[0]));
			stg[s].n -= k;
		}
	}
	(void)now;
}

static void run_loop(uint64_t until, double rate, bool send)
{
	uint64_t last = rte_rdtsc();
	double tokens = 0;
	unsigned olpos = 0;
	uint32_t sweep = 0;
	uint64_t next_sweep = last;
	struct rte_mbuf *rx[BURST];

	while (!quit) {
		uint64_t now = rte_rdtsc();
		if (now >= until)
			break;
		/* receive */
		for (unsigned s = 0; s < 2; s++) {
			uint16_t n = rte_eth_rx_burst(opt.port[s], 0, rx, BURST);
			for (uint16_t i = 0; i < n; i++)
				rx_one(rx[i], now);
			if (n)
				rte_pktmbuf_free_bulk(rx, n);
		}
		if (!send) {
			flush_tx(now);
			continue;
		}
		unsigned budget = BURST;
		if (rate > 0) {
			tokens += (double)(now - last) * rate / (double)hz;
			if (tokens > BURST)
				tokens = BURST;
			budget = (unsigned)tokens;
		}
		last = now;
		unsigned used = 0;
		/* closed loop first */
		uint32_t ci;
		while (used < budget && stg[0].n < 2 * BURST && stg[1].n < 2 * BURST &&
		       rq_pop(&ci)) {
			unsigned k = chain_run(ci, budget - used, now);
			used += k;
			if (k == 0)
				break;
		}
		/* open loop fills the rest of the burst */
		while (nolcycle && used < budget && stg[0].n < 2 * BURST && stg[1].n < 2 * BURST) {
			uint32_t ti = olcycle[olpos];
			olpos = olpos + 1 == nolcycle ? 0 : olpos + 1;
			const struct tmpl *t = &olp[ti];
			uint8_t *d;
			uint16_t flen;
			struct rte_mbuf *m = mk(t, &d, &flen);
			if (m == NULL)
				break;
			stamp(d + flen, t->cls, 0, OPEN_CHAIN, ti, now);
			stage_put(t->side, m);
			count_tx(t->cls, flen, now);
			if (now >= w0 && now < w1)
				ol_tx[ti]++;
			used++;
		}
		if (rate > 0)
			tokens -= used;
		flush_tx(now);
		/* time out chains whose frame never came back */
		if (nchains && now >= next_sweep) {
			next_sweep = now + hz / 1000;
			uint32_t step = nchains / 16 + 1;
			for (uint32_t i = 0; i < step; i++, sweep++) {
				if (sweep >= nchains)
					sweep = 0;
				struct chain *ch = &chains[sweep];
				if (ch->waiting && now > ch->deadline) {
					ch->waiting = 0;
					ch->epoch++;
					ch->pos = 0;
					ch->loop = 0;
					ct.timeouts++;
					rq_push(sweep);
				}
			}
		}
	}
}

static int port_setup(uint16_t port)
{
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	if (!rte_eth_dev_is_valid_port(port)) {
		fprintf(stderr, "mg-pktgen: port %u does not exist (give two --vdev)\n", port);
		return -1;
	}
	int rc = rte_eth_dev_configure(port, 1, 1, &conf);
	uint16_t nrx = 1024, ntx = 1024;
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, nrx, (unsigned)rte_socket_id(), NULL, pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, ntx, (unsigned)rte_socket_id(), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc != 0) {
		fprintf(stderr, "mg-pktgen: port %u set-up failed: %s\n", port, strerror(-rc));
		return -1;
	}
	rte_eth_promiscuous_enable(port);
	return 0;
}

static bool links_up(void)
{
	for (unsigned s = 0; s < 2; s++) {
		struct rte_eth_link l;
		if (rte_eth_link_get_nowait(opt.port[s], &l) != 0 || !l.link_status)
			return false;
	}
	return true;
}

static void on_sig(int sig)
{
	(void)sig;
	quit = true;
}

struct phase {
	double secs;
	uint64_t tx[C__N], txb[C__N], rx[C__N], rxb[C__N];
	double p50[C__N], p99[C__N], p999[C__N];
	unsigned streams, streams_lossy;
};

static void phase_collect(struct phase *ph, double secs)
{
	memset(ph, 0, sizeof(*ph));
	ph->secs = secs;
	for (unsigned c = 0; c < C__N; c++) {
		ph->tx[c] = ct.tx[c];
		ph->txb[c] = ct.txb[c];
		ph->rx[c] = ct.rx[c];
		ph->rxb[c] = ct.rxb[c];
		ph->p50[c] = hist_pct(ct.hist[c], 50);
		ph->p99[c] = hist_pct(ct.hist[c], 99);
		ph->p999[c] = hist_pct(ct.hist[c], 99.9);
	}
	for (unsigned i = 0; i < nolp; i++)
		if (ol_tx[i]) {
			ph->streams++;
			if (ol_rx[i] < ol_tx[i] && olp[i].cls != C_ATTACK)
				ph->streams_lossy++;
		}
}

static void phase_reset(void)
{
	uint64_t keep[5] = {ct.tx_full, ct.rx_unstamped, ct.timeouts, ct.restarts, ct.loops};
	memset(&ct, 0, sizeof(ct));
	ct.tx_full = keep[0];
	ct.rx_unstamped = keep[1];
	ct.timeouts = keep[2];
	ct.restarts = keep[3];
	ct.loops = keep[4];
	memset(ol_rx, 0, nolp * sizeof(*ol_rx));
	memset(ol_tx, 0, nolp * sizeof(*ol_tx));
}

static void phase_run(struct phase *ph, double secs, double rate)
{
	phase_reset();
	uint64_t now = rte_rdtsc();
	w0 = now;
	w1 = now + (uint64_t)(secs * (double)hz);
	/* markers for bench/run, which samples the DUT's CPU time at them */
	fprintf(stderr, "MG-WINDOW-START\n");
	fflush(stderr);
	run_loop(w1, rate, true);
	fprintf(stderr, "MG-WINDOW-END\n");
	fflush(stderr);
	/* drain: keep receiving (chains keep running so nothing is cut short,
	 * but only frames stamped in the window count) */
	run_loop(rte_rdtsc() + hz / 20, rate, true);
	phase_collect(ph, secs);
	w0 = w1 = UINT64_MAX;
}

static void json_num(const char *k, double v, bool comma)
{
	if (v < 0 || isnan(v))
		printf("\"%s\":null%s", k, comma ? "," : "");
	else
		printf("\"%s\":%.6g%s", k, v, comma ? "," : "");
}

static void json_phase(const char *name, const struct phase *ph)
{
	uint64_t tx = 0, rx = 0, rxb = 0, txok = 0, rxok = 0;
	for (unsigned c = 0; c < C__N; c++) {
		tx += ph->tx[c];
		rx += ph->rx[c];
		rxb += ph->rxb[c];
		if (c != C_ATTACK) {
			txok += ph->tx[c];
			rxok += ph->rx[c];
		}
	}
	double s = ph->secs;
	printf("\"%s\":{", name);
	json_num("secs", s, true);
	json_num("tx_mpps", (double)tx / s / 1e6, true);
	json_num("rx_mpps", (double)rx / s / 1e6, true);
	/* L2 bit rate with the 4-byte FCS (what a NIC counts) */
	json_num("rx_gbps", ((double)rxb + 4.0 * (double)rx) * 8 / s / 1e9, true);
	json_num("avg_frame", rx ? (double)rxb / (double)rx + 4 : -1, true);
	printf("\"tx\":%" PRIu64 ",\"rx\":%" PRIu64 ",", tx, rx);
	json_num("loss", txok ? (double)(txok > rxok ? txok - rxok : 0) / (double)txok : 0, true);
	printf("\"streams\":%u,\"streams_with_loss\":%u,", ph->streams, ph->streams_lossy);
	printf("\"classes\":{");
	for (unsigned c = 0; c < C__N; c++) {
		printf("%s\"%s\":{\"tx\":%" PRIu64 ",\"rx\":%" PRIu64 ",", c ? "," : "",
		       cls_name[c], ph->tx[c], ph->rx[c]);
		json_num("p50_us", ph->p50[c] / 1000, true);
		json_num("p99_us", ph->p99[c] / 1000, true);
		json_num("p999_us", ph->p999[c] / 1000, false);
		printf("}");
	}
	printf("}}");
}

static void usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "Two ports (A = DUT inside, B = DUT outside), e.g. memif servers:\n"
	       "  --vdev net_memif0,role=server,socket=/tmp/a.sock,socket-abstract=no\n"
	       "  --vdev net_memif1,role=server,socket=/tmp/b.sock,socket-abstract=no\n"
	       "Options:\n"
	       "  --profile P     64 | size | imix | substation | mms | attack | replay\n"
	       "  --size N        frame size with FCS for --profile size (64..1518)\n"
	       "  --assoc N       MMS associations (closed-loop chains)\n"
	       "  --pcap FILE     capture looped by --profile replay\n"
	       "  --warm S        warm-up seconds (default 1)\n"
	       "  --time S        throughput window, max rate (default 2)\n"
	       "  --rate PPS      cap the throughput window's rate (0 = max)\n"
	       "  --lat-rate PPS  rate of the latency window (default 20000; 0 = skip)\n"
	       "  --lat-time S    latency window seconds (default 1)\n"
	       "  --timeout-ms M  restart a chain whose frame did not come back (default 50)\n"
	       "  --ports A,B     DPDK port ids (default 0,1)\n"
	       "  --link-wait S   wait for both links (default 15)\n"
	       "  --write-pcap F  write the profile's frames to F and exit (no EAL)\n"
	       "Prints one JSON line on stdout.\n",
	       prog);
}

static int parse_app(int argc, char **argv)
{
	static const struct option lo[] = {
		{"profile", 1, 0, 'p'}, {"size", 1, 0, 's'},    {"assoc", 1, 0, 'a'},
		{"pcap", 1, 0, 'P'},    {"warm", 1, 0, 'w'},    {"time", 1, 0, 't'},
		{"rate", 1, 0, 'r'},    {"lat-rate", 1, 0, 'R'}, {"lat-time", 1, 0, 'T'},
		{"ports", 1, 0, 'o'},   {"link-wait", 1, 0, 'l'}, {"write-pcap", 1, 0, 'W'},
		{"timeout-ms", 1, 0, 'm'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': opt.profile = optarg; break;
		case 's': opt.size = (unsigned)atoi(optarg); break;
		case 'a': opt.assoc = (unsigned)atoi(optarg); break;
		case 'P': opt.pcap = optarg; break;
		case 'w': opt.warm = atof(optarg); break;
		case 't': opt.time = atof(optarg); break;
		case 'r': opt.rate = atof(optarg); break;
		case 'R': opt.lat_rate = atof(optarg); break;
		case 'T': opt.lat_time = atof(optarg); break;
		case 'l': opt.link_wait = atof(optarg); break;
		case 'W': opt.write_pcap = optarg; break;
		case 'm': opt.timeout_ms = atof(optarg); break;
		case 'o':
			if (sscanf(optarg, "%hu,%hu", &opt.port[0], &opt.port[1]) != 2)
				return -1;
			break;
		case 'h': usage(argv[0]); exit(0);
		default: return -1;
		}
	}
	if (opt.size < 64 || opt.size > 1518)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int dd = -1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	/* Application options: after "--", or all of them when there is no EAL part. */
	int aargc = dd >= 0 ? argc - dd : argc;
	char **aargv = dd >= 0 ? argv + dd : argv;
	if (dd < 0)
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
				usage(argv[0]);
				return 0;
			}
	if (dd >= 0 || (argc > 1 && strncmp(argv[1], "--write-pcap", 12) == 0) ||
	    (argc > 1 && strncmp(argv[1], "--profile", 9) == 0)) {
		char *save = aargv[0];
		aargv[0] = argv[0];
		if (parse_app(aargc, aargv) != 0) {
			usage(argv[0]);
			return 2;
		}
		aargv[0] = save;
	}
	build_profile();
	if (opt.write_pcap) {
		write_pcap(opt.write_pcap);
		fprintf(stderr, "mg-pktgen: %u open-loop templates, %u conversation kinds -> %s\n",
			nolp, nkinds, opt.write_pcap);
		return 0;
	}
	if (dd < 0) {
		usage(argv[0]);
		return 2;
	}
	int rc = rte_eal_init(dd, argv);
	if (rc < 0) {
		fprintf(stderr, "mg-pktgen: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 77;
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	hz = rte_get_tsc_hz();
	pool = rte_pktmbuf_pool_create("pg", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "mg-pktgen: mbuf pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (port_setup(opt.port[0]) || port_setup(opt.port[1]))
		return 1;
	ol_rx = calloc(nolp + 1, sizeof(*ol_rx));
	ol_tx = calloc(nolp + 1, sizeof(*ol_tx));
	rq_cap = nchains + 1;
	ready = calloc(rq_cap, sizeof(*ready));
	if (!ol_rx || !ol_tx || !ready)
		return 1;
	for (uint32_t i = 0; i < nchains; i++)
		rq_push(i);

	uint64_t t0 = rte_rdtsc();
	while (!links_up() && !quit) {
		if (rte_rdtsc() - t0 > (uint64_t)(opt.link_wait * (double)hz)) {
			fprintf(stderr, "mg-pktgen: links not up after %.0f s\n", opt.link_wait);
			printf("{\"error\":\"link down\"}\n");
			return 3;
		}
		rte_delay_ms(10);
	}
	double link_s = (double)(rte_rdtsc() - t0) / (double)hz;
	/* warm-up: associations get established, caches and rings fill */
	run_loop(rte_rdtsc() + (uint64_t)(opt.warm * (double)hz), 0, true);
	struct phase thr, lat;
	memset(&lat, 0, sizeof(lat));
	phase_run(&thr, opt.time, opt.rate);
	uint64_t timeouts_thr = ct.timeouts;
	if (opt.lat_rate > 0 && opt.lat_time > 0) {
		/* let queues empty before measuring unloaded latency */
		run_loop(rte_rdtsc() + hz / 10, opt.lat_rate, true);
		phase_run(&lat, opt.lat_time, opt.lat_rate);
	}
	quit = true;
	printf("{\"profile\":\"%s\",\"size\":%u,\"assoc\":%u,\"tsc_hz\":%" PRIu64
	       ",\"link_wait_s\":%.3f,",
	       opt.profile, opt.size, nchains, hz, link_s);
	json_phase("throughput", &thr);
	printf(",");
	if (opt.lat_rate > 0 && opt.lat_time > 0) {
		json_phase("latency", &lat);
		printf(",");
	}
	printf("\"lat_rate\":%.0f,\"chain_loops\":%" PRIu64 ",\"chain_restarts\":%" PRIu64
	       ",\"chain_timeouts\":%" PRIu64 ",\"chain_timeouts_throughput\":%" PRIu64
	       ",\"tx_full\":%" PRIu64 ",\"rx_unstamped\":%" PRIu64 "}\n",
	       opt.lat_rate, ct.loops, ct.restarts, ct.timeouts, timeouts_thr, ct.tx_full,
	       ct.rx_unstamped);
	fflush(stdout);
	/* Stop the ports (the DUT sees the links go down); closing memif
	 * devices while the peer still polls has crashed in teardown, and the
	 * process exits anyway. */
	for (unsigned s = 0; s < 2; s++)
		rte_eth_dev_stop(opt.port[s]);
	return 0;
}
