#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every build and test dependency of crs from Debian's archive.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

PKGS=(
	build-essential pkg-config kmod cpio xz-utils bc
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# the kernels make check-kernels boots (README "Supported kernels")
	linux-image-rt-amd64 linux-headers-rt-amd64
	linux-image-cloud-amd64 linux-headers-cloud-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev libjson-c-dev libseccomp-dev
	gcc-multilib libc6-dev-i386
	iproute2 util-linux libcap2-bin nftables runc
	# real engines in the VM tests (test_engines.sh): podman with runc and crun
	podman crun conmon golang-github-containers-common catatonit
	dkms sparse gnuplot-nox python3 perl linux-perf
	# the checking kernel (make check-debug)
	flex bison libelf-dev libssl-dev
	debhelper lintian man-db
	python3-yaml python3-jsonschema linux-source-6.12
	# parses crsnl status --format prometheus in test_engines.sh
	python3-prometheus-client
)

missing=()
for p in "${PKGS[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[ "${s:0:2}" = "ii" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
