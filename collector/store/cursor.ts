// Forwarding cursors over the local store: the highest seq of each table InfluxDB acknowledged (for rollups: the
// rollup_log entry and the (port_id, t) inside it), the backlog behind each, and the forwarder's persisted state.
// Only reads and small writes on the given handle; never talks to InfluxDB.
import type { DB } from './sqlite.ts';
import { sec } from './rollupRows.ts';

/**
 * Tables that are forwarded, each with a seq column and a time column (rollups: through rollup_log). `figures` is the
 * outbox figures_outbox (migration 009): its seq orders member windows, months, metadata and deletes.
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

/** Where the rollups cursor stands: rollup_log entry `seq`, and inside it the last row sent (port_id, t); 0s before any. */
export interface RollupPosition { seq: number; portId: number; t: number }

/** The acknowledged rollups position, or undefined when forwarding never started. */
export function getRollupPosition(db: DB): RollupPosition | undefined {
  const r = db.prepare("SELECT seq, port_id, t FROM cursors WHERE name = 'rollups'").get() as { seq: number; port_id: number | null; t: number | null } | undefined;
  return r ? { seq: r.seq, portId: r.port_id ?? 0, t: r.t ?? 0 } : undefined;
}

/**
 * Moves the cursor forward (never back) and records the ack time, in one transaction. For rollups `pos` is the
 * (port_id, t) of the last row sent inside entry `seq`; positions compare as (seq, port_id, t).
 */
export function advanceCursor(db: DB, table: ForwardedTable, seq: number, ackAt: number, extraMeta: Record<string, string> = {},
  pos?: { portId: number; t: number }): void {
  db.transaction(() => {
    db.prepare(`INSERT INTO cursors (name, seq, port_id, t) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE
      SET seq = excluded.seq, port_id = excluded.port_id, t = excluded.t
      WHERE (excluded.seq, coalesce(excluded.port_id, 0), coalesce(excluded.t, 0)) > (seq, coalesce(port_id, 0), coalesce(t, 0))`)
      .run(table, seq, pos?.portId ?? null, pos?.t ?? null);
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
  if (table === 'rollups') return rollupBacklog(db, cursor);
  const n = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE seq > ?`).get(c) as { n: number };
  const o = db.prepare(`SELECT t FROM ${table} WHERE seq > ? ORDER BY seq LIMIT 1`).get(c) as { t: number } | undefined;
  return { table, points: n.n, oldest: o?.t ?? null, cursor };
}

/**
 * 5-minute rollup rows not yet acknowledged: the rows the log entries after the cursor stored, plus what is left of
 * the entry in progress (counted in the table), and the start of the oldest of them.
 */
function rollupBacklog(db: DB, cursor: number | undefined): Backlog {
  const pos = getRollupPosition(db) ?? { seq: 0, portId: 0, t: 0 };
  const after = db.prepare('SELECT coalesce(sum(rows), 0) AS n, min(t_from) AS oldest FROM rollup_log WHERE seq > ? AND res = 300')
    .get(pos.seq) as { n: number; oldest: number | null };
  const cur = db.prepare('SELECT switch, port_id, t_from, t_to FROM rollup_log WHERE seq = ? AND res = 300').get(pos.seq) as
    { switch: string; port_id: number | null; t_from: number; t_to: number } | undefined;
  let left = 0;
  let oldest = after.oldest;
  if (cur) {
    const r = db.prepare(`SELECT count(*) AS n, min(r.ts) * 1000 AS o FROM ports p JOIN rollup_rows r ON r.port_id = p.id AND r.res = 300 AND r.ts >= ? AND r.ts < ?
      WHERE p.switch = ? AND (? IS NULL OR p.id = ?) AND (p.id, r.ts) > (?, ?)`)
      .get(sec(cur.t_from), sec(cur.t_to), cur.switch, cur.port_id, cur.port_id, pos.portId, pos.t / 1000) as { n: number; o: number | null };
    left = r.n;
    if (r.o !== null && (oldest === null || r.o < oldest)) oldest = r.o;
  }
  return { table: 'rollups', points: after.n + left, oldest, cursor };
}
