// The impact maths against a small data set whose answers were computed by hand (arithmetic in the comments).
import { describe, expect, it } from 'vitest';
import {
  p95, billableP95, sumPerWindow, transitSaved, netSaved, monthsInPeriod, localContentShare, coverage, bytesOf,
  peak, peakMethodSaved, memberImpact, ixpImpact, defaultBuysTransit, type WindowSample,
} from '../../../collector/figures/impact.ts';

const M = 1e6;
const T0 = Date.UTC(2026, 0, 1);
/** 5-minute samples from Mbit/s values; null = missing window. */
function win(inM: (number | null)[], outM: (number | null)[]): WindowSample[] {
  return inM.map((v, i) => ({ t: T0 + i * 300_000, inBps: v === null ? null : v * M, outBps: outM[i] === null ? null : outM[i]! * M, res: 300 }));
}

describe('p95', () => {
  it('drops floor(n*5%) top samples and takes the highest left', () => {
    // 1..20: n=20, floor(20*0.05)=1 dropped (20), highest left = 19
    expect(p95(Array.from({ length: 20 }, (_, i) => i + 1))).toBe(19);
    // 1..19: n=19, floor(0.95)=0 dropped, highest = 19
    expect(p95(Array.from({ length: 19 }, (_, i) => i + 1))).toBe(19);
    // 1..40 shuffled: floor(2)=2 dropped (40, 39), answer 38
    expect(p95([40, 3, 39, 1, ...Array.from({ length: 36 }, (_, i) => i + 2).filter((x) => x !== 3), 38])).toBe(38);
    // 8640 samples (30 days): drops 432, answer = the 8208th smallest = 8208 for 1..8640
    expect(p95(Array.from({ length: 8640 }, (_, i) => i + 1))).toBe(8208);
  });
  it('ignores missing samples instead of counting zeros, null when empty', () => {
    // present: 5,1,9 → n=3, drop 0 → 9 (zeros would not change max here, so also check a shrinking set:)
    expect(p95([5, null, 1, undefined, 9])).toBe(9);
    // 20 values 1..20 plus 20 nulls: still n=20 → 19 (with zeros n=40 → drop 2 → 18)
    expect(p95([...Array.from({ length: 20 }, (_, i) => i + 1), ...Array(20).fill(null)])).toBe(19);
    expect(p95([])).toBeNull();
    expect(p95([null, Number.NaN])).toBeNull();
  });
});

