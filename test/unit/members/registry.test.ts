// The registry merges config > IX-F > PeeringDB > ifAlias on the real IX-F exports (QCIX 1.0, SUPRnet 0.7),
// records each value's source, keeps port history in SQLite, and rejects broken files with a JSON path.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemberConfig } from '../../../collector/config/types.ts';
import type { TagsFor } from '../../../collector/forward/index.ts';
import {
  parseIxf, IxfError, parsePeeringDb, PeeringDbError, resolveMembers, proposePortMapping, saveMembers, categoryOfInfoType,
  type PortAlias,
} from '../../../collector/members/index.ts';

const FIX = path.join(import.meta.dirname, '../../fixtures');
const qcixText = readFileSync(path.join(FIX, 'ixf/example-qcix-v1.0-2020-03-14.json'), 'utf8');
const suprText = readFileSync(path.join(FIX, 'ixf/example-suprnet-v0.7-2020-03-14.json'), 'utf8');
const pdbText = readFileSync(path.join(FIX, 'peeringdb/net-sample.json'), 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-members-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cfgMember = (m: Partial<MemberConfig> & { asn: number; name: string }): MemberConfig => ({ category: 'isp', ports: [], ...m });

describe('IX-F parsing of real exports', () => {
  it('reads QCIX 1.0 and accepts the null url of member_list[17] with a warning', () => {
    const x = parseIxf(qcixText, 'qcix.json');
    expect(x.version).toBe('1.0');
    expect(x.ixp.shortname).toBe('QCIX Main');
    expect(x.members).toHaveLength(19);
    expect(x.warnings.some((w) => w.includes('member_list[17].url') && w.includes('null'))).toBe(true);
    const google = x.members.find((m) => m.asn === 36040)!;
    expect(google.ports).toHaveLength(4);
    expect(google.ports[0]).toEqual({ switchName: 'Davenport QCIX Switch', switchId: 2, speedMbps: 10000 });
    expect(x.members.find((m) => m.asn === 397326)!.url).toBeUndefined();
    expect(x.members.find((m) => m.asn === 42)!.joined).toBe('2020-01-11');
  });
  it('reads SUPRnet 0.7 with a version warning', () => {
    const x = parseIxf(suprText, 'suprnet.json');
    expect(x.version).toBe('0.7');
    expect(x.members).toHaveLength(23);
    expect(x.warnings.some((w) => w.includes('version') && w.includes('0.7'))).toBe(true);
  });
  it('accepts a null if_speed with a warning', () => {
    const d = JSON.parse(suprText);
    d.member_list[0].connection_list[0].if_list[0].if_speed = null;
    const x = parseIxf(JSON.stringify(d), 'f.json');
    expect(x.members[0]!.ports[0]!.speedMbps).toBeUndefined();
    expect(x.warnings).toContain('f.json: member_list[0].connection_list[0].if_list[0].if_speed: null or missing: port speed unknown');
  });
});

describe('broken IX-F files name the JSON path', () => {
  const broken = (mut: (d: any) => unknown): string => {
    const d = JSON.parse(qcixText);
    const r = mut(d);
    try { parseIxf(typeof r === 'string' ? r : JSON.stringify(d), 'bad.json'); } catch (e) { expect(e).toBeInstanceOf(IxfError); return (e as Error).message; }
    throw new Error('no error');
  };
  it.each<[string, (d: any) => unknown, string]>([
    ['not JSON', () => '{"version": "1.0",', 'bad.json: $: not JSON'],
    ['member_list missing', (d) => { delete d.member_list; }, 'bad.json: member_list: missing'],
    ['asnum a string', (d) => { d.member_list[3].asnum = 'abc'; }, 'bad.json: member_list[3].asnum: expected integer, got "abc"'],
    ['asnum a float', (d) => { d.member_list[5].asnum = 1.5; }, 'bad.json: member_list[5].asnum: expected integer, got 1.5'],
    ['connection_list not array', (d) => { d.member_list[0].connection_list = {}; }, 'bad.json: member_list[0].connection_list: expected array, got {}'],
    ['if_speed a string', (d) => { d.member_list[1].connection_list[0].if_list[0].if_speed = 'fast'; }, 'bad.json: member_list[1].connection_list[0].if_list[0].if_speed: expected a number of Mbit/s, got "fast"'],
    ['name a number', (d) => { d.member_list[2].name = 7; }, 'bad.json: member_list[2].name: expected string, got 7'],
    ['version missing', (d) => { delete d.version; }, 'bad.json: version: missing'],
    ['member_since not a date', (d) => { d.member_list[4].member_since = 'last year'; }, 'bad.json: member_list[4].member_since: expected a date-time, got "last year"'],
  ])('%s', (_name, mut, want) => {
    expect(broken(mut).startsWith(want)).toBe(true);
  });
});

describe('PeeringDB', () => {
  it('maps every info_type and reads info_types', () => {
    const { nets, warnings } = parsePeeringDb(pdbText, 'pdb.json');
    const cat = Object.fromEntries(nets.map((n) => [n.asn, n.category]));
    expect(cat).toMatchObject({ 36040: 'content', 42: 'non-profit', 210: 'education', 25152: 'other', 4181: 'isp', 6315: 'nsp',
      22591: 'enterprise', 394914: 'route-server', 10242: 'isp', 397806: 'route-server', 26415: 'other', 65010: 'government', 11071: 'other' });
    expect(warnings).toEqual(['pdb.json: data[15].info_type: unknown value "Something New", category \'other\'']);
    expect(categoryOfInfoType('cable/dsl/isp')).toBe('isp');
  });
  it('rejects a bad asn with its path', () => {
    expect(() => parsePeeringDb('{"data":[{"asn":1},{"asn":"x"}]}', 'p.json')).toThrow(PeeringDbError);
    expect(() => parsePeeringDb('{"data":[{"asn":1},{"asn":"x"}]}', 'p.json')).toThrow('p.json: data[1].asn: expected integer, got "x"');
  });
});

describe('resolveMembers', () => {
  // The SUPRnet switch as SNMP sees it: aliases in several conventions, speeds in Mbit/s.
  const aliases: PortAlias[] = [
    { switch: 'sw1', port: 'Eth1/1', alias: 'AS42 PCH', speedMbps: 1000 },
    { switch: 'sw1', port: 'Eth1/2', alias: 'Peering: AS36040 Google', speedMbps: 10000 },
    { switch: 'sw1', port: 'Eth1/3', alias: '[AS36040] Google', speedMbps: 10000 },
    { switch: 'sw1', port: 'Eth1/4', alias: 'Google (AS36040)', speedMbps: 1000 },
    { switch: 'sw1', port: 'Eth1/5', alias: 'AS6315 - XMission', speedMbps: 10000 },
    { switch: 'sw1', port: 'Eth1/6', alias: 'AS65001 Raajje Online', speedMbps: 10000 },
    { switch: 'sw1', port: 'Eth1/7', alias: 'AS210 UEN', speedMbps: 10000 },
    { switch: 'sw1', port: 'Eth1/8', alias: 'uplink', speedMbps: 100000 },
  ];
  const config = {
    ixp: { id: 'sup', name: 'SUPRnet', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 2, public: false },
    members: [cfgMember({ asn: 210, name: 'UEN (config)', category: 'education', portFeePerMonth: 100, transitPricePerMbps: 3, ports: [{ switch: 'sw1', port: 'Eth1/9' }] })],
    memberSources: { ifAlias: true },
  };

  it('merges config > IX-F > PeeringDB > ifAlias and records each source', () => {
    const reg = resolveMembers(config, { ixf: parseIxf(suprText), peeringdb: parsePeeringDb(pdbText).nets, ifAliases: aliases });
    const uen = reg.get(210)!;
    expect(uen.name).toEqual({ value: 'UEN (config)', source: 'config' });
    expect(uen.category).toEqual({ value: 'education', source: 'config' });
    expect(uen.portFeePerMonth).toEqual({ value: 100, source: 'config' });
    // Config ports win; the ifAlias port of the same ASN stays with it (from ifAlias).
    expect(uen.ports.map((p) => [p.port, p.source])).toEqual([['Eth1/9', 'config'], ['Eth1/7', 'ixf+ifalias']]);
    const google = reg.get(36040)!;
    expect(google.name).toEqual({ value: 'Google LLC AS36040', source: 'ixf' });
    expect(google.category).toEqual({ value: 'content', source: 'peeringdb' });
    expect(google.buysTransit).toEqual({ value: false, source: 'default' });
    expect(google.joined?.source).toBe('ixf');
    expect(google.url).toBe('https://www.google.com');
    // Two 10G SNMP ports matched by speed; the 1G port with Google's ASN matches no 10G IX-F port.
    expect(google.ports.filter((p) => p.source === 'ixf+ifalias').map((p) => p.port).sort()).toEqual(['Eth1/2', 'Eth1/3']);
    expect(google.ports.find((p) => p.port === 'Eth1/4')?.source).toBe('ifalias');
    const raajje = reg.get(65001)!;
    expect(raajje.name).toEqual({ value: 'Raajje Online (PeeringDB)', source: 'peeringdb' }); // PeeringDB ranks above ifAlias
    expect(raajje.ports).toEqual([{ switch: 'sw1', port: 'Eth1/6', validFrom: null, validTo: null, source: 'ifalias' }]);
    expect(raajje.category).toEqual({ value: 'isp', source: 'peeringdb' });
    expect(reg.get(64999)).toBeUndefined(); // a PeeringDB net no other source names is no member
    expect(reg.get(4181)!.ports).toEqual([]); // in IX-F, no SNMP port names it
    expect(reg.get(394914)!.category.value).toBe('route-server');
    expect(reg.list()).toHaveLength(23 + 1); // SUPRnet's 23 + AS65001 from ifAlias
  });

  it('answers memberForPort and tagsFor', () => {
    const reg = resolveMembers(config, { ixf: parseIxf(suprText), peeringdb: parsePeeringDb(pdbText).nets, ifAliases: aliases });
    expect(reg.memberForPort('sw1', 'Eth1/9')).toEqual({ asn: 210, name: 'UEN (config)', category: 'education', buysTransit: true, transitPricePerMbps: 3, portFeePerMonth: 100 });
    expect(reg.memberForPort('sw1', 'Eth1/1')).toMatchObject({ asn: 42, category: 'non-profit', transitPricePerMbps: 2, portFeePerMonth: 0 });
    expect(reg.memberForPort('sw1', 'Eth1/8')).toBeUndefined();
    expect(reg.tagsFor('sw1', 'Eth1/2', Date.parse('2021-01-01'))).toEqual({ member_asn: '36040', member: 'Google LLC AS36040', category: 'content' });
    // Before Google's member_since (2019-11-28 in the export) the port was nobody's.
    expect(reg.tagsFor('sw1', 'Eth1/2', Date.parse('2015-01-01'))).toEqual({});
    // The forwarder's hook takes the registry's tagsFor as it is.
    const hook: TagsFor = reg.tagsFor;
    expect(hook('sw1', 'Eth1/9', Date.parse('2021-01-01'))).toEqual({ member_asn: '210', member: 'UEN (config)', category: 'education' });
  });

  it('proposes the QCIX mapping and says what it could not map', () => {
    const qcix = parseIxf(qcixText);
    const props = proposePortMapping(qcix, [
      { switch: 'qc1', port: 'et1', alias: 'AS36040 Google', speedMbps: 10000 },
      { switch: 'qc1', port: 'et2', alias: 'AS3856 PCH', speedMbps: 10000 },
      { switch: 'qc1', port: 'et3', alias: 'AS42 PCH', speedMbps: null },
    ]);
    expect(props.filter((p) => p.how !== 'unmapped').map((p) => [p.asn, p.port, p.how])).toEqual([[42, 'et3', 'ifalias'], [36040, 'et1', 'ifalias+speed']]);
    const un = props.filter((p) => p.how === 'unmapped');
    expect(un.find((p) => p.asn === 3856)!.reason).toContain('runs at 1000 Mbit/s');
    expect(un.filter((p) => p.asn === 36040)).toHaveLength(3);
    expect(un.find((p) => p.asn === 11708)!.reason).toBe('no SNMP port has AS11708 in its ifAlias');
  });

  it('reads the files named in config.memberSources', () => {
    const reg = resolveMembers({ members: [], memberSources: { ixf: path.join(FIX, 'ixf/example-qcix-v1.0-2020-03-14.json'), peeringdb: path.join(FIX, 'peeringdb/net-sample.json'), ifAlias: true } }, { ifAliases: [] });
    expect(reg.list()).toHaveLength(19);
    expect(reg.get(36040)!.category).toEqual({ value: 'content', source: 'peeringdb' });
    expect(reg.get(397806)!.category).toEqual({ value: 'route-server', source: 'peeringdb' });
    expect(() => resolveMembers({ members: [], memberSources: { ixf: path.join(FIX, 'peeringdb/net-sample.json'), ifAlias: true } })).toThrow(/net-sample\.json: version: missing/);
  });

  it('keeps port history in the store: a port changing hands stays attributed', () => {
    const db = new Database(path.join(tmp, 'h.db'));
    db.exec(readFileSync(path.join(import.meta.dirname, '../../../collector/store/migrations/002_members.sql'), 'utf8'));
    const base = { ixp: config.ixp, members: [] as MemberConfig[], memberSources: { ifAlias: true } };
    const t1 = Date.parse('2024-01-01T00:00:00Z');
    const t2 = Date.parse('2025-06-01T00:00:00Z');
    saveMembers(db, resolveMembers(base, { ifAliases: [{ switch: 's', port: 'p1', alias: 'AS65001 Raajje', speedMbps: 1000 }] }).list(), t1);
    saveMembers(db, resolveMembers(base, { ifAliases: [{ switch: 's', port: 'p1', alias: 'AS65002 Dhiraagu', speedMbps: 1000 }] }).list(), t2);
    const reg = resolveMembers(base, { db, ifAliases: [] });
    expect(reg.memberForPort('s', 'p1', Date.parse('2024-03-01'))?.asn).toBe(65001);
    expect(reg.memberForPort('s', 'p1', Date.parse('2025-07-01'))?.asn).toBe(65002);
    expect(reg.memberForPort('s', 'p1')?.asn).toBe(65002);
    expect(reg.get(65001)!.name).toEqual({ value: 'Raajje', source: 'ifalias' });
    db.close();
  });
});
