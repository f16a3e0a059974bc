// The figures outbox as a forwarded table: its backlog counts rows after the cursor (no age: a recomputed old window
// is new work), and retention deletes only what InfluxDB acknowledged, nothing before forwarding ever started.
// The collector's metadata keeper compares a switch's ports after a poll only when what the switch reports changed.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../../../collector/store/index.ts';
import { advanceCursor, ensureCursor } from '../../../collector/store/cursor.ts';
import { createMetaSync } from '../../../collector/store/meta.ts';
import { createRegistry } from '../../../collector/members/registry.ts';
import { getLogger } from '../../../collector/log.ts';
import type { Config } from '../../../collector/config/types.ts';
import type { IfSample, Sample } from '../../../collector/rates/types.ts';

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

describe('metadata keeper after polls', () => {
  it('compares a switch\'s ports when its interfaces changed, and skips polls that report the same', async () => {
    const s = createStore({ path: path.join(dir, 'k.db'), retention: { rawDays: 1, rollupDays: 1, pollDays: 1 } });
    s.open();
    try {
      const iface = (alias: string): IfSample => ({ ifIndex: 1, name: 'Eth1', descr: '', alias, speedMbps: 1000, operStatus: 1, adminStatus: 1, ifType: 6,
        hc: true, inOctets: 1n, outOctets: 1n, inPkts: null, outPkts: null, pktsHc: true, inErrors: null, outErrors: null, inDiscards: null, outDiscards: null, discontinuityTime: null });
      const sample = (alias: string, t: number): Sample => ({ switch: 'sw1', time: t, mono: t, sysUpTime: 1, interfaces: [iface(alias)] });
      const poll = (smp: Sample, after = () => {}) => { s.writePoll({ switch: 'sw1', t: smp.time, durationMs: 1, ok: true, ports: 1 }, smp, null); after(); keeper.onPoll({ switch: 'sw1', t: smp.time, durationMs: 1, ok: true, ports: 1 }, smp); };
      const rows = () => (s.db.prepare("SELECT key FROM figures_outbox WHERE kind = 'meta' ORDER BY seq").all() as { key: string }[]).map((r) => JSON.parse(r.key).alias);
      const turn = () => new Promise((r) => setImmediate(r));
      const config = { switches: [], polling: { interval: 60 }, memberSources: {}, dashboard: {}, members: [] } as unknown as Config;
      const keeper = createMetaSync(config, { store: s, members: createRegistry([]), log: getLogger('test') });
      keeper.start();
      poll(sample('AS1 One', 60_000)); await turn();
      expect(rows()).toEqual(['AS1 One']);
      // The table changes behind the keeper's back, the switch reports the same: not compared (nothing queued).
      poll(sample('AS1 One', 120_000), () => s.db.prepare("UPDATE ports SET descr = 'changed'").run()); await turn();
      expect(rows()).toEqual(['AS1 One']);
      poll(sample('AS2 Two', 180_000)); await turn();
      expect(rows()).toEqual(['AS1 One', 'AS2 Two']);
      keeper.stop();
      poll(sample('AS3 Three', 240_000)); await turn();
      expect(rows()).toEqual(['AS1 One', 'AS2 Two']); // stopped: nothing more
    } finally { s.close(); }
  });
});
