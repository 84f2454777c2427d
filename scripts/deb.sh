#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the Debian package: configures BUILD_DIR (default build/release)
# with the system prefix /usr (configuration then goes to /etc/mmsgate; no
# object is recompiled for it), builds and runs `cpack -G DEB` there.
# Prints the path of the .deb on the last line.
# usage: scripts/deb.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/release}
cmake -S . -B "$B" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$B" -j"$(nproc)" >/dev/null
rm -f "$B"/mmsgate_*.deb
(cd "$B" && cpack -G DEB >/dev/null)
deb=$(ls "$B"/mmsgate_*.deb)
dpkg-deb --info "$deb" | sed -n '/Depends/p'
echo "$(readlink -f "$deb")"
