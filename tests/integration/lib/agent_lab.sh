# Shared set-up of the sflow-agent integration tests, sourced by agent_*.sh:
# skip rules, the cleanup trap, and a bridge in namespace SW with hosts on
# veths.  Every namespace carries the per-run prefix P and is removed on
# exit, whatever happens; so is the temporary directory T.  PIDS lists the
# processes (and their children) the test started, to stop on exit.
set -u
BIN=${BIN:?BIN=directory of binaries}
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip ping jq; do
    command -v $t >/dev/null 2>&1 || skip "$t missing (make deps)"
done
P=sfk$$-
SW=${P}sw
T=$(mktemp -d /tmp/sfk-agent.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do
        pkill -TERM -P "$p" 2>/dev/null
        kill "$p" 2>/dev/null
    done
    sleep 0.2
    for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
        case $n in "$P"*) ip netns del "$n" ;; esac
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

sw() { ip netns exec "$SW" "$@"; }
host() { h=$1; shift; ip netns exec "$P$h" "$@"; }
# lab_bridge: namespace SW (skips if it cannot be made) with bridge br0 up, no IPv6.
lab_bridge() {
    ip netns add "$SW" 2>/dev/null || skip "ip netns add failed"
    sw ip link set lo up
    sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    sw ip link add br0 type bridge
    sw ip link set br0 up
}
# addhost N: namespace P+hN, no IPv6, its eth0 10.9.0.N/24 peered with pN on br0.
addhost() {
    ip netns add "${P}h$1"
    host h$1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    sw ip link add p$1 type veth peer name eth0 netns "${P}h$1"
    sw ip link set p$1 master br0 up
    host h$1 ip addr add 10.9.0.$1/24 dev eth0
    host h$1 ip link set eth0 up
    host h$1 ip link set lo up
}
