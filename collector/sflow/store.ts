// The sFlow matrix in the local store: one transaction per closed 5-minute window (p2p rows and the
// window's receive counters), and the reads the dashboard and reports need. SQL only; no maths beyond sums.
import type { DB } from '../store/sqlite.ts';
import { storeError } from '../store/sqlite.ts';
import type { IpVersion, MemberRow } from './matrix.ts';

export const WINDOW_MS = 300_000;

export interface P2pWindow {
  /** Window start, epoch ms (a multiple of 5 minutes). */
  t: number;
  switch: string;
  rows: MemberRow[];
  datagrams: number;
  samples: number;
  dropped: number;
  notIngress: number;
  noFrame: number;
  rateMin: number | null;
  rateMax: number | null;
}

/** Writes one window (idempotent: a window written twice keeps the first). Throws StoreError. */
export function writeP2pWindow(db: DB, file: string, w: P2pWindow): number {
  try {
    return db.transaction(() => {
      const win = db.prepare(`INSERT INTO p2p_windows (t, switch, datagrams, samples, dropped, not_ingress, no_frame, rate_min, rate_max)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (t, switch) DO NOTHING`)
        .run(w.t, w.switch, w.datagrams, w.samples, w.dropped, w.notIngress, w.noFrame, w.rateMin, w.rateMax);
      if (win.changes === 0) return 0;
      const ins = db.prepare('INSERT INTO p2p (t, switch, src, dst, ip, bytes, packets, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
      let n = 0;
      for (const r of w.rows) n += ins.run(w.t, w.switch, r.src, r.dst, r.ipVersion, r.bytes, r.packets, r.samples).changes;
      return n;
    })();
  } catch (e) {
    throw storeError(file, e, `store sFlow window ${new Date(w.t).toISOString()} of switch ${w.switch}`);
  }
}

export interface P2pTotal { src: string; dst: string; ip: IpVersion; bytes: number; packets: number; samples: number }
export interface P2pCoverage { windows: number; datagrams: number; samples: number; dropped: number; rateMin: number | null; rateMax: number | null; first: number | null; last: number | null }

/** Sums over [from, to) per (src, dst, ip), all switches; `member` keeps only rows it sent or received. */
export function readP2p(db: DB, from: number, to: number, member?: string): P2pTotal[] {
  const where = member ? 'AND (src = @m OR dst = @m)' : '';
  return db.prepare(`SELECT src, dst, ip, sum(bytes) AS bytes, sum(packets) AS packets, sum(samples) AS samples
    FROM p2p WHERE t >= @from AND t < @to ${where} GROUP BY src, dst, ip ORDER BY bytes DESC, src, dst, ip`)
    .all({ from, to, m: member ?? null }) as P2pTotal[];
}

/** What the windows of [from, to) saw: how many, samples, drops and the sampling rates. */
export function readP2pCoverage(db: DB, from: number, to: number): P2pCoverage {
  return db.prepare(`SELECT count(*) AS windows, coalesce(sum(datagrams), 0) AS datagrams, coalesce(sum(samples), 0) AS samples,
      coalesce(sum(dropped), 0) AS dropped, min(rate_min) AS rateMin, max(rate_max) AS rateMax, min(t) AS first, max(t) AS last
    FROM (SELECT t, sum(datagrams) AS datagrams, sum(samples) AS samples, sum(dropped) AS dropped, min(rate_min) AS rate_min, max(rate_max) AS rate_max
          FROM p2p_windows WHERE t >= ? AND t < ? GROUP BY t)`).get(from, to) as P2pCoverage;
}
