// The overview's traffic series keeps its finished part: a second request reads only the running month, and the
// answer is the same as one read of the whole period. Rolling periods start at a round local time of their step.
import { afterAll, describe, expect, it } from 'vitest';
import { createService, type IxpContext } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import type { Reader, SeriesQuery } from '../../../dashboard/readers/reader.ts';
import { portMembers, resolveDashMembers } from '../../../dashboard/server/members.ts';
import { resolvePeriod } from '../../../dashboard/server/period.ts';
import { contexts, NOW, sqliteStore } from './fixture.ts';

const store = sqliteStore({ wave: true });
afterAll(() => store.cleanup());

function counting(): Reader & { series: SeriesQuery[] } {
  const r = createSqliteReader(store.db);
  const c = Object.assign(Object.create(r) as Reader, { series: [] as SeriesQuery[] }) as Reader & { series: SeriesQuery[] };
  c.sumSeries = (ixp, ports, q) => { c.series.push(q); return r.sumSeries(ixp, ports, q); };
  return c;
}

describe('traffic series cache', () => {
  for (const tz of ['UTC', 'Indian/Maldives', 'America/Paramaribo', 'Asia/Kathmandu']) {
    it(`30 days by the hour in ${tz}: round local start, the finished part read once, same answer as one read`, async () => {
      const ixps: IxpContext[] = contexts().map((c) => ({ ...c, ixp: { ...c.ixp, timezone: tz } }));
      const reader = counting();
      const svc = createService({ reader, ixps, now: () => NOW });
      const period = resolvePeriod({ period: '30d' }, tz, NOW);
      const a = await svc.traffic('tix', period, '3600');
      // Starts on a local whole hour, at most an hour before now - 30 days.
      expect(a.period.from).toBeLessThanOrEqual(NOW - 30 * 86_400_000);
      expect(NOW - 30 * 86_400_000 - a.period.from).toBeLessThan(3_600_000);
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(a.period.from)).toMatch(/^\d\d:00:00$/);
      const reads = reader.series.length;
      expect(reads).toBe(2); // the finished part (before the running month) and the running month
      const b = await svc.traffic('tix', period, '3600');
      expect(b).toEqual(a);
      expect(reader.series.length).toBe(reads + 1);
      const live = reader.series.at(-1)!;
      expect(live.from).toBeGreaterThan(a.period.from);
      expect(live.to).toBe(NOW);
      // One read of the whole period gives the same buckets.
      const members = portMembers(resolveDashMembers(ixps[0]!.members, await reader.portStates('tix', 0), true));
      const whole = await createSqliteReader(store.db).sumSeries('tix', members, { from: a.period.from, to: NOW, step: 3600, res: a.source.resolution as 0 | 300 | 3600 | 86400 });
      const byT = new Map(whole.rows.map((r) => [r.t, r]));
      a.t.forEach((t, i) => {
        expect(a.inBps[i], new Date(t).toISOString()).toBe(byT.get(t)?.inBps ?? null);
        expect(a.outBps[i]).toBe(byT.get(t)?.outBps ?? null);
      });
      expect(a.inBps.filter((v) => v !== null).length).toBeGreaterThan(500);
    });
  }
});
