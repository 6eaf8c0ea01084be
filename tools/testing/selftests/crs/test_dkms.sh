#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Load the crs.ko that DKMS built on the host (tools/testing/dkms-build.sh,
# run by make check before the VM suite) and ask it for its status.
# Runs inside the VM from suite.sh; kselftest-style TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
top=$CRS_TOP
crsnl=${CRSNL:-$top/userspace/crsnl}
ko=${CRS_DKMS_KO:-$top/build/dkms/crs.ko}
tap_begin dkms. 1
name=dkms_built_module_loads_and_answers_status
if [ ! -f "$ko" ]; then
	skip_result $name "$ko missing (run tools/testing/dkms-build.sh on the host)"
	tap_end
fi
vermagic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
if [ "$vermagic" != "$(uname -r)" ]; then
	skip_result $name "$ko is for $vermagic, this kernel is $(uname -r)"
	tap_end
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
result $ok $name
tap_end
