// The figures outbox (migration 009) as the forwarder reads it: one SQL row per outbox row, joined with the
// member_windows / member_months row it points to, turned into a line or a delete. Pure apart from the SQL text;
// reads no clock, opens nothing. Never decides what is recomputed (collector/figures does).
import {
  memberMonthLine, memberWindowLine, metaLine, type FigureDeleteLP, type MetaRecordLP, type MonthRowLP,
} from './lineProtocol.ts';

/**
 * The outbox after a seq, in order, with what each row points to. Column order matters: {@link figureRow} reads
 * the rows as arrays, by position. A 'window' or 'month' whose row no longer exists comes back with NULLs: a later
 * delete or rewrite covers it.
 */
export const FIGURES_SQL = `SELECT o.seq, o.kind, o.asn, o.t, o.t_to, o.key,
    w.res, w.in_bps, w.out_bps, w.coverage, w.ports, w.max_util, w.t AS wt, mm.json
  FROM figures_outbox o
  LEFT JOIN member_windows w ON o.kind = 'window' AND w.asn = o.asn AND w.t = o.t
  LEFT JOIN member_months mm ON o.kind = 'month' AND mm.month = o.key AND mm.asn = o.asn
  WHERE o.seq > ? ORDER BY o.seq LIMIT ?`;

/** What one outbox row becomes: a line (or nothing) to batch, or a delete to send on its own. */
export type FigureItem =
  | { line: string | null; problem?: string }
  | { del: FigureDeleteLP };

const MONTH = /^(\d{4})-(\d{2})$/;
const fmtCache = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` from UTC at instant t, ms (east positive), from Intl's wall clock. */
function tzOffset(t: number, tz: string): number {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    fmtCache.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!) - Math.floor(t / 1000) * 1000;
}

/**
 * The first instant of month 'YYYY-MM' in IANA zone `tz` (local midnight of the 1st), epoch ms; null for a malformed
 * month. The same arithmetic as dashboard/calendar.ts monthRange, which collector/ may not import.
 */
export function monthStart(month: string, tz: string): number | null {
  const m = MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const t = naive - tzOffset(naive, tz);
  return naive - tzOffset(t, tz); // the second pass settles a DST change at midnight
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one raw SQLite row of FIGURES_SQL, read by position
type Row = any[];

/** Turns one row of {@link FIGURES_SQL} into a line, nothing, or a delete. `tz`: the IXP's time zone (months). */
export function figureRow(ixp: string, tz: string, r: Row): FigureItem {
  const kind: string = r[1];
  switch (kind) {
    case 'window':
      if (r[12] === null) return { line: null };
      return { line: memberWindowLine(ixp, { asn: r[2], t: r[3], res: r[6], in_bps: r[7], out_bps: r[8], coverage: r[9], ports: r[10], max_util: r[11] }) };
    case 'month': {
      if (r[13] === null) return { line: null };
      let row: MonthRowLP;
      try { row = JSON.parse(r[13]); } catch { return { line: null, problem: `member_months ${r[5]} AS${r[2]}: json is not JSON` }; }
      const start = monthStart(String(r[5] ?? ''), tz);
      if (start === null) return { line: null, problem: `figures_outbox seq ${r[0]}: month '${String(r[5]).slice(0, 20)}' is not YYYY-MM` };
      return { line: memberMonthLine(ixp, { ...row, month: r[5], asn: r[2] }, start) };
    }
    case 'meta': {
      let rec: MetaRecordLP;
      try { rec = JSON.parse(r[5]); } catch { return { line: null, problem: `figures_outbox seq ${r[0]}: meta key is not JSON` }; }
      const line = r[3] === null ? null : metaLine(ixp, rec, r[3]);
      return line ? { line } : { line: null, problem: `figures_outbox seq ${r[0]}: not a metadata point` };
    }
    case 'delete-windows':
    case 'delete-months':
      if (r[3] === null || r[4] === null) return { line: null, problem: `figures_outbox seq ${r[0]}: ${kind} without t/t_to` };
      return { del: { measurement: kind === 'delete-windows' ? 'ixp_member_5m' : 'ixp_member_month', ixp, asn: r[2], from: r[3], to: r[4] } };
    default:
      return { line: null, problem: `figures_outbox seq ${r[0]}: unknown kind '${String(kind).slice(0, 20)}'` };
  }
}
