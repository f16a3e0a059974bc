// Sends one batch of line protocol to InfluxDB (v1 /write or v2 /api/v2/write) through
// @influxdata/influxdb-client's transport, gzipped, and classifies the outcome; also sends the deletes of
// recomputed figures (v1 DELETE over /query, v2 /api/v2/delete). It only sends: no retry, no buffer (the
// local store is the outbox). Never puts a secret into an error text.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InfluxDB, HttpError } from '@influxdata/influxdb-client';

const gzipAsync = promisify(gzip);
import type { InfluxConfig } from '../config/types.ts';
import { resolveSecret } from '../config/secrets.ts';
import { influxqlDelete, v2DeleteBody, type FigureDeleteLP } from './lineProtocol.ts';

/**
 * Why a write failed:
 * - `retry`: network error, timeout, 429 or 5xx; back off and send the same batch again.
 * - `partial`: 400 naming bad points (partial write, unable to parse, field type conflict); the
 *   batch is parked (skipped, counted) so one bad point cannot block the outbox forever.
 * - `config`: any other 4xx (bad credentials, unknown database/bucket); stop, say what to fix,
 *   keep every point and try again periodically.
 * - `refused`: (deletes only) the target does not run the delete (VictoriaMetrics, missing privilege, a
 *   statement error); the figures it holds may keep stale points, and forwarding goes on.
 */
export type WriteFailureKind = 'retry' | 'partial' | 'config' | 'refused';

export class WriteFailure extends Error {
  constructor(message: string, readonly kind: WriteFailureKind, readonly status?: number, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'WriteFailure';
  }
}

export interface InfluxWriter {
  /** Posts one body of newline-separated lines; resolves on 2xx, rejects with WriteFailure. */
  write(body: string | Buffer, signal?: AbortSignal, onSent?: () => void): Promise<void>;
  /**
   * Deletes one measurement's points of an IXP (and member) over [from, to): InfluxDB 1.x `DELETE` over
   * POST /query, v2 POST /api/v2/delete. Resolves once the server ran it; rejects with WriteFailure
   * (`refused` when the target does not delete).
   */
  delete(d: FigureDeleteLP, signal?: AbortSignal): Promise<void>;
  /** The server as shown in messages (no credentials). */
  readonly where: string;
}

/** Options for the writer. `gzipThreshold`: bodies above this many bytes are gzipped (when cfg.gzip). */
export interface WriterOptions { env?: NodeJS.ProcessEnv; gzipThreshold?: number }

/** Shows a URL without user info, query or trailing slash. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
  } catch { return '(invalid url)'; }
}

export function createInfluxWriter(cfg: InfluxConfig, opts: WriterOptions = {}): InfluxWriter {
  const where = publicUrl(cfg.url);
  const client = new InfluxDB({ url: cfg.url.replace(/\/$/, ''), timeout: Math.round((cfg.timeout ?? 30) * 1000) });
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  let path: string;
  if (cfg.api === 'v1') {
    const q = new URLSearchParams({ db: cfg.database ?? '', precision: 'ms' });
    if (cfg.retentionPolicy) q.set('rp', cfg.retentionPolicy);
    path = `/write?${q}`;
    if (cfg.username !== undefined) {
      const pw = cfg.password !== undefined ? resolveSecret(cfg.password, 'influxdb.password', opts.env) : '';
      headers.authorization = `Basic ${Buffer.from(`${cfg.username}:${pw}`).toString('base64')}`;
    }
  } else {
    const q = new URLSearchParams({ org: cfg.org ?? '', bucket: cfg.bucket ?? '', precision: 'ms' });
    path = `/api/v2/write?${q}`;
    if (cfg.token !== undefined) headers.authorization = `Token ${resolveSecret(cfg.token, 'influxdb.token', opts.env)}`;
  }
  const gzipThreshold = cfg.gzip === false ? undefined : opts.gzipThreshold ?? 1000;

  /** POSTs one request and collects the answer's body (2xx), or rejects with the client's error. */
  const post = (p: string, body: string, h: Record<string, string>, signal?: AbortSignal) => new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    client.transport.send(p, body, { method: 'POST', headers: h, signal }, {
      next: (d: Uint8Array | string) => { chunks.push(typeof d === 'string' ? Buffer.from(d) : Buffer.from(d)); },
      error: (err: Error) => reject(err),
      complete: () => resolve(Buffer.concat(chunks).toString('utf8')),
    });
  });

  return {
    where,
    async delete(d, signal) {
      let answer: string;
      try {
        if (cfg.api === 'v1') {
          const q = new URLSearchParams({ db: cfg.database ?? '', q: influxqlDelete(d) });
          answer = await post(`/query?${q}`, '', { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, signal);
        } else {
          const q = new URLSearchParams({ org: cfg.org ?? '', bucket: cfg.bucket ?? '' });
          answer = await post(`/api/v2/delete?${q}`, JSON.stringify(v2DeleteBody(d)), { ...headers, 'content-type': 'application/json' }, signal);
        }
      } catch (err) {
        throw classifyDelete(err, cfg, where);
      }
      if (cfg.api === 'v1') checkDeleteAnswer(answer, where);
    },
    async write(body, signal, onSent) {
      // Compressed here (level 6, in the thread pool) rather than by the client, so the caller
      // learns when the request is on its way (onSent) and can build the next batch meanwhile.
      let payload: string | Buffer = body;
      const h = { ...headers };
      if (gzipThreshold !== undefined && Buffer.byteLength(body) > gzipThreshold) {
        payload = await gzipAsync(body);
        h['content-encoding'] = 'gzip';
      }
      // transport.send (not request, which JSON-encodes a Buffer) takes the body as it is.
      await new Promise<void>((resolve, reject) => {
        client.transport.send(path, payload as unknown as string, { method: 'POST', headers: h, signal }, {
          error: (err: Error) => reject(classify(err, cfg, where)),
          complete: () => resolve(),
        });
        onSent?.();
      });
    },
  };
}

