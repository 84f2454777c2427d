#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# XDP mode end to end on veths: client namespace — veth — [mmsgate XDP
# bridge between the two root-side veths] — veth — server namespace.
# Checks, in native and in skb (generic) mode: a TCP/102 connection from an
# allowlisted client address crosses (python echo server), the same from a
# non-allowlisted address is refused, GOOSE on the policy's VLAN crosses
# byte for byte (raw AF_PACKET sender, tcpdump on the far side) while GOOSE
# on another VLAN does not, and the per-reason counters moved. Then an
# atomic reload to a policy without the client, and detach.
#
# usage: xdp_netns.sh MMSGATE_XDP_BINARY EBPF_BUILD_DIR
# exit 0 pass, 1 fail, 77 skip (not root, no netns, no BPF).
set -u

BIN=${1:?usage: xdp_netns.sh MMSGATE_XDP EBPF_BUILD_DIR}
OBJDIR=${2:?usage: xdp_netns.sh MMSGATE_XDP EBPF_BUILD_DIR}
SKIP=77
TAG=mgx$$
NSC=${TAG}c
NSS=${TAG}s
VC0=${TAG}c0 VC1=${TAG}c1 VS0=${TAG}s0 VS1=${TAG}s1
PIN=/sys/fs/bpf/mmsgate-test-$$
WORK=$(mktemp -d /tmp/xdp_netns.XXXXXX)
FAILS=0
PIDS=()

skip() { echo "SKIP: $*"; exit $SKIP; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	"$BIN" xdp detach --pin "$PIN" "$VC1" "$VS1" >/dev/null 2>&1
	ip netns del "$NSC" 2>/dev/null
	ip netns del "$NSS" 2>/dev/null
	ip link del "$VC1" 2>/dev/null
	ip link del "$VS1" 2>/dev/null
	rm -rf "$PIN" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip "needs root"
command -v python3 >/dev/null || skip "needs python3"
command -v tcpdump >/dev/null || skip "needs tcpdump"
[ -x "$BIN" ] || skip "$BIN not built"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
ip netns add "$NSC" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$NSS" || skip "cannot create network namespaces"
if ! mount | grep -q ' /sys/fs/bpf type bpf'; then
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip "cannot mount bpffs"
fi

ip link add "$VC0" netns "$NSC" type veth peer name "$VC1" || skip "no veth"
ip link add "$VS0" netns "$NSS" type veth peer name "$VS1" || skip "no veth"
for l in "$VC1" "$VS1"; do ip link set "$l" up; done
ip -n "$NSC" link set lo up
ip -n "$NSS" link set lo up
ip -n "$NSC" link set "$VC0" up
ip -n "$NSS" link set "$VS0" up
ip -n "$NSC" addr add 10.77.0.7/16 dev "$VC0"
ip -n "$NSC" addr add 10.77.9.9/16 dev "$VC0"
ip -n "$NSS" addr add 10.77.1.5/16 dev "$VS0"
# XDP-redirected frames carry no checksum help: compute it in software.
for ns in "$NSC:$VC0" "$NSS:$VS0"; do
	ip netns exec "${ns%%:*}" ethtool -K "${ns##*:}" tx off >/dev/null 2>&1
done
# Native redirect into a veth needs the receiving end to run NAPI: an
# XDP_PASS program there (GRO on is the alternative).
for ns in "$NSC:$VC0" "$NSS:$VS0"; do
	if ! ip -n "${ns%%:*}" link set dev "${ns##*:}" xdpdrv obj "$OBJDIR/xdp_pass.bpf.o" \
		sec xdp 2>"$WORK/ipxdp.err"; then
		ip netns exec "${ns%%:*}" ethtool -K "${ns##*:}" gro on >/dev/null 2>&1
	fi
done

cat >"$WORK/allow.policy" <<'EOF'
mode enforce
set scada { 10.77.0.7 }
set ieds  { 10.77.1.5 }
l2 pass goose vlan 10
l2 pass arp
ip allow mms from @scada to @ieds
EOF
cat >"$WORK/deny.policy" <<'EOF'
mode enforce
set scada { 10.77.0.8 }
set ieds  { 10.77.1.5 }
l2 pass goose vlan 10
l2 pass arp
ip allow mms from @scada to @ieds
EOF

cat >"$WORK/echo.py" <<'EOF'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 102)); s.listen(16)
def serve(c):
    with c:
        while True:
            d = c.recv(4096)
            if not d: return
            c.sendall(d)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
