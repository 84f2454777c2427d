// SPDX-License-Identifier: (BSD-3-Clause OR GPL-2.0)
/*
 * mmsgate's XDP program: the cheap part of the policy in the driver. One
 * program is attached to both bridge ports; mg_peers maps each ingress
 * ifindex to the other port. Per frame: parse Ethernet and up to two VLAN
 * tags; look the (EtherType, outer VID) up in the L2 table (GOOSE/GSE/SV and
 * other permitted EtherTypes are redirected to the peer untouched, the rest
 * dropped); for IPv4/IPv6 look both addresses up in the LPM tries (each
 * prefix carries the union of the named sets covering it), then walk the
 * connection rules (first match wins, bpf_loop so the verifier sees the body
 * once). TCP/102 associations that need deep inspection go to the AF_XDP
 * socket bound to the rx queue (xsks_map, the name DPDK's net_af_xdp
 * expects), else to the configured fallback. Every allowed frame from a
 * client records its connection in an LRU table (mg_ct); a frame that no
 * rule allows passes as a reply only if its reversed 5-tuple is tracked
 * and not idle too long. (Stateless option: a frame matching an allow rule
 * with client and server swapped passes, except a TCP SYN without ACK.)
 * Every outcome increments a per-CPU counter indexed by enum mg_xdp_reason.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mg_xdp_shared.h"

#define ETH_P_IP_    0x0800
#define ETH_P_IPV6_  0x86DD
#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_HLEN_    14

#define IPPROTO_TCP_      6
#define IPPROTO_UDP_      17
#define IPPROTO_ICMP_     1
#define IPPROTO_ICMPV6_   58
#define IP6_HOPOPTS       0
#define IP6_ROUTING       43
#define IP6_FRAGMENT      44
#define IP6_DSTOPTS       60
#define MG_IP6_MAX_EXT    4

#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MG_XDP_R_MAX);
	__type(key, __u32);
	__type(value, __u64);
} mg_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mg_gen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct mg_xdp_cfg);
} mg_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 2 * MG_XDP_MAX_PREFIX);
	__type(key, struct mg_xdp_lpm4_key);
	__type(value, struct mg_xdp_setmask);
} mg_lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 2 * MG_XDP_MAX_PREFIX);
	__type(key, struct mg_xdp_lpm6_key);
	__type(value, struct mg_xdp_setmask);
} mg_lpm6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * MG_XDP_MAX_L2);
	__type(key, struct mg_xdp_l2_key);
	__type(value, struct mg_xdp_l2_row);
} mg_l2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * MG_XDP_MAX_STREAM);
	__type(key, struct mg_xdp_l2s_key);
	__type(value, __u32);
} mg_l2s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * MG_XDP_MAX_CONN);
	__type(key, __u32);
	__type(value, struct mg_xdp_conn);
} mg_conn SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MG_XDP_CT_MAX);
	__type(key, struct mg_xdp_ct_key);
	__type(value, struct mg_xdp_ct_val);
} mg_ct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MG_XDP_CT_MAX);
	__type(key, struct mg_xdp_ct4_key);
	__type(value, struct mg_xdp_ct_val);
} mg_ct4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, MG_XDP_MAX_IFACES);
	__type(key, __u32);
	__type(value, __u32);
} mg_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, MG_XDP_MAX_IFACES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct mg_vlan {
	__be16 tci;
	__be16 proto;
};

struct mg_match {
	struct mg_xdp_setmask src, dst;
	__u8 saddr[16], daddr[16];
	__u8 family;
	__u32 gen;
	__u32 n;
	__u16 sport, dport;
	__u8 proto;
	__u8 rev_ok; /* reverse (reply) matching allowed for this frame */
	__u8 ports;  /* the frame has ports (TCP/UDP first fragment) */
	__u8 typed;  /* ICMP/ICMPv6: rules match the type (itype) like a port */
	__u8 ireq_ok; /* itype is a reply: ireq is the request it answers */
	__u8 pad2;
	__u16 itype, ireq;
	__s32 fwd, rev;
};

static __always_inline void count(__u32 reason)
{
	__u64 *c = bpf_map_lookup_elem(&mg_counters, &reason);

	if (c)
		*c += 1;
}

