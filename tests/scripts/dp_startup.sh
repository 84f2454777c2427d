#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# mmsgate start-up validation: every problem gives a clear message and a
# non-zero exit; --help works without EAL; SIGTERM stops cleanly and prints
# the final counters.
# Usage: dp_startup.sh MMSGATE SOURCE_DIR WORK_DIR
set -u
mg=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fails=0
EAL="--no-huge --no-shconf -m 256 --no-pci -l 0,1 --log-level=*:error"

# expect NAME WANT_RC PATTERN -- command...
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >out.txt 2>&1
	rc=$?
	if [ "$want" = nonzero ] && [ $rc -ne 0 ] || [ "$want" = "$rc" ]; then
		if grep -q -- "$pat" out.txt; then
			echo "ok    $name (rc $rc)"
			return
		fi
	fi
	echo "FAIL  $name (rc $rc, wanted $want and /$pat/):"
	sed 's/^/      /' out.txt | head -20
	fails=$((fails + 1))
}

printf 'mode enforce\nl2 pass arp\nmms defualt deny\n' >bad.policy
expect "--help" 0 "Usage:" -- "$mg" --help
expect "-- --help" 0 "--policy FILE" -- "$mg" $EAL -- --help
expect "no --" 2 "missing '--'" -- "$mg" $EAL
expect "no --policy" 2 "--policy FILE is required" -- "$mg" $EAL --
expect "unknown option" 2 "unknown option" -- "$mg" $EAL -- --policy x --bogus
expect "bad number" 2 "not a number" -- "$mg" $EAL -- --policy x --workers zero
expect "bad mode" 2 "not enforce or monitor" -- "$mg" $EAL -- --policy x --mode sleep
expect "missing policy file" 1 "rejected" -- "$mg" $EAL -- --policy /nonexistent.policy
expect "policy with an error" 1 "bad.policy:3:" -- "$mg" $EAL -- --policy bad.policy
expect "no ports" 1 "does not exist" -- "$mg" $EAL -- --policy "$src/tests/scripts/dp_site.policy"
expect "same port twice" 1 "must be different" -- "$mg" $EAL --vdev net_null0 --vdev net_null1 \
	-- --policy "$src/tests/scripts/dp_site.policy" --inside 1 --outside 1
expect "too many workers" 1 "lcores" -- "$mg" $EAL --vdev net_null0 --vdev net_null1 \
	-- --policy "$src/tests/scripts/dp_site.policy" --workers 4
expect "--ts-order on net_null" 1 "timestamps" -- "$mg" $EAL --vdev net_null0 --vdev net_null1 \
	-- --policy "$src/tests/scripts/dp_site.policy" --ts-order

# SIGTERM: clean stop with final counters and the JSON file.
"$mg" $EAL --vdev net_null0 --vdev net_null1 -- --policy "$src/tests/scripts/dp_site.policy" \
	--json-stats stats.json >run.txt 2>&1 &
pid=$!
sleep 2
kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 0 ] && grep -q "final counters" run.txt && python3 -c "import json,sys; d=json.load(open('stats.json')); sys.exit(0 if d['ports']['inside']['rx'] > 0 and d['drops']['l2_policy_drop'] > 0 else 1)"; then
	echo "ok    SIGTERM: clean exit, final counters printed, JSON written"
else
	echo "FAIL  SIGTERM (rc $rc)"
	cat run.txt
	fails=$((fails + 1))
fi
[ $fails -eq 0 ] && echo "all start-up checks passed" || echo "$fails check(s) failed"
[ $fails -eq 0 ]
