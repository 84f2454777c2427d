/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layer 2 table: one row per EtherType the policy names, each with a
 * 4096-bit VLAN bitmap plus an untagged bit (priority-tagged = VID 0). A
 * lookup scans the few rows (usually < 8) and tests one bit. IPv4/IPv6
 * continue to the L3/L4 checks on every VLAN unless the policy names them,
 * which restricts them to the VLANs listed. Naming an EtherType restricts
 * it: on an unlisted VLAN it is dropped even under `l2 default pass`.
 *
 * Stream identity (`appid`, `dst`): a VLAN that only statements with
 * `appid`/`dst` open is marked in the row's stream bitmap, so the first
 * lookup still answers from the bitmap (MG_L2_STREAM) and only those frames
 * go on to the stream table: exact (VID, APPID) entries in a sorted array
 * (binary search on et|vid|appid, then the few MAC ranges of that key),
 * the rest (APPID ranges, MAC-only rules, wide VLAN ranges) in a short
 * list scanned in order. A frame of such a VLAN that matches no stream is
 * MG_L2_UNKNOWN_STREAM (the dataplane counts l2_unknown_stream).
 */
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

static struct mg_pol_l2_row *row_for(struct mg_policy *p, uint16_t et, uint8_t verdict)
{
	for (size_t i = 0; i < p->n_l2row; i++)
		if (p->l2row[i].ethertype == et)
			return &p->l2row[i];
	struct mg_pol_l2_row *r = &p->l2row[p->n_l2row++];
	memset(r, 0, sizeof(*r));
	r->ethertype = et;
	r->verdict = verdict;
	return r;
}

static void set_bits(uint64_t *bm, unsigned lo, unsigned hi)
{
	for (unsigned v = lo; v <= hi && v < 4096; v++)
		bm[v / 64] |= 1ull << (v % 64);
}

static void set_vids(struct mg_pol_l2_row *r, unsigned lo, unsigned hi)
{
	set_bits(r->vid, lo, hi);
}

#define MAC_MAX 0xFFFFFFFFFFFFull
/* Exact entries per statement are capped: a VLAN range wider than this
 * becomes one wide entry instead of one exact entry per VID. */
#define EXACT_VID_SPAN 64

struct stream_vec {
	struct mg_pol_l2_stream *v;
	size_t n, cap;
};

static int push_stream(struct stream_vec *sv, const struct mg_pol_l2_stream *e)
{
	void *v = mg_pol_grow(sv->v, &sv->cap, sv->n + 1, sizeof(*e));
	if (!v)
		return -1;
	sv->v = v;
	sv->v[sv->n++] = *e;
	return 0;
}

/* One statement with appid/dst: its (VLAN range × APPID range × MAC range)
 * products as stream entries. */
static int add_streams(const struct mg_pol_l2_stmt *s, struct stream_vec *ex, struct stream_vec *wi)
{
	struct {
		uint16_t lo, hi;
	} any_v[2] = {{0, 4095}, {MG_VID_UNTAGGED, MG_VID_UNTAGGED}};
	size_t nv = s->any_vlan ? 2 : s->n_range;
	size_t na = s->n_appid ? s->n_appid : 1;
	size_t nm = s->n_mac ? s->n_mac : 1;
	for (size_t iv = 0; iv < nv; iv++) {
		uint16_t vlo = s->any_vlan ? any_v[iv].lo : s->range[iv].lo;
		uint16_t vhi = s->any_vlan ? any_v[iv].hi : s->range[iv].hi;
		for (size_t ia = 0; ia < na; ia++) {
			for (size_t im = 0; im < nm; im++) {
				struct mg_pol_l2_stream e = {
				    .ethertype = s->ethertype,
				    .vid_lo = vlo,
				    .vid_hi = vhi,
				    .any_appid = s->n_appid == 0,
				    .appid_lo = s->n_appid ? s->appid[ia].lo : 0,
				    .appid_hi = s->n_appid ? s->appid[ia].hi : 0xFFFF,
				    .mac_lo = s->n_mac ? s->mac[im].lo : 0,
				    .mac_hi = s->n_mac ? s->mac[im].hi : MAC_MAX,
				    .line = s->line,
				};
				bool exact = !e.any_appid && e.appid_lo == e.appid_hi &&
				             (unsigned)vhi - vlo < EXACT_VID_SPAN;
				if (!exact) {
					if (push_stream(wi, &e) < 0)
						return -1;
					continue;
				}
				for (unsigned v = vlo; v <= vhi; v++) {
					e.vid_lo = e.vid_hi = (uint16_t)v;
					e.key = (uint64_t)e.ethertype << 32 | (uint64_t)v << 16 |
					        e.appid_lo;
					if (push_stream(ex, &e) < 0)
						return -1;
				}
			}
		}
	}
	return 0;
}

static int cmp_stream(const void *a, const void *b)
{
	const struct mg_pol_l2_stream *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->mac_lo != y->mac_lo)
		return x->mac_lo < y->mac_lo ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int add_x(struct mg_policy *p, size_t *cap, uint16_t et, uint16_t lo, uint16_t hi,
                 uint8_t verdict)
{
	struct mg_pol_l2_entry *v = mg_pol_grow(p->x_l2, cap, p->n_x_l2 + 1, sizeof(*v));
	if (!v)
		return -1;
	p->x_l2 = v;
	p->x_l2[p->n_x_l2++] = (struct mg_pol_l2_entry){et, lo, hi, verdict};
	return 0;
}

