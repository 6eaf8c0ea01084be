#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every arrow among the module's files points down a layer.

An arrow runs from a to b when a.o uses a symbol b.o defines (from nm),
or a.c or a.h includes "b.h" (a.h is a.c's header; crs.h, compat.h
and genl_msg.h are the bottom, below every layer). Files of one layer
may use each other, but not in a circle of any length. Calls through function
pointers handed down at init are not arrows (that is the way up).
Usage: layers.py [DIR] (DIR holds kmod/*.c and the built kmod/*.o,
newer than every source; default: this tree). Prints each violation;
exits 1 on any.
"""
import glob
import os
import re
import subprocess
import sys

# Bottom up; docs/development.md, "Layout", says what each holds.
LAYERS = [
    'policy_nl root event_nl',          # wire formats, a container's root
    'policy program container',         # the model: policies, programs, containers
    'file_rules file_bind net_rules syscall_rules',   # the matchers
    'event',
    'learn',
    'verdict',
    'hook_deny',                        # what a hook handler may do
    'file net_sock syscall',            # hook handlers
    'net',                              # netfilter hooks, netns attach
    'container_bind',                   # a container's life
    'hooks',                            # the hook table
    'netlink_policy netlink_container', # the control plane
    'netlink',
    'main',
]
# Defined in main.c, declared in crs.h (the bottom): the module's globals.
GLOBALS = {'crs_lock', 'crs_wq', 'crs_stats'}


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..')
    kmod = os.path.join(top, 'kmod')
    layer = {}
    for i, names in enumerate(LAYERS):
        for n in names.split():
            layer[n] = i
    files = sorted(os.path.basename(f)[:-2]
                   for f in glob.glob(os.path.join(kmod, '*.c')))
    bad = [f for f in files if f not in layer]
    for f in bad:
        print(f'layers: kmod/{f}.c is in no layer (tools/testing/layers.py)')
    defs, uses = {}, {}
    for f in files:
        o = os.path.join(kmod, f + '.o')
        if not os.path.exists(o):
            print(f'layers: {o} not built')
            return 1
        src = os.path.join(kmod, f + '.c')
        deps = [src] + [os.path.join(kmod, h + '.h') for h in
                        re.findall(r'#include "(\w+)\.h"', open(src).read())]
        if os.path.getmtime(o) < max(os.path.getmtime(d) for d in deps
                                     if os.path.exists(d)):
            print(f'layers: {o} is older than the sources: build first')
            return 1
        out = subprocess.run(['nm', o], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDBR':
                defs[p[2]] = f
            elif len(p) == 2 and p[0] == 'U':
                uses.setdefault(f, set()).add(p[1])
    arrows = {}
    for f, syms in uses.items():
        for s in syms - GLOBALS:
            d = defs.get(s)
            if d and d != f:
                arrows.setdefault((f, d), set()).add(s)

    for path in glob.glob(os.path.join(kmod, '*.[ch]')):
        f = os.path.basename(path)[:-2]
        for h in re.findall(r'#include "(\w+)\.h"', open(path).read()):
            if h == f or h in ('crs', 'compat', 'genl_msg'):
                continue
            if h not in layer or f not in layer:
                print(f'layers: kmod/{os.path.basename(path)} includes '
                      f'"{h}.h", which belongs to no layer')
                bad.append(h)
                continue
            arrows.setdefault((f, h), set()).add(f'#include "{h}.h"')
    n = len(bad)
    for (a, b), why in sorted(arrows.items()):
        if layer.get(a, -1) < layer.get(b, -1):
            print(f'layers: {a} (layer {layer[a]}) -> {b} (layer '
                  f'{layer[b]}), upward: {" ".join(sorted(why))}')
            n += 1
    # circles inside a layer, of any length
    for circle in circles(arrows, layer):
        print('layers: a circle in one layer: ' + ' -> '.join(circle))
        n += 1
    print(f'layers: {len(files)} files, {len(arrows)} arrows, {n} wrong')
    return 1 if n else 0


def circles(arrows, layer):
    """One circle through each group of files that reach each other."""
    succ = {}
    for a, b in arrows:
        if a in layer and layer.get(a) == layer.get(b):
            succ.setdefault(a, set()).add(b)
    found, done = [], set()
    for start in sorted(succ):
        if start in done:
            continue
        # depth-first search for a path back to start
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(succ.get(node, ())):
                if nxt == start:
                    found.append(path + [start])
                    done.update(path)
                    stack = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


if __name__ == '__main__':
    sys.exit(main())
