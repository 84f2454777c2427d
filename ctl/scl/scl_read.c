/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SCL reader: libxml2 builds the tree (no hand-written XML), this file
 * walks the few parts a policy needs. Elements are matched by local name
 * in the SCL namespace (or none), so vendor elements in other namespaces
 * and everything under <Private> are ignored. IED addresses come only from
 * a ConnectedAP's own <Address>; an IP inside GSE/SMV is R-GOOSE/R-SV
 * multicast, kept on the stream. Edition 1 files (no version attribute)
 * and Edition 2 (ldName overrides the MMS domain name) are both read.
 * Untrusted input: no network access, no entity substitution, no DTD load.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "mg_scl.h"

#define SCL_NS "http://www.iec.ch/61850/2003/SCL"

static bool is_el(const xmlNode *n, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	return !n->ns || !n->ns->href || !strcmp((const char *)n->ns->href, SCL_NS);
}

static void copy_trim(char *dst, size_t n, const char *src)
{
	while (*src && isspace((unsigned char)*src))
		src++;
	size_t l = strlen(src);
	while (l && isspace((unsigned char)src[l - 1]))
		l--;
	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = 0;
}

static bool attr(const xmlNode *n, const char *name, char *buf, size_t len)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	buf[0] = 0;
	if (!v)
		return false;
	copy_trim(buf, len, (const char *)v);
	xmlFree(v);
	return true;
}

static void text(const xmlNode *n, char *buf, size_t len)
{
	xmlChar *v = xmlNodeGetContent(n);
	buf[0] = 0;
	if (v) {
		copy_trim(buf, len, (const char *)v);
		xmlFree(v);
	}
}

static void *grow(void *v, size_t n, size_t elem)
{
	/* n is the new count: grow at powers of two */
	if (n & (n - 1))
		return v;
	void *r = realloc(v, (n ? 2 * n : 1) * elem);
	return r;
}

static struct mg_scl_ied *ied_get(struct mg_scl *s, const char *name, unsigned line)
{
	for (size_t i = 0; i < s->n_ied; i++)
		if (!strcmp(s->ied[i].name, name))
			return &s->ied[i];
	struct mg_scl_ied *v = grow(s->ied, s->n_ied, sizeof(*v));
	if (!v)
		return NULL;
	s->ied = v;
	struct mg_scl_ied *d = &s->ied[s->n_ied++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->line = line;
	return d;
}

/* Hexadecimal text as SCL writes APPID and VLAN-ID ("fab", "123" = 0x123,
 * optionally "0x"). -1 if not hex or above max. */
static int parse_hex(const char *t, int max)
{
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		t += 2;
	if (!*t || strlen(t) > 8)
		return -1;
	long v = 0;
	for (; *t; t++) {
		if (!isxdigit((unsigned char)*t))
			return -1;
		v = v * 16 + (isdigit((unsigned char)*t) ? *t - '0' : (tolower(*t) - 'a' + 10));
	}
	return v > max ? -1 : (int)v;
}

static bool parse_mac(const char *t, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *q = t + 3 * i;
		if (!isxdigit((unsigned char)q[0]) || !isxdigit((unsigned char)q[1]))
			return false;
		if (i < 5 ? (q[2] != '-' && q[2] != ':') : q[2] != 0)
			return false;
		char h[3] = {q[0], q[1], 0};
		mac[i] = (uint8_t)strtoul(h, NULL, 16);
	}
	return true;
}

static void read_ap_address(struct mg_scl *s, struct mg_scl_ied *ied, const xmlNode *addr,
                            const char *subnet, const char *ap)
{
	for (const xmlNode *p = addr->children; p; p = p->next) {
		char type[32];
		if (!is_el(p, "P") || !attr(p, "type", type, sizeof(type)))
			continue;
		if (strcmp(type, "IP") && strcmp(type, "IPv6"))
			continue;
		struct mg_scl_addr *v = grow(ied->addr, ied->n_addr, sizeof(*v));
		if (!v)
			return;
		ied->addr = v;
		struct mg_scl_addr *a = &ied->addr[ied->n_addr++];
		memset(a, 0, sizeof(*a));
		text(p, a->text, sizeof(a->text));
		snprintf(a->subnet, sizeof(a->subnet), "%s", subnet);
		snprintf(a->ap, sizeof(a->ap), "%s", ap);
		a->line = (unsigned)xmlGetLineNo(p);
		uint8_t b[16];
		if (inet_pton(AF_INET, a->text, b) == 1) {
			a->family = 4;
			if (b[0] == 127)
				snprintf(a->why, sizeof(a->why), "loopback");
			else if (!memcmp(b, "\0\0\0\0", 4))
				snprintf(a->why, sizeof(a->why), "unspecified address");
			else if (b[0] >= 224)
				snprintf(a->why, sizeof(a->why), "multicast/broadcast, not a host");
		} else if (inet_pton(AF_INET6, a->text, b) == 1) {
			static const uint8_t zero[16], one[16] = {[15] = 1};
			a->family = 6;
			if (!memcmp(b, one, 16))
				snprintf(a->why, sizeof(a->why), "loopback");
			else if (!memcmp(b, zero, 16))
				snprintf(a->why, sizeof(a->why), "unspecified address");
			else if (b[0] == 0xff)
				snprintf(a->why, sizeof(a->why), "multicast, not a host");
		} else {
			snprintf(a->why, sizeof(a->why), "not an IP address");
		}
		if (a->why[0])
			a->family = 0;
		(void)s;
	}
}

