// Migration 008 (compact rollups) over a store the previous version wrote: schema 001..007 through the real migration
// runner, polls and rollups through the previous write path (test/fixtures/store/v007.ts), MRTG history, a forwarder
// cursor half-way. After 008: every row is there, every value equal to its documented precision, the SQLite reader's
// answers and the impact figures the same, and the forwarder sends every point it had not sent, with the same values.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openDatabase, listMigrations, type DB } from '../../../collector/store/sqlite.ts';
import { createStore } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { rollupLine, seriesKey } from '../../../collector/forward/lineProtocol.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { billableP95, bytesOf, sumPerWindow } from '../../../collector/figures/impact.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { writePoll007, storeMrtg007 } from '../../fixtures/store/v007.ts';

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Precision of each rollup column after 008 (collector/store/rollupRows.ts); absent: exact. */
const PRECISION: Record<string, number> = {
  in_bps_avg: 4, in_bps_max: 4, out_bps_avg: 4, out_bps_max: 4, in_pps_avg: 0.005, out_pps_avg: 0.005,
  util_in_max: 5e-5, util_out_max: 5e-5,
};

function close(a: unknown, b: unknown, tol: number): boolean {
  if (a === null || b === null || typeof a !== 'number' || typeof b !== 'number') return a === b;
  // The bound plus the rounding of the decoded double itself (a few ulps of the value).
  return Math.abs(a - b) <= tol + Math.abs(b) * 4e-16;
}

/** A store at schema 007 with 2 switches, a partial window, a down port's gap and MRTG history; returns its file. */
function build007(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-m008-')); dirs.push(dir);
  const m7 = path.join(dir, 'm7'); mkdirSync(m7);
  for (const m of listMigrations()) if (m.version <= 7) copyFileSync(m.file, path.join(m7, path.basename(m.file)));
  const file = path.join(dir, 'ixmeter.db');
  const db = openDatabase(file, { migrationsDir: m7 });
  expect(db.pragma('user_version', { simple: true })).toBe(7);
  for (const [name, ports] of [['sw1', 12], ['sw2', 5]] as const) {
    const sw = new SynthSwitch(name, ports);
    // 5 hours of 60 s polls, with 7 minutes missing in the second hour (a partial window, then a gap row).
    for (let t = T0 + 17_000; t < T0 + 5 * 3_600_000; t += 60_000) {
      if (t > T0 + 3_900_000 && t < T0 + 4_320_000) continue;
      const p = sw.poll(t);
      writePoll007(db, p.poll, p.sample, p.result);
    }
  }
  const mrtgPort = Number(db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, first_seen, last_seen) VALUES ('sw1', 0, 'old-uplink', 'imported from MRTG', '', 0, 0)`).run().lastInsertRowid);
  const mrtg = [];
  for (let d = 0; d < 20; d++) mrtg.push({ res: 86400, t: T0 - (30 - d) * 86_400_000, inBpsAvg: 1e8 / 3 + d, outBpsAvg: 2e8 / 7, inBpsMax: 3e8 / 7, outBpsMax: 4e8 / 3, coverage: 1 });
  for (let k = 0; k < 24; k++) mrtg.push({ res: 1800, t: T0 - 86_400_000 + k * 1_800_000, inBpsAvg: 5e7 / 3, outBpsAvg: 6e7 / 7, inBpsMax: 7e7 / 3, outBpsMax: 8e7 / 9, coverage: k === 23 ? 0.4 : 1 });
  storeMrtg007(db, mrtgPort, mrtg);
  // The forwarder had acknowledged the rollups up to the middle.
  const max = (db.prepare('SELECT max(seq) m FROM rollups').get() as { m: number }).m;
  db.prepare(`INSERT INTO cursors (name, seq) VALUES ('rollups', ?)`).run(Math.floor(max / 2));
  db.close();
  return file;
}

const COLS = 'port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, in_pps_avg, out_pps_avg, in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, util_in_max, util_out_max, oper_up_share, coverage, source';
const rowsOf = (db: DB) => db.prepare(`SELECT ${COLS} FROM rollups ORDER BY port_id, res, t`).all() as Record<string, number | string | null>[];

/** What the dashboard reads: sums, one port's series, member windows and the figures of the impact page. */
async function answers(db: DB) {
  const r = createSqliteReader(db);
  const ports = (db.prepare(`SELECT switch, name FROM ports ORDER BY id`).all() as { switch: string; name: string }[]).map((p) => ({ switch: p.switch, port: p.name }));
  const q = { from: T0 - 40 * 86_400_000, to: T0 + 6 * 3_600_000, step: 300, res: 300 as const };
  const sum = (await r.sumSeries('x', ports, q)).rows;
  const sumDay = (await r.sumSeries('x', ports, { ...q, step: 86400, res: 86400 as const })).rows;
  const port = (await r.portSeries('x', ports[3]!, { ...q, from: T0, step: 600 })).rows;
  const members = ports.map((p, i) => ({ ...p, asn: 65000 + (i % 4) }));
  const mw = await r.portWindows('x', members, q.from, q.to);
  const figures = [...mw.byAsn.entries()].sort((a, b) => a[0] - b[0]).map(([asn, s]) => ({ asn, p95: billableP95(s), bytesIn: bytesOf(s, 'in'), bytesOut: bytesOf(s, 'out'), n: s.length }));
  const all = billableP95(sumPerWindow([...mw.byAsn.values()]));
  return { sum, sumDay, port, mw, figures, all, ports: ports.length };
}

/** Collects what the forwarder sends to a loopback /write endpoint. */
async function capture(): Promise<{ url: string; lines: string[]; server: Server }> {
  const lines: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      lines.push(...body.toString('utf8').split('\n').filter(Boolean));
      res.statusCode = 204; res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address() as { port: number };
  return { url: `http://127.0.0.1:${a.port}`, lines, server };
}

