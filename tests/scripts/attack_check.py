#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Transport-level evasions (issue 11) through `mmsgatectl replay` or the
live daemon on net_pcap ports.

Usage: attack_check.py replay MMSGATECTL DIR POLICY
       attack_check.py daemon MMSGATE DIR POLICY SRC_DIR

DIR holds the captures of mmsgate-attacks and its expect.txt ("NAME KIND
CLIENT_PORT REASON..."). For KIND refuse: one of the REASONs must refuse something and
the operate (IED1CTRL/CSWI1$CO$Pos$Oper) must never be allowed (replay) /
never reach the IED (daemon: one run over all captures, each with its own
client port; the operate's bytes are absent from everything the gate sent
towards the IED, the reason is in the flow's events or, for frames that
open no flow, in the counters). For KIND legit: nothing is refused, no
verdict is deny, and (daemon) every byte the client sent reached the IED
with the same value, and the flow has no event.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

from mg_stats import leaf_sums

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
                yield parts[0], parts[1], int(parts[2]), [r for r in parts[3:] if r != "-"]


def check_replay(ctl, d, policy):
    for name, kind, _port, reasons in expectations(d):
        cap = os.path.join(d, name + ".pcap")
        p = subprocess.run([ctl, "replay", "--json", "--policy", policy, cap],
                           capture_output=True, text=True)
        if p.returncode != 0:
            fail(name, f"replay exited {p.returncode}: {p.stderr.strip()}")
            continue
        recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        if kind == "bound":
            continue  # a daemon resource bound (--hold-segs): no replay counterpart
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


def read_frames(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from dp_check import read_pcap  # noqa: E402
    return read_pcap(path)


def write_pcap(path, frames):
    with open(path, "wb") as o:
        o.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, f in frames:
            o.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(f), len(f)) + f)


def tcp_seg(fr):
    """(client port, seq, payload) of an untagged IPv4 TCP frame from/to 102;
    fragments (no ports) give (None, 0, raw bytes)."""
    if len(fr) < 34 or fr[12:14] != b"\x08\x00" or fr[23] != 6:
        return None, 0, b""
    ihl = (fr[14] & 15) * 4
    tot = int.from_bytes(fr[16:18], "big")
    off = 14 + ihl
    if int.from_bytes(fr[20:22], "big") & 0x3fff:
        return None, 0, fr[off:14 + tot]
    sport = int.from_bytes(fr[off:off + 2], "big")
    dport = int.from_bytes(fr[off + 2:off + 4], "big")
    seq = int.from_bytes(fr[off + 4:off + 8], "big")
    thl = (fr[off + 12] >> 4) * 4
    return (sport if dport == 102 else dport), seq, fr[off + thl:14 + tot]


def coverage(frames, port):
    """Sequence numbers (mod 2^32) of the client's bytes on port, with values."""
    got = {}
    for _, fr in frames:
        cp, seq, pl = tcp_seg(fr)
        if cp == port and fr[14 + (fr[14] & 15) * 4 + 2:14 + (fr[14] & 15) * 4 + 4] == b"\x00\x66":
            for i, b in enumerate(pl):
                got[(seq + i) & 0xffffffff] = b
    return got


