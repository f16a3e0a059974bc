// Capacity forecasts and website graphs: how long the collector's capacity rule takes to read one month of 5-minute
// rollups of 200 ports from SQLite (it reads at most one month per evaluation), a forecast fit, and drawing one
// website graph as SVG and as PNG. Writes the "## Capacity forecasts and website graphs" section of bench/RESULTS.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../collector/store/index.ts';
import { createCapacitySource } from '../collector/alerts/capacity.ts';
import { forecastCrossing, monthName } from '../collector/figures/forecast.ts';
import { renderGraphPng, renderGraphSvg } from '../dashboard/server/graph-image.ts';

const PORTS = 200;
const log = (s: string) => process.stdout.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: string[] = ['## Capacity forecasts and website graphs', ''];
const dir = mkdtempSync(path.join(tmpdir(), 'ixm-bench-cap-'));
try {
  const store = createStore({ path: path.join(dir, 'store.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  store.open();
  const db = store.db;
  const from = Date.UTC(2026, 9, 1);
  const to = Date.UTC(2026, 10, 1);
  const ids: number[] = [];
  const port = db.prepare('INSERT INTO ports (switch, if_index, name, alias, speed_mbps, first_seen, last_seen) VALUES (?, ?, ?, ?, 10000, 0, ?) RETURNING id');
  const roll = db.prepare('INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage) VALUES (?, 300, ?, ?, ?, 1)');
  db.transaction(() => {
    for (let i = 0; i < PORTS; i++) ids.push((port.get('sw1', i + 1, `et${i + 1}`, `AS${65000 + i} Member ${i}`, to) as { id: number }).id);
    for (let t = from; t < to; t += 300_000) for (const id of ids) roll.run(id, t, 1e9 * (1 + Math.sin(t / 3.6e6)), 5e8);
  })();
  const rows = (db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n;
  const times: number[] = [];
  const perCall: number[] = [];
  let calls = 0;
  for (let k = 0; k < 3; k++) {
    const src = createCapacitySource(db, (_sw, p) => `member ${p}`, 2); // October (finished) and November (running, empty)
    const t0 = performance.now();
    calls = 0;
    // One evaluation reads 5 ports of a month: October takes PORTS / 5 evaluations.
    for (let c = 0; c < PORTS / 5; c++) { const a = performance.now(); src.forecasts(Date.UTC(2026, 10, 3)); perCall.push(performance.now() - a); calls++; }
    times.push(performance.now() - t0);
  }
  store.close();
  const hist = Array.from({ length: 13 }, (_, i) => ({ month: monthName(2026 * 12 + i), util: 0.2 * 1.05 ** i, coverage: 1 }));
  const fits: number[] = [];
  for (let k = 0; k < 5; k++) { const t0 = performance.now(); for (let j = 0; j < 1000; j++) forecastCrossing(hist); fits.push((performance.now() - t0) / 1000); }
  const t = Array.from({ length: 336 }, (_, i) => from + i * 1_800_000);
  const tr = { ixp: 'x', period: { from, to: from + 7 * 86_400_000, preset: '7d', timezone: 'Indian/Maldives' }, step: 1800, source: { kind: 'rollup' as const, resolution: 1800 },
    t, inBps: t.map((_, i) => 1e9 * (1.2 + Math.sin(i / 7.6))), outBps: t.map((_, i) => 6e8 * (1.2 + Math.cos(i / 7.6))) };
  const meta = { ixpName: 'MVIX', timezone: 'Indian/Maldives', span: 'week' as const, lang: 'en' as const, now: from + 7 * 86_400_000 };
  const svgT: number[] = [];
  const pngT: number[] = [];
  let svg = '';
  let png: Buffer = Buffer.alloc(0);
  for (let k = 0; k < 5; k++) {
    let t0 = performance.now(); svg = renderGraphSvg(tr, meta); svgT.push(performance.now() - t0);
    t0 = performance.now(); png = await renderGraphPng(svg); pngT.push(performance.now() - t0);
  }
  results.push(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()} (shared machine), Node ${process.version}; \`node bin/tsx-run.mjs bench/capacity.ts\`. Medians of repeated runs.`,
    '',
    '| what | figure |',
    '|---|---|',
    `| capacity rule: one month of 5-minute rollups of ${PORTS} ports (${rows.toLocaleString('en')} rows), read in ${calls} evaluations of 5 ports | ${median(times).toFixed(0)} ms in all; longest single evaluation ${Math.max(...perCall).toFixed(0)} ms, median ${median(perCall).toFixed(0)} ms (evaluations run at most once a minute, on a poll) |`,
    `| one forecast fit (13 months) | ${(median(fits) * 1000).toFixed(1)} µs |`,
    `| website graph, week, 336 buckets: SVG | ${median(svgT).toFixed(1)} ms, ${svg.length.toLocaleString('en')} bytes |`,
    `| the same as PNG (sharp, 256-colour palette) | ${median(pngT).toFixed(0)} ms, ${png.length.toLocaleString('en')} bytes |`,
    '',
    'Images are cached for a minute per IXP, span, format and language, so a website embedding them costs one render a minute.',
    '',
  );
  for (const l of results) log(l);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const resultsFile = path.join(path.dirname(new URL(import.meta.url).pathname), 'RESULTS.md');
let text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n\n';
const section = results.join('\n');
const start = text.indexOf('## Capacity forecasts and website graphs');
if (start >= 0) {
  const next = text.indexOf('\n## ', start + 1);
  text = text.slice(0, start) + section + (next >= 0 ? '\n' + text.slice(next + 1) : '');
} else {
  text = text.replace(/\n*$/, '\n\n') + section;
}
writeFileSync(resultsFile, text);
log('bench/RESULTS.md: ## Capacity forecasts and website graphs written');
