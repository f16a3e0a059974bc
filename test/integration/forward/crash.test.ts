// Crash and scale: a forwarder killed with SIGKILL while batches are in flight, then restarted,
// leaves nothing missing and nothing extra on InfluxDB 1.6.7; and 20 collector processes, each
// with its own store of 200 recorded ports, forward into one InfluxDB with the right ixp/switch tags.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { startProc, waitFor } from '../../helpers/proc.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { newStore, fill, countsBy, localCounts, rawQuery } from './fixture.ts';
import { getCursor } from '../../../collector/store/cursor.ts';

const CHILD = 'test/integration/forward/child.ts';
let influx: InfluxServer;
const dirs: string[] = [];
beforeAll(async () => { influx = await startInfluxDB(); });
afterAll(async () => { await influx?.stop(); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const child = (args: Record<string, string | number>) =>
  startProc('node', ['bin/tsx-run.mjs', CHILD, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])], { cwd: process.cwd() });

describe('forwarder crash and scale', () => {
  it('SIGKILL mid-forward, then restart: nothing missing, nothing duplicated', async () => {
    await influx.query('CREATE DATABASE crash');
    const dir = mkdtempSync(path.join(tmpdir(), 'ixm-crash-')); dirs.push(dir);
    const store = newStore(dir);
    fill(store, new SynthSwitch('core1', 200), 100); // 19,800 rates + 5-minute rollups
    const total = (store.db.prepare('SELECT max(seq) m FROM rates').get() as { m: number }).m;
    store.close();
    const db = path.join(dir, 'ixmeter.db');
    const first = child({ db, url: influx.url, database: 'crash', ixp: 'mvix', switch: 'core1', batch: 500 });
    await waitFor('some batches acknowledged', () => (first.output().match(/acked rates/g)?.length ?? 0) >= 2, 30_000, 5);
    first.child.kill('SIGKILL');
    await first.exited;
    const after = newStore(dir);
    const cursor = getCursor(after.db, 'rates')!;
    expect(cursor).toBeGreaterThan(0);
    expect(cursor).toBeLessThan(total); // killed mid-forward
    after.close();
    const second = child({ db, url: influx.url, database: 'crash', ixp: 'mvix', switch: 'core1', batch: 500 });
    expect(await second.exited).toBe(0);
    const check = newStore(dir);
    try {
      expect(check.backlog().every((b) => b.points === 0)).toBe(true);
      expect(await countsBy(influx.url, 'crash', 'ixp_port', 'in_octets', ['switch', 'port'])).toEqual(localCounts(check, 'rates'));
      expect(await countsBy(influx.url, 'crash', 'ixp_port_5m', 'coverage', ['switch', 'port'])).toEqual(localCounts(check, 'rollups'));
      // one point per stored row and timestamp: the server has exactly the distinct local timestamps
      const times = JSON.parse(await rawQuery(influx.url, 'crash', `SELECT count(in_bps) FROM ixp_port WHERE port = '${new SynthSwitch('x', 1).ifs[0].name}' GROUP BY time(1m) fill(none)`));
      expect(times.results[0].series[0].values.every((v: number[]) => v[1] === 1)).toBe(true);
    } finally { check.close(); }
  });

  it('20 collector processes with 200 ports each forward into one InfluxDB: every point, right tags', async () => {
    await influx.query('CREATE DATABASE many');
    const dir = mkdtempSync(path.join(tmpdir(), 'ixm-many-')); dirs.push(dir);
    const procs = Array.from({ length: 20 }, (_, i) => child({
      db: path.join(dir, `c${i}.db`), url: influx.url, database: 'many', ixp: `ixp${i % 5}`, switch: `sw${i}`, ports: 200, polls: 11,
    }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes, procs.map((p) => p.output().slice(-500)).join('\n')).toEqual(Array(20).fill(0));
    const local = procs.map((p) => JSON.parse(p.output().trim().split('\n').pop()!));
    const got = await countsBy(influx.url, 'many', 'ixp_port', 'in_octets', ['ixp', 'switch']);
    expect(got.size).toBe(20);
    local.forEach((l, i) => expect(got.get(`ixp${i % 5}|sw${i}`)).toBe(l.rates));
    expect(local[0].rates).toBe(10 * 200);
    const polls = await countsBy(influx.url, 'many', 'ixp_poll', 'ok', ['ixp', 'switch']);
    local.forEach((l, i) => expect(polls.get(`ixp${i % 5}|sw${i}`)).toBe(l.polls));
    const r5 = await countsBy(influx.url, 'many', 'ixp_port_5m', 'coverage', ['ixp', 'switch']);
    local.forEach((l, i) => expect(r5.get(`ixp${i % 5}|sw${i}`)).toBe(l.rollups));
  });
});
