#!/bin/sh
# Insert rate into ClickHouse: the same datagrams piped through
#   ours:      sflowcollect -r - -q --clickhouse URL        (Native over HTTP)
#   baseline:  sflowcollect -r - -l | grep '^FLOW,' |
#              clickhouse-client --query "INSERT INTO flows_l FORMAT CSV"
# into one clickhouse-server started for the bench (temporary directory,
# 127.0.0.1).  The datagrams are sfgen's, written to a capture before any
# clock starts (as run.sh does): the generator costs as much CPU as our
# whole insert path and would otherwise be timed on both sides.  A run
# feeds that capture K times over (its pcap header once), so one file of
# CH_BENCH_DATAGRAMS (default 150000) serves any length.  Each side gets
# as many rounds as a one-round calibration says it inserts in
# CH_BENCH_SECONDS (default 30), then the full run is timed from the
# first byte to the last row stored, and its rows counted: samples/s =
# flow samples stored / wall seconds, and a run that lost a sample fails
# the bench.  Ours also stores the counter samples (one per datagram) in
# the counters table; the baseline stores flows only.
#
# usage: sh tests/bench/clickhouse_bench.sh BIN_DIR
set -u
BIN=$(cd "${1:?usage: sh tests/bench/clickhouse_bench.sh BIN_DIR}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${CH_BENCH_SECONDS:-30}
G=${CH_BENCH_DATAGRAMS:-150000}
T=$(mktemp -d /tmp/sflowkit-chbench.XXXXXX)
cleanup() { ch_stop_all 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! command -v clickhouse-client >/dev/null 2>&1 || [ ! -x /usr/sbin/clickhouse-server ]; then
    echo "clickhouse bench: clickhouse-server missing (make deps), skipped"
    exit 0
fi
. "$TOP/tests/integration/lib/clickhouse.sh"
base=$((40000 + $$ % 15000))
H=$base P=$((base + 1))
ch_start bench $H $P
URL=http://127.0.0.1:$H/

now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$BIN/sfgen" -n "$G" --seed 21 -w "$T/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
# feed ROUNDS: the capture ROUNDS times as one pcap stream (the 24-byte file header once).
feed() {
    cat "$T/gen.pcap"
    i=1
    while [ $i -lt "$1" ]; do
        tail -c +25 "$T/gen.pcap"
        i=$((i + 1))
    done
}
ours() {
    feed "$1" | "$BIN/sflowcollect" -r - -q --clickhouse "$URL" --stats 2>"$T/ours.err"
}
baseline() {
    feed "$1" | "$BIN/sflowcollect" -r - -l |
        grep '^FLOW,' | clickhouse-client --port $P --query "INSERT INTO flows_l FORMAT CSV"
}
fresh() {
    chq $P "DROP TABLE IF EXISTS flows"
    chq $P "DROP TABLE IF EXISTS counters"
    chq $P "DROP TABLE IF EXISTS flows_l"
    chq $P "CREATE TABLE flows_l (kind String, agent String, input UInt32, output UInt32,
        src_mac String, dst_mac String, eth_type String, in_vlan UInt32, out_vlan UInt32,
        src_ip String, dst_ip String, proto UInt8, tos String, ttl UInt8, src_port UInt16,
        dst_port UInt16, tcp_flags String, size UInt32, ip_size Int32, rate UInt32)
        ENGINE = MergeTree PARTITION BY tuple() ORDER BY agent"
}
# run SIDE ROUNDS TABLE: prints "FLOW_ROWS MILLISECONDS".
run() {
    fresh
    t0=$(now_ms)
    $1 "$2" || return 1
    t1=$(now_ms)
    echo "$(chq $P "SELECT count() FROM $3") $((t1 - t0))"
}
# measure SIDE TABLE: calibrates, then runs for about SECS; prints "ROWS MS DATAGRAMS".
measure() {
    set -- "$1" "$2" $(run "$1" 1 "$2")
    k=$(( $4 > 0 ? (SECS * 1000 + $4 / 2) / $4 : 1 ))
    [ $k -ge 1 ] || k=1
    set -- "$1" "$2" $(run "$1" $k "$2")
    echo "$3 $4 $((k * G))"
}

set -- $(measure ours flows)
o_rows=$1 o_ms=$2 o_n=$3
o_stats=$(sed -n 's/^  clickhouse rows flows \([0-9]*\) .*/\1/p' "$T/ours.err")
set -- $(measure baseline flows_l)
b_rows=$1 b_ms=$2 b_n=$3
o_rate=$((o_rows * 1000 / o_ms)) b_rate=$((b_rows * 1000 / b_ms))
printf "\nClickHouse inserts (clickhouse-server %s, one server on this machine)\n" \
    "$(chq $P "SELECT version()")"
printf "%-46s %10s %10s %8s %14s\n" "pipeline" "datagrams" "samples" "seconds" "samples/s"
printf "%-46s %10s %10s %8s %14s\n" "sflowcollect --clickhouse (Native/HTTP)" "$o_n" "$o_rows" \
    "$((o_ms / 1000)).$((o_ms % 1000 / 100))" "$o_rate"
printf "%-46s %10s %10s %8s %14s\n" "sflowcollect -l | clickhouse-client CSV" "$b_n" "$b_rows" \
    "$((b_ms / 1000)).$((b_ms % 1000 / 100))" "$b_rate"
printf "ratio ours/baseline: %s.%02d\n" $((o_rate / b_rate)) $((o_rate * 100 / b_rate % 100))
lost=0
[ "$o_rows" = $((o_n * 7)) ] && [ "$o_rows" = "$o_stats" ] || { echo "ours lost samples: $o_rows of $((o_n * 7))"; lost=1; }
[ "$b_rows" = $((b_n * 7)) ] || { echo "baseline lost samples: $b_rows of $((b_n * 7))"; lost=1; }
exit $lost
