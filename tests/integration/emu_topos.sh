#!/bin/sh
# sflow-emu: every topology builds, pings all pairs without loss and tears
# down leaving no namespace, link, run record or process of its own; a
# topology file with VLANs isolates what it should; bad options, specs
# and topology files exit 2 with a message naming the fault, building nothing.
# env: BIN (programs), TOP (source tree).  Root required, else skipped (77).
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
EMU=$BIN/sflow-emu
[ -x "$EMU" ] || { echo "no $EMU"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "no ip netns"; exit 77; }
tmp=$(mktemp -d /tmp/emu-topos.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Nothing of ours may be left: namespaces sfeN-*, links sfeN..., run records
# (all of them after bad options, which make no run; those of the run after
# a run).
leftovers() {
    ns=$(ip netns list 2>/dev/null | grep -cE '^sfe[0-9]+-' || true)
    ln=$(ip -o link show 2>/dev/null | grep -cE '^[0-9]+: sfe[0-9]+[sp]' || true)
    rr=$(ls /run/sflowkit-emu/*.run 2>/dev/null | wc -l)
    echo "$ns $ln $rr"
}
base=$(leftovers)
# What run PREFIX left (other runs may come and go on a shared machine).
leftovers_of() {
    ns=$(ip netns list 2>/dev/null | grep -c "^$1-" || true)
    ln=$(ip -o link show 2>/dev/null | grep -cE "^[0-9]+: $1[sp]" || true)
    rr=$(ls "/run/sflowkit-emu/$1.run" 2>/dev/null | wc -l)
    echo "$ns $ln $rr"
}

check() {    # check MODE TOPO
    out=$tmp/out
    if ! "$EMU" --switch "$1" --topo "$2" --test pingall --timings >"$out" 2>&1; then
        echo "FAIL $1 $2: exit status"; cat "$out"; fail=1; return
    fi
    if ! grep -q '^\*\*\* Results: 0% dropped' "$out"; then
        echo "FAIL $1 $2: loss"; cat "$out"; fail=1; return
    fi
    run=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$out")
    now=$(leftovers_of "$run")
    if [ -z "$run" ] || [ "$now" != "0 0 0" ]; then
        echo "FAIL $1 $2: run ${run:-?} left behind (namespaces links records: $now)"; fail=1; return
    fi
    echo "ok $1 $2: $(grep -o 'Results.*' "$out"); $(grep timings "$out")"
}

# bad DESCRIPTION PATTERN ARGS...: sflow-emu ARGS exits 2, PATTERN in its stderr.
bad() {
    d=$1 pat=$2; shift 2
    "$EMU" "$@" >"$tmp/bad.out" 2>&1
    rc=$?
    if [ $rc != 2 ] || ! grep -q -- "$pat" "$tmp/bad.out"; then
        echo "FAIL $d: exit $rc, want 2 and '$pat'"; cat "$tmp/bad.out"; fail=1
    fi
}
printf 'switch s1\nhost h1\nlink h1 s9\n' >"$tmp/bad.topo"
bad "unknown option" "usage: sflow-emu" --no-such-option
bad "bad --switch" "switch bridge|user" --switch bogus --topo single,2
bad "bad --sampling" "--sampling must be a number from 1 to" --sampling 0 --topo single,2
# Numbers are taken whole: no trailing junk, no nan, nothing out of range.
bad "--sampling 64x" "--sampling must be a number from 1 to .*not '64x'" --sampling 64x --topo single,2
bad "--rate nan" "--rate must be a number from 0.001 to 10000000, not 'nan'" --rate nan --topo single,2
bad "--duration 0" "--duration must be a number" --duration 0 --topo single,2
bad "--size -1" "--size must be a number from 1 to 1514, not '-1'" --size -1 --topo single,2
bad "--top 5k" "--top must be a number from 0 to 1000" --top 5k --topo single,2
bad "ninth --sflow-target" "at most 8 --sflow-target" $(for i in 1 2 3 4 5 6 7 8 9; do
    printf -- '--sflow-target 127.0.0.1:%d ' $((6340 + i)); done) --topo single,2
bad "unknown topology" "unknown topology" --topo bogus,3 --test build
bad "bad parameters" "bad parameters" --topo tree,0 --test build
bad "missing topology file" "No such file" --topo-file "$tmp/none.topo" --test build
bad "undefined node" "bad.topo:3: link needs two defined nodes" --topo-file "$tmp/bad.topo" --test build
# Found by fuzzing: a deeper tree overflowed the stack; the tail of a long
# comment line was read as a statement of its own.
bad "deep tree" "at most 64 levels" --topo tree,99999,1 --test build
# Mininet's: a torus is 3x3 or more; it has loops, which Linux bridges here would storm.
bad "small torus" "torus,X,Y\[,N\] needs X and Y of 3 or more" --topo torus,2,3 --test build
bad "torus on bridges" "has loops: it needs --switch user" --topo torus,3,3 --switch bridge --test build
# --test is checked before anything is built.
bad "unknown test" "--test iperf3: build, none, pingall" --topo single,2 --test iperf3
bad "unknown traffic" "--traffic pareto: pingall, pairs or mix" --topo single,2 --test traffic --traffic pareto
bad "--polling 1h" "--polling must be a number from 0 to 86400, not '1h'" --polling 1h --topo single,2
bad "--seed -1" "--seed must be a number from 0 to 4294967295, not '-1'" --seed -1 --topo single,2
bad "an operand" "usage: sflow-emu" --topo single,2 pingall
bad "--json unwritable" "--json $tmp/none/r.json: No such file" --json "$tmp/none/r.json" --topo single,2 --test traffic
{ printf 'switch s1\nhost h1\nlink h1 s1\n# '; head -c 509 /dev/zero | tr '\0' x; printf 'host h2\n'; } >"$tmp/long.topo"
bad "long line" "long.topo:4: line too long" --topo-file "$tmp/long.topo" --test build
# sscanf took these: a MAC byte of 0x100 stored as 00, a prefix length "8x".
printf 'switch s1\nhost h1 mac=100:0:0:0:0:1\nlink h1 s1\n' >"$tmp/mac.topo"
bad "bad MAC" "mac.topo:2: bad MAC address 100:0:0:0:0:1" --topo-file "$tmp/mac.topo" --test build
printf 'switch s1\nhost h1 ip=10.0.0.1/8x\nlink h1 s1\n' >"$tmp/plen.topo"
bad "bad prefix length" "plen.topo:2: bad address" --topo-file "$tmp/plen.topo" --test build
# --verbose: the phases with their times, setup and teardown.
if "$EMU" --topo single,2 --no-sflow --test build --verbose >"$tmp/v.out" 2>&1; then
    grep -q '^sflow-emu: [0-9.]* s: links up$' "$tmp/v.out" &&
        grep -q '^sflow-emu: teardown: [0-9.]* s: links and namespaces removed$' "$tmp/v.out" ||
        { echo "FAIL --verbose: no phase lines"; cat "$tmp/v.out"; fail=1; }
else
    echo "FAIL --verbose: exit status"; cat "$tmp/v.out"; fail=1
fi
[ "$(leftovers)" = "$base" ] || { echo "FAIL bad options: left behind"; fail=1; }
echo "ok: bad options, specs and topology files"

modes=bridge
[ -x "$BIN/sflow-switch" ] && modes="user bridge"
for m in $modes; do
    for t in minimal single,3 linear,4 tree,2,2 tree,3,2; do
        check "$m" "$t"
    done
done
# A torus has loops: sflow-switch gets loop-free flow rules; every pair reaches.
if [ -x "$BIN/sflow-switch" ]; then
    check user torus,3,3
    grep -q '^h1x1 -> h1x2 h1x3 h2x1 h2x2 h2x3 h3x1 h3x2 h3x3 $' "$tmp/out" ||
        { echo "FAIL torus,3,3: Mininet's host names and order"; cat "$tmp/out"; fail=1; }
fi

# VLANs (userspace switch only): h1 and h2 on VLAN 10, h3 on VLAN 20 over a trunk.
if [ -x "$BIN/sflow-switch" ]; then
    cat >"$tmp/vlan.topo" <<'T'
# two switches, a trunk between them
switch s1
switch s2
host h1
host h2
host h3
host h4 ip=10.0.0.44/8
link h1 s1 vlan=10
link h2 s2 vlan=10
link h3 s2 vlan=20
link h4 s1 vlan=20
link s1 s2 trunks=10,20
T
    "$EMU" --topo-file "$tmp/vlan.topo" --test pingall >"$tmp/vlan.out" 2>&1
    if grep -q '^h1 -> h2 X X $' "$tmp/vlan.out" && grep -q '^h3 -> X X h4 $' "$tmp/vlan.out"; then
        echo "ok vlan file: isolation and trunk"
    else
        echo "FAIL vlan file"; cat "$tmp/vlan.out"; fail=1
    fi
    run=$(sed -n 's/.*run \(sfe[0-9]*\)).*/\1/p' "$tmp/vlan.out")
    [ -n "$run" ] && [ "$(leftovers_of "$run")" = "0 0 0" ] || { echo "FAIL vlan file: run ${run:-?} left behind"; fail=1; }
fi
exit $fail
