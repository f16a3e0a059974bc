// `ixmeter status` (spawned as a user runs it) and the Prometheus metrics exporter, over a real
// store: backlog per table, last poll per switch, last ack and error, size, simulated flag.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileP } from '../../helpers/proc.ts';
import { createStore } from '../../../collector/store/index.ts';
import { advanceCursor, ensureCursor } from '../../../collector/store/cursor.ts';
import { createCollectorMetrics, createMetricsServer } from '../../../collector/metrics/index.ts';
import { SynthSwitch } from './synth.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

function makeStore() {
  const file = path.join(dir, 'ixmeter.db');
  const store = createStore({ path: file, retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } }, { simulated: true });
  store.open();
  const sw = new SynthSwitch('core-1', 4);
  for (let i = 0; i < 3; i++) { const p = sw.poll(T0 + i * 60_000); store.writePoll(p.poll, p.sample, p.result); }
  store.writePoll({ switch: 'edge-2', t: T0 + 120_000, durationMs: 5000, ok: false, ports: 0, error: 'switch edge-2 (10.0.0.3): timeout' }, null, null);
  for (const t of ['rates', 'polls', 'rollups'] as const) ensureCursor(store.db, t);
  advanceCursor(store.db, 'rates', 4, T0 + 100_000); // 4 of 8 rates acknowledged
  store.setMeta('forward.lastError', 'InfluxDB http://127.0.0.1:1 unreachable: ECONNREFUSED');
  store.setMeta('forward.lastErrorAt', String(T0 + 150_000));
  return { store, file };
}

describe('ixmeter status', () => {
  it('prints backlog, last polls, last ack and error as JSON and as text, read-only while the store is open', async () => {
    const { store, file } = makeStore();
    const cfg = path.join(dir, 'ixmeter.yaml');
    writeFileSync(cfg, `ixp: { id: mvix, name: MVIX }
switches:
  - { name: core-1, host: 127.0.0.1, snmp: { version: 2c, community: public } }
  - { name: edge-2, host: 127.0.0.2, snmp: { version: 2c, community: public } }
  - { name: new-3, host: 127.0.0.3, snmp: { version: 2c, community: public } }
store: { path: ${JSON.stringify(file)} }
influxdb: { url: "http://user:pw@influx.example.org:8086/", api: v1, database: ixm }
`);
    try {
      const { stdout } = await execFileP('node', ['bin/ixmeter.mjs', 'status', '--config', cfg, '--json']);
      const r = JSON.parse(stdout);
      expect(r.store.simulated).toBe(true);
      expect(r.store.sizeBytes).toBeGreaterThan(0);
      expect(r.forwarding.target).toBe('http://influx.example.org:8086 (database ixm)');
      expect(r.forwarding.lastAckAt).toBe(new Date(T0 + 100_000).toISOString());
      expect(r.forwarding.lastError).toBe('InfluxDB http://127.0.0.1:1 unreachable: ECONNREFUSED');
      const rates = r.forwarding.backlog.find((b: { table: string }) => b.table === 'rates');
      expect(rates.points).toBe(4);
      expect(rates.oldest).toBe(new Date(T0 + 120_000).toISOString());
      expect(r.forwarding.backlog.find((b: { table: string }) => b.table === 'polls').points).toBe(4);
      expect(r.switches).toEqual([
        { name: 'core-1', lastPoll: new Date(T0 + 120_000).toISOString(), ok: true, error: null, durationMs: 122, ports: 4 },
        { name: 'edge-2', lastPoll: new Date(T0 + 120_000).toISOString(), ok: false, error: 'switch edge-2 (10.0.0.3): timeout', durationMs: 5000, ports: 0 },
        { name: 'new-3', lastPoll: null, ok: null, error: null, durationMs: null, ports: null },
      ]);
      const text = (await execFileP('node', ['bin/ixmeter.mjs', 'status', '--config', cfg])).stdout;
      expect(text).toContain('SIMULATED');
      expect(text).toMatch(/edge-2 +\S+ +FAILED: switch edge-2 \(10\.0\.0\.3\): timeout/);
      expect(text).toMatch(/rates +4 points, oldest /);
      expect(text).not.toContain('pw@');
    } finally { store.close(); }
  });

  it('says clearly when the store does not exist', async () => {
    const cfg = path.join(dir, 'missing.yaml');
    writeFileSync(cfg, `switches: []\nstore: { path: ${JSON.stringify(path.join(dir, 'nope.db'))} }\n`);
    const e = await execFileP('node', ['bin/ixmeter.mjs', 'status', '--config', cfg]).catch((x) => x);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`ixmeter status: local store ${path.join(dir, 'nope.db')} does not exist yet: the collector has not run with this config (store.path)\n`);
  });
});

describe('metrics exporter', () => {
  it('serves polls, durations, stored points, backlog, last ack and store size on /metrics', async () => {
    const { store } = makeStore();
    const m = createCollectorMetrics({ now: () => T0 + 180_000 });
    const server = createMetricsServer({ listen: '127.0.0.1:0' }, { metrics: m, store });
    await server.start();
    try {
      m.recordPoll('core-1', true, 120);
      m.recordPoll('edge-2', false, 5000);
      m.recordStored({ rates: 8, gaps: 0, polls: 1, rollups: 0 });
      m.hooks.acked?.('rates', 4, T0 + 100_000);
      const res = await fetch(`http://127.0.0.1:${server.address()!.port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('ixmeter_polls_total{switch="core-1",result="ok"} 1');
      expect(text).toContain('ixmeter_polls_total{switch="edge-2",result="failed"} 1');
      expect(text).toContain('ixmeter_poll_duration_seconds_sum{switch="edge-2"} 5');
      expect(text).toContain('ixmeter_points_stored_total{kind="rates"} 8');
      expect(text).toContain('ixmeter_forward_backlog_points{table="rates"} 4');
      expect(text).toContain('ixmeter_forward_backlog_oldest_age_seconds{table="rates"} 60');
      expect(text).toContain(`ixmeter_forward_last_ack_timestamp_seconds ${(T0 + 100_000) / 1000}`);
      expect(text).toContain('ixmeter_forward_points_total{table="rates"} 4');
      expect(text).toMatch(/ixmeter_store_size_bytes [1-9]\d+/);
      expect(text).toMatch(/ixmeter_process_resident_memory_bytes \d+/);
      expect((await fetch(`http://127.0.0.1:${server.address()!.port}/other`)).status).toBe(404);
    } finally { await server.stop(); store.close(); }
  });
});
