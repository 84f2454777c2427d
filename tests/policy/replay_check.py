#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Policy verdicts through `mmsgatectl replay --policy`: the example seed
policy against the generator's captures. SCADA and engineering conversations
pass; the other allowlisted host (services scenario) may read and browse but
its writes and operates are denied; a host outside the allowlist
(segmentation scenario) cannot even connect.

usage: replay_check.py CTL GEN POLICY OUTDIR
"""
import json
import os
import subprocess
import sys

ctl, gen, policy, outdir = sys.argv[1:5]
fails = []


def replay(scenario):
    pcap = os.path.join(outdir, "policy_%s.pcap" % scenario)
    subprocess.run([gen, scenario, pcap], check=True)
    out = subprocess.run([ctl, "replay", "--policy", policy, "--json", pcap],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def judged(r):
    """Records the policy rules decide: requests c2s, unsolicited s2c."""
    if r["pdu"] in ("confirmed-request", "initiate-request", "conclude-request",
                    "cancel-request"):
        return r["dir"] == "c2s"
    return r["pdu"] == "unconfirmed"


def check(cond, msg):
    if not cond:
        fails.append(msg)


# 1. SCADA + engineering: everything they do is allowed by a rule.
recs = replay("substation-demo")
check(len(recs) > 30, "substation-demo: too few records")
for r in filter(judged, recs):
    check(r.get("verdict") == "allow" and r.get("decided_by") == "rule",
          "substation-demo frame %d %s %s from %s: %s/%s" % (
              r["frame"], r["service"], r["class"], r["src"], r.get("verdict"),
              r.get("decided_by")))
eng = [r for r in recs if r["src"].startswith("10.0.0.11:") and judged(r)]
check(any(r["class"] == "setting" for r in eng), "no engineering setting write seen")
check(any(r["class"] == "get-file" for r in eng), "no engineering file transfer seen")

# 2. The other allowlisted host: read/browse pass, control and changes denied.
recs = replay("services")
denied = set()
for r in filter(judged, recs):
    ok = r["class"] in ("read", "browse", "association")
    want = "allow" if ok else "deny"
    check(r.get("verdict") == want, "services frame %d %s %s: %s, want %s" % (
        r["frame"], r["service"], r["class"], r.get("verdict"), want))
    if r.get("verdict") == "deny":
        denied.add(r["class"])
for c in ("operate", "select", "select-with-value", "setting", "report-control",
          "set-file", "delete-file"):
    check(c in denied, "services: no denied %s" % c)
check(all(r.get("verdict") == "allow" for r in recs if not judged(r)),
      "services: a response was denied")
# The seed policy's bare `mms default deny` is reply-error: every denied
# confirmed request is refused with an IED-style answer (controls and
# writes: a negative Write-Response), denied reports are removed, nothing
# resets the association.
for r in recs:
    if r.get("verdict") != "deny":
        continue
    if r["pdu"] == "confirmed-request":
        want = ("write-object-access-denied" if r["service"] == "write" else
                "confirmed-error" if r["service"] != "read" or r["class"] == "dataset-read"
                else "read-object-access-denied")
        check(r.get("deny") == "reply-error" and r.get("answer_bytes", 0) > 0,
              "services frame %d %s: deny %s" % (r["frame"], r["service"], r.get("deny")))
        check(r.get("answer") == want, "services frame %d %s: answer %s, want %s" % (
            r["frame"], r["service"], r.get("answer"), want))
    else:
        check(r.get("deny") == ("remove" if r["pdu"] == "unconfirmed" else "reset"),
              "services frame %d %s: deny %s" % (r["frame"], r["pdu"], r.get("deny")))

# 3. Outside the allowlist: the connection itself is denied.
recs = replay("segmentation")
check(len(recs) > 0, "segmentation: no records")
for r in recs:
    check(r.get("verdict") == "deny" and r.get("decided_by") == "connection",
          "segmentation frame %d: %s/%s" % (r["frame"], r.get("verdict"), r.get("decided_by")))

# 4. IPv6 SCADA client in a VLAN: allowed.
recs = replay("ipv6-vlan")
for r in filter(judged, recs):
    check(r.get("verdict") == "allow", "ipv6-vlan frame %d %s: %s" % (
        r["frame"], r["class"], r.get("verdict")))

for f in fails[:40]:
    print("FAIL:", f)
print("policy replay check: %d failures" % len(fails))
sys.exit(1 if fails else 0)
