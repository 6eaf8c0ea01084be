#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Load the crs.ko that DKMS built on the host (tools/testing/dkms-build.sh,
# run by make check before the VM suite) and ask it for its status.
# Runs inside the VM from suite.sh; kselftest-style TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${CRS_TOP:-$(cd "$here/../../../.." && pwd)}
crsnl=${CRSNL:-$top/userspace/crsnl}
ko=${CRS_DKMS_KO:-$top/build/dkms/crs.ko}
echo "TAP version 13"
echo "1..1"
if [ ! -f "$ko" ]; then
	echo "ok 1 dkms.dkms_built_module_loads_and_answers_status # SKIP $ko missing (run tools/testing/dkms-build.sh on the host)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
vermagic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
if [ "$vermagic" != "$(uname -r)" ]; then
	echo "ok 1 dkms.dkms_built_module_loads_and_answers_status # SKIP $ko is for $vermagic, this kernel is $(uname -r)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
ok=0
if lsmod | grep -q '^crs ' && ! rmmod crs; then
	echo "# crs.ko from the tree is loaded and busy"
else
	echo "# $(modinfo "$ko" | grep -E '^(filename|version|vermagic|signer):' | tr -s ' ' | paste -sd ';')"
	if insmod "$ko"; then
		out=$("$crsnl" status 2>&1)
		printf '%s\n' "$out" | sed 's/^/# /'
		grep -q "^version: $(cat "$top/VERSION")\$" <<<"$out" && ok=1
		rmmod crs || ok=0
	fi
	# leave the tree's module loaded for the tests that follow
	insmod "${CRS_KO:-$top/crs.ko}"
fi
if [ $ok = 1 ]; then
	echo "ok 1 dkms.dkms_built_module_loads_and_answers_status"
	echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	exit 0
fi
echo "not ok 1 dkms.dkms_built_module_loads_and_answers_status"
echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
exit 1
