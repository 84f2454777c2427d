/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl policy …`: a thin front end over the policy library.
 *   policy check FILE          validate offline; errors as file:line:col on
 *                              stderr; exit 0 (warnings allowed) or 1
 *   policy show [--json] FILE  the normalized policy and rule statistics
 *   policy load FILE / policy show (no FILE)
 *                              talk to a running mmsgate over the control
 *                              socket: handed to cmd_policy_online.c.
 */
#include <stdio.h>
#include <string.h>

#include "mg_cmds.h"
#include "mg_policy.h"

static void usage_to(FILE *f)
{
	fprintf(f, "usage: mmsgatectl policy check FILE\n"
	           "       mmsgatectl policy show [--json] FILE   (offline)\n"
	           "       mmsgatectl policy show [--json]        (running policy)\n"
	           "       mmsgatectl policy load FILE            (running daemon)\n"
	           "       mmsgatectl policy from-scl SCL_FILE [...] (policy from an SCD/CID)\n"
	           "       mmsgatectl policy diff OLD NEW         (what NEW changes)\n\n"
	           "  check FILE  compile FILE; errors as file:line:col on stderr; exit 0 or 1\n"
	           "  show FILE   the normalized policy (--json: as JSON)\n"
	           "  show        the running policy with per-rule hit counters\n"
	           "  load FILE   swap FILE in atomically on the running daemon\n"
	           "  from-scl    write a policy from the substation's SCL file (--help)\n"
	           "'mmsgatectl policy load --help' shows the online options.\n");
}

static void usage(void)
{
	usage_to(stderr);
}

static struct mg_policy *compile_report(const char *file)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(file, &d);
	mg_diags_print(&d, stderr);
	if (!p && d.nerrors == 0)
		fprintf(stderr, "%s: error: policy could not be compiled\n", file);
	if (d.nerrors || d.nwarnings)
		fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", file, d.nerrors,
		        d.nerrors == 1 ? "" : "s", d.nwarnings, d.nwarnings == 1 ? "" : "s");
	mg_diags_free(&d);
	return p;
}

int mg_cmd_policy(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "from-scl"))
		return mg_cmd_policy_from_scl(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "diff"))
		return mg_cmd_policy_diff(argc - 1, argv + 1);
	if (mg_cmd_policy_is_online(argc, argv))
		return mg_cmd_policy_online(argc, argv);
	if (argc < 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage_to(stdout);
		return 0;
	}
	const char *verb = argv[1];
	bool json = false;
	const char *file = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage_to(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "mmsgatectl policy: unknown option '%s'\n", argv[i]);
			usage();
			return 2;
		} else if (!file)
			file = argv[i];
		else {
			usage();
			return 2;
		}
	}
	if (!strcmp(verb, "check")) {
		if (!file || json) {
			usage();
			return 2;
		}
		struct mg_policy *p = compile_report(file);
		if (!p)
			return 1;
		printf("%s: ok\n", file);
		mg_policy_free(p);
		return 0;
	}
	if (!strcmp(verb, "show")) {
		struct mg_policy *p = compile_report(file);
		if (!p)
			return 1;
		if (json)
			mg_policy_print_json(p, stdout);
		else
			mg_policy_print(p, stdout);
		mg_policy_free(p);
		return 0;
	}
	if (!strcmp(verb, "load")) { /* without FILE (with FILE it went online) */
		usage();
		return 2;
	}
	fprintf(stderr, "mmsgatectl policy: unknown command '%s'\n", verb);
	usage();
	return 2;
}
