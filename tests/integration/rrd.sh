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
trap cleanup EXIT INT TERM
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
