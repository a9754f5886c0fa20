#!/bin/sh
# Runs the libFuzzer harnesses (build/fuzz/fuzz_*) for SECONDS each, seeded
# from tests/fuzz/seeds/<harness>/ and, for the harnesses that read sFlow
# datagrams or captures, from sfgen's datagrams and (when present) the
# shared capture corpus.  A finding is copied to tests/fuzz/findings/.
# usage: tests/fuzz/run.sh SECONDS [HARNESS]
# Exit status: 0 clean, 77 when every harness run was skipped (a harness
# exits 77 when it cannot run here, e.g. without a network namespace), 1 on
# a finding.
secs=${1:-60}
only=${2:-}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$(cd "$TOP/.." && pwd)/shared}
work=$(mktemp -d /tmp/sflowkit-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# Datagram seeds: our own encoder's cover every record type.
mkdir -p "$work/datagrams" "$work/captures"
if [ -d "$SHARED/corpus/files" ]; then
    cp "$SHARED"/corpus/files/*.payload.bin "$work/datagrams/" 2>/dev/null
    cp "$SHARED"/corpus/files/*.pcap "$SHARED"/corpus/files/*.pcapng "$work/captures/" 2>/dev/null
fi
gen=$TOP/build/rel/bin/sfgen
[ -x "$gen" ] || gen=$TOP/build/san/bin/sfgen
if [ -x "$gen" ]; then
    "$gen" -n 40 --seeds "$work/datagrams" >/dev/null 2>&1 || true
fi

rc=0 ran=0
for f in "$TOP"/build/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    [ -n "$only" ] && [ "$name" != "$only" ] && continue
    # libFuzzer refuses a corpus directory that does not exist.
    seeds=
    [ -d "$TOP/tests/fuzz/seeds/$name" ] && seeds="$TOP/tests/fuzz/seeds/$name"
    case $name in
    fuzz_sflow_decode|fuzz_netflow5|fuzz_flow_export|fuzz_emu_samples) seeds="$seeds $work/datagrams" ;;
    fuzz_recv_pcap) seeds="$seeds $work/captures" ;;
    esac
    mkdir -p "$work/corpus/$name"
    echo "fuzzing $name for ${secs}s with $(cat "$TOP/tests/fuzz/seeds/$name"/* 2>/dev/null | wc -c) bytes of seeds"
    # libFuzzer's own exit status for a finding is 77 unless told: 77 means skipped here.
    # shellcheck disable=SC2086
    "$f" -max_total_time="$secs" -max_len=9000 -timeout=5 -rss_limit_mb=2048 \
        -error_exitcode=1 -timeout_exitcode=1 \
        -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus/$name" $seeds \
        > "$work/log" 2>&1
    st=$?
    if [ $st -eq 77 ]; then
        echo "$name: $(tail -n 1 "$work/log")"
        continue
    fi
    ran=$((ran + 1))
    if [ $st -ne 0 ]; then
        tail -n 60 "$work/log"
        for a in "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$work"/oom-* "$work"/slow-unit-*; do
            [ -f "$a" ] || continue
            mkdir -p "$TOP/tests/fuzz/findings"
            cp "$a" "$TOP/tests/fuzz/findings/$name-$(basename "$a")"
            echo "finding kept in tests/fuzz/findings/$name-$(basename "$a")"
            rm -f "$a"
        done
        rc=1
    else
        grep -E "stat::number_of_executed_units|stat::new_units_added|DONE|Done" "$work/log" | tail -n 4
    fi
done
[ $rc -eq 0 ] && [ $ran -eq 0 ] && exit 77
exit $rc
