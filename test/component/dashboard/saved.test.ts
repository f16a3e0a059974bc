// Finished months' figures saved across restarts: a restarted service answers from the saved file without reading a
// single 5-minute window, gives the same figures, and never serves them once members, prices or the store's
// history changed. A corrupt or unwritable file is a warning, never an error. Real SQLite store (the fixture).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createService, type IxpContext, type SavedValue } from '../../../dashboard/server/service.ts';
import { createSavedFigures } from '../../../dashboard/server/saved.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import type { Reader, SeriesQuery } from '../../../dashboard/readers/reader.ts';
import { resolvePeriod } from '../../../dashboard/server/period.ts';
import { monthRange } from '../../../dashboard/calendar.ts';
import { bumpHistoryVersion } from '../../../collector/store/index.ts';
import type { Logger } from '../../../collector/log.ts';
import { contexts, NOW, sqliteStore } from './fixture.ts';

const store = sqliteStore({ wave: true });
const dir = mkdtempSync(path.join(tmpdir(), 'ixm-saved-'));
afterAll(() => { store.cleanup(); rmSync(dir, { recursive: true, force: true }); });

interface Recorder extends Logger { warnings: string[] }
function recorder(): Recorder {
  const warnings: string[] = [];
  const noop = () => undefined;
  const l: Recorder = {
    warnings, trace: noop, debug: noop, info: noop, error: noop, sampled: noop, child: () => l,
    warn: (f: object | string, msg?: string) => { warnings.push(`${msg ?? ''} ${JSON.stringify(f)}`); },
  };
  return l;
}

/** The SQLite reader, counting the 5-minute window reads (the expensive part of a month's figures). */
function counting(): Reader & { windowReads: number; seriesReads: SeriesQuery[] } {
  const r = createSqliteReader(store.db);
  const c = Object.assign(Object.create(r) as Reader, { windowReads: 0, seriesReads: [] as SeriesQuery[] }) as Reader & { windowReads: number; seriesReads: SeriesQuery[] };
  c.memberWindows = (...a) => { c.windowReads++; return r.memberWindows(...a); };
  c.sumSeries = (ixp, ports, q) => { c.seriesReads.push(q); return r.sumSeries(ixp, ports, q); };
  return c;
}

const ixps = contexts();
const id = ixps[0]!.ixp.id;
const tz = ixps[0]!.ixp.timezone;
const january = { ...monthRange('2026-01', tz), preset: 'month', timezone: tz };

function service(file: string, ctx: IxpContext[] = ixps, log = recorder()) {
  const reader = counting();
  const saved = createSavedFigures<SavedValue>(file, log, { delayMs: 60_000 });
  return { reader, saved, log, svc: createService({ reader, ixps: ctx, now: () => NOW, saved }) };
}

let open: { saved: { close(): void } }[] = [];
afterEach(() => { for (const o of open) o.saved.close(); open = []; });

describe('saved monthly figures', () => {
  const file = path.join(dir, 'dashboard-figures.json');

  it('a restarted service answers a finished month from the file, with the same figures and no window read', async () => {
    const first = service(file); open.push(first);
    const before = await first.svc.summary(id, january);
    const rows = await first.svc.memberRows(id, january);
    expect(first.reader.windowReads).toBeGreaterThan(0);
    first.saved.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = service(file); open.push(again);
    expect(await again.svc.summary(id, january)).toEqual(before);
    expect(await again.svc.memberRows(id, january)).toEqual(rows);
    expect(again.reader.windowReads).toBe(0);
    expect(before.transitSaved).toBeGreaterThan(0);
  });

  it('the finished part of the traffic series is saved too: after a restart only the running month is read', async () => {
    const period = resolvePeriod({ period: '30d' }, tz, NOW);
    const first = service(file); open.push(first);
    const a = await first.svc.traffic(id, period, '3600');
    expect(first.reader.seriesReads.length).toBe(2);
    first.saved.flush();
    const again = service(file); open.push(again);
    expect(await again.svc.traffic(id, period, '3600')).toEqual(a);
    expect(again.reader.seriesReads.length).toBe(1);
    expect(again.reader.seriesReads[0]!.from).toBe(first.reader.seriesReads[1]!.from); // the running month only
  });

  it('is not served once a member price changed: the figures are computed again', async () => {
    const cheaper: IxpContext[] = [{ ...ixps[0]!, ixp: { ...ixps[0]!.ixp, transitPricePerMbps: ixps[0]!.ixp.transitPricePerMbps / 2 } }, ...ixps.slice(1)];
    const base = service(file); open.push(base);
    const full = await base.svc.summary(id, january);
    const s = service(file, cheaper); open.push(s);
    const half = await s.svc.summary(id, january);
    expect(s.reader.windowReads).toBeGreaterThan(0);
    expect(half.transitSaved).toBeLessThan(full.transitSaved);
  });

  it('is not served after rows were written into the past (an MRTG import bumps the history version)', async () => {
    const a = service(file); open.push(a);
    await a.svc.summary(id, january);
    a.saved.flush();
    const valid = service(file); open.push(valid);
    await valid.svc.summary(id, january);
    expect(valid.reader.windowReads).toBe(0); // still valid before the import
    bumpHistoryVersion(store.db);
    const b = service(file); open.push(b);
    await b.svc.summary(id, january);
    expect(b.reader.windowReads).toBeGreaterThan(0);
  });

  it('a corrupt file is one warning and figures computed as usual; an unwritable place is one warning too', async () => {
    const bad = path.join(dir, 'corrupt.json');
    writeFileSync(bad, '{"format":1,"entries":[{"key":');
    const s = service(bad); open.push(s);
    const r = await s.svc.summary(id, january);
    expect(r.transitSaved).toBeGreaterThan(0);
    expect(s.log.warnings.join('\n')).toMatch(/saved monthly figures not usable; computing them again .*corrupt\.json/);
    s.saved.flush();
    expect(JSON.parse(readFileSync(bad, 'utf8')).format).toBe(1); // replaced by a good file

    const nowhere = service(path.join(dir, 'no-such-dir', 'f.json')); open.push(nowhere);
    await nowhere.svc.summary(id, january);
    nowhere.saved.flush();
    await nowhere.svc.summary(id, { ...monthRange('2025-12', tz), preset: 'month', timezone: tz });
    nowhere.saved.flush();
    expect(nowhere.log.warnings.filter((w) => w.includes('cannot save monthly figures')).length).toBe(1);
    expect(nowhere.log.warnings[0]).toContain('ENOENT');
  });
});
