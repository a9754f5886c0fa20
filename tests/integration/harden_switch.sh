#!/bin/sh
# sflow-switch and sfctl under attack from the same machine (issue #14,
# findings 3, 4, 5, 7 and least privilege); each part plays the attack and
# checks that it now fails:
#
#  3. files planted by another user: a state, socket or pidfile directory
#     writable by others, a state file owned by another user or writable by
#     its group, a state file that is a symbolic link to a victim file: all
#     refused at start with a message, the victim untouched; a symbolic link
#     planted at the pidfile is replaced, not followed.
#  4. a full disk (a tmpfs of 512 KiB filled up): every change is refused
#     with sfctl's error and a non-zero exit, and undone (a deleted bridge
#     comes back with its port and rules); after a restart nothing
#     acknowledged is lost and nothing refused appears.
#  5. a state file with lines that fail (an unknown bridge, a NUL-leading
#     line): the start says so loudly, with line numbers, and the file as it
#     was is kept in STATE.bad, also after the next save.
#  7. sfctl against a switch that closes on it (a command over 64 KiB):
#     a message and exit 1, not a death by SIGPIPE (141); sfctl whose reader
#     has gone: a message, not 141; 100 idle clients do not lock sfctl out.
#  least privilege: /proc/PID/status shows only CAP_NET_RAW and CAP_NET_ADMIN
#     (effective, permitted and bounding), no_new_privs, and ports can still
#     be added.
#
# Every name carries the per-run prefix P and is removed on exit.
P=hsw$$
. "$(dirname "$0")/lib/switch_lab.sh"
command -v perl >/dev/null 2>&1 || skip "perl missing"
FULL=$T/full
harden_cleanup() {
    mountpoint -q "$FULL" 2>/dev/null && umount "$FULL"
    cleanup
}
trap harden_cleanup EXIT

# start_at STATE [ARGS...]: the switch in the foreground on $T/sock, state
# file STATE; waits until it answers.
start_at() {
    st=$1; shift
    "$BIN/sflow-switch" -d --socket "$T/sock" --state "$st" "$@" 2>>"$T/switch.log" &
    SPID=$!
    i=0
    while ! sfctl list-br >/dev/null 2>&1; do
        i=$((i + 1))
        kill -0 "$SPID" 2>/dev/null || { cat "$T/switch.log"; fail "switch exited at start"; }
        [ $i -lt 50 ] || { cat "$T/switch.log"; fail "switch did not start"; }
        sleep 0.1
    done
}
# refused PATTERN ARGS...: sflow-switch ARGS must exit non-zero at start, saying PATTERN.
refused() {
    pat=$1; shift
    if timeout 20 "$BIN/sflow-switch" -d "$@" 2>"$T/err"; then fail "started: $*"; fi
    grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "no '$pat' in the error of: sflow-switch $*"; }
    echo "ok: refused ($*): $(cat "$T/err")"
}

# --- 3: planted files and shared directories ---
mkdir -m 1777 "$T/shared"
echo "root's file" >"$T/victim"
cp "$T/victim" "$T/victim.orig"
refused "writable by others" --socket "$T/sock" --state "$T/shared/sw.state"
refused "writable by others" --socket "$T/shared/sw.sock" --state "$T/st1/sw.state"
mkdir -m 0755 "$T/st2"
ln -s "$T/victim" "$T/st2/sw.state"
refused "symbolic link" --socket "$T/sock" --state "$T/st2/sw.state"
mkdir -m 0755 "$T/st3"
printf 'add-br\tevil\n' >"$T/st3/sw.state"
chown nobody "$T/st3/sw.state"
refused "owned by uid" --socket "$T/sock" --state "$T/st3/sw.state"
chown root "$T/st3/sw.state"
chmod 0620 "$T/st3/sw.state"
refused "writable by its group" --socket "$T/sock" --state "$T/st3/sw.state"
ln -s "$T/shared" "$T/st4"
refused "not a directory" --socket "$T/sock" --state "$T/st4/sw.state"
cmp -s "$T/victim" "$T/victim.orig" || fail "the victim file was changed"
[ ! -e "$T/shared/sw.sock" ] || fail "a socket was made in a world-writable directory"
# The pidfile of a daemonised switch: a symbolic link there is replaced.
mkdir -m 0755 "$T/run"
ln -s "$T/victim" "$T/run/sw.pid"
"$BIN/sflow-switch" --socket "$T/sock" --state "$T/st5/sw.state" --pidfile "$T/run/sw.pid" 2>>"$T/switch.log" ||
    fail "daemonised switch did not start"
