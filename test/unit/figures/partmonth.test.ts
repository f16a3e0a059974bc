// The part-month convention against answers computed by hand (the arithmetic is in the comments): a member joining on
// the 11th and one leaving on the 20th of a 31-day month, a month in progress on day 10, like-for-like growth, and
// join/leave/launch dates as local midnights in the IXP's time zone.
import { describe, expect, it } from 'vitest';
import type { WindowSample } from '../../../collector/figures/impact.ts';
import {
  connected, elapsedShare, growth, likeForLike, memberMonthImpact, memberSamples,
} from '../../../collector/figures/partmonth.ts';
import { membershipBounds, monthRange } from '../../../dashboard/calendar.ts';

const M = 1e6;
const DAY = 86_400_000;
const OCT = monthRange('2026-10', 'UTC'); // 31 days
const NOV = monthRange('2026-11', 'UTC'); // 30 days

/** 5-minute windows from `start`, Mbit/s values. */
function wins(start: number, inM: number[], outM: number[]): WindowSample[] {
  return inM.map((v, i) => ({ t: start + i * 300_000, inBps: v * M, outBps: outM[i]! * M, res: 300 }));
}

describe('connected share', () => {
  it('joined on the 11th, left on the 20th, neither, of a 31-day month', () => {
    const a = membershipBounds({ joined: '2026-10-11' }, undefined, 'UTC');
    const b = membershipBounds({ left: '2026-10-20' }, undefined, 'UTC');
    // 11th 00:00 to the month's end: days 11..31 = 21 days → 21/31.
    expect(connected(OCT, OCT, a, NOV.to).share).toBe(21 / 31);
    // Month start to the 20th 00:00 (the leave day is no longer a member's): days 1..19 = 19 days → 19/31.
    expect(connected(OCT, OCT, b, NOV.to).share).toBe(19 / 31);
    // No dates, no launch: the whole month.
    expect(connected(OCT, OCT, { start: null, end: null }, NOV.to).share).toBe(1);
  });
  it('month in progress on day 10 (10 November 00:00): so far and projected', () => {
    const now = NOV.from + 9 * DAY;
    // 9 of 30 days elapsed: so far 9/30 = 0.3, projected 1; the member who joined in October is connected throughout.
    const c = connected(NOV, NOV, membershipBounds({ joined: '2026-10-11' }, undefined, 'UTC'), now);
    expect(c).toMatchObject({ share: 0.3, projectedShare: 1, expectedSeconds: 9 * 86400 });
    expect(elapsedShare(NOV, now)).toBe(0.3);
    // Joining on 5 November: so far 5th..9th = 5 days → 5/30; projected 5th..30th = 26 days → 26/30.
    const j = connected(NOV, NOV, membershipBounds({ joined: '2026-11-05' }, undefined, 'UTC'), now);
    expect(j.share).toBeCloseTo(5 / 30, 15);
    expect(j.projectedShare).toBeCloseTo(26 / 30, 15);
  });
  it('the launch date clips every member; dates are local midnights of the IXP time zone', () => {
    // Indian/Maldives is UTC+5: local midnight of 11 October 2026 is 10 October 19:00 UTC.
    const b = membershipBounds({ joined: '2026-10-11' }, undefined, 'Indian/Maldives');
    expect(b.start).toBe(Date.UTC(2026, 9, 10, 19));
    // Launched 26 October: a member that joined on the 11th counts from the 26th; one with no date too.
    expect(membershipBounds({ joined: '2026-10-11' }, '2026-10-26', 'UTC').start).toBe(Date.UTC(2026, 9, 26));
    expect(membershipBounds({}, '2026-10-26', 'UTC')).toEqual({ start: Date.UTC(2026, 9, 26), end: null });
    // 26..31 = 6 days → 6/31.
    expect(connected(OCT, OCT, membershipBounds({}, '2026-10-26', 'UTC'), NOV.to).share).toBe(6 / 31);
  });
});

