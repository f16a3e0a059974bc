// Sends one batch of line protocol to InfluxDB (v1 /write or v2 /api/v2/write) through
// @influxdata/influxdb-client's transport, gzipped, and classifies the outcome. It only sends:
// no retry, no buffer (the local store is the outbox). Never puts a secret into an error text.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InfluxDB, HttpError } from '@influxdata/influxdb-client';

const gzipAsync = promisify(gzip);
import type { InfluxConfig } from '../config/types.ts';
import { resolveSecret } from '../config/secrets.ts';

/**
 * Why a write failed:
 * - `retry`: network error, timeout, 429 or 5xx; back off and send the same batch again.
 * - `partial`: 400 naming bad points (partial write, unable to parse, field type conflict); the
 *   batch is parked (skipped, counted) so one bad point cannot block the outbox forever.
 * - `config`: any other 4xx (bad credentials, unknown database/bucket); stop, say what to fix,
 *   keep every point and try again periodically.
 */
export type WriteFailureKind = 'retry' | 'partial' | 'config';

export class WriteFailure extends Error {
  constructor(message: string, readonly kind: WriteFailureKind, readonly status?: number, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'WriteFailure';
  }
}

export interface InfluxWriter {
  /** Posts one body of newline-separated lines; resolves on 2xx, rejects with WriteFailure. */
  write(body: string | Buffer, signal?: AbortSignal, onSent?: () => void): Promise<void>;
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

  return {
    where,
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
