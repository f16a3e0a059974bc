// Report figures against hand-computed answers (and the impact module), the CSV parsing back to the same
// figures, JSON contract fields, escaping, MRTG history flagged by resolution, and the PDF's text in French.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { billableP95 } from '../../../collector/figures/impact.ts';
import { buildReport, membersOfRegistry, parseReportCsv, renderCsv, renderHtml, type ReportModel } from '../../../dashboard/reports/index.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createStore } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { syncMeta } from '../../../collector/store/meta.ts';
import { startInfluxDB } from '../../helpers/influxdb.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import { loadConfig } from '../../../collector/config/load.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { run } from '../../../cli/commands/report.ts';
import { execFileP } from '../../helpers/proc.ts';
import { makeFixture, NOW } from './fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fx: { configFile: string; dbFile: string };
let report: ReportModel;
const MONTH_S = 28 * 86400;

beforeAll(async () => {
  fx = await makeFixture(tmp, { alias65001: 'Raajje <script>alert(1)</script>' });
  const cfg = loadConfig(fx.configFile);
  const db = openDatabase(fx.dbFile);
  try {
    report = await buildReport({ reader: createSqliteReader(db), ixp: cfg.ixp!, members: membersOfRegistry(resolveMembers(cfg, { db }), cfg.ixp!.transitPricePerMbps), month: '2025-02', lang: 'en', now: NOW });
  } finally { db.close(); }
});

async function capture(argv: string[]): Promise<string> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try { expect(await run(argv)).toBe(0); return out; } finally { o.mockRestore(); e.mockRestore(); }
}

describe('report figures (hand-computed)', () => {
  it('per member', () => {
    const m = Object.fromEntries(report.members.map((x) => [x.asn, x]));
    // AS65001: in 1..100 Mbit/s → drop 5 → 95; out 2. Saved 95 × 2 = 190; net 190 − 100 = 90.
    expect(m[65001]).toMatchObject({ p95InMbps: 95, p95OutMbps: 2, p95Mbps: 95, transitSaved: 190, netSaved: 90, portFee: 100, bytes: 5050e6 * 300 / 8, resolution: 300 });
    expect(m[65001]!.coverage).toBeCloseTo(100 * 300 / MONTH_S, 12);
    // AS65002 content: buys no transit.
    expect(m[65002]).toMatchObject({ p95Mbps: 10, transitSaved: 0, netSaved: 0, bytes: 100 * 10e6 * 300 / 8, buysTransit: false });
    // AS65003 (joined 15 February, connected 14 of 28 days = 0.5): two ports summed, in 10, out 0..19 → drop 1 → 18;
    // bill 18 × 3 = 54, × 0.5 = 27; fee 50 × 0.5 = 25; net 2. The Feb 14 spike is not its.
    expect(m[65001]!.connectedShare).toBe(1);
    expect(m[65003]).toMatchObject({ p95InMbps: 10, p95OutMbps: 18, p95Mbps: 18, transitSaved: 27, portFee: 25, netSaved: 2, connectedShare: 0.5, bytes: 20 * 10e6 * 300 / 8, ports: 2, capacityMbps: 2000, isNew: true });
    expect(m[65003]!.coverage).toBeCloseTo(20 * 300 / (14 * 86400), 12);
  });
  it('for the IXP', () => {
    const x = report.ixp;
    // Saved 190 + 27 = 217; net 90 + 2 = 92; fees 100 + 25 = 125.
    expect(x).toMatchObject({ p95InMbps: 104, p95OutMbps: 13, p95Mbps: 104, transitSaved: 217, netSaved: 92, portFees: 125, peakMbps: 110, peakMethodSaved: 220, resolution: 300 });
    expect(x.bytes).toBe(1.89375e11 + 3.75e10 + 7.5e9);
    expect(x.localContentShare).toBeCloseTo(0.16, 12);
    expect(x.coverage).toBeCloseTo(120 * 300 / MONTH_S, 12);
    // January holds 10 windows of 31 days: coverage 3000 / 2,678,400 s, under 50 %: not comparable (and February 2024 has none).
    expect(report.growth.previousMonth).toEqual({ month: '2025-01', bytes: 3e9, change: null, coverage: 3000 / 2678400,
      notComparable: { label: '2025-01', coverage: 3000 / 2678400 }, reason: 'not comparable: January 2025 has < 1 % coverage' });
    expect(report.growth.previousYear).toMatchObject({ month: '2024-02', bytes: 0, change: null, reason: 'not comparable: February 2024 has 0 % coverage' });
    expect(report.membership.count).toBe(3);
    expect(report.membership.new.map((n) => n.asn)).toEqual([65003]);
    expect(report.capacity).toMatchObject({ ports: 4, capacityMbps: 13000 });
    expect(report.capacity.p95Utilisation).toBeCloseTo(104 / 13000, 12);
    expect(report.availability.trafficFlowing).toBeCloseTo(120 * 300 / MONTH_S, 12);
    expect(report.availability.collectorsReporting).toBeCloseTo(100 * 300 / MONTH_S, 12);
    expect(report.localContent.trend.map((t) => t.month)).toEqual(['2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02']);
    expect(report.localContent.trend.at(-2)).toMatchObject({ bytes: 3e9, share: 0 });
    expect(report.method.sources).toEqual(['poll']);
  });
  it('agrees with the impact module on the aggregate', () => {
    const agg = [...Array.from({ length: 100 }, (_, k) => ({ t: k, inBps: (k + 11) * 1e6, outBps: 3e6, res: 300 })),
      ...Array.from({ length: 20 }, (_, k) => ({ t: 1000 + k, inBps: 10e6, outBps: k * 1e6, res: 300 }))];
    const p = billableP95(agg);
    expect([report.ixp.p95InMbps, report.ixp.p95OutMbps, report.ixp.p95Mbps]).toEqual([p.inMbps, p.outMbps, p.mbps]);
  });
  it('headlines state the figures', () => {
    expect(report.headlines[0]).toBe('In February 2025, members of MVIX exchanged 234.4 GB of traffic locally.');
    expect(report.headlines).toContain('Peering at MVIX avoided 113 Mbit/s of international transit, saving US$217 this month (US$92 net of port fees).');
    expect(report.headlines.at(-1)).toBe('These figures rest on measurements covering 1.5% of the month.');
  });
});

