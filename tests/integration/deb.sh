#!/bin/sh
# make deb, then the package on this machine: lintian finds no error;
# dpkg -i installs it, with the system user sflowkit and nothing enabled;
# dpkg -L lists every file of the .deb; the installed sfgen makes a capture
# that the installed sflowcollect -r decodes, datagram for datagram as
# tshark and the tree's own build; systemd-analyze verify passes the units;
# dpkg -r leaves only the configuration and dpkg --purge nothing (nor the
# user).  Root only; skipped where an sflowkit is installed already (package,
# files or user), and the trap purges the package whatever happens.
set -u
: "${BIN:?}" "${TOP:?}"
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i)"
for t in make dpkg dpkg-deb dpkg-shlibdeps lintian adduser man; do
    command -v $t >/dev/null 2>&1 || skip "$t missing (make deps)"
done
st=$(dpkg-query -W -f='${db:Status-Status}' sflowkit 2>/dev/null)
[ -z "$st" ] || [ "$st" = not-installed ] || skip "a sflowkit package is on this machine ($st)"
getent passwd sflowkit >/dev/null && skip "a user sflowkit exists already"
T=$(mktemp -d /tmp/sflowkit-deb.XXXXXX)
installed=""
cleanup() {
    [ -z "$installed" ] || dpkg --purge sflowkit >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

MAKEFLAGS= MAKELEVEL= make --no-print-directory -C "$TOP" deb >"$T/make.log" 2>&1 ||
    { cat "$T/make.log"; fail "make deb"; }
deb=$(tail -n 1 "$T/make.log")
version=$(sh "$TOP/mk/version.sh")
debver=$(sh "$TOP/mk/version.sh" --deb)
[ "$deb" = "build/sflowkit_${debver}_$(dpkg --print-architecture).deb" ] || fail "make deb made '$deb'"
deb=$TOP/$deb
[ "$(dpkg-deb -f "$deb" Version)" = "$debver" ] || fail "Version is not $debver"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libpcap0.8 libnl-route-3-200 libcurl4 adduser; do
    echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
echo "ok: $deb, Depends: $depends"

lintian --fail-on error "$deb" >"$T/lintian" 2>&1
rc=$?
grep -v '^running with root' "$T/lintian"
[ $rc -eq 0 ] || fail "lintian: exit $rc"
echo "ok: lintian, no error"

dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -n 's|^\./\(.*[^/]\)$|/\1|p' >"$T/files"
[ -s "$T/files" ] || fail "no files in $deb"
while read -r f; do
    [ ! -e "$f" ] || skip "$f exists already (installed without the package?)"
done <"$T/files"

installed=1
dpkg -i "$deb" >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -i"; }
dpkg -L sflowkit >"$T/listed"
while read -r f; do
    grep -qxF "$f" "$T/listed" || fail "dpkg -L does not list $f"
    [ -e "$f" ] || fail "$f not installed"
done <"$T/files"
echo "ok: dpkg -i; dpkg -L lists the $(wc -l <"$T/files") files of the package"
dpkg-query -W -f='${Conffiles}\n' sflowkit | grep -q "/etc/sflowkit/sflow-agent.conf" ||
    fail "/etc/sflowkit/sflow-agent.conf is not a conffile"
uid=$(getent passwd sflowkit | cut -d: -f3)
[ -n "$uid" ] && [ "$uid" -lt 1000 ] || fail "no system user sflowkit (uid '$uid')"
units=$(grep '\.service$' "$T/listed" || true)
for u in $units; do
    ! find /etc/systemd/system -name "${u##*/}" | grep -q . || fail "${u##*/} is enabled"
done
echo "ok: system user sflowkit (uid $uid), no unit enabled"

[ "$(/usr/bin/sflowcollect --version)" = "sflowcollect (sflowkit) $version" ] || fail "installed version"
man -aw sflowcollect 2>/dev/null | grep -qx /usr/share/man/man1/sflowcollect.1.gz || fail "man -w sflowcollect"
/usr/bin/sfgen -n 50 --seed 7 -w "$T/cap.pcap" 2>/dev/null || fail "installed sfgen"
/usr/bin/sflowcollect -r "$T/cap.pcap" >"$T/installed.txt" || fail "installed sflowcollect -r"
"$BIN/sflowcollect" -r "$T/cap.pcap" >"$T/tree.txt" || fail "$BIN/sflowcollect -r"
n=$(grep -c '^startDatagram' "$T/installed.txt")
[ "$n" -eq 50 ] || fail "installed sflowcollect decoded $n datagrams of 50"
cmp -s "$T/installed.txt" "$T/tree.txt" || fail "installed and tree sflowcollect disagree"
if command -v tshark >/dev/null 2>&1; then
    m=$(tshark -r "$T/cap.pcap" -Y sflow 2>/dev/null | wc -l)
    [ "$m" -eq 50 ] || fail "tshark sees $m sFlow datagrams of 50"
fi
echo "ok: installed sfgen -> installed sflowcollect -r: $n datagrams, as tshark and $BIN"

if [ -z "$units" ]; then
    echo "ok: no systemd units in the package to verify"
elif command -v systemd-analyze >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    systemd-analyze verify $units || fail "systemd-analyze verify $units"
    echo "ok: systemd-analyze verify" $units
else
    echo "note: systemd-analyze missing, units not verified"
fi

dpkg -r sflowkit >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -r"; }
while read -r f; do
    case $f in
    /etc/*) [ -e "$f" ] || fail "dpkg -r removed the conffile $f" ;;
    *) [ ! -e "$f" ] || fail "dpkg -r left $f" ;;
    esac
done <"$T/files"
dpkg --purge sflowkit >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg --purge"; }
installed=""
while read -r f; do
    [ ! -e "$f" ] || fail "dpkg --purge left $f"
done <"$T/files"
[ ! -e /etc/sflowkit ] || fail "dpkg --purge left /etc/sflowkit"
! getent passwd sflowkit >/dev/null || fail "dpkg --purge left the user sflowkit"
! getent group sflowkit >/dev/null || fail "dpkg --purge left the group sflowkit"
echo "ok: dpkg -r leaves only the configuration, dpkg --purge nothing"
