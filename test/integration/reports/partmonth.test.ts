// Part-month figures through the CLI (`ixmeter report`) and through the API of a real dashboard server over the same
// store, equal to each other and to answers computed by hand (arithmetic in the comments; data in partmonth-fixture.ts):
// a member joining on the 11th and one leaving on the 20th of October 2026, November in progress on day 10 (so far
// and projected, growth like for like), growth that is not comparable, and annual reports (2025 with a member joining
// in March; 2026 in progress).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../collector/config/load.ts';
import { run } from '../../../cli/commands/report.ts';
import { createDashboard } from '../../../dashboard/server/index.ts';
import { createUserStore, hashPassword } from '../../../dashboard/server/users.ts';
import type { ImpactResponse, MembersResponse, SummaryResponse } from '../../../dashboard/api.ts';
import type { AnnualReportModel, ReportModel } from '../../../dashboard/reports/index.ts';
import { monthFixture, NOW, yearFixture } from './partmonth-fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-partmonth-'));
const servers: { stop(): Promise<void> }[] = [];
let monthCfg: string;
let yearCfg: string;
let monthUrl: string;
let yearUrl: string;
let cookie: string;
let yearCookie: string;

async function start(configFile: string): Promise<string> {
  const hash = await hashPassword('correct horse');
  const d = createDashboard(loadConfig(configFile), {
    now: () => NOW, listen: '127.0.0.1:0', webDir: '/nonexistent',
    users: createUserStore([{ username: 'rep', role: 'reporter', hash }]),
  });
  servers.push(d);
  return (await d.start()).replace(/\/$/, '');
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'rep', password: 'correct horse' }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function api<T>(base: string, c: string, url: string): Promise<T> {
  const res = await fetch(base + url, { headers: { cookie: c } });
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

async function cli(argv: string[]): Promise<string> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  try { expect(await run(argv, { now: () => NOW })).toBe(0); return out; } finally { o.mockRestore(); }
}

beforeAll(async () => {
  delete process.env.PORT;
  mkdirSync(path.join(tmp, 'month'));
  mkdirSync(path.join(tmp, 'year'));
  monthCfg = (await monthFixture(path.join(tmp, 'month'))).configFile;
  yearCfg = (await yearFixture(path.join(tmp, 'year'))).configFile;
  monthUrl = await start(monthCfg);
  yearUrl = await start(yearCfg);
  cookie = await login(monthUrl);
  yearCookie = await login(yearUrl);
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
});

const by = <T extends { asn: number }>(xs: T[]) => new Map(xs.map((x) => [x.asn, x]));

