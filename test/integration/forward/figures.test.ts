// The figures outbox (migration 009) forwarded into a real InfluxDB 1.6.7 with authentication: member windows,
// months and metadata arrive as the documented points; a delete followed by rewritten rows leaves exactly the
// rewritten points, also when the forwarder is killed or stopped between the delete and the rewrite; ifAlias text
// survives exactly; no secret reaches the logs. Against VictoriaMetrics (no deletes) forwarding goes on.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startInfluxDB, startVictoriaMetrics, type InfluxServer, type VictoriaMetrics } from '../../helpers/influxdb.ts';
import { startProc, waitFor } from '../../helpers/proc.ts';
import { createForwarder, type ForwardHooks } from '../../../collector/forward/index.ts';
import { monthStart } from '../../../collector/forward/figures.ts';
import { getCursor } from '../../../collector/store/cursor.ts';
import { syncMeta, createMetaSync } from '../../../collector/store/meta.ts';
import { resolveMembers } from '../../../collector/members/index.ts';
import type { Store } from '../../../collector/store/index.ts';
import type { Config } from '../../../collector/config/types.ts';
import type { Logger } from '../../../collector/log.ts';
import { newStore, authQuery } from './fixture.ts';

const ADMIN = { u: 'admin', p: 'adm1n-pw' };
const USER = 'ixm';
const PASSWORD = 'Fig-s3cret-Pw-7731';
const TZ = 'Indian/Maldives';
const W = 300_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0); // inside March 2026 in Malé too

let influx: InfluxServer;
const stores: Store[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  influx = await startInfluxDB({ auth: true });
  await influx.query(`CREATE USER ${ADMIN.u} WITH PASSWORD '${ADMIN.p}' WITH ALL PRIVILEGES`);
  await authQuery(influx.url, `CREATE USER ${USER} WITH PASSWORD '${PASSWORD}'`, ADMIN);
  for (const db of ['doc', 'del', 'crash', 'stop', 'meta', 'sec']) {
    await authQuery(influx.url, `CREATE DATABASE ${db}`, ADMIN);
    await authQuery(influx.url, `GRANT WRITE ON ${db} TO ${USER}`, ADMIN); // WRITE is what a 1.x DELETE needs
  }
});
afterAll(async () => {
  for (const s of stores) s.close();
  await influx?.stop();
  // Whatever ran, no line any forwarder logged carries the password or the Basic credentials built from it.
  const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  for (const l of logLines) { expect(l).not.toContain(PASSWORD); expect(l).not.toContain(basic); }
});

/** A Logger that keeps every line (fields and message) for assertions. */
function captureLog(lines: string[], ns = 'collector:forward'): Logger {
  const at = (lvl: string) => (f: object | string, m?: string) => { lines.push(`${lvl} ${ns} ${typeof f === 'string' ? f : `${JSON.stringify(f)} ${m ?? ''}`}`); };
  return {
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'),
    sampled: (lvl, _k, f, m) => at(lvl)(f, m),
    child: (n) => captureLog(lines, `${ns}:${n}`),
  };
}

const fwdCfg = (db: string, extra: Record<string, unknown> = {}) => ({
  url: influx.url, api: 'v1' as const, database: db, username: USER, password: PASSWORD, batchSize: 4, timeout: 10, gzip: true,
  ixp: 'mvix', timezone: TZ, ...extra,
});
const forwarder = (store: Store, db: string, hooks: ForwardHooks = {}) =>
  createForwarder(fwdCfg(db), { store, log: captureLog(logLines), hooks, idleMs: 50, minBackoffMs: 50, maxBackoffMs: 200, blockedRetryMs: 100 });

interface Win { asn: number; t: number; res?: number; in_bps: number | null; out_bps: number | null; coverage: number; ports: number; max_util: number | null }

function putWindows(store: Store, rows: Win[]): void {
  const ins = store.db.prepare(`INSERT INTO member_windows (asn, t, res, in_bps, out_bps, coverage, ports, max_util) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (asn, t) DO UPDATE SET res = excluded.res, in_bps = excluded.in_bps, out_bps = excluded.out_bps, coverage = excluded.coverage,
      ports = excluded.ports, max_util = excluded.max_util`);
  const ob = store.db.prepare("INSERT INTO figures_outbox (kind, asn, t) VALUES ('window', ?, ?)");
  store.db.transaction(() => { for (const r of rows) { ins.run(r.asn, r.t, r.res ?? 300, r.in_bps, r.out_bps, r.coverage, r.ports, r.max_util); ob.run(r.asn, r.t); } })();
}

