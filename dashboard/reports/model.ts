// The monthly impact report's model and its pure computation from port histories: every figure comes from
// the impact module (collector/figures), so reports, API and pages agree. No I/O, no clock (now is an input).
import { bytesOf, ixpImpact, localContentShare, sumPerWindow, type WindowSample } from '../../collector/figures/impact.ts';
import { elapsedShare, growth, likeForLike, memberMonthImpact, memberSamples, type Growth, type MemberMonthImpact } from '../../collector/figures/partmonth.ts';
import { membershipBounds } from '../calendar.ts';
import type { MemberCategory } from '../../collector/config/types.ts';
import { forecastCrossing, type Forecast, type MonthUtil } from '../../collector/figures/forecast.ts';
import { billableP95 } from '../../collector/figures/impact.ts';
import type { MemberInfo } from '../../collector/members/registry.ts';

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
  /** Ports the member has had at any time; a member whose ports all lie outside the period was not there. */
  portCount?: number;
}

/** One member port's samples over a period (already clipped to when it belonged to the member). */
export interface PortHistory {
  switch: string;
  port: string;
  asn: number;
  validFrom: number | null;
  validTo: number | null;
  speedMbps: number | null;
  samples: WindowSample[];
  /** Rollup sources seen ('poll', 'mrtg'...). */
  sources: string[];
}

/** Everything {@link computeReport} needs; produced by the store loader. */
export interface ReportInput {
  ixp: { id: string; name: string; country?: string; timezone: string; currency: string; transitPricePerMbps: number; launched?: string };
  month: string;
  from: number;
  to: number;
  now: number;
  members: ReportMember[];
  ports: PortHistory[];
  previousMonth: { month: string; from: number; to: number; ports: PortHistory[] };
  previousYear: { month: string; from: number; to: number; ports: PortHistory[] };
  /** 12 months, oldest first, the last being `month`. `traffic`, when given, is that month's {@link periodTraffic} computed as it was read (its samples dropped). */
  trend: { month: string; from: number; to: number; ports: PortHistory[]; traffic?: { bytes: number; share: number | null; coverage: number } }[];
  /** 5-minute windows of the period with a good poll; null when the store has no poll in it. */
  pollWindows: number | null;
}

const ceilNow = (to: number, now: number) => Math.min(to, now);

/** Bytes sent into the IXP and content share of a period's port histories. */
export function periodTraffic(ports: PortHistory[], members: ReportMember[], from: number, to: number): { bytes: number; share: number | null; coverage: number } {
  const cat = new Map(members.map((m) => [m.asn, m.category]));
  const per = new Map<number, number>();
  for (const p of ports) per.set(p.asn, (per.get(p.asn) ?? 0) + bytesOf(p.samples, 'in'));
  const bytes = [...per.values()].reduce((a, b) => a + b, 0);
  const agg = sumPerWindow(ports.map((p) => p.samples));
  const expected = Math.max(0, (to - from) / 1000);
  let have = 0;
  for (const s of agg) if (s.inBps != null || s.outBps != null) have += s.res * (s.coverage ?? 1);
  return {
    bytes,
    share: localContentShare([...per.entries()].map(([asn, b]) => ({ category: cat.get(asn) ?? 'other', bytesSent: b }))),
    coverage: expected > 0 ? Math.min(1, have / expected) : 0,
  };
}

/** The port histories' samples inside `span` (for like-for-like growth). */
function within(ports: PortHistory[], span: { from: number; to: number }): PortHistory[] {
  return ports.map((p) => ({ ...p, samples: p.samples.filter((s) => s.t >= span.from && s.t < span.to) }));
}

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

/**
 * Computes the report's figures (everything but the headlines and method texts, which need the language).
 * Members are those with a port in the period or whose join/leave dates span it.
 */
