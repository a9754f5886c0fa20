#!/bin/sh
# sflow-agent following a bridge as it changes, and surviving its collector:
#  - a port added to the bridge while the agent runs is sampled (rate 1:
#    every packet, so the count is exact), a port removed is dropped with
#    the agent still running;
#  - with the collector gone (ICMP port unreachable) the agent keeps going,
#    and datagrams arrive again once a collector is back;
#  - SIGHUP re-reads the config file (a new sampling rate shows in the
#    samples), the command line still wins over it;
#  - SIGTERM exits 0 and removes the pidfile; bad options exit 2.
. "$(dirname "$0")/lib/agent_lab.sh"

# Usage errors need no namespace.
"$BIN/sflow-agent" -b br0 >/dev/null 2>&1
[ $? = 2 ] || fail "no collector: exit status not 2"
"$BIN/sflow-agent" -b br0 -c 127.0.0.1 -s 0 >/dev/null 2>&1
[ $? = 2 ] || fail "sampling 0: exit status not 2"
"$BIN/sflow-agent" --help | grep -q 'usage: sflow-agent' || fail "--help"

lab_bridge
PORT=6392
addhost 1
addhost 2

collector() {
    ip netns exec "$SW" "$BIN/sflowcollect" -p $PORT -b 127.0.0.1 -j >>"$T/out.json" 2>>"$T/collect.log" &
    COLLECT=$!
    PIDS="$PIDS $COLLECT"
}
collector
cat >"$T/agent.conf" <<EOC
# sflow-agent test config
bridge br0
collector 127.0.0.1:$PORT
sampling 1
polling 2
EOC
ip netns exec "$SW" "$BIN/sflow-agent" -d -f "$T/agent.conf" -P "$T/agent.pid" -a 127.0.0.1 --host-counters \
    2>"$T/agent.log" &
AGENT=$!
PIDS="$PIDS $AGENT"
sleep 1
[ -s "$T/agent.pid" ] && [ "$(cat "$T/agent.pid")" = $AGENT ] || fail "pidfile"

errors=0
err() { echo "  error: $*"; errors=$((errors + 1)); }
# Flow samples with input ifIndex $1 and ICMP from $2 in the collector's output so far.
count() {
    jq -r --arg s "$2" '.samples[] | select(.sampleType_tag == "0:3")
        | select(.elements[0].srcIP == $s and .elements[0].IPProtocol == 1) | .inputPort' \
        "$T/out.json" 2>/dev/null | grep -cx "$1"
}

# A third host joins the bridge while the agent runs.
addhost 3
sleep 1.5
host h3 ping -q -c 20 -i 0.01 10.9.0.1 >/dev/null 2>&1
sleep 1.5
IF3=$(sw cat /sys/class/net/p3/ifindex)
n=$(count "$IF3" 10.9.0.3)
echo "added port p3 (ifIndex $IF3): $n samples of 20 echo requests at rate 1"
[ "$n" = 20 ] || err "new port: $n samples, 20 expected"
grep -q "p3 (ifIndex $IF3, bridge port.*sampling 1 in 1" "$T/agent.log" || err "new port not logged"

# It leaves again.
sw ip link del p3
sleep 1.5
kill -0 $AGENT 2>/dev/null || fail "agent died when a port was removed"
grep -q "p3 (ifIndex $IF3): no longer sampled" "$T/agent.log" || err "removed port not dropped"

# Collector down: ICMP port unreachable for every datagram.
kill $COLLECT
wait $COLLECT 2>/dev/null
host h1 ping -q -c 50 -i 0.02 10.9.0.2 >/dev/null 2>&1
sleep 1.5
kill -0 $AGENT 2>/dev/null || fail "agent died with its collector down"
before=$(wc -l <"$T/out.json")
collector
sleep 0.5
host h1 ping -q -c 10 -i 0.01 10.9.0.2 >/dev/null 2>&1
sleep 1.5
after=$(wc -l <"$T/out.json")
echo "collector back: $((after - before)) datagrams received"
[ "$after" -gt "$before" ] || err "no datagrams after the collector came back"

# SIGHUP: the file's new rate is used.
sed -i 's/^sampling 1$/sampling 2/' "$T/agent.conf"
kill -HUP $AGENT
sleep 1
host h1 ping -q -c 40 -i 0.01 10.9.0.2 >/dev/null 2>&1
sleep 1.5
rate=$(jq -r '.samples[] | select(.sampleType_tag == "0:3") | .meanSkipCount' "$T/out.json" | tail -n 1)
echo "after SIGHUP: sampling rate $rate"
[ "$rate" = 2 ] || err "SIGHUP: rate $rate, 2 expected"

# Host counters on 2:1: the five records, memory as /proc/meminfo says.
tags=$(jq -r '.samples[] | select(.sourceId == "2:1") | [.elements[].counterBlock_tag] | join(",")' \
    "$T/out.json" | tail -n 1)
echo "host counters: $tags"
[ "$tags" = "0:2000,0:2003,0:2004,0:2005,0:2006" ] || err "host counter records: $tags"
mem=$(jq -r '.samples[] | select(.sourceId == "2:1") | .elements[] | select(.counterBlock_tag == "0:2004") | .mem_total' \
    "$T/out.json" | tail -n 1)
[ "$mem" = $(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024)) ] || err "mem_total $mem"

kill -TERM $AGENT
wait $AGENT
rc=$?
[ $rc = 0 ] || err "exit status $rc after SIGTERM"
[ -e "$T/agent.pid" ] && err "pidfile left behind"
cat "$T/agent.log"
[ "$errors" = 0 ] || fail "$errors check(s) failed"
echo ok
