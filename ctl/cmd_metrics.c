/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl metrics`: the running daemon's counters in the Prometheus
 * text format, exactly what its /metrics endpoint serves (the daemon
 * renders both, dataplane/metrics.c), for node_exporter's textfile
 * collector or a look without an HTTP listener.
 */
#include <stdio.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl metrics [--json]\n\n"
	           "  the counters in the Prometheus text format (the daemon's /metrics);\n"
	           "  for node_exporter's textfile collector:\n"
	           "    mmsgatectl metrics > /var/lib/prometheus/node-exporter/mmsgate.prom.$$ &&\n"
	           "      mv /var/lib/prometheus/node-exporter/mmsgate.prom.$$ "
	           "/var/lib/prometheus/node-exporter/mmsgate.prom\n\n"
	           "options:\n" MG_CTL_COMMON_HELP);
}

int mg_cmd_metrics(int argc, char **argv)
{
	struct mg_ctl_opts o;
	json_t *data;

	int rc = mg_ctl_parse_common(argc, argv, "metrics", usage, &o);
	if (rc >= 0)
		return rc;
	if (optind != argc) {
		fprintf(stderr, "mmsgatectl metrics: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (mg_ctl_call(MG_CTL_CMD_METRICS, NULL, o.timeout_ms, &data))
		return 1;
	if (o.json) {
		mg_ctl_print_json(data, o.pretty);
	} else {
		const char *t = json_string_value(json_object_get(data, "text"));
		fputs(t ? t : "", stdout);
	}
	json_decref(data);
	return 0;
}
