/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Semantic checks between parsing and compiling: set references resolve
 * (undefined sets are errors, with a suggestion), set inclusion has no
 * cycle, empty and unused sets are warned about, and rules that an earlier
 * rule makes unreachable (shadowed) are warned about — for ip and mms rules,
 * using set inclusion, service/class bitmaps and identical object patterns.
 * The check is conservative: a warning means "certainly unreachable".
 */
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

static bool mask_subset(const struct mg_setmask *a, const struct mg_setmask *b)
{
	for (size_t i = 0; i < MG_POLICY_MAX_SETS / 64; i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

/* Does side `outer` (set or any) contain every address of side `inner`? */
static bool side_covers(const struct mg_policy *p, uint16_t outer, uint16_t inner)
{
	if (outer == MG_POL_SET_ANY)
		return true;
	if (inner == MG_POL_SET_ANY)
		return false;
	return mg_setmask_test(&p->reach[outer], inner) ||
	       mask_subset(&p->reach[inner], &p->reach[outer]);
}

static void resolve_sets(struct mg_policy *p, struct mg_diags *d)
{
	const char **names = calloc(p->n_sets + 1, sizeof(*names));
	size_t nn = 0;
	for (size_t i = 0; i < p->n_sets; i++)
		if (p->sets[i].defined && !p->sets[i].anon && names)
			names[nn++] = p->sets[i].name;
	for (size_t i = 0; i < p->n_sets; i++) {
		struct mg_pol_set *s = &p->sets[i];
		if (s->defined)
			continue;
		const char *sug = names ? mg_pol_suggest(s->name, names, nn) : NULL;
		char tok[80];
		snprintf(tok, sizeof(tok), "@%s", s->name);
		if (sug)
			mg_pol_diag(d, MG_DIAG_ERROR, s->loc, tok,
			            "undefined set '@%s'; did you mean '@%s'?", s->name, sug);
		else
			mg_pol_diag(d, MG_DIAG_ERROR, s->loc, tok, "undefined set '@%s'", s->name);
	}
	free(names);
}

/* reach[] by a DFS per set with an explicit stack (at most n_sets deep). */
static void compute_reach(struct mg_policy *p, struct mg_diags *d)
{
	size_t n = p->n_sets;
	p->reach = calloc(n ? n : 1, sizeof(*p->reach));
	uint16_t *stack = malloc((n + 1) * sizeof(*stack));
	if (!p->reach || !stack) {
		free(stack);
		mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){NULL, 0, 0}, "", "out of memory");
		return;
	}
	for (size_t s = 0; s < n; s++) {
		struct mg_setmask *m = &p->reach[s];
		size_t sp = 0;
		stack[sp++] = (uint16_t)s;
		bool cycle = false;
		while (sp) {
			uint16_t cur = stack[--sp];
			const struct mg_pol_set *cs = &p->sets[cur];
			for (size_t e = 0; e < cs->n_elem; e++) {
				if (!cs->elem[e].is_ref)
					continue;
				uint16_t r = cs->elem[e].ref;
				if (r == s && !cycle) {
					cycle = true;
					mg_pol_diag(d, MG_DIAG_ERROR, p->sets[s].loc,
					            p->sets[s].name,
					            "set '%s' includes itself (through @%s)",
					            p->sets[s].name, cs->name);
				}
				if (mg_setmask_test(m, r))
					continue;
				mg_setmask_set(m, r);
				stack[sp++] = r;
			}
		}
		mg_setmask_set(m, (unsigned)s);
	}
	free(stack);
}

static void check_sets(struct mg_policy *p, struct mg_diags *d)
{
	for (size_t s = 0; s < p->n_sets; s++) {
		const struct mg_pol_set *set = &p->sets[s];
		if (!set->defined)
			continue;
		size_t count = 0;
		for (size_t t = 0; t < p->n_sets; t++)
			if (mg_setmask_test(&p->reach[s], (unsigned)t))
				for (size_t e = 0; e < p->sets[t].n_elem; e++)
					count += !p->sets[t].elem[e].is_ref;
		if (count == 0)
			mg_pol_diag(d, MG_DIAG_WARNING, set->loc, set->anon ? "{" : set->name,
			            "%s%s%s is empty: rules using it never match",
			            set->anon ? "inline set" : "set '", set->anon ? "" : set->name,
			            set->anon ? "" : "'");
		else if (!set->used && !set->anon)
			mg_pol_diag(d, MG_DIAG_WARNING, set->loc, set->name,
			            "set '%s' is never used", set->name);
	}
}

