/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl mode enforce|monitor|policy`: switch the running daemon
 * between enforcing verdicts and only recording them, without a reload.
 * "policy" drops the override and follows the running policy's own mode.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "mg_cmds.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsgatectl mode [enforce|monitor|policy] [--json]\n\n"
		   "  (none)    show the current mode\n"
		   "  enforce   drop and reset what the policy denies\n"
		   "  monitor   forward everything, only count and log verdicts\n"
		   "  policy    follow the running policy's own mode setting\n\n"
		   "options:\n" MG_CTL_COMMON_HELP);
}

int mg_cmd_mode(int argc, char **argv)
{
	struct mg_ctl_opts o;
	json_t *data, *args;
	int rc;

	if ((rc = mg_ctl_parse_common(argc, argv, "mode", usage, &o)) >= 0)
		return rc;
	if (optind == argc) {
		/* No argument: show the current mode (from status). */
		if (mg_ctl_call(MG_CTL_CMD_STATUS, NULL, o.timeout_ms, &data))
			return 1;
		const char *cur = json_string_value(json_object_get(data, "mode"));
		bool ovr = json_is_true(json_object_get(data, "mode_override"));
		if (o.json) {
			json_t *j = json_pack("{s:s,s:b}", "mode", cur ? cur : "?", "override", ovr);
			mg_ctl_print_json(j, o.pretty);
			json_decref(j);
		} else {
			printf("mode %s%s\n", cur ? cur : "?", ovr ? " (set by mmsgatectl mode)" : "");
		}
		json_decref(data);
		return 0;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "mmsgatectl mode: too many arguments\n");
		usage(stderr);
		return 2;
	}
	const char *m = argv[optind];
	if (strcmp(m, "enforce") && strcmp(m, "monitor") && strcmp(m, "policy")) {
		fprintf(stderr, "mmsgatectl mode: unknown mode '%s' (enforce, monitor or policy)\n", m);
		usage(stderr);
		return 2;
	}
	args = json_pack("{s:s}", "mode", m);
	rc = mg_ctl_call(MG_CTL_CMD_MODE, args, o.timeout_ms, &data);
	json_decref(args);
	if (rc)
		return 1;
	if (o.json)
		mg_ctl_print_json(data, o.pretty);
	else
		printf("mode %s\n", m);
	json_decref(data);
	return 0;
}
