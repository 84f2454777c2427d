#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Reload a running mmsgate's policy N times over its control socket,
# alternating between two files, as fast as the daemon answers; optionally
# note how many reloads happened while process PID was still alive (the
# MMS client whose association must survive). Prints one JSON summary:
# reloads, first/last generation, generations consecutive, swap/check/round
# trip latencies (ms): min, median, p95, max.
# usage: ctl_reload.py SOCKET N FILE_A FILE_B [PID]
import json
import os
import socket
import statistics
import sys
import time

path, n, fa, fb = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pid = int(sys.argv[5]) if len(sys.argv) > 5 else 0
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(60)
s.connect(path)
gens, swap, check, rtt, live = [], [], [], [], 0
errors = []
for i in range(n):
    req = json.dumps({"v": 1, "cmd": "policy_load",
                      "args": {"path": os.path.abspath(fa if i % 2 == 0 else fb)}})
    t0 = time.monotonic()
    s.send(req.encode())
    r = json.loads(s.recv(300 * 1024))
    rtt.append((time.monotonic() - t0) * 1e3)
    if not r.get("ok"):
        errors.append(r.get("error"))
        continue
    d = r["data"]
    gens.append(d["generation"])
    swap.append(d["swap_ms"])
    check.append(d["check_ms"])
    if pid:
        try:
            os.kill(pid, 0)
            live += 1
        except OSError:
            pass


def summary(v):
    if not v:
        return None
    v = sorted(v)
    return {"min": round(v[0], 3), "median": round(statistics.median(v), 3),
            "p95": round(v[int(0.95 * (len(v) - 1))], 3), "max": round(v[-1], 3)}


print(json.dumps({
    "reloads": len(gens), "errors": errors[:3],
    "first_generation": gens[0] if gens else None,
    "last_generation": gens[-1] if gens else None,
    "consecutive": gens == list(range(gens[0], gens[0] + len(gens))) if gens else False,
    "while_client_alive": live,
    "swap_ms": summary(swap), "check_ms": summary(check), "round_trip_ms": summary(rtt)}))
