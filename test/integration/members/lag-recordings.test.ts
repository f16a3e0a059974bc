// A LAG is one port, against the recordings that carry IF-MIB ifStackTable (Arista, IOS-XE, Junos) served by
// snmpsim: the collector reads the stack, stores the roles (migration 007), and a member whose ifAlias or config
// names the LAG and its links is counted once, through the LAG's counters, or through its links where the LAG has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SNMPREC_DIR, startSnmpSim, type SnmpSim } from '../../helpers/snmpsim.ts';
import { createSnmpClient, pollSwitch, type SnmpClient } from '../../../collector/snmp/index.ts';
import { compileRoles, countedPorts, loadRoles, portRoles, resolveMembers } from '../../../collector/members/index.ts';
import { createCollector } from '../../../collector/main.ts';
import { loadConfig } from '../../../collector/config/load.ts';
import type { Sample } from '../../../collector/rates/types.ts';
import { run as discover } from '../../../cli/commands/discover.ts';

let sim: SnmpSim;
let work: string;
const clients: SnmpClient[] = [];

/** The Arista recording with Port-Channel1's own octet counters removed: an agent whose LAG has none. */
function aristaWithoutLagCounters(): string {
  const lines = readFileSync(path.join(SNMPREC_DIR, 'arista_eos.snmprec'), 'utf8').split('\n');
  return lines.filter((l) => !/^1\.3\.6\.1\.2\.1\.(31\.1\.1\.1\.(6|10)|2\.2\.1\.(10|16))\.1000001\|/.test(l)).join('\n');
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-lag-'));
  chmodSync(work, 0o755); // snmpsim runs as nobody when the tests run as root
  const data = path.join(work, 'data');
  mkdirSync(data, { mode: 0o755 });
  for (const f of ['arista_eos', 'iosxe_c9500x-svl', 'junos_qfx5100']) writeFileSync(path.join(data, `${f}.snmprec`), readFileSync(path.join(SNMPREC_DIR, `${f}.snmprec`)));
  writeFileSync(path.join(data, 'arista_nolag.snmprec'), aristaWithoutLagCounters());
  sim = await startSnmpSim({ dataDir: data, readyCommunity: 'arista_eos' });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await sim?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function poll(community: string): Promise<Sample> {
  const client = createSnmpClient({ name: community, host: sim.host, port: sim.port, version: '2c', community, timeout: 5, retries: 1 });
  clients.push(client);
  return pollSwitch(client, { name: community, stack: true, maxRepetitions: 25 });
}

const ifsOf = (s: Sample) => s.interfaces.map((i) => ({ ifIndex: i.ifIndex, name: i.name, ifType: i.ifType, hasCounters: i.inOctets !== null || i.outOctets !== null }));
const octets = (s: Sample, names: string[]) => s.interfaces.filter((i) => names.includes(i.name)).reduce((a, i) => a + (i.inOctets ?? 0n), 0n);

describe('LAGs from ifStackTable (recordings)', () => {
  it('Arista: Port-Channel1 over Ethernet43 and Ethernet44 is one port, counted through its own counters', async () => {
    const s = await poll('arista_eos');
    expect(s.stack!.length).toBeGreaterThan(50); // the recording's whole table, including the 0.x / x.0 rows
    const roles = portRoles('arista', compileRoles({ name: 'arista' }), ifsOf(s), s.stack!);
    expect(roles.map((r) => [r.port, r.role, r.lag, r.counted])).toEqual([
      ['Ethernet43', 'lag-link', 'Port-Channel1', null],
      ['Ethernet44', 'lag-link', 'Port-Channel1', null],
      ['Port-Channel1', 'lag', null, 'lag'],
    ]);
    // A member whose description is on the LAG and on both links (the usual IXP practice) counts once.
    const mine = ['Port-Channel1', 'Ethernet43', 'Ethernet44'].map((port) => ({ switch: 'arista', port }));
    const counted = countedPorts(mine, roles);
    expect(counted).toEqual([{ switch: 'arista', port: 'Port-Channel1' }]);
    const once = octets(s, counted.map((p) => p.port));
    expect(once).toBe(21502122656149n); // the recording's ifHCInOctets.1000001
    expect(octets(s, ['Port-Channel1', 'Ethernet43', 'Ethernet44'])).toBe(once + 21502122656661n); // what adding all three would give
  });

  it('Arista without LAG counters: the links are summed instead', async () => {
    const s = await poll('arista_nolag');
    const lag = s.interfaces.find((i) => i.name === 'Port-Channel1')!;
    expect(lag.inOctets).toBeNull();
    const roles = portRoles('arista', compileRoles({ name: 'arista' }), ifsOf(s), s.stack!);
    expect(roles.find((r) => r.port === 'Port-Channel1')).toMatchObject({ role: 'lag', counted: 'links' });
    expect(roles.filter((r) => r.lag === 'Port-Channel1').map((r) => [r.port, r.role])).toEqual([['Ethernet43', null], ['Ethernet44', null]]);
    const counted = countedPorts([{ switch: 'arista', port: 'Port-Channel1' }], roles);
    expect(counted.map((p) => p.port)).toEqual(['Ethernet43', 'Ethernet44']);
    expect(octets(s, counted.map((p) => p.port))).toBe(7485271484399n + 14016851172262n);
  });

  it('IOS-XE and Junos: stacks without a LAG (sub-interfaces, units) change nothing', async () => {
    for (const community of ['iosxe_c9500x-svl', 'junos_qfx5100']) {
      const s = await poll(community);
      expect(s.stack!.length, community).toBeGreaterThan(10);
      expect(portRoles(community, compileRoles({ name: community }), ifsOf(s), s.stack!), community).toEqual([]);
    }
    // Junos stacks units on their physical port (xe-0/0/0.0 over xe-0/0/0): neither is taken for a LAG link.
    const j = await poll('junos_qfx5100');
    expect(j.stack).toContainEqual([514, 513]);
  });

  it('the collector stores the roles; the registry gives a member the LAG, not its links; discover shows them', async () => {
    const file = path.join(work, 'ixmeter.yaml');
    writeFileSync(file, `
switches:
  - name: arista
    host: 127.0.0.1
    port: ${sim.port}
    snmp: { version: "2c", community: arista_eos }
    roles:
      trunk: ["^Ethernet5[12]$"]
members:
  - { asn: 65001, name: Raajje Online, category: isp, ports: [{ switch: arista, port: Ethernet43 }, { switch: arista, port: Ethernet44 }] }
store: { path: ${path.join(work, 'store.db')} }
memberSources: { ifAlias: false }
`);
    const config = loadConfig(file);
    const c = createCollector(config, { components: [], notify: () => {} });
    await c.start();
    try { await c.pollNow('arista'); } finally { await c.stop(); }
    const db = new Database(path.join(work, 'store.db'), { readonly: true });
    try {
      const roles = loadRoles(db);
      expect(roles.filter((r) => r.role === 'trunk').map((r) => r.port)).toEqual(expect.arrayContaining(["Ethernet51", "Ethernet52"]));
      expect(roles.find((r) => r.port === "Ethernet51")!.why).toBe('roles.trunk "^Ethernet5[12]$"');
      const m = resolveMembers(config, { db }).get(65001)!;
      expect(m.ports.map((p) => p.port)).toEqual(['Port-Channel1']);
    } finally { db.close(); }

    let out = '';
    await discover(['--target', `127.0.0.1:${sim.port}`, '--community', 'arista_eos', '--json'], { out: (s) => { out += s; } });
    const d = JSON.parse(out) as { interfaces: { name: string; role?: string; lag?: string }[] };
    expect(d.interfaces.find((i) => i.name === 'Ethernet43')).toMatchObject({ role: 'lag-link', lag: 'Port-Channel1' });
    expect(d.interfaces.find((i) => i.name === 'Port-Channel1')).toMatchObject({ role: 'lag' });
    expect(d.interfaces.find((i) => i.name === 'Ethernet1')!.role).toBeUndefined();
  });
});
