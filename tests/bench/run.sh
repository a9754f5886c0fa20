#!/bin/sh
# Throughput of each sflowcollect output mode beside tcpdump, both measured
# in this run on the same generated capture.
#
# usage: sh tests/bench/run.sh BIN_DIR
#   BENCH_DATAGRAMS  datagrams in the capture (default 200000)
#   BENCH_RUNS       rounds of every command, interleaved; the fastest run counts
#                    (default 5: on a shared machine one run says little)
#   BENCH_SEED       sfgen --seed (default 1)
#   BENCH_NO_GNU_TIME=1  measure RSS from /proc even if /usr/bin/time exists
#   BENCH_LIVE_SECONDS   seconds per rate of the live loopback ingest (default 10)
#   BENCH_LIVE_RATES     its rates in datagrams/s (default "50000 100000 200000"; "none" skips it)
#   BENCH_PARTS      datapath benches to run as root (default "agent switch emu accuracy"; "" for none)
#   BENCH_BASE_BIN   another build's bin dir: its sflowcollect runs every mode too, in
#                    the same rounds ("base-MODE"), and "vs base" is the paired ratio
#
# Wall time comes from date +%s%N around the command; peak RSS from GNU
# time's %M when /usr/bin/time is there, else from VmHWM in /proc/PID/status,
# polled while the command runs (the high-water mark only grows, so the last
# reading is at most one poll interval short of the peak).
set -eu

BIN=$(cd "${1:?usage: sh tests/bench/run.sh BIN_DIR}" && pwd)
N=${BENCH_DATAGRAMS:-200000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-1}
TMP=$(mktemp -d /tmp/sflowkit-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
F=$TMP/corpus.pcap
# NetFlow modes export to a real receiver (nfcapd) on this port, if there is one.
NFPORT=$((40000 + $$ % 20000))
NFPID=
trap 'rm -rf "$TMP"; [ -z "$NFPID" ] || kill "$NFPID" 2>/dev/null' EXIT

# The measured programs.  One line per sflowcollect mode: a name, then its
# arguments ($F is the capture).  Add a mode by adding a line.
MODES=$(cat <<EOF
text        -r $F
grep        -g -r $F
fields      -L srcIP,dstIP,IPProtocol,TCPSrcPort,TCPDstPort -r $F
line        -l -r $F
json        -j -r $F
quiet       -q -r $F
pcap        -t -r $F
netflow     -q -r $F -c 127.0.0.1 -d $NFPORT
netflow-agg -q -r $F -c 127.0.0.1 -d $NFPORT --nf-aggregate
netflow9    -q -r $F -c 127.0.0.1 -d $NFPORT -N 9
ipfix       -q -r $F -c 127.0.0.1 -d $NFPORT -N 10
EOF
)
# Baselines: a name, then a whole command line.
BASELINES=$(cat <<EOF
tcpdump     tcpdump -nn -v -r $F
EOF
)


for p in sfgen sflowcollect; do
    if [ ! -x "$BIN/$p" ]; then
        echo "bench: $BIN/$p is missing (make all)" >&2
        exit 1
    fi
done
if ! command -v tcpdump >/dev/null 2>&1; then
    echo "bench: tcpdump is missing (make deps)" >&2
    exit 1
fi

GNU_TIME=0
if [ "${BENCH_NO_GNU_TIME:-0}" != 1 ] && [ -x /usr/bin/time ] &&
    /usr/bin/time -f '%M' -o "$TMP/rss" true 2>/dev/null; then
    GNU_TIME=1
fi

"$BIN/sfgen" -n "$N" --seed "$SEED" -w "$F" 2>"$TMP/sfgen.log"
# "sfgen: FILE: N datagrams, M samples (...), sFlow payload B bytes (mean X)"
SAMPLES=$(sed -n 's/.* datagrams, \([0-9]*\) samples .*/\1/p' "$TMP/sfgen.log")
PAYLOAD=$(sed -n 's/.*sFlow payload \([0-9]*\) bytes.*/\1/p' "$TMP/sfgen.log")
if [ -z "$SAMPLES" ] || [ -z "$PAYLOAD" ]; then
    cat "$TMP/sfgen.log" >&2
    exit 1
fi

# Runs "$@" with stdout to /dev/null; prints "SECONDS PEAK_KB", or fails.
measure_once() {
    t0=$(date +%s%N)
    if [ "$GNU_TIME" = 1 ]; then
        /usr/bin/time -f '%M' -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/err" || return 1
        rss=$(tail -n 1 "$TMP/rss")
    else
        "$@" >/dev/null 2>"$TMP/err" &
        pid=$!
        rss=0
        # Until the child is a zombie (kill -0 would still succeed) or gone.
        while st=$(awk '/^State:/ { s = $2 } /^VmHWM:/ { h = $2 }
                END { print s, h }' "/proc/$pid/status" 2>/dev/null); do
            case $st in
            Z*|X*|" "*|"") break ;;
            esac
            [ "${st#* }" = "$st" ] || [ -z "${st#* }" ] || rss=${st#* }
            sleep 0.01
        done
        wait "$pid" || return 1
    fi
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000 )) $rss"
}

