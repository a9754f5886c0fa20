#!/bin/sh
# The systemd units of dist/systemd/ (issue #14, least privilege):
#  - `systemd-analyze verify` finds nothing to say about them, with their
#    ExecStart= pointing at this build's programs (a temporary copy, as
#    verify checks that the commands exist: /usr/sbin/... is what a package
#    installs, not what a checkout has);
#  - each is sandboxed: `systemd-analyze security --offline` rates its
#    exposure at most 3.0 of 10 (an unsandboxed service is 9.6), and the
#    settings the daemons rely on are there: capabilities bounded to what
#    each needs, NoNewPrivileges, ProtectSystem=strict, the switch's
#    /run/sflowkit and /var/lib/sflowkit;
#  - the default options of sflow-switch are the paths the unit provides.
set -u
BIN=${BIN:?BIN=directory of binaries}
TOP=${TOP:?TOP=source tree}
fail() { echo "FAIL: $*"; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || { echo "skip: systemd-analyze missing"; exit 77; }
for p in sflow-switch sflow-agent sflowcollect; do
    [ -x "$BIN/$p" ] || { echo "skip: $p not built"; exit 77; }
done
tmp=$(mktemp -d /tmp/sfk-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
units="sflow-switch sflow-agent sflowcollect"
for u in $units; do
    f=$TOP/dist/systemd/$u.service
    [ -f "$f" ] || fail "$f missing"
    grep -q "^ExecStart=/usr/s\{0,1\}bin/$u " "$f" || fail "$u: ExecStart is not /usr/bin or /usr/sbin/$u"
    sed -e "s|^ExecStart=/usr/s\{0,1\}bin/|ExecStart=$BIN/|" "$f" >"$tmp/$u.service"
done
grep -q "^ExecStart=/usr/sbin/sflow-switch " "$TOP/dist/systemd/sflow-switch.service" || fail "sflow-switch not in /usr/sbin"
grep -q "^ExecStart=/usr/sbin/sflow-agent " "$TOP/dist/systemd/sflow-agent.service" || fail "sflow-agent not in /usr/sbin"
grep -q "^ExecStart=/usr/bin/sflowcollect " "$TOP/dist/systemd/sflowcollect.service" || fail "sflowcollect not in /usr/bin"

cd "$tmp" || exit 1
systemd-analyze verify --man=no ./*.service >"$tmp/verify" 2>&1
rc=$?
cat "$tmp/verify"
[ "$rc" = 0 ] || fail "systemd-analyze verify: exit $rc"
[ ! -s "$tmp/verify" ] || fail "systemd-analyze verify has something to say"
echo "ok: systemd-analyze verify: clean"

# An unsandboxed service, to show the threshold means something.
printf '[Service]\nExecStart=%s/sflowcollect -q\n' "$BIN" >"$tmp/plain.service"
systemd-analyze security --offline=yes --threshold=30 "$tmp/plain.service" >/dev/null 2>&1 &&
    fail "an unsandboxed service passes the exposure threshold"
for u in $units; do
    systemd-analyze security --offline=yes --threshold=30 "$tmp/$u.service" >"$tmp/sec" 2>&1 ||
        { cat "$tmp/sec"; fail "$u: exposure above 3.0"; }
    echo "ok: $(grep "Overall exposure" "$tmp/sec")"
    for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes "RestrictAddressFamilies=" \
        "CapabilityBoundingSet=" "EnvironmentFile=-/etc/default/$u"; do
        grep -q "^$k" "$tmp/$u.service" || fail "$u: no $k"
    done
done
f=$tmp/sflow-switch.service
grep -qx "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN" "$f" || fail "switch: capabilities"
grep -qx "RuntimeDirectory=sflowkit" "$f" && grep -qx "StateDirectory=sflowkit" "$f" || fail "switch: directories"
grep -qx "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN" "$tmp/sflow-agent.service" || fail "agent: capabilities"
grep -qx "CapabilityBoundingSet=" "$tmp/sflowcollect.service" || fail "collector: capabilities"
# The unit's directories are the switch's defaults, and sfctl's.
"$BIN/sflow-switch" --help | grep -q "/run/sflowkit/switch.sock" || fail "switch: default socket"
"$BIN/sflow-switch" --help | grep -q "/var/lib/sflowkit/switch.state" || fail "switch: default state"
"$BIN/sfctl" --socket /nonexistent/x.sock list-br 2>&1 | grep -q "nonexistent" || fail "sfctl --socket"
env -u SFCTL_SOCKET "$BIN/sfctl" list-br 2>&1 | grep -q "/run/sflowkit/switch.sock" ||
    [ -S /run/sflowkit/switch.sock ] || fail "sfctl: default socket"
echo "ok: units sandboxed; defaults in the unit's directories"
