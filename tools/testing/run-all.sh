#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host unit tests, the VM suite, the runner's self-tests and a
# smoke run of the benchmark.
# Prints every TAP line and ends with "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
vm=tools/testing/vm/run.sh
# one kernel for crs.ko (make all), the DKMS build and the VM
export KVER=${KVER:-$(bash tools/kver.sh -v)}
pass=0 fail=0 skip=0

# Add the kselftest "# Totals:" lines of a TAP log to the counts.
count_tap() {
	local p f s
	while read -r p f s; do
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	done < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) .*skip:\([0-9]*\).*/\1 \2 \3/p' "$1")
}

result() {	# result NAME OK
	if [ "$2" = 1 ]; then
		echo "ok - $1"; pass=$((pass + 1))
	else
		echo "not ok - $1"; fail=$((fail + 1))
	fi
}

mkdir -p build
# 0. static checks: checkpatch, sparse, layers, crsnl with -Werror
make --no-print-directory style > build/style.log 2>&1
rc=$?
tail -n 20 build/style.log
result "make style (checkpatch: no ERROR or WARNING)" "$([ $rc -eq 0 ] && echo 1)"
make --no-print-directory check-static > build/static.log 2>&1
rc=$?
tail -n 20 build/static.log
result "make check-static (sparse, crsnl -Wall -Wextra -Werror)" "$([ $rc -eq 0 ] && echo 1)"
# the kmod layering (docs/development.md "Layout"), on check-static's objects
python3 tools/testing/layers.py build/check-static
result "kmod: every include and call points down a layer (tools/testing/layers.py)" "$([ $? -eq 0 ] && echo 1)"

# 1. host unit tests
if [ -x userspace/unit/run.sh ]; then
	bash userspace/unit/run.sh > build/unit.log 2>&1
	cat build/unit.log
	count_tap build/unit.log
fi

# 1b. host-built inputs of VM tests: crs.ko built through DKMS
#     (test_dkms.sh loads it), the refusal test's modules
#     (test_refusal.sh), the demo's busybox root filesystem
#     (test_oci.sh, test_demo.sh run runc containers on it).
bash tools/testing/dkms-build.sh > build/dkms.log 2>&1
cat build/dkms.log
count_tap build/dkms.log
bash tools/testing/build-refusal.sh "$KVER" build/refusal > build/refusal.log 2>&1
rc=$?
cat build/refusal.log
result "test builds of crs.ko lacking a hooked function (build-refusal.sh)" "$([ $rc -eq 0 ] && echo 1)"
bash tools/demo/mkrootfs.sh > build/rootfs.log 2>&1
rc=$?
cat build/rootfs.log
result "demo root filesystem (tools/demo/mkrootfs.sh)" "$([ $rc -eq 0 ] && echo 1)"

# 1c. the YNL spec against crs.h (host), and the Debian packages that
#     test_pkg.sh installs in the VM (make deb runs lintian)
make --no-print-directory check-spec > build/check-spec.log 2>&1
cat build/check-spec.log
count_tap build/check-spec.log
make --no-print-directory deb > build/deb.log 2>&1
rc=$?
tail -n 20 build/deb.log
result "make deb (dpkg-buildpackage, lintian clean)" "$([ $rc -eq 0 ] && echo 1)"

# 1d. deploy/kubernetes/: the manifests' structure and the ConfigMap's
#     policies (check-kubernetes.py, crsnl's validation when built), and
#     crs-agent.sh against a fake crsnl (test-crs-agent.sh); no cluster
/usr/bin/python3 tools/testing/check-kubernetes.py > build/check-kubernetes.log 2>&1
cat build/check-kubernetes.log
count_tap build/check-kubernetes.log
sh tools/testing/test-crs-agent.sh > build/test-crs-agent.log 2>&1
cat build/test-crs-agent.log
count_tap build/test-crs-agent.log

# 2. the VM suite
bash $vm -t 2400 -o build/vm/suite -- bash tools/testing/vm/suite.sh > build/suite.log 2>&1
rc=$?
cat build/suite.log
count_tap build/suite.log
result "vm suite exit status $rc and clean guest log" "$([ $rc -eq 0 ] && echo 1)"

# 3. runner self-tests: a failing test and a WARNING must fail the run.
CRS_SELFTEST_FAIL=1 bash $vm -t 300 -o build/vm/self1 -- \
	env CRS_SELFTEST_FAIL=1 bash tools/testing/vm/suite.sh test_foundation > build/self1.log 2>&1
result "runner fails when a test fails" "$([ $? -ne 0 ] && grep -q '^not ok .*runner_selftest_deliberate_failure' build/self1.log && echo 1)"
bash $vm -t 300 -o build/vm/self2 -- sh -c 'echo "WARNING: crs runner self-test" > /dev/kmsg; exit 0' > build/self2.log 2>&1
result "runner fails when the guest log shows WARNING:" "$([ $? -ne 0 ] && echo 1)"

# 4. `make bench` end to end, one short round: report shape and exact
#    event accounting (no timing is judged)
bash tools/testing/bench-smoke.sh > build/bench-smoke.tap 2>&1
cat build/bench-smoke.tap
count_tap build/bench-smoke.tap

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
