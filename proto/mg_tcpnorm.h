/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP/IP normalisation for inspected (TCP/102) connections, DPDK-free so
 * that the daemon and `mmsgatectl replay` make the same decisions. Its job:
 * the byte stream the receiver accepts is exactly the byte stream the gate
 * inspected. Per connection it owns, for each direction (= each sending
 * end), what a conforming receiver knows about that end: the ISN and the
 * SYN options (MSS, window scale, SACK-permitted, timestamps), the highest
 * sequence number sent, the highest ACK and window right edge announced,
 * the newest timestamp kept for PAWS, the TTL of the SYN — and a record of
 * the bytes this end sent that its peer has not acknowledged yet.
 *
 * mg_tcpn_segment() refuses, each under its own reason, what a receiver
 * would discard or what could make receiver and gate see different bytes:
 * bad IPv4 header or TCP checksum (IPv4 and IPv6 pseudo headers), IP
 * options / IPv6 extension headers, a TTL below the handshake's, malformed
 * TCP options, impossible flag sets, urgent data, payload on SYN or RST,
 * no ACK after the handshake, ACK of data never sent, PAWS-stale
 * timestamps, data outside the receive window or over the receiver's MSS,
 * RST outside the window — and, through the record, a retransmission whose
 * bytes differ from bytes already seen (tcp_conflicting_retransmission).
 * Bytes the receiver already acknowledged are never compared (keepalives
 * at snd_una-1), and a one-byte zero-window probe passes.
 *
 * The record is a ring of `rec_size` bytes (a power of two) plus a presence
 * bitmap, taken from the caller's buffer provider only while unacknowledged
 * bytes exist: bytes [base, base + rec_size) of the sequence space, where
 * base is the receiver's ACK. A segment reaching past it is refused
 * (tcp_unacked_over_bound); the sender retransmits once the ACKs catch up.
 *
 * Without a handshake (a capture picked up mid-connection) only the
 * stateless checks and the record apply. All sequence arithmetic is
 * modulo 2^32.
 */
#ifndef MG_TCPNORM_H
#define MG_TCPNORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_pkt.h"
#include "mg_status.h"

#define MG_TCP_URG 0x20

/* Checksum knowledge from the NIC (rx offload); 0 = verify in software. */
enum {
	MG_TCPN_IP_CSUM_GOOD = 1u << 0,
	MG_TCPN_IP_CSUM_BAD = 1u << 1,
	MG_TCPN_L4_CSUM_GOOD = 1u << 2,
	MG_TCPN_L4_CSUM_BAD = 1u << 3,
};

struct mg_tcpn_cfg {
	uint32_t rec_size; /* record ring bytes (power of two); 0 = default */
	/* mg_tcpn_buf_bytes(rec_size) bytes or NULL, the bitmap part
	 * (after the first rec_size bytes) zeroed: a buffer goes back with it
	 * zeroed, so only a fresh buffer needs zeroing. NULL provider = calloc. */
	void *(*buf_get)(void *ud);
	void (*buf_put)(void *ud, void *buf);
	void *buf_ud;
	/* A capture taken on one of the talking hosts: checksum and
	 * segmentation offload leave unfinished checksums and segments over
	 * the MSS that never were on the wire; those two checks are skipped. */
	bool host_capture;
};
#define MG_TCPN_DEFAULT_REC 65536u
/* Bytes a buffer from the provider must have for a given ring size. */
static inline size_t mg_tcpn_buf_bytes(uint32_t rec_size)
{
	return (size_t)rec_size + rec_size / 8;
}

/* What a receiver knows about one sending end. */
struct mg_tcpn_dir {
	uint32_t isn;
	uint32_t snd_max;   /* one past the highest sequence number sent (SYN/FIN count) */
	uint32_t ack;       /* highest ACK this end sent */
	uint32_t right;     /* highest right window edge this end announced */
	uint32_t last_win;  /* the window of its latest ACK (scaled) */
	uint32_t ts_recent; /* newest TSval of this end its peer keeps (PAWS) */
	uint16_t mss;       /* MSS this end announced, 0 = none */
	uint8_t wscale;     /* window shift this end announced */
	uint8_t ttl;        /* TTL / hop limit: the highest of its SYNs */
	uint8_t syn : 1, ack_seen : 1, sent : 1, opt_ws : 1, opt_ts : 1, opt_sack : 1, ts_seen : 1,
	    rec_init : 1;
	/* Record of this end's bytes not yet acknowledged by the peer. */
	uint32_t rec_base; /* bytes before it are acknowledged (not kept) */
	uint32_t rec_have; /* bytes present in the ring */
	uint8_t *rec;      /* ring + bitmap, NULL while empty */
};

struct mg_tcpn {
	struct mg_tcpn_dir d[2]; /* index = direction of the sender (enum mg_dir) */
	bool hs;                 /* both SYNs seen: stateful checks apply */
	bool ws, ts, sack;       /* negotiated in the handshake */
};

/* Counters a caller may keep (replay prints them; the daemon sums them). */
struct mg_tcpn_stats {
	uint64_t retrans_same; /* segments whose recorded bytes all matched */
	uint64_t acked_bytes;  /* bytes seen again after their ACK (not compared) */
};

void mg_tcpn_init(struct mg_tcpn *n);
/* Return both rings to the provider. */
void mg_tcpn_release(const struct mg_tcpn_cfg *cfg, struct mg_tcpn *n);

/*
 * Normalise one TCP segment of direction dir (frame = the whole frame,
 * pk = its mg_pkt_parse result; an unfragmented TCP segment). Returns
 * MG_R_NONE when the segment may be inspected and forwarded — its payload
 * bytes are then in the record and the connection state has moved — or
 * the reason it must be dropped (nothing changed). csum: MG_TCPN_* flags.
 */
enum mg_reason mg_tcpn_segment(const struct mg_tcpn_cfg *cfg, struct mg_tcpn *n, uint8_t dir,
                               const uint8_t *frame, const struct mg_pkt *pk, unsigned csum,
                               struct mg_tcpn_stats *st);

/* Internet checksum helpers (exposed for tests and the RST builder). */
uint32_t mg_tcpn_sum(const uint8_t *p, size_t len, uint32_t acc);
uint16_t mg_tcpn_fold(uint32_t acc);
/* true when the IPv4 header / TCP segment checksum verifies. */
bool mg_tcpn_ip4_csum_ok(const uint8_t *ip, size_t ihl);
bool mg_tcpn_tcp_csum_ok(const uint8_t *frame, const struct mg_pkt *pk);

/* Parsed TCP options. */
struct mg_tcpn_opts {
	uint16_t mss;
	uint8_t wscale;
	bool has_mss, has_ws, sack_ok, has_ts;
	uint32_t tsval, tsecr;
};
/* Parse the options in p[0..len); MG_MALFORMED on a bad length. */
enum mg_status mg_tcpn_opts_parse(const uint8_t *p, size_t len, struct mg_tcpn_opts *o);

/* mg_seq_lt / mg_seq_le */
#include "mg_seq.h"

#endif
