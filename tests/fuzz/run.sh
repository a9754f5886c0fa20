#!/bin/sh
# Runs the libFuzzer harnesses for SECONDS each, seeded with the project's
# own generated datagrams and, when present, the shared capture corpus.
# usage: tests/fuzz/run.sh SECONDS [HARNESS]
secs=${1:-60}
only=${2:-}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$(cd "$TOP/.." && pwd)/shared}
work=$(mktemp -d /tmp/sflowkit-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/seeds"
if [ -d "$SHARED/corpus/files" ]; then
    cp "$SHARED"/corpus/files/*.payload.bin "$work/seeds/" 2>/dev/null
fi
for s in "$TOP"/tests/data/*.bin; do
    [ -f "$s" ] && cp "$s" "$work/seeds/"
done
# Datagrams from our own encoder cover every record type.
if [ -x "$TOP/build/san/bin/sfgen" ] || [ -x "$TOP/build/rel/bin/sfgen" ]; then
    gen=$TOP/build/rel/bin/sfgen
    [ -x "$gen" ] || gen=$TOP/build/san/bin/sfgen
    "$gen" -n 40 --seeds "$work/seeds" >/dev/null 2>&1 || true
fi
rc=0
for f in "$TOP"/build/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    [ -n "$only" ] && [ "$(basename "$f")" != "$only" ] && continue
    mkdir -p "$work/corpus"
    echo "fuzzing $(basename "$f") for ${secs}s with $(ls "$work/seeds" | wc -l) seeds"
    if ! "$f" -max_total_time="$secs" -max_len=9000 -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$work/seeds" \
        > "$work/log" 2>&1; then
        tail -n 60 "$work/log"
        for a in "$work"/crash-* "$work"/timeout-* "$work"/leak-*; do
            [ -f "$a" ] || continue
            mkdir -p "$TOP/tests/fuzz/findings"
            cp "$a" "$TOP/tests/fuzz/findings/"
            echo "finding kept in tests/fuzz/findings/$(basename "$a")"
        done
        rc=1
    else
        grep -E "stat::number_of_executed_units|Done" "$work/log" | tail -n 2
    fi
done
exit $rc
