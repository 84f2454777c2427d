/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl events [--follow]`: deny / alert / anomaly / policy events
 * from the daemon's in-memory history (the same records it writes as JSON
 * lines to its events file and to syslog). Each event carries a sequence
 * number; --follow polls with "since" = the next expected number, so
 * nothing is shown twice and gaps (history overrun) are reported.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl events [--follow] [--limit N] [--since SEQ] [--json]\n\n"
		   "Show recent deny/alert/anomaly/policy events (time, client, IED,\n"
		   "service, class, objects, rule, action).\n\n"
		   "options:\n"
		   "  -f, --follow        keep printing new events until interrupted\n"
		   "  -l, --limit N       show at most the last N events first (default 50)\n"
		   "      --since SEQ     start at event sequence number SEQ\n"
		   "      --for SECS      with --follow: stop after SECS seconds\n"
		   "  with --json: one JSON object per event and line (JSON lines)\n" MG_CTL_COMMON_HELP);
}

static volatile sig_atomic_t stop;
static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *s_or(const json_t *o, const char *k, const char *def)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && *v ? v : def;
}

static void objects_str(const json_t *e, char *buf, size_t len)
{
	const json_t *objs = json_object_get(e, "objects");
	json_t *o;
	size_t i, k = 0;
	buf[0] = '\0';
	json_array_foreach(objs, i, o) {
		int w = snprintf(buf + k, len - k, "%s%s", i ? "," : "", json_string_value(o) ? json_string_value(o) : "?");
		if (w < 0 || (size_t)w >= len - k) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		k += (size_t)w;
	}
}

static void print_rows(const json_t *events, bool header)
{
	static const char *const h[] = {"SEQ", "TIME", "TYPE", "ACTION", "CLIENT", "IED",
					"SERVICE", "CLASS", "OBJECTS", "RULE", "REASON"};
	struct mg_table *t = mg_table_new(11, h);
	json_t *e;
	size_t i;
	char objs[160], rule[96];

	json_array_foreach(events, i, e) {
		mg_table_row(t);
		mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "seq")));
		mg_table_cell(t, "%s", s_or(e, "time", "?"));
		mg_table_cell(t, "%s", s_or(e, "type", "?"));
		mg_table_cell(t, "%s", s_or(e, "action", "-"));
		mg_table_cell(t, "%s", s_or(e, "client", "-"));
		mg_table_cell(t, "%s", s_or(e, "ied", "-"));
		mg_table_cell(t, "%s", s_or(e, "service", "-"));
		mg_table_cell(t, "%s", s_or(e, "class", "-"));
		objects_str(e, objs, sizeof(objs));
		if (!strcmp(s_or(e, "type", ""), "policy"))
			snprintf(objs, sizeof(objs), "gen %" JSON_INTEGER_FORMAT " %s",
				 json_integer_value(json_object_get(e, "generation")), s_or(e, "file", ""));
		mg_table_cell(t, "%s", objs[0] ? objs : "-");
		json_t *rl = json_object_get(e, "rule_line");
		if (json_object_get(e, "rule") && json_is_integer(rl))
			snprintf(rule, sizeof(rule), "%s@%" JSON_INTEGER_FORMAT, s_or(e, "rule", ""), json_integer_value(rl));
		else if (json_is_integer(rl))
			snprintf(rule, sizeof(rule), "line %" JSON_INTEGER_FORMAT, json_integer_value(rl));
		else
			snprintf(rule, sizeof(rule), "%s", s_or(e, "rule", "-"));
		mg_table_cell(t, "%s", rule);
		mg_table_cell(t, "%s", s_or(e, "reason", "-"));
	}
	if (mg_table_rows(t)) {
		if (header) {
			mg_table_print(t, stdout, 0);
		} else {
			/* Follow mode: no header per batch; widths are per batch. */
			FILE *mem;
			char *buf = NULL;
			size_t blen = 0;
			mem = open_memstream(&buf, &blen);
			if (mem) {
				mg_table_print(t, mem, 0);
				fclose(mem);
				char *nl = strchr(buf, '\n');
				fputs(nl ? nl + 1 : buf, stdout);
				free(buf);
			}
		}
	}
	fflush(stdout);
	mg_table_free(t);
}

static void print_jsonl(const json_t *events)
{
	json_t *e;
	size_t i;
	json_array_foreach(events, i, e)
		mg_ctl_print_json(e, false);
}

int mg_cmd_events(int argc, char **argv)
{
	static const struct option lo[] = {MG_CTL_COMMON_LONGOPTS,
					   {"follow", no_argument, NULL, 'f'},
					   {"limit", required_argument, NULL, 'l'},
					   {"since", required_argument, NULL, 's'},
					   {"for", required_argument, NULL, 'F'},
					   {NULL, 0, NULL, 0}};
	struct mg_ctl_opts o;
	bool follow = false, have_since = false;
	unsigned long long limit = 50, since = 0, for_s = 0;
	json_t *data, *args;
	int c, rc;

	mg_ctl_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, MG_CTL_COMMON_SHORTOPTS "fl:", lo, NULL)) != -1) {
		switch (mg_ctl_opt(c, optarg, &o, "events", argv)) {
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
		switch (c) {
		case 'f':
			follow = true;
			continue;
		case 'l':
			if (!mg_ctl_parse_uint(optarg, 100000, &limit) && limit > 0)
				continue;
			fprintf(stderr, "mmsgatectl events: --limit wants 1..100000, not '%s'\n", optarg);
			break;
		case 's':
			if (!mg_ctl_parse_uint(optarg, (1ull << 62), &since)) {
				have_since = true;
				continue;
			}
			fprintf(stderr, "mmsgatectl events: --since wants a sequence number, not '%s'\n",
				optarg);
			break;
		case 'F':
			if (!mg_ctl_parse_uint(optarg, 86400 * 365, &for_s) && for_s > 0)
				continue;
			fprintf(stderr, "mmsgatectl events: --for wants seconds, not '%s'\n", optarg);
			break;
		default:
			break;
		}
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "mmsgatectl events: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	args = json_pack("{s:I}", "limit", (json_int_t)limit);
	if (have_since)
		json_object_set_new(args, "since", json_integer((json_int_t)since));
	rc = mg_ctl_call(MG_CTL_CMD_EVENTS, args, o.timeout_ms, &data);
	json_decref(args);
	if (rc)
		return 1;
	const json_t *evs = json_object_get(data, "events");
	if (!follow) {
		if (o.json)
			mg_ctl_print_json(data, o.pretty);
		else {
			print_rows(evs, true);
			if (!json_array_size(evs))
				printf("no events\n");
		}
		json_decref(data);
		return 0;
	}

	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	signal(SIGPIPE, on_sig);
	if (o.json)
		print_jsonl(evs);
	else
		print_rows(evs, true);
	json_int_t next = json_integer_value(json_object_get(data, "next"));
	json_decref(data);
	time_t end = for_s ? time(NULL) + (time_t)for_s : 0;
	while (!stop && (!end || time(NULL) < end)) {
		usleep(200000);
		if (stop)
			break;
		args = json_pack("{s:I,s:I}", "since", next, "limit", (json_int_t)1000);
		rc = mg_ctl_call(MG_CTL_CMD_EVENTS, args, o.timeout_ms, &data);
		json_decref(args);
		if (rc)
			return 1;
		json_int_t missed = json_integer_value(json_object_get(data, "missed"));
		if (missed > 0)
			fprintf(stderr, "mmsgatectl events: %" JSON_INTEGER_FORMAT
					" event(s) missed (history overrun)\n",
				missed);
		evs = json_object_get(data, "events");
		if (o.json)
			print_jsonl(evs);
		else
			print_rows(evs, false);
		next = json_integer_value(json_object_get(data, "next"));
		json_decref(data);
	}
	return 0;
}
