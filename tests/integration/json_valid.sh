#!/bin/sh
# json_valid: sflowcollect -j / -J always print valid JSON, with sflowtool's keys;
# --json-strings the same JSON with every value a string.
#
#   BIN     directory holding sflowcollect (and sfgen); default build/san/bin
#   SHARED  directory holding corpus/ (default: ../shared from the repo root)
#
# With the corpus, for every capture:
#   - every -j line is one JSON object (jq), in valid UTF-8 (iconv);
#   - -J parses as a stream of objects equal to the -j ones;
#   - the key paths of each datagram equal those of sflowtool 6.11's -J
#     output (array indexes as 0), but for our "error" member and a sampled
#     header's tunnel and inner packet (tunnel*, inner_*: docs/compat.md); where
#     sflowtool's own JSON is broken (it stops mid-object on a decode
#     error), the sets of key names are compared instead;
#   - counters, sizes and sequence numbers are JSON numbers, tags strings.
# Without the corpus the same checks but the comparison run on a capture
# made by sfgen (exit 77 if there is no sfgen either).
# Exit 0 all good, 1 a failure, 77 skipped.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${BIN:-$root/build/san/bin}
SHARED=${SHARED:-$root/../shared}
expected=$SHARED/corpus/expected/sflowtool-6.11

