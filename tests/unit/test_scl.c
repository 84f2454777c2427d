/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `policy from-scl` (ctl/scl/): small SCL files written for these tests
 * (tests/scl/: Edition 1, Edition 2, IPv6, several SubNetworks, missing
 * addresses, malformed XML) and the public files in ../shared/scl/ (read in
 * place, skipped with a message when absent). The generated policy must
 * compile without errors or warnings, name every usable IED address and
 * every GOOSE/SV stream of the file (an XPath over the file is the oracle),
 * and pass exactly the declared streams.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "mg_policy.h"
#include "mg_scl.h"

#define SCL_DIR MG_SOURCE_DIR "/tests/scl/"

/* ../shared/scl next to the repository (CI clones it with ../shared beside it),
 * also from a worktree one level deeper, or $MG_SCL_SHARED. */
static const char *shared_dir(void)
{
	static const char *const cand[] = {MG_SOURCE_DIR "/../shared/scl/",
	                                   MG_SOURCE_DIR "/../../shared/scl/"};
	const char *env = getenv("MG_SCL_SHARED");
	if (env && access(env, R_OK) == 0)
		return env;
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (access(cand[i], R_OK) == 0)
			return cand[i];
	return cand[0];
}

static const struct mg_scl_client scada = {"scada", "10.0.0.10,fd00::10"};

/* Generate with one client (and optional role); returns the text. */
static char *gen(const char *path, const struct mg_scl_role *role, struct mg_scl *s)
{
	char err[512];
	struct mg_scl_opts o = {
	    .n_client = 1, .client = &scada, .n_role = role ? 1 : 0, .role = role, .enforce = true};
	cr_assert_eq(mg_scl_read(path, s, err, sizeof(err)), 0, "%s", err);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_eq(mg_scl_policy(s, &o, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	return text;
}

/* Compile; no errors and no warnings. */
static struct mg_policy *compile_clean(const char *name, const char *text)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string(name, text, &d);
	if (!p || d.nwarnings) {
		mg_diags_print(&d, stderr);
		fprintf(stderr, "%s", text);
	}
	cr_assert_not_null(p, "%s: generated policy does not compile", name);
	cr_assert_eq(d.nwarnings, 0, "%s: warnings", name);
	mg_diags_free(&d);
	return p;
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

static void mac_of(const char *s, uint8_t m[6])
{
	unsigned v[6];
	cr_assert_eq(sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]), 6);
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
}

static enum mg_l2_verdict l2(const struct mg_policy *p, uint16_t et, uint16_t vid, uint32_t appid,
                             const char *mac)
{
	uint8_t m[6];
	mac_of(mac, m);
	enum mg_l2_verdict v = mg_policy_l2(p, et, vid);
	return v == MG_L2_STREAM ? mg_policy_l2_stream(p, et, vid, appid, m) : v;
}

Test(scl, edition1)
{
	struct mg_scl s;
	struct mg_scl_role r = {"scada", "read,report", "PROT"};
	char *t = gen(SCL_DIR "ed1.scd", &r, &s);
	cr_expect_str_empty(s.version);
	cr_expect(has(t, "no version attribute (Edition 1)"));
	cr_expect(has(t, "id \"ed1-test\" version \"3\" revision \"1\" toolID \"handwritten\""));
	cr_expect(has(t, "set ied_BAY1 { 10.1.0.11 }"));
	/* Private section and the vendor-namespace Address are not read */
	cr_expect(!has(t, "10.9.9.9") && !has(t, "10.9.9.8") && !has(t, "GHOST"));
	cr_expect(has(t, "l2 pass goose vlan 10 appid 0x3001 dst 01:0c:cd:01:00:10"));
	cr_expect(has(t, "l2 pass sv vlan 20 appid 0x4001 dst 01:0c:cd:04:00:20"));
	/* Edition 1: domain = IED name + ldInst */
	cr_expect(has(t, "object \"BAY1PROT/*\""), "%s", t);
	struct mg_policy *p = compile_clean("ed1", t);
	cr_expect_eq(l2(p, 0x88B8, 10, 0x3001, "01:0c:cd:01:00:10"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, 10, 0x3002, "01:0c:cd:01:00:10"), MG_L2_UNKNOWN_STREAM);
	cr_expect_eq(l2(p, 0x88B8, 10, 0x3001, "01:0c:cd:01:00:11"), MG_L2_UNKNOWN_STREAM);
	cr_expect_eq(l2(p, 0x88B8, 11, 0x3001, "01:0c:cd:01:00:10"), MG_L2_DROP);
	cr_expect_eq(l2(p, 0x88BA, 20, 0x4001, "01:0c:cd:04:00:20"), MG_L2_PASS);
	mg_policy_free(p);
	mg_scl_free(&s);
	free(t);
}

