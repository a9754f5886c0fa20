#!/bin/sh
# --rrd and --graph against the real rrdtool: sfgen writes counter samples
# whose counters grow by random amounts; every agent/ifIndex of the CNTR
# lines gets its file, 'rrdtool lastupdate' shows the last sample's raw
# counters, 'rrdtool fetch' shows the rates the samples imply (counter
# deltas spread over the time between samples, averaged per 20 s row), a
# second run over the same capture adds nothing, rrdcached (if installed)
# stores the same, and --graph draws a PNG.
: "${BIN:?}" "${TOP:?}"
command -v rrdtool >/dev/null 2>&1 || { echo "rrdtool not installed"; exit 77; }
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-rrd.XXXXXX)
dpid=
cleanup() { [ -n "$dpid" ] && kill "$dpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0

# rrd_graph's fonts (fontconfig, pango) keep memory to the end; those
# stacks only show librrd with the slow unwinder.
export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}:fast_unwind_on_malloc=0"

# Two agents, three interfaces each, all three in every datagram, one
# datagram per agent every 10.000666 s (times with microseconds) for 50
# minutes: 300 samples per interface.
"$BIN/sfgen" -n 600 --interval-us 5000333 --agents 2 --ifaces 3 --counter-samples 3 \
    --flow-samples 1 -w "$tmp/c.pcap" 2>"$tmp/gen" || { cat "$tmp/gen"; exit 1; }
# A colon in the directory: --graph must escape it for rrd_graph.
dir="$tmp/rrd:1"
"$BIN/sflowcollect" -r "$tmp/c.pcap" --rrd "$dir" -q --stats 2>"$tmp/s1" ||
    { echo "FAIL --rrd"; cat "$tmp/s1"; exit 1; }
grep -q "^rrd: 6 files, 6 created, 1800 updates, 0 skipped .* 0 errors" "$tmp/s1" ||
    { echo "FAIL stats"; grep rrd: "$tmp/s1"; fail=1; }

"$BIN/sflowcollect" -r "$tmp/c.pcap" -l | awk -F, '$1 == "CNTR" { print $2, $3 }' |
    sort -u >"$tmp/ifaces"
[ "$(wc -l <"$tmp/ifaces")" -eq 6 ] || { echo "FAIL want 6 interfaces"; cat "$tmp/ifaces"; fail=1; }
"$BIN/sflowcollect" -r "$tmp/c.pcap" \
    -L unixSecondsUTC,unixSecondsUTC_uS,agent,ifIndex,ifInOctets,ifOutOctets,ifInUcastPkts,ifOutUcastPkts |
    awk -F, 'NF == 8 && $5 != ""' >"$tmp/samples"

