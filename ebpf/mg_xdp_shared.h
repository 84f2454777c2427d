/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constants and map layouts shared by the XDP program (mmsgate_xdp.bpf.c)
 * and its user-space loader (xdp_maps.c, xdp_loader.c). Both sides include
 * this one header so a key or value layout can never drift between them.
 *
 * Atomic policy swap: every policy map is double-buffered by a generation
 * (0 or 1) that is part of the key (LPM tries, L2 hash) or of the index
 * (config, connection rules). The program reads the active generation once
 * per frame from mg_gen; the loader fills the idle generation completely,
 * then flips mg_gen with one 4-byte store, so a frame sees either the whole
 * old policy or the whole new one.
 */
#ifndef MG_XDP_SHARED_H
#define MG_XDP_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Sizes of one generation; maps hold two. */
#define MG_XDP_MAX_PREFIX 16384 /* per address family */
#define MG_XDP_MAX_L2     64   /* EtherTypes the policy names (one row each) */
#define MG_XDP_MAX_STREAM 8192 /* declared GOOSE/GSE/SV streams (l2 appid/dst) */
#define MG_XDP_MAX_CONN   1024
#define MG_XDP_MAX_IFACES 64
#define MG_XDP_CT_MAX     131072 /* tracked connections (LRU) */
#define MG_XDP_SET_WORDS  4 /* 256 named sets, as MG_POLICY_MAX_SETS */

#define MG_XDP_VID_UNTAGGED 0xFFFF /* as MG_VID_UNTAGGED */
#define MG_XDP_MAX_VLANS    2      /* 802.1Q + QinQ */
#define MG_XDP_MMS_PORT     102

/* Idle timeouts of tracked connections, and how often a live entry's
 * timestamp is refreshed (a map write per frame would cost too much). */
#define MG_XDP_CT_TCP_IDLE_NS (7200ull * 1000000000ull)
#define MG_XDP_CT_IDLE_NS     (120ull * 1000000000ull)
#define MG_XDP_CT_REFRESH_NS  (1000000000ull)

/* Values mirror policy/mg_policy.h (checked by static asserts in xdp_maps.c). */
enum mg_xdp_l2_verdict {
	MG_XDP_L2_DROP = 0,
	MG_XDP_L2_PASS = 1,
	MG_XDP_L2_IP = 2,
	MG_XDP_L2_STREAM = 3, /* only declared streams: look up mg_l2s */
};
enum mg_xdp_conn_verdict { MG_XDP_CONN_DENY = 0, MG_XDP_CONN_ALLOW = 1, MG_XDP_CONN_INSPECT = 2 };
enum mg_xdp_mode { MG_XDP_ENFORCE = 0, MG_XDP_MONITOR = 1 };

/* What an inspected (TCP/102) frame does when no AF_XDP socket is bound to
 * its rx queue. */
enum mg_xdp_fallback {
	MG_XDP_FB_PEER = 0, /* forward to the peer port: allowlist only, no deep inspection */
	MG_XDP_FB_PASS = 1, /* XDP_PASS to the kernel stack */
	MG_XDP_FB_DROP = 2, /* fail closed */
};

/* Per-reason counters (per-CPU array indexed by reason). X(symbol, "name"). */
#define MG_XDP_REASONS(X)                                                                          \
	X(L2_PASS, "l2_pass")                                                                      \
	X(L2_DROP, "l2_drop")                                                                      \
	X(SHORT_ETH, "short_ethernet")                                                             \
	X(SHORT_VLAN, "short_vlan_tag")                                                            \
	X(VLAN_DEPTH, "too_many_vlan_tags")                                                        \
	X(BAD_IP4, "bad_ipv4_header")                                                              \
	X(BAD_IP6, "bad_ipv6_header")                                                              \
	X(SHORT_L4, "short_l4_header")                                                             \
	X(FRAGMENT, "ip_fragment_dropped")                                                         \
	X(IP_DENY, "ip_not_allowed")                                                               \
	X(IP_ALLOW, "ip_allowed")                                                                  \
	X(IP_REPLY, "ip_reply_allowed")                                                            \
	X(INSPECT_XSK, "inspect_to_af_xdp")                                                        \
	X(INSPECT_PASS, "inspect_to_kernel")                                                       \
	X(INSPECT_PEER, "inspect_forwarded_uninspected")                                           \
	X(INSPECT_DROP, "inspect_no_socket_dropped")                                               \
	X(NO_PEER, "no_peer_interface")                                                            \
	X(NO_POLICY, "no_policy_loaded")                                                           \
	X(MONITOR, "monitor_forwarded")                                                            \
	X(IP6_EXT, "ipv6_too_many_ext_headers")                                                    \
	X(L2_UNKNOWN_STREAM, "l2_unknown_stream")

