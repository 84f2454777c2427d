#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of `dp_run.sh custody-refuse` (dp-scenario custody-refuse): the
historian's read is held, its head resent (the gate takes custody of it),
then its operate, which the policy refuses with an answer (mms default
deny), comes while the IED has not acknowledged the read. A flow in custody
cannot be translated (docs/threat-model.md, "custody"), so the refusal is
carried out by reset: the read reached the IED, the operate did not, an RST
went to each end, no answer was injected, the deny was evented, nothing is
left held or in custody."""
import json
import sys

from checklib import check, done, tshark_rows

IED, CPORT = '10.20.0.5', '40301'


def frames(path):
    out = []
    for f in tshark_rows(path, ['ip.src', 'tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.flags',
                                'mms.confirmedServiceRequest'], 'tcp.port == ' + CPORT,
                         ('uat:pres_context_list:"3","1.0.9506.2.1"',)):
        if not f[1]:
            continue
        out.append({'src': f[0], 'seq': int(f[1]), 'ack': int(f[2] or 0), 'len': int(f[3] or 0),
                    'flags': int(f[4], 16), 'req': f[5]})
    return out


def main():
    d = sys.argv[1]
    to_ied, to_cli = frames(d + '/to-inside.pcap'), frames(d + '/to-outside.pcap')
    check(any(f['req'] == '4' for f in to_ied), 'the read reached the IED')
    check(not any(f['req'] == '5' for f in to_ied), 'the operate never reached the IED')
    check(any(f['src'] == IED and f['len'] == 0 and f['flags'] == 0x10 for f in to_cli),
          'the client got an ACK in the IED\'s name (custody)')
    check(sum(1 for f in to_ied if f['flags'] & 0x04) == 1, 'one RST towards the IED')
    check(sum(1 for f in to_cli if f['flags'] & 0x04) == 1, 'one RST towards the client')
    rst = [i for i, f in enumerate(to_cli) if f['flags'] & 0x04]
    check(not any(f['len'] > 0 for f in to_cli[rst[0] + 1:] if rst), 'nothing after the reset')
    st = json.load(open(d + '/stats.json'))
    check(st.get('tcp_custody_takes') == 1, 'custody was taken (%s)' % st.get('tcp_custody_takes'))
    ref = st.get('refusals', {})
    check(ref.get('sent') == 0 and ref.get('flows') == 0,
          'no refusal answer sent, no flow translated (%s)' % ref)
    check(st.get('rst_sent') == 2, 'the gate sent 2 RSTs (%s)' % st.get('rst_sent'))
    check(st.get('tcp_custody_now') == 0 and st.get('held_segments') == 0,
          'nothing left in custody or held')
    evs = [json.loads(x) for x in open(d + '/events.jsonl') if x.strip()]
    check(any(e.get('type') == 'deny' and e.get('client', '').endswith(':' + CPORT) for e in evs),
          'the operate was denied with an event')


if __name__ == '__main__':
    main()
    done()
