/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection tracking, one table per worker (rte_hash + a flat array of
 * flow entries indexed by the hash position; no sharing, no locks). Keys
 * are canonical (lower address/port first) so both directions of a flow
 * find the same entry; RSS/dispatch guarantees both land on this worker.
 *
 * TCP: a SYN from a client the policy allows towards an allowed server
 * opens an entry (mg_policy_conn, computed once and kept: the peer's set
 * memberships); SYN-ACK and the final ACK move it to established; anything
 * else without an entry is dropped. FIN/RST close, timeouts expire.
 *
 * Bounded table, eviction policy: embryonic entries (SYN seen, handshake
 * not completed; UDP flows without a reply) are kept on an LRU list and are
 * the only ones evicted when the table is full — oldest first. Established
 * associations are never evicted to make room, so a SYN flood can only
 * churn embryonic entries; when no embryonic entry is left a new SYN is
 * dropped (flow_table_full).
 *
 * The L3/L4 handlers (mg_dp_ip_handle) decide and return the frame's
 * outcome (struct mg_out); the action point (action.c) carries it out.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "mg_dp.h"

static uint64_t to_syn, to_est, to_close, to_udp;

int mg_flows_init(struct mg_lcore *lc, char *err, size_t errlen)
{
	char name[32];
	struct mg_flows *fl = &lc->flows;
	uint32_t entries = RTE_MAX(mg_dp_cfg.max_flows, 64u);

	snprintf(name, sizeof(name), "mgflows%u", lc->wid);
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(struct mg_flow_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = (int)rte_lcore_to_socket_id(lc->lcore_id),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	fl->h = rte_hash_create(&hp);
	if (fl->h == NULL) {
		snprintf(err, errlen, "cannot create flow table of %u entries: %s", entries,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	fl->max = entries;
	fl->tab = rte_zmalloc_socket("mgflowtab", (size_t)(entries + 1) * sizeof(struct mg_flow),
				     RTE_CACHE_LINE_SIZE, hp.socket_id);
	if (fl->tab == NULL) {
		snprintf(err, errlen, "cannot allocate %u flow entries (%zu bytes each): add -m",
			 entries, sizeof(struct mg_flow));
		return -ENOMEM;
	}
	fl->lru_head = fl->lru_tail = MG_FLOW_NONE;
	to_syn = mg_dp_hz * mg_dp_cfg.syn_timeout_s;
	to_est = mg_dp_hz * mg_dp_cfg.tcp_timeout_s;
	to_close = mg_dp_hz * mg_dp_cfg.close_timeout_s;
	to_udp = mg_dp_hz * mg_dp_cfg.udp_timeout_s;
	return 0;
}

void mg_flows_free(struct mg_lcore *lc)
{
	struct mg_flows *fl = &lc->flows;

	if (fl->tab != NULL) {
		for (uint32_t i = 0; i <= fl->max; i++)
			if (fl->tab[i].state != MG_FS_FREE)
				mg_flows_delete(lc, &fl->tab[i]);
	}
	rte_free(fl->tab);
	fl->tab = NULL;
	rte_hash_free(fl->h);
	fl->h = NULL;
}

struct mg_flow *mg_flows_lookup(struct mg_lcore *lc, const struct mg_flow_key *k)
{
	int32_t pos = rte_hash_lookup(lc->flows.h, k);

	if (pos < 0)
		return NULL;
	return &lc->flows.tab[pos];
}

static void lru_unlink(struct mg_flows *fl, struct mg_flow *f)
{
	if (!f->embryonic)
		return;
	if (f->lru_prev != MG_FLOW_NONE)
		fl->tab[f->lru_prev].lru_next = f->lru_next;
	else
		fl->lru_head = f->lru_next;
	if (f->lru_next != MG_FLOW_NONE)
		fl->tab[f->lru_next].lru_prev = f->lru_prev;
	else
		fl->lru_tail = f->lru_prev;
	f->embryonic = 0;
}

static void lru_append(struct mg_flows *fl, struct mg_flow *f)
{
	f->lru_next = MG_FLOW_NONE;
	f->lru_prev = fl->lru_tail;
	if (fl->lru_tail != MG_FLOW_NONE)
		fl->tab[fl->lru_tail].lru_next = f->idx;
	else
		fl->lru_head = f->idx;
	fl->lru_tail = f->idx;
	f->embryonic = 1;
}

void mg_flows_delete(struct mg_lcore *lc, struct mg_flow *f)
{
	struct mg_flows *fl = &lc->flows;

	if (f->state == MG_FS_FREE)
		return;
	mg_dp_act_drop_held(lc, f, MG_DPD_HELD_AT_CLOSE);
	if (f->kind == MG_CONN_INSPECT) {
		mg_engine_conn_release(&lc->eng, &f->eng);
		mg_tcpn_release(&lc->tncfg, &f->tn);
	}
	mg_dp_sa_free(lc, f);
	lru_unlink(fl, f);
	rte_hash_del_key(fl->h, &f->key);
	f->state = MG_FS_FREE;
	fl->n--;
	lc->ctr->flows_closed++;
	lc->ctr->flows_active--;
}

static bool evict_one(struct mg_lcore *lc)
{
	struct mg_flows *fl = &lc->flows;

	if (fl->lru_head == MG_FLOW_NONE)
		return false;
	mg_flows_delete(lc, &fl->tab[fl->lru_head]);
	lc->ctr->flows_evicted++;
	return true;
}

struct mg_flow *mg_flows_create(struct mg_lcore *lc, const struct mg_flow_key *k)
{
	struct mg_flows *fl = &lc->flows;
	int32_t pos;

	if (fl->n >= fl->max && !evict_one(lc))
		return NULL;
	pos = rte_hash_add_key(fl->h, k);
	if (pos == -ENOSPC && evict_one(lc))
		pos = rte_hash_add_key(fl->h, k);
	if (pos < 0 || (uint32_t)pos > fl->max)
		return NULL;
	struct mg_flow *f = &fl->tab[pos];
	memset(f, 0, offsetof(struct mg_flow, eng));
	f->key = *k;
	f->idx = (uint32_t)pos;
	f->t_created = f->t_last = lc->now;
	f->state = MG_FS_SYN_SENT;
	lru_append(fl, f);
	fl->n++;
	lc->ctr->flows_opened++;
	lc->ctr->flows_active++;
	return f;
}

void mg_flows_expire(struct mg_lcore *lc, unsigned budget)
{
	struct mg_flows *fl = &lc->flows;

	for (unsigned i = 0; i < budget; i++) {
		struct mg_flow *f = &fl->tab[fl->sweep];
		fl->sweep = fl->sweep >= fl->max ? 0 : fl->sweep + 1;
		if (f->state == MG_FS_FREE)
			continue;
		uint64_t to;
		switch (f->state) {
		case MG_FS_SYN_SENT:
		case MG_FS_SYN_RCVD: to = to_syn; break;
		case MG_FS_ESTABLISHED:
			to = f->key.proto == IPPROTO_TCP ? to_est : to_udp;
			break;
		default: to = to_close; break;
		}
		if (lc->now - f->t_last > to) {
			mg_flows_delete(lc, f);
			lc->ctr->flows_expired++;
		}
	}
}

/* ---- the L3/L4 path ------------------------------------------------------ */

static void pk_addrs(const struct mg_pkt *pk, struct mg_addr *src, struct mg_addr *dst)
{
	size_t alen = pk->ip_ver == 6 ? 16 : 4;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->ver = dst->ver = pk->ip_ver;
	memcpy(src->a, pk->src, alen);
	memcpy(dst->a, pk->dst, alen);
}

/* What the NIC verified (rx checksum offload), as mg_tcpn flags; nothing
 * when the port does not say (virtual devices): checked in software. */
static inline unsigned rx_csum(const struct rte_mbuf *m)
{
	unsigned cs = 0;

	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
	case RTE_MBUF_F_RX_IP_CKSUM_NONE: cs |= MG_TCPN_IP_CSUM_GOOD; break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD: cs |= MG_TCPN_IP_CSUM_BAD; break;
	default: break;
	}
	switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
	case RTE_MBUF_F_RX_L4_CKSUM_NONE: cs |= MG_TCPN_L4_CSUM_GOOD; break;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD: cs |= MG_TCPN_L4_CSUM_BAD; break;
	default: break;
	}
	return cs;
}

/*
 * Normalise a segment of an inspected association before anything else
 * looks at it (proto/tcpnorm.c, the same code as `mmsgatectl replay`).
 * A refused segment is dropped in every mode, monitor included: the gate
 * could not judge what the receiver would make of it. Counted under its
 * own reason; an event when the flow exists.
 */
static struct mg_out normalise(struct mg_lcore *lc, struct mg_frame *fr, struct mg_tcpn *tn,
			       const struct mg_flow *f, unsigned dir)
{
	const struct mg_pkt *pk = &fr->pk;
	struct mg_pkt tpk;

	/* A translated flow (translate.c): the ack the normaliser judges is
	 * in the receiver's space, which counts injected bytes and not cut
	 * ones; the normaliser knows only what each sender sent. */
	if (f != NULL && f->sa != 0 && (pk->tcp_flags & MG_TCP_ACK)) {
		tpk = *pk;
		tpk.ack = mg_seqadj_back(mg_dp_sa(lc, f), (uint8_t)(dir ^ 1), pk->ack);
		pk = &tpk;
	}
	enum mg_reason why = mg_tcpn_segment(&lc->tncfg, tn, (uint8_t)dir,
					     rte_pktmbuf_mtod(fr->m, const uint8_t *), pk,
					     rx_csum(fr->m), NULL);

	if (likely(why == MG_R_NONE))
		return MG_OUT_FWD;
	lc->ctr->reason[why]++;
	if (f != NULL)
		mg_dp_event_anomaly(lc, f, why);
	return MG_OUT_DROPPED(MG_DPD_TCP_NORMALISE);
}

/*
 * A TCP fragment (IPv4, or IPv6 with a fragment header: an RFC 6946 atomic
 * fragment too, which Linux takes as a whole packet — refused all the same,
 * so gate and receiver never disagree about what it carried). Dropped as
 * `ip_fragment`, counted under the normaliser's `tcp_fragment` as well (the
 * name `mmsgatectl replay` gives it) and, when it is a first fragment of an
 * inspected association, evented there: a non-first one has no ports. With
 * several workers, fragments are dispatched (RSS, dispatch.c) by addresses
 * only and may miss the association's worker: counted, not evented.
 */
static struct mg_out tcp_fragment(struct mg_lcore *lc, const struct mg_pkt *pk)
{
	lc->ctr->reason[MG_R_TCPN_FRAGMENT]++;
	if (pk->frag_first) {
		struct mg_flow_key k;
		bool src_is_a;

		mg_flows_key(&k, pk, &src_is_a);
		const struct mg_flow *f = mg_flows_lookup(lc, &k);
		if (f != NULL && f->kind == MG_CONN_INSPECT)
			mg_dp_event_anomaly(lc, f, MG_R_TCPN_FRAGMENT);
	}
	return MG_OUT_DROPPED(MG_DPD_IP_FRAGMENT);
}

static struct mg_out tcp_handle(struct mg_lcore *lc, struct mg_frame *fr)
{
	const struct mg_pkt *pk = &fr->pk;
	unsigned side = fr->side;
	struct mg_flow_key k;
	bool src_is_a;
	uint8_t fl = pk->tcp_flags;
	struct mg_flow *f;

	mg_flows_key(&k, pk, &src_is_a);
	f = mg_flows_lookup(lc, &k);
	/* A new SYN on a finished 5-tuple (TIME_WAIT reuse) starts over. */
	if (f != NULL && (fl & (MG_TCP_SYN | MG_TCP_ACK)) == MG_TCP_SYN &&
	    f->state >= MG_FS_CLOSING && f->d[MG_DIR_C2S].isn != pk->seq) {
		mg_flows_delete(lc, f);
		f = NULL;
	}
	if (f == NULL) {
		struct mg_addr src, dst;
		struct mg_policy_peer peer;
		uint32_t line = 0;

		if ((fl & (MG_TCP_SYN | MG_TCP_ACK | MG_TCP_RST | MG_TCP_FIN)) != MG_TCP_SYN)
			return MG_OUT_DENIED(MG_DPD_NO_FLOW);
		if (pk->payload_len != 0)
			return MG_OUT_DENIED(MG_DPD_TCP_SYN_DATA);
		pk_addrs(pk, &src, &dst);
		memset(&peer, 0, sizeof(peer));
		enum mg_conn_verdict v = mg_policy_conn(lc->pol->p, &src, &dst, IPPROTO_TCP,
							pk->sport, pk->dport, &peer, &line);
		struct mg_out out = MG_OUT_FWD;
		if (v == MG_CONN_DENY) {
			/* The action point forwards it in monitor mode; then track
			 * the connection anyway, so that its MMS is still inspected
			 * and recorded (what the policy would have done, shown). */
			out = MG_OUT_DENIED(MG_DPD_CONN_DENIED);
			if (!lc->monitor)
				return out;
			v = pk->dport == MG_DP_TCP_MMS_PORT ? MG_CONN_INSPECT : MG_CONN_ALLOW;
		}
		/* The SYN of an inspected association: its options start the
		 * normaliser's state; a SYN it refuses opens nothing. */
		struct mg_tcpn tn;
		mg_tcpn_init(&tn);
		if (v == MG_CONN_INSPECT) {
			struct mg_out no = normalise(lc, fr, &tn, NULL, MG_DIR_C2S);
			if (no.kind != MG_OUT_FORWARD)
				return no;
		}
		f = mg_flows_create(lc, &k);
		if (f == NULL)
			return MG_OUT_DENIED(MG_DPD_FLOW_TABLE_FULL);
		f->tn = tn;
		f->kind = (uint8_t)v;
		f->client_is_a = src_is_a;
		f->client_side = (uint8_t)side;
		f->peer = peer;
		f->rule_line = line;
		f->gen = lc->pol->gen;
		f->d[MG_DIR_C2S].isn = pk->seq;
		f->d[MG_DIR_C2S].isn_known = true;
		if (v == MG_CONN_INSPECT) {
			mg_engine_conn_init(&f->eng);
			/* named variable lists are kept per IED (the server) */
			mg_engine_conn_bind(&lc->eng, &f->eng, pk->ip_ver, pk->dst);
		}
		return out;
	}

	unsigned dir = src_is_a == (bool)f->client_is_a ? MG_DIR_C2S : MG_DIR_S2C;
	/* The client's frames come in on the client's side and only there. */
	if ((dir == MG_DIR_C2S) != (side == f->client_side))
		return MG_OUT_DENIED(MG_DPD_TCP_BAD_STATE);
	f->t_last = lc->now;
	/* The action point needs the flow of every frame of a translated
	 * flow (RST and FIN included). */
	fr->f = f;
	fr->dir = (uint8_t)dir;
	if (f->kind == MG_CONN_INSPECT && f->state != MG_FS_CLOSED) {
		struct mg_out no = normalise(lc, fr, &f->tn, f, dir);
		if (no.kind != MG_OUT_FORWARD)
			return no;
		/* A window over what the normaliser keeps for the other
		 * direction: from now on it is clamped on its way (action.c). */
		if (unlikely(((uint32_t)pk->win << (f->tn.ws ? f->tn.d[dir].wscale : 0)) >
			     lc->tncfg.rec_size) &&
		    (fl & (MG_TCP_ACK | MG_TCP_SYN)) == MG_TCP_ACK)
			f->clamp |= (uint8_t)(1u << (dir ^ 1));
	}
	bool est;
	switch (mg_flow_tcp_step(f, dir, pk, &est)) {
	case MG_TS_PASS: break;
	case MG_TS_FORWARD: return MG_OUT_FWD;
	case MG_TS_RESET:
		/* Held bytes of either direction can never be delivered now. */
		mg_dp_act_drop_held(lc, f, MG_DPD_HELD_AT_CLOSE);
		lru_unlink(&lc->flows, f);
		return MG_OUT_FWD;
	case MG_TS_NOT_ESTABLISHED: return MG_OUT_DENIED(MG_DPD_TCP_DATA_BEFORE_EST);
	case MG_TS_CLOSED: return MG_OUT_DENIED(MG_DPD_FLOW_CLOSED);
	case MG_TS_BAD_STATE:
	default: return MG_OUT_DENIED(MG_DPD_TCP_BAD_STATE);
	}
	if (est)
		lru_unlink(&lc->flows, f);
	if (f->kind != MG_CONN_INSPECT)
		return MG_OUT_FWD;
	fr->f = f;
	fr->dir = (uint8_t)dir;
	return mg_hold_segment(lc, fr);
}

static struct mg_out udp_handle(struct mg_lcore *lc, struct mg_frame *fr)
{
	const struct mg_pkt *pk = &fr->pk;
	unsigned side = fr->side;
	struct mg_flow_key k;
	bool src_is_a;
	struct mg_flow *f;

	mg_flows_key(&k, pk, &src_is_a);
	f = mg_flows_lookup(lc, &k);
	if (f == NULL) {
		struct mg_addr src, dst;
		struct mg_policy_peer peer;
		uint32_t line = 0;

		pk_addrs(pk, &src, &dst);
		if (mg_policy_conn(lc->pol->p, &src, &dst, IPPROTO_UDP, pk->sport, pk->dport, &peer,
				   &line) == MG_CONN_DENY)
			return MG_OUT_DENIED(MG_DPD_CONN_DENIED);
		f = mg_flows_create(lc, &k);
		if (f == NULL)
			return MG_OUT_DENIED(MG_DPD_FLOW_TABLE_FULL);
		f->kind = MG_CONN_ALLOW;
		f->client_is_a = src_is_a;
		f->client_side = (uint8_t)side;
		f->rule_line = line;
		f->state = MG_FS_ESTABLISHED; /* but evictable until a reply is seen */
		return MG_OUT_FWD;
	}
	unsigned dir = src_is_a == (bool)f->client_is_a ? MG_DIR_C2S : MG_DIR_S2C;
	if ((dir == MG_DIR_C2S) != (side == f->client_side))
		return MG_OUT_DENIED(MG_DPD_TCP_BAD_STATE);
	if (dir == MG_DIR_S2C && f->embryonic)
		lru_unlink(&lc->flows, f);
	f->t_last = lc->now;
	return MG_OUT_FWD;
}

struct mg_out mg_dp_ip_handle(struct mg_lcore *lc, struct mg_frame *fr)
{
	const struct mg_pkt *pk = &fr->pk;

	if (unlikely(pk->frag)) {
		/* TCP fragments are refused whatever `fragments allow` says, in
		 * every mode: a non-first fragment has no ports (it may be
		 * TCP/102), conforming stacks do not fragment TCP (path MTU
		 * discovery), and a second reassembler is a second opinion on
		 * overlaps. `mmsgatectl replay` refuses them the same way. */
		if (pk->ip_proto == IPPROTO_TCP)
			return tcp_fragment(lc, pk);
		/* A non-first fragment has no ports: it may belong to TCP/102. */
		bool to102 = pk->ip_proto == IPPROTO_TCP &&
			     (!pk->frag_first || pk->dport == MG_DP_TCP_MMS_PORT ||
			      pk->sport == MG_DP_TCP_MMS_PORT);
		if ((to102 || !pk->frag_first) && !mg_policy_allow_fragments(lc->pol->p))
			return MG_OUT_DENIED(MG_DPD_IP_FRAGMENT);
		if (!pk->frag_first)
			return MG_OUT_FWD;
	}
	switch (pk->ip_proto) {
	case IPPROTO_TCP:
		return tcp_handle(lc, fr);
	case IPPROTO_UDP:
		return udp_handle(lc, fr);
	default: {
		struct mg_addr src, dst;
		struct mg_policy_peer peer;
		uint32_t line = 0;

		pk_addrs(pk, &src, &dst);
		/* ICMP: the policy matches the type (decoded once in mg_pkt),
		 * passed as dport; a reply (echo reply…) passes when its request
		 * would pass the other way. */
		uint16_t type = pk->has_icmp ? pk->icmp_type : 0;
		if (mg_policy_conn(lc->pol->p, &src, &dst, pk->ip_proto, 0, type, &peer, &line) !=
		    MG_CONN_DENY)
			return MG_OUT_FWD;
		int req = pk->has_icmp ? mg_pkt_icmp_request_of(pk->ip_proto, pk->icmp_type) : -1;
		if (req >= 0 && mg_policy_conn(lc->pol->p, &dst, &src, pk->ip_proto, 0,
					       (uint16_t)req, &peer, &line) != MG_CONN_DENY)
			return MG_OUT_FWD;
		return MG_OUT_DENIED(MG_DPD_CONN_DENIED);
	}
	}
}
