// Periods in an IXP's IANA time zone (day, ISO week, month, year, YYYY-MM, from/to; calendar arithmetic in
// ../calendar.ts), and the step/resolution choice for a series. Pure: the current time is an argument. Bad input → PeriodError.
import type { Period } from '../api.ts';
import type { Resolution } from '../readers/reader.ts';
import { PeriodError, localMidnight, monthOf, monthRange, wallClock } from '../calendar.ts';

const DAY = 86_400_000;
const MAX_SPAN = 3660 * DAY;

/** The calendar months (YYYY-MM) a period touches, each with the part of the period inside it. */
export function splitByMonth(from: number, to: number, tz: string): { month: string; from: number; to: number; whole: boolean }[] {
  const out: { month: string; from: number; to: number; whole: boolean }[] = [];
  let cur = from;
  while (cur < to) {
    const month = monthOf(cur, tz);
    const r = monthRange(month, tz);
    const end = Math.min(r.to, to);
    out.push({ month, from: cur, to: end, whole: cur === r.from && end === r.to });
    cur = end;
  }
  return out;
}

function parseInstant(name: string, v: string): number {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new PeriodError(`${name}: '${v.slice(0, 40)}' is not an ISO 8601 time or epoch milliseconds`);
}

const ROLLING: Record<string, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '365d': 365 * DAY };

/**
 * Resolves period query parameters (see PeriodQuery in api.ts) in time zone `tz` at time `now`.
 * @param def the preset used when none is given ('month' for summaries, 'day' for graphs).
 */
export function resolvePeriod(q: Record<string, unknown>, tz: string, now: number, def = 'day'): Period {
  const str = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new PeriodError(`${k}: give it once, as text`);
    return v;
  };
  const period = str('period');
  const month = str('month');
  const from = str('from');
  const to = str('to');
  const at = str('at');
  const given = [period !== undefined, month !== undefined, from !== undefined || to !== undefined].filter(Boolean).length;
  if (given > 1) throw new PeriodError('give only one of period, month, or from/to');
  if (month !== undefined) return { ...monthRange(month, tz), preset: 'month', timezone: tz };
  if (from !== undefined || to !== undefined) {
    if (from === undefined || to === undefined) throw new PeriodError('from and to go together');
    const f = parseInstant('from', from);
    const t = parseInstant('to', to);
    if (t <= f) throw new PeriodError('to must be after from');
    if (t - f > MAX_SPAN) throw new PeriodError('the period is longer than 10 years');
    return { from: f, to: t, preset: 'custom', timezone: tz };
  }
  const p = period ?? def;
  if (ROLLING[p]) return { from: now - ROLLING[p]!, to: now, preset: p, timezone: tz };
  const ref = at === undefined ? now : parseInstant('at', at);
  const l = wallClock(ref, tz);
  switch (p) {
    case 'day': return { from: localMidnight(l.y, l.m, l.d, tz), to: localMidnight(l.y, l.m, l.d + 1, tz), preset: p, timezone: tz };
    case 'week': {
      const dow = (new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay() + 6) % 7; // Monday = 0
      return { from: localMidnight(l.y, l.m, l.d - dow, tz), to: localMidnight(l.y, l.m, l.d - dow + 7, tz), preset: p, timezone: tz };
    }
    case 'month': return { from: localMidnight(l.y, l.m, 1, tz), to: localMidnight(l.y, l.m + 1, 1, tz), preset: p, timezone: tz };
    case 'year': return { from: localMidnight(l.y, 1, 1, tz), to: localMidnight(l.y + 1, 1, 1, tz), preset: p, timezone: tz };
    default: throw new PeriodError(`period: '${p.slice(0, 20)}' is not one of day, week, month, year, 24h, 7d, 30d, 365d`);
  }
}

const STEPS = [60, 300, 900, 3600, 21600, 86400];

/**
 * The series step (seconds) and the data to read. Default step: the period / 600 rounded up to 60 s, 5 min, 15 min,
 * 1 h, 6 h or 1 day. Raw rates only below 300 s on periods ≤ 2 days; then 5-minute, hourly or daily rollups, the
 * coarsest one that divides the step.
 */
export function chooseStep(period: { from: number; to: number }, stepParam: unknown): { step: number; res: Resolution } {
  const span = (period.to - period.from) / 1000;
  let step: number;
  if (stepParam === undefined) {
    step = STEPS.find((s) => span / s <= 600) ?? 86400;
  } else {
    if (typeof stepParam !== 'string' || !/^\d{1,7}$/.test(stepParam)) throw new PeriodError('step: give whole seconds, e.g. step=300');
    step = Number(stepParam);
    if (step < 10) throw new PeriodError('step: at least 10 seconds');
    if (step < 300 && span > 2 * 86400) step = 300;
    if (span / step > 5000) throw new PeriodError(`step: ${step} s gives more than 5000 points for this period; use a larger step`);
  }
  let res: Resolution = 0;
  if (step >= 86400 && step % 86400 === 0) res = 86400;
  else if (step >= 3600 && step % 3600 === 0) res = 3600;
  else if (step >= 300 && step % 300 === 0) res = 300;
  else if (step >= 300) step = Math.ceil(step / 300) * 300, res = 300;
  return { step, res };
}
