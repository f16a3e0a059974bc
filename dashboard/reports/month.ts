// Calendar months in an IXP's time zone: 'YYYY-MM' → [from, to) epoch ms. Pure (Intl only), no clock.

function parts(t: number, tz: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute!, s: p.second! };
}

function offset(t: number, tz: string): number {
  const p = parts(t, tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(t / 1000) * 1000;
}

/** The instant of local midnight on y-m-1 in tz (m 1-based; 13 = next January). */
function monthStart(y: number, m: number, tz: string): number {
  const naive = Date.UTC(y, m - 1, 1);
  const t = naive - offset(naive, tz);
  return naive - offset(t, tz);
}

/** True when s is 'YYYY-MM' with a month 01..12. */
export function isMonth(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** [from, to) of month 'YYYY-MM' in tz, epoch ms. */
export function monthRange(month: string, tz: string): { from: number; to: number } {
  if (!isMonth(month)) throw new RangeError(`month: '${month}' is not YYYY-MM`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: monthStart(y, m, tz), to: monthStart(y, m + 1, tz) };
}

/** The month `n` months after 'YYYY-MM' (n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** The month 'YYYY-MM' holding instant t in tz. */
export function monthOf(t: number, tz: string): string {
  const p = parts(t, tz);
  return `${p.y}-${String(p.m).padStart(2, '0')}`;
}
