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
# KVER: the Debian kernel to boot (/boot/vmlinuz-KVER, modules from
# /lib/modules/KVER); default tools/kver.sh's choice, as make's.
# CRS_VM_KERNEL: boot this bzImage instead (a self-built kernel).
# CRS_VM_MODDIR: its modules' directory (lib/modules/<release>); set but
# empty: everything the VM needs is built into the kernel.
#
# The host root is shared over 9p; a kernel without 9p (Debian's cloud
# flavour) gets it over virtiofs instead: qemu's virtiofsd serves a
# private, recursively read-only bind mount of / (CRS_VM_FS=9p|virtiofs
# forces one).
# A kernel image inside a built tree (SRC/arch/x86/boot/bzImage) gives the
# guest SRC's modules.builtin, so modprobe of a built-in feature succeeds.
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

kver=${KVER:-$(bash "$top/tools/kver.sh")} || exit 2
kernel=${CRS_VM_KERNEL:-/boot/vmlinuz-$kver}
moddir=${CRS_VM_MODDIR-/lib/modules/$kver}
[ -r "$kernel" ] || { echo "run.sh: $kernel missing (run tools/setup.sh)" >&2; exit 2; }
mkdir -p "$top/build/vm"
if [ -n "${CRS_VM_KERNEL:-}" ]; then
	initrd=$top/build/vm/initramfs-custom-$(echo "$kernel $moddir" | md5sum | cut -c1-12).gz
else
	initrd=$top/build/vm/initramfs-$kver.gz
fi
fs=${CRS_VM_FS:-9p}
if [ -z "${CRS_VM_FS:-}" ] && [ -n "$moddir" ] &&
   ! grep -qE '(^|/)9p\.ko' "$moddir/modules.dep" "$moddir/modules.builtin" 2>/dev/null; then
	fs=virtiofs
fi
initrd=${initrd%.gz}-$fs.gz
bash "$here/mkinitramfs.sh" "$kver" "$initrd" "$moddir" "$fs" || exit 2
builtin=
if [ -n "${CRS_VM_KERNEL:-}" ] && [ -z "$moddir" ]; then
	ktree=${kernel%/arch/x86/boot/bzImage}
	[ "$ktree" != "$kernel" ] && [ -f "$ktree/modules.builtin" ] &&
		builtin=" crstest.builtin=$ktree"
fi

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

share=(-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap)
vfsd=
if [ "$fs" = virtiofs ]; then
	sock=$outdir/virtiofs.sock
	ro=$(mktemp -d /tmp/crs-vm-root.XXXXXX)
	unshare -m --propagation private sh -c '
		mount --rbind / "$1" || exit 1
		findmnt -rn -o TARGET -R "$1" | while read -r m; do
			mount -o remount,bind,ro "$(printf "$m")" 2>/dev/null
		done
		exec /usr/lib/qemu/virtiofsd --socket-path="$2" -o source="$1" \
			-o cache=auto -o sandbox=namespace' sh "$ro" "$sock" \
		> "$outdir/virtiofsd.log" 2>&1 &
	vfsd=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	share=(-object "memory-backend-memfd,id=mem,size=${mem}M,share=on" -numa node,memdev=mem
	       -chardev "socket,id=vfs,path=$sock" -device vhost-user-fs-pci,chardev=vfs,tag=hostroot)
fi

# Keep the guest's own console quiet on our terminal, all in console.log.
# CRS_VM_CPU: qemu's -cpu (the checking kernel takes max,la57=off: one of
# its boots hit a KASAN report in identify_cpu() with 5-level paging,
# before crs was loaded).
# CRS_VM_SMP: vCPUs (default 2). CRS_VM_ICOUNT=1: qemu's instruction
# counting (-icount shift=0,sleep=off: guest time advances 1 ns per
# instruction, so a loop's time is its path length, repeatable across
# boots; bench/run.sh BENCH_ICOUNT=1); it needs single-threaded TCG.
# CRS_VM_APPEND: more kernel parameters; by default syscall.x32=y, so
# the x32 system call ABI (built but off in Debian's kernels) is on and
# the tests reach crs's x32 hook as a host that enables it would.
icount=()
[ "${CRS_VM_ICOUNT:-0}" = 1 ] && icount=(-icount shift=0,sleep=off)
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg,thread="${CRS_VM_TCG_THREAD:-single}" -cpu "${CRS_VM_CPU:-max}" \
	-smp "${CRS_VM_SMP:-2}" -m "$mem" "${icount[@]}" \
	-nodefaults -no-user-config -display none -nic none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic softlockup_panic=1 loglevel=7 crstest.run=$here/guest.sh crstest.dir=$outdir crstest.fs=$fs$builtin ${CRS_VM_APPEND-syscall.x32=y}" \
	"${share[@]}" \
	-serial "file:$outdir/console.log" -serial "file:$outdir/output.log" \
	</dev/null >"$outdir/qemu.log" 2>&1
qrc=$?
if [ -n "$vfsd" ]; then
	kill "$vfsd" 2>/dev/null
	wait "$vfsd" 2>/dev/null
	rmdir "$ro" 2>/dev/null
fi

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
