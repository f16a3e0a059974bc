// Retention: deletes raw rates, polls and rollups older than their configured age, and figures outbox rows
// InfluxDB acknowledged. A row that a started forwarder has not yet delivered is kept (the store is the
// outbox), so a long outage never silently drops unsent data. Never touches ports, meta or cursors.
import type { DB } from './sqlite.ts';
import { getCursor, getRollupPosition, type ForwardedTable } from './cursor.ts';
import { latencyRetention } from './latency.ts';
import { figuresRetention } from './figures.ts';
import { rollupSeries, sec } from './rollupRows.ts';

export interface RetentionDays { rawDays: number; rollupDays: number; pollDays: number }

const DAY = 86_400_000;

/** Deletes expired rows; returns how many per table. `now` is epoch ms. */
export function runRetention(db: DB, days: RetentionDays, now: number): Record<ForwardedTable | 'memberWindows', number> {
  const del = (table: ForwardedTable, cutoff: number) => {
    const cursor = getCursor(db, table);
    const guard = cursor === undefined ? '' : ' AND seq <= ?';
    const args = cursor === undefined ? [cutoff] : [cutoff, cursor];
    return db.prepare(`DELETE FROM ${table} WHERE t < ?${guard}`).run(...args).changes;
  };
  return db.transaction(() => ({
    rates: delRates(db, now - days.rawDays * DAY),
    polls: del('polls', now - days.pollDays * DAY),
    rollups: delRollups(db, now - days.rollupDays * DAY),
    // Latency rounds live as long as raw rates; their hourly rollups as long as rollups.
    ...latencyRetention(db, days, now),
    // The sFlow matrix is 5-minute data like the rollups, and kept as long.
    p2p: del('p2p', now - days.rollupDays * DAY),
    // The figures outbox holds pointers only (the rows live in member_windows/member_months): what InfluxDB
    // acknowledged is not needed again. Without a cursor (never forwarded) nothing is deleted.
    figures: figuresOutboxRetention(db),
    // Member windows live as long as the port rollups they were computed from (month rows are kept).
    memberWindows: figuresRetention(db, now - days.rollupDays * DAY),
    p2p_windows: del('p2p_windows', now - days.rollupDays * DAY),
  }))();
}

function figuresOutboxRetention(db: DB): number {
  const cursor = getCursor(db, 'figures');
  return cursor === undefined ? 0 : db.prepare('DELETE FROM figures_outbox WHERE seq <= ?').run(cursor).changes;
}

/**
 * Raw rates have no index on time (migration 008): they are written in time order, so the expired ones are the rows
 * before the first row at or after the cutoff, found by reading seq upwards from the start. A row stored out of
 * order (a clock set back) lives until the rows before it expire.
 */
function delRates(db: DB, cutoff: number): number {
  const cursor = getCursor(db, 'rates');
  const keep = db.prepare('SELECT seq FROM rates WHERE t >= ? ORDER BY seq LIMIT 1').pluck().get(cutoff) as number | undefined;
  const below = Math.min(keep ?? Number.MAX_SAFE_INTEGER, cursor === undefined ? Number.MAX_SAFE_INTEGER : cursor + 1);
  return db.prepare('DELETE FROM rates WHERE seq < ? AND t < ?').run(below, cutoff).changes;
}

/**
 * Rollups older than the cutoff, per series through the primary key; with a started forwarder, never a row of a
 * rollup_log entry not yet sent (the cutoff moves back to the oldest start among them). Forwarded entries go.
 */
function delRollups(db: DB, cutoff: number): number {
  const pos = getRollupPosition(db);
  let limit = cutoff;
  if (pos) {
    const pending = db.prepare('SELECT min(t_from) FROM rollup_log WHERE seq >= ?').pluck().get(pos.seq) as number | null;
    if (pending !== null) limit = Math.min(limit, pending);
    db.prepare('DELETE FROM rollup_log WHERE seq < ?').run(pos.seq);
  } else {
    db.prepare('DELETE FROM rollup_log WHERE t_to <= ?').run(cutoff);
  }
  const rows = db.prepare('DELETE FROM rollup_rows WHERE port_id = ? AND res = ? AND ts < ?');
  const health = db.prepare('DELETE FROM rollup_health WHERE port_id = ? AND res = ? AND ts < ?');
  let n = 0;
  for (const s of rollupSeries(db)) {
    n += rows.run(s.portId, s.res, sec(limit)).changes;
    health.run(s.portId, s.res, sec(limit));
  }
  return n;
}