checked=0
while read -r agent ifi; do
    f="$dir/$agent/if$ifi.rrd"
    [ -f "$f" ] || { echo "FAIL no $f"; fail=1; continue; }
    grep ",$agent,$ifi," "$tmp/samples" >"$tmp/one"

    # Raw counters of the last update = the last sample's.
    want=$(tail -n 1 "$tmp/one" | awk -F, '{ print $1 ": " $5, $6, $7, $8 }')
    got=$(rrdtool lastupdate "$f" | tail -n 1 | awk '{ print $1, $2, $3, $4, $5 }')
    [ "$got" = "$want" ] || { echo "FAIL $f lastupdate '$got', want '$want'"; fail=1; }

    # Each 20 s row ending at T averages, over (T-20, T], the rates between
    # consecutive samples; the packet counters are 32 bits wide.
    first=$(head -n 1 "$tmp/one" | cut -d, -f1)
    last=$(tail -n 1 "$tmp/one" | cut -d, -f1)
    rrdtool fetch "$f" AVERAGE -r 20 -s "$first" -e "$last" >"$tmp/fetch" ||
        { echo "FAIL fetch $f"; fail=1; continue; }
    n=$(awk -F, -v first="$first" -v last="$last" '
        FNR == NR {
            t[NR] = $1 + $2 / 1e6
            for (k = 0; k < 4; k++) c[NR, k] = $(5 + k)
            ns = NR
            next
        }
        $1 ~ /^[0-9]+:$/ {
            T = $1 + 0
            if (T - 20 < first || T > last)
                next
            split($0, f, " ")
            for (k = 0; k < 4; k++) {
                sum = 0
                for (i = 1; i < ns; i++) {
                    lo = t[i] > T - 20 ? t[i] : T - 20
                    hi = t[i + 1] < T ? t[i + 1] : T
                    if (hi <= lo)
                        continue
                    d = c[i + 1, k] - c[i, k]
                    if (k >= 2 && d < 0)
                        d += 4294967296
                    sum += d / (t[i + 1] - t[i]) * (hi - lo)
                }
                want = sum / 20
                got = f[2 + k] + 0
                if (f[2 + k] ~ /nan/ || (got - want) ^ 2 > (1e-6 * want) ^ 2 + 1e-12) {
                    printf "row %d ds %d: got %s want %.6f\n", T, k, f[2 + k], want > "/dev/stderr"
                    bad = 1
                }
            }
            rows++
        }
        END { print bad ? -1 : rows + 0 }' FS=, "$tmp/one" FS=' ' "$tmp/fetch")
    if [ "$n" -lt 140 ]; then
        echo "FAIL $f: fetched rates (checked rows: $n)"
        fail=1
    fi
    checked=$((checked + n))
done <"$tmp/ifaces"
echo "checked $checked fetched rows against the sample deltas"

# Run again: every sample is at or before the last update of its file.
"$BIN/sflowcollect" -r "$tmp/c.pcap" --rrd "$dir" -q --stats 2>"$tmp/s2" || fail=1
grep -q "^rrd: 6 files, 0 created, 0 updates, 1800 skipped .* 0 errors" "$tmp/s2" ||
    { echo "FAIL second run"; grep rrd: "$tmp/s2"; fail=1; }

# Through rrdcached: the same files, flushed when the capture ends.
if command -v rrdcached >/dev/null 2>&1; then
    mkdir "$tmp/journal"
    rrdcached -g -l "unix:$tmp/sock" -p "$tmp/rrdcached.pid" -j "$tmp/journal" \
        -w 3600 -f 7200 >"$tmp/daemon.log" 2>&1 &
    dpid=$!
    i=0
    while [ ! -S "$tmp/sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    "$BIN/sflowcollect" -r "$tmp/c.pcap" --rrd "$tmp/cached" --rrdcached "unix:$tmp/sock" \
        -q --stats 2>"$tmp/s3" || fail=1
    grep -q "^rrd: 6 files, 6 created, 1800 updates, 0 skipped .* 0 errors" "$tmp/s3" ||
        { echo "FAIL rrdcached run"; cat "$tmp/s3" "$tmp/daemon.log"; fail=1; }
    while read -r agent ifi; do
        for m in AVERAGE MAX; do
            a=$(rrdtool fetch "$dir/$agent/if$ifi.rrd" $m -r 3600 -s 1699999200 -e 1700003600)
            b=$(rrdtool fetch "$tmp/cached/$agent/if$ifi.rrd" $m -r 3600 -s 1699999200 -e 1700003600)
            [ "$a" = "$b" ] || { echo "FAIL rrdcached $agent if$ifi $m differs"; fail=1; }
        done
        a=$(rrdtool lastupdate "$dir/$agent/if$ifi.rrd")
        b=$(rrdtool lastupdate "$tmp/cached/$agent/if$ifi.rrd")
        [ "$a" = "$b" ] || { echo "FAIL rrdcached $agent if$ifi lastupdate"; fail=1; }
    done <"$tmp/ifaces"
    kill "$dpid"
    wait "$dpid" 2>/dev/null
    dpid=
else
    echo "rrdcached not installed: --rrdcached not tested"
fi

# Hand-made datagrams from an IPv6 agent: expanded and compact counter
# samples, one older than the file's last update (skipped), and counters
# the agent does not have (all ones: unknown).
hex() { printf "%0${2:-8}x" "$1"; }
le32() { hex "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'; }
# generic counters of ifIndex 7: inOctets outOctets inUcast inDiscards
generic() {
    printf '00000001%s' "$(hex 88)"
    printf '00000007%s%s%s%s' "$(hex 6)" "$(hex 1000000000 16)" "$(hex 1)" "$(hex 3)"
    printf '%s%s%s%s%s%s%s' "$1" "$(hex "$3")" "$(hex 5)" "$(hex 1)" "$4" "$(hex 0)" "$(hex 0)"
    printf '%s%s%s%s%s%s%s' "$2" "$(hex 20)" "$(hex 5)" "$(hex 1)" "$(hex 0)" "$(hex 0)" "$(hex 0)"
}
# frame SECONDS SEQ SAMPLE_TYPE GENERIC_HEX
frame() {
    if [ "$3" = 4 ]; then
        smp="$(hex 4)$(hex 112)$(hex "$2")$(hex 0)$(hex 7)$(hex 1)$4"
    else
        smp="$(hex 2)$(hex 108)$(hex "$2")$(hex 7)$(hex 1)$4"
    fi
    sf="$(hex 5)$(hex 2)20010db8000000000000000000000005$(hex 0)$(hex "$2")$(hex 1000)$(hex 1)$smp"
    n=$(( ${#sf} / 2 ))
    printf '%s%s%s%s' "$(le32 "$1")" "$(le32 0)" "$(le32 $((n + 28)))" "$(le32 $((n + 28)))"
    printf '4500%s000040004011%s' "$(hex $((n + 28)) 4)" "0000c0000205c0000201"
    printf '04d218bd%s0000%s' "$(hex $((n + 8)) 4)" "$sf"
}
ones32=ffffffff
ones64=ffffffffffffffff
{
    printf 'd4c3b2a1020004000000000000000000ffff000065000000'
    frame 1700000000 1 4 "$(generic "$(hex 1000 16)" "$(hex 2000 16)" 10 "$(hex 0)")"
    frame 1700000020 2 2 "$(generic "$(hex 11000 16)" "$(hex 6000 16)" 210 "$(hex 0)")"
    frame 1700000010 3 2 "$(generic "$(hex 5000 16)" "$(hex 4000 16)" 110 "$(hex 0)")"
    frame 1700000040 4 2 "$(generic "$(hex 21000 16)" $ones64 410 $ones32)"
} | awk '{
    for (i = 1; i < length($0); i += 2) {
        d = "0123456789abcdef"
        printf "\\%03o", (index(d, substr($0, i, 1)) - 1) * 16 + index(d, substr($0, i + 1, 1)) - 1
    } }' >"$tmp/v6.oct"
printf "$(cat "$tmp/v6.oct")" >"$tmp/v6.pcap"
"$BIN/sflowcollect" -r "$tmp/v6.pcap" --rrd "$tmp/v6" -q --stats 2>"$tmp/s4" || fail=1
grep -q "^rrd: 1 files, 1 created, 3 updates, 1 skipped .* 2 unknown values, 0 errors" "$tmp/s4" ||
    { echo "FAIL IPv6 agent run"; cat "$tmp/s4"; fail=1; }
f="$tmp/v6/2001:db8::5/if7.rrd"
got=$(rrdtool lastupdate "$f" | tail -n 1 | awk '{ print $1, $2, $3, $4, $10 }')
[ "$got" = "1700000040: 21000 U 410 U" ] || { echo "FAIL IPv6 lastupdate '$got'"; fail=1; }
# Row 1700000040 covers (20, 40]: 500 octets/s in, out unknown, 10 packets/s.
got=$(rrdtool fetch "$f" AVERAGE -r 20 -s 1700000020 -e 1700000040 | grep '^1700000040:' |
    awk '{ printf "%g %s %g", $2, $3, $4 }')
case $got in
"500 "*nan*" 10") ;;
*) echo "FAIL IPv6 fetch '$got'"; fail=1 ;;
esac
"$BIN/sflowcollect" --graph "$tmp/v6" --agent 2001:0db8:0::5 --if 7 --out "$tmp/v6.png" 2>"$tmp/g.err" ||
    { echo "FAIL --graph of an IPv6 agent"; cat "$tmp/g.err"; fail=1; }

# The graph of the first interface.
set -- $(head -n 1 "$tmp/ifaces")
"$BIN/sflowcollect" --graph "$dir" --agent "$1" --if "$2" --out "$tmp/g.png" 2>"$tmp/g.err" ||
    { echo "FAIL --graph"; cat "$tmp/g.err"; fail=1; }
magic=$(od -An -tx1 -N8 "$tmp/g.png" 2>/dev/null | tr -d ' \n')
size=$(wc -c <"$tmp/g.png" 2>/dev/null || echo 0)
[ "$magic" = 89504e470d0a1a0a ] || { echo "FAIL not a PNG: $magic"; fail=1; }
[ "$size" -gt 10000 ] || { echo "FAIL PNG of $size bytes"; fail=1; }
echo "graph: $size bytes"
if "$BIN/sflowcollect" --graph "$dir" --agent "$1" --if 999 --out "$tmp/h.png" 2>/dev/null; then
    echo "FAIL --graph of an interface without a file succeeded"
    fail=1
fi
if "$BIN/sflowcollect" --graph "$dir" --agent ../.. --if 1 --out "$tmp/h.png" 2>/dev/null; then
    echo "FAIL --graph took a path as agent"
    fail=1
fi

exit $fail
