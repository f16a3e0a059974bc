// The monthly report's resilience section: the month's international outages (every international reference
// silent while members' routers answered) with the local traffic kept flowing meanwhile, and the month's latency
// summary (local = median over members' routers; each reference with loss and coverage). Built from the month's
// latency data (a local store's tables, or any latency reader); the traffic during an outage comes through the one
// `trafficBytes` function the wiring supplies.
import type Database from 'better-sqlite3';
import { median } from '../../collector/latency/rounds.ts';
import { findOutages, type RoundSummary } from '../../collector/latency/outages.ts';
import { readLatencyHourly, type LatencyHourly } from '../../collector/store/latency.ts';
import { medianGap, storeRoundSummaries, type LatencyReader } from '../readers/latency.ts';
import { RESILIENCE_STRINGS, formatters } from './i18n.ts';
import type { ReportLang, ReportModel } from './model.ts';
import type { WindowSample } from '../../collector/figures/impact.ts';
import { esc } from './svg.ts';

/** Traffic members sent into the exchange in [from, to): bytes, and the share of port-time measured (0..1). */
export type TrafficBytes = (from: number, to: number) => { bytes: number; coverage: number };

/** One reference (international or local target) over the month. */
export interface ReferenceLatency {
  target: string;
  kind: 'international' | 'local';
  name: string;
  /** Median of the hourly medians of every RTT that came back (ms); null when none did. */
  medianMs: number | null;
  /** Lost pings over pings sent (0..1); null when none was sent. */
  loss: number | null;
  /** Rounds that probed it. */
  rounds: number;
  /** rounds over the rounds the month's elapsed part should have held (one per round interval), at most 1. */
  coverage: number;
}

/** One international outage of the month, with the local traffic meanwhile. */
export interface ReportOutage {
  /** ISO times; `end` is null while the outage goes on (then durationMs runs to the last silent round plus one interval). */
  start: string;
  end: string | null;
  durationMs: number;
  /** Each edge is known to within one round interval (ms). */
  uncertaintyMs: number;
  rounds: number;
  /** Bytes members sent into the exchange during the outage. */
  bytes: number;
  /** bytes x 8 over the measured seconds of the outage; null with no coverage. */
  avgBps: number | null;
  /** Share of port-time of the outage with traffic samples (0..1). */
  coverage: number;
}

/** The report JSON's `resilience` member (docs/API.md). */
export interface ResilienceSection {
  /** Round interval (ms): the median gap between the month's rounds; null when the month has fewer than two rounds. */
  intervalMs: number | null;
  latency: {
    /** Share of the month's elapsed hours with at least one round (0..1). */
    coverage: number;
    /** Members' routers: the median over routers of each router's month median; loss over every ping to them. */
    local: { medianMs: number | null; loss: number | null; routers: number; rounds: number };
    references: ReferenceLatency[];
  };
  outages: ReportOutage[];
  total: { outages: number; durationMs: number; bytes: number };
  /** How the section was computed, in the report's language. */
  method: string;
}

const HOUR = 3_600_000;

/**
 * The month's latency summary from hourly rollups (pure). `elapsedMs` is the part of the month that has passed,
 * `intervalMs` the round interval (for references' coverage).
 */
export function latencySummary(rows: LatencyHourly[], elapsedMs: number, intervalMs: number | null): ResilienceSection['latency'] {
  const by = new Map<string, LatencyHourly[]>();
  for (const r of rows) (by.get(r.address) ?? by.set(r.address, []).get(r.address)!).push(r);
  const medianOf = (hs: LatencyHourly[]) => median(hs.map((h) => h.medianMs).filter((v): v is number => v !== null).sort((a, b) => a - b));
  const lossOf = (hs: LatencyHourly[]) => { const s = hs.reduce((a, h) => a + h.sent, 0); return s ? 1 - hs.reduce((a, h) => a + h.received, 0) / s : null; };
  const roundsOf = (hs: LatencyHourly[]) => hs.reduce((a, h) => a + h.rounds, 0);
  const routers = [...by.values()].filter((hs) => hs[0]!.kind === 'member');
  const expectedRounds = intervalMs ? elapsedMs / intervalMs : 0;
  const hours = Math.ceil(elapsedMs / HOUR);
  return {
    coverage: hours > 0 ? Math.min(1, new Set(rows.map((r) => r.t)).size / hours) : 0,
    local: {
      medianMs: median(routers.map(medianOf).filter((v): v is number => v !== null).sort((a, b) => a - b)),
      loss: lossOf(routers.flat()), routers: routers.length, rounds: Math.max(0, ...routers.map(roundsOf)),
    },
    references: [...by.values()].filter((hs) => hs[0]!.kind !== 'member')
      .map((hs): ReferenceLatency => ({
        target: hs[0]!.address, kind: hs[0]!.kind as 'international' | 'local', name: hs[0]!.name, medianMs: medianOf(hs), loss: lossOf(hs),
        rounds: roundsOf(hs), coverage: expectedRounds > 0 ? Math.min(1, roundsOf(hs) / expectedRounds) : 0,
      }))
      .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) || a.target.localeCompare(b.target) : a.kind === 'international' ? -1 : 1)),
  };
}

