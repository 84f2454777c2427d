/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp-scenario: writes the captures the dataplane integration tests and the
 * demo feed to mmsgate, built with the generator library (tests/gen), as
 * three pcaps in DIR: all.pcap (the whole conversation), inside.pcap (what
 * the substation side sends: IED addresses 10.20.0.0/16 and
 * 2001:db8:20::/48, GOOSE/SV/GSE) and outside.pcap (everything else), with
 * shared timestamps so `mmsgate --ts-order` replays them causally.
 *
 * Scenarios (addresses match tests/scripts/dp_site.policy):
 *   seed   ARP; GOOSE VLAN 100 and SV VLAN 101 (pass), GOOSE VLAN 200 (drop);
 *          SCADA 10.10.1.10 reads and operates (allowed); historian
 *          10.10.3.20 reads (allowed) then operates (denied: drop + RST);
 *          192.168.50.5 tries to connect (not allowlisted); two IPv4
 *          fragments towards TCP/102; SCADA over IPv6 reads.
 *   flood  SCADA associates, 400 SYNs from the historian (never answered)
 *          fill the flow table, then SCADA reads again (must still work).
 *   ooo    SCADA reads, each request's segments arriving out of order.
 *   attacks  on the hosts of examples/seed.policy and the generator's demo
 *          capture (IED 10.0.0.20): the "other" host 192.168.1.50 reads then
 *          operates (denied), 10.9.9.9 tries to connect, fragments towards
 *          TCP/102 from SCADA 10.0.0.10, GOOSE on VLAN 200 (scripts/demo.sh).
 *   control  examples/control.policy: select-before-operate, open/close,
 *          interlock bypass, test mode, a setting's range, select timeout
 *          (tests/scripts/dp_control.py).
 *   finq   the historian's operate is refused (reply-error) while the IED
 *          is in the middle of a read response, so the answer waits for
 *          the server's next unit boundary, and the IED's last segment
 *          completes the response and carries its FIN: the answer must go
 *          in before that FIN (tests/scripts/dp_refuse_fin.py).
 *   custody  SCADA's read in three segments, the first resent while the
 *          gate holds it (custody taken), then an IED that never answers
 *          for 70 s of capture time: the gate resends what it acknowledged,
 *          backing off, and resets (tests/scripts/dp_custody.py);
 *          custody6 the same over IPv6 (SCADA 2001:db8:10::10).
 *   custody-refuse  the historian's operate refused (reply-error) while
 *          the gate has custody of its read: carried out by reset
 *          (tests/scripts/dp_custody_refuse.py).
 *   sack-refuse  SACK negotiated; after a refused operate (the flow is
 *          translated) the IED's read response in three segments: the
 *          gate's SACK to the IED is numbered in the IED's space
 *          (tests/scripts/dp_sack_refuse.py).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mg_gen.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct mg_gen_pcap p_all, p_in, p_out;
static uint64_t ts_us = 1700000000ull * 1000000ull;
static uint8_t pdu[4096];

