#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Denied-traffic captures under load (issue 16): the seed captures replayed
# in a loop (net_pcap infinite_rx) make the gate refuse a connection about
# every hundred frames, far more than a capture should keep. Checks: files
# rotate at capture-file-mb and at most capture-files stay, each file is a
# complete pcap tshark reads to the end, mode 0640; with a low capture-rate
# the rate limit holds and what it skipped is counted in /metrics.
# usage: appliance_capture.sh MMSGATE DP_SCENARIO SOURCE_DIR WORK_DIR
set -u
mg=$1 scen=$2 src=$3 work=$4
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (DPDK EAL)"; exit 77; }
for t in tshark python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }
"$scen" seed . >/dev/null || { echo "FAIL: dp-scenario"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# run SECONDS DIR [options]: the looped replay, /metrics scraped just before
# SIGTERM into DIR.metrics.
run() {
	secs=$1 dir=$2
	shift 2
	"$mg" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
		--vdev net_pcap0,rx_pcap=inside.pcap,infinite_rx=1 \
		--vdev net_pcap1,rx_pcap=outside.pcap,infinite_rx=1 \
		-- --policy "$src/tests/scripts/dp_site.policy" --ctl-socket none --quiet \
		--metrics-listen "$port" --capture-denied "$dir" "$@" >"$dir.out" 2>&1 &
	pid=$!
	sleep "$secs"
	python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$port/metrics" >"$dir.metrics" || bad "scrape failed: $(cat "$dir.out")"
	kill -TERM $pid
	wait $pid || bad "exit status $? ($(tail -3 "$dir.out"))"
}
metric() { sed -n "s/^$1 //p" "$2"; }

# 1. Rotation and retention: 1 MiB files, 3 kept, no rate limit to speak of.
run 3 rot --capture-file-mb 1 --capture-files 3 --capture-rate 1000000
n=$(ls rot | wc -l)
written=$(metric mmsgate_capture_frames_total rot.metrics)
last=$(ls rot | tail -1)
seq=${last##*-}
seq=$(expr "${seq%.pcap}" + 0)
[ "${written:-0}" -gt 20000 ] && ok "$written frames captured" || bad "only '$written' frames captured"
[ "$n" -ge 1 ] && [ "$n" -le 3 ] && ok "$n files kept (capture-files 3)" || bad "$n files kept"
[ "$seq" -ge 3 ] && ok "rotated: the newest is file #$seq" || bad "no rotation ($last)"
big=0
for f in rot/*.pcap; do
	[ "$(stat -c %s "$f")" -le 1048576 ] || big=$((big + 1))
	[ "$(stat -c %a "$f")" = 640 ] || bad "$f: mode $(stat -c %a "$f")"
	# a complete file: tshark reads every record without complaint
	if ! tshark -r "$f" -T fields -e frame.number >/dev/null 2>tshark.err ||
		grep -qv '^Running as user' tshark.err; then
		bad "tshark: $f: $(grep -v '^Running as user' tshark.err | head -1)"
	fi
done
[ $big -eq 0 ] && ok "every file within 1 MiB" || bad "$big file(s) over 1 MiB"
syn=$(tshark -r "rot/$last" -c 50 -Y 'ip.src==192.168.50.5 && tcp.flags.syn==1' 2>/dev/null | wc -l)
[ "$syn" -ge 1 ] && ok "tshark: refused SYNs in $last" || bad "no refused SYN in $last"

# 2. The rate limit: 50 frames/s for ~3 s.
run 3 rate --capture-rate 50
written=$(metric mmsgate_capture_frames_total rate.metrics)
limited=$(metric 'mmsgate_capture_skipped_frames_total{cause="rate_limit"}' rate.metrics)
[ "${written:-0}" -ge 50 ] && [ "${written:-0}" -le 250 ] && ok "rate limit: $written frames in ~3 s at 50/s" ||
	bad "rate limit: '$written' frames written at 50/s"
[ "${limited:-0}" -gt 1000 ] && ok "rate-limited frames counted ($limited)" || bad "rate_limit skipped '$limited'"

echo "appliance_capture: $fails failure(s)"
[ $fails -eq 0 ]
