// The running month kept in memory (store/figures.ts RunningMonth): its stats equal months.ts windowStats over the
// same windows (while a member) after puts, replacements and clears; and the figures' retention.
import { describe, expect, it } from 'vitest';
import { RunningMonth } from '../../../collector/store/figures.ts';
import { windowStats, type MonthSpan } from '../../../collector/figures/months.ts';
import type { MemberSample } from '../../../collector/figures/windows.ts';

const APR: MonthSpan = { month: '2026-04', from: Date.UTC(2026, 3, 1), to: Date.UTC(2026, 4, 1) };
const M5 = 300_000;

describe('RunningMonth', () => {
  it('stats equal windowStats of the same windows, for members with and without membership bounds and the IXP', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const membership = (asn: number) => (asn === 2 ? { start: APR.from + 10 * 86_400_000, end: APR.from + 20 * 86_400_000 } : undefined);
    const rm = new RunningMonth(APR, membership);
    const truth = new Map<number, Map<number, MemberSample>>();
    const put = (asn: number, t: number) => {
      const s: MemberSample = { t, res: rnd() < 0.03 ? 1800 : 300, inBps: rnd() < 0.1 ? null : Math.round(rnd() * 1e6) / 7, outBps: rnd() < 0.1 ? null : rnd() * 1e9, coverage: rnd() < 0.2 ? rnd() : 1, maxUtil: rnd() < 0.2 ? null : rnd(), ports: 1 };
      rm.put(asn, t, s.res, s.inBps, s.outBps, s.coverage!, 1, s.maxUtil ?? null);
      (truth.get(asn) ?? truth.set(asn, new Map()).get(asn)!).set(t, s);
    };
    for (const asn of [0, 1, 2]) for (let t = APR.from; t < APR.to - 86_400_000; t += M5) if (rnd() < 0.9) put(asn, t);
    // Windows rewritten (a second switch closing them) and cleared (a registry change).
    for (let k = 0; k < 500; k++) put(1 + Math.floor(rnd() * 2), APR.from + Math.floor(rnd() * 8000) * M5);
    rm.clear(2, APR.from + 12 * 86_400_000, APR.from + 13 * 86_400_000);
    for (const t of [...truth.get(2)!.keys()]) if (t >= APR.from + 12 * 86_400_000 && t < APR.from + 13 * 86_400_000) truth.get(2)!.delete(t);
    for (const asn of [0, 1, 2]) {
      const windows = [...truth.get(asn)!.values()].sort((a, b) => a.t - b.t);
      expect(rm.stats(asn), `asn ${asn}`).toEqual(windowStats(windows, membership(asn) ?? { start: null, end: null }));
    }
    expect(rm.stats(2).p95.samples).toBeLessThan(rm.stats(1).p95.samples); // bounds applied
  });
});

describe('figures retention', () => {
  it('drops member windows older than the rollups kept, of every asn', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { createStore } = await import('../../../collector/store/index.ts');
    const { figuresRetention } = await import('../../../collector/store/figures.ts');
    const dir = mkdtempSync(path.join(tmpdir(), 'ixm-fret-'));
    const store = createStore({ path: path.join(dir, 'x.db'), retention: { rawDays: 35, rollupDays: 100, pollDays: 35 } });
    store.open();
    const now = Date.UTC(2026, 5, 1);
    const cutoff = now - 100 * 86_400_000;
    const ins = store.db.prepare('INSERT INTO member_windows (asn, t, res, in_bps, out_bps, coverage, ports, max_util) VALUES (?, ?, 300, 1, 1, 1, 1, NULL)');
    for (const asn of [0, 65001, 65009]) { ins.run(asn, cutoff - 300_000); ins.run(asn, cutoff); }
    expect(figuresRetention(store.db, cutoff)).toBe(3);
    expect(store.db.prepare('SELECT asn, t FROM member_windows ORDER BY asn').all()).toEqual([{ asn: 0, t: cutoff }, { asn: 65001, t: cutoff }, { asn: 65009, t: cutoff }]);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