/**
 * Members' inbound traffic in [from, to) from the IXP's windows (the collector's asn-0 member windows: every member
 * port summed), a window cut by the span counted pro rata (pure). Coverage is the measured share of the span (each
 * window's coverage is over the member ports present in it). The report wiring passes it as {@link TrafficBytes}.
 */
export function windowTraffic(windows: readonly WindowSample[], from: number, to: number): { bytes: number; coverage: number } {
  let bytes = 0, covered = 0;
  for (const s of windows) {
    if (s.inBps === null || s.inBps === undefined) continue;
    const len = s.res * 1000;
    const overlap = Math.min(to, s.t + len) - Math.max(from, s.t);
    if (overlap <= 0) continue;
    const c = s.coverage ?? 1;
    bytes += (s.inBps * s.res * c / 8) * (overlap / len);
    covered += overlap * c;
  }
  return { bytes, coverage: to > from ? Math.min(1, covered / (to - from)) : 0 };
}

/** What the section is built from: the month's hourly rollups and what each round saw (any latency reader gives both). */
export interface LatencyMonthData {
  hourly: LatencyHourly[];
  /** What each round saw per kind of target, by time. */
  rounds: RoundSummary[];
}

/** Options of {@link resilienceSection}. */
export interface ResilienceOptions {
  /** The month [from, to) (epoch ms) and the report's clock: a month in progress stops at now. */
  from: number;
  to: number;
  now: number;
  lang: ReportLang;
  /** The traffic during an outage. */
  trafficBytes: TrafficBytes;
}

/** The part of the month the section covers: [from, min(to, now)). */
export const sectionEnd = (o: Pick<ResilienceOptions, 'from' | 'to' | 'now'>): number => Math.min(o.to, Math.max(o.from, o.now));

/** The month's latency data through any latency reader (the local store, or InfluxDB on a central dashboard). */
export async function readLatencyMonth(reader: LatencyReader, ixp: string, from: number, end: number): Promise<LatencyMonthData> {
  const [hourly, rounds] = await Promise.all([reader.hourly(ixp, from, end), reader.roundSummaries(ixp, from, end)]);
  return { hourly, rounds };
}

/**
 * The resilience section of one month (pure over the data); null without data or without any round in the month.
 * The round interval is the median gap between the month's round times; outages are cut at the month's end.
 */
export function resilienceSection(data: LatencyMonthData | null, o: ResilienceOptions): ResilienceSection | null {
  if (!data || (data.hourly.length === 0 && data.rounds.length === 0)) return null;
  const end = sectionEnd(o);
  const intervalMs = medianGap(data.rounds.map((r) => r.t));
  const outages = intervalMs === null ? [] : findOutages(data.rounds, intervalMs).map((x): ReportOutage => {
    const stop = Math.min(end, x.end ?? x.start + x.durationMs);
    const tr = o.trafficBytes(x.start, stop);
    const seconds = (stop - x.start) / 1000;
    return {
      start: new Date(x.start).toISOString(), end: x.end === null ? null : new Date(x.end).toISOString(), durationMs: x.durationMs,
      uncertaintyMs: x.uncertaintyMs, rounds: x.rounds, bytes: tr.bytes, avgBps: tr.coverage > 0 && seconds > 0 ? (tr.bytes * 8) / (seconds * tr.coverage) : null,
      coverage: tr.coverage,
    };
  });
  return {
    intervalMs,
    latency: latencySummary(data.hourly, end - o.from, intervalMs),
    outages,
    total: { outages: outages.length, durationMs: outages.reduce((a, x) => a + x.durationMs, 0), bytes: outages.reduce((a, x) => a + x.bytes, 0) },
    method: RESILIENCE_STRINGS[o.lang].method,
  };
}

/**
 * Sentences for the report's headlines: the outages and the traffic kept meanwhile, and local latency beside the
 * first international reference's. None without a section (or without the figures a sentence needs).
 */
export function resilienceHeadlines(r: Pick<ReportModel, 'resilience' | 'lang' | 'currency'>): string[] {
  const x = r.resilience;
  if (!x) return [];
  const s = RESILIENCE_STRINGS[r.lang];
  const f = formatters(r.lang, r.currency);
  const out: string[] = [];
  if (x.outages.length) out.push(s.summary(x.total.outages, durationText(x.total.durationMs), f.bytes(x.total.bytes)));
  const intl = x.latency.references.find((ref) => ref.kind === 'international' && ref.medianMs !== null);
  if (x.latency.local.medianMs !== null && intl) {
    out.push(s.latencyHeadline(msText(x.latency.local.medianMs), intl.name, msText(intl.medianMs), f.pct(x.latency.coverage)));
  }
  return out;
}

