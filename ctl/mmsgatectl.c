/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgatectl: the command-line front end. Parses the global options, then
 * hands argv (starting at the subcommand's name) to the subcommand found
 * in one dispatch table, xdp-filter style. Each subcommand prints its own
 * usage; this file only knows names and one-line summaries. Exit status:
 * 0 ok, 1 failure, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "mg_cmds.h"

#ifndef MG_VERSION
#define MG_VERSION "0.1.0"
#endif


struct mg_ctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct mg_ctl_cmd cmds[] = {
	{"replay", mg_cmd_replay,
	 "decode a capture offline with the dataplane's engine (and a policy)"},
	{"policy", mg_cmd_policy,
	 "check|show FILE offline; load FILE|show on the running daemon"},
	{"status", mg_cmd_status, "daemon status (ports, mode, policy, uptime)"},
	{"stats", mg_cmd_stats, "per-port / per-class / per-reason counters"},
	{"flows", mg_cmd_flows, "tracked associations (client, IED, services seen)"},
	{"events", mg_cmd_events, "stream events (deny, alert, anomaly, policy change)"},
	{"mode", mg_cmd_mode, "show or switch enforce / monitor mode"},
	{"metrics", mg_cmd_metrics, "counters in the Prometheus text format (as /metrics)"},
	{"xdp", mg_cmd_xdp, "attach|detach|status|reload the XDP program"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl [--help] [--version] [--socket PATH] COMMAND [ARGS...]\n\n"
		   "  -s, --socket PATH  control socket of the running daemon (online commands)\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'mmsgatectl COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("mmsgatectl %s\n", MG_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--socket") ||
		    !strncmp(argv[i], "--socket=", 9)) {
			const char *path = argv[i][1] == '-' && argv[i][8] == '=' ? argv[i] + 9
										  : argv[++i];
			if (!path || !*path) {
				fprintf(stderr, "mmsgatectl: --socket needs a PATH\n");
				usage(stderr);
				return 2;
			}
			mg_ctl_set_socket(path);
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		fprintf(stderr, "mmsgatectl: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k].name))
			continue;
		return cmds[k].fn(argc - i, argv + i);
	}
	fprintf(stderr, "mmsgatectl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
