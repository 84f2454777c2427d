/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The subcommands of mmsgatectl. Each takes argv starting at its own name
 * and returns the process exit status: 0 ok, 1 failure (daemon down, policy
 * errors, …), 2 usage error (after printing usage to stderr).
 */
#ifndef MG_CMDS_H
#define MG_CMDS_H

int mg_cmd_replay(int argc, char **argv); /* ctl/cmd_replay.c */
int mg_cmd_policy(int argc, char **argv); /* ctl/cmd_policy.c: check|show FILE offline */
int mg_cmd_xdp(int argc, char **argv);    /* ctl/cmd_xdp.c: attach|detach|status|reload */

#endif
