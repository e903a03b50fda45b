#!/usr/bin/env python3
"""Run the hostile corpus written by make.py and check every expectation.

    python3 tests/hostile/check.py MARSDIAG OUTDIR [CASE...]

For each case (OUTDIR/cases.txt, or those named), each run of its
expect.json starts one marsdiag process and checks, in this order:
  - it ended by itself: no signal, no sanitizer abort, an exit status in
    the case's list (a wall-clock limit kills a hang);
  - CPU time (user + system) and peak RSS of that process, from wait4(),
    within the case's bounds;
  - none of the forbidden strings in stdout or stderr;
  - per report (JSON): the effective proxy and rules that must be found,
    each input's status, type, records and lines, the diagnostics that
    must be on it (limit name, status code, severity, message substring),
    inputs that must be absent, the records kept before a cut (against
    the whole file's report) and damage seen under a flipped member.
One line per case, then a summary; exit 0 when every case passed.

Bounds are for a plain build. Under AddressSanitizer (MARSDIAG_ASAN=1,
or MD_SANITIZE=ON in the build folder's CMakeCache.txt next to the
binary) CPU bounds are multiplied by 12 and RSS bounds become
3 x bound + 256 MiB: the sanitizer's shadow memory, and its quarantine
of freed blocks (256 MiB by default).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

GRADES = {'info': 0, 'warning': 1, 'failed': 2, 'fatal': 3}


def sanitized(binary):
    if os.environ.get('MARSDIAG_ASAN'):
        return os.environ['MARSDIAG_ASAN'] not in ('0', '')
    cache = os.path.join(os.path.dirname(os.path.abspath(binary)),
                         'CMakeCache.txt')
    try:
        with open(cache) as f:
            return any(line.strip() == 'MD_SANITIZE:BOOL=ON' for line in f)
    except OSError:
        return False


def command(binary, run, case_dir):
    inputs = [os.path.join(case_dir, p) for p in run['inputs']]
    if run['cmd'] == 'scan':
        return [binary, 'scan', '--format', 'json', '--inputs'] + \
            run['args'] + inputs
    if run['cmd'] == 'scan-text':
        return [binary, 'scan', '--inputs', '--color', 'never'] + \
            run['args'] + inputs
    if run['cmd'] == 'review':
        # args: the change file (in the case's folder), then options.
        return [binary, 'review', '--color', 'never', '--change',
                os.path.join(case_dir, run['args'][0])] + \
            run['args'][1:] + inputs
    if run['cmd'] == 'diff':
        return [binary, 'diff', '--color', 'never'] + run['args'] + inputs
    return [binary, run['cmd']] + run['args'] + inputs


# The measuring wrapper: a fresh interpreter forks and runs marsdiag, waits
# for it with wait4() and writes "status cpu-seconds maxrss-KiB" to a pipe.
# A direct child would report at least the checker's own peak RSS: Linux
# carries the parent's high-water mark through fork and exec.
WRAPPER = r"""
import os, sys
fd = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
os.write(fd, ('%d %.6f %d' % (status, ru.ru_utime + ru.ru_stime,
                              ru.ru_maxrss)).encode())
