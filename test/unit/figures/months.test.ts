// Month figures (collector/figures/months.ts), hand-computed: P95 and savings of a whole month, a member joining
// mid-month, a month in progress (so far and projected), and the IXP's row from its members.
import { describe, expect, it } from 'vitest';
import { monthRows, memberMonthRow, type MonthMember, type MonthSpan } from '../../../collector/figures/months.ts';
import type { MemberSample } from '../../../collector/figures/windows.ts';

const APR: MonthSpan = { month: '2026-04', from: Date.UTC(2026, 3, 1), to: Date.UTC(2026, 4, 1) }; // 30 days, UTC
const DAY = 86_400_000;
const M5 = 300_000;

/** 20 windows from `start`: in = 1..20 Mbit/s, out = half of it. */
function twenty(start: number, scale = 1): MemberSample[] {
  return Array.from({ length: 20 }, (_, i) => ({ t: start + i * M5, res: 300, inBps: (i + 1) * 1e6 * scale, outBps: (i + 1) * 0.5e6 * scale, coverage: 1, maxUtil: i === 3 ? 0.42 : 0.1 }));
}
const member = (asn: number, extra: Partial<MonthMember> = {}): MonthMember =>
  ({ asn, category: 'isp', buysTransit: true, transitPricePerMbps: 2, portFeePerMonth: 10, membership: { start: null, end: null }, ...extra });

describe('memberMonthRow', () => {
  it('a whole month: P95 drops the top 5 % (1 of 20), saving = P95 × price, net of the fee, bytes and coverage', () => {
    const r = memberMonthRow(member(65001), twenty(APR.from), APR, APR.to);
    expect(r).toMatchObject({ month: '2026-04', asn: 65001, complete: true, computedAt: APR.to, p95InMbps: 19, p95OutMbps: 9.5, p95Mbps: 19, p95Samples: 20, peakBps: 20e6, maxUtil: 0.42, connectedShare: 1, resolution: 300 });
    expect(r.transitSaved).toBeCloseTo(38, 9);
    expect(r.netSaved).toBeCloseTo(28, 9);
    expect(r.portFee).toBeCloseTo(10, 9);
    expect(r.bytesIn).toBeCloseTo((210e6 * 300) / 8, 0);
    expect(r.bytesOut).toBeCloseTo((105e6 * 300) / 8, 0);
    expect(r.coverage).toBeCloseTo((20 * 300) / (30 * 86400), 12);
    expect(r.expectedSeconds).toBe(30 * 86400);
    expect(r.transitSavedProjected).toBeCloseTo(38, 9);
    expect([r.peakMethodSaved, r.localContentShare, r.members]).toEqual([null, null, null]);
  });

  it('a member joining on the 16th: windows before it drop out, saving and fee × 15/30, coverage of its connected time', () => {
    const join = APR.from + 15 * DAY;
    const early = twenty(APR.from, 100); // before joining: not its traffic
    const r = memberMonthRow(member(65002, { membership: { start: join, end: null } }), [...early, ...twenty(join)], APR, APR.to);
    expect(r.p95Mbps).toBe(19);
    expect(r.connectedShare).toBeCloseTo(0.5, 12);
    expect(r.transitSaved).toBeCloseTo(19, 9);
    expect(r.netSaved).toBeCloseTo(19 - 5, 9);
    expect(r.expectedSeconds).toBe(15 * 86400);
    expect(r.coverage).toBeCloseTo(6000 / (15 * 86400), 12);
    expect(r.maxUtil).toBe(0.42); // the month's highest utilisation of its ports, its windows before joining included
  });

  it('a month in progress: so far × 10/30, projected over the whole month', () => {
    const now = APR.from + 10 * DAY;
    const r = memberMonthRow(member(65001), twenty(APR.from), APR, now);
    expect(r.complete).toBe(false);
    expect(r.transitSaved).toBeCloseTo(38 / 3, 9);
    expect(r.portFee).toBeCloseTo(10 / 3, 9);
    expect(r.transitSavedProjected).toBeCloseTo(38, 9);
    expect(r.netSavedProjected).toBeCloseTo(28, 9);
    expect(r.portFeeProjected).toBeCloseTo(10, 9);
    expect(r.expectedSeconds).toBe(10 * 86400);
  });

  it('a member that buys no transit saves nothing and pays no counted fee', () => {
    const r = memberMonthRow(member(65003, { category: 'content', buysTransit: false }), twenty(APR.from), APR, APR.to);
    expect([r.transitSaved, r.netSaved, r.portFee, r.p95Mbps]).toEqual([0, 0, 0, 19]);
  });
});

