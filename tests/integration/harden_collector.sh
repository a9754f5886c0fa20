#!/bin/sh
# sflowcollect under attack (issue 14): each attack is made, and must fail.
#  1. another process binds the collector's port with SO_REUSEADDR (as
#     'nobody' when run as root), and a second sflowcollect on the same
#     port: both refused, the first collector still gets every datagram;
#  2. made-up agents and interfaces fill the disk through --rrd: stopped at
#     --rrd-max-files, counted, logged once; --allow drops other senders
#     before decoding (live and -r);
#  3. --stats with many agents: the busiest N and a total; socket_drops
#     read at report time, so received + dropped = sent;
#  4. forwarding loops: -f to the collector's own port refused; two
#     collectors forwarding to each other pass a datagram on once;
#  5. corrupt GeoIP databases: every byte of the data section spoiled in
#     turn, each database refused at open or its lookups failing cleanly
#     (no sanitizer report);
#  6. datagrams of 300 samples of 2 records, and of 250 samples of 3 (750
#     records), decode whole; tshark agrees on the second;
#  7. run as root, the collector becomes 'nobody' (/proc/PID/status).
: "${BIN:?}"
[ -x "$BIN/sfgen" ] || { echo "no sfgen"; exit 77; }
for t in perl text2pcap mergecap; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
tmp=$(mktemp -d /tmp/sflowkit-harden.XXXXXX)
# The collector runs as 'nobody' once started: let it reach its RRD directory.
chmod 755 "$tmp"
pids=
cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0
. "$(dirname "$0")/lib/listening.sh"

# Ports of our own choosing on 127.0.0.1.
base=$((21000 + ($$ * 7) % 15000))
p1=$base p2=$((base + 1)) p3=$((base + 2)) p4=$((base + 3)) p5=$((base + 4))

# collect NAME ARGS...: sflowcollect in the background (PID in $pid).
collect() {
    c_name=$1; shift
    "$BIN/sflowcollect" "$@" >"$tmp/$c_name.out" 2>"$tmp/$c_name.err" &
    pid=$!
    pids="$pids $pid"
}
# stop PID: SIGTERM and wait; its exit status in $rc.
stop() { kill -TERM "$1"; wait "$1"; rc=$?; }
stat() { sed -n "s/^ .* $1 \([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }

# perl -e "$send" PORT N SIZE: N datagrams of SIZE bytes to 127.0.0.1:PORT.
send='use IO::Socket::INET;
my ($port, $n, $size) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "udp") or die "$!";
$s->send(pack("N", $_) . ("x" x ($size - 4))) for 1 .. $n;'

# ---- 1. The port cannot be taken over. ----
collect a1 -4 -b 127.0.0.1 -p $p1 -q --stats
a1=$pid
wait_listening $p1 "$tmp/a1.err"
steal='use Socket;
socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!\n";
setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1) or die "setsockopt: $!\n";
bind($s, pack_sockaddr_in($ARGV[0], inet_aton("127.0.0.1"))) or die "bind: $!\n";
print "bound\n";'
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    thief="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    $thief true 2>/dev/null || thief="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    thief=
fi
# shellcheck disable=SC2086
$thief perl -e "$steal" $p1 >"$tmp/steal.out" 2>&1 &&
    { echo "FAIL ${thief:+nobody: }SO_REUSEADDR bind of the collector's port succeeded"; fail=1; }
grep -q "bind: Address already in use" "$tmp/steal.out" ||
    { echo "FAIL the thief's bind failed otherwise"; cat "$tmp/steal.out"; fail=1; }
"$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p1 -q >/dev/null 2>"$tmp/second.err" &&
    { echo "FAIL a second sflowcollect on the same port started"; fail=1; }
grep -q "^sflowcollect: bind to 127.0.0.1 port $p1: Address already in use$" "$tmp/second.err" ||
    { echo "FAIL second collector's message"; cat "$tmp/second.err"; fail=1; }
"$BIN/sfgen" --send 127.0.0.1:$p1 --rate 2000 -n 200 --seed 4 2>/dev/null
sleep 0.5
stop $a1
[ "$(stat datagrams "$tmp/a1.err")" = 200 ] ||
    { echo "FAIL the first collector lost datagrams"; cat "$tmp/a1.err"; fail=1; }

# --threads still share the port among themselves (SO_REUSEPORT).
collect a2 -4 -b 127.0.0.1 -p $p1 -q --stats --threads 2
a2=$pid
wait_listening $p1 "$tmp/a2.err"
sleep 0.3
kill -0 $a2 2>/dev/null || { echo "FAIL --threads 2 no longer binds"; cat "$tmp/a2.err"; fail=1; }
stop $a2