static bool inside_frame(const uint8_t *f, size_t n)
{
	size_t off = 12;
	uint16_t et;

	if (n < 14)
		return false;
	et = (uint16_t)(f[off] << 8 | f[off + 1]);
	while ((et == 0x8100 || et == 0x88a8) && off + 6 <= n) {
		off += 4;
		et = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	off += 2;
	switch (et) {
	case 0x88b8: case 0x88b9: case 0x88ba: return true;
	case 0x0806:
		return n >= off + 18 && f[off + 14] == 10 &&
		       (f[off + 15] == 20 || (f[off + 15] == 0 && f[off + 16] == 0 && f[off + 17] == 20));
	case 0x0800:
		return n >= off + 20 && f[off + 12] == 10 &&
		       (f[off + 13] == 20 || (f[off + 13] == 0 && f[off + 14] == 0 && f[off + 15] == 20));
	case 0x86dd:
		return n >= off + 40 && f[off + 8] == 0x20 && f[off + 9] == 0x01 &&
		       f[off + 10] == 0x0d && f[off + 11] == 0xb8 && f[off + 12] == 0x00 &&
		       f[off + 13] == 0x20;
	}
	return false;
}

/* While buffering, frames are kept and emitted later in another order. */
static bool buffering;
static uint8_t bufd[8][1600];
static size_t bufl[8];
static unsigned nbuf;

static void sink_fn(void *ud, const uint8_t *frame, size_t len)
{
	(void)ud;
	if (buffering && nbuf < 8 && len <= sizeof(bufd[0])) {
		memcpy(bufd[nbuf], frame, len);
		bufl[nbuf++] = len;
		return;
	}
	p_all.ts_us = p_in.ts_us = p_out.ts_us = ts_us;
	mg_gen_pcap_write(&p_all, frame, len);
	mg_gen_pcap_write(inside_frame(frame, len) ? &p_in : &p_out, frame, len);
	ts_us += 100;
}

static const struct mg_gen_sink sink = {.fn = sink_fn};

static void emit(const uint8_t *f, size_t n)
{
	if (n)
		sink_fn(NULL, f, n);
}

static const uint8_t goose_mac[6] = {0x02, 0x00, 0x50, 0x20, 0x00, 0x05};
static const uint8_t sv_mac[6] = {0x02, 0x00, 0x51, 0x20, 0x00, 0x06};

static void goose(uint16_t vlan, uint32_t st, uint32_t sq)
{
	uint8_t f[1600];
	emit(f, mg_gen_goose_frame(f, sizeof(f), goose_mac, vlan, 0x0001, "IED1CTRL/LLN0$GO$gcbTrip",
				   "IED1CTRL/LLN0$DS_Trip", st, sq, st & 1));
}

static void sv(uint16_t cnt)
{
	uint8_t f[1600];
	emit(f, mg_gen_sv_frame(f, sizeof(f), sv_mac, 101, 0x4000, "IED1MU01", cnt));
}

static void do_read(struct mg_gen_conn *c, const char *obj)
{
	const char *const names[] = {obj};
	static const struct mg_gen_data val = {.kind = MG_GEN_D_BOOL, .i = 1};
	uint32_t id = c->next_invoke++;

	mg_gen_conn_mms(c, 0, pdu, mg_gen_mms_read(pdu, sizeof(pdu), id, names, 1));
	mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, &val, 1));
}

static void do_oper(struct mg_gen_conn *c, const char *obj)
{
	uint32_t id = c->next_invoke++;

	mg_gen_conn_mms(c, 0, pdu, mg_gen_mms_write_oper(pdu, sizeof(pdu), id, obj, true, 1, true));
	mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

/* An IPv4 fragment carrying `len` bytes of `payload` at byte offset `off`. */
static void ip_fragment(const struct mg_gen_conn *c, uint16_t id, uint16_t off, bool more,
			const uint8_t *payload, size_t len)
{
	uint8_t f[1600];
	size_t n = 0;

	memcpy(f, c->ep[1].mac, 6);
	memcpy(f + 6, c->ep[0].mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	n = 14;
	uint8_t *ip = f + n;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + len) >> 8);
	ip[3] = (uint8_t)(20 + len);
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
	ip[6] = (uint8_t)(fo >> 8);
	ip[7] = (uint8_t)fo;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, c->ep[0].ip, 4);
	memcpy(ip + 16, c->ep[1].ip, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	memcpy(f + n + 20, payload, len);
	emit(f, n + 20 + len);
}

