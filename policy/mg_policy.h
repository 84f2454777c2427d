/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled policy: the only interface the dataplane, mmsgatectl (replay,
 * policy check/show) and the XDP loader use. A struct mg_policy is immutable
 * after mg_policy_compile*(): workers read it without locks, the control
 * plane swaps whole policies (RCU) and frees the old one later.
 *
 * Pipeline (nftables-like): lexer → parser → semantic check → compile.
 * Nothing here includes a DPDK header.
 */
#ifndef MG_POLICY_H
#define MG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mg_mms.h"

/* ---- diagnostics ------------------------------------------------------ */

/* A note explains how a valid construct will behave where the reader could
 * guess wrong (e.g. a deny mode that cannot apply to some service); it
 * counts as neither error nor warning. */
enum mg_diag_sev { MG_DIAG_ERROR = 0, MG_DIAG_WARNING = 1, MG_DIAG_NOTE = 2 };

struct mg_diag {
	uint8_t sev;          /* enum mg_diag_sev */
	char file[256];
	uint32_t line, col;   /* 1-based */
	char msg[256];        /* one line, e.g. "unknown service 'raed'; did you mean 'read'?" */
	char token[64];       /* offending token as written */
};

struct mg_diags {
	struct mg_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
	size_t nnotes;
};

void mg_diags_init(struct mg_diags *d);
void mg_diags_free(struct mg_diags *d);
/* "file:line:col: error: msg" lines, like a compiler. */
void mg_diags_print(const struct mg_diags *d, FILE *out);

/* ---- load / free / show ---------------------------------------------- */

struct mg_policy;

/* Parse, check and compile. NULL when any error was found (all of them are
 * in *d); warnings alone do not fail. */
struct mg_policy *mg_policy_compile_file(const char *path, struct mg_diags *d);
struct mg_policy *mg_policy_compile_string(const char *name, const char *text,
					   struct mg_diags *d);
void mg_policy_free(struct mg_policy *p);

/* Normalized policy text plus rule statistics (policy show). */
void mg_policy_print(const struct mg_policy *p, FILE *out);
/* Same as JSON (one object). */
void mg_policy_print_json(const struct mg_policy *p, FILE *out);

const char *mg_policy_source(const struct mg_policy *p); /* file path */

/* ---- verdict types ---------------------------------------------------- */

enum mg_action { MG_ACT_DENY = 0, MG_ACT_ALLOW = 1, MG_ACT_ALERT = 2 };
/*
 * How a deny is carried out on an MMS association (see policy/DESIGN.md
 * "Deny modes"):
 *   reset        drop the PDU and reset the TCP connection (the association
 *                dies; the only possible answer to anomalies, malformed
 *                units and non-MMS on port 102, whatever the rule says);
 *   reply-error  keep the association: a confirmed request is answered as
 *                the IED would refuse it (object-access-denied / a
 *                confirmed-ErrorPDU), an unconfirmed PDU is removed from the
 *                stream; the default of a bare `deny` and `mms default deny`.
 * MG_DENY_DROP is the old name of MG_DENY_RESET (`deny drop` still parses).
 */
enum mg_deny_mode {
	MG_DENY_RESET = 0,
	MG_DENY_DROP = MG_DENY_RESET,
	MG_DENY_REPLY_ERROR = 1,
};
/* "reset" / "reply-error" */
const char *mg_deny_mode_str(uint8_t m);
enum mg_mode { MG_MODE_ENFORCE = 0, MG_MODE_MONITOR = 1 };

/* The one order of actions (deny > alert > allow): the most severe of
 * several results wins, across objects, rules and anomalies. */
static inline unsigned mg_action_severity(uint8_t a)
{
	return a == MG_ACT_DENY ? 2 : a == MG_ACT_ALERT ? 1 : 0;
}

const char *mg_action_str(uint8_t a); /* "deny", "allow", "alert" */
enum mg_mode mg_policy_mode(const struct mg_policy *p);

/* ---- layer 2 ---------------------------------------------------------- */

enum mg_l2_verdict {
	MG_L2_DROP = 0,
	MG_L2_PASS = 1, /* forward untouched, no further inspection */
	MG_L2_IP = 2,   /* IPv4/IPv6: continue to the L3/L4 checks */
	MG_L2_STREAM = 3, /* this VLAN only for declared streams: ask mg_policy_l2_stream() */
	MG_L2_UNKNOWN_STREAM = 4, /* allowed VLAN, stream (APPID, dst MAC) not declared: drop */
};

/* vid: VLAN id of the outermost tag, MG_VID_UNTAGGED for untagged frames;
 * priority-tagged frames have vid 0. ethertype: the innermost one. */
#define MG_VID_UNTAGGED 0xFFFF
enum mg_l2_verdict mg_policy_l2(const struct mg_policy *p, uint16_t ethertype, uint16_t vid);

/* After MG_L2_STREAM: MG_L2_PASS if (ethertype, vid, appid, dst) is a
 * declared stream, else MG_L2_UNKNOWN_STREAM. appid: the first two payload
 * octets of a GOOSE/GSE/SV frame, MG_APPID_NONE for other EtherTypes or a
 * frame too short to have one (then only rules without `appid` match).
 * dst: the destination MAC, 6 octets. Exact APPIDs are a binary search. */
