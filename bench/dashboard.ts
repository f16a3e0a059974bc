// Dashboard benchmark (issue 11): a year of 5-minute data for one 200-port IXP in SQLite, its member figures computed
// as a collector computes them at its first start, and a central InfluxDB 1.6.7 holding a year of that IXP and of ten
// 20-port IXPs, written by the real forwarder (figures, metadata) and as line protocol (the ports' own measurements).
// Measures every view (overview, members, member, port, impact; month and year) and the monthly JSON report on both
// readers: the first request after the first-ever start, then the median and p95 of warm requests. Writes the
// "## Dashboard API" section of bench/RESULTS.md. Not a test: nothing here asserts.
// Run: node bin/tsx-run.mjs bench/dashboard.ts   (env: BENCH_PORTS, BENCH_DAYS, BENCH_SMALL_IXPS, BENCH_REQUESTS, BENCH_DIR)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Config, MemberConfig } from '../collector/config/types.ts';
import { configureLogging } from '../collector/log.ts';
import { createStore } from '../collector/store/index.ts';
import { openDatabase } from '../collector/store/sqlite.ts';
import { attributionOf, rebuildFigures } from '../collector/store/figures.ts';
import { computePortMonths } from '../collector/store/portMonths.ts';
import { monthRange } from '../collector/figures/calendar.ts';
import { syncMeta } from '../collector/store/meta.ts';
import { resolveMembers } from '../collector/members/index.ts';
import { createForwarder } from '../collector/forward/index.ts';
import { FORWARDED } from '../collector/store/cursor.ts';
import { createDashboard } from '../dashboard/server/index.ts';
import { hashPassword } from '../dashboard/server/users.ts';
import { startInfluxDB } from '../test/helpers/influxdb.ts';

configureLogging({ level: 'silent' });
const PORTS = Number(process.env.BENCH_PORTS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const SMALL = Number(process.env.BENCH_SMALL_IXPS ?? 10);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 21) - DAYS * DAY;
const SW = 'core1';
const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** An IXP of `ports` ports, four per member (the first five content members, two route servers). */
function ixpConfig(id: string, name: string, ports: number, file: string): Config {
  const members: MemberConfig[] = [];
  for (let m = 0; m < ports / 4; m++) {
    const category = m < 5 ? 'content' : m < 7 ? 'route-server' : 'isp';
    members.push({ asn: 64600 + m, name: `Member ${m}`, category, portFeePerMonth: 200, ports: [0, 1, 2, 3].map((k) => ({ switch: SW, port: `et${m * 4 + k}` })) });
  }
  return {
    ixp: { id, name, timezone: 'UTC', currency: 'USD', transitPricePerMbps: 5, public: true }, members, memberSources: { ifAlias: false },
    switches: [{ name: SW, host: '127.0.0.1' }], polling: { interval: 60, maxGapIntervals: 5 }, store: { path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } },
    dashboard: { listen: '127.0.0.1:0', reader: 'sqlite', usersFile: '/nonexistent', trustProxy: false, publicMembers: false, publicCacheSeconds: 0 },
  } as unknown as Config;
}