cat >"$WORK/client.py" <<'EOF'
import socket, sys
src, dst = sys.argv[1], sys.argv[2]
s = socket.socket(); s.settimeout(float(sys.argv[3]))
s.bind((src, 0))
try:
    s.connect((dst, 102))
    msg = b"\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00\xc1\x02\x00\x00\xc2\x02\x00\x01\xc0\x01\x0a"
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        d = s.recv(4096)
        if not d: break
        got += d
    sys.exit(0 if got == msg else 2)
except OSError as e:
    print("client %s: %s" % (src, e)); sys.exit(1)
EOF
cat >"$WORK/goose.py" <<'EOF'
import socket, sys
ifname, vid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
for i in range(n):
    pdu = bytes([0x61, 0x0a, 0x80, 0x02, 0x47, 0x4f, 0x81, 0x02, 0x00, i & 0xff, 0x82, 0x00])
    body = bytes([0x00, 0x01, 0x00, 8 + len(pdu), 0, 0, 0, 0]) + pdu
    frame = (bytes.fromhex("010ccd010001") + bytes.fromhex("02000000000a") +
             bytes([0x81, 0x00, 0x80 | (vid >> 8), vid & 0xff, 0x88, 0xb8]) + body)
    frame += bytes(max(0, 60 - len(frame)))
    s.send(frame)
EOF

ip netns exec "$NSS" python3 "$WORK/echo.py" 10.77.1.5 &
PIDS+=($!)
sleep 0.5

counter() { # counter NAME: value from status --json
	"$BIN" xdp status --json --pin "$PIN" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['counters']['$1'])"
}

run_mode() {
	local mode=$1
	echo "== $mode mode"
	if ! "$BIN" xdp attach --pin "$PIN" --policy "$WORK/allow.policy" --inside "$VS1" \
		--outside "$VC1" --mode "$mode" --no-xsk peer; then
		if [ "$mode" = native ]; then
			fail "attach in native mode"
			return
		fi
		skip "cannot attach XDP"
	fi
	"$BIN" xdp status --pin "$PIN" "$VC1" "$VS1" || fail "status"

	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.0.7 10.77.1.5 5; then
		ok "$mode: allowlisted 10.77.0.7 -> 10.77.1.5:102 crosses, echo intact"
	else
		fail "$mode: allowlisted connection did not cross"
	fi
	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.9.9 10.77.1.5 2 >/dev/null; then
		fail "$mode: non-allowlisted 10.77.9.9 got through"
	else
		ok "$mode: non-allowlisted 10.77.9.9 refused"
	fi

	rm -f "$WORK/cap.pcap"
	ip netns exec "$NSS" tcpdump -i "$VS0" -w "$WORK/cap.pcap" -U -s 0 >/dev/null 2>&1 &
	local tpid=$!
	PIDS+=($tpid)
	sleep 1
	ip netns exec "$NSC" python3 "$WORK/goose.py" "$VC0" 10 20
	ip netns exec "$NSC" python3 "$WORK/goose.py" "$VC0" 20 7
	sleep 1
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	local res
	res=$(python3 - "$WORK/cap.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, n10, n20, bad = 24, 0, 0, 0
while off + 16 <= len(d):
    _, _, caplen, _ = struct.unpack("<IIII", d[off:off + 16]); off += 16
    f = d[off:off + caplen]; off += caplen
    if len(f) < 18 or f[12:14] != b"\x81\x00" or f[16:18] != b"\x88\xb8":
        continue
    vid = ((f[14] << 8) | f[15]) & 0xfff
    if vid == 10:
        n10 += 1
        seq = f[18 + 8 + 9]
        pdu = bytes([0x61, 0x0a, 0x80, 0x02, 0x47, 0x4f, 0x81, 0x02, 0x00, seq, 0x82, 0x00])
        exp = (bytes.fromhex("010ccd01000102000000000a") + bytes([0x81, 0x00, 0x80, 10, 0x88, 0xb8]) +
               bytes([0x00, 0x01, 0x00, 8 + len(pdu), 0, 0, 0, 0]) + pdu)
        exp += bytes(max(0, 60 - len(exp)))
        if f != exp:
            bad += 1
    elif vid == 20:
        n20 += 1
print(n10, n20, bad)
EOF
)
	set -- $res
	if [ "${1:-0}" = 20 ] && [ "${3:-1}" = 0 ]; then
		ok "$mode: 20/20 GOOSE frames on VLAN 10 crossed unchanged"
	else
		fail "$mode: GOOSE VLAN 10: got ${1:-?} of 20, ${3:-?} altered"
	fi
	if [ "${2:-1}" = 0 ]; then
		ok "$mode: GOOSE on VLAN 20 dropped"
	else
		fail "$mode: $2 GOOSE frames on VLAN 20 crossed"
	fi

	local l2p deny insp
	l2p=$(counter l2_pass)
	deny=$(counter ip_not_allowed)
	insp=$(counter inspect_forwarded_uninspected)
	[ "${l2p:-0}" -ge 20 ] && ok "$mode: l2_pass=$l2p" || fail "$mode: l2_pass=$l2p"
	[ "${deny:-0}" -ge 1 ] && ok "$mode: ip_not_allowed=$deny" || fail "$mode: ip_not_allowed=$deny"
	[ "${insp:-0}" -ge 3 ] && ok "$mode: inspect_forwarded_uninspected=$insp" ||
		fail "$mode: inspect_forwarded_uninspected=$insp"

	# Atomic reload to a policy without this client: new connections refused.
	"$BIN" xdp reload --pin "$PIN" --policy "$WORK/deny.policy" || fail "$mode: reload"
	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.0.7 10.77.1.5 2 >/dev/null; then
		fail "$mode: connection crossed after reload removed the client"
	else
		ok "$mode: after reload the client is refused"
	fi
	"$BIN" xdp reload --pin "$PIN" --policy "$WORK/allow.policy" >/dev/null || fail "$mode: reload back"
	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.0.7 10.77.1.5 5; then
		ok "$mode: reload back: the client crosses again"
	else
		fail "$mode: reload back: connection failed"
	fi

	"$BIN" xdp detach --pin "$PIN" "$VC1" "$VS1" || fail "$mode: detach"
	[ -e "$PIN" ] && fail "$mode: $PIN still present after detach"
	ip link show "$VC1" | grep -q "xdp" && fail "$mode: program still on $VC1"
}

