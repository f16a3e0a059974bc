// The hourly and daily rollups of polled data travel (ixp_port_1h, ixp_port_1d), value for value, and a central
// dashboard's long port charts read them: the InfluxDB reader's port series at hourly and daily steps equals the SQLite
// reader's. A store from before they travelled (migration 013) sends its stored hours and days once; until they are
// there the InfluxDB reader draws the same chart from the 5-minute points.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createInfluxReader } from '../../../dashboard/readers/influxql.ts';
import type { PortRow, SeriesQuery } from '../../../dashboard/readers/reader.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { newStore, fill, T0 } from './fixture.ts';

let influx: InfluxServer;
const stores: Store[] = [];
beforeAll(async () => { influx = await startInfluxDB(); });
afterAll(async () => { for (const s of stores) s.close(); await influx?.stop(); });

const HOUR = 3_600_000;
const DAY = 86_400_000;
const v1 = (db: string) => ({ url: influx.url, api: 'v1' as const, database: db, batchSize: 500, timeout: 10, gzip: true, ixp: 'mvix' });

/** Every point of a measurement for one port: [time, in_bps_avg, out_bps_avg, util_out_max, oper_up_share, coverage]. */
async function points(db: string, m: string, port: string): Promise<unknown[][]> {
  const r = await influx.query(`SELECT in_bps_avg, out_bps_avg, util_out_max, oper_up_share, coverage FROM ${m} WHERE ixp = 'mvix' AND port = '${port}'`, db);
  return r.results[0]?.series?.[0]?.values ?? [];
}

/** The same port rows within float rounding (sums over different groupings). */
function expectSameRows(a: PortRow[], b: PortRow[]): void {
  expect(a.map((r) => r.t)).toEqual(b.map((r) => r.t));
  a.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) {
      const w = (b[i] as unknown as Record<string, number | null>)[k];
      if (v === null || w === null) expect(w, `${k} at ${r.t}`).toBe(v);
      else expect(Math.abs(v - w!), `${k} at ${r.t}: ${v} vs ${w}`).toBeLessThanOrEqual(Math.abs(v) * 1e-9 + 1e-9);
    }
  });
}

describe('hourly and daily port rollups forwarded', () => {
  // 28 hours of 60 s polls of 3 ports from T0 (a UTC midnight): one whole day and 4 hours of the next.
  let store: Store;
  let sw: SynthSwitch;
  let file: string;
  beforeAll(() => {
    store = newStore(); stores.push(store);
    file = store.db.name;
    sw = new SynthSwitch('sw1', 3, { seed: 7 });
    fill(store, sw, 28 * 60 + 1, T0);
  });

  it('arrive as ixp_port_1h and ixp_port_1d with the stored values, and the readers agree', async () => {
    await influx.query('CREATE DATABASE coarse');
    await createForwarder(v1('coarse'), { store }).drain();
    expect(store.backlog().every((b) => b.points === 0)).toBe(true);
    for (const [res, m] of [[3600, 'ixp_port_1h'], [86400, 'ixp_port_1d']] as const) {
      for (const port of sw.ifs.map((f) => f.name)) {
        const local = (store.db.prepare(`SELECT r.t, r.in_bps_avg, r.out_bps_avg, r.util_out_max, r.oper_up_share, r.coverage FROM ports p CROSS JOIN rollups r
          WHERE p.name = ? AND r.port_id = p.id AND r.res = ? ORDER BY r.ts`).raw().all(port, res) as unknown[][]);
        expect(local.length, `${m} ${port}`).toBe(res === 3600 ? 28 : 1);
        expect(await points('coarse', m, port)).toEqual(local);
      }
    }
    const sqlite = createSqliteReader(store.db);
    const central = createInfluxReader({ url: influx.url, api: 'v1', database: 'coarse' } as never);
    const port = { switch: 'sw1', port: sw.ifs[1]!.name };
    for (const q of [
      { from: T0, to: T0 + 2 * DAY, step: 86400, res: 86400 },
      { from: T0, to: T0 + 2 * DAY, step: 21600, res: 3600 },
      { from: T0 + 2 * HOUR, to: T0 + 26 * HOUR, step: 3600, res: 3600 },
    ] satisfies SeriesQuery[]) {
      const a = await sqlite.portSeries('mvix', port, q);
      const b = await central.portSeries('mvix', port, q);
      expect(b.info.res, `step ${q.step}`).toBe(q.res);
      expect(a.info.res).toBe(q.res);
      expect(a.rows.length).toBeGreaterThan(0);
      expectSameRows(b.rows, a.rows);
    }
  });

  it('a store from before they travelled sends its stored hours and days once (migration 013)', async () => {
    await influx.query('CREATE DATABASE upgraded');
    // What the previous version left: no rollup_log entries for polled hours and days, everything else forwarded.
    store.db.exec(`DELETE FROM rollup_log WHERE res <> 300; UPDATE cursors SET seq = 0, port_id = NULL, t = NULL`);
    await createForwarder(v1('upgraded'), { store }).drain();
    const port = sw.ifs[0]!.name;
    expect(await points('upgraded', 'ixp_port_1h', port)).toEqual([]);
    expect((await points('upgraded', 'ixp_port_5m', port)).length).toBe(28 * 12);

    // Meanwhile the central chart of the day comes from the 5-minute points: the same averages, at 5-minute resolution.
    const central = createInfluxReader({ url: influx.url, api: 'v1', database: 'upgraded' } as never);
    const day = { from: T0, to: T0 + DAY, step: 86400, res: 86400 } as const;
    const local = await createSqliteReader(store.db).portSeries('mvix', { switch: 'sw1', port }, day);
    const before = await central.portSeries('mvix', { switch: 'sw1', port }, day);
    expect(before.info.res).toBe(300);
    expect(before.rows).toHaveLength(1);
    expect(Math.abs(before.rows[0]!.inBps! / local.rows[0]!.inBps! - 1)).toBeLessThan(1e-3);

    // The store opened by this version: 013 names the stored hours and days, and the forwarder sends them once.
    store.close();
    const reopened = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
    stores.push(reopened);
    reopened.open();
    reopened.db.exec('DELETE FROM schema_migrations WHERE version = 13');
    reopened.close();
    reopened.open();
    const entries = reopened.db.prepare('SELECT res, count(*) AS n, sum(rows) AS rows FROM rollup_log WHERE res <> 300 GROUP BY res ORDER BY res').all();
    expect(entries).toEqual([{ res: 3600, n: 3, rows: 3 * 28 }, { res: 86400, n: 3, rows: 3 }]);
    const sent = await createForwarder(v1('upgraded'), { store: reopened }).drain();
    expect(sent).toBe(3 * 28 + 3);
    for (const p of sw.ifs.map((f) => f.name)) expect((await points('upgraded', 'ixp_port_1h', p)).length).toBe(28);
    const after = await central.portSeries('mvix', { switch: 'sw1', port }, day);
    expect(after.info.res).toBe(86400);
    expectSameRows(after.rows, local.rows);
    // Nothing is sent twice.
    expect(await createForwarder(v1('upgraded'), { store: reopened }).drain()).toBe(0);
  });
});
