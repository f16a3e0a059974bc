// Latency over both readers: the same polls and fping rounds written to a local store, and sent by the real
// forwarder into a real InfluxDB 1.6.7 (ixp_latency, ixp_latency_1h, ixp_port). The latency routes answer the same through the
// SQLite and the InfluxQL latency readers (monthly summary, outages with the local traffic meanwhile, a member's
// routers per round and per hour) for the operator, a member (own ASN only) and the public.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../dashboard/server/app.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { latencyRoutes } from '../../../dashboard/server/routes/latency.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createSqliteLatencyReader, type LatencyReader } from '../../../dashboard/readers/latency.ts';
import { createInfluxLatencyReader } from '../../../dashboard/readers/latency-influxql.ts';
import { hashPassword, type UserRecord as User } from '../../../dashboard/server/users.ts';
import type { IxpContext } from '../../../dashboard/server/service.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import type { Store } from '../../../collector/store/index.ts';
import { writeLatencyRound, type LatencyRow } from '../../../collector/store/latency.ts';
import { targetResult } from '../../../collector/latency/rounds.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { fill, newStore, T0 } from '../forward/fixture.ts';
import { createDashboard } from '../../../dashboard/server/index.ts';
import { readLatencyMonth, resilienceSection } from '../../../dashboard/reports/resilience.ts';
import { loadConfig } from '../../../collector/config/load.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const I = 300_000;
const ROUNDS = 48; // four hours
const SILENT = (k: number) => k >= 20 && k < 26; // the reference abroad unreachable for half an hour
const NOW = T0 + ROUNDS * I + 600_000;
let influx: InfluxServer;
let store: Store;
const servers: Server[] = [];
const bases: Record<string, string> = {};
let cookies: Record<string, Record<string, string>> = {};
let SW_PORTS: string[] = [];