static void read_stream(struct mg_scl *s, const xmlNode *g, bool sv, const char *ied,
                        const char *subnet, const char *ap)
{
	struct mg_scl_stream *v = grow(s->stream, s->n_stream, sizeof(*v));
	if (!v)
		return;
	s->stream = v;
	struct mg_scl_stream *st = &s->stream[s->n_stream++];
	memset(st, 0, sizeof(*st));
	st->sv = sv;
	st->appid = st->vid = -1;
	st->line = (unsigned)xmlGetLineNo(g);
	snprintf(st->ied, sizeof(st->ied), "%s", ied);
	snprintf(st->subnet, sizeof(st->subnet), "%s", subnet);
	snprintf(st->ap, sizeof(st->ap), "%s", ap);
	attr(g, "ldInst", st->ld, sizeof(st->ld));
	attr(g, "cbName", st->cb, sizeof(st->cb));
	for (const xmlNode *a = g->children; a; a = a->next) {
		if (!is_el(a, "Address"))
			continue;
		for (const xmlNode *p = a->children; p; p = p->next) {
			char type[32], t[128];
			if (!is_el(p, "P") || !attr(p, "type", type, sizeof(type)))
				continue;
			text(p, t, sizeof(t));
			if (!strcmp(type, "MAC-Address")) {
				st->has_mac = parse_mac(t, st->mac);
				if (!st->has_mac && !st->why[0])
					snprintf(st->why, sizeof(st->why),
					         "MAC-Address '%.40s' is not a MAC", t);
			} else if (!strcmp(type, "APPID")) {
				st->appid = parse_hex(t, 0xFFFF);
				if (st->appid < 0 && !st->why[0])
					snprintf(st->why, sizeof(st->why),
					         "APPID '%.40s' is not 0-FFFF hex", t);
			} else if (!strcmp(type, "VLAN-ID")) {
				st->vid = parse_hex(t, 0xFFF);
				if (st->vid < 0 && !st->why[0])
					snprintf(st->why, sizeof(st->why),
					         "VLAN-ID '%.40s' is not 0-FFF hex", t);
			} else if (!strcmp(type, "IP") || !strcmp(type, "IPv6")) {
				snprintf(st->ip, sizeof(st->ip), "%.63s", t);
			}
		}
	}
}

static void read_communication(struct mg_scl *s, const xmlNode *comm)
{
	for (const xmlNode *sn = comm->children; sn; sn = sn->next) {
		if (!is_el(sn, "SubNetwork"))
			continue;
		char subnet[MG_SCL_NAME];
		attr(sn, "name", subnet, sizeof(subnet));
		s->n_subnet++;
		for (const xmlNode *cap = sn->children; cap; cap = cap->next) {
			if (!is_el(cap, "ConnectedAP"))
				continue;
			char iedname[MG_SCL_NAME], ap[MG_SCL_NAME];
			attr(cap, "iedName", iedname, sizeof(iedname));
			attr(cap, "apName", ap, sizeof(ap));
			s->n_cap++;
			struct mg_scl_ied *ied = ied_get(s, iedname, (unsigned)xmlGetLineNo(cap));
			if (!ied)
				return;
			ied->connected = true;
			for (const xmlNode *c = cap->children; c; c = c->next) {
				if (is_el(c, "Address"))
					read_ap_address(s, ied, c, subnet, ap);
				else if (is_el(c, "GSE") || is_el(c, "SMV"))
					read_stream(s, c, is_el(c, "SMV"), iedname, subnet, ap);
			}
		}
	}
}

/* IED/AccessPoint/Server/LDevice: the MMS domains; LN0's control blocks
 * tell GOOSE from GSSE and confirm the GSE/SMV elements. */
