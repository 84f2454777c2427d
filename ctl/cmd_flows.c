/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl flows`: the live associations the workers track — client,
 * IED, TCP/association state, age, PDUs (per direction, per MMS service
 * where the daemon counts them) and denies. The daemon reads the per-worker
 * tables without locks, so the list is a snapshot that may be a few
 * microseconds inconsistent, never a stall of the workers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl flows [--limit N] [--json]\n\n"
		   "List live associations: client, IED, state, age, idle time, PDUs\n"
		   "client->IED and IED->client, PDUs per IEC 61850 service class\n"
		   "(read, operate, get-file, ...), denies, and what the gate does to the\n"
		   "TCP of an inspected flow per direction (> client to IED, < back):\n"
		   "segments held for a verdict, segments in its custody (acknowledged\n"
		   "to their sender, kept until the receiver acknowledges them), a\n"
		   "receiver window clamped to 64 KiB.\n\n"
		   "options:\n"
		   "  -l, --limit N       at most N flows (default 1000)\n" MG_CTL_COMMON_HELP);
}

static const char *s_or(const json_t *o, const char *k, const char *def)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : def;
}

/* "held 3>, custody >, clamp <": what the gate does to the flow's TCP now,
 * per direction (> client to IED, < IED to client); "-" when nothing. */
static void tcp_cell(char *buf, size_t cap, const json_t *tcp)
{
	static const char *const dn[2] = {"c2s", "s2c"}, *const arrow[2] = {">", "<"};
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned d = 0; json_is_object(tcp) && d < 2; d++) {
		const json_t *o = json_object_get(tcp, dn[d]);
		json_int_t held = json_integer_value(json_object_get(o, "held"));
		json_int_t kept = json_integer_value(json_object_get(o, "kept"));
		int w = 0;
		if (held)
			w = snprintf(buf + k, cap - k, "%sheld %" JSON_INTEGER_FORMAT "%s", k ? ", " : "",
				     held, arrow[d]);
		if (w >= 0 && (size_t)w < cap - k)
			k += (size_t)w;
		w = 0;
		if (json_is_true(json_object_get(o, "custody")))
			w = snprintf(buf + k, cap - k, "%scustody %" JSON_INTEGER_FORMAT "%s",
				     k ? ", " : "", kept, arrow[d]);
		if (w >= 0 && (size_t)w < cap - k)
			k += (size_t)w;
		w = 0;
		if (json_is_true(json_object_get(o, "window_clamped")))
			w = snprintf(buf + k, cap - k, "%sclamp %s", k ? ", " : "", arrow[d]);
		if (w >= 0 && (size_t)w < cap - k)
			k += (size_t)w;
	}
	if (k == 0)
		snprintf(buf, cap, "-");
}

static void print_human(const json_t *d)
{
	static const char *const h[] = {"CLIENT", "IED", "KIND", "STATE", "ASSOC", "AGE",
					"IDLE", "PDUS>", "PDUS<", "DENIES", "TCP", "PDUS PER CLASS"};
	const json_t *flows = json_object_get(d, "flows");
	struct mg_table *t = mg_table_new(12, h);
	json_t *f;
	size_t i;
	char a[32], b[32];

	json_array_foreach(flows, i, f) {
		mg_table_row(t);
		mg_table_cell(t, "%s", s_or(f, "client", "?"));
		mg_table_cell(t, "%s", s_or(f, "ied", "?"));
		mg_table_cell(t, "%s", s_or(f, "kind", "-"));
		mg_table_cell(t, "%s", s_or(f, "state", "?"));
		mg_table_cell(t, "%s", s_or(f, "assoc", "-"));
		mg_table_cell(t, "%s", mg_fmt_duration(a, sizeof(a), json_number_value(json_object_get(f, "age_s"))));
		mg_table_cell(t, "%s", mg_fmt_duration(b, sizeof(b), json_number_value(json_object_get(f, "idle_s"))));
		mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(f, "pdus_c2s")));
		mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(f, "pdus_s2c")));
		mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(f, "denies")));
		char tcp[96];
		tcp_cell(tcp, sizeof(tcp), json_object_get(f, "tcp"));
		mg_table_cell(t, "%s", tcp);
		/* "read=12 write=1" */
		json_t *svc = json_object_get(f, "classes");
		if (!json_is_object(svc))
			svc = json_object_get(f, "services");
		char buf[256] = "";
		size_t k = 0;
		const char *sn;
		json_t *sv;
		if (json_is_object(svc))
			json_object_foreach(svc, sn, sv) {
				int w = snprintf(buf + k, sizeof(buf) - k, "%s%s=%" JSON_INTEGER_FORMAT,
						 k ? " " : "", sn, json_integer_value(sv));
				if (w < 0 || (size_t)w >= sizeof(buf) - k)
					break;
				k += (size_t)w;
			}
		mg_table_cell(t, "%s", k ? buf : "-");
	}
	if (mg_table_rows(t))
		mg_table_print(t, stdout, 0);
	printf("%" JSON_INTEGER_FORMAT " flow(s)%s\n", json_integer_value(json_object_get(d, "count")),
	       json_is_true(json_object_get(d, "truncated")) ? " (list truncated: use --limit)" : "");
	mg_table_free(t);
}

int mg_cmd_flows(int argc, char **argv)
{
	static const struct option lo[] = {MG_CTL_COMMON_LONGOPTS,
					   {"limit", required_argument, NULL, 'l'},
					   {NULL, 0, NULL, 0}};
	struct mg_ctl_opts o;
	unsigned long long limit = 1000;
	json_t *data, *args;
	int c, rc;

	mg_ctl_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, MG_CTL_COMMON_SHORTOPTS "l:", lo, NULL)) != -1) {
		switch (mg_ctl_opt(c, optarg, &o, "flows", argv)) {
		case MG_OPT_DONE:
			continue;
		case MG_OPT_HELP:
			usage(stdout);
			return 0;
		case MG_OPT_BAD:
			usage(stderr);
			return 2;
		default:
			break;
		}
		if (c == 'l' && !mg_ctl_parse_uint(optarg, 1000000, &limit) && limit > 0)
			continue;
		if (c == 'l')
			fprintf(stderr, "mmsgatectl flows: --limit wants 1..1000000, not '%s'\n", optarg);
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "mmsgatectl flows: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	args = json_pack("{s:I}", "limit", (json_int_t)limit);
	rc = mg_ctl_call(MG_CTL_CMD_FLOWS, args, o.timeout_ms, &data);
	json_decref(args);
	if (rc)
		return 1;
	if (o.json)
		mg_ctl_print_json(data, o.pretty);
	else
		print_human(data);
	json_decref(data);
	return 0;
}
