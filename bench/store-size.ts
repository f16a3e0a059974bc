// Bytes on disk per port-window of 5-minute history (issue 11, a Pi's SD card): the same 200 ports × 30 days of
// polls written through the previous version's store code (schema 007, test/fixtures/store/v007.ts), through today's
// (createStore().writePoll), and the previous store converted in place by migration 008. Sizes from SQLite's dbstat
// (every page of a table and of its indexes, free space inside them included). Writes the "## Store size" section of
// bench/RESULTS.md. Not a test: nothing here asserts. Run alone: `npm run bench:store-size`
// (--days N, --ports N, --poll S for a smaller or denser run; --no-write to leave RESULTS.md alone).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { computeRates } from '../collector/rates/compute.ts';
import type { IfSample, Sample } from '../collector/rates/types.ts';
import { createStore } from '../collector/store/index.ts';
import { listMigrations, openDatabase, type DB } from '../collector/store/sqlite.ts';
import { writePoll007 } from '../test/fixtures/store/v007.ts';

const { values } = parseArgs({ options: {
  days: { type: 'string', default: '30' }, ports: { type: 'string', default: '200' }, poll: { type: 'string', default: '300' },
  'no-write': { type: 'boolean', default: false },
} });
const DAYS = Number(values.days);
const PORTS = Number(values.ports);
const POLL_MS = Number(values.poll) * 1000;
const log = (s: string) => process.stdout.write(s + '\n');
const here = path.dirname(new URL(import.meta.url).pathname);

/** A deterministic pseudo-random stream (the same traffic for every store). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

/**
 * An IXP's 200 member and service ports: 60% 1G, 35% 10G, 5% 100G; mean load 1-40% of speed with a day curve and
 * noise; about 900-byte packets; errors on 5% of ports now and then, discards on 10% in busy hours; two ports down.
 */
class IxpSwitch {
  private prev: Sample | null = null;
  private readonly ports: { speed: number; load: number; ratio: number; errors: boolean; discards: boolean; down: boolean; c: bigint[] }[];
  private readonly r = rng(42);
  constructor(readonly name: string, n: number) {
    const r = rng(7);
    this.ports = Array.from({ length: n }, (_, k) => {
      const u = r();
      return {
        speed: u < 0.6 ? 1000 : u < 0.95 ? 10000 : 100000, load: 0.01 + 0.39 * r() ** 2, ratio: 0.3 + 1.4 * r(),
        errors: r() < 0.05, discards: r() < 0.1, down: k === 17 || k === 131, c: [BigInt(Math.floor(r() * 1e12)), BigInt(Math.floor(r() * 1e12)), 0n, 0n, 0n, 0n],
      };
    });
  }
  poll(time: number) {
    const secs = this.prev ? (time - this.prev.time) / 1000 : 0;
    const hour = (time / 3_600_000 + 5) % 24; // Maldives local time
    const day = 0.35 + 0.65 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) ** 1.5;
    const interfaces: IfSample[] = this.ports.map((p, k) => {
      if (secs && !p.down) {
        const bps = p.speed * 1e6 * p.load * day * (0.85 + 0.3 * this.r());
        const inB = BigInt(Math.floor((bps * secs) / 8));
        const outB = BigInt(Math.floor((bps * p.ratio * secs) / 8));
        p.c[0]! += inB; p.c[1]! += outB;
        if (p.errors && this.r() < 0.02) p.c[2]! += BigInt(1 + Math.floor(this.r() * 5));
        if (p.discards && day > 0.8 && this.r() < 0.3) p.c[3]! += BigInt(Math.floor(this.r() * 40));
        p.c[4]! += inB / 900n; p.c[5]! += outB / 900n;
      }
      return {
        ifIndex: 1000 + k, name: `Ethernet${Math.floor(k / 48) + 1}/${(k % 48) + 1}`, descr: `Ethernet port ${k + 1}`, alias: `AS${65000 + k} Member ${k}`,
        speedMbps: p.speed, operStatus: p.down ? 2 : 1, adminStatus: 1, ifType: 6, hc: true,
        inOctets: p.c[0]!, outOctets: p.c[1]!, inPkts: p.c[4]!, outPkts: p.c[5]!, pktsHc: true,
        inErrors: p.c[2]!, outErrors: 0n, inDiscards: 0n, outDiscards: p.c[3]!, discontinuityTime: 0,
      };
    });
    const sample: Sample = { switch: this.name, time, mono: time, sysUpTime: 1_000_000 + Math.floor(time / 10) % 2 ** 31, interfaces };
    const result = this.prev ? computeRates(this.prev, sample, { maxIntervalSeconds: (2 * POLL_MS) / 1000 }) : null;
    this.prev = sample;
    return { sample, result, poll: { switch: this.name, t: time, durationMs: 150, ok: true, ports: interfaces.length } };
  }
}

