#!/bin/sh
# sflow-agent's cost to a Linux bridge: a flood of small UDP packets
# (iperf3, 64-byte payloads, unlimited rate) from one namespace to another
# through a bridge, forwarded packets/s with no agent, with the agent at
# 1-in-256 and at 1-in-16, and the agent's CPU time per forwarded packet.
#
# usage: sh tests/bench/agent_bench.sh BIN_DIR    (root; AGENT_BENCH_SECONDS, default 4)
# Forwarded = packets the bridge sent out of the receiver's port (tx_packets
# of that veth), over the flood's wall time.  CPU = utime + stime of the
# agent from /proc/PID/stat.  Every namespace carries a per-run prefix and
# is removed on exit.
set -u
BIN=$(cd "${1:?usage: sh tests/bench/agent_bench.sh BIN_DIR}" && pwd)
SECS=${AGENT_BENCH_SECONDS:-4}
[ "$(id -u)" = 0 ] || { echo "agent bench: needs root, skipped"; exit 0; }
for t in ip iperf3; do
    command -v $t >/dev/null 2>&1 || { echo "agent bench: $t missing (make deps), skipped"; exit 0; }
done
[ -x "$BIN/sflow-agent" ] || { echo "agent bench: $BIN/sflow-agent missing" >&2; exit 1; }

P=sfkb$$-
SW=${P}sw
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
        case $n in "$P"*) ip netns del "$n" ;; esac
    done
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$SW" || { echo "agent bench: ip netns add failed, skipped"; exit 0; }
sw() { ip netns exec "$SW" "$@"; }
sw ip link set lo up
sw ip link add br0 type bridge
sw ip link set br0 up
for i in 1 2; do
    ip netns add "${P}h$i"
    ip netns exec "${P}h$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    sw ip link add p$i type veth peer name eth0 netns "${P}h$i"
    sw ip link set p$i master br0 up
    ip -n "${P}h$i" addr add 10.9.0.$i/24 dev eth0
    ip -n "${P}h$i" link set eth0 up
    ip -n "${P}h$i" link set lo up
done
ip netns exec "${P}h2" iperf3 -s -p 5299 >/dev/null 2>&1 &
PIDS="$PIDS $!"
# A collector that discards: the agent's cost, not a decoder's.
ip netns exec "$SW" "$BIN/sflowcollect" -p 6393 -b 127.0.0.1 -q >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 1

tx() { sw cat /sys/class/net/p2/statistics/tx_packets; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# One flood; prints "PACKETS_PER_SECOND AGENT_CPU_SECONDS".
flood() {
    rate=$1
    apid=""
    if [ "$rate" != none ]; then
        ip netns exec "$SW" "$BIN/sflow-agent" -d -b br0 -c 127.0.0.1:6393 -s "$rate" -p 20 \
            -a 127.0.0.1 2>/dev/null &
        apid=$!
        sleep 1
        c0=$(ticks $apid)
    fi
    p0=$(tx)
    t0=$(date +%s%N)
    ip netns exec "${P}h1" iperf3 -c 10.9.0.2 -p 5299 -u -b 0 -l 64 -t "$SECS" >/dev/null 2>&1
    t1=$(date +%s%N)
    p1=$(tx)
    cpu=0
    if [ -n "$apid" ]; then
        c1=$(ticks $apid)
        cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN { print (b - a) / hz }')
        kill "$apid"
        wait "$apid" 2>/dev/null
    fi
    awk -v n=$((p1 - p0)) -v ns=$((t1 - t0)) -v cpu="$cpu" 'BEGIN { printf "%.0f %s %d\n", n / (ns / 1e9), cpu, n }'
}

echo "sflow-agent bench: bridge br0 between two namespaces, iperf3 UDP flood (64-byte payloads), ${SECS}s per run"
printf "%-18s %14s %10s %12s %16s\n" "agent" "forwarded/s" "vs none" "agent CPU s" "CPU ns/packet"
base=""
for r in none 256 16; do
    set -- $(flood $r)
    pps=$1 cpu=$2 n=$3
    [ -n "$base" ] || base=$pps
    label=$([ $r = none ] && echo "none" || echo "1-in-$r")
    awk -v l="$label" -v p="$pps" -v b="$base" -v c="$cpu" -v n="$n" 'BEGIN {
        printf "%-18s %14.0f %9.1f%% %12.2f %16s\n", l, p, p / b * 100, c,
            (l == "none" ? "-" : sprintf("%.1f", c * 1e9 / n)) }'
done