# Measures "$@" once and appends "LABEL MICROSECONDS PEAK_KB" (or FAILED) to raw.
run_measured() {
    label=$1
    shift
    if r=$(measure_once "$@"); then
        echo "$label $r" >>"$TMP/raw"
    else
        echo "$label FAILED" >>"$TMP/raw"
        echo "bench: $label failed:" >&2
        tail -n 5 "$TMP/err" >&2
    fi
}

: >"$TMP/raw"
if command -v nfcapd >/dev/null 2>&1; then
    mkdir "$TMP/nf"
    nfcapd -b 127.0.0.1 -p "$NFPORT" -w "$TMP/nf" >"$TMP/nfcapd.log" 2>&1 &
    NFPID=$!
    sleep 0.3
else
    MODES=$(echo "$MODES" | grep -v '^netflow')
fi
# Round after round of every command, rather than all the runs of one
# command in a row: on a shared machine a slow spell then costs each
# command a run, not one command all of its runs.
run=0
while [ "$run" -lt "$RUNS" ]; do
    echo "$BASELINES" | while read -r name cmd; do
        [ -n "$name" ] || continue
        # shellcheck disable=SC2086
        run_measured "$name" $cmd
    done
    echo "$MODES" | while read -r name args; do
        [ -n "$name" ] || continue
        # Another build of the collector runs each mode right beside ours,
        # first in one round and second in the next, so that neither is
        # always the one that follows a given command.
        for who in $(if [ -z "${BENCH_BASE_BIN:-}" ]; then echo ours
            elif [ $((run % 2)) = 0 ]; then echo base ours; else echo ours base; fi); do
            # shellcheck disable=SC2086
            if [ "$who" = base ]; then
                run_measured "base-$name" "$BENCH_BASE_BIN/sflowcollect" $args
            else
                run_measured "sflowcollect-$name" "$BIN/sflowcollect" $args
            fi
        done
    done
    run=$((run + 1))
done
# Each command's best time and largest peak RSS, in the order first run,
# and the median over the rounds of tcpdump's time over the command's in
# the same round: a slow spell of the machine that lasts a round slows
# both, where the best of each may come from different spells.
awk '
    # Median over the rounds of the time of command "num" over that of "k".
    function paired(num, k,    r, m, a, b, x, ratio) {
        m = 0
        for (r = 1; r <= runs_of[k]; r++)
            if ((num, r) in t && (k, r) in t)
                ratio[++m] = t[num, r] / t[k, r]
        for (a = 2; a <= m; a++)
            for (b = a; b > 1 && ratio[b - 1] > ratio[b]; b--) {
                x = ratio[b]; ratio[b] = ratio[b - 1]; ratio[b - 1] = x
            }
        return m == 0 ? 0 : (m % 2 ? ratio[(m + 1) / 2] : (ratio[m / 2] + ratio[m / 2 + 1]) / 2)
    }
    !($1 in seen) { seen[$1] = 1; order[++n] = $1 }
    { round = ++runs_of[$1] }
    $2 == "FAILED" { failed[$1] = 1; next }
    { t[$1, round] = $2 }
    !($1 in best) || $2 < best[$1] { best[$1] = $2 }
    $3 > peak[$1] { peak[$1] = $3 }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]
            if (failed[k] || !(k in best)) {
                print k, "FAILED"
                continue
            }
            base = k ~ /^sflowcollect-/ ? "base-" substr(k, 14) : ""
            print k, best[k], peak[k] + 0, paired("tcpdump", k), paired(base, k)
        }
    }' "$TMP/raw" >"$TMP/rows"

