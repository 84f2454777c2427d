#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Hostile input on a running mmsgate's control socket: garbage, truncated
# JSON, wrong or missing version, NUL bytes, an oversized datagram, bad
# arguments, a flood of requests. Every one must be answered with a valid
# {"ok":false,...} envelope on the same connection, and the daemon must
# still answer "status" afterwards.
# usage: ctl_badinput.py SOCKET
import json
import socket
import sys

path = sys.argv[1]


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    return s


def ask(s, raw):
    s.send(raw)
    r = s.recv(300 * 1024)
    m = json.loads(r)
    assert isinstance(m, dict) and m.get("v") == 1 and isinstance(m.get("ok"), bool), r
    return m


cases = [
    (b"garbage", "bad_request"),
    (b"\xff\xfe\xfd", "bad_request"),
    (b'{"v":1,"cmd":"status"', "bad_request"),          # truncated
    (b'{"v":1,"cmd":"sta', "bad_request"),               # truncated mid-string
    (b'{"v":2,"cmd":"status"}', "bad_version"),
    (b'{"cmd":"status"}', "bad_version"),
    (b'{"v":1,"cmd":"st\x00atus"}', "bad_request"),      # NUL
    (b'[' * 5000, "bad_request"),                        # deep nesting
    (b'{"v":1,"cmd":"nope"}', "unknown_command"),
    (b'{"v":1,"cmd":"flows","args":{"limit":"x"}}', "bad_args"),
    (b'{"v":1,"cmd":"mode","args":{"mode":"off"}}', "bad_args"),
    (b'{"v":1,"cmd":"policy_load","args":{"path":"x.policy"}}', "bad_args"),
    (b'{"v":1,"cmd":"policy_load","args":{"path":"/nonexistent/x.policy"}}', "failed"),
    (b'{"v":1,"cmd":"ping","pad":"' + b"A" * (100 * 1024) + b'"}', "too_big"),
]
s = conn()
n = 0
for raw, code in cases:
    m = ask(s, raw)
    assert m["ok"] is False, (raw[:40], m)
    assert m.get("code") == code, (raw[:40], m.get("code"), code)
    assert isinstance(m.get("error"), str) and m["error"], m
    # the connection is still usable
    p = ask(s, b'{"v":1,"cmd":"ping"}')
    assert p["ok"] is True, p
    n += 1

# a client that sends half a request and disconnects, and one that never reads
t = conn()
t.send(b'{"v":1,')
t.close()
u = conn()
for _ in range(50):
    u.send(b'{"v":1,"cmd":"ping"}')
u.close()

# a burst of requests on many connections
for _ in range(20):
    c = conn()
    assert ask(c, b'{"v":1,"cmd":"status"}')["ok"]
    c.close()

m = ask(conn(), b'{"v":1,"cmd":"status"}')
assert m["ok"] is True and m["data"]["generation"] >= 1, m
print("ctl_badinput: %d hostile requests answered with errors; daemon alive (generation %d)"
      % (n, m["data"]["generation"]))
