#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of `dp_run.sh sack-refuse` (dp-scenario sack-refuse): SACK was
negotiated; the historian's operate was refused with an answer, so the
flow's streams are edited (the operate's bytes cut towards the IED, the
answer injected towards the client). Then the IED answers a read in three
segments; the gate holds the first two and SACKs the second to the IED.
That ACK speaks for the client: its ACK and SACK blocks name the IED's own
bytes, and its own sequence number must be the one the IED expects next
from the client — in the IED's space, where the operate never existed
(the IED's segments carry it as their ACK). tshark decodes every frame."""
import json
import sys

from checklib import check, done, tshark_rows

CPORT = '40302'


def frames(path):
    out = []
    for f in tshark_rows(path, ['tcp.srcport', 'tcp.seq', 'tcp.ack', 'tcp.len',
                                'tcp.options.sack_le', 'tcp.options.sack_re',
                                'tcp.checksum.status'], 'tcp.port == ' + CPORT,
                         ('tcp.check_checksum:TRUE',)):
        if not f[1]:
            continue
        out.append({'from': 'client' if f[0] == CPORT else 'ied', 'seq': int(f[1]),
                    'ack': int(f[2] or 0), 'len': int(f[3] or 0), 'le': f[4], 're': f[5],
                    'csum': f[6]})
    return out


def main():
    d = sys.argv[1]
    ied = [f for f in frames(d + '/inside.pcap') if f['from'] == 'ied' and f['len'] > 0]
    check(len(ied) >= 3, 'the capture has the IED\'s answer in three segments')
    if len(ied) < 3:
        return
    s1, s2 = ied[-3], ied[-2]
    cli = [f for f in frames(d + '/outside.pcap') if f['from'] == 'client']
    check(max(f['seq'] + f['len'] for f in cli) > s1['ack'],
          'the client\'s space runs past the IED\'s (the operate\'s bytes)')
    sacks = [f for f in frames(d + '/to-inside.pcap') if f['from'] == 'client' and f['le']]
    check(len(sacks) >= 1, 'the gate SACKed held bytes to the IED (%d)' % len(sacks))
    for f in sacks:
        check(f['seq'] == s1['ack'], 'its sequence number is the IED\'s next expected byte, '
              'in the IED\'s space (%d, the IED expects %d)' % (f['seq'], s1['ack']))
        check(f['ack'] == s1['seq'] and f['le'] == str(s2['seq']) and
              f['re'] == str(s2['seq'] + s2['len']),
              'ACK of the held head, SACK of the second segment (%d, %s-%s)' %
              (f['ack'], f['le'], f['re']))
        check(f['csum'] == '1', 'its checksum verifies')
    st = json.load(open(d + '/stats.json'))
    check(st.get('refusals', {}).get('sent') == 1, 'the operate was refused with an answer')
    check(st.get('tcp_gate_sacks', 0) >= 1, 'counted (tcp_gate_sacks %s)' % st.get('tcp_gate_sacks'))
    check(st.get('rst_sent', 0) == 0 and st.get('held_segments') == 0,
          'no reset, nothing left held')


if __name__ == '__main__':
    main()
    done()
