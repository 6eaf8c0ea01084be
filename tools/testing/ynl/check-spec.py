#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/specs/crs.yaml against include/uapi/linux/crs.h.

The spec is loaded with the kernel's own YNL library (nlspec.py from
linux-source-6.12, which also validates it against the genetlink-legacy
schema), so numbering follows YNL's rules. The header is parsed here:
every enum, its members and values, and the type its comment states
("u8: ...", "nested: enum crs_x", ...). Checked both ways: every command,
attribute, enum and flag value, constant, multicast group, the family
name and version. TAP on stdout, kselftest "# Totals:" line at the end.

usage: check-spec.py YNL_DIR SCHEMA SPEC HEADER
"""
import re
import sys

ynl_dir, schema, spec_path, header = sys.argv[1:5]
sys.path.insert(0, ynl_dir)
from lib.nlspec import SpecFamily  # noqa: E402

results = []


def check(name, ok, diag=''):
    results.append((name, ok, diag))


def parse_header(path):
    text = open(path).read()
    defines = {}
    for m in re.finditer(r'^#define\s+(\w+)\s+(\S+)', text, re.M):
        v = m.group(2)
        defines[m.group(1)] = int(v, 0) if re.match(r'^(0x)?\d+$', v) else v.strip('"')
    enums = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\};', text, re.S):
        members = []		# (name, value, comment)
        val = -1
        pending = None
        body = re.sub(r'/\*(?:(?!\*/).)*\n(?:(?!\*/).)*\*/', '', m.group(2), flags=re.S)
        for line in body.split('\n'):
            line = line.strip()
            if not line:
                continue
            c = re.match(r'^/\*\s*(.*?)\s*\*/$', line)
            if c:
                pending = c.group(1)
                continue
            e = re.match(r'^(\w+)\s*(?:=\s*([^,/]+?))?\s*,?\s*(?:/\*\s*(.*?)\s*\*/)?$', line)
            if not e:
                raise SystemExit(f'cannot parse enum line: {line}')
            if e.group(2) is not None:
                expr = e.group(2)
                for n, v, _ in members:
                    expr = re.sub(r'\b%s\b' % n, str(v), expr)
                val = eval(expr.replace('U', ''))
            else:
                val += 1
            members.append((e.group(1), val, e.group(3) or pending))
            pending = None
        enums[m.group(1)] = members
    return defines, enums


def cname(prefix, name):
    return (prefix + name).upper().replace('-', '_')


TYPES = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64', 'string': 'string',
         'binary': 'binary', 'flag': 'flag', 'nested': 'nest'}


def real(members):
    """Members without UNSPEC and the __*_MAX / __*_ALL markers."""
    return [m for m in members if not m[0].startswith('__') and not m[0].endswith('_UNSPEC')]


defines, enums = parse_header(header)
fam = SpecFamily(spec_path, schema)
covered = set()

# family, version, groups, constants
check('family_name', defines.get('CRS_GENL_NAME') == fam.name,
      f"{defines.get('CRS_GENL_NAME')} vs {fam.name}")
check('family_version', defines.get('CRS_GENL_VERSION') == fam.yaml.get('version', 1))
hdr_groups = sorted(v for k, v in defines.items() if k.startswith('CRS_MCGRP_'))
check('multicast_groups', hdr_groups == sorted(fam.mcast_groups),
      f'{hdr_groups} vs {sorted(fam.mcast_groups)}')
for c in fam.consts.values():
    if not isinstance(c, dict):
        continue		# enums and flags: below
    n = cname('crs-', c['name'])
    check(f'const_{n}', defines.get(n) == c['value'], f'{defines.get(n)} vs {c["value"]}')

# enums and flags of the definitions
for e in fam.consts.values():
    if isinstance(e, dict):
        continue
    prefix = e.yaml.get('name-prefix', f'crs-{e.name}-')
    spec = {cname(prefix, k): v.user_value() for k, v in e.entries.items()}
    ename = e.yaml.get('enum-name')
    if ename:
        covered.add(ename)
        hdr = {n: v for n, v, _ in real(enums.get(ename, []))}
        where = f'enum {ename}'
    else:
        hdr = {k: v for k, v in defines.items() if k.startswith(prefix.upper().replace('-', '_'))}
        where = 'defines'
    check(f'{e.yaml["type"]}_{e.name}', spec == hdr, f'spec {spec}\nheader ({where}) {hdr}')

# operations
ops = fam.yaml['operations']
covered.add(ops['enum-name'])
spec_ops = {cname(ops['name-prefix'], o.name): o.value for o in fam.msgs.values()}
hdr_ops = {n: v for n, v, _ in real(enums['crs_cmd'])}
check('commands', spec_ops == hdr_ops, f'spec {spec_ops}\nheader {hdr_ops}')

# attribute sets
set_enum = {s.name: s.yaml['enum-name'] for s in fam.attr_sets.values()}
enum_enum = {e.name: e.yaml.get('enum-name') for e in fam.consts.values()
             if not isinstance(e, dict)}
for s in fam.attr_sets.values():
    ename = s.yaml['enum-name']
    covered.add(ename)
    prefix = s.yaml['name-prefix']
    hdr = real(enums.get(ename, []))
    spec = [(cname(prefix, a.name), a.value, a) for a in s.attrs.values()]
    names_ok = [(n, v) for n, v, _ in hdr] == [(n, v) for n, v, _ in spec]
    check(f'attrs_{ename}_names_and_values', names_ok,
          f'spec {[(n, v) for n, v, _ in spec]}\nheader {[(n, v) for n, v, _ in hdr]}')
    bad = []
    for (n, v, comment), (_, _, a) in zip(hdr, spec):
        word = re.match(r'^(\w+)', comment or '')
        t = TYPES.get(word.group(1)) if word else None
        if t is None and n.endswith('_PAD') and not comment:
            t = 'pad'
        if t != a.type:
            bad.append(f'{n}: header says {t} ({comment}), spec {a.type}')
            continue
        ref = re.search(r'enum (crs_\w+)', comment or '')
        if a.type == 'nest':
            got = set_enum.get(a.yaml.get('nested-attributes'))
            if ref and got != ref.group(1):
                bad.append(f'{n}: nests {ref.group(1)}, spec {got}')
            if not ref and not a.is_multi and 'repeated' not in (comment or ''):
                bad.append(f'{n}: header names no nested enum')
        elif ref:
            got = enum_enum.get(a.yaml.get('enum'))
            if got != ref.group(1):
                bad.append(f'{n}: enum {ref.group(1)}, spec {got}')
    check(f'attrs_{ename}_types', not bad, '\n'.join(bad))

# every crs enum of the header is in the spec
missing = sorted(set(enums) - covered)
check('every_header_enum_is_in_the_spec', not missing, f'missing: {missing}')

print('TAP version 13')
print(f'1..{len(results)}')
fail = 0
for i, (name, ok, diag) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {i} ynl_spec.{name}')
    if not ok:
        fail += 1
        for line in str(diag).split('\n'):
            print(f'# {line}')
print(f'# Totals: pass:{len(results) - fail} fail:{fail} xfail:0 xpass:0 skip:0 error:0')
sys.exit(1 if fail else 0)
