// The SQLite reader's member windows are read in time slices with the event loop free between them (the collector may
// share the process): the slices must add up to exactly what one read gives, and other work must get turns meanwhile.
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { portMembers, resolveDashMembers } from '../../../dashboard/server/members.ts';
import { contexts, NOW, START, sqliteStore } from './fixture.ts';

const store = sqliteStore({ wave: true });
afterAll(() => store.cleanup());

describe('member windows in slices', () => {
  it('slices of a few hundred rows give the same windows and utilisation as one read, and let other work run', async () => {
    const whole = createSqliteReader(store.db, { rowsPerSlice: 10_000_000 });
    const sliced = createSqliteReader(store.db, { rowsPerSlice: 500 });
    const ctx = contexts()[0]!;
    const members = portMembers(resolveDashMembers(ctx.members, await whole.portStates(ctx.ixp.id, START - 1), ctx.ifAlias));
    expect(members.length).toBeGreaterThan(1);
    const a = await whole.memberWindows(ctx.ixp.id, members, START, NOW);
    let turns = 0;
    let done = false;
    const tick = () => { if (!done) { turns++; setImmediate(tick); } };
    setImmediate(tick);
    const b = await sliced.memberWindows(ctx.ixp.id, members, START, NOW);
    done = true;
    expect(b).toEqual(a);
    expect([...a.byAsn.values()].reduce((n, w) => n + w.length, 0)).toBeGreaterThan(10_000);
    // 40 days x 288 windows over ~6 ports at 500 rows a slice: dozens of slices, each followed by a turn for others.
    expect(turns).toBeGreaterThan(20);
  });
});
