// Member windows and month figures at the collector (store/figures.ts) over a real SQLite store written through
// the real store code: equal to what the dashboard computed from the rollups (readers/sqlite.ts memberWindows and
// the part-month maths through service.ts) for finished, MRTG-only and running months; equal to a fresh rebuild
// after registry changes, with deletes before the rewritten rows in the outbox; and a store of the previous
// version (no figures) gets them on first start with its other tables unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MemberConfig } from '../../../collector/config/types.ts';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { createFigures, rebuildFigures, refreshFigures, syncFigures, type FiguresConfig } from '../../../collector/store/figures.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { saveRoles } from '../../../collector/members/roleStore.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import { storeMrtgRows, type MrtgRow } from '../../../collector/importers/mrtg.ts';
import type { MonthRow } from '../../../collector/figures/months.ts';
import { monthRange } from '../../../collector/figures/calendar.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';

const H = 3_600_000;
const DAY = 24 * H;
const START = Date.UTC(2026, 1, 20, 6); // live polls from 20 February 06:00 UTC …
const END = Date.UTC(2026, 2, 4, 12); // … to 4 March 12:00 (March in progress)
const SW = 'sw1';

const MEMBERS: MemberConfig[] = [
  { asn: 65001, name: 'ISP A', category: 'isp', transitPricePerMbps: 4, portFeePerMonth: 50, ports: [{ switch: SW, port: 'Fif1/0/1' }, { switch: SW, port: 'Fif1/0/2' }] },
  { asn: 65002, name: 'Content B', category: 'content', ports: [{ switch: SW, port: 'Fif1/0/3' }] },
  { asn: 65003, name: 'Joins C', category: 'isp', portFeePerMonth: 20, joined: '2026-02-24', ports: [{ switch: SW, port: 'Fif1/0/4' }] },
  { asn: 65004, name: 'Leaves D', category: 'isp', portFeePerMonth: 30, left: '2026-03-02', ports: [{ switch: SW, port: 'Fif1/0/5' }] },
] as MemberConfig[];

const config = (members = MEMBERS, timezone = 'UTC'): FiguresConfig => ({
  ixp: { id: 'tix', name: 'Test IX', timezone, currency: 'USD', transitPricePerMbps: 3, public: false },
  members, memberSources: { ifAlias: true },
});

/** January of MRTG history for Fif1/0/1: days 1-9 daily, 10-19 two-hourly; and a daily row under the live polls. */
function mrtgRows(): MrtgRow[] {
  const rows: MrtgRow[] = [];
  let line = 1;
  for (let d = 1; d < 10; d++) rows.push({ line: line++, t: Date.UTC(2026, 0, d), res: 86400, inBpsAvg: 8e6 + d * 1e5, outBpsAvg: 4e6, inBpsMax: 9e6, outBpsMax: 5e6, coverage: 1 });
  for (let t = Date.UTC(2026, 0, 10); t < Date.UTC(2026, 0, 20); t += 2 * H) rows.push({ line: line++, t, res: 7200, inBpsAvg: 5e6 + (t / H) % 24 * 1e5, outBpsAvg: 2e6, inBpsMax: 6e6, outBpsMax: 3e6, coverage: t % (5 * DAY) === 0 ? 0.5 : 1 });
  rows.push({ line: line++, t: Date.UTC(2026, 1, 20), res: 86400, inBpsAvg: 1e9, outBpsAvg: 1e9, inBpsMax: 1e9, outBpsMax: 1e9, coverage: 1 });
  return rows;
}

/** Writes the live polls of one synthetic switch (Gi0/0 a trunk, Fif1/0/6 named by ifAlias) through the store. */
function writeHistory(store: Store): void {
  const sw = new SynthSwitch(SW, 8);
  sw.ifs[0]!.alias = 'AS65009 Trunk (not a member)';
  sw.ifs[6]!.alias = 'AS65005 Alias Net';
  const write = store.db.transaction((ts: number[]) => {
    for (const t of ts) { const p = sw.poll(t); store.writePoll(p.poll, p.sample, p.result); }
  });
  const times: number[] = [];
  for (let t = START; t <= END; t += 300_000) times.push(t + 7_000); // polls land 7 s into a window
  for (let i = 0; i < times.length; i += 288) write(times.slice(i, i + 288));
}

