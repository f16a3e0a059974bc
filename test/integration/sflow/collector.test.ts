// The sFlow component in the collector: real UDP on loopback, the real SQLite store and a real InfluxDB
// 1.6. Datagrams arrive in two 5-minute windows (an injected clock); each closed window is stored once,
// MACs map through the config and the switch's forwarding table (a map-backed SNMP agent: no hardware),
// only ingress samples of member ports count, and the forwarder delivers the rows as ixp_p2p_5m.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../collector/config/load.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { createSflow, type Sflow } from '../../../collector/sflow/index.ts';
import { readP2p, readP2pCoverage, WINDOW_MS } from '../../../collector/sflow/store.ts';
import type { Store } from '../../../collector/store/index.ts';
import { FakeSnmp } from '../../fakes/FakeSnmp.ts';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { freeUdpPort } from '../../helpers/ports.ts';
import { waitFor } from '../../helpers/proc.ts';
import { encodeDatagram, type FlowSpec } from '../../unit/sflow/encode.ts';
import { newStore, T0 } from '../forward/fixture.ts';

const M1 = '02:00:5e:00:01:01', M2 = '02:00:5e:00:01:02', M3 = '02:00:5e:00:01:03', STRANGER = '02:00:5e:00:09:09';
const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-sflow-col-'));
let store: Store, sflow: Sflow, influx: InfluxServer, port: number;
let clock = T0 + 10_000;

