// The impact maths: 95th percentile as transit is billed, transit saved (gross and net of port fees),
// local content share, bytes exchanged locally and coverage. Pure functions: no clock, no I/O, no logging.
// Direction convention: "in" = the switch port's ifIn = bytes the MEMBER SENT into the IXP; "out" = sent to it.

/** One window sample (normally a 5-minute average) of a port or of a member's ports summed. bits/s. */
export interface WindowSample {
  /** Window start, epoch ms. */
  t: number;
  /** Average bits/s the switch received from the member over the window (null: not measured). */
  inBps: number | null;
  /** Average bits/s the switch sent to the member over the window. */
  outBps: number | null;
  /** Window length in seconds (300 for 5-minute rollups; 1800/7200/86400 for imported MRTG history). */
  res: number;
  /** Share of the window covered by real rates, 0..1 (default 1). */
  coverage?: number;
}

/** A billable 95th percentile: both directions and the higher one, in Mbit/s; null when no sample. */
export interface P95Figure {
  inMbps: number | null;
  outMbps: number | null;
  /** max(inMbps, outMbps): what transit is billed on. */
  mbps: number | null;
  /** Samples used (present ones only). */
  samples: number;
}

/**
 * The 95th percentile as transit is billed: sort the samples, drop the top 5% (floor(n × 0.05) of them), take the
 * highest one left. null/NaN entries are missing samples and are ignored (never counted as zeros).
 * 8,640 samples (30 days of 5-minute averages) → drops 432, returns the 8,208th smallest.
 * @returns the percentile in the samples' unit, or null when no sample is present.
 */
export function p95(samples: readonly (number | null | undefined)[]): number | null {
  const xs: number[] = [];
  for (const s of samples) if (typeof s === 'number' && Number.isFinite(s)) xs.push(s);
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  const drop = Math.floor(xs.length * 0.05);
  return xs[xs.length - 1 - drop]!;
}

/**
 * Billable P95 of a series of window samples: inbound and outbound separately, billable = the higher.
 * Input in bits/s, output in Mbit/s (÷ 1e6). `samples` counts windows where either direction is present.
 */
export function billableP95(samples: readonly WindowSample[]): P95Figure {
  const pin = p95(samples.map((s) => s.inBps));
  const pout = p95(samples.map((s) => s.outBps));
  const inMbps = pin === null ? null : pin / 1e6;
  const outMbps = pout === null ? null : pout / 1e6;
  const mbps = inMbps === null ? outMbps : outMbps === null ? inMbps : Math.max(inMbps, outMbps);
  const n = samples.filter((s) => isNum(s.inBps) || isNum(s.outBps)).length;
  return { inMbps, outMbps, mbps, samples: n };
}

/**
 * Sum several ports' window samples per window start (a member's ports summed per sample). A window where only some
 * ports have data sums the ports present (a missing port is not a zero; coverage reports the loss). The result is
 * sorted by t; `res` is the coarsest of the inputs at that t; coverage the mean over the ports present.
 */
export function sumPerWindow(series: readonly (readonly WindowSample[])[]): WindowSample[] {
  const byT = new Map<number, { in: number | null; out: number | null; res: number; cov: number; n: number }>();
  for (const ser of series) {
    for (const s of ser) {
      let acc = byT.get(s.t);
      if (!acc) { acc = { in: null, out: null, res: s.res, cov: 0, n: 0 }; byT.set(s.t, acc); }
      if (isNum(s.inBps)) acc.in = (acc.in ?? 0) + s.inBps;
      if (isNum(s.outBps)) acc.out = (acc.out ?? 0) + s.outBps;
      acc.res = Math.max(acc.res, s.res);
      acc.cov += s.coverage ?? 1;
      acc.n += 1;
    }
  }
  return [...byT.entries()].sort((a, b) => a[0] - b[0])
    .map(([t, a]) => ({ t, inBps: a.in, outBps: a.out, res: a.res, coverage: a.cov / a.n }));
}

