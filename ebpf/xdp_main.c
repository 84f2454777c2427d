/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate-xdp: the `mmsgatectl xdp` command as its own binary, for hosts
 * that run XDP mode without the rest of the control CLI. Both
 * `mmsgate-xdp attach …` and `mmsgate-xdp xdp attach …` work, so scripts
 * can take either this binary or mmsgatectl.
 */
#include <string.h>

#include "mg_xdp_cli.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "xdp") == 0)
		return mg_cmd_xdp(argc - 1, argv + 1);
	return mg_cmd_xdp(argc, argv);
}
