// Reader over the local SQLite store (the embedded default): raw rates for short periods, rollups for long ones.
// Read-only: never writes to the store (the collector owns it). Holds one IXP: every `ixp` argument is that one.
import type Database from 'better-sqlite3';
import type { WindowSample } from '../../collector/figures/impact.ts';
import {
  portKey, type CollectorState, type MemberWindows, type PortMember, type PortRef, type PortRow, type PortState,
  type Reader, type SeriesQuery, type SumRow,
} from './reader.ts';
import { CoarseWindows } from './windows.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import { sec } from '../../collector/store/rollupRows.ts';

type DB = Database.Database;

interface PortIdRow { id: number; switch: string; name: string; alias: string; speed_mbps: number | null; oper_status: number | null; admin_status: number | null; last_seen: number }

/** Creates a reader over an open better-sqlite3 handle of the store (the caller owns and closes the handle). */
export function createSqliteReader(db: DB): Reader {
  const stmt = new Map<string, Database.Statement>();
  const prep = (sql: string): Database.Statement => {
    let s = stmt.get(sql);
    if (!s) { s = db.prepare(sql); stmt.set(sql, s); }
    return s;
  };

  // Rollups are filtered on `ts` (window start, epoch seconds: the stored key, migration 008), so that SQLite seeks the
  // primary key; a store the collector has not yet migrated has only `t` (ms). `tb` turns a ms bound into the column's.
  const hasTs = (db.prepare('SELECT count(*) AS n FROM pragma_table_info(\'rollups\') WHERE name = \'ts\'').get() as { n: number }).n > 0;
  const T = hasTs ? 'ts' : 't';
  const tb = (ms: number): number => (hasTs ? sec(ms) : ms);

  /** Port ids of each (switch, name); a name can have several ids when its ifIndex changed. */
  function idsOf(ports: PortRef[]): number[] {
    const want = new Set(ports.map(portKey));
    const out: number[] = [];
    for (const r of prep('SELECT id, switch, name FROM ports').all() as PortIdRow[]) {
      if (want.has(portKey({ switch: r.switch, port: r.name }))) out.push(r.id);
    }
    return out;
  }

  /** The finest existing resolution ≥ the wanted one... or finer: 86400 → 3600 → 300 when coarser rows are absent. */
  function pickRes(res: number, from: number, to: number): number {
    if (res === 0) return 0;
    const order = [86400, 3600, 300].filter((r) => r <= res);
    for (const r of order) {
      // Per port through the rollups' primary key (port_id, res, t): the store has no index on time alone.
      if (prep(`SELECT 1 FROM ports p WHERE EXISTS (SELECT 1 FROM rollups r WHERE r.port_id = p.id AND r.res = ? AND r.${T} >= ? AND r.${T} < ?) LIMIT 1`).get(r, tb(from), tb(to))) return r;
    }
    return 300;
  }

  return {
    kind: 'sqlite',

    async portStates(_ixp, since) {
      const rows = prep('SELECT id, switch, name, alias, speed_mbps, oper_status, admin_status, last_seen FROM ports WHERE last_seen >= ? ORDER BY last_seen').all(since) as PortIdRow[];
      const latest = prep('SELECT t, in_bps, out_bps, oper_up, speed_mbps FROM rates WHERE port_id = ? ORDER BY t DESC LIMIT 1');
      const byKey = new Map<string, PortState>();
      // Port roles (migration 007; absent on older stores).
      const hasRoles = !!prep("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'port_roles'").get();
      const roleOf = new Map(hasRoles ? (prep('SELECT switch, port, role, lag, peer_switch, peer_port, link_name FROM port_roles').all() as
        { switch: string; port: string; role: string | null; lag: string | null; peer_switch: string | null; peer_port: string | null; link_name: string | null }[])
        .map((x) => [portKey(x), x]) : []);
      for (const r of rows) {
        const l = latest.get(r.id) as { t: number; in_bps: number | null; out_bps: number | null; oper_up: number; speed_mbps: number | null } | undefined;
        const prev = byKey.get(portKey({ switch: r.switch, port: r.name }));
        if (prev && (prev.lastSeen ?? 0) > (l?.t ?? 0)) continue;
        byKey.set(portKey({ switch: r.switch, port: r.name }), {
          switch: r.switch,
          port: r.name,
          alias: r.alias,
          speedMbps: l?.speed_mbps ?? r.speed_mbps,
          operUp: l ? l.oper_up === 1 : r.oper_status === null ? null : r.oper_status === 1,
          adminUp: r.admin_status === null ? null : r.admin_status === 1,
          lastSeen: l?.t ?? null,
          inBps: l?.in_bps ?? null,
          outBps: l?.out_bps ?? null,
        });
        const ro = roleOf.get(portKey({ switch: r.switch, port: r.name }));
        if (ro) Object.assign(byKey.get(portKey({ switch: r.switch, port: r.name }))!, { role: ro.role, lag: ro.lag, peer: ro.peer_switch && ro.peer_port ? { switch: ro.peer_switch, port: ro.peer_port, name: ro.link_name } : null });
      }
      return [...byKey.values()].sort((a, b) => a.switch.localeCompare(b.switch) || a.port.localeCompare(b.port, undefined, { numeric: true }));
    },

    async collectors(_ixp, since) {
      const rows = prep(`SELECT p.switch, p.t, p.ok, p.error FROM polls p
        JOIN (SELECT switch, max(t) AS mt FROM polls WHERE t >= ? GROUP BY switch) x ON x.switch = p.switch AND x.mt = p.t
        ORDER BY p.switch`).all(since) as { switch: string; t: number; ok: number; error: string | null }[];
      return rows.map((r): CollectorState => ({ switch: r.switch, lastPoll: r.t, ok: r.ok === 1, error: r.error }));
    },

    async describe() { return []; },

    async monthRows(_ixp, months) {
      if (!months.length) return [];
      const rows = prep(`SELECT json FROM member_months WHERE month IN (SELECT value FROM json_each(?)) ORDER BY month, asn`).raw().all(JSON.stringify(months)) as [string][];
      return rows.map((r) => JSON.parse(r[0]) as MonthRow);
    },

    async memberWindowRows(_ixp, asns, from, to) {
      const out = new Map<number, (WindowSample & { maxUtil?: number | null })[]>();
      const st = prep('SELECT t, res, in_bps, out_bps, coverage, max_util FROM member_windows WHERE asn = ? AND t >= ? AND t < ? ORDER BY t').raw();
      for (const asn of asns) {
        const list: (WindowSample & { maxUtil?: number | null })[] = [];
        for (const r of st.iterate(asn, from, to)) {
          const [t, res, i, o, c, u] = r as [number, number, number | null, number | null, number, number | null];
          list.push({ t, res, inBps: i, outBps: o, coverage: c, maxUtil: u });
        }
        if (list.length) out.set(asn, list);
      }
      return out;
    },

    async portMaxUtil(_ixp, ports, from, to) {
      const out = new Map<string, number>();
      const want = new Set(ports.map(portKey));
      const rows = prep(`SELECT p.switch, p.name, max(r.util_in_max) AS ui, max(r.util_out_max) AS uo FROM ports p CROSS JOIN rollups r ON r.port_id = p.id
          WHERE r.res = 300 AND r.${T} >= ? AND r.${T} < ? GROUP BY p.switch, p.name`).all(tb(from), tb(to)) as { switch: string; name: string; ui: number | null; uo: number | null }[];
      for (const r of rows) {
        const k = portKey({ switch: r.switch, port: r.name });
        if (!want.has(k) || (r.ui === null && r.uo === null)) continue;
        out.set(k, Math.max(out.get(k) ?? 0, r.ui ?? 0, r.uo ?? 0));
      }
      return out;
    },

    async memberSeries(_ixp, asn, q) {
      const stepMs = q.step * 1000;
      const rows = (prep(`SELECT CAST((t - ?) / ? AS INTEGER) AS b, AVG(in_bps) AS i, AVG(out_bps) AS o FROM member_windows
          WHERE asn = ? AND t >= ? AND t < ? GROUP BY b ORDER BY b`).all(q.from, stepMs, asn, q.from, q.to) as { b: number; i: number | null; o: number | null }[])
        .map((r): SumRow => ({ t: q.from + r.b * stepMs, inBps: r.i, outBps: r.o }));
      return { rows, info: { res: 300 } };
    },

    async simulated() {
      const r = prep("SELECT value FROM meta WHERE key = 'simulated'").get() as { value: string } | undefined;
      return r?.value === '1';
    },

    async sumSeries(_ixp, ports, q) {
      const ids = idsOf(ports);
      const res = pickRes(q.res, q.from, q.to);
      if (ids.length === 0) return { rows: [], info: { res } };
      const stepMs = q.step * 1000;
      const list = ids.join(',');
      const sql = res === 0
        ? `SELECT b, SUM(i) AS i, SUM(o) AS o FROM (
             SELECT CAST((t - ?) / ? AS INTEGER) AS b, port_id, AVG(in_bps) AS i, AVG(out_bps) AS o FROM rates
             WHERE port_id IN (${list}) AND t >= ? AND t < ? AND gap IS NULL GROUP BY b, port_id) GROUP BY b ORDER BY b`
        : `SELECT b, SUM(i) AS i, SUM(o) AS o FROM (
             SELECT CAST((t - ?) / ? AS INTEGER) AS b, port_id, AVG(in_bps_avg) AS i, AVG(out_bps_avg) AS o FROM rollups
             WHERE res = ${res} AND ${T} >= ? AND ${T} < ? AND port_id IN (${list}) GROUP BY b, port_id) GROUP BY b ORDER BY b`;
      const rows = (db.prepare(sql).all(q.from, stepMs, res === 0 ? q.from : tb(q.from), res === 0 ? q.to : tb(q.to)) as { b: number; i: number | null; o: number | null }[])
        .map((r): SumRow => ({ t: q.from + r.b * stepMs, inBps: r.i, outBps: r.o }));
      return { rows, info: { res } };
    },

    async portSeries(_ixp, port, q) {
      const ids = idsOf([port]);
      const res = pickRes(q.res, q.from, q.to);
      if (ids.length === 0) return { rows: [], info: { res } };
      const stepMs = q.step * 1000;
      const list = ids.join(',');
      const sql = res === 0
        ? `SELECT CAST((t - ?) / ? AS INTEGER) AS b, AVG(in_bps) AS inBps, AVG(out_bps) AS outBps, AVG(in_pps) AS inPps, AVG(out_pps) AS outPps,
             AVG(in_errors) AS inErrors, AVG(out_errors) AS outErrors, AVG(in_discards) AS inDiscards, AVG(out_discards) AS outDiscards,
             MAX(util_in) AS utilIn, MAX(util_out) AS utilOut, AVG(oper_up) AS operUp
           FROM rates WHERE port_id IN (${list}) AND t >= ? AND t < ? GROUP BY b ORDER BY b`
        : `SELECT CAST((t - ?) / ? AS INTEGER) AS b, AVG(in_bps_avg) AS inBps, AVG(out_bps_avg) AS outBps, AVG(in_pps_avg) AS inPps, AVG(out_pps_avg) AS outPps,
             AVG(in_errors_avg) AS inErrors, AVG(out_errors_avg) AS outErrors, AVG(in_discards_avg) AS inDiscards, AVG(out_discards_avg) AS outDiscards,
             MAX(util_in_max) AS utilIn, MAX(util_out_max) AS utilOut, AVG(oper_up_share) AS operUp
           FROM rollups WHERE res = ${res} AND port_id IN (${list}) AND ${T} >= ? AND ${T} < ? GROUP BY b ORDER BY b`;
      const rows = (db.prepare(sql).all(q.from, stepMs, res === 0 ? q.from : tb(q.from), res === 0 ? q.to : tb(q.to)) as (Omit<PortRow, 't'> & { b: number })[])
        .map(({ b, ...r }): PortRow => ({ t: q.from + b * stepMs, ...r }));
      return { rows, info: { res } };
    },

    async portWindows(_ixp, members, from, to) {
      const idRows = prep('SELECT id, switch, name FROM ports').all() as PortIdRow[];
      const asnOf = new Map(members.map((m) => [portKey(m), m.asn]));
      const pairs: [number, number][] = [];
      const keyOfId = new Map<number, string>();
      for (const r of idRows) {
        const k = portKey({ switch: r.switch, port: r.name });
        const asn = asnOf.get(k);
        if (asn !== undefined) { pairs.push([r.id, asn]); keyOfId.set(r.id, k); }
      }
      const byAsn = new Map<number, WindowSample[]>();
      const maxUtil = new Map<string, number>();
      if (pairs.length === 0) return { byAsn, maxUtil };
      // 5-minute rows of any source, plus imported history coarser than 5 minutes (MRTG) where no 5-minute row exists.
      // Read per port through the (port_id, res, t) index and summed per member here: faster than a GROUP BY in SQL.
      const asnOfId = new Map(pairs);
      const list = pairs.map((p) => p[0]).join(',');
      const util = (pid: number, ui: number | null, uo: number | null) => {
        if (ui === null && uo === null) return;
        const k = keyOfId.get(pid)!;
        const u = Math.max(ui ?? 0, uo ?? 0);
        if (!(maxUtil.get(k)! >= u)) maxUtil.set(k, u);
      };
      // 5-minute rows: accumulated in typed arrays indexed by window (the hot path: a month of 200 ports is 1.7 M rows).
      const first = Math.floor(from / 300_000) * 300_000;
      const n = Math.max(0, Math.ceil((to - first) / 300_000));
      const fine = new Map<number, { i: Float64Array; o: Float64Array; c: Float64Array; k: Uint16Array; hi: Uint8Array; ho: Uint8Array }>();
      const acc5 = (asn: number) => {
        let a = fine.get(asn);
        if (!a) { a = { i: new Float64Array(n), o: new Float64Array(n), c: new Float64Array(n), k: new Uint16Array(n), hi: new Uint8Array(n), ho: new Uint8Array(n) }; fine.set(asn, a); }
        return a;
      };
      const fineRows = db.prepare(`SELECT port_id, t, in_bps_avg, out_bps_avg, coverage, util_in_max, util_out_max FROM rollups
          WHERE port_id IN (${list}) AND res = 300 AND ${T} >= ? AND ${T} < ?`).raw();
      for (const row of fineRows.iterate(tb(from), tb(to))) {
        const [pid, t, i, o, c, ui, uo] = row as [number, number, number | null, number | null, number, number | null, number | null];
        const a = acc5(asnOfId.get(pid)!);
        const x = (t - first) / 300_000;
        if (!Number.isInteger(x)) continue; // not on the 5-minute grid: ignore
        if (i !== null) { a.i[x]! += i; a.hi[x] = 1; }
        if (o !== null) { a.o[x]! += o; a.ho[x] = 1; }
        a.c[x]! += c;
        a.k[x]!++;
        util(pid, ui, uo);
      }
      for (const [asn, a] of fine) {
        const out: WindowSample[] = [];
        for (let x = 0; x < n; x++) {
          if (a.k[x] === 0) continue;
          out.push({ t: first + x * 300_000, inBps: a.hi[x] ? a.i[x]! : null, outBps: a.ho[x] ? a.o[x]! : null, res: 300, coverage: a.c[x]! / a.k[x]! });
        }
        byAsn.set(asn, out);
      }
      // Imported history coarser than 5 minutes (MRTG), summed per member and window.
      const coarse = new CoarseWindows();
      for (const row of db.prepare(`SELECT port_id, t, res, in_bps_avg, out_bps_avg, coverage FROM rollups
          WHERE port_id IN (${list}) AND res IN (1800, 7200, 86400) AND source = 'mrtg' AND ${T} >= ? AND ${T} < ?`).raw().iterate(tb(from), tb(to))) {
        const [pid, t, res, i, o, c] = row as [number, number, number, number | null, number | null, number];
        coarse.add(asnOfId.get(pid)!, res, t, i, o, c);
      }
      coarse.mergeInto(byAsn);
      return { byAsn, maxUtil };
    },

    async close() { /* the handle belongs to the caller */ },
  };
}
