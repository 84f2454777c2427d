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
# one sendmmsg, before the IED can ACK), once held by the gate (its last
# byte missing), once held and resent so that the gate takes custody and
# acknowledges it in the IED's name (conflict-custody: bytes the gate
# acknowledged but the IED did not are still compared), and once forwarded
# to a MAC that is not the router's
# (other-host: the router's stack discards it, which the gate does not
# model; the record of unacknowledged bytes still makes the operate a
# conflict, then the read is resent and answered). The IED (mg-mms-server --log) sits one router hop behind
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
# variant must FAIL (on 2026-11-29: IPv4 12/12; the operate reached the
# IED's application in 9, urgent desynchronised its stream, conflict only
# lost its event/counter (the IED discarded the duplicate itself),
# conflict-held ended in a reset. IPv6 13/15, the operate in the IED's
# application in 10; atomic-frag and frag2 are refused before the
# normaliser: bypassing the TCP fragment refusal in mg_dp_ip_handle instead
# fails both, the split operate reaching the IED's application).
# With FAMILY 6 (ctest netns_tcplive6) the same over IPv6: client
# fd00:10::20, IED fd00:20::5, the router forwarding IPv6; instead of the
# IPv4 header checksum and LSRR variants, extension headers on TCP/102
# (hop-by-hop and destination options with a "discard" option, a type 0
# routing header), an atomic fragment (RFC 6946, which Linux takes whole)
# and the operate split in two fragments; the hop limit stands for the TTL.
# No neighbour discovery across the gate: the router has a static entry for
# the raw client, which sends to the router's MAC.
# Usage: netns_tcplive.sh MMSGATE MMS_SERVER MMS_STREAM SOURCE_DIR WORK_DIR [4|6]
# (TCPLIVE_VARIANTS="name…" runs a subset). Needs root; exits 77 otherwise.
set -u
MG=$1 SRV=$2 STREAM=$3 SRC=$4 WORK=$5 FAM=${6:-4}
. "$SRC/tests/scripts/netns_lib.sh"
nl_require python3 tshark ss reordercap
ip netns list >/dev/null 2>&1 || skip "no network namespaces"
P=tl$FAM
NS=${P}s$$ VR0=${P}r$$a VR1=${P}r$$b
nl_on_exit() { ip netns del "$NS" 2>/dev/null; }
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
nl_topology "$P"
CMAC=02:00:00:0a:03:14 # the raw client's (made up) MAC
set -e
ip netns add "$NS"
ip link add "$VR0" type veth peer name "$VR1"
ip link set "$VR0" netns "$NI"
ip link set "$VR1" netns "$NS"
ip netns exec "$NI" sh -e -c "ip link set $VR0 up; ethtool -K $VR0 tx off >/dev/null"
ip netns exec "$NS" sh -e -c "ip link set lo up; ip link set $VR1 up
	ethtool -K $VR1 tx off >/dev/null"
ip netns exec "$NC" sh -e -c "sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip link set $VC0 promisc on"
# The router: the client network on the gate's side, the IED's behind it.
# Source routing refused (Linux's host default, set explicitly).
if [ "$FAM" = 6 ]; then
	CIP=fd00:10::20 SIP=fd00:20::5
	ip netns exec "$NI" sh -e -c "
		sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.accept_source_route=0 \
			net.ipv6.conf.all.accept_ra=0
		ip -6 addr add fd00:10::1/64 dev $VI0 nodad; ip -6 addr add fd00:20::1/64 dev $VR0 nodad
		ip -6 neigh replace $CIP lladdr $CMAC dev $VI0 nud permanent"
	ip netns exec "$NS" sh -e -c "sysctl -qw net.ipv6.conf.all.accept_source_route=0
		ip -6 addr add $SIP/64 dev $VR1 nodad; ip -6 route add default via fd00:20::1"
else
	CIP=10.10.3.20 SIP=10.20.0.5
	ip netns exec "$NI" sh -e -c "
		sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.accept_source_route=0 \
			net.ipv4.conf.default.accept_source_route=0 net.ipv6.conf.all.disable_ipv6=1
		ip addr add 10.10.0.1/16 dev $VI0; ip addr add 10.20.0.1/16 dev $VR0
		ip neigh replace $CIP lladdr $CMAC dev $VI0 nud permanent"
	ip netns exec "$NS" sh -e -c "
		sysctl -qw net.ipv4.conf.all.accept_source_route=0 net.ipv6.conf.all.disable_ipv6=1
		ip addr add $SIP/16 dev $VR1; ip route add default via 10.20.0.1"
fi
set +e
RMAC=$(ip netns exec "$NI" cat "/sys/class/net/$VI0/address")

nl_gate_start "$MG" --policy "$SRC/tests/scripts/attack.policy" --events events.jsonl \
	--json-stats stats.json || exit 1
ip netns exec "$NS" "$SRV" --port 102 --log server.log >server.out 2>&1 &
nl_bg $!
nl_wait_listen "$NS" 102 || exit 1
# What the gate forwarded towards the IED (before the router) and what
# reached the client.
# IPv6: extension headers and fragments hide the port from BPF; all of IPv6
# but ICMPv6 (neighbour discovery, the router's errors).
FILT='tcp port 102'
[ "$FAM" = 6 ] && FILT='tcp port 102 or (ip6 and ip6[6] != 58)'
ip netns exec "$NI" tshark -q -i "$VI0" -f "$FILT" -w to-ied.pcap >tshark-ied.out 2>&1 &
nl_bg $!
ip netns exec "$NC" tshark -q -i "$VC0" -f "$FILT" -w client.pcap >tshark-cli.out 2>&1 &
nl_bg $!
for _ in $(seq 50); do
	grep -q Capturing tshark-ied.out && grep -q Capturing tshark-cli.out && break
	sleep 0.1
done
t0=$(date +%s%N)
ip netns exec "$NC" python3 "$SRC/tests/scripts/tcp_raw.py" "$VC0" $CMAC "$RMAC" $CIP $SIP \
	"$STREAM" conns.json
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
