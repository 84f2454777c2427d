/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SCL model → policy text (`mmsgatectl policy from-scl`). The output is a
 * complete, commented policy that `policy check` accepts as it is: one set
 * per IED with addresses and a set of all of them, one `l2 pass` per
 * declared GOOSE/SV stream keyed by (VLAN, APPID, destination MAC) with the
 * IED and control block named, ARP, and the client roles of the command
 * line as ip + mms rules. Whatever the file holds but the policy cannot use
 * (loopback addresses, IEDs without addresses, GSSE, R-GOOSE, bad values)
 * is written as a comment saying why, never guessed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mg_scl.h"

/* A policy name from an SCL name: [A-Za-z0-9_.-], others become '_'. */
static void pname(char *out, size_t n, const char *prefix, const char *name)
{
	size_t k = (size_t)snprintf(out, n, "%s", prefix);
	for (const char *c = name; *c && k + 1 < n; c++)
		out[k++] =
		    (isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.') ? *c : '_';
	out[k < n ? k : n - 1] = 0;
}

static void fmt_mac(const uint8_t m[6], char *out, size_t n)
{
	snprintf(out, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static size_t usable_addrs(const struct mg_scl_ied *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n_addr; i++)
		n += d->addr[i].family != 0;
	return n;
}

/* Same (EtherType, VLAN, APPID, MAC) as an earlier usable stream? */
static long same_stream(const struct mg_scl *s, size_t i)
{
	const struct mg_scl_stream *a = &s->stream[i];
	for (size_t j = 0; j < i; j++) {
		const struct mg_scl_stream *b = &s->stream[j];
		if (b->why[0] || b->gsse || !b->has_mac || b->appid < 0 || b->sv != a->sv)
			continue;
		int va = a->vid < 0 ? 0 : a->vid, vb = b->vid < 0 ? 0 : b->vid;
		if (va == vb && a->appid == b->appid && !memcmp(a->mac, b->mac, 6))
			return (long)j;
	}
	return -1;
}

static bool stream_usable(struct mg_scl_stream *st)
{
	if (st->gsse || st->why[0])
		return false;
	if (!st->has_mac) {
		snprintf(st->why, sizeof(st->why), "%s",
		         st->ip[0] ? "R-GOOSE/R-SV over IP multicast, not an L2 stream"
		                   : "no MAC-Address");
		return false;
	}
	if (st->appid < 0) {
		snprintf(st->why, sizeof(st->why), "no APPID");
		return false;
	}
	return true;
}

static const struct mg_scl_client *find_client(const struct mg_scl_opts *o, const char *name)
{
	for (size_t i = 0; i < o->n_client; i++)
		if (!strcmp(o->client[i].name, name))
			return &o->client[i];
	return NULL;
}

/* "a,b" → "a, b" */
static void list_out(FILE *out, const char *csv)
{
	bool first = true;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", csv);
	for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		fprintf(out, "%s%s", first ? "" : ", ", t);
		first = false;
	}
}

/* Object patterns DOMAIN/<any> for every logical device of the file whose
 * inst or domain name is in lds; 0 or -1 (an unknown LD in err). */
static int ld_patterns(const struct mg_scl *s, const char *lds, FILE *out, char *err, size_t errlen)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", lds);
	bool first = true;
	for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool hit = false;
		for (size_t i = 0; i < s->n_ied; i++)
			for (size_t k = 0; k < s->ied[i].n_ld; k++) {
				const struct mg_scl_ld *l = &s->ied[i].ld[k];
				if (strcmp(l->inst, t) && strcmp(l->domain, t))
					continue;
				fprintf(out, "%s\"%s/*\"", first ? "" : ", ", l->domain);
				first = false;
				hit = true;
			}
		if (!hit) {
			snprintf(err, errlen, "--role: no logical device '%s' in %s", t, s->file);
			return -1;
		}
	}
	return 0;
}

static const char default_scada_classes[] =
    "association,browse,read,report,report-control,select,operate";

