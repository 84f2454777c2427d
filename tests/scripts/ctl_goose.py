#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Frame-loss probe for the reload-under-load test: `send IF N PPS` sends N
# numbered GOOSE frames (VLAN 100, EtherType 0x88B8) on IF at about PPS;
# `recv IF SECS` counts the distinct numbered frames seen on IF until SECS
# pass without one (after the first) and prints "received N".
import socket
import struct
import sys
import time

MARK = b"MGCTLRELOAD"
ETH_P_ALL = 0x0003


def send(ifname, n, pps):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    dst = bytes.fromhex("010ccd010001")
    src = bytes.fromhex("020000000001")
    gap = 1.0 / pps
    t0 = time.monotonic()
    for i in range(n):
        payload = MARK + struct.pack("!I", i)
        # 802.1Q VLAN 100 prio 4, then GOOSE APPID/len/reserved + marker
        frame = (dst + src + struct.pack("!HH", 0x8100, (4 << 13) | 100) +
                 struct.pack("!H", 0x88B8) + struct.pack("!HHHH", 1, 8 + len(payload), 0, 0) +
                 payload)
        frame += b"\0" * max(0, 64 - len(frame))
        s.send(frame)
        due = t0 + (i + 1) * gap
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
    print("sent %d" % n)


def recv(ifname, idle):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.settimeout(0.2)
    seen = set()
    last = time.monotonic()
    start = last
    while True:
        try:
            data = s.recv(2048)
        except socket.timeout:
            data = None
        now = time.monotonic()
        if data:
            k = data.find(MARK)
            if k >= 0 and len(data) >= k + len(MARK) + 4:
                seen.add(struct.unpack("!I", data[k + len(MARK):k + len(MARK) + 4])[0])
                last = now
        limit = idle if seen else 60.0
        if now - (last if seen else start) > limit:
            break
    print("received %d" % len(seen), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        recv(sys.argv[2], float(sys.argv[3]))
