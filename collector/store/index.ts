// The local store, the collector's record: one transaction per poll (ports, rates, gaps, the
// poll row, the last sample), then rollups of finished windows, periodic retention, and the
// restart point. Throws StoreError (naming the file) on disk full / read-only; never half-writes.
import { statSync } from 'node:fs';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { getLogger } from '../log.ts';
import type { Sample, RateResult, IfSample } from '../rates/types.ts';
import { openDatabase, storeError, StoreError, type DB } from './sqlite.ts';
import { closeWindows } from './rollup.ts';
import { runRetention, type RetentionDays } from './retention.ts';
import { backlog, FORWARDED, type Backlog } from './cursor.ts';
import type { Figures } from './figures.ts';

export { StoreError } from './sqlite.ts';
export type { DB } from './sqlite.ts';

/** One poll of one switch, failed or not (ixp_poll). `t` is epoch ms. */
export interface PollRecord {
  switch: string;
  t: number;
  durationMs: number;
  ok: boolean;
  ports: number;
  error?: string;
  sysUpTime?: number;
}

export interface StoreDeps {
  log?: Logger;
  /** Wall clock (epoch ms), for retention and first_seen. Default Date.now. */
  now?: () => number;
  /** Mark the store as holding simulated (demo) data: meta simulated = 1. */
  simulated?: boolean;
  /** How often retention runs after start(), ms. Default: 1 hour. */
  retentionEveryMs?: number;
  /** Open without writing (status command, dashboard readers). */
  readonly?: boolean;
  /** Called after each writePoll with the rows it stored (wire metrics.recordStored here). */
  onWrite?: (n: { rates: number; gaps: number; polls: number; rollups: number }) => void;
  /**
   * Member windows and month figures (store/figures.ts createFigures): told when 5-minute windows close, started
   * (first-start rebuild, registry changes) with the store. Default: none.
   */
  figures?: Figures;
}

export interface Store {
  /** Path of the SQLite file. */
  readonly file: string;
  /** The better-sqlite3 handle (open after open()/start()), for readers. */
  readonly db: DB;
  /** Opens the file and applies migrations. Idempotent. */
  open(): void;
  /** open() plus the periodic retention timer. */
  start(): void;
  stop(): void;
  close(): void;
  /** Stores one poll in one transaction, then closes finished rollup windows. Throws StoreError. */
  writePoll(poll: PollRecord, sample: Sample | null, result: RateResult | null): void;
  /** The last complete Sample stored for a switch (bigints restored), for resuming after a restart. */
  lastSample(switchName: string): Sample | null;
  /** Deletes expired rows now (config.store.retention); returns rows deleted per table. */
  runRetention(now?: number): Record<string, number>;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Unsent rows per forwarded table. */
  backlog(): Backlog[];
  /** Bytes on disk: the database file plus its WAL. */
  sizeBytes(): number;
}

