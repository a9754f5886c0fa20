# ClickHouse servers for the clickhouse*.sh tests, sourced after T (a
# temporary directory) is set: each server runs as the current user from
# T/NAME with its own configuration, on 127.0.0.1 ports of its own, and is
# stopped by PID (ch_stop_all in the caller's cleanup trap).
#   ch_start NAME HTTP_PORT TCP_PORT   start (or restart) server NAME
#   ch_stop NAME [SIGNAL]              stop it (SIGNAL: KILL for a crash)
#   chq TCP_PORT SQL                   run a query with clickhouse-client
command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] ||
    { echo "skip: clickhouse-server missing (make deps)"; exit 77; }
for t in clickhouse-client curl; do
    command -v $t >/dev/null 2>&1 || { echo "skip: $t missing (make deps)"; exit 77; }
done
CH_SERVER=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
CH_NAMES=""

ch_config() {
    d=$T/$1
    mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/log"
    cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/err.log</errorlog></logger>
    <http_port>$2</http_port>
    <tcp_port>$3</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <max_connections>64</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>32</max_concurrent_queries>
    <uncompressed_cache_size>1048576</uncompressed_cache_size>
    <mark_cache_size>67108864</mark_cache_size>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    ${CH_EXTRA:-}
</yandex>
XML
    cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
        <profile>default</profile><quota>default</quota></default></users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
    </interval></default></quotas>
</yandex>
XML
}

ch_start() {
    [ -f "$T/$1/config.xml" ] || ch_config "$1" "$2" "$3"
    "$CH_SERVER" --config-file="$T/$1/config.xml" >"$T/$1/log/stdout" 2>&1 &
    echo $! >"$T/$1/pid"
    case " $CH_NAMES " in *" $1 "*) ;; *) CH_NAMES="$CH_NAMES $1" ;; esac
    i=0
    until curl -sf "http://127.0.0.1:$2/ping" >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -ge 300 ] || ! kill -0 "$(cat "$T/$1/pid")" 2>/dev/null; then
            echo "clickhouse-server $1 did not start"
            tail -n 20 "$T/$1/log/stdout" "$T/$1/log/err.log" 2>/dev/null
            exit 1
        fi
        sleep 0.1
    done
}

ch_stop() {
    [ -f "$T/$1/pid" ] || return 0
    p=$(cat "$T/$1/pid")
    kill -"${2:-TERM}" "$p" 2>/dev/null
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 300 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    rm -f "$T/$1/pid"
}

ch_stop_all() {
    for n in $CH_NAMES; do
        ch_stop "$n"
    done
}

chq() {
    clickhouse-client --host 127.0.0.1 --port "$1" --query "$2"
}
