#!/bin/sh
# pcap sink: `sflowcollect -r CAPTURE -t | tcpdump -r -` reads exactly one
# packet per sampled header of a flow sample, whose bytes are the header's
# bytes (as the text output prints them), stamped with the datagram's time,
# with original length frame_length - stripped; -w FILE beside -l on stdout;
# -x cuts TCP and UDP packets where their payload starts; -T writes the
# headers of discarded packets.  Real captures from $SHARED/corpus when
# present, and always a capture made by sfgen.
: "${BIN:?}"
command -v tcpdump >/dev/null 2>&1 || { echo "no tcpdump"; exit 77; }
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-pcap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0

# One line per sampled header in the text output: "SECS.USEC CAPLEN LEN HEX".
# 'pre' is "" for flow samples and "discarded_" for discarded packets.
expect() {
    "$BIN/sflowcollect" -r "$1" 2>/dev/null | awk -v pre="$2" '
        /^unixSecondsUTC / { s = $2 }
        /^unixSecondsUTC_uS / { us = $2 }
        $1 == pre "flowSampleType" { h = ($2 == "HEADER"); hex = "" }
        h && $1 == pre "headerProtocol" { proto = $2 }
        h && $1 == pre "sampledPacketSize" { fl = $2 }
        h && $1 == pre "strippedBytes" { st = $2 }
        h && $1 == pre "headerBytes" {
            hex = tolower($2); gsub("-", "", hex); n = length(hex) / 2
            len = fl - st; if (len < n) len = n
            if (proto == 1 || proto == 11 || proto == 12)
                printf "%d.%06d %d %d %s\n", s, us, n, len, hex
            h = 0
        }'
}

# The records of a pcap file, read from its bytes: "SECS.USEC CAPLEN LEN HEX";
# first line "linktype N".  Little-endian files only (as written on this host).
records() {
    od -An -v -tu1 "$1" | awk '
        function u32(o) { return b[o] + 256 * b[o + 1] + 65536 * b[o + 2] + 16777216 * b[o + 3] }
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        END {
            if (n < 24 || u32(0) != 2712847316) { print "bad pcap header"; exit }
            print "linktype", u32(20)
            for (p = 24; p + 16 <= n; p += cl) {
                cl = u32(p + 8)
                hex = ""
                for (i = 0; i < cl; i++) hex = hex sprintf("%02x", b[p + 16 + i])
                printf "%d.%06d %d %d %s\n", u32(p), u32(p + 4), cl, u32(p + 12), hex
                p += 16
            }
        }'
}

# What tcpdump read: "SECS.USEC HEX" per packet.
tcpdump_packets() {
    awk '/^\t0x/ { for (i = 2; i <= NF; i++) hex = hex $i; next }
        /^[0-9]+\.[0-9]+ / { if (n++) print ts, hex; ts = $1; hex = "" }
        END { if (n) print ts, hex }' "$1"
}

# Where the L4 payload starts in a full packet "HEX" of link type 1 or 101,
# found independently of the collector: an offset, "full" (not TCP/UDP or
# not cut) or "?" (layouts this little parser does not follow).
payload_offsets() {
    awk -v link="$1" '
        function h(i) { return (index(X, substr(hex, 2 * i + 1, 1)) - 1) * 16 + index(X, substr(hex, 2 * i + 2, 1)) - 1 }
        function off(   o, t, v, proto, l4, ihl) {
            o = 0
            if (link == 1) {
                if (n < 14) return "full"
                t = h(12) * 256 + h(13); o = 14
                while ((t == 33024 || t == 34984 || t == 37120) && o + 4 <= n) { t = h(o + 2) * 256 + h(o + 3); o += 4 }
                if (t < 1536) return "?"
                if (t != 2048 && t != 34525) return "full"
            }
            if (o >= n) return "full"
            v = int(h(o) / 16)
            if (v == 4) {
                if (o + 20 > n) return "full"
                ihl = (h(o) % 16) * 4
                if (ihl < 20) return "?"
                if ((h(o + 6) % 32) * 256 + h(o + 7) != 0) return "full"
                proto = h(o + 9); l4 = o + ihl
            } else if (v == 6) {
                if (o + 40 > n) return "full"
                proto = h(o + 6); l4 = o + 40
                if (proto == 0 || proto == 43 || proto == 44 || proto == 60 || proto == 51) return "?"
            } else return "?"
            if (proto == 6) {
                if (l4 + 20 > n) return "full"
                t = int(h(l4 + 12) / 16) * 4
                if (t < 20 || l4 + t >= n) return "full"
                return l4 + t
            }
            if (proto == 17) return l4 + 8 >= n ? "full" : l4 + 8
            return "full"
        }
        BEGIN { X = "0123456789abcdef" }
        { hex = $4; n = length(hex) / 2; print off() }'
}

