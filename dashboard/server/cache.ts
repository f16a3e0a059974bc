// A small in-memory cache with per-entry time-to-live and in-flight sharing (two requests for the same key
// wait for one computation). Bounded by entry count (oldest dropped). The clock is injectable; no other I/O.

/** Cache of values computed by async functions. */
export class TtlCache<V> {
  private readonly map = new Map<string, { until: number; value: Promise<V> }>();

  /** @param max entries kept at most (default 1000). @param now clock, epoch ms. */
  constructor(private readonly max = 1000, private readonly now: () => number = Date.now) {}

  /** The cached value of `key`, or compute(), cached for ttlMs. A rejected computation is not cached. */
  get(key: string, ttlMs: number, compute: () => Promise<V>): Promise<V> {
    const t = this.now();
    const hit = this.map.get(key);
    if (hit && hit.until > t) return hit.value;
    const value = compute();
    this.map.delete(key);
    this.map.set(key, { until: t + ttlMs, value });
    value.catch(() => { if (this.map.get(key)?.value === value) this.map.delete(key); });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return value;
  }

  clear(): void { this.map.clear(); }
}
