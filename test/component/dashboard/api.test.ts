// The dashboard API over a real SQLite store: figures for a month computed by hand, who sees what per role,
// sessions and the login rate limit, security headers, and clear 4xx answers (never 500) for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../dashboard/server/app.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { hashPassword, type UserRecord } from '../../../dashboard/server/users.ts';
import type { MembersResponse, MemberDetailResponse, SummaryResponse, TrafficResponse, PortDetailResponse, NowResponse, ImpactResponse, IxpsResponse } from '../../../dashboard/api.ts';
import { contexts, FIXTURE_CONFIG, NOW, sqliteStore, XSS } from './fixture.ts';
import { refreshFigures } from '../../../collector/store/figures.ts';

interface Srv { base: string; server: Server }
async function listen(app: ReturnType<typeof createApp>): Promise<Srv> {
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const store = sqliteStore();
let users: UserRecord[];
let main: Srv;
let pub: Srv;

beforeAll(async () => {
  await store.ready;
  const hash = await hashPassword('correct horse');
  users = [
    { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash },
    { username: 'op', role: 'operator', ixp: 'tix', hash },
    { username: 'op2', role: 'operator', ixp: 'priv', hash },
    { username: 'rep', role: 'reporter', hash },
    { username: 'adm', role: 'admin', hash },
  ];
  const mk = (publicMembers: boolean) => createApp({
    service: createService({ reader: createSqliteReader(store.db), ixps: contexts(publicMembers), now: () => NOW }),
    users: { find: (n) => users.find((u) => u.username === n) }, readerKind: 'sqlite', now: () => NOW, webDir: '/nonexistent', loginLimit: 5,
    routes: [({ principal }) => Router().get('/api/extra', (req, res) => { res.json({ role: principal(req).role }); })],
  });
  main = await listen(mk(false));
  pub = await listen(mk(true));
});

afterAll(async () => {
  for (const s of [main, pub]) if (s) await new Promise((r) => s.server.close(r));
  store.cleanup();
});

async function get<T = unknown>(url: string, cookie?: string, base = main.base): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(base + url, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

async function login(username: string, password = 'correct horse', base = main.base): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const c = res.headers.get('set-cookie')!;
  return c.split(';')[0]!;
}

describe('figures (January 2026, computed by hand)', () => {
  it('summary', async () => {
    const { status, body } = await get<SummaryResponse>('/api/ixps/tix/summary?month=2026-01');
    expect(status).toBe(200);
    // 31 days × 86400 s / 8 = 334,800 byte-seconds per bit/s. Members send in: A 30, B 4 (30 days), C 50, D 1 Mbit/s.
    // A 30e6 × 334800 = 1.0044e13; B 4e6 × 324000 = 1.296e12; C 50e6 × 334800 = 1.674e13; D 1e6 × 334800 = 3.348e11.
    // Σ = 2.84148e13 (the uplink, no member, is not counted).
    expect(body.bytes).toBeCloseTo(2.84148e13, -3);
    // Saved: A max(30, 10) × 10 = 300; B max(4, 8) × 20 (override) = 160; C content = 0; D (ifAlias) 1 × 10 = 10 → 470.
    expect(body.transitSaved).toBeCloseTo(470, 6);
    // Net: A pays 100/month → 200; others pay nothing → 200 + 160 + 10 = 370.
    expect(body.netSaved).toBeCloseTo(370, 6);
    // Content share: 1.674e13 / 2.84148e13 = 0.58913...
    expect(body.localContentShare).toBeCloseTo(1.674e13 / 2.84148e13, 9);
    // Aggregate in: 85 Mbit/s (81 on 10 January, 288 of 8928 windows); drop floor(8928 × 0.05) = 446 → 85.
    // Out: 5+5+8+1+1 = 20 (12 on the 10th) → 20. Billable 85. Peak 85 Mbit/s × 10 = 850 (older method).
    expect(body.p95).toEqual({ inMbps: 85, outMbps: 20, mbps: 85, samples: 8928 });
    expect(body.peakBps).toBe(85e6);
    expect(body.peakMethodSaved).toBeCloseTo(850, 6);
    expect(body.coverage).toBe(1);
    expect(body.members).toBe(4);
    expect([body.portsUp, body.portsTotal]).toEqual([4, 5]);
    expect(body.source).toEqual({ kind: 'rollup', resolution: 300 });
    expect(body.period).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1), preset: 'month', timezone: 'UTC', complete: true, elapsedShare: 1 });
  });

  it('members (operator), with per-member figures and coverage', async () => {
    const c = await login('op');
    const { body } = await get<MembersResponse>('/api/ixps/tix/members?month=2026-01', c);
    const by = new Map(body.members.map((m) => [m.asn, m]));
    expect([...by.keys()]).toEqual([65001, 65002, 65003, 65004]);
    expect(by.get(65001)!.p95.mbps).toBe(30);
    expect(by.get(65001)!.netSaved).toBeCloseTo(200, 6);
    expect(by.get(65002)!.transitSaved).toBeCloseTo(160, 6);
    // B misses one day of 31: coverage 30/31
    expect(by.get(65002)!.coverage).toBeCloseTo(30 / 31, 9);
    expect(by.get(65003)!.buysTransit).toBe(false);
    expect(by.get(65003)!.transitSaved).toBe(0);
    // The ifAlias member's name is returned as plain JSON text, unchanged (the page escapes it).
    expect(by.get(65004)!.name).toBe(XSS);
    // Utilisation: et4 carries 50 of 10,000 Mbit/s = 0.005; et5: 1 of 10 = 0.1
    expect(by.get(65003)!.maxUtil).toBeCloseTo(0.005, 9);
    expect(by.get(65004)!.portsOver80).toBe(0);
  });

  it('imported MRTG history (30-minute rows) is used where no 5-minute data exists, and says so', async () => {
    // Two 1800-s rows for et1 on 2025-12-31 (before the 5-minute data): 12 and 20 Mbit/s in, 6 out.
    const id = (store.db.prepare("SELECT id FROM ports WHERE name = 'et1'").get() as { id: number }).id;
    const ins = store.db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage, source) VALUES (?, 1800, ?, ?, 6e6, 1, 'mrtg')`);
    ins.run(id, Date.UTC(2025, 11, 31, 10), 12e6);
    ins.run(id, Date.UTC(2025, 11, 31, 10, 30), 20e6);
    // As `ixmeter import mrtg` does after writing history into the past: the collector's figures of that span.
    await refreshFigures(store.db, FIXTURE_CONFIG, Date.UTC(2025, 11, 31, 10), Date.UTC(2025, 11, 31, 11));
    const { body } = await get<SummaryResponse>('/api/ixps/tix/summary?month=2025-12');
    // P95 of 2 samples drops floor(0.1) = 0 → 20 Mbit/s; AS65001 saves 20 × 10 = 200, net 200 − 100 = 100.
    expect(body.p95).toEqual({ inMbps: 20, outMbps: 6, mbps: 20, samples: 2 });
    expect(body.transitSaved).toBeCloseTo(200, 6);
    expect(body.netSaved).toBeCloseTo(100, 6);
    expect(body.source.resolution).toBe(1800);
    expect(body.methodology).toContain('p95-coarse-resolution');
    // 2 × 1800 s of 31 days measured: coverage = 3600 / 2678400
    expect(body.coverage).toBeCloseTo(3600 / 2678400, 12);
    // bytes: (12e6 + 20e6) × 1800 / 8 = 7.2e9
    expect(body.bytes).toBeCloseTo(7.2e9, 0);
  });

  it('traffic series of the day from raw rates, gaps as null', async () => {
    const { body } = await get<TrafficResponse>('/api/ixps/tix/traffic?period=24h&step=60');
    expect(body.source.kind).toBe('raw');
    expect(body.t.length).toBe(1440);
    const last = body.inBps.filter((v) => v !== null).at(-1);
    expect(last).toBe(85e6);
    expect(body.inBps[0]).toBeNull(); // before the first raw rate
  });

  it('the banner', async () => {
    const { body } = await get<NowResponse>('/api/ixps/tix/now');
    expect(body.inBps).toBe(85e6);
    expect(body.portsTotal).toBe(5);
    expect(body.stale).toBe(false);
    expect(body.collectors.find((c) => c.switch === 'sw2')?.ok).toBe(false);
  });
});

describe('who sees what', () => {
  it('nobody: public aggregate only; 401 for members, ports and private IXPs', async () => {
    expect((await get<IxpsResponse>('/api/ixps')).body.ixps.map((i) => i.id)).toEqual(['tix']);
    expect((await get('/api/ixps/tix/summary')).status).toBe(200);
    expect((await get('/api/ixps/tix/members')).status).toBe(401);
    expect((await get('/api/ixps/tix/members/65001')).status).toBe(401);
    expect((await get('/api/ixps/tix/ports/sw1/et1')).status).toBe(401);
    expect((await get('/api/ixps/priv/summary')).status).toBe(401);
    expect((await get('/api/impact')).status).toBe(401);
  });

  it('nobody with publicMembers: member rows and pages, never ports', async () => {
    const m = await get<MembersResponse>('/api/ixps/tix/members?month=2026-01', undefined, pub.base);
    expect(m.status).toBe(200);
    expect(m.body.members.length).toBe(4);
    const d = await get<MemberDetailResponse>('/api/ixps/tix/members/65001?month=2026-01', undefined, pub.base);
    expect(d.status).toBe(200);
    expect(d.body.ports).toEqual([]);
    expect((await get('/api/ixps/tix/ports/sw1/et1', undefined, pub.base)).status).toBe(401);
  });

  it('member: own rows, page and ports; 403 for another member', async () => {
    const c = await login('m1');
    const rows = await get<MembersResponse>('/api/ixps/tix/members?month=2026-01', c);
    expect(rows.body.members.map((m) => m.asn)).toEqual([65001]);
    const own = await get<MemberDetailResponse>('/api/ixps/tix/members/65001?month=2026-01&months=2', c);
    expect(own.status).toBe(200);
    expect(own.body.ports.map((p) => p.port)).toEqual(['et1', 'et2']);
    expect(own.body.history.map((h) => h.month)).toEqual(['2026-01', '2026-02']);
    expect(own.body.history[0]!.netSaved).toBeCloseTo(200, 6);
    expect((await get('/api/ixps/tix/members/65002', c)).status).toBe(403);
    expect((await get('/api/ixps/tix/ports/sw1/et1', c)).status).toBe(200);
    expect((await get('/api/ixps/tix/members/65001/ports/sw1/et2', c)).status).toBe(200);
    expect((await get('/api/ixps/tix/ports/sw1/et3', c)).status).toBe(403);
    expect((await get('/api/ixps/tix/members/65002/ports/sw1/et3', c)).status).toBe(403);
    expect((await get('/api/ixps/tix/members/65001/ports/sw1/et3', c)).status).toBe(404);
    expect((await get('/api/ixps/tix/ports/sw1/uplink', c)).status).toBe(403);
    expect((await get('/api/ixps/priv/members', c)).status).toBe(403);
    expect((await get('/api/impact', c)).status).toBe(403);
  });

  it('operator: its IXP in full, not another', async () => {
    const c = await login('op');
    const p = await get<PortDetailResponse>('/api/ixps/tix/ports/sw1/et5?period=day', c);
    expect(p.status).toBe(200);
    expect(p.body.member).toEqual({ asn: 65004, name: XSS });
    expect(p.body.operUp.filter((v) => v !== null).every((v) => v === 0)).toBe(true);
    expect((await get('/api/ixps/tix/ports/sw1/uplink', c)).status).toBe(200);
    expect((await get('/api/ixps/tix/ports/sw1/nope', c)).status).toBe(404);
    const imp = await get<ImpactResponse>('/api/impact?month=2026-01', c);
    expect(imp.body.ixps.map((i) => i.ixp)).toEqual(['tix']);
    const c2 = await login('op2');
    expect((await get('/api/ixps/tix/summary', c2)).status).toBe(200); // tix's public aggregate
    expect((await get('/api/ixps/tix/members', c2)).status).toBe(403); // but not its members
  });

  it('reporter: every IXP and member figures, no ports; admin: everything', async () => {
    const c = await login('rep');
    const imp = await get<ImpactResponse>('/api/impact?month=2026-02', c);
    expect(imp.status).toBe(200);
    expect(imp.body.ixps.map((i) => i.ixp)).toEqual(['tix', 'priv']);
    // Like for like: February so far (1 Feb 00:00 to 10 Feb 12:00, 9.5 days) against 1 Jan 00:00 to 10 Jan 12:00.
    // In Mbit/s × days: January 85 × 9.5 − 4 × 0.5 (B has no data on 10 January) = 805.5; February 85 × 9.5 less
    // its last 5-minute window (11:55, not closed at NOW) = 807.5 − 85/288. Growth = Feb / Jan − 1.
    const row = imp.body.ixps[0]!;
    expect(row.growth!).toBeCloseTo((807.5 - 85 / 288) / 805.5 - 1, 9);
    expect(row).toMatchObject({ complete: false, elapsedShare: 9.5 / 28 });
    expect(row.bytesPrevMonth).toBeCloseTo(805.5e6 * 86400 / 8, -3);
    expect((await get('/api/ixps/priv/members/65002', c)).status).toBe(200);
    expect((await get('/api/ixps/tix/ports/sw1/et1', c)).status).toBe(403);
    const a = await login('adm');
    expect((await get('/api/ixps/priv/ports/sw1/et1', a)).status).toBe(200);
  });
});

describe('sessions and headers', () => {
  it('log in, who am I, log out; extra routers see the same principal', async () => {
    const c = await login('m1');
    expect((await get('/api/extra', c)).body).toEqual({ role: 'member' });
    expect((await get('/api/extra')).body).toEqual({ role: 'public' });
    expect((await get('/api/session', c)).body).toEqual({ username: 'm1', role: 'member', ixp: 'tix', asns: [65001] });
    const out = await fetch(`${main.base}/api/session`, { method: 'DELETE', headers: { cookie: c } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await get('/api/session', c)).body).toEqual({ username: null, role: 'public' });
    expect((await get('/api/ixps/tix/members/65001', c)).status).toBe(401);
  });

  it('cookie attributes and security headers', async () => {
    const res = await fetch(`${main.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'adm', password: 'correct horse' }) });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain http, no trusted proxy
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('wrong password 401, then the rate limit answers 429', async () => {
    const attempt = (password: string) => fetch(`${main.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'rep', password }) });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await attempt('wrong password')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await attempt('correct horse');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${main.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'x' }) })).status).toBe(401);
  });
});

describe('bad input: clear 4xx, never 500', () => {
  const cases: [string, number, RegExp][] = [
    ['/api/ixps/nope/summary', 404, /unknown IXP 'nope'/],
    ['/api/ixps/tix/summary?period=fortnight', 400, /period: 'fortnight' is not one of/],
    ['/api/ixps/tix/summary?from=yesterday&to=now', 400, /from: 'yesterday' is not an ISO 8601/],
    ['/api/ixps/tix/summary?from=2026-02-01&to=2026-01-01', 400, /to must be after from/],
    ['/api/ixps/tix/summary?from=2026-01-01', 400, /from and to go together/],
    ['/api/ixps/tix/summary?month=2026-13', 400, /month: '2026-13' is not YYYY-MM/],
    ['/api/ixps/tix/summary?period=day&month=2026-01', 400, /only one of/],
    ['/api/ixps/tix/summary?period=day&period=week', 400, /period: give it once/],
    ['/api/ixps/tix/traffic?step=0', 400, /step: at least 10 seconds/],
    ['/api/ixps/tix/traffic?step=abc', 400, /step: give whole seconds/],
    ['/api/ixps/tix/traffic?period=7d&step=60', 200, /./],
    ['/api/ixps/tix/traffic?period=365d&step=60', 400, /more than 5000 points/],
    ['/api/ixps/tix/traffic?from=0&to=999999999999999', 400, /longer than 10 years/],
    ['/api/ixps/tix/members/abc', 400, /asn: 'abc' is not an AS number/],
    ['/api/ixps/tix/ports/%E0%A4%A/x', 400, /./],
    ['/api/impact?month=January', 400, /month: 'January' is not YYYY-MM/],
    ['/api/nothing', 404, /no API route/],
  ];
  let c = '';
  it.each(cases)('%s → %i', async (url, status, msg) => {
    c ||= await login('adm');
    const r = await get<{ error?: string }>(url, c);
    expect(r.status).toBe(status);
    if (status !== 200) expect(r.body.error).toMatch(msg);
  });
  it('a body that is not JSON, or not an object', async () => {
    const bad = await fetch(`${main.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    const arr = await fetch(`${main.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    expect(arr.status).toBe(400);
    const form = await fetch(`${main.base}/api/session`, { method: 'POST', body: 'username=a&password=b' });
    expect(form.status).toBe(400);
  });
});
