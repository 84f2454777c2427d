/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `policy show`: the policy as the compiler understood it — normalized text
 * that is itself a valid policy (canonical addresses, one EtherType per l2
 * line, services and classes in protocol order, includes inlined) followed
 * by statistics as comments; and the same as one JSON object.
 */
#include <stdio.h>
#include <string.h>

#include "pol_internal.h"

/* ---- shared helpers -------------------------------------------------------- */

static void fmt_et(uint16_t et, char *buf, size_t n)
{
	const char *s = mg_pol_ethertype_name(et);
	if (s)
		snprintf(buf, n, "%s", s);
	else
		snprintf(buf, n, "0x%04X", et);
}

static void fmt_vlan(uint16_t lo, uint16_t hi, char *buf, size_t n)
{
	if (lo == MG_VID_UNTAGGED)
		snprintf(buf, n, "untagged");
	else if (lo == 0 && hi == 0)
		snprintf(buf, n, "priority-tagged");
	else if (lo == hi)
		snprintf(buf, n, "%u", lo);
	else
		snprintf(buf, n, "%u-%u", lo, hi);
}

static void fmt_appid(uint16_t lo, uint16_t hi, char *buf, size_t n)
{
	if (lo == hi)
		snprintf(buf, n, "0x%04x", lo);
	else
		snprintf(buf, n, "0x%04x-0x%04x", lo, hi);
}

static int fmt_mac1(uint64_t v, char *buf, size_t n)
{
	return snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(v >> 40) & 0xff,
	                (unsigned)(v >> 32) & 0xff, (unsigned)(v >> 24) & 0xff,
	                (unsigned)(v >> 16) & 0xff, (unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
}

static void fmt_mac(uint64_t lo, uint64_t hi, char *buf, size_t n)
{
	int k = fmt_mac1(lo, buf, n);
	if (lo != hi && k > 0 && (size_t)k + 1 < n) {
		buf[k] = '-';
		fmt_mac1(hi, buf + k + 1, n - (size_t)k - 1);
	}
}

/* The value lists an `l2 pass` rule may carry, in the order they are
 * printed: one table for the text and the JSON printer. */
enum { L2_VLAN, L2_APPID, L2_DST, L2_LISTS };
static const struct {
	const char *kw, *json;
} l2_lists[L2_LISTS] = {
	[L2_VLAN] = {" vlan ", ",\"vlans\":["},
	[L2_APPID] = {" appid ", ",\"appids\":["},
	[L2_DST] = {" dst ", ",\"dst\":["},
};

static size_t l2_list_len(const struct mg_pol_l2_stmt *s, size_t w)
{
	switch (w) {
	case L2_VLAN: return s->any_vlan ? 0 : s->n_range;
	case L2_APPID: return s->n_appid;
	default: return s->n_mac;
	}
}

static void l2_list_fmt(const struct mg_pol_l2_stmt *s, size_t w, size_t k, char *v, size_t n)
{
	switch (w) {
	case L2_VLAN: fmt_vlan(s->range[k].lo, s->range[k].hi, v, n); break;
	case L2_APPID: fmt_appid(s->appid[k].lo, s->appid[k].hi, v, n); break;
	default: fmt_mac(s->mac[k].lo, s->mac[k].hi, v, n); break;
	}
}

static const char *ipsvc_str(const struct mg_pol_irule *r, char *buf, size_t n)
{
	switch (r->svc) {
	case MG_IPSVC_MMS: return "mms";
	case MG_IPSVC_TLS: return "tls";
	case MG_IPSVC_NTP: return "ntp";
	case MG_IPSVC_PTP: return "ptp";
	case MG_IPSVC_ICMP: return r->nd ? "icmp nd" : r->echo ? "icmp echo" : "icmp";
	case MG_IPSVC_TCP:
	case MG_IPSVC_UDP: {
		const char *pr = r->svc == MG_IPSVC_TCP ? "tcp" : "udp";
		if (r->dport_lo == 0 && r->dport_hi == 65535)
			snprintf(buf, n, "%s", pr);
		else if (r->dport_lo == r->dport_hi)
			snprintf(buf, n, "%s %u", pr, r->dport_lo);
		else
			snprintf(buf, n, "%s %u-%u", pr, r->dport_lo, r->dport_hi);
		return buf;
	}
	default: return "any";
	}
}

static void print_elems(const struct mg_policy *p, const struct mg_pol_set *s, FILE *out,
                        bool multiline)
{
	for (size_t e = 0; e < s->n_elem; e++) {
		const struct mg_pol_elem *el = &s->elem[e];
		char buf[64];
		if (el->is_ref)
			snprintf(buf, sizeof(buf), "@%s", p->sets[el->ref].name);
		else
			mg_pol_format_prefix(&el->addr, el->plen, buf, sizeof(buf));
		if (multiline)
			fprintf(out, "\t%s%s\n", buf, e + 1 < s->n_elem ? "," : "");
		else
			fprintf(out, "%s%s", e ? ", " : "", buf);
	}
}

static void print_side(const struct mg_policy *p, uint16_t set, FILE *out)
{
	if (set == MG_POL_SET_ANY) {
		fprintf(out, "any");
		return;
	}
	const struct mg_pol_set *s = &p->sets[set];
	if (!s->anon) {
		fprintf(out, "@%s", s->name);
		return;
	}
	if (s->n_elem == 1 && !s->elem[0].is_ref) {
		print_elems(p, s, out, false);
		return;
	}
	fprintf(out, "{ ");
	print_elems(p, s, out, false);
	fprintf(out, " }");
}

static void print_action(uint8_t action, uint8_t deny_mode, FILE *out)
{
	fprintf(out, "%s", mg_action_str(action));
	if (action == MG_ACT_DENY)
		fprintf(out, " %s", mg_deny_mode_str(deny_mode));
}

static size_t count_anon(const struct mg_policy *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_sets; i++)
		n += p->sets[i].anon;
	return n;
}

