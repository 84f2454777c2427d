#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# A refusal whose answer is still queued when the IED closes: dp-scenario
# finq (the historian's operate refused with reply-error while the IED is
# in the middle of a read response; the IED's last segment completes the
# response and carries its FIN) through mmsgate on two net_pcap ports,
# checked by dp_refuse_fin.py: the client gets the whole response, then the
# answer, then the FIN after it; the operate never reaches the IED; no RST.
# Usage: dp_refuse_fin.sh MMSGATE DP_SCENARIO SOURCE_DIR WORK_DIR
set -eu
mmsgate=$1 scen=$2 src=$3 work=$4
for t in tshark python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work"
"$scen" finq . >/dev/null
# The site policy with a bare deny: refused requests are answered.
sed 's/^mms default deny reset$/mms default deny/' "$src/tests/scripts/dp_site.policy" >site.policy
grep -q '^mms default deny$' site.policy || { echo "FAIL: policy not rewritten"; exit 1; }
set +e
timeout 60 "$mmsgate" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
	--vdev "net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap" \
	--vdev "net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap" \
	-- --policy site.policy --ts-order --exit-on-idle 300 \
	--events events.jsonl --json-stats stats.json >mmsgate.out 2>&1
rc=$?
set -e
if [ $rc -ne 0 ]; then
	cat mmsgate.out
	echo "FAIL: mmsgate exited with $rc"
	exit 1
fi
python3 "$src/tests/scripts/dp_refuse_fin.py" .
