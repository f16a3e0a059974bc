// Two lab switches in two sites joined by a trunk, members on both: the real collector polls both snmpd agents,
// the trunk is measured (its counters match the kernel's at both ends) and stored with its role, and the
// dashboard's member figures, the exchange's bytes and savings leave it out, while per-site aggregates add up to
// the exchange's bytes and the trunk view shows both ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createTrunkLab, TRUNK, type TrunkLab } from './trunk-lab.ts';
import type { KernelCounters } from './lab.ts';
import { createCollector, type Collector } from '../../collector/main.ts';
import { loadConfig } from '../../collector/config/load.ts';
import type { Config } from '../../collector/config/types.ts';
import type { Scheduler } from '../../collector/schedule.ts';
import { loadRoles } from '../../collector/members/index.ts';
import { createSqliteReader } from '../../dashboard/readers/sqlite.ts';
import { createService } from '../../dashboard/server/service.ts';
import { ixpContexts } from '../../dashboard/server/index.ts';
import { createSitesService } from '../../dashboard/server/sites.ts';
import type { Period, SitesResponse, SummaryResponse, TrunksResponse, MemberRow } from '../../dashboard/api.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noScheduler: Scheduler = { add() {}, start() {}, async stop() {}, skipped: () => 0 };

let lab: TrunkLab;
let work: string;
let config: Config;
/** The 5-minute window the test's traffic falls in (wall clock shifted so that it closes within seconds). */
let period: Period;
let k1: Map<string, KernelCounters>;
let k3: Map<string, KernelCounters>;
let roles: ReturnType<typeof loadRoles>;
let trunkOctets: { a: { i: string; bytes: number }; b: { i: string; bytes: number } };
let summary: SummaryResponse;
let sites: SitesResponse;
let trunks: TrunksResponse;
let rows: MemberRow[];