const msText = (v: number | null) => (v === null ? '–' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`);

function durationText(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The section as HTML (every name escaped); empty when the report has none. */
export function resilienceHtml(r: ReportModel): string {
  const x = r.resilience;
  if (!x) return '';
  const s = RESILIENCE_STRINGS[r.lang];
  const f = formatters(r.lang, r.currency);
  const bps = (v: number | null) => (v === null ? '–' : f.mbps(v / 1e6));
  const time = (iso: string | null) => (iso === null ? s.ongoing : `${iso.slice(0, 16).replace('T', ' ')} UTC`);
  const refs = x.latency.references.map((ref) => `<tr data-testid="latency-ref"><td>${esc(ref.name)} (${esc(ref.target)})</td><td>${esc(ref.kind === 'international' ? s.international : s.localRef)}</td><td class="n">${esc(msText(ref.medianMs))}</td><td class="n">${esc(f.pct(ref.loss))}</td><td class="n">${ref.rounds}</td><td class="n">${esc(f.pct(ref.coverage))}</td></tr>`).join('\n');
  const outages = x.outages.length === 0 ? `<p data-testid="no-outage">${esc(s.noOutage)}</p>`
    : `<table data-testid="outages"><tr><th>${esc(s.start)}</th><th>${esc(s.end)}</th><th class="n">${esc(s.duration)}</th><th class="n">${esc(s.localTraffic)}</th><th class="n">${esc(s.avgRate)}</th><th class="n">${esc(s.coverage)}</th></tr>
${x.outages.map((o) => `<tr data-testid="outage"><td>${esc(time(o.start))}</td><td>${esc(time(o.end))}</td><td class="n">${esc(`${durationText(o.durationMs)} ± ${durationText(o.uncertaintyMs)}`)}</td><td class="n">${esc(f.bytes(o.bytes))}</td><td class="n">${esc(bps(o.avgBps))}</td><td class="n">${esc(f.pct(o.coverage))}</td></tr>`).join('\n')}
</table>`;
  return `<div class="fig" data-testid="resilience"><h2>${esc(s.title)}</h2>
<p>${esc(s.summary(x.total.outages, durationText(x.total.durationMs), f.bytes(x.total.bytes)))}</p>
${outages}
<table data-testid="latency"><tr><th>${esc(s.target)}</th><th>${esc(s.kind)}</th><th class="n">${esc(s.median)}</th><th class="n">${esc(s.loss)}</th><th class="n">${esc(s.rounds)}</th><th class="n">${esc(s.coverage)}</th></tr>
<tr data-testid="latency-local"><td>${esc(s.local)}</td><td>${esc(s.routers(x.latency.local.routers))}</td><td class="n">${esc(msText(x.latency.local.medianMs))}</td><td class="n">${esc(f.pct(x.latency.local.loss))}</td><td class="n">${x.latency.local.rounds}</td><td class="n">${esc(f.pct(x.latency.coverage))}</td></tr>
${refs}
</table>
<p class="meta" data-testid="method-resilience">${esc(x.method)}</p></div>`;
}

/** CSV columns the section adds (after the report's own). */
export const RESILIENCE_CSV_COLUMNS = ['kind', 'target', 'start', 'end', 'duration_s', 'avg_bps', 'median_ms', 'loss', 'rounds'] as const;

type Cell = string | number | boolean | null | undefined;

/**
 * The section's CSV rows, as column → value records: row `latency_local` (members' routers), `latency_reference`
 * (one per reference), `outage` (one per outage: bytes, avg_bps, coverage of the local traffic meanwhile).
 */
export function resilienceCsvRows(r: ReportModel): Record<string, Cell>[] {
  const x = r.resilience;
  if (!x) return [];
  const base = { ixp: r.ixp.id, month: r.period.month, currency: r.currency };
  return [
    { ...base, row: 'latency_local', name: 'members\' routers', median_ms: x.latency.local.medianMs, loss: x.latency.local.loss, rounds: x.latency.local.rounds, coverage: x.latency.coverage, ports: x.latency.local.routers },
    ...x.latency.references.map((ref) => ({ ...base, row: 'latency_reference', kind: ref.kind, target: ref.target, name: ref.name, median_ms: ref.medianMs, loss: ref.loss, rounds: ref.rounds, coverage: ref.coverage })),
    ...x.outages.map((o) => ({ ...base, row: 'outage', start: o.start, end: o.end, duration_s: o.durationMs / 1000, bytes: o.bytes, avg_bps: o.avgBps, coverage: o.coverage, rounds: o.rounds })),
  ];
}
