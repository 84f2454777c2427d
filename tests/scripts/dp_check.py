#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check mmsgate's output captures frame by frame against its inputs.

Usage: dp_check.py CASE DIR
  DIR holds inside.pcap / outside.pcap (what each side sent, from
  dp-scenario), to-inside.pcap / to-outside.pcap (what mmsgate transmitted
  on each port), stats.json (--json-stats) and events.jsonl (--events).

The expected output of each port is computed independently from the input
of the other port (which frames the policy must pass), and compared byte
for byte and in order. RST segments are checked with tshark (sequence and
acknowledgement numbers, TCP checksum). Exit 0 when every check holds.
"""
import json
import struct
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap")
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    off, out = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        us = frac // 1000 if nano else frac
        out.append((sec * 1000000 + us, data[off:off + incl]))
        off += incl
    return out


def decode(fr):
    """Small frame decoder: returns a dict with the fields the checks use."""
    d = {"et": None, "vid": None, "src": None, "dst": None, "proto": None,
         "sport": None, "dport": None, "flags": 0, "frag": False, "seq": None}
    if len(fr) < 14:
        return d
    off = 12
    et = struct.unpack(">H", fr[off:off + 2])[0]
    while et in (0x8100, 0x88A8) and off + 6 <= len(fr):
        if d["vid"] is None:
            d["vid"] = struct.unpack(">H", fr[off + 2:off + 4])[0] & 0xFFF
        off += 4
        et = struct.unpack(">H", fr[off:off + 2])[0]
    off += 2
    d["et"] = et
    l4 = None
    if et == 0x0800 and len(fr) >= off + 20:
        ihl = (fr[off] & 0xF) * 4
        d["proto"] = fr[off + 9]
        d["src"] = ".".join(str(b) for b in fr[off + 12:off + 16])
        d["dst"] = ".".join(str(b) for b in fr[off + 16:off + 20])
        fo = struct.unpack(">H", fr[off + 6:off + 8])[0]
        d["frag"] = (fo & 0x3FFF) != 0
        if not (fo & 0x1FFF):
            l4 = off + ihl
    elif et == 0x86DD and len(fr) >= off + 40:
        d["proto"] = fr[off + 6]
        d["src"] = fr[off + 8:off + 24].hex()
        d["dst"] = fr[off + 24:off + 40].hex()
        l4 = off + 40
    if l4 is not None and d["proto"] in (6, 17) and len(fr) >= l4 + 8:
        d["sport"], d["dport"] = struct.unpack(">HH", fr[l4:l4 + 4])
        if d["proto"] == 6 and len(fr) >= l4 + 14:
            d["seq"] = struct.unpack(">I", fr[l4 + 4:l4 + 8])[0]
            d["flags"] = fr[l4 + 13]
    return d


def is_rst(d):
    return d["proto"] == 6 and (d["flags"] & 0x04) != 0


def tshark_fields(path, flt, fields):
    cmd = ["tshark", "-r", path, "-o", "tcp.check_checksum:TRUE", "-Y", flt, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def tcp_frag(fr):
    d = decode(fr)
    return d["frag"] and d["proto"] == 6


def compare(name, expected, got):
    exp = [fr for _, fr in expected]
    if exp == got:
        check(True, f"{name}: {len(got)} frames, byte-identical and in order")
        return
    check(False, f"{name}: expected {len(exp)} frames, got {len(got)}")
    for i in range(min(len(exp), len(got))):
        if exp[i] != got[i]:
            print(f"      first difference at frame {i + 1}: expected {decode(exp[i])}, "
                  f"got {decode(got[i])}")
            break


def flow_of(fr):
    x = decode(fr)
    if x["src"] is None:
        return ("l2", x["et"], x["vid"])
    ends = sorted([(x["src"], x["sport"]), (x["dst"], x["dport"])], key=str)
    return (x["proto"], tuple(ends), x["frag"])


def compare_flows(name, expected, got):
    """Same frames, same order within each flow (several workers may
    interleave different flows differently)."""
    def groups(frames):
        g = {}
        for fr in frames:
            g.setdefault(flow_of(fr), []).append(fr)
        return g
    ge, gg = groups([fr for _, fr in expected]), groups(got)
    ok = ge == gg
    check(ok, f"{name}: {len(got)} frames, byte-identical, in order within each of {len(ge)} flows")
    if not ok:
        for k in set(ge) | set(gg):
            if ge.get(k) != gg.get(k):
                print(f"      flow {k}: expected {len(ge.get(k, []))} frames, got {len(gg.get(k, []))}")


def main():
    case, d = sys.argv[1], sys.argv[2]
    ins = read_pcap(f"{d}/inside.pcap")
    outs = read_pcap(f"{d}/outside.pcap")
    to_in = [fr for _, fr in read_pcap(f"{d}/to-inside.pcap")]
    to_out = [fr for _, fr in read_pcap(f"{d}/to-outside.pcap")]
    stats = json.load(open(f"{d}/stats.json"))
    events = [json.loads(l) for l in open(f"{d}/events.jsonl") if l.strip()]
    drops = stats["drops"]

    if case in ("gen-segmentation", "gen-services", "gen-ipv6-vlan"):
        compare("to-inside (every frame, in order)", outs, to_in)
        compare("to-outside (every frame, in order)", ins, to_out)
        check(stats["mms_pdus"] > 0 and stats["verdicts"]["deny"] == 0,
              f"{stats['mms_pdus']} MMS PDUs inspected, none denied")
        check(stats["held_segments"] == 0, "nothing left held")
    elif case in ("gen-s7comm", "gen-garbage"):
        check(stats["drops"]["mms_anomaly"] >= 1, "the non-MMS unit is refused (fail closed)")
        check(stats["rst_sent"] == 2, "the association is reset towards both ends")
        why = "not_mms_s7comm" if case == "gen-s7comm" else "not_mms_unknown"
        check(stats["reasons"].get(why, 0) >= 1 or sum(stats["reasons"].values()) >= 1,
              f"reason counted ({stats['reasons']})")
        sent = {fr for _, fr in outs}
        bad = [fr for fr in to_in if fr in sent and decode(fr)["dport"] == 102
               and len(fr) > 60 and not is_rst(decode(fr))]
        data_in = [fr for _, fr in outs if decode(fr)["dport"] == 102 and len(fr) > 66]
        check(len(bad) < len(data_in), "the refused bytes never reached the server")
    elif case == "ooo":
        check(sorted(fr for _, fr in outs) == sorted(to_in),
              f"to-inside: every corporate-side frame forwarded ({len(to_in)})")
        compare("to-outside", ins, to_out)
        seqs = [decode(fr)["seq"] for fr in to_in
                if decode(fr)["dport"] == 102 and len(fr) > 66]
        check(seqs == sorted(seqs), "client data left in sequence order (held until the gap filled)")
        first = [i for i, (_, fr) in enumerate(outs) if decode(fr)["dport"] == 102 and len(fr) > 66]
        check(any(decode(outs[i][1])["seq"] > decode(outs[j][1])["seq"]
                  for i, j in zip(first, first[1:])), "the input really was out of order")
        check(stats["services"].get("read", 0) == 6 and stats["verdicts"]["deny"] == 0,
              "all three reads (and responses) inspected and allowed")
        check(stats["held_segments"] == 0, "nothing left held")
    elif case == "monitor":
        # Monitor mode forwards what the policy would drop, never what the
        # normaliser refuses: TCP fragments are dropped in every mode.
        compare("to-inside (monitor: everything but TCP fragments)",
                [x for x in outs if not tcp_frag(x[1])], to_in)
        compare("to-outside (monitor: everything but TCP fragments)",
                [x for x in ins if not tcp_frag(x[1])], to_out)
        check(stats["rst_sent"] == 0, "monitor: no RST sent")
        check(stats["verdicts"]["monitor_would_deny"] >= 1,
              f"monitor: would-deny counted ({stats['verdicts']['monitor_would_deny']})")
        check(any(e.get("type") == "monitor" and e.get("service") == "write" for e in events),
              "monitor: the operate is recorded as an event")
    elif case == "flood":
        compare("to-inside (flood: SCADA association + all SYNs)", outs, to_in)
        compare("to-outside (flood)", ins, to_out)
        check(stats["flows"]["evicted"] > 0,
              f"flood: embryonic flows evicted ({stats['flows']['evicted']})")
        check(stats["rst_sent"] == 0 and stats["verdicts"]["deny"] == 0,
              "flood: the established association was never reset")
        check(stats["services"].get("read", 0) == 4,
              f"flood: both reads and responses inspected ({stats['services'].get('read', 0)})")
    elif case in ("seed", "dispatch"):
        cmp = compare_flows if case == "dispatch" else compare
        # The denied operate: the historian's write request.
        rows = tshark_fields(f"{d}/outside.pcap",
                             "ip.src==10.10.3.20 && mms.confirmedServiceRequest==5",
                             ["frame.time_epoch", "tcp.seq_raw", "tcp.ack_raw", "tcp.srcport"])
        check(len(rows) == 1, "seed: one denied operate in the input")
        deny_us = round(float(rows[0][0]) * 1e6)
        d_seq, d_ack, hport = int(rows[0][1]), int(rows[0][2]), int(rows[0][3])

        def hist_after(ts, x):
            return x["proto"] == 6 and hport in (x["sport"], x["dport"]) and ts >= deny_us

        exp_in = []
        for ts, fr in outs:
            x = decode(fr)
            if x["src"] == "192.168.50.5" or x["frag"] or hist_after(ts, x):
                continue
            exp_in.append((ts, fr))
        exp_out = []
        for ts, fr in ins:
            x = decode(fr)
            if x["et"] == 0x88B8 and x["vid"] not in (100, 101):
                continue
            if x["dst"] == "192.168.50.5" or hist_after(ts, x):
                continue
            exp_out.append((ts, fr))
        rst_in = [fr for fr in to_in if is_rst(decode(fr))]
        rst_out = [fr for fr in to_out if is_rst(decode(fr))]
        cmp("to-inside (allowed frames from the corporate side)", exp_in,
            [fr for fr in to_in if not is_rst(decode(fr))])
        cmp("to-outside (allowed frames from the substation side)", exp_out,
                [fr for fr in to_out if not is_rst(decode(fr))])
        goose_sv = [fr for _, fr in ins if decode(fr)["et"] in (0x88B8, 0x88BA)
                    and decode(fr)["vid"] in (100, 101)]
        check(all(fr in to_out for fr in goose_sv) and len(goose_sv) == 6,
              f"GOOSE/SV on VLAN 100-101 crossed byte-identical ({len(goose_sv)})")
        check(not any(decode(fr)["et"] == 0x88B8 and decode(fr)["vid"] == 200 for fr in to_out),
              "GOOSE on VLAN 200 dropped")
        reads = tshark_fields(f"{d}/to-inside.pcap", "mms.confirmedServiceRequest==4", ["ip.src"])
        check(len(reads) == 3, f"allowed reads forwarded ({len(reads)} read frames, IPv4)")
        reads6 = tshark_fields(f"{d}/to-inside.pcap", "ipv6 && mms.confirmedServiceRequest==4",
                               ["ipv6.src"])
        check(len(reads6) == 1, "allowed IPv6 read forwarded")
        ops = tshark_fields(f"{d}/to-inside.pcap", "mms.confirmedServiceRequest==5", ["ip.src"])
        check([r[0] for r in ops] == ["10.10.1.10"],
              f"SCADA operate forwarded, historian operate absent ({ops})")
        check(len(rst_in) == 1 and len(rst_out) == 1, "one RST towards each end")
        r1 = tshark_fields(f"{d}/to-inside.pcap", "tcp.flags.reset==1",
                           ["ip.src", "ip.dst", "tcp.seq_raw", "tcp.ack_raw", "tcp.checksum.status"])
        r2 = tshark_fields(f"{d}/to-outside.pcap", "tcp.flags.reset==1",
                           ["ip.src", "ip.dst", "tcp.seq_raw", "tcp.ack_raw", "tcp.checksum.status"])
        check(r1 == [["10.10.3.20", "10.20.0.5", str(d_seq), str(d_ack), "1"]],
              f"RST to the IED: seq = the denied request's seq, ack = its ack, checksum good ({r1})")
        check(r2 == [["10.20.0.5", "10.10.3.20", str(d_ack), str(d_seq), "1"]],
              f"RST to the client: seq = what the client expects next ({r2})")
        check(drops["ip_fragment"] == 2, f"fragments to 102 dropped and counted ({drops['ip_fragment']})")
        check(stats["reasons"].get("tcp_fragment") == 2,
              f"and counted as tcp_fragment ({stats['reasons'].get('tcp_fragment')})")
        # With several workers fragments go by addresses only, maybe not to
        # the worker that holds the association: no event there.
        fev = [e for e in events if e.get("reason") == "tcp_fragment"]
        check(case == "dispatch" or len(fev) == 1 and fev[0].get("type") == "anomaly"
              and fev[0].get("client") == "10.10.1.10:40001",
              f"the first fragment (it has ports) evented on SCADA's association ({fev})")
        check(drops["conn_denied"] == 1, f"SYN from outside the allowlist dropped ({drops['conn_denied']})")
        check(drops["tcp_no_flow"] == 2, f"its SYN-ACK/ACK had no flow ({drops['tcp_no_flow']})")
        check(drops["l2_policy_drop"] == 1, f"L2 policy drop counted ({drops['l2_policy_drop']})")
        check(drops["mms_denied"] == 1 and stats["verdicts"]["deny"] == 1, "one MMS deny")
        check(stats["rst_sent"] == 2, "two RSTs counted")
        den = [e for e in events if e.get("type") == "deny"]
        check(len(den) == 1 and den[0].get("service") == "write" and den[0].get("class") == "operate"
              and den[0].get("client", "").startswith("10.10.3.20:")
              and den[0].get("objects") == ["IED1CTRL/CSWI1$CO$Pos$Oper"],
              f"deny event recorded ({den})")
    else:
        raise SystemExit(f"unknown case {case}")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
