#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 through the DPDK gate between two namespaces (issue 12, item 4): the
# ICMP type reaches the policy, so `icmp nd` lets neighbour discovery work
# and `icmp echo` lets SCADA ping the IED (its echo replies come back),
# while the IED's own echo request towards SCADA is refused; an MMS read
# over IPv6 is answered. Needs root and netns; exits 77 otherwise.
# Usage: netns_v6.sh MMSGATE MMS_SERVER MMS_CLIENT SOURCE_DIR WORK_DIR
set -u
MG=$1 SRV=$2 CLI=$3 SRC=$4 WORK=$5

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, AF_PACKET)"
for t in ip ethtool ping python3; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
NC=mg6c$$ NI=mg6i$$
VC0=v6c$$a VC1=v6c$$b VI0=v6i$$a VI1=v6i$$b
ip netns add $NC 2>/dev/null || skip "cannot create network namespaces here"

MGPID= SRVPID=
cleanup() {
	[ -n "$MGPID" ] && kill $MGPID 2>/dev/null && wait $MGPID 2>/dev/null
	[ -n "$SRVPID" ] && kill $SRVPID 2>/dev/null
	ip link del $VC1 2>/dev/null
	ip link del $VI1 2>/dev/null
	ip netns del $NC 2>/dev/null
	ip netns del $NI 2>/dev/null
}
trap cleanup EXIT INT TERM

set -e
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
ip netns add $NI
ip link add $VC0 type veth peer name $VC1
ip link add $VI0 type veth peer name $VI1
ip link set $VC0 netns $NC
ip link set $VI0 netns $NI
for i in $VC1 $VI1; do
	sysctl -qw net.ipv6.conf.$i.disable_ipv6=1 || true
	ip link set $i up promisc on
done
# nodad: addresses usable at once; neighbour discovery still has to cross
ip netns exec $NC sh -c "ip link set lo up; ip link set $VC0 up;
	ip -6 addr add fd00:10::10/64 dev $VC0 nodad; ip -6 route add fd00:20::/64 dev $VC0;
	ethtool -K $VC0 tx off >/dev/null"
ip netns exec $NI sh -c "ip link set lo up; ip link set $VI0 up;
	ip -6 addr add fd00:20::5/64 dev $VI0 nodad; ip -6 route add fd00:10::/64 dev $VI0;
	ethtool -K $VI0 tx off >/dev/null"
set +e

"$MG" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
	--vdev net_af_packet0,iface=$VI1 --vdev net_af_packet1,iface=$VC1 \
	-- --policy "$SRC/tests/scripts/netns_v6.policy" --events events.jsonl \
	--json-stats stats.json >mmsgate.out 2>&1 &
MGPID=$!
ip netns exec $NI "$SRV" --port 102 >server.out 2>&1 &
SRVPID=$!
sleep 2
if ! kill -0 $MGPID 2>/dev/null; then
	echo "FAIL: mmsgate did not start"; cat mmsgate.out; exit 1
fi

fails=0
check() { # NAME WANT_RC -- cmd
	name=$1 want=$2
	shift 3
	ip netns exec "$@" >out.txt 2>&1
	rc=$?
	if { [ "$want" = 0 ] && [ $rc = 0 ]; } || { [ "$want" != 0 ] && [ $rc != 0 ]; }; then
		echo "ok    $name (rc $rc)"
	else
		echo "FAIL  $name (rc $rc)"
		sed 's/^/      /' out.txt
		fails=$((fails + 1))
	fi
}
check "SCADA pings the IED over IPv6 (ND + echo)" 0 -- $NC ping -6 -c 2 -W 2 fd00:20::5
check "the IED may not ping SCADA" 1 -- $NI ping -6 -c 1 -W 1 fd00:10::10
check "MMS read over IPv6" 0 -- $NC "$CLI" --host fd00:20::5 --bind fd00:10::10 \
	--timeout 3000 read 'IED1CTRL/XCBR1$ST$Pos'

kill $MGPID 2>/dev/null
wait $MGPID 2>/dev/null
MGPID=
if [ $fails -ne 0 ]; then
	cat mmsgate.out
	exit 1
fi
echo "netns_v6: ok"
