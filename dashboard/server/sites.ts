// Per-switch and per-site aggregates of member traffic, trunk views (both ends, utilisation against capacity) and
// the capacity forecast of every member port, LAG and trunk. Reads through the Reader and the service's member
// directory; the maths are collector/figures (impact.ts, forecast.ts). No HTTP and no authorisation here.
import type {
  AggregateFigures, CapacityForecast, CapacityResponse, P95, Period, PortCapacity, SiteAggregate, SitesResponse, SwitchAggregate,
  TrunkEnd, TrunkRow, TrunksResponse,
} from '../api.ts';
import { compileRoles, configRole, type CompiledRoles } from '../../collector/members/roles.ts';
import { forecastCrossing, type MonthUtil } from '../../collector/figures/forecast.ts';
import { billableP95, memberImpact, sumPerWindow, type WindowSample } from '../../collector/figures/impact.ts';
import { portKey, type PortRef, type PortState, type Reader } from '../readers/reader.ts';
import { monthOf, monthRange } from '../calendar.ts';
import { TtlCache } from './cache.ts';
import { portMembers } from './members.ts';
import type { IxpContext, Service } from './service.ts';

/** Months of history a forecast looks at: the running month and the 12 before it. */
export const FORECAST_MONTHS = 13;

export const SITES_METHOD = 'Member ports only (trunk, uplink, service ports and LAG links counted through their LAG are left out): '
  + 'each switch sums its member ports per 5-minute window; a site sums its switches. Bytes are those the switch received from members; '
  + 'P95 is the 95th percentile of those sums (in and out, the higher shown); utilisation is that P95 over the member ports\' capacity.';
export const TRUNK_METHOD = 'Each trunk end as its own switch counts it (ifHC counters, 5-minute windows). Utilisation: P95 of the '
  + 'higher direction over the port speed; highest: the highest 5-minute average. Forecast: compound growth fitted to the monthly P95 '
  + 'utilisation of the busier end over up to 13 months (at least 3 with half their samples), the month it reaches 80 %, and the range '
  + 'the growth\'s 95 % confidence interval gives.';
export const CAPACITY_METHOD = 'Per port (a LAG once): monthly P95 utilisation of the higher direction (5-minute averages over the '
  + 'current port speed); compound growth fitted over up to 13 months (at least 3 with half their samples); the month the fit reaches '
  + '80 %, with the range from the growth\'s 95 % confidence interval; "not enough history" below 3 months.';

export interface SitesDeps {
  reader: Reader;
  service: Service;
  now?: () => number;
}

/** The role a port plays: stored by the collector, else the IXP config's patterns (a central dashboard), else none. */
export function roleOfPort(p: PortState, compiled: Map<string, CompiledRoles>): string | null {
  if (p.role) return p.role;
  return compiled.get(p.switch) ? configRole(compiled.get(p.switch)!, p.port)?.role ?? null : null;
}

export type SitesService = ReturnType<typeof createSitesService>;

