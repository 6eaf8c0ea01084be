#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 inside the test VM after switch_root: set up the usual mounts,
# run OUTDIR/cmd.sh with its output on the second serial port, print its
# exit status as "CRS-EXIT: N" and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
dir=$(sed -n 's/.*crstest.dir=\([^ ]*\).*/\1/p' /proc/cmdline 2>/dev/null)
mount -t proc proc /proc
dir=$(sed -n 's/.*crstest.dir=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname crs-vm
ip link set lo up 2>/dev/null
exec >/dev/ttyS1 2>&1
bash "$dir/cmd.sh"
echo "CRS-EXIT: $?"
# One compound command, parsed before it runs: once the power-off has
# begun, bash must neither read this script nor exec anything from the
# 9p root (PID 1 exiting would panic the guest); builtins only.
{
	sync
	echo o > /proc/sysrq-trigger
	end=$((SECONDS + 10))
	while [ $SECONDS -lt $end ]; do :; done
}
