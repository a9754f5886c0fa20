#!/bin/sh
# ClickHouse sink over two nodes (--clickhouse twice): each agent's rows
# all on one node, no agent on both, and together every row of --stats.
# Then replicated tables: Debian's ZooKeeper on 127.0.0.1, two more servers
# as replicas, tables created by the collector with --ch-engine
# ReplicatedMergeTree; rows inserted through either replica reach both.
: "${BIN:?}" "${TOP:?}"
T=$(mktemp -d /tmp/sflowkit-chcluster.XXXXXX)
zpid=
cleanup() {
    ch_stop_all
    [ -n "$zpid" ] && kill "$zpid" 2>/dev/null && wait "$zpid" 2>/dev/null
    rm -rf "$T"
}
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

# ---- Replicated tables. ----
ZK_JAR=/usr/share/java/zookeeper.jar
if ! command -v java >/dev/null 2>&1 || [ ! -f $ZK_JAR ] || ! command -v ss >/dev/null 2>&1; then
    echo "zookeeper (or java, ss) missing: replicated tables not tested"
    exit $fail
fi
Z=$((base + 4))
mkdir -p "$T/zk"
printf 'tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nclientPort=%s\n%s\n' \
    "$T/zk" $Z "clientPortAddress=127.0.0.1
admin.enableServer=false" >"$T/zoo.cfg"
java -Xmx128m -cp $ZK_JAR org.apache.zookeeper.server.ZooKeeperServerMain "$T/zoo.cfg" \
    >"$T/zk.log" 2>&1 &
zpid=$!
i=0
until ss -Hltn "sport = :$Z" | grep -q .; do
    i=$((i + 1))
    [ $i -lt 300 ] || { echo "FAIL: zookeeper did not start"; cat "$T/zk.log"; exit 1; }
    sleep 0.1
done
for r in 1 2; do
    h=$((base + 4 + 3 * r)) p=$((base + 5 + 3 * r)) x=$((base + 6 + 3 * r))
    CH_EXTRA="<zookeeper><node><host>127.0.0.1</host><port>$Z</port></node></zookeeper>
    <macros><replica>r$r</replica></macros>
    <interserver_http_port>$x</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>" ch_start r$r $h $p
done
H1=$((base + 7)) P1=$((base + 8)) H2=$((base + 10)) P2=$((base + 11))
# Each replica's ZooKeeper session up first (slow on a loaded machine).
for p in $P1 $P2; do
    i=0
    until chq $p "SELECT count() FROM system.zookeeper WHERE path = '/'" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 300 ] || { echo "FAIL: replica on port $p has no ZooKeeper session"; exit 1; }
        sleep 0.1
    done
done
engine="ReplicatedMergeTree('/clickhouse/sflowkit/{table}', '{replica}')"
"$BIN/sfgen" -n 5 --seed 13 -w "$T/small.pcap" 2>/dev/null
"$BIN/sflowcollect" -r "$T/g.pcap" --clickhouse "http://127.0.0.1:$H1/" --ch-engine "$engine" \
    --stats 2>"$T/r1.err" >/dev/null || { echo "FAIL: collector to replica 1"; cat "$T/r1.err"; fail=1; }
"$BIN/sflowcollect" -r "$T/small.pcap" --clickhouse "http://127.0.0.1:$H2/" --ch-engine "$engine" \
    --stats 2>"$T/r2.err" >/dev/null || { echo "FAIL: collector to replica 2"; cat "$T/r2.err"; fail=1; }
n1=$(sed -n 's/^  clickhouse rows flows \([0-9]*\) .*/\1/p' "$T/r1.err")
n2=$(sed -n 's/^  clickhouse rows flows \([0-9]*\) .*/\1/p' "$T/r2.err")
want=$((n1 + n2))
i=0
while :; do
    c1=$(chq $P1 "SELECT count() FROM flows" 2>/dev/null)
    c2=$(chq $P2 "SELECT count() FROM flows" 2>/dev/null)
    [ "$c1" = $want ] && [ "$c2" = $want ] && break
    i=$((i + 1))
    [ $i -lt 150 ] || break
    sleep 0.2
done
echo "replicated: $n1 rows through replica 1, $n2 through replica 2; replicas hold $c1 and $c2"
[ "$c1" = $want ] && [ "$c2" = $want ] ||
    { echo "FAIL: replicas did not converge"; grep -h clickhouse "$T/r1.err" "$T/r2.err"; fail=1; }
chq $P1 "SELECT engine FROM system.tables WHERE name = 'flows'" | grep -q '^ReplicatedMergeTree$' ||
    { echo "FAIL: flows is not replicated"; fail=1; }
exit $fail
