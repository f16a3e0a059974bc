// The dashboard's answers: reads through a Reader, attributes ports to members, applies the impact maths and
// builds the api.ts response objects. No HTTP and no authorisation here (routes do that); the clock is injected.
import type {
  DataSource, ImpactRow, IxpInfo, MemberDetailResponse, MemberRow, MethodKey, MonthFigures, NowResponse, P95, Period,
  PortDetailResponse, PortInfo, SummaryResponse, TrafficResponse, TrafficSeries,
} from '../api.ts';
import type { IxpConfig, MemberConfig, SwitchRoles } from '../../collector/config/types.ts';
import { bytesOf, coverage, ixpImpact, type IxpImpact, type WindowSample } from '../../collector/figures/impact.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import { elapsedShare, growth, likeForLike, memberMonthImpact, memberSamples, type Growth, type MemberMonthImpact, type Membership } from '../../collector/figures/partmonth.ts';
import { portKey, type PortRef, type PortState, type Reader, type Resolution, type SeriesQuery, type SumRow } from '../readers/reader.ts';
import { portMembers, resolveDashMembers, type DashMember } from './members.ts';
import { chooseStep, splitByMonth } from './period.ts';
import { membershipBounds, monthOf, monthRange, tzOffset } from '../calendar.ts';
import { TtlCache } from './cache.ts';
import { coveragePct } from '../reports/i18n.ts';

/** One IXP the dashboard serves: its config section and its members from config. */
export interface IxpContext {
  ixp: IxpConfig;
  members: MemberConfig[];
  /** Member rows visible to the public when the IXP is public (dashboard.publicMembers). */
  publicMembers: boolean;
  /** Whether ifAlias parsing attributes ports no configured member claims (memberSources.ifAlias). */
  ifAlias: boolean;
  /** Poll interval in seconds (banner staleness). */
  pollInterval: number;
  /** The IXP's switches: site and port roles (sites, trunks and capacity views, dashboard/server/sites.ts). */
  switches?: { name: string; site: string; roles?: SwitchRoles }[];
}

export interface ServiceDeps {
  reader: Reader;
  /** The IXPs the config describes (a central dashboard may have none: its reader describes the rest). */
  ixps: IxpContext[];
  now?: () => number;
  /** Member rows visible to the public on IXPs the reader describes (dashboard.publicMembers). */
  publicMembers?: boolean;
}

const DAY = 86_400_000;
const ROLLING_PRESETS = new Set(['24h', '7d', '30d', '365d']);
const LOOKBACK = 400 * DAY;

/** One month chunk's figures, cached. */
interface Chunk {
  from: number;
  to: number;
  whole: boolean;
  /** Length of the calendar month the chunk lies in, ms (connected shares are of it). */
  monthMs: number;
  members: Map<number, MemberMonthImpact>;
  /** The IXP's figures so far, plus the sums of the members' projections (equal to so far once the chunk is over). */
  ixp: IxpImpact & { transitSavedProjected: number; netSavedProjected: number };
  maxUtil: Map<string, number>;
  expected: number;
}

/** A stored month row as the figures the service combines. */
function memberFigures(r: MonthRow): MemberMonthImpact {
  return {
    p95: { inMbps: r.p95InMbps, outMbps: r.p95OutMbps, mbps: r.p95Mbps, samples: r.p95Samples },
    bytesIn: r.bytesIn, bytesOut: r.bytesOut, peakBps: r.peakBps,
    transitSaved: r.transitSaved, netSaved: r.netSaved, portFee: r.portFee,
    coverage: r.coverage, resolution: r.resolution, connectedShare: r.connectedShare,
    transitSavedProjected: r.transitSavedProjected, netSavedProjected: r.netSavedProjected, portFeeProjected: r.portFeeProjected,
  };
}

