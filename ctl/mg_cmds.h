/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The subcommands of mmsgatectl. Each takes argv starting at its own name
 * and returns the process exit status: 0 ok, 1 failure (daemon down, policy
 * errors, …), 2 usage error (after printing usage to stderr).
 */
#ifndef MG_CMDS_H
#define MG_CMDS_H

#include <stdbool.h>

#include "mg_xdp_cli.h"

int mg_cmd_replay(int argc, char **argv); /* ctl/cmd_replay.c */
int mg_cmd_policy(int argc, char **argv); /* ctl/cmd_policy.c: check|show FILE offline */
/* ctl/cmd_scl.c: policy from-scl (argv starts at "from-scl") */
int mg_cmd_policy_from_scl(int argc, char **argv);
/* ctl/cmd_policy_diff.c: policy diff OLD NEW (argv starts at "diff") */
int mg_cmd_policy_diff(int argc, char **argv);
/* ebpf/xdp_cli.c: attach|detach|status|reload (mg_xdp_cli.h) */

/* Online commands, talking to the running daemon over the control socket
 * (ctl/cmd_status.c, cmd_stats.c, cmd_flows.c, cmd_events.c, cmd_mode.c). */
int mg_cmd_status(int argc, char **argv);
int mg_cmd_stats(int argc, char **argv);
int mg_cmd_flows(int argc, char **argv);
int mg_cmd_events(int argc, char **argv);
int mg_cmd_mode(int argc, char **argv);
int mg_cmd_metrics(int argc, char **argv); /* ctl/cmd_metrics.c */
/* ctl/cmd_policy_online.c: `policy load FILE` and `policy show` without a
 * FILE. argv starts at "policy" like mg_cmd_policy's; cmd_policy.c calls
 * mg_cmd_policy_online() when mg_cmd_policy_is_online() says so. */
int mg_cmd_policy_online(int argc, char **argv);
bool mg_cmd_policy_is_online(int argc, char **argv);
/* ctl/ctl_client.c: the control socket used by the online commands
 * (mmsgatectl --socket PATH). */
void mg_ctl_set_socket(const char *path);

#endif
