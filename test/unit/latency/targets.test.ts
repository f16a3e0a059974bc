// The prober's targets: members' routers from the config and a real IX-F export's vlan_list, references,
// and clear errors naming the option or JSON path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTargets, ixfRouterAddresses, TargetError } from '../../../collector/latency/targets.ts';
import { checkTiming } from '../../../collector/latency/index.ts';

const QCIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/ixf/example-qcix-v1.0-2020-03-14.json');
const names = (asn: number) => ({ 42: 'Packet Clearing House' } as Record<number, string>)[asn];

describe('ixfRouterAddresses', () => {
  it('reads IPv4 and IPv6 router addresses of active connections from a real export', () => {
    const doc = JSON.parse(readFileSync(QCIX, 'utf8'));
    const got = ixfRouterAddresses(doc, 'qcix.json');
    expect(got.filter((r) => r.asn === 42).map((r) => r.address)).toEqual(['206.83.43.9', '2001:504:9b::9']);
    expect(got[0].where).toBe('qcix.json: member_list[0].connection_list[0].vlan_list[0].ipv4.address');
    const expected = (doc.member_list as { connection_list: { state?: string; vlan_list?: { ipv4?: { address?: string }; ipv6?: { address?: string } }[] }[] }[])
      .flatMap((m) => m.connection_list.filter((c) => !c.state || ['active', 'connected'].includes(c.state)).flatMap((c) => (c.vlan_list ?? []).flatMap((v) => [v.ipv4?.address, v.ipv6?.address])))
      .filter(Boolean).length;
    expect(got.length).toBe(expected);
    expect(got.length).toBeGreaterThan(10);
  });

  it('leaves out connections that are not active', () => {
    const doc = { member_list: [{ asnum: 65001, connection_list: [{ state: 'inactive', vlan_list: [{ ipv4: { address: '10.0.0.1' } }] }] }] };
    expect(ixfRouterAddresses(doc)).toEqual([]);
  });
});

describe('buildTargets', () => {
  it('config routers, then IX-F routers (kept once), then references; canonical addresses and member names', () => {
    const t = buildTargets({
      routers: [{ asn: 42, address: '2001:504:9B:0::9' }, { asn: 65001, address: '10.0.0.1' }],
      references: [{ name: 'Quad9', address: '9.9.9.9', kind: 'international' }, { name: 'CDN cache', address: '10.0.0.50', kind: 'local' }],
    }, [{ asn: 42, address: '2001:504:9b::9', where: 'x' }, { asn: 42, address: '206.83.43.9', where: 'y' }], names);
    expect(t).toEqual([
      { address: '2001:504:9b::9', kind: 'member', name: 'Packet Clearing House', memberAsn: 42 },
      { address: '10.0.0.1', kind: 'member', name: 'AS65001', memberAsn: 65001 },
      { address: '206.83.43.9', kind: 'member', name: 'Packet Clearing House', memberAsn: 42 },
      { address: '9.9.9.9', kind: 'international', name: 'Quad9' },
      { address: '10.0.0.50', kind: 'local', name: 'CDN cache' },
    ]);
  });

  it('a name instead of an address, or one address with two meanings, is an error naming where', () => {
    expect(() => buildTargets({ routers: [], references: [{ name: 'Google', address: 'dns.google', kind: 'international' }] }, [], names))
      .toThrow(new TargetError('latency.references[0].address: "dns.google" is not an IPv4 or IPv6 address (literal addresses only, no names)'));
    expect(() => buildTargets({ routers: [{ asn: 65001, address: '10.0.0.1' }], references: [{ name: 'x', address: '10.0.0.1', kind: 'local' }] }, [], names))
      .toThrow('latency.references[0].address: 10.0.0.1 is already probed as a router of AS65001');
    expect(() => buildTargets({ routers: [{ asn: 65001, address: '10.0.0.1' }], references: [] }, [{ asn: 65002, address: '10.0.0.1', where: 'ixf.json: member_list[3]' }], names))
      .toThrow('ixf.json: member_list[3]: 10.0.0.1 is already probed as a router of AS65001');
  });
});

it('a round that cannot fit in the interval is refused, naming the options', () => {
  const base = { interval: 300, pings: 20, periodMs: 1000, intervalMs: 10, timeoutMs: 1500, sizeBytes: 56, fping: 'fping', ixfRouters: true, routers: [], references: [], outageRounds: 1, alerts: { lossThreshold: 0.2, lossRounds: 3, silentRounds: 2, outage: true } };
  expect(() => checkTiming(base)).not.toThrow();
  expect(() => checkTiming({ ...base, interval: 10, pings: 20 })).toThrow(/latency.pings: 20 pings every 1000 ms plus the 1500 ms timeout take 20500 ms, longer than latency.interval \(10 s\)/);
});