def run_daemon(mmsgate, d, policy, src, exp, work, extra=()):
    """One daemon run over the captures of exp (timestamps shifted so that
    they follow each other); returns (counters, events, frames towards the
    IED, frames the clients sent, stats) or None."""
    allf = []
    for k, (name, kind, port, reasons) in enumerate(exp):
        for t, fr in read_frames(os.path.join(d, name + ".pcap")):
            allf.append((t + k * 100_000_000, fr))
    if os.path.isdir(work):
        shutil.rmtree(work)  # --events appends: start from nothing
    os.makedirs(work)
    write_pcap(os.path.join(work, "all.pcap"), allf)
    subprocess.run([sys.executable, os.path.join(src, "tests/scripts/dp_split.py"),
                    os.path.join(work, "all.pcap"), work], check=True)
    cmd = [mmsgate, "--no-huge", "--no-shconf", "-m", "512", "--no-pci", "-l", "0,1",
           "--log-level=*:error",
           "--vdev", f"net_pcap0,rx_pcap={work}/inside.pcap,tx_pcap={work}/to-inside.pcap",
           "--vdev", f"net_pcap1,rx_pcap={work}/outside.pcap,tx_pcap={work}/to-outside.pcap",
           "--", "--policy", policy, "--ts-order", "--exit-on-idle", "300",
           "--max-flows", "64", "--events", f"{work}/events.jsonl",
           "--json-stats", f"{work}/stats.json", *extra]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        fail("daemon", f"mmsgate exited {p.returncode}: {p.stdout[-800:]} {p.stderr[-800:]}")
        return None
    with open(f"{work}/stats.json") as f:
        st = json.load(f)
    counts = leaf_sums(st)
    events = []
    if os.path.exists(f"{work}/events.jsonl"):
        with open(f"{work}/events.jsonl") as f:
            events = [json.loads(l) for l in f if l.strip()]
    to_ied = read_frames(f"{work}/to-inside.pcap")
    sent = read_frames(f"{work}/outside.pcap")
    # tshark, the oracle for what the gate puts on the wire (coalesced
    # segments, RSTs): no bad checksum anywhere.
    bad = subprocess.run(["tshark", "-r", f"{work}/to-inside.pcap", "-o", "tcp.check_checksum:TRUE",
                          "-o", "ip.check_checksum:TRUE", "-Y",
                          "tcp.checksum.status==0 || ip.checksum.status==0"],
                         capture_output=True, text=True).stdout.strip()
    if bad:
        fail("daemon", f"frames with bad checksums sent towards the IED:\n{bad}")
    return counts, events, to_ied, sent, st


def check_daemon(mmsgate, d, policy, src):
    """All captures in one daemon run (each has its own client port); the
    bound captures in a second run with --hold-segs 4."""
    exp = [e for e in expectations(d) if e[1] != "bound"]
    r = run_daemon(mmsgate, d, policy, src, exp, os.path.join(d, "daemon"))
    if r is None:
        return
    counts, events, to_ied, sent, _ = r
    if any(OPER in fr for _, fr in to_ied):
        fail("daemon", "an operate reached the IED")
    for name, kind, port, reasons in exp:
        evs = [e for e in events if e.get("client", "").endswith(f":{port}")]
        ev_reasons = {e.get("reason") for e in evs}
        if kind == "refuse":
            hit = sorted(set(reasons) & ev_reasons) or \
                [r for r in reasons if counts.get(r, 0) and r in ("tcp_syn_with_data", "ip_fragment")]
            if not hit:
                fail(name, f"none of {reasons} (events {sorted(filter(None, ev_reasons))})")
            else:
                print(f"ok   {name}: refused by the daemon ({hit})")
        else:
            want, got = coverage(sent, port), coverage(to_ied, port)
            if evs:
                fail(name, f"legitimate traffic flagged: {evs}")
            elif not want or want != got:
                fail(name, f"{len(want)} client bytes sent, {len(got)} reached the IED"
                     f" ({sum(1 for k in want if want[k] != got.get(k))} differ/missing)")
            else:
                print(f"ok   {name}: all {len(want)} client bytes reached the IED, no event")
    nz = {k: v for k, v in counts.items() if v and (k.startswith("tcp_") or k.startswith("ip_"))}
    print(f"daemon counters: {nz}")
    bound = [e for e in expectations(d) if e[1] == "bound"]
    r = run_daemon(mmsgate, d, policy, src, bound, os.path.join(d, "daemon-bound"),
                   ("--hold-segs", "4"))
    if r is None:
        return
    counts, events, to_ied, sent, st = r
    for name, kind, port, reasons in bound:
        ev_reasons = {e.get("reason") for e in events if e.get("client", "").endswith(f":{port}")}
        if not all(counts.get(x, 0) for x in reasons):
            fail(name, f"{reasons} not counted: { {k: v for k, v in counts.items() if v} }")
        elif not counts.get("rst_sent"):
            fail(name, "no RST: the association was left to stall")
        elif not set(reasons) <= ev_reasons:
            fail(name, f"the reset is named in no event (events {sorted(filter(None, ev_reasons))})")
        else:
            print(f"ok   {name}: bound hit, association reset ({reasons}, {counts['rst_sent']} RSTs,"
                  " an event)")


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
