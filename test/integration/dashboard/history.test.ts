// Imported MRTG history on a central dashboard: the same years of 5-minute, 30-minute, 2-hour and daily rows, read
// from the local store and, after the real forwarder sent them, from a real InfluxDB 1.6.7: each member's window
// samples must be the same from both readers, summed over the member's ports, at their own resolution.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startInfluxDB, type InfluxServer } from '../../helpers/influxdb.ts';
import { newStore } from '../forward/fixture.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import { parseMrtgLog, storeMrtgRows } from '../../../collector/importers/mrtg.ts';
import { createSqliteReader } from '../../../dashboard/readers/sqlite.ts';
import { createInfluxReader } from '../../../dashboard/readers/influxql.ts';
import type { PortMember } from '../../../dashboard/readers/reader.ts';
import type { WindowSample } from '../../../collector/figures/impact.ts';
import type { Store } from '../../../collector/store/index.ts';

const LOG = readFileSync(fileURLToPath(new URL('../../fixtures/mrtg/sw1-et1.log', import.meta.url)), 'utf8');
const members: PortMember[] = [
  { switch: 'sw1', port: 'et1', asn: 64500 },
  { switch: 'sw1', port: 'et2', asn: 64500 },
  { switch: 'sw1', port: 'et3', asn: 64501 },
];
const FROM = Date.UTC(2022, 9, 1), TO = Date.UTC(2025, 0, 2);

let influx: InfluxServer;
let store: Store;
beforeAll(async () => {
  influx = await startInfluxDB();
  await influx.query('CREATE DATABASE hist');
  store = newStore();
  const { rows } = parseMrtgLog(LOG, 'sw1-et1.log');
  for (const m of members) storeMrtgRows(store.db, m.switch, m.port, rows);
  const tagsFor = (_sw: string, port: string) => {
    const m = members.find((x) => x.port === port);
    return m ? { member_asn: m.asn, member: `AS${m.asn}`, category: 'isp' } : undefined;
  };
  await createForwarder({ url: influx.url, api: 'v1', database: 'hist', batchSize: 2000, timeout: 30, gzip: true, ixp: 'tix' }, { store, tagsFor, hooks: {} }).drain();
});
afterAll(async () => { store?.close(); await influx?.stop(); });

const round = (s: WindowSample) => ({ ...s, inBps: s.inBps === null ? null : Math.round(s.inBps * 1000) / 1000, outBps: s.outBps === null ? null : Math.round(s.outBps * 1000) / 1000, coverage: Math.round((s.coverage ?? 1) * 1e6) / 1e6 });

describe('imported MRTG history through both readers', () => {
  it('the central (InfluxDB) reader gives every member the same coarse and 5-minute windows as the local store', async () => {
    const local = await createSqliteReader(store.db).portWindows('tix', members, FROM, TO);
    const central = await createInfluxReader({ url: influx.url, api: 'v1', database: 'hist', batchSize: 1000, timeout: 30, gzip: false }).portWindows('tix', members, FROM, TO);
    for (const asn of [64500, 64501]) {
      const l = local.byAsn.get(asn) ?? [];
      const c = central.byAsn.get(asn) ?? [];
      // Years of history at every MRTG resolution, not only the last days' 5-minute rows.
      expect(new Set(l.map((s) => s.res))).toEqual(new Set([300, 1800, 7200, 86400]));
      expect(l[0]!.t).toBeLessThan(Date.UTC(2023, 0, 1));
      expect(c.map(round)).toEqual(l.map(round));
    }
    // Summed over the member's ports: two identical ports carry twice one port's traffic in every window.
    const two = central.byAsn.get(64500)!, one = central.byAsn.get(64501)!;
    expect(two.length).toBe(one.length);
    two.forEach((w, i) => {
      expect(w.t).toBe(one[i]!.t);
      if (one[i]!.inBps !== null) expect(w.inBps).toBeCloseTo(2 * one[i]!.inBps!, 6);
    });
  });
});