static __always_inline int to_peer(struct xdp_md *ctx)
{
	long r = bpf_redirect_map(&mg_peers, ctx->ingress_ifindex, 0);

	if (r != XDP_REDIRECT) {
		count(MG_XDP_R_NO_PEER);
		return XDP_DROP;
	}
	return XDP_REDIRECT;
}

/* A refusal: dropped, or forwarded anyway in monitor mode. */
static __always_inline int refuse(struct xdp_md *ctx, const struct mg_xdp_cfg *cfg, __u32 reason)
{
	count(reason);
	if (cfg->mode == MG_XDP_MONITOR) {
		count(MG_XDP_R_MONITOR);
		return to_peer(ctx);
	}
	return XDP_DROP;
}

static __always_inline int mask_hit(const struct mg_xdp_setmask *a, const struct mg_xdp_setmask *b)
{
	return ((a->w[0] & b->w[0]) | (a->w[1] & b->w[1]) | (a->w[2] & b->w[2]) |
		(a->w[3] & b->w[3])) != 0;
}

static long conn_cb(__u32 i, void *data)
{
	struct mg_match *m = data;
	struct mg_xdp_conn *r;
	__u32 idx;

	if (i >= m->n || i >= MG_XDP_MAX_CONN)
		return 1;
	idx = (m->gen & 1) * MG_XDP_MAX_CONN + i;
	r = bpf_map_lookup_elem(&mg_conn, &idx);
	if (!r)
		return 1;
	if (r->ip_proto && r->ip_proto != m->proto)
		return 0;
	if (m->fwd < 0 && (r->client_any || mask_hit(&r->client, &m->src)) &&
	    (r->server_any || mask_hit(&r->server, &m->dst)) &&
	    (!m->ports || (m->dport >= r->dport_lo && m->dport <= r->dport_hi)) &&
	    (!m->typed || (m->itype >= r->dport_lo && m->itype <= r->dport_hi)))
		m->fwd = r->verdict;
	if (m->rev_ok && m->rev < 0 && (r->client_any || mask_hit(&r->client, &m->dst)) &&
	    (r->server_any || mask_hit(&r->server, &m->src)) &&
	    (!m->ports || (m->sport >= r->dport_lo && m->sport <= r->dport_hi)) &&
	    (!m->typed || (m->ireq_ok && m->ireq >= r->dport_lo && m->ireq <= r->dport_hi)))
		m->rev = r->verdict;
	return m->fwd >= 0 && (m->rev >= 0 || !m->rev_ok);
}

static __always_inline void lookup4(__u32 gen, const __u8 *addr, struct mg_xdp_setmask *out)
{
	struct mg_xdp_lpm4_key k = {};
	struct mg_xdp_setmask *v;

	k.prefixlen = 8 + 32;
	k.data[0] = gen;
	__builtin_memcpy(&k.data[1], addr, 4);
	v = bpf_map_lookup_elem(&mg_lpm4, &k);
	if (v)
		*out = *v;
}

static __always_inline void lookup6(__u32 gen, const __u8 *addr, struct mg_xdp_setmask *out)
{
	struct mg_xdp_lpm6_key k = {};
	struct mg_xdp_setmask *v;

	k.prefixlen = 8 + 128;
	k.data[0] = gen;
	__builtin_memcpy(&k.data[1], addr, 16);
	v = bpf_map_lookup_elem(&mg_lpm6, &k);
	if (v)
		*out = *v;
}

static __always_inline void ct_key(struct mg_xdp_ct_key *k, const struct mg_match *m, int reverse)
{
	k->family = m->family;
	k->proto = m->proto;
	if (reverse) {
		k->cport = m->dport;
		k->sport = m->sport;
		__builtin_memcpy(k->caddr, m->daddr, 16);
		__builtin_memcpy(k->saddr, m->saddr, 16);
	} else {
		k->cport = m->sport;
		k->sport = m->dport;
		__builtin_memcpy(k->caddr, m->saddr, 16);
		__builtin_memcpy(k->saddr, m->daddr, 16);
	}
}