describe('renderings', () => {
  it('CSV parses back to the same figures', () => {
    const rows = parseReportCsv(renderCsv(report));
    expect(rows).toHaveLength(4);
    for (const m of report.members) {
      const r = rows.find((x) => x.asn === m.asn)!;
      expect(r).toMatchObject({ ixp: 'mvix', month: '2025-02', currency: 'USD', row: 'member', name: m.name, bytes: m.bytes, p95_in_mbps: m.p95InMbps,
        p95_out_mbps: m.p95OutMbps, p95_mbps: m.p95Mbps, transit_saved: m.transitSaved, net_saved: m.netSaved, coverage: m.coverage, buys_transit: m.buysTransit });
    }
    const t = rows.find((x) => x.row === 'total')!;
    expect(t).toMatchObject({ bytes: report.ixp.bytes, p95_mbps: 104, transit_saved: 217, net_saved: 92, local_content_share: report.ixp.localContentShare, coverage: report.ixp.coverage });
  });
  it('escapes member text in HTML and neutralises formulas in CSV', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<script>');
    expect(html).toContain('Raajje &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toMatch(/<svg[^>]*aria-label="Aggregate traffic/);
    const evil = { ...report, members: [{ ...report.members[0]!, name: '=HYPERLINK("x")' }] };
    expect(renderCsv(evil)).toContain(`"'=HYPERLINK(""x"")"`);
  });
  it('JSON has the contract fields (CLI)', async () => {
    const j = JSON.parse(await capture(['--ixp', 'mvix', '--month', '2025-02', '--format', 'json', '--config', fx.configFile]));
    for (const k of ['bytes', 'p95InMbps', 'p95OutMbps', 'p95Mbps', 'transitSaved', 'netSaved', 'localContentShare', 'coverage']) expect(j.ixp).toHaveProperty(k);
    for (const k of ['bytes', 'p95InMbps', 'p95OutMbps', 'p95Mbps', 'transitSaved', 'netSaved', 'coverage']) expect(j.members[0]).toHaveProperty(k);
    expect(j.period.month).toBe('2025-02');
    expect(j.currency).toBe('USD');
    expect(j.method.p95).toContain('95th percentile');
    expect(j.ixp.p95Mbps).toBe(104);
  });
  it('PDF in French has the headline figures (chromium + pdftotext)', async () => {
    const out = path.join(tmp, 'r.pdf');
    await capture(['--ixp', 'all', '--month', '2025-02', '--format', 'pdf', '--lang', 'fr', '--out', out, '--config', fx.configFile]);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const { stdout } = await execFileP('pdftotext', ['-layout', out, '-']);
    const text = stdout.replace(/[\u00a0\u202f\s]+/g, ' ');
    expect(text).toContain("Rapport d'impact");
    expect(text).toContain('En février 2025, les membres de MVIX ont échangé localement 234,4 Go de trafic.');
    expect(text).toContain('217 $US');
    expect(text).toContain('non comparable : janvier 2025 a une couverture de < 1 %');
    // Categories, yes/no and month labels in French; bytes sent and received in two named columns.
    expect(text).toMatch(/Dhiraagu AS65003 FAI oui/);
    expect(text).toMatch(/Island CDN AS65002 contenu non/);
    expect(text).toContain("Octets envoyés dans l'IXP");
    expect(text).toContain("Octets reçus de l'IXP");
    expect(text).toContain('janv. 2025');
    expect(text).toContain('Le contenu local a représenté 16,0 % du trafic échangé.');
    expect(text).toContain('Méthodologie');
  }, 150_000); // Chromium starts in ~10 s on an idle two-core box, slower when other suites run
});

