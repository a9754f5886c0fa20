#!/bin/sh
# ClickHouse sink over two nodes (--clickhouse twice): each agent's rows
# all on one node, no agent on both, and together every row of --stats.
: "${BIN:?}" "${TOP:?}"
T=$(mktemp -d /tmp/sflowkit-chcluster.XXXXXX)
cleanup() { ch_stop_all; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/integration/lib/clickhouse.sh"
fail=0

base=$((20000 + $$ % 15000))
ch_start a $base $((base + 1))
ch_start b $((base + 2)) $((base + 3))
PA=$((base + 1)) PB=$((base + 3))

"$BIN/sfgen" -n 800 --agents 8 --seed 12 -w "$T/g.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
"$BIN/sflowcollect" -r "$T/g.pcap" --clickhouse "http://127.0.0.1:$base/" \
    --clickhouse "http://127.0.0.1:$((base + 2))/" --stats 2>"$T/err" >/dev/null ||
    { echo "FAIL: collector"; cat "$T/err"; exit 1; }
rows=$(sed -n 's/^  clickhouse rows flows \([0-9]*\) counters \([0-9]*\) .*/\1 \2/p' "$T/err")
agents() {
    chq "$1" "SELECT IPv6NumToString(agent), count() FROM flows GROUP BY agent ORDER BY agent" |
        tr '\t' ' '
}
agents $PA >"$T/agents.a"
agents $PB >"$T/agents.b"
echo "node a: $(cut -d' ' -f1 "$T/agents.a" | tr '\n' ' ')"
echo "node b: $(cut -d' ' -f1 "$T/agents.b" | tr '\n' ' ')"
[ -s "$T/agents.a" ] && [ -s "$T/agents.b" ] || { echo "FAIL: a node got no agent"; fail=1; }
[ -z "$(cut -d' ' -f1 "$T/agents.a" "$T/agents.b" | sort | uniq -d)" ] || { echo "FAIL: an agent on both nodes"; fail=1; }
[ "$(cat "$T/agents.a" "$T/agents.b" | wc -l)" = 8 ] || { echo "FAIL: want 8 agents"; fail=1; }
got="$(( $(chq $PA "SELECT count() FROM flows") + $(chq $PB "SELECT count() FROM flows") ))"
got="$got $(( $(chq $PA "SELECT count() FROM counters") + $(chq $PB "SELECT count() FROM counters") ))"
echo "rows (flows counters): --stats $rows, nodes together $got"
[ "$got" = "$rows" ] || { echo "FAIL: rows on the nodes"; fail=1; }
# Counter rows follow their agent.
for n in $PA $PB; do
    [ "$(chq $n "SELECT count() FROM counters WHERE agent NOT IN (SELECT agent FROM flows)")" = 0 ] ||
        { echo "FAIL: counter rows away from their agent's flows"; fail=1; }
done
exit $fail
