#!/bin/sh
# sflowtool's options with sflowtool's meaning: -V LIST keeps and -v LIST
# drops flow samples by VLAN (counted against the unfiltered JSON, read
# with jq), +v is -V, the long names --include-vlans / --exclude-vlans
# mean what they say (sflowtool swaps them), the first list sets the
# default; -D is needed for host names; -? is help (exit 0) and an unknown
# option exits 2 (sflowtool: 0); sflowtool's long output names give the
# same output as the short ones.
: "${BIN:?}"
command -v jq >/dev/null 2>&1 || { echo "no jq"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-opts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0
"$BIN/sfgen" -n 100 --seed 5 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }

# vlans OPTIONS...: the in_vlan of every flow sample printed, one a line.
vlans() {
    "$BIN/sflowcollect" -r "$tmp/gen.pcap" -j "$@" 2>/dev/null | jq -r '
        .samples[]? | select(.sampleType == "FLOWSAMPLE")
        | [ .elements[]? | select(has("in_vlan")) | .in_vlan ][0] // 0' | sort -n
}
vlans >"$tmp/all"
total=$(wc -l <"$tmp/all")
[ "$total" -gt 0 ] || { echo "FAIL: no flow sample"; exit 1; }
keep() { awk -v lo="$1" -v hi="$2" '$1 >= lo && $1 <= hi' "$tmp/all"; }
drop() { awk -v lo="$1" -v hi="$2" '$1 < lo || $1 > hi' "$tmp/all"; }

# same NAME WANT-FILE OPTIONS...
same() {
    name=$1 want=$2
    shift 2
    vlans "$@" >"$tmp/got"
    if ! cmp -s "$tmp/got" "$want"; then
        echo "FAIL $name: $(wc -l <"$tmp/got") samples kept, want $(wc -l <"$want")"
        fail=1
    fi
}
keep 10 30 >"$tmp/k1030"
drop 10 30 >"$tmp/d1030"
[ -s "$tmp/k1030" ] && [ -s "$tmp/d1030" ] || { echo "FAIL: VLANs 10-30 do not split the capture"; exit 1; }
same "-V 10-30" "$tmp/k1030" -V 10-30
same "-V 10,20-30" "$tmp/k1030" -V 10,20-30
same "+v 10-30" "$tmp/k1030" +v 10-30
same "--include-vlans" "$tmp/k1030" --include-vlans 10-30
same "-v 10-30" "$tmp/d1030" -v 10-30
same "--exclude-vlans" "$tmp/d1030" --exclude-vlans 10-30
# In order: keep 10-30, then drop 20 of them.
keep 10 30 | awk '$1 != 20' >"$tmp/k1030n20"
same "-V 10-30 -v 20" "$tmp/k1030n20" -V 10-30 -v 20
: >"$tmp/none"
same "-V 4095" "$tmp/none" -V 4095
n=$("$BIN/sflowcollect" -r "$tmp/gen.pcap" -q --stats -v 10-30 2>&1 |
    sed -n 's/^vlan filter: flow samples dropped //p')
[ "$n" = "$(wc -l <"$tmp/k1030")" ] || { echo "FAIL: --stats counts $n dropped samples"; fail=1; }
for bad in 4096 10- x 1,,2; do
    if "$BIN/sflowcollect" -r "$tmp/gen.pcap" -q -V "$bad" 2>/dev/null; then
        echo "FAIL: -V '$bad' accepted"
        fail=1
    fi
done

# -D: host names only with it.
"$BIN/sflowcollect" -r "$tmp/gen.pcap" -q -c localhost -d 9 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q -- "-D" "$tmp/err" || { echo "FAIL: -c localhost without -D: exit $rc"; fail=1; }
"$BIN/sflowcollect" -r "$tmp/gen.pcap" -q -D -f localhost/9 ||
    { echo "FAIL: -D -f localhost/9 refused"; fail=1; }

# Help and errors.
"$BIN/sflowcollect" -? >"$tmp/help" 2>&1 && grep -q "^usage:" "$tmp/help" ||
    { echo "FAIL: -? is not help"; fail=1; }
"$BIN/sflowcollect" --no-such-option >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: an unknown option does not exit 2"; fail=1; }

# sflowtool's long names for the outputs.
for pair in "-j --json" "-l --line" "-g --grep" "-L,srcIP,dstIP --fields=srcIP,dstIP"; do
    # shellcheck disable=SC2086
    set -- $pair
    a=${1%%,*}
    # shellcheck disable=SC2046
    "$BIN/sflowcollect" -r "$tmp/gen.pcap" $(echo "$1" | sed 's/,/ /') >"$tmp/short" 2>&1
    "$BIN/sflowcollect" -r "$tmp/gen.pcap" "$2" >"$tmp/long" 2>&1
    [ -s "$tmp/short" ] && cmp -s "$tmp/short" "$tmp/long" || { echo "FAIL: $2 differs from $a"; fail=1; }
done
[ $fail = 0 ] && echo "sflowtool_opts: ok ($total flow samples)"
exit $fail
