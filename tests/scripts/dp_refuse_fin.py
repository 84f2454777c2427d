#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of `dp_run.sh finq` (dp-scenario finq) on what the gate sent (tshark decodes every
frame): towards the client the read response, the refusal of the operate
(a write response with object-access-denied, docs/refusal.md) and then the
IED's FIN, in stream order (the FIN's sequence number is past
the answer's bytes and nothing follows it); towards the IED no write; no
RST anywhere; the refusal counted."""
import json
import sys

from checklib import check, failures, tshark_rows


def frames(path):
    out = []
    for f in tshark_rows(path, ['ip.src', 'tcp.seq', 'tcp.len', 'tcp.flags',
                                'mms.confirmedServiceResponse', 'mms.confirmedServiceRequest',
                                'mms.failure', 'tcp.srcport'], None,
                         ('uat:pres_context_list:"3","1.0.9506.2.1"',)):
        if not f[1]:
            continue
        out.append({'src': f[0], 'seq': int(f[1]), 'len': int(f[2] or 0),
                    'flags': int(f[3], 16), 'resp': f[4], 'req': f[5], 'err': f[6],
                    'sport': f[7]})
    return out


def main():
    d = sys.argv[1]
    cli = [f for f in frames(d + '/to-outside.pcap') if f['sport'] == '102']
    ied = [f for f in frames(d + '/to-inside.pcap') if f['sport'] != '102']
    rst = [f for f in cli + ied if f['flags'] & 0x04]
    check(not rst, 'no RST sent (%d)' % len(rst))
    check(not any(f['req'] == '5' for f in ied), 'the operate never reached the IED')
    reads = [f for f in cli if f['resp'] == '4']
    check(len(reads) >= 2, 'the client got both read responses (%d)' % len(reads))
    errs = [i for i, f in enumerate(cli) if f['err']]
    fins = [i for i, f in enumerate(cli) if f['flags'] & 0x01]
    errs = [i for i in errs if cli[i]['resp'] == '5']
    check(len(errs) >= 1, 'the client got the refusal (write response, DataAccessError)')
    check(len(fins) >= 1, 'the client got the IED\'s FIN')
    if errs and fins:
        e, fi = cli[errs[0]], cli[fins[0]]
        check(errs[0] < fins[0], 'the refusal left before the FIN')
        check(fi['seq'] >= e['seq'] + e['len'],
              'the FIN is past the refusal\'s bytes (FIN seq %d, answer ends %d)' %
              (fi['seq'], e['seq'] + e['len']))
        top = max(f['seq'] + f['len'] for f in cli if f['len'])
        check(fi['seq'] == top, 'nothing follows the FIN in the stream (FIN seq %d, data end %d)'
              % (fi['seq'], top))
        check(not (fi['flags'] & 0x01 and fi['len'] and fi['seq'] < e['seq']),
              'the FIN does not ride on bytes before the answer')
    with open(d + '/stats.json') as f:
        st = json.load(f)
    check(st.get('refusals', {}).get('sent') == 1,
          'one refusal counted (%s)' % st.get('refusals', {}).get('sent'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
