// The monthly impact report's model and its pure computation from the collector's month rows (collector/figures
// computed every figure once), so reports, API and pages agree. No I/O, no clock (now is an input).
import type { WindowSample } from '../../collector/figures/impact.ts';
import { elapsedShare, growth, type Growth } from '../../collector/figures/partmonth.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import type { MemberCategory } from '../../collector/config/types.ts';
import { forecastCrossing, type Forecast, type MonthUtil } from '../../collector/figures/forecast.ts';
import type { MemberInfo } from '../../collector/members/registry.ts';
import type { PeeringSection } from './peering.ts';

/** The languages reports are written in. */
export type ReportLang = 'en' | 'fr' | 'pt';

/** The figures the JSON contract gives for the IXP and for each member. Money in the IXP's currency. */
export interface Figures {
  /** Bytes exchanged locally: what the switch received on the ports (what members sent into the IXP). */
  bytes: number;
  p95InMbps: number | null;
  p95OutMbps: number | null;
  /** The billable 95th percentile: the higher of in and out. */
  p95Mbps: number | null;
  /** International transit saved in money: p95Mbps × transit price (0 for members that buy no transit). */
  transitSaved: number;
  /** transitSaved minus the port fees of the month. */
  netSaved: number;
  /** Share of the period measured, 0..1. */
  coverage: number;
  /** Coarsest sample resolution used, seconds (300 = 5-minute data; more: imported MRTG history or old rollups). */
  resolution: number;
  /** Only while the month is in progress: the whole month's bill if traffic goes on (P95 so far × price × connected share to the month's end). */
  transitSavedProjected?: number;
  /** Only while the month is in progress: transitSavedProjected minus the projected port fees. */
  netSavedProjected?: number;
}

/** One member's line of the report. */
export interface MemberFigures extends Figures {
  asn: number;
  name: string;
  category: MemberCategory;
  buysTransit: boolean;
  transitPricePerMbps: number;
  portFee: number;
  /** Share of the month the member was connected (join/leave dates, the IXP's launch; up to now in a month in progress): its bill and fee are × this. */
  connectedShare: number;
  /** Bytes the member received from the IXP. */
  bytesReceived: number;
  peakMbps: number | null;
  ports: number;
  capacityMbps: number;
  joined?: string;
  isNew: boolean;
  /** Where the name and category came from (config, ixf, peeringdb, ifalias, default). */
  sources?: { name: string; category: string };
}

/** The IXP's figures. */
export interface IxpFigures extends Figures {
  id: string;
  name: string;
  country?: string;
  timezone: string;
  /** Content members' share of the bytes sent into the IXP, 0..1; null when nothing was sent. */
  localContentShare: number | null;
  peakMbps: number | null;
  portFees: number;
  /** The older method (peak × price), only for comparability with earlier studies. */
  peakMethodSaved: number;
}

/** A monthly impact report. Rendered to JSON, CSV, HTML and PDF. */
export interface ReportModel {
  kind: 'ixmeter-impact-report';
  /** 2: part-month figures (connectedShare, projections, like-for-like growth with reasons, left members). */
  version: 2;
  lang: ReportLang;
  period: { month: string; from: string; to: string; timezone: string; complete: boolean; elapsedShare: number };
  currency: string;
  method: {
    p95: string;
    transitSaved: string;
    netSaved: string;
    localContentShare: string;
    coverage: string;
    /** The part-month convention (join/leave dates, connected share, so far and projected, like-for-like growth). */
    partMonth: string;
    /** Data sources of the rollups used: 'poll' (collector), 'mrtg' (imported history), 'demo'. */
    sources: string[];
    /** Coarsest resolution used, seconds. */
    resolution: number;
  };
  ixp: IxpFigures;
  members: MemberFigures[];
  /**
   * Growth like for like: while the month is in progress, the same elapsed span of the previous month and of the
   * same month a year before (`bytes` is that span's). `change` is null, with `reason`, when either side has under
   * 50 % coverage or the earlier side carried nothing.
   */
  growth: {
    previousMonth: GrowthFigure;
    previousYear: GrowthFigure;
  };
  localContent: {
    share: number | null;
    previousMonth: number | null;
    previousYear: number | null;
    /** The last 12 months, oldest first: bytes and content share. */
    trend: { month: string; bytes: number; share: number | null; coverage: number }[];
  };
  membership: { count: number; new: { asn: number; name: string; joined?: string }[] };
  capacity: { ports: number; capacityMbps: number; meanUtilisation: number | null; p95Utilisation: number | null; peakUtilisation: number | null };
  availability: {
    /** Share of the month with traffic flowing across the exchange. */
    trafficFlowing: number;
    /** Share of the month's 5-minute windows with at least one good poll; null when no poll was recorded (imported history). */
    collectorsReporting: number | null;
  };
  /** The aggregate traffic of the month in hourly (or coarser) averages, for the chart. bits/s. */
  series: { t: number; inBps: number | null; outBps: number | null }[];
  /**
   * Capacity ahead of time (issue 14): each member port's monthly P95 utilisation over the 12 months of the trend and
   * the month its fitted growth reaches 80 % (collector/figures/forecast.ts), soonest first.
   */
  capacityForecasts?: PortForecast[];
  /** sFlow (reports/peering.ts): the IPv6 share and the measured local content share; absent without sFlow data. */
  peering?: PeeringSection;
  /** International outages with the local traffic kept meanwhile, and the month's latency (resilience.ts); null without latency rounds. */
  resilience?: import('./resilience.ts').ResilienceSection | null;
  /** Sentences ready to paste into an annual impact report, in `lang`. */
  headlines: string[];
  generatedAt: string;
}

