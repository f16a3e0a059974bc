// The local store's latency tables (migration 005): writes one fping round (per-target rows, the round
// row and the hour's rollup, in one transaction) and reads them back for the dashboard, reports and
// outage detection. SQL only: the probing is collector/latency, the outage rules collector/latency/outages.ts.
import type { DB } from './sqlite.ts';
import { storeError } from './sqlite.ts';
import { median, type TargetResult } from '../latency/rounds.ts';
import { findOutages, summariseRounds, trafficDuring, type Outage, type WindowTraffic } from '../latency/outages.ts';

export type TargetKind = 'member' | 'international' | 'local';

/** One probed target as the store keeps it. */
export interface LatencyTarget { address: string; kind: TargetKind; name: string; memberAsn?: number }

/** One target's result of one round, with what the target is. */
export interface LatencyRow extends LatencyTarget, Omit<TargetResult, 'target'> {
  t: number;
}

export interface LatencyRoundRecord { t: number; durationMs: number; ok: boolean; targets: number; error?: string }

export interface LatencyHourly extends LatencyTarget {
  t: number; rounds: number; sent: number; received: number;
  medianMs: number | null; p10Ms: number | null; p90Ms: number | null; minMs: number | null; maxMs: number | null;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The value at quantile q of sorted values (nearest rank); null for none. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Stores one round (its row, every target's row, the touched hours' rollups) in one transaction. Throws StoreError. */
export function writeLatencyRound(db: DB, file: string, round: LatencyRoundRecord, rows: LatencyRow[]): void {
  try {
    db.transaction(() => {
      db.prepare('INSERT INTO latency_rounds (t, duration_ms, ok, targets, error) VALUES (?, ?, ?, ?, ?) ON CONFLICT (t) DO NOTHING')
        .run(round.t, round.durationMs, round.ok ? 1 : 0, round.targets, round.error ?? null);
      const ins = db.prepare(`INSERT INTO latency (t, target, kind, name, member_asn, sent, received, loss, median_ms, min_ms, max_ms, rtts)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target, t) DO NOTHING`);
      for (const r of rows) {
        ins.run(r.t, r.address, r.kind, r.name, r.memberAsn ?? null, r.sent, r.received, r.loss, r.medianMs, r.minMs, r.maxMs, JSON.stringify(r.rttsMs));
      }
      for (const r of rows) rollUpHour(db, r, Math.floor(r.t / HOUR) * HOUR);
    })();
  } catch (e) {
    throw storeError(file, e, 'store latency round');
  }
}

/** Recomputes one target's hourly rollup from that hour's rounds. */
function rollUpHour(db: DB, target: LatencyTarget, hour: number): void {
  const rows = db.prepare('SELECT sent, received, rtts FROM latency WHERE target = ? AND t >= ? AND t < ?').all(target.address, hour, hour + HOUR) as
    { sent: number; received: number; rtts: string }[];
  let sent = 0, received = 0;
  const all: number[] = [];
  for (const r of rows) { sent += r.sent; received += r.received; for (const v of JSON.parse(r.rtts) as number[]) all.push(v); }
  all.sort((a, b) => a - b);
  db.prepare(`INSERT INTO latency_hourly (target, t, kind, name, member_asn, rounds, sent, received, median_ms, p10_ms, p90_ms, min_ms, max_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (target, t) DO UPDATE SET kind = excluded.kind, name = excluded.name, member_asn = excluded.member_asn, rounds = excluded.rounds,
        sent = excluded.sent, received = excluded.received, median_ms = excluded.median_ms, p10_ms = excluded.p10_ms, p90_ms = excluded.p90_ms,
        min_ms = excluded.min_ms, max_ms = excluded.max_ms`)
    .run(target.address, hour, target.kind, target.name, target.memberAsn ?? null, rows.length, sent, received,
      median(all), quantile(all, 0.1), quantile(all, 0.9), all.length ? all[0] : null, all.length ? all[all.length - 1] : null);
}

type RawRow = { t: number; target: string; kind: TargetKind; name: string; member_asn: number | null; sent: number; received: number;
  loss: number; median_ms: number | null; min_ms: number | null; max_ms: number | null; rtts: string };

const fromRaw = (r: RawRow): LatencyRow => ({
  t: r.t, address: r.target, kind: r.kind, name: r.name, ...(r.member_asn === null ? {} : { memberAsn: r.member_asn }),
  sent: r.sent, received: r.received, loss: r.loss, medianMs: r.median_ms, minMs: r.min_ms, maxMs: r.max_ms, rttsMs: JSON.parse(r.rtts) as number[],
});

/** Per-round rows in [from, to), optionally only one member's routers or one kind; ordered by time then target. */
export function readLatency(db: DB, from: number, to: number, filter: { memberAsn?: number; kind?: TargetKind } = {}): LatencyRow[] {
  const where = ['t >= ?', 't < ?'];
  const args: (number | string)[] = [from, to];
  if (filter.memberAsn !== undefined) { where.push('member_asn = ?'); args.push(filter.memberAsn); }
  if (filter.kind) { where.push('kind = ?'); args.push(filter.kind); }
  return (db.prepare(`SELECT t, target, kind, name, member_asn, sent, received, loss, median_ms, min_ms, max_ms, rtts FROM latency
    WHERE ${where.join(' AND ')} ORDER BY t, target`).all(...args) as RawRow[]).map(fromRaw);
}

/** Hourly rollups in [from, to). */
export function readLatencyHourly(db: DB, from: number, to: number, filter: { memberAsn?: number; kind?: TargetKind } = {}): LatencyHourly[] {
  const where = ['t >= ?', 't < ?'];
  const args: (number | string)[] = [from, to];
  if (filter.memberAsn !== undefined) { where.push('member_asn = ?'); args.push(filter.memberAsn); }
  if (filter.kind) { where.push('kind = ?'); args.push(filter.kind); }
  type H = { target: string; t: number; kind: TargetKind; name: string; member_asn: number | null; rounds: number; sent: number; received: number;
    median_ms: number | null; p10_ms: number | null; p90_ms: number | null; min_ms: number | null; max_ms: number | null };
  return (db.prepare(`SELECT * FROM latency_hourly WHERE ${where.join(' AND ')} ORDER BY t, target`).all(...args) as H[]).map((r) => ({
    address: r.target, t: r.t, kind: r.kind, name: r.name, ...(r.member_asn === null ? {} : { memberAsn: r.member_asn }), rounds: r.rounds,
    sent: r.sent, received: r.received, medianMs: r.median_ms, p10Ms: r.p10_ms, p90Ms: r.p90_ms, minMs: r.min_ms, maxMs: r.max_ms,
  }));
}

/** The rounds in [from, to) (ok or failed). */
export function readLatencyRounds(db: DB, from: number, to: number): LatencyRoundRecord[] {
  return (db.prepare('SELECT t, duration_ms, ok, targets, error FROM latency_rounds WHERE t >= ? AND t < ? ORDER BY t').all(from, to) as
    { t: number; duration_ms: number; ok: number; targets: number; error: string | null }[])
    .map((r) => ({ t: r.t, durationMs: r.duration_ms, ok: r.ok === 1, targets: r.targets, ...(r.error === null ? {} : { error: r.error }) }));
}

/**
 * Deletes per-round rows older than `rawDays` that InfluxDB has acknowledged (or all when not forwarding),
 * and hourly rollups older than `rollupDays`. Returns rows deleted.
 */
export function latencyRetention(db: DB, days: { rawDays: number; rollupDays: number }, now: number): { latency: number; latency_hourly: number } {
  const cursor = (db.prepare("SELECT seq FROM cursors WHERE name = 'latency'").get() as { seq: number } | undefined)?.seq;
  const cut = now - days.rawDays * DAY;
  return db.transaction(() => {
    const latency = cursor === undefined
      ? db.prepare('DELETE FROM latency WHERE t < ?').run(cut).changes
      : db.prepare('DELETE FROM latency WHERE t < ? AND seq <= ?').run(cut, cursor).changes;
    db.prepare('DELETE FROM latency_rounds WHERE t < ?').run(cut);
    const latency_hourly = db.prepare('DELETE FROM latency_hourly WHERE t < ?').run(now - days.rollupDays * DAY).changes;
    return { latency, latency_hourly };
  })();
}

/** An international outage with the local traffic the exchange kept flowing meanwhile. */
export interface OutageWithTraffic extends Outage {
  traffic: WindowTraffic;
}

/**
 * International outages between `from` and `to` (rounds' start times), each with the member ports' inbound traffic
 * over [start, end) (or to lastSeen + one interval while open). `ports` restricts the traffic to member ports
 * (switch, port name); absent: every port the store knows. `intervalMs` is latency.interval.
 */
export function readOutages(db: DB, from: number, to: number, opts: { intervalMs: number; minRounds?: number; ports?: { switch: string; port: string }[] }): OutageWithTraffic[] {
  const rows = db.prepare('SELECT t, kind, received FROM latency WHERE t >= ? AND t < ? ORDER BY t').all(from, to) as { t: number; kind: string; received: number }[];
  const outages = findOutages(summariseRounds(rows), opts.intervalMs, opts.minRounds ?? 1);
  if (outages.length === 0) return [];
  const all = db.prepare('SELECT id, switch, name FROM ports').all() as { id: number; switch: string; name: string }[];
  const wanted = opts.ports ? new Set(opts.ports.map((p) => `${p.switch}\u0000${p.port}`)) : undefined;
  const ids = [...new Set(all.filter((p) => !wanted || wanted.has(`${p.switch}\u0000${p.name}`)).map((p) => p.id))];
  const q = db.prepare('SELECT t, interval, in_bps FROM rates WHERE port_id = ? AND t > ? AND t < ? ORDER BY t');
  return outages.map((o) => {
    const end = o.end ?? o.start + o.durationMs;
    // Rates whose interval overlaps [start, end): their end lies after start, and they began before end.
    const perPort = ids.map((id) => (q.all(id, o.start, end + 3_600_000) as { t: number; interval: number; in_bps: number | null }[])
      .map((r) => ({ t: r.t, intervalS: r.interval, inBps: r.in_bps })));
    return { ...o, traffic: trafficDuring(o.start, end, perPort) };
  });
}
