#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of `dp_run.sh custody` (dp-scenario custody) on what the gate sent,
decoded by tshark. SCADA's read comes in three segments; the first two are
held (the unit is incomplete), the client resends the first (its timer
fired), the third completes the read. The IED never answers again; the
client's ARP every 10 ms of capture time is the clock (the gate's timers
follow the capture's time under --ts-order).

Expected (docs/threat-model.md, "custody"):
- towards the client, before the third segment: a pure ACK in the IED's
  name covering the first two segments (custody), which the IED never sent;
- towards the IED: the three segments once, in order, after the third
  arrived (the unit's verdict), then the first again 12 times, the gaps
  (in ARP frames, 10 ms each) doubling from 20 to 640: 200 ms to 6.4 s;
- then, one more timeout later, an RST to each end, the RST to the IED at
  the first byte it never acknowledged; an anomaly event and the reason
  tcp_custody_timeout; nothing left held or in custody."""
import json
import sys

from checklib import check, done, tshark_rows

CPORT = '40300'  # the client's port; the IED's is 102 (IPv4 or IPv6 alike)


def frames(path):
    out = []
    for f in tshark_rows(path, ['arp.opcode', 'tcp.stream', 'tcp.srcport', 'tcp.dstport',
                                'tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.flags']):
        if f[0]:
            out.append({'arp': True})
            continue
        if not f[4]:
            out.append({'arp': False, 'tcp': False})
            continue
        src = 'client' if f[2] == CPORT else 'ied' if f[3] == CPORT else '?'
        out.append({'arp': False, 'tcp': True, 'src': src, 'sport': f[2], 'dport': f[3],
                    'seq': int(f[4]), 'ack': int(f[5] or 0), 'len': int(f[6] or 0),
                    'flags': int(f[7], 16)})
    return out


def flow(fs):
    return [f for f in fs if f.get('tcp') and CPORT in (f['sport'], f['dport'])]


def main():
    d = sys.argv[1]
    sent_c = flow(frames(d + '/outside.pcap'))
    sent_i = flow(frames(d + '/inside.pcap'))
    data = [f for f in sent_c if f['src'] == 'client' and f['len'] > 0]
    # the read's segments: s1, s2, s1 again, s3 (the last four)
    check(len(data) >= 4 and data[-2]['seq'] == data[-4]['seq'],
          'the capture has the read in three segments, the first resent')
    if len(data) < 4:
        return
    s1, s2, s3 = data[-4], data[-3], data[-1]
    ied_ack = max(f['ack'] for f in sent_i if f['src'] == 'ied')
    check(ied_ack == s1['seq'], 'the IED never acknowledged the read (its ACK stays at its start)')

    to_cli = flow(frames(d + '/to-outside.pcap'))
    cust = [f for f in to_cli if f['src'] == 'ied' and f['len'] == 0 and f['flags'] == 0x10 and
            f['ack'] == s3['seq']]
    check(len(cust) >= 1, 'the client got a cumulative ACK of the two held segments in the '
          "IED's name (custody; %d)" % len(cust))

    to_ied = frames(d + '/to-inside.pcap')
    seen, first = [], None
    for i, f in enumerate(to_ied):
        if f.get('tcp') and f['src'] == 'client' and CPORT == f['sport'] and f['len'] > 0 and \
                f['seq'] >= s1['seq']:
            seen.append((i, f['seq'], f['len']))
    want = [(s1['seq'], s1['len']), (s2['seq'], s2['len']), (s3['seq'], s3['len'])]
    check([(s, n) for _, s, n in seen[:3]] == want,
          'the IED got the three segments once, in order, after the verdict')
    resends = [i for i, s, n in seen[3:] if (s, n) == want[0]]
    check(len(seen) == 3 + len(resends), 'after them only the first segment, again')
    check(len(resends) == 12, 'the first segment was sent again 12 times (%d)' % len(resends))
    rsts = [i for i, f in enumerate(to_ied) if f.get('tcp') and f['flags'] & 0x04]
    check(len(rsts) == 1 and rsts[0] > (resends[-1] if resends else 0),
          'then one RST towards the IED (%d)' % len(rsts))
    if rsts:
        r = to_ied[rsts[0]]
        check(r['seq'] == s1['seq'], 'at the first byte the IED never acknowledged')
    marks = [seen[2][0]] + resends + rsts[:1] if len(seen) >= 3 else []

    def arps(a, b):
        return sum(1 for f in to_ied[a + 1:b] if f.get('arp'))
    gaps = [arps(marks[k], marks[k + 1]) for k in range(len(marks) - 1)]
    expect = [20, 40, 80, 160, 320] + [640] * 8
    ok = len(gaps) == len(expect) and all(abs(g - e) <= 2 for g, e in zip(gaps, expect))
    check(ok, 'resends and reset 0.2, 0.4, 0.8, 1.6, 3.2 s, then every 6.4 s apart in capture '
          'time (ARP frames between them: %s)' % gaps)
    check(any(f['src'] == 'ied' and f['flags'] & 0x04 for f in to_cli), 'an RST towards the client')

    # tshark, the oracle for what the gate writes (the custody ACK, the RSTs)
    for out in ('to-inside', 'to-outside'):
        bad = tshark_rows('%s/%s.pcap' % (d, out), ['frame.number'],
                          'tcp.checksum.status==0 || ip.checksum.status==0',
                          ('tcp.check_checksum:TRUE', 'ip.check_checksum:TRUE'))
        check(not bad, 'no bad checksum in %s.pcap' % out)
    evs = [json.loads(x) for x in open(d + '/events.jsonl') if x.strip()]
    check(any(e.get('reason') == 'tcp_custody_timeout' and e.get('client', '').endswith(':' + CPORT)
              for e in evs), 'an anomaly event names the reset: tcp_custody_timeout')
    st = json.load(open(d + '/stats.json'))
    c = {k: st.get(k) for k in ('tcp_custody_takes', 'tcp_custody_resends', 'tcp_custody_now',
                                'held_segments')}
    check(c == {'tcp_custody_takes': 1, 'tcp_custody_resends': 12, 'tcp_custody_now': 0,
                'held_segments': 0}, 'counters: %s' % c)
    check(st.get('reasons', {}).get('tcp_custody_timeout') == 1 and
          st.get('drops', {}).get('tcp_custody_timeout', 0) == 3,
          'reason tcp_custody_timeout 1, the three kept segments dropped under it (%s, %s)' %
          (st.get('reasons', {}).get('tcp_custody_timeout'),
           st.get('drops', {}).get('tcp_custody_timeout')))


if __name__ == '__main__':
    main()
    done()
