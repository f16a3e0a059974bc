// Metadata records, pure: what ixp_info / ixp_member_info / ixp_port_info carry, and which records count as
// changed against stored fingerprints (new, changed, unchanged, a member gone from the registry, once).
import { describe, it, expect } from 'vitest';
import { changedRecords, fingerprint, ixpInfo, memberInfo, metaKey, portInfos, type MetaRecordLP } from '../../../collector/figures/meta.ts';
import type { ResolvedMember } from '../../../collector/members/resolve.ts';

const member = (asn: number, o: Partial<ResolvedMember> = {}): ResolvedMember => ({
  asn, name: { value: `AS${asn} Net`, source: 'config' }, category: { value: 'isp', source: 'config' },
  buysTransit: { value: true, source: 'default' }, transitPricePerMbps: null, portFeePerMonth: { value: 50, source: 'config' },
  ports: [], ...o,
});
const NOW = Date.UTC(2026, 5, 1);

describe('metadata records', () => {
  it('a member holds the ports valid now, sorted, once', () => {
    const m = memberInfo(member(65001, {
      joined: { value: '2026-01-01', source: 'config' },
      ports: [
        { switch: 'sw2', port: 'Eth2', validFrom: null, validTo: null, source: 'config' },
        { switch: 'sw1', port: 'Eth9', validFrom: null, validTo: NOW, source: 'ixf+ifalias' }, // gave it back at NOW
        { switch: 'sw1', port: 'Eth1', validFrom: NOW - 1, validTo: null, source: 'ixf+ifalias' },
        { switch: 'sw1', port: 'Eth1', validFrom: null, validTo: null, source: 'ifalias' },
        { switch: 'sw1', port: 'Eth5', validFrom: NOW + 1, validTo: null, source: 'config' }, // not yet
      ],
    }), NOW);
    expect(JSON.parse(m.ports)).toEqual([{ switch: 'sw1', port: 'Eth1' }, { switch: 'sw2', port: 'Eth2' }]);
    expect(m).toMatchObject({ joined: '2026-01-01', left: '', url: '', transit_price_per_mbps: null, port_fee_per_month: 50, removed: false });
  });

  it('ixp_info from the config; none without an ixp section', () => {
    const base = { switches: [{ name: 'sw1', roles: { trunk: ['^Eth49'] } }], polling: { interval: 60 }, memberSources: { ifAlias: false }, dashboard: { publicMembers: true } } as never;
    expect(ixpInfo({ ...(base as object), ixp: undefined } as never)).toBeNull();
    const r = ixpInfo({ ...(base as object), ixp: { id: 'mvix', name: 'MVIX', timezone: 'Indian/Maldives', currency: 'USD', transitPricePerMbps: 8, public: false } } as never)!;
    expect(r).toMatchObject({ name: 'MVIX', country: '', launched: '', public: false, public_members: true, poll_interval: 60, if_alias: false });
    expect(JSON.parse(r.switches)).toEqual([{ name: 'sw1', site: 'sw1', roles: { trunk: ['^Eth49'] } }]);
  });

  it('ports carry admin status, role, LAG and the other end of a trunk', () => {
    const [a, b] = portInfos([
      { switch: 'sw1', port: 'Eth1', alias: 'x', descr: 'd', speedMbps: 1000, adminStatus: 2 },
      { switch: 'sw1', port: 'Eth49', alias: '', descr: '', speedMbps: null, adminStatus: null },
    ], [{ switch: 'sw1', port: 'Eth49', role: 'trunk', lag: 'Po1', counted: null, peer: { switch: 'sw2', port: 'Eth50', name: null }, why: 'roles.links' }]);
    expect(a).toMatchObject({ admin_up: false, role: '', lag: '', peer: '' });
    expect(b).toMatchObject({ admin_up: null, role: 'trunk', lag: 'Po1', peer: '{"switch":"sw2","port":"Eth50","name":null}' });
  });

  it('changed: new and changed records, not unchanged ones; a member gone is marked removed once', () => {
    const keep = memberInfo(member(1), NOW);
    const change = memberInfo(member(2), NOW);
    const gone = memberInfo(member(3), NOW);
    const fresh = memberInfo(member(4), NOW);
    const port = portInfos([{ switch: 's', port: 'p', alias: 'a', descr: '', speedMbps: 1, adminStatus: 1 }], [])[0]!;
    const stored = new Map<string, string>([
      [metaKey(keep), fingerprint(keep)],
      [metaKey(change), fingerprint({ ...change, name: 'old name' })],
      [metaKey(gone), fingerprint(gone)],
      [metaKey(port), fingerprint(port)],
    ]);
    const renamed = { ...change };
    const current: MetaRecordLP[] = [keep, renamed, fresh, { ...port, alias: 'b' }];
    expect(changedRecords(current, stored, true)).toEqual([renamed, fresh, { ...port, alias: 'b' }, { ...gone, removed: true }]);
    expect(changedRecords(current, stored, false)).toEqual([renamed, fresh, { ...port, alias: 'b' }]);
    stored.set(metaKey(gone), fingerprint({ ...gone, removed: true }));
    expect(changedRecords([keep], stored, true).map((r) => r.m === 'ixp_member_info' && r.asn)).toEqual([2]); // 2's old name is stored: removed
  });
});
