// The forwarding table over SNMP against real switch recordings served by snmpsim: Q-BRIDGE-MIB on
// Arista and Junos (SLX-OS reports port 0 for every entry), BRIDGE-MIB on NX-OS and RouterOS. The expected tables are read from the
// .snmprec files by this test's own small parser, so the client walk and the mapping are both checked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FDB_OID, macsFromFdb, readFdb, type FdbTable } from '../../../collector/sflow/fdb.ts';
import { createSnmpClient } from '../../../collector/snmp/index.ts';
import { SNMPREC_DIR, startSnmpSim, type SnmpSim } from '../../helpers/snmpsim.ts';

const CASES = [
  { name: 'arista_eos', source: 'q-bridge' },
  { name: 'junos_qfx5100', source: 'q-bridge' },
  { name: 'nxos_n3k-3064pq', source: 'bridge' },
  { name: 'routeros_crs317', source: 'bridge' },
] as const;

/** Expected (mac, ifIndex) rows straight from the recording. */
function expected(name: string, q: boolean): { mac: string; ifIndex: number }[] {
  const lines = readFileSync(path.join(SNMPREC_DIR, `${name}.snmprec`), 'utf8').split('\n');
  const col = (oid: string) => lines.filter((l) => l.startsWith(oid + '.')).map((l) => { const [o, , v] = l.split('|'); return [o.slice(oid.length + 1), Number(v)] as const; });
  const base = new Map(col(FDB_OID.dot1dBasePortIfIndex).map(([k, v]) => [Number(k), v]));
  const status = new Map(col(q ? FDB_OID.dot1qTpFdbStatus : FDB_OID.dot1dTpFdbStatus));
  const out: { mac: string; ifIndex: number }[] = [];
  for (const [k, port] of col(q ? FDB_OID.dot1qTpFdbPort : FDB_OID.dot1dTpFdbPort)) {
    const parts = k.split('.').map(Number);
    if (q) parts.shift();
    const st = status.get(k);
    if (port === 0 || st === 4 || st === 5 || !base.get(port)) continue;
    out.push({ mac: parts.map((p) => p.toString(16).padStart(2, '0')).join(':'), ifIndex: base.get(port)! });
  }
  return out;
}

let sim: SnmpSim;
const tables = new Map<string, FdbTable>();

beforeAll(async () => {
  sim = await startSnmpSim({ files: [...CASES.map((c) => c.name), 'slxos_slx9150'].map((n) => path.join(SNMPREC_DIR, `${n}.snmprec`)), readyCommunity: CASES[0].name });
  for (const c of [...CASES, { name: 'slxos_slx9150' }]) {
    const client = createSnmpClient({ name: c.name, host: sim.host, port: sim.port, version: '2c', community: c.name, timeout: 3, retries: 1 });
    try { tables.set(c.name, await readFdb(client, 20)); } finally { client.close(); }
  }
}, 120_000);
afterAll(async () => { await sim?.stop(); });

describe('forwarding table over SNMP (recordings)', () => {
  it.each(CASES)('$name: reads the $source table, every learned MAC on the ifIndex of its bridge port', ({ name, source }) => {
    const t = tables.get(name)!;
    const want = expected(name, source === 'q-bridge');
    expect(want.length).toBeGreaterThan(0);
    expect(t.source).toBe(source);
    const got = t.entries.map((e) => ({ mac: e.mac, ifIndex: e.ifIndex }));
    expect(got.sort((a, b) => a.mac.localeCompare(b.mac) || a.ifIndex - b.ifIndex)).toEqual(want.sort((a, b) => a.mac.localeCompare(b.mac) || a.ifIndex - b.ifIndex));
  });

  it('slxos_slx9150: a Q-BRIDGE table whose every port is 0 maps nothing, and says so', () => {
    const t = tables.get('slxos_slx9150')!;
    const rows = readFileSync(path.join(SNMPREC_DIR, 'slxos_slx9150.snmprec'), 'utf8').split('\n').filter((l) => l.startsWith(FDB_OID.dot1qTpFdbPort + '.'));
    expect(rows.length).toBeGreaterThan(100);
    expect(t).toMatchObject({ source: 'q-bridge', entries: [], skipped: rows.length, portZero: rows.length });
  });

  it('gives members the MACs learned on their ports, and no one a MAC seen on two members\' ports', () => {
    const t = tables.get('arista_eos')!;
    const byPort = new Map<number, string[]>();
    for (const e of t.entries) byPort.set(e.ifIndex, [...(byPort.get(e.ifIndex) ?? []), e.mac]);
    const [p1, p2] = [...byPort.keys()].sort((a, b) => a - b);
    const fake = { ...t, entries: [...t.entries, { mac: byPort.get(p1)![0], ifIndex: p2, source: 'q-bridge' as const }] };
    const { macs, ambiguous } = macsFromFdb(fake, new Map([[p1, 65001], [p2, 65002]]));
    expect(ambiguous).toEqual([byPort.get(p1)![0]]);
    const mine = macs.filter((m) => m.asn === 65001).map((m) => m.mac).sort();
    expect(mine).toEqual([...new Set(byPort.get(p1)!)].filter((m) => m !== byPort.get(p1)![0]).sort());
    expect(macs.every((m) => m.from === 'fdb')).toBe(true);
  });
});
