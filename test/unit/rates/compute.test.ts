// Runs the rate engine's truth table (cases.ts) and a few properties: a gap is never a zero
// rate and never a spike, and the function is pure (same inputs, same output; inputs untouched).
import { describe, expect, it } from 'vitest';
import { computeRates, intervalSeconds } from '../../../collector/rates/compute.ts';
import { counterDelta, octetsPlausible } from '../../../collector/rates/counters.ts';
import { cases, iface, sample, TWO_32 } from './cases.ts';

const stringifyBig = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

describe('computeRates truth table', () => {
  for (const c of cases) {
    it(c.name, () => {
      const prevCopy = stringifyBig(c.prev);
      const curCopy = stringifyBig(c.cur);
      const res = computeRates(c.prev, c.cur, { maxIntervalSeconds: c.maxIntervalSeconds ?? 300 });
      // Pure: inputs untouched, same answer twice.
      expect(stringifyBig(c.prev)).toBe(prevCopy);
      expect(stringifyBig(c.cur)).toBe(curCopy);
      expect(stringifyBig(computeRates(c.prev, c.cur, { maxIntervalSeconds: c.maxIntervalSeconds ?? 300 }))).toBe(stringifyBig(res));

      const seen = new Set<number>();
      for (const e of c.expect) {
        const gaps = res.gaps.filter((g) => g.ifIndex === e.ifIndex);
        const rates = res.rates.filter((r) => r.ifIndex === e.ifIndex);
        seen.add(e.ifIndex);
        if ('gap' in e) {
          expect(rates, `ifIndex ${e.ifIndex} must have no rate`).toEqual([]);
          expect(gaps.map((g) => g.reason)).toEqual([e.gap]);
          expect(gaps[0].time).toBe(c.cur.time);
          expect(gaps[0].interval).toBeGreaterThan(0);
        } else {
          expect(gaps, `ifIndex ${e.ifIndex} must have no gap`).toEqual([]);
          expect(rates).toHaveLength(1);
          const r = rates[0] as unknown as Record<string, unknown>;
          for (const [k, v] of Object.entries(e.rate)) {
            if (typeof v === 'number') expect(r[k], k).toBeCloseTo(v, 9);
            else expect(r[k], k).toBe(v);
          }
          expect(rates[0].time).toBe(c.cur.time);
        }
      }
      // Nothing beyond what the case expects.
      for (const x of [...res.gaps, ...res.rates]) expect(seen.has(x.ifIndex), `unexpected ifIndex ${x.ifIndex}`).toBe(true);
      if (c.interval !== undefined) {
        expect(intervalSeconds(c.prev, c.cur)).toBeCloseTo(c.interval, 9);
        for (const x of [...res.gaps, ...res.rates]) expect(x.interval).toBeCloseTo(c.interval, 9);
      }
    });
  }
});

describe('computeRates properties', () => {
  it('the same response twice (no time passed) gives neither rates nor gaps', () => {
    const s = sample({ interfaces: [iface()] });
    expect(computeRates(s, s, { maxIntervalSeconds: 300 })).toEqual({ rates: [], gaps: [] });
  });

  it('a 32-bit reset never becomes a rate above the port speed, whatever the values', () => {
    // Walk prev/cur pairs where the counter went down; every outcome is a gap or a rate within speed.
    for (let prev = 0n; prev < TWO_32; prev += 123_456_789n) {
      for (const cur of [0n, 1n, 1000n, prev / 2n]) {
        if (cur >= prev) continue;
        const res = computeRates(
          sample({ interfaces: [iface({ hc: false, inOctets: prev, outOctets: 0n, speedMbps: 100 })] }),
          sample({ interfaces: [iface({ hc: false, inOctets: cur, outOctets: 0n, speedMbps: 100 })] }, 60),
          { maxIntervalSeconds: 300 },
        );
        for (const r of res.rates) expect(r.inBps!).toBeLessThanOrEqual(100e6 * 1.1);
        expect(res.rates.length + res.gaps.length).toBe(1);
        for (const r of res.rates) expect(r.inBps).not.toBe(0);
      }
    }
  });

  it('counterDelta: bigint exact at 2^64 - 1, absent when either side is null', () => {
    const max = 2n ** 64n - 1n;
    expect(counterDelta(max - 5n, max, true, () => true)).toEqual({ kind: 'ok', delta: 5n, wrapped: false });
    expect(counterDelta(null, 5n, true, () => true)).toEqual({ kind: 'absent' });
    expect(counterDelta(5n, null, false, () => true)).toEqual({ kind: 'absent' });
    expect(counterDelta(10n, 5n, false, () => false)).toEqual({ kind: 'reset' });
    expect(counterDelta(10n, 5n, false, () => true)).toEqual({ kind: 'ok', delta: TWO_32 - 5n, wrapped: true });
  });

  it('octetsPlausible: 10% above the speed is the limit', () => {
    expect(octetsPlausible(1_375_000n, 10, 1)).toBe(true); // 1.1 Mbit/s on 1 Mbit/s
    expect(octetsPlausible(1_375_001n, 10, 1)).toBe(false);
  });
});
