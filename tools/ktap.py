#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""KTAP plumbing for the dmaeng harness (host side).

  ktap.py assemble RAW            results port -> KTAP suites, on stdout
  ktap.py manifest MANIFEST LABEL=KTAP...
                                  the pinned plan, as a KTAP suite
  ktap.py diag KTAP DESCRIPTION   the diagnostics of one check
  ktap.py list LABEL=KTAP...      manifest lines for what the boots reported
                                  (a draft, to be reviewed)

assemble: the guest streams each check as it happens, between
"# dmaeng-suite-begin NAME" and "# dmaeng-suite-end NAME N" markers, and
KUnit results as whole KTAP subtests.  A suite whose end marker never came
(the scenario died, exited early, or the guest stopped) keeps every check
it reported and gets one more, failing, that says so; so does one whose
end marker counts other checks than arrived.  A result line outside any
suite would throw kunit.py's count of suites off (it then drops the last
one): such lines go, each as a failing check, to a suite of their own,
dmaeng_stray.

manifest: every boot's suites and their number of checks (leaf results)
are compared with tools/plan.manifest.  A suite missing, a suite not in
the manifest, a different count, or a SKIP the manifest does not allow
each fail.
"""

import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok) (\d+)\s*-?\s*(.*)$')


def indent(line):
    return (len(line) - len(line.lstrip(' '))) // 4


def assemble(raw):
    out = []
    stray = []
    suite = None  # [name, lines, checks]
    kunit = False  # inside a KUnit KTAP subtest from debugfs

    def close(early, said=None):
        name, lines, n = suite
        fails = sum(1 for ln in lines if ln.startswith('    not ok '))
        if early:
            n += 1
            fails += 1
            lines.append('    # the scenario reported %d checks, then '
                         'stopped: it died, exited early, or the guest '
                         'stopped before suite_end' % (n - 1))
            lines.append('    not ok %d %s ended early' % (n, name))
        elif said is not None and said != n:
            n += 1
            fails += 1
            lines.append('    # suite_end counted %d checks, %d arrived'
                         % (said, n - 1))
            lines.append('    not ok %d %s: every check arrived' % (n, name))
        out.append('    KTAP version 1')
        out.append('    # Subtest: %s' % name)
        out.append('    1..%d' % n)
        out.extend(lines)
        out.append('%s 1 %s' % ('not ok' if fails else 'ok', name))

    for line in raw:
        line = line.rstrip('\n').rstrip('\r')
        m = re.match(r'^# dmaeng-suite-begin (\S+)$', line)
        if m:
            if suite:
                close(True)
            suite = [m.group(1), [], 0]
            continue
        m = re.match(r'^# dmaeng-suite-end (\S+) (\d+)$', line)
        if m and suite and m.group(1) == suite[0]:
            close(False, int(m.group(2)))
            suite = None
            continue
        if suite:
            r = RESULT.match(line)
            if r and indent(line) == 1:
                suite[2] += 1
                suite[1].append(line)
            elif line.startswith('    # '):
                suite[1].append(line)
            continue
        if line == '    KTAP version 1':
            kunit = True
        r = RESULT.match(line)
        if kunit:
            out.append(line)
            if r and indent(line) == 0:
                kunit = False
        elif r:
            stray.append(line.strip())
        else:
            out.append(line)
    if suite:
        close(True)
    if stray:
        out.append('    KTAP version 1')
        out.append('    # Subtest: dmaeng_stray')
        out.append('    1..%d' % len(stray))
        for i, ln in enumerate(stray, 1):
            out.append('    # a result outside any suite: ' + ln)
            out.append('    not ok %d a check reported outside any suite' % i)
        out.append('not ok 1 dmaeng_stray')
    return out


def suites(lines, twice=None):
    """{suite: (leaf checks, skips, failures, {skip reason: count})} of a
    boot's results; the names reported more than once go to @twice."""
    res = {}
    name = None
    prev = 0
    for line in lines:
        m = re.match(r'^    # Subtest: (\S+)', line)
        if m and name is None:
            name, leaves, skips, fails, prev = m.group(1), 0, 0, 0, 1
            why = {}
            continue
        if name is None:
            continue
        r = RESULT.match(line)
        if not r:
            continue
        depth = indent(line)
        if depth == 0:
            if name in res and twice is not None:
                twice.append(name)
            res[name] = (leaves, skips, fails, why)
            name = None
            continue
        if prev <= depth:  # no subtest closed here: a leaf
            leaves += 1
            if '# SKIP' in r.group(4):
                skips += 1
                w = r.group(4).split('# SKIP', 1)[1].strip()
                why[w] = why.get(w, 0) + 1
            elif r.group(2) == 'not ok':
                fails += 1
        prev = depth
    if name is not None:
        res[name] = (leaves, skips, fails, why)
    return res


