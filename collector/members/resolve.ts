// Pure merge of the member sources, in order: config > stored import (IX-F, PeeringDB) > IX-F > PeeringDB
// > ifAlias, each value keeping the source it came from. Also proposes the IX-F → SNMP port mapping
// (IX-F exports carry no interface name). No I/O, no clock.
import type { MemberCategory, MemberConfig } from '../config/types.ts';
import { parseIfAlias } from './ifalias.ts';
import { dayStart } from '../figures/calendar.ts';
import type { IxfExport, IxfPort } from './ixf.ts';
import type { PeeringDbNet } from './peeringdb.ts';

/** Where a value came from. `ixf+ifalias`: an IX-F connection matched to an SNMP port by its ifAlias. */
export type MemberSource = 'config' | 'ixf' | 'peeringdb' | 'ifalias' | 'ixf+ifalias' | 'default';

/** A value and its source. */
export interface Sourced<T> { value: T; source: MemberSource }

/** A switch port attributed to a member for a time range (epoch ms; null = unbounded). */
export interface MemberPort {
  switch: string;
  port: string;
  validFrom: number | null;
  validTo: number | null;
  source: MemberSource;
}

/** A member after merging every source. */
export interface ResolvedMember {
  asn: number;
  name: Sourced<string>;
  category: Sourced<MemberCategory>;
  buysTransit: Sourced<boolean>;
  /** Per-member transit price; null: the IXP's price applies. */
  transitPricePerMbps: Sourced<number> | null;
  portFeePerMonth: Sourced<number>;
  joined?: Sourced<string>;
  left?: Sourced<string>;
  url?: string;
  ports: MemberPort[];
}

/** What one source says about a member (every field optional). */
export interface MemberLayer {
  asn: number;
  name?: Sourced<string>;
  category?: Sourced<MemberCategory>;
  buysTransit?: Sourced<boolean>;
  transitPricePerMbps?: Sourced<number>;
  portFeePerMonth?: Sourced<number>;
  joined?: Sourced<string>;
  left?: Sourced<string>;
  url?: string;
  ports?: MemberPort[];
}

/** An SNMP port as the store knows it (ports table): its ifAlias and speed. */
export interface PortAlias {
  switch: string;
  port: string;
  alias: string;
  speedMbps?: number | null;
}

/** One IX-F connection matched (or not) to an SNMP port. */
export interface PortProposal {
  asn: number;
  memberName?: string;
  ixfSwitch: string;
  speedMbps?: number;
  /** The SNMP port, when one was found. */
  switch?: string;
  port?: string;
  /** How it was matched, or why not. */
  how: 'ifalias+speed' | 'ifalias' | 'unmapped';
  reason?: string;
}

