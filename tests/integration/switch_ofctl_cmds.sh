#!/bin/sh
# sfctl's ovs-ofctl port, table and flow-file commands and the remaining
# ovs-vsctl database pieces (issue #11), on real packets:
#
#  - show and dump-ports-desc in ovs-ofctl 3.1's layout (the header lines,
#    a block per port with its number, name, the interface's MAC, config,
#    state, and "10GB-FD COPPER" / "10000 Mbps now" as OVS shows a veth);
#  - add-flows from a file (comments, blank lines) and from stdin; pings
#    through the rules; dump-aggregate's totals equal the sum of
#    dump-flows' counters; dump-tables' active, lookup and matched;
#  - mod-flows changes actions and keeps the counters (the pings then
#    stop); replace-flows keeps the counters of unchanged rules; diff-flows
#    bridge vs file (exit 0 when equal), and file vs file with the very
#    lines (and exit status 2) of the real ovs-ofctl when it is installed;
#  - mod-port down: the interface goes down, pings stop, show says
#    PORT_DOWN/LINK_DOWN; it survives a restart (state file); up again;
#    a chain that fails after it leaves the port up;
#  - vlan_mode on real frames (tcpdump): native-tagged sends the native
#    VLAN tagged, native-untagged untagged, trunk keeps untagged frames out
#    of VLAN 10, access takes them in;
#  - other_config/external_ids maps of Bridge, Port and Interface (set,
#    add, remove, get, list in each format, find by key), vlan_mode,
#    Interface ofport_request, destroy, br-to-vlan: the same commands
#    given to ovs-vsctl on a real ovsdb-server (when installed) and to sfctl
#    print the same text; maps, vlan_mode and the port number asked for
#    survive a restart.
P=swoc$$
. "$(dirname "$0")/lib/switch_lab.sh"
command -v tcpdump >/dev/null 2>&1 || skip "tcpdump missing (make deps)"

host h1 10.83.0.1
host h2 10.83.0.2
host h3 10.83.0.3
start_switch
sfctl add-br br0 || fail "add-br"
for h in h1 h2 h3; do sfctl add-port br0 ${P}$h || fail "add-port $h"; done

# Open vSwitch 3.1 itself, when installed: ovsdb-server (and ovs-vswitchd for
# a moment) in this run's directory, in a namespace of this run's.
HAVE_OVS=0
command -v ovsdb-server >/dev/null 2>&1 && command -v ovs-vsctl >/dev/null 2>&1 &&
    command -v ovs-ofctl >/dev/null 2>&1 && [ -f /usr/share/openvswitch/vswitch.ovsschema ] && HAVE_OVS=1
ovs() { ovs-vsctl --no-wait --timeout=5 --db=unix:"$T/db.sock" "$@"; }
start_ovsdb() {
    ovsdb-tool create "$T/conf.db" /usr/share/openvswitch/vswitch.ovsschema || fail "ovsdb-tool"
    ovsdb-server "$T/conf.db" --remote=punix:"$T/db.sock" --unixctl="$T/ovsdb.ctl" --no-chdir \
        --log-file="$T/ovsdb.log" 2>/dev/null &
    PIDS="$PIDS $!"
    i=0
    until ovs init 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 50 ] || fail "ovsdb-server did not start"
        sleep 0.1
    done
}
[ $HAVE_OVS = 0 ] || start_ovsdb

