#!/bin/sh
# NetFlow v9 (-N 9) and IPFIX (-N 10) export of IPv4 and IPv6 flows against
# the real analyzers: nfcapd/nfdump 1.7 and pmacct's nfacctd see every
# flow sample's record (IPv6 included) with the exact scaled packet and
# byte totals; nfdump sees no v9 sequence failure; tshark decodes every
# export packet with no malformed field or expert warning, resolves the
# templates (it decodes every record) and finds each IPFIX message's
# sequence number equal to the data records the domain sent before it;
# -s sends the raw counts and announces each agent's rate in the options
# record; --nf-template-refresh 3 repeats the templates every third
# message; -e sends the BGP neighbours' AS numbers, not the origins;
# --nf-aggregate sends fewer records with the same totals; two -c
# collectors both get everything.
#
# The expected figures come from sflowcollect's JSON output (-j), read with
# jq, not from the exporter: per flow sample, the first IPv4 packet, else
# the first IPv6 one, its IPSize and meanSkipCount.
: "${BIN:?}"
for t in nfcapd nfdump jq tshark; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
tmp=$(mktemp -d /tmp/sflowkit-nf9.XXXXXX)
pids=
cleanup() {
    for p in $pids; do kill -INT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
port=$((30000 + $$ % 20000))

"$BIN/sfgen" -n 300 --seed 7 --ipv6 30 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
f="$tmp/gen.pcap"
if [ -d "$SHARED/corpus/files" ] && command -v mergecap >/dev/null 2>&1; then
    mergecap -a -F pcap -w "$f.all" "$SHARED"/corpus/files/*.pcap "$tmp/gen.pcap" &&
        f="$f.all"
fi

# "flows v6 scaled_pkts scaled_bytes raw_pkts raw_bytes" of the capture.
set -- $("$BIN/sflowcollect" -r "$f" -j 2>/dev/null | jq -c '
  .samples[]? | select(.sampleType == "FLOWSAMPLE")
  | (if (.meanSkipCount // 0) > 0 then .meanSkipCount else 1 end) as $r
  | (([ .elements[]? | select(has("srcIP")) ] + [ .elements[]? | select(has("srcIP6")) ])[0]) as $e
  | select($e != null)
  | { v6: ($e | has("srcIP6")), r: $r,
      b: (if ($e.IPSize // 0) > 0 then $e.IPSize
          elif $e["ip.tot_len"] then $e["ip.tot_len"]
          elif $e.IPV6_payloadLen then $e.IPV6_payloadLen + 40
          else $e.sampledPacketSize end) }' |
  jq -s -r '[ length, (map(select(.v6)) | length), (map(.r) | add), (map(.r * .b) | add),
              length, (map(.b) | add) ] | map(tostring) | join(" ")')
flows=$1 v6=$2 spk=$3 sby=$4 rpk=$5 rby=$6
echo "$(basename "$f"): $flows flows ($v6 IPv6), scaled $spk packets $sby bytes, raw $rby bytes"
[ "$v6" -gt 0 ] && [ "$flows" -gt "$v6" ] || { echo "FAIL: the capture lacks IPv4 or IPv6 flows"; exit 1; }

capture=0
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null 2>&1; then capture=1; fi

# nfcapd_start NAME PORT: a fresh nfcapd writing to $tmp/NAME.
nfcapd_start() {
    mkdir -p "$tmp/$1"
    # A large receive buffer: a capture is exported much faster than live.
    nfcapd -B 8000000 -b 127.0.0.1 -p "$2" -w "$tmp/$1" >"$tmp/$1.log" 2>&1 &
    pids="$pids $!"
    eval "pid_$1=$!"
}
nfcapd_stop() {
    eval "p=\$pid_$1"
    kill -TERM "$p"; wait "$p" 2>/dev/null
    nfdump -R "$tmp/$1" -I >"$tmp/$1.sum" 2>&1
}
val() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$2" | head -n 1; }

# check NAME FLOWS PKTS BYTES: nfdump's summary of $tmp/NAME.
check() {
    got="$(val Flows "$tmp/$1.sum") $(val Packets "$tmp/$1.sum") $(val Bytes "$tmp/$1.sum")"
    if [ "$got" != "$2 $3 $4" ]; then
        echo "FAIL $1: nfdump flows/packets/bytes '$got', want '$2 $3 $4'"
        cat "$tmp/$1.sum" "$tmp/$1.log"
        fail=1
    fi
}

for v in 9 10; do
    # Scaled counts, two collectors, the export captured for tshark.
    nfcapd_start "a$v" $port
    nfcapd_start "b$v" $((port + 1))
    if [ $capture = 1 ]; then
        tcpdump -Z root -i lo -U -w "$tmp/exp$v.pcap" "udp and dst port $port" 2>/dev/null &
        tpid=$!
        pids="$pids $tpid"
    fi
    sleep 1
    "$BIN/sflowcollect" -r "$f" -q --stats -N $v -c 127.0.0.1 -d $port \
        -c 127.0.0.1 -d $((port + 1)) 2>"$tmp/s$v.stats" ||
        { echo "FAIL -N $v: sflowcollect failed"; cat "$tmp/s$v.stats"; fail=1; }
    sleep 1
    [ $capture = 1 ] && { kill -TERM $tpid; wait $tpid 2>/dev/null; }
    nfcapd_stop "a$v"
    nfcapd_stop "b$v"
    check "a$v" "$flows" "$spk" "$sby"
    check "b$v" "$flows" "$spk" "$sby"
    got6=$(nfdump -R "$tmp/a$v" -q -N -o 'fmt:%sa' | grep -c ':')
    [ "$got6" = "$v6" ] || { echo "FAIL -N $v: nfdump has $got6 IPv6 flows, want $v6"; fail=1; }
    if [ $v = 9 ]; then
        sf=$(val "Sequence failures" "$tmp/a$v.sum")
        [ "$sf" = 0 ] || { echo "FAIL -N 9: $sf sequence failures"; cat "$tmp/a$v.log"; fail=1; }
    fi

    if [ $capture = 1 ]; then
        d="-d udp.port==$port,cflow"
        # shellcheck disable=SC2086
        bad=$(tshark -r "$tmp/exp$v.pcap" $d -Y '_ws.malformed || _ws.expert.severity >= "Warning"' 2>/dev/null | wc -l)
        [ "$bad" = 0 ] || { echo "FAIL -N $v: tshark finds $bad malformed packets"; fail=1; }
        # shellcheck disable=SC2086
        recs=$(tshark -r "$tmp/exp$v.pcap" $d -T fields -e cflow.octets 2>/dev/null | tr ',' '\n' | grep -c .)
        [ "$recs" = "$flows" ] ||
            { echo "FAIL -N $v: tshark decodes $recs records of $flows (templates not resolved?)"; fail=1; }
        if [ $v = 10 ]; then
            # Per domain: sequence = data records (flows and options) sent before.
            # shellcheck disable=SC2086
            tshark -r "$tmp/exp$v.pcap" $d -T fields -E 'separator=;' -e cflow.od_id \
                -e cflow.sequence -e cflow.octets -e cflow.sampling_interval 2>/dev/null |
            awk -F';' '{ split($1, od, ","); dom = od[1]; n = 0
                       if ($3 != "") n += split($3, a, ",")
                       if ($4 != "") n += split($4, b, ",")
                       if ((dom in next_seq) && next_seq[dom] != $2) bad++
                       next_seq[dom] = $2 + n }
                     END { exit bad > 0 }' ||
                { echo "FAIL -N 10: IPFIX sequence numbers do not count the data records"; fail=1; }
        fi
    else
        echo "not root or no tcpdump: tshark checks of -N $v skipped"
    fi

    # -s: raw counts; each exporter's options record names its rate.
    nfcapd_start "r$v" $port
    [ $capture = 1 ] && {
        tcpdump -Z root -i lo -U -w "$tmp/raw$v.pcap" "udp and dst port $port" 2>/dev/null &
        tpid=$!
        pids="$pids $tpid"
    }
    sleep 1
    "$BIN/sflowcollect" -r "$f" -q -N $v -s -c 127.0.0.1 -d $port 2>/dev/null
    sleep 1
    [ $capture = 1 ] && { kill -TERM $tpid; wait $tpid 2>/dev/null; }
    nfcapd_stop "r$v"
    check "r$v" "$flows" "$rpk" "$rby"
    if [ $capture = 1 ]; then
        want=$("$BIN/sflowcollect" -r "$f" -j 2>/dev/null |
            jq -r '.samples[]? | select(.sampleType == "FLOWSAMPLE")
              | select(any(.elements[]?; has("srcIP") or has("srcIP6")))
              | if (.meanSkipCount // 0) > 0 then .meanSkipCount else 1 end' | sort -un | tr '\n' ' ')
        got=$(tshark -r "$tmp/raw$v.pcap" -d "udp.port==$port,cflow" -T fields \
            -e cflow.sampling_interval 2>/dev/null | tr ',' '\n' | grep . | sort -un | tr '\n' ' ')
        [ "$got" = "$want" ] || { echo "FAIL -N $v -s: options announce '$got', want '$want'"; fail=1; }
    fi

    # --nf-aggregate: fewer records, the same totals.
    nfcapd_start "g$v" $port
    sleep 1
    "$BIN/sflowcollect" -r "$f" -q -N $v --nf-aggregate -c 127.0.0.1 -d $port 2>/dev/null
    sleep 1
    nfcapd_stop "g$v"
    aflows=$(val Flows "$tmp/g$v.sum")
    check "g$v" "$aflows" "$spk" "$sby"
    [ "${aflows:-0}" -gt 0 ] && [ "$aflows" -lt "$flows" ] ||
        { echo "FAIL -N $v --nf-aggregate: $aflows records for $flows samples"; fail=1; }
done

# --nf-template-refresh 3: each domain's templates in its first message and
# every third after it.
if [ $capture = 1 ]; then
    tcpdump -Z root -i lo -U -w "$tmp/refresh.pcap" "udp and dst port $port" 2>/dev/null &
    tpid=$!
    pids="$pids $tpid"
    sleep 1
    "$BIN/sflowcollect" -r "$f" -q -N 10 --nf-template-refresh 3 -c 127.0.0.1 -d $port 2>/dev/null
    sleep 1
    kill -TERM $tpid; wait $tpid 2>/dev/null
    tshark -r "$tmp/refresh.pcap" -d "udp.port==$port,cflow" -T fields -E 'separator=;' \
        -E occurrence=f -e cflow.od_id -e cflow.template_id 2>/dev/null |
    awk -F';' '{ n = m[$1]++; if (($2 != "") != (n % 3 == 0)) bad++ } END { exit bad > 0 || NR == 0 }' ||
        { echo "FAIL --nf-template-refresh 3: templates not in every third message"; fail=1; }
fi

# AS numbers from extended gateway records: origins by default (src_as,
# the path's last AS), the neighbours with -e (src_peer_as, its first).
gw="$SHARED/corpus/files/gopacket__SFlowTestPacket2.pcap"
if [ -f "$gw" ]; then
    for e in "" -e; do
        name=as${e#-}
        want=$("$BIN/sflowcollect" -r "$gw" -j 2>/dev/null | jq -r --arg e "$e" '
            .samples[]?.elements[]? | select(has("dst_as_path"))
            | (.dst_as_path | [ scan("[0-9]+") ]) as $p
            | if $e == "" then "\(if .src_as > 0 then .src_as else .src_peer_as end) \($p[-1])"
              else "\(.src_peer_as) \($p[0])" end' | sort)
        nfcapd_start "$name" $port
        sleep 1
        "$BIN/sflowcollect" -r "$gw" -q -N 9 $e -c 127.0.0.1 -d $port 2>/dev/null
        sleep 1
        nfcapd_stop "$name"
        got=$(nfdump -R "$tmp/$name" -q -N -o 'fmt:%sas %das' | awk '{ print $1, $2 }' | sort)
        [ -n "$want" ] && [ "$got" = "$want" ] ||
            { echo "FAIL AS numbers ${e:-without -e}: '$got', want '$want'"; fail=1; }
    done
fi

# pmacct's nfacctd: the same totals, and with IPFIX each agent as the
# exporter (peer_src_ip from the options record's exporter address).
if command -v nfacctd >/dev/null 2>&1; then
    agents=$("$BIN/sflowcollect" -r "$f" -j 2>/dev/null |
        jq -r 'select(any(.samples[]?; .sampleType == "FLOWSAMPLE" and
                 any(.elements[]?; has("srcIP") or has("srcIP6")))) | .agent' | sort -u | wc -l)
    for v in 9 10; do
        cat >"$tmp/nfa$v.conf" <<EOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $((port + 2 + v % 2))
plugins: print
print_output: csv
print_output_file: $tmp/nfa$v.csv
print_refresh_time: 1
aggregate: src_host, dst_host, src_port, dst_port, proto, peer_src_ip
nfacctd_pipe_size: 8388608
EOF
        nfacctd -f "$tmp/nfa$v.conf" >"$tmp/nfa$v.log" 2>&1 &
        npid=$!
        pids="$pids $npid"
        sleep 1
        "$BIN/sflowcollect" -r "$f" -q -N $v -c 127.0.0.1 -d $((port + 2 + v % 2)) 2>/dev/null
        # The print plugin writes every second; give a loaded machine time.
        i=0
        while [ $i -lt 10 ] && [ "$(awk -F, 'NR > 1 { p += $(NF-1) } END { printf "%.0f", p }' \
            "$tmp/nfa$v.csv" 2>/dev/null)" != "$spk" ]; do
            sleep 1
            i=$((i + 1))
        done
        kill -INT $npid; wait $npid 2>/dev/null
        got=$(awk -F, 'NR > 1 { p += $(NF-1); b += $NF } END { printf "%.0f %.0f", p, b }' "$tmp/nfa$v.csv")
        [ "$got" = "$spk $sby" ] ||
            { echo "FAIL nfacctd -N $v: packets/bytes '$got', want '$spk $sby'"; tail "$tmp/nfa$v.log"; fail=1; }
        v6got=$(grep -c '^[^,]*,[^,]*:' "$tmp/nfa$v.csv")
        [ "$v6got" -gt 0 ] || { echo "FAIL nfacctd -N $v: no IPv6 flow"; fail=1; }
        if [ $v = 10 ]; then
            peers=$(awk -F, 'NR > 1 { print $1 }' "$tmp/nfa$v.csv" | sort -u | wc -l)
            [ "$peers" = "$agents" ] ||
                { echo "FAIL nfacctd IPFIX: $peers exporters, want the $agents agents"; fail=1; }
        fi
    done
else
    echo "no nfacctd: pmacct checks skipped"
fi
[ $fail = 0 ] && echo "sink_netflow9: ok"
exit $fail
