// MRTG import: every consolidation level at its own resolution with the fixture's known values, the zero
// pre-fill dropped, re-import idempotent, poll rows untouched, a malformed line named and nothing stored.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseMrtgLog, storeMrtgRows, MrtgError } from '../../../collector/importers/mrtg.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { run } from '../../../cli/commands/import.ts';

const LOG = path.join(import.meta.dirname, '../../fixtures/mrtg/sw1-et1.log');
const text = readFileSync(LOG, 'utf8');
const NOW = 1735689600; // the fixture's newest time
const tmp = mkdtempSync(path.join(tmpdir(), 'ixm-mrtg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseMrtgLog', () => {
  const { rows, dropped } = parseMrtgLog(text, 'sw1-et1.log');
  const byRes = (res: number) => rows.filter((r) => r.res === res);
  it('keeps each level at its resolution, bytes/s x 8', () => {
    expect([byRes(300).length, byRes(1800).length, byRes(7200).length, byRes(86400).length]).toEqual([600, 600, 600, 682]);
    expect(dropped).toBe(50);
    // Newest 5-minute row: time NOW (line 2), window [NOW-300, NOW).
    expect(rows[0]).toEqual({ line: 2, t: (NOW - 300) * 1000, res: 300, inBpsAvg: 8000, outBpsAvg: 16000, inBpsMax: 16000, outBpsMax: 32000, coverage: 1 });
    const last5 = byRes(300).at(-1)!;
    expect([last5.t, last5.inBpsAvg]).toEqual([(NOW - 179700 - 300) * 1000, (1000 + 599) * 8]);
    const first30 = byRes(1800)[0]!;
    expect([first30.line, first30.t, first30.inBpsAvg, first30.outBpsMax]).toEqual([602, (NOW - 180000 - 1800) * 1000, 3000 * 8, 2 * 4000 * 8]);
    const first2h = byRes(7200)[0]!;
    expect([first2h.t, first2h.outBpsAvg]).toEqual([(NOW - 1260000 - 7200) * 1000, 6000 * 8]);
    // A real zero in the middle of the log is data.
    expect(byRes(7200)[10]!.inBpsAvg).toBe(0);
    const lastDay = byRes(86400).at(-1)!;
    expect([lastDay.t, lastDay.inBpsAvg]).toEqual([(NOW - 5616000 - 681 * 86400 - 86400) * 1000, (7000 + 681) * 8]);
  });
  it('windows never overlap', () => {
    const sorted = [...rows].sort((a, b) => a.t - b.t);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.t).toBeGreaterThanOrEqual(sorted[i - 1]!.t + sorted[i - 1]!.res * 1000);
  });
  it('a partial newest row gets partial coverage', () => {
    const r = parseMrtgLog(`${NOW + 120} 1 2\n${NOW + 120} 10 20 30 40\n${NOW} 1 2 3 4\n${NOW - 300} 1 2 3 4\n`).rows;
    expect(r[0]).toMatchObject({ res: 300, t: NOW * 1000, coverage: 0.4 });
  });
  it.each<[string, string, number]>([
    ['a word', 'x', 1],
    ['bad header', `${NOW} 1\n${NOW} 1 2 3 4`, 1],
    ['four fields', `${NOW} 1 2\n${NOW} 1 2 3 4\n${NOW - 300} 1 2 3\n`, 3],
    ['negative', `${NOW} 1 2\n${NOW} 1 2 3 4\n${NOW - 300} 1 -2 3 4\n`, 3],
    ['time going forward', `${NOW} 1 2\n${NOW} 1 2 3 4\n${NOW + 300} 1 2 3 4\n`, 3],
  ])('malformed: %s → its line number', (_n, t, line) => {
    try { parseMrtgLog(t, 'f.log'); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(MrtgError);
      expect((e as MrtgError).line).toBe(line);
      expect((e as Error).message.startsWith(`f.log: line ${line}: `)).toBe(true);
    }
  });
});

describe('storing', () => {
  let n = 0;
  let dbFile = '';
  let cfgFile = '';
  beforeEach(() => {
    n++;
    dbFile = path.join(tmp, `s${n}.db`);
    cfgFile = path.join(tmp, `c${n}.yaml`);
    writeFileSync(cfgFile, `store:\n  path: ${dbFile}\n`);
  });
  const count = (sql: string) => {
    const db = openDatabase(dbFile);
    try { return db.prepare(sql).all(); } finally { db.close(); }
  };

  it('imports through the CLI, creates the port, and a re-import changes nothing', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run(['mrtg', '--switch', 'sw1', '--port', 'et1', LOG, '--config', cfgFile])).toBe(0);
      const first = count('SELECT res, count(*) AS n, sum(in_bps_avg) AS s FROM rollups WHERE source = \'mrtg\' GROUP BY res ORDER BY res');
      const sum = (a: number, k: number) => k * a + (k * (k - 1)) / 2; // Σ_{j<k} (a + j)
      expect(first).toEqual([
        { res: 300, n: 600, s: 8 * sum(1000, 600) },
        { res: 1800, n: 600, s: 8 * sum(3000, 600) },
        { res: 7200, n: 600, s: 8 * (sum(5000, 600) - 5010) },
        { res: 86400, n: 682, s: 8 * sum(7000, 682) },
      ]);
      expect(count('SELECT switch, if_index, name FROM ports')).toEqual([{ switch: 'sw1', if_index: 0, name: 'et1' }]);
      const snapshot = count('SELECT * FROM rollups ORDER BY port_id, res, t');
      expect(await run(['mrtg', '--switch', 'sw1', '--port', 'et1', LOG, '--config', cfgFile])).toBe(0);
      expect(count('SELECT * FROM rollups ORDER BY port_id, res, t')).toEqual(snapshot);
      expect(String(out.mock.calls.at(-1)![0])).toContain('0 stored,   600 already there');
    } finally { out.mockRestore(); }
  });

  it('never overwrites a poll-sourced window', () => {
    const db = openDatabase(dbFile);
    try {
      const pid = Number(db.prepare(`INSERT INTO ports (switch, if_index, name, first_seen, last_seen) VALUES ('sw1', 7, 'et1', 0, 0)`).run().lastInsertRowid);
      db.prepare(`INSERT INTO rollups (port_id, res, t, in_bps_avg, out_bps_avg, coverage, source) VALUES (?, 300, ?, 4200, 4304, 1, 'poll')`).run(pid, (NOW - 300) * 1000);
      const r = storeMrtgRows(db, 'sw1', 'et1', parseMrtgLog(text).rows);
      expect(r.portId).toBe(pid);
      expect(r.skipped[300]).toBe(1);
      expect(db.prepare('SELECT in_bps_avg, source FROM rollups WHERE port_id = ? AND res = 300 AND t = ?').get(pid, (NOW - 300) * 1000)).toEqual({ in_bps_avg: 4200, source: 'poll' });
    } finally { db.close(); }
  });

  it('a malformed line stores nothing of the file', async () => {
    const lines = text.split('\n');
    lines[1500] = '1734000000 12 abc 14 15';
    const bad = path.join(tmp, 'bad.log');
    writeFileSync(bad, lines.join('\n'));
    await expect(run(['mrtg', '--switch', 'sw1', '--port', 'et1', bad, '--config', cfgFile])).rejects.toThrow(`${bad}: line 1501: expected "<time> <avg in> <avg out> <max in> <max out>" (non-negative numbers), got "1734000000 12 abc 14 15"; nothing stored`);
    expect(count('SELECT count(*) AS n FROM rollups')).toEqual([{ n: 0 }]);
  });
});