Test(scl, edition2)
{
	struct mg_scl s;
	struct mg_scl_role r = {"scada", "read", "LD0"};
	char *t = gen(SCL_DIR "ed2.scd", &r, &s);
	cr_expect(has(t, "version 2007 revision B release 4 (Edition 2)"));
	/* two access points on two SubNetworks, loopback left out with reason */
	cr_expect(has(t, "set ied_P1 { 10.2.0.1, 10.3.0.1 }"), "%s", t);
	cr_expect(has(t, "'127.0.0.1' (StationBus/S2, line 46) left out: loopback"));
	cr_expect(has(t, "# IED NOADDR (line 73): no usable IP address in the file (not guessed)"));
	cr_expect(!has(t, "set ied_NOADDR"));
	/* hex VLAN-ID, shared APPID with two MACs: two streams */
	cr_expect(has(t, "l2 pass goose vlan 4011 appid 0x00ff dst 01:0c:cd:01:01:01"));
	cr_expect(has(t, "l2 pass goose vlan 4011 appid 0x00ff dst 01:0c:cd:01:01:02"));
	/* no VLAN-ID: priority-tagged and untagged */
	cr_expect(has(t, "vlan priority-tagged, untagged appid 0x0102"));
	/* R-GOOSE: its IP is not an IED address; GSSE not passed */
	cr_expect(has(t, "LD0/rgcb (line 32) left out: R-GOOSE"));
	cr_expect(!has(t, "set ied_P1 { 239") && !has(t, "239.0.0.9 }"));
	cr_expect(has(t, "gsse1 (line 38): GSEControl type GSSE"));
	cr_expect(!has(t, "appid 0x0300"));
	/* Edition 2: ldName is the domain */
	cr_expect(has(t, "object \"FEEDER1_PROT/*\""));
	struct mg_policy *p = compile_clean("ed2", t);
	cr_expect_eq(l2(p, 0x88B8, 0xfab, 0xff, "01:0c:cd:01:01:02"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, 0xfab, 0xff, "01:0c:cd:01:01:03"), MG_L2_UNKNOWN_STREAM);
	cr_expect_eq(l2(p, 0x88B8, 0, 0x102, "01:0c:cd:01:01:03"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, MG_VID_UNTAGGED, 0x102, "01:0c:cd:01:01:03"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, 0, 0x300, "01:0c:cd:02:00:01"), MG_L2_UNKNOWN_STREAM);
	mg_policy_free(p);
	mg_scl_free(&s);
	free(t);
}

Test(scl, ipv6)
{
	struct mg_scl s;
	char *t = gen(SCL_DIR "ipv6.scd", NULL, &s);
	cr_expect(has(t, "set ied_V6A { fd00:61:850::a }"), "%s", t);
	cr_expect(has(t, "set ied_V6B { 10.6.0.2, fd00:61:850::b }"));
	cr_expect(has(t, "'::' (LAN/A, line 15) left out: unspecified address"), "%s", t);
	cr_expect(has(t, "ip allow icmp nd from any to any"));
	cr_expect(has(t, "0 GOOSE and 0 SV streams"));
	mg_policy_free(compile_clean("ipv6", t));
	mg_scl_free(&s);
	free(t);
}

