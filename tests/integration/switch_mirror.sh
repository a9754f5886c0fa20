#!/bin/sh
# sflow-switch's port mirroring (issue #11), with Open vSwitch's Mirror
# table and the guides' command lines, checked with tcpdump on the mirror
# port's far end:
#
#  - "-- --id=@p get port P3 -- --id=@m create mirror name=m0
#    select_all=true output_port=@p -- set bridge BR mirrors=@m": h1 pings
#    h2 5 times; h3 sees exactly the 10 ICMP packets, and cannot itself
#    reach h1 (an output port forwards nothing else);
#  - the order and spelling of the Mininet scripts ("set Bridge BR
#    mirrors=@m" first, select-src-port=@p1): only h1's 5 echo requests;
#  - select_dst_port with select_vlan: h2 on access VLAN 10 receives the 5
#    requests, all VLAN 10: mirrored; select_vlan=20: none;
#  - list/get show the row; the mirror survives a restart (state file);
#  - "clear bridge BR mirrors": h3 sees nothing and reaches h1 again;
#  - output_vlan 99: h3, a trunk of VLAN 99, gets h1's requests tagged 99.
#  - del-port of a selected port leaves the mirror without it; del-port of
#    its output port removes the mirror.
P=swm$$
. "$(dirname "$0")/lib/switch_lab.sh"
command -v tcpdump >/dev/null 2>&1 || skip "tcpdump missing"

BR=${P}br
host h1 10.84.0.1
host h2 10.84.0.2
host h3 10.84.0.3
start_switch_ns h1 h2 h3
sfctl add-br "$BR" || fail "add-br"
for h in h1 h2 h3; do sfctl add-port "$BR" ${P}$h || fail "add-port"; done
# Learn the addresses first, so that h3 would see none of the pings unmirrored.
in_ns h1 ping -c 1 -W 1 10.84.0.2 >/dev/null || fail "h1 cannot reach h2"
in_ns h3 ping -c 1 -W 1 10.84.0.1 >/dev/null || fail "h3 cannot reach h1"

# seen NAME [VLAN]: ping h1 -> h2 five times while tcpdump runs on h3's
# eth0; prints how many ICMP packets it captured ("requests replies"),
# untagged or, with VLAN, tagged with it.
seen() {
    vl=${2:+vlan $2 and }
    # Not through in_ns: $! must be tcpdump itself.
    ip netns exec ${P}h3 tcpdump -i eth0 -nn -U -w "$T/$1.pcap" "${vl}icmp" >/dev/null 2>"$T/$1.tcpdump" &
    td=$!
    sleep 1
    in_ns h1 ping -c 5 -i 0.2 -W 1 10.84.0.2 >/dev/null || fail "$1: h1 cannot reach h2"
    sleep 0.5
    kill "$td"
    wait "$td" 2>/dev/null
    req=$(tcpdump -r "$T/$1.pcap" -nn "${vl}icmp[icmptype] == icmp-echo" 2>/dev/null | wc -l)
    rep=$(tcpdump -r "$T/$1.pcap" -nn "${vl}icmp[icmptype] == icmp-echoreply" 2>/dev/null | wc -l)
    echo "$req $rep"
}

[ "$(seen none)" = "0 0" ] || fail "h3 sees the pings without a mirror"
sfctl -- --id=@p get port ${P}h3 -- --id=@m create mirror name=m0 select_all=true output_port=@p \
    -- set bridge "$BR" mirrors=@m >"$T/uuid" || fail "the guides' mirror"
UUID=$(cat "$T/uuid")
[ "$(sfctl get bridge "$BR" mirrors)" = "[$UUID]" ] || fail "get bridge mirrors: not [$UUID]"
sfctl list mirror | tee "$T/list"
grep -qx 'name                : m0' "$T/list" || fail "list mirror: name"
grep -qx "output_port         : $(sfctl get port ${P}h3 _uuid)" "$T/list" || fail "list mirror: output_port"
grep -qx 'select_all          : true' "$T/list" || fail "list mirror: select_all"
got=$(seen all)
echo "select_all: h3 sees $got (requests replies)"
[ "$got" = "5 5" ] || fail "select_all: h3 saw $got, not 5 5"
if in_ns h3 ping -c 1 -W 1 10.84.0.1 >/dev/null 2>&1; then fail "the output port still forwards"; fi
echo "ok: select_all mirror, its output port forwards nothing else"

# The Mininet scripts' order and spelling; it replaces m0.
sfctl -- set Bridge "$BR" mirrors=@m -- --id=@h1 get Port ${P}h1 -- --id=@h3 get Port ${P}h3 \
    -- --id=@m create Mirror name=m1 select-src-port=@h1 output-port=@h3 >/dev/null || fail "the scripts' mirror"
