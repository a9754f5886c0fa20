#!/bin/sh
# NetFlow v5 export against a real nfcapd (Debian nfdump 1.7): every
# exportable flow sample arrives, with the expected scaled packet and byte
# totals and no sequence failures; -s sends raw counts with the rate in the
# header (checked with nfcapd's own scaling and with 'nfcapd -s -1', which
# ignores it); --nf-aggregate sends fewer records with the same totals; an
# IPv6 collector address works.
#
# The expected figures come from sflowcollect's JSON output (-j), read with
# jq, not from the exporter: per flow sample, the first IPv4 packet (a
# sampled header's srcIP or a 0:3 record's), its IPSize (ip.tot_len if the
# agent's frame length leaves none) and meanSkipCount.
: "${BIN:?}"
for t in nfcapd nfdump jq; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
tmp=$(mktemp -d /tmp/sflowkit-nf.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
port=$((30000 + $$ % 20000))

# Input: the shared corpus in one capture (so that one exporter run sees
# every agent), plus a generated capture; without the corpus, the latter.
"$BIN/sfgen" -n 300 --seed 7 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
inputs="$tmp/gen.pcap"
if [ -d "$SHARED/corpus/files" ] && command -v mergecap >/dev/null 2>&1; then
    mergecap -a -F pcap -w "$tmp/corpus.pcap" "$SHARED"/corpus/files/*.pcap ||
        { echo "mergecap failed"; exit 1; }
    inputs="$tmp/corpus.pcap $inputs"
fi

# expect FILE: prints "v4 v6 none scaled_pkts scaled_bytes raw_pkts raw_bytes".
expect() {
    "$BIN/sflowcollect" -r "$1" -j 2>/dev/null | jq -c '
      .samples[]? | select(.sampleType == "FLOWSAMPLE")
      | (if (.meanSkipCount // 0) > 0 then .meanSkipCount else 1 end) as $r
      | ([ .elements[]? | select(has("srcIP")) ][0]) as $e
      | if $e != null then
          { k: "v4", r: $r,
            b: (if ($e.IPSize // 0) > 0 then $e.IPSize else ($e["ip.tot_len"] // 0) end) }
        elif any(.elements[]?; has("srcIP6")) then { k: "v6" }
        else { k: "none" } end' |
    jq -s -r '[ .[] | select(.k == "v4") ] as $v
      | [ ($v | length), ([ .[] | select(.k == "v6") ] | length),
          ([ .[] | select(.k == "none") ] | length),
          ($v | map(.r) | add // 0), ($v | map(.r * .b) | add // 0),
          ($v | map(if .r > 16383 then .r else 1 end) | add // 0),
          ($v | map(if .r > 16383 then .r * .b else .b end) | add // 0) ] | map(tostring) | join(" ")'
}

# run NAME FILE "NFCAPD OPTIONS" SFLOWCOLLECT-OPTIONS...: exports FILE to a
# fresh nfcapd, leaves its summary in $tmp/NAME.sum and the exporter's
# statistics in $tmp/NAME.stats.
run() {
    name=$1 file=$2 nfopts=$3
    shift 3
    mkdir -p "$tmp/$name"
    # shellcheck disable=SC2086
    nfcapd $nfopts -p $port -w "$tmp/$name" >"$tmp/$name.log" 2>&1 &
    pid=$!
    sleep 0.5
    "$BIN/sflowcollect" -r "$file" -q --stats "$@" -d $port 2>"$tmp/$name.stats" ||
        { echo "FAIL $name: sflowcollect failed"; cat "$tmp/$name.stats"; fail=1; }
    sleep 0.5
    kill -TERM $pid
    wait $pid
    pid=
    nfdump -R "$tmp/$name" -I >"$tmp/$name.sum" 2>&1
}
val() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$2" | head -n 1; }
stat() { sed -n "s/.* $1 \([0-9]*\).*/\1/p" "$2" | head -n 1; }

check() {
    name=$1 flows=$2 pkts=$3 bytes=$4
    got="$(val Flows "$tmp/$name.sum") $(val Packets "$tmp/$name.sum") $(val Bytes "$tmp/$name.sum")"
    if [ "$got" != "$flows $pkts $bytes" ]; then
        echo "FAIL $name: nfdump flows/packets/bytes '$got', want '$flows $pkts $bytes'"
        cat "$tmp/$name.sum" "$tmp/$name.stats"
        fail=1
    fi
    seqf=$(val "Sequence failures" "$tmp/$name.sum")
    if [ "$seqf" != 0 ] || ! grep -q "Sequence Errors: 0," "$tmp/$name.log"; then
        echo "FAIL $name: sequence failures ($seqf)"
        cat "$tmp/$name.log"
        fail=1
    fi
}

i=0
for f in $inputs; do
    i=$((i + 1))
    # shellcheck disable=SC2046
    set -- $(expect "$f")
    v4=$1 v6=$2 none=$3 spk=$4 sby=$5 rpk=$6 rby=$7
    echo "$(basename "$f"): $v4 exportable samples, $v6 IPv6, $none without IP;" \
        "scaled $spk packets $sby bytes, raw $rpk packets $rby bytes"
    [ "$v4" -gt 0 ] || { echo "FAIL $f: no exportable sample"; fail=1; continue; }

    run "scaled$i" "$f" "-b 127.0.0.1" -c 127.0.0.1
    check "scaled$i" "$v4" "$spk" "$sby"
    s="$tmp/scaled$i.stats"
    [ "$(stat exported "$s")" = "$v4" ] || { echo "FAIL exported count"; cat "$s"; fail=1; }
    [ "$(stat ipv6_not_exportable "$s")" = "$v6" ] ||
        { echo "FAIL IPv6 samples not counted as not exportable"; cat "$s"; fail=1; }
    [ "$(stat not_ip "$s")" = "$none" ] || { echo "FAIL not_ip count"; cat "$s"; fail=1; }
    # Up to 30 records a packet: at most one part-filled packet per exporter.
    pk=$(stat packets "$s") ex=$(stat exporters "$s")
    [ "$pk" -le $(( (v4 + 29) / 30 + ex )) ] ||
        { echo "FAIL $pk packets for $v4 records and $ex exporters"; fail=1; }

    # -s: the rate goes in the header and nfcapd scales; 'nfcapd -s -1'
    # overrides the announced rate and shows the raw counts.
    run "raw$i" "$f" "-b 127.0.0.1" -c 127.0.0.1 -s
    check "raw$i" "$v4" "$spk" "$sby"
    run "rawnf$i" "$f" "-b 127.0.0.1 -s -1" -c 127.0.0.1 -s
    check "rawnf$i" "$v4" "$rpk" "$rby"

    # --nf-aggregate: fewer records (the generator repeats flows), same totals.
    run "agg$i" "$f" "-b 127.0.0.1" -c 127.0.0.1 --nf-aggregate
    aflows=$(val Flows "$tmp/agg$i.sum")
    check "agg$i" "$aflows" "$spk" "$sby"
    [ "${aflows:-0}" -gt 0 ] && [ "$aflows" -lt "$v4" ] ||
        { echo "FAIL aggregate: $aflows records for $v4 samples"; fail=1; }
    [ "$(stat merged "$tmp/agg$i.stats")" = $((v4 - aflows)) ] ||
        { echo "FAIL aggregate: merged count"; cat "$tmp/agg$i.stats"; fail=1; }
done

# The record's fields, from one generated sample: nfdump shows what the
# JSON said (addresses, ports, protocol, interfaces).
f="$tmp/gen.pcap"
want=$("$BIN/sflowcollect" -r "$f" -j 2>/dev/null | jq -r -s '
  [ .[].samples[]? | select(.sampleType == "FLOWSAMPLE")
    | . as $s | .elements[]? | select(has("srcIP") and has("TCPSrcPort"))
    | "\(.srcIP) \(.dstIP) \(.TCPSrcPort) \(.TCPDstPort) \($s.inputPort) \($s.outputPort)" ][0]')
got=$(nfdump -R "$tmp/scaled$i" -q -N -c 1000000 -o "fmt:%sa %da %sp %dp %in %out" 2>/dev/null |
    awk '{$1=$1; print}' | grep -F -x -c "$want")
[ "${got:-0}" -ge 1 ] || { echo "FAIL no nfdump record '$want'"; fail=1; }

# An IPv6 collector address.
if ip -6 addr show dev lo 2>/dev/null | grep -q "::1"; then
    run v6dest "$tmp/gen.pcap" "-6 -b ::1" -c ::1
    # shellcheck disable=SC2046
    set -- $(expect "$tmp/gen.pcap")
    check v6dest "$1" "$4" "$5"
else
    echo "no ::1: IPv6 collector address not tried"
fi
[ $fail = 0 ] && echo "sink_netflow: ok"
exit $fail