describe('a window belongs to the member when it ends after local midnight of the join day', () => {
  it('and starts before local midnight of the leave day', () => {
    const m = membershipBounds({ joined: '2026-10-11', left: '2026-10-20' }, undefined, 'UTC');
    const j = Date.UTC(2026, 9, 11);
    const l = Date.UTC(2026, 9, 20);
    const s = [j - 300_000, j, l - 300_000, l].map((t) => ({ t, inBps: 1, outBps: 1, res: 300 }));
    // 23:55 on the 10th ends at midnight (not after): out; 00:00 on the 11th in; 23:55 on the 19th in; 00:00 on the 20th out.
    expect(memberSamples(s, m).map((w) => w.t)).toEqual([j, l - 300_000]);
    // A 2-hour MRTG window starting 23:00 on the 10th ends after midnight: it belongs.
    expect(memberSamples([{ t: j - 3_600_000, inBps: 1, outBps: 1, res: 7200 }], m)).toHaveLength(1);
  });
});

describe('member figures of October 2026 (31 days, UTC)', () => {
  const now = NOV.from + 40 * DAY; // long after
  // A: joined 11 October, price 10, fee 62. 20 windows from the 11th with in 1..20, out 2, plus one window at 23:55 on
  // the 10th at 1000 Mbit/s (not its: it ends at midnight).
  const aSamples = [...wins(Date.UTC(2026, 9, 10, 23, 55), [1000], [1000]), ...wins(Date.UTC(2026, 9, 11), Array.from({ length: 20 }, (_, i) => i + 1), Array(20).fill(2))];
  const A = memberMonthImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 10, portFeePerMonth: 62, samples: aSamples, membership: membershipBounds({ joined: '2026-10-11' }, undefined, 'UTC') }, OCT, OCT, now);
  // B: left 20 October, price 20, fee 93. 40 windows ending 19th 23:55, in 5, out 1..40; one at the 20th 00:00 at 500 (not its).
  const bStart = Date.UTC(2026, 9, 20) - 40 * 300_000;
  const bSamples = [...wins(bStart, Array(40).fill(5), Array.from({ length: 40 }, (_, i) => i + 1)), ...wins(Date.UTC(2026, 9, 20), [500], [500])];
  const B = memberMonthImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 20, portFeePerMonth: 93, samples: bSamples, membership: membershipBounds({ left: '2026-10-20' }, undefined, 'UTC') }, OCT, OCT, now);

  it('joined on the 11th: P95 over connected samples, saving and fee × 21/31', () => {
    // in 1..20: n = 20, drop floor(1) = 1 → 19; out 2 → billable 19. Bill 19 × 10 = 190; × 21/31 = 3990/31.
    // Fee 62 × 21/31 = 42; net 3990/31 − 42 = (3990 − 1302)/31 = 2688/31.
    expect(A.p95).toEqual({ inMbps: 19, outMbps: 2, mbps: 19, samples: 20 });
    expect(A.connectedShare).toBe(21 / 31);
    expect(A.transitSaved).toBeCloseTo(3990 / 31, 10);
    expect(A.portFee).toBeCloseTo(42, 10);
    expect(A.netSaved).toBeCloseTo(2688 / 31, 10);
    // Over: projected = so far.
    expect(A.transitSavedProjected).toBeCloseTo(A.transitSaved, 10);
    // Coverage: 20 × 300 s of 21 days = 6000 / 1,814,400.
    expect(A.coverage).toBeCloseTo(6000 / 1_814_400, 15);
    // Bytes: (1 + … + 20) × 1e6 × 300 / 8 = 210 × 37.5e6 = 7.875e9.
    expect(A.bytesIn).toBeCloseTo(7.875e9, 0);
  });
  it('left on the 20th: P95 over connected samples, saving and fee × 19/31', () => {
    // out 1..40: n = 40, drop 2 → 38; in 5 → billable 38. Bill 38 × 20 = 760; × 19/31 = 14440/31.
    // Fee 93 × 19/31 = 57; net 14440/31 − 57 = (14440 − 1767)/31 = 12673/31.
    expect(B.p95).toEqual({ inMbps: 5, outMbps: 38, mbps: 38, samples: 40 });
    expect(B.connectedShare).toBe(19 / 31);
    expect(B.transitSaved).toBeCloseTo(14440 / 31, 10);
    expect(B.portFee).toBeCloseTo(57, 10);
    expect(B.netSaved).toBeCloseTo(12673 / 31, 10);
  });
  it('the IXP total is the sum', () => {
    // 3990/31 + 14440/31 = 18430/31 ≈ 594.52; fees 42 + 57 = 99; net 18430/31 − 99 = 15361/31 ≈ 495.52.
    expect(A.transitSaved + B.transitSaved).toBeCloseTo(18430 / 31, 10);
    expect(A.netSaved + B.netSaved).toBeCloseTo(15361 / 31, 10);
  });
  it('a member that buys no transit saves nothing and its fee is not counted', () => {
    const c = memberMonthImpact({ category: 'content', buysTransit: false, transitPricePerMbps: 10, portFeePerMonth: 50, samples: aSamples, membership: { start: null, end: null } }, OCT, OCT, now);
    expect([c.transitSaved, c.netSaved, c.portFee, c.transitSavedProjected, c.netSavedProjected]).toEqual([0, 0, 0, 0, 0]);
    expect(c.connectedShare).toBe(1);
  });
});

