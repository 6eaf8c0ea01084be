#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (tools/demo/demo-vm.sh) as a test: every "[ok]" line of the
# demo is a passing test point, every "[FAILED]" line a failing one, and
# the rest of its output is TAP diagnostics. Runs inside the VM from
# suite.sh; the demo unloads and reloads crs.ko itself.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${CRS_TOP:-$(cd "$here/../../../.." && pwd)}
echo "TAP version 13"
# a pipe, not < <(...): the VM has no /dev/fd
{ bash "$top/tools/demo/demo-vm.sh" 2>&1; echo "[exit] $?"; } | {
	n=0 pass=0 fail=0
	while IFS= read -r line; do
		case $line in
		"[ok] "*)
			n=$((n + 1)); pass=$((pass + 1))
			echo "ok $n demo: ${line#\[ok\] }" ;;
		"[FAILED] "*)
			n=$((n + 1)); fail=$((fail + 1))
			echo "not ok $n demo: ${line#\[FAILED\] }" ;;
		"[exit] "*)
			if [ "${line#\[exit\] }" != 0 ] && [ $fail -eq 0 ] || [ $n -eq 0 ]; then
				n=$((n + 1)); fail=$((fail + 1))
				echo "not ok $n demo: exit status ${line#\[exit\] } without a failed step"
			fi ;;
		*)
			echo "# $line" ;;
		esac
	done
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	[ $fail -eq 0 ]
}