const BIGINT_KEYS = new Set(['inOctets', 'outOctets', 'inPkts', 'outPkts', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards']);

/** Sample → JSON with bigints as decimal strings. */
export function sampleToJson(s: Sample): string {
  return JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
/** JSON (from sampleToJson) → Sample with bigints restored. */
export function sampleFromJson(text: string): Sample {
  return JSON.parse(text, (k, v) => (BIGINT_KEYS.has(k) && typeof v === 'string' ? BigInt(v) : v)) as Sample;
}

/** Creates the store; nothing is opened until open() or start(). */
export function createStore(cfg: Config['store'], deps: StoreDeps = {}): Store {
  const log = deps.log ?? getLogger('collector:store');
  const now = deps.now ?? Date.now;
  const file = cfg.path;
  const r: Partial<RetentionDays> = cfg.retention ?? {};
  const days: RetentionDays = { rawDays: r.rawDays ?? 35, rollupDays: r.rollupDays ?? 1826, pollDays: r.pollDays ?? 35 };
  let db: DB | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stmts: ReturnType<typeof prepare> | undefined;

  const need = (): DB => {
    if (!db) throw new StoreError(`local store ${file}: not open`, 'NOT_OPEN', file);
    return db;
  };

  function prepare(d: DB) {
    return {
      port: d.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, if_type, speed_mbps, oper_status, admin_status, first_seen, last_seen)
        VALUES (@switch, @ifIndex, @name, @descr, @alias, @ifType, @speed, @oper, @admin, @t, @t)
        ON CONFLICT (switch, if_index, name) DO UPDATE SET descr = excluded.descr, alias = excluded.alias,
          if_type = coalesce(excluded.if_type, if_type), speed_mbps = coalesce(excluded.speed_mbps, speed_mbps),
          oper_status = coalesce(excluded.oper_status, oper_status), admin_status = coalesce(excluded.admin_status, admin_status),
          last_seen = max(last_seen, excluded.last_seen)
        RETURNING id`),
      rate: d.prepare(`INSERT INTO rates (port_id, t, interval, in_bps, out_bps, in_pps, out_pps, in_errors, out_errors,
          in_discards, out_discards, util_in, util_out, oper_up, speed_mbps, in_octets, out_octets, gap)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (port_id, t) DO NOTHING`),
      poll: d.prepare(`INSERT INTO polls (switch, t, duration_ms, ok, ports, error, sys_uptime) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (switch, t) DO NOTHING`),
      last: d.prepare(`INSERT INTO last_sample (switch, t, json) VALUES (?, ?, ?)
        ON CONFLICT (switch) DO UPDATE SET t = excluded.t, json = excluded.json`),
      getLast: d.prepare('SELECT json FROM last_sample WHERE switch = ?'),
      getMeta: d.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: d.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  const store: Store = {
    file,
    get db() { return need(); },
    open() {
      if (db) return;
      db = openDatabase(file, { readonly: deps.readonly });
      if (!deps.readonly) {
        stmts = prepare(db);
        if (deps.simulated !== undefined) {
          try { stmts.setMeta.run('simulated', deps.simulated ? '1' : '0'); } catch (e) { throw storeError(file, e, 'write meta'); }
        }
      }
    },
    start() {
      store.open();
      if (deps.readonly || timer) return;
      const every = deps.retentionEveryMs ?? 3_600_000;
      const tick = () => {
        try {
          const n = store.runRetention();
          if (n.rates + n.polls + n.rollups > 0) log.info({ deleted: n }, 'retention removed expired rows');
        } catch (e) {
          log.sampled('error', 'retention', { err: (e as Error).message }, 'retention failed');
        }
      };
      tick();
      timer = setInterval(tick, every);
      timer.unref();
      deps.figures?.start(need()).catch((e) => log.error({ err: (e as Error).message }, 'member figures failed to start'));
    },
    stop() { store.close(); },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      try { db?.close(); } catch { /* already closed */ }
      db = undefined;
      stmts = undefined;
    },
    writePoll(poll, sample, result) {
      const d = need();
      const s = stmts;
      if (!s) throw new StoreError(`local store ${file}: opened read-only`, 'SQLITE_READONLY', file);
      const sw = poll.switch;
      try {
        d.transaction(() => {
          const ids = new Map<string, number>();
          const ifs = new Map<string, IfSample>();
          const key = (ifIndex: number, name: string) => `${ifIndex}\u0000${name}`;
          for (const i of sample?.interfaces ?? []) {
            const row = s.port.get({ switch: sw, ifIndex: i.ifIndex, name: i.name, descr: i.descr ?? '', alias: i.alias ?? '',
              ifType: i.ifType, speed: i.speedMbps, oper: i.operStatus, admin: i.adminStatus, t: sample!.time }) as { id: number };
            ids.set(key(i.ifIndex, i.name), row.id);
            ifs.set(key(i.ifIndex, i.name), i);
          }
          const portId = (ifIndex: number, name: string, alias: string, t: number): number => {
            let id = ids.get(key(ifIndex, name));
            if (id === undefined) {
              id = (s.port.get({ switch: sw, ifIndex, name, descr: '', alias, ifType: null, speed: null, oper: null, admin: null, t }) as { id: number }).id;
              ids.set(key(ifIndex, name), id);
            }
            return id;
          };
          for (const r of result?.rates ?? []) {
            s.rate.run(portId(r.ifIndex, r.name, r.alias, r.time), r.time, r.interval, r.inBps, r.outBps, r.inPps, r.outPps,
              r.inErrors, r.outErrors, r.inDiscards, r.outDiscards, r.utilIn, r.utilOut, r.operUp ? 1 : 0, r.speedMbps,
              r.inOctets?.toString() ?? null, r.outOctets?.toString() ?? null, null);
          }
          for (const g of result?.gaps ?? []) {
            const i = ifs.get(key(g.ifIndex, g.name));
            s.rate.run(portId(g.ifIndex, g.name, i?.alias ?? '', g.time), g.time, g.interval,
              null, null, null, null, null, null, null, null, null, null, i?.operStatus === 1 ? 1 : 0, i?.speedMbps ?? null,
              i?.inOctets?.toString() ?? null, i?.outOctets?.toString() ?? null, g.reason);
          }
          s.poll.run(sw, poll.t, poll.durationMs, poll.ok ? 1 : 0, poll.ports, poll.error ?? null, poll.sysUpTime ?? sample?.sysUpTime ?? null);
          if (sample) s.last.run(sw, sample.time, sampleToJson(sample));
        })();
      } catch (e) {
        throw storeError(file, e, `store poll of switch ${sw}`);
      }
      // Rollups in their own transaction: a failure here leaves the poll stored and the window
      // open, and the next poll closes it (the marks only move with the rows they describe).
      // Only a sample closes windows: after a failed poll the next good sample's rate may still
      // cover the open window.
      let rollups = 0;
      const mark = () => (d.prepare('SELECT next_t FROM rollup_marks WHERE switch = ? AND res = 300').get(sw) as { next_t: number } | undefined)?.next_t;
      const before = deps.figures && sample ? mark() : undefined;
      try {
        if (sample) rollups = d.transaction(() => closeWindows(d, sw, sample.time))();
      } catch (e) {
        throw storeError(file, e, `roll up switch ${sw}`);
      }
      // Member windows and months of the windows just closed. A failure is logged and the next close retries them
      // (the figures' own mark moves with the rows); the poll and its rollups are stored either way.
      const after = deps.figures && sample ? mark() : undefined;
      if (deps.figures && after !== undefined && after !== before) {
        try { deps.figures.windowsClosed(d, before ?? null, after); } catch (e) {
          log.sampled('error', 'figures', { err: (e as Error).message }, `member figures of switch ${sw}: ${(e as Error).message}`);
        }
      }
      deps.onWrite?.({ rates: result?.rates.length ?? 0, gaps: result?.gaps.length ?? 0, polls: 1, rollups });
    },
    lastSample(switchName) {
      const d = need();
      const r = (stmts?.getLast ?? d.prepare('SELECT json FROM last_sample WHERE switch = ?')).get(switchName) as { json: string } | undefined;
      return r ? sampleFromJson(r.json) : null;
    },
    runRetention(at = now()) {
      const d = need();
      try { return runRetention(d, days, at); } catch (e) { throw storeError(file, e, 'retention'); }
    },
    getMeta(k) {
      const r = need().prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined;
      return r?.value;
    },
    setMeta(k, v) {
      try { need().prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(k, v); }
      catch (e) { throw storeError(file, e, 'write meta'); }
    },
    backlog() {
      const d = need();
      return FORWARDED.map((t) => backlog(d, t));
    },
    sizeBytes() {
      let n = 0;
      for (const f of [file, `${file}-wal`]) { try { n += statSync(f).size; } catch { /* absent */ } }
      return n;
    },
  };
  return store;
}

/** Marks the store's history as changed (meta `history.version`): rows were written into the past. */
export function bumpHistoryVersion(db: DB): void {
  db.prepare(`INSERT INTO meta (key, value) VALUES ('history.version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(`${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
}