/** The dashboard's members over the local store (dashboard/server/index.ts registryMembers): ports held now. */
function heldNow(cfg: FiguresConfig, store: Store, now: number): MemberConfig[] {
  const list = resolveMembers(cfg, { db: store.db }).list();
  const validNow = (p: { validFrom: number | null; validTo: number | null }) => (p.validFrom ?? -Infinity) <= now && (p.validTo ?? Infinity) > now;
  const held = new Set(list.flatMap((m) => m.ports.filter(validNow).map((p) => `${p.switch}\u0000${p.port}`)));
  return list.map((m) => {
    const cur = m.ports.filter(validNow);
    const ports = cur.length || !m.left ? cur : m.ports.filter((p) => p.validTo !== null && p.validTo <= now && !held.has(`${p.switch}\u0000${p.port}`));
    return {
      asn: m.asn, name: m.name.value, category: m.category.value, buysTransit: m.buysTransit.value, transitPricePerMbps: m.transitPricePerMbps?.value,
      portFeePerMonth: m.portFeePerMonth.value, joined: m.joined?.value, left: m.left?.value, ports: ports.map((p) => ({ switch: p.switch, port: p.port })),
    } as MemberConfig;
  });
}

function monthRowsOf(store: Store, month: string): Map<number, MonthRow> {
  const rows = store.db.prepare('SELECT asn, json FROM member_months WHERE month = ?').all(month) as { asn: number; json: string }[];
  return new Map(rows.map((r) => [r.asn, JSON.parse(r.json) as MonthRow]));
}

