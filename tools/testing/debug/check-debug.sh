#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the whole VM suite (the demo included) on the checking
# kernel (build-kernel.sh: KASAN, lockdep, PROVE_RCU, kmemleak, UBSAN,
# DEBUG_ATOMIC_SLEEP, full preemption), crs.ko built against its tree,
# the test files shared out over two VMs (CRS_DEBUG_JOBS below), each
# ending with a kmemleak scan after its last unload. Any checker report
# in a guest log fails. Ends with "N passed, N failed, N skipped".
#
# FULL=1: the tests at full size (as on Debian's kernel), with kmemleak.
# Else the CI-size run: loops and durations cut to
# CRS_TEST_SCALE percent (default 10), the shell tests that only repeat
# crsnl's own logic left out, and kmemleak off (kmemleak=off: it alone
# doubles the time of a container start there; every other checker
# stays on). KMEMLEAK=1 keeps it on in that run too.
# TESTS="test_a test_b": only those selftests (scaled, or FULL=1).
# SOAK=1: instead of the suite, 100,000 fuzzed netlink messages
# (test_fuzz) and a 5-minute stress with policy and container churn and
# rmmod attempts (test_stress), then the kmemleak scan; one VM.
# CRS_DEBUG_DEADLINE=EPOCH: no VM of the run lasts past it (.ci/run's
# limit); with less than 15 minutes left the suite is not started (a
# failure).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cd "$top" || exit 1
full=${FULL:-0}
soak=${SOAK:-0}
export CRS_DEBUG_KERNEL_DIR=${CRS_DEBUG_KERNEL_DIR:-$top/build/kernel-debug}

t0=$(date +%s)
kdir=$(bash "$here/build-kernel.sh" | tail -n1) || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
t1=$(date +%s)
echo "# checking kernel: $kdir ($((t1 - t0)) s to build or find)"

