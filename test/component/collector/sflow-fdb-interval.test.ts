// sflow.fdbRefreshInterval is the period of the forwarding-table reads: the component reads each switch's
// table once at start, then once per interval (fake interval timers; a real UDP socket and a real store; the
// switch is a map-backed SNMP agent). The default, when the option is left out, is 900 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../collector/config/load.ts';
import { createSflow, type Sflow } from '../../../collector/sflow/index.ts';
import type { Store } from '../../../collector/store/index.ts';
import { FakeSnmp } from '../../fakes/FakeSnmp.ts';
import { newStore } from '../../integration/forward/fixture.ts';

let sflow: Sflow | undefined, store: Store | undefined, tmp: string | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await sflow?.stop();
  store?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  sflow = store = tmp = undefined;
});

/** Starts the component with `extra` sflow lines; returns how many forwarding-table reads began so far. */
async function start(extra: string[]): Promise<() => number> {
  tmp = mkdtempSync(path.join(tmpdir(), 'ixm-sflow-fdb-'));
  store = newStore(tmp);
  store.db.prepare('INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES (?, ?, ?, 0, 0)').run('sw1', 11, 'swp1');
  const cfg = parseConfig([
    'switches:', '  - { name: sw1, host: 127.0.0.1, port: 9, snmp: { version: "2c", community: c } }',
    'members:', '  - { asn: 65001, name: One, category: isp, ports: [{ switch: sw1, port: swp1 }] }',
    'sflow:', '  listen: "127.0.0.1:0"', ...extra.map((l) => `  ${l}`), '',
  ].join('\n'), 'test.yaml', {});
  let reads = 0;
  // Only the interval timers are fake: the socket and the promises run for real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  sflow = createSflow(cfg, { store, now: () => Date.UTC(2026, 0, 5), createSnmpClient: () => { reads++; return new FakeSnmp({}); } });
  await sflow.start();
  return () => reads;
}

describe('sflow.fdbRefreshInterval', () => {
  it('re-reads the forwarding tables every fdbRefreshInterval seconds, not sooner', async () => {
    const reads = await start(['fdbRefreshInterval: 120']);
    expect(reads()).toBe(1); // the read at start
    vi.advanceTimersByTime(119_999);
    expect(reads()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(reads()).toBe(2);
    vi.advanceTimersByTime(2 * 120_000);
    expect(reads()).toBe(4);
  });

  it('defaults to 900 s when the option is left out', async () => {
    const reads = await start([]);
    expect(reads()).toBe(1);
    vi.advanceTimersByTime(899_999);
    expect(reads()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(reads()).toBe(2);
  });

  it('refuses an interval under a minute, naming the option', () => {
    expect(() => parseConfig(['switches: []', 'sflow:', '  fdbRefreshInterval: 5', ''].join('\n'), 'test.yaml', {}))
      .toThrow(/\/sflow\/fdbRefreshInterval/);
  });
});
