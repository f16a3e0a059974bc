// The collector's own health as Prometheus metrics (prom-client): polls ok/failed per switch,
// poll duration, points stored, forward backlog (points, age of the oldest), last acknowledged
// write, store size; served on config.metrics.listen at /metrics. Reads the store, never writes it.
import http from 'node:http';
import client from 'prom-client';
import type { Config } from '../config/types.ts';
import { getLogger, type Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { ForwardHooks } from '../forward/index.ts';
import type { ForwardedTable } from '../store/cursor.ts';

/** The collector's metrics; `hooks` plug into the forwarder, the record* calls into the poll loop. */
export interface CollectorMetrics {
  readonly registry: client.Registry;
  /** One poll of one switch finished (ok or failed) after `durationMs`. */
  recordPoll(switchName: string, ok: boolean, durationMs: number): void;
  /** Rows stored by one writePoll (pass as the store's onWrite). */
  recordStored(n: { rates: number; gaps: number; polls: number; rollups: number }): void;
  /** Forwarder hooks: acknowledged and parked points, failures by kind. */
  readonly hooks: ForwardHooks;
  /** Backlog, last ack and size gauges are read from this store at scrape time. */
  attachStore(store: Store | undefined): void;
}

/** Creates a metrics set on its own registry (with Node's process metrics: RSS, CPU, event loop). */
export function createCollectorMetrics(opts: { now?: () => number } = {}): CollectorMetrics {
  const now = opts.now ?? Date.now;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'ixmeter_' });
  let store: Store | undefined;
  const reg = [registry];

  const polls = new client.Counter({ name: 'ixmeter_polls_total', help: 'Polls per switch by result (ok, failed).', labelNames: ['switch', 'result'], registers: reg });
  const duration = new client.Histogram({
    name: 'ixmeter_poll_duration_seconds', help: 'Wall time of one poll of one switch.', labelNames: ['switch'], registers: reg,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  });
  const stored = new client.Counter({ name: 'ixmeter_points_stored_total', help: 'Rows written to the local store, by kind (rates, gaps, polls, rollups).', labelNames: ['kind'], registers: reg });
  const forwarded = new client.Counter({ name: 'ixmeter_forward_points_total', help: 'Points InfluxDB acknowledged, by table.', labelNames: ['table'], registers: reg });
  const parked = new client.Counter({ name: 'ixmeter_forward_parked_points_total', help: 'Points skipped because InfluxDB rejected them as invalid (400 partial write).', labelNames: ['table'], registers: reg });
  const failures = new client.Counter({ name: 'ixmeter_forward_failures_total', help: 'Failed write attempts by kind (retry: network/429/5xx; config: other 4xx; partial).', labelNames: ['kind'], registers: reg });
  const deletes = new client.Counter({
    name: 'ixmeter_forward_deletes_total', help: 'Deletes of recomputed figures sent to InfluxDB, by result (ok; refused: the target does not delete, stale points may stay).',
    labelNames: ['result'], registers: reg,
  });
  const backlogPoints = new client.Gauge({
    name: 'ixmeter_forward_backlog_points', help: 'Stored rows not yet acknowledged by InfluxDB, per table.', labelNames: ['table'], registers: reg,
    collect() { for (const b of safeBacklog()) this.set({ table: b.table }, b.points); },
  });
  const backlogAge = new client.Gauge({
    name: 'ixmeter_forward_backlog_oldest_age_seconds', help: 'Age of the oldest unsent row per table (0 when none).', labelNames: ['table'], registers: reg,
    collect() { for (const b of safeBacklog()) this.set({ table: b.table }, b.oldest === null ? 0 : Math.max(0, (now() - b.oldest) / 1000)); },
  });
  const lastAck = new client.Gauge({
    name: 'ixmeter_forward_last_ack_timestamp_seconds', help: 'Unix time of the last write InfluxDB acknowledged (0: never).', registers: reg,
    collect() { const v = safeMeta('forward.lastAckAt'); this.set(v ? Number(v) / 1000 : 0); },
  });
  new client.Gauge({
    name: 'ixmeter_store_size_bytes', help: 'Size of the local store on disk (database file plus WAL).', registers: reg,
    collect() { this.set(store ? store.sizeBytes() : 0); },
  });
  void backlogPoints; void backlogAge; void lastAck;

  function safeBacklog() {
    try { return store ? store.backlog() : []; } catch { return []; }
  }
  function safeMeta(k: string) {
    try { return store?.getMeta(k); } catch { return undefined; }
  }

  return {
    registry,
    recordPoll(sw, ok, ms) {
      polls.inc({ switch: sw, result: ok ? 'ok' : 'failed' });
      duration.observe({ switch: sw }, ms / 1000);
    },
    recordStored(n) {
      for (const [k, v] of Object.entries(n)) if (v) stored.inc({ kind: k }, v);
    },
    hooks: {
      acked: (table: ForwardedTable, n: number) => forwarded.inc({ table }, n),
      parked: (table: ForwardedTable, n: number) => parked.inc({ table }, n),
      failed: (kind: string) => failures.inc({ kind }),
      deleted: (result: 'ok' | 'refused') => deletes.inc({ result }),
    },
    attachStore(s) { store = s; },
  };
}

