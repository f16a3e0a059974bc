// The capacity rule: a member port, LAG or trunk whose monthly P95 utilisation, fitted as compound growth
// (collector/figures/forecast.ts), reaches the threshold within `withinDays`, or is already above it.
// evaluateCapacity is pure; createCapacitySource reads the store's 5-minute rollups, one batch of
// 5 ports of one month per call, so that a year of history never blocks a poll for long (finished months are kept).
import type Database from 'better-sqlite3';
import { sec } from '../store/rollupRows.ts';
import { forecastCrossing, monthIndex, monthName, type Forecast, type MonthUtil } from '../figures/forecast.ts';
import { countsForMembers } from '../members/roles.ts';
import { loadRoles } from '../members/roleStore.ts';
import type { CapacityRule } from './config.ts';
import type { Finding } from './rules.ts';

/** A port's forecast as the rule sees it. */
export interface CapacityPort {
  switch: string;
  port: string;
  /** Member label ("AS65001 Name") or the role ("trunk"). */
  member?: string;
  speedMbps: number | null;
  forecast: Forecast;
}

const DAY = 86_400_000;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Truth table (per port): status `over` → bad; `forecast` with the crossing ≤ withinDays ahead → bad, further → ok;
 * `not-growing` / `beyond-horizon` → ok; `not-enough-history` → no verdict (null).
 */
export function evaluateCapacity(ports: CapacityPort[], rule: CapacityRule, t: number): Finding[] {
  if (!rule.enabled) return [];
  return ports.map((p): Finding => {
    const f = p.forecast;
    let bad: boolean | null;
    if (f.status === 'over') bad = true;
    else if (f.status === 'forecast') bad = f.crossingAt! - t <= rule.withinDays * DAY;
    else if (f.status === 'not-enough-history') bad = null;
    else bad = false;
    const growth = f.growthPerMonth === null ? '' : `, ${f.growthPerMonth >= 0 ? '+' : ''}${Math.round(f.growthPerMonth * 100)}%/mo`;
    const detail = f.status === 'over'
      ? `P95 ${pct(f.lastUtil ?? 0)}, over ${pct(f.threshold)}${growth}`
      : f.status === 'forecast'
        ? `${pct(f.threshold)} around ${f.crossing} (${f.earliest}..${f.latest ?? 'later'}), P95 ${pct(f.lastUtil ?? 0)}${growth}`
        : `forecast: ${f.status}`;
    return { key: `capacity|${p.switch}|${p.port}`, rule: 'capacity', bad, switch: p.switch, port: p.port, member: p.member, state: 'CAPACITY', detail, value: f.lastUtil ?? undefined, threshold: f.threshold };
  });
}

/** The 95th percentile as transit is billed (the same rule as collector/figures/impact.ts: drop the top 5 %, take the highest left). */
function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, s.length - 1 - Math.floor(s.length * 0.05))]!;
}

/** UTC month bounds of 'YYYY-MM'. */
function monthBounds(m: string): { from: number; to: number } {
  const i = monthIndex(m);
  return { from: Date.UTC(Math.floor(i / 12), i % 12, 1), to: Date.UTC(Math.floor((i + 1) / 12), (i + 1) % 12, 1) };
}

/**
 * Monthly P95 utilisation per port from the store (UTC months), and the forecasts of the ports that count:
 * member ports (a member owns them: `memberOf`), LAGs and trunks (port_roles).
 */
