#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Frames per second through mmsgate's XDP bridge vs a plain Linux bridge on
# the same veths, in the same run:
#   gen ns [g0] — veth — (g1 ⇄ s1 in the root ns) — veth — [s0] sink ns
# A small C sender (AF_PACKET, sendmmsg batches, PACKET_QDISC_BYPASS) blasts
# one frame kind for SECONDS; the rate is what arrives at s0 (rx counter in
# the sink namespace). Frame kinds: GOOSE on VLAN 10 (the L2 pass-through)
# and allowlisted IPv4/UDP to port 123 (LPM lookups + connection rules).
# Also prints the verifier's figures and, with kernel.bpf_stats_enabled,
# the mean run time of the XDP program per frame.
#
# usage: bench/xdp_bench.sh BUILD_DIR [SECONDS [ROUNDS]]  (BUILD_DIR with ebpf/mmsgate-xdp)
# Results are only indicative: veth paths are kernel-bound and the machine
# is shared.
set -u
BUILD=${1:?usage: xdp_bench.sh BUILD_DIR [SECONDS [ROUNDS]]}
SECS=${2:-5}
ROUNDS=${3:-3}
BIN=$BUILD/ebpf/mmsgate-xdp
OBJ=$BUILD/ebpf/xdp_pass.bpf.o
T=mgb$$
NSG=${T}g NSS=${T}s G0=${T}g0 G1=${T}g1 S0=${T}s0 S1=${T}s1 BR=${T}br
PIN=/sys/fs/bpf/mmsgate-bench-$$
WORK=$(mktemp -d /tmp/xdp_bench.XXXXXX)

cleanup() {
	"$BIN" xdp detach --pin "$PIN" "$G1" "$S1" >/dev/null 2>&1
	ip link del "$BR" 2>/dev/null
	ip netns del "$NSG" 2>/dev/null
	ip netns del "$NSS" 2>/dev/null
	ip link del "$G1" 2>/dev/null
	ip link del "$S1" 2>/dev/null
	rm -rf "$PIN" "$WORK"
	[ -n "${OLD_STATS:-}" ] && sysctl -qw kernel.bpf_stats_enabled="$OLD_STATS"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
[ -x "$BIN" ] || { echo "$BIN not built"; exit 77; }

cat >"$WORK/send.c" <<'EOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
/* send IF KIND SECONDS: KIND goose|udp; prints frames sent */
int main(int argc, char **argv)
{
	unsigned char f[64] = {0};
	int s = socket(AF_PACKET, SOCK_RAW, 0), one = 1, len = 60;
	struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(argv[1])};
	struct mmsghdr m[64];
	struct iovec iov = {f, 0};
	struct timespec t0, t;
	unsigned long long sent = 0;
	double secs = atof(argv[3]);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa))) { perror("socket"); return 1; }
	setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x0a", 6);
	if (!strcmp(argv[2], "goose")) {
		memcpy(f, "\x01\x0c\xcd\x01\x00\x01", 6);
		memcpy(f + 12, "\x81\x00\x80\x0a\x88\xb8\x00\x01\x00\x2a\x00\x00\x00\x00\x61\x20", 16);
	} else {
		static const unsigned char ip[] = {0x08, 0x00, 0x45, 0, 0, 46, 0, 1, 0, 0, 64, 17, 0, 0,
			10, 78, 0, 7, 10, 78, 1, 5, 0x9c, 0x40, 0, 123, 0, 26, 0, 0};
		memcpy(f, "\x02\x00\x00\x00\x00\x0b", 6);
		memcpy(f + 12, ip, sizeof(ip));
		unsigned sum = 0; /* IPv4 header checksum: bridges with br_netfilter check it */
		for (int i = 14; i < 34; i += 2)
			sum += (unsigned)f[i] << 8 | f[i + 1];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		f[24] = (unsigned char)(~sum >> 8);
		f[25] = (unsigned char)~sum;
	}
	iov.iov_len = (size_t)len;
	for (int i = 0; i < 64; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int n = sendmmsg(s, m, 64, 0);
		if (n > 0) sent += (unsigned)n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("%llu\n", sent);
	return 0;
}
EOF
cc -O2 -o "$WORK/send" "$WORK/send.c" || exit 1

