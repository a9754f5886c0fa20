#!/bin/sh
# sflow-agent hardening (issue 14):
#  - '-b nosuchbr' (or a link that is not a bridge, or '-i nosuchif') no
#    longer starts with "0 port(s)" and runs on: it exits 1 naming it;
#  - with --wait-bridge it starts, and samples the bridge once it appears;
#  - after start-up it holds only CAP_NET_RAW and CAP_NET_ADMIN (effective,
#    permitted and bounding sets, nothing inheritable or ambient,
#    no_new_privs), checked in /proc/PID/status, and still samples.
. "$(dirname "$0")/lib/agent_lab.sh"
. "$(dirname "$0")/lib/listening.sh"

lab_bridge
PORT=6394
# timeout: before the fix the agent ran on, sampling nothing.
sw timeout 10 "$BIN/sflow-agent" -d -b nosuchbr -c 127.0.0.1:$PORT >"$T/nobr.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "-b nosuchbr: exit status $rc, not 1"
grep -q "bridge nosuchbr: no such interface" "$T/nobr.out" || { cat "$T/nobr.out"; fail "-b nosuchbr: message"; }
sw timeout 10 "$BIN/sflow-agent" -d -b lo -c 127.0.0.1:$PORT >"$T/lo.out" 2>&1
[ $? = 1 ] || fail "-b lo: not refused"
grep -q "bridge lo: not a bridge" "$T/lo.out" || { cat "$T/lo.out"; fail "-b lo: message"; }
sw timeout 10 "$BIN/sflow-agent" -d -i nosuchif -c 127.0.0.1:$PORT >"$T/noif.out" 2>&1
[ $? = 1 ] || fail "-i nosuchif: not refused"
grep -q "interface nosuchif: no such interface" "$T/noif.out" || { cat "$T/noif.out"; fail "-i nosuchif: message"; }

ip netns exec "$SW" "$BIN/sflowcollect" -p $PORT -b 127.0.0.1 -j >"$T/out.json" 2>"$T/collect.log" &
PIDS="$PIDS $!"
# The bridge br1 does not exist yet: the agent waits for it.
ip netns exec "$SW" "$BIN/sflow-agent" -d --wait-bridge -b br1 -c 127.0.0.1:$PORT -a 127.0.0.1 -s 1 -p 0 \
    2>"$T/agent.log" &
AGENT=$!
PIDS="$PIDS $AGENT"
sleep 1
kill -0 $AGENT 2>/dev/null || { cat "$T/agent.log"; fail "--wait-bridge: the agent exited"; }
grep -q "bridge br1: no such interface yet; waiting for it" "$T/agent.log" ||
    { cat "$T/agent.log"; fail "--wait-bridge: no message"; }

# Capabilities once started: CAP_NET_ADMIN (12) and CAP_NET_RAW (13) only.
st=/proc/$AGENT/status
for f in CapEff CapPrm CapBnd; do
    grep -q "^$f:[[:space:]]*0000000000003000$" $st || { grep "^Cap\|^NoNew" $st; fail "$f is not NET_ADMIN+NET_RAW"; }
done
for f in CapInh CapAmb; do
    grep -q "^$f:[[:space:]]*0*$" $st || { grep "^Cap" $st; fail "$f not empty"; }
done
grep -q "^NoNewPrivs:[[:space:]]*1$" $st || fail "no_new_privs not set"

# The bridge appears, with a host on it: its packets are sampled, 1 in 1.
sw ip link add br1 type bridge
sw ip link set br1 up
ip netns add "${P}h1"
host h1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1
sw ip link add p1 type veth peer name eth0 netns "${P}h1"
sw ip link set p1 master br1 up
host h1 ip addr add 10.9.1.1/24 dev eth0
host h1 ip link set eth0 up
sleep 1.5
host h1 ping -q -c 5 -i 0.05 -W 0.2 10.9.1.2 >/dev/null 2>&1
sleep 1.5
grep -q "p1 (ifIndex [0-9]*, bridge port.*sampling 1 in 1" "$T/agent.log" ||
    { cat "$T/agent.log"; fail "the new bridge's port is not sampled"; }
n=$(jq -r '.samples[] | select(.sampleType_tag == "0:3") | .elements[0].srcMAC // empty' \
    "$T/out.json" 2>/dev/null | grep -c .)
[ "$n" -gt 0 ] || { cat "$T/agent.log" "$T/collect.log"; fail "no flow samples from the bridge that appeared"; }
echo "--wait-bridge: $n flow samples from br1 once it appeared"
kill -TERM $AGENT
wait $AGENT
rc=$?
[ $rc = 0 ] || fail "agent exit status $rc after SIGTERM"
echo "harden_agent: ok"
exit 0
