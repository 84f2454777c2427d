/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate's own test-traffic generator: builds MMS PDUs (ISO 9506-2), wraps
 * them in ACSE / presentation / session / COTP / TPKT, and then in complete
 * Ethernet frames (802.1Q, IPv4 or IPv6, TCP with correct checksums and
 * sequence numbers), plus GOOSE, SV and ARP frames, and writes classic pcap.
 * It exists so tests, the fuzz corpus, the benchmarks and the DPDK traffic
 * generator all speak from one source of truth whose every byte tshark
 * decodes exactly as intended (the differential test checks that).
 *
 * Conventions: every builder writes into (buf, cap) and returns the bytes
 * written, or 0 when cap is too small (nothing useful is left in buf then).
 * Object names are given as "domain/item" strings; a name without '/' is
 * vmd-specific, a name starting with '@' is aa-specific ("@item").
 * Never used on the packet path: clarity beats speed here.
 */
#ifndef MG_GEN_H
#define MG_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ BER */

/* Tag = identifier-octet class/constructed bits << 24 | tag number. */
#define MG_GEN_UNIV(n)  ((uint32_t)0x00u << 24 | (n))
#define MG_GEN_UNIVC(n) ((uint32_t)0x20u << 24 | (n))
#define MG_GEN_APP(n)   ((uint32_t)0x40u << 24 | (n))
#define MG_GEN_APPC(n)  ((uint32_t)0x60u << 24 | (n))
#define MG_GEN_CTX(n)   ((uint32_t)0x80u << 24 | (n))
#define MG_GEN_CTXC(n)  ((uint32_t)0xA0u << 24 | (n))
#define MG_GEN_SEQ      MG_GEN_UNIVC(16)
#define MG_GEN_SET      MG_GEN_UNIVC(17)
#define MG_GEN_INTEGER  MG_GEN_UNIV(2)
#define MG_GEN_OID      MG_GEN_UNIV(6)
#define MG_GEN_VISIBLE  MG_GEN_UNIV(26)
#define MG_GEN_GRAPHIC  MG_GEN_UNIV(25)

#define MG_GEN_BER_DEPTH 24

/*
 * Forward BER writer with definite, minimal lengths: begin() reserves one
 * length byte, end() widens it (moving the content) when the content turns
 * out longer than 127 bytes. Errors are sticky (w->err); check once at the
 * end with mg_gen_w_done().
 */
struct mg_gen_w {
	uint8_t *p;
	size_t cap;
	size_t len;
	int depth;
	size_t open[MG_GEN_BER_DEPTH]; /* offset of each open element's length byte */
	bool err;
};

void mg_gen_w_init(struct mg_gen_w *w, uint8_t *buf, size_t cap);
/* Bytes written, or 0 on any error / unclosed element. */
size_t mg_gen_w_done(struct mg_gen_w *w);
void mg_gen_w_raw(struct mg_gen_w *w, const void *p, size_t n);
void mg_gen_w_begin(struct mg_gen_w *w, uint32_t tag);
void mg_gen_w_end(struct mg_gen_w *w);
void mg_gen_w_prim(struct mg_gen_w *w, uint32_t tag, const void *p, size_t n);
void mg_gen_w_str(struct mg_gen_w *w, uint32_t tag, const char *s);
/* Minimal two's-complement INTEGER content. */
void mg_gen_w_int(struct mg_gen_w *w, uint32_t tag, int64_t v);
/* Unsigned32 encoded as INTEGER (leading 0x00 when the top bit is set). */
void mg_gen_w_uint(struct mg_gen_w *w, uint32_t tag, uint32_t v);
void mg_gen_w_null(struct mg_gen_w *w, uint32_t tag);
void mg_gen_w_bool(struct mg_gen_w *w, uint32_t tag, bool v);
/* OBJECT IDENTIFIER from dotted text ("1.0.9506.2.1"). */
void mg_gen_w_oid(struct mg_gen_w *w, uint32_t tag, const char *dotted);
/* ObjectName CHOICE from "dom/item", "item" (vmd) or "@item" (aa). */
void mg_gen_w_objname(struct mg_gen_w *w, const char *name);
/* FileName: SEQUENCE OF GraphicString, one component per '/'-separated part
 * when split is true, else the whole string as one component. */
