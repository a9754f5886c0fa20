#!/bin/sh
# corpus_text: sflowcollect's text output against sflowtool 6.11's on every
# corpus file, then the -g and -L renderers on two of them.
#
#   BIN     directory holding sflowcollect (default: build/san/bin)
#   SHARED  directory holding corpus/ (default: ../shared from the repo root)
#
# Only the deliberate differences of docs/compat.md are normalised away, and
# each is checked for what we print instead:
#   unixSecondsUTC, unixSecondsUTC_uS, localtime  the capture's time
#   datagramSourceIP                              the sender's address
#   IPID                                          sflowtool's value byte-swapped
#   os_release                                    32 bytes where sflowtool cuts to 31
#   tunnel*, inner_*  (lines sflowtool does not print)  a sampled header's
#                     tunnel and the packet it carries, as tshark decodes it
#
# Exit 0 if all match, 1 if one differs, 77 if the corpus is missing.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${BIN:-$root/build/san/bin}
SHARED=${SHARED:-$root/../shared}
expected=$SHARED/corpus/expected/sflowtool-6.11
tshark_expected=$SHARED/corpus/expected/tshark-4.0.17
files=$SHARED/corpus/files

if [ ! -d "$SHARED/corpus" ]; then
    echo "corpus_text: no corpus in $SHARED, skipped"
    exit 77
fi
if [ ! -x "$BIN/sflowcollect" ]; then
    echo "corpus_text: $BIN/sflowcollect not found" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus_text.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

TZ=UTC
export TZ

# The fields of docs/compat.md lose their values; os_release keeps 31 bytes;
# the lines of a tunnel's inner packet, which only we print, go.
normalise() {
    sed -E -e 's/^((discarded_)?(unixSecondsUTC|unixSecondsUTC_uS|localtime|datagramSourceIP|IPID)) .*/\1 */' \
        -e 's/^(os_release .{31}).*/\1/' \
        -e '/^(discarded_)?(tunnel[A-Z][A-Za-z]*|inner_[^ ]*) /d' "$1"
}

# A VXLAN tunnel's inner packet ($1 ours) as tshark decodes it ($2): the
# first datagram's inner MACs and IP addresses.
check_tunnel() {
    grep -q '^tunnelType ' "$1" || return 0
    if ! grep -q '^tunnelType VXLAN$' "$1" || [ ! -f "$2" ]; then
        echo "a tunnel with no tshark decode to check it against"
        return 1
    fi
    awk 'function hex4(g) { while (length(g) < 4) g = "0" g; return g }
         # tshark shortens IPv6 addresses; we print all eight groups.
         function full6(a,   n, head, tail, nh, nt, hp, tp, i, out) {
             n = index(a, "::")
             if (n) { head = substr(a, 1, n - 1); tail = substr(a, n + 2) }
             else { head = a; tail = "" }
             nh = head == "" ? 0 : split(head, hp, ":")
             nt = tail == "" ? 0 : split(tail, tp, ":")
             out = ""
             for (i = 1; i <= nh; i++) out = out (out == "" ? "" : ":") hex4(hp[i])
             for (i = 0; i < 8 - nh - nt; i++) out = out (out == "" ? "" : ":") "0000"
             for (i = 1; i <= nt; i++) out = out (out == "" ? "" : ":") hex4(tp[i])
             return out
         }
         function mac(s) { gsub(/[():]/, "", s); return s }
         FNR == NR { if (!($1 in ours)) ours[$1] = $2; next }
         /^Virtual eXtensible Local Area Network/ { vx = 1; next }
         vx && !src_mac && /^Ethernet II,/ {
             match($0, /\([0-9a-f:]+\)/); src_mac = mac(substr($0, RSTART, RLENGTH))
             rest = substr($0, RSTART + RLENGTH)
             match(rest, /\([0-9a-f:]+\)/); dst_mac = mac(substr(rest, RSTART, RLENGTH))
         }
         vx && !src_ip && /^Internet Protocol Version/ {
             v6 = $4 == "6,"; src_ip = $6; dst_ip = $8
             sub(/,$/, "", src_ip)
             if (v6) { src_ip = full6(src_ip); dst_ip = full6(dst_ip) }
         }
         END {
             k = v6 ? "IP6" : "IP"
             if (!vx || ours["inner_srcMAC"] != src_mac || ours["inner_dstMAC"] != dst_mac ||
                 ours["inner_src" k] != src_ip || ours["inner_dst" k] != dst_ip) {
                 printf "inner packet %s %s %s %s, tshark %s %s %s %s\n", ours["inner_srcMAC"],
                     ours["inner_dstMAC"], ours["inner_src" k], ours["inner_dst" k],
                     src_mac, dst_mac, src_ip, dst_ip
                 exit 1
             }
         }' "$1" "$2"
}

