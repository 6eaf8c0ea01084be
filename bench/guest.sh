#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM (bench/run.sh): record the machine, load what the
# comparisons need, run the driver. Records on stdout (see crsbench.c).
# Usage: guest.sh BINDIR [crsbench options...]   (BINDIR: crs.ko, crsnl)
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$1
shift
echo "I	kernel	$(uname -r)"
echo "I	guest_cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "I	guest_ncpu	$(nproc)"
echo "I	guest_mem_kb	$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
modprobe nf_tables || echo "I	note	modprobe nf_tables failed"
# crs loads these on its first apply; load them now so that no round pays it
for m in nf_conntrack nf_socket_ipv4 nf_socket_ipv6 nf_reject_ipv4 nf_reject_ipv6; do
	modprobe "$m" || echo "I	note	modprobe $m failed"
done
# connect loop: enough ephemeral ports, no TIME_WAIT build-up
sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
ulimit -n 65536
# The root is the host's, over 9p with no cache, under a tmpfs overlay:
# every exec of a file there pages it in over 9p again (fork+exec of
# /bin/true took 0.4 s). Copy up (touch) the programs the loops run and
# their libraries, so that they come from tmpfs.
for p in /usr/bin/true "$bin/crsnl" "$top/bench/crsbench" \
	 "$(command -v nft)" "$(command -v insmod)" "$(command -v rmmod)" \
	 "$(command -v perf)"; do
	for f in "$p" $(ldd "$p" 2>/dev/null | grep -o '/[^ ]*'); do
		touch -c "$(readlink -f "$f")"
	done
done
exec "$top/bench/crsbench" --bin "$bin" "$@"
