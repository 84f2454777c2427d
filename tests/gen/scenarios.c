/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named traffic scenarios: whole conversations built from the generator's
 * builders, written to pcap by mmsgate-gen and checked against tshark by
 * the differential test. Each scenario stresses something specific (all
 * services, TPKT/TCP and COTP segmentation, non-default presentation
 * context ids, IPv6 + VLAN, a capture starting mid-association, S7comm and
 * garbage on port 102) while staying deterministic byte for byte.
 */
#include <string.h>

#include "mg_gen.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static uint8_t pdu[70000];

/* ----------------------------------------------------------- value sets */

static const struct mg_gen_data pos_st[3] = {
	{.kind = MG_GEN_D_BITS, .bits = 0x80000000u, .nbits = 2}, /* stVal: on (10) */
	{.kind = MG_GEN_D_BITS, .bits = 0, .nbits = 13},
	{.kind = MG_GEN_D_UTC},
};
static const struct mg_gen_data mag_st[3] = {
	{.kind = MG_GEN_D_STRUCT, .n = 1, .sub = (const struct mg_gen_data[]){
		{.kind = MG_GEN_D_FLOAT, .f = 231.5f}}},
	{.kind = MG_GEN_D_BITS, .bits = 0, .nbits = 13},
	{.kind = MG_GEN_D_UTC},
};
static const struct mg_gen_data read_vals[4] = {
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = pos_st},
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = mag_st},
	{.kind = MG_GEN_D_BOOL, .i = 1},
	{.kind = MG_GEN_D_FAIL, .i = 10}, /* object-non-existent */
};
static const struct mg_gen_data rpt_vals[6] = {
	{.kind = MG_GEN_D_VSTRING, .s = "urcbA01"},                 /* RptID */
	{.kind = MG_GEN_D_BITS, .bits = 0x7A000000u, .nbits = 10},  /* OptFlds */
	{.kind = MG_GEN_D_UINT, .i = 17},                           /* SqNum */
	{.kind = MG_GEN_D_VSTRING, .s = "IED1LD0/LLN0$DS_Meas"},    /* DatSet */
	{.kind = MG_GEN_D_BITS, .bits = 0xC0000000u, .nbits = 2},   /* inclusion */
	{.kind = MG_GEN_D_STRUCT, .n = 3, .sub = pos_st},
};

/* ------------------------------------------------------------- helpers */

static void req(struct mg_gen_conn *c, size_t n)
{
	mg_gen_conn_mms(c, 0, pdu, n);
}

static void resp(struct mg_gen_conn *c, size_t n)
{
	mg_gen_conn_mms(c, 1, pdu, n);
}

static uint32_t inv(struct mg_gen_conn *c)
{
	return c->next_invoke++;
}

static void do_read(struct mg_gen_conn *c, const char *const *names, int n)
{
	uint32_t id = inv(c);
	req(c, mg_gen_mms_read(pdu, sizeof(pdu), id, names, n));
	resp(c, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, n < 4 ? n : 4));
}

