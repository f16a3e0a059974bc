// Figures at the collector (issue 11): when 5-minute windows close, each member's window and the IXP's (asn 0) are
// written to member_windows and the months they touch to member_months, with figures_outbox rows for the forwarder.
// A change of the member registry recomputes what it touches; rebuildFigures computes everything from the rollups.
// The maths are collector/figures (pure); this file only reads and writes the store. Never talks to InfluxDB.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { getLogger } from '../log.ts';
import { resolveMembers } from '../members/index.ts';
import type { MemberRegistry } from '../members/registry.ts';
import { membershipBounds, monthOf, monthRange } from '../figures/calendar.ts';
import type { Membership } from '../figures/partmonth.ts';
import { IXP_ASN, memberWindows, toSample, type MemberSample, type MemberWindowRow, type Owner, type PortWindow } from '../figures/windows.ts';
import { ixpMonthRow, memberMonthRow, memberMonthRowOf, windowStats, type MonthMember, type MonthRow, type MonthSpan, type WindowStats } from '../figures/months.ts';
import type { DB } from './sqlite.ts';
import { withPortMonths } from './portMonths.ts';
import { sec } from './rollupRows.ts';

/** The parts of the config figures are computed from. */
export type FiguresConfig = Pick<Config, 'members' | 'memberSources'> & { ixp?: Config['ixp'] };

const W = 300_000;
const DAY = 86_400_000;
/** Resolutions of imported history (MRTG) that count where no 5-minute window exists. */
const COARSE = [1800, 7200, 86400];
const FP_KEY = 'figures.fingerprint';
const UPTO_KEY = 'figures.upTo';
/**
 * Counts recomputations of past windows by another process (an MRTG import): a running collector that sees it move
 * reads its running month's windows from the store again rather than closing the next window over a stale copy.
 */
const GEN_KEY = 'figures.generation';

/** Prepared statements per handle. A statement made raw() stays raw: give such a query its own text. */
const statements = new WeakMap<DB, Map<string, Database.Statement<unknown[]>>>();
function prep(db: DB, sql: string): Database.Statement<unknown[]> {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare<unknown[]>(sql)));
  return st;
}

// ---------------------------------------------------------------------------------------------------------------
// The port rollups: the only two reads of the rollups table here (its layout is the store's, see rollup.ts).

/**
 * Port windows of [from, to): 5-minute rollups of any source starting in it, and imported (MRTG) windows coarser
 * than 5 minutes that overlap it (they may start before `from` or end after `to`).
 */
export function readPortWindows(db: DB, from: number, to: number): PortWindow[] {
  const out: PortWindow[] = [];
  const fine = prep(db, `SELECT p.switch, p.name, r.t, r.in_bps_avg, r.out_bps_avg, r.coverage, r.util_in_max, r.util_out_max
    FROM ports p CROSS JOIN rollups r ON r.port_id = p.id WHERE r.res = 300 AND r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.port_id`).raw();
  for (const row of fine.iterate(sec(from), sec(to))) {
    const [sw, port, t, i, o, c, ui, uo] = row as [string, string, number, number | null, number | null, number, number | null, number | null];
    out.push({ switch: sw, port, t, res: 300, inBps: i, outBps: o, coverage: c, utilIn: ui, utilOut: uo });
  }
  const coarse = prep(db, `SELECT p.switch, p.name, r.t, r.res, r.in_bps_avg, r.out_bps_avg, r.coverage
    FROM ports p CROSS JOIN rollups r ON r.port_id = p.id
    WHERE r.res IN (${COARSE.join(', ')}) AND r.source = 'mrtg' AND r.ts >= ? AND r.ts < ? AND r.t + r.res * 1000 > ? ORDER BY r.ts, r.res, r.port_id`).raw();
  for (const row of coarse.iterate(sec(from - DAY), sec(to), from)) {
    const [sw, port, t, res, i, o, c] = row as [string, string, number, number, number | null, number | null, number];
    out.push({ switch: sw, port, t, res, inBps: i, outBps: o, coverage: c, utilIn: null, utilOut: null });
  }
  return out;
}

/** [from, to) of every port window figures read (5-minute rollups and imported history); null when none. */
export function rollupExtent(db: DB): { from: number; to: number } | null {
  // Per port through the (port_id, res, ts) key: the first and last 5-minute window, and imported history's.
  const r = prep(db, `SELECT min(a) AS a, max(b) AS b FROM (
      SELECT (SELECT min(ts) FROM rollup_rows WHERE port_id = p.id AND res = 300) * 1000 AS a,
             (SELECT max(ts) FROM rollup_rows WHERE port_id = p.id AND res = 300) * 1000 + 300000 AS b FROM ports p
      UNION ALL
      SELECT min(r.t), max(r.t + r.res * 1000) FROM ports p CROSS JOIN rollups r ON r.port_id = p.id
       WHERE r.res IN (${COARSE.join(', ')}) AND r.source = 'mrtg')`).get() as { a: number | null; b: number | null };
  return r.a === null || r.b === null ? null : { from: r.a, to: r.b };
}

// ---------------------------------------------------------------------------------------------------------------
// What figures are computed from: the member registry's attribution and the members' figures inputs.

/** A port's owner over time: [from, to) (null: unbounded) → asn. */
type Interval = [from: number | null, to: number | null, asn: number];

/** What the stored figures were computed from (kept in meta, compared on every check). */
export interface Fingerprint {
  v: 1;
  ixp: { price: number; tz: string; launched: string | null };
  /** asn → [category, buysTransit, price (resolved), port fee, membership start, membership end]. */
  members: Record<string, [string, boolean, number, number, number | null, number | null]>;
  /** "switch\u0000port" → its owners over time. */
  ports: Record<string, Interval[]>;
}

