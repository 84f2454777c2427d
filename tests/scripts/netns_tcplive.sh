#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Insertion attacks (issue 11) against a real Linux TCP receiver behind the
# DPDK gate: the IED's application never gets a byte the gate did not
# inspect. A raw TCP client (tcp_raw.py, its own sequence numbers, source
# 10.10.3.20 = read-only in attack.policy, not configured in its namespace so
# no kernel there resets its connections) associates, reads, then per
# variant sends a benign read the IED's stack discards (bad TCP / IPv4
# checksum, no ACK, ACK of unsent data, PAWS-stale timestamp, out of window,
# TTL 1, LSRR, urgent) followed by an operate at the same sequence numbers
# — and a read followed by a conflicting operate, once forwarded (both in
# one sendmmsg, before the IED can ACK) and once held by the gate (its last
# byte missing). The IED (mg-mms-server --log) sits one router hop behind
# the gate, as a TTL check needs:
#
#   client ns $NC --veth-- [mmsgate] --veth-- router ns $NI --veth-- IED ns $NS
#   (raw client)                              (ip_forward)          (server)
#
# Checked (tcplive_check.py): the server's log is exactly the stream of
# reads the client sent (no operate), each drop counted and evented under
# its tcp_*/ip_* reason, the connection afterwards usable (the operate
# refused in the IED's place, a further read answered), tshark on what the
# gate forwarded (captured in the router namespace): reads only, no bad
# checksum, no URG, no IP option, no low TTL.
# Mutation check (by hand, not in CI): make dataplane/conntrack.c's
# normalise() return MG_OUT_FWD first thing, rebuild, run this script: every
# variant must FAIL (on 2026-11-29: 11/11; the operate reached the IED's
# application in 8, urgent desynchronised its stream, conflict only lost
# its event/counter (the IED discarded the duplicate itself), conflict-held
# ended in a reset).
# Usage: netns_tcplive.sh MMSGATE MMS_SERVER MMS_STREAM SOURCE_DIR WORK_DIR
# (TCPLIVE_VARIANTS="name…" runs a subset). Needs root; exits 77 otherwise.
set -u
MG=$1 SRV=$2 STREAM=$3 SRC=$4 WORK=$5
. "$SRC/tests/scripts/netns_lib.sh"
nl_require python3 tshark ss
ip netns list >/dev/null 2>&1 || skip "no network namespaces"
NS=tlsrv$$ VR0=tlr$$a VR1=tlr$$b
nl_on_exit() { ip netns del "$NS" 2>/dev/null; }
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
nl_topology tl
CMAC=02:00:00:0a:03:14 # the raw client's (made up) MAC for 10.10.3.20
set -e
ip netns add "$NS"
ip link add "$VR0" type veth peer name "$VR1"
ip link set "$VR0" netns "$NI"
ip link set "$VR1" netns "$NS"
# The router: the client network on the gate's side, the IED's behind it.
# Source routing refused (Linux's host default, set explicitly).
ip netns exec "$NI" sh -e -c "
	sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.accept_source_route=0 \
		net.ipv4.conf.default.accept_source_route=0 net.ipv6.conf.all.disable_ipv6=1
	ip addr add 10.10.0.1/16 dev $VI0
	ip link set $VR0 up; ethtool -K $VR0 tx off >/dev/null
	ip addr add 10.20.0.1/16 dev $VR0
	ip neigh replace 10.10.3.20 lladdr $CMAC dev $VI0 nud permanent"
ip netns exec "$NS" sh -e -c "
	sysctl -qw net.ipv4.conf.all.accept_source_route=0 net.ipv6.conf.all.disable_ipv6=1
	ip link set lo up; ip link set $VR1 up; ethtool -K $VR1 tx off >/dev/null
	ip addr add 10.20.0.5/16 dev $VR1; ip route add default via 10.20.0.1"
ip netns exec "$NC" sh -e -c "sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip link set $VC0 promisc on"
set +e
RMAC=$(ip netns exec "$NI" cat "/sys/class/net/$VI0/address")

nl_gate_start "$MG" --policy "$SRC/tests/scripts/attack.policy" --events events.jsonl \
	--json-stats stats.json || exit 1
ip netns exec "$NS" "$SRV" --port 102 --log server.log >server.out 2>&1 &
nl_bg $!
nl_wait_listen "$NS" 102 || exit 1
# What the gate forwarded towards the IED (before the router) and what
# reached the client.
ip netns exec "$NI" tshark -q -i "$VI0" -f 'tcp port 102' -w to-ied.pcap >tshark-ied.out 2>&1 &
nl_bg $!
ip netns exec "$NC" tshark -q -i "$VC0" -f 'tcp port 102' -w client.pcap >tshark-cli.out 2>&1 &
nl_bg $!
for _ in $(seq 50); do
	grep -q Capturing tshark-ied.out && grep -q Capturing tshark-cli.out && break
	sleep 0.1
done
t0=$(date +%s%N)
ip netns exec "$NC" python3 "$SRC/tests/scripts/tcp_raw.py" "$VC0" $CMAC "$RMAC" 10.10.3.20 \
	10.20.0.5 "$STREAM" conns.json
rc=$?
t1=$(date +%s%N)
echo "info  raw client: $(((t1 - t0) / 1000000)) ms"
sleep 0.5
for p in $NL_PIDS; do kill "$p" 2>/dev/null; done
sleep 0.5
nl_gate_stop
[ $rc = 0 ] || { echo "FAIL: raw client exited $rc"; cat mmsgate.out; exit 1; }
python3 "$SRC/tests/scripts/tcplive_check.py" conns.json server.log events.jsonl stats.json \
	to-ied.pcap client.pcap