static void scenario_seed(void)
{
	uint8_t f[256];
	struct mg_gen_conn scada, hist, bad, scada6;
	static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	static const uint8_t i6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};

	mg_gen_conn_init4(&scada, IP4(10, 10, 1, 10), 40001, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_init4(&hist, IP4(10, 10, 3, 20), 40002, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_init4(&bad, IP4(192, 168, 50, 5), 40003, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_init6(&scada6, s6, 40004, i6, 102, sink);

	emit(f, mg_gen_arp_frame(f, sizeof(f), scada.ep[0].mac, IP4(10, 10, 1, 10),
				 IP4(10, 20, 0, 5), false, NULL));
	emit(f, mg_gen_arp_frame(f, sizeof(f), scada.ep[1].mac, IP4(10, 20, 0, 5),
				 IP4(10, 10, 1, 10), true, scada.ep[0].mac));
	goose(100, 1, 0);
	sv(0);
	goose(200, 1, 0); /* VLAN the policy does not name: dropped */

	mg_gen_conn_associate(&scada);
	do_read(&scada, "IED1CTRL/XCBR1$ST$Pos");
	sv(1);
	do_oper(&scada, "IED1CTRL/CSWI1$CO$Pos$Oper");
	goose(100, 2, 0);

	mg_gen_conn_associate(&hist);
	do_read(&hist, "IED1MEAS/MMXU1$MX$PhV");
	do_oper(&hist, "IED1CTRL/CSWI1$CO$Pos$Oper"); /* denied: historians read only */
	do_read(&hist, "IED1MEAS/MMXU1$MX$PhV");      /* after the reset: dropped */
	sv(2);

	mg_gen_conn_handshake(&bad); /* not allowlisted */

	/* Fragments towards TCP/102: a TCP header + data split in two. */
	{
		uint8_t seg[64];
		size_t n = mg_gen_tcp_frame(f, sizeof(f), &scada, 0, 0x18, (const uint8_t *)"0123456789abcdef", 16);
		size_t ipoff = 14;
		size_t l4 = n - ipoff - 20;
		memcpy(seg, f + ipoff + 20, l4);
		ip_fragment(&scada, 0x4242, 0, true, seg, 24);
		ip_fragment(&scada, 0x4242, 24, false, seg + 24, l4 - 24);
		scada.ep[0].seq -= 16; /* the stream never carried these bytes */
	}

	mg_gen_conn_associate(&scada6);
	do_read(&scada6, "IED1CTRL/XCBR1$ST$Pos");
	mg_gen_conn_release(&scada6);

	do_read(&scada, "IED1CTRL/XCBR1$ST$Pos");
	goose(100, 2, 1);
	mg_gen_conn_release(&scada);
}

static void scenario_flood(void)
{
	struct mg_gen_conn scada, syn;
	uint8_t f[256];

	mg_gen_conn_init4(&scada, IP4(10, 10, 1, 10), 40001, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(&scada);
	do_read(&scada, "IED1CTRL/XCBR1$ST$Pos");
	for (unsigned i = 0; i < 400; i++) {
		mg_gen_conn_init4(&syn, IP4(10, 10, 3, 20), (uint16_t)(20000 + i), IP4(10, 20, 0, 5),
				  102, sink);
		emit(f, mg_gen_tcp_frame(f, sizeof(f), &syn, 0, 0x02, NULL, 0));
	}
	do_read(&scada, "IED1CTRL/XCBR1$ST$Pos");
	mg_gen_conn_release(&scada);
}

/* One read request in segments that arrive in the order given by perm. */
static void ooo_read(struct mg_gen_conn *c, const char *obj, const unsigned *perm, unsigned n)
{
	const char *const names[] = {obj};
	static const struct mg_gen_data val = {.kind = MG_GEN_D_BOOL, .i = 1};
	uint8_t stream[2048];
	size_t cuts[8];
	uint32_t id = c->next_invoke++;
	size_t m = mg_gen_mms_read(pdu, sizeof(pdu), id, names, 1);
	size_t len = mg_gen_conn_wrap_mms(c, stream, sizeof(stream), pdu, m);

	for (unsigned i = 1; i < n; i++)
		cuts[i - 1] = len * i / n;
	bool ack = c->ack_each;
	c->ack_each = false;
	buffering = true;
	nbuf = 0;
	mg_gen_conn_send_cuts(c, 0, stream, len, cuts, (int)n - 1);
	buffering = false;
	c->ack_each = ack;
	for (unsigned i = 0; i < n && i < nbuf; i++)
		emit(bufd[perm[i]], bufl[perm[i]]);
	mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, &val, 1));
}

static void scenario_ooo(void)
{
	struct mg_gen_conn scada;
	static const unsigned p3[] = {2, 0, 1}, p2[] = {1, 0}, p4[] = {3, 2, 1, 0};

	mg_gen_conn_init4(&scada, IP4(10, 10, 1, 10), 40010, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(&scada);
	ooo_read(&scada, "IED1CTRL/XCBR1$ST$Pos", p3, 3);
	ooo_read(&scada, "IED1MEAS/MMXU1$MX$PhV", p2, 2);
	ooo_read(&scada, "IED1CTRL/CSWI1$ST$Pos$stVal", p4, 4);
	mg_gen_conn_release(&scada);
}

static void scenario_attacks(void)
{
	struct mg_gen_conn other, outsider, scada;
	uint8_t f[256], seg[64];

	mg_gen_conn_init4(&other, IP4(192, 168, 1, 50), 41000, IP4(10, 0, 0, 20), 102, sink);
	mg_gen_conn_init4(&outsider, IP4(10, 9, 9, 9), 41001, IP4(10, 0, 0, 20), 102, sink);
	mg_gen_conn_init4(&scada, IP4(10, 0, 0, 10), 41002, IP4(10, 0, 0, 20), 102, sink);
	mg_gen_conn_associate(&other);
	do_read(&other, "IED1MEAS/MMXU1$MX$PhV");
	do_oper(&other, "IED1CTRL/CSWI1$CO$Pos$Oper"); /* read-only host: denied */
	mg_gen_conn_handshake(&outsider);              /* not allowlisted */
	goose(200, 1, 0);                              /* VLAN not in the policy */
	size_t n = mg_gen_tcp_frame(f, sizeof(f), &scada, 0, 0x18, (const uint8_t *)"0123456789abcdef", 16);
	memcpy(seg, f + 34, n - 34);
	ip_fragment(&scada, 0x4343, 0, true, seg, 24);
	ip_fragment(&scada, 0x4343, 24, false, seg + 24, n - 34 - 24);
}

/* ---- finq: an answer queued when the server closes ---------------------- */

static void scenario_finq(void)
{
	struct mg_gen_conn h;
	uint8_t f[2048], st[2048];
	const char *const names[] = {"IED1MEAS/MMXU1$MX$TotW"};
	static const struct mg_gen_data val = {.kind = MG_GEN_D_BOOL, .i = 1};

	mg_gen_conn_init4(&h, IP4(10, 10, 3, 20), 40200, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(&h);
	do_read(&h, "IED1MEAS/MMXU1$MX$PhV"); /* a plain exchange first */

	uint32_t rd = h.next_invoke++;
	mg_gen_conn_mms(&h, 0, pdu, mg_gen_mms_read(pdu, sizeof(pdu), rd, names, 1));
	/* The response's first 10 bytes: the server is mid-PDU ... */
	size_t sl = mg_gen_conn_wrap_mms(&h, st, sizeof(st), pdu,
					 mg_gen_mms_read_resp(pdu, sizeof(pdu), rd, &val, 1));
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x18, st, 10));
	/* ... when the operate comes: refused, its answer must wait. The IED
	 * never gets its bytes, so it never acknowledges them either. */
	uint32_t op = h.next_invoke++;
	uint32_t cli_seq = h.ep[0].seq;
	h.ack_each = false;
	mg_gen_conn_mms(&h, 0, pdu,
			mg_gen_mms_write_oper(pdu, sizeof(pdu), op, "IED1CTRL/CSWI1$CO$Pos$Oper",
					      true, 1, true));
	uint32_t cli_after = h.ep[0].seq;
	h.ep[0].seq = cli_seq;
	/* The rest of the response, with the server's FIN (0x19 = FIN|PSH|ACK) */
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x19, st + 10, sl - 10));
	/* The client's FIN|ACK (a capture cannot know of the answer: it
	 * acknowledges the IED's bytes and FIN, not the answer's), the IED's
	 * ACK of the FIN as it saw it (the operate's bytes cut). */
	h.ep[0].seq = cli_after;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x11, NULL, 0));
	h.ep[0].seq = cli_seq + 1;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x10, NULL, 0));
}