/** A store as a collector leaves it after `DAYS` of polling: ports, 5-minute/hourly/daily rollups, 2 days of raw rates. */
function buildStore(cfg: Config, ports: number): void {
  const db = openDatabase(cfg.store.path);
  db.pragma('synchronous = OFF');
  const ids: number[] = [];
  db.transaction(() => {
    for (let p = 0; p < ports; p++) {
      ids.push(Number(db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, if_type, speed_mbps, oper_status, admin_status, first_seen, last_seen)
        VALUES (?, ?, ?, '', ?, 6, 10000, 1, 1, ?, ?)`).run(SW, p + 1, `et${p}`, `AS${64600 + Math.floor(p / 4)} Member`, START, NOW).lastInsertRowid));
    }
  })();
  // Generated inside SQLite (a recursive CTE) rather than bound row by row from JS: 21 million rows in minutes.
  const end = Math.floor(NOW / 300_000) * 300_000;
  const gen = db.prepare(`WITH RECURSIVE w(t) AS (SELECT @start UNION ALL SELECT t + 300000 FROM w WHERE t + 300000 < @end),
      v(t, i, o) AS (SELECT t,
        round(@bin * (1 + 0.6 * sin(2 * pi() * (t % 86400000) / 86400000.0)) * (1 + (t - @start) * 1.0 / @span * 0.3)),
        round(@bout * (1 + 0.6 * sin(2 * pi() * (t % 86400000) / 86400000.0)) * (1 + (t - @start) * 1.0 / @span * 0.3)) FROM w)
    INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, in_pps_avg, out_pps_avg, in_errors_avg, out_errors_avg,
      in_discards_avg, out_discards_avg, util_in_max, util_out_max, oper_up_share, coverage, source)
    SELECT @id, 300, t, i, i, o, o, round(i / 8000), round(o / 8000), 0, 0, 0, 0, o / 1e10, o / 1e10, 1, 1, 'poll' FROM v`);
  const up = (res: number, src: number) => db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, util_in_max, util_out_max, oper_up_share, coverage, source)
    SELECT port_id, ${res}, (t / ${res * 1000}) * ${res * 1000} AS w, avg(in_bps_avg), max(in_bps_max), avg(out_bps_avg), max(out_bps_max), max(util_in_max), max(util_out_max), avg(oper_up_share), 1, 'poll'
    FROM rollups WHERE port_id = ? AND res = ${src} GROUP BY w`);
  const hourly = up(3600, 300);
  const daily = up(86400, 3600);
  for (let p = 0; p < ports; p++) {
    db.transaction(() => {
      gen.run({ start: START, end, span: DAYS * DAY, bin: (20 + (p % 17) * 30) * 1e6, bout: (20 + (p % 17) * 30 + 7) * 1e6, id: ids[p] });
      hourly.run(ids[p]);
      daily.run(ids[p]);
    })();
    if (p % 50 === 49) log(`${cfg.ixp!.id}: ${p + 1}/${ports} ports of rollups`);
  }
  const rate = db.prepare(`INSERT INTO rates (port_id, t, interval, in_bps, out_bps, util_in, util_out, oper_up, speed_mbps) VALUES (?, ?, 60, ?, ?, 0.01, 0.01, 1, 10000)`);
  const mark = db.prepare('INSERT INTO rollup_marks (switch, res, next_t) VALUES (?, ?, ?) ON CONFLICT (switch, res) DO UPDATE SET next_t = excluded.next_t');
  db.transaction(() => {
    for (let p = 0; p < ports; p++) for (let t = NOW - 2 * DAY; t <= NOW; t += 60_000) rate.run(ids[p], t, (20 + (p % 17) * 30) * 1e6, (27 + (p % 17) * 30) * 1e6);
    db.prepare('INSERT INTO polls (switch, t, duration_ms, ok, ports) VALUES (?, ?, 300, 1, ?)').run(SW, NOW, ports);
    // The collector closed every window up to now.
    mark.run(SW, 300, end); mark.run(SW, 3600, Math.floor(end / 3_600_000) * 3_600_000); mark.run(SW, 86400, Math.floor(end / DAY) * DAY);
  })();
  db.close();
}

/** The collector's first start over that store: member windows and months from the rollups, and its metadata. */
async function collectorFigures(cfg: Config): Promise<{ wallMs: number; cpuMs: number; windows: number; months: number; portMonthsCpuMs: number }> {
  const db = openDatabase(cfg.store.path);
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await rebuildFigures(db, cfg);
    const c = process.cpuUsage(c0);
    syncMeta(db, { all: true, config: cfg, members: resolveMembers(cfg, { db }) }, NOW);
    // What the running month's port months cost when read again (hourly): the month of November so far.
    const span = { month: '2026-11', ...monthRange('2026-11', 'UTC') };
    const p0 = process.cpuUsage();
    computePortMonths(db, span, attributionOf(cfg, db).owner, NOW, 'bench');
    const p = process.cpuUsage(p0);
    return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, ...r, portMonthsCpuMs: (p.user + p.system) / 1000 };
  } finally { db.close(); }
}

/** Forwards a store's figures and metadata (the figures outbox) as `ixp`; the port tables as line protocol, faster. */
async function forwardFigures(cfg: Config, ixp: string, influxUrl: string): Promise<number> {
  const store = createStore(cfg.store);
  store.open();
  try {
    // Only the figures outbox through the forwarder: the ports' 21 M rollups go as plain line protocol below.
    store.db.exec("DELETE FROM cursors WHERE name = 'figures'");
    for (const t of FORWARDED) if (t !== 'figures') store.db.prepare('INSERT INTO cursors (name, seq) VALUES (?, 1e15) ON CONFLICT (name) DO UPDATE SET seq = 1e15').run(t);
    const f = createForwarder({ url: influxUrl, api: 'v1', database: 'ixm', batchSize: 10_000, timeout: 60, gzip: false, ixp, timezone: 'UTC' }, { store });
    const n = await f.drain();
    await f.stop();
    return n;
  } finally { store.close(); }
}

