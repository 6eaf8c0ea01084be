#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM: load crs.ko, run every selftest binary (or those named as
# arguments), unload the module. TAP on stdout. Exit 1 if anything failed.
top=$(cd "$(dirname "$0")/../../.." && pwd)
export CRS_KO=${CRS_KO:-$top/crs.ko} CRSNL=$top/userspace/crsnl CRS_TOP=$top
export PATH=$top/userspace:$PATH
cd "$top/tools/testing/selftests/crs" || exit 1
fail=0
if ! insmod "$CRS_KO"; then
	echo "not ok 1 insmod crs.ko"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_*)
for t in "${tests[@]}"; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	echo "# ===== $t"
	s0=$SECONDS
	"./$t" || fail=1
	echo "# ===== $t: $((SECONDS - s0)) s"
	lsmod | grep -q '^crs ' || insmod "$CRS_KO"
done
# leave no state behind that would hold the module; a dead container's
# reference goes after an RCU grace period and a work item: wait for it
for _ in $(seq 300); do
	[ "$(cat /sys/module/crs/refcnt 2>/dev/null)" = 0 ] && break
	sleep 0.1
done
if ! rmmod crs; then
	echo "not ok 1 rmmod crs at the end of the suite"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	fail=1
fi
exit $fail