/* ---- text ------------------------------------------------------------------- */

/* ---- value clauses ------------------------------------------------------ */

static void print_range(const struct mg_pol_range *r, FILE *out)
{
	if (r->lo == r->hi)
		fprintf(out, "%.17g", r->lo);
	else
		fprintf(out, "%.17g..%.17g", r->lo, r->hi);
}

static const char *const step_word[4] = {"stop", "lower", "higher", "reserved"};
static const char *const check_word[4] = {"interlock", "no-interlock", "synchrocheck",
                                          "no-synchrocheck"};

static void print_data(const struct mg_pol_data *d, FILE *out)
{
	if (d->clauses & MG_POLD_CTLVAL) {
		bool first = true;
		fprintf(out, " ctlval ");
		if (d->ctl_bool & 2)
			fprintf(out, "%son", first ? "" : ", "), first = false;
		if (d->ctl_bool & 1)
			fprintf(out, "%soff", first ? "" : ", "), first = false;
		for (unsigned i = 0; i < 4; i++)
			if ((d->ctl_step >> i) & 1)
				fprintf(out, "%s%s", first ? "" : ", ", step_word[i]),
				    first = false;
		for (unsigned i = 0; i < d->n_ctl_rng; i++) {
			fprintf(out, "%s", first ? "" : ", ");
			print_range(&d->ctl_rng[i], out);
			first = false;
		}
	}
	if (d->clauses & MG_POLD_CHECK) {
		bool first = true;
		fprintf(out, " check ");
		for (unsigned i = 0; i < 4; i++)
			if ((d->check >> i) & 1)
				fprintf(out, "%s%s", first ? "" : ", ", check_word[i]),
				    first = false;
	}
	if (d->clauses & MG_POLD_TEST)
		fprintf(out, " test %s", d->test ? "true" : "false");
	if (d->clauses & MG_POLD_ORIGIN) {
		bool first = true;
		fprintf(out, " origin ");
		for (unsigned i = 0; i < 16; i++)
			if ((d->origin >> i) & 1) {
				const char *n = mg_pol_orcat_name(i);
				fprintf(out, "%s", first ? "" : ", ");
				if (n)
					fprintf(out, "%s", n);
				else
					fprintf(out, "%u", i);
				first = false;
			}
	}
	if (d->clauses & MG_POLD_SELECT)
		fprintf(out, " require select");
	if (d->clauses & MG_POLD_VALUE) {
		fprintf(out, " value %s", d->value_not ? "not " : "");
		for (unsigned i = 0; i < d->n_val_rng; i++) {
			fprintf(out, "%s", i ? ", " : "");
			print_range(&d->val_rng[i], out);
		}
	}
}

static void jnum(double v, FILE *out)
{
	fprintf(out, "%.17g", v);
}