async function send(bufs: Buffer[]): Promise<void> {
  const s = createSocket('udp4');
  for (const b of bufs) await new Promise<void>((r, j) => s.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}
let seq = 0, pool = 0;
/** One sample from ifIndex `input`, 1:10 with the pool moving by 10: each sample stands for 10 frames. */
const flow = (input: number, src: string, dst: string, etype: number, frameLength: number): { kind: 'flow'; flow: FlowSpec } =>
  ({ kind: 'flow', flow: { sequence: ++seq, sourceIndex: 1, rate: 10, pool: (pool += 10), input, frameLength, frame: { src, dst, etype } } });

beforeAll(async () => {
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE ixm');
  store = newStore(tmp);
  // The ports the poller would have stored: member ports 11, 12, 13 and a trunk 50.
  const ins = store.db.prepare('INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES (?, ?, ?, 0, 0)');
  for (const [i, n] of [[11, 'swp1'], [12, 'swp2'], [13, 'swp3'], [50, 'trunk1']] as const) ins.run('sw1', i, n);
  port = await freeUdpPort();
  const cfg = parseConfig([
    'switches:', '  - { name: sw1, host: 127.0.0.1, port: 9, snmp: { version: "2c", community: c } }',
    'members:',
    '  - { asn: 65001, name: One, category: isp, ports: [{ switch: sw1, port: swp1 }] }',
    '  - { asn: 65002, name: Two, category: content, ports: [{ switch: sw1, port: swp2 }] }',
    '  - { asn: 65003, name: Three, category: isp, ports: [{ switch: sw1, port: swp3 }] }',
    'sflow:', `  listen: "127.0.0.1:${port}"`, '  agents: [{ address: 192.0.2.1, switch: sw1 }]',
    `  macs: [{ mac: "${M1}", asn: 65001 }, { mac: "${M2}", asn: 65002 }]`, '',
  ].join('\n'), 'test.yaml', {});
  // The switch's Q-BRIDGE table: M3 learned on bridge port 3 = ifIndex 13 (member 65003); STRANGER on the trunk.
  const macOid = (m: string) => m.split(':').map((h) => parseInt(h, 16)).join('.');
  const fdb = new FakeSnmp({
    '1.3.6.1.2.1.17.1.4.1.2.1': 11, '1.3.6.1.2.1.17.1.4.1.2.2': 12, '1.3.6.1.2.1.17.1.4.1.2.3': 13, '1.3.6.1.2.1.17.1.4.1.2.9': 50,
    [`1.3.6.1.2.1.17.7.1.2.2.1.2.1.${macOid(M3)}`]: 3, [`1.3.6.1.2.1.17.7.1.2.2.1.2.1.${macOid(STRANGER)}`]: 9,
  });
  sflow = createSflow(cfg, { store, now: () => clock, createSnmpClient: () => fdb });
  await sflow.start();
  await waitFor('forwarding table', () => sflow.status().fdbMacs === 1);
}, 60_000);

afterAll(async () => {
  await sflow?.stop();
  store?.close();
  await influx?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('sFlow component', () => {
  it('stores each closed 5-minute window once, by member pair and IP version, ingress samples of member ports only', async () => {
    await send([
      encodeDatagram({ agent: '192.0.2.1', samples: [
        flow(11, M1, M2, 0x0800, 1000), flow(11, M1, M2, 0x0800, 1000), flow(11, M1, M3, 0x86dd, 500),
        flow(12, M2, M1, 0x86dd, 1500), flow(13, M3, M1, 0x0800, 100),
        flow(50, STRANGER, M1, 0x0800, 9000), // trunk input: not counted
        flow(13, M3, STRANGER, 0x0800, 200),  // to a MAC on the trunk: the unknown bucket
      ] }),
      encodeDatagram({ agent: '198.51.100.7', samples: [flow(11, M1, M2, 0x0800, 1000)] }), // not a configured agent
      Buffer.from('garbage'),
    ]);
    await waitFor('datagrams', () => sflow.status().datagrams === 3);
    expect(sflow.closeWindows(clock)).toBe(0); // the window is still open
    clock += WINDOW_MS; // into the next window
    await send([encodeDatagram({ agent: '192.0.2.1', samples: [flow(12, M2, M3, 0x0800, 800)] })]);
    await waitFor('datagram', () => sflow.status().datagrams === 4);
    expect(sflow.closeWindows(clock + WINDOW_MS)).toBe(1);
    expect(sflow.closeWindows(clock + WINDOW_MS)).toBe(0);

    const w0 = T0 - (T0 % WINDOW_MS);
    expect(readP2p(store.db, w0, w0 + WINDOW_MS)).toEqual([
      { src: 'AS65001', dst: 'AS65002', ip: 'ipv4', bytes: 20_000, packets: 20, samples: 2 },
      { src: 'AS65002', dst: 'AS65001', ip: 'ipv6', bytes: 15_000, packets: 10, samples: 1 },
      { src: 'AS65001', dst: 'AS65003', ip: 'ipv6', bytes: 5000, packets: 10, samples: 1 },
      { src: 'AS65003', dst: 'unknown', ip: 'ipv4', bytes: 2000, packets: 10, samples: 1 },
      { src: 'AS65003', dst: 'AS65001', ip: 'ipv4', bytes: 1000, packets: 10, samples: 1 },
    ]);
    expect(readP2p(store.db, w0 + WINDOW_MS, w0 + 2 * WINDOW_MS)).toEqual([{ src: 'AS65002', dst: 'AS65003', ip: 'ipv4', bytes: 8000, packets: 10, samples: 1 }]);
    const win = store.db.prepare('SELECT * FROM p2p_windows WHERE t = ?').get(w0) as Record<string, number>;
    expect(win).toMatchObject({ switch: 'sw1', datagrams: 1, samples: 6, not_ingress: 1, rate_min: 10, rate_max: 10 });
    expect(readP2pCoverage(store.db, w0, w0 + 2 * WINDOW_MS)).toMatchObject({ windows: 2, samples: 7, rateMin: 10, rateMax: 10 });
    expect(sflow.status()).toMatchObject({ dropped: 1, unknownAgent: 1 });
    // Member 65001's view: only rows it sent or received.
    expect(readP2p(store.db, w0, w0 + WINDOW_MS, 'AS65001').every((r) => r.src === 'AS65001' || r.dst === 'AS65001')).toBe(true);
  });

  it('forwards the stored windows to InfluxDB as ixp_p2p_5m, integer fields, tags per pair', async () => {
    const fwd = createForwarder({ url: influx.url, api: 'v1', database: 'ixm', batchSize: 1000, timeout: 5000, gzip: false, ixp: 'mvix' }, { store });
    await fwd.drain();
    const r = await influx.query('SELECT sum("bytes") AS bytes, sum("samples") AS samples FROM "ixp_p2p_5m" GROUP BY "src", "dst", "ip"', 'ixm');
    const got = Object.fromEntries((r.results[0].series ?? []).map((s) => [`${s.tags!.src}>${s.tags!.dst}/${s.tags!.ip}`, s.values[0].slice(1)]));
    expect(got).toEqual({
      'AS65001>AS65002/ipv4': [20_000, 2], 'AS65002>AS65001/ipv6': [15_000, 1], 'AS65001>AS65003/ipv6': [5000, 1],
      'AS65003>unknown/ipv4': [2000, 1], 'AS65003>AS65001/ipv4': [1000, 1], 'AS65002>AS65003/ipv4': [8000, 1],
    });
    expect(store.backlog().find((b) => b.table === 'p2p')?.points).toBe(0);
  });
});
