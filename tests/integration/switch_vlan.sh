#!/bin/sh
# sflow-switch VLANs: two bridges in one daemon joined by a veth trunk.
#
#   br0: a1 (tag=10), a2 (tag=20), trunk t0 (trunks=10,20)
#   br1: b1 (tag=10), b2 (tag=20), trunk t1 (all VLANs),
#        b3 (tag=10 trunks=20: native VLAN 10 untagged, VLAN 20 tagged)
#
# Same-VLAN hosts reach each other across the trunk, with 802.1Q tags on
# it; different VLANs never do, on the same bridge or across; the native
# VLAN is untagged and the trunked one tagged on b3's port.
P=swv$$
. "$(dirname "$0")/lib/switch_lab.sh"

host a1 10.78.0.1
host a2 10.78.0.2
host b1 10.78.0.3
host b2 10.78.0.4
host b3 10.78.0.5
# b3 also speaks VLAN 20, tagged, on a subinterface (if the kernel has 8021q).
VLANDEV=0
if in_ns b3 ip link add link eth0 name eth0.20 type vlan id 20 2>/dev/null; then
    in_ns b3 ip addr add 10.78.0.6/24 dev eth0.20
    in_ns b3 ip link set eth0.20 up
    VLANDEV=1
else
    echo "note: no 8021q in this kernel; tagged-host checks skipped"
fi
veth_pair t0 t1
start_switch
sfctl add-br br0 && sfctl add-br br1 || fail "add-br"
sfctl add-port br0 ${P}a1 tag=10 || fail "add-port"
sfctl add-port br0 ${P}a2 tag=20 || fail "add-port"
sfctl add-port br0 ${P}t0 trunks=10,20 || fail "add-port"
sfctl add-port br1 ${P}b1 tag=10 || fail "add-port"
sfctl add-port br1 ${P}b2 || fail "add-port"
sfctl set port ${P}b2 tag=20 || fail "set port"
sfctl add-port br1 ${P}t1 || fail "add-port"
sfctl add-port br1 ${P}b3 tag=10 trunks=20 || fail "add-port"
sfctl show

reach() { in_ns "$1" ping -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
must_reach() { reach "$1" "$2" || fail "$1 cannot reach $2 ($3)"; echo "ok: $1 -> $2 ($3)"; }
must_not() { if reach "$1" "$2"; then fail "$1 reaches $2 ($3)"; fi; echo "ok: $1 cannot reach $2 ($3)"; }

must_reach a1 10.78.0.3 "VLAN 10 across the trunk"
must_reach a2 10.78.0.4 "VLAN 20 across the trunk"
must_not a1 10.78.0.2 "VLAN 10 vs 20 on one bridge"
must_not a1 10.78.0.4 "VLAN 10 vs 20 across the trunk"
must_not b2 10.78.0.3 "VLAN 20 vs 10 on br1"
must_reach b3 10.78.0.1 "native VLAN 10, untagged on b3"
[ $VLANDEV = 0 ] || must_reach a2 10.78.0.6 "VLAN 20 tagged on b3's trunk port"
must_not b3 10.78.0.2 "b3's untagged traffic is VLAN 10, not 20"

# The trunk carries tags: capture on t0 while a1 pings b1.
if command -v tcpdump >/dev/null 2>&1; then
    timeout 5 tcpdump -i ${P}t0 -e -nn -c 4 icmp >"$T/tcpdump" 2>/dev/null &
    TD=$!
    PIDS="$PIDS $TD"
    sleep 1
    in_ns a1 ping -c 3 -i 0.2 -W 1 10.78.0.3 >/dev/null
    wait "$TD"
    cat "$T/tcpdump"
    grep -q "vlan 10" "$T/tcpdump" || fail "no 802.1Q tag 10 on the trunk"
    if grep -q "vlan 20" "$T/tcpdump"; then fail "VLAN 20 seen for VLAN 10 traffic"; fi
    echo "ok: trunk frames are tagged"
fi
sfctl fdb-show br1
sfctl fdb-show br1 | grep -q " 10  " || fail "no address learned on VLAN 10"
sfctl fdb-show br1 | grep -q " 20  " || fail "no address learned on VLAN 20"
expect_fail "trunks" sfctl set port ${P}b1 trunks=10,abc
echo "PASS"
