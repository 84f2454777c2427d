#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Integration test driver: generate a scenario's captures, run mmsgate on
# two net_pcap ports (inside rx = substation traffic, outside rx = corporate
# traffic), then check both output captures frame by frame (dp_check.py;
# control: dp_control.py, control decisions under examples/control.policy;
# finq: dp_refuse_fin.py, a refusal's answer queued when the IED closes;
# custody: dp_custody.py, bytes the gate acknowledged to a silent IED;
# custody-refuse: dp_custody_refuse.py, a refusal during custody resets;
# sack-refuse: dp_sack_refuse.py, the gate's SACK on a translated flow).
# Usage: dp_run.sh CASE MMSGATE DP_SCENARIO|MMSGATE_GEN SOURCE_DIR WORK_DIR
set -eu
case_=$1 mmsgate=$2 scen=$3 src=$4 work=$5
check=""

for t in tshark python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work"

scenario=$case_
extra=""
lcores="-l 0,1"
policy=$src/tests/scripts/dp_site.policy
case $case_ in
monitor) scenario=seed; extra="--mode monitor" ;;
dispatch) scenario=seed; extra="--workers 2"; lcores="--lcores 0@0,1@1,2@1" ;;
flood) extra="--max-flows 64" ;;
control) policy=$src/examples/control.policy check=dp_control.py ;;
custody | custody6) check=dp_custody.py ;;
finq | custody-refuse | sack-refuse)
	# The site policy with a bare deny: refused requests are answered.
	sed 's/^mms default deny reset$/mms default deny/' "$policy" >site.policy
	grep -q '^mms default deny$' site.policy || { echo "FAIL: policy not rewritten"; exit 1; }
	policy=$PWD/site.policy check=dp_refuse_fin.py
	[ "$case_" = custody-refuse ] && check=dp_custody_refuse.py
	[ "$case_" = sack-refuse ] && check=dp_sack_refuse.py
	;;
esac
case $case_ in
gen-*)
	# An mmsgate-gen scenario through a permissive policy ($scen is mmsgate-gen).
	"$scen" "${case_#gen-}" all.pcap >/dev/null
	python3 "$src/tests/scripts/dp_split.py" all.pcap .
	policy=$src/tests/scripts/dp_allow.policy
	;;
*) "$scen" "$scenario" . >/dev/null ;;
esac

# EAL without hugepages so several tests (and engineers) can run at once.
set +e
timeout 60 "$mmsgate" --no-huge --no-shconf -m 512 --no-pci $lcores --log-level='*:error' \
	--vdev "net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap" \
	--vdev "net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap" \
	-- --policy "$policy" --ts-order --exit-on-idle 300 --max-flows 1024 \
	--events events.jsonl --json-stats stats.json $extra >mmsgate.out 2>&1
rc=$?
set -e
cat mmsgate.out
if [ $rc -ne 0 ]; then
	echo "FAIL: mmsgate exited with $rc"
	exit 1
fi
if [ -n "$check" ]; then
	python3 "$src/tests/scripts/$check" .
else
	python3 "$src/tests/scripts/dp_check.py" "$case_" .
fi