static void jranges(const struct mg_pol_range *r, unsigned n, FILE *out)
{
	fprintf(out, "[");
	for (unsigned i = 0; i < n; i++) {
		fprintf(out, "%s[", i ? "," : "");
		jnum(r[i].lo, out);
		fprintf(out, ",");
		jnum(r[i].hi, out);
		fprintf(out, "]");
	}
	fprintf(out, "]");
}

/* Value clause members of a rule's JSON object (only those present, so
 * rules without them print as before). */
static void json_data(const struct mg_pol_data *d, FILE *out)
{
	if (d->clauses & MG_POLD_CTLVAL) {
		fprintf(out, ",\"ctlval\":{\"bool\":[");
		bool f = true;
		if (d->ctl_bool & 2)
			fprintf(out, "true"), f = false;
		if (d->ctl_bool & 1)
			fprintf(out, "%sfalse", f ? "" : ",");
		fprintf(out, "],\"step\":[");
		f = true;
		for (unsigned i = 0; i < 4; i++)
			if ((d->ctl_step >> i) & 1)
				fprintf(out, "%s\"%s\"", f ? "" : ",", step_word[i]), f = false;
		fprintf(out, "],\"ranges\":");
		jranges(d->ctl_rng, d->n_ctl_rng, out);
		fprintf(out, "}");
	}
	if (d->clauses & MG_POLD_CHECK) {
		fprintf(out, ",\"check\":[");
		bool f = true;
		for (unsigned i = 0; i < 4; i++)
			if ((d->check >> i) & 1)
				fprintf(out, "%s\"%s\"", f ? "" : ",", check_word[i]), f = false;
		fprintf(out, "]");
	}
	if (d->clauses & MG_POLD_TEST)
		fprintf(out, ",\"test\":%s", d->test ? "true" : "false");
	if (d->clauses & MG_POLD_ORIGIN) {
		fprintf(out, ",\"origin\":[");
		bool f = true;
		for (unsigned i = 0; i < 16; i++)
			if ((d->origin >> i) & 1)
				fprintf(out, "%s%u", f ? "" : ",", i), f = false;
		fprintf(out, "]");
	}
	if (d->clauses & MG_POLD_SELECT)
		fprintf(out, ",\"require_select\":true");
	if (d->clauses & MG_POLD_VALUE) {
		fprintf(out, ",\"value\":{\"not\":%s,\"ranges\":", d->value_not ? "true" : "false");
		jranges(d->val_rng, d->n_val_rng, out);
		fprintf(out, "}");
	}
}

static const char *const ctlm_word[] = {"unknown",         "direct",       "sbo",
                                        "direct-enhanced", "sbo-enhanced", "status-only"};