# ---- 2. Disk and allow-list. ----
# 10 agents of 4 interfaces each, as anyone could make up: 40 files wanted.
collect r1 -4 -b 127.0.0.1 -p $p2 -q --stats --rrd "$tmp/rrd" --rrd-max-files 15
r1=$pid
wait_listening $p2 "$tmp/r1.err"
"$BIN/sfgen" --send 127.0.0.1:$p2 --rate 2000 -n 400 --agents 10 --ifaces 4 --seed 2 2>/dev/null
sleep 0.5
stop $r1
n=$(find "$tmp/rrd" -name '*.rrd' | wc -l)
[ "$n" = 15 ] || { echo "FAIL --rrd-max-files 15 made $n files"; cat "$tmp/r1.err"; fail=1; }
grep -q "^rrd: 15 files, 15 created, .*, [1-9][0-9]* over_limit$" "$tmp/r1.err" ||
    { echo "FAIL over_limit not counted"; cat "$tmp/r1.err"; fail=1; }
[ "$(grep -c -- '--rrd-max-files 15 reached' "$tmp/r1.err")" = 1 ] ||
    { echo "FAIL the limit is not logged exactly once"; cat "$tmp/r1.err"; fail=1; }
# The default limit: 1000 files.
"$BIN/sfgen" -n 400 --agents 10 --ifaces 4 --seed 2 -w "$tmp/rrd.pcap" 2>/dev/null
"$BIN/sflowcollect" -r "$tmp/rrd.pcap" -q --stats --rrd "$tmp/rrd2" 2>"$tmp/r2.err"
grep -q "^rrd: 40 files, 40 created, .* 0 over_limit$" "$tmp/r2.err" ||
    { echo "FAIL default limit"; cat "$tmp/r2.err"; fail=1; }

# The sender (127.0.0.1) is not in the list: nothing decoded, nothing stored.
collect l1 -4 -b 127.0.0.1 -p $p2 -q --stats --rrd "$tmp/rrd3" --allow 192.0.2.0/24 \
    --allow 2001:db8::/32
l1=$pid
wait_listening $p2 "$tmp/l1.err"
"$BIN/sfgen" --send 127.0.0.1:$p2 --rate 2000 -n 300 --agents 10 --ifaces 4 --seed 2 2>/dev/null
sleep 0.5
stop $l1
[ "$(stat not_allowed "$tmp/l1.err")" = 300 ] && [ "$(stat datagrams "$tmp/l1.err")" = 0 ] ||
    { echo "FAIL --allow: datagrams from 127.0.0.1 not dropped"; cat "$tmp/l1.err"; fail=1; }
[ "$(find "$tmp/rrd3" -name '*.rrd' | wc -l)" = 0 ] || { echo "FAIL --allow: files made"; fail=1; }
[ "$(grep -c "datagrams from 127.0.0.1 (not in --allow)" "$tmp/l1.err")" = 1 ] ||
    { echo "FAIL --allow: no single log line"; cat "$tmp/l1.err"; fail=1; }
# ... and when it is, everything is.
collect l2 -4 -b 127.0.0.1 -p $p2 -q --stats --allow 192.0.2.0/24 --allow 127.0.0.0/8
l2=$pid
wait_listening $p2 "$tmp/l2.err"
"$BIN/sfgen" --send 127.0.0.1:$p2 --rate 2000 -n 300 --seed 2 2>/dev/null
sleep 0.5
stop $l2
[ "$(stat datagrams "$tmp/l2.err")" = 300 ] && ! grep -q not_allowed "$tmp/l2.err" ||
    { echo "FAIL --allow 127.0.0.0/8"; cat "$tmp/l2.err"; fail=1; }
# IPv6: a sender on ::1 is dropped by a list of other networks, kept by ::1/128.
if ip -6 addr show dev lo 2>/dev/null | grep -q "inet6 ::1/128"; then
    for net in 2001:db8::/32 ::1/128; do
        collect l6 -6 -b ::1 -p $p2 -q --stats --allow 192.0.2.0/24 --allow $net
        l6=$pid
        wait_listening $p2 "$tmp/l6.err"
        "$BIN/sfgen" --send "[::1]:$p2" --rate 2000 -n 100 --seed 3 2>/dev/null
        sleep 0.5
        stop $l6
        if [ $net = ::1/128 ]; then want="100 0"; else want="0 100"; fi
        got="$(stat datagrams "$tmp/l6.err") $(stat not_allowed "$tmp/l6.err")"
        [ "$got" = "$want" ] || [ "$got" = "${want% 0} " ] ||
            { echo "FAIL --allow $net from ::1: datagrams/not_allowed $got"; cat "$tmp/l6.err"; fail=1; }
    done
