// Writes rollup rows in the store's compact encoding (migration 008: rollup_rows, rollup_health, rollup_log) and
// lists the stored series. Readers read the `rollups` view, which decodes the same encoding. No clock, no I/O beyond
// the given handle; callers own the transaction.
import type Database from 'better-sqlite3';
import type { DB } from './sqlite.ts';

/**
 * One window of one port, in 001's units (what the `rollups` view returns). Stored to these precisions, which change
 * no figure ixmeter shows (Mbit/s to 2 decimals, bytes, whole percent): bps to 8 bit/s (as bytes/s), pps to 0.01
 * packet/s, utilisation to 1e-4 (0.01 %); errors, discards, oper_up_share, coverage and source exactly. `null` is
 * kept as null (unknown, e.g. imported history).
 */
export interface RollupRow {
  port_id: number; res: number; t: number;
  in_bps_avg: number | null; in_bps_max: number | null; out_bps_avg: number | null; out_bps_max: number | null;
  in_pps_avg: number | null; out_pps_avg: number | null;
  in_errors_avg: number | null; out_errors_avg: number | null; in_discards_avg: number | null; out_discards_avg: number | null;
  util_in_max: number | null; util_out_max: number | null;
  oper_up_share: number | null; coverage: number;
  source: RollupSource;
}

/** Where a rollup row came from: the collector's polls, an MRTG import, the demo. */
export type RollupSource = 'poll' | 'mrtg' | 'demo';
const SOURCE_CODE: Record<RollupSource, number> = { poll: 0, mrtg: 1, demo: 2 };

/** SQLite's round(): half away from zero (the trigger on the view and the migration use it too). */
const round = (v: number | null): number | null => (v === null ? null : v < 0 ? -Math.trunc(-v + 0.5) : Math.trunc(v + 0.5));
const scaled = (v: number | null, k: number): number | null => (v === null ? null : round(v * k));
/** bits/s → bytes/s, rounded (the view multiplies by 8 again). */
const bytes = (v: number | null): number | null => (v === null ? null : round(v / 8));

type St = Database.Statement<unknown[]>;
const statements = new WeakMap<DB, { exists: St; row: St; health: St; log: St }>();
function prepared(db: DB) {
  let s = statements.get(db);
  if (!s) {
    s = {
      exists: db.prepare<unknown[]>('SELECT 1 FROM rollup_rows WHERE port_id = ? AND res = ? AND ts = ?').pluck(),
      row: db.prepare<unknown[]>(`INSERT INTO rollup_rows (port_id, res, ts, in_bytes_avg, out_bytes_avg, in_bytes_max, out_bytes_max, in_pps_x100, out_pps_x100,
          util_in_bp, util_out_bp, coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      health: db.prepare<unknown[]>(`INSERT INTO rollup_health (port_id, res, ts, in_errors_avg, out_errors_avg, in_discards_avg, out_discards_avg, oper_up_share, source)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      log: db.prepare<unknown[]>('INSERT INTO rollup_log (switch, port_id, res, t_from, t_to, rows) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    statements.set(db, s);
  }
  return s;
}

/** Whether a row needs its rollup_health row: an error/discard average not exactly 0, oper_up_share not exactly 1, or a source other than poll. */
export function needsHealth(r: Pick<RollupRow, 'in_errors_avg' | 'out_errors_avg' | 'in_discards_avg' | 'out_discards_avg' | 'oper_up_share' | 'source'>): boolean {
  return !(r.in_errors_avg === 0 && r.out_errors_avg === 0 && r.in_discards_avg === 0 && r.out_discards_avg === 0 && r.oper_up_share === 1 && r.source === 'poll');
}

/**
 * Stores one window unless the store already has (port_id, res, t); returns 1 when stored, 0 when it was there.
 * Throws on a source other than poll/mrtg/demo or a coverage that is not a number in 0..1.
 */
export function insertRollup(db: DB, r: RollupRow): 0 | 1 {
  const code = SOURCE_CODE[r.source];
  if (code === undefined) throw new Error(`rollup of port ${r.port_id} at ${r.t}: source must be poll, mrtg or demo, not ${JSON.stringify(r.source)}`);
  if (!(r.coverage >= 0 && r.coverage <= 1)) throw new Error(`rollup of port ${r.port_id} at ${r.t}: coverage must be in 0..1, not ${r.coverage}`);
  if (!Number.isInteger(r.t / 1000)) throw new Error(`rollup of port ${r.port_id}: t must be epoch ms on a whole second, not ${r.t}`);
  const ts = r.t / 1000;
  const s = prepared(db);
  if (s.exists.get(r.port_id, r.res, ts)) return 0;
  s.row.run(r.port_id, r.res, ts, bytes(r.in_bps_avg), bytes(r.out_bps_avg), bytes(r.in_bps_max), bytes(r.out_bps_max),
    scaled(r.in_pps_avg, 100), scaled(r.out_pps_avg, 100), scaled(r.util_in_max, 10000), scaled(r.util_out_max, 10000), r.coverage);
  if (needsHealth(r)) s.health.run(r.port_id, r.res, ts, r.in_errors_avg, r.out_errors_avg, r.in_discards_avg, r.out_discards_avg, r.oper_up_share, code);
  return 1;
}

/**
 * Records that windows [from, to) at `res` were written, of one port (`portId`) or of every port of `sw`, `rows` rows:
 * the forwarder sends what these entries name, in their order.
 */
export function logRollups(db: DB, e: { switch: string; portId?: number; res: number; from: number; to: number; rows: number }): void {
  if (e.rows > 0) prepared(db).log.run(e.switch, e.portId ?? null, e.res, e.from, e.to, e.rows);
}

/**
 * The `ts` bound (window start, epoch seconds) of a time bound in ms: `t >= ms` is `ts >= sec(ms)` and `t < ms` is
 * `ts < sec(ms)` (windows start on whole seconds). Readers filter on `ts` so that SQLite seeks the primary key.
 */
export const sec = (ms: number): number => Math.ceil(ms / 1000);

/** Every (port_id, res) that has rows, read by index seeks (no scan of the table). */
export function rollupSeries(db: DB): { portId: number; res: number }[] {
  const next = db.prepare<unknown[]>('SELECT res FROM rollup_rows WHERE port_id = ? AND res > ? ORDER BY res LIMIT 1').pluck();
  const out: { portId: number; res: number }[] = [];
  for (const id of db.prepare('SELECT id FROM ports ORDER BY id').pluck().all() as number[]) {
    for (let res = next.get(id, -1) as number | undefined; res !== undefined; res = next.get(id, res) as number | undefined) out.push({ portId: id, res });
  }
  return out;
}
