// The compact rollup encoding (migration 008): the collector's writer (rollupRows.ts) and the trigger on the
// `rollups` view store the same bytes; the view returns 001's values to the documented precision; a window is
// stored once; bad input is refused with a message naming the field and value. Real SQLite files.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type DB } from '../../../collector/store/sqlite.ts';
import { insertRollup, rollupSeries, type RollupRow } from '../../../collector/store/rollupRows.ts';

let dir: string | undefined;
let db: DB | undefined;
afterEach(() => { db?.close(); db = undefined; if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

function open(): DB {
  dir = mkdtempSync(path.join(tmpdir(), 'ixm-rr-'));
  db = openDatabase(path.join(dir, 'ixmeter.db'));
  for (const id of [1, 2]) db.prepare(`INSERT INTO ports (id, switch, if_index, name, first_seen, last_seen) VALUES (?, 'sw1', ?, ?, 0, 0)`).run(id, id, `et${id}`);
  return db;
}

const T = Date.UTC(2026, 4, 1);
const rows: Omit<RollupRow, 'port_id'>[] = [
  { res: 300, t: T, in_bps_avg: 123456789.123, in_bps_max: 234567890.9, out_bps_avg: 3.6, out_bps_max: 1e11 / 3, in_pps_avg: 17.004999, out_pps_avg: 0.333,
    in_errors_avg: 0, out_errors_avg: 0, in_discards_avg: 0, out_discards_avg: 0, util_in_max: 0.123456, util_out_max: 0.00004, oper_up_share: 1, coverage: 1, source: 'poll' },
  { res: 300, t: T + 300_000, in_bps_avg: 5e6 / 7, in_bps_max: 5e6 / 7, out_bps_avg: null, out_bps_max: null, in_pps_avg: 1e5 / 3, out_pps_avg: null,
    in_errors_avg: 1 / 300, out_errors_avg: 0, in_discards_avg: null, out_discards_avg: 0.5, util_in_max: 0.8, util_out_max: null, oper_up_share: 0.25, coverage: 0.8, source: 'poll' },
  { res: 86400, t: T - 86_400_000, in_bps_avg: 1e8 / 3, in_bps_max: 4e8 / 3, out_bps_avg: 2e8 / 7, out_bps_max: 5e8 / 7, in_pps_avg: null, out_pps_avg: null,
    in_errors_avg: null, out_errors_avg: null, in_discards_avg: null, out_discards_avg: null, util_in_max: null, util_out_max: null, oper_up_share: null, coverage: 1, source: 'mrtg' },
];

const stored = (d: DB, table: string, port: number) =>
  d.prepare(`SELECT * FROM ${table} WHERE port_id = ? ORDER BY res, ts`).all(port).map((r) => ({ ...(r as object), port_id: 0 }));

describe('compact rollups (migration 008)', () => {
  it('the writer and the view\'s trigger store the same encoding; the view decodes it to the documented precision', () => {
    const d = open();
    const cols = Object.keys(rows[0]!);
    const viaView = d.prepare(`INSERT INTO rollups (port_id, ${cols.join(', ')}) VALUES (1, ${cols.map(() => '?').join(', ')})`);
    for (const r of rows) { viaView.run(...cols.map((k) => (r as Record<string, unknown>)[k])); insertRollup(d, { ...r, port_id: 2 }); }
    expect(stored(d, 'rollup_rows', 2)).toEqual(stored(d, 'rollup_rows', 1));
    expect(stored(d, 'rollup_health', 2)).toEqual(stored(d, 'rollup_health', 1));
    // Only the exceptions have a health row: the second (errors, discards, port down part of the time) and the MRTG row.
    expect(stored(d, 'rollup_health', 2).length).toBe(2);
    const back = d.prepare('SELECT * FROM rollups WHERE port_id = 2 ORDER BY res, ts').all() as Record<string, unknown>[];
    const want = [...rows].sort((a, b) => a.res - b.res || a.t - b.t);
    const tol: Record<string, number> = { in_bps_avg: 4, in_bps_max: 4, out_bps_avg: 4, out_bps_max: 4, in_pps_avg: 0.005, out_pps_avg: 0.005, util_in_max: 5e-5, util_out_max: 5e-5 };
    back.forEach((b, i) => {
      const w = want[i]! as unknown as Record<string, unknown>;
      expect(b.ts).toBe((w.t as number) / 1000);
      for (const k of cols) {
        const x = w[k], y = b[k];
        if (typeof x === 'number' && tol[k] !== undefined) expect(Math.abs((y as number) - x), `${k}`).toBeLessThanOrEqual(tol[k]! + Math.abs(x) * 4e-16);
        else expect(y, k).toEqual(x);
      }
    });
    expect(rollupSeries(d)).toEqual([{ portId: 1, res: 300 }, { portId: 1, res: 86400 }, { portId: 2, res: 300 }, { portId: 2, res: 86400 }]);
  });

  it('stores a window once: a second write changes neither its row nor its health row', () => {
    const d = open();
    expect(insertRollup(d, { ...rows[0]!, port_id: 1 })).toBe(1);
    const before = [stored(d, 'rollup_rows', 1), stored(d, 'rollup_health', 1)];
    expect(insertRollup(d, { ...rows[1]!, t: rows[0]!.t, port_id: 1 })).toBe(0);
    d.prepare(`INSERT OR IGNORE INTO rollups (port_id, res, t, in_bps_avg, in_errors_avg, coverage, source) VALUES (1, 300, ?, 5, 7, 1, 'mrtg')`).run(rows[0]!.t);
    expect([stored(d, 'rollup_rows', 1), stored(d, 'rollup_health', 1)]).toEqual(before);
    expect(() => d.prepare(`INSERT INTO rollups (port_id, res, t, coverage) VALUES (1, 300, ?, 1)`).run(rows[0]!.t)).toThrow(/UNIQUE/);
  });

  it('refuses a source, a coverage or a time it cannot store, naming the value', () => {
    const d = open();
    expect(() => insertRollup(d, { ...rows[0]!, port_id: 1, source: 'snmp' as never })).toThrow(/port 1 .*source must be poll, mrtg or demo, not "snmp"/);
    expect(() => insertRollup(d, { ...rows[0]!, port_id: 1, coverage: 1.5 })).toThrow(/coverage must be in 0\.\.1, not 1\.5/);
    expect(() => insertRollup(d, { ...rows[0]!, port_id: 1, t: T + 1 })).toThrow(new RegExp(`t must be epoch ms on a whole second, not ${T + 1}`));
    expect(() => d.prepare(`INSERT INTO rollups (port_id, res, t, coverage, source) VALUES (1, 300, ?, 1, 'snmp')`).run(T)).toThrow(/source must be poll, mrtg or demo/);
    expect(() => d.prepare(`INSERT INTO rollups (port_id, res, t, coverage) VALUES (1, 300, ?, 1)`).run(T + 1)).toThrow(/whole second/);
    expect((d.prepare('SELECT count(*) n FROM rollup_rows').get() as { n: number }).n).toBe(0);
  });
});