else
    echo "no ::1: --allow over IPv6 not checked live"
fi
# Captures are filtered by the source address of each frame (sfgen's are
# its agents, 10.0.0.1 to 10.0.0.10): 10.0.0.8, .9 and .10 are out.
"$BIN/sflowcollect" -r "$tmp/rrd.pcap" -q --stats --allow 10.0.0.0/29 2>"$tmp/l3.err"
[ "$(stat not_allowed "$tmp/l3.err")" = 120 ] && [ "$(stat datagrams "$tmp/l3.err")" = 280 ] &&
    ! grep -q "agent 10.0.0.8 " "$tmp/l3.err" || { echo "FAIL --allow on -r"; cat "$tmp/l3.err"; fail=1; }
"$BIN/sflowcollect" -r "$tmp/rrd.pcap" -q --allow 10.0.0.0/33 2>"$tmp/l4.err" &&
    { echo "FAIL --allow 10.0.0.0/33 accepted"; fail=1; }
grep -q "not an IPv4 or IPv6 network" "$tmp/l4.err" || { echo "FAIL bad --allow message"; fail=1; }

# ---- 3. --stats: top N agents and a total; drops read at report time. ----
# 50 agents with 10 datagrams each, then agents 1-3 with 100 more each.
"$BIN/sfgen" -n 500 --agents 50 --seed 6 -w "$tmp/many.pcap" 2>/dev/null
"$BIN/sfgen" -n 300 --agents 3 --seed 7 -w "$tmp/few.pcap" 2>/dev/null
mergecap -a -w "$tmp/both.pcap" "$tmp/many.pcap" "$tmp/few.pcap" || { echo "mergecap failed"; exit 1; }
"$BIN/sflowcollect" -r "$tmp/both.pcap" -q --stats --stats-top 3 2>"$tmp/top.err"
[ "$(grep -c '^  agent .* sub-agent [0-9]*: datagrams' "$tmp/top.err")" = 3 ] ||
    { echo "FAIL --stats-top 3: not 3 agent lines"; cat "$tmp/top.err"; fail=1; }
[ "$(grep '^  agent .* sub-agent [0-9]*: datagrams' "$tmp/top.err" | grep -c ': datagrams 110 ')" = 3 ] ||
    { echo "FAIL --stats-top 3: not the busiest"; cat "$tmp/top.err"; fail=1; }
grep -q "^  agents 50 (3 listed): datagrams 800 lost" "$tmp/top.err" ||
    { echo "FAIL no total line"; cat "$tmp/top.err"; fail=1; }
"$BIN/sflowcollect" -r "$tmp/both.pcap" -q --stats 2>"$tmp/top20.err"
[ "$(grep -c '^  agent .* sub-agent [0-9]*: datagrams' "$tmp/top20.err")" = 20 ] ||
    { echo "FAIL --stats lists more than 20 agents by default"; fail=1; }
# A stopped collector with the smallest buffer: the kernel drops most of
# 300 datagrams; SIGUSR1 must count them before the next datagram arrives.
collect d1 -4 -b 127.0.0.1 -p $p3 -q --stats --rcvbuf 1
d1=$pid
wait_listening $p3 "$tmp/d1.err"
kill -STOP $d1
perl -e "$send" $p3 300 1000
kill -CONT $d1
# Reports until one accounts for all 300 (the queue takes a moment to drain).
i=0 got=0 drops=0
while [ $i -lt 20 ] && [ $((got + drops)) != 300 ]; do
    sleep 0.5
    kill -USR1 $d1
    sleep 0.5
    got=$(sed -n 's/^  datagrams \([0-9]*\) .*/\1/p' "$tmp/d1.err" | tail -n 1)
    drops=$(sed -n 's/^  datagrams .* socket_drops \([0-9]*\)$/\1/p' "$tmp/d1.err" | tail -n 1)
    : "${got:=0}" "${drops:=0}"
    i=$((i + 1))
done
stop $d1
[ "$drops" -gt 0 ] && [ $((got + drops)) = 300 ] ||
    { echo "FAIL SIGUSR1 report: $got received + $drops dropped != 300"; cat "$tmp/d1.err"; fail=1; }
echo "SIGUSR1 report: $got received, $drops dropped by the kernel"

