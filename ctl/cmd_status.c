/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl status`: one look at the running daemon — version, uptime,
 * mode, ports and link state, workers, the running policy (file,
 * generation, load time) and the counts that tell whether traffic flows
 * and what is being refused.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl status [--json] [--socket PATH]\n\n"
		   "Show the running mmsgate: version, uptime, mode, ports and link\n"
		   "state, workers, policy file + generation + load time, and counts.\n\n"
		   "options:\n" MG_CTL_COMMON_HELP);
}

static const char *s_or(const json_t *o, const char *k, const char *def)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : def;
}

static long long i_or(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static void print_human(const json_t *d)
{
	char dur[32];
	const json_t *pol = json_object_get(d, "policy");
	const json_t *ports = json_object_get(d, "ports");
	const json_t *cnt = json_object_get(d, "counts");
	json_t *v;
	size_t i;

	printf("mmsgate %s  pid %lld  up %s\n", s_or(d, "version", "?"), i_or(d, "pid"),
	       mg_fmt_duration(dur, sizeof(dur), json_number_value(json_object_get(d, "uptime_s"))));
	printf("mode     %s%s\n", s_or(d, "mode", "?"),
	       json_is_true(json_object_get(d, "mode_override")) ? " (set by mmsgatectl mode)" : "");
	printf("workers  %lld\n", i_or(d, "workers"));
	if (pol) {
		printf("policy   %s\n", s_or(pol, "path", "?"));
		printf("         generation %lld, loaded %s", i_or(pol, "generation"),
		       s_or(pol, "loaded_at", "?"));
		if (json_is_number(json_object_get(pol, "age_s")))
			printf(" (%s ago)", mg_fmt_duration(dur, sizeof(dur),
							    json_number_value(json_object_get(pol, "age_s"))));
		printf("\n");
	}
	if (json_is_array(ports) && json_array_size(ports)) {
		static const char *const h[] = {"SIDE", "PORT", "DEVICE", "LINK", "SPEED", "RX", "TX", "DROP"};
		struct mg_table *t = mg_table_new(8, h);
		json_array_foreach(ports, i, v) {
			mg_table_row(t);
			mg_table_cell(t, "%s", s_or(v, "side", "?"));
			mg_table_cell(t, "%lld", i_or(v, "port"));
			mg_table_cell(t, "%s", s_or(v, "name", "?"));
			mg_table_cell(t, "%s", s_or(v, "link", "?"));
			if (i_or(v, "speed_mbps") > 0)
				mg_table_cell(t, "%lldM", i_or(v, "speed_mbps"));
			else
				mg_table_cell(t, "-");
			mg_table_cell(t, "%lld", i_or(v, "rx"));
			mg_table_cell(t, "%lld", i_or(v, "tx"));
			mg_table_cell(t, "%lld", i_or(v, "drop"));
		}
		printf("\n");
		mg_table_print(t, stdout, 0);
		mg_table_free(t);
	}
	if (json_is_object(cnt)) {
		const char *k;
		static const char *const h[] = {"COUNT", "VALUE"};
		struct mg_table *t = mg_table_new(2, h);
		json_object_foreach((json_t *)cnt, k, v) {
			mg_table_row(t);
			mg_table_cell(t, "%s", k);
			if (json_is_integer(v))
				mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			else
				mg_table_cell(t, "%g", json_number_value(v));
		}
		printf("\n");
		mg_table_print(t, stdout, 0);
		mg_table_free(t);
	}
}

int mg_cmd_status(int argc, char **argv)
{
	struct mg_ctl_opts o;
	json_t *data;

	int rc = mg_ctl_parse_common(argc, argv, "status", usage, &o);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "mmsgatectl status: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (mg_ctl_call(MG_CTL_CMD_STATUS, NULL, o.timeout_ms, &data))
		return 1;
	if (o.json)
		mg_ctl_print_json(data, o.pretty);
	else
		print_human(data);
	json_decref(data);
	return 0;
}
