#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tidy crsbench's perf profiles ("F spec line" records).

perf in the guest reports crs.ko's functions as offsets (the module is
unloaded before the report runs); resolve them with addr2line against the
crs.ko that was measured, name the ftrace trampolines, merge lines that
name the same function and print one table per profiled arm.

Usage: profile.py RAW.tsv CRS.KO > profile.txt
"""
import re
import subprocess
import sys
from collections import OrderedDict, defaultdict


def resolve(ko, addrs):
    if not addrs:
        return {}
    out = subprocess.run(["addr2line", "-f", "-e", ko] + addrs,
                         capture_output=True, text=True).stdout.split("\n")
    return {a: out[2 * i] for i, a in enumerate(addrs)}


def main():
    raw, ko = sys.argv[1:3]
    prof = OrderedDict()
    chains = defaultdict(list)
    for line in open(raw):
        f = line.rstrip("\n").split("\t")
        if f[0] == "G" and len(f) >= 3:
            chains[f[1]].append("\t".join(f[2:]))
            continue
        if f[0] != "F" or len(f) < 3:
            continue
        m = re.match(r"\s*([\d.]+)%\s+\[(.)\]\s+(\S+)", f[2])
        if m:
            prof.setdefault(f[1], []).append((float(m.group(1)), m.group(2), m.group(3)))
    small = {s for rows in prof.values() for _, k, s in rows
             if k == "k" and re.fullmatch(r"0x0*[0-9a-f]{1,6}", s)}
    hexre = re.compile(r"\b0x0*[0-9a-f]{1,6}\b")
    for lines in chains.values():
        for ln in lines:
            small.update(hexre.findall(ln))
    names = resolve(ko, sorted(small))
    for spec in chains:
        chains[spec] = [hexre.sub(lambda m: f"{names[m.group(0)]}[crs]"
                                  if names.get(m.group(0), "??") != "??" else m.group(0), ln)
                        for ln in chains[spec]]
    for spec, rows in prof.items():
        loop, n, m = spec.split(":")
        what = ("module loaded, no container bound" if n == "0" else
                f"governed, {int(n):,} rules of each type, {'one matches' if m == '1' else 'none match'}")
        agg = defaultdict(float)
        for pct, kind, sym in rows:
            if sym in names and names[sym] not in ("??", ""):
                sym = f"{names[sym]} [crs]"
            elif kind == "k" and sym.startswith("0xffffffffc"):
                sym = "(ftrace trampoline of the kprobes)"
            elif kind == ".":
                sym = "(user space)"
            agg[sym] += pct
        busy = 100.0 - agg.get("native_safe_halt", 0.0)
        print(f"## {loop}: {what}\n")
        print("perf record -a -g, cpu-clock; share of all samples, and of the "
              "samples not in the idle loop\n")
        print("| symbol | all | busy |")
        print("|---|---:|---:|")
        for sym, pct in sorted(agg.items(), key=lambda x: -x[1]):
            if sym == "native_safe_halt":
                continue
            print(f"| {sym} | {pct:.1f}% | {100 * pct / busy:.1f}% |")
        print()
        if chains.get(spec):
            print("Callers of the symbols above 5 %:\n")
            print("```")
            print("\n".join(chains[spec]))
            print("```\n")


if __name__ == "__main__":
    main()
