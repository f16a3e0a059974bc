// MRTG log import: parses a port's .log (bytes/s, newest first, consolidated 5 min → 30 min → 2 h → 1 day)
// and stores each row at its real resolution in the rollups (source 'mrtg', collector/store/rollupRows.ts), in one transaction.
// Never invents 5-minute samples, never overwrites rows the poller wrote, and a re-import changes nothing.
import type Database from 'better-sqlite3';
import { bumpHistoryVersion } from '../store/index.ts';
import { insertRollup, logRollups } from '../store/rollupRows.ts';

/** The resolutions MRTG consolidates to, seconds. */
export const MRTG_RESOLUTIONS = [300, 1800, 7200, 86400] as const;

/** One MRTG history row: the window it averages, in bits per second. */
export interface MrtgRow {
  /** 1-based line number in the file. */
  line: number;
  /** Window start, epoch ms. */
  t: number;
  /** Window length, seconds (300, 1800, 7200 or 86400). */
  res: number;
  inBpsAvg: number;
  outBpsAvg: number;
  inBpsMax: number;
  outBpsMax: number;
  /** Share of the window the row covers (the newest row can be a partial 5-minute window). */
  coverage: number;
}

/** A malformed MRTG log; `line` is 1-based. */
export class MrtgError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}: line ${line}: ${detail}`);
    this.name = 'MrtgError';
  }
}

const NUM = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function exact(seconds: number): number | undefined {
  return MRTG_RESOLUTIONS.find((r) => Math.abs(seconds - r) <= r * 0.02);
}

function snap(seconds: number): number {
  let best: number = MRTG_RESOLUTIONS[0];
  for (const r of MRTG_RESOLUTIONS) if (Math.abs(Math.log(seconds / r)) < Math.abs(Math.log(seconds / best))) best = r;
  return best;
}

/**
 * Parses an MRTG log. Line 1: `<unix time> <in counter> <out counter>`; then `<time> <avg in> <avg out> <max in>
 * <max out>` in bytes per second, newest first. Each row's resolution comes from its spacing (a row covers the
 * time since the next older row; at a boundary between two consolidation levels, a row whose newer neighbour
 * is one step of the newer level away belongs to that level). The old end of a log MRTG pre-filled with zeros
 * (rows before the first non-zero one) is not data and is dropped. Throws MrtgError naming the line.
 */
export function parseMrtgLog(text: string, file = '<mrtg>'): { rows: MrtgRow[]; dropped: number } {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new MrtgError(file, 1, 'empty file');
  const head = lines[0]!.trim().split(/\s+/);
  if (head.length !== 3 || !head.every((f) => /^\d+$/.test(f))) {
    throw new MrtgError(file, 1, `expected "<unix time> <in counter> <out counter>", got ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  }
  const raw: { line: number; time: number; v: number[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!.trim();
    const f = text.split(/\s+/);
    if (f.length !== 5 || !f.every((x) => NUM.test(x))) {
      throw new MrtgError(file, i + 1, `expected "<time> <avg in> <avg out> <max in> <max out>" (non-negative numbers), got ${JSON.stringify(text.slice(0, 80))}`);
    }
    const time = Number(f[0]);
    if (!Number.isInteger(time) || time < 0) throw new MrtgError(file, i + 1, `time ${f[0]} is not a unix time`);
    const prev = raw[raw.length - 1];
    if (prev && time > prev.time) throw new MrtgError(file, i + 1, `time ${time} is newer than the line before (${prev.time}); MRTG logs are newest first`);
    // The first data line often repeats the header's time; a repeated time adds nothing.
    if (prev && time === prev.time) continue;
    raw.push({ line: i + 1, time, v: f.slice(1).map(Number) });
  }
  // Drop the pre-filled zero tail (the oldest rows up to the first non-zero one).
  let end = raw.length;
  while (end > 0 && raw[end - 1]!.v.every((x) => x === 0)) end--;
  const dropped = raw.length - end;
  const data = raw.slice(0, end + (end < raw.length ? 1 : 0)); // keep one older row for the last row's spacing
  const rows: MrtgRow[] = [];
  let prevRes = 0;
  for (let i = 0; i < end; i++) {
    const r = data[i]!;
    const older = data[i + 1];
    const newer = data[i - 1];
    const dOlder = older ? r.time - older.time : undefined;
    const dNewer = newer ? newer.time - r.time : undefined;
    // A spacing to the older row that is exactly one step of a level decides; otherwise the row continues the
    // newer run (the last row of a level, before a ragged gap), or takes the nearest level.
    let res = (dOlder !== undefined ? exact(dOlder) : undefined)
      ?? (dNewer !== undefined && prevRes && exact(dNewer) === prevRes ? prevRes : snap(dOlder ?? dNewer ?? 300));
    if (res < prevRes) res = prevRes; // consolidation only gets coarser with age
    // The newest row can cover less than a full 5-minute window (MRTG writes the current time there).
    const coverage = i === 0 && dOlder !== undefined && dOlder < res ? Math.max(0, Math.min(1, dOlder / res)) : 1;
    prevRes = res;
    const [ai, ao, mi, mo] = r.v as [number, number, number, number];
    // The window ends at the row's time rounded up to the resolution (MRTG consolidates on aligned steps).
    const endS = Math.ceil(r.time / res) * res;
    rows.push({ line: r.line, t: (endS - res) * 1000, res, inBpsAvg: ai * 8, outBpsAvg: ao * 8, inBpsMax: mi * 8, outBpsMax: mo * 8, coverage });
  }
  return { rows, dropped };
}

