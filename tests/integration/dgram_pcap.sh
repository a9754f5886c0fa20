#!/bin/sh
# -M writes the datagrams themselves as pcap: read back with -r they give
# the same output as the original capture; tshark decodes every packet as
# sFlow with no malformed field, and the IP and UDP checksums we wrote are
# good (the sampled headers inside keep theirs, right or wrong); -M and
# -t together on stdout are refused.
: "${BIN:?}"
command -v tshark >/dev/null 2>&1 || { echo "no tshark"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-dgpcap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0
"$BIN/sfgen" -n 50 --seed 4 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }
inputs="$tmp/gen.pcap"
[ -f "$SHARED/corpus/files/tcpdump__sflow-print-v6.pcap" ] &&
    inputs="$inputs $SHARED/corpus/files/tcpdump__sflow-print-v6.pcap"
for f in $inputs; do
    b=$(basename "$f" .pcap)
    "$BIN/sflowcollect" -r "$f" -M >"$tmp/$b.m.pcap" || { echo "FAIL $b: -M"; fail=1; continue; }
    TZ=UTC "$BIN/sflowcollect" -r "$f" >"$tmp/$b.a" 2>&1
    TZ=UTC "$BIN/sflowcollect" -r "$tmp/$b.m.pcap" >"$tmp/$b.b" 2>&1
    # The sender's port and the capture's own headers are not carried over.
    sed -i '/^datagramSourcePort\|^pcap/d' "$tmp/$b.a" "$tmp/$b.b"
    cmp -s "$tmp/$b.a" "$tmp/$b.b" || { echo "FAIL $b: read back differs"; diff "$tmp/$b.a" "$tmp/$b.b" | head; fail=1; }
    n=$(tshark -r "$f" -Y sflow 2>/dev/null | wc -l)
    got=$(tshark -r "$tmp/$b.m.pcap" -Y 'sflow && !_ws.malformed' 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] && [ "$got" = "$n" ] || { echo "FAIL $b: tshark decodes $got sFlow packets of $n"; fail=1; }
    # Checksum status 1 is good; only the outer (our) headers are looked at.
    bad=$(tshark -r "$tmp/$b.m.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields \
        -E occurrence=f -e ip.checksum.status -e ipv6.src -e udp.checksum.status 2>/dev/null |
        awk -F'\t' '($1 != "" && $1 != 1) || $3 != 1' | wc -l)
    [ "$bad" = 0 ] || { echo "FAIL $b: $bad packets with a bad IP or UDP checksum"; fail=1; }
done
if "$BIN/sflowcollect" -r "$tmp/gen.pcap" -M -t >/dev/null 2>&1; then
    echo "FAIL: -M -t on stdout accepted"
    fail=1
fi
[ $fail = 0 ] && echo "dgram_pcap: ok"
exit $fail
