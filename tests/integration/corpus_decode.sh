#!/bin/sh
# Every real capture decodes without a crash, hang or sanitizer report, and
# each bad datagram gets exactly one message on stderr: as many as sflowtool
# 6.11 reported errors ("caught exception") for the same file (its .stderr
# reference output).
: "${BIN:?}" "${SHARED:?}"
C=$SHARED/corpus
[ -d "$C/files" ] || { echo "no shared corpus"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-decode.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0 n=0
for f in "$C"/files/*.pcap; do
    b=$(basename "$f" .pcap)
    n=$((n + 1))
    timeout 20 "$BIN/sflowcollect" -r "$f" --stats >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $b: exit $rc"; tail -n 20 "$tmp/err"; fail=1; continue
    fi
    ours=$(grep -c ": .* at byte [0-9]*" "$tmp/err")
    ref=$C/expected/sflowtool-6.11/$b.stderr
    if [ -f "$ref" ]; then
        theirs=$(grep -c "caught exception" "$ref")
        if [ "$ours" -ne "$theirs" ]; then
            echo "FAIL $b: $ours error messages, sflowtool reported $theirs"
            grep "at byte" "$tmp/err"; fail=1
        fi
        # Accounting agrees with what was printed.
        printed=$(grep -c '^startDatagram' "$tmp/out")
        counted=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$tmp/err")
        if [ "$printed" != "$counted" ]; then
            echo "FAIL $b: printed $printed datagrams, --stats counted $counted"; fail=1
        fi
    fi
    # Messages name the frame and the sender.
    if [ "$ours" -gt 0 ] && ! grep -q "frame [0-9]* (" "$tmp/err"; then
        echo "FAIL $b: error message does not name its frame"; fail=1
    fi
done
echo "$n captures decoded"
exit $fail