/** Kernel counters of both switches' member ports and trunk, keyed `a:swp1`, `b:trunk1`. */
async function kernel(): Promise<Map<string, KernelCounters>> {
  const out = new Map<string, KernelCounters>();
  for (const side of ['a', 'b'] as const) {
    for (const [k, v] of await lab[side].kernelCounters(['swp1', 'swp2', TRUNK])) out.set(`${side}:${k}`, v);
  }
  return out;
}
const delta = (k: string, dir: 'rxBytes' | 'txBytes') => k3.get(k)![dir] - k1.get(k)![dir];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-trunk-'));
  lab = await createTrunkLab({
    a: { aliases: ['AS65001 Raajje Online', 'AS65002 Dhiraagu'] },
    b: { aliases: ['AS65003 Ooredoo Maldives', 'AS65004 Example CDN Cache'] },
  });
  const file = path.join(work, 'ixmeter.yaml');
  writeFileSync(file, `
ixp: { id: lab, name: Lab IX, timezone: UTC, currency: USD, transitPricePerMbps: 10, public: true }
switches:
  - name: mle-sw1
    host: ${lab.a.host}
    site: Malé
    snmp: { version: "2c", community: ${lab.a.community} }
    include: ["^(swp|trunk)"]
    roles:
      trunk: ["^trunk"]
      links: [{ port: ${TRUNK}, peerSwitch: hul-sw2, peerPort: ${TRUNK}, name: Malé–Hulhumalé }]
  - name: hul-sw2
    host: ${lab.b.host}
    site: Hulhumalé
    snmp: { version: "2c", community: ${lab.b.community} }
    include: ["^(swp|trunk)"]
    roles: { trunk: ["^trunk"] }
store: { path: ${path.join(work, 'store.db')} }
`);
  config = loadConfig(file);

  // Wall clock shifted so that a 5-minute window closes 25 s after the first poll (rates use the monotonic clock).
  const boundary = Math.ceil((Date.now() + 30_000) / 300_000) * 300_000;
  const offset = boundary - 25_000 - Date.now();
  const clock = { now: () => Date.now() + offset, mono: () => performance.now() };
  period = { from: boundary - 300_000, to: boundary, preset: 'custom', timezone: 'UTC' };

  const traffic = await lab.startTraffic();
  let c: Collector | undefined;
  try {
    c = createCollector(config, { clock, scheduler: noScheduler, components: [], notify: () => {} });
    await c.start();
    const pollBoth = async () => { await c!.pollNow('mle-sw1'); await c!.pollNow('hul-sw2'); };
    await pollBoth();
    k1 = await kernel();
    // Across the trunk both ways, and one flow that stays on the Malé switch.
    await traffic.burst([
      { from: ['a', 1], to: ['b', 1], bytes: 800_000, rate: 2_000_000 },
      { from: ['b', 2], to: ['a', 2], bytes: 300_000, rate: 1_000_000 },
      { from: ['a', 2], to: ['a', 1], bytes: 200_000, rate: 1_000_000 },
    ]);
    await sleep(300);
    k3 = await kernel();
    await pollBoth();
    // Past the window's end: the next poll closes it into a 5-minute rollup.
    while (clock.now() < boundary + 1000) await sleep(200);
    await pollBoth();
  } finally {
    await c?.stop();
    await traffic.stop();
  }

  const db = new Database(path.join(work, 'store.db'), { readonly: true });
  try {
    roles = loadRoles(db);
    // The first rate row is the second poll's: its raw counter and the bytes of its interval (the burst).
    const first = (sw: string) => db.prepare(`SELECT r.in_octets AS i, r.in_bps * r.interval / 8 AS bytes FROM rates r JOIN ports p ON p.id = r.port_id
      WHERE p.switch = ? AND p.name = ? AND r.gap IS NULL ORDER BY r.t LIMIT 1`).get(sw, TRUNK) as { i: string; bytes: number };
    trunkOctets = { a: first('mle-sw1'), b: first('hul-sw2') };
    const reader = createSqliteReader(db);
    const ixps = ixpContexts(config);
    const service = createService({ reader, ixps, now: clock.now });
    const sitesService = createSitesService({ reader, service, now: clock.now });
    summary = await service.summary('lab', period);
    rows = await service.memberRows('lab', period);
    sites = await sitesService.sites('lab', period);
    trunks = await sitesService.trunks('lab', period);
  } finally { db.close(); }
}, 150_000);