/** The chunk of a whole month from the collector's rows (asn 0 = the IXP). */
function monthChunk(rows: MonthRow[], month: { from: number; to: number }): Chunk {
  const members = new Map<number, MemberMonthImpact>();
  const maxUtil = new Map<string, number>();
  let ixp: Chunk['ixp'] = {
    bytes: 0, p95: { inMbps: null, outMbps: null, mbps: null, samples: 0 }, peakBps: null, transitSaved: 0, netSaved: 0,
    peakMethodSaved: 0, localContentShare: null, coverage: 0, resolution: 300, transitSavedProjected: 0, netSavedProjected: 0,
  };
  let expected = 0;
  for (const r of rows) {
    if (r.asn === 0) {
      const f = memberFigures(r);
      ixp = {
        bytes: r.bytesIn, p95: f.p95, peakBps: r.peakBps, transitSaved: r.transitSaved, netSaved: r.netSaved,
        peakMethodSaved: r.peakMethodSaved ?? 0, localContentShare: r.localContentShare, coverage: r.coverage, resolution: r.resolution,
        transitSavedProjected: r.transitSavedProjected, netSavedProjected: r.netSavedProjected,
      };
      expected = r.expectedSeconds;
      continue;
    }
    members.set(r.asn, memberFigures(r));
    for (const p of r.ports ?? []) if (p.maxUtil !== null) maxUtil.set(portKey(p), Math.max(maxUtil.get(portKey(p)) ?? 0, p.maxUtil));
  }
  return { from: month.from, to: month.to, whole: true, monthMs: month.to - month.from, members, ixp, maxUtil, expected };
}

export type Service = ReturnType<typeof createService>;

