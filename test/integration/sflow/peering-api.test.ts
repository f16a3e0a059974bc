// GET /api/ixps/:ixp/peering over a real SQLite store holding sFlow windows: who sees what per role (enforced in
// the API: a member never receives another pair), the figures computed by hand, and 4xx for bad input.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeP2pWindow } from '../../../collector/sflow/store.ts';
import { openDatabase, type DB } from '../../../collector/store/sqlite.ts';
import type { PeeringResponse } from '../../../dashboard/api.ts';
import { createApp } from '../../../dashboard/server/app.ts';
import { peeringRoutes } from '../../../dashboard/server/routes/peering.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createSqlitePeeringReader } from '../../../dashboard/readers/peering.ts';
import { hashPassword, type UserRecord } from '../../../dashboard/server/users.ts';
import { contexts, NOW } from '../../component/dashboard/fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-peering-'));
let db: DB, server: Server, base: string;
const T1 = Date.UTC(2026, 0, 10, 12, 0), T2 = Date.UTC(2026, 0, 20, 8, 5);
const ROWS = [
  { src: 'AS65001', dst: 'AS65002', ipVersion: 'ipv4' as const, bytes: 1_000_000, packets: 1000, samples: 100 },
  { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv6' as const, bytes: 500_000, packets: 500, samples: 100 },
  { src: 'AS65003', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 3_000_000, packets: 3000, samples: 400 },
  { src: 'AS65003', dst: 'AS65002', ipVersion: 'ipv6' as const, bytes: 1_000_000, packets: 1000, samples: 100 },
  { src: 'AS65002', dst: 'AS65003', ipVersion: 'ipv4' as const, bytes: 200_000, packets: 200, samples: 25 },
  { src: 'unknown', dst: 'AS65001', ipVersion: 'other' as const, bytes: 100_000, packets: 100, samples: 4 },
];

beforeAll(async () => {
  const file = path.join(tmp, 'ixmeter.db');
  db = openDatabase(file);
  for (const t of [T1, T2]) writeP2pWindow(db, file, { t, switch: 'sw1', rows: ROWS, datagrams: 50, samples: 729, dropped: 1, notIngress: 0, noFrame: 0, rateMin: 1000, rateMax: 2000 });
  const hash = await hashPassword('correct horse');
  const users: UserRecord[] = [
    { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash },
    { username: 'm3', role: 'member', ixp: 'tix', asns: [65003], hash },
    { username: 'op', role: 'operator', ixp: 'tix', hash },
    { username: 'op2', role: 'operator', ixp: 'priv', hash },
    { username: 'rep', role: 'reporter', hash },
  ];
  const ixps = contexts();
  const app = createApp({
    service: createService({ reader: createSqliteReader(db), ixps, now: () => NOW }),
    users: { find: (n) => users.find((u) => u.username === n) }, readerKind: 'sqlite', now: () => NOW, webDir: '/nonexistent',
    routes: [({ principal, now }) => peeringRoutes({ principal, now, peering: () => createSqlitePeeringReader(db), ixp: (id) => ixps.find((x) => x.ixp.id === id) })],
  });
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse' }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
async function get(url: string, cookie?: string): Promise<{ status: number; body: PeeringResponse & { error?: string } }> {
  const res = await fetch(base + url, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.json() };
}

const pairKeys = (b: PeeringResponse) => (b.pairs ?? []).map((p) => `${p.src}>${p.dst}`).sort();

describe('peering matrix API per role', () => {
  it('operator: the whole matrix, shares with their errors, coverage and method', async () => {
    const { status, body } = await get('/api/ixps/tix/peering?month=2026-01', await login('op'));
    expect(status).toBe(200);
    expect(body.scope).toBe('full');
    expect(body.totalBytes).toBe(2 * 5_800_000);
    expect(pairKeys(body)).toEqual(['AS65001>AS65002', 'AS65002>AS65001', 'AS65002>AS65003', 'AS65003>AS65001', 'AS65003>AS65002', 'unknown>AS65001']);
    const top = body.pairs![0];
    expect(top).toMatchObject({ src: 'AS65003', dst: 'AS65001', srcName: 'CDN Cache', dstName: 'Island ISP', bytes: 6_000_000, ipv4: 6_000_000, ipv6: 0, samples: 800 });
    expect(top.error).toBeCloseTo(1 / Math.sqrt(800), 12);
    // IPv6: 2 × (0.5 + 1) MB of all 2 × 5.8 MB in the matrix (the unknown MAC's non-IP 0.1 MB included).
    expect(body.ipv6.share).toBeCloseTo(3 / 11.6, 12);
    expect(body.ipv6.error).toBeGreaterThan(0);
    // Local content (measured): what the content member sent to the others over all bytes: 8 of 11.6 MB.
    expect(body.localContent!.share).toBeCloseTo(8 / 11.6, 12);
    expect(body.unknown!.share).toBeCloseTo(0.2 / 11.6, 12);
    expect(body.coverage).toEqual({ windows: 2, expectedWindows: 31 * 288, samples: 2 * 729, dropped: 2, rateMin: 1000, rateMax: 2000 });
    expect(body.method).toMatch(/sample_pool delta/);
    const m1 = body.members!.find((m) => m.label === 'AS65001')!;
    expect(m1).toMatchObject({ sent: 2_000_000, received: 2 * (500_000 + 3_000_000 + 100_000), ipv6: 1_000_000 });
  });

  it('member: only the pairs it is part of, never another pair, only itself in members', async () => {
    const { status, body } = await get('/api/ixps/tix/peering?month=2026-01', await login('m1'));
    expect(status).toBe(200);
    expect(body.scope).toBe('member');
    expect(pairKeys(body)).toEqual(['AS65001>AS65002', 'AS65002>AS65001', 'AS65003>AS65001', 'unknown>AS65001']);
    expect(body.members!.map((m) => m.label)).toEqual(['AS65001']);
    expect(body.localContent).toBeUndefined();
    expect(body.unknown).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/AS65003>AS65002|"src":"AS65002","dst":"AS65003"/);
    // Its own IPv6 share: 2 × 0.5 MB of all its pairs' 2 × (1 + 0.5 + 3 + 0.1) MB.
    expect(body.ipv6.share).toBeCloseTo(1 / 9.2, 12);
    // And the exchange's, as anyone with the aggregate sees it (a share, no pair).
    expect(body.exchangeIpv6!.share).toBeCloseTo(3 / 11.6, 12);
    expect(body.members![0]!.ipv6Share).toBeCloseTo(1 / 9.2, 12);
    expect(body.members![0]!.ipv6Error).toBeGreaterThan(0);
    const m3 = await get('/api/ixps/tix/peering?month=2026-01', await login('m3'));
    expect(pairKeys(m3.body)).toEqual(['AS65002>AS65003', 'AS65003>AS65001', 'AS65003>AS65002']);
  });

  it('reporter: the exchange\'s shares, no pairs and no members', async () => {
    const { status, body } = await get('/api/ixps/priv/peering?month=2026-01', await login('rep'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ scope: 'aggregate', totalBytes: 11_600_000 });
    expect(body.pairs).toBeUndefined();
    expect(body.members).toBeUndefined();
    expect(body.localContent!.share).toBeCloseTo(8 / 11.6, 12);
  });

  it('public: the IPv6 share of a public IXP only; a private IXP refuses', async () => {
    const pub = await get('/api/ixps/tix/peering?month=2026-01');
    expect(pub.status).toBe(200);
    expect(Object.keys(pub.body).sort()).toEqual(['coverage', 'ipv6', 'ixp', 'method', 'month', 'scope']);
    expect(pub.body.ipv6.share).toBeCloseTo(3 / 11.6, 12);
    expect((await get('/api/ixps/priv/peering?month=2026-01')).status).toBe(401);
  });

  it('another IXP\'s operator is refused; bad input is a 400 naming the parameter; unknown IXP 404', async () => {
    const op2 = await login('op2');
    const r = await get('/api/ixps/tix/peering?month=2026-01', op2);
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('public'); // tix is public: op2 sees what anyone sees
    const member = await get('/api/ixps/priv/peering?month=2026-01', await login('m1'));
    expect(member.status).toBe(403);
    const bad = await get('/api/ixps/tix/peering?month=2026-13', await login('op'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/month/);
    expect((await get('/api/ixps/nope/peering')).status).toBe(404);
  });
});
