#!/bin/sh
# Packages a tree staged by `make install PREFIX=/usr DESTDIR=STAGE` as
# OUTDIR/sflowkit_VERSION_ARCH.deb with the Debian tools: dpkg-shlibdeps
# finds the libraries' packages, dpkg-deb builds.  The control file and the
# maintainer scripts are written here.  `make deb` runs it.
#   usage: mk/deb.sh STAGE OUTDIR
# The maintainer is $DEBFULLNAME <$DEBEMAIL>, else git's user.name and
# user.email, else the last commit's author.
set -eu
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)
git() { command git -c safe.directory="$top" -C "$top" "$@"; }   # As in version.sh.
stage=$(cd "${1:?usage: mk/deb.sh STAGE OUTDIR}" && pwd)
out=${2:?usage: mk/deb.sh STAGE OUTDIR}
pkg=sflowkit
upstream=$(sh "$top/mk/version.sh")
version=$(sh "$top/mk/version.sh" --deb)
arch=$(dpkg --print-architecture)
name=${DEBFULLNAME:-$({ git config user.name || git log -1 --format=%an || :; } 2>/dev/null)}
email=${DEBEMAIL:-$({ git config user.email || git log -1 --format=%ae || :; } 2>/dev/null)}
if [ -z "$name" ] || [ -z "$email" ]; then
    echo "deb.sh: who is the maintainer? Set DEBFULLNAME and DEBEMAIL." >&2
    exit 1
fi
maintainer="$name <$email>"
# Reproducible: dates are the last commit's (dpkg-deb reads it too).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
doc=$stage/usr/share/doc/$pkg
work=$(mktemp -d /tmp/sflowkit-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

# dpkg keeps the list of what is installed: not make install's.
rm -rf "$stage/usr/share/sflowkit"
# What dh_strip and dh_compress would do: no symbols, man pages gzipped.
for f in "$stage"/usr/bin/* "$stage"/usr/sbin/*; do
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
done
find "$stage/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +

mkdir -p "$doc"
gzip -9nc "$top/README.md" >"$doc/README.md.gz"
# The years of the history, else this one.
years=$(git log --format=%cd --date=format:%Y 2>/dev/null | sort -u | sed -n '1p;$p' | uniq | paste -sd-)
cat >"$doc/copyright" <<EOT
sflowkit: an sFlow v5 toolkit (agent, collector, userspace switch, emulator).

Copyright ${years:-$(date +%Y)} the sflowkit developers.

License: sflowkit is free software (README.md).  The sources name no
licence text yet; this file is to be completed when they do.
EOT
# A native package's changelog: one entry, the version it was built from.
{
    echo "$pkg ($version) unstable; urgency=medium"
    echo
    echo "  * Built from sflowkit $upstream."
    echo
    echo " -- $maintainer  $(date -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
# Files under /etc are the administrator's once installed.
(cd "$stage" && find etc -type f 2>/dev/null | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
[ -s "$stage/DEBIAN/conffiles" ] || rm -f "$stage/DEBIAN/conffiles"

cat >"$stage/DEBIAN/postinst" <<'EOT'
#!/bin/sh
# The daemons drop root's privileges to the system user sflowkit.  No
# service is enabled or started: that is the administrator's choice.
set -e
if [ "$1" = configure ]; then
    adduser --system --group --quiet --no-create-home --home /nonexistent sflowkit
fi
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
EOT
cat >"$stage/DEBIAN/postrm" <<'EOT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = purge ] && getent passwd sflowkit >/dev/null; then
    # deluser warns about crontabs where cron is not installed.
    if command -v deluser >/dev/null; then
        deluser --system --quiet sflowkit 2>/dev/null || true
    fi
    if getent group sflowkit >/dev/null && command -v delgroup >/dev/null; then
        delgroup --system --quiet --only-if-empty sflowkit 2>/dev/null || true
    fi
fi
EOT
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"

# dpkg-shlibdeps reads debian/control: give it a minimal one.
mkdir -p "$work/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$pkg" "$pkg" >"$work/debian/control"
set --
for f in "$stage"/usr/bin/* "$stage"/usr/sbin/*; do set -- "$@" "-e$f"; done
(cd "$work" && dpkg-shlibdeps -O "$@") >"$work/substvars"
shlibs=$(sed -n 's/^shlibs:Depends=//p' "$work/substvars")
# sflowcollect loads libcurl.so.4 itself for --clickhouse (collector/ch_curl.c),
# which dpkg-shlibdeps cannot see: the dependency its package's shlibs file gives.
curl=$(sed -n 's/^libcurl 4 //p' /var/lib/dpkg/info/*.shlibs 2>/dev/null | head -n 1)
if [ -z "$curl" ]; then
    echo "deb.sh: no installed package provides libcurl.so.4 (libcurl4)" >&2
    exit 1
fi
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)

cat >"$stage/DEBIAN/control" <<EOT
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $shlibs, $curl, adduser
Section: net
Priority: optional
Description: sFlow v5 toolkit: agent, collector, userspace switch, emulator
 sflow-agent samples the ports of Linux bridges 1-in-N in the kernel, polls
 their counters and sends sFlow v5.  sflowcollect decodes sFlow into
 sflowtool-style text, one line per sample, JSON, pcap, NetFlow v5 or RRD
 counters.  sflow-switch is a userspace switch for labs with VLANs, an
 OpenFlow-style flow table and sFlow built into its forwarding loop, driven
 by sfctl.  sflow-emu builds emulated networks in namespaces and compares
 sFlow's estimates with the traffic it sent.  sfgen generates test sFlow.
EOT
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
    sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/${pkg}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