static __always_inline void ct4_key(struct mg_xdp_ct4_key *k, const struct mg_match *m,
				    int reverse)
{
	k->proto = m->proto;
	if (reverse) {
		k->cport = m->dport;
		k->sport = m->sport;
		__builtin_memcpy(k->caddr, m->daddr, 4);
		__builtin_memcpy(k->saddr, m->saddr, 4);
	} else {
		k->cport = m->sport;
		k->sport = m->dport;
		__builtin_memcpy(k->caddr, m->saddr, 4);
		__builtin_memcpy(k->saddr, m->daddr, 4);
	}
}

static __always_inline struct mg_xdp_ct_val *ct_find(const struct mg_match *m, int reverse,
						     struct mg_xdp_ct4_key *k4,
						     struct mg_xdp_ct_key *k6)
{
	if (m->family == 4) {
		ct4_key(k4, m, reverse);
		return bpf_map_lookup_elem(&mg_ct4, k4);
	}
	ct_key(k6, m, reverse);
	return bpf_map_lookup_elem(&mg_ct, k6);
}

/* Record (or refresh) the connection of an allowed client frame. */
static __always_inline void ct_track(const struct mg_match *m, __u32 verdict)
{
	struct mg_xdp_ct4_key k4 = {};
	struct mg_xdp_ct_key k6 = {};
	struct mg_xdp_ct_val *v, nv = {};
	__u64 now = bpf_ktime_get_coarse_ns();

	v = ct_find(m, 0, &k4, &k6);
	if (v && v->verdict == verdict) {
		if (now - v->seen_ns > MG_XDP_CT_REFRESH_NS)
			v->seen_ns = now;
		return;
	}
	nv.seen_ns = now;
	nv.verdict = verdict;
	if (m->family == 4)
		bpf_map_update_elem(&mg_ct4, &k4, &nv, BPF_ANY);
	else
		bpf_map_update_elem(&mg_ct, &k6, &nv, BPF_ANY);
}

/* The forward verdict of the connection this frame answers, or -1. */
static __always_inline __s32 ct_reply(const struct mg_match *m)
{
	struct mg_xdp_ct4_key k4 = {};
	struct mg_xdp_ct_key k6 = {};
	struct mg_xdp_ct_val *v;
	__u64 idle;

	v = ct_find(m, 1, &k4, &k6);
	if (!v)
		return -1;
	idle = m->proto == IPPROTO_TCP_ ? MG_XDP_CT_TCP_IDLE_NS : MG_XDP_CT_IDLE_NS;
	if (bpf_ktime_get_coarse_ns() - v->seen_ns > idle)
		return -1;
	return (__s32)v->verdict;
}

/*
 * Layer 3/4 decision once addresses, protocol and ports are in *m.
 * frag: the frame is an IP fragment (first or not).
 */
static __always_inline int decide_ip(struct xdp_md *ctx, const struct mg_xdp_cfg *cfg,
				     struct mg_match *m, __u8 tcp_flags, int frag, int first_frag)
{
	__s32 v;
	int reply = 0;