static void do_oper(struct mg_gen_conn *c, const char *name, bool val, uint8_t num, bool check)
{
	uint32_t id = inv(c);
	req(c, mg_gen_mms_write_oper(pdu, sizeof(pdu), id, name, val, num, check));
	resp(c, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

static void do_write1(struct mg_gen_conn *c, const char *name, const struct mg_gen_data *v)
{
	uint32_t id = inv(c);
	req(c, mg_gen_mms_write(pdu, sizeof(pdu), id, &name, v, 1));
	resp(c, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

static void do_report(struct mg_gen_conn *c)
{
	resp(c, mg_gen_mms_info_report(pdu, sizeof(pdu), "RPT", rpt_vals, 6));
}

static void do_browse(struct mg_gen_conn *c, const char *domain)
{
	static const char *const lds[] = {"IED1LD0", "IED1CTRL", "IED1MEAS"};
	static const char *const vars[] = {"LLN0", "LLN0$ST", "LLN0$ST$Mod", "XCBR1",
					   "XCBR1$ST$Pos", "CSWI1", "CSWI1$CO$Pos$Oper"};
	uint32_t id = inv(c);
	req(c, mg_gen_mms_get_name_list(pdu, sizeof(pdu), id, 9, NULL, NULL));
	resp(c, mg_gen_mms_get_name_list_resp(pdu, sizeof(pdu), id, lds, 3, false));
	id = inv(c);
	req(c, mg_gen_mms_get_name_list(pdu, sizeof(pdu), id, 0, domain, NULL));
	resp(c, mg_gen_mms_get_name_list_resp(pdu, sizeof(pdu), id, vars, 7, false));
	id = inv(c);
	char name[96];
	snprintf(name, sizeof(name), "%s/XCBR1$ST$Pos", domain);
	req(c, mg_gen_mms_gvaa(pdu, sizeof(pdu), id, name));
	resp(c, mg_gen_mms_gvaa_resp(pdu, sizeof(pdu), id));
}

static void emit(struct mg_gen_sink sink, const uint8_t *f, size_t n)
{
	if (n && sink.fn)
		sink.fn(sink.ud, f, n);
}

static const uint8_t goose_mac[6] = {0x00, 0x30, 0xA7, 0x01, 0x02, 0x03};
static const uint8_t sv_mac[6] = {0x00, 0x30, 0xA7, 0x04, 0x05, 0x06};

static void goose(struct mg_gen_sink sink, uint32_t st, uint32_t sq, bool v)
{
	uint8_t f[1600];
	emit(sink, f, mg_gen_goose_frame(f, sizeof(f), goose_mac, 100, 0x0001,
					 "IED1CTRL/LLN0$GO$gcbTrip", "IED1CTRL/LLN0$DS_Trip", st,
					 sq, v));
}

static void sv(struct mg_gen_sink sink, uint16_t cnt)
{
	uint8_t f[1600];
	emit(sink, f, mg_gen_sv_frame(f, sizeof(f), sv_mac, 101, 0x4000, "IED1MU01", cnt));
}

/* ------------------------------------------------------------ scenarios */

/* The README demo: a SCADA host and an engineering laptop talk to one IED,
 * with GOOSE (VLAN 100), SV (VLAN 101) and ARP around them. */
static void sc_substation_demo(struct mg_gen_sink sink)
{
	uint8_t f[128];
	struct mg_gen_conn a, b;
	mg_gen_conn_init4(&a, IP4(10, 0, 0, 10), 49152, IP4(10, 0, 0, 20), 102, sink);
	mg_gen_conn_init4(&b, IP4(10, 0, 0, 11), 50200, IP4(10, 0, 0, 20), 102, sink);
	emit(sink, f, mg_gen_arp_frame(f, sizeof(f), a.ep[0].mac, IP4(10, 0, 0, 10),
				       IP4(10, 0, 0, 20), false, NULL));
	emit(sink, f, mg_gen_arp_frame(f, sizeof(f), a.ep[1].mac, IP4(10, 0, 0, 20),
				       IP4(10, 0, 0, 10), true, a.ep[0].mac));
	goose(sink, 1, 0, false);
	sv(sink, 0);

	/* SCADA: associate, browse, poll, get a report, operate the breaker. */
	mg_gen_conn_associate(&a);
	do_browse(&a, "IED1CTRL");
	sv(sink, 1);
	static const char *const poll[] = {"IED1CTRL/XCBR1$ST$Pos", "IED1MEAS/MMXU1$MX$PhV",
					   "IED1CTRL/CSWI1$ST$Pos$stVal"};
	do_read(&a, poll, 3);
	do_report(&a);
	goose(sink, 1, 1, false);
	/* select-before-operate with enhanced security, then operate */
	do_oper(&a, "IED1CTRL/CSWI1$CO$Pos$SBOw", true, 1, true);
	do_oper(&a, "IED1CTRL/CSWI1$CO$Pos$Oper", true, 1, true);
	goose(sink, 2, 0, true);
	do_report(&a);
	sv(sink, 2);

	/* Engineering laptop: settings write, report enable, file transfer. */
	mg_gen_conn_associate(&b);
	static const struct mg_gen_data setv = {.kind = MG_GEN_D_FLOAT, .f = 1.25f};
	do_write1(&b, "IED1PROT/PTOC1$SP$StrVal$setMag$f", &setv);
	static const struct mg_gen_data ena = {.kind = MG_GEN_D_BOOL, .i = 1};
	do_write1(&b, "IED1LD0/LLN0$BR$brcbA01$RptEna", &ena);
	uint32_t id = inv(&b);
	req(&b, mg_gen_mms_file_open(pdu, sizeof(pdu), id, "/COMTRADE/fault_0001.cfg"));
	resp(&b, mg_gen_mms_file_open_resp(pdu, sizeof(pdu), id, 1, 512));
	id = inv(&b);
	req(&b, mg_gen_mms_file_read(pdu, sizeof(pdu), id, 1));
	static const char cfg[] = "IED1,1999\r\n2,1A,1D\r\n";
	resp(&b, mg_gen_mms_file_read_resp(pdu, sizeof(pdu), id, cfg, sizeof(cfg) - 1, false));
	id = inv(&b);
	req(&b, mg_gen_mms_file_close(pdu, sizeof(pdu), id, 1));
	resp(&b, mg_gen_mms_null_resp(pdu, sizeof(pdu), id, 74));
	mg_gen_conn_release(&b);

	do_read(&a, poll, 3);
	goose(sink, 2, 1, true);
	mg_gen_conn_release(&a);
}

/* One association exercising every service the firewall classifies. */
static void sc_services(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, IP4(192, 168, 1, 50), 40001, IP4(192, 168, 1, 2), 102, sink);
	mg_gen_conn_associate(&c);
	uint32_t id = inv(&c);
	req(&c, mg_gen_mms_identify(pdu, sizeof(pdu), id));
	resp(&c, mg_gen_mms_identify_resp(pdu, sizeof(pdu), id, "mmsgate", "gen", "1.0"));
	id = inv(&c);
	req(&c, mg_gen_mms_status(pdu, sizeof(pdu), id));
	resp(&c, mg_gen_mms_status_resp(pdu, sizeof(pdu), id));
	do_browse(&c, "IED2LD0");

	static const char *const objs[] = {"IED2LD0/LLN0$ST$Mod$stVal", "IED2LD0/XCBR1$ST$Pos",
					   "IED2LD0/MMXU1$MX$TotW", "IED2LD0/LPHD1$ST$PhyHealth"};
	do_read(&c, objs, 4);
	static const char *const one_vmd[] = {"vmdVar"};
	do_read(&c, one_vmd, 1);
	static const char *const one_aa[] = {"@aaVar"};
	do_read(&c, one_aa, 1);
	id = inv(&c);
	req(&c, mg_gen_mms_read_varlist(pdu, sizeof(pdu), id, "IED2LD0/LLN0$DS_Meas"));
	resp(&c, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, 3));
	/* select (read of SBO), SBOw, Oper, Cancel */
	static const char *const sbo[] = {"IED2LD0/CSWI1$CO$Pos$SBO"};
	do_read(&c, sbo, 1);
	do_oper(&c, "IED2LD0/CSWI1$CO$Pos$SBOw", true, 2, true);
	do_oper(&c, "IED2LD0/CSWI1$CO$Pos$Oper", true, 2, true);
	do_oper(&c, "IED2LD0/CSWI1$CO$Pos$Cancel", true, 3, false);
	static const struct mg_gen_data f1 = {.kind = MG_GEN_D_FLOAT, .f = 0.5f};
	do_write1(&c, "IED2LD0/PTOC1$SP$StrVal$setMag$f", &f1);
	static const struct mg_gen_data u1 = {.kind = MG_GEN_D_UINT, .i = 2};
	do_write1(&c, "IED2LD0/LLN0$SP$SGCB$ActSG", &u1);
	static const struct mg_gen_data b1 = {.kind = MG_GEN_D_BOOL, .i = 1};
	do_write1(&c, "IED2LD0/LLN0$RP$urcbA01$RptEna", &b1);
	static const struct mg_gen_data vs = {.kind = MG_GEN_D_VSTRING, .s = "Feeder 7"};
	do_write1(&c, "IED2LD0/LLN0$DC$NamPlt$d", &vs);
	/* a write of two objects in one request, one refused */
	static const char *const two[] = {"IED2LD0/LLN0$CF$Mod$ctlModel",
					  "IED2LD0/GGIO1$SP$Ind1$d"};
	static const struct mg_gen_data two_v[2] = {{.kind = MG_GEN_D_INT, .i = 1},
						    {.kind = MG_GEN_D_VSTRING, .s = "x"}};
	id = inv(&c);
	req(&c, mg_gen_mms_write(pdu, sizeof(pdu), id, two, two_v, 2));
	resp(&c, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 2, 2));

	/* datasets */
	static const char *const members[] = {"IED2LD0/MMXU1$MX$TotW", "IED2LD0/XCBR1$ST$Pos"};
	id = inv(&c);
	req(&c, mg_gen_mms_define_nvl(pdu, sizeof(pdu), id, "IED2LD0/LLN0$DynDS1", members, 2));
	resp(&c, mg_gen_mms_define_nvl_resp(pdu, sizeof(pdu), id));
	id = inv(&c);
	req(&c, mg_gen_mms_get_nvl_attr(pdu, sizeof(pdu), id, "IED2LD0/LLN0$DynDS1"));
	resp(&c, mg_gen_mms_get_nvl_attr_resp(pdu, sizeof(pdu), id, members, 2));
	id = inv(&c);
	req(&c, mg_gen_mms_delete_nvl(pdu, sizeof(pdu), id, "IED2LD0/LLN0$DynDS1"));
	resp(&c, mg_gen_mms_delete_nvl_resp(pdu, sizeof(pdu), id));

	/* files */
	static const char *const files[] = {"/COMTRADE/a.cfg", "/COMTRADE/a.dat"};
	id = inv(&c);
	req(&c, mg_gen_mms_file_directory(pdu, sizeof(pdu), id, "/COMTRADE/"));
	resp(&c, mg_gen_mms_file_directory_resp(pdu, sizeof(pdu), id, files, 2));
	id = inv(&c);
	req(&c, mg_gen_mms_file_open(pdu, sizeof(pdu), id, "/COMTRADE/a.cfg"));
	resp(&c, mg_gen_mms_file_open_resp(pdu, sizeof(pdu), id, 7, 64));
	id = inv(&c);
	req(&c, mg_gen_mms_file_read(pdu, sizeof(pdu), id, 7));
	resp(&c, mg_gen_mms_file_read_resp(pdu, sizeof(pdu), id, "abc", 3, false));
	id = inv(&c);
	req(&c, mg_gen_mms_file_close(pdu, sizeof(pdu), id, 7));
	resp(&c, mg_gen_mms_null_resp(pdu, sizeof(pdu), id, 74));
	id = inv(&c);
	req(&c, mg_gen_mms_file_delete(pdu, sizeof(pdu), id, "/COMTRADE/a.dat"));
	resp(&c, mg_gen_mms_null_resp(pdu, sizeof(pdu), id, 76));
	id = inv(&c);
	req(&c, mg_gen_mms_obtain_file(pdu, sizeof(pdu), id, "/tmp/new.cid", "/config/ied.cid"));
	resp(&c, mg_gen_mms_null_resp(pdu, sizeof(pdu), id, 46));

	/* journals */
	id = inv(&c);
	req(&c, mg_gen_mms_read_journal(pdu, sizeof(pdu), id, "IED2LD0/LLN0$EventLog"));
	resp(&c, mg_gen_mms_read_journal_resp(pdu, sizeof(pdu), id));

	/* report, error, reject, cancel */
	do_report(&c);
	static const char *const missing[] = {"IED2LD0/NOPE1$ST$Pos"};
	id = inv(&c);
	req(&c, mg_gen_mms_read(pdu, sizeof(pdu), id, missing, 1));
	resp(&c, mg_gen_mms_confirmed_error(pdu, sizeof(pdu), id, 7, 2)); /* access: non-existent */
	id = inv(&c);
	req(&c, mg_gen_mms_gvaa(pdu, sizeof(pdu), id, "IED2LD0/LLN0$ST"));
	resp(&c, mg_gen_mms_reject(pdu, sizeof(pdu), id, 1, 1));
	id = inv(&c);
	req(&c, mg_gen_mms_read(pdu, sizeof(pdu), id, objs, 2));
	req(&c, mg_gen_mms_cancel_req(pdu, sizeof(pdu), id));
	resp(&c, mg_gen_mms_cancel_resp(pdu, sizeof(pdu), id));
	mg_gen_conn_release(&c);
}

/* Segmentation: TPKT split across TCP segments (inside the TPKT header,
 * inside the MMS PDU), several TPKTs in one segment, a PDU larger than the
 * MSS, COTP DT fragmentation (EOT=0 chains) cut across TCP segments, and
 * non-default presentation context ids 5/7. */
static void sc_segmentation(struct mg_gen_sink sink)
{
	static uint8_t stream[200000];
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, IP4(172, 16, 0, 5), 51000, IP4(172, 16, 0, 9), 102, sink);
	c.ctx.acse = 5;
	c.ctx.mms = 7;
	mg_gen_conn_associate(&c);

	/* One TPKT cut at byte 2 (TPKT header), 9 and 30. */
	static const char *const objs[] = {"IED3LD0/XCBR1$ST$Pos", "IED3LD0/MMXU1$MX$A$phsA",
					   "IED3LD0/LLN0$ST$Health"};
	uint32_t id = inv(&c);
	size_t m = mg_gen_mms_read(pdu, sizeof(pdu), id, objs, 3);
	size_t n = mg_gen_conn_wrap_mms(&c, stream, sizeof(stream), pdu, m);
	const size_t cuts1[] = {2, 9, 30};
	mg_gen_conn_send_cuts(&c, 0, stream, n, cuts1, 3);
	resp(&c, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, 3));

	/* Three requests in one segment. */
	size_t off = 0;
	uint32_t first = c.next_invoke;
	for (int i = 0; i < 3; i++) {
		m = mg_gen_mms_read(pdu, sizeof(pdu), inv(&c), objs + i, 1);
		off += mg_gen_conn_wrap_mms(&c, stream + off, sizeof(stream) - off, pdu, m);
	}
	mg_gen_conn_send(&c, 0, stream, off);
	/* Responses: two and a half in one segment, the rest in the next. */
	off = 0;
	size_t bounds[3];
	for (int i = 0; i < 3; i++) {
		m = mg_gen_mms_read_resp(pdu, sizeof(pdu), first + (uint32_t)i, read_vals + i, 1);
		off += mg_gen_conn_wrap_mms(&c, stream + off, sizeof(stream) - off, pdu, m);
		bounds[i] = off;
	}
	const size_t cuts2[] = {bounds[1] + 5};
	mg_gen_conn_send_cuts(&c, 1, stream, off, cuts2, 1);

	/* A large read response (~6 kB): spans several TCP segments. */
	static struct mg_gen_data many[200];
	for (int i = 0; i < 200; i++) {
		many[i].kind = MG_GEN_D_STRUCT;
		many[i].n = 3;
		many[i].sub = mag_st;
	}
	id = inv(&c);
	static const char *const ds[] = {"IED3LD0/LLN0$DS_All"};
	req(&c, mg_gen_mms_read(pdu, sizeof(pdu), id, ds, 1));
	resp(&c, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, many, 200));

	/* COTP fragmentation: TSDUs cut into DT TPDUs of at most 64 bytes. */
	c.tpdu_max = 64;
	do_read(&c, objs, 3);
	id = inv(&c);
	req(&c, mg_gen_mms_read(pdu, sizeof(pdu), id, ds, 1));
	m = mg_gen_mms_read_resp(pdu, sizeof(pdu), id, many, 40);
	n = mg_gen_conn_wrap_mms(&c, stream, sizeof(stream), pdu, m);
	/* Cut at odd places so TPDU and TPKT boundaries straddle segments. */
	const size_t cuts3[] = {3, 70, 71, 200, 555, 1000};
	mg_gen_conn_send_cuts(&c, 1, stream, n, cuts3, 6);
	do_report(&c);
	c.tpdu_max = 0;
	do_oper(&c, "IED3LD0/CSWI2$CO$Pos$Oper", false, 9, true);
	mg_gen_conn_release(&c);
}