/** One growth comparison of a report. */
export interface GrowthFigure {
  month: string;
  bytes: number;
  change: number | null;
  /** Why change is null, in the report's language ("not comparable: October 2026 has 16 % coverage"). */
  reason?: string;
  /** Machine-readable reason: the side under 50 % coverage, or 'no-traffic'. */
  notComparable?: Growth['notComparable'];
  /** Coverage of the earlier side's span. */
  coverage: number;
}

/** A member as the report needs it. */
export interface ReportMember extends MemberInfo {
  joined?: string;
  left?: string;
  sources?: { name: string; category: string };
  /** Ports the member has had at any time; a member with ports, none of them in the month, was not there. */
  portCount?: number;
}

/** An earlier month a report compares with: its IXP row, and the traffic of its like-for-like span. */
export interface EarlierMonth {
  month: string;
  from: number;
  to: number;
  /** The IXP's (asn 0) month row, when the collector has one. */
  ixp: MonthRow | undefined;
  /** Bytes and coverage of the same elapsed span while the report's month is in progress (else the whole month). */
  span: { bytes: number; coverage: number };
}

/** Everything {@link computeReport} needs: the collector's month rows and the IXP's windows (data.ts loads them). */
export interface ReportInput {
  ixp: { id: string; name: string; country?: string; timezone: string; currency: string; transitPricePerMbps: number; launched?: string };
  month: string;
  from: number;
  to: number;
  now: number;
  /** Names, categories, join dates and sources of the members (the registry, or what the collector forwarded). */
  members: ReportMember[];
  /** The month's rows: each member's and the IXP's (asn 0). */
  rows: MonthRow[];
  /** The IXP's 5-minute windows of the month (chart, traffic flowing). */
  ixpWindows: WindowSample[];
  previousMonth: EarlierMonth;
  previousYear: EarlierMonth;
  /** 12 months, oldest first, the last being `month`, with their rows (members' rows carry their ports' months). */
  trend: { month: string; from: number; to: number; rows: MonthRow[] }[];
}

const ceilNow = (to: number, now: number) => Math.min(to, now);

const mbps = (bps: number | null) => (bps === null ? null : bps / 1e6);

/** Hourly means of a series (for charts; coarser windows pass through). */
export function hourly(samples: WindowSample[]): { t: number; inBps: number | null; outBps: number | null }[] {
  const by = new Map<number, { i: number; o: number; wi: number; wo: number }>();
  for (const s of samples) {
    const h = Math.floor(s.t / 3_600_000) * 3_600_000;
    const a = by.get(h) ?? { i: 0, o: 0, wi: 0, wo: 0 };
    const w = s.res * (s.coverage ?? 1);
    if (s.inBps != null) { a.i += s.inBps * w; a.wi += w; }
    if (s.outBps != null) { a.o += s.outBps * w; a.wo += w; }
    by.set(h, a);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([t, a]) => ({ t, inBps: a.wi ? a.i / a.wi : null, outBps: a.wo ? a.o / a.wo : null }));
}

/** Whether a member's month row says it was there: connected, or traffic measured. */
const present = (r: MonthRow) => r.connectedShare > 0 || r.p95Samples > 0 || r.bytesIn > 0 || r.bytesOut > 0;

/**
 * Computes the report's figures (everything but the headlines and method texts, which need the language) from the
 * collector's month rows, so that a report, the dashboard and a central dashboard give the same figures.
 */