function outbox(store: Store, kind: string, asn: number | null, t: number | null, tTo: number | null, key: string | null = null): number {
  return Number(store.db.prepare('INSERT INTO figures_outbox (kind, asn, t, t_to, key) VALUES (?, ?, ?, ?, ?)').run(kind, asn, t, tTo, key).lastInsertRowid);
}

function monthRow(asn: number, month: string, o: Record<string, unknown> = {}) {
  return {
    month, asn, complete: false, computedAt: T0 + 12 * W,
    p95InMbps: 410.5, p95OutMbps: 120.25, p95Mbps: 410.5, p95Samples: 8000, bytesIn: 3.2e13, bytesOut: 1.5e12, peakBps: 9.9e8,
    transitSaved: 2052.5, netSaved: 1552.5, portFee: 500, transitSavedProjected: 4000, netSavedProjected: 3500, portFeeProjected: 500,
    coverage: 0.93, resolution: 300, connectedShare: 1, expectedSeconds: 86_400, maxUtil: null,
    peakMethodSaved: asn === 0 ? 9000 : null, localContentShare: asn === 0 ? 0.31 : null, members: asn === 0 ? 2 : null, ...o,
  };
}

function putMonth(store: Store, row: ReturnType<typeof monthRow>): void {
  store.db.prepare(`INSERT INTO member_months (month, asn, complete, computed_at, json) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (month, asn) DO UPDATE SET complete = excluded.complete, computed_at = excluded.computed_at, json = excluded.json`)
    .run(row.month, row.asn, row.complete ? 1 : 0, row.computedAt, JSON.stringify(row));
  outbox(store, 'month', row.asn, null, null, row.month);
}

type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };
async function select(db: string, q: string): Promise<Series[]> {
  return (await authQuery(influx.url, q, ADMIN, db)).results[0].series ?? [];
}
/** Points of ixp_member_5m per asn as [time, in_bps, out_bps, coverage, ports, res, max_util]. */
async function windowsIn(db: string): Promise<Map<string, unknown[][]>> {
  const s = await select(db, 'SELECT in_bps, out_bps, coverage, ports, res, max_util FROM ixp_member_5m GROUP BY asn');
  return new Map(s.map((x) => [x.tags!.asn!, x.values]));
}
const asPoints = (rows: Win[]) => rows.map((r) => [r.t, r.in_bps, r.out_bps, r.coverage, r.ports, r.res ?? 300, r.max_util]);
const series = (asn: number, from: number, n: number, f: (i: number) => Partial<Win> = () => ({})): Win[] =>
  Array.from({ length: n }, (_, i) => ({ asn, t: from + i * W, in_bps: 1e6 * (asn % 7 + i + 1), out_bps: 5e5 * (i + 1), coverage: 1, ports: 2, max_util: 0.1 * (i + 1), ...f(i) }));

