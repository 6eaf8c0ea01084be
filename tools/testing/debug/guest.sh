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
if grep -qw 'kmemleak=off' /proc/cmdline; then
	"$@"
	rc=$?
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 kmemleak: no unreferenced object after the last unload # SKIP booted with kmemleak=off (CI-size run; FULL=1 scans)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit $rc
fi
if [ ! -w $kml ]; then
	echo "not ok 1 kmemleak: $kml missing (not a checking kernel?)"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
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
echo "TAP version 13"
echo "1..1"
if [ -n "$leaks" ]; then
	printf '%s\n' "$leaks" | sed 's/^/# /'
	# into the kernel log too, where the runner's scan sees it
	printf '%s\n' "$leaks" | grep 'unreferenced object' | head -n 20 > /dev/kmsg
	echo "not ok 1 kmemleak: no unreferenced object after the last unload"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
echo "ok 1 kmemleak: no unreferenced object after the last unload"
echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
exit $rc