void mg_policy_print(const struct mg_policy *p, FILE *out)
{
	fprintf(out, "# normalized policy: %s\n", p->source);
	fprintf(out, "mode %s\n", p->mode == MG_MODE_MONITOR ? "monitor" : "enforce");
	fprintf(out, "fragments %s\n", p->allow_fragments ? "allow" : "drop");

	bool any_set = false;
	for (size_t i = 0; i < p->n_sets; i++) {
		const struct mg_pol_set *s = &p->sets[i];
		if (s->anon)
			continue;
		if (!any_set)
			fprintf(out, "\n");
		any_set = true;
		if (s->n_elem > 4) {
			fprintf(out, "set %s {\n", s->name);
			print_elems(p, s, out, true);
			fprintf(out, "}\n");
		} else {
			fprintf(out, "set %s { ", s->name);
			print_elems(p, s, out, false);
			fprintf(out, "%s}\n", s->n_elem ? " " : "");
		}
	}

	fprintf(out, "\n");
	for (size_t i = 0; i < p->n_l2; i++) {
		const struct mg_pol_l2_stmt *s = &p->l2[i];
		char et[16];
		fmt_et(s->ethertype, et, sizeof(et));
		fprintf(out, "l2 pass %s", et);
		for (size_t w = 0; w < L2_LISTS; w++) {
			for (size_t k = 0; k < l2_list_len(s, w); k++) {
				char v[48];
				l2_list_fmt(s, w, k, v, sizeof(v));
				fprintf(out, "%s%s", k ? ", " : l2_lists[w].kw, v);
			}
		}
		fprintf(out, "\n");
	}
	fprintf(out, "l2 default %s\n", p->l2_default == MG_L2_PASS ? "pass" : "drop");

	fprintf(out, "\n");
	for (size_t i = 0; i < p->n_ip; i++) {
		const struct mg_pol_irule *r = &p->ip[i];
		char buf[32];
		fprintf(out, "ip %s %s from ", r->action == MG_ACT_ALLOW ? "allow" : "deny",
		        ipsvc_str(r, buf, sizeof(buf)));
		print_side(p, r->from, out);
		fprintf(out, " to ");
		print_side(p, r->to, out);
		fprintf(out, "  # line %u\n", r->line);
	}
	fprintf(out, "ip default %s\n", p->ip_default == MG_ACT_ALLOW ? "allow" : "deny");

	fprintf(out, "\n");
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		fprintf(out, "mms ");
		print_action(r->action, r->deny_mode, out);
		if (r->from != MG_POL_SET_ANY) {
			fprintf(out, " from ");
			print_side(p, r->from, out);
		}
		if (r->to != MG_POL_SET_ANY) {
			fprintf(out, " to ");
			print_side(p, r->to, out);
		}
		if (!r->svc_any) {
			fprintf(out, " service ");
			bool first = true;
			for (uint16_t s = 0; s < MG_SVC__COUNT; s++)
				if ((r->svc[s / 64] >> (s % 64)) & 1) {
					fprintf(out, "%s%s", first ? "" : ", ", mg_mms_svc_name(s));
					first = false;
				}
		}
		if (!r->class_any) {
			fprintf(out, " class ");
			bool first = true;
			for (uint8_t c = 1; c < MG_IEC__COUNT; c++)
				if ((r->classes >> c) & 1) {
					fprintf(out, "%s%s", first ? "" : ", ",
					        mg_iec_class_str(c));
					first = false;
				}
		}
		if (r->n_glob) {
			fprintf(out, " object ");
			for (size_t g = 0; g < r->n_glob; g++) {
				fprintf(out, "%s\"", g ? ", " : "");
				for (const char *c = r->glob[g]; *c; c++)
					fprintf(out, "%s%c", *c == '"' ? "\\" : "", *c);
				fprintf(out, "\"");
			}
		}
		print_data(&r->d, out);
		if (r->log)
			fprintf(out, " log");
		if (r->name)
			fprintf(out, " name \"%s\"", r->name);
		fprintf(out, "  # line %u\n", r->line);
	}
	for (size_t i = 0; i < p->n_ctlm; i++)
		fprintf(out, "control \"%s\" model %s timeout %u  # line %u\n", p->ctlm[i].glob,
		        ctlm_word[p->ctlm[i].model], p->ctlm[i].timeout_ms / 1000, p->ctlm[i].line);
	fprintf(out, "mms default ");
	print_action(p->mms_default, p->mms_default_deny_mode, out);
	fprintf(out, "%s\n", p->mms_default_log ? " log" : "");

	bool any_anom = false;
	for (int i = 1; i < MG_R__COUNT; i++) {
		if (!p->anomaly_set[i])
			continue;
		if (!any_anom)
			fprintf(out, "\n");
		any_anom = true;
		fprintf(out, "anomaly %s %s\n", mg_reason_str((enum mg_reason)i),
		        mg_action_str(p->anomaly[i]));
	}

	size_t objrules = p->n_objrules;
	fprintf(out, "\n# statistics\n");
	fprintf(out, "# sets: %zu (%zu inline)\n", p->n_sets, count_anon(p));
	fprintf(out, "# prefixes: %zu (%zu IPv4, %zu IPv6) in %zu IPv4 + %zu IPv6 intervals\n",
	        p->n_x_prefix, p->n_x_prefix4, p->n_x_prefix6, p->v4.n, p->v6.n);
	fprintf(out, "# l2: %zu statements, %zu table entries\n", p->n_l2, p->n_x_l2);
	fprintf(out, "# ip rules: %zu (%zu lowered entries)\n", p->n_ip, p->n_x_conn);
	fprintf(out, "# mms rules: %zu (%zu with object patterns), object patterns: %zu\n",
	        p->n_mms, objrules, p->n_patterns - p->n_pattern_aliases);
	fprintf(out, "# compile time: %.3f ms\n", p->compile_ms);
}

/* ---- JSON -------------------------------------------------------------------- */

