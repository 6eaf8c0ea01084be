#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the small initramfs the VM boots: static busybox, the virtio/9p/
# overlay modules with their dependencies (from MODDIR's modules.dep, in
# load order, decompressed: 6.12 ships .ko.xz; a module the kernel has
# built in is skipped), and an init that mounts the host's root read-only
# over 9p with a tmpfs overlay and switch_roots into it.
#
# Usage: mkinitramfs.sh KVER OUT [MODDIR [FS]]
# FS: how the host root is shared, 9p (default) or virtiofs.
# MODDIR: the kernel's modules (default /lib/modules/KVER); an empty
# MODDIR means everything needed is built into the kernel.
set -euo pipefail
kver=$1
out=$2
moddir=${3-/lib/modules/$kver}
here=$(cd "$(dirname "$0")" && pwd)
fs=${4:-9p}
case $fs in
9p) want=(virtio_pci 9pnet_virtio 9p overlay) ;;
virtiofs) want=(virtio_pci virtiofs overlay) ;;
*) echo "mkinitramfs: FS is 9p or virtiofs" >&2; exit 2 ;;
esac

dep=
[ -z "$moddir" ] || dep=$moddir/modules.dep
stamp="$kver $moddir $fs $(stat -c %Y "$here/init" "$0" /bin/busybox ${dep:+"$dep"} | tr '\n' ' ')"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,host,rw,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
: > "$tmp/lib/modules/order"
if [ -n "$moddir" ]; then
	[ -r "$dep" ] || { echo "mkinitramfs: $dep missing" >&2; exit 1; }
	declare -A done=()
	for m in "${want[@]}"; do
		line=$(grep -E "(^|/)$m\\.ko(\\.[a-z]+)?:" "$dep" || true)
		if [ -z "$line" ]; then
			grep -qE "(^|/)$m\\.ko\$" "$moddir/modules.builtin" 2>/dev/null && continue
			echo "mkinitramfs: $kver has no $m module, built in or not (the VM needs virtio, $fs and overlayfs)" >&2
			exit 1
		fi
		# modules.dep: "mod: deps", deps to be loaded last-listed first
		read -r -a files <<<"${line/:/}"
		order=()
		for ((i = ${#files[@]} - 1; i >= 1; i--)); do order+=("${files[i]}"); done
		order+=("${files[0]}")
		for f in "${order[@]}"; do
			n=$(basename "$f"); n=${n%%.ko*}
			[ -z "${done[$n]:-}" ] || continue
			done[$n]=1
			case $f in
			*.ko.xz) xz -dc "$moddir/$f" > "$tmp/lib/modules/$n.ko" ;;
			*.ko.zst) zstd -qdc "$moddir/$f" > "$tmp/lib/modules/$n.ko" ;;
			*.ko.gz) gzip -dc "$moddir/$f" > "$tmp/lib/modules/$n.ko" ;;
			*) cp "$moddir/$f" "$tmp/lib/modules/$n.ko" ;;
			esac
			echo "$n" >> "$tmp/lib/modules/order"
		done
	done
fi
install -m 0755 "$here/init" "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$stamp" > "$out.stamp"
