#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest run into results, and results into the closing line.

  verdict.py run LABEL RUNDIR RESULTS   parse RUNDIR/ktap.txt (nested KTAP),
                                        RUNDIR/host.txt and RUNDIR/console.log,
                                        append PASS/FAIL/SKIP lines to RESULTS
  verdict.py summary RESULTS...         print every result and the closing
                                        line "N passed, N failed, N skipped"

A console with a kernel warning, oops, BUG, lockdep, KASAN or kmemleak
report, an IOMMU translation fault, or a panic, fails the run even when every test passed.
"""
import re
import sys

RESULT = re.compile(r'^(ok|not ok)\s+(\d+)\s*-?\s*([^#]*?)\s*(?:#\s*(.*))?$')
HOST = re.compile(r'^(ok|not ok)\s+([^#]*?)\s*(?:#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)')
# kselftest_harness's "#  RUN  name ..." line, which names a test whose
# result line does not (6.1's harness prints "ok N # SKIP reason").
RUN = re.compile(r'^#\s+RUN\s+(\S+)')

# Lines that make a console bad, whatever the tests said.
BAD = re.compile(
    r'WARNING:|BUG:|kernel BUG|Oops|Kernel panic|general protection fault|'
    r'Unable to handle kernel|KASAN:|UBSAN:|unreferenced object 0x|'
    r'possible circular locking|possible recursive locking|'
    r'inconsistent lock state|lock held when returning|'
    r'INFO: task .* blocked|soft lockup|hard LOCKUP|rcu: INFO|'
    r'Call [Tt]race:|cut here|'
    r'DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|arm-smmu-v3 .*event 0x')


def parse_ktap(lines):
    """Return [(name, status, reason)] for the leaves of a nested KTAP doc."""
    done = {}    # depth -> results gathered at that depth
    plans = {}   # depth -> announced plan at that depth
    running = {}  # depth -> test named by the last RUN line
    for raw in lines:
        raw = raw.rstrip('\n')
        stripped = raw.lstrip(' ')
        depth = (len(raw) - len(stripped)) // 4
        m = RUN.match(stripped)
        if m:
            running[depth] = m.group(1)
            continue
        m = PLAN.match(stripped)
        if m:
            plans[depth] = int(m.group(1))
            continue
        m = RESULT.match(stripped)
        if not m:
            continue
        ok, _, name, directive = m.groups()
        name = name.strip() or running.get(depth) or 'unnamed'
        running.pop(depth, None)
        directive = (directive or '').strip()
        children = done.pop(depth + 1, [])
        plan = plans.pop(depth + 1, None)
        own = []
        if directive.upper().startswith('SKIP'):
            status = 'SKIP'
        else:
            status = 'PASS' if ok == 'ok' else 'FAIL'
        if plan is not None and len(children) < plan:
            own.append((name, 'FAIL', '%d of %d subtests never reported'
                        % (plan - len(children), plan)))
        if children:
            leaves = [(name + ': ' + n, s, r) for n, s, r in children]
            if status == 'FAIL' and not any(s == 'FAIL' for _, s, _ in children):
                own.append((name, 'FAIL', directive or 'failed'))
            leaves += own
        else:
            leaves = [(name, status, directive)] + own
        done.setdefault(depth, []).extend(leaves)
    results = done.get(0, [])
    plan = plans.get(0)
    if plan is None and not results:
        results.append(('ktap', 'FAIL', 'no KTAP output from the guest'))
    elif plan is not None and len(set(n.split(':')[0] for n, _, _ in results)) < plan:
        seen = len(set(n.split(':')[0] for n, _, _ in results))
        results.append(('ktap', 'FAIL', 'only %d of %d top-level tests reported '
                        '(guest crashed or hung?)' % (seen, plan)))
    return results


def bad_console(lines):
    bad = []
    for i, line in enumerate(lines):
        if BAD.search(line):
            bad.append((i, line.rstrip()))
    return bad


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.readlines()
    except FileNotFoundError:
        return []


def cmd_run(label, rundir, out):
    res = []
    for line in read(rundir + '/host.txt'):
        m = HOST.match(line.strip())
        if m:
            ok, name, directive = m.groups()
            res.append(('host: ' + name, 'PASS' if ok == 'ok' else 'FAIL',
                        (directive or '').strip()))
    res += parse_ktap(read(rundir + '/ktap.txt'))
    console = read(rundir + '/console.log')
    bad = bad_console(console)
    if not console:
        res.append(('console', 'FAIL', 'empty console log'))
    elif bad:
        first = bad[0][0]
        shown = console[max(0, first - 2):first + 25]
        sys.stderr.write('%s: console has %d bad lines; from line %d:\n%s' %
                         (label, len(bad), first + 1, ''.join('  | ' + l for l in shown)))
        res.append(('console_clean', 'FAIL', '%d bad lines, first: %s'
                    % (len(bad), bad[0][1][:160])))
    else:
        res.append(('console_clean', 'PASS', ''))
    with open(out, 'a') as f:
        for name, status, reason in res:
            f.write('%s %s: %s%s\n' % (status, label, name,
                                      (' # ' + reason) if reason else ''))
    return 0


def cmd_summary(paths):
    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for p in paths:
        for line in read(p):
            line = line.rstrip('\n')
            status = line.split(' ', 1)[0]
            if status in counts:
                counts[status] += 1
                print(line)
    print('%d passed, %d failed, %d skipped'
          % (counts['PASS'], counts['FAIL'], counts['SKIP']))
    return 1 if counts['FAIL'] or not counts['PASS'] else 0


def main(argv):
    if len(argv) == 5 and argv[1] == 'run':
        return cmd_run(argv[2], argv[3], argv[4])
    if len(argv) >= 2 and argv[1] == 'summary':
        return cmd_summary(argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
