#!/usr/bin/env bash
# The test suite under AddressSanitizer and ThreadSanitizer (RELIABILITY.md, "Sanitizers"), each in a
# build folder of its own (.build-asan, .build-tsan). The end-to-end tests run the uninstrumented
# release binary as a child process, so they are skipped here: they would test nothing new.
#
#   scripts/sanitizers.sh [address|thread]...   # default: both
#
# Prints one summary line per sanitizer (tests passed, reports printed) and exits non-zero if a test
# failed or AddressSanitizer reported anything. ThreadSanitizer's reports are summarised by where they
# happen; see RELIABILITY.md for why those inside Synchronization.Mutex are not races.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
sanitizers=("$@")
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address thread)
status=0
for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "unknown sanitizer $sanitizer (address or thread)" >&2; exit 2 ;;
    esac
    log=$scratch/test.log
    flags=(-c release -Xswiftc -enable-testing --sanitize="$sanitizer" --scratch-path "$scratch")
    "$SWIFT" build "${flags[@]}" --build-tests || { status=1; continue; }
    scripts/journald.sh start >/dev/null
    # detect_leaks=0: Swift keeps enum tags in pointers' spare bits, which LeakSanitizer misreads as leaks.
    ASAN_OPTIONS=detect_leaks=0:halt_on_error=0 TSAN_OPTIONS=halt_on_error=0 \
        "$SWIFT" test "${flags[@]}" --skip-build --skip EndToEndTests >"$log" 2>&1
    tests=$?
    scripts/journald.sh stop >/dev/null
    summary=$(grep -E "Test run with .* (passed|failed)" "$log" | tail -1)
    reports=$(grep -c "^WARNING: ThreadSanitizer\|^==[0-9]*==ERROR: AddressSanitizer" "$log")
    echo "$sanitizer: ${summary:-no summary (see $log)}; $reports sanitizer reports (log: $log)"
    if [ "$reports" -gt 0 ] && [ "$sanitizer" = thread ]; then
        outside=$(grep -A40 "^WARNING: ThreadSanitizer" "$log" | grep -c "^SUMMARY" || true)
        mutex=$(grep -B1 -A60 "^WARNING: ThreadSanitizer" "$log" | awk '/^WARNING: ThreadSanitizer/{inmutex=0} /Mutex.*withLock|withLock.*Mutex/{inmutex=1} /^SUMMARY/{if (inmutex) n++} END{print n+0}')
        echo "thread: $mutex of $outside reports have Synchronization.Mutex.withLock on a stack"
    fi
    [ $tests -eq 0 ] || status=1
    [ "$sanitizer" = address ] && [ "$reports" -gt 0 ] && status=1
done
exit $status
