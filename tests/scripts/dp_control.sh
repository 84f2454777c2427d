#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Control decisions on the dataplane: dp-scenario control (select-before-
# operate, open/close, interlock bypass, test mode, a setting's range,
# select timeout) through mmsgate on two net_pcap ports under
# examples/control.policy, checked by dp_control.py.
# Usage: dp_control.sh MMSGATE DP_SCENARIO SOURCE_DIR WORK_DIR
set -eu
mmsgate=$1 scen=$2 src=$3 work=$4
for t in tshark python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work"
"$scen" control . >/dev/null
# --ts-order: the frames' timestamps are the clock of the select timeout.
set +e
timeout 60 "$mmsgate" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
	--vdev "net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap" \
	--vdev "net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap" \
	-- --policy "$src/examples/control.policy" --ts-order --exit-on-idle 300 \
	--max-flows 1024 --events events.jsonl --json-stats stats.json >mmsgate.out 2>&1
rc=$?
set -e
if [ $rc -ne 0 ]; then
	cat mmsgate.out
	echo "FAIL: mmsgate exited with $rc"
	exit 1
fi
python3 "$src/tests/scripts/dp_control.py" .
