// Reader over InfluxDB via InfluxQL on /query (central dashboard, many IXPs by the `ixp` tag). Uses only shapes that
// InfluxDB 1.x, 2.x (v1 API) and 3.x all accept: one SELECT per request, GROUP BY time() and tags, fill(none),
// mean/max/sum/count/last, ORDER BY time DESC LIMIT 1, one level of subquery. Never writes; never logs credentials.
import type { InfluxConfig } from '../../collector/config/types.ts';
import { resolveSecret } from '../../collector/config/secrets.ts';
import { bytesOf, coveredSeconds, type WindowSample } from '../../collector/figures/impact.ts';
import {
  portKey, type CollectorState, type IxpDescription, type MemberWindows, type PortRef, type PortRow, type PortState, type Reader, type SeriesQuery, type SumRow,
} from './reader.ts';
import { CoarseWindows } from './windows.ts';
import type { MonthRow } from '../../collector/figures/months.ts';
import type { IxpConfig, MemberConfig, SwitchRoles } from '../../collector/config/types.ts';

interface Series { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

/** A port rollup's averaged fields and its maxima, as measurement field → PortRow key. */
const AVG_FIELDS = [['in_bps_avg', 'inBps'], ['out_bps_avg', 'outBps'], ['in_pps_avg', 'inPps'], ['out_pps_avg', 'outPps'], ['in_errors_avg', 'inErrors'],
  ['out_errors_avg', 'outErrors'], ['in_discards_avg', 'inDiscards'], ['out_discards_avg', 'outDiscards'], ['oper_up_share', 'operUp']] as const;
const MAX_FIELDS = [['util_in_max', 'utilIn'], ['util_out_max', 'utilOut']] as const;

/** An InfluxDB error answer or an unreachable server: the message names the server, never the credentials. */
export class InfluxReadError extends Error {}

/** A JSON string field, or `fallback` when absent or not JSON. */
function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== 'string' || v === '') return fallback;
  try { return JSON.parse(v) as T; } catch { return fallback; }
}

/** Fields holding JSON text in `ixp_member_month`. */
const JSON_FIELDS = new Set(['ports', 'sources']);

/** An `ixp_member_month` point (snake_case fields, nulls absent) as a MonthRow. */
export function monthRowOf(r: Record<string, unknown>, asn: number): MonthRow {
  const o: Record<string, unknown> = { asn };
  for (const [k, v] of Object.entries(r)) {
    if (k === 'time' || k === 'asn' || k === 'ixp') continue;
    const camel = k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    o[camel] = JSON_FIELDS.has(k) ? parseJson(v, undefined) : v;
  }
  // Absent (null) fields are null in a MonthRow; booleans and counts keep their types.
  o.complete = o.complete === true;
  return o as unknown as MonthRow;
}

