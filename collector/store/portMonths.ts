// Each member port's month (billable P95, highest utilisation, coverage of the whole month, by the member that had
// it), the month's rollup sources and its 5-minute windows with a good poll: what month rows carry beside the
// members' own figures (capacity forecasts, the members table's utilisation, a report's method and availability).
// Read from the port rollups and the poll log; written to port_months; merged into rows before they are stored.
import type Database from 'better-sqlite3';
import { billableP95, type WindowSample } from '../figures/impact.ts';
import type { MonthRow, MonthSpan, PortMonth } from '../figures/months.ts';
import { IXP_ASN, type Owner } from '../figures/windows.ts';
import type { DB } from './sqlite.ts';
import { sec } from './rollupRows.ts';

/** The running month's port figures are read again at most this often (a month of 200 ports is 1.7 M rows). */
export const PORT_MONTHS_EVERY_MS = 3_600_000;
/** Resolutions of imported history (MRTG) that count where no 5-minute window exists. */
const COARSE = new Set([1800, 7200, 86400]);

/** The month's own row (switch '' port ''): sources, good-poll windows, when and from what it was computed. */
interface MonthExtras { sources: string[]; pollWindows: number | null; computedAt: number; complete: boolean; owners: string }

const statements = new WeakMap<DB, Map<string, Database.Statement<unknown[]>>>();
function prep(db: DB, sql: string): Database.Statement<unknown[]> {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare<unknown[]>(sql)));
  return st;
}

interface Acc { switch: string; port: string; asn: number; fine: WindowSample[]; coarse: WindowSample[]; util: number | null }

/**
 * Computes and stores the port months of `span` at `now` (the end of the last closed window). `owners` identifies
 * the attribution they were computed with (a change recomputes them). A port window belongs to the member that had
 * the port at the window's start; 5-minute windows win over imported coarser ones that overlap them.
 */
export function computePortMonths(db: DB, span: MonthSpan, owner: Owner, now: number, owners: string): void {
  const acc = new Map<string, Acc>();
  const sources = new Set<string>();
  const rows = prep(db, `SELECT p.switch, p.name, r.t, r.res, r.in_bps_avg, r.out_bps_avg, r.coverage, r.util_in_max, r.util_out_max, r.source
    FROM ports p CROSS JOIN rollups r ON r.port_id = p.id WHERE r.res IN (300, 1800, 7200, 86400) AND r.ts >= ? AND r.ts < ? /* port months */`).raw();
  for (const row of rows.iterate(sec(span.from), sec(span.to))) {
    const [sw, port, t, res, i, o, c, ui, uo, source] = row as [string, string, number, number, number | null, number | null, number, number | null, number | null, string];
    if (res !== 300 && !(COARSE.has(res) && source === 'mrtg')) continue;
    const asn = owner(sw, port, t);
    if (asn === undefined) continue;
    const k = `${sw}\u0000${port}\u0000${asn}`;
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { switch: sw, port, asn, fine: [], coarse: [], util: null }));
    (res === 300 ? a.fine : a.coarse).push({ t, res, inBps: i, outBps: o, coverage: c });
    const u = ui === null && uo === null ? null : Math.max(ui ?? 0, uo ?? 0);
    if (u !== null && (a.util === null || u > a.util)) a.util = u;
    if (i !== null || o !== null) sources.add(source);
  }
  const speed = prep(db, 'SELECT speed_mbps FROM ports WHERE switch = ? AND name = ? ORDER BY last_seen DESC LIMIT 1');
  const monthSeconds = (span.to - span.from) / 1000;
  const out: { a: Acc; m: PortMonth }[] = [];
  for (const a of acc.values()) {
    const fineT = a.fine.map((s) => s.t).sort((x, y) => x - y);
    const overlaps = (s: WindowSample) => {
      let lo = 0;
      let hi = fineT.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (fineT[mid]! < s.t) lo = mid + 1; else hi = mid; }
      return lo < fineT.length && fineT[lo]! < s.t + s.res * 1000;
    };
    const samples = [...a.fine, ...a.coarse.filter((s) => !overlaps(s))];
    let covered = 0;
    for (const s of samples) if (s.inBps !== null || s.outBps !== null) covered += s.res * (s.coverage ?? 1);
    const sp = (speed.get(a.switch, a.port) as { speed_mbps: number | null } | undefined)?.speed_mbps ?? null;
    out.push({ a, m: { switch: a.switch, port: a.port, speedMbps: sp, p95Mbps: billableP95(samples).mbps, maxUtil: a.util, coverage: monthSeconds > 0 ? Math.min(1, covered / monthSeconds) : 0 } });
  }
  const polls = prep(db, 'SELECT count(*) AS n, count(DISTINCT CASE WHEN ok = 1 THEN t / 300000 END) AS good FROM polls WHERE t >= ? AND t < ?').get(span.from, span.to) as { n: number; good: number };
  const before = readExtras(db, span.month);
  // The poll log is kept 35 days: a month recomputed after that keeps the count it had.
  const pollWindows = polls.n > 0 ? polls.good : before?.pollWindows ?? null;
  const extras: MonthExtras = { sources: [...sources].sort(), pollWindows, computedAt: now, complete: now >= span.to, owners };
  prep(db, 'DELETE FROM port_months WHERE month = ?').run(span.month);
  const put = prep(db, 'INSERT INTO port_months (month, switch, port, asn, json) VALUES (?, ?, ?, ?, ?)');
  for (const { a, m } of out) put.run(span.month, a.switch, a.port, a.asn, JSON.stringify(m));
  put.run(span.month, '', '', IXP_ASN, JSON.stringify(extras));
}

function readExtras(db: DB, month: string): MonthExtras | undefined {
  const r = prep(db, "SELECT json FROM port_months WHERE month = ? AND switch = '' AND port = ''").get(month) as { json: string } | undefined;
  return r ? (JSON.parse(r.json) as MonthExtras) : undefined;
}

/**
 * The rows of `span` with their ports' months (members), sources and good-poll windows (the IXP's row). The port
 * months are computed again when absent, made with another attribution, not final for a month that ended, when
 * `force` (a registry change, a rebuild), or older than {@link PORT_MONTHS_EVERY_MS} for the running month.
 */
export function withPortMonths(db: DB, span: MonthSpan, rows: MonthRow[], o: { owner: Owner; owners: string; now: number; force: boolean }): MonthRow[] {
  const ex = readExtras(db, span.month);
  const stale = !ex || ex.owners !== o.owners || o.force || (o.now >= span.to && !ex.complete) || (o.now < span.to && o.now - ex.computedAt >= PORT_MONTHS_EVERY_MS);
  if (stale) computePortMonths(db, span, o.owner, o.now, o.owners);
  const extras = readExtras(db, span.month)!;
  const byAsn = new Map<number, PortMonth[]>();
  for (const r of prep(db, "SELECT asn, json FROM port_months WHERE month = ? AND switch <> '' ORDER BY switch, port").all(span.month) as { asn: number; json: string }[]) {
    const l = byAsn.get(r.asn) ?? [];
    l.push(JSON.parse(r.json) as PortMonth);
    byAsn.set(r.asn, l);
  }
  return rows.map((r) => (r.asn === IXP_ASN
    ? { ...r, sources: extras.sources, pollWindows: extras.pollWindows }
    : { ...r, ports: byAsn.get(r.asn) ?? [] }));
}