static void read_ied(struct mg_scl *s, const xmlNode *n)
{
	char name[MG_SCL_NAME];
	attr(n, "name", name, sizeof(name));
	struct mg_scl_ied *ied = ied_get(s, name, (unsigned)xmlGetLineNo(n));
	if (!ied)
		return;
	ied->declared = true;
	ied->line = (unsigned)xmlGetLineNo(n);
	for (const xmlNode *ap = n->children; ap; ap = ap->next) {
		if (!is_el(ap, "AccessPoint"))
			continue;
		for (const xmlNode *srv = ap->children; srv; srv = srv->next) {
			if (!is_el(srv, "Server"))
				continue;
			for (const xmlNode *ld = srv->children; ld; ld = ld->next) {
				if (!is_el(ld, "LDevice"))
					continue;
				struct mg_scl_ld *v = grow(ied->ld, ied->n_ld, sizeof(*v));
				if (!v)
					return;
				ied->ld = v;
				struct mg_scl_ld *l = &ied->ld[ied->n_ld++];
				char ldname[MG_SCL_NAME];
				attr(ld, "inst", l->inst, sizeof(l->inst));
				if (attr(ld, "ldName", ldname, sizeof(ldname)) && ldname[0])
					snprintf(l->domain, sizeof(l->domain), "%s", ldname);
				else
					snprintf(l->domain, sizeof(l->domain), "%.47s%.47s", name,
					         l->inst);
				for (const xmlNode *ln0 = ld->children; ln0; ln0 = ln0->next) {
					if (!is_el(ln0, "LN0"))
						continue;
					for (const xmlNode *cb = ln0->children; cb; cb = cb->next) {
						bool gse = is_el(cb, "GSEControl");
						if (!gse && !is_el(cb, "SampledValueControl"))
							continue;
						char cbname[MG_SCL_NAME], type[16];
						attr(cb, "name", cbname, sizeof(cbname));
						attr(cb, "type", type, sizeof(type));
						for (size_t i = 0; i < s->n_stream; i++) {
							struct mg_scl_stream *st = &s->stream[i];
							if (st->sv == gse ||
							    strcmp(st->ied, name) ||
							    strcmp(st->ld, l->inst) ||
							    strcmp(st->cb, cbname))
								continue;
							st->cb_found = true;
							st->gsse = gse && !strcmp(type, "GSSE");
						}
					}
				}
			}
		}
	}
}

struct errctx {
	char *err;
	size_t len;
	bool set;
	const char *path;
};

static void on_xml_error(void *vctx, const xmlError *e)
{
	struct errctx *c = vctx;
	if (c->set || !e || e->level < XML_ERR_ERROR)
		return;
	char msg[256];
	copy_trim(msg, sizeof(msg), e->message ? e->message : "XML error");
	snprintf(c->err, c->len, "%s:%d: malformed XML: %s", e->file ? e->file : c->path, e->line,
	         msg);
	c->set = true;
}

int mg_scl_read(const char *path, struct mg_scl *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", path);
	struct errctx ec = {err, errlen, false, path};
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	xmlSetStructuredErrorFunc(&ec, (xmlStructuredErrorFunc)on_xml_error);
	xmlDocPtr doc = xmlCtxtReadFile(
	    ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctxt);
	if (!doc) {
		if (!ec.set) {
			FILE *f = fopen(path, "r");
			if (!f)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			else {
				fclose(f);
				snprintf(err, errlen, "%s:1: not a readable XML document", path);
			}
		}
		return -1;
	}
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !is_el(root, "SCL")) {
		snprintf(err, errlen, "%s:%ld: not an SCL file (root element <%s>, expected <SCL>)",
		         path, root ? xmlGetLineNo(root) : 1L,
		         root ? (const char *)root->name : "");
		xmlFreeDoc(doc);
		return -1;
	}
	attr(root, "version", out->version, sizeof(out->version));
	attr(root, "revision", out->revision, sizeof(out->revision));
	attr(root, "release", out->release, sizeof(out->release));
	/* Communication first: the IED section then marks which GSE/SMV
	 * elements name a real control block. */
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (is_el(c, "Header")) {
			attr(c, "id", out->hdr_id, sizeof(out->hdr_id));
			attr(c, "version", out->hdr_version, sizeof(out->hdr_version));
			attr(c, "revision", out->hdr_revision, sizeof(out->hdr_revision));
			attr(c, "toolID", out->hdr_tool, sizeof(out->hdr_tool));
		} else if (is_el(c, "Communication")) {
			read_communication(out, c);
		}
	}
	for (const xmlNode *c = root->children; c; c = c->next)
		if (is_el(c, "IED"))
			read_ied(out, c);
	xmlFreeDoc(doc);
	return 0;
}

void mg_scl_free(struct mg_scl *s)
{
	for (size_t i = 0; i < s->n_ied; i++) {
		free(s->ied[i].addr);
		free(s->ied[i].ld);
	}
	free(s->ied);
	free(s->stream);
	memset(s, 0, sizeof(*s));
}
