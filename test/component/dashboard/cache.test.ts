// The dashboard's TTL cache: shared in-flight computations, expiry, stale-while-revalidate, failures not cached.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../dashboard/server/cache.ts';

describe('TtlCache', () => {
  it('shares one computation, expires, and serves stale while recomputing when asked', async () => {
    let t = 0;
    let calls = 0;
    const c = new TtlCache<number>(10, () => t);
    const compute = async () => ++calls;
    expect(await Promise.all([c.get('k', 100, compute), c.get('k', 100, compute)])).toEqual([1, 1]);
    t = 50;
    expect(await c.get('k', 100, compute)).toBe(1);
    t = 150;
    expect(await c.get('k', 100, compute)).toBe(2); // expired: waits for a new value
    t = 300;
    expect(await c.get('k', 100, compute, { stale: true })).toBe(2); // stale at once...
    await new Promise((r) => setTimeout(r, 0));
    expect(await c.get('k', 100, compute, { stale: true })).toBe(3); // ...replaced in the background
    expect(calls).toBe(3);
  });

  it('does not keep a failure, and drops the oldest entries beyond its size', async () => {
    const c = new TtlCache<number>(2, () => 0);
    await expect(c.get('x', 100, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await c.get('x', 100, async () => 7)).toBe(7);
    await c.get('y', 100, async () => 8);
    await c.get('z', 100, async () => 9);
    expect(await c.get('x', 100, async () => 70)).toBe(70);
  });
});