void mg_gen_w_filename(struct mg_gen_w *w, uint32_t tag, const char *name, bool split);

/* ------------------------------------------------------------------ MMS */

/* Data values for write requests, read responses and reports. */
enum mg_gen_data_kind {
	MG_GEN_D_BOOL,
	MG_GEN_D_INT,
	MG_GEN_D_UINT,
	MG_GEN_D_FLOAT,   /* IEEE single, MMS floating-point (exponent width 8) */
	MG_GEN_D_BITS,    /* bit string: u.bits.v (MSB first), u.bits.n bits (<= 32) */
	MG_GEN_D_OCTETS,  /* octet string: s/n */
	MG_GEN_D_VSTRING, /* visible-string: s */
	MG_GEN_D_UTC,     /* utc-time: u.utc seconds */
	MG_GEN_D_STRUCT,  /* structure of n members in sub[] */
	MG_GEN_D_ARRAY,   /* array of n members in sub[] */
	MG_GEN_D_FAIL,    /* access failure (AccessResult failure / write failure) */
	MG_GEN_D_DOUBLE,  /* IEEE double, MMS floating-point (exponent width 11): d */
};

struct mg_gen_data {
	uint8_t kind;
	int64_t i;
	float f;
	double d;
	uint32_t bits;
	uint8_t nbits;
	uint64_t utc;
	const char *s;
	size_t n;
	const struct mg_gen_data *sub;
};

void mg_gen_w_data(struct mg_gen_w *w, const struct mg_gen_data *d);

/* An IEC 61850 Oper / SBOw / Cancel structure (ctlVal boolean, origin,
 * ctlNum, T, Test, Check) written as MMS Data; 'with_check' false for Cancel. */
void mg_gen_w_oper(struct mg_gen_w *w, bool ctl_val, uint8_t ctl_num, bool with_check);

/* Any control structure: ctlVal of any Data shape (boolean for SPC/DPC,
 * integer for INC, structure {i|f} for APC, bit-string(2) for BSC), the
 * optional operTm, origin, ctlNum, T, Test and (Oper/SBOw) Check. */
struct mg_gen_ctl {
	struct mg_gen_data ctl_val;
	bool has_oper_tm;
	uint64_t oper_tm; /* seconds */
	int or_cat;
	const char *or_ident;
	uint32_t ctl_num;
	uint64_t t;       /* seconds; 0 = the generator's fixed time */
	bool test;
	bool with_check;  /* false for Cancel */
	bool synchrocheck, interlock;
};
void mg_gen_w_ctl(struct mg_gen_w *w, const struct mg_gen_ctl *c);

/* Confirmed requests. Each returns the MMS PDU length (0 on overflow). */
size_t mg_gen_mms_read(uint8_t *buf, size_t cap, uint32_t invoke, const char *const *names, int n);
/* read by variable list name (e.g. a dataset "LD0/LLN0$DS1"). */
size_t mg_gen_mms_read_varlist(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname);
size_t mg_gen_mms_write(uint8_t *buf, size_t cap, uint32_t invoke, const char *const *names,
			const struct mg_gen_data *vals, int n);
/* write by variable list name: one value per member. */
size_t mg_gen_mms_write_varlist(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname,
				const struct mg_gen_data *vals, int n);
/* Write an Oper/SBOw (with_check) or Cancel structure to one control object. */
size_t mg_gen_mms_write_oper(uint8_t *buf, size_t cap, uint32_t invoke, const char *name,
			     bool ctl_val, uint8_t ctl_num, bool with_check);
