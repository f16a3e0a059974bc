// ixp_p2p_window lines (the coverage of the sFlow matrix on a central dashboard) and their retention in the local
// store: integer fields, the sampling rates left out of a window without a flow sample, tags sorted; a window
// older than the rollups' retention is deleted only once the forwarder has delivered it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { p2pWindowLine } from '../../../collector/forward/lineProtocol.ts';
import { writeP2pWindow } from '../../../collector/sflow/store.ts';
import { advanceCursor } from '../../../collector/store/cursor.ts';
import { createStore } from '../../../collector/store/index.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-p2pwin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('p2pWindowLine', () => {
  it('writes integer fields and the window start, tags ixp and switch', () => {
    expect(p2pWindowLine('mvix', { t: 1_700_000_100_000, switch: 'sw 1', datagrams: 12, samples: 340, dropped: 1, not_ingress: 2, no_frame: 0, rate_min: 1024, rate_max: 2048 }))
      .toBe('ixp_p2p_window,ixp=mvix,switch=sw\\ 1 datagrams=12i,samples=340i,dropped=1i,not_ingress=2i,no_frame=0i,rate_min=1024i,rate_max=2048i 1700000100000');
  });
  it('leaves the sampling rates out of a window without a flow sample', () => {
    expect(p2pWindowLine('mvix', { t: 300_000, switch: 'sw1', datagrams: 3, samples: 0, dropped: 0, not_ingress: 0, no_frame: 0, rate_min: null, rate_max: null }))
      .toBe('ixp_p2p_window,ixp=mvix,switch=sw1 datagrams=3i,samples=0i,dropped=0i,not_ingress=0i,no_frame=0i 300000');
  });
});

describe('p2p_windows retention', () => {
  it('deletes an old window only after the forwarder acknowledged it', () => {
    const day = 86_400_000;
    const now = Date.UTC(2026, 5, 1);
    const store = createStore({ path: path.join(tmp, 's.db'), retention: { rawDays: 1, rollupDays: 10, pollDays: 1 } }, { now: () => now });
    store.open();
    try {
      const w = (t: number) => ({ t, switch: 'sw1', rows: [], datagrams: 1, samples: 1, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 1, rateMax: 1 });
      writeP2pWindow(store.db, store.file, w(now - 20 * day));
      writeP2pWindow(store.db, store.file, w(now - day));
      advanceCursor(store.db, 'p2p_windows', 0, now); // forwarding started, nothing delivered yet
      expect(store.runRetention(now).p2p_windows).toBe(0);
      const first = (store.db.prepare('SELECT min(seq) AS s FROM p2p_windows').get() as { s: number }).s;
      advanceCursor(store.db, 'p2p_windows', first, now);
      expect(store.runRetention(now).p2p_windows).toBe(1);
      expect((store.db.prepare('SELECT t FROM p2p_windows').all() as { t: number }[]).map((r) => r.t)).toEqual([now - day]);
    } finally { store.close(); }
  });
});