/* ---- custody: the gate delivers what it acknowledged, or resets ---------- */

static void custody(bool v6)
{
	static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	static const uint8_t i6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};
	struct mg_gen_conn h;
	uint8_t f[2048], st[2048];
	const char *const names[] = {"IED1MEAS/MMXU1$MX$TotW"};

	if (v6)
		mg_gen_conn_init6(&h, s6, 40300, i6, 102, sink);
	else
		mg_gen_conn_init4(&h, IP4(10, 10, 1, 10), 40300, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(&h);
	do_read(&h, "IED1MEAS/MMXU1$MX$PhV"); /* a plain exchange first */

	/* A read in three segments: the first two are held (the unit is not
	 * complete), then the client's timer fires and it resends the first:
	 * the gate takes custody and acknowledges both. */
	uint32_t rd = h.next_invoke++;
	size_t n = mg_gen_conn_wrap_mms(&h, st, sizeof(st), pdu,
					mg_gen_mms_read(pdu, sizeof(pdu), rd, names, 1));
	size_t a = n / 3, b = 2 * n / 3;
	uint32_t s0 = h.ep[0].seq;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x10, st, a));
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x10, st + a, b - a));
	uint32_t s2 = h.ep[0].seq;
	ts_us += 300000;
	h.ep[0].seq = s0;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x10, st, a));
	h.ep[0].seq = s2;
	/* The last segment completes the unit: allowed, released, kept. */
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x18, st + b, n - b));
	/* The IED stays silent for 70 s of capture time; the client's ARP
	 * every 10 ms is its clock (forwarded towards the IED, so the checker
	 * counts the gate's resends against it in one capture). */
	for (unsigned k = 0; k < 7000; k++) {
		ts_us += 10000 - 100;
		emit(f, mg_gen_arp_frame(f, sizeof(f), h.ep[0].mac, IP4(10, 10, 1, 10),
					 IP4(10, 20, 0, 5), false, NULL));
	}
}

