#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Differential test: mmsgatectl replay against tshark, PDU by PDU.

For every capture (the generator's scenarios, written at test time, plus
every capture under ../shared/pcaps/public that contains MMS) both decoders
run: tshark (PDML, one <proto name="mms"> per PDU, so several PDUs in one
frame stay apart; the same fields as `-T fields -e mms.confirmedServiceRequest
-e mms.invokeID -e mms.domainId -e mms.itemId ...`) and `mmsgatectl replay
--json`. PDUs are matched by (frame that completed the PDU, index within
that frame) and compared on PDU type, service, invokeID and object names.

Rules (documented, not hidden):
  * Objects are compared on requests and unconfirmed PDUs; the engine
    reports the objects a request names, not the names carried in response
    data (getNameList identifiers, NVL attribute members).
  * A PDU tshark itself flags as malformed (BER error expert info inside
    that mms tree) is counted as "tshark-malformed" and not held against
    replay: tshark cannot be the reference there.
  * A replay record of pdu "malformed"/"not-mms" at a frame where tshark
    shows no MMS is agreement (both refuse to see MMS; column nonMMS).
  * Generated captures must have no PDU tshark finds malformed, and the
    s7comm / garbage scenarios must get a non-MMS record from replay.
  * Captures without the association set-up get tshark's presentation
    context setting (-o uat:pres_context_list:"3","1.0.9506.2.1").
  * After a unit tshark also flags malformed (at any layer: e.g. a session
    AC SPDU it cannot parse), or an allowlisted unit, replay's non-MMS
    records from the same sender are counted as "after" and not held
    against it: the engine fails closed (the direction stays refused),
    tshark resynchronises on the next TPKT. Column "after".
  * tests/scripts/differential_allow.txt lists single (capture, frame)
    exceptions with a justification each.
Exit status: 0 when every compared PDU agrees (or is allowlisted), 1 on any
disagreement, 77 when the tools needed are missing (ctest SKIP).
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

PRES_OPT = ['-o', 'uat:pres_context_list:"3","1.0.9506.2.1"']

PDU_KIND = {
    'confirmed_RequestPDU': 'confirmed-request',
    'confirmed_ResponsePDU': 'confirmed-response',
    'confirmed_ErrorPDU': 'confirmed-error',
    'unconfirmed_PDU': 'unconfirmed',
    'rejectPDU': 'reject',
    'cancel_RequestPDU': 'cancel-request',
    'cancel_ResponsePDU': 'cancel-response',
    'cancel_ErrorPDU': 'cancel-error',
    'initiate_RequestPDU': 'initiate-request',
    'initiate_ResponsePDU': 'initiate-response',
    'initiate_ErrorPDU': 'initiate-error',
    'conclude_RequestPDU': 'conclude-request',
    'conclude_ResponsePDU': 'conclude-response',
    'conclude_ErrorPDU': 'conclude-error',
}
# Services the engine names at PDU level when tshark has no service field.
PDU_LEVEL_SVC = {
    'initiate-request': 'initiate', 'initiate-response': 'initiate',
    'initiate-error': 'initiate', 'conclude-request': 'conclude',
    'conclude-response': 'conclude', 'conclude-error': 'conclude',
    'cancel-request': 'cancel', 'cancel-response': 'cancel', 'cancel-error': 'cancel',
}
NON_MMS = {'malformed', 'not-mms', 'not_mms'}
# tshark fields holding a single-string object name.
NAME_FIELDS = {'mms.vmd_specific', 'mms.aa_specific', 'mms.domainSpecific',
               'mms.FileName_item'}
SVC_RE = re.compile(r':\s*(.+?)\s*\(\d+\)\s*$')


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def name_of(showname):
    m = SVC_RE.search(showname or '')
    return m.group(1) if m else None


