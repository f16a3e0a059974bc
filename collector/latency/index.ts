// The latency prober: every latency.interval seconds one fping round to every member's router and every
// reference, stored in the local store (per-target rows, the round, hourly rollups) and forwarded as
// ixp_latency. Wiring and scheduling only: fping.ts spawns, rounds.ts parses, outages.ts judges.
import { readFileSync } from 'node:fs';
import { getLogger, type Logger } from '../log.ts';
import { createScheduler, type Scheduler } from '../schedule.ts';
import type { Store } from '../store/index.ts';
import { writeLatencyRound, type LatencyRoundRecord, type LatencyRow, type LatencyTarget } from '../store/latency.ts';
import type { LatencyConfig } from './config.ts';
import { runFping, FpingError, type FpingOptions, type FpingRound } from './fping.ts';
import { buildTargets, ixfRouterAddresses, TargetError } from './targets.ts';

export { TargetError } from './targets.ts';
export type { LatencyConfig } from './config.ts';

export interface LatencyRoundResult {
  t: number;
  ok: boolean;
  error?: string;
  rows: LatencyRow[];
}

export interface LatencyDeps {
  store: Store;
  log?: Logger;
  /** Member name by ASN (the member registry), for the stored rows. */
  nameOf?: (asn: number) => string | undefined;
  /** Path of the IX-F export (memberSources.ixf), read at start when latency.ixfRouters. */
  ixfFile?: string;
  /** The fping edge (tests may pass another runner). Default: runFping. */
  runFping?: (targets: string[], o: FpingOptions) => Promise<FpingRound>;
  scheduler?: Scheduler;
  now?: () => number;
  /** Called after each stored round (alerts, outages). A throwing listener is logged. */
  onRound?: (r: LatencyRoundResult) => void;
  /**
   * A round could not be stored (StoreError: disk full, read-only): the collector stops with its store-failure exit
   * code, as for a poll. Called before the error is rethrown. Absent: the error is only rethrown (and logged by the scheduler).
   */
  onStoreFailure?: (err: Error) => void;
}

export interface Latency {
  start(): void;
  stop(): Promise<void>;
  /** Runs and stores one round now. */
  roundNow(): Promise<LatencyRoundResult>;
  /** The targets of each round (built at start). */
  targets(): LatencyTarget[];
}

/** Checks the timing options against each other; a TargetError naming the option. */
export function checkTiming(cfg: LatencyConfig): void {
  const roundMs = (cfg.pings - 1) * cfg.periodMs + cfg.timeoutMs;
  if (roundMs >= cfg.interval * 1000) {
    throw new TargetError(`latency.pings: ${cfg.pings} pings every ${cfg.periodMs} ms plus the ${cfg.timeoutMs} ms timeout take ${roundMs} ms, ` +
      `longer than latency.interval (${cfg.interval} s): lower pings or periodMs, or raise interval`);
  }
}

/** Creates the prober; nothing is read or spawned until start() (or roundNow()). */
export function createLatency(cfg: LatencyConfig, deps: LatencyDeps): Latency {
  const log = deps.log ?? getLogger('collector:latency');
  const now = deps.now ?? Date.now;
  const fping = deps.runFping ?? runFping;
  let targets: LatencyTarget[] | undefined;
  let scheduler: Scheduler | undefined;

  const build = (): LatencyTarget[] => {
    if (targets) return targets;
    checkTiming(cfg);
    let ixf: { asn: number; address: string; where: string }[] = [];
    if (cfg.ixfRouters && deps.ixfFile) {
      let doc: unknown;
      try { doc = JSON.parse(readFileSync(deps.ixfFile, 'utf8')); } catch (e) {
        throw new TargetError(`${deps.ixfFile}: cannot read the IX-F export for members' router addresses: ${(e as Error).message}`);
      }
      ixf = ixfRouterAddresses(doc, deps.ixfFile);
    }
    targets = buildTargets(cfg, ixf, deps.nameOf ?? (() => undefined));
    return targets;
  };

  /** Stores a round; a StoreError goes to onStoreFailure (the collector stops) and is rethrown. */
  function store(round: LatencyRoundRecord, rows: LatencyRow[]): void {
    try {
      writeLatencyRound(deps.store.db, deps.store.file, round, rows);
    } catch (e) {
      if (e instanceof Error && e.name === 'StoreError') deps.onStoreFailure?.(e);
      throw e;
    }
  }

  async function roundNow(): Promise<LatencyRoundResult> {
    const list = build();
    const t = now();
    const opts: FpingOptions = { pings: cfg.pings, periodMs: cfg.periodMs, intervalMs: cfg.intervalMs, timeoutMs: cfg.timeoutMs, sizeBytes: cfg.sizeBytes, fping: cfg.fping };
    let result: LatencyRoundResult;
    const started = performance.now();
    try {
      const round = await fping(list.map((x) => x.address), opts);
      const byAddr = new Map(round.results.map((r) => [r.target, r]));
      const rows: LatencyRow[] = list.map((x) => {
        const r = byAddr.get(x.address)!;
        return { ...x, t, sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
      });
      for (const line of round.other.slice(0, 5)) log.debug({ line }, 'fping said');
      store({ t, durationMs: round.durationMs, ok: true, targets: list.length }, rows);
      result = { t, ok: true, rows };
      log.debug({ targets: list.length, answered: rows.filter((r) => r.received > 0).length, ms: Math.round(round.durationMs) }, 'latency round stored');
    } catch (e) {
      if (e instanceof Error && e.name === 'StoreError') throw e;
      const error = e instanceof FpingError ? e.message : `latency round: ${(e as Error)?.message ?? String(e)}`;
      log.sampled('error', 'latency-round', { targets: list.length }, error, 300_000);
      store({ t, durationMs: performance.now() - started, ok: false, targets: list.length, error }, []);
      result = { t, ok: false, error, rows: [] };
    }
    try { deps.onRound?.(result); } catch (e) { log.sampled('error', 'latency-listener', {}, `latency round listener failed: ${(e as Error)?.message}`); }
    return result;
  }

  return {
    start() {
      const list = build();
      log.info({ targets: list.length, members: list.filter((x) => x.kind === 'member').length, interval: cfg.interval, pings: cfg.pings }, 'latency probes started');
      scheduler = deps.scheduler ?? createScheduler({ log: log.child('schedule') });
      scheduler.add({ name: 'latency round', everySeconds: cfg.interval, run: async () => { await roundNow(); } });
      scheduler.start();
    },
    async stop() { await scheduler?.stop(); scheduler = undefined; },
    roundNow,
    targets: () => build(),
  };
}