/** The ports' 5-minute, hourly and daily rollups and last 2 days of rates of a store, as line protocol (tagged as the forwarder tags them). */
async function writePorts(cfg: Config, ixp: string, ports: number, url: string): Promise<number> {
  const from = START;
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
  const db = openDatabase(cfg.store.path, { readonly: true });
  const coarse = db.prepare(`SELECT r.t, r.in_bps_avg AS i, r.out_bps_avg AS o, r.util_in_max AS ui, r.util_out_max AS uo FROM ports p CROSS JOIN rollups r
    WHERE p.name = ? AND r.port_id = p.id AND r.res = ? ORDER BY r.ts`);
  const value = (p: number, t: number, dir: number) => Math.round((20 + (p % 17) * 30 + dir * 7) * 1e6 * (1 + 0.6 * Math.sin((2 * Math.PI * (t % DAY)) / DAY)) * (1 + (t - START) / (DAYS * DAY) * 0.3));
  for (let p = 0; p < ports; p++) {
    const tags = `ixp=${ixp},member=Member\\ ${Math.floor(p / 4)},member_asn=${64600 + Math.floor(p / 4)},port=et${p},switch=${SW}`;
    for (let t = from; t < end; t += 300_000) {
      const i = value(p, t, 0);
      const o = value(p, t, 1);
      lines.push(`ixp_port_5m,${tags} in_bps_avg=${i},out_bps_avg=${o},in_bps_max=${i},out_bps_max=${o},util_in_max=${o / 1e10},util_out_max=${o / 1e10},oper_up_share=1,coverage=1 ${t}`);
      if (lines.length >= 50_000) await flush();
    }
    for (let t = NOW - 2 * DAY; t <= NOW; t += 60_000) lines.push(`ixp_port,${tags} in_bps=${(20 + (p % 17) * 30) * 1e6},out_bps=${(27 + (p % 17) * 30) * 1e6},oper_up=t,speed_mbps=10000 ${t}`);
    // The store's hourly and daily rollups, as the forwarder sends them (ixp_port_1h, ixp_port_1d).
    for (const [res, m] of [[3600, 'ixp_port_1h'], [86400, 'ixp_port_1d']] as const) {
      for (const r of coarse.iterate(`et${p}`, res) as IterableIterator<{ t: number; i: number; o: number; ui: number; uo: number }>) {
        lines.push(`${m},${tags} in_bps_avg=${r.i},out_bps_avg=${r.o},in_bps_max=${r.i},out_bps_max=${r.o},util_in_max=${r.ui},util_out_max=${r.uo},oper_up_share=1,coverage=1 ${r.t}`);
        if (lines.length >= 50_000) await flush();
      }
    }
  }
  db.close();
  lines.push(`ixp_poll,ixp=${ixp},switch=${SW} duration_ms=300,ok=t,ports=${ports}i ${NOW}`);
  await flush();
  return n;
}

interface Timing { first: number; median: number; p95: number }

const LAST_MONTH = '2026-10';
const ASN = 64600 + Math.min(10, PORTS / 4 - 1);
const PORT = `et${Math.min(40, PORTS - 1)}`;
const VIEWS = (ixp: string): [string, string[]][] => [
  ['overview, month', [`/api/ixps/${ixp}/summary?month=${LAST_MONTH}`, `/api/ixps/${ixp}/traffic?month=${LAST_MONTH}`, `/api/ixps/${ixp}/now`]],
  ['overview, year', [`/api/ixps/${ixp}/summary?period=year`, `/api/ixps/${ixp}/traffic?period=year`, `/api/ixps/${ixp}/now`]],
  ['members, month', [`/api/ixps/${ixp}/members?month=${LAST_MONTH}`]],
  ['members, year', [`/api/ixps/${ixp}/members?period=year`]],
  ['member, month', [`/api/ixps/${ixp}/members/${ASN}?month=${LAST_MONTH}`]],
  ['member, year', [`/api/ixps/${ixp}/members/${ASN}?period=year`]],
  ['port, month', [`/api/ixps/${ixp}/ports/${SW}/${PORT}?month=${LAST_MONTH}`]],
  ['port, year', [`/api/ixps/${ixp}/ports/${SW}/${PORT}?period=year`]],
  ['impact, month', [`/api/impact?month=${LAST_MONTH}`]],
  ['impact, running month', ['/api/impact?month=2026-11']],
  ['monthly report (JSON)', [`/api/ixps/${ixp}/report?month=${LAST_MONTH}&format=json`]],
];

