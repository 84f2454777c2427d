// SPDX-License-Identifier: (BSD-3-Clause OR GPL-2.0)
/*
 * Deterministic packet loss for the namespace TCP test (netns_tcp.sh,
 * loaded by mg-lossy on a veth's ingress): of the IPv4 TCP segments to or
 * from port 102 that carry at least minlen bytes and no SYN/FIN/RST, number n (counted from
 * 0 on this interface) is dropped when n >= skip and (n - skip) % every <
 * burst, until max drops. No netem on these kernels (no modules), and a
 * program in the veth's receive path drops before any packet tap sees the
 * frame — the mmsgate af_packet port or tcpdump — so, placed before the
 * gate, the gate sees a hole and later data out of order; placed after it,
 * the gate has forwarded bytes the receiver never got, and sees them again
 * as retransmissions.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "lossy.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mg_lossy_cfg);
} lossy_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mg_lossy_ctr);
} lossy_ctr SEC(".maps");

SEC("xdp")
int mg_lossy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 zero = 0;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_TCP || ip->ihl < 5)
		return XDP_PASS;
	struct tcphdr *th = (void *)ip + ip->ihl * 4;
	if ((void *)(th + 1) > end)
		return XDP_PASS;
	if (th->source != bpf_htons(102) && th->dest != bpf_htons(102))
		return XDP_PASS;
	if (th->syn || th->fin || th->rst)
		return XDP_PASS;
	int payload = (int)bpf_ntohs(ip->tot_len) - ip->ihl * 4 - th->doff * 4;
	struct mg_lossy_cfg *c = bpf_map_lookup_elem(&lossy_cfg, &zero);
	struct mg_lossy_ctr *k = bpf_map_lookup_elem(&lossy_ctr, &zero);
	if (c == NULL || k == NULL || payload <= 0 || (__u64)payload < c->minlen)
		return XDP_PASS;
	__u64 n = __sync_fetch_and_add(&k->seen, 1);
	if (c->every == 0 || n < c->skip || (n - c->skip) % c->every >= c->burst ||
	    k->dropped >= c->max)
		return XDP_PASS;
	__sync_fetch_and_add(&k->dropped, 1);
	return XDP_DROP;
}
