#!/bin/sh
# corpus_line: sflowcollect -l against sflowtool 6.11's -l on every corpus file.
#
#   BIN     directory holding sflowcollect (default: build/san/bin)
#   SHARED  directory holding corpus/ (default: ../shared from the repo root)
#
# Exit 0 if every file matches, 1 if one differs, 77 if the corpus is missing.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${BIN:-$root/build/san/bin}
SHARED=${SHARED:-$root/../shared}
expected=$SHARED/corpus/expected/sflowtool-6.11
files=$SHARED/corpus/files

if [ ! -d "$SHARED/corpus" ]; then
    echo "corpus_line: no corpus in $SHARED, skipped"
    exit 77
fi
if [ ! -x "$BIN/sflowcollect" ]; then
    echo "corpus_line: $BIN/sflowcollect not found" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus_line.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

pass=0
fail=0
for want in "$expected"/*.line.csv; do
    [ -e "$want" ] || continue
    name=$(basename "$want" .line.csv)
    pcap=$files/$name.pcap
    if [ ! -e "$pcap" ]; then
        echo "FAIL $name: no $pcap"
        fail=$((fail + 1))
        continue
    fi
    # Decode warnings go to stderr; only stdout is compared.
    TZ=UTC "$BIN/sflowcollect" -r "$pcap" -l >"$tmp/got" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: sflowcollect exited $rc"
        head -5 "$tmp/err"
        fail=$((fail + 1))
    elif cmp -s "$want" "$tmp/got"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: -l output differs (< sflowtool, > sflowcollect)"
        diff "$want" "$tmp/got" | head -10
        fail=$((fail + 1))
    fi
done

echo "corpus_line: $pass equal, $fail different"
[ $fail -eq 0 ] || exit 1
[ $pass -gt 0 ] || { echo "corpus_line: no expected .line.csv found" >&2; exit 1; }
exit 0
