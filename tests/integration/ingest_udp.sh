#!/bin/sh
# Live UDP on 127.0.0.1: `sflowcollect -t | tcpdump -r -` shows the sampled
# headers while the collector still runs (the pcap is flushed every tick),
# and -f forwards the live datagrams on to a second collector at the same
# time.  Every process is stopped by the PID this script started.
: "${BIN:?}"
command -v tcpdump >/dev/null 2>&1 || { echo "no tcpdump"; exit 77; }
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-ingest.XXXXXX)
apid= bpid=
cleanup() {
    [ -n "$apid" ] && kill "$apid" 2>/dev/null
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
pa=$((35000 + $$ % 15000)) pb=$((35001 + $$ % 15000))

. "$(dirname "$0")/lib/listening.sh"
packets() { grep -c '^[0-9][0-9]*\.[0-9]* ' "$1"; }

"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $pb -l >"$tmp/b.out" 2>"$tmp/b.err" &
bpid=$!
mkfifo "$tmp/pipe"
tcpdump -l -tt -nn -r - <"$tmp/pipe" >"$tmp/td" 2>"$tmp/td.err" &
tdpid=$!
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $pa -t -f 127.0.0.1/$pb --stats >"$tmp/pipe" 2>"$tmp/a.err" &
apid=$!
wait_listening $pa
wait_listening $pb

"$BIN/sfgen" --send 127.0.0.1:$pa --rate 1000 -n 100 --seed 4 2>"$tmp/gen" || { cat "$tmp/gen"; exit 1; }
flows=$(( $(sed -n 's/^sfgen: sent \([0-9]*\) datagrams.*/\1/p' "$tmp/gen") * 7 ))
# While A runs, tcpdump must see every header within a few ticks.
i=0
while [ "$(packets "$tmp/td")" -lt $flows ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
[ "$(packets "$tmp/td")" = $flows ] ||
    { echo "FAIL tcpdump saw $(packets "$tmp/td") of $flows headers while the collector ran"; fail=1; }

kill -TERM $apid; wait $apid; rc=$?; apid=
[ $rc = 0 ] || { echo "FAIL collector A exit $rc"; cat "$tmp/a.err"; fail=1; }
wait $tdpid || { echo "FAIL tcpdump"; cat "$tmp/td.err"; fail=1; }
grep -q "packets $flows flow $flows " "$tmp/a.err" || { echo "FAIL A's pcap stats"; cat "$tmp/a.err"; fail=1; }
grep -q "forward 127.0.0.1/$pb sent 100 dropped 0 failed 0" "$tmp/a.err" ||
    { echo "FAIL A's forward stats"; grep forward "$tmp/a.err"; fail=1; }
sleep 1.2                        # B flushes its output once a second.
kill -TERM $bpid; wait $bpid; bpid=
lines=$(grep -c '^FLOW,' "$tmp/b.out")
[ "$lines" = $flows ] || { echo "FAIL B printed $lines of $flows FLOW lines"; fail=1; }
echo "live: $flows headers through tcpdump, $lines flow lines at the forwarding target"
exit $fail