ip netns add "$NSG" && ip netns add "$NSS" || exit 77
ip link add "$G0" netns "$NSG" type veth peer name "$G1"
ip link add "$S0" netns "$NSS" type veth peer name "$S1"
ip link set "$G1" up
ip link set "$S1" up
ip -n "$NSG" link set "$G0" up
ip -n "$NSS" link set "$S0" up
# The sink end needs NAPI for native redirects: an XDP_PASS program (kept
# for both bridges so the receive path is the same).
ip -n "$NSS" link set dev "$S0" xdpdrv obj "$OBJ" sec xdp 2>/dev/null ||
	ip netns exec "$NSS" ethtool -K "$S0" gro on >/dev/null

cat >"$WORK/bench.policy" <<'EOF'
mode enforce
set scada { 10.78.0.0/24 }
set ieds  { 10.78.1.0/24 }
l2 pass goose, sv vlan 10
l2 pass arp
ip allow mms from @scada to @ieds
ip allow ntp from @scada to @ieds
EOF

rx() { ip netns exec "$NSS" cat /sys/class/net/"$S0"/statistics/rx_packets; }

measure() { # measure LABEL KIND
	local before after sent
	before=$(rx)
	sent=$(ip netns exec "$NSG" "$WORK/send" "$G0" "$2" "$SECS")
	sleep 0.2
	after=$(rx)
	local got=$((after - before))
	printf "%-14s %-6s sent %10.0f/s  arrived %10.0f/s  (%5.1f %%)\n" "$1" "$2" \
		"$(echo "$sent / $SECS" | bc -l)" "$(echo "$got / $SECS" | bc -l)" \
		"$(echo "100 * $got / ($sent + 0.0001)" | bc -l)"
	echo "$1 $2 $sent $got" >>"$WORK/results"
}

OLD_STATS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null)
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null

attach() {
	"$BIN" xdp attach --pin "$PIN" --policy "$WORK/bench.policy" --inside "$S1" \
		--outside "$G1" --mode "$1" >/dev/null || { echo "attach ($1) failed"; exit 1; }
}
detach() { "$BIN" xdp detach --pin "$PIN" "$G1" "$S1"; }

echo "== $SECS s per run, $ROUNDS interleaved rounds, 60-byte frames, $(nproc) CPUs, kernel $(uname -r)"
# No iptables on bridged frames: compare bridging, not netfilter.
ip link add "$BR" type bridge nf_call_iptables 0 nf_call_ip6tables 0 2>/dev/null ||
	ip link add "$BR" type bridge
ip link set "$BR" up
for r in $(seq "$ROUNDS"); do
	attach native
	measure xdp-native goose
	measure xdp-native udp
	[ "$r" = 1 ] && "$BIN" xdp status --json --pin "$PIN" >"$WORK/status.json"
	detach
	ip link set "$G1" master "$BR"
	ip link set "$S1" master "$BR"
	sleep 0.5
	measure linux-bridge goose
	measure linux-bridge udp
	ip link set "$G1" nomaster
	ip link set "$S1" nomaster
done
attach skb
measure xdp-skb goose
measure xdp-skb udp
detach

echo "== median arrived frames/s (ratio to the Linux bridge)"
awk -v secs="$SECS" '{ v[$1 " " $2] = v[$1 " " $2] " " $4 }
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (k in v) m[k] = median(v[k]) / secs
	split("xdp-native xdp-skb linux-bridge", L, " "); split("goose udp", K, " ")
	for (i = 1; i <= 3; i++) for (j = 1; j <= 2; j++) { k = L[i] " " K[j]
		if (k in m) printf "%-14s %-6s %10.0f/s  x%.2f\n", L[i], K[j], m[k], m[k] / m["linux-bridge " K[j]] }
}' "$WORK/results"

