#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Named variable lists and resynchronisation (issue 12), on the generator's
'datasets' and 'resync' scenarios, through mmsgatectl replay and through the
DPDK dataplane on net_pcap ports.

usage: varlist_check.py replay  MMSGATECTL GEN POLICY WORKDIR
       varlist_check.py dp      MMSGATE    GEN POLICY WORKDIR SRCDIR
"""
import json
import os
import shutil
import subprocess
import sys


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def gen(genbin, scen, out):
    subprocess.run([genbin, scen, out], check=True, stdout=subprocess.DEVNULL)


def replay(ctl, pcap, policy):
    p = subprocess.run([ctl, 'replay', '--json', '--policy', policy, pcap],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail('replay exited %d: %s' % (p.returncode, p.stderr))
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def host(r):
    return (r.get('client') or r.get('src') or '').rsplit(':', 1)[0]


def check_datasets_replay(recs):
    reqs = [r for r in recs if r.get('pdu') == 'confirmed-request']
    w = [r for r in reqs if r.get('service') == 'write']
    if len(w) != 2:
        fail('want 2 list writes, got %d' % len(w))
    # defined on one association, used on another: judged as the operate it is
    if host(w[0]) != '10.6.0.20' or w[0].get('class') != 'operate' or \
            w[0].get('verdict') != 'deny' or \
            'IED6LD0/CSWI1$CO$Pos$Oper' not in w[0].get('members', []):
        fail('list write by the writer not judged as operate: %s' % w[0])
    # deleted, redefined with harmless members: a plain write, allowed
    if host(w[1]) != '10.6.0.21' or w[1].get('class') != 'write' or \
            w[1].get('verdict') != 'allow' or \
            'IED6LD0/MMXU1$MX$TotW' not in w[1].get('members', []):
        fail('list write after redefinition: %s' % w[1])
    rd = [r for r in reqs if r.get('service') == 'read' and host(r) == '10.6.0.30']
    if len(rd) != 2:
        fail('want 2 HMI reads, got %d' % len(rd))
    if rd[0].get('class') != 'dataset-read' or rd[0].get('verdict') != 'allow':
        fail('HMI data set read not allowed by its explicit rule: %s' % rd[0])
    if rd[1].get('class') != 'read' or len(rd[1].get('members', [])) != 2:
        fail('read of a known list not expanded: %s' % rd[1])
    print('datasets: list write = operate (denied), redefined = write (allowed), '
          'HMI dataset-read allowed, known list read expanded')


def check_resync_replay(recs):
    kinds = [r.get('pdu') for r in recs]
    if 'malformed' not in kinds:
        fail('no malformed record for the unknown service')
    after = kinds[kinds.index('malformed') + 1:]
    if after.count('confirmed-request') != 2 or after.count('confirmed-response') != 2:
        fail('replay did not keep decoding after the malformed unit: %s' % after)
    print('resync: replay decodes the %d PDUs after the unknown service' % len(after))


def run_dp(mmsgate, work, policy, src, extra):
    subprocess.run([sys.executable, os.path.join(src, 'tests/scripts/dp_split.py'),
                    'all.pcap', '.'], check=True, cwd=work)
    cmd = [mmsgate, '--no-huge', '--no-shconf', '-m', '512', '--no-pci', '-l', '0,1',
           '--log-level=*:error',
           '--vdev', 'net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap',
           '--vdev', 'net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap',
           '--', '--policy', policy, '--ts-order', '--exit-on-idle', '300',
           '--max-flows', '1024', '--events', 'events.jsonl', '--json-stats',
           'stats.json'] + extra
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=60)
    print(p.stdout + p.stderr)
    if p.returncode != 0:
        fail('mmsgate exited %d' % p.returncode)
    with open(os.path.join(work, 'stats.json')) as f:
        stats = json.load(f)
    evs = []
    if os.path.exists(os.path.join(work, 'events.jsonl')):
        with open(os.path.join(work, 'events.jsonl')) as f:
            evs = [json.loads(l) for l in f if l.strip()]
    return stats, evs


def find(d, key):
    """First value of key anywhere in nested dicts."""
    if isinstance(d, dict):
        if key in d:
            return d[key]
        for v in d.values():
            r = find(v, key)
            if r is not None:
                return r
    return None


def main():
    mode, prog, genbin, policy, work = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)  # events files are appended to
    os.makedirs(work)
    if mode == 'replay':
        gen(genbin, 'datasets', os.path.join(work, 'datasets.pcap'))
        gen(genbin, 'resync', os.path.join(work, 'resync.pcap'))
        check_datasets_replay(replay(prog, os.path.join(work, 'datasets.pcap'), policy))
        check_resync_replay(replay(prog, os.path.join(work, 'resync.pcap'), policy))
        return 0
    src = sys.argv[6]
    if os.geteuid() != 0:
        print('SKIP: needs root (DPDK EAL)')
        return 77
    # enforce: the list write that is really an operate is denied, once
    d1 = os.path.join(work, 'datasets')
    os.makedirs(d1, exist_ok=True)
    gen(genbin, 'datasets', os.path.join(d1, 'all.pcap'))
    stats, evs = run_dp(prog, d1, policy, src, [])
    deny = [e for e in evs if e.get('type') == 'deny']
    if len(deny) != 1 or not deny[0].get('client', '').startswith('10.6.0.20') or \
            deny[0].get('class') != 'operate':
        fail('dataplane: want one operate deny for 10.6.0.20, got %s' % deny)
    print('dataplane datasets: %s' % deny[0])
    vl = stats.get('varlists', {})
    # two defines answered with success; the delete and the redefinition forget
    if vl.get('learned') != 2 or vl.get('forgotten', 0) < 1 or vl.get('expanded', 0) < 2:
        fail('dataplane varlists counters: %s' % vl)
    print('dataplane varlists counters: %s' % vl)
    # monitor: after the unknown service the following reads are still decoded
    d2 = os.path.join(work, 'resync')
    os.makedirs(d2, exist_ok=True)
    gen(genbin, 'resync', os.path.join(d2, 'all.pcap'))
    stats, evs = run_dp(prog, d2, policy, src, ['--mode', 'monitor'])
    pdus = find(stats, 'mms_pdus')
    if pdus != 8:
        fail('dataplane monitor: want 8 MMS PDUs decoded around the unknown service, got %s'
             % pdus)
    print('dataplane resync (monitor): %d MMS PDUs decoded' % pdus)
    return 0


if __name__ == '__main__':
    sys.exit(main())
