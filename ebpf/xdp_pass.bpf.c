// SPDX-License-Identifier: (BSD-3-Clause OR GPL-2.0)
/*
 * XDP_PASS for the far ends of veth pairs: native XDP redirect into a veth
 * (ndo_xdp_xmit) needs the receiving peer to run NAPI, which it only does
 * with an XDP program (or GRO) attached. Load with
 * `ip link set dev IF xdpdrv obj xdp_pass.bpf.o sec xdp`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int mg_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
