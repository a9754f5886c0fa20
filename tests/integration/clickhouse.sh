#!/bin/sh
# ClickHouse sink: every flow sample of sfgen's capture and of each capture
# in the shared corpus is one row of 'flows', with the scaled packet and
# byte totals of --stats and of sflowcollect -l (sampledPacketSize x
# meanSkipCount, per agent); counter samples with generic counters are rows
# of 'counters' (ifInOctets summed as -l prints them).  Then every query of
# docs/clickhouse.md runs against the server.  One server for the file.
: "${BIN:?}" "${TOP:?}"
T=$(mktemp -d /tmp/sflowkit-ch.XXXXXX)
cleanup() { ch_stop_all; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/integration/lib/clickhouse.sh"
fail=0

base=$((20000 + $$ % 15000))
H=$base P=$((base + 1))
ch_start a $H $P
URL=http://127.0.0.1:$H/

"$BIN/sfgen" -n 2000 --seed 5 -w "$T/sfgen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
set -- "$T/sfgen.pcap"
if [ -d "${SHARED:-}/corpus/files" ]; then
    set -- "$@" "$SHARED"/corpus/files/*.pcap
else
    echo "no shared corpus: sfgen's capture only"
fi

# Expected: FLOW lines of -l, and the --stats totals of each run.
: >"$T/lines"
rows=0 pkts=0 bytes=0
for f in "$@"; do
    "$BIN/sflowcollect" -r "$f" -l >>"$T/lines" 2>/dev/null
    "$BIN/sflowcollect" -r "$f" --clickhouse "$URL" --ch-batch-rows 1000 --stats \
        >/dev/null 2>"$T/err" || { echo "FAIL on $(basename "$f")"; cat "$T/err"; fail=1; }
    set -- $(sed -n 's/^  clickhouse rows flows \([0-9]*\) counters [0-9]* packets \([0-9]*\) bytes \([0-9]*\) .*/\1 \2 \3/p' "$T/err") "$@"
    [ $# -ge 3 ] || { echo "FAIL: no clickhouse line in --stats"; cat "$T/err"; exit 1; }
    rows=$((rows + $1)) pkts=$((pkts + $2)) bytes=$((bytes + $3))
    shift 3
    grep -q "inserted rows .* dropped 0 (rows 0) failed 0 " "$T/err" ||
        { echo "FAIL $(basename "$f"): not all inserted"; grep clickhouse "$T/err"; fail=1; }
done
lines=$(grep -c '^FLOW,' "$T/lines")
echo "$# captures: $lines FLOW lines; --stats: $rows rows, $pkts packets, $bytes bytes"
[ "$rows" = "$lines" ] || { echo "FAIL: --stats counts $rows flow rows, -l prints $lines"; fail=1; }

got=$(chq $P "SELECT count(), sum(packets), sum(bytes) FROM flows" | tr '\t' ' ')
[ "$got" = "$rows $pkts $bytes" ] ||
    { echo "FAIL: flows holds '$got', expected '$rows $pkts $bytes'"; fail=1; }

# Per agent, against -l, an independent renderer: rows and packets
# (meanSkipCount) always; bytes (sampledPacketSize x meanSkipCount) for
# sfgen's agents, whose samples carry only a sampled header (-l takes an
# IPv4 record's length over the header's frame length, and ignores 0:2's).
chq $P "CREATE TABLE want (agent String, n UInt64, p UInt64, b UInt64) ENGINE = Memory"
awk -F, '$1 == "FLOW" { n[$2]++; p[$2] += $20; b[$2] += $18 * $20 }
    END { for (a in n) printf "%s,%d,%.0f,%.0f\n", a, n[a], p[a], b[a] }' "$T/lines" |
    chq $P "INSERT INTO want FORMAT CSV"
chq $P "SELECT w.agent, w.n, h.n, w.p, h.p, w.b, h.b FROM
    (SELECT agent, n, p, b, if(position(agent, ':') = 0, concat('::ffff:', agent),
        IPv6NumToString(IPv6StringToNum(agent))) AS a FROM want) AS w
    ANY FULL OUTER JOIN
    (SELECT IPv6NumToString(agent) AS a, count() AS n, sum(packets) AS p, sum(bytes) AS b
        FROM flows GROUP BY agent) AS h USING a
    WHERE w.n != h.n OR w.p != h.p OR (w.agent LIKE '10.0.0.%' AND w.b != h.b)" >"$T/diff"
if [ -s "$T/diff" ]; then
    echo "FAIL: per-agent totals differ (agent, rows -l/flows, packets, bytes):"
    head -20 "$T/diff"
    fail=1
fi

# Counters: one row per counters sample with generic counters.
want=$(awk -F, '$1 == "CNTR" && $3 != 0 { n++; o += $8 } END { printf "%d %.0f\n", n, o }' "$T/lines")
got=$(chq $P "SELECT count(), sum(in_octets) FROM counters WHERE if_index != 0" | tr '\t' ' ')
[ "$got" = "$want" ] || { echo "FAIL: counters holds '$got', -l says '$want'"; fail=1; }

# No row twice: (agent, sub-agent, source, sequence) is unique in sfgen's capture.
dup=$(chq $P "SELECT count() - uniqExact(agent, sub_agent, source_index, seq) FROM flows
    WHERE replaceRegexpOne(IPv6NumToString(agent), '^::ffff:', '') LIKE '10.0.0.%'")
[ "$dup" = 0 ] || { echo "FAIL: $dup sfgen samples stored twice"; fail=1; }

# The schema in docs/clickhouse.md is the tables' own, column by column.
for t in flows counters; do
    chq $P "DESCRIBE TABLE $t" | awk -F'\t' '{ print $1, $2 }' >"$T/desc.$t"
    awk -v t="$t" '/^### / { on = ($2 == t) } on && /^\| `/ { gsub(/[`|]/, " "); print $1, $2 }' \
        "$TOP/docs/clickhouse.md" >"$T/doc.$t"
    cmp -s "$T/desc.$t" "$T/doc.$t" ||
        { echo "FAIL: docs/clickhouse.md's $t columns differ from the table's"; diff "$T/desc.$t" "$T/doc.$t"; fail=1; }
done

# The documented queries: each runs, and those with a known answer give it.
awk '/^```sql/ { q = ""; on = 1; next } /^```/ && on { print q; print "@@"; on = 0; next }
    on { q = q " " $0 }' "$TOP/docs/clickhouse.md" >"$T/queries"
n=0
while IFS= read -r q; do
    [ "$q" = "@@" ] && continue
    n=$((n + 1))
    if ! chq $P "$q" >"$T/q$n.out" 2>"$T/q$n.err"; then
        echo "FAIL: query $n of docs/clickhouse.md:"; echo "$q"; cat "$T/q$n.err"; fail=1
    elif [ ! -s "$T/q$n.out" ]; then
        echo "FAIL: query $n of docs/clickhouse.md returned nothing:"; echo "$q"; fail=1
    fi
done <"$T/queries"
echo "docs/clickhouse.md: $n queries run"
[ $n -ge 10 ] || { echo "FAIL: fewer than 10 queries in docs/clickhouse.md"; fail=1; }
exit $fail
