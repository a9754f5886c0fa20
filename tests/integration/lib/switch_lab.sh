# Shared set-up of the sflow-switch integration tests, sourced by
# switch_*.sh after they set P, the per-run name prefix: skip rules, the
# cleanup trap, hosts in namespaces on veths, and the daemon's start/stop.
# Every name carries the prefix P and is removed on exit (KEEP=1 keeps the
# temporary directory for a post-mortem).
set -u
BIN=${BIN:?BIN=directory of binaries}
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
[ -x "$BIN/sflow-switch" ] && [ -x "$BIN/sfctl" ] || skip "sflow-switch or sfctl not built"
command -v ip >/dev/null 2>&1 || skip "ip missing"
: "${P:?set P, the per-run name prefix, before sourcing}"
# The test runs again in a network namespace of its own (P+top), where the
# switch makes its bridges' local ports (tap devices named like the bridges)
# and the hosts' veths have their switch ends: nothing it makes is seen, or
# left, in the machine's own namespace.
if [ -z "${SFK_TOP_NS:-}" ]; then
    top=${P}top
    ip netns add "$top" 2>/dev/null || skip "cannot create network namespaces"
    ip -n "$top" link set lo up
    SFK_TOP_NS=$top ip netns exec "$top" sh "$0" "$@" &
    child=$!
    trap 'kill $child 2>/dev/null' INT TERM
    wait $child
    rc=$?
    [ $rc -lt 128 ] || { wait $child; rc=$?; }
    ip netns del "$top"
    exit $rc
fi
T=$(mktemp -d /tmp/sfk-switch.XXXXXX)
NS="" LINKS="" SPID="" PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; fi
    for n in $NS; do ip netns del "$n" 2>/dev/null; done
    for l in $LINKS; do ip link del "$l" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add ${P}x 2>/dev/null || skip "cannot create network namespaces"
ip netns del ${P}x

# host NAME ADDR: namespace P+NAME, its eth0 peered with P+NAME in this namespace.
host() {
    ns=${P}$1
    ip netns add "$ns" && NS="$NS $ns"
    ip link add "${P}$1" type veth peer name eth0 netns "$ns" && LINKS="$LINKS ${P}$1"
    # No IPv6: its multicast chatter would blur exact counts.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    sysctl -qw "net.ipv6.conf.${P}$1.disable_ipv6=1"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$2/24" dev eth0
    ip -n "$ns" link set eth0 up
}
in_ns() { n=$1; shift; ip netns exec "${P}$n" "$@"; }
sfctl() { "$BIN/sfctl" --socket "$T/sock" "$@"; }
# start_switch [OPTION...]: the daemon, in the foreground, with these options too.
start_switch() {
    "$BIN/sflow-switch" -d --socket "$T/sock" --state "$T/state" "$@" 2>>"$T/switch.log" &
    SPID=$!
    wait_switch
}
# wait_switch: until the switch just started answers on $T/sock.
wait_switch() {
    i=0
    while [ ! -S "$T/sock" ] || ! sfctl list-br >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 50 ] || { cat "$T/switch.log"; fail "switch did not start"; }
        sleep 0.1
    done
}
# start_collector PORT: sflowcollect -j on 127.0.0.1:PORT into $T/out.json (pid CPID).
start_collector() {
    "$BIN/sflowcollect" -p "$1" -b 127.0.0.1 -j >"$T/out.json" 2>"$T/collect.log" &
    CPID=$!
    PIDS="$PIDS $CPID"
}
stop_switch() {
    kill "$SPID" && wait "$SPID"
    SPID=""
}
# txp BRIDGE OFPORT: the port's tx packet count.
txp() { sfctl dump-ports "$1" "$2" | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p'; }
# expect_fail PATTERN CMD...: CMD must exit non-zero with PATTERN on stderr.
expect_fail() {
    pat=$1; shift
    if "$@" 2>"$T/err"; then fail "succeeded: $*"; fi
    grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "no '$pat' in the error of: $*"; }
    echo "ok: error for '$*': $(cat "$T/err")"
}
# veth_pair A B: a veth pair P+A <-> P+B in this namespace, without IPv6.
veth_pair() {
    ip link add "${P}$1" type veth peer name "${P}$2" && LINKS="$LINKS ${P}$1"
    sysctl -qw "net.ipv6.conf.${P}$1.disable_ipv6=1" "net.ipv6.conf.${P}$2.disable_ipv6=1"
}
# start_switch_ns NAME...: the switch in namespace P+sw of its own, with
# the switch-side ends of hosts NAME... moved there, so that the devices
# of its bridges' local ports (named like the bridges) are made there.
start_switch_ns() {
    ip netns add ${P}sw && NS="$NS ${P}sw"
    for h in "$@"; do ip link set "${P}$h" netns ${P}sw || fail "moving ${P}$h"; done
    restart_switch_ns
}
# restart_switch_ns: the switch in P+sw (again, after stop_switch).
restart_switch_ns() {
    # $! must be the switch itself (stop_switch kills it): no function around it.
    ip netns exec ${P}sw "$BIN/sflow-switch" -d --socket "$T/sock" --state "$T/state" 2>>"$T/switch.log" &
    SPID=$!
    wait_switch
}
in_sw() { ip netns exec ${P}sw "$@"; }
# loop_lab NET: the flow tests' bridge br0 on a running switch: hosts h1,
# h2, h3 at NET.1-3 on ports 1-3 (their MACs in M1, M2, M3), and a veth
# pair t0 (4) <-> t1 (5) looped back into the bridge, so that a frame can
# leave tagged and come back.
loop_lab() {
    for i in 1 2 3; do host h$i "$1.$i"; done
    veth_pair t0 t1
    M1=$(in_ns h1 cat /sys/class/net/eth0/address)
    M2=$(in_ns h2 cat /sys/class/net/eth0/address)
    M3=$(in_ns h3 cat /sys/class/net/eth0/address)
    start_switch
    sfctl add-br br0 || fail "add-br"
    for i in h1 h2 h3; do sfctl add-port br0 ${P}$i || fail "add-port $i"; done
    # The loop ports sit in a VLAN of their own, so normal switching never floods into the loop.
    for i in t0 t1; do sfctl add-port br0 ${P}$i tag=99 || fail "add-port $i"; done
}