"""


def execute(argv, wall_limit):
    """Run argv; (exit status, signal, CPU seconds, peak RSS MiB, stdout
    bytes, stderr bytes)."""
    rfd, wfd = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, '-S', '-c', WRAPPER, str(wfd)] +
                             argv, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, pass_fds=(wfd,),
                             start_new_session=True)
        os.close(wfd)
        try:
            p.wait(timeout=wall_limit)
            killed = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            killed = True
        with os.fdopen(rfd, 'rb') as r:
            report = r.read().split()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if killed or len(report) != 3:
        why = ('killed after %.0f s wall clock' % (time.monotonic() - t0)
               if killed else 'lost (wrapper status %s)' % p.returncode)
        return None, why, 0.0, 0.0, stdout, stderr
    status = int(report[0])
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return (code, sig, float(report[1]), int(report[2]) / 1024.0, stdout,
            stderr)


class Checker:
    def __init__(self):
        self.problems = []
        self.checks = 0

    def expect(self, ok, msg):
        self.checks += 1
        if not ok:
            self.problems.append(msg)
        return ok


def find_diag(diags, want):
    for d in diags:
        if all((k == 'message' and v in d.get('message', '')) or
               (k != 'message' and d.get(k) == v) for k, v in want.items()):
            return True
    return False


def describe(inp):
    return '%s %s [%s]' % (inp.get('status'), inp.get('type'), '; '.join(
        '%s%s: %s' % (d.get('code'), ' ' + d['limit'] if d.get('limit')
                      else '', d.get('message')) for d in
        inp.get('diagnostics', [])[:3]))


def check_input(ck, where, path, found, spec):
    if spec.get('absent'):
        ck.expect(not found, '%s: %r should not be listed' % (where, path))
        return
    if 'count' in spec:
        ck.expect(len(found) == spec['count'], '%s: %r listed %d times, '
                  'expected %d' % (where, path, len(found), spec['count']))
    if not ck.expect(found, '%s: no input %r' % (where, path[:120])):
        return
    inp = found[0]
    st = spec.get('status')
    if st is not None:
        allowed = st if isinstance(st, list) else [st]
        ck.expect(inp['status'] in allowed, '%s: %r is %s, expected %s' % (
            where, path[:120], describe(inp), '/'.join(allowed)))
    if 'type' in spec:
        ck.expect(inp['type'] == spec['type'], '%s: %r has type %r, '
                  'expected %r' % (where, path, inp['type'], spec['type']))
    for key in ('records', 'lines'):
        if key in spec:
            ck.expect(inp.get(key, 0) == spec[key], '%s: %r has %s %s, '
                      'expected %d' % (where, path, key, inp.get(key, 0),
                                       spec[key]))
    if 'records_min' in spec:
        ck.expect(inp['records'] >= spec['records_min'],
                  '%s: %r kept %d records, expected at least %d' % (
                      where, path, inp['records'], spec['records_min']))
    if spec.get('no_diag'):
        ck.expect(not inp['diagnostics'], '%s: %r has diagnostics: %s' % (
            where, path, describe(inp)))
    for want in spec.get('diag', []):
        ck.expect(find_diag(inp['diagnostics'], want),
                  '%s: %r lacks diagnostic %s; has %s' % (
                      where, path[:120], json.dumps(want), describe(inp)))


def check_report(ck, where, rep, exp, reports):
    inputs = rep.get('inputs', [])
    by_path = {}
    for inp in inputs:
        by_path.setdefault(inp['path'], []).append(inp)
    verdict = exp.get('verdict')
    if verdict:
        eff = rep.get('effective_proxy', {})
        got = {k: eff.get(k) for k in verdict}
        ck.expect(got == verdict, '%s: effective proxy %s, expected %s' % (
            where, json.dumps(got), json.dumps(verdict)))
    fired = {f['rule'] for f in rep.get('findings', [])}
    for rule in exp.get('rules', []):
        ck.expect(rule in fired, '%s: rule %s did not fire (fired: %s)' % (
            where, rule, ' '.join(sorted(fired)) or 'none'))
    for path, spec in exp.get('inputs', {}).items():
        check_input(ck, where, path, by_path.get(path, []), spec)
    if 'inputs_max' in exp:
        ck.expect(len(inputs) <= exp['inputs_max'], '%s: %d inputs listed, '
                  'at most %d expected' % (where, len(inputs),
                                           exp['inputs_max']))
    if 'same_as' in exp:
        base = reports.get(exp['same_as'])
        base_by = {i['path']: i for i in base.get('inputs', [])} if base \
            else {}
        for path in exp['paths']:
            b = base_by.get(path)
            got = by_path.get(path)
            if not ck.expect(b and got, '%s: member %r before the cut not '
                             'listed' % (where, path)):
                continue
            g = got[0]
            ck.expect(g['status'] == b['status'] and
                      g['records'] == b['records'],
                      '%s: member %r wholly before the cut is %s with %d '
                      'records; whole file: %s with %d' % (
                          where, path, describe(g), g['records'],
                          b['status'], b['records']))
    under = exp.get('damage_under')
    if under:
        hit = [i for i in inputs if i['path'] == under or
               i['path'].startswith(under + '/')]
        ck.expect(any(GRADES.get(d['severity'], 0) >= 1 for i in hit
                      for d in i['diagnostics']),
                  '%s: a bit flipped in the data of %r left no warning on '
                  'it: %s' % (where, under, '; '.join(describe(i)
                                                     for i in hit)))


def check_run(ck, binary, case_dir, run, asan):
    argv = command(binary, run, case_dir)
    cpu_max = run['bounds']['cpu_seconds'] * (12 if asan else 1)
    rss_max = run['bounds']['rss_mib']
    if asan:
        rss_max = 3 * rss_max + 256
    wall_limit = max(30.0, 4 * cpu_max)
    code, sig, cpu, rss, out, err = execute(argv, wall_limit)
    label = run['cmd'] + (' ' + ' '.join(run['args']) if run['args']
                          else '')
    stats = (cpu, rss)
    if not ck.expect(sig is None, '%s: ended by signal %s; stderr: %s' % (
            label, sig, err[-2000:].decode('utf-8', 'replace'))):
        return stats
    ck.expect(code in run['exit'], '%s: exit status %s, expected %s; '
              'stderr: %s' % (label, code, run['exit'],
                              err[-2000:].decode('utf-8', 'replace')))
    ck.expect(cpu <= cpu_max, '%s: %.2f s of CPU, bound %.2f s' % (
        label, cpu, cpu_max))
    ck.expect(rss <= rss_max, '%s: peak RSS %.0f MiB, bound %.0f MiB' % (
        label, rss, rss_max))
    for s in run['forbid']:
        b = s.encode('utf-8')
        ck.expect(b not in out and b not in err,
                  '%s: forbidden %r in the output' % (label, s[:40]))
    if run['cmd'] not in ('scan', 'facts'):
        return stats
    try:
        doc = json.loads(out.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        ck.expect(False, '%s: output is not UTF-8 JSON: %s' % (label, e))
        return stats
    if run['cmd'] == 'facts':
        return stats
    docs = doc if isinstance(doc, list) else [doc]
    ck.expect(len(docs) == len(run['inputs']), '%s: %d reports for %d '
              'inputs' % (label, len(docs), len(run['inputs'])))
    reports = {}
    for name, rep in zip(run['inputs'], docs):
        reports[name] = rep
    for name, exp in run['reports'].items():
        rep = reports.get(name)
        if ck.expect(rep is not None, '%s: no report' % name):
            check_report(ck, name, rep, exp, reports)
    return stats


def main(argv):
    if len(argv) < 3:
        print('usage: check.py MARSDIAG OUTDIR [CASE...]', file=sys.stderr)
        return 2
    binary, outdir = argv[1], argv[2]
    names = argv[3:]
    if not names:
        with open(os.path.join(outdir, 'cases.txt')) as f:
            names = f.read().split()
    asan = sanitized(binary)
    failed = []
    t0 = time.monotonic()
    width = max(len(n) for n in names)
    for name in names:
        case_dir = os.path.join(outdir, name)
        with open(os.path.join(case_dir, 'expect.json')) as f:
            case = json.load(f)
        ck = Checker()
        cpu = rss = 0.0
        for run in case['runs']:
            c, r = check_run(ck, binary, case_dir, run, asan)
            cpu, rss = cpu + c, max(rss, r)
        status = 'ok  ' if not ck.problems else 'FAIL'
        print('%s %-*s %6.2f s CPU %5.0f MiB  %d checks' % (
            status, width, name, cpu, rss, ck.checks))
        for p in ck.problems[:12]:
            print('       ' + p)
        if len(ck.problems) > 12:
            print('       ... %d more' % (len(ck.problems) - 12))
        sys.stdout.flush()
        if ck.problems:
            failed.append(name)
    print('hostile: %d cases, %d failed%s, %.0f s%s' % (
        len(names), len(failed), (' (' + ' '.join(failed) + ')') if failed
        else '', time.monotonic() - t0, ' (sanitizer bounds)' if asan
        else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
