// The monthly report's sFlow section over a real store: the exchange's IPv6 share, each member's, and the local
// content share measured from the matrix beside the port-based one, computed by hand, in JSON, CSV and HTML (English
// and French), with headlines; a hostile member name stays text; a store without sFlow windows gives no section.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../collector/config/load.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import { writeP2pWindow } from '../../../collector/sflow/store.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createSqlitePeeringReader } from '../../../dashboard/readers/peering.ts';
import { buildReport, membersOfRegistry, parseReportCsv, renderCsv, renderHtml, renderJson, renderPdf, type ReportLang, type ReportModel } from '../../../dashboard/reports/index.ts';
import { execFileP } from '../../helpers/proc.ts';
import { makeFixture, NOW } from './fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-report-sflow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const EVIL = 'Raajje <script>alert(1)</script>';
// Each window: 10,000 bytes; 4,000 IPv6 (error 0.4 × 0.6 × √(1/800 + 1/1200) ≈ 1.1 %) (400 of its 1,000 samples); the content member (AS65002) sends 9,000 of them.
const ROWS = [
  { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 6000, packets: 6, samples: 600 },
  { src: 'AS65002', dst: 'AS65003', ipVersion: 'ipv6' as const, bytes: 3000, packets: 3, samples: 300 },
  { src: 'AS65001', dst: 'AS65003', ipVersion: 'ipv6' as const, bytes: 1000, packets: 1, samples: 100 },
];
const W1 = Date.UTC(2025, 1, 3, 10, 0), W2 = Date.UTC(2025, 1, 20, 22, 55);
let withSflow: (lang: ReportLang) => Promise<ReportModel>;
let without: ReportModel;

function builder(configFile: string, dbFile: string) {
  return async (lang: ReportLang) => {
    const cfg = loadConfig(configFile);
    const db = openDatabase(dbFile);
    try {
      return await buildReport({ reader: createSqliteReader(db), peering: createSqlitePeeringReader(db), ixp: cfg.ixp!, members: membersOfRegistry(resolveMembers(cfg, { db }), cfg.ixp!.transitPricePerMbps), month: '2025-02', lang, now: NOW });
    } finally { db.close(); }
  };
}

beforeAll(async () => {
  mkdirSync(path.join(tmp, 'a')); mkdirSync(path.join(tmp, 'b'));
  const a = await makeFixture(path.join(tmp, 'a'), { alias65001: EVIL });
  const db = openDatabase(a.dbFile);
  try {
    for (const t of [W1, W2]) writeP2pWindow(db, a.dbFile, { t, switch: 'sw1', rows: ROWS, datagrams: 20, samples: 1000, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 512, rateMax: 512 });
    // A window of March is not February's.
    writeP2pWindow(db, a.dbFile, { t: Date.UTC(2025, 2, 2), switch: 'sw1', rows: [{ ...ROWS[0]!, bytes: 1e9 }], datagrams: 1, samples: 5, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 64, rateMax: 64 });
  } finally { db.close(); }
  withSflow = builder(a.configFile, a.dbFile);
  const b = await makeFixture(path.join(tmp, 'b'));
  without = await builder(b.configFile, b.dbFile)('en');
});

