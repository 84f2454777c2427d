/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate-gen: writes the generator's named scenarios as pcap files.
 *   mmsgate-gen --list
 *   mmsgate-gen SCENARIO OUT.pcap
 *   mmsgate-gen --all DIR          (one DIR/SCENARIO.pcap per scenario)
 * Used by the differential test, the fuzz corpus script and to refresh
 * examples/captures/substation-demo.pcap.
 */
#include <stdio.h>
#include <string.h>

#include "mg_gen.h"

static int usage(void)
{
	fprintf(stderr, "usage: mmsgate-gen --list | SCENARIO OUT.pcap | --all DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (int i = 0; i < mg_gen_nscenarios; i++)
			printf("%-16s %s\n", mg_gen_scenarios[i].name, mg_gen_scenarios[i].what);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--all")) {
		int rc = 0;
		for (int i = 0; i < mg_gen_nscenarios; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s.pcap", argv[2], mg_gen_scenarios[i].name);
			if (mg_gen_scenario_write(&mg_gen_scenarios[i], path)) {
				perror(path);
				rc = 1;
			}
		}
		return rc;
	}
	if (argc != 3 || argv[1][0] == '-')
		return usage();
	const struct mg_gen_scenario *s = mg_gen_scenario_find(argv[1]);
	if (!s) {
		fprintf(stderr, "mmsgate-gen: unknown scenario '%s' (see --list)\n", argv[1]);
		return 2;
	}
	if (mg_gen_scenario_write(s, argv[2])) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