command -v jq >/dev/null 2>&1 || { echo "json_valid: jq not installed, skipped"; exit 77; }
[ -x "$BIN/sflowcollect" ] || { echo "json_valid: $BIN/sflowcollect not found" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/json_valid.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

if [ -d "$SHARED/corpus" ]; then
    set -- "$SHARED"/corpus/files/*.pcap
else
    if [ ! -x "$BIN/sfgen" ]; then
        echo "json_valid: no corpus in $SHARED and no $BIN/sfgen, skipped"
        exit 77
    fi
    "$BIN/sfgen" -n 200 --seed 7 -w "$tmp/gen.pcap" >"$tmp/gen.log" 2>&1 || {
        cat "$tmp/gen.log" >&2
        echo "json_valid: sfgen failed" >&2
        exit 1
    }
    set -- "$tmp/gen.pcap"
fi

# Our own members, which sflowtool does not print (docs/compat.md).
OURS='^(discarded_)?(tunnel[A-Z]|inner_)'
# Per datagram: its key paths, array indexes as 0, without our members.
PATHS='del(.error)
  | walk(if type == "object" then with_entries(select(.key | test($ours) | not)) else . end)
  | [paths | map(if type == "number" then 0 else . end)] | unique'
# Per datagram: whether values that are numbers in sflowtool's text are JSON numbers.
TYPES='
def num($k): [.. | objects | to_entries[] | select(.key | test($k)) | .value | type == "number"] | all;
def str($k): [.. | objects | to_entries[] | select(.key | test($k)) | .value | type == "string"] | all;
  num("^(datagramSize|datagramVersion|agentSubId|packetSequenceNo|sysUpTime|samplesInPacket)$")
  and num("^(discarded_)?(sampleSequenceNo|meanSkipCount|samplePool|dropEvents|headerLen|sampledPacketSize|IPSize|IPProtocol|in_vlan|out_vlan|ifIndex|ifSpeed|ifInOctets|ifOutOctets|MACs)$")
  and str("^(discarded_)?(sampleType_tag|sourceId|flowBlock_tag|counterBlock_tag|agent|srcMAC|dstMAC|headerBytes|srcIP|dstIP)$")
  and (has("samplesInPacket") or has("error"))'

fail=0
n=0
for pcap in "$@"; do
    name=$(basename "$pcap" .pcap)
    n=$((n + 1))
    bad=""
    # Decode warnings go to stderr; it is shown only if sflowcollect fails.
    if ! "$BIN/sflowcollect" -r "$pcap" -j >"$tmp/j" 2>"$tmp/err"; then
        bad="$bad -j-exit"
        tail -5 "$tmp/err"
    fi
    if ! "$BIN/sflowcollect" -r "$pcap" -J >"$tmp/J" 2>"$tmp/err"; then
        bad="$bad -J-exit"
        tail -5 "$tmp/err"
    fi

    sed -E 's/":"(-?(0|[1-9][0-9]*)(\.[0-9]+)?)"/":\1/g' "$tmp/j" >"$tmp/j.unq"
    # -j: each line one object.
    if ! jq -R -e 'try (fromjson | type == "object") catch false' <"$tmp/j" >"$tmp/jok" ||
        grep -qv '^true$' "$tmp/jok"; then
        bad="$bad -j-invalid"
        jq -R -r 'try (fromjson | empty) catch .' <"$tmp/j" 2>&1 | head -2 | cut -c1-200
    fi
    if command -v iconv >/dev/null 2>&1; then
        iconv -f UTF-8 -t UTF-8 <"$tmp/j" >/dev/null 2>&1 || bad="$bad -j-not-utf8"
        iconv -f UTF-8 -t UTF-8 <"$tmp/J" >/dev/null 2>&1 || bad="$bad -J-not-utf8"
    fi
    # -J: a stream of the same objects.
    if ! jq -c -S . <"$tmp/J" >"$tmp/Jc" 2>"$tmp/Jerr"; then
        bad="$bad -J-invalid"
        head -2 "$tmp/Jerr"
    elif ! jq -c -S . <"$tmp/j" | cmp -s - "$tmp/Jc"; then
        bad="$bad -J-differs-from-j"
    fi
    if [ -s "$tmp/j" ] && ! jq -e "$TYPES" <"$tmp/j" >"$tmp/types" 2>&1; then
        bad="$bad types"
        grep -vn true "$tmp/types" | head -3
    fi

    # --json-strings: every value a string, and otherwise -j's output.
    "$BIN/sflowcollect" -r "$pcap" -j --json-strings >"$tmp/s" 2>/dev/null || bad="$bad strings-exit"
    if [ -s "$tmp/s" ] && ! jq -e '[.. | scalars | type] | all(. == "string")' <"$tmp/s" \
        >/dev/null 2>&1; then
        bad="$bad strings-not-all-strings"
    fi
    unquote='s/":"(-?(0|[1-9][0-9]*)(\.[0-9]+)?)"/":\1/g'
    if ! sed -E "$unquote" "$tmp/s" | cmp -s - "$tmp/j.unq"; then
        bad="$bad strings-differ-from-j"
    fi

    # Key paths against sflowtool's -J, where there is one.
    ref=$expected/$name.json
    if [ -n "$bad" ] || [ ! -f "$ref" ]; then
        :
    elif jq -c --arg ours "$OURS" "$PATHS" <"$ref" >"$tmp/want" 2>/dev/null; then
        jq -c --arg ours "$OURS" "$PATHS" <"$tmp/j" >"$tmp/got"
        if ! cmp -s "$tmp/want" "$tmp/got"; then
            bad="$bad keys"
            jq -r '.[] | map(tostring) | join(".")' <"$tmp/want" | sort -u >"$tmp/wk"
            jq -r '.[] | map(tostring) | join(".")' <"$tmp/got" | sort -u >"$tmp/gk"
            diff "$tmp/wk" "$tmp/gk" | grep '^[<>]' | head -10
        fi
    else
        # sflowtool's JSON is cut short: compare the key names only.
        grep -o '"[^"]*":' "$ref" | sort -u >"$tmp/wk"
        jq -r --arg ours "$OURS" 'del(.error) | [paths | .[-1] | strings |
            select(test($ours) | not)] | unique | .[] | "\"" + . + "\":"' \
            <"$tmp/j" | sort -u >"$tmp/gk"
        if ! cmp -s "$tmp/wk" "$tmp/gk"; then
            bad="$bad key-names"
            diff "$tmp/wk" "$tmp/gk" | grep '^[<>]' | head -10
        fi
    fi

    if [ -n "$bad" ]; then
        echo "FAIL $name:$bad"
        fail=$((fail + 1))
    fi
done

echo "json_valid: $n captures, $fail failed"
[ $fail -eq 0 ]
