#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM: load crs.ko, run every selftest binary (or those named as
# arguments), unload the module. TAP on stdout. Exit 1 if anything failed.
# After each test file, one more test: it left every writable module
# parameter as it found it (a changed one is put back, so it cannot
# change what the next file sees).
top=$(cd "$(dirname "$0")/../../.." && pwd)
export CRS_KO=${CRS_KO:-$top/crs.ko} CRSNL=$top/userspace/crsnl CRS_TOP=$top
export PATH=$top/userspace:$PATH
cd "$top/tools/testing/selftests/crs" || exit 1
. lib/crs_test.sh
fail=0
if ! insmod "$CRS_KO"; then
	echo "not ok 1 insmod crs.ko"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi

params() {	# NAME=VALUE of every writable (0644) parameter of the module
	local f
	for f in /sys/module/crs/parameters/*; do
		[ "$(stat -c %A "$f" | cut -c3)" = w ] &&
			printf '%s=%s\n' "${f##*/}" "$(cat "$f")"
	done
}

params_kept() {	# params_kept TEST: TAP, one test
	local name value now changed=0
	while IFS='=' read -r name value; do
		now=$(cat "/sys/module/crs/parameters/$name")
		[ "$now" = "$value" ] && continue
		echo "# $name: $value at load, $now after $1 (put back)"
		echo "$value" > "/sys/module/crs/parameters/$name"
		changed=1
	done <<<"$params0"
	if [ $changed = 0 ]; then
		echo "ok 1 suite.${1}_leaves_the_module_parameters_as_it_found_them"
		echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	else
		echo "not ok 1 suite.${1}_leaves_the_module_parameters_as_it_found_them"
		echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
		fail=1
	fi
}

params0=$(params)
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_*)
for t in "${tests[@]}"; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	echo "# ===== $t"
	s0=$SECONDS
	"./$t" || fail=1
	echo "# ===== $t: $((SECONDS - s0)) s"
	lsmod | grep -q '^crs ' || insmod "$CRS_KO"
	params_kept "$(basename "${t%.sh}")"
done
# leave no state behind that would hold the module
if ! rmmod_crs; then
	echo "not ok 1 rmmod crs at the end of the suite"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	fail=1
fi
exit $fail
