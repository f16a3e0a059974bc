// Reads the traffic baseline for the collapse rules from the local store's rollups: the average
// bps of a set of ports during the same hour of each previous week. Read-only; no rule logic here.
import type Database from 'better-sqlite3';
import { sec } from '../store/rollupRows.ts';

/** A port by switch and ifName, as the store's `ports` table names it. */
export interface PortRef { switch: string; port: string }

/**
 * For each of the `weeks` previous weeks, the summed average bps of `ports` during the hour that contains
 * `at` shifted back by that many weeks (null where the store has nothing for that hour).
 * `direction`: 'both' sums in + out (a member's traffic), 'in' sums what the switch received (the exchange's traffic).
 */
export type HistoryFn = (ports: PortRef[], at: number, weeks: number, direction: 'both' | 'in') => (number | null)[];

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/** The HistoryFn over the store's `rollups` table: hourly rows (res 3600) where present, else the 5-minute rows (res 300) of that hour. */
export function rollupHistory(db: Database.Database): HistoryFn {
  const cache = new Map<string, Database.Statement<unknown[]>>();
  const statements = (n: number, direction: 'both' | 'in') => {
    const k = `${n}|${direction}`;
    let s = cache.get(k);
    if (!s) {
      const where = Array.from({ length: n }, () => '(p.switch = ? AND p.name = ?)').join(' OR ');
      const v = direction === 'both' ? 'COALESCE(r.in_bps_avg, 0) + COALESCE(r.out_bps_avg, 0)' : 'COALESCE(r.in_bps_avg, 0)';
      // Per port: its hourly row where there is one, else the mean of its 5-minute rows in that hour (both lie in
      // [hour, hour + 1 h); `ts` so that SQLite seeks the (port_id, res, ts) key for each resolution).
      s = db.prepare(`SELECT SUM(v) AS s, COUNT(v) AS n FROM (
          SELECT COALESCE(MAX(CASE WHEN r.res = 3600 THEN ${v} END), AVG(CASE WHEN r.res = 300 THEN ${v} END)) AS v
          FROM rollups r JOIN ports p ON p.id = r.port_id
          WHERE r.res IN (300, 3600) AND r.ts >= ? AND r.ts < ? AND (${where})
          GROUP BY r.port_id)`);
      if (cache.size > 200) cache.clear();
      cache.set(k, s);
    }
    return s;
  };
  return (ports, at, weeks, direction) => {
    if (ports.length === 0) return Array.from({ length: weeks }, () => null);
    const stmt = statements(ports.length, direction);
    const params = ports.flatMap((p) => [p.switch, p.port]);
    const hour = Math.floor(at / HOUR) * HOUR;
    const out: (number | null)[] = [];
    for (let k = 1; k <= weeks; k++) {
      const t = hour - k * WEEK;
      const r = stmt.get(sec(t), sec(t + HOUR), ...params) as { s: number | null; n: number };
      out.push(r.n ? r.s ?? 0 : null);
    }
    return out;
  };
}
