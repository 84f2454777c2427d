#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# mmsgatectl's online commands against a fake daemon (mg_ctl_fakesrv, the
# real control server with a fake ops table): every command's --json is
# parsed and checked, human output is produced, usage errors exit 2, a
# daemon that is not running exits 1 with one line, --help exits 0.
# usage: ctl_cli.sh MMSGATECTL MG_CTL_FAKESRV
set -u
CTL=$(readlink -f "$1")
SRV=$(readlink -f "$2")
T=$(mktemp -d /tmp/mg-ctl-cli.XXXXXX)
SOCK=$T/ctl.sock
fail=0
pass=0
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# expect RC CMD...: run, compare exit status
expect() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "'$*' exited $rc, want $want"
		sed 's/^/    /' "$T/err" | head -5
	else
		ok
	fi
}

# jcheck 'python expression on d' CMD...: run, parse stdout as JSON, assert
jcheck() {
	expr=$1
	shift
	if ! "$@" >"$T/out" 2>"$T/err"; then
		bad "'$*' failed: $(head -1 "$T/err")"
		return
	fi
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert eval(sys.argv[2]), "assertion false"
' "$T/out" "$expr" 2>"$T/perr"; then
		ok
	else
		bad "'$*': JSON check '$expr' failed: $(tail -1 "$T/perr")"
	fi
}

# 1. daemon not running: one line, exit 1
expect 1 "$CTL" --socket "$SOCK" status
if [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -q "not running" "$T/err"; then
	bad "not-running message: $(cat "$T/err")"
else ok; fi
expect 1 "$CTL" --socket "$SOCK" stats --json
expect 1 "$CTL" --socket "$SOCK" policy show
MMSGATE_SOCKET=$SOCK expect 1 "$CTL" flows

# 2. start the fake daemon
"$SRV" "$SOCK" >"$T/srv.out" 2>&1 &
srv_pid=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || { echo "fake daemon did not start"; cat "$T/srv.out"; exit 1; }
[ "$(stat -c %a "$SOCK")" = 600 ] && ok || bad "socket mode $(stat -c %a "$SOCK")"

C="$CTL --socket $SOCK"
jcheck 'd["generation"] == 1 and d["mode"] == "enforce" and len(d["ports"]) == 2' $C status --json
jcheck 'd["services"]["read"] > 0 and "inside" in d["ports"]' $C stats --json
jcheck 'len(d["flows"]) == 3 and d["flows"][0]["ied"].endswith(":102")' $C flows --json
jcheck 'len(d["flows"]) == 1 and d["truncated"]' $C flows --json --limit 1
jcheck 'len(d["events"]) >= 1 and "seq" in d["events"][0]' $C events --json
jcheck 'd["mode"] == "monitor"' $C mode monitor --json
jcheck 'd["mode"] == "monitor"' $C status --json
jcheck 'd["mode"] == "enforce"' $C mode enforce --json
jcheck 'd["generation"] == 1 and "text" in d' $C policy show --json
printf 'policy ok\n' >"$T/good.pol"
printf 'ok\nan error here\n' >"$T/bad.pol"
expect 1 $C policy load "$T/bad.pol"
grep -q "bad.pol:2:4: error" "$T/err" && ok || bad "diagnostics: $(cat "$T/err")"
jcheck 'd["generation"] == 1' $C status --json
jcheck 'd["generation"] == 2' $C policy load "$T/good.pol" --json
jcheck 'd["generation"] == 2' $C status --json
# the global --socket works after the command too (subcommand option)
jcheck 'd["generation"] == 2' "$CTL" status --json --socket "$SOCK"
# relative policy path: sent absolute
(cd "$T" && expect 0 $C policy load good.pol)
grep -q "generation 3" "$T/out" && ok || bad "policy load output: $(cat "$T/out")"
expect 1 $C policy load "$T/missing.pol"

# 3. watch and follow terminate
jcheck 'True' $C stats --watch 0.2 --count 1 --json
"$CTL" --socket "$SOCK" stats --watch 0.2 --count 3 --json >"$T/w" 2>&1 && [ "$(wc -l <"$T/w")" -eq 3 ] && ok || bad "stats --watch --count 3: $(cat "$T/w")"
python3 -c '
import json,sys
l=[json.loads(x) for x in open(sys.argv[1])]
assert l[2]["services"]["read"] > l[0]["services"]["read"]
' "$T/w" && ok || bad "stats --watch counters do not move"
"$CTL" --socket "$SOCK" events --follow --for 1 --json >"$T/f" 2>&1 && ok || bad "events --follow --for 1"
python3 -c '
import json,sys
seqs=[json.loads(x)["seq"] for x in open(sys.argv[1])]
assert len(seqs) >= 3 and seqs == sorted(set(seqs)), seqs
' "$T/f" && ok || bad "events --follow sequence: $(head -3 "$T/f")"

# 4. human output of every command
for cmd in status stats "stats --all" flows events "policy show" mode; do
	expect 0 $C $cmd
	[ -s "$T/out" ] && ok || bad "'$cmd' printed nothing"
done

# 5. usage errors exit 2, --help exits 0
expect 2 "$CTL" nosuchcommand
expect 2 $C status extra
expect 2 $C status --bogus
expect 2 $C stats --watch x
expect 2 $C stats --count 0 --watch
expect 2 $C flows --limit 0
expect 2 $C flows --limit
expect 2 $C events --since abc
expect 2 $C mode sideways
expect 2 $C mode enforce monitor
expect 2 $C policy load
expect 2 "$CTL" --socket
for cmd in status stats flows events mode "policy load"; do
	expect 0 $C $cmd --help
	grep -q usage "$T/out" && ok || bad "'$cmd --help' shows no usage"
done

echo "ctl_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
