#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end test of the control channel against a real mmsgate bridging
# two network namespaces (client side: SCADA 10.10.1.10, historian
# 10.10.3.20, stranger 10.99.0.5; IED side: 10.20.0.5 running mg-mms-server)
# over veth pairs with net_af_packet, the test's own seed-like policies:
#   - every command's --json is parsed and checked; counters move with traffic
#   - a denied operate shows up in `events`; flows lists live associations
#   - a bad policy is rejected (file:line:col, exit 1), the old generation keeps
#     running; a good policy changes the verdict of the next request
#   - mode monitor lets the denied operate through, mode enforce blocks it again
#   - reload under load: one MMS association reading continuously plus a
#     numbered GOOSE stream while the policy is reloaded RELOADS times; the
#     association must survive, no GOOSE frame may be lost, swap latency is
#     reported
#   - hostile socket input (tests/scripts/ctl_badinput.py); the daemon survives
# Needs root and network namespaces: exits 77 (skip) with a message otherwise.
# usage: ctl_e2e.sh MMSGATE MMSGATECTL MMS_SERVER MMS_CLIENT SOURCE_DIR WORK_DIR [RELOADS]
set -u
MMSGATE=$1 CTL=$2 SRV=$3 CLI=$4 SRC=$5 W=$6 RELOADS=${7:-100}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
for t in ip ethtool python3; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

