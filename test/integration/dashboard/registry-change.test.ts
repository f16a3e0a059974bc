// A registry change after the fact: a port moves from one member to another in a finished month (the member list
// now says the port was AS65002's from 15 January). The collector recomputes what the change touches and forwards
// it again; then the local store, InfluxDB and a fresh computation agree, point for point, and no stale point stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { resolveMembers, saveMembers } from '../../../collector/members/index.ts';
import type { ResolvedMember } from '../../../collector/members/resolve.ts';
import { rebuildFigures, syncFigures } from '../../../collector/store/figures.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import type { Config } from '../../../collector/config/types.ts';
import { configureLogging } from '../../../collector/log.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createInfluxReader } from '../../../dashboard/readers/influxql.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { contexts, FIXTURE_CONFIG, MEMBERS, NOW, sqliteStore } from '../../component/dashboard/fixture.ts';
import { copyFileSync } from 'node:fs';

configureLogging({ level: 'silent' });
const MOVE = Date.UTC(2026, 0, 15);
/** The config no longer names et2: the stored IX-F import says who had it (AS65001 until 15 January, AS65002 from then). */
const MOVED = { ...FIXTURE_CONFIG, members: MEMBERS.map((m) => (m.asn === 65001 ? { ...m, ports: [{ switch: 'sw1', port: 'et1' }] } : m)) } as Config;
const imported = (asn: number, name: string, validFrom: number | null, validTo: number | null): ResolvedMember => ({
  asn, name: { value: name, source: 'ixf' }, category: { value: 'isp', source: 'ixf' }, buysTransit: { value: true, source: 'default' },
  transitPricePerMbps: null, portFeePerMonth: { value: 0, source: 'default' }, ports: [{ switch: 'sw1', port: 'et2', validFrom, validTo, source: 'ixf' }],
});
const fx = sqliteStore({ wave: true });
const dir = mkdtempSync(path.join(tmpdir(), 'ixm-regchange-'));
let influx: InfluxServer | undefined;
let store: Store | undefined;
const cfg = (url: string) => ({ url, api: 'v1' as const, database: 'ixm', batchSize: 5000, timeout: 30, gzip: false });

async function forward(config: Config): Promise<void> {
  const members = resolveMembers(config, { db: store!.db });
  const f = createForwarder({ ...cfg(influx!.url), ixp: 'tix', timezone: 'UTC' }, { store: store!, tagsFor: (sw, port, t) => members.tagsFor(sw, port, t) });
  await f.drain();
  await f.stop();
}

/** Every ixp_member_5m point of January, keyed asn|t. */
async function influxWindows(): Promise<Map<string, { in: number | null; out: number | null }>> {
  const r = await influx!.query(`SELECT "in_bps", "out_bps" FROM "ixp_member_5m" WHERE "ixp" = 'tix' AND time >= ${Date.UTC(2026, 0, 1)}ms AND time < ${Date.UTC(2026, 1, 1)}ms GROUP BY "asn"`, 'ixm');
  const out = new Map<string, { in: number | null; out: number | null }>();
  for (const s of r.results[0]?.series ?? []) for (const v of s.values) out.set(`${s.tags!.asn}|${v[0]}`, { in: v[1] as number | null, out: v[2] as number | null });
  return out;
}

/** The same windows in a store. */
function storeWindows(db: import('better-sqlite3').Database): Map<string, { in: number | null; out: number | null }> {
  const rows = db.prepare('SELECT asn, t, in_bps, out_bps FROM member_windows WHERE t >= ? AND t < ?').all(Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)) as { asn: number; t: number; in_bps: number | null; out_bps: number | null }[];
  return new Map(rows.map((r) => [`${r.asn}|${r.t}`, { in: r.in_bps, out: r.out_bps }]));
}

