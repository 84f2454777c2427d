#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end test in network namespaces: a client namespace and an IED
# namespace joined only through mmsgate (net_af_packet on the root-side
# veths), real TCP with the test MMS client and server, the seed policy:
#   - SCADA (10.10.1.10) reads and operates: both answered;
#   - the historian (10.10.3.20, read-only) reads, then its operate (once
#     alone, once in one segment with a read: pipelined) is
#     refused (policy `mms default deny` = reply-error): the gate answers
#     object-access-denied in the IED's place, and the same association
#     reads on, receives reports (mg-mms-server --reports) and concludes:
#     no RST on either side, retransmissions counted (nstat) in both
#     namespaces, tshark finds no TCP problem on either side;
#   - a second historian (10.10.3.21) may not receive reports: they are
#     removed from its stream (action remove), its reads go on;
#   - 192.168.50.5 is outside the allowlist: cannot connect;
#   - GOOSE in VLAN 100 crosses byte-identical, GOOSE in VLAN 200 does not.
# Needs root and netns; exits 77 (ctest SKIP) with a message otherwise.
# Usage: netns_e2e.sh MMSGATE MMS_SERVER MMS_CLIENT SOURCE_DIR WORK_DIR
set -u
MG=$1 SRV=$2 CLI=$3 SRC=$4 WORK=$5

. "$SRC/tests/scripts/netns_lib.sh"
nl_require tcpdump python3
nl_topology mgdp
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
ip netns exec $NC sh -c "ip addr add 10.10.1.10/16 dev $VC0; ip addr add 10.10.3.20/16 dev $VC0;
	ip addr add 10.10.3.21/16 dev $VC0;
	ip addr add 192.168.50.5/24 dev $VC0; ip route add 10.20.0.0/16 dev $VC0" || exit 1
ip netns exec $NI sh -c "ip addr add 10.20.0.5/16 dev $VI0; ip route add 10.10.0.0/16 dev $VI0;
	ip route add 192.168.50.0/24 dev $VI0" || exit 1
# The site's rules with a bare `mms default deny` (reply-error); the dp_*
# tests run them with `deny reset`.
# A second historian (10.10.3.21) may not receive reports (the server sends
# them after every answer): they are removed from its stream, association
# kept; the first historian (10.10.3.20) may.
sed -e 's/^mms default deny reset$/mms default deny/' \
	-e 's/^set historians  { 10.10.3.20 }$/set historians  { 10.10.3.20, 10.10.3.21 }/' \
	-e '/^mms allow from @clients to @ieds class association, browse, read$/i mms allow from 10.10.3.20 to @ieds class report' \
	"$SRC/tests/scripts/dp_site.policy" >site.policy
grep -q '^mms default deny$' site.policy && grep -q '10.10.3.21 }' site.policy &&
	grep -q '^mms allow from 10.10.3.20 to @ieds class report$' site.policy || { echo "FAIL: site.policy"; exit 1; }

nl_gate_start "$MG" --policy site.policy --events events.jsonl --json-stats stats.json || exit 1
ip netns exec $NI "$SRV" --port 102 --reports >server.out 2>&1 &
nl_bg $!
nl_wait_listen $NI 102 || exit 1

fails=0
run() { # NAME WANT_RC PATTERN -- cmd
	name=$1 want=$2 pat=$3
	shift 4
	ip netns exec $NC "$@" >client.out 2>&1
	rc=$?
	if [ $rc = "$want" ] && grep -q -- "$pat" client.out; then
		echo "ok    $name (rc $rc)"
	else
		echo "FAIL  $name (rc $rc, wanted $want and /$pat/)"
		sed 's/^/      /' client.out
		fails=$((fails + 1))
	fi
}
run "SCADA reads and operates" 0 'operate IED1CTRL/CSWI1$CO$Pos$Oper: ok' -- \
	"$CLI" --host 10.20.0.5 --bind 10.10.1.10 read 'IED1CTRL/XCBR1$ST$Pos' \
	operate 'IED1CTRL/CSWI1$CO$Pos$Oper'
