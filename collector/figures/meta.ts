// The IXP's, members' and ports' metadata as InfluxDB points (ixp_info, ixp_member_info, ixp_port_info), and
// which of them changed since the fingerprints kept in the store. Pure: config, registry and stored rows in,
// records out; no clock (now is an argument), no I/O. Never trusts the text it carries (ifAlias, names): it is
// passed on exactly and escaped where it is shown.
import type { Config } from '../config/types.ts';
import type { ResolvedMember } from '../members/resolve.ts';
import type { PortRoleRow } from '../members/roles.ts';
import type { IxpInfoLP, MemberInfoLP, MetaRecordLP, PortInfoLP } from '../forward/lineProtocol.ts';

export type { IxpInfoLP, MemberInfoLP, MetaRecordLP, PortInfoLP };

/** The latest stored row of one switch port (table ports). */
export interface StoredPort {
  switch: string;
  port: string;
  alias: string;
  descr: string;
  speedMbps: number | null;
  adminStatus: number | null;
}

/** What ixp_info is built from: the config's ixp section and the settings a central dashboard needs. */
export type IxpInfoConfig = Pick<Config, 'ixp' | 'switches' | 'polling' | 'memberSources' | 'dashboard'>;

/** The ixp_info record, or null when the config has no `ixp` section. */
export function ixpInfo(c: IxpInfoConfig): IxpInfoLP | null {
  const x = c.ixp;
  if (!x) return null;
  return {
    m: 'ixp_info',
    name: x.name, country: x.country ?? '', timezone: x.timezone, currency: x.currency,
    transit_price_per_mbps: x.transitPricePerMbps, launched: x.launched ?? '',
    public: x.public === true, public_members: c.dashboard?.publicMembers === true,
    poll_interval: c.polling.interval, if_alias: c.memberSources?.ifAlias !== false,
    switches: JSON.stringify(c.switches.map((s) => ({ name: s.name, site: s.site ?? s.name, roles: s.roles ?? {} }))),
  };
}

/**
 * One member's record; `ports` are those it holds at `now` (sorted), `removed` false. A member that has left keeps the
 * ports it held last when nobody holds them now (`heldNow`: every port some member holds at `now`), as the local
 * dashboard lists it, so that its finished months show the same ports on both.
 */
export function memberInfo(m: ResolvedMember, now: number, heldNow: ReadonlySet<string> = new Set()): MemberInfoLP {
  const validNow = (p: { validFrom: number | null; validTo: number | null }) => (p.validFrom === null || p.validFrom <= now) && (p.validTo === null || now < p.validTo);
  let held = m.ports.filter(validNow);
  if (!held.length && m.left) held = m.ports.filter((p) => p.validTo !== null && p.validTo <= now && !heldNow.has(`${p.switch}\u0000${p.port}`));
  const ports = held
    .map((p) => ({ switch: p.switch, port: p.port }))
    .sort((a, b) => (a.switch === b.switch ? cmp(a.port, b.port) : cmp(a.switch, b.switch)));
  const unique = ports.filter((p, i) => i === 0 || p.switch !== ports[i - 1]!.switch || p.port !== ports[i - 1]!.port);
  return {
    m: 'ixp_member_info',
    asn: m.asn, name: m.name.value, category: m.category.value, buys_transit: m.buysTransit.value,
    transit_price_per_mbps: m.transitPricePerMbps?.value ?? null, port_fee_per_month: m.portFeePerMonth.value,
    joined: m.joined?.value ?? '', left: m.left?.value ?? '', url: m.url ?? '',
    ports: JSON.stringify(unique), removed: false,
    name_source: m.name.source, category_source: m.category.source,
  };
}

/** Every port some member holds at `now`, as `switch\u0000port`. */
export function portsHeldAt(members: readonly ResolvedMember[], now: number): Set<string> {
  return new Set(members.flatMap((m) => m.ports.filter((p) => (p.validFrom === null || p.validFrom <= now) && (p.validTo === null || now < p.validTo)).map((p) => `${p.switch}\u0000${p.port}`)));
}

/** The ixp_port_info records of the stored ports, with their roles (port_roles rows; none: ''). */
export function portInfos(ports: StoredPort[], roles: PortRoleRow[]): PortInfoLP[] {
  const roleOf = new Map(roles.map((r) => [`${r.switch}\u0000${r.port}`, r]));
  return ports.map((p) => {
    const r = roleOf.get(`${p.switch}\u0000${p.port}`);
    return {
      m: 'ixp_port_info',
      switch: p.switch, port: p.port, alias: p.alias, descr: p.descr,
      // IF-MIB ifAdminStatus: up(1), down(2), testing(3).
      admin_up: p.adminStatus === null ? null : p.adminStatus === 1,
      speed_mbps: p.speedMbps, role: r?.role ?? '', lag: r?.lag ?? '',
      peer: r?.peer ? JSON.stringify({ switch: r.peer.switch, port: r.peer.port, name: r.peer.name }) : '',
    };
  });
}

/** The meta-table key of a record's fingerprint: one per InfluxDB series. */
export function metaKey(r: MetaRecordLP): string {
  switch (r.m) {
    case 'ixp_info': return META_PREFIX.ixp_info;
    case 'ixp_member_info': return `${META_PREFIX.ixp_member_info}${r.asn}`;
    case 'ixp_port_info': return `${portPrefix(r.switch)}${JSON.stringify(r.port)}]`;
  }
}

/** Key prefixes in the meta table. */
export const META_PREFIX = {
  ixp_info: 'meta.point.ixp_info',
  ixp_member_info: 'meta.point.ixp_member_info.',
  ixp_port_info: 'meta.point.ixp_port_info.',
} as const;

/** The key prefix of one switch's port records (keys end in the JSON array [switch, port]). */
export function portPrefix(switchName: string): string {
  return `${META_PREFIX.ixp_port_info}[${JSON.stringify(switchName)},`;
}

/** A record's fingerprint: its canonical JSON (fields in a fixed order), which also restores it. */
export function fingerprint(r: MetaRecordLP): string {
  return JSON.stringify(r);
}

/**
 * The records to forward: each current record whose fingerprint differs from the stored one (or has none), and,
 * when `removeMembers`, a copy with `removed: true` of each stored member record no current member has (once:
 * a stored record already marked removed is left alone). `stored` holds fingerprints by meta key, as far as the
 * caller's scope reaches (every member; one switch's ports).
 */
export function changedRecords(current: MetaRecordLP[], stored: Map<string, string>, removeMembers: boolean): MetaRecordLP[] {
  const out: MetaRecordLP[] = [];
  const seen = new Set<string>();
  for (const r of current) {
    const k = metaKey(r);
    seen.add(k);
    if (stored.get(k) !== fingerprint(r)) out.push(r);
  }
  if (removeMembers) {
    for (const [k, v] of stored) {
      if (!k.startsWith(META_PREFIX.ixp_member_info) || seen.has(k)) continue;
      let old: MetaRecordLP;
      try { old = JSON.parse(v); } catch { continue; }
      if (old.m === 'ixp_member_info' && !old.removed) out.push({ ...old, removed: true });
    }
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
