// Stores with hand-computable part-month answers (UTC, IXP price 10 per Mbit/s per month). Every 5-minute row is
// written straight into the store's rollups table, as the collector's rollup would.
//
// Store "month" (October 2026 = 31 days; "now" = 10 November 2026 00:00, day 10 of a 30-day month):
//   A AS65001 isp, fee 62, joined 2026-10-11, et1: one window 10 Oct 23:55 at 1000 Mbit/s (ends at the join
//     midnight: not its); 20 windows from 11 Oct 00:00, in 1..20, out 2; 30 windows from 1 Nov 00:00, in 1..30, out 1.
//   B AS65002 isp, price 20, fee 93, left 2026-10-20, et2: 40 windows ending 19 Oct 23:55, in 5, out 1..40; one
//     window 20 Oct 00:00 at 500 (not its).
//   C AS65003 content, no dates, et3: every window from 1 October 00:00 to now, in 8, out 4 (constant).
// Store "year" (2025, complete):
//   X AS65101 isp, fee 10, no dates, et1: one window on the 1st of month m (1..12) at in m Mbit/s, out 0.
//   Y AS65102 isp, fee 31, joined 2025-03-11, et2: one window 10 Mar 23:55 at 1000 (not its), one at 11 Mar 00:00
//     and one on the 1st of April..December at in 20, out 0.
// The expected figures are worked out in partmonth.test.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { computeFigures } from './figures-fixture.ts';

export const NOW = Date.UTC(2026, 10, 10);
const W = 300_000;

type Row = [port: string, t: number, inM: number, outM: number];

async function write(dir: string, yaml: string, ports: string[], rows: Row[]): Promise<{ configFile: string; dbFile: string }> {
  const dbFile = path.join(dir, 'store.db');
  const configFile = path.join(dir, 'ixmeter.yaml');
  writeFileSync(configFile, yaml.replace('STORE', dbFile));
  const db = openDatabase(dbFile);
  const ins = db.prepare(`INSERT INTO ports (switch, if_index, name, speed_mbps, first_seen, last_seen) VALUES ('sw1', ?, ?, 1000, 0, 1) RETURNING id`);
  const ids = new Map(ports.map((p, i) => [p, (ins.get(i + 1, p) as { id: number }).id]));
  const r = db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, in_bps_max, out_bps_max, coverage, source) VALUES (?, 300, ?, ?, ?, ?, ?, 1, 'poll')`);
  db.transaction(() => { for (const [p, t, i, o] of rows) r.run(ids.get(p), t, i * 1e6, o * 1e6, i * 1e6, o * 1e6); })();
  db.close();
  await computeFigures(configFile, dbFile, NOW);
  return { configFile, dbFile };
}

/** The October/November 2026 store. */
export function monthFixture(dir: string): Promise<{ configFile: string; dbFile: string }> {
  const rows: Row[] = [];
  rows.push(['et1', Date.UTC(2026, 9, 10, 23, 55), 1000, 1000]);
  for (let k = 0; k < 20; k++) rows.push(['et1', Date.UTC(2026, 9, 11) + k * W, k + 1, 2]);
  for (let k = 0; k < 30; k++) rows.push(['et1', Date.UTC(2026, 10, 1) + k * W, k + 1, 1]);
  for (let k = 0; k < 40; k++) rows.push(['et2', Date.UTC(2026, 9, 20) - (40 - k) * W, 5, k + 1]);
  rows.push(['et2', Date.UTC(2026, 9, 20), 500, 500]);
  for (let t = Date.UTC(2026, 9, 1); t < NOW; t += W) rows.push(['et3', t, 8, 4]);
  return write(dir, `ixp:
  id: mvix
  name: MVIX
  timezone: UTC
  currency: USD
  transitPricePerMbps: 10
store:
  path: STORE
members:
  - {asn: 65001, name: Raajje Online, category: isp, portFeePerMonth: 62, joined: '2026-10-11', ports: [{switch: sw1, port: et1}]}
  - {asn: 65002, name: Island Mobile, category: isp, transitPricePerMbps: 20, portFeePerMonth: 93, left: '2026-10-20', ports: [{switch: sw1, port: et2}]}
  - {asn: 65003, name: Island CDN, category: content, ports: [{switch: sw1, port: et3}]}
`, ['et1', 'et2', 'et3'], rows);
}

/** The 2025 store. */
export function yearFixture(dir: string): Promise<{ configFile: string; dbFile: string }> {
  const rows: Row[] = [];
  for (let m = 1; m <= 12; m++) rows.push(['et1', Date.UTC(2025, m - 1, 1), m, 0]);
  rows.push(['et2', Date.UTC(2025, 2, 10, 23, 55), 1000, 0]);
  rows.push(['et2', Date.UTC(2025, 2, 11), 20, 0]);
  for (let m = 4; m <= 12; m++) rows.push(['et2', Date.UTC(2025, m - 1, 1), 20, 0]);
  return write(dir, `ixp:
  id: yix
  name: Year IX
  timezone: UTC
  currency: USD
  transitPricePerMbps: 10
store:
  path: STORE
members:
  - {asn: 65101, name: Atoll Net, category: isp, portFeePerMonth: 10, ports: [{switch: sw1, port: et1}]}
  - {asn: 65102, name: Lagoon ISP, category: isp, portFeePerMonth: 31, joined: '2025-03-11', ports: [{switch: sw1, port: et2}]}
`, ['et1', 'et2'], rows);
}
