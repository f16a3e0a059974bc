// forecastCrossing against hand-computed series: steady growth, flat, noisy, too short, already over, gaps.
import { describe, expect, it } from 'vitest';
import { forecastCrossing, monthIndex, monthName, type MonthUtil } from '../../../collector/figures/forecast.ts';

const series = (start: string, utils: (number | null)[], coverage = 1): MonthUtil[] =>
  utils.map((util, i) => ({ month: monthName(monthIndex(start) + i), util, coverage }));

describe('forecastCrossing', () => {
  it('steady doubling: 10 %, 20 %, 40 % in Jan–Mar reaches 80 % in April, exactly', () => {
    // ln u rises by ln 2 a month with no residual: growth +100 %/month, interval of zero width.
    // Through the centroid (mid-February, 20 %): 80 % is two doublings later, mid-April.
    const f = forecastCrossing(series('2026-01', [0.1, 0.2, 0.4]));
    expect(f.status).toBe('forecast');
    expect(f.months).toBe(3);
    expect(f.growthPerMonth).toBeCloseTo(1, 12);
    expect(f.growthRange![0]).toBeCloseTo(1, 8);
    expect(f.growthRange![1]).toBeCloseTo(1, 8);
    expect([f.crossing, f.earliest, f.latest]).toEqual(['2026-04', '2026-04', '2026-04']);
    expect(f.crossingAt).toBe(Date.UTC(2026, 3, 1) + 15 * 86_400_000); // the middle of April's 30 days
  });

  it('noisy growth over six months: +15.2 %/month, November 2026, September 2026 to February 2027', () => {
    // x = months since 2026-01 + 0.5; y = ln u. x̄ = 3, ȳ = mean ln u = −1.2378; Sxx = 17.5;
    // b = Sxy/Sxx = 0.14182 (e^b − 1 = 15.24 %); residual se(b) = 0.016659; t(4 dof, 95 %) = 2.776
    // → b ∈ [0.09557, 0.18806]. Crossing x = x̄ + (ln 0.8 − ȳ)/b = 10.05 (Nov), 8.32 at the high slope (Sep),
    // 13.47 at the low slope (Feb 2027).
    const f = forecastCrossing(series('2026-01', [0.20, 0.26, 0.25, 0.33, 0.36, 0.42]));
    expect(f.status).toBe('forecast');
    expect(f.growthPerMonth).toBeCloseTo(0.15237, 4);
    expect(f.growthRange![0]).toBeCloseTo(Math.expm1(0.09557), 4);
    expect(f.growthRange![1]).toBeCloseTo(Math.expm1(0.18806), 4);
    expect([f.crossing, f.earliest, f.latest]).toEqual(['2026-11', '2026-09', '2027-02']);
    expect(f.lastUtil).toBe(0.42);
  });

  it('flat: no growth, no crossing', () => {
    const f = forecastCrossing(series('2026-01', [0.3, 0.3, 0.3, 0.3]));
    expect(f.status).toBe('not-growing');
    expect(f.growthPerMonth).toBe(0);
    expect(f.crossing).toBeNull();
    expect(f.crossingAt).toBeNull();
  });

  it('noise without a trend: the growth interval includes zero, so nothing is forecast', () => {
    // b = −0.0470, se·t(3 dof) = 0.442: the interval [−0.489, 0.395] holds zero.
    const f = forecastCrossing(series('2026-01', [0.3, 0.5, 0.2, 0.45, 0.25]));
    expect(f.status).toBe('not-growing');
    expect(f.growthRange![0]).toBeLessThan(0);
    expect(f.growthRange![1]).toBeGreaterThan(0);
  });

  it('too short: two months, or a third month with too little coverage, is not enough history', () => {
    expect(forecastCrossing(series('2026-01', [0.1, 0.2])).status).toBe('not-enough-history');
    const h = series('2026-01', [0.1, 0.2, 0.4]);
    h[2]!.coverage = 0.3;
    const f = forecastCrossing(h);
    expect(f).toMatchObject({ status: 'not-enough-history', months: 2, crossing: null, growthPerMonth: null });
    expect(forecastCrossing(series('2026-01', [0.1, null, 0.4])).status).toBe('not-enough-history');
  });

  it('a missing month keeps the calendar: 10 % in January, 20 % in February, 80 % in April reached in April... already', () => {
    // Jan, Feb, Apr with Mar missing: doubling a month fits exactly (Apr = 2 doublings after Feb) and April is over.
    const f = forecastCrossing([{ month: '2026-01', util: 0.1, coverage: 1 }, { month: '2026-02', util: 0.2, coverage: 1 }, { month: '2026-04', util: 0.8, coverage: 1 }]);
    expect(f.status).toBe('over');
    expect(f.growthPerMonth).toBeCloseTo(1, 12);
    // The same months one step lower: 5 %, 10 %, 40 % → 80 % in May.
    const g = forecastCrossing([{ month: '2026-01', util: 0.05, coverage: 1 }, { month: '2026-02', util: 0.1, coverage: 1 }, { month: '2026-04', util: 0.4, coverage: 1 }]);
    expect([g.status, g.crossing]).toEqual(['forecast', '2026-05']);
  });

  it('slow growth beyond the horizon is not given a month', () => {
    // +1 %/month from 10 %: ln 8 / ln 1.01 = 209 months away.
    const f = forecastCrossing(series('2026-01', [0.1, 0.101, 0.10201, 0.1030301]));
    expect(f.status).toBe('beyond-horizon');
    expect(f.growthPerMonth).toBeCloseTo(0.01, 6);
  });

  it('a custom threshold (50 %) and bad month strings', () => {
    // 40 % in mid-December doubling monthly: 50 % log2(1.25) = 0.32 months later, still December.
    expect(forecastCrossing(series('2026-10', [0.1, 0.2, 0.4]), { threshold: 0.5 }).crossing).toBe('2026-12');
    expect(() => monthIndex('2026-1')).toThrow(/YYYY-MM/);
  });
});
