#!/bin/sh
# sflow-switch beside a Linux bridge, measured in the same run on the same
# namespaces: TCP throughput (1 and 4 streams), small-UDP packets/s and the
# average ping RTT, with sFlow off, 1-in-64 and 1-in-1 on the switch; the
# cost of sFlow as the switch's CPU time per forwarded packet during a
# fixed-rate UDP flood (throughput on a shared 2-core machine varies too
# much between runs to resolve a few per cent); then
# the time to add and remove BENCH_SWITCH_PORTS ports in one sfctl --batch
# and the switch's memory with them.
#
# usage: sh tests/bench/switch_bench.sh BIN_DIR
#   BENCH_SWITCH_SECONDS  seconds per measurement (default 5)
#   BENCH_SWITCH_PORTS    ports added and removed at the end (default 1000)
#   BENCH_SWITCH_PPS      packets/s of the fixed-rate flood for the sFlow
#                         cost (default 20000, well below the switch's max)
#
# Everything lives in three namespaces named with a per-run prefix: h1 and
# h2 (the hosts) and sw (the Linux bridge or the switch, its sFlow
# collector); they are removed on exit.  Traffic: iperf3 (TCP; UDP with
# 64-byte payloads at full speed, counting packets the receiver got).
set -u
BIN=$(cd "${1:?usage: sh tests/bench/switch_bench.sh BIN_DIR}" && pwd)
SECS=${BENCH_SWITCH_SECONDS:-5}
NPORTS=${BENCH_SWITCH_PORTS:-1000}
PPS=${BENCH_SWITCH_PPS:-20000}
skip() { echo "switch bench: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
for t in ip iperf3 jq; do command -v $t >/dev/null 2>&1 || skip "$t missing (make deps)"; done
for p in sflow-switch sfctl sflowcollect; do [ -x "$BIN/$p" ] || skip "$BIN/$p missing"; done
P=swbn$$
T=$(mktemp -d /tmp/sfk-swbench.XXXXXX)
SPID="" CPID=""
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    [ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null
    for n in h1 h2 sw; do ip netns del "${P}$n" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for n in h1 h2 sw; do ip netns add "${P}$n" || skip "cannot create namespaces"; done
for i in 1 2; do
    ip -n ${P}sw link add p$i type veth peer name eth0 netns ${P}h$i
    ip -n ${P}h$i addr add 10.81.0.$i/24 dev eth0
    ip -n ${P}h$i link set eth0 up
    ip -n ${P}h$i link set lo up
done
ip -n ${P}sw link set lo up
sfctl() { "$BIN/sfctl" --socket "$T/sock" "$@"; }

# measure NAME: prints one row (TCP 1 stream, TCP 4 streams in Gbit/s; UDP kpps; ping RTT ms).
measure() {
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5301 --logfile "$T/s1" >/dev/null 2>&1
    sleep 0.3
    tcp1=$(ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5301 -t "$SECS" -J 2>/dev/null |
        jq '.end.sum_received.bits_per_second / 1e9' 2>/dev/null)
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5302 --logfile "$T/s2" >/dev/null 2>&1
    sleep 0.3
    tcp4=$(ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5302 -P 4 -t "$SECS" -J 2>/dev/null |
        jq '.end.sum_received.bits_per_second / 1e9' 2>/dev/null)
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5303 --logfile "$T/s3" >/dev/null 2>&1
    sleep 0.3
    udp=$(ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5303 -u -l 64 -b 0 -t "$SECS" -J 2>/dev/null |
        jq '(.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds / 1000' 2>/dev/null)
    rtt=$(ip netns exec ${P}h1 ping -c 100 -i 0.01 -q 10.81.0.2 2>/dev/null |
        sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
    printf '%-28s %10.2f %10.2f %12.0f %10.3f\n' "$1" "${tcp1:-0}" "${tcp4:-0}" "${udp:-0}" "${rtt:-0}"
    echo "$1 ${tcp1:-0} ${tcp4:-0} ${udp:-0}" >>"$T/rows"
}

echo "sflow-switch vs Linux bridge, ${SECS}s per figure (iperf3 between two namespaces)"
printf '%-28s %10s %10s %12s %10s\n' "datapath" "TCP Gb/s" "TCPx4 Gb/s" "UDP64 kpps" "ping ms"

ip -n ${P}sw link add br0 type bridge
for i in 1 2; do ip -n ${P}sw link set p$i master br0 && ip -n ${P}sw link set p$i up; done
ip -n ${P}sw link set br0 up
sleep 1
measure "linux bridge"
ip -n ${P}sw link del br0

ip netns exec ${P}sw "$BIN/sflowcollect" -p 6343 -b 127.0.0.1 -q 2>/dev/null &
CPID=$!
ip netns exec ${P}sw "$BIN/sflow-switch" -d --socket "$T/sock" --state "$T/state" 2>"$T/switch.log" &
SPID=$!
i=0
while ! sfctl list-br >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$T/switch.log"; exit 1; }
    sleep 0.1
done
sfctl add-br br0 && sfctl add-port br0 p1 && sfctl add-port br0 p2 || exit 1
sleep 0.5
measure "sflow-switch, sFlow off"
sfctl set-sflow br0 target=127.0.0.1:6343 sampling=64 polling=20 || exit 1
measure "sflow-switch, 1-in-64"
sfctl set-sflow br0 sampling=1 || exit 1
measure "sflow-switch, 1-in-1"
awk '
    { t = $(NF - 2); t4 = $(NF - 1); u = $NF }
    /^linux bridge/ { bt = t; b4 = t4; bu = u }
    /sFlow off/ { ot = t; o4 = t4; ou = u }
    /1-in-64/ { st = t; su = u }
    END {
        if (bt > 0 && b4 > 0 && bu > 0 && ot > 0 && ou > 0)
            printf "switch/bridge: TCP %.0f%%, TCPx4 %.0f%%, UDP %.0f%%; 1-in-64 vs off: TCP %+.1f%%, UDP %+.1f%%\n",
                100 * ot / bt, 100 * o4 / b4, 100 * ou / bu, 100 * (st - ot) / ot, 100 * (su - ou) / ou
    }' "$T/rows"

# sFlow cost: the switch's CPU time (all its threads) per packet h2 received
# during a UDP flood at a fixed rate it sustains without loss, so that the
# figure does not depend on how fast iperf3 gets the shared cores.  Off,
# 1-in-64 and 1-in-1 are interleaved in each of 3 rounds (so that drift
# hits all three alike); the median of the rounds is reported.
cpu_ns() {  # CPU time the switch has used so far, in ns
    if cat /proc/$SPID/task/*/schedstat >"$T/sched" 2>/dev/null && [ -s "$T/sched" ]; then
        awk '{ s += $1 } END { printf "%.0f\n", s }' "$T/sched"
    else
        awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }' /proc/$SPID/stat
    fi
}
rx_pkts() { ip -n ${P}h2 -s -j link show eth0 | jq '.[0].stats64.rx.packets'; }
# cost NAME: one flood; appends "NAME ns/packet loss%" to $T/cost
cost() {
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5304 --logfile "$T/s4" >/dev/null 2>&1
    sleep 0.3
    ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5304 -u -l 64 -b $((PPS * 64 * 8)) -t $((SECS + 2)) -J \
        >"$T/flood" 2>/dev/null &
    fpid=$!
    sleep 1
    c0=$(cpu_ns) r0=$(rx_pkts)
    sleep "$SECS"
    c1=$(cpu_ns) r1=$(rx_pkts)
    wait $fpid
    loss=$(jq '.end.sum.lost_percent // 100' "$T/flood" 2>/dev/null)
    awk -v n="$1" -v c0="$c0" -v c1="$c1" -v r0="$r0" -v r1="$r1" -v l="${loss:-100}" 'BEGIN {
        if (r1 > r0) printf "%s %.1f %.2f %d\n", n, (c1 - c0) / (r1 - r0), l, r1 - r0 }' >>"$T/cost"
}
for round in 1 2 3; do
    sfctl clear-sflow br0 || exit 1
    sleep 0.3
    cost off
    sfctl set-sflow br0 target=127.0.0.1:6343 sampling=64 polling=20 || exit 1
    sleep 0.3
    cost 64
    sfctl set-sflow br0 sampling=1 || exit 1
    sleep 0.3
    cost 1
done
sfctl clear-sflow br0 >/dev/null 2>&1
echo
echo "sflow-switch CPU per forwarded packet, UDP64 flood at $PPS packets/s, ${SECS}s x 3 rounds (median)"
printf '%-28s %12s %12s %10s\n' "sFlow" "ns/packet" "runs" "max loss"
for k in off 64 1; do
    awk -v k="$k" '$1 == k { print $2 }' "$T/cost" | sort -n | tr '\n' ' ' >"$T/c.$k"
    awk -v k="$k" '$1 == k { print $3 }' "$T/cost" | sort -n | tail -1 >"$T/l.$k"
done
awk -v off="$(cat "$T/c.off")" -v s64="$(cat "$T/c.64")" -v s1="$(cat "$T/c.1")" \
    -v loff="$(cat "$T/l.off")" -v l64="$(cat "$T/l.64")" -v l1="$(cat "$T/l.1")" '
    function med(s,   a, n) { n = split(s, a, " "); return n ? a[int((n + 1) / 2)] : 0 }
    function row(name, s, l) { printf "%-28s %12.1f %12s %9s%%\n", name, med(s), s, l }
    BEGIN {
        row("off", off, loff); row("1-in-64", s64, l64); row("1-in-1", s1, l1)
        o = med(off); m = med(s64); a = med(s1)
        if (o > 0) {
            printf "sFlow 1-in-64 cost: %.1f ns/packet = %.1f %% of the switch'"'"'s per-packet CPU (target < 3 %%)\n",
                m - o, 100 * (m - o) / o
            printf "sFlow 1-in-1 cost: %.1f ns/packet = %.1f %% of the switch'"'"'s per-packet CPU\n",
                a - o, 100 * (a - o) / o
        }
    }'

# Ports: veth pairs in the switch's namespace (no IPv6, whose multicast
# the switch would flood between them), added and removed in one batch.
ip netns exec ${P}sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
i=0
while [ $i -lt "$NPORTS" ]; do echo "link add q$i type veth peer name r$i"; i=$((i + 1)); done >"$T/links"
ip -n ${P}sw -batch "$T/links" || exit 1
rss0=$(awk '/^VmRSS/ { print $2 }' /proc/$SPID/status)
i=0
while [ $i -lt "$NPORTS" ]; do
    [ $((i % 200)) = 0 ] && echo "add-br pb$((i / 200))"
    echo "add-port pb$((i / 200)) q$i"
    i=$((i + 1))
done >"$T/add"
sed -n 's/^add-port pb[0-9]* /del-port /p' "$T/add" >"$T/del"
t0=$(date +%s.%N)
sfctl --batch <"$T/add" >/dev/null || exit 1
t1=$(date +%s.%N)
rss1=$(awk '/^VmRSS/ { print $2 }' /proc/$SPID/status)
sfctl --batch <"$T/del" >/dev/null || exit 1
t2=$(date +%s.%N)
awk -v n="$NPORTS" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
    printf "%d ports in one sfctl --batch: added in %.3f s, removed in %.3f s; switch RSS %.1f MB with them (%.1f MB before)\n",
        n, t1 - t0, t2 - t1, r1 / 1024, r0 / 1024 }'
