// Forwarding into a real InfluxDB 1.6.7 (v1 /write): every stored point readable with exact
// values (octet counters above 2^53 compared as text), an outage delivers count for count, an
// unknown database or wrong password blocks with a clear error, keeps everything, and resumes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { waitFor } from '../../helpers/proc.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import type { Store } from '../../../collector/store/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { parseMrtgLog, storeMrtgRows } from '../../../collector/importers/mrtg.ts';
import { newStore, fill, rawQuery, countsBy, localCounts, authQuery, T0 } from './fixture.ts';

let influx: InfluxServer;
const stores: Store[] = [];
beforeAll(async () => { influx = await startInfluxDB(); });
afterAll(async () => { for (const s of stores) s.close(); await influx?.stop(); });

const v1 = (db: string, extra: Record<string, unknown> = {}) => ({
  url: influx.url, api: 'v1' as const, database: db, batchSize: 700, timeout: 10, gzip: true, ixp: 'mvix', ...extra,
});
const fast = { idleMs: 50, minBackoffMs: 50, maxBackoffMs: 400, blockedRetryMs: 200 };

describe('forwarding to InfluxDB 1.6.7 (v1 API)', () => {
  it('every stored point arrives with exact values, counters above 2^53 included', async () => {
    await influx.query('CREATE DATABASE lp');
    const store = newStore(); stores.push(store);
    const sw = new SynthSwitch('sw 1', 6, { bigCounters: true });
    fill(store, sw, 14);
    // a failed poll and a gap row too
    store.writePoll({ switch: 'sw 1', t: T0 + 14 * 60_000, durationMs: 3000, ok: false, ports: 0, error: 'switch sw 1 (10.0.0.2): walk ifXTable: timeout' }, null, null);
    const tagsFor = (_s: string, port: string) => (port === sw.ifs[0].name ? { member_asn: 65001, member: 'Raajje Online, Ltd = "x"', category: 'isp' } : undefined);
    const fwd = createForwarder(v1('lp'), { store, tagsFor });
    const n = await fwd.drain();
    const rates = store.db.prepare(`SELECT r.*, p.name FROM rates r JOIN ports p ON p.id = r.port_id ORDER BY r.seq`).all() as Record<string, any>[];
    const rollups = (store.db.prepare('SELECT count(*) n FROM rollups WHERE res = 300').get() as { n: number }).n;
    expect(rollups).toBeGreaterThan(0);
    expect(n).toBe(rates.length + rollups + 15);
    expect(store.backlog().every((b) => b.points === 0)).toBe(true);

    for (const port of sw.ifs.slice(0, 3)) {
      const local = rates.filter((r) => r.name === port.name);
      const text = await rawQuery(influx.url, 'lp',
        `SELECT in_bps, out_bps, in_pps, util_in, oper_up, speed_mbps, in_octets, out_octets, in_octets_u64, gap FROM ixp_port WHERE port = '${port.name.replace(/'/g, "\\'")}' AND switch = 'sw 1'`);
      // Integer columns compared as text: each row is [time, in_bps, out_bps, in_pps, util_in, oper_up, speed, in_oct, out_oct, u64, gap]
      const rows = [...text.matchAll(/\[(\d+),([^\]]*)\]/g)].map((m) => [m[1], ...m[2].split(',')]);
      expect(rows.length).toBe(local.length);
      rows.forEach((row, i) => {
        const l = local[i];
        expect(Number(row[0])).toBe(l.t);
        if (l.in_octets.length > 18 && BigInt(l.in_octets) > 2n ** 63n - 1n) {
          expect(row[7]).toBe('null');
          expect(row[9]).toBe(`"${l.in_octets}"`);
        } else {
          expect(row[7]).toBe(l.in_octets); // exact, e.g. 9007199254740993 (2^53 + 1)
        }
        expect(row[8]).toBe(l.out_octets);
        expect(row[1] === 'null' ? null : Number(row[1])).toBe(l.in_bps);
        expect(row[2] === 'null' ? null : Number(row[2])).toBe(l.out_bps);
        expect(row[4] === 'null' ? null : Number(row[4])).toBe(l.util_in);
        expect(row[5]).toBe(l.oper_up ? 'true' : 'false');
      });
    }
    expect(BigInt(rates.find((r) => r.name === sw.ifs[2].name)!.in_octets)).toBeGreaterThan(2n ** 53n);
    // member tags (escaped on the wire) arrive intact
    const tagged = JSON.parse(await rawQuery(influx.url, 'lp', `SELECT count(in_octets) FROM ixp_port WHERE member = 'Raajje Online, Ltd = "x"' AND member_asn = '65001' AND category = 'isp'`));
    expect(tagged.results[0].series[0].values[0][1]).toBe(rates.filter((r) => r.name === sw.ifs[0].name).length);
    // polls and rollups
    const polls = JSON.parse(await rawQuery(influx.url, 'lp', `SELECT duration_ms, ok, ports, error FROM ixp_poll WHERE ixp = 'mvix' AND switch = 'sw 1'`));
    const pv = polls.results[0].series[0].values as unknown[][];
    expect(pv.length).toBe(15);
    expect(pv[14]).toEqual([T0 + 14 * 60_000, 3000, false, 0, 'switch sw 1 (10.0.0.2): walk ifXTable: timeout']);
    const local5 = store.db.prepare(`SELECT r.t, r.in_bps_avg, r.coverage FROM rollups r JOIN ports p ON p.id = r.port_id WHERE res = 300 AND p.name = ? ORDER BY t`).all(sw.ifs[1].name);
    const r5 = JSON.parse(await rawQuery(influx.url, 'lp', `SELECT in_bps_avg, coverage FROM ixp_port_5m WHERE port = '${sw.ifs[1].name}'`));
    expect(r5.results[0].series[0].values).toEqual(local5.map((r: any) => [r.t, r.in_bps_avg, r.coverage]));
    // replay from zero (as after a crash before the cursor moved) leaves no extra point
    store.db.prepare('UPDATE cursors SET seq = 0').run();
    await fwd.drain();
    expect(await countsBy(influx.url, 'lp', 'ixp_port', 'in_octets', ['switch', 'port'])).toEqual(
      new Map([...localCounts(store, 'rates')].filter(([k]) => !k.endsWith(`|${sw.ifs[1].name}`))));
  });

  it('imported MRTG history travels at its own resolution (ixp_port_hist, res tag), not as polled hours or days', async () => {
    await influx.query('CREATE DATABASE hist');
    const store = newStore(); stores.push(store);
    // 2 five-minute rows, 2 thirty-minute rows and 1 daily row, newest first, bytes/s as MRTG writes them.
    const now = 1735689600;
    const log = [`${now} 1 1`, `${now} 1000 2000 2000 4000`, `${now - 300} 1000 2000 2000 4000`,
      `${now - 3600} 3000 500 3000 500`, `${now - 5400} 3000 500 3000 500`, `${now - 86400 * 3} 10 20 10 20`].join('\n');
    const { rows } = parseMrtgLog(log);
    storeMrtgRows(store.db, 'sw1', 'et1', rows);
    const mrtg = store.db.prepare(`SELECT res, count(*) n FROM rollups WHERE source = 'mrtg' GROUP BY res ORDER BY res`).all() as { res: number; n: number }[];
    expect(mrtg.map((r) => r.res)).toContain(1800);
    await createForwarder(v1('hist'), { store }).drain();
    const coarse = mrtg.filter((r) => r.res !== 300);
    for (const { res, n } of coarse) {
      const q = await influx.query(`SELECT in_bps_avg FROM ixp_port_hist WHERE res = '${res}' AND port = 'et1'`, 'hist');
      expect(q.results[0].series?.[0].values.length, `res ${res}`).toBe(n);
    }
    const fiveMin = await influx.query(`SELECT in_bps_avg FROM ixp_port_5m WHERE port = 'et1'`, 'hist');
    expect(fiveMin.results[0].series?.[0].values.length).toBe(mrtg.find((r) => r.res === 300)?.n);
    for (const m of ['ixp_port_1h', 'ixp_port_1d']) expect((await influx.query(`SELECT in_bps_avg FROM ${m}`, 'hist')).results[0].series, m).toBeUndefined();
    // 3000 bytes/s in = 24,000 bit/s, at the 30-minute resolution.
    const half = await influx.query(`SELECT in_bps_avg FROM ixp_port_hist WHERE res = '1800'`, 'hist');
    expect(half.results[0].series?.[0].values.map((v) => v[1])).toContain(24000);
  });

  it('InfluxDB stopped for several polls, then started again: every point arrives, count for count', async () => {
    await influx.query('CREATE DATABASE outage');
    const store = newStore(); stores.push(store);
    const sw = new SynthSwitch('sw2', 20);
    let t = fill(store, sw, 3);
    const fwd = createForwarder(v1('outage', { batchSize: 100 }), { store, ...fast });
    fwd.start();
    try {
      await waitFor('first points delivered', () => store.backlog().every((b) => b.points === 0));
      await influx.pause();
      t = fill(store, sw, 8, t); // polls while InfluxDB is down
      fwd.kick();
      await waitFor('forwarder backing off', () => fwd.status().state === 'backoff');
      expect(fwd.status().lastError).toMatch(/^InfluxDB http:\/\/127\.0\.0\.1:\d+ unreachable: /);
      expect(store.backlog().find((b) => b.table === 'rates')!.points).toBe(8 * 20);
      await influx.restart();
      fill(store, sw, 2, t);
      fwd.kick();
      await waitFor('backlog delivered', () => store.backlog().every((b) => b.points === 0), 30_000);
    } finally { await fwd.stop(); }
    expect(await countsBy(influx.url, 'outage', 'ixp_port', 'in_octets', ['switch', 'port'])).toEqual(localCounts(store, 'rates'));
    const p = JSON.parse(await rawQuery(influx.url, 'outage', 'SELECT count(ok) FROM ixp_poll'));
    expect(p.results[0].series[0].values[0][1]).toBe(13);
  });

  it('unknown database: a clear error, nothing dropped, resumes once the database exists', async () => {
    const store = newStore(); stores.push(store);
    fill(store, new SynthSwitch('sw3', 10), 7);
    const fwd = createForwarder(v1('ixm'), { store, ...fast });
    fwd.start();
    try {
      await waitFor('blocked', () => fwd.status().state === 'blocked');
      expect(fwd.status().lastError).toBe(`InfluxDB ${influx.url} refused the write: 404 database not found: "ixm". Create it (CREATE DATABASE ixm) or fix influxdb.database`);
      expect(store.getMeta('forward.lastError')).toBe(fwd.status().lastError);
      const before = store.backlog();
      expect(before.find((b) => b.table === 'rates')!.points).toBe(60);
      await influx.query('CREATE DATABASE ixm');
      await waitFor('delivered after the fix', () => store.backlog().every((b) => b.points === 0), 20_000);
    } finally { await fwd.stop(); }
    expect(await countsBy(influx.url, 'ixm', 'ixp_port', 'in_octets', ['switch', 'port'])).toEqual(localCounts(store, 'rates'));
    expect(store.getMeta('forward.lastError')).toBe('');
  });
});

