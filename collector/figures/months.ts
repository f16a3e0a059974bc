// Month figures, pure: a member's month (P95, bytes, peak, savings so far and projected, coverage, connected share)
// from its member windows, and the IXP's (asn 0) from its members' months and its own windows, exactly as the
// dashboard's service computed a whole calendar month (partmonth.ts, impact.ts). No clock, no I/O: `now` is an input.
import { billableP95, bytesOf, localContentShare, peak, peakMethodSaved, sumPerWindow, transitSaved, type P95Figure } from './impact.ts';
import { connected, elapsedShare, memberSamples, type Membership, type Span } from './partmonth.ts';
import { IXP_ASN, type MemberSample } from './windows.ts';

/** One row of member_months (its JSON), per member (asn > 0) and for the IXP (asn 0). */
export interface MonthRow {
  month: string; asn: number; complete: boolean; computedAt: number;
  p95InMbps: number | null; p95OutMbps: number | null; p95Mbps: number | null; p95Samples: number;
  bytesIn: number; bytesOut: number; peakBps: number | null;
  transitSaved: number; netSaved: number; portFee: number;
  transitSavedProjected: number; netSavedProjected: number; portFeeProjected: number;
  coverage: number; resolution: number; connectedShare: number;
  /** The seconds coverage is measured against (a member: its connected time so far; asn 0: month start → min(now, month end)). */
  expectedSeconds: number;
  /** Highest port utilisation in the month (asn 0: of any member), 0..1; null when unknown. */
  maxUtil: number | null;
  /** asn 0 only (null for members): the peak × price method, the local content share, members with traffic. */
  peakMethodSaved: number | null; localContentShare: number | null; members: number | null;
  /** Members: each port's month (capacity forecasts, utilisation); absent for the IXP. */
  ports?: PortMonth[];
  /** The rollup sources the figures were computed from ('poll', 'mrtg', 'demo'). */
  sources?: string[];
  /** The IXP only: 5-minute windows of the month with a good poll; null when no poll was recorded. */
  pollWindows?: number | null;
}

/** One port's month in a member's row. */
export interface PortMonth {
  switch: string;
  port: string;
  speedMbps: number | null;
  /** Billable P95 of the port alone, Mbit/s. */
  p95Mbps: number | null;
  /** Highest utilisation in the month, 0..1. */
  maxUtil: number | null;
  /** Share of the whole month measured on this port. */
  coverage: number;
}

/** A calendar month: its 'YYYY-MM' label and [from, to) in the IXP's time zone. */
export interface MonthSpan extends Span { month: string }

/** What a member's month figures are computed from (the member registry's values at computation time). */
export interface MonthMember {
  asn: number;
  category: string;
  buysTransit: boolean;
  /** Its price per Mbit/s per month: its override, else the IXP's. */
  transitPricePerMbps: number;
  portFeePerMonth: number;
  membership: Membership;
}

function maxOf(samples: readonly MemberSample[]): number | null {
  let u: number | null = null;
  for (const s of samples) if (s.maxUtil !== null && s.maxUtil !== undefined && (u === null || s.maxUtil > u)) u = s.maxUtil;
  return u;
}

/**
 * What a month's figures need of a series of windows: the billable P95, bytes both ways, the peak, the seconds
 * measured (Σ res × coverage of windows with a value: coverage's numerator), the coarsest resolution (0: none)
 * and the highest utilisation (of every window given, membership aside).
 */
