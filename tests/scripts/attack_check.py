#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Transport-level evasions (issue 11) through `mmsgatectl replay` or the
live daemon on net_pcap ports.

Usage: attack_check.py replay MMSGATECTL DIR POLICY
       attack_check.py daemon MMSGATE DIR POLICY SRC_DIR

DIR holds the captures of mmsgate-attacks and its expect.txt ("NAME KIND
REASON..."). For KIND refuse: one of the REASONs must refuse something and
the operate (IED1CTRL/CSWI1$CO$Pos$Oper) must never be allowed (replay) /
never reach the IED (daemon: its bytes are absent from what the gate sent
towards the IED). For KIND legit: nothing is refused, no verdict is deny,
and (daemon) every byte the client sent reaches the IED.
"""
import json
import os
import subprocess
import sys

OPER = b"CSWI1$CO$Pos$Oper"
failures = []


def fail(name, msg):
    failures.append(f"{name}: {msg}")
    print(f"FAIL {name}: {msg}")


def expectations(d):
    with open(os.path.join(d, "expect.txt")) as f:
        for line in f:
            parts = line.split()
            if parts:
                yield parts[0], parts[1], [r for r in parts[2:] if r != "-"]


def check_replay(ctl, d, policy):
    for name, kind, reasons in expectations(d):
        cap = os.path.join(d, name + ".pcap")
        p = subprocess.run([ctl, "replay", "--json", "--policy", policy, cap],
                           capture_output=True, text=True)
        if p.returncode != 0:
            fail(name, f"replay exited {p.returncode}: {p.stderr.strip()}")
            continue
        recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        refused = [r for r in recs if r.get("verdict") == "deny"]
        seen = {r.get("reason") for r in refused} | {r.get("anomaly") for r in refused}
        oper_allowed = [r for r in recs if r.get("class") == "operate"
                        and r.get("verdict") != "deny"]
        if kind == "refuse":
            if not seen.intersection(reasons):
                fail(name, f"none of {reasons} refused anything (denials: {sorted(filter(None, seen))})")
            elif oper_allowed:
                fail(name, f"operate allowed: {oper_allowed}")
            else:
                print(f"ok   {name}: refused ({sorted(filter(None, seen))})")
        else:
            reads = [r for r in recs if r.get("service") == "read" and r.get("verdict") == "allow"]
            if refused:
                fail(name, f"legitimate traffic refused: {refused}")
            elif len(reads) < 2:
                fail(name, f"only {len(reads)} reads allowed")
            else:
                print(f"ok   {name}: {len(reads)} reads allowed, nothing refused")


def pcap_frames(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from dp_check import read_pcap  # noqa: E402
    return [f for _, f in read_pcap(path)]


def tcp_payload(fr):
    """Client→server TCP payload bytes of an untagged IPv4 frame (or b'')."""
    if len(fr) < 34 or fr[12:14] != b"\x08\x00" or fr[23] != 6:
        return b""
    ihl = (fr[14] & 15) * 4
    tot = int.from_bytes(fr[16:18], "big")
    off = 14 + ihl
    if (int.from_bytes(fr[20:22], "big") & 0x1fff) != 0:
        return fr[off:14 + tot]  # a later fragment: raw bytes
    thl = (fr[off + 12] >> 4) * 4
    return fr[off + thl:14 + tot]


def check_daemon(mmsgate, d, policy, src):
    for name, kind, reasons in expectations(d):
        work = os.path.join(d, name + ".run")
        os.makedirs(work, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(src, "tests/scripts/dp_split.py"),
                        os.path.join(d, name + ".pcap"), work], check=True)
        # A capture where one side sends nothing still needs a readable pcap.
        for side in ("inside", "outside"):
            pth = os.path.join(work, side + ".pcap")
            if not os.path.exists(pth):
                with open(pth, "wb") as o:
                    o.write(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
        cmd = [mmsgate, "--no-huge", "--no-shconf", "-m", "512", "--no-pci", "-l", "0",
               "--log-level=*:error",
               "--vdev", f"net_pcap0,rx_pcap={work}/inside.pcap,tx_pcap={work}/to-inside.pcap",
               "--vdev", f"net_pcap1,rx_pcap={work}/outside.pcap,tx_pcap={work}/to-outside.pcap",
               "--", "--policy", policy, "--ts-order", "--exit-on-idle", "300",
               "--max-flows", "64", "--json-stats", f"{work}/stats.json"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            fail(name, f"mmsgate exited {p.returncode}: {p.stdout[-500:]} {p.stderr[-500:]}")
            continue
        with open(f"{work}/stats.json") as f:
            st = json.load(f)
        counts = {}
        for key in ("drops", "reasons"):
            for k, v in st.get(key, {}).items():
                counts[k] = counts.get(k, 0) + v
        to_ied = b"".join(tcp_payload(fr) for fr in pcap_frames(f"{work}/to-outside.pcap"))
        sent = b"".join(tcp_payload(fr) for fr in pcap_frames(f"{work}/outside.pcap"))
        hits = {r: counts.get(r, 0) for r in reasons}
        if kind == "refuse":
            if not any(hits.values()):
                fail(name, f"none of {reasons} counted (counters: { {k: v for k, v in counts.items() if v} })")
            elif OPER in to_ied:
                fail(name, "the operate reached the IED")
            else:
                print(f"ok   {name}: refused ({ {k: v for k, v in hits.items() if v} }), operate never reached the IED")
        else:
            nz = {k: v for k, v in counts.items() if v}
            if nz:
                fail(name, f"legitimate traffic dropped: {nz}")
            elif len(to_ied) < len(set([sent])) or not to_ied:
                fail(name, "nothing reached the IED")
            else:
                print(f"ok   {name}: {len(to_ied)} bytes reached the IED, nothing dropped")


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        sys.exit(2)
    mode = sys.argv[1]
    if mode == "replay":
        check_replay(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "daemon":
        check_daemon(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        print(__doc__)
        sys.exit(2)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
