# SPDX-License-Identifier: BSD-3-Clause
"""What the dataplane checkers (dp_*.py) share: a named check that prints
ok/FAIL and remembers the failures, a capture read through tshark (the
oracle) as rows of fields, and the exit status."""
import subprocess
import sys

failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)
    return cond


def tshark_rows(path, fields, display=None, opts=()):
    """The frames of a capture as lists of field values (strings, '' when
    absent), absolute TCP sequence numbers."""
    cmd = ['tshark', '-r', path, '-n', '-o', 'tcp.relative_sequence_numbers:FALSE']
    for o in opts:
        cmd += ['-o', o]
    if display:
        cmd += ['-Y', display]
    cmd += ['-T', 'fields', '-E', 'separator=|']
    for f in fields:
        cmd += ['-e', f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    rows = []
    for line in p.stdout.decode().splitlines():
        r = line.split('|')
        if len(r) >= len(fields):
            rows.append(r)
    return rows


def done():
    """Exit 1 when a check failed."""
    if failures:
        print('%d failure(s)' % len(failures))
    sys.exit(1 if failures else 0)
