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
#   BENCH_SWITCH_ROUNDS   rounds of the sFlow cost: off, 1-in-64, 1-in-1 (default 7)
#   BENCH_SWITCH_COST_SECONDS  seconds each flood is measured (default 3)
#   BENCH_SWITCH_COST_ONLY=1   only the sFlow cost (no throughput, no ports)
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
ROUNDS=${BENCH_SWITCH_ROUNDS:-7}
CSECS=${BENCH_SWITCH_COST_SECONDS:-3}
COST_ONLY=${BENCH_SWITCH_COST_ONLY:-0}
skip() { echo "switch bench: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
for t in ip iperf3 jq; do command -v $t >/dev/null 2>&1 || skip "$t missing (make deps)"; done
for p in sflow-switch sfctl sflowcollect; do [ -x "$BIN/$p" ] || skip "$BIN/$p missing"; done
P=swbn$$
T=$(mktemp -d /tmp/sfk-swbench.XXXXXX)
: >"$T/rows"
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
# ctl_bridge CTL LOG TRIES: waits up to TRIES tenths of a second for the
# switch that CTL (sfctl or vsfctl) talks to, else shows LOG and exits 1;
# then makes bridge br0 of p1 and p2 there.
ctl_bridge() {
    i=0
    while ! $1 list-br >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -lt $3 ] || { cat "$2"; exit 1; }
        sleep 0.1
    done
    $1 add-br br0 && $1 add-port br0 p1 && $1 add-port br0 p2 || exit 1
}

