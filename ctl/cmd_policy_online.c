/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The online half of `mmsgatectl policy`: `policy load FILE` (the daemon
 * compiles and checks FILE first — on any error it prints every diagnostic
 * as file:line:col and changes nothing — then swaps it in atomically under
 * traffic and answers with the new generation) and `policy show` without a
 * FILE (the running policy, normalized, with per-rule hit counters). The
 * offline `policy check|show FILE` lives in cmd_policy.c, which hands these
 * two forms here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl policy load FILE [--json]\n"
		   "       mmsgatectl policy show [--json]      (running policy)\n\n"
		   "  load FILE   compile and check FILE in the daemon; on error print the\n"
		   "              diagnostics (file:line:col) and exit 1 with nothing changed;\n"
		   "              otherwise swap it in atomically and print the new generation\n"
		   "  show        the running policy, normalized, with per-rule hit counters\n\n"
		   "options:\n" MG_CTL_COMMON_HELP);
}

bool mg_cmd_policy_is_online(int argc, char **argv)
{
	int pos = 0;
	const char *sub = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") || !strcmp(argv[i], "--timeout")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (pos++ == 0)
			sub = argv[i];
	}
	if (!sub)
		return false;
	if (!strcmp(sub, "load"))
		return true;
	return !strcmp(sub, "show") && pos == 1; /* show without FILE */
}

static void print_show(const json_t *d)
{
	const char *text = json_string_value(json_object_get(d, "text"));
	const json_t *rules = json_object_get(d, "rules");
	json_t *r;
	size_t i;

	printf("# running policy: %s, generation %" JSON_INTEGER_FORMAT ", loaded %s, mode %s\n",
	       json_string_value(json_object_get(d, "path")) ? json_string_value(json_object_get(d, "path")) : "?",
	       json_integer_value(json_object_get(d, "generation")),
	       json_string_value(json_object_get(d, "loaded_at")) ? json_string_value(json_object_get(d, "loaded_at")) : "?",
	       json_string_value(json_object_get(d, "mode")) ? json_string_value(json_object_get(d, "mode")) : "?");
	if (text) {
		fputs(text, stdout);
		if (*text && text[strlen(text) - 1] != '\n')
			fputc('\n', stdout);
	}
	if (json_is_array(rules) && json_array_size(rules)) {
		static const char *const h[] = {"RULE", "LINE", "ACTION", "HITS"};
		struct mg_table *t = mg_table_new(4, h);
		json_array_foreach(rules, i, r) {
			const char *nm = json_string_value(json_object_get(r, "name"));
			mg_table_row(t);
			mg_table_cell(t, "%s", nm && *nm ? nm : "-");
			if (json_is_integer(json_object_get(r, "line")))
				mg_table_cell(t, "%" JSON_INTEGER_FORMAT,
					      json_integer_value(json_object_get(r, "line")));
			else
				mg_table_cell(t, "-");
			mg_table_cell(t, "%s", json_string_value(json_object_get(r, "action")) ? json_string_value(json_object_get(r, "action")) : "-");
			mg_table_cell(t, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(r, "hits")));
		}
		printf("\n# rule hits (since this generation was loaded)\n");
		mg_table_print(t, stdout, 0);
		mg_table_free(t);
	}
}

int mg_cmd_policy_online(int argc, char **argv)
{
	struct mg_ctl_opts o;
	json_t *data, *args = NULL;
	int rc;

	if ((rc = mg_ctl_parse_common(argc, argv, "policy", usage, &o)) >= 0)
		return rc;
	if (optind >= argc) {
		fprintf(stderr, "mmsgatectl policy: missing subcommand\n");
		usage(stderr);
		return 2;
	}
	const char *sub = argv[optind];
	int npos = argc - optind - 1;
	if (!strcmp(sub, "load")) {
		char abs[PATH_MAX];
		if (npos != 1) {
			fprintf(stderr, "mmsgatectl policy load: %s\n",
				npos ? "too many arguments" : "missing FILE");
			usage(stderr);
			return 2;
		}
		/* The daemon opens the file itself: send an absolute path, and
		 * fail here already when the file is missing. */
		if (!realpath(argv[optind + 1], abs)) {
			fprintf(stderr, "mmsgatectl policy load: %s: %s\n", argv[optind + 1],
				strerror(errno));
			return 1;
		}
		if (o.timeout_ms == MG_CTL_TIMEOUT_MS)
			o.timeout_ms = MG_CTL_LOAD_TIMEOUT_MS;
		args = json_pack("{s:s}", "path", abs);
		rc = mg_ctl_call(MG_CTL_CMD_POLICY_LOAD, args, o.timeout_ms, &data);
		json_decref(args);
		if (rc)
			return 1;
		if (o.json)
			mg_ctl_print_json(data, o.pretty);
		else
			printf("policy %s loaded: generation %" JSON_INTEGER_FORMAT "\n", abs,
			       json_integer_value(json_object_get(data, "generation")));
		json_decref(data);
		return 0;
	}
	if (!strcmp(sub, "show")) {
		if (npos != 0) {
			fprintf(stderr, "mmsgatectl policy show: FILE is the offline form (policy show FILE)\n");
			usage(stderr);
			return 2;
		}
		if (mg_ctl_call(MG_CTL_CMD_POLICY_SHOW, NULL, o.timeout_ms, &data))
			return 1;
		if (o.json)
			mg_ctl_print_json(data, o.pretty);
		else
			print_show(data);
		json_decref(data);
		return 0;
	}
	fprintf(stderr, "mmsgatectl policy: unknown subcommand '%s' (online: load, show)\n", sub);
	usage(stderr);
	return 2;
}