describe('monthRows (the IXP, asn 0)', () => {
  it('sums the members\' savings and bytes, P95 and peak of the aggregate, content share, peak method × elapsed share', () => {
    const now = APR.from + 15 * DAY;
    const w = new Map<number, MemberSample[]>([[65001, twenty(APR.from)], [65003, twenty(APR.from, 3)]]);
    const rows = monthRows({ transitPricePerMbps: 1 }, [member(65001), member(65003, { category: 'content', buysTransit: false }), member(65009)], w, APR, now);
    expect(rows.map((r) => r.asn)).toEqual([65001, 65003, 65009, 0]);
    const ixp = rows[3]!;
    // Aggregate in = 4 × (1..20) Mbit/s → P95 76, peak 80 Mbit/s; out = 2 × (1..20) → P95 38.
    expect(ixp).toMatchObject({ p95InMbps: 76, p95OutMbps: 38, p95Mbps: 76, p95Samples: 20, peakBps: 80e6, members: 2, complete: false, maxUtil: 0.42 });
    expect(ixp.transitSaved).toBeCloseTo(38 / 2, 9); // only 65001 buys transit, half the month so far
    // Fees: 65001's 10 × 1/2; 65009 (no traffic) still pays its 10 × 1/2; 65003 buys no transit.
    expect(ixp.netSaved).toBeCloseTo(19 - 5 - 5, 9);
    expect(ixp.portFee).toBeCloseTo(10, 9);
    expect(ixp.transitSavedProjected).toBeCloseTo(38, 9);
    expect(ixp.netSavedProjected).toBeCloseTo(38 - 20, 9);
    expect(ixp.localContentShare).toBeCloseTo(3 / 4, 12);
    expect(ixp.bytesIn).toBeCloseTo((4 * 210e6 * 300) / 8, 0);
    expect(ixp.peakMethodSaved).toBeCloseTo(80 * 1 * 0.5, 9);
    expect(ixp.coverage).toBeCloseTo(6000 / (15 * 86400), 12);
    expect(ixp.expectedSeconds).toBe(15 * 86400);
    expect(ixp.connectedShare).toBeCloseTo(0.5, 12);
  });
});

describe('the month rows are the dashboard\'s maths (partmonth.ts memberMonthImpact, impact.ts ixpImpact)', () => {
  // A small deterministic generator: nulls, coarse windows, partial coverage, joins and leaves, months in progress.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const series = (): MemberSample[] => {
    const out: MemberSample[] = [];
    for (let t = APR.from; t < APR.to; t += M5 * (1 + Math.floor(rnd() * 40))) {
      const coarse = rnd() < 0.05;
      out.push({ t, res: coarse ? 7200 : 300, inBps: rnd() < 0.1 ? null : rnd() * 1e9, outBps: rnd() < 0.1 ? null : rnd() * 1e9, coverage: rnd() < 0.2 ? rnd() : 1, maxUtil: rnd() < 0.3 ? null : rnd() });
      if (coarse) t += 7200_000;
    }
    return out;
  };
  it('equal figures for 40 random members and their IXP', async () => {
    const { memberMonthImpact, memberSamples } = await import('../../../collector/figures/partmonth.ts');
    const { ixpImpact, sumPerWindow } = await import('../../../collector/figures/impact.ts');
    for (let round = 0; round < 5; round++) {
      const now = rnd() < 0.3 ? APR.to + DAY : APR.from + Math.floor(rnd() * 30) * DAY + Math.floor(rnd() * 288) * M5;
      const members = Array.from({ length: 8 }, (_, i) => member(65000 + i, {
        category: rnd() < 0.3 ? 'content' : 'isp', buysTransit: rnd() < 0.8, transitPricePerMbps: 1 + rnd() * 5, portFeePerMonth: Math.floor(rnd() * 300),
        membership: { start: rnd() < 0.3 ? APR.from + Math.floor(rnd() * 30) * DAY : null, end: rnd() < 0.2 ? APR.from + Math.floor(rnd() * 30) * DAY : null },
      }));
      const w = new Map(members.map((m) => [m.asn, series()]));
      const rows = monthRows({ transitPricePerMbps: 2.5 }, members, w, APR, now);
      const list = members.map((m) => {
        const samples = memberSamples(w.get(m.asn)!, m.membership);
        return { category: m.category, impact: memberMonthImpact({ ...m, samples }, APR, APR, now), samples };
      });
      list.forEach((x, i) => {
        const r = rows[i]!;
        expect([r.p95InMbps, r.p95OutMbps, r.p95Mbps, r.p95Samples]).toEqual([x.impact.p95.inMbps, x.impact.p95.outMbps, x.impact.p95.mbps, x.impact.p95.samples]);
        expect([r.bytesIn, r.bytesOut, r.peakBps, r.transitSaved, r.netSaved, r.portFee, r.coverage, r.resolution, r.connectedShare, r.transitSavedProjected, r.netSavedProjected, r.portFeeProjected])
          .toEqual([x.impact.bytesIn, x.impact.bytesOut, x.impact.peakBps, x.impact.transitSaved, x.impact.netSaved, x.impact.portFee, x.impact.coverage, x.impact.resolution, x.impact.connectedShare, x.impact.transitSavedProjected, x.impact.netSavedProjected, x.impact.portFeeProjected]);
      });
      const expected = Math.max(0, Math.min(APR.to, now) - APR.from) / 1000;
      const share = Math.min(1, Math.max(0, (Math.min(APR.to, now) - APR.from) / (APR.to - APR.from)));
      const ixp = ixpImpact(list, sumPerWindow(list.map((x) => x.samples)), 2.5, expected, share);
      const r = rows[rows.length - 1]!;
      expect([r.bytesIn, r.p95InMbps, r.p95OutMbps, r.p95Mbps, r.p95Samples, r.peakBps, r.transitSaved, r.netSaved, r.peakMethodSaved, r.localContentShare, r.coverage, r.resolution])
        .toEqual([ixp.bytes, ixp.p95.inMbps, ixp.p95.outMbps, ixp.p95.mbps, ixp.p95.samples, ixp.peakBps, ixp.transitSaved, ixp.netSaved, ixp.peakMethodSaved, ixp.localContentShare, ixp.coverage, ixp.resolution]);
      expect(r.transitSavedProjected).toBe(list.reduce((a, x) => a + x.impact.transitSavedProjected, 0));
    }
  });
});