reach() { in_ns "$1" ping -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
must_reach() { reach "$1" "$2" || fail "$1 cannot reach $2 ($3)"; echo "ok: $1 -> $2 ($3)"; }
must_not() { if reach "$1" "$2"; then fail "$1 reaches $2 ($3)"; fi; echo "ok: $1 cannot reach $2 ($3)"; }

# --- show and dump-ports-desc ---
# port_block N NAME CONFIG STATE: the lines ovs-ofctl 3.1 prints for a veth port.
port_block() {
    printf ' %s(%s): addr:%s\n     config:     %s\n     state:      %s\n     current:    10GB-FD COPPER\n     speed: 10000 Mbps now, 0 Mbps max\n' \
        "$1" "$2" "$(cat /sys/class/net/$2/address)" "$3" "$4"
}
dpid=$(sfctl get bridge br0 datapath_id | tr -d '"')
{
    echo "OFPT_FEATURES_REPLY (xid=0x2): dpid:$dpid"
    echo "n_tables:255, n_buffers:0"
    echo "capabilities: FLOW_STATS TABLE_STATS PORT_STATS ARP_MATCH_IP"
    echo "actions: output set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst"
    port_block 1 ${P}h1 0 0
    port_block 2 ${P}h2 0 0
    port_block 3 ${P}h3 0 0
    port_block LOCAL br0 PORT_DOWN LINK_DOWN     # the bridge-local port, down until the host sets it up
    echo "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0"
} >"$T/show-want"
# A veth's carrier comes up a moment after add-port brings it up.
i=0
while sfctl show br0 | sed -n '/^ [0-9]/,+2p' | grep -q LINK_DOWN; do
    i=$((i + 1))
    [ $i -lt 50 ] || fail "ports still LINK_DOWN"
    sleep 0.1
done
sfctl show br0 >"$T/show" || fail "show br0"
cat "$T/show"
cmp -s "$T/show-want" "$T/show" || { diff "$T/show-want" "$T/show"; fail "show br0 is not ovs-ofctl's layout"; }
{ echo "OFPST_PORT_DESC reply (xid=0x2):"; sed -n '5,24p' "$T/show-want"; } >"$T/pd-want"
sfctl dump-ports-desc br0 | cmp -s "$T/pd-want" - || fail "dump-ports-desc"
# ovs-ofctl's optional PORT: a number, LOCAL or a name; a port it does not know is refused.
{ echo "OFPST_PORT_DESC reply (xid=0x2):"; port_block 2 ${P}h2 0 0; } >"$T/pd2-want"
sfctl dump-ports-desc br0 2 | cmp -s "$T/pd2-want" - || fail "dump-ports-desc br0 2"
sfctl dump-ports-desc br0 ${P}h2 | cmp -s "$T/pd2-want" - || fail "dump-ports-desc br0 NAME"
{ echo "OFPST_PORT_DESC reply (xid=0x2):"; port_block LOCAL br0 PORT_DOWN LINK_DOWN; } >"$T/pdl-want"
sfctl dump-ports-desc br0 local | cmp -s "$T/pdl-want" - || fail "dump-ports-desc br0 local"
expect_fail "br0: couldn't find port \`nosuch'" sfctl dump-ports-desc br0 nosuch
echo "ok: show, dump-ports-desc (all, by number, name and LOCAL)"
# The same against ovs-vswitchd (userspace datapath) with a veth port of its own:
# every line but the dpid, the name and MAC and the deliberate differences (docs/compat.md).
if [ $HAVE_OVS = 1 ] && command -v ovs-vswitchd >/dev/null 2>&1; then
    ip netns add ${P}ovs && NS="$NS ${P}ovs"
    ip -n ${P}ovs link add ${P}o1 type veth peer name ${P}o1p
    ip -n ${P}ovs link set ${P}o1 up && ip -n ${P}ovs link set ${P}o1p up
    ip netns exec ${P}ovs env OVS_RUNDIR="$T" ovs-vswitchd unix:"$T/db.sock" --pidfile="$T/vs.pid" --detach \
        --no-chdir --log-file="$T/vs.log" --unixctl="$T/vs.ctl" 2>/dev/null || fail "ovs-vswitchd"
    PIDS="$PIDS $(cat "$T/vs.pid")"
    ovs add-br ${P}ob -- set bridge ${P}ob datapath_type=netdev -- add-port ${P}ob ${P}o1 || fail "ovs-vsctl add-br"
    OF="ip netns exec ${P}ovs ovs-ofctl"
    i=0
    until $OF show unix:"$T/${P}ob.mgmt" 2>/dev/null | grep -q "(${P}o1)"; do
        i=$((i + 1))
        [ $i -lt 50 ] || { tail "$T/vs.log"; fail "ovs-vswitchd made no port"; }
        sleep 0.1
    done
    norm() { sed -e 's/dpid:[0-9a-f]*/dpid:D/' -e 's/ [0-9]*(\([^)]*\)): addr:.*/ N(IF): addr:MAC/' \
        -e '/^n_tables:/d' -e '/^capabilities:/d' -e '/^actions:/d' -e '/LOCAL(/,+4d'; }
    $OF show unix:"$T/${P}ob.mgmt" | norm >"$T/ovs-show"
    sfctl show br0 | norm | sed -n '1,6p;$p' >"$T/our-show"
    cat "$T/ovs-show"
    cmp -s "$T/ovs-show" "$T/our-show" || { diff "$T/ovs-show" "$T/our-show"; fail "show differs from ovs-ofctl's"; }
    $OF dump-ports-desc unix:"$T/${P}ob.mgmt" | norm >"$T/ovs-pd"
    sfctl dump-ports-desc br0 | norm | sed -n 1,6p >"$T/our-pd"
    cmp -s "$T/ovs-pd" "$T/our-pd" || { diff "$T/ovs-pd" "$T/our-pd"; fail "dump-ports-desc differs from ovs-ofctl's"; }
    $OF add-flow unix:"$T/${P}ob.mgmt" "priority=5,tcp actions=drop"
    # Counts aside, dump-aggregate and the first table of dump-tables read the same.
    nums() { sed -e 's/=[0-9][0-9]*/=N/g'; }
    for m in "" tcp; do
        # shellcheck disable=SC2086
        a=$($OF dump-aggregate unix:"$T/${P}ob.mgmt" $m | nums)
        # shellcheck disable=SC2086
        b=$(sfctl dump-aggregate br0 $m | nums)
        [ "$a" = "$b" ] || fail "dump-aggregate $m: '$b', ovs-ofctl's '$a'"
    done
    $OF dump-tables unix:"$T/${P}ob.mgmt" | sed -n 1,5p | nums >"$T/ovs-tables"
    sfctl dump-tables br0 | sed -n 1,5p | nums >"$T/our-tables"
    cmp -s "$T/ovs-tables" "$T/our-tables" || { diff "$T/ovs-tables" "$T/our-tables"; fail "dump-tables differs"; }
    $OF mod-port unix:"$T/${P}ob.mgmt" ${P}o1 down
    $OF show unix:"$T/${P}ob.mgmt" | sed -n 6,7p >"$T/ovs-down"
    sfctl mod-port br0 ${P}h1 down
    sfctl show br0 | sed -n 6,7p | cmp -s "$T/ovs-down" - || fail "show after mod-port down differs from ovs-ofctl's"
    sfctl mod-port br0 ${P}h1 up
    kill "$(cat "$T/vs.pid")"
    ovs del-br ${P}ob
    echo "ok: show, dump-ports-desc, dump-aggregate, dump-tables, mod-port read as ovs-ofctl 3.1's"
else
    echo "note: ovs-vswitchd missing; show not compared with Open vSwitch"
fi

# --- add-flows, dump-aggregate, dump-tables ---
cat >"$T/flows" <<EOF
# Open vSwitch flow file: comments and blank lines are skipped.

priority=100,in_port=1,actions=output:2   # h1 -> h2
priority=100,in_port=2 actions=output:1
EOF
sfctl add-flows br0 "$T/flows" || fail "add-flows FILE"
printf 'priority=10,arp actions=flood\npriority=0 actions=drop\n' | sfctl add-flows br0 - || fail "add-flows -"
must_reach h1 10.83.0.2 "rules of the flow files"
must_not h1 10.83.0.3 "no rule to h3"
sfctl dump-flows br0
sum=$(sfctl dump-flows br0 | sed -n 's/.*n_packets=\([0-9]*\), n_bytes=\([0-9]*\),.*/\1 \2/p' |
    awk '{ p += $1; b += $2 } END { printf "packet_count=%d byte_count=%d flow_count=%d", p, b, NR }')
agg=$(sfctl dump-aggregate br0)
echo "$agg"
[ "$agg" = "NXST_AGGREGATE reply (xid=0x4): $sum" ] || fail "dump-aggregate is not the sum of dump-flows ($sum)"
n1=$(sfctl dump-flows br0 in_port=1 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')
[ "$n1" -ge 2 ] || fail "the in_port=1 rule counted $n1 packets"
sfctl dump-aggregate br0 in_port=1 | grep -q "^NXST_AGGREGATE reply (xid=0x8): packet_count=$n1 " || fail "dump-aggregate MATCH"
sfctl dump-tables br0 >"$T/tables"
cat "$T/tables"
sed -n 3p "$T/tables" | grep -Eq '^    active=4, lookup=[0-9]+, matched=[0-9]+$' || fail "dump-tables active="
look=$(sed -n 's/.*lookup=\([0-9]*\),.*/\1/p' "$T/tables")
matched=$(sed -n 's/.*matched=\([0-9]*\)$/\1/p' "$T/tables")
[ "$matched" -ge "$n1" ] && [ "$look" -ge "$matched" ] || fail "dump-tables: lookup $look, matched $matched"
echo "ok: add-flows, dump-aggregate, dump-tables"

# --- mod-flows keeps counters; replace-flows; diff-flows ---
sfctl mod-flows br0 "in_port=1 actions=drop" || fail "mod-flows"
[ "$(sfctl dump-flows br0 in_port=1 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')" = "$n1" ] || fail "mod-flows reset the counters"
sfctl dump-flows br0 in_port=1 | grep -q "actions=drop$" || fail "mod-flows did not change the actions"
must_not h1 10.83.0.2 "in_port=1 now drops"
cat >"$T/new" <<EOF
priority=100,in_port=2 actions=output:1
priority=100,in_port=1 actions=output:2
priority=10,arp actions=flood
EOF
n2=$(sfctl dump-flows br0 in_port=2 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')
sfctl diff-flows br0 "$T/new" >"$T/diff"
st=$?
cat "$T/diff"
[ $st = 2 ] || fail "diff-flows exit status $st, not 2, for different tables"
printf 'diff-flows br0 %s\nlist-br\n' "$T/new" | sfctl --batch >"$T/bdiff"
st=$?
[ $st = 2 ] || fail "diff-flows in --batch: exit status $st, not 2"
{ cat "$T/diff"; echo br0; } | cmp -s - "$T/bdiff" || fail "diff-flows in --batch: not the same lines"
grep -qx -- "-priority=100,in_port=1 actions=drop" "$T/diff" && grep -qx -- "+priority=100,in_port=1 actions=output:2" "$T/diff" &&
    grep -qx -- "-priority=0 actions=drop" "$T/diff" || fail "diff-flows lines"
sfctl replace-flows br0 "$T/new" || fail "replace-flows"
sfctl diff-flows br0 "$T/new" >"$T/diff" || fail "diff-flows after replace-flows: $(cat "$T/diff")"
[ ! -s "$T/diff" ] || fail "diff-flows printed lines for equal tables"
[ "$(sfctl dump-flows br0 in_port=2 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')" = "$n2" ] ||
    fail "replace-flows reset the counters of an unchanged rule"
[ "$(sfctl dump-flows br0 in_port=1 | sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p')" = 0 ] ||
    fail "replace-flows kept the counters of a changed rule"
must_reach h1 10.83.0.2 "after replace-flows"
if [ $HAVE_OVS = 1 ]; then
    # The real ovs-ofctl compares two files without a switch: same lines (in any order), same status.
    ovs-ofctl diff-flows "$T/flows" "$T/new" >"$T/ovs-diff" 2>"$T/ovs-err"
    ost=$?
    sfctl diff-flows "$T/flows" "$T/new" >"$T/our-diff"
    st=$?
    cat "$T/ovs-diff"
    [ $ost = $st ] || fail "diff-flows status $st, ovs-ofctl's $ost"
    sort "$T/ovs-diff" >"$T/a"
    sort "$T/our-diff" >"$T/b"
    cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b"; fail "diff-flows differs from ovs-ofctl's"; }
    echo "ok: diff-flows prints what ovs-ofctl 3.1 prints"
else
    echo "note: ovs-ofctl missing; diff-flows not compared with Open vSwitch"
fi
sfctl del-flows br0
echo "ok: mod-flows, replace-flows, diff-flows"

# --- mod-port ---
must_reach h1 10.83.0.2 "before mod-port"
sfctl mod-port br0 ${P}h2 down || fail "mod-port down"
ip link show ${P}h2 | grep -q "state DOWN" || fail "mod-port down left the interface up"
sfctl show br0 | sed -n 10,14p >"$T/p2"
port_block 2 ${P}h2 PORT_DOWN LINK_DOWN | cmp -s - "$T/p2" || { cat "$T/p2"; fail "show after mod-port down"; }
must_not h1 10.83.0.2 "port 2 down"
grep -qx "mod-port	br0	${P}h2	down" "$T/state" || fail "mod-port down not saved"
stop_switch
start_switch
sfctl show br0 | sed -n 11p | grep -q PORT_DOWN || fail "port 2 up again after a restart"
must_not h1 10.83.0.2 "port 2 still down after a restart"
sfctl mod-port br0 2 up || fail "mod-port up (by number)"
must_reach h1 10.83.0.2 "port 2 up"
# All or nothing: a chain that fails after mod-port down brings the port up again.
expect_fail 'matches "nosuch"' sfctl -- mod-port br0 ${P}h2 down -- set bridge br0 nosuch=1
must_reach h1 10.83.0.2 "port 2 up again after a failed chain"
grep -q "^mod-port" "$T/state" && fail "a failed chain saved mod-port"
expect_fail "couldn't find port" sfctl mod-port br0 nosuch down
expect_fail "unknown mod-port command" sfctl mod-port br0 1 sideways
echo "ok: mod-port"

# --- vlan_mode on real frames ---
sfctl set port ${P}h1 tag=10 || fail "tag"
sfctl set port ${P}h2 vlan_mode=native-tagged tag=10 trunks=20 || fail "vlan_mode native-tagged"
# capture HOST N: N frames seen on HOST's eth0, link level, into $T/HOST.cap (pid CAP).
capture() {
    in_ns "$1" timeout 5 tcpdump -i eth0 -e -nn -c "$2" -l >"$T/$1.cap" 2>/dev/null &
    CAP=$!
    PIDS="$PIDS $CAP"
    sleep 1
}
capture h2 2
in_ns h1 ping -c 3 -i 0.3 -W 1 10.83.0.2 >/dev/null 2>&1
wait $CAP
cat "$T/h2.cap"
grep -q "vlan 10" "$T/h2.cap" || fail "native-tagged: the native VLAN left untagged"
capture h1 1
in_ns h2 ping -c 2 -i 0.3 -W 1 10.83.0.1 >/dev/null 2>&1
wait $CAP
cat "$T/h1.cap"
grep -q "10.83.0.2" "$T/h1.cap" || fail "native-tagged: an untagged frame did not join the native VLAN"
sfctl set port ${P}h2 vlan_mode=native-untagged || fail "vlan_mode native-untagged"
capture h2 2
must_reach h1 10.83.0.2 "native-untagged: the native VLAN untagged"
wait $CAP
if grep -q "vlan" "$T/h2.cap"; then fail "native-untagged: tagged frames on the port"; fi
sfctl set port ${P}h2 vlan_mode=trunk || fail "vlan_mode trunk"
must_not h2 10.83.0.1 "trunk: untagged frames are not VLAN 10"
sfctl set port ${P}h2 vlan_mode=access || fail "vlan_mode access"
must_reach h2 10.83.0.1 "access, VLAN 10"
grep -q "vlan_mode=access" "$T/state" || fail "vlan_mode not saved"
expect_fail "is not one of access, trunk, native-tagged, native-untagged" sfctl set port ${P}h2 vlan_mode=dot1q-tunnel
echo "ok: vlan_mode"

# --- maps and the other database pieces, against ovs-vsctl on a real ovsdb-server ---
cmds="set bridge br0 other_config:foo=bar external_ids:owner=lab
add bridge br0 other_config x=1 y=2 foo=other
get bridge br0 other_config
get bridge br0 other_config:y
remove bridge br0 other_config x=1 foo
--columns=other_config,external_ids list bridge br0
--format=json --columns=name,other_config list bridge br0
--bare --columns=other_config list bridge br0
--format=csv --columns=name,external_ids list bridge br0
--format=table --columns=name,other_config list bridge br0
--columns=name find bridge other_config:y=2
--columns=name find bridge other_config:y!=2
set port ${P}h3 vlan_mode=native-untagged tag=30 other_config:a=b
--columns=name,other_config,tag,vlan_mode list port ${P}h3
--bare --columns=name find port other_config:a=b vlan_mode=native-untagged
set interface ${P}h3 external_ids:iface-id=vm1 other_config:x=y ofport_request=7
get interface ${P}h3 external_ids:iface-id ofport_request
--columns=name,external_ids,ofport_request,other_config list interface ${P}h3
remove interface ${P}h3 external_ids iface-id
--if-exists get bridge br0 other_config:nosuch
clear bridge br0 external_ids
get bridge br0 external_ids
destroy bridge br0
br-to-vlan br0
br-to-parent br0"
echo "$cmds" | while read -r c; do
    # shellcheck disable=SC2086
    sfctl $c >>"$T/ours" 2>&1 || echo "status $?" >>"$T/ours"
done
if [ $HAVE_OVS = 1 ]; then
    ovs add-br br0 -- add-port br0 ${P}h3 || fail "ovs-vsctl add-br"
    echo "$cmds" | while read -r c; do
        # shellcheck disable=SC2086
        ovs $c >>"$T/theirs" 2>&1 || echo "status $?" >>"$T/theirs"
    done
    cat "$T/theirs"
    cmp -s "$T/theirs" "$T/ours" || { diff "$T/theirs" "$T/ours"; fail "sfctl prints otherwise than ovs-vsctl"; }
    echo "ok: maps, vlan_mode, destroy, br-to-vlan print what ovs-vsctl 3.1 prints"
else
    cat "$T/ours"
    grep -qx '{foo=other, x="1", y="2"}' "$T/ours" || fail "get other_config"
    echo "note: ovs-vsctl or ovsdb-server missing; not compared with Open vSwitch"
fi
stop_switch
start_switch
[ "$(sfctl get port ${P}h3 other_config)" = "{a=b}" ] || fail "Port other_config lost in a restart"
[ "$(sfctl get bridge br0 other_config)" = '{y="2"}' ] || fail "Bridge other_config lost in a restart"
[ "$(sfctl get port ${P}h3 vlan_mode)" = native-untagged ] || fail "vlan_mode lost in a restart"
[ "$(sfctl get interface ${P}h3 other_config)" = "{x=y}" ] || fail "Interface other_config lost in a restart"
[ "$(sfctl get interface ${P}h3 ofport ofport_request | tr '\n' ' ')" = "7 7 " ] || fail "ofport_request lost in a restart"
sfctl show br0 | grep -q "^ 7(${P}h3): addr:" || fail "show: port h3 is not OpenFlow port 7"
expect_fail 'ofport 1 is taken by' sfctl set interface ${P}h3 ofport_request=1
expect_fail 'Port column vlan_mode' sfctl set port ${P}h3 vlan_mode=bogus
expect_fail 'table QoS is not implemented' sfctl create qos type=linux-htb
expect_fail 'Interface does not contain a column whose name matches "mtu_request"' sfctl set interface ${P}h3 mtu_request=1400
echo "PASS"
