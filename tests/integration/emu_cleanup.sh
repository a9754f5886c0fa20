#!/bin/sh
# sflow-emu: a run killed with SIGKILL leaves namespaces, links and a run
# record; `sflow-emu --cleanup` removes them (and its processes), and
# touches nothing else: a decoy namespace and link with similar names stay.
# Names of ours with no run record (a namespace sfe99-*, a link sfe98s*)
# are not the emulator's to remove: they stay too (harden_emu_cleanup.sh
# has look-alikes of a run that does have a record).
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
EMU=$BIN/sflow-emu
[ -x "$EMU" ] || { echo "no $EMU"; exit 77; }
tmp=$(mktemp -d /tmp/emu-cleanup.XXXXXX)
decoy_ns=sfe0x-decoy$$
decoy_ln=sfe0q$$
cleanup() {
    [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
    ip netns del "$decoy_ns" 2>/dev/null
    ip link del "$decoy_ln" 2>/dev/null
    ip netns del sfe99-h1 2>/dev/null
    ip link del sfe99s1-eth9 2>/dev/null
    ip link del sfe98s1-eth9 2>/dev/null
    "$EMU" --cleanup >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$decoy_ns" || exit 1
ip link add "$decoy_ln" type veth peer name "sfe0r$$" || exit 1

"$EMU" --topo tree,2,3 --test traffic --duration 60 >"$tmp/out" 2>&1 &
pid=$!
for i in $(seq 100); do grep -q '^\*\*\* traffic' "$tmp/out" && break; sleep 0.1; done
grep -q '^\*\*\* traffic' "$tmp/out" || { echo "FAIL: run did not start"; cat "$tmp/out"; exit 1; }
run=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$tmp/out")
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
sleep 0.5
n_ns=$(ip netns list | grep -c "^$run-")
n_ln=$(ip -o link show | grep -c ": $run[sp]")
echo "after SIGKILL: $n_ns namespaces, $n_ln links of $run"
[ "$n_ns" -gt 0 ] || { echo "FAIL: expected leftovers to clean"; exit 1; }
"$EMU" --cleanup || { echo "FAIL: --cleanup exit status"; exit 1; }
n_ns=$(ip netns list | grep -c "^$run-")
n_ln=$(ip -o link show | grep -c ": $run[sp]")
[ "$n_ns" = 0 ] && [ "$n_ln" = 0 ] || { echo "FAIL: left $n_ns namespaces, $n_ln links"; exit 1; }
[ ! -e "/run/sflowkit-emu/$run.run" ] || { echo "FAIL: run record left"; exit 1; }
ps -eo args | grep -v grep | grep -q "/run/sflowkit-emu/$run/" && { echo "FAIL: processes left"; exit 1; }
ip netns list | grep -q "^$decoy_ns" || { echo "FAIL: decoy namespace removed"; exit 1; }
ip link show "$decoy_ln" >/dev/null 2>&1 || { echo "FAIL: decoy link removed"; exit 1; }
echo "ok: cleaned $run, decoys untouched"

# No run record: only their names would lead to them, and names are not enough.
ip netns add sfe99-h1 || exit 1
ip link add sfe99s1-eth9 type veth peer name sfe99p1 || exit 1
ip link add sfe98s1-eth9 type veth peer name sfe98p1 || exit 1
"$EMU" --cleanup >"$tmp/orphans" || { echo "FAIL: --cleanup exit status (orphans)"; exit 1; }
cat "$tmp/orphans"
ip netns list | grep -q "^sfe99-h1" || { echo "FAIL: unrecorded namespace sfe99-h1 removed"; exit 1; }
ip link show sfe99s1-eth9 >/dev/null 2>&1 || { echo "FAIL: unrecorded link sfe99s1-eth9 removed"; exit 1; }
ip link show sfe98s1-eth9 >/dev/null 2>&1 || { echo "FAIL: unrecorded link sfe98s1-eth9 removed"; exit 1; }
ip netns list | grep -q "^$decoy_ns" || { echo "FAIL: decoy namespace removed (orphans)"; exit 1; }
echo "ok: names of ours without a record (sfe99, sfe98) left alone"
