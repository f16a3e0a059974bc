// The forwarder: a cursor per forwarded table (polls, rates, rollups) over the local store; reads
// the next batch after it, sends it as line protocol, and moves the cursor only after InfluxDB's
// 2xx. Network errors/429/5xx back off with jitter forever; other 4xx block (every point kept) and
// retry periodically; a 400 naming bad points parks that batch. Never deletes or rewrites stored rows.
import type { InfluxConfig } from '../config/types.ts';
import { getLogger, type Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { ensureCursor, advanceCursor, FORWARDED, type ForwardedTable } from '../store/cursor.ts';
import { metrics } from '../metrics/index.ts';
import { createInfluxWriter, WriteFailure, type InfluxWriter } from './influx.ts';
import { portLine, rollupLine, pollLine, seriesKey, type RateRowLP, type RollupRowLP, type PollRowLP } from './lineProtocol.ts';

/** Member tags of a port at a time (from the members registry); undefined when unknown. */
export type TagsFor = (switchName: string, port: string, time: number) =>
  { member_asn?: string | number; member?: string; category?: string } | undefined;

/** Hooks the forwarder calls (the Prometheus metrics implement them). */
export interface ForwardHooks {
  acked?(table: ForwardedTable, points: number, at: number): void;
  parked?(table: ForwardedTable, points: number): void;
  failed?(kind: string): void;
}

export interface ForwarderDeps {
  store: Store;
  log?: Logger;
  tagsFor?: TagsFor;
  /** Default: the process-wide Prometheus metrics (collector/metrics). */
  hooks?: ForwardHooks;
  now?: () => number;
  random?: () => number;
  /** Wait when caught up, ms (default 2000; kick() wakes it sooner). */
  idleMs?: number;
  /** First back-off after a network/5xx failure, ms (default 1000; doubles up to maxBackoffMs). */
  minBackoffMs?: number;
  /** Longest back-off, ms (default 300000). */
  maxBackoffMs?: number;
  /** Retry interval while a config error (4xx) blocks forwarding, ms (default 60000). */
  blockedRetryMs?: number;
  /** Bodies above this many bytes are gzipped when cfg.gzip (default 1000). */
  gzipThreshold?: number;
  env?: NodeJS.ProcessEnv;
}

export type ForwarderState = 'stopped' | 'idle' | 'sending' | 'backoff' | 'blocked';

export interface Forwarder {
  start(): void;
  stop(): Promise<void>;
  /** Wake the loop now (after a poll was stored). */
  kick(): void;
  /** Sends until every table is caught up; throws the first WriteFailure. For tools and tests. */
  drain(): Promise<number>;
  status(): { state: ForwarderState; lastError?: string; lastAckAt?: number; parked: number; sent: number };
}

interface Batch { table: ForwardedTable; lastSeq: number; lines: string[]; body: string }

/** Creates the forwarder; nothing runs until start() (or drain()). */
export function createForwarder(cfg: InfluxConfig & { ixp: string }, deps: ForwarderDeps): Forwarder {
  const log = deps.log ?? getLogger('collector:forward');
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const batchSize = cfg.batchSize ?? 5000;
  const hooks = deps.hooks ?? metrics.hooks;
  let writer: InfluxWriter | undefined;
  let state: ForwarderState = 'stopped';
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let abort: AbortController | undefined;
  let lastError: string | undefined;
  let lastAckAt: number | undefined;
  let parked = 0;
  let sent = 0;
  const seriesCache = new Map<string, string>();

  const getWriter = () => (writer ??= createInfluxWriter(cfg, { env: deps.env, gzipThreshold: deps.gzipThreshold }));

  const portSeries = (sw: string, port: string, t: number): string => {
    const m = deps.tagsFor?.(sw, port, t);
    const key = m ? `${sw}\u0000${port}\u0000${m.member_asn ?? ''}\u0000${m.member ?? ''}\u0000${m.category ?? ''}` : `${sw}\u0000${port}`;
    let s = seriesCache.get(key);
    if (s === undefined) {
      if (seriesCache.size > 100_000) seriesCache.clear();
      s = seriesKey('ixp_port', { ixp: cfg.ixp, switch: sw, port, member_asn: m?.member_asn, member: m?.member, category: m?.category });
      seriesCache.set(key, s);
    }
    return s;
  };

  function readBatch(table: ForwardedTable, after: number): Batch | null {
    const db = deps.store.db;
    const lines: string[] = [];
    let lastSeq = after;
    if (table === 'polls') {
      const rows = db.prepare('SELECT seq, t, switch, duration_ms, ok, ports, error FROM polls WHERE seq > ? ORDER BY seq LIMIT ?')
        .all(after, batchSize) as (PollRowLP & { seq: number })[];
      for (const r of rows) { lines.push(pollLine(cfg.ixp, r)); lastSeq = r.seq; }
    } else if (table === 'rates') {
      const rows = db.prepare(`SELECT r.seq, r.t, r.in_bps, r.out_bps, r.in_pps, r.out_pps, r.in_errors, r.out_errors,
          r.in_discards, r.out_discards, r.util_in, r.util_out, r.oper_up, r.speed_mbps, r.in_octets, r.out_octets, r.gap,
          p.switch AS sw, p.name AS port
        FROM rates r JOIN ports p ON p.id = r.port_id WHERE r.seq > ? ORDER BY r.seq LIMIT ?`)
        .all(after, batchSize) as (RateRowLP & { seq: number; sw: string; port: string })[];
      for (const r of rows) {
        const l = portLine(portSeries(r.sw, r.port, r.t), r);
        if (l) lines.push(l);
        lastSeq = r.seq;
      }
    } else {
      const rows = db.prepare(`SELECT r.seq, r.res, r.t, r.in_bps_avg, r.in_bps_max, r.out_bps_avg, r.out_bps_max, r.in_pps_avg,
          r.out_pps_avg, r.in_errors_avg, r.out_errors_avg, r.in_discards_avg, r.out_discards_avg, r.util_in_max, r.util_out_max,
          r.oper_up_share, r.coverage, p.switch AS sw, p.name AS port
        FROM rollups r JOIN ports p ON p.id = r.port_id WHERE r.seq > ? ORDER BY r.seq LIMIT ?`)
        .all(after, batchSize) as (RollupRowLP & { seq: number; res: number; sw: string; port: string })[];
      for (const r of rows) {
        lastSeq = r.seq;
        if (r.res !== 300) continue; // only ixp_port_5m travels; coarser levels are the local store's own
        const l = rollupLine(portSeries(r.sw, r.port, r.t).replace(/^ixp_port/, 'ixp_port_5m'), r);
        if (l) lines.push(l);
      }
    }
    if (lastSeq === after) return null;
    return { table, lastSeq, lines, body: lines.join('\n') };
  }

  function ack(b: Batch, parkedNow = false): void {
    const at = now();
    const meta: Record<string, string> = { 'forward.lastError': '' };
    if (parkedNow) { parked += b.lines.length; meta['forward.parked'] = String(Number(deps.store.getMeta('forward.parked') ?? 0) + b.lines.length); }
    advanceCursor(deps.store.db, b.table, b.lastSeq, at, meta);
    if (!parkedNow) { sent += b.lines.length; lastAckAt = at; hooks.acked?.(b.table, b.lines.length, at); }
    else hooks.parked?.(b.table, b.lines.length);
    lastError = undefined;
  }

  async function send(b: Batch): Promise<void> {
    if (b.lines.length === 0) return;
    abort = new AbortController();
    try { await getWriter().write(b.body, abort.signal); } finally { abort = undefined; }
  }

  /** Sends every table until caught up; pipelined: the next batch is built while one is in flight. */
  async function pump(): Promise<number> {
    let n = 0;
    for (const table of FORWARDED) {
      let cursor = ensureCursor(deps.store.db, table);
      let batch = readBatch(table, cursor);
      while (batch && (running || !loop)) {
        state = 'sending';
        const inFlight = send(batch).then(() => null, (e: unknown) => e);
        const next = batch.lastSeq ? readBatch(table, batch.lastSeq) : null;
        const err = await inFlight;
        if (err) {
          if (err instanceof WriteFailure && err.kind === 'partial') {
            log.error({ table, points: batch.lines.length, err: err.message }, 'batch parked');
            ack(batch, true);
          } else throw err;
        } else {
          ack(batch);
        }
        n += batch.lines.length;
        cursor = batch.lastSeq;
        batch = next;
      }
    }
    return n;
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { wake = undefined; resolve(); }, ms);
      wake = () => { clearTimeout(t); wake = undefined; resolve(); };
    });
  }

  function recordError(e: unknown): WriteFailure {
    const f = e instanceof WriteFailure ? e : new WriteFailure(`forwarding failed: ${(e as Error)?.message ?? String(e)}`, 'retry');
    lastError = f.message;
    hooks.failed?.(f.kind);
    try {
      deps.store.setMeta('forward.lastError', f.message);
      deps.store.setMeta('forward.lastErrorAt', String(now()));
    } catch { /* the store's own failure is reported by the poll path */ }
    return f;
  }

  async function run(): Promise<void> {
    let attempt = 0;
    while (running) {
      try {
        await pump();
        attempt = 0;
        if (!running) break;
        state = 'idle';
        await wait(deps.idleMs ?? 2000);
      } catch (e) {
        if (!running) break;
        const f = recordError(e);
        if (f.kind === 'config') {
          state = 'blocked';
          const every = deps.blockedRetryMs ?? 60_000;
          log.sampled('error', 'blocked', { err: f.message, retryInS: Math.round(every / 1000) }, 'forwarding stopped; every point is kept and retried', Math.max(every, 60_000));
          await wait(every);
        } else {
          state = 'backoff';
          const base = Math.min(deps.maxBackoffMs ?? 300_000, (deps.minBackoffMs ?? 1000) * 2 ** Math.min(attempt, 30));
          const delay = Math.max(f.retryAfterMs ?? 0, Math.round(base * (0.5 + random() / 2)));
          attempt++;
          log.sampled('warn', 'retry', { err: f.message, retryInMs: delay }, 'forwarding paused; will retry', 60_000);
          await wait(delay);
        }
      }
    }
    state = 'stopped';
  }

  return {
    start() {
      if (running) return;
      running = true;
      state = 'idle';
      loop = run();
    },
    async stop() {
      running = false;
      abort?.abort();
      wake?.();
      await loop;
      loop = undefined;
    },
    kick() { wake?.(); },
    async drain() {
      try { return await pump(); } catch (e) { throw recordError(e); } finally { if (!running) state = 'stopped'; }
    },
    status: () => ({ state, lastError, lastAckAt, parked, sent }),
  };
}
