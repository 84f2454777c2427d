#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The package test (issue 16): installs the .deb with apt into a clean
# Debian 12 root made by debootstrap (minbase) and checks it there:
#   apt-get install ./mmsgate_*.deb   brings every runtime library and PMD
#   mmsgatectl policy check /etc/mmsgate/policy
#   man -w mmsgatectl / mmsgate / mmsgate.policy
#   mmsgate --help, the conffiles, systemd-analyze verify mmsgate.service
# The minbase root is cached as a tarball under MG_CACHE_DIR (default
# /var/cache/mmsgate-ci), so only the first run pays for debootstrap; every
# run unpacks a fresh copy. Needs root and the Debian archive; exits 77
# (skip) when either is missing.
# usage: scripts/deb-test.sh [DEB]   (default: build it with scripts/deb.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
MIRROR=${MG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${MG_CACHE_DIR:-/var/cache/mmsgate-ci}
TARBALL=$CACHE/bookworm-minbase.tar.gz
t0=$(date +%s)
skip() { echo "deb-test: SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"

deb=${1:-}
if [ -z "$deb" ]; then
	deb=$(bash scripts/deb.sh | tail -1)
fi
[ -f "$deb" ] || { echo "deb-test: no package at '$deb'"; exit 1; }

root=$(mktemp -d /tmp/mg-debroot.XXXXXX)
chmod 755 "$root" # apt's _apt and man-db's man users must reach into it
cleanup() {
	umount "$root/sys" 2>/dev/null || true
	umount "$root/proc" 2>/dev/null || true
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT INT TERM

# Apt needs the archive even with a cached root.
host=${MIRROR#*://}
host=${host%%/*}
timeout 10 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null ||
	skip "the Debian archive ($host) is not reachable"
mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
	echo "deb-test: debootstrap --variant=minbase bookworm (cached in $TARBALL afterwards)"
	debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || {
		tail -20 "$root.log"
		rm -f "$root.log"
		exit 1
	}
	rm -f "$root.log"
	rm -rf "$root"/var/cache/apt/archives/*.deb
	tar -C "$root" -czf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
else
	tar -C "$root" -xzf "$TARBALL"
fi
chmod 755 "$root" # the tarball's "." carries mktemp's 0700
t1=$(date +%s)

cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
cp "$deb" "$root/tmp/"
pkg=/tmp/$(basename "$deb")
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LANG=C "$@"; }
in_root apt-get -qq update
# man-db for `man -w`, systemd for systemd-analyze: the package brings the rest.
in_root apt-get -y -qq --no-install-recommends install "$pkg" man-db systemd >/dev/null
t2=$(date +%s)

fail=0
check() {
	local what=$1
	shift
	if out=$(in_root "$@" 2>&1); then
		echo "ok    $what"
	else
		echo "FAIL  $what:"
		printf '%s\n' "$out" | sed 's/^/      /' | head -20
		fail=$((fail + 1))
	fi
}
check "mmsgatectl policy check /etc/mmsgate/policy" mmsgatectl policy check /etc/mmsgate/policy
check "man -w mmsgatectl" man -w mmsgatectl
check "man -w mmsgate" man -w 8 mmsgate
check "man -w mmsgate.policy" man -w 5 mmsgate.policy
check "mmsgate --help (every linked library resolves)" mmsgate --help
# EAL start-up loads every installed DPDK plugin (PMDs, mempool handler):
# a missing dependency of one fails here. net_null ports, no hugepages.
check "mmsgate starts (EAL loads the PMD plugins) and stops on SIGTERM" sh -c '
	timeout -s TERM 4 mmsgate --no-huge --no-shconf -m 256 --no-pci -l 0,1 \
		--vdev net_null0 --vdev net_null1 -- --policy /etc/mmsgate/policy \
		--ctl-socket none >/tmp/run.out 2>&1
	grep -q "ready: policy /etc/mmsgate/policy" /tmp/run.out || { cat /tmp/run.out; exit 1; }'

check "conffiles" sh -c 'dpkg-query --showformat="\${Conffiles}" -W mmsgate | grep -q /etc/mmsgate/mmsgate.conf'
check "systemd-analyze verify mmsgate.service" systemd-analyze verify mmsgate.service
check "mmsgate.conf parses" sh -c 'mmsgate --config /etc/mmsgate/mmsgate.conf --policy /nonexistent 2>&1 | grep -q "policy /nonexistent rejected"'
t3=$(date +%s)
echo "deb-test: root $((t1 - t0))s, apt install $((t2 - t1))s, checks $((t3 - t2))s, total $((t3 - t0))s"
[ "$fail" -eq 0 ]