# crs.ko against that tree, in a copy of the sources only: the tree's own
# crs.ko stays, and a build of it running meanwhile is not read
ko=build/debug-ko
rm -rf $ko && mkdir -p $ko/kmod
cp -r Kbuild VERSION include $ko/
cp kmod/*.c kmod/*.h $ko/kmod/
if ! make -C "$kdir" M="$top/$ko" CRS_VERSION="$(cat VERSION)" modules > $ko/build.log 2>&1; then
	cat $ko/build.log
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
make --no-print-directory crsnl selftests ynl > build/debug-make.log 2>&1 ||
	{ cat build/debug-make.log; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
bash tools/demo/mkrootfs.sh > build/debug-rootfs.log 2>&1 ||
	{ cat build/debug-rootfs.log; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# The checkers' reports (the runner itself fails on BUG:, WARNING:,
# Oops, Call Trace and panics).
export CRS_VM_LOG_SCAN='BUG: KASAN|UBSAN:|possible circular locking|possible recursive locking|inconsistent lock state|possible irq lock inversion|suspicious RCU usage|unreferenced object|sleeping function called from invalid context|ODEBUG:|list_add corruption|list_del corruption|INFO: task .* blocked'
export CRS_VM_CPU=max,la57=off
export CRS_VM_KERNEL=$kdir/arch/x86/boot/bzImage CRS_VM_MODDIR=
# the CI-size run: kmemleak off (every VM of it)
if [ "$full" != 1 ] && [ "$soak" != 1 ] && [ "${KMEMLEAK:-0}" != 1 ]; then
	export CRS_VM_APPEND="${CRS_VM_APPEND-syscall.x32=y} kmemleak=off"
fi
pass=0 fail=0 skip=0
left() {	# seconds to CRS_DEBUG_DEADLINE, or $1 when unset or later
	local l=$1
	[ -n "${CRS_DEBUG_DEADLINE:-}" ] && l=$((CRS_DEBUG_DEADLINE - $(date +%s)))
	[ "$l" -lt "$1" ] && echo "$l" || echo "$1"
}
# The runner's self-test on this kernel: it boots, kmemleak answers (its
# SKIP line when off), and a checker's report in the guest log fails the
# run.
bash tools/testing/vm/run.sh -m 4096 -t "$(left 600)" -o build/vm/debug-self -- \
	bash "$here/guest.sh" sh -c 'echo "UBSAN: runner self-test" > /dev/kmsg' \
	> build/debug-self.log 2>&1
src=$?
if [ $src -ne 0 ] && grep -q 'UBSAN: runner self-test' build/debug-self.log &&
   grep -q '^ok 1 kmemleak' build/debug-self.log; then
	echo "ok - checking kernel boots, kmemleak answers (a SKIP when booted with kmemleak=off), a UBSAN report fails the run"
	pass=$((pass + 1))
else
	cat build/debug-self.log
	echo "not ok - checking kernel runner self-test (exit $src; log: build/vm/debug-self/console.log)"
	fail=$((fail + 1))
fi

genv=(env CRS_KO="$top/$ko/crs.ko")
# TESTS="test_policy test_stress": only those (default: all), scaled or
# FULL=1 (a full-size run in parts, each part's commit recorded)
read -ra sel <<< "${TESTS:-}"
if [ "$soak" = 1 ]; then
	# a hang still ends: the harness timeouts, 300 s by default, x20
	genv+=(CRS_TEST_TIMEOUT_MULT=20 CRS_FUZZ_N=100000 CRS_FUZZ_SECS=100000
	       CRS_STRESS_SECS=300)
	cmd=(bash tools/testing/vm/suite.sh test_fuzz test_stress)
	vmt=${CRS_DEBUG_VM_TIMEOUT:-7200}
	name=soak
elif [ "$full" = 1 ]; then
	genv+=(CRS_TEST_TIMEOUT_MULT=15)
	cmd=(bash tools/testing/vm/suite.sh)
	vmt=${CRS_DEBUG_VM_TIMEOUT:-14400}
	name=full
else
	genv+=(CRS_TEST_SCALE="${CRS_TEST_SCALE:-10}" CRS_TEST_TIMEOUT_MULT=6)
	cmd=(bash tools/testing/vm/suite.sh)
	# with kmemleak: about an hour alone on 2 cores, timed out at 3600 s
	# with another VM alongside (2026-12-06)
	vmt=${CRS_DEBUG_VM_TIMEOUT:-5400}
	name=ci
	# CRS_VM_TCG_THREAD=multi (a VM on both host cores) stalled once
	# in test_file (2026-12-07, the guest busy, no report), as run.sh
	# says multi-threaded TCG does: two single-threaded VMs instead
fi
# CRS_DEBUG_JOBS=N (the CI-size run: default 2; FULL=1: 1): the test
# files shared out over N VMs run at once, each one qemu thread
# (multi-threaded TCG hangs now and then on the kernel's text patching:
# run.sh), largest first by their CI-size time on this kernel (seconds,
# single-threaded, 2026-12-07; 60 when unknown); each VM runs its share
# in suite.sh's order. Two VMs: about 740 s of tests each, 864 s for the
# whole check-debug with the kernel cached (2026-12-07).
jobs=${CRS_DEBUG_JOBS:-2}
[ "$full" = 1 ] && jobs=${CRS_DEBUG_JOBS:-1}
[ "$soak" = 1 ] && { jobs=1; sel=(); }
if [ ${#sel[@]} -eq 0 ] && [ "$jobs" -gt 1 ]; then
	read -ra sel < <(cd tools/testing/selftests/crs &&
		for t in test_*; do [ -x "$t" ] && [ -f "$t" ] && echo "$t"; done | tr '\n' ' ')
fi
[ ${#sel[@]} -gt 0 ] || jobs=1
shards=()
if [ "$jobs" -gt 1 ]; then
	mapfile -t shards < <(printf '%s\n' "${sel[@]}" | awk '
		BEGIN { k = split("test_net 245 test_engines.sh 230 " \
			"test_file 180 test_demo.sh 150 test_oci.sh 150 " \
			"test_policy 115 test_ynl.sh 95 test_events 80 " \
			"test_fuzz 60 test_policy_nl 55 test_learn 35 " \
			"test_lifecycle 20 test_syscall 20 test_stress 20 " \
			"test_refusal.sh 10 test_foundation 10 test_dkms.sh 1 " \
			"test_pkg.sh 1", a, " ")
			for (i = 1; i < k; i += 2) w[a[i]] = a[i + 1] }
		{ print ($1 in w ? w[$1] : 60), $1 }' | sort -rn | awk -v n="$jobs" '
		{ m = 1; for (j = 2; j <= n; j++) if (load[j] < load[m]) m = j
		  load[m] += $1; s[m] = s[m] " " $2 }
		END { for (j = 1; j <= n; j++) print substr(s[j], 2) }' |
		while read -ra part; do printf '%s\n' "${part[@]}" | sort | tr '\n' ' '; echo; done)
else
	shards=("${sel[*]}")
fi
# every selected file in exactly one VM
n=0
for i in "${!shards[@]}"; do read -ra part <<< "${shards[$i]}"; n=$((n + ${#part[@]})); done
if [ "$jobs" -gt 1 ] && [ "$n" -ne ${#sel[@]} ]; then
	echo "not ok - checking kernel: ${#sel[@]} test files shared out as $n"
	echo "$pass passed, $((fail + 1)) failed, $skip skipped"
	exit 1
fi
if [ "$(left 900)" -lt 900 ]; then
	echo "not ok - checking kernel run ($name): $(left 900) s left before CRS_DEBUG_DEADLINE, not started"
	echo "$pass passed, $((fail + 1)) failed, $skip skipped"
	exit 1
fi
vmt=$(left "$vmt")
pids=()
for i in "${!shards[@]}"; do
	sfx=$name
	[ "$jobs" -gt 1 ] && sfx=$name-$((i + 1))
	read -ra part <<< "${shards[$i]}"
	[ "$jobs" -gt 1 ] && [ ${#part[@]} -eq 0 ] && continue
	KVER=${KVER:-6.1.0-57-amd64} bash tools/testing/vm/run.sh -m 4096 -t "$vmt" \
		-o "build/vm/debug-$sfx" -- "${genv[@]}" bash "$here/guest.sh" \
		"${cmd[@]}" "${part[@]}" > "build/debug-$sfx.log" 2>&1 &
	pids+=("$!:$sfx")
done
for p in "${pids[@]}"; do
	sfx=${p#*:}
	log=build/debug-$sfx.log
	wait "${p%%:*}"
	vrc=$?
	cat "$log"
	while read -r a b c; do
		pass=$((pass + a)); fail=$((fail + b)); skip=$((skip + c))
	done < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) .*skip:\([0-9]*\).*/\1 \2 \3/p' "$log")
	if [ $vrc -eq 0 ]; then
		echo "ok - checking kernel run ($sfx): exit status 0 and a clean guest log"
		pass=$((pass + 1))
	else
		echo "not ok - checking kernel run ($sfx): exit status $vrc or checker reports (log: build/vm/debug-$sfx/console.log)"
		fail=$((fail + 1))
	fi
done
t2=$(date +%s)
if [ "$soak" = 1 ]; then
	nmsg=$(sed -n 's/^# *\([0-9]*\) messages in .*/\1/p' "$log" | head -n1)
	if [ "${nmsg:-0}" -ge 100000 ]; then
		echo "ok - soak: $nmsg fuzzed netlink messages"
		pass=$((pass + 1))
	else
		echo "not ok - soak: ${nmsg:-no} fuzzed netlink messages, 100000 wanted"
		fail=$((fail + 1))
	fi
fi
echo "# checking kernel ($name): kernel $((t1 - t0)) s, run $((t2 - t1)) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
