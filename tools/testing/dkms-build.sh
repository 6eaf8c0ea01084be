#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check, host side of the DKMS test: build crs.ko through DKMS
# (dkms.conf, 'make dkms-src') for the installed Debian headers, in a
# scratch tree under build/dkms that leaves /usr/src, /var/lib/dkms and
# /lib/modules alone. The module signing key dkms makes goes there too.
# The VM test tools/testing/selftests/crs/test_dkms.sh loads the result,
# build/dkms/crs.ko. TAP on stdout.
#
# Usage: dkms-build.sh [KVER]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kver=${1:-${KVER:-$(ls /lib/modules | grep -E '^[0-9].*-amd64$' | sort -V | tail -n1)}}
ver=$(cat VERSION)
out=$top/build/dkms
rm -rf "$out"
mkdir -p "$out/tree" "$out/src"
echo "TAP version 13"
echo "1..1"
# dkms takes these from its environment before its own defaults
export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
dk() { dkms "$@" --dkmstree "$out/tree" --sourcetree "$out/src"; }
{
	make -s dkms-src DKMS_SRC="$out/src/crs-$ver" &&
	dk add -m crs -v "$ver" &&
	dk build -m crs -v "$ver" -k "$kver"
} > "$out/dkms.log" 2>&1
rc=$?
ko=$(find "$out/tree/crs/$ver/$kver" -name 'crs.ko*' 2>/dev/null | head -n1)
sed 's/^/# /' "$out/dkms.log"
if [ $rc -eq 0 ] && [ -n "$ko" ] && modinfo "$ko" | grep -q "^vermagic: *$kver "; then
	cp "$ko" "$out/crs.ko"
	echo "# $ko: vermagic $kver, version $(modinfo -F version "$ko")"
	echo "ok 1 dkms_builds_crs_for_$kver"
	echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	exit 0
fi
echo "not ok 1 dkms_builds_crs_for_$kver (dkms exit $rc; log $out/dkms.log)"
echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
exit 1
