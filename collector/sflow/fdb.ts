// The switch's forwarding table over SNMP, for MAC → port (and so MAC → member): Q-BRIDGE-MIB
// dot1qTpFdbPort (RFC 4363) where the agent has it, else BRIDGE-MIB dot1dTpFdbPort (RFC 4188), both
// mapped from bridge port to ifIndex through dot1dBasePortIfIndex. Parsing is pure; readFdb is the edge.
import type { Column, SnmpClient, SnmpValue } from '../snmp/index.ts';
import type { MacSource } from './macs.ts';

/** Numeric OIDs: no MIBs at run time. */
export const FDB_OID = {
  dot1dBasePortIfIndex: '1.3.6.1.2.1.17.1.4.1.2',
  dot1dTpFdbPort: '1.3.6.1.2.1.17.4.3.1.2',
  dot1dTpFdbStatus: '1.3.6.1.2.1.17.4.3.1.3',
  dot1qTpFdbPort: '1.3.6.1.2.1.17.7.1.2.2.1.2',
  dot1qTpFdbStatus: '1.3.6.1.2.1.17.7.1.2.2.1.3',
} as const;

/** dot1dTpFdbStatus / dot1qTpFdbStatus values that are not a learned station: self (4) and mgmt (5). */
const NOT_LEARNED = new Set([4, 5]);

export interface FdbEntry {
  mac: string;
  ifIndex: number;
  /** Q-BRIDGE filtering database id (often the VLAN); undefined for BRIDGE-MIB. */
  fdbId?: number;
  source: 'q-bridge' | 'bridge';
}

export interface FdbTable {
  source: 'q-bridge' | 'bridge' | 'none';
  entries: FdbEntry[];
  /** Rows skipped: port 0 (unknown), self/mgmt entries, bridge ports with no ifIndex, malformed indexes. */
  skipped: number;
  /** Of those, rows whose port is 0 ("unknown"): some agents (SLX-OS) report every entry so, and then the table maps nothing. */
  portZero: number;
}

const num = (v: SnmpValue | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function macFromIndex(parts: number[]): string | null {
  if (parts.length !== 6 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return parts.map(hex2).join(':');
}

/** Pure: the forwarding table from walked columns (keys as SnmpClient.bulkColumns returns them). */
export function parseFdb(cols: Map<string, Column>): FdbTable {
  const basePort = new Map<number, number>();
  for (const [k, v] of cols.get(FDB_OID.dot1dBasePortIfIndex) ?? []) {
    const ifIndex = num(v);
    if (ifIndex !== undefined && ifIndex > 0) basePort.set(Number(k), ifIndex);
  }
  const q = cols.get(FDB_OID.dot1qTpFdbPort);
  const useQ = !!q && q.size > 0;
  const ports = useQ ? q : cols.get(FDB_OID.dot1dTpFdbPort);
  const status = cols.get(useQ ? FDB_OID.dot1qTpFdbStatus : FDB_OID.dot1dTpFdbStatus);
  const out: FdbTable = { source: ports && ports.size ? (useQ ? 'q-bridge' : 'bridge') : 'none', entries: [], skipped: 0, portZero: 0 };
  for (const [k, v] of ports ?? []) {
    const parts = String(k).split('.').map(Number);
    const fdbId = useQ ? parts.shift() : undefined;
    const mac = macFromIndex(parts);
    const port = num(v);
    const st = num(status?.get(k));
    if (port === 0) out.portZero++;
    if (!mac || port === undefined || port === 0 || (st !== undefined && NOT_LEARNED.has(st))) { out.skipped++; continue; }
    const ifIndex = basePort.get(port);
    if (ifIndex === undefined) { out.skipped++; continue; }
    out.entries.push(useQ ? { mac, ifIndex, fdbId, source: 'q-bridge' } : { mac, ifIndex, source: 'bridge' });
  }
  return out;
}

/** Walks the forwarding table of one switch (Q-BRIDGE first; BRIDGE-MIB only when Q-BRIDGE is empty). */
export async function readFdb(client: SnmpClient, maxRepetitions = 25): Promise<FdbTable> {
  const cols = await client.bulkColumns([FDB_OID.dot1dBasePortIfIndex, FDB_OID.dot1qTpFdbPort, FDB_OID.dot1qTpFdbStatus], maxRepetitions);
  if (!(cols.get(FDB_OID.dot1qTpFdbPort)?.size)) {
    const b = await client.bulkColumns([FDB_OID.dot1dTpFdbPort, FDB_OID.dot1dTpFdbStatus], maxRepetitions);
    for (const [k, v] of b) cols.set(k, v);
  }
  return parseFdb(cols);
}

/**
 * MACs learned on member ports, as MAC sources for the matrix. A MAC learned on ports of two members
 * (a moved router, a loop) is left out and returned, never given to one of them by chance.
 */
export function macsFromFdb(table: FdbTable, memberByIfIndex: ReadonlyMap<number, number>): { macs: MacSource[]; ambiguous: string[] } {
  const owner = new Map<string, number | null>();
  for (const e of table.entries) {
    const asn = memberByIfIndex.get(e.ifIndex);
    if (asn === undefined) continue;
    const prev = owner.get(e.mac);
    owner.set(e.mac, prev === undefined || prev === asn ? asn : null);
  }
  const macs: MacSource[] = [];
  const ambiguous: string[] = [];
  for (const [mac, asn] of owner) {
    if (asn === null) ambiguous.push(mac); else macs.push({ mac, asn, from: 'fdb' });
  }
  return { macs, ambiguous };
}
