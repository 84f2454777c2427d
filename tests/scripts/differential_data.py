#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Differential test of write data: mmsgatectl replay's "control" / "values"
against tshark's decoding of the same write requests.

For every capture (the generator's "controls" and "services" scenarios,
written at test time, plus every capture under ../shared/pcaps/public that
holds an MMS write; skipped with a message when absent) both decoders run:
tshark (PDML, one <proto name="mms"> per PDU, the mms.Data tree under
mms.listOfData) and `mmsgatectl replay --json`. Write requests are matched by
(frame that completed the PDU, index among the write requests of that
frame).

tshark's tree is turned into values independently of our decoder: integers
and unsigned from tshark's own text, booleans from tshark's 0/1,
floating-point from the raw octets tshark shows (exponent-width octet, then
IEEE 754 big-endian, decoded here with struct), bit-strings from tshark's
padding and bits fields, octet-strings as hex, utc-time from tshark's
printed date. For a "control" record the Oper/SBOw/Cancel structure is read
positionally from tshark's tree (ctlVal, operTm when the second element is a
utc-time, origin {orCat, orIdent}, ctlNum, T, Test, Check) and compared
field by field: ctlVal, operTm, ctlNum, test, check (synchrocheck = first
bit, interlock = second, from tshark's bit-string octets), orCat, orIdent,
T. A "values" record is compared element by element, nested.
Known tshark limitation: mms.unsigned is a signed 32-bit field in tshark
4.0, so unsigned values of 2^31 and more are read back modulo 2^32.

A write tshark flags malformed is not held against replay. Exit 0 when every
compared write agrees, 1 on any disagreement or when the generated captures
hold no control write (the test would prove nothing), 77 without tshark.
"""
import argparse
import datetime
import glob
import json
import os
import struct
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential as D  # noqa: E402  (run, needs_pres_opt, replay_pdus)

TYPE_OF_TAG = {1: 'array', 2: 'structure', 3: 'boolean', 4: 'bit-string', 5: 'integer',
               6: 'unsigned', 7: 'floating-point', 9: 'octet-string',
               10: 'visible-string', 12: 'binary-time', 16: 'mms-string', 17: 'utc-time'}
STEP = ['stop', 'lower', 'higher', 'reserved']


def hexval(f):
    return (f.get('value') or '').lower()


def ts_float(raw):
    b = bytes.fromhex(raw)
    if len(b) == 5 and b[0] == 8:
        return struct.unpack('>f', b[1:])[0]
    if len(b) == 9 and b[0] == 11:
        return struct.unpack('>d', b[1:])[0]
    return None


def ts_utc(show):
    # "Nov 25, 2025 00:00:00.000000000 UTC"
    s = show.replace(' UTC', '')
    date, frac = s.rsplit('.', 1)
    t = datetime.datetime.strptime(date, '%b %d, %Y %H:%M:%S').replace(
        tzinfo=datetime.timezone.utc)
    return '%s.%06dZ' % (t.strftime('%Y-%m-%dT%H:%M:%S'), int(frac[:6].ljust(6, '0')))


def ts_data(f):
    """One mms.Data field → {'type', 'value'} (nested for constructed)."""
    tag = int(f.get('show'))
    t = TYPE_OF_TAG.get(tag, 'tag-%d' % tag)
    kids = [c for c in f if c.tag == 'field']
    if tag in (1, 2):
        holder = next((c for c in kids if c.get('name') in ('mms.structure', 'mms.array')),
                      None)
        sub = [c for c in holder if c.tag == 'field' and c.get('name') == 'mms.Data'] \
            if holder is not None else []
        return {'type': t, 'value': [ts_data(c) for c in sub]}
    leaf = {c.get('name'): c for c in kids}
    if tag == 3:
        return {'type': t, 'value': leaf['mms.boolean'].get('show') == '1'}
    if tag == 5:
        return {'type': t, 'value': int(leaf['mms.integer'].get('show'))}
    if tag == 6:
        # tshark 4.0 shows mms.unsigned as a signed 32-bit field: values of
        # 2^31 and more come out negative (4000000000 as -294967296). Read
        # them back modulo 2^32; wider values cannot be compared.
        v = int(leaf['mms.unsigned'].get('show'))
        return {'type': t, 'value': v + (1 << 32) if v < 0 else v}
    if tag == 7:
        return {'type': t, 'value': ts_float(hexval(leaf['mms.floating_point']))}
    if tag == 4:
        pad = int(leaf['ber.bitstring.padding'].get('show')) \
            if 'ber.bitstring.padding' in leaf else 0
        bits = hexval(leaf['mms.data_bit-string']) if 'mms.data_bit-string' in leaf else ''
        return {'type': t, 'value': bits, 'bits': len(bits) * 4 - pad}
    if tag == 9:
        return {'type': t, 'value': hexval(leaf['mms.data.octet-string'])}
    if tag in (10, 16):
        c = kids[0] if kids else None
        return {'type': t, 'value': c.get('show') if c is not None else ''}
    if tag == 17:
        return {'type': t, 'value': ts_utc(leaf['mms.utc_time'].get('show'))}
    return {'type': t, 'value': hexval(kids[0]) if kids else ''}


def tshark_writes(tshark, cap, extra):
    """{frame: [[data, ...] per write request]} and the set of frames with
    a write tshark finds malformed."""
    p = D.run([tshark, '-r', cap, '-n', '-Y', 'mms.confirmedServiceRequest == 5', '-T',
               'pdml', '-J', 'mms'] + extra)
    if p.returncode != 0:
        raise RuntimeError('tshark failed on %s' % cap)
    out, bad = {}, set()
    root = ET.fromstring(p.stdout)
    for pkt in root.iter('packet'):
        frame = None
        for f in pkt.iter('field'):
            if f.get('name') in ('num', 'frame.number'):
                frame = int(f.get('show'))
                break
        for proto in pkt.findall('.//proto[@name="mms"]'):
            req = proto.find('.//field[@name="mms.confirmed_RequestPDU_element"]')
            if req is None or req.find('.//field[@name="mms.write_element"]') is None:
                continue
            if proto.find('.//field[@name="_ws.malformed"]') is not None:
                bad.add(frame)
            lod = proto.find('.//field[@name="mms.listOfData"]')
            items = [c for c in lod if c.get('name') == 'mms.Data'] if lod is not None else []
            try:
                out.setdefault(frame, []).append([ts_data(c) for c in items])
            except (KeyError, ValueError, TypeError, StopIteration) as e:
                bad.add(frame)
                out.setdefault(frame, []).append(None)
    return out, bad


def control_from_ts(d, cancel):
    """The control object replay should print, derived from tshark's tree."""
    if d['type'] != 'structure':
        return None
    e = d['value']
    k = 0
    cv = e[k]
    k += 1
    c = {}
    if cv['type'] == 'boolean':
        c['ctlVal'] = cv['value']
    elif cv['type'] in ('integer', 'unsigned'):
        c['ctlVal'] = cv['value']
    elif cv['type'] == 'floating-point':
        c['ctlVal'] = cv['value']
    elif cv['type'] == 'bit-string':
        c['ctlVal'] = STEP[int(cv['value'][:2] or '0', 16) >> 6]
    elif cv['type'] == 'structure':
        a = {}
        for x in cv['value']:
            if x['type'] == 'integer':
                a['i'] = x['value']
            elif x['type'] == 'floating-point':
                a['f'] = x['value']
        c['ctlVal'] = a
    if e[k]['type'] == 'utc-time':
        c['operTm'] = e[k]['value']
        k += 1
    org = e[k]['value']
    k += 1
    c['orCat'] = org[0]['value']
    c['orIdent'] = org[1]['value']
    c['ctlNum'] = e[k]['value']
    c['T'] = e[k + 1]['value']
    c['test'] = e[k + 2]['value']
    if not cancel:
        b = int(e[k + 3]['value'][:2] or '0', 16)
        c['check'] = {'synchrocheck': bool(b & 0x80), 'interlock': bool(b & 0x40)}
    return c


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return float(a) == float(b) or abs(float(a) - float(b)) <= 1e-6 * abs(float(a))
        except (TypeError, ValueError):
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def compare_write(ts, r):
    """None when they agree, else a description."""
    if 'control' in r:
        if len(ts) != 1:
            return 'control record for %d data elements' % len(ts)
        want = control_from_ts(ts[0], r.get('class') == 'cancel')
        got = dict(r['control'])
        for k in sorted(set(want) | set(got)):
            if k not in got or k not in want or not same(want[k], got[k]):
                return 'control.%s: tshark %r, replay %r' % (k, want.get(k), got.get(k))
        return None
    if 'values' in r:
        if not same(ts, r['values']):
            return 'values: tshark %s, replay %s' % (json.dumps(ts), json.dumps(r['values']))
        return None
    return 'replay has neither control nor values (%s)' % r.get('control_error', '?')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tshark', default='tshark')
    ap.add_argument('--replay', required=True)
    ap.add_argument('--gen')
    ap.add_argument('--outdir', default='.')
    ap.add_argument('--public')
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('captures', nargs='*')
    a = ap.parse_args()
    if D.run(['sh', '-c', 'command -v %s' % a.tshark]).returncode != 0:
        print('SKIP: tshark not found')
        return 77
    caps = [(c, True) for c in a.captures]
    if a.gen:
        gdir = os.path.join(a.outdir, 'differential-data')
        os.makedirs(gdir, exist_ok=True)
        for sc in ('controls', 'services', 'segmentation'):
            path = os.path.join(gdir, sc + '.pcap')
            if D.run([a.gen, sc, path]).returncode != 0:
                print('mmsgate-gen %s failed' % sc)
                return 1
            caps.append((path, True))
    if a.public:
        if os.path.isdir(a.public):
            caps += [(c, False) for c in sorted(
                glob.glob(os.path.join(a.public, '**', '*.pcap'), recursive=True) +
                glob.glob(os.path.join(a.public, '**', '*.pcapng'), recursive=True))]
        else:
            print('NOTE: %s absent: public captures skipped' % a.public)
    failed, total, controls = [], {'writes': 0, 'agree': 0, 'ts_bad': 0}, 0
    print('%-62s %6s %6s %6s %6s' % ('capture', 'writes', 'agree', 'ts-mal', 'DIFF'))
    for cap, generated in caps:
        extra = D.PRES_OPT if D.needs_pres_opt(a.tshark, cap) else []
        try:
            ts, ts_bad = tshark_writes(a.tshark, cap, extra)
        except (RuntimeError, ET.ParseError) as e:
            print('%-62s tshark error: %s' % (os.path.basename(cap), e))
            failed.append(cap)
            continue
        if not ts:
            continue
        rp = D.replay_pdus(a.replay, cap)
        n = agree = nbad = 0
        diffs = []
        for frame in sorted(ts):
            rw = [r for r in rp.get(frame, []) if r.get('pdu') == 'confirmed-request'
                  and r.get('service') == 'write']
            for i, t in enumerate(ts[frame]):
                if frame in ts_bad or t is None:
                    nbad += 1
                    continue
                n += 1
                if i >= len(rw):
                    diffs.append((frame, i, 'replay has no write request here'))
                    continue
                if 'control' in rw[i]:
                    controls += generated
                why = compare_write(t, rw[i])
                if why:
                    diffs.append((frame, i, why))
                else:
                    agree += 1
        name = os.path.relpath(cap, a.public) if a.public and cap.startswith(a.public) \
            else os.path.basename(cap)
        print('%-62s %6d %6d %6d %6d' % (name[-62:], n, agree, nbad, len(diffs)))
        for frame, i, why in diffs[:10]:
            print('    frame %d #%d: %s' % (frame, i, why))
        total['writes'] += n
        total['agree'] += agree
        total['ts_bad'] += nbad
        if diffs:
            failed.append(name)
    print('TOTAL: %d writes compared, %d agree, %d tshark-malformed; %d control '
          'structures in generated captures' % (total['writes'], total['agree'],
                                               total['ts_bad'], controls))
    if a.gen and controls == 0:
        print('FAILED: no control write was compared')
        return 1
    if failed:
        print('FAILED captures: %s' % ', '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
