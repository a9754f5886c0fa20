#!/bin/sh
# -S in a network namespace of our own: NetFlow v9 reaches nfcapd from each
# sFlow agent's address (nfcapd names every agent as an exporter, and gets
# every record), IPFIX from an IPv6 agent to ::1 likewise (with the shared
# corpus), and forwarded sFlow (-f) leaves with each datagram's agent
# address as its IP source, as tshark reads it.
: "${BIN:?}"
[ "$(id -u)" = 0 ] || { echo "not root"; exit 77; }
for t in ip nfcapd nfdump tshark tcpdump jq; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
tmp=$(mktemp -d /tmp/sflowkit-spoof.XXXXXX)
ns="sfkS$$"
pids=
cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
port=$((30000 + $$ % 20000))
ip netns add "$ns" || { echo "cannot create a network namespace"; exit 77; }
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }

"$BIN/sfgen" -n 200 --seed 3 --ipv6 20 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }

# spoofed NAME FILE ADDR NFCAPD-BIND: exports FILE with -S to nfcapd on
# ADDR; checks that nfcapd's exporters are the capture's agents and that
# every exportable flow sample arrived.
spoofed() {
    name=$1 file=$2 addr=$3 bind=$4
    shift 4
    mkdir -p "$tmp/$name"
    ip netns exec "$ns" nfcapd -B 8000000 -b "$bind" -p $port -w "$tmp/$name" >"$tmp/$name.log" 2>&1 &
    npid=$!
    pids="$pids $npid"
    sleep 1
    in_ns "$BIN/sflowcollect" -r "$file" -q --stats -S "$@" -c "$addr" -d $port 2>"$tmp/$name.stats" ||
        { echo "FAIL $name: sflowcollect -S failed"; cat "$tmp/$name.stats"; fail=1; }
    sleep 1
    kill -TERM $npid; wait $npid 2>/dev/null
    want=$("$BIN/sflowcollect" -r "$file" -j 2>/dev/null | jq -r '
        select(any(.samples[]?; .sampleType == "FLOWSAMPLE" and
          any(.elements[]?; has("srcIP") or has("srcIP6")))) | .agent' | sort -u |
        while read -r a; do getent ahosts "$a" | awk '{ print $1; exit }'; done | tr '\n' ' ')
    got=$(sed -n 's/.*exporter: .*\(IP: \|from: \)\([0-9a-f.:]*\).*/\2/p' "$tmp/$name.log" | sort -u | tr '\n' ' ')
    [ -n "$want" ] && [ "$got" = "$want" ] ||
        { echo "FAIL $name: nfcapd's exporters '$got', want the agents '$want'"; cat "$tmp/$name.log"; fail=1; }
    flows=$(nfdump -R "$tmp/$name" -I | sed -n 's/^Flows: *//p')
    exported=$(sed -n 's/.* exported \([0-9]*\).*/\1/p' "$tmp/$name.stats")
    [ "${flows:-0}" -gt 0 ] && [ "$flows" = "$exported" ] ||
        { echo "FAIL $name: nfcapd has $flows flows of $exported"; fail=1; }
    echo "$name: exporters $got, $flows flows"
}

spoofed v9 "$tmp/gen.pcap" 127.0.0.1 127.0.0.1 -N 9
v6agent="$SHARED/corpus/files/tcpdump__sflow-print-v6.pcap"
if [ -f "$v6agent" ] && in_ns ip -6 addr show dev lo | grep -q "::1"; then
    spoofed ipfix6 "$v6agent" ::1 ::1 -N 10
else
    echo "no IPv6 agent capture or no ::1: IPv6 -S not tried"
fi

# Forwarding: each datagram from its own agent.
ip netns exec "$ns" tcpdump -Z root -i lo -U -w "$tmp/fwd.pcap" "udp and dst port $port" 2>/dev/null &
tpid=$!
pids="$pids $tpid"
sleep 1
in_ns "$BIN/sflowcollect" -r "$tmp/gen.pcap" -q -S -f "127.0.0.1/$port" ||
    { echo "FAIL forward: sflowcollect -S -f failed"; fail=1; }
sleep 1
kill -TERM $tpid; wait $tpid 2>/dev/null
n=$(tshark -r "$tmp/fwd.pcap" -d "udp.port==$port,sflow" -T fields -E occurrence=f -e ip.src -e sflow_245.agent 2>/dev/null |
    awk '$1 == $2 { same++ } END { print same + 0 "/" NR }')
[ "$n" = "200/200" ] || { echo "FAIL forward: $n datagrams came from their agent"; fail=1; }
echo "forward: $n datagrams from their agent's address"
[ $fail = 0 ] && echo "spoof_source: ok"
exit $fail
