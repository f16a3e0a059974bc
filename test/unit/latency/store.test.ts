// The store's latency tables: a round written in one transaction, read back, hourly rollups over every RTT,
// retention that keeps what InfluxDB has not acknowledged, the ixp_latency line, outages with local traffic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../collector/store/index.ts';
import { latencyRetention, readLatency, readLatencyHourly, readLatencyRounds, readOutages, writeLatencyRound, type LatencyRow } from '../../../collector/store/latency.ts';
import { advanceCursor } from '../../../collector/store/cursor.ts';
import { latencyHourLine, latencyLine, latencyRoundLine } from '../../../collector/forward/lineProtocol.ts';
import { targetResult } from '../../../collector/latency/rounds.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-lat-store-'));
  store = createStore({ path: path.join(dir, 's.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  store.open();
});
afterEach(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 3, 10, 0, 0);

function row(t: number, address: string, kind: LatencyRow['kind'], rtts: (number | null)[], memberAsn?: number): LatencyRow {
  const r = targetResult(address, rtts);
  return { t, address, kind, name: kind === 'member' ? `AS${memberAsn}` : 'Quad9', ...(memberAsn ? { memberAsn } : {}),
    sent: r.sent, received: r.received, loss: r.loss, medianMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, rttsMs: r.rttsMs };
}

describe('latency tables', () => {
  it('stores a round and reads it back, filtered by member and kind', () => {
    writeLatencyRound(store.db, store.file, { t: T0, durationMs: 20_100, ok: true, targets: 2 },
      [row(T0, '10.0.0.1', 'member', [0.5, null, 0.4], 65001), row(T0, '9.9.9.9', 'international', [151, 149, 150])]);
    writeLatencyRound(store.db, store.file, { t: T0 + 300_000, durationMs: 3, ok: false, targets: 2, error: 'fping not found' }, []);
    expect(readLatency(store.db, T0, T0 + H)).toEqual([
      row(T0, '10.0.0.1', 'member', [0.5, null, 0.4], 65001), row(T0, '9.9.9.9', 'international', [151, 149, 150]),
    ]);
    expect(readLatency(store.db, T0, T0 + H, { memberAsn: 65001 }).map((r) => r.address)).toEqual(['10.0.0.1']);
    expect(readLatency(store.db, T0, T0 + H, { kind: 'international' }).map((r) => r.address)).toEqual(['9.9.9.9']);
    expect(readLatencyRounds(store.db, T0, T0 + H)).toEqual([
      { t: T0, durationMs: 20_100, ok: true, targets: 2 },
      { t: T0 + 300_000, durationMs: 3, ok: false, targets: 2, error: 'fping not found' },
    ]);
  });

  it('the hourly rollup is over every RTT of the hour, and follows each new round', () => {
    writeLatencyRound(store.db, store.file, { t: T0, durationMs: 1, ok: true, targets: 1 }, [row(T0, '10.0.0.1', 'member', [1, 2, null, 3], 65001)]);
    writeLatencyRound(store.db, store.file, { t: T0 + 600_000, durationMs: 1, ok: true, targets: 1 }, [row(T0 + 600_000, '10.0.0.1', 'member', [10, 20, 30, 40], 65001)]);
    writeLatencyRound(store.db, store.file, { t: T0 + H, durationMs: 1, ok: true, targets: 1 }, [row(T0 + H, '10.0.0.1', 'member', [null, null, null, null], 65001)]);
    const h = readLatencyHourly(store.db, T0, T0 + 2 * H);
    expect(h).toEqual([
      { address: '10.0.0.1', t: T0, kind: 'member', name: 'AS65001', memberAsn: 65001, rounds: 2, sent: 8, received: 7,
        medianMs: 10, p10Ms: 1, p90Ms: 40, minMs: 1, maxMs: 40 },
      { address: '10.0.0.1', t: T0 + H, kind: 'member', name: 'AS65001', memberAsn: 65001, rounds: 1, sent: 4, received: 0,
        medianMs: null, p10Ms: null, p90Ms: null, minMs: null, maxMs: null },
    ]);
  });

  it('retention drops old rounds only once forwarded, hourly rollups after rollupDays', () => {
    const old = T0 - 40 * 86_400_000;
    writeLatencyRound(store.db, store.file, { t: old, durationMs: 1, ok: true, targets: 1 }, [row(old, '10.0.0.1', 'member', [1], 65001)]);
    writeLatencyRound(store.db, store.file, { t: T0, durationMs: 1, ok: true, targets: 1 }, [row(T0, '10.0.0.1', 'member', [1], 65001)]);
    advanceCursor(store.db, 'latency', 0, T0);
    expect(latencyRetention(store.db, { rawDays: 35, rollupDays: 1826 }, T0)).toEqual({ latency: 0, latency_hourly: 0 });
    advanceCursor(store.db, 'latency', 2, T0);
    expect(store.runRetention(T0)).toMatchObject({ latency: 1, latency_hourly: 0 });
    expect(readLatency(store.db, 0, T0 + H).map((r) => r.t)).toEqual([T0]);
    expect(readLatencyHourly(store.db, 0, T0 + H).map((r) => r.t)).toEqual([old - (old % H), T0]);
    expect(latencyRetention(store.db, { rawDays: 35, rollupDays: 30 }, T0).latency_hourly).toBe(1);
  });

  it('the backlog counts unsent latency rows', () => {
    writeLatencyRound(store.db, store.file, { t: T0, durationMs: 1, ok: true, targets: 1 }, [row(T0, '10.0.0.1', 'member', [1], 65001)]);
    expect(store.backlog().find((b) => b.table === 'latency')).toEqual({ table: 'latency', points: 1, oldest: T0, cursor: undefined });
  });

  it('outages come with the local traffic of the member ports meanwhile', () => {
    const I = 300_000;
    // rounds: up, down, down, up
    ['u', 'o', 'o', 'u'].forEach((c, k) => {
      const t = T0 + k * I;
      writeLatencyRound(store.db, store.file, { t, durationMs: 1, ok: true, targets: 2 },
        [row(t, '10.0.0.1', 'member', [0.5], 65001), row(t, '9.9.9.9', 'international', [c === 'u' ? 150 : null])]);
    });
    // one member port at 80 Mbit/s in one-minute polls over the whole period, one other port not counted
    const db = store.db;
    const port = (name: string) => (db.prepare(`INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES ('sw1', ?, ?, 0, 0) RETURNING id`).get(name.length, name) as { id: number }).id;
    const swp1 = port('swp1'), mgmt = port('mgmt0');
    const ins = db.prepare('INSERT INTO rates (port_id, t, interval, in_bps, oper_up) VALUES (?, ?, 60, ?, 1)');
    for (let k = 1; k <= 20; k++) { ins.run(swp1, T0 + k * 60_000, 80e6); ins.run(mgmt, T0 + k * 60_000, 1e9); }
    const [o] = readOutages(db, T0, T0 + 4 * I, { intervalMs: I, ports: [{ switch: 'sw1', port: 'swp1' }] });
    expect(o).toMatchObject({ start: T0 + I, end: T0 + 3 * I, rounds: 2, durationMs: 2 * I });
    expect(o.traffic.bytes).toBeCloseTo(10e6 * 600, 0);
    expect(o.traffic.avgBps).toBeCloseTo(80e6, 3);
    expect(o.traffic.coverage).toBe(1);
  });
});

it('ixp_latency line: tags, integer counts, the sorted RTTs as ping1..N, no median when nothing came back', () => {
  expect(latencyLine('mvix', { t: T0, target: 'fd99::1', kind: 'member', name: 'Raajje Online', member_asn: 65001, sent: 3, received: 2,
    loss: 1 / 3, median_ms: 0.45, min_ms: 0.4, max_ms: 0.5, rtts: '[0.4,0.5]' }))
    .toBe(`ixp_latency,ixp=mvix,kind=member,member_asn=65001,name=Raajje\\ Online,target=fd99::1 sent=3i,received=2i,loss=${1 / 3},median_ms=0.45,min_ms=0.4,max_ms=0.5,ping1=0.4,ping2=0.5 ${T0}`);
  expect(latencyLine('mvix', { t: T0, target: '9.9.9.9', kind: 'international', name: 'Quad9', member_asn: null, sent: 2, received: 0,
    loss: 1, median_ms: null, min_ms: null, max_ms: null, rtts: '[]' }))
    .toBe(`ixp_latency,ixp=mvix,kind=international,name=Quad9,target=9.9.9.9 sent=2i,received=0i,loss=1 ${T0}`);
});

it('ixp_latency_1h line: the hour\'s rollup with the same tags; no RTT fields when nothing came back', () => {
  expect(latencyHourLine('mvix', { t: T0, target: 'fd99::1', kind: 'member', name: 'Raajje Online', member_asn: 65001, rounds: 12, sent: 60, received: 58,
    median_ms: 0.45, p10_ms: 0.4, p90_ms: 0.6, min_ms: 0.38, max_ms: 0.9 }))
    .toBe(`ixp_latency_1h,ixp=mvix,kind=member,member_asn=65001,name=Raajje\\ Online,target=fd99::1 rounds=12i,sent=60i,received=58i,median_ms=0.45,p10_ms=0.4,p90_ms=0.6,min_ms=0.38,max_ms=0.9 ${T0}`);
  expect(latencyHourLine('mvix', { t: T0, target: '9.9.9.9', kind: 'international', name: 'Quad9', member_asn: null, rounds: 12, sent: 60, received: 0,
    median_ms: null, p10_ms: null, p90_ms: null, min_ms: null, max_ms: null }))
    .toBe(`ixp_latency_1h,ixp=mvix,kind=international,name=Quad9,target=9.9.9.9 rounds=12i,sent=60i,received=0i ${T0}`);
});

it('ixp_latency_round line: what one round saw, per kind of target', () => {
  expect(latencyRoundLine('mvix', { t: T0, international: 3, international_answered: 0, routers: 20, routers_answered: 19 }))
    .toBe(`ixp_latency_round,ixp=mvix international=3i,international_answered=0i,routers=20i,routers_answered=19i ${T0}`);
});
