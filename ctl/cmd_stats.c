/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl stats [--watch [SECS]]`: the daemon's counters (summed over
 * workers by the daemon, without locks) per port, per L2 class, per MMS
 * service and IEC 61850 class, per verdict and per drop reason. The human
 * form renders whatever sections the daemon sends (an object of counters
 * is a two-column table, an object of objects a wider one), so a new
 * counter in the daemon shows up without a client change. --watch repeats
 * every SECS seconds and adds a per-second rate column.
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
	fprintf(f, "usage: mmsgatectl stats [--watch [SECS]] [--count N] [--all] [--json]\n\n"
		   "Show counters per port, L2 class, MMS service, IEC 61850 class,\n"
		   "verdict and drop reason (zero counters hidden unless --all).\n\n"
		   "options:\n"
		   "  -w, --watch [SECS]  repeat every SECS seconds (default 1) with rates;\n"
		   "                      with --json, one JSON object per line\n"
		   "  -n, --count N       stop after N repetitions (with --watch)\n"
		   "  -a, --all           also show counters that are zero\n" MG_CTL_COMMON_HELP);
}

static volatile sig_atomic_t stop;
static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

/* Human titles of the sections the daemon sends; others print their key. */
static const char *title(const char *k)
{
	static const char *const m[][2] = {
		{"ports", "SIDE"},           {"l2", "L2 CLASS"},
		{"services", "MMS SERVICE"}, {"iec_classes", "IEC 61850 CLASS"},
		{"verdicts", "VERDICT"},     {"drops", "DROP REASON"},
		{"reasons", "PROTOCOL REASON"}, {"flows", "FLOWS"},
		{"events", "EVENTS"},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(m[i][0], k))
			return m[i][1];
	return k;
}

static double num(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : 0;
}

static void rate_cell(struct mg_table *t, const json_t *cur, const json_t *prev, double dt)
{
	char b[32];
	if (!prev || dt <= 0) {
		mg_table_cell(t, "-");
		return;
	}
	double r = (num(cur) - num(prev)) / dt;
	mg_table_cell(t, "%s", mg_fmt_rate(b, sizeof(b), r < 0 ? 0 : r));
}

static void cell_num(struct mg_table *t, const json_t *v)
{
	if (json_is_integer(v))
		mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		mg_table_cell(t, "%.3f", json_real_value(v));
	else if (json_is_string(v))
		mg_table_cell(t, "%s", json_string_value(v));
	else
		mg_table_cell(t, "-");
}

/* An object of numbers: NAME VALUE [/S]. */
static void print_counters(const char *k, const json_t *o, const json_t *prev, double dt,
			   bool all, bool rates)
{
	const char *n;
	json_t *v;
	const char *h[] = {title(k), "VALUE", "/S"};
	struct mg_table *t = mg_table_new(rates ? 3 : 2, h);
	json_object_foreach((json_t *)o, n, v) {
		if (!all && json_is_number(v) && num(v) == 0)
			continue;
		mg_table_row(t);
		mg_table_cell(t, "%s", n);
		cell_num(t, v);
		if (rates)
			rate_cell(t, v, prev ? json_object_get(prev, n) : NULL, dt);
	}
	if (mg_table_rows(t)) {
		mg_table_print(t, stdout, 0);
		printf("\n");
	}
	mg_table_free(t);
}

/* An object of objects (ports): one row per member, the union of the
 * inner keys as columns (taken from the first row). */
static void print_grid(const char *k, const json_t *o, const json_t *prev, double dt,
		       bool rates)
{
	const char *n, *ck;
	json_t *row, *first = NULL, *v;
	const char *h[32];
	unsigned nc = 0;

	json_object_foreach((json_t *)o, n, row) {
		first = row;
		break;
	}
	if (!json_is_object(first))
		return;
	h[nc++] = title(k);
	json_object_foreach(first, ck, v) {
		if (nc < 31)
			h[nc++] = ck;
	}
	/* Rates only for rx/tx/drop style columns would need a second
	 * header set; a rate column per numeric column keeps it simple. */
	const char *hh[64];
	unsigned nh = 0;
	for (unsigned i = 0; i < nc; i++) {
		hh[nh++] = h[i];
		if (rates && i > 0)
			hh[nh++] = "/S";
	}
	struct mg_table *t = mg_table_new(nh, hh);
	json_object_foreach((json_t *)o, n, row) {
		mg_table_row(t);
		mg_table_cell(t, "%s", n);
		const json_t *prow = prev ? json_object_get(prev, n) : NULL;
		for (unsigned i = 1; i < nc; i++) {
			json_t *cv = json_object_get(row, h[i]);
			cell_num(t, cv);
			if (rates) {
				if (json_is_number(cv) && strcmp(h[i], "port"))
					rate_cell(t, cv, prow ? json_object_get(prow, h[i]) : NULL, dt);
				else
					mg_table_cell(t, "%s", "");
			}
		}
	}
	mg_table_print(t, stdout, 0);
	printf("\n");
	mg_table_free(t);
}

static void print_human(const json_t *d, const json_t *prev, double dt, bool all, bool rates)
{
	const char *k;
	json_t *v;
	struct mg_table *scalars;
	static const char *const hs[] = {"COUNTER", "VALUE", "/S"};

	/* Sections first (grids, then counter maps), loose scalars last. */
	json_object_foreach((json_t *)d, k, v) {
		json_t *first = NULL, *x;
		const char *kk;
		if (!json_is_object(v))
			continue;
		json_object_foreach(v, kk, x) {
			first = x;
			break;
		}
		if (json_is_object(first))
			print_grid(k, v, prev ? json_object_get(prev, k) : NULL, dt, rates);
	}
	json_object_foreach((json_t *)d, k, v) {
		json_t *first = NULL, *x;
		const char *kk;
		if (!json_is_object(v))
			continue;
		json_object_foreach(v, kk, x) {
			first = x;
			break;
		}
		if (!json_is_object(first))
			print_counters(k, v, prev ? json_object_get(prev, k) : NULL, dt, all, rates);
	}
	scalars = mg_table_new(rates ? 3 : 2, hs);
	json_object_foreach((json_t *)d, k, v) {
		if (json_is_object(v) || json_is_array(v))
			continue;
		if (!all && json_is_number(v) && num(v) == 0)
			continue;
		mg_table_row(scalars);
		mg_table_cell(scalars, "%s", k);
		cell_num(scalars, v);
		if (rates) {
			if (json_is_number(v) && strcmp(k, "uptime_s") && strcmp(k, "policy_generation"))
				rate_cell(scalars, v, prev ? json_object_get(prev, k) : NULL, dt);
			else
				mg_table_cell(scalars, "%s", "");
		}
	}
	if (mg_table_rows(scalars))
		mg_table_print(scalars, stdout, 0);
	mg_table_free(scalars);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mg_cmd_stats(int argc, char **argv)
{
	static const struct option lo[] = {MG_CTL_COMMON_LONGOPTS,
					   {"watch", optional_argument, NULL, 'w'},
					   {"count", required_argument, NULL, 'n'},
					   {"all", no_argument, NULL, 'a'},
					   {NULL, 0, NULL, 0}};
	struct mg_ctl_opts o;
	bool watch = false, all = false;
	double interval = 1.0;
	unsigned long long count = 0, v;
	json_t *data, *prev = NULL;
	int c;

	mg_ctl_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, MG_CTL_COMMON_SHORTOPTS "w::n:a", lo, NULL)) != -1) {
		switch (mg_ctl_opt(c, optarg, &o, "stats", argv)) {
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
		case 'w': {
			watch = true;
			const char *a = optarg;
			/* "--watch 2": take a following bare number too. */
			if (!a && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
				a = argv[optind++];
			if (a) {
				char *end;
				interval = strtod(a, &end);
				if (*end || !(interval >= 0.1 && interval <= 3600)) {
					fprintf(stderr, "mmsgatectl stats: --watch wants seconds (0.1..3600), not '%s'\n", a);
					usage(stderr);
					return 2;
				}
			}
			break;
		}
		case 'n':
			if (mg_ctl_parse_uint(optarg, 1000000000ull, &v) || v == 0) {
				fprintf(stderr, "mmsgatectl stats: --count wants a positive integer, not '%s'\n",
					optarg);
				usage(stderr);
				return 2;
			}
			count = v;
			break;
		case 'a':
			all = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mmsgatectl stats: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!watch) {
		if (mg_ctl_call(MG_CTL_CMD_STATS, NULL, o.timeout_ms, &data))
			return 1;
		if (o.json)
			mg_ctl_print_json(data, o.pretty);
		else
			print_human(data, NULL, 0, all, false);
		json_decref(data);
		return 0;
	}

	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	signal(SIGPIPE, on_sig);
	bool tty = isatty(STDOUT_FILENO);
	double tprev = 0;
	for (unsigned long long iter = 0; !stop && (!count || iter < count); iter++) {
		if (iter) {
			/* Sleep in slices so Ctrl-C is prompt. */
			double until = tprev + interval;
			while (!stop && mono() < until)
				usleep(50000);
			if (stop)
				break;
		}
		if (mg_ctl_call(MG_CTL_CMD_STATS, NULL, o.timeout_ms, &data)) {
			json_decref(prev);
			return 1;
		}
		double t = mono();
		double dt = prev ? t - tprev : 0;
		if (o.json) {
			json_t *line = json_copy(data);
			time_t now = time(NULL);
			char ts[32];
			strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
			json_object_set_new(line, "time", json_string(ts));
			json_object_set_new(line, "interval_s", json_real(prev ? dt : 0));
			mg_ctl_print_json(line, false);
			json_decref(line);
		} else {
			char ts[32];
			time_t now = time(NULL);
			strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
			if (tty)
				fputs("\033[H\033[2J", stdout);
			else if (iter)
				fputs("\n", stdout);
			printf("mmsgate stats at %s (every %gs, Ctrl-C to stop)\n\n", ts, interval);
			print_human(data, prev, dt, all, true);
			fflush(stdout);
		}
		json_decref(prev);
		prev = data;
		tprev = t;
	}
	json_decref(prev);
	return 0;
}