describe('figures forwarded into InfluxDB 1.6.7 (v1, with credentials)', () => {
  it('windows and months arrive as the documented points; a window no longer stored sends nothing', async () => {
    const store = newStore(); stores.push(store);
    const ixp = series(0, T0, 3, (i) => ({ ports: 4, max_util: i === 1 ? null : 0.5 }));
    const a = series(65001, T0, 3, (i) => (i === 2 ? { in_bps: null, out_bps: null, coverage: 0, ports: 0, max_util: null } : {}));
    const hist = [{ asn: 65002, t: T0 - 7200_000, res: 7200, in_bps: 3e6, out_bps: 1e6, coverage: 1, ports: 1, max_util: null }];
    putWindows(store, [...ixp, ...a, ...hist]);
    outbox(store, 'window', 65003, T0, null); // points nowhere
    const portMonths = [{ switch: 'sw 1', port: 'Ethernet1', speedMbps: 10000, p95Mbps: 410.5, maxUtil: 0.5, coverage: 0.93 }];
    putMonth(store, monthRow(65001, '2026-03', { ports: portMonths, sources: ['poll', 'mrtg'] }));
    putMonth(store, monthRow(0, '2026-03', { complete: true, pollWindows: 8000, trafficFlowing: 0.98 }));
    const fwd = forwarder(store, 'doc');
    await fwd.drain();
    expect(store.backlog().find((b) => b.table === 'figures')).toMatchObject({ points: 0, oldest: null });

    const got = await windowsIn('doc');
    expect([...got.keys()].sort()).toEqual(['0', '65001', '65002']);
    expect(got.get('0')).toEqual(asPoints(ixp));
    expect(got.get('65001')).toEqual(asPoints(a));
    expect(got.get('65002')).toEqual(asPoints(hist));
    const tags = await select('doc', 'SHOW TAG VALUES FROM ixp_member_5m WITH KEY = "ixp"');
    expect(tags[0]!.values).toEqual([['ixp', 'mvix']]);
    // field types as documented: ports and res integers, in/out/coverage/max_util floats
    const types = await select('doc', 'SHOW FIELD KEYS FROM ixp_member_5m');
    expect(Object.fromEntries(types[0]!.values as [string, string][])).toEqual({ coverage: 'float', in_bps: 'float', max_util: 'float', out_bps: 'float', ports: 'integer', res: 'integer' });

    const months = await select('doc', 'SELECT * FROM ixp_member_month GROUP BY asn');
    const byAsn = new Map(months.map((s) => [s.tags!.asn, Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]![i]]))]));
    expect(months.every((s) => s.values.length === 1)).toBe(true);
    const m1 = byAsn.get('65001')!;
    expect(m1.time).toBe(monthStart('2026-03', TZ));
    expect(m1.time).toBe(Date.UTC(2026, 1, 28, 19)); // local midnight in Malé (UTC+5)
    const want = monthRow(65001, '2026-03');
    expect(m1).toMatchObject({
      month: '2026-03', complete: false, computed_at: want.computedAt, p95_in_mbps: want.p95InMbps, p95_out_mbps: want.p95OutMbps,
      p95_samples: want.p95Samples, bytes_in: want.bytesIn, transit_saved_projected: want.transitSavedProjected, connected_share: 1,
      expected_seconds: want.expectedSeconds, peak_method_saved: null, ixp: 'mvix',
    });
    expect('max_util' in m1).toBe(false); // null in every month row: the field was never sent
    expect(JSON.parse(String(m1.ports))).toEqual(portMonths); // lists travel as JSON text
    expect(JSON.parse(String(m1.sources))).toEqual(['poll', 'mrtg']);
    expect(byAsn.get('0')).toMatchObject({ complete: true, peak_method_saved: 9000, local_content_share: 0.31, members: 2, poll_windows: 8000, traffic_flowing: 0.98, ports: null });
    const mtypes = Object.fromEntries((await select('doc', 'SHOW FIELD KEYS FROM ixp_member_month'))[0]!.values as [string, string][]);
    expect(mtypes).toMatchObject({ complete: 'boolean', computed_at: 'integer', month: 'string', p95_mbps: 'float' });
  });

  /** The windows of two members forwarded, then member 65001 recomputed as the figures worker does it. */
  async function recomputeScene(store: Store, db: string) {
    putWindows(store, [...series(65001, T0, 6), ...series(65002, T0, 6)]);
    putMonth(store, monthRow(65001, '2026-03'));
    putMonth(store, monthRow(65002, '2026-03'));
    await forwarder(store, db).drain();
    expect((await windowsIn(db)).get('65001')!.length).toBe(6);
    // A port moved away from 65001 after the fact: its windows shrink to three, with other values, and March is
    // recomputed for everyone. One transaction: the deletes, then the rewritten rows, in outbox order.
    const rewritten = series(65001, T0, 3, (i) => ({ in_bps: 42 + i, out_bps: 7, coverage: 0.5, ports: 1, max_util: null }));
    let delSeq = 0;
    store.db.transaction(() => {
      store.db.prepare('DELETE FROM member_windows WHERE asn = 65001 AND t >= ? AND t < ?').run(T0, T0 + 6 * W);
      delSeq = outbox(store, 'delete-windows', 65001, T0, T0 + 6 * W);
      outbox(store, 'delete-months', null, monthStart('2026-03', TZ), monthStart('2026-04', TZ));
      putWindows(store, rewritten);
      store.db.prepare('DELETE FROM member_months').run();
      putMonth(store, monthRow(65001, '2026-03', { p95InMbps: 1.5 }));
    })();
    return { rewritten, untouched: series(65002, T0, 6), delSeq };
  }

  async function expectRewritten(db: string, s: { rewritten: Win[]; untouched: Win[] }) {
    const got = await windowsIn(db);
    expect(got.get('65001')).toEqual(asPoints(s.rewritten)); // no stale point of the three that went away
    expect(got.get('65002')).toEqual(asPoints(s.untouched)); // another member's series is left alone
    const months = await select(db, 'SELECT p95_in_mbps FROM ixp_member_month GROUP BY asn');
    expect(months.map((m) => [m.tags!.asn, m.values])).toEqual([['65001', [[monthStart('2026-03', TZ), 1.5]]]]); // 65002's month is gone
  }

  it('a delete followed by rewritten rows leaves exactly the rewritten points', async () => {
    const store = newStore(); stores.push(store);
    const s = await recomputeScene(store, 'del');
    const results: string[] = [];
    await forwarder(store, 'del', { deleted: (r) => results.push(r) }).drain();
    expect(results).toEqual(['ok', 'ok']);
    await expectRewritten('del', s);
    // Replaying the whole outbox from the start (a lost cursor) ends in the same state.
    store.db.prepare("UPDATE cursors SET seq = 0 WHERE name = 'figures'").run();
    await forwarder(store, 'del').drain();
    await expectRewritten('del', s);
  });

  it('killed right after InfluxDB ran the delete, before the cursor moved: the restart ends with exactly the rewritten points', async () => {
    const store = newStore(); stores.push(store);
    const s = await recomputeScene(store, 'crash');
    const before = getCursor(store.db, 'figures')!;
    const args = ['bin/tsx-run.mjs', 'test/integration/forward/figuresChild.ts', '--db', store.file, '--url', influx.url, '--database', 'crash', '--user', USER, '--password', PASSWORD];
    const first = startProc('node', [...args, '--hang-after-delete'], { cwd: process.cwd() });
    try {
      await waitFor('the first delete ran', () => first.output().includes('deleted ok'), 30_000, 10);
      first.child.kill('SIGKILL');
      await first.exited;
    } finally { await first.stop('SIGKILL'); }
    expect(getCursor(store.db, 'figures')).toBe(before); // the delete is not acknowledged locally
    expect(before).toBeLessThan(s.delSeq);
    expect((await windowsIn('crash')).get('65001')).toBeUndefined(); // ... but InfluxDB ran it: 65001 has no point now
    const second = startProc('node', args, { cwd: process.cwd() });
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).not.toContain(PASSWORD);
    await expectRewritten('crash', s);
  });

  it('stopped right after the delete was acknowledged: a new forwarder sends the rewrite and nothing stale stays', async () => {
    const store = newStore(); stores.push(store);
    const s = await recomputeScene(store, 'stop');
    let fwd!: ReturnType<typeof forwarder>;
    fwd = forwarder(store, 'stop', { deleted: () => { void fwd.stop(); } });
    fwd.start();
    await waitFor('stopped after the first delete', () => fwd.status().state === 'stopped', 30_000, 10);
    expect(getCursor(store.db, 'figures')).toBe(s.delSeq); // the delete acknowledged, nothing after it
    expect((await windowsIn('stop')).get('65001')).toBeUndefined();
    await forwarder(store, 'stop').drain();
    await expectRewritten('stop', s);
  });

  it('metadata points appear, change, and a member that left is marked removed; ifAlias text survives exactly', async () => {
    const store = newStore(); stores.push(store);
    const nasty = 'AS65001 "Raajje, Online" = 10G\nsecond line, with  two spaces\ttab\r\nend \\ backslash "';
    const nasty2 = 'AS65001 Raajje,\nnow "renamed"';
    const port = store.db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, speed_mbps, oper_status, admin_status, first_seen, last_seen)
      VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`);
    port.run('sw 1', 1, 'Ethernet1', 'Ethernet1 "10G"', nasty, 10000, 1, T0, T0);
    port.run('sw 1', 49, 'Ethernet49', '', 'uplink to sw2', 100000, 1, T0, T0);
    port.run('sw2', 2, 'Ethernet2', '', '', 1000, 2, T0, T0);
    store.db.prepare(`INSERT INTO port_roles (switch, port, role, lag, counted, peer_switch, peer_port, link_name, why, updated_at)
      VALUES ('sw 1', 'Ethernet49', 'trunk', NULL, NULL, 'sw2', 'Ethernet50', 'core, "A"', 'roles.links', 0)`).run();
    const config = {
      ixp: { id: 'mvix', name: 'MVIX "Malé"', country: 'MV', timezone: TZ, currency: 'USD', transitPricePerMbps: 9.5, public: true },
      switches: [{ name: 'sw 1', site: 'Malé', roles: { trunk: ['^Ethernet49$'] } }, { name: 'sw2' }],
      polling: { interval: 60 }, memberSources: { ifAlias: false }, dashboard: { publicMembers: false },
      members: [
        { asn: 65001, name: 'Raajje Online', category: 'isp', portFeePerMonth: 100, joined: '2026-01-15', ports: [{ switch: 'sw 1', port: 'Ethernet1' }] },
        { asn: 65002, name: 'Cache, "CDN"', category: 'content', transitPricePerMbps: 4, ports: [{ switch: 'sw2', port: 'Ethernet2' }] },
      ],
    } as unknown as Config;
    const t1 = T0 + W;
    expect(syncMeta(store.db, { all: true, config, members: resolveMembers(config, { db: store.db }) }, t1)).toBe(6);
    expect(syncMeta(store.db, { all: true, config, members: resolveMembers(config, { db: store.db }) }, t1 + 1)).toBe(0); // unchanged: nothing
    await forwarder(store, 'meta').drain();

    const info = await select('meta', 'SELECT * FROM ixp_info');
    const row = (s: Series, i = 0) => Object.fromEntries(s.columns.map((c, k) => [c, s.values[i]![k]]));
    expect(info[0]!.values.length).toBe(1);
    expect(row(info[0]!)).toEqual({
      time: t1, ixp: 'mvix', name: 'MVIX "Malé"', country: 'MV', timezone: TZ, currency: 'USD', transit_price_per_mbps: 9.5, launched: '',
      public: true, public_members: false, poll_interval: 60, if_alias: false,
      switches: JSON.stringify([{ name: 'sw 1', site: 'Malé', roles: { trunk: ['^Ethernet49$'] } }, { name: 'sw2', site: 'sw2', roles: {} }]),
    });
    const members = new Map((await select('meta', 'SELECT * FROM ixp_member_info GROUP BY asn')).map((s) => [s.tags!.asn, row(s)]));
    expect(members.get('65001')).toMatchObject({ time: t1, name: 'Raajje Online', category: 'isp', buys_transit: true, transit_price_per_mbps: null,
      port_fee_per_month: 100, joined: '2026-01-15', left: '', url: '', ports: '[{"switch":"sw 1","port":"Ethernet1"}]', removed: false });
    expect(members.get('65002')).toMatchObject({ name: 'Cache, "CDN"', buys_transit: false, transit_price_per_mbps: 4, removed: false });
    const ports = await select('meta', 'SELECT * FROM ixp_port_info GROUP BY switch, port');
    const portOf = (sw: string, p: string) => row(ports.find((s) => s.tags!.switch === sw && s.tags!.port === p)!);
    expect(portOf('sw 1', 'Ethernet1')).toMatchObject({ alias: nasty, descr: 'Ethernet1 "10G"', admin_up: true, speed_mbps: 10000, role: '', lag: '', peer: '' });
    expect(portOf('sw 1', 'Ethernet49')).toMatchObject({ role: 'trunk', peer: JSON.stringify({ switch: 'sw2', port: 'Ethernet50', name: 'core, "A"' }) });
    expect(portOf('sw2', 'Ethernet2')).toMatchObject({ alias: '', admin_up: false, speed_mbps: 1000 });

    // Changes: an ifAlias and admin status (a poll), a member renamed and another gone from the registry (config edit).
    store.db.prepare("UPDATE ports SET alias = ?, admin_status = 2 WHERE switch = 'sw 1' AND name = 'Ethernet1'").run(nasty2);
    const config2 = { ...config, members: [{ ...(config.members[0]!), name: 'Raajje Online Pvt' }] } as Config;
    const t2 = t1 + W;
    expect(syncMeta(store.db, { switch: 'sw 1' }, t2)).toBe(1); // after a poll of sw 1: its changed port only
    expect(syncMeta(store.db, { all: true, config: config2, members: resolveMembers(config2, { db: store.db }) }, t2)).toBe(2);
    // The collector's keeper compares a switch's ports after each of its polls (on the next turn, once roles are stored).
    store.db.prepare("UPDATE ports SET speed_mbps = 2500 WHERE switch = 'sw2'").run();
    const kicked: number[] = [];
    const keeper = createMetaSync(config2, { store, members: resolveMembers(config2, { db: store.db }), log: captureLog(logLines, 'collector:meta'), now: () => t2 + W, kick: () => kicked.push(1) });
    keeper.start(); // everything unchanged but sw2's speed, which start() already finds
    keeper.onPoll({ switch: 'sw2', t: t2 + W, durationMs: 1, ok: true, ports: 1 }, { interfaces: [] } as never);
    await new Promise((r) => setImmediate(r));
    keeper.stop();
    expect(kicked.length).toBe(1);
    await forwarder(store, 'meta').drain();

    const last = new Map((await select('meta', 'SELECT last("name") AS "name", last("removed") AS "removed" FROM ixp_member_info GROUP BY asn')).map((s) => [s.tags!.asn, s.values[0]!.slice(1)]));
    expect(Object.fromEntries(last)).toEqual({ 65001: ['Raajje Online Pvt', false], 65002: ['Cache, "CDN"', true] });
    const e1 = await select('meta', `SELECT alias, admin_up FROM ixp_port_info WHERE "switch" = 'sw 1' AND "port" = 'Ethernet1'`);
    expect(e1[0]!.values).toEqual([[t1, nasty, true], [t2, nasty2, false]]); // history kept, text exact
    const e2 = await select('meta', `SELECT speed_mbps FROM ixp_port_info WHERE "switch" = 'sw2'`);
    expect(e2[0]!.values).toEqual([[t1, 1000], [t2 + W, 2500]]);
    expect((await select('meta', 'SELECT count("name") FROM ixp_info'))[0]!.values[0]![1]).toBe(1); // the IXP did not change
  });

  it('wrong credentials block with a clear error and no secret in any log line; the right ones resume', async () => {
    const store = newStore(); stores.push(store);
    putWindows(store, series(65001, T0, 2));
    outbox(store, 'delete-windows', 65001, T0, T0 + W);
    const lines: string[] = [];
    const bad = createForwarder({ ...fwdCfg('sec'), password: `${PASSWORD}-wrong` }, { store, log: captureLog(lines), idleMs: 50, blockedRetryMs: 50 });
    bad.start();
    await waitFor('blocked', () => bad.status().state === 'blocked', 20_000, 10);
    await bad.stop();
    logLines.push(...lines);
    expect(lines.join('\n')).toMatch(/refused the write: 401 authorization failed\. Check influxdb\.username and influxdb\.password/);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(getCursor(store.db, 'figures')).toBe(0);
    await forwarder(store, 'sec').drain();
    expect((await windowsIn('sec')).get('65001')).toEqual(asPoints(series(65001, T0, 2).slice(1))); // the delete took the first
  });
});

describe('figures forwarded into VictoriaMetrics (no deletes)', () => {
  let vm: VictoriaMetrics;
  beforeAll(async () => { vm = await startVictoriaMetrics(); });
  afterAll(async () => { await vm?.stop(); });

  it.each(['v2', 'v1'] as const)('through the %s API: a refused delete is logged once and counted, and forwarding goes on', async (api) => {
    const store = newStore(); stores.push(store);
    const ixp = api === 'v2' ? 'cv-ix' : 'sr-ix';
    putWindows(store, series(65001, T0, 2));
    outbox(store, 'delete-windows', 65001, T0, T0 + 2 * W);
    outbox(store, 'delete-months', null, T0, T0 + 2 * W);
    putWindows(store, series(65001, T0 + 2 * W, 2));
    const lines: string[] = [];
    const results: string[] = [];
    const cfg = api === 'v2'
      ? { url: vm.url, api, org: 'isoc', bucket: 'ixp', token: 'vm-token-secret', batchSize: 10, timeout: 10, gzip: true, ixp }
      : { url: vm.url, api, database: 'ixp', batchSize: 10, timeout: 10, gzip: true, ixp };
    await createForwarder(cfg, { store, log: captureLog(lines), hooks: { deleted: (r) => results.push(r) } }).drain();
    expect(results).toEqual(['refused', 'refused']);
    const errors = lines.filter((l) => l.startsWith('error'));
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/refused a delete/);
    expect(errors[0]).toMatch(/points they replace stay on this target/);
    expect(lines.join('\n')).not.toContain('vm-token-secret');
    expect(store.backlog().find((b) => b.table === 'figures')!.points).toBe(0);
    await vm.flush();
    const got = await vm.exportSeries(`{__name__="ixp_member_5m_in_bps",ixp="${ixp}"}`);
    expect(got.length).toBe(1);
    expect(got[0]!.metric.asn).toBe('65001');
    expect(got[0]!.timestamps).toEqual(series(65001, T0, 4).map((r) => r.t));
  });
});
