/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From a compiled policy's flat export to the XDP program's maps. Prefixes
 * are deduplicated and each one is given the union of the sets of every
 * prefix covering it (found by probing its ancestors in a hash table, so
 * the cost is O(n * prefix length), not O(n^2)); a longest-prefix match in
 * the kernel then carries all memberships of the address. The L2 table is
 * expanded per (EtherType, outer VID) with first-match semantics and
 * compressed to one wildcard entry when all VIDs agree. Everything is written
 * into the idle generation, which is then made active with one store.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mg_policy.h"
#include "mg_xdp.h"

#define MG_SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(MG_SAME(MG_XDP_L2_DROP, MG_L2_DROP) && MG_SAME(MG_XDP_L2_PASS, MG_L2_PASS) &&
		       MG_SAME(MG_XDP_L2_STREAM, MG_L2_STREAM) &&
		       MG_SAME(MG_XDP_L2_IP, MG_L2_IP),
	       "L2 verdicts");
_Static_assert(MG_SAME(MG_XDP_CONN_DENY, MG_CONN_DENY) && MG_SAME(MG_XDP_CONN_ALLOW, MG_CONN_ALLOW) &&
		       MG_SAME(MG_XDP_CONN_INSPECT, MG_CONN_INSPECT),
	       "conn verdicts");
_Static_assert(MG_SAME(MG_XDP_ENFORCE, MG_MODE_ENFORCE) && MG_SAME(MG_XDP_MONITOR, MG_MODE_MONITOR),
	       "modes");
_Static_assert(sizeof(struct mg_setmask) == sizeof(struct mg_xdp_setmask), "set masks");
_Static_assert(MG_XDP_VID_UNTAGGED == MG_VID_UNTAGGED, "untagged VID");

#define MG_XDP_R_NAME(sym, name) name,
static const char *const reason_names[MG_XDP_R_MAX] = {MG_XDP_REASONS(MG_XDP_R_NAME)};
#undef MG_XDP_R_NAME

const char *mg_xdp_reason_str(unsigned reason)
{
	return reason < MG_XDP_R_MAX ? reason_names[reason] : "unknown";
}

static const char *const fallback_names[] = {"peer", "pass", "drop"};

const char *mg_xdp_fallback_str(uint8_t fb)
{
	return fb < 3 ? fallback_names[fb] : "unknown";
}

const char *mg_xdp_enforcement_str(uint8_t fb)
{
	switch (fb) {
	case MG_XDP_FB_PEER:
		return "enforced in XDP: L2 pass list, IP allowlist, TCP/102 association allowlist\n"
		       "NOT enforced: MMS services and objects — without an AF_XDP consumer, allowed\n"
		       "  TCP/102 is forwarded uninspected (--no-xsk peer)\n";
	case MG_XDP_FB_PASS:
		return "enforced in XDP: L2 pass list, IP allowlist, TCP/102 association allowlist\n"
		       "NOT enforced here: MMS services and objects — without an AF_XDP consumer,\n"
		       "  allowed TCP/102 goes to the kernel stack (--no-xsk pass)\n";
	default:
		return "enforced in XDP: L2 pass list, IP allowlist, TCP/102 association allowlist\n"
		       "MMS services and objects: inspected only by an AF_XDP consumer (mmsgate on\n"
		       "  net_af_xdp); without one, TCP/102 needing inspection is dropped (--no-xsk drop)\n";
	}
}

