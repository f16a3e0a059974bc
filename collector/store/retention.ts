// Retention: deletes raw rates, polls and rollups older than their configured age. A row that a
// started forwarder has not yet delivered is kept (the store is the outbox), so a long outage
// never silently drops unsent data. Never touches ports, meta or cursors.
import type { DB } from './sqlite.ts';
import { getCursor, type ForwardedTable } from './cursor.ts';
import { latencyRetention } from './latency.ts';

export interface RetentionDays { rawDays: number; rollupDays: number; pollDays: number }

const DAY = 86_400_000;

/** Deletes expired rows; returns how many per table. `now` is epoch ms. */
export function runRetention(db: DB, days: RetentionDays, now: number): Record<ForwardedTable, number> {
  const del = (table: ForwardedTable, cutoff: number) => {
    const cursor = getCursor(db, table);
    const guard = cursor === undefined ? '' : ' AND seq <= ?';
    const args = cursor === undefined ? [cutoff] : [cutoff, cursor];
    return db.prepare(`DELETE FROM ${table} WHERE t < ?${guard}`).run(...args).changes;
  };
  return db.transaction(() => ({
    rates: del('rates', now - days.rawDays * DAY),
    polls: del('polls', now - days.pollDays * DAY),
    rollups: del('rollups', now - days.rollupDays * DAY),
    // Latency rounds live as long as raw rates; their hourly rollups as long as rollups.
    ...latencyRetention(db, days, now),
    // The sFlow matrix is 5-minute data like the rollups, and kept as long.
    p2p: del('p2p', now - days.rollupDays * DAY),
  }))();
}
