#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel crs builds and tests for, when KVER= is not given: the
# running kernel if its build tree is installed, else the newest
# installed generic (not -rt, not -cloud) kernel with a build tree, else
# the newest with one. With LINE (e.g. 6.1, 6.12, or 6.12-rt): the newest
# installed kernel of that line and flavour with a build tree.
# Prints the release; with -v also why, on stderr.
#
# Usage: kver.sh [-v] [LINE]
set -uo pipefail
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
line=${1:-}
say() { [ $verbose = 0 ] || echo "crs: kernel $1 ($2)" >&2; }
built() { for k in $(ls /lib/modules 2>/dev/null); do
	[ -e "/lib/modules/$k/build/Makefile" ] && echo "$k"; done | sort -V; }

if [ -n "$line" ]; then
	flavour=${line#*-}; [ "$flavour" = "$line" ] && flavour=
	base=${line%%-*}
	if [ -n "$flavour" ]; then
		k=$(built | grep -E "^${base//./\\.}\\.[0-9].*-$flavour-amd64\$" | tail -n1)
	else
		k=$(built | grep -E "^${base//./\\.}\\.[0-9]" | grep -vE -- '-(rt|cloud)-amd64$' | tail -n1)
	fi
	[ -n "$k" ] || { echo "kver.sh: no installed $line kernel with a build tree (tools/setup.sh installs them)" >&2; exit 1; }
	say "$k" "newest installed $line"
	echo "$k"
	exit 0
fi
run=$(uname -r)
if [ -e "/lib/modules/$run/build/Makefile" ]; then
	say "$run" "the running kernel"
	echo "$run"
	exit 0
fi
k=$(built | grep -vE -- '-(rt|cloud)-amd64$' | tail -n1)
[ -n "$k" ] || k=$(built | tail -n1)
[ -n "$k" ] || { echo "kver.sh: no kernel build tree in /lib/modules (tools/setup.sh installs one)" >&2; exit 1; }
say "$k" "running $run has no build tree: newest installed"
echo "$k"
