#!/bin/sh
# ClickHouse sink, nothing lost: (1) a live collector fed by sfgen while
# its ClickHouse node is killed (SIGKILL) and restarted mid-stream, then
# stopped (SIGSTOP) for 4 s and continued: every
# sample the collector encoded is one row, none twice, nothing left in the
# spool; (2) with the node down, a capture goes to the spool; a spool
# bounded by --ch-spool-max keeps the oldest batches and counts the rest;
# a collector restarted once the node is back replays the spool, and the
# rows are exactly those of both runs, a RowBinary batch of an earlier
# version too; (3) a spool path that is a symlink
# is refused.  One server for the file.
: "${BIN:?}" "${TOP:?}"
T=$(mktemp -d /tmp/sflowkit-chspool.XXXXXX)
cpid=
cleanup() {
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
    ch_stop_all
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/integration/lib/clickhouse.sh"
. "$TOP/tests/integration/lib/listening.sh"
fail=0

base=$((20000 + $$ % 15000))
H=$base P=$((base + 1)) U=$((base + 2))
URL=http://127.0.0.1:$H/
ch_start a $H $P
stat_rows() { sed -n 's/^  clickhouse rows flows \([0-9]*\) .*/\1/p' "$1"; }
stat_node() { sed -n "s/^  clickhouse .* inserted .* $2 \([0-9]*\) .*/\1/p" "$1"; }

# ---- 1. The node dies and comes back, then hangs for a while, as samples stream in. ----
# Started as root, a live collector runs as 'sflowkit' (where the package
# created it), else 'nobody', once its sockets are open: its spool belongs
# to that user, as docs/clickhouse.md says.
runas=nobody
id sflowkit >/dev/null 2>&1 && runas=sflowkit
[ "$(id -u)" = 0 ] && id $runas >/dev/null 2>&1 && install -d -o $runas -m 700 "$T/spool1"
chmod 711 "$T"
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $U -q --clickhouse "$URL" --ch-spool "$T/spool1" \
    --ch-batch-rows 8000 --ch-batch-ms 1000 --stats 2>"$T/c1.err" &
cpid=$!
wait_listening $U "$T/c1.err"
"$BIN/sfgen" --send 127.0.0.1:$U --rate 2000 --duration 10 --seed 3 >/dev/null 2>&1 &
gpid=$!
sleep 2
ch_stop a KILL
sleep 2
ch_start a $H $P
# Then a hung node (SIGSTOP): inserts wait, the queue goes to the spool.
sleep 1
kill -STOP "$(cat "$T/a/pid")"
sleep 4
kill -CONT "$(cat "$T/a/pid")"
wait $gpid
# The replay takes what it takes on a loaded machine: stop once it is done.
i=0
while [ -n "$(find "$T/spool1" -type f)" ] && [ $i -lt 600 ]; do
    i=$((i + 1))
    sleep 0.1
done
sleep 1
kill -TERM $cpid
wait $cpid
cpid=
rows=$(stat_rows "$T/c1.err")
grep clickhouse "$T/c1.err"
got=$(chq $P "SELECT count(), uniqExact(agent, sub_agent, source_index, seq) FROM flows" | tr '\t' ' ')
[ -n "$rows" ] && [ "$rows" -gt 0 ] || { echo "FAIL: collector encoded no rows"; cat "$T/c1.err"; fail=1; }
[ "$got" = "$rows $rows" ] ||
    { echo "FAIL: after the node's crash flows holds '$got' (rows, distinct); collector encoded $rows"; fail=1; }
[ "$(stat_node "$T/c1.err" spooled)" -gt 0 ] 2>/dev/null ||
    { echo "FAIL: nothing was spooled while the node was down"; fail=1; }
[ "$(stat_node "$T/c1.err" dropped)" = 0 ] || { echo "FAIL: batches dropped"; fail=1; }
[ -z "$(ls "$T/spool1"/* 2>/dev/null)" ] || { echo "FAIL: spool not empty"; ls -R "$T/spool1"; fail=1; }
before=$(chq $P "SELECT count() FROM flows")

# ---- 2. Node down: spool; bounded spool; restart replays. ----
ch_stop a
"$BIN/sfgen" -n 600 --seed 8 -w "$T/big.pcap" 2>/dev/null
"$BIN/sfgen" -n 3 --seed 9 -w "$T/small.pcap" 2>/dev/null
"$BIN/sflowcollect" -r "$T/big.pcap" --clickhouse "$URL" --ch-spool "$T/spool2" \
    --ch-batch-rows 400 --stats 2>"$T/c2.err" >/dev/null
spooled=$(stat_node "$T/c2.err" spooled)
rows2=$(stat_rows "$T/c2.err")
nfiles=$(find "$T/spool2" -type f | wc -l)
echo "node down: $rows2 rows in $spooled batches spooled, $nfiles files"
[ "$spooled" -gt 1 ] && [ "$nfiles" = "$spooled" ] ||
    { echo "FAIL: expected every batch in the spool"; cat "$T/c2.err"; fail=1; }
# A spool too small for all: the oldest stay, the rest are counted.
"$BIN/sflowcollect" -r "$T/big.pcap" --clickhouse "$URL" --ch-spool "$T/spool3" \
    --ch-spool-max 200K --ch-batch-rows 400 --stats 2>"$T/c3.err" >/dev/null
kept=$(find "$T/spool3" -type f | wc -l)
dropped=$(stat_node "$T/c3.err" dropped)
first=$(find "$T/spool3" -type f -printf '%f\n' | sort | head -n 2 | cut -c1-16 | tr '\n' ' ')
echo "bounded spool: kept $kept, dropped $dropped, oldest kept $first"
[ "$kept" -gt 0 ] && [ "$dropped" -gt 0 ] && [ $((kept + dropped)) = "$spooled" ] ||
    { echo "FAIL: bounded spool kept $kept and dropped $dropped of $spooled"; fail=1; }
[ "$first" = "0000000000000000 0000000000000001 " ] ||
    { echo "FAIL: the bounded spool did not keep the oldest batches"; fail=1; }
[ "$(du -sk "$T/spool3" | cut -f1)" -le 210 ] || { echo "FAIL: spool over its bound"; fail=1; }

# replay_small ERR: the small capture through spool2 (replayed first); sets
# 'replayed', 'new' (the capture's rows) and 'flows' (the table's rows after).
replay_small() {
    "$BIN/sflowcollect" -r "$T/small.pcap" --clickhouse "$URL" --ch-spool "$T/spool2" \
        --stats 2>"$1" >/dev/null
    replayed=$(stat_node "$1" replayed)
    new=$(stat_rows "$1")
    flows=$(chq $P "SELECT count() FROM flows")
}

# Keep a copy of the oldest batch, to play a crash after its insert below.
saved=$(find "$T/spool2" -type f | sort | head -n 1)
cp "$saved" "$T/saved"
ch_start a $H $P
replay_small "$T/c4.err"
rows4=$new after=$flows
echo "restart: replayed $replayed batches; flows $before -> $after (+$rows2 spooled +$rows4 new)"
[ "$replayed" = "$spooled" ] || { echo "FAIL: replayed $replayed of $spooled batches"; fail=1; }
[ "$after" = $((before + rows2 + rows4)) ] || { echo "FAIL: rows after the replay"; fail=1; }
[ -z "$(find "$T/spool2" -type f)" ] || { echo "FAIL: spool2 not empty after replay"; fail=1; }

# A collector killed after the server stored a batch but before it deleted
# the file: the file carries the attempted mark, so the next collector asks
# the server, finds the batch, and does not insert it twice.
cp "$T/saved" "$saved.a"
replay_small "$T/c6.err"
avoided=$(stat_node "$T/c6.err" duplicates_avoided)
rows6=$new final=$flows
echo "replay of a stored, marked batch: duplicates_avoided $avoided; flows $after -> $final (+$rows6 new)"
[ "$avoided" = 1 ] && [ "$final" = $((after + rows6)) ] ||
    { echo "FAIL: a stored batch was inserted again"; fail=1; }

# A RowBinary batch spooled by a version before the Native format (named
# without the 'n'): replayed as RowBinary, its rows stored once.
legacy="$(dirname "$saved")/00000000000000ff-00000000000000ff.f"
chq $P "SELECT * FROM flows LIMIT 50 FORMAT RowBinary" >"$legacy"
chmod 600 "$legacy"
replay_small "$T/c7.err"
rows7=$new legacy_end=$flows
echo "replay of a RowBinary batch: replayed $replayed; flows $final -> $legacy_end (+50 +$rows7 new)"
[ "$replayed" = 1 ] && [ "$legacy_end" = $((final + 50 + rows7)) ] && [ ! -e "$legacy" ] ||
    { echo "FAIL: the RowBinary batch was not replayed once"; cat "$T/c7.err"; fail=1; }

# ---- 3. A spool that is a symlink is refused. ----
mkdir "$T/elsewhere" && ln -s "$T/elsewhere" "$T/link"
if "$BIN/sflowcollect" -r "$T/small.pcap" --clickhouse "$URL" --ch-spool "$T/link" 2>"$T/c5.err" >/dev/null; then
    echo "FAIL: a symlinked spool was accepted"; fail=1
else
    echo "symlinked spool refused: $(cat "$T/c5.err")"
fi
exit $fail
