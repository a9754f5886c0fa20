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
# CH_BENCH_SECONDS (default 30); then CH_BENCH_RUNS (default 3) full runs
# of each, interleaved, are timed from the first byte to the last row
# stored, and their rows counted: samples/s = flow samples stored / wall
# seconds, the fastest run of each side counts (as in run.sh: on a shared
# machine), and a run that lost a sample fails the bench.  Ours also stores the counter samples (one per datagram) in
# the counters table; the baseline stores flows only.
#
# usage: sh tests/bench/clickhouse_bench.sh BIN_DIR
set -u
BIN=$(cd "${1:?usage: sh tests/bench/clickhouse_bench.sh BIN_DIR}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${CH_BENCH_SECONDS:-30}
G=${CH_BENCH_DATAGRAMS:-150000}
RUNS=${CH_BENCH_RUNS:-3}
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
# CPU milliseconds the shell's waited-for children used, from what 'times'
# wrote to FILE (its second line; 'times' runs in the shell itself, as a
# command substitution would count its own subshell's children only).
child_ms() {
    sed -n 2p "$1" | tr 'ms' '  ' | awk '{ printf "%d\n", ($1 * 60 + $2 + $3 * 60 + $4) * 1000 }'
}
# CPU milliseconds the server used.
server_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' \
        "/proc/$(cat "$T/bench/pid")/stat"
}
# run SIDE ROUNDS TABLE: prints "FLOW_ROWS MILLISECONDS CLIENT_CPU_MS SERVER_CPU_MS":
# the CPU of the pipeline's processes (the feed's cat and tail included,
# the same on both sides), and of the server while it ran (merges too).
run() {
    fresh
    times >"$T/times0"
    s0=$(server_ms) t0=$(now_ms)
    $1 "$2" || return 1
    t1=$(now_ms) s1=$(server_ms)
    times >"$T/times1"
    c0=$(child_ms "$T/times0") c1=$(child_ms "$T/times1")
    echo "$(chq $P "SELECT count() FROM $3") $((t1 - t0)) $((c1 - c0)) $((s1 - s0))"
}
# rounds SIDE TABLE: how many rounds of the capture last about SECS (a one-round calibration).
rounds() {
    set -- $(run "$1" 1 "$2")
    k=$(( $2 > 0 ? (SECS * 1000 + $2 / 2) / $2 : 1 ))
    [ $k -ge 1 ] && echo $k || echo 1
}
# check SIDE ROWS DATAGRAMS [STATS_ROWS]: a run that lost a sample fails the bench.
lost=0
check() {
    [ "$2" = $(($3 * 7)) ] && [ "$2" = "${4:-$2}" ] && return 0
    echo "$1 lost samples: $2 stored of $(($3 * 7))${4:+ (--stats: $4)}"
    lost=1
}
rate() { echo $(($1 * 1000 / $2)); }
line() {
    printf "%-46s %10s %10s %8s %14s\n" "$1" "$2" "$3" "$(($4 / 1000)).$(($4 % 1000 / 100))" \
        "$(rate "$3" "$4")"
}

o_k=$(rounds ours flows) b_k=$(rounds baseline flows_l)
o_n=$((o_k * G)) b_n=$((b_k * G))
# RUNS rounds of both, interleaved; each side's fastest run counts (one run on
# a shared machine says more about the neighbours than about the pipeline).
best_o="0 1" best_b="0 1" all="" cpu_o="" cpu_b=""
r=0
while [ $r -lt "$RUNS" ]; do
    r=$((r + 1))
    set -- $(run ours "$o_k" flows)
    check ours "$1" "$o_n" "$(sed -n 's/^  clickhouse rows flows \([0-9]*\) .*/\1/p' "$T/ours.err")"
    [ "$(rate $1 $2)" -gt "$(rate $best_o)" ] && best_o="$1 $2"
    all="$all ours $(rate $1 $2)"
    cpu_o="$cpu_o $1 $3 $4"
    set -- $(run baseline "$b_k" flows_l)
    check baseline "$1" "$b_n"
    [ "$(rate $1 $2)" -gt "$(rate $best_b)" ] && best_b="$1 $2"
    all="$all, baseline $(rate $1 $2);"
    cpu_b="$cpu_b $1 $3 $4"
done
printf "\nClickHouse inserts (clickhouse-server %s, one server on this machine; fastest of %s runs)\n" \
    "$(chq $P "SELECT version()")" "$RUNS"
printf "%-46s %10s %10s %8s %14s\n" "pipeline" "datagrams" "samples" "seconds" "samples/s"
set -- $best_o
line "sflowcollect --clickhouse (Native/HTTP)" "$o_n" "$1" "$2"
o_rate=$(rate $1 $2)
set -- $best_b
line "sflowcollect -l | clickhouse-client CSV" "$b_n" "$1" "$2"
b_rate=$(rate $1 $2)
printf "ratio ours/baseline: %s.%02d\n" $((o_rate / b_rate)) $((o_rate * 100 / b_rate % 100))
echo "every run (samples/s):$all"
# CPU per million samples over all runs: what the wall clock of a shared
# machine hides (a pipeline of more processes gets more of its time).
per_m() {
    echo "$@" | awk '{ for (i = 1; i <= NF; i += 3) { n += $i; c += $(i + 1); s += $(i + 2) } }
        END { printf "%.2f s (pipeline %.2f, server %.2f)", (c + s) / n * 1000, c / n * 1000, s / n * 1000 }'
}
echo "CPU per million samples: ours $(per_m $cpu_o); baseline $(per_m $cpu_b)"
exit $lost
