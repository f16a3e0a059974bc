// The monthly report's capacity sentences: each member port's monthly P95 utilisation from the report's 12-month
// trend, fitted (collector/figures/forecast.ts), and the sentence "…'s 10G port reaches 80 % around …" by hand.
import { describe, expect, it } from 'vitest';
import { portForecasts, type ReportInput } from '../../../dashboard/reports/model.ts';
import { capacityHeadlines } from '../../../dashboard/reports/i18n.ts';

const month = (y: number, m: number) => ({ from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1), month: `${y}-${String(m + 1).padStart(2, '0')}` });

/** 12 trend months to October 2026; Raajje Online's 10G port at 40 %, 50 %, 62.5 % (out) in Aug–Oct; Dhiraagu flat at 20 %. */
function input(): ReportInput {
  const trend = Array.from({ length: 12 }, (_, i) => month(2025, 10 + i)).map((m, i) => {
    const u = [0.4, 0.5, 0.625][i - 9];
    const samples = (util: number) => {
      const out = [];
      for (let t = m.from; t < m.to; t += 300_000) out.push({ t, inBps: util * 10e9 / 4, outBps: util * 10e9, res: 300, coverage: 1 });
      return out;
    };
    return {
      ...m,
      ports: u === undefined ? [] : [
        { switch: 'sw1', port: 'Ethernet1', asn: 65001, validFrom: null, validTo: null, speedMbps: 10_000, samples: samples(u), sources: ['poll'] },
        { switch: 'sw1', port: 'Ethernet2', asn: 65002, validFrom: null, validTo: null, speedMbps: 10_000, samples: samples(0.2), sources: ['poll'] },
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
