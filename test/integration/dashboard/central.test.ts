// One IXP's data through the local store and through a real forwarder into InfluxDB 1.6.7: a local dashboard and a
// central one (config: influxdb, dashboard and its users only, no IXP config file) answer every API route and the
// monthly and annual reports the same, for a finished month and the month in progress; roles hold on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDashboard } from '../../../dashboard/server/index.ts';
import { hashPassword, type UserRecord } from '../../../dashboard/server/users.ts';
import { createStore } from '../../../collector/store/index.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import type { Config } from '../../../collector/config/types.ts';
import { configureLogging } from '../../../collector/log.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { configFor, FIXTURE_CONFIG, NOW, sqliteStore } from '../../component/dashboard/fixture.ts';
import { createInfluxReader } from '../../../dashboard/readers/influxql.ts';
import { bytesOf, coveredSeconds } from '../../../collector/figures/impact.ts';
import type { Reader } from '../../../dashboard/readers/reader.ts';
import { memberWindowLine } from '../../../collector/forward/lineProtocol.ts';

const DAY = 86_400_000;

configureLogging({ level: 'silent' });
const PRIV = { ...FIXTURE_CONFIG, ixp: { ...FIXTURE_CONFIG.ixp!, id: 'priv', name: 'Private IX', public: false } } as Config;
const tix = sqliteStore({ wave: true });
const priv = sqliteStore({ config: PRIV });
const dir = mkdtempSync(path.join(tmpdir(), 'ixm-central-'));
let influx: InfluxServer | undefined;
const stops: (() => Promise<void>)[] = [];
const base: Record<'local' | 'central', string> = { local: '', central: '' };
let users: UserRecord[] = [];
const influxCfg = (url: string) => ({ url, api: 'v1' as const, database: 'ixm', username: 'ixm', password: 'secret-pw', batchSize: 5000, timeout: 30, gzip: true });

