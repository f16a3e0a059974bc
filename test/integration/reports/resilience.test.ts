// The monthly report's resilience section over a real store: latency rounds written by the store's own writer
// (an international outage of four rounds on 1 February), the local traffic meanwhile from the report's 5-minute
// windows (hand-computed), and the section in JSON, CSV (parsed back), HTML (escaped) and French and Portuguese.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, parseReportCsv, renderCsv, renderHtml, renderJson, renderPdf, type ReportModel } from '../../../dashboard/reports/index.ts';
import { execFileP } from '../../helpers/proc.ts';
import { windowTraffic } from '../../../dashboard/reports/resilience.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createSqliteLatencyReader } from '../../../dashboard/readers/latency.ts';
import { membersOfRegistry } from '../../../dashboard/reports/index.ts';
import type { Config } from '../../../collector/config/types.ts';
import type Database from 'better-sqlite3';
import { esc } from '../../../dashboard/reports/svg.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import { loadConfig } from '../../../collector/config/load.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { writeLatencyRound, type LatencyRow } from '../../../collector/store/latency.ts';
import { median } from '../../../collector/latency/rounds.ts';
import { FEB, makeFixture, NOW } from './fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-resil-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MIN = 60_000;
const ROUNDS = 24;
const SILENT = new Set([6, 7, 8, 9]);
let fx: { configFile: string; dbFile: string };
const reports: Partial<Record<'en' | 'fr' | 'pt', ReportModel>> = {};

/** What a report reads from the local store: the collector's figures, the members, the latency rounds. */
const src = (db: Database.Database, cfg: Config) => ({
  reader: createSqliteReader(db), latency: createSqliteLatencyReader(db), ixp: cfg.ixp!,
  members: membersOfRegistry(resolveMembers(cfg, { db }), cfg.ixp!.transitPricePerMbps),
});

/** One target's row of a round: 4 pings, the given RTTs back. */
function row(t: number, address: string, kind: LatencyRow['kind'], name: string, rtts: number[], memberAsn?: number): LatencyRow {
  return { t, address, kind, name, ...(memberAsn ? { memberAsn } : {}), sent: 4, received: rtts.length, loss: 1 - rtts.length / 4,
    medianMs: median(rtts), minMs: rtts[0] ?? null, maxMs: rtts.at(-1) ?? null, rttsMs: rtts };
}

beforeAll(async () => {
  fx = await makeFixture(tmp);
  const db = openDatabase(fx.dbFile);
  try {
    for (let k = 0; k < ROUNDS; k++) {
      const t = FEB + k * 5 * MIN;
      const hour1 = t >= FEB + 60 * MIN;
      const rows = [
        row(t, '192.0.2.1', 'member', 'Raajje Online', hour1 ? [3, 4, 5] : [1, 2, 3], 65001),
        row(t, '198.51.100.9', 'international', 'Resolver <b>abroad</b>', SILENT.has(k) ? [] : [150, 160, 170]),
        row(t, '192.0.2.50', 'local', 'CDN cache', [1, 1, 1]),
      ];
      writeLatencyRound(db, fx.dbFile, { t, durationMs: 3000, ok: true, targets: rows.length }, rows);
    }
    const cfg = loadConfig(fx.configFile);
    for (const lang of ['en', 'fr', 'pt'] as const) reports[lang] = await buildReport({ ...src(db, cfg), month: '2025-02', lang, now: NOW });
  } finally { db.close(); }
});