def needs_text(why):
    """'needs CAP N, CAP N' for skips that all name a capability
    ('needs CAP', tools/guest/lib.sh), else None."""
    caps = []
    for w, k in sorted(why.items()):
        if not re.match(r'^needs \S+$', w):
            return None
        caps.append('%s %d' % (w.split()[1], k))
    return 'needs ' + ', '.join(caps)


def manifest(path, boots):
    want = {}
    order = []
    for ln in open(path):
        ln = ln.split('#', 1)[0].strip()
        if not ln:
            continue
        f = ln.split(None, 3)
        label, suite, n = f[0], f[1], int(f[2])
        skips = 0
        reason = ''
        if len(f) > 3 and f[3].startswith('skip='):
            s, _, reason = f[3].partition(' ')
            skips = int(s[5:])
        want[(label, suite)] = (n, skips, reason)
        order.append((label, suite))
    got = {}
    checks = []
    for spec in boots:
        label, _, path = spec.partition('=')
        try:
            lines = open(path).read().splitlines()
        except OSError:
            lines = []
        twice = []
        for suite, v in suites(lines, twice).items():
            got[(label, suite)] = v
        for suite in twice:
            checks.append((False, 'plan %s: %s reported once' %
                           (label, suite), ['it reported more than once']))
    for key in order:
        label, suite = key
        n, skips, reason = want[key]
        desc = 'plan %s: %s reported %d checks' % (label, suite, n)
        if key not in got:
            checks.append((False, desc, ['%s did not report at all' % suite]))
            continue
        gn, gskips, _, why = got[key]
        diag = []
        if gn != n:
            diag.append('%d checks reported, the manifest pins %d' % (gn, n))
        if gskips != skips:
            diag.append('%d skipped, the manifest allows %d%s' %
                        (gskips, skips, ' (%s)' % reason if reason else ''))
        # The reason, "needs CAP N, CAP N", pins the skips per capability;
        # no skip is allowed for any other reason.
        elif skips and needs_text(why) != reason:
            diag.append('skipped: %s; the manifest allows: %s' %
                        (needs_text(why) or ', '.join(sorted(why)), reason))
        checks.append((not diag, desc, diag))
    for key in sorted(set(got) - set(want)):
        checks.append((False, 'plan %s: %s is in the manifest' % key,
                       ['reported %d checks; add it to tools/plan.manifest '
                        'if it is meant to run' % got[key][0]]))
    print('    KTAP version 1')
    print('    # Subtest: dmaeng_plan')
    print('    1..%d' % len(checks))
    for i, (ok, desc, diag) in enumerate(checks, 1):
        for d in diag:
            print('    # ' + d)
        print('    %s %d %s' % ('ok' if ok else 'not ok', i, desc))
    print('%s 1 dmaeng_plan' % ('ok' if all(c[0] for c in checks)
                                 else 'not ok'))


def diag(path, desc):
    pending = []
    for line in open(path):
        line = line.rstrip('\n')
        if re.match(r'^\s*# ', line) and not line.lstrip().startswith('# Subtest'):
            pending.append(line.strip()[2:])
            continue
        r = RESULT.match(line)
        if r and r.group(4) == desc:
            print(r.group(2))
            print('\n'.join(pending))
            return
        pending = []
    print('MISSING')


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'assemble':
        with open(sys.argv[2], errors='replace') as f:
            print('\n'.join(assemble(f)))
    elif cmd == 'manifest':
        manifest(sys.argv[2], sys.argv[3:])
    elif cmd == 'list':
        for spec in sys.argv[2:]:
            label, _, path = spec.partition('=')
            for suite, (n, skips, _, why) in suites(
                    open(path).read().splitlines()).items():
                print('%-8s %-36s %4d%s' % (label, suite, n,
                      '\tskip=%d %s' % (skips, needs_text(why) or 'REASON')
                      if skips else ''))
    elif cmd == 'diag':
        diag(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