run "historian reads" 0 'read IED1MEAS/MMXU1$MX$PhV: ok' -- \
	"$CLI" --host 10.20.0.5 --bind 10.10.3.20 read 'IED1MEAS/MMXU1$MX$PhV'
# The refusal: captures on both ends, retransmission counters before/after.
retrans() { ip netns exec $1 nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ {print $2}'; }
rc0=$(retrans $NC) ri0=$(retrans $NI)
ip netns exec $NC tcpdump -i $VC0 -w refuse-cli.pcap -U 'tcp port 102' >/dev/null 2>&1 &
TD1=$!
ip netns exec $NI tcpdump -i $VI0 -w refuse-ied.pcap -U 'tcp port 102' >/dev/null 2>&1 &
TD2=$!
sleep 1
run "historian operate refused, association kept" 0 \
	'operate IED1CTRL/CSWI1$CO$Pos$Oper: refused (object-access-denied)' -- \
	"$CLI" --host 10.20.0.5 --bind 10.10.3.20 read 'IED1MEAS/MMXU1$MX$PhV' \
	operate 'IED1CTRL/CSWI1$CO$Pos$Oper' +operate 'IED1CTRL/CSWI1$CO$Pos$Oper' \
	read 'IED1MEAS/MMXU1$MX$PhV' read 'IED1CTRL/XCBR1$ST$Pos'
cp client.out refuse-client.out
sleep 1
kill $TD1 $TD2; wait $TD1 $TD2 2>/dev/null
rc1=$(retrans $NC) ri1=$(retrans $NI)
nreads=$(grep -c 'read .*: ok' refuse-client.out)
nrep=$(grep -c '^client: report' refuse-client.out)
nref=$(grep -c 'refused (object-access-denied)' refuse-client.out)
# The second operate shares its segment with the read after it (pipelined):
# the gate cuts the operate out, the read reaches the IED.
if [ "$nreads" = 3 ] && [ "$nref" = 2 ] && [ "$nrep" -ge 3 ] &&
	grep -q '^client: concluded' refuse-client.out; then
	echo "ok    after the refusals (one pipelined with a read) the association read on ($nreads reads), got $nrep reports, concluded"
else
	echo "FAIL  after the refusal: $nreads reads, $nrep reports"; sed 's/^/      /' refuse-client.out
	fails=$((fails + 1))
fi
for side in cli ied; do
	nrst=$(tshark -r refuse-$side.pcap -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l)
	nana=$(tshark -r refuse-$side.pcap -Y 'tcp.analysis.flags && !tcp.analysis.window_update' \
		2>/dev/null | wc -l)
	nfin=$(tshark -r refuse-$side.pcap -Y 'tcp.flags.fin == 1' 2>/dev/null | wc -l)
	if [ "$nrst" = 0 ] && [ "$nana" = 0 ] && [ "$nfin" -ge 2 ]; then
		echo "ok    $side side: no RST, no TCP analysis flag (tshark), closed with FINs"
	else
		echo "FAIL  $side side: $nrst RST, $nana tshark TCP analysis flags, $nfin FIN"
		tshark -r refuse-$side.pcap 2>/dev/null | sed 's/^/      /' | tail -40
		fails=$((fails + 1))
	fi
done
echo "info  TCP retransmissions during the refusal: client namespace $((rc1 - rc0)), IED namespace $((ri1 - ri0))"
if [ $((rc1 - rc0)) -le 1 ] && [ $((ri1 - ri0)) -le 1 ]; then
	echo "ok    no retransmission storm"
else
	echo "FAIL  retransmissions: client $((rc1 - rc0)), IED $((ri1 - ri0))"; fails=$((fails + 1))
fi
run "second historian reads, its reports removed" 0 'concluded' -- \
	"$CLI" --host 10.20.0.5 --bind 10.10.3.21 read 'IED1MEAS/MMXU1$MX$PhV' \
	read 'IED1MEAS/MMXU1$MX$PhV'
if [ "$(grep -c 'read .*: ok' client.out)" = 2 ] && ! grep -q '^client: report' client.out; then
	echo "ok    the reports it may not receive never reached it; association kept"
else
	echo "FAIL  second historian:"; sed 's/^/      /' client.out; fails=$((fails + 1))
fi
run "host outside the allowlist cannot connect" 3 'cannot connect' -- \
	"$CLI" --host 10.20.0.5 --bind 192.168.50.5 --timeout 2000 read 'IED1CTRL/XCBR1$ST$Pos'
if grep -q 'write IED1CTRL/CSWI1$CO$Pos$Oper' server.out && \
   [ "$(grep -c 'write ' server.out)" = 1 ]; then
	echo "ok    the IED saw exactly one operate (SCADA's)"
else
	echo "FAIL  the IED saw: $(grep 'write ' server.out)"; fails=$((fails + 1))
fi

# GOOSE: raw frames from the IED namespace, captured in the client namespace.
cat >goose.py <<'EOF'
import socket, sys
iface, vid = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
dst = bytes.fromhex("010ccd010001"); src = bytes.fromhex("020050200005")
pdu = bytes.fromhex("61 1b 80 0a 49 45 44 31 2f 67 63 62 31 85 01 01 86 01 00 ab 03 83 01 00".replace(" ", ""))
body = (0x0001).to_bytes(2, "big") + (8 + len(pdu)).to_bytes(2, "big") + bytes(4) + pdu
tag = (0x8000 | vid).to_bytes(2, "big")  # priority 4
frame = dst + src + b"\x81\x00" + tag + b"\x88\xb8" + body
s.send(frame)
open(f"sent-{vid}.hex", "w").write(frame.hex())
EOF
ip netns exec $NC tcpdump -i $VC0 -w goose.pcap -U >/dev/null 2>&1 &
TDPID=$!
sleep 1
ip netns exec $NI python3 goose.py $VI0 100
ip netns exec $NI python3 goose.py $VI0 200
sleep 1
kill $TDPID; wait $TDPID 2>/dev/null
python3 - <<'EOF'
import struct, sys
d = open("goose.pcap", "rb").read()
off, frames = 24, []
while off + 16 <= len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    frames.append(d[off + 16:off + 16 + incl].hex()); off += 16 + incl
s100, s200 = open("sent-100.hex").read(), open("sent-200.hex").read()
ok = s100 in frames and s200 not in frames
print(("ok    " if ok else "FAIL  ") + f"GOOSE VLAN 100 crossed byte-identical, VLAN 200 did not ({len(frames)} frames seen)")
sys.exit(0 if ok else 1)
EOF
[ $? = 0 ] || fails=$((fails + 1))

nl_gate_stop
cat mmsgate.out
if grep -q '"type":"deny".*"action":"reply-error".*"service":"write".*"class":"operate"' events.jsonl; then
	echo "ok    deny event written (action reply-error)"
else
	echo "FAIL  no deny event"; cat events.jsonl; fails=$((fails + 1))
fi
if grep -q '"type":"deny".*"action":"remove".*"service":"informationReport"' events.jsonl; then
	echo "ok    removal event written (action remove)"
else
	echo "FAIL  no removal event"; cat events.jsonl; fails=$((fails + 1))
fi
if python3 -c '
import json, sys
d = json.load(open("stats.json"))
r = d["refusals"]
ok = (r["sent"] == 2 and r["removed"] >= 2 and r["bytes_dropped"] > 0
      and r["bytes_injected"] > 0 and d["rst_sent"] == 0)
print(("ok    " if ok else "FAIL  ") + "counters: refusals %s, rst_sent %d" % (r, d["rst_sent"]))
sys.exit(0 if ok else 1)'; then :; else fails=$((fails + 1)); fi
[ $fails = 0 ] && echo "all namespace checks passed" || echo "$fails check(s) failed"
[ $fails = 0 ]
