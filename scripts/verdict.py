#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest run into results, and results into the closing line.

  verdict.py run LABEL RUNDIR RESULTS   parse RUNDIR/ktap.txt (nested KTAP),
                                        RUNDIR/host.txt and RUNDIR/console.log,
                                        judge them against guest/manifest,
                                        append PASS/FAIL/SKIP lines to RESULTS
  verdict.py summary RESULTS...         print every result and the closing
                                        line "N passed, N failed, N skipped"
  verdict.py selftest                   feed the rules deliberately broken
                                        runs; print one result per rule

A console with a kernel warning, oops, BUG, lockdep, KASAN or kmemleak
report, an IOMMU translation fault, a panic, or the mock IOMMU's failure to
set up, fails the run even when every test passed. A test program that
plans no test (1..0) fails. guest/manifest lists the results each kernel
must report: a listed result that is missing, a skip whose reason the
manifest does not list for that kernel, and a result the manifest does not
list for that kernel all fail.
"""
import os
import re
import sys
import tempfile

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                        'guest', 'manifest')
# Results the verdict makes itself, not tests of the guest.
OWN = ('console', 'console_clean', 'ktap')

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
    r'DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|arm-smmu-v3 .*event 0x|'
    r'iommu-sva-mock: cannot set up|Trying to free nonexistent resource')


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
        if plan == 0:
            own.append((name, 'FAIL', 'planned no test (1..0)'))
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
    elif plan == 0:
        results.append(('ktap', 'FAIL', 'the guest planned no test (1..0)'))
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


def read_manifest(path, label):
    """Return {name: skip reason prefix or None} of the results @label owes."""
    want = {}
    for n, line in enumerate(read(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        fields = line.split(None, 1)
        if len(fields) != 2:
            raise ValueError('%s:%d: no test name' % (path, n))
        labels, rest = fields
        name, sep, skip = rest.partition(' -- ')
        if labels != '*' and label not in labels.split(','):
            continue
        want[name.strip()] = skip.strip() if sep else None
    return want


def apply_manifest(res, want, manifest):
    """Judge the results @res against @want; return the new list."""
    out = []
    seen = set()
    for name, status, reason in res:
        if name in OWN:
            out.append((name, status, reason))
            continue
        seen.add(name)
        if status == 'FAIL':
            out.append((name, status, reason))
            continue
        if name not in want:
            out.append((name, 'FAIL', 'not in %s for this kernel (%s)'
                        % (os.path.basename(manifest), status)))
            continue
        if status == 'SKIP':
            why = re.sub(r'^SKIP\s*', '', reason, flags=re.I)
            if want[name] is None or not why.startswith(want[name]):
                out.append((name, 'FAIL', 'skipped, a reason not listed for '
                            'this kernel: %s' % (why or 'none given')))
                continue
        out.append((name, status, reason))
    for name in want:
        if name not in seen:
            out.append((name, 'FAIL', 'listed in %s, never reported'
                        % os.path.basename(manifest)))
    return out


def cmd_run(label, rundir, out, manifest=MANIFEST):
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
    res = apply_manifest(res, read_manifest(manifest, label), manifest)
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


SELFTEST_MANIFEST = """\
*\tprog: t.one
*\tprog: t.two
*\tprog: t.three -- needs a feature
"""
SELFTEST_GOOD = """\
1..1
    1..3
    ok 1 t.one
    ok 2 t.two
    ok 3 t.three # SKIP needs a feature this kernel lacks
ok 1 prog
"""
# rule -> (ktap, console, reason): each breaks one rule of a good run,
# which must fail with a result whose reason contains @reason.
SELFTEST_BROKEN = {
    'a listed test that does not report fails': (
        SELFTEST_GOOD.replace('    1..3\n', '    1..2\n')
        .replace('    ok 2 t.two\n', ''), 'boot\n', 'never reported'),
    'a skip with an unlisted reason fails': (
        SELFTEST_GOOD.replace('ok 2 t.two', 'ok 2 t.two # SKIP no device'),
        'boot\n', 'a reason not listed'),
    'a result not in the manifest fails': (
        SELFTEST_GOOD.replace('    1..3', '    1..4')
        .replace('    ok 3 t.three', '    ok 4 t.four\n    ok 3 t.three'),
        'boot\n', 'not in manifest'),
    'a program that plans no test fails': (
        SELFTEST_GOOD.replace('    1..3\n', '    1..0\n')
        .replace('    ok 1 t.one\n    ok 2 t.two\n', '')
        .replace('    ok 3 t.three # SKIP needs a feature this kernel lacks\n',
                 ''), 'boot\n', 'planned no test'),
    'a guest that plans no program fails': ('1..0\n', 'boot\n',
                                           'planned no test'),
    'the mock failing to set up fails the console': (
        SELFTEST_GOOD, 'iommu-sva-mock: cannot set up: -12\n', 'cannot set up'),
    'a resource released with the wrong range fails the console': (
        SELFTEST_GOOD,
        'resource: Trying to free nonexistent resource <0x00fcf8000000-0x00fcf81fffff>\n',
        'nonexistent resource'),
    'a kernel warning fails the console': (
        SELFTEST_GOOD, 'WARNING: CPU: 0 PID: 1 at drivers/iommu/iommu.c:1\n',
        'WARNING'),
}


def selftest_run(ktap, console):
    """Judge one made-up run; return its FAIL lines."""
    with tempfile.TemporaryDirectory() as d:
        for name, text in (('ktap.txt', ktap), ('console.log', console),
                           ('manifest', SELFTEST_MANIFEST)):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        out = os.path.join(d, 'results')
        stderr, sys.stderr = sys.stderr, open(os.devnull, 'w')
        try:
            cmd_run('self', d, out, os.path.join(d, 'manifest'))
        finally:
            sys.stderr.close()
            sys.stderr = stderr
        return [l.strip() for l in read(out) if l.startswith('FAIL')]


def cmd_selftest():
    bad = 0
    fails = selftest_run(SELFTEST_GOOD, 'boot\n')
    if fails:
        bad += 1
        print('FAIL verdict rules: a good run passes # %s' % fails[0])
    else:
        print('PASS verdict rules: a good run passes')
    for rule, (ktap, console, why) in SELFTEST_BROKEN.items():
        hit = [f for f in selftest_run(ktap, console) if why in f]
        if hit:
            print('PASS verdict rules: %s # %s' % (rule, hit[0][:150]))
        else:
            bad += 1
            print('FAIL verdict rules: %s # the broken run did not fail so'
                  % rule)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 5 and argv[1] == 'run':
        return cmd_run(argv[2], argv[3], argv[4])
    if len(argv) == 2 and argv[1] == 'selftest':
        return cmd_selftest()
    if len(argv) >= 2 and argv[1] == 'summary':
        return cmd_summary(argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
