#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's main command: build mmsgate, take the bundled substation
# capture (examples/captures/substation-demo.pcap, regenerated with
# mmsgate-gen if missing) plus a few attacks on the same hosts, split it
# into what the substation side and the corporate side send, run the DPDK
# dataplane on two net_pcap ports (no hugepages, no NIC) with
# examples/seed.policy, and print what it passed and what it blocked.
#
# Usage: scripts/demo.sh [BUILD_DIR]     (default: build-demo in the repo)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-demo}
POLICY=$ROOT/examples/seed.policy
CAPTURE=$ROOT/examples/captures/substation-demo.pcap
OUT=$BUILD/demo
JOBS=${JOBS:-2}

# A fresh Debian 12 machine has none of the libraries: install them first.
bash "$ROOT/scripts/install-deps.sh"

echo "== building mmsgate (in $BUILD)"
cmake -S "$ROOT" -B "$BUILD" -DMG_EBPF=OFF -DMG_BENCH=OFF -DMG_TESTS=ON >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target mmsgate mmsgate-gen dp-scenario >/dev/null
MG=$BUILD/dataplane/mmsgate
[ -x "$MG" ] || { echo "mmsgate was not built (is libdpdk-dev installed?)"; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
if [ ! -s "$CAPTURE" ]; then
	echo "== generating $CAPTURE"
	"$BUILD/tests/gen/mmsgate-gen" substation-demo "$OUT/substation-demo.pcap" >/dev/null
	CAPTURE=$OUT/substation-demo.pcap
fi
"$BUILD/tests/tools/dp-scenario" attacks "$OUT/attacks" >/dev/null

# Split: frames sent by the IEDs (the policy's "ieds" set) and GOOSE/SV/GSE
# come in on the inside port, everything else on the outside port. The
# attacks are appended after the bundled capture (timestamps shifted).
python3 - "$CAPTURE" "$OUT/attacks/all.pcap" "$OUT" <<'EOF'
import ipaddress, struct, sys
IEDS = [ipaddress.ip_network(n) for n in ("10.0.0.20/32", "192.168.1.2/32", "fd00:0:0:10::20/128")]
def read(path):
    d = open(path, "rb").read()
    end = "<" if struct.unpack("<I", d[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, out = 24, []
    while off + 16 <= len(d):
        s, us, n, _ = struct.unpack(end + "IIII", d[off:off + 16])
        out.append([s * 1000000 + us, d[off + 16:off + 16 + n]]); off += 16 + n
    return out
def inside(f):
    off = 12
    et = struct.unpack(">H", f[off:off + 2])[0]
    while et in (0x8100, 0x88A8):
        off += 4; et = struct.unpack(">H", f[off:off + 2])[0]
    off += 2
    if et in (0x88B8, 0x88B9, 0x88BA): return True
    if et == 0x0806: a = ipaddress.ip_address(f[off + 14:off + 18])
    elif et == 0x0800: a = ipaddress.ip_address(f[off + 12:off + 16])
    elif et == 0x86DD: a = ipaddress.ip_address(f[off + 8:off + 24])
    else: return False
    return any(a in n for n in IEDS)
demo, att = read(sys.argv[1]), read(sys.argv[2])
shift = (demo[-1][0] + 1000000 - att[0][0]) if demo and att else 0
frames = demo + [[t + shift, f] for t, f in att]
def write(path, fr):
    with open(path, "wb") as o:
        o.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, f in fr:
            o.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(f), len(f)) + f)
write(sys.argv[3] + "/all.pcap", frames)
write(sys.argv[3] + "/inside.pcap", [x for x in frames if inside(x[1])])
write(sys.argv[3] + "/outside.pcap", [x for x in frames if not inside(x[1])])
EOF

echo "== running mmsgate on net_pcap ports with $POLICY"
cd "$OUT"
"$MG" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
	--vdev net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap \
	--vdev net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap \
	-- --policy "$POLICY" --ts-order --exit-on-idle 300 \
	--events events.jsonl --json-stats stats.json >mmsgate.log 2>&1 || {
	cat mmsgate.log; exit 1; }

# Passed / blocked: every input frame looked up in the other port's output.
python3 - <<'EOF'
import json, struct, subprocess
def read(path):
    d = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(d):
        n = struct.unpack("<I", d[off + 8:off + 12])[0]
        out.append(d[off + 16:off + 16 + n]); off += 16 + n
    return out
def summary(path):
    r = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.number",
                        "-e", "_ws.col.Protocol", "-e", "_ws.col.Source",
                        "-e", "_ws.col.Destination", "-e", "_ws.col.Info"],
                       capture_output=True, text=True).stdout.splitlines()
    return {int(l.split("\t")[0]): l.split("\t")[1:] for l in r if l}
st = json.load(open("stats.json"))
for side, src, dst in (("substation -> corporate", "inside.pcap", "to-outside.pcap"),
                       ("corporate -> substation", "outside.pcap", "to-inside.pcap")):
    fin, fout = read(src), read(dst)
    outset = {}
    for f in fout: outset[f] = outset.get(f, 0) + 1
    info = summary(src)
    passed, blocked = 0, []
    for i, f in enumerate(fin, 1):
        if outset.get(f, 0) > 0: outset[f] -= 1; passed += 1
        else: blocked.append(i)
    print(f"\n{side}: {len(fin)} frames in, {passed} passed unchanged, {len(blocked)} blocked")
    for i in blocked:
        p, s, d, inf = (info.get(i, ["?"] * 4) + ["", "", ""])[:4]
        print(f"  blocked  {p:8} {s:>16} -> {d:<16} {inf[:70]}")
    injected = [f for f in fout if f not in fin]
    if injected:
        print(f"  + {len(injected)} frame(s) injected by mmsgate (the IED-style refusal of a denied request, or a TCP RST)")
v = st["verdicts"]
print(f"\nL2: " + ", ".join(f"{k} {n}" for k, n in st["l2"].items() if n))
print(f"MMS: {st['mms_pdus']} PDUs inspected: {v['allow']} allowed, {v['alert']} alerted, {v['deny']} denied; "
      f"{st.get('refusals', {}).get('sent', 0)} refused with an IED-style answer, "
      f"{st['rst_sent']} RST sent")
print("services: " + ", ".join(f"{k} {n}" for k, n in st["services"].items()))
print("drop reasons: " + (", ".join(f"{k} {n}" for k, n in st["drops"].items() if n) or "none"))
ev = [json.loads(l) for l in open("events.jsonl") if l.strip()]
for e in ev:
    what = e.get('reason') or f"{e.get('service', '')} {e.get('class', '')} {' '.join(e.get('objects', []))}"
    print(f"event: {e.get('type')} {e.get('client', '')} -> {e.get('ied', '')} {what}")
if any(e.get('reason') == 'tcp_ack_of_unsent_data' for e in ev):
    print("  (a replayed capture cannot react to the refusal: its IED still acknowledges and\n"
          "   answers the operate the gate cut out, bytes a live IED never receives; the gate\n"
          "   drops those frames as acknowledging data it never sent)")
EOF
echo
echo "outputs in $OUT: to-inside.pcap, to-outside.pcap, events.jsonl, stats.json, mmsgate.log"
