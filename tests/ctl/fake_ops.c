/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fake control ops (fake_ops.h): shaped like dataplane/ctl_ops.c's answers
 * so mmsgatectl's human and JSON output can be exercised end to end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ops.h"

void fake_state_init(struct fake_state *st)
{
	memset(st, 0, sizeof(*st));
	st->generation = 1;
	snprintf(st->mode, sizeof(st->mode), "enforce");
	snprintf(st->policy_path, sizeof(st->policy_path), "/etc/mmsgate/fake.pol");
	st->nflows = 3;
	st->nevents = 5;
}

static int f_status(void *ud, json_t *out, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	json_object_set_new(out, "version", json_string("0.1.0-fake"));
	json_object_set_new(out, "pid", json_integer(1));
	json_object_set_new(out, "uptime_s", json_real(12.5));
	json_object_set_new(out, "mode", json_string(st->mode));
	json_object_set_new(out, "workers", json_integer(2));
	json_object_set_new(out, "generation", json_integer((json_int_t)st->generation));
	json_object_set_new(out, "policy",
			    json_pack("{s:s,s:I,s:s,s:f}", "path", st->policy_path, "generation",
				      (json_int_t)st->generation, "loaded_at", "2026-01-01T00:00:00Z",
				      "age_s", 3.0));
	json_object_set_new(out, "ports",
			    json_pack("[{s:s,s:i,s:s,s:s,s:i,s:i,s:i,s:i},{s:s,s:i,s:s,s:s,s:i,s:i,s:i,s:i}]",
				      "side", "inside", "port", 0, "name", "net_ring0", "link", "up",
				      "speed_mbps", 10000, "rx", 10, "tx", 9, "drop", 1, "side",
				      "outside", "port", 1, "name", "net_ring1", "link", "up",
				      "speed_mbps", 10000, "rx", 9, "tx", 9, "drop", 0));
	json_object_set_new(out, "counts", json_pack("{s:i,s:i,s:i}", "rx", 19, "tx", 18, "dropped", 1));
	return 0;
}

static int f_stats(void *ud, json_t *out, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	json_int_t n = (json_int_t)++st->stats_calls;
	json_object_set_new(out, "ports",
			    json_pack("{s:{s:i,s:I,s:I,s:i},s:{s:i,s:I,s:I,s:i}}", "inside", "port", 0,
				      "rx", 100 * n, "tx", 100 * n, "drop", 0, "outside", "port", 1,
				      "rx", 100 * n, "tx", 99 * n, "drop", 1));
	json_object_set_new(out, "l2", json_pack("{s:I,s:i,s:I}", "goose", 10 * n, "sv", 0, "ipv4", 190 * n));
	json_object_set_new(out, "services", json_pack("{s:I,s:I}", "read", 7 * n, "write", n));
	json_object_set_new(out, "iec_classes", json_pack("{s:I}", "operate", n));
	json_object_set_new(out, "verdicts", json_pack("{s:I,s:I,s:i}", "allow", 7 * n, "deny", n, "alert", 0));
	json_object_set_new(out, "drops", json_pack("{s:I}", "mms_denied", n));
	json_object_set_new(out, "mms_pdus", json_integer(8 * n));
	return 0;
}

static int f_flows(void *ud, unsigned limit, json_t *out, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	json_t *a = json_array();
	char *pad = calloc(1, st->flow_pad + 1);
	if (!pad)
		return -1;
	memset(pad, 'x', st->flow_pad);
	for (unsigned i = 0; i < st->nflows && i < limit; i++) {
		char c[32];
		snprintf(c, sizeof(c), "10.0.0.%u:%u", 1 + i % 250, 40000 + i);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:i,s:i,s:i,s:{s:i},s:s}",
						   "client", c, "ied", "10.0.1.1:102", "kind", "mms",
						   "state", "established", "assoc", "associated", "age_s", 5.0,
						   "idle_s", 0.5, "pdus_c2s", 4, "pdus_s2c", 4, "denies", 0,
						   "classes", "read", 4, "pad", pad));
	}
	free(pad);
	json_object_set_new(out, "flows", a);
	json_object_set_new(out, "count", json_integer((json_int_t)st->nflows));
	json_object_set_new(out, "truncated", json_boolean(st->nflows > limit));
	return 0;
}

static int f_events(void *ud, int64_t since, unsigned limit, json_t *out, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	json_t *a = json_array();
	uint64_t first = since < 0 ? (st->nevents > limit ? st->nevents - limit + 1 : 1)
				   : (uint64_t)since;
	if (first == 0)
		first = 1;
	uint64_t seq = first;
	for (; seq <= st->nevents && json_array_size(a) < limit; seq++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:i}",
						   "seq", (json_int_t)seq, "time", "2026-01-01T00:00:00.000001Z",
						   "type", "deny", "action", "deny", "client", "10.0.0.9:40000",
						   "ied", "10.0.1.1:102", "service", "write", "class", "operate",
						   "objects", "IED1LD0/CSWI1$CO$Pos$Oper", "rule_line", 7));
	json_object_set_new(out, "events", a);
	json_object_set_new(out, "next", json_integer((json_int_t)seq));
	json_object_set_new(out, "missed", json_integer(0));
	st->nevents++; /* one more event appears per call: --follow sees it */
	return 0;
}

static int f_load(void *ud, const char *path, json_t *out, char *err, size_t errlen, uint64_t *gen)
{
	struct fake_state *st = ud;
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned ln = 0, nerr = 0;
	size_t k = 0;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "error");
		ln++;
		if (p && k < errlen) {
			int w = snprintf(err + k, errlen - k, "%s%s:%u:%u: error: fake error", nerr ? "\n" : "",
					 path, ln, (unsigned)(p - line) + 1);
			if (w > 0)
				k += (size_t)w;
			nerr++;
		}
	}
	fclose(f);
	if (nerr)
		return -22;
	*gen = ++st->generation;
	snprintf(st->policy_path, sizeof(st->policy_path), "%s", path);
	json_object_set_new(out, "swap_us", json_integer(42));
	return 0;
}

static int f_show(void *ud, json_t *out, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	json_object_set_new(out, "path", json_string(st->policy_path));
	json_object_set_new(out, "generation", json_integer((json_int_t)st->generation));
	json_object_set_new(out, "loaded_at", json_string("2026-01-01T00:00:00Z"));
	json_object_set_new(out, "mode", json_string(st->mode));
	json_object_set_new(out, "text", json_string("policy fake {\n  default deny\n}\n"));
	json_object_set_new(out, "rules", json_pack("[{s:s,s:i,s:s,s:i}]", "name", "scada-read", "line", 3,
						    "action", "allow", "hits", 12));
	return 0;
}

static int f_mode(void *ud, const char *mode, char *err, size_t errlen)
{
	struct fake_state *st = ud;
	snprintf(st->mode, sizeof(st->mode), "%s", !strcmp(mode, "policy") ? "enforce" : mode);
	return 0;
}

const struct mg_ctl_ops fake_ops = {
	.status = f_status,
	.stats = f_stats,
	.flows = f_flows,
	.events_since = f_events,
	.policy_load = f_load,
	.policy_show = f_show,
	.mode_set = f_mode,
};