/* IPv6 inside 802.1Q VLAN 10, small MSS. */
static void sc_ipv6_vlan(struct mg_gen_sink sink)
{
	static const uint8_t cli[16] = {0xfd, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x10};
	static const uint8_t srv[16] = {0xfd, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x20};
	struct mg_gen_conn c;
	mg_gen_conn_init6(&c, cli, 50102, srv, 102, sink);
	c.vlan = 10;
	c.vlan_prio = 4;
	c.mss = 100;
	mg_gen_conn_associate(&c);
	do_browse(&c, "IED4LD0");
	static const char *const objs[] = {"IED4LD0/XCBR1$ST$Pos", "IED4LD0/MMXU1$MX$Hz"};
	do_read(&c, objs, 2);
	do_report(&c);
	do_oper(&c, "IED4LD0/CSWI1$CO$Pos$Oper", false, 4, true);
	mg_gen_conn_release(&c);
}

/* A capture that starts in the data phase (no CP/AARQ seen): tshark needs
 * its presentation context setting, the engine its mid-stream pickup. */
static void sc_midstream(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, IP4(10, 1, 1, 10), 33000, IP4(10, 1, 1, 20), 102, sink);
	c.next_invoke = 4000;
	static const char *const objs[] = {"IED5LD0/XCBR1$ST$Pos", "IED5LD0/MMXU1$MX$TotVAr"};
	for (int i = 0; i < 3; i++)
		do_read(&c, objs, 2);
	do_report(&c);
	do_oper(&c, "IED5LD0/CSWI1$CO$Pos$Oper", true, 5, true);
	mg_gen_conn_release(&c);
}