describe('MRTG history in a report', () => {
  it('says the figures come from coarser data', async () => {
    const dir = path.join(tmp, 'mrtg');
    mkdirSync(dir);
    const f = await makeFixture(dir);
    const { run: imp } = await import('../../../cli/commands/import.ts');
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try { expect(await imp(['mrtg', '--switch', 'sw1', '--port', 'et1', path.join(import.meta.dirname, '../../fixtures/mrtg/sw1-et1.log'), '--config', f.configFile])).toBe(0); } finally { o.mockRestore(); }
    // October 2024: only the MRTG log's 2-hour and daily rows cover et1.
    const j = JSON.parse(await capture(['--ixp', 'mvix', '--month', '2024-10', '--format', 'json', '--config', f.configFile]));
    expect(j.method.sources).toEqual(['mrtg']);
    expect(j.ixp.resolution).toBeGreaterThanOrEqual(7200);
    expect(j.availability.collectorsReporting).toBeNull();
    expect(j.headlines.at(-1)).toBe('Part of these figures comes from history at 1 day resolution (not 5 minutes), which understates the 95th percentile and the peak.');
    expect(j.ixp.coverage).toBeGreaterThan(0.9);
    const raajje = j.members.find((m: { asn: number }) => m.asn === 65001);
    expect(raajje.bytes).toBeGreaterThan(0);
    // December 2024: 5-minute rows exist for the last ~2 days, 30-minute before; no window counted twice.
    const d = JSON.parse(await capture(['--ixp', 'mvix', '--month', '2024-12', '--format', 'json', '--config', f.configFile]));
    expect(d.ixp.coverage).toBeLessThanOrEqual(1);
    expect(d.ixp.resolution).toBe(7200);
  });
  it('--ixp all on a central config: every IXP whose collector forwarded to its InfluxDB', async () => {
    const dir = path.join(tmp, 'all');
    mkdirSync(path.join(dir, 'other'), { recursive: true });
    const main = await makeFixture(dir);
    const other = await makeFixture(path.join(dir, 'other'), { name: 'Cabo Verde IX' });
    writeFileSync(other.configFile, readFileSync(other.configFile, 'utf8').replace('id: mvix', 'id: cvix').replace('currency: USD', 'currency: CVE'));
    const influx = await startInfluxDB();
    try {
      expect((await influx.query('CREATE DATABASE central')).results[0]?.error).toBeUndefined();
      const influxdb = { url: influx.url, api: 'v1' as const, database: 'central', batchSize: 5000, timeout: 30, gzip: false };
      // Each IXP's collector: its description (ixp_info, members, ports) and everything stored, forwarded.
      for (const f of [main, other]) {
        const cfg = loadConfig(f.configFile);
        const store = createStore(cfg.store);
        store.open();
        try {
          const members = resolveMembers(cfg, { db: store.db });
          syncMeta(store.db, { all: true, config: cfg, members }, NOW);
          const fw = createForwarder({ ...influxdb, ixp: cfg.ixp!.id, timezone: cfg.ixp!.timezone }, { store, tagsFor: (sw, port, t) => members.tagsFor(sw, port, t) });
          await fw.drain();
          await fw.stop();
        } finally { store.close(); }
      }
      const central = path.join(dir, 'central.yaml');
      writeFileSync(central, `influxdb:\n  url: ${influx.url}\n  api: v1\n  database: central\ndashboard:\n  reader: influxdb\n`);
      const csv = parseReportCsv(await capture(['--ixp', 'all', '--month', '2025-02', '--format', 'csv', '--config', central]));
      expect(csv.filter((r) => r.row === 'total').map((r) => [r.ixp, r.currency, r.transit_saved])).toEqual([['cvix', 'CVE', 217], ['mvix', 'USD', 217]]);
      const j = JSON.parse(await capture(['--ixp', 'all', '--month', '2025-02', '--format', 'json', '--config', central]));
      expect(j.reports.map((r: ReportModel) => r.ixp.name)).toEqual(['Cabo Verde IX', 'MVIX']);
      // The same figures as the local store's report of that IXP.
      const local = JSON.parse(await capture(['--ixp', 'mvix', '--month', '2025-02', '--format', 'json', '--config', main.configFile]));
      expect(j.reports[1].members).toEqual(local.members);
      expect(j.reports[1].ixp).toEqual(local.ixp);
    } finally { await influx.stop(); }
  }, 120_000);
  it('an unknown IXP is a clear error', async () => {
    await expect(run(['--ixp', 'nope', '--month', '2025-02', '--format', 'json', '--config', fx.configFile])).rejects.toThrow("--ixp: unknown IXP 'nope' (known: mvix, all)");
  });
});