/**
 * Transit saved in money for one billing period: billable P95 (Mbit/s) × price per Mbit/s per month.
 * A member that does not buy transit saves nothing (its traffic already counts on the ISPs' ports it serves).
 * @returns 0 when p95Mbps is null or the member does not buy transit.
 */
export function transitSaved(p95Mbps: number | null, pricePerMbps: number, buysTransit = true): number {
  if (!buysTransit || p95Mbps === null) return 0;
  return p95Mbps * pricePerMbps;
}

/** The mean length of a month in days (365.25 / 12), used to pro-rate monthly fees over other periods. */
export const MEAN_MONTH_DAYS = 30.4375;

/**
 * The share of a monthly fee a period costs. A whole calendar month (wholeMonths ≥ 1 given by the caller, who knows the
 * time zone) costs exactly that many fees; any other period costs its length in days / 30.4375.
 */
export function monthsInPeriod(from: number, to: number, wholeMonths?: number): number {
  if (wholeMonths !== undefined) return wholeMonths;
  return Math.max(0, to - from) / 86_400_000 / MEAN_MONTH_DAYS;
}

/**
 * Net saving: gross saving minus the member's IXP port fee for the period (fee per month × months). Members that
 * do not buy transit save nothing and their fee is not subtracted (it is not a transit cost avoided): returns 0.
 */
export function netSaved(gross: number, portFeePerMonth: number, months: number, buysTransit = true): number {
  if (!buysTransit) return 0;
  return gross - portFeePerMonth * months;
}

/** Per-member byte counts for local content share: bytesSent = what the switch received from the member. */
export interface MemberBytes {
  category: string;
  bytesSent: number;
}

/**
 * Local content share: bytes sent into the IXP by members whose category is `content`, divided by the bytes sent
 * into the IXP by all members (both measured as ifIn of the switch ports). null when no byte was sent.
 */
export function localContentShare(members: readonly MemberBytes[]): number | null {
  let all = 0;
  let content = 0;
  for (const m of members) {
    all += m.bytesSent;
    if (m.category === 'content') content += m.bytesSent;
  }
  return all > 0 ? content / all : null;
}

/**
 * Coverage: measured time / expected time, 0..1. Each sample contributes res × its own coverage seconds;
 * expected is the period length (up to now) in seconds. 0 when nothing was expected.
 */
export function coverage(samples: readonly WindowSample[], expectedSeconds: number): number {
  if (expectedSeconds <= 0) return 0;
  return Math.min(1, coveredSeconds(samples) / expectedSeconds);
}

/** Seconds measured: Σ res × coverage over the samples with data in either direction. */
export function coveredSeconds(samples: readonly WindowSample[]): number {
  let have = 0;
  for (const s of samples) if (isNum(s.inBps) || isNum(s.outBps)) have += s.res * (s.coverage ?? 1);
  return have;
}

/**
 * Bytes carried by a series in one direction: Σ avg bits/s × covered seconds / 8. Missing windows add nothing.
 * `dir` 'in' = bytes the switch received (what members sent: the bytes exchanged locally).
 */
export function bytesOf(samples: readonly WindowSample[], dir: 'in' | 'out'): number {
  let b = 0;
  for (const s of samples) {
    const v = dir === 'in' ? s.inBps : s.outBps;
    if (isNum(v)) b += (v * s.res * (s.coverage ?? 1)) / 8;
  }
  return b;
}

/** Highest window average of a series, max of in and out, bits/s; null when empty. */
export function peak(samples: readonly WindowSample[]): number | null {
  let p: number | null = null;
  for (const s of samples) {
    for (const v of [s.inBps, s.outBps]) if (isNum(v) && (p === null || v > p)) p = v;
  }
  return p;
}

/** The older, cruder method, for comparability with earlier studies: peak aggregate Mbit/s × transit price. */
export function peakMethodSaved(peakBps: number | null, pricePerMbps: number): number {
  return peakBps === null ? 0 : (peakBps / 1e6) * pricePerMbps;
}

/** The coarsest sample resolution (seconds) of a series; 300 when empty. */
export function resolutionOf(samples: readonly WindowSample[]): number {
  let r = 0;
  for (const s of samples) if (s.res > r) r = s.res;
  return r || 300;
}