/** Epoch ms of the start of a YYYY-MM-DD day (UTC). */
export function dayMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** The start of day 'YYYY-MM-DD': local midnight in `tz` (the IXP's, as its membership bounds), else UTC. */
function dayStartIn(date: string, tz?: string): number {
  return tz ? dayStart(date, tz)! : dayMs(date);
}

/**
 * Config members as a layer (source `config`). Ports are bounded by joined/left, from local midnight in `tz` (the
 * IXP's time zone, as the month figures count membership; UTC when none is given).
 */
export function configLayer(members: MemberConfig[], tz?: string): MemberLayer[] {
  return members.map((m) => {
    const s = <T>(value: T | undefined): Sourced<T> | undefined => (value === undefined ? undefined : { value, source: 'config' });
    return {
      asn: m.asn,
      name: s(m.name),
      category: s(m.category),
      buysTransit: s(m.buysTransit),
      transitPricePerMbps: s(m.transitPricePerMbps),
      portFeePerMonth: s(m.portFeePerMonth),
      joined: s(m.joined),
      left: s(m.left),
      ports: (m.ports ?? []).map((p) => ({
        switch: p.switch, port: p.port,
        validFrom: m.joined ? dayStartIn(m.joined, tz) : null,
        validTo: m.left ? dayStartIn(m.left, tz) : null,
        source: 'config' as const,
      })),
    };
  });
}

/**
 * Proposes which SNMP port is which IX-F connection: candidates are the store's ports whose ifAlias
 * names the member's ASN; among them, one with the same speed is preferred; a connection with no
 * candidate left is reported unmapped.
 */
export function proposePortMapping(ixf: IxfExport, aliases: PortAlias[]): PortProposal[] {
  const byAsn = new Map<number, PortAlias[]>();
  for (const a of aliases) {
    const m = parseIfAlias(a.alias);
    if (!m) continue;
    (byAsn.get(m.asn) ?? byAsn.set(m.asn, []).get(m.asn)!).push(a);
  }
  const out: PortProposal[] = [];
  for (const mem of ixf.members) {
    const free = [...(byAsn.get(mem.asn) ?? [])];
    // Ports with a known speed first, so that an unknown-speed candidate is kept for an unknown-speed port.
    const ordered = [...mem.ports].sort((a, b) => Number(a.speedMbps === undefined) - Number(b.speedMbps === undefined));
    for (const p of ordered) {
      const base = { asn: mem.asn, memberName: mem.name, ixfSwitch: p.switchName, speedMbps: p.speedMbps };
      if (free.length === 0) {
        out.push({ ...base, how: 'unmapped', reason: byAsn.has(mem.asn) ? 'more IX-F ports than SNMP ports with this ASN in ifAlias' : `no SNMP port has AS${mem.asn} in its ifAlias` });
        continue;
      }
      let i = p.speedMbps === undefined ? -1 : free.findIndex((c) => c.speedMbps != null && sameSpeed(c.speedMbps, p.speedMbps!));
      let how: PortProposal['how'] = 'ifalias+speed';
      if (i < 0) {
        // Without a speed match, take a candidate whose speed is unknown, or any when the IX-F speed is unknown.
        i = free.findIndex((c) => c.speedMbps == null || p.speedMbps === undefined);
        how = 'ifalias';
      }
      if (i < 0) {
        out.push({ ...base, how: 'unmapped', reason: `no SNMP port of AS${mem.asn} runs at ${p.speedMbps} Mbit/s (found ${free.map((c) => `${c.switch} ${c.port} ${c.speedMbps} Mbit/s`).join(', ')})` });
        continue;
      }
      const c = free.splice(i, 1)[0]!;
      out.push({ ...base, switch: c.switch, port: c.port, how });
    }
  }
  return out;
}

function sameSpeed(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(a, b) * 0.01;
}

/** IX-F export as a layer (source `ixf`); ports are those the proposal mapped, from the join day (local midnight in `tz`). */
export function ixfLayer(ixf: IxfExport, proposals: PortProposal[], tz?: string): MemberLayer[] {
  return ixf.members.map((m) => ({
    asn: m.asn,
    name: m.name ? { value: m.name, source: 'ixf' } : undefined,
    category: m.category ? { value: m.category, source: 'ixf' } : undefined,
    joined: m.joined ? { value: m.joined, source: 'ixf' } : undefined,
    url: m.url,
    ports: proposals.filter((p) => p.asn === m.asn && p.switch && p.port).map((p) => ({
      switch: p.switch!, port: p.port!, validFrom: m.joined ? dayStartIn(m.joined, tz) : null, validTo: null, source: 'ixf+ifalias' as const,
    })),
  }));
}

/** PeeringDB nets as a layer (source `peeringdb`): names and categories only. */
export function peeringDbLayer(nets: PeeringDbNet[]): MemberLayer[] {
  return nets.map((n) => ({
    asn: n.asn,
    name: n.name ? { value: n.name, source: 'peeringdb' } : undefined,
    category: n.infoType ? { value: n.category, source: 'peeringdb' } : undefined,
  }));
}

/** ifAlias as a layer (source `ifalias`): the ASN, name and port of every alias that parses. */
export function aliasLayer(aliases: PortAlias[]): MemberLayer[] {
  const out = new Map<number, MemberLayer>();
  for (const a of aliases) {
    const m = parseIfAlias(a.alias);
    if (!m) continue;
    const l = out.get(m.asn) ?? { asn: m.asn, ports: [] };
    if (m.name && !l.name) l.name = { value: m.name, source: 'ifalias' };
    l.ports!.push({ switch: a.switch, port: a.port, validFrom: null, validTo: null, source: 'ifalias' });
    out.set(m.asn, l);
  }
  return [...out.values()];
}

/**
 * Merges layers given highest priority first. For each field the first layer that has it wins.
 * A port belongs to the highest-priority layer that mentions it (its rows, with their time ranges,
 * are kept; lower layers' rows for that port are dropped). Members no layer names get nothing.
 */
export function mergeLayers(layers: MemberLayer[][]): ResolvedMember[] {
  const byAsn = new Map<number, MemberLayer[]>();
  for (const layer of layers) for (const m of layer) (byAsn.get(m.asn) ?? byAsn.set(m.asn, []).get(m.asn)!).push(m);
  // Port ownership: which layer index first mentions each switch/port.
  const portLayer = new Map<string, number>();
  layers.forEach((layer, li) => {
    for (const m of layer) for (const p of m.ports ?? []) {
      const k = `${p.switch}\u0000${p.port}`;
      if (!portLayer.has(k)) portLayer.set(k, li);
    }
  });
  const out: ResolvedMember[] = [];
  for (const [asn, parts] of byAsn) {
    const pick = <K extends keyof MemberLayer>(k: K): MemberLayer[K] | undefined => parts.find((p) => p[k] !== undefined)?.[k];
    const category = pick('category') ?? { value: 'other' as MemberCategory, source: 'default' as const };
    const buysTransit = pick('buysTransit') ?? { value: !['content', 'route-server'].includes(category.value), source: 'default' as const };
    const ports: MemberPort[] = [];
    layers.forEach((layer, li) => {
      for (const m of layer) {
        if (m.asn !== asn) continue;
        for (const p of m.ports ?? []) {
          if (portLayer.get(`${p.switch}\u0000${p.port}`) !== li) continue;
          if (!ports.some((q) => q.switch === p.switch && q.port === p.port && q.validFrom === p.validFrom)) ports.push(p);
        }
      }
    });
    out.push({
      asn,
      name: pick('name') ?? { value: `AS${asn}`, source: 'default' },
      category,
      buysTransit,
      transitPricePerMbps: pick('transitPricePerMbps') ?? null,
      portFeePerMonth: pick('portFeePerMonth') ?? { value: 0, source: 'default' },
      joined: pick('joined'),
      left: pick('left'),
      url: pick('url'),
      ports,
    });
  }
  return out.sort((a, b) => a.asn - b.asn);
}

export type { IxfPort };
