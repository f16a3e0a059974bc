// MAC → member table for the sFlow matrix, from the config's sflow.macs and the IX-F export's
// mac_addresses (connection_list[].vlan_list[].ipv4/ipv6.mac_addresses). Pure: the caller reads files.
import { normaliseMac } from './matrix.ts';

export interface MacSource { mac: string; asn: number; from: 'config' | 'ixf' | 'fdb' }

export interface MacTable {
  /** Member label ("AS65001") of a MAC, or undefined. */
  lookup(mac: string): string | undefined;
  size: number;
  /** MACs two sources gave to different members: the earlier (higher-priority) source kept it. */
  conflicts: { mac: string; kept: MacSource; dropped: MacSource }[];
}

export const memberLabel = (asn: number) => `AS${asn}`;

/** MACs of an IX-F member export (any schema version 0.6–1.0): unparseable entries are skipped and returned. */
export function macsFromIxf(doc: unknown): { macs: MacSource[]; invalid: string[] } {
  const macs: MacSource[] = [];
  const invalid: string[] = [];
  const list = (doc as { member_list?: unknown })?.member_list;
  if (!Array.isArray(list)) return { macs, invalid };
  for (const m of list as { asnum?: unknown; connection_list?: unknown }[]) {
    const asn = typeof m?.asnum === 'number' ? m.asnum : NaN;
    if (!Number.isInteger(asn) || !Array.isArray(m.connection_list)) continue;
    for (const c of m.connection_list as { vlan_list?: unknown }[]) {
      if (!Array.isArray(c?.vlan_list)) continue;
      for (const v of c.vlan_list as Record<string, { mac_addresses?: unknown } | undefined>[]) {
        for (const fam of ['ipv4', 'ipv6']) {
          const list2 = v?.[fam]?.mac_addresses;
          if (!Array.isArray(list2)) continue;
          for (const raw of list2) {
            const mac = typeof raw === 'string' ? normaliseMac(raw) : null;
            if (mac) macs.push({ mac, asn, from: 'ixf' }); else invalid.push(String(raw));
          }
        }
      }
    }
  }
  return { macs, invalid };
}

/** Builds the table; sources earlier in the list win (config, then IX-F, then the forwarding table). */
export function buildMacTable(sources: MacSource[]): MacTable {
  const map = new Map<string, MacSource>();
  const conflicts: MacTable['conflicts'] = [];
  for (const s of sources) {
    const mac = normaliseMac(s.mac);
    if (!mac) continue;
    const prev = map.get(mac);
    if (prev) { if (prev.asn !== s.asn) conflicts.push({ mac, kept: prev, dropped: s }); continue; }
    map.set(mac, { ...s, mac });
  }
  return { lookup: (mac) => { const s = map.get(mac); return s ? memberLabel(s.asn) : undefined; }, size: map.size, conflicts };
}
