// Pure helpers of the net-snmp adapter: OID order and how columns are grouped once the agent's
// per-response varbind limit is known.
import { describe, it, expect } from 'vitest';
import { compareOids, planGroups } from '../../../collector/snmp/client.ts';

describe('compareOids', () => {
  it('orders numerically, not as text', () => {
    expect(compareOids('1.3.6.1.2.1.2.2.1.2.10', '1.3.6.1.2.1.2.2.1.2.9')).toBeGreaterThan(0);
    expect(compareOids('1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.2.1')).toBeLessThan(0);
    expect(compareOids('1.3.6.1', '1.3.6.1')).toBe(0);
  });
});

describe('planGroups', () => {
  const fill = (sizes: number[], cap: number) => sizes.map((s) => s * Math.floor(cap / s));
  it('keeps columns together when they fill the response', () => {
    expect(planGroups(4, 100)).toEqual([4]);
    expect(planGroups(1, 64)).toEqual([1]);
  });
  it('splits so every response is full (snmpd 100, snmpsim 64)', () => {
    for (const [n, cap] of [[21, 100], [12, 64], [8, 64], [13, 100], [27, 64], [150, 100]]) {
      const sizes = planGroups(n, cap);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(cap);
      for (const f of fill(sizes, cap)) expect(f).toBe(cap);
    }
  });
  it('uses few groups', () => {
    expect(planGroups(21, 100)).toEqual([20, 1]);
    expect(planGroups(12, 64)).toEqual([8, 4]);
  });
});