export function computeReport(input: ReportInput): Omit<ReportModel, 'lang' | 'method' | 'headlines' | 'generatedAt'> & { sources: string[] } {
  const { from, to, now } = input;
  const end = ceilNow(to, now);
  const expected = Math.max(0, (end - from) / 1000);
  const monthMs = to - from;
  const fromDay = new Date(from).toISOString().slice(0, 10);
  const toDay = new Date(to).toISOString().slice(0, 10);
  const memberRows: { category: string; impact: MemberMonthImpact }[] = [];
  const figures: MemberFigures[] = [];
  const own: WindowSample[][] = [];
  const complete = now >= to;
  const month = { from, to };
  const portsByAsn = new Map<number, PortHistory[]>();
  for (const p of input.ports) (portsByAsn.get(p.asn) ?? portsByAsn.set(p.asn, []).get(p.asn)!).push(p);
  for (const m of input.members) {
    const ports = portsByAsn.get(m.asn) ?? [];
    const listed = (!m.joined || m.joined < toDay) && (!m.left || m.left > fromDay);
    if (!ports.length && (!listed || (m.portCount ?? 0) > 0)) continue;
    // The part-month convention (impact/partmonth.ts): P95 over its windows while a member, bill and fee × connected share.
    const membership = membershipBounds(m, input.ixp.launched, input.ixp.timezone);
    const samples = memberSamples(sumPerWindow(ports.map((p) => p.samples)), membership);
    own.push(samples);
    const impact = memberMonthImpact({ category: m.category, buysTransit: m.buysTransit, transitPricePerMbps: m.transitPricePerMbps, portFeePerMonth: m.portFeePerMonth, samples, membership }, month, month, now);
    if (impact.connectedShare === 0 && !samples.length && !listed) continue;
    memberRows.push({ category: m.category, impact });
    const firstPort = ports.length ? Math.min(...ports.map((p) => p.validFrom ?? -Infinity)) : -Infinity;
    const isNew = m.joined ? m.joined >= fromDay && m.joined < toDay : firstPort >= from && firstPort < to;
    figures.push({
      asn: m.asn, name: m.name, category: m.category, buysTransit: m.buysTransit, transitPricePerMbps: m.transitPricePerMbps,
      portFee: impact.portFee, connectedShare: impact.connectedShare,
      bytes: impact.bytesIn, bytesReceived: impact.bytesOut,
      p95InMbps: impact.p95.inMbps, p95OutMbps: impact.p95.outMbps, p95Mbps: impact.p95.mbps,
      transitSaved: impact.transitSaved, netSaved: impact.netSaved,
      ...(complete ? {} : { transitSavedProjected: impact.transitSavedProjected, netSavedProjected: impact.netSavedProjected }),
      coverage: impact.coverage, resolution: impact.resolution,
      peakMbps: mbps(impact.peakBps),
      ports: new Set(ports.map((p) => `${p.switch}\u0000${p.port}`)).size,
      capacityMbps: uniqueCapacity(ports),
      joined: m.joined, isNew, sources: m.sources,
    });
  }
  const aggregate = sumPerWindow(own);
  const ixp = ixpImpact(memberRows, aggregate, input.ixp.transitPricePerMbps, expected, (end - from) / Math.max(1, monthMs));
  const capacityMbps = uniqueCapacity(input.ports);
  let flowing = 0;
  for (const s of aggregate) if ((s.inBps ?? 0) > 0 || (s.outBps ?? 0) > 0) flowing += s.res * (s.coverage ?? 1);
  const prev = periodTraffic(input.previousMonth.ports, input.members, input.previousMonth.from, input.previousMonth.to);
  const prevYear = periodTraffic(input.previousYear.ports, input.members, input.previousYear.from, input.previousYear.to);
  // Like for like: the same elapsed span of the earlier months while this one is in progress.
  const nowSide = { label: input.month, bytes: ixp.bytes, coverage: ixp.coverage };
  const compare = (e: { month: string; from: number; to: number; ports: PortHistory[] }): GrowthFigure => {
    const span = likeForLike(month, e, now);
    const side = periodTraffic(within(e.ports, span), input.members, span.from, span.to);
    const g = growth(nowSide, { label: e.month, bytes: side.bytes, coverage: side.coverage });
    return { month: e.month, bytes: side.bytes, change: g.change, coverage: side.coverage, ...(g.notComparable ? { notComparable: g.notComparable } : {}) };
  };
  const trend = input.trend.map((t) => ({ month: t.month, ...(t.traffic ?? periodTraffic(t.ports, input.members, t.from, ceilNow(t.to, now))) }));
  const sources = [...new Set(input.ports.flatMap((p) => p.sources))].sort();
  const cap = capacityMbps > 0 ? capacityMbps : null;
  return {
    kind: 'ixmeter-impact-report',
    version: 2,
    period: { month: input.month, from: new Date(from).toISOString(), to: new Date(to).toISOString(), timezone: input.ixp.timezone, complete, elapsedShare: elapsedShare(month, now) },
    currency: input.ixp.currency,
    ixp: {
      id: input.ixp.id, name: input.ixp.name, country: input.ixp.country, timezone: input.ixp.timezone,
      bytes: ixp.bytes, p95InMbps: ixp.p95.inMbps, p95OutMbps: ixp.p95.outMbps, p95Mbps: ixp.p95.mbps,
      transitSaved: ixp.transitSaved, netSaved: ixp.netSaved, localContentShare: ixp.localContentShare,
      coverage: ixp.coverage, resolution: ixp.resolution, peakMbps: mbps(ixp.peakBps),
      portFees: figures.reduce((a, m) => a + m.portFee, 0), peakMethodSaved: ixp.peakMethodSaved,
      ...(complete ? {} : {
        transitSavedProjected: memberRows.reduce((a, m) => a + m.impact.transitSavedProjected, 0),
        netSavedProjected: memberRows.reduce((a, m) => a + m.impact.netSavedProjected, 0),
      }),
    },
    members: figures.sort((a, b) => b.bytes - a.bytes || a.asn - b.asn),
    growth: {
      previousMonth: compare(input.previousMonth),
      previousYear: compare(input.previousYear),
    },
    localContent: { share: ixp.localContentShare, previousMonth: prev.share, previousYear: prevYear.share, trend },
    membership: { count: figures.length, new: figures.filter((m) => m.isNew).map((m) => ({ asn: m.asn, name: m.name, joined: m.joined })) },
    capacity: {
      ports: new Set(input.ports.map((p) => `${p.switch}\u0000${p.port}`)).size,
      capacityMbps,
      meanUtilisation: cap && expected > 0 ? (ixp.bytes * 8) / expected / 1e6 / cap : null,
      p95Utilisation: cap && ixp.p95.mbps !== null ? ixp.p95.mbps / cap : null,
      peakUtilisation: cap && ixp.peakBps !== null ? ixp.peakBps / 1e6 / cap : null,
    },
    availability: {
      trafficFlowing: expected > 0 ? Math.min(1, flowing / expected) : 0,
      collectorsReporting: input.pollWindows === null || expected <= 0 ? null : Math.min(1, (input.pollWindows * 300) / expected),
    },
    series: hourly(aggregate),
    sources,
    capacityForecasts: portForecasts(input),
  };
}

