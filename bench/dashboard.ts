// Dashboard API benchmark: a year of 5-minute data for 200 ports (50 members) in SQLite and in InfluxDB 1.6.7;
// latency (cold, then median and p95 of 50 requests) of the month and year overview (summary + traffic) and
// members API, and the built pages' weight over the wire. Writes the "## Dashboard API" section of bench/RESULTS.md.
// Run: node bin/tsx-run.mjs bench/dashboard.ts   (env: BENCH_PORTS, BENCH_DAYS, BENCH_INFLUX_DAYS, BENCH_REQUESTS)
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import { tmpdir, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../collector/store/sqlite.ts';
import type { MemberConfig } from '../collector/config/types.ts';
import { configureLogging, getLogger } from '../collector/log.ts';
import { createApp, DEFAULT_WEB_DIR } from '../dashboard/server/app.ts';
import { createService, type IxpContext, type SavedValue } from '../dashboard/server/service.ts';
import { createSavedFigures, type SavedFigures } from '../dashboard/server/saved.ts';
import { createSqliteReader } from '../dashboard/readers/sqlite.ts';
import { createInfluxReader } from '../dashboard/readers/influxql.ts';
import { hashPassword } from '../dashboard/server/users.ts';
import type { Reader } from '../dashboard/readers/reader.ts';
import { startInfluxDB } from '../test/helpers/influxdb.ts';

configureLogging({ level: 'silent' });
const PORTS = Number(process.env.BENCH_PORTS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const INFLUX_DAYS = Number(process.env.BENCH_INFLUX_DAYS ?? DAYS);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 21) - DAYS * DAY;
const SW = 'core1';

const members: MemberConfig[] = [];
for (let m = 0; m < PORTS / 4; m++) {
  const category = m < 5 ? 'content' : m < 7 ? 'route-server' : 'isp';
  members.push({ asn: 64600 + m, name: `Member ${m}`, category, portFeePerMonth: 200, ports: [0, 1, 2, 3].map((k) => ({ switch: SW, port: `et${m * 4 + k}` })) });
}
const ctx: IxpContext[] = [{ ixp: { id: 'bench', name: 'Bench IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 5, public: true }, members, publicMembers: false, ifAlias: false, pollInterval: 60 }];
const value = (p: number, t: number, dir: number) => Math.round((20 + (p % 17) * 30 + dir * 7) * 1e6 * (1 + 0.6 * Math.sin((2 * Math.PI * (t % DAY)) / DAY)) * (1 + (t - START) / (DAYS * DAY) * 0.3));

function log(msg: string): void { process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`); }

function buildSqlite(file: string): void {
  const db = openDatabase(file);
  db.pragma('synchronous = OFF');
  const ids: number[] = [];
  db.transaction(() => {
    for (let p = 0; p < PORTS; p++) {
      ids.push(Number(db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, if_type, speed_mbps, oper_status, admin_status, first_seen, last_seen)
        VALUES (?, ?, ?, '', ?, 6, 10000, 1, 1, ?, ?)`).run(SW, p + 1, `et${p}`, `AS${64600 + Math.floor(p / 4)} Member`, START, NOW).lastInsertRowid));
    }
  })();
  // Generated inside SQLite (a recursive CTE) rather than bound row by row from JS: 21 million rows in minutes.
  // The values follow value() (same formula; SQLite's sin and round), stored to the store's precision (8 bit/s).
  const end = Math.floor(NOW / 300_000) * 300_000;
  const gen = db.prepare(`WITH RECURSIVE w(t) AS (SELECT @start UNION ALL SELECT t + 300000 FROM w WHERE t + 300000 < @end),
      v(t, i, o) AS (SELECT t,
        round(@bin * (1 + 0.6 * sin(2 * pi() * (t % 86400000) / 86400000.0)) * (1 + (t - @start) * 1.0 / @span * 0.3)),
        round(@bout * (1 + 0.6 * sin(2 * pi() * (t % 86400000) / 86400000.0)) * (1 + (t - @start) * 1.0 / @span * 0.3)) FROM w)
    INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, util_in_max, util_out_max, oper_up_share, coverage, source)
    SELECT @id, 300, t, i, i, o, o, o / 1e10, o / 1e10, 1, 1, 'poll' FROM v`);
  const up = (res: number, src: number) => db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, util_in_max, util_out_max, oper_up_share, coverage, source)
    SELECT port_id, ${res}, (t / ${res * 1000}) * ${res * 1000} AS w, avg(in_bps_avg), max(in_bps_max), avg(out_bps_avg), max(out_bps_max), max(util_in_max), max(util_out_max), avg(oper_up_share), 1, 'poll'
    FROM rollups WHERE port_id = ? AND res = ${src} GROUP BY w`);
  const hourly = up(3600, 300);
  const daily = up(86400, 3600);
  for (let p = 0; p < PORTS; p++) {
    db.transaction(() => {
      gen.run({ start: START, end, span: DAYS * DAY, bin: (20 + (p % 17) * 30) * 1e6, bout: (20 + (p % 17) * 30 + 7) * 1e6, id: ids[p] });
      hourly.run(ids[p]);
      daily.run(ids[p]);
    })();
    if (p % 50 === 49) log(`sqlite: ${p + 1}/${PORTS} ports`);
  }
  const rate = db.prepare(`INSERT INTO rates (port_id, t, interval, in_bps, out_bps, util_in, util_out, oper_up, speed_mbps) VALUES (?, ?, 60, ?, ?, ?, ?, 1, 10000)`);
  db.transaction(() => {
    for (let p = 0; p < PORTS; p++) for (let t = NOW - 2 * DAY; t <= NOW; t += 60_000) rate.run(ids[p], t, value(p, t, 0), value(p, t, 1), 0.01, 0.01);
    db.prepare('INSERT INTO polls (switch, t, duration_ms, ok, ports) VALUES (?, ?, 300, 1, ?)').run(SW, NOW, PORTS);
  })();
  db.close();
}

async function writeInflux(url: string): Promise<number> {
  const from = Math.max(START, Date.UTC(2026, 10, 21) - INFLUX_DAYS * DAY);
  const end = Math.floor(NOW / 300_000) * 300_000;
  let lines: string[] = [];
  let n = 0;
  const flush = async () => {
    if (!lines.length) return;
    const r = await fetch(`${url}/write?db=ixm&precision=ms`, { method: 'POST', body: lines.join('\n') });
    if (r.status !== 204) throw new Error(`write: HTTP ${r.status} ${await r.text()}`);
    n += lines.length;
    lines = [];
  };
  for (let p = 0; p < PORTS; p++) {
    const tags = `ixp=bench,member=Member\\ ${Math.floor(p / 4)},member_asn=${64600 + Math.floor(p / 4)},port=et${p},switch=${SW}`;
    for (let t = from; t < end; t += 300_000) {
      const i = value(p, t, 0);
      const o = value(p, t, 1);
      lines.push(`ixp_port_5m,${tags} in_bps_avg=${i},out_bps_avg=${o},util_in_max=${o / 1e10},util_out_max=${o / 1e10},coverage=1 ${t}`);
      if (lines.length >= 50_000) await flush();
    }
    for (let t = NOW - 2 * DAY; t <= NOW; t += 60_000) lines.push(`ixp_port,${tags} in_bps=${value(p, t, 0)},out_bps=${value(p, t, 1)},oper_up=t,speed_mbps=10000 ${t}`);
    if (p % 50 === 49) log(`influx: ${p + 1}/${PORTS} ports`);
  }
  lines.push(`ixp_poll,ixp=bench,switch=${SW} duration_ms=300,ok=t,ports=${PORTS}i ${NOW}`);
  await flush();
  return n;
}

interface Timing { cold: number; restarted: number; median: number; p95: number }

async function measure(base: string, cookie: string, urls: string[], reset: (keepSaved: boolean) => void): Promise<Timing> {
  const once = async () => {
    const t0 = performance.now();
    await Promise.all(urls.map(async (u) => {
      const r = await fetch(base + u, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${u}: HTTP ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }));
    return performance.now() - t0;
  };
  reset(false);
  const cold = await once();
  // As after a restart: nothing in memory, the finished months' figures saved by the run above (dashboard.figuresFile).
  reset(true);
  const restarted = await once();
  const xs: number[] = [];
  for (let i = 0; i < REQUESTS; i++) xs.push(await once());
  xs.sort((a, b) => a - b);
  return { cold, restarted, median: xs[Math.floor(xs.length / 2)]!, p95: xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]! };
}

async function benchReader(reader: Reader): Promise<Record<string, Timing>> {
  const hash = await hashPassword('benchmark');
  // Saved figures in a file, as `ixmeter serve` keeps them; switched off for the cold request.
  const file = createSavedFigures<SavedValue>(path.join(dir, `figures-${reader.kind}.json`), getLogger('bench'), { delayMs: 0 });
  let useSaved = true;
  const saved: SavedFigures<SavedValue> = {
    get: (k, s) => (useSaved ? file.get(k, s) : undefined), put: (k, s, v) => file.put(k, s, v), flush: () => file.flush(), close: () => file.close(),
  };
  const service = createService({ reader, ixps: ctx, now: () => NOW, saved });
  const app = createApp({ service, users: { find: (n) => (n === 'op' ? { username: 'op', role: 'operator', ixp: 'bench', hash } : undefined) }, readerKind: reader.kind, now: () => NOW, webDir: '/nonexistent' });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op', password: 'benchmark' }) });
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  const out: Record<string, Timing> = {};
  const views: [string, string[]][] = [
    ['overview, month', ['/api/ixps/bench/summary?period=month', '/api/ixps/bench/traffic?period=month']],
    ['overview, year', ['/api/ixps/bench/summary?period=year', '/api/ixps/bench/traffic?period=year']],
    ['members, month', ['/api/ixps/bench/members?period=month']],
    ['members, year', ['/api/ixps/bench/members?period=year']],
  ];
  for (const [name, urls] of views) {
    out[name] = await measure(base, cookie, urls, (keep) => { useSaved = keep; service.clearCache(); });
    log(`${reader.kind} ${name}: cold ${out[name]!.cold.toFixed(0)} ms, restarted ${out[name]!.restarted.toFixed(0)} ms, median ${out[name]!.median.toFixed(1)} ms, p95 ${out[name]!.p95.toFixed(1)} ms`);
  }
  file.close();
  await new Promise((res) => server.close(res));
  return out;
}

/** Bytes over the wire (gzip) of each built page and the files it references. */
async function pageWeight(): Promise<{ page: string; bytes: number }[]> {
  if (!existsSync(DEFAULT_WEB_DIR)) return [];
  const app = createApp({ service: createService({ reader: createSqliteReader(openDatabase(':memory:')), ixps: ctx }), users: { find: () => undefined }, readerKind: 'sqlite' });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const port = (server.address() as AddressInfo).port;
  const wire = (p: string) => new Promise<{ bytes: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body = '';
        try { body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString(); } catch { body = ''; }
        resolve({ bytes: raw.length, body });
      });
    }).on('error', reject);
  });
  const out: { page: string; bytes: number }[] = [];
  for (const f of readdirSync(DEFAULT_WEB_DIR).filter((x) => x.endsWith('.html'))) {
    const seen = new Set<string>();
    const page = await wire(`/${f}`);
    let total = page.bytes;
    const queue = [...page.body.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    while (queue.length) {
      const u = queue.shift()!;
      if (seen.has(u)) continue;
      seen.add(u);
      const a = await wire(u);
      total += a.bytes;
      // static imports between chunks
      for (const m of a.body.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) queue.push(path.posix.join(path.posix.dirname(u), m[1]!));
    }
    out.push({ page: f, bytes: total });
  }
  await new Promise((res) => server.close(res));
  return out;
}

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-bench-dash-'));
const results: string[] = [];
try {
  const file = path.join(dir, 'store.db');
  let t0 = performance.now();
  buildSqlite(file);
  log(`sqlite store built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const db = new Database(file, { readonly: true });
  const sq = await benchReader(createSqliteReader(db));
  db.close();

  let inf: Record<string, Timing> | undefined;
  let points = 0;
  if (INFLUX_DAYS > 0) {
    const influx = await startInfluxDB();
    try {
      await influx.query('CREATE DATABASE ixm');
      t0 = performance.now();
      points = await writeInflux(influx.url);
      log(`influx: ${points} points written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      inf = await benchReader(createInfluxReader({ url: influx.url, api: 'v1', database: 'ixm', batchSize: 1000, timeout: 60_000, gzip: false }));
    } finally {
      await influx.stop();
    }
  }
  const pages = await pageWeight();

  const row = (name: string, s: Timing | undefined) => (s ? `${s.cold.toFixed(0)} | ${s.restarted.toFixed(0)} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)}` : 'n/a | n/a | n/a | n/a');
  results.push(
    '## Dashboard API',
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), load average ${loadavg()[0]!.toFixed(1)} at the end. bench/dashboard.ts.`,
    `Data: ${PORTS} ports (${PORTS / 4} members × 4 ports), ${DAYS} days of 5-minute rollups in SQLite (plus the hourly and daily rollups the store writes, and 2 days of 1-minute raw rates);`,
    `InfluxDB 1.6.7: ${INFLUX_DAYS} days of ixp_port_5m (${points.toLocaleString('en')} points) and 2 days of ixp_port.`,
    'Each view: one cold request (caches cleared), then the median and 95th percentile of ' + REQUESTS + ' sequential requests (operator login, so no public response cache).',
    'The overview is summary + traffic requested in parallel, as the page does. Goal on SQLite: month < 100 ms, year < 300 ms.',
    '',
    '| view | SQLite cold ms | SQLite restarted ms | SQLite median ms | SQLite p95 ms | InfluxDB cold ms | InfluxDB restarted ms | InfluxDB median ms | InfluxDB p95 ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...Object.keys(sq).map((k) => `| ${k} | ${row(k, sq[k])} | ${row(k, inf?.[k])} |`),
    '',
    'Warm figures come from the per-month cache: `ixmeter serve` computes the last 13 months at start; a finished month is then',
    'served from memory (recomputed in the background hourly), the running month is topped up with its last 10 minutes at most',
    'every 60 s. The cold column is what a request waits when nothing is cached yet (the very first start); "restarted" is the',
    'first request after a restart, with nothing in memory but the finished months\' figures saved on disk (dashboard.figuresFile):',
    'only the running month is computed.',
    'The traffic series keeps its finished part (buckets before the running month) for an hour: warm requests read only the',
    'running month, which matters on InfluxDB, where the year\'s aggregate query over 200 ports takes seconds.',
    'Anything else running on the same CPUs (see the load average above) makes absolute times pessimistic.',
    '',
    '| page | over the wire (gzip), bytes |',
    '|---|---|',
    ...(pages.length ? pages.map((p) => `| ${p.page} | ${p.bytes.toLocaleString('en')} |`) : ['| (dist/web not built: run `npm run build:web`) | |']),
    '',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const resultsFile = path.join(path.dirname(new URL(import.meta.url).pathname), 'RESULTS.md');
let text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n\n';
const section = results.join('\n');
const start = text.indexOf('## Dashboard API');
if (start >= 0) {
  const next = text.indexOf('\n## ', start + 1);
  text = text.slice(0, start) + section + (next >= 0 ? '\n' + text.slice(next + 1) : '');
} else {
  text = text.replace(/\n*$/, '\n\n') + section;
}
writeFileSync(resultsFile, text);
log('bench/RESULTS.md: ## Dashboard API written');
