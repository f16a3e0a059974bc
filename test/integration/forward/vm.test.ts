// The v2 write path (/api/v2/write with org, bucket, token) against a real VictoriaMetrics: every
// stored point is there with its values and tags, and a replay from zero adds no duplicate
// timestamp. VictoriaMetrics keeps values as float64 compressed to about 12 significant digits,
// so values are compared to 1e-11 relative here; exactness (octets above 2^53 to the last digit)
// is proven against InfluxDB in influx.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startVictoriaMetrics, type VictoriaMetrics } from '../../helpers/influxdb.ts';
import { createForwarder } from '../../../collector/forward/index.ts';
import type { Store } from '../../../collector/store/index.ts';
import { SynthSwitch } from '../../unit/store/synth.ts';
import { newStore, fill } from './fixture.ts';

function near(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(Math.abs(want[i]) * 1e-11));
}

let vm: VictoriaMetrics;
let store: Store;
beforeAll(async () => { vm = await startVictoriaMetrics(); });
afterAll(async () => { store?.close(); await vm?.stop(); });

describe('forwarding through the v2 API (VictoriaMetrics)', () => {
  it('every point arrives with its values and tags; replay adds no duplicate', async () => {
    store = newStore();
    const sw = new SynthSwitch('edge-1', 8, { bigCounters: true });
    fill(store, sw, 12);
    const fwd = createForwarder({ url: vm.url, api: 'v2', org: 'isoc', bucket: 'ixp', token: 'tok', batchSize: 37, timeout: 10, gzip: true, ixp: 'cv-ix' }, { store });
    await fwd.drain();
    await vm.flush();
    const check = async () => {
      const local = store.db.prepare(`SELECT p.name, r.t, r.in_bps, r.out_pps, r.in_octets FROM rates r JOIN ports p ON p.id = r.port_id WHERE r.gap IS NULL ORDER BY r.t`).all() as any[];
      const bps = await vm.exportSeries('{__name__="ixp_port_in_bps"}');
      expect(bps.length).toBe(8);
      for (const s of bps) {
        expect(s.metric.ixp).toBe('cv-ix');
        expect(s.metric.switch).toBe('edge-1');
        const mine = local.filter((r) => r.name === s.metric.port);
        expect(new Set(s.timestamps).size).toBe(s.timestamps.length); // no duplicate timestamps
        expect(s.timestamps).toEqual(mine.map((r) => r.t));
        near(s.values, mine.map((r) => r.in_bps));
      }
      const pps = await vm.exportSeries('{__name__="ixp_port_out_pps"}');
      near(pps.flatMap((s) => s.values).sort(), local.map((r) => r.out_pps).sort());
      const oct = await vm.exportSeries(`{__name__="ixp_port_in_octets",port="${sw.ifs[0].name}"}`);
      near(oct[0].values, local.filter((r) => r.name === sw.ifs[0].name).map((r) => Number(r.in_octets)));
      expect(oct[0].values[0]).toBeGreaterThan(2 ** 53);
      const r5 = await vm.exportSeries('{__name__="ixp_port_5m_in_bps_avg"}');
      const n5 = (store.db.prepare('SELECT count(*) n FROM rollups WHERE res = 300').get() as { n: number }).n;
      expect(r5.reduce((a, s) => a + s.values.length, 0)).toBe(n5);
      const polls = await vm.exportSeries('{__name__="ixp_poll_duration_ms"}');
      expect(polls[0].values.length).toBe(12);
    };
    await check();
    store.db.prepare('UPDATE cursors SET seq = 0').run();
    await fwd.drain();
    await vm.flush();
    await check();
  });
});