export function createCapacitySource(db: Database.Database, memberOf: (sw: string, port: string) => string | undefined, months = 13) {
  const done = new Map<string, Map<string, MonthUtil>>();
  let running: { month: string; at: number; data: Map<string, MonthUtil> } | undefined;

  /**
   * Ports read per evaluation: a month of 5 ports is ~45,000 rows, ~0.3 s here (bench/RESULTS.md). A year of 200 ports
   * is read in about 520 evaluations (at most one a minute): the forecasts are complete some 9 hours after a start.
   */
  const BATCH = 5;
  /** The month being read, a batch of ports at a time, so that one evaluation never holds the collector for long. */
  let job: { month: string; running: boolean; batches: number[][]; k: number; acc: Map<string, { i: number[]; o: number[]; c: number }> } | undefined;

  function startJob(month: string, running: boolean): void {
    const ids = (db.prepare('SELECT id FROM ports ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const batches: number[][] = [];
    for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
    job = { month, running, batches, k: 0, acc: new Map() };
  }

  /** Reads the job's next batch; returns the month's figures when it was the last. */
  function step(): Map<string, MonthUtil> | undefined {
    const j = job!;
    const { from, to } = monthBounds(j.month);
    const ids = j.batches[j.k++];
    if (ids?.length) {
      const rows = db.prepare(`SELECT p.switch AS sw, p.name AS port, r.in_bps_avg AS i, r.out_bps_avg AS o, r.coverage AS c FROM rollups r
        JOIN ports p ON p.id = r.port_id WHERE r.port_id IN (${ids.join(',')}) AND r.res = 300 AND r.ts >= ? AND r.ts < ?`).raw().iterate(sec(from), sec(to)) as Iterable<[string, string, number | null, number | null, number]>;
      for (const [sw, port, i, o, c] of rows) {
        const k = `${sw}\u0000${port}`;
        const a = j.acc.get(k) ?? { i: [], o: [], c: 0 };
        if (i !== null) a.i.push(i);
        if (o !== null) a.o.push(o);
        a.c += c;
        j.acc.set(k, a);
      }
    }
    if (j.k < j.batches.length) return undefined;
    const speeds = new Map((db.prepare(`SELECT switch, name, speed_mbps FROM ports p WHERE last_seen = (SELECT MAX(last_seen) FROM ports q WHERE q.switch = p.switch AND q.name = p.name)`)
      .all() as { switch: string; name: string; speed_mbps: number | null }[]).map((r) => [`${r.switch}\u0000${r.name}`, r.speed_mbps]));
    const windows = (to - from) / 300_000;
    const out = new Map<string, MonthUtil>();
    for (const [k, a] of j.acc) {
      const speed = speeds.get(k);
      const hi = Math.max(p95(a.i) ?? -1, p95(a.o) ?? -1);
      out.set(k, { month: j.month, util: speed && hi >= 0 ? hi / (speed * 1e6) : null, coverage: a.c / windows });
    }
    job = undefined;
    return out;
  }

  return {
    /**
     * Forecasts at `t`. Reads one batch of ports of one month per call: a finished month not read yet, else the running
     * month when its last read is an hour old. Until every month is read, the forecasts use the months read so far.
     */
    forecasts(t: number, threshold = 0.8): CapacityPort[] {
      const now = monthName(monthIndex(new Date(t).toISOString().slice(0, 7)));
      const list: string[] = [];
      for (let i = months - 1; i >= 0; i--) list.push(monthName(monthIndex(now) - i));
      if (!job) {
        const missing = list.find((m) => m !== now && !done.has(m));
        if (missing) startJob(missing, false);
        else if (!running || running.month !== now || t - running.at > 3_600_000) startJob(now, true);
      }
      if (job) {
        const { month, running: isRunning } = job;
        const got = step();
        if (got && isRunning) running = { month, at: t, data: got };
        else if (got) done.set(month, got);
      }
      for (const m of done.keys()) if (!list.includes(m)) done.delete(m);
      const roles = new Map(loadRoles(db).map((r) => [`${r.switch}\u0000${r.port}`, r.role]));
      const keys = new Set<string>();
      for (const m of list) for (const k of (m === now ? running?.month === now ? running.data : undefined : done.get(m))?.keys() ?? []) keys.add(k);
      const out: CapacityPort[] = [];
      for (const k of keys) {
        const [sw, port] = k.split('\u0000') as [string, string];
        const role = roles.get(k);
        const member = countsForMembers(role) ? memberOf(sw, port) : undefined;
        if (!member && role !== 'trunk' && role !== 'lag') continue;
        const history = list.map((m) => (m === now ? running?.data.get(k) : done.get(m)?.get(k)) ?? { month: m, util: null, coverage: 0 });
        out.push({ switch: sw, port, member: member ?? role ?? undefined, speedMbps: null, forecast: forecastCrossing(history, { threshold }) });
      }
      return out;
    },
  };
}