static bool ip_covers(const struct mg_policy *p, const struct mg_pol_irule *a,
                      const struct mg_pol_irule *b)
{
	/* Same protocol (or a is any) and a's ports contain b's. */
	if (a->svc != MG_IPSVC_ANY) {
		bool a_tcp =
		    a->svc == MG_IPSVC_MMS || a->svc == MG_IPSVC_TLS || a->svc == MG_IPSVC_TCP;
		bool b_tcp =
		    b->svc == MG_IPSVC_MMS || b->svc == MG_IPSVC_TLS || b->svc == MG_IPSVC_TCP;
		bool a_udp =
		    a->svc == MG_IPSVC_UDP || a->svc == MG_IPSVC_NTP || a->svc == MG_IPSVC_PTP;
		bool b_udp =
		    b->svc == MG_IPSVC_UDP || b->svc == MG_IPSVC_NTP || b->svc == MG_IPSVC_PTP;
		if (a->svc == MG_IPSVC_ICMP) {
			if (b->svc != MG_IPSVC_ICMP || (a->echo && !b->echo) || (a->nd && !b->nd) ||
			    (a->echo && b->nd) || (a->nd && b->echo))
				return false;
		} else if (!((a_tcp && b_tcp) || (a_udp && b_udp))) {
			return false;
		}
		if (b->svc != MG_IPSVC_ICMP &&
		    (a->dport_lo > b->dport_lo || a->dport_hi < b->dport_hi))
			return false;
	}
	return side_covers(p, a->from, b->from) && side_covers(p, a->to, b->to);
}

static bool mms_covers(const struct mg_policy *p, const struct mg_pol_mrule *a,
                       const struct mg_pol_mrule *b)
{
	if (!side_covers(p, a->from, b->from) || !side_covers(p, a->to, b->to))
		return false;
	/* A rule with value clauses matches only some of what its other
	 * clauses name: it never certainly covers a later rule. */
	if (a->d.clauses)
		return false;
	if (!a->svc_any) {
		if (b->svc_any || (b->svc[0] & ~a->svc[0]) || (b->svc[1] & ~a->svc[1]))
			return false;
	}
	if (!a->class_any) {
		if (b->class_any || (b->classes & ~a->classes))
			return false;
	}
	if (a->n_glob) {
		if (!b->n_glob)
			return false;
		for (size_t i = 0; i < b->n_glob; i++) {
			bool found = false;
			for (size_t j = 0; j < a->n_glob && !found; j++)
				found =
				    !strcmp(a->glob[j], b->glob[i]) || !strcmp(a->glob[j], "**");
			if (!found)
				return false;
		}
	}
	return true;
}

/* Pairwise, so quadratic: above this many rules the check is skipped (with
 * a warning) rather than making a huge generated policy slow to load. */
#define MG_POL_SHADOW_MAX 4096

static void check_shadowing(struct mg_policy *p, struct mg_diags *d)
{
	if (p->n_ip > MG_POL_SHADOW_MAX || p->n_mms > MG_POL_SHADOW_MAX) {
		mg_pol_diag(d, MG_DIAG_WARNING, (struct mg_pol_loc){p->source, 1, 1}, "",
		            "%zu ip and %zu mms rules: too many to check for shadowed rules "
		            "(limit %d)",
		            p->n_ip, p->n_mms, MG_POL_SHADOW_MAX);
		return;
	}
	for (size_t j = 1; j < p->n_ip; j++)
		for (size_t i = 0; i < j; i++)
			if (p->ip[i].line != p->ip[j].line && ip_covers(p, &p->ip[i], &p->ip[j])) {
				mg_pol_diag(d, MG_DIAG_WARNING, p->ip[j].loc, "ip",
				            "rule is unreachable: shadowed by the rule at line %u",
				            p->ip[i].line);
				break;
			}
	for (size_t j = 1; j < p->n_mms; j++)
		for (size_t i = 0; i < j; i++)
			if (mms_covers(p, &p->mms[i], &p->mms[j])) {
				mg_pol_diag(d, MG_DIAG_WARNING, p->mms[j].loc, "mms",
				            "rule is unreachable: shadowed by the rule at line %u",
				            p->mms[i].line);
				break;
			}
}

