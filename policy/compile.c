/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The last stage: from the checked policy to the lookup structures the fast
 * path reads — prefix intervals (prefixset.c), the L2 table (l2.c), the
 * Hyperscan database (objmatch.c) — plus the flat export tables (ip rules
 * lowered to protocol/port ranges, MMS rules reduced to bitmaps). IP rules
 * are lowered so that TCP/102 is always deep-inspected: an `allow` whose
 * port range covers 102 yields a separate 102 entry with MG_CONN_INSPECT.
 */
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

static int add_conn(struct mg_policy *p, size_t *cap, const struct mg_pol_irule *r, uint8_t proto,
                    uint16_t lo, uint16_t hi, uint8_t verdict)
{
	struct mg_pol_conn_rule *v = mg_pol_grow(p->x_conn, cap, p->n_x_conn + 1, sizeof(*v));
	if (!v)
		return -1;
	p->x_conn = v;
	struct mg_pol_conn_rule *c = &p->x_conn[p->n_x_conn++];
	memset(c, 0, sizeof(*c));
	c->client_any = r->from == MG_POL_SET_ANY;
	c->server_any = r->to == MG_POL_SET_ANY;
	if (!c->client_any)
		mg_setmask_set(&c->client, r->from);
	if (!c->server_any)
		mg_setmask_set(&c->server, r->to);
	c->ip_proto = proto;
	c->dport_lo = lo;
	c->dport_hi = hi;
	c->verdict = verdict;
	c->line = r->line;
	return 0;
}

/* TCP allow over [lo,hi]: split around 102 so MMS is never bypassed. */
static int add_tcp(struct mg_policy *p, size_t *cap, const struct mg_pol_irule *r, uint8_t proto,
                   uint16_t lo, uint16_t hi)
{
	if (r->action != MG_ACT_ALLOW)
		return add_conn(p, cap, r, proto, lo, hi, MG_CONN_DENY);
	if (lo > 102 || hi < 102)
		return add_conn(p, cap, r, proto, lo, hi, MG_CONN_ALLOW);
	int rc = 0;
	if (proto == 0) /* any protocol: TCP/102 first, inspected */
		rc |= add_conn(p, cap, r, 6, 102, 102, MG_CONN_INSPECT);
	else {
		if (lo < 102)
			rc |= add_conn(p, cap, r, proto, lo, 101, MG_CONN_ALLOW);
		rc |= add_conn(p, cap, r, proto, 102, 102, MG_CONN_INSPECT);
		if (hi > 102)
			rc |= add_conn(p, cap, r, proto, 103, hi, MG_CONN_ALLOW);
		return rc;
	}
	return rc | add_conn(p, cap, r, proto, lo, hi, MG_CONN_ALLOW);
}

static int lower_ip(struct mg_policy *p)
{
	size_t cap = 0;
	for (size_t i = 0; i < p->n_ip; i++) {
		const struct mg_pol_irule *r = &p->ip[i];
		uint8_t deny_or_allow = r->action == MG_ACT_ALLOW ? MG_CONN_ALLOW : MG_CONN_DENY;
		int rc = 0;
		switch (r->svc) {
		case MG_IPSVC_MMS:
			rc = add_conn(p, &cap, r, 6, 102, 102,
			              r->action == MG_ACT_ALLOW ? MG_CONN_INSPECT : MG_CONN_DENY);
			break;
		case MG_IPSVC_TLS: rc = add_conn(p, &cap, r, 6, 3782, 3782, deny_or_allow); break;
		case MG_IPSVC_NTP: rc = add_conn(p, &cap, r, 17, 123, 123, deny_or_allow); break;
		case MG_IPSVC_PTP: rc = add_conn(p, &cap, r, 17, 319, 320, deny_or_allow); break;
		case MG_IPSVC_TCP: rc = add_tcp(p, &cap, r, 6, r->dport_lo, r->dport_hi); break;
		case MG_IPSVC_UDP:
			rc = add_conn(p, &cap, r, 17, r->dport_lo, r->dport_hi, deny_or_allow);
			break;
		case MG_IPSVC_ICMP:
			/* ICMP: the caller passes the ICMP type as dport. */
			if (r->nd) { /* router/neighbour solicitation/advertisement, redirect */
				rc = add_conn(p, &cap, r, 58, 133, 137, deny_or_allow);
				break;
			}
			rc = add_conn(p, &cap, r, 1, r->echo ? 8 : 0, r->echo ? 8 : 65535,
			              deny_or_allow);
			rc |= add_conn(p, &cap, r, 58, r->echo ? 128 : 0, r->echo ? 128 : 65535,
			               deny_or_allow);
			break;
		default: rc = add_tcp(p, &cap, r, 0, 0, 65535); break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

static int lower_mms(struct mg_policy *p)
{
	p->x_mms = calloc(p->n_mms ? p->n_mms : 1, sizeof(*p->x_mms));
	if (!p->x_mms)
		return -1;
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		struct mg_pol_mms_rule *x = &p->x_mms[i];
		x->client_any = r->from == MG_POL_SET_ANY;
		x->server_any = r->to == MG_POL_SET_ANY;
		if (!x->client_any)
			mg_setmask_set(&x->client, r->from);
		if (!x->server_any)
			mg_setmask_set(&x->server, r->to);
		x->svc_any = r->svc_any;
		x->class_any = r->class_any;
		x->svc[0] = r->svc[0];
		x->svc[1] = r->svc[1];
		x->classes = r->classes;
		x->has_objects = r->n_glob > 0;
		x->action = r->action;
		x->line = r->line;
	}
	return 0;
}

int mg_pol_compile(struct mg_policy *p, struct mg_diags *d)
{
	struct mg_pol_loc nowhere = {p->source, 0, 0};
	p->x_set_names = calloc(p->n_sets ? p->n_sets : 1, sizeof(*p->x_set_names));
	if (!p->x_set_names)
		goto oom;
	for (size_t i = 0; i < p->n_sets; i++)
		p->x_set_names[i] = p->sets[i].name;
	if (mg_pol_prefix_build(p, d) < 0)
		return -1;
	if (mg_pol_l2_build(p) < 0 || lower_ip(p) < 0 || lower_mms(p) < 0)
		goto oom;
	if (mg_pol_objmatch_build(p, d) < 0 && d->nerrors)
		return -1;
	return d->nerrors ? -1 : 0;
oom:
	mg_pol_diag(d, MG_DIAG_ERROR, nowhere, "", "out of memory");
	return -1;
}
