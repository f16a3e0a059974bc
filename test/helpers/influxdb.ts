// Starts a real InfluxDB 1.x (Debian's influxd 1.6.7) in a temporary folder on free loopback
// ports, with optional auth; stop() removes everything. Also a small InfluxQL query helper.
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeTcpPort } from './ports.ts';
import { startProc, waitFor, type Proc } from './proc.ts';

export interface InfluxServer {
  url: string;
  port: number;
  dir: string;
  proc: Proc;
  /** Run one InfluxQL statement (GET for SELECT/SHOW, POST otherwise); returns the parsed JSON. */
  query(q: string, db?: string, auth?: { u: string; p: string }): Promise<InfluxQueryResult>;
  /** Stop the server, keep its data (start again with restart()). */
  pause(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface InfluxQueryResult {
  results: { statement_id: number; error?: string; series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
  error?: string;
}

/** `dir`: a folder to keep the data in across runs (a benchmark's); stop() then leaves it. Default: a new temporary one. */
export async function startInfluxDB(opts: { auth?: boolean; port?: number; dir?: string } = {}): Promise<InfluxServer> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'ixm-influx-'));
  if (opts.dir) mkdirSync(dir, { recursive: true });
  const port = opts.port ?? await freeTcpPort();
  const rpcPort = await freeTcpPort();
  const conf = path.join(dir, 'influxdb.conf');
  writeFileSync(conf, `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  wal-fsync-delay = "0s"
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  auth-enabled = ${opts.auth ? 'true' : 'false'}
  log-enabled = false
  max-body-size = 0
[continuous_queries]
  enabled = false
[retention]
  enabled = false
[subscriber]
  enabled = false
`);
  const url = `http://127.0.0.1:${port}`;
  let proc: Proc;
  const launch = async () => {
    proc = startProc('influxd', ['run', '-config', conf]);
    await waitFor('influxdb /ping', async () => {
      if (proc.child.exitCode !== null) throw new Error(`influxd exited: ${proc.output().slice(-2000)}`);
      const r = await fetch(`${url}/ping`);
      return r.status === 204;
    }, 30_000, 100);
  };
  await launch();
  const server: InfluxServer = {
    url, port, dir,
    get proc() { return proc; },
    async query(q, db, auth) {
      const params = new URLSearchParams({ q, epoch: 'ms' });
      if (db) params.set('db', db);
      if (auth) { params.set('u', auth.u); params.set('p', auth.p); }
      const isRead = /^\s*(select|show)/i.test(q);
      const r = await fetch(`${url}/query${isRead ? `?${params}` : ''}`, isRead ? {} : { method: 'POST', body: params });
      return (await r.json()) as InfluxQueryResult;
    },
    async pause() { await proc.stop(); },
    async restart() { await launch(); },
    async stop() { await proc.stop(); if (!opts.dir) rmSync(dir, { recursive: true, force: true }); },
  } as InfluxServer;
  return server;
}

export interface VictoriaMetrics {
  url: string;
  port: number;
  proc: Proc;
  /** Flush recent writes so they are searchable. */
  flush(): Promise<void>;
  /** Export raw samples of a series selector as JSON lines ({metric, values, timestamps}). */
  exportSeries(match: string): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]>;
  stop(): Promise<void>;
}

/** VictoriaMetrics with -dedup.minScrapeInterval=1ms, so duplicate points stay visible. */
export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixm-vm-'));
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProc('victoria-metrics', [
    `-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-dedup.minScrapeInterval=1ms',
    '-retentionPeriod=100y', '-search.disableCache', '-loggerLevel=ERROR',
  ]);
  await waitFor('victoria-metrics /health', async () => {
    if (proc.child.exitCode !== null) throw new Error(`victoria-metrics exited: ${proc.output().slice(-2000)}`);
    const r = await fetch(`${url}/health`);
    return r.ok;
  }, 30_000, 100);
  return {
    url, port, proc,
    async flush() { await fetch(`${url}/internal/force_flush`); },
    async exportSeries(match) {
      const r = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
      const text = await r.text();
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    async stop() { await proc.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}