# ---- 4. Forwarding loops. ----
for t in 127.0.0.1/$p4 127.0.0.9/$p4 "[::1]/$p4" localhost/$p4; do
    dns=
    case $t in localhost/*) dns=-D ;; esac      # a host name needs -D, as in sflowtool
    "$BIN/sflowcollect" -p $p4 -q $dns -f "$t" >/dev/null 2>"$tmp/self.err" &&
        { echo "FAIL -f $t to itself accepted"; fail=1; }
    grep -q "this collector listens there (a forwarding loop)" "$tmp/self.err" ||
        { echo "FAIL -f $t: message"; cat "$tmp/self.err"; fail=1; }
done
# A forwards to B, B to A; 5 datagrams go round once, not forever.
collect fa -4 -b 127.0.0.1 -p $p4 -q --stats -f 127.0.0.1/$p5
fa=$pid
collect fb -4 -b 127.0.0.1 -p $p5 -q --stats -f 127.0.0.1/$p4
fb=$pid
wait_listening $p4 "$tmp/fa.err"
wait_listening $p5 "$tmp/fb.err"
"$BIN/sfgen" --send 127.0.0.1:$p4 --rate 100 -n 5 --seed 8 2>/dev/null
sleep 1.5
stop $fa
stop $fb
[ "$(stat datagrams "$tmp/fa.err")" = 10 ] && [ "$(stat datagrams "$tmp/fb.err")" = 5 ] ||
    { echo "FAIL forwarding loop: A $(stat datagrams "$tmp/fa.err"), B $(stat datagrams "$tmp/fb.err") datagrams"; fail=1; }
grep -q "^  forward looped 5 " "$tmp/fa.err" || { echo "FAIL A: looped not 5"; cat "$tmp/fa.err"; fail=1; }

# ---- 5. Corrupt GeoIP databases. ----
if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
    perl -MMaxMind::DB::Writer::Tree -e '
        my $t = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 28,
            database_type => "GeoLite2-Country", languages => ["en"],
            description => { en => "sflowkit corrupt test" }, remove_reserved_networks => 0,
            map_key_type_callback => sub { { country => "map", registered_country => "map",
                iso_code => "utf8_string" }->{ $_[0] } });
        $t->insert_network($_, { country => { iso_code => "NL" },
            registered_country => { iso_code => "SE" } }) for ("192.0.2.0/24", "172.16.0.0/12");
        open(my $fh, ">:raw", $ARGV[0]) or die; $t->write_tree($fh); close($fh) or die;' \
        "$tmp/good.mmdb" || { echo "FAIL building mmdb"; exit 1; }
    "$BIN/sfgen" -n 30 --seed 11 -w "$tmp/geo.pcap" 2>/dev/null
    # The data section: after the search tree's 16 zero bytes, before the metadata.
    range=$(perl -0777 -ne 'my $m = index($_, "\xab\xcd\xefMaxMind.com");
        my $d = rindex($_, "\0" x 16, $m) + 16; print "$d $m"' "$tmp/good.mmdb")
    set -- $range
    pos=$1 bad=0 runs=0
    while [ "$pos" -lt "$2" ]; do
        perl -0777 -pe "substr(\$_, $pos, 1) = chr(0x5f)" "$tmp/good.mmdb" >"$tmp/bad.mmdb"
        "$BIN/sflowcollect" -r "$tmp/geo.pcap" --geoip-country "$tmp/bad.mmdb" -L srcIP,srcCountry \
            >/dev/null 2>"$tmp/geo.err"
        rc=$?
        if [ $rc -gt 1 ] || grep -q "runtime error\|Sanitizer" "$tmp/geo.err"; then
            echo "FAIL corrupt byte $pos: exit $rc"; head -5 "$tmp/geo.err"; bad=1
        fi
        runs=$((runs + 1))
        pos=$((pos + 1))
    done
    [ $bad = 0 ] || fail=1
    echo "corrupt GeoIP: $runs databases, each one byte spoiled"
else
    echo "no MaxMind::DB::Writer: corrupt GeoIP not checked"
fi

# ---- 6. More than 256 samples, more than 512 records in one datagram. ----
# bigdg N R: a capture of one datagram of N flow samples of R records each
# (text2pcap adds the UDP, IPv4 and Ethernet headers).
bigdg() {
    perl -e '
sub ip4 { pack("C4", split(/\./, $_[0])) }
my ($n, $r) = @ARGV;
my $dg = pack("N2", 5, 1) . ip4("192.0.2.7") . pack("N4", 0, 1, 1000, $n);
for my $i (1 .. $n) {
    my $recs = pack("N2", 3, 32) . pack("N2", 100, 6) . ip4("10.0.0.1") . ip4("10.0.0.2") .
        pack("N4", 1000 + $i, 80, 0, 0);
    $recs .= pack("N2", 1001, 16) . pack("N4", 10, 0, 20, 0) for 2 .. $r;
    my $body = pack("N8", $i, 3, 64, 64 * $i, 0, 3, 4, $r) . $recs;
    $dg .= pack("N2", 1, length($body)) . $body;
}
for (my $o = 0; $o < length($dg); $o += 16) {
    printf("%06x %s\n", $o, join(" ", map { sprintf("%02x", $_) } unpack("C*", substr($dg, $o, 16))));
}' "$@" >"$tmp/big.txt"
    text2pcap -q -u 50000,6343 -4 192.0.2.7,192.0.2.2 "$tmp/big.txt" "$tmp/big.pcap" >/dev/null 2>&1 ||
        { echo "FAIL text2pcap"; exit 1; }
}
# wholly N R: the datagram decodes to its end with N samples and N*R records.
wholly() {
    bigdg "$1" "$2"
    "$BIN/sflowcollect" -r "$tmp/big.pcap" -q --stats 2>"$tmp/big.err" ||
        { echo "FAIL $1 x $2: exit status"; fail=1; }
    grep -q "^  samples flow $1 " "$tmp/big.err" &&
        grep -q "^  records $(($1 * $2)) unknown 0$" "$tmp/big.err" &&
        [ "$(stat decoded "$tmp/big.err")" = 1 ] && ! grep -q "^  error" "$tmp/big.err" ||
        { echo "FAIL $1 samples of $2 records not all decoded"; cat "$tmp/big.err"; fail=1; }
    n=$("$BIN/sflowcollect" -r "$tmp/big.pcap" -l 2>/dev/null | grep -c "^FLOW,")
    [ "$n" = "$1" ] || { echo "FAIL -l printed $n of $1 samples"; fail=1; }
}
wholly 300 2
# tshark (4.0) counts at most 255 samples (300 shows as 44): it checks 250
# samples of 3 records, 750 records.
wholly 250 3
if command -v tshark >/dev/null 2>&1; then
    ts=$(tshark -r "$tmp/big.pcap" -T fields -e sflow.flow_sample.sequence_number 2>/dev/null |
        tr ',' '\n' | grep -c .)
    tr=$(tshark -r "$tmp/big.pcap" -T fields -e sflow_245.flow_record_format 2>/dev/null |
        tr ',' '\n' | grep -c .)
    [ "$ts" = 250 ] && [ "$tr" = 750 ] ||
        { echo "FAIL tshark sees $ts samples and $tr records, not 250 and 750"; fail=1; }
fi

# ---- 7. Privileges: as root, the package's user 'sflowkit' (where it
# exists) or 'nobody' once the port is open. ----
if [ "$(id -u)" = 0 ]; then
    collect u1 -4 -b 127.0.0.1 -p $p1 -q
    u1=$pid
    wait_listening $p1 "$tmp/u1.err"
    sleep 0.2
    nobody=$(id -u sflowkit 2>/dev/null || id -u nobody)
    grep -q "^Uid:[[:space:]]*$nobody[[:space:]]*$nobody[[:space:]]*$nobody[[:space:]]*$nobody$" \
        /proc/$u1/status && grep -q "^CapEff:[[:space:]]*0*$" /proc/$u1/status &&
        grep -q "^CapPrm:[[:space:]]*0*$" /proc/$u1/status &&
        grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$u1/status ||
        { echo "FAIL collector still privileged"; grep "^Uid\|^Cap\|^NoNew" /proc/$u1/status; fail=1; }
    stop $u1
    # -u root keeps root, on purpose.
    collect u2 -4 -b 127.0.0.1 -p $p1 -q -u root
    u2=$pid
    wait_listening $p1 "$tmp/u2.err"
    sleep 0.2
    grep -q "^Uid:[[:space:]]*0[[:space:]]" /proc/$u2/status || { echo "FAIL -u root"; fail=1; }
    stop $u2
    "$BIN/sflowcollect" -4 -b 127.0.0.1 -p $p1 -q -u no-such-user-sfk 2>"$tmp/u3.err" &&
        { echo "FAIL -u no-such-user accepted"; fail=1; }
    grep -q "no-such-user-sfk: no such user" "$tmp/u3.err" || { echo "FAIL -u message"; cat "$tmp/u3.err"; fail=1; }
else
    echo "not root: privilege drop not checked"
fi

[ $fail = 0 ] && echo "harden_collector: ok"
exit $fail
