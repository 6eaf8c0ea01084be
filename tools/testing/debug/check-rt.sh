#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-rt: the whole VM suite (the demo included) on Debian's
# PREEMPT_RT kernel ($RT_KVER, default the newest 6.1 *-rt-amd64), crs.ko
# built against its headers in a copy of the tree. Ends with
# "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cd "$top" || exit 1
kver=${RT_KVER:-$(ls /lib/modules | grep -E '^6\.1\..*-rt-amd64$' | sort -V | tail -n1)}
[ -n "$kver" ] && [ -d "/lib/modules/$kver/build" ] ||
	{ echo "check-rt: no 6.1 rt kernel with headers (run tools/setup.sh)"; echo "0 passed, 1 failed"; exit 1; }
t0=$(date +%s)
ko=build/rt-ko
rm -rf $ko && mkdir -p $ko
cp -r Kbuild VERSION kmod include $ko/
rm -f $ko/kmod/*.o $ko/kmod/.*.cmd
if ! make -C "/lib/modules/$kver/build" M="$top/$ko" CRS_VERSION="$(cat VERSION)" \
	modules > $ko/build.log 2>&1; then
	cat $ko/build.log
	echo "0 passed, 1 failed"
	exit 1
fi
make --no-print-directory crsnl selftests > build/rt-make.log 2>&1 ||
	{ cat build/rt-make.log; echo "0 passed, 1 failed"; exit 1; }
bash tools/demo/mkrootfs.sh > build/rt-rootfs.log 2>&1 ||
	{ cat build/rt-rootfs.log; echo "0 passed, 1 failed"; exit 1; }
log=build/rt-suite.log
KVER=$kver bash tools/testing/vm/run.sh -t "${CRS_RT_VM_TIMEOUT:-3600}" -o build/vm/rt -- \
	env CRS_KO="$top/$ko/crs.ko" CRS_TEST_TIMEOUT_MULT=2 \
	bash tools/testing/vm/suite.sh > "$log" 2>&1
rc=$?
cat "$log"
pass=0 fail=0 skip=0
while read -r p f s; do
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) .*skip:\([0-9]*\).*/\1 \2 \3/p' "$log")
if [ $rc -eq 0 ]; then
	echo "ok - PREEMPT_RT run ($kver): exit status 0 and a clean guest log"
	pass=$((pass + 1))
else
	echo "not ok - PREEMPT_RT run ($kver): exit status $rc (log: build/vm/rt/console.log)"
	fail=$((fail + 1))
fi
echo "# PREEMPT_RT ($kver): $(( $(date +%s) - t0 )) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
