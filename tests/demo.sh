#!/bin/sh
# make demo: sflow-emu builds a small network (tree,2,2: 4 hosts, 3 switches of
# the userspace sflow-switch), samples 1 packet in 16 for 10 s of mixed
# traffic, and shows what sFlow saw: decoded datagrams (sflowtool-style
# text), the accuracy report (sFlow's estimates beside the true counts), and
# demo.pcap, the sampled packet headers (tcpdump -r demo.pcap).
# usage: tests/demo.sh BIN_DIR
# Without root (network namespaces need it), it decodes generated datagrams instead.
set -e
BIN=$(cd "${1:?usage: tests/demo.sh BIN_DIR}" && pwd)
out=demo.pcap

if [ "$(id -u)" != 0 ] || [ ! -x "$BIN/sflow-emu" ]; then
    echo "== sflow-emu needs root (network namespaces): run 'sudo make demo' for the emulated network."
    echo "== Meanwhile: 50 generated sFlow datagrams, decoded."
    "$BIN/sfgen" -n 50 --seed 1 -w "$out"
    "$BIN/sflowcollect" -r "$out" | sed -n '1,/^endDatagram/p'
    "$BIN/sflowcollect" -r "$out" -q --stats
    exit 0
fi

SWITCH=user
[ -x "$BIN/sflow-switch" ] || SWITCH=bridge
TMP=$(mktemp -d /tmp/sflowkit-demo.XXXXXX)
P1=16343 P2=16344
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# Two collectors of our own beside the emulator's: one for text, one for pcap.
"$BIN/sflowcollect" -p $P1 -b 127.0.0.1 >"$TMP/text" 2>"$TMP/text.err" &
pids="$pids $!"
"$BIN/sflowcollect" -p $P2 -b 127.0.0.1 -t -w "$out" 2>"$TMP/pcap.err" &
pids="$pids $!"
sleep 0.3

echo "== sflow-emu --topo tree,2,2 --switch $SWITCH --sampling 16 --test traffic --traffic mix --duration 10"
"$BIN/sflow-emu" --topo tree,2,2 --switch $SWITCH --sampling 16 --polling 5 --test traffic \
    --traffic mix --duration 10 --rate 2000 --timings \
    --sflow-target 127.0.0.1:$P1 --sflow-target 127.0.0.1:$P2 >"$TMP/report" 2>"$TMP/emu.err" ||
    { cat "$TMP/report" "$TMP/emu.err"; exit 1; }
sleep 1.5                       # The collectors flush once a second.
for p in $pids; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=

echo
echo "== two of the datagrams the switches sent, decoded by sflowcollect (sflowtool-style text)"
awk '/^startDatagram/ { n++ } n >= 1 && n <= 2 { print } n > 2 { exit }' "$TMP/text" | head -n 80
echo "..."
echo
echo "== the accuracy report: true counts (sent by the emulator) beside sFlow's estimates"
grep -v '^\*\*\* traffic' "$TMP/report"
grep '^timings' "$TMP/emu.err" || true
echo
echo "== $out: the sampled packet headers, as tcpdump reads them"
tcpdump -nn -r "$out" 2>/dev/null | head -n 5
echo "... $(tcpdump -nn -r "$out" 2>/dev/null | wc -l) packets in $out"
