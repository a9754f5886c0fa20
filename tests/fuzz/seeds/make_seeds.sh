#!/bin/sh
# Writes the seeds of the fuzz harnesses into tests/fuzz/seeds/<harness>/.
# The text seeds are spelled out here; the binary ones (sFlow datagrams and
# captures) come from sfgen (make programs) and text2pcap/editcap
# (wireshark-common).  Run from anywhere; the output is committed.
# usage: tests/fuzz/seeds/make_seeds.sh [SFGEN]
set -e
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
S=$TOP/tests/fuzz/seeds
gen=${1:-$TOP/build/rel/bin/sfgen}
[ -x "$gen" ] || gen=$TOP/build/san/bin/sfgen
tmp=$(mktemp -d /tmp/sflowkit-seeds.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- sFlow datagrams: the decoder and the NetFlow v5 export path ----
for h in fuzz_sflow_decode fuzz_netflow5; do
    rm -rf "${S:?}/$h"
    mkdir -p "$S/$h"
done
# (--seeds sends the capture to /dev/null unless -w comes after it.)
"$gen" -n 2 --agents 1 --flow-samples 2 --counter-samples 1 --header-bytes 64 \
    --seeds "$tmp" -w "$tmp/small.pcap" >/dev/null 2>&1
mkdir "$tmp/flows"
"$gen" -n 1 --seed 7 --agents 1 --flow-samples 6 --counter-samples 0 --header-bytes 128 \
    --seeds "$tmp/flows" >/dev/null 2>&1
for f in "$tmp"/sfgen-*.bin; do
    cp "$f" "$S/fuzz_sflow_decode/"
    cp "$f" "$S/fuzz_netflow5/"
done
cp "$tmp"/flows/sfgen-000000.bin "$S/fuzz_netflow5/six-flows.bin"

# ---- captures: pcap, pcapng, raw IP, IPv6 ----
rm -rf "${S:?}/fuzz_recv_pcap"
mkdir -p "$S/fuzz_recv_pcap"
cp "$tmp/small.pcap" "$S/fuzz_recv_pcap/ethernet.pcap"
editcap -F pcapng "$tmp/small.pcap" "$S/fuzz_recv_pcap/ethernet.pcapng"
# A timestamp of its own, so that the same script writes the same files.
{ echo 2023-11-14T22:13:20.000000Z; od -Ax -tx1 -v "$tmp/sfgen-000000.bin"; } > "$tmp/d.hex"
text2pcap -q -t ISO -F pcap -l 101 -4 10.0.0.1,10.0.0.2 -u 5000,6343 "$tmp/d.hex" \
    "$S/fuzz_recv_pcap/raw-ipv4.pcap" >/dev/null 2>&1
text2pcap -q -t ISO -F pcap -6 2001:db8::1,2001:db8::2 -u 5000,6343 "$tmp/d.hex" \
    "$tmp/ipv6.pcap" >/dev/null 2>&1
editcap -F pcapng "$tmp/ipv6.pcap" "$S/fuzz_recv_pcap/ipv6.pcapng"

# ---- flow rules (ovs-ofctl syntax) ----
d=$S/fuzz_flow_parse
rm -rf "${d:?}"
mkdir -p "$d"
printf 'priority=100,tcp,nw_dst=10.0.0.0/24,tp_dst=80,idle_timeout=10 actions=output:2' > "$d/tcp"
printf 'in_port=1,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,dl_vlan=10 actions=mod_vlan_vid:20,mod_dl_src:02:00:00:00:00:02,NORMAL' > "$d/l2"
printf 'cookie=0xff,hard_timeout=5,arp,nw_src=192.168.0.0/255.255.0.0,nw_proto=1 actions=FLOOD' > "$d/arp"
printf 'udp6,tp_src=53 actions=strip_vlan,in_port,3' > "$d/udp6"
printf 'priority=0,dl_vlan=0xffff,dl_type=0x88cc actions=drop' > "$d/drop"
printf 'table=0,ip,nw_proto=*,nw_src=ANY actions=output:in_port' > "$d/wild"
printf 'icmp,tp_src=8,tp_dst=0 actions=all' > "$d/icmp"
printf 'dl_src=01:00:00:00:00:00/01:00:00:00:00:00,dl_vlan=10,dl_vlan_pcp=3,vlan_tci=0x1000/0x1000 actions=push_vlan:0x8100,mod_vlan_pcp:5,pop_vlan' > "$d/l2mask"
printf 'arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00/ff:00:00:00:00:00 actions=set_field:2->arp_op,LOCAL' > "$d/arpf"
printf 'icmp6,icmp_type=135,icmp_code=0,nd_target=fe80::1/64 actions=set_field:fe80::2->nd_target,output:in_port' > "$d/nd"
printf 'ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::1/ffff:ffff::,ipv6_label=0x12345/0xfffff,nw_tos=8,nw_ecn=1,nw_ttl=64 actions=set_field:::1->ipv6_dst,set_field:0x1->ipv6_label,dec_ttl' > "$d/ipv6"
printf 'ip,ip_dscp=10,nw_ttl=5 actions=mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,mod_nw_tos:16,mod_nw_ecn:1,mod_nw_ttl:9,dec_ttl,output:LOCAL' > "$d/ip4mod"
printf 'tcp,tp_src=0x1000/0xf000,tp_dst=80,tcp_flags=+syn-ack actions=mod_tp_src:7,set_field:8->tcp_dst,IN_PORT,ALL' > "$d/tcpf"
printf 'tcp6,tcp_flags=syn|ack,nw_ttl=1 actions=drop' > "$d/tcpflags2"
printf 'udp6,udp_src=53/0xfff0,eth_type=0x86dd actions=set_field:5->udp_src' > "$d/udpm"
printf 'sctp,sctp_dst=9 actions=resubmit(,4),resubmit(2,5),resubmit:3,resubmit(LOCAL,)' > "$d/resub"
printf 'table=3,priority=5,send_flow_rem,cookie=0x5,in_port=LOCAL,metadata=0x5/0xff,reg0=7,reg7=0x10/0xf0 actions=set_field:0x5->reg1,set_field:0x8/0xf->metadata,goto_table:7' > "$d/tables"
printf 'cookie=0x5/0xff,table=ALL,reg3=1' > "$d/select"
printf 'ct_state=+trk actions=ct(commit),controller,learn(table=1),set_queue:1,enqueue:1:2' > "$d/refused"

# ---- the switch's control protocol: a chunk-size byte, then a client's bytes ----
d=$S/fuzz_switch_ctl
rm -rf "${d:?}"
mkdir -p "$d"
printf '\377add-br\000br0\000' > "$d/one"
printf '\003--may-exist\000add-br\000br0\000' > "$d/option"
printf '\000--batch\000' > "$d/batch"
printf '1\000show\000' >> "$d/batch"
printf '2\000add-br\000s1\000' >> "$d/batch"
printf '4\000add-port\000s1\000lo\000tag=10\000' >> "$d/batch"
printf '3\000add-flow\000s1\000priority=10,tcp,tp_dst=80 actions=output:2\000' >> "$d/batch"
printf '2\000dump-flows\000s1\000' >> "$d/batch"
printf '2\000dump-ports\000s1\000' >> "$d/batch"
printf '2\000fdb-show\000s1\000' >> "$d/batch"
printf '2\000list-ports\000s1\000' >> "$d/batch"
printf '4\000set\000port\000lo\000trunks=10,20-30\000' >> "$d/batch"
printf '6\000set-sflow\000s1\000target=127.0.0.1:6343\000sampling=64\000polling=20\000header=128\000' >> "$d/batch"
printf '3\000del-flows\000s1\000tcp\000' >> "$d/batch"
printf '2\000port-to-br\000lo\000' >> "$d/batch"
printf '2\000clear-sflow\000s1\000' >> "$d/batch"
printf '2\000del-port\000lo\000' >> "$d/batch"
printf '3\000--if-exists\000del-br\000s1\000' >> "$d/batch"
printf '1\000list-br\000' >> "$d/batch"
# ovs-ofctl's flow files (a word "\nNAME\nTEXT", ctl_of.h), map columns, vlan_mode, mod-port, destroy.
printf '\000--batch\000' > "$d/ofctl"
printf '2\000add-br\000s1\000' >> "$d/ofctl"
printf '6\000add-port\000s1\000lo\000tag=10\000vlan_mode=native-tagged\000other_config:a=b\000' >> "$d/ofctl"
printf '3\000add-flows\000s1\000\nf1\n# comment\n\npriority=100,tcp,tp_dst=80 actions=output:2\n  in_port=1 actions=normal # x\n\000' >> "$d/ofctl"
printf '3\000mod-flows\000s1\000in_port=1 actions=drop\000' >> "$d/ofctl"
printf '4\000--strict\000mod-flows\000s1\000priority=100,tcp,tp_dst=80 actions=flood\000' >> "$d/ofctl"
printf '3\000diff-flows\000s1\000\nf2\nin_port=1 actions=drop\ncookie=0x5,udp,idle_timeout=3 actions=drop\000' >> "$d/ofctl"
printf '3\000replace-flows\000s1\000\nf2\nin_port=1 actions=drop\nudp actions=drop\000' >> "$d/ofctl"
printf '3\000dump-aggregate\000s1\000udp\000' >> "$d/ofctl"
printf '2\000dump-tables\000s1\000' >> "$d/ofctl"
printf '2\000show\000s1\000' >> "$d/ofctl"
printf '2\000dump-ports-desc\000s1\000' >> "$d/ofctl"
printf '4\000mod-port\000s1\0001\000down\000' >> "$d/ofctl"
printf '4\000mod-port\000s1\000lo\000up\000' >> "$d/ofctl"
printf '5\000set\000bridge\000s1\000other_config={a=b,"k,2"="v=x"}\000external_ids:o=lab\000' >> "$d/ofctl"
printf '6\000add\000bridge\000s1\000other_config\000x=1\000{y="2"}\000' >> "$d/ofctl"
printf '6\000remove\000bridge\000s1\000other_config\000x=1\000a\000' >> "$d/ofctl"
printf '4\000get\000bridge\000s1\000other_config:"k,2"\000' >> "$d/ofctl"
printf '5\000--format=json\000list\000port\000lo\000' >> "$d/ofctl"
printf '4\000--all\000destroy\000sflow\000' >> "$d/ofctl"
printf '3\000destroy\000bridge\000s1\000' >> "$d/ofctl"
printf '4\000set\000port\000lo\000vlan_mode=trunk\000' >> "$d/ofctl"
# Found by fuzzing: a bad map value in add/remove leaked what was parsed of it.
printf '\000--batch\000' > "$d/map-leak"
printf '2\000add-br\000s1\000' >> "$d/map-leak"
printf '5\000add\000bridge\000s1\000other_config\000a=b,"x\000' >> "$d/map-leak"
# The database form of mirrors and NetFlow (issue #11).
printf '\004--\000add-br\000m1\000--\000add-port\000m1\000lo\000--\000set\000bridge\000m1\000mirrors=@m\000--\000--id=@p\000get\000port\000lo\000--\000--id=@m\000create\000mirror\000name=x\000select-all=true\000output-port=@p\000' > "$d/mirror"
printf '\004--\000add-br\000n1\000--\000set\000bridge\000n1\000netflow=@nf\000--\000--id=@nf\000create\000netflow\000targets="127.0.0.1:2055"\000active_timeout=1\000engine_id=3\000' > "$d/netflow"

# ---- the switch's state file ----
d=$S/fuzz_switch_state
rm -rf "${d:?}"
mkdir -p "$d"
{
    printf '# sflow-switch state; written by the daemon, replayed at start\n'
    printf 'add-br\tbr0\n'
    printf 'add-port\tbr0\tveth1\tofport=1\ttag=10\n'
    printf 'add-port\tbr0\tveth2\tofport=2\ttrunks=10,20,30-40\n'
    printf 'add-flow\tbr0\tpriority=100,cookie=0x5,idle_timeout=5,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2\n'
    printf 'add-flow\tbr0\tpriority=32768,arp actions=NORMAL\n'
    printf 'set-sflow\tbr0\ttarget=127.0.0.1:6343,[::1]:6343\tsampling=64\tpolling=20\theader=128\tagent=127.0.0.1\n'
    printf 'add-br\tbr1\n'
    printf 'add-port\tbr1\tlo\tofport=7\tvlan_mode=native-untagged\ttag=5\tother_config={a=b, "k,2"="v=x"}\texternal_ids={o=lab}\n'
    printf 'mod-port\tbr1\tlo\tdown\n'
    printf 'set\tbridge\tbr1\tother_config={datapath-id="0000000000000001"}\n'
} > "$d/state"
# Mirrors and NetFlow (issue #11), as the switch writes them.
{
    printf 'add-br\tbr0\n'
    printf 'add-port\tbr0\tveth1\tofport=1\ttag=10\n'
    printf 'add-port\tbr0\tveth2\tofport=2\n'
    printf 'add-port\tbr0\tveth3\tofport=3\n'
    printf 'add-mirror\tbr0\tname=m0\toutput_port=veth3\tselect_all=false\tselect_dst_port=[veth2]\tselect_src_port=[veth1, veth2]\tselect_vlan=[10, 20]\n'
    printf 'add-mirror\tbr0\tname=m1\toutput_vlan=30\tselect_all=true\n'
    printf 'set-netflow\tbr0\tactive_timeout=60\tadd_id_to_interface=true\tengine_id=7\tengine_type=3\ttargets=["127.0.0.1:2055"]\n'
} > "$d/mirror_netflow"

# ---- sflow-emu: topology files (first line also a --topo spec) and flows files ----
d=$S/fuzz_emu_topo
rm -rf "${d:?}"
mkdir -p "$d"
printf 'tree,2,3\n' > "$d/tree"
printf 'linear,4\n' > "$d/linear"
printf 'single,3\n' > "$d/single"
# Found by fuzzing: a tree this deep overflowed add_tree()'s stack (now refused).
printf 'tree,99999,1\n' > "$d/deep-tree"
# The tail of a line longer than the reader's buffer was read as a statement.
{ printf 'switch s1\nhost h1\nlink h1 s1\n# '; head -c 509 /dev/zero | tr '\0' x; printf 'host h2\n'; } > "$d/long-line"
cat > "$d/vlans" <<'TOPO'
# two switches, a trunk between them
switch s1
switch s2
host h1 ip=192.168.1.1/24 mac=02:00:00:00:00:01
host h2
host h3
link h1 s1 vlan=10
link h2 s2 vlan=10
link h3 s2 vlan=20
link s1 s2 trunks=10,20
TOPO
# Link settings (Mininet's TCLink): as --link, and on a file's link lines.
printf 'tc,bw=10,delay=5ms,jitter=1ms,loss=1.5,max_queue_size=100\n' > "$d/link-spec"
cat > "$d/shaped" <<'TOPO'
switch s1
host h1
host h2
link h1 s1 bw=2.5 delay=250us loss=0 max_queue_size=20
link h2 s1 jitter=1s
TOPO
# MiniEdit's .mn (JSON): two hosts, a switch, a link with options.
cat > "$d/lab.mn" <<'MN'
{
    "application": { "dpctl": "", "ipBase": "10.0.0.0/8", "startCLI": "0" },
    "controllers": [ { "opts": { "hostname": "c0", "remotePort": 6633 }, "x": "1.0", "y": "2.0" } ],
    "hosts": [
        { "number": "1", "opts": { "hostname": "h1", "nodeNum": 1, "ip": "192.168.5.1/24" } },
        { "number": "3", "opts": { "hostname": "h3", "nodeNum": 3, "sched": "host" } } ],
    "links": [
        { "src": "h1", "dest": "s1", "opts": { "bw": 10, "delay": "5ms", "loss": 1.5, "max_queue_size": 100 } },
        { "src": "s1", "dest": "h3", "opts": {} } ],
    "switches": [ { "number": "1", "opts": { "hostname": "s1", "nodeNum": 1, "dpid": "0000000000000001" } } ],
    "version": "2"
}
MN
# JSON's corners: escapes, numbers with exponents, literals, nesting.
printf '{"a":[true,false,null,-0.5e+3,"\\u0041\\n\\"",{"b":[[]]}],"hosts":[{"opts":{"hostname":"h\\u0031"}}],"switches":[{"opts":{"hostname":"s1"}}],"links":[{"src":"h1","dest":"s1","opts":{"bw":"1e1"}}]}\n' > "$d/json-corners.mn"
d=$S/fuzz_emu_flows
rm -rf "${d:?}"
mkdir -p "$d"
cat > "$d/flows" <<'FLOWS'
# SRC DST udp|tcp|icmp PACKETS [SIZE [RATE [START]]]
h1 h4 udp 1000 500 100 0
h2 h3 tcp 200 1514 50 1.5
h3 h1 icmp 10
h4 h2 udp 5 64
FLOWS
# Found by fuzz_emu_flows' checks: these were accepted, and sent nothing or
# all at once (NaN and infinity reach a float-to-integer conversion).
printf 'h1 h2 udp 5 500 nan\n' > "$d/nan-rate"
printf 'h1 h2 udp 5 500 inf\n' > "$d/inf-rate"
printf 'h1 h2 udp 5 500 1 nan\n' > "$d/nan-start"
{ printf '# '; head -c 253 /dev/zero | tr '\0' x; printf 'h1 h2 udp 5\n'; } > "$d/long-line"

# ---- sflow-agent's config file ----
d=$S/fuzz_agent_config
rm -rf "${d:?}"
mkdir -p "$d"
cat > "$d/agent.conf" <<'CONF'
# sflow-agent -f FILE
bridge br0
interface eth1
collector 127.0.0.1:6343
collector = [::1]:6343
sampling 256
polling 20
header-bytes 128
datagram-bytes 1400
agent 192.0.2.1
host-counters yes
pidfile /run/sflow-agent.pid
CONF