/** Starts a dashboard (the first-ever start: nothing in memory), then times every view: first request, then warm. */
async function benchDashboard(cfg: Config, kind: string): Promise<Record<string, Timing>> {
  const hash = await hashPassword('benchmark');
  const out: Record<string, Timing> = {};
  for (const [name, urls] of VIEWS('big')) {
    // A fresh dashboard per view: its first request is the first after a first-ever start.
    const dash = createDashboard(cfg, { now: () => NOW, listen: '127.0.0.1:0', webDir: '/nonexistent', users: { find: (n: string) => (n === 'adm' ? { username: 'adm', role: 'admin', hash } : undefined) } });
    const base = (await dash.start()).replace(/\/$/, '');
    try {
      const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'adm', password: 'benchmark' }) });
      const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
      const once = async () => {
        const t0 = performance.now();
        await Promise.all(urls.map(async (u) => {
          const res = await fetch(base + u, { headers: { cookie } });
          if (res.status !== 200) throw new Error(`${kind} ${u}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
          await res.arrayBuffer();
        }));
        return performance.now() - t0;
      };
      const first = await once();
      const xs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) xs.push(await once());
      xs.sort((a, b) => a - b);
      out[name] = { first, median: xs[Math.floor(xs.length / 2)]!, p95: xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]! };
      log(`${kind} ${name}: first ${first.toFixed(0)} ms, median ${out[name]!.median.toFixed(1)} ms, p95 ${out[name]!.p95.toFixed(1)} ms`);
    } finally { await dash.stop(); }
  }
  return out;
}

/** Bytes per port-window of 5-minute history (the rollups and their indexes, dbstat), and the figures' tables. */
function bytesOnDisk(file: string): { perPortWindow: number; figures: number; rows: number } {
  const db = openDatabase(file);
  try {
    const tables = (db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'").all() as { name: string; tbl_name: string }[]);
    const size = (names: string[]) => names.reduce((a, n) => a + ((db.prepare('SELECT sum(pgsize) AS b FROM dbstat WHERE name = ?').get(n) as { b: number | null }).b ?? 0), 0);
    const rollupObjects = tables.filter((t) => /^rollup/.test(t.tbl_name) && !/marks|log/.test(t.tbl_name)).map((t) => t.name);
    const rows = (db.prepare('SELECT count(*) AS n FROM rollups WHERE res = 300').get() as { n: number }).n;
    const all = (db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n;
    const figures = size(tables.filter((t) => ['member_windows', 'member_months', 'port_months'].includes(t.tbl_name)).map((t) => t.name));
    return { perPortWindow: size(rollupObjects) / Math.max(1, all), figures, rows };
  } finally { db.close(); }
}

// BENCH_DIR: build the stores and InfluxDB's data there once and keep them; later runs with the same BENCH_DIR (and
// sizes) only measure. Without it everything lives in a temporary folder, removed at the end.
const KEEP = process.env.BENCH_DIR;
const dir = KEEP ?? mkdtempSync(path.join(tmpdir(), 'ixm-bench-dash-'));
const readyFile = path.join(dir, 'ready.json');
const results: string[] = [];
try {
  const big = ixpConfig('big', 'Big IX', PORTS, path.join(dir, 'big.db'));
  const small = ixpConfig('small', 'Small IX', 20, path.join(dir, 'small.db'));
  type Built = { fig: Awaited<ReturnType<typeof collectorFigures>>; disk: ReturnType<typeof bytesOnDisk>; points?: number };
  let built: Built | undefined = KEEP && existsSync(readyFile) ? JSON.parse(readFileSync(readyFile, 'utf8')) as Built : undefined;
  let t0 = performance.now();
  if (!built) {
    rmSync(path.join(dir, 'influx'), { recursive: true, force: true });
    for (const f of [big.store.path, small.store.path]) for (const x of ['', '-wal', '-shm']) rmSync(f + x, { force: true });
    buildStore(big, PORTS);
    log(`big: store built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const fig = await collectorFigures(big);
    log(`big: figures computed in ${(fig.wallMs / 1000).toFixed(1)} s (${fig.windows} windows, ${fig.months} months)`);
    built = { fig, disk: bytesOnDisk(big.store.path) };
    buildStore(small, 20);
    await collectorFigures(small);
  } else log(`reusing the stores and InfluxDB data in ${dir}`);
  const reused = built.points !== undefined;
  const { fig, disk } = built;

  const sq = await benchDashboard(big, 'sqlite');

  const influx = await startInfluxDB(KEEP ? { dir: path.join(dir, 'influx') } : {});
  let inf: Record<string, Timing> | undefined;
  let points = built.points ?? 0;
  try {
    if (built.points === undefined) {
      await influx.query('CREATE DATABASE ixm');
      t0 = performance.now();
      points += await forwardFigures(big, 'big', influx.url);
      points += await writePorts(big, 'big', PORTS, influx.url);
      for (let i = 0; i < SMALL; i++) {
        const id = `small${i + 1}`;
        points += await forwardFigures(small, id, influx.url);
        points += await writePorts(small, id, 20, influx.url);
        log(`influx: ${id} written`);
      }
      log(`influx: ${points.toLocaleString('en')} points in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      built.points = points;
      if (KEEP) writeFileSync(readyFile, JSON.stringify(built));
    }
    const central = { influxdb: { url: influx.url, api: 'v1', database: 'ixm', batchSize: 1000, timeout: 60, gzip: false }, dashboard: { listen: '127.0.0.1:0', reader: 'influxdb', usersFile: '/nonexistent', trustProxy: false, publicMembers: false, publicCacheSeconds: 0 } } as unknown as Config;
    inf = await benchDashboard(central, 'influxdb');
  } finally {
    await influx.stop();
  }

  const goal = (v: number, g: number) => (v < g ? `${v.toFixed(v < 10 ? 1 : 0)}` : `**${v.toFixed(0)}**`);
  const row = (name: string) => {
    const a = sq[name]!;
    const b = inf?.[name];
    const g = name.startsWith('monthly report') ? 2000 : 100;
    const f = name.startsWith('monthly report') ? 2000 : 1000;
    return `| ${name} | ${goal(a.first, f)} | ${goal(a.median, g)} | ${a.p95.toFixed(1)} | ${b ? goal(b.first, f) : 'n/a'} | ${b ? goal(b.median, g) : 'n/a'} | ${b ? b.p95.toFixed(1) : 'n/a'} |`;
  };
  results.push(
    '## Dashboard API',
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end. bench/dashboard.ts.`,
    `Data: one IXP of ${PORTS} ports (${PORTS / 4} members × 4 ports), ${DAYS} days of 5-minute rollups in SQLite (with the hourly and daily`,
    `rollups and 2 days of 1-minute raw rates), its member figures computed as its collector computes them at a first start;`,
    `a central InfluxDB 1.6.7 with that IXP and ${SMALL} IXPs of 20 ports, a year each: the figures and metadata through the real forwarder,`,
    `the ports' ixp_port_5m, ixp_port_1h, ixp_port_1d and ixp_port as line protocol (${points.toLocaleString('en')} points in all). The central dashboard's config is only`,
    '`influxdb` and `dashboard` (no IXP config file).' + (reused ? ' The stores and InfluxDB\'s data were built by an earlier run (BENCH_DIR);'
      + ' influxd was started afresh over them, so its first reads are cold.' : ''),
    `Each view: the first request after a first-ever start of the dashboard (nothing in memory), then the median and p95 of ${REQUESTS}`,
    'sequential warm requests (admin login, so no public response cache). The overview is summary + traffic + now in parallel,',
    'as the page asks for them. Goals: every view under 100 ms median warm and under 1 s first; the monthly JSON report under 2 s.',
    'A figure over its goal is in bold.',
    '',
    '| view | SQLite first ms | SQLite median ms | SQLite p95 ms | InfluxDB first ms | InfluxDB median ms | InfluxDB p95 ms |',
    '|---|---|---|---|---|---|---|',
    ...Object.keys(sq).map(row),
    '',
    `The collector's first start over that store (rebuildFigures: ${fig.windows.toLocaleString('en')} member windows and ${fig.months} months of member`,
    `figures from ${(PORTS * DAYS * 288).toLocaleString('en')} port windows): ${(fig.wallMs / 1000).toFixed(1)} s wall, ${(fig.cpuMs / 1000).toFixed(1)} s CPU,`,
    'in chunks with the event loop free between them (polling goes on meanwhile). What each closed window costs is in',
    `"Member figures at the collector" below; reading the running month's port months again (hourly) costs ${fig.portMonthsCpuMs.toFixed(0)} ms CPU`,
    `for ${PORTS} ports 20 days into the month.`,
    `On disk: ${disk.perPortWindow.toFixed(1)} bytes per port-window of rollups (all resolutions, indexes included; ${disk.rows.toLocaleString('en')} 5-minute rows),`,
    `and ${(disk.figures / 1e6).toFixed(0)} MB for the member windows, month rows and port months.`,
    '',
  );
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
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