/** The attribution and member inputs of one registry state. */
export interface Attribution {
  owner: Owner;
  members: MonthMember[];
  membership: (asn: number) => Membership | undefined;
  tz: string;
  price: number;
  fingerprint: Fingerprint;
}

/** A port's owners over time, exactly as registry.memberForPort answers at each instant. */
function intervalsOf(reg: MemberRegistry, sw: string, port: string, bounds: number[]): Interval[] {
  const bs = [...new Set(bounds)].sort((a, b) => a - b);
  const out: Interval[] = [];
  const push = (from: number | null, to: number | null, at: number) => {
    const asn = reg.memberForPort(sw, port, at)?.asn;
    if (asn === undefined) return;
    const last = out[out.length - 1];
    if (last && last[2] === asn && last[1] === from) { last[1] = to; return; }
    out.push([from, to, asn]);
  };
  if (bs.length === 0) { push(null, null, 0); return out; }
  push(null, bs[0]!, bs[0]! - 1);
  for (let i = 0; i < bs.length; i++) push(bs[i]!, bs[i + 1] ?? null, bs[i]!);
  return out;
}

/** The registry's attribution and member inputs (as the dashboard resolved them: config, stored import, ifAlias, roles). */
export function attributionFromRegistry(config: FiguresConfig, reg: MemberRegistry): Attribution {
  const tz = config.ixp?.timezone ?? 'UTC';
  const price = config.ixp?.transitPricePerMbps ?? 0;
  const launched = config.ixp?.launched;
  const members: MonthMember[] = [];
  const fpm: Fingerprint['members'] = {};
  const byPort = new Map<string, { sw: string; port: string; bounds: number[] }>();
  for (const m of reg.list()) {
    const membership = membershipBounds({ joined: m.joined?.value, left: m.left?.value }, launched, tz);
    const mm: MonthMember = {
      asn: m.asn, category: String(m.category.value), buysTransit: m.buysTransit.value,
      transitPricePerMbps: m.transitPricePerMbps?.value ?? price, portFeePerMonth: m.portFeePerMonth.value, membership,
    };
    members.push(mm);
    fpm[m.asn] = [mm.category, mm.buysTransit, mm.transitPricePerMbps, mm.portFeePerMonth, membership.start, membership.end];
    for (const p of m.ports) {
      const k = `${p.switch}\u0000${p.port}`;
      let e = byPort.get(k);
      if (!e) byPort.set(k, (e = { sw: p.switch, port: p.port, bounds: [] }));
      if (p.validFrom !== null) e.bounds.push(p.validFrom);
      if (p.validTo !== null) e.bounds.push(p.validTo);
    }
  }
  const ports: Fingerprint['ports'] = {};
  for (const k of [...byPort.keys()].sort()) {
    const e = byPort.get(k)!;
    const iv = intervalsOf(reg, e.sw, e.port, e.bounds);
    if (iv.length) ports[k] = iv;
  }
  const byAsn = new Map(members.map((m) => [m.asn, m.membership]));
  return {
    owner: (sw, port, t) => {
      const iv = ports[`${sw}\u0000${port}`];
      if (!iv) return undefined;
      for (const [a, b, asn] of iv) if ((a === null || a <= t) && (b === null || t < b)) return asn;
      return undefined;
    },
    members, membership: (asn) => byAsn.get(asn), tz, price,
    fingerprint: { v: 1, ixp: { price, tz, launched: launched ?? null }, members: fpm, ports },
  };
}

/** The current attribution: the member registry over the store (config, stored import, files, ifAlias, port roles). */
export function attributionOf(config: FiguresConfig, db: DB): Attribution {
  return attributionFromRegistry(config, resolveMembers(config, { db }));
}

// ---------------------------------------------------------------------------------------------------------------
// Writing windows and months, with the outbox.

interface WinRow { t: number; res: number; in_bps: number | null; out_bps: number | null; coverage: number; ports: number; max_util: number | null }

function outbox(db: DB, kind: string, asn: number | null, t: number | null, tTo: number | null, key: string | null): void {
  prep(db, 'INSERT INTO figures_outbox (kind, asn, t, t_to, key) VALUES (?, ?, ?, ?, ?)').run(kind, asn, t, tTo, key);
}

/** Every asn with a row in member_windows (a skip-scan over the primary key). */
export function windowAsns(db: DB): number[] {
  const rows = prep(db, `WITH RECURSIVE a(x) AS (SELECT min(asn) FROM member_windows
      UNION ALL SELECT (SELECT min(asn) FROM member_windows WHERE asn > a.x) FROM a WHERE a.x IS NOT NULL)
    SELECT x FROM a WHERE x IS NOT NULL`).all() as { x: number }[];
  return rows.map((r) => r.x);
}

const lost = (a: number | null, b: number | null) => a !== null && b === null;

/**
 * Makes member_windows in [from, to) equal `rows` for every asn in `asns` or in `rows`. An asn whose rows lose a
 * value (a row gone, a field turned null) gets a 'delete-windows' outbox row over the span and all its rows again;
 * otherwise only new or changed rows are written, each with a 'window' outbox row. Returns the asns that changed.
 */