check_capture() {
    f=$1
    name=$(basename "$f")
    expect "$f" "" >"$tmp/exp"
    nexp=$(wc -l <"$tmp/exp")
    link=1
    if [ "$nexp" -gt 0 ]; then
        # The first header's protocol decides, as in the sink.
        case $("$BIN/sflowcollect" -r "$f" 2>/dev/null | sed -n 's/^headerProtocol //p' | head -n 1) in
        11|12) link=101 ;;
        esac
    fi

    # The live pipe, as a user runs it.
    { "$BIN/sflowcollect" -r "$f" -t --stats 2>"$tmp/err"; echo $? >"$tmp/rc"; } |
        tee "$tmp/t.pcap" | tcpdump -tt -nn -xx -r - >"$tmp/td" 2>"$tmp/tderr"
    tdrc=$?
    [ "$(cat "$tmp/rc")" = 0 ] || { echo "FAIL $name: sflowcollect -t exit $(cat "$tmp/rc")"; cat "$tmp/err"; fail=1; }
    [ $tdrc = 0 ] || { echo "FAIL $name: tcpdump -r - exit $tdrc"; cat "$tmp/tderr"; fail=1; }
    tcpdump_packets "$tmp/td" >"$tmp/tdp"
    ntd=$(wc -l <"$tmp/tdp")
    [ "$ntd" = "$nexp" ] || { echo "FAIL $name: tcpdump read $ntd packets, $nexp sampled headers"; fail=1; }
    awk '{ print $1, $4 }' "$tmp/exp" | cmp -s - "$tmp/tdp" ||
        { echo "FAIL $name: tcpdump's bytes or times differ from the sampled headers"; diff "$tmp/tdp" - <<EOF | head -n 6
$(awk '{ print $1, $4 }' "$tmp/exp")
EOF
          fail=1; }
    records "$tmp/t.pcap" >"$tmp/rec"
    [ "$(head -n 1 "$tmp/rec")" = "linktype $link" ] || { echo "FAIL $name: $(head -n 1 "$tmp/rec"), want $link"; fail=1; }
    sed 1d "$tmp/rec" | cmp -s - "$tmp/exp" ||
        { echo "FAIL $name: pcap records (time, caplen, len, bytes) differ"; sed 1d "$tmp/rec" | diff - "$tmp/exp" | head -n 6; fail=1; }
    grep -q "pcap stdout linktype .* packets $nexp " "$tmp/err" ||
        { echo "FAIL $name: --stats does not count $nexp packets"; grep pcap "$tmp/err"; fail=1; }

    # -w FILE with -l on stdout at once: the same lines, the same packets.
    "$BIN/sflowcollect" -r "$f" -l >"$tmp/l1" 2>/dev/null
    "$BIN/sflowcollect" -r "$f" -t -w "$tmp/w.pcap" -l >"$tmp/l2" 2>"$tmp/err" ||
        { echo "FAIL $name: -t -w -l"; cat "$tmp/err"; fail=1; }
    cmp -s "$tmp/l1" "$tmp/l2" || { echo "FAIL $name: -l output changes with -t -w"; fail=1; }
    cmp -s "$tmp/w.pcap" "$tmp/t.pcap" || { echo "FAIL $name: -w FILE differs from -t on stdout"; fail=1; }

    # -x: each packet a prefix of the whole one, cut where the payload starts.
    "$BIN/sflowcollect" -r "$f" -t -x 2>"$tmp/err" >"$tmp/x.pcap" || { echo "FAIL $name: -x"; fail=1; }
    tcpdump -nn -r "$tmp/x.pcap" >/dev/null 2>&1 || { echo "FAIL $name: tcpdump cannot read the -x output"; fail=1; }
    records "$tmp/x.pcap" | sed 1d >"$tmp/xrec"
    payload_offsets "$link" <"$tmp/exp" | paste -d ' ' - "$tmp/exp" "$tmp/xrec" | awk -v name="$name" '
        # off | ts caplen len hex (whole) | ts caplen len hex (-x)
        {
            if ($2 != $6 || $4 != $8) { print "FAIL " name ": -x changed time or length"; bad = 1 }
            if (substr($5, 1, length($9)) != $9) { print "FAIL " name ": -x packet is not a prefix"; bad = 1 }
            if ($1 == "full" && $7 != $3) { print "FAIL " name ": -x cut a packet with nothing to cut (" $7 " of " $3 ")"; bad = 1 }
            if ($1 ~ /^[0-9]+$/ && $7 != $1) { print "FAIL " name ": -x kept " $7 " bytes, payload starts at " $1; bad = 1 }
            if ($7 < $3) cut++
        }
        END { print cut + 0 >"/dev/stderr"; exit bad }' 2>>"$tmp/cuts" || fail=1
    [ "$(wc -l <"$tmp/xrec")" = "$nexp" ] || { echo "FAIL $name: -x wrote $(wc -l <"$tmp/xrec") packets"; fail=1; }
    echo "$name: $nexp packets" >>"$tmp/summary"
}

