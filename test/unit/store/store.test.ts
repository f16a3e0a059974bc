// The local store against real SQLite files: one transaction per poll, rollups written once when
// a window closes (weighted by interval), hourly/daily rollups, restart sample, retention that
// keeps unsent rows. (Disk full and read-only: test/integration/forward/disk.test.ts.)
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { ensureCursor, advanceCursor } from '../../../collector/store/cursor.ts';
import type { RateResult, Sample } from '../../../collector/rates/types.ts';
import { SynthSwitch } from './synth.ts';

const dirs: string[] = [];
const stores: Store[] = [];
function tmpStore(extra: Partial<Parameters<typeof createStore>[0]> = {}, deps: Parameters<typeof createStore>[1] = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-store-'));
  dirs.push(dir);
  const s = createStore({ path: path.join(dir, 'ixmeter.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 }, ...extra }, deps);
  s.open();
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

/** A handmade one-port poll with given rates over `interval` seconds ending at t. */
function onePort(t: number, interval: number, inBps: number | null, opts: { gap?: boolean; up?: boolean } = {}): { sample: Sample; result: RateResult } {
  const up = opts.up ?? true;
  const sample: Sample = {
    switch: 'sw1', time: t, mono: t, sysUpTime: t / 10, interfaces: [{
      ifIndex: 1, name: 'et1', descr: 'et1', alias: 'AS65001 Raajje', speedMbps: 1000, operStatus: up ? 1 : 2, adminStatus: 1, ifType: 6,
      hc: true, inOctets: 2n ** 64n - 1n, outOctets: 5n, inPkts: 1n, outPkts: 1n, pktsHc: true, inErrors: 0n, outErrors: 0n,
      inDiscards: 0n, outDiscards: 0n, discontinuityTime: 0,
    }],
  };
  const result: RateResult = opts.gap
    ? { rates: [], gaps: [{ ifIndex: 1, name: 'et1', time: t, interval, reason: 'agent-restart' }] }
    : { rates: [{ ifIndex: 1, name: 'et1', alias: 'AS65001 Raajje', time: t, interval, inBps, outBps: inBps === null ? null : inBps / 2,
      inPps: 10, outPps: 5, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0, utilIn: inBps === null ? null : inBps / 1e9, utilOut: 0,
      operUp: up, speedMbps: 1000, inOctets: 2n ** 64n - 1n, outOctets: 5n }], gaps: [] };
  return { sample, result };
}
const poll = (t: number) => ({ switch: 'sw1', t, durationMs: 12, ok: true, ports: 1 });

describe('store', () => {
  it('writes a poll in one transaction, with exact counters and a restartable last sample', () => {
    const s = tmpStore();
    const sw = new SynthSwitch('swA', 5, { bigCounters: true });
    const a = sw.poll(T0);
    s.writePoll(a.poll, a.sample, a.result);
    const b = sw.poll(T0 + 60_000);
    s.writePoll(b.poll, b.sample, b.result);
    expect(s.db.prepare('SELECT count(*) n FROM ports').get()).toEqual({ n: 5 });
    expect(s.db.prepare('SELECT count(*) n FROM polls').get()).toEqual({ n: 2 });
    const rows = s.db.prepare('SELECT in_octets, out_octets, gap FROM rates ORDER BY port_id').all() as { in_octets: string }[];
    expect(rows.map((r) => r.in_octets)).toEqual(b.sample.interfaces.map((i) => i.inOctets!.toString()));
    const last = s.lastSample('swA')!;
    expect(last.interfaces[1].inOctets).toBe(b.sample.interfaces[1].inOctets);
    expect(typeof last.interfaces[1].inOctets).toBe('bigint');
    expect(last.time).toBe(T0 + 60_000);
    expect(s.lastSample('nope')).toBeNull();
    // the same poll again (replayed by a restarted collector) adds nothing
    s.writePoll(b.poll, b.sample, b.result);
    expect(s.db.prepare('SELECT count(*) n FROM rates').get()).toEqual({ n: 5 });
  });

  it('stores gaps as rows without rates, and failed polls with their error', () => {
    const s = tmpStore();
    const g = onePort(T0 + 60_000, 60, null, { gap: true });
    s.writePoll(poll(T0 + 60_000), g.sample, g.result);
    s.writePoll({ switch: 'sw1', t: T0 + 120_000, durationMs: 3000, ok: false, ports: 0, error: 'switch sw1 (10.0.0.2): timeout' }, null, null);
    const r = s.db.prepare('SELECT in_bps, gap, in_octets, oper_up FROM rates').get();
    expect(r).toEqual({ in_bps: null, gap: 'agent-restart', in_octets: '18446744073709551615', oper_up: 1 });
    const p = s.db.prepare('SELECT ok, error FROM polls ORDER BY t').all();
    expect(p).toEqual([{ ok: 1, error: null }, { ok: 0, error: 'switch sw1 (10.0.0.2): timeout' }]);
  });

  it('closes a 5-minute window once, when a sample at or after its end arrives, weighting by interval', () => {
    const s = tmpStore();
    // window [T0, T0+300): rates 100 over (T0-60, T0+60] (60 s inside), 400 over (T0+60, T0+240], gap to T0+300
    for (const [t, iv, v] of [[T0 + 60_000, 120, 100], [T0 + 240_000, 180, 400]] as const) {
      const x = onePort(t, iv, v, { up: t < T0 + 200_000 });
      s.writePoll(poll(t), x.sample, x.result);
    }
    const count = () => (s.db.prepare('SELECT count(*) n FROM rollups WHERE res = 300 AND t = ?').get(T0) as { n: number }).n;
    expect(count()).toBe(0); // not closed yet: no sample at or after T0+300
    const g = onePort(T0 + 300_000, 60, null, { gap: true });
    s.writePoll(poll(T0 + 300_000), g.sample, g.result);
    expect(count()).toBe(1);
    const r = s.db.prepare('SELECT * FROM rollups WHERE res = 300 AND t = ?').get(T0) as Record<string, number>;
    // Stored to 8 bit/s (collector/store/rollupRows.ts).
    expect(Math.abs(r.in_bps_avg - (100 * 60 + 400 * 180) / 240)).toBeLessThanOrEqual(4);
    expect(r.in_bps_max).toBe(400);
    expect(r.coverage).toBeCloseTo(240 / 300, 9);
    expect(r.oper_up_share).toBeCloseTo(60 / 240, 9);
    // the part of the first rate before T0 went into the window before
    const before = s.db.prepare('SELECT in_bps_avg, coverage FROM rollups WHERE res = 300 AND t = ?').get(T0 - 300_000) as Record<string, number>;
    expect(before.coverage).toBe(0.2);
    expect(Math.abs(before.in_bps_avg - 100)).toBeLessThanOrEqual(4); // 8 bit/s precision
    // a later poll does not rewrite the closed window
    const x = onePort(T0 + 360_000, 60, 9999);
    s.writePoll(poll(T0 + 360_000), x.sample, x.result);
    expect((s.db.prepare('SELECT in_bps_max FROM rollups WHERE res = 300 AND t = ?').get(T0) as { in_bps_max: number }).in_bps_max).toBe(400);
  });

  it('a failed poll does not close a window that the next good sample still covers', () => {
    const s = tmpStore();
    const a = onePort(T0 + 60_000, 60, 100);
    s.writePoll(poll(T0 + 60_000), a.sample, a.result);
    s.writePoll({ switch: 'sw1', t: T0 + 300_000, durationMs: 3000, ok: false, ports: 0, error: 'timeout' }, null, null);
    const b = onePort(T0 + 360_000, 300, 200); // the rate since the last good sample, over the failed poll
    s.writePoll(poll(T0 + 360_000), b.sample, b.result);
    const r = s.db.prepare('SELECT in_bps_avg, coverage FROM rollups WHERE res = 300 AND t = ?').get(T0) as Record<string, number>;
    expect(r.coverage).toBeCloseTo(1, 9);
    expect(Math.abs(r.in_bps_avg - (100 * 60 + 200 * 240) / 300)).toBeLessThanOrEqual(4);
  });

  it('builds hourly and daily rollups from 5-minute ones', () => {
    const s = tmpStore();
    const sw = new SynthSwitch('swH', 3);
    for (let t = T0; t <= T0 + 26 * 3_600_000; t += 120_000) {
      const p = sw.poll(t);
      s.writePoll(p.poll, p.sample, p.result);
    }
    const n = (res: number) => (s.db.prepare('SELECT count(*) n FROM rollups WHERE res = ?').get(res) as { n: number }).n;
    expect(n(300)).toBe(3 * 26 * 12);
    expect(n(3600)).toBe(3 * 26);
    expect(n(86400)).toBe(3);
    const h = s.db.prepare(`SELECT r.in_bps_avg, r.in_bps_max, r.coverage FROM rollups r WHERE res = 3600 AND t = ? AND port_id = 1`).get(T0 + 3_600_000) as Record<string, number>;
    const m = s.db.prepare(`SELECT avg(in_bps_avg) a, max(in_bps_max) x FROM rollups WHERE res = 300 AND port_id = 1 AND t >= ? AND t < ?`)
      .get(T0 + 3_600_000, T0 + 7_200_000) as Record<string, number>;
    expect(Math.abs(h.in_bps_avg - m.a)).toBeLessThanOrEqual(4);
    expect(h.in_bps_max).toBe(m.x);
    expect(h.coverage).toBeCloseTo(1, 9);
    const d = s.db.prepare('SELECT coverage FROM rollups WHERE res = 86400 AND t = ? AND port_id = 1').get(T0) as { coverage: number };
    expect(d.coverage).toBeCloseTo(1, 9);
  });

  it('retention deletes old rows but keeps what a forwarder has not delivered', () => {
    const s = tmpStore({ retention: { rawDays: 1, rollupDays: 10, pollDays: 1 } });
    const sw = new SynthSwitch('swR', 2);
    for (let t = T0; t <= T0 + 2 * 86_400_000; t += 3_600_000) { const p = sw.poll(t); s.writePoll(p.poll, p.sample, p.result); }
    const before = (s.db.prepare('SELECT count(*) n FROM rates').get() as { n: number }).n;
    ensureCursor(s.db, 'rates');
    const now = T0 + 2 * 86_400_000;
    const first = s.runRetention(now);
    expect(first.rates).toBe(0); // nothing sent yet: nothing deleted
    expect(first.polls).toBeGreaterThan(0); // no cursor on polls: plain age
    const mid = (s.db.prepare('SELECT max(seq) m FROM rates WHERE t < ?').get(now - 86_400_000 - 5 * 3_600_000) as { m: number }).m;
    advanceCursor(s.db, 'rates', mid, now);
    const del = s.runRetention(now);
    expect(del.rates).toBeGreaterThan(0);
    expect(s.db.prepare('SELECT count(*) n FROM rates WHERE seq <= ?').get(mid)).toEqual({ n: 0 });
    expect((s.db.prepare('SELECT count(*) n FROM rates').get() as { n: number }).n).toBe(before - del.rates);
  });

  it('records the simulated flag and keeps migrations idempotent across reopen', () => {
    const s = tmpStore({}, { simulated: true });
    expect(s.getMeta('simulated')).toBe('1');
    const file = s.file;
    s.close();
    const again = createStore({ path: file, retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
    again.open(); stores.push(again);
    expect(Number(again.db.pragma('user_version', { simple: true }))).toBeGreaterThanOrEqual(4);
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.getMeta('simulated')).toBe('1');
  });
});
