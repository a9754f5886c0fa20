#!/bin/sh
# Runs every test: unit programs, integration scripts, fuzzers.
# usage: tests/run.sh BIN_DIR
# Exit status of a test: 0 passed, 77 skipped, anything else failed.
# Ends with one line "N passed, N failed, N skipped".
BIN=$(cd "${1:?usage: tests/run.sh BIN_DIR}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$(cd "$TOP/.." && pwd)/shared}
FUZZ_TEST_SECONDS=${FUZZ_TEST_SECONDS:-15}
export BIN TOP SHARED FUZZ_TEST_SECONDS
LOGDIR=$(mktemp -d /tmp/sflowkit-tests.XXXXXX)
trap 'rm -rf "$LOGDIR"' EXIT INT TERM
# Sanitizer findings must fail the test that triggered them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

pass=0 fail=0 skip=0

run() {
    name=$1
    shift
    log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
    0)  pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
    77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")" ;;
    *)  fail=$((fail + 1)); echo "FAIL $name (exit $rc)"; tail -n 40 "$log" | sed 's/^/    /' ;;
    esac
}

if [ -d "$SHARED/corpus" ]; then
    echo "shared corpus: $SHARED/corpus"
else
    echo "shared corpus: absent ($SHARED); tests that need it are skipped"
fi

for t in "$BIN"/test_*; do
    [ -x "$t" ] || continue
    run "unit/$(basename "$t")" "$t"
done
for t in "$TOP"/tests/integration/*.sh; do
    [ -f "$t" ] || continue
    run "integration/$(basename "$t" .sh)" sh "$t"
done
for f in "$TOP"/build/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    run "fuzz/$(basename "$f") ${FUZZ_TEST_SECONDS}s" sh "$TOP/tests/fuzz/run.sh" "$FUZZ_TEST_SECONDS" "$(basename "$f")"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
