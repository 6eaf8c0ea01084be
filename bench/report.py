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
    Q = defaultdict(lambda: defaultdict(dict))  # Q[...] = speed probe ns
    B = defaultdict(lambda: defaultdict(list))  # B[loop][round] = [(ns, probe)]
    P = defaultdict(list)  # P[(type, n, match)] = [seconds]
    E = []
    info = {}
    iters = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "R" and len(f) in (6, 7):
            rnd, loop, arm, it, ns = int(f[1]), f[2], f[3], int(f[4]), float(f[5])
            pr = float(f[6]) if len(f) == 7 else -1.0
            iters[loop] = it
            if arm == "base":
                B[loop][rnd].append((ns, pr))
            else:
                R[loop][arm][rnd] = ns
                Q[loop][arm][rnd] = pr
        elif f[0] == "P" and len(f) == 6:
            P[(f[2], int(f[3]), int(f[4]))].append(float(f[5]))
        elif f[0] == "E" and len(f) in (8, 9):
            E.append(dict(rate=int(f[1]), secs=float(f[2]), generated=int(f[3]),
                          achieved=float(f[4]), received=int(f[5]),
                          reported=int(f[6]), status_lost=int(f[7]),
                          drain=float(f[8]) if len(f) == 9 else -1))
        elif f[0] == "I" and len(f) >= 3:
            info[f[1]] = "\t".join(f[2:])
    for loop in B:
        R[loop]["base"] = {r: statistics.mean(x[0] for x in v) for r, v in B[loop].items()}
        Q[loop]["base"] = {r: statistics.mean(x[1] for x in v) for r, v in B[loop].items()}
    return R, Q, B, P, E, info, iters


def normalized(R, Q):
    """ns divided by the speed probe of the same arm (see crsbench.c)."""
    N = defaultdict(lambda: defaultdict(dict))
    for loop in R:
        for arm in R[loop]:
            for r, ns in R[loop][arm].items():
                pr = Q[loop][arm].get(r, -1)
                if ns > 0 and pr > 0:
                    N[loop][arm][r] = ns / pr
    return N


def noise(B, loop, norm):
    """Second no-module run / first one, per round: the noise floor."""
    xs = []
    for r, v in sorted(B[loop].items()):
        if len(v) >= 2 and v[0][0] > 0 and v[1][0] > 0:
            if norm:
                if v[0][1] > 0 and v[1][1] > 0:
                    xs.append((v[1][0] / v[1][1]) / (v[0][0] / v[0][1]))
            else:
                xs.append(v[1][0] / v[0][0])
    return summ(xs)


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
    arms = ["base", "idle", "host", "hostread"]
    for n in COUNTS:
        arms += [f"crs-{n}-nomatch", f"crs-{n}-match"]
    arms += ["read-10000-nomatch", "unnamed-10-nomatch"]
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
    "hostread": "module loaded, caller on the host, a container bound to 10,000 READ rules (no SYSCALL rule)",
    "read-10000-nomatch": "crs governed, 10,000 READ rules and no SYSCALL rule, none match",
    "unnamed-10-nomatch": "crs governed, 10 rules of each type, none match, the call named by no stored policy",
}


def arm_desc(arm):
    if arm in ARM_DESC:
        return ARM_DESC[arm]
    kind, n, m = arm.split("-")
    n = f"{int(n):,}"
    if kind == "crs":
        return f"crs governed, {n} rules of each type, {'one matches' if m == 'match' else 'none match'}"
    if kind == "seccomp":
        return f"seccomp filter, {n} rules, {'one matches' if m == 'match' else 'none match'}"
    return f"nftables, {n} {'rules' if m == 'linear' else 'set elements'}, none match"


