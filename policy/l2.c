/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layer 2 table: one row per EtherType the policy names, each with a
 * 4096-bit VLAN bitmap plus an untagged bit (priority-tagged = VID 0). A
 * lookup scans the few rows (usually < 8) and tests one bit. IPv4/IPv6
 * continue to the L3/L4 checks on every VLAN unless the policy names them,
 * which restricts them to the VLANs listed. Naming an EtherType restricts
 * it: on an unlisted VLAN it is dropped even under `l2 default pass`.
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

static void set_vids(struct mg_pol_l2_row *r, unsigned lo, unsigned hi)
{
	for (unsigned v = lo; v <= hi && v < 4096; v++)
		r->vid[v / 64] |= 1ull << (v % 64);
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
	if (!p->l2row)
		return -1;
	size_t cap = 0;
	for (size_t i = 0; i < p->n_l2; i++) {
		const struct mg_pol_l2_stmt *s = &p->l2[i];
		struct mg_pol_l2_row *r = row_for(p, s->ethertype, s->verdict);
		if (s->any_vlan) {
			set_vids(r, 0, 4095);
			r->untagged = true;
			if (add_x(p, &cap, s->ethertype, 0, 4095, s->verdict) < 0 ||
			    add_x(p, &cap, s->ethertype, MG_VID_UNTAGGED, MG_VID_UNTAGGED,
			          s->verdict) < 0)
				return -1;
			continue;
		}
		for (size_t k = 0; k < s->n_range; k++) {
			if (s->range[k].lo == MG_VID_UNTAGGED)
				r->untagged = true;
			else
				set_vids(r, s->range[k].lo, s->range[k].hi);
			if (add_x(p, &cap, s->ethertype, s->range[k].lo, s->range[k].hi,
			          s->verdict) < 0)
				return -1;
		}
	}
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
			return -1;
	}
	return 0;
}

enum mg_l2_verdict mg_policy_l2(const struct mg_policy *p, uint16_t ethertype, uint16_t vid)
{
	for (size_t i = 0; i < p->n_l2row; i++) {
		const struct mg_pol_l2_row *r = &p->l2row[i];
		if (r->ethertype != ethertype)
			continue;
		bool ok = vid == MG_VID_UNTAGGED
		              ? r->untagged
		              : vid < 4096 && ((r->vid[vid / 64] >> (vid % 64)) & 1);
		return ok ? (enum mg_l2_verdict)r->verdict : MG_L2_DROP;
	}
	return (enum mg_l2_verdict)p->l2_default;
}