const parseLine = (l: string) => {
  const [series, fields, t] = l.split(' ');
  return { key: `${series} ${t}`, fields: Object.fromEntries(fields!.split(',').map((kv) => { const [k, v] = kv.split('='); return [k!, Number(v)]; })) };
};

describe('migration 008: compact rollups', () => {
  it('converts a store written by the previous version in place: rows, values, reader answers, figures and forwarding unchanged', async () => {
    const file = build007();
    const old = openDatabase(file, { migrationsDir: path.join(path.dirname(file), 'm7') });
    const before = rowsOf(old);
    const beforeRates = old.prepare('SELECT count(*) n, sum(in_bps) s FROM rates').get();
    const beforeAnswers = await answers(old);
    const cursor = (old.prepare(`SELECT seq FROM cursors WHERE name = 'rollups'`).get() as { seq: number }).seq;
    // The points the previous forwarder had still to send (5-minute rows and imported history), as it built them.
    const unsent = old.prepare(`SELECT r.*, p.switch AS sw, p.name AS port FROM rollups r JOIN ports p ON p.id = r.port_id
      WHERE r.seq > ? AND (r.res = 300 OR r.source = 'mrtg') ORDER BY r.seq`).all(cursor) as Record<string, any>[];
    const expected = unsent.map((r) => rollupLine(r.res === 300
      ? seriesKey('ixp_port_5m', { ixp: 'mvix', switch: r.sw, port: r.port })
      : seriesKey('ixp_port_hist', { ixp: 'mvix', switch: r.sw, port: r.port, res: r.res }), r as any)!);
    old.close();
    expect(before.length).toBeGreaterThan(400);
    expect(new Set(before.map((r) => r.source))).toEqual(new Set(['poll', 'mrtg']));
    expect(before.some((r) => r.coverage !== 1)).toBe(true);
    expect(before.some((r) => (r.in_discards_avg as number) > 0)).toBe(true);
    expect(unsent.length).toBeGreaterThan(100);

    const db = openDatabase(file); // the real runner applies 008
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(8);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const after = rowsOf(db);
      expect(after.length).toBe(before.length);
      after.forEach((a, i) => {
        const b = before[i]!;
        for (const k of Object.keys(b)) {
          if (!close(a[k], b[k], PRECISION[k] ?? 0)) throw new Error(`row ${i} (port ${b.port_id}, res ${b.res}, t ${b.t}): ${k} was ${b[k]}, is ${a[k]}`);
        }
      });
      expect(db.prepare('SELECT count(*) n, sum(in_bps) s FROM rates').get()).toEqual(beforeRates);
      // Only the exceptions keep a health row.
      const health = (db.prepare('SELECT count(*) n FROM rollup_health').get() as { n: number }).n;
      expect(health).toBe(before.filter((b) => !(b.in_errors_avg === 0 && b.out_errors_avg === 0 && b.in_discards_avg === 0 && b.out_discards_avg === 0 && b.oper_up_share === 1 && b.source === 'poll')).length);

      const a = await answers(db);
      const sumTol = 4 * a.ports;
      expect(a.sum.length).toBe(beforeAnswers.sum.length);
      a.sum.forEach((r, i) => { const b = beforeAnswers.sum[i]!; expect(r.t).toBe(b.t); expect(close(r.inBps, b.inBps, sumTol) && close(r.outBps, b.outBps, sumTol)).toBe(true); });
      expect(a.sumDay.map((r) => r.t)).toEqual(beforeAnswers.sumDay.map((r) => r.t));
      a.sumDay.forEach((r, i) => expect(close(r.inBps, beforeAnswers.sumDay[i]!.inBps, sumTol)).toBe(true));
      expect(a.port.length).toBe(beforeAnswers.port.length);
      a.port.forEach((r, i) => {
        const b = beforeAnswers.port[i]! as unknown as Record<string, number | null>;
        for (const [k, v] of Object.entries(r)) {
          const tol = k.endsWith('Bps') ? 4 : k.endsWith('Pps') ? 0.005 : k.startsWith('util') ? 5e-5 : 1e-12;
          if (!close(v, b[k]!, tol)) throw new Error(`portSeries ${i} ${k}: was ${b[k]}, is ${v}`);
        }
      });
      expect([...a.mw.maxUtil.keys()].sort()).toEqual([...beforeAnswers.mw.maxUtil.keys()].sort());
      for (const [k, u] of a.mw.maxUtil) expect(close(u, beforeAnswers.mw.maxUtil.get(k)!, 5e-5)).toBe(true);
      // The figures a user reads: P95 (Mbit/s, as shown to 2 decimals), bytes (GB to 2 decimals), windows and coverage.
      // (Each within its bound too: a value on a rounding boundary could move the last shown digit.)
      expect(a.figures.length).toBe(beforeAnswers.figures.length);
      a.figures.forEach((f, i) => {
        const b = beforeAnswers.figures[i]!;
        expect([f.asn, f.n, f.p95.samples, f.p95.mbps!.toFixed(2), (f.bytesIn / 1e9).toFixed(2), (f.bytesOut / 1e9).toFixed(2)])
          .toEqual([b.asn, b.n, b.p95.samples, b.p95.mbps!.toFixed(2), (b.bytesIn / 1e9).toFixed(2), (b.bytesOut / 1e9).toFixed(2)]);
        expect(Math.abs(f.p95.mbps! - b.p95.mbps!)).toBeLessThanOrEqual(sumTol / 1e6);
        // Bytes: at most 4 bit/s off per window and port (a member has at most 5 ports here), times the covered seconds.
        const bound = a.mw.byAsn.get(f.asn)!.reduce((x, w) => x + (4 * 5 * w.res * (w.coverage ?? 1)) / 8, 0);
        expect(Math.abs(f.bytesIn - b.bytesIn)).toBeLessThanOrEqual(bound);
        expect(Math.abs(f.bytesOut - b.bytesOut)).toBeLessThanOrEqual(bound);
      });
      expect(a.all.mbps!.toFixed(2)).toBe(beforeAnswers.all.mbps!.toFixed(2));
      expect(a.mw.byAsn.get(65001)!.map((s) => s.coverage)).toEqual(beforeAnswers.mw.byAsn.get(65001)!.map((s) => s.coverage));
    } finally { db.close(); }

    // The forwarder resumes: every point the previous one had not sent arrives, with the same values.
    const cap = await capture();
    const store = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
    store.open();
    try {
      const fwd = createForwarder({ url: cap.url, api: 'v1', database: 'm', batchSize: 97, timeout: 10, gzip: false, ixp: 'mvix' }, { store });
      await fwd.drain();
      const sent = new Map(cap.lines.filter((l) => l.startsWith('ixp_port_5m') || l.startsWith('ixp_port_hist')).map((l) => { const p = parseLine(l); return [p.key, p.fields]; }));
      for (const l of expected) {
        const e = parseLine(l);
        const got = sent.get(e.key);
        if (!got) throw new Error(`not sent after the migration: ${l}`);
        expect(Object.keys(got).sort()).toEqual(Object.keys(e.fields).sort());
        for (const [k, v] of Object.entries(e.fields)) if (!close(got[k], v, PRECISION[k] ?? 0)) throw new Error(`${e.key} ${k}: was ${v}, sent ${got[k]}`);
      }
      expect(store.backlog().find((b) => b.table === 'rollups')!.points).toBe(0);
      // Caught up: nothing more to send.
      const n = cap.lines.length;
      await fwd.drain();
      expect(cap.lines.length).toBe(n);
    } finally {
      store.close();
      await new Promise((r) => cap.server.close(r));
    }
  });
});
