#!/bin/sh
# sflow-switch's own NetFlow v5 export (issue #11), into a real nfcapd
# (Debian nfdump):
#
#  - the guides' command line: "-- set bridge BR netflow=@nf -- --id=@nf
#    create netflow targets=\"127.0.0.1:PORT\" active_timeout=1
#    engine_id=7 engine_type=3 add_id_to_interface=false";
#  - pings between two hosts, with rules that count the IPv4 packets the
#    bridge forwards apart from the rest (ARP);
#  - nfdump's packet and byte totals equal the rule's n_packets and
#    n_bytes exactly (every packet counted, not sampled; frame bytes, as
#    the switch counts them); no sequence failures; records carry the
#    OpenFlow ports 1 and 2, ICMP (protocol 1), and the engine type and id;
#  - the packets v5 cannot carry (ARP) are counted apart (dump-netflow);
#  - get/list NetFlow show the row; clear bridge BR netflow stops it;
#  - a target without its port is refused, saying why, and sets nothing.
P=swn$$
. "$(dirname "$0")/lib/switch_lab.sh"
for t in nfcapd nfdump; do command -v $t >/dev/null 2>&1 || skip "$t missing (nfdump)"; done

BR=${P}br
PORT=$((30000 + $$ % 20000))
host h1 10.85.0.1
host h2 10.85.0.2
start_switch_ns h1 h2
in_sw ip link set lo up
# nfcapd where the switch is, on its loopback (not through in_sw: $! must be nfcapd).
mkdir "$T/nf"
ip netns exec ${P}sw nfcapd -b 127.0.0.1 -p $PORT -w "$T/nf" >"$T/nfcapd.log" 2>&1 &
NPID=$!
PIDS="$PIDS $NPID"
sfctl add-br "$BR" || fail "add-br"
for h in h1 h2; do sfctl add-port "$BR" ${P}$h || fail "add-port"; done
# The ip rule rewrites the ToS; NetFlow records a flow as it arrived (ToS 0), as Open vSwitch does.
sfctl add-flow "$BR" "priority=10,ip,actions=mod_nw_tos:32,normal" || fail "add-flow ip"
sfctl add-flow "$BR" "priority=5,actions=normal" || fail "add-flow"
# A target without its port (NetFlow has no default one) is refused with the reason, and nothing is set.
sfctl set-netflow "$BR" targets=127.0.0.1 >/dev/null 2>"$T/err" && fail "set-netflow took a target without a port"
grep -q 'NetFlow target "127.0.0.1": not IP:PORT' "$T/err" || fail "set-netflow without a port: $(cat "$T/err")"
[ "$(sfctl get bridge "$BR" netflow)" = "[]" ] || fail "a refused NetFlow was set"

sfctl -- set bridge "$BR" netflow=@nf -- --id=@nf create netflow targets=\"127.0.0.1:$PORT\" \
    active_timeout=1 engine_id=7 engine_type=3 add_id_to_interface=false >"$T/uuid" || fail "the guides' NetFlow"
[ "$(sfctl get bridge "$BR" netflow)" = "$(cat "$T/uuid")" ] || fail "get bridge netflow"
sfctl list netflow | tee "$T/list"
grep -qx "targets             : \[\"127.0.0.1:$PORT\"\]" "$T/list" || fail "list netflow: targets"
grep -qx "active_timeout      : 1" "$T/list" || fail "list netflow: active_timeout"
grep -qx "engine_id           : 7" "$T/list" || fail "list netflow: engine_id"

