/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl policy from-scl SCL_FILE [--client NAME=PREFIX[,PREFIX…]]…
 *  [--role NAME=CLASS[,CLASS…][:LD[,LD…]]]… [--enforce] [-o FILE]`:
 * read the substation's SCL file (ctl/scl/) and write a policy. The text is
 * compiled before it is written, so what lands in FILE passes
 * `policy check`; a bad --client prefix or --role class shows up as the
 * compiler's error on the generated line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_cmds.h"
#include "mg_policy.h"
#include "mg_scl.h"

static void usage_to(FILE *f)
{
	fprintf(f,
	        "usage: mmsgatectl policy from-scl SCL_FILE [--client NAME=PREFIX[,PREFIX...]]...\n"
	        "                  [--role NAME=CLASS[,CLASS...][:LD[,LD...]]]... [--enforce] [-o "
	        "FILE]\n\n"
	        "  Write a policy from the substation's SCL file (SCD/CID/ICD): one set per\n"
	        "  IED (ConnectedAP addresses), a set 'ieds' of all, one 'l2 pass' per GOOSE/SV\n"
	        "  stream (VLAN, APPID, destination MAC), and MMS from each --client to the\n"
	        "  IEDs with its --role classes (default: association, browse, read, report,\n"
	        "  report-control, select, operate). ':LD,...' limits a role to those logical\n"
	        "  devices (ldInst or domain name). Mode monitor unless --enforce.\n"
	        "  -o FILE writes FILE instead of stdout. Exit 0 ok, 1 bad file, 2 usage.\n");
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || n >= 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int mg_cmd_policy_from_scl(int argc, char **argv)
{
	struct mg_scl_client cl[32];
	struct mg_scl_role rl[32];
	struct mg_scl_opts o = {.client = cl, .role = rl};
	const char *file = NULL, *outfile = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage_to(stdout);
			return 0;
		}
		if (!strcmp(a, "--enforce")) {
			o.enforce = true;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--client") || !strcmp(a, "--role")) {
			if (i + 1 >= argc)
				goto bad;
			const char *v = argv[++i];
			const char *eq = strchr(v, '=');
			if (!strcmp(a, "-o")) {
				outfile = v;
				continue;
			}
			if (!eq || !valid_name(v, (size_t)(eq - v)) || !eq[1]) {
				fprintf(
				    stderr,
				    "mmsgatectl policy from-scl: %s wants NAME=VALUE, got '%s'\n",
				    a, v);
				goto bad;
			}
			if (!strcmp(a, "--client")) {
				if (o.n_client >= 32 || strlen(eq + 1) >= sizeof(cl[0].prefixes))
					goto bad;
				struct mg_scl_client *c = &cl[o.n_client++];
				snprintf(c->name, sizeof(c->name), "%.*s", (int)(eq - v), v);
				snprintf(c->prefixes, sizeof(c->prefixes), "%s", eq + 1);
			} else {
				if (o.n_role >= 32 || strlen(eq + 1) >= sizeof(rl[0].classes))
					goto bad;
				struct mg_scl_role *r = &rl[o.n_role++];
				snprintf(r->name, sizeof(r->name), "%.*s", (int)(eq - v), v);
				const char *colon = strchr(eq + 1, ':');
				snprintf(r->classes, sizeof(r->classes), "%.*s",
				         colon ? (int)(colon - eq - 1) : (int)strlen(eq + 1),
				         eq + 1);
				snprintf(r->lds, sizeof(r->lds), "%s", colon ? colon + 1 : "");
				if (!r->classes[0] || (colon && !r->lds[0]))
					goto bad;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mmsgatectl policy from-scl: unknown option '%s'\n", a);
			goto bad;
		} else if (!file) {
			file = a;
		} else {
			goto bad;
		}
	}
	if (!file)
		goto bad;

	struct mg_scl s;
	char err[512];
	if (mg_scl_read(file, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		mg_scl_free(&s);
		return 1;
	}
	int rc = mg_scl_policy(&s, &o, mem, err, sizeof(err));
	fclose(mem);
	mg_scl_free(&s);
	if (rc < 0) {
		fprintf(stderr, "mmsgatectl policy from-scl: %s\n", err);
		free(text);
		return 1;
	}
	/* The output must pass `policy check`: compile it here. */
	struct mg_diags d;
	mg_diags_init(&d);
	const char *name = outfile ? outfile : "<from-scl>";
	struct mg_policy *p = mg_policy_compile_string(name, text, &d);
	if (!p) {
		mg_diags_print(&d, stderr);
		fprintf(stderr,
		        "mmsgatectl policy from-scl: the generated policy does not compile (check "
		        "--client prefixes and --role classes)\n");
		mg_diags_free(&d);
		free(text);
		return 1;
	}
	mg_policy_free(p);
	mg_diags_free(&d);
	FILE *f = outfile ? fopen(outfile, "w") : stdout;
	if (!f) {
		fprintf(stderr, "%s: %s\n", outfile, strerror(errno));
		free(text);
		return 1;
	}
	fwrite(text, 1, len, f);
	rc = ferror(f) ? 1 : 0;
	if (outfile && fclose(f) != 0)
		rc = 1;
	free(text);
	return rc;
bad:
	usage_to(stderr);
	return 2;
}
