// The peering route on a central dashboard: the same sFlow windows in a real local store and, through the real
// forwarder, in a real InfluxDB 1.6.7 (ixp_p2p_5m and ixp_p2p_window). The route over the SQLite peering reader and
// over the InfluxQL one gives the same answer to every role (operator: everything; member: its own pairs only and
// never another pair; reporter: the shares; public: the IPv6 share of a public IXP only), and another IXP's points
// in the same database never leak in.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../collector/config/load.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { writeP2pWindow } from '../../../collector/sflow/store.ts';
import type { Store } from '../../../collector/store/index.ts';
import type { PeeringResponse } from '../../../dashboard/api.ts';
import { createInfluxPeeringReader, createSqlitePeeringReader, type PeeringReader } from '../../../dashboard/readers/peering.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createApp } from '../../../dashboard/server/app.ts';
import { createDashboard } from '../../../dashboard/server/index.ts';
import { peeringRoutes } from '../../../dashboard/server/routes/peering.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { hashPassword, type UserRecord } from '../../../dashboard/server/users.ts';
import { contexts, NOW } from '../../component/dashboard/fixture.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { freeTcpPort } from '../../helpers/ports.ts';
import { newStore } from '../forward/fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-peering-influx-'));
const T1 = Date.UTC(2026, 0, 10, 12, 0), T2 = Date.UTC(2026, 0, 20, 8, 5), T3 = Date.UTC(2026, 1, 3, 0, 0);
const ROWS = [
  { src: 'AS65001', dst: 'AS65002', ipVersion: 'ipv4' as const, bytes: 1_000_000, packets: 1000, samples: 100 },
  { src: 'AS65002', dst: 'AS65001', ipVersion: 'ipv6' as const, bytes: 500_000, packets: 500, samples: 100 },
  { src: 'AS65003', dst: 'AS65001', ipVersion: 'ipv4' as const, bytes: 3_000_000, packets: 3000, samples: 400 },
  { src: 'AS65003', dst: 'AS65002', ipVersion: 'ipv6' as const, bytes: 1_000_000, packets: 1000, samples: 100 },
  { src: 'AS65002', dst: 'AS65003', ipVersion: 'ipv4' as const, bytes: 200_000, packets: 200, samples: 25 },
  { src: 'unknown', dst: 'AS65001', ipVersion: 'other' as const, bytes: 100_000, packets: 100, samples: 4 },
];
const USERS = ['op', 'm1', 'm3', 'rep', 'op2'];
let influx: InfluxServer, store: Store, other: Store;
const servers: Server[] = [];
const bases: Record<'sqlite' | 'influxdb', string> = { sqlite: '', influxdb: '' };

async function serve(reader: PeeringReader & { kind: 'sqlite' | 'influxdb' }, only?: string): Promise<string> {
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
    service: createService({ reader: createSqliteReader(store.db), ixps, now: () => NOW }),
    users: { find: (n) => users.find((u) => u.username === n) }, readerKind: reader.kind, now: () => NOW, webDir: '/nonexistent',
    routes: [({ principal, now }) => peeringRoutes({ principal, now, peering: (id) => (!only || id === only ? reader : undefined), ixp: (id) => ixps.find((x) => x.ixp.id === id) })],
  });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE central');
  // tix: two switches, windows in January (one window seen by both switches) and one in February.
  store = newStore(mkdtempSync(path.join(tmp, 'tix-')));
  for (const [t, sw, rate] of [[T1, 'sw1', 1000], [T1, 'sw2', 4000], [T2, 'sw1', 2000], [T3, 'sw1', 1000]] as const) {
    writeP2pWindow(store.db, store.file, { t, switch: sw, rows: ROWS, datagrams: 50, samples: 729, dropped: 1, notIngress: 0, noFrame: 0, rateMin: rate, rateMax: rate * 2 });
  }
  // A window with no flow sample (no rows, no rates) still counts as a window of coverage.
  writeP2pWindow(store.db, store.file, { t: T2 + 300_000, switch: 'sw1', rows: [], datagrams: 3, samples: 0, dropped: 0, notIngress: 0, noFrame: 0, rateMin: null, rateMax: null });
  // Another IXP's collector writes into the same database: its points must not show up in tix's answers.
  other = newStore(mkdtempSync(path.join(tmp, 'priv-')));
  writeP2pWindow(other.db, other.file, { t: T1, switch: 'sw1', rows: [{ src: 'AS65001', dst: 'AS65009', ipVersion: 'ipv6', bytes: 7e9, packets: 7e6, samples: 700 }], datagrams: 9, samples: 700, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 16, rateMax: 16 });
  const influxCfg = { url: influx.url, api: 'v1' as const, database: 'central', batchSize: 3, timeout: 5000, gzip: false };
  await createForwarder({ ...influxCfg, ixp: 'tix' }, { store }).drain();
  await createForwarder({ ...influxCfg, ixp: 'priv' }, { store: other }).drain();
  bases.sqlite = await serve(createSqlitePeeringReader(store.db), 'tix');
  bases.influxdb = await serve(createInfluxPeeringReader(influxCfg));
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  store?.close();
  other?.close();
  await influx?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse' }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
