// A small in-memory cache with per-entry time-to-live and in-flight sharing (two requests for the same key
// wait for one computation). Bounded by entry count (oldest dropped). The clock is injectable; no other I/O.

interface Entry<V> { until: number; value: Promise<V>; settled: boolean; refreshing?: boolean }

/** Cache of values computed by async functions. */
export class TtlCache<V> {
  private readonly map = new Map<string, Entry<V>>();

  /** @param max entries kept at most (default 1000). @param now clock, epoch ms. */
  constructor(private readonly max = 1000, private readonly now: () => number = Date.now) {}

  /**
   * The cached value of `key`, or compute(), cached for ttlMs. A rejected computation is not cached.
   * With `stale`, an expired value is still returned at once while one background compute() replaces it
   * (stale-while-revalidate), so only the very first request for a key waits.
   */
  get(key: string, ttlMs: number, compute: () => Promise<V>, opts: { stale?: boolean } = {}): Promise<V> {
    const t = this.now();
    const hit = this.map.get(key);
    if (hit && hit.until > t) return hit.value;
    if (hit && opts.stale && hit.settled) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        compute().then(
          (v) => { this.map.set(key, { until: this.now() + ttlMs, value: Promise.resolve(v), settled: true }); },
          () => { hit.refreshing = false; },
        );
      }
      return hit.value;
    }
    const value = compute();
    const entry: Entry<V> = { until: t + ttlMs, value, settled: false };
    this.map.delete(key);
    this.map.set(key, entry);
    value.then(() => { entry.settled = true; }, () => { if (this.map.get(key)?.value === value) this.map.delete(key); });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return value;
  }

  /** True when `key` holds a value still fresh at the cache's clock. */
  fresh(key: string): boolean { const h = this.map.get(key); return !!h && h.until > this.now(); }

  clear(): void { this.map.clear(); }
}
