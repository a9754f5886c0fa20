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

# The sink loads libcurl when --clickhouse asks for it (collector/ch_curl.c):
# every other run of the collector starts without it.
if ldd "$BIN/sflowcollect" | grep -q libcurl; then
    echo "FAIL: sflowcollect is linked with libcurl"
    fail=1
fi

base=$((20000 + $$ % 15000))
H=$base P=$((base + 1))
ch_start a $H $P
URL=http://127.0.0.1:$H/

# The tables come at start, before any sample.
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $((base + 2)) -q --clickhouse "$URL" 2>"$T/err" &
cpid=$!
i=0
until [ "$(chq $P "EXISTS TABLE counters" 2>/dev/null)" = 1 ] || [ $i -ge 50 ]; do
    i=$((i + 1))
    sleep 0.1
done
kill $cpid
wait $cpid
[ "$(chq $P "EXISTS TABLE flows")$(chq $P "EXISTS TABLE counters")" = 11 ] ||
    { echo "FAIL: no tables at start"; cat "$T/err"; fail=1; }

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

# Tunnels: the VXLAN capture's inner packet, as the text output opens it.
vx="${SHARED:-}/corpus/files/akvorado__data-encap-vxlan.pcap"
if [ -f "$vx" ]; then
    "$BIN/sflowcollect" -r "$vx" >"$T/vx.txt" 2>/dev/null
    v() { sed -n "s/^$1 //p" "$T/vx.txt" | head -n 1; }
    want="1 $(v tunnelVNI) $(chq $P "SELECT IPv6NumToString(IPv6StringToNum('$(v inner_srcIP6)')),
        IPv6NumToString(IPv6StringToNum('$(v inner_dstIP6)'))" | tr '\t' ' ') $(v inner_IPProtocol)"
    got=$(chq $P "SELECT tunnel, vni, IPv6NumToString(inner_src_ip), IPv6NumToString(inner_dst_ip),
        inner_proto FROM flows WHERE tunnel = 1 AND vni = $(v tunnelVNI) LIMIT 1" | tr '\t' ' ')
    echo "VXLAN row: $got"
    [ "$got" = "$want" ] || { echo "FAIL: VXLAN columns '$got', text says '$want'"; fail=1; }
fi

# Extended gateway (0:1003): src_as and dst_as of every flow sample, in a
# database of their own, as sflowtool 6.11 reports them (src_as, the AS
# path's last; 0 0 without the record).
ref="${SHARED:-}/corpus/expected/sflowtool-6.11"
if [ -d "$ref" ]; then
    chq $P "CREATE DATABASE gw"
    : >"$T/gw.want"
    for n in akvorado__data-1140 tcpdump__sflow_expanded gopacket__SFlowTestPacket2; do
        "$BIN/sflowcollect" -r "$SHARED/corpus/files/$n.pcap" --clickhouse "${URL}?database=gw" \
            2>"$T/err" || { echo "FAIL: $n into gw"; cat "$T/err"; fail=1; }
        awk '/^sampleType / { if (s != "") print s, a, d; s = ""; flow = ($2 == "FLOWSAMPLE") }
            flow && /^sampleSequenceNo / { s = $2; a = 0; d = 0 }
            flow && /^src_as / { a = $2 } flow && /^dst_as / { d = $2 }
            END { if (s != "") print s, a, d }' "$ref/$n.txt" >>"$T/gw.want"
    done
    sort "$T/gw.want" -o "$T/gw.want"
    chq $P "SELECT seq, src_as, dst_as FROM gw.flows" | tr '\t' ' ' | sort >"$T/gw.have"
    echo "gateway AS: $(grep -vc ' 0 0$' "$T/gw.have") of $(wc -l <"$T/gw.have") samples with AS numbers"
    if ! cmp -s "$T/gw.want" "$T/gw.have" || ! grep -q ' 203476 203361$' "$T/gw.have"; then
        echo "FAIL: src_as/dst_as differ from sflowtool's (seq src_as dst_as):"
        diff "$T/gw.want" "$T/gw.have" | head; fail=1
    fi
fi

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

# GeoIP columns, in a database of their own (a URL parameter): the same
# countries and AS numbers as -L prints, sample for sample.
if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
    cat >"$T/mkdb.pl" <<'PL'
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;
my %types = (country => 'map', iso_code => 'utf8_string', autonomous_system_number => 'uint32');
for my $kind ('Country', 'ASN') {
    my $t = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 28,
        database_type => "GeoLite2-$kind", languages => ['en'],
        description => { en => 'sflowkit clickhouse test' },
        map_key_type_callback => sub { $types{ $_[0] } }, remove_reserved_networks => 0);
    for (['172.16.0.0/12', 'DE', 64500], ['142.0.0.0/8', 'US', 64501]) {
        my ($net, $cc, $as) = @$_;
        $t->insert_network($net, $kind eq 'ASN' ? { autonomous_system_number => $as }
            : { country => { iso_code => $cc } });
    }
    open(my $fh, '>:raw', "$ARGV[0]/$kind.mmdb") or die $!;
    $t->write_tree($fh);
    close($fh) or die $!;
}
PL
    perl "$T/mkdb.pl" "$T" || { echo "FAIL: building the GeoIP databases"; exit 1; }
    geo="--geoip-country $T/Country.mmdb --geoip-asn $T/ASN.mmdb"
    chq $P "CREATE DATABASE geo"
    # shellcheck disable=SC2086
    "$BIN/sflowcollect" -r "$T/sfgen.pcap" $geo --clickhouse "${URL}?database=geo" 2>"$T/err" ||
        { echo "FAIL: GeoIP run"; cat "$T/err"; fail=1; }
    # shellcheck disable=SC2086
    "$BIN/sflowcollect" -r "$T/sfgen.pcap" $geo -L srcCountry,srcAS,dstCountry,dstAS |
        awk -F, '{ printf "%s %d %s %d\n", $1 == "" ? "-" : $1, $2, $3 == "" ? "-" : $3, $4 }' |
        sort | uniq -c | awk '{ print $2, $3, $4, $5, $1 }' | sort >"$T/geo.want"
    chq $P "SELECT if(src_country = toFixedString('', 2), '-', toStringCutToZero(src_country)), src_as,
        if(dst_country = toFixedString('', 2), '-', toStringCutToZero(dst_country)), dst_as, count()
        FROM geo.flows GROUP BY src_country, src_as, dst_country, dst_as" |
        tr '\t' ' ' | sort >"$T/geo.have"
    if ! cmp -s "$T/geo.want" "$T/geo.have" || ! grep -q "^DE 64500 US 64501 " "$T/geo.have"; then
        echo "FAIL: GeoIP columns differ from -L (country AS country AS samples):"
        diff "$T/geo.want" "$T/geo.have" | head; fail=1
    fi
else
    echo "no MaxMind::DB::Writer: GeoIP columns not checked"
fi

# --ch-ttl-days: every stored day is older than a day (capture times), so
# the collector drops every partition before its first insert; what it
# inserts then stays (until the next hourly pass).
"$BIN/sfgen" -n 5 --seed 6 -w "$T/small.pcap" 2>/dev/null
"$BIN/sflowcollect" -r "$T/small.pcap" --clickhouse "$URL" --ch-ttl-days 1 --stats \
    2>"$T/err" >/dev/null
dropped=$(sed -n 's/^  clickhouse http.* partitions_dropped \([0-9]*\)$/\1/p' "$T/err")
left=$(chq $P "SELECT (SELECT count() FROM flows) + (SELECT count() FROM counters)")
echo "--ch-ttl-days 1: $dropped partitions dropped, $left rows left"
new=$(sed -n 's/^  clickhouse http.* inserted rows \([0-9]*\) .*/\1/p' "$T/err")
[ "${dropped:-0}" -gt 0 ] && [ "$left" = "$new" ] || { echo "FAIL: --ch-ttl-days"; cat "$T/err"; fail=1; }
exit $fail