static void jstr(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void jside(const struct mg_policy *p, uint16_t set, FILE *out)
{
	if (set == MG_POL_SET_ANY) {
		fprintf(out, "\"any\"");
		return;
	}
	const struct mg_pol_set *s = &p->sets[set];
	if (!s->anon) {
		char buf[80];
		snprintf(buf, sizeof(buf), "@%s", s->name);
		jstr(buf, out);
		return;
	}
	fprintf(out, "[");
	for (size_t e = 0; e < s->n_elem; e++) {
		char buf[80];
		if (s->elem[e].is_ref)
			snprintf(buf, sizeof(buf), "@%s", p->sets[s->elem[e].ref].name);
		else
			mg_pol_format_prefix(&s->elem[e].addr, s->elem[e].plen, buf, sizeof(buf));
		fprintf(out, "%s", e ? "," : "");
		jstr(buf, out);
	}
	fprintf(out, "]");
}

void mg_policy_print_json(const struct mg_policy *p, FILE *out)
{
	fprintf(out, "{\"source\":");
	jstr(p->source, out);
	fprintf(out, ",\"mode\":\"%s\",\"fragments\":\"%s\"",
	        p->mode == MG_MODE_MONITOR ? "monitor" : "enforce",
	        p->allow_fragments ? "allow" : "drop");
	fprintf(out, ",\"sets\":[");
	bool first = true;
	for (size_t i = 0; i < p->n_sets; i++) {
		const struct mg_pol_set *s = &p->sets[i];
		if (s->anon)
			continue;
		fprintf(out, "%s{\"name\":", first ? "" : ",");
		first = false;
		jstr(s->name, out);
		fprintf(out, ",\"line\":%u,\"elements\":[", s->loc.line);
		for (size_t e = 0; e < s->n_elem; e++) {
			char buf[80];
			if (s->elem[e].is_ref)
				snprintf(buf, sizeof(buf), "@%s", p->sets[s->elem[e].ref].name);
			else
				mg_pol_format_prefix(&s->elem[e].addr, s->elem[e].plen, buf,
				                     sizeof(buf));
			fprintf(out, "%s", e ? "," : "");
			jstr(buf, out);
		}
		fprintf(out, "]}");
	}
	fprintf(out, "],\"l2\":[");
	for (size_t i = 0; i < p->n_l2; i++) {
		const struct mg_pol_l2_stmt *s = &p->l2[i];
		char et[16];
		fmt_et(s->ethertype, et, sizeof(et));
		fprintf(out,
		        "%s{\"ethertype\":\"%s\",\"value\":%u,\"line\":%u,\"vlans\":", i ? "," : "",
		        et, s->ethertype, s->line);
		if (s->any_vlan) {
			fprintf(out, "\"any\"");
		} else {
			fprintf(out, "[");
			for (size_t k = 0; k < s->n_range; k++) {
				char v[32];
				fmt_vlan(s->range[k].lo, s->range[k].hi, v, sizeof(v));
				fprintf(out, "%s\"%s\"", k ? "," : "", v);
			}
			fprintf(out, "]");
		}
		/* The vlan list is always printed (above, "any" included); the
		 * others only when the rule has them. */
		for (size_t w = L2_VLAN + 1; w < L2_LISTS; w++) {
			size_t n = l2_list_len(s, w);
			for (size_t k = 0; k < n; k++) {
				char v[48];
				l2_list_fmt(s, w, k, v, sizeof(v));
				fprintf(out, "%s\"%s\"", k ? "," : l2_lists[w].json, v);
			}
			if (n)
				fprintf(out, "]");
		}
		fprintf(out, "}");
	}
	fprintf(out, "],\"l2_default\":\"%s\",\"ip\":[",
	        p->l2_default == MG_L2_PASS ? "pass" : "drop");
	for (size_t i = 0; i < p->n_ip; i++) {
		const struct mg_pol_irule *r = &p->ip[i];
		char buf[32];
		fprintf(out, "%s{\"line\":%u,\"action\":\"%s\",\"service\":\"%s\",\"from\":",
		        i ? "," : "", r->line, r->action == MG_ACT_ALLOW ? "allow" : "deny",
		        ipsvc_str(r, buf, sizeof(buf)));
		jside(p, r->from, out);
		fprintf(out, ",\"to\":");
		jside(p, r->to, out);
		fprintf(out, "}");
	}
	fprintf(out, "],\"ip_default\":\"%s\",\"mms\":[",
	        p->ip_default == MG_ACT_ALLOW ? "allow" : "deny");
	for (size_t i = 0; i < p->n_mms; i++) {
		const struct mg_pol_mrule *r = &p->mms[i];
		fprintf(out, "%s{\"line\":%u,\"name\":", i ? "," : "", r->line);
		if (r->name)
			jstr(r->name, out);
		else
			fprintf(out, "null");
		/* deny_mode: "reset" / "reply-error" for deny rules, null otherwise */
		fprintf(out, ",\"action\":\"%s\",\"deny_mode\":%s%s%s,\"log\":%s,\"from\":",
		        mg_action_str(r->action), r->action == MG_ACT_DENY ? "\"" : "",
		        r->action == MG_ACT_DENY ? mg_deny_mode_str(r->deny_mode) : "null",
		        r->action == MG_ACT_DENY ? "\"" : "", r->log ? "true" : "false");
		jside(p, r->from, out);
		fprintf(out, ",\"to\":");
		jside(p, r->to, out);
		fprintf(out, ",\"services\":");
		if (r->svc_any) {
			fprintf(out, "\"any\"");
		} else {
			fprintf(out, "[");
			bool f = true;
			for (uint16_t s = 0; s < MG_SVC__COUNT; s++)
				if ((r->svc[s / 64] >> (s % 64)) & 1) {
					fprintf(out, "%s", f ? "" : ",");
					jstr(mg_mms_svc_name(s), out);
					f = false;
				}
			fprintf(out, "]");
		}
		fprintf(out, ",\"classes\":");
		if (r->class_any) {
			fprintf(out, "\"any\"");
		} else {
			fprintf(out, "[");
			bool f = true;
			for (uint8_t c = 1; c < MG_IEC__COUNT; c++)
				if ((r->classes >> c) & 1) {
					fprintf(out, "%s", f ? "" : ",");
					jstr(mg_iec_class_str(c), out);
					f = false;
				}
			fprintf(out, "]");
		}
		fprintf(out, ",\"objects\":[");
		for (size_t g = 0; g < r->n_glob; g++) {
			fprintf(out, "%s", g ? "," : "");
			jstr(r->glob[g], out);
		}
		fprintf(out, "]");
		json_data(&r->d, out);
		fprintf(out, "}");
	}
	if (p->n_ctlm) {
		fprintf(out, "],\"control\":[");
		for (size_t i = 0; i < p->n_ctlm; i++) {
			fprintf(out, "%s{\"line\":%u,\"object\":", i ? "," : "", p->ctlm[i].line);
			jstr(p->ctlm[i].glob, out);
			fprintf(out, ",\"model\":\"%s\",\"timeout\":%u}",
			        ctlm_word[p->ctlm[i].model], p->ctlm[i].timeout_ms / 1000);
		}
	}
	fprintf(out, "],\"mms_default\":\"%s\",", mg_action_str(p->mms_default));
	if (p->mms_default == MG_ACT_DENY)
		fprintf(out, "\"mms_default_deny_mode\":\"%s\",",
		        mg_deny_mode_str(p->mms_default_deny_mode));
	fprintf(out, "\"anomalies\":{");
	first = true;
	for (int i = 1; i < MG_R__COUNT; i++) {
		if (!p->anomaly_set[i])
			continue;
		fprintf(out, "%s\"%s\":\"%s\"", first ? "" : ",", mg_reason_str((enum mg_reason)i),
		        mg_action_str(p->anomaly[i]));
		first = false;
	}
	fprintf(
	    out,
	    "},\"stats\":{\"sets\":%zu,\"inline_sets\":%zu,\"prefixes\":%zu,\"prefixes_v4\":%zu,"
	    "\"prefixes_v6\":%zu,\"intervals_v4\":%zu,\"intervals_v6\":%zu,\"l2_entries\":%zu,"
	    "\"ip_rules\":%zu,\"conn_entries\":%zu,\"mms_rules\":%zu,\"object_rules\":%zu,"
	    "\"object_patterns\":%zu,\"compile_ms\":%.3f}}\n",
	    p->n_sets, count_anon(p), p->n_x_prefix, p->n_x_prefix4, p->n_x_prefix6, p->v4.n,
	    p->v6.n, p->n_x_l2, p->n_ip, p->n_x_conn, p->n_mms, p->n_objrules, p->n_patterns - p->n_pattern_aliases,
	    p->compile_ms);
}
