/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate-xdp: the `mmsgatectl xdp` command as its own binary, for hosts
 * that run XDP mode without the rest of the control CLI.
 * `mmsgate-xdp attach …` == `mmsgatectl xdp attach …`.
 */
#include "mg_cmds.h"

int main(int argc, char **argv)
{
	return mg_cmd_xdp(argc, argv);
}
