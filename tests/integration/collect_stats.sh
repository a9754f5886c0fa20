#!/bin/sh
# Accounting: --stats counts what sfgen sent, finds the datagrams that were
# cut out of a capture as sequence gaps, and a live UDP run on 127.0.0.1
# receives every datagram sfgen sends.
: "${BIN:?}"
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-stats.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
stat() { sed -n "s/.* $1 \([0-9]*\).*/\1/p" "$2" | head -n 1; }
sum_lost() { awk '/sub-agent [0-9]*: datagrams/ { for (i = 1; i < NF; i++) if ($i == "lost") s += $(i+1) } END { print s + 0 }' "$1"; }

n=400
"$BIN/sfgen" -n $n --seed 3 -w "$tmp/all.pcap" 2>"$tmp/gen" || { cat "$tmp/gen"; exit 1; }
flows=$(sed -n 's/.*(\([0-9]*\) flow, .*/\1/p' "$tmp/gen")
ctrs=$(sed -n 's/.*flow, \([0-9]*\) counter).*/\1/p' "$tmp/gen")
"$BIN/sflowcollect" -r "$tmp/all.pcap" -q --stats 2>"$tmp/s1" || fail=1
[ "$(stat datagrams "$tmp/s1")" = "$n" ] || { echo "FAIL datagrams"; cat "$tmp/s1"; fail=1; }
[ "$(stat flow "$tmp/s1")" = "$flows" ] || { echo "FAIL flow samples != $flows"; cat "$tmp/s1"; fail=1; }
[ "$(stat counters "$tmp/s1")" = "$ctrs" ] || { echo "FAIL counter samples != $ctrs"; fail=1; }
[ "$(sum_lost "$tmp/s1")" = 0 ] || { echo "FAIL loss reported on a complete capture"; cat "$tmp/s1"; fail=1; }
grep -q "flow_record 0:1 " "$tmp/s1" || { echo "FAIL no per-record counts"; fail=1; }

# Cut three datagrams out: three lost, whoever sent them.
editcap "$tmp/all.pcap" "$tmp/cut.pcap" 10 11 200 >/dev/null 2>&1 || { echo "editcap failed"; exit 1; }
"$BIN/sflowcollect" -r "$tmp/cut.pcap" -q --stats 2>"$tmp/s2" || fail=1
[ "$(sum_lost "$tmp/s2")" = 3 ] || { echo "FAIL want 3 lost datagrams"; cat "$tmp/s2"; fail=1; }
grep -q "source .* lost [1-9]" "$tmp/s2" || { echo "FAIL no per-source gap"; cat "$tmp/s2"; fail=1; }

# Live, two receiving threads: 127.0.0.1 only, a port of our own choosing,
# stopped by our own PID.
port=$((20000 + $$ % 20000))
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $port -q --stats --threads 2 2>"$tmp/s3" &
pid=$!
sleep 0.5
"$BIN/sfgen" --send 127.0.0.1:$port --rate 2000 -n 1000 --seed 5 2>"$tmp/gen3"
sleep 0.5
kill -USR1 $pid; sleep 0.3
kill -TERM $pid; wait $pid; rc=$?; pid=
[ $rc -eq 0 ] || { echo "FAIL collector exit $rc"; fail=1; }
[ "$(grep -c '^sflowcollect statistics' "$tmp/s3")" -ge 2 ] || { echo "FAIL SIGUSR1 printed no statistics"; fail=1; }
got=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$tmp/s3" | tail -n 1)
[ "$got" = 1000 ] || { echo "FAIL live: received $got of 1000"; cat "$tmp/s3" "$tmp/gen3"; fail=1; }
exit $fail
