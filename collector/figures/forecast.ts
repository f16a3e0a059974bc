// Capacity ahead of time, pure: from a port's (or LAG's, or trunk's) monthly P95 utilisation, the fitted compound
// growth per month and the month the fit crosses a threshold (80 %), with the range the growth's 95 % confidence
// interval allows. No clock, no I/O: months are 'YYYY-MM' strings, times epoch ms (UTC month starts).

/** One month's P95 utilisation (0..1, the higher direction) and the share of its 5-minute samples present. */
export interface MonthUtil {
  month: string;
  util: number | null;
  coverage: number;
}

/** Options of {@link forecastCrossing}. */
export interface ForecastOptions {
  /** Utilisation to forecast (default 0.8). */
  threshold?: number;
  /** Fewest usable months for a fit (default 3). */
  minMonths?: number;
  /** A month with less coverage is not used (default 0.5). */
  minCoverage?: number;
  /** A crossing further ahead than this many months after the last one is not forecast (default 60). */
  horizonMonths?: number;
}

/**
 * What the history says. `forecast`: the fit crosses the threshold at `crossing` (earliest–latest from the growth's
 * confidence interval; latest null when the interval reaches no growth). `over`: the last month is already above it.
 * `not-growing`: the growth's interval includes zero or less, so no crossing can be forecast. `beyond-horizon`: the
 * crossing is further ahead than the horizon. `not-enough-history`: fewer usable months than minMonths.
 */
export interface Forecast {
  status: 'forecast' | 'over' | 'not-growing' | 'beyond-horizon' | 'not-enough-history';
  threshold: number;
  /** Months used in the fit (coverage ≥ minCoverage, utilisation > 0). */
  months: number;
  /** Fitted compound growth per month (0.05 = +5 % a month) and its 95 % interval; null without a fit. */
  growthPerMonth: number | null;
  growthRange: [number, number] | null;
  /** The last used month's utilisation. */
  lastUtil: number | null;
  /** Month the fit crosses the threshold, and its range; null unless status is `forecast`. */
  crossing: string | null;
  earliest: string | null;
  latest: string | null;
  /** Estimated crossing instant (epoch ms, UTC), for alerts; null unless `forecast`. */
  crossingAt: number | null;
}

/** Two-sided 95 % Student t quantiles by degrees of freedom (1..30); 1.96 beyond. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

function t95(dof: number): number {
  return dof >= 1 && dof <= 30 ? T95[dof - 1]! : 1.96;
}

/** 'YYYY-MM' → months since year 0. */
export function monthIndex(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** Months since year 0 → 'YYYY-MM'. */
export function monthName(index: number): string {
  const y = Math.floor(index / 12);
  return `${String(y).padStart(4, '0')}-${String(index - y * 12 + 1).padStart(2, '0')}`;
}

/** Epoch ms of a fractional month index (UTC): the month's start plus the fraction of its length. */
function instantOf(x: number): number {
  const i = Math.floor(x);
  const start = Date.UTC(Math.floor(i / 12), i % 12, 1);
  const end = Date.UTC(Math.floor((i + 1) / 12), (i + 1) % 12, 1);
  return start + (x - i) * (end - start);
}

/**
 * Fits ln(util) = a + b·month by least squares over the usable months (a compound growth of e^b − 1 a month) and
 * solves for the threshold. A month's P95 is the point of the month it describes; the crossing month is the month in
 * which the fitted curve (through the months' midpoints) reaches the threshold.
 */
export function forecastCrossing(history: readonly MonthUtil[], opts: ForecastOptions = {}): Forecast {
  const threshold = opts.threshold ?? 0.8;
  const minMonths = opts.minMonths ?? 3;
  const minCoverage = opts.minCoverage ?? 0.5;
  const horizon = opts.horizonMonths ?? 60;
  const pts = history
    .filter((h) => h.util !== null && Number.isFinite(h.util) && h.util > 0 && h.coverage >= minCoverage)
    .map((h) => ({ x: monthIndex(h.month) + 0.5, y: Math.log(h.util as number), util: h.util as number }))
    .sort((p, q) => p.x - q.x);
  const none: Forecast = { status: 'not-enough-history', threshold, months: pts.length, growthPerMonth: null, growthRange: null, lastUtil: pts.at(-1)?.util ?? null, crossing: null, earliest: null, latest: null, crossingAt: null };
  if (pts.length < Math.max(2, minMonths)) return none;
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p.x, 0) / n;
  const my = pts.reduce((a, p) => a + p.y, 0) / n;
  const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const b = sxy / sxx;
  const a = my - b * mx;
  const sse = pts.reduce((s, p) => s + (p.y - (a + b * p.x)) ** 2, 0);
  const se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : 0;
  const half = t95(n - 2) * se;
  const lo = b - half;
  const hi = b + half;
  const last = pts[n - 1]!;
  const base: Forecast = { ...none, growthPerMonth: Math.expm1(b), growthRange: [Math.expm1(lo), Math.expm1(hi)] };
  if (last.util >= threshold) return { ...base, status: 'over' };
  if (lo <= 0) return { ...base, status: 'not-growing' };
  const target = Math.log(threshold);
  // Crossing through the fit's centroid, with the slope at its estimate and at both ends of its interval.
  const at = (slope: number) => mx + (target - my) / slope;
  // A fit that "crossed" before the last month while that month is still under the threshold crosses from it on.
  const x = Math.max(at(b), last.x);
  if (x - last.x > horizon) return { ...base, status: 'beyond-horizon' };
  const early = at(hi);
  const late = at(lo);
  return {
    ...base,
    status: 'forecast',
    crossing: monthName(Math.floor(x)),
    earliest: monthName(Math.floor(Math.max(early, last.x))),
    latest: late - last.x > horizon ? null : monthName(Math.floor(late)),
    crossingAt: instantOf(x),
  };
}
