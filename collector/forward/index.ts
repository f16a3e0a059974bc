// The forwarder: a cursor per forwarded table (polls, rates, rollups via rollup_log, ..., the figures outbox) over
// the local store; reads the next batch after it, sends it as line protocol, and moves the cursor only after InfluxDB's
// 2xx. Network errors/429/5xx back off with jitter forever; other 4xx block (every point kept) and
// retry periodically; a 400 naming bad points parks that batch. A figures delete is sent alone, in outbox
// order. Never deletes or rewrites stored rows.
import type { InfluxConfig } from '../config/types.ts';
import { getLogger, type Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { Statement } from 'better-sqlite3';
import { sec } from '../store/rollupRows.ts';
import { ensureCursor, advanceCursor, getRollupPosition, FORWARDED, type ForwardedTable } from '../store/cursor.ts';
import { metrics } from '../metrics/index.ts';
import { createInfluxWriter, WriteFailure, type InfluxWriter } from './influx.ts';
import { portLine, rollupLine, pollLine, p2pLine, seriesKey, type RateRowLP, type RollupRowLP, type PollRowLP } from './lineProtocol.ts';
import { latencyHourLine, latencyLine, latencyRoundLine, p2pWindowLine, type FigureDeleteLP, type LatencyHourLP } from './lineProtocol.ts';
import { FIGURES_SQL, figureRow } from './figures.ts';

/** Member tags of a port at a time (from the members registry); undefined when unknown. */
export type TagsFor = (switchName: string, port: string, time: number) =>
  { member_asn?: string | number; member?: string; category?: string } | undefined;

/** Hooks the forwarder calls (the Prometheus metrics implement them). */
export interface ForwardHooks {
  acked?(table: ForwardedTable, points: number, at: number): void;
  parked?(table: ForwardedTable, points: number): void;
  failed?(kind: string): void;
  /** A figures delete was run (`ok`) or the target does not delete (`refused`; stale points may stay there). */
  deleted?(result: 'ok' | 'refused'): void;
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

/**
 * A batch of lines, or (figures only) one delete that is sent alone: `del`. For rollups `pos` is the (port_id, t) of
 * its last row inside rollup_log entry `lastSeq`.
 */
interface Batch { table: ForwardedTable; lastSeq: number; pos?: { portId: number; t: number }; points: number; body: Buffer; del?: FigureDeleteLP }
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one raw SQLite row; readBatch names each column
type Row = any[];

/**
 * Newline-separated lines written straight into a Buffer: each line string dies young, and the
 * body lives outside the JS heap while it is in flight (keeps the collector's RSS low on a Pi).
 */
class BodyBuilder {
  private buf = Buffer.allocUnsafe(256 * 1024);
  private len = 0;
  count = 0;
  /** Starts a new body in the same memory (the previous body must no longer be in use). */
  reset(): this { this.len = 0; this.count = 0; return this; }
  line(l: string): void {
    const need = this.len + l.length * 3 + 1;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    if (this.count) this.buf[this.len++] = 10;
    this.len += this.buf.write(l, this.len, 'utf8');
    this.count++;
  }
  done(): Buffer { return this.buf.subarray(0, this.len); }
}

/** Batches on the wire at once: one being answered while the server already has the next. */
const MAX_IN_FLIGHT = 2;

/**
 * Creates the forwarder; nothing runs until start() (or drain()). `ixp` tags every point; `timezone` (the IXP's,
 * default UTC) places each month's point at the month's first instant.
 */
export function createForwarder(cfg: InfluxConfig & { ixp: string; timezone?: string }, deps: ForwarderDeps): Forwarder {
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
  let lastError: string | undefined;
  let lastAckAt: number | undefined;
  let parked = 0;
  let sent = 0;
  let deleteRefusalLogged = false;
  const seriesCache = new Map<string, string>();

  const getWriter = () => (writer ??= createInfluxWriter(cfg, { env: deps.env, gzipThreshold: deps.gzipThreshold }));

  /** The series key of a port's point in `measurement` (tags sorted; `res` for coarse imported history), cached. */
  const portSeries = (measurement: 'ixp_port' | 'ixp_port_5m' | 'ixp_port_hist' | 'ixp_port_1h' | 'ixp_port_1d', sw: string, port: string, t: number, res?: number): string => {
    const m = deps.tagsFor?.(sw, port, t);
    const key = `${measurement}\u0000${res ?? ''}\u0000${sw}\u0000${port}` + (m ? `\u0000${m.member_asn ?? ''}\u0000${m.member ?? ''}\u0000${m.category ?? ''}` : '');
    let s = seriesCache.get(key);
    if (s === undefined) {
      if (seriesCache.size > 100_000) seriesCache.clear();
      s = seriesKey(measurement, { ixp: cfg.ixp, switch: sw, port, member_asn: m?.member_asn, member: m?.member, category: m?.category, res });
      seriesCache.set(key, s);
    }
    return s;
  };

  /**
   * Reads the rows after `after` and builds one body. Rows are iterated one at a time in raw mode
   * (arrays, not better-sqlite3's keyed objects: half the read cost) and only the body is kept (no
   * row objects, no line array), so a batch in flight costs about its body's size.
   */
  // Three bodies: up to two in flight and the one being built; batch n+3 reuses batch n's memory
  // only after batch n was answered.
  const bodies = [new BodyBuilder(), new BodyBuilder(), new BodyBuilder()];
  let slot = 0;
  function readBatch(table: ForwardedTable, after: number, pos?: { portId: number; t: number }): Batch | null {
    const body = bodies[slot].reset();
    let lastSeq = after;
    const add = (l: string | null) => { if (l) body.line(l); };
    if (table === 'polls') {
      for (const r of stmt('polls').iterate(after, batchSize) as IterableIterator<Row>) {
        add(pollLine(cfg.ixp, { t: r[1], switch: r[2], duration_ms: r[3], ok: r[4], ports: r[5], error: r[6] }));
        lastSeq = r[0];
      }
    } else if (table === 'rates') {
      for (const r of stmt('rates').iterate(after, batchSize) as IterableIterator<Row>) {
        add(portLine(portSeries('ixp_port', r[17], r[18], r[1]), {
          t: r[1], in_bps: r[2], out_bps: r[3], in_pps: r[4], out_pps: r[5], in_errors: r[6], out_errors: r[7],
          in_discards: r[8], out_discards: r[9], util_in: r[10], util_out: r[11], oper_up: r[12], speed_mbps: r[13],
          in_octets: r[14], out_octets: r[15], gap: r[16],
        }));
        lastSeq = r[0];
      }
    } else if (table === 'latency') {
      // Latency rounds (collector/latency): one ixp_latency point per round and target; the hourly rollup of each
      // (target, hour) the batch touches as it stands now (ixp_latency_1h), and each round's summary over all its
      // targets (ixp_latency_round), so a central dashboard reads hours and rounds, not every target's every round.
      const hours = new Map<string, [string, number]>();
      const roundTimes = new Set<number>();
      for (const r of stmt('latency').iterate(after, batchSize) as IterableIterator<Row>) {
        add(latencyLine(cfg.ixp, { t: r[1], target: r[2], kind: r[3], name: r[4], member_asn: r[5], sent: r[6], received: r[7], loss: r[8],
          median_ms: r[9], min_ms: r[10], max_ms: r[11], rtts: r[12] }));
        const hour = Math.floor(r[1] / 3_600_000) * 3_600_000;
        hours.set(`${r[2]}\u0000${hour}`, [r[2], hour]);
        roundTimes.add(r[1]);
        lastSeq = r[0];
      }
      const round = roundTimes.size ? deps.store.db.prepare(`SELECT sum(kind = 'international') AS i, sum(kind = 'international' AND received > 0) AS ia,
        sum(kind = 'member') AS m, sum(kind = 'member' AND received > 0) AS ma FROM latency WHERE t = ?`) : undefined;
      for (const t of roundTimes) {
        const c = round!.get(t) as { i: number | null; ia: number | null; m: number | null; ma: number | null };
        add(latencyRoundLine(cfg.ixp, { t, international: c.i ?? 0, international_answered: c.ia ?? 0, routers: c.m ?? 0, routers_answered: c.ma ?? 0 }));
      }
      const hourly = hours.size ? deps.store.db.prepare(`SELECT t, target, kind, name, member_asn, rounds, sent, received, median_ms, p10_ms, p90_ms, min_ms, max_ms
        FROM latency_hourly WHERE target = ? AND t = ?`) : undefined;
      for (const [target, hour] of hours.values()) {
        const h = hourly!.get(target, hour) as LatencyHourLP | undefined;
        if (h) add(latencyHourLine(cfg.ixp, h));
      }
    } else if (table === 'p2p') {
      // sFlow matrix rows (collector/sflow/store.ts).
      for (const r of stmt('p2p').iterate(after, batchSize) as IterableIterator<Row>) {
        add(p2pLine(cfg.ixp, { t: r[1], switch: r[2], src: r[3], dst: r[4], ip: r[5], bytes: r[6], packets: r[7], samples: r[8] }));
        lastSeq = r[0];
      }
    } else if (table === 'figures') {
      // The figures outbox (migration 009): windows, months, metadata, and deletes. A delete ends the batch before
      // it and travels alone, so everything before it is acknowledged first and nothing after it is sent earlier.
      for (const r of stmt('figures').iterate(after, batchSize) as IterableIterator<Row>) {
        const item = figureRow(cfg.ixp, cfg.timezone ?? 'UTC', r);
        if ('del' in item) {
          if (lastSeq !== after) break;
          return { table, lastSeq: r[0], points: 0, body: Buffer.alloc(0), del: item.del };
        }
        if (item.problem) log.sampled('warn', 'figures-row', { seq: r[0] }, `${item.problem}; skipped`, 600_000);
        add(item.line);
        lastSeq = r[0];
      }
    } else if (table === 'p2p_windows') {
      // What each sFlow window received (the coverage of the p2p figures).
      for (const r of stmt('p2p_windows').iterate(after, batchSize) as IterableIterator<Row>) {
        add(p2pWindowLine(cfg.ixp, { t: r[1], switch: r[2], datagrams: r[3], samples: r[4], dropped: r[5], not_ingress: r[6], no_frame: r[7], rate_min: r[8], rate_max: r[9] }));
        lastSeq = r[0];
      }
    } else {
      return readRollups(body, after, pos);
    }
    if (lastSeq === after) return null;
    slot = (slot + 1) % bodies.length;
    return { table, lastSeq, points: body.count, body: body.done() };
  }

  /**
   * Rollups in the order they were written: the rollup_log entries after the cursor, each entry's rows by (port_id, t),
   * resuming after (entry `after`, `pos`). An entry names one port or every port of a switch, a resolution and a span.
   */
  function readRollups(body: BodyBuilder, after: number, pos = { portId: 0, t: 0 }): Batch | null {
    const db = deps.store.db;
    let last: { seq: number; portId: number; t: number } | undefined;
    let rows = 0;
    const entries = db.prepare('SELECT seq, switch, port_id, res, t_from, t_to FROM rollup_log WHERE seq >= ? ORDER BY seq')
      .raw().iterate(after) as IterableIterator<[number, string, number | null, number, number, number]>;
    const portsOf = db.prepare('SELECT id, name FROM ports WHERE switch = ? ORDER BY id').raw();
    const portName = db.prepare('SELECT name FROM ports WHERE id = ?').pluck();
    const read = stmt('rollups');
    try {
      for (const [seq, sw, portId, res, from, to] of entries) {
        const ports = portId === null ? portsOf.all(sw) as [number, string][] : [[portId, portName.get(portId) as string] as [number, string]];
        for (const [id, name] of ports) {
          if (seq === after && id < pos.portId) continue;
          const t0 = seq === after && id === pos.portId ? Math.max(from, pos.t + 1) : from;
          for (const r of read.iterate(id, res, sec(t0), sec(to), batchSize - rows) as IterableIterator<Row>) {
            rows++;
            last = { seq, portId: id, t: r[0] };
            // 5-minute rows of any source go as ixp_port_5m; imported history coarser than that (MRTG's 30 min, 2 h,
            // 1 day) at its own resolution, tagged with it, as ixp_port_hist (member figures read it); the hourly and
            // daily rollups of polled data as ixp_port_1h and ixp_port_1d (a central dashboard's long port charts).
            const series = res === 300 ? portSeries('ixp_port_5m', sw, name, r[0])
              : r[15] === 'mrtg' ? portSeries('ixp_port_hist', sw, name, r[0], Math.trunc(res))
                : res === 3600 ? portSeries('ixp_port_1h', sw, name, r[0])
                  : res === 86400 ? portSeries('ixp_port_1d', sw, name, r[0]) : undefined;
            if (series === undefined) continue;
            const l = rollupLine(series, {
              t: r[0], in_bps_avg: r[1], in_bps_max: r[2], out_bps_avg: r[3], out_bps_max: r[4], in_pps_avg: r[5], out_pps_avg: r[6],
              in_errors_avg: r[7], out_errors_avg: r[8], in_discards_avg: r[9], out_discards_avg: r[10], util_in_max: r[11],
              util_out_max: r[12], oper_up_share: r[13], coverage: r[14],
            });
            if (l) body.line(l);
          }
          if (rows >= batchSize) break;
        }
        if (rows >= batchSize) break;
        // An entry whose rows are all sent (or gone): the cursor moves past it even when it held nothing to send.
        if (!last || last.seq !== seq) last = { seq, portId: Number.MAX_SAFE_INTEGER, t: 0 };
      }
    } finally {
      entries.return?.();
    }
    if (!last || (last.seq === after && last.portId === pos.portId && last.t === pos.t)) return null;
    slot = (slot + 1) % bodies.length;
    return { table: 'rollups', lastSeq: last.seq, pos: { portId: last.portId, t: last.t }, points: body.count, body: body.done() };
  }

  // Column order matters: readBatch reads the rows as arrays, by position.
  const SQL: Record<ForwardedTable, string> = {
    polls: 'SELECT seq, t, switch, duration_ms, ok, ports, error FROM polls WHERE seq > ? ORDER BY seq LIMIT ?',
    rates: `SELECT r.seq, r.t, r.in_bps, r.out_bps, r.in_pps, r.out_pps, r.in_errors, r.out_errors,
        r.in_discards, r.out_discards, r.util_in, r.util_out, r.oper_up, r.speed_mbps, r.in_octets, r.out_octets, r.gap,
        p.switch AS sw, p.name AS port
      FROM rates r JOIN ports p ON p.id = r.port_id WHERE r.seq > ? ORDER BY r.seq LIMIT ?`,
    // One series' rows of a rollup_log entry, after a position: port_id, res, t_from, t_to, LIMIT.
    rollups: `SELECT t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, in_pps_avg, out_pps_avg, in_errors_avg, out_errors_avg,
        in_discards_avg, out_discards_avg, util_in_max, util_out_max, oper_up_share, coverage, source
      FROM rollups WHERE port_id = ? AND res = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?`,
    latency: `SELECT seq, t, target, kind, name, member_asn, sent, received, loss, median_ms, min_ms, max_ms, rtts
      FROM latency WHERE seq > ? ORDER BY seq LIMIT ?`,
    p2p: 'SELECT seq, t, switch, src, dst, ip, bytes, packets, samples FROM p2p WHERE seq > ? ORDER BY seq LIMIT ?',
    figures: FIGURES_SQL,
    p2p_windows: 'SELECT seq, t, switch, datagrams, samples, dropped, not_ingress, no_frame, rate_min, rate_max FROM p2p_windows WHERE seq > ? ORDER BY seq LIMIT ?',
  };
  const prepared = new Map<string, Statement<number[]>>();
  let preparedFor: unknown;
  function stmt(table: ForwardedTable) {
    if (preparedFor !== deps.store.db) { prepared.clear(); preparedFor = deps.store.db; }
    let st = prepared.get(table);
    if (!st) { st = deps.store.db.prepare<number[]>(SQL[table]).raw(true); prepared.set(table, st); }
    return st;
  }

  function ack(b: Batch, parkedNow = false): void {
    const at = now();
    const meta: Record<string, string> = { 'forward.lastError': '' };
    if (parkedNow) { parked += b.points; meta['forward.parked'] = String(Number(deps.store.getMeta('forward.parked') ?? 0) + b.points); }
    advanceCursor(deps.store.db, b.table, b.lastSeq, at, meta, b.pos);
    if (!parkedNow) { sent += b.points; lastAckAt = at; hooks.acked?.(b.table, b.points, at); }
    else hooks.parked?.(b.table, b.points);
    lastError = undefined;
  }

  // One controller per request: the client leaves its listener on the signal, so a shared one would
  // collect a listener (and the request it holds) per batch. stop() aborts every open request.
  const aborts = new Set<AbortController>();
  /**
   * Runs one figures delete. Network/5xx failures throw (the loop backs off and sends it again: a delete is
   * idempotent); a target that does not delete gets one log line, the metric, and the outbox moves on.
   */
  async function sendDelete(b: Batch): Promise<void> {
    const controller = new AbortController();
    aborts.add(controller);
    try {
      await getWriter().delete(b.del!, controller.signal);
      hooks.deleted?.('ok');
    } catch (e) {
      if (!(e instanceof WriteFailure && e.kind === 'refused')) throw e;
      hooks.deleted?.('refused');
      if (!deleteRefusalLogged) {
        deleteRefusalLogged = true;
        log.error({ measurement: b.del!.measurement, err: e.message },
          `${e.message}. Recomputed figures are still forwarded, but points they replace stay on this target (counted in ixmeter_forward_deletes_total{result="refused"}; logged once)`);
      }
    } finally { aborts.delete(controller); }
  }

  async function send(b: Batch, onSent: () => void): Promise<void> {
    if (b.points === 0) { onSent(); return; }
    const controller = new AbortController();
    aborts.add(controller);
    try { await getWriter().write(b.body, controller.signal, onSent); } finally { aborts.delete(controller); onSent(); }
  }

  /**
   * Sends every table until caught up. Up to two batches are in flight while the next one is built,
   * so the server always has the next batch queued; answers are taken in order and the cursor moves
   * only over a batch whose predecessors were all acknowledged. When one fails, the others are left
   * to finish (their memory is reused next) and unacknowledged: sent again, they are identical points.
   */
  async function pump(): Promise<number> {
    let n = 0;
    const inFlight: { batch: Batch; done: Promise<unknown> }[] = [];
    const settle = () => Promise.all(inFlight.splice(0).map((f) => f.done));
    try {
      for (const table of FORWARDED) {
        const start = ensureCursor(deps.store.db, table);
        let batch = readBatch(table, start, table === 'rollups' ? getRollupPosition(deps.store.db) : undefined);
        while ((batch && (running || !loop)) || inFlight.length) {
          if (batch?.del && (running || !loop) && !inFlight.length) {
            // Everything before the delete is acknowledged; it runs alone, and only then is the next batch read.
            state = 'sending';
            await sendDelete(batch);
            ack(batch);
            batch = readBatch(table, batch.lastSeq);
            continue;
          }
          if (batch && !batch.del && (running || !loop) && inFlight.length < MAX_IN_FLIGHT) {
            state = 'sending';
            let onSent!: () => void;
            const onTheWire = new Promise<void>((r) => { onSent = r; });
            inFlight.push({ batch, done: send(batch, onSent).then(() => null, (e: unknown) => e) });
            // Build the next batch once this one is compressed and handed to the socket, so the synchronous
            // build does not hold the request back.
            await onTheWire;
            await new Promise((r) => setImmediate(r));
            batch = readBatch(table, batch.lastSeq, batch.pos);
            continue;
          }
          const head = inFlight.shift()!;
          const err = await head.done;
          if (err) {
            if (!(err instanceof WriteFailure && err.kind === 'partial')) throw err;
            log.error({ table, points: head.batch.points, err: err.message }, 'batch parked');
            ack(head.batch, true);
          } else {
            ack(head.batch);
          }
          n += head.batch.points;
        }
      }
      return n;
    } finally {
      await settle();
    }
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
      for (const c of aborts) c.abort();
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