Test(scl, several_subnetworks)
{
	struct mg_scl s;
	char *t = gen(SCL_DIR "subnets.scd", NULL, &s);
	cr_expect_eq(s.n_subnet, 3);
	cr_expect(has(t, "set ied_GW { 192.0.2.1, 198.51.100.1, 203.0.113.1 }  # A/P1 B/P2 C/P3"));
	cr_expect(has(t, "l2 pass sv vlan 100 appid 0x4000 dst 01:0c:cd:04:00:01"));
	cr_expect(has(t, "l2 pass sv vlan 101 appid 0x4000 dst 01:0c:cd:04:00:02"));
	cr_expect(has(t, "control block not in the IED section"));
	struct mg_policy *p = compile_clean("subnets", t);
	cr_expect_eq(l2(p, 0x88BA, 100, 0x4000, "01:0c:cd:04:00:02"), MG_L2_UNKNOWN_STREAM);
	cr_expect_eq(l2(p, 0x88BA, 101, 0x4000, "01:0c:cd:04:00:02"), MG_L2_PASS);
	mg_policy_free(p);
	mg_scl_free(&s);
	free(t);
}

Test(scl, bad_files)
{
	struct mg_scl s;
	char err[512];
	cr_expect_eq(mg_scl_read(SCL_DIR "malformed.scd", &s, err, sizeof(err)), -1);
	cr_expect(has(err, "malformed.scd:6: malformed XML"), "%s", err);
	cr_expect_eq(mg_scl_read(SCL_DIR "notscl.xml", &s, err, sizeof(err)), -1);
	cr_expect(has(err, "notscl.xml:2: not an SCL file"), "%s", err);
	cr_expect_eq(mg_scl_read(SCL_DIR "does-not-exist.scd", &s, err, sizeof(err)), -1);
	cr_expect(has(err, "does-not-exist.scd"), "%s", err);

	/* a role for an unknown client or logical device is an error */
	cr_assert_eq(mg_scl_read(SCL_DIR "ed1.scd", &s, err, sizeof(err)), 0);
	struct mg_scl_role r1 = {"nobody", "read", ""}, r2 = {"scada", "read", "NOPE"};
	struct mg_scl_opts o = {.n_client = 1, .client = &scada, .n_role = 1, .role = &r1};
	FILE *f = fopen("/dev/null", "w");
	cr_expect_eq(mg_scl_policy(&s, &o, f, err, sizeof(err)), -1);
	cr_expect(has(err, "no --client nobody"), "%s", err);
	o.role = &r2;
	cr_expect_eq(mg_scl_policy(&s, &o, f, err, sizeof(err)), -1);
	cr_expect(has(err, "no logical device 'NOPE'"), "%s", err);
	fclose(f);
	mg_scl_free(&s);
}

/* XPath oracle over a file: every ConnectedAP address and every GSE/SMV
 * must be named in the policy (as a set element, or in a comment saying
 * why it was left out). */
