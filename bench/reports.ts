// Impact reports on a year of data: time and peak memory of the monthly report (`ixmeter report --month`) and of the
// annual report (`--year`, which reads one month of samples at a time). Writes the "## Impact reports" section of
// bench/RESULTS.md. Not a test: nothing asserts. Each measurement runs in its own process (peak RSS is per process).
// Run: node bin/tsx-run.mjs bench/reports.ts [--ports N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const { values } = parseArgs({ options: { ports: { type: 'string' }, measure: { type: 'string' }, dir: { type: 'string' } } });

if (values.measure) {
  // Child: build one report from the store in --dir, print {ms, maxRssMb}.
  const { loadConfig } = await import('../collector/config/load.ts');
  const { resolveMembers } = await import('../collector/members/index.ts');
  const { openDatabase } = await import('../collector/store/sqlite.ts');
  const { buildReport, buildAnnualReport, membersOfRegistry } = await import('../dashboard/reports/index.ts');
  const { createSqliteReader } = await import('../dashboard/readers/sqlite.ts');
  const cfg = loadConfig(path.join(values.dir!, 'ixmeter.yaml'));
  const db = openDatabase(path.join(values.dir!, 'store.db'));
  const now = Date.UTC(2026, 0, 15);
  const t0 = performance.now();
  const src = { reader: createSqliteReader(db), ixp: cfg.ixp!, members: membersOfRegistry(resolveMembers(cfg, { db }), cfg.ixp!.transitPricePerMbps), now };
  const r = values.measure === 'year'
    ? await buildAnnualReport({ ...src, year: 2025 })
    : await buildReport({ ...src, month: '2025-12' });
  const ms = performance.now() - t0;
  db.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, saved: r.ixp.transitSaved }) + '\n');
  process.exit(0);
}

const ports = Number(values.ports ?? 50);
const dir = mkdtempSync(path.join(tmpdir(), 'ixm-bench-reports-'));
try {
  const { openDatabase } = await import('../collector/store/sqlite.ts');
  const db = openDatabase(path.join(dir, 'store.db'));
  const members = Array.from({ length: ports }, (_, i) => `  - {asn: ${65000 + i}, name: M${i}, category: ${i % 10 === 0 ? 'content' : 'isp'}, portFeePerMonth: 100${i % 7 === 3 ? ", joined: '2025-03-11'" : ''}, ports: [{switch: sw1, port: et${i}}]}`);
  writeFileSync(path.join(dir, 'ixmeter.yaml'), `ixp:\n  id: bench\n  name: Bench IX\n  timezone: Indian/Maldives\n  currency: USD\n  transitPricePerMbps: 10\nstore:\n  path: ${path.join(dir, 'store.db')}\nmembers:\n${members.join('\n')}\n`);
  const ins = db.prepare(`INSERT INTO ports (switch, if_index, name, speed_mbps, first_seen, last_seen) VALUES ('sw1', ?, ?, 10000, 0, 1) RETURNING id`);
  const ids = Array.from({ length: ports }, (_, i) => (ins.get(i + 1, `et${i}`) as { id: number }).id);
  const r = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, in_bps_max, out_bps_max, coverage, source) VALUES (?, 300, ?, ?, ?, ?, ?, 1, 'poll')`);
  const from = Date.UTC(2024, 11, 31, 19); // 1 January 2025 in Indian/Maldives
  const to = Date.UTC(2025, 11, 31, 19);
  const t0 = performance.now();
  let rows = 0;
  for (let day = from; day < to; day += 86_400_000) {
    db.transaction(() => {
      for (let t = day; t < day + 86_400_000; t += 300_000) {
        const shape = 0.6 + 0.4 * Math.cos((((t / 3_600_000) % 24) - 16) / 24 * 2 * Math.PI);
        for (const [i, id] of ids.entries()) {
          const v = (50 + i) * 1e6 * shape;
          r.run(id, t, v, v * 0.8, v, v * 0.8);
          rows++;
        }
      }
    })();
  }
  const genS = (performance.now() - t0) / 1000;
  // The collector's figures of that year (as at its first start), from which reports are read.
  const { rebuildFigures } = await import('../collector/store/figures.ts');
  const { loadConfig } = await import('../collector/config/load.ts');
  db.prepare("INSERT INTO rollup_marks (switch, res, next_t) VALUES ('sw1', 300, ?)").run(Date.UTC(2026, 0, 15));
  const f0 = performance.now();
  await rebuildFigures(db, loadConfig(path.join(dir, 'ixmeter.yaml')));
  const figS = (performance.now() - f0) / 1000;
  db.close();
  process.stdout.write(`store: ${rows} 5-minute rows of ${ports} ports in ${genS.toFixed(0)} s; figures in ${figS.toFixed(0)} s\n`);
  const measure = (what: string) => {
    const out = spawnSync(process.execPath, [path.join(repo, 'bin/tsx-run.mjs'), fileURLToPath(import.meta.url), '--measure', what, '--dir', dir], { cwd: repo, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`measure ${what}: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number };
  };
  const res = { month: measure('month'), year: measure('year'), month2: measure('month'), year2: measure('year') };
  const row = (label: string, a: { ms: number; maxRssMb: number }, b: { ms: number; maxRssMb: number }) =>
    `| ${label} | ${Math.round(a.ms)} / ${Math.round(b.ms)} | ${Math.round(Math.max(a.maxRssMb, b.maxRssMb))} |`;
  const md = [
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} CPU(s), load average ${loadavg()[0]!.toFixed(1)} at the end. bench/reports.ts.`,
    `Data: ${ports} member ports (one in seven joining on 11 March), 365 days of 5-minute rollups in SQLite (${rows.toLocaleString('en')} rows), Indian/Maldives time zone.`,
    'Each report is built in a fresh process (store opened, members resolved, the collector\'s month rows and the IXP\'s windows of the month read; JSON not rendered), twice.',
    `The figures were computed once, as the collector computes them (${figS.toFixed(0)} s for the year at a first start); a report only reads them.`,
    '',
    '| report | build ms (run 1 / run 2) | peak RSS MB |',
    '|---|---|---|',
    row('monthly, December 2025', res.month, res.month2),
    row('annual, 2025', res.year, res.year2),
  ].join('\n');
  writeSection(path.join(here, 'RESULTS.md'), '## Impact reports', md);
  process.stdout.write(md + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Replaces (or appends) one `## Title` section of RESULTS.md, leaving every other section as it is. */
function writeSection(file: string, title: string, body: string): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  const section = [title, '', body.trimEnd(), ''];
  if (start < 0) { writeFileSync(file, old.trimEnd() + '\n\n' + section.join('\n')); return; }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n').trimEnd() + '\n');
}