# Checks what we print in place of sflowtool's values ($1 sflowtool, $2 ours).
check_deliberate() {
    # IPID: ours, byte-swapped, is sflowtool's.
    grep -E '^(discarded_)?IPID ' "$1" | awk '{ print $2 }' >"$tmp/ipid.want"
    grep -E '^(discarded_)?IPID ' "$2" | awk '{ print $2 }' >"$tmp/ipid.got"
    if ! awk 'NR == FNR { want[NR] = $1; n = NR; next }
              { if ((($1 % 256) * 256 + int($1 / 256)) != want[FNR]) bad = 1; m = FNR }
              END { exit (bad || n != m) }' "$tmp/ipid.want" "$tmp/ipid.got"; then
        echo "IPID is not sflowtool's value byte-swapped"
        return 1
    fi
    # Time: localtime is the capture time, as in sflowtool's pcapTimestamp;
    # the source address is an address.
    awk '$1 == "localtime" { lt = $2 }
         $1 == "pcapTimestamp" { if ($2 != lt) bad = 1 }
         $1 == "unixSecondsUTC_uS" { us = $2 }
         $1 == "pcapTimestamp_uS" { if ($2 != us) bad = 1 }
         $1 == "datagramSourceIP" { if ($2 !~ /^[0-9a-f.:]+$/) bad = 1 }
         END { exit bad }' "$2" || {
        echo "time or datagramSourceIP not the capture's"
        return 1
    }
    return 0
}

pass=0
fail=0
for want in "$expected"/*.txt; do
    [ -e "$want" ] || continue
    name=$(basename "$want" .txt)
    pcap=$files/$name.pcap
    if [ ! -e "$pcap" ]; then
        echo "FAIL $name: no $pcap"
        fail=$((fail + 1))
        continue
    fi
    "$BIN/sflowcollect" -r "$pcap" >"$tmp/got" 2>"$tmp/err"
    rc=$?
    if [ $rc -gt 1 ]; then
        echo "FAIL $name: sflowcollect exited $rc"
        head -5 "$tmp/err"
        fail=$((fail + 1))
        continue
    fi
    normalise "$want" >"$tmp/want.n"
    normalise "$tmp/got" >"$tmp/got.n"
    if ! diff "$tmp/want.n" "$tmp/got.n" >"$tmp/diff"; then
        echo "FAIL $name: text differs (< sflowtool, > sflowcollect)"
        head -10 "$tmp/diff"
        fail=$((fail + 1))
    elif ! msg=$(check_deliberate "$want" "$tmp/got"); then
        echo "FAIL $name: $msg"
        fail=$((fail + 1))
    elif ! msg=$(check_tunnel "$tmp/got" "$tshark_expected/$name.sflow.txt"); then
        echo "FAIL $name: $msg"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
echo "corpus_text: $pass equal, $fail different"
[ $pass -gt 0 ] || { echo "corpus_text: no expected .txt found" >&2; exit 1; }

# -g: every line is the default line behind a 7-field context, and a
# field's context names its sample and element.
pcap=$files/akvorado__data-1140.pcap
"$BIN/sflowcollect" -r "$pcap" >"$tmp/plain" 2>/dev/null
"$BIN/sflowcollect" -g -r "$pcap" >"$tmp/grep" 2>/dev/null
if ! cut -d' ' -f8- "$tmp/grep" | cmp -s - "$tmp/plain"; then
    echo "FAIL -g: lines without their context differ from the default output"
    fail=$((fail + 1))
elif [ "$(awk '$2 != "172.16.0.3"' "$tmp/grep" | wc -l)" -ne 0 ]; then
    echo "FAIL -g: a line without the agent"
    fail=$((fail + 1))
elif ! grep -q '^2022-09-09T09:26:38+0000 172\.16\.0\.3 0 812646826 0:25 0:1 0:1 srcIP 104\.26\.8\.24$' "$tmp/grep"; then
    echo "FAIL -g: srcIP of sample 0:25 not found with its context"
    fail=$((fail + 1))
else
    echo "-g: ok"
fi

# -L: one line per sample that has one of the fields, datagram fields
# repeated, list members by their text names.
"$BIN/sflowcollect" -L agent,srcIP,dstIP -r "$pcap" >"$tmp/fields" 2>/dev/null
printf '172.16.0.3,104.26.8.24,45.90.161.46\n172.16.0.3,45.90.161.148,191.87.91.27\n' >"$tmp/fields.want"
if ! cmp -s "$tmp/fields" "$tmp/fields.want"; then
    echo "FAIL -L agent,srcIP,dstIP:"
    diff "$tmp/fields.want" "$tmp/fields" | head -10
    fail=$((fail + 1))
else
    echo "-L: ok"
fi
"$BIN/sflowcollect" -L hostname,adaptor_1_MAC_0,agent,nosuchfield \
    -r "$files/cistern-sflow__host_sample.wrapped.pcap" >"$tmp/fields" 2>/dev/null
if [ "$(cat "$tmp/fields")" != "fractal,9c4e3659b254,192.168.1.7," ]; then
    echo "FAIL -L with list members: got '$(cat "$tmp/fields")'"
    fail=$((fail + 1))
fi

[ $fail -eq 0 ] || exit 1
exit 0
