#!/bin/sh
# -H: HTTP Common Log Format, one line per http_request record, against the
# fields sflowtool 6.11 decoded from the same real mod-sflow capture (the
# corpus's reference text): client (socket4_remote_ip), method, URI,
# protocol, status, bytes, user agent; the time is the capture's.
: "${BIN:?}"
name=flowparser-sflow__test_real_unknown_http_records.wrapped
f="$SHARED/corpus/files/$name.pcap"
ref="$SHARED/corpus/expected/sflowtool-6.11/$name.txt"
[ -f "$f" ] && [ -f "$ref" ] || { echo "no shared corpus"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-clf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0

TZ=UTC "$BIN/sflowcollect" -r "$f" -H >"$tmp/got" 2>"$tmp/err" || { echo "FAIL: exit $?"; cat "$tmp/err"; exit 1; }
when=$(TZ=UTC tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null | head -n 1 | cut -d. -f1)
stamp=$(TZ=UTC date -d "@$when" '+%d/%b/%Y:%H:%M:%S %z')
# The expected lines, from sflowtool's field names and values.
awk -v stamp="$stamp" '
    BEGIN { split("- OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT", m, " ") }
    $1 == "socket4_remote_ip" { client = $2 }
    $1 == "http_method" { method = m[$2 + 1] }
    $1 == "http_protocol" { proto = int($2 / 1000) "." ($2 % 1000) }
    $1 == "http_uri" { uri = $2 }
    $1 == "http_useragent" { sub(/^http_useragent /, ""); ua = $0 }
    $1 == "http_bytes" { bytes = $2 }
    $1 == "http_status" {
        printf "%s - - [%s] \"%s %s HTTP/%s\" %s %s \"-\" \"%s\"\n", client, stamp, method, uri, proto, $2, bytes, ua
    }' "$ref" >"$tmp/want"
[ -s "$tmp/want" ] || { echo "FAIL: no http record in the reference"; exit 1; }
if ! cmp -s "$tmp/got" "$tmp/want"; then
    echo "FAIL: -H output differs from sflowtool's fields"
    diff "$tmp/want" "$tmp/got"
    fail=1
fi
# -H is an output format: it excludes the others.
if "$BIN/sflowcollect" -r "$f" -H -j >/dev/null 2>&1; then
    echo "FAIL: -H -j accepted"
    fail=1
fi
[ $fail = 0 ] && echo "clf: ok ($(wc -l <"$tmp/got") lines)"
exit $fail
