/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl replay [--policy FILE] [--json] [--all] CAPTURE`: run a
 * capture (pcap or pcapng) through the same code the dataplane runs —
 * mg_pkt_parse for frames, mg_engine_feed for the MMS stack, the compiled
 * policy for verdicts — with TCP reassembly by mg_stream in place of the
 * dataplane's inline segment handling, after the dataplane's TCP/IP
 * normaliser (mg_tcpn: a segment it refuses is reported and never reaches
 * the stream, like the daemon drops it; TCP fragments are refused as the
 * daemon refuses them). Prints one record per MMS PDU (and
 * per malformed / not-MMS unit; with --all, per frame and per non-MMS
 * protocol unit too), as an aligned table or as JSON lines, then a summary
 * on stderr. Frame numbers are 1-based like Wireshark's, and a PDU is
 * reported at the frame whose bytes completed it.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "mg_cmds.h"
#include "mg_cotp.h"
#include "mg_engine.h"
#include "mg_flowtab.h"
#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_mmsdata.h"
#include "mg_pkt.h"
#include "mg_policy.h"
#include "mg_policy_ctl.h"
#include "mg_policy_outcome.h"
#include "mg_stream.h"
#include "mg_tcpnorm.h"

#define MMS_PORT 102
#define RP_MAX_CONNS 65536
#define RP_FRAME_MAX 65536

struct rp_conn {
	struct mg_flow *flow;
	uint8_t client_side;       /* canonical key side of the client */
	struct mg_addr addr[2];    /* [MG_DIR_C2S] client, [MG_DIR_S2C] server */
	uint16_t port[2];
	char name[2][64];          /* "ip:port" of client / server */
	struct mg_stream_dir st[2];
	struct mg_tcpn tn;         /* normaliser state (as the daemon keeps it) */
	struct mg_engine_conn ec;
	bool resync[2];            /* after a gap: wait for a TPKT header */
	bool ack_known[2];         /* direction d sent an ACK ... */
	uint32_t ack[2];           /* ... acknowledging d^1 up to here */
	bool fin[2];               /* direction d sent a FIN at fin_seq[d] */
	uint32_t fin_seq[2];
	/* policy */
	uint8_t cv;                /* enum mg_conn_verdict */
	uint32_t conn_rule;
	uint64_t unit_off[2];      /* stream offset past the last unit (its event's end_off) */
	struct mg_policy_peer peer;
	struct mg_ctl_state ctl;   /* selects of this association (mg_policy_ctl.h) */
};

struct rp_stats {
	uint64_t frames, bad_frames, ip_frames, tcp102, frags, payload_bytes, tso;
	uint64_t conns, conns_dropped;
	uint64_t events, mms, malformed, not_mms, anomalies;
	uint64_t keepalives, pending_bytes, gaps, bytes_lost, resync_skipped, retrans_bytes, conflicts, ooo_bytes;
	uint64_t verdict[3]; /* by enum mg_action */
	/* denies by how the dataplane carries them out (enum mg_refuse_kind):
	 * reset, remove, reply; bytes the refusals remove and inject */
	uint64_t carry[3], bytes_dropped, bytes_injected;
	uint64_t refused;    /* segments / fragments refused by the normaliser */
	uint64_t refused_by[MG_R__COUNT];
};

struct rp {
	/* options */
	const char *file;
	const char *policy_path;
	bool json, all;
	/* state */
	pcap_t *pc;
	int dlt;
	struct mg_engine eng;
	struct mg_tcpn_cfg tn;
	bool trust_csum;          /* the frame being processed: checksums unverifiable (TSO) */
	struct mg_flowtab ft;
	struct mg_policy *pol;
	struct mg_policy_scratch *scr;
	struct mg_json j;
	bool table_header;
	/* the frame being processed */
	uint64_t frame;
	uint64_t ts_sec, ts_nsec;
	struct rp_conn *cur;
	uint8_t cur_dir;
	struct rp_stats s;
	uint8_t synth[RP_FRAME_MAX + 64]; /* non-Ethernet captures get a fake MAC header */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmsgatectl replay [--policy FILE] [--json] [--all] [--host-capture] CAPTURE\n"
		"\n"
		"Decode a pcap/pcapng capture offline with the dataplane's frame parser,\n"
		"MMS engine and (with --policy) compiled policy. One record per MMS PDU\n"
		"and per malformed or non-MMS unit on TCP port 102.\n"
		"\n"
		"  -p, --policy FILE  compile FILE and add verdict and rule to each record\n"
		"  -j, --json         JSON lines instead of a table\n"
		"  -a, --all          also one record per frame (L2 class, verdicts) and per\n"
		"                     COTP/session-level unit without MMS\n"
		"  -H, --host-capture the capture was taken on one of the talking hosts:\n"
		"                     checksum/segmentation offload left unfinished\n"
		"                     checksums and segments over the MSS that were never\n"
		"                     on the wire, so those two normaliser checks are\n"
		"                     skipped; every other check still applies\n"
		"  -h, --help         this help\n"
		"\n"
		"Segments the dataplane's TCP/IP normaliser refuses (bad checksum, ACK of\n"
		"unsent data, conflicting retransmission, urgent data, RST with data, TCP\n"
		"fragments, ...) are reported as 'tcp-refused' with their reason and never\n"
		"reach the MMS decoder, as in the daemon.\n"
		"\n"
		"A summary line goes to stderr. Exit: 0 ok, 1 unreadable capture or policy,\n"
		"2 usage error.\n");
}

/* ---- formatting helpers -------------------------------------------------- */

static void fmt_endpoint(char *out, size_t n, const struct mg_addr *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];
	if (a->ver == 6) {
		inet_ntop(AF_INET6, a->a, ip, sizeof(ip));
		snprintf(out, n, "[%s]:%u", ip, port);
	} else {
		inet_ntop(AF_INET, a->a, ip, sizeof(ip));
		snprintf(out, n, "%s:%u", ip, port);
	}
}

static void fmt_ip(char *out, size_t n, uint8_t ver, const uint8_t *a)
{
	if (!inet_ntop(ver == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

static const char *l2_class(uint16_t et, char *buf, size_t n)
{
	switch (et) {
	case MG_ETH_IPV4: return "IPv4";
	case MG_ETH_IPV6: return "IPv6";
	case MG_ETH_ARP: return "ARP";
	case MG_ETH_GOOSE: return "GOOSE";
	case MG_ETH_GSE: return "GSE";
	case MG_ETH_SV: return "SV";
	case MG_ETH_PTP: return "PTP";
	case MG_ETH_LLDP: return "LLDP";
	default: break;
	}
	if (et < 0x0600)
		return "LLC";
	snprintf(buf, n, "0x%04x", et);
	return buf;
}

static const char *l2_verdict_str(enum mg_l2_verdict v)
{
	switch (v) {
	case MG_L2_DROP: return "drop";
	case MG_L2_PASS: return "pass";
	case MG_L2_IP: return "ip";
	case MG_L2_STREAM: return "stream";
	case MG_L2_UNKNOWN_STREAM: return "unknown_stream";
	}
	return "?";
}

static const char *conn_verdict_str(uint8_t v)
{
	switch (v) {
	case MG_CONN_DENY: return "deny";
	case MG_CONN_ALLOW: return "allow";
	case MG_CONN_INSPECT: return "inspect";
	}
	return "?";
}

static void time_str(const struct rp *r, char *out, size_t n)
{
	snprintf(out, n, "%" PRIu64 ".%09" PRIu64, r->ts_sec, r->ts_nsec);
}

/* Open one JSON-lines record with the fields every record starts with. */
static struct mg_json *rec_begin(struct rp *r)
{
	char t[48];

	time_str(r, t, sizeof(t));
	mg_json_obj_begin(&r->j);
	mg_json_kv_u64(&r->j, "frame", r->frame);
	mg_json_key(&r->j, "time");
	mg_json_raw(&r->j, t);
	return &r->j;
}

/* Write object i of pdu as text into out (for the table): "domain/item". */
static size_t obj_text(const struct mg_mms_obj *o, char *out, size_t n)
{
	int k = 0;
	switch (o->scope) {
	case MG_OBJ_DOMAIN:
		k = snprintf(out, n, "%.*s/%.*s", (int)o->domain_len, (const char *)o->domain,
			     (int)o->item_len, (const char *)o->item);
		break;
	case MG_OBJ_DOMAIN_NAME:
		k = snprintf(out, n, "%.*s", (int)o->domain_len, (const char *)o->domain);
		break;
	default:
		k = snprintf(out, n, "%.*s", (int)o->item_len,
			     o->item ? (const char *)o->item : "");
		break;
	}
	return k < 0 ? 0 : (size_t)k;
}

static void json_obj(struct mg_json *j, const struct mg_mms_obj *o)
{
	char buf[2 * 65536 + 2];
	size_t n = 0;
	const uint8_t *d = o->domain, *it = o->item;
	switch (o->scope) {
	case MG_OBJ_DOMAIN:
		if (d)
			memcpy(buf, d, o->domain_len), n = o->domain_len;
		buf[n++] = '/';
		if (it)
			memcpy(buf + n, it, o->item_len), n += o->item_len;
		break;
	case MG_OBJ_DOMAIN_NAME:
		if (d)
			memcpy(buf, d, o->domain_len), n = o->domain_len;
		break;
	default:
		if (it)
			memcpy(buf, it, o->item_len), n = o->item_len;
		break;
	}
	mg_json_strn(j, buf, n);
}

/* ---- verdicts ------------------------------------------------------------ */

struct rp_verdict {
	bool have;
	uint8_t action;
	uint32_t rule_line;
	const char *rule_name;
	const char *why; /* "connection", "rule", "default", "anomaly", "malformed", "no-mms" */
	uint8_t carry;   /* deny: enum mg_refuse_kind */
	struct mg_refuse_req refuse;
};

/* The connection verdict for associations that are not inspected; for
 * inspected ones the dataplane's own decision, mg_policy_outcome_event(). */
static void verdict_for(struct rp *r, struct rp_conn *c, const struct mg_ev *ev,
			struct rp_verdict *out)
{
	memset(out, 0, sizeof(*out));
	if (!r->pol)
		return;
	out->have = true;
	if (c->cv != MG_CONN_INSPECT) {
		out->action = c->cv == MG_CONN_DENY ? MG_ACT_DENY : MG_ACT_ALLOW;
		out->rule_line = c->conn_rule;
		out->why = "connection";
		return;
	}
	struct mg_policy_outcome oc;
	/* the capture's clock drives the select timeout */
	mg_policy_outcome_event_ctl(r->pol, r->scr, &c->peer, &c->ctl,
				    r->ts_sec * 1000000000ull + r->ts_nsec, ev,
				    mg_policy_mode(r->pol), &oc);
	out->action = oc.action;
	out->why = mg_outcome_src_str(oc.src);
	out->carry = oc.carry;
	out->refuse = oc.refuse;
	if (oc.have_verdict && oc.src != MG_OSRC_ANOMALY) {
		out->rule_line = oc.v.rule_line;
		out->rule_name = oc.v.rule_name;
	}
}

/* ---- records ------------------------------------------------------------- */

static void table_header(struct rp *r)
{
	if (r->table_header)
		return;
	r->table_header = true;
	printf("%-6s  %-45s  %-18s  %-28s  %-7s  %-18s  %s%s\n", "frame", "src -> dst", "pdu",
	       "service", "invoke", "class", r->pol ? "verdict  rule  " : "", "objects");
}

static void emit_event(struct rp *r, struct rp_conn *c, const struct mg_ev *ev)
{
	const struct mg_mms_pdu *m = ev->kind == MG_EV_MMS ? ev->mms : NULL;
	uint8_t dir = ev->dir;
	const char *src = c->name[dir], *dst = c->name[dir ^ 1];
	const char *pdu, *reason = NULL;
	char pdubuf[64];
	struct rp_verdict v;

	switch (ev->kind) {
	case MG_EV_MMS:
		pdu = m ? mg_mms_pdu_str(m->type) : "mms";
		break;
	case MG_EV_MALFORMED:
		pdu = "malformed";
		reason = mg_reason_str(ev->reason);
		break;
	case MG_EV_NOT_MMS:
		pdu = "not-mms";
		reason = mg_reason_str(ev->reason);
		break;
	case MG_EV_COTP:
		snprintf(pdubuf, sizeof(pdubuf), "cotp-%s", mg_cotp_type_str(ev->cotp_type));
		pdu = pdubuf;
		break;
	default:
		pdu = "upper";
		break;
	}
	if (!pdu)
		pdu = "?";
	verdict_for(r, c, ev, &v);
	if (v.have)
		r->s.verdict[v.action % 3]++;
	/* How the dataplane carries a deny out: the answer it sends (reply),
	 * or nothing (remove), or a reset; bytes cut from / added to the
	 * streams. The capture keeps the server's real answer: replay does not
	 * edit the association's state as the gate does. */
	const char *carry = NULL;
	size_t answer = 0;
	if (v.have && v.action == MG_ACT_DENY) {
		static uint8_t abuf[65536 + 4096];
		carry = v.carry == MG_REFUSE_REPLY    ? "reply-error"
		        : v.carry == MG_REFUSE_REMOVE ? "remove"
		                                      : "reset";
		r->s.carry[v.carry % 3]++;
		if (v.carry != MG_REFUSE_RESET)
			r->s.bytes_dropped += ev->end_off - c->unit_off[dir];
		if (v.carry == MG_REFUSE_REPLY) {
			answer = mg_refuse_build(&v.refuse, ev->pres_ctx, 0, abuf, sizeof(abuf));
			r->s.bytes_injected += answer;
		}
	}

	const char *svc = m && m->service != MG_SVC_NONE ? mg_mms_svc_name(m->service) : NULL;
	const char *cls = m ? mg_iec_class_str(m->iec_class) : NULL;

	if (r->json) {
		struct mg_json *j = rec_begin(r);
		mg_json_kv_u64(j, "conn", c->flow ? c->flow->id : 0);
		mg_json_kv_str(j, "dir", dir == MG_DIR_C2S ? "c2s" : "s2c");
		mg_json_kv_str(j, "src", src);
		mg_json_kv_str(j, "dst", dst);
		mg_json_kv_str(j, "pdu", pdu);
		if (reason)
			mg_json_kv_str(j, "reason", reason);
		if (svc)
			mg_json_kv_str(j, "service", svc);
		if (m && m->has_invoke_id)
			mg_json_kv_u64(j, "invoke_id", m->invoke_id);
		if (m) {
			/* objects as on the wire; the members of a named variable
			 * list the gate knows (and judged) apart */
			unsigned nw = m->nobj_wire < m->nobj ? m->nobj_wire : m->nobj;
			mg_json_key(j, "objects");
			mg_json_arr_begin(j);
			for (unsigned i = 0; i < nw && i < MG_MMS_MAX_OBJS; i++)
				json_obj(j, &m->obj[i]);
			mg_json_arr_end(j);
			if (nw < m->nobj) {
				mg_json_key(j, "members");
				mg_json_arr_begin(j);
				for (unsigned i = nw; i < m->nobj && i < MG_MMS_MAX_OBJS; i++)
					json_obj(j, &m->obj[i]);
				mg_json_arr_end(j);
			}
			if (m->obj_truncated)
				mg_json_kv_bool(j, "objects_truncated", true);
			mg_json_kv_str(j, "class", cls);
			mg_json_kv_u64(j, "len", ev->mms_len);
			int dk = mg_md_json_kind(m);
			if (dk > -2) { /* the write's data: "control" or "values" */
				static char dbuf[65536];
				if (mg_md_json(m->write_data, m->write_data_len, dk, dbuf,
					       sizeof(dbuf)))
					fprintf(j->f, ",%s", dbuf); /* members of this record */
				else
					mg_json_kv_bool(j, "values_truncated", true);
			}
		}
		if (ev->kind == MG_EV_UPPER) {
			if (ev->ses_kind)
				mg_json_kv_str(j, "session", mg_ses_kind_str(ev->ses_kind));
			if (ev->pres_kind)
				mg_json_kv_str(j, "pres", mg_pres_kind_str(ev->pres_kind));
			if (ev->acse_kind >= 0)
				mg_json_kv_str(j, "acse", mg_acse_kind_str((uint8_t)ev->acse_kind));
		}
		if (ev->anomaly != MG_R_NONE)
			mg_json_kv_str(j, "anomaly", mg_reason_str(ev->anomaly));
		if (v.have) {
			mg_json_kv_str(j, "verdict", mg_action_str(v.action));
			mg_json_kv_u64(j, "rule", v.rule_line);
			if (v.rule_name)
				mg_json_kv_str(j, "rule_name", v.rule_name);
			mg_json_kv_str(j, "decided_by", v.why);
			if (carry) {
				mg_json_kv_str(j, "deny", carry);
				if (answer) {
					mg_json_kv_str(j, "answer",
					               v.refuse.reply == MG_REFUSE_READ_DENIED
					                   ? "read-object-access-denied"
					               : v.refuse.reply == MG_REFUSE_WRITE_DENIED
					                   ? "write-object-access-denied"
					                   : "confirmed-error");
					mg_json_kv_u64(j, "answer_bytes", answer);
				}
			}
		}
		mg_json_obj_end(j);
		mg_json_nl(j);
		return;
	}

	table_header(r);
	char sd[140], inv[16] = "", objs[512] = "", vb[32] = "";
	snprintf(sd, sizeof(sd), "%s -> %s", src, dst);
	if (m && m->has_invoke_id)
		snprintf(inv, sizeof(inv), "%" PRIu32, m->invoke_id);
	size_t on = 0;
	for (unsigned i = 0; m && i < m->nobj && i < MG_MMS_MAX_OBJS && on + 2 < sizeof(objs); i++) {
		if (i)
			objs[on++] = ',';
		on += obj_text(&m->obj[i], objs + on, sizeof(objs) - on);
		if (on >= sizeof(objs))
			on = sizeof(objs) - 1;
	}
	if (ev->anomaly != MG_R_NONE && on + 4 < sizeof(objs))
		snprintf(objs + on, sizeof(objs) - on, "%s[%s]", on ? " " : "",
			 mg_reason_str(ev->anomaly));
	if (v.have)
		snprintf(vb, sizeof(vb), "%-7s  %-4" PRIu32 "  ", mg_action_str(v.action),
			 v.rule_line);
	printf("%-6" PRIu64 "  %-45s  %-18s  %-28s  %-7s  %-18s  %s%s\n", r->frame, sd, pdu,
	       svc ? svc : (reason ? reason : ""), inv, cls ? cls : "", vb, objs);
}

/* --all: a stream gap (bytes of this direction lost by the capture). */
static void emit_gap(struct rp *r, struct rp_conn *c, uint8_t dir, size_t lost)
{
	if (r->json) {
		struct mg_json *j = rec_begin(r);
		mg_json_kv_u64(j, "conn", c->flow ? c->flow->id : 0);
		mg_json_kv_str(j, "dir", dir == MG_DIR_C2S ? "c2s" : "s2c");
		mg_json_kv_str(j, "src", c->name[dir]);
		mg_json_kv_str(j, "dst", c->name[dir ^ 1]);
		mg_json_kv_str(j, "pdu", "gap");
		mg_json_kv_str(j, "reason", mg_reason_str(MG_R_STREAM_GAP));
		mg_json_kv_u64(j, "lost", lost);
		mg_json_obj_end(j);
		mg_json_nl(j);
		return;
	}
	table_header(r);
	char sd[140], lb[48];
	snprintf(sd, sizeof(sd), "%s -> %s", c->name[dir], c->name[dir ^ 1]);
	snprintf(lb, sizeof(lb), "%zu bytes lost", lost);
	printf("%-6" PRIu64 "  %-45s  %-18s  %-28s\n", r->frame, sd, "gap", lb);
}

/* A segment or fragment the normaliser refused: always reported, like a
 * malformed unit (the daemon drops it, in monitor mode too). c is NULL for
 * a fragment without ports. */
static void emit_refused(struct rp *r, struct rp_conn *c, uint8_t dir, const struct mg_pkt *pk,
			 enum mg_reason why)
{
	char sb[INET6_ADDRSTRLEN + 8], db[INET6_ADDRSTRLEN + 8];
	const char *src = sb, *dst = db;

	r->s.refused++;
	r->s.refused_by[why]++;
	if (r->pol)
		r->s.verdict[MG_ACT_DENY]++;
	if (c) {
		src = c->name[dir];
		dst = c->name[dir ^ 1];
	} else {
		fmt_ip(sb, sizeof(sb), pk->ip_ver, pk->src);
		fmt_ip(db, sizeof(db), pk->ip_ver, pk->dst);
	}
	if (r->json) {
		struct mg_json *j = rec_begin(r);
		if (c) {
			mg_json_kv_u64(j, "conn", c->flow ? c->flow->id : 0);
			mg_json_kv_str(j, "dir", dir == MG_DIR_C2S ? "c2s" : "s2c");
		}
		mg_json_kv_str(j, "src", src);
		mg_json_kv_str(j, "dst", dst);
		mg_json_kv_str(j, "pdu", "tcp-refused");
		mg_json_kv_str(j, "reason", mg_reason_str(why));
		if (r->pol) {
			mg_json_kv_str(j, "verdict", mg_action_str(MG_ACT_DENY));
			mg_json_kv_u64(j, "rule", 0);
			mg_json_kv_str(j, "decided_by", "normaliser");
		}
		mg_json_obj_end(j);
		mg_json_nl(j);
		return;
	}
	table_header(r);
	char sd[140], vb[32] = "";
	snprintf(sd, sizeof(sd), "%s -> %s", src, dst);
	if (r->pol)
		snprintf(vb, sizeof(vb), "%-7s  %-4u  ", mg_action_str(MG_ACT_DENY), 0u);
	printf("%-6" PRIu64 "  %-45s  %-18s  %-28s  %-7s  %-18s  %s\n", r->frame, sd, "tcp-refused",
	       mg_reason_str(why), "", "", vb);
}

static void engine_cb(void *ud, const struct mg_ev *ev)
{
	struct rp *r = ud;
	struct rp_conn *c = r->cur;
	r->s.events++;
	switch (ev->kind) {
	case MG_EV_MMS: r->s.mms++; break;
	case MG_EV_MALFORMED: r->s.malformed++; break;
	case MG_EV_NOT_MMS: r->s.not_mms++; break;
	default:
		if (!r->all) {
			c->unit_off[ev->dir & 1] = ev->end_off;
			return;
		}
		break;
	}
	if (ev->anomaly != MG_R_NONE)
		r->s.anomalies++;
	emit_event(r, c, ev);
	c->unit_off[ev->dir & 1] = ev->end_off;
}

/* ---- TCP/102 connections ------------------------------------------------- */

/* Forget the engine state of one direction after a gap: its TPKT framing
 * is lost; the next chunk starting with a TPKT header restarts it. */
static void engine_dir_reset(struct rp *r, struct rp_conn *c, uint8_t dir)
{
	mg_engine_dir_reset(&r->eng, &c->ec, dir);
}

static void stream_cb(void *ud, const uint8_t *p, size_t len)
{
	struct rp *r = ud;
	struct rp_conn *c = r->cur;
	uint8_t dir = r->cur_dir;
	if (!p) {
		r->s.gaps++;
		r->s.bytes_lost += len;
		c->resync[dir] = true;
		if (r->all)
			emit_gap(r, c, dir, len);
		return;
	}
	if (c->resync[dir]) {
		if (len < 4 || p[0] != 3 || p[1] != 0) {
			r->s.resync_skipped += len;
			return;
		}
		engine_dir_reset(r, c, dir);
		c->resync[dir] = false;
	}
	mg_engine_feed(&r->eng, &c->ec, dir, p, len, engine_cb, r);
}

static void conn_free(struct rp *r, struct rp_conn *c)
{
	for (int d = 0; d < 2; d++) {
		r->s.pending_bytes += mg_engine_pending(&c->ec, (uint8_t)d) + c->st[d].stored;
		r->s.retrans_bytes += c->st[d].st.bytes_retrans;
		r->s.conflicts += c->st[d].st.overlap_conflicts;
		r->s.ooo_bytes += c->st[d].st.bytes_ooo;
		mg_stream_free(&c->st[d]);
	}
	mg_tcpn_release(&r->tn, &c->tn);
	mg_engine_conn_release(&r->eng, &c->ec);
	free(c);
}

static void conn_setup(struct rp *r, struct rp_conn *c, const struct mg_pkt *pk, bool rev)
{
	/* The client is the side that sent the SYN; else the side talking to
	 * port 102. */
	bool sender_is_client;
	if ((pk->tcp_flags & (MG_TCP_SYN | MG_TCP_ACK)) == MG_TCP_SYN)
		sender_is_client = true;
	else if ((pk->tcp_flags & (MG_TCP_SYN | MG_TCP_ACK)) == (MG_TCP_SYN | MG_TCP_ACK))
		sender_is_client = false;
	else
		sender_is_client = pk->dport == MMS_PORT;
	uint8_t sender_side = rev ? 1 : 0;
	c->client_side = sender_is_client ? sender_side : (uint8_t)(sender_side ^ 1);
	const uint8_t *ca = sender_is_client ? pk->src : pk->dst;
	const uint8_t *sa = sender_is_client ? pk->dst : pk->src;
	c->addr[0].ver = c->addr[1].ver = pk->ip_ver;
	memcpy(c->addr[0].a, ca, 16);
	memcpy(c->addr[1].a, sa, 16);
	c->port[0] = sender_is_client ? pk->sport : pk->dport;
	c->port[1] = sender_is_client ? pk->dport : pk->sport;
	for (int d = 0; d < 2; d++) {
		fmt_endpoint(c->name[d], sizeof(c->name[d]), &c->addr[d], c->port[d]);
		mg_stream_init(&c->st[d]);
	}
	mg_engine_conn_init(&c->ec);
	mg_tcpn_init(&c->tn);
	mg_engine_conn_bind(&r->eng, &c->ec, pk->ip_ver, sa); /* lists per IED */
	mg_ctl_state_init(&c->ctl);
	c->cv = MG_CONN_INSPECT;
	if (r->pol)
		c->cv = (uint8_t)mg_policy_conn(r->pol, &c->addr[0], &c->addr[1], 6, c->port[0],
					       c->port[1], &c->peer, &c->conn_rule);
}

static struct rp_conn *conn_get(struct rp *r, const struct mg_pkt *pk, uint8_t *dir)
{
	bool rev, created;
	struct mg_flow *f = mg_flowtab_lookup(&r->ft, pk->ip_ver, 6, pk->src, pk->sport, pk->dst,
					      pk->dport, true, &rev, &created);
	if (!f) {
		r->s.conns_dropped++;
		return NULL;
	}
	struct rp_conn *c = f->user;
	if (c && (pk->tcp_flags & (MG_TCP_SYN | MG_TCP_ACK)) == MG_TCP_SYN) {
		const struct mg_stream_dir *sd =
			&c->st[(rev ? 1 : 0) == c->client_side ? MG_DIR_C2S : MG_DIR_S2C];
		if (sd->synced && (!sd->syn_seen || sd->isn != pk->seq)) {
			/* A new SYN on the same 5-tuple: a new connection. */
			conn_free(r, c);
			f->user = c = NULL;
			f->id = r->ft.next_id++;
		}
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			r->s.conns_dropped++;
			return NULL;
		}
		c->flow = f;
		f->user = c;
		conn_setup(r, c, pk, rev);
		r->s.conns++;
	}
	*dir = (rev ? 1 : 0) == c->client_side ? MG_DIR_C2S : MG_DIR_S2C;
	return c;
}

static void tcp102(struct rp *r, const uint8_t *frame, const struct mg_pkt *pk)
{
	uint8_t dir;
	struct rp_conn *c = conn_get(r, pk, &dir);
	if (!c)
		return;
	r->cur = c;
	r->cur_dir = dir;
	/* Normalise first, as the daemon does on inspected associations: a
	 * refused segment changes nothing and never reaches the stream. */
	if (c->cv != MG_CONN_ALLOW) {
		unsigned cs = r->trust_csum ? MG_TCPN_IP_CSUM_GOOD | MG_TCPN_L4_CSUM_GOOD : 0;
		enum mg_reason why = mg_tcpn_segment(&r->tn, &c->tn, dir, frame, pk, cs, NULL);
		if (why != MG_R_NONE) {
			emit_refused(r, c, dir, pk, why);
			r->cur = NULL;
			return;
		}
	}
	uint32_t seq = pk->seq;
	if (pk->tcp_flags & MG_TCP_SYN) {
		mg_stream_syn(&c->st[dir], pk->seq);
		seq++;
	}
	if (pk->tcp_flags & MG_TCP_ACK) {
		c->ack_known[dir] = true;
		c->ack[dir] = pk->ack;
	}
	if (pk->payload_len && !c->st[dir].synced) {
		/* Mid-connection start: the peer's ACK says where this
		 * direction's stream stands. Without one, a lone 1-byte segment
		 * is most likely a keep-alive probe (seq = next - 1, a byte
		 * already acknowledged): do not sync on it. */
		if (c->ack_known[dir ^ 1]) {
			mg_stream_sync(&c->st[dir], c->ack[dir ^ 1]);
		} else if (pk->payload_len == 1 && !(pk->tcp_flags & (MG_TCP_SYN | MG_TCP_FIN))) {
			r->s.keepalives++;
			r->cur = NULL;
			return;
		}
	}
	if (pk->payload_len) {
		r->s.payload_bytes += pk->payload_len;
		mg_stream_feed(&c->st[dir], seq, frame + pk->payload_off, pk->payload_len,
			       stream_cb, r);
	}
	if (pk->tcp_flags & MG_TCP_FIN) {
		c->fin[dir] = true;
		c->fin_seq[dir] = seq + pk->payload_len;
	}
	if ((pk->tcp_flags & MG_TCP_ACK) && c->st[dir ^ 1].synced) {
		/* Bytes of the other direction acknowledged here but never
		 * captured are lost: do not wait for them (the FIN's sequence
		 * slot is not a byte). */
		uint32_t ack = pk->ack;
		if (c->fin[dir ^ 1] && ack == c->fin_seq[dir ^ 1] + 1)
			ack--;
		r->cur_dir = dir ^ 1;
		mg_stream_acked(&c->st[dir ^ 1], ack, stream_cb, r);
		r->cur_dir = dir;
	}
	r->cur = NULL;
	/* Forget the connection once it is over (reset, or both FINs sent and
	 * this is the last ACK), so long captures never fill the table. */
	if ((pk->tcp_flags & MG_TCP_RST) ||
	    (c->fin[0] && c->fin[1] && !pk->payload_len && !(pk->tcp_flags & MG_TCP_FIN))) {
		struct mg_flow *f = c->flow;
		conn_free(r, c);
		mg_flowtab_remove(&r->ft, f);
	}
}

/* ---- frames -------------------------------------------------------------- */

/* The L2 verdict as the dataplane makes it, including the stream check
 * (APPID right after the EtherType, destination MAC) of mg_policy_l2_stream. */
static enum mg_l2_verdict l2_frame_verdict(const struct mg_policy *pol, const uint8_t *f,
					   size_t len, const struct mg_pkt *pk)
{
	enum mg_l2_verdict v = mg_policy_l2(pol, pk->ethertype, pk->vid);
	if (v != MG_L2_STREAM)
		return v;
	size_t off = 14 + 4u * pk->ntags;
	uint32_t appid = MG_APPID_NONE;
	if (mg_policy_has_appid(pk->ethertype) && len >= off + 2)
		appid = (uint32_t)f[off] << 8 | f[off + 1];
	return mg_policy_l2_stream(pol, pk->ethertype, pk->vid, appid, f);
}

static void emit_frame(struct rp *r, const struct pcap_pkthdr *h, const uint8_t *f, size_t flen,
		       const struct mg_pkt *pk, enum mg_pkt_status ps)
{
	char eb[16], sb[INET6_ADDRSTRLEN], db[INET6_ADDRSTRLEN];
	const char *cls = l2_class(pk->ethertype, eb, sizeof(eb));
	const char *l2v = NULL, *l3v = NULL;
	uint32_t l3rule = 0;
	bool is_ip = ps == MG_PKT_OK && pk->ip_ver != 0;
	if (r->pol) {
		l2v = l2_verdict_str(l2_frame_verdict(r->pol, f, flen, pk));
		if (is_ip && (pk->ip_proto == 6 || pk->ip_proto == 17) &&
		    !(pk->frag && !pk->frag_first)) {
			struct mg_addr s = {.ver = pk->ip_ver}, d = {.ver = pk->ip_ver};
			memcpy(s.a, pk->src, 16);
			memcpy(d.a, pk->dst, 16);
			struct mg_policy_peer peer;
			uint8_t cv;
			if (pk->ip_proto == 6 && (pk->sport == MMS_PORT || pk->dport == MMS_PORT) &&
			    r->cur) {
				cv = r->cur->cv;
				l3rule = r->cur->conn_rule;
			} else {
				cv = (uint8_t)mg_policy_conn(r->pol, &s, &d, pk->ip_proto,
							     pk->sport, pk->dport, &peer, &l3rule);
			}
			l3v = conn_verdict_str(cv);
		} else if (is_ip && pk->frag) {
			l3v = mg_policy_allow_fragments(r->pol) ? "allow" : "deny";
		}
	}
	if (is_ip) {
		fmt_ip(sb, sizeof(sb), pk->ip_ver, pk->src);
		fmt_ip(db, sizeof(db), pk->ip_ver, pk->dst);
	}
	if (r->json) {
		struct mg_json *j = rec_begin(r);
		mg_json_kv_str(j, "type", "frame");
		mg_json_kv_u64(j, "len", h->len);
		mg_json_kv_str(j, "l2", cls);
		if (pk->ntags) {
			mg_json_kv_u64(j, "vid", pk->vid);
			if (pk->ntags > 1)
				mg_json_kv_u64(j, "inner_vid", pk->inner_vid);
		}
		if (ps != MG_PKT_OK)
			mg_json_kv_str(j, "error", mg_pkt_status_str(ps));
		if (is_ip) {
			bool l4 = (pk->ip_proto == 6 || pk->ip_proto == 17) &&
				  !(pk->frag && !pk->frag_first);
			char ep[80];
			if (l4) {
				snprintf(ep, sizeof(ep), pk->ip_ver == 6 ? "[%s]:%u" : "%s:%u", sb,
					 pk->sport);
				mg_json_kv_str(j, "src", ep);
				snprintf(ep, sizeof(ep), pk->ip_ver == 6 ? "[%s]:%u" : "%s:%u", db,
					 pk->dport);
				mg_json_kv_str(j, "dst", ep);
			} else {
				mg_json_kv_str(j, "src", sb);
				mg_json_kv_str(j, "dst", db);
			}
			mg_json_kv_u64(j, "ip_proto", pk->ip_proto);
			if (pk->frag)
				mg_json_kv_bool(j, "fragment", true);
			if (pk->ip_proto == 6 && l4)
				mg_json_kv_u64(j, "payload_len", pk->payload_len);
		}
		if (l2v)
			mg_json_kv_str(j, "l2_verdict", l2v);
		if (l3v) {
			mg_json_kv_str(j, "l3_verdict", l3v);
			mg_json_kv_u64(j, "l3_rule", l3rule);
		}
		mg_json_obj_end(j);
		mg_json_nl(j);
		return;
	}
	table_header(r);
	char sd[100] = "", info[64];
	if (is_ip)
		snprintf(sd, sizeof(sd), "%s -> %s", sb, db);
	if (pk->ntags)
		snprintf(info, sizeof(info), "vid %u%s%s", pk->vid, l2v ? " " : "",
			 l2v ? l2v : "");
	else
		snprintf(info, sizeof(info), "%s", l2v ? l2v : "");
	printf("%-6" PRIu64 "  %-45s  %-18s  %-28s  %-7s  %-18s  %s%s%s\n", r->frame, sd, cls,
	       ps != MG_PKT_OK ? mg_pkt_status_str(ps) : info, "", l3v ? l3v : "", "", "",
	       "");
}

/* Bring non-Ethernet link types to an Ethernet-looking frame. NULL when
 * the frame cannot be decoded (unsupported link type). */
static const uint8_t *to_ether(struct rp *r, const uint8_t *p, uint32_t *len)
{
	uint16_t et;
	size_t skip;
	switch (r->dlt) {
	case DLT_EN10MB: return p;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		if (*len < 1)
			return NULL;
		et = (p[0] >> 4) == 6 ? MG_ETH_IPV6 : MG_ETH_IPV4;
		skip = 0;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		if (*len < 4)
			return NULL;
		skip = 4;
		if (*len < 5)
			return NULL;
		et = (p[4] >> 4) == 6 ? MG_ETH_IPV6 : MG_ETH_IPV4;
		break;
	case DLT_LINUX_SLL:
		if (*len < 16)
			return NULL;
		et = (uint16_t)(p[14] << 8 | p[15]);
		skip = 16;
		break;
	default: return NULL;
	}
	size_t n = *len - skip;
	if (n > RP_FRAME_MAX)
		n = RP_FRAME_MAX;
	memset(r->synth, 0, 12);
	r->synth[12] = (uint8_t)(et >> 8);
	r->synth[13] = (uint8_t)et;
	memcpy(r->synth + 14, p + skip, n);
	*len = (uint32_t)(n + 14);
	return r->synth;
}

static void frame(struct rp *r, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct mg_pkt pk;
	uint32_t len = h->caplen;
	r->frame++;
	r->s.frames++;
	r->ts_sec = (uint64_t)h->ts.tv_sec;
	r->ts_nsec = (uint64_t)h->ts.tv_usec; /* nanoseconds: opened with NANO precision */
	const uint8_t *p = to_ether(r, data, &len);
	if (!p) {
		r->s.bad_frames++;
		return;
	}
	enum mg_pkt_status ps = mg_pkt_parse(p, len, &pk);
	bool tso = false;
	if (ps == MG_PKT_BAD_L3 && pk.ethertype == MG_ETH_IPV4 && len >= pk.l3_off + 20u &&
	    p[pk.l3_off + 2] == 0 && p[pk.l3_off + 3] == 0 && len - pk.l3_off <= 0xffff) {
		/* IPv4 total length 0: captured on the sending host before TCP
		 * segmentation offload (Wireshark presumes the same). A tool
		 * tolerance only: the dataplane never sees such frames. */
		if (p != r->synth)
			memcpy(r->synth, p, len);
		uint16_t tot = (uint16_t)(len - pk.l3_off);
		r->synth[pk.l3_off + 2] = (uint8_t)(tot >> 8);
		r->synth[pk.l3_off + 3] = (uint8_t)tot;
		p = r->synth;
		ps = mg_pkt_parse(p, len, &pk);
		r->s.tso++;
		tso = true;
	}
	bool is102 = ps == MG_PKT_OK && pk.ip_ver && pk.ip_proto == 6 &&
		     (pk.sport == MMS_PORT || pk.dport == MMS_PORT);
	/* A TSO frame's checksums were never finished: nothing to verify. */
	r->trust_csum = tso;
	if (ps != MG_PKT_OK)
		r->s.bad_frames++;
	if (ps == MG_PKT_OK && pk.ip_ver)
		r->s.ip_frames++;
	/* The dataplane refuses TCP fragments whatever `fragments allow` says
	 * (a non-first fragment has no ports: it may be TCP/102): so does the
	 * replay, instead of reassembling what the daemon would never pass. */
	bool tcp_frag = ps == MG_PKT_OK && pk.ip_ver && pk.ip_proto == 6 && pk.frag;
	if (tcp_frag) {
		r->s.frags++;
		is102 = false;
	}
	if (ps == MG_PKT_OK && pk.frag && !pk.frag_first)
		is102 = false;
	if (r->all) {
		/* The frame's record comes before the PDUs it completes; look up
		 * the connection first so the L3 verdict is the connection's. */
		r->cur = NULL;
		if (is102) {
			uint8_t dir;
			r->cur = conn_get(r, &pk, &dir);
		}
		emit_frame(r, h, p, len, &pk, ps);
		r->cur = NULL;
	}
	if (tcp_frag)
		emit_refused(r, NULL, 0, &pk, MG_R_TCPN_FRAGMENT);
	if (is102) {
		r->s.tcp102++;
		tcp102(r, p, &pk);
	}
}

/* ---- main ---------------------------------------------------------------- */

static void conn_free_cb(void *ud, struct mg_flow *f)
{
	struct rp *r = ud;
	if (f->user)
		conn_free(r, f->user);
	f->user = NULL;
}

static void summary(struct rp *r)
{
	fprintf(stderr,
		"replay: %" PRIu64 " frames, %" PRIu64 " tcp/102 frames, %" PRIu64
		" connections, %" PRIu64 " PDUs (%" PRIu64 " mms, %" PRIu64 " malformed, %" PRIu64
		" not-mms, %" PRIu64 " anomalies), %" PRIu64 " stream gaps (%" PRIu64
		" bytes lost), %" PRIu64 " retransmitted bytes, %" PRIu64 " undecodable frames",
		r->s.frames, r->s.tcp102, r->s.conns, r->s.mms + r->s.malformed + r->s.not_mms,
		r->s.mms, r->s.malformed, r->s.not_mms, r->s.anomalies, r->s.gaps,
		r->s.bytes_lost, r->s.retrans_bytes, r->s.bad_frames);
	if (r->s.refused) {
		fprintf(stderr, ", %" PRIu64 " refused by the normaliser (", r->s.refused);
		bool first = true;
		for (int i = 1; i < MG_R__COUNT; i++) {
			if (!r->s.refused_by[i])
				continue;
			fprintf(stderr, "%s%s %" PRIu64, first ? "" : ", ",
				mg_reason_str((enum mg_reason)i), r->s.refused_by[i]);
			first = false;
		}
		fputc(')', stderr);
	}
	if (r->s.pending_bytes)
		fprintf(stderr, ", %" PRIu64 " bytes in incomplete PDUs at the end",
			r->s.pending_bytes);
	if (r->s.keepalives)
		fprintf(stderr, ", %" PRIu64 " keep-alive probes skipped", r->s.keepalives);
	if (r->s.tso)
		fprintf(stderr, ", %" PRIu64 " TSO frames (IP length 0)", r->s.tso);
	if (r->s.conns_dropped)
		fprintf(stderr, ", %" PRIu64 " frames without a connection slot",
			r->s.conns_dropped);
	if (r->pol)
		fprintf(stderr, "; verdicts: %" PRIu64 " allow, %" PRIu64 " alert, %" PRIu64 " deny",
			r->s.verdict[MG_ACT_ALLOW], r->s.verdict[MG_ACT_ALERT],
			r->s.verdict[MG_ACT_DENY]);
	if (r->pol && r->s.verdict[MG_ACT_DENY])
		fprintf(stderr,
		        " (MMS: %" PRIu64 " refused with an answer, %" PRIu64 " removed, %" PRIu64
		        " reset; %" PRIu64 " bytes removed, %" PRIu64 " injected)",
		        r->s.carry[MG_REFUSE_REPLY], r->s.carry[MG_REFUSE_REMOVE],
		        r->s.carry[MG_REFUSE_RESET], r->s.bytes_dropped, r->s.bytes_injected);
	fputc('\n', stderr);
}

static int load_policy(struct rp *r)
{
	struct mg_diags d;
	mg_diags_init(&d);
	r->pol = mg_policy_compile_file(r->policy_path, &d);
	mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	if (!r->pol) {
		fprintf(stderr, "mmsgatectl replay: policy '%s' has errors\n", r->policy_path);
		return -1;
	}
	r->scr = mg_policy_scratch_new();
	if (!r->scr || mg_policy_scratch_prepare(r->scr, r->pol) != 0) {
		fprintf(stderr, "mmsgatectl replay: cannot prepare policy scratch\n");
		return -1;
	}
	return 0;
}

int mg_cmd_replay(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},
		{"host-capture", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct rp *r = calloc(1, sizeof(*r));
	int opt, ret = 0;
	if (!r) {
		fprintf(stderr, "mmsgatectl replay: out of memory\n");
		return 1;
	}
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:jahH", lopts, NULL)) != -1) {
		switch (opt) {
		case 'p': r->policy_path = optarg; break;
		case 'j': r->json = true; break;
		case 'a': r->all = true; break;
		case 'H': r->tn.host_capture = true; break;
		case 'h':
			usage(stdout);
			free(r);
			return 0;
		default:
			if (optopt)
				fprintf(stderr, "mmsgatectl replay: bad option '-%c'\n", optopt);
			else
				fprintf(stderr, "mmsgatectl replay: bad option '%s'\n",
					argv[optind - 1]);
			usage(stderr);
			free(r);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mmsgatectl replay: %s\n",
			argc - optind < 1 ? "missing CAPTURE" : "exactly one CAPTURE expected");
		usage(stderr);
		free(r);
		return 2;
	}
	r->file = argv[optind];

	char errbuf[PCAP_ERRBUF_SIZE] = "";
	r->pc = pcap_open_offline_with_tstamp_precision(r->file, PCAP_TSTAMP_PRECISION_NANO,
							errbuf);
	if (!r->pc) {
		/* libpcap's message sometimes starts with the path already. */
		if (!strncmp(errbuf, r->file, strlen(r->file)))
			fprintf(stderr, "mmsgatectl replay: cannot read %s\n", errbuf);
		else
			fprintf(stderr, "mmsgatectl replay: cannot read '%s': %s\n", r->file,
				errbuf);
		free(r);
		return 1;
	}
	r->dlt = pcap_datalink(r->pc);
	if (r->policy_path && load_policy(r) != 0) {
		ret = 1;
		goto out;
	}
	struct mg_engine_cfg cfg = {
		.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
		.buf_get = mg_engine_malloc_get,
		.buf_put = mg_engine_malloc_put,
		.buf_ud = NULL,
		.midstream_pickup = true,
		/* Named variable lists learnt as the gate learns them. */
		.varlists = mg_vl_table_new(0),
	};
	mg_engine_init(&r->eng, &cfg);
	if (mg_flowtab_init(&r->ft, RP_MAX_CONNS) != 0) {
		fprintf(stderr, "mmsgatectl replay: out of memory\n");
		ret = 1;
		goto out;
	}
	mg_json_init(&r->j, stdout);

	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(r->pc, &h, &data)) == 1)
		frame(r, h, data);
	if (rc == PCAP_ERROR) {
		fflush(stdout);
		fprintf(stderr, "mmsgatectl replay: '%s': %s (after frame %" PRIu64 ")\n",
			r->file, pcap_geterr(r->pc), r->frame);
		ret = 1;
	}
	fflush(stdout);
	mg_flowtab_foreach(&r->ft, conn_free_cb, r);
	summary(r);
	mg_flowtab_free(&r->ft);
out:
	mg_vl_table_free(r->eng.cfg.varlists); /* every connection was released */
	if (r->scr)
		mg_policy_scratch_free(r->scr);
	if (r->pol)
		mg_policy_free(r->pol);
	pcap_close(r->pc);
	free(r);
	return ret;
}
