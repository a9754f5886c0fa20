#!/bin/sh
# sflow-emu's link shaping, as Mininet's TCLink: --link tc,bw=10 puts htb
# on both ends of every link (tc sees it) and iperf3 between h1 and h2
# measures 8-10.5 Mbit/s; a topology file's link line and a MiniEdit .mn
# file shape their own links only; --link tc,delay=5ms either adds the
# delay (a kernel with netem: ping's round trip) or, without netem, exits
# 2 naming the setting and the module and builds nothing.  A shaped link
# deleted from outside and made again by "link up" is shaped again.
# env: BIN (programs).  Root, ip netns, tc and iperf3 required, else skipped (77).
. "$(dirname "$0")/lib/emu_lab.sh" iperf3 tc
tmp=$(mktemp -d /tmp/emu-tc.XXXXXX)
probe=emutc$$
emu=""
cleanup() {
    exec 3>&- 2>/dev/null
    [ -n "$emu" ] && kill "$emu" 2>/dev/null && wait "$emu" 2>/dev/null
    ip netns del "$probe" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
bad() { echo "FAIL $*"; fail=1; }

# run NAME ARGS...: sflow-emu ARGS, its CLI given the commands of
# $tmp/NAME.cmds once the network is up (@P@ there is the run's prefix,
# in $p); output in $tmp/NAME.out.
run() {
    name=$1; shift
    rm -f "$tmp/in"; mkfifo "$tmp/in"
    "$EMU" --no-sflow "$@" <"$tmp/in" >"$tmp/$name.out" 2>&1 &
    emu=$!
    exec 3>"$tmp/in"
    i=0
    until grep -q 'ready (' "$tmp/$name.out" 2>/dev/null || ! kill -0 $emu 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 600 ] && break; sleep 0.1
    done
    p=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$tmp/$name.out")
    [ -n "$p" ] || { bad "$name: no run prefix"; cat "$tmp/$name.out"; }
    sed "s/@P@/$p/g" "$tmp/$name.cmds" >&3
    exec 3>&-
    wait $emu || bad "$name: exit status $?"
    emu=""
}
has() { grep -q -- "$2" "$tmp/$1.out" || { bad "$3"; cat "$tmp/$1.out"; }; }
hasnt() { grep -q -- "$2" "$tmp/$1.out" && { bad "$3"; cat "$tmp/$1.out"; }; }

# --link tc,bw=10 on single,2: both ends of both links, then iperf3.
cat >"$tmp/bw.cmds" <<'EOF'
h1 tc qdisc show dev h1-eth0
h2 tc class show dev h2-eth0
sh echo switch-ends; tc class show dev @P@s1-eth1; tc class show dev @P@s1-eth2
iperf h1 h2
exit
EOF
run bw --topo single,2 --link tc,bw=10
has bw '^qdisc htb 5: root .*default 0x1' "bw: htb at h1's end"
has bw '^class htb 5:1 root .*rate 10Mbit ceil 10Mbit burst 15Kb' "bw: h2's class"
ip -o link show | grep -qE "^[0-9]+: $p[sp]" && bad "bw: $p's links left behind"
# The switch ends are in the root namespace: tc there sees them while the run lives.
[ "$(grep -A2 '^switch-ends$' "$tmp/bw.out" | grep -c 'class htb 5:1 root .*rate 10Mbit')" = 2 ] ||
    { bad "bw: the switch's ends"; cat "$tmp/bw.out"; }
rate=$(sed -n "s/^\*\*\* Results: \['\([0-9.]*\) Mbits\/sec', .*/\1/p" "$tmp/bw.out")
echo "iperf3 h1 -> h2 over --link tc,bw=10: server ${rate:-?} Mbit/s ($(grep Results "$tmp/bw.out"))"
awk -v r="${rate:-0}" 'BEGIN { exit !(r >= 8 && r <= 10.5) }' || { bad "bw=10: iperf3 measured ${rate:-?} Mbit/s, want 8-10.5"; cat "$tmp/bw.out"; }

# A topology file shapes the links it says: h1's at 5 Mbit/s with a queue of 30, h2's not at all.
cat >"$tmp/own.topo" <<'EOF'
switch s1
host h1
host h2
link h1 s1 bw=5 max_queue_size=30
link h2 s1
EOF
cat >"$tmp/own.cmds" <<'EOF'
h1 tc class show dev h1-eth0
h1 tc qdisc show dev h1-eth0
h2 tc qdisc show dev h2-eth0
pingall
links
sh ip link delete @P@s1-eth1
link s1 h1 up
sh echo remade; tc class show dev @P@s1-eth1
h1 tc class show dev h1-eth0
exit
EOF
run own --topo-file "$tmp/own.topo"
# A link deleted from outside and made again by "link up" gets its qdiscs again, both ends.
[ "$(sed -n '/^remade$/,$p' "$tmp/own.out" | grep -c '^class htb 5:1 root .*rate 5Mbit')" = 2 ] ||
    { bad "file: qdiscs of a link made again"; cat "$tmp/own.out"; }