/* S7comm on port 102: COTP CR/CC then DT carrying protocol id 0x32. */
static void sc_s7comm(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	uint8_t tp[128];
	mg_gen_conn_init4(&c, IP4(10, 2, 0, 10), 49500, IP4(10, 2, 0, 1), 102, sink);
	mg_gen_conn_handshake(&c);
	mg_gen_conn_send(&c, 0, tp, mg_gen_cotp_cr(tp, sizeof(tp), 0x0005));
	mg_gen_conn_send(&c, 1, tp, mg_gen_cotp_cc(tp, sizeof(tp), 0x0005, 0x4431));
	/* S7 Job: setup communication (function 0xF0). */
	static const uint8_t setup[] = {0x32, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
					0x00, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xE0};
	mg_gen_conn_send(&c, 0, tp, mg_gen_cotp_dt(tp, sizeof(tp), setup, sizeof(setup), 0));
	static const uint8_t ack[] = {0x32, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
				      0x00, 0x00, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0xF0};
	mg_gen_conn_send(&c, 1, tp, mg_gen_cotp_dt(tp, sizeof(tp), ack, sizeof(ack), 0));
	mg_gen_conn_close(&c, 0);
}

/* Garbage on port 102: not TPKT at all. */
static void sc_garbage(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, IP4(10, 3, 0, 66), 40666, IP4(10, 3, 0, 1), 102, sink);
	mg_gen_conn_handshake(&c);
	static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: ied\r\n\r\n";
	mg_gen_conn_send(&c, 0, junk, sizeof(junk) - 1);
	uint8_t rnd[200];
	uint32_t x = 0x12345678u;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (uint8_t)(x >> 16);
	}
	mg_gen_conn_send(&c, 0, rnd, sizeof(rnd));
	mg_gen_conn_close(&c, 0);
}

