#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 inside the test VM after switch_root: set up the usual mounts,
# run OUTDIR/cmd.sh with its output on the second serial port, print its
# exit status as "CRS-EXIT: N" and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
mount -t proc proc /proc
dir=$(sed -n 's/.*crstest.dir=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t sysfs sys /sys
# A fresh /tmp, but a tree that lives under the host's /tmp (a CI clone,
# a scratch checkout) stays reachable at its own path.
case "$dir" in
/tmp/*)
	first=${dir#/tmp/}
	first=${first%%/*}
	mkdir -p /mnt/hosttmp
	mount --bind /tmp /mnt/hosttmp
	mount -t tmpfs tmpfs /tmp
	mkdir -p "/tmp/$first"
	mount --bind "/mnt/hosttmp/$first" "/tmp/$first"
	;;
*)
	mount -t tmpfs tmpfs /tmp
	;;
esac
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Over virtiofs (the cloud flavour) qemu's virtiofsd holds a descriptor
# for every host inode the guest still caches; without CAP_SYS_RESOURCE
# it cannot raise its limit (20000 here) and a DKMS build (the kernel
# headers) ran it out: "Too many open files" in the guest from then on.
# Dropping the guest's unused dentries and inodes every 2 s makes it
# forget them, and virtiofsd close them.
if grep -q 'crstest.fs=virtiofs' /proc/cmdline; then
	( while sleep 2; do echo 2 > /proc/sys/vm/drop_caches; done ) &
fi
# A kernel with its features built in (run.sh's CRS_VM_MODDIR empty): its
# tree's modules.builtin in /lib/modules (on the tmpfs overlay), so that
# modprobe of a built-in module succeeds as on a modular kernel.
kb=$(sed -n 's/.*crstest.builtin=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$kb" ] && [ ! -e "/lib/modules/$(uname -r)" ]; then
	mkdir -p "/lib/modules/$(uname -r)"
	cp "$kb"/modules.builtin "$kb"/modules.builtin.modinfo "$kb"/modules.order \
		"/lib/modules/$(uname -r)/" 2>/dev/null
	depmod -a 2>/dev/null
fi
hostname crs-vm
ip link set lo up 2>/dev/null
exec >/dev/ttyS1 2>&1
bash "$dir/cmd.sh"
echo "CRS-EXIT: $?"
# Power off from PID 1 itself: reboot(2) with POWER_OFF shuts the devices
# down and powers off without returning. The asynchronous sysrq power-off
# let bash run on while the 9p root went away; it then faulted (SIGBUS) or
# exited and the guest panicked with "Attempted to kill init".
sync
exec busybox poweroff -f
