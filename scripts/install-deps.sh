#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every build and test dependency of mmsgate from Debian 12 packages.
# Idempotent: packages already present are skipped by apt; safe to run twice.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  build-essential cmake pkg-config git ca-certificates
  dpdk dpdk-dev libdpdk-dev
  libbpf-dev bpftool clang llvm lld libelf-dev zlib1g-dev
  libhyperscan-dev libcriterion-dev libpcap-dev libjansson-dev libxml2-dev
  tshark tcpdump iproute2 iputils-ping ethtool python3 jq
  libclang-rt-14-dev clang-format
  libsystemd-dev libmicrohttpd-dev systemd man-db prometheus debootstrap dpkg-dev file
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# prometheus is here for promtool only: its server must not start (nor be
# enabled) on a build machine. policy-rc.d 101 keeps maintainer scripts
# from starting services (invoke-rc.d and deb-systemd-invoke honour it).
prom=false
case " ${missing[*]} " in *" prometheus "*) prom=true ;; esac
if $prom && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if $prom && [ -d /run/systemd/system ]; then
  systemctl disable prometheus.service >/dev/null 2>&1 || true
fi
echo "install-deps: done"
