// Migration 012 on a store that already holds sFlow windows: every window is kept, gains a seq in time order
// (so the forwarder's cursor sends each once as ixp_p2p_window), and a window written twice is still kept once.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { writeP2pWindow } from '../../../collector/sflow/store.ts';
import { migrate } from '../../../collector/store/sqlite.ts';
import { fromRoot } from '../../../collector/paths.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-p2pseq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 012 (p2p_windows seq)', () => {
  it('keeps the windows, numbers them in time order, and keeps (t, switch) unique', () => {
    const all = fromRoot('collector', 'store', 'migrations');
    const before = path.join(dir, 'before');
    rmSync(before, { recursive: true, force: true });
    mkdirSync(before);
    for (const f of readdirSync(all).filter((f) => Number(f.slice(0, 3)) < 12)) copyFileSync(path.join(all, f), path.join(before, f));
    const db = new Database(':memory:');
    migrate(db, before);
    const w = (t: number, sw: string) => ({ t, switch: sw, rows: [], datagrams: 1, samples: 2, dropped: 0, notIngress: 0, noFrame: 0, rateMin: 10, rateMax: 20 });
    for (const [t, sw] of [[600_000, 'sw2'], [300_000, 'sw1'], [600_000, 'sw1']] as const) writeP2pWindow(db, 'mem', w(t, sw));
    migrate(db, all);
    expect(db.prepare('SELECT seq, t, switch, rate_max FROM p2p_windows ORDER BY seq').all()).toEqual([
      { seq: 1, t: 300_000, switch: 'sw1', rate_max: 20 }, { seq: 2, t: 600_000, switch: 'sw1', rate_max: 20 }, { seq: 3, t: 600_000, switch: 'sw2', rate_max: 20 },
    ]);
    writeP2pWindow(db, 'mem', w(600_000, 'sw1'));
    writeP2pWindow(db, 'mem', w(900_000, 'sw1'));
    const sw1 = db.prepare('SELECT seq, t FROM p2p_windows WHERE switch = ? ORDER BY seq').all('sw1') as { seq: number; t: number }[];
    expect(sw1.map((r) => r.t)).toEqual([300_000, 600_000, 900_000]);
    expect(sw1[2]!.seq).toBeGreaterThan(3); // after every seq taken before (a refused insert may use one up: gaps are harmless)
  });
});
