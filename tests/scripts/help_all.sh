#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# --help on every command and subcommand exits 0 and prints a usage text on
# stdout (an operator's first try; issue 16). Binaries that were not built
# are passed as "-" and skipped.
# usage: help_all.sh MMSGATECTL [MMSGATE|-] [MMSGATE_XDP|-]
set -u
CTL=$1
DP=${2:--}
XDP=${3:--}
fail=0
n=0
check() {
	n=$((n + 1))
	out=$("$@" 2>/dev/null)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: '$*' exited $rc"
		fail=$((fail + 1))
	elif ! printf '%s' "$out" | grep -qi 'usage'; then
		echo "FAIL: '$*' printed no usage on stdout"
		fail=$((fail + 1))
	fi
}
check "$CTL" --help
check "$CTL" help
for c in replay policy status stats flows events mode xdp metrics; do
	check "$CTL" $c --help
done
for s in check show load from-scl diff; do
	check "$CTL" policy $s --help
done
if "$CTL" xdp --help 2>&1 | grep -q 'xdp attach'; then # XDP mode built in
	for s in attach detach status reload; do
		check "$CTL" xdp $s --help
	done
fi
if [ "$DP" != - ]; then
	check "$DP" --help
	check "$DP" -- --help
fi
if [ "$XDP" != - ]; then
	check "$XDP" --help
	for s in attach detach status reload; do
		check "$XDP" $s --help
	done
fi
# A usage error still exits 2.
"$CTL" policy frobnicate >/dev/null 2>&1
rc=$?
n=$((n + 1))
[ "$rc" -eq 2 ] || { echo "FAIL: 'policy frobnicate' exited $rc, want 2"; fail=$((fail + 1)); }
echo "help_all: $((n - fail))/$n passed"
[ "$fail" -eq 0 ]
