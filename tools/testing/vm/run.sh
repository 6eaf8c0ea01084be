#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's packaged kernel in qemu (TCG, no network device) with the
# host's root shared read-only over 9p, run CMD inside it as root, and
# report. The guest's kernel log goes to OUTDIR/console.log, CMD's output
# to OUTDIR/output.log (and to our stdout).
#
# Exit status: CMD's exit status; 1 if the guest log shows BUG:, WARNING:,
# Oops, Call Trace or a panic; 124 if the guest hit the timeout.
#
# Usage: run.sh [-t SECONDS] [-o OUTDIR] [-m MEM] -- CMD [ARG...]
#
# CRS_VM_KERNEL: boot this kernel image (a bzImage) instead of Debian's
# /boot/vmlinuz-$KVER. CRS_VM_MODDIR: where the initramfs takes its
# virtio/9p/overlay modules (default /lib/modules/$KVER); set and empty,
# the kernel has them built in and the initramfs holds none. A kernel
# image inside a built tree (SRC/arch/x86/boot/bzImage) gives the guest
# SRC's modules.builtin, so modprobe of a built-in feature succeeds.
# CRS_VM_LOG_SCAN: an extra extended regexp the guest log must not match
# (the checking kernel's KASAN, lockdep, kmemleak, UBSAN reports).
#
# CRS_VM_TCG_THREAD: qemu's TCG threading, "single" (default) or "multi".
# With "multi" (a host thread per vCPU) guests hung now and then in a
# soft lockup, a CPU trapping forever on the int3 of a kernel text patch
# already finished (crs's hooks, netfilter's and memcg's static keys):
# a vCPU went on running stale translated code. "single" runs both vCPUs
# on one host thread, interleaved, which keeps code changes coherent.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
timeout=900
mem=2048
outdir=
while getopts "t:o:m:" opt; do
	case $opt in
	t) timeout=$OPTARG ;;
	o) outdir=$OPTARG ;;
	m) mem=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [-o OUTDIR] [-m MB] -- CMD..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] [-o OUTDIR] -- CMD..." >&2; exit 2; }

kver=${KVER:-$(ls /lib/modules | grep -E '^[0-9].*-amd64$' | sort -V | tail -n1)}
kernel=${CRS_VM_KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "run.sh: $kernel missing (run tools/setup.sh)" >&2; exit 2; }
mkdir -p "$top/build/vm"
builtin=
if [ -n "${CRS_VM_MODDIR+set}" ] && [ -z "$CRS_VM_MODDIR" ]; then
	initrd=$top/build/vm/initramfs-nomods.gz
	ktree=${kernel%/arch/x86/boot/bzImage}
	[ "$ktree" != "$kernel" ] && [ -f "$ktree/modules.builtin" ] &&
		builtin=" crstest.builtin=$ktree"
else
	initrd=$top/build/vm/initramfs-$kver.gz
fi
CRS_VM_MODDIR=${CRS_VM_MODDIR-/lib/modules/$kver} \
	bash "$here/mkinitramfs.sh" "$kver" "$initrd" || exit 2

[ -n "$outdir" ] || outdir=$top/build/vm/run-$$
rm -rf "$outdir"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
{
	echo "cd $(printf '%q' "$PWD")"
	printf 'exec'
	printf ' %q' "$@"
	echo
} > "$outdir/cmd.sh"

# Keep the guest's own console quiet on our terminal, all in console.log.
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg,thread="${CRS_VM_TCG_THREAD:-single}" -cpu max -smp 2 -m "$mem" \
	-nodefaults -no-user-config -display none -nic none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic softlockup_panic=1 loglevel=7 crstest.run=$here/guest.sh crstest.dir=$outdir$builtin" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-serial "file:$outdir/console.log" -serial "file:$outdir/output.log" \
	</dev/null >"$outdir/qemu.log" 2>&1
qrc=$?

cat "$outdir/output.log" | grep -v '^CRS-EXIT: ' | tr -d '\r'
rc=$(sed -n 's/^CRS-EXIT: \([0-9]*\).*/\1/p' "$outdir/output.log" | tail -n1)
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "run.sh: guest timed out after ${timeout}s (log: $outdir/console.log)" >&2
	rc=124
elif [ -z "$rc" ]; then
	echo "run.sh: guest ended without an exit status (qemu $qrc; log: $outdir/console.log)" >&2
	tail -n 30 "$outdir/console.log" >&2
	rc=1
fi
scan='BUG:|WARNING:|Oops|Call Trace|Kernel panic'
[ -z "${CRS_VM_LOG_SCAN:-}" ] || scan="$scan|$CRS_VM_LOG_SCAN"
if grep -E -n "$scan" "$outdir/console.log" >&2; then
	echo "run.sh: the guest kernel log shows the problems above (log: $outdir/console.log)" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
