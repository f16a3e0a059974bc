// Reads an IX-F Member Export (JSON, schema 1.0; older 0.6/0.7 accepted) into members and their
// connections. Pure: the caller supplies the text. Hand-checks only the fields ixmeter uses, so
// real-world quirks (null optional strings, null if_speed, older versions) pass with a warning and
// a broken file fails with the JSON path of the first problem.
import type { MemberCategory } from '../config/types.ts';

/** One physical connection of a member as the export lists it (no SNMP interface name in IX-F). */
export interface IxfPort {
  /** The export's switch name (switch[].name), or `switch <id>` when the switch is not listed. */
  switchName: string;
  switchId?: number;
  /** Port speed in Mbit/s, undefined when the export says null. */
  speedMbps?: number;
}

/** One member of an IX-F export. */
export interface IxfMember {
  asn: number;
  name?: string;
  url?: string;
  /** IX-F member_type: peering | ixp | other (and "routeserver" in some exporters). */
  memberType?: string;
  /** Category implied by member_type, when it implies one (route servers). */
  category?: MemberCategory;
  /** member_since as YYYY-MM-DD. */
  joined?: string;
  /** Connections whose state is not active/connected are left out. */
  ports: IxfPort[];
}

/** The part of an IX-F export ixmeter uses. */
export interface IxfExport {
  version: string;
  timestamp?: string;
  ixp: { shortname: string; name?: string; ixfId?: number; peeringdbId?: number };
  members: IxfMember[];
  warnings: string[];
}

/** An IX-F export that cannot be used. `path` is the JSON path of the problem (e.g. member_list[3].asnum). */
export class IxfError extends Error {
  constructor(readonly file: string, readonly path: string, detail: string) {
    super(`${file}: ${path}: ${detail}`);
    this.name = 'IxfError';
  }
}

const KNOWN_VERSIONS = new Set(['0.4', '0.5', '0.6', '0.7', '1.0']);

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/**
 * Parses and checks IX-F export text. `ixpId` picks the IXP of a multi-IXP export (required when
 * ixp_list has more than one). Throws IxfError naming the JSON path of the first problem; returns warnings for quirks.
 */