describe('report: IPv6 share and measured local content (sFlow)', () => {
  it('computes the section by hand (JSON contract)', async () => {
    const r = (await withSflow('en'));
    const p = JSON.parse(renderJson(r)).peering as NonNullable<ReportModel['peering']>;
    expect(p.totalBytes).toBe(20_000);
    expect(p.ipv6.share).toBeCloseTo(0.4, 12);
    expect(p.ipv6.error).toBeCloseTo(0.4 * 0.6 * Math.sqrt(1 / 800 + 1 / 1200), 12);
    expect(p.localContent.share).toBeCloseTo(0.9, 12);
    expect(p.localContent.error).toBeCloseTo(0.9 * 0.1 * Math.sqrt(1 / 1800 + 1 / 200), 12);
    // February 2025 is complete: 28 days of 288 windows.
    expect(p.coverage).toEqual({ windows: 2, expectedWindows: 28 * 288, share: 2 / (28 * 288), samples: 2000, rateMin: 512, rateMax: 512 });
    const m1 = p.members.find((m) => m.asn === 65001)!;
    // AS65001 sent 1,000 (IPv6) and received 6,000 (IPv4) per window.
    expect(m1).toMatchObject({ name: EVIL, bytes: 14_000, ipv6Bytes: 2000, samples: 1400 });
    expect(m1.ipv6Share).toBeCloseTo(1 / 7, 12);
    expect(m1.ipv6Error).toBeGreaterThan(0);
    expect(p.members.find((m) => m.asn === 65003)!.ipv6Share).toBe(1);
    expect(p.method).toMatch(/IPv6 bytes over all bytes in the matrix/);
  });

  it('headlines give both shares with their error, sampling rate and coverage, beside the port-based figure', async () => {
    const r = (await withSflow('en'));
    expect(r.ixp.localContentShare).toBeCloseTo(0.16, 12);
    expect(r.headlines).toContain('IPv6 made up 40.0% (± 1.1%) of the traffic exchanged at MVIX in February 2025, measured from sFlow samples (1:512, 2,000 samples, 0.0% of the 5-minute windows).');
    expect(r.headlines).toContain('Measured from the peer-to-peer matrix, content members sent 90.0% (± 0.7%) of the bytes exchanged (port counters: 16.0%).');
    const fr = (await withSflow('fr'));
    expect(fr.headlines.some((h) => /^L'IPv6 a représenté 40,0\s%/u.test(h))).toBe(true);
    expect(fr.peering!.method).toMatch(/^D'après les échantillons sFlow v5/);
  });

  it('CSV: the total row carries the shares, member rows their IPv6 share', async () => {
    const rows = parseReportCsv(renderCsv((await withSflow('en'))));
    const total = rows.find((x) => x.row === 'total')!;
    expect(total.ipv6_share).toBeCloseTo(0.4, 12);
    expect(total.measured_local_content_share).toBeCloseTo(0.9, 12);
    expect(total.local_content_share).toBeCloseTo(0.16, 12);
    expect(total).toMatchObject({ sflow_samples: 2000, sflow_rate_min: 512, sflow_rate_max: 512 });
    expect(rows.find((x) => x.asn === 65001)!.ipv6_share).toBeCloseTo(1 / 7, 12);
    expect(rows.find((x) => x.asn === 65001)!.measured_local_content_share).toBeNull();
  });

  it('HTML: the measured row beside the port-based one, each member\'s IPv6 share, the method; names escaped', async () => {
    const html = renderHtml((await withSflow('en')));
    const content = html.indexOf('data-testid="fig-sflow-content"');
    expect(content).toBeGreaterThan(html.indexOf('<th>Local content share</th>'));
    expect(html.slice(content, html.indexOf('</tr>', content))).toMatch(/90\.0% ± 0\.7%.*port counters: 16\.0%.*sampling rate 1:512/);
    expect(html).toMatch(/data-testid="fig-sflow-ipv6"><th>IPv6 share \(sFlow\)<\/th><td class="n">40\.0% ± 1\.1%/);
    expect(html).toMatch(/data-testid="ipv6-member-65001"><td>Raajje &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>.*14\.0 kB.*2\.0 kB.*14\.3%/);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('data-testid="sflow-method"');
    const pt = renderHtml((await withSflow('pt')));
    expect(pt).toContain('Quota IPv6 por membro (sFlow)');
  });

  it('PDF (French): the section is printed (chromium + pdftotext)', async () => {
    const out = path.join(tmp, 'r.pdf');
    writeFileSync(out, await renderPdf(renderHtml((await withSflow('fr')))));
    const { stdout } = await execFileP('pdftotext', ['-layout', out, '-']);
    const text = stdout.replace(/[\u00a0\u202f\s]+/g, ' ');
    expect(text).toContain('Part IPv6 par membre (sFlow)');
    expect(text).toContain("L'IPv6 a représenté 40,0 % (± 1,1 %) du trafic échangé à MVIX en février 2025");
    expect(text).toContain('Part du contenu local, mesurée 90,0 % ± 0,7 % compteurs des ports: 16,0 %');
  }, 60_000);

  it('a store without sFlow windows gives no section, no sFlow headline and empty CSV cells', async () => {
    expect(without.peering).toBeUndefined();
    expect(without.headlines.join(' ')).not.toMatch(/IPv6|peer-to-peer/);
    expect(renderHtml(without)).not.toContain('sflow-section');
    const total = parseReportCsv(renderCsv(without)).find((x) => x.row === 'total')!;
    expect(total.ipv6_share).toBeNull();
    expect(total.sflow_samples).toBeNull();
  });
});