int mg_xdp_fallback_parse(const char *s, uint8_t *fb)
{
	for (uint8_t i = 0; i < 3; i++) {
		if (strcmp(s, fallback_names[i]) == 0) {
			*fb = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- prefixes ---------------------------------------------------------- */

struct pent {
	uint8_t used, ver, plen;
	uint8_t a[16];
	struct mg_xdp_setmask own, all;
};

struct ptab {
	struct pent *v;
	size_t cap, n;
};

static void addr_mask(uint8_t *dst, const uint8_t *src, unsigned alen, unsigned plen)
{
	for (unsigned i = 0; i < alen; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;

		dst[i] = bits >= 8 ? src[i] : bits == 0 ? 0 : (uint8_t)(src[i] & (0xFF00u >> bits));
	}
	for (unsigned i = alen; i < 16; i++)
		dst[i] = 0;
}

static uint64_t ptab_hash(uint8_t ver, uint8_t plen, const uint8_t *a)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)ver << 8 | plen);

	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

/* The entry for (ver, plen, a) or the empty slot where it belongs. */
static struct pent *ptab_slot(struct ptab *t, uint8_t ver, uint8_t plen, const uint8_t *a)
{
	size_t i = ptab_hash(ver, plen, a) & (t->cap - 1);

	for (;;) {
		struct pent *e = &t->v[i];

		if (!e->used || (e->ver == ver && e->plen == plen && memcmp(e->a, a, 16) == 0))
			return e;
		i = (i + 1) & (t->cap - 1);
	}
}

static int ptab_build(struct ptab *t, const struct mg_policy_export *e)
{
	size_t cap = 16;

	while (cap < 2 * e->n_prefix + 2)
		cap <<= 1;
	t->v = calloc(cap, sizeof(*t->v));
	if (!t->v)
		return -ENOMEM;
	t->cap = cap;
	t->n = 0;
	for (size_t i = 0; i < e->n_prefix; i++) {
		const struct mg_pol_prefix *pp = &e->prefix[i];
		unsigned alen = pp->addr.ver == 4 ? 4 : 16;
		uint8_t a[16];
		struct pent *s;

		if ((pp->addr.ver != 4 && pp->addr.ver != 6) || pp->plen > alen * 8 ||
		    pp->set_index >= MG_XDP_SET_WORDS * 64)
			return -EINVAL;
		addr_mask(a, pp->addr.a, alen, pp->plen);
		s = ptab_slot(t, pp->addr.ver, pp->plen, a);
		if (!s->used) {
			s->used = 1;
			s->ver = pp->addr.ver;
			s->plen = pp->plen;
			memcpy(s->a, a, 16);
			t->n++;
		}
		s->own.w[pp->set_index / 64] |= 1ull << (pp->set_index % 64);
	}
	/* Union over the covering prefixes: probe every shorter ancestor. */
	for (size_t i = 0; i < t->cap; i++) {
		struct pent *s = &t->v[i];
		unsigned alen;

		if (!s->used)
			continue;
		alen = s->ver == 4 ? 4 : 16;
		s->all = s->own;
		for (unsigned l = 0; l < s->plen; l++) {
			uint8_t a[16];
			struct pent *anc;

			addr_mask(a, s->a, alen, l);
			anc = ptab_slot(t, s->ver, (uint8_t)l, a);
			if (!anc->used)
				continue;
			for (int w = 0; w < MG_XDP_SET_WORDS; w++)
				s->all.w[w] |= anc->own.w[w];
		}
	}
	return 0;
}

/* ---- generic helpers ----------------------------------------------------- */

/* Delete every key of generation gen; gen_of extracts it from a key. */
static int purge_gen(int fd, size_t key_size, uint32_t gen, uint32_t (*gen_of)(const void *))
{
	size_t cap = 256, n = 0;
	uint8_t *keys = malloc(cap * key_size), *prev = NULL;
	uint8_t next[64];
	int err = 0;

	if (!keys)
		return -ENOMEM;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (gen_of(next) == gen) {
			if (n == cap) {
				uint8_t *nk = realloc(keys, 2 * cap * key_size);

				if (!nk) {
					err = -ENOMEM;
					goto out;
				}
				keys = nk;
				cap *= 2;
			}
			memcpy(keys + n * key_size, next, key_size);
			n++;
		}
		/* next is reused as the cursor: copy it out first. */
		if (!prev)
			prev = malloc(key_size);
		if (!prev) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(prev, next, key_size);
	}
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT) {
			err = -errno;
			goto out;
		}
	}
out:
	free(prev);
	free(keys);
	return err;
}

static uint32_t lpm4_gen(const void *k)
{
	return ((const struct mg_xdp_lpm4_key *)k)->data[0];
}
static uint32_t lpm6_gen(const void *k)
{
	return ((const struct mg_xdp_lpm6_key *)k)->data[0];
}
static uint32_t l2_gen(const void *k)
{
	return ((const struct mg_xdp_l2_key *)k)->gen;
}
static uint32_t l2s_gen(const void *k)
{
	return ((const struct mg_xdp_l2s_key *)k)->gen;
}

/* ---- fill one generation ------------------------------------------------- */

static int write_prefixes(const struct mg_xdp_maps *m, const struct ptab *t, uint32_t gen,
			  struct mg_xdp_fill_stats *st)
{
	size_t n4 = 0, n6 = 0;