/** What an import stored. */
export interface MrtgImportResult {
  portId: number;
  createdPort: boolean;
  /** Rows inserted / already present (same file again, or a poll row there), per resolution. */
  inserted: Record<number, number>;
  skipped: Record<number, number>;
  from: number | null;
  to: number | null;
}

/**
 * Stores parsed rows for one switch port in one transaction: creates the port row when the store does not
 * know it (if_index 0: seen only in imported history), then stores each window the store does not have yet, so neither a
 * re-import nor an import over poll-sourced windows changes what is there.
 */
export function storeMrtgRows(db: Database.Database, switchName: string, portName: string, rows: MrtgRow[]): MrtgImportResult {
  const inserted: Record<number, number> = {};
  const skipped: Record<number, number> = {};
  let createdPort = false;
  let portId = 0;
  const from = rows.length ? Math.min(...rows.map((r) => r.t)) : null;
  const to = rows.length ? Math.max(...rows.map((r) => r.t + r.res * 1000)) : null;
  db.transaction(() => {
    const found = db.prepare('SELECT id FROM ports WHERE switch = ? AND name = ? ORDER BY last_seen DESC LIMIT 1').get(switchName, portName) as { id: number } | undefined;
    if (found) portId = found.id;
    else {
      createdPort = true;
      portId = Number(db.prepare(`INSERT INTO ports (switch, if_index, name, descr, alias, first_seen, last_seen) VALUES (?, 0, ?, 'imported from MRTG', '', ?, ?)`)
        .run(switchName, portName, from ?? 0, to ?? 0).lastInsertRowid);
    }
    const span = new Map<number, { from: number; to: number; rows: number }>();
    for (const r of rows) {
      const n = insertRollup(db, { port_id: portId, res: r.res, t: r.t, in_bps_avg: r.inBpsAvg, in_bps_max: r.inBpsMax, out_bps_avg: r.outBpsAvg,
        out_bps_max: r.outBpsMax, in_pps_avg: null, out_pps_avg: null, in_errors_avg: null, out_errors_avg: null, in_discards_avg: null,
        out_discards_avg: null, util_in_max: null, util_out_max: null, oper_up_share: null, coverage: r.coverage, source: 'mrtg' });
      const bucket = n ? inserted : skipped;
      bucket[r.res] = (bucket[r.res] ?? 0) + 1;
      if (n) {
        const s = span.get(r.res) ?? { from: r.t, to: r.t + 1, rows: 0 };
        s.from = Math.min(s.from, r.t); s.to = Math.max(s.to, r.t + 1); s.rows++;
        span.set(r.res, s);
      }
    }
    // The forwarder sends what was stored (ixp_port_5m, ixp_port_hist), one entry per resolution.
    for (const [res, s] of span) logRollups(db, { switch: switchName, portId, res, from: s.from, to: s.to, rows: s.rows });
    // Past months changed: dashboards drop the figures they kept of them (see dashboard/server/saved.ts).
    if (Object.keys(inserted).length) bumpHistoryVersion(db);
  })();
  return { portId, createdPort, inserted, skipped, from, to };
}