async function ask(kind: 'sqlite' | 'influxdb', url: string, user?: string): Promise<{ status: number; body: PeeringResponse & { error?: string } }> {
  const cookie = user ? await login(bases[kind], user) : undefined;
  const res = await fetch(bases[kind] + url, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.json() };
}
const pairKeys = (b: PeeringResponse) => (b.pairs ?? []).map((p) => `${p.src}>${p.dst}`).sort();

describe('peering route over the local store and over InfluxDB', () => {
  it('forwarded every matrix row and every window (their cursors are caught up)', () => {
    expect(store.backlog().filter((b) => b.table === 'p2p' || b.table === 'p2p_windows').map((b) => [b.table, b.points])).toEqual([['p2p', 0], ['p2p_windows', 0]]);
  });

  it.each([...USERS, undefined])('gives %s the same answer for January from both readers', async (user) => {
    const a = await ask('sqlite', '/api/ixps/tix/peering?month=2026-01', user);
    const b = await ask('influxdb', '/api/ixps/tix/peering?month=2026-01', user);
    expect(a.status).toBe(200);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
  });

  it('the operator sees the whole matrix, coverage over both switches (a window counted once)', async () => {
    const { body } = await ask('influxdb', '/api/ixps/tix/peering?month=2026-01', 'op');
    expect(body.scope).toBe('full');
    expect(body.totalBytes).toBe(3 * 5_800_000);
    expect(body.ipv6.share).toBeCloseTo(3 / 11.6, 12);
    expect(body.localContent!.share).toBeCloseTo(8 / 11.6, 12);
    expect(body.coverage).toMatchObject({ windows: 3, samples: 3 * 729, dropped: 3, rateMin: 1000, rateMax: 8000 });
    expect(pairKeys(body)).not.toContain('AS65001>AS65009'); // the other IXP's pair
  });

  it('a member gets its own pairs only, never another pair, from InfluxDB too', async () => {
    const { body } = await ask('influxdb', '/api/ixps/tix/peering?month=2026-01', 'm1');
    expect(body.scope).toBe('member');
    expect(pairKeys(body)).toEqual(['AS65001>AS65002', 'AS65002>AS65001', 'AS65003>AS65001', 'unknown>AS65001']);
    expect(JSON.stringify(body)).not.toMatch(/"src":"AS65003","dst":"AS65002"|"src":"AS65002","dst":"AS65003"/);
    expect(body.members!.map((m) => m.label)).toEqual(['AS65001']);
    expect(body.exchangeIpv6!.share).toBeCloseTo(3 / 11.6, 12);
    expect(body.localContent).toBeUndefined();
  });

  it('the public gets the IPv6 share of the public IXP only, and nothing of a private one', async () => {
    const pub = await ask('influxdb', '/api/ixps/tix/peering?month=2026-01');
    expect(Object.keys(pub.body).sort()).toEqual(['coverage', 'ipv6', 'ixp', 'method', 'month', 'scope']);
    for (const kind of ['sqlite', 'influxdb'] as const) expect((await ask(kind, '/api/ixps/priv/peering?month=2026-01')).status).toBe(401);
  });

  it('February holds only its own window on both', async () => {
    const a = await ask('sqlite', '/api/ixps/tix/peering?month=2026-02', 'op');
    const b = await ask('influxdb', '/api/ixps/tix/peering?month=2026-02', 'op');
    expect(b.body).toEqual(a.body);
    expect(b.body.totalBytes).toBe(5_800_000);
    expect(b.body.coverage.windows).toBe(1);
  });

  it('a dashboard configured with reader influxdb reads the matrix from InfluxDB (no 501), as the local one answers', async () => {
    const port = await freeTcpPort();
    const cfg = parseConfig([
      'ixp: { id: tix, name: Test IX, timezone: UTC, currency: USD, transitPricePerMbps: 10, public: true }',
      'switches:', '  - { name: sw1, host: 127.0.0.1, port: 9, snmp: { version: "2c", community: c } }',
      `store: { path: ${JSON.stringify(path.join(tmp, 'absent.db'))} }`,
      `influxdb: { url: "${influx.url}", api: v1, database: central }`,
      `dashboard: { reader: influxdb, listen: "127.0.0.1:${port}" }`, '',
    ].join('\n'), 'central.yaml', {});
    const dash = createDashboard(cfg, { now: () => NOW, webDir: '/nonexistent', users: { find: () => undefined } });
    try {
      const url = await dash.start();
      const res = await fetch(`${url}api/ixps/tix/peering?month=2026-01`);
      expect(res.status).toBe(200);
      const local = await ask('sqlite', '/api/ixps/tix/peering?month=2026-01');
      expect(await res.json()).toEqual(local.body);
    } finally { await dash.stop(); }
  });

  it('reads another IXP of the same database by its tag', async () => {
    const { body } = await ask('influxdb', '/api/ixps/priv/peering?month=2026-01', 'op2');
    expect(body.scope).toBe('full');
    expect(body.totalBytes).toBe(7e9);
    expect(body.ipv6.share).toBe(1);
  });
});
