// Rollups: closes finished 5-minute windows of one switch from its raw rates (weighted by the
// part of each interval that falls in the window), then hourly from 5-minute and daily from
// hourly. A window is written once, when a sample at or after its end is stored. UTC windows.
// No clock, no I/O beyond the given database handle.
import type Database from 'better-sqlite3';
import type { DB } from './sqlite.ts';
import { insertRollup, logRollups, sec, type RollupRow } from './rollupRows.ts';

/** Prepared statements per database handle: closing windows runs after every poll, preparing once is enough. */
const statements = new WeakMap<DB, Map<string, Database.Statement<unknown[]>>>();
function prep(db: DB, sql: string): Database.Statement<unknown[]> {
  let m = statements.get(db);
  if (!m) { m = new Map(); statements.set(db, m); }
  let st = m.get(sql);
  if (!st) { st = db.prepare<unknown[]>(sql); m.set(sql, st); }
  return st;
}

export const RES_5M = 300;
export const RES_1H = 3600;
export const RES_1D = 86400;
/** Each coarser level and the level it is built from. */
const LEVELS: [number, number][] = [[RES_1H, RES_5M], [RES_1D, RES_1H]];

const AVG = ['in_bps', 'out_bps', 'in_pps', 'out_pps', 'in_errors', 'out_errors', 'in_discards', 'out_discards'] as const;
const MAX = ['in_bps', 'out_bps'] as const;

interface RateRow {
  port_id: number; t: number; interval: number; oper_up: number;
  in_bps: number | null; out_bps: number | null; in_pps: number | null; out_pps: number | null;
  in_errors: number | null; out_errors: number | null; in_discards: number | null; out_discards: number | null;
  util_in: number | null; util_out: number | null;
}

interface Acc {
  covered: number; up: number;
  sum: Record<string, number>; w: Record<string, number>; max: Record<string, number | null>;
}

const floorTo = (t: number, res: number) => Math.floor(t / (res * 1000)) * res * 1000;

function getMark(db: DB, sw: string, res: number): number | undefined {
  const r = prep(db, 'SELECT next_t FROM rollup_marks WHERE switch = ? AND res = ?').get(sw, res) as { next_t: number } | undefined;
  return r?.next_t;
}
function setMark(db: DB, sw: string, res: number, t: number): void {
  prep(db, 'INSERT INTO rollup_marks (switch, res, next_t) VALUES (?, ?, ?) ON CONFLICT (switch, res) DO UPDATE SET next_t = excluded.next_t').run(sw, res, t);
}

/**
 * Closes every window of `sw` that ends at or before `sampleTime`. Call after the sample's rates
 * are stored. Returns the number of rollup rows written (all levels).
 */
export function closeWindows(db: DB, sw: string, sampleTime: number): number {
  let written = 0;
  let mark = getMark(db, sw, RES_5M);
  if (mark === undefined) {
    // First rollup of this switch: start at the window holding the start of its earliest rate.
    const first = prep(db, `SELECT min(r.t - r.interval * 1000) AS s FROM rates r JOIN ports p ON p.id = r.port_id
      WHERE p.switch = ? AND r.gap IS NULL`).get(sw) as { s: number | null };
    if (first.s === null) return 0;
    mark = floorTo(first.s, RES_5M);
    setMark(db, sw, RES_5M, mark);
  }
  const closeEnd = floorTo(sampleTime, RES_5M);
  if (closeEnd > mark) {
    written += rollupRates(db, sw, mark, closeEnd);
    setMark(db, sw, RES_5M, closeEnd);
  }
  let srcMark = closeEnd > mark ? closeEnd : mark;
  for (const [res, src] of LEVELS) {
    let m = getMark(db, sw, res);
    const end = floorTo(srcMark, res);
    if (m === undefined) {
      // Start at the level's window holding the first source window of this switch.
      const first = prep(db, `SELECT min(r.t) AS s FROM rollups r JOIN ports p ON p.id = r.port_id
        WHERE p.switch = ? AND r.res = ? AND r.source = 'poll'`).get(sw, src) as { s: number | null };
      if (first.s === null) break;
      m = floorTo(first.s, res);
      setMark(db, sw, res, m);
    }
    if (end > m) {
      written += rollupLevel(db, sw, src, res, m, end);
      setMark(db, sw, res, end);
    }
    srcMark = Math.max(end, m);
  }
  return written;
}