/** Bytes of each named table/index (dbstat: every page, free space inside pages included). */
function sizes(db: DB): Map<string, number> {
  return new Map((db.prepare('SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name').all() as { name: string; b: number }[]).map((r) => [r.name, r.b]));
}
const sum = (m: Map<string, number>, names: string[]) => names.reduce((s, n) => s + (m.get(n) ?? 0), 0);
const count = (db: DB, sql: string) => (db.prepare(sql).get() as { n: number }).n;

interface Measured { label: string; rollupBytes: number; windows: number; rows: number; rateBytes: number; rates: number; fileBytes: number; detail: string; writeS: number }

function measure(label: string, db: DB, rollupTables: string[], rateTables: string[], file: string, writeS: number): Measured {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const m = sizes(db);
  const rollupBytes = sum(m, rollupTables);
  const rateBytes = sum(m, rateTables);
  const windows = count(db, 'SELECT count(*) AS n FROM rollups WHERE res = 300');
  const rows = count(db, 'SELECT count(*) AS n FROM rollups');
  const rates = count(db, 'SELECT count(*) AS n FROM rates');
  const detail = rollupTables.filter((t) => m.has(t)).map((t) => `${t} ${(m.get(t)! / windows).toFixed(1)}`).join(', ');
  return { label, rollupBytes, windows, rows, rateBytes, rates, fileBytes: statSync(file).size, detail, writeS };
}

