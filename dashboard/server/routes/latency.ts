// The latency API over the local store (collector/latency's tables): a member's routers (median line with the
// smoke band) and, per month, "local" (members' routers) beside each international and local reference, with
// the international outages of the period and the local traffic kept flowing meanwhile. Reads only, through a
// LatencyReader: the local store, or InfluxDB's ixp_latency on a central dashboard (dashboard/readers/latency*.ts).
import { Router, type Request } from 'express';
import type Database from 'better-sqlite3';
import type { LatencyMonth, LatencyOutage, LatencySeries, LatencySummaryResponse, MemberLatencyResponse } from '../../api.ts';
import { accessTo, canSeeMember, refusal, type Principal } from '../auth.ts';
import { PeriodError, addMonths, monthOf, monthRange } from '../../calendar.ts';
import { resolvePeriod } from '../period.ts';
import type { IxpContext } from '../service.ts';
import { median } from '../../../collector/latency/rounds.ts';
import type { LatencyHourly } from '../../../collector/store/latency.ts';
import { createSqliteLatencyReader, EMPTY_LATENCY, medianGap, type LatencyReader } from '../../readers/latency.ts';

export interface LatencyRouteDeps {
  principal(req: Request): Principal;
  now: () => number;
  /** The latency reader of this IXP (undefined when no store the dashboard reads holds its latency). */
  reader?(ixp: string): LatencyReader | undefined;
  /** Or: the local store of this IXP, read through the SQLite latency reader (undefined for another IXP). */
  db?(ixp: string): Database.Database | undefined;
  /** The IXPs served (a fixed list), or `ixp` when they change (a central dashboard learns them from InfluxDB). */
  ixps?: IxpContext[];
  ixp?(id: string): IxpContext | undefined;
}

const HOUR = 3_600_000;
/** Periods up to this long are drawn per round, with every RTT; longer ones per hour. */
const ROUND_SPAN = 2 * 86_400_000;

export const MEMBER_METHOD = 'fping -C N -q rounds from the collector (smokeping\'s method). Up to 2 days: one point per round, ' +
  'the line is the round\'s median RTT, the band its min..max and the dots every RTT that came back. Longer: one point per hour, ' +
  'the median of every RTT of the hour and a 10th..90th percentile band. Loss counts every ping sent; a lost ping has no RTT. ' +
  'The period\'s figures: the median of the points\' medians, and the loss over every ping of the period.';

export const SUMMARY_METHOD = 'Per month: "local" is the median over members\' routers of each router\'s median RTT (medians of hourly ' +
  'medians), loss over every ping to them; each reference likewise. Coverage is the share of the month\'s hours with rounds. ' +
  'An international outage is a run of rounds in which every international reference was silent while members\' routers answered; ' +
  'its edges are known to within one round interval. The local traffic meanwhile is the bytes members\' ports sent into the exchange ' +
  'over the same window (SNMP rates, intervals cut by the window counted pro rata), with the port-time coverage of those rates.';

function one(q: unknown, name: string): string | undefined {
  if (q === undefined) return undefined;
  if (typeof q !== 'string') throw new PeriodError(`${name}: give it once`);
  return q;
}

/** Round interval from the stored rounds: the median gap between consecutive rounds. */
export function roundInterval(db: Database.Database, before: number): number | null {
  const ts = (db.prepare('SELECT t FROM latency_rounds WHERE t < ? ORDER BY t DESC LIMIT 50').all(before) as { t: number }[]).map((r) => r.t).reverse();
  return medianGap(ts);
}

/** Local vs references for one month from hourly rollups (pure over the rows). */
export function monthFigures(month: string, rows: LatencyHourly[], hoursInMonth: number): LatencyMonth {
  const by = new Map<string, LatencyHourly[]>();
  for (const r of rows) (by.get(r.address) ?? by.set(r.address, []).get(r.address)!).push(r);
  const medianOf = (hs: LatencyHourly[]) => median(hs.map((h) => h.medianMs).filter((v): v is number => v !== null).sort((a, b) => a - b));
  const lossOf = (hs: LatencyHourly[]) => { const s = hs.reduce((a, h) => a + h.sent, 0); return s ? 1 - hs.reduce((a, h) => a + h.received, 0) / s : null; };
  const routers = [...by.values()].filter((hs) => hs[0].kind === 'member');
  const routerMedians = routers.map(medianOf).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const hours = new Set(rows.map((r) => r.t));
  return {
    month,
    local: { medianMs: median(routerMedians), loss: lossOf(routers.flat()), routers: routers.length },
    references: [...by.values()].filter((hs) => hs[0].kind !== 'member').map((hs) => ({
      target: hs[0].address, kind: hs[0].kind as 'international' | 'local', name: hs[0].name, medianMs: medianOf(hs), loss: lossOf(hs),
    })),
    coverage: hoursInMonth > 0 ? Math.min(1, hours.size / hoursInMonth) : 0,
  };
}

/** A router's figures over the period from its points (pure): median of the points' medians, loss over every ping. */
export function seriesSummary(points: LatencySeries['points']): NonNullable<LatencySeries['summary']> {
  const sent = points.reduce((a, p) => a + p.sent, 0);
  const lost = points.reduce((a, p) => a + Math.round((p.loss ?? 0) * p.sent), 0); // whole pings
  const medians = points.map((p) => p.medianMs).filter((v): v is number => v !== null).sort((a, b) => a - b);
  return { medianMs: median(medians), loss: sent ? lost / sent : null, sent };
}