export function computeReport(input: ReportInput): Omit<ReportModel, 'lang' | 'method' | 'headlines' | 'generatedAt'> & { sources: string[] } {
  const { from, to, now } = input;
  const end = ceilNow(to, now);
  const expected = Math.max(0, (end - from) / 1000);
  const fromDay = new Date(from).toISOString().slice(0, 10);
  const toDay = new Date(to).toISOString().slice(0, 10);
  const complete = now >= to;
  const month = { from, to };
  const info = new Map(input.members.map((m) => [m.asn, m]));
  const prevAsns = new Set((input.trend.at(-2)?.rows ?? []).filter((r) => r.asn > 0 && present(r)).map((r) => r.asn));
  const hadTrafficBefore = (input.previousMonth.ixp?.bytesIn ?? 0) > 0;
  const figures: MemberFigures[] = [];
  const ports = new Map<string, number>();
  for (const r of input.rows) {
    if (r.asn === 0 || !present(r)) continue;
    const m = info.get(r.asn);
    // A member that had ports, none of them in this month, was not there; one listed by its dates without ports is.
    const listed = (!m?.joined || m.joined < toDay) && (!m?.left || m.left > fromDay);
    if (!(r.ports?.length) && !(r.bytesIn > 0 || r.bytesOut > 0) && (!listed || (m?.portCount ?? 0) > 0)) continue;
    const category = (m?.category ?? 'isp') as MemberCategory;
    for (const p of r.ports ?? []) ports.set(`${p.switch}\u0000${p.port}`, p.speedMbps ?? 0);
    // New this month: joined in it, or (no join date) first seen in it after a month with traffic.
    const isNew = m?.joined ? m.joined >= fromDay && m.joined < toDay : hadTrafficBefore && !prevAsns.has(r.asn);
    figures.push({
      asn: r.asn, name: m?.name ?? `AS${r.asn}`, category, buysTransit: m?.buysTransit ?? true,
      transitPricePerMbps: m?.transitPricePerMbps ?? input.ixp.transitPricePerMbps,
      portFee: r.portFee, connectedShare: r.connectedShare,
      bytes: r.bytesIn, bytesReceived: r.bytesOut,
      p95InMbps: r.p95InMbps, p95OutMbps: r.p95OutMbps, p95Mbps: r.p95Mbps,
      transitSaved: r.transitSaved, netSaved: r.netSaved,
      ...(complete ? {} : { transitSavedProjected: r.transitSavedProjected, netSavedProjected: r.netSavedProjected }),
      coverage: r.coverage, resolution: r.resolution,
      peakMbps: mbps(r.peakBps),
      ports: (r.ports ?? []).length,
      capacityMbps: (r.ports ?? []).reduce((a, p) => a + (p.speedMbps ?? 0), 0),
      joined: m?.joined, isNew, sources: m?.sources,
    });
  }
  const x = input.rows.find((r) => r.asn === 0);
  const ixp = {
    bytes: x?.bytesIn ?? 0, p95InMbps: x?.p95InMbps ?? null, p95OutMbps: x?.p95OutMbps ?? null, p95Mbps: x?.p95Mbps ?? null,
    transitSaved: x?.transitSaved ?? 0, netSaved: x?.netSaved ?? 0, localContentShare: x?.localContentShare ?? null,
    coverage: x?.coverage ?? 0, resolution: x?.resolution ?? 300, peakBps: x?.peakBps ?? null, peakMethodSaved: x?.peakMethodSaved ?? 0,
  };
  const capacityMbps = [...ports.values()].reduce((a, b) => a + b, 0);
  let flowing = 0;
  for (const s of input.ixpWindows) if ((s.inBps ?? 0) > 0 || (s.outBps ?? 0) > 0) flowing += s.res * (s.coverage ?? 1);
  // Like for like: the same elapsed span of the earlier months while this one is in progress.
  const nowSide = { label: input.month, bytes: ixp.bytes, coverage: ixp.coverage };
  const compare = (e: EarlierMonth): GrowthFigure => {
    const g = growth(nowSide, { label: e.month, bytes: e.span.bytes, coverage: e.span.coverage });
    return { month: e.month, bytes: e.span.bytes, change: g.change, coverage: e.span.coverage, ...(g.notComparable ? { notComparable: g.notComparable } : {}) };
  };
  const trend = input.trend.map((t) => {
    const r = t.rows.find((y) => y.asn === 0);
    return { month: t.month, bytes: r?.bytesIn ?? 0, share: r?.localContentShare ?? null, coverage: r?.coverage ?? 0 };
  });
  const cap = capacityMbps > 0 ? capacityMbps : null;
  const pollWindows = x?.pollWindows ?? null;
  return {
    kind: 'ixmeter-impact-report',
    version: 2,
    period: { month: input.month, from: new Date(from).toISOString(), to: new Date(to).toISOString(), timezone: input.ixp.timezone, complete, elapsedShare: elapsedShare(month, now) },
    currency: input.ixp.currency,
    ixp: {
      id: input.ixp.id, name: input.ixp.name, country: input.ixp.country, timezone: input.ixp.timezone,
      bytes: ixp.bytes, p95InMbps: ixp.p95InMbps, p95OutMbps: ixp.p95OutMbps, p95Mbps: ixp.p95Mbps,
      transitSaved: ixp.transitSaved, netSaved: ixp.netSaved, localContentShare: ixp.localContentShare,
      coverage: ixp.coverage, resolution: ixp.resolution, peakMbps: mbps(ixp.peakBps),
      portFees: figures.reduce((a, m) => a + m.portFee, 0), peakMethodSaved: ixp.peakMethodSaved,
      ...(complete ? {} : { transitSavedProjected: x?.transitSavedProjected ?? 0, netSavedProjected: x?.netSavedProjected ?? 0 }),
    },
    members: figures.sort((a, b) => b.bytes - a.bytes || a.asn - b.asn),
    growth: {
      previousMonth: compare(input.previousMonth),
      previousYear: compare(input.previousYear),
    },
    localContent: {
      share: ixp.localContentShare,
      previousMonth: input.previousMonth.ixp?.localContentShare ?? null,
      previousYear: input.previousYear.ixp?.localContentShare ?? null,
      trend,
    },
    membership: { count: figures.length, new: figures.filter((m) => m.isNew).map((m) => ({ asn: m.asn, name: m.name, joined: m.joined })) },
    capacity: {
      ports: ports.size,
      capacityMbps,
      meanUtilisation: cap && expected > 0 ? (ixp.bytes * 8) / expected / 1e6 / cap : null,
      p95Utilisation: cap && ixp.p95Mbps !== null ? ixp.p95Mbps / cap : null,
      peakUtilisation: cap && ixp.peakBps !== null ? ixp.peakBps / 1e6 / cap : null,
    },
    availability: {
      trafficFlowing: expected > 0 ? Math.min(1, flowing / expected) : 0,
      collectorsReporting: pollWindows === null || expected <= 0 ? null : Math.min(1, (pollWindows * 300) / expected),
    },
    series: hourly(input.ixpWindows),
    sources: [...(x?.sources ?? [])].sort(),
    capacityForecasts: portForecasts(input),
  };
}