int mg_scl_policy(const struct mg_scl *cs, const struct mg_scl_opts *o, FILE *out, char *err,
                  size_t errlen)
{
	/* stream_usable() fills in reasons: work on a copy of the stream list */
	struct mg_scl s = *cs;
	struct mg_scl_stream *sv = NULL;
	if (cs->n_stream) {
		sv = malloc(cs->n_stream * sizeof(*sv));
		if (!sv) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(sv, cs->stream, cs->n_stream * sizeof(*sv));
	}
	s.stream = sv;
	for (size_t i = 0; i < o->n_role; i++)
		if (!find_client(o, o->role[i].name)) {
			snprintf(err, errlen, "--role %s: no --client %s", o->role[i].name,
			         o->role[i].name);
			free(sv);
			return -1;
		}

	size_t n_ied_addr = 0, n_addr = 0, n_bad_addr = 0, n_goose = 0, n_sv = 0, n_ld = 0;
	bool v6 = false;
	for (size_t i = 0; i < s.n_ied; i++) {
		size_t u = usable_addrs(&s.ied[i]);
		n_ied_addr += u > 0;
		n_addr += u;
		n_bad_addr += s.ied[i].n_addr - u;
		n_ld += s.ied[i].n_ld;
		for (size_t k = 0; k < s.ied[i].n_addr; k++)
			v6 |= s.ied[i].addr[k].family == 6;
	}
	for (size_t i = 0; i < s.n_stream; i++)
		if (stream_usable(&s.stream[i]) && same_stream(&s, i) < 0) {
			if (s.stream[i].sv)
				n_sv++;
			else
				n_goose++;
		}

	const char *base = strrchr(s.file, '/') ? strrchr(s.file, '/') + 1 : s.file;
	fprintf(out, "# Generated by `mmsgatectl policy from-scl` from %s\n", base);
	fprintf(out, "# SCL Header: id \"%s\" version \"%s\" revision \"%s\" toolID \"%s\"\n",
	        s.hdr_id, s.hdr_version, s.hdr_revision, s.hdr_tool);
	if (s.version[0])
		fprintf(out, "# SCL schema: version %s revision %s%s%s (Edition 2)\n", s.version,
		        s.revision, s.release[0] ? " release " : "", s.release);
	else
		fprintf(out, "# SCL schema: no version attribute (Edition 1)\n");
	fprintf(out,
	        "# %zu IEDs (%zu with usable IP addresses), %zu addresses (%zu left out), %zu "
	        "SubNetworks, %zu ConnectedAPs, %zu logical devices\n",
	        s.n_ied, n_ied_addr, n_addr, n_bad_addr, s.n_subnet, s.n_cap, n_ld);
	fprintf(out, "# %zu GOOSE and %zu SV streams (from %zu GSE/SMV elements)\n", n_goose, n_sv,
	        s.n_stream);
	fprintf(out,
	        "#\n"
	        "# VLANs: a stream with a VLAN-ID > 0 passes only tagged with that VID; a\n"
	        "# stream with VLAN-ID 0 or none passes priority-tagged (VID 0) and untagged,\n"
	        "# since switches send VID 0 or strip the tag. If an access port strips the\n"
	        "# tag of a VLAN-ID > 0 stream, add 'untagged' to its rule. GOOSE/SV frames\n"
	        "# of these VLANs that match no rule are dropped as l2_unknown_stream.\n\n");
	fprintf(out, "mode %s\n\n", o->enforce ? "enforce" : "monitor");

	/* ---- IEDs ---- */
	fprintf(out, "# ---- IEDs: Communication/SubNetwork/ConnectedAP/Address (P type=IP)\n");
	bool any_set = false;
	for (size_t i = 0; i < s.n_ied; i++) {
		const struct mg_scl_ied *d = &s.ied[i];
		char nm[128];
		pname(nm, sizeof(nm), "ied_", d->name);
		for (size_t k = 0; k < d->n_addr; k++)
			if (!d->addr[k].family)
				fprintf(out,
				        "# IED %s: address '%s' (%s/%s, line %u) left out: %s\n",
				        d->name, d->addr[k].text, d->addr[k].subnet, d->addr[k].ap,
				        d->addr[k].line, d->addr[k].why);
		if (!usable_addrs(d)) {
			fprintf(
			    out,
			    "# IED %s (line %u): no usable IP address in the file (not guessed)\n",
			    d->name, d->line);
			continue;
		}
		fprintf(out, "set %s {", nm);
		bool first = true;
		for (size_t k = 0; k < d->n_addr; k++) {
			if (!d->addr[k].family)
				continue;
			bool dup = false;
			for (size_t j = 0; j < k; j++)
				dup |=
				    d->addr[j].family && !strcmp(d->addr[j].text, d->addr[k].text);
			if (dup)
				continue;
			fprintf(out, "%s%s", first ? " " : ", ", d->addr[k].text);
			first = false;
		}
		fprintf(out, " }  #");
		for (size_t k = 0; k < d->n_addr; k++)
			if (d->addr[k].family)
				fprintf(out, " %s/%s", d->addr[k].subnet, d->addr[k].ap);
		fprintf(out, "\n");
		any_set = true;
	}
	if (any_set) {
		fprintf(out, "set ieds {");
		bool first = true;
		for (size_t i = 0; i < s.n_ied; i++) {
			char nm[128];
			if (!usable_addrs(&s.ied[i]))
				continue;
			pname(nm, sizeof(nm), "ied_", s.ied[i].name);
			fprintf(out, "%s@%s", first ? " " : ", ", nm);
			first = false;
		}
		fprintf(out, " }\n");
	} else {
		fprintf(out, "# no IED has a usable address: no set ieds\n");
	}

	/* ---- clients ---- */
	if (o->n_client) {
		fprintf(out, "\n# ---- clients (--client)\n");
		for (size_t i = 0; i < o->n_client; i++) {
			fprintf(out, "set %s { ", o->client[i].name);
			list_out(out, o->client[i].prefixes);
			fprintf(out, " }\n");
		}
	}

	/* ---- L2 ---- */
	fprintf(out, "\n# ---- GOOSE / SV: one rule per stream (VLAN, APPID, destination MAC)\n");
	for (size_t i = 0; i < s.n_stream; i++) {
		const struct mg_scl_stream *st = &s.stream[i];
		const char *kind = st->sv ? "SMV" : "GSE";
		if (st->gsse) {
			fprintf(
			    out,
			    "# %s %s/%s (line %u): GSEControl type GSSE (not GOOSE): not passed\n",
			    st->ied, st->ld, st->cb, st->line);
			continue;
		}
		if (st->why[0]) {
			fprintf(out, "# %s %s %s/%s (line %u) left out: %s%s%s\n", kind, st->ied,
			        st->ld, st->cb, st->line, st->why, st->ip[0] ? "; IP " : "",
			        st->ip);
			continue;
		}
		long j = same_stream(&s, i);
		if (j >= 0) {
			fprintf(out, "#   same stream also published as %s %s/%s (line %u)\n",
			        st->ied, st->ld, st->cb, st->line);
			continue;
		}
		char mac[24];
		fmt_mac(st->mac, mac, sizeof(mac));
		int vid = st->vid < 0 ? 0 : st->vid;
		fprintf(out, "l2 pass %s vlan ", st->sv ? "sv" : "goose");
		if (vid == 0)
			fprintf(out, "priority-tagged, untagged");
		else
			fprintf(out, "%d", vid);
		fprintf(out, " appid 0x%04x dst %s  # %s %s/%s (%s/%s, line %u%s%s%s)\n", st->appid,
		        mac, st->ied, st->ld, st->cb, st->subnet, st->ap, st->line,
		        st->cb_found ? "" : ", control block not in the IED section",
		        st->ip[0] ? (st->sv ? ", R-SV IP " : ", R-GOOSE IP ") : "", st->ip);
	}
	fprintf(out, "l2 pass arp  # IP needs ARP\n");
	fprintf(out, "l2 default drop\n");

	/* ---- IP ---- */
	fprintf(out, "\n# ---- IP: MMS (TCP/102) from the clients to the IEDs\n");
	if (v6 && any_set)
		fprintf(out, "ip allow icmp nd from any to any  # IPv6 neighbour discovery\n");
	for (size_t i = 0; i < o->n_client; i++)
		fprintf(out, "%sip allow mms from @%s to @ieds\n", any_set ? "" : "# ",
		        o->client[i].name);
	if (!o->n_client)
		fprintf(out, "# ip allow mms from @scada to @ieds\n");
	fprintf(out, "ip default deny\n");

	/* ---- MMS ---- */
	fprintf(out, "\n# ---- MMS roles\n");
	if (!o->n_client) {
		fprintf(out,
		        "# Default SCADA role (no --client given): uncomment and set the address\n"
		        "# (until a role uses it, `policy check` warns that set 'ieds' is unused)\n"
		        "# set scada { 10.0.0.10 }\n"
		        "# mms allow from @scada to @ieds class association, browse, read, report, "
		        "report-control, select, operate\n");
	}
	for (size_t i = 0; i < o->n_client; i++) {
		const struct mg_scl_role *r = NULL;
		for (size_t k = 0; k < o->n_role; k++)
			if (!strcmp(o->role[k].name, o->client[i].name))
				r = &o->role[k];
		const char *classes = r ? r->classes : default_scada_classes;
		const char *pre = any_set ? "" : "# ";
		if (r && r->lds[0]) {
			fprintf(out, "%smms allow from @%s to @ieds class association\n", pre,
			        o->client[i].name);
			fprintf(out, "%smms allow from @%s to @ieds class ", pre,
			        o->client[i].name);
			list_out(out, classes);
			fprintf(out, " object ");
			if (ld_patterns(&s, r->lds, out, err, errlen) < 0) {
				free(sv);
				return -1;
			}
			fprintf(out, "  # logical devices: %s\n", r->lds);
		} else {
			fprintf(out, "%smms allow from @%s to @ieds class ", pre,
			        o->client[i].name);
			list_out(out, classes);
			fprintf(out, "%s\n", r ? "" : "  # default SCADA role");
		}
	}
	fprintf(out, "mms default deny\n");
	free(sv);
	return 0;
}