	if (frag) {
		/* Fragments never reach the MMS engine: no TCP/102 fragment
		 * passes, and without allow_fragments none at all. */
		if (!cfg->allow_fragments)
			return refuse(ctx, cfg, MG_XDP_R_FRAGMENT);
		if (m->proto == IPPROTO_TCP_ && first_frag &&
		    (m->dport == MG_XDP_MMS_PORT || m->sport == MG_XDP_MMS_PORT))
			return refuse(ctx, cfg, MG_XDP_R_FRAGMENT);
	}
	m->fwd = -1;
	m->rev = -1;
	/* Swapped-rule matching only in stateless mode, never for a SYN. */
	m->rev_ok = (cfg->stateless &&
		     !(m->proto == IPPROTO_TCP_ &&
		       (tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN)) ||
		    (m->typed && m->ireq_ok);
	m->n = cfg->n_conn;
	if (m->n > MG_XDP_MAX_CONN)
		m->n = MG_XDP_MAX_CONN;
	if (m->n)
		bpf_loop(m->n, conn_cb, m, 0);

	v = m->fwd;
	if (v < 0)
		v = cfg->conn_default;
	if (v == MG_XDP_CONN_ALLOW || v == MG_XDP_CONN_INSPECT) {
		/* ICMP is judged by type, replies by their request's rule:
		 * no tracking (an entry would let any ICMP back). */
		if (!cfg->stateless && !frag && !m->typed)
			ct_track(m, (__u32)v);
	} else if (m->rev == MG_XDP_CONN_ALLOW || m->rev == MG_XDP_CONN_INSPECT) {
		v = m->rev;
		reply = 1;
	} else if (!cfg->stateless && !frag && !m->typed &&
		   !(m->proto == IPPROTO_TCP_ &&
		     (tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN)) {
		/* A bare SYN is never an answer: a SYN flood from outside the
		 * allowlist costs no table lookup. */
		__s32 t = ct_reply(m);

		if (t == MG_XDP_CONN_ALLOW || t == MG_XDP_CONN_INSPECT) {
			v = t;
			reply = 1;
		}
	}
	if (frag && v == MG_XDP_CONN_INSPECT)
		return refuse(ctx, cfg, MG_XDP_R_FRAGMENT);
	if (v == MG_XDP_CONN_INSPECT && m->proto == IPPROTO_TCP_) {
		__u32 q = ctx->rx_queue_index;

		if (bpf_map_lookup_elem(&xsks_map, &q)) {
			count(MG_XDP_R_INSPECT_XSK);
			return bpf_redirect_map(&xsks_map, q, XDP_DROP);
		}
		switch (cfg->fallback) {
		case MG_XDP_FB_PASS:
			count(MG_XDP_R_INSPECT_PASS);
			return XDP_PASS;
		case MG_XDP_FB_DROP:
			return refuse(ctx, cfg, MG_XDP_R_INSPECT_DROP);
		default:
			count(MG_XDP_R_INSPECT_PEER);
			return to_peer(ctx);
		}
	}
	if (v == MG_XDP_CONN_ALLOW || v == MG_XDP_CONN_INSPECT) {
		count(reply ? MG_XDP_R_IP_REPLY : MG_XDP_R_IP_ALLOW);
		return to_peer(ctx);
	}
	return refuse(ctx, cfg, MG_XDP_R_IP_DENY);
}

/* Ports and TCP flags of the L4 header at l4 (first fragments only). Bounds
 * are checked against the frame end (what the verifier tracks) and against
 * avail, the bytes the IP header says the payload has. */
static __always_inline int parse_l4(void *l4, void *end, __u32 avail, struct mg_match *m,
				    __u8 *tcp_flags)
{
	if (m->proto == IPPROTO_TCP_) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > end || avail < sizeof(*th))
			return -1;
		if (th->doff < 5 || th->doff * 4u > avail)
			return -1;
		m->sport = bpf_ntohs(th->source);
		m->dport = bpf_ntohs(th->dest);
		*tcp_flags = ((__u8 *)th)[13];
		m->ports = 1;
	} else if (m->proto == IPPROTO_UDP_) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > end || avail < sizeof(*uh))
			return -1;
		m->sport = bpf_ntohs(uh->source);
		m->dport = bpf_ntohs(uh->dest);
		m->ports = 1;
	} else if (m->proto == IPPROTO_ICMP_ || m->proto == IPPROTO_ICMPV6_) {
		/* type, code, checksum: rules match the type (as the DPDK
		 * path does, mg_pkt); a reply by the rule of its request */
		__u8 *ih = l4;

		if ((void *)(ih + 4) > end || avail < 4)
			return -1;
		m->typed = 1;
		m->itype = ih[0];
		if (m->proto == IPPROTO_ICMP_) {
			if (ih[0] == 0 || ih[0] == 14 || ih[0] == 16 || ih[0] == 18) {
				m->ireq = ih[0] == 0 ? 8 : ih[0] - 1;
				m->ireq_ok = 1;
			}
		} else if (ih[0] == 129) {
			m->ireq = 128;
			m->ireq_ok = 1;
		}
	}
	return 0;
}