has own '^class htb 5:1 root .*rate 5Mbit' "file: h1's link at 5 Mbit/s"
has own '^qdisc pfifo 10: parent 5:1 limit 30p' "file: max_queue_size as the queue's limit"
has own '^qdisc noqueue 0: root' "file: h2's link untouched"
has own '0% dropped (2/2 received)' "file: pingall"
has own '^h1-eth0<->s1-eth1 (OK OK) bw=5 max_queue_size=30 $' "file: links shows the settings"
has own '^h2-eth0<->s1-eth2 (OK OK) $' "file: links of a plain link"

# MiniEdit's .mn: the same from its JSON, hosts' addresses from "ip".
cat >"$tmp/lab.mn" <<'EOF'
{
    "application": { "dpctl": "", "ipBase": "10.0.0.0/8", "netflow": { "nflowAddId": "0" },
                     "openFlowVersions": { "ovsOf10": "1" }, "startCLI": "0", "switchType": "ovs" },
    "controllers": [ { "opts": { "controllerProtocol": "tcp", "controllerType": "ref",
                                 "hostname": "c0", "remoteIP": "127.0.0.1", "remotePort": 6633 },
                       "x": "100.0", "y": "100.0" } ],
    "hosts": [
        { "number": "1", "opts": { "hostname": "h1", "nodeNum": 1, "sched": "host", "ip": "10.0.0.11" },
          "x": "50.0", "y": "300.0" },
        { "number": "2", "opts": { "hostname": "h2", "nodeNum": 2, "sched": "host" },
          "x": "250.0", "y": "300.0" } ],
    "links": [
        { "dest": "s1", "opts": { "bw": 2, "max_queue_size": 40 }, "src": "h1" },
        { "dest": "h2", "opts": {}, "src": "s1" } ],
    "switches": [ { "number": "1", "opts": { "controllers": [ "c0" ], "hostname": "s1",
                                             "nodeNum": 1, "switchType": "default" },
                    "x": "150.0", "y": "200.0" } ],
    "version": "2"
}
EOF
cat >"$tmp/mn.cmds" <<'EOF'
h1 tc class show dev h1-eth0
h1 tc qdisc show dev h1-eth0
h2 tc qdisc show dev h2-eth0
h1 ip -4 -o addr show dev h1-eth0
h2 ip -4 -o addr show dev h2-eth0
pingall
exit
EOF
run mn --topo-file "$tmp/lab.mn"
has mn '^class htb 5:1 root .*rate 2Mbit' ".mn: h1's link at 2 Mbit/s"
has mn '^qdisc pfifo 10: parent 5:1 limit 40p' ".mn: max_queue_size"
has mn '^qdisc noqueue 0: root' ".mn: h2's link untouched"
has mn 'inet 10.0.0.11/8' ".mn: h1's ip"
has mn 'inet 10.0.0.2/8' ".mn: h2's address from its nodeNum"
has mn '0% dropped (2/2 received)' ".mn: pingall"

# delay needs netem: does this kernel have it?  (Asked in a namespace of our own.)
netem=no
ip netns add "$probe" && ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms 2>/dev/null && netem=yes
ip netns del "$probe" 2>/dev/null
if [ $netem = no ]; then
    "$EMU" --no-sflow --topo single,2 --link tc,delay=5ms --test build >"$tmp/delay.out" 2>&1
    rc=$?
    [ $rc = 2 ] || bad "delay without netem: exit $rc, want 2"
    has delay 'delay=5ms.*no netem qdisc (module sch_netem' "delay without netem: the message"
    # Nothing built: no run started (counting sfe* namespaces would count other runs too).
    hasnt delay 'ready (' "delay without netem: something was built"
    echo "no netem here: --link tc,delay=5ms says: $(cat "$tmp/delay.out")"
else
    printf 'h1 ping -c3 -i0.2 h2\nexit\n' >"$tmp/delay.cmds"
    run delay --topo single,2 --link tc,delay=5ms
    # Four ends of 5 ms each on the way there and back: 20 ms at the least.
    avg=$(sed -n 's/^rtt min\/avg\/max\/mdev = [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$tmp/delay.out")
    awk -v a="${avg:-0}" 'BEGIN { exit !(a >= 19) }' || { bad "delay=5ms: rtt avg ${avg:-?} ms, want 20 or more"; cat "$tmp/delay.out"; }
fi
[ $fail = 0 ] && echo "ok: --link tc and per-link settings shape links as Mininet's TCLink"
exit $fail
