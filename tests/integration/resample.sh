#!/bin/sh
# -R N samples a capture of raw packets into sFlow with the agent's sampler
# and datagram builder: with -R 1 every packet becomes a flow sample whose
# addresses are the packet's (tshark reads the raw capture), also when the
# datagrams are forwarded (-f) to a second sflowcollect; -R 10 samples
# about one in ten, with rate 10 and a pool that counts every packet read.
# -P X (replay speed) changes no output.
: "${BIN:?}"
for t in tshark jq; do command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }; done
tmp=$(mktemp -d /tmp/sflowkit-resample.XXXXXX)
lpid=
cleanup() {
    [ -n "$lpid" ] && { kill -TERM "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null; }
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
port=$((30000 + $$ % 20000))

# Raw packets: the sampled headers of a generated sFlow capture.
"$BIN/sfgen" -n 100 --seed 9 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
"$BIN/sflowcollect" -r "$tmp/gen.pcap" -t -w "$tmp/raw.pcap" || { echo "FAIL: -t"; exit 1; }
tshark -r "$tmp/raw.pcap" -T fields -E occurrence=f -e ip.src -e ip.dst 2>/dev/null | sort >"$tmp/want"
frames=$(wc -l <"$tmp/want")
[ "$frames" -gt 0 ] || { echo "FAIL: no raw packets"; exit 1; }

# ips FILE: "srcIP dstIP" of each FLOW line of sflowtool -l output.
ips() { awk -F, '$1 == "FLOW" { print $10 "\t" $11 }' "$1" | sort; }

"$BIN/sflowcollect" -R 1 -r "$tmp/raw.pcap" -l >"$tmp/r1" || { echo "FAIL: -R 1"; fail=1; }
ips "$tmp/r1" >"$tmp/got"
cmp -s "$tmp/got" "$tmp/want" ||
    { echo "FAIL -R 1: $(wc -l <"$tmp/got") samples, want the $frames packets"; fail=1; }

# The same datagrams forwarded to another collector.
"$BIN/sflowcollect" -p $port -b 127.0.0.1 -l >"$tmp/fwd" 2>"$tmp/fwd.err" &
lpid=$!
sleep 1
"$BIN/sflowcollect" -R 1 -r "$tmp/raw.pcap" -f "127.0.0.1/$port" || { echo "FAIL: -R 1 -f"; fail=1; }
# The receiver may be slow to print on a loaded machine: wait (10 s at most)
# until it has printed every sample, rather than a fixed time.
i=0
while [ $i -lt 100 ] && [ "$(ips "$tmp/fwd" | wc -l)" -lt "$frames" ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -TERM $lpid; wait $lpid 2>/dev/null
lpid=
ips "$tmp/fwd" >"$tmp/got"
cmp -s "$tmp/got" "$tmp/want" ||
    { echo "FAIL -R 1 -f: $(wc -l <"$tmp/got") samples arrived of $frames"; fail=1; }

# -R 10: about a tenth (a loose bound: the skips are random), rate and pool.
set -- $("$BIN/sflowcollect" -R 10 -r "$tmp/raw.pcap" -j | jq -s -r '
    [ .[].samples[]? | select(.sampleType == "FLOWSAMPLE") ] as $s
    | [ ($s | length), ($s | map(.meanSkipCount) | unique | join(",")),
        ($s | last | .samplePool) ] | map(tostring) | join(" ")')
n=$1 rates=$2 pool=$3
[ "$n" -gt $((frames / 30)) ] && [ "$n" -lt $((frames / 3)) ] ||
    { echo "FAIL -R 10: $n samples of $frames packets"; fail=1; }
[ "$rates" = 10 ] || { echo "FAIL -R 10: sampling rates '$rates'"; fail=1; }
[ "$pool" -le "$frames" ] && [ "$pool" -gt $((frames - 100)) ] ||
    { echo "FAIL -R 10: last pool $pool of $frames packets"; fail=1; }

# -P: the same output, only paced (the capture spans 50 ms; 4x is quick).
"$BIN/sflowcollect" -r "$tmp/gen.pcap" -l >"$tmp/p0"
"$BIN/sflowcollect" -r "$tmp/gen.pcap" -l -P 4 >"$tmp/p4"
cmp -s "$tmp/p0" "$tmp/p4" || { echo "FAIL -P 4 changes the output"; fail=1; }
# -P takes a number above 0, whole: "2x", "nan", "inf", "0", "-1" and "" are refused (exit 2),
# before any capture is read (none is there: a -P taken by mistake cannot replay for long).
for bad in 2x nan inf 0 -1 ""; do
    rc=0
    "$BIN/sflowcollect" -r "$tmp/absent.pcap" -q -P "$bad" 2>"$tmp/perr" || rc=$?
    [ $rc = 2 ] && grep -q -- "-P wants a speed" "$tmp/perr" ||
        { echo "FAIL: -P '$bad' exit $rc: $(cat "$tmp/perr")"; fail=1; }
done
if "$BIN/sflowcollect" -R 5 -q 2>/dev/null; then echo "FAIL: -R without -r accepted"; fail=1; fi
[ $fail = 0 ] && echo "resample: ok ($frames packets, -R 10 took $n)"
exit $fail
