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
