#!/bin/sh
# Forwarding: collector A reads captures (-r) and forwards every datagram
# with -f to two collectors B1 and B2 listening on 127.0.0.1; each B prints
# exactly A's own -l output, and A counts every datagram as sent to each.
# Real captures from $SHARED/corpus when present, and always sfgen's.
: "${BIN:?}"
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-fwd.XXXXXX)
pid1= pid2=
cleanup() {
    [ -n "$pid1" ] && kill "$pid1" 2>/dev/null
    [ -n "$pid2" ] && kill "$pid2" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0

# Ports of our own choosing on 127.0.0.1; the third has no listener.
base=$((20000 + $$ % 15000))
p1=$base p2=$((base + 1)) p3=$((base + 2))

. "$(dirname "$0")/lib/listening.sh"

"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p1 -l --stats >"$tmp/b1.out" 2>"$tmp/b1.err" &
pid1=$!
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p2 -l --stats >"$tmp/b2.out" 2>"$tmp/b2.err" &
pid2=$!
wait_listening $p1 "$tmp"/b*.err
wait_listening $p2 "$tmp"/b*.err

"$BIN/sfgen" -n 1000 --seed 11 -w "$tmp/sfgen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
set -- "$tmp/sfgen.pcap"
if [ -d "${SHARED:-}/corpus/files" ]; then
    set -- "$@" "$SHARED"/corpus/files/*.pcap
else
    echo "no shared corpus: sfgen's capture only"
fi
: >"$tmp/a.out"
total=0
for f in "$@"; do
    "$BIN/sflowcollect" -r "$f" -l -f 127.0.0.1/$p1 -f 127.0.0.1/$p2 -f 127.0.0.1/$p3 \
        --stats >>"$tmp/a.out" 2>"$tmp/a.err" ||
        { echo "FAIL A on $(basename "$f")"; cat "$tmp/a.err"; fail=1; }
    n=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$tmp/a.err")
    for p in $p1 $p2 $p3; do
        grep -q "^  forward 127.0.0.1/$p sent $n dropped 0 failed 0$" "$tmp/a.err" ||
            { echo "FAIL $(basename "$f"): A did not count $n datagrams to port $p"; grep forward "$tmp/a.err"; fail=1; }
    done
    total=$((total + n))
    # One capture at a time, so that the B's read them in A's order.
    i=0
    while [ "$(grep -c '' "$tmp/b1.out")" -lt "$(grep -c '' "$tmp/a.out")" ] ||
        [ "$(grep -c '' "$tmp/b2.out")" -lt "$(grep -c '' "$tmp/a.out")" ]; do
        i=$((i + 1))
        [ $i -lt 50 ] || break
        sleep 0.1
    done
done
echo "A forwarded $total datagrams from $# captures, $(grep -c '' "$tmp/a.out") lines"

kill -TERM "$pid1" "$pid2"
wait "$pid1"; rc1=$?
wait "$pid2"; rc2=$?
pid1= pid2=
[ $rc1 = 0 ] && [ $rc2 = 0 ] || { echo "FAIL B exit $rc1 $rc2"; fail=1; }
for b in b1 b2; do
    if ! cmp -s "$tmp/a.out" "$tmp/$b.out"; then
        echo "FAIL $b's -l output differs from A's"
        diff "$tmp/a.out" "$tmp/$b.out" | head -n 10
        fail=1
    fi
    got=$(sed -n 's/^  datagrams \([0-9]*\) .*socket_drops \([0-9]*\)/\1 \2/p' "$tmp/$b.err" | tail -n 1)
    [ "$got" = "$total 0" ] || { echo "FAIL $b received/dropped '$got', want $total 0"; fail=1; }
done
# sfgen's 1000 datagrams at least, whether or not the corpus was there.
[ "$total" -ge 1000 ] || { echo "FAIL only $total datagrams forwarded"; fail=1; }

# A target that does not resolve is an error at start-up.
if "$BIN/sflowcollect" -r "$tmp/sfgen.pcap" -q -f no.such.host.invalid/6343 2>"$tmp/err"; then
    echo "FAIL -f to an unresolvable host succeeded"; fail=1
fi
grep -q "no.such.host.invalid" "$tmp/err" || { echo "FAIL -f error message"; cat "$tmp/err"; fail=1; }
exit $fail
