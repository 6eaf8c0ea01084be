#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole VM selftest suite on each given kernel: crs.ko and its DKMS
# build are made for that kernel in build/kernels/KVER (the tree's own
# crs.ko is left alone), the VM boots it (run.sh with KVER), and one line
# "KVER: N passed, N failed, N skipped" is printed per kernel. Kernels
# are named by release or by line (kver.sh: 6.1, 6.12-rt, 6.1-cloud...).
# CRS_KERNELS_JOBS kernels (default 2) run at once.
# The selftests and crsnl are userspace and must be built already.
#
# Usage: check-kernels.sh KERNEL...
# Exit status: 0 when every kernel's suite passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
[ $# -gt 0 ] || { echo "usage: $0 KERNEL..." >&2; exit 2; }

one() {	# one KVER: build, boot, count; writes build/kernels/KVER/result
	local k=$1 d=$top/build/kernels/$1 rc p f s
	rm -rf "$d" && mkdir -p "$d/src"
	cp -r Kbuild VERSION kmod include "$d/src/"
	rm -f "$d/src/kmod/"*.o "$d/src/kmod/".*.cmd
	if ! make -C "/lib/modules/$k/build" M="$d/src" W=1 \
		CRS_VERSION="$(cat VERSION)" modules > "$d/build.log" 2>&1; then
		echo "$k: 0 passed, 1 failed, 0 skipped (crs.ko does not build: $d/build.log)" > "$d/result"
		return
	fi
	CRS_DKMS_OUT=$d/dkms bash tools/testing/dkms-build.sh "$k" > "$d/dkms.log" 2>&1
	bash tools/testing/build-refusal.sh "$k" "$d/refusal" > "$d/refusal.log" 2>&1 ||
		printf 'not ok 1 build-refusal.sh for %s\n%s\n' "$k" \
			"# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0" >> "$d/dkms.log"
	KVER=$k bash tools/testing/vm/run.sh -t 2400 -o "$d/vm" -- \
		env CRS_KO="$d/src/crs.ko" CRS_DKMS_KO="$d/dkms/crs.ko" \
		CRS_DKMS_TREE="$d/dkms/tree" ${CRS_DEB_DIR:+CRS_DEB_DIR="$CRS_DEB_DIR"} \
		CRS_REFUSAL_DIR="$d/refusal" \
		bash tools/testing/vm/suite.sh > "$d/suite.log" 2>&1
	rc=$?
	cat "$d/dkms.log" "$d/suite.log" > "$d/all.log"
	p=0 f=0 s=0
	while read -r a b c; do
		p=$((p + a)); f=$((f + b)); s=$((s + c))
	done < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) .*skip:\([0-9]*\).*/\1 \2 \3/p' "$d/all.log")
	# the run itself: guest exit status and a clean kernel log
	if [ $rc -eq 0 ]; then p=$((p + 1)); else f=$((f + 1)); fi
	echo "$k: $p passed, $f failed, $s skipped (log: $d/all.log, vm exit $rc)" > "$d/result"
}

kvers=()
for a in "$@"; do
	if [ -d "/lib/modules/$a/build" ]; then
		kvers+=("$a")
	else
		k=$(bash tools/kver.sh "$a") || exit 2
		kvers+=("$k")
	fi
done
# the demo's root filesystem, for test_oci.sh and test_demo.sh
bash tools/demo/mkrootfs.sh > build/rootfs.log 2>&1 ||
	{ cat build/rootfs.log; echo "check-kernels: tools/demo/mkrootfs.sh failed" >&2; exit 1; }
jobs=${CRS_KERNELS_JOBS:-2}
start=$(date +%s)
for k in "${kvers[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	echo "check-kernels: $k started $(date -u +%H:%M:%S)"
	one "$k" &
done
wait
bad=0
for k in "${kvers[@]}"; do
	d=build/kernels/$k
	grep -E '^(not ok|ok .*# SKIP)' "$d/all.log" 2>/dev/null | sed "s|^|$k: |"
	cat "$d/result" 2>/dev/null || { echo "$k: 0 passed, 1 failed, 0 skipped (no result)"; bad=1; }
	grep -q ' 0 failed' "$d/result" 2>/dev/null || bad=1
done
echo "check-kernels: $(( $(date +%s) - start ))s"
exit $bad