	for (size_t i = 0; i < t->cap; i++) {
		const struct pent *s = &t->v[i];

		if (!s->used)
			continue;
		if (s->ver == 4) {
			struct mg_xdp_lpm4_key k;

			if (++n4 > MG_XDP_MAX_PREFIX)
				return -E2BIG;
			memset(&k, 0, sizeof(k));
			k.prefixlen = 8 + s->plen;
			k.data[0] = (uint8_t)gen;
			memcpy(&k.data[1], s->a, 4);
			if (bpf_map_update_elem(m->lpm4, &k, &s->all, BPF_ANY))
				return -errno;
		} else {
			struct mg_xdp_lpm6_key k;

			if (++n6 > MG_XDP_MAX_PREFIX)
				return -E2BIG;
			memset(&k, 0, sizeof(k));
			k.prefixlen = 8 + s->plen;
			k.data[0] = (uint8_t)gen;
			memcpy(&k.data[1], s->a, 16);
			if (bpf_map_update_elem(m->lpm6, &k, &s->all, BPF_ANY))
				return -errno;
		}
	}
	st->n_lpm4 = n4;
	st->n_lpm6 = n6;
	return 0;
}

static bool is_ip_ethertype(uint16_t et)
{
	return et == 0x0800 || et == 0x86DD;
}

/* The policy's L2 semantics (policy/l2.c): an EtherType the policy names
 * is dropped on every VID no entry lists; on a listed VID a PASS/IP entry
 * wins over a stream-only (MG_L2_STREAM) one. IPv4/IPv6 not named at all
 * go to the L3/L4 checks; unnamed EtherTypes take the default (no row). */
static void l2_mark(__u64 *bm, uint16_t lo, uint16_t hi)
{
	for (unsigned v = lo; v <= hi && v < 4096; v++)
		bm[v / 64] |= 1ull << (v % 64);
}

static int write_l2_one(const struct mg_xdp_maps *m, const struct mg_policy_export *e,
			uint32_t gen, uint16_t et, size_t *n)
{
	struct mg_xdp_l2_row row;
	__u64 plain[4096 / 64] = {0};
	bool u_plain = false, u_stream = false, named = false;
	struct mg_xdp_l2_key k;

	memset(&row, 0, sizeof(row));
	row.verdict = is_ip_ethertype(et) ? MG_XDP_L2_IP : MG_XDP_L2_PASS;
	for (size_t i = 0; i < e->n_l2; i++) {
		const struct mg_pol_l2_entry *l = &e->l2[i];
		bool stream = l->verdict == MG_L2_STREAM;

		if (l->ethertype != et)
			continue;
		named = true;
		if (l->verdict == MG_L2_DROP)
			continue;
		if (!stream)
			row.verdict = l->verdict;
		if (l->vid_lo == MG_VID_UNTAGGED) {
			if (stream)
				u_stream = true;
			else
				u_plain = true;
			continue;
		}
		l2_mark(row.vid, l->vid_lo, l->vid_hi);
		l2_mark(stream ? row.stream : plain, l->vid_lo, l->vid_hi);
	}
	if (!named && !is_ip_ethertype(et))
		return 0;
	if (!named) {
		l2_mark(row.vid, 0, 4095);
		u_plain = true;
	}
	for (size_t w = 0; w < 4096 / 64; w++)
		row.stream[w] &= ~plain[w];
	row.untagged = u_plain ? row.verdict : u_stream ? MG_XDP_L2_STREAM : MG_XDP_L2_DROP;
	if (++*n > MG_XDP_MAX_L2)
		return -E2BIG;
	memset(&k, 0, sizeof(k));
	k.ethertype = et;
	k.gen = gen;
	return bpf_map_update_elem(m->l2, &k, &row, BPF_ANY) ? -errno : 0;
}

static int write_l2s(const struct mg_xdp_maps *m, const struct mg_policy_export *e, uint32_t gen,
		     struct mg_xdp_fill_stats *st)
{
	uint32_t one = 1;

