#!/bin/sh
# sfctl speaks ovs-vsctl's database form (issue #11, first part).
#
#  - the Open vSwitch guides' sFlow set-up, as they write it (only the
#    collector's port is this run's): "sfctl -- --id=@s create sflow
#    agent=lo target=\"127.0.0.1:PORT\" header=128 sampling=64 polling=10
#    -- set bridge br0 sflow=@s"; then pings through the switch come out of
#    sflowcollect as decoded flow samples of those pings at 1-in-64 from
#    agent 127.0.0.1 (lo);
#  - list/get/find on Bridge, Port, Interface and sFlow in ovs-vsctl's
#    layouts (list, --format=table|csv|json, --bare, --columns), the
#    row references agreeing with each other; JSON checked by jq;
#  - a column the switch does not implement is an error naming the table
#    and the column; a read-only column is refused;
#  - all-or-nothing: a chain whose last command fails leaves no change
#    (port VLAN, sFlow settings) and writes nothing to the state file
#    (same inode, same bytes); a chain that succeeds is saved and survives
#    a restart;
#  - show in ovs-vsctl's layout (Bridge, Port, tag, trunks, Interface);
#  - set-sflow target=[::1]:PORT (brackets in a target list);
#  - dump-flows MATCH: the header counts the rules listed, lines in
#    ovs-ofctl 3.1's format (no priority= at the default 32768, idle_age).
P=swo$$
. "$(dirname "$0")/lib/switch_lab.sh"
command -v jq >/dev/null 2>&1 || skip "jq missing (make deps)"
[ -x "$BIN/sflowcollect" ] || skip "sflowcollect not built"

PORT=$((20000 + $$ % 20000))
host h1 10.81.0.1
host h2 10.81.0.2
start_collector $PORT
start_switch
sfctl add-br br0 || fail "add-br"
sfctl add-br br1 || fail "add-br br1"
for h in h1 h2; do sfctl add-port br0 ${P}$h || fail "add-port"; done

# --- the guides' script ---
sfctl -- --id=@s create sflow agent=lo target=\"127.0.0.1:$PORT\" header=128 sampling=64 polling=10 \
    -- set bridge br0 sflow=@s >"$T/uuid" || fail "the guides' sFlow set-up"
UUID=$(cat "$T/uuid")
echo "created sFlow row $UUID"
echo "$UUID" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' || fail "create printed no UUID"
[ "$(sfctl get bridge br0 sflow)" = "$UUID" ] || fail "get bridge br0 sflow is not the created row"
sfctl list sflow >"$T/list"
cat "$T/list"
for l in "_uuid               : $UUID" "agent               : lo" "header              : 128" \
    "polling             : 10" "sampling            : 64" "targets             : [\"127.0.0.1:$PORT\"]"; do
    grep -qxF "$l" "$T/list" || fail "list sflow lacks the line '$l'"
done
[ "$(sfctl get sflow br0 sampling)" = 64 ] || fail "get sflow br0 sampling"