echo "== verifier / program figures"
python3 - "$WORK/status.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("prog id %d: verified_insns %d, xlated %d B, jited %d B" %
      (s["prog_id"], s["verified_insns"], s["xlated_bytes"], s["jited_bytes"]))
if s.get("run_cnt"):
    print("in-driver mean run time %.1f ns over %d frames of round 1 (kernel.bpf_stats_enabled)" %
          (s["run_time_ns"] / s["run_cnt"], s["run_cnt"]))
print("counters:", {k: v for k, v in s["counters"].items() if v})
PYEOF

# CPU cost per frame kind, the program alone (bpf_prog_test_run, repeat).
if command -v bpftool >/dev/null; then
	# bpf_stats timing adds two clock reads per run: off for this part.
	sysctl -qw kernel.bpf_stats_enabled="${OLD_STATS:-0}" 2>/dev/null
	echo "== program cost per frame (bpftool prog run, repeat 1000000, no interface)"
	attach native
	python3 - "$WORK" <<'PYEOF'
import sys
w = sys.argv[1]
def eth(dst, tags, et):
    b = bytes.fromhex(dst) + bytes.fromhex("02000000000a")
    for t in tags:
        b += b"\x81\x00" + bytes([0x80 | t >> 8, t & 0xff])
    return b + et.to_bytes(2, "big")
def ip4(s, d, proto, l4):
    return bytes([0x45, 0, 0, 20 + len(l4), 0, 1, 0, 0, 64, proto, 0, 0]) + bytes(s) + bytes(d) + l4
def tcp(sp, dp, fl):
    return sp.to_bytes(2, "big") + dp.to_bytes(2, "big") + bytes(8) + bytes([0x50, fl]) + bytes(6)
def udp(sp, dp):
    return sp.to_bytes(2, "big") + dp.to_bytes(2, "big") + bytes([0, 12, 0, 0]) + bytes(4)
fr = {
    "goose_vlan10": eth("010ccd010001", [10], 0x88b8) + bytes(46),
    "goose_vlan20_drop": eth("010ccd010001", [20], 0x88b8) + bytes(46),
    "udp123_allowed": eth("02000000000b", [], 0x0800) + ip4([10, 78, 0, 7], [10, 78, 1, 5], 17, udp(40000, 123)),
    "tcp102_syn_inspect": eth("02000000000b", [], 0x0800) + ip4([10, 78, 0, 7], [10, 78, 1, 5], 6, tcp(40000, 102, 2)),
    "tcp102_syn_denied": eth("02000000000b", [], 0x0800) + ip4([192, 168, 0, 1], [10, 78, 1, 5], 6, tcp(40000, 102, 2)),
    "tcp102_reply": eth("02000000000b", [], 0x0800) + ip4([10, 78, 1, 5], [10, 78, 0, 7], 6, tcp(102, 40000, 0x12)),
}
for k, v in fr.items():
    v += bytes(max(0, 60 - len(v)))
    open("%s/%s.bin" % (w, k), "wb").write(v)
PYEOF
	# test_run frames arrive on lo: make lo its own peer so redirects succeed.
	bpftool map update pinned "$PIN/mg_peers" key 1 0 0 0 value 1 0 0 0
	for f in goose_vlan10 goose_vlan20_drop udp123_allowed tcp102_syn_inspect tcp102_syn_denied \
		tcp102_reply; do
		out=$(bpftool prog run pinned "$PIN/mg_xdp" data_in "$WORK/$f.bin" repeat 1000000 2>&1)
		printf "%-20s %s\n" "$f" "$(echo "$out" | tr '\n' ' ' | sed 's/  */ /g')"
	done
	detach
fi