def main():
    raw, out_md, plotdir = sys.argv[1:4]
    extra = dict(a.split("=", 1) for a in sys.argv[4:])
    R, Q, B, P, E, info, iters = load(raw)
    N = normalized(R, Q)
    has_probe = any(N[loop] for loop in N)
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
    w(f"- wall time of the VM run: {extra.get('wall', '?')} s; qemu: {extra.get('qemu_mode', '?')}")
    if extra.get('qemu_mode', '').startswith('icount'):
        w("- under `-icount` guest nanoseconds are instructions executed: "
          "the figures below are path lengths, not times")
    for k, v in sorted(info.items()):
        if k.startswith("note"):
            w(f"- note: {v}")
    w("")
    w("Ratios are against the no-module arm of the same round, median over "
      "rounds with (min–max). Absolute times are from software emulation on "
      "a shared host and mean little; the ratios, measured side by side in "
      "one boot, are what compares. Each arm's time is the fastest of 5 "
      "batches. *Speed-normalized* divides each arm by a user-space speed "
      "probe run next to its batches (the emulated CPU's speed drifts with "
      "the host's load).\n")
    w("**Noise floor**: the no-module arm runs twice per round (before and "
      "after the seccomp/nftables arms); the ratio of the second to the "
      "first shows how far two identical arms differ here. Differences "
      "smaller than this spread are not resolved by this run.\n")
    w("| loop | second / first no-module run | same, speed-normalized |")
    w("|---|---:|---:|")
    for loop in LOOPS:
        w(f"| {loop} | {fmt(noise(B, loop, False))} | {fmt(noise(B, loop, True))} |")
    w("")

    for loop in LOOPS:
        w(f"## {LOOP_DESC[loop]}\n")
        w("| arm | median time | ratio to no module | speed-normalized |")
        w("|---|---:|---:|---:|")
        for arm in arms_of(loop):
            if arm not in R[loop]:
                continue
            r = [1.0] * len(R[loop]["base"]) if arm == "base" else ratios(R, loop, arm)
            rn = [1.0] * len(N[loop]["base"]) if arm == "base" else ratios(N, loop, arm)
            w(f"| {arm_desc(arm)} | {ns_med(R, loop, arm)} | {fmt(summ(r))} | "
              f"{fmt(summ(rn)) if has_probe else 'n/a'} |")
        w("")

    def ratio_table(title, head, align, rows):
        """A section of median ratios: rows are (label, [(loop, arm, ref), ...])."""
        w(title)
        w(head)
        w(align)
        for label, cells in rows:
            w(f"| {label} | " + " | ".join(fmt(summ(ratios(R, *c))) for c in cells) + " |")
        w("")

    MATCH = ("nomatch", "match")
    ratio_table("## Scaling: 10,000 rules against 10 rules (same round)\n",
                "| loop | none match | one matches |", "|---|---:|---:|",
                [(loop, [(loop, f"crs-10000-{m}", f"crs-10-{m}") for m in MATCH])
                 for loop in LOOPS])
    ratio_table("## crs SYSCALL rules against the same rules as a seccomp filter (getppid, crs / seccomp)\n",
                "| rules | none match | one matches |", "|---:|---:|---:|",
                [(f"{n:,}", [("getppid", f"crs-{n}-{m}", f"seccomp-{n}-{m}") for m in MATCH])
                 for n in COUNTS])
    ratio_table("## crs NETWORK_OUTBOUND rules against nftables (connect, crs / nftables, none match)\n",
                "| rules | crs / nft linear rules | crs / nft set |", "|---:|---:|---:|",
                [(f"{n:,}", [("connect", f"crs-{n}-nomatch", f"nft-{n}-{k}") for k in ("linear", "set")])
                 for n in COUNTS])

    w("## Policy push time (`crsnl policy push`, wall seconds, median (min–max) over rounds)\n")
    w("Mixed policies hold N rules of each of the four types (4×N rules); "
      "READ-only policies N READ rules.\n")
    w("| rules in the policy | READ only | mixed (SYSCALL, READ, NETWORK_OUTBOUND, Execution) |")
    w("|---:|---:|---:|")
    sizes = sorted({n for (_, n, _) in P})
    for n in sizes:
        cells = []
        for kind in ("read", "mixed"):
            v = P.get((kind, n, 0), []) + P.get((kind, n, 1), [])
            cells.append(fmt(summ(v), 2) if v else "")
        w(f"| {n:,} | " + " | ".join(cells) + " |")
    w("")

    if E:
        w("## Event throughput (SYSCALL denials, getppid, in a governed container, `crsnl events --format json` listening)\n")
        w("Each rate runs for a fixed time; the listener is stopped once its "
          "output has not grown for a second. *Unaccounted* = generated − "
          "received − lost; *drain* is how long the listener kept receiving "
          "after the generator stopped (the queues emptying); *delivered* = "
          "received / (seconds + drain), the rate the listener kept up.\n")
        w("| target rate /s | seconds | achieved rate /s | events generated | received | lost (reported to listener) | lost (crsnl status) | unaccounted | drain s | delivered /s |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for e in E:
            tr = "unpaced" if e["rate"] == 0 else f"{e['rate']:,}"
            lost = max(e["reported"], e["status_lost"])
            dl = e["received"] / (e["secs"] + max(e["drain"], 0))
            w(f"| {tr} | {e['secs']:.1f} | {e['achieved']:,.0f} | {e['generated']:,} | {e['received']:,} | "
              f"{e['reported']:,} | {e['status_lost']:,} | {e['generated'] - e['received'] - lost:,} | "
              f"{e['drain']:.1f} | {dl:,.0f} |")
        w("")

    # targets
    w("## Targets\n")
    T = []

    def target(name, s, limit, le=True, note="", sn=None):
        sn = fmt(sn) if has_probe else "n/a"
        if s is None:
            T.append(f"| {name} | n/a | {sn} | ≤ {limit} | not measured {note}|")
            return
        ok = s[0] <= limit
        T.append(f"| {name} | {fmt(s)} | {sn} | ≤ {limit} | {'**met**' if ok else '**missed**'} {note}|")

    def tgt(name, loop, arm, ref, limit):
        target(name, summ(ratios(R, loop, arm, ref)), limit,
               sn=summ(ratios(N, loop, arm, ref)))

    # issue 19's targets (path lengths under -icount): name, loop, arm, reference, limit
    H = "host caller, a container with{} SYSCALL rules bound / no module"
    G = "governed, {} / no module"
    for t in [
            ("getppid, module loaded, no container bound / no module", "getppid", "idle", "base", 1.02),
            ("open+close, module loaded, no container bound / no module", "open", "idle", "base", 1.01),
            ("getppid, " + H.format(""), "getppid", "host", "base", 1.02),
            ("open+close, " + H.format(""), "open", "host", "base", 1.01),
            ("getppid, " + H.format("out"), "getppid", "hostread", "base", 1.02),
            ("open+close, " + H.format("out"), "open", "hostread", "base", 1.01),
            ("getppid " + G.format("named by no stored policy, 10 rules"), "getppid", "unnamed-10-nomatch", "base", 1.10),
            ("getppid " + G.format("named by another stored policy, 10 rules"), "getppid", "crs-10-nomatch", "base", 1.10),
            ("open+close " + G.format("10 rules, none match"), "open", "crs-10-nomatch", "base", 1.05),
            ("open+close " + G.format("10,000 rules, none match"), "open", "crs-10000-nomatch", "base", 1.08),
            ("open+close governed, 10,000 rules / 10 rules (none match)", "open", "crs-10000-nomatch", "crs-10-nomatch", 1.03),
            ("open+close " + G.format("10,000 READ rules only"), "open", "read-10000-nomatch", "base", 1.08)]:
        tgt(*t)
    for loop in LOOPS:
        for m in ("nomatch", "match"):
            tgt(f"{loop}: 10,000 rules / 10 rules ({m})", loop, f"crs-10000-{m}", f"crs-10-{m}", 1.2)
    for n in COUNTS:
        for m in ("nomatch", "match"):
            tgt(f"getppid: crs / seccomp, {n:,} rules ({m})", "getppid", f"crs-{n}-{m}", f"seccomp-{n}-{m}", 1.0)
    w("Judged on the plain ratio (median over rounds); the speed-normalized "
      "figure is shown beside it.\n")
    w("| target | figure | speed-normalized | limit | result |")
    w("|---|---:|---:|---:|---|")
    L.extend(T)
    e50 = [e for e in E if e["rate"] == 50000]
    if e50:
        e = e50[0]
        lost = max(e["reported"], e["status_lost"], e["generated"] - e["received"])
        reached = e["achieved"] >= 0.95 * 50000
        res = ("**met**" if lost == 0 else "**missed**") if reached else \
            ("not reached: the generator managed %s/s under TCG; %s" %
             (f"{e['achieved']:,.0f}", "no loss there" if lost == 0 else f"{lost:,} lost"))
        w(f"| zero event loss at 50,000 events/s | {e['received']:,} received, {lost:,} lost "
          f"at {e['achieved']:,.0f}/s | | 0 lost | {res} |")
    w("")
    w("![cost against rule count](plot.png)\n")
    open(out_md, "w").write("\n".join(L) + "\n")

    os.makedirs(plotdir, exist_ok=True)
    # the compact table the README shows
    S = ["| loop | loaded, no container | host caller, container bound | "
         "host caller, container without SYSCALL rules | "
         "governed, 10 rules | governed, 10,000 rules, none match | "
         "governed, 10,000 rules, one matches | comparison at 10,000 rules |",
         "|---|---:|---:|---:|---:|---:|---:|---|"]
    for loop in LOOPS:
        cells = [fmt(summ(ratios(R, loop, a)), 3) for a in
                 ("idle", "host", "hostread", "crs-10-nomatch", "crs-10000-nomatch", "crs-10000-match")]
        cmp_ = ""
        if loop == "getppid":
            cmp_ = ("seccomp " + fmt(summ(ratios(R, loop, "seccomp-10000-nomatch")), 2) +
                    " / one matches " + fmt(summ(ratios(R, loop, "seccomp-10000-match")), 2))
        elif loop == "connect":
            cmp_ = ("nft rules " + fmt(summ(ratios(R, loop, "nft-10000-linear")), 2) +
                    " / nft set " + fmt(summ(ratios(R, loop, "nft-10000-set")), 2))
        S.append(f"| {loop} | " + " | ".join(cells) + f" | {cmp_} |")
    S.append("")
    S.append("Noise floor (second / first no-module run of a round): " + ", ".join(
        f"{loop} {fmt(noise(B, loop, False), 2)}" for loop in LOOPS))
    open(os.path.join(plotdir, "summary.md"), "w").write("\n".join(S) + "\n")

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
