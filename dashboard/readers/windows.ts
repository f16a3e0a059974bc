// Member window samples shared by both readers: imported history coarser than 5 minutes (MRTG's 30 min, 2 h,
// 1 day) summed per member and window, and merged under the 5-minute windows (5-minute data wins). Pure.
import type { WindowSample } from '../../collector/figures/impact.ts';

/** Sums coarse rows of many ports into one sample per member, resolution and window start. */
export class CoarseWindows {
  private byAsn = new Map<number, Map<string, WindowSample & { n: number }>>();

  /** One port's coarse row. Null rates are unknown (not zero); coverage is averaged over the member's ports. */
  add(asn: number, res: number, t: number, inBps: number | null, outBps: number | null, coverage: number): void {
    let m = this.byAsn.get(asn);
    if (!m) { m = new Map(); this.byAsn.set(asn, m); }
    const k = `${res}:${t}`;
    const a = m.get(k);
    if (!a) { m.set(k, { t, res, inBps, outBps, coverage, n: 1 }); return; }
    if (inBps !== null) a.inBps = (a.inBps ?? 0) + inBps;
    if (outBps !== null) a.outBps = (a.outBps ?? 0) + outBps;
    a.coverage = (a.coverage ?? 0) + coverage;
    a.n++;
  }

  /** Merges into `byAsn` (5-minute samples per member), dropping coarse windows a 5-minute window overlaps. */
  mergeInto(byAsn: Map<number, WindowSample[]>): void {
    for (const [asn, m] of this.byAsn) {
      const coarse = [...m.values()].map(({ n, ...w }) => ({ ...w, coverage: (w.coverage ?? 0) / n }));
      byAsn.set(asn, dropOverlaps([...(byAsn.get(asn) ?? []), ...coarse]));
    }
  }
}

/** Drops coarse (imported) windows that overlap a 5-minute window of the same series: 5-minute data wins. Sorted by t. */
export function dropOverlaps(samples: WindowSample[]): WindowSample[] {
  const fine = samples.filter((s) => s.res === 300).map((s) => s.t);
  if (fine.length === samples.length) return samples;
  fine.sort((a, b) => a - b);
  const overlaps = (s: WindowSample): boolean => {
    // any fine t in [s.t, s.t + res)
    let lo = 0;
    let hi = fine.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (fine[mid]! < s.t) lo = mid + 1; else hi = mid; }
    return lo < fine.length && fine[lo]! < s.t + s.res * 1000;
  };
  return samples.filter((s) => s.res === 300 || !overlaps(s)).sort((a, b) => a.t - b.t);
}
