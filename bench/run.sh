#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boot the test VM, run bench/crsbench inside it (see its
# header for the arms and rounds; BENCH_MODE below for the two boots),
# and write the report:
#   bench/results/latest.md, bench/results/YYYY-MM-DD-HHMM.md  the table
#   bench/results/raw/YYYY-MM-DD-HHMM.tsv                       raw records
#   bench/results/plot.png, bench/results/plot.dat               the plot
#
# Usage: bench/run.sh [crsbench options...]   e.g. --rounds 1 --arm-ms 100
# Defaults: --rounds 5 --arm-ms 200 (sized so that the whole run stays
# under 15 minutes on a 2-core shared host).
# Environment: BENCH_RESULTS (directory for the report instead of
# bench/results: make check's smoke run uses it); BENCH_TIMEOUT (seconds,
# default 840); BENCH_PROFILE, a
# list of LOOP:RULES:MATCH to profile with perf in the guest after the
# rounds (e.g. "open:0:0 open:10000:0"; RULES 0 is the module loaded
# with no container bound), written to bench/results/profile-*.md.
# A profile-only run: BENCH_PROFILE="..." bench/run.sh --rounds 0 --no-events
# BENCH_MODE: both (default), icount (loops only) or wall (events only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"
res=${BENCH_RESULTS:-$here/results}
mkdir -p "$res/raw" build/bench
res=$(cd "$res" && pwd)

make -s all
make -s -C bench crsbench
# A snapshot of what is measured: the tree may be rebuilt while we run.
bin=$top/build/bench/bin
mkdir -p "$bin"
cp crs.ko userspace/crsnl "$bin/"
# seccomp filters are built here, natively (see crsbench.c), once
sdir=$top/build/bench/seccomp
if [ ! -f "$sdir/stamp" ] || [ "$here/crsbench.c" -nt "$sdir/stamp" ]; then
	echo "bench: building seccomp filters (libseccomp) ..."
	rm -rf "$sdir" && mkdir -p "$sdir"
	"$here/crsbench" --export-seccomp --seccomp-dir "$sdir"
	touch "$sdir/stamp"
fi

stamp=$(date -u +%Y-%m-%d-%H%M)
raw=$res/raw/$stamp.tsv
mode=${BENCH_MODE:-both}
host_load=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
echo "bench: booting the VM (qemu TCG, $mode); raw records go to $raw"
rc=0
prof=()
for p in ${BENCH_PROFILE:-}; do prof+=(--profile "$p"); done
# Two boots (BENCH_MODE, default "both"):
# - "icount": the loops on one vCPU under qemu's instruction counting
#   (-icount shift=0,sleep=off): guest time advances 1 ns per
#   instruction executed, so every loop figure is a path length,
#   repeatable across boots to about 0.5 % whatever the host's load;
# - "wall": event throughput only (--rounds 0), wall clock, two vCPUs
#   with a host thread each, as it depends on two CPUs working at once.
# make check's smoke run passes CRS_VM_TCG_THREAD=single for the second.
noevents=0
for a in "$@"; do [ "$a" = --no-events ] && noevents=1; done
if [ "$mode" = both ] || [ "$mode" = icount ]; then
	CRS_VM_ICOUNT=1 CRS_VM_SMP=1 CRS_VM_TCG_THREAD=single \
	bash tools/testing/vm/run.sh -t "${BENCH_TIMEOUT:-840}" -o build/bench/vm -- \
		bash bench/guest.sh "$bin" --seccomp-dir "$sdir" --rounds 5 --arm-ms 200 \
		"${prof[@]}" "$@" --no-events > "$raw" || rc=$?
fi
if { [ "$mode" = both ] || [ "$mode" = wall ]; } && [ $noevents = 0 ] && [ $rc = 0 ]; then
	CRS_VM_TCG_THREAD=${CRS_VM_TCG_THREAD:-multi} \
	bash tools/testing/vm/run.sh -t "${BENCH_TIMEOUT:-840}" -o build/bench/vm-wall -- \
		bash bench/guest.sh "$bin" --seccomp-dir "$sdir" "$@" --rounds 0 \
		| sed 's/^I\t/I\twall_/' >> "$raw" || rc=$?
fi
wall=$(( $(date +%s) - t0 ))
if [ $rc -ne 0 ]; then
	echo "bench: the VM run failed ($rc); partial records in $raw" >&2
	tail -n 20 "$raw" >&2
fi
if grep -q '^F' "$raw"; then
	python3 "$here/profile.py" "$raw" "$bin/crs.ko" > "$res/profile-$stamp.md"
	echo "bench: perf profiles in $res/profile-$stamp.md"
fi
if ! grep -q '^R' "$raw"; then
	rm -f "$raw"
	exit $rc
fi
python3 "$here/report.py" "$raw" "$res/$stamp.md" "$res" \
	"date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- kmod userspace include 2>/dev/null || echo ' (with uncommitted changes in kmod/userspace)')" \
	"host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
	"host_ncpu=$(nproc)" "host_kernel=$(uname -r)" "host_load=$host_load" \
	"wall=$wall" "qemu_mode=icount shift=0,sleep=off, 1 vCPU (loops); TCG ${CRS_VM_TCG_THREAD:-multi}-threaded, 2 vCPUs, wall clock (events)"
cp "$res/$stamp.md" "$res/latest.md"
gnuplot -e "dat='$res/plot.dat'; out='$res/plot.png'" "$here/plot.gp"
echo "bench: $res/latest.md, $res/plot.png (${wall}s in the VM)"
exit $rc
