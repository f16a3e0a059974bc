// An international outage in the IXP lab, end to end through the real collector: SNMP polls of the lab switch
// and fping rounds from the collector namespace (members' routers over the bridge, IPv4 and IPv6, and the slow
// "international" host). The slow host's namespace drops everything for three rounds while members keep sending
// traffic: the outage is found with its duration, and the local traffic meanwhile matches the kernel's counters.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../collector/config/load.ts';
import { createCollector, type Collector } from '../../collector/main.ts';
import { createStore, type Store } from '../../collector/store/index.ts';
import { readLatency, readLatencyRounds, readOutages } from '../../collector/store/latency.ts';
import { waitFor } from '../helpers/proc.ts';
import { startInfluxDB, type InfluxServer } from '../helpers/influxdb.ts';
import type { Sampler, Traffic } from './lab.ts';
import { createLatencyLab, type LatencyLab } from './latencyLab.ts';

const INTERVAL_S = 10;
let ll: LatencyLab;
let dir: string;
let collector: Collector | undefined;
let store: Store | undefined;
let sampler: Sampler | undefined;
let traffic: Traffic | undefined;
let influx: InfluxServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-lat-outage-'));
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE lab');
  ll = await createLatencyLab({ members: 3, delayMs: 150 });
  sampler = await ll.lab.startSampler(['swp1', 'swp2', 'swp3'], 10);
  // Steady flows between the three members, paced by the traffic sources: `bytes` is one second's worth,
  // and one burst(scale) sends for `scale` seconds.
  traffic = await ll.lab.startTraffic([
    { from: 1, to: 2, bytes: 400_000, rate: 400_000 },
    { from: 2, to: 3, bytes: 250_000, rate: 250_000 },
    { from: 3, to: 1, bytes: 150_000, rate: 150_000 },
  ]);
});

