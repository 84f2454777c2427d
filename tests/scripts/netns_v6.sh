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

. "$SRC/tests/scripts/netns_lib.sh"
nl_require ping python3
nl_topology mg6
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
# nodad: addresses usable at once; neighbour discovery still has to cross
ip netns exec $NC sh -c "ip -6 addr add fd00:10::10/64 dev $VC0 nodad;
	ip -6 route add fd00:20::/64 dev $VC0" || exit 1
ip netns exec $NI sh -c "ip -6 addr add fd00:20::5/64 dev $VI0 nodad;
	ip -6 route add fd00:10::/64 dev $VI0" || exit 1

nl_gate_start "$MG" --policy "$SRC/tests/scripts/netns_v6.policy" --events events.jsonl \
	--json-stats stats.json || exit 1
ip netns exec $NI "$SRV" --port 102 >server.out 2>&1 &
nl_bg $!
nl_wait_listen $NI 102 || exit 1

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

nl_gate_stop
if [ $fails -ne 0 ]; then
	cat mmsgate.out
	exit 1
fi
echo "netns_v6: ok"
