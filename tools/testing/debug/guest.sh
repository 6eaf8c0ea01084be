#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the checking kernel's VM (check-debug.sh): forget what kmemleak
# suspects from the boot, run CMD (the suite), then, with crs.ko unloaded,
# scan for leaks. Every suspected leak is printed and fails the run as a
# TAP test point. Exit: CMD's status, or 1 on a leak. Booted with
# kmemleak=off (check-debug.sh's CI-size run): CMD, then the scan's test
# point as a SKIP.
set -u
kml=/sys/kernel/debug/kmemleak
scan="kmemleak: no unreferenced object after the last unload"

result() {	# result pass|fail|skip TEXT: the scan's one TAP test point
	local p=0 f=0 s=0 line="ok 1 $2"
	case $1 in
	pass) p=1 ;;
	fail) f=1; line="not ok 1 $2" ;;
	skip) s=1 ;;
	esac
	echo "TAP version 13"
	echo "1..1"
	echo "$line"
	echo "# Totals: pass:$p fail:$f xfail:0 xpass:0 skip:$s error:0"
}

if grep -qw 'kmemleak=off' /proc/cmdline; then
	"$@"
	rc=$?
	result skip "$scan # SKIP booted with kmemleak=off (CI-size run; FULL=1 scans)"
	exit $rc
fi
if [ ! -w $kml ]; then
	result fail "kmemleak: $kml missing (not a checking kernel?)"
	exit 1
fi
echo scan > $kml
echo clear > $kml
"$@"
rc=$?
lsmod | grep -q '^crs ' && rmmod crs
# An object is reported once it has been unreferenced for 5 s, over two
# scans; the grace periods and work items of the unload go first.
sleep 6
echo scan > $kml
sleep 6
echo scan > $kml
leaks=$(cat $kml)
if [ -n "$leaks" ]; then
	printf '%s\n' "$leaks" | sed 's/^/# /'
	# into the kernel log too, where the runner's scan sees it
	printf '%s\n' "$leaks" | grep 'unreferenced object' | head -n 20 > /dev/kmsg
	result fail "$scan"
	exit 1
fi
result pass "$scan"
exit $rc