export function replaceWindows(db: DB, from: number, to: number, rows: readonly MemberWindowRow[], asns: Iterable<number>): Set<number> {
  const byAsn = new Map<number, MemberWindowRow[]>();
  for (const r of rows) (byAsn.get(r.asn) ?? byAsn.set(r.asn, []).get(r.asn)!).push(r);
  const read = prep(db, 'SELECT t, res, in_bps, out_bps, coverage, ports, max_util FROM member_windows WHERE asn = ? AND t >= ? AND t < ?');
  const del = prep(db, 'DELETE FROM member_windows WHERE asn = ? AND t >= ? AND t < ?');
  const put = prep(db, `INSERT INTO member_windows (asn, t, res, in_bps, out_bps, coverage, ports, max_util) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (asn, t) DO UPDATE SET res = excluded.res, in_bps = excluded.in_bps, out_bps = excluded.out_bps,
      coverage = excluded.coverage, ports = excluded.ports, max_util = excluded.max_util`);
  const changed = new Set<number>();
  for (const asn of new Set([...asns, ...byAsn.keys()])) {
    const neu = byAsn.get(asn) ?? [];
    const old = new Map((read.all(asn, from, to) as WinRow[]).map((o) => [o.t, o]));
    if (old.size === 0 && neu.length === 0) continue;
    const nb = new Map(neu.map((n) => [n.t, n]));
    let wipe = false;
    for (const [t, o] of old) {
      const n = nb.get(t);
      if (!n || lost(o.in_bps, n.inBps) || lost(o.out_bps, n.outBps) || lost(o.max_util, n.maxUtil)) { wipe = true; break; }
    }
    if (wipe) { del.run(asn, from, to); outbox(db, 'delete-windows', asn, from, to, null); changed.add(asn); }
    for (const n of neu) {
      const o = wipe ? undefined : old.get(n.t);
      if (o && o.res === n.res && o.in_bps === n.inBps && o.out_bps === n.outBps && o.coverage === n.coverage && o.ports === n.ports && o.max_util === n.maxUtil) continue;
      put.run(asn, n.t, n.res, n.inBps, n.outBps, n.coverage, n.ports, n.maxUtil);
      outbox(db, 'window', asn, n.t, null, null);
      changed.add(asn);
    }
  }
  return changed;
}

/** One asn's windows in [from, to), oldest first. */
export function readMemberWindows(db: DB, asn: number, from: number, to: number): MemberSample[] {
  return (prep(db, 'SELECT t, res, in_bps, out_bps, coverage, ports, max_util FROM member_windows WHERE asn = ? AND t >= ? AND t < ? ORDER BY t').all(asn, from, to) as WinRow[])
    .map((r) => toSample({ asn, t: r.t, res: r.res, inBps: r.in_bps, outBps: r.out_bps, coverage: r.coverage, ports: r.ports, maxUtil: r.max_util }));
}

/** The stored month rows of a month, by asn. */
export function readMonthRows(db: DB, month: string): Map<number, MonthRow> {
  const rows = prep(db, 'SELECT asn, json FROM member_months WHERE month = ?').all(month) as { asn: number; json: string }[];
  return new Map(rows.map((r) => [r.asn, JSON.parse(r.json) as MonthRow]));
}

const NULLABLE = ['p95InMbps', 'p95OutMbps', 'p95Mbps', 'peakBps', 'maxUtil', 'peakMethodSaved', 'localContentShare', 'members'] as const;
const sameFigures = (a: MonthRow, b: MonthRow) => JSON.stringify({ ...a, computedAt: 0 }) === JSON.stringify({ ...b, computedAt: 0 });

/**
 * Makes member_months of `span` equal `rows` (an asn not in `rows` loses its row, with a 'delete-months' outbox row).
 * A row whose figures did not change is left as it is; a row that loses a value is deleted before it is written again.
 */
export function writeMonthRows(db: DB, span: MonthSpan, rows: readonly MonthRow[], dropOthers = true): void {
  const old = readMonthRows(db, span.month);
  const put = prep(db, `INSERT INTO member_months (month, asn, complete, computed_at, json) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (month, asn) DO UPDATE SET complete = excluded.complete, computed_at = excluded.computed_at, json = excluded.json`);
  const del = prep(db, 'DELETE FROM member_months WHERE month = ? AND asn = ?');
  const seen = new Set<number>();
  for (const r of rows) {
    seen.add(r.asn);
    const o = old.get(r.asn);
    if (o && sameFigures(o, r)) continue;
    if (o && NULLABLE.some((k) => o[k] !== null && r[k] === null)) outbox(db, 'delete-months', r.asn, span.from, span.to, span.month);
    put.run(span.month, r.asn, r.complete ? 1 : 0, r.computedAt, JSON.stringify(r));
    outbox(db, 'month', r.asn, span.from, null, span.month);
  }
  if (!dropOthers) return;
  for (const asn of old.keys()) {
    if (seen.has(asn)) continue;
    del.run(span.month, asn);
    outbox(db, 'delete-months', asn, span.from, span.to, span.month);
  }
}

/** The calendar months (IXP time zone) overlapping [from, to). */
export function monthsOf(from: number, to: number, tz: string): MonthSpan[] {
  const out: MonthSpan[] = [];
  if (!(to > from)) return out;
  let m = monthOf(from, tz);
  for (;;) {
    const r = monthRange(m, tz);
    if (r.from >= to) break;
    out.push({ month: m, ...r });
    m = monthOf(r.to, tz);
  }
  return out;
}

/**
 * Recomputes the month rows of `span` at `now` from member_windows: every member of `att` when `asns` is 'all',
 * else those in `asns` (the others keep their stored rows), and always the IXP's from the members' rows.
 */
