// Reads what a report needs from the local SQLite store: each member port's rollups (5-minute rows, and
// coarser rows — imported MRTG history, hourly/daily rollups — only where no finer row covers the time),
// and the poll log for availability. Read-only: never writes to the store.
import type Database from 'better-sqlite3';
import type { WindowSample } from '../../collector/figures/impact.ts';
import type { MemberRegistry } from '../../collector/members/registry.ts';
import { periodTraffic, type PortHistory, type ReportInput, type ReportMember } from './model.ts';
import { addMonths, dayStart, monthRange } from '../calendar.ts';
import { dayMs } from '../../collector/members/resolve.ts';
import { sec } from '../../collector/store/rollupRows.ts';

interface Row { t: number; res: number; in_bps_avg: number | null; out_bps_avg: number | null; coverage: number; source: string }

/** Every resolution the store writes (polled 300/3600/86400, MRTG 300/1800/7200/86400): listed so that SQLite seeks each range of the (port_id, res, ts) key. */
const RESOLUTIONS = [300, 1800, 3600, 7200, 86400].join(', ');

/**
 * The rollups of one switch port in [from, to), finest resolution first: a coarser row is used only where
 * no finer row overlaps it, so no time is counted twice and no 5-minute value is invented.
 */
export function loadPortSamples(db: Database.Database, switchName: string, port: string, from: number, to: number): (WindowSample & { source: string })[] {
  const rows = db.prepare(`SELECT r.t, r.res, r.in_bps_avg, r.out_bps_avg, r.coverage, r.source
      FROM rollups r JOIN ports p ON p.id = r.port_id
     WHERE p.switch = ? AND p.name = ? AND r.res IN (${RESOLUTIONS}) AND r.ts >= ? AND r.ts < ? AND r.coverage > 0
     ORDER BY r.res, r.ts`).all(switchName, port, sec(from), sec(to)) as Row[];
  const accepted: [number, number][] = []; // sorted, non-overlapping [start, end)
  const out: (WindowSample & { source: string })[] = [];
  const overlaps = (s: number, e: number): boolean => {
    let lo = 0;
    let hi = accepted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (accepted[mid]![1] <= s) lo = mid + 1; else hi = mid; }
    return lo < accepted.length && accepted[lo]![0] < e;
  };
  const insert = (s: number, e: number) => {
    let lo = 0;
    let hi = accepted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (accepted[mid]![0] < s) lo = mid + 1; else hi = mid; }
    accepted.splice(lo, 0, [s, e]);
  };
  let curRes = -1;
  let batch: [number, number][] = [];
  for (const r of rows) {
    if (r.res !== curRes) { for (const b of batch) insert(b[0], b[1]); batch = []; curRes = r.res; }
    const e = r.t + r.res * 1000;
    if (overlaps(r.t, e)) continue;
    batch.push([r.t, e]); // rows of one resolution never overlap each other
    out.push({ t: r.t, res: r.res, inBps: r.in_bps_avg, outBps: r.out_bps_avg, coverage: r.coverage, source: r.source });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** Latest known speed of a switch port, Mbit/s. */
function portSpeed(db: Database.Database, switchName: string, port: string): number | null {
  const r = db.prepare('SELECT speed_mbps FROM ports WHERE switch = ? AND name = ? ORDER BY last_seen DESC LIMIT 1').get(switchName, port) as { speed_mbps: number | null } | undefined;
  return r?.speed_mbps ?? null;
}

/** Options of {@link loadReportInput}. */
export interface LoadOptions {
  ixp: ReportInput['ixp'];
  registry: MemberRegistry;
  month: string;
  now: number;
}

/** A store's member port histories over a span, loaded once and sliced per period. */
export interface History {
  members: ReportMember[];
  /** Every (port, membership range) with samples in [from, to), clipped to when it belonged to its member. */
  slice(from: number, to: number): PortHistory[];
  /** 5-minute windows of [from, to) with a good poll; null when the store has no poll in it. */
  pollWindows(from: number, to: number): number | null;
}

/** Loads the member port histories of [rangeFrom, rangeTo) (read-only). */
export function loadHistory(db: Database.Database, o: Pick<LoadOptions, 'ixp' | 'registry'>, rangeFrom: number, rangeTo: number): History {
  const tz = o.ixp.timezone;
  const members: ReportMember[] = o.registry.list().map((m) => ({
    asn: m.asn, name: m.name.value, category: m.category.value, buysTransit: m.buysTransit.value,
    transitPricePerMbps: m.transitPricePerMbps?.value ?? o.ixp.transitPricePerMbps,
    portFeePerMonth: m.portFeePerMonth.value, joined: m.joined?.value, left: m.left?.value,
    sources: { name: m.name.source, category: m.category.source },
    portCount: m.ports.length,
  }));
  // Every (port, membership range) overlapping the whole span, with its samples loaded once.
  const all: { asn: number; p: { switch: string; port: string; validFrom: number | null; validTo: number | null }; speed: number | null; samples: (WindowSample & { source: string })[] }[] = [];
  const cache = new Map<string, (WindowSample & { source: string })[]>();
  // A port's validity that is the member's own join/leave day (UTC midnight in the registry) starts and ends at
  // local midnight of that day in the IXP's time zone, as the part-month convention counts it.
  const local = (v: number | null, date: string | undefined): number | null => (v !== null && date && v === dayMs(date) ? dayStart(date, tz) : v);
  for (const m of o.registry.list()) {
    for (const p0 of o.registry.portsOf(m.asn, rangeFrom - 86_400_000, rangeTo + 86_400_000)) {
      const p = { ...p0, validFrom: local(p0.validFrom, m.joined?.value), validTo: local(p0.validTo, m.left?.value) };
      if (!((p.validFrom ?? -Infinity) < rangeTo && (p.validTo ?? Infinity) > rangeFrom)) continue;
      const k = `${p.switch}\u0000${p.port}`;
      if (!cache.has(k)) cache.set(k, loadPortSamples(db, p.switch, p.port, rangeFrom, rangeTo));
      all.push({ asn: m.asn, p, speed: portSpeed(db, p.switch, p.port), samples: cache.get(k)! });
    }
  }
  const slice = (from: number, to: number): PortHistory[] => {
    const out: PortHistory[] = [];
    for (const a of all) {
      const vf = a.p.validFrom ?? -Infinity;
      const vt = a.p.validTo ?? Infinity;
      if (Math.max(from, vf) >= Math.min(to, vt)) continue;
      // A window of the month belongs to the port's holder when it ends after the start of its holding and starts before its end.
      const samples = a.samples.filter((s) => s.t >= from && s.t < to && s.t + s.res * 1000 > vf && s.t < vt);
      out.push({
        switch: a.p.switch, port: a.p.port, asn: a.asn, validFrom: a.p.validFrom, validTo: a.p.validTo, speedMbps: a.speed,
        samples: samples.map(({ source: _s, ...w }) => w), sources: [...new Set(samples.map((s) => s.source))],
      });
    }
    return out;
  };
  const hasPolls = !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'polls'`).get();
  const pollWindows = (from: number, to: number): number | null => {
    if (!hasPolls) return null;
    const any = db.prepare('SELECT count(*) AS n FROM polls WHERE t >= ? AND t < ?').get(from, to) as { n: number };
    if (any.n === 0) return null;
    return (db.prepare('SELECT count(DISTINCT t / 300000) AS n FROM polls WHERE ok = 1 AND t >= ? AND t < ?').get(from, to) as { n: number }).n;
  };
  return { members, slice, pollWindows };
}

/** Gathers a month's report input from the store: the month, the one before, the same month a year before, and 12 months of trend. */
export function loadReportInput(db: Database.Database, o: LoadOptions): ReportInput {
  const tz = o.ixp.timezone;
  const cur = { month: o.month, ...monthRange(o.month, tz) };
  const prevM = addMonths(o.month, -1);
  const prevY = addMonths(o.month, -12);
  const previousMonth = { month: prevM, ...monthRange(prevM, tz) };
  const previousYear = { month: prevY, ...monthRange(prevY, tz) };
  const trendMonths = Array.from({ length: 12 }, (_, i) => { const m = addMonths(o.month, i - 11); return { month: m, ...monthRange(m, tz) }; });
  // Month by month, so that only the three months the figures need (this one, the one before, the same one a year
  // before) keep their samples; the trend's other months keep only their bytes, content share and coverage.
  const load = (r: { from: number; to: number }) => loadHistory(db, o, r.from, r.to);
  const h = load(cur);
  const ports = h.slice(cur.from, cur.to);
  const prevPorts = load(previousMonth).slice(previousMonth.from, previousMonth.to);
  const prevYearPorts = load(previousYear).slice(previousYear.from, previousYear.to);
  const trend = trendMonths.map((t) => {
    if (t.month === o.month) return { ...t, ports };
    if (t.month === prevM) return { ...t, ports: prevPorts };
    const hh = load(t);
    return { ...t, ports: [], traffic: periodTraffic(hh.slice(t.from, t.to), hh.members, t.from, Math.min(t.to, o.now)) };
  });
  return {
    ixp: o.ixp, month: o.month, from: cur.from, to: cur.to, now: o.now, members: h.members,
    ports,
    previousMonth: { ...previousMonth, ports: prevPorts },
    previousYear: { ...previousYear, ports: prevYearPorts },
    trend,
    pollWindows: h.pollWindows(cur.from, cur.to),
  };
}
