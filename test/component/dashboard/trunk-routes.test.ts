// /api/ixps/:ixp/sites, /trunks and /capacity over the dashboard's real SQLite fixture with port roles stored:
// the uplink is a trunk, et5 (a member by its ifAlias) a service port; figures computed by hand; who sees what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../dashboard/server/app.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { hashPassword, type UserRecord } from '../../../dashboard/server/users.ts';
import { saveRoles } from '../../../collector/members/roleStore.ts';
import type { CapacityResponse, MembersResponse, SitesResponse, SummaryResponse, TrunksResponse } from '../../../dashboard/api.ts';
import { contexts, NOW, SW, sqliteStore , FIXTURE_CONFIG } from './fixture.ts';
import { syncFigures } from '../../../collector/store/figures.ts';

const store = sqliteStore();
let users: UserRecord[];
let server: Server;
let base: string;

beforeAll(async () => {
  await store.ready;
  saveRoles(store.db, SW, [
    { switch: SW, port: 'uplink', role: 'trunk', lag: null, counted: null, peer: null, why: 'roles.trunk "^uplink$"' },
    { switch: SW, port: 'et5', role: 'service', lag: null, counted: null, peer: null, why: 'roles.service "^et5$"' },
  ], NOW);
  // The collector's next closed window sees the new roles: the figures they touch are computed again.
  await syncFigures(store.db, FIXTURE_CONFIG);
  const hash = await hashPassword('correct horse');
  users = [
    { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash },
    { username: 'op', role: 'operator', ixp: 'tix', hash },
  ];
  const ixps = contexts(false).map((c) => ({ ...c, switches: [{ name: SW, site: 'Malé' }] }));
  const reader = createSqliteReader(store.db);
  const service = createService({ reader, ixps, now: () => NOW });
  const app = createApp({
    service, users: { find: (n) => users.find((u) => u.username === n) }, readerKind: 'sqlite', now: () => NOW, webDir: '/nonexistent',
  });
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  store.cleanup();
});

async function get<T>(url: string, cookie?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + url, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as T };
}
async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse' }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('roles in member figures', () => {
  it('a service port is nobody\'s, even with a member ifAlias; the trunk is not in the bytes', async () => {
    const s = await get<SummaryResponse>('/api/ixps/tix/summary?month=2026-01');
    // Members A (30), B (4, 30 days) and C (50 Mbit/s in) only: 1.0044e13 + 1.296e12 + 1.674e13; et5 (1 Mbit/s) and the uplink (999) are out.
    expect(s.body.bytes).toBeCloseTo(1.0044e13 + 1.296e12 + 1.674e13, -3);
    expect(s.body.members).toBe(3);
    const m = await get<MembersResponse>('/api/ixps/tix/members?month=2026-01', await login('op'));
    expect(m.body.members.map((r) => r.asn)).toEqual([65001, 65002, 65003]);
  });
});

describe('sites', () => {
  it('anyone who may see the aggregate gets the site and switch figures, adding up to the exchange', async () => {
    const r = await get<SitesResponse>('/api/ixps/tix/sites?month=2026-01');
    expect(r.status).toBe(200);
    expect(r.body.sites.map((x) => [x.site, x.switches, x.memberPorts])).toEqual([['Malé', [SW], 4]]);
    expect(r.body.bytes).toBeCloseTo(1.0044e13 + 1.296e12 + 1.674e13, -3);
    // Capacity: et1, et2, et3 at 1G, et4 at 10G = 13,000 Mbit/s; P95 in 30+4+50 = 84 → 84/13000.
    expect(r.body.sites[0]!.capacityMbps).toBe(13_000);
    expect(r.body.sites[0]!.p95.inMbps).toBeCloseTo(84, 6);
    expect(r.body.sites[0]!.utilP95).toBeCloseTo(84 / 13_000, 9);
    expect(r.body.method).toMatch(/Member ports only/);
    expect((await get('/api/ixps/priv/sites')).status).toBe(401);
  });
});

describe('trunks', () => {
  it('only the IXP operator sees them: the uplink with its P95 against its capacity, forecast not possible yet', async () => {
    expect((await get('/api/ixps/tix/trunks')).status).toBe(401);
    expect((await get('/api/ixps/tix/trunks', await login('m1'))).status).toBe(403);
    const r = await get<TrunksResponse>('/api/ixps/tix/trunks?month=2026-01', await login('op'));
    expect(r.status).toBe(200);
    expect(r.body.trunks).toHaveLength(1);
    const t = r.body.trunks[0]!;
    expect([t.name, t.a.switch, t.a.port, t.a.site, t.b]).toEqual([`${SW} uplink`, SW, 'uplink', 'Malé', null]);
    expect(t.a.p95).toMatchObject({ inMbps: 999, outMbps: 999, mbps: 999 });
    expect(t.a.utilP95).toBeCloseTo(999 / 10_000, 9);
    expect(t.a.bytesIn).toBeCloseTo(999e6 * 31 * 86_400 / 8, -4);
    // Months: Jan 2026 whole, Feb 2026 (running, under half) and the empty months before: fewer than 3 usable.
    expect(t.forecast.status).toBe('not-enough-history');
    expect(t.forecast.history.find((h) => h.month === '2026-01')).toMatchObject({ util: 0.0999, coverage: 1 });
  });
});

describe('capacity', () => {
  it('the operator sees every member port and the trunk; a member its own ports; the public nothing', async () => {
    expect((await get('/api/ixps/tix/capacity')).status).toBe(401);
    const op = await get<CapacityResponse>('/api/ixps/tix/capacity', await login('op'));
    expect(op.body.ports.map((p) => [p.port, p.role, p.asn])).toEqual([
      ['et1', 'member', 65001], ['et2', 'member', 65001], ['et3', 'member', 65002], ['et4', 'member', 65003], ['uplink', 'trunk', null],
    ]);
    expect(op.body.months).toHaveLength(13);
    expect(op.body.months.at(-1)).toBe('2026-02');
    const m1 = await get<CapacityResponse>('/api/ixps/tix/capacity', await login('m1'));
    expect(m1.body.ports.map((p) => p.port)).toEqual(['et1', 'et2']);
    expect(m1.body.ports[0]!.forecast.history.find((h) => h.month === '2026-01')!.util).toBeCloseTo(0.01, 9); // 10 Mbit/s of 1G
  });
});