id=$(($$ % 100000))
NSC=mgctlc$id NSS=mgctls$id
VC0=mcc${id}r VC1=mcc${id}n VS0=mcs${id}r VS1=mcs${id}n
rm -rf "$W"
mkdir -p "$W"
SOCK=$W/ctl.sock
dp_pid= srv_pid=
fail=0 pass=0
cleanup() {
	[ -n "$dp_pid" ] && kill "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	ip netns del $NSC 2>/dev/null
	ip netns del $NSS 2>/dev/null
	ip link del $VC0 2>/dev/null
	ip link del $VS0 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ip netns add $NSC 2>/dev/null || skip "cannot create network namespaces"
ip netns add $NSS || skip "cannot create network namespaces"
ip link add $VC0 type veth peer name $VC1 netns $NSC || skip "cannot create veth pairs"
ip link add $VS0 type veth peer name $VS1 netns $NSS || skip "cannot create veth pairs"
for l in $VC0 $VS0; do
	sysctl -qw net.ipv6.conf.$l.disable_ipv6=1 2>/dev/null
	ip link set $l up
done
ip -n $NSC addr add 10.10.1.10/8 dev $VC1
ip -n $NSC addr add 10.10.3.20/8 dev $VC1
ip -n $NSC addr add 10.99.0.5/8 dev $VC1
ip -n $NSS addr add 10.20.0.5/8 dev $VS1
for n in "$NSC $VC1" "$NSS $VS1"; do
	set -- $n
	ip netns exec $1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n $1 link set lo up
	ip -n $1 link set $2 up
	# TCP through the DPDK bridge needs real checksums on the wire
	ip netns exec $1 ethtool -K $2 tx off >/dev/null 2>&1
done

# The test's own policies (the seed scenario's shape, this test's addresses):
# base.policy lets the historian only read; open.policy also lets it operate.
policy() { # policy FILE HISTORIAN_CLASSES
	cat >"$1" <<EOP
mode enforce
set scada       { 10.10.1.10 }
set historians  { 10.10.3.20 }
set clients     { @scada, @historians }
set ieds        { 10.20.0.0/24 }
l2 pass goose, sv vlan 100-101
l2 pass arp
ip allow mms from @clients to @ieds
mms allow from @scada to @ieds class association, browse, read, report, select, select-with-value, operate, cancel
mms allow from @historians to @ieds class $2
mms deny from any object "PROT*/*", "*/LLN0\$SP\$*", "*/PDIS*\$SP\$*", "*/PTOC*\$SE\$*" log name "protection-frozen"
mms default deny reset
EOP
}
policy "$W/base.policy" "association, browse, read"
policy "$W/open.policy" "association, browse, read, select, select-with-value, operate, cancel"
printf 'mode enforce\nset ieds { 10.20.0.0/24 }\nmms allow from @nosuchset to @ieds class raed\nmms default deny\n' >"$W/bad.policy"

"$MMSGATE" --no-huge --no-shconf -m 512 --no-pci -l 0,1 --log-level='*:error' \
	--vdev "net_af_packet0,iface=$VS0" --vdev "net_af_packet1,iface=$VC0" \
	-- --policy "$W/base.policy" --ctl-socket "$SOCK" --events "$W/events.jsonl" \
	>"$W/mmsgate.out" 2>&1 &
dp_pid=$!
i=0
while ! "$CTL" --socket "$SOCK" status >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $dp_pid 2>/dev/null; then
		echo "mmsgate did not come up:"; cat "$W/mmsgate.out"; exit 1
	fi
	sleep 0.1
done
ip netns exec $NSS "$SRV" >"$W/server.out" 2>&1 &
srv_pid=$!
sleep 0.3

C="$CTL --socket $SOCK"
# j 'python expression on d' ARGS...: mmsgatectl ARGS --json, parsed, checked
j() {
	expr=$1
	shift
	if ! $C "$@" --json >"$W/j.out" 2>"$W/j.err"; then
		bad "mmsgatectl $* --json: $(head -3 "$W/j.err")"
		return 1
	fi
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert eval(sys.argv[2])' \
		"$W/j.out" "$expr" 2>"$W/j.perr"; then
		ok "$* : $expr"
	else
		bad "mmsgatectl $* --json: '$expr' is false: $(head -c 600 "$W/j.out")"
		return 1
	fi
}
# jv 'python expression' ARGS...: print the value of an expression on the JSON
jv() {
	expr=$1
	shift
	$C "$@" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$expr"
}
client() { # client SRCIP ACTION OBJ ...
	b=$1
	shift
	ip netns exec $NSC "$CLI" --host 10.20.0.5 --bind "$b" --timeout 3000 "$@" >"$W/client.out" 2>&1
}
OBJ='IED1LD0/MMXU1$MX$TotW$mag'
OP='IED1LD0/CSWI1$CO$Pos$Oper'

# --- 1. status, stats, and counters that move -------------------------------
j 'd["generation"] == 1 and d["mode"] == "enforce" and d["workers"] >= 1 and len(d["ports"]) == 2 and all(p["link"] == "up" for p in d["ports"]) and d["policy"]["path"].endswith("base.policy")' status
j 'all(k in d for k in ("ports","l2","services","iec_classes","verdicts","drops","flows","varlists","control"))' stats
reads0=$(jv 'd["services"].get("read",0)' stats)
rx0=$(jv 'd["ports"]["outside"]["rx"]' stats)
client 10.10.1.10 read "$OBJ" read "$OBJ" read "$OBJ" && ok "SCADA reads pass" || bad "SCADA reads: $(cat "$W/client.out")"
j "d['services'].get('read',0) >= $reads0 + 3 and d['ports']['outside']['rx'] > $rx0 and d['verdicts']['allow'] >= 3" stats

# --- 2. a denied operate appears in events ------------------------------------
$C events --follow --for 4 --json >"$W/follow.out" 2>"$W/follow.err" &
follow_pid=$!
sleep 0.5
client 10.10.3.20 operate "$OP"
rc=$?
[ $rc -eq 4 ] && ok "historian operate blocked (reset)" || bad "historian operate: exit $rc, want 4: $(cat "$W/client.out")"
wait $follow_pid && python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(e.get("class") == "operate" and e.get("type") == "deny" for e in ev), ev
assert [e["seq"] for e in ev] == sorted(set(e["seq"] for e in ev))
' "$W/follow.out" && ok "events --follow --json streamed the deny" || bad "events --follow: $(cat "$W/follow.out" "$W/follow.err" | head -5)"
j 'any(e.get("type") == "deny" and e.get("client","").startswith("10.10.3.20:") and e.get("class") == "operate" for e in d["events"]) and all("seq" in e for e in d["events"])' events
client 10.99.0.5 read "$OBJ"
rc=$?
[ $rc -ne 0 ] && ok "stranger cannot connect (exit $rc)" || bad "stranger connected"
j 'd["drops"]["conn_denied"] >= 1 and d["verdicts"]["deny"] >= 1' stats
$C events >"$W/events.txt" 2>&1 && grep -q operate "$W/events.txt" && ok "events table shows the operate" || bad "events table: $(cat "$W/events.txt")"

# MG_CTL_E2E_DEMO=FILE: record an operator session (human output) for the docs
if [ -n "${MG_CTL_E2E_DEMO:-}" ]; then
	for c in status stats flows "events --limit 5" "policy load $W/bad.policy" "policy load $W/open.policy" "mode monitor" "mode enforce"; do
		echo "# mmsgatectl $c"
		$C $c 2>&1
		echo
	done >"$MG_CTL_E2E_DEMO"
	$C policy load "$W/base.policy" >/dev/null
	j 'd["generation"] == 3' status || exit 1
	exit 0
fi

# --- 3. policy load: bad rejected, good changes verdicts ------------------------
$C policy load "$W/bad.policy" >"$W/load.out" 2>"$W/load.err"
rc=$?
[ $rc -eq 1 ] && ok "bad policy: exit 1" || bad "bad policy: exit $rc"
grep -Eq "bad.policy:[0-9]+:[0-9]+: error" "$W/load.err" && ok "bad policy: file:line:col diagnostics" || bad "bad policy diagnostics: $(cat "$W/load.err")"
j 'd["generation"] == 1 and d["policy"]["path"].endswith("base.policy")' status
j 'd["generation"] == 2 and "swap_ms" in d' policy load "$W/open.policy"
j 'd["generation"] == 2 and d["policy"]["path"].endswith("open.policy")' status
client 10.10.3.20 operate "$OP" && ok "after reload the historian's operate passes" || bad "operate after reload: $(cat "$W/client.out")"
sleep 0.3
j 'any(e.get("type") == "policy" and e.get("generation") == 2 for e in d["events"])' events
j 'd["generation"] == 2 and isinstance(d.get("text"), str) and len(d["text"]) > 0 and any(r["hits"] > 0 and r.get("line") == 10 for r in d["rules"])' policy show
$C policy show >"$W/show.txt" 2>&1 && grep -q "generation 2" "$W/show.txt" && ok "policy show (human)" || bad "policy show: $(head -3 "$W/show.txt")"

# --- 4. mode switch ---------------------------------------------------------------
j 'd["generation"] == 3' policy load "$W/base.policy"
j 'd["mode"] == "monitor"' mode monitor
j 'd["mode"] == "monitor" and d["mode_override"]' status
mwd0=$(jv 'd["verdicts"]["monitor_would_deny"]' stats)
client 10.10.3.20 operate "$OP" && ok "monitor mode forwards the denied operate" || bad "monitor mode: $(cat "$W/client.out")"
j "d['verdicts']['monitor_would_deny'] > $mwd0" stats
j 'd["mode"] == "enforce"' mode enforce
client 10.10.3.20 operate "$OP"
[ $? -eq 4 ] && ok "enforce mode blocks it again" || bad "enforce mode: $(cat "$W/client.out")"

# --- 5. reload under load ---------------------------------------------------------
# One SCADA association reading continuously and a numbered GOOSE stream
# (VLAN 100, passed by the policy) while the policy is reloaded RELOADS times.
NREAD=${MG_CTL_E2E_READS:-30000}
NGOOSE=${MG_CTL_E2E_GOOSE:-20000}
# NREAD x "read OBJ" as arguments (OBJ has no blanks or glob characters)
set -- $(python3 -c 'import sys; print(" ".join(["read " + sys.argv[2]] * int(sys.argv[1])))' "$NREAD" "$OBJ")
# gate counters: frames in, out, dropped (any reason), and the loss indicators
snap='json.dumps({"rx": sum(p["rx"] for p in d["ports"].values()), "tx": sum(p["tx"] for p in d["ports"].values()), "drop": sum(p["drop"] for p in d["ports"].values()), "goose": d["l2"]["goose"], "rst": d["rst_sent"], "txfull": d["drops"]["tx_queue_full"], "nombuf": d["drops"]["no_mbuf"], "held_at_close": d["drops"]["held_at_close"], "deny": d["verdicts"]["deny"], "hw_loss": sum(p.get("hw_rx_missed",0)+p.get("hw_rx_nombuf",0)+p.get("hw_tx_errors",0) for p in d["ports"].values()), "held_now": d["held_segments"]})'
ip netns exec $NSC python3 "$SRC/tests/scripts/ctl_goose.py" recv $VC1 3 >"$W/goose-recv.out" 2>&1 &
recv_pid=$!
sleep 0.5
before=$(jv "$snap" stats)
ip netns exec $NSC "$CLI" --host 10.20.0.5 --bind 10.10.1.10 --timeout 10000 "$@" >"$W/load-client.out" 2>&1 &
load_pid=$!
set --
ip netns exec $NSS python3 "$SRC/tests/scripts/ctl_goose.py" send $VS1 "$NGOOSE" 5000 >"$W/goose-send.out" 2>&1 &
send_pid=$!
sleep 0.3
j 'any(f["client"].startswith("10.10.1.10:") and f["ied"] == "10.20.0.5:102" and f["state"] == "established" and f["kind"] == "mms" and f["assoc"] == "associated" and f["pdus_c2s"] > 0 and f["classes"].get("read", 0) > 0 and f["age_s"] >= 0 and all(isinstance(f["tcp"][x]["held"], int) and isinstance(f["tcp"][x]["custody"], bool) and isinstance(f["tcp"][x]["window_clamped"], bool) for x in ("c2s", "s2c")) for f in d["flows"])' flows
python3 "$SRC/tests/scripts/ctl_reload.py" "$SOCK" "$RELOADS" "$W/open.policy" "$W/base.policy" $load_pid >"$W/reload.json"
wait $send_pid
wait $load_pid
lrc=$?
wait $recv_pid
sleep 0.5
[ $lrc -eq 0 ] && ok "the association survived the reloads ($NREAD reads answered)" || bad "association under reload: exit $lrc: $(tail -3 "$W/load-client.out")"
after=$(jv "$snap" stats)
sent=$(sed -n 's/^sent //p' "$W/goose-send.out")
got=$(sed -n 's/^received //p' "$W/goose-recv.out")
python3 - "$before" "$after" "$W/reload.json" "${sent:-0}" "${got:-0}" "$RELOADS" >"$W/reload-report.txt" <<'PY'
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
r = json.load(open(sys.argv[3]))
sent, got, n = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
d = {k: a[k] - b[k] for k in a}
# frames the gate received but neither forwarded nor dropped with a reason
gate_lost = d["rx"] - d["tx"] - d["drop"] + d["rst"]
print("reloads: %d of %d (%d while the MMS association was active), generations %s..%s consecutive=%s"
      % (r["reloads"], n, r["while_client_alive"], r["first_generation"], r["last_generation"], r["consecutive"]))
print("swap latency ms (compile + scratch prepare + publish + RCU grace period + free): %s" % json.dumps(r["swap_ms"]))
print("check (full-diagnostics compile) ms: %s; control round trip ms: %s" % (json.dumps(r["check_ms"]), json.dumps(r["round_trip_ms"])))
print("frames through the gate during the reloads: in %d, out %d, dropped %d, lost in the gate %d; RST sent %d, denies %d, tx-full %d, no-mbuf %d, NIC loss %d"
      % (d["rx"], d["tx"], d["drop"], gate_lost, d["rst"], d["deny"], d["txfull"], d["nombuf"], d["hw_loss"]))
print("GOOSE probe: sent %d, entered the gate %d, received %d (difference outside the gate: kernel veth/af_packet path)"
      % (sent, d["goose"], got))
# The gate's own accounting decides (frames in = out + dropped-with-a-reason,
# nothing dropped for lack of room, no reset, no deny). The GOOSE probe also
# crosses two kernel veth/af_packet hops that a saturated machine can drop
# on (before the gate: the frame never entered; after it: the gate counted
# it out and the PMD reported no error); a shortfall there is reported.
if got != sent:
    print("WARNING: %d GOOSE frame(s) missing end to end" % (sent - got))
ok = (r["reloads"] == n and r["consecutive"] and gate_lost == 0 and d["rst"] == 0
      and d["deny"] == 0 and d["txfull"] == 0 and d["nombuf"] == 0 and d["hw_loss"] == 0
      and a["held_now"] == 0 and sent > 0 and got > 0 and d["goose"] > 0)
print("RESULT", "ok" if ok else "FAIL")
PY
cat "$W/reload-report.txt"
grep -q "^RESULT ok" "$W/reload-report.txt" && ok "reload under load: no frame lost in the gate, no reset" || bad "reload under load (see report above)"

# --- 6. hostile socket input --------------------------------------------------------
python3 "$SRC/tests/scripts/ctl_badinput.py" "$SOCK" && ok "hostile socket input answered" || bad "hostile socket input"
kill -0 $dp_pid 2>/dev/null && ok "daemon alive after hostile input" || bad "daemon died"
j 'd["ctl"]["errors"] >= 10' status

# --- 7. clean stop ------------------------------------------------------------------------
kill -TERM $dp_pid
wait $dp_pid
rc=$?
dp_pid=
[ $rc -eq 0 ] && ok "mmsgate stopped cleanly" || bad "mmsgate exit status $rc: $(tail -5 "$W/mmsgate.out")"
[ ! -e "$SOCK" ] && ok "control socket removed" || bad "control socket left behind"
$C status >/dev/null 2>"$W/down.err"
rc=$?
[ $rc -eq 1 ] && grep -q "not running" "$W/down.err" && ok "status after stop: not running, exit 1" || bad "status after stop: exit $rc $(cat "$W/down.err")"

echo "ctl_e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