	for (size_t i = 0; i < e->n_l2_exact; i++) {
		const struct mg_pol_l2_stream *s = &e->l2_exact[i];
		struct mg_xdp_l2s_key k;

		memset(&k, 0, sizeof(k));
		k.ethertype = s->ethertype;
		k.vid = s->vid_lo;
		k.appid = s->appid_lo;
		k.gen = gen;
		if (s->mac_lo == s->mac_hi) {
			for (int b = 0; b < 6; b++)
				k.mac[b] = (uint8_t)(s->mac_lo >> (40 - 8 * b));
		} else {
			k.any_mac = 1; /* the loader refused every other MAC range */
		}
		if (bpf_map_update_elem(m->l2s, &k, &one, BPF_ANY))
			return -errno;
	}
	st->n_l2s = e->n_l2_exact;
	return 0;
}

static int write_l2(const struct mg_xdp_maps *m, const struct mg_policy_export *e, uint32_t gen,
		    struct mg_xdp_fill_stats *st)
{
	size_t n = 0;
	int err;

	if ((err = write_l2_one(m, e, gen, 0x0800, &n)) || (err = write_l2_one(m, e, gen, 0x86DD, &n)))
		return err;
	for (size_t i = 0; i < e->n_l2; i++) {
		uint16_t et = e->l2[i].ethertype;
		bool seen = is_ip_ethertype(et);

		for (size_t j = 0; j < i && !seen; j++)
			seen = e->l2[j].ethertype == et;
		if (!seen && (err = write_l2_one(m, e, gen, et, &n)))
			return err;
	}
	st->n_l2 = n;
	return write_l2s(m, e, gen, st);
}

static int put_conn(const struct mg_xdp_maps *m, uint32_t gen, uint32_t i,
		    const struct mg_xdp_conn *c)
{
	uint32_t idx = gen * MG_XDP_MAX_CONN + i;

	return bpf_map_update_elem(m->conn, &idx, c, BPF_ANY) ? -errno : 0;
}

/* The export's rules in order, then, under `ip default allow`, the
 * implicit last rule of mg_policy_conn: TCP/102 from anyone is still
 * inspected (everything else takes the default). */
static int write_conn(const struct mg_xdp_maps *m, const struct mg_policy_export *e, uint32_t gen,
		      struct mg_xdp_fill_stats *st)
{
	bool implicit = e->conn_default == MG_CONN_ALLOW;
	struct mg_xdp_conn c;
	int err;

	if (e->n_conn + implicit > MG_XDP_MAX_CONN)
		return -E2BIG;
	for (size_t i = 0; i < e->n_conn; i++) {
		const struct mg_pol_conn_rule *r = &e->conn[i];

		memset(&c, 0, sizeof(c));
		memcpy(&c.client, &r->client, sizeof(c.client));
		memcpy(&c.server, &r->server, sizeof(c.server));
		c.client_any = r->client_any;
		c.server_any = r->server_any;
		c.ip_proto = r->ip_proto;
		c.dport_lo = r->dport_lo;
		c.dport_hi = r->dport_hi;
		c.verdict = r->verdict;
		c.line = r->line;
		if ((err = put_conn(m, gen, (uint32_t)i, &c)))
			return err;
	}
	if (implicit) {
		memset(&c, 0, sizeof(c));
		c.client_any = c.server_any = 1;
		c.ip_proto = 6;
		c.dport_lo = c.dport_hi = MG_XDP_MMS_PORT;
		c.verdict = MG_XDP_CONN_INSPECT;
		if ((err = put_conn(m, gen, (uint32_t)e->n_conn, &c)))
			return err;
	}
	st->n_conn = e->n_conn + implicit;
	return 0;
}

/* What the XDP maps cannot express is refused, never silently dropped from
 * the policy: streams with APPID ranges or MAC ranges (the XDP stream table
 * holds exact (VID, APPID) keys with one MAC or any MAC). */
