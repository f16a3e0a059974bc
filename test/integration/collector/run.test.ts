// `ixmeter run` end to end: the real CLI process polls snmpsim (a MikroTik recording whose counters
// move with snmpsim's numeric variation) every second into the SQLite store; SIGTERM stops it
// cleanly; a restart resumes from the stored sample, so the interval across the restart is a rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SNMPREC_DIR, startSnmpSim, type SnmpSim } from '../../helpers/snmpsim.ts';
import { startProc, waitFor } from '../../helpers/proc.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { freeTcpPort } from '../../helpers/ports.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const IN_RATE = 125_000; // bytes/s -> 1 Mbit/s on sfp-sfpplus9
const OUT_RATE = 12_500_000; // bytes/s -> 100 Mbit/s

/** A copy of routeros_crs317 with sysUpTime and port 9's HC octet counters moving. */
function movingRecording(dataDir: string): void {
  const lines = readFileSync(path.join(SNMPREC_DIR, 'routeros_crs317.snmprec'), 'utf8').split('\n').map((l) => {
    const [oid, , value] = l.split('|');
    if (oid === '1.3.6.1.2.1.1.3.0') return `${oid}|67:numeric|initial=${value},rate=100`;
    if (oid === '1.3.6.1.2.1.31.1.1.1.6.9') return `${oid}|70:numeric|initial=${value},rate=${IN_RATE}`;
    if (oid === '1.3.6.1.2.1.31.1.1.1.10.9') return `${oid}|70:numeric|initial=${value},rate=${OUT_RATE}`;
    return l;
  });
  mkdirSync(path.join(dataDir, 'rates'), { recursive: true });
  writeFileSync(path.join(dataDir, 'rates', 'routeros.snmprec'), lines.join('\n'));
}

interface RateRow { t: number; interval: number; in_bps: number | null; out_bps: number | null; gap: string | null; in_octets: string | null }

function portRates(dbFile: string): RateRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT r.t, r.interval, r.in_bps, r.out_bps, r.gap, r.in_octets FROM rates r JOIN ports p ON p.id = r.port_id
      WHERE p.switch = 'crs317' AND p.name = 'sfp-sfpplus9' ORDER BY r.t`).all() as RateRow[];
  } catch { return []; } finally { db.close(); }
}

function polls(dbFile: string): { switch: string; ok: number; error: string | null }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try { return db.prepare('SELECT switch, ok, error FROM polls ORDER BY seq').all() as never; } finally { db.close(); }
}

let sim: SnmpSim;
let influx: InfluxServer;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ixm-run-'));
  chmodSync(work, 0o755); // snmpsim reads the recordings as user nobody
  const dataDir = path.join(work, 'snmprec');
  movingRecording(dataDir);
  [sim, influx] = await Promise.all([startSnmpSim({ dataDir, readyCommunity: 'rates/routeros' }), startInfluxDB()]);
  await influx.query('CREATE DATABASE ixmeter');
});

afterAll(async () => {
  await Promise.all([sim?.stop(), influx?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ixmeter run', () => {
  it('writes rates to the store, stops on SIGTERM, and resumes across a restart', async () => {
    const dbFile = path.join(work, 'store.db');
    const cfgFile = path.join(work, 'ixmeter.yaml');
    const metricsPort = await freeTcpPort();
    writeFileSync(cfgFile, `
ixp: { id: testix, name: Test IX }
switches:
  - name: crs317
    host: 127.0.0.1
    port: ${sim.port}
    snmp: { version: "2c", community: { env: TEST_COMMUNITY } }
    include: ["^sfp-sfpplus"]
  - name: gone
    host: 127.0.0.1
    port: ${sim.port}
    timeout: 0.3
    retries: 0
    snmp: { version: "2c", community: no-such-community }
