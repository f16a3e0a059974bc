// Number, money and date formatting with Intl in the active language and the IXP's time zone.
// Pure presentation: no fetching, no DOM.
import { lang, t } from './i18n.ts';

const nfCache = new Map<string, Intl.NumberFormat>();
function nf(opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = lang() + JSON.stringify(opts);
  let f = nfCache.get(key);
  if (!f) { f = new Intl.NumberFormat(lang(), opts); nfCache.set(key, f); }
  return f;
}

const DASH = '\u2014';

function scaled(v: number, base: number, units: string[]): [number, string] {
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < units.length - 1) { x /= base; i += 1; }
  return [Math.sign(v) * x, units[i]];
}

function num(v: number): string {
  const a = Math.abs(v);
  if (a > 0 && a < 1) return nf({ maximumSignificantDigits: 2 }).format(v); // 0.0031 errors/s, not "0"
  return nf({ maximumFractionDigits: a >= 100 ? 0 : a >= 10 ? 1 : 2 }).format(v);
}

/** Bits per second: "1,23 Gbit/s". */
export function bps(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const [x, u] = scaled(v, 1000, ['', 'k', 'M', 'G', 'T', 'P']);
  return `${num(x)}\u00a0${u}${t('unit.bps')}`;
}

/** Short axis label for bits per second ("400 M"). */
export function bpsTick(v: number): string {
  if (v === 0) return '0';
  const [x, u] = scaled(v, 1000, ['', 'k', 'M', 'G', 'T', 'P']);
  return `${num(x)}\u00a0${u}`;
}

/** Megabits per second as bits per second text. */
export function mbps(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : bps(v * 1e6);
}

/** Bytes, decimal units, localised symbol ("12 TB", "12 To"). */
export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const [x, u] = scaled(v, 1000, ['', 'k', 'M', 'G', 'T', 'P', 'E']);
  return `${num(x)}\u00a0${u}${t('unit.B')}`;
}

/** Packets (or any count) per second, short. */
export function perSec(v: number | null | undefined, unitKey: 'unit.pps' | 'unit.perSec' = 'unit.perSec'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const [x, u] = scaled(v, 1000, ['', 'k', 'M', 'G']);
  return `${num(x)}\u00a0${u}${t(unitKey)}`;
}

/** Plain count, short ("1,2 k"). */
export function count(v: number): string {
  const [x, u] = scaled(v, 1000, ['', 'k', 'M', 'G']);
  return u ? `${num(x)}\u00a0${u}` : num(x);
}

/** Money in the IXP's currency, whole units. */
export function money(v: number | null | undefined, currency: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  try {
    return nf({ style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(v);
  } catch {
    return `${nf({ maximumFractionDigits: 0 }).format(v)} ${currency}`;
  }
}

/** A 0..1 share as a percentage. */
export function pct(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
}

/** Signed percentage for growth ("+12 %"). */
export function signedPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf({ style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(v);
}

/** Integer with grouping. */
export function int(v: number): string {
  return nf({ maximumFractionDigits: 0 }).format(v);
}

const dfCache = new Map<string, Intl.DateTimeFormat>();
function df(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang() + tz + JSON.stringify(opts);
  let f = dfCache.get(key);
  if (!f) {
    try { f = new Intl.DateTimeFormat(lang(), { ...opts, timeZone: tz }); } catch { f = new Intl.DateTimeFormat(lang(), opts); }
    dfCache.set(key, f);
  }
  return f;
}

/** Date and time in the IXP's zone. */
export function dateTime(ms: number | null | undefined, tz: string): string {
  if (ms === null || ms === undefined) return DASH;
  return df(tz, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** Time of day in the IXP's zone (seconds shown). */
export function time(ms: number, tz: string): string {
  return df(tz, { timeStyle: 'medium' }).format(ms);
}

/** A date in the IXP's zone. */
export function date(ms: number, tz: string): string {
  return df(tz, { dateStyle: 'medium' }).format(ms);
}

/** Axis label for a tick, detail chosen by the span shown. */
export function axisTime(ms: number, tz: string, spanMs: number): string {
  const D = 86_400_000;
  if (spanMs <= 1.5 * D) return df(tz, { hour: '2-digit', minute: '2-digit' }).format(ms);
  if (spanMs <= 3.5 * D) return df(tz, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(ms);
  if (spanMs <= 40 * D) return df(tz, { day: 'numeric', month: 'short' }).format(ms);
  return df(tz, { month: 'short', year: '2-digit' }).format(ms);
}

/** "2026-11" as "November 2026" (or "Nov 2026" when short). */
export function month(ym: string, short = false): string {
  const [y, m] = ym.split('-').map(Number);
  if (!y || !m) return ym;
  return df('UTC', { month: short ? 'short' : 'long', year: 'numeric' }).format(Date.UTC(y, m - 1, 15));
}
