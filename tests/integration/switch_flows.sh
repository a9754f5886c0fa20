#!/bin/sh
# sflow-switch flow table: each action, priorities, timeouts and counters.
#
#   br0: h1 (1), h2 (2), h3 (3), and a veth pair t0 (4) <-> t1 (5) looped
#   back into the same bridge, so a frame can leave tagged and come back.
#
#  - drop by in_port; table miss drops when rules exist, normal when none;
#  - dump-flows n_packets/n_bytes equal the pings sent (98-byte frames),
#    with 200 other rules in the table;
#  - output:N + mod_dl_dst steer h1's pings for h2 to h3, mod_dl_src
#    disguises the replies (seen by tcpdump in h1);
#  - mod_vlan_vid pushes a tag out of t0, dl_vlan matches it on t1,
#    strip_vlan removes it before h2: the ping works only if all three do;
#  - flood copies unicast to every other port;
#  - idle_timeout and hard_timeout remove rules on time.
P=swf$$
. "$(dirname "$0")/lib/switch_lab.sh"
# ICMP echo requests host $1 received (Icmp InEchos, found by name).
echos() {
    in_ns "$1" awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
        else print $c["InEchos"] }' /proc/net/snmp
}

loop_lab 10.79.0
ping_ok() { in_ns "$1" ping -c "${3:-3}" -i 0.1 -W 1 -q "$2" >/dev/null 2>&1; }
# n_packets of the rule whose dump line contains $2.
npk() { sfctl dump-flows "$1" | grep -F -- "$2" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p'; }
nby() { sfctl dump-flows "$1" | grep -F -- "$2" | sed -n 's/.*n_bytes=\([0-9]*\).*/\1/p'; }

ping_ok h1 10.79.0.2 || fail "no rules: normal switching"
echo "ok: empty table switches normally"

# --- drop by in_port ---
sfctl add-flow br0 "priority=100,in_port=1,actions=drop" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
if ping_ok h1 10.79.0.2; then fail "in_port=1 drop did not drop"; fi
ping_ok h3 10.79.0.2 || fail "h3 should still reach h2"
[ "$(npk br0 'in_port=1 actions=drop')" -ge 3 ] || { sfctl dump-flows br0; fail "drop rule did not count"; }
sfctl --strict del-flows br0 "priority=0" || fail "del-flows --strict"
[ "$(sfctl dump-flows br0 | grep -c NORMAL)" = 0 ] || fail "--strict del-flows priority=0 left the rule"
[ "$(sfctl dump-flows br0 | grep -c in_port=1)" = 1 ] || fail "--strict del-flows priority=0 took the other rule"
if ping_ok h3 10.79.0.2 1; then fail "table miss should drop"; fi
sfctl del-flows br0 in_port=1 || fail "del-flows"
[ "$(sfctl dump-flows br0 | grep -c priority)" = 0 ] || fail "del-flows in_port=1 left rules"
ping_ok h3 10.79.0.2 || fail "empty table again: normal"
echo "ok: drop by in_port, table miss, del-flows"

# --- counters, with many rules ---
i=0
while [ $i -lt 200 ]; do
    echo "priority=50,tcp,nw_dst=10.79.1.$((i % 250)),tp_dst=$((1000 + i)),actions=drop"
    i=$((i + 1))
done >"$T/rules"
while read -r r; do sfctl add-flow br0 "$r" || fail "add-flow $r"; done <"$T/rules"
sfctl add-flow br0 "priority=100,icmp,in_port=1,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=100,icmp,in_port=2,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=90,arp,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
ping_ok h1 10.79.0.2 1 || fail "ping"
p0=$(npk br0 "priority=100,icmp,in_port=1 "); b0=$(nby br0 "priority=100,icmp,in_port=1 ")
in_ns h1 ping -c 25 -i 0.02 -W 1 -q 10.79.0.2 >/dev/null || fail "ping x25"
p1=$(npk br0 "priority=100,icmp,in_port=1 "); b1=$(nby br0 "priority=100,icmp,in_port=1 ")
r1=$(npk br0 "priority=100,icmp,in_port=2 ")
echo "counters: rule in_port=1 +$((p1 - p0)) packets +$((b1 - b0)) bytes; in_port=2 $r1"
[ $((p1 - p0)) = 25 ] || fail "n_packets grew by $((p1 - p0)), 25 pings sent"
[ $((b1 - b0)) = $((25 * 98)) ] || fail "n_bytes grew by $((b1 - b0)), expected $((25 * 98))"
[ "$(sfctl dump-flows br0 | grep -c 'tp_dst=1')" = 200 ] || fail "200 tcp rules expected"
echo "ok: dump-flows counters match the traffic sent"
sfctl del-flows br0

# --- output:N, mod_dl_dst, mod_dl_src ---
# h3 owns h2's address too (on lo, not answered by ARP), so h1's pings
# steered to h3 get answers.
in_ns h3 ip addr add 10.79.0.2/32 dev lo
in_ns h3 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1
sfctl add-flow br0 "priority=200,arp,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=100,icmp,in_port=1,nw_dst=10.79.0.2,actions=mod_dl_dst:$M3,output:3" || fail "add-flow"
sfctl add-flow br0 "priority=100,icmp,in_port=3,actions=mod_dl_src:$M2,output:1" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
sfctl dump-flows br0
in_ns h1 ping -c 1 -W 1 10.79.0.2 >/dev/null 2>&1
in_ns h1 timeout 5 tcpdump -i eth0 -e -nn -c 3 icmp >"$T/td1" 2>/dev/null &
TD=$!
PIDS="$PIDS $TD"
sleep 1
e2=$(echos h2)
ping_ok h1 10.79.0.2 5 || fail "steered ping failed"
wait "$TD"
cat "$T/td1"
[ "$(echos h2)" = "$e2" ] || fail "h2 got echo requests of the steered ping"
[ "$(npk br0 "in_port=1,nw_dst=10.79.0.2")" -ge 5 ] || fail "output rule did not count"
grep "echo reply" "$T/td1" | grep -q "^.* $M2 > $M1" || fail "reply source MAC not rewritten to h2's"
echo "ok: output:N, mod_dl_dst, mod_dl_src"
sfctl del-flows br0
in_ns h3 ip addr del 10.79.0.2/32 dev lo

# --- mod_vlan_vid, dl_vlan, strip_vlan through the loop t0 -> t1 ---
sfctl add-flow br0 "priority=200,in_port=1,actions=mod_vlan_vid:42,output:4" || fail "add-flow"
sfctl add-flow br0 "priority=200,in_port=5,dl_vlan=42,actions=strip_vlan,output:2" || fail "add-flow"
sfctl add-flow br0 "priority=200,in_port=2,actions=output:1" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=drop" || fail "add-flow"
in_ns h1 ip neigh flush dev eth0
timeout 5 tcpdump -i ${P}t1 -e -nn -c 2 icmp >"$T/td2" 2>/dev/null &
TD=$!
PIDS="$PIDS $TD"
sleep 1
ping_ok h1 10.79.0.2 4 || { sfctl dump-flows br0; fail "ping through push/strip failed"; }
wait "$TD"
cat "$T/td2"
grep -q "vlan 42" "$T/td2" || fail "no tag 42 between t0 and t1"
[ "$(npk br0 "dl_vlan=42")" -ge 4 ] || fail "dl_vlan=42 rule did not count"
echo "ok: mod_vlan_vid, dl_vlan, strip_vlan"
sfctl del-flows br0

# --- flood ---
sfctl add-flow br0 "priority=100,in_port=1,actions=flood" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
ping_ok h1 10.79.0.2 1 || fail "ping with flood"
t3=$(txp br0 3)
ping_ok h1 10.79.0.2 10 || fail "ping with flood"
[ $(( $(txp br0 3) - t3 )) -ge 10 ] || fail "flood did not copy unicast to port 3"
echo "ok: flood"
sfctl del-flows br0

# --- timeouts ---
sfctl add-flow br0 "priority=100,in_port=1,hard_timeout=4,actions=drop" || fail "add-flow"
sfctl add-flow br0 "priority=100,in_port=3,idle_timeout=1,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
sfctl dump-flows br0 | grep -q "hard_timeout=4" || fail "hard_timeout not shown"
if ping_ok h1 10.79.0.2 1; then fail "hard_timeout rule not dropping"; fi
sleep 1.5
# About 2.5 s after adding: the idle rule (unused) is gone, the hard one is not.
[ "$(sfctl dump-flows br0 | grep -c idle_timeout=1)" = 0 ] || fail "idle rule still there after 1.5 s idle"
[ "$(sfctl dump-flows br0 | grep -c hard_timeout=4)" = 1 ] || fail "hard rule gone too early"
sleep 2
[ "$(sfctl dump-flows br0 | grep -c hard_timeout=4)" = 0 ] || fail "hard rule still there after 4.5 s"
ping_ok h1 10.79.0.2 || fail "ping after the drop rule expired"
echo "ok: idle_timeout, hard_timeout"
echo "PASS"
