// Pure summaries of latency: a router's figures over a period (the member page), the report's month summary
// (local = median over routers of each router's median; references with loss, rounds and coverage) and the
// round interval from round times.
import { describe, expect, it } from 'vitest';
import { seriesSummary } from '../../../dashboard/server/routes/latency.ts';
import { latencySummary } from '../../../dashboard/reports/resilience.ts';
import { medianGap } from '../../../dashboard/readers/latency.ts';
import type { LatencyHourly } from '../../../collector/store/latency.ts';

const H = 3_600_000;

describe('seriesSummary', () => {
  it('takes the median of the points\' medians and the loss over every ping sent', () => {
    const p = (medianMs: number | null, loss: number | null, sent: number) => ({ t: 0, medianMs, lowMs: null, highMs: null, loss, sent });
    // 2 of 5 lost, 0 of 5, all 10 lost (no median), and a point with nothing sent.
    expect(seriesSummary([p(1, 0.4, 5), p(3, 0, 5), p(null, 1, 10), p(null, null, 0)])).toEqual({ medianMs: 2, loss: 12 / 20, sent: 20 });
    expect(seriesSummary([])).toEqual({ medianMs: null, loss: null, sent: 0 });
  });
});

describe('latencySummary (report)', () => {
  const h = (t: number, address: string, kind: LatencyHourly['kind'], medianMs: number | null, sent: number, received: number, rounds = 12): LatencyHourly =>
    ({ t, address, kind, name: address, rounds, sent, received, medianMs, p10Ms: null, p90Ms: null, minMs: null, maxMs: null });
  it('local is the median over routers of each router\'s median of hourly medians', () => {
    const rows = [
      h(0, 'r1', 'member', 1, 60, 60), h(H, 'r1', 'member', 3, 60, 60), // router median 2
      h(0, 'r2', 'member', 10, 60, 30), // router median 10
      h(0, 'r3', 'member', null, 60, 0), // silent router: no median, counts in loss
      h(0, 'z', 'international', 150, 60, 60), h(H, 'z', 'international', null, 60, 0, 6),
      h(0, 'a', 'local', 1, 60, 60),
    ];
    const s = latencySummary(rows, 4 * H, 300_000);
    expect(s.local).toEqual({ medianMs: 6, loss: 1 - 150 / 240, routers: 3, rounds: 24 });
    // Two of the four elapsed hours have rounds.
    expect(s.coverage).toBe(0.5);
    // International first, then local; coverage = 18 rounds over 48 expected.
    expect(s.references).toEqual([
      { target: 'z', kind: 'international', name: 'z', medianMs: 150, loss: 0.5, rounds: 18, coverage: 18 / 48 },
      { target: 'a', kind: 'local', name: 'a', medianMs: 1, loss: 0, rounds: 12, coverage: 12 / 48 },
    ]);
  });
});

describe('medianGap', () => {
  it('is the median of the gaps between sorted round times, null with fewer than two', () => {
    expect(medianGap([0, 300, 600, 1500, 1800])).toBe(300);
    expect(medianGap([5])).toBeNull();
  });
});