describe('report resilience section', () => {
  it('finds the outage and the local traffic meanwhile (hand-computed)', () => {
    const x = reports.en!.resilience!;
    expect(x.intervalMs).toBe(5 * MIN);
    // Silent rounds k = 6..9: from 00:30 to the round that saw the reference again (00:50).
    expect(x.outages).toHaveLength(1);
    const o = x.outages[0]!;
    expect(o).toMatchObject({ start: '2025-02-01T00:30:00.000Z', end: '2025-02-01T00:50:00.000Z', durationMs: 20 * MIN, uncertaintyMs: 5 * MIN, rounds: 4 });
    // Windows 6..9: et1 in (k+1) Mbit/s, et2 10 Mbit/s, 300 s each; et3/et4 were no member's yet (not in the coverage).
    const bytes = ((7 + 8 + 9 + 10) * 1e6 + 4 * 10e6) * 300 / 8;
    expect(o.bytes).toBeCloseTo(bytes, 3);
    expect(o.coverage).toBeCloseTo(1, 12);
    expect(o.avgBps).toBeCloseTo(bytes * 8 / 1200, 6);
    expect(x.total).toEqual({ outages: 1, durationMs: 20 * MIN, bytes: o.bytes });
    // The headlines say it, local latency beside the reference abroad.
    expect(reports.en!.headlines).toContain('1 international outage (20 min in all): members kept exchanging 2.8 GB over the IXP meanwhile.');
    expect(reports.en!.headlines.at(-1)).toMatch(/^Median latency to members' routers across the IXP: 3\.00 ms, against 160 ms to Resolver <b>abroad<\/b> abroad/);
  });

  it('summarises the month: local beside each reference, with loss and coverage', () => {
    const l = reports.en!.resilience!.latency;
    // Hourly medians 2 and 4: the router's month median 3; 3 of 4 pings back.
    expect(l.local).toEqual({ medianMs: 3, loss: 0.25, routers: 1, rounds: ROUNDS });
    expect(l.coverage).toBeCloseTo(2 / (28 * 24), 12);
    const [intl, local] = l.references;
    expect(intl).toMatchObject({ target: '198.51.100.9', kind: 'international', medianMs: 160, rounds: ROUNDS });
    // 20 answering rounds x 3 of 4, 4 silent rounds x 0 of 4.
    expect(intl!.loss).toBeCloseTo(1 - 60 / 96, 12);
    expect(intl!.coverage).toBeCloseTo(ROUNDS / (28 * 86400 / 300), 12);
    expect(local).toMatchObject({ target: '192.0.2.50', kind: 'local', medianMs: 1, loss: 0.25 });
  });

  it('travels in JSON, CSV and HTML', () => {
    const r = reports.en!;
    const json = JSON.parse(renderJson(r));
    expect(json.resilience.outages[0].bytes).toBe(r.resilience!.outages[0]!.bytes);
    const rows = parseReportCsv(renderCsv(r));
    const out = rows.filter((x) => x.row === 'outage');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ start: '2025-02-01T00:30:00.000Z', end: '2025-02-01T00:50:00.000Z', duration_s: 1200, rounds: 4 });
    expect(out[0]!.bytes).toBe(r.resilience!.outages[0]!.bytes);
    expect(rows.find((x) => x.row === 'latency_local')).toMatchObject({ median_ms: 3, loss: 0.25 });
    expect(rows.filter((x) => x.row === 'latency_reference').map((x) => x.target)).toEqual(['198.51.100.9', '192.0.2.50']);
    // Every line has the header's number of fields (no quoted comma in this fixture).
    const lines = renderCsv(r).trim().split('\r\n');
    expect(new Set(lines.map((l) => l.split(',').length)).size).toBe(1);
    const html = renderHtml(r);
    expect(html).toContain('data-testid="resilience"');
    expect(html).toContain('Resolver &lt;b&gt;abroad&lt;/b&gt;');
    expect(html).not.toContain('<b>abroad');
    expect(html).toMatch(/data-testid="outage"><td>2025-02-01 00:30 UTC<\/td><td>2025-02-01 00:50 UTC<\/td><td class="n">20 min ± 5 min<\/td>/);
    expect(html).toContain(esc(r.resilience!.method));
  });

  it('speaks French and Portuguese', () => {
    expect(renderHtml(reports.fr!)).toContain('Résilience : coupures internationales et latence');
    expect(reports.fr!.resilience!.method).toMatch(/coupure internationale/);
    expect(renderHtml(reports.pt!)).toContain('Resiliência: falhas internacionais e latência');
  });

  it('prints in the PDF (chromium + pdftotext), in Portuguese', async () => {
    const out = path.join(tmp, 'r.pdf');
    writeFileSync(out, await renderPdf(renderHtml(reports.pt!)));
    const { stdout } = await execFileP('pdftotext', ['-layout', out, '-']);
    expect(stdout).toContain('Resiliência: falhas internacionais e latência');
    expect(stdout).toMatch(/2025-02-01 00:30 UTC\s+2025-02-01 00:50 UTC\s+20 min ± 5 min/);
  }, 60_000);

  it('has no section for a month without rounds', async () => {
    const cfg = loadConfig(fx.configFile);
    const db = openDatabase(fx.dbFile);
    try { expect((await buildReport({ ...src(db, cfg), month: '2025-01', now: NOW })).resilience).toBeNull(); } finally { db.close(); }
  });
});

describe('windowTraffic (pure)', () => {
  it('counts the IXP windows cut by the span pro rata; coverage over the span', () => {
    // Half of a 300 s window at 8 Mbit/s = 150 s x 1 MB/s; the next window has no measure.
    const w = [{ t: 0, inBps: 8e6, outBps: 0, res: 300, coverage: 1 }, { t: 300_000, inBps: null, outBps: null, res: 300, coverage: 0 }];
    const r = windowTraffic(w, 150_000, 450_000);
    expect(r.bytes).toBeCloseTo(150 * 8e6 / 8, 6);
    expect(r.coverage).toBeCloseTo(0.5, 12);
    // A window measured at 60 % counts its bytes and time at 60 %.
    const h = windowTraffic([{ t: 0, inBps: 8e6, outBps: 0, res: 300, coverage: 0.6 }], 0, 300_000);
    expect(h.bytes).toBeCloseTo(0.6 * 300 * 1e6, 6);
    expect(h.coverage).toBeCloseTo(0.6, 12);
  });
});