def tshark_pdus(tshark, cap, extra):
    """Return {frame: [record, ...]} for every MMS PDU tshark decodes."""
    # -J keeps only the mms trees (whole) and geninfo: far less XML to parse.
    p = run([tshark, '-r', cap, '-n', '-Y', 'mms', '-T', 'pdml', '-J', 'mms'] + extra)
    if p.returncode != 0:
        raise RuntimeError('tshark failed on %s: %s' % (cap, p.stderr.decode(errors='replace')))
    out = {}
    root = ET.fromstring(p.stdout)
    for pkt in root.iter('packet'):
        frame = None
        for f in pkt.iter('field'):
            if f.get('name') == 'num' or f.get('name') == 'frame.number':
                frame = int(f.get('show'))
                break
        for proto in pkt.findall('.//proto[@name="mms"]'):
            out.setdefault(frame, []).append(mms_record(proto))
    return out


def mms_record(proto):
    rec = {'pdu': None, 'service': None, 'invoke_id': None, 'objects': [],
           'malformed': False}
    pending_domain = None
    for f in proto.iter('field'):
        name = f.get('name') or ''
        show = f.get('show')
        # Only a malformed/error expert disqualifies tshark as the reference
        # (not e.g. "Warning/Undecoded: bits set in padded area").
        if name == '_ws.malformed' or (name == '_ws.expert' and re.search(
                r'Malformed|\(Error/', f.get('showname') or '')):
            rec['malformed'] = True
            continue
        if not name.startswith('mms.'):
            continue
        short = name[4:]
        base = short[:-8] if short.endswith('_element') else short
        if rec['pdu'] is None and base in PDU_KIND:
            rec['pdu'] = PDU_KIND[base]
            if base in ('cancel_RequestPDU', 'cancel_ResponsePDU') and show:
                rec['invoke_id'] = int(show)
            continue
        if name in ('mms.confirmedServiceRequest', 'mms.confirmedServiceResponse',
                    'mms.unconfirmedService') and rec['service'] is None:
            rec['service'] = name_of(f.get('showname'))
        elif name in ('mms.invokeID', 'mms.originalInvokeID') and rec['invoke_id'] is None:
            rec['invoke_id'] = int(show)
        elif name == 'mms.domainId':
            pending_domain = show
        elif name == 'mms.itemId':
            rec['objects'].append('%s/%s' % (pending_domain, show)
                                  if pending_domain is not None else show)
            pending_domain = None
        elif name in NAME_FIELDS:
            rec['objects'].append(show)
    return rec


def replay_pdus(replay, cap):
    # tshark does not validate checksums; the public captures were taken on
    # the talking hosts (offloaded checksums, segments over the MSS):
    # compare decoding, not the normaliser's verdicts on those artefacts.
    p = run([replay, 'replay', '--json', '--host-capture', cap])
    if p.returncode not in (0, 1):
        raise RuntimeError('replay failed (%d) on %s: %s' %
                           (p.returncode, cap, p.stderr.decode(errors='replace')[-2000:]))
    out = {}
    for line in p.stdout.decode(errors='replace').splitlines():
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if 'frame' not in r or 'pdu' not in r:
            continue
        out.setdefault(int(r['frame']), []).append(r)
    return out


def needs_pres_opt(tshark, cap):
    """Mid-association capture: port-102 presentation data tshark leaves
    undecoded as MMS without its context setting."""
    p = run([tshark, '-r', cap, '-n', '-Y', 'pres && !mms && !acse && !pres.cptype && '
             '!pres.cpapdu', '-T', 'fields', '-e', 'frame.number'])
    return bool(p.stdout.strip())


