// Part-month figures: which part of a calendar month a member was connected, its samples while it was a member,
// its saving and port fee pro-rated by that share, "so far" and "projected" for a month in progress, and growth
// that compares like with like. Pure: every instant (month bounds, join/leave/launch midnights, now) is an input.
// Convert YYYY-MM-DD dates to instants with membershipBounds() (calendar.ts does the time-zone work).
import { billableP95, bytesOf, coverage, peak, resolutionOf, transitSaved, type MemberImpact, type WindowSample } from './impact.ts';

/** Half-open interval of epoch ms. */
export interface Span { from: number; to: number }

/**
 * When a member belongs to the IXP: from local midnight of its join day (or of the IXP's launch day, whichever is
 * later) to local midnight of its leave day (the leave day itself is no longer a member's). null: unbounded.
 */
export interface Membership { start: number | null; end: number | null }

/** How much of a month (or of a piece of one) a member was connected. Shares are of the whole calendar month. */
export interface Connected {
  /** Connected share of the month up to now: connected ms in [piece.from, min(piece.to, now)) / month length. */
  share: number;
  /** Connected share if the month runs to its end (or the piece to its end): connected ms in the piece / month length. */
  projectedShare: number;
  /** Connected seconds so far, inside the piece: the time coverage is measured against. */
  expectedSeconds: number;
  /** The connected part of the piece so far (from = to when none). */
  span: Span;
}

const overlap = (a: Span, b: Span): number => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));

/**
 * The connected share of a member in `piece` (a part of calendar month `month`, normally the whole month), at `now`.
 * A member with no join date on an IXP with no launch date is connected from the month's start; missing data does
 * not enter here (it lowers coverage, never the connected share).
 */
export function connected(month: Span, piece: Span, m: Membership, now: number): Connected {
  const len = month.to - month.from;
  const member: Span = { from: m.start ?? -Infinity, to: m.end ?? Infinity };
  const p: Span = { from: Math.max(piece.from, month.from), to: Math.min(piece.to, month.to) };
  const soFar: Span = { from: p.from, to: Math.min(p.to, now) };
  const ms = overlap(soFar, member);
  const from = Math.max(soFar.from, member.from);
  return {
    share: len > 0 ? ms / len : 0,
    projectedShare: len > 0 ? overlap(p, member) / len : 0,
    expectedSeconds: ms / 1000,
    span: ms > 0 ? { from, to: from + ms } : { from: p.from, to: p.from },
  };
}

/** The windows that belong to a member: those ending after its start and starting before its end. */
export function memberSamples(samples: readonly WindowSample[], m: Membership): WindowSample[] {
  const s = m.start ?? -Infinity;
  const e = m.end ?? Infinity;
  return samples.filter((w) => w.t + w.res * 1000 > s && w.t < e);
}

/** Share of a period elapsed at `now`, 0..1 (1 when it is over). */
export function elapsedShare(period: Span, now: number): number {
  const len = period.to - period.from;
  if (len <= 0) return 1;
  return Math.min(1, Math.max(0, (now - period.from) / len));
}

/** One member's inputs to {@link memberMonthImpact}. */
export interface MemberMonthInput {
  category: string;
  buysTransit: boolean;
  transitPricePerMbps: number;
  portFeePerMonth: number;
  /** The member's ports summed per window (already limited to the piece of the month). */
  samples: readonly WindowSample[];
  membership: Membership;
}

/** A member's figures for a month or a piece of one, with the connected share and the month-in-progress projection. */
export interface MemberMonthImpact extends MemberImpact {
  /** Connected share of the month so far (0..1), see {@link connected}. */
  connectedShare: number;
  /** The whole month's bill if traffic goes on: P95 so far × price × projected connected share. Equal to transitSaved once the month is over. */
  transitSavedProjected: number;
  /** transitSavedProjected minus the projected fee (portFee × projected connected share). */
  netSavedProjected: number;
  /** Port fee for the projected share. */
  portFeeProjected: number;
}

/**
 * A member's figures for `piece` of calendar month `month` at `now`:
 * - P95 over the windows it was a member ({@link memberSamples});
 * - saved = P95 × price × connected/monthLength; fee = portFee × connected/monthLength; net = saved − fee;
 * - projected: the same with the connected share to the end of the piece (the whole month when the piece is it);
 * - coverage against the connected time so far. A member that buys no transit saves nothing and pays no counted fee.
 */
export function memberMonthImpact(m: MemberMonthInput, month: Span, piece: Span, now: number): MemberMonthImpact {
  const samples = memberSamples(m.samples, m.membership);
  const c = connected(month, piece, m.membership, now);
  const p = billableP95(samples);
  const bill = transitSaved(p.mbps, m.transitPricePerMbps, m.buysTransit);
  const fee = m.buysTransit ? m.portFeePerMonth : 0;
  const saved = bill * c.share;
  const savedProj = bill * c.projectedShare;
  return {
    p95: p,
    bytesIn: bytesOf(samples, 'in'),
    bytesOut: bytesOf(samples, 'out'),
    peakBps: peak(samples),
    transitSaved: saved,
    netSaved: m.buysTransit ? saved - fee * c.share : 0,
    portFee: fee * c.share,
    coverage: coverage(samples, c.expectedSeconds),
    resolution: resolutionOf(samples),
    connectedShare: c.share,
    transitSavedProjected: savedProj,
    netSavedProjected: m.buysTransit ? savedProj - fee * c.projectedShare : 0,
    portFeeProjected: fee * c.projectedShare,
  };
}

/** Coverage under which a month cannot be compared with another. */
export const COMPARABLE_COVERAGE = 0.5;

/** One side of a growth comparison: bytes over a span and the coverage of that span. */
export interface GrowthSide { label: string; bytes: number; coverage: number }

/** A growth figure: the change, or null with the reason it is not comparable. */
export interface Growth {
  change: number | null;
  /** Why change is null: `{label, coverage}` of the side under 50 % coverage, or 'no-traffic' when the earlier side carried nothing. */
  notComparable?: { label: string; coverage: number } | 'no-traffic';
}

/**
 * Growth of `cur` over `prev`, like with like (the caller passes the same elapsed span of both): null when either
 * side's coverage is under 50 % (the first such side is named, the earlier one first) or the earlier side has no bytes.
 */
export function growth(cur: GrowthSide, prev: GrowthSide): Growth {
  if (prev.coverage < COMPARABLE_COVERAGE) return { change: null, notComparable: { label: prev.label, coverage: prev.coverage } };
  if (cur.coverage < COMPARABLE_COVERAGE) return { change: null, notComparable: { label: cur.label, coverage: cur.coverage } };
  if (!(prev.bytes > 0)) return { change: null, notComparable: 'no-traffic' };
  return { change: cur.bytes / prev.bytes - 1 };
}

/**
 * The span of an earlier period to compare a period in progress with: the same elapsed time from its start
 * (clipped to its end). For a period that is over, the earlier period whole.
 */
export function likeForLike(cur: Span, earlier: Span, now: number): Span {
  if (now >= cur.to) return earlier;
  const elapsed = Math.max(0, now - cur.from);
  return { from: earlier.from, to: Math.min(earlier.to, earlier.from + elapsed) };
}
