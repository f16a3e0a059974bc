// The member registry: answers "whose port is this, at that time" for the forwarder, the dashboard and
// reports, and persists the merged members in the local store (migration 002). The lookups are pure
// over an in-memory list; only loadStored/saveMembers/readPortAliases touch SQLite.
import type Database from 'better-sqlite3';
import type { MemberCategory } from '../config/types.ts';
import type { MemberLayer, MemberPort, MemberSource, PortAlias, ResolvedMember } from './resolve.ts';

/** What the rest of ixmeter needs to know about the member behind a port. */
export interface MemberInfo {
  asn: number;
  name: string;
  category: MemberCategory;
  buysTransit: boolean;
  /** The member's transit price per Mbit/s per month: its override, else the IXP's (0 when none is set). */
  transitPricePerMbps: number;
  portFeePerMonth: number;
}

/** The merged members, with lookups by port and time. */
export interface MemberRegistry {
  /** The member a switch port belonged to at `time` (epoch ms); now/currently when omitted. */
  memberForPort(switchName: string, portName: string, time?: number): MemberInfo | undefined;
  /** Every member, with the source of each value and its ports over time. */
  list(): ResolvedMember[];
  /** One member by ASN. */
  get(asn: number): ResolvedMember | undefined;
  /** InfluxDB tags for a port at a time: member_asn, member, category; {} when no member is known. */
  tagsFor(switchName: string, portName: string, time?: number): Record<string, string>;
  /** Ports of a member valid at any time in [from, to) (epoch ms). */
  portsOf(asn: number, from?: number, to?: number): MemberPort[];
}

/** Builds a registry over merged members. `ixpPricePerMbps` fills members without a price override. */
export function createRegistry(members: ResolvedMember[], ixpPricePerMbps = 0): MemberRegistry {
  const byPort = new Map<string, { m: ResolvedMember; p: MemberPort }[]>();
  for (const m of members) for (const p of m.ports) {
    const k = `${p.switch}\u0000${p.port}`;
    (byPort.get(k) ?? byPort.set(k, []).get(k)!).push({ m, p });
  }
  const byAsn = new Map(members.map((m) => [m.asn, m]));
  const info = (m: ResolvedMember): MemberInfo => ({
    asn: m.asn,
    name: m.name.value,
    category: m.category.value,
    buysTransit: m.buysTransit.value,
    transitPricePerMbps: m.transitPricePerMbps?.value ?? ixpPricePerMbps,
    portFeePerMonth: m.portFeePerMonth.value,
  });
  const find = (sw: string, port: string, time?: number): ResolvedMember | undefined => {
    const rows = byPort.get(`${sw}\u0000${port}`);
    if (!rows) return undefined;
    if (time === undefined) {
      // Currently: an open range; else the one that started last.
      const open = rows.filter((r) => r.p.validTo === null);
      const pool = open.length ? open : rows;
      return pool.reduce((a, b) => ((b.p.validFrom ?? -Infinity) > (a.p.validFrom ?? -Infinity) ? b : a)).m;
    }
    const hit = rows.filter((r) => (r.p.validFrom === null || r.p.validFrom <= time) && (r.p.validTo === null || time < r.p.validTo));
    if (!hit.length) return undefined;
    return hit.reduce((a, b) => ((b.p.validFrom ?? -Infinity) > (a.p.validFrom ?? -Infinity) ? b : a)).m;
  };
  return {
    memberForPort(sw, port, time) {
      const m = find(sw, port, time);
      return m ? info(m) : undefined;
    },
    list: () => members,
    get: (asn) => byAsn.get(asn),
    tagsFor(sw, port, time): Record<string, string> {
      const m = find(sw, port, time);
      return m ? { member_asn: String(m.asn), member: m.name.value, category: m.category.value } : {};
    },
    portsOf(asn, from = -Infinity, to = Infinity) {
      const m = byAsn.get(asn);
      if (!m) return [];
      return m.ports.filter((p) => (p.validFrom ?? -Infinity) < to && (p.validTo ?? Infinity) > from);
    },
  };
}

function hasTable(db: Database.Database, name: string): boolean {
  return !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
}

/** The store's current ifAliases (latest row of each switch/port name), for ifAlias parsing. */
export function readPortAliases(db: Database.Database): PortAlias[] {
  if (!hasTable(db, 'ports')) return [];
  const rows = db.prepare(
    `SELECT switch, name, alias, speed_mbps FROM ports p
      WHERE last_seen = (SELECT MAX(last_seen) FROM ports q WHERE q.switch = p.switch AND q.name = p.name)
      ORDER BY switch, name`,
  ).all() as { switch: string; name: string; alias: string; speed_mbps: number | null }[];
  return rows.map((r) => ({ switch: r.switch, port: r.name, alias: r.alias, speedMbps: r.speed_mbps }));
}

interface MemberRow {
  asn: number; name: string; name_source: string; category: string; category_source: string;
  buys_transit: number | null; buys_transit_source: string | null;
  transit_price_per_mbps: number | null; transit_price_source: string | null;
  port_fee_per_month: number | null; port_fee_source: string | null;
  joined_date: string | null; joined_source: string | null; left_date: string | null; left_source: string | null;
  url: string | null;
}