"$BIN/sfgen" -n 200 --seed 7 -w "$tmp/sfgen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
set -- "$tmp/sfgen.pcap"
if [ -d "${SHARED:-}/corpus/files" ]; then
    set -- "$@" "$SHARED"/corpus/files/*.pcap
else
    echo "no shared corpus: sfgen's capture only"
fi
for f in "$@"; do
    check_capture "$f"
done
cat "$tmp/summary"
cuts=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/cuts")
echo "-x shortened $cuts packets"
[ "$cuts" -gt 0 ] || { echo "FAIL -x shortened nothing"; fail=1; }

# -T: the headers of discarded packets; -t alone writes none of them.
d=${SHARED:-}/corpus/files/cistern-sflow__event_discarded_packet.wrapped.pcap
if [ -f "$d" ]; then
    expect "$d" discarded_ >"$tmp/dexp"
    [ "$(wc -l <"$tmp/dexp")" = 1 ] || { echo "FAIL -T: want one discarded header in the text output"; fail=1; }
    "$BIN/sflowcollect" -r "$d" -T | tcpdump -tt -nn -xx -r - >"$tmp/td" 2>/dev/null ||
        { echo "FAIL -T | tcpdump -r -"; fail=1; }
    tcpdump_packets "$tmp/td" >"$tmp/tdp"
    awk '{ print $1, $4 }' "$tmp/dexp" | cmp -s - "$tmp/tdp" || { echo "FAIL -T: tcpdump read other bytes"; cat "$tmp/tdp"; fail=1; }
    "$BIN/sflowcollect" -r "$d" -T >"$tmp/T.pcap"
    records "$tmp/T.pcap" | sed 1d | cmp -s - "$tmp/dexp" || { echo "FAIL -T: records differ"; fail=1; }
    "$BIN/sflowcollect" -r "$d" -t | tcpdump -nn -r - >"$tmp/td" 2>/dev/null || { echo "FAIL -t on discards: not a pcap"; fail=1; }
    [ ! -s "$tmp/td" ] || { echo "FAIL -t wrote discarded packets"; fail=1; }
    "$BIN/sflowcollect" -r "$d" -t -T --stats 2>"$tmp/err" >/dev/null
    grep -q "packets 1 flow 0 discarded 1 " "$tmp/err" || { echo "FAIL -t -T stats"; cat "$tmp/err"; fail=1; }
    echo "-T: $(wc -l <"$tmp/tdp") discarded packet(s)"
else
    echo "no discarded-packet capture in the corpus: -T not checked"
fi

# A bad -w fails at start-up with a message.
if "$BIN/sflowcollect" -r "$tmp/sfgen.pcap" -t -w "$tmp/no/such/dir.pcap" 2>"$tmp/err"; then
    echo "FAIL -w into a missing directory succeeded"; fail=1
fi
grep -q "no/such/dir.pcap" "$tmp/err" || { echo "FAIL -w error message"; cat "$tmp/err"; fail=1; }
exit $fail
