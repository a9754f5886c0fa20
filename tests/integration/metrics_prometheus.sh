#!/bin/sh
# --metrics: the page passes promtool's lint, and Debian's prometheus,
# started on 127.0.0.1 with its data in a temporary directory, scrapes it:
# its datagram and per-agent counts equal what the collector received
# (sfgen's datagrams, counted by --stats).
: "${BIN:?}" "${TOP:?}"
for t in prometheus promtool curl jq; do
    command -v $t >/dev/null 2>&1 || { echo "skip: $t missing (make deps)"; exit 77; }
done
T=$(mktemp -d /tmp/sflowkit-prom.XXXXXX)
cpid= ppid=
cleanup() {
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
    [ -n "$ppid" ] && kill "$ppid" 2>/dev/null && wait "$ppid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TOP/tests/integration/lib/listening.sh"
fail=0

base=$((20000 + $$ % 15000))
U=$base M=$((base + 1)) W=$((base + 2))
# A ClickHouse sink with no server behind it, so that its series are on the page too.
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $U -q --metrics 127.0.0.1:$M --stats \
    --clickhouse http://127.0.0.1:$((base + 3))/ 2>"$T/c.err" &
cpid=$!
wait_listening $U "$T/c.err"
"$BIN/sfgen" --send 127.0.0.1:$U --rate 1000 -n 400 --agents 3 --duration 5 >/dev/null 2>&1

curl -sf "http://127.0.0.1:$M/metrics" >"$T/page" || { echo "FAIL: no metrics page"; cat "$T/c.err"; exit 1; }
promtool check metrics <"$T/page" >"$T/lint" 2>&1 || { echo "FAIL: promtool:"; cat "$T/lint"; fail=1; }
grep -q "^sflowcollect_clickhouse_spool_batches{node=\"0\"} 0$" "$T/page" || { echo "FAIL: no ClickHouse series"; fail=1; }

cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: sflowcollect
    static_configs:
      - targets: ['127.0.0.1:$M']
YML
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
    --web.listen-address=127.0.0.1:$W >"$T/prom.log" 2>&1 &
ppid=$!
q() { curl -sf "http://127.0.0.1:$W/api/v1/query" --data-urlencode "query=$1" | jq -r "$2"; }
# Read before the collector stops: a target gone down makes its series stale.
i=0 got= agents= sum=
while [ $i -lt 150 ]; do
    got=$(q 'sflowcollect_datagrams_total{job="sflowcollect"}' '.data.result[0].value[1] // empty' 2>/dev/null)
    agents=$(q 'count(sflowcollect_agent_datagrams_total)' '.data.result[0].value[1] // empty' 2>/dev/null)
    sum=$(q 'sum(sflowcollect_agent_datagrams_total)' '.data.result[0].value[1] // empty' 2>/dev/null)
    [ -n "$got" ] && [ -n "$agents" ] && [ -n "$sum" ] && break
    i=$((i + 1))
    sleep 0.2
done
kill -TERM $cpid
wait $cpid
cpid=
want=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$T/c.err")
echo "prometheus scraped sflowcollect_datagrams_total = $got; --stats: $want"
[ -n "$got" ] && [ "$got" = "$want" ] || { echo "FAIL: prometheus did not scrape $want"; tail -5 "$T/prom.log"; fail=1; }
echo "prometheus: $agents agent series summing to $sum"
[ "$agents" = 3 ] && [ "$sum" = "$want" ] || { echo "FAIL: per-agent series"; fail=1; }
exit $fail
