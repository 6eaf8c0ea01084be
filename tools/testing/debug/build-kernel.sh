#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once, the checking kernel (KASAN, lockdep, kmemleak, UBSAN, ...)
# from Debian's linux-source-6.1: x86_64_defconfig + kvm_guest.config +
# debug.config. The tree lives in DIR/src (DIR = $CRS_DEBUG_KERNEL_DIR,
# default build/kernel-debug); it is rebuilt only when the fragment or the
# source tarball changes (DIR/stamp holds the hash of both). Several
# worktrees can share one DIR: a lock serialises the builders.
#
# Prints DIR/src (the KDIR for crs.ko; bzImage in arch/x86/boot/) last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tarball=${CRS_DEBUG_KERNEL_SRC:-/usr/src/linux-source-6.1.tar.xz}
frag=$here/debug.config
dir=${CRS_DEBUG_KERNEL_DIR:-$top/build/kernel-debug}
jobs=${CRS_DEBUG_KERNEL_JOBS:-$(nproc)}

[ -r "$tarball" ] || { echo "build-kernel: $tarball missing (run tools/setup.sh)" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
exec 9>"$dir/.lock"
flock 9

stamp=$( (sha256sum < "$frag"; sha256sum < "$tarball") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ] &&
   [ -f "$dir/src/arch/x86/boot/bzImage" ] && [ -f "$dir/src/Module.symvers" ]; then
	echo "$dir/src"
	exit 0
fi

start=$(date +%s)
rm -f "$dir/stamp"
rm -rf "$dir/src" "$dir/src.tmp"
mkdir -p "$dir/src.tmp"
echo "build-kernel: extracting $tarball" >&2
tar -xJf "$tarball" -C "$dir/src.tmp" --strip-components=1
mv "$dir/src.tmp" "$dir/src"
cd "$dir/src"
make -s x86_64_defconfig >&2
scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config "$frag" >&2
make -s olddefconfig >&2
bash "$here/check-config.sh" "$frag" .config >&2
echo "build-kernel: make -j$jobs in $dir/src (log: $dir/build.log)" >&2
if ! make -j"$jobs" all > "$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	echo "build-kernel: kernel build failed (log: $dir/build.log)" >&2
	exit 1
fi
echo "$(( $(date +%s) - start ))" > "$dir/build-seconds"
echo "$stamp" > "$dir/stamp"
echo "build-kernel: built in $(cat "$dir/build-seconds")s" >&2
echo "$dir/src"
