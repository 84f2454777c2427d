#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# mmsgate run the way systemd runs it (issue 16): only a configuration file
# (ports as vdevs, cores, memory, policy, socket, metrics, captures), the
# notify protocol over an emulated NOTIFY_SOCKET (systemd is not PID 1 on
# the test machines) with a watchdog, JOURNAL_STREAM set so messages carry
# journald priorities. Checks: READY, watchdog pings, SIGHUP reloads the
# policy (READY again, generation 2; a broken policy is refused and the old
# one keeps running), /metrics passes `promtool check metrics` and is the
# same series set as `mmsgatectl metrics`, counters do not go backwards
# across reloads, the denied PDU and the refused connection come back from
# the capture directory through tshark, files are mode 0640.
# usage: appliance_run.sh MMSGATE MMSGATECTL DP_SCENARIO SOURCE_DIR WORK_DIR
set -u
mg=$1 ctl=$2 scen=$3 src=$4 work=$5
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (DPDK EAL)"; exit 77; }
for t in tshark python3 promtool; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }

# Configuration errors are named file:line, before EAL starts.
printf 'policy = x\nbogus = 1\n' >bad.conf
"$mg" --config bad.conf >bad.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.conf:2: unknown key 'bogus'" bad.out; then
	ok "bad configuration: file:line, exit 1"
else bad "bad configuration: rc $rc: $(cat bad.out)"; fi
printf 'policy = x\n' >ok.conf
"$mg" --config ok.conf --metrics-listen host: >bad.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "not ADDR:PORT or PORT" bad.out && ok "bad --metrics-listen: usage error" ||
	bad "bad --metrics-listen: rc $rc: $(cat bad.out)"

"$scen" seed . >/dev/null || { echo "FAIL: dp-scenario"; exit 1; }
# A free TCP port for /metrics.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$src/tests/scripts/dp_site.policy" site.policy
cat >mmsgate.conf <<CONF
# written by appliance_run.sh
inside  = net_pcap0,rx_pcap=$work/inside.pcap,tx_pcap=$work/to-inside.pcap
outside = net_pcap1,rx_pcap=$work/outside.pcap,tx_pcap=$work/to-outside.pcap
cores = 0,1
memory = 512
hugepages = no
eal-args = --no-shconf --log-level=*:error
policy = $work/site.policy
ctl-socket = $work/ctl.sock
metrics-listen = 127.0.0.1:$port
capture-denied = $work/captures
capture-rate = 1000
log-level = info
CONF

# EAL options on the command line win over the file's (EAL refuses -l twice).
timeout 30 "$mg" -l 0,1 -m 600 -- --config mmsgate.conf --ctl-socket none --ts-order \
	--exit-on-idle 300 --metrics-listen 127.0.0.1:1 >eal.out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "ready: " eal.out && ok "command-line EAL options override the file's" ||
	bad "-l/-m on the command line with a config file: rc $rc: $(grep -i error eal.out | head -2)"

# The notify socket: a datagram listener recording every message.
python3 - "$work/notify.sock" >notify.log 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
try:
    while True:
        m = s.recv(4096).decode()
        print(m.replace("\n", "|"), flush=True)
        if "STOPPING=1" in m:
            break
except socket.timeout:
    pass
