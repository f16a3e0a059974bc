// Which member each switch port belongs to, for the dashboard: the config's members first, then the member tags a
// reader carries (InfluxDB), then the port's ifAlias ("AS65001 Name"). Pure; names stay plain untrusted text.
// Over the local store, createDashboard passes the member registry's members (collector/members) as `config`.
import type { MemberCategory, MemberConfig } from '../../collector/config/types.ts';
import { parseIfAlias } from '../../collector/members/ifalias.ts';
import { countsForMembers, type PortRoleRow } from '../../collector/members/roles.ts';
import { defaultBuysTransit } from '../../collector/figures/impact.ts';
import { portKey, type PortMember, type PortState } from '../readers/reader.ts';

/** A member as the dashboard uses it. */
export interface DashMember {
  asn: number;
  name: string;
  category: MemberCategory | string;
  buysTransit: boolean;
  /** Per-member price, or undefined for the IXP's. */
  transitPricePerMbps?: number;
  portFeePerMonth: number;
  ports: { switch: string; port: string }[];
}

/**
 * The IXP's members: config members (with their declared ports), plus members found on ports no config member
 * claims (reader tags first, then ifAlias). A port belongs to at most one member.
 */
export function resolveDashMembers(config: MemberConfig[], ports: PortState[], useAlias = true): DashMember[] {
  const byAsn = new Map<number, DashMember>();
  const claimed = new Set<string>();
  for (const m of config) {
    const d: DashMember = {
      asn: m.asn, name: m.name, category: m.category ?? 'isp',
      buysTransit: defaultBuysTransit(m.category ?? 'isp', m.buysTransit),
      transitPricePerMbps: m.transitPricePerMbps, portFeePerMonth: m.portFeePerMonth ?? 0,
      ports: [],
    };
    for (const p of m.ports ?? []) {
      const k = portKey(p);
      if (claimed.has(k)) continue;
      claimed.add(k);
      d.ports.push({ switch: p.switch, port: p.port });
    }
    byAsn.set(m.asn, d);
  }
  for (const p of ports) {
    const k = portKey(p);
    if (claimed.has(k)) continue;
    // The IXP's own ports (trunk, uplink, service) and LAG links counted through their LAG are nobody's.
    if (!countsForMembers(p.role as PortRoleRow['role'])) continue;
    const found = p.tagged ?? (useAlias ? parseIfAlias(p.alias) : undefined);
    if (!found) continue;
    claimed.add(k);
    let d = byAsn.get(found.asn);
    if (!d) {
      const category = (p.tagged?.category || 'isp');
      d = { asn: found.asn, name: found.name || `AS${found.asn}`, category, buysTransit: defaultBuysTransit(category), portFeePerMonth: 0, ports: [] };
      byAsn.set(found.asn, d);
    }
    d.ports.push({ switch: p.switch, port: p.port });
  }
  return [...byAsn.values()].sort((a, b) => a.asn - b.asn);
}

/** Flattens members to port → asn rows for the readers. */
export function portMembers(members: DashMember[]): PortMember[] {
  return members.flatMap((m) => m.ports.map((p) => ({ switch: p.switch, port: p.port, asn: m.asn })));
}
