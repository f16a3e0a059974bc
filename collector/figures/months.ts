// Month figures, pure: a member's month (P95, bytes, peak, savings so far and projected, coverage, connected share)
// from its member windows, and the IXP's (asn 0) from its members' months and its own windows, exactly as the
// dashboard's service computed a whole calendar month (partmonth.ts, impact.ts). No clock, no I/O: `now` is an input.
import { ixpImpact, sumPerWindow, type MemberImpact } from './impact.ts';
import { connected, elapsedShare, memberMonthImpact, memberSamples, type Membership, type Span } from './partmonth.ts';
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
 * A member's month at `now` from its windows in the month (all of them: those outside its membership are dropped
 * here, as the dashboard did). The whole month is the piece (a month in progress: so far and projected).
 */
export function memberMonthRow(m: MonthMember, windows: readonly MemberSample[], month: MonthSpan, now: number): MonthRow {
  const samples = memberSamples(windows, m.membership);
  const f = memberMonthImpact({ category: m.category, buysTransit: m.buysTransit, transitPricePerMbps: m.transitPricePerMbps, portFeePerMonth: m.portFeePerMonth, samples, membership: m.membership }, month, month, now);
  return {
    month: month.month, asn: m.asn, complete: now >= month.to, computedAt: now,
    p95InMbps: f.p95.inMbps, p95OutMbps: f.p95.outMbps, p95Mbps: f.p95.mbps, p95Samples: f.p95.samples,
    bytesIn: f.bytesIn, bytesOut: f.bytesOut, peakBps: f.peakBps,
    transitSaved: f.transitSaved, netSaved: f.netSaved, portFee: f.portFee,
    transitSavedProjected: f.transitSavedProjected, netSavedProjected: f.netSavedProjected, portFeeProjected: f.portFeeProjected,
    coverage: f.coverage, resolution: f.resolution, connectedShare: f.connectedShare,
    expectedSeconds: connected(month, month, m.membership, now).expectedSeconds,
    maxUtil: maxOf(windows),
    peakMethodSaved: null, localContentShare: null, members: null,
  };
}

/** A stored member month as the impact maths read it (the fields ixpImpact sums). */
function asImpact(r: MonthRow): MemberImpact {
  return {
    p95: { inMbps: r.p95InMbps, outMbps: r.p95OutMbps, mbps: r.p95Mbps, samples: r.p95Samples },
    bytesIn: r.bytesIn, bytesOut: r.bytesOut, peakBps: r.peakBps, transitSaved: r.transitSaved, netSaved: r.netSaved,
    portFee: r.portFee, coverage: r.coverage, resolution: r.resolution,
  };
}

/**
 * The IXP's month (asn 0) at `now`: ixpImpact over its members' months and its own windows (the members' windows
 * summed while members), coverage against month start → min(now, month end), the peak method pro-rated by the
 * elapsed share, and the members' projections summed. `members` counts members with a window in the month.
 */
export function ixpMonthRow(ixpPricePerMbps: number, members: readonly { category: string; row: MonthRow }[], aggregate: readonly MemberSample[], month: MonthSpan, now: number): MonthRow {
  const expected = Math.max(0, Math.min(month.to, now) - month.from) / 1000;
  const share = elapsedShare(month, Math.min(month.to, now)) - elapsedShare(month, month.from);
  const x = ixpImpact(members.map((m) => ({ category: m.category, impact: asImpact(m.row) })), aggregate, ixpPricePerMbps, expected, share);
  const sum = (k: 'bytesOut' | 'portFee' | 'portFeeProjected' | 'transitSavedProjected' | 'netSavedProjected') => members.reduce((a, m) => a + m.row[k], 0);
  const p = x.p95;
  let u: number | null = null;
  for (const m of members) if (m.row.maxUtil !== null && (u === null || m.row.maxUtil > u)) u = m.row.maxUtil;
  return {
    month: month.month, asn: IXP_ASN, complete: now >= month.to, computedAt: now,
    p95InMbps: p.inMbps, p95OutMbps: p.outMbps, p95Mbps: p.mbps, p95Samples: p.samples,
    bytesIn: x.bytes, bytesOut: sum('bytesOut'), peakBps: x.peakBps,
    transitSaved: x.transitSaved, netSaved: x.netSaved, portFee: sum('portFee'),
    transitSavedProjected: sum('transitSavedProjected'), netSavedProjected: sum('netSavedProjected'), portFeeProjected: sum('portFeeProjected'),
    coverage: x.coverage, resolution: x.resolution, connectedShare: elapsedShare(month, now),
    expectedSeconds: expected, maxUtil: u,
    peakMethodSaved: x.peakMethodSaved, localContentShare: x.localContentShare,
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