PY
npid=$!
i=0
while [ ! -S notify.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# --ts-order on the command line: it adds to the file (replayed captures).
# (Started directly, not under timeout(1), so signals reach it as from systemd.)
NOTIFY_SOCKET=$work/notify.sock WATCHDOG_USEC=1000000 JOURNAL_STREAM=8:1 \
	"$mg" --config mmsgate.conf --ts-order >daemon.out 2>&1 &
pid=$!
# A guard that ends with the daemon (and kills it after 90 s).
(
	i=0
	while [ $i -lt 900 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	kill -9 $pid 2>/dev/null
) >/dev/null 2>&1 &
trap 'kill $pid 2>/dev/null' EXIT
waitfor() { # PATTERN FILE: up to 15 s
	i=0
	while ! grep -q -- "$1" "$2" 2>/dev/null; do
		[ $i -ge 150 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}
if waitfor "READY=1" notify.log; then ok "READY=1 over NOTIFY_SOCKET"; else bad "no READY=1"; cat daemon.out; fi
waitfor "WATCHDOG=1" notify.log && ok "watchdog pinged" || bad "no WATCHDOG=1"
grep -q '^<5>ready: ' daemon.out && ok "journald priority prefix (<5> notice)" ||
	bad "no '<5>ready:' line: $(head -3 daemon.out)"

# Let the replay finish (the captures are short), then scrape.
sleep 1.5
scrape() {
	python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$port/metrics"
}
scrape >m1.txt || bad "GET /metrics failed"
if promtool check metrics <m1.txt >promtool.txt 2>&1; then ok "promtool check metrics"; else
	bad "promtool check metrics:"; sed 's/^/      /' promtool.txt | head
fi
"$ctl" --socket ctl.sock metrics >c1.txt || bad "mmsgatectl metrics failed"
if [ "$(grep -v '^#' m1.txt | cut -d' ' -f1)" = "$(grep -v '^#' c1.txt | cut -d' ' -f1)" ]; then
	ok "mmsgatectl metrics: the same series as /metrics"
else
	bad "mmsgatectl metrics and /metrics differ"
fi
# The series budget the first line states holds, every counter at its
# largest (zero-hidden services/reasons counted as if present).
budget=$(sed -n '1s/.*at most \([0-9]*\) series.*/\1/p' m1.txt)
nseries=$(grep -vc '^#' m1.txt)
[ -n "$budget" ] && [ "$nseries" -le "$budget" ] && ok "$nseries series within the stated budget $budget" ||
	bad "series: $nseries, budget '$budget'"
grep -q '^mmsgate_policy_generation 1$' m1.txt && ok "generation 1" || bad "generation is not 1"
grep -q '^mmsgate_mms_verdicts_total{verdict="deny"} 1$' m1.txt && ok "one MMS deny counted" ||
	bad "deny counter: $(grep verdict m1.txt)"
# Labels are fixed enumerations: no address, port or object in any label.
if grep -v '^#' m1.txt | grep -Eq '="[^"]*([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|:[0-9a-f]*:|\$)'; then
	bad "a label carries an address or object name"
else ok "labels are enumerations"; fi

# SIGHUP with a broken policy: refused, generation 1 keeps running.
printf 'mode enforce\nmms defualt deny\n' >site.policy
kill -HUP $pid
sleep 0.5
waitfor "rejected, generation 1 keeps running" daemon.out && ok "SIGHUP with a bad policy: refused" ||
	bad "bad policy on SIGHUP: $(tail -2 daemon.out)"
grep -q '^<3>SIGHUP' daemon.out && ok "the refusal logged at priority err" || bad "no <3> line"
# SIGHUP with the good policy: generation 2, READY again.
cp "$src/tests/scripts/dp_site.policy" site.policy
kill -HUP $pid
waitfor "generation 2" notify.log && ok "SIGHUP: RELOADING then READY, generation 2" ||
	bad "no READY with generation 2: $(cat notify.log)"
grep -q "RELOADING=1" notify.log || bad "no RELOADING=1"
scrape >m2.txt
grep -q '^mmsgate_policy_generation 2$' m2.txt && ok "metrics: generation 2" || bad "metrics generation"
python3 - m1.txt m2.txt <<'PY' && ok "counters monotonic across reloads" || bad "a counter went backwards"
import sys
def load(p):
    types, vals = {}, {}
    for l in open(p):
        if l.startswith("# TYPE"):
            _, _, n, t = l.split()
            types[n] = t
        elif l.strip() and not l.startswith("#"):
            k, v = l.rsplit(" ", 1)
            vals[k] = float(v)
    return types, vals
t1, a = load(sys.argv[1])
_, b = load(sys.argv[2])
bad = [k for k in a if t1.get(k.split("{")[0]) == "counter" and b.get(k, -1) < a[k]]
print("backwards:", bad) if bad else None
sys.exit(1 if bad else 0)
PY

kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && ok "SIGTERM: clean exit" || bad "exit status $rc"
wait $npid 2>/dev/null
grep -q "STOPPING=1" notify.log && ok "STOPPING=1" || bad "no STOPPING=1"

# The captures.
set -- captures/denied-*.pcap
if [ -f "$1" ]; then ok "capture file $(basename "$1")"; else bad "no capture file"; fi
modes=$(stat -c %a captures/denied-*.pcap 2>/dev/null | sort -u)
[ "$modes" = 640 ] && ok "capture files mode 0640" || bad "capture modes: $modes"
PRES='uat:pres_context_list:"3","1.0.9506.2.1"'
op=$(tshark -r "$1" -o "$PRES" -Y 'mms.confirmedServiceRequest==5' -T fields -e ip.src -e mms.itemId 2>/dev/null)
case $op in
*10.10.3.20*'CSWI1$CO$Pos$Oper'*) ok "tshark: the denied operate (write CSWI1\$CO\$Pos\$Oper from 10.10.3.20)" ;;
*) bad "tshark found no denied operate in the capture: '$op'" ;;
esac
opn=$(tshark -r "$1" -o "$PRES" -Y 'mms.confirmedServiceRequest==5' -T fields -e frame.number 2>/dev/null | head -1)
rstn=$(tshark -r "$1" -Y 'tcp.flags.reset==1' -T fields -e frame.number 2>/dev/null | head -1)
[ -n "$opn" ] && [ -n "$rstn" ] && [ "$opn" -lt "$rstn" ] && ok "the denied PDU comes before the gate's RSTs" ||
	bad "order in the capture: operate #$opn, first RST #$rstn"
syn=$(tshark -r "$1" -Y 'ip.src==192.168.50.5 && tcp.flags.syn==1' -T fields -e tcp.dstport 2>/dev/null)
[ "$syn" = 102 ] && ok "tshark: the refused connection's SYN" || bad "no refused SYN: '$syn'"
sent=$(tshark -r "$1" -Y 'tcp.flags.reset==1 || mms.confirmedServiceResponse || mms.confirmed_ErrorPDU_element' 2>/dev/null | wc -l)
[ "$sent" -ge 1 ] && ok "what the gate sent in answer ($sent frame(s))" || bad "no reset/refusal captured"
grep -q '^mmsgate_capture_frames_total [1-9]' m2.txt && ok "capture counter" || bad "capture counter"
grep -q '^mmsgate_port_link_up{side="inside"} 1$' m1.txt && ok "link gauge" || bad "no link gauge"

echo "appliance_run: $fails failure(s)"
[ $fails -eq 0 ]
