#!/bin/sh
# make install into a temporary DESTDIR (default PREFIX, /usr/local): every
# program is where Debian puts it (daemons in sbin) and answers --version
# with mk/version.sh's version and --help with its usage; man -l renders
# every installed page without a warning; the example agent configuration
# and the units' options (dist/default/) are those of dist/, and sflow-agent
# reads its configuration; units name the installed programs; a second
# install keeps a changed configuration; make uninstall keeps a changed one,
# removes an unchanged one, and leaves DESTDIR empty, or as it was: a
# directory that was there stays.  Installs the variant BIN is.
set -u
: "${BIN:?}" "${TOP:?}"
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
for t in make man install; do
    command -v $t >/dev/null 2>&1 || skip "$t missing (make deps)"
done
case $BIN in
"$TOP"/build/san/bin) variant=SAN=1 ;;
"$TOP"/build/rel/bin) variant=SAN= ;;
*) skip "BIN is not this tree's build/rel/bin or build/san/bin" ;;
esac
D=$(mktemp -d /tmp/sflowkit-install.XXXXXX)
T=$(mktemp -d /tmp/sflowkit-install-log.XXXXXX)
trap 'rm -rf "$D" "$T"' EXIT
trap 'exit 130' INT TERM
# Not the jobserver of a make that may have started this test.
mk() { MAKEFLAGS= MAKELEVEL= make --no-print-directory -C "$TOP" "$variant" DESTDIR="$D" "$@"; }

mk install >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }
version=$(sh "$TOP/mk/version.sh")
echo "version $version"
for p in bin/sflowcollect bin/sfgen bin/sfctl bin/sflow-emu sbin/sflow-agent sbin/sflow-switch; do
    exe=$D/usr/local/$p name=${p#*/}
    [ -x "$exe" ] || fail "$exe not installed"
    out=$("$exe" --version 2>&1) || fail "$name --version: exit $?"
    [ "$out" = "$name (sflowkit) $version" ] || fail "$name --version: '$out'"
    "$exe" --help >"$T/help" 2>&1 || fail "$name --help: exit $?"
    grep -q "^usage: $name " "$T/help" || { cat "$T/help"; fail "$name --help: no usage"; }
    echo "ok: $name --version, --help"
done
# sflowtool's habit: -z.
[ "$("$D/usr/local/bin/sflowcollect" -z)" = "sflowcollect (sflowkit) $version" ] ||
    fail "sflowcollect -z"

n=0
for src in "$TOP"/docs/*.[18]; do
    page=$D/usr/local/share/man/man${src##*.}/${src##*/}
    [ -f "$page" ] || fail "$page not installed"
    name=$(basename "${src%.*}")
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$T/page" 2>"$T/warn" ||
        { cat "$T/warn"; fail "man -l $page: exit $?"; }
    [ ! -s "$T/warn" ] || { cat "$T/warn"; fail "man -l $page: warnings"; }
    grep -q "^NAME" "$T/page" && grep -q "^ *$name " "$T/page" || fail "man -l $page: no NAME $name"
    grep -q "sflowkit $version" "$T/page" || fail "man -l $page: footer without version $version"
    n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n man pages"
echo "ok: man -l renders $n pages without warnings"

conf=$D/etc/sflowkit/sflow-agent.conf
cmp "$conf" "$TOP/dist/sflow-agent.conf" || fail "$conf is not dist/sflow-agent.conf"
for f in "$TOP"/dist/default/*; do
    [ -f "$f" ] || continue
    cmp "$D/etc/default/${f##*/}" "$f" || fail "/etc/default/${f##*/} is not dist/default/${f##*/}"
    echo "ok: /etc/default/${f##*/}"
done
# The example is read: what it leaves out for the administrator is the one complaint.
"$D/usr/local/sbin/sflow-agent" -d -f "$conf" >"$T/agent" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "nothing to sample" "$T/agent" || { cat "$T/agent"; fail "sflow-agent -f $conf: exit $rc"; }
echo "ok: sflow-agent reads $conf"
for u in "$TOP"/dist/systemd/*.service; do
    [ -f "$u" ] || continue
    unit=$(find "$D" -name "${u##*/}")
    [ -n "$unit" ] || fail "${u##*/} not installed"
    ! grep -q '/usr/s*bin/' "$unit" || fail "$unit still names /usr/bin or /usr/sbin"
    echo "ok: unit $unit"
done

echo "# mine" >>"$conf"
mk install >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "second make install"; }
grep -q "^# mine" "$conf" || fail "a second install overwrote $conf"
mk uninstall >"$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; fail "make uninstall"; }
# What stays: the changed configuration, and the list of the directories
# to remove once it is gone.
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./etc/sflowkit/sflow-agent.conf ./usr/local/share/sflowkit/installed-dirs " ] ||
    fail "uninstall left '$left' (want the changed configuration and the list of directories)"
echo "ok: install and uninstall keep a changed $conf"
cp "$TOP/dist/sflow-agent.conf" "$conf"
mk uninstall >"$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; fail "make uninstall"; }
[ -z "$(ls -A "$D")" ] || { find "$D"; fail "DESTDIR not empty after make uninstall"; }
echo "ok: make uninstall leaves DESTDIR empty"
# A directory that was there before install stays after uninstall.
mkdir -p "$D/usr/local/sbin"
mk install >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }
mk uninstall >"$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; fail "make uninstall"; }
left=$(cd "$D" && find . | sort | tr '\n' ' ')
[ "$left" = ". ./usr ./usr/local ./usr/local/sbin " ] || fail "uninstall left '$left' (want the sbin that was there)"
echo "ok: make uninstall keeps the directories it did not create"