/** 5-minute windows [from, to) from raw rates; a rate counts for the part of its interval inside each window. */
function rollupRates(db: DB, sw: string, from: number, to: number): number {
  const W = RES_5M * 1000;
  const rows = prep(db, `SELECT r.port_id, r.t, r.interval, r.oper_up, r.in_bps, r.out_bps, r.in_pps, r.out_pps,
      r.in_errors, r.out_errors, r.in_discards, r.out_discards, r.util_in, r.util_out
    FROM rates r JOIN ports p ON p.id = r.port_id
    WHERE r.t > ? AND p.switch = ? AND r.gap IS NULL`).iterate(from, sw) as IterableIterator<RateRow>;
  const acc = new Map<string, Acc>();
  for (const r of rows) {
    const start = r.t - r.interval * 1000;
    const a0 = Math.max(start, from);
    const a1 = Math.min(r.t, to);
    if (a1 <= a0) continue;
    for (let w = floorTo(a0, RES_5M); w < a1; w += W) {
      const secs = (Math.min(a1, w + W) - Math.max(a0, w)) / 1000;
      if (secs <= 0) continue;
      const key = `${r.port_id}:${w}`;
      let a = acc.get(key);
      if (!a) { a = { covered: 0, up: 0, sum: {}, w: {}, max: {} }; acc.set(key, a); }
      a.covered += secs;
      if (r.oper_up) a.up += secs;
      for (const f of AVG) {
        const v = r[f];
        if (v === null) continue;
        a.sum[f] = (a.sum[f] ?? 0) + v * secs;
        a.w[f] = (a.w[f] ?? 0) + secs;
      }
      for (const f of [...MAX, 'util_in', 'util_out'] as const) {
        const v = r[f];
        if (v !== null && (a.max[f] == null || v > a.max[f]!)) a.max[f] = v;
      }
    }
  }
  let n = 0;
  const avg = (a: Acc, f: string) => (a.w[f] ? a.sum[f] / a.w[f] : null);
  for (const [key, a] of acc) {
    const [port, w] = key.split(':').map(Number);
    n += insertRollup(db, {
      port_id: port!, res: RES_5M, t: w!, in_bps_avg: avg(a, 'in_bps'), in_bps_max: a.max.in_bps ?? null, out_bps_avg: avg(a, 'out_bps'),
      out_bps_max: a.max.out_bps ?? null, in_pps_avg: avg(a, 'in_pps'), out_pps_avg: avg(a, 'out_pps'), in_errors_avg: avg(a, 'in_errors'),
      out_errors_avg: avg(a, 'out_errors'), in_discards_avg: avg(a, 'in_discards'), out_discards_avg: avg(a, 'out_discards'),
      util_in_max: a.max.util_in ?? null, util_out_max: a.max.util_out ?? null, oper_up_share: a.up / a.covered,
      coverage: Math.min(1, a.covered / RES_5M), source: 'poll',
    });
  }
  // The forwarder sends these windows (ixp_port_5m) in the order of this entry.
  logRollups(db, { switch: sw, res: RES_5M, from, to, rows: n });
  return n;
}

/** Windows of `res` in [from, to) from the `src` level: averages weighted by covered time, maxima of maxima. */
function rollupLevel(db: DB, sw: string, src: number, res: number, from: number, to: number): number {
  const wavg = (f: string) => `sum(${f} * coverage) / nullif(sum(CASE WHEN ${f} IS NULL THEN 0 ELSE coverage END), 0)`;
  // Read through the `rollups` view (decoded values), written in the compact encoding.
  const sql = `SELECT r.port_id, ${res} AS res, (r.t / ${res * 1000}) * ${res * 1000} AS t,
      ${wavg('in_bps_avg')} AS in_bps_avg, max(in_bps_max) AS in_bps_max, ${wavg('out_bps_avg')} AS out_bps_avg, max(out_bps_max) AS out_bps_max,
      ${wavg('in_pps_avg')} AS in_pps_avg, ${wavg('out_pps_avg')} AS out_pps_avg, ${wavg('in_errors_avg')} AS in_errors_avg,
      ${wavg('out_errors_avg')} AS out_errors_avg, ${wavg('in_discards_avg')} AS in_discards_avg, ${wavg('out_discards_avg')} AS out_discards_avg,
      max(util_in_max) AS util_in_max, max(util_out_max) AS util_out_max,
      sum(oper_up_share * coverage) / sum(coverage) AS oper_up_share, min(1.0, sum(coverage) * ${src}.0 / ${res}.0) AS coverage
    FROM rollups r JOIN ports p ON p.id = r.port_id
    WHERE r.res = ? AND r.ts >= ? AND r.ts < ? AND p.switch = ? AND r.source = 'poll' AND r.coverage > 0
    GROUP BY r.port_id, r.ts / ${res}`;
  let n = 0;
  for (const row of prep(db, sql).all(src, sec(from), sec(to), sw) as Omit<RollupRow, 'source'>[]) n += insertRollup(db, { ...row, source: 'poll' });
  // The forwarder sends these too (ixp_port_1h, ixp_port_1d): a central dashboard's long port charts read them.
  logRollups(db, { switch: sw, res, from, to, rows: n });
  return n;
}