beforeAll(async () => {
  try {
    await fx.ready;
    influx = await startInfluxDB();
    expect((await influx.query('CREATE DATABASE ixm')).results[0]?.error).toBeUndefined();
    store = createStore({ path: fx.file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
    store.open();
    await forward(FIXTURE_CONFIG);
  } catch (e) { await cleanup(); throw e; }
}, 240_000);

async function cleanup(): Promise<void> {
  try { store?.close(); } catch { /* not open */ }
  store = undefined;
  await influx?.stop();
  influx = undefined;
  fx.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
afterAll(cleanup);

describe('a port moved in a finished month', () => {
  it('InfluxDB ends equal to the store and to a fresh computation, with no stale point', async () => {
    const before = await influxWindows();
    expect(before.get(`65001|${Date.UTC(2026, 0, 20)}`)!.in).toBeCloseTo(storeWindows(store!.db).get(`65001|${Date.UTC(2026, 0, 20)}`)!.in!, 3);
    // An IX-F import: et2 was AS65001's until the move and AS65002's after (what `ixmeter members import` saves).
    // (The store keeps port history by import: an import before the month with AS65001 on et2, one on the 15th with AS65002.)
    saveMembers(store!.db, [imported(65001, 'Island ISP', null, null)], Date.UTC(2025, 11, 1));
    saveMembers(store!.db, [imported(65002, 'Mobile', null, null)], MOVE);
    const moved = MOVED;
    const reg = resolveMembers(moved, { db: store!.db });
    expect(reg.memberForPort('sw1', 'et2', MOVE - 1)?.asn).toBe(65001);
    expect(reg.memberForPort('sw1', 'et2', MOVE)?.asn).toBe(65002);
    expect(await syncFigures(store!.db, moved, { pause: async () => {} })).not.toBe('unchanged');
    await forward(moved);
    const after = await influxWindows();
    const local = storeWindows(store!.db);
    // A fresh computation: the same rollups in a copy, figures computed from nothing.
    const copy = path.join(dir, 'fresh.db');
    store!.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(fx.file, copy);
    const fresh = openDatabase(copy);
    try {
      fresh.exec('DELETE FROM member_windows; DELETE FROM member_months; DELETE FROM figures_outbox');
      await rebuildFigures(fresh, moved, { pause: async () => {} });
      const want = storeWindows(fresh);
      expect(local.size).toBe(want.size);
      for (const [k, v] of want) {
        expect(local.get(k), k).toEqual(v);
        const p = after.get(k);
        expect(p, k).toBeDefined();
        expect(p!.in).toBeCloseTo(v.in ?? NaN, 3);
      }
      // No stale point: every point InfluxDB holds is one the fresh computation has.
      expect([...after.keys()].filter((k) => !want.has(k))).toEqual([]);
      expect(after.size).toBe(want.size);
    } finally { fresh.close(); }
    // The move did change figures: AS65001 lost et2's traffic after the 15th, AS65002 gained it.
    const t = `${Date.UTC(2026, 0, 20)}`;
    expect(after.get(`65001|${t}`)!.in!).toBeLessThan(before.get(`65001|${t}`)!.in!);
    expect(after.get(`65002|${t}`)!.in!).toBeGreaterThan(before.get(`65002|${t}`)!.in!);
    expect(after.get(`65001|${Date.UTC(2026, 0, 10)}`)!.in).toBeCloseTo(before.get(`65001|${Date.UTC(2026, 0, 10)}`)!.in!, 3);
  });

  it('both readers give the recomputed month', async () => {
    const svc = (reader: ReturnType<typeof createSqliteReader>) => createService({ reader, ixps: contexts().slice(0, 1).map((c) => ({ ...c, members: MOVED.members })), now: () => NOW });
    const period = { preset: 'month', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1), label: '2026-01' } as never;
    const a = await svc(createSqliteReader(store!.db)).memberRows('tix', period);
    const b = await svc(createInfluxReader(cfg(influx!.url))).memberRows('tix', period);
    expect(a.length).toBeGreaterThan(2);
    for (const [i, r] of a.entries()) {
      expect(b[i]!.asn).toBe(r.asn);
      expect(b[i]!.bytes).toBeCloseTo(r.bytes, 0);
      expect(b[i]!.transitSaved).toBeCloseTo(r.transitSaved, 6);
    }
    // AS65002 now has et2 from the 15th: its P95 is above its own port's 8 Mbit/s peak share alone.
    expect(a.find((r) => r.asn === 65002)!.bytes).toBeGreaterThan(a.find((r) => r.asn === 65003)!.bytes / 10);
  });
});
