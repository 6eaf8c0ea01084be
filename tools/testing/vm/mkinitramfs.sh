#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the small initramfs the VM boots: static busybox, the virtio/9p/
# overlay modules, and an init that mounts the host's root read-only over
# 9p with a tmpfs overlay and switch_roots into it.
#
# Usage: mkinitramfs.sh KVER OUT
# The modules come from $CRS_VM_MODDIR (default /lib/modules/KVER); set
# and empty, the kernel has them built in and the initramfs holds none.
set -euo pipefail
kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=${CRS_VM_MODDIR-/lib/modules/$kver}
mods=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
      netfs fscache 9pnet 9pnet_virtio 9p overlay)
[ -n "$moddir" ] || mods=()

stamp="$kver moddir=$moddir $(stat -c %Y "$here/init" "$0" /bin/busybox | tr '\n' ' ')"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,host,rw,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
for m in "${mods[@]}"; do
	f=$(find "$moddir" -name "$m.ko" -print -quit)
	[ -n "$f" ] || { echo "mkinitramfs: module $m.ko not found in $moddir" >&2; exit 1; }
	cp "$f" "$tmp/lib/modules/"
done
printf '%s\n' "${mods[@]}" | grep . > "$tmp/lib/modules/order" || true
install -m 0755 "$here/init" "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
