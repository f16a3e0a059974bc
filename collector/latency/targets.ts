// Pure: the prober's target list from the config (latency.routers, latency.references) and the IX-F
// export's vlan_list (members' router addresses on the peering LAN). Every address is checked as a
// literal IPv4/IPv6 address, with the config path or IX-F JSON path in the error. No I/O.
import type { LatencyConfig } from './config.ts';
import { AddressError, canonicalAddress } from './rounds.ts';
import type { LatencyTarget } from '../store/latency.ts';

/** A target list problem: a bad address, or one address named twice with different meanings. */
export class TargetError extends Error {}

/** Router addresses per member from an IX-F Member Export (parsed JSON): active connections, every VLAN, IPv4 and IPv6. */
export function ixfRouterAddresses(doc: unknown, file = '<ixf>'): { asn: number; address: string; where: string }[] {
  const out: { asn: number; address: string; where: string }[] = [];
  const list = (doc as { member_list?: unknown })?.member_list;
  if (!Array.isArray(list)) return out;
  list.forEach((m: { asnum?: unknown; connection_list?: unknown }, i) => {
    if (typeof m?.asnum !== 'number' || !Array.isArray(m.connection_list)) return;
    m.connection_list.forEach((c: { state?: unknown; vlan_list?: unknown }, j) => {
      if (typeof c?.state === 'string' && !['active', 'connected'].includes(c.state)) return;
      if (!Array.isArray(c?.vlan_list)) return;
      c.vlan_list.forEach((v: Record<string, { address?: unknown } | undefined>, k) => {
        for (const fam of ['ipv4', 'ipv6']) {
          const a = v?.[fam]?.address;
          if (typeof a === 'string' && a) out.push({ asn: m.asnum as number, address: a, where: `${file}: member_list[${i}].connection_list[${j}].vlan_list[${k}].${fam}.address` });
        }
      });
    });
  });
  return out;
}

/**
 * Every target of a round: members' routers (config, then IX-F), then references. An address named as a
 * router of two members, or as a router and a reference, is a TargetError; the same router twice is kept once.
 */
export function buildTargets(cfg: Pick<LatencyConfig, 'routers' | 'references'>, ixf: { asn: number; address: string; where: string }[],
  nameOf: (asn: number) => string | undefined): LatencyTarget[] {
  const out = new Map<string, LatencyTarget>();
  const add = (t: LatencyTarget, where: string) => {
    const prev = out.get(t.address);
    if (prev) {
      if (prev.kind === t.kind && prev.memberAsn === t.memberAsn && prev.name === t.name) return;
      throw new TargetError(`${where}: ${t.address} is already probed as ${prev.kind === 'member' ? `a router of AS${prev.memberAsn}` : `reference "${prev.name}"`}`);
    }
    out.set(t.address, t);
  };
  const addr = (value: string, where: string) => {
    try { return canonicalAddress(value, where); } catch (e) {
      if (e instanceof AddressError) throw new TargetError(e.message);
      throw e;
    }
  };
  const routers = [
    ...cfg.routers.map((r, i) => ({ asn: r.asn, address: r.address, where: `latency.routers[${i}].address` })),
    ...ixf,
  ];
  for (const r of routers) add({ address: addr(r.address, r.where), kind: 'member', name: nameOf(r.asn) ?? `AS${r.asn}`, memberAsn: r.asn }, r.where);
  cfg.references.forEach((r, i) => add({ address: addr(r.address, `latency.references[${i}].address`), kind: r.kind, name: r.name }, `latency.references[${i}].address`));
  return [...out.values()];
}