static void scenario_custody(void)
{
	custody(false);
}

static void scenario_custody6(void)
{
	custody(true);
}

/* A refusal while the gate has custody of the client's bytes: the
 * historian's read, held head resent (custody), sent to an IED that has not
 * acknowledged it yet, then an operate the policy refuses with an answer:
 * the translator cannot take a flow in custody (two sequence spaces), so
 * the refusal is carried out by reset. */
static void scenario_custody_refuse(void)
{
	struct mg_gen_conn h;
	uint8_t f[2048], st[2048];
	const char *const names[] = {"IED1MEAS/MMXU1$MX$TotW"};

	mg_gen_conn_init4(&h, IP4(10, 10, 3, 20), 40301, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(&h);
	uint32_t rd = h.next_invoke++;
	size_t n = mg_gen_conn_wrap_mms(&h, st, sizeof(st), pdu,
					mg_gen_mms_read(pdu, sizeof(pdu), rd, names, 1));
	size_t a = n / 2;
	uint32_t s0 = h.ep[0].seq;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x10, st, a));
	uint32_t s1 = h.ep[0].seq;
	ts_us += 300000;
	h.ep[0].seq = s0;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x10, st, a));
	h.ep[0].seq = s1;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x18, st + a, n - a));
	/* pipelined, before the IED acknowledged the read */
	h.ack_each = false;
	mg_gen_conn_mms(&h, 0, pdu,
			mg_gen_mms_write_oper(pdu, sizeof(pdu), h.next_invoke++,
					      "IED1CTRL/CSWI1$CO$Pos$Oper", true, 1, true));
}

/* SACK on a translated flow: the historian's operate is refused with an
 * answer (the flow's streams are edited from then on), then the IED sends a
 * read response in three segments. The gate holds the first two and SACKs
 * the second to the IED: that ACK's own sequence number must be in the
 * IED's space (the refused operate's bytes cut), not the client's. */
static void scenario_sack_refuse(void)
{
	struct mg_gen_conn h;
	uint8_t f[2048], st[2048], rq[2048];
	const char *const names[] = {"IED1MEAS/MMXU1$MX$TotW"};
	static const struct mg_gen_data val = {.kind = MG_GEN_D_BOOL, .i = 1};

	mg_gen_conn_init4(&h, IP4(10, 10, 3, 20), 40302, IP4(10, 20, 0, 5), 102, sink);
	h.sack_ok = true;
	mg_gen_conn_associate(&h);
	do_read(&h, "IED1MEAS/MMXU1$MX$PhV");
	/* the operate: refused, the IED never gets its bytes */
	uint32_t cli_seq = h.ep[0].seq;
	h.ack_each = false;
	mg_gen_conn_mms(&h, 0, pdu,
			mg_gen_mms_write_oper(pdu, sizeof(pdu), h.next_invoke++,
					      "IED1CTRL/CSWI1$CO$Pos$Oper", true, 1, true));
	/* a read, in the client's space */
	uint32_t rd = h.next_invoke++;
	size_t rl = mg_gen_conn_wrap_mms(&h, rq, sizeof(rq), pdu,
					 mg_gen_mms_read(pdu, sizeof(pdu), rd, names, 1));
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 0, 0x18, rq, rl));
	/* the IED's answer in three segments, acknowledging what it got: the
	 * read, not the operate */
	uint32_t cli_after = h.ep[0].seq;
	h.ep[0].seq = cli_seq + (uint32_t)rl;
	size_t sl = mg_gen_conn_wrap_mms(&h, st, sizeof(st), pdu,
					 mg_gen_mms_read_resp(pdu, sizeof(pdu), rd, &val, 1));
	size_t a = sl / 3, b = 2 * sl / 3;
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x10, st, a));
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x10, st + a, b - a));
	emit(f, mg_gen_tcp_frame(f, sizeof(f), &h, 1, 0x18, st + b, sl - b));
	h.ep[0].seq = cli_after;
}

