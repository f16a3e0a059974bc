// InfluxDB line protocol for ixmeter's measurements (DESIGN.md): ixp_port, ixp_poll, ixp_port_5m, ixp_latency,
// ixp_p2p_5m, ixp_p2p_window, and the figures computed at the collector (ixp_member_5m, ixp_member_month, ixp_info,
// ixp_member_info, ixp_port_info).
// Pure: rows of the local store in, lines out; no clock, no I/O. Raw octet counters travel as
// decimal strings into integer fields, never through a JS number. Timestamps are milliseconds.
//
// Decisions:
// - Counter64 above 2^63-1: InfluxDB 1.x integers are signed int64 and 1.6.7 has no unsigned type,
//   and a field must keep one type per shard (switching to `u` would conflict). Such a value is
//   sent as the string field `in_octets_u64` / `out_octets_u64` instead of the integer field, so it
//   is kept exactly and never rejected. (It takes 23 years at 100 Gbit/s to get there.)
// - A gap row (no rate for the interval) sends no rate fields: it sends `gap="<reason>"` plus the
//   facts still known (oper_up, speed_mbps, octet counters), so a reader sees "no data" for the
//   rates (never 0) and the reason is on the server too.
// - Tag values: empty values are left out (line protocol forbids them); commas, spaces and `=` are
//   escaped; line breaks become spaces; a trailing backslash is dropped (it would escape the separator).
// - Floats that are not finite are left out; a point with no field at all is not sent.

/** Tags of one port's points. Empty or undefined values are omitted. */
export interface PortTags {
  ixp: string;
  switch: string;
  port: string;
  member_asn?: string | number;
  member?: string;
  category?: string;
}

/** One rates row joined with its port (what the forwarder reads from the store). */
export interface RateRowLP {
  t: number;
  in_bps: number | null; out_bps: number | null; in_pps: number | null; out_pps: number | null;
  in_errors: number | null; out_errors: number | null; in_discards: number | null; out_discards: number | null;
  util_in: number | null; util_out: number | null;
  oper_up: number; speed_mbps: number | null;
  in_octets: string | null; out_octets: string | null;
  gap: string | null;
}

export interface PollRowLP { t: number; switch: string; duration_ms: number; ok: number; ports: number; error: string | null }

export interface RollupRowLP {
  t: number;
  in_bps_avg: number | null; in_bps_max: number | null; out_bps_avg: number | null; out_bps_max: number | null;
  in_pps_avg: number | null; out_pps_avg: number | null; in_errors_avg: number | null; out_errors_avg: number | null;
  in_discards_avg: number | null; out_discards_avg: number | null; util_in_max: number | null; util_out_max: number | null;
  oper_up_share: number | null; coverage: number;
}

const INT64_MAX = 9223372036854775807n;

/** Escapes a tag key or value (commas, spaces, equals; line breaks become spaces). */
export function escapeTag(v: string): string {
  return v.replace(/[\r\n\t]+/g, ' ').replace(/\\+$/, '').replace(/([,= ])/g, '\\$1');
}

