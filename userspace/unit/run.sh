#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and run crsnl's host unit tests (no kernel, no VM). TAP output
# ending in the kselftest "# Totals:" line that tools/testing/run-all.sh
# sums; a build failure is reported as one failed test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! make -s -C "$here/.." unit/test_policy unit/test_config >&2; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 userspace unit tests build"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
cd "$here"
rc=0
./test_policy || rc=1
./test_config || rc=1
bash ./test_cli.sh || rc=1
exit $rc