describe('forwarding to InfluxDB 1.6.7 with authentication', () => {
  let secured: InfluxServer;
  beforeAll(async () => { secured = await startInfluxDB({ auth: true }); });
  afterAll(async () => { await secured?.stop(); });

  it('wrong password: a clear error without the secret, resumes once the user is fixed', async () => {
    const admin = { u: 'admin', p: 'adm1n' };
    await secured.query(`CREATE USER admin WITH PASSWORD 'adm1n' WITH ALL PRIVILEGES`);
    await authQuery(secured.url, 'CREATE DATABASE sec', admin);
    const store = newStore(); stores.push(store);
    fill(store, new SynthSwitch('sw4', 5), 4);
    const fwd = createForwarder({ url: secured.url, api: 'v1', database: 'sec', username: 'ixm', password: 's3cret-pw', batchSize: 5000, timeout: 10, gzip: true, ixp: 'mvix' }, { store, ...fast });
    fwd.start();
    try {
      await waitFor('blocked', () => fwd.status().state === 'blocked');
      const err = fwd.status().lastError!;
      expect(err).toMatch(/^InfluxDB http:\/\/127\.0\.0\.1:\d+ refused the write: 401 authorization failed\. Check influxdb\.username and influxdb\.password/);
      expect(err).not.toContain('s3cret-pw');
      await authQuery(secured.url, `CREATE USER ixm WITH PASSWORD 's3cret-pw'`, admin);
      await authQuery(secured.url, 'GRANT WRITE ON sec TO ixm', admin);
      await waitFor('delivered after the fix', () => store.backlog().every((b) => b.points === 0), 20_000);
    } finally { await fwd.stop(); }
    const r = await authQuery(secured.url, 'SELECT count(in_octets) FROM ixp_port', admin, 'sec');
    expect(r.results[0].series?.[0].values[0][1]).toBe(15);
  });
});