export function recomputeMonth(db: DB, att: Attribution, span: MonthSpan, now: number, asns: Set<number> | 'all' = 'all', statsOf?: (asn: number, membership: Membership) => WindowStats): void {
  const stored = asns === 'all' ? new Map<number, MonthRow>() : readMonthRows(db, span.month);
  const stats = statsOf ?? ((asn: number, m: Membership) => windowStats(readMemberWindows(db, asn, span.from, span.to), m));
  const list = att.members.map((m) => {
    const keep = asns === 'all' || asns.has(m.asn) ? undefined : stored.get(m.asn);
    // A stored row counts as it is when its figures cannot have moved: computed at this `now`, or final and still final.
    const ok = keep && (keep.computedAt === now || (keep.complete && now >= span.to));
    return { category: m.category, row: ok ? keep : memberMonthRowOf(m, stats(m.asn, m.membership), span, now) };
  });
  const ixp = ixpMonthRow(att.price, list, stats(IXP_ASN, { start: null, end: null }), span, now);
  // Each port's month, the sources and the good-poll windows (read again hourly for the running month, at once otherwise).
  const owners = createHash('sha256').update(JSON.stringify(att.fingerprint.ports)).digest('base64url');
  writeMonthRows(db, span, withPortMonths(db, span, [...list.map((x) => x.row), ixp], { owner: att.owner, owners, now, force: statsOf === undefined }));
}

// ---------------------------------------------------------------------------------------------------------------
// Recomputing spans of windows (close, registry change, imported history, rebuild).

/**
 * Recomputes member_windows over [from, to) (widened to whole UTC days when imported coarse windows overlap it, so
 * that a coarse window is always judged with every 5-minute window inside it). Returns the span written.
 */
export function recomputeWindows(db: DB, att: Attribution, from: number, to: number, asns: Iterable<number>): { from: number; to: number; changed: Set<number> } {
  let pw = readPortWindows(db, from, to);
  if (pw.some((w) => w.res !== 300 && (w.t < from || w.t + w.res * 1000 > to))) {
    from = Math.floor(from / DAY) * DAY;
    to = Math.ceil(to / DAY) * DAY;
    pw = readPortWindows(db, from, to);
  }
  const rows = memberWindows(pw.filter((w) => w.t >= from && w.t < to), att.owner, att.membership);
  return { from, to, changed: replaceWindows(db, from, to, rows, asns) };
}

/** The end of the last closed 5-minute window any switch has (rollup marks), or of the imported history. */
function closedUpTo(db: DB): number | null {
  const m = prep(db, 'SELECT max(next_t) AS m FROM rollup_marks WHERE res = 300').get() as { m: number | null };
  const e = rollupExtent(db);
  const up = Math.max(m.m ?? -Infinity, e?.to ?? -Infinity);
  return Number.isFinite(up) ? up : null;
}