/** Quotes a string field value (backslash and double quote escaped; line breaks become spaces). */
export function quoteString(v: string): string {
  return `"${v.replace(/[\r\n]+/g, ' ').replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Quotes a string field value exactly: backslash and double quote escaped, everything else (line breaks
 * included) as it is. InfluxDB 1.x reads a line break inside a quoted field value as part of the string and
 * unescapes exactly these two, so the text round-trips unchanged. (VictoriaMetrics, which keeps numeric fields only,
 * splits lines at every line break, quoted or not: there a multi-line ifAlias loses that point's numeric fields and its
 * continuation lines may show up as junk series; the batch's other points are kept.)
 */
export function quoteExact(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** The series key: measurement plus tags sorted by key, as InfluxDB prefers. */
export function seriesKey(measurement: string, tags: Record<string, string | number | undefined | null>): string {
  let s = measurement;
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k];
    if (v === undefined || v === null) continue;
    const e = escapeTag(String(v));
    if (e === '') continue;
    s += `,${k}=${e}`;
  }
  return s;
}

const DECIMAL = /^\d+$/;

/** Whether a decimal counter string exceeds int64 (BigInt only for the rare values of 19 digits or more). */
function aboveInt64(dec: string): boolean {
  return dec.length >= 19 && BigInt(dec) > INT64_MAX;
}

/**
 * A point's fields, appended to one string (the forwarder builds hundreds of thousands of these during a
 * replay: no array, no join, no per-field object).
 */
class Fields {
  s = '';
  private add(kv: string) { this.s = this.s === '' ? kv : `${this.s},${kv}`; }
  float(k: string, v: number | null | undefined) { if (v !== null && v !== undefined && Number.isFinite(v)) this.add(`${k}=${v}`); }
  int(k: string, v: number | null | undefined) { if (v !== null && v !== undefined && Number.isFinite(v)) this.add(`${k}=${Math.trunc(v)}i`); }
  bool(k: string, v: boolean) { this.add(`${k}=${v ? 't' : 'f'}`); }
  str(k: string, v: string | null | undefined) { if (v !== null && v !== undefined) this.add(`${k}=${quoteString(v)}`); }
  /** A string kept exactly, line breaks included (untrusted text such as ifAlias, member names). */
  text(k: string, v: string | null | undefined) { if (v !== null && v !== undefined) this.add(`${k}=${quoteExact(v)}`); }
  optBool(k: string, v: boolean | null | undefined) { if (v !== null && v !== undefined) this.bool(k, v); }
  /** A raw counter as an integer field; above int64 as the string field `<k>_u64`; invalid text is left out. */
  counter(k: string, dec: string | null) {
    if (dec === null || !DECIMAL.test(dec)) return;
    if (aboveInt64(dec)) this.add(`${k}_u64="${dec}"`);
    else this.add(`${k}=${dec}i`);
  }
  line(series: string, t: number): string | null { return this.s === '' ? null : `${series} ${this.s} ${t}`; }
}

/** One `ixp_port` line for a rates row (or a gap row), or null when it carries no field. */
export function portLine(series: string, r: RateRowLP): string | null {
  const f = new Fields();
  if (r.gap === null) {
    f.float('in_bps', r.in_bps); f.float('out_bps', r.out_bps);
    f.float('in_pps', r.in_pps); f.float('out_pps', r.out_pps);
    f.float('in_errors', r.in_errors); f.float('out_errors', r.out_errors);
    f.float('in_discards', r.in_discards); f.float('out_discards', r.out_discards);
    f.float('util_in', r.util_in); f.float('util_out', r.util_out);
  } else {
    f.str('gap', r.gap);
  }
  f.bool('oper_up', r.oper_up !== 0);
  f.float('speed_mbps', r.speed_mbps);
  f.counter('in_octets', r.in_octets);
  f.counter('out_octets', r.out_octets);
  return f.line(series, Math.trunc(r.t));
}

/** One `ixp_port_5m` line (t = window start). */
export function rollupLine(series: string, r: RollupRowLP): string | null {
  const f = new Fields();
  f.float('in_bps_avg', r.in_bps_avg); f.float('in_bps_max', r.in_bps_max);
  f.float('out_bps_avg', r.out_bps_avg); f.float('out_bps_max', r.out_bps_max);
  f.float('in_pps_avg', r.in_pps_avg); f.float('out_pps_avg', r.out_pps_avg);
  f.float('in_errors_avg', r.in_errors_avg); f.float('out_errors_avg', r.out_errors_avg);
  f.float('in_discards_avg', r.in_discards_avg); f.float('out_discards_avg', r.out_discards_avg);
  f.float('util_in_max', r.util_in_max); f.float('util_out_max', r.util_out_max);
  f.float('oper_up_share', r.oper_up_share); f.float('coverage', r.coverage);
  return f.line(series, Math.trunc(r.t));
}

/** One `ixp_poll` line. */
export function pollLine(ixp: string, r: PollRowLP): string {
  const f = new Fields();
  f.float('duration_ms', r.duration_ms);
  f.bool('ok', r.ok !== 0);
  f.int('ports', r.ports);
  f.str('error', r.error);
  return f.line(seriesKey('ixp_poll', { ixp, switch: r.switch }), Math.trunc(r.t))!;
}

// ---- Latency (collector/latency): one `ixp_latency` point per fping round and target. ----

/** One row of the store's latency table (what the forwarder reads). */
export interface LatencyRowLP {
  t: number; target: string; kind: string; name: string; member_asn: number | null;
  sent: number; received: number; loss: number; median_ms: number | null; min_ms: number | null; max_ms: number | null;
  /** JSON array of the sorted RTTs that came back. */
  rtts: string;
}

/**
 * One `ixp_latency` line: tags ixp, target, kind (member | international | local), name, member_asn; fields sent,
 * received (integers), loss (0..1), median_ms, min_ms, max_ms (absent when nothing came back) and, as smokeping
 * keeps them, the sorted RTTs as ping1..pingN (lost pings left out, so pingK exists for K <= received).
 */
export function latencyLine(ixp: string, r: LatencyRowLP): string | null {
  const f = new Fields();
  f.int('sent', r.sent); f.int('received', r.received); f.float('loss', r.loss);
  f.float('median_ms', r.median_ms); f.float('min_ms', r.min_ms); f.float('max_ms', r.max_ms);
  let rtts: unknown = [];
  try { rtts = JSON.parse(r.rtts); } catch { /* a damaged row still sends its summary */ }
  if (Array.isArray(rtts)) rtts.forEach((v, i) => { if (typeof v === 'number') f.float(`ping${i + 1}`, v); });
  return f.line(seriesKey('ixp_latency', { ixp, target: r.target, kind: r.kind, name: r.name, member_asn: r.member_asn }), Math.trunc(r.t));
}

/** One row of the store's latency_hourly table (the hour's rollup of one target). */
export interface LatencyHourLP {
  t: number; target: string; kind: string; name: string; member_asn: number | null; rounds: number; sent: number; received: number;
  median_ms: number | null; p10_ms: number | null; p90_ms: number | null; min_ms: number | null; max_ms: number | null;
}

/**
 * One `ixp_latency_1h` line (t = the hour's start): the same tags as ixp_latency; fields rounds, sent, received
 * (integers), median_ms, p10_ms, p90_ms, min_ms, max_ms over every RTT of the hour (absent when none came back).
 * Sent again as the hour fills up: the newest point of the hour replaces the older (same series and time).
 */
export function latencyHourLine(ixp: string, r: LatencyHourLP): string | null {
  const f = new Fields();
  f.int('rounds', r.rounds); f.int('sent', r.sent); f.int('received', r.received);
  f.float('median_ms', r.median_ms); f.float('p10_ms', r.p10_ms); f.float('p90_ms', r.p90_ms); f.float('min_ms', r.min_ms); f.float('max_ms', r.max_ms);
  return f.line(seriesKey('ixp_latency_1h', { ixp, target: r.target, kind: r.kind, name: r.name, member_asn: r.member_asn }), Math.trunc(r.t));
}

/** What one round saw, per kind of target (from the store's latency rows of that round). */
export interface LatencyRoundLP { t: number; international: number; international_answered: number; routers: number; routers_answered: number }

/**
 * One `ixp_latency_round` line (t = the round's start): tag ixp; integer fields international, international_answered,
 * routers, routers_answered (targets probed, and those that answered at least once). Outage detection reads these.
 */
export function latencyRoundLine(ixp: string, r: LatencyRoundLP): string | null {
  const f = new Fields();
  f.int('international', r.international); f.int('international_answered', r.international_answered);
  f.int('routers', r.routers); f.int('routers_answered', r.routers_answered);
  return f.line(seriesKey('ixp_latency_round', { ixp }), Math.trunc(r.t));
}

// --- sFlow (collector/sflow) ---
/** One p2p row of the local store: a 5-minute window's traffic from one member to another. */
export interface P2pRowLP { t: number; switch: string; src: string; dst: string; ip: string; bytes: number; packets: number; samples: number }

/**
 * One `ixp_p2p_5m` line: tags ixp, switch, src, dst (member labels "AS65001" or "unknown"), ip (ipv4 | ipv6 | other);
 * integer fields bytes, packets (renormalised from sFlow samples) and samples (the estimate's error is about
 * 1/sqrt(samples)); t = window start.
 */
export function p2pLine(ixp: string, r: P2pRowLP): string | null {
  const f = new Fields();
  f.int('bytes', r.bytes); f.int('packets', r.packets); f.int('samples', r.samples);
  return f.line(seriesKey('ixp_p2p_5m', { ixp, switch: r.switch, src: r.src, dst: r.dst, ip: r.ip }), Math.trunc(r.t));
}

// ---- Figures computed at the collector (issue 11; migration 009) ----

/** One member_windows row (asn 0: the IXP as a whole). */
export interface MemberWindowRowLP {
  asn: number; t: number; res: number; in_bps: number | null; out_bps: number | null;
  coverage: number; ports: number; max_util: number | null;
}

/**
 * One `ixp_member_5m` line: tags ixp, asn (0 = the IXP); fields in_bps, out_bps (absent when null), coverage,
 * ports and res (integers), max_util (absent when null); time = window start.
 */
export function memberWindowLine(ixp: string, r: MemberWindowRowLP): string | null {
  const f = new Fields();
  f.float('in_bps', r.in_bps); f.float('out_bps', r.out_bps); f.float('coverage', r.coverage);
  f.int('ports', r.ports); f.int('res', r.res); f.float('max_util', r.max_util);
  return f.line(seriesKey('ixp_member_5m', { ixp, asn: r.asn }), Math.trunc(r.t));
}

/** The number fields of a month row (MonthRow in collector/figures/months.ts), camelCase as stored in its JSON. */
export const MONTH_FLOAT_FIELDS = [
  'p95InMbps', 'p95OutMbps', 'p95Mbps', 'p95Samples', 'bytesIn', 'bytesOut', 'peakBps',
  'transitSaved', 'netSaved', 'portFee', 'transitSavedProjected', 'netSavedProjected', 'portFeeProjected',
  'coverage', 'resolution', 'connectedShare', 'expectedSeconds', 'maxUtil',
  'peakMethodSaved', 'localContentShare', 'members', 'pollWindows', 'trafficFlowing',
] as const;

/** The fields of a month row that are lists (a member's ports' months, the rollup sources): sent as JSON text. */
export const MONTH_JSON_FIELDS = ['ports', 'sources'] as const;

/** A member_months row's JSON (MonthRow), as far as the line needs it; unknown keys are ignored. */
export type MonthRowLP = { month: string; asn: number; complete: boolean; computedAt: number }
  & Partial<Record<(typeof MONTH_FLOAT_FIELDS)[number], number | null>>
  & Partial<Record<(typeof MONTH_JSON_FIELDS)[number], unknown[] | null>>;

/** camelCase → snake_case (p95InMbps → p95_in_mbps). */
function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * One `ixp_member_month` line: tags ixp, asn; fields the MonthRow's numbers in snake_case (floats, absent when
 * null), its lists `ports` and `sources` as JSON text (absent when the row has none), `complete` (boolean),
 * `computed_at` (integer, epoch ms) and `month` ('YYYY-MM'); time = `monthStart`, the month's first instant in
 * the IXP's time zone.
 */
export function memberMonthLine(ixp: string, r: MonthRowLP, monthStart: number): string | null {
  const f = new Fields();
  for (const k of MONTH_FLOAT_FIELDS) f.float(snake(k), r[k]);
  for (const k of MONTH_JSON_FIELDS) { const v = r[k]; if (Array.isArray(v)) f.text(k, JSON.stringify(v)); }
  f.bool('complete', r.complete === true);
  f.int('computed_at', r.computedAt);
  f.text('month', r.month);
  return f.line(seriesKey('ixp_member_month', { ixp, asn: r.asn }), Math.trunc(monthStart));
}

/** The IXP's description (ixp_info), from the config. */
export interface IxpInfoLP {
  m: 'ixp_info';
  name: string; country: string; timezone: string; currency: string; transit_price_per_mbps: number;
  /** 'YYYY-MM-DD', '' when none. */
  launched: string;
  public: boolean; public_members: boolean; poll_interval: number; if_alias: boolean;
  /** JSON: [{name, site, roles}]. */
  switches: string;
}

/** A member as the registry has it now (ixp_member_info). */
export interface MemberInfoLP {
  m: 'ixp_member_info';
  asn: number; name: string; category: string; buys_transit: boolean;
  /** The member's own price; null: the IXP's applies (the field is then absent). */
  transit_price_per_mbps: number | null;
  port_fee_per_month: number;
  /** 'YYYY-MM-DD', '' when none. */
  joined: string; left: string; url: string;
  /** JSON: [{switch, port}] the member holds now. */
  ports: string;
  /** True once the member left the registry. */
  removed: boolean;
  /** Where the name and the category came from (config, ixf, peeringdb, ifalias, default). */
  name_source: string; category_source: string;
}

/** A polled port as the switch reports it, with its role (ixp_port_info). */
export interface PortInfoLP {
  m: 'ixp_port_info';
  switch: string; port: string;
  /** ifAlias: untrusted switch text, kept exactly. */
  alias: string; descr: string;
  /** ifAdminStatus up(1); null when unknown (the field is then absent). */
  admin_up: boolean | null;
  speed_mbps: number | null;
  /** trunk | uplink | service | lag-link | lag, '' when decided by membership. */
  role: string;
  /** A LAG link: its LAG's name; ''. */
  lag: string;
  /** A trunk's other end, JSON {switch, port, name}; ''. */
  peer: string;
}

/** A metadata point as kept in the meta table and in a 'meta' outbox row (JSON). */
export type MetaRecordLP = IxpInfoLP | MemberInfoLP | PortInfoLP;

/**
 * One metadata line at time `t` (the change time): `ixp_info` (tag ixp), `ixp_member_info` (tags ixp, asn) or
 * `ixp_port_info` (tags ixp, switch, port). Strings are kept exactly (line breaks included). Null for a record of
 * another kind.
 */
export function metaLine(ixp: string, r: MetaRecordLP, t: number): string | null {
  const f = new Fields();
  switch (r.m) {
    case 'ixp_info':
      f.text('name', r.name); f.text('country', r.country); f.text('timezone', r.timezone); f.text('currency', r.currency);
      f.float('transit_price_per_mbps', r.transit_price_per_mbps); f.text('launched', r.launched);
      f.bool('public', r.public); f.bool('public_members', r.public_members); f.int('poll_interval', r.poll_interval);
      f.bool('if_alias', r.if_alias); f.text('switches', r.switches);
      return f.line(seriesKey('ixp_info', { ixp }), Math.trunc(t));
    case 'ixp_member_info':
      f.text('name', r.name); f.text('category', r.category); f.bool('buys_transit', r.buys_transit);
      f.float('transit_price_per_mbps', r.transit_price_per_mbps); f.float('port_fee_per_month', r.port_fee_per_month);
      f.text('joined', r.joined); f.text('left', r.left); f.text('url', r.url); f.text('ports', r.ports); f.bool('removed', r.removed);
      f.text('name_source', r.name_source); f.text('category_source', r.category_source);
      return f.line(seriesKey('ixp_member_info', { ixp, asn: r.asn }), Math.trunc(t));
    case 'ixp_port_info':
      f.text('alias', r.alias); f.text('descr', r.descr); f.optBool('admin_up', r.admin_up); f.float('speed_mbps', r.speed_mbps);
      f.text('role', r.role); f.text('lag', r.lag); f.text('peer', r.peer);
      return f.line(seriesKey('ixp_port_info', { ixp, switch: r.switch, port: r.port }), Math.trunc(t));
    default:
      return null;
  }
}

/** A delete of figures InfluxDB holds: one measurement of one IXP (one member when asn is set) over [from, to). */
export interface FigureDeleteLP {
  measurement: 'ixp_member_5m' | 'ixp_member_month';
  ixp: string;
  /** null: every member and the IXP (asn 0). */
  asn: number | null;
  from: number;
  to: number;
}

/** An InfluxQL string literal ('…', backslash and quote escaped). */
function influxqlString(v: string): string {
  return `'${v.replace(/(['\\])/g, '\\$1')}'`;
}

