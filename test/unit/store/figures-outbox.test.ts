// The figures outbox as a forwarded table: its backlog counts rows after the cursor (no age: a recomputed old window
// is new work), and retention deletes only what InfluxDB acknowledged, nothing before forwarding ever started.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../../../collector/store/index.ts';
import { advanceCursor, ensureCursor } from '../../../collector/store/cursor.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('figures outbox', () => {
  it('backlog and retention follow the figures cursor', () => {
    const s = createStore({ path: path.join(dir, 's.db'), retention: { rawDays: 1, rollupDays: 1, pollDays: 1 } });
    s.open();
    try {
      const ins = s.db.prepare("INSERT INTO figures_outbox (kind, asn, t) VALUES ('window', 0, ?)");
      for (let i = 0; i < 5; i++) ins.run(i * 300_000);
      const now = Date.UTC(2030, 0, 1);
      expect(s.backlog().find((b) => b.table === 'figures')).toEqual({ table: 'figures', points: 5, oldest: null, cursor: undefined });
      expect(s.runRetention(now).figures).toBe(0); // never forwarded: kept
      ensureCursor(s.db, 'figures');
      expect(s.runRetention(now).figures).toBe(0);
      advanceCursor(s.db, 'figures', 3, now);
      expect(s.backlog().find((b) => b.table === 'figures')).toMatchObject({ points: 2, cursor: 3 });
      expect(s.runRetention(now).figures).toBe(3);
      expect((s.db.prepare('SELECT group_concat(seq) s FROM figures_outbox').get() as { s: string }).s).toBe('4,5');
      expect(s.backlog().find((b) => b.table === 'figures')).toMatchObject({ points: 2, cursor: 3 });
    } finally { s.close(); }
  });
});