# The program loaded by another loader (as DPDK's net_af_xdp does with
# xdp_prog=): one copy per port with empty maps, so everything is dropped
# until `reload --iface` writes the policy into each copy.
run_foreign() {
	echo "== foreign loader (ip link ... obj mmsgate_xdp.bpf.o)"
	for l in "$VC1" "$VS1"; do
		ip link set dev "$l" xdpdrv obj "$OBJDIR/mmsgate_xdp.bpf.o" sec xdp ||
			{ fail "ip link could not load mmsgate_xdp.bpf.o"; return; }
	done
	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.0.7 10.77.1.5 2 >/dev/null; then
		fail "foreign: crossed without a policy"
	else
		ok "foreign: no policy loaded, nothing crosses (fail closed)"
	fi
	local np
	np=$("$BIN" xdp status --json --iface "$VC1" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['counters']['no_policy_loaded'])")
	[ "${np:-0}" -ge 1 ] && ok "foreign: no_policy_loaded=$np" || fail "foreign: no_policy_loaded=$np"
	"$BIN" xdp reload --iface "$VC1" --peer "$VS1" --no-xsk peer --stateless --policy "$WORK/allow.policy" >/dev/null &&
		"$BIN" xdp reload --iface "$VS1" --peer "$VC1" --no-xsk peer --stateless --policy "$WORK/allow.policy" >/dev/null ||
		fail "foreign: reload --iface"
	if ip netns exec "$NSC" python3 "$WORK/client.py" 10.77.0.7 10.77.1.5 5; then
		ok "foreign: after reload --iface the allowlisted client crosses"
	else
		fail "foreign: connection failed after reload --iface"
	fi
	ip link set dev "$VC1" xdpdrv off
	ip link set dev "$VS1" xdpdrv off
}

run_mode native
run_mode skb
run_foreign

if [ "$FAILS" -ne 0 ]; then
	echo "xdp_netns: $FAILS failure(s)"
	exit 1
fi
echo "xdp_netns: all checks passed"
exit 0