awk -v n="$N" -v samples="$SAMPLES" -v payload="$PAYLOAD" -v runs="$RUNS" '
    BEGIN {
        printf "sflowkit bench: %d datagrams, %d samples, %.1f MB of sFlow (sfgen), best of %d run(s)\n",
            n, samples, payload / 1e6, runs
        printf "(vs tcpdump: best against best; paired: median over the rounds of the two in one round)\n\n"
        printf "%-22s %14s %14s %10s %10s %12s %8s %8s\n", "mode", "datagrams/s", "samples/s",
            "seconds", "peak RSS", "vs tcpdump", "paired", "vs base"
    }
    $2 == "FAILED" { failed[NR] = 1; name[NR] = $1; rows = NR; next }
    {
        name[NR] = $1; secs[NR] = $2 / 1e6; rss[NR] = $3; paired[NR] = $4; vsbase[NR] = $5
        rows = NR
        if ($1 == "tcpdump") base = n / secs[NR]
    }
    END {
        for (i = 1; i <= rows; i++) {
            if (failed[i]) {
                printf "%-22s %14s\n", name[i], "failed"
                continue
            }
            rate = n / secs[i]
            ratio = base > 0 ? sprintf("%.2fx", rate / base) : "-"
            pr = paired[i] > 0 ? sprintf("%.2fx", paired[i]) : "-"
            vb = vsbase[i] > 0 ? sprintf("%.2fx", vsbase[i]) : "-"
            printf "%-22s %14.0f %14.0f %10.2f %7.1f MB %12s %8s %8s\n", name[i], rate,
                samples / secs[i], secs[i], rss[i] / 1024, ratio, pr, vb
        }
    }' "$TMP/rows"
# Live loopback ingest: sfgen sends the same mix to 127.0.0.1 at fixed rates
# into `sflowcollect -q --stats`; lost = sent - received, of which the kernel
# reports socket_drops (a full receive buffer).  In a subshell, so that its
# trap stops the collector it started, and no other.
(
    LIVE_SECS=${BENCH_LIVE_SECONDS:-10}
    LIVE_RATES=${BENCH_LIVE_RATES:-50000 100000 200000}
    [ "$LIVE_RATES" != none ] || LIVE_RATES=
    LPORT=$((20000 + $$ % 20000))
    LPID=
    trap '[ -z "$LPID" ] || kill "$LPID" 2>/dev/null' EXIT
    trap 'exit 130' INT TERM
    printf "\nlive UDP ingest on 127.0.0.1, %s s per rate (sfgen --send -> sflowcollect -q --stats)\n\n" "$LIVE_SECS"
    printf "%-10s %12s %12s %12s %12s %12s %12s\n" "rate" "sent/s" "sent" "received" \
        "decoded" "socket_drops" "lost"
    for rate in $LIVE_RATES; do
        "$BIN/sflowcollect" -4 -b 127.0.0.1 -p "$LPORT" -q --stats 2>"$TMP/live.err" &
        LPID=$!
        i=0
        while ! ss -Huln "sport = :$LPORT" 2>/dev/null | grep -q . && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        "$BIN/sfgen" --send "127.0.0.1:$LPORT" --rate "$rate" --duration "$LIVE_SECS" \
            --seed "$SEED" 2>"$TMP/live.gen" || true
        sleep 1                 # Let the collector drain its socket.
        kill -TERM "$LPID" 2>/dev/null || true
        wait "$LPID" || true
        LPID=
        # "sfgen: sent N datagrams (...) in S s: R datagrams/s; M not sent"
        sent=$(sed -n 's/^sfgen: sent \([0-9]*\) datagrams.*/\1/p' "$TMP/live.gen")
        srate=$(sed -n 's/.* s: \([0-9]*\) datagrams\/s.*/\1/p' "$TMP/live.gen")
        # "  datagrams N bytes B decoded D socket_drops S"
        got=$(sed -n 's/^  datagrams \([0-9]*\) bytes [0-9]* decoded \([0-9]*\) socket_drops \([0-9]*\).*/\1 \2 \3/p' \
            "$TMP/live.err" | tail -n 1)
        if [ -z "$sent" ] || [ -z "$got" ]; then
            printf "%-10s %12s\n" "$rate" "failed"
            echo "live-$rate FAILED" >>"$TMP/rows"
            tail -n 3 "$TMP/live.gen" "$TMP/live.err" >&2
            continue
        fi
        set -- $got
        printf "%-10s %12s %12s %12s %12s %12s %12s\n" "$rate" "$srate" "$sent" "$1" "$2" "$3" \
            "$((sent - $1))"
    done
)
# The datapath benches build namespaces, so they need root; each prints its
# own table: sflow-agent beside a bare Linux bridge, sflow-switch beside a
# Linux bridge, sflow-emu beside an `ip -batch` script, and sFlow's
# accuracy and the network's loss on 73 ports, sflow-switch beside Linux
# bridges.
if [ "$(id -u)" = 0 ]; then
    for part in ${BENCH_PARTS-agent switch emu accuracy}; do
        sh "$(dirname "$0")/${part}_bench.sh" "$BIN" || echo "$part FAILED" >>"$TMP/rows"
    done
fi
# ClickHouse inserts beside the clickhouse-client CSV pipeline (no root needed).
sh "$(dirname "$0")/clickhouse_bench.sh" "$BIN" || echo "clickhouse FAILED" >>"$TMP/rows"
# A mode that failed fails the bench (another build may lack a mode).
! grep -v '^base-' "$TMP/rows" | grep -q ' FAILED$'
