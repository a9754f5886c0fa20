#!/bin/sh
# sflow-emu's accuracy report: the truth (packets and bytes the emulator
# sent) equals what the kernel counted on the hosts' links, and sFlow's
# estimates lie within the spec's bound (196/sqrt(samples) % at 95 %).
# The total must be within 1.5 x its bound (a 0.3 % false-alarm rate),
# and at least 80 % of the sampled flows within theirs (95 % expected).
# Runs the mix (UDP), then pairs (UDP and TCP: TCP's truth is the frames
# counted on the sending host's interface, its ACKs a flow of their own).
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
EMU=$BIN/sflow-emu
[ -x "$EMU" ] || { echo "no $EMU"; exit 77; }
command -v jq >/dev/null || { echo "no jq"; exit 77; }
tmp=$(mktemp -d /tmp/emu-acc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() {    # run MODE TOPO [TRAFFIC]
    if ! "$EMU" --switch "$1" --topo "$2" --sampling 16 --test traffic --traffic "${3:-mix}" \
        --duration 5 --rate 3000 --json "$tmp/r.json" >"$tmp/out" 2>&1; then
        echo "FAIL $1: exit status"; cat "$tmp/out"; fail=1; return
    fi
    jq -e . "$tmp/r.json" >/dev/null || { echo "FAIL $1: bad JSON"; fail=1; return; }
    # The report decodes the datagrams the collector kept (-M): -1 unmatched means it could not.
    jq -e '.samples_unmatched >= 0 and .total.samples > 0' "$tmp/r.json" >/dev/null ||
        { echo "FAIL $1: the report read no sFlow samples"; grep 'report:' "$tmp/out"; fail=1; return; }
    hosts=$(jq .interface_check.hosts "$tmp/r.json")
    agree=$(jq .interface_check.agree "$tmp/r.json")
    tot=$(jq -r '.total | "\(.true_packets) \(.est_packets) \(.err_packets_pct) \(.bound_pct)"' "$tmp/r.json")
    within=$(jq .flows_within_bound "$tmp/r.json")
    sampled=$(jq .flows_sampled "$tmp/r.json")
    if [ "${3:-mix}" = pairs ]; then
        ntcp=$(jq '[.flows[] | select(.proto == "tcp" and .reply == false and .true_packets > 0)] | length' "$tmp/r.json")
        nack=$(jq '[.flows[] | select(.proto == "tcp" and .reply == true and .true_packets > 0)] | length' "$tmp/r.json")
        echo "$1 $2 pairs: $ntcp tcp flows, $nack tcp ack flows"
        [ "$ntcp" -gt 0 ] && [ "$ntcp" = "$nack" ] || { echo "FAIL $1: no tcp flows in the pairs report"; fail=1; }
        grep -q ' tcp ' "$tmp/out" || { echo "FAIL $1: text report lists no tcp flow"; fail=1; }
    fi
    echo "$1 $2 ${3:-mix}: interfaces agree $agree/$hosts; total true/est/err%/bound% $tot; flows within bound $within/$sampled"
    [ "$hosts" -gt 0 ] && [ "$agree" = "$hosts" ] || { echo "FAIL $1: truth differs from interface counters"; grep 'truth against' "$tmp/out"; fail=1; }
    jq -e '.total | (.err_packets_pct | fabs) <= 1.5 * .bound_pct' "$tmp/r.json" >/dev/null ||
        { echo "FAIL $1: total outside 1.5 x bound"; fail=1; }
    [ $((within * 5)) -ge $((sampled * 4)) ] || { echo "FAIL $1: too few flows within bound"; fail=1; }
    jq -e '[.flows[] | .received_packets == .true_packets] | all' "$tmp/r.json" >/dev/null ||
        echo "note $1: some packets were not received (loss is allowed, truth is what was sent)"
}
# Without sFlow the --json file is still JSON: the truth alone.
if "$EMU" --topo single,2 --no-sflow --test traffic --traffic pairs --duration 1 \
    --json "$tmp/n.json" >"$tmp/out" 2>&1; then
    jq -e '.total.true_packets > 0 and .total.samples == 0' "$tmp/n.json" >/dev/null ||
        { echo "FAIL --no-sflow: --json is not the truth as JSON"; cat "$tmp/n.json"; fail=1; }
else
    echo "FAIL --no-sflow: exit status"; cat "$tmp/out"; fail=1
fi
# A --json report that cannot be written is an error, not a success.
if "$EMU" --topo single,2 --no-sflow --test traffic --traffic pairs --duration 1 \
    --json /dev/full >"$tmp/out" 2>&1; then
    echo "FAIL --json /dev/full: exit status 0"; cat "$tmp/out"; fail=1
else
    grep -q -- '--json /dev/full: No space left on device' "$tmp/out" ||
        { echo "FAIL --json /dev/full: no message"; cat "$tmp/out"; fail=1; }
fi
run bridge tree,2,2
[ -x "$BIN/sflow-switch" ] && run user tree,2,2
run bridge tree,2,2 pairs
[ -x "$BIN/sflow-switch" ] && run user tree,2,2 pairs
exit $fail