/** Quotes a string literal for InfluxQL. */
export function lit(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One InfluxQL statement's series, as InfluxDB answers it. */
export type InfluxQuery = (q: string) => Promise<Series[]>;
export type { Series as InfluxSeries };

/** Sends one InfluxQL SELECT to the InfluxDB of `cfg` (epoch ms); throws InfluxReadError naming the server. */
export function createInfluxQuery(cfg: InfluxConfig, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): InfluxQuery {
  const f = opts.fetch ?? fetch;
  const base = cfg.url.replace(/\/+$/, '');
  const db = cfg.database ?? cfg.bucket ?? 'ixmeter';
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (cfg.token !== undefined) headers.authorization = `Token ${resolveSecret(cfg.token, 'influxdb.token')}`;
  else if (cfg.username) headers.authorization = `Basic ${Buffer.from(`${cfg.username}:${cfg.password === undefined ? '' : resolveSecret(cfg.password, 'influxdb.password')}`).toString('base64')}`;

  async function query(q: string): Promise<Series[]> {
    const body = new URLSearchParams({ q, db, epoch: 'ms' });
    if (cfg.retentionPolicy) body.set('rp', cfg.retentionPolicy);
    let res: Response;
    try {
      res = await f(`${base}/query`, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000) });
    } catch (err) {
      throw new InfluxReadError(`InfluxDB ${base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: { results?: { error?: string; series?: Series[] }[]; error?: string };
    try { json = JSON.parse(text); } catch { throw new InfluxReadError(`InfluxDB ${base}: HTTP ${res.status}, not JSON`); }
    const err = json.error ?? json.results?.[0]?.error;
    if (!res.ok || err) throw new InfluxReadError(`InfluxDB ${base}: HTTP ${res.status}: ${String(err ?? '').slice(0, 200)}`);
    return json.results?.[0]?.series ?? [];
  }
  return query;
}

/** Creates a reader for the InfluxDB of `cfg` (database, or bucket through the v1 compatibility API). */
export function createInfluxReader(cfg: InfluxConfig, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Reader {
  const query = createInfluxQuery(cfg, opts);

  const ports = (ps: PortRef[]): string => `(${ps.map((p) => `("switch" = ${lit(p.switch)} AND "port" = ${lit(p.port)})`).join(' OR ')})`;
  const range = (from: number, to: number): string => `time >= ${Math.trunc(from)}ms AND time < ${Math.trunc(to)}ms`;
  const groupTime = (q: SeriesQuery): string => {
    const stepMs = q.step * 1000;
    return `time(${stepMs}ms, ${((q.from % stepMs) + stepMs) % stepMs}ms)`;
  };
  const col = (s: Series, name: string): number => s.columns.indexOf(name);
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  /** Row `i` of a series as column → value. */
  const rowOf = (s: Series, i = 0): Record<string, unknown> => Object.fromEntries(s.columns.map((c, k) => [c, s.values[i]![k]]));

  return {
    kind: 'influxdb',

    async portStates(ixp, since) {
      const series = await query(`SELECT "in_bps", "out_bps", "oper_up", "speed_mbps" FROM "ixp_port" WHERE "ixp" = ${lit(ixp)} AND time >= ${Math.trunc(since)}ms GROUP BY "switch", "port", "member_asn", "member", "category" ORDER BY time DESC LIMIT 1`);
      const byKey = new Map<string, PortState>();
      for (const s of series) {
        const v = s.values[0]!;
        const t = num(v[col(s, 'time')]);
        const tags = s.tags ?? {};
        const st: PortState = {
          switch: tags.switch ?? '', port: tags.port ?? '', alias: '',
          speedMbps: num(v[col(s, 'speed_mbps')]),
          operUp: typeof v[col(s, 'oper_up')] === 'boolean' ? (v[col(s, 'oper_up')] as boolean) : null,
          adminUp: null, lastSeen: t,
          inBps: num(v[col(s, 'in_bps')]), outBps: num(v[col(s, 'out_bps')]),
        };
        const asn = Number(tags.member_asn);
        if (tags.member_asn && Number.isSafeInteger(asn) && asn > 0) st.tagged = { asn, name: tags.member ?? '', category: tags.category ?? '' };
        const k = portKey(st);
        const prev = byKey.get(k);
        if (!prev || (prev.lastSeen ?? 0) < (t ?? 0)) byKey.set(k, st);
      }
      // What the collector knows of each port beyond its rates: ifAlias (untrusted), admin status, role (ixp_port_info).
      for (const s of await query(`SELECT * FROM "ixp_port_info" WHERE "ixp" = ${lit(ixp)} GROUP BY "switch", "port" ORDER BY time DESC LIMIT 1`)) {
        const r = rowOf(s);
        const k = portKey({ switch: s.tags?.switch ?? '', port: s.tags?.port ?? '' });
        const st = byKey.get(k);
        if (!st) continue;
        st.alias = str(r.alias);
        st.adminUp = typeof r.admin_up === 'boolean' ? r.admin_up : null;
        if (st.speedMbps === null) st.speedMbps = num(r.speed_mbps);
        st.role = str(r.role) || null;
        st.lag = str(r.lag) || null;
        st.peer = parseJson<PortState['peer']>(r.peer, null);
      }
      return [...byKey.values()].sort((a, b) => a.switch.localeCompare(b.switch) || a.port.localeCompare(b.port, undefined, { numeric: true }));
    },

    async collectors(ixp, since) {
      const series = await query(`SELECT "ok", "error" FROM "ixp_poll" WHERE "ixp" = ${lit(ixp)} AND time >= ${Math.trunc(since)}ms GROUP BY "switch" ORDER BY time DESC LIMIT 1`);
      return series.map((s): CollectorState => {
        const v = s.values[0]!;
        const ok = v[col(s, 'ok')];
        const e = v[col(s, 'error')];
        return { switch: s.tags?.switch ?? '', lastPoll: num(v[col(s, 'time')]), ok: typeof ok === 'boolean' ? ok : null, error: typeof e === 'string' && e !== '' ? e : null };
      }).sort((a, b) => a.switch.localeCompare(b.switch));
    },

    async simulated() { return false; },

    async describe() {
      const infos = await query('SELECT * FROM "ixp_info" GROUP BY "ixp" ORDER BY time DESC LIMIT 1');
      const members = await query('SELECT * FROM "ixp_member_info" GROUP BY "ixp", "asn" ORDER BY time DESC LIMIT 1');
      const out: IxpDescription[] = [];
      for (const s of infos) {
        const r = rowOf(s);
        const id = s.tags?.ixp ?? '';
        if (!id) continue;
        const switches = parseJson<{ name: string; site: string; roles?: SwitchRoles }[]>(r.switches, []);
        const ms: IxpDescription['members'] = [];
        for (const m of members) {
          if (m.tags?.ixp !== id) continue;
          const x = rowOf(m);
          const asn = Number(m.tags?.asn);
          if (!Number.isSafeInteger(asn) || asn <= 0 || x.removed === true) continue;
          ms.push({
            asn, name: str(x.name) || `AS${asn}`, category: (str(x.category) || 'isp') as MemberConfig['category'],
            buysTransit: typeof x.buys_transit === 'boolean' ? x.buys_transit : undefined,
            transitPricePerMbps: num(x.transit_price_per_mbps) ?? undefined,
            portFeePerMonth: num(x.port_fee_per_month) ?? 0,
            joined: str(x.joined) || undefined, left: str(x.left) || undefined,
            ports: parseJson<{ switch: string; port: string }[]>(x.ports, []).map((p) => ({ switch: String(p.switch), port: String(p.port) })),
            ...(str(x.name_source) ? { sources: { name: str(x.name_source), category: str(x.category_source) } } : {}),
          });
        }
        ms.sort((a, b) => a.asn - b.asn);
        out.push({
          ixp: {
            id, name: str(r.name) || id, country: str(r.country) || undefined, timezone: str(r.timezone) || 'UTC', currency: str(r.currency) || 'USD',
            transitPricePerMbps: num(r.transit_price_per_mbps) ?? 0, launched: str(r.launched) || undefined, public: r.public === true,
          } as IxpConfig,
          members: ms, ifAlias: r.if_alias !== false, pollInterval: num(r.poll_interval) ?? 60, switches,
        });
      }
      return out.sort((a, b) => a.ixp.id.localeCompare(b.ixp.id));
    },

    async monthRows(ixp, months) {
      if (!months.length) return [];
      const series = await query(`SELECT * FROM "ixp_member_month" WHERE "ixp" = ${lit(ixp)} AND (${months.map((m) => `"month" = ${lit(m)}`).join(' OR ')}) GROUP BY "asn"`);
      const out: MonthRow[] = [];
      for (const s of series) {
        const asn = Number(s.tags?.asn);
        if (!Number.isSafeInteger(asn) || asn < 0) continue;
        for (let i = 0; i < s.values.length; i++) out.push(monthRowOf(rowOf(s, i), asn));
      }
      return out.sort((a, b) => a.month.localeCompare(b.month) || a.asn - b.asn);
    },

    async memberWindowRows(ixp, asns, from, to) {
      const out = new Map<number, (WindowSample & { maxUtil?: number | null })[]>();
      if (!asns.length) return out;
      const series = await query(`SELECT "in_bps", "out_bps", "coverage", "res", "max_util" FROM "ixp_member_5m" WHERE "ixp" = ${lit(ixp)} AND (${asns.map((a) => `"asn" = ${lit(String(a))}`).join(' OR ')}) AND ${range(from, to)} GROUP BY "asn"`);
      for (const s of series) {
        const asn = Number(s.tags?.asn);
        const [ci, cio, cc, cr, cu] = ['in_bps', 'out_bps', 'coverage', 'res', 'max_util'].map((n) => col(s, n)) as [number, number, number, number, number];
        const list = s.values.map((v) => ({ t: v[0] as number, inBps: num(v[ci]), outBps: num(v[cio]), coverage: num(v[cc]) ?? 0, res: num(v[cr]) ?? 300, maxUtil: num(v[cu]) }));
        if (list.length) out.set(asn, list);
      }
      return out;
    },

    async windowTotals(ixp, asn, from, to) {
      // Most windows are whole 5-minute ones: InfluxDB sums those (bytes = Σ in_bps × 300 / 8); the others (partial,
      // imported MRTG history) come as points. When the counts show a point neither query saw (a field missing), the
      // answer is undefined and the caller sums the windows themselves.
      const where = `"ixp" = ${lit(ixp)} AND "asn" = ${lit(String(asn))} AND ${range(from, to)}`;
      const [whole, rest, all] = await Promise.all([
        query(`SELECT sum("in_bps") AS "s", count("in_bps") AS "ni", count("out_bps") AS "no" FROM "ixp_member_5m" WHERE ${where} AND "res" = 300 AND "coverage" = 1`),
        query(`SELECT "in_bps", "out_bps", "coverage", "res" FROM "ixp_member_5m" WHERE ${where} AND ("res" <> 300 OR "coverage" < 1)`),
        query(`SELECT count("ports") AS "n", count("res") AS "nr", count("coverage") AS "nc" FROM "ixp_member_5m" WHERE ${where}`),
      ]);
      const w = whole[0] ? rowOf(whole[0]) : {};
      const a = all[0] ? rowOf(all[0]) : {};
      const others = (rest[0]?.values ?? []).map((_, i) => rowOf(rest[0]!, i))
        .map((r): WindowSample => ({ t: 0, inBps: num(r.in_bps), outBps: num(r.out_bps), coverage: num(r.coverage) ?? 0, res: num(r.res) ?? 300 }));
      const n = Number(a.n ?? 0);
      const ni = Number(w.ni ?? 0);
      if (ni !== Number(w.no ?? 0) || Number(a.nr ?? 0) !== n || Number(a.nc ?? 0) !== n || ni + others.length !== n) return undefined;
      return { inBytes: (num(w.s) ?? 0) * 300 / 8 + bytesOf(others, 'in'), coveredSeconds: ni * 300 + coveredSeconds(others) };
    },

    async portMaxUtil(ixp, ps, from, to) {
      const out = new Map<string, number>();
      if (!ps.length) return out;
      const series = await query(`SELECT max("util_in_max") AS "ui", max("util_out_max") AS "uo" FROM "ixp_port_5m" WHERE "ixp" = ${lit(ixp)} AND ${ports(ps)} AND ${range(from, to)} GROUP BY "switch", "port"`);
      for (const s of series) {
        const v = s.values[0]!;
        const ui = num(v[col(s, 'ui')]);
        const uo = num(v[col(s, 'uo')]);
        if (ui === null && uo === null) continue;
        out.set(portKey({ switch: s.tags?.switch ?? '', port: s.tags?.port ?? '' }), Math.max(ui ?? 0, uo ?? 0));
      }
      return out;
    },

    async memberSeries(ixp, asn, q) {
      const series = await query(`SELECT mean("in_bps") AS "i", mean("out_bps") AS "o" FROM "ixp_member_5m" WHERE "ixp" = ${lit(ixp)} AND "asn" = ${lit(String(asn))} AND ${range(q.from, q.to)} GROUP BY ${groupTime(q)} fill(none)`);
      const rows: SumRow[] = [];
      for (const s of series) for (const v of s.values) rows.push({ t: v[0] as number, inBps: num(v[col(s, 'i')]), outBps: num(v[col(s, 'o')]) });
      return { rows, info: { res: 300 } };
    },

    async sumSeries(ixp, ps, q) {
      const res = q.res === 0 ? 0 : 300;
      if (ps.length === 0) return { rows: [], info: { res } };
      const [m, fi, fo] = res === 0 ? ['ixp_port', 'in_bps', 'out_bps'] : ['ixp_port_5m', 'in_bps_avg', 'out_bps_avg'];
      const series = await query(`SELECT sum("i") AS "i", sum("o") AS "o" FROM (SELECT mean("${fi}") AS "i", mean("${fo}") AS "o" FROM "${m}" WHERE "ixp" = ${lit(ixp)} AND ${ports(ps)} AND ${range(q.from, q.to)} GROUP BY ${groupTime(q)}, "switch", "port" fill(none)) WHERE ${range(q.from, q.to)} GROUP BY ${groupTime(q)} fill(none)`);
      const rows: SumRow[] = [];
      for (const s of series) for (const v of s.values) rows.push({ t: v[0] as number, inBps: num(v[col(s, 'i')]), outBps: num(v[col(s, 'o')]) });
      return { rows, info: { res } };
    },

    async portSeries(ixp, p, q) {
      const tags = `"ixp" = ${lit(ixp)} AND "switch" = ${lit(p.switch)} AND "port" = ${lit(p.port)}`;
      const where = `${tags} AND ${range(q.from, q.to)}`;
      const rows = new Map<number, PortRow>();
      const row = (t: number): PortRow => {
        let r = rows.get(t);
        if (!r) { r = { t, inBps: null, outBps: null, inPps: null, outPps: null, inErrors: null, outErrors: null, inDiscards: null, outDiscards: null, utilIn: null, utilOut: null, operUp: null }; rows.set(t, r); }
        return r;
      };
      const names = ['inBps', 'outBps', 'inPps', 'outPps', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards', 'utilIn', 'utilOut'] as const;
      let res: number = q.res === 0 ? 0 : q.res === 3600 || q.res === 86400 ? q.res : 300;
      if (res === 0) {
        const s = await query(`SELECT mean("in_bps") AS "inBps", mean("out_bps") AS "outBps", mean("in_pps") AS "inPps", mean("out_pps") AS "outPps", mean("in_errors") AS "inErrors", mean("out_errors") AS "outErrors", mean("in_discards") AS "inDiscards", mean("out_discards") AS "outDiscards", max("util_in") AS "utilIn", max("util_out") AS "utilOut" FROM "ixp_port" WHERE ${where} GROUP BY ${groupTime(q)} fill(none)`);
        for (const x of s) for (const v of x.values) { const r = row(v[0] as number); for (const n of names) r[n] = num(v[col(x, n)]); }
        // oper_up is a boolean field: share of points up = count(up) / count(all), in two plain queries.
        const all = await query(`SELECT count("oper_up") AS "n" FROM "ixp_port" WHERE ${where} GROUP BY ${groupTime(q)} fill(none)`);
        const up = await query(`SELECT count("oper_up") AS "n" FROM "ixp_port" WHERE ${where} AND "oper_up" = true GROUP BY ${groupTime(q)} fill(none)`);
        const upAt = new Map<number, number>();
        for (const x of up) for (const v of x.values) upAt.set(v[0] as number, Number(v[1]));
        for (const x of all) for (const v of x.values) { const n = Number(v[1]); if (n > 0) row(v[0] as number).operUp = (upAt.get(v[0] as number) ?? 0) / n; }
      } else {
        // Hourly and daily steps read the collector's hourly and daily rollups (ixp_port_1h, ixp_port_1d; imported
        // MRTG days from ixp_port_hist too), as over SQLite: a year of one port is 365 points, not 105,000. Each
        // field's average is sum / count over the step's rows of both, so a day with both is their mean, as in SQLite.
        const agg = [...AVG_FIELDS.map(([f, n]) => `sum("${f}") AS "${n}_s", count("${f}") AS "${n}_n"`), ...MAX_FIELDS.map(([f, n]) => `max("${f}") AS "${n}"`)].join(', ');
        // Daily, else hourly (as SQLite falls back to the finest level there is), else the 5-minute points.
        for (const level of res === 86400 ? [86400, 3600] : res === 3600 ? [3600] : []) {
          const sources = [`FROM "${level === 3600 ? 'ixp_port_1h' : 'ixp_port_1d'}" WHERE ${where}`];
          if (level === 86400) sources.push(`FROM "ixp_port_hist" WHERE ${where} AND "res" = '86400'`);
          const acc = new Map<number, Record<string, number>>();
          for (const s of await Promise.all(sources.map((from) => query(`SELECT ${agg} ${from} GROUP BY ${groupTime(q)} fill(none)`)))) {
            for (const x of s) for (const v of x.values) {
              const a = acc.get(v[0] as number) ?? {};
              acc.set(v[0] as number, a);
              for (const [, n] of AVG_FIELDS) { a[`${n}_s`] = (a[`${n}_s`] ?? 0) + (num(v[col(x, `${n}_s`)]) ?? 0); a[`${n}_n`] = (a[`${n}_n`] ?? 0) + (num(v[col(x, `${n}_n`)]) ?? 0); }
              for (const [, n] of MAX_FIELDS) { const m = num(v[col(x, n)]); if (m !== null && !(a[n]! >= m)) a[n] = m; }
            }
          }
          for (const [t, a] of acc) {
            const r = row(t);
            for (const [, n] of AVG_FIELDS) r[n] = a[`${n}_n`]! > 0 ? a[`${n}_s`]! / a[`${n}_n`]! : null;
            for (const [, n] of MAX_FIELDS) r[n] = a[n] ?? null;
          }
          res = level;
          if (rows.size) break;
        }
        // 5-minute points where no rollup of that resolution is there: before the port's first one in the period
        // (history forwarded before the collector sent its rollups), or for every step below an hour.
        const first = rows.size ? Math.min(...rows.keys()) : q.to;
        if (!rows.size) res = 300;
        if (first > q.from) {
          const s = await query(`SELECT ${AVG_FIELDS.map(([f, n]) => `mean("${f}") AS "${n}"`).join(', ')}, ${MAX_FIELDS.map(([f, n]) => `max("${f}") AS "${n}"`).join(', ')} FROM "ixp_port_5m" WHERE ${tags} AND ${range(q.from, first)} GROUP BY ${groupTime(q)} fill(none)`);
          for (const x of s) for (const v of x.values) { const r = row(v[0] as number); for (const [, n] of [...AVG_FIELDS, ...MAX_FIELDS]) r[n] = num(v[col(x, n)]); }
        }
      }
      return { rows: [...rows.values()].sort((a, b) => a.t - b.t), info: { res } };
    },

    async portWindows(ixp, members, from, to) {
      const byAsn = new Map<number, WindowSample[]>();
      const maxUtil = new Map<string, number>();
      // One query: the member_asn tag written with each point attributes it (history stays with the member that had the
      // port then); only the ports the server counts as member ports are read.
      if (members.length) {
        const q: SeriesQuery = { from, to, step: 300, res: 300 };
        // ixp_port_5m holds one point per port per window, so a plain sum per window is the sum over ports (no subquery).
        const series = await query(`SELECT sum("in_bps_avg") AS "i", sum("out_bps_avg") AS "o", mean("coverage") AS "c" FROM "ixp_port_5m" WHERE "ixp" = ${lit(ixp)} AND ${ports(members)} AND ${range(from, to)} GROUP BY ${groupTime(q)}, "member_asn" fill(none)`);
        const fallback = new Map(members.map((m) => [m.asn, m.asn]));
        for (const s of series) {
          const asn = Number(s.tags?.member_asn);
          if (!Number.isSafeInteger(asn) || !fallback.has(asn)) continue; // untagged points: no member when written
          const out = byAsn.get(asn) ?? [];
          for (const v of s.values) out.push({ t: v[0] as number, inBps: num(v[col(s, 'i')]), outBps: num(v[col(s, 'o')]), res: 300, coverage: num(v[col(s, 'c')]) ?? 1 });
          byAsn.set(asn, out);
        }
      }
      if (members.length) {
        // Imported history coarser than 5 minutes (MRTG's 30 min, 2 h, 1 day; `ixp_port_hist`, tagged with its
        // resolution), summed per member and window here: its windows are the importer's, not GROUP BY time()'s.
        const series = await query(`SELECT "in_bps_avg" AS "i", "out_bps_avg" AS "o", "coverage" AS "c" FROM "ixp_port_hist" WHERE "ixp" = ${lit(ixp)} AND ${ports(members)} AND ${range(from, to)} GROUP BY "member_asn", "res"`);
        const coarse = new CoarseWindows();
        const wanted = new Set(members.map((m) => m.asn));
        for (const s of series) {
          const asn = Number(s.tags?.member_asn);
          const res = Number(s.tags?.res);
          if (!wanted.has(asn) || !(res > 300)) continue; // untagged points: no member when written
          for (const v of s.values) coarse.add(asn, res, v[0] as number, num(v[col(s, 'i')]), num(v[col(s, 'o')]), num(v[col(s, 'c')]) ?? 1);
        }
        coarse.mergeInto(byAsn);
      }
      if (members.length) {
        const series = await query(`SELECT max("util_in_max") AS "ui", max("util_out_max") AS "uo" FROM "ixp_port_5m" WHERE "ixp" = ${lit(ixp)} AND ${ports(members)} AND ${range(from, to)} GROUP BY "switch", "port"`);
        for (const s of series) {
          const v = s.values[0]!;
          const ui = num(v[col(s, 'ui')]);
          const uo = num(v[col(s, 'uo')]);
          if (ui === null && uo === null) continue;
          maxUtil.set(portKey({ switch: s.tags?.switch ?? '', port: s.tags?.port ?? '' }), Math.max(ui ?? 0, uo ?? 0));
        }
      }
      return { byAsn, maxUtil };
    },

    async close() { /* stateless HTTP */ },
  };
}