static void check_public(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", shared_dir(), name);
	if (access(path, R_OK) != 0)
		cr_skip_test("%s absent: public SCL files not available here", path);
	struct mg_scl s;
	char *t = gen(path, NULL, &s);
	struct mg_policy *p = compile_clean(name, t);

	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc);
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
	    (const xmlChar *)"//*[local-name()='ConnectedAP']/*[local-name()='Address']/"
	                     "*[local-name()='P'][@type='IP' or @type='IPv6']",
	    x);
	size_t n_addr = 0, n_streams = 0, n_rules = 0;
	for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		char want1[96], want2[96], want3[96];
		snprintf(want1, sizeof(want1), " %s,", (const char *)v);
		snprintf(want2, sizeof(want2), " %s }", (const char *)v);
		snprintf(want3, sizeof(want3), "'%s'", (const char *)v);
		cr_expect(has(t, want1) || has(t, want2) || has(t, want3),
		          "%s: address %s not named", name, (const char *)v);
		xmlFree(v);
		n_addr++;
	}
	xmlXPathFreeObject(r);
	r = xmlXPathEvalExpression((const xmlChar *)"//*[local-name()='GSE' or local-name()='SMV']",
	                           x);
	for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlNodePtr g = r->nodesetval->nodeTab[i];
		xmlChar *cb = xmlGetProp(g, (const xmlChar *)"cbName");
		char want[160];
		snprintf(want, sizeof(want), "/%s (", (const char *)cb);
		cr_expect(has(t, want), "%s: control block %s not named", name, (const char *)cb);
		/* its APPID and MAC are in an l2 rule, or its comment says why not */
		char line[32];
		snprintf(line, sizeof(line), "line %ld", xmlGetLineNo(g));
		const char *at = strstr(t, line);
		cr_assert_not_null(at, "%s: %s not found", name, line);
		const char *bol = at;
		while (bol > t && bol[-1] != '\n')
			bol--;
		const char *eol = strchr(at, '\n');
		char row[512];
		snprintf(row, sizeof(row), "%.*s", (int)(eol ? eol - bol : (long)strlen(bol)), bol);
		int appid = -1;
		char mac[24] = "";
		for (xmlNodePtr a = g->children; a; a = a->next)
			for (xmlNodePtr q = a->children; q; q = q->next) {
				xmlChar *ty = q->type == XML_ELEMENT_NODE
				                  ? xmlGetProp(q, (const xmlChar *)"type")
				                  : NULL;
				xmlChar *v = ty ? xmlNodeGetContent(q) : NULL;
				if (ty && !strcmp((const char *)ty, "APPID"))
					appid = (int)strtol((const char *)v, NULL, 16);
				if (ty && !strcmp((const char *)ty, "MAC-Address"))
					for (int k = 0; k < 17 && v[k]; k++)
						mac[k] = v[k] == '-' ? ':' : (char)tolower(v[k]);
				xmlFree(ty);
				xmlFree(v);
			}
		if (!strncmp(row, "l2 pass", 7)) {
			char want_a[64];
			snprintf(want_a, sizeof(want_a), "appid 0x%04x dst %s", appid, mac);
			cr_expect(has(row, want_a), "%s: '%s' lacks '%s'", name, row, want_a);
			n_rules++;
		} else {
			cr_expect(row[0] == '#' && (has(row, "left out") || has(row, "GSSE") ||
			                            has(row, "same stream")),
			          "%s: '%s' neither a rule nor an explained omission", name, row);
		}
		xmlFree(cb);
		n_streams++;
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	cr_log_info("%s: %zu addresses, %zu GSE/SMV (%zu as l2 rules) checked", name, n_addr,
	            n_streams, n_rules);
	cr_expect_gt(n_addr, 0);
	mg_policy_free(p);
	mg_scl_free(&s);
	free(t);
}

Test(scl_public, adsc_combined)
{
	check_public("ADSC_combined_SS.scd");
}

Test(scl_public, sisco_ed2)
{
	check_public("sisco_sample_ed2.scd");
}

Test(scl_public, libiec61850_goose_cid)
{
	check_public("libiec61850_simpleIO_direct_control_goose.cid");
}

/* Every stream rule of the sample SCD passes its own stream and nothing
 * else on its VLAN. */
Test(scl_public, sisco_streams_pass_exactly)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/sisco_sample_ed2.scd", shared_dir());
	if (access(path, R_OK) != 0)
		cr_skip_test("%s absent: public SCL files not available here", path);
	struct mg_scl s;
	char *t = gen(path, NULL, &s);
	struct mg_policy *p = compile_clean("sisco", t);
	cr_expect_eq(l2(p, 0x88B8, 0xfab, 0xff, "01:0c:cd:01:00:01"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, 0xfab, 0xff, "01:0c:cd:01:00:99"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88B8, 0xfab, 0x100, "01:0c:cd:01:00:01"), MG_L2_UNKNOWN_STREAM);
	cr_expect_eq(l2(p, 0x88BA, 2, 0x2000, "01:0c:cd:04:00:02"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88BA, 2, 0x2000, "01:0c:cd:04:00:03"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88BA, 1, 0x1000, "01:0c:cd:04:00:01"), MG_L2_PASS);
	cr_expect_eq(l2(p, 0x88BA, 1, 0x2000, "01:0c:cd:04:00:02"), MG_L2_UNKNOWN_STREAM);
	/* GSSE test block is not GOOSE: not passed */
	cr_expect_eq(l2(p, 0x88B8, 0x123, 0x5000, "01:0c:cd:01:00:02"), MG_L2_DROP);
	mg_policy_free(p);
	mg_scl_free(&s);
	free(t);
}