describe('a month in progress on day 10', () => {
  it('so far and projected', () => {
    const now = NOV.from + 9 * DAY; // 10 November 00:00
    // 30 windows on 1 November, in 1..30, out 1 → n = 30, drop 1 → 29. Price 10, fee 60.
    const s = wins(NOV.from, Array.from({ length: 30 }, (_, i) => i + 1), Array(30).fill(1));
    const f = memberMonthImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 10, portFeePerMonth: 60, samples: s, membership: { start: null, end: null } }, NOV, NOV, now);
    // Bill 29 × 10 = 290. So far × 9/30 = 87; fee 60 × 0.3 = 18; net 69. Projected: 290, fee 60, net 230.
    expect(f.connectedShare).toBeCloseTo(0.3, 15);
    expect(f.transitSaved).toBeCloseTo(87, 10);
    expect(f.netSaved).toBeCloseTo(69, 10);
    expect(f.transitSavedProjected).toBeCloseTo(290, 10);
    expect(f.netSavedProjected).toBeCloseTo(230, 10);
    // Coverage against 9 days so far: 30 × 300 / 777,600.
    expect(f.coverage).toBeCloseTo(9000 / 777_600, 15);
  });
});

describe('growth, like for like', () => {
  it('the same elapsed span of the earlier month while this one is in progress', () => {
    // 10 November 12:00: 9.5 days elapsed → 1 October 00:00 to 10 October 12:00.
    const now = NOV.from + 9.5 * DAY;
    expect(likeForLike(NOV, OCT, now)).toEqual({ from: OCT.from, to: OCT.from + 9.5 * DAY });
    // Over: the earlier month whole. 31 March against February: clipped to February's end.
    expect(likeForLike(NOV, OCT, NOV.to)).toEqual(OCT);
    const mar = monthRange('2027-03', 'UTC');
    const feb = monthRange('2027-02', 'UTC');
    expect(likeForLike(mar, feb, mar.from + 30.5 * DAY)).toEqual(feb);
  });
  it('a number when both sides have at least 50 % coverage', () => {
    // 150 / 100 − 1 = 0.5; exactly 50 % is comparable.
    expect(growth({ label: '2026-11', bytes: 150, coverage: 0.9 }, { label: '2026-10', bytes: 100, coverage: 0.5 })).toEqual({ change: 0.5 });
  });
  it('null with the side under 50 % named, earlier side first', () => {
    // October holding 5 of 31 days: 5/31 ≈ 16 %.
    expect(growth({ label: '2026-11', bytes: 800, coverage: 1 }, { label: '2026-10', bytes: 100, coverage: 5 / 31 }))
      .toEqual({ change: null, notComparable: { label: '2026-10', coverage: 5 / 31 } });
    expect(growth({ label: '2026-11', bytes: 800, coverage: 0.2 }, { label: '2026-10', bytes: 100, coverage: 0.3 }).notComparable).toEqual({ label: '2026-10', coverage: 0.3 });
    expect(growth({ label: '2026-11', bytes: 800, coverage: 0.49 }, { label: '2026-10', bytes: 100, coverage: 1 }).notComparable).toEqual({ label: '2026-11', coverage: 0.49 });
    expect(growth({ label: '2026-11', bytes: 800, coverage: 1 }, { label: '2026-10', bytes: 0, coverage: 1 })).toEqual({ change: null, notComparable: 'no-traffic' });
  });
});
