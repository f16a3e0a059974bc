// The pages' time-zone helpers (days, months, date inputs, axis ticks) over the shared calendar
// arithmetic (dashboard/calendar.ts). Pure functions; must not read the clock.

import { wallClock, tzOffset, zonedTime } from '../../calendar.ts';

/** Local midnight (in `tz`) of the day containing `ms`. */
export function startOfDay(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return zonedTime(tz, w.y, w.m, w.d);
}

/** First instant of the month containing `ms`, in `tz`. */
export function startOfMonth(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return zonedTime(tz, w.y, w.m, 1);
}

/** Parses an <input type=date> value (YYYY-MM-DD) as local midnight in `tz`; NaN if invalid. */
export function parseDateInput(value: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return NaN;
  return zonedTime(tz, Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Formats instant `ms` as YYYY-MM-DD in `tz` (for <input type=date>). */
export function toDateInput(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${w.y}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/**
 * Tick positions for a time axis from `min` to `max`, on round local times in `tz`:
 * hours for a day, days for a week or month, months for a year.
 */
export function timeTicks(min: number, max: number, tz: string): number[] {
  const span = max - min;
  const H = 3_600_000;
  const D = 24 * H;
  const ticks: number[] = [];
  if (span <= 40 * D) {
    const step = span <= 1.5 * D ? 3 * H : span <= 3 * D ? 6 * H : span <= 9 * D ? D : span <= 20 * D ? 2 * D : 5 * D;
    const off = tzOffset(min, tz);
    let t = Math.ceil((min + off) / step) * step - off;
    for (; t <= max && ticks.length < 60; t += step) ticks.push(t);
    return ticks;
  }
  const w = wallClock(min, tz);
  let y = w.y;
  let m = w.m + 1;
  const every = span > 800 * D ? 3 : 1;
  for (;;) {
    if (m > 12) { m -= 12; y += 1; }
    const t = zonedTime(tz, y, m, 1);
    if (t > max || ticks.length > 60) break;
    if ((m - 1) % every === 0) ticks.push(t);
    m += 1;
  }
  return ticks;
}