function getMeta(db: DB, key: string): string | undefined {
  return (prep(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}
function setMeta(db: DB, key: string, value: string): void {
  prep(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Options of {@link rebuildFigures} and {@link syncFigures}. */
export interface RebuildOptions {
  log?: Logger;
  /** Days of windows per transaction before the event loop gets a turn (default 0.25: 6 hours, ~14,400 port windows at 200 ports). */
  daysPerChunk?: number;
  /** Lets the event loop run between chunks (default: setImmediate). */
  pause?: () => Promise<void>;
  /** The attribution to use (default: the member registry over the store). */
  attribution?: Attribution;
}

const immediate = () => new Promise<void>((r) => setImmediate(r));

/** Recomputes every window of [from, to) in day chunks, yielding between them; returns the months touched. */
async function windowsInChunks(db: DB, att: Attribution, from: number, to: number, asns: number[], opts: RebuildOptions): Promise<void> {
  const step = (opts.daysPerChunk ?? 0.25) * DAY;
  const pause = opts.pause ?? immediate;
  for (let a = Math.floor(from / DAY) * DAY; a < to; a += step) {
    const b = Math.min(a + step, Math.ceil(to / DAY) * DAY);
    db.transaction(() => recomputeWindows(db, att, Math.max(a, from), Math.min(b, to), asns))();
    await pause();
  }
}

/**
 * Computes every member window and month from the port rollups, replacing what member_windows and member_months
 * hold (a store from before migration 009 has neither; a time-zone or price change of the IXP changes every month).
 * Runs in day chunks with the event loop free between them. Stores the fingerprint and the figures' `now`.
 */
export async function rebuildFigures(db: DB, config: FiguresConfig, opts: RebuildOptions = {}): Promise<{ windows: number; months: number }> {
  const log = opts.log ?? getLogger('collector:figures');
  const att = opts.attribution ?? attributionOf(config, db);
  const extent = rollupExtent(db);
  const now = closedUpTo(db);
  db.transaction(() => {
    if (!extent) return; // nothing to compute from: what is stored stays
    // What the rollups still cover goes and is computed again: the forwarder deletes it downstream before the rows
    // that follow. Windows and months older than the rollups (retention) cannot be recomputed and stay as they are.
    const monthFrom = monthRange(monthOf(extent.from, att.tz), att.tz).from;
    const hi = Math.max(now ?? -Infinity, extent.to, ...(prep(db, 'SELECT month FROM member_months ORDER BY month DESC LIMIT 1').all() as { month: string }[]).map((m) => monthRange(m.month, att.tz).to));
    const w = prep(db, 'DELETE FROM member_windows WHERE t >= ?').run(extent.from).changes;
    const stale = (prep(db, 'SELECT DISTINCT month FROM member_months').all() as { month: string }[]).map((m) => m.month).filter((m) => monthRange(m, att.tz).to > monthFrom);
    for (const m of stale) prep(db, 'DELETE FROM member_months WHERE month = ?').run(m);
    if (w > 0) outbox(db, 'delete-windows', null, extent.from, hi, null);
    if (stale.length) outbox(db, 'delete-months', null, monthFrom, hi, null);
  })();
  let months = 0;
  if (extent && now !== null) {
    log.info({ from: new Date(extent.from).toISOString(), to: new Date(now).toISOString() }, 'computing member windows and month figures from the rollups');
    await windowsInChunks(db, att, extent.from, Math.max(now, extent.to), [], opts);
    for (const span of monthsOf(extent.from, now, att.tz)) {
      db.transaction(() => recomputeMonth(db, att, span, now))();
      months++;
      await (opts.pause ?? immediate)();
    }
  }
  db.transaction(() => {
    setMeta(db, FP_KEY, JSON.stringify(att.fingerprint));
    if (now !== null) setMeta(db, UPTO_KEY, String(now));
  })();
  const windows = (prep(db, 'SELECT count(*) AS n FROM member_windows').get() as { n: number }).n;
  log.info({ windows, months }, 'member windows and month figures computed');
  return { windows, months };
}

/**
 * Recomputes the windows of [from, to) and the months they touch, with the current attribution (history written
 * into the past: an MRTG import). Call after the rows are stored; the fingerprint is left as it is.
 */
export async function refreshFigures(db: DB, config: FiguresConfig, from: number, to: number, opts: RebuildOptions = {}): Promise<void> {
  const att = opts.attribution ?? attributionOf(config, db);
  if (getMeta(db, FP_KEY) !== JSON.stringify(att.fingerprint)) { await syncFigures(db, config, { ...opts, attribution: att }); }
  const now = Math.max(Number(getMeta(db, UPTO_KEY) ?? -Infinity), closedUpTo(db) ?? -Infinity);
  if (!Number.isFinite(now) || !(to > from)) return;
  const asns = [...new Set([...windowAsns(db), ...att.members.map((m) => m.asn)])];
  const f = Math.floor(from / DAY) * DAY;
  const t = Math.ceil(to / DAY) * DAY;
  await windowsInChunks(db, att, f, t, asns, opts);
  for (const span of monthsOf(f, Math.min(t, now), att.tz)) {
    db.transaction(() => recomputeMonth(db, att, span, now))();
    await (opts.pause ?? immediate)();
  }
  setMeta(db, UPTO_KEY, String(Math.max(now, Number(getMeta(db, UPTO_KEY) ?? -Infinity))));
  setMeta(db, GEN_KEY, String(Number(getMeta(db, GEN_KEY) ?? 0) + 1));
}

/**
 * Retention of the member windows: those as old as the rollups they were computed from (`cutoff`, the rollups'
 * retention). Month rows are kept (a few per member and month); the outbox has its own retention behind the
 * forwarder's cursor. Returns rows deleted. Called by the store's retention.
 */
export function figuresRetention(db: DB, cutoff: number): number {
  if (!prep(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'member_windows'").get()) return 0;
  let n = 0;
  for (const asn of windowAsns(db)) n += prep(db, 'DELETE FROM member_windows WHERE asn = ? AND t < ?').run(asn, cutoff).changes;
  return n;
}

/** Spans where two owner lists of a port differ (null bounds as ±Infinity). */
function ownerDiff(a: Interval[] | undefined, b: Interval[] | undefined): [number, number][] {
  const bounds = new Set<number>([-Infinity, Infinity]);
  for (const iv of [...(a ?? []), ...(b ?? [])]) { bounds.add(iv[0] ?? -Infinity); bounds.add(iv[1] ?? Infinity); }
  const at = (l: Interval[] | undefined, t: number) => l?.find(([x, y]) => (x ?? -Infinity) <= t && t < (y ?? Infinity))?.[2];
  const bs = [...bounds].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < bs.length; i++) {
    const probe = Number.isFinite(bs[i]!) ? bs[i]! : bs[i + 1]! - 1;
    if (!Number.isFinite(probe)) { if (JSON.stringify(a ?? []) !== JSON.stringify(b ?? [])) out.push([-Infinity, Infinity]); continue; }
    if (at(a, probe) !== at(b, probe)) out.push([bs[i]!, bs[i + 1]!]);
  }
  return out;
}

/** What a registry change touches: spans of windows to recompute and members whose month inputs changed. */
export interface FiguresChange {
  /** The IXP's price, time zone or launch changed, or nothing was computed yet: everything is recomputed. */
  rebuild: boolean;
  windows: [number, number][];
  /** Members added, removed or with other category, transit, price, fee (their months and the IXP's are recomputed). */
  members: Set<number>;
}

/** Compares two fingerprints. */
export function figuresChange(old: Fingerprint | undefined, cur: Fingerprint): FiguresChange {
  if (!old || old.v !== cur.v || JSON.stringify(old.ixp) !== JSON.stringify(cur.ixp)) return { rebuild: true, windows: [], members: new Set() };
  const windows: [number, number][] = [];
  for (const k of new Set([...Object.keys(old.ports), ...Object.keys(cur.ports)])) windows.push(...ownerDiff(old.ports[k], cur.ports[k]));
  const members = new Set<number>();
  for (const asn of new Set([...Object.keys(old.members), ...Object.keys(cur.members)])) {
    const a = old.members[asn];
    const b = cur.members[asn];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    members.add(Number(asn));
    // A membership that moved changes which of the member's windows count in the IXP's: recompute those spans.
    const s = (x: typeof a, i: 4 | 5, d: number) => (x ? x[i] ?? d : d);
    if (a && b) {
      if (s(a, 4, -Infinity) !== s(b, 4, -Infinity)) windows.push([Math.min(s(a, 4, -Infinity), s(b, 4, -Infinity)), Math.max(s(a, 4, -Infinity), s(b, 4, -Infinity))]);
      if (s(a, 5, Infinity) !== s(b, 5, Infinity)) windows.push([Math.min(s(a, 5, Infinity), s(b, 5, Infinity)), Math.max(s(a, 5, Infinity), s(b, 5, Infinity))]);
    }
    // A member added or removed: the windows it owns (or owned) differ in the ports' owners, recomputed above.
  }
  return { rebuild: false, windows: merge(windows), members };
}

function merge(spans: [number, number][]): [number, number][] {
  const s = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b); else out.push([a, b]);
  }
  return out;
}

/**
 * Brings the figures in line with the member registry: nothing when the fingerprint stored with them is the
 * current one; a full rebuild when none is stored or the IXP's price, time zone or launch changed; otherwise the
 * windows whose attribution or membership changed are recomputed (deletes before the rewritten rows in the outbox)
 * and the months they touch, plus every month of a member whose figures inputs changed (and the IXP's).
 */
export async function syncFigures(db: DB, config: FiguresConfig, opts: RebuildOptions = {}): Promise<'unchanged' | 'rebuilt' | 'updated'> {
  const att = opts.attribution ?? attributionOf(config, db);
  const stored = getMeta(db, FP_KEY);
  if (stored === JSON.stringify(att.fingerprint)) return 'unchanged';
  const change = figuresChange(stored ? JSON.parse(stored) as Fingerprint : undefined, att.fingerprint);
  if (change.rebuild) { await rebuildFigures(db, config, { ...opts, attribution: att }); return 'rebuilt'; }
  const extent = rollupExtent(db);
  const now = Number(getMeta(db, UPTO_KEY) ?? closedUpTo(db) ?? 0);
  const asns = [...new Set([...windowAsns(db), ...att.members.map((m) => m.asn)])];
  const touched = new Map<string, MonthSpan>();
  if (extent) {
    const hi = Math.max(now, extent.to);
    for (const [a, b] of change.windows) {
      const from = Math.max(a, extent.from);
      const to = Math.min(b, hi);
      if (!(to > from)) continue;
      const f = Math.floor(from / W) * W;
      const t = Math.ceil(to / W) * W;
      await windowsInChunks(db, att, f, t, asns, opts);
      for (const s of monthsOf(Math.floor(f / DAY) * DAY - DAY, Math.ceil(t / DAY) * DAY + DAY, att.tz)) if (s.from < now) touched.set(s.month, s);
    }
  }
  const all = extent ? monthsOf(extent.from, now, att.tz) : [];
  for (const span of all) {
    const whole = touched.has(span.month);
    if (!whole && change.members.size === 0) continue;
    db.transaction(() => recomputeMonth(db, att, span, now, whole ? 'all' : change.members))();
    await (opts.pause ?? immediate)();
  }
  setMeta(db, FP_KEY, JSON.stringify(att.fingerprint));
  return 'updated';
}

// ---------------------------------------------------------------------------------------------------------------
// The running month, kept in memory: columns per member, so that closing a window recomputes it without reading
// the month's windows again (a month of 200 members is 1.7 M windows).

/** A sorted multiset of numbers (a P95's samples): insert and remove by binary search. */
class Sorted {
  a = new Float64Array(64);
  n = 0;
  private at(v: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.a[mid]! < v) lo = mid + 1; else hi = mid; }
    return lo;
  }
  add(v: number): void {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    const i = this.at(v);
    this.a.copyWithin(i + 1, i, this.n);
    this.a[i] = v;
    this.n++;
  }
  remove(v: number): void {
    const i = this.at(v);
    if (i < this.n && this.a[i] === v) { this.a.copyWithin(i, i + 1, this.n); this.n--; }
  }
  /** impact.ts p95: drop the top 5 % (floor), the highest left; null when empty. */
  p95(): number | null { return this.n ? this.a[this.n - 1 - Math.floor(this.n * 0.05)]! : null; }
}

interface Cols { i: Float64Array; o: Float64Array; c: Float64Array; u: Float64Array; res: Int32Array; ports: Int32Array; flags: Uint8Array; sin: Sorted; sout: Sorted }

/**
 * The running month's member windows in memory, as columns per asn (about 45 bytes a window), with each member's
 * in and out values while a member kept sorted: closing a window updates one slot and the month's figures are
 * read off without sorting or reading the month again. `membership` is fixed for its life (a registry change
 * starts a new one).
 */
export class RunningMonth {
  readonly n: number;
  private cols = new Map<number, Cols>();
  constructor(readonly span: MonthSpan, private readonly membership: (asn: number) => Membership | undefined) { this.n = Math.ceil((span.to - span.from) / W); }
  private col(asn: number): Cols {
    let c = this.cols.get(asn);
    if (!c) {
      const n = this.n;
      this.cols.set(asn, (c = { i: new Float64Array(n), o: new Float64Array(n), c: new Float64Array(n), u: new Float64Array(n), res: new Int32Array(n), ports: new Int32Array(n), flags: new Uint8Array(n), sin: new Sorted(), sout: new Sorted() }));
    }
    return c;
  }
  private member(asn: number, t: number, res: number): boolean {
    const m = asn === IXP_ASN ? undefined : this.membership(asn);
    return t + res * 1000 > (m?.start ?? -Infinity) && t < (m?.end ?? Infinity);
  }
  private drop(asn: number, c: Cols, x: number): void {
    const f = c.flags[x]!;
    if (!f) return;
    if (this.member(asn, this.span.from + x * W, c.res[x]!)) {
      if (f & 2) c.sin.remove(c.i[x]!);
      if (f & 4) c.sout.remove(c.o[x]!);
    }
    c.flags[x] = 0;
  }
  /** Sets one window (flags: 1 present, 2 in known, 4 out known, 8 utilisation known). */
  put(asn: number, t: number, res: number, inBps: number | null, outBps: number | null, coverage: number, ports: number, maxUtil: number | null): void {
    const x = Math.floor((t - this.span.from) / W);
    if (x < 0 || x >= this.n) return;
    const c = this.col(asn);
    this.drop(asn, c, x);
    c.i[x] = inBps ?? 0; c.o[x] = outBps ?? 0; c.c[x] = coverage; c.u[x] = maxUtil ?? 0; c.res[x] = res; c.ports[x] = ports;
    c.flags[x] = 1 | (inBps !== null ? 2 : 0) | (outBps !== null ? 4 : 0) | (maxUtil !== null ? 8 : 0);
    if (this.member(asn, t, res)) {
      if (inBps !== null) c.sin.add(inBps);
      if (outBps !== null) c.sout.add(outBps);
    }
  }
  /** Forgets the windows of `asn` starting in [from, to). */
  clear(asn: number, from: number, to: number): void {
    const c = this.cols.get(asn);
    if (!c) return;
    for (let x = Math.max(0, Math.floor((from - this.span.from) / W)); x < Math.min(this.n, Math.ceil((to - this.span.from) / W)); x++) this.drop(asn, c, x);
  }
  /** months.ts windowStats of the asn's windows (the IXP's: all of them), without building them. */
  stats(asn: number): WindowStats {
    const c = this.cols.get(asn);
    if (!c) return windowStats([], { start: null, end: null });
    let bytesIn = 0;
    let bytesOut = 0;
    let pk: number | null = null;
    let covered = 0;
    let maxRes = 0;
    let samples = 0;
    let u: number | null = null;
    const m = asn === IXP_ASN ? undefined : this.membership(asn);
    const start = m?.start ?? -Infinity;
    const end = m?.end ?? Infinity;
    const from = this.span.from;
    const { flags, res: rs } = c;
    for (let x = 0; x < this.n; x++) {
      const f = flags[x]!;
      if (!f) continue;
      if (f & 8 && (u === null || c.u[x]! > u)) u = c.u[x]!;
      const res = rs[x]!;
      const t = from + x * W;
      if (!(t + res * 1000 > start && t < end)) continue; // partmonth.ts memberSamples
      const cov = c.c[x]!;
      if (f & 2) { const v = c.i[x]!; bytesIn += (v * res * cov) / 8; if (pk === null || v > pk) pk = v; }
      if (f & 4) { const v = c.o[x]!; bytesOut += (v * res * cov) / 8; if (pk === null || v > pk) pk = v; }
      if (f & 6) { covered += res * cov; samples++; }
      if (res > maxRes) maxRes = res;
    }
    const pin = c.sin.p95();
    const pout = c.sout.p95();
    const inMbps = pin === null ? null : pin / 1e6;
    const outMbps = pout === null ? null : pout / 1e6;
    const mbps = inMbps === null ? outMbps : outMbps === null ? inMbps : Math.max(inMbps, outMbps);
    return { p95: { inMbps, outMbps, mbps, samples }, bytesIn, bytesOut, peakBps: pk, coveredSeconds: covered, maxRes, maxUtil: u };
  }
}

/** Loads an asn's stored windows of [from, to) into a running month. */
function load(db: DB, r: RunningMonth, asn: number, from: number, to: number): void {
  // Its own statement text: raw() changes the cached statement for every caller.
  const q = prep(db, 'SELECT t, res, in_bps, out_bps, coverage, ports, max_util FROM member_windows WHERE asn = ? AND t >= ? AND t < ? ORDER BY t /* raw */').raw();
  for (const row of q.iterate(asn, from, to)) {
    const [t, res, i, o, c, p, u] = row as [number, number, number | null, number | null, number, number, number | null];
    r.put(asn, t, res, i, o, c, p, u);
  }
}

/** The figures component's part in the store: called when windows close. */
export interface Figures {
  /**
   * 5-minute windows of one switch closed in [from, to) (from null: unknown, e.g. the switch's first rollup).
   * Recomputes the windows since the last figures and these, the months they touch, and finishes months that ended.
   */
  windowsClosed(db: DB, from: number | null, to: number): void;
  /**
   * Rebuilds (first start after migration 009, another IXP time zone or price) or syncs with the member registry in
   * chunks, then computes the windows closed since the figures' own mark. Windows closing meanwhile are done after.
   * Until start() is called, windowsClosed() does nothing (start() catches up).
   */
  start(db: DB): Promise<void>;
  /** Settles when no rebuild or sync is running. */
  idle(): Promise<void>;
  /** CPU ms of the last windowsClosed (measured by the caller's clock). */
  readonly lastCostMs: number;
}

/** Options of {@link createFigures}. */
export interface FiguresDeps {
  log?: Logger;
  /**
   * Checks the member registry (config, stored import, ifAlias, port roles) for changes at most once per this span
   * of closed windows, ms (resolving it costs ~15 ms at 200 ports). Default 300,000: once per 5-minute window however
   * many switches close it. A `members import` syncs the figures itself.
   */
  checkEveryMs?: number;
}

/** Creates the figures component over a config (nothing is read until start() or windowsClosed()). */
export function createFigures(config: FiguresConfig, deps: FiguresDeps = {}): Figures {
  const log = deps.log ?? getLogger('collector:figures');
  let busy: Promise<void> | null = null;
  let pending: { from: number | null; to: number } | null = null;
  let running: RunningMonth | null = null;
  let att: Attribution | null = null;
  let attKey = '';
  let asns = new Set<number>();
  let lastCost = 0;
  let failedKey: string | null = null;
  let started = false;
  let preloaded: RunningMonth | null = null;

  function job(db: DB, what: () => Promise<unknown>, key = attKey): Promise<void> {
    const p = (async () => {
      try { await what(); } catch (err) {
        failedKey = key; // not tried again for this registry state: windows keep closing with it meanwhile
        log.sampled('error', 'figures', { err: (err as Error)?.message }, `member figures: ${(err as Error)?.message}`);
      }
    })();
    busy = p.then(() => {
      busy = null;
      running = preloaded;
      preloaded = null;
      asns = new Set(windowAsns(db));
      const q = pending;
      pending = null;
      if (q) close(db, q.from, q.to);
    });
    return busy;
  }

  let checkedAt = -Infinity;
  function current(db: DB, upTo: number): Attribution {
    if (att && upTo - checkedAt < (deps.checkEveryMs ?? 300_000)) return att;
    checkedAt = upTo;
    const a = attributionOf(config, db);
    const key = JSON.stringify(a.fingerprint);
    if (key !== attKey) { att = a; attKey = key; running = null; } // the running month is kept per membership
    return att!;
  }

  function runningFor(db: DB, span: MonthSpan, a: Attribution): RunningMonth {
    if (running && running.span.month === span.month) return running;
    const r = new RunningMonth(span, a.membership);
    for (const asn of new Set([...asns, IXP_ASN, ...a.members.map((m) => m.asn)])) load(db, r, asn, span.from, span.to);
    running = r;
    return r;
  }

  let generation: string | undefined;
  function close(db: DB, from: number | null, to: number): void {
    const t0 = performance.now();
    const a = current(db, to);
    const gen = getMeta(db, GEN_KEY);
    if (gen !== generation) { generation = gen; running = null; } // windows recomputed elsewhere: read them again
    if (getMeta(db, FP_KEY) !== attKey && failedKey !== attKey) {
      // The registry changed (an import, a role, the config at start): recompute what it touched first.
      pending = { from: Math.min(from ?? to, pending?.from ?? Infinity), to: Math.max(to, pending?.to ?? 0) };
      void job(db, () => syncFigures(db, config, { log, attribution: a }));
      return;
    }
    const upTo = Number(getMeta(db, UPTO_KEY) ?? NaN);
    const lo = Math.min(from ?? (Number.isFinite(upTo) ? upTo : to - W), Number.isFinite(upTo) ? upTo : Infinity);
    if (!(to > lo)) return;
    const now = Math.max(Number.isFinite(upTo) ? upTo : -Infinity, to);
    db.transaction(() => {
      const r = recomputeWindows(db, a, lo, to, asns);
      for (const asn of r.changed) asns.add(asn);
      setMeta(db, UPTO_KEY, String(now));
      const months = new Map(monthsOf(r.from, r.to, a.tz).map((s) => [s.month, s]));
      const cur = monthsOf(now - 1, now, a.tz)[0]!;
      months.set(cur.month, cur);
      // Months that ended since they were last computed become final.
      for (const x of prep(db, 'SELECT month FROM member_months WHERE asn = 0 AND complete = 0').all() as { month: string }[]) {
        const s = monthRange(x.month, a.tz);
        if (s.to <= now) months.set(x.month, { month: x.month, ...s });
      }
      for (const span of months.values()) {
        if (span.month === cur.month) {
          const rm = runningFor(db, span, a);
          for (const asn of r.changed) { rm.clear(asn, r.from, r.to); load(db, rm, asn, Math.max(r.from, span.from), Math.min(r.to, span.to)); }
          recomputeMonth(db, a, span, now, 'all', (asn) => rm.stats(asn));
        } else recomputeMonth(db, a, span, now);
      }
    })();
    lastCost = performance.now() - t0;
  }

  return {
    get lastCostMs() { return lastCost; },
    windowsClosed(db, from, to) {
      if (!started) return; // start() catches up from the figures' own mark
      if (busy) { pending = { from: Math.min(from ?? to, pending?.from ?? Infinity), to: Math.max(to, pending?.to ?? 0) }; return; }
      close(db, from, to);
    },
    start(db) {
      started = true;
      if (busy) return busy;
      asns = new Set(windowAsns(db));
      generation = getMeta(db, GEN_KEY);
      // Then the windows closed while the figures were not running (a restart, a back-fill before start).
      return job(db, async () => {
        await syncFigures(db, config, { log });
        const up = closedUpTo(db);
        // The running month's windows into memory now, a member at a time, rather than inside the next poll's close.
        if (up !== null) {
          const a = current(db, up);
          const span = monthsOf(up - 1, up, a.tz)[0]!;
          const r = new RunningMonth(span, a.membership);
          for (const asn of new Set([...windowAsns(db), IXP_ASN, ...a.members.map((m) => m.asn)])) { load(db, r, asn, span.from, span.to); await immediate(); }
          preloaded = r;
        }
        if (up !== null) pending = { from: null, to: Math.max(up, pending?.to ?? 0) };
      });
    },
    async idle() { while (busy) await busy; },
  };
}
