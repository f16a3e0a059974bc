// The real servers the suite relies on start, answer and stop (guards the helpers themselves).
import { describe, it, expect } from 'vitest';
import { startInfluxDB, startVictoriaMetrics } from '../helpers/influxdb.ts';

describe('test servers', () => {
  it('influxdb 1.6.7 stores and returns a point', async () => {
    const s = await startInfluxDB();
    try {
      await s.query('CREATE DATABASE t');
      const r = await fetch(`${s.url}/write?db=t&precision=ms`, { method: 'POST', body: 'm,a=b v=9007199254740993i 1700000000000' });
      expect(r.status).toBe(204);
      const q = await s.query('SELECT v FROM m', 't');
      expect(q.results[0].series?.[0].values[0][0]).toBe(1700000000000);
    } finally { await s.stop(); }
  });
  it('victoria-metrics accepts the v2 write API', async () => {
    const vm = await startVictoriaMetrics();
    try {
      const r = await fetch(`${vm.url}/api/v2/write?org=o&bucket=b&precision=ms`, { method: 'POST', body: 'm,a=b v=5 1700000000000' });
      expect(r.status).toBe(204);
      await vm.flush();
      const s = await vm.exportSeries('{__name__="m_v"}');
      expect(s[0].values).toEqual([5]);
    } finally { await vm.stop(); }
  });
});