/* Named variable lists (issue 12), IED 10.6.0.1: engineering (.10)
 * defines a list holding a breaker Oper; a host that may write but not
 * operate (.20) writes through it; the list is deleted and redefined with
 * harmless members and another writer (.21) writes through it; an HMI
 * (.30) reads a data set the gate was never told about, and the
 * redefined list. Both writers' associations stay open across the
 * definitions (lists of an IED live while any association to it does). */
static void sc_datasets(struct mg_gen_sink sink)
{
	struct mg_gen_conn eng, w1, w2, hmi;
	static const char *const ctl[] = {"IED6LD0/GGIO1$ST$Ind1", "IED6LD0/CSWI1$CO$Pos$Oper"};
	static const char *const safe[] = {"IED6LD0/GGIO1$ST$Ind1", "IED6LD0/MMXU1$MX$TotW"};
	static const struct mg_gen_data two[2] = {{.kind = MG_GEN_D_BOOL, .i = 1},
						  {.kind = MG_GEN_D_BOOL, .i = 1}};
	uint32_t id;

	mg_gen_conn_init4(&eng, IP4(10, 6, 0, 10), 41000, IP4(10, 6, 0, 1), 102, sink);
	mg_gen_conn_init4(&w1, IP4(10, 6, 0, 20), 41001, IP4(10, 6, 0, 1), 102, sink);
	mg_gen_conn_init4(&w2, IP4(10, 6, 0, 21), 41002, IP4(10, 6, 0, 1), 102, sink);
	mg_gen_conn_init4(&hmi, IP4(10, 6, 0, 30), 41003, IP4(10, 6, 0, 1), 102, sink);
	mg_gen_conn_associate(&eng);
	mg_gen_conn_associate(&w1);
	mg_gen_conn_associate(&w2);
	mg_gen_conn_associate(&hmi);
	/* defined on one association ... */
	id = inv(&eng);
	req(&eng, mg_gen_mms_define_nvl(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl", ctl, 2));
	resp(&eng, mg_gen_mms_define_nvl_resp(pdu, sizeof(pdu), id));
	/* ... used on another: an operate in disguise */
	id = inv(&w1);
	req(&w1, mg_gen_mms_write_varlist(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl", two, 2));
	resp(&w1, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 2, 0));
	/* deleted, redefined with other members */
	id = inv(&eng);
	req(&eng, mg_gen_mms_delete_nvl(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl"));
	resp(&eng, mg_gen_mms_delete_nvl_resp(pdu, sizeof(pdu), id));
	id = inv(&eng);
	req(&eng, mg_gen_mms_define_nvl(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl", safe, 2));
	resp(&eng, mg_gen_mms_define_nvl_resp(pdu, sizeof(pdu), id));
	id = inv(&w2);
	req(&w2, mg_gen_mms_write_varlist(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl", two, 2));
	resp(&w2, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 2, 0));
	/* the HMI's data set reads */
	id = inv(&hmi);
	req(&hmi, mg_gen_mms_read_varlist(pdu, sizeof(pdu), id, "IED6LD0/LLN0$DS1"));
	resp(&hmi, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, 3));
	id = inv(&hmi);
	req(&hmi, mg_gen_mms_read_varlist(pdu, sizeof(pdu), id, "IED6LD0/LLN0$Ctl"));
	resp(&hmi, mg_gen_mms_read_resp(pdu, sizeof(pdu), id, read_vals, 2));
	mg_gen_conn_close(&hmi, 0);
	mg_gen_conn_close(&w2, 0);
	mg_gen_conn_close(&w1, 0);
	mg_gen_conn_close(&eng, 0);
}

/* One PDU with an unknown confirmed service (tag 90) inside a well-framed
 * TPKT, then ordinary reads: the gate must keep decoding after it
 * (monitor mode, alert, replay). Deliberately not MMS as tshark knows it. */
static void sc_resync(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	static const uint8_t unknown_svc[] = {0xa0, 0x06, 0x02, 0x01, 0x63, 0xbf, 0x5a, 0x00};
	static const char *const objs[] = {"IED7LD0/XCBR1$ST$Pos"};

	mg_gen_conn_init4(&c, IP4(10, 7, 0, 10), 42000, IP4(10, 7, 0, 1), 102, sink);
	mg_gen_conn_associate(&c);
	do_read(&c, objs, 1);
	mg_gen_conn_mms(&c, 0, unknown_svc, sizeof(unknown_svc));
	do_read(&c, objs, 1);
	do_read(&c, objs, 1);
	mg_gen_conn_close(&c, 0);
}

/* Everything but the demo, in one capture (the fuzz-corpus source). */
static void sc_all(struct mg_gen_sink sink)
{
	sc_services(sink);
	sc_segmentation(sink);
	sc_ipv6_vlan(sink);
	sc_s7comm(sink);
	sc_garbage(sink);
}

/* Every control form and every written value type, for the data
 * differential test and the control-policy tests: SPC/DPC boolean, INC
 * integer, APC {f} and {i, f}, BSC step, operTm present and absent, Test
 * set, every Check combination, several orCat; settings of every scalar
 * type, nested structures and arrays. */
static void do_ctl(struct mg_gen_conn *c, const char *name, const struct mg_gen_ctl *ctl)
{
	uint32_t id = inv(c);
	req(c, mg_gen_mms_write_ctl(pdu, sizeof(pdu), id, name, ctl));
	resp(c, mg_gen_mms_write_resp(pdu, sizeof(pdu), id, 1, 0));
}

static const struct mg_gen_data rec_arr[] = {{.kind = MG_GEN_D_UINT, .i = 7},
					     {.kind = MG_GEN_D_UINT, .i = 8}};
static const struct mg_gen_data rec_in[] = {
	{.kind = MG_GEN_D_OCTETS, .s = "\x01\x02\xff", .n = 3},
	{.kind = MG_GEN_D_ARRAY, .n = 2, .sub = rec_arr},
};
static const struct mg_gen_data sub[] = {
	{.kind = MG_GEN_D_INT, .i = -1},
	{.kind = MG_GEN_D_STRUCT, .n = 2, .sub = rec_in},
};

static void sc_controls(struct mg_gen_sink sink)
{
	struct mg_gen_conn c;
	mg_gen_conn_init4(&c, IP4(192, 168, 1, 60), 40100, IP4(192, 168, 1, 2), 102, sink);
	mg_gen_conn_associate(&c);
	static const struct mg_gen_data apc_f[] = {{.kind = MG_GEN_D_FLOAT, .f = 42.5f}};
	static const struct mg_gen_data apc_if[] = {{.kind = MG_GEN_D_INT, .i = -7},
						    {.kind = MG_GEN_D_FLOAT, .f = 1.25f}};
	static const struct {
		const char *name;
		struct mg_gen_ctl ctl;
	} ctls[] = {
		{"IED2CTRL/CSWI1$CO$Pos$SBOw",
		 {.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 2, .or_ident = "HMI-1",
		  .ctl_num = 1, .with_check = true, .synchrocheck = true, .interlock = true}},
		{"IED2CTRL/CSWI1$CO$Pos$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 2, .or_ident = "HMI-1",
		  .ctl_num = 1, .with_check = true, .synchrocheck = true, .interlock = true}},
		{"IED2CTRL/CSWI2$CO$Pos$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 0}, .has_oper_tm = true,
		  .oper_tm = 1764028860, .or_cat = 3, .or_ident = "SCADA", .ctl_num = 200,
		  .with_check = true, .interlock = true}},
		{"IED2CTRL/CSWI3$CO$Pos$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 7, .or_ident = "eng",
		  .ctl_num = 255, .test = true, .with_check = true, .synchrocheck = true}},
		{"IED2CTRL/GGIO1$CO$IntIn$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_INT, .i = -12345}, .or_cat = 3, .or_ident = "",
		  .ctl_num = 3, .with_check = true}},
		{"IED2CTRL/GAPC1$CO$SPCSO$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_STRUCT, .n = 1, .sub = apc_f}, .or_cat = 5,
		  .or_ident = "AUTO", .ctl_num = 4, .with_check = true}},
		{"IED2CTRL/GAPC2$CO$SPCSO$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_STRUCT, .n = 2, .sub = apc_if}, .or_cat = 1,
		  .or_ident = "BAY", .ctl_num = 5, .with_check = true}},
		{"IED2CTRL/ATCC1$CO$TapChg$Oper",
		 {.ctl_val = {.kind = MG_GEN_D_BITS, .bits = 0x40000000u, .nbits = 2},
		  .or_cat = 3, .or_ident = "SCADA", .ctl_num = 6, .with_check = true}},
		{"IED2CTRL/CSWI1$CO$Pos$Cancel",
		 {.ctl_val = {.kind = MG_GEN_D_BOOL, .i = 1}, .or_cat = 2, .or_ident = "HMI-1",
		  .ctl_num = 7}},
		{"IED2CTRL/GGIO1$CO$IntIn$Cancel",
		 {.ctl_val = {.kind = MG_GEN_D_UINT, .i = 4000000000}, .has_oper_tm = true,
		  .oper_tm = 1764028861, .or_cat = 8, .or_ident = "P", .ctl_num = 8}},
	};
	for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++)
		do_ctl(&c, ctls[i].name, &ctls[i].ctl);

	static const struct {
		const char *name;
		struct mg_gen_data v;
	} sets[] = {
		{"IED2PROT/PTOC1$SP$StrVal$setMag$f", {.kind = MG_GEN_D_FLOAT, .f = 1.5f}},
		{"IED2PROT/PTOC1$SE$StrVal$setMag$f", {.kind = MG_GEN_D_FLOAT, .f = 250.0f}},
		{"IED2PROT/PTOC1$SP$OpDlTmms$setVal", {.kind = MG_GEN_D_INT, .i = 120}},
		{"IED2PROT/PDIS1$SP$PoRch$setMag$f", {.kind = MG_GEN_D_DOUBLE, .d = -0.125}},
		{"IED2PROT/LLN0$SP$SGCB$ActSG", {.kind = MG_GEN_D_UINT, .i = 3000000000}},
		{"IED2PROT/LLN0$RP$urcb01$RptEna", {.kind = MG_GEN_D_BOOL, .i = 0}},
		{"IED2PROT/LLN0$RP$urcb01$TrgOps", {.kind = MG_GEN_D_BITS, .bits = 0x7c000000u,
						     .nbits = 6}},
		{"IED2PROT/LLN0$DC$NamPlt$d", {.kind = MG_GEN_D_VSTRING, .s = "Feeder \"7\""}},
		{"IED2PROT/LLN0$SP$ClockSet$t", {.kind = MG_GEN_D_UTC, .utc = 1764030000}},
		{"IED2PROT/GGIO1$SP$Blob$d", {.kind = MG_GEN_D_OCTETS, .s = "\x00\x10 ", .n = 3}},
		{"IED2PROT/GGIO1$SP$Rec", {.kind = MG_GEN_D_STRUCT, .n = 2, .sub = sub}},
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		do_write1(&c, sets[i].name, &sets[i].v);
	mg_gen_conn_release(&c);
}

const struct mg_gen_scenario mg_gen_scenarios[] = {
	{"substation-demo", "SCADA + engineering clients, GOOSE VLAN 100, SV VLAN 101, ARP",
	 sc_substation_demo},
	{"services", "one association, every service class", sc_services},
	{"segmentation", "TPKT/TCP splits, several TPKTs per segment, COTP EOT=0 chains, ctx 5/7",
	 sc_segmentation},
	{"ipv6-vlan", "IPv6 in VLAN 10 with a 100-byte MSS", sc_ipv6_vlan},
	{"midstream", "data phase only (needs the pres context setting in tshark)", sc_midstream},
	{"s7comm", "S7comm (COTP DT, protocol id 0x32) on port 102", sc_s7comm},
	{"garbage", "non-TPKT bytes on port 102", sc_garbage},
	{"controls", "every control form (SPC, INC, APC, BSC; operTm, Test, Check, orCat) and "
		     "written value type", sc_controls},
	{"datasets", "named variable lists: defined on one association, used on another, "
		     "deleted and redefined; an HMI's data set reads", sc_datasets},
	{"resync", "an unknown MMS service inside a well-framed TPKT, then reads", sc_resync},
	{"all", "services+segmentation+ipv6-vlan+s7comm+garbage in one file", sc_all},
};
const int mg_gen_nscenarios = (int)(sizeof(mg_gen_scenarios) / sizeof(mg_gen_scenarios[0]));

const struct mg_gen_scenario *mg_gen_scenario_find(const char *name)
{
	for (int i = 0; i < mg_gen_nscenarios; i++)
		if (!strcmp(mg_gen_scenarios[i].name, name))
			return &mg_gen_scenarios[i];
	return NULL;
}

int mg_gen_scenario_write(const struct mg_gen_scenario *s, const char *path)
{
	struct mg_gen_pcap pc;
	if (mg_gen_pcap_open(&pc, path))
		return -1;
	s->run(mg_gen_pcap_sink(&pc));
	return mg_gen_pcap_close(&pc);
}
