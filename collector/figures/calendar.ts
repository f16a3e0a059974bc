// Calendar arithmetic in an IXP's IANA time zone with Intl only (no date library, no clock): wall-clock fields,
// offsets, local midnights, calendar months. Used by the collector's figures, the dashboard, the reports and the pages.

/** A date, month or period a user gave that cannot be used (the API answers it with 400 and this message). */
export class PeriodError extends Error {}

const fmtCache = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    fmtCache.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of instant `t` in `tz` (month 1..12). */
export function wallClock(t: number, tz: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const p: Record<string, number> = {};
  for (const x of fmt(tz).formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, min: p.minute!, s: p.second! };
}

/** Offset of `tz` from UTC at instant t, in ms (local = utc + offset; east positive). */
export function tzOffset(t: number, tz: string): number {
  const p = wallClock(t, tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(t / 1000) * 1000;
}

/** The instant at which the wall clock in `tz` reads y-m-d h:min (m 1-based; months and days may overflow: 13 → next January). */
export function zonedTime(tz: string, y: number, m: number, d: number, h = 0, min = 0): number {
  const naive = Date.UTC(y, m - 1, d, h, min);
  const t = naive - tzOffset(naive, tz);
  return naive - tzOffset(t, tz); // the second pass settles DST edges
}

/** The instant of local midnight y-m-d in `tz`. */
export function localMidnight(y: number, m: number, d: number, tz: string): number {
  return zonedTime(tz, y, m, d);
}

/** True when s is 'YYYY-MM' with a month 01..12. */
export function isMonth(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** The calendar month 'YYYY-MM' holding instant t in `tz`. */
export function monthOf(t: number, tz: string): string {
  const p = wallClock(t, tz);
  return `${p.y}-${String(p.m).padStart(2, '0')}`;
}

/** [from, to) of month 'YYYY-MM' in `tz`, epoch ms. A malformed month is a PeriodError. */
export function monthRange(month: string, tz: string): { from: number; to: number } {
  if (!isMonth(month)) throw new PeriodError(`month: '${month.slice(0, 40)}' is not YYYY-MM`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: localMidnight(y, m, 1, tz), to: localMidnight(y, m + 1, 1, tz) };
}

/** The month `n` months after 'YYYY-MM' (n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** The instant of local midnight starting day 'YYYY-MM-DD' in `tz`; null when no date is given. */
export function dayStart(date: string | undefined | null, tz: string): number | null {
  if (!date) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new PeriodError(`date: '${date.slice(0, 40)}' is not YYYY-MM-DD`);
  return localMidnight(Number(m[1]), Number(m[2]), Number(m[3]), tz);
}

/**
 * When a member belongs to the IXP, as instants in the IXP's time zone: from local midnight of its join day (or of
 * the IXP's launch day, whichever is later; the launch clips every member the same way) to local midnight of its
 * leave day (the day it left is no longer counted). null where no date bounds it.
 */
export function membershipBounds(m: { joined?: string; left?: string }, launched: string | undefined, tz: string): { start: number | null; end: number | null } {
  const j = dayStart(m.joined, tz);
  const l = dayStart(launched, tz);
  const start = j === null ? l : l === null ? j : Math.max(j, l);
  return { start, end: dayStart(m.left, tz) };
}

/** The calendar year 'YYYY' holding instant t in `tz`, and its [from, to). */
export function yearRange(year: number, tz: string): { from: number; to: number } {
  return { from: localMidnight(year, 1, 1, tz), to: localMidnight(year + 1, 1, 1, tz) };
}