def tshark_malformed_frames(tshark, cap, extra):
    """[(frame, "ip:port" of the sender)] of frames tshark flags malformed
    at any layer (session, presentation, ...), not only inside MMS."""
    p = run([tshark, '-r', cap, '-n', '-Y', '_ws.malformed && tcp', '-T', 'fields',
             '-e', 'frame.number', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport']
            + extra)
    out = []
    for line in p.stdout.decode(errors='replace').splitlines():
        f = line.split('\t')
        if len(f) < 4 or not f[0].isdigit():
            continue
        src = '%s:%s' % (f[1], f[3]) if f[1] else '[%s]:%s' % (f[2], f[3])
        out.append((int(f[0]), src))
    return out


def compare(ts, rp, allow, capname, verbose, ts_bad_frames=()):
    st = {'compared': 0, 'agree': 0, 'tshark_malformed': 0, 'allowed': 0, 'both_non_mms': 0,
          'after_malformed': 0}
    bad = []
    # Senders whose stream replay refused at a unit excused above (tshark
    # malformed there too, or allowlisted): replay fails closed, so what it
    # reports in that direction afterwards is a consequence, not a new
    # disagreement. tshark resynchronises on the next TPKT instead.
    excused_dirs = {}
    for f, src in ts_bad_frames:
        excused_dirs.setdefault(src, f)
    for frame in sorted(set(ts) | set(rp)):
        tl = ts.get(frame, [])
        rl_all = rp.get(frame, [])
        rl = [r for r in rl_all if r.get('pdu') not in NON_MMS]
        rnon = [r for r in rl_all if r.get('pdu') in NON_MMS]
        if not tl and rnon and not rl:
            st['both_non_mms'] += len(rnon)
            continue
        n = max(len(tl), len(rl) + len(rnon))
        for i in range(n):
            t = tl[i] if i < len(tl) else None
            r = rl[i] if i < len(rl) else (rnon[i - len(rl)] if i - len(rl) < len(rnon) else None)
            st['compared'] += 1
            why = diff(t, r)
            if not why:
                st['agree'] += 1
                continue
            if t is not None and t['malformed']:
                st['tshark_malformed'] += 1
                continue
            src = r.get('src') if r else None
            if (r is not None and r.get('pdu') in NON_MMS and src in excused_dirs
                    and excused_dirs[src] <= frame):
                st['after_malformed'] += 1
                continue
            if (capname, frame) in allow or (capname, None) in allow:
                st['allowed'] += 1
                if src and r.get('pdu') in NON_MMS:
                    excused_dirs.setdefault(src, frame)
                continue
            bad.append((frame, i, why, t, r))
    return st, bad


def diff(t, r):
    if t is None:
        return 'replay-only PDU'
    if r is None:
        return 'tshark-only PDU'
    if t['pdu'] != r.get('pdu'):
        return 'pdu %s != %s' % (t['pdu'], r.get('pdu'))
    rsvc = r.get('service')
    if t['service'] is not None:
        if t['service'] != rsvc:
            return 'service %s != %s' % (t['service'], rsvc)
    elif rsvc not in (None, '', PDU_LEVEL_SVC.get(t['pdu'])) and t['pdu'] not in (
            'confirmed-error', 'reject', 'cancel-request', 'cancel-response', 'cancel-error'):
        return 'service (none) != %s' % rsvc
    if t['invoke_id'] is not None and t['invoke_id'] != r.get('invoke_id'):
        return 'invoke_id %s != %s' % (t['invoke_id'], r.get('invoke_id'))
    if t['pdu'] in ('confirmed-request', 'unconfirmed'):
        robj = r.get('objects') or []
        tobj = t['objects']
        if r.get('objects_truncated'):
            tobj = tobj[:len(robj)]
        if tobj != robj:
            return 'objects %s != %s' % (tobj, robj)
    return None


def load_allow(path):
    allow = set()
    if path and os.path.exists(path):
        for line in open(path):
            line = line.split('#', 1)[0].split()
            if len(line) >= 2:
                allow.add((line[0], None if line[1] == '*' else int(line[1])))
    return allow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tshark', default='tshark')
    ap.add_argument('--replay', required=True, help='path to mmsgatectl')
    ap.add_argument('--gen', help='path to mmsgate-gen')
    ap.add_argument('--outdir', default='.')
    ap.add_argument('--public', help='directory of public captures')
    ap.add_argument('--allow', help='allowlist file')
    ap.add_argument('--only', help='substring filter on capture paths')
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('captures', nargs='*')
    a = ap.parse_args()

    if run(['sh', '-c', 'command -v %s' % a.tshark]).returncode != 0:
        print('SKIP: tshark not found')
        return 77
    if not os.access(a.replay, os.X_OK):
        print('SKIP: %s not built' % a.replay)
        return 77

    caps = list(a.captures)
    if a.gen:
        gdir = os.path.join(a.outdir, 'differential-gen')
        os.makedirs(gdir, exist_ok=True)
        p = run([a.gen, '--all', gdir])
        if p.returncode != 0:
            print('mmsgate-gen failed: %s' % p.stderr.decode(errors='replace'))
            return 1
        # 'all' repeats the other scenarios; each is checked on its own.
        # 'resync' is deliberately malformed (tests/varlist.cmake checks it).
        caps += sorted(c for c in glob.glob(os.path.join(gdir, '*.pcap'))
                       if not c.endswith('/all.pcap') and not c.endswith('/resync.pcap'))
    if a.public:
        if os.path.isdir(a.public):
            pub = sorted(glob.glob(os.path.join(a.public, '**', '*.pcap'), recursive=True) +
                         glob.glob(os.path.join(a.public, '**', '*.pcapng'), recursive=True))
            caps += pub
        else:
            print('NOTE: %s absent: public captures skipped' % a.public)
    if a.only:
        caps = [c for c in caps if a.only in c]
    allow = load_allow(a.allow)

    total = {'compared': 0, 'agree': 0, 'bad': 0, 'tshark_malformed': 0, 'allowed': 0,
             'after_malformed': 0}
    failed = []
    print('%-62s %8s %8s %6s %6s %6s %6s %6s' % ('capture', 'compared', 'agree', 'ts-mal',
                                                 'after', 'allow', 'nonMMS', 'DIFF'))
    for cap in caps:
        name = os.path.relpath(cap, a.public) if a.public and cap.startswith(a.public) \
            else os.path.basename(cap)
        extra = PRES_OPT if needs_pres_opt(a.tshark, cap) else []
        try:
            ts = tshark_pdus(a.tshark, cap, extra)
        except (RuntimeError, ET.ParseError) as e:
            print('%-62s tshark error: %s' % (name, e))
            failed.append(name)
            continue
        if not ts and a.public and cap.startswith(a.public):
            continue  # public capture without MMS: not part of this test
        try:
            rp = replay_pdus(a.replay, cap)
        except RuntimeError as e:
            print('%-62s %s' % (name, e))
            failed.append(name)
            continue
        st, bad = compare(ts, rp, allow, name, a.verbose,
                          tshark_malformed_frames(a.tshark, cap, extra))
        generated = not (a.public and cap.startswith(a.public))
        base = os.path.basename(cap)
        # Our own captures must be clean for tshark, and the non-MMS
        # scenarios must be recognised as such by replay.
        if generated and st['tshark_malformed']:
            bad.append((0, 0, 'generator wrote %d PDUs tshark finds malformed'
                        % st['tshark_malformed'], None, None))
        if generated and base in ('s7comm.pcap', 'garbage.pcap') and not st['both_non_mms']:
            bad.append((0, 0, 'replay did not report the non-MMS connection', None, None))
        print('%-62s %8d %8d %6d %6d %6d %6d %6d%s' % (
            name[-62:], st['compared'], st['agree'], st['tshark_malformed'],
            st['after_malformed'], st['allowed'], st['both_non_mms'], len(bad),
            '  (pres ctx option)' if extra else ''))
        for k in ('compared', 'agree', 'tshark_malformed', 'allowed', 'after_malformed'):
            total[k] += st[k]
        total['bad'] += len(bad)
        for frame, i, why, t, r in bad[:15]:
            print('    frame %d #%d: %s' % (frame, i, why))
            if a.verbose:
                print('      tshark: %s' % t)
                print('      replay: %s' % r)
        if len(bad) > 15:
            print('    ... %d more' % (len(bad) - 15))
        if bad:
            failed.append(name)
    print('TOTAL: %d PDUs compared, %d agree, %d tshark-malformed, %d after a malformed '
          'unit, %d allowlisted, %d disagree' % (
              total['compared'], total['agree'], total['tshark_malformed'],
              total['after_malformed'], total['allowed'], total['bad']))
    if failed:
        print('FAILED captures: %s' % ', '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
