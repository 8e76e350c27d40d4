#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""matrix-doc.py NAME=SUITE.t ... > docs/matrix.md

docs/matrix.md, written from the suite's TAP of each kernel, never typed:
the matrix per kernel, and every cell whose outcome differs between
kernels with the rule (kernel function, range, commit) that decides it on
each; then the same for the driver profiles (what each driver answers for
each kind of memory).  NAMEs are vm/kernels.list's, in its order.
"""
import re
import sys

CELL = re.compile(r'^(?:not )?ok \d+ - matrix (\S+) (\S+) (read|write) '
                  r'(short|long)-term: (.*) \[rule (\d+)\]$')
RULE = re.compile(r'^#   rule (\d+)(?: \(not this kernel\))?: (.*)$')
DCELL = re.compile(r'^(?:not )?ok \d+ - drivers (\S+) (\S+): (\S+) \[(.*)\] '
                   r'\[rule (\d+)\]$')
CODES = [  # outcome text -> one letter for the grid
    ('pinned fresh', 'F'), ('pinned the mapped', 'H'), ('pinned', 'P'),
    ('nothing pinned', '0'), ('GUP refuses', 'X'), ('module refuses', 'M'),
    ('memory not available', 'N'),
]
LEGEND = """\
| letter | outcome |
|---|---|
| P | pinned every page that was mapped |
| F | pinned fresh pages: GUP faulted in new ones (COW, unshare) |
| 0 | nothing pinned, no errno (GUP-fast only) |
| X | GUP refused with an errno |
| M | the module refused: the kernel would WARN, or lacks the path |
| N | the kind of memory does not exist in this kernel |
"""


def code(text):
    for prefix, letter in CODES:
        if text.startswith(prefix):
            return letter
    return '?'


def read_drivers(path):
    """Driver cells: (driver, kind) -> (answer, why); drivers, kinds in order."""
    cells, drivers, kinds = {}, [], []
    with open(path) as f:
        for line in f:
            m = DCELL.match(line.rstrip('\n'))
            if not m:
                continue
            drv, kind, answer, why, _ = m.groups()
            if drv not in drivers:
                drivers.append(drv)
            if kind not in kinds:
                kinds.append(kind)
            cells[(drv, kind)] = (answer, why)
    return cells, drivers, kinds


def drivers_doc(names, paths):
    runs = [(n, *read_drivers(p)) for n, p in zip(names, paths)]
    drivers, kinds = runs[0][2], runs[0][3]
    out = ['# Driver profiles on every kernel', '',
           'What each driver (`gupctl profiles`, `gupctl pin --as`) returns to '
           'userspace for 16 pages of each kind of memory, its profile as it is '
           'on that kernel: `ok`, `no-pin` (it maps the pfns without a pin), or '
           'the errno. `/r`: the device only reads (a read-only MR, an output '
           'queue, a write() from the buffer). The suite asserts every cell '
           '(tests/drivers.c); docs/profiles.md has the profiles.', '']
    for name, cells, _, _ in runs:
        out += [f'## Drivers on {name}', '', '| kind | ' + ' | '.join(drivers) + ' |',
                '|---' * (len(drivers) + 1) + '|']
        for kind in kinds:
            out.append(f'| {kind} | ' + ' | '.join(
                f'`{cells[(d, kind)][0]}`' if (d, kind) in cells else '.'
                for d in drivers) + ' |')
        out.append('')
    groups = {}
    for d in drivers:
        for kind in kinds:
            per = tuple(r[1].get((d, kind), ('-', '')) for r in runs)
            if len({a for a, _ in per}) > 1:
                groups.setdefault(tuple(per), []).append((d, kind))
    out += ['## Driver cells that differ between kernels', '',
            f'{sum(len(v) for v in groups.values())} cells in {len(groups)} groups; '
            'each kernel\'s answer, and the rule of the suite that decides it there.',
            '']
    for n, (per, keys) in enumerate(groups.items(), 1):
        out.append(f'### {n}. ' + ', '.join(f'{d} {k}' for d, k in keys))
        out.append('')
        out.append('| kernel | answer | decided by |')
        out.append('|---|---|---|')
        for (name, *_), (answer, why) in zip(runs, per):
            out.append(f'| {name} | {answer} | {why.replace("|", chr(92) + "|")} |')
        out.append('')
    return out


def read(path):
    cells, rules, kinds, paths, passed = {}, {}, [], [], True
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            m = RULE.match(line)
            if m:
                rules[int(m.group(1))] = m.group(2)
                continue
            if line.startswith('not ok'):
                passed = False
            m = CELL.match(line)
            if not m:
                continue
            kind, path, rw, term, text, rule = m.groups()
            if kind not in kinds:
                kinds.append(kind)
            if path not in paths:
                paths.append(path)
            cells[(kind, path, rw, term)] = (text, int(rule))
    return cells, rules, kinds, paths, passed


def main():
    runs, names, files = [], [], []
    for arg in sys.argv[1:]:
        name, path = arg.split('=', 1)
        runs.append((name, *read(path)))
        names.append(name)
        files.append(path)
    if not runs:
        sys.exit('usage: matrix-doc.py NAME=SUITE.t ...')
    kinds, paths = runs[0][3], runs[0][4]
    order = [(rw, term) for term in ('short', 'long') for rw in ('read', 'write')]
    out = ['# The matrix on every kernel', '',
           'Generated by `scripts/matrix-doc.py` from the TAP of one '
           '`make check` (every kind of memory x every path x read/write x '
           'short/long-term, 16 pages a cell); do not edit.  Each cell of the '
           'suite asserts exact counts per page; here only the outcome.', '',
           'Kernels: ' + ', '.join(
               f'{n}{"" if ok else " (had failures)"}' for n, _, _, _, _, ok in runs)
           + '.', '', LEGEND,
           'In the grids each cell is four letters: read short-term, write '
           'short-term, read long-term, write long-term.', '']
    for name, cells, _, _, _, _ in runs:
        out += [f'## {name}', '', '| kind | ' + ' | '.join(paths) + ' |',
                '|---' * (len(paths) + 1) + '|']
        for kind in kinds:
            row = [''.join(code(cells[(kind, p, rw, t)][0])
                           if (kind, p, rw, t) in cells else '.'
                           for rw, t in order) for p in paths]
            out.append(f'| {kind} | ' + ' | '.join(f'`{c}`' for c in row) + ' |')
        out.append('')

    # Cells whose outcome differs, grouped by what each kernel does.
    groups = {}
    for kind in kinds:
        for p in paths:
            for rw, t in order:
                key = (kind, p, rw, t)
                per = tuple((r[1].get(key, ('-', 0))) for r in runs)
                texts = tuple(text for text, _ in per)
                if len(set(texts)) > 1:
                    groups.setdefault(texts, ([], per))[0].append(key)
    out += ['## Cells that differ between kernels', '',
            f'{sum(len(v[0]) for v in groups.values())} cells in {len(groups)} '
            'groups; each kernel\'s outcome, and the rule of the suite that '
            'decides it there.', '']
    for n, (keys, per) in enumerate(groups.values(), 1):
        ps = ', '.join(sorted({k[1] for k in keys}))
        out.append(f'### {n}. {ps}: {len(keys)} cell{"s" if len(keys) > 1 else ""}')
        out.append('')
        out += describe(keys)
        out.append('')
        out.append('| kernel | outcome | decided by |')
        out.append('|---|---|---|')
        for (name, _, rules, _, _, _), (text, rule) in zip(runs, per):
            out.append(f'| {name} | {text} | {why(rules.get(rule, ""))} |')
        out.append('')
    out += drivers_doc(names, files)
    print('\n'.join(out).rstrip('\n'))


def why(rule):
    """The rule's reason and commit, without its outcome (the column has it)."""
    m = re.match(r'^(.*?)(?:: (.*))? \[(.*)\]$', rule)
    if not m:
        return rule.replace('|', '\\|')
    reason = m.group(2) or 'the model in expect.c'
    return f'{reason} [{m.group(3)}]'.replace('|', '\\|')


def describe(keys):
    """One line per path and mode: the kinds of memory it holds for."""
    lines = {}
    for kind, path, rw, term in keys:
        lines.setdefault(f'{path} {rw} {term}-term', []).append(kind)
    return [f'- {mode}: {", ".join(kinds)}' for mode, kinds in lines.items()]


if __name__ == '__main__':
    main()
