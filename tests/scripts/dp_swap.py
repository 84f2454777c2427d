#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Policy swap under traffic (mg_dp_policy_swap through the control socket).

mmsgate runs on two looping net_ring ports with 64-byte GOOSE frames in
flight (--bench-inject). The same policy is loaded 100 times while frames
circulate: no frame may be lost and the generation must grow by one per
load. A policy with an error is rejected and the generation stays. Then a
policy without the GOOSE pass rule is loaded: the circulating frames are
dropped by the new policy (the swap takes effect). Prints swap latencies.

Usage: dp_swap.py MMSGATE SOURCE_DIR WORK_DIR
"""
import json
import os
import socket
import subprocess
import sys
import time

mg, src, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
sock = os.path.join(work, "ctl.sock")
stats = os.path.join(work, "stats.json")
pol = os.path.join(src, "tests/scripts/dp_site.policy")
bad = os.path.join(work, "bad.policy")
nogoose = os.path.join(work, "nogoose.policy")
open(bad, "w").write("mode enforce\nl2 pass arp\nmms defualt deny\n")
open(nogoose, "w").write(open(pol).read().replace("l2 pass goose, sv vlan 100-101", ""))
for p in (sock, stats):
    if os.path.exists(p):
        os.unlink(p)

fails = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        fails.append(what)


proc = subprocess.Popen([mg, "--no-huge", "--no-shconf", "-m", "512", "--no-pci", "-l", "0,1",
                         "--log-level=*:error", "--vdev", "net_ring0", "--vdev", "net_ring1", "--",
                         "--policy", pol, "--bench-inject", "256", "--ctl-socket", sock,
                         "--json-stats", stats, "--quiet"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(10)
    try:
        s.connect(sock)
    except OSError as e:
        print(f"SKIP: no control socket ({e}); is the control server built in?")
        proc.terminate()
        sys.exit(77)

    def req(cmd, args=None):
        m = {"v": 1, "cmd": cmd}
        if args:
            m["args"] = args
        s.send(json.dumps(m).encode())
        return json.loads(s.recv(1 << 20))

    def gen():
        return req("status")["data"]["policy"]["generation"]

    g0 = gen()
    lat = []
    for _ in range(100):
        t = time.perf_counter()
        r = req("policy_load", {"path": pol})
        lat.append((time.perf_counter() - t) * 1000)
        if not r.get("ok"):
            check(False, f"load: {r}")
            break
    lat.sort()
    check(gen() == g0 + 100, f"100 loads under traffic, generation {g0} -> {gen()}")
    st = req("stats")["data"]
    check(sum(st["drops"].values()) == 0, "no frame dropped during the swaps")
    r = req("policy_load", {"path": bad})
    check(not r.get("ok") and "bad.policy:3:" in r.get("error", "") and gen() == g0 + 100,
          "a policy with an error is rejected, the running generation stays")
    r = req("policy_load", {"path": nogoose})
    time.sleep(0.5)
    st = req("stats")["data"]
    check(r.get("ok") and st["drops"]["l2_policy_drop"] > 0,
          f"the new policy takes effect (GOOSE now dropped: {st['drops']['l2_policy_drop']})")
    print(f"swap latency (compile + publish + RCU synchronize, via the socket): "
          f"median {lat[len(lat) // 2]:.2f} ms, p90 {lat[len(lat) * 9 // 10]:.2f} ms, "
          f"max {lat[-1]:.2f} ms")
finally:
    proc.send_signal(2)
    out = proc.communicate(timeout=30)[0]
check(proc.returncode == 0, f"mmsgate stopped cleanly (rc {proc.returncode})")
d = json.load(open(stats))
check(d["drops"]["tx_queue_full"] == 0, "no tx loss")
print("all swap checks passed" if not fails else f"{len(fails)} check(s) failed")
if fails:
    print(out)
sys.exit(1 if fails else 0)
