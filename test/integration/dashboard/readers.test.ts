// Reader equivalence: one data set written to the local SQLite store and to a real InfluxDB 1.6.7 (line protocol
// from the forwarder's own functions); every API endpoint must answer the same from both readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../dashboard/server/app.ts';
import { createService } from '../../../dashboard/server/service.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createInfluxReader } from '../../../dashboard/readers/influxql.ts';
import { hashPassword } from '../../../dashboard/server/users.ts';
import type { Reader } from '../../../dashboard/readers/reader.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { contexts, influxLines, NOW, sqliteStore } from '../../component/dashboard/fixture.ts';

const store = sqliteStore({ wave: true });
let influx: InfluxServer;
const servers: Server[] = [];
const bases: Record<string, string> = {};
let cookie: Record<string, string> = {};

async function serve(name: string, reader: Reader, hash: string): Promise<void> {
  const app = createApp({
    service: createService({ reader, ixps: contexts().slice(0, 1), now: () => NOW }), // InfluxDB holds only tix
    users: { find: (n) => (n === 'adm' ? { username: 'adm', role: 'admin', hash } : undefined) },
    readerKind: reader.kind, now: () => NOW, webDir: '/nonexistent',
  });
  const s = await new Promise<Server>((resolve) => { const x = app.listen(0, '127.0.0.1', () => resolve(x)); });
  servers.push(s);
  bases[name] = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const r = await fetch(`${bases[name]}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'adm', password: 'equivalent' }) });
  cookie[name] = r.headers.get('set-cookie')!.split(';')[0]!;
}

beforeAll(async () => {
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE ixm');
  const lines = influxLines('tix', { wave: true });
  for (let i = 0; i < lines.length; i += 20_000) {
    const r = await fetch(`${influx.url}/write?db=ixm&precision=ms`, { method: 'POST', body: lines.slice(i, i + 20_000).join('\n') });
    expect(r.status).toBe(204);
  }
  const hash = await hashPassword('equivalent');
  cookie = {};
  await serve('sqlite', createSqliteReader(store.db), hash);
  await serve('influx', createInfluxReader({ url: influx.url, api: 'v1', database: 'ixm', batchSize: 1000, timeout: 30_000, gzip: false }), hash);
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await influx?.stop();
  store.cleanup();
});

/** InfluxDB knows no ifAlias and no admin status: those two port fields are the SQLite reader's only. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'alias' && k !== 'adminUp' && k !== 'serverTime') o[k] = normalise(x);
    return o;
  }
  return v;
}

/** Deep equality with a relative tolerance for floats (sums run in another order in each database). */
function same(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
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

const endpoints = [
  '/api/ixps',
  '/api/ixps/tix/now',
  '/api/ixps/tix/traffic?period=24h&step=60',
  '/api/ixps/tix/traffic?period=day',
  '/api/ixps/tix/traffic?period=7d',
  '/api/ixps/tix/traffic?month=2026-01',
  '/api/ixps/tix/traffic?month=2026-01&step=86400',
  '/api/ixps/tix/summary',
  '/api/ixps/tix/summary?month=2026-01',
  '/api/ixps/tix/summary?period=week',
  '/api/ixps/tix/summary?from=2026-01-05T00:00:00Z&to=2026-02-03T06:00:00Z',
  '/api/ixps/tix/members?month=2026-01',
  '/api/ixps/tix/members?period=7d',
  '/api/ixps/tix/members/65001?month=2026-01&months=3',
  '/api/ixps/tix/members/65002?period=week',
  '/api/ixps/tix/members/65004',
  '/api/ixps/tix/ports/sw1/et2?period=24h&step=60',
  '/api/ixps/tix/ports/sw1/et5?period=day',
  '/api/ixps/tix/ports/sw1/et3?month=2026-01',
  '/api/impact?month=2026-02',
  '/api/ixps/tix/members/65009',
];

describe('SQLite and InfluxDB readers answer the same', () => {
  it.each(endpoints)('%s', async (url) => {
    const [a, b] = await Promise.all(['sqlite', 'influx'].map(async (n) => {
      const r = await fetch(bases[n] + url, { headers: { cookie: cookie[n]! } });
      return { status: r.status, body: normalise(await r.json()) };
    }));
    expect(a!.status).toBe(b!.status);
    expect(same(a!.body, b!.body)).toEqual([]);
    // Not vacuous: the answers carry data.
    if (url.includes('/traffic')) expect((a!.body as { inBps: (number | null)[] }).inBps.some((v) => v !== null && v > 0)).toBe(true);
  });

  it('the gap in the raw rates stays a gap (null) in both', async () => {
    const r = await (await fetch(`${bases.influx}/api/ixps/tix/ports/sw1/et2?period=24h&step=60`, { headers: { cookie: cookie.influx! } })).json() as { inBps: (number | null)[]; operUp: (number | null)[] };
    const nulls = r.inBps.map((v, i) => (v === null && r.operUp[i] !== null ? i : -1)).filter((i) => i >= 0);
    expect(nulls.length).toBe(1);
  });
});