function row(t: number, address: string, kind: LatencyRow['kind'], name: string, rtts: (number | null)[], memberAsn?: number): LatencyRow {
  const r = targetResult(address, rtts);
  return { t, address, kind, name, ...(memberAsn ? { memberAsn } : {}), sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
}

async function serve(name: string, reader: LatencyReader, ixps: IxpContext[], users: User[]): Promise<void> {
  const app = createApp({
    service: createService({ reader: createSqliteReader(store.db), ixps, now: () => NOW }),
    users: { find: (n) => users.find((u) => u.username === n) }, readerKind: reader.kind, now: () => NOW, webDir: '/nonexistent',
    routes: [(h) => latencyRoutes({ ...h, ixps, reader: () => reader })],
  });
  const s = await new Promise<Server>((resolve) => { const x = app.listen(0, '127.0.0.1', () => resolve(x)); });
  servers.push(s);
  bases[name] = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  cookies[name] = {};
  for (const u of users) {
    const r = await fetch(`${bases[name]}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.username, password: 'same answers' }) });
    expect(r.status).toBe(200);
    cookies[name]![u.username] = r.headers.get('set-cookie')!.split(';')[0]!;
  }
}

beforeAll(async () => {
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE lat');
  store = newStore();
  const sw = new SynthSwitch('sw1', 3);
  SW_PORTS = sw.ifs.map((f) => f.name);
  // Polls every minute from an hour before the first round to after the last.
  fill(store, sw, ROUNDS * 5 + 90, T0 - 3_600_000);
  const fwd = createForwarder({ url: influx.url, api: 'v1', database: 'lat', batchSize: 2000, timeout: 10, gzip: true, ixp: 'tix' }, { store });
  for (let k = 0; k < ROUNDS; k++) {
    const t = T0 + k * I;
    // Forwarded once in the middle of an hour too: that hour's rollup is sent again as it fills up.
    if (k === 30) await fwd.drain();
    // A little spread that changes with the round, so hourly medians and bands are not all alike.
    const j = (k % 7) / 10;
    writeLatencyRound(store.db, store.file, { t, durationMs: 20_000, ok: true, targets: 4 }, [
      row(t, '192.0.2.1', 'member', 'Raajje Online', [0.8 + j, 0.9, 1.1 + j, null, 0.85], 65001),
      row(t, '2001:db8::1', 'member', 'Raajje Online', [1.0, 1.2 + j, 0.9, 1.1, 1.0], 65001),
      row(t, '192.0.2.2', 'member', 'Island Mobile', [1.5, 1.6 + j, 1.4, 1.5, k % 5 ? 1.5 : null], 65002),
      row(t, '198.51.100.9', 'international', 'Resolver abroad', SILENT(k) ? [null, null, null, null, null] : [180 + j * 10, 185, 190, 182 - j, 181]),
    ]);
  }
  await fwd.drain();
  await fwd.stop();
  const ixps: IxpContext[] = [{
    ixp: { id: 'tix', name: 'Test IX', timezone: 'Indian/Maldives', currency: 'USD', transitPricePerMbps: 20, public: true },
    members: [
      { asn: 65001, name: 'Raajje Online', category: 'isp', ports: [{ switch: 'sw1', port: sw.ifs[0]!.name }] },
      { asn: 65002, name: 'Island Mobile', category: 'isp', ports: [{ switch: 'sw1', port: sw.ifs[1]!.name }] },
    ],
    publicMembers: false, ifAlias: false, pollInterval: 60,
  }];
  const hash = await hashPassword('same answers');
  const users: User[] = [
    { username: 'op', role: 'operator', ixp: 'tix', hash },
    { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash },
  ];
  await serve('sqlite', createSqliteLatencyReader(store.db), ixps, users);
  await serve('influx', createInfluxLatencyReader({ url: influx.url, api: 'v1', database: 'lat', batchSize: 1000, timeout: 30_000, gzip: false }), ixps, users);
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  store?.close();
  await influx?.stop();
});

/** Deep equality with a relative tolerance for floats (the traffic sums run in another order). */
function same(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => same(x, b[i], `${path}[${i}]`)).slice(0, 5);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)).slice(0, 5);
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/** Both readers' answers (status and body) to one route for one user (undefined: nobody logged in). */
async function both(route: string, user?: string): Promise<{ status: number; body: any }[]> {
  return Promise.all(['sqlite', 'influx'].map(async (name) => {
    const r = await fetch(bases[name] + route, { headers: user ? { cookie: cookies[name]![user]! } : {} });
    return { status: r.status, body: await r.json() };
  }));
}

const DAY = `from=${T0 - 3_600_000}&to=${T0 + ROUNDS * I + 300_000}`;
const WEEK = `from=${T0 - 3 * 86_400_000}&to=${T0 + 86_400_000}`;

describe('latency routes over SQLite and over InfluxDB', () => {
  for (const user of ['op', 'm1', undefined]) {
    it(`summary and outages: the same for ${user ?? 'the public'}`, async () => {
      const [s, i] = await both(`/api/ixps/tix/latency?months=2&${DAY}`, user);
      expect(s!.status).toBe(200);
      expect(i!.status).toBe(200);
      expect(same(s!.body, i!.body)).toEqual([]);
      // Not an empty agreement: the outage with local traffic, the local and international medians.
      expect(s!.body.outages).toHaveLength(1);
      expect(s!.body.outages[0]).toMatchObject({ start: T0 + 20 * I, end: T0 + 26 * I, rounds: 6 });
      expect(s!.body.outages[0].bytes).toBeGreaterThan(0);
      expect(s!.body.outages[0].coverage).toBeGreaterThan(0.9);
      const m = s!.body.months.at(-1);
      expect(m.local.routers).toBe(3);
      expect(m.references[0].medianMs).toBeGreaterThan(150);
      expect(s!.body.intervalMs).toBe(I);
    });
  }

  for (const [period, resolution] of [[DAY, 'round'], [WEEK, 'hour']] as const) {
    it(`a member's routers per ${resolution}: the same for the operator and the member itself`, async () => {
      for (const user of ['op', 'm1']) {
        const [s, i] = await both(`/api/ixps/tix/latency/members/65001?${period}`, user);
        expect(s!.status).toBe(200);
        expect(same(s!.body, i!.body)).toEqual([]);
        expect(s!.body.resolution).toBe(resolution);
        expect(s!.body.routers.map((r: { target: string }) => r.target)).toEqual(['192.0.2.1', '2001:db8::1']);
        expect(s!.body.routers[0].points.length).toBe(resolution === 'round' ? ROUNDS : 4);
        if (resolution === 'round') expect(s!.body.routers[0].points[0].rttsMs).toHaveLength(4);
      }
    });
  }

  it('a central dashboard (dashboard.reader influxdb) serves the latency routes from InfluxDB', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ixm-latc-'));
    writeFileSync(path.join(dir, 'users.json'), '{"users": []}');
    writeFileSync(path.join(dir, 'ixmeter.yaml'), `ixp: { id: tix, name: Test IX, timezone: Indian/Maldives, currency: USD, transitPricePerMbps: 20, public: true }
switches: []
store: { path: ${path.join(dir, 'none.db')} }
influxdb: { url: "${influx.url}", api: v1, database: lat }
dashboard: { reader: influxdb, listen: "127.0.0.1:0", usersFile: ${path.join(dir, 'users.json')} }
members:
  - { asn: 65001, name: Raajje Online, category: isp, ports: [{ switch: sw1, port: "${SW_PORTS[0]}" }] }
  - { asn: 65002, name: Island Mobile, category: isp, ports: [{ switch: sw1, port: "${SW_PORTS[1]}" }] }
`);
    const dash = createDashboard(loadConfig(path.join(dir, 'ixmeter.yaml')), { now: () => NOW, webDir: '/nonexistent' });
    try {
      const url = await dash.start();
      const central = await fetch(`${url}api/ixps/tix/latency?months=2&${DAY}`);
      expect(central.status).toBe(200);
      const [local] = await both(`/api/ixps/tix/latency?months=2&${DAY}`);
      expect(same(local!.body, await central.json())).toEqual([]);
    } finally {
      await dash.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the report\'s resilience section is the same from the store and through the InfluxDB latency reader', async () => {
    const influxReader = createInfluxLatencyReader({ url: influx.url, api: 'v1', database: 'lat', batchSize: 1000, timeout: 30_000, gzip: false });
    const from = T0 - 86_400_000, to = T0 + 86_400_000;
    // The traffic through the one function the report wiring supplies (here: 1 kB a second, all covered).
    const o = { from, to, now: NOW, lang: 'en' as const, trafficBytes: (a: number, b: number) => ({ bytes: b - a, coverage: 1 }) };
    const local = resilienceSection(await readLatencyMonth(createSqliteLatencyReader(store.db), 'tix', from, NOW), o);
    const central = resilienceSection(await readLatencyMonth(influxReader, 'tix', from, NOW), o);
    expect(local!.outages).toHaveLength(1);
    expect(local!.outages[0]).toMatchObject({ durationMs: 6 * I, bytes: 6 * I, rounds: 6 });
    expect(local!.latency.references).toHaveLength(1);
    expect(same(local, central)).toEqual([]);
  });

  it('a member is refused another member\'s routers, and the public every member\'s, by both readers', async () => {
    for (const [user, status] of [['m1', 403], [undefined, 401]] as const) {
      const answers = await both(`/api/ixps/tix/latency/members/65002?${DAY}`, user);
      expect(answers.map((a) => a.status)).toEqual([status, status]);
    }
  });
});
