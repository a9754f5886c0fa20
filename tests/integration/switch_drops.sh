#!/bin/sh
# Every packet that reached a port is accounted for, also those the kernel
# dropped on the port's socket before sflow-switch read them.
#
#   br0: h1 (1), h2 (2); sampling 1-in-N, polling 1 s; --ring-kb 64.
#
# With a tiny socket queue on every port (a few hundred frames), h1 floods h2 while
# the switch runs: the sender outpaces the switch's reads and the kernel
# drops what does not fit, unread, while the switch forwards, samples and
# reads the drop counter concurrently.  The last pings, sampled 1-in-1,
# carry the final pool.  Checked:
#  - sample_pool of port 1's last flow sample = the kernel's receive
#    counter of the port's interface (every frame that reached it, read or
#    dropped);
#  - dump-ports: rx pkts + drop = the same counter, drop > 0;
#  - the last counter sample's ifInDiscards = dump-ports' drop;
#  - the flow samples' drops grew: about one in N of the dropped frames
#    would have been sampled (within 5 sigma).
P=swd$$
. "$(dirname "$0")/lib/switch_lab.sh"
command -v jq >/dev/null 2>&1 || skip "jq missing (make deps)"
[ -x "$BIN/sflowcollect" ] || skip "sflowcollect not built"

N=16
# Three pings preloading 20,000 small frames each, sent back to back: the
# switch reads a batch per wakeup, and a queue of 128 KiB (what the kernel
# makes of 64) holds about 150 small frames: a burst overflows it at once,
# while the test's paced pings (one every 2 ms) have 300 ms to be read, so
# the switch, even on a busy machine, loses none of them.
FLOOD=20000
PORT=$((20000 + ($$ + 7) % 20000))
host h1 10.82.0.1
host h2 10.82.0.2
start_collector $PORT
start_switch --ring-kb 64
sfctl add-br br0 || fail "add-br"
for h in h1 h2; do sfctl add-port br0 ${P}$h || fail "add-port"; done
sflow() { sfctl set-sflow br0 target=127.0.0.1:$PORT sampling=$1 polling=1 agent=127.0.0.1 || fail "set-sflow"; }
sflow $N
IF1=$(cat /sys/class/net/${P}h1/ifindex)
# Static neighbours: no ARP, so h1 sends nothing but the pings.
in_ns h1 ip neigh replace 10.82.0.2 lladdr "$(in_ns h2 cat /sys/class/net/eth0/address)" dev eth0
in_ns h2 ip neigh replace 10.82.0.1 lladdr "$(in_ns h1 cat /sys/class/net/eth0/address)" dev eth0
in_ns h1 ping -q -c 200 -i 0.002 -W 1 10.82.0.2 >/dev/null 2>&1
sleep 0.5

for i in 1 2 3; do
    in_ns h1 ping -q -c $FLOOD -l $FLOOD -s 16 -w 2 10.82.0.2 >/dev/null 2>&1 &
    eval "F$i=\$!"
done
wait "$F1" "$F2" "$F3"
# Until the switch has read (or counted dropped) all that reached port 1:
# the last sample must come after the queue is drained.
ports1() { sfctl dump-ports br0 1 | sed -n 's/.*rx pkts=\([0-9]*\).*drop=\([0-9]*\).*/\1 \2/p'; }
i=0
while set -- $(ports1) && [ $(($1 + $2)) -lt "$(cat /sys/class/net/${P}h1/statistics/rx_packets)" ]; do
    i=$((i + 1))
    [ $i -lt 300 ] || fail "the switch did not drain port 1's queue in 30 s"
    sleep 0.1
done
# Still at 1-in-N, more packets than the longest skip (2N-1): a 1-in-N
# sample after the drain carries every drop in its drops field.
in_ns h1 ping -q -c $((2 * N + 8)) -i 0.002 -W 1 10.82.0.2 >/dev/null 2>&1
# The last packets, sampled for sure: the last sample carries the final pool.
sflow 1
in_ns h1 ping -q -c 3 -i 0.2 -W 1 10.82.0.2 >/dev/null 2>&1
sleep 2.5
RX=$(cat /sys/class/net/${P}h1/statistics/rx_packets)
sfctl dump-ports br0 1 >"$T/ports" || fail "dump-ports"
SWRX=$(sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p' "$T/ports")
DROP=$(sed -n 's/.*rx pkts=.*drop=\([0-9]*\).*/\1/p' "$T/ports")
kill "$CPID"
wait "$CPID" 2>/dev/null
[ -s "$T/out.json" ] || { cat "$T/collect.log"; fail "no output from sflowcollect"; }

# Port 1's flow samples: pool, drops, rate; its counter samples: ifInDiscards.
jq -r --arg s "0:$IF1" '.samples[] | select(.sampleType_tag == "0:3" and .sourceId == $s) |
    [.samplePool, .dropEvents, .meanSkipCount] | @tsv' "$T/out.json" >"$T/flows" ||
    fail "jq could not read sflowcollect's JSON"
jq -r --arg s "0:$IF1" '.samples[] | select(.sampleType_tag == "0:4" and .sourceId == $s) |
    .elements[] | select(.counterBlock_tag == "0:1") | .ifInDiscards' "$T/out.json" >"$T/ctrs"
[ -s "$T/flows" ] || fail "no flow samples of port 1"
[ -s "$T/ctrs" ] || fail "no counter samples of port 1"
POOL=$(tail -n 1 "$T/flows" | cut -f1)
LASTRATE=$(tail -n 1 "$T/flows" | cut -f3)
SDROPS=$(awk -F'\t' -v n=$N '$3 == n { d = $2 } END { print d + 0 }' "$T/flows")
DISC=$(tail -n 1 "$T/ctrs")
echo "port 1: kernel rx $RX; switch read $SWRX, dropped $DROP; last sample_pool $POOL (rate $LASTRATE);"\
    "flow samples' drops at 1-in-$N $SDROPS; ifInDiscards $DISC"
[ "$DROP" -gt 0 ] || fail "the flood forced no drop on the port's socket"
[ "$LASTRATE" = 1 ] || fail "the last sample is not the 1-in-1 one"
[ "$POOL" = "$RX" ] || fail "sample_pool $POOL != kernel receive counter $RX"
[ $((SWRX + DROP)) = "$RX" ] || fail "rx pkts $SWRX + drop $DROP != kernel receive counter $RX"
[ "$DISC" = "$DROP" ] || fail "ifInDiscards $DISC != dump-ports drop $DROP"
# drops ~ Binomial(DROP, 1/N): within 5 sigma of DROP/N.
awk -v d="$SDROPS" -v n="$DROP" -v r=$N 'BEGIN {
    m = n / r; s = sqrt(n / r * (1 - 1 / r)); dev = d - m; if (dev < 0) dev = -dev
    printf "flow samples drops %d, expected %.0f +- %.0f\n", d, m, s
    exit dev > 5 * s }' || fail "flow samples' drops are not one in $N of the dropped frames"
echo "PASS"