in_ns h1 ping -c 1 -W 1 10.85.0.2 >/dev/null || fail "h1 cannot reach h2"
in_ns h1 ping -f -c 2000 -s 200 -W 1 -q 10.85.0.2 >/dev/null || fail "ping -f"
in_ns h2 ping -c 20 -i 0.01 -s 1000 -W 1 -q 10.85.0.1 >/dev/null || fail "ping h2 -> h1"
sleep 2.5                       # Past the active timeout: most flows are out already.
sfctl dump-netflow "$BR" | tee "$T/nfstats"
grep -q "early, the cache full: 0)" "$T/nfstats" || fail "dump-netflow: flows left early with 4 in the cache"
sfctl clear bridge "$BR" netflow || fail "clear bridge netflow"   # ...and the rest now.
[ "$(sfctl get bridge "$BR" netflow)" = "[]" ] || fail "netflow not cleared"
sfctl dump-flows "$BR" | tee "$T/flows"
want_p=$(sed -n 's/.*n_packets=\([0-9]*\), n_bytes=\([0-9]*\).*priority=10,ip.*/\1/p' "$T/flows")
want_b=$(sed -n 's/.*n_packets=\([0-9]*\), n_bytes=\([0-9]*\).*priority=10,ip.*/\2/p' "$T/flows")
[ "${want_p:-0}" -ge 4042 ] || fail "the ip rule counted ${want_p:-nothing}, want at least 4042 packets"
# Packets v5 cannot carry are counted apart: at least the first ping's ARP
# request and reply, at most what the rule for the non-IPv4 rest counted.
not4=$(sed -n 's/.*packets not IPv4 \([0-9]*\);.*/\1/p' "$T/nfstats")
rest=$(sed -n 's/.*n_packets=\([0-9]*\),.*priority=5[ ,]actions=.*/\1/p' "$T/flows")
[ "${not4:-0}" -ge 2 ] && [ "$not4" -le "${rest:-0}" ] ||
    fail "dump-netflow: ${not4:-no} packets not IPv4, want 2 to the other rule's ${rest:-nothing}"
sleep 0.5
kill -TERM "$NPID"
wait "$NPID"
nfdump -R "$T/nf" -I >"$T/sum" 2>&1
cat "$T/sum"
val() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$T/sum" | head -n 1; }
echo "nfdump: $(val Packets) packets, $(val Bytes) bytes in $(val Flows) flows; the rule: $want_p packets, $want_b bytes"
[ "$(val Packets)" = "$want_p" ] || fail "nfdump's packets $(val Packets) differ from the switch's $want_p"
[ "$(val Bytes)" = "$want_b" ] || fail "nfdump's bytes $(val Bytes) differ from the switch's $want_b"
[ "$(val "Sequence failures")" = 0 ] || fail "nfcapd saw sequence failures"
nfdump -R "$T/nf" -q -N -o "fmt:%in %out %pr %sa %da" | sed 's/  */ /g; s/^ //' | sort -u >"$T/recs"
cat "$T/recs"
grep -qx "1 2 1 10.85.0.1 10.85.0.2" "$T/recs" || fail "no record h1 -> h2 from port 1 to 2"
grep -qx "2 1 1 10.85.0.2 10.85.0.1" "$T/recs" || fail "no record h2 -> h1 from port 2 to 1"
# Echo requests leave with ToS 0 (a reply copies its request's ToS, rewritten to 32 on the way).
nfdump -R "$T/nf" -q -N -o "fmt:%dp %tos" | sed 's/  */ /g; s/^ //' | sort -u >"$T/tos"
cat "$T/tos"
[ "$(grep -c '^8\.0 ' "$T/tos")" = 1 ] && grep -qx '8\.0 0' "$T/tos" ||
    fail "echo requests recorded with ToS $(grep '^8\.0 ' "$T/tos"), want 0: as they arrived, before mod_nw_tos"
nfdump -R "$T/nf" -q -N -o "fmt:%eng" | sed 's/ //g' | sort -u >"$T/eng"
[ "$(cat "$T/eng")" = "3/7" ] || fail "engine type/id: $(cat "$T/eng"), want 3/7"
echo "ok: NetFlow totals equal the switch's counts"
sfctl del-br "$BR"
echo "PASS"
