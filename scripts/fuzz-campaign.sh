#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A long libFuzzer campaign on the whole protocol chain (not run in CI):
# fuzz_engine built in campaign mode (-DMG_FUZZ_ENGINE_CAMPAIGN: each input
# fed once, split at its seed, no byte-by-byte re-feed) with UBSan and
# without ASan, ~90,000 executions/s on one core of the CI machines, so
# 10⁸ executions take about 20 minutes. Crashes, hangs (-timeout) and
# undefined behaviour end the run with an artifact in the work directory.
#   scripts/fuzz-campaign.sh [RUNS] [WORKDIR]      (default 100000000, build-campaign)
# Prints libFuzzer's final stats (executions, coverage); docs/fuzzing.md
# holds the numbers of the last campaign.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100000000}
WORK=${2:-build-campaign}
mkdir -p "$WORK/corpus"
clang -O2 -g -fsanitize=fuzzer,undefined -fno-sanitize-recover=undefined \
	-DMG_FUZZ_ENGINE_CAMPAIGN -Iproto tests/fuzz/fuzz_engine.c proto/*.c \
	-o "$WORK/fuzz_engine_campaign"
start=$(date +%s)
"$WORK/fuzz_engine_campaign" -runs="$RUNS" -print_final_stats=1 -timeout=10 -max_len=8192 \
	-rss_limit_mb=2048 -artifact_prefix="$WORK/" "$WORK/corpus" tests/fuzz/corpus/engine \
	tests/fuzz/corpus/stream 2>&1 | tee "$WORK/campaign.log" |
	grep -E '^#[0-9]+.*(pulse|DONE)|^stat::|ERROR|SUMMARY'
echo "campaign: $(( $(date +%s) - start )) s"
