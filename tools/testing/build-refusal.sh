#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of test_refusal.sh: test builds of crs.ko for KVER that look
# one hooked function up under a name no kernel has (Kbuild's
# CRS_TEST_MISSING_HOOK), as on a kernel that lacks it: OUT/SYMBOL.ko
# for a required LSM hook and for the 32-bit dispatcher ia32_sys_call.
# Built in a copy of the sources (OUT/src); the tree is left alone.
#
# Usage: build-refusal.sh KVER OUT
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
rm -rf "${out:?}"/* && mkdir -p "$out/src"
cd "$top"
cp -r Kbuild VERSION kmod include "$out/src/"
rm -f "$out/src/kmod/"*.o "$out/src/kmod/".*.cmd
for sym in security_path_rename ia32_sys_call; do
	# only hooks.o differs between the variants: the rest is built once
	make -s -C "/lib/modules/$kver/build" M="$out/src" W=1 \
		CRS_VERSION="$(cat VERSION)" CRS_TEST_MISSING_HOOK="$sym" modules \
		> "$out/build-$sym.log" 2>&1 || { cat "$out/build-$sym.log"; exit 1; }
	cp "$out/src/crs.ko" "$out/$sym.ko"
done
echo "build-refusal: $(ls "$out"/*.ko | tr '\n' ' ')for $kver"