const work = mkdtempSync(path.join(tmpdir(), 'ixm-bench-size-'));
const out: Measured[] = [];
try {
  const from = Date.UTC(2026, 9, 1) + 17_000;
  const to = from + DAYS * 86_400_000;
  const OLD_ROLLUPS = ['rollups', 'sqlite_autoindex_rollups_1', 'rollups_by_time'];
  const OLD_RATES = ['rates', 'sqlite_autoindex_rates_1', 'rates_by_time'];
  const NEW_ROLLUPS = ['rollup_rows', 'rollup_health', 'rollup_log'];
  const NEW_RATES = ['rates', 'sqlite_autoindex_rates_1'];

  // Before: schema 007 and the previous write path.
  const m7 = path.join(work, 'm7'); mkdirSync(m7);
  for (const m of listMigrations()) if (m.version <= 7) copyFileSync(m.file, path.join(m7, path.basename(m.file)));
  const oldFile = path.join(work, 'v007.db');
  const old = openDatabase(oldFile, { migrationsDir: m7 });
  let t0 = performance.now();
  {
    const sw = new IxpSwitch('sw1', PORTS);
    for (let t = from; t < to; t += POLL_MS) { const p = sw.poll(t); writePoll007(old, p.poll, p.sample, p.result); }
  }
  out.push(measure('schema 007 (previous store code)', old, OLD_ROLLUPS, OLD_RATES, oldFile, (performance.now() - t0) / 1000));
  old.close();
  log(`written: ${out[0]!.label}`);

  // The previous store converted in place by migration 008.
  const migFile = path.join(work, 'migrated.db');
  copyFileSync(oldFile, migFile);
  t0 = performance.now();
  const mig = openDatabase(migFile);
  const migS = (performance.now() - t0) / 1000;
  out.push(measure('schema 007 + migration 008 (in place)', mig, NEW_ROLLUPS, NEW_RATES, migFile, migS));
  const freelist = Number(mig.pragma('freelist_count', { simple: true })) * Number(mig.pragma('page_size', { simple: true }));
  mig.close();
  log(`migrated in ${migS.toFixed(1)} s`);

  // After: today's store code.
  const newFile = path.join(work, 'now.db');
  const store = createStore({ path: newFile, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  t0 = performance.now();
  {
    const sw = new IxpSwitch('sw1', PORTS);
    for (let t = from; t < to; t += POLL_MS) { const p = sw.poll(t); store.writePoll(p.poll, p.sample, p.result); }
  }
  out.push(measure('schema 008 (today\'s store code)', store.db, NEW_ROLLUPS, NEW_RATES, newFile, (performance.now() - t0) / 1000));
  const health = count(store.db, 'SELECT count(*) AS n FROM rollup_health');
  store.close();

  const mb = (b: number) => (b / 1e6).toFixed(1);
  const fiveYears = (perWindow: number) => ((perWindow * PORTS * 288 * 1826) / 1e9).toFixed(1);
  const md = [
    `Data: ${PORTS} ports × ${DAYS} days, one poll every ${POLL_MS / 1000} s (17 s past the 5-minute mark, so each rate spans two windows) of an`,
    'IXP-like switch (60% 1G, 35% 10G, 5% 100G ports at 1-40% load with a day curve; errors on 5% of ports now and then,',
    'discards on 10% in busy hours, two ports down), through the real rate engine and store code. Bytes from SQLite\'s',
    '`dbstat` (every page of the table and its indexes, free space inside them included), divided by the 5-minute',
    'windows: the hourly and daily rollups, the exceptions table (rollup_health) and the forwarder\'s rollup_log are',
    'charged to them. Goal: at most 64 bytes per port-window of 5-minute history.',
    '',
    '| store | rollup bytes per 5-minute port-window | of which | rollup rows (5-minute) | raw rate bytes per row | file | write time |',
    '|---|---|---|---|---|---|---|',
    ...out.map((m) => `| ${m.label} | **${(m.rollupBytes / m.windows).toFixed(1)}** | ${m.detail} | ${m.rows.toLocaleString('en')} (${m.windows.toLocaleString('en')}) | ${(m.rateBytes / m.rates).toFixed(1)} | ${mb(m.fileBytes)} MB | ${m.writeS.toFixed(0)} s |`),
    '',
    `Five years of ${PORTS} ports of 5-minute history: ${fiveYears(out[0]!.rollupBytes / out[0]!.windows)} GB before, ${fiveYears(out[2]!.rollupBytes / out[2]!.windows)} GB now (plus 35 days of raw rates:`,
    `${((out[0]!.rateBytes / out[0]!.rates) * PORTS * 1440 * 35 / 1e9).toFixed(1)} GB before, ${((out[2]!.rateBytes / out[2]!.rates) * PORTS * 1440 * 35 / 1e9).toFixed(1)} GB now at one poll a minute).`,
    `${health.toLocaleString('en')} of the ${out[2]!.rows.toLocaleString('en')} rollup rows had an exception row (errors, discards or a port not up the whole window).`,
    `The migration took ${migS.toFixed(1)} s here; its freed pages (${mb(freelist)} MB) stay in the file and new rows reuse them (VACUUM returns them to the disk).`,
    'Precision after 008: bps to 8 bit/s (kept as bytes/s), pps to 0.01 packet/s, utilisation to 1e-4; errors, discards, oper_up_share, coverage, source exact.',
    `Raw rates lost only their index on time (retention now deletes by seq): ${(out[0]!.rateBytes / out[0]!.rates - out[2]!.rateBytes / out[2]!.rates).toFixed(0)} bytes a row.`,
  ].join('\n');
  log(md);
  if (!values['no-write']) writeSection(path.join(here, 'RESULTS.md'), '## Store size', md);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Replaces (or appends) one `## Title` section of RESULTS.md, leaving every other section as it is. */
function writeSection(file: string, title: string, body: string): void {
  const old = readFileSync(file, 'utf8');
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  const section = [title, '', body.trimEnd(), ''];
  if (start < 0) { writeFileSync(file, old.trimEnd() + '\n\n' + section.join('\n')); return; }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n').trimEnd() + '\n');
}