export interface WindowStats {
  p95: P95Figure;
  bytesIn: number;
  bytesOut: number;
  peakBps: number | null;
  coveredSeconds: number;
  maxRes: number;
  maxUtil: number | null;
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** {@link WindowStats} of the windows a member has while a member (partmonth.ts memberSamples), with impact.ts's maths. */
export function windowStats(windows: readonly MemberSample[], membership: Membership): WindowStats {
  const s = memberSamples(windows, membership);
  let covered = 0;
  let maxRes = 0;
  for (const w of s) {
    if (isNum(w.inBps) || isNum(w.outBps)) covered += w.res * (w.coverage ?? 1);
    if (w.res > maxRes) maxRes = w.res;
  }
  return { p95: billableP95(s), bytesIn: bytesOf(s, 'in'), bytesOut: bytesOf(s, 'out'), peakBps: peak(s), coveredSeconds: covered, maxRes, maxUtil: maxOf(windows) };
}

const coverageOf = (covered: number, expected: number) => (expected <= 0 ? 0 : Math.min(1, covered / expected));

/**
 * A member's month at `now` from its windows in the month (all of them: those outside its membership are dropped
 * here, as the dashboard did). The whole month is the piece (a month in progress: so far and projected).
 */
export function memberMonthRow(m: MonthMember, windows: readonly MemberSample[], month: MonthSpan, now: number): MonthRow {
  return memberMonthRowOf(m, windowStats(windows, m.membership), month, now);
}

/**
 * A member's month from the {@link WindowStats} of its windows while a member: partmonth.ts memberMonthImpact's
 * formulas (P95 × price × connected share, fee × connected share, projected to the month's end, coverage of the
 * connected time so far) for a whole calendar month; test/unit/figures/months.test.ts holds them equal.
 */
export function memberMonthRowOf(m: MonthMember, st: WindowStats, month: MonthSpan, now: number): MonthRow {
  const c = connected(month, month, m.membership, now);
  const bill = transitSaved(st.p95.mbps, m.transitPricePerMbps, m.buysTransit);
  const fee = m.buysTransit ? m.portFeePerMonth : 0;
  const saved = bill * c.share;
  const savedProj = bill * c.projectedShare;
  return {
    month: month.month, asn: m.asn, complete: now >= month.to, computedAt: now,
    p95InMbps: st.p95.inMbps, p95OutMbps: st.p95.outMbps, p95Mbps: st.p95.mbps, p95Samples: st.p95.samples,
    bytesIn: st.bytesIn, bytesOut: st.bytesOut, peakBps: st.peakBps,
    transitSaved: saved, netSaved: m.buysTransit ? saved - fee * c.share : 0, portFee: fee * c.share,
    transitSavedProjected: savedProj, netSavedProjected: m.buysTransit ? savedProj - fee * c.projectedShare : 0, portFeeProjected: fee * c.projectedShare,
    coverage: coverageOf(st.coveredSeconds, c.expectedSeconds), resolution: st.maxRes || 300, connectedShare: c.share,
    expectedSeconds: c.expectedSeconds,
    maxUtil: st.maxUtil,
    peakMethodSaved: null, localContentShare: null, members: null,
  };
}

/**
 * The IXP's month (asn 0) at `now`: ixpImpact over its members' months and its own windows (the members' windows
 * summed while members), coverage against month start → min(now, month end), the peak method pro-rated by the
 * elapsed share, and the members' projections summed. `members` counts members with a window in the month.
 */
export function ixpMonthRow(ixpPricePerMbps: number, members: readonly { category: string; row: MonthRow }[], aggregate: readonly MemberSample[] | WindowStats, month: MonthSpan, now: number): MonthRow {
  const st = Array.isArray(aggregate) ? windowStats(aggregate as MemberSample[], { start: null, end: null }) : aggregate as WindowStats;
  const expected = Math.max(0, Math.min(month.to, now) - month.from) / 1000;
  const share = elapsedShare(month, Math.min(month.to, now)) - elapsedShare(month, month.from);
  // impact.ts ixpImpact's sums, with the aggregate's P95, peak and coverage from its stats.
  let saved = 0;
  let net = 0;
  for (const m of members) { saved += m.row.transitSaved; net += m.row.netSaved; }
  const sum = (k: 'bytesOut' | 'portFee' | 'portFeeProjected' | 'transitSavedProjected' | 'netSavedProjected') => members.reduce((a, m) => a + m.row[k], 0);
  let u: number | null = null;
  for (const m of members) if (m.row.maxUtil !== null && (u === null || m.row.maxUtil > u)) u = m.row.maxUtil;
  return {
    month: month.month, asn: IXP_ASN, complete: now >= month.to, computedAt: now,
    p95InMbps: st.p95.inMbps, p95OutMbps: st.p95.outMbps, p95Mbps: st.p95.mbps, p95Samples: st.p95.samples,
    bytesIn: members.reduce((b, m) => b + m.row.bytesIn, 0), bytesOut: sum('bytesOut'), peakBps: st.peakBps,
    transitSaved: saved, netSaved: net, portFee: sum('portFee'),
    transitSavedProjected: sum('transitSavedProjected'), netSavedProjected: sum('netSavedProjected'), portFeeProjected: sum('portFeeProjected'),
    coverage: coverageOf(st.coveredSeconds, expected), resolution: st.maxRes || 300, connectedShare: elapsedShare(month, now),
    expectedSeconds: expected, maxUtil: u,
    peakMethodSaved: peakMethodSaved(st.peakBps, ixpPricePerMbps) * share,
    localContentShare: localContentShare(members.map((m) => ({ category: m.category, bytesSent: m.row.bytesIn }))),
    members: members.filter((m) => m.row.p95Samples > 0 || m.row.bytesIn > 0 || m.row.bytesOut > 0).length,
  };
}

/**
 * Every member's month and the IXP's (last) at `now`. `windowsByAsn` holds each member's windows in the month
 * (asn 0's entry, when present, is the IXP's aggregate; otherwise it is summed here from the members').
 */
export function monthRows(ixp: { transitPricePerMbps: number }, members: readonly MonthMember[], windowsByAsn: ReadonlyMap<number, readonly MemberSample[]>, month: MonthSpan, now: number): MonthRow[] {
  const rows = members.map((m) => ({ category: m.category, row: memberMonthRow(m, windowsByAsn.get(m.asn) ?? [], month, now) }));
  const aggregate = windowsByAsn.get(IXP_ASN) ?? sumPerWindow(members.map((m) => memberSamples(windowsByAsn.get(m.asn) ?? [], m.membership)));
  return [...rows.map((r) => r.row), ixpMonthRow(ixp.transitPricePerMbps, rows, aggregate, month, now)];
}
