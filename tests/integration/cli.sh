#!/bin/sh
# Command-line behaviour: help, version, usage errors, unreadable input.
: "${BIN:?}"
fail=0
check() { # description, expected exit, command...
    d=$1 want=$2; shift 2
    "$@" >/tmp/sflowkit-cli.$$ 2>&1; rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $d: exit $rc, want $want"; cat /tmp/sflowkit-cli.$$; fail=1
    fi
}
check "help" 0 "$BIN/sflowcollect" -h
grep -q "^usage: sflowcollect" /tmp/sflowkit-cli.$$ || { echo "FAIL help text"; fail=1; }
check "version" 0 "$BIN/sflowcollect" -z
grep -q "sflowkit" /tmp/sflowkit-cli.$$ || { echo "FAIL version text"; fail=1; }
check "unknown option" 2 "$BIN/sflowcollect" --no-such-option
check "bad port" 2 "$BIN/sflowcollect" -p 70000
grep -q "port" /tmp/sflowkit-cli.$$ || { echo "FAIL bad port message"; fail=1; }
check "two outputs" 2 "$BIN/sflowcollect" -l -j -r /dev/null
check "missing file" 1 "$BIN/sflowcollect" -r /nonexistent.pcap
grep -q "nonexistent" /tmp/sflowkit-cli.$$ || { echo "FAIL missing file message"; fail=1; }
check "not a pcap" 1 "$BIN/sflowcollect" -r /etc/hostname
grep -q "^sflowcollect: /etc/hostname: " /tmp/sflowkit-cli.$$ || { echo "FAIL not a pcap message"; fail=1; }
check "not a pcap on stdin" 1 sh -c '"$1" -r - </etc/hostname' sh "$BIN/sflowcollect"
grep -q "^sflowcollect: -: " /tmp/sflowkit-cli.$$ || { echo "FAIL stdin message"; fail=1; }
# -r - reads the capture from stdin: the same text as from the file.
if [ -x "$BIN/sfgen" ]; then
    cap=/tmp/sflowkit-cli-cap.$$
    "$BIN/sfgen" -n 50 -w "$cap" 2>/dev/null
    "$BIN/sflowcollect" -r "$cap" >"$cap.file" 2>&1
    "$BIN/sflowcollect" -r - <"$cap" >"$cap.stdin" 2>&1
    if [ ! -s "$cap.file" ] || ! cmp -s "$cap.file" "$cap.stdin"; then
        echo "FAIL -r -: stdin and file output differ"; fail=1
    fi
    rm -f "$cap" "$cap.file" "$cap.stdin"
fi
# A full disk is an error, not a silent success.
if [ -w /dev/full ] && [ -x "$BIN/sfgen" ]; then
    "$BIN/sfgen" -n 20 -w /tmp/sflowkit-cli-full.$$ 2>/dev/null
    "$BIN/sflowcollect" -r /tmp/sflowkit-cli-full.$$ >/dev/full 2>/tmp/sflowkit-cli.$$
    rc=$?
    [ $rc -eq 1 ] && grep -q "No space" /tmp/sflowkit-cli.$$ || { echo "FAIL full stdout: exit $rc"; fail=1; }
    rm -f /tmp/sflowkit-cli-full.$$
fi
rm -f /tmp/sflowkit-cli.$$
exit $fail
