#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn crsbench's records (bench/crsbench.c) into the markdown report,
the plot data and the gnuplot PNG.

Usage: report.py RAW.tsv OUT.md PLOTDIR [host-info-key=value ...]

Ratios: in each round every arm is divided by that round's no-module
baseline (the mean of the two base runs that bracket the comparisons),
then the median over rounds is reported with the min-max of the rounds.
"""
import os
import statistics
import subprocess
import sys
from collections import defaultdict

COUNTS = [1, 10, 100, 1000, 10000]
LOOPS = ["getppid", "open", "connect", "exec"]
LOOP_DESC = {
    "getppid": "getppid() (SYSCALL rules)",
    "open": "open+close (READ rules)",
    "connect": "TCP connect to 127.0.0.1 (NETWORK_OUTBOUND rules)",
    "exec": "fork+exec /bin/true (Execution rules)",
}


def load(path):
    R = defaultdict(lambda: defaultdict(dict))  # R[loop][arm][round] = ns
    P = defaultdict(list)  # P[(type, n, match)] = [seconds]
    E = []
    info = {}
    iters = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "R" and len(f) == 6:
            rnd, loop, arm, it, ns = int(f[1]), f[2], f[3], int(f[4]), float(f[5])
            iters[loop] = it
            if arm == "base":
                R[loop]["base"].setdefault(rnd, []).append(ns)
            else:
                R[loop][arm][rnd] = ns
        elif f[0] == "P" and len(f) == 6:
            P[(f[2], int(f[3]), int(f[4]))].append(float(f[5]))
        elif f[0] == "E" and len(f) == 8:
            E.append(dict(rate=int(f[1]), secs=float(f[2]), generated=int(f[3]),
                          achieved=float(f[4]), received=int(f[5]),
                          reported=int(f[6]), status_lost=int(f[7])))
        elif f[0] == "I" and len(f) >= 3:
            info[f[1]] = "\t".join(f[2:])
    for loop in R:
        R[loop]["base"] = {r: statistics.mean(v) for r, v in R[loop]["base"].items()}
    return R, P, E, info, iters


def ratios(R, loop, arm, ref="base"):
    """Per-round arm/ref ratios (rounds where both exist and are valid)."""
    a, b = R[loop].get(arm, {}), R[loop].get(ref, {})
    return [a[r] / b[r] for r in sorted(a) if r in b and a[r] > 0 and b[r] > 0]


def summ(xs):
    if not xs:
        return None
    return statistics.median(xs), min(xs), max(xs)


def fmt(s, digits=3):
    if s is None:
        return "n/a"
    med, lo, hi = s
    return f"{med:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def ns_med(R, loop, arm):
    v = [x for x in R[loop].get(arm, {}).values() if x > 0]
    if not v:
        return "n/a"
    m = statistics.median(v)
    return f"{m/1000:.1f} µs" if m >= 1000 else f"{m:.0f} ns"


def arms_of(loop):
    arms = ["base", "idle", "host"]
    for n in COUNTS:
        arms += [f"crs-{n}-nomatch", f"crs-{n}-match"]
    if loop == "getppid":
        for n in COUNTS:
            arms += [f"seccomp-{n}-nomatch", f"seccomp-{n}-match"]
    if loop == "connect":
        for n in COUNTS:
            arms += [f"nft-{n}-linear", f"nft-{n}-set"]
    return arms


ARM_DESC = {
    "base": "no module",
    "idle": "module loaded, no container bound",
    "host": "module loaded, caller on the host, a container bound",
}


def arm_desc(arm):
    if arm in ARM_DESC:
        return ARM_DESC[arm]
    kind, n, m = arm.split("-")
    n = f"{int(n):,}"
    if kind == "crs":
        return f"crs governed, {n} rules, {'one matches' if m == 'match' else 'none match'}"
    if kind == "seccomp":
        return f"seccomp filter, {n} rules, {'one matches' if m == 'match' else 'none match'}"
    return f"nftables, {n} {'rules' if m == 'linear' else 'set elements'}, none match"


def main():
    raw, out_md, plotdir = sys.argv[1:4]
    extra = dict(a.split("=", 1) for a in sys.argv[4:])
    R, P, E, info, iters = load(raw)
    rounds = sorted({r for loop in R for arm in R[loop] for r in R[loop][arm]})
    L = []
    w = L.append
    w("# crs benchmark results\n")
    w(f"- date: {extra.get('date', '?')}, commit {extra.get('commit', '?')}")
    w(f"- guest kernel: {info.get('kernel', '?')}, guest CPU: {info.get('guest_cpu', '?')} "
      f"({info.get('guest_ncpu', '?')} vCPUs, qemu **TCG** software emulation, `-cpu max`)")
    w(f"- host CPU: {extra.get('host_cpu', '?')} ({extra.get('host_ncpu', '?')} cores, shared), "
      f"host kernel {extra.get('host_kernel', '?')}, load average at start {extra.get('host_load', '?')}")
    w(f"- rounds: {len(rounds)}; iterations per arm: " +
      ", ".join(f"{l} {iters.get(l, '?')}" for l in LOOPS))
    w(f"- wall time of the VM run: {extra.get('wall', '?')} s")
    for k, v in sorted(info.items()):
        if k.startswith("note"):
            w(f"- note: {v}")
    w("")
    w("Ratios are against the no-module arm of the same round, median over "
      "rounds with (min–max). Absolute times are from software emulation on "
      "a shared host and mean little; the ratios, measured side by side in "
      "one boot, are what compares.\n")

    for loop in LOOPS:
        w(f"## {LOOP_DESC[loop]}\n")
        w("| arm | median time | ratio to no module |")
        w("|---|---:|---:|")
        for arm in arms_of(loop):
            if arm not in R[loop]:
                continue
            r = [1.0] * len(R[loop]["base"]) if arm == "base" else ratios(R, loop, arm)
            w(f"| {arm_desc(arm)} | {ns_med(R, loop, arm)} | {fmt(summ(r))} |")
        w("")

    # scaling
    w("## Scaling: 10,000 rules against 10 rules (same round)\n")
    w("| loop | none match | one matches |")
    w("|---|---:|---:|")
    for loop in LOOPS:
        cells = [fmt(summ(ratios(R, loop, f"crs-10000-{m}", f"crs-10-{m}")))
                 for m in ("nomatch", "match")]
        w(f"| {loop} | {cells[0]} | {cells[1]} |")
    w("")
    w("## crs SYSCALL rules against the same rules as a seccomp filter (getppid, crs / seccomp)\n")
    w("| rules | none match | one matches |")
    w("|---:|---:|---:|")
    for n in COUNTS:
        cells = [fmt(summ(ratios(R, "getppid", f"crs-{n}-{m}", f"seccomp-{n}-{m}")))
                 for m in ("nomatch", "match")]
        w(f"| {n:,} | {cells[0]} | {cells[1]} |")
    w("")
    w("## crs NETWORK_OUTBOUND rules against nftables (connect, crs / nftables, none match)\n")
    w("| rules | crs / nft linear rules | crs / nft set |")
    w("|---:|---:|---:|")
    for n in COUNTS:
        cells = [fmt(summ(ratios(R, "connect", f"crs-{n}-nomatch", f"nft-{n}-{k}")))
                 for k in ("linear", "set")]
        w(f"| {n:,} | {cells[0]} | {cells[1]} |")
    w("")

    w("## Policy push time (`crsnl policy push`, wall seconds, median (min–max) over rounds)\n")
    w("| rules | READ | SYSCALL | NETWORK_OUTBOUND | Execution |")
    w("|---:|---:|---:|---:|---:|")
    for n in COUNTS:
        cells = []
        for t in ("file", "sys", "net", "exec"):
            v = P.get((t, n, 0), []) + P.get((t, n, 1), [])
            cells.append(fmt(summ(v), 2))
        w(f"| {n:,} | " + " | ".join(cells) + " |")
    w("")

    if E:
        w("## Event throughput (READ denials in a governed container, `crsnl events --format json` listening)\n")
        w("| target rate /s | achieved rate /s | events generated | received | lost (reported to listener) | lost (crsnl status) |")
        w("|---:|---:|---:|---:|---:|---:|")
        for e in E:
            tr = "unpaced" if e["rate"] == 0 else f"{e['rate']:,}"
            w(f"| {tr} | {e['achieved']:,.0f} | {e['generated']:,} | {e['received']:,} | "
              f"{e['reported']:,} | {e['status_lost']:,} |")
        w("")

    # targets
    w("## Targets\n")
    T = []

    def target(name, s, limit, le=True, note=""):
        if s is None:
            T.append(f"| {name} | n/a | {'≤' if le else '≥'} {limit} | not measured {note}|")
            return
        ok = s[0] <= limit if le else s[0] >= limit
        T.append(f"| {name} | {fmt(s)} | ≤ {limit} | {'**met**' if ok else '**missed**'} {note}|")

    target("open+close, module loaded, no container bound / no module",
           summ(ratios(R, "open", "idle")), 1.02)
    target("open+close, host caller while a container is bound / no module",
           summ(ratios(R, "open", "host")), 1.02)
    target("open+close, governed, 10,000 READ rules, none match / no module",
           summ(ratios(R, "open", "crs-10000-nomatch")), 1.10)
    target("open+close, governed, 10,000 READ rules, one matches / no module",
           summ(ratios(R, "open", "crs-10000-match")), 1.10)
    for loop in LOOPS:
        for m in ("nomatch", "match"):
            target(f"{loop}: 10,000 rules / 10 rules ({m})",
                   summ(ratios(R, loop, f"crs-10000-{m}", f"crs-10-{m}")), 1.2)
    for n in COUNTS:
        for m in ("nomatch", "match"):
            target(f"getppid: crs / seccomp, {n:,} rules ({m})",
                   summ(ratios(R, "getppid", f"crs-{n}-{m}", f"seccomp-{n}-{m}")), 1.0)
    w("| target | figure | limit | result |")
    w("|---|---:|---:|---|")
    L.extend(T)
    e50 = [e for e in E if e["rate"] == 50000]
    if e50:
        e = e50[0]
        lost = max(e["reported"], e["status_lost"])
        reached = e["achieved"] >= 0.95 * 50000
        res = ("**met**" if lost == 0 else "**missed**") if reached else \
            ("not reached: the generator managed %s/s under TCG; %s" %
             (f"{e['achieved']:,.0f}", "no loss there" if lost == 0 else f"{lost:,} lost"))
        w(f"| zero event loss at 50,000 events/s | {e['received']:,} received, {lost:,} lost "
          f"at {e['achieved']:,.0f}/s | 0 lost | {res} |")
    w("")
    w("![cost against rule count](plot.png)\n")
    open(out_md, "w").write("\n".join(L) + "\n")

    # plot data: ratio to base against rule count
    os.makedirs(plotdir, exist_ok=True)
    series = [
        ("getppid", "crs-{}-nomatch", "crs SYSCALL (none match)"),
        ("getppid", "crs-{}-match", "crs SYSCALL (one matches)"),
        ("getppid", "seccomp-{}-nomatch", "seccomp (none match)"),
        ("getppid", "seccomp-{}-match", "seccomp (one matches)"),
        ("open", "crs-{}-nomatch", "crs READ (none match)"),
        ("open", "crs-{}-match", "crs READ (one matches)"),
        ("connect", "crs-{}-nomatch", "crs NETWORK (none match)"),
        ("connect", "crs-{}-match", "crs NETWORK (one matches)"),
        ("connect", "nft-{}-linear", "nftables linear rules"),
        ("connect", "nft-{}-set", "nftables set"),
        ("exec", "crs-{}-nomatch", "crs Execution (none match)"),
        ("exec", "crs-{}-match", "crs Execution (one matches)"),
    ]
    with open(os.path.join(plotdir, "plot.dat"), "w") as f:
        for loop, pat, title in series:
            f.write(f'"{loop}: {title}"\n')
            for n in COUNTS:
                s = summ(ratios(R, loop, pat.format(n)))
                if s:
                    f.write(f"{n} {s[0]:.4f} {s[1]:.4f} {s[2]:.4f}\n")
            f.write("\n\n")


if __name__ == "__main__":
    main()