/** One member's inputs to {@link memberImpact}. */
export interface MemberImpactInput {
  category: string;
  buysTransit: boolean;
  /** This member's transit price per Mbit/s per month (its override, else the IXP's). */
  transitPricePerMbps: number;
  portFeePerMonth: number;
  /** The member's ports summed per window ({@link sumPerWindow}). */
  samples: readonly WindowSample[];
}

/** A member's figures for one period. */
export interface MemberImpact {
  p95: P95Figure;
  bytesIn: number;
  bytesOut: number;
  peakBps: number | null;
  transitSaved: number;
  netSaved: number;
  /** The port fee counted for the period (0 when the member does not buy transit). */
  portFee: number;
  coverage: number;
  resolution: number;
}

/**
 * A member's figures over a period: P95 of its summed ports, gross saving at its price, net of its pro-rated fee.
 * Transit is billed per month at the month's P95: a whole month (or a member present for part of a month, whose
 * traffic still sets that month's P95) saves one bill; a period that is only part of a month (a day, a week, the
 * pieces of a 30-day window across two months) saves its share of one, `billShare` = days / 30.4375, so that the
 * pieces of a period never add up to more months than it spans.
 * @param expectedSeconds the period's length (up to now) in seconds, for coverage.
 * @param months the number of monthly fees the period costs ({@link monthsInPeriod}).
 * @param billShare the share of a monthly transit bill the period stands for (default 1: a whole month).
 */
export function memberImpact(m: MemberImpactInput, expectedSeconds: number, months: number, billShare = 1): MemberImpact {
  const p = billableP95(m.samples);
  const gross = transitSaved(p.mbps, m.transitPricePerMbps, m.buysTransit) * billShare;
  return {
    p95: p,
    bytesIn: bytesOf(m.samples, 'in'),
    bytesOut: bytesOf(m.samples, 'out'),
    peakBps: peak(m.samples),
    transitSaved: gross,
    netSaved: netSaved(gross, m.portFeePerMonth, months, m.buysTransit),
    portFee: m.buysTransit ? m.portFeePerMonth * months : 0,
    coverage: coverage(m.samples, expectedSeconds),
    resolution: resolutionOf(m.samples),
  };
}

/** The IXP's figures: sums over members plus the aggregate's own P95, peak and content share. */
export interface IxpImpact {
  /** Bytes exchanged locally (Σ bytes the switch received on member ports). */
  bytes: number;
  p95: P95Figure;
  peakBps: number | null;
  transitSaved: number;
  netSaved: number;
  peakMethodSaved: number;
  localContentShare: number | null;
  coverage: number;
  resolution: number;
}

/**
 * The IXP's figures over a period from its members' figures and the aggregate series (all member ports summed per
 * window). Savings are the sum over members (those that do not buy transit contribute 0).
 */
export function ixpImpact(
  members: readonly { category: string; impact: MemberImpact }[],
  aggregate: readonly WindowSample[],
  ixpPricePerMbps: number,
  expectedSeconds: number,
  /** The period's share of a monthly bill (see {@link memberImpact}); default 1. */
  billShare = 1,
): IxpImpact {
  const pk = peak(aggregate);
  let saved = 0;
  let net = 0;
  for (const m of members) { saved += m.impact.transitSaved; net += m.impact.netSaved; }
  return {
    bytes: members.reduce((b, m) => b + m.impact.bytesIn, 0),
    p95: billableP95(aggregate),
    peakBps: pk,
    transitSaved: saved,
    netSaved: net,
    peakMethodSaved: peakMethodSaved(pk, ixpPricePerMbps) * billShare,
    localContentShare: localContentShare(members.map((m) => ({ category: m.category, bytesSent: m.impact.bytesIn }))),
    coverage: coverage(aggregate, expectedSeconds),
    resolution: resolutionOf(aggregate),
  };
}

/** Whether a member buys transit: its explicit setting, else false for content and route-server, true otherwise. */
export function defaultBuysTransit(category: string, explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  return !(category === 'content' || category === 'route-server');
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