static __always_inline int do_ipv4(struct xdp_md *ctx, const struct mg_xdp_cfg *cfg, __u32 gen,
				   void *p, void *end)
{
	struct iphdr *ip = p;
	struct mg_match m = {};
	__u8 tcp_flags = 0;
	__u32 hl, tot;
	__u16 frag;
	int first;

	if ((void *)(ip + 1) > end)
		return refuse(ctx, cfg, MG_XDP_R_BAD_IP4);
	hl = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hl < 20 || tot < hl || p + tot > end || p + hl > end)
		return refuse(ctx, cfg, MG_XDP_R_BAD_IP4);
	m.gen = gen;
	m.proto = ip->protocol;
	m.family = 4;
	__builtin_memcpy(m.saddr, &ip->saddr, 4);
	__builtin_memcpy(m.daddr, &ip->daddr, 4);
	lookup4(gen, (const __u8 *)&ip->saddr, &m.src);
	lookup4(gen, (const __u8 *)&ip->daddr, &m.dst);
	frag = bpf_ntohs(ip->frag_off) & 0x3FFF; /* MF | offset */
	first = (frag & 0x1FFF) == 0;
	if (first && parse_l4(p + hl, end, tot - hl, &m, &tcp_flags) < 0)
		return refuse(ctx, cfg, MG_XDP_R_SHORT_L4);
	return decide_ip(ctx, cfg, &m, tcp_flags, frag != 0, first);
}

static __always_inline int do_ipv6(struct xdp_md *ctx, const struct mg_xdp_cfg *cfg, __u32 gen,
				   void *p, void *end)
{
	struct ipv6hdr *ip6 = p;
	struct mg_match m = {};
	__u8 tcp_flags = 0, nh;
	__u32 plen, used = 0; /* payload bytes, of which extension headers */
	void *l4;
	int frag = 0, first = 1;

	if ((void *)(ip6 + 1) > end)
		return refuse(ctx, cfg, MG_XDP_R_BAD_IP6);
	plen = bpf_ntohs(ip6->payload_len);
	if (ip6->version != 6 || (void *)(ip6 + 1) + plen > end)
		return refuse(ctx, cfg, MG_XDP_R_BAD_IP6);
	nh = ip6->nexthdr;
	l4 = ip6 + 1;
#pragma unroll
	for (int i = 0; i < MG_IP6_MAX_EXT; i++) {
		if (nh == IP6_FRAGMENT) {
			struct frag_hdr *fh = l4;
			__u16 off;

			if ((void *)(fh + 1) > end || used + sizeof(*fh) > plen)
				return refuse(ctx, cfg, MG_XDP_R_BAD_IP6);
			off = bpf_ntohs(fh->frag_off);
			if (off & 0xFFF9) { /* offset or M: a real fragment */
				frag = 1;
				first = (off & 0xFFF8) == 0;
			}
			nh = fh->nexthdr;
			l4 = fh + 1;
			used += sizeof(*fh);
		} else if (nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_DSTOPTS) {
			struct ipv6_opt_hdr *oh = l4;
			__u32 hl;

			if ((void *)(oh + 1) > end)
				return refuse(ctx, cfg, MG_XDP_R_BAD_IP6);
			hl = (oh->hdrlen + 1) * 8;
			if (used + hl > plen)
				return refuse(ctx, cfg, MG_XDP_R_BAD_IP6);
			nh = oh->nexthdr;
			l4 += hl;
			used += hl;
		} else {
			break;
		}
	}
	if (nh == IP6_FRAGMENT || nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_DSTOPTS)
		return refuse(ctx, cfg, MG_XDP_R_IP6_EXT);
	m.gen = gen;
	m.proto = nh;
	m.family = 6;
	__builtin_memcpy(m.saddr, &ip6->saddr, 16);
	__builtin_memcpy(m.daddr, &ip6->daddr, 16);
	lookup6(gen, (const __u8 *)&ip6->saddr, &m.src);
	lookup6(gen, (const __u8 *)&ip6->daddr, &m.dst);
	if (first && parse_l4(l4, end, plen - used, &m, &tcp_flags) < 0)
		return refuse(ctx, cfg, MG_XDP_R_SHORT_L4);
	return decide_ip(ctx, cfg, &m, tcp_flags, frag, first);
}

