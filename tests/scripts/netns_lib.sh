# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Shared set-up of the namespace tests (sourced, bash): a client namespace
# and an IED namespace joined only through mmsgate, which bridges the two
# root-side veths with net_af_packet. Owns the topology, the gate's start
# and stop, and the cleanup of everything it made (trap on EXIT/INT/TERM);
# addressing, routes and what runs in the namespaces stay with the test.
#
#   client ns $NC          root ns (mmsgate)            IED ns $NI
#   $VC0  <--veth-->  $VC1 [port 1]   [port 0] $VI1  <--veth-->  $VI0
#
# Interface:
#   . "$SRC/tests/scripts/netns_lib.sh"
#   nl_require TOOL...     exit 77 (ctest SKIP) with a message unless root,
#                          every TOOL is installed and namespaces can be made
#   nl_topology PFX        make it; PFX (<= 5 chars) + $$ names everything:
#                          sets NC NI (namespaces), VC0 VI0 (their veths),
#                          VC1 VI1 (the root-side peers, up, promisc, no
#                          IPv6). The namespace-side veths are up with TX
#                          checksum offload off (else TCP through the
#                          af_packet bridge carries bad checksums) and
#                          rxvlan off where supported; lo is up.
#   nl_gate_start MMSGATE DAEMON_ARGS...
#                          start mmsgate in the background (EAL: --no-huge
#                          --no-shconf -m 512, lcores 0,1; port 0 = VI1,
#                          port 1 = VC1), output in ./mmsgate.out; waits
#                          ${NL_GATE_WAIT:-2} s, fails (return 1, output
#                          shown) if it died. Sets MGPID.
#   nl_gate_stop           SIGTERM and wait (stats/events files flushed).
#   nl_bg PID              kill PID at exit (servers, captures, loaders).
#   nl_wait_listen NS PORT wait (<= 5 s) until a TCP listener is on PORT.
#   nl_on_exit             if the test defines this function, the cleanup
#                          calls it first.
# Run the tests that use it under `flock /tmp/mg-netns.lock` (one at a time).

skip() { echo "SKIP: $*"; exit 77; }

nl_require() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, AF_PACKET)"
	local t
	for t in ip ethtool "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
	done
}

NL_PIDS= MGPID=
nl_bg() { NL_PIDS="$1 $NL_PIDS"; }

nl_cleanup() {
	local p
	declare -F nl_on_exit >/dev/null && nl_on_exit
	for p in $NL_PIDS; do kill "$p" 2>/dev/null; done
	[ -n "$MGPID" ] && kill "$MGPID" 2>/dev/null && wait "$MGPID" 2>/dev/null
	# Deleting one end of a veth deletes both.
	ip link del "$VC1" 2>/dev/null
	ip link del "$VI1" 2>/dev/null
	ip netns del "$NC" 2>/dev/null
	ip netns del "$NI" 2>/dev/null
}

nl_topology() {
	local pfx=$1 i ns dev
	NC=${pfx}c$$ NI=${pfx}i$$
	VC0=${pfx}c$$a VC1=${pfx}c$$b VI0=${pfx}i$$a VI1=${pfx}i$$b
	ip netns add "$NC" 2>/dev/null || skip "cannot create network namespaces here"
	trap nl_cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$NI" &&
		ip link add "$VC0" type veth peer name "$VC1" &&
		ip link add "$VI0" type veth peer name "$VI1" &&
		ip link set "$VC0" netns "$NC" &&
		ip link set "$VI0" netns "$NI" || { echo "FAIL: topology"; exit 1; }
	for i in $VC1 $VI1; do
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" || true
		ip link set "$i" up promisc on || exit 1
	done
	for ns in "$NC:$VC0" "$NI:$VI0"; do
		dev=${ns#*:} ns=${ns%%:*}
		ip netns exec "$ns" sh -c "ip link set lo up && ip link set $dev up &&
			{ ethtool -K $dev tx off rxvlan off >/dev/null 2>&1 ||
			  ethtool -K $dev tx off >/dev/null; }" || { echo "FAIL: $ns up"; exit 1; }
	done
}

nl_gate_start() {
	local mg=$1
	shift
	"$mg" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
		--vdev "net_af_packet0,iface=$VI1" --vdev "net_af_packet1,iface=$VC1" \
		-- "$@" >mmsgate.out 2>&1 &
	MGPID=$!
	sleep "${NL_GATE_WAIT:-2}"
	if ! kill -0 "$MGPID" 2>/dev/null; then
		echo "FAIL: mmsgate did not start"
		cat mmsgate.out
		MGPID=
		return 1
	fi
}

nl_gate_stop() {
	[ -n "$MGPID" ] || return 0
	kill -TERM "$MGPID" 2>/dev/null
	wait "$MGPID" 2>/dev/null
	MGPID=
}

nl_wait_listen() {
	local k
	for k in $(seq 50); do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "FAIL: nothing listens on $2 in $1"
	return 1
}