i=0
while [ -L "$T/run/sw.pid" ] || [ ! -s "$T/run/sw.pid" ]; do
    i=$((i + 1)); [ $i -lt 50 ] || fail "pidfile not written"; sleep 0.1
done
DPID=$(cat "$T/run/sw.pid")
PIDS="$PIDS $DPID"
cmp -s "$T/victim" "$T/victim.orig" || fail "the pidfile was written through the planted link"
kill -0 "$DPID" 2>/dev/null || fail "pidfile does not hold the daemon's pid"
kill "$DPID"
i=0
while kill -0 "$DPID" 2>/dev/null; do i=$((i + 1)); [ $i -lt 100 ] || fail "daemon did not stop"; sleep 0.1; done
[ ! -e "$T/run/sw.pid" ] || fail "pidfile left at exit"
echo "ok: planted pidfile link replaced, victim untouched"

# --- least privilege ---
start_at "$T/st5/sw.state"
caps=$(grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' "/proc/$SPID/status" | tr -s ' \t' ' ' | tr '\n' ' ')
echo "switch: $caps"
# CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
for f in CapPrm CapEff CapBnd; do
    grep -q "^$f:[[:space:]]*0000000000003000$" "/proc/$SPID/status" || fail "$f is not NET_RAW+NET_ADMIN: $caps"
done
grep -q "^CapInh:[[:space:]]*0000000000000000$" "/proc/$SPID/status" || fail "inheritable capabilities left"
grep -q "^NoNewPrivs:[[:space:]]*1$" "/proc/$SPID/status" || fail "no_new_privs not set"
veth_pair p1 q1
sfctl add-br br0 || fail "add-br with reduced capabilities"
sfctl add-port br0 "${P}p1" || fail "add-port with reduced capabilities"
[ "$(sfctl get interface ${P}p1 error)" = "[]" ] || { sfctl show; fail "port not open with reduced capabilities"; }
echo "ok: only CAP_NET_RAW and CAP_NET_ADMIN kept; ports still open"

# --- 7: sfctl and a switch that closes on it; idle clients ---
big=$(head -c 40000 /dev/zero | tr '\0' a)
sfctl add-flow br0 "$big" "$big" 2>"$T/err"
rc=$?
echo "sfctl with a 80 KB command: exit $rc: $(cat "$T/err")"
[ "$rc" != 141 ] || fail "sfctl died of SIGPIPE"
[ "$rc" = 1 ] && [ -s "$T/err" ] || fail "sfctl: exit $rc, no message"
# A reader that has gone: sfctl's stdout is a pipe whose read end is closed.
perl -e 'pipe(R, W) or die; close R; open(STDOUT, ">&", \*W) or die; exec @ARGV' "$BIN/sfctl" --socket "$T/sock" list-br 2>"$T/err"
rc=$?
echo "sfctl writing to a closed pipe: exit $rc: $(cat "$T/err")"
[ "$rc" != 141 ] && [ "$rc" != 0 ] && grep -q "Broken pipe" "$T/err" || fail "sfctl with a closed stdout: exit $rc"
# 100 clients that connect and say nothing, held open while sfctl works.
perl -MIO::Socket::UNIX -e '
    my @c;
    for (1 .. 100) { my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or last; push @c, $s; }
    print scalar(@c), "\n"; close STDOUT; sleep 60;' "$T/sock" >"$T/idle" &
IDLE=$!
PIDS="$PIDS $IDLE"
i=0
while [ ! -s "$T/idle" ]; do i=$((i + 1)); [ $i -lt 100 ] || fail "idle clients did not connect"; sleep 0.1; done
echo "$(cat "$T/idle") idle clients connected"
[ "$(cat "$T/idle")" -ge 64 ] || fail "fewer than 64 idle clients"
sfctl --timeout 5 list-br >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "sfctl locked out by idle clients"; }
grep -qx br0 "$T/out" || fail "list-br answer"
sfctl --timeout 5 add-br br1 || fail "add-br with idle clients"
kill "$IDLE"
echo "ok: sfctl works beside 100 idle clients"
stop_switch