/** The process-wide metrics the collector's run loop records into (`metrics.recordPoll(...)`). */
export const metrics: CollectorMetrics = createCollectorMetrics();

/** Parses "host:port", "[::1]:port" or ":port" (all interfaces). */
export function parseListen(listen: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`metrics.listen: expected host:port, got ${JSON.stringify(listen)}`);
  return { host: m[1] ?? (m[2] || undefined), port: Number(m[3]) };
}

export interface MetricsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound address (after start), e.g. for tests using port 0. */
  address(): { host: string; port: number } | undefined;
}

/** Serves GET /metrics on cfg.listen (empty: off). Creating it opens nothing. */
export function createMetricsServer(cfg: Config['metrics'], deps: { metrics?: CollectorMetrics; store?: Store; log?: Logger } = {}): MetricsServer {
  const m = deps.metrics ?? metrics;
  const log = deps.log ?? getLogger('collector:metrics');
  let server: http.Server | undefined;
  return {
    async start() {
      if (!cfg.listen) return;
      if (deps.store) m.attachStore(deps.store);
      const { host, port } = parseListen(cfg.listen);
      server = http.createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
          return;
        }
        m.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': m.registry.contentType }).end(text);
        }, (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`metrics.listen ${cfg.listen}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`)));
        server!.listen(port, host, () => resolve());
      });
      log.info({ listen: cfg.listen }, 'metrics on /metrics');
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
    address() {
      const a = server?.address();
      return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
    },
  };
}

/**
 * The metrics component as the collector wires it: the /metrics server plus `onPoll`, which
 * records each stored poll (ok/failed, duration, rows). Records into the process-wide `metrics`
 * unless given another set, so the forwarder's default hooks land in the same registry.
 */
export function createMetrics(cfg: Config['metrics'], deps: { store?: Store; log?: Logger; metrics?: CollectorMetrics } = {}) {
  const m = deps.metrics ?? metrics;
  const server = createMetricsServer(cfg, { ...deps, metrics: m });
  return {
    metrics: m,
    start: () => server.start(),
    stop: () => server.stop(),
    address: () => server.address(),
    onPoll(poll: { switch: string; ok: boolean; durationMs: number }, _sample: unknown, result: { rates: unknown[]; gaps: unknown[] } | null) {
      m.recordPoll(poll.switch, poll.ok, poll.durationMs);
      m.recordStored({ rates: result?.rates.length ?? 0, gaps: result?.gaps.length ?? 0, polls: 1, rollups: 0 });
    },
  };
}
