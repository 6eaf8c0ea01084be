# SPDX-License-Identifier: GPL-2.0
# kselftest-style TAP for the shell tests (test_*.sh, and the host's
# tools/testing/dkms-build.sh), and their shared steps; sourced, bash
# only (tools/testing/vm/suite.sh takes rmmod_crs). The counters n,
# pass, fail and skip are the caller's variables. CRS_TOP (exported):
# the source tree, this file's unless set.
#
#   tap_begin PREFIX [PLAN]
#       "TAP version 13", the plan "1..PLAN" when the number of tests is
#       known up front, the counters at 0. PREFIX starts every test's
#       name ("oci." gives "ok 1 oci.NAME").
#   result OK NAME [DIAG]
#       one test: "ok N PREFIXNAME" when OK is 1, else DIAG as "# " lines
#       and "not ok N PREFIXNAME".
#   skip_result NAME WHY
#       one test skipped: "ok N PREFIXNAME # SKIP WHY".
#   skip_all WHY
#       every test of the plan not run yet skipped (named test_N: all of
#       them, test_1, test_2..., when none ran), then tap_end.
#   scaled
#       true in a scaled run (CRS_TEST_SCALE below 100: the checking
#       kernel's CI-size run).
#   scaled_out NAME
#       in a scaled run (CRS_TEST_SCALE below 100: the checking kernel's
#       CI-size run) true, and the test reported skipped: for a test that
#       differs from the file's others only in userspace logic, over the
#       same kernel paths; else false and nothing printed.
#   tap_end
#       the plan "1..N" if tap_begin gave none, the "# Totals:" line;
#       exits, 0 when no test failed, else 1.
#   policy_json NAME RULE...
#       an ACTIVE policy NAME of the rules RULE... (each a JSON object),
#       as JSON on stdout
#   rmmod_crs
#       rmmod crs once its references are gone (a dead container's goes
#       after an RCU grace period and a work item).

CRS_TOP=${CRS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)}
export CRS_TOP

tap_begin() {
	tap_prefix=$1 tap_plan=${2:-}
	n=0 pass=0 fail=0 skip=0
	echo "TAP version 13"
	[ -z "$tap_plan" ] || echo "1..$tap_plan"
}

result() {
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n $tap_prefix$2"; pass=$((pass + 1))
	else
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
		echo "not ok $n $tap_prefix$2"; fail=$((fail + 1))
	fi
}

skip_result() {
	n=$((n + 1)); skip=$((skip + 1))
	echo "ok $n $tap_prefix$1 # SKIP $2"
}

skip_all() {
	local t
	for t in $(seq $((n + 1)) "$tap_plan"); do skip_result "test_$t" "$1"; done
	tap_end
}

scaled() {
	[ "${CRS_TEST_SCALE:-100}" -lt 100 ]
}

scaled_out() {
	scaled || return 1
	skip_result "$1" "CRS_TEST_SCALE=$CRS_TEST_SCALE: userspace logic over kernel paths the file's other tests take (full size runs it)"
}

tap_end() {
	[ -n "$tap_plan" ] || echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" -eq 0 ]
	exit
}

policy_json() {
	local name=$1 IFS=,
	shift
	printf '{"name": "%s", "policyMode": "ACTIVE",\n "rules": [%s]}\n' "$name" "$*"
}

rmmod_crs() {
	for _ in $(seq 300); do
		[ "$(cat /sys/module/crs/refcnt 2>/dev/null)" = 0 ] && break
		sleep 0.1
	done
	rmmod crs
}