describe('October 2026: a member joining on the 11th, another leaving on the 20th (31 days)', () => {
  let r: ReportModel;
  beforeAll(async () => { r = JSON.parse(await cli(['--ixp', 'mvix', '--month', '2026-10', '--format', 'json', '--config', monthCfg])); });

  it('P95 over connected samples, savings and fees pro-rated (CLI)', () => {
    const m = by(r.members);
    // A: connected 11..31 = 21 days. Its windows: in 1..20 (the 1000 Mbit/s one at 23:55 on the 10th ends at the join
    // midnight: not its) → drop 1 → 19; out 2 → 19. Bill 19 × 10 = 190 × 21/31 = 3990/31 ≈ 128.71; fee 62 × 21/31 = 42;
    // net 3990/31 − 42 = 2688/31 ≈ 86.71.
    expect(m.get(65001)).toMatchObject({ p95Mbps: 19, connectedShare: 21 / 31, portFee: 42 });
    expect(m.get(65001)!.transitSaved).toBeCloseTo(3990 / 31, 9);
    expect(m.get(65001)!.netSaved).toBeCloseTo(2688 / 31, 9);
    // B: connected 1..19 = 19 days. out 1..40 → drop 2 → 38 (the 500 at 00:00 on the 20th is not its); in 5 → 38.
    // Bill 38 × 20 = 760 × 19/31 = 14440/31 ≈ 465.81; fee 93 × 19/31 = 57; net 12673/31 ≈ 408.81.
    expect(m.get(65002)).toMatchObject({ p95Mbps: 38, connectedShare: 19 / 31, portFee: 57 });
    expect(m.get(65002)!.transitSaved).toBeCloseTo(14440 / 31, 9);
    expect(m.get(65002)!.netSaved).toBeCloseTo(12673 / 31, 9);
    // C: content, buys no transit: 0. Whole month connected.
    expect(m.get(65003)).toMatchObject({ transitSaved: 0, netSaved: 0, connectedShare: 1, category: 'content' });
  });
  it('the IXP total (CLI)', () => {
    // 3990/31 + 14440/31 = 18430/31 ≈ 594.52; fees 42 + 57 = 99; net 18430/31 − 99 = 15361/31 ≈ 495.52.
    expect(r.ixp.transitSaved).toBeCloseTo(18430 / 31, 9);
    expect(r.ixp.netSaved).toBeCloseTo(15361 / 31, 9);
    expect(r.ixp.portFees).toBeCloseTo(99, 9);
    expect(r.period).toMatchObject({ complete: true, elapsedShare: 1 });
    expect(r.ixp).not.toHaveProperty('transitSavedProjected');
    expect(r.version).toBe(2);
  });
  it('growth on a month with no data is not comparable, with the reason', () => {
    expect(r.growth.previousMonth).toMatchObject({ month: '2026-09', change: null, reason: 'not comparable: September 2026 has 0 % coverage' });
  });
  it('the API gives the same figures (summary, members, impact, report)', async () => {
    const s = await api<SummaryResponse>(monthUrl, cookie, '/api/ixps/mvix/summary?month=2026-10');
    expect(s.transitSaved).toBeCloseTo(r.ixp.transitSaved, 9);
    expect(s.netSaved).toBeCloseTo(r.ixp.netSaved, 9);
    expect(s.period).toMatchObject({ complete: true, elapsedShare: 1 });
    expect(s).not.toHaveProperty('transitSavedProjected');
    const ms = by((await api<MembersResponse>(monthUrl, cookie, '/api/ixps/mvix/members?month=2026-10')).members);
    for (const m of r.members) {
      const a = ms.get(m.asn)!;
      expect([a.transitSaved, a.netSaved, a.portFee, a.connectedShare, a.p95.mbps, a.bytes]).toEqual(
        [expect.closeTo(m.transitSaved, 9), expect.closeTo(m.netSaved, 9), expect.closeTo(m.portFee, 9), expect.closeTo(m.connectedShare, 12), m.p95Mbps, expect.closeTo(m.bytes, 0)]);
    }
    const imp = await api<ImpactResponse>(monthUrl, cookie, '/api/impact?month=2026-10');
    expect(imp.ixps[0]).toMatchObject({ growth: null, growthReason: 'not comparable: September 2026 has 0 % coverage', complete: true });
    expect(imp.ixps[0]!.transitSaved).toBeCloseTo(18430 / 31, 9);
    // The report from the dashboard is the CLI's, byte for byte.
    const res = await fetch(`${monthUrl}/api/ixps/mvix/report?month=2026-10&format=json`, { headers: { cookie } });
    expect(await res.json()).toEqual(r);
  });
});

