#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bounded libFuzzer run of every fuzz target (tests/fuzz): builds the fuzz
# configuration with clang, then runs each target for N seconds (default
# 60) on the seed corpus tests/fuzz/corpus/<kind>/ (read-only; new inputs
# go to a scratch corpus in the build dir) and prints the executions.
#   scripts/fuzz.sh [SECONDS]
# The exact build:
#   CC=clang cmake -S . -B build-fuzz -DMG_FUZZ=ON -DMG_TESTS=ON \
#     -DMG_DATAPLANE=OFF -DMG_EBPF=OFF -DMG_BENCH=OFF
#   cmake --build build-fuzz --target fuzz_mms fuzz_engine fuzz_mmsdata fuzz_stream fuzz_refuse
# (MG_TESTS=ON because tests/fuzz.cmake is what adds tests/fuzz; the unit
# tests are not built here, only the fuzz targets.)
# Exit status: non-zero if any target crashed, leaked or failed to build.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
BUILD=${MG_FUZZ_BUILD:-build-fuzz}
CC=clang cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DMG_FUZZ=ON -DMG_TESTS=ON \
	-DMG_DATAPLANE=OFF -DMG_EBPF=OFF -DMG_BENCH=OFF >/dev/null
TARGETS="fuzz_mms fuzz_engine fuzz_mmsdata fuzz_refuse"
[ -f proto/mg_tcpnorm.h ] && TARGETS="$TARGETS fuzz_tcpnorm"
[ -f proto/mg_stream.h ] && TARGETS="$TARGETS fuzz_stream"
[ -f tests/fuzz/fuzz_policy.c ] && TARGETS="$TARGETS fuzz_policy"
# shellcheck disable=SC2086
cmake --build "$BUILD" -j"$(nproc)" --target $TARGETS >/dev/null
rc=0
for t in $TARGETS; do
	kind=${t#fuzz_}
	work="$BUILD/fuzz-work/$kind"
	# the refusal planner reads MMS PDUs: it shares their seed corpus
	[ "$kind" = refuse ] && kind=mms
	mkdir -p "$work" "tests/fuzz/corpus/$kind"
	log="$BUILD/fuzz-work/$t.log"
	set +e
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$BUILD/fuzz/$t" -max_total_time="$SECS" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -artifact_prefix="$BUILD/fuzz-work/$t-" \
		"$work" "tests/fuzz/corpus/$kind" >"$log" 2>&1
	st=$?
	set -e
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
	if [ "$st" -eq 0 ]; then
		echo "$t: ${execs:-?} executions in ${SECS}s, coverage ${cov:-?} edges: clean"
	else
		echo "$t: FAILED (exit $st) after ${execs:-?} executions; log $log"
		grep -E 'ERROR|SUMMARY|abort|==[0-9]+==' "$log" | head -20 || true
		rc=1
	fi
done
exit $rc
