#!/bin/sh
# Installs the Debian packages sflowkit builds and tests with, if any is missing.
# Idempotent and quick when everything is present (one dpkg-query).
set -e
PKGS="gcc clang make pkg-config libc6-dev
libpcap-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev
librrd-dev libmaxminddb-dev libcmocka-dev libedit-dev libcap-dev
tcpdump tshark jq nfdump rrdtool iproute2 procps
pmacct iputils-ping iperf3 libmaxmind-db-writer-perl wireshark-common rrdcached python3
valgrind lintian man-db dpkg-dev adduser
libcurl4-openssl-dev curl clickhouse-server clickhouse-client zookeeper prometheus
openvswitch-switch ethtool socat"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