/** Forwards everything a store holds, as its collector would (member tags from its registry). */
async function forward(file: string, config: Config, url: string): Promise<void> {
  const store = createStore({ path: file, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  try {
    const members = resolveMembers(config, { db: store.db });
    const f = createForwarder({ ...influxCfg(url), ixp: config.ixp!.id, timezone: config.ixp!.timezone }, { store, tagsFor: (sw, port, t) => members.tagsFor(sw, port, t) });
    await f.drain();
    await f.stop();
  } finally { store.close(); }
}

beforeAll(async () => {
  try {
    await Promise.all([tix.ready, priv.ready]);
    influx = await startInfluxDB({ auth: true });
    expect((await influx.query("CREATE USER ixm WITH PASSWORD 'secret-pw' WITH ALL PRIVILEGES")).results[0]?.error).toBeUndefined();
    const created = await fetch(`${influx.url}/query`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('ixm:secret-pw').toString('base64')}` }, body: new URLSearchParams({ q: 'CREATE DATABASE ixm' }) });
    expect(created.status).toBe(200);
    await forward(tix.file, FIXTURE_CONFIG, influx.url);
    await forward(priv.file, PRIV, influx.url);
    const hash = await hashPassword('correct horse');
    users = [
      { username: 'm1', role: 'member', ixp: 'tix', asns: [65001], hash },
      { username: 'op', role: 'operator', ixp: 'tix', hash },
      { username: 'op2', role: 'operator', ixp: 'priv', hash },
      { username: 'rep', role: 'reporter', hash },
      { username: 'adm', role: 'admin', hash },
    ];
    const find = { find: (n: string) => users.find((u) => u.username === n) };
    const local = createDashboard(configFor(tix.file, path.join(dir, 'users.json')), { now: () => NOW, users: find, listen: '127.0.0.1:0', webDir: '/nonexistent' });
    // The central dashboard's whole config: InfluxDB, the dashboard section, its users file.
    const central = createDashboard({ influxdb: influxCfg(influx.url), dashboard: { listen: '127.0.0.1:0', reader: 'influxdb', usersFile: path.join(dir, 'users.json'), trustProxy: false, publicMembers: false, publicCacheSeconds: 0 } } as unknown as Config,
      { now: () => NOW, users: find, listen: '127.0.0.1:0', webDir: '/nonexistent' });
    base.local = (await local.start()).replace(/\/$/, '');
    stops.push(() => local.stop());
    base.central = (await central.start()).replace(/\/$/, '');
    stops.push(() => central.stop());
  } catch (e) {
    await cleanup();
    throw e;
  }
}, 240_000);

async function cleanup(): Promise<void> {
  for (const s of stops.splice(0)) await s().catch(() => {});
  await influx?.stop();
  influx = undefined;
  tix.cleanup();
  priv.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
afterAll(cleanup);

const cookies = new Map<string, string>();
async function login(which: 'local' | 'central', username: string): Promise<string> {
  const k = `${which}|${username}`;
  if (!cookies.has(k)) {
    const res = await fetch(`${base[which]}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse' }) });
    expect(res.status).toBe(200);
    cookies.set(k, res.headers.get('set-cookie')!.split(';')[0]!);
  }
  return cookies.get(k)!;
}

async function get(which: 'local' | 'central', url: string, user?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(base[which] + url, { headers: user ? { cookie: await login(which, user) } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Deep equality with a relative tolerance for floats (sums run in another order in each database). */
function same(a: unknown, b: unknown, p = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${p}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${p}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => same(x, b[i], `${p}[${i}]`)).slice(0, 5);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].filter((k) => k !== 'serverTime').flatMap((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${p}.${k}`)).slice(0, 5);
  }
  return a === b ? [] : [`${p}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`];
}

/** The local dashboard serves tix only; on the central one tix is one IXP of two. */
const onlyTix = (body: unknown) => {
  const b = body as { ixps?: { id: string }[] };
  return b.ixps ? { ...b, ixps: b.ixps.filter((x) => x.id === 'tix') } : body;
};

const ROUTES = [
  '/api/ixps',
  '/api/ixps/tix',
  '/api/ixps/tix/now',
  '/api/ixps/tix/traffic?period=24h&step=60',
  '/api/ixps/tix/traffic?period=7d',
  '/api/ixps/tix/traffic?month=2026-01',
  '/api/ixps/tix/traffic?month=2026-01&step=86400',
  '/api/ixps/tix/traffic?month=2026-02',
  '/api/ixps/tix/traffic?period=year',
  '/api/ixps/tix/summary',
  '/api/ixps/tix/summary?month=2026-01',
  '/api/ixps/tix/summary?month=2026-02',
  '/api/ixps/tix/summary?period=year',
  '/api/ixps/tix/summary?period=week',
  '/api/ixps/tix/summary?from=2026-01-05T00:00:00Z&to=2026-02-03T06:00:00Z',
  '/api/ixps/tix/members?month=2026-01',
  '/api/ixps/tix/members?month=2026-02',
  '/api/ixps/tix/members?period=year',
  '/api/ixps/tix/members?period=7d',
  '/api/ixps/tix/members/65001?month=2026-01&months=3',
  '/api/ixps/tix/members/65002?period=week',
  '/api/ixps/tix/members/65004',
  '/api/ixps/tix/members/65009',
  '/api/ixps/tix/ports/sw1/et2?period=24h&step=60',
  '/api/ixps/tix/ports/sw1/et5?period=day',
  '/api/ixps/tix/ports/sw1/et3?month=2026-01',
  '/api/impact?month=2026-01',
  '/api/impact?month=2026-02',
  '/api/ixps/tix/report?month=2026-01&format=json',
  '/api/ixps/tix/report?month=2026-02&format=json&lang=fr',
  '/api/ixps/tix/report?year=2026&format=json',
];

describe('a central dashboard answers as the local one', () => {
  it.each(ROUTES)('%s', async (url) => {
    const [a, b] = await Promise.all([get('local', url, 'adm'), get('central', url, 'adm')]);
    expect(b.status, b.text.slice(0, 300)).toBe(a.status);
    const x = onlyTix(JSON.parse(a.text));
    const y = onlyTix(JSON.parse(b.text));
    expect(same(x, y)).toEqual([]);
    // Not vacuous: the answers carry data.
    if (a.status === 200 && /summary|members\?|report/.test(url)) expect(JSON.stringify(x)).toMatch(/"(bytes|transitSaved)":[1-9]/);
  });

  it('the report in every format, and the central one names both IXPs', async () => {
    for (const f of ['csv', 'html']) {
      const [a, b] = await Promise.all([get('local', `/api/ixps/tix/report?month=2026-01&format=${f}`, 'adm'), get('central', `/api/ixps/tix/report?month=2026-01&format=${f}`, 'adm')]);
      expect(b.status).toBe(200);
      expect(b.type).toBe(a.type);
      expect(b.text).toBe(a.text);
    }
    const list = JSON.parse((await get('central', '/api/ixps', 'adm')).text) as { ixps: { id: string; name: string }[] };
    expect(list.ixps.map((x) => [x.id, x.name])).toEqual([['priv', 'Private IX'], ['tix', 'Test IX']]);
  });
});

describe('roles on the central dashboard', () => {
  const CASES: [string | undefined, string, number][] = [
    // operator of tix: tix in full, priv not at all
    ['op', '/api/ixps/tix/members?month=2026-01', 200],
    ['op', '/api/ixps/tix/ports/sw1/et1?period=day', 200],
    ['op', '/api/ixps/tix/report?month=2026-01&format=json', 200],
    ['op', '/api/ixps/priv/summary?month=2026-01', 403],
    ['op', '/api/ixps/priv/report?month=2026-01&format=json', 403],
    ['op2', '/api/ixps/priv/members?month=2026-01', 200],
    ['op2', '/api/ixps/tix/members?month=2026-01', 403],
    // member: its own member page and ports, never another's
    ['m1', '/api/ixps/tix/members/65001?month=2026-01', 200],
    ['m1', '/api/ixps/tix/ports/sw1/et1?period=day', 200],
    ['m1', '/api/ixps/tix/members/65002?month=2026-01', 403],
    ['m1', '/api/ixps/tix/ports/sw1/et3?period=day', 403],
    ['m1', '/api/ixps/tix/report?month=2026-01&format=json', 403],
    ['m1', '/api/ixps/priv/summary', 403],
    // the public: what a public IXP publishes, nothing of a private one
    [undefined, '/api/ixps/tix/summary?month=2026-01', 200],
    [undefined, '/api/ixps/tix/members?month=2026-01', 401],
    [undefined, '/api/ixps/tix/ports/sw1/et1?period=day', 401],
    [undefined, '/api/ixps/priv/summary?month=2026-01', 401],
    ['rep', '/api/ixps/priv/report?month=2026-01&format=json', 200],
  ];
  it.each(CASES)('%s %s → %i', async (user, url, status) => {
    const c = await get('central', url, user);
    expect(c.status, c.text.slice(0, 200)).toBe(status);
    // The same role sees the same on the local dashboard (which serves tix only).
    if (url.includes('/tix/')) expect((await get('local', url, user)).status).toBe(status);
  });

  it('a member sees only its own rows, on both', async () => {
    for (const w of ['local', 'central'] as const) {
      const r = JSON.parse((await get(w, '/api/ixps/tix/members?month=2026-01', 'm1')).text) as { members: { asn: number }[] };
      expect(r.members.map((m) => m.asn)).toEqual([65001]);
    }
    const pub = JSON.parse((await get('central', '/api/ixps', undefined)).text) as { ixps: { id: string }[] };
    expect(pub.ixps.map((x) => x.id)).toEqual(['tix']);
  });
});

/** windowTotals, else the windows summed (as the service does when the reader's sums cannot be trusted). */
async function totals(reader: Reader, ixp: string, asn: number, from: number, to: number): Promise<{ inBytes: number; coveredSeconds: number }> {
  const t = await reader.windowTotals!(ixp, asn, from, to);
  if (t) return t;
  const windows = (await reader.memberWindowRows(ixp, [asn], from, to)).get(asn) ?? [];
  return { inBytes: bytesOf(windows, 'in'), coveredSeconds: coveredSeconds(windows) };
}

describe('InfluxDB sums the windows itself (windowTotals)', () => {
  it('equals bytes and covered seconds of the windows, partial windows included, in three small queries', async () => {
    let queries = 0;
    const counting: typeof fetch = (u, init) => { queries++; return fetch(u, init); };
    const reader = createInfluxReader(influxCfg(influx!.url), { fetch: counting });
    let whole = 0;
    let partial = 0;
    for (const asn of [0, ...FIXTURE_CONFIG.members!.map((m) => m.asn)]) {
      for (const [from, to] of [[Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 10, 12)], [Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)], [Date.UTC(2026, 1, 1), NOW]]) {
        const windows = (await reader.memberWindowRows('tix', [asn], from, to)).get(asn) ?? [];
        whole += windows.filter((w) => w.res === 300 && w.coverage === 1).length;
        partial += windows.filter((w) => w.coverage! < 1).length;
        const covered = windows.reduce((a, w) => a + (w.inBps !== null || w.outBps !== null ? w.res * w.coverage! : 0), 0);
        queries = 0;
        const t = await totals(reader, 'tix', asn, from, to);
        expect(queries, `AS${asn}`).toBe(3); // the sums, not the windows
        expect(Math.abs(t.inBytes - bytesOf(windows, 'in')), `AS${asn}`).toBeLessThanOrEqual(1e-9 * bytesOf(windows, 'in'));
        expect(t.coveredSeconds, `AS${asn}`).toBeCloseTo(covered, 6);
      }
    }
    expect(whole).toBeGreaterThan(1000);
    expect(partial).toBe(0); // the fixture's windows are all whole: the case below has the others
  });

  it('partial windows and imported MRTG windows come as points; a window without in_bps makes it sum the windows', async () => {
    // IXP windows of a made-up IXP: whole 5-minute ones, partial ones, 2-hour MRTG ones, and later one with out_bps only.
    const t0 = Date.UTC(2026, 0, 20);
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(memberWindowLine('sums', { asn: 0, t: t0 + i * 300_000, in_bps: 1e6 + i * 1013.7, out_bps: 5e5, coverage: 1, ports: 2, res: 300, max_util: 0.1 })!);
    for (let i = 100; i < 110; i++) lines.push(memberWindowLine('sums', { asn: 0, t: t0 + i * 300_000, in_bps: 3e6 + i, out_bps: 1e6, coverage: 0.4 + i / 1000, ports: 1, res: 300, max_util: null })!);
    for (let i = 0; i < 5; i++) lines.push(memberWindowLine('sums', { asn: 0, t: t0 - (i + 1) * 7_200_000, in_bps: 7e6 / 3, out_bps: 2e6, coverage: 1, ports: 2, res: 7200, max_util: null })!);
    const odd = t0 + DAY;
    lines.push(memberWindowLine('sums', { asn: 0, t: odd, in_bps: null, out_bps: 4e6, coverage: 1, ports: 2, res: 300, max_util: null })!);
    const w = await fetch(`${influx!.url}/write?db=ixm&precision=ms`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('ixm:secret-pw').toString('base64')}` }, body: lines.join('\n') });
    expect(w.status).toBe(204);
    let queries = 0;
    const reader = createInfluxReader(influxCfg(influx!.url), { fetch: (u, init) => { queries++; return fetch(u, init); } });
    for (const [to, sums] of [[odd, 3], [odd + 300_000, 4]] as const) {
      const windows = (await reader.memberWindowRows('sums', [0], t0 - DAY, to)).get(0)!;
      expect(windows.length).toBe(to > odd ? 116 : 115);
      queries = 0;
      const t = await totals(reader, 'sums', 0, t0 - DAY, to);
      expect(queries).toBe(sums);
      expect(Math.abs(t.inBytes / bytesOf(windows, 'in') - 1)).toBeLessThan(1e-12);
      const covered = 100 * 300 + Array.from({ length: 10 }, (_, k) => 300 * (0.4 + (100 + k) / 1000)).reduce((a, b) => a + b, 0) + 5 * 7200 + (to > odd ? 300 : 0);
      expect(t.coveredSeconds).toBeCloseTo(covered, 6);
    }
  });
});
