// The latency reader: what the latency routes read (a member's rounds, hourly rollups, the round interval, the
// international outages with the local traffic meanwhile), from the local store (here) or from InfluxDB's
// ixp_latency and ixp_port (latency-influxql.ts). Reads only; the maths stay in collector/latency and the routes.
import type Database from 'better-sqlite3';
import { median } from '../../collector/latency/rounds.ts';
import { summariseRounds, type RoundSummary } from '../../collector/latency/outages.ts';
import { readLatency, readLatencyHourly, readOutages, type LatencyHourly, type LatencyRow, type OutageWithTraffic } from '../../collector/store/latency.ts';

export type { LatencyHourly, LatencyRow, OutageWithTraffic } from '../../collector/store/latency.ts';

/** A member port, as the outage traffic is restricted to (switch, port name). */
export interface LatencyPort { switch: string; port: string }

/** One IXP's latency data, from whichever store the dashboard reads. */
export interface LatencyReader {
  kind: 'sqlite' | 'influxdb';
  /** Per-round rows in [from, to) ordered by time then target; `memberAsn` keeps one member's routers. */
  rounds(ixp: string, from: number, to: number, filter?: { memberAsn?: number }): Promise<LatencyRow[]>;
  /** Hourly rollups of the hours starting in [from, to), ordered by hour then target. */
  hourly(ixp: string, from: number, to: number, filter?: { memberAsn?: number }): Promise<LatencyHourly[]>;
  /** The round interval (ms): the median gap between the last 50 rounds before `before`; null with fewer than two. */
  roundInterval(ixp: string, before: number): Promise<number | null>;
  /** What each round in [from, to) saw per kind of target (references and routers probed, and those that answered), by time. */
  roundSummaries(ixp: string, from: number, to: number): Promise<RoundSummary[]>;
  /** International outages of rounds in [from, to), each with the inbound traffic of `ports` (absent: every port) meanwhile. */
  outages(ixp: string, from: number, to: number, opts: { intervalMs: number; minRounds?: number; ports?: LatencyPort[] }): Promise<OutageWithTraffic[]>;
}

/** Median gap between sorted round times (the route's round interval). */
export function medianGap(ts: number[]): number | null {
  return median(ts.slice(1).map((t, i) => t - ts[i]!).sort((a, b) => a - b));
}

/** The latency reader of an IXP no store holds latency for: nothing, every time. */
export const EMPTY_LATENCY: LatencyReader = {
  kind: 'sqlite',
  async rounds() { return []; },
  async hourly() { return []; },
  async roundInterval() { return null; },
  async roundSummaries() { return []; },
  async outages() { return []; },
};

/** What each round in [from, to) of a local store saw, per kind of target. */
export function storeRoundSummaries(db: Database.Database, from: number, to: number): RoundSummary[] {
  return summariseRounds(db.prepare("SELECT t, kind, received FROM latency WHERE t >= ? AND t < ? AND kind IN ('member', 'international') ORDER BY t")
    .all(from, to) as { t: number; kind: string; received: number }[]);
}

/** The latency reader over a local store (collector/store/latency.ts); it holds one IXP's data, whatever `ixp` says. */
export function createSqliteLatencyReader(db: Database.Database): LatencyReader {
  return {
    kind: 'sqlite',
    async rounds(_ixp, from, to, filter = {}) { return readLatency(db, from, to, filter); },
    async hourly(_ixp, from, to, filter = {}) { return readLatencyHourly(db, from, to, filter); },
    async roundInterval(_ixp, before) {
      const ts = (db.prepare('SELECT t FROM latency_rounds WHERE t < ? ORDER BY t DESC LIMIT 50').all(before) as { t: number }[]).map((r) => r.t).reverse();
      return medianGap(ts);
    },
    async roundSummaries(_ixp, from, to) { return storeRoundSummaries(db, from, to); },
    async outages(_ixp, from, to, opts) { return readOutages(db, from, to, opts); },
  };
}