# --- 4: a full disk ---
mkdir "$FULL"
mount -t tmpfs -o size=512k,mode=0755 "${P}full" "$FULL" || skip "cannot mount a tmpfs"
start_at "$FULL/sw.state"
sfctl add-br br0 || fail "add-br"
sfctl add-port br0 "${P}p1" || fail "add-port"
i=1
while [ $i -le 50 ]; do echo "add-flow br0 priority=$i,udp,tp_dst=$((1000 + i)),actions=drop"; i=$((i + 1)); done >"$T/flows"
sfctl --batch <"$T/flows" || fail "50 flows"
{ sfctl show; sfctl list sflow; sfctl --columns=name,ofport list interface; } >"$T/show-acked"
sfctl dump-flows br0 | sed 's/duration=[^,]*, //' >"$T/flows-acked"
dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
echo "disk full: $(df -k "$FULL" | tail -1)"
expect_fail "cannot save the configuration.*No space left" sfctl add-br br2
expect_fail "cannot save" sfctl add-flow br0 "priority=999,actions=drop"
expect_fail "cannot save" sfctl del-br br0
expect_fail "cannot save" sfctl set-sflow br0 target=127.0.0.1:6343
expect_fail "cannot save" sfctl del-flows br0
expect_fail "cannot save" sfctl set port "${P}p1" tag=99
expect_fail "cannot save" sfctl del-port "${P}p1"
printf 'add-br br3\nlist-br\nadd-port br3 %sq1\n' "$P" | sfctl --batch >"$T/out" 2>"$T/err" && fail "batch acknowledged"
cat "$T/err"
[ "$(grep -c "cannot save" "$T/err")" = 2 ] || fail "batch: both changes should be refused"
{ sfctl show; sfctl list sflow; sfctl --columns=name,ofport list interface; } >"$T/show-now"
diff "$T/show-acked" "$T/show-now" || fail "refused changes were not undone"
sfctl dump-flows br0 | sed 's/duration=[^,]*, //' >"$T/flows-now"
diff "$T/flows-acked" "$T/flows-now" || fail "the rules are not as acknowledged"
echo "ok: on a full disk every change is refused and undone"
stop_switch
rm -f "$FULL/fill"
start_at "$FULL/sw.state"
{ sfctl show; sfctl list sflow; sfctl --columns=name,ofport list interface; } >"$T/show-restart"
sfctl dump-flows br0 | sed 's/duration=[^,]*, //' >"$T/flows-restart"
diff "$T/show-acked" "$T/show-restart" || fail "acknowledged configuration lost at restart"
diff "$T/flows-acked" "$T/flows-restart" || fail "acknowledged rules lost at restart"
sfctl add-br br2 || fail "add-br once there is room"
echo "ok: after a restart nothing acknowledged is lost"
stop_switch

# --- 5: state lines that fail ---
mkdir -m 0700 "$T/st6"
{
    printf '# hand-edited\n'
    printf 'add-br\tgood\n'
    printf 'add-flow\tnobr\tpriority=1,actions=drop\n'
    printf '\0add-br\thidden\n'
    printf 'add-br\tgood2\n'
} >"$T/st6/sw.state"
cp "$T/st6/sw.state" "$T/st6.orig"
start_at "$T/st6/sw.state"
grep "STATE NOT RESTORED" "$T/switch.log"
grep -q "sw.state:3: no bridge named nobr" "$T/switch.log" || fail "failing line 3 not reported"
grep -q "sw.state:4: holds a NUL byte" "$T/switch.log" || fail "NUL-leading line 4 not reported"
grep -q "kept in $T/st6/sw.state.bad" "$T/switch.log" || fail "the .bad copy not named"
cmp -s "$T/st6.orig" "$T/st6/sw.state.bad" || fail "the .bad copy differs from the file"
[ "$(sfctl list-br | tr '\n' ' ')" = "good good2 " ] || fail "the good lines not replayed"
sfctl add-br br9 || fail "add-br"
grep -q nobr "$T/st6/sw.state" && fail "the failing line was saved again"
cmp -s "$T/st6.orig" "$T/st6/sw.state.bad" || fail "the .bad copy changed after a save"
stop_switch
echo "ok: failing state lines reported and kept in sw.state.bad"
echo "PASS"
