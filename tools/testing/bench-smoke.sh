#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check, part 4: `make bench` works end to end. One short round of
# bench/run.sh (every arm, the seccomp and nftables comparisons, events,
# policy pushes) into build/bench-smoke, then checks of the report's
# shape and of the event accounting, which is exact whatever the speed:
# for every rate, events generated = received + losses reported, and the
# losses reported = the losses `crsnl status` counted. No timing is
# judged (issue 10: timings are not pass/fail). TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=build/bench-smoke
rm -rf "$out"
n=0 fail=0
t() {	# t NAME OK
	n=$((n + 1))
	if [ "$2" = 1 ]; then echo "ok $n $1"; else echo "not ok $n $1"; fail=$((fail + 1)); fi
}
echo "TAP version 13"
CRS_VM_TCG_THREAD=single BENCH_RESULTS=$out BENCH_TIMEOUT=600 bash bench/run.sh --rounds 1 --arm-ms 20 \
	--event-secs 1 > build/bench-smoke.log 2>&1
rc=$?
tail -n 5 build/bench-smoke.log | sed 's/^/# /'
t "bench/run.sh exits 0" "$([ $rc -eq 0 ] && echo 1)"
md=$out/latest.md
raw=$(ls "$out"/raw/*.tsv 2>/dev/null | head -n1)
t "report and raw records written" "$([ -s "$md" ] && [ -s "${raw:-/nonexistent}" ] && echo 1)"
secs=$(grep -c '^## \(getppid\|open+close\|TCP connect\|fork+exec\)' "$md" 2>/dev/null)
t "a table for each of the four loops" "$([ "${secs:-0}" = 4 ] && echo 1)"
rows=$(grep -c '^| crs governed, 10,000 rules of each type, one matches |' "$md" 2>/dev/null)
t "every loop measured up to 10,000 rules" "$([ "${rows:-0}" = 4 ] && echo 1)"
t "seccomp and nftables comparisons measured" \
	"$(grep -q '^| seccomp filter, 10,000 rules, one matches |' "$md" && grep -q '^| nftables, 10,000 set elements, none match |' "$md" && echo 1)"
t "no arm failed to run (no negative time)" \
	"$(awk -F'\t' '$1 == "R" && $6 < 0 { bad = 1 } END { exit bad }' "$raw" && echo 1)"
ev=$(awk -F'\t' '$1 == "E"' "$raw" | wc -l)
t "event throughput measured at every rate (7 runs)" "$([ "$ev" = 7 ] && echo 1)"
t "events: generated = received + lost, and lost = crsnl status, at every rate" \
	"$(awk -F'\t' '$1 == "E" && ($4 != $6 + $7 || $7 != $8) { print "# " $0; bad = 1 } END { exit bad }' "$raw" && echo 1)"
t "targets table and plot written" \
	"$(grep -q '^## Targets' "$md" && [ -s "$out/plot.png" ] && echo 1)"
echo "1..$n"
echo "# Totals: pass:$((n - fail)) fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