/**
 * The InfluxQL statement for InfluxDB 1.x (POST /query): `DELETE FROM "m" WHERE "ixp" = '…' [AND "asn" = '…']
 * AND time >= <from>ms AND time < <to>ms`.
 */
export function influxqlDelete(d: FigureDeleteLP): string {
  const asn = d.asn === null ? '' : ` AND "asn" = ${influxqlString(String(d.asn))}`;
  return `DELETE FROM "${d.measurement}" WHERE "ixp" = ${influxqlString(d.ixp)}${asn} AND time >= ${Math.trunc(d.from)}ms AND time < ${Math.trunc(d.to)}ms`;
}

/** A string in a v2 delete predicate ("…", backslash and quote escaped). */
function predicateString(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The body of InfluxDB 2.x POST /api/v2/delete. Its start and stop are both inclusive, so stop is the last
 * millisecond before `to` (every point ixmeter writes has millisecond precision).
 */
export function v2DeleteBody(d: FigureDeleteLP): { start: string; stop: string; predicate: string } {
  const asn = d.asn === null ? '' : ` AND asn=${predicateString(String(d.asn))}`;
  return {
    start: new Date(Math.trunc(d.from)).toISOString(),
    stop: new Date(Math.trunc(d.to) - 1).toISOString(),
    predicate: `_measurement=${predicateString(d.measurement)} AND ixp=${predicateString(d.ixp)}${asn}`,
  };
}

/** One p2p_windows row of the local store: what the receiver saw of one switch in one 5-minute window. */
export interface P2pWindowRowLP { t: number; switch: string; datagrams: number; samples: number; dropped: number; not_ingress: number; no_frame: number; rate_min: number | null; rate_max: number | null }

/**
 * One `ixp_p2p_window` line: tags ixp, switch; integer fields datagrams, samples, dropped, not_ingress, no_frame and,
 * when the window had a flow sample, rate_min and rate_max (its lowest and highest sampling rate, 1:N); t = window
 * start. The coverage of every ixp_p2p_5m figure: how many windows, samples and at which rates.
 */
export function p2pWindowLine(ixp: string, r: P2pWindowRowLP): string | null {
  const f = new Fields();
  f.int('datagrams', r.datagrams); f.int('samples', r.samples); f.int('dropped', r.dropped);
  f.int('not_ingress', r.not_ingress); f.int('no_frame', r.no_frame); f.int('rate_min', r.rate_min); f.int('rate_max', r.rate_max);
  return f.line(seriesKey('ixp_p2p_window', { ixp, switch: r.switch }), Math.trunc(r.t));
}
