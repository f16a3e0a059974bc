// A small store with hand-computable answers for the report tests (February 2025, UTC, 28 days).
// et1 (AS65001 isp, fee 100): Feb 1, 100 windows, in = (k+1) Mbit/s, out = 2 Mbit/s.
// et2 (AS65002 content): same windows, in = 10, out = 1.
// et3 + et4 (AS65003 isp, price 3, fee 50, joined 2025-02-15): Feb 15, 20 windows, in 4 + 6, out k + 0;
//   one window on Feb 14 (before joining: not counted) at 1000 Mbit/s.
// January 2025: et1, 10 windows at 8 Mbit/s in. Polls: ok on the 100 Feb 1 windows.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { computeFigures } from './figures-fixture.ts';

export const FEB = Date.UTC(2025, 1, 1);
export const FEB15 = Date.UTC(2025, 1, 15);
export const JAN = Date.UTC(2025, 0, 1);
export const NOW = Date.UTC(2025, 2, 10);

/** The store and its config; the collector's figures computed as of NOW. */
export async function makeFixture(dir: string, opts: { name?: string; alias65001?: string } = {}): Promise<{ configFile: string; dbFile: string }> {
  const dbFile = path.join(dir, 'store.db');
  const configFile = path.join(dir, 'ixmeter.yaml');
  writeFileSync(configFile, `ixp:
  id: mvix
  name: ${JSON.stringify(opts.name ?? 'MVIX')}
  country: MV
  timezone: UTC
  currency: USD
  transitPricePerMbps: 2
store:
  path: ${dbFile}
members:
  - {asn: 65001, name: ${JSON.stringify(opts.alias65001 ?? 'Raajje Online')}, category: isp, portFeePerMonth: 100, ports: [{switch: sw1, port: et1}]}
  - {asn: 65002, name: Island CDN, category: content, ports: [{switch: sw1, port: et2}]}
  - {asn: 65003, name: Dhiraagu, category: isp, transitPricePerMbps: 3, portFeePerMonth: 50, joined: '2025-02-15', ports: [{switch: sw1, port: et3}, {switch: sw1, port: et4}]}
`);
  const db = openDatabase(dbFile);
  const port = db.prepare(`INSERT INTO ports (switch, if_index, name, speed_mbps, first_seen, last_seen) VALUES ('sw1', ?, ?, ?, 0, 1) RETURNING id`);
  const id = (i: number, n: string, s: number) => (port.get(i, n, s) as { id: number }).id;
  const et1 = id(1, 'et1', 1000);
  const et2 = id(2, 'et2', 10000);
  const et3 = id(3, 'et3', 1000);
  const et4 = id(4, 'et4', 1000);
  const r = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, in_bps_max, out_bps_max, coverage, source) VALUES (?, 300, ?, ?, ?, ?, ?, 1, 'poll')`);
  const poll = db.prepare(`INSERT INTO polls (switch, t, duration_ms, ok, ports) VALUES ('sw1', ?, 10, 1, 4)`);
  db.transaction(() => {
    for (let k = 0; k < 100; k++) {
      const t = FEB + k * 300_000;
      r.run(et1, t, (k + 1) * 1e6, 2e6, (k + 1) * 1e6, 2e6);
      r.run(et2, t, 10e6, 1e6, 10e6, 1e6);
      poll.run(t + 60_000);
    }
    for (let k = 0; k < 20; k++) {
      const t = FEB15 + k * 300_000;
      r.run(et3, t, 4e6, k * 1e6, 4e6, k * 1e6);
      r.run(et4, t, 6e6, 0, 6e6, 0);
    }
    r.run(et3, FEB15 - 3_600_000, 1000e6, 1000e6, 1000e6, 1000e6);
    for (let k = 0; k < 10; k++) r.run(et1, JAN + k * 300_000, 8e6, 1e6, 8e6, 1e6);
  })();
  db.close();
  await computeFigures(configFile, dbFile, NOW);
  return { configFile, dbFile };
}