#define MG_XDP_R_ENUM(sym, name) MG_XDP_R_##sym,
enum mg_xdp_reason { MG_XDP_REASONS(MG_XDP_R_ENUM) MG_XDP_R_MAX };
#undef MG_XDP_R_ENUM

/* Per-generation configuration: mg_cfg[gen]. */
struct mg_xdp_cfg {
	__u32 n_conn;         /* rules valid in mg_conn[gen * MG_XDP_MAX_CONN ...] */
	__u8 loaded;          /* 0: no policy in this generation, drop all */
	__u8 mode;            /* enum mg_xdp_mode */
	__u8 l2_default;      /* enum mg_xdp_l2_verdict for (EtherType, VID) not in mg_l2 */
	__u8 conn_default;    /* enum mg_xdp_conn_verdict when no rule matches */
	__u8 allow_fragments; /* see the program: fragments never reach TCP/102 */
	__u8 fallback;        /* enum mg_xdp_fallback */
	__u8 stateless;       /* 1: replies by swapped rule match, no tracking */
	__u8 pad;
};

struct mg_xdp_setmask {
	__u64 w[MG_XDP_SET_WORDS];
};

/* LPM keys: data[0] is the generation, then the address; prefixlen counts
 * the generation byte (8 + prefix length). */
struct mg_xdp_lpm4_key {
	__u32 prefixlen;
	__u8 data[1 + 4];
	__u8 pad[3];
};
struct mg_xdp_lpm6_key {
	__u32 prefixlen;
	__u8 data[1 + 16];
	__u8 pad[3];
};

/* The L2 table: one row per EtherType the policy names, as the DPDK path
 * (policy/l2.c): a VID bitmap, so any VLAN set the language accepts fits. */
struct mg_xdp_l2_key {
	__u16 ethertype; /* host order */
	__u16 pad;
	__u32 gen;
};
struct mg_xdp_l2_row {
	__u8 verdict;         /* enum mg_xdp_l2_verdict for the VIDs in vid[] */
	__u8 untagged;        /* verdict for untagged frames */
	__u8 pad[6];
	__u64 vid[4096 / 64]; /* VIDs with `verdict` (others: drop) */
	__u64 stream[4096 / 64]; /* of those, VIDs only for declared streams */
};

/* A declared stream (exact VID, APPID; one MAC or any MAC). */
struct mg_xdp_l2s_key {
	__u16 ethertype;
	__u16 vid;   /* MG_XDP_VID_UNTAGGED for untagged */
	__u16 appid; /* 0 with no_appid */
	__u8 mac[6]; /* all zero with any_mac */
	__u8 any_mac;
	__u8 no_appid; /* frames of EtherTypes without an APPID */
	__u16 pad;
	__u32 gen;
};

/* A tracked connection, oriented client → server (who sent the first
 * allowed frame). Addresses are IPv4 in addr[0..3] or IPv6. */
struct mg_xdp_ct_key {
	__u8 family; /* 4 or 6 */
	__u8 proto;
	__u16 cport, sport; /* host order; 0 without ports */
	__u8 pad[2];
	__u8 caddr[16];
	__u8 saddr[16];
};

/* The same for IPv4, in its own table: a 16-byte key hashes faster. */
struct mg_xdp_ct4_key {
	__u8 caddr[4], saddr[4];
	__u16 cport, sport;
	__u8 proto;
	__u8 pad[3];
};

struct mg_xdp_ct_val {
	__u64 seen_ns; /* bpf_ktime_get_coarse_ns() of the last refresh */
	__u32 verdict; /* enum mg_xdp_conn_verdict of the forward match */
	__u32 pad;
};

struct mg_xdp_conn {
	struct mg_xdp_setmask client, server; /* hit if the address is in any set */
	__u16 dport_lo, dport_hi;             /* inclusive, host order */
	__u8 ip_proto;                        /* 0 any */
	__u8 verdict;                         /* enum mg_xdp_conn_verdict */
	__u8 client_any, server_any;
	__u32 line;
	__u32 pad;
};

#endif
