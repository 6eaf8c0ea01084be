#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (tools/demo/demo-vm.sh) as a test: every "[ok]" line of the
# demo is a passing test point, every "[FAILED]" line a failing one, and
# the rest of its output is TAP diagnostics. Runs inside the VM from
# suite.sh; the demo unloads and reloads crs.ko itself.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
top=$CRS_TOP
tap_begin "demo: "
# a pipe, not < <(...): the VM has no /dev/fd
{ bash "$top/tools/demo/demo-vm.sh" 2>&1; echo "[exit] $?"; } | {
	while IFS= read -r line; do
		case $line in
		"[ok] "*)
			result 1 "${line#\[ok\] }" ;;
		"[FAILED] "*)
			result 0 "${line#\[FAILED\] }" ;;
		"[exit] "*)
			if [ "${line#\[exit\] }" != 0 ] && [ $fail -eq 0 ] || [ $n -eq 0 ]; then
				result 0 "exit status ${line#\[exit\] } without a failed step"
			fi ;;
		*)
			echo "# $line" ;;
		esac
	done
	tap_end
}