COUNT=2000
in_ns h1 ping -c 1 -W 1 10.81.0.2 >/dev/null || fail "ping"
in_ns h1 ping -f -l 16 -c $COUNT -s 100 -W 1 -q 10.81.0.2 >"$T/ping.log" 2>&1 || { cat "$T/ping.log"; fail "ping -f"; }
sleep 1.5
kill "$CPID"
wait "$CPID" 2>/dev/null
[ -s "$T/out.json" ] || { cat "$T/collect.log"; fail "no output from sflowcollect"; }
jq -r '.samples[] | select(.sampleType_tag == "0:3") |
    [.meanSkipCount, (.elements[] | select(.flowBlock_tag == "0:1") | (.srcIP // "-"), (.dstIP // "-"))] | @tsv' \
    "$T/out.json" >"$T/flows" || fail "jq could not read sflowcollect's JSON"
n=$(awk -F'\t' '$1 == 64 && (($2 == "10.81.0.1" && $3 == "10.81.0.2") || ($2 == "10.81.0.2" && $3 == "10.81.0.1"))' "$T/flows" | wc -l)
other=$(awk -F'\t' '$1 != 64' "$T/flows" | wc -l)
agents=$(jq -r '.agent // .agentAddress // empty' "$T/out.json" | sort -u | tr '\n' ' ')
echo "flow samples of the pings at 1-in-64: $n (of $((2 * COUNT)) packets); other rates: $other; agents: $agents"
# 4000 packets at 1-in-64: about 62 samples; 20 is far below any plausible draw.
[ "$n" -ge 20 ] || fail "too few flow samples of the pings"
[ "$other" = 0 ] || fail "a flow sample's sampling rate is not 64"
[ "$agents" = "127.0.0.1 " ] || fail "agent=lo: agent address $agents, not 127.0.0.1"
echo "ok: the guides' script gives decoded sFlow"

# --- tables and formats ---
sfctl set port ${P}h1 tag=5 || fail "set port tag"
sfctl set port ${P}h2 trunks=[20,10] || fail "set port trunks"
[ "$(sfctl get port ${P}h2 trunks)" = "[10, 20]" ] || fail "trunks not printed as an OVSDB set"
[ "$(sfctl --bare --columns=name find port tag=5)" = "${P}h1" ] || fail "find port tag=5"
# Each bridge's local port (br0, br1) is a Port row too, as in Open vSwitch.
[ "$(sfctl --bare --columns=name find port tag!=5 | grep . | tr '\n' ' ')" = "br0 ${P}h2 br1 " ] || fail "find port tag!=5"
[ "$(sfctl --bare --columns=name find bridge sflow=[])" = br1 ] || fail "find bridge sflow=[]"
sfctl --format=csv --columns=name,tag,trunks list port >"$T/csv"
cat "$T/csv"
printf 'name,tag,trunks\nbr0,[],[]\n%sh1,5,[]\n%sh2,[],"[10, 20]"\nbr1,[],[]\n' "$P" "$P" | cmp -s - "$T/csv" || fail "csv"
sfctl --format=table --columns=name,sflow list bridge >"$T/table"
cat "$T/table"
[ "$(sed -n 1p "$T/table")" = "name sflow" ] || fail "table heading"
[ "$(sed -n 2p "$T/table")" = "---- ------------------------------------" ] || fail "table rule"
[ "$(sed -n 3p "$T/table")" = "br0  $UUID" ] || fail "table row br0"
[ "$(sed -n 4p "$T/table")" = "br1  []" ] || fail "table row br1"
sfctl --format=json list interface >"$T/json"
[ "$(jq -r '.headings | join(",")' "$T/json")" = "_uuid,error,external_ids,ifindex,name,ofport,ofport_request,other_config,type" ] ||
    fail "json headings"
[ "$(jq -r --arg n "${P}h2" '.data[] | select(.[4] == $n) | .[5]' "$T/json")" = 2 ] || fail "json: ofport of h2"
[ "$(jq -r --arg n "${P}h1" '.data[] | select(.[4] == $n) | .[3]' "$T/json")" = "$(cat /sys/class/net/${P}h1/ifindex)" ] ||
    fail "json: ifindex of h1"
# The references: Bridge.ports names Port rows, Port.interfaces Interface rows.
p1=$(sfctl get port ${P}h1 _uuid)
i1=$(sfctl get interface ${P}h1 _uuid)
sfctl get bridge br0 ports | grep -q "$p1" || fail "Bridge.ports lacks port h1's _uuid"
[ "$(sfctl get port ${P}h1 interfaces)" = "[$i1]" ] || fail "Port.interfaces"
[ "$(sfctl --bare --columns=name list interface "$i1")" = "${P}h1" ] || fail "a row by _uuid"
sfctl add port ${P}h2 trunks 30 [40,50] || fail "add port trunks"
sfctl remove port ${P}h2 trunks 40 50 30 || fail "remove port trunks"
[ "$(sfctl get port ${P}h2 trunks)" = "[10, 20]" ] || fail "add/remove trunks"
[ "$(sfctl list-ifaces br0 | tr '\n' ' ')" = "${P}h1 ${P}h2 " ] || fail "list-ifaces"
[ "$(sfctl iface-to-br ${P}h2)" = br0 ] || fail "iface-to-br"
[ "$(sfctl --timeout=5 --no-wait port-to-br ${P}h1)" = br0 ] || fail "--timeout=N --no-wait"
echo "ok: list, get, find in ovs-vsctl's layouts"
# show: ovs-vsctl's layout, which scripts grep.
sfctl show >"$T/show"
cat "$T/show"
head -n 1 "$T/show" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' || fail "show: no UUID first"
L='        Port br%s\n            Interface br%s\n                type: internal\n'
printf "    Bridge br0\n$L        Port %sh1\n            tag: 5\n            Interface %sh1\n        Port %sh2\n            trunks: [10, 20]\n            Interface %sh2\n    Bridge br1\n$L" \
    0 0 "$P" "$P" "$P" "$P" 1 1 >"$T/show-want"
# (A local port's device cannot be made while another test's switch holds the name: "error:".)
tail -n +2 "$T/show" | grep -v '^ *error: ' | cmp -s "$T/show-want" - || fail "show is not in ovs-vsctl's layout"
echo "ok: show"

expect_fail 'Bridge does not contain a column whose name matches "fail_mode"' sfctl set bridge br0 fail_mode=secure
expect_fail 'Port does not contain a column whose name matches "qos"' sfctl set port ${P}h1 qos=[]
expect_fail 'Interface does not contain a column whose name matches "mtu"' sfctl set interface ${P}h1 mtu=1400
expect_fail 'cannot modify read-only column name in table Bridge' sfctl set bridge br0 name=x
expect_fail 'unknown table "nosuch"' sfctl list nosuch
expect_fail 'no row "br1" in table sFlow' sfctl get sflow br1 sampling
expect_fail 'no row "@nope" in table sFlow' sfctl set bridge br1 sflow=@nope

# --- all or nothing ---
sfctl show >"$T/show-before"
inode=$(stat -c %i "$T/state")
cp "$T/state" "$T/state-before"
expect_fail 'Bridge does not contain a column whose name matches "nosuch"' \
    sfctl -- set port ${P}h1 tag=7 -- set sflow br0 sampling=128 -- clear port ${P}h2 trunks -- set bridge br0 nosuch=1
expect_fail 'no row "@x" in table sFlow' \
    sfctl -- clear bridge br0 sflow -- --id=@s create sflow targets=\"127.0.0.1:9\" -- set bridge br1 sflow=@x
[ "$(sfctl get port ${P}h1 tag)" = 5 ] || fail "a failed chain changed the tag"
[ "$(sfctl get port ${P}h2 trunks)" = "[10, 20]" ] || fail "a failed chain changed the trunks"
[ "$(sfctl get sflow br0 sampling)" = 64 ] || fail "a failed chain changed the sampling"
[ "$(sfctl get bridge br0 sflow)" = "$UUID" ] || fail "a failed chain removed the sFlow row"
sfctl show | cmp -s "$T/show-before" - || fail "a failed chain left a change in show"
[ "$(stat -c %i "$T/state")" = "$inode" ] || fail "a failed chain rewrote the state file"
cmp -s "$T/state" "$T/state-before" || fail "a failed chain changed the state file"
echo "ok: a failing chain changes nothing and saves nothing"
sfctl -- set port ${P}h1 tag=7 -- set sflow br0 sampling=128 -- clear port ${P}h2 trunks || fail "a good chain"
stop_switch
start_switch
[ "$(sfctl get port ${P}h1 tag)" = 7 ] || fail "chain's tag lost across a restart"
[ "$(sfctl get sflow br0 sampling)" = 128 ] || fail "chain's sampling lost across a restart"
[ "$(sfctl get port ${P}h2 trunks)" = "[]" ] || fail "chain's clear lost across a restart"
echo "ok: a good chain is saved"

# --- set-sflow with an IPv6 target in brackets ---
sfctl set-sflow br1 target=[::1]:$PORT || fail "set-sflow target=[::1]:PORT"
[ "$(sfctl get sflow br1 targets)" = "[\"[::1]:$PORT\"]" ] || fail "targets of br1: $(sfctl get sflow br1 targets)"
sfctl set-sflow br1 "target=[127.0.0.1:$PORT,[::1]:$PORT]" || fail "set-sflow with a bracketed list"
[ "$(sfctl get sflow br1 targets)" = "[\"127.0.0.1:$PORT\", \"[::1]:$PORT\"]" ] || fail "two targets"
echo "ok: set-sflow takes [::1]:PORT"

# --- dump-flows with a selection ---
sfctl add-flow br0 "tcp,tp_dst=80,actions=drop" || fail "add-flow"
sfctl add-flow br0 "priority=10,udp,actions=normal" || fail "add-flow"
sfctl add-flow br0 "priority=0,actions=normal" || fail "add-flow"
sfctl dump-flows br0 tcp >"$T/dump"
cat "$T/dump"
[ "$(sed -n 1p "$T/dump")" = "NXST_FLOW reply: 1 flows" ] || fail "dump-flows tcp: header does not count the one rule listed"
[ "$(wc -l <"$T/dump")" = 2 ] || fail "dump-flows tcp listed other rules"
grep -Eq '^ cookie=0x0, duration=[0-9]+(\.[0-9]*[1-9])?s, table=0, n_packets=0, n_bytes=0, idle_age=[0-9]+, tcp,tp_dst=80 actions=drop$' "$T/dump" ||
    fail "dump-flows line not in ovs-ofctl's format"
sfctl dump-flows br0 >"$T/dump"
[ "$(sed -n 1p "$T/dump")" = "NXST_FLOW reply: 3 flows" ] || fail "dump-flows: header"
grep -q 'idle_age=[0-9]*, priority=10,udp actions=NORMAL$' "$T/dump" || fail "priority=10 rule"
grep -q 'idle_age=[0-9]*, priority=0 actions=NORMAL$' "$T/dump" || fail "priority=0 rule"
echo "ok: dump-flows"
echo "PASS"