afterAll(async () => {
  await collector?.stop();
  store?.close();
  await traffic?.stop();
  await sampler?.stop();
  await ll?.destroy();
  await influx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('three silent rounds of every international reference while members answer: one outage, its duration, the local traffic meanwhile within 1 %', async () => {
  // fping runs in the collector's namespace on the peering LAN; the collector process polls SNMP from here.
  const fping = path.join(dir, 'fping-in-lab');
  writeFileSync(fping, `#!/bin/sh\nexec ip netns exec ${ll.collector.ns} fping "$@"\n`);
  chmodSync(fping, 0o755);
  const storePath = path.join(dir, 'store.db');
  const r = ll.routers;
  const config = parseConfig(`
ixp: { id: lab, name: Lab IX, timezone: UTC, currency: USD, transitPricePerMbps: 10 }
switches:
  - { name: lab, host: ${ll.lab.host}, snmp: { version: "2c", community: ${ll.lab.community} }, timeout: 2, retries: 2 }
polling: { interval: 2 }
store: { path: ${storePath} }
metrics: { listen: "" }
alerts: { enabled: false }
influxdb: { url: "${influx!.url}", api: v1, database: lab }
members:
  - { asn: 65001, name: Raajje Online, category: isp, ports: [{ switch: lab, port: swp1 }] }
  - { asn: 65002, name: Dhiraagu, category: isp, ports: [{ switch: lab, port: swp2 }] }
  - { asn: 65003, name: Ooredoo, category: isp, ports: [{ switch: lab, port: swp3 }] }
latency:
  interval: ${INTERVAL_S}
  pings: 5
  periodMs: 100
  timeoutMs: 600
  fping: ${fping}
  routers:
${r.flatMap((h, i) => [h.v4, h.v6].map((a) => `    - { asn: ${65001 + i}, address: "${a}" }`)).join('\n')}
  references:
    - { name: Slow abroad v4, address: "${ll.remote.v4}", kind: international }
    - { name: Slow abroad v6, address: "${ll.remote.v6}", kind: international }
`, 'lab.yaml', {});
  collector = createCollector(config);
  await collector.start();
  store = createStore(config.store, { readonly: true });
  store.open();
  const db = store.db;
  const roundsOk = () => readLatencyRounds(db, 0, Date.now() + 1).filter((x) => x.ok);
  const remoteAnswered = (t: number) => readLatency(db, t, t + 1, { kind: 'international' }).some((x) => x.received > 0);
  const afterRound = async (n: number) => {
    const have = roundsOk().length;
    await waitFor(`latency round ${have + n}`, () => roundsOk().length >= have + n, (n + 1) * INTERVAL_S * 1000 + 10_000, 100);
    // The round's rows are stored when fping is done: act right after, well before the next round.
  };

  // Members send all along, from before the outage until after it ends (the sources stop in afterAll).
  void traffic!.burst(100);

  await afterRound(2);
  const before = roundsOk();
  expect(remoteAnswered(before[before.length - 1].t), 'the slow host answers before the outage').toBe(true);

  const downAt = Date.now();
  await ll.blackhole(ll.remote.ns, true);
  await afterRound(3);
  await ll.blackhole(ll.remote.ns, false);
  const upAt = Date.now();
  await afterRound(1);
  const last = roundsOk();
  expect(remoteAnswered(last[last.length - 1].t), 'the slow host answers again').toBe(true);
  // One more poll after the outage's end, so its last interval is stored.
  await new Promise((res) => setTimeout(res, 4500));

  const outages = readOutages(db, 0, Date.now() + 1, { intervalMs: INTERVAL_S * 1000, ports: ['swp1', 'swp2', 'swp3'].map((port) => ({ switch: 'lab', port })) });
  expect(outages, JSON.stringify(outages)).toHaveLength(1);
  const [o] = outages;
  expect(o.rounds).toBe(3);
  expect(o.end).not.toBeNull();
  // Rounds start on the clock every 10 s: three silent rounds are 30 s from the first silent round to the first answered one.
  expect(Math.abs(o.durationMs - 3 * INTERVAL_S * 1000)).toBeLessThan(1000);
  // The real outage lay within one interval of what the rounds saw.
  expect(o.start).toBeGreaterThan(downAt);
  expect(o.start - downAt).toBeLessThan(INTERVAL_S * 1000);
  expect(o.end!).toBeGreaterThan(upAt);
  expect(o.end! - upAt).toBeLessThan(INTERVAL_S * 1000);
  expect(o.uncertaintyMs).toBe(INTERVAL_S * 1000);

  // Routers answered throughout, on IPv4 and IPv6.
  const during = readLatency(db, o.start, o.end!, { kind: 'member' });
  expect(during.length).toBe(3 * 6);
  expect(during.every((x) => x.received > 0)).toBe(true);

  // Local traffic during the outage: the switch ports' inbound bytes from the kernel over [start, end).
  let kernel = 0;
  for (const p of ['swp1', 'swp2', 'swp3']) kernel += sampler!.at(p, o.end!).rxBytes - sampler!.at(p, o.start).rxBytes;
  expect(kernel).toBeGreaterThan(15_000_000);
  expect(o.traffic.coverage).toBeGreaterThan(0.99);
  expect(Math.abs(o.traffic.bytes - kernel) / kernel, `collector ${o.traffic.bytes} vs kernel ${kernel}`).toBeLessThan(0.01);
  expect(Math.abs(o.traffic.avgBps! - (kernel * 8) / (o.durationMs / 1000)) / o.traffic.avgBps!).toBeLessThan(0.01);

  // Every stored round and target reached InfluxDB as ixp_latency, with its tags and the smoke as ping1..N.
  const local = (db.prepare('SELECT count(*) AS n FROM latency').get() as { n: number }).n;
  const count = async () => {
    const res = await influx!.query('SELECT count(sent) FROM ixp_latency', 'lab');
    return Number(res.results[0].series?.[0].values[0][1] ?? 0);
  };
  await waitFor('ixp_latency points in InfluxDB', async () => (await count()) >= local, 30_000, 500);
  expect(await count()).toBe(local);
  const q = await influx!.query(`SELECT sent, received, loss, median_ms, ping1, ping5 FROM ixp_latency WHERE target = '${ll.remote.v6}' AND kind = 'international' AND time >= ${o.start - INTERVAL_S * 1000 - 2000}ms AND time <= ${o.end! + 2000}ms`, 'lab');
  const rows = q.results[0].series![0].values;
  // the round before (answered), three silent rounds (no median, no pings), the round after (answered)
  expect(rows.map((v) => v[2])).toEqual([5, 0, 0, 0, 5]);
  expect(rows.map((v) => v[3])).toEqual([0, 1, 1, 1, 0]);
  expect(rows.map((v) => v[4] === null)).toEqual([false, true, true, true, false]);
  expect(rows[0][5] as number).toBeGreaterThan(140);
  expect(rows[0][6] as number).toBeGreaterThanOrEqual(rows[0][5] as number);
}, 150_000);
