/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A flat, read-only view of a compiled policy for consumers that build their
 * own lookup structures from it: the XDP loader (BPF maps) and `policy show`.
 * Every pointer points into the struct mg_policy and lives as long as it.
 */
#ifndef MG_POLICY_EXPORT_H
#define MG_POLICY_EXPORT_H

#include "mg_policy.h"

struct mg_pol_l2_entry {
	uint16_t ethertype;
	uint16_t vid_lo, vid_hi; /* inclusive; MG_VID_UNTAGGED..MG_VID_UNTAGGED = untagged */
	uint8_t verdict;         /* enum mg_l2_verdict */
};

/* A declared stream (l2.c): exact entries have one VID (or untagged) and
 * one APPID and are sorted by key = et << 32 | vid << 16 | appid for a
 * binary search; the rest (APPID ranges, no APPID, VID ranges) are "wide"
 * entries scanned in order. mac_lo..mac_hi = 0..0xFFFFFFFFFFFF for any. */
struct mg_pol_l2_stream {
	uint64_t key; /* exact entries only */
	uint16_t ethertype;
	uint16_t vid_lo, vid_hi; /* MG_VID_UNTAGGED..MG_VID_UNTAGGED = untagged */
	uint16_t appid_lo, appid_hi;
	bool any_appid;
	uint64_t mac_lo, mac_hi;
	uint32_t line;
};

/* One prefix of one named set, as written in the policy. */
struct mg_pol_prefix {
	struct mg_addr addr;
	uint8_t plen;
	uint16_t set_index; /* index into set_names */
};

/* A layer-3/4 rule: who may open what. */
struct mg_pol_conn_rule {
	bool client_any, server_any;
	struct mg_setmask client, server; /* matches if the peer is in any set of the mask */
	uint8_t ip_proto;                 /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 0 any */
	uint16_t dport_lo, dport_hi;      /* inclusive; 0..65535 = any */
	uint8_t verdict;                  /* enum mg_conn_verdict */
	uint32_t line;
};

/* An MMS rule reduced to what can be checked without object names. */
struct mg_pol_mms_rule {
	bool client_any, server_any;
	struct mg_setmask client, server;
	bool svc_any, class_any;
	uint64_t svc[2];      /* bit i: unified service id i (mg_mms.h) */
	uint32_t classes;     /* bit i: enum mg_iec_class i */
	bool has_objects;     /* the rule also needs object-name matching */
	uint8_t action;       /* enum mg_action */
	uint32_t line;
};

struct mg_policy_export {
	uint8_t mode;                 /* enum mg_mode */
	bool allow_fragments;
	uint8_t l2_default;           /* enum mg_l2_verdict for unnamed EtherTypes */
	size_t n_l2;
	const struct mg_pol_l2_entry *l2; /* verdict MG_L2_STREAM: only the streams below */
	bool goose_replay;                /* anomaly goose_replay set: stNum/sqNum check */
	size_t n_l2_exact, n_l2_wide;
	const struct mg_pol_l2_stream *l2_exact, *l2_wide;
	size_t n_sets;
	const char *const *set_names;
	size_t n_prefix;
	const struct mg_pol_prefix *prefix;
	size_t n_conn;
	const struct mg_pol_conn_rule *conn;
	uint8_t conn_default;         /* enum mg_conn_verdict, normally DENY */
	size_t n_mms;
	const struct mg_pol_mms_rule *mms;
	uint8_t mms_default;          /* enum mg_action */
};

void mg_policy_export(const struct mg_policy *p, struct mg_policy_export *out);

#endif