[ "$(sfctl --bare --columns=name list mirror)" = m1 ] || fail "m1 did not replace m0"
got=$(seen src)
echo "select_src_port h1: h3 sees $got"
[ "$got" = "5 0" ] || fail "select_src_port: h3 saw $got, not 5 0"
echo "ok: select-src-port, set before create"

# Destination and VLAN: h2 on access VLAN 10 (h1 too, so they still talk).
sfctl set port ${P}h1 tag=10 && sfctl set port ${P}h2 tag=10 || fail "tag"
sfctl -- --id=@m create mirror name=m2 select_dst_port=${P}h2 select_vlan=10 output_port=${P}h3 \
    -- set bridge "$BR" mirrors=@m >/dev/null || fail "select_dst_port mirror"
got=$(seen dst)
echo "select_dst_port h2, VLAN 10: h3 sees $got"
[ "$got" = "5 0" ] || fail "select_dst_port + select_vlan 10: h3 saw $got, not 5 0"
sfctl set mirror m2 select_vlan=20 || fail "set mirror select_vlan"
got=$(seen vlan20)
[ "$got" = "0 0" ] || fail "select_vlan 20: h3 saw $got of VLAN 10 traffic"
echo "ok: select_dst_port, select_vlan"
sfctl set mirror m2 select_vlan=[] || fail "clear select_vlan"

stop_switch
grep "^add-mirror" "$T/state" || fail "no mirror in the state file"
restart_switch_ns
[ "$(sfctl --bare --columns=name list mirror)" = m2 ] || fail "the mirror did not survive a restart"
in_ns h1 ping -c 1 -W 1 10.84.0.2 >/dev/null     # The MAC table starts empty.
got=$(seen restart)
[ "$got" = "5 0" ] || fail "after the restart: h3 saw $got, not 5 0"
echo "ok: restart keeps the mirror"

sfctl clear bridge "$BR" mirrors || fail "clear bridge mirrors"
[ "$(sfctl get bridge "$BR" mirrors)" = "[]" ] || fail "mirrors not cleared"
[ "$(seen cleared)" = "0 0" ] || fail "h3 still sees the pings"
sfctl set port ${P}h3 tag=10 || fail "tag h3"
in_ns h3 ping -c 1 -W 1 10.84.0.1 >/dev/null || fail "h3 cannot reach h1 once the mirror is gone"
# output_vlan: h3 trunks VLAN 99 and gets h1's packets tagged 99 (h2, on VLAN 10 only, none).
sfctl clear port ${P}h3 tag -- set port ${P}h3 trunks=99 || fail "h3 trunk of 99"
sfctl -- --id=@m create mirror name=v select_src_port=${P}h1 output_vlan=99 \
    -- set bridge "$BR" mirrors=@m >/dev/null || fail "output_vlan mirror"
got=$(seen ovlan 99)
echo "output_vlan 99: h3 sees $got tagged 99"
[ "$got" = "5 0" ] || fail "output_vlan: h3 saw $got tagged 99, not 5 0"
sfctl clear bridge "$BR" mirrors || fail "clear bridge mirrors"
echo "ok: output_vlan"
expect_fail "exactly one of output_port and output_vlan" \
    sfctl -- --id=@m create mirror name=bad select_all=true -- set bridge "$BR" mirrors=@m
echo "ok: clear bridge mirrors"
# A removed port leaves the selections it was in; the mirror it was the output of goes with it.
sfctl -- --id=@m create mirror name=g select_src_port=${P}h2 select_dst_port=${P}h1 output_port=${P}h3 \
    -- set bridge "$BR" mirrors=@m >/dev/null || fail "mirror g"
sfctl del-port "$BR" ${P}h2 || fail "del-port h2"
[ "$(sfctl --bare --columns=name list mirror)" = g ] || fail "removing a selected port removed the mirror"
[ "$(sfctl get mirror g select_src_port)" = "[]" ] || fail "select_src_port still names the removed port"
[ "$(sfctl get mirror g select_dst_port)" = "[$(sfctl get port ${P}h1 _uuid)]" ] || fail "select_dst_port lost h1"
sfctl del-port "$BR" ${P}h3 || fail "del-port h3"
[ -z "$(sfctl --bare --columns=name list mirror)" ] && [ "$(sfctl get bridge "$BR" mirrors)" = "[]" ] ||
    fail "the mirror outlived its output port"
echo "ok: ports removed from a mirror"
sfctl del-br "$BR"
echo "PASS"
