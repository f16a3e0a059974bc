// `ixmeter discover --json` against every recording served by Debian's snmpsim, compared with an
// independent snmpbulkwalk of the same agent: same interfaces, names, aliases, HC flag, counters.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSnmpSim, RECORDINGS, type SnmpSim } from '../../helpers/snmpsim.ts';
import { execFileP } from '../../helpers/proc.ts';
import { bulkwalk, columns, type WalkValue } from './walk.ts';
import { run } from '../../../cli/commands/discover.ts';

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';

let sim: SnmpSim;
beforeAll(async () => { sim = await startSnmpSim({ readyCommunity: 'arista_eos' }); });
afterAll(async () => { await sim?.stop(); });

/** The discover command in-process (the CLI's own run()), output captured. */
async function discover(community: string): Promise<{ code: number; json: any }> {
  let out = '';
  const code = await run(['--target', `${sim.host}:${sim.port}`, '--community', community, '--json'], { out: (s) => { out += s; } });
  return { code, json: JSON.parse(out) };
}

/** What discover must say, computed from snmpbulkwalk output alone. */
function expected(sys: Map<string, WalkValue>, ift: Map<string, WalkValue>, ifx: Map<string, WalkValue>) {
  const t = columns(ift, IF_ENTRY);
  const x = columns(ifx, IFX_ENTRY);
  const idx = new Set<number>();
  for (const c of [...t.values(), ...x.values()]) for (const i of c.keys()) idx.add(i);
  const str = (v: WalkValue | undefined) => (v === undefined ? '' : String(v));
  const seen = new Set<string>();
  const names = new Map<string, number>();
  const sorted = [...idx].sort((a, b) => a - b);
  for (const i of sorted) { const n = str(x.get(1)?.get(i)) || str(t.get(2)?.get(i)) || `ifIndex ${i}`; names.set(n, (names.get(n) ?? 0) + 1); }
  return {
    sysName: str(sys.get('1.3.6.1.2.1.1.5.0')),
    sysDescr: str(sys.get('1.3.6.1.2.1.1.1.0')),
    sysUpTime: Number(sys.get('1.3.6.1.2.1.1.3.0')),
    interfaces: sorted.map((i) => {
      let name = str(x.get(1)?.get(i)) || str(t.get(2)?.get(i)) || `ifIndex ${i}`;
      // Documented rule: a name on several ifIndexes stays on the lowest, the others get " (ifIndex)".
      if ((names.get(name) ?? 0) > 1) { if (seen.has(name)) name = `${name} (${i})`; else seen.add(name); }
      const hcIn = x.get(6)?.get(i);
      const hcOut = x.get(10)?.get(i);
      const hc = hcIn !== undefined || hcOut !== undefined;
      const c = (v: WalkValue | undefined) => (v === undefined ? null : String(v));
      return {
        ifIndex: i, name, alias: str(x.get(18)?.get(i)), hc,
        inOctets: hc ? c(hcIn) : c(t.get(10)?.get(i)),
        outOctets: hc ? c(hcOut) : c(t.get(16)?.get(i)),
      };
    }),
  };
}

describe('discover --json on every recording', () => {
  it.each(RECORDINGS)('%s matches snmpbulkwalk', async (community) => {
    const [d, sys, ift, ifx] = await Promise.all([
      discover(community),
      bulkwalk(sim.host, sim.port, community, '1.3.6.1.2.1.1'),
      bulkwalk(sim.host, sim.port, community, '1.3.6.1.2.1.2.2'),
      bulkwalk(sim.host, sim.port, community, '1.3.6.1.2.1.31.1.1'),
    ]);
    expect(d.code).toBe(0);
    const want = expected(sys, ift, ifx);
    expect(want.interfaces.length).toBeGreaterThan(10);
    expect(Object.keys(d.json).sort()).toEqual(['interfaces', 'sysDescr', 'sysName', 'sysUpTime']);
    expect({ sysName: d.json.sysName, sysDescr: d.json.sysDescr, sysUpTime: d.json.sysUpTime }).toEqual({ sysName: want.sysName, sysDescr: want.sysDescr, sysUpTime: want.sysUpTime });
    for (const i of d.json.interfaces) {
      // role and lag are additive: present only for LAGs and their links (ifStackTable).
      const base = ['adminStatus', 'alias', 'descr', 'hc', 'ifIndex', 'inOctets', 'name', 'operStatus', 'outOctets', 'speedMbps'];
      expect(Object.keys(i).filter((k) => k !== 'role' && k !== 'lag').sort()).toEqual(base);
      if ('role' in i) expect(['lag', 'lag-link']).toContain(i.role);
      if ('lag' in i) expect(i.role).toBe('lag-link');
    }
    const got = d.json.interfaces.map((i: any) => ({ ifIndex: i.ifIndex, name: i.name, alias: i.alias, hc: i.hc, inOctets: i.inOctets, outOctets: i.outOctets }));
    expect(got).toEqual(want.interfaces);
  });

  it('jetstream has no ifXTable: 32-bit counters, ifDescr names, ifSpeed', async () => {
    const d = await discover('jetstream');
    expect(d.json.interfaces.every((i: any) => i.hc === false)).toBe(true);
    expect(d.json.interfaces.find((i: any) => i.ifIndex === 32769)).toMatchObject({ name: 'port-channel 1', speedMbps: 1000 });
  });

  it('wrong community: exit 1 and one line naming the switch', async () => {
    const r = await execFileP('node', ['bin/ixmeter.mjs', 'discover', '--target', `${sim.host}:${sim.port}`, '--community', 'no-such-community', '--name', 'sw-x', '--timeout', '0.3', '--retries', '0', '--json'])
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`ixmeter discover: switch sw-x (${sim.host}:${sim.port}): get system: no answer (wrong community or unreachable)`);
    expect(r.stderr).not.toContain('no-such-community');
  });
});
