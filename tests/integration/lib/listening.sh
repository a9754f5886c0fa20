# Waiting for a collector to bind its UDP port, sourced by the tests that
# start one on 127.0.0.1.
# listening PORT: something listens on UDP PORT (without ss, a second's grace).
listening() {
    if command -v ss >/dev/null 2>&1; then
        ss -Huln "sport = :$1" 2>/dev/null | grep -q .
    else
        sleep 1
    fi
}
# wait_listening PORT [LOG...]: up to 10 s for listening PORT, else shows
# the LOGs and exits 1.
wait_listening() {
    wl_port=$1; shift
    i=0
    until listening "$wl_port"; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "nothing listens on $wl_port"; [ $# = 0 ] || cat "$@"; exit 1; }
        sleep 0.1
    done
}
