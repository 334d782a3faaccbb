#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing (libFuzzer, with AddressSanitizer) of driftd's parsers.
#
#     scripts/fuzz.sh [SECONDS]      # each target runs SECONDS (default 60)
#
# Builds Fuzz/driftd-fuzz with `-sanitize=fuzzer,address -DFUZZING` in .build-fuzz, then runs it on
# each target (records, rules, parsers: Fuzz/driftd-fuzz/DriftdFuzz.swift) from a copy of its committed
# seed corpus (Fuzz/corpus/TARGET), so the repository is not changed. Crashing inputs are kept in
# out/fuzz/TARGET-crash-* with the log in out/fuzz/TARGET.log. Prints one line per target (executions,
# corpus size, crashes) and exits 1 when any target crashed. RELIABILITY.md records the figures.
# Leak detection is off: Swift stores multi-payload enum tags in a pointer's spare bits, so
# LeakSanitizer cannot see such references and reports the objects behind them as leaked.
# Linked with lld: gold fails on the sanitized objects (an internal error in its DWARF reader).
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift=${SWIFT:-swift}
flags=(-c release --product driftd-fuzz --scratch-path .build-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
"$swift" build "${flags[@]}"
binary="$("$swift" build "${flags[@]}" --show-bin-path)/driftd-fuzz"
mkdir -p out/fuzz
failed=0
for target in records rules parsers; do
    corpus=$(mktemp -d)
    cp Fuzz/corpus/"$target"/* "$corpus"/
    rm -f out/fuzz/"$target"-crash-* out/fuzz/"$target"-leak-* out/fuzz/"$target"-timeout-* out/fuzz/"$target"-oom-*
    status=0
    ASAN_OPTIONS=detect_leaks=0 DRIFTD_FUZZ_TARGET=$target "$binary" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="out/fuzz/$target-" >out/fuzz/"$target".log 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' out/fuzz/"$target".log | tail -1)
    artifacts=$(find out/fuzz -maxdepth 1 -name "$target-*" ! -name '*.log' | wc -l)
    echo "fuzz: $target: ${runs:-?} executions in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs, $artifacts crashing inputs (exit $status)"
    if [ "$status" -ne 0 ] || [ "$artifacts" -ne 0 ]; then
        failed=1
        grep -m 5 -E 'ERROR|SUMMARY|Fatal|panic' out/fuzz/"$target".log || true
    fi
    rm -rf "$corpus"
done
exit $failed