const close = (a: number | null | undefined, b: number | null | undefined, what: string) => {
  if (a === null || a === undefined || b === null || b === undefined) { expect(a ?? null, what).toBe(b ?? null); return; }
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

/** The stored month rows against the dashboard's figures of the same month at the same `now`. */
async function expectDashboardFigures(store: Store, cfg: FiguresConfig, month: string, now: number): Promise<void> {
  const service = createService({
    reader: createSqliteReader(store.db),
    ixps: [{ ixp: cfg.ixp!, members: heldNow(cfg, store, now), publicMembers: false, ifAlias: true, pollInterval: 300 }],
    now: () => now,
  });
  const tz = cfg.ixp!.timezone;
  const r = monthRange(month, tz);
  const period = { ...r, preset: 'month', timezone: tz };
  const rows = monthRowsOf(store, month);
  const old = await service.memberRows('tix', period);
  expect(old.length).toBeGreaterThan(0);
  for (const m of old) {
    const n = rows.get(m.asn);
    expect(n, `AS${m.asn} ${month}`).toBeDefined();
    const w = `AS${m.asn} ${month}`;
    close(n!.bytesIn, m.bytes, `${w} bytes`);
    close(n!.p95InMbps, m.p95.inMbps, `${w} p95 in`);
    close(n!.p95OutMbps, m.p95.outMbps, `${w} p95 out`);
    close(n!.p95Mbps, m.p95.mbps, `${w} p95`);
    expect(n!.p95Samples, `${w} samples`).toBe(m.p95.samples);
    close(n!.peakBps, m.peakBps, `${w} peak`);
    close(n!.transitSaved, m.transitSaved, `${w} saved`);
    close(n!.netSaved, m.netSaved, `${w} net`);
    close(n!.portFee, m.portFee, `${w} fee`);
    close(n!.coverage, m.coverage, `${w} coverage`);
    close(n!.connectedShare, m.connectedShare, `${w} connected`);
    // The dashboard took a port's utilisation over the whole month, also while the port was nobody's (before a
    // join, after a leave); the windows are attributed at their time now: compare where no date bounds the member.
    const cfgM = heldNow(cfg, store, now).find((x) => x.asn === m.asn);
    if (!cfgM?.joined && !cfgM?.left) close(n!.maxUtil, m.maxUtil, `${w} max util`);
    if (m.transitSavedProjected !== undefined) {
      close(n!.transitSavedProjected, m.transitSavedProjected, `${w} saved projected`);
      close(n!.netSavedProjected, m.netSavedProjected, `${w} net projected`);
    }
    expect(n!.complete).toBe(now >= r.to);
    // A finished month keeps the time it was last computed at (its figures no longer move).
    if (now < r.to) expect(n!.computedAt).toBe(now); else expect(n!.computedAt).toBeLessThanOrEqual(now);
  }
  const s = await service.summary('tix', period);
  const x = rows.get(0)!;
  close(x.bytesIn, s.bytes, `IXP ${month} bytes`);
  close(x.p95InMbps, s.p95.inMbps, `IXP ${month} p95 in`);
  close(x.p95OutMbps, s.p95.outMbps, `IXP ${month} p95 out`);
  expect(x.p95Samples).toBe(s.p95.samples);
  close(x.peakBps, s.peakBps, `IXP ${month} peak`);
  close(x.transitSaved, s.transitSaved, `IXP ${month} saved`);
  close(x.netSaved, s.netSaved, `IXP ${month} net`);
  close(x.peakMethodSaved, s.peakMethodSaved, `IXP ${month} peak method`);
  close(x.localContentShare, s.localContentShare, `IXP ${month} content share`);
  close(x.coverage, s.coverage, `IXP ${month} coverage`);
  if (s.transitSavedProjected !== undefined) {
    close(x.transitSavedProjected, s.transitSavedProjected, `IXP ${month} saved projected`);
    close(x.netSavedProjected, s.netSavedProjected, `IXP ${month} net projected`);
  }
}

/** Everything the figures tables hold (month rows without their computation time). */
function snapshot(store: Store): { windows: unknown[]; months: unknown[] } {
  return {
    windows: store.db.prepare('SELECT * FROM member_windows ORDER BY asn, t').all(),
    months: (store.db.prepare('SELECT month, asn, complete, json FROM member_months ORDER BY month, asn').all() as { month: string; asn: number; complete: number; json: string }[])
      .map((r) => ({ ...r, json: { ...JSON.parse(r.json), computedAt: 0 } })),
  };
}

const dirs: string[] = [];
function newStore(figures?: ReturnType<typeof createFigures>): Store {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-figures-'));
  dirs.push(dir);
  const s = createStore({ path: path.join(dir, 'ixmeter.db'), retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } }, { figures });
  s.open();
  return s;
}
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('figures written as windows close', () => {
  let store: Store;
  let figures: ReturnType<typeof createFigures>;
  beforeAll(async () => {
    figures = createFigures(config());
    store = newStore(figures);
    saveRoles(store.db, SW, [{ switch: SW, port: 'Gi0/0', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk "^Gi"' }], START);
    storeMrtgRows(store.db, SW, 'Fif1/0/1', mrtgRows());
    await figures.start(store.db); // computes the imported history, then every window closes live
    writeHistory(store);
    await figures.idle();
  }, 240_000);

  it('member windows: every member and the IXP, trunk and unclaimed ports counted for nobody', () => {
    const asns = (store.db.prepare('SELECT DISTINCT asn FROM member_windows ORDER BY asn').all() as { asn: number }[]).map((r) => r.asn);
    expect(asns).toEqual([0, 65001, 65002, 65003, 65004, 65005]);
    // C's port before C joined, and D's after D left, are nobody's.
    const c = store.db.prepare('SELECT min(t) AS t FROM member_windows WHERE asn = 65003').get() as { t: number };
    expect(c.t).toBe(Date.UTC(2026, 1, 24));
    const d = store.db.prepare('SELECT max(t) AS t FROM member_windows WHERE asn = 65004').get() as { t: number };
    expect(d.t).toBe(Date.UTC(2026, 2, 2) - 300_000);
    // The daily MRTG row of 20 February lies under live 5-minute windows: dropped; January's coarse rows kept.
    const coarse = store.db.prepare('SELECT res, count(*) AS n FROM member_windows WHERE asn = 65001 AND res > 300 GROUP BY res ORDER BY res').all();
    expect(coarse).toEqual([{ res: 7200, n: 120 }, { res: 86400, n: 9 }]);
    // The IXP's window is the sum of the members' (each while a member).
    const t = Date.UTC(2026, 1, 25, 12);
    const sum = store.db.prepare('SELECT sum(in_bps) AS i, sum(ports) AS p FROM member_windows WHERE asn > 0 AND t = ?').get(t) as { i: number; p: number };
    const ixp = store.db.prepare('SELECT in_bps AS i, ports AS p FROM member_windows WHERE asn = 0 AND t = ?').get(t) as { i: number; p: number };
    expect(ixp.p).toBe(sum.p);
    close(ixp.i, sum.i, 'IXP window');
  });

  it('month rows equal the dashboard\'s figures: MRTG-only January, finished February, March in progress', async () => {
    const now = Number((store.db.prepare("SELECT value FROM meta WHERE key = 'figures.upTo'").get() as { value: string }).value);
    expect(now).toBe(Math.floor(END / 300_000) * 300_000);
    for (const month of ['2026-01', '2026-02', '2026-03']) await expectDashboardFigures(store, config(), month, now);
    const feb = monthRowsOf(store, '2026-02');
    expect(feb.get(0)!.complete).toBe(true);
    expect(monthRowsOf(store, '2026-03').get(0)!.complete).toBe(false);
    expect(feb.get(65003)!.connectedShare).toBeCloseTo(5 / 28, 12); // joined the 24th
    expect(monthRowsOf(store, '2026-03').get(65004)!.connectedShare).toBeCloseTo(1 / 31, 12); // left the 2nd
  });

  it('the outbox points at every row written', () => {
    const missing = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
    expect(missing(`SELECT count(*) AS n FROM member_windows w LEFT JOIN
      (SELECT DISTINCT asn, t FROM figures_outbox WHERE kind = 'window') o ON o.asn = w.asn AND o.t = w.t WHERE o.asn IS NULL`)).toBe(0);
    expect(missing(`SELECT count(*) AS n FROM member_months m LEFT JOIN
      (SELECT DISTINCT asn, key FROM figures_outbox WHERE kind = 'month') o ON o.asn = m.asn AND o.key = m.month WHERE o.asn IS NULL`)).toBe(0);
    // The daily MRTG row under the live windows was written first, then deleted for the windows that replaced it.
    const del = store.db.prepare("SELECT min(seq) AS s FROM figures_outbox WHERE kind = 'delete-windows' AND asn = 65001").get() as { s: number | null };
    expect(del.s).not.toBeNull();
  });

  it('live figures equal a fresh rebuild', async () => {
    const live = snapshot(store);
    await rebuildFigures(store.db, config());
    expect(snapshot(store)).toEqual(live);
  });

  it('a port moved from one member to another in a finished month, and a join date changed: equal to a fresh rebuild, deletes first', async () => {
    const db = store.db;
    const feb27 = Date.UTC(2026, 1, 27);
    // An import names AS65006 the holder of Fif1/0/7 (nobody's so far) …
    db.prepare("INSERT INTO members (asn, name, name_source, category, category_source, port_fee_per_month, port_fee_source, updated_at) VALUES (65006, 'Imported E', 'ixf', 'isp', 'ixf', 0, 'default', 0), (65007, 'Imported F', 'ixf', 'isp', 'ixf', 0, 'default', 0)").run();
    db.prepare("INSERT INTO member_ports (asn, switch, port, valid_from, valid_to, source) VALUES (65006, ?, 'Fif1/0/7', NULL, NULL, 'ixf+ifalias')").run(SW);
    expect(await syncFigures(db, config())).toBe('updated');
    expect((db.prepare('SELECT count(*) AS n FROM member_windows WHERE asn = 65006').get() as { n: number }).n).toBeGreaterThan(3000);
    // … then the port moves to AS65007 on 27 February, and C's join date moves two days earlier.
    const seq0 = (db.prepare('SELECT max(seq) AS s FROM figures_outbox').get() as { s: number }).s;
    db.prepare("UPDATE member_ports SET valid_to = ? WHERE asn = 65006").run(feb27);
    db.prepare("INSERT INTO member_ports (asn, switch, port, valid_from, valid_to, source) VALUES (65007, ?, 'Fif1/0/7', ?, NULL, 'ixf+ifalias')").run(SW, feb27);
    const moved = config(MEMBERS.map((m) => (m.asn === 65003 ? { ...m, joined: '2026-02-22' } : m)));
    expect(await syncFigures(db, moved)).toBe('updated');
    // No stale window: AS65006 holds nothing from the move on; AS65007 holds it from then.
    expect((db.prepare('SELECT count(*) AS n FROM member_windows WHERE asn = 65006 AND t >= ?').get(feb27) as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT min(t) AS t FROM member_windows WHERE asn = 65007').get() as { t: number }).t).toBe(feb27);
    expect((db.prepare('SELECT min(t) AS t FROM member_windows WHERE asn = 65003').get() as { t: number }).t).toBe(Date.UTC(2026, 1, 22));
    // The outbox deletes AS65006's old windows before anything rewritten for it.
    const after = db.prepare('SELECT seq, kind, asn, t, t_to FROM figures_outbox WHERE seq > ? ORDER BY seq').all(seq0) as { seq: number; kind: string; asn: number | null; t: number | null; t_to: number | null }[];
    const del = after.find((r) => r.kind === 'delete-windows' && r.asn === 65006);
    expect(del).toBeDefined();
    expect(del!.t!).toBeLessThanOrEqual(feb27);
    expect(del!.t_to!).toBeGreaterThan(feb27);
    expect(after.filter((r) => r.kind === 'window' && r.asn === 65006).every((r) => r.seq > del!.seq)).toBe(true);
    expect(after.some((r) => r.kind === 'window' && r.asn === 65007)).toBe(true);
    // Members whose windows did not change get no delete and no rewritten row.
    expect(after.filter((r) => r.asn === 65002 && r.kind.endsWith('windows') || (r.asn === 65002 && r.kind === 'window'))).toEqual([]);
    expect(after.some((r) => r.kind === 'month' && r.asn === 0)).toBe(true);
    const synced = snapshot(store);
    await rebuildFigures(db, moved);
    expect(snapshot(store)).toEqual(synced);
    // And still what the dashboard computes for the finished month (the port's holder now owning it all along
    // would differ: compare the month before the move's effects only where attribution did not change).
    const now = Number((db.prepare("SELECT value FROM meta WHERE key = 'figures.upTo'").get() as { value: string }).value);
    await expectDashboardFigures(store, moved, '2026-01', now);
  });
});

describe('a store of the previous version (no figures) on first start', () => {
  it('gets its figures from the rollups; the other tables keep their rows', async () => {
    const store = newStore(); // written without figures, as before migration 009 was filled
    saveRoles(store.db, SW, [{ switch: SW, port: 'Gi0/0', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk "^Gi"' }], START);
    storeMrtgRows(store.db, SW, 'Fif1/0/1', mrtgRows());
    writeHistory(store);
    const count = (t: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const tables = ['rates', 'rollups', 'polls', 'ports', 'last_sample', 'rollup_marks', 'port_roles'];
    const before = Object.fromEntries(tables.map((t) => [t, count(t)]));
    expect(count('member_windows')).toBe(0);
    const figures = createFigures(config());
    await figures.start(store.db);
    expect(Object.fromEntries(tables.map((t) => [t, count(t)]))).toEqual(before);
    expect(count('member_windows')).toBeGreaterThan(6 * 3000);
    const now = Number((store.db.prepare("SELECT value FROM meta WHERE key = 'figures.upTo'").get() as { value: string }).value);
    for (const month of ['2026-01', '2026-02', '2026-03']) await expectDashboardFigures(store, config(), month, now);
    store.close();
  }, 240_000);
});

describe('an IXP east of UTC (Indian/Maldives, UTC+5)', () => {
  it('months, joins and leaves at local midnight: equal to the dashboard\'s figures', async () => {
    const store = newStore();
    saveRoles(store.db, SW, [{ switch: SW, port: 'Gi0/0', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk "^Gi"' }], START);
    writeHistory(store);
    const cfg = config(MEMBERS, 'Indian/Maldives');
    await createFigures(cfg).start(store.db);
    // C joined on 24 February, local midnight: 19:00 UTC the day before.
    const c = store.db.prepare('SELECT min(t) AS t FROM member_windows WHERE asn = 65003').get() as { t: number };
    expect(c.t).toBe(Date.UTC(2026, 1, 23, 19));
    const now = Number((store.db.prepare("SELECT value FROM meta WHERE key = 'figures.upTo'").get() as { value: string }).value);
    for (const month of ['2026-02', '2026-03']) await expectDashboardFigures(store, cfg, month, now);
    store.close();
  }, 240_000);
});

describe('MRTG history imported into the running month while the collector runs', () => {
  it('the next closed window reads the month again from the store: equal to a fresh rebuild', async () => {
    const figures = createFigures(config());
    const store = newStore(figures);
    await figures.start(store.db);
    const sw = new SynthSwitch(SW, 8);
    const live = Date.UTC(2026, 2, 2); // the collector polls from 2 March
    const poll = (from: number, to: number) => store.db.transaction(() => {
      for (let t = from; t < to; t += 300_000) { const p = sw.poll(t + 7_000); store.writePoll(p.poll, p.sample, p.result); }
    })();
    poll(live, live + 6 * H);
    await figures.idle();
    const before = monthRowsOf(store, '2026-03').get(65001)!.bytesIn!;
    // `ixmeter import mrtg` in its own process: 1 March of Fif1/0/1 at 5 minutes, 10 Mbit/s in.
    const rows: MrtgRow[] = [];
    for (let t = Date.UTC(2026, 2, 1); t < live; t += 300_000) rows.push({ line: rows.length + 1, t, res: 300, inBpsAvg: 1e7, outBpsAvg: 5e6, inBpsMax: 1e7, outBpsMax: 5e6, coverage: 1 });
    const cli = openDatabase(store.db.name);
    const r = storeMrtgRows(cli, SW, 'Fif1/0/1', rows);
    await refreshFigures(cli, config(), r.from!, r.to!);
    cli.close();
    poll(live + 6 * H, live + 7 * H);
    await figures.idle();
    const after = monthRowsOf(store, '2026-03').get(65001)!.bytesIn!;
    expect(after - before).toBeGreaterThan(1e7 / 8 * 86_400); // the imported day (1.08e11 bytes) and the new hour
    const liveRows = snapshot(store);
    await rebuildFigures(store.db, config());
    expect(snapshot(store)).toEqual(liveRows);
    store.close();
  }, 120_000);
});