export function latencyRoutes(d: LatencyRouteDeps): Router {
  const r = Router();
  const context = (id: string) => d.ixp?.(id) ?? d.ixps?.find((x) => x.ixp.id === id);
  const sqlite = new WeakMap<Database.Database, LatencyReader>();
  const storeOf = (id: string): LatencyReader => {
    const db = d.db?.(id);
    const reader = d.reader?.(id) ?? (db ? (sqlite.get(db) ?? sqlite.set(db, createSqliteLatencyReader(db)).get(db)) : undefined);
    // No store this dashboard reads holds the IXP's latency (a store from before latency, or another IXP than the
    // local store's own): the answers are empty (no rounds, intervalMs null), as for an IXP that probes nothing.
    return reader ?? EMPTY_LATENCY;
  };

  r.get('/api/ixps/:ixp/latency/members/:asn', async (req, res) => {
    const c = context(req.params.ixp);
    if (!c) { res.status(404).json({ error: `unknown IXP ${JSON.stringify(req.params.ixp.slice(0, 40))}` }); return; }
    const asn = Number(req.params.asn);
    if (!Number.isInteger(asn) || asn <= 0) throw new PeriodError(`asn: ${JSON.stringify(req.params.asn.slice(0, 20))} is not an AS number`);
    const p = d.principal(req);
    if (!canSeeMember(p, { id: c.ixp.id, public: c.ixp.public, publicMembers: c.publicMembers }, asn)) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return; }
    const db = storeOf(c.ixp.id);
    const period = resolvePeriod(req.query as Record<string, unknown>, c.ixp.timezone, d.now(), 'day');
    const perRound = period.to - period.from <= ROUND_SPAN;
    const series = new Map<string, LatencySeries>();
    const seriesOf = (x: { address: string; kind: LatencySeries['kind']; name: string; memberAsn?: number }) =>
      series.get(x.address) ?? series.set(x.address, { target: x.address, kind: x.kind, name: x.name, memberAsn: x.memberAsn, points: [] }).get(x.address)!;
    if (perRound) {
      for (const x of await db.rounds(c.ixp.id, period.from, period.to, { memberAsn: asn })) {
        seriesOf(x).points.push({ t: x.t, medianMs: x.medianMs, lowMs: x.minMs, highMs: x.maxMs, loss: x.sent ? x.loss : null, sent: x.sent, rttsMs: x.rttsMs });
      }
    } else {
      for (const x of await db.hourly(c.ixp.id, period.from, period.to, { memberAsn: asn })) {
        seriesOf(x).points.push({ t: x.t, medianMs: x.medianMs, lowMs: x.p10Ms, highMs: x.p90Ms, loss: x.sent ? 1 - x.received / x.sent : null, sent: x.sent });
      }
    }
    for (const s of series.values()) s.summary = seriesSummary(s.points);
    const body: MemberLatencyResponse = { ixp: c.ixp.id, asn, period: { from: period.from, to: period.to }, resolution: perRound ? 'round' : 'hour', method: MEMBER_METHOD, routers: [...series.values()] };
    res.json(body);
  });

  r.get('/api/ixps/:ixp/latency', async (req, res) => {
    const c = context(req.params.ixp);
    if (!c) { res.status(404).json({ error: `unknown IXP ${JSON.stringify(req.params.ixp.slice(0, 40))}` }); return; }
    const p = d.principal(req);
    // Aggregates only (no member's router): whoever may see the IXP's aggregate graphs.
    if (!(c.ixp.public || accessTo(p, { id: c.ixp.id, public: c.ixp.public, publicMembers: c.publicMembers }))) { const x = refusal(p); res.status(x.status).json({ error: x.error }); return; }
    const db = storeOf(c.ixp.id);
    const nMonths = Number(one(req.query.months, 'months') ?? 13);
    if (!Number.isInteger(nMonths) || nMonths < 1 || nMonths > 60) throw new PeriodError('months: an integer from 1 to 60');
    const q = { ...(req.query as Record<string, unknown>) };
    delete q.months;
    const now = d.now();
    const period = resolvePeriod(q, c.ixp.timezone, now, 'month');
    const tz = c.ixp.timezone;
    const last = monthOf(Math.min(now, period.to - 1), tz);
    const months: LatencyMonth[] = [];
    for (let k = nMonths - 1; k >= 0; k--) {
      const m = addMonths(last, -k);
      const range = monthRange(m, tz);
      const hours = Math.max(0, Math.ceil((Math.min(range.to, now) - range.from) / HOUR));
      months.push(monthFigures(m, await db.hourly(c.ixp.id, range.from, range.to), hours));
    }
    const intervalMs = await db.roundInterval(c.ixp.id, period.to);
    const ports = c.members.flatMap((m) => m.ports);
    const outages: LatencyOutage[] = (intervalMs === null ? [] : await db.outages(c.ixp.id, period.from, period.to, { intervalMs, ports: ports.length ? ports : undefined }))
      .map((o) => ({ start: o.start, end: o.end, durationMs: o.durationMs, uncertaintyMs: o.uncertaintyMs, rounds: o.rounds,
        bytes: o.traffic.bytes, avgBps: o.traffic.avgBps, coverage: o.traffic.coverage }));
    const body: LatencySummaryResponse = { ixp: c.ixp.id, months, period: { from: period.from, to: period.to }, outages, intervalMs, method: SUMMARY_METHOD };
    res.json(body);
  });
  return r;
}
