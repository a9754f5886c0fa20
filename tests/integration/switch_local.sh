#!/bin/sh
# sflow-switch's bridge-local port (issue #11): add-br makes a device named
# like the bridge, OpenFlow port LOCAL, through which the host reaches the
# hosts behind the bridge, as with Open vSwitch's internal port:
#
#  - the switch runs in a namespace of its own, so the device is made
#    there; the bridge name is this run's;
#  - the device is a tap, down, with the same Ethernet address after a
#    restart; "ip addr add" and "ip link set up" on it, then ping both
#    ways between it and a host behind the bridge, and 50 MB of TCP each
#    way (iperf3; GSO super-frames cross the tap whole);
#  - show lists it as "type: internal", list-ports does not, del-port
#    and ofport_request refuse it, dump-ports LOCAL counts its packets;
#  - rules with in_port=LOCAL and output:LOCAL carry the pings;
#  - it is an sFlow data source (flow and counter samples with its ifIndex);
#  - after a restart from the saved state the device is back, with its
#    Port columns (tag, other_config); del-br
#    removes it.
P=swl$$
. "$(dirname "$0")/lib/switch_lab.sh"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

BR=${P}br
host h1 10.83.0.1
host h2 10.83.0.2
mac() { in_sw ip -o link show "$BR" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
# up_local: the guides' two lines on the bridge's device.
up_local() {
    in_sw ip addr add 10.83.0.254/24 dev "$BR" || fail "ip addr add on $BR"
    in_sw ip link set "$BR" up || fail "ip link set $BR up"
    sleep 0.3           # The switch reads the device's state every 100 ms.
}
reach_sw() { in_sw ping -c 2 -i 0.2 -W 1 "$1" >/dev/null 2>&1; }

start_switch_ns h1 h2
sfctl add-br "$BR" || fail "add-br"
for h in h1 h2; do sfctl add-port "$BR" ${P}$h || fail "add-port"; done
in_sw ip -d link show "$BR" >"$T/link" || fail "add-br made no device $BR"
cat "$T/link"
grep -q "tun type tap" "$T/link" || fail "$BR is not a tap device"
grep -q "state DOWN" "$T/link" || fail "$BR is not created down"
if ip link show "$BR" >/dev/null 2>&1; then fail "$BR made outside the switch's namespace"; fi
MAC1=$(mac)
echo "ok: $BR is a tap, down, address $MAC1"

up_local
reach_sw 10.83.0.1 || fail "the host cannot reach h1 through $BR"
echo "ok: $BR (10.83.0.254) -> h1"
in_ns h2 ping -c 2 -i 0.2 -W 1 10.83.0.254 >/dev/null || fail "h2 cannot reach $BR"
echo "ok: h2 -> $BR"
# TCP both ways: the host's GSO super-frames go through the tap whole (vnet headers).
if command -v iperf3 >/dev/null 2>&1; then
    IPORT=$((20000 + $$ % 20000))
    for dir in "" -R; do
        ip netns exec ${P}h1 iperf3 -s -1 -p $IPORT >/dev/null 2>&1 &
        PIDS="$PIDS $!"
        sleep 0.5
        in_sw timeout 20 iperf3 -c 10.83.0.1 -p $IPORT -n 50M $dir >"$T/iperf" 2>&1 ||
            { cat "$T/iperf"; fail "50 MB of TCP ${dir:-to} h1 ${dir:+from h1} through $BR did not arrive"; }
    done
    echo "ok: 50 MB of TCP each way between $BR and h1"
else
    echo "note: no iperf3; TCP through $BR not checked"
fi

sfctl show >"$T/show"
cat "$T/show"
grep -A2 "Port $BR\$" "$T/show" | grep -q "type: internal" || fail "show: no type: internal for $BR"
sfctl list-ports "$BR" >"$T/ports"
if grep -qx "$BR" "$T/ports"; then fail "list-ports lists the local port"; fi
[ "$(sfctl get interface "$BR" ofport)" = 65534 ] || fail "the local port is not ofport 65534"
[ "$(sfctl get interface "$BR" type)" = internal ] || fail "Interface type of $BR"
expect_fail "local port" sfctl del-port "$BR" "$BR"
# Its number stays LOCAL: ofport_request is refused (it once wrote past the port table).
expect_fail "always LOCAL" sfctl set interface "$BR" ofport_request=5
[ "$(sfctl get interface "$BR" ofport)" = 65534 ] || fail "ofport_request moved the local port"
[ "$(sfctl get interface "$BR" ofport_request)" = "[]" ] || fail "a refused ofport_request was kept"
sfctl dump-ports "$BR" LOCAL >"$T/dp"
cat "$T/dp"
rx=$(sed -n 's/.*port LOCAL: rx pkts=\([0-9]*\).*/\1/p' "$T/dp")
[ "${rx:-0}" -ge 4 ] || fail "dump-ports LOCAL: rx pkts ${rx:-none}, want at least the 4 pings out"

# Rules naming LOCAL: only they carry the pings between the host and h1.
sfctl add-flow "$BR" "priority=100,in_port=LOCAL,actions=output:1" || fail "add-flow in_port=LOCAL"
sfctl add-flow "$BR" "priority=100,in_port=1,actions=output:LOCAL" || fail "add-flow output:LOCAL"
reach_sw 10.83.0.1 || fail "in_port=LOCAL / output:LOCAL rules do not carry the pings"
sfctl dump-flows "$BR" | tee "$T/flows"
n=$(sed -n 's/.*n_packets=\([0-9]*\).*in_port=LOCAL.*/\1/p' "$T/flows")
[ "${n:-0}" -ge 2 ] || fail "the in_port=LOCAL rule counted ${n:-no} packets"
if in_ns h2 ping -c 1 -W 1 10.83.0.254 >/dev/null 2>&1; then fail "h2 reaches $BR without a rule"; fi
sfctl del-flows "$BR" || fail "del-flows"
echo "ok: in_port=LOCAL and output:LOCAL rules"

# An sFlow data source like any port, as in Open vSwitch: the host's pings
# out of LOCAL are sampled (1 in 1) with its ifIndex as their input, and it
# has counter samples under its own name.  The collector listens where the
# switch is, on that namespace's loopback ($! is the collector: no function).
if command -v jq >/dev/null 2>&1 && [ -x "$BIN/sflowcollect" ]; then
    SFPORT=$((40000 + $$ % 20000))
    in_sw ip link set lo up
    ip netns exec ${P}sw "$BIN/sflowcollect" -4 -b 127.0.0.1 -p $SFPORT -j >"$T/sf.json" 2>"$T/sf.log" &
    SFPID=$!
    PIDS="$PIDS $SFPID"
    sleep 1
    sfctl set-sflow "$BR" target=127.0.0.1:$SFPORT sampling=1 polling=1 agent=127.0.0.1 || fail "set-sflow"
    reach_sw 10.83.0.1 || fail "no pings with sFlow on"
    sleep 2.5                   # Counters every second; datagrams wait a second at most.
    sfctl clear-sflow "$BR" || fail "clear-sflow"
    kill "$SFPID" && wait "$SFPID"
    LIF=$(in_sw cat /sys/class/net/"$BR"/ifindex)
    n=$(jq -r --arg s "0:$LIF" '.samples[] | select(.sampleType_tag == "0:3" and .sourceId == $s) |
        .elements[] | select(.flowBlock_tag == "0:1" and .srcIP == "10.83.0.254") | .dstIP' "$T/sf.json" | grep -c '^10\.83\.0\.1$')
    [ "$n" -ge 2 ] || { cat "$T/sf.log"; fail "$n flow samples of LOCAL's pings to h1 (ifIndex $LIF), want 2 or more"; }
    c=$(jq -r --arg s "0:$LIF" '.samples[] | select(.sampleType_tag == "0:4" and .sourceId == $s) |
        .elements[] | select(.counterBlock_tag == "0:1005") | .ifName // .portName' "$T/sf.json" | sort -u)
    [ "$c" = "$BR" ] || fail "counter samples of LOCAL (ifIndex $LIF) name '$c', want $BR"
    echo "ok: LOCAL is an sFlow data source: $n samples of its pings, counters as $BR"
else
    echo "note: no jq or sflowcollect; LOCAL's sFlow not checked"
fi

# Its Port columns are saved too (add-br makes the port; set lines restore them).
sfctl set port "$BR" tag=7 other_config:k=v || fail "set port $BR"
stop_switch
if in_sw ip link show "$BR" >/dev/null 2>&1; then fail "$BR outlives the switch"; fi
restart_switch_ns
in_sw ip link show "$BR" >/dev/null 2>&1 || { cat "$T/switch.log"; fail "restart did not make $BR again"; }
[ "$(sfctl get port "$BR" tag)" = 7 ] && [ "$(sfctl get port "$BR" other_config:k)" = v ] ||
    { cat "$T/state"; fail "the local port's tag or other_config was not restored"; }
sfctl clear port "$BR" tag || fail "clear port $BR tag"
[ "$(mac)" = "$MAC1" ] || fail "$BR's address changed across the restart: $(mac), was $MAC1"
up_local
reach_sw 10.83.0.2 || fail "after the restart the host cannot reach h2"
echo "ok: restart: $BR back, same address, reaches h2"
sfctl del-br "$BR" || fail "del-br"
if in_sw ip link show "$BR" >/dev/null 2>&1; then fail "del-br left $BR"; fi
echo "ok: del-br removed $BR"
echo "PASS"
