#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Split one capture into what each side of the bridge sends.

Usage: dp_split.py IN.pcap DIR
Writes DIR/inside.pcap (frames from TCP/UDP port 102 — the IED — and
GOOSE/GSE/SV) and DIR/outside.pcap (the rest), keeping timestamps, for
`mmsgate --ts-order` replays of mmsgate-gen scenarios.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dp_check import decode, read_pcap  # noqa: E402


def write(path, frames):
    with open(path, "wb") as o:
        o.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, f in frames:
            o.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(f), len(f)) + f)


def inside(fr):
    d = decode(fr)
    return d["et"] in (0x88B8, 0x88B9, 0x88BA) or d["sport"] == 102


frames = read_pcap(sys.argv[1])
os.makedirs(sys.argv[2], exist_ok=True)
write(os.path.join(sys.argv[2], "inside.pcap"), [x for x in frames if inside(x[1])])
write(os.path.join(sys.argv[2], "outside.pcap"), [x for x in frames if not inside(x[1])])