/** A member port's capacity forecast in a report. */
export interface PortForecast { asn: number; name: string; switch: string; port: string; speedMbps: number | null; forecast: Forecast }

/** Monthly P95 utilisation (higher direction, over the port's speed) of every member port over the trend months, and its forecast. */
export function portForecasts(input: ReportInput): PortForecast[] {
  const byPort = new Map<string, { asn: number; switch: string; port: string; speed: number | null; months: MonthUtil[] }>();
  for (const tm of input.trend) {
    const seconds = (Math.min(tm.to, Math.max(tm.from, input.now)) - tm.from) / 1000;
    const whole = (tm.to - tm.from) / 1000;
    for (const p of tm.ports) {
      const k = `${p.switch}\u0000${p.port}`;
      const e = byPort.get(k) ?? { asn: p.asn, switch: p.switch, port: p.port, speed: p.speedMbps, months: [] };
      const mbps = billableP95(p.samples).mbps;
      const covered = p.samples.reduce((a, s) => a + s.res * (s.coverage ?? 1), 0);
      // The running month counts once half of the whole month is covered (as on the dashboard).
      e.months.push({ month: tm.month, util: p.speedMbps && mbps !== null ? mbps / p.speedMbps : null, coverage: seconds > 0 ? covered / whole : 0 });
      byPort.set(k, e);
    }
  }
  const names = new Map(input.members.map((m) => [m.asn, m.name]));
  const rank = (f: Forecast) => (f.status === 'over' ? -1 : f.status === 'forecast' ? f.crossingAt! : Infinity);
  return [...byPort.values()]
    .map((e) => ({ asn: e.asn, name: names.get(e.asn) ?? `AS${e.asn}`, switch: e.switch, port: e.port, speedMbps: e.speed, forecast: forecastCrossing(e.months) }))
    .sort((a, b) => rank(a.forecast) - rank(b.forecast) || a.asn - b.asn);
}

function uniqueCapacity(ports: PortHistory[]): number {
  const seen = new Map<string, number>();
  for (const p of ports) seen.set(`${p.switch}\u0000${p.port}`, p.speedMbps ?? 0);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