/* ---- control: examples/control.policy on the dataplane ------------------ */

/* One control write (Oper / SBOw by the leaf) from c; the IED answers with
 * success only when `ok` (a refused request never reaches it). */
static void ctl(struct mg_gen_conn *c, const char *obj, bool val, uint32_t num, bool interlock,
		bool test, bool ok)
{
	struct mg_gen_ctl g = {
		.ctl_val = {.kind = MG_GEN_D_BOOL, .i = val},
		.or_cat = 3,
		.or_ident = "dp",
		.ctl_num = num,
		.test = test,
		.with_check = true,
		.synchrocheck = true,
		.interlock = interlock,
	};
	uint32_t id = c->next_invoke++;

	mg_gen_conn_mms(c, 0, pdu, mg_gen_mms_write_ctl(pdu, sizeof(pdu), id, obj, &g));
	if (ok)
		mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

static void setting(struct mg_gen_conn *c, const char *obj, float v, bool ok)
{
	const struct mg_gen_data d = {.kind = MG_GEN_D_FLOAT, .f = v};
	uint32_t id = c->next_invoke++;

	mg_gen_conn_mms(c, 0, pdu, mg_gen_mms_write(pdu, sizeof(pdu), id, &obj, &d, 1));
	if (ok)
		mg_gen_conn_mms(c, 1, pdu, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

/* A new association from client ip (a fresh port each time). */
static void assoc(struct mg_gen_conn *c, uint32_t ip)
{
	static uint16_t port = 40100;

	mg_gen_conn_init4(c, ip, port++, IP4(10, 20, 0, 5), 102, sink);
	mg_gen_conn_associate(c);
}

/*
 * SCADA 10.10.1.7 and 10.10.1.8, engineering 10.10.2.5, IED 10.20.0.5
 * under examples/control.policy (breakers select-before-operate, 30 s).
 * A denial resets its association, so every refused request opens a case
 * of its own; an association that was refused sends nothing more.
 * tests/scripts/dp_control.py knows which requests must reach the IED.
 */
static void scenario_control(void)
{
	struct mg_gen_conn a, b, e;
	const uint32_t sa = IP4(10, 10, 1, 7), sb = IP4(10, 10, 1, 8), en = IP4(10, 10, 2, 5);

	/* open allowed (select then operate) … */
	assoc(&a, sa);
	ctl(&a, "IED1/XCBR1$CO$Pos$SBOw", false, 1, true, false, true);
	ctl(&a, "IED1/XCBR1$CO$Pos$Oper", false, 1, true, false, true);
	/* … close denied for the same client */
	ctl(&a, "IED1/XCBR1$CO$Pos$SBOw", true, 2, true, false, false);
	/* operate without select: denied */
	assoc(&a, sa);
	ctl(&a, "IED1/XCBR3$CO$Pos$Oper", false, 3, true, false, false);
	/* interlock-check cleared: denied even after a select */
	assoc(&a, sa);
	ctl(&a, "IED1/XCBR4$CO$Pos$SBOw", false, 4, true, false, true);
	ctl(&a, "IED1/XCBR4$CO$Pos$Oper", false, 4, false, false, false);
	/* select by A, operate by B: denied */
	assoc(&a, sa);
	assoc(&b, sb);
	ctl(&a, "IED1/CSWI1$CO$Pos$SBOw", false, 5, true, false, true);
	ctl(&b, "IED1/CSWI1$CO$Pos$Oper", false, 5, true, false, false);
	/* … while A's own operate passes */
	ctl(&a, "IED1/CSWI1$CO$Pos$Oper", false, 5, true, false, true);
	mg_gen_conn_release(&a);
	/* test mode from SCADA: denied; from engineering: allowed */
	assoc(&a, sa);
	ctl(&a, "IED1/XCBR2$CO$Pos$SBOw", false, 6, true, false, true);
	ctl(&a, "IED1/XCBR2$CO$Pos$Oper", false, 6, true, true, false);
	assoc(&e, en);
	ctl(&e, "IED1/XCBR2$CO$Pos$SBOw", true, 7, true, false, true);
	ctl(&e, "IED1/XCBR2$CO$Pos$Oper", true, 7, true, true, true);
	/* the setting's range over FC SP and SE: inside allowed … */
	setting(&e, "IED1/PTOC1$SP$StrVal$setMag$f", 80.0f, true);
	setting(&e, "IED1/PTOC1$SE$StrVal$setMag$f", 120.0f, true);
	/* … outside denied */
	setting(&e, "IED1/PTOC1$SP$StrVal$setMag$f", 150.0f, false);
	assoc(&e, en);
	setting(&e, "IED1/PTOC1$SE$StrVal$setMag$f", 130.0f, false);
	/* select timeout: a fresh select lets the operate pass; after a
	 * pause far beyond 30 s (long enough whatever unit the PMD's rx
	 * timestamp has) the operate is denied */
	assoc(&a, sa);
	ctl(&a, "IED1/CSWI2$CO$Pos$SBOw", false, 8, true, false, true);
	ctl(&a, "IED1/CSWI2$CO$Pos$Oper", false, 8, true, false, true);
	ctl(&a, "IED1/CSWI2$CO$Pos$SBOw", false, 9, true, false, true);
	ts_us += 100000ull * 1000000ull;
	ctl(&a, "IED1/CSWI2$CO$Pos$Oper", false, 9, true, false, false);
}

int main(int argc, char **argv)
{
	char path[4096];
	void (*fn)(void);

	if (argc != 3) {
		fprintf(stderr, "usage: dp-scenario seed|flood|attacks|ooo|control|finq|custody|custody6|custody-refuse|sack-refuse DIR\n");
		return 2;
	}
	if (strcmp(argv[1], "seed") == 0)
		fn = scenario_seed;
	else if (strcmp(argv[1], "flood") == 0)
		fn = scenario_flood;
	else if (strcmp(argv[1], "attacks") == 0)
		fn = scenario_attacks;
	else if (strcmp(argv[1], "ooo") == 0)
		fn = scenario_ooo;
	else if (strcmp(argv[1], "control") == 0)
		fn = scenario_control;
	else if (strcmp(argv[1], "finq") == 0)
		fn = scenario_finq;
	else if (strcmp(argv[1], "custody") == 0)
		fn = scenario_custody;
	else if (strcmp(argv[1], "custody6") == 0)
		fn = scenario_custody6;
	else if (strcmp(argv[1], "custody-refuse") == 0)
		fn = scenario_custody_refuse;
	else if (strcmp(argv[1], "sack-refuse") == 0)
		fn = scenario_sack_refuse;
	else {
		fprintf(stderr, "dp-scenario: unknown scenario '%s' (seed, flood, attacks, ooo, control, finq, custody, custody6, custody-refuse, sack-refuse)\n", argv[1]);
		return 2;
	}
	mkdir(argv[2], 0755);
	snprintf(path, sizeof(path), "%s/all.pcap", argv[2]);
	if (mg_gen_pcap_open(&p_all, path) != 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/inside.pcap", argv[2]);
	if (mg_gen_pcap_open(&p_in, path) != 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/outside.pcap", argv[2]);
	if (mg_gen_pcap_open(&p_out, path) != 0)
		goto fail;
	fn();
	if (mg_gen_pcap_close(&p_all) || mg_gen_pcap_close(&p_in) || mg_gen_pcap_close(&p_out))
		goto fail;
	printf("dp-scenario %s: %u frames (%u inside, %u outside) in %s\n", argv[1], p_all.frames,
	       p_in.frames, p_out.frames, argv[2]);
	return 0;
fail:
	fprintf(stderr, "dp-scenario: cannot write %s: %s\n", path, strerror(errno));
	return 1;
}