/** Turns a client error into a WriteFailure whose message says what to fix. */
export function classify(err: unknown, cfg: InfluxConfig, where: string): WriteFailure {
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const serverMsg = serverMessage(err);
    const refused = `InfluxDB ${where} refused the write: ${status} ${serverMsg}`;
    if (status === 429 || status >= 500) {
      const ra = err.retryAfter();
      return new WriteFailure(`InfluxDB ${where} is not accepting writes now: ${status} ${serverMsg}`, 'retry', status, ra > 0 ? ra : undefined);
    }
    if (status === 400 && /partial write|unable to parse|field type conflict|invalid field|bad timestamp|points beyond retention/i.test(serverMsg)) {
      return new WriteFailure(`${refused}. The batch is parked (skipped) so later points are not blocked`, 'partial', status);
    }
    return new WriteFailure(`${refused}. ${hint(status, serverMsg, cfg)}`, 'config', status);
  }
  const e = err as { name?: string; code?: string; message?: string };
  const why = e?.name === 'RequestTimedOutError' ? `no answer within ${cfg.timeout ?? 30} s`
    : e?.name === 'AbortError' ? 'aborted' : `${e?.code ?? e?.name ?? 'error'}: ${e?.message ?? String(err)}`;
  return new WriteFailure(`InfluxDB ${where} unreachable: ${why}`, 'retry');
}

/**
 * A delete's failure: network errors, 429 and 5xx are retried like writes; 401 (the credentials writes use) blocks;
 * any other 4xx means this target does not delete (VictoriaMetrics answers 400 "unsupported path", a 1.x user without
 * WRITE on the database 403).
 */
export function classifyDelete(err: unknown, cfg: InfluxConfig, where: string): WriteFailure {
  const f = classify(err, cfg, where);
  if (err instanceof HttpError && err.statusCode !== 401 && f.kind !== 'retry') {
    const how = cfg.api === 'v1' ? 'DELETE over /query (it needs WRITE on the database)' : '/api/v2/delete';
    return new WriteFailure(`InfluxDB ${where} refused a delete (${how}): ${err.statusCode} ${serverMessage(err)}`, 'refused', err.statusCode);
  }
  return f.kind === 'retry' ? new WriteFailure(f.message.replace('is not accepting writes now', 'is not accepting deletes now'), 'retry', f.status, f.retryAfterMs) : f;
}

/**
 * InfluxDB 1.x answers a statement error with 200 and `results[0].error`; a target that merely imitates /query
 * (VictoriaMetrics answers every query with its database list) returns series, which DELETE never does.
 */
function checkDeleteAnswer(text: string, where: string): void {
  let j: { results?: { error?: string; series?: unknown[] }[]; error?: string } | undefined;
  try { j = JSON.parse(text); } catch { /* not InfluxDB's JSON: reported below */ }
  const r = j?.results?.[0];
  const why = !r ? `unexpected answer ${JSON.stringify(text.slice(0, 120))}`
    : r.error ? r.error
    : r.series ? 'it answered with series, as a target that does not run InfluxQL DELETE (e.g. VictoriaMetrics) does'
    : undefined;
  if (why) throw new WriteFailure(`InfluxDB ${where} refused a delete: ${why.replace(/\s+/g, ' ').slice(0, 300)}`, 'refused');
}

function serverMessage(err: HttpError): string {
  const j = err.json as { error?: string; message?: string } | undefined;
  let m = j?.error ?? j?.message;
  if (!m && err.body) { try { const p = JSON.parse(err.body); m = p.error ?? p.message; } catch { m = err.body; } }
  return (m ?? err.statusMessage ?? '').toString().replace(/\s+/g, ' ').trim().slice(0, 300);
}

function hint(status: number, msg: string, cfg: InfluxConfig): string {
  const v1 = cfg.api === 'v1';
  if (status === 401 || status === 403) {
    return v1 ? 'Check influxdb.username and influxdb.password (and that the user may write to the database)'
      : 'Check influxdb.token (it needs write permission on the bucket)';
  }
  if (status === 404 || /not found/i.test(msg)) {
    if (v1 && /retention policy/i.test(msg)) return `Create the retention policy or fix influxdb.retentionPolicy`;
    return v1 ? `Create it (CREATE DATABASE ${cfg.database}) or fix influxdb.database` : 'Check influxdb.org and influxdb.bucket';
  }
  if (status === 413) return 'The request is too large: lower influxdb.batchSize';
  return 'Check the influxdb section of the config';
}