describe('November 2026 in progress, on day 10 (00:00 on the 10th: 9 of 30 days elapsed)', () => {
  let r: ReportModel;
  beforeAll(async () => { r = JSON.parse(await cli(['--ixp', 'mvix', '--month', '2026-11', '--format', 'json', '--config', monthCfg])); });

  it('so far and projected (CLI)', () => {
    expect(r.period).toMatchObject({ complete: false, elapsedShare: 0.3 });
    const a = by(r.members).get(65001)!;
    // A: 30 windows in 1..30 → drop 1 → 29; bill 29 × 10 = 290. So far × 9/30: 87; fee 62 × 0.3 = 18.6; net 68.4.
    // Projected: 290, fee 62, net 228.
    expect(a.connectedShare).toBeCloseTo(0.3, 12);
    expect(a.transitSaved).toBeCloseTo(87, 9);
    expect(a.netSaved).toBeCloseTo(68.4, 9);
    expect(a.transitSavedProjected).toBeCloseTo(290, 9);
    expect(a.netSavedProjected).toBeCloseTo(228, 9);
    // B left in October: not a November member.
    expect(by(r.members).has(65002)).toBe(false);
    expect(r.ixp.transitSaved).toBeCloseTo(87, 9);
    expect(r.ixp.transitSavedProjected).toBeCloseTo(290, 9);
    expect(r.ixp.netSavedProjected).toBeCloseTo(228, 9);
    expect(r.headlines.at(-1)).toBe('November 2026 is in progress (30.0% elapsed): US$87 saved so far; projected for the whole month if traffic goes on: US$290 (US$228 net).');
  });
  it('growth like for like: 1-9 November against 1-9 October', () => {
    // October 1-9: C only (A joined on the 11th, B's windows are on the 19th): 8 Mbit/s × 9 × 86400 s / 8 = 7.776e11 B.
    // November 1-9: C 7.776e11 + A (1 + … + 30) × 1e6 × 300 / 8 = 465 × 3.75e7 = 1.74375e10.
    // Change = 1.74375e10 / 7.776e11 ≈ 0.022425; both sides fully covered.
    expect(r.growth.previousMonth.bytes).toBeCloseTo(7.776e11, 0);
    expect(r.growth.previousMonth.change).toBeCloseTo(1.74375e10 / 7.776e11, 12);
    expect(r.growth.previousMonth.coverage).toBe(1);
    expect(r.growth.previousYear).toMatchObject({ month: '2025-11', change: null, reason: 'not comparable: November 2025 has 0 % coverage' });
  });
  it('the API gives the same so-far and projected figures and the same growth', async () => {
    const s = await api<SummaryResponse>(monthUrl, cookie, '/api/ixps/mvix/summary?month=2026-11');
    expect(s.period).toMatchObject({ complete: false, elapsedShare: 0.3 });
    expect(s.transitSaved).toBeCloseTo(r.ixp.transitSaved, 9);
    expect(s.netSaved).toBeCloseTo(r.ixp.netSaved, 9);
    expect(s.transitSavedProjected).toBeCloseTo(r.ixp.transitSavedProjected!, 9);
    expect(s.netSavedProjected).toBeCloseTo(r.ixp.netSavedProjected!, 9);
    const a = by((await api<MembersResponse>(monthUrl, cookie, '/api/ixps/mvix/members?month=2026-11')).members).get(65001)!;
    expect(a.transitSavedProjected).toBeCloseTo(290, 9);
    expect(a.netSavedProjected).toBeCloseTo(228, 9);
    const imp = await api<ImpactResponse>(monthUrl, cookie, '/api/impact?month=2026-11');
    expect(imp.ixps[0]!.growth).toBeCloseTo(r.growth.previousMonth.change!, 12);
    expect(imp.ixps[0]!.bytesPrevMonth).toBeCloseTo(7.776e11, 0);
    expect(imp.ixps[0]).toMatchObject({ complete: false, elapsedShare: 0.3 });
    // With no month, the impact overview opens on the last complete month.
    expect((await api<ImpactResponse>(monthUrl, cookie, '/api/impact')).month).toBe('2026-10');
  });
  it('since launch adds the so-far figures of its months', async () => {
    const s = await api<SummaryResponse>(monthUrl, cookie, `/api/ixps/mvix/summary?from=${Date.UTC(2026, 9, 1)}&to=${NOW}`);
    // October 18430/31 + November so far 87.
    expect(s.transitSaved).toBeCloseTo(18430 / 31 + 87, 9);
  });
  it('the year in progress says so and sums the months so far', async () => {
    const y: AnnualReportModel = JSON.parse(await cli(['--ixp', 'mvix', '--year', '2026', '--format', 'json', '--config', monthCfg]));
    expect(y.period.complete).toBe(false);
    expect(y.months.map((m) => m.month)).toEqual(Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    expect(y.months.at(-1)).toMatchObject({ complete: false });
    expect(y.months.at(-1)!.transitSavedProjected).toBeCloseTo(290, 9);
    expect(y.ixp.transitSaved).toBeCloseTo(18430 / 31 + 87, 9);
    // 1 January to 10 November: 31+28+31+30+31+30+31+31+30+31+9 = 313 of 365 days = 85.75 %.
    expect(y.period.elapsedShare).toBeCloseTo(313 / 365, 12);
    expect(y.headlines).toContain('2026 is in progress (85.8% elapsed): figures up to now.');
  });
});

describe('annual report 2025, a member joining in March', () => {
  let y: AnnualReportModel;
  beforeAll(async () => { y = JSON.parse(await cli(['--ixp', 'yix', '--year', '2025', '--format', 'json', '--config', yearCfg])); });

  it('sums the months (CLI)', () => {
    expect(y.kind).toBe('ixmeter-annual-report');
    expect(y.period).toMatchObject({ year: 2025, complete: true, elapsedShare: 1 });
    expect(y.months).toHaveLength(12);
    const m = by(y.members);
    // X: month m's P95 is its one window, m Mbit/s → saves 10m; Σ 10 × 78 = 780; fee 12 × 10 = 120; net 660.
    expect(m.get(65101)!.transitSaved).toBeCloseTo(780, 9);
    expect(m.get(65101)!.portFee).toBeCloseTo(120, 9);
    expect(m.get(65101)!.netSaved).toBeCloseTo(660, 9);
    expect(m.get(65101)!.connectedShare).toBeCloseTo(1, 12);
    // Y joined 11 March: March connected 21/31, P95 20 (the 1000 at 23:55 on the 10th is not its) → 200 × 21/31 = 4200/31,
    // fee 31 × 21/31 = 21; April..December 9 × 200 = 1800, fees 9 × 31 = 279. Σ saved 1800 + 4200/31 ≈ 1935.48,
    // fees 300, net 1500 + 4200/31. Connected 21 + 275 days of 365.
    expect(m.get(65102)!.transitSaved).toBeCloseTo(1800 + 4200 / 31, 9);
    expect(m.get(65102)!.portFee).toBeCloseTo(300, 9);
    expect(m.get(65102)!.netSaved).toBeCloseTo(1500 + 4200 / 31, 9);
    expect(m.get(65102)!.connectedShare).toBeCloseTo(296 / 365, 12);
    // March: X 30 + Y 4200/31. January has one member, March two.
    expect(y.months[2]!.transitSaved).toBeCloseTo(30 + 4200 / 31, 9);
    expect(y.months.map((x) => x.members)).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    // IXP: 780 + 1800 + 4200/31 = 2580 + 4200/31; fees 420; net 2160 + 4200/31.
    expect(y.ixp.transitSaved).toBeCloseTo(2580 + 4200 / 31, 9);
    expect(y.ixp.portFees).toBeCloseTo(420, 9);
    expect(y.ixp.netSaved).toBeCloseTo(2160 + 4200 / 31, 9);
    // Bytes: X 78 × 1e6 × 300/8 = 2.925e9; Y 10 windows × 20e6 × 300/8 = 7.5e9 → 1.0425e10.
    expect(y.ixp.bytes).toBeCloseTo(1.0425e10, 0);
    expect(y.membership.joined).toEqual([{ asn: 65102, name: 'Lagoon ISP', joined: '2025-03-11' }]);
    expect(y.growth.previousYear).toMatchObject({ year: 2024, change: null, reason: 'not comparable: 2024 has 0 % coverage' });
  });
  it('the API gives the same report; CSV and HTML in French', async () => {
    const res = await fetch(`${yearUrl}/api/ixps/yix/report?year=2025&format=json`, { headers: { cookie: yearCookie } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(y);
    const csv = await cli(['--ixp', 'yix', '--year', '2025', '--format', 'csv', '--config', yearCfg]);
    const lines = csv.trim().split('\r\n');
    // Header, 12 months, 2 members, 1 total.
    expect(lines).toHaveLength(16);
    expect(lines.at(-1)!.startsWith('yix,2025,USD,total,,,Year IX,,,10425000000,')).toBe(true);
    const html = await cli(['--ixp', 'yix', '--year', '2025', '--format', 'html', '--lang', 'fr', '--config', yearCfg]);
    expect(html).toContain('Rapport d&#39;impact annuel — Year IX');
    expect(html).toContain('Lagoon ISP (AS65102, 2025-03-11)');
    expect(html).toContain('non comparable : 2024 a une couverture de 0 %');
    expect(html).toContain('mars 2025');
    expect(html).toContain('<td>FAI</td><td>oui</td>');
  });
  it('a bad year is a usage error', async () => {
    await expect(run(['--ixp', 'yix', '--year', '25', '--format', 'json', '--config', yearCfg])).rejects.toThrow("--year: '25' is not YYYY");
    await expect(run(['--ixp', 'yix', '--year', '2025', '--month', '2025-01', '--format', 'json', '--config', yearCfg])).rejects.toThrow('not both');
    const res = await fetch(`${yearUrl}/api/ixps/yix/report?year=twenty&format=json`, { headers: { cookie: yearCookie } });
    expect(res.status).toBe(400);
  });
});
