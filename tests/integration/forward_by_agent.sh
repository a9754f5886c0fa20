#!/bin/sh
# --forward-by agent: a front collector spreads sfgen's datagrams (8
# agents) over two back-end collectors on 127.0.0.1 by a hash of the agent
# address.  Each back end sees whole agents (every datagram of an agent it
# sees, no sequence gap), no agent reaches both, and together they get every
# datagram the front read.
: "${BIN:?}" "${TOP:?}"
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
T=$(mktemp -d /tmp/sflowkit-fwdagent.XXXXXX)
pid1= pid2=
cleanup() {
    [ -n "$pid1" ] && kill "$pid1" 2>/dev/null
    [ -n "$pid2" ] && kill "$pid2" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/integration/lib/listening.sh"
fail=0

base=$((20000 + $$ % 15000))
p1=$base p2=$((base + 1))
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p1 -q --stats 2>"$T/b1.err" &
pid1=$!
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p2 -q --stats 2>"$T/b2.err" &
pid2=$!
wait_listening $p1 "$T/b1.err"
wait_listening $p2 "$T/b2.err"

"$BIN/sfgen" -n 800 --agents 8 --seed 4 -w "$T/g.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
"$BIN/sflowcollect" -r "$T/g.pcap" -q -f 127.0.0.1/$p1 -f 127.0.0.1/$p2 --forward-by agent \
    --stats 2>"$T/a.err" || { echo "FAIL: front collector"; cat "$T/a.err"; exit 1; }
sent1=$(sed -n "s|^  forward 127.0.0.1/$p1 sent \([0-9]*\) dropped 0 failed 0$|\1|p" "$T/a.err")
sent2=$(sed -n "s|^  forward 127.0.0.1/$p2 sent \([0-9]*\) dropped 0 failed 0$|\1|p" "$T/a.err")
total=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$T/a.err")
echo "front: $total datagrams, $sent1 to one back end, $sent2 to the other"
[ -n "$sent1" ] && [ -n "$sent2" ] && [ $((sent1 + sent2)) = "$total" ] ||
    { echo "FAIL: each datagram must go to exactly one back end"; grep forward "$T/a.err"; fail=1; }
[ "$sent1" -gt 0 ] && [ "$sent2" -gt 0 ] || { echo "FAIL: one back end got nothing"; fail=1; }

# Let the back ends read everything (loopback: well within a second), then
# stop them for their --stats.
sleep 1
kill -TERM $pid1 $pid2
wait $pid1 $pid2
pid1= pid2=
agents() { sed -n 's/^  agent \([0-9.]*\) sub-agent 0: datagrams \([0-9]*\) lost \([0-9]*\) .*/\1 \2 \3/p' "$1" | sort; }
agents "$T/a.err" >"$T/a.agents"
agents "$T/b1.err" >"$T/b1.agents"
agents "$T/b2.err" >"$T/b2.agents"
echo "back end 1: $(cut -d' ' -f1 "$T/b1.agents" | tr '\n' ' ')"
echo "back end 2: $(cut -d' ' -f1 "$T/b2.agents" | tr '\n' ' ')"
# Same agents, same counts, no gap: each agent whole at one back end.
sort "$T/b1.agents" "$T/b2.agents" | cmp -s - "$T/a.agents" ||
    { echo "FAIL: back ends' agents differ from the front's:"; cat "$T/a.agents" "$T/b1.agents" "$T/b2.agents"; fail=1; }
[ "$(wc -l <"$T/a.agents")" = 8 ] || { echo "FAIL: want 8 agents at the front"; fail=1; }
grep -qv ' 0$' "$T/b1.agents" "$T/b2.agents" && { echo "FAIL: a back end saw a sequence gap"; fail=1; }
b=$(( $(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$T/b1.err") + $(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$T/b2.err") ))
[ "$b" = "$total" ] || { echo "FAIL: back ends got $b datagrams of $total"; fail=1; }
exit $fail