export function createSitesService(deps: SitesDeps) {
  const now = deps.now ?? Date.now;
  const { reader, service } = deps;
  const monthCache = new TtlCache<Map<string, MonthUtil>>(2000, now);
  const compiledBy = new Map<string, Map<string, CompiledRoles>>();

  function ctx(id: string): IxpContext { return service.ctx(id)!; }
  function compiled(id: string): Map<string, CompiledRoles> {
    let m = compiledBy.get(id);
    if (!m) {
      m = new Map((ctx(id).switches ?? []).map((sw) => [sw.name, compileRoles(sw)]));
      compiledBy.set(id, m);
    }
    return m;
  }
  const siteOf = (id: string, sw: string) => ctx(id).switches?.find((s) => s.name === sw)?.site ?? sw;

  /** 5-minute window samples of groups of ports (each group summed), for [from, to). */
  async function groupWindows(id: string, groups: PortRef[][], from: number, to: number) {
    const pm = groups.flatMap((g, i) => g.map((p) => ({ switch: p.switch, port: p.port, asn: i + 1 })));
    const w = pm.length ? await reader.portWindows(id, pm, from, to) : { byAsn: new Map<number, WindowSample[]>(), maxUtil: new Map<string, number>() };
    return { samples: groups.map((_, i) => w.byAsn.get(i + 1) ?? []), maxUtil: w.maxUtil };
  }

  function figures(samples: WindowSample[], expected: number) {
    return memberImpact({ category: 'other', buysTransit: false, transitPricePerMbps: 0, portFeePerMonth: 0, samples }, expected, 1);
  }
  const p95Of = (f: ReturnType<typeof figures>): P95 => ({ inMbps: f.p95.inMbps, outMbps: f.p95.outMbps, mbps: f.p95.mbps, samples: f.p95.samples });

  function aggregate(states: PortState[], samples: WindowSample[], expected: number): AggregateFigures {
    const f = figures(samples, expected);
    const capacity = states.reduce((a, p) => a + (p.speedMbps ?? 0), 0);
    const sum = (k: 'inBps' | 'outBps') => (states.some((p) => p[k] !== null) ? states.reduce((a, p) => a + (p[k] ?? 0), 0) : null);
    return {
      memberPorts: states.length, portsUp: states.filter((p) => p.operUp).length, capacityMbps: capacity,
      inBps: sum('inBps'), outBps: sum('outBps'), bytes: f.bytesIn, p95: p95Of(f), peakBps: f.peakBps,
      utilP95: capacity > 0 && f.p95.mbps !== null ? f.p95.mbps / capacity : null, coverage: f.coverage,
    };
  }

  /**
   * Monthly P95 utilisation (higher direction, over the port's current speed) of each port, for the months given.
   * Finished months are kept 6 hours, the running month 5 minutes.
   */
  async function monthlyUtil(id: string, ports: PortState[], months: string[]): Promise<Map<string, MonthUtil[]>> {
    const tz = ctx(id).ixp.timezone;
    const out = new Map<string, MonthUtil[]>(ports.map((p) => [portKey(p), []]));
    const t = now();
    const who = ports.map(portKey).join('\u0001');
    for (const month of months) {
      const r = monthRange(month, tz);
      if (r.from > t) continue;
      const finished = r.to <= t - 600_000;
      const byPort = await monthCache.get(`${id}|${month}|${who}`, finished ? 6 * 3_600_000 : 300_000, async () => {
        const { samples } = await groupWindows(id, ports.map((p) => [p]), r.from, r.to);
        const expected = (r.to - r.from) / 1000; // the whole month: a running month counts once half of it is in
        const m = new Map<string, MonthUtil>();
        ports.forEach((p, i) => {
          const s = samples[i]!;
          const p95 = billableP95(s);
          const f = figures(s, expected);
          const util = p.speedMbps && p95.mbps !== null ? p95.mbps / p.speedMbps : null;
          m.set(portKey(p), { month, util, coverage: f.coverage });
        });
        return m;
      }, { stale: finished });
      for (const p of ports) out.get(portKey(p))!.push(byPort.get(portKey(p))!);
    }
    return out;
  }

  function lastMonths(id: string): string[] {
    const tz = ctx(id).ixp.timezone;
    const months: string[] = [];
    let m = monthOf(now(), tz);
    for (let i = 0; i < FORECAST_MONTHS; i++) {
      months.unshift(m);
      m = monthOf(monthRange(m, tz).from - 1, tz);
    }
    return months;
  }

  /**
   * The running month's P95 is provisional: it is in the history shown, but the fit uses it only once the month is
   * at least half covered (forecastCrossing's minCoverage against the whole month's expected samples).
   */
  function forecastOf(history: MonthUtil[]): CapacityForecast {
    const f = forecastCrossing(history);
    return { history, ...f };
  }

  return {
    async sites(id: string, period: Period): Promise<SitesResponse> {
      const members = await service.members(id);
      const states = new Map((await service.ports(id)).map((p) => [portKey(p), p]));
      const pm = portMembers(members);
      const switches = [...new Set([...(ctx(id).switches ?? []).map((s) => s.name), ...pm.map((p) => p.switch)])];
      const groups = switches.map((sw) => pm.filter((p) => p.switch === sw).map((p) => ({ switch: p.switch, port: p.port })));
      const { samples } = await groupWindows(id, groups, period.from, period.to);
      const expected = Math.max(0, Math.min(period.to, now()) - period.from) / 1000;
      const stateOf = (g: PortRef[]) => g.map((p) => states.get(portKey(p))).filter((p): p is PortState => !!p);
      const perSwitch: SwitchAggregate[] = switches.map((sw, i) => ({ switch: sw, site: siteOf(id, sw), ...aggregate(stateOf(groups[i]!), samples[i]!, expected) }));
      const sites: SiteAggregate[] = [];
      for (const site of [...new Set(perSwitch.map((s) => s.site))]) {
        const idx = switches.map((sw, i) => (siteOf(id, sw) === site ? i : -1)).filter((i) => i >= 0);
        sites.push({ site, switches: idx.map((i) => switches[i]!), ...aggregate(idx.flatMap((i) => stateOf(groups[i]!)), sumPerWindow(idx.map((i) => samples[i]!)), expected) });
      }
      return { ixp: id, period, sites, switches: perSwitch, bytes: sites.reduce((a, s) => a + s.bytes, 0), method: SITES_METHOD };
    },

    async trunks(id: string, period: Period): Promise<TrunksResponse> {
      const states = await service.ports(id);
      const byKey = new Map(states.map((p) => [portKey(p), p]));
      const roles = compiled(id);
      const trunkPorts = states.filter((p) => roleOfPort(p, roles) === 'trunk');
      const peerOf = (p: PortState): { switch: string; port: string; name: string | null } | null =>
        p.peer ?? (roles.get(p.switch)?.links.get(p.port) ?? null);
      // Ends with a configured other end first: the switch whose config names the link is its `a` end.
      trunkPorts.sort((x, y) => Number(!peerOf(x)) - Number(!peerOf(y)));
      const pairs: { name: string; a: PortState; b: PortState | null }[] = [];
      const used = new Set<string>();
      for (const p of trunkPorts) {
        if (used.has(portKey(p))) continue;
        used.add(portKey(p));
        let peer = peerOf(p);
        // The other end may name this one instead.
        if (!peer) {
          const back = trunkPorts.find((q) => !used.has(portKey(q)) && peerOf(q)?.switch === p.switch && peerOf(q)?.port === p.port);
          if (back) peer = { switch: back.switch, port: back.port, name: peerOf(back)!.name };
        }
        const b = peer ? byKey.get(portKey(peer)) ?? null : null;
        if (b) used.add(portKey(b));
        pairs.push({ name: peer?.name ?? (b ? `${p.switch} ${p.port} – ${b.switch} ${b.port}` : `${p.switch} ${p.port}`), a: p, b });
      }
      const ends = pairs.flatMap((x) => (x.b ? [x.a, x.b] : [x.a]));
      const { samples, maxUtil } = await groupWindows(id, ends.map((p) => [p]), period.from, period.to);
      const expected = Math.max(0, Math.min(period.to, now()) - period.from) / 1000;
      const endOf = (p: PortState, i: number): TrunkEnd => {
        const f = figures(samples[i]!, expected);
        return {
          switch: p.switch, port: p.port, site: siteOf(id, p.switch), speedMbps: p.speedMbps, operUp: p.operUp, inBps: p.inBps, outBps: p.outBps,
          bytesIn: f.bytesIn, bytesOut: f.bytesOut, p95: p95Of(f), maxUtil: maxUtil.get(portKey(p)) ?? null,
          utilP95: p.speedMbps && f.p95.mbps !== null ? f.p95.mbps / p.speedMbps : null, coverage: f.coverage,
        };
      };
      const history = await monthlyUtil(id, ends, lastMonths(id));
      let k = 0;
      const trunks: TrunkRow[] = pairs.map((x) => {
        const a = endOf(x.a, k++);
        const b = x.b ? endOf(x.b, k++) : null;
        const ha = history.get(portKey(x.a))!;
        const hb = x.b ? history.get(portKey(x.b))! : null;
        // The busier end of each month (the two ends see the same traffic; one may have missed polls).
        const h = ha.map((m, i) => {
          const o = hb?.[i];
          if (!o || o.util === null || (m.util !== null && m.util >= o.util)) return m;
          return o;
        });
        return { name: x.name, a, b, forecast: forecastOf(h) };
      });
      return { ixp: id, period, trunks, method: TRUNK_METHOD };
    },

    async capacity(id: string): Promise<CapacityResponse> {
      const members = await service.members(id);
      const states = await service.ports(id);
      const byKey = new Map(states.map((p) => [portKey(p), p]));
      const roles = compiled(id);
      const owner = new Map(portMembers(members).map((p) => [portKey(p), members.find((m) => m.asn === p.asn)!]));
      const wanted = states.filter((p) => owner.has(portKey(p)) || roleOfPort(p, roles) === 'trunk');
      const months = lastMonths(id);
      const history = await monthlyUtil(id, wanted, months);
      const ports: PortCapacity[] = wanted.map((p) => {
        const m = owner.get(portKey(p));
        return {
          switch: p.switch, port: p.port, asn: m?.asn ?? null, member: m?.name ?? null,
          role: m ? (byKey.get(portKey(p))?.role === 'lag' ? 'lag' : 'member') : 'trunk',
          speedMbps: p.speedMbps, forecast: forecastOf(history.get(portKey(p))!),
        };
      });
      return { ixp: id, months, ports, method: CAPACITY_METHOD };
    },

    clearCache(): void { monthCache.clear(); compiledBy.clear(); },
  };
}
