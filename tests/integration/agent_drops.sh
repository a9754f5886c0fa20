#!/bin/sh
# sflow-agent accounts for the samples the kernel dropped on its capture
# socket (a full ring, PACKET_STATISTICS), and its pool stays the port's
# receive counter.
#
#   br0 in ${P}sw: p1 - h1, p2 - h2; sflow-agent -s 1 -p 1 on br0.
#
# The agent is stopped (SIGSTOP) while h1 sends h2 a burst of small frames,
# many more than the agent's capture ring holds (about 2,000 samples), so
# the kernel drops the samples that do not fit; then it goes on.  A last
# ping carries the final pool.  At 1-in-1 every packet that reached a port
# is a sample, so, for p1 and p2:
#  - sample_pool of the last flow sample = the port's rx_packets;
#  - its drops > 0, and samples taken (its sequence number) + drops = the
#    packets that reached the port since the agent opened it;
#  - ifInDiscards of the last counter sample = the port's rx_dropped: the
#    bridge forwarded the packets whose samples were lost, the port did not
#    discard them (the loss is the agent's, told by drops).
. "$(dirname "$0")/lib/agent_lab.sh"
[ -x "$BIN/sflowcollect" ] && [ -x "$BIN/sflow-agent" ] || skip "sflow-agent or sflowcollect not built"
lab_bridge
addhost 1
addhost 2
# Static neighbours: no ARP, so nothing but the test's packets crosses the ports.
host h1 ip neigh replace 10.9.0.2 lladdr "$(host h2 cat /sys/class/net/eth0/address)" nud permanent dev eth0
host h2 ip neigh replace 10.9.0.1 lladdr "$(host h1 cat /sys/class/net/eth0/address)" nud permanent dev eth0
stat() { sw cat /sys/class/net/$1/statistics/$2; }
PORT=$((20000 + ($$ + 11) % 20000))
FLOOD=20000

ip netns exec "$SW" "$BIN/sflowcollect" -p $PORT -b 127.0.0.1 -j >"$T/out.json" 2>"$T/collect.log" &
COLLECT=$!
PIDS="$PIDS $COLLECT"
ip netns exec "$SW" "$BIN/sflow-agent" -d -b br0 -c 127.0.0.1:$PORT -a 127.0.0.1 -s 1 -p 1 2>"$T/agent.log" &
AGENT=$!
PIDS="$PIDS $AGENT"
# Until the agent has opened both ports.
i=0
while [ "$(grep -c 'sampling 1 in 1' "$T/agent.log")" -lt 2 ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || { cat "$T/agent.log"; fail "the agent did not open p1 and p2"; }
    sleep 0.1
done
for p in p1 p2; do eval "RX0_$p=$(stat $p rx_packets)"; done

kill -STOP $AGENT
host h1 ping -q -c $FLOOD -l $FLOOD -s 16 -w 3 10.9.0.2 >/dev/null 2>&1
kill -CONT $AGENT
sleep 1
host h1 ping -q -c 1 -W 1 10.9.0.2 >/dev/null 2>&1
# More than a polling interval: the last counter samples see it all.
sleep 2.5
for p in p1 p2; do
    echo "$p $(sw cat /sys/class/net/$p/ifindex) $(stat $p rx_packets) $(stat $p rx_dropped)"
done >"$T/sys"
kill -TERM $AGENT
wait $AGENT
rc=$?
[ $rc = 0 ] || { cat "$T/agent.log"; fail "agent exit status $rc after SIGTERM"; }
sleep 1
kill $COLLECT
wait $COLLECT 2>/dev/null
[ -s "$T/out.json" ] || { cat "$T/collect.log"; fail "the collector received nothing"; }

errors=0
while read -r p idx rx rxdrop; do
    eval "rx0=\$RX0_$p"
    # The last flow sample: sequence, pool, drops; the last counter sample's ifInDiscards.
    last=$(jq -r --arg s "0:$idx" 'select(.samples) | .samples[] | select(.sampleType_tag == "0:3" and .sourceId == $s) |
        [.sampleSequenceNo, .samplePool, .dropEvents] | @tsv' "$T/out.json" | tail -n 1)
    disc=$(jq -r --arg s "0:$idx" 'select(.samples) | .samples[] | select(.sampleType_tag == "0:4" and .sourceId == $s) |
        .elements[] | select(.counterBlock_tag == "0:1") | .ifInDiscards' "$T/out.json" | tail -n 1)
    [ -n "$last" ] && [ -n "$disc" ] || { errors=$((errors + 1)); echo "  $p: no flow or counter samples"; continue; }
    set -- $last
    seq=$1 pool=$2 drops=$3
    echo "$p: rx_packets $rx (+$((rx - rx0)) since the agent opened it); last flow sample: pool $pool," \
        "samples $seq, drops $drops; ifInDiscards $disc, rx_dropped $rxdrop"
    [ "$pool" = "$rx" ] || { errors=$((errors + 1)); echo "  $p: sample_pool $pool != rx_packets $rx"; }
    [ "$drops" -gt 0 ] || { errors=$((errors + 1)); echo "  $p: the burst forced no drop on the agent's socket"; }
    [ $((seq + drops)) = $((rx - rx0)) ] ||
        { errors=$((errors + 1)); echo "  $p: samples $seq + drops $drops != packets received $((rx - rx0))"; }
    [ "$disc" = "$rxdrop" ] || { errors=$((errors + 1)); echo "  $p: ifInDiscards $disc != rx_dropped $rxdrop"; }
done <"$T/sys"
[ $errors = 0 ] || { cat "$T/agent.log"; fail "$errors check(s) failed"; }
echo "PASS"
