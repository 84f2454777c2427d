#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check the dataplane's control decisions (dp-scenario control under
examples/control.policy): which write requests reached the IED and which
were denied, with which rule.

Usage: dp_control.py DIR
  DIR holds to-inside.pcap (what mmsgate passed to the IED side) and
  events.jsonl (--events). Every request of the scenario is listed below
  with its client port and whether it must pass; the writes tshark decodes
  in to-inside.pcap must be exactly the passing ones, in order, and every
  refused one must have a deny event (with the rule name where a named
  rule decides; the default decides the unselected operates).
"""
import json
import subprocess
import sys

# (client port, item, passes, rule of the deny)
EXPECT = [
    (40100, 'XCBR1$CO$Pos$SBOw', True, None),   # open: select …
    (40100, 'XCBR1$CO$Pos$Oper', True, None),   # … and operate
    (40100, 'XCBR1$CO$Pos$SBOw', False, 'scada may not close'),
    (40101, 'XCBR3$CO$Pos$Oper', False, None),  # operate without select
    (40102, 'XCBR4$CO$Pos$SBOw', True, None),
    (40102, 'XCBR4$CO$Pos$Oper', False, 'interlock bypass'),
    (40103, 'CSWI1$CO$Pos$SBOw', True, None),   # select by A …
    (40104, 'CSWI1$CO$Pos$Oper', False, None),  # … operate by B
    (40103, 'CSWI1$CO$Pos$Oper', True, None),   # … operate by A
    (40105, 'XCBR2$CO$Pos$SBOw', True, None),
    (40105, 'XCBR2$CO$Pos$Oper', False, 'test mode elsewhere'),
    (40106, 'XCBR2$CO$Pos$SBOw', True, None),
    (40106, 'XCBR2$CO$Pos$Oper', True, None),   # test mode from engineering
    (40106, 'PTOC1$SP$StrVal$setMag$f', True, None),   # 80 (SP)
    (40106, 'PTOC1$SE$StrVal$setMag$f', True, None),   # 120 (SE)
    (40106, 'PTOC1$SP$StrVal$setMag$f', False, 'start value out of range'),  # 150
    (40107, 'PTOC1$SE$StrVal$setMag$f', False, 'start value out of range'),  # 130
    (40108, 'CSWI2$CO$Pos$SBOw', True, None),
    (40108, 'CSWI2$CO$Pos$Oper', True, None),
    (40108, 'CSWI2$CO$Pos$SBOw', True, None),
    (40108, 'CSWI2$CO$Pos$Oper', False, None),  # after the select timeout
]

failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def main():
    d = sys.argv[1]
    p = subprocess.run(['tshark', '-r', d + '/to-inside.pcap', '-n', '-Y',
                        'mms.confirmedServiceRequest == 5', '-T', 'fields', '-e',
                        'tcp.srcport', '-e', 'mms.itemId'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    got = []
    for line in p.stdout.decode().splitlines():
        f = line.split('\t')
        if len(f) == 2:
            got.append((int(f[0]), f[1]))
    want = [(port, item) for port, item, ok, _ in EXPECT if ok]
    check(got == want, 'the IED received exactly the %d allowed writes, in order' % len(want))
    if got != want:
        print('  got:  %s\n  want: %s' % (got, want))
    denies, data = [], {}
    with open(d + '/events.jsonl') as f:
        for line in f:
            e = json.loads(line)
            if e.get('type') == 'deny' and e.get('service') == 'write':
                port = int(e['client'].rsplit(':', 1)[1])
                item = e['objects'][0].split('/', 1)[1]
                denies.append((port, item, e.get('rule')))
                data[(port, item)] = e
    want_d = [(port, item, rule) for port, item, ok, rule in EXPECT if not ok]
    check(len(denies) == len(want_d), '%d deny events (want %d)' % (len(denies), len(want_d)))
    for w in want_d:
        check(w in denies, 'denied %s on port %d%s' % (
            w[1], w[0], ' by rule "%s"' % w[2] if w[2] else ' by the default'))
    # events carry what the write asked for, as replay prints it
    il = data.get((40102, 'XCBR4$CO$Pos$Oper'), {}).get('control', {})
    check(il.get('ctlNum') == 4 and il.get('check') == {'synchrocheck': True, 'interlock': False},
          'the interlock-bypass event carries the control (ctlNum 4, interlock-check cleared)')
    cl = data.get((40100, 'XCBR1$CO$Pos$SBOw'), {}).get('control', {})
    check(cl.get('ctlVal') is True and cl.get('orCat') == 3 and cl.get('orIdent') == '6470',
          'the close event carries ctlVal true, orCat 3, orIdent "dp"')
    st = data.get((40106, 'PTOC1$SP$StrVal$setMag$f'), {}).get('values')
    check(st == [{'type': 'floating-point', 'value': 150}],
          'the out-of-range setting event carries its value 150')
    # the associations' control tallies reach the worker counters
    with open(d + '/stats.json') as f:
        ctl = json.load(f).get('control', {})
    armed = sum(1 for _, item, ok, _ in EXPECT if ok and item.endswith('$SBOw'))
    check(ctl.get('selects_expired') == 1,
          'stats: %s select expired (want 1: the one whose operate came too late)' %
          ctl.get('selects_expired'))
    check(ctl.get('selects_armed') == armed,
          'stats: %s selects armed (want %d, every select that passed)' %
          (ctl.get('selects_armed'), armed))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
