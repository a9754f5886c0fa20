#!/bin/sh
# The many-port case and sFlow's accuracy at scale: sflow-emu's tree,2,8
# (64 hosts, 9 switches: 73 ports in one sflow-switch) with the UDP mix of
# a few hundred flows, once through sflow-switch and once through Linux
# bridges sampled by sflow-agent, one after the other in the same run, for
# each seed.  Per run: the machine's load (1-minute average before and
# after: the machine is shared, and loss through a userspace switch follows
# it), packets sent, the share lost (sent - delivered), the drops the
# ports reported and those of the receiving hosts' own sockets (host: lost
# in the host, not the network), flows inside their 95 % bound (pool estimate),
# and the total error of both estimates (samples x rate, and from the
# pool) beside the bound.  Figures are printed, never asserted.
#
# usage: sh tests/bench/accuracy_bench.sh BIN_DIR   (root; skipped otherwise)
#   BENCH_ACC_SEEDS     mix seeds (default "1 2 3")
#   BENCH_ACC_RATE      packets/s of the whole mix (default 20000)
#   BENCH_ACC_SECONDS   seconds of traffic (default 15)
#   BENCH_ACC_SAMPLING  1-in-N (default 32)
#   BENCH_ACC_TOPO      topology (default tree,2,8)
#   BENCH_ACC_SWITCHES  switch kinds, in this order per seed (default "user bridge")
set -u
BIN=$(cd "${1:?usage: accuracy_bench.sh BIN_DIR}" && pwd)
SEEDS=${BENCH_ACC_SEEDS:-1 2 3}
RATE=${BENCH_ACC_RATE:-20000}
SECS=${BENCH_ACC_SECONDS:-15}
SAMPLING=${BENCH_ACC_SAMPLING:-32}
TOPO=${BENCH_ACC_TOPO:-tree,2,8}
SWITCHES=${BENCH_ACC_SWITCHES:-user bridge}
skip() { echo "accuracy bench: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v jq >/dev/null 2>&1 || skip "jq missing (make deps)"
for p in sflow-emu sflow-switch sflow-agent sflowcollect; do
    [ -x "$BIN/$p" ] || skip "$BIN/$p missing"
done
T=$(mktemp -d /tmp/sfk-accbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fail=0

printf "\nsFlow accuracy and loss: sflow-emu --topo %s --sampling %s --test traffic --traffic mix --rate %s --duration %s --seed S\n" \
    "$TOPO" "$SAMPLING" "$RATE" "$SECS"
printf "(user: one sflow-switch; bridge: Linux bridges + sflow-agent; err%%: samples x rate, pool: from sample_pool; within: flows inside their 95%% bound, pool estimate)\n\n"
printf "%-4s %-7s %-11s %8s %8s %7s %7s %7s %10s %7s %7s %7s\n" seed switch "load 1m" sent lost "lost%" drops host within "err%" "pool%" "bound%"
for seed in $SEEDS; do
    for sw in $SWITCHES; do
        l0=$(cut -d' ' -f1 /proc/loadavg)
        if ! "$BIN/sflow-emu" --switch "$sw" --topo "$TOPO" --sampling "$SAMPLING" --test traffic \
            --traffic mix --rate "$RATE" --duration "$SECS" --seed "$seed" --json "$T/r.json" \
            >"$T/out" 2>&1 || ! jq -e .total "$T/r.json" >/dev/null 2>&1; then
            printf "%-4s %-7s failed\n" "$seed" "$sw"
            tail -n 3 "$T/out"
            fail=1
            continue
        fi
        l1=$(cut -d' ' -f1 /proc/loadavg)
        jq -r --arg s "$seed" --arg w "$sw" --arg l "$l0/$l1" '
            .total as $t |
            [$s, $w, $l, $t.true_packets, $t.lost_packets,
             (if $t.delivered_checked_packets > 0 then 100 * $t.lost_packets / $t.delivered_checked_packets else 0 end),
             $t.port_drops, ($t.host_drops // 0), "\(.flows_within_bound)/\(.flows_sampled)",
             $t.err_packets_pct, $t.err_packets_pool_pct, $t.bound_pct] | @tsv' "$T/r.json" |
            awk -F'\t' '{ printf "%-4s %-7s %-11s %8d %8d %7.2f %7d %7d %10s %7.2f %7.2f %7.2f\n",
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
        # Where the loss was, when there was some.
        jq -r '.port_drops | select(length > 0) | "     ports that dropped: " +
            ([.[:6][] | "\(.port) \(.drops)"] | join(", "))' "$T/r.json"
    done
done
exit $fail
