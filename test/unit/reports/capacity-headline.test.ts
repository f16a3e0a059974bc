// The monthly report's capacity sentences: each member port's monthly P95 utilisation from the report's 12-month
// trend (the collector's port months), fitted (collector/figures/forecast.ts), and the sentence "…'s 10G port reaches 80 % around …" by hand.
import { describe, expect, it } from 'vitest';
import { portForecasts, type ReportInput } from '../../../dashboard/reports/model.ts';
import { capacityHeadlines } from '../../../dashboard/reports/i18n.ts';

const month = (y: number, m: number) => ({ from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1), month: `${y}-${String(m + 1).padStart(2, '0')}` });

/** 12 trend months to October 2026; Raajje Online's 10G port at 40 %, 50 %, 62.5 % (out) in Aug–Oct; Dhiraagu flat at 20 %. */
function input(): ReportInput {
  // The collector's month rows: each member's ports' months (billable P95 = the out direction, whole month measured).
  const portMonth = (port: string, util: number) => ({ switch: 'sw1', port, speedMbps: 10_000, p95Mbps: util * 10_000, maxUtil: util, coverage: 1 });
  const trend = Array.from({ length: 12 }, (_, i) => month(2025, 10 + i)).map((m, i) => {
    const u = [0.4, 0.5, 0.625][i - 9];
    return {
      ...m,
      rows: u === undefined ? [] : [
        { asn: 65001, month: m.month, ports: [portMonth('Ethernet1', u)] },
        { asn: 65002, month: m.month, ports: [portMonth('Ethernet2', 0.2)] },
      ],
    };
  });
  const members = [65001, 65002].map((asn) => ({ asn, name: asn === 65001 ? 'Raajje Online' : 'Dhiraagu', category: 'isp' as const, buysTransit: true, transitPricePerMbps: 10, portFeePerMonth: 0, portCount: 1 }));
  return { trend, members, now: Date.UTC(2026, 10, 2) } as unknown as ReportInput;
}

describe('capacity in the monthly report', () => {
  it('fits each port over the trend months and orders the soonest first', () => {
    const f = portForecasts(input());
    expect(f.map((x) => [x.port, x.forecast.status, x.forecast.crossing])).toEqual([['Ethernet1', 'forecast', '2026-11'], ['Ethernet2', 'not-growing', null]]);
    expect(f[0]!.forecast.months).toBe(3);
    expect(f[0]!.forecast.growthPerMonth).toBeCloseTo(0.25, 9);
  });

  it('says when the port reaches 80 %, in the report language', () => {
    const model = { lang: 'en', currency: 'USD', period: { month: '2026-10' }, capacityForecasts: portForecasts(input()) };
    // 62.5 % in mid-October growing 25 %/month: 80 % log(1.28)/log(1.25) = 1.1 months later, in November.
    expect(capacityHeadlines(model as never)).toEqual([
      "Raajje Online's 10G port (sw1 Ethernet1) reaches 80.0% around November 2026 (November 2026 – November 2026; growth +25.0% a month over 3 months).",
    ]);
    expect(capacityHeadlines({ ...model, lang: 'fr' } as never)[0]).toMatch(/^Le port 10G de Raajje Online \(sw1 Ethernet1\) atteindra 80,0\s?% vers novembre 2026/);
    expect(capacityHeadlines({ ...model, capacityForecasts: [] } as never)).toEqual([]);
  });
});
