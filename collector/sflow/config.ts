// The `sflow` slice of the config (schema.json holds the rules and defaults) and the checks a JSON schema
// cannot express: agents name configured switches, MACs name configured members, no MAC twice.
import type { Config } from '../config/types.ts';
import { normaliseMac } from './matrix.ts';

export interface SflowConfig {
  /** host:port to receive on (IPv6 as [addr]:port). Default 0.0.0.0:6343. */
  listen: string;
  /** SO_RCVBUF asked for, bytes. Default 8 MiB. */
  receiveBuffer: number;
  /** Seconds between two reads of each switch's forwarding table over SNMP. Default 900 (15 minutes). */
  fdbRefreshInterval: number;
  /** Agent address → switch name. Default none: every agent accepted, named by its address. */
  agents: { address: string; switch: string }[];
  /** Member router MACs by ASN. Default none. */
  macs: { mac: string; asn: number }[];
}

export const SFLOW_DEFAULTS: SflowConfig = { listen: '0.0.0.0:6343', receiveBuffer: 8 * 1024 * 1024, fdbRefreshInterval: 900, agents: [], macs: [] };

/** Problems as "path: message", like the loader's. */
export function sflowProblems(cfg: Config): string[] {
  const s = cfg.sflow;
  if (!s) return [];
  const out: string[] = [];
  const switches = new Set(cfg.switches.map((sw) => sw.name));
  const seenAgents = new Set<string>();
  s.agents.forEach((a, i) => {
    if (!switches.has(a.switch)) out.push(`/sflow/agents/${i}/switch: no switch named ${JSON.stringify(a.switch)} in switches`);
    if (seenAgents.has(a.address)) out.push(`/sflow/agents/${i}/address: agent ${a.address} listed twice`);
    seenAgents.add(a.address);
  });
  const asns = new Set(cfg.members.map((m) => m.asn));
  const seenMacs = new Map<string, number>();
  s.macs.forEach((m, i) => {
    if (cfg.members.length && !asns.has(m.asn)) out.push(`/sflow/macs/${i}/asn: no member AS${m.asn} in members`);
    const mac = normaliseMac(m.mac);
    if (!mac) { out.push(`/sflow/macs/${i}/mac: ${JSON.stringify(m.mac)} is not a MAC address`); return; }
    const prev = seenMacs.get(mac);
    if (prev !== undefined && prev !== m.asn) out.push(`/sflow/macs/${i}/mac: ${mac} is already AS${prev}'s`);
    seenMacs.set(mac, m.asn);
  });
  return out;
}

/** host:port (or [v6]:port) → parts; null when it is not one. */
export function parseListen(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? m[2], port };
}