afterAll(async () => {
  await lab?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('two switches and a trunk (lab)', () => {
  it('the collector stores the trunk with its role and its other end', () => {
    expect(roles.filter((r) => r.role === 'trunk').map((r) => [r.switch, r.port, r.peer?.switch ?? null, r.peer?.port ?? null])).toEqual([
      ['hul-sw2', TRUNK, null, null],
      ['mle-sw1', TRUNK, 'hul-sw2', TRUNK],
    ]);
  });

  it("the trunk's counters match the kernel's at both ends", () => {
    // The second poll follows the traffic: its raw counter is the kernel's rx counter read just before it (nothing
    // crossed the trunk in between), and its interval's bytes are the kernel's rx over the burst.
    const rxA = delta(`a:${TRUNK}`, 'rxBytes');
    const rxB = delta(`b:${TRUNK}`, 'rxBytes');
    expect(rxA).toBeGreaterThan(300_000); // Hulhumalé → Malé
    expect(rxB).toBeGreaterThan(800_000); // Malé → Hulhumalé
    expect(Math.abs(Number(trunkOctets.a.i) - k3.get(`a:${TRUNK}`)!.rxBytes)).toBeLessThanOrEqual(rxA * 0.01);
    expect(Math.abs(Number(trunkOctets.b.i) - k3.get(`b:${TRUNK}`)!.rxBytes)).toBeLessThanOrEqual(rxB * 0.01);
    expect(Math.abs(trunkOctets.a.bytes - rxA)).toBeLessThanOrEqual(rxA * 0.01);
    expect(Math.abs(trunkOctets.b.bytes - rxB)).toBeLessThanOrEqual(rxB * 0.01);
    // What one end sends the other receives.
    expect(Math.abs(delta(`a:${TRUNK}`, 'txBytes') - rxB)).toBeLessThanOrEqual(rxB * 0.01);
  });

  it("member figures, the exchange's bytes and savings leave the trunk out", () => {
    const memberRx = ['a:swp1', 'a:swp2', 'b:swp1', 'b:swp2'].reduce((s, k) => s + delta(k, 'rxBytes'), 0);
    const trunkRx = delta(`a:${TRUNK}`, 'rxBytes') + delta(`b:${TRUNK}`, 'rxBytes');
    expect(summary.bytes).toBeGreaterThan(1_300_000 * 0.99);
    expect(Math.abs(summary.bytes - memberRx)).toBeLessThanOrEqual(memberRx * 0.01);
    expect(summary.bytes).toBeLessThan(memberRx + trunkRx * 0.5); // the trunk's bytes are not in it
    expect(summary.portsTotal).toBe(4);
    expect(rows.map((r) => r.asn).sort()).toEqual([65001, 65002, 65003, 65004]);
    expect(rows.reduce((a, r) => a + r.ports, 0)).toBe(4);
    // Each member's bytes are its own port's: nothing of the trunk was attributed to anyone.
    const byAsn = new Map(rows.map((r) => [r.asn, r.bytes]));
    expect(Math.abs(byAsn.get(65001)! - delta('a:swp1', 'rxBytes'))).toBeLessThanOrEqual(delta('a:swp1', 'rxBytes') * 0.01);
    expect(Math.abs(byAsn.get(65004)! - delta('b:swp2', 'rxBytes'))).toBeLessThanOrEqual(delta('b:swp2', 'rxBytes') * 0.01);
    const saved = rows.reduce((a, r) => a + r.transitSaved, 0);
    expect(saved).toBeCloseTo(summary.transitSaved, 6);
  });

  it('site aggregates add up to the exchange and match their own switch', () => {
    expect(sites.sites.map((s) => s.site)).toEqual(['Malé', 'Hulhumalé']);
    expect(sites.sites.map((s) => s.memberPorts)).toEqual([2, 2]);
    expect(sites.bytes).toBeCloseTo(summary.bytes, 0);
    expect(sites.sites[0]!.bytes + sites.sites[1]!.bytes).toBeCloseTo(summary.bytes, 0);
    const male = delta('a:swp1', 'rxBytes') + delta('a:swp2', 'rxBytes');
    expect(Math.abs(sites.sites[0]!.bytes - male)).toBeLessThanOrEqual(male * 0.01);
    expect(sites.switches.map((s) => [s.switch, s.site])).toEqual([['mle-sw1', 'Malé'], ['hul-sw2', 'Hulhumalé']]);
    expect(sites.sites[0]!.capacityMbps).toBe(20_000); // two 10G member ports; the trunk is not member capacity
  });

  it('the trunk view shows both ends, agreeing with each other and the kernel', () => {
    expect(trunks.trunks).toHaveLength(1);
    const t = trunks.trunks[0]!;
    expect(t.name).toBe('Malé–Hulhumalé');
    expect([t.a.switch, t.a.site, t.b?.switch, t.b?.site]).toEqual(['mle-sw1', 'Malé', 'hul-sw2', 'Hulhumalé']);
    const aToB = delta(`b:${TRUNK}`, 'rxBytes');
    expect(Math.abs(t.a.bytesOut - aToB)).toBeLessThanOrEqual(aToB * 0.01);
    expect(Math.abs(t.b!.bytesIn - aToB)).toBeLessThanOrEqual(aToB * 0.01);
    expect(Math.abs(t.a.bytesIn - t.b!.bytesOut)).toBeLessThanOrEqual(t.a.bytesIn * 0.01);
    expect(t.a.maxUtil).toBeGreaterThan(0);
    expect(t.forecast.status).toBe('not-enough-history');
  });
});
