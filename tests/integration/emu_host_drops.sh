#!/bin/sh
# sflow-emu tells a loss in the receiving host from a loss in the network.
#
# single,2 through sflow-switch, one UDP flow h1 -> h2 (100,000 frames of
# 1000 bytes at 20,000/s).  The process that receives for h2 is stopped
# for 4 s mid-run: about 80,000 frames (some 180 MB of socket memory)
# arrive for a UDP socket of 64 MB that nobody reads, so the kernel drops
# the rest in h2's socket, where no switch port sees it.  Checked:
#  - host_drops in the JSON total > 0, and what was lost is those drops
#    plus, at most, what the ports reported (exactly the host drops when
#    no port dropped);
#  - the text report's loss line names the receivers' socket drops.
set -u
BIN=${BIN:?BIN=directory of binaries}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
[ -x "$BIN/sflow-emu" ] || { echo "skip: no $BIN/sflow-emu"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skip: jq missing (make deps)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/emu-hostdrops.XXXXXX)
EMU="" STOPPED=""
cleanup() {
    [ -z "$STOPPED" ] || kill -CONT "$STOPPED" 2>/dev/null
    if [ -n "$EMU" ]; then kill "$EMU" 2>/dev/null; wait "$EMU" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "h1 h2 udp 100000 1000 20000" >"$T/flows"
"$BIN/sflow-emu" --topo single,2 --sampling 64 --test traffic --flows "$T/flows" --duration 6 \
    --json "$T/r.json" >"$T/out" 2>&1 &
EMU=$!
# h2's traffic process: a child of sflow-emu in a namespace named ...h2.
h2_proc() {
    for p in $(pgrep -P "$EMU" -x sflow-emu); do
        ns=$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null) || continue
        for f in /run/netns/*h2; do
            [ "$(stat -L -c %i "$f" 2>/dev/null)" = "$ns" ] && { echo "$p"; return; }
        done
    done
}
i=0
H2=""
while [ -z "$H2" ]; do
    i=$((i + 1))
    [ $i -lt 200 ] && kill -0 "$EMU" 2>/dev/null || { cat "$T/out"; fail "no traffic process for h2"; }
    sleep 0.05
    H2=$(h2_proc)
done
sleep 1
STOPPED=$H2
kill -STOP "$H2"
sleep 4
kill -CONT "$H2"
STOPPED=""
wait "$EMU"
rc=$?
EMU=""
[ $rc = 0 ] || { cat "$T/out"; fail "sflow-emu exit status $rc"; }
set -- $(jq -r '.total | "\(.true_packets) \(.lost_packets) \(.port_drops) \(.host_drops)"' "$T/r.json")
sent=$1 lost=$2 pdrops=$3 hdrops=$4
echo "sent $sent, lost $lost; ports reported $pdrops drops, the receivers' sockets $hdrops"
grep '^network loss' "$T/out"
[ "$hdrops" -gt 0 ] || fail "the stopped receiver dropped nothing in its socket"
[ "$hdrops" -le "$lost" ] || fail "host drops $hdrops > packets lost $lost"
if [ "$pdrops" = 0 ]; then
    [ "$lost" = "$hdrops" ] || fail "no port dropped, yet lost $lost != host drops $hdrops"
else
    [ $((lost - hdrops)) -le "$pdrops" ] || fail "lost $lost - host drops $hdrops > port drops $pdrops"
fi
grep -q "^network loss.*the receivers' own sockets dropped $hdrops\$" "$T/out" ||
    fail "the loss line does not name the receivers' socket drops"
echo "PASS"
