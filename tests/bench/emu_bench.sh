#!/bin/sh
# sflow-emu setup/teardown time and peak memory (kernel included: the run
# is charged to a memory cgroup of its own) for tree,2,32 (1024 hosts),
# tree,4,4 (256 hosts) and linear,100, beside a shell script building the
# same network with `ip -batch` (one batch for the root namespace, one
# `ip -n HOST -batch` per host), measured in the same run.
# usage: tests/bench/emu_bench.sh BIN_DIR   (root; skipped otherwise)
# EMU_BENCH_TOPOS overrides the list; the userspace-switch column runs for
# networks of at most EMU_BENCH_USER_MAX hosts (default 256).
BIN=$(cd "${1:?usage: emu_bench.sh BIN_DIR}" && pwd)
[ "$(id -u)" = 0 ] || { echo "emu bench: needs root; skipped"; exit 0; }
[ -x "$BIN/sflow-emu" ] || { echo "emu bench: no sflow-emu; skipped"; exit 0; }
TOPOS=${EMU_BENCH_TOPOS:-"tree,2,32 tree,4,4 linear,100"}
USER_MAX=${EMU_BENCH_USER_MAX:-256}
TMP=$(mktemp -d /tmp/emu-bench.XXXXXX)
CG=
cleanup() {
    [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
    for n in $(ip netns list 2>/dev/null | sed -n 's/^\(sfb[0-9]*-[^ ]*\).*/\1/p'); do ip netns del "$n"; done
    for l in $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(sfb[0-9][^:@]*\).*/\1/p'); do ip link del "$l" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# A memory cgroup: v2 (memory.peak) if it has the controller, else v1.
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    CG=/sys/fs/cgroup/sflowkit-emu-bench.$$; PEAK=memory.peak
elif [ -d /sys/fs/cgroup/memory ]; then
    CG=/sys/fs/cgroup/memory/sflowkit-emu-bench.$$; PEAK=memory.max_usage_in_bytes
fi
[ -n "$CG" ] && ! mkdir "$CG" 2>/dev/null && CG=

# measure NAME CMD...: runs CMD in a fresh cgroup; prints peak MB (or "-").
measure() {
    if [ -n "$CG" ]; then
        rmdir "$CG" 2>/dev/null; mkdir "$CG" 2>/dev/null
        sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$CG" "$@"
        awk '{ printf "%.0f", $1 / 1048576 }' "$CG/$PEAK" >"$TMP/peak"
    else
        "$@"; echo "-" >"$TMP/peak"
    fi
}

now() { date +%s.%N; }

# The same network by ip: hosts h1..hN in namespaces PREFIX-hI, bridges PREFIXsJ.
gen_ip() {  # gen_ip TOPO PREFIX -> $TMP/up.all, $TMP/hosts, $TMP/down.batch
    "$BIN/sflow-emu" --topo "$1" --no-sflow --switch bridge --cli >"$TMP/net" 2>/dev/null <<'C'
net
C
    awk -v tmp="$TMP" -v P="$2" '
    /^[hs][0-9]+ / {
        node = $1
        for (i = 2; i <= NF; i++) {
            if ($i == "lo:") continue
            split($i, ends, ":"); split(ends[1], a, "-eth"); split(ends[2], b, "-eth")
            if (node ~ /^s/) {
                if (!(node in br)) { br[node] = 1; print "link add " P node " type bridge" > tmp "/up.batch"
                                     print "link set " P node " up" > tmp "/up.batch"
                                     print "link del " P node > tmp "/down.batch" }
                me = P node "-eth" a[2]
                if (b[1] ~ /^h/) {
                    print "link add " me " type veth peer name " b[1] "-eth0 netns " P "-" b[1] > tmp "/links"
                    print "link set " me " master " P node " up" > tmp "/links2"
                } else if (substr(node, 2) + 0 < substr(b[1], 2) + 0) {
                    print "link add " me " type veth peer name " P b[1] "-eth" b[2] > tmp "/links"
                    print "link set " me " master " P node " up" > tmp "/links2"
                } else
                    print "link set " me " master " P node " up" > tmp "/links2"
            } else {
                hosts[node] = 1
            }
        }
    }
    END { for (h in hosts) { print "netns add " P "-" h > tmp "/ns"; print h > tmp "/hosts"
                             print "netns del " P "-" h > tmp "/down.batch" } }' "$TMP/net"
    cat "$TMP/ns" "$TMP/up.batch" "$TMP/links" "$TMP/links2" >"$TMP/up.all"
}

# What a shell script does: one batch for the root namespace, one per host.
cat >"$TMP/ip_up.sh" <<'S'
ip -batch "$1/up.all" || exit 1
while read -r h; do
    n=${h#h}
    printf 'link set lo up\nlink set %s-eth0 up\naddr add 10.%d.%d.%d/8 dev %s-eth0\nroute add default dev %s-eth0\n' \
        "$h" $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)) "$h" "$h" | ip -n "$2-$h" -batch - || exit 1
done <"$1/hosts"
S

k=0
printf "%-12s %-30s %9s %9s %9s\n" topology builder "setup s" "down s" "peak MB"
for t in $TOPOS; do
    rm -f "$TMP"/ns "$TMP"/up.batch "$TMP"/links "$TMP"/links2 "$TMP"/down.batch "$TMP"/hosts
    hosts=$(echo "$t" | awk -F, '{ if ($1 == "tree") { n = 1; for (i = 0; i < $2; i++) n *= ($3 ? $3 : 2); print n } else print $2 }')
    # "net": the network alone (bridges, no sFlow), what the ip script builds.
    for mode in net bridge user; do
        [ "$mode" = user ] && { [ -x "$BIN/sflow-switch" ] && [ "$hosts" -le "$USER_MAX" ] || continue; }
        if [ "$mode" = net ]; then
            set -- --switch bridge --no-sflow; label="sflow-emu (bridges, no sFlow)"
        else
            set -- --switch "$mode"; label="sflow-emu --switch $mode"
        fi
        measure "$BIN/sflow-emu" --topo "$t" "$@" --test build --timings >"$TMP/out" 2>&1
        s=$(sed -n 's/^timings: setup \([0-9.]*\) s, teardown \([0-9.]*\) s/\1 \2/p' "$TMP/out")
        [ -n "$s" ] || { echo "$t $mode: failed"; tail -n 3 "$TMP/out"; continue; }
        set -- $s
        printf "%-12s %-30s %9s %9s %9s\n" "$t" "$label" "$1" "$2" "$(cat "$TMP/peak")"
    done
    k=$((k + 1))
    gen_ip "$t" "sfb$k"
    t0=$(now); measure sh "$TMP/ip_up.sh" "$TMP" "sfb$k"; t1=$(now); peak=$(cat "$TMP/peak")
    # Deleting a namespace returns before the kernel has freed it; so does ours.
    ip -batch "$TMP/down.batch" >/dev/null 2>&1; t2=$(now)
    awk -v t="$t" -v a="$t0" -v b="$t1" -v c="$t2" -v p="$peak" \
        'BEGIN { printf "%-12s %-30s %9.3f %9.3f %9s\n", t, "ip -batch (shell)", b - a, c - b, p }'
done