polling: { interval: 1, maxGapIntervals: 60 }
store: { path: ${dbFile} }
metrics: { listen: "127.0.0.1:${metricsPort}" }
influxdb: { url: "${influx.url}", api: v1, database: ixmeter }
alerts: { enabled: false }
`);
    const env = { ...process.env, TEST_COMMUNITY: 'rates/routeros', NOTIFY_SOCKET: '' };
    const start = () => startProc('node', ['bin/ixmeter.mjs', 'run', '--config', cfgFile], { cwd: ROOT, env });

    // First run: at least three real rates.
    const first = start();
    try {
      await waitFor('three rates', () => portRates(dbFile).filter((r) => r.gap === null).length >= 3, 30_000, 200);
      // Wired alongside the store: the metrics exporter and the forwarder to InfluxDB.
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(text).toMatch(/ixmeter_polls_total\{switch="crs317",result="ok"\} [1-9]/);
      expect(text).toMatch(/ixmeter_polls_total\{switch="gone",result="failed"\} [1-9]/);
      await waitFor('points in InfluxDB', async () => {
        const r = await influx.query(`SELECT count(in_bps) FROM ixp_port WHERE ixp = 'testix' AND switch = 'crs317' AND port = 'sfp-sfpplus9'`, 'ixmeter');
        return ((r.results[0].series?.[0]?.values[0]?.[1] as number) ?? 0) >= 2;
      }, 30_000, 300);
      // Metadata points (issue 11): the IXP once, and each polled port after its first poll.
      await waitFor('metadata points', async () => {
        const r = await influx.query(`SELECT count(descr) FROM ixp_port_info WHERE ixp = 'testix' AND switch = 'crs317' AND port = 'sfp-sfpplus9'`, 'ixmeter');
        return r.results[0].series?.[0]?.values[0]?.[1] === 1;
      }, 30_000, 300);
      expect((await influx.query(`SELECT count("name") FROM ixp_info WHERE ixp = 'testix'`, 'ixmeter')).results[0].series?.[0]?.values[0]?.[1]).toBe(1);
    } finally {
      await first.stop('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('collector stopped');
    expect(first.output()).not.toContain('rates/routeros'); // the community is a secret
    const before = portRates(dbFile);
    expect(before.filter((r) => r.gap === null).length).toBeGreaterThanOrEqual(3);
    // Each rate is exactly the counter delta over the interval (the raw counters are stored too),
    // and in the right range: the counters move at 1 and 100 Mbit/s (loose bounds: the interval
    // is measured at the collector, the counter read a little earlier, on a busy machine).
    for (let i = 1; i < before.length; i++) {
      const r = before[i];
      if (r.gap !== null) continue;
      const delta = Number(BigInt(r.in_octets!) - BigInt(before[i - 1].in_octets!));
      expect(r.in_bps!).toBeCloseTo((delta * 8) / r.interval, 3);
      expect(r.in_bps! / 1e6).toBeGreaterThan(0.5);
      expect(r.in_bps! / 1e6).toBeLessThan(2);
      expect(r.out_bps! / 1e8).toBeGreaterThan(0.5);
      expect(r.out_bps! / 1e8).toBeLessThan(2);
    }
    // The dead switch was polled and recorded as failed while crs317 kept going.
    const p = polls(dbFile);
    expect(p.some((x) => x.switch === 'gone' && x.ok === 0 && /^switch gone \(127\.0\.0\.1:\d+\): /.test(x.error ?? ''))).toBe(true);
    expect(p.filter((x) => x.switch === 'crs317' && x.ok === 1).length).toBeGreaterThanOrEqual(4);

    // Second run: the first interval spans the restart and is a real rate, computed from the stored sample.
    const lastT = before[before.length - 1].t;
    const second = start();
    try {
      await waitFor('a rate after the restart', () => portRates(dbFile).some((r) => r.t > lastT), 30_000, 200);
    } finally {
      await second.stop('SIGTERM');
    }
    expect(await second.exited).toBe(0);
    const after = portRates(dbFile).filter((r) => r.t > lastT);
    const resumed = after[0];
    expect(resumed.gap).toBeNull();
    expect(resumed.interval * 1000).toBeCloseTo(resumed.t - lastT, -2);
    expect(resumed.interval).toBeGreaterThan(1.5); // it spans the downtime, not one poll interval
    const delta = Number(BigInt(resumed.in_octets!) - BigInt(before[before.length - 1].in_octets!));
    expect(resumed.in_bps!).toBeCloseTo((delta * 8) / resumed.interval, 3);
    expect(resumed.in_bps! / 1e6).toBeGreaterThan(0.5);
    expect(resumed.in_bps! / 1e6).toBeLessThan(2);
  });
});
