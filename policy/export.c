/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flat export view (mg_policy_export.h) for the XDP loader and tools:
 * pointers into tables compile.c already built, nothing copied. Prefixes
 * are exported expanded: one entry per (prefix, set) after following @set
 * references, so a consumer building LPM maps needs no set logic.
 */
#include <string.h>

#include "pol_internal.h"

void mg_policy_export(const struct mg_policy *p, struct mg_policy_export *out)
{
	memset(out, 0, sizeof(*out));
	if (!p)
		return;
	out->mode = p->mode;
	out->allow_fragments = p->allow_fragments;
	out->l2_default = p->l2_default;
	out->n_l2 = p->n_x_l2;
	out->l2 = p->x_l2;
	out->goose_replay = mg_policy_anomaly_set(p, MG_R_GOOSE_REPLAY);
	out->n_l2_exact = p->n_l2exact;
	out->l2_exact = p->l2exact;
	out->n_l2_wide = p->n_l2wide;
	out->l2_wide = p->l2wide;
	out->n_sets = p->n_sets;
	out->set_names = p->x_set_names;
	out->n_prefix = p->n_x_prefix;
	out->prefix = p->x_prefix;
	out->n_conn = p->n_x_conn;
	out->conn = p->x_conn;
	out->conn_default = p->ip_default == MG_ACT_ALLOW ? MG_CONN_ALLOW : MG_CONN_DENY;
	out->n_mms = p->n_mms;
	out->mms = p->x_mms;
	out->mms_default = p->mms_default;
}
