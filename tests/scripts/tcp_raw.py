#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A raw TCP client for the live insertion test (tests/scripts/netns_tcplive.sh,
issue 11): it keeps a live connection's sequence numbers itself (AF_PACKET on
the client veth, own IPv4/TCP headers and checksums, timestamps on the SYN), so
it can send what no socket would: a segment the IED's Linux stack discards
carrying benign bytes, then a conflicting copy at the same sequence numbers.
IPv4 or IPv6 (by the addresses' family): for IPv6 its own extension headers
(hop-by-hop, destination options, routing, fragment) and fragments.

Usage: tcp_raw.py IFACE SRC_MAC DST_MAC SRC_IP DST_IP STREAM_TOOL OUT.json

Its source address is not configured in its namespace (the kernel there never
answers for it); the IED side has a static neighbour entry for SRC_MAC. Each
variant runs on its own connection (source port 40000 + k): handshake, COTP
CR, association, a read; then the variant; then a further read and a FIN.
Request bytes come from mg-mms-stream (the generator library). OUT.json
records per variant the port, the TPKTs the IED must have received (exactly),
the operate's bytes, the answers received and how the connection ended.
"""
import ctypes
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86dd
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
MSS = 1400


class _Iov(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class _Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(_Iov)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class _Msg(ctypes.Structure):  # struct mmsghdr
    _fields_ = [("hdr", _Msghdr), ("len", ctypes.c_uint)]


_libc = ctypes.CDLL(None, use_errno=True)


def send_many(sock, frames):
    """All frames in one sendmmsg(2): they enter the wire back to back, so
    the gate has the second before the receiver can answer the first."""
    bufs = [ctypes.create_string_buffer(f, len(f)) for f in frames]
    iovs = (_Iov * len(frames))(*[_Iov(ctypes.cast(b, ctypes.c_void_p), len(f))
                                  for b, f in zip(bufs, frames)])
    msgs = (_Msg * len(frames))()
    for i in range(len(frames)):
        msgs[i].hdr.iov = ctypes.pointer(iovs[i])
        msgs[i].hdr.iovlen = 1
    n = _libc.sendmmsg(sock.fileno(), msgs, len(frames), 0)
    if n != len(frames):
        raise OSError(ctypes.get_errno(), f"sendmmsg sent {n} of {len(frames)}")


def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


class Conn:
    def __init__(self, sock, a, sport):
        self.s, self.a, self.sport = sock, a, sport
        self.iss = (0x5a000000 + sport * 7919) & 0xffffffff
        self.snd_nxt = self.iss
        self.rcv_nxt = 0
        self.srv_ack = self.iss
        self.srv_right = self.iss
        self.peer_ts = 0
        self.ts0 = 100000 + sport  # our TSval clock: +1 per segment sent
        self.ip_id = sport
        self.rx = b""
        self.rst = False
        self.fin = False
        self.synack = False

    # ---- frames -------------------------------------------------------------
    def frame(self, flags, payload=b"", seq=None, ack=None, ttl=64, ip_opts=b"",
              tsval=None, urg_ptr=0, bad_tcp=False, bad_ip=False, syn_opts=False, ext=(),
              frag_at=0, dmac=None):
        """One Ethernet frame (IPv4 or IPv6 by the addresses), or for IPv6
        with frag_at > 0 two fragments splitting the TCP segment there."""
        a = self.a if dmac is None else self.a | {"dmac": dmac}
        seq = self.snd_nxt if seq is None else seq
        ack = self.rcv_nxt if ack is None else ack
        if syn_opts:  # MSS 1460, SACK-permitted no, timestamps, no window scale
            opts = struct.pack("!BBH", 2, 4, 1460) + b"\x01\x01" + \
                struct.pack("!BBII", 8, 10, self.ts(), 0)
        else:
            opts = b"\x01\x01" + struct.pack(
                "!BBII", 8, 10, self.ts() if tsval is None else tsval, self.peer_ts)
        doff = (20 + len(opts)) // 4
        tcp = struct.pack("!HHIIBBHHH", self.sport, 102, seq & 0xffffffff, ack & 0xffffffff,
                          doff << 4, flags, 65535, 0, urg_ptr) + opts + payload
        if a["v6"]:
            ph = a["src"] + a["dst"] + struct.pack("!IxxxB", len(tcp), 6)
        else:
            ph = a["src"] + a["dst"] + struct.pack("!BBH", 0, 6, len(tcp))
        c = csum(ph + tcp)
        if bad_tcp:
            c ^= 0x5a5a
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        if a["v6"]:
            return self.ip6(a, tcp, ttl, ext, frag_at)
        ihl = 5 + len(ip_opts) // 4
        self.ip_id = (self.ip_id + 1) & 0xffff
        ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(tcp), self.ip_id, 0x4000,
                         ttl, 6, 0, a["src"], a["dst"]) + ip_opts
        c = csum(ip)
        if bad_ip:
            c ^= 0x5a5a
        ip = ip[:10] + struct.pack("!H", c) + ip[12:]
        return a["dmac"] + a["smac"] + struct.pack("!H", ETH_P_IP) + ip + tcp

    def ip6(self, a, tcp, hlim, ext, frag_at):
        """IPv6 header, the extension headers ext ((next-header value, body
        after its next-header byte), in order), TCP. frag_at: two fragments
        (RFC 8200 §4.5), the first carrying frag_at bytes of the segment."""
        eth = a["dmac"] + a["smac"] + struct.pack("!H", ETH_P_IPV6)

        def chain(hdrs, last, body):
            out, nxt = b"", []
            for i, (t, b) in enumerate(hdrs):
                nxt.append(hdrs[i + 1][0] if i + 1 < len(hdrs) else last)
                out += bytes([nxt[-1]]) + b
            first = hdrs[0][0] if hdrs else last
            return first, out + body

        if not frag_at:
            nh, pl = chain(list(ext), 6, tcp)
            return eth + struct.pack("!IHBB16s16s", 0x60000000, len(pl), nh, hlim, a["src"],
                                     a["dst"]) + pl
        self.ip_id = (self.ip_id + 1) & 0xffff
        out = []
        for off, part, more in ((0, tcp[:frag_at], 1), (frag_at, tcp[frag_at:], 0)):
            fh = (44, struct.pack("!BHI", 0, off | more, self.sport))  # ident: the port
            nh, pl = chain(list(ext) + [fh], 6, part)
            out.append(eth + struct.pack("!IHBB16s16s", 0x60000000, len(pl), nh, hlim, a["src"],
                                         a["dst"]) + pl)
        return out

    def ts(self):
        self.ts0 += 1
        return self.ts0

    def send_raw(self, fr):
        if isinstance(fr, list):
            send_many(self.s, fr)
        else:
            self.s.send(fr)

    # ---- receive -------------------------------------------------------------
    def pump(self, until, timeout):
        """Process the server's frames until until() or timeout; ACK data."""
        end = time.monotonic() + timeout
        while not until():
            left = end - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                continue
            need_ack = False
            while True:
                try:
                    fr, addr = self.s.recvfrom(65535, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                if addr[2] == socket.PACKET_OUTGOING:
                    continue
                need_ack |= self.segment(fr)
            if need_ack and not self.rst:
                self.send_raw(self.frame(ACK))
        return True

    def segment(self, fr):
        if self.a["v6"]:  # the IED's answers carry no extension header
            if len(fr) < 74 or fr[12:14] != b"\x86\xdd" or fr[20] != 6:
                return False
            if fr[22:38] != self.a["dst"] or fr[38:54] != self.a["src"]:
                return False
            ihl, tot = 40, 40 + struct.unpack("!H", fr[18:20])[0]
        else:
            if len(fr) < 54 or fr[12:14] != b"\x08\x00" or fr[23] != 6:
                return False
            ihl = (fr[14] & 15) * 4
            if fr[26:30] != self.a["dst"] or fr[30:34] != self.a["src"]:
                return False
            tot = struct.unpack("!H", fr[16:18])[0]
        t = fr[14 + ihl:]
        sp, dp, seq, ack, off, fl, win = struct.unpack("!HHIIBBH", t[:16])
        if sp != 102 or dp != self.sport:
            return False
        doff = (off >> 4) * 4
        pl = t[doff:tot - ihl]
        o = t[20:doff]
        i = 0
        while i < len(o):
            if o[i] == 0:
                break
            if o[i] == 1:
                i += 1
                continue
            if i + 1 >= len(o) or o[i + 1] < 2:
                break
            if o[i] == 8 and o[i + 1] == 10:
                self.peer_ts = struct.unpack("!I", o[i + 2:i + 6])[0]
            i += o[i + 1]
        if fl & RST:
            self.rst = True
            return False
        if fl & SYN:
            if fl & ACK and not self.synack:
                self.synack = True
                self.rcv_nxt = (seq + 1) & 0xffffffff
            return True
        if fl & ACK:
            if ((ack - self.srv_ack) & 0xffffffff) < 0x80000000:
                self.srv_ack = ack
            self.srv_right = (ack + win) & 0xffffffff
        if seq == self.rcv_nxt:
            self.rx += pl
            self.rcv_nxt = (self.rcv_nxt + len(pl)) & 0xffffffff
            if fl & FIN:
                self.rcv_nxt = (self.rcv_nxt + 1) & 0xffffffff
                self.fin = True
            return bool(pl) or bool(fl & FIN)
        return bool(pl) or bool(fl & FIN)  # old or out of order: a dup ACK

    # ---- helpers ---------------------------------------------------------------
    def tpkts(self):
        out, b = [], self.rx
        while len(b) >= 4:
            n = struct.unpack("!H", b[2:4])[0]
            if n < 4 or len(b) < n:
                break
            out.append(b[:n])
            b = b[n:]
        return out

    def acked(self):
        return self.srv_ack == self.snd_nxt

    def handshake(self):
        self.send_raw(self.frame(SYN, ack=0, syn_opts=True))
        self.snd_nxt = (self.iss + 1) & 0xffffffff
        if not self.pump(lambda: self.synack or self.rst, 2):
            return False
        self.srv_ack = self.snd_nxt
        self.send_raw(self.frame(ACK))
        return self.synack and not self.rst

    def send(self, data):
        """Send in-order bytes (segments of MSS), retransmitting until ACKed."""
        start = self.snd_nxt
        for tries in range(5):
            off = 0
            self.snd_nxt = start
            while off < len(data):
                chunk = data[off:off + MSS]
                self.send_raw(self.frame(ACK | PSH, chunk))
                self.snd_nxt = (self.snd_nxt + len(chunk)) & 0xffffffff
                off += len(chunk)
            if self.pump(lambda: self.acked() or self.rst, 0.4 * (tries + 1)):
                return True
            if self.rst:
                return False
        return False

    def wait_tpkts(self, n, timeout=2.0):
        self.pump(lambda: len(self.tpkts()) >= n or self.rst, timeout)
        return len(self.tpkts()) >= n

    def close(self):
        if self.rst:
            return "reset"
        self.send_raw(self.frame(ACK | FIN))
        self.snd_nxt = (self.snd_nxt + 1) & 0xffffffff
        self.pump(lambda: (self.fin and self.acked()) or self.rst, 2)
        if self.fin:
            self.send_raw(self.frame(ACK))
        return "reset" if self.rst else ("closed" if self.fin else "no FIN")


def streams(tool, *args):
    p = subprocess.run([tool, *map(str, args)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{tool} {args}: {p.stderr.strip()}")
    return [bytes.fromhex(l) for l in p.stdout.split()]


def filler(tool, total, first_invoke):
    """Reads of at most MSS bytes adding up to exactly total bytes."""
    sizes = []
    while total > 0:
        take = total if total <= MSS else min(MSS - 100, total - 400)
        sizes.append(take)
        total -= take
    args = []
    for k, n in enumerate(sizes):
        args += ["read", first_invoke + k, n]
    return streams(tool, *args)


# LSRR (RFC 791 §3.1) naming the IED: a conforming host without
# accept_source_route drops it (Linux's default).
def lsrr(dst):
    return bytes([0x83, 7, 4]) + dst + b"\x01"


# IPv6 extension headers (next-header value, body after the next-header
# byte). Option 0x5e (RFC 4727 experimental, action bits 01): "discard the
# packet" (RFC 8200 §4.2) — the router drops it in a hop-by-hop header (Linux
# parses those on forwarding too), the IED in a destination options header.
def opt_discard(t):
    return (t, bytes([0, 0x5e, 4, 0, 0, 0, 0]))


# Type 0 routing header (RFC 5095 deprecates it) naming the IED, one segment
# left: Linux answers parameter problem and drops it (the IPv6 LSRR).
def rh0(dst):
    return (43, bytes([2, 0, 1, 0, 0, 0, 0]) + dst)


# A fragment header, offset 0, M=0 (RFC 6946 atomic fragment): Linux takes
# it as a whole packet; the gate refuses every TCP fragment.
def atomic(ident):
    return (44, struct.pack("!BHI", 0, 0, ident))


# What each insertion decoy changes (order "decoy first": the IED discards
# the decoy, then the operate comes at the same sequence numbers). "frag2"
# sends the operate itself as two IPv6 fragments first.
DECOYS = {
    "tcp-checksum": ("tcp_bad_checksum", lambda c: dict(bad_tcp=True)),
    "ip-checksum": ("ip_bad_checksum", lambda c: dict(bad_ip=True)),
    "no-ack": ("tcp_no_ack", lambda c: dict(flags=PSH)),
    "ack-unsent": ("tcp_ack_of_unsent_data", lambda c: dict(ack=c.rcv_nxt + 5000)),
    "paws": ("tcp_paws_stale_timestamp", lambda c: dict(tsval=c.ts0 - 100000)),
    "ttl": ("ip_ttl_below_handshake", lambda c: dict(ttl=1)),
    "ip-options": ("ip_options_on_mms", lambda c: dict(ip_opts=lsrr(c.a["dst"]))),
    "urgent": ("tcp_urgent_data", lambda c: dict(flags=ACK | PSH | URG, urg_ptr=-1)),
    "window": ("tcp_data_outside_window", lambda c: {}),
    "hbh": ("ip_options_on_mms", lambda c: dict(ext=[opt_discard(0)])),
    "dstopts": ("ip_options_on_mms", lambda c: dict(ext=[opt_discard(60)])),
    "rthdr": ("ip_options_on_mms", lambda c: dict(ext=[rh0(c.a["dst"])])),
    "atomic-frag": ("tcp_fragment", lambda c: dict(ext=[atomic(c.sport)])),
    "frag2": ("tcp_fragment", lambda c: dict(frag_at=48, operate=True)),
}
OTHER_MAC = bytes.fromhex("02000000bad0")  # nobody's (tcplive_check.py knows it)
V4_ONLY = ("ip-checksum", "ip-options")
V6_ONLY = ("hbh", "dstopts", "rthdr", "atomic-frag", "frag2")


def run_variant(sock, a, tool, k, name):
    port = 40000 + k
    c = Conn(sock, a, port)
    rec = {"variant": name, "port": port, "expect_ied": [], "answers": []}
    cr, assoc, rd1, op, rd3 = streams(tool, "cr", "assoc", "read", 1, "operate", 2, "read", 3)
    rec["operate"] = op.hex()
    ok = c.handshake()
    for unit in (cr, assoc, rd1):
        if not ok:
            break
        n = len(c.tpkts())
        ok = c.send(unit) and c.wait_tpkts(n + 1)
        rec["expect_ied"].append(unit.hex())
    if not ok:
        rec["error"] = "set-up failed (handshake, association or first read)"
        rec["end"] = c.close()
        return rec
    decoy = streams(tool, "read", 2, len(op))[0]  # benign, the operate's length
    n = len(c.tpkts())
    x = c.snd_nxt
    if name == "conflict":
        # A forwarded read, then at once (before the IED's ACK) the operate
        # at the same sequence numbers: a conflicting retransmission.
        send_many(c.s, [c.frame(ACK | PSH, decoy), c.frame(ACK | PSH, op)])
        c.snd_nxt = (x + len(op)) & 0xffffffff
        rec["expect_ied"].append(decoy.hex())
        c.pump(lambda: c.acked() or c.rst, 1.0)
    elif name == "other-host":
        # The read to a MAC that is not the router's: the gate (a bridge)
        # forwards it, the router's stack discards it (PACKET_OTHERHOST) — a
        # discard the gate does not model. The operate at the same sequence
        # numbers must still be a conflict (the record keeps the read: never
        # acknowledged); then the read again, as TCP would resend it.
        c.send_raw(c.frame(ACK | PSH, decoy, dmac=OTHER_MAC))
        time.sleep(0.05)
        c.send_raw(c.frame(ACK | PSH, op))
        time.sleep(0.05)
        c.send(decoy)
        rec["expect_ied"].append(decoy.hex())
    elif name == "conflict-held":
        # The read but its last byte (the gate holds it: its unit is not
        # complete, so the IED cannot have acknowledged it), the operate at
        # the same sequence numbers, then the read's last byte.
        c.send_raw(c.frame(ACK | PSH, decoy[:-1]))
        time.sleep(0.05)
        c.send_raw(c.frame(ACK | PSH, op))
        time.sleep(0.05)
        c.send_raw(c.frame(ACK | PSH, decoy[-1:], seq=x + len(decoy) - 1))
        c.snd_nxt = (x + len(op)) & 0xffffffff
        rec["expect_ied"].append(decoy.hex())
        c.pump(lambda: c.acked() or c.rst, 1.0)
    elif name == "conflict-custody":
        # The read but its last byte (held: its unit is not complete), resent
        # as after a timeout: the gate takes custody and acknowledges it in
        # the IED's name, which never had it. Then the operate at the same
        # sequence numbers — bytes the gate acknowledged but the IED did not
        # are still compared — then the read's last byte.
        held = decoy[:-1]
        c.send_raw(c.frame(ACK | PSH, held))
        time.sleep(0.05)
        c.send_raw(c.frame(ACK | PSH, held, seq=x))
        rec["custody_ack"] = c.pump(
            lambda: c.srv_ack == (x + len(held)) & 0xffffffff or c.rst, 1.0) and not c.rst
        c.send_raw(c.frame(ACK | PSH, op, seq=x))
        time.sleep(0.05)
        c.send_raw(c.frame(ACK | PSH, decoy[-1:], seq=x + len(decoy) - 1))
        c.snd_nxt = (x + len(op)) & 0xffffffff
        rec["expect_ied"].append(decoy.hex())
        c.pump(lambda: c.acked() or c.rst, 1.0)
    else:
        reason, mod = DECOYS[name]
        kw = mod(c)
        if name == "window":
            # The decoy at the IED's right window edge (out of window), the
            # gap filled with reads, then the operate there.
            right = c.srv_right
            gap = (right - x) & 0xffffffff
            rec["window_gap"] = gap
            c.send_raw(c.frame(ACK | PSH, decoy, seq=right))
            time.sleep(0.05)
            for f in filler(tool, gap, 100):
                m = len(c.tpkts())
                if not (c.send(f) and c.wait_tpkts(m + 1)):
                    rec["error"] = "filler read not answered"
                    break
                rec["expect_ied"].append(f.hex())
            n = len(c.tpkts())
        else:
            flags = kw.pop("flags", ACK | PSH)
            if kw.get("urg_ptr") == -1:
                kw["urg_ptr"] = len(decoy)  # the last byte urgent (RFC 6093)
            c.send_raw(c.frame(flags, op if kw.pop("operate", False) else decoy, **kw))
            time.sleep(0.05)
        c.send(op)
    # The answer to invoke 2: the IED's read answer (conflict) or the
    # gate's refusal of the operate in the IED's place.
    rec["answered_2"] = c.wait_tpkts(n + 1)
    n = len(c.tpkts())
    ok = c.send(rd3) and c.wait_tpkts(n + 1)
    rec["usable"] = bool(ok) and not c.rst
    if ok:
        rec["expect_ied"].append(rd3.hex())
    rec["answers"] = [t.hex() for t in c.tpkts()]
    rec["end"] = c.close()
    return rec


def main():
    if len(sys.argv) != 8:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    iface, smac, dmac, sip, dip, tool, out = sys.argv[1:]
    v6 = ":" in sip
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    a = {"smac": mac(smac), "dmac": mac(dmac), "src": socket.inet_pton(fam, sip),
         "dst": socket.inet_pton(fam, dip), "v6": v6}
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    skip = V4_ONLY if v6 else V6_ONLY
    names = os.environ.get("TCPLIVE_VARIANTS", "").split() or (
        [n for n in DECOYS if n not in skip] +
        ["conflict", "conflict-held", "conflict-custody", "other-host"])
    recs = []
    for k, name in enumerate(names):
        t0 = time.monotonic()
        r = run_variant(sock, a, tool, k, name)
        r["seconds"] = round(time.monotonic() - t0, 3)
        recs.append(r)
        print(f"sent  {name}: port {r['port']}, usable {r.get('usable')}, end {r['end']}"
              f"{', ' + r['error'] if 'error' in r else ''} ({r['seconds']} s)")
    with open(out, "w") as f:
        json.dump({"v6": v6, "variants": recs, "reasons": {k: v[0] for k, v in DECOYS.items()}
                   | {"conflict": "tcp_conflicting_retransmission",
                      "conflict-held": "tcp_conflicting_retransmission",
                      "conflict-custody": "tcp_conflicting_retransmission",
                      "other-host": "tcp_conflicting_retransmission"}}, f, indent=1)


if __name__ == "__main__":
    main()
