#!/bin/sh
# make demo: until the emulator lands, decode datagrams that the project's
# own generator makes, in each output format, and leave them in demo.pcap.
# usage: tests/demo.sh BIN_DIR
set -e
BIN=${1:?usage: tests/demo.sh BIN_DIR}
out=demo.pcap
"$BIN/sfgen" -n 50 --seed 1 -w "$out"
echo "== sfgen wrote 50 sFlow v5 datagrams to $out (4 agents, 7 flow + 1 counter samples each)"
echo
echo "== sflowcollect -r $out   (sflowtool-style text; first datagram)"
"$BIN/sflowcollect" -r "$out" | sed -n '1,/^endDatagram/p'
echo
echo "== sflowcollect -r $out -l   (one CSV line per sample; first 8)"
"$BIN/sflowcollect" -r "$out" -l | head -n 8
echo
echo "== sflowcollect -r $out -j   (JSON; first datagram's header fields)"
"$BIN/sflowcollect" -r "$out" -j | head -n 1 | cut -c 1-300
echo "..."
echo
echo "== sflowcollect -r $out -q --stats   (accounting)"
"$BIN/sflowcollect" -r "$out" -q --stats
echo
echo "== tcpdump -r $out   (the datagrams are valid sFlow on the wire)"
tcpdump -nn -r "$out" 2>/dev/null | head -n 3