/* A VLAN open only to declared streams: (EtherType, VID, APPID, dst MAC),
 * then the same with any MAC. The APPID is the first payload octets of a
 * GOOSE/GSE/SV frame; other EtherTypes look up with no_appid. */
static __always_inline int l2_stream(struct xdp_md *ctx, const struct mg_xdp_cfg *cfg, __u32 gen,
				const struct ethhdr *eth, void *p, void *end, __u16 proto, __u16 vid)
{
	struct mg_xdp_l2s_key s = {};
	const __u8 *a = p;

	s.ethertype = proto;
	s.vid = vid;
	s.gen = gen;
	if (proto == 0x88B8 || proto == 0x88B9 || proto == 0x88BA) {
		if ((void *)(a + 2) > end)
			return refuse(ctx, cfg, MG_XDP_R_L2_UNKNOWN_STREAM);
		s.appid = (__u16)(a[0] << 8 | a[1]);
	} else {
		s.no_appid = 1;
	}
	__builtin_memcpy(s.mac, eth->h_dest, 6);
	if (!bpf_map_lookup_elem(&mg_l2s, &s)) {
		__builtin_memset(s.mac, 0, 6);
		s.any_mac = 1;
		if (!bpf_map_lookup_elem(&mg_l2s, &s))
			return refuse(ctx, cfg, MG_XDP_R_L2_UNKNOWN_STREAM);
	}
	count(MG_XDP_R_L2_PASS);
	return to_peer(ctx);
}

SEC("xdp")
int mg_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct mg_xdp_cfg *cfg;
	struct mg_xdp_l2_key k = {};
	struct mg_xdp_l2_row *row;
	struct ethhdr *eth = data;
	__u32 zero = 0, gen, verdict;
	__u32 *genp;
	__u16 proto, vid = MG_XDP_VID_UNTAGGED;
	void *p;

	genp = bpf_map_lookup_elem(&mg_gen, &zero);
	if (!genp)
		return XDP_DROP;
	gen = *genp & 1;
	cfg = bpf_map_lookup_elem(&mg_cfg, &gen);
	if (!cfg || !cfg->loaded) {
		count(MG_XDP_R_NO_POLICY);
		return XDP_DROP;
	}
	if ((void *)(eth + 1) > end)
		return refuse(ctx, cfg, MG_XDP_R_SHORT_ETH);
	proto = bpf_ntohs(eth->h_proto);
	p = eth + 1;
#pragma unroll
	for (int i = 0; i < MG_XDP_MAX_VLANS; i++) {
		struct mg_vlan *vh = p;

		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > end)
			return refuse(ctx, cfg, MG_XDP_R_SHORT_VLAN);
		if (i == 0)
			vid = bpf_ntohs(vh->tci) & 0x0FFF;
		proto = bpf_ntohs(vh->proto);
		p = vh + 1;
	}
	if (proto == ETH_P_8021Q_ || proto == ETH_P_8021AD)
		return refuse(ctx, cfg, MG_XDP_R_VLAN_DEPTH);

	k.ethertype = proto;
	k.gen = gen;
	row = bpf_map_lookup_elem(&mg_l2, &k);
	if (!row) {
		verdict = cfg->l2_default;
	} else if (vid == MG_XDP_VID_UNTAGGED) {
		verdict = row->untagged;
	} else {
		__u32 w = (vid >> 6) & 63, b = vid & 63;

		verdict = MG_XDP_L2_DROP;
		if ((row->vid[w] >> b) & 1)
			verdict = (row->stream[w] >> b) & 1 ? MG_XDP_L2_STREAM : row->verdict;
	}
	if (verdict == MG_XDP_L2_STREAM)
		return l2_stream(ctx, cfg, gen, eth, p, end, proto, vid);

	if (verdict == MG_XDP_L2_PASS) {
		count(MG_XDP_R_L2_PASS);
		return to_peer(ctx);
	}
	if (verdict == MG_XDP_L2_IP) {
		if (proto == ETH_P_IP_)
			return do_ipv4(ctx, cfg, gen, p, end);
		if (proto == ETH_P_IPV6_)
			return do_ipv6(ctx, cfg, gen, p, end);
	}
	return refuse(ctx, cfg, MG_XDP_R_L2_DROP);
}