int mg_pol_l2_build(struct mg_policy *p)
{
	/* at most one row per statement plus the two implicit IP rows */
	p->l2row = calloc(p->n_l2 + 2, sizeof(*p->l2row));
	/* per row: VIDs some statement without appid/dst opens (no stream check) */
	struct plain {
		uint64_t vid[4096 / 64];
		bool untagged;
	} *plain = calloc(p->n_l2 + 2, sizeof(*plain));
	struct stream_vec ex = {0}, wi = {0};
	int rc = -1;
	if (!p->l2row || !plain)
		goto out;
	size_t cap = 0;
	for (size_t i = 0; i < p->n_l2; i++) {
		const struct mg_pol_l2_stmt *s = &p->l2[i];
		struct mg_pol_l2_row *r = row_for(p, s->ethertype, s->verdict);
		bool stream = s->n_appid || s->n_mac;
		struct plain *pl = &plain[r - p->l2row];
		uint8_t xv = stream ? MG_L2_STREAM : s->verdict;
		if (stream && add_streams(s, &ex, &wi) < 0)
			goto out;
		if (s->any_vlan) {
			set_vids(r, 0, 4095);
			r->untagged = true;
			if (stream) {
				set_bits(r->stream, 0, 4095);
				r->untagged_stream = true;
			} else {
				set_bits(pl->vid, 0, 4095);
				pl->untagged = true;
			}
			if (add_x(p, &cap, s->ethertype, 0, 4095, xv) < 0 ||
			    add_x(p, &cap, s->ethertype, MG_VID_UNTAGGED, MG_VID_UNTAGGED, xv) < 0)
				goto out;
			continue;
		}
		for (size_t k = 0; k < s->n_range; k++) {
			if (s->range[k].lo == MG_VID_UNTAGGED) {
				r->untagged = true;
				if (stream)
					r->untagged_stream = true;
				else
					pl->untagged = true;
			} else {
				set_vids(r, s->range[k].lo, s->range[k].hi);
				set_bits(stream ? r->stream : pl->vid, s->range[k].lo,
				         s->range[k].hi);
			}
			if (add_x(p, &cap, s->ethertype, s->range[k].lo, s->range[k].hi, xv) < 0)
				goto out;
		}
	}
	/* A VID some plain statement opens needs no stream check. */
	for (size_t i = 0; i < p->n_l2row; i++) {
		for (size_t w = 0; w < 4096 / 64; w++)
			p->l2row[i].stream[w] &= ~plain[i].vid[w];
		if (plain[i].untagged)
			p->l2row[i].untagged_stream = false;
	}
	if (ex.n)
		qsort(ex.v, ex.n, sizeof(ex.v[0]), cmp_stream);
	p->l2exact = ex.v;
	p->n_l2exact = ex.n;
	p->l2wide = wi.v;
	p->n_l2wide = wi.n;
	ex.v = wi.v = NULL;
	static const uint16_t ip[2] = {0x0800, 0x86DD};
	for (int k = 0; k < 2; k++) {
		bool named = false;
		for (size_t i = 0; i < p->n_l2row; i++)
			named |= p->l2row[i].ethertype == ip[k];
		if (named)
			continue;
		struct mg_pol_l2_row *r = row_for(p, ip[k], MG_L2_IP);
		set_vids(r, 0, 4095);
		r->untagged = true;
		if (add_x(p, &cap, ip[k], 0, 4095, MG_L2_IP) < 0 ||
		    add_x(p, &cap, ip[k], MG_VID_UNTAGGED, MG_VID_UNTAGGED, MG_L2_IP) < 0)
			goto out;
	}
	rc = 0;
out:
	free(plain);
	free(ex.v);
	free(wi.v);
	return rc;
}

enum mg_l2_verdict mg_policy_l2(const struct mg_policy *p, uint16_t ethertype, uint16_t vid)
{
	for (size_t i = 0; i < p->n_l2row; i++) {
		const struct mg_pol_l2_row *r = &p->l2row[i];
		if (r->ethertype != ethertype)
			continue;
		if (vid == MG_VID_UNTAGGED) {
			if (!r->untagged)
				return MG_L2_DROP;
			return r->untagged_stream ? MG_L2_STREAM : (enum mg_l2_verdict)r->verdict;
		}
		if (vid >= 4096 || !((r->vid[vid / 64] >> (vid % 64)) & 1))
			return MG_L2_DROP;
		if ((r->stream[vid / 64] >> (vid % 64)) & 1)
			return MG_L2_STREAM;
		return (enum mg_l2_verdict)r->verdict;
	}
	return (enum mg_l2_verdict)p->l2_default;
}

enum mg_l2_verdict mg_policy_l2_stream(const struct mg_policy *p, uint16_t ethertype, uint16_t vid,
                                       uint32_t appid, const uint8_t dst[6])
{
	uint64_t mac = (uint64_t)dst[0] << 40 | (uint64_t)dst[1] << 32 | (uint64_t)dst[2] << 24 |
	               (uint64_t)dst[3] << 16 | (uint64_t)dst[4] << 8 | dst[5];
	if (appid <= 0xFFFF) {
		uint64_t key = (uint64_t)ethertype << 32 | (uint64_t)vid << 16 | appid;
		size_t lo = 0, hi = p->n_l2exact;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (p->l2exact[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < p->n_l2exact && p->l2exact[i].key == key; i++)
			if (mac >= p->l2exact[i].mac_lo && mac <= p->l2exact[i].mac_hi)
				return MG_L2_PASS;
	}
	for (size_t i = 0; i < p->n_l2wide; i++) {
		const struct mg_pol_l2_stream *e = &p->l2wide[i];
		if (e->ethertype != ethertype || vid < e->vid_lo || vid > e->vid_hi)
			continue;
		if (!e->any_appid && (appid > 0xFFFF || appid < e->appid_lo || appid > e->appid_hi))
			continue;
		if (mac >= e->mac_lo && mac <= e->mac_hi)
			return MG_L2_PASS;
	}
	return MG_L2_UNKNOWN_STREAM;
}
