// The sFlow peer-to-peer matrix as the dashboard reads it: month sums per (src, dst, ip) and the windows' coverage,
// from the local store (tables p2p, p2p_windows) or from InfluxDB (measurements ixp_p2p_5m, ixp_p2p_window, which the
// forwarder writes from those tables). Reads only; no figures here (collector/sflow/figures.ts computes them).
import type { InfluxConfig } from '../../collector/config/types.ts';
import type { DB } from '../../collector/store/sqlite.ts';
import { readP2pCoverage, type P2pCoverage, type P2pTotal } from '../../collector/sflow/store.ts';
import type { IpVersion } from '../../collector/sflow/matrix.ts';
import { createInfluxQuery, lit, type InfluxQuery } from './influxql.ts';

export type { P2pCoverage, P2pTotal };

/** What the peering route reads. Times are epoch ms, [from, to). */
export interface PeeringReader {
  /** 'none': this dashboard holds no matrix of that IXP ({@link NO_MATRIX}). */
  readonly kind: 'sqlite' | 'influxdb' | 'none';
  /**
   * Sums over [from, to) per (src, dst, ip), all switches. With `only` (member labels such as "AS65001"), just the
   * rows one of them sent or received: the filter runs in the store or in InfluxDB, so another pair never leaves it.
   */
  totals(ixp: string, from: number, to: number, only?: readonly string[]): Promise<P2pTotal[]>;
  /** What the windows of [from, to) saw: how many windows (of any switch), samples, drops and the sampling rates. */
  coverage(ixp: string, from: number, to: number): Promise<P2pCoverage>;
}

const NONE: P2pCoverage = { windows: 0, datagrams: 0, samples: 0, dropped: 0, rateMin: null, rateMax: null, first: null, last: null };

/** No matrix here (a SQLite dashboard asked about another IXP than its store's): no window, no row. */
export const NO_MATRIX: PeeringReader = { kind: 'none', totals: async () => [], coverage: async () => ({ ...NONE }) };

/** Over the local store (one IXP's: `ixp` is not looked at). A store from before migration 006 has no matrix: empty. */
export function createSqlitePeeringReader(db: DB): PeeringReader & { kind: 'sqlite' } {
  const present = () => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'p2p'").get();
  return {
    kind: 'sqlite',
    async totals(_ixp, from, to, only) {
      if (!present() || (only && only.length === 0)) return [];
      const marks = only?.map(() => '?').join(', ');
      const where = only ? `AND (src IN (${marks}) OR dst IN (${marks}))` : '';
      return db.prepare(`SELECT src, dst, ip, sum(bytes) AS bytes, sum(packets) AS packets, sum(samples) AS samples
        FROM p2p WHERE t >= ? AND t < ? ${where} GROUP BY src, dst, ip ORDER BY bytes DESC, src, dst, ip`)
        .all(from, to, ...(only ?? []), ...(only ?? [])) as P2pTotal[];
    },
    async coverage(_ixp, from, to) {
      return present() ? readP2pCoverage(db, from, to) : { ...NONE };
    },
  };
}

const IP: ReadonlySet<string> = new Set(['ipv4', 'ipv6', 'other']);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const orNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Over InfluxDB (a central dashboard: many IXPs by the `ixp` tag), InfluxQL shapes 1.x, 2.x and 3.x all accept: one
 * SELECT with sum() GROUP BY tags, and a raw SELECT of the window points.
 */
export function createInfluxPeeringReader(cfg: InfluxConfig, opts: { fetch?: typeof fetch; timeoutMs?: number; query?: InfluxQuery } = {}): PeeringReader & { kind: 'influxdb' } {
  const query = opts.query ?? createInfluxQuery(cfg, opts);
  const range = (from: number, to: number) => `time >= ${Math.trunc(from)}ms AND time < ${Math.trunc(to)}ms`;
  return {
    kind: 'influxdb',
    async totals(ixp, from, to, only) {
      if (only && only.length === 0) return [];
      const mine = only ? ` AND (${only.map((l) => `"src" = ${lit(l)} OR "dst" = ${lit(l)}`).join(' OR ')})` : '';
      const series = await query(`SELECT sum("bytes") AS "bytes", sum("packets") AS "packets", sum("samples") AS "samples" FROM "ixp_p2p_5m" WHERE "ixp" = ${lit(ixp)} AND ${range(from, to)}${mine} GROUP BY "src", "dst", "ip"`);
      const out: P2pTotal[] = [];
      for (const s of series) {
        const tags = s.tags ?? {};
        if (!tags.src || !tags.dst || !IP.has(tags.ip ?? '')) continue;
        const v = s.values[0];
        if (!v) continue;
        const at = (c: string) => num(v[s.columns.indexOf(c)]);
        out.push({ src: tags.src, dst: tags.dst, ip: tags.ip as IpVersion, bytes: at('bytes'), packets: at('packets'), samples: at('samples') });
      }
      // The local store's order: most bytes first, then by name.
      return out.sort((a, b) => b.bytes - a.bytes || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst) || a.ip.localeCompare(b.ip));
    },
    async coverage(ixp, from, to) {
      const series = await query(`SELECT "datagrams", "samples", "dropped", "rate_min", "rate_max" FROM "ixp_p2p_window" WHERE "ixp" = ${lit(ixp)} AND ${range(from, to)} GROUP BY "switch"`);
      const c: P2pCoverage = { ...NONE };
      const times = new Set<number>();
      for (const s of series) {
        const col = (n: string) => s.columns.indexOf(n);
        for (const v of s.values) {
          const t = num(v[col('time')]);
          times.add(t);
          c.datagrams += num(v[col('datagrams')]); c.samples += num(v[col('samples')]); c.dropped += num(v[col('dropped')]);
          const lo = orNull(v[col('rate_min')]), hi = orNull(v[col('rate_max')]);
          if (lo !== null) c.rateMin = c.rateMin === null ? lo : Math.min(c.rateMin, lo);
          if (hi !== null) c.rateMax = c.rateMax === null ? hi : Math.max(c.rateMax, hi);
          c.first = c.first === null ? t : Math.min(c.first, t);
          c.last = c.last === null ? t : Math.max(c.last, t);
        }
      }
      c.windows = times.size;
      return c;
    },
  };
}
