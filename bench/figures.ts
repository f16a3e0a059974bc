// What the collector computes per closed 5-minute window for the member figures (store/figures.ts): 200 ports of
// 120 members, 29 days into a 30-day month (the running month's P95 over ~8,350 windows per member), and the
// first-start rebuild of that month from the rollups. Writes the "## Member figures at the collector" section of
// bench/RESULTS.md. Not a test: nothing here asserts.
// Run: node bin/tsx-run.mjs bench/figures.ts [--no-write]
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { createStore } from '../collector/store/index.ts';
import { createFigures, type FiguresConfig } from '../collector/store/figures.ts';
import type { MemberConfig } from '../collector/config/types.ts';
import { SynthSwitch } from '../test/unit/store/synth.ts';

const PORTS = 200;
const MONTH_FROM = Date.UTC(2026, 3, 1);
const LIVE = Date.UTC(2026, 3, 30); // 29 days of history, then live windows
const LIVE_WINDOWS = 24;
const W = 300_000;
const log = (s: string) => process.stdout.write(s + '\n');

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-bench-figures-'));
const results: string[] = [];
try {
  const sw = new SynthSwitch('sw1', PORTS);
  const names = sw.ifs.map((f) => f.name);
  const members: MemberConfig[] = [];
  let k = 0;
  for (let i = 0; k < PORTS; i++) {
    const n = i < 80 ? 2 : 1;
    members.push({ asn: 64600 + i, name: `Member ${i}`, category: i % 10 === 0 ? 'content' : 'isp', portFeePerMonth: 100, ports: names.slice(k, k + n).map((port) => ({ switch: 'sw1', port })) } as MemberConfig);
    k += n;
  }
  const config: FiguresConfig = { ixp: { id: 'b', name: 'Bench IX', timezone: 'UTC', currency: 'USD', transitPricePerMbps: 2, public: false }, members, memberSources: { ifAlias: false } };
  const figures = createFigures(config);
  const store = createStore({ path: path.join(dir, 'ixmeter.db'), retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } }, { figures });
  store.open();
  const db = store.db;
  // The first poll creates the ports; 29 days of their 5-minute rollups are then inserted directly (fast set-up).
  let p = sw.poll(LIVE - W + 7_000);
  store.writePoll(p.poll, p.sample, p.result);
  const ids = (db.prepare('SELECT id FROM ports ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const ins = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, in_bps_max, out_bps_avg, out_bps_max, util_in_max, util_out_max, oper_up_share, coverage, source)
    VALUES (?, 300, ?, ?, ?, ?, ?, ?, ?, 1, 1, 'poll')`);
  db.transaction(() => {
    for (let t = MONTH_FROM; t < LIVE - W; t += W) {
      for (const [j, id] of ids.entries()) {
        const v = 1e6 * (10 + ((j * 7919 + t / W * 104729) % 900));
        ins.run(id, t, v, v * 1.2, v / 2, v / 1.8, v / 1e10, v / 2e10);
      }
    }
  })();
  const rollups = (db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n;
  log(`${rollups} port windows of history`);

  // First start: the whole month from the rollups.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await figures.start(db);
  const startMs = performance.now() - t0;
  const startCpu = process.cpuUsage(c0);
  const windows = (db.prepare('SELECT count(*) AS n FROM member_windows').get() as { n: number }).n;
  log(`first start: ${windows} member windows in ${startMs.toFixed(0)} ms (CPU ${((startCpu.user + startCpu.system) / 1000).toFixed(0)} ms)`);

  // Live: each poll closes one window of 200 ports; the figures' share of it is measured alone.
  const costs: number[] = [];
  const cpu: number[] = [];
  const closed = figures.windowsClosed.bind(figures);
  figures.windowsClosed = (d, from, to) => {
    const c = process.cpuUsage();
    closed(d, from, to);
    const u = process.cpuUsage(c);
    costs.push(figures.lastCostMs);
    cpu.push((u.user + u.system) / 1000);
  };
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i <= LIVE_WINDOWS; i++) {
    p = sw.poll(LIVE + i * W + 7_000);
    store.writePoll(p.poll, p.sample, p.result);
  }
  const rss = process.memoryUsage().rss;
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  // The first close loads the running month into memory; the rest are steady.
  const steady = cpu.slice(1);
  const outbox = (db.prepare('SELECT count(*) AS n FROM figures_outbox').get() as { n: number }).n;
  results.push(
    '## Member figures at the collector',
    '',
    `bench/figures.ts on this machine (${cpus()[0]?.model.trim() ?? 'cpu'}, ${cpus().length} cores), Node ${process.version}: ${PORTS} ports of ${members.length} members,`,
    `a 30-day month 29 days in (${Math.round(rollups / PORTS)} windows a port), figures in the store as windows close (collector/store/figures.ts).`,
    '',
    '| what | value |',
    '|---|---|',
    `| CPU per closed 5-minute window (member windows + the running month's figures of every member and the IXP), median of ${steady.length} | ${med(steady).toFixed(1)} ms |`,
    `| the same, highest | ${Math.max(...steady).toFixed(1)} ms |`,
    `| first close after a start (the running month was loaded into memory during start, a member at a time) | ${cpu[0]!.toFixed(0)} ms |`,
    `| first start on a store without figures: ${windows.toLocaleString('en')} member windows and the month, from ${rollups.toLocaleString('en')} port windows | ${(startMs / 1000).toFixed(1)} s wall, ${((startCpu.user + startCpu.system) / 1e6).toFixed(1)} s CPU, in 6-hour chunks with the event loop free between them (this machine was shared with other jobs: CPU is the figure to read) |`,
    `| resident memory after the live windows (running month kept as columns per member) | ${(rss / 1e6).toFixed(0)} MB (${((rss - rss0) / 1e6).toFixed(0)} MB more than before them) |`,
    `| outbox rows written in all (pointers for the forwarder) | ${outbox.toLocaleString('en')} |`,
    '',
    'A Raspberry Pi 4 is about 3-5 times slower per core than this machine: scale the CPU figures accordingly.',
    '',
  );
  for (const l of results) log(l);
  void costs;
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (!process.argv.includes('--no-write')) {
  const resultsFile = path.join(path.dirname(new URL(import.meta.url).pathname), 'RESULTS.md');
  let text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n\n';
  const section = results.join('\n');
  const start = text.indexOf('## Member figures at the collector');
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + section + (next >= 0 ? '\n' + text.slice(next + 1) : '');
  } else {
    text = text.replace(/\n*$/, '\n\n') + section;
  }
  writeFileSync(resultsFile, text);
  log('bench/RESULTS.md: ## Member figures at the collector written');
}
