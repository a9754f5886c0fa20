#!/bin/sh
# sflow-emu --cleanup removes exactly what a dead run's record lists
# (issue #14, finding 8).  A run is killed with SIGKILL; before the cleanup
# the test plants, as another program of the machine could:
#  - a namespace named like the run's own (RUN-foo), not in its record;
#  - a link named like the run's (RUNs9-eth9) and moved into the run's link
#    group, not in its record.
# --cleanup must remove the run's recorded namespaces and links and leave
# both look-alikes; a live run (its lock held) is left alone entirely; a
# record that is not root's is not trusted.
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
EMU=$BIN/sflow-emu
[ -x "$EMU" ] || { echo "no $EMU"; exit 77; }
tmp=$(mktemp -d /tmp/emu-harden.XXXXXX)
pid= live= look_ns= look_ln=
cleanup() {
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    [ -n "$live" ] && { kill "$live" 2>/dev/null; wait "$live" 2>/dev/null; }
    [ -n "$look_ns" ] && ip netns del "$look_ns" 2>/dev/null
    [ -n "$look_ln" ] && ip link del "$look_ln" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# start_run OUT: a run in the background; sets $run (its prefix) and $started.
start_run() {
    "$EMU" --topo linear,3 --test traffic --duration 60 >"$1" 2>&1 &
    started=$!
    for i in $(seq 150); do grep -q '^\*\*\* traffic' "$1" && break; sleep 0.1; done
    grep -q '^\*\*\* traffic' "$1" || { cat "$1"; fail "run did not start"; }
    run=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$1")
}

start_run "$tmp/out"
pid=$started
rec=/run/sflowkit-emu/$run.run
group=$(sed -n 's/^group //p' "$rec")
echo "run $run, link group $group; record: $(grep -c '^netns' "$rec") namespaces, $(grep -c '^link' "$rec") links"
[ -n "$group" ] || fail "no link group in $rec"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
# The look-alikes, made after the crash, so only a name match could take them.
look_ns=$run-foo
look_ln=${run}s9-eth9
ip netns add "$look_ns" || fail "netns add"
ip link add "$look_ln" type veth peer name "${run}p99x" || fail "link add"
ip link set dev "$look_ln" group "$group" || fail "link group"
ip link set dev "${run}p99x" group "$group" || fail "link group"
n_ns=$(ip netns list | grep -c "^$run-")
n_ln=$(ip -o link show group "$group" | wc -l)
echo "before --cleanup: $n_ns namespaces named $run-*, $n_ln links in group $group (look-alikes included)"
"$EMU" --cleanup >"$tmp/clean" || { cat "$tmp/clean"; fail "--cleanup exit status"; }
cat "$tmp/clean"
grep -q "^$run: removed [1-9][0-9]* namespace(s) and [1-9][0-9]* interface(s)" "$tmp/clean" || fail "nothing reported removed for $run"
ip netns list | grep "^$run-" | grep -v "^$look_ns" && fail "a recorded namespace of $run is left"
ip -o link show group "$group" | grep -v "$look_ln\|${run}p99x" && fail "a recorded link of $run is left"
ip netns list | grep -q "^$look_ns" || fail "look-alike namespace $look_ns removed"
ip link show "$look_ln" >/dev/null 2>&1 || fail "look-alike link $look_ln (in the run's group) removed"
[ ! -e "$rec" ] || fail "record left"
echo "ok: --cleanup removed $run's recorded objects, left $look_ns and $look_ln"
ip netns del "$look_ns"; look_ns=
ip link del "$look_ln"; look_ln=

# A live run (its CLI waiting on a fifo): its lock is held, so --cleanup leaves it alone.
mkfifo "$tmp/cli"
"$EMU" --topo linear,3 --cli <"$tmp/cli" >"$tmp/live" 2>&1 &
live=$!
exec 3>"$tmp/cli"
for i in $(seq 150); do grep -q '^\*\*\* .* ready' "$tmp/live" && break; sleep 0.1; done
grep -q '^\*\*\* .* ready' "$tmp/live" || { cat "$tmp/live"; fail "CLI run did not start"; }
run=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$tmp/live")
"$EMU" --cleanup >"$tmp/clean2" || fail "--cleanup exit status (live run)"
cat "$tmp/clean2"
grep -q "^$run: its run is alive; left alone" "$tmp/clean2" || fail "live run not reported left alone"
[ "$(ip netns list | grep -c "^$run-")" -gt 0 ] || fail "the live run's namespaces were removed"
# A record not root's is not trusted (anyone could have written it).
printf 'pid 1 1\ngroup %s\nnetns %s-h1\n' "$group" "$run" >/run/sflowkit-emu/sfe99.run
chown nobody /run/sflowkit-emu/sfe99.run
"$EMU" --cleanup >"$tmp/clean3"
rm -f /run/sflowkit-emu/sfe99.run
cat "$tmp/clean3"
grep -q "^sfe99: record ignored: .*owned by uid" "$tmp/clean3" || fail "a record of another user was not refused"
[ "$(ip netns list | grep -c "^$run-h1")" = 1 ] || fail "a planted record removed a namespace of the live run"
echo exit >&3
exec 3>&-
wait "$live" || { cat "$tmp/live"; fail "CLI run exit status"; }
live=
[ "$(ip netns list | grep -c "^$run-")" = 0 ] || fail "the run did not remove its namespaces at exit"
[ ! -e "/run/sflowkit-emu/$run.run" ] || fail "the run's record left at exit"
echo "ok: live run left alone, a foreign record ignored, teardown removed the run"
echo PASS