# measure NAME: prints one row (none with BENCH_SWITCH_COST_ONLY=1) (TCP 1 stream, TCP 4 streams in Gbit/s; UDP kpps; ping RTT ms).
measure() {
    [ "$COST_ONLY" = 1 ] && return 0
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
ctl_bridge sfctl "$T/switch.log" 50
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
# figure does not depend on how fast iperf3 gets the shared cores.  Each
# round floods with sFlow off and then at 1-in-64, back to back, and the
# round's cost is the difference of the two: drift on a shared machine
# hits both halves of a pair alike (the order alternates between rounds),
# and the median of the rounds' costs leaves out the rounds a neighbour
# disturbed.  Each round ends with a flood at 1-in-1, whose cost is
# large enough to stand out of the noise.
cpu_ns() {  # CPU time the switch has used so far, in ns
    if cat /proc/$SPID/task/*/schedstat >"$T/sched" 2>/dev/null && [ -s "$T/sched" ]; then
        awk '{ s += $1 } END { printf "%.0f\n", s }' "$T/sched"
    else
        awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }' /proc/$SPID/stat
    fi
}
rx_pkts() { ip -n ${P}h2 -s -j link show eth0 | jq '.[0].stats64.rx.packets'; }
# cost NAME ROUND: one flood; appends "NAME ROUND ns/packet loss% packets" to $T/cost
cost() {
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5304 --logfile "$T/s4" >/dev/null 2>&1
    sleep 0.3
    ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5304 -u -l 64 -b $((PPS * 64 * 8)) -t $((CSECS + 2)) -J \
        >"$T/flood" 2>/dev/null &
    fpid=$!
    sleep 1
    c0=$(cpu_ns) r0=$(rx_pkts)
    sleep "$CSECS"
    c1=$(cpu_ns) r1=$(rx_pkts)
    wait $fpid
    loss=$(jq '.end.sum.lost_percent // 100' "$T/flood" 2>/dev/null)
    awk -v n="$1" -v k="$2" -v c0="$c0" -v c1="$c1" -v r0="$r0" -v r1="$r1" -v l="${loss:-100}" 'BEGIN {
        if (r1 > r0) printf "%s %d %.1f %.2f %d\n", n, k, (c1 - c0) / (r1 - r0), l, r1 - r0 }' >>"$T/cost"
}
sflow_off() { sfctl clear-sflow br0 || exit 1; sleep 0.3; }
sflow_64() { sfctl set-sflow br0 target=127.0.0.1:6343 sampling=64 polling=20 || exit 1; sleep 0.3; }
round=1
while [ $round -le "$ROUNDS" ]; do
    # Odd rounds measure off first, even rounds 1-in-64 first: whatever
    # favours the first or the second flood of a round cancels out.
    if [ $((round % 2)) = 1 ]; then
        sflow_off; cost off $round
        sflow_64; cost 64 $round
    else
        sflow_64; cost 64 $round
        sflow_off; cost off $round
    fi
    sfctl set-sflow br0 target=127.0.0.1:6343 sampling=1 polling=20 || exit 1
    sleep 0.3
    cost 1 $round
    round=$((round + 1))
done
sfctl clear-sflow br0 >/dev/null 2>&1
echo
echo "sflow-switch CPU per forwarded packet, UDP64 flood at $PPS packets/s, ${CSECS}s per flood, $ROUNDS rounds"
awk '
    { ns[$1, $2] = $3; if ($4 > loss[$1]) loss[$1] = $4; if ($2 > rounds) rounds = $2 }
    function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++)
            for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
        printf "%-8s %14s %14s %14s %10s\n", "round", "off ns/pkt", "1-in-64", "1-in-64 cost", "1-in-1"
        n = m = 0
        for (k = 1; k <= rounds; k++) {
            if (!((("off", k) in ns) && (("64", k) in ns)))
                continue
            d = 100 * (ns["64", k] - ns["off", k]) / ns["off", k]
            c[++n] = d
            one = ""
            if (("1", k) in ns) {
                e[++m] = 100 * (ns["1", k] - ns["off", k]) / ns["off", k]
                one = sprintf("%+.1f %%", e[m])
            }
            printf "%-8d %14.1f %14.1f %12.1f %% %10s\n", k, ns["off", k], ns["64", k], d, one
        }
        if (n == 0)
            exit
        printf "max loss: off %s %%, 1-in-64 %s %%, 1-in-1 %s %%\n", loss["off"] + 0, loss["64"] + 0, loss["1"] + 0
        printf "sFlow 1-in-64 cost: median %+.1f %% of the switch'"'"'s CPU per packet over %d rounds (target < 3 %%)\n",
            median(c, n), n
        if (m > 0) {
            printf "sFlow 1-in-1 cost: median %+.1f %% over %d rounds\n", median(e, m), m
            printf "%f\n", median(e, m) >"'"$T/cost1"'"
        }
    }' "$T/cost"

# Ports: veth pairs in the switch's namespace (no IPv6, whose multicast
# the switch would flood between them), added and removed in one batch.
ports_bench() {
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
}
[ "$COST_ONLY" = 1 ] || ports_bench

# The same floods counted in instructions, which a busy neighbour cannot
# change: the switch runs under callgrind, whose counters are zeroed
# before each flood and dumped after it.  What sFlow's code costs is the
# inclusive count of sfdp_sample() (header copy, encoding, datagrams sent
# when full) and sfdp_tick() (counters, stale datagrams); the per-packet
# skip counter is a few instructions inline.  The ratio of 1-in-64's sFlow
# instructions to 1-in-1's scales 1-in-1's CPU cost above (far above the
# noise) down to 1-in-64.  Callgrind counts the switch's own code, not the
# kernel's work for its system calls, so its percentages of the switch's
# instructions overstate sFlow's share of the CPU.
command -v valgrind >/dev/null 2>&1 && command -v callgrind_control >/dev/null 2>&1 ||
    { echo "switch bench: no valgrind, instruction counts skipped"; exit 0; }
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
ip netns exec ${P}sw valgrind --tool=callgrind --callgrind-out-file="$T/cg" \
    "$BIN/sflow-switch" -d --socket "$T/vsock" --state "$T/vstate" 2>"$T/vg.log" &
SPID=$!
vsfctl() { "$BIN/sfctl" --socket "$T/vsock" "$@"; }
ctl_bridge vsfctl "$T/vg.log" 300
ip netns exec ${P}h1 ping -c 3 -i 0.2 -q 10.81.0.2 >/dev/null 2>&1
VPPS=${BENCH_SWITCH_CG_PPS:-5000}
for k in off 64 1; do
    if [ $k = off ]; then
        vsfctl clear-sflow br0
    else
        vsfctl set-sflow br0 target=127.0.0.1:6343 sampling=$k polling=20
    fi || exit 1
    ip netns exec ${P}h2 iperf3 -s -D -1 -p 5305 --logfile "$T/s5" >/dev/null 2>&1
    sleep 0.5
    callgrind_control --zero "$SPID" >/dev/null 2>&1 || exit 1
    r0=$(rx_pkts)
    ip netns exec ${P}h1 iperf3 -c 10.81.0.2 -p 5305 -u -l 64 -b $((VPPS * 64 * 8)) -t 4 \
        >/dev/null 2>&1
    r1=$(rx_pkts)
    callgrind_control --dump="$k" "$SPID" >/dev/null 2>&1 || exit 1
    sleep 0.5
    dump=$(ls -t "$T"/cg.* 2>/dev/null | head -n 1)
    ir=$(sed -n 's/^summary: *//p; s/^totals: *//p' "$dump" | head -n 1)
    sf=$(callgrind_annotate --inclusive=yes "$dump" 2>/dev/null |
        awk '/sflow_dp.c:sfdp_(sample|tick) \[/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
    echo "$k ${ir:-0} $sf $((r1 - r0))" >>"$T/ir"
done
echo
echo "sflow-switch instructions per forwarded packet (callgrind: its own code, not the kernel's), UDP64 at $VPPS packets/s"
printf '%-28s %12s %12s %10s\n' "sFlow" "switch" "sFlow code" "share"
awk -v cost1="$(cat "$T/cost1" 2>/dev/null)" '
    $4 > 0 { ir[$1] = $2 / $4; sf[$1] = $3 / $4 }
    END {
        for (i = 1; i <= 3; i++) {
            k = i == 1 ? "off" : i == 2 ? "64" : "1"
            if (k in ir)
                printf "%-28s %12.0f %12.1f %9.2f%%\n", (k == "off" ? "off" : "1-in-" k), ir[k], sf[k],
                    (ir[k] > 0 ? 100 * sf[k] / ir[k] : 0)
        }
        if (!("64" in sf) || !("1" in sf) || sf["1"] <= 0)
            exit
        f = sf["64"] / sf["1"]
        printf "1-in-64 runs %.2f %% of the sFlow code of 1-in-1 (1/64 = 1.56 %%)\n", 100 * f
        if (cost1 != "")
            printf "sFlow 1-in-64 cost: %.2f %% x the 1-in-1 CPU cost of %.1f %% = %.2f %% of the switch'"'"'s CPU per packet (target < 3 %%)\n",
                100 * f, cost1, f * cost1
    }' "$T/ir"
