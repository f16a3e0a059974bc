// The latency reader over InfluxDB (central dashboard): InfluxQL on /query over the forwarder's `ixp_latency`
// (one point per round and target, RTTs as ping1..N), `ixp_latency_1h` (the store's hourly rollups, forwarded as
// they fill up), `ixp_latency_round` (each round's summary, for outages) and `ixp_port` (raw rates, for the traffic
// during an outage), the `ixp` tag picking the IXP.
// Never writes; never logs credentials.
import type { InfluxConfig } from '../../collector/config/types.ts';
import { findOutages, trafficDuring, type RateInterval, type RoundSummary } from '../../collector/latency/outages.ts';
import { type LatencyHourly, type LatencyRow, type TargetKind } from '../../collector/store/latency.ts';
import { createInfluxQuery, lit, type InfluxSeries } from './influxql.ts';
import { medianGap, type LatencyReader, type LatencyPort } from './latency.ts';

type Series = InfluxSeries;

const HOUR = 3_600_000;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Creates the latency reader for the InfluxDB of `cfg` (database, or bucket through the v1 compatibility API). */
export function createInfluxLatencyReader(cfg: InfluxConfig, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): LatencyReader {
  const query = createInfluxQuery(cfg, opts);

  const range = (from: number, to: number): string => `time >= ${Math.trunc(from)}ms AND time < ${Math.trunc(to)}ms`;
  const memberOnly = (asn: number | undefined): string => (asn === undefined ? '' : ` AND "member_asn" = ${lit(String(asn))}`);

  /** Every round's point in [from, to) as the store's rows (RTTs from ping1..N, in their stored, sorted order). */
  async function rounds(ixp: string, from: number, to: number, filter: { memberAsn?: number } = {}): Promise<LatencyRow[]> {
    const series = await query(`SELECT * FROM "ixp_latency" WHERE "ixp" = ${lit(ixp)}${memberOnly(filter.memberAsn)} AND ${range(from, to)} GROUP BY "target", "kind", "name", "member_asn"`);
    const out: LatencyRow[] = [];
    for (const s of series) {
      const tags = s.tags ?? {};
      const at = (c: string) => s.columns.indexOf(c);
      const pings = s.columns.map((c, i) => ({ k: /^ping(\d+)$/.exec(c), i })).filter((x) => x.k).sort((a, b) => Number(a.k![1]) - Number(b.k![1])).map((x) => x.i);
      const asn = Number(tags.member_asn);
      for (const v of s.values) {
        out.push({
          t: v[at('time')] as number, address: tags.target ?? '', kind: (tags.kind ?? 'member') as TargetKind, name: tags.name ?? '',
          ...(tags.member_asn && Number.isSafeInteger(asn) ? { memberAsn: asn } : {}),
          sent: num(v[at('sent')]) ?? 0, received: num(v[at('received')]) ?? 0, loss: num(v[at('loss')]) ?? 0,
          medianMs: num(v[at('median_ms')]), minMs: num(v[at('min_ms')]), maxMs: num(v[at('max_ms')]),
          rttsMs: pings.map((i) => num(v[i])).filter((x): x is number => x !== null),
        });
      }
    }
    return out.sort((a, b) => a.t - b.t || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** The forwarded round summaries (ixp_latency_round), one point per round. */
  async function roundSummaries(ixp: string, from: number, to: number): Promise<RoundSummary[]> {
    const series = await query(`SELECT "international", "international_answered", "routers", "routers_answered" FROM "ixp_latency_round" WHERE "ixp" = ${lit(ixp)} AND ${range(from, to)}`);
    return series.flatMap((s) => s.values.map((v) => ({
      t: v[0] as number, international: num(v[1]) ?? 0, internationalAnswered: num(v[2]) ?? 0, routers: num(v[3]) ?? 0, routersAnswered: num(v[4]) ?? 0,
    }))).sort((a, b) => a.t - b.t);
  }

  return {
    kind: 'influxdb',
    rounds,

    async hourly(ixp, from, to, filter = {}) {
      // The collector's own hourly rollups, forwarded as ixp_latency_1h (t = the hour's start).
      const series = await query(`SELECT * FROM "ixp_latency_1h" WHERE "ixp" = ${lit(ixp)}${memberOnly(filter.memberAsn)} AND ${range(from, to)} GROUP BY "target", "kind", "name", "member_asn"`);
      const out: LatencyHourly[] = [];
      for (const s of series) {
        const tags = s.tags ?? {};
        const at = (c: string) => s.columns.indexOf(c);
        const asn = Number(tags.member_asn);
        for (const v of s.values) {
          const f = (c: string) => (at(c) < 0 ? null : num(v[at(c)]));
          out.push({
            address: tags.target ?? '', t: v[at('time')] as number, kind: (tags.kind ?? 'member') as TargetKind, name: tags.name ?? '',
            ...(tags.member_asn && Number.isSafeInteger(asn) ? { memberAsn: asn } : {}),
            rounds: f('rounds') ?? 0, sent: f('sent') ?? 0, received: f('received') ?? 0,
            medianMs: f('median_ms'), p10Ms: f('p10_ms'), p90Ms: f('p90_ms'), minMs: f('min_ms'), maxMs: f('max_ms'),
          });
        }
      }
      return out.sort((a, b) => a.t - b.t || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    },

    async roundInterval(ixp, before) {
      // The newest 50 rounds before `before` (a failed round stored no target row, so it sent no summary either).
      const series = await query(`SELECT "routers" FROM "ixp_latency_round" WHERE "ixp" = ${lit(ixp)} AND time < ${Math.trunc(before)}ms ORDER BY time DESC LIMIT 50`);
      return medianGap(series.flatMap((s) => s.values.map((v) => v[0] as number)).sort((a, b) => a - b));
    },

    roundSummaries,

    async outages(ixp, from, to, o) {
      const found = findOutages(await roundSummaries(ixp, from, to), o.intervalMs, o.minRounds ?? 1);
      const portsOf = (ps: LatencyPort[]) => `(${ps.map((p) => `("switch" = ${lit(p.switch)} AND "port" = ${lit(p.port)})`).join(' OR ')})`;
      const out = [];
      for (const x of found) {
        const end = x.end ?? x.start + x.durationMs;
        // Each ixp_port point is the rate over the interval since the port's previous point (a gap point has no
        // rate): the hour before the outage gives the first interval's start, as the store's rows carry it.
        const s = await query(`SELECT "in_bps", "gap" FROM "ixp_port" WHERE "ixp" = ${lit(ixp)}${o.ports?.length ? ` AND ${portsOf(o.ports)}` : ''} AND time > ${Math.trunc(x.start - HOUR)}ms AND time < ${Math.trunc(end + HOUR)}ms GROUP BY "switch", "port"`);
        const perPort: RateInterval[][] = s.map((p) => {
          const pts = p.values.map((v) => ({ t: v[0] as number, inBps: num(v[p.columns.indexOf('in_bps')]) })).sort((a, b) => a.t - b.t);
          return pts.slice(1).map((r, i) => ({ t: r.t, intervalS: (r.t - pts[i]!.t) / 1000, inBps: r.inBps })).filter((r) => r.t > x.start);
        });
        out.push({ ...x, traffic: trafficDuring(x.start, end, perPort) });
      }
      return out;
    },
  };
}
