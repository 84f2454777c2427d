#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Forwarding rate of mmsgate against dpdk-testpmd io-forward on the same
# virtual devices in the same run (one worker core each). Not a test: it
# prints numbers (no thresholds).
#   net_ring: both ports loop back (tx -> own rx). testpmd --tx-first and
#             mmsgate --bench-inject put 64-byte frames in flight (for
#             mmsgate: GOOSE on VLAN 100, the L2 pass path of the seed
#             policy), which then circulate: the rate is forwarded frames/s.
#   net_null: rx returns zero-filled 64-byte frames as fast as asked;
#             testpmd forwards them, mmsgate classifies them (EtherType 0,
#             not in any policy) and drops them: the rate is handled frames/s.
# Usage: dp_bench.sh MMSGATE SOURCE_DIR [SECONDS] [EAL memory options]
set -u
MG=$1 SRC=$2 SECS=${3:-8}
shift 3 2>/dev/null || shift $#
MEM=${*:-"--no-huge --no-shconf -m 512"}
POL=$SRC/tests/scripts/dp_site.policy
TP=$(command -v dpdk-testpmd) || { echo "dpdk-testpmd not found"; exit 1; }
EAL="$MEM --no-pci -l 0,1 --log-level=*:error"

# mmsgate: rate from the last two periodic counter prints (2 s apart).
mg_rate() { # what(tx|rx) vdevs...
	local what=$1
	shift
	timeout -s INT $SECS "$MG" $EAL "$@" -- --policy "$POL" --stats-interval 2 --quiet \
		--bench-inject 256 2>&1 |
		awk -v w=$what '/^  (inside|outside) +port/ { for (i = 1; i <= NF; i++) if ($i == w) s += $(i+1); n++;
			if (n % 2 == 0) { v[++k] = s; s = 0 } }
			END { if (k >= 2) printf "%.2f", (v[k-1] - v[k-2]) / 2 / 1e6; else print "n/a" }'
}

# testpmd: sum of the per-port Tx-pps of the last stats print.
tp_rate() { # mode vdevs...
	local mode=$1
	shift
	timeout -s INT $SECS "$TP" $EAL "$@" -- --forward-mode=$mode --tx-first --stats-period 2 \
		--total-num-mbufs=16384 --burst=32 --no-flush-rx 2>&1 |
		awk '/Tx-pps:/ { for (i = 1; i <= NF; i++) if ($i == "Tx-pps:") cur += $(i+1); n++;
			if (n % 2 == 0) { last = cur; cur = 0 } }
			END { if (last != "") printf "%.2f", last / 1e6; else print "n/a" }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf "%-9s %-9s %-9s %-9s %-9s %-9s\n" device io_Mpps mac_Mpps mg_Mpps mg/io mg/mac
for dev in ring null; do
	v="--vdev net_${dev}0 --vdev net_${dev}1"
	t=$(tp_rate io $v)
	tm=$(tp_rate mac $v)
	if [ $dev = ring ]; then m=$(mg_rate tx $v); else m=$(mg_rate rx $v); fi
	printf "%-9s %-9s %-9s %-9s %-9s %-9s\n" net_$dev "$t" "$tm" "$m" "$(ratio $m $t)" "$(ratio $m $tm)"
done
echo "(io/mac: dpdk-testpmd --forward-mode io (never reads the frame) / mac (rewrites the"
echo " Ethernet addresses); mg: mmsgate, one worker, same devices, same run)"
echo "(net_ring: forwarded 64-byte frames/s; net_null: mmsgate drops the zeroed frames"
echo " after L2 classification, so its column is frames handled/s; memory: $MEM)"