#define MG_APPID_NONE 0xFFFFFFFFu
enum mg_l2_verdict mg_policy_l2_stream(const struct mg_policy *p, uint16_t ethertype, uint16_t vid,
                                       uint32_t appid, const uint8_t dst[6]);
/* The EtherTypes whose frames carry an APPID (GOOSE, GSE, SV). */
static inline bool mg_policy_has_appid(uint16_t ethertype)
{
	return ethertype == 0x88B8 || ethertype == 0x88B9 || ethertype == 0x88BA;
}

/* ---- layer 3/4 -------------------------------------------------------- */

struct mg_addr {
	uint8_t ver;    /* 4 or 6 */
	uint8_t a[16];  /* IPv4 in a[0..3], network order */
};

#define MG_POLICY_MAX_SETS 256
struct mg_setmask {
	uint64_t w[MG_POLICY_MAX_SETS / 64];
};

/* What the policy knows about one connection, computed once when the
 * connection opens and kept in the flow entry, so MMS verdicts never do an
 * address lookup per PDU. */
struct mg_policy_peer {
	struct mg_setmask client_sets; /* named sets containing the client */
	struct mg_setmask server_sets; /* named sets containing the server */
};

enum mg_conn_verdict {
	MG_CONN_DENY = 0,
	MG_CONN_ALLOW = 1,   /* allowed, no deep inspection (e.g. SNTP, TLS 3782) */
	MG_CONN_INSPECT = 2, /* allowed TCP/102 MMS association: deep inspection */
};

/* A new connection (TCP SYN, first UDP datagram, ICMP echo …) from
 * client to server. Fills *peer (always) and *rule_line (0 = default). */
enum mg_conn_verdict mg_policy_conn(const struct mg_policy *p, const struct mg_addr *client,
				    const struct mg_addr *server, uint8_t ip_proto,
				    uint16_t sport, uint16_t dport, struct mg_policy_peer *peer,
				    uint32_t *rule_line);

/* IP fragments towards TCP/102 (and fragments whose first fragment was not
 * seen): dropped unless the policy says otherwise. */
bool mg_policy_allow_fragments(const struct mg_policy *p);

/* ---- MMS -------------------------------------------------------------- */

struct mg_verdict {
	uint8_t action;        /* enum mg_action */
	uint8_t deny_mode;     /* enum mg_deny_mode */
	bool log;
	bool monitor;          /* policy in monitor mode: caller forwards anyway */
	int32_t rule_index;    /* -1: the policy's default MMS action */
	uint32_t rule_line;    /* source line of the deciding rule, 0 default */
	const char *rule_name; /* optional rule name, NULL if none */
	int16_t obj_index;     /* object that decided the verdict, -1 PDU-level */
};

/* Per-worker scratch (Hyperscan scratch, object-name verdict cache). One
 * per thread; valid for any policy after mg_policy_scratch_prepare(). */
struct mg_policy_scratch;
struct mg_policy_scratch *mg_policy_scratch_new(void);
/* Make the scratch usable with p (call on the control thread before the
 * worker first sees p; cheap when already prepared). 0 or -errno. */
int mg_policy_scratch_prepare(struct mg_policy_scratch *s, const struct mg_policy *p);
void mg_policy_scratch_free(struct mg_policy_scratch *s);

/*
 * The verdict for one MMS PDU on an inspected association. Requests
 * (confirmed, initiate, conclude, cancel) sent by the client and unsolicited
 * PDUs (informationReport …) sent by the server are matched against the
 * rules, first match wins; a multi-object request is evaluated per object
 * and the most severe result wins (deny > alert > allow). Responses and
 * errors are allowed here (the engine flags unsolicited ones as anomalies).
 * from_client: the PDU travels client → server.
 */
void mg_policy_mms_verdict(const struct mg_policy *p, struct mg_policy_scratch *s,
			   const struct mg_policy_peer *peer, bool from_client,
			   const struct mg_mms_pdu *pdu, struct mg_verdict *v);

/* The same with the association's control state (mg_policy_ctl.h) for the
 * `require select` clause; ctl may be NULL (no select is then live), now_ns
 * is a monotonic clock. mg_policy_mms_verdict() is this with ctl NULL. */
struct mg_ctl_state;
void mg_policy_mms_verdict_ctl(const struct mg_policy *p, struct mg_policy_scratch *s,
                               const struct mg_policy_peer *peer, bool from_client,
                               const struct mg_mms_pdu *pdu, const struct mg_ctl_state *ctl,
                               uint64_t now_ns, struct mg_verdict *v);

/* Per-anomaly action (request before initiate, unsolicited response,
 * oversize PDU, malformed): MG_ACT_DENY by default (fail closed). */
enum mg_action mg_policy_anomaly_action(const struct mg_policy *p, int reason /* enum mg_reason */);
/* Whether the policy names this anomaly (`anomaly NAME …` or `anomaly all`).
 * Checks that are off unless asked for (goose_replay) test this. */
bool mg_policy_anomaly_set(const struct mg_policy *p, int reason /* enum mg_reason */);

#endif