describe('a small IXP, by hand', () => {
  // Member A (isp, 2 ports, IXP price 10/Mbps, fee 100/month), 20 five-minute windows.
  // Port A1 in: 1..20 Mbps; A2 in: 1 Mbps constant → summed in: 2..21 → drop top 1 (21) → P95 in = 20 Mbps.
  // A1 out: 4 everywhere except window 7 = 50; A2 out: 1 → summed out 5, window 7 = 51 → drop 51 → 5 Mbps.
  // billable = max(20, 5) = 20 Mbps; saved = 20 × 10 = 200; net (1 whole month) = 200 − 100 = 100.
  const a1 = win(Array.from({ length: 20 }, (_, i) => i + 1), Array.from({ length: 20 }, (_, i) => (i === 7 ? 50 : 4)));
  const a2 = win(Array(20).fill(1), Array(20).fill(1));
  // Member B (isp, price override 20, fee 50): 10 windows present, 10 missing. in 30, out 8 Mbps constant.
  // P95 of 10 samples: drop floor(0.5)=0 → 30 Mbps; saved = 30 × 20 = 600; net = 600 − 50 = 550. coverage = 10/20 = 0.5
  const b = win([...Array(10).fill(30), ...Array(10).fill(null)], [...Array(10).fill(8), ...Array(10).fill(null)]);
  // Member C (content, buysTransit default false): in 10 Mbps, out 2 Mbps, 20 windows. Saves 0, net 0.
  const c = win(Array(20).fill(10), Array(20).fill(2));
  const expected = 20 * 300; // 20 windows × 300 s

  const sumA = sumPerWindow([a1, a2]);
  const A = memberImpact({ category: 'isp', buysTransit: defaultBuysTransit('isp'), transitPricePerMbps: 10, portFeePerMonth: 100, samples: sumA }, expected, 1);
  const B = memberImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 20, portFeePerMonth: 50, samples: sumPerWindow([b]) }, expected, 1);
  const C = memberImpact({ category: 'content', buysTransit: defaultBuysTransit('content'), transitPricePerMbps: 10, portFeePerMonth: 70, samples: sumPerWindow([c]) }, expected, 1);

  it('a part of a month saves its share of a monthly bill, like the fee (never a whole month)', () => {
    // Member A's samples over a quarter of a month: saved = 20 Mbps × 10 × 0.25 = 50; net = 50 − 100 × 0.25 = 25.
    const q = memberImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 10, portFeePerMonth: 100, samples: sumA }, expected, 0.25, 0.25);
    expect(q.transitSaved).toBeCloseTo(50, 9);
    expect(q.netSaved).toBeCloseTo(25, 9);
    expect(q.portFee).toBeCloseTo(25, 9);
    // Two halves of a month at the same P95 add up to one month's saving (200), not two.
    const half = memberImpact({ category: 'isp', buysTransit: true, transitPricePerMbps: 10, portFeePerMonth: 100, samples: sumA }, expected, 0.5, 0.5);
    expect(half.transitSaved * 2).toBeCloseTo(A.transitSaved, 9);
  });

  it('member figures', () => {
    expect(A.p95).toEqual({ inMbps: 20, outMbps: 5, mbps: 20, samples: 20 });
    expect(A.transitSaved).toBeCloseTo(200, 9);
    expect(A.netSaved).toBeCloseTo(100, 9);
    expect(A.coverage).toBe(1);
    // bytes in A: Σ (2..21) Mbps × 300 s / 8 = 230 × 1e6 × 300 / 8 = 8.625e9 bytes
    expect(A.bytesIn).toBeCloseTo(8.625e9, 0);
    expect(B.p95).toEqual({ inMbps: 30, outMbps: 8, mbps: 30, samples: 10 });
    expect(B.transitSaved).toBeCloseTo(600, 9);
    expect(B.netSaved).toBeCloseTo(550, 9);
    expect(B.coverage).toBe(0.5);
    // bytes in B: 10 × 30e6 × 300 / 8 = 1.125e10
    expect(B.bytesIn).toBeCloseTo(1.125e10, 0);
    expect(C.transitSaved).toBe(0);
    expect(C.netSaved).toBe(0);
    expect(C.portFee).toBe(0);
    // bytes in C: 20 × 10e6 × 300 / 8 = 7.5e9
    expect(C.bytesIn).toBeCloseTo(7.5e9, 0);
  });

  it('IXP figures: sums, aggregate P95, content share, peak method', () => {
    const agg = sumPerWindow([a1, a2, b, c]);
    const ixp = ixpImpact([{ category: 'isp', impact: A }, { category: 'isp', impact: B }, { category: 'content', impact: C }], agg, 10, expected);
    // saved = 200 + 600 + 0 = 800; net = 100 + 550 + 0 = 650
    expect(ixp.transitSaved).toBeCloseTo(800, 9);
    expect(ixp.netSaved).toBeCloseTo(650, 9);
    // bytes = 8.625e9 + 1.125e10 + 7.5e9 = 2.7375e10
    expect(ixp.bytes).toBeCloseTo(2.7375e10, 0);
    // content share = 7.5e9 / 2.7375e10 = 0.273972602739726...
    expect(ixp.localContentShare).toBeCloseTo(0.273972602739726, 12);
    // aggregate in per window i (0-based): (i+2) + 30·[i<10] + 10. Values: i<10: 42..51; i≥10: 22..31.
    // sorted: 22..31, 42..51 → n=20, drop 1 (51) → P95 in = 50 Mbps.
    // aggregate out: 5 (+46 at i=7) + 8·[i<10] + 2 → i<10: 15 (i=7: 61); i≥10: 7 → drop 61 → 15 Mbps.
    expect(ixp.p95).toEqual({ inMbps: 50, outMbps: 15, mbps: 50, samples: 20 });
    // peak = max over windows of in and out = 61 Mbps (window 7 out); peak method = 61 × 10 = 610
    expect(ixp.peakBps).toBe(61e6);
    expect(ixp.peakMethodSaved).toBeCloseTo(610, 9);
    expect(ixp.coverage).toBe(1);
    expect(ixp.resolution).toBe(300);
  });
});

describe('helpers', () => {
  it('pro-rates fees by the mean month for periods that are not whole months', () => {
    // 7 days / 30.4375 = 0.2299794661190965
    expect(monthsInPeriod(0, 7 * 86_400_000)).toBeCloseTo(0.2299794661190965, 12);
    expect(monthsInPeriod(0, 31 * 86_400_000, 1)).toBe(1);
    // 200 − 100 × 0.5 = 150
    expect(netSaved(200, 100, 0.5)).toBe(150);
    expect(netSaved(200, 100, 1, false)).toBe(0);
    expect(transitSaved(null, 10)).toBe(0);
    expect(transitSaved(12.5, 8)).toBe(100);
  });
  it('local content share and coverage edge cases', () => {
    expect(localContentShare([])).toBeNull();
    expect(localContentShare([{ category: 'content', bytesSent: 3 }, { category: 'isp', bytesSent: 1 }])).toBe(0.75);
    // one 1800-s MRTG window covering 60%: 1080 s of 3600 expected = 0.3
    expect(coverage([{ t: 0, inBps: 1, outBps: 1, res: 1800, coverage: 0.6 }], 3600)).toBeCloseTo(0.3, 12);
    expect(coverage([], 0)).toBe(0);
    // 8 Mbit/s for one 300 s window = 300 MB
    expect(bytesOf([{ t: 0, inBps: 8e6, outBps: null, res: 300 }], 'in')).toBe(3e8);
    expect(bytesOf([{ t: 0, inBps: 8e6, outBps: null, res: 300 }], 'out')).toBe(0);
    expect(peak([])).toBeNull();
    expect(peakMethodSaved(null, 5)).toBe(0);
    expect(billableP95([])).toEqual({ inMbps: null, outMbps: null, mbps: null, samples: 0 });
    expect(defaultBuysTransit('route-server')).toBe(false);
    expect(defaultBuysTransit('content', true)).toBe(true);
    expect(defaultBuysTransit('nsp')).toBe(true);
  });
});