export function parseIxf(text: string, file = '<ixf>', opts: { ixpId?: number } = {}): IxfExport {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new IxfError(file, '$', `not JSON (${(e as Error).message})`); }
  const warnings: string[] = [];
  const warn = (path: string, msg: string) => warnings.push(`${file}: ${path}: ${msg}`);
  const fail = (path: string, msg: string): never => { throw new IxfError(file, path, msg); };
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  // An optional string: null is a common quirk (QCIX member_list[17].url), accepted with a warning.
  const optString = (o: Record<string, unknown>, key: string, path: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (v === null) { warn(`${path}.${key}`, 'null where the schema wants a string; ignored'); return undefined; }
    if (typeof v !== 'string') fail(`${path}.${key}`, `expected string, got ${show(v)}`);
    return (v as string) || undefined;
  };
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (!isObj(v)) fail(path, `expected object, got ${show(v)}`);
    return v as Record<string, unknown>;
  };
  const integer = (v: unknown, path: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected integer, got ${show(v)}`);
    return v as number;
  };

  if (!isObj(doc)) fail('$', `expected an object, got ${show(doc)}`);
  const d = doc as Record<string, unknown>;
  if (d.version === undefined) fail('version', 'missing');
  if (typeof d.version !== 'string') fail('version', `expected string, got ${show(d.version)}`);
  const version = d.version as string;
  if (!KNOWN_VERSIONS.has(version)) warn('version', `unknown schema version ${show(version)}; read as 1.0`);
  else if (version !== '1.0') warn('version', `schema version ${version} (older than 1.0); read with the 1.0 field names`);
  const timestamp = optString(d, 'timestamp', '$');
  if (d.timestamp === undefined) warn('timestamp', 'missing');

  if (!Array.isArray(d.ixp_list)) fail('ixp_list', d.ixp_list === undefined ? 'missing' : `expected array, got ${show(d.ixp_list)}`);
  const ixps = d.ixp_list as unknown[];
  if (ixps.length === 0) fail('ixp_list', 'empty: the export names no IXP');
  let ixpIdx = 0;
  ixps.forEach((x, i) => {
    if (!isObj(x)) fail(`ixp_list[${i}]`, `expected object, got ${show(x)}`);
    integer((x as Record<string, unknown>).ixp_id, `ixp_list[${i}].ixp_id`);
    if (opts.ixpId !== undefined && (x as Record<string, unknown>).ixp_id === opts.ixpId) ixpIdx = i;
  });
  const listed = () => ixps.map((x) => { const o = x as Record<string, unknown>; return `${o.ixp_id}${typeof o.shortname === 'string' ? ` (${o.shortname})` : ''}`; }).join(', ');
  if (opts.ixpId !== undefined && (ixps[ixpIdx] as Record<string, unknown>).ixp_id !== opts.ixpId) fail('ixp_list', `no IXP with ixp_id ${opts.ixpId}; the export lists ${listed()}`);
  // Several IXPs (an operator running more than one exchange): taking one silently would mix members up.
  if (opts.ixpId === undefined && ixps.length > 1) fail('ixp_list', `the export lists ${ixps.length} IXPs: choose one by its ixp_id (${listed()})`);
  const ix = ixps[ixpIdx] as Record<string, unknown>;
  const ixPath = `ixp_list[${ixpIdx}]`;
  const ixpId = ix.ixp_id as number;
  const shortname = optString(ix, 'shortname', ixPath);
  if (!shortname) warn(`${ixPath}.shortname`, 'missing');
  const switches = new Map<number, string>();
  if (ix.switch !== undefined && ix.switch !== null) {
    if (!Array.isArray(ix.switch)) fail(`${ixPath}.switch`, `expected array, got ${show(ix.switch)}`);
    (ix.switch as unknown[]).forEach((sv, i) => {
      const p = `${ixPath}.switch[${i}]`;
      const s = obj(sv, p);
      const id = integer(s.id, `${p}.id`);
      switches.set(id, optString(s, 'name', p) ?? `switch ${id}`);
    });
  }

  if (!Array.isArray(d.member_list)) fail('member_list', d.member_list === undefined ? 'missing' : `expected array, got ${show(d.member_list)}`);
  const members: IxfMember[] = [];
  const seen = new Map<number, number>();
  (d.member_list as unknown[]).forEach((mv, i) => {
    const p = `member_list[${i}]`;
    const m = obj(mv, p);
    const asn = integer(m.asnum, `${p}.asnum`);
    if (asn < 1 || asn > 4294967295) fail(`${p}.asnum`, `not an AS number: ${asn}`);
    const name = optString(m, 'name', p);
    const url = optString(m, 'url', p);
    const memberType = optString(m, 'member_type', p);
    const since = optString(m, 'member_since', p);
    let joined: string | undefined;
    if (since) {
      if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(Date.parse(since))) fail(`${p}.member_since`, `expected a date-time, got ${show(since)}`);
      joined = since.slice(0, 10);
    }
    const mt = memberType?.toLowerCase();
    const category: MemberCategory | undefined = mt === 'routeserver' || mt === 'route-server' ? 'route-server' : undefined;
    if (m.connection_list === undefined) fail(`${p}.connection_list`, 'missing');
    if (!Array.isArray(m.connection_list)) fail(`${p}.connection_list`, `expected array, got ${show(m.connection_list)}`);
    const ports: IxfPort[] = [];
    let here = false;
    (m.connection_list as unknown[]).forEach((cv, j) => {
      const cp = `${p}.connection_list[${j}]`;
      const c = obj(cv, cp);
      const cIxp = integer(c.ixp_id, `${cp}.ixp_id`);
      const state = optString(c, 'state', cp);
      if (cIxp !== ixpId) return;
      here = true;
      if (state && !['active', 'connected'].includes(state)) return;
      if (c.if_list === undefined || c.if_list === null) { warn(`${cp}.if_list`, 'missing: no port listed for this connection'); return; }
      if (!Array.isArray(c.if_list)) fail(`${cp}.if_list`, `expected array, got ${show(c.if_list)}`);
      (c.if_list as unknown[]).forEach((fv, k) => {
        const fp = `${cp}.if_list[${k}]`;
        const f = obj(fv, fp);
        let switchId: number | undefined;
        if (f.switch_id !== undefined && f.switch_id !== null) switchId = integer(f.switch_id, `${fp}.switch_id`);
        let speedMbps: number | undefined;
        if (f.if_speed === null || f.if_speed === undefined) warn(`${fp}.if_speed`, 'null or missing: port speed unknown');
        else if (typeof f.if_speed !== 'number' || f.if_speed < 0) fail(`${fp}.if_speed`, `expected a number of Mbit/s, got ${show(f.if_speed)}`);
        else speedMbps = f.if_speed;
        const switchName = switchId === undefined ? 'unknown switch' : switches.get(switchId) ?? `switch ${switchId}`;
        ports.push({ switchName, switchId, speedMbps });
      });
    });
    // A member connected only to another IXP of the export is not a member of this one.
    if (!here && (m.connection_list as unknown[]).length > 0) return;
    if (seen.has(asn)) {
      // Some exporters list a member once per connection: merge.
      warn(`${p}.asnum`, `AS${asn} listed again (first at member_list[${seen.get(asn)}]); connections merged`);
      const first = members.find((x) => x.asn === asn)!;
      first.ports.push(...ports);
      return;
    }
    seen.set(asn, i);
    members.push({ asn, name, url, memberType, category, joined, ports });
  });
  return {
    version,
    timestamp,
    ixp: { shortname: shortname ?? `ixp ${ixpId}`, name: optString(ix, 'name', ixPath), ixfId: typeof ix.ixf_id === 'number' ? ix.ixf_id : undefined, peeringdbId: typeof ix.peeringdb_id === 'number' ? ix.peeringdb_id : undefined },
    members,
    warnings,
  };
}
