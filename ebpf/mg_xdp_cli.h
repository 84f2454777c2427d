/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `xdp` command line (ebpf/xdp_cli.c): attach|detach|status|reload,
 * shared by mmsgatectl and the standalone mmsgate-xdp. argv starts at the
 * command's own name; returns 0 ok, 1 failure, 2 usage error. Without
 * libbpf (MG_HAVE_XDP undefined) it says XDP mode is not built.
 */
#ifndef MG_XDP_CLI_H
#define MG_XDP_CLI_H

int mg_cmd_xdp(int argc, char **argv);

#endif