size_t mg_gen_mms_write_ctl(uint8_t *buf, size_t cap, uint32_t invoke, const char *name,
			    const struct mg_gen_ctl *c);
/* objclass: 0 namedVariable, 2 namedVariableList, 8 journal, 9 domain;
 * domain NULL → vmdSpecific scope. */
size_t mg_gen_mms_get_name_list(uint8_t *buf, size_t cap, uint32_t invoke, int objclass,
				const char *domain, const char *continue_after);
size_t mg_gen_mms_identify(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_status(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_gvaa(uint8_t *buf, size_t cap, uint32_t invoke, const char *name);
size_t mg_gen_mms_define_nvl(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname,
			     const char *const *members, int n);
size_t mg_gen_mms_get_nvl_attr(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname);
size_t mg_gen_mms_delete_nvl(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname);
size_t mg_gen_mms_file_open(uint8_t *buf, size_t cap, uint32_t invoke, const char *file);
size_t mg_gen_mms_file_read(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm);
size_t mg_gen_mms_file_close(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm);
size_t mg_gen_mms_file_directory(uint8_t *buf, size_t cap, uint32_t invoke, const char *spec);
size_t mg_gen_mms_file_delete(uint8_t *buf, size_t cap, uint32_t invoke, const char *file);
size_t mg_gen_mms_obtain_file(uint8_t *buf, size_t cap, uint32_t invoke, const char *src,
			      const char *dst);
size_t mg_gen_mms_read_journal(uint8_t *buf, size_t cap, uint32_t invoke, const char *journal);

/* Confirmed responses (svc = the ConfirmedServiceRequest tag answered). */
size_t mg_gen_mms_read_resp(uint8_t *buf, size_t cap, uint32_t invoke,
			    const struct mg_gen_data *vals, int n);
size_t mg_gen_mms_write_resp(uint8_t *buf, size_t cap, uint32_t invoke, int n, int fail_mask);
size_t mg_gen_mms_get_name_list_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				     const char *const *ids, int n, bool more);
size_t mg_gen_mms_identify_resp(uint8_t *buf, size_t cap, uint32_t invoke, const char *vendor,
				const char *model, const char *rev);
size_t mg_gen_mms_status_resp(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_gvaa_resp(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_define_nvl_resp(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_get_nvl_attr_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				    const char *const *members, int n);
size_t mg_gen_mms_delete_nvl_resp(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_file_open_resp(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm,
				 uint32_t size);
size_t mg_gen_mms_file_read_resp(uint8_t *buf, size_t cap, uint32_t invoke, const void *data,
				 size_t n, bool more);
/* Responses whose body is an IMPLICIT NULL ([svc] 00): fileClose, fileDelete,
 * obtainFile, defineNamedVariableList, … */
size_t mg_gen_mms_null_resp(uint8_t *buf, size_t cap, uint32_t invoke, uint32_t svc);
size_t mg_gen_mms_file_directory_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				      const char *const *files, int n);
size_t mg_gen_mms_read_journal_resp(uint8_t *buf, size_t cap, uint32_t invoke);

/* Other PDUs. */
size_t mg_gen_mms_info_report(uint8_t *buf, size_t cap, const char *rpt_id_vlname,
			      const struct mg_gen_data *vals, int n);
/* informationReport naming one variable (listOfVariable), e.g. the
 * CommandTermination of "LD/CSWI1$CO$Pos$Oper". */
size_t mg_gen_mms_info_report_var(uint8_t *buf, size_t cap, const char *name,
				  const struct mg_gen_data *val);
/* errclass: ServiceError errorClass choice tag (7 = access), code its value. */
size_t mg_gen_mms_confirmed_error(uint8_t *buf, size_t cap, uint32_t invoke, int errclass,
				  int code);
/* reason_tag: rejectReason choice (1 confirmed-requestPDU …), code its value. */
size_t mg_gen_mms_reject(uint8_t *buf, size_t cap, uint32_t invoke, int reason_tag, int code);
size_t mg_gen_mms_cancel_req(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_cancel_resp(uint8_t *buf, size_t cap, uint32_t invoke);
size_t mg_gen_mms_initiate_req(uint8_t *buf, size_t cap, uint32_t max_pdu);
size_t mg_gen_mms_initiate_resp(uint8_t *buf, size_t cap, uint32_t max_pdu);
size_t mg_gen_mms_conclude_req(uint8_t *buf, size_t cap);
size_t mg_gen_mms_conclude_resp(uint8_t *buf, size_t cap);

/* ------------------------------------------------------ OSI upper layers */

/* Presentation context ids to use (1/3 is the common choice). */
struct mg_gen_ctx {
	uint8_t acse; /* context id of ACSE 2.2.1.0.1 */
	uint8_t mms;  /* context id of MMS 1.0.9506.2.1 */
};

/* TSDU builders: session SPDU(s) + presentation PPDU (+ ACSE APDU). */
size_t mg_gen_osi_connect_req(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
			      const uint8_t *mms, size_t mlen);
size_t mg_gen_osi_connect_resp(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
			       const uint8_t *mms, size_t mlen);
/* Data phase: session GT + DT, fully-encoded data on the MMS context. */
size_t mg_gen_osi_data(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx,
		       const uint8_t *mms, size_t mlen);
/* Release: session FN + ACSE RLRQ, session DN + ACSE RLRE. */
size_t mg_gen_osi_release_req(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx);
size_t mg_gen_osi_release_resp(uint8_t *buf, size_t cap, const struct mg_gen_ctx *ctx);

/* TPKT + COTP. CR/CC/DR are one TPKT each. */
size_t mg_gen_cotp_cr(uint8_t *buf, size_t cap, uint16_t src_ref);
size_t mg_gen_cotp_cc(uint8_t *buf, size_t cap, uint16_t dst_ref, uint16_t src_ref);
size_t mg_gen_cotp_dr(uint8_t *buf, size_t cap, uint16_t dst_ref, uint16_t src_ref);
/* One TSDU as a chain of TPKT+DT TPDUs carrying at most max_data bytes each
 * (EOT set on the last only); max_data 0 = unlimited (one TPDU). */
size_t mg_gen_cotp_dt(uint8_t *buf, size_t cap, const uint8_t *tsdu, size_t len,
		      size_t max_data);

/* --------------------------------------------------------------- frames */

struct mg_gen_sink {
	void (*fn)(void *ud, const uint8_t *frame, size_t len);
	void *ud;
};

struct mg_gen_ep {
	uint8_t mac[6];
	uint8_t ip[16]; /* IPv4 in [0..3] */
	uint16_t port;
	uint32_t seq;   /* next sequence number this end sends */
};

#define MG_GEN_NO_VLAN 0xFFFF

struct mg_gen_conn {
	struct mg_gen_ep ep[2]; /* [0] client (initiator), [1] server */
	bool ipv6;
	uint16_t vlan;          /* VID or MG_GEN_NO_VLAN */
	uint8_t vlan_prio;
	uint16_t ip_id;
	uint16_t mss;           /* max TCP payload per segment */
	bool ack_each;          /* receiver sends a pure ACK after each send */
	bool sack_ok;           /* SYNs announce SACK-permitted (RFC 2018) */
	size_t tpdu_max;        /* max DT data bytes per COTP TPDU, 0 = no fragmentation */
	struct mg_gen_ctx ctx;
	uint16_t cotp_ref[2];
	uint32_t next_invoke;
	struct mg_gen_sink sink;
};

/* Set up a connection between two IPv4 hosts (a.b.c.d as uint32 host order). */
void mg_gen_conn_init4(struct mg_gen_conn *c, uint32_t cli_ip, uint16_t cli_port,
		       uint32_t srv_ip, uint16_t srv_port, struct mg_gen_sink sink);
void mg_gen_conn_init6(struct mg_gen_conn *c, const uint8_t cli_ip[16], uint16_t cli_port,
		       const uint8_t srv_ip[16], uint16_t srv_port, struct mg_gen_sink sink);

/* One TCP frame from ep[dir] to ep[!dir] with the current seq/ack; advances
 * seq by len (+1 for SYN/FIN). Returns the frame length (0 on overflow). */
size_t mg_gen_tcp_frame(uint8_t *buf, size_t cap, struct mg_gen_conn *c, int dir,
			uint8_t flags, const uint8_t *payload, size_t len);

/* Emit to c->sink. */
void mg_gen_conn_handshake(struct mg_gen_conn *c);
/* Send bytes from dir as segments of at most c->mss (PSH on the last). */
void mg_gen_conn_send(struct mg_gen_conn *c, int dir, const uint8_t *p, size_t len);
/* Send bytes cut into segments at the given ascending offsets. */
void mg_gen_conn_send_cuts(struct mg_gen_conn *c, int dir, const uint8_t *p, size_t len,
			   const size_t *cuts, int ncuts);
void mg_gen_conn_ack(struct mg_gen_conn *c, int dir);
/* FIN from dir, FIN from the other side, final ACK. */
void mg_gen_conn_close(struct mg_gen_conn *c, int dir);

/* Build the TPKT/COTP stream bytes of one MMS PDU in the data phase
 * (session/pres wrapping, COTP fragmentation per c->tpdu_max). */
size_t mg_gen_conn_wrap_mms(struct mg_gen_conn *c, uint8_t *buf, size_t cap,
			    const uint8_t *mms, size_t mlen);
/* Wrap and send one MMS PDU. */
void mg_gen_conn_mms(struct mg_gen_conn *c, int dir, const uint8_t *mms, size_t mlen);
/* TCP handshake, COTP CR/CC, CN/AC with CP/CPA, AARQ/AARE, initiate req/resp. */
void mg_gen_conn_associate(struct mg_gen_conn *c);
/* conclude req/resp, FN+RLRQ / DN+RLRE, TCP FIN. */
void mg_gen_conn_release(struct mg_gen_conn *c);

/* Non-TCP frames. appid, dst multicast chosen per IEC 61850-8-1 / 9-2. */
size_t mg_gen_goose_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint16_t vlan,
			  uint16_t appid, const char *gocb_ref, const char *dataset,
			  uint32_t st_num, uint32_t sq_num, bool value);
size_t mg_gen_sv_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint16_t vlan,
		       uint16_t appid, const char *sv_id, uint16_t smp_cnt);
size_t mg_gen_arp_frame(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint32_t src_ip,
			uint32_t target_ip, bool reply, const uint8_t target_mac[6]);

/* ----------------------------------------------------------------- pcap */

struct mg_gen_pcap {
	FILE *f;
	uint64_t ts_us;   /* timestamp of the next frame */
	uint32_t step_us; /* added after each frame */
	uint32_t frames;
};

int mg_gen_pcap_open(struct mg_gen_pcap *pc, const char *path);
void mg_gen_pcap_write(struct mg_gen_pcap *pc, const uint8_t *frame, size_t len);
int mg_gen_pcap_close(struct mg_gen_pcap *pc);
/* A sink writing to an open pcap. */
struct mg_gen_sink mg_gen_pcap_sink(struct mg_gen_pcap *pc);

/* ------------------------------------------------------------ scenarios */

struct mg_gen_scenario {
	const char *name;
	const char *what;
	void (*run)(struct mg_gen_sink sink);
};

extern const struct mg_gen_scenario mg_gen_scenarios[];
extern const int mg_gen_nscenarios;
const struct mg_gen_scenario *mg_gen_scenario_find(const char *name);
/* Write one scenario to a pcap file; 0 on success. */
int mg_gen_scenario_write(const struct mg_gen_scenario *s, const char *path);

#endif
