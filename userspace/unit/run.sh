#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and run crsnl's host unit tests (no kernel, no VM). TAP output
# ending in the kselftest "# Totals:" line that tools/testing/run-all.sh sums.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here/.." unit/test_policy >&2
cd "$here"
exec ./test_policy