/** A member port's capacity forecast in a report. */
export interface PortForecast { asn: number; name: string; switch: string; port: string; speedMbps: number | null; forecast: Forecast }

/** Monthly P95 utilisation (higher direction, over the port's speed) of every member port over the trend months, and its forecast. */
export function portForecasts(input: ReportInput): PortForecast[] {
  const byPort = new Map<string, { asn: number; switch: string; port: string; speed: number | null; months: MonthUtil[] }>();
  for (const tm of input.trend) {
    for (const r of tm.rows) {
      if (r.asn === 0) continue;
      for (const p of r.ports ?? []) {
        const k = `${p.switch}\u0000${p.port}`;
        const e = byPort.get(k) ?? { asn: r.asn, switch: p.switch, port: p.port, speed: p.speedMbps, months: [] };
        e.asn = r.asn;
        if (p.speedMbps) e.speed = p.speedMbps;
        // The running month counts once half of the whole month is covered (as on the dashboard): port coverage is of the whole month.
        e.months.push({ month: tm.month, util: p.speedMbps && p.p95Mbps !== null ? p.p95Mbps / p.speedMbps : null, coverage: p.coverage });
        byPort.set(k, e);
      }
    }
  }
  const names = new Map(input.members.map((m) => [m.asn, m.name]));
  const rank = (f: Forecast) => (f.status === 'over' ? -1 : f.status === 'forecast' ? f.crossingAt! : Infinity);
  return [...byPort.values()]
    .map((e) => ({ asn: e.asn, name: names.get(e.asn) ?? `AS${e.asn}`, switch: e.switch, port: e.port, speedMbps: e.speed, forecast: forecastCrossing(e.months) }))
    .sort((a, b) => rank(a.forecast) - rank(b.forecast) || a.asn - b.asn);
}