/* A pattern without '/' only ever sees VMD- and AA-specific names: on a
 * rule about variables it misses every IEC 61850 object (all domain-
 * specific), which for a deny rule is a hole (DESIGN.md "Object patterns"). */
static void check_scopes(struct mg_policy *p, struct mg_diags *d)
{
	static const uint16_t var_svcs[] = {MG_SVC_READ, MG_SVC_WRITE, MG_SVC_GET_VAR_ACCESS_ATTR,
	                                    MG_SVC_DEFINE_NAMED_VAR_LIST,
	                                    MG_SVC_GET_NAMED_VAR_LIST_ATTR,
	                                    MG_SVC_DELETE_NAMED_VAR_LIST};
	const uint32_t var_classes =
	    (1u << MG_IEC_READ) | (1u << MG_IEC_DATASET_READ) | (1u << MG_IEC_SELECT) |
	    (1u << MG_IEC_REPORT_CONTROL) | (1u << MG_IEC_WRITE) | (1u << MG_IEC_CANCEL) |
	    (1u << MG_IEC_SELECT_WITH_VALUE) | (1u << MG_IEC_OPERATE) |
	    (1u << MG_IEC_GOOSE_CONTROL) | (1u << MG_IEC_SV_CONTROL) | (1u << MG_IEC_SETTING) |
	    (1u << MG_IEC_SETTING_GROUP) | (1u << MG_IEC_DATASET_DEFINE) |
	    (1u << MG_IEC_DATASET_DELETE) | (1u << MG_IEC_OTHER);
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		bool vars = r->svc_any;
		for (size_t k = 0; !vars && k < sizeof(var_svcs) / sizeof(var_svcs[0]); k++)
			vars = (r->svc[var_svcs[k] / 64] >> (var_svcs[k] % 64)) & 1;
		if (!vars || (!r->class_any && !(r->classes & var_classes)))
			continue;
		for (size_t g = 0; g < r->n_glob; g++)
			if (!strchr(r->glob[g], '/') && !strstr(r->glob[g], "**"))
				mg_pol_diag(d, MG_DIAG_WARNING, r->loc, r->glob[g],
				            "object pattern \"%s\" has no '/': it matches only VMD- and "
				            "AA-specific names, never an IEC 61850 object (LD/item); "
				            "\"*/%s\" matches the item in every scope",
				            r->glob[g], r->glob[g]);
	}
}

/* reply-error answers confirmed requests only: say what happens to the
 * other services a reply-error rule names (DESIGN.md "Deny modes"). */
static void check_deny_modes(struct mg_policy *p, struct mg_diags *d)
{
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		if (r->action != MG_ACT_DENY || r->deny_mode != MG_DENY_REPLY_ERROR || r->svc_any)
			continue;
		char removed[160] = "", reset[160] = "";
		for (unsigned s = MG_SVC_CONFIRMED_MAX; s < MG_SVC__COUNT; s++) {
			if (!((r->svc[s / 64] >> (s % 64)) & 1))
				continue;
			char *dst = s < MG_SVC_INITIATE ? removed : reset;
			size_t n = strlen(dst);
			snprintf(dst + n, sizeof(removed) - n, "%s%s", n ? ", " : "",
			         mg_mms_svc_name((uint16_t)s));
		}
		if (removed[0])
			mg_pol_diag(d, MG_DIAG_NOTE, r->loc, "mms",
			            "%s cannot be answered: reply-error removes such PDUs from the "
			            "stream and keeps the association",
			            removed);
		if (reset[0])
			mg_pol_diag(
			    d, MG_DIAG_NOTE, r->loc, "mms",
			    "%s: refused by resetting the connection, whatever the deny mode",
			    reset);
	}
}

void mg_pol_check(struct mg_policy *p, struct mg_diags *d)
{
	resolve_sets(p, d);
	size_t before = d->nerrors;
	compute_reach(p, d);
	if (d->nerrors != before || !p->reach)
		return;
	if (d->nerrors == 0) /* after errors, empty/unused sets are mostly noise */
		check_sets(p, d);
	check_shadowing(p, d);
	check_deny_modes(p, d);
	check_scopes(p, d);
}