int mg_xdp_policy_check(const struct mg_policy_export *e, char *err, size_t errlen)
{
	const struct mg_pol_l2_stream *s = e->n_l2_wide ? &e->l2_wide[0] : NULL;
	for (size_t i = 0; !s && i < e->n_l2_exact; i++) {
		const struct mg_pol_l2_stream *x = &e->l2_exact[i];
		if (x->mac_lo != x->mac_hi && !(x->mac_lo == 0 && x->mac_hi == 0xFFFFFFFFFFFFull))
			s = x;
	}
	if (s) {
		if (err && errlen)
			snprintf(err, errlen,
		       "policy line %u: l2 rule not supported in XDP mode: XDP matches GOOSE/SV "
		       "streams by single APPIDs on listed VLANs (at most 64 per range) with one "
		       "'dst' MAC or none; APPID ranges, MAC ranges and 'dst' without 'appid' need "
		       "the DPDK dataplane",
		       s->line);
		return -EOPNOTSUPP;
	}
	if (e->goose_replay) {
		if (err && errlen)
			snprintf(err, errlen,
			         "the policy sets 'anomaly goose_replay': the GOOSE stNum/sqNum check "
			         "runs in the DPDK dataplane only, not in XDP mode");
		return -EOPNOTSUPP;
	}
	if (e->n_l2_exact > MG_XDP_MAX_STREAM) {
		if (err && errlen)
			snprintf(err, errlen, "policy declares %zu l2 streams; XDP mode holds at most %u",
		       e->n_l2_exact, MG_XDP_MAX_STREAM);
		return -E2BIG;
	}
	return 0;
}

int mg_xdp_maps_active_gen(const struct mg_xdp_maps *m, uint32_t *gen)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(m->gen, &zero, gen))
		return -errno;
	*gen &= 1;
	return 0;
}

int mg_xdp_maps_read_cfg(const struct mg_xdp_maps *m, uint32_t gen, struct mg_xdp_cfg *cfg)
{
	gen &= 1;
	return bpf_map_lookup_elem(m->cfg, &gen, cfg) ? -errno : 0;
}

int mg_xdp_maps_swap(const struct mg_xdp_maps *m, const struct mg_policy_export *e,
		     const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st)
{
	struct mg_xdp_fill_stats local;
	struct ptab t = {0};
	struct mg_xdp_cfg cfg;
	uint32_t cur, next, zero = 0;
	int err;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if ((err = mg_xdp_policy_check(e, NULL, 0)) || (err = mg_xdp_maps_active_gen(m, &cur)))
		return err;
	next = cur ^ 1;
	/* The idle generation may hold the policy before last: clear it. */
	if ((err = purge_gen(m->lpm4, sizeof(struct mg_xdp_lpm4_key), next, lpm4_gen)) ||
	    (err = purge_gen(m->lpm6, sizeof(struct mg_xdp_lpm6_key), next, lpm6_gen)) ||
	    (err = purge_gen(m->l2, sizeof(struct mg_xdp_l2_key), next, l2_gen)) ||
	    (err = purge_gen(m->l2s, sizeof(struct mg_xdp_l2s_key), next, l2s_gen)))
		return err;
	if ((err = ptab_build(&t, e)))
		goto out;
	if ((err = write_prefixes(m, &t, next, st)) || (err = write_l2(m, e, next, st)) ||
	    (err = write_conn(m, e, next, st)))
		goto out;
	memset(&cfg, 0, sizeof(cfg));
	cfg.n_conn = (uint32_t)st->n_conn;
	cfg.loaded = 1;
	cfg.mode = e->mode;
	cfg.l2_default = e->l2_default;
	cfg.conn_default = e->conn_default;
	cfg.allow_fragments = e->allow_fragments;
	cfg.fallback = prm ? prm->fallback : MG_XDP_FB_DROP;
	cfg.stateless = prm ? prm->stateless : 0;
	if (bpf_map_update_elem(m->cfg, &next, &cfg, BPF_ANY) ||
	    bpf_map_update_elem(m->gen, &zero, &next, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	st->gen = next;
out:
	free(t.v);
	return err;
}

int mg_xdp_counters_read(int fd, uint64_t out[MG_XDP_R_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;

	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t r = 0; r < MG_XDP_R_MAX; r++) {
		out[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, v)) {
			int err = -errno;

			free(v);
			return err;
		}
		for (int c = 0; c < ncpu; c++)
			out[r] += v[c];
	}
	free(v);
	return 0;
}

int mg_xdp_counters_clear(int fd)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;
	int err = 0;

	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t r = 0; r < MG_XDP_R_MAX && !err; r++)
		if (bpf_map_update_elem(fd, &r, v, BPF_ANY))
			err = -errno;
	free(v);
	return err;
}

int mg_xdp_peer_set(const struct mg_xdp_maps *m, uint32_t ifindex, uint32_t peer_ifindex)
{
	return bpf_map_update_elem(m->peers, &ifindex, &peer_ifindex, BPF_ANY) ? -errno : 0;
}