/** The members saved by the last import, as a layer that keeps each value's original source. */
export function loadStored(db: Database.Database): MemberLayer[] {
  if (!hasTable(db, 'members')) return [];
  const rows = db.prepare('SELECT * FROM members ORDER BY asn').all() as MemberRow[];
  const ports = db.prepare('SELECT asn, switch, port, valid_from, valid_to, source FROM member_ports ORDER BY id').all() as
    { asn: number; switch: string; port: string; valid_from: number | null; valid_to: number | null; source: string }[];
  const src = (s: string | null) => (s ?? 'default') as MemberSource;
  // Values decided by 'default' or 'config' are not facts of the import: leave them to the current merge.
  const keep = <T>(value: T | null, s: string | null) => (value === null || s === null || s === 'default' || s === 'config' ? undefined : { value, source: src(s) });
  return rows.map((r) => ({
    asn: r.asn,
    name: keep(r.name, r.name_source),
    category: keep(r.category as MemberCategory, r.category_source),
    buysTransit: keep(r.buys_transit === null ? null : r.buys_transit === 1, r.buys_transit_source),
    transitPricePerMbps: keep(r.transit_price_per_mbps, r.transit_price_source),
    portFeePerMonth: keep(r.port_fee_per_month, r.port_fee_source),
    joined: keep(r.joined_date, r.joined_source),
    left: keep(r.left_date, r.left_source),
    url: r.url ?? undefined,
    ports: ports.filter((p) => p.asn === r.asn && p.source !== 'config')
      .map((p) => ({ switch: p.switch, port: p.port, validFrom: p.valid_from, validTo: p.valid_to, source: src(p.source) })),
  }));
}

/**
 * Saves merged members (one transaction). Port history: a port whose member changed gets its open row
 * closed at `now` and a new row from `now`; a port no longer attributed is closed at `now`; rows of
 * config ports are not stored (the config is read at every start).
 */
export function saveMembers(db: Database.Database, members: ResolvedMember[], now: number, importRow?: { ixf?: string; peeringdb?: string; report: unknown }): void {
  const upsert = db.prepare(`INSERT INTO members (asn, name, name_source, category, category_source, buys_transit, buys_transit_source,
      transit_price_per_mbps, transit_price_source, port_fee_per_month, port_fee_source, joined_date, joined_source, left_date, left_source, url, updated_at)
    VALUES (@asn, @name, @name_source, @category, @category_source, @buys_transit, @buys_transit_source, @transit_price_per_mbps, @transit_price_source,
      @port_fee_per_month, @port_fee_source, @joined_date, @joined_source, @left_date, @left_source, @url, @updated_at)
    ON CONFLICT (asn) DO UPDATE SET name = excluded.name, name_source = excluded.name_source, category = excluded.category,
      category_source = excluded.category_source, buys_transit = excluded.buys_transit, buys_transit_source = excluded.buys_transit_source,
      transit_price_per_mbps = excluded.transit_price_per_mbps, transit_price_source = excluded.transit_price_source,
      port_fee_per_month = excluded.port_fee_per_month, port_fee_source = excluded.port_fee_source, joined_date = excluded.joined_date,
      joined_source = excluded.joined_source, left_date = excluded.left_date, left_source = excluded.left_source, url = excluded.url,
      updated_at = excluded.updated_at`);
  const openRows = db.prepare('SELECT id, asn, switch, port, valid_from FROM member_ports WHERE valid_to IS NULL');
  const close = db.prepare('UPDATE member_ports SET valid_to = ? WHERE id = ?');
  const insertPort = db.prepare('INSERT INTO member_ports (asn, switch, port, valid_from, valid_to, source) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const m of members) {
      upsert.run({
        asn: m.asn, name: m.name.value, name_source: m.name.source, category: m.category.value, category_source: m.category.source,
        buys_transit: m.buysTransit.source === 'default' ? null : Number(m.buysTransit.value), buys_transit_source: m.buysTransit.source,
        transit_price_per_mbps: m.transitPricePerMbps?.value ?? null, transit_price_source: m.transitPricePerMbps?.source ?? null,
        port_fee_per_month: m.portFeePerMonth.value, port_fee_source: m.portFeePerMonth.source,
        joined_date: m.joined?.value ?? null, joined_source: m.joined?.source ?? null,
        left_date: m.left?.value ?? null, left_source: m.left?.source ?? null, url: m.url ?? null, updated_at: now,
      });
    }
    const wanted = new Map<string, { asn: number; p: MemberPort }>();
    for (const m of members) for (const p of m.ports) {
      if (p.source === 'config' || p.validTo !== null) continue;
      wanted.set(`${p.switch}\u0000${p.port}`, { asn: m.asn, p });
    }
    const open = openRows.all() as { id: number; asn: number; switch: string; port: string; valid_from: number | null }[];
    const openByPort = new Map(open.map((r) => [`${r.switch}\u0000${r.port}`, r]));
    for (const r of open) {
      const w = wanted.get(`${r.switch}\u0000${r.port}`);
      if (!w || w.asn !== r.asn) close.run(now, r.id);
    }
    for (const [k, w] of wanted) {
      const r = openByPort.get(k);
      if (r && r.asn === w.asn) continue;
      // A port new to the store starts at the member's join date; a port that changed hands starts now.
      insertPort.run(w.asn, w.p.switch, w.p.port, r ? now : w.p.validFrom, null, w.p.source);
    }
    if (importRow) {
      db.prepare('INSERT INTO member_imports (t, ixf, peeringdb, members, report) VALUES (?, ?, ?, ?, ?)')
        .run(now, importRow.ixf ?? null, importRow.peeringdb ?? null, members.length, JSON.stringify(importRow.report));
    }
  })();
}
