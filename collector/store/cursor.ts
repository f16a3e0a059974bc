// Forwarding cursors over the local store: the highest seq of each table InfluxDB acknowledged,
// the backlog behind each, and the forwarder's persisted state (last ack, last error, parked).
// Only reads and small writes on the given handle; never talks to InfluxDB.
import type { DB } from './sqlite.ts';

/**
 * Tables that are forwarded, each with a seq column and a time column. `figures` is the outbox
 * figures_outbox (migration 009): its seq orders member windows, months, metadata and deletes.
 */
export const FORWARDED = ['polls', 'rates', 'rollups', 'latency', 'p2p', 'p2p_windows', 'figures'] as const;
export type ForwardedTable = (typeof FORWARDED)[number];

/** The acknowledged seq of `table`, or undefined when forwarding never started. */
export function getCursor(db: DB, table: ForwardedTable): number | undefined {
  const r = db.prepare('SELECT seq FROM cursors WHERE name = ?').get(table) as { seq: number } | undefined;
  return r?.seq;
}

/** Creates the cursor at 0 when absent (forwarding starts with everything stored so far). */
export function ensureCursor(db: DB, table: ForwardedTable): number {
  db.prepare('INSERT INTO cursors (name, seq) VALUES (?, 0) ON CONFLICT (name) DO NOTHING').run(table);
  return getCursor(db, table)!;
}

/** Moves the cursor forward (never back) and records the ack time, in one transaction. */
export function advanceCursor(db: DB, table: ForwardedTable, seq: number, ackAt: number, extraMeta: Record<string, string> = {}): void {
  db.transaction(() => {
    db.prepare('INSERT INTO cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq)').run(table, seq);
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    meta.run('forward.lastAckAt', String(ackAt));
    for (const [k, v] of Object.entries(extraMeta)) meta.run(k, v);
  })();
}

/** Backlog of one table: rows after the cursor and the time of the oldest (ms), null when empty. */
export interface Backlog { table: ForwardedTable; points: number; oldest: number | null; cursor: number | undefined }

/** Rows not yet acknowledged. With no cursor (forwarding never started) every row counts. */
export function backlog(db: DB, table: ForwardedTable): Backlog {
  const cursor = getCursor(db, table);
  const c = cursor ?? 0;
  if (table === 'figures') {
    // Outbox rows carry no time they were written at (a recomputed window of last year is new work, not an old
    // one), so the figures backlog has no age: it counts rows only.
    const n = db.prepare('SELECT count(*) AS n FROM figures_outbox WHERE seq > ?').get(c) as { n: number };
    return { table, points: n.n, oldest: null, cursor };
  }
  const filter = table === 'rollups' ? 'AND res = 300' : '';
  const n = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE seq > ? ${filter}`).get(c) as { n: number };
  const o = db.prepare(`SELECT t FROM ${table} WHERE seq > ? ${filter} ORDER BY seq LIMIT 1`).get(c) as { t: number } | undefined;
  return { table, points: n.n, oldest: o?.t ?? null, cursor };
}