/** Creates the service (no I/O until a method is called). */
export function createService(deps: ServiceDeps) {
  const now = deps.now ?? Date.now;
  const reader = deps.reader;
  const byId = new Map(deps.ixps.map((c) => [c.ixp.id, c]));
  const configured = new Set(byId.keys());
  const memberCache = new TtlCache<{ members: DashMember[]; ports: PortState[] }>(500, now);
  const chunkCache = new TtlCache<Chunk>(2000, now);
  const spanCache = new TtlCache<{ bytes: number; coverage: number }>(500, now);

  function ctx(id: string): IxpContext | undefined { return byId.get(id); }

  /**
   * Reads the IXPs the reader describes (a central dashboard's InfluxDB: what every collector forwarded) and adds or
   * updates those the config does not describe. Errors are the caller's to log; what was known stays.
   */
  async function refresh(): Promise<void> {
    for (const d of await reader.describe()) {
      if (configured.has(d.ixp.id)) continue;
      const prev = byId.get(d.ixp.id);
      byId.set(d.ixp.id, { ixp: d.ixp, members: d.members, ifAlias: d.ifAlias, pollInterval: d.pollInterval, switches: d.switches, publicMembers: deps.publicMembers ?? prev?.publicMembers ?? false });
      if (prev && JSON.stringify(prev.members) !== JSON.stringify(d.members)) memberCache.clear();
    }
  }

  async function directory(id: string): Promise<{ members: DashMember[]; ports: PortState[] }> {
    const c = byId.get(id)!;
    return memberCache.get(id, 30_000, async () => {
      const ports = await reader.portStates(id, now() - LOOKBACK);
      return { members: resolveDashMembers(c.members, ports, c.ifAlias), ports };
    });
  }

  function priceOf(c: IxpContext, m: DashMember): number {
    return m.transitPricePerMbps ?? c.ixp.transitPricePerMbps;
  }

  /** When a member belongs to the IXP (its join/leave dates from the member list, the IXP's launch, in its time zone). */
  function membershipOf(c: IxpContext, m: DashMember): Membership {
    const cfg = c.members.find((x) => x.asn === m.asn);
    return membershipBounds({ joined: cfg?.joined, left: cfg?.left }, c.ixp.launched, c.ixp.timezone);
  }

  /**
   * Figures of one calendar-month chunk [from, to). A whole month is the collector's month rows (one read; kept 60 s,
   * the running month 30 s). A piece of a month (rolling periods, custom ranges) is computed here from the
   * collector's member windows with the same part-month maths (collector/figures/partmonth.ts).
   */
  async function chunk(id: string, from: number, to: number): Promise<Chunk> {
    const t = now();
    const c = byId.get(id)!;
    const monthName = monthOf(from, c.ixp.timezone);
    const month = monthRange(monthName, c.ixp.timezone);
    if (to > t) to = Math.min(to, month.to);
    const key = `${id}|${from}|${to}`;
    const whole = from === month.from && to === month.to;
    return chunkCache.get(key, to > t - 600_000 ? 30_000 : 60_000, async () => {
      if (whole) return monthChunk(await reader.monthRows(id, [monthName]), month);
      return pieceChunk(id, c, month, { from, to });
    });
  }

  async function pieceChunk(id: string, c: IxpContext, month: { from: number; to: number }, piece: { from: number; to: number }): Promise<Chunk> {
    const { from, to } = piece;
    const at = now();
    const { members } = await directory(id);
    const readTo = to > at ? month.to : to;
    const w = await reader.memberWindowRows(id, [0, ...members.map((m) => m.asn)], from, readTo);
    // The IXP's coverage is of the whole chunk up to now (a month before the launch shows how little of it was measured).
    const expected = Math.max(0, Math.min(to, at) - from) / 1000;
    const figs = new Map<number, MemberMonthImpact>();
    const list: { category: string; impact: MemberMonthImpact }[] = [];
    for (const m of members) {
      const membership = membershipOf(c, m);
      const samples = memberSamples(w.get(m.asn) ?? [], membership);
      const fig = memberMonthImpact({ category: String(m.category), buysTransit: m.buysTransit, transitPricePerMbps: priceOf(c, m), portFeePerMonth: m.portFeePerMonth, samples, membership }, month, piece, at);
      figs.set(m.asn, fig);
      list.push({ category: String(m.category), impact: fig });
    }
    const share = elapsedShare(month, Math.min(to, at)) - elapsedShare(month, from);
    const ixp = ixpImpact(list, w.get(0) ?? [], c.ixp.transitPricePerMbps, expected, share);
    const maxUtil = await reader.portMaxUtil(id, members.flatMap((m) => m.ports), from, readTo);
    return {
      from, to, whole: false, monthMs: month.to - month.from, members: figs,
      ixp: { ...ixp, transitSavedProjected: list.reduce((a, m) => a + m.impact.transitSavedProjected, 0), netSavedProjected: list.reduce((a, m) => a + m.impact.netSavedProjected, 0) },
      maxUtil, expected,
    };
  }

  /** Every month chunk of a period. */
  async function chunks(id: string, p: { from: number; to: number }): Promise<Chunk[]> {
    const c = byId.get(id)!;
    const pieces = splitByMonth(p.from, p.to, c.ixp.timezone);
    await prefetch(id, pieces.map((s) => s.from));
    const out: Chunk[] = [];
    for (const s of pieces) out.push(await chunk(id, s.from, s.to));
    return out;
  }

  /**
   * The whole months starting at `starts` that are not in memory, read in one query (a year view, a member's history:
   * one read of month rows instead of one a month) and kept as chunk() keeps them.
   */
  async function prefetch(id: string, starts: number[]): Promise<void> {
    const c = byId.get(id)!;
    const t = now();
    const want = new Map<string, { from: number; to: number; key: string }>();
    for (const from of starts) {
      const m = monthOf(from, c.ixp.timezone);
      const r = monthRange(m, c.ixp.timezone);
      const key = `${id}|${r.from}|${r.to}`;
      if (r.from === from && r.from <= t && !chunkCache.fresh(key)) want.set(m, { ...r, key });
    }
    if (want.size < 2) return;
    const rows = await reader.monthRows(id, [...want.keys()]);
    for (const [m, r] of want) {
      const ch = monthChunk(rows.filter((x) => x.month === m), r);
      void chunkCache.get(r.key, r.to > t - 600_000 ? 30_000 : 60_000, async () => ch);
    }
  }

  /** Whether a period is over at `now`, and the share of it elapsed. */
  function progress(p: { from: number; to: number }): { complete: boolean; elapsedShare: number } {
    const t = now();
    return { complete: t >= p.to, elapsedShare: elapsedShare(p, t) };
  }

  /** Bytes and coverage of the IXP over a span of one month (a piece of a chunk), for like-for-like growth. */
  async function spanTraffic(id: string, span: { from: number; to: number }): Promise<{ bytes: number; coverage: number }> {
    if (span.to <= span.from) return { bytes: 0, coverage: 0 };
    const c = byId.get(id)!;
    const month = monthRange(monthOf(span.from, c.ixp.timezone), c.ixp.timezone);
    if (span.from === month.from && span.to >= month.to) {
      const ch = await chunk(id, span.from, span.to);
      return { bytes: ch.ixp.bytes, coverage: ch.ixp.coverage };
    }
    // A piece (the like-for-like span of an earlier month, its end on the 5-minute grid): the IXP's own windows, kept 60 s.
    return spanCache.get(`${id}|${span.from}|${span.to}`, 60_000, async () => {
      const expected = (Math.min(span.to, now()) - span.from) / 1000;
      const t = await reader.windowTotals?.(id, 0, span.from, span.to);
      if (t) return { bytes: t.inBytes, coverage: expected > 0 ? Math.min(1, t.coveredSeconds / expected) : 0 };
      const samples = (await reader.memberWindowRows(id, [0], span.from, span.to)).get(0) ?? [];
      return { bytes: bytesOf(samples, 'in'), coverage: coverage(samples, expected) };
    });
  }

  /** Growth of month `month` over `earlier`, like with like (the same elapsed span while `month` is in progress). */
  async function monthGrowth(id: string, month: string, earlier: string): Promise<Growth & { bytesEarlier: number; earlier: string }> {
    const tz = byId.get(id)!.ixp.timezone;
    const cur = monthRange(month, tz);
    const t = now();
    // The earlier span ends on a 5-minute boundary (windows are 5 minutes: the same windows count), so that its
    // figures are read once per window and cached rather than read again on every request.
    const l = likeForLike(cur, monthRange(earlier, tz), t);
    const e = t >= cur.to ? l : { from: l.from, to: Math.max(l.from, l.from + Math.floor((l.to - l.from) / 300_000) * 300_000) };
    const a = await spanTraffic(id, cur); // coverage is measured up to now; no data lies beyond it
    const b = await spanTraffic(id, e);
    return { ...growth({ label: month, ...a }, { label: earlier, ...b }), bytesEarlier: b.bytes, earlier };
  }

  function combineP95(ps: { p95: { inMbps: number | null; outMbps: number | null; mbps: number | null; samples: number } }[]): P95 {
    const mx = (k: 'inMbps' | 'outMbps' | 'mbps') => ps.reduce<number | null>((a, p) => (p.p95[k] === null ? a : a === null ? p.p95[k] : Math.max(a, p.p95[k]!)), null);
    return { inMbps: mx('inMbps'), outMbps: mx('outMbps'), mbps: mx('mbps'), samples: ps.reduce((a, p) => a + p.p95.samples, 0) };
  }

  function weighted(cs: Chunk[], f: (c: Chunk) => number): number {
    const e = cs.reduce((a, c) => a + c.expected, 0);
    return e > 0 ? cs.reduce((a, c) => a + f(c) * c.expected, 0) / e : 0;
  }

  function methodology(resolution: number, coverage: number): MethodKey[] {
    const keys: MethodKey[] = ['bytes-received-by-switch', 'p95-5min-billable', 'transit-saved-p95', 'net-of-port-fees', 'buys-transit-only', 'local-content-share-sent', 'peak-times-price'];
    if (resolution > 300) keys.push('p95-coarse-resolution');
    if (coverage < 0.999) keys.push('coverage-missing-samples');
    return keys;
  }

  function memberRow(c: IxpContext, m: DashMember, cs: Chunk[], ports: PortState[], period: { from: number; to: number }): MemberRow {
    const figs = cs.map((ch) => ch.members.get(m.asn)).filter((f): f is MemberMonthImpact => !!f);
    const connectedMs = cs.reduce((a, ch) => a + (ch.members.get(m.asn)?.connectedShare ?? 0) * ch.monthMs, 0);
    const prog = progress(period);
    const mine = ports.filter((p) => m.ports.some((q) => q.switch === p.switch && q.port === p.port));
    const bytesIn = figs.reduce((a, f) => a + f.bytesIn, 0);
    const bytesOut = figs.reduce((a, f) => a + f.bytesOut, 0);
    const secs = Math.max(1, (Math.min(period.to, now()) - period.from) / 1000);
    const cov = weighted(cs, (ch) => ch.members.get(m.asn)?.coverage ?? 0);
    let maxUtil: number | null = null;
    let over = 0;
    for (const p of m.ports) {
      let u: number | null = null;
      for (const ch of cs) { const v = ch.maxUtil.get(portKey(p)); if (v !== undefined) u = Math.max(u ?? 0, v); }
      if (u !== null) { maxUtil = Math.max(maxUtil ?? 0, u); if (u > 0.8) over++; }
    }
    const covSecs = secs * cov;
    return {
      asn: m.asn, name: m.name, category: String(m.category), buysTransit: m.buysTransit,
      ports: m.ports.length, portsUp: mine.filter((p) => p.operUp).length,
      capacityMbps: mine.reduce((a, p) => a + (p.speedMbps ?? 0), 0),
      bytes: bytesIn,
      avgInBps: covSecs > 0 && figs.length ? (bytesIn * 8) / covSecs : null,
      avgOutBps: covSecs > 0 && figs.length ? (bytesOut * 8) / covSecs : null,
      peakBps: figs.reduce<number | null>((a, f) => (f.peakBps === null ? a : Math.max(a ?? 0, f.peakBps)), null),
      p95: combineP95(figs),
      maxUtil, portsOver80: over,
      transitPricePerMbps: priceOf(c, m),
      portFee: figs.reduce((a, f) => a + f.portFee, 0),
      transitSaved: figs.reduce((a, f) => a + f.transitSaved, 0),
      netSaved: figs.reduce((a, f) => a + f.netSaved, 0),
      coverage: cov,
      connectedShare: period.to > period.from ? connectedMs / (period.to - period.from) : 0,
      ...(prog.complete ? {} : {
        transitSavedProjected: figs.reduce((a, f) => a + f.transitSavedProjected, 0),
        netSavedProjected: figs.reduce((a, f) => a + f.netSavedProjected, 0),
      }),
    };
  }

  function densify(rows: SumRow[], period: { from: number; to: number }, step: number): TrafficSeries {
    const n = Math.ceil((period.to - period.from) / (step * 1000));
    const t: number[] = [];
    const inBps: (number | null)[] = new Array(n).fill(null);
    const outBps: (number | null)[] = new Array(n).fill(null);
    for (let i = 0; i < n; i++) t.push(period.from + i * step * 1000);
    for (const r of rows) {
      const i = Math.round((r.t - period.from) / (step * 1000));
      if (i >= 0 && i < n) { inBps[i] = r.inBps; outBps[i] = r.outBps; }
    }
    return { t, inBps, outBps };
  }

  /**
   * A rolling period (24h, 7d, 30d, 365d) starts at a round local time of its step (local midnight for daily steps),
   * so that its buckets are round and its finished part is the same from one request to the next (cacheable).
   */
  function alignRolling(p: Period, step: number, tz: string): Period {
    if (!ROLLING_PRESETS.has(p.preset)) return p;
    const stepMs = step * 1000;
    const local = p.from + tzOffset(p.from, tz);
    return { ...p, from: p.from - (((local % stepMs) + stepMs) % stepMs) };
  }

  /** Align the resolution to the period's start: daily rollups are UTC days, hourly ones UTC hours. */
  function alignRes(res: Resolution, from: number): Resolution {
    if (res === 86400 && from % DAY !== 0) res = 3600;
    if (res === 3600 && from % 3_600_000 !== 0) res = 300;
    return res;
  }

  function source(res: number): DataSource {
    return { kind: res === 0 ? 'raw' : 'rollup', resolution: res };
  }

  return {
    ctx,
    /** The reader (sites, trunks and capacity views read windows through it). */
    reader,
    ixpIds(): string[] { return [...byId.keys()]; },

    /** Static IXP info (access is filled in by the route). */
    info(id: string): Omit<IxpInfo, 'access'> {
      const i = byId.get(id)!.ixp;
      return { id: i.id, name: i.name, country: i.country, timezone: i.timezone, currency: i.currency, transitPricePerMbps: i.transitPricePerMbps, launched: i.launched, public: i.public };
    },

    /** The coarsest resolution the period's figures were computed from (300 unless coarser history). */
    async resolution(id: string, period: Period): Promise<number> {
      return (await chunks(id, period)).reduce((a, ch) => Math.max(a, ch.ixp.resolution), 300);
    },

    async members(id: string): Promise<DashMember[]> { return (await directory(id)).members; },
    /** Every port's latest state (sites, trunks and capacity views). */
    async ports(id: string): Promise<PortState[]> { return (await directory(id)).ports; },

    async now(id: string): Promise<NowResponse> {
      const c = byId.get(id)!;
      const t = now();
      const { members, ports } = await directory(id);
      const mine = new Set(portMembers(members).map(portKey));
      const mp = ports.filter((p) => mine.has(portKey(p)));
      let latest: number | null = null;
      for (const p of mp) if (p.lastSeen !== null && (latest === null || p.lastSeen > latest)) latest = p.lastSeen;
      // Traffic now: the latest rate of each member port seen within 3 poll intervals of the newest.
      const fresh = mp.filter((p) => latest !== null && p.lastSeen !== null && latest - p.lastSeen <= c.pollInterval * 3000);
      const sum = (k: 'inBps' | 'outBps') => (fresh.some((p) => p[k] !== null) ? fresh.reduce((a, p) => a + (p[k] ?? 0), 0) : null);
      const collectors = await reader.collectors(id, t - LOOKBACK);
      const lastPoll = collectors.reduce<number | null>((a, x) => (x.lastPoll === null ? a : Math.max(a ?? 0, x.lastPoll)), null);
      return {
        ixp: id, t: latest, inBps: sum('inBps'), outBps: sum('outBps'),
        portsUp: mp.filter((p) => p.operUp).length, portsTotal: mp.length,
        collectors: collectors.map((x) => ({ switch: x.switch, lastPoll: x.lastPoll, ok: x.ok, error: x.error })),
        stale: lastPoll === null || t - lastPoll > Math.max(300, c.pollInterval * 3) * 1000,
        pollInterval: c.pollInterval,
        simulated: await reader.simulated(id),
        serverTime: t,
      };
    },

    async traffic(id: string, period: Period, stepParam: unknown): Promise<TrafficResponse> {
      const { step, res } = chooseStep(period, stepParam);
      const p = alignRolling(period, step, byId.get(id)!.ixp.timezone);
      const { members } = await directory(id);
      const r = res === 0 ? await reader.sumSeries(id, portMembers(members), { from: p.from, to: p.to, step, res }) : await reader.memberSeries(id, 0, { from: p.from, to: p.to, step, res });
      return { ixp: id, period: p, step, source: source(r.info.res), ...densify(r.rows, p, step) };
    },

    async summary(id: string, period: Period): Promise<SummaryResponse> {
      const c = byId.get(id)!;
      const cs = await chunks(id, period);
      const { members, ports } = await directory(id);
      const mine = new Set(portMembers(members).map(portKey));
      const mp = ports.filter((p) => mine.has(portKey(p)));
      const bytes = cs.reduce((a, ch) => a + ch.ixp.bytes, 0);
      const content = cs.reduce((a, ch) => a + (ch.ixp.localContentShare ?? 0) * ch.ixp.bytes, 0);
      const peak = cs.reduce<number | null>((a, ch) => (ch.ixp.peakBps === null ? a : Math.max(a ?? 0, ch.ixp.peakBps)), null);
      const coverage = weighted(cs, (ch) => ch.ixp.coverage);
      const resolution = cs.reduce((a, ch) => Math.max(a, ch.ixp.resolution), 300);
      const prog = progress(period);
      return {
        ixp: id, period: { ...period, ...prog }, currency: c.ixp.currency,
        bytes, peakBps: peak, p95: combineP95(cs.map((ch) => ch.ixp)),
        transitSaved: cs.reduce((a, ch) => a + ch.ixp.transitSaved, 0),
        netSaved: cs.reduce((a, ch) => a + ch.ixp.netSaved, 0),
        ...(prog.complete ? {} : {
          transitSavedProjected: cs.reduce((a, ch) => a + ch.ixp.transitSavedProjected, 0),
          netSavedProjected: cs.reduce((a, ch) => a + ch.ixp.netSavedProjected, 0),
        }),
        peakMethodSaved: cs.reduce((a, ch) => a + ch.ixp.peakMethodSaved, 0),
        localContentShare: bytes > 0 ? content / bytes : null,
        members: members.filter((m) => m.ports.length > 0).length,
        portsUp: mp.filter((p) => p.operUp).length, portsTotal: mp.length,
        coverage, source: source(resolution), methodology: methodology(resolution, coverage),
      };
    },

    async memberRows(id: string, period: Period, only?: (asn: number) => boolean): Promise<MemberRow[]> {
      const c = byId.get(id)!;
      const { members, ports } = await directory(id);
      const cs = await chunks(id, period);
      return members.filter((m) => !only || only(m.asn)).map((m) => memberRow(c, m, cs, ports, period));
    },

    async memberDetail(id: string, asn: number, period: Period, stepParam: unknown, months: number): Promise<MemberDetailResponse | undefined> {
      const c = byId.get(id)!;
      const { members, ports } = await directory(id);
      const m = members.find((x) => x.asn === asn);
      if (!m) return undefined;
      const cs = await chunks(id, period);
      const { step, res } = chooseStep(period, stepParam);
      const q = { from: period.from, to: period.to, step, res };
      const series = res === 0 ? await reader.sumSeries(id, m.ports, q) : await reader.memberSeries(id, asn, q);
      const history: MonthFigures[] = [];
      const tz = c.ixp.timezone;
      let month = monthOf(now(), tz);
      // The history's months in one read of month rows.
      const starts: number[] = [];
      for (let i = 0, m = month; i < months; i++) { const r = monthRange(m, tz); starts.push(r.from); m = monthOf(r.from - 1, tz); }
      await prefetch(id, starts);
      for (let i = 0; i < months; i++) {
        const r = monthRange(month, tz);
        if (r.from > now()) break;
        const ch = await chunk(id, r.from, r.to);
        const f = ch.members.get(asn);
        if (f) {
          history.unshift({
            month, bytes: f.bytesIn, p95: f.p95, transitSaved: f.transitSaved, netSaved: f.netSaved, coverage: f.coverage, resolution: f.resolution,
            connectedShare: f.connectedShare, complete: now() >= r.to,
            ...(now() >= r.to ? {} : { transitSavedProjected: f.transitSavedProjected, netSavedProjected: f.netSavedProjected }),
          });
        }
        month = monthOf(r.from - 1, tz);
      }
      return {
        ixp: id, period, currency: c.ixp.currency,
        member: memberRow(c, m, cs, ports, period),
        periodProgress: progress(period),
        ports: ports.filter((p) => m.ports.some((q) => q.switch === p.switch && q.port === p.port)).map(portInfo),
        series: densify(series.rows, period, step), step, source: source(series.info.res),
        history,
      };
    },

    /** The member owning a port, and the port's state; undefined when the port is unknown. */
    async findPort(id: string, ref: PortRef): Promise<{ state: PortState | undefined; member: DashMember | undefined } | undefined> {
      const { members, ports } = await directory(id);
      const state = ports.find((p) => p.switch === ref.switch && p.port === ref.port);
      const member = members.find((m) => m.ports.some((q) => q.switch === ref.switch && q.port === ref.port));
      if (!state && !member) return undefined;
      return { state, member };
    },

    async portDetail(id: string, ref: PortRef, period: Period, stepParam: unknown): Promise<PortDetailResponse | undefined> {
      const found = await this.findPort(id, ref);
      if (!found) return undefined;
      const { step, res } = chooseStep(period, stepParam);
      const r = await reader.portSeries(id, ref, { from: period.from, to: period.to, step, res: alignRes(res, period.from) });
      const n = Math.ceil((period.to - period.from) / (step * 1000));
      const cols = ['inBps', 'outBps', 'inPps', 'outPps', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards', 'utilIn', 'utilOut', 'operUp'] as const;
      const out = Object.fromEntries(cols.map((k) => [k, new Array<number | null>(n).fill(null)])) as Record<(typeof cols)[number], (number | null)[]>;
      const t: number[] = [];
      for (let i = 0; i < n; i++) t.push(period.from + i * step * 1000);
      for (const row of r.rows) {
        const i = Math.round((row.t - period.from) / (step * 1000));
        if (i < 0 || i >= n) continue;
        for (const k of cols) out[k][i] = row[k];
      }
      return {
        ixp: id, period, step, source: source(r.info.res),
        port: found.state ? portInfo(found.state) : { switch: ref.switch, port: ref.port, alias: '', speedMbps: null, operUp: null, adminUp: null, lastSeen: null, inBps: null, outBps: null },
        member: found.member ? { asn: found.member.asn, name: found.member.name } : null,
        t, ...out,
      };
    },

    /**
     * One IXP's row of the impact overview for a month: growth against the previous month like for like (the same
     * elapsed span while the month is in progress), null with the reason when either side has under 50 % coverage.
     */
    async impactRow(id: string, month: string): Promise<ImpactRow> {
      const c = byId.get(id)!;
      const tz = c.ixp.timezone;
      const r = monthRange(month, tz);
      const [cur, g, { members }] = await Promise.all([chunk(id, r.from, r.to), monthGrowth(id, month, monthOf(r.from - 1, tz)), directory(id)]);
      const prog = progress(r);
      return {
        ixp: id, name: c.ixp.name, currency: c.ixp.currency,
        bytes: cur.ixp.bytes, bytesPrevMonth: g.bytesEarlier,
        growth: g.change,
        ...(g.notComparable ? { growthReason: reasonText(g), growthNotComparable: g.notComparable === 'no-traffic' ? 'no-traffic' as const : { month: g.notComparable.label, coverage: g.notComparable.coverage } } : {}),
        p95: cur.ixp.p95, transitSaved: cur.ixp.transitSaved, netSaved: cur.ixp.netSaved,
        ...(prog.complete ? {} : { transitSavedProjected: cur.ixp.transitSavedProjected, netSavedProjected: cur.ixp.netSavedProjected }),
        localContentShare: cur.ixp.localContentShare,
        members: members.filter((m) => m.ports.length > 0).length,
        coverage: cur.ixp.coverage, resolution: cur.ixp.resolution,
        ...prog,
      };
    },

    /** Reads the IXPs the reader describes (central dashboards; see refresh()). */
    refresh,

    clearCache(): void { memberCache.clear(); chunkCache.clear(); spanCache.clear(); },
  };
}

/** The English reason a growth figure is missing ("not comparable: October 2026 has 16 % coverage"). */
export function reasonText(g: Growth): string {
  if (g.notComparable === 'no-traffic') return 'not comparable: no traffic in the earlier period';
  if (!g.notComparable) return '';
  const [y, m] = g.notComparable.label.split('-').map(Number) as [number, number];
  const name = m ? new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15))) : String(y);
  return `not comparable: ${name} has ${coveragePct(g.notComparable.coverage)} coverage`;
}

function portInfo(p: PortState): PortInfo {
  return { switch: p.switch, port: p.port, alias: p.alias, speedMbps: p.speedMbps, operUp: p.operUp, adminUp: p.adminUp, lastSeen: p.lastSeen, inBps: p.inBps, outBps: p.outBps };
}

export type { WindowSample };
