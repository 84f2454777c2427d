#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Smoke test of `mmsgatectl replay` on one public capture.

Runs `replay --json` (and `replay --json --all`), checks that every stdout
line is a JSON object with the required fields, that the number of MMS PDUs
and of frames carrying them is the expected one (numbers measured with
tshark 4.0.17), and, when tshark is installed, that the set of frames
carrying MMS is exactly the one tshark reports. Exit 77 (skip) when the
shared captures are absent.

usage: replay_check.py MMSGATECTL CAPTURE EXPECTED_FRAMES EXPECTED_PDUS [--midstream]
"""
import json
import os
import shutil
import subprocess
import sys

REQUIRED = ("frame", "time", "src", "dst", "pdu")
# tshark needs the presentation context of a capture that starts after the
# association set-up (the replay engine picks up mid-stream by itself).
UAT = ['-o', 'uat:pres_context_list:"1","1.0.9506.2.1"',
       '-o', 'uat:pres_context_list:"3","1.0.9506.2.1"']


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_replay(ctl, cap, *extra):
    # The public captures were taken on the talking hosts: their outgoing
    # frames carry unfinished (offloaded) checksums and segments over the
    # MSS, which the normaliser would refuse like the daemon does. Every
    # other check still applies.
    p = subprocess.run([ctl, "replay", "--json", "--host-capture", *extra, cap],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"replay {' '.join(extra)} exited {p.returncode}: {p.stderr.strip()}")
    recs = []
    for i, line in enumerate(p.stdout.splitlines(), 1):
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            fail(f"line {i} is not JSON ({e}): {line[:200]}")
        if not isinstance(r, dict):
            fail(f"line {i} is not an object")
        recs.append(r)
    summary = [l for l in p.stderr.splitlines() if l.startswith("replay:")]
    if len(summary) != 1:
        fail(f"expected one summary line on stderr, got: {p.stderr.strip()}")
    return recs, summary[0]


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    ctl, cap = sys.argv[1], sys.argv[2]
    exp_frames, exp_pdus = int(sys.argv[3]), int(sys.argv[4])
    if not os.path.exists(cap):
        print(f"SKIP: capture {cap} not present (no ../shared beside the repository?)")
        return 77

    recs, summary = run_replay(ctl, cap)
    mms = []
    for r in recs:
        for k in REQUIRED:
            if k not in r:
                fail(f"record without '{k}': {r}")
        if r["pdu"] in ("malformed", "not-mms"):
            if "reason" not in r:
                fail(f"{r['pdu']} record without reason: {r}")
            continue
        mms.append(r)
        for k in ("class", "objects"):
            if k not in r:
                fail(f"MMS record without '{k}': {r}")
        if not isinstance(r["objects"], list) or not all(isinstance(o, str) for o in r["objects"]):
            fail(f"objects is not a list of strings: {r}")
        if r["pdu"].startswith("confirmed-") and "invoke_id" not in r:
            fail(f"confirmed PDU without invoke_id: {r}")
    frames = sorted({r["frame"] for r in mms})
    if [r["frame"] for r in recs] != sorted(r["frame"] for r in recs):
        fail("records are not in frame order")
    print(f"{os.path.basename(cap)}: {len(mms)} MMS PDUs in {len(frames)} frames; {summary}")
    if len(frames) != exp_frames or len(mms) != exp_pdus:
        fail(f"expected {exp_pdus} PDUs in {exp_frames} frames")

    tshark = shutil.which("tshark")
    if tshark:
        t = subprocess.run([tshark, "-r", cap, *UAT, "-Y", "mms", "-T", "fields",
                            "-e", "frame.number"], capture_output=True, text=True)
        if t.returncode == 0:
            ts = sorted({int(x) for x in t.stdout.split()})
            if ts != frames:
                only_t = sorted(set(ts) - set(frames))[:10]
                only_r = sorted(set(frames) - set(ts))[:10]
                fail(f"frames differ from tshark: only tshark {only_t}, only replay {only_r}")
            print(f"tshark agrees: {len(ts)} frames")

    # --all: one frame record per frame, in order, before the PDUs it completes.
    allrecs, _ = run_replay(ctl, cap, "--all")
    frame_recs = [r for r in allrecs if r.get("type") == "frame"]
    if [r["frame"] for r in frame_recs] != list(range(1, len(frame_recs) + 1)):
        fail("--all: frame records are not 1..N")
    if "l2" not in frame_recs[0]:
        fail("--all: frame record without l2")
    if len([r for r in allrecs if r.get("type") != "frame" and r["pdu"] not in
            ("malformed", "not-mms") and not r["pdu"].startswith(("cotp-", "upper"))]) != exp_pdus:
        fail("--all changed the PDU records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
