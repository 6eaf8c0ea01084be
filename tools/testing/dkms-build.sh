#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check, host side of the DKMS test: build crs.ko through DKMS
# (dkms.conf, 'make dkms-src') for the installed Debian headers, in a
# scratch tree that leaves /usr/src, /var/lib/dkms and /lib/modules
# alone. The module signing key dkms makes goes there too. Builds for
# KVER (the kernel the VM boots) and for the newest installed generic
# kernel of each supported line (6.1, 6.12), and checks that DKMS
# refuses a kernel outside dkms.conf's BUILD_EXCLUSIVE_KERNEL. The VM
# test tools/testing/selftests/crs/test_dkms.sh loads OUT/crs.ko, the
# module built for KVER. TAP on stdout.
#
# Usage: dkms-build.sh [KVER]   (OUT: $CRS_DKMS_OUT, default build/dkms)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kver=${1:-${KVER:-$(bash tools/kver.sh)}}
ver=$(cat VERSION)
out=${CRS_DKMS_OUT:-$top/build/dkms}
kernels=("$kver")
for line in 6.1 6.12; do
	k=$(bash tools/kver.sh "$line" 2>/dev/null) || continue
	[ "$k" = "$kver" ] || kernels+=("$k")
done
rm -rf "$out"
mkdir -p "$out/tree" "$out/src"
. tools/testing/selftests/crs/lib/crs_test.sh
tap_begin "" $((${#kernels[@]} + 1))
# dkms takes these from its environment before its own defaults
export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
dk() { dkms "$@" --dkmstree "$out/tree" --sourcetree "$out/src"; }
{
	make -s dkms-src DKMS_SRC="$out/src/crs-$ver" &&
	dk add -m crs -v "$ver"
} > "$out/dkms.log" 2>&1
for k in "${kernels[@]}"; do
	dk build -m crs -v "$ver" -k "$k" > "$out/dkms-$k.log" 2>&1
	rc=$?
	ko=$(find "$out/tree/crs/$ver/$k" -name 'crs.ko*' 2>/dev/null | head -n1)
	sed 's/^/# /' "$out/dkms.log" "$out/dkms-$k.log"
	ok=0
	if [ $rc -eq 0 ] && [ -n "$ko" ] && modinfo "$ko" | grep -q "^vermagic: *$k "; then
		[ "$k" != "$kver" ] || cp "$ko" "$out/crs.ko"
		echo "# $ko: vermagic $k, version $(modinfo -F version "$ko")"
		ok=1
	fi
	result $ok "dkms_builds_crs_for_$k" "dkms exit $rc; log $out/dkms-$k.log"
done
# A kernel outside BUILD_EXCLUSIVE_KERNEL: dkms's "not compatible" exit
# status 77 and its message naming the directive, before any build.
dk build -m crs -v "$ver" -k 5.10.0-30-amd64 > "$out/dkms-refuse.log" 2>&1
rc=$?
sed 's/^/# /' "$out/dkms-refuse.log"
result "$([ $rc -eq 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$out/dkms-refuse.log" && echo 1)" \
	dkms_refuses_kernel_5.10_outside_build_exclusive "dkms exit $rc"
tap_end
